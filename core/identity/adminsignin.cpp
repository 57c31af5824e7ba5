// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "adminsignin.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QOAuth2AuthorizationCodeFlow>
#include <QOAuthHttpServerReplyHandler>
#include <QRandomGenerator>
#include <QSslConfiguration>

Q_LOGGING_CATEGORY(lcSignIn, "m365.core.identity.signin")

namespace M365::Identity {

namespace {

/// The flow builds its token request inside Qt; this manager adds the extra CAs (the sandbox's) to every request it
/// sends, so the global default SSL configuration stays untouched.
class TrustingAccessManager : public QNetworkAccessManager
{
public:
    TrustingAccessManager(const QList<QSslCertificate> &cas, QObject *parent)
        : QNetworkAccessManager(parent)
        , m_cas(cas)
    {}

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &original, QIODevice *data) override
    {
        QNetworkRequest request(original);
        request.setTransferTimeout(60000);
        if (!m_cas.isEmpty()) {
            QSslConfiguration ssl = request.sslConfiguration();
            ssl.addCaCertificates(m_cas);
            request.setSslConfiguration(ssl);
        }
        return QNetworkAccessManager::createRequest(op, request, data);
    }

private:
    QList<QSslCertificate> m_cas;
};

QString randomState()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString state;
    for (int i = 0; i < 32; ++i) {
        state.append(QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))]));
    }
    return state;
}

} // namespace

QStringList AdminSignIn::defaultScopes()
{
    return {QStringLiteral("Application.ReadWrite.All"),
            QStringLiteral("AppRoleAssignment.ReadWrite.All"),
            QStringLiteral("Directory.Read.All")};
}

AdminSignIn::AdminSignIn(const CloudEndpoints &endpoints,
                         const QString &tenant,
                         const QString &clientId,
                         QObject *parent)
    : Job(parent)
    , m_endpoints(endpoints)
    , m_tenant(tenant)
    , m_clientId(clientId)
    , m_scopes(defaultScopes())
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        stop();
        fail(Error{QString(Timeout),
                   tr("The sign-in was not completed in time. Start it again and finish signing in in the browser."),
                   QStringLiteral("no authorization response within %1 s").arg(m_timeout.count() / 1000),
                   {}});
    });
}

AdminSignIn::~AdminSignIn() = default;

QByteArray AdminSignIn::generateCodeVerifier()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    QByteArray verifier;
    for (int i = 0; i < 64; ++i) {
        verifier.append(alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))]);
    }
    return verifier;
}

