// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Scheduled runs: the schedule's JSON and next run, and the systemd user units and Task Scheduler XML written for it.

#include "sync/schedule.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
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
};

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

QTEST_GUILESS_MAIN(TestSchedule)
#include "tst_schedule.moc"
