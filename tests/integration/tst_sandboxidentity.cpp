// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox's identity platform: POST /{tenant}/oauth2/v2.0/token with a client secret or a certificate assertion,
// the AADSTS errors Microsoft documents, and how Graph treats missing, forged, expired and under-privileged tokens.
// Certificates and assertion signatures come from the openssl command-line tool, never from the sandbox's own crypto
// code, so that a misreading of the protocol cannot hide on both sides.

#include "opensslcli.h"
#include "sandboxfixture.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include <memory>

using TestSupport::base64Url;
using TestSupport::runOpenssl;

namespace {

constexpr auto graphScope = "https://graph.microsoft.com/.default";
constexpr auto assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

QJsonObject jwtPart(const QString &token, int part)
{
    const QByteArray text = token.toLatin1().split('.').value(part);
    return QJsonDocument::fromJson(
               QByteArray::fromBase64(text, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
        .object();
}

/// A key pair and self-signed certificate made as an admin would: `openssl req -x509 -newkey rsa:2048 -nodes`.
struct Certificate
{
    QString keyPath;
    QByteArray pem;
    QByteArray der;

    QByteArray x5t() const { return base64Url(QCryptographicHash::hash(der, QCryptographicHash::Sha1)); }
    QByteArray x5tS256() const { return base64Url(QCryptographicHash::hash(der, QCryptographicHash::Sha256)); }
};

bool makeCertificate(const QString &directory, const QString &name, Certificate *certificate, QString *error)
{
    certificate->keyPath = directory + QLatin1Char('/') + name + QStringLiteral(".key");
    const QString certPath = directory + QLatin1Char('/') + name + QStringLiteral(".pem");
    QByteArray ignored;
    if (!runOpenssl({QStringLiteral("req"),
                     QStringLiteral("-x509"),
                     QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"),
                     QStringLiteral("-nodes"),
                     QStringLiteral("-sha256"),
                     QStringLiteral("-days"),
                     QStringLiteral("2"),
                     QStringLiteral("-subj"),
                     QStringLiteral("/CN=") + name,
                     QStringLiteral("-keyout"),
                     certificate->keyPath,
                     QStringLiteral("-out"),
                     certPath},
                    {},
                    &ignored,
                    error)) {
        return false;
    }
    QFile file(certPath);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return false;
    }
    certificate->pem = file.readAll();
    certificate->der = QSslCertificate(certificate->pem, QSsl::Pem).toDer();
    if (certificate->der.isEmpty()) {
        *error = QStringLiteral("openssl wrote no readable certificate");
        return false;
    }
    return true;
}

enum class Algorithm { RS256, PS256 };

/// A compact JWS whose signature the openssl CLI makes: `dgst -sha256 -sign` (PKCS#1 v1.5, or PSS with a salt as
/// long as the digest for PS256).
bool signJwt(const QJsonObject &header,
             const QJsonObject &claims,
             const QString &keyPath,
             Algorithm algorithm,
             QByteArray *jwt,
             QString *error)
{
    const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    QStringList arguments{QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-sign"), keyPath};
    if (algorithm == Algorithm::PS256) {
        arguments << QStringLiteral("-sigopt") << QStringLiteral("rsa_padding_mode:pss") << QStringLiteral("-sigopt")
                  << QStringLiteral("rsa_pss_saltlen:-1");
    }
    QByteArray signature;
    if (!runOpenssl(arguments, input, &signature, error)) {
        return false;
    }
    if (signature.size() != 256) {
        *error = QStringLiteral("openssl gave a %1-byte signature").arg(signature.size());
        return false;
    }
    *jwt = input + '.' + base64Url(signature);
    return true;
}

using Form = QList<QPair<QString, QString>>;

} // namespace

class TestSandboxIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void clientSecretIssuesTokenWithGrantedRoles();
    void tenantByIdOrVerifiedDomain_data();
    void tenantByIdOrVerifiedDomain();
    void tokenErrors_data();
    void tokenErrors();

    void clientAssertion_data();
    void clientAssertion();
    void replayedAssertionIsRefused();
    void assertionWithoutTypeIsRefused();

    void graphRefusesMissingToken();
    void graphRefusesTamperedToken();
    void graphRefusesExpiredToken();
    void graphRequiresRoles();

private:
    SandboxFixture::Reply
    postToken(const Form &form, const QString &tenant = {}, const QHash<QByteArray, QByteArray> &headers = {});
    Form assertionForm(const QByteArray &jwt, const QString &clientId) const;
    QJsonObject claims(const QString &audience, const QString &issuer, qint64 expiresIn) const;

    QTemporaryDir m_dir;
    std::unique_ptr<SandboxFixture> m_fixture;
    Certificate m_certificate; ///< registered on m_certificateClient
    Certificate m_stranger; ///< registered nowhere
    QString m_certificateClient;
    QString m_secretClient;
    QString m_secret;
    QString m_expiredClient;
    QString m_expiredSecret;
    const QStringList m_roles{QStringLiteral("Group.Read.All"), QStringLiteral("User.Read.All")};
};

void TestSandboxIdentity::initTestCase()
{
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));
    m_fixture = std::make_unique<SandboxFixture>();
    QVERIFY2(m_fixture->isStarted(), qPrintable(m_fixture->startError()));

    QString error;
    QVERIFY2(makeCertificate(m_dir.path(), QStringLiteral("registered"), &m_certificate, &error), qPrintable(error));
    QVERIFY2(makeCertificate(m_dir.path(), QStringLiteral("stranger"), &m_stranger, &error), qPrintable(error));

    auto app = m_fixture->admin("POST",
                                QStringLiteral("applications"),
                                {{QStringLiteral("displayName"), QStringLiteral("certificate client")},
                                 {QStringLiteral("roles"), QJsonArray::fromStringList(m_roles)},
                                 {QStringLiteral("certificatePem"), QString::fromLatin1(m_certificate.pem)}});
    QVERIFY2(app.status == 201, app.body.constData());
    m_certificateClient = app.json.value(QLatin1String("appId")).toString();
    QVERIFY(!m_certificateClient.isEmpty());

    app = m_fixture->admin("POST",
                           QStringLiteral("applications"),
                           {{QStringLiteral("displayName"), QStringLiteral("secret client")},
                            {QStringLiteral("roles"), QJsonArray::fromStringList(m_roles)},
                            {QStringLiteral("withSecret"), true}});
    QVERIFY2(app.status == 201, app.body.constData());
    m_secretClient = app.json.value(QLatin1String("appId")).toString();
    m_secret = app.json.value(QLatin1String("clientSecret")).toString();
    QVERIFY(!m_secret.isEmpty());

    app = m_fixture->admin("POST",
                           QStringLiteral("applications"),
                           {{QStringLiteral("displayName"), QStringLiteral("expired secret")},
                            {QStringLiteral("withSecret"), true},
                            {QStringLiteral("secretExpired"), true}});
    QVERIFY2(app.status == 201, app.body.constData());
    m_expiredClient = app.json.value(QLatin1String("appId")).toString();
    m_expiredSecret = app.json.value(QLatin1String("clientSecret")).toString();
}

