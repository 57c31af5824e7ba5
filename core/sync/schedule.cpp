// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "schedule.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTemporaryFile>

namespace M365::Sync {

namespace {

QString everyId(Schedule::Every every)
{
    switch (every) {
    case Schedule::Every::Hour:
        return QStringLiteral("hour");
    case Schedule::Every::FourHours:
        return QStringLiteral("4hours");
    case Schedule::Every::Day:
        break;
    }
    return QStringLiteral("day");
}

Error scheduleError(const QString &message, const QString &details = {})
{
    return Error{QStringLiteral("schedule"), message, details, {}};
}

/// systemd's quoting for ExecStart: a word in double quotes with \ and " escaped.
QString systemdQuoted(const QString &word)
{
    QString escaped = word;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString xmlEscaped(const QString &text)
{
    return text.toHtmlEscaped();
}

} // namespace

QDateTime Schedule::nextRun(const QDateTime &now) const
{
    if (!enabled) {
        return {};
    }
    const int stepHours = every == Every::Hour ? 1 : every == Every::FourHours ? 4 : 24;
    QDateTime candidate(now.date(), QTime(every == Every::Hour ? 0 : at.hour() % stepHours, at.minute()));
    while (candidate <= now) {
        candidate = candidate.addSecs(qint64(stepHours) * 3600);
    }
    return candidate;
}

QJsonObject Schedule::toJson() const
{
    return QJsonObject{{QStringLiteral("enabled"), enabled},
                       {QStringLiteral("every"), everyId(every)},
                       {QStringLiteral("at"), at.toString(QStringLiteral("HH:mm"))}};
}

Schedule Schedule::fromJson(const QJsonObject &json)
{
    Schedule s;
    s.enabled = json.value(QLatin1String("enabled")).toBool(false);
    const QString every = json.value(QLatin1String("every")).toString();
    s.every = every == QLatin1String("hour") ? Every::Hour
        : every == QLatin1String("4hours")   ? Every::FourHours
                                             : Every::Day;
    const QTime at = QTime::fromString(json.value(QLatin1String("at")).toString(), QStringLiteral("HH:mm"));
    if (at.isValid()) {
        s.at = at;
    }
    return s;
}

ScheduleInstaller::ScheduleInstaller(const QString &cliPath, const QString &unitDirectory, bool runSystemctl)
    : m_cliPath(cliPath)
    , m_unitDirectory(unitDirectory.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                              + QStringLiteral("/systemd/user")
                                              : unitDirectory)
    , m_runSystemctl(runSystemctl)
{}

QString ScheduleInstaller::unitName(const QString &profile)
{
    return QStringLiteral("m365sync-") + profile;
}

QString ScheduleInstaller::systemdService(const QString &profile) const
{
    return QStringLiteral("[Unit]\n"
                          "Description=m365sync: synchronize profile %1 to Microsoft 365\n"
                          "After=network-online.target\n"
                          "\n"
                          "[Service]\n"
                          "Type=oneshot\n"
                          "ExecStart=%2 sync --profile %3 --yes\n")
        .arg(profile, systemdQuoted(m_cliPath), systemdQuoted(profile));
}

QString ScheduleInstaller::systemdTimer(const QString &profile, const Schedule &schedule)
{
    const QString minute = QStringLiteral("%1").arg(schedule.at.minute(), 2, 10, QLatin1Char('0'));
    QString calendar;
    switch (schedule.every) {
    case Schedule::Every::Hour:
        calendar = QStringLiteral("*-*-* *:%1:00").arg(minute);
        break;
    case Schedule::Every::FourHours:
        calendar = QStringLiteral("*-*-* %1/4:%2:00").arg(schedule.at.hour() % 4, 2, 10, QLatin1Char('0')).arg(minute);
        break;
    case Schedule::Every::Day:
        calendar = QStringLiteral("*-*-* %1:%2:00").arg(schedule.at.hour(), 2, 10, QLatin1Char('0')).arg(minute);
        break;
    }
    return QStringLiteral("[Unit]\n"
                          "Description=m365sync: scheduled sync of profile %1\n"
                          "\n"
                          "[Timer]\n"
                          "OnCalendar=%2\n"
                          "Persistent=true\n"
                          "\n"
                          "[Install]\n"
                          "WantedBy=timers.target\n")
        .arg(profile, calendar);
}

QString ScheduleInstaller::taskSchedulerXml(const QString &profile, const Schedule &schedule) const
{
    const QString interval = schedule.every == Schedule::Every::Hour ? QStringLiteral("PT1H")
        : schedule.every == Schedule::Every::FourHours               ? QStringLiteral("PT4H")
                                                                     : QString();
    const QString start = QDateTime(QDate(2026, 1, 1), schedule.at).toString(Qt::ISODate);
    const QString repetition = interval.isEmpty()
        ? QString()
        : QStringLiteral("      <Repetition><Interval>%1</Interval><StopAtDurationEnd>false</StopAtDurationEnd>"
                         "</Repetition>\n")
              .arg(interval);
    return QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
                          "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
                          "  <RegistrationInfo><Description>m365sync: scheduled sync of profile %1</Description>"
                          "</RegistrationInfo>\n"
                          "  <Triggers>\n"
                          "    <CalendarTrigger>\n"
                          "      <StartBoundary>%2</StartBoundary>\n"
                          "%3"
                          "      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>\n"
                          "    </CalendarTrigger>\n"
                          "  </Triggers>\n"
                          "  <Settings><StartWhenAvailable>true</StartWhenAvailable>"
                          "<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy></Settings>\n"
                          "  <Actions>\n"
                          "    <Exec><Command>%4</Command><Arguments>sync --profile %5 --yes</Arguments></Exec>\n"
                          "  </Actions>\n"
                          "</Task>\n")
        .arg(xmlEscaped(profile), start, repetition, xmlEscaped(m_cliPath), xmlEscaped(profile));
}

Result<bool> ScheduleInstaller::run(const QString &program, const QStringList &arguments) const
{
    QProcess process;
    process.start(program, arguments);
    const QString command = program + QLatin1Char(' ') + arguments.join(QLatin1Char(' '));
    if (!process.waitForStarted(5000) || !process.waitForFinished(30000)) {
        return Result<bool>::failure(
            scheduleError(tr("Could not run \"%1\". Run it yourself to finish setting up the schedule.").arg(command),
                          process.errorString()));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return Result<bool>::failure(scheduleError(tr("\"%1\" failed. Run it yourself to see why.").arg(command),
                                                   QString::fromLocal8Bit(process.readAllStandardError()).trimmed()));
    }
    return Result<bool>::success(true);
}

Result<bool> ScheduleInstaller::apply(const QString &profile, const Schedule &schedule) const
{
#ifdef Q_OS_WIN
    return applyTaskScheduler(profile, schedule);
#else
    return applySystemd(profile, schedule);
#endif
}

Result<bool> ScheduleInstaller::applySystemd(const QString &profile, const Schedule &schedule) const
{
    const QString base = m_unitDirectory + QLatin1Char('/') + unitName(profile);
    const QString timer = unitName(profile) + QStringLiteral(".timer");
    if (!schedule.enabled) {
        if (m_runSystemctl && QFile::exists(base + QStringLiteral(".timer"))) {
            run(QStringLiteral("systemctl"),
                {QStringLiteral("--user"), QStringLiteral("disable"), QStringLiteral("--now"), timer});
        }
        QFile::remove(base + QStringLiteral(".timer"));
        QFile::remove(base + QStringLiteral(".service"));
        return Result<bool>::success(true);
    }
    if (!QDir().mkpath(m_unitDirectory)) {
        return Result<bool>::failure(
            scheduleError(tr("The folder %1 cannot be created.").arg(QDir::toNativeSeparators(m_unitDirectory))));
    }
    const QList<QPair<QString, QString>> files{{base + QStringLiteral(".service"), systemdService(profile)},
                                               {base + QStringLiteral(".timer"), systemdTimer(profile, schedule)}};
    for (const auto &file : files) {
        QSaveFile out(file.first);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Text) || out.write(file.second.toUtf8()) < 0 || !out.commit()) {
            return Result<bool>::failure(
                scheduleError(tr("The schedule could not be written to %1.").arg(QDir::toNativeSeparators(file.first)),
                              out.errorString()));
        }
    }
    if (!m_runSystemctl) {
        return Result<bool>::success(true);
    }
    const Result<bool> reloaded =
        run(QStringLiteral("systemctl"), {QStringLiteral("--user"), QStringLiteral("daemon-reload")});
    if (!reloaded.ok()) {
        return reloaded;
    }
    return run(QStringLiteral("systemctl"),
               {QStringLiteral("--user"), QStringLiteral("enable"), QStringLiteral("--now"), timer});
}

Result<bool> ScheduleInstaller::applyTaskScheduler(const QString &profile, const Schedule &schedule) const
{
    const QString task = QStringLiteral("m365sync\\") + profile;
    if (!schedule.enabled) {
        run(QStringLiteral("schtasks"), {QStringLiteral("/Delete"), QStringLiteral("/TN"), task, QStringLiteral("/F")});
        return Result<bool>::success(true);
    }
    QTemporaryFile xml(QDir::tempPath() + QStringLiteral("/m365sync-task-XXXXXX.xml"));
    if (!xml.open()) {
        return Result<bool>::failure(
            scheduleError(tr("A temporary file for the task could not be written."), xml.errorString()));
    }
    const QString text = taskSchedulerXml(profile, schedule);
    // Task Scheduler reads the encoding the XML declares: UTF-16 with a byte order mark.
    xml.write("\xFF\xFE");
    xml.write(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
    xml.close();
    return run(QStringLiteral("schtasks"),
               {QStringLiteral("/Create"),
                QStringLiteral("/TN"),
                task,
                QStringLiteral("/XML"),
                xml.fileName(),
                QStringLiteral("/F")});
}

} // namespace M365::Sync
