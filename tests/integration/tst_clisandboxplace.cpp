// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Issue 15's acceptance "with no GUI process running, a profile the wizard made on the sandbox tenant plans and syncs
// from the CLI": the profile is saved as the wizard saves it (its place, the sandbox tenant's state file under the app
// data folder; the endpoints and CA of a run that has ended; the client secret in the keychain), then m365sync-cli
// serves that tenant itself. Nothing else runs: no GUI, no m365sim. Also: what the CLI wrote is what the next opener
// reads, a CLI run is refused while another process serves the tenant, a profile saved before the place existed finds
// it, and a profile whose tenant is gone says what to do. Needs the Secret Service, like tst_cli.

#include "appinfo.h"
#include "demotenant.h"
#include "profile/keychainsecretstore.h"
#include "profile/profilestore.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
#include "sync/syncsettings.h"
#include "tenantplace.h"
#include "tenantstate.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using M365::Profile::Profile;
using M365::Profile::ProfileStore;
using M365::Sandbox::TenantPlace;

class TestCliSandboxPlace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void plansAndSyncsWithoutGui();
    void checkServesTheTenantToo();
    void cliWroteWhatTheNextOpenerReads();
    void refusedWhileAnotherProcessServesIt();
    void profileSavedBeforeThePlaceFindsIt();
    void goneTenantSaysWhatToDo();

private:
    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };
    Run cli(const QStringList &arguments, int timeoutMs = 180000);
    bool runSecretJob(M365::Secrets::SecretJob *job);
    QString profileFile(const QString &name) const { return ProfileStore().filePath(name); }

    QTemporaryDir m_home;
    M365::Secrets::KeychainSecretStore m_secrets;
    QString m_name; ///< the wizard's profile, named uniquely so that the keychain entry is this run's own
    QString m_statePath; ///< the place: where the wizard keeps the sandbox tenant
    QString m_tenantId;
    int m_directoryUsers = 0;
};

void TestCliSandboxPlace::initTestCase()
{
    QVERIFY(m_home.isValid());
    // The CLI's locations and this test's are the same: a fresh home, and m365sync's own names for QStandardPaths.
    qputenv("HOME", m_home.path().toUtf8());
    qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral(".config")).toUtf8());
    qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral(".local/share")).toUtf8());
    qputenv("XDG_CACHE_HOME", m_home.filePath(QStringLiteral(".cache")).toUtf8());
    qputenv("XDG_STATE_HOME", m_home.filePath(QStringLiteral(".local/state")).toUtf8());
    M365::setApplicationIdentity();
    const QString data = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QVERIFY(data.startsWith(m_home.path()));
    m_name = QStringLiteral("wizard-sandbox-%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));

    // What the wizard's Welcome page does in sandbox mode: open the demo tenant under the app data folder and take
    // its IDs; Finish then saves the profile with the endpoints and CA of that run.
    QString error;
    std::shared_ptr<TenantPlace> place = M365::Sandbox::openDemoTenant(data, &error);
    QVERIFY2(place, qPrintable(error));
    m_statePath = place->statePath();
    const M365::Sandbox::TenantState &state = place->server()->tenant()->state();
    m_tenantId = state.tenantId;
    M365::Sync::SyncSettings settings;
    for (auto it = state.domains.cbegin(); it != state.domains.cend(); ++it) {
        if (it->value(QLatin1String("isInitial")).toBool()) {
            settings.rules.domain = it.key();
        }
    }
    QVERIFY(!settings.rules.domain.isEmpty());
    settings.rules.defaultUsageLocation = QStringLiteral("DE");

    Profile profile;
    profile.name = m_name;
    profile.pointAtSandbox(QUrl(place->server()->baseUrl()), place->server()->caFile());
    profile.sandboxState = place->statePath();
    profile.tenant = state.tenantId;
    profile.clientId = state.demoClientId;
    profile.credentialKind = M365::Profile::CredentialKind::ClientSecret;
    profile.secrets.clientSecret = profile.secretKey(QString::fromLatin1(M365::Secrets::Purpose::ClientSecret));
    const QString sample = M365::Sandbox::sampleDirectoryPath(data, &error);
    QVERIFY2(!sample.isEmpty(), qPrintable(error));
    QFile ldif(sample);
    QVERIFY(ldif.open(QIODevice::ReadOnly));
    m_directoryUsers = int(ldif.readAll().count("objectClass: posixAccount"));
    QVERIFY(m_directoryUsers > 10);
    profile.directory = QJsonObject{{QStringLiteral("type"), QStringLiteral("ldif")}, {QStringLiteral("path"), sample}};
    profile.sync = settings.toJson();

    // The secret first, then the file that refers to it (SaveProfileJob's order).
    QVERIFY(runSecretJob(m_secrets.write(profile.secrets.clientSecret, state.demoClientSecret.toUtf8(), this)));
    M365::Error saveError;
    QVERIFY2(ProfileStore().save(profile, &saveError), qPrintable(saveError.userMessage));
    QVERIFY(QFile::exists(profileFile(m_name)));

    // The wizard is closed: the tenant is saved and nobody serves it; its port is dead.
    place.reset();
    QVERIFY(!TenantPlace::isOpen(m_statePath));
    QVERIFY(QFile::exists(m_statePath));
    QVERIFY(!QFile::exists(m_statePath + QStringLiteral(".lock")));
}

void TestCliSandboxPlace::cleanupTestCase()
{
    if (m_name.isEmpty()) {
        return;
    }
    M365::Profile::ProfileRemoveJob *job = ProfileStore().remove(m_name, &m_secrets, this);
    QSignalSpy finished(job, &M365::Profile::ProfileRemoveJob::finished);
    job->start();
    QVERIFY(finished.wait(20000));
}