SandboxFixture::Reply
TestSandboxIdentity::postToken(const Form &form, const QString &tenant, const QHash<QByteArray, QByteArray> &headers)
{
    QByteArray body;
    for (const auto &item : form) {
        body += (body.isEmpty() ? "" : "&") + QUrl::toPercentEncoding(item.first) + '='
            + QUrl::toPercentEncoding(item.second);
    }
    QHash<QByteArray, QByteArray> all = headers;
    all.insert("Content-Type", "application/x-www-form-urlencoded");
    return m_fixture->send("POST",
                           QLatin1Char('/') + (tenant.isEmpty() ? m_fixture->tenantId() : tenant)
                               + QStringLiteral("/oauth2/v2.0/token"),
                           body,
                           all);
}

Form TestSandboxIdentity::assertionForm(const QByteArray &jwt, const QString &clientId) const
{
    return {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
            {QStringLiteral("client_id"), clientId},
            {QStringLiteral("scope"), QString::fromLatin1(graphScope)},
            {QStringLiteral("client_assertion_type"), QString::fromLatin1(assertionType)},
            {QStringLiteral("client_assertion"), QString::fromLatin1(jwt)}};
}

// The claims of ../shared/graph-examples/client-assertion-claims.json: aud is the token endpoint, iss = sub = client.
QJsonObject TestSandboxIdentity::claims(const QString &audience, const QString &issuer, qint64 expiresIn) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return QJsonObject{{QStringLiteral("aud"), audience},
                       {QStringLiteral("exp"), now + expiresIn},
                       {QStringLiteral("iss"), issuer},
                       {QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                       {QStringLiteral("nbf"), now + expiresIn - 600},
                       {QStringLiteral("sub"), m_certificateClient}};
}

