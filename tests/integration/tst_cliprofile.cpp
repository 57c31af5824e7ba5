// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Everything the wizard sets up, from the shell (issue 15): a profile built with m365sync-cli alone against m365sim in
// its own process and a real slapd over LDAPS (profile create, check, profile set-directory with the bind password on
// standard input, profile set-sync), then plan, sync --yes, plan exit 3, 0, 0. Also: set-directory's refusals and its
// test that does not undo the save, set-sync's messages with JSON paths, export and import (no secret in the file, a
// file with one refused), schedule enable/show/disable with the units in a temp folder, and --help of every command.
// Needs the Secret Service (CI runs tests under dbus-run-session with an unlocked gnome-keyring), like tst_clisync.

#include "opensslcli.h"
#include "slapdfixture.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString secretVariable = QStringLiteral("M365SYNC_TEST_CLIENT_SECRET");
const QString bindPasswordVariable = QStringLiteral("M365SYNC_TEST_BIND_PASSWORD");
/// The slapd root password: distinctive, so that a search for it in the files the CLI writes means something.
const QString bindPassword = QStringLiteral("Bind-Pw-4711-xq");
const QString sampleLdif = QStringLiteral(M365_SOURCE_DIR "/resources/sample/directory.ldif");

QJsonObject jsonOf(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

} // namespace

class TestCliProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void helpOfEveryCommand_data();
    void helpOfEveryCommand();
    void topLevelUsageListsEveryCommand();
    void wholeProfileFromTheShell();
    void setDirectoryRefuses_data();
    void setDirectoryRefuses();
    void setDirectoryTestDoesNotUndoTheSave();
    void setSyncNamesTheJsonPath();
    void exportAndImport();
    void importRefusesSecrets_data();
    void importRefusesSecrets();
    void importChecksTheCertificate();
    void scheduleFromTheShell();

private:
    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };

    Run cli(const QStringList &arguments,
            const QByteArray &input = {},
            const QHash<QString, QString> &extraEnvironment = {},
            int timeoutMs = 120000);
    /// profile create NAME on m365sim with the client secret from the environment.
    void createProfile(const QString &name);
    /// The profile file as the CLI wrote it (the raw text).
    QString profileText(const QString &name);
    QJsonObject profileJson(const QString &name) { return jsonOf(profileText(name)); }
    QString writeFile(const QString &name, const QByteArray &content);

    QTemporaryDir m_root;
    QString m_home;
    QProcess m_sim;
    QJsonObject m_info;
    std::unique_ptr<SlapdFixture> m_slapd;
};

void TestCliProfile::initTestCase()
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
    QVERIFY(!m_info.value(QLatin1String("clientSecret")).toString().isEmpty());

    SlapdFixture::Options options;
    options.tls = true;
    options.rootPassword = bindPassword;
    m_slapd = std::make_unique<SlapdFixture>(options);
    QVERIFY2(m_slapd->setUp(), qPrintable(m_slapd->errorString()));
    QVERIFY2(m_slapd->loadLdifFile(sampleLdif), qPrintable(m_slapd->errorString()));
    QVERIFY2(m_slapd->start(), qPrintable(m_slapd->errorString()));
}

void TestCliProfile::cleanupTestCase()
{
    m_sim.terminate();
    m_sim.waitForFinished(10000);
    m_slapd.reset();
}

TestCliProfile::Run TestCliProfile::cli(const QStringList &arguments,
                                        const QByteArray &input,
                                        const QHash<QString, QString> &extraEnvironment,
                                        int timeoutMs)
{
    // A fresh home for the CLI: profiles and state land under it and nowhere else. The Secret Service is reached over
    // the session bus, which stays.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home + QStringLiteral("/.cache"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), m_home + QStringLiteral("/.local/state"));
    env.insert(secretVariable, m_info.value(QLatin1String("clientSecret")).toString());
    env.insert(bindPasswordVariable, bindPassword);
    env.remove(QStringLiteral("QT_LOGGING_RULES")); // the CLI's own default: warnings only, as an admin sees it
    for (auto it = extraEnvironment.cbegin(); it != extraEnvironment.cend(); ++it) {
        env.insert(it.key(), it.value());
    }
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(m_home);
    process.start(QStringLiteral(M365SYNC_CLI_PATH), arguments);
    process.write(input);
    process.closeWriteChannel(); // a pipe, as under cron: not a terminal
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(10000);
        run.err = QStringLiteral("m365sync-cli %1 did not finish").arg(arguments.join(QLatin1Char(' ')));
        return run;
    }
    run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