bool TestCliSandboxPlace::runSecretJob(M365::Secrets::SecretJob *job)
{
    QSignalSpy finished(job, &M365::Secrets::SecretJob::finished);
    job->start();
    if (!finished.wait(20000)) {
        return false;
    }
    if (job->hasError()) {
        qWarning() << job->error().userMessage;
    }
    return !job->hasError();
}

TestCliSandboxPlace::Run TestCliSandboxPlace::cli(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(QProcessEnvironment::systemEnvironment()); // the fresh home set above
    process.setWorkingDirectory(m_home.path());
    process.start(QStringLiteral(M365SYNC_CLI_PATH), arguments);
    process.closeWriteChannel(); // standard input is an empty pipe, as under cron: not a terminal
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(10000);
        run.err = QStringLiteral("m365sync-cli %1 did not finish within %2 ms")
                      .arg(arguments.join(QLatin1Char(' ')))
                      .arg(timeoutMs);
        return run;
    }
    run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

void TestCliSandboxPlace::plansAndSyncsWithoutGui()
{
    QVERIFY(!TenantPlace::isOpen(m_statePath));
    const Run plan = cli({QStringLiteral("plan"), QStringLiteral("--profile"), m_name});
    QVERIFY2(plan.code == 3, qPrintable(plan.err + plan.out));
    const Run sync = cli({QStringLiteral("sync"), QStringLiteral("--profile"), m_name, QStringLiteral("--yes")});
    QVERIFY2(sync.code == 0, qPrintable(sync.err + sync.out));
    // The next run, another process on another port, finds the tenant as the last one left it.
    const Run again = cli({QStringLiteral("plan"), QStringLiteral("--profile"), m_name});
    QVERIFY2(again.code == 0, qPrintable(again.err + again.out));
    // Every run let go of the tenant.
    QVERIFY(!QFile::exists(m_statePath + QStringLiteral(".lock")));
}

void TestCliSandboxPlace::checkServesTheTenantToo()
{
    const Run check = cli({QStringLiteral("check"), QStringLiteral("--profile"), m_name});
    QVERIFY2(check.code == 0 || check.code == 6, qPrintable(check.err + check.out));
    QVERIFY2(check.out.contains(m_tenantId), qPrintable(check.out));
}

void TestCliSandboxPlace::cliWroteWhatTheNextOpenerReads()
{
    QString error;
    std::shared_ptr<TenantPlace> place = TenantPlace::open(m_statePath, &error);
    QVERIFY2(place, qPrintable(error));
    const M365::Sandbox::TenantState &state = place->server()->tenant()->state();
    QCOMPARE(state.tenantId, m_tenantId);
    int synced = 0;
    for (const QJsonObject &user : state.users) {
        synced += user.value(QLatin1String("onPremisesImmutableId")).toString().isEmpty() ? 0 : 1;
    }
    QCOMPARE(synced, m_directoryUsers);
}

void TestCliSandboxPlace::refusedWhileAnotherProcessServesIt()
{
    QString error;
    std::shared_ptr<TenantPlace> place = TenantPlace::open(m_statePath, &error);
    QVERIFY2(place, qPrintable(error));
    const Run plan = cli({QStringLiteral("plan"), QStringLiteral("--profile"), m_name}, 60000);
    QCOMPARE(plan.code, 1);
    QVERIFY2(plan.err.contains(QStringLiteral("Close m365sync (pid %1), or wait for its scheduled run to end")
                                   .arg(QCoreApplication::applicationPid())),
             qPrintable(plan.err));
    // Refused up front, not after waiting for a server that never answers.
    QVERIFY2(!plan.err.contains(QLatin1String("timed out"), Qt::CaseInsensitive), qPrintable(plan.err));
}

void TestCliSandboxPlace::profileSavedBeforeThePlaceFindsIt()
{
    // The file as an older version wrote it: no "sandboxState", only the CA next to the tenant's state file.
    QFile file(profileFile(m_name));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QVERIFY(json.contains(QLatin1String("sandboxState")));
    json.remove(QStringLiteral("sandboxState"));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    const QByteArray bytes = QJsonDocument(json).toJson();
    QCOMPARE(file.write(bytes), bytes.size());
    file.close();

    const Run plan = cli({QStringLiteral("plan"), QStringLiteral("--profile"), m_name});
    QVERIFY2(plan.code == 0, qPrintable(plan.err + plan.out));
}

void TestCliSandboxPlace::goneTenantSaysWhatToDo()
{
    std::optional<Profile> profile = ProfileStore().load(m_name);
    QVERIFY(profile);
    const QString gone = m_home.filePath(QStringLiteral("reset/sandbox/tenant.json"));
    profile->sandboxState = gone;
    QVERIFY(ProfileStore().save(*profile));
    const Run plan = cli({QStringLiteral("plan"), QStringLiteral("--profile"), m_name}, 60000);
    QCOMPARE(plan.code, 1);
    QVERIFY2(plan.err.contains(QLatin1String("is gone")), qPrintable(plan.err));
    QVERIFY2(plan.err.contains(QStringLiteral("m365sync-cli profile delete %1").arg(m_name)), qPrintable(plan.err));
    // Nothing was made in its place: a new tenant would not know the profile's app.
    QVERIFY(!QFile::exists(gone));
}

QTEST_GUILESS_MAIN(TestCliSandboxPlace)
#include "tst_clisandboxplace.moc"