void TestSandboxIdentity::clientSecretIssuesTokenWithGrantedRoles()
{
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const auto reply = postToken({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                  {QStringLiteral("client_id"), m_secretClient},
                                  {QStringLiteral("client_secret"), m_secret},
                                  {QStringLiteral("scope"), QString::fromLatin1(graphScope)}});
    QVERIFY2(reply.status == 200, reply.body.constData());
    QCOMPARE(reply.json.value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
    const int expiresIn = reply.json.value(QLatin1String("expires_in")).toInt();
    QVERIFY2(expiresIn > 3000 && expiresIn <= 3600, reply.body.constData());

    const QString token = reply.json.value(QLatin1String("access_token")).toString();
    QCOMPARE(token.count(QLatin1Char('.')), 2);
    const QJsonObject header = jwtPart(token, 0);
    QCOMPARE(header.value(QLatin1String("alg")).toString(), QStringLiteral("RS256"));
    const QJsonObject payload = jwtPart(token, 1);
    QStringList roles;
    for (const auto &role : payload.value(QLatin1String("roles")).toArray()) {
        roles.append(role.toString());
    }
    roles.sort();
    QCOMPARE(roles, m_roles);
    QCOMPARE(payload.value(QLatin1String("tid")).toString(), m_fixture->tenantId());
    QCOMPARE(payload.value(QLatin1String("appid")).toString(), m_secretClient);
    const qint64 exp = payload.value(QLatin1String("exp")).toInteger();
    QVERIFY(exp >= before + expiresIn - 5 && exp <= QDateTime::currentSecsSinceEpoch() + expiresIn + 5);

    // The token opens what its roles allow.
    QCOMPARE(m_fixture->graph("GET", QStringLiteral("/users?$top=1"), token).status, 200);
}

void TestSandboxIdentity::tenantByIdOrVerifiedDomain_data()
{
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<int>("status");
    QTest::newRow("tenant id") << QString() << 200;
    QTest::newRow("verified initial domain") << QStringLiteral("contoso.onmicrosoft.com") << 200;
    QTest::newRow("domain in upper case") << QStringLiteral("CONTOSO.onmicrosoft.com") << 200;
    QTest::newRow("unverified domain of the tenant") << QStringLiteral("example.org") << 400;
    QTest::newRow("unknown domain") << QStringLiteral("fabrikam.onmicrosoft.com") << 400;
    QTest::newRow("unknown tenant id") << QStringLiteral("3f1c0e6b-53a4-4b8e-9d3b-8e0a5f7c2d11") << 400;
}

void TestSandboxIdentity::tenantByIdOrVerifiedDomain()
{
    QFETCH(QString, tenant);
    QFETCH(int, status);
    const auto reply = postToken({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                  {QStringLiteral("client_id"), m_secretClient},
                                  {QStringLiteral("client_secret"), m_secret},
                                  {QStringLiteral("scope"), QString::fromLatin1(graphScope)}},
                                 tenant);
    QVERIFY2(reply.status == status, reply.body.constData());
    if (status == 200) {
        QVERIFY(!reply.json.value(QLatin1String("access_token")).toString().isEmpty());
    } else {
        QCOMPARE(reply.json.value(QLatin1String("error_codes")).toArray(), QJsonArray{90002});
        QVERIFY(
            reply.json.value(QLatin1String("error_description")).toString().startsWith(QLatin1String("AADSTS90002:")));
    }
}

void TestSandboxIdentity::tokenErrors_data()
{
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<QString>("client"); // secret, expired, unknown
    QTest::addColumn<QString>("secret"); // right, wrong, expired, none
    QTest::addColumn<QString>("scope");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("code");

    const QString scope = QString::fromLatin1(graphScope);
    QTest::newRow("unknown tenant") << QStringLiteral("fabrikam.onmicrosoft.com") << "secret"
                                    << "right" << scope << 400 << "invalid_request" << 90002;
    QTest::newRow("unknown client") << QString() << "unknown"
                                    << "right" << scope << 400 << "unauthorized_client" << 700016;
    QTest::newRow("wrong secret") << QString() << "secret"
                                  << "wrong" << scope << 401 << "invalid_client" << 7000215;
    QTest::newRow("expired secret") << QString() << "expired"
                                    << "expired" << scope << 401 << "invalid_client" << 7000222;
    QTest::newRow("no credential") << QString() << "secret"
                                   << "none" << scope << 401 << "invalid_client" << 7000218;
    QTest::newRow("bad scope") << QString() << "secret"
                               << "right" << QStringLiteral("https://foo.microsoft.com/.default") << 400
                               << "invalid_scope" << 70011;
}

void TestSandboxIdentity::tokenErrors()
{
    QFETCH(QString, tenant);
    QFETCH(QString, client);
    QFETCH(QString, secret);
    QFETCH(QString, scope);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(int, code);

    Form form{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}, {QStringLiteral("scope"), scope}};
    if (client == QLatin1String("secret")) {
        form.append({QStringLiteral("client_id"), m_secretClient});
    } else if (client == QLatin1String("expired")) {
        form.append({QStringLiteral("client_id"), m_expiredClient});
    } else {
        form.append({QStringLiteral("client_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)});
    }
    if (secret == QLatin1String("right")) {
        form.append({QStringLiteral("client_secret"), m_secret});
    } else if (secret == QLatin1String("wrong")) {
        form.append({QStringLiteral("client_secret"), QStringLiteral("not~the.secret_of-this-app")});
    } else if (secret == QLatin1String("expired")) {
        form.append({QStringLiteral("client_secret"), m_expiredSecret});
    }
    const QByteArray correlation = QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
    const auto reply = postToken(form, tenant, {{"client-request-id", correlation}});

    QVERIFY2(reply.status == status, reply.body.constData());
    QCOMPARE(reply.json.value(QLatin1String("error")).toString(), error);
    QCOMPARE(reply.json.value(QLatin1String("error_codes")).toArray(), QJsonArray{code});
    const QString description = reply.json.value(QLatin1String("error_description")).toString();
    QVERIFY2(description.startsWith(QStringLiteral("AADSTS%1: ").arg(code)), qPrintable(description));
    for (const char *key : {"timestamp", "trace_id", "correlation_id"}) {
        QVERIFY2(!reply.json.value(QLatin1String(key)).toString().isEmpty(), key);
    }
    QVERIFY(QUuid::fromString(reply.json.value(QLatin1String("trace_id")).toString()).isNull() == false);
    QCOMPARE(reply.json.value(QLatin1String("correlation_id")).toString(), QString::fromLatin1(correlation));
    QVERIFY(description.contains(reply.json.value(QLatin1String("trace_id")).toString()));
}

void TestSandboxIdentity::clientAssertion_data()
{
    QTest::addColumn<int>("algorithm");
    QTest::addColumn<bool>("signWithRegisteredKey");
    QTest::addColumn<bool>("thumbprintOfRegistered");
    QTest::addColumn<QString>("audience"); // token endpoint, other
    QTest::addColumn<bool>("issuerIsClient");
    QTest::addColumn<int>("expiresIn");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");

    const int rs = int(Algorithm::RS256);
    const int ps = int(Algorithm::PS256);
    QTest::newRow("RS256 with x5t") << rs << true << true << "endpoint" << true << 600 << 200 << 0 << QString();
    QTest::newRow("PS256 with x5t#S256") << ps << true << true << "endpoint" << true << 600 << 200 << 0 << QString();
    QTest::newRow("forged RS256 signature")
        << rs << false << true << "endpoint" << true << 600 << 401 << 700027 << "signature";
    QTest::newRow("forged PS256 signature")
        << ps << false << true << "endpoint" << true << 600 << 401 << 700027 << "signature";
    QTest::newRow("unregistered certificate")
        << rs << false << false << "endpoint" << true << 600 << 401 << 700027 << "The key was not found.";
    QTest::newRow("wrong audience") << rs << true << true << "microsoft" << true << 600 << 401 << 50012 << "audience";
    QTest::newRow("issuer is not the client")
        << rs << true << true << "endpoint" << false << 600 << 401 << 700021 << "'iss'";
    QTest::newRow("expired an hour ago") << rs << true << true << "endpoint" << true << -3600 << 401 << 700024
                                         << "time range";
}

void TestSandboxIdentity::clientAssertion()
{
    QFETCH(int, algorithm);
    QFETCH(bool, signWithRegisteredKey);
    QFETCH(bool, thumbprintOfRegistered);
    QFETCH(QString, audience);
    QFETCH(bool, issuerIsClient);
    QFETCH(int, expiresIn);
    QFETCH(int, status);
    QFETCH(int, code);
    QFETCH(QString, reason);

    const Certificate &thumbprinted = thumbprintOfRegistered ? m_certificate : m_stranger;
    QJsonObject header{{QStringLiteral("typ"), QStringLiteral("JWT")}};
    if (Algorithm(algorithm) == Algorithm::RS256) {
        header.insert(QStringLiteral("alg"), QStringLiteral("RS256"));
        header.insert(QStringLiteral("x5t"), QString::fromLatin1(thumbprinted.x5t()));
    } else {
        header.insert(QStringLiteral("alg"), QStringLiteral("PS256"));
        header.insert(QStringLiteral("x5t#S256"), QString::fromLatin1(thumbprinted.x5tS256()));
    }
    const QString endpoint = audience == QLatin1String("endpoint")
        ? m_fixture->baseUrl() + QLatin1Char('/') + m_fixture->tenantId() + QStringLiteral("/oauth2/v2.0/token")
        : QStringLiteral("https://login.microsoftonline.com/%1/oauth2/v2.0/token").arg(m_fixture->tenantId());
    const QString issuer = issuerIsClient ? m_certificateClient : QUuid::createUuid().toString(QUuid::WithoutBraces);

    QByteArray jwt;
    QString error;
    QVERIFY2(signJwt(header,
                     claims(endpoint, issuer, expiresIn),
                     signWithRegisteredKey ? m_certificate.keyPath : m_stranger.keyPath,
                     Algorithm(algorithm),
                     &jwt,
                     &error),
             qPrintable(error));
    const auto reply = postToken(assertionForm(jwt, m_certificateClient));
    QVERIFY2(reply.status == status, reply.body.constData());
    if (status == 200) {
        const QJsonObject payload = jwtPart(reply.json.value(QLatin1String("access_token")).toString(), 1);
        QCOMPARE(payload.value(QLatin1String("appid")).toString(), m_certificateClient);
        QCOMPARE(payload.value(QLatin1String("roles")).toArray(), QJsonArray::fromStringList(m_roles));
        return;
    }
    QCOMPARE(reply.json.value(QLatin1String("error")).toString(), QStringLiteral("invalid_client"));
    QCOMPARE(reply.json.value(QLatin1String("error_codes")).toArray(), QJsonArray{code});
    const QString description = reply.json.value(QLatin1String("error_description")).toString();
    QVERIFY2(description.startsWith(QStringLiteral("AADSTS%1: ").arg(code)), qPrintable(description));
    QVERIFY2(description.contains(reason), qPrintable(description));
}

void TestSandboxIdentity::replayedAssertionIsRefused()
{
    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("RS256")},
                             {QStringLiteral("typ"), QStringLiteral("JWT")},
                             {QStringLiteral("x5t"), QString::fromLatin1(m_certificate.x5t())}};
    const QString endpoint =
        m_fixture->baseUrl() + QLatin1Char('/') + m_fixture->tenantId() + QStringLiteral("/oauth2/v2.0/token");
    QByteArray jwt;
    QString error;
    QVERIFY2(
        signJwt(
            header, claims(endpoint, m_certificateClient, 600), m_certificate.keyPath, Algorithm::RS256, &jwt, &error),
        qPrintable(error));
    const auto first = postToken(assertionForm(jwt, m_certificateClient));
    QVERIFY2(first.status == 200, first.body.constData());
    const auto second = postToken(assertionForm(jwt, m_certificateClient));
    QCOMPARE(second.status, 401);
    QCOMPARE(second.json.value(QLatin1String("error")).toString(), QStringLiteral("invalid_client"));
    QVERIFY(second.json.value(QLatin1String("access_token")).isUndefined());
}

void TestSandboxIdentity::assertionWithoutTypeIsRefused()
{
    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("RS256")},
                             {QStringLiteral("typ"), QStringLiteral("JWT")},
                             {QStringLiteral("x5t"), QString::fromLatin1(m_certificate.x5t())}};
    const QString endpoint =
        m_fixture->baseUrl() + QLatin1Char('/') + m_fixture->tenantId() + QStringLiteral("/oauth2/v2.0/token");
    QByteArray jwt;
    QString error;
    QVERIFY2(
        signJwt(
            header, claims(endpoint, m_certificateClient, 600), m_certificate.keyPath, Algorithm::RS256, &jwt, &error),
        qPrintable(error));
    Form form = assertionForm(jwt, m_certificateClient);
    form.removeIf([](const QPair<QString, QString> &item) {
        return item.first == QLatin1String("client_assertion_type");
    });
    const auto reply = postToken(form);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json.value(QLatin1String("error")).toString(), QStringLiteral("invalid_request"));
    QVERIFY(reply.json.value(QLatin1String("error_description"))
                .toString()
                .contains(QLatin1String("client_assertion_type")));

    // The same assertion with its type is fine: only the missing parameter was wrong.
    const auto accepted = postToken(assertionForm(jwt, m_certificateClient));
    QVERIFY2(accepted.status == 200, accepted.body.constData());
}

