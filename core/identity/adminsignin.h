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
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QOAuth2AuthorizationCodeFlow;
class QOAuthHttpServerReplyHandler;

namespace M365::Identity {

/*
 * The administrator's interactive sign-in for the wizard's "Register automatically": the authorization-code flow with
 * PKCE ("Microsoft identity platform and OAuth 2.0 authorization code flow", RFC 7636) in the system browser, with
 * the redirect caught on a loopback port (RFC 8252).
 *
 * Qt NetworkAuth does the protocol (QOAuth2AuthorizationCodeFlow); the reply handler listens on 127.0.0.1 only,
 * because the port-only constructor of Qt 6.4 listens on every interface. Qt adds PKCE only from 6.8, so the
 * challenge and the verifier are added here through setModifyParametersFunction. Qt 6.4 also drops token endpoint
 * errors silently, so the job watches the token reply itself to report Microsoft's AADSTS text.
 *
 * The engine links no GUI: it does not open the browser itself. The app (QDesktopServices::openUrl) or a test gives
 * an opener with setBrowserOpener(), and authorizeUrlReady() tells anyone else the URL, e.g. to show it for copying.
 * The result is a delegated access token held in memory only, never stored.
 */
class AdminSignIn : public M365::Job
{
    Q_OBJECT

public:
    using BrowserOpener = std::function<void(const QUrl &url)>;

    /// Error codes in M365::Error::code besides Microsoft's AADSTS codes and OAuth error names.
    static constexpr QLatin1String Timeout{"signin.timeout"};
    static constexpr QLatin1String ListenFailed{"signin.listen"};
    static constexpr QLatin1String InvalidArgument{"signin.invalidArgument"};
    static constexpr QLatin1String NoToken{"signin.noToken"};

    /// Microsoft Graph Command Line Tools: a public client that Microsoft publishes in every tenant, registered for
    /// http://localhost redirects (the public client of Microsoft's Graph PowerShell SDK).
    static constexpr QLatin1String graphCommandLineToolsClientId{"14d82eec-204b-4c2f-b7e8-296a70dab67e"};

    /// The delegated Graph permissions the registration needs: create the app and its service principal, grant app
    /// roles, read the Graph service principal.
    static QStringList defaultScopes();

    /// @p tenant is a tenant id, a verified domain or "organizations"; @p clientId the public client to sign in with.
    AdminSignIn(const CloudEndpoints &endpoints,
                const QString &tenant,
                const QString &clientId,
                QObject *parent = nullptr);
    ~AdminSignIn() override;

    /// Short permission names ("Application.ReadWrite.All"); they are qualified with the cloud's Graph resource.
    void setScopes(const QStringList &scopes) { m_scopes = scopes; }
    QStringList scopes() const { return m_scopes; }
    void setBrowserOpener(BrowserOpener opener) { m_opener = std::move(opener); }
    /// Pre-fills the sign-in name on Microsoft's page.
    void setLoginHint(const QString &loginHint) { m_loginHint = loginHint; }
    /// How long the admin has to finish in the browser; 5 minutes by default.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    /// Extra CAs to trust for the token request (the sandbox tenant's private CA); TLS verification stays on.
    void setExtraCaCertificates(const QList<QSslCertificate> &certificates) { m_extraCas = certificates; }

    /// The loopback redirect URI while the job runs ("http://127.0.0.1:PORT/").
    QUrl redirectUri() const { return m_redirectUri; }

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

    /// A PKCE code verifier: 64 characters from the unreserved set (RFC 7636 allows 43 to 128).
    static QByteArray generateCodeVerifier();
    /// base64url(SHA-256(verifier)) without padding, the S256 code_challenge.
    static QByteArray codeChallenge(const QByteArray &verifier);

Q_SIGNALS:
    /// The URL to open in the system browser; emitted once, right before the opener is called.
    void authorizeUrlReady(const QUrl &url);

protected:
    void run() override;
    void onCancel() override;

private:
    void onGranted();
    void onFlowError(const QString &error, const QString &encodedDescription);
    void onNetworkReply(QNetworkReply *reply);
    void stop();

    CloudEndpoints m_endpoints;
    QString m_tenant;
    QString m_clientId;
    QStringList m_scopes;
    QString m_loginHint;
    BrowserOpener m_opener;
    std::chrono::milliseconds m_timeout{std::chrono::minutes(5)};
    QList<QSslCertificate> m_extraCas;

    QNetworkAccessManager *m_nam = nullptr;
    QPointer<QOAuth2AuthorizationCodeFlow> m_flow;
    QPointer<QOAuthHttpServerReplyHandler> m_handler;
    QTimer m_timer;
    QByteArray m_verifier;
    QUrl m_tokenUrl;
    QUrl m_redirectUri;

    DelegatedToken m_token;
};

} // namespace M365::Identity
