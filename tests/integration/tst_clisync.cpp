// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// m365sync-cli plan, sync and status as an administrator (or cron) runs them: the offline demo (--sandbox) on a fresh
// home folder; the deletion guard; and a 2,000-user sync killed five times at random points and resumed, against
// m365sim in its own process so that the tenant outlives every killed run. The tenant is then checked over Graph and
// the state store by reading its SQLite file: every directory user exactly once, never created twice.
// Needs the Secret Service (CI runs tests under dbus-run-session with an unlocked gnome-keyring), like tst_cli.

#include "sync/runlock.h"
#include "sync/syncsettings.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QSslConfiguration>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <QUuid>

namespace {

const QString secretVariable = QStringLiteral("M365SYNC_TEST_CLIENT_SECRET");

/// One person of a generated directory.
struct Person
{
    QString uid;
    QString entryUuid;
};

QList<Person> makePeople(const QString &prefix, int count)
{
    QList<Person> people;
    for (int i = 1; i <= count; ++i) {
        people.append({QStringLiteral("%1%2").arg(prefix).arg(i, 4, 10, QLatin1Char('0')),
                       QUuid::createUuid().toString(QUuid::WithoutBraces)});
    }
    return people;
}

/// A slapcat-style export like resources/sample/directory.ldif: the base and people entries, then one inetOrgPerson
/// per person.
bool writeLdif(const QString &path, const QList<Person> &people)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return false;
    }
    QByteArray ldif = "dn: dc=example,dc=org\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\n"
                      "o: Example Organisation\ndc: example\nentryUUID: a4851a52-92f6-55a3-b6a9-c8c221a99203\n\n"
                      "dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n"
                      "entryUUID: 7e4dcbfb-ac55-5b73-aabe-49c682b72adb\n\n";
    for (const Person &p : people) {
        const QString given = QStringLiteral("Given ") + p.uid;
        const QString family = QStringLiteral("Family ") + p.uid;
        ldif += QStringLiteral("dn: uid=%1,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\n"
                               "objectClass: posixAccount\nuid: %1\ncn: %2 %3\ngivenName: %2\nsn: %3\n"
                               "entryUUID: %4\n\n")
                    .arg(p.uid, given, family, p.entryUuid)
                    .toUtf8();
    }
    return file.write(ldif) == ldif.size();
}

/// The value m365sync writes to onPremisesImmutableId for a text anchor such as entryUUID (planner.h): the base64 of
/// its UTF-8 text.
QString immutableIdOf(const Person &p)
{
    return QString::fromLatin1(p.entryUuid.toUtf8().toBase64());
}

/// A read-only look into a profile's state store, on a connection of its own.
class StateFile
{
public:
    explicit StateFile(const QString &path)
        : m_name(QStringLiteral("tst_clisync-%1").arg(QUuid::createUuid().toString(QUuid::Id128)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        m_open = db.open();
    }
    ~StateFile()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    StateFile(const StateFile &) = delete;
    StateFile &operator=(const StateFile &) = delete;

    bool isOpen() const { return m_open; }
    /// Every row of @p sql, each as a list of its columns; an empty list and @p ok false when the query fails.
    QList<QVariantList> rows(const QString &sql, bool *ok) const
    {
        QList<QVariantList> out;
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        *ok = q.exec(sql);
        if (!*ok) {
            qWarning() << q.lastError().text() << sql;
        }
        while (*ok && q.next()) {
            QVariantList row;
            for (int i = 0; i < q.record().count(); ++i) {
                row.append(q.value(i));
            }
            out.append(row);
        }
        return out;
    }
    int count(const QString &sql) const
    {
        bool ok = false;
        const QList<QVariantList> r = rows(sql, &ok);
        return ok && !r.isEmpty() ? r.first().value(0).toInt() : -1;
    }

private:
    QString m_name;
    bool m_open = false;
};

} // namespace