void TestSandboxIdentity::graphRefusesMissingToken()
{
    const auto reply = m_fixture->graph("GET", QStringLiteral("/users"), QString());
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.errorCode(), QStringLiteral("InvalidAuthenticationToken"));
    QVERIFY(!reply.header("WWW-Authenticate").isEmpty());
    QVERIFY(reply.value().isEmpty());
}

void TestSandboxIdentity::graphRefusesTamperedToken()
{
    const QString token = m_fixture->tokenWithRoles({QStringLiteral("User.Read.All")});
    QVERIFY(!token.isEmpty());
    QCOMPARE(m_fixture->graph("GET", QStringLiteral("/users"), token).status, 200);

    // Grant ourselves a role by editing the payload; the signature no longer matches.
    QJsonObject payload = jwtPart(token, 1);
    payload.insert(QStringLiteral("roles"),
                   QJsonArray{QStringLiteral("User.Read.All"), QStringLiteral("Directory.ReadWrite.All")});
    const QList<QByteArray> parts = token.toLatin1().split('.');
    const QByteArray tampered =
        parts.at(0) + '.' + base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact)) + '.' + parts.at(2);
    const auto reply = m_fixture->graph("GET", QStringLiteral("/users"), QString::fromLatin1(tampered));
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.errorCode(), QStringLiteral("InvalidAuthenticationToken"));

    // A signature cut off is no better.
    const auto unsigned_ =
        m_fixture->graph("GET", QStringLiteral("/users"), QString::fromLatin1(parts.at(0) + '.' + parts.at(1) + '.'));
    QCOMPARE(unsigned_.status, 401);
}

