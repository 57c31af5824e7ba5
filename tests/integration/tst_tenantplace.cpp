// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox tenant as a place (issue 15): within one process, one server per state file, shared by every opener;
// across processes, one program at a time serves a file and a second is refused with the first one's pid and what to
// do; a lock left by a killed program is taken over; and what one opener wrote is what the next one reads. The other
// process is this test executable itself, started with --hold; m365sim is checked to keep the same rule.

#include "demotenant.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
#include "tenantplace.h"
#include "tenantstate.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <memory>

using M365::Sandbox::SandboxServer;
using M365::Sandbox::TenantPlace;

namespace {

/**
 * The other process (tst_tenantplace --hold STATE NAME): serves STATE, names its organization NAME and saves it,
 * prints "ready", then holds the place until its standard input closes and exits 0 (the place saves and lets go).
 */
int hold(const QString &statePath, const QString &organization)
{
    QString error;
    std::shared_ptr<TenantPlace> place = TenantPlace::open(statePath, &error);
    if (!place) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    M365::Sandbox::SandboxTenant *tenant = place->server()->tenant();
    tenant->state().organization.insert(QStringLiteral("displayName"), organization);
    if (!tenant->save(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::fprintf(stdout, "ready\n");
    std::fflush(stdout);
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        return 1;
    }
    in.readAll(); // until the test closes the pipe
    return 0;
}

QString organizationOf(TenantPlace *place)
{
    return place->server()->tenant()->state().organization.value(QLatin1String("displayName")).toString();
}

} // namespace

class TestTenantPlace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void samePlaceWithinAProcess();
    void stateIsReadByTheNextOpener();
    void otherProcessIsRefused();
    void staleLockIsTakenOver();
    void demoTenant();
    void demoResetWaitsForTheHolder();
    void m365simKeepsTheRule();

private:
    /// Starts --hold on @p statePath and waits for it to serve; null (with a failed check) when it does not.
    std::unique_ptr<QProcess> startHolder(const QString &statePath, const QString &organization);
    /// GET of the tenant's OpenID configuration over HTTPS, trusting only the place's CA: the HTTP status.
    int fetchConfiguration(TenantPlace *place);
    QString path(const QString &name) const { return m_root.filePath(name + QStringLiteral("/tenant.json")); }

    QTemporaryDir m_root;
    QNetworkAccessManager m_nam;
};

void TestTenantPlace::initTestCase()
{
    QVERIFY(m_root.isValid());
}

std::unique_ptr<QProcess> TestTenantPlace::startHolder(const QString &statePath, const QString &organization)
{
    auto process = std::make_unique<QProcess>();
    process->start(QCoreApplication::applicationFilePath(), {QStringLiteral("--hold"), statePath, organization});
    if (!process->waitForStarted(10000)) {
        qWarning() << "the holder did not start:" << process->errorString();
        return {};
    }
    const bool ready = QTest::qWaitFor(
        [&process] {
            return process->canReadLine() || process->state() == QProcess::NotRunning;
        },
        30000);
    if (!ready || process->readLine().trimmed() != "ready") {
        qWarning() << "the holder does not serve the tenant:" << process->readAllStandardError();
        return {};
    }
    return process;
}