void TestCliProfile::createProfile(const QString &name)
{
    const Run created = cli({QStringLiteral("profile"),
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
}

QString TestCliProfile::profileText(const QString &name)
{
    QDirIterator it(m_home + QStringLiteral("/.config"),
                    {name + QStringLiteral(".json")},
                    QDir::Files,
                    QDirIterator::Subdirectories);
    QString path;
    while (it.hasNext()) {
        path = it.next();
    }
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QString TestCliProfile::writeFile(const QString &name, const QByteArray &content)
{
    const QString path = m_root.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()) {
        return {};
    }
    return path;
}

void TestCliProfile::helpOfEveryCommand_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("expected"); // what the help must contain
    const auto row = [](const QString &words, const QStringList &expected) {
        QTest::newRow(qPrintable(words)) << words.split(QLatin1Char(' ')) << expected;
    };
    row(QStringLiteral("check --help"), {QStringLiteral("Usage: m365sync-cli check --profile NAME")});
    row(QStringLiteral("plan --help"), {QStringLiteral("Usage: m365sync-cli plan "), QStringLiteral("Exit codes")});
    row(QStringLiteral("sync -h"), {QStringLiteral("Usage: m365sync-cli sync "), QStringLiteral("--allow-deletes N")});
    row(QStringLiteral("status --help"), {QStringLiteral("Usage: m365sync-cli status ")});
    row(QStringLiteral("undo --help"), {QStringLiteral("Usage: m365sync-cli undo "), QStringLiteral("--run N")});
    row(QStringLiteral("register --help"), {QStringLiteral("Usage: m365sync-cli register --profile NAME")});
    row(QStringLiteral("directory test --help"), {QStringLiteral("Usage: m365sync-cli directory test ")});
    row(QStringLiteral("profile create NAME --help"),
        {QStringLiteral("Usage: m365sync-cli profile create NAME"), QStringLiteral("--client-secret-env")});
    row(QStringLiteral("profile set-directory --help"),
        {QStringLiteral("Usage: m365sync-cli profile set-directory NAME"),
         QStringLiteral("--bind-password-stdin"),
         QStringLiteral("--ou DN")});
    row(QStringLiteral("profile set-sync --help"),
        {QStringLiteral("Usage: m365sync-cli profile set-sync NAME --settings"), QStringLiteral("JSON path")});
    row(QStringLiteral("profile show-sync --help"), {QStringLiteral("Usage: m365sync-cli profile show-sync NAME")});
    row(QStringLiteral("profile export --help"), {QStringLiteral("Usage: m365sync-cli profile export NAME FILE")});
    row(QStringLiteral("profile import --help"),
        {QStringLiteral("Usage: m365sync-cli profile import FILE"), QStringLiteral("is refused")});
    row(QStringLiteral("profile show --help"), {QStringLiteral("Usage: m365sync-cli profile show NAME")});
    row(QStringLiteral("profile list --help"), {QStringLiteral("Usage: m365sync-cli profile list")});
    row(QStringLiteral("profile delete --help"), {QStringLiteral("Usage: m365sync-cli profile delete NAME")});
    row(QStringLiteral("schedule enable --help"),
        {QStringLiteral("Usage: m365sync-cli schedule enable --profile NAME"),
         QStringLiteral("M365SYNC_SYSTEMD_UNIT_DIR"),
         QStringLiteral("M365SYNC_NO_SYSTEMCTL")});
    row(QStringLiteral("schedule disable --help"), {QStringLiteral("Usage: m365sync-cli schedule disable")});
    row(QStringLiteral("schedule show --help"), {QStringLiteral("Usage: m365sync-cli schedule show")});
    // A group lists its commands.
    row(QStringLiteral("profile --help"),
        {QStringLiteral("  m365sync-cli profile create NAME"),
         QStringLiteral("  m365sync-cli profile set-directory NAME --type ldap"),
         QStringLiteral("  m365sync-cli profile set-directory NAME --type ldif|csv"),
         QStringLiteral("  m365sync-cli profile import FILE")});
    row(QStringLiteral("schedule --help"),
        {QStringLiteral("  m365sync-cli schedule enable"),
         QStringLiteral("  m365sync-cli schedule disable"),
         QStringLiteral("  m365sync-cli schedule show")});
    row(QStringLiteral("help profile export"), {QStringLiteral("Usage: m365sync-cli profile export NAME FILE")});
}

void TestCliProfile::helpOfEveryCommand()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, expected);
    const Run help = cli(arguments);
    QCOMPARE(help.code, 0);
    QVERIFY2(help.err.isEmpty(), qPrintable(help.err));
    for (const QString &text : expected) {
        QVERIFY2(help.out.contains(text), qPrintable(text + QStringLiteral(" not in:\n") + help.out));
    }
}

void TestCliProfile::topLevelUsageListsEveryCommand()
{
    const Run usage = cli({QStringLiteral("--help")});
    QCOMPARE(usage.code, 0);
    for (const char *command : {"check",
                                "profile create",
                                "profile set-directory",
                                "profile set-sync",
                                "profile show-sync",
                                "profile export",
                                "profile import",
                                "register",
                                "plan",
                                "sync",
                                "status",
                                "undo",
                                "directory test",
                                "schedule enable|disable|show",
                                "COMMAND --help"}) {
        QVERIFY2(usage.out.contains(QLatin1String(command)), command);
    }
    // Without a command: the usage, as a usage error.
    const Run none = cli({});
    QCOMPARE(none.code, 2);
    QVERIFY(none.err.contains(QLatin1String("profile set-directory")));
}

