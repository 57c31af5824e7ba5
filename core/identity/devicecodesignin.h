// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "identity/cloudendpoints.h"
#include "identity/delegatedtoken.h"
#include "job.h"

#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QSslCertificate>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;
class QUrlQuery;

namespace M365::Identity {

/*
 * The administrator's sign-in with a code, for a computer without a browser (a server, an SSH session, the CLI):
 * the device authorization grant ("Microsoft identity platform and the OAuth 2.0 device authorization grant flow",
 * RFC 8628). The job asks the tenant's /devicecode endpoint for a code, tells it with codeReady() (the admin opens the
 * verification URI on any device, enters the code and signs in there), and polls the token endpoint at the interval
 * Microsoft asked for until the answer is a token or a final error: authorization_pending keeps polling, slow_down
 * adds five seconds to the interval for good, authorization_declined, expired_token and bad_verification_code end the
 * job with Microsoft's AADSTS text.
 *
 * Only a public client may use the grant: the setup client, or an app registration with "Allow public client flows"
 * on. The result is the same delegated token as AdminSignIn's, held in memory only.
 */
class DeviceCodeSignIn : public M365::Job
{
    Q_OBJECT

public:
    /// Error codes in M365::Error::code besides Microsoft's AADSTS codes and OAuth error names.
    static constexpr QLatin1String InvalidArgument{"signin.invalidArgument"};
    static constexpr QLatin1String BadAnswer{"signin.badAnswer"};
    static constexpr QLatin1String NoToken{"signin.noToken"};
    static constexpr QLatin1String Expired{"signin.expired"};
    static constexpr QLatin1String Network{"network"};

    /// @p tenant is a tenant id, a verified domain or "organizations"; @p clientId the public client to sign in with.
    DeviceCodeSignIn(const CloudEndpoints &endpoints,
                     const QString &tenant,
                     const QString &clientId,
                     QObject *parent = nullptr);
    ~DeviceCodeSignIn() override;

    /// Short permission names ("Application.ReadWrite.All"), qualified with the cloud's Graph resource; by default
    /// AdminSignIn::defaultScopes().
    void setScopes(const QStringList &scopes) { m_scopes = scopes; }
    QStringList scopes() const { return m_scopes; }
    /// Extra CAs to trust (the sandbox tenant's private CA); TLS verification stays on.
    void setExtraCaCertificates(const QList<QSslCertificate> &certificates) { m_extraCas = certificates; }

    // What codeReady() told, valid from then on.
    QString userCode() const { return m_userCode; }
    QUrl verificationUri() const { return m_verificationUri; }
    QString message() const { return m_message; }
    /// When the code stops working (UTC).
    QDateTime codeExpiresAt() const { return m_codeExpiresAt; }
    /// The wait between two polls: Microsoft's interval, raised by every slow_down.
    std::chrono::milliseconds pollInterval() const { return m_interval; }

    // The result, valid after a successful finished().
    const DelegatedToken &token() const { return m_token; }
    QString accessToken() const { return m_token.accessToken; }
    QDateTime expiresAt() const { return m_token.expiresAt; }
    /// The tenant id from the token's "tid" claim (also when signing in through a domain or "organizations").
    QString tenantId() const { return m_token.tenantId; }
    /// Who signed in ("upn" claim).
    QString userPrincipalName() const { return m_token.userPrincipalName; }
    /// The delegated permissions granted ("scp" claim).
    QStringList grantedScopes() const { return m_token.grantedScopes; }

Q_SIGNALS:
    /// The code to show: "open @p verificationUri and enter @p userCode before @p expiresAt"; @p message is
    /// Microsoft's sentence saying so. Emitted once, before the first poll.
    void
    codeReady(const QString &userCode, const QUrl &verificationUri, const QString &message, const QDateTime &expiresAt);

protected:
    void run() override;
    void onCancel() override;

private:
    QNetworkReply *post(const QUrl &url, const QUrlQuery &form);
    void onCodeReply();
    void poll();
    void onPollReply();
    /// A failed token request or an unreadable answer as an Error the admin can act on.
    M365::Error errorFromAnswer(QNetworkReply *reply, int status, const QJsonObject &body) const;
    void stop();

    CloudEndpoints m_endpoints;
    QString m_tenant;
    QString m_clientId;
    QStringList m_scopes;
    QList<QSslCertificate> m_extraCas;

    QNetworkAccessManager *m_nam = nullptr;
    QPointer<QNetworkReply> m_reply;
    QTimer m_pollTimer;
    QString m_deviceCode;
    std::chrono::milliseconds m_interval{std::chrono::seconds(5)};

    QString m_userCode;
    QUrl m_verificationUri;
    QString m_message;
    QDateTime m_codeExpiresAt;
    DelegatedToken m_token;
};

} // namespace M365::Identity
