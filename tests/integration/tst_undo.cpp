// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Undo of a run, end to end against m365sim in its own process: a profile synced by m365sync-cli, then a run that
// updates 50 users (jobTitle, department) and disables 5 who leave the scope (with their licences and group
// membership). That run is undone through the engine (CloudReadJob, UndoPlanner, ApplyJob on the profile's state
// store), made again by the next sync, and undone through `m365sync-cli undo --run N --yes`. Each time every user's
// Graph object must be exactly as before the run; a user edited in the tenant after the run is reported as a
// conflict and left alone. Needs the Secret Service (CI runs tests under dbus-run-session), like tst_clisync.

#include "identity/cloudendpoints.h"
#include "profile/connection.h"
#include "sync/applier.h"
#include "sync/cloudreader.h"
#include "sync/planner.h"
#include "sync/statestore.h"
#include "sync/syncsettings.h"
#include "sync/undoplanner.h"

#include <QDirIterator>
#include <QJsonArray>
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
#include <QUrlQuery>
#include <QUuid>

#include <memory>

using namespace M365;
using namespace M365::Sync;

namespace {

const QString secretVariable = QStringLiteral("M365SYNC_TEST_CLIENT_SECRET");
const QString profileName = QStringLiteral("undo");
const QString teamDn = QStringLiteral("cn=undoteam,ou=groups,dc=example,dc=org");
const QString e3 = QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900"); // ENTERPRISEPACK of the demo tenant
constexpr int kPeople = 60;
constexpr int kUpdated = 50; ///< people 1–50 get a new title and department
constexpr int kTeamFrom = 51; ///< people 51–60 are in the team (licensed through it); 56–60 leave the scope
constexpr int kLeaving = 5;
constexpr int kTimeoutMs = 60000;
/// What the comparison covers: everything the run (and its undo) may touch, and who the user is.
const QString userSelect = QStringLiteral("id,displayName,givenName,surname,jobTitle,department,accountEnabled,"
                                          "userPrincipalName,usageLocation,assignedLicenses,onPremisesImmutableId");

struct Person
{
    QString uid;
    QString entryUuid;
    int number = 0;
};

QString immutableIdOf(const Person &p)
{
    return QString::fromLatin1(p.entryUuid.toUtf8().toBase64());
}

/// The directory: @p changed gives people 1–50 a new title and department and marks 56–60 inactive (out of scope).
QByteArray ldifOf(const QList<Person> &people, bool changed)
{
    QByteArray ldif = "dn: dc=example,dc=org\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\n"
                      "o: Example Organisation\ndc: example\nentryUUID: 0f6b3b5e-3a51-4a55-9c1e-7d0d5c3e0001\n\n"
                      "dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n"
                      "entryUUID: 0f6b3b5e-3a51-4a55-9c1e-7d0d5c3e0002\n\n"
                      "dn: ou=groups,dc=example,dc=org\nobjectClass: organizationalUnit\nou: groups\n"
                      "entryUUID: 0f6b3b5e-3a51-4a55-9c1e-7d0d5c3e0003\n\n";
    QByteArray team = "dn: " + teamDn.toUtf8()
        + "\nobjectClass: groupOfNames\ncn: undoteam\ndescription: the undo team\n"
          "entryUUID: 0f6b3b5e-3a51-4a55-9c1e-7d0d5c3e0004\n";
    for (const Person &p : people) {
        const bool updated = changed && p.number <= kUpdated;
        const bool leaving = changed && p.number > kPeople - kLeaving;
        QByteArray entry = QStringLiteral("dn: uid=%1,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\n"
                                          "uid: %1\ncn: Given %1 Family %1\ngivenName: Given %1\nsn: Family %1\n"
                                          "displayName: Given %1 Family %1\nentryUUID: %2\n")
                               .arg(p.uid, p.entryUuid)
                               .toUtf8();
        entry += updated ? QByteArray("title: Senior Engineer\n") : QByteArray("title: Engineer\n");
        // Odd people have no department before the run: the undo must take the run's value away again.
        if (updated) {
            entry += "departmentNumber: Research\n";
        } else if (p.number % 2 == 0) {
            entry += "departmentNumber: Development\n";
        }
        entry += leaving ? QByteArray("employeeType: inactive\n") : QByteArray("employeeType: active\n");
        ldif += entry + '\n';
        if (p.number >= kTeamFrom) {
            team += "member: uid=" + p.uid.toUtf8() + ",ou=people,dc=example,dc=org\n";
        }
    }
    return ldif + team + '\n';
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

} // namespace

class TestUndo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void undoRun();

private:
    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };
    struct Reply
    {
        int status = 0;
        QByteArray body;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };
    /// Our people's users (by immutable id → the selected properties) and the team's member ids, sorted.
    struct TenantView
    {
        QHash<QString, QJsonObject> users;
        QStringList teamMembers;
    };

    QProcessEnvironment environment() const;
    Run cli(const QStringList &arguments, int timeoutMs = 180000);
    Reply send(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    bool readTenant(TenantView *view);
    void createProfile();
    QString stateFile() const;
    qint64 lastRunId();
    /// Compares the users and the team with @p before; @p except: immutable ids whose user is not compared.
    void compareWith(const TenantView &before, const QSet<QString> &except = {});
    void undoThroughEngine(qint64 runId);

    QTemporaryDir m_root;
    QString m_home;
    QString m_ldif;
    QProcess m_sim;
    QJsonObject m_info;
    QNetworkAccessManager m_nam;
    QString m_token; ///< the test's own app, so that its reads never eat the CLI's throttling budget
    QString m_domain;
    QList<Person> m_people;
    SyncSettings m_settings;
};