void TestSandboxIdentity::graphRefusesExpiredToken()
{
    // An hour becomes a second: the token's lifetime shrinks with the time scale.
    M365::Sandbox::SandboxServer::Options options;
    options.timeScale = 3600;
    SandboxFixture scaled(options);
    QVERIFY2(scaled.isStarted(), qPrintable(scaled.startError()));
    const QString token = scaled.tokenWithRoles({QStringLiteral("User.Read.All")});
    QVERIFY(!token.isEmpty());
    const qint64 exp = jwtPart(token, 1).value(QLatin1String("exp")).toInteger();
    QVERIFY(exp <= QDateTime::currentSecsSinceEpoch() + 2);

    SandboxFixture::Reply reply;
    QTRY_VERIFY_WITH_TIMEOUT((reply = scaled.graph("GET", QStringLiteral("/users"), token)).status == 401, 5000);
    QCOMPARE(reply.errorCode(), QStringLiteral("InvalidAuthenticationToken"));
    QCOMPARE(reply.errorMessage(), QStringLiteral("Lifetime validation failed, the token is expired."));
    // A fresh token of the same app works again: it was the lifetime, not the app.
    QCOMPARE(
        scaled.graph("GET", QStringLiteral("/users"), scaled.tokenWithRoles({QStringLiteral("User.Read.All")})).status,
        200);
}

