// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "devicecodesignin.h"

#include "identity/adminsignin.h"
#include "identity/tokenprovider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QUrlQuery>

#include <cmath>
#include <optional>

Q_LOGGING_CATEGORY(lcDeviceCode, "m365.core.identity.devicecode")

namespace M365::Identity {

namespace {

constexpr auto deviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 section 3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests".
constexpr std::chrono::milliseconds slowDownStep{std::chrono::seconds(5)};
/// RFC 8628 section 3.2: without an interval in the answer, clients wait 5 seconds.
constexpr std::chrono::milliseconds defaultInterval{std::chrono::seconds(5)};

/// A duration in seconds from a JSON number, which the sandbox sends with fractions when it runs faster than real
/// time; nothing when it is missing or not positive.
std::optional<std::chrono::milliseconds> secondsOf(const QJsonValue &value)
{
    const double seconds = value.toDouble(-1);
    if (!(seconds > 0)) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(qint64(std::ceil(seconds * 1000)));
}

} // namespace

DeviceCodeSignIn::DeviceCodeSignIn(const CloudEndpoints &endpoints,
                                   const QString &tenant,
                                   const QString &clientId,
                                   QObject *parent)
    : Job(parent)
    , m_endpoints(endpoints)
    , m_tenant(tenant)
    , m_clientId(clientId)
    , m_scopes(AdminSignIn::defaultScopes())
{
    m_pollTimer.setSingleShot(true);
    // A coarse timer may fire up to 5 % early, which the token endpoint answers with slow_down.
    m_pollTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_pollTimer, &QTimer::timeout, this, &DeviceCodeSignIn::poll);
}

DeviceCodeSignIn::~DeviceCodeSignIn() = default;

void DeviceCodeSignIn::run()
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
    m_nam = new QNetworkAccessManager(this);
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("client_id"), m_clientId);
    form.addQueryItem(QStringLiteral("scope"), qualifiedGraphScopes(m_endpoints, m_scopes).join(QLatin1Char(' ')));
    m_reply = post(m_endpoints.deviceCodeEndpoint(m_tenant), form);
    connect(m_reply, &QNetworkReply::finished, this, &DeviceCodeSignIn::onCodeReply);
}

QNetworkReply *DeviceCodeSignIn::post(const QUrl &url, const QUrlQuery &form)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(60000);
    if (!m_extraCas.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(m_extraCas);
        request.setSslConfiguration(ssl);
    }
    // Form values are percent-encoded in full: a '+' in a value would otherwise be read as a space.
    QByteArray body;
    for (const auto &item : form.queryItems(QUrl::FullyDecoded)) {
        body += (body.isEmpty() ? "" : "&") + QUrl::toPercentEncoding(item.first) + '='
            + QUrl::toPercentEncoding(item.second);
    }
    return m_nam->post(request, body);
}

void DeviceCodeSignIn::onCodeReply()
{
    QNetworkReply *reply = m_reply;
    m_reply.clear();
    reply->deleteLater();
    if (isFinished()) {
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    if (status != 200) {
        fail(errorFromAnswer(reply, status, body));
        return;
    }
    m_deviceCode = body.value(QLatin1String("device_code")).toString();
    m_userCode = body.value(QLatin1String("user_code")).toString();
    m_verificationUri = QUrl(body.value(QLatin1String("verification_uri")).toString());
    m_message = body.value(QLatin1String("message")).toString();
    const auto lifetime = secondsOf(body.value(QLatin1String("expires_in")));
    if (m_deviceCode.isEmpty() || m_userCode.isEmpty() || !m_verificationUri.isValid() || !lifetime) {
        fail(Error{QString(BadAnswer),
                   tr("Microsoft answered the request for a sign-in code with something m365sync cannot read."),
                   QStringLiteral("device authorization answer without device_code, user_code, verification_uri or "
                                  "expires_in"),
                   {}});
        return;
    }
    m_interval = secondsOf(body.value(QLatin1String("interval"))).value_or(defaultInterval);
    m_codeExpiresAt = QDateTime::currentDateTimeUtc().addMSecs(lifetime->count());
    if (m_message.isEmpty()) {
        m_message = tr("To sign in, open %1 in a web browser and enter the code %2.")
                        .arg(m_verificationUri.toString(), m_userCode);
    }
    qCInfo(lcDeviceCode) << "device code ready; polling every" << m_interval.count() << "ms until" << m_codeExpiresAt;
    Q_EMIT codeReady(m_userCode, m_verificationUri, m_message, m_codeExpiresAt);
    if (!isFinished()) { // a receiver may have cancelled
        m_pollTimer.start(m_interval);
    }
}

void DeviceCodeSignIn::poll()
{
    if (isFinished()) {
        return;
    }
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QLatin1String(deviceCodeGrantType));
    form.addQueryItem(QStringLiteral("client_id"), m_clientId);
    form.addQueryItem(QStringLiteral("device_code"), m_deviceCode);
    m_reply = post(m_endpoints.tokenEndpoint(m_tenant), form);
    connect(m_reply, &QNetworkReply::finished, this, &DeviceCodeSignIn::onPollReply);
}