QProcessEnvironment TestUndo::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home + QStringLiteral("/.cache"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), m_home + QStringLiteral("/.local/state"));
    env.insert(secretVariable, m_info.value(QLatin1String("clientSecret")).toString());
    return env;
}

TestUndo::Run TestUndo::cli(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.setWorkingDirectory(m_home);
    process.start(QStringLiteral(M365SYNC_CLI_PATH), arguments);
    process.closeWriteChannel(); // not a terminal, as under cron
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(10000);
        run.err = QStringLiteral("m365sync-cli %1 did not finish in time").arg(arguments.join(QLatin1Char(' ')));
        return run;
    }
    run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

TestUndo::Reply TestUndo::send(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    const QString base = m_info.value(QLatin1String("graphUrl")).toString();
    // A nextLink as it is, the sandbox's admin API below the base, Graph paths below /v1.0.
    QString url = base + QStringLiteral("/v1.0") + path;
    if (path.startsWith(QLatin1String("https://"))) {
        url = path;
    } else if (path.startsWith(QLatin1String("/_sandbox"))) {
        url = base + path;
    }
    QNetworkRequest request{QUrl(url)};
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(m_info.value(QLatin1String("caFile")).toString());
    request.setSslConfiguration(ssl);
    QByteArray data;
    if (!body.isEmpty()) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        data = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    if (!m_token.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    }
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, data));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(20000)) {
        return {};
    }
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

bool TestUndo::readTenant(TenantView *view)
{
    view->users.clear();
    view->teamMembers.clear();
    QSet<QString> ours;
    for (const Person &p : std::as_const(m_people)) {
        ours.insert(immutableIdOf(p));
    }
    QString next = QStringLiteral("/users?$select=") + userSelect + QStringLiteral("&$top=999");
    while (!next.isEmpty()) {
        const Reply page = send("GET", next);
        if (page.status != 200) {
            qWarning() << "listing users failed:" << page.status << page.body;
            return false;
        }
        for (const QJsonValue &v : page.json().value(QLatin1String("value")).toArray()) {
            const QString immutableId = v.toObject().value(QLatin1String("onPremisesImmutableId")).toString();
            if (ours.contains(immutableId)) {
                view->users.insert(immutableId, v.toObject());
            }
        }
        next = page.json().value(QLatin1String("@odata.nextLink")).toString();
    }
    const Reply groups = send("GET", QStringLiteral("/groups?$filter=displayName%20eq%20'undoteam'&$select=id"));
    const QJsonArray found = groups.json().value(QLatin1String("value")).toArray();
    if (groups.status != 200 || found.size() != 1) {
        qWarning() << "finding the team failed:" << groups.status << groups.body;
        return false;
    }
    const QString teamId = found.first().toObject().value(QLatin1String("id")).toString();
    next = QStringLiteral("/groups/") + teamId + QStringLiteral("/members?$select=id");
    while (!next.isEmpty()) {
        const Reply page = send("GET", next);
        if (page.status != 200) {
            qWarning() << "listing the team failed:" << page.status << page.body;
            return false;
        }
        for (const QJsonValue &v : page.json().value(QLatin1String("value")).toArray()) {
            view->teamMembers.append(v.toObject().value(QLatin1String("id")).toString());
        }
        next = page.json().value(QLatin1String("@odata.nextLink")).toString();
    }
    view->teamMembers.sort();
    return true;
}