class TestCliSync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sandboxAcceptance();
    void deletionGuard();
    void exclusionsHonoured();
    void secondRunIsRefused();
    void killedRunsResume();

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

    QProcessEnvironment environment(const QString &home) const;
    QProcess *startCli(const QString &home, const QStringList &arguments);
    Run cli(const QString &home, const QStringList &arguments, int timeoutMs = 120000);
    Reply send(const QByteArray &method,
               const QUrl &url,
               const QByteArray &body,
               const QByteArray &contentType,
               bool eventual = false);
    Reply graph(const QString &pathOrUrl, bool eventual = false);
    int tenantUserCount();
    /// All users of the tenant by id (paging followed); false when a page could not be read.
    bool tenantUsers(QHash<QString, QJsonObject> *users);
    void createProfile(const QString &home,
                       const QString &name,
                       const QString &ldif,
                       const M365::Sync::Exclusions &exclusions = {});
    QString stateFile(const QString &home, const QString &profile) const;

    QTemporaryDir m_root;
    QProcess m_sim;
    QJsonObject m_info;
    QNetworkAccessManager m_nam;
    QString m_token; ///< a reader app's token for checking the tenant over Graph
    QString m_domain; ///< the tenant's initial domain, where new UPNs are made
};

QProcessEnvironment TestCliSync::environment(const QString &home) const
{
    // A fresh home for the CLI: profiles, state and the --sandbox tenant land under it and nowhere else. The Secret
    // Service is reached over the session bus, which stays.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), home + QStringLiteral("/.local/state"));
    env.insert(secretVariable, m_info.value(QLatin1String("clientSecret")).toString());
    return env;
}

QProcess *TestCliSync::startCli(const QString &home, const QStringList &arguments)
{
    QDir().mkpath(home);
    auto *process = new QProcess;
    process->setProcessEnvironment(environment(home));
    process->setWorkingDirectory(home);
    process->start(QStringLiteral(M365SYNC_CLI_PATH), arguments);
    process->closeWriteChannel(); // standard input is an empty pipe, as under cron: not a terminal
    return process;
}

TestCliSync::Run TestCliSync::cli(const QString &home, const QStringList &arguments, int timeoutMs)
{
    std::unique_ptr<QProcess> process(startCli(home, arguments));
    Run run;
    if (!process->waitForFinished(timeoutMs)) {
        process->kill();
        process->waitForFinished(10000);
        run.err = QStringLiteral("m365sync-cli %1 did not finish within %2 ms")
                      .arg(arguments.join(QLatin1Char(' ')))
                      .arg(timeoutMs);
        return run;
    }
    run.code = process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -2;
    run.out = QString::fromUtf8(process->readAllStandardOutput());
    run.err = QString::fromUtf8(process->readAllStandardError());
    return run;
}

TestCliSync::Reply TestCliSync::send(
    const QByteArray &method, const QUrl &url, const QByteArray &body, const QByteArray &contentType, bool eventual)
{
    QNetworkRequest request(url);
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(m_info.value(QLatin1String("caFile")).toString());
    request.setSslConfiguration(ssl);
    if (!contentType.isEmpty()) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    }
    if (!m_token.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    }
    if (eventual) {
        request.setRawHeader("ConsistencyLevel", "eventual");
    }
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(20000)) {
        return {};
    }
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

TestCliSync::Reply TestCliSync::graph(const QString &pathOrUrl, bool eventual)
{
    const QUrl url(pathOrUrl.startsWith(QLatin1String("https://"))
                       ? pathOrUrl
                       : m_info.value(QLatin1String("graphUrl")).toString() + QStringLiteral("/v1.0") + pathOrUrl);
    return send("GET", url, {}, {}, eventual);
}

int TestCliSync::tenantUserCount()
{
    const Reply reply = graph(QStringLiteral("/users/$count"), true);
    bool ok = false;
    const int n = reply.body.trimmed().toInt(&ok);
    return reply.status == 200 && ok ? n : -1;
}

bool TestCliSync::tenantUsers(QHash<QString, QJsonObject> *users)
{
    users->clear();
    QString next =
        QStringLiteral("/users?$select=id,userPrincipalName,onPremisesImmutableId,accountEnabled,displayName&$top=999");
    while (!next.isEmpty()) {
        const Reply page = graph(next);
        if (page.status != 200) {
            qWarning() << "listing users failed:" << page.status << page.body;
            return false;
        }
        const QJsonObject json = page.json();
        for (const QJsonValue &v : json.value(QLatin1String("value")).toArray()) {
            users->insert(v.toObject().value(QLatin1String("id")).toString(), v.toObject());
        }
        next = json.value(QLatin1String("@odata.nextLink")).toString();
    }
    return true;
}

