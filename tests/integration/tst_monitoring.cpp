// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// m365sync-cli's monitoring as an admin (or Icinga, or cron) runs it (issue 15): `health` returns 0/1/2/3 in the four
// situations, prepared by writing the profiles and their state stores directly; `status --all --json` lists every
// profile; `monitoring set` keeps the webhook URL in the keychain; `status --all --notify-overdue` alerts a webhook
// served by the test once per overdue episode. Needs the Secret Service (CI runs tests under dbus-run-session with an
// unlocked gnome-keyring), like tst_cli.

#include "appinfo.h"
#include "profile/profile.h"
#include "profile/profilestore.h"
#include "sync/statestore.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace M365::Sync;

namespace {

constexpr int Timeout = 60000;
const QString webhookVariable = QStringLiteral("M365SYNC_TEST_WEBHOOK_URL");
const QString token = QStringLiteral("XyZ5ecretT0ken");

/// A webhook receiver on 127.0.0.1 that answers 200 and records each request's path and JSON body.
class WebhookServer : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QByteArray contentType;
        QJsonObject body;
    };

    WebhookServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    onData(socket);
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path);
    }
    QList<Request> requests;

private:
    void onData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const int headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return;
        }
        Request request;
        int length = 0;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        request.method = lines.value(0).split(' ').value(0);
        request.path = lines.value(0).split(' ').value(1);
        for (const QByteArray &line : lines) {
            const QByteArray name = line.left(line.indexOf(':')).trimmed().toLower();
            if (name == "content-length") {
                length = line.mid(line.indexOf(':') + 1).trimmed().toInt();
            } else if (name == "content-type") {
                request.contentType = line.mid(line.indexOf(':') + 1).trimmed();
            }
        }
        if (buffer.size() < headerEnd + 4 + length) {
            return;
        }
        request.body = QJsonDocument::fromJson(buffer.mid(headerEnd + 4, length)).object();
        m_buffers.remove(socket);
        requests.append(request);
        socket->write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

/// Dates a run of the store at @p path back to @p ended (the store stamps runs with the time they are made).
bool backdateRun(const QString &path, qint64 runId, const QDateTime &ended)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("backdate"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE runs SET started = ?, ended = ? WHERE id = ?"));
            q.addBindValue(ended.addSecs(-60).toString(Qt::ISODateWithMs));
            q.addBindValue(ended.toString(Qt::ISODateWithMs));
            q.addBindValue(runId);
            ok = q.exec() && q.numRowsAffected() == 1;
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("backdate"));
    return ok;
}

} // namespace

class TestMonitoring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void healthReturnsThePluginStates_data();
    void healthReturnsThePluginStates();
    void statusListsEveryProfile();
    void webhookSetAndOverdueAlertedOnce();
    void webhookFromStandardInput();
    void commandsAnswerHelp();

private:
    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };
    /// Runs m365sync-cli with @p arguments and @p input on its standard input, serving events meanwhile (the test's
    /// webhook answers while the CLI waits for it).
    Run cli(const QStringList &arguments, const QByteArray &input = {}, const QString &webhookUrl = {});
    void addProfile(const QString &name);
    QString statePath(const QString &name) const;
    QJsonObject statusEntry(const QJsonDocument &status, const QString &profile) const;

    QTemporaryDir m_home;
    QString m_textfiles;
};

