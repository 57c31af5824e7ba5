// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <optional>

namespace M365::Identity {

/// The Microsoft cloud a tenant lives in. Tokens and Graph calls never cross clouds: an app registered in one cloud
/// is unknown in every other, so the cloud is part of every profile.
enum class Cloud {
    Global, ///< the worldwide service (also Microsoft 365 GCC, which uses the worldwide endpoints)
    UsGovernmentL4, ///< Microsoft Cloud for US Government, GCC High (L4)
    UsGovernmentL5Dod, ///< Microsoft Cloud for US Government, DoD (L5)
    China, ///< Microsoft 365 operated by 21Vianet
    Custom, ///< explicitly given roots: the sandbox tenant (m365sim) or a test server
};

/**
 * Where the identity platform and Microsoft Graph are for one cloud.
 *
 * Every URL the engine calls is built here, so no call site hard-codes a host: the token provider asks for
 * tokenEndpoint(), the Graph client for graphUrl(), the consent check for adminConsentUrl(). The national clouds'
 * roots are the ones Microsoft documents in "Microsoft Graph national cloud deployments"
 * (learn.microsoft.com/graph/deployments); the sandbox uses custom() roots on loopback.
 *
 * graphScope is what the client-credentials flow asks for. Microsoft requires the national cloud's Graph domain in it
 * ("https://graph.microsoft.us/.default" for L4); the sandbox also accepts the global scope, so a sandbox profile keeps
 * "https://graph.microsoft.com/.default" while pointing at its own URLs.
 */
struct CloudEndpoints
{
    Q_DECLARE_TR_FUNCTIONS(M365::Identity::CloudEndpoints)

public:
    Cloud cloud = Cloud::Global;
    QUrl authority; ///< identity platform root, without tenant, e.g. https://login.microsoftonline.com
    QUrl graph; ///< Graph root without the version, e.g. https://graph.microsoft.com
    QString graphScope; ///< "{graph resource}/.default"

    /// {authority}/{tenant}/oauth2/v2.0/token; the tenant is a GUID or a verified domain and is percent-encoded.
    QUrl tokenEndpoint(const QString &tenant) const;
    /// {authority}/{tenant}/oauth2/v2.0/devicecode, where the device authorization grant starts (RFC 8628).
    QUrl deviceCodeEndpoint(const QString &tenant) const;
    /// {graph}/v1.0/{pathAndQuery}; a leading '/' is optional, a query after '?' is kept as given.
    QUrl graphUrl(const QString &pathAndQuery) const;
    /// The v2.0 admin-consent URL ({authority}/{tenant}/v2.0/adminconsent) that grants the app's configured
    /// application permissions (scope "{graph}/.default"); redirect is omitted when empty.
    QUrl adminConsentUrl(const QString &tenant, const QString &clientId, const QUrl &redirect) const;
    /// Where an admin-consent link returns: {authority}/common/oauth2/nativeclient, Microsoft's own page that shows
    /// nothing but the answer, so the link works in any admin's browser. The registration adds it to the app's web
    /// redirect URIs, which the v2.0 admin-consent endpoint requires (identity-platform/v2-admin-consent.md).
    QUrl consentRedirectUri() const;

    /// Checks that both roots are absolute http(s) URLs without query or fragment. Plain http is only accepted on
    /// loopback (the sandbox's quick mode): a token request carries a secret or an assertion, never in clear text.
    bool isValid(M365::Error *error = nullptr) const;

    static CloudEndpoints forCloud(Cloud cloud);
    /// Custom roots (the sandbox). An empty scope becomes "{graph}/.default".
    static CloudEndpoints custom(const QUrl &login, const QUrl &graph, const QString &scope = {});
    /// The sandbox tenant (m365sim) at baseUrl ("https://127.0.0.1:PORT"): sign-in and Graph share the root, the
    /// scope stays the global one, which the sandbox accepts.
    static CloudEndpoints sandbox(const QUrl &baseUrl);

    /// Known clouds are stored by id only (their URLs come from this build); custom ones with their URLs.
    QJsonObject toJson() const;
    static std::optional<CloudEndpoints> fromJson(const QJsonObject &json, M365::Error *error = nullptr);

    /// The translated name shown to the admin ("US Government L5 (DoD)").
    static QString name(Cloud cloud);
    /// The stable identifier used in files and on the command line ("global", "usgov-l4", "usgov-l5-dod", "china",
    /// "custom").
    static QString id(Cloud cloud);
    static std::optional<Cloud> cloudFromId(const QString &id);

    friend bool operator==(const CloudEndpoints &a, const CloudEndpoints &b)
    {
        return a.cloud == b.cloud && a.authority == b.authority && a.graph == b.graph && a.graphScope == b.graphScope;
    }
    friend bool operator!=(const CloudEndpoints &a, const CloudEndpoints &b) { return !(a == b); }
};

} // namespace M365::Identity
