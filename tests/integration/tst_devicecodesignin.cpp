// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// DeviceCodeSignIn end to end against the in-process sandbox tenant: the job asks for a code, the test plays the
// admin on the /devicelogin page (signinbrowser.h), and the job's polls end in the delegated token, or in Microsoft's
// error when the admin cancels, the code expires or the app is not a public client. slow_down, which the sandbox only
// answers to a client that polls too fast (this one does not), comes from a small route table in the test.

#include "identity/adminsignin.h"
#include "identity/cloudendpoints.h"
#include "identity/devicecodesignin.h"
#include "sandboxfixture.h"
#include "sandboxsignin.h"
#include "sandboxtenant.h"
#include "signinbrowser.h"
#include "tenantstate.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using M365::Identity::AdminSignIn;
using M365::Identity::CloudEndpoints;
using M365::Identity::DeviceCodeSignIn;
using M365::Sandbox::SandboxTenant;
using M365::Sandbox::TenantState;

namespace {

/*
 * A token endpoint that answers from a script, for what the sandbox cannot be made to say: each request must match
 * the next expected path, or the test fails. Records when each request arrived.
 */
class ScriptedEndpoint : public QObject
{
public:
    struct Step
    {
        QByteArray path;
        int status;
        QByteArray body;
    };

    explicit ScriptedEndpoint(QList<Step> steps)
        : m_steps(std::move(steps))
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    onData(socket);
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    QList<QElapsedTimer> arrivals;
    QList<QByteArray> unexpected;

private:
    void onData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const int headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return;
        }
        const QByteArray head = buffer.left(headerEnd);
        int length = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:")) {
                length = line.mid(15).trimmed().toInt();
            }
        }
        if (buffer.size() < headerEnd + 4 + length) {
            return;
        }
        const QByteArray path = head.split(' ').value(1);
        buffer.clear();
        QElapsedTimer arrived;
        arrived.start();
        arrivals.append(arrived);
        Step step{path, 404, "{}"};
        if (m_steps.isEmpty() || m_steps.first().path != path) {
            unexpected.append(path);
        } else {
            step = m_steps.takeFirst();
        }
        socket->write("HTTP/1.1 " + QByteArray::number(step.status) + " X\r\nContent-Type: application/json\r\n"
                      + "Content-Length: " + QByteArray::number(step.body.size()) + "\r\n\r\n" + step.body);
    }

    QTcpServer m_server;
    QList<Step> m_steps;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

class TestDeviceCodeSignIn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void signsInWithACode();
    void signsInOverHttps();
    void cancelOnThePageFails();
    void expiredCodeFails();
    void confidentialClientFails();
    void unknownClientGetsNoCode();
    void cancelStopsPolling();
    void slowDownAddsFiveSeconds();

private:
    DeviceCodeSignIn *newJob(const QString &clientId = SandboxTenant::setupClientId);

    std::unique_ptr<SandboxFixture> m_sandbox;
    SignInBrowser m_browser;
};

void TestDeviceCodeSignIn::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
}

void TestDeviceCodeSignIn::cleanup()
{
    m_sandbox->tenant().setTimeScale(1);
}

DeviceCodeSignIn *TestDeviceCodeSignIn::newJob(const QString &clientId)
{
    return new DeviceCodeSignIn(
        CloudEndpoints::sandbox(QUrl(m_sandbox->baseUrl())), m_sandbox->tenantId(), clientId, this);
}

