// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "identity/cloudendpoints.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace M365::Identity {

/*
 * An administrator's delegated access token and what the engine reads from it, the result of both interactive
 * sign-ins (AdminSignIn with the browser, DeviceCodeSignIn with a code). It is held in memory only, never stored.
 *
 * The claims are decoded without checking the signature: the token is ours to send to Graph, which checks it, not a
 * proof we rely on. tid says which tenant the admin signed in to also when the sign-in went through a domain or
 * "organizations"; upn says who; scp which delegated permissions were granted.
 */
struct DelegatedToken
{
    QString accessToken;
    QDateTime expiresAt; ///< UTC
    QString tenantId; ///< "tid" claim
    QString userPrincipalName; ///< "upn" claim
    QStringList grantedScopes; ///< "scp" claim, short names ("Application.ReadWrite.All")

    bool isValid() const { return !accessToken.isEmpty(); }

    /// The token endpoint's success answer: access_token and expires_in (counted from @p received), plus the claims.
    static DelegatedToken fromTokenResponse(const QJsonObject &response,
                                            const QDateTime &received = QDateTime::currentDateTimeUtc());
    /// A token whose answer someone else parsed (Qt NetworkAuth): @p expiresAt when known, else the "exp" claim.
    static DelegatedToken fromAccessToken(const QString &accessToken, const QDateTime &expiresAt = {});
};

/// Short permission names ("Application.ReadWrite.All") qualified with the cloud's Graph resource
/// ("https://graph.microsoft.com/Application.ReadWrite.All"); names that already hold a resource stay as they are.
QStringList qualifiedGraphScopes(const CloudEndpoints &endpoints, const QStringList &scopes);

/// "AADSTS50126" from Microsoft's error_description, or empty.
QString aadstsCodeOf(const QString &errorDescription);
/// The first line of an error_description without the trace and correlation ids, for messages and logs.
QString firstSentenceOf(const QString &errorDescription);

} // namespace M365::Identity