void TestUndo::initTestCase()
{
    QVERIFY(m_root.isValid());
    m_home = m_root.filePath(QStringLiteral("home"));
    QVERIFY(QDir().mkpath(m_home));
    m_sim.start(QStringLiteral(M365SIM_PATH),
                {QStringLiteral("--port"),
                 QStringLiteral("0"),
                 QStringLiteral("--tls"),
                 QStringLiteral("--state"),
                 m_root.filePath(QStringLiteral("sim/state.json"))});
    QVERIFY(m_sim.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(m_sim.canReadLine(), 15000);
    m_info = QJsonDocument::fromJson(m_sim.readLine()).object();
    QVERIFY(!m_info.value(QLatin1String("caFile")).toString().isEmpty());

    // The test's own app: reads users and groups, and edits one user as an administrator would in the portal.
    const Reply app = send("POST",
                           QStringLiteral("/_sandbox/applications"),
                           QJsonObject{{QStringLiteral("displayName"), QStringLiteral("tst_undo")},
                                       {QStringLiteral("roles"),
                                        QJsonArray{QStringLiteral("User.ReadWrite.All"),
                                                   QStringLiteral("Group.Read.All"),
                                                   QStringLiteral("Domain.Read.All")}},
                                       {QStringLiteral("withSecret"), true}});
    QCOMPARE(app.status, 201);
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_id"), app.json().value(QLatin1String("appId")).toString());
    form.addQueryItem(QStringLiteral("client_secret"), app.json().value(QLatin1String("clientSecret")).toString());
    form.addQueryItem(QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default"));
    QNetworkRequest tokenRequest(QUrl(m_info.value(QLatin1String("graphUrl")).toString() + QLatin1Char('/')
                                      + m_info.value(QLatin1String("tenantId")).toString()
                                      + QStringLiteral("/oauth2/v2.0/token")));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(m_info.value(QLatin1String("caFile")).toString());
    tokenRequest.setSslConfiguration(ssl);
    tokenRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/x-www-form-urlencoded"));
    std::unique_ptr<QNetworkReply> token(m_nam.post(tokenRequest, form.toString(QUrl::FullyEncoded).toLatin1()));
    QSignalSpy tokenDone(token.get(), &QNetworkReply::finished);
    QVERIFY(token->isFinished() || tokenDone.wait(20000));
    m_token = QJsonDocument::fromJson(token->readAll()).object().value(QLatin1String("access_token")).toString();
    QVERIFY(!m_token.isEmpty());

    const Reply domains = send("GET", QStringLiteral("/domains"));
    QCOMPARE(domains.status, 200);
    for (const QJsonValue &d : domains.json().value(QLatin1String("value")).toArray()) {
        if (d.toObject().value(QLatin1String("isInitial")).toBool()) {
            m_domain = d.toObject().value(QLatin1String("id")).toString();
        }
    }
    QVERIFY(!m_domain.isEmpty());

    for (int i = 1; i <= kPeople; ++i) {
        m_people.append({QStringLiteral("undo%1").arg(i, 4, 10, QLatin1Char('0')),
                         QUuid::createUuid().toString(QUuid::WithoutBraces),
                         i});
    }
    m_ldif = m_root.filePath(QStringLiteral("people.ldif"));
    QVERIFY(writeFile(m_ldif, ldifOf(m_people, false)));

    m_settings.rules.domain = m_domain;
    m_settings.rules.defaultUsageLocation = QStringLiteral("DE");
    const Result<Scope> scope = Scope::fromFilter(QStringLiteral("(!(employeeType=inactive))"));
    QVERIFY(scope.ok());
    m_settings.scope = scope.value;
    m_settings.options.skuByGroup.insert(teamDn, e3);
    createProfile();
}

void TestUndo::cleanupTestCase()
{
    m_sim.terminate();
    m_sim.waitForFinished(10000);
}

void TestUndo::createProfile()
{
    const Run created = cli({QStringLiteral("profile"),
                             QStringLiteral("create"),
                             profileName,
                             QStringLiteral("--tenant"),
                             m_info.value(QLatin1String("tenantId")).toString(),
                             QStringLiteral("--client-id"),
                             m_info.value(QLatin1String("clientId")).toString(),
                             QStringLiteral("--client-secret-env"),
                             secretVariable,
                             QStringLiteral("--sandbox-url"),
                             m_info.value(QLatin1String("graphUrl")).toString(),
                             QStringLiteral("--ca-file"),
                             m_info.value(QLatin1String("caFile")).toString()});
    QVERIFY2(created.code == 0, qPrintable(created.err));
    QString path;
    QDirIterator it(m_home + QStringLiteral("/.config"),
                    {profileName + QStringLiteral(".json")},
                    QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        path = it.next();
    }
    QVERIFY2(!path.isEmpty(), "profile create wrote no profile file");
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject profile = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    profile.insert(QStringLiteral("directory"),
                   QJsonObject{{QStringLiteral("type"), QStringLiteral("ldif")}, {QStringLiteral("path"), m_ldif}});
    profile.insert(QStringLiteral("sync"), m_settings.toJson());
    QVERIFY(writeFile(path, QJsonDocument(profile).toJson()));
}

QString TestUndo::stateFile() const
{
    QDirIterator it(m_home + QStringLiteral("/.local/share"),
                    {profileName + QStringLiteral(".sqlite")},
                    QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(QStringLiteral("/state/") + profileName + QStringLiteral(".sqlite"))) {
            return path;
        }
    }
    return {};
}

qint64 TestUndo::lastRunId()
{
    StateStore store;
    if (!store.open(stateFile()).ok()) {
        return 0;
    }
    const QList<RunRecord> runs = store.runHistory(1);
    return runs.isEmpty() ? 0 : runs.first().id;
}

void TestUndo::compareWith(const TenantView &before, const QSet<QString> &except)
{
    TenantView now;
    QVERIFY(readTenant(&now));
    QCOMPARE(now.users.size(), before.users.size());
    for (auto it = before.users.cbegin(); it != before.users.cend(); ++it) {
        if (except.contains(it.key())) {
            continue;
        }
        const QJsonObject after = now.users.value(it.key());
        QVERIFY2(after == it.value(),
                 qPrintable(QStringLiteral("before the run: %1\nnow: %2")
                                .arg(QString::fromUtf8(QJsonDocument(it.value()).toJson(QJsonDocument::Compact)),
                                     QString::fromUtf8(QJsonDocument(after).toJson(QJsonDocument::Compact)))));
    }
    QCOMPARE(now.teamMembers, before.teamMembers);
}

void TestUndo::undoThroughEngine(qint64 runId)
{
    // The engine on the profile's own state store, as the dashboard would drive it (the CLI is not running).
    StateStore store;
    const Result<bool> opened = store.open(stateFile());
    QVERIFY2(opened.ok(), qPrintable(opened.error.details));
    QNetworkAccessManager nam;
    Profile::Profile profile;
    profile.name = profileName;
    profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(m_info.value(QLatin1String("graphUrl")).toString()));
    profile.tenant = m_info.value(QLatin1String("tenantId")).toString();
    profile.clientId = m_info.value(QLatin1String("clientId")).toString();
    profile.credentialKind = Profile::CredentialKind::ClientSecret;
    Profile::Connection connection(
        &nam,
        profile,
        Identity::ClientCredential::fromSecret(m_info.value(QLatin1String("clientSecret")).toString()),
        QSslCertificate::fromPath(m_info.value(QLatin1String("caFile")).toString(), QSsl::Pem));

    auto *read = new CloudReadJob(
        connection.graph(), &store, m_settings.rules.managedProperties(), m_settings.options.syncGroups, this);
    QSignalSpy readDone(read, &Job::finished);
    read->start();
    QVERIFY(readDone.wait(kTimeoutMs));
    QVERIFY2(!read->hasError(), qPrintable(read->error().userMessage));
    const QStringList fingerprinted = Planner::userFingerprintProperties(m_settings.rules);
    const ChangePlan plan = UndoPlanner::plan(store.runChanges(runId), read->snapshot(), store.links(), fingerprinted);
    delete read;

    // 50 updates back, 5 users enabled again, their 5 licences and the team membership back; nothing refused.
    QHash<QString, int> perKind;
    for (const Change &c : plan.changes) {
        ++perKind[Change::objectTypeName(c.objectType) + QLatin1Char('/') + Change::kindName(c.kind)];
        QVERIFY2(c.kind != Change::Kind::Conflict && c.kind != Change::Kind::Invalid, qPrintable(c.reason));
        if (c.objectType == Change::ObjectType::User) {
            QVERIFY(!c.cloudFingerprint.isEmpty());
        }
    }
    QCOMPARE(perKind.value(QStringLiteral("user/update")), kUpdated);
    QCOMPARE(perKind.value(QStringLiteral("user/enable")), kLeaving);
    QCOMPARE(perKind.value(QStringLiteral("licence/update")), kLeaving);
    QCOMPARE(perKind.value(QStringLiteral("membership/update")), 1);
    QCOMPARE(plan.changes.size(), kUpdated + 2 * kLeaving + 1);

    ApplyOptions options;
    options.userFingerprintProperties = fingerprinted;
    auto *apply = new ApplyJob(connection.graph(), &store, plan, options, this);
    QSignalSpy applied(apply, &Job::finished);
    apply->start();
    QVERIFY(applied.wait(kTimeoutMs));
    QVERIFY2(!apply->hasError(), qPrintable(apply->error().userMessage));
    for (int i = 0; i < apply->outcomes().size(); ++i) {
        QVERIFY2(apply->outcomes().at(i).result == ChangeOutcome::Result::Done,
                 qPrintable(plan.changes.at(i).displayName + QStringLiteral(": ") + apply->outcomes().at(i).message));
    }
    delete apply;
}

