// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The m365sim executable as an admin or a script meets it: one line of JSON on stdout, HTTPS that only its own CA
// opens, the acceptance scenario of issue 2 (a certificate from `openssl req`, a signed client assertion, a token,
// two users and a next link), a state file that survives a restart, and exit code 2 for bad arguments.

#include "opensslcli.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include <memory>

using TestSupport::base64Url;
using TestSupport::runOpenssl;

namespace {

const QStringList infoKeys{QStringLiteral("graphUrl"),
                           QStringLiteral("loginUrl"),
                           QStringLiteral("tenantId"),
                           QStringLiteral("clientId"),
                           QStringLiteral("clientSecret"),
                           QStringLiteral("caFile")};

/// One HTTP(S) exchange, waited for with a bound.
struct Response
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
};

/// A client that trusts exactly the CAs it is given (none given: the system's), and never ignores TLS errors.
class Client
{
public:
    explicit Client(const QList<QSslCertificate> &trusted)
        : m_ssl(QSslConfiguration::defaultConfiguration())
    {
        if (!trusted.isEmpty()) {
            m_ssl.setCaCertificates(trusted);
        }
        m_nam.setAutoDeleteReplies(false);
    }

    Response send(const QByteArray &method,
                  const QString &url,
                  const QByteArray &body = {},
                  const QHash<QByteArray, QByteArray> &headers = {})
    {
        QNetworkRequest request{QUrl(url)};
        request.setSslConfiguration(m_ssl);
        request.setTransferTimeout(15000);
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
            request.setRawHeader(it.key(), it.value());
        }
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished()) {
            finished.wait(20000);
        }
        Response out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.json = QJsonDocument::fromJson(out.body).object();
        out.error = reply->error();
        out.errorString = reply->errorString();
        return out;
    }
    Response json(const QByteArray &method, const QString &url, const QJsonObject &body, const QString &token = {})
    {
        QHash<QByteArray, QByteArray> headers{{"Content-Type", "application/json"}};
        if (!token.isEmpty()) {
            headers.insert("Authorization", "Bearer " + token.toLatin1());
        }
        return send(method, url, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
    }
    Response get(const QString &url, const QString &token)
    {
        return send("GET", url, {}, {{"Authorization", "Bearer " + token.toLatin1()}});
    }
    Response form(const QString &url, const QList<QPair<QString, QString>> &items)
    {
        QByteArray body;
        for (const auto &item : items) {
            body += (body.isEmpty() ? "" : "&") + QUrl::toPercentEncoding(item.first) + '='
                + QUrl::toPercentEncoding(item.second);
        }
        return send("POST", url, body, {{"Content-Type", "application/x-www-form-urlencoded"}});
    }

private:
    QNetworkAccessManager m_nam;
    QSslConfiguration m_ssl;
};

} // namespace

class TestM365Sim : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void badTimeScaleExitsWithCode2();
    void printsOneLineAndServesHttpsWithItsCa();
    void certificateAssertionAcceptance();
    void restartKeepsTheTenant();

private:
    /// Starts m365sim on the shared state file and reads its line of JSON into m_info.
    void start();
    /// SIGTERM, then waits (bounded) for a clean exit.
    void stop();
    QString tokenWithSecret(Client &client);

    QTemporaryDir m_dir;
    QString m_statePath;
    std::unique_ptr<QProcess> m_process;
    QJsonObject m_info;
    QString m_certificateClient; ///< registered with a certificate in certificateAssertionAcceptance
    QString m_keyPath;
    QByteArray m_certificateDer;
    QString m_persistedUserId;
    QString m_tokenBeforeRestart;
};

void TestM365Sim::initTestCase()
{
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));
    m_statePath = m_dir.filePath(QStringLiteral("state.json"));
    QVERIFY2(QFile::exists(QStringLiteral(M365SIM_PATH)), M365SIM_PATH);
}

void TestM365Sim::cleanup()
{
    // Only if a test failed half-way: never leave our process behind.
    if (QTest::currentTestFailed() && m_process && m_process->state() != QProcess::NotRunning) {
        QSignalSpy finished(m_process.get(), &QProcess::finished);
        m_process->kill();
        finished.wait(10000);
    }
}

void TestM365Sim::cleanupTestCase()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        QSignalSpy finished(m_process.get(), &QProcess::finished);
        m_process->kill();
        finished.wait(10000);
    }
}