int TestTenantPlace::fetchConfiguration(TenantPlace *place)
{
    SandboxServer *server = place->server();
    QNetworkRequest request(QUrl(server->baseUrl() + QLatin1Char('/') + server->tenant()->state().tenantId
                                 + QStringLiteral("/v2.0/.well-known/openid-configuration")));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(server->caFile()));
    request.setSslConfiguration(ssl);
    std::unique_ptr<QNetworkReply> reply(m_nam.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(15000)) {
        return -1;
    }
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestTenantPlace::samePlaceWithinAProcess()
{
    const QString statePath = path(QStringLiteral("same"));
    QString error;
    std::shared_ptr<TenantPlace> first = TenantPlace::open(statePath, &error);
    QVERIFY2(first, qPrintable(error));
    QCOMPARE(first->statePath(), QDir::cleanPath(statePath));
    QVERIFY(QFile::exists(statePath + QStringLiteral(".lock")));
    QVERIFY(first->server()->baseUrl().startsWith(QLatin1String("https://127.0.0.1:")));
    QVERIFY(QFile::exists(first->server()->caFile()));
    QCOMPARE(QFileInfo(first->server()->caFile()).absolutePath(), QFileInfo(statePath).absolutePath());
    QCOMPARE(fetchConfiguration(first.get()), 200);

    // The wizard and a dashboard of one process: the same place, however the path is spelled.
    const QString spelledOtherwise = m_root.filePath(QStringLiteral("same/../same/./tenant.json"));
    std::shared_ptr<TenantPlace> second = TenantPlace::open(spelledOtherwise, &error);
    QVERIFY2(second, qPrintable(error));
    QCOMPARE(second.get(), first.get());
    QVERIFY(TenantPlace::isOpen(spelledOtherwise));

    // It closes with its last holder, and lets go of the file.
    const QString baseUrl = first->server()->baseUrl();
    first.reset();
    QVERIFY(TenantPlace::isOpen(statePath));
    QCOMPARE(second->server()->baseUrl(), baseUrl);
    second.reset();
    QVERIFY(!TenantPlace::isOpen(statePath));
    QVERIFY(!QFile::exists(statePath + QStringLiteral(".lock")));

    // Another place is another server.
    std::shared_ptr<TenantPlace> other = TenantPlace::open(path(QStringLiteral("other")), &error);
    QVERIFY2(other, qPrintable(error));
    std::shared_ptr<TenantPlace> again = TenantPlace::open(statePath, &error);
    QVERIFY2(again, qPrintable(error));
    QVERIFY(other.get() != again.get());
    QVERIFY(other->server()->tenant()->state().tenantId != again->server()->tenant()->state().tenantId);
    QCOMPARE(fetchConfiguration(again.get()), 200);
}

void TestTenantPlace::stateIsReadByTheNextOpener()
{
    const QString statePath = path(QStringLiteral("persist"));
    QString error;
    std::shared_ptr<TenantPlace> place = TenantPlace::open(statePath, &error);
    QVERIFY2(place, qPrintable(error));
    const QString tenantId = place->server()->tenant()->state().tenantId;
    QByteArray ca;
    {
        QFile file(place->server()->caFile());
        QVERIFY(file.open(QIODevice::ReadOnly));
        ca = file.readAll();
    }
    // Changed and not yet written (the tenant saves a second later): closing the place writes it.
    place->server()->tenant()->state().organization.insert(QStringLiteral("displayName"), QStringLiteral("Persisted"));
    place->server()->tenant()->markDirty();
    place.reset();

    place = TenantPlace::open(statePath, &error);
    QVERIFY2(place, qPrintable(error));
    QCOMPARE(organizationOf(place.get()), QStringLiteral("Persisted"));
    QCOMPARE(place->server()->tenant()->state().tenantId, tenantId);
    // The same CA, so that a profile's trust in it holds across runs.
    QFile file(place->server()->caFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), ca);
    QCOMPARE(fetchConfiguration(place.get()), 200);
}