void TestCliProfile::wholeProfileFromTheShell()
{
    const QString name = QStringLiteral("acceptance");
    createProfile(name);

    // check finds the tenant's domains: the initial one is where the new users' names go.
    const Run check = cli({QStringLiteral("check"), QStringLiteral("--profile"), name, QStringLiteral("--json")});
    QVERIFY2(check.code == 0 || check.code == 6, qPrintable(check.err));
    QString domain;
    for (const QJsonValue &d : jsonOf(check.out).value(QLatin1String("domains")).toArray()) {
        if (d.toObject().value(QLatin1String("initial")).toBool()) {
            domain = d.toObject().value(QLatin1String("name")).toString();
        }
    }
    QVERIFY2(!domain.isEmpty(), qPrintable(check.out));

    // The directory over LDAPS with the server's CA; the bind password on standard input.
    const Run directory = cli({QStringLiteral("profile"),
                               QStringLiteral("set-directory"),
                               name,
                               QStringLiteral("--type"),
                               QStringLiteral("ldap"),
                               QStringLiteral("--url"),
                               m_slapd->ldapsUrl(),
                               QStringLiteral("--ca-file"),
                               m_slapd->caFile(),
                               QStringLiteral("--bind-dn"),
                               m_slapd->rootDn(),
                               QStringLiteral("--bind-password-stdin"),
                               QStringLiteral("--base-dn"),
                               m_slapd->suffix()},
                              bindPassword.toUtf8() + "\n");
    QVERIFY2(directory.code == 0, qPrintable(directory.err));
    // The 50th person of the sample (uid=madonna) is a posixAccount only, outside the default user filter.
    QVERIFY2(directory.out.contains(QLatin1String("Test passed: 49 users and 6 groups found.")),
             qPrintable(directory.out + directory.err));
    const QJsonObject saved = profileJson(name);
    QCOMPARE(saved.value(QLatin1String("directory")).toObject(),
             (QJsonObject{{QStringLiteral("type"), QStringLiteral("openldap")},
                          {QStringLiteral("url"), m_slapd->ldapsUrl()},
                          {QStringLiteral("tls"), QStringLiteral("ldaps")},
                          {QStringLiteral("caFile"), QFileInfo(m_slapd->caFile()).absoluteFilePath()},
                          {QStringLiteral("bindDn"), m_slapd->rootDn()},
                          {QStringLiteral("baseDn"), m_slapd->suffix()}}));
    QCOMPARE(saved.value(QLatin1String("secretRefs")).toObject().value(QLatin1String("ldapBindPassword")).toString(),
             QStringLiteral("m365sync/acceptance/ldapBindPassword"));
    QVERIFY(!profileText(name).contains(bindPassword));

    // Rules and guard from a file; the attribute rules the file does not name stay.
    const QString settings = writeFile(
        QStringLiteral("acceptance-sync.json"),
        QJsonDocument(QJsonObject{{QStringLiteral("rules"),
                                   QJsonObject{{QStringLiteral("domain"), domain},
                                               {QStringLiteral("defaultUsageLocation"), QStringLiteral("DE")}}},
                                  {QStringLiteral("deletionGuard"), QJsonObject{{QStringLiteral("count"), 20}}}})
            .toJson());
    const Run setSync =
        cli({QStringLiteral("profile"), QStringLiteral("set-sync"), name, QStringLiteral("--settings"), settings});
    QVERIFY2(setSync.code == 0, qPrintable(setSync.err));
    const Run showSync = cli({QStringLiteral("profile"), QStringLiteral("show-sync"), name});
    QCOMPARE(showSync.code, 0);
    const QJsonObject sync = jsonOf(showSync.out);
    const QJsonObject rules = sync.value(QLatin1String("rules")).toObject();
    QCOMPARE(rules.value(QLatin1String("domain")).toString(), domain);
    QCOMPARE(rules.value(QLatin1String("defaultUsageLocation")).toString(), QStringLiteral("DE"));
    QVERIFY(rules.value(QLatin1String("rules")).toArray().size() > 5);
    QCOMPARE(sync.value(QLatin1String("deletionGuard")).toObject().value(QLatin1String("count")).toInt(), 20);

    const QStringList profile{QStringLiteral("--profile"), name};
    const Run plan = cli(QStringList{QStringLiteral("plan")} + profile);
    QVERIFY2(plan.code == 3, qPrintable(plan.out.right(2000) + plan.err));
    const Run synced = cli(QStringList{QStringLiteral("sync")} + profile + QStringList{QStringLiteral("--yes")});
    QVERIFY2(synced.code == 0, qPrintable(synced.out.right(2000) + synced.err));
    QVERIFY2(synced.out.contains(QLatin1String("Sync finished")), qPrintable(synced.out.right(2000)));
    const Run again = cli(QStringList{QStringLiteral("plan")} + profile);
    QVERIFY2(again.code == 0, qPrintable(again.out.right(2000) + again.err));
}