void TestSandboxIdentity::graphRequiresRoles()
{
    const QString domainsOnly = m_fixture->tokenWithRoles({QStringLiteral("Domain.Read.All")});
    QVERIFY(!domainsOnly.isEmpty());
    QCOMPARE(m_fixture->graph("GET", QStringLiteral("/domains"), domainsOnly).status, 200);
    auto reply = m_fixture->graph("GET", QStringLiteral("/users"), domainsOnly);
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.errorCode(), QStringLiteral("Authorization_RequestDenied"));
    QCOMPARE(reply.errorMessage(), QStringLiteral("Insufficient privileges to complete the operation."));

    const QString readOnly = m_fixture->tokenWithRoles({QStringLiteral("User.Read.All")});
    QCOMPARE(m_fixture->graph("GET", QStringLiteral("/users"), readOnly).status, 200);
    reply = m_fixture->graph(
        "POST", QStringLiteral("/users"), readOnly, SandboxFixture::newUserBody(QStringLiteral("notcreated")));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.errorCode(), QStringLiteral("Authorization_RequestDenied"));
    QCOMPARE(reply.errorMessage(), QStringLiteral("Insufficient privileges to complete the operation."));
    QCOMPARE(m_fixture->graph("GET", QStringLiteral("/users/notcreated@contoso.onmicrosoft.com"), readOnly).status,
             404);
}

QTEST_GUILESS_MAIN(TestSandboxIdentity)
#include "tst_sandboxidentity.moc"