void TestTenantPlace::otherProcessIsRefused()
{
    const QString statePath = path(QStringLiteral("shared"));
    std::unique_ptr<QProcess> holder = startHolder(statePath, QStringLiteral("Written by the holder"));
    QVERIFY(holder);

    QString error;
    QVERIFY(!TenantPlace::open(statePath, &error));
    QVERIFY2(error.contains(QStringLiteral("pid %1").arg(holder->processId())), qPrintable(error));
    QVERIFY2(
        error.contains(
            QStringLiteral("Close m365sync (pid %1), or wait for its scheduled run to end").arg(holder->processId())),
        qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("tst_tenantplace")), qPrintable(error)); // the program, by name
    QVERIFY2(error.contains(QDir::toNativeSeparators(QDir::cleanPath(statePath))), qPrintable(error));
    QVERIFY(!TenantPlace::isOpen(statePath));
    // The refused opener changed nothing: the holder still serves.
    QCOMPARE(holder->state(), QProcess::Running);

    // Once it ends, the file is free, and holds what the holder wrote.
    holder->closeWriteChannel();
    QVERIFY(holder->waitForFinished(15000));
    QCOMPARE(holder->exitStatus(), QProcess::NormalExit);
    QCOMPARE(holder->exitCode(), 0);
    std::shared_ptr<TenantPlace> place = TenantPlace::open(statePath, &error);
    QVERIFY2(place, qPrintable(error));
    QCOMPARE(organizationOf(place.get()), QStringLiteral("Written by the holder"));

    // And the other way round: while this process serves it, the holder is refused, naming this process.
    std::unique_ptr<QProcess> refused = std::make_unique<QProcess>();
    refused->start(QCoreApplication::applicationFilePath(), {QStringLiteral("--hold"), statePath, QStringLiteral("x")});
    QVERIFY(refused->waitForFinished(30000));
    QCOMPARE(refused->exitCode(), 1);
    const QString message = QString::fromLocal8Bit(refused->readAllStandardError());
    QVERIFY2(message.contains(QStringLiteral("pid %1").arg(QCoreApplication::applicationPid())), qPrintable(message));
    QCOMPARE(organizationOf(place.get()), QStringLiteral("Written by the holder"));
}

void TestTenantPlace::staleLockIsTakenOver()
{
    const QString statePath = path(QStringLiteral("stale"));
    std::unique_ptr<QProcess> holder = startHolder(statePath, QStringLiteral("Before the crash"));
    QVERIFY(holder);
    // Killed outright, as a crash or a power cut would: the lock file stays behind with a pid that is gone.
    holder->kill();
    QVERIFY(holder->waitForFinished(15000));
    QCOMPARE(holder->exitStatus(), QProcess::CrashExit);
    QVERIFY(QFile::exists(statePath + QStringLiteral(".lock")));

    QString error;
    std::shared_ptr<TenantPlace> place = TenantPlace::open(statePath, &error);
    QVERIFY2(place, qPrintable(error));
    // What the holder had saved before it died is there.
    QCOMPARE(organizationOf(place.get()), QStringLiteral("Before the crash"));
    QCOMPARE(fetchConfiguration(place.get()), 200);
}

void TestTenantPlace::demoTenant()
{
    const QString data = m_root.filePath(QStringLiteral("demo-data"));
    QString error;
    std::shared_ptr<TenantPlace> demo = M365::Sandbox::openDemoTenant(data, &error);
    QVERIFY2(demo, qPrintable(error));
    QCOMPARE(demo->statePath(), QDir::cleanPath(data + QStringLiteral("/sandbox/tenant.json")));
    QCOMPARE(M365::Sandbox::demoTenantPath(data), data + QStringLiteral("/sandbox/tenant.json"));
    QVERIFY(!demo->server()->tenant()->state().demoClientId.isEmpty()); // seeded with the demo
    const QString tenantId = demo->server()->tenant()->state().tenantId;

    // The same place as any opener of that file in this process; a reset is refused while it is in use.
    QCOMPARE(TenantPlace::open(M365::Sandbox::demoTenantPath(data), &error).get(), demo.get());
    QVERIFY(!M365::Sandbox::openDemoTenant(data, &error, true));
    QVERIFY2(error.contains(QStringLiteral("in use by this program")), qPrintable(error));
    QCOMPARE(demo->server()->tenant()->state().tenantId, tenantId);

    // Reset once nothing serves it: a new tenant, and nothing of the old one is left next to it.
    QFile stray(data + QStringLiteral("/sandbox/state.sqlite"));
    QVERIFY(stray.open(QIODevice::WriteOnly));
    stray.close();
    demo.reset();
    demo = M365::Sandbox::openDemoTenant(data, &error, true);
    QVERIFY2(demo, qPrintable(error));
    QVERIFY(demo->server()->tenant()->state().tenantId != tenantId);
    QVERIFY(!QFile::exists(data + QStringLiteral("/sandbox/state.sqlite")));
    demo.reset();

    QVERIFY2(M365::Sandbox::openDemoTenant(data, &error), qPrintable(error));
}

