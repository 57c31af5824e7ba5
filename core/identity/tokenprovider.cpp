// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenprovider.h"

#include "graph/requestlog.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrlQuery>

Q_LOGGING_CATEGORY(lcToken, "m365.core.identity.token")

namespace M365::Identity {

ClientCredential ClientCredential::fromCertificate(const CertificateCredential &certificate,
                                                   const QString &clientId,
                                                   ClientAssertion::Algorithm algorithm)
{
    ClientCredential credential;
    credential.kind = Kind::Assertion;
    credential.signAssertion = [certificate, clientId, algorithm](const QString &audience) {
        ClientAssertion assertion(certificate, clientId);
        assertion.setAlgorithm(algorithm);
        const auto signedAssertion = assertion.sign(audience);
        return signedAssertion.ok() ? QString::fromLatin1(signedAssertion.value) : QString();
    };
    return credential;
}

ClientCredential ClientCredential::fromSecret(const QString &secret)
{
    ClientCredential credential;
    credential.kind = Kind::Secret;
    credential.clientSecret = secret;
    return credential;
}

TokenProvider::TokenProvider(QNetworkAccessManager *nam,
                             const CloudEndpoints &endpoints,
                             const QString &tenant,
                             const QString &clientId,
                             const ClientCredential &credential,
                             QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_endpoints(endpoints)
    , m_tenant(tenant)
    , m_clientId(clientId)
    , m_credential(credential)
{}

bool TokenProvider::hasValidToken() const
{
    return !m_token.isEmpty() && QDateTime::currentDateTimeUtc() < m_refreshAt;
}

void TokenProvider::invalidate()
{
    m_token.clear();
    m_expiresAt = {};
    m_refreshAt = {};
}

void TokenProvider::setStaticToken(const QString &accessToken, const QDateTime &expiresAt)
{
    m_static = true;
    m_token = accessToken;
    m_expiresAt = expiresAt;
    m_refreshAt = expiresAt;
    m_roles.clear();
}

void TokenProvider::acquire(QObject *context, Callback callback)
{
    if (hasValidToken()) {
        const QString token = m_token;
        QTimer::singleShot(0, context, [callback, token] {
            callback(token, {});
        });
        return;
    }
    if (m_static) {
        const M365::Error error{
            QStringLiteral("signin.expired"), tr("The administrator sign-in has expired. Sign in again."), {}, {}};
        QTimer::singleShot(0, context, [callback, error] {
            callback({}, error);
        });
        return;
    }
    m_waiting.append({QPointer<QObject>(context), std::move(callback)});
    if (!m_inFlight) {
        requestToken();
    }
}

void TokenProvider::answerAll(const QString &token, const M365::Error &error)
{
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &entry : waiting) {
        if (!entry.first) {
            continue;
        }
        const Callback callback = entry.second;
        QTimer::singleShot(0, entry.first.data(), [callback, token, error] {
            callback(token, error);
        });
    }
}

void TokenProvider::requestToken()
{
    m_inFlight = true;
    const QUrl endpoint = m_endpoints.tokenEndpoint(m_tenant);
    QUrlQuery form;
    const auto add = [&form](const QString &key, const QString &value) {
        form.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    };
    add(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    add(QStringLiteral("client_id"), m_clientId);
    add(QStringLiteral("scope"), m_endpoints.graphScope);
    if (m_credential.kind == ClientCredential::Kind::Secret) {
        add(QStringLiteral("client_secret"), m_credential.clientSecret);
    } else {
        const QString assertion =
            m_credential.signAssertion ? m_credential.signAssertion(endpoint.toString()) : QString();
        if (assertion.isEmpty()) {
            m_inFlight = false;
            answerAll({},
                      M365::Error{QStringLiteral("assertion"),
                                  tr("The client assertion could not be signed. Check that the profile's certificate "
                                     "and its private key (in the keychain) belong together."),
                                  {},
                                  {}});
            return;
        }
        add(QStringLiteral("client_assertion_type"),
            QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        add(QStringLiteral("client_assertion"), assertion);
    }
    QNetworkRequest request(endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setTransferTimeout(60000);
    if (!m_extraCas.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(m_extraCas);
        request.setSslConfiguration(ssl);
    }
    qCDebug(lcToken) << "requesting a token from" << endpoint.toString();
    QNetworkReply *reply = m_nam->post(request, form.toString(QUrl::FullyEncoded).toLatin1());
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        onReplyFinished(reply);
    });
}

void TokenProvider::onReplyFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    m_inFlight = false;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (status == 0) {
        const QString host = reply->url().host();
        const bool tls = reply->error() == QNetworkReply::SslHandshakeFailedError;
        answerAll({},
                  M365::Error{tls ? QStringLiteral("network.tls") : QStringLiteral("network"),
                              tls ? tr("The TLS certificate of %1 is not trusted. For the sandbox tenant, the profile "
                                       "must trust the sandbox's CA file; otherwise check proxies that intercept TLS.")
                                        .arg(host)
                                  : tr("Cannot reach the sign-in service at %1: %2. Check the network connection, "
                                       "proxy and firewall.")
                                        .arg(host, reply->errorString()),
                              Graph::redactSecrets(reply->errorString()),
                              {}});
        return;
    }
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (status != 200 || json.value(QLatin1String("access_token")).toString().isEmpty()) {
        const M365::Error error = errorFromTokenResponse(status, json, m_tenant, m_clientId);
        qCWarning(lcToken) << "token request failed:" << error.code << Graph::redactSecrets(error.details);
        answerAll({}, error);
        return;
    }
    m_token = json.value(QLatin1String("access_token")).toString();
    const qint64 lifetime = std::max<qint64>(1, json.value(QLatin1String("expires_in")).toVariant().toLongLong());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_expiresAt = now.addSecs(lifetime);
    // Refresh ahead of expiry: five minutes before, or at 90 % of a short lifetime.
    m_refreshAt = now.addMSecs(std::max<qint64>(lifetime * 1000 - 300000, lifetime * 900));
    m_roles.clear();
    for (const auto &role : decodeJwtPayload(m_token).value(QLatin1String("roles")).toArray()) {
        m_roles.append(role.toString());
    }
    Q_EMIT tokenRefreshed(m_expiresAt);
    answerAll(m_token, {});
}

QJsonObject TokenProvider::decodeJwtPayload(const QString &token)
{
    const QStringList parts = token.split(QLatin1Char('.'));
    if (parts.size() != 3) {
        return {};
    }
    const auto decoded = QByteArray::fromBase64Encoding(parts.at(1).toLatin1(),
                                                        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return decoded ? QJsonDocument::fromJson(*decoded).object() : QJsonObject();
}

M365::Error TokenProvider::errorFromTokenResponse(int httpStatus,
                                                  const QJsonObject &body,
                                                  const QString &tenant,
                                                  const QString &clientId)
{
    const QString description = body.value(QLatin1String("error_description")).toString();
    const QJsonArray codes = body.value(QLatin1String("error_codes")).toArray();
    const int code = codes.isEmpty() ? 0 : codes.first().toInt();
    M365::Error error;
    error.code = code ? QStringLiteral("AADSTS%1").arg(code) : body.value(QLatin1String("error")).toString();
    error.details =
        QStringLiteral("HTTP %1: %2").arg(httpStatus).arg(description.section(QStringLiteral("\r\n"), 0, 0));
    error.requestId = body.value(QLatin1String("trace_id")).toString();
    switch (code) {
    case 90002:
    case 90023:
        error.userMessage =
            tr("Tenant \"%1\" was not found. Check the tenant ID or domain, and that you chose the right "
               "cloud (global, US Government or China).")
                .arg(tenant);
        break;
    case 700016:
        error.userMessage = tr("No app with client ID %1 exists in tenant \"%2\". Check the client (application) ID on "
                               "the app's Overview page in Entra ID, and that the app is registered in this tenant.")
                                .arg(clientId, tenant);
        break;
    case 700027: {
        static const QRegularExpression thumbprint(
            QStringLiteral("Thumbprint of key used by client: '([0-9A-Fa-f]+)'"));
        const QString used = thumbprint.match(description).captured(1);
        error.userMessage = description.contains(QLatin1String("expired"))
            ? tr("The certificate registered on the app has expired. Create a new certificate and "
                 "upload its .cer file to the app registration.")
            : tr("The app does not accept this certificate (thumbprint %1). Upload the "
                 "certificate's .cer file under Certificates & secrets of the app registration, "
                 "or select the certificate that is registered there.")
                  .arg(used.isEmpty() ? tr("unknown") : used);
        break;
    }
    case 7000215:
        error.userMessage = tr("The client secret is wrong. Copy the secret's Value (not its Secret ID) from "
                               "Certificates & secrets of the app registration.");
        break;
    case 7000222:
        error.userMessage =
            tr("The client secret has expired. Create a new one under Certificates & secrets of the app "
               "registration and update the connection; a certificate is the safer choice.");
        break;
    case 7000218:
        error.userMessage = tr("No credential was sent. Add a certificate (recommended) or a client secret to the "
                               "connection.");
        break;
    case 700024:
        error.userMessage =
            tr("The sign-in was refused because this computer's clock is wrong. Check the date, time and "
               "time zone.");
        break;
    case 7000229:
    case 65001:
    case 650052:
    case 500011:
        error.userMessage = tr("The app has not been granted access to this tenant. An administrator must grant admin "
                               "consent for the app's permissions.");
        break;
    case 70011:
        error.userMessage = tr("The requested scope was refused. Check that the cloud setting matches the tenant.");
        break;
    case 50012:
    case 700021:
    case 50027:
        error.userMessage = tr("The identity platform refused the signed client assertion: %1")
                                .arg(description.section(QStringLiteral("\r\n"), 0, 0));
        break;
    default:
        error.userMessage = description.isEmpty()
            ? tr("The sign-in failed with HTTP status %1.").arg(httpStatus)
            : tr("The sign-in failed: %1").arg(description.section(QStringLiteral("\r\n"), 0, 0));
        break;
    }
    return error;
}

} // namespace M365::Identity