void TestM365Sim::start()
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    QSignalSpy output(m_process.get(), &QProcess::readyReadStandardOutput);
    m_process->start(QStringLiteral(M365SIM_PATH),
                     {QStringLiteral("--port"),
                      QStringLiteral("0"),
                      QStringLiteral("--state"),
                      m_statePath,
                      QStringLiteral("--tls"),
                      QStringLiteral("--seed"),
                      QStringLiteral("demo")});
    QVERIFY2(m_process->waitForStarted(10000), qPrintable(m_process->errorString()));
    for (int i = 0; i < 100 && !m_process->canReadLine(); ++i) {
        QVERIFY2(
            m_process->state() == QProcess::Running,
            qPrintable(QStringLiteral("m365sim exited: ") + QString::fromLocal8Bit(m_process->readAllStandardError())));
        QVERIFY2(output.wait(15000), "m365sim printed no line within 15 s");
    }
    QVERIFY(m_process->canReadLine());
    const QByteArray line = m_process->readLine();
    // The very first bytes on stdout are the JSON object, and it is all on one line.
    QVERIFY2(line.startsWith('{') && line.endsWith("}\n"), line.constData());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    QVERIFY2(doc.isObject(), qPrintable(error.errorString()));
    m_info = doc.object();
    QCOMPARE(m_info.keys().size(), infoKeys.size());
    for (const QString &key : infoKeys) {
        QVERIFY2(m_info.value(key).isString() && !m_info.value(key).toString().isEmpty(), qPrintable(key));
    }
    QVERIFY(m_info.value(QLatin1String("graphUrl")).toString().startsWith(QLatin1String("https://127.0.0.1:")));
    QVERIFY(m_info.value(QLatin1String("loginUrl")).toString().startsWith(QLatin1String("https://127.0.0.1:")));
    QVERIFY(QFile::exists(m_info.value(QLatin1String("caFile")).toString()));
}

void TestM365Sim::stop()
{
    QVERIFY(m_process);
    QSignalSpy finished(m_process.get(), &QProcess::finished);
    m_process->terminate();
    QVERIFY2(m_process->state() == QProcess::NotRunning || finished.wait(15000), "m365sim did not stop on SIGTERM");
    QCOMPARE(m_process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_process->exitCode(), 0);
    // Exactly one line: nothing followed it on stdout.
    QCOMPARE(m_process->readAllStandardOutput(), QByteArray());
}

QString TestM365Sim::tokenWithSecret(Client &client)
{
    const Response reply =
        client.form(m_info.value(QLatin1String("loginUrl")).toString() + QLatin1Char('/')
                        + m_info.value(QLatin1String("tenantId")).toString() + QStringLiteral("/oauth2/v2.0/token"),
                    {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                     {QStringLiteral("client_id"), m_info.value(QLatin1String("clientId")).toString()},
                     {QStringLiteral("client_secret"), m_info.value(QLatin1String("clientSecret")).toString()},
                     {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")}});
    return reply.status == 200 ? reply.json.value(QLatin1String("access_token")).toString() : QString();
}

void TestM365Sim::badTimeScaleExitsWithCode2()
{
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(M365SIM_PATH),
                  {QStringLiteral("--port"),
                   QStringLiteral("0"),
                   QStringLiteral("--state"),
                   m_dir.filePath(QStringLiteral("unused.json")),
                   QStringLiteral("--time-scale"),
                   QStringLiteral("abc")});
    QVERIFY2(process.waitForStarted(10000), qPrintable(process.errorString()));
    QVERIFY(process.state() == QProcess::NotRunning || finished.wait(15000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 2);
    QCOMPARE(process.readAllStandardOutput(), QByteArray());
    QVERIFY(process.readAllStandardError().contains("time-scale"));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("unused.json"))));
}

void TestM365Sim::printsOneLineAndServesHttpsWithItsCa()
{
    start();
    if (QTest::currentTestFailed()) {
        return;
    }
    const QString info = m_info.value(QLatin1String("graphUrl")).toString() + QStringLiteral("/_sandbox/info");

    // Without its CA the handshake fails: the sandbox's certificate is not trusted by the system.
    Client stranger({});
    const Response refused = stranger.send("GET", info);
    QCOMPARE(refused.status, 0);
    QCOMPARE(refused.error, QNetworkReply::SslHandshakeFailedError);

    // With only its CA, it answers, and the admin API agrees with the printed line.
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(m_info.value(QLatin1String("caFile")).toString());
    QCOMPARE(ca.size(), 1);
    Client client(ca);
    const Response answer = client.send("GET", info);
    QVERIFY2(answer.status == 200, qPrintable(answer.errorString));
    QCOMPARE(answer.json.value(QLatin1String("tenantId")), m_info.value(QLatin1String("tenantId")));
    QCOMPARE(answer.json.value(QLatin1String("clientId")), m_info.value(QLatin1String("clientId")));

    // The printed client is the demo app registration: its secret gets a token at once.
    QVERIFY(!tokenWithSecret(client).isEmpty());
}