void TestCliSync::initTestCase()
{
    QVERIFY(m_root.isValid());
    // m365sim in a process of its own: killing the CLI leaves the tenant as Microsoft would, mid-run. Throttling keeps
    // Microsoft's documented limits (no --time-scale): the whole test stays well inside them.
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
    QVERIFY(!m_info.value(QLatin1String("clientSecret")).toString().isEmpty());
    const QString base = m_info.value(QLatin1String("graphUrl")).toString();

    // The test reads the tenant as an app of its own, so that its polling never eats the CLI's throttling budget.
    const Reply app =
        send("POST",
             QUrl(base + QStringLiteral("/_sandbox/applications")),
             QJsonDocument(QJsonObject{{QStringLiteral("displayName"), QStringLiteral("tst_clisync")},
                                       {QStringLiteral("roles"),
                                        QJsonArray{QStringLiteral("User.Read.All"), QStringLiteral("Domain.Read.All")}},
                                       {QStringLiteral("withSecret"), true}})
                 .toJson(),
             "application/json");
    QCOMPARE(app.status, 201);
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_id"), app.json().value(QLatin1String("appId")).toString());
    form.addQueryItem(QStringLiteral("client_secret"), app.json().value(QLatin1String("clientSecret")).toString());
    form.addQueryItem(QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default"));
    const Reply token = send("POST",
                             QUrl(base + QLatin1Char('/') + m_info.value(QLatin1String("tenantId")).toString()
                                  + QStringLiteral("/oauth2/v2.0/token")),
                             form.toString(QUrl::FullyEncoded).toLatin1(),
                             "application/x-www-form-urlencoded");
    QVERIFY2(token.status == 200, token.body.constData());
    m_token = token.json().value(QLatin1String("access_token")).toString();
    QVERIFY(!m_token.isEmpty());

    const Reply domains = graph(QStringLiteral("/domains"));
    QCOMPARE(domains.status, 200);
    for (const QJsonValue &d : domains.json().value(QLatin1String("value")).toArray()) {
        if (d.toObject().value(QLatin1String("isInitial")).toBool()) {
            m_domain = d.toObject().value(QLatin1String("id")).toString();
        }
    }
    QVERIFY(!m_domain.isEmpty());
}

void TestCliSync::cleanupTestCase()
{
    m_sim.terminate();
    m_sim.waitForFinished(10000);
}

void TestCliSync::createProfile(const QString &home,
                                const QString &name,
                                const QString &ldif,
                                const M365::Sync::Exclusions &exclusions)
{
    const Run created = cli(home,
                            {QStringLiteral("profile"),
                             QStringLiteral("create"),
                             name,
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

    // The directory and the sync settings as the wizard would add them: the LDIF file, UPNs in the initial domain,
    // the default deletion guard.
    QString path;
    QDirIterator it(
        home + QStringLiteral("/.config"), {name + QStringLiteral(".json")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        path = it.next();
    }
    QVERIFY2(!path.isEmpty(), "profile create wrote no profile file under XDG_CONFIG_HOME");
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject profile = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QVERIFY(!profile.isEmpty());
    M365::Sync::SyncSettings settings;
    settings.rules.domain = m_domain;
    settings.exclusions = exclusions;
    profile.insert(QStringLiteral("directory"),
                   QJsonObject{{QStringLiteral("type"), QStringLiteral("ldif")}, {QStringLiteral("path"), ldif}});
    profile.insert(QStringLiteral("sync"), settings.toJson());
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    const QByteArray json = QJsonDocument(profile).toJson();
    QCOMPARE(file.write(json), json.size());
}

QString TestCliSync::stateFile(const QString &home, const QString &profile) const
{
    QDirIterator it(home + QStringLiteral("/.local/share"),
                    {profile + QStringLiteral(".sqlite")},
                    QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(QStringLiteral("/state/") + profile + QStringLiteral(".sqlite"))) {
            return path;
        }
    }
    return {};
}

void TestCliSync::sandboxAcceptance()
{
    const QString home = m_root.filePath(QStringLiteral("fresh-home"));
    const QStringList sandbox{QStringLiteral("--sandbox")};

    // A fresh home: the demo tenant and the sample directory are created, and there is work to do.
    const Run firstPlan =
        cli(home, QStringList{QStringLiteral("plan")} + sandbox + QStringList{QStringLiteral("--json")});
    QVERIFY2(firstPlan.code == 3, qPrintable(firstPlan.err));
    int usersToManage = 0;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(firstPlan.out.toUtf8()).object().value(QLatin1String("changes")).toArray()) {
        const QJsonObject c = v.toObject();
        if (c.value(QLatin1String("objectType")).toString() == QLatin1String("user")
            && (c.value(QLatin1String("kind")).toString() == QLatin1String("create")
                || c.value(QLatin1String("kind")).toString() == QLatin1String("link"))) {
            ++usersToManage;
        }
    }
    QVERIFY2(usersToManage > 0, qPrintable(firstPlan.out.left(2000)));

    const Run neverRun = cli(home, QStringList{QStringLiteral("status")} + sandbox);
    QCOMPARE(neverRun.code, 0);
    QVERIFY2(neverRun.out.contains(QLatin1String("No sync has run yet")), qPrintable(neverRun.out));

    // Not a terminal and no --yes: a usage error that says what to add, and nothing applied.
    const Run unconfirmed = cli(home, QStringList{QStringLiteral("sync")} + sandbox);
    QCOMPARE(unconfirmed.code, 2);
    QVERIFY2(unconfirmed.err.contains(QLatin1String("--yes")), qPrintable(unconfirmed.err));
    QCOMPARE(cli(home, QStringList{QStringLiteral("plan")} + sandbox).code, 3);
    const Run stillNeverRun = cli(home, QStringList{QStringLiteral("status")} + sandbox);
    QVERIFY2(stillNeverRun.out.contains(QLatin1String("No sync has run yet")), qPrintable(stillNeverRun.out));

    const Run synced = cli(home, QStringList{QStringLiteral("sync")} + sandbox + QStringList{QStringLiteral("--yes")});
    QVERIFY2(synced.code == 0, qPrintable(synced.out.right(2000) + synced.err));
    QVERIFY2(synced.out.contains(QLatin1String("Sync finished")), qPrintable(synced.out.right(2000)));

    const Run nothingLeft = cli(home, QStringList{QStringLiteral("plan")} + sandbox);
    QVERIFY2(nothingLeft.code == 0, qPrintable(nothingLeft.out.right(3000) + nothingLeft.err));

    const Run status = cli(home, QStringList{QStringLiteral("status")} + sandbox);
    QCOMPARE(status.code, 0);
    QVERIFY2(QRegularExpression(QStringLiteral("Last run: #1, started [^,]+, done: ")).match(status.out).hasMatch(),
             qPrintable(status.out));
    QVERIFY2(status.out.contains(QStringLiteral("Managed: %1 users").arg(usersToManage)), qPrintable(status.out));

    // A reset starts tenant and directory over: the same work is pending again.
    const Run reset = cli(home, {QStringLiteral("plan"), QStringLiteral("--sandbox-reset")});
    QVERIFY2(reset.code == 3, qPrintable(reset.err));
    QVERIFY(reset.err.contains(QLatin1String("reset")));
    const Run afterReset = cli(home, QStringList{QStringLiteral("status")} + sandbox);
    QVERIFY2(afterReset.out.contains(QLatin1String("No sync has run yet")), qPrintable(afterReset.out));
}

void TestCliSync::exclusionsHonoured()
{
    // Two people whose rows the admin left unchecked in the preview: stored as exclusions in the profile, a headless
    // run (as the scheduler starts it) must neither create them nor add anything for them.
    const QString home = m_root.filePath(QStringLiteral("exclusions-home"));
    const QString ldif = m_root.filePath(QStringLiteral("exclusions.ldif"));
    const QList<Person> people = makePeople(QStringLiteral("excl"), 10);
    QVERIFY(writeLdif(ldif, people));
    M365::Sync::Exclusions exclusions;
    QSet<QString> excludedIds;
    for (const Person &p : people.mid(3, 2)) {
        M365::Sync::Change create;
        create.kind = M365::Sync::Change::Kind::Create;
        create.anchor = p.entryUuid;
        create.displayName = p.uid;
        QVERIFY(exclusions.add(create));
        excludedIds.insert(immutableIdOf(p));
    }
    createProfile(home, QStringLiteral("excl"), ldif, exclusions);
    if (QTest::currentTestFailed()) {
        return;
    }

    const Run plan = cli(
        home, {QStringLiteral("plan"), QStringLiteral("--profile"), QStringLiteral("excl"), QStringLiteral("--json")});
    QVERIFY2(plan.code == 3, qPrintable(plan.err)); // changes pending
    const QJsonObject planJson = QJsonDocument::fromJson(plan.out.toUtf8()).object();
    QCOMPARE(planJson.value(QLatin1String("changes")).toArray().size(), 8);
    const QJsonArray excluded = planJson.value(QLatin1String("excluded")).toArray();
    QCOMPARE(excluded.size(), 2);
    for (const QJsonValue &change : excluded) {
        QCOMPARE(change.toObject().value(QLatin1String("kind")).toString(), QStringLiteral("create"));
    }

    const Run sync = cli(
        home, {QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("excl"), QStringLiteral("--yes")});
    QVERIFY2(sync.code == 0, qPrintable(sync.err));
    QHash<QString, QJsonObject> users;
    QVERIFY(tenantUsers(&users));
    int created = 0;
    for (const QJsonObject &u : std::as_const(users)) {
        const QString immutableId = u.value(QLatin1String("onPremisesImmutableId")).toString();
        QVERIFY2(!excludedIds.contains(immutableId), qPrintable(u.value(QLatin1String("displayName")).toString()));
        for (const Person &p : people) {
            created += immutableId == immutableIdOf(p) ? 1 : 0;
        }
    }
    QCOMPARE(created, 8);
}

void TestCliSync::secondRunIsRefused()
{
    // While another run of the profile holds its lock (here the test, as the GUI would), sync refuses, names the
    // holder and changes nothing; once the lock is free, the same command syncs.
    const QString home = m_root.filePath(QStringLiteral("lock-home"));
    const QString ldif = m_root.filePath(QStringLiteral("lock.ldif"));
    const QList<Person> people = makePeople(QStringLiteral("lock"), 5);
    QVERIFY(writeLdif(ldif, people));
    createProfile(home, QStringLiteral("locked"), ldif);
    if (QTest::currentTestFailed()) {
        return;
    }
    const QStringList profile{QStringLiteral("--profile"), QStringLiteral("locked")};
    const Run plan = cli(home, QStringList{QStringLiteral("plan")} + profile);
    QVERIFY2(plan.code == 3, qPrintable(plan.err)); // planning takes no lock; it opened the state store
    const QString store = stateFile(home, QStringLiteral("locked"));
    QVERIFY(!store.isEmpty());
    const auto createdUsers = [this, &people] {
        QHash<QString, QJsonObject> users;
        if (!tenantUsers(&users)) {
            return -1;
        }
        int created = 0;
        for (const QJsonObject &u : std::as_const(users)) {
            for (const Person &p : people) {
                created += u.value(QLatin1String("onPremisesImmutableId")).toString() == immutableIdOf(p) ? 1 : 0;
            }
        }
        return created;
    };

    auto held = std::make_unique<M365::Sync::RunLock>(store, QStringLiteral("locked"));
    QVERIFY(held->acquire().ok());
    const QStringList sync = QStringList{QStringLiteral("sync")} + profile + QStringList{QStringLiteral("--yes")};
    const Run refused = cli(home, sync);
    QCOMPARE(refused.code, 1);
    const QString expected = QStringLiteral("Another run of profile locked is in progress: tst_clisync, process %1 on "
                                            "host %2, since ")
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(QSysInfo::machineHostName());
    QVERIFY2(refused.err.contains(expected), qPrintable(refused.err));
    QVERIFY2(refused.err.contains(QStringLiteral("Wait for it to finish or stop it.")), qPrintable(refused.err));
    QCOMPARE(createdUsers(), 0);
    // The refused run left the lock alone.
    QVERIFY(held->isHeld());
    QVERIFY(QFile::exists(M365::Sync::RunLock::lockFilePath(store)));

    held.reset();
    const Run synced = cli(home, sync);
    QVERIFY2(synced.code == 0, qPrintable(synced.err));
    QVERIFY2(!synced.err.contains(QStringLiteral("Another run")), qPrintable(synced.err));
    QCOMPARE(createdUsers(), 5);
    // Released when the run ended.
    QVERIFY(!QFile::exists(M365::Sync::RunLock::lockFilePath(store)));
}

void TestCliSync::deletionGuard()
{
    const QString home = m_root.filePath(QStringLiteral("guard-home"));
    QDir().mkpath(home);
    const QString ldif = m_root.filePath(QStringLiteral("guard.ldif"));
    const QList<Person> people = makePeople(QStringLiteral("guard"), 50);
    QVERIFY(writeLdif(ldif, people));
    createProfile(home, QStringLiteral("guard"), ldif);
    if (QTest::currentTestFailed()) {
        return;
    }
    const QStringList sync{
        QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("guard"), QStringLiteral("--yes")};
    const Run first = cli(home, sync);
    QVERIFY2(first.code == 0, qPrintable(first.err));

    QHash<QString, QJsonObject> users;
    QVERIFY(tenantUsers(&users));
    QHash<QString, QJsonObject> byImmutableId;
    for (const QJsonObject &u : std::as_const(users)) {
        byImmutableId.insert(u.value(QLatin1String("onPremisesImmutableId")).toString(), u);
    }
    for (const Person &p : people) {
        QVERIFY2(byImmutableId.value(immutableIdOf(p)).value(QLatin1String("accountEnabled")).toBool(),
                 qPrintable(p.uid));
    }

    // 30 of 50 (60 %) leave the directory: far over the default guard (10 % of the managed objects).
    const QList<Person> staying = people.mid(0, 20);
    const QList<Person> leaving = people.mid(20);
    QVERIFY(writeLdif(ldif, staying));
    const QString statePath = stateFile(home, QStringLiteral("guard"));
    QVERIFY(!statePath.isEmpty());
    int runsBefore = 0;
    int changesBefore = 0;
    {
        StateFile state(statePath);
        QVERIFY(state.isOpen());
        runsBefore = state.count(QStringLiteral("SELECT COUNT(*) FROM runs"));
        changesBefore = state.count(QStringLiteral("SELECT COUNT(*) FROM run_changes"));
    }
    QVERIFY(runsBefore >= 1);
    QVERIFY(changesBefore >= 50);

    const Run stopped = cli(home, sync);
    QCOMPARE(stopped.code, 4);
    const QRegularExpressionMatch allow =
        QRegularExpression(QStringLiteral("--allow-deletes (\\d+)")).match(stopped.err);
    QVERIFY2(allow.hasMatch(), qPrintable(stopped.err));
    QCOMPARE(allow.captured(1).toInt(), int(leaving.size()));

    // One fewer than the plan's destructive changes is not enough either.
    const Run tooFew =
        cli(home, sync + QStringList{QStringLiteral("--allow-deletes"), QString::number(leaving.size() - 1)});
    QCOMPARE(tooFew.code, 4);

    // Nothing was applied: no run began, and the tenant still has every user enabled under its own name.
    {
        StateFile state(statePath);
        QVERIFY(state.isOpen());
        QCOMPARE(state.count(QStringLiteral("SELECT COUNT(*) FROM runs")), runsBefore);
        QCOMPARE(state.count(QStringLiteral("SELECT COUNT(*) FROM run_changes")), changesBefore);
    }
    QVERIFY(tenantUsers(&users));
    byImmutableId.clear();
    for (const QJsonObject &u : std::as_const(users)) {
        byImmutableId.insert(u.value(QLatin1String("onPremisesImmutableId")).toString(), u);
    }
    for (const Person &p : people) {
        const QJsonObject u = byImmutableId.value(immutableIdOf(p));
        QVERIFY2(u.value(QLatin1String("accountEnabled")).toBool(), qPrintable(p.uid));
        QVERIFY2(!u.value(QLatin1String("displayName")).toString().startsWith(QLatin1String("ZZZ_deleted_")),
                 qPrintable(p.uid));
    }

    const Run allowed = cli(home, sync + QStringList{QStringLiteral("--allow-deletes"), allow.captured(1)});
    QVERIFY2(allowed.code == 0, qPrintable(allowed.out.right(2000) + allowed.err));

    QVERIFY(tenantUsers(&users));
    byImmutableId.clear();
    for (const QJsonObject &u : std::as_const(users)) {
        byImmutableId.insert(u.value(QLatin1String("onPremisesImmutableId")).toString(), u);
    }
    for (const Person &p : leaving) {
        const QJsonObject u = byImmutableId.value(immutableIdOf(p));
        QVERIFY2(u.contains(QLatin1String("accountEnabled")), qPrintable(p.uid)); // disabled, not deleted
        QVERIFY2(!u.value(QLatin1String("accountEnabled")).toBool(), qPrintable(p.uid));
        QCOMPARE(u.value(QLatin1String("displayName")).toString(),
                 QStringLiteral("ZZZ_deleted_Given %1 Family %1").arg(p.uid));
    }
    for (const Person &p : staying) {
        const QJsonObject u = byImmutableId.value(immutableIdOf(p));
        QVERIFY2(u.value(QLatin1String("accountEnabled")).toBool(), qPrintable(p.uid));
        QCOMPARE(u.value(QLatin1String("displayName")).toString(), QStringLiteral("Given %1 Family %1").arg(p.uid));
    }
    const Run settled = cli(home, {QStringLiteral("plan"), QStringLiteral("--profile"), QStringLiteral("guard")});
    QVERIFY2(settled.code == 0, qPrintable(settled.out.right(2000) + settled.err));
}

void TestCliSync::killedRunsResume()
{
    const QString home = m_root.filePath(QStringLiteral("kill-home"));
    QDir().mkpath(home);
    const QString ldif = m_root.filePath(QStringLiteral("people.ldif"));
    constexpr int total = 2000;
    const QList<Person> people = makePeople(QStringLiteral("person"), total);
    QVERIFY(writeLdif(ldif, people));
    createProfile(home, QStringLiteral("big"), ldif);
    if (QTest::currentTestFailed()) {
        return;
    }
    const int before = tenantUserCount();
    QVERIFY(before >= 0);

    // Where the runs are killed: the first at a random moment (often while planning), the others once the tenant
    // has gained a random number of users in that run (while applying). The seed is printed to replay a failure.
    const quint32 seed = qEnvironmentVariableIsSet("TST_CLISYNC_SEED")
        ? quint32(qEnvironmentVariableIntValue("TST_CLISYNC_SEED"))
        : QRandomGenerator::global()->generate();
    qInfo("kill points from seed %u (set TST_CLISYNC_SEED to repeat)", seed);
    QRandomGenerator random(seed);
    const QStringList sync{
        QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("big"), QStringLiteral("--yes")};
    QElapsedTimer clock;
    clock.start();
    for (int killed = 0; killed < 5; ++killed) {
        const int created = tenantUserCount() - before;
        QVERIFY(created >= 0 && created < total);
        const int delayMs = 200 + random.bounded(1301);
        // At least 41 more users: two batches of 20 are in flight at most, so the run has recorded some creates. Each
        // run may go at most its share of what is left, so that every later run still has something to do.
        const int runsLeft = 5 - killed;
        const int share = qMax(1, (total - created - 200 * runsLeft) / runsLeft);
        const int target = created + 41 + random.bounded(share);
        QVERIFY2(target < total - 40, "the kill points must leave the run something to do");
        std::unique_ptr<QProcess> process(startCli(home, sync));
        QVERIFY(process->waitForStarted(10000));
        QElapsedTimer running;
        running.start();
        if (killed == 0) {
            // A fast machine gets far in the delay: the share caps the first run too.
            QTRY_VERIFY_WITH_TIMEOUT(process->state() == QProcess::NotRunning || running.elapsed() >= delayMs
                                         || tenantUserCount() - before >= target,
                                     10000);
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(process->state() == QProcess::NotRunning || tenantUserCount() - before >= target,
                                     150000);
        }
        QVERIFY2(process->state() == QProcess::Running,
                 qPrintable(QStringLiteral("run %1 ended before it was killed (exit %2): %3")
                                .arg(killed + 1)
                                .arg(process->exitCode())
                                .arg(QString::fromUtf8(process->readAllStandardError()))));
        process->kill();
        QVERIFY(process->waitForFinished(10000));
        QCOMPARE(process->exitStatus(), QProcess::CrashExit);
        qInfo("run %d killed after %lld ms with %d of %d users in the tenant",
              killed + 1,
              running.elapsed(),
              tenantUserCount() - before,
              total);
    }

    // Resume: run again until a run completes.
    Run resumed;
    int attempts = 0;
    QStringList codes;
    do {
        resumed = cli(home, sync, 240000);
        codes.append(QString::number(resumed.code));
        ++attempts;
    } while (resumed.code != 0 && resumed.code != -1 && attempts < 3);
    QVERIFY2(
        resumed.code == 0,
        qPrintable(QStringLiteral("exit codes %1: %2").arg(codes.join(QLatin1Char(',')), resumed.err.right(3000))));
    qInfo("resumed in %d run(s); %lld ms for all runs", attempts, clock.elapsed());

    // The tenant: exactly the directory's users, each once, nothing else created.
    QHash<QString, QJsonObject> users;
    QVERIFY(tenantUsers(&users));
    QCOMPARE(users.size(), before + total);
    QSet<QString> upns;
    QHash<QString, QString> idByImmutableId;
    for (const QJsonObject &u : std::as_const(users)) {
        const QString upn = u.value(QLatin1String("userPrincipalName")).toString().toLower();
        QVERIFY2(!upns.contains(upn), qPrintable(upn));
        upns.insert(upn);
        const QString immutable = u.value(QLatin1String("onPremisesImmutableId")).toString();
        if (!immutable.isEmpty()) {
            QVERIFY2(!idByImmutableId.contains(immutable), qPrintable(immutable));
            idByImmutableId.insert(immutable, u.value(QLatin1String("id")).toString());
        }
    }
    QSet<QString> anchors;
    for (const Person &p : people) {
        anchors.insert(p.entryUuid);
        const QString id = idByImmutableId.value(immutableIdOf(p));
        QVERIFY2(!id.isEmpty(), qPrintable(p.uid));
        QCOMPARE(users.value(id).value(QLatin1String("userPrincipalName")).toString().toLower(),
                 (p.uid + QLatin1Char('@') + m_domain).toLower());
        QVERIFY(users.value(id).value(QLatin1String("accountEnabled")).toBool());
    }

    // The state store: one user link per directory user, each to that user's account.
    const QString statePath = stateFile(home, QStringLiteral("big"));
    QVERIFY(!statePath.isEmpty());
    StateFile state(statePath);
    QVERIFY(state.isOpen());
    bool ok = false;
    const QList<QVariantList> links =
        state.rows(QStringLiteral("SELECT anchor, cloud_id FROM links WHERE object_type = 'user'"), &ok);
    QVERIFY(ok);
    QCOMPARE(links.size(), total);
    QCOMPARE(state.count(QStringLiteral("SELECT COUNT(*) FROM links")), total);
    QHash<QString, QString> anchorByCloudId;
    for (const QVariantList &row : links) {
        const QString anchor = row.value(0).toString();
        const QString cloudId = row.value(1).toString();
        QVERIFY2(anchors.contains(anchor), qPrintable(anchor));
        QVERIFY2(users.contains(cloudId), qPrintable(cloudId));
        QVERIFY2(!anchorByCloudId.contains(cloudId), qPrintable(cloudId));
        anchorByCloudId.insert(cloudId, anchor);
        QCOMPARE(users.value(cloudId).value(QLatin1String("onPremisesImmutableId")).toString(),
                 QString::fromLatin1(anchor.toUtf8().toBase64()));
    }

    // The history over all runs, the killed ones included: each user was created or linked exactly once.
    const QList<QVariantList> done =
        state.rows(QStringLiteral("SELECT run_id, change FROM run_changes WHERE result = 'done'"), &ok);
    QVERIFY(ok);
    QHash<QString, int> establishments;
    QSet<qint64> runsThatCreated;
    int linked = 0;
    for (const QVariantList &row : done) {
        const QJsonObject change = QJsonDocument::fromJson(row.value(1).toString().toUtf8()).object();
        const QString kind = change.value(QLatin1String("kind")).toString();
        if (change.value(QLatin1String("objectType")).toString() != QLatin1String("user")
            || (kind != QLatin1String("create") && kind != QLatin1String("link"))) {
            continue;
        }
        ++establishments[change.value(QLatin1String("anchor")).toString()];
        if (kind == QLatin1String("create")) {
            runsThatCreated.insert(row.value(0).toLongLong());
        } else {
            ++linked; // created by a killed run that did not live to record it, then found by its immutable ID
        }
    }
    qInfo("%d users created and %d linked over %d runs with creates",
          total - linked,
          linked,
          int(runsThatCreated.size()));
    QCOMPARE(establishments.size(), total);
    for (auto it = establishments.cbegin(); it != establishments.cend(); ++it) {
        QVERIFY2(anchors.contains(it.key()), qPrintable(it.key()));
        QVERIFY2(it.value() == 1,
                 qPrintable(QStringLiteral("%1 created or linked %2 times").arg(it.key()).arg(it.value())));
    }
    // The killed runs really applied part of the work (the count-based kills come after recorded creates).
    QVERIFY2(runsThatCreated.size() >= 2, qPrintable(QString::number(runsThatCreated.size())));

    const Run settled = cli(home, {QStringLiteral("plan"), QStringLiteral("--profile"), QStringLiteral("big")});
    QVERIFY2(settled.code == 0, qPrintable(settled.out.right(3000) + settled.err));
}

QTEST_GUILESS_MAIN(TestCliSync)
#include "tst_clisync.moc"