void TestTenantPlace::demoResetWaitsForTheHolder()
{
    const QString data = m_root.filePath(QStringLiteral("demo-held"));
    std::unique_ptr<QProcess> holder = startHolder(M365::Sandbox::demoTenantPath(data), QStringLiteral("Held"));
    QVERIFY(holder);
    QString error;
    // m365sync-cli --sandbox-reset while a scheduled run serves the demo: refused, and nothing is deleted.
    QVERIFY(!M365::Sandbox::openDemoTenant(data, &error, true));
    QVERIFY2(error.contains(QStringLiteral("pid %1").arg(holder->processId())), qPrintable(error));
    QVERIFY(QFile::exists(M365::Sandbox::demoTenantPath(data)));
    holder->closeWriteChannel();
    QVERIFY(holder->waitForFinished(15000));
    QCOMPARE(holder->exitCode(), 0);
    std::shared_ptr<TenantPlace> demo = M365::Sandbox::openDemoTenant(data, &error);
    QVERIFY2(demo, qPrintable(error));
    QCOMPARE(organizationOf(demo.get()), QStringLiteral("Held"));
}

void TestTenantPlace::m365simKeepsTheRule()
{
    const QString statePath = path(QStringLiteral("sim"));
    QString error;
    std::shared_ptr<TenantPlace> place = TenantPlace::open(statePath, &error);
    QVERIFY2(place, qPrintable(error));
    QProcess sim;
    sim.start(QStringLiteral(M365SIM_PATH), {QStringLiteral("--tls"), QStringLiteral("--state"), statePath});
    QVERIFY(sim.waitForFinished(30000));
    QCOMPARE(sim.exitCode(), 1);
    QVERIFY(sim.readAllStandardOutput().isEmpty()); // no connection line: it serves nothing
    const QString message = QString::fromLocal8Bit(sim.readAllStandardError());
    QVERIFY2(message.contains(QStringLiteral("pid %1").arg(QCoreApplication::applicationPid())), qPrintable(message));

    // Once this process lets go, m365sim serves the file, and reads what was written there.
    place->server()->tenant()->state().organization.insert(QStringLiteral("displayName"),
                                                           QStringLiteral("For m365sim"));
    place->server()->tenant()->markDirty();
    const QString tenantId = place->server()->tenant()->state().tenantId;
    place.reset();
    sim.start(QStringLiteral(M365SIM_PATH), {QStringLiteral("--tls"), QStringLiteral("--state"), statePath});
    QVERIFY(sim.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(sim.canReadLine() || sim.state() == QProcess::NotRunning, 30000);
    const QJsonObject info = QJsonDocument::fromJson(sim.readLine()).object();
    QCOMPARE(info.value(QLatin1String("tenantId")).toString(), tenantId);
    QVERIFY(!TenantPlace::open(statePath, &error));
    sim.terminate();
    QVERIFY(sim.waitForFinished(15000));
    place = TenantPlace::open(statePath, &error);
    QVERIFY2(place, qPrintable(error));
    QCOMPARE(organizationOf(place.get()), QStringLiteral("For m365sim"));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 4 && qstrcmp(argv[1], "--hold") == 0) {
        return hold(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    TestTenantPlace test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_tenantplace.moc"