QByteArray AdminSignIn::codeChallenge(const QByteArray &verifier)
{
    return QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

void AdminSignIn::run()
{
    Error invalid;
    if (!m_endpoints.isValid(&invalid)) {
        fail(invalid);
        return;
    }
    if (m_tenant.trimmed().isEmpty() || m_clientId.trimmed().isEmpty() || m_scopes.isEmpty()) {
        fail(Error{QString(InvalidArgument),
                   tr("The sign-in needs a tenant, a client ID and at least one permission."),
                   {},
                   {}});
        return;
    }
    m_handler = new QOAuthHttpServerReplyHandler(QHostAddress::LocalHost, 0, this);
    if (!m_handler->isListening()) {
        fail(Error{QString(ListenFailed),
                   tr("m365sync could not listen on a local port for the browser's answer. Check that nothing "
                      "blocks connections to 127.0.0.1."),
                   {},
                   {}});
        return;
    }
    m_handler->setCallbackText(tr("Signed in. You can close this window and return to m365sync."));
    // Microsoft Graph Command Line Tools, the public client this sign-in uses on real tenants, is registered for
    // http://localhost; Entra ignores only the port of a loopback redirect, not its host (entra-docs
    // identity-platform/reply-url.md). So the browser is sent to localhost while the listener stays on 127.0.0.1
    // alone (STYLE.md section 3), which is where browsers find localhost when ::1 does not answer.
    m_redirectUri = QUrl(QStringLiteral("http://localhost:%1").arg(m_handler->port()));

    m_tokenUrl = m_endpoints.tokenEndpoint(m_tenant);
    QUrl authorizeUrl = m_tokenUrl;
    QString path = authorizeUrl.path(QUrl::FullyEncoded);
    path.chop(int(qstrlen("token")));
    authorizeUrl.setPath(path + QStringLiteral("authorize"), QUrl::StrictMode);

    const QStringList qualified = qualifiedGraphScopes(m_endpoints, m_scopes);

    m_nam = new TrustingAccessManager(m_extraCas, this);
    connect(m_nam, &QNetworkAccessManager::finished, this, &AdminSignIn::onNetworkReply);
    m_verifier = generateCodeVerifier();
    const QByteArray challenge = codeChallenge(m_verifier);

    m_flow = new QOAuth2AuthorizationCodeFlow(m_nam, this);
    m_flow->setAuthorizationUrl(authorizeUrl);
    m_flow->setAccessTokenUrl(m_tokenUrl);
    m_flow->setClientIdentifier(m_clientId);
    m_flow->setScope(qualified.join(QLatin1Char(' ')));
    m_flow->setState(randomState());
    m_flow->setReplyHandler(m_handler);
    const QString loginHint = m_loginHint;
    const QByteArray verifier = m_verifier;
    const QString redirectUri = m_redirectUri.toString(QUrl::FullyEncoded);
    m_flow->setModifyParametersFunction([challenge, verifier, loginHint, redirectUri](
                                            QAbstractOAuth::Stage stage, QMultiMap<QString, QVariant> *parameters) {
        // The same redirect URI in the authorization request and the code redemption, as RFC 6749 4.1.3 asks.
        if (parameters->contains(QStringLiteral("redirect_uri"))) {
            parameters->replace(QStringLiteral("redirect_uri"), redirectUri);
        }
        if (stage == QAbstractOAuth::Stage::RequestingAuthorization) {
            parameters->insert(QStringLiteral("code_challenge"), QString::fromLatin1(challenge));
            parameters->insert(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
            if (!loginHint.isEmpty()) {
                parameters->insert(QStringLiteral("login_hint"), loginHint);
            }
        } else if (stage == QAbstractOAuth::Stage::RequestingAccessToken) {
            parameters->insert(QStringLiteral("code_verifier"), QString::fromLatin1(verifier));
        }
    });
    connect(m_flow, &QAbstractOAuth::authorizeWithBrowser, this, [this](const QUrl &url) {
        qCDebug(lcSignIn) << "authorization URL ready; redirect to" << m_redirectUri.toString();
        Q_EMIT authorizeUrlReady(url);
        if (m_opener) {
            m_opener(url);
        }
    });
    connect(m_flow, &QAbstractOAuth::granted, this, &AdminSignIn::onGranted);
    connect(
        m_flow, &QAbstractOAuth2::error, this, [this](const QString &error, const QString &description, const QUrl &) {
            onFlowError(error, description);
        });
    m_timer.start(m_timeout);
    m_flow->grant();
}

void AdminSignIn::onGranted()
{
    if (isFinished()) {
        return;
    }
    const DelegatedToken token = DelegatedToken::fromAccessToken(m_flow->token(), m_flow->expirationAt());
    if (!token.isValid()) {
        stop();
        fail(Error{QString(NoToken), tr("Microsoft answered the sign-in without an access token."), {}, {}});
        return;
    }
    m_token = token;
    qCInfo(lcSignIn) << "signed in as" << m_token.userPrincipalName << "in tenant" << m_token.tenantId << "with"
                     << m_token.grantedScopes;
    stop();
    succeed();
}

void AdminSignIn::onFlowError(const QString &error, const QString &encodedDescription)
{
    if (isFinished()) {
        return;
    }
    // Qt 6.4's reply handler passes query values partly percent-encoded ("AADSTS65004%3A User declined…").
    const QString description = QUrl::fromPercentEncoding(encodedDescription.toUtf8());
    const QString code = aadstsCodeOf(description);
    QString message;
    if (error == QLatin1String("access_denied")) {
        message = tr("The sign-in was cancelled or refused: %1").arg(firstSentenceOf(description));
    } else if (error == QLatin1String("invalid_scope") || error == QLatin1String("consent_required")) {
        message =
            tr("The permissions needed to register the app were not granted: %1").arg(firstSentenceOf(description));
    } else {
        message = tr("Microsoft refused the sign-in: %1").arg(firstSentenceOf(description));
    }
    qCWarning(lcSignIn) << "authorization failed:" << error << firstSentenceOf(description);
    stop();
    fail(Error{code.isEmpty() ? error : code, message, description, {}});
}

void AdminSignIn::onNetworkReply(QNetworkReply *reply)
{
    if (isFinished() || reply->url() != m_tokenUrl) {
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200) {
        return; // the flow parses it and emits granted()
    }
    // Qt 6.4 ignores a failed token request; peek so that Qt's own handler still sees the body.
    const QJsonObject body = QJsonDocument::fromJson(reply->peek(reply->bytesAvailable())).object();
    const QString description = body.value(QLatin1String("error_description")).toString();
    Error error;
    if (status == 0) {
        error = Error{QStringLiteral("network"),
                      tr("The token endpoint could not be reached: %1").arg(reply->errorString()),
                      reply->errorString(),
                      {}};
    } else {
        const QString code = aadstsCodeOf(description);
        error = Error{
            code.isEmpty() ? body.value(QLatin1String("error")).toString(QStringLiteral("http.%1").arg(status)) : code,
            tr("Microsoft did not accept the sign-in: %1")
                .arg(description.isEmpty() ? reply->errorString() : firstSentenceOf(description)),
            QStringLiteral("HTTP %1: %2").arg(status).arg(firstSentenceOf(description)),
            body.value(QLatin1String("trace_id")).toString()};
    }
    qCWarning(lcSignIn) << "token request failed:" << error.code << error.details;
    stop();
    fail(error);
}

void AdminSignIn::onCancel()
{
    stop();
}

void AdminSignIn::stop()
{
    m_timer.stop();
    if (m_handler) {
        m_handler->close();
    }
}

} // namespace M365::Identity