void TestMonitoring::initTestCase()
{
    QVERIFY(m_home.isValid());
    // The CLI and this test share one temporary configuration and data folder: profiles and state stores are
    // written here as the CLI will look for them.
    qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toLocal8Bit());
    qputenv("XDG_CACHE_HOME", m_home.filePath(QStringLiteral("cache")).toLocal8Bit());
    qputenv("XDG_STATE_HOME", m_home.filePath(QStringLiteral("state")).toLocal8Bit());
    M365::setApplicationIdentity();
    QVERIFY(M365::Profile::ProfileStore::defaultDirectory().startsWith(m_home.path()));
    m_textfiles = m_home.filePath(QStringLiteral("textfiles"));
    QVERIFY(QDir().mkpath(m_textfiles));

    const QDateTime now = QDateTime::currentDateTimeUtc();
    // OK: the last run an hour ago applied everything.
    addProfile(QStringLiteral("fine"));
    {
        StateStore store;
        QVERIFY(store.open(statePath(QStringLiteral("fine"))).ok());
        const M365::Result<qint64> run = store.beginRun();
        QVERIFY(run.ok());
        QVERIFY(store.endRun(run.value, QJsonObject{{QStringLiteral("done"), 3}}, QStringLiteral("done")).ok());
        QVERIFY(store.recordAttempt({now.addSecs(-3600), QStringLiteral("done"), QString(), run.value}).ok());
        QVERIFY(backdateRun(statePath(QStringLiteral("fine")), run.value, now.addSecs(-3600)));
        QVERIFY(store.recordPlan({now.addSecs(-3600), 0, 0}).ok());
    }
    // WARNING: the last run had failed changes.
    addProfile(QStringLiteral("flaky"));
    {
        StateStore store;
        QVERIFY(store.open(statePath(QStringLiteral("flaky"))).ok());
        const M365::Result<qint64> run = store.beginRun();
        QVERIFY(store
                    .endRun(run.value,
                            QJsonObject{{QStringLiteral("done"), 5}, {QStringLiteral("failed"), 2}},
                            QStringLiteral("finished with failures"))
                    .ok());
        QVERIFY(store.recordAttempt({now.addSecs(-600), QStringLiteral("failed-items"), QString(), run.value}).ok());
        QVERIFY(backdateRun(statePath(QStringLiteral("flaky")), run.value, now.addSecs(-600)));
        QVERIFY(store.recordPlan({now.addSecs(-700), 7, 2}).ok());
    }
    // CRITICAL: the last run failed.
    addProfile(QStringLiteral("broken"));
    {
        StateStore store;
        QVERIFY(store.open(statePath(QStringLiteral("broken"))).ok());
        QVERIFY(store.recordAttempt({now.addSecs(-3600), QStringLiteral("done"), QString(), 0}).ok());
        QVERIFY(store.recordAttempt({now.addSecs(-60), QStringLiteral("failed"), QStringLiteral("Sign-in refused"), 0})
                    .ok());
    }
    // CRITICAL with --max-age 26h: nothing has succeeded for 30 hours.
    addProfile(QStringLiteral("stale"));
    {
        StateStore store;
        QVERIFY(store.open(statePath(QStringLiteral("stale"))).ok());
        QVERIFY(store.recordAttempt({now.addSecs(-30 * 3600), QStringLiteral("done"), QString(), 0}).ok());
    }
    // UNKNOWN: never run, no state store at all.
    addProfile(QStringLiteral("fresh"));
}

void TestMonitoring::addProfile(const QString &name)
{
    M365::Profile::Profile profile;
    profile.name = name;
    profile.tenant = QStringLiteral("contoso.onmicrosoft.com");
    profile.clientId = QStringLiteral("11111111-2222-3333-4444-555555555555");
    profile.certificate.thumbprintSha1 = QStringLiteral("AB").repeated(20);
    profile.certificate.notAfter = QDateTime::currentDateTimeUtc().addDays(200);
    M365::Error error;
    QVERIFY2(M365::Profile::ProfileStore().save(profile, &error), qPrintable(error.userMessage));
    QVERIFY(QDir().mkpath(QFileInfo(statePath(name)).path()));
}

QString TestMonitoring::statePath(const QString &name) const
{
    return StateStore::pathForProfile(name);
}

