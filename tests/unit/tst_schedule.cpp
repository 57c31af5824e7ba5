// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Scheduled runs: the schedule's JSON and next run, and the systemd user units and Task Scheduler XML written for it.

#include "sync/schedule.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QXmlStreamReader>

using namespace M365::Sync;

class TestSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTrip();
    void nextRun_data();
    void nextRun();
    void systemdUnits();
    void writtenAndRemoved();
    void taskSchedulerXml();
    void systemWideUnits();
    void jobRunsSystemctlInOrder_data();
    void jobRunsSystemctlInOrder();
    void jobReportsAFailedCommand();
    void jobStopsAHangingCommand();
    void jobLeavesTheEventLoopRunning();
    void cleanup() { qputenv("PATH", m_path); }

private:
    /// A stand-in for systemctl first in PATH: it appends its arguments to a log, then behaves as @p mode says
    /// ("ok", "fail": "boom" on stderr and exit 1, "hang", "slow": half a second).
    void fakeSystemctl(const QString &mode);
    QStringList systemctlCalls() const;
    /// Runs a ScheduleJob to its end (bounded); false when it did not finish.
    static bool runJob(ScheduleJob *job);

    QTemporaryDir m_bin;
    QByteArray m_path = qgetenv("PATH");
};

void TestSchedule::fakeSystemctl(const QString &mode)
{
    QVERIFY(m_bin.isValid());
    QFile script(m_bin.filePath(QStringLiteral("systemctl")));
    QVERIFY(script.open(QIODevice::WriteOnly | QIODevice::Truncate));
    script.write("#!/bin/sh\n"
                 "echo \"$*\" >> \"$(dirname \"$0\")/calls.log\"\n"
                 "case \"$M365_FAKE_MODE\" in\n"
                 "fail) echo boom >&2; exit 1;;\n"
                 "hang) exec sleep 30;;\n"
                 "slow) sleep 0.5;;\n"
                 "esac\n"
                 "exit 0\n");
    script.close();
    QVERIFY(script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QFile::remove(m_bin.filePath(QStringLiteral("calls.log")));
    qputenv("M365_FAKE_MODE", mode.toUtf8());
    qputenv("PATH", QFile::encodeName(m_bin.path()) + ':' + m_path);
}

QStringList TestSchedule::systemctlCalls() const
{
    QFile log(m_bin.filePath(QStringLiteral("calls.log")));
    if (!log.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(log.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

bool TestSchedule::runJob(ScheduleJob *job)
{
    QSignalSpy finished(job, &M365::Job::finished);
    job->start();
    return finished.wait(10000);
}

void TestSchedule::jsonRoundTrip()
{
    Schedule s;
    s.enabled = true;
    s.every = Schedule::Every::FourHours;
    s.at = QTime(3, 15);
    QCOMPARE(Schedule::fromJson(s.toJson()), s);
    // Absent or broken values fall back to the defaults: off, daily at 02:00.
    const Schedule fallback = Schedule::fromJson(QJsonObject{{QStringLiteral("at"), QStringLiteral("25:99")}});
    QVERIFY(!fallback.enabled);
    QCOMPARE(fallback.every, Schedule::Every::Day);
    QCOMPARE(fallback.at, QTime(2, 0));
}

void TestSchedule::nextRun_data()
{
    QTest::addColumn<int>("every");
    QTest::addColumn<QTime>("at");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QDateTime>("expected");
    const QDate day(2026, 11, 22);
    QTest::newRow("daily, later today") << int(Schedule::Every::Day) << QTime(2, 0) << QDateTime(day, QTime(1, 0))
                                        << QDateTime(day, QTime(2, 0));
    QTest::newRow("daily, tomorrow") << int(Schedule::Every::Day) << QTime(2, 0) << QDateTime(day, QTime(2, 0))
                                     << QDateTime(day.addDays(1), QTime(2, 0));
    QTest::newRow("hourly at :30") << int(Schedule::Every::Hour) << QTime(7, 30) << QDateTime(day, QTime(10, 45))
                                   << QDateTime(day, QTime(11, 30));
    QTest::newRow("every 4 h from 01:00") << int(Schedule::Every::FourHours) << QTime(1, 0)
                                          << QDateTime(day, QTime(10, 0)) << QDateTime(day, QTime(13, 0));
    QTest::newRow("every 4 h past midnight") << int(Schedule::Every::FourHours) << QTime(1, 0)
                                             << QDateTime(day, QTime(22, 0)) << QDateTime(day.addDays(1), QTime(1, 0));
}

void TestSchedule::nextRun()
{
    QFETCH(int, every);
    QFETCH(QTime, at);
    QFETCH(QDateTime, now);
    QFETCH(QDateTime, expected);
    Schedule s;
    s.enabled = true;
    s.every = Schedule::Every(every);
    s.at = at;
    QCOMPARE(s.nextRun(now), expected);
    s.enabled = false;
    QVERIFY(!s.nextRun(now).isValid());
}

void TestSchedule::systemdUnits()
{
    const ScheduleInstaller installer(
        QStringLiteral("/opt/m365 sync/bin/m365sync-cli"), QStringLiteral("/unused"), false);
    const QString service = installer.systemdService(QStringLiteral("contoso"));
    // The path with a space stays one word; the run confirms by itself and the deletion guard still applies.
    QVERIFY2(service.contains(QStringLiteral("ExecStart=\"/opt/m365 sync/bin/m365sync-cli\" sync --profile "
                                             "\"contoso\" --yes\n")),
             qPrintable(service));
    QVERIFY(service.contains(QStringLiteral("Type=oneshot")));
    Schedule s;
    s.enabled = true;
    s.at = QTime(2, 5);
    QVERIFY(ScheduleInstaller::systemdTimer(QStringLiteral("contoso"), s)
                .contains(QStringLiteral("OnCalendar=*-*-* 02:05:00\n")));
    s.every = Schedule::Every::Hour;
    QVERIFY(ScheduleInstaller::systemdTimer(QStringLiteral("contoso"), s)
                .contains(QStringLiteral("OnCalendar=*-*-* *:05:00\n")));
    s.every = Schedule::Every::FourHours;
    s.at = QTime(6, 0);
    const QString timer = ScheduleInstaller::systemdTimer(QStringLiteral("contoso"), s);
    QVERIFY(timer.contains(QStringLiteral("OnCalendar=*-*-* 02/4:00:00\n")));
    QVERIFY(timer.contains(QStringLiteral("Persistent=true")));
    QVERIFY(timer.contains(QStringLiteral("WantedBy=timers.target")));
}

void TestSchedule::writtenAndRemoved()
{
    QTemporaryDir dir;
    const QString units = dir.filePath(QStringLiteral("systemd/user"));
    const ScheduleInstaller installer(QStringLiteral("/usr/bin/m365sync-cli"), units, false);
    Schedule s;
    s.enabled = true;
    QVERIFY(installer.apply(QStringLiteral("contoso"), s).ok());
    QFile timer(units + QStringLiteral("/m365sync-contoso.timer"));
    QFile service(units + QStringLiteral("/m365sync-contoso.service"));
    QVERIFY(timer.open(QIODevice::ReadOnly));
    QVERIFY(service.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(timer.readAll()), ScheduleInstaller::systemdTimer(QStringLiteral("contoso"), s));
    QCOMPARE(QString::fromUtf8(service.readAll()), installer.systemdService(QStringLiteral("contoso")));
    timer.close();
    service.close();
    // Switching the schedule off removes both units; other profiles' units stay.
    QVERIFY(installer.apply(QStringLiteral("fabrikam"), s).ok());
    s.enabled = false;
    QVERIFY(installer.apply(QStringLiteral("contoso"), s).ok());
    QVERIFY(!QFile::exists(timer.fileName()));
    QVERIFY(!QFile::exists(service.fileName()));
    QVERIFY(QFile::exists(units + QStringLiteral("/m365sync-fabrikam.timer")));
}

void TestSchedule::taskSchedulerXml()
{
    const ScheduleInstaller installer(QStringLiteral("C:\\Program Files\\m365sync\\m365sync-cli.exe"), {}, false);
    Schedule s;
    s.enabled = true;
    s.every = Schedule::Every::Hour;
    s.at = QTime(0, 20);
    const QString xml = installer.taskSchedulerXml(QStringLiteral("a&b"), s);
    // Well-formed, with the text of each element as Task Scheduler reads it.
    QXmlStreamReader reader(xml);
    QHash<QString, QString> text;
    QString root;
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement) {
            if (root.isEmpty()) {
                root = reader.name().toString();
            }
            const QString name = reader.name().toString();
            if (name == QLatin1String("Command") || name == QLatin1String("Arguments")
                || name == QLatin1String("Interval") || name == QLatin1String("StartBoundary")) {
                text.insert(name, reader.readElementText());
            }
        }
    }
    QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
    QCOMPARE(root, QStringLiteral("Task"));
    QCOMPARE(text.value(QStringLiteral("Command")), QStringLiteral("C:\\Program Files\\m365sync\\m365sync-cli.exe"));
    QCOMPARE(text.value(QStringLiteral("Arguments")), QStringLiteral("sync --profile a&b --yes"));
    QCOMPARE(text.value(QStringLiteral("Interval")), QStringLiteral("PT1H"));
    QCOMPARE(text.value(QStringLiteral("StartBoundary")), QStringLiteral("2026-01-01T00:20:00"));
}

void TestSchedule::systemWideUnits()
{
    QTemporaryDir dir;
    const ScheduleInstaller installer(
        QStringLiteral("/usr/bin/m365sync-cli"), dir.path(), false, ScheduleInstaller::Scope::System);
    QCOMPARE(installer.timerName(QStringLiteral("contoso")), QStringLiteral("m365sync@contoso.timer"));
    // One template for all profiles: the instance name is the profile.
    QVERIFY2(installer.systemdService(QStringLiteral("contoso"))
                 .contains(QStringLiteral("ExecStart=\"/usr/bin/m365sync-cli\" sync --profile %i --yes\n")),
             qPrintable(installer.systemdService(QStringLiteral("contoso"))));
    Schedule s;
    s.enabled = true;
    for (const QString &profile : {QStringLiteral("contoso"), QStringLiteral("fabrikam")}) {
        ScheduleJob job(installer, profile, s, this);
        QVERIFY(runJob(&job));
        QVERIFY2(!job.hasError(), qPrintable(job.errorString()));
    }
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
             (QStringList{QStringLiteral("m365sync@.service"),
                          QStringLiteral("m365sync@contoso.timer"),
                          QStringLiteral("m365sync@fabrikam.timer")}));
    QVERIFY(installer.isInstalled(QStringLiteral("contoso")));
    // The template stays while another profile's timer uses it, and goes with the last one.
    s.enabled = false;
    ScheduleJob first(installer, QStringLiteral("contoso"), s, this);
    QVERIFY(runJob(&first));
    QVERIFY(!installer.isInstalled(QStringLiteral("contoso")));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
             (QStringList{QStringLiteral("m365sync@.service"), QStringLiteral("m365sync@fabrikam.timer")}));
    ScheduleJob last(installer, QStringLiteral("fabrikam"), s, this);
    QVERIFY(runJob(&last));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

void TestSchedule::jobRunsSystemctlInOrder_data()
{
    QTest::addColumn<int>("scope");
    QTest::addColumn<QStringList>("enableCalls");
    QTest::addColumn<QStringList>("disableCalls");
    QTest::newRow("user") << int(ScheduleInstaller::Scope::User)
                          << QStringList{QStringLiteral("--user daemon-reload"),
                                         QStringLiteral("--user enable --now m365sync-contoso.timer")}
                          << QStringList{QStringLiteral("--user disable --now m365sync-contoso.timer")};
    QTest::newRow("system") << int(ScheduleInstaller::Scope::System)
                            << QStringList{QStringLiteral("daemon-reload"),
                                           QStringLiteral("enable --now m365sync@contoso.timer")}
                            << QStringList{QStringLiteral("disable --now m365sync@contoso.timer")};
}

void TestSchedule::jobRunsSystemctlInOrder()
{
    QFETCH(int, scope);
    QFETCH(QStringList, enableCalls);
    QFETCH(QStringList, disableCalls);
    fakeSystemctl(QStringLiteral("ok"));
    QTemporaryDir dir;
    const ScheduleInstaller installer(
        QStringLiteral("/usr/bin/m365sync-cli"), dir.path(), true, ScheduleInstaller::Scope(scope));
    Schedule s;
    s.enabled = true;
    ScheduleJob enable(installer, QStringLiteral("contoso"), s, this);
    QVERIFY(runJob(&enable));
    QVERIFY2(!enable.hasError(), qPrintable(enable.errorString()));
    // The units are on disk before systemd is told to reload.
    QVERIFY(installer.isInstalled(QStringLiteral("contoso")));
    QCOMPARE(systemctlCalls(), enableCalls);

    // Disabled while the unit file still exists, then removed.
    QFile::remove(m_bin.filePath(QStringLiteral("calls.log")));
    s.enabled = false;
    ScheduleJob disable(installer, QStringLiteral("contoso"), s, this);
    QVERIFY(runJob(&disable));
    QVERIFY2(!disable.hasError(), qPrintable(disable.errorString()));
    QCOMPARE(systemctlCalls(), disableCalls);
    QVERIFY(!installer.isInstalled(QStringLiteral("contoso")));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

void TestSchedule::jobReportsAFailedCommand()
{
    fakeSystemctl(QStringLiteral("fail"));
    QTemporaryDir dir;
    const ScheduleInstaller installer(QStringLiteral("/usr/bin/m365sync-cli"), dir.path(), true);
    Schedule s;
    s.enabled = true;
    ScheduleJob enable(installer, QStringLiteral("contoso"), s, this);
    QVERIFY(runJob(&enable));
    QVERIFY(enable.hasError());
    // It names the command to run by hand, stops at the first failure and keeps systemd's words for the details.
    QVERIFY2(enable.errorString().contains(QStringLiteral("\"systemctl --user daemon-reload\" failed")),
             qPrintable(enable.errorString()));
    QCOMPARE(enable.error().details, QStringLiteral("boom"));
    QCOMPARE(systemctlCalls(), QStringList{QStringLiteral("--user daemon-reload")});
    // Switching off still removes the files when systemd never knew the timer.
    s.enabled = false;
    ScheduleJob disable(installer, QStringLiteral("contoso"), s, this);
    QVERIFY(runJob(&disable));
    QVERIFY2(!disable.hasError(), qPrintable(disable.errorString()));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

void TestSchedule::jobStopsAHangingCommand()
{
    fakeSystemctl(QStringLiteral("hang"));
    QTemporaryDir dir;
    const ScheduleInstaller installer(QStringLiteral("/usr/bin/m365sync-cli"), dir.path(), true);
    Schedule s;
    s.enabled = true;
    ScheduleJob job(installer, QStringLiteral("contoso"), s, this);
    job.setStepTimeout(1000);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(runJob(&job));
    QVERIFY(clock.elapsed() < 8000);
    QVERIFY(job.hasError());
    QVERIFY2(job.error().details.contains(QStringLiteral("did not finish within 1 seconds")),
             qPrintable(job.error().details));
}

void TestSchedule::jobLeavesTheEventLoopRunning()
{
    // The dashboard's window must keep painting while systemctl runs: the job waits on signals, never in waitFor*.
    fakeSystemctl(QStringLiteral("slow"));
    QTemporaryDir dir;
    const ScheduleInstaller installer(QStringLiteral("/usr/bin/m365sync-cli"), dir.path(), true);
    Schedule s;
    s.enabled = true;
    ScheduleJob job(installer, QStringLiteral("contoso"), s, this);
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(20);
    connect(&ticker, &QTimer::timeout, this, [&ticks] {
        ++ticks;
    });
    ticker.start();
    int ticksAtEnd = -1;
    connect(&job, &M365::Job::finished, this, [&] {
        ticksAtEnd = ticks;
    });
    QVERIFY(runJob(&job));
    QVERIFY2(!job.hasError(), qPrintable(job.errorString()));
    // Two commands of half a second each: the timer fired many times meanwhile.
    QVERIFY2(ticksAtEnd >= 10, qPrintable(QString::number(ticksAtEnd)));
}

QTEST_GUILESS_MAIN(TestSchedule)
#include "tst_schedule.moc"