void TestM365Sim::certificateAssertionAcceptance()
{
    QVERIFY2(m_process && m_process->state() == QProcess::Running, "m365sim is not running");
    Client client(QSslCertificate::fromPath(m_info.value(QLatin1String("caFile")).toString()));
    const QString graph = m_info.value(QLatin1String("graphUrl")).toString();
    const QString tenant = m_info.value(QLatin1String("tenantId")).toString();
    const QString tokenUrl = m_info.value(QLatin1String("loginUrl")).toString() + QLatin1Char('/') + tenant
        + QStringLiteral("/oauth2/v2.0/token");

    // An admin makes a certificate with openssl and registers it with the roles the app needs.
    m_keyPath = m_dir.filePath(QStringLiteral("app.key"));
    const QString certPath = m_dir.filePath(QStringLiteral("app.pem"));
    QByteArray ignored;
    QString error;
    QVERIFY2(runOpenssl({QStringLiteral("req"),
                         QStringLiteral("-x509"),
                         QStringLiteral("-newkey"),
                         QStringLiteral("rsa:2048"),
                         QStringLiteral("-nodes"),
                         QStringLiteral("-sha256"),
                         QStringLiteral("-days"),
                         QStringLiteral("2"),
                         QStringLiteral("-subj"),
                         QStringLiteral("/CN=m365sync acceptance"),
                         QStringLiteral("-keyout"),
                         m_keyPath,
                         QStringLiteral("-out"),
                         certPath},
                        {},
                        &ignored,
                        &error),
             qPrintable(error));
    QFile certFile(certPath);
    QVERIFY(certFile.open(QIODevice::ReadOnly));
    const QByteArray certificatePem = certFile.readAll();
    m_certificateDer = QSslCertificate(certificatePem, QSsl::Pem).toDer();
    QVERIFY(!m_certificateDer.isEmpty());
    const Response app = client.json("POST",
                                     graph + QStringLiteral("/_sandbox/applications"),
                                     {{QStringLiteral("displayName"), QStringLiteral("acceptance")},
                                      {QStringLiteral("roles"), QJsonArray{QStringLiteral("User.Read.All")}},
                                      {QStringLiteral("certificatePem"), QString::fromLatin1(certificatePem)}});
    QVERIFY2(app.status == 201, app.body.constData());
    m_certificateClient = app.json.value(QLatin1String("appId")).toString();

    // A client assertion signed with the openssl CLI: RS256 with the certificate's SHA-1 thumbprint.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject header{
        {QStringLiteral("alg"), QStringLiteral("RS256")},
        {QStringLiteral("typ"), QStringLiteral("JWT")},
        {QStringLiteral("x5t"),
         QString::fromLatin1(base64Url(QCryptographicHash::hash(m_certificateDer, QCryptographicHash::Sha1)))}};
    const QJsonObject claims{{QStringLiteral("aud"), tokenUrl},
                             {QStringLiteral("exp"), now + 600},
                             {QStringLiteral("iss"), m_certificateClient},
                             {QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                             {QStringLiteral("nbf"), now},
                             {QStringLiteral("sub"), m_certificateClient}};
    const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    QByteArray signature;
    QVERIFY2(runOpenssl({QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-sign"), m_keyPath},
                        input,
                        &signature,
                        &error),
             qPrintable(error));
    QCOMPARE(signature.size(), 256);
    const Response token =
        client.form(tokenUrl,
                    {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                     {QStringLiteral("client_id"), m_certificateClient},
                     {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")},
                     {QStringLiteral("client_assertion_type"),
                      QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")},
                     {QStringLiteral("client_assertion"), QString::fromLatin1(input + '.' + base64Url(signature))}});
    QVERIFY2(token.status == 200, token.body.constData());
    const QString accessToken = token.json.value(QLatin1String("access_token")).toString();
    QVERIFY(!accessToken.isEmpty());

    // GET /v1.0/users?$top=2: two users and a link to the next page, which works.
    const Response first = client.get(graph + QStringLiteral("/v1.0/users?$top=2"), accessToken);
    QVERIFY2(first.status == 200, first.body.constData());
    const QJsonArray firstPage = first.json.value(QLatin1String("value")).toArray();
    QCOMPARE(firstPage.size(), 2);
    const QString nextLink = first.json.value(QLatin1String("@odata.nextLink")).toString();
    QVERIFY2(nextLink.startsWith(graph + QStringLiteral("/v1.0/users?")), qPrintable(nextLink));
    const Response second = client.get(nextLink, accessToken);
    QVERIFY2(second.status == 200, second.body.constData());
    const QJsonArray secondPage = second.json.value(QLatin1String("value")).toArray();
    QVERIFY(!secondPage.isEmpty() && secondPage.size() <= 2);
    for (const auto &user : secondPage) {
        for (const auto &seen : firstPage) {
            QVERIFY(user.toObject().value(QLatin1String("id")) != seen.toObject().value(QLatin1String("id")));
        }
    }
}

void TestM365Sim::restartKeepsTheTenant()
{
    QVERIFY2(m_process && m_process->state() == QProcess::Running, "m365sim is not running");
    const QString caFile = m_info.value(QLatin1String("caFile")).toString();
    QFile caBefore(caFile);
    QVERIFY(caBefore.open(QIODevice::ReadOnly));
    const QByteArray caPem = caBefore.readAll();
    const QJsonObject before = m_info;

    Client client(QSslCertificate::fromPath(caFile));
    m_tokenBeforeRestart = tokenWithSecret(client);
    QVERIFY(!m_tokenBeforeRestart.isEmpty());
    const Response created =
        client.json("POST",
                    before.value(QLatin1String("graphUrl")).toString() + QStringLiteral("/v1.0/users"),
                    {{QStringLiteral("accountEnabled"), true},
                     {QStringLiteral("displayName"), QStringLiteral("Persisted User")},
                     {QStringLiteral("mailNickname"), QStringLiteral("persisted")},
                     {QStringLiteral("userPrincipalName"), QStringLiteral("persisted@contoso.onmicrosoft.com")},
                     {QStringLiteral("passwordProfile"),
                      QJsonObject{{QStringLiteral("forceChangePasswordNextSignIn"), true},
                                  {QStringLiteral("password"), QStringLiteral("xWwvJ]6NMw+bWH-d")}}}},
                    m_tokenBeforeRestart);
    QVERIFY2(created.status == 201, created.body.constData());
    m_persistedUserId = created.json.value(QLatin1String("id")).toString();

    stop();
    if (QTest::currentTestFailed()) {
        return;
    }
    start();
    if (QTest::currentTestFailed()) {
        return;
    }

    // Same tenant, same demo app, same CA (a profile that trusts it keeps working); a new port.
    QCOMPARE(m_info.value(QLatin1String("tenantId")), before.value(QLatin1String("tenantId")));
    QCOMPARE(m_info.value(QLatin1String("clientId")), before.value(QLatin1String("clientId")));
    QCOMPARE(m_info.value(QLatin1String("clientSecret")), before.value(QLatin1String("clientSecret")));
    QCOMPARE(m_info.value(QLatin1String("caFile")).toString(), caFile);
    QFile caAfter(caFile);
    QVERIFY(caAfter.open(QIODevice::ReadOnly));
    QCOMPARE(caAfter.readAll(), caPem);

    Client again(QSslCertificate::fromPath(caFile));
    const QString graph = m_info.value(QLatin1String("graphUrl")).toString();
    const QString token = tokenWithSecret(again);
    QVERIFY(!token.isEmpty());
    const Response user = again.get(graph + QStringLiteral("/v1.0/users/persisted@contoso.onmicrosoft.com"), token);
    QVERIFY2(user.status == 200, user.body.constData());
    QCOMPARE(user.json.value(QLatin1String("id")).toString(), m_persistedUserId);
    QCOMPARE(user.json.value(QLatin1String("displayName")).toString(), QStringLiteral("Persisted User"));

    // The token-signing key is kept too: a token issued before the restart is still valid until it expires.
    QCOMPARE(again.get(graph + QStringLiteral("/v1.0/users?$top=1"), m_tokenBeforeRestart).status, 200);

    // And the app registered with a certificate before the restart is still there.
    const QString tenant = m_info.value(QLatin1String("tenantId")).toString();
    const QString tokenUrl = m_info.value(QLatin1String("loginUrl")).toString() + QLatin1Char('/') + tenant
        + QStringLiteral("/oauth2/v2.0/token");
    const Response wrongSecret =
        again.form(tokenUrl,
                   {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                    {QStringLiteral("client_id"), m_certificateClient},
                    {QStringLiteral("client_secret"), QStringLiteral("not-a-secret")},
                    {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")}});
    // 7000215 (wrong secret) rather than 700016 (unknown application): the application survived.
    QCOMPARE(wrongSecret.status, 401);
    QCOMPARE(wrongSecret.json.value(QLatin1String("error_codes")).toArray(), QJsonArray{7000215});

    stop();
}

QTEST_GUILESS_MAIN(TestM365Sim)
#include "tst_m365sim.moc"