void TestCliProfile::setDirectoryRefuses_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QStringList ldap{QStringLiteral("--type"),
                           QStringLiteral("ldap"),
                           QStringLiteral("--url"),
                           QStringLiteral("ldap://127.0.0.1:1"),
                           QStringLiteral("--base-dn"),
                           QStringLiteral("dc=example,dc=org")};
    QTest::newRow("no type") << QStringList{QStringLiteral("--url"), QStringLiteral("ldap://x")}
                             << QStringLiteral("needs --type");
    QTest::newRow("unknown type") << QStringList{QStringLiteral("--type"), QStringLiteral("novell")}
                                  << QStringLiteral("Unknown directory type \"novell\"");
    QTest::newRow("not an LDAP address") << QStringList{QStringLiteral("--type"),
                                                        QStringLiteral("ad"),
                                                        QStringLiteral("--url"),
                                                        QStringLiteral("http://dc1")}
                                         << QStringLiteral("is not an LDAP address");
    QTest::newRow("ldaps with StartTLS") << QStringList{QStringLiteral("--type"),
                                                        QStringLiteral("ldap"),
                                                        QStringLiteral("--url"),
                                                        QStringLiteral("ldaps://dc1"),
                                                        QStringLiteral("--tls"),
                                                        QStringLiteral("starttls"),
                                                        QStringLiteral("--base-dn"),
                                                        QStringLiteral("dc=x")}
                                         << QStringLiteral("starts with ldaps://");
    QTest::newRow("no base DN") << QStringList{QStringLiteral("--type"),
                                               QStringLiteral("ldap"),
                                               QStringLiteral("--url"),
                                               QStringLiteral("ldap://127.0.0.1:1")}
                                << QStringLiteral("needs --base-dn");
    QTest::newRow("bind DN without a password")
        << ldap + QStringList{QStringLiteral("--bind-dn"), QStringLiteral("cn=admin,dc=example,dc=org")}
        << QStringLiteral("--bind-password-env VARIABLE or --bind-password-stdin");
    QTest::newRow("password in an empty variable")
        << ldap
            + QStringList{QStringLiteral("--bind-dn"),
                          QStringLiteral("cn=admin,dc=example,dc=org"),
                          QStringLiteral("--bind-password-env"),
                          QStringLiteral("M365SYNC_TEST_UNSET_VARIABLE")}
        << QStringLiteral("M365SYNC_TEST_UNSET_VARIABLE is not set or empty");
    QTest::newRow("no password as an argument")
        << ldap + QStringList{QStringLiteral("--bind-password"), bindPassword} << QStringLiteral("Unknown option");
    QTest::newRow("a password without a bind DN")
        << ldap + QStringList{QStringLiteral("--bind-password-env"), bindPasswordVariable}
        << QStringLiteral("without --bind-dn");
    QTest::newRow("a filter that is none")
        << ldap + QStringList{QStringLiteral("--user-filter"), QStringLiteral("uid=*")}
        << QStringLiteral("is not an LDAP filter");
    QTest::newRow("a file option for LDAP")
        << ldap + QStringList{QStringLiteral("--path"), sampleLdif} << QStringLiteral("--path does not apply here");
    QTest::newRow("an LDAP option for a file")
        << QStringList{QStringLiteral("--type"), QStringLiteral("ldif"), QStringLiteral("--path"), sampleLdif}
            + QStringList{QStringLiteral("--base-dn"), QStringLiteral("dc=x")}
        << QStringLiteral("--base-dn does not apply here");
    QTest::newRow("a file that is not there") << QStringList{QStringLiteral("--type"),
                                                             QStringLiteral("csv"),
                                                             QStringLiteral("--path"),
                                                             QStringLiteral("/nonexistent.csv")}
                                              << QStringLiteral("cannot be read");
}

void TestCliProfile::setDirectoryRefuses()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const QString name = QStringLiteral("refusals");
    if (profileText(name).isEmpty()) {
        createProfile(name);
    }
    const QString before = profileText(name);
    const Run refused = cli(QStringList{QStringLiteral("profile"), QStringLiteral("set-directory"), name} + arguments);
    QCOMPARE(refused.code, 2);
    QVERIFY2(refused.err.contains(message), qPrintable(refused.err));
    QCOMPARE(profileText(name), before);
}

void TestCliProfile::setDirectoryTestDoesNotUndoTheSave()
{
    const QString name = QStringLiteral("wrongca");
    createProfile(name);
    const QStringList base{QStringLiteral("profile"),
                           QStringLiteral("set-directory"),
                           name,
                           QStringLiteral("--type"),
                           QStringLiteral("ldap"),
                           QStringLiteral("--url"),
                           m_slapd->ldapsUrl(),
                           QStringLiteral("--bind-dn"),
                           m_slapd->rootDn(),
                           QStringLiteral("--base-dn"),
                           m_slapd->suffix(),
                           QStringLiteral("--user-filter"),
                           QStringLiteral("(objectClass=posixAccount)"),
                           QStringLiteral("--ca-file")};
    // A CA that did not sign the server's certificate: the test fails, the settings are saved all the same.
    const Run wrongCa =
        cli(base + QStringList{m_slapd->otherCaFile(), QStringLiteral("--bind-password-env"), bindPasswordVariable});
    QVERIFY2(wrongCa.code == 0, qPrintable(wrongCa.err));
    QVERIFY2(wrongCa.err.contains(QLatin1String("Test failed: ")), qPrintable(wrongCa.err));
    QVERIFY2(wrongCa.err.contains(QLatin1String("saved all the same")), qPrintable(wrongCa.err));
    QCOMPARE(profileJson(name).value(QLatin1String("directory")).toObject().value(QLatin1String("caFile")).toString(),
             QFileInfo(m_slapd->otherCaFile()).absoluteFilePath());

    // Corrected without giving the password again: the stored one is used (and kept).
    const Run rightCa = cli(base + QStringList{m_slapd->caFile()});
    QVERIFY2(rightCa.code == 0, qPrintable(rightCa.err));
    // The filter given is the one used: the 50th person is a posixAccount only.
    QVERIFY2(rightCa.out.contains(QLatin1String("Test passed: 50 users")), qPrintable(rightCa.out + rightCa.err));
    QCOMPARE(
        profileJson(name).value(QLatin1String("directory")).toObject().value(QLatin1String("userFilter")).toString(),
        QStringLiteral("(objectClass=posixAccount)"));
    QVERIFY(
        profileJson(name).value(QLatin1String("secretRefs")).toObject().contains(QLatin1String("ldapBindPassword")));

    // A file needs no password: the reference goes.
    const Run ldif = cli({QStringLiteral("profile"),
                          QStringLiteral("set-directory"),
                          name,
                          QStringLiteral("--type"),
                          QStringLiteral("ldif"),
                          QStringLiteral("--path"),
                          sampleLdif});
    QVERIFY2(ldif.code == 0, qPrintable(ldif.err));
    QVERIFY2(ldif.out.contains(QLatin1String("Test passed: 50 users and 6 groups found.")), qPrintable(ldif.out));
    const QJsonObject saved = profileJson(name);
    QVERIFY(!saved.value(QLatin1String("secretRefs")).toObject().contains(QLatin1String("ldapBindPassword")));
    QCOMPARE(saved.value(QLatin1String("directory")).toObject(),
             (QJsonObject{{QStringLiteral("type"), QStringLiteral("ldif")}, {QStringLiteral("path"), sampleLdif}}));
    // …and so does the keychain entry: going back to LDAP without a password is refused.
    const Run noPassword = cli(base + QStringList{m_slapd->caFile()});
    QCOMPARE(noPassword.code, 2);
    QVERIFY2(noPassword.err.contains(QLatin1String("--bind-password-env")), qPrintable(noPassword.err));
}

