// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandboxfixture.h"

#include <QCryptographicHash>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QUrlQuery>
#include <QUuid>

SandboxFixture::SandboxFixture(M365::Sandbox::SandboxServer::Options options)
    : m_server(std::make_unique<M365::Sandbox::SandboxServer>())
{
    m_started = m_server->start(options, &m_error);
    m_nam.setAutoDeleteReplies(false);
}

SandboxFixture::Reply SandboxFixture::send(const QByteArray &method,
                                           const QString &path,
                                           const QByteArray &body,
                                           const QHash<QByteArray, QByteArray> &headers,
                                           int timeoutMs)
{
    QNetworkRequest request(QUrl(baseUrl() + path));
    for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
        request.setRawHeader(it.key(), it.value());
    }
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setTransferTimeout(timeoutMs);
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished()) {
        finished.wait(timeoutMs + 1000);
    }
    Reply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.json = QJsonDocument::fromJson(out.body).object();
    for (const auto &pair : reply->rawHeaderPairs()) {
        out.headers.insert(pair.first.toLower(), pair.second);
    }
    if (reply->error() != QNetworkReply::NoError && out.status == 0) {
        out.networkError = reply->errorString();
    }
    return out;
}

int SandboxFixture::setManager(const QString &user, const QString &manager, const QString &token)
{
    return graph("PUT",
                 QStringLiteral("/users/%1/manager/$ref").arg(user),
                 token,
                 {{QStringLiteral("@odata.id"),
                   QString(QStringLiteral("https://graph.microsoft.com/v1.0/users/") + manager)}})
        .status;
}

SandboxFixture::Reply SandboxFixture::graph(const QByteArray &method,
                                            const QString &path,
                                            const QString &token,
                                            const QJsonObject &body,
                                            const QHash<QByteArray, QByteArray> &headers)
{
    QHash<QByteArray, QByteArray> all = headers;
    if (!token.isEmpty()) {
        all.insert("Authorization", "Bearer " + token.toLatin1());
    }
    QByteArray payload;
    if (!body.isEmpty()) {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        if (!all.contains("Content-Type")) {
            all.insert("Content-Type", "application/json");
        }
    }
    return send(method, QStringLiteral("/v1.0") + path, payload, all);
}

SandboxFixture::Reply SandboxFixture::token(const QList<QPair<QString, QString>> &form, const QString &tenant)
{
    QUrlQuery query;
    for (const auto &item : form) {
        query.addQueryItem(item.first, QString::fromLatin1(QUrl::toPercentEncoding(item.second)));
    }
    return send("POST",
                QLatin1Char('/') + (tenant.isEmpty() ? tenantId() : tenant) + QStringLiteral("/oauth2/v2.0/token"),
                query.toString(QUrl::FullyEncoded).toLatin1(),
                {{"Content-Type", "application/x-www-form-urlencoded"}});
}