void TestDeviceCodeSignIn::signsInWithACode()
{
    m_sandbox->tenant().setTimeScale(100); // a poll every 50 ms, 9 s to sign in
    std::unique_ptr<DeviceCodeSignIn> job(newJob());
    QSignalSpy codeReady(job.get(), &DeviceCodeSignIn::codeReady);
    QSignalSpy finished(job.get(), &M365::Job::finished);
    QSignalSpy requests(&m_sandbox->tenant(), &SandboxTenant::requestHandled);
    job->start();
    QVERIFY(codeReady.wait(10000));

    const QString userCode = codeReady.first().at(0).toString();
    const QUrl verificationUri = codeReady.first().at(1).toUrl();
    const QString message = codeReady.first().at(2).toString();
    const QDateTime expiresAt = codeReady.first().at(3).toDateTime();
    QCOMPARE(verificationUri, QUrl(m_sandbox->baseUrl() + QStringLiteral("/devicelogin")));
    QVERIFY(message.contains(userCode));
    QVERIFY(expiresAt > QDateTime::currentDateTimeUtc().addSecs(5));
    QVERIFY(expiresAt < QDateTime::currentDateTimeUtc().addSecs(10));
    QCOMPARE(job->userCode(), userCode);
    QCOMPARE(job->pollInterval(), std::chrono::milliseconds(50));

    // The job polls (pending) while the admin is still at the page.
    const QString tokenPath = QLatin1Char('/') + m_sandbox->tenantId() + QStringLiteral("/oauth2/v2.0/token");
    const auto polls = [&](int status) {
        int count = 0;
        for (const auto &request : requests) {
            count += request.at(1).toString() == tokenPath && request.at(2).toInt() == status;
        }
        return count;
    };
    QTRY_VERIFY_WITH_TIMEOUT(polls(400) >= 2, 5000);
    QVERIFY(!job->isFinished());

    const SignInBrowser::Page done = SandboxSignIn::deviceLogin(
        m_browser, m_sandbox->baseUrl(), userCode, TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    QVERIFY2(done.body.contains("You have signed in"), done.body.constData());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QVERIFY2(!job->hasError(), qPrintable(job->error().code + QLatin1Char(' ') + job->error().details));
    QCOMPARE(polls(200), 1);
    // Never faster than asked: no slow_down raised the interval.
    QCOMPARE(job->pollInterval(), std::chrono::milliseconds(50));

    QCOMPARE(job->tenantId(), m_sandbox->tenantId());
    QCOMPARE(job->userPrincipalName(), TenantState::demoAdminUpn);
    QCOMPARE(job->grantedScopes(), AdminSignIn::defaultScopes());
    QVERIFY(job->expiresAt() > QDateTime::currentDateTimeUtc());
    QCOMPARE(job->token().accessToken, job->accessToken());
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/applications"), job->accessToken()).status, 200);
}

void TestDeviceCodeSignIn::signsInOverHttps()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    M365::Sandbox::SandboxServer::Options options;
    options.tls = true;
    options.tlsDirectory = directory.path();
    options.timeScale = 100;
    SandboxFixture tls(options);
    QVERIFY2(tls.isStarted(), qPrintable(tls.startError()));
    const QList<QSslCertificate> cas = QSslCertificate::fromPath(tls.server().caFile());
    QVERIFY(!cas.isEmpty());

    DeviceCodeSignIn job(
        CloudEndpoints::sandbox(QUrl(tls.baseUrl())), tls.tenantId(), SandboxTenant::setupClientId, this);
    job.setExtraCaCertificates(cas);
    QSignalSpy codeReady(&job, &DeviceCodeSignIn::codeReady);
    job.start();
    QVERIFY2(codeReady.wait(10000), qPrintable(job.error().details));
    SignInBrowser browser;
    browser.setCaCertificates(cas);
    const SignInBrowser::Page done = SandboxSignIn::deviceLogin(
        browser, tls.baseUrl(), job.userCode(), TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    QVERIFY(done.body.contains("You have signed in"));
    QTRY_VERIFY_WITH_TIMEOUT(job.isFinished(), 10000);
    QVERIFY2(!job.hasError(), qPrintable(job.error().code + QLatin1Char(' ') + job.error().details));
    QCOMPARE(job.tenantId(), tls.tenantId());

    // Without the CA, the first request already fails.
    DeviceCodeSignIn untrusting(
        CloudEndpoints::sandbox(QUrl(tls.baseUrl())), tls.tenantId(), SandboxTenant::setupClientId, this);
    untrusting.start();
    QTRY_VERIFY_WITH_TIMEOUT(untrusting.isFinished(), 10000);
    QCOMPARE(untrusting.error().code, QString(DeviceCodeSignIn::Network));
}

void TestDeviceCodeSignIn::cancelOnThePageFails()
{
    m_sandbox->tenant().setTimeScale(100);
    std::unique_ptr<DeviceCodeSignIn> job(newJob());
    QSignalSpy codeReady(job.get(), &DeviceCodeSignIn::codeReady);
    job->start();
    QVERIFY(codeReady.wait(10000));
    const SignInBrowser::Page page = SandboxSignIn::enterUserCode(m_browser, m_sandbox->baseUrl(), job->userCode());
    QVERIFY(page.body.contains("name=\"passwd\""));
    m_browser.submit(page, {{QStringLiteral("cancel"), QStringLiteral("1")}});
    QTRY_VERIFY_WITH_TIMEOUT(job->isFinished(), 10000);
    QVERIFY(job->hasError());
    QCOMPARE(job->error().code, QStringLiteral("AADSTS65004"));
    QVERIFY2(job->errorString().contains(QLatin1String("declined")), qPrintable(job->errorString()));
    QVERIFY(!job->error().requestId.isEmpty());
    QVERIFY(job->accessToken().isEmpty());
}

void TestDeviceCodeSignIn::expiredCodeFails()
{
    m_sandbox->tenant().setTimeScale(900); // one second to sign in
    std::unique_ptr<DeviceCodeSignIn> job(newJob());
    job->start();
    QTRY_VERIFY_WITH_TIMEOUT(job->isFinished(), 10000);
    QCOMPARE(job->error().code, QStringLiteral("AADSTS70019"));
    QVERIFY2(job->errorString().contains(QLatin1String("expired")), qPrintable(job->errorString()));
}

void TestDeviceCodeSignIn::confidentialClientFails()
{
    const QJsonObject app = SandboxSignIn::addApplication(*m_sandbox, QStringLiteral("confidential"));
    QVERIFY(!app.isEmpty());
    m_sandbox->tenant().setTimeScale(100);
    std::unique_ptr<DeviceCodeSignIn> job(newJob(app.value(QLatin1String("appId")).toString()));
    job->setScopes({QStringLiteral("User.Read")});
    job->start();
    QTRY_VERIFY_WITH_TIMEOUT(job->isFinished(), 10000);
    QCOMPARE(job->error().code, QStringLiteral("AADSTS7000218"));
    QVERIFY2(job->errorString().contains(QLatin1String("Allow public client flows")), qPrintable(job->errorString()));
}

void TestDeviceCodeSignIn::unknownClientGetsNoCode()
{
    std::unique_ptr<DeviceCodeSignIn> job(newJob(QStringLiteral("0b1d9d7e-7c1e-4c55-9d44-000000000002")));
    QSignalSpy codeReady(job.get(), &DeviceCodeSignIn::codeReady);
    job->start();
    QTRY_VERIFY_WITH_TIMEOUT(job->isFinished(), 10000);
    QCOMPARE(job->error().code, QStringLiteral("AADSTS700016"));
    QCOMPARE(codeReady.count(), 0);
}

void TestDeviceCodeSignIn::cancelStopsPolling()
{
    m_sandbox->tenant().setTimeScale(100);
    std::unique_ptr<DeviceCodeSignIn> job(newJob());
    QSignalSpy codeReady(job.get(), &DeviceCodeSignIn::codeReady);
    QSignalSpy finished(job.get(), &M365::Job::finished);
    QSignalSpy requests(&m_sandbox->tenant(), &SandboxTenant::requestHandled);
    job->start();
    QVERIFY(codeReady.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(requests.count() >= 2, 5000); // the code, then a poll
    job->cancel();
    QCOMPARE(finished.count(), 1);
    QVERIFY(job->wasCancelled());
    const int seen = requests.count();
    QVERIFY(SandboxSignIn::waitOut(5 * job->pollInterval().count()));
    QCOMPARE(requests.count(), seen);
}

void TestDeviceCodeSignIn::slowDownAddsFiveSeconds()
{
    // RFC 8628 section 3.5: after slow_down the interval grows by 5 seconds, for this and every later poll.
    ScriptedEndpoint endpoint({
        {"/t/oauth2/v2.0/devicecode",
         200,
         R"({"device_code":"dc","user_code":"ABCDEFGHJ","verification_uri":"http://127.0.0.1/devicelogin",)"
         R"("expires_in":60,"interval":0.05,"message":"Enter ABCDEFGHJ"})"},
        {"/t/oauth2/v2.0/token",
         400,
         R"({"error":"slow_down","error_description":"AADSTS70016: Slow down.","error_codes":[70016]})"},
        {"/t/oauth2/v2.0/token", 200, R"({"token_type":"Bearer","expires_in":3599,"access_token":"a.e30.c"})"},
    });
    DeviceCodeSignIn job(
        CloudEndpoints::sandbox(endpoint.url()), QStringLiteral("t"), SandboxTenant::setupClientId, this);
    job.start();
    QTRY_VERIFY_WITH_TIMEOUT(job.isFinished(), 15000);
    QVERIFY2(endpoint.unexpected.isEmpty(), endpoint.unexpected.join(' ').constData());
    QVERIFY2(!job.hasError(), qPrintable(job.error().details));
    QCOMPARE(endpoint.arrivals.size(), 3);
    QCOMPARE(job.pollInterval(), std::chrono::milliseconds(5050));
    const qint64 waited = endpoint.arrivals.at(1).elapsed() - endpoint.arrivals.at(2).elapsed();
    QVERIFY2(waited >= 5050, qPrintable(QString::number(waited)));
}

QTEST_GUILESS_MAIN(TestDeviceCodeSignIn)
#include "tst_devicecodesignin.moc"