void TestCliProfile::setSyncNamesTheJsonPath()
{
    const QString name = QStringLiteral("settings");
    createProfile(name);
    const QString before = profileText(name);
    const QString bad = writeFile(QStringLiteral("bad-sync.json"),
                                  R"({"rules": {"domain": 5, "rules": [{"graphProperty": "jobTitle", "mode": "fixed"}]},
            "softmatch": true, "deletionGuard": {"percent": 120}, "schedule": {"every": "weekly"}})");
    const Run refused =
        cli({QStringLiteral("profile"), QStringLiteral("set-sync"), name, QStringLiteral("--settings"), bad});
    QCOMPARE(refused.code, 1);
    for (const char *line : {"settings.softmatch: unknown member",
                             "settings.rules.rules[0].mode: \"fixed\" is not a mode",
                             "settings.rules.domain: expected a string, found a number",
                             "settings.deletionGuard.percent: expected a percentage from 0 to 100",
                             "settings.schedule.every: \"weekly\" is not hour, 4hours or day",
                             "Nothing was saved"}) {
        QVERIFY2(refused.err.contains(QLatin1String(line)), qPrintable(QLatin1String(line) + '\n' + refused.err));
    }
    QCOMPARE(profileText(name), before);

    const Run notJson = cli({QStringLiteral("profile"),
                             QStringLiteral("set-sync"),
                             name,
                             QStringLiteral("--settings"),
                             writeFile(QStringLiteral("not-json.json"), "{\"rules\": ")});
    QCOMPARE(notJson.code, 1);
    QVERIFY2(notJson.err.contains(QLatin1String("settings: not valid JSON")), qPrintable(notJson.err));

    // What show-sync prints, set-sync takes back unchanged (from standard input here).
    const Run shown = cli({QStringLiteral("profile"), QStringLiteral("show-sync"), name});
    QCOMPARE(shown.code, 0);
    const Run roundTrip = cli({QStringLiteral("profile"),
                               QStringLiteral("set-sync"),
                               name,
                               QStringLiteral("--settings"),
                               QStringLiteral("-")},
                              shown.out.toUtf8());
    QVERIFY2(roundTrip.code == 0, qPrintable(roundTrip.err));
    QVERIFY2(roundTrip.err.isEmpty(), qPrintable(roundTrip.err));
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("show-sync"), name}).out, shown.out);
}

