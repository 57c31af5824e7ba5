// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "identity/clientassertion.h"
#include "identity/cloudendpoints.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QStringList>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace M365::Identity {

/// How the app proves who it is to the token endpoint: a signed client assertion (preferred) or a client secret.
struct ClientCredential
{
    enum class Kind { Assertion, Secret };
    Kind kind = Kind::Assertion;
    QString clientSecret; ///< Kind::Secret; held in memory only, read from the secret store
    /// Kind::Assertion: signs a fresh assertion for the given audience (the token endpoint URL); empty on failure.
    std::function<QString(const QString &audience)> signAssertion;

    /// Sign-in with a certificate: every token request gets a freshly signed assertion.
    static ClientCredential fromCertificate(const CertificateCredential &certificate,
                                            const QString &clientId,
                                            ClientAssertion::Algorithm algorithm);
    static ClientCredential fromSecret(const QString &secret);
};

/*
 * Application sign-in with the client-credentials flow. Keeps the access token in memory only, refreshes it ahead of
 * expiry, and runs at most one token request at a time: callers that ask while one is in flight are answered when it
 * completes. Token endpoint errors become messages an admin can act on (see errorFromTokenResponse).
 */
class TokenProvider : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const QString &accessToken, const M365::Error &error)>;

    TokenProvider(QNetworkAccessManager *nam,
                  const CloudEndpoints &endpoints,
                  const QString &tenant,
                  const QString &clientId,
                  const ClientCredential &credential,
                  QObject *parent = nullptr);

    /// Extra CAs to trust (the sandbox tenant's private CA); TLS verification stays on.
    void setExtraCaCertificates(const QList<QSslCertificate> &certificates) { m_extraCas = certificates; }
    QList<QSslCertificate> extraCaCertificates() const { return m_extraCas; }

    /// Calls @p callback (always asynchronously, on @p context's thread) with a valid token or an error.
    void acquire(QObject *context, Callback callback);
    /// Forgets the cached token, e.g. after Graph answered 401 for it.
    void invalidate();
    /// Serves a token obtained elsewhere (the admin's delegated token from AdminSignIn) until @p expiresAt instead of
    /// asking the token endpoint. It is never refreshed: afterwards acquire() reports that the sign-in expired.
    void setStaticToken(const QString &accessToken, const QDateTime &expiresAt);

    bool hasValidToken() const;
    QDateTime expiresAt() const { return m_expiresAt; }
    /// The app roles granted to the app, decoded from the token's "roles" claim.
    QStringList roles() const { return m_roles; }
    const CloudEndpoints &endpoints() const { return m_endpoints; }
    QString tenant() const { return m_tenant; }
    QString clientId() const { return m_clientId; }

    /// Maps a token endpoint error (HTTP status and JSON body) to an Error an admin can act on.
    static M365::Error
    errorFromTokenResponse(int httpStatus, const QJsonObject &body, const QString &tenant, const QString &clientId);
    /// The payload of a JWT (no signature check: the token is ours to use, not to trust).
    static QJsonObject decodeJwtPayload(const QString &token);

Q_SIGNALS:
    void tokenRefreshed(const QDateTime &expiresAt);

private:
    void requestToken();
    void onReplyFinished(QNetworkReply *reply);
    void answerAll(const QString &token, const M365::Error &error);

    QNetworkAccessManager *m_nam;
    CloudEndpoints m_endpoints;
    QString m_tenant;
    QString m_clientId;
    ClientCredential m_credential;
    QList<QSslCertificate> m_extraCas;
    QString m_token;
    QDateTime m_expiresAt;
    QDateTime m_refreshAt;
    QStringList m_roles;
    bool m_inFlight = false;
    bool m_static = false; ///< setStaticToken(): no token requests
    QList<QPair<QPointer<QObject>, Callback>> m_waiting;
};

} // namespace M365::Identity