TestMonitoring::Run
TestMonitoring::cli(const QStringList &arguments, const QByteArray &input, const QString &webhookUrl)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!webhookUrl.isEmpty()) {
        environment.insert(webhookVariable, webhookUrl);
    }
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(M365SYNC_CLI_PATH), arguments);
    if (!input.isEmpty()) {
        process.write(input);
    }
    process.closeWriteChannel(); // a pipe, as under cron: not a terminal
    Run run;
    if (!finished.wait(Timeout)) {
        process.kill();
        process.waitForFinished(5000);
        run.err = QStringLiteral("m365sync-cli %1 did not finish").arg(arguments.join(QLatin1Char(' ')));
        return run;
    }
    run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QJsonObject TestMonitoring::statusEntry(const QJsonDocument &status, const QString &profile) const
{
    for (const QJsonValue &entry : status.object().value(QLatin1String("profiles")).toArray()) {
        if (entry.toObject().value(QLatin1String("profile")).toString() == profile) {
            return entry.toObject();
        }
    }
    return {};
}

void TestMonitoring::healthReturnsThePluginStates_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("maxAge");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("says");

    QTest::newRow("OK") << "fine"
                        << "26h" << 0 << "M365SYNC OK - fine: last run";
    QTest::newRow("WARNING") << "flaky"
                             << "26h" << 1 << "M365SYNC WARNING - flaky: the last run had 2 failed change";
    QTest::newRow("CRITICAL failed") << "broken"
                                     << "26h" << 2
                                     << "M365SYNC CRITICAL - broken: the last run failed: Sign-in refused";
    QTest::newRow("CRITICAL overdue") << "stale"
                                      << "26h" << 2 << "M365SYNC CRITICAL - stale: overdue";
    QTest::newRow("OK within a longer age") << "stale"
                                            << "2d" << 0 << "M365SYNC OK - stale";
    QTest::newRow("CRITICAL shorter age") << "fine"
                                          << "30m" << 2 << "M365SYNC CRITICAL - fine: overdue";
    QTest::newRow("UNKNOWN never run") << "fresh"
                                       << "26h" << 3 << "M365SYNC UNKNOWN - fresh: no run recorded yet";
    QTest::newRow("UNKNOWN no profile") << "nosuch"
                                        << "26h" << 3 << "M365SYNC UNKNOWN - nosuch: There is no profile";
    QTest::newRow("UNKNOWN bad duration") << "fine"
                                          << "soon" << 3 << "M365SYNC UNKNOWN - fine: \"soon\" is not a duration";
}

void TestMonitoring::healthReturnsThePluginStates()
{
    QFETCH(QString, profile);
    QFETCH(QString, maxAge);
    QFETCH(int, code);
    QFETCH(QString, says);
    const Run run =
        cli({QStringLiteral("health"), QStringLiteral("--profile"), profile, QStringLiteral("--max-age"), maxAge});
    QVERIFY2(run.code == code, qPrintable(QStringLiteral("exit %1: %2 %3").arg(run.code).arg(run.out, run.err)));
    QVERIFY2(run.out.startsWith(says), qPrintable(run.out));
    // One line: text, then the performance data for everything known about the profile.
    QCOMPARE(run.out.count(QLatin1Char('\n')), 1);
    if (profile != QLatin1String("nosuch") && maxAge != QLatin1String("soon")) {
        QVERIFY2(run.out.contains(QLatin1String(" | ")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QLatin1String("certificate_days=")), qPrintable(run.out));
    }
    if (profile == QLatin1String("flaky")) {
        QVERIFY2(run.out.contains(QLatin1String("failed_items=2;0;;0")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QLatin1String("pending_deletions=2;;;0")), qPrintable(run.out));
    }
}