void TestCliProfile::exportAndImport()
{
    const QString name = QStringLiteral("original");
    createProfile(name);
    const Run directory = cli({QStringLiteral("profile"),
                               QStringLiteral("set-directory"),
                               name,
                               QStringLiteral("--type"),
                               QStringLiteral("ldap"),
                               QStringLiteral("--url"),
                               m_slapd->url(),
                               QStringLiteral("--tls"),
                               QStringLiteral("none"),
                               QStringLiteral("--bind-dn"),
                               m_slapd->rootDn(),
                               QStringLiteral("--bind-password-env"),
                               bindPasswordVariable,
                               QStringLiteral("--base-dn"),
                               m_slapd->suffix(),
                               QStringLiteral("--ou"),
                               QStringLiteral("ou=people,dc=example,dc=org"),
                               QStringLiteral("--no-test")});
    QVERIFY2(directory.code == 0, qPrintable(directory.err));
    QVERIFY(!directory.out.contains(QLatin1String("Test")));
    // A webhook: its address carries its key, so it is in the keychain and the profile only refers to it.
    const QString webhook =
        QStringLiteral("https://contoso.webhook.office.com/webhookb2/1b2c/IncomingWebhook/5f6a/7b8c");
    const Run monitoring = cli({QStringLiteral("monitoring"),
                                QStringLiteral("set"),
                                QStringLiteral("--profile"),
                                name,
                                QStringLiteral("--webhook-url-env"),
                                QStringLiteral("M365SYNC_TEST_WEBHOOK")},
                               {},
                               {{QStringLiteral("M365SYNC_TEST_WEBHOOK"), webhook}});
    QVERIFY2(monitoring.code == 0, qPrintable(monitoring.err));
    QVERIFY(profileText(name).contains(QLatin1String("m365sync/original/webhookUrl")));

    const QString file = m_root.filePath(QStringLiteral("original-export.json"));
    const Run exported = cli({QStringLiteral("profile"), QStringLiteral("export"), name, file});
    QVERIFY2(exported.code == 0, qPrintable(exported.err));
    QVERIFY2(exported.err.contains(QLatin1String("client secret")), qPrintable(exported.err));
    QVERIFY2(exported.err.contains(QStringLiteral("bind password of %1").arg(m_slapd->rootDn())),
             qPrintable(exported.err));
    QVERIFY2(exported.err.contains(QLatin1String("monitoring webhook")), qPrintable(exported.err));
    QFile exportFile(file);
    QVERIFY(exportFile.open(QIODevice::ReadOnly));
    const QByteArray text = exportFile.readAll();
    QVERIFY(!text.contains(bindPassword.toUtf8()));
    QVERIFY(!text.contains(m_info.value(QLatin1String("clientSecret")).toString().toUtf8()));
    QVERIFY(!text.contains("secretRefs"));
    QVERIFY(!text.contains("m365sync/original/"));
    QVERIFY(!text.contains(webhook.toUtf8()));

    // Import needs the secrets again; then it is the same connection under a new name.
    const QStringList import{QStringLiteral("profile"),
                             QStringLiteral("import"),
                             file,
                             QStringLiteral("--name"),
                             QStringLiteral("copy"),
                             QStringLiteral("--client-secret-env"),
                             secretVariable};
    const Run withoutPassword = cli(import);
    QCOMPARE(withoutPassword.code, 2);
    QVERIFY2(withoutPassword.err.contains(QLatin1String("binds as")), qPrintable(withoutPassword.err));
    const Run imported = cli(import + QStringList{QStringLiteral("--bind-password-env"), bindPasswordVariable});
    QVERIFY2(imported.code == 0, qPrintable(imported.err));
    const QJsonObject original = profileJson(name);
    const QJsonObject copy = profileJson(QStringLiteral("copy"));
    QCOMPARE(copy.value(QLatin1String("directory")), original.value(QLatin1String("directory")));
    QCOMPARE(copy.value(QLatin1String("tenant")), original.value(QLatin1String("tenant")));
    QCOMPARE(copy.value(QLatin1String("endpoints")), original.value(QLatin1String("endpoints")));
    QVERIFY(!copy.value(QLatin1String("monitoring")).toObject().contains(QLatin1String("webhookSecretRef")));
    QCOMPARE(copy.value(QLatin1String("secretRefs")).toObject(),
             (QJsonObject{{QStringLiteral("clientSecret"), QStringLiteral("m365sync/copy/clientSecret")},
                          {QStringLiteral("ldapBindPassword"), QStringLiteral("m365sync/copy/ldapBindPassword")}}));
    // The imported secrets work: the directory binds with the password given on import.
    const Run test =
        cli({QStringLiteral("directory"), QStringLiteral("test"), QStringLiteral("--profile"), QStringLiteral("copy")});
    QVERIFY2(test.code == 0, qPrintable(test.err));

    const Run again = cli(import + QStringList{QStringLiteral("--bind-password-env"), bindPasswordVariable});
    QCOMPARE(again.code, 1);
    QVERIFY2(again.err.contains(QLatin1String("exists already")), qPrintable(again.err));
}

void TestCliProfile::importRefusesSecrets_data()
{
    QTest::addColumn<QString>("member"); // a JSON member path of two levels
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bind password") << QStringLiteral("directory.bindPassword") << QJsonValue(bindPassword)
                                   << QStringLiteral("\"directory.bindPassword\"");
    QTest::newRow("client secret") << QStringLiteral("credential.clientSecret") << QJsonValue(QStringLiteral("abc~123"))
                                   << QStringLiteral("\"credential.clientSecret\"");
    QTest::newRow("PEM private key") << QStringLiteral("directory.note")
                                     << QJsonValue(QStringLiteral("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE "
                                                                  "KEY-----\n"))
                                     << QStringLiteral("\"directory.note\"");
    QTest::newRow("pasted into a reference")
        << QStringLiteral("secretRefs.clientSecret") << QJsonValue(QStringLiteral("abc~123"))
        << QStringLiteral("\"secretRefs.clientSecret\"");
    QTest::newRow("Teams webhook")
        << QStringLiteral("monitoring.webhookUrl")
        << QJsonValue(
               QStringLiteral("https://contoso.webhook.office.com/webhookb2/1b2c@3d4e/IncomingWebhook/5f6a/7b8c"))
        << QStringLiteral("\"monitoring.webhookUrl\" (a web address that carries its key");
    QTest::newRow("Slack webhook") << QStringLiteral("monitoring.webhook")
                                   << QJsonValue(QStringLiteral("https://hooks.slack.com/services/T000/B000/XXXX"))
                                   << QStringLiteral("\"monitoring.webhook\"");
    QTest::newRow("signature in the query")
        << QStringLiteral("monitoring.url")
        << QJsonValue(QStringLiteral("https://prod-1.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/"
                                     "invoke?api-version=2016-06-01&sig=AbCdEf"))
        << QStringLiteral("\"monitoring.url\"");
}