QString SandboxFixture::demoToken()
{
    if (m_demoToken.isEmpty()) {
        const auto &state = tenant().state();
        const Reply reply = token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                   {QStringLiteral("client_id"), state.demoClientId},
                                   {QStringLiteral("client_secret"), state.demoClientSecret},
                                   {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")}});
        m_demoToken = reply.json.value(QLatin1String("access_token")).toString();
    }
    return m_demoToken;
}

QString SandboxFixture::tokenWithRoles(const QStringList &roles)
{
    const Reply app = admin("POST",
                            QStringLiteral("applications"),
                            {{QStringLiteral("displayName"), QStringLiteral("roles test")},
                             {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
                             {QStringLiteral("withSecret"), true}});
    const Reply reply =
        token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
               {QStringLiteral("client_id"), app.json.value(QLatin1String("appId")).toString()},
               {QStringLiteral("client_secret"), app.json.value(QLatin1String("clientSecret")).toString()},
               {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")}});
    return reply.json.value(QLatin1String("access_token")).toString();
}

QString SandboxFixture::delegatedToken(const QString &upn, const QStringList &scopes)
{
    const Reply reply = admin(
        "POST",
        QStringLiteral("tokens"),
        {{QStringLiteral("userPrincipalName"), upn}, {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)}});
    return reply.json.value(QLatin1String("access_token")).toString();
}

QString SandboxFixture::signIn(const QString &upn, const QString &password, const QString &scope, QString *error)
{
    const auto fail = [error](const QString &why) {
        if (error) {
            *error = why;
        }
        return QString();
    };
    const QByteArray verifier = QUuid::createUuid().toRfc4122().toHex() + QUuid::createUuid().toRfc4122().toHex();
    const QByteArray challenge = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                     .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QString clientId = M365::Sandbox::SandboxTenant::setupClientId;
    const QString redirectUri = M365::Sandbox::SandboxTenant::setupClientRedirectUri + QStringLiteral(":40999/");
    // The sign-in form posts the authorize parameters back with the credentials.
    QUrlQuery form;
    const QList<QPair<QString, QString>> fields = {{QStringLiteral("client_id"), clientId},
                                                   {QStringLiteral("response_type"), QStringLiteral("code")},
                                                   {QStringLiteral("redirect_uri"), redirectUri},
                                                   {QStringLiteral("scope"), scope},
                                                   {QStringLiteral("state"), QStringLiteral("roles")},
                                                   {QStringLiteral("code_challenge"), QString::fromLatin1(challenge)},
                                                   {QStringLiteral("code_challenge_method"), QStringLiteral("S256")},
                                                   {QStringLiteral("login"), upn},
                                                   {QStringLiteral("passwd"), password}};
    for (const auto &field : fields) {
        form.addQueryItem(field.first, QString::fromLatin1(QUrl::toPercentEncoding(field.second)));
    }
    // The answer is a redirect to the loopback URI, where nobody listens: it is read, not followed.
    const QNetworkRequest::RedirectPolicy policy = m_nam.redirectPolicy();
    m_nam.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    const Reply page = send("POST",
                            QLatin1Char('/') + tenantId() + QStringLiteral("/oauth2/v2.0/authorize"),
                            form.toString(QUrl::FullyEncoded).toLatin1(),
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
    m_nam.setRedirectPolicy(policy);
    const QUrl location = QUrl::fromEncoded(page.header("location"));
    const QUrlQuery answer(location);
    const QString code = answer.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    if (page.status != 302 || code.isEmpty()) {
        return fail(page.status == 302 ? answer.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded)
                                       : QString::fromUtf8(page.body));
    }
    const Reply redeemed = token({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                  {QStringLiteral("client_id"), clientId},
                                  {QStringLiteral("code"), code},
                                  {QStringLiteral("redirect_uri"), redirectUri},
                                  {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)}});
    const QString accessToken = redeemed.json.value(QLatin1String("access_token")).toString();
    return accessToken.isEmpty() ? fail(QString::fromUtf8(redeemed.body)) : accessToken;
}

SandboxFixture::Reply SandboxFixture::admin(const QByteArray &method, const QString &what, const QJsonObject &body)
{
    return send(method,
                QStringLiteral("/_sandbox/") + what,
                body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact),
                body.isEmpty() ? QHash<QByteArray, QByteArray>{}
                               : QHash<QByteArray, QByteArray>{{"Content-Type", "application/json"}});
}

QJsonObject SandboxFixture::newUserBody(const QString &alias, const QString &displayName)
{
    return QJsonObject{
        {QStringLiteral("accountEnabled"), true},
        {QStringLiteral("displayName"), displayName.isEmpty() ? alias : displayName},
        {QStringLiteral("mailNickname"), alias},
        {QStringLiteral("userPrincipalName"), QString(alias + QStringLiteral("@contoso.onmicrosoft.com"))},
        {QStringLiteral("passwordProfile"),
         QJsonObject{{QStringLiteral("forceChangePasswordNextSignIn"), true},
                     {QStringLiteral("password"), QStringLiteral("xWwvJ]6NMw+bWH-d")}}},
    };
}