void TestUndo::undoRun()
{
    const QStringList sync{QStringLiteral("sync"), QStringLiteral("--profile"), profileName, QStringLiteral("--yes")};
    const Run first = cli(sync);
    QVERIFY2(first.code == 0, qPrintable(first.err + first.out.right(1000)));
    TenantView before;
    QVERIFY(readTenant(&before));
    QCOMPARE(before.users.size(), kPeople);
    QCOMPARE(before.teamMembers.size(), kPeople - kTeamFrom + 1);
    for (const QJsonObject &u : std::as_const(before.users)) {
        QVERIFY(u.value(QLatin1String("accountEnabled")).toBool());
    }

    // The run to undo: 50 updated, 5 disabled (renamed, licence and membership removed): 15 destructive changes, more
    // than the deletion guard lets through unasked.
    QVERIFY(writeFile(m_ldif, ldifOf(m_people, true)));
    const QStringList allowed = sync + QStringList{QStringLiteral("--allow-deletes"), QStringLiteral("20")};
    const Run changed = cli(allowed);
    QVERIFY2(changed.code == 0, qPrintable(changed.err + changed.out.right(1000)));
    const qint64 changedRun = lastRunId();
    QVERIFY(changedRun > 0);
    TenantView during;
    QVERIFY(readTenant(&during));
    int disabled = 0;
    int retitled = 0;
    for (const QJsonObject &u : std::as_const(during.users)) {
        disabled += u.value(QLatin1String("accountEnabled")).toBool() ? 0 : 1;
        retitled += u.value(QLatin1String("jobTitle")).toString() == QLatin1String("Senior Engineer") ? 1 : 0;
    }
    QCOMPARE(disabled, kLeaving);
    QCOMPARE(retitled, kUpdated);
    QCOMPARE(during.teamMembers.size(), kPeople - kTeamFrom + 1 - kLeaving);

    // 1. Through the engine.
    undoThroughEngine(changedRun);
    if (QTest::currentTestFailed()) {
        return;
    }
    compareWith(before);
    if (QTest::currentTestFailed()) {
        return;
    }

    // The next sync makes the same changes again (the directory still says so), as the CLI's note warns.
    const Run again = cli(allowed);
    QVERIFY2(again.code == 0, qPrintable(again.err + again.out.right(1000)));
    const qint64 againRun = lastRunId();
    QVERIFY(againRun > changedRun);
    TenantView redone;
    QVERIFY(readTenant(&redone));
    QCOMPARE(redone.users, during.users);
    QCOMPARE(redone.teamMembers, during.teamMembers);

    // 2. Through the CLI. An unknown run is refused with the runs there are.
    const Run unknown = cli({QStringLiteral("undo"),
                             QStringLiteral("--profile"),
                             profileName,
                             QStringLiteral("--run"),
                             QStringLiteral("999")});
    QCOMPARE(unknown.code, 1);
    QVERIFY2(unknown.err.contains(QStringLiteral("There is no run 999")), qPrintable(unknown.err));
    QVERIFY2(unknown.err.contains(QString::number(againRun) + QStringLiteral(", ") + QString::number(againRun - 1)),
             qPrintable(unknown.err));

    // An administrator edits one of the updated users after the run: that user is a conflict and stays as edited.
    const Person &edited = m_people.at(2);
    const QString editedId = during.users.value(immutableIdOf(edited)).value(QLatin1String("id")).toString();
    QVERIFY(!editedId.isEmpty());
    const QJsonObject edit{{QStringLiteral("jobTitle"), QStringLiteral("Chief Tinkerer")}};
    QCOMPARE(send("PATCH", QStringLiteral("/users/") + editedId, edit).status, 204);

    const QStringList undo{QStringLiteral("undo"),
                           QStringLiteral("--profile"),
                           profileName,
                           QStringLiteral("--run"),
                           QString::number(againRun)};
    const Run preview = cli(undo);
    QVERIFY2(preview.code == 3, qPrintable(preview.out.right(2000) + preview.err));
    QVERIFY2(preview.out.contains(QLatin1String("Nothing was changed. Run again with --yes to apply.")),
             qPrintable(preview.out.right(2000)));
    QVERIFY2(preview.out.contains(QLatin1String("the next sync makes the same changes again")),
             qPrintable(preview.out.right(2000)));
    QVERIFY2(preview.out.contains(QStringLiteral("changed since run %1: jobTitle").arg(againRun)),
             qPrintable(preview.out.right(4000)));
    TenantView previewed;
    QVERIFY(readTenant(&previewed));
    QCOMPARE(previewed.teamMembers, during.teamMembers);
    QCOMPARE(previewed.users.value(immutableIdOf(m_people.at(0))), during.users.value(immutableIdOf(m_people.at(0))));

    const Run undone = cli(undo + QStringList{QStringLiteral("--yes")});
    QVERIFY2(undone.code == 0, qPrintable(undone.out.right(3000) + undone.err));
    QVERIFY2(undone.out.contains(QStringLiteral("Undo of run %1 finished").arg(againRun)),
             qPrintable(undone.out.right(2000)));
    compareWith(before, {immutableIdOf(edited)});
    TenantView after;
    QVERIFY(readTenant(&after));
    QJsonObject expectedEdited = during.users.value(immutableIdOf(edited));
    expectedEdited.insert(QStringLiteral("jobTitle"), QStringLiteral("Chief Tinkerer"));
    QCOMPARE(after.users.value(immutableIdOf(edited)), expectedEdited);
}

QTEST_GUILESS_MAIN(TestUndo)
#include "tst_undo.moc"