void TestCliProfile::importRefusesSecrets()
{
    QFETCH(QString, member);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    const QString name = QStringLiteral("clean");
    if (profileText(name).isEmpty()) {
        createProfile(name);
    }
    const QString clean = m_root.filePath(QStringLiteral("clean-export.json"));
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("export"), name, clean}).code, 0);
    QFile file(clean);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    const QString outer = member.section(QLatin1Char('.'), 0, 0);
    QJsonObject inner = json.value(outer).toObject();
    inner.insert(member.section(QLatin1Char('.'), 1), value);
    json.insert(outer, inner);
    const QString tainted = writeFile(QStringLiteral("tainted.json"), QJsonDocument(json).toJson());
    const Run refused = cli({QStringLiteral("profile"),
                             QStringLiteral("import"),
                             tainted,
                             QStringLiteral("--name"),
                             QStringLiteral("tainted"),
                             QStringLiteral("--client-secret-env"),
                             secretVariable});
    QCOMPARE(refused.code, 1);
    QVERIFY2(refused.err.contains(QLatin1String("is refused: it contains a secret at ") + expected),
             qPrintable(refused.err));
    QVERIFY(profileText(QStringLiteral("tainted")).isEmpty());
    // Never echoed: the message says where, not what.
    QVERIFY(!refused.err.contains(value.toString()));
}

void TestCliProfile::importChecksTheCertificate()
{
    // A certificate profile from PEM files made by the openssl tool; the export carries the certificate's public half.
    const QString pki = m_root.filePath(QStringLiteral("pki"));
    QVERIFY(QDir().mkpath(pki));
    QByteArray output;
    QString error;
    for (const QString &which : {QStringLiteral("one"), QStringLiteral("two")}) {
        QVERIFY2(TestSupport::runOpenssl({QStringLiteral("req"),
                                          QStringLiteral("-x509"),
                                          QStringLiteral("-newkey"),
                                          QStringLiteral("rsa:2048"),
                                          QStringLiteral("-nodes"),
                                          QStringLiteral("-keyout"),
                                          pki + QLatin1Char('/') + which + QStringLiteral(".key"),
                                          QStringLiteral("-out"),
                                          pki + QLatin1Char('/') + which + QStringLiteral(".pem"),
                                          QStringLiteral("-subj"),
                                          QStringLiteral("/CN=m365sync ") + which,
                                          QStringLiteral("-days"),
                                          QStringLiteral("30")},
                                         {},
                                         &output,
                                         &error),
                 qPrintable(error));
    }
    const auto pem = [&pki](const QString &which) {
        return QStringList{QStringLiteral("--certificate-pem"),
                           pki + QLatin1Char('/') + which + QStringLiteral(".pem"),
                           QStringLiteral("--key-pem"),
                           pki + QLatin1Char('/') + which + QStringLiteral(".key")};
    };
    const Run created = cli(QStringList{QStringLiteral("profile"),
                                        QStringLiteral("create"),
                                        QStringLiteral("certified"),
                                        QStringLiteral("--tenant"),
                                        m_info.value(QLatin1String("tenantId")).toString(),
                                        QStringLiteral("--client-id"),
                                        m_info.value(QLatin1String("clientId")).toString()}
                            + pem(QStringLiteral("one")));
    QVERIFY2(created.code == 0, qPrintable(created.err));
    const QString file = m_root.filePath(QStringLiteral("certified.json"));
    const Run exported = cli({QStringLiteral("profile"), QStringLiteral("export"), QStringLiteral("certified"), file});
    QVERIFY2(exported.code == 0, qPrintable(exported.err));
    QVERIFY2(exported.err.contains(QLatin1String("certificate with its private key")), qPrintable(exported.err));
    const QStringList import{QStringLiteral("profile"),
                             QStringLiteral("import"),
                             file,
                             QStringLiteral("--name"),
                             QStringLiteral("recertified")};
    const Run none = cli(import);
    QCOMPARE(none.code, 2);
    const Run other = cli(import + pem(QStringLiteral("two")));
    QCOMPARE(other.code, 1);
    QVERIFY2(other.err.contains(QLatin1String("but the profile's app knows")), qPrintable(other.err));
    QVERIFY(profileText(QStringLiteral("recertified")).isEmpty());
    const Run same = cli(import + pem(QStringLiteral("one")));
    QVERIFY2(same.code == 0, qPrintable(same.err));
    QCOMPARE(profileJson(QStringLiteral("recertified")).value(QLatin1String("credential")),
             profileJson(QStringLiteral("certified")).value(QLatin1String("credential")));
}