void TestMonitoring::statusListsEveryProfile()
{
    const Run json = cli({QStringLiteral("status"), QStringLiteral("--all"), QStringLiteral("--json")});
    QVERIFY2(json.code == 0, qPrintable(json.err));
    QJsonParseError error;
    const QJsonDocument status = QJsonDocument::fromJson(json.out.toUtf8(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonArray profiles = status.object().value(QLatin1String("profiles")).toArray();
    QStringList names;
    for (const QJsonValue &p : profiles) {
        names.append(p.toObject().value(QLatin1String("profile")).toString());
    }
    QCOMPARE(names,
             (QStringList{QStringLiteral("broken"),
                          QStringLiteral("fine"),
                          QStringLiteral("flaky"),
                          QStringLiteral("fresh"),
                          QStringLiteral("stale")}));
    QCOMPARE(statusEntry(status, QStringLiteral("fine")).value(QLatin1String("state")).toString(),
             QStringLiteral("OK"));
    QCOMPARE(statusEntry(status, QStringLiteral("flaky")).value(QLatin1String("state")).toString(),
             QStringLiteral("WARNING"));
    QCOMPARE(statusEntry(status, QStringLiteral("broken")).value(QLatin1String("code")).toInt(), 2);
    QCOMPARE(statusEntry(status, QStringLiteral("fresh")).value(QLatin1String("state")).toString(),
             QStringLiteral("UNKNOWN"));
    const QJsonObject flaky = statusEntry(status, QStringLiteral("flaky"));
    QCOMPARE(flaky.value(QLatin1String("pendingChanges")).toInt(), 7);
    QCOMPARE(flaky.value(QLatin1String("pendingDeletions")).toInt(), 2);
    QCOMPARE(flaky.value(QLatin1String("certificateDaysLeft")).toInt(), 199); // a few seconds short of 200 days
    QCOMPARE(flaky.value(QLatin1String("lastOutcome")).toString(), QStringLiteral("failed-items"));
    QVERIFY(flaky.value(QLatin1String("lastRun")).isObject());
    QVERIFY(flaky.contains(QLatin1String("nextRun")));
    // The default maximum age (no schedule): 26 hours, so "stale" is overdue.
    QCOMPARE(statusEntry(status, QStringLiteral("stale")).value(QLatin1String("overdue")).toBool(), true);

    const Run table = cli({QStringLiteral("status"), QStringLiteral("--all")});
    QVERIFY2(table.code == 0, qPrintable(table.err));
    const QStringList lines = table.out.split(QLatin1Char('\n'));
    QVERIFY2(lines.value(0).startsWith(QLatin1String("PROFILE")), qPrintable(table.out));
    QVERIFY(lines.value(0).contains(QLatin1String("DELETIONS")));
    QVERIFY2(lines.value(1).startsWith(QLatin1String("broken")) && lines.value(1).contains(QLatin1String("CRITICAL")),
             qPrintable(table.out));
    QVERIFY2(table.out.contains(QLatin1String("M365SYNC CRITICAL - stale: overdue")), qPrintable(table.out));
}

void TestMonitoring::webhookSetAndOverdueAlertedOnce()
{
    WebhookServer server;
    QVERIFY(server.listen());
    const QString url = server.url(QStringLiteral("/hooks/") + token);

    // A URL that would carry the token in clear text across the network is refused.
    Run refused = cli({QStringLiteral("monitoring"),
                       QStringLiteral("set"),
                       QStringLiteral("--profile"),
                       QStringLiteral("stale"),
                       QStringLiteral("--webhook-url-env"),
                       webhookVariable},
                      {},
                      QStringLiteral("http://hooks.example.com/") + token);
    QCOMPARE(refused.code, 1);
    QVERIFY2(refused.err.contains(QLatin1String("https://")), qPrintable(refused.err));

    const Run set = cli({QStringLiteral("monitoring"),
                         QStringLiteral("set"),
                         QStringLiteral("--profile"),
                         QStringLiteral("stale"),
                         QStringLiteral("--textfile-dir"),
                         m_textfiles,
                         QStringLiteral("--webhook-url-env"),
                         webhookVariable},
                        {},
                        url);
    QVERIFY2(set.code == 0, qPrintable(set.out + set.err));
    QVERIFY(!set.out.contains(token));
    // The profile file holds a reference, never the URL.
    QFile file(M365::Profile::ProfileStore().filePath(QStringLiteral("stale")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    QVERIFY(!saved.contains(token.toUtf8()));
    QVERIFY(saved.contains("m365sync/stale/webhookUrl"));

    const Run show = cli({QStringLiteral("monitoring"),
                          QStringLiteral("show"),
                          QStringLiteral("--profile"),
                          QStringLiteral("stale"),
                          QStringLiteral("--json")});
    QVERIFY2(show.code == 0, qPrintable(show.err));
    const QJsonObject shown = QJsonDocument::fromJson(show.out.toUtf8()).object();
    QCOMPARE(shown.value(QLatin1String("webhook")).toString(), QStringLiteral("set"));
    QCOMPARE(shown.value(QLatin1String("textfileDirectory")).toString(), QFileInfo(m_textfiles).absoluteFilePath());
    QVERIFY(!show.out.contains(token));

    // The first check alerts the webhook of the overdue profile...
    const QStringList notify{QStringLiteral("status"),
                             QStringLiteral("--all"),
                             QStringLiteral("--json"),
                             QStringLiteral("--notify-overdue"),
                             QStringLiteral("--max-age"),
                             QStringLiteral("26h")};
    Run first = cli(notify);
    QVERIFY2(first.code == 0, qPrintable(first.err));
    QCOMPARE(server.requests.size(), 1);
    const WebhookServer::Request &request = server.requests.first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, ("/hooks/" + token).toUtf8());
    QCOMPARE(request.contentType, QByteArray("application/json"));
    QCOMPARE(request.body.value(QLatin1String("event")).toString(), QStringLiteral("overdue"));
    QCOMPARE(request.body.value(QLatin1String("profile")).toString(), QStringLiteral("stale"));
    QVERIFY(request.body.value(QLatin1String("text")).toString().contains(QLatin1String("stale")));
    QVERIFY(request.body.value(QLatin1String("message")).toString().contains(QLatin1String("overdue")));
    QCOMPARE(request.body.value(QLatin1String("health")).toObject().value(QLatin1String("profile")).toString(),
             QStringLiteral("stale"));
    QCOMPARE(statusEntry(QJsonDocument::fromJson(first.out.toUtf8()), QStringLiteral("stale"))
                 .value(QLatin1String("overdueAlert"))
                 .toString(),
             QStringLiteral("sent"));

    // ...the next ones do not, as long as the same episode lasts.
    const Run second = cli(notify);
    QVERIFY2(second.code == 0, qPrintable(second.err));
    QCOMPARE(server.requests.size(), 1);
    QCOMPARE(statusEntry(QJsonDocument::fromJson(second.out.toUtf8()), QStringLiteral("stale"))
                 .value(QLatin1String("overdueAlert"))
                 .toString(),
             QStringLiteral("already-sent"));

    // A run succeeded after that alert and is overdue again: a new episode, a new alert.
    {
        StateStore store;
        QVERIFY(store.open(statePath(QStringLiteral("stale"))).ok());
        QVERIFY(store
                    .setMeta(QStringLiteral("overdueAlertSentAt"),
                             QDateTime::currentDateTimeUtc().addSecs(-40 * 3600).toString(Qt::ISODateWithMs))
                    .ok());
    }
    const Run third = cli(notify);
    QVERIFY2(third.code == 0, qPrintable(third.err));
    QCOMPARE(server.requests.size(), 2);

    // Removing the webhook removes its URL from the keychain too.
    const Run removed = cli({QStringLiteral("monitoring"),
                             QStringLiteral("set"),
                             QStringLiteral("--profile"),
                             QStringLiteral("stale"),
                             QStringLiteral("--no-webhook"),
                             QStringLiteral("--no-textfile")});
    QVERIFY2(removed.code == 0, qPrintable(removed.err));
    const Run none = cli({QStringLiteral("monitoring"),
                          QStringLiteral("show"),
                          QStringLiteral("--profile"),
                          QStringLiteral("stale"),
                          QStringLiteral("--json")});
    const QJsonObject after = QJsonDocument::fromJson(none.out.toUtf8()).object();
    QCOMPARE(after.value(QLatin1String("webhook")).toString(), QStringLiteral("none"));
    QCOMPARE(after.value(QLatin1String("textfileDirectory")), QJsonValue(QJsonValue::Null));
    const Run quiet = cli(notify);
    QCOMPARE(statusEntry(QJsonDocument::fromJson(quiet.out.toUtf8()), QStringLiteral("stale"))
                 .value(QLatin1String("overdueAlert"))
                 .toString(),
             QStringLiteral("no-webhook"));
    QCOMPARE(server.requests.size(), 2);
}

void TestMonitoring::webhookFromStandardInput()
{
    WebhookServer server;
    QVERIFY(server.listen());
    const Run set = cli({QStringLiteral("monitoring"),
                         QStringLiteral("set"),
                         QStringLiteral("--profile"),
                         QStringLiteral("broken"),
                         QStringLiteral("--webhook-url-stdin")},
                        server.url(QStringLiteral("/stdin/") + token).toUtf8() + '\n');
    QVERIFY2(set.code == 0, qPrintable(set.err));
    const Run show = cli(
        {QStringLiteral("monitoring"), QStringLiteral("show"), QStringLiteral("--profile"), QStringLiteral("broken")});
    QVERIFY2(show.out.contains(QLatin1String("set (the URL is in the keychain)")), qPrintable(show.out));
    const Run removed = cli({QStringLiteral("monitoring"),
                             QStringLiteral("set"),
                             QStringLiteral("--profile"),
                             QStringLiteral("broken"),
                             QStringLiteral("--no-webhook")});
    QVERIFY2(removed.code == 0, qPrintable(removed.err));

    // Nothing to set, or two webhook sources: a usage error.
    QCOMPARE(cli({QStringLiteral("monitoring"),
                  QStringLiteral("set"),
                  QStringLiteral("--profile"),
                  QStringLiteral("broken")})
                 .code,
             2);
    QCOMPARE(cli({QStringLiteral("monitoring"),
                  QStringLiteral("set"),
                  QStringLiteral("--profile"),
                  QStringLiteral("broken"),
                  QStringLiteral("--no-webhook"),
                  QStringLiteral("--webhook-url-stdin")})
                 .code,
             2);
}

void TestMonitoring::commandsAnswerHelp()
{
    const QList<QPair<QStringList, QString>> commands{
        {{QStringLiteral("health"), QStringLiteral("--help")}, QStringLiteral("3 UNKNOWN")},
        {{QStringLiteral("health"), QStringLiteral("-h")}, QStringLiteral("Usage: m365sync-cli health --profile")},
        {{QStringLiteral("status"), QStringLiteral("--all"), QStringLiteral("--help")},
         QStringLiteral("--notify-overdue")},
        {{QStringLiteral("monitoring"), QStringLiteral("set"), QStringLiteral("--help")},
         QStringLiteral("Usage: m365sync-cli monitoring set --profile NAME")},
        {{QStringLiteral("monitoring"), QStringLiteral("show"), QStringLiteral("--help")},
         QStringLiteral("Usage: m365sync-cli monitoring show --profile NAME")},
        {{QStringLiteral("monitoring"), QStringLiteral("--help")}, QStringLiteral("m365sync-cli monitoring set")},
    };
    for (const auto &[arguments, says] : commands) {
        const Run help = cli(arguments);
        QCOMPARE(help.code, 0);
        QVERIFY2(help.out.contains(says),
                 qPrintable(arguments.join(QLatin1Char(' ')) + QStringLiteral(": ") + help.out));
    }
}

QTEST_GUILESS_MAIN(TestMonitoring)
#include "tst_monitoring.moc"