void DeviceCodeSignIn::onPollReply()
{
    QNetworkReply *reply = m_reply;
    m_reply.clear();
    reply->deleteLater();
    if (isFinished()) {
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    if (status == 200) {
        const DelegatedToken token = DelegatedToken::fromTokenResponse(body);
        if (!token.isValid()) {
            fail(Error{QString(NoToken), tr("Microsoft answered the sign-in without an access token."), {}, {}});
            return;
        }
        m_token = token;
        qCInfo(lcDeviceCode) << "signed in as" << m_token.userPrincipalName << "in tenant" << m_token.tenantId << "with"
                             << m_token.grantedScopes;
        succeed();
        return;
    }
    const QString error = body.value(QLatin1String("error")).toString();
    const bool pending = error == QLatin1String("authorization_pending");
    if (error == QLatin1String("slow_down")) {
        m_interval += slowDownStep;
        qCDebug(lcDeviceCode) << "asked to slow down; polling every" << m_interval.count() << "ms";
    } else if (!pending) {
        fail(errorFromAnswer(reply, status, body));
        return;
    }
    if (QDateTime::currentDateTimeUtc() > m_codeExpiresAt.addMSecs(m_interval.count())) {
        // The code is long dead and the endpoint still says "pending": stop rather than poll forever.
        fail(Error{
            QString(Expired),
            tr("The sign-in code has expired. Start the sign-in again and enter the new code in time."),
            QStringLiteral("still pending after the code expired at %1").arg(m_codeExpiresAt.toString(Qt::ISODate)),
            {}});
        return;
    }
    m_pollTimer.start(m_interval);
}

M365::Error DeviceCodeSignIn::errorFromAnswer(QNetworkReply *reply, int status, const QJsonObject &body) const
{
    if (status == 0) {
        return Error{QString(Network),
                     tr("The sign-in service could not be reached: %1").arg(reply->errorString()),
                     reply->errorString(),
                     {}};
    }
    const QString error = body.value(QLatin1String("error")).toString();
    const QString description = body.value(QLatin1String("error_description")).toString();
    Error result = TokenProvider::errorFromTokenResponse(status, body, m_tenant, m_clientId);
    if (result.code.isEmpty()) {
        result.code =
            aadstsCodeOf(description).isEmpty() ? QStringLiteral("http.%1").arg(status) : aadstsCodeOf(description);
    }
    const QString said = description.isEmpty() ? reply->errorString() : firstSentenceOf(description);
    if (error == QLatin1String("authorization_declined")) {
        result.userMessage = tr("The sign-in was declined: %1").arg(said);
    } else if (error == QLatin1String("expired_token")) {
        result.userMessage =
            tr("The sign-in code has expired before the sign-in was finished. Start the sign-in again and enter the "
               "new code in time (%1).")
                .arg(said);
    } else if (error == QLatin1String("bad_verification_code")) {
        result.userMessage = tr("Microsoft did not accept the sign-in code: %1").arg(said);
    } else if (result.code == QLatin1String("AADSTS7000218")) {
        result.userMessage =
            tr("The app %1 may not sign in with a code. In its app registration, under Authentication, turn on "
               "\"Allow public client flows\", or sign in with the browser instead.")
                .arg(m_clientId);
    }
    return result;
}

void DeviceCodeSignIn::onCancel()
{
    stop();
}

void DeviceCodeSignIn::stop()
{
    m_pollTimer.stop();
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

} // namespace M365::Identity