void TestCliProfile::scheduleFromTheShell()
{
    const QString name = QStringLiteral("nightly");
    createProfile(name);
    const QString units = m_root.filePath(QStringLiteral("units"));
    const QHash<QString, QString> environment{{QStringLiteral("M365SYNC_SYSTEMD_UNIT_DIR"), units},
                                              {QStringLiteral("M365SYNC_NO_SYSTEMCTL"), QStringLiteral("1")}};
    const auto schedule = [&](const QStringList &arguments) {
        return cli(QStringList{QStringLiteral("schedule")} + arguments, {}, environment);
    };
    const QStringList profile{QStringLiteral("--profile"), name};

    const Run off = schedule(QStringList{QStringLiteral("show")} + profile);
    QCOMPARE(off.code, 0);
    QVERIFY2(off.out.contains(QLatin1String("does not synchronize by itself")), qPrintable(off.out));

    const Run enabled =
        schedule(QStringList{QStringLiteral("enable")} + profile
                 + QStringList{
                     QStringLiteral("--every"), QStringLiteral("4h"), QStringLiteral("--at"), QStringLiteral("03:15")});
    QVERIFY2(enabled.code == 0, qPrintable(enabled.err));
    QVERIFY2(enabled.out.contains(QLatin1String("every 4 hours from 03:15")), qPrintable(enabled.out));
    QFile timer(units + QStringLiteral("/m365sync-nightly.timer"));
    QFile service(units + QStringLiteral("/m365sync-nightly.service"));
    QVERIFY(timer.open(QIODevice::ReadOnly));
    QVERIFY(service.open(QIODevice::ReadOnly));
    QVERIFY(timer.readAll().contains("OnCalendar=*-*-* 03/4:15:00\n"));
    const QByteArray serviceText = service.readAll();
    QVERIFY2(serviceText.contains("ExecStart=\"" M365SYNC_CLI_PATH "\" sync --profile \"nightly\" --yes\n"),
             serviceText.constData());
    timer.close();
    service.close();

    // Saved in the profile's sync settings, where the dashboard reads it.
    const QJsonObject saved = jsonOf(cli({QStringLiteral("profile"), QStringLiteral("show-sync"), name}).out)
                                  .value(QLatin1String("schedule"))
                                  .toObject();
    QCOMPARE(saved,
             (QJsonObject{{QStringLiteral("enabled"), true},
                          {QStringLiteral("every"), QStringLiteral("4hours")},
                          {QStringLiteral("at"), QStringLiteral("03:15")}}));

    const Run shown = schedule(QStringList{QStringLiteral("show")} + profile + QStringList{QStringLiteral("--json")});
    QCOMPARE(shown.code, 0);
    const QJsonObject report = jsonOf(shown.out);
    QCOMPARE(report.value(QLatin1String("enabled")).toBool(), true);
    QCOMPARE(report.value(QLatin1String("every")).toString(), QStringLiteral("4hours"));
    const QDateTime next = QDateTime::fromString(report.value(QLatin1String("nextRun")).toString(), Qt::ISODate);
    QVERIFY(next > QDateTime::currentDateTime());
    QVERIFY(next <= QDateTime::currentDateTime().addSecs(4 * 3600));
    QCOMPARE(next.time().minute(), 15);
    QCOMPARE(next.time().hour() % 4, 3);
    QCOMPARE(report.value(QLatin1String("timers")).toArray(), QJsonArray{timer.fileName()});

    // set-sync leaves the schedule to this command, and says so.
    const Run setSync = cli({QStringLiteral("profile"),
                             QStringLiteral("set-sync"),
                             name,
                             QStringLiteral("--settings"),
                             QStringLiteral("-")},
                            R"({"schedule": {"enabled": false}})");
    QCOMPARE(setSync.code, 0);
    QVERIFY2(setSync.err.contains(QLatin1String("settings.schedule: left as it is")), qPrintable(setSync.err));
    QVERIFY(
        schedule(QStringList{QStringLiteral("show")} + profile).out.contains(QLatin1String("synchronizes by itself")));

    // System-wide: the template and the profile's instance timer (the unit folder is the test's).
    const Run system =
        schedule(QStringList{QStringLiteral("enable")} + profile + QStringList{QStringLiteral("--system")});
    QVERIFY2(system.code == 0, qPrintable(system.err));
    QVERIFY(QFile::exists(units + QStringLiteral("/m365sync@.service")));
    QVERIFY(QFile::exists(units + QStringLiteral("/m365sync@nightly.timer")));
    QVERIFY2(system.err.contains(QLatin1String("so both would run")), qPrintable(system.err));
    QCOMPARE(schedule(QStringList{QStringLiteral("disable")} + profile + QStringList{QStringLiteral("--system")}).code,
             0);
    QVERIFY(!QFile::exists(units + QStringLiteral("/m365sync@nightly.timer")));
    QVERIFY(!QFile::exists(units + QStringLiteral("/m365sync@.service")));

    const Run disabled = schedule(QStringList{QStringLiteral("disable")} + profile);
    QVERIFY2(disabled.code == 0, qPrintable(disabled.err));
    QVERIFY(!QFile::exists(timer.fileName()));
    QVERIFY(!QFile::exists(service.fileName()));
    const Run offAgain = schedule(QStringList{QStringLiteral("show")} + profile);
    QVERIFY2(offAgain.out.contains(QLatin1String("does not synchronize by itself")), qPrintable(offAgain.out));

    const Run wrong = schedule(QStringList{QStringLiteral("enable")} + profile
                               + QStringList{QStringLiteral("--every"), QStringLiteral("week")});
    QCOMPARE(wrong.code, 2);
    QVERIFY2(wrong.err.contains(QLatin1String("use hour, 4h or day")), qPrintable(wrong.err));
}

QTEST_GUILESS_MAIN(TestCliProfile)
#include "tst_cliprofile.moc"
