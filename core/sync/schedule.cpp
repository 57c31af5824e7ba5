// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "schedule.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTimer>

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

ScheduleInstaller::ScheduleInstaller(const QString &cliPath,
                                     const QString &unitDirectory,
                                     bool runSystemctl,
                                     Scope scope)
    : m_cliPath(cliPath)
    , m_unitDirectory(unitDirectory)
    , m_runSystemctl(runSystemctl)
    , m_scope(scope)
{
    if (m_unitDirectory.isEmpty()) {
        m_unitDirectory = scope == Scope::System
            ? QStringLiteral("/etc/systemd/system")
            : QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/systemd/user");
    }
}

QString ScheduleInstaller::unitName(const QString &profile)
{
    return QStringLiteral("m365sync-") + profile;
}

QString ScheduleInstaller::timerName(const QString &profile) const
{
    return m_scope == Scope::System ? QStringLiteral("m365sync@%1.timer").arg(profile)
                                    : unitName(profile) + QStringLiteral(".timer");
}

QString ScheduleInstaller::serviceName(const QString &profile) const
{
    return m_scope == Scope::System ? QStringLiteral("m365sync@.service")
                                    : unitName(profile) + QStringLiteral(".service");
}

QString ScheduleInstaller::systemdService(const QString &profile) const
{
    if (m_scope == Scope::System) {
        // One template for every profile: the instance name (m365sync@NAME) is the profile. Profile names are
        // letters, digits, '-', '_' and '.', which systemd takes in unit names as they are.
        return QStringLiteral("[Unit]\n"
                              "Description=m365sync: synchronize profile %i to Microsoft 365\n"
                              "Wants=network-online.target\n"
                              "After=network-online.target\n"
                              "\n"
                              "[Service]\n"
                              "Type=oneshot\n"
                              "ExecStart=%1 sync --profile %i --yes\n")
            .arg(systemdQuoted(m_cliPath));
    }
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

QString ScheduleStep::commandLine() const
{
    return (QStringList{program} + arguments).join(QLatin1Char(' '));
}

bool ScheduleInstaller::isInstalled(const QString &profile) const
{
    return QFile::exists(m_unitDirectory + QLatin1Char('/') + timerName(profile));
}

QStringList ScheduleInstaller::systemctl(const QStringList &arguments) const
{
    return m_scope == Scope::System ? arguments : QStringList{QStringLiteral("--user")} + arguments;
}

Error ScheduleInstaller::stepError(const ScheduleStep &step, const QString &details, bool started)
{
    return scheduleError(
        started
            ? tr("\"%1\" failed. Run it yourself to see why.").arg(step.commandLine())
            : tr("Could not run \"%1\". Run it yourself to finish setting up the schedule.").arg(step.commandLine()),
        details);
}

Result<SchedulePlan> ScheduleInstaller::prepare(const QString &profile, const Schedule &schedule) const
{
#ifdef Q_OS_WIN
    return prepareTaskScheduler(profile, schedule);
#else
    return prepareSystemd(profile, schedule);
#endif
}

Result<SchedulePlan> ScheduleInstaller::prepareSystemd(const QString &profile, const Schedule &schedule) const
{
    const QString timerFile = m_unitDirectory + QLatin1Char('/') + timerName(profile);
    const QString serviceFile = m_unitDirectory + QLatin1Char('/') + serviceName(profile);
    SchedulePlan plan;
    if (!schedule.enabled) {
        // Disabled first, while systemd still has the unit file; then the files go.
        ScheduleStep disable;
        if (m_runSystemctl && QFile::exists(timerFile)) {
            disable.program = QStringLiteral("systemctl");
            disable.arguments = systemctl({QStringLiteral("disable"), QStringLiteral("--now"), timerName(profile)});
        }
        disable.mayFail = true;
        disable.removeFiles = {timerFile};
        if (m_scope == Scope::User) {
            disable.removeFiles.append(serviceFile);
        } else {
            // The template stays while another profile's timer uses it.
            const QStringList timers = QDir(m_unitDirectory)
                                           .entryList({QStringLiteral("m365sync@*.timer")}, QDir::Files)
                                           .filter(QRegularExpression(QStringLiteral("^m365sync@.+\\.timer$")));
            if (timers.isEmpty() || (timers.size() == 1 && timers.constFirst() == timerName(profile))) {
                disable.removeFiles.append(serviceFile);
            }
        }
        plan.steps.append(disable);
        return Result<SchedulePlan>::success(plan);
    }
    if (!QDir().mkpath(m_unitDirectory)) {
        return Result<SchedulePlan>::failure(
            scheduleError(tr("The folder %1 cannot be created.").arg(QDir::toNativeSeparators(m_unitDirectory))));
    }
    const QList<QPair<QString, QString>> files{{serviceFile, systemdService(profile)},
                                               {timerFile, systemdTimer(profile, schedule)}};
    for (const auto &file : files) {
        QSaveFile out(file.first);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Text) || out.write(file.second.toUtf8()) < 0 || !out.commit()) {
            return Result<SchedulePlan>::failure(
                scheduleError(tr("The schedule could not be written to %1.").arg(QDir::toNativeSeparators(file.first)),
                              out.errorString()));
        }
    }
    if (m_runSystemctl) {
        plan.steps.append(ScheduleStep{QStringLiteral("systemctl"), systemctl({QStringLiteral("daemon-reload")}), {}});
        plan.steps.append(
            ScheduleStep{QStringLiteral("systemctl"),
                         systemctl({QStringLiteral("enable"), QStringLiteral("--now"), timerName(profile)}),
                         {}});
    }
    return Result<SchedulePlan>::success(plan);
}

Result<SchedulePlan> ScheduleInstaller::prepareTaskScheduler(const QString &profile, const Schedule &schedule) const
{
    const QString task = QStringLiteral("m365sync\\") + profile;
    SchedulePlan plan;
    if (!schedule.enabled) {
        ScheduleStep remove{QStringLiteral("schtasks"),
                            {QStringLiteral("/Delete"), QStringLiteral("/TN"), task, QStringLiteral("/F")},
                            {}};
        remove.mayFail = true; // there may be no task
        plan.steps.append(remove);
        return Result<SchedulePlan>::success(plan);
    }
    plan.taskXml = std::make_shared<QTemporaryFile>(QDir::tempPath() + QStringLiteral("/m365sync-task-XXXXXX.xml"));
    if (!plan.taskXml->open()) {
        return Result<SchedulePlan>::failure(
            scheduleError(tr("A temporary file for the task could not be written."), plan.taskXml->errorString()));
    }
    const QString text = taskSchedulerXml(profile, schedule);
    // Task Scheduler reads the encoding the XML declares: UTF-16 with a byte order mark.
    plan.taskXml->write("\xFF\xFE");
    plan.taskXml->write(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
    plan.taskXml->close();
    plan.steps.append(ScheduleStep{QStringLiteral("schtasks"),
                                   {QStringLiteral("/Create"),
                                    QStringLiteral("/TN"),
                                    task,
                                    QStringLiteral("/XML"),
                                    plan.taskXml->fileName(),
                                    QStringLiteral("/F")},
                                   {}});
    return Result<SchedulePlan>::success(plan);
}

Result<bool> ScheduleInstaller::apply(const QString &profile, const Schedule &schedule) const
{
    const Result<SchedulePlan> plan = prepare(profile, schedule);
    if (!plan.ok()) {
        return Result<bool>::failure(plan.error);
    }
    for (const ScheduleStep &step : plan.value.steps) {
        if (!step.program.isEmpty()) {
            QProcess process;
            process.start(step.program, step.arguments);
            const bool started = process.waitForStarted(5000);
            const bool ended = started && process.waitForFinished(30000);
            const bool ok = ended && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
            if (!ok && !step.mayFail) {
                return Result<bool>::failure(stepError(
                    step,
                    ended ? QString::fromLocal8Bit(process.readAllStandardError()).trimmed() : process.errorString(),
                    started));
            }
        }
        for (const QString &file : step.removeFiles) {
            QFile::remove(file);
        }
    }
    return Result<bool>::success(true);
}

ScheduleJob::ScheduleJob(const ScheduleInstaller &installer,
                         const QString &profile,
                         const Schedule &schedule,
                         QObject *parent)
    : M365::Job(parent)
    , m_installer(installer)
    , m_profile(profile)
    , m_schedule(schedule)
{}

ScheduleJob::~ScheduleJob()
{
    stopProcess();
}

void ScheduleJob::run()
{
    Result<SchedulePlan> plan = m_installer.prepare(m_profile, m_schedule);
    if (!plan.ok()) {
        fail(plan.error);
        return;
    }
    m_plan = plan.value;
    nextStep();
}

void ScheduleJob::nextStep()
{
    if (m_plan.steps.isEmpty()) {
        succeed();
        return;
    }
    m_step = m_plan.steps.takeFirst();
    if (m_step.program.isEmpty()) {
        stepDone(true, {}, true);
        return;
    }
    m_process = new QProcess(this);
    m_timeout = new QTimer(this);
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this] {
        stepDone(false, tr("It did not finish within %1 seconds.").arg(m_stepTimeoutMs / 1000), true);
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            stepDone(false, m_process->errorString(), false);
        }
    });
    connect(m_process,
            qOverload<int, QProcess::ExitStatus>(&QProcess::finished),
            this,
            [this](int exitCode, QProcess::ExitStatus status) {
                stepDone(status == QProcess::NormalExit && exitCode == 0,
                         QString::fromLocal8Bit(m_process->readAllStandardError()).trimmed(),
                         true);
            });
    m_timeout->start(m_stepTimeoutMs);
    m_process->start(m_step.program, m_step.arguments);
}

void ScheduleJob::stepDone(bool ok, const QString &details, bool started)
{
    stopProcess();
    if (!ok && !m_step.mayFail) {
        fail(ScheduleInstaller::stepError(m_step, details, started));
        return;
    }
    for (const QString &file : m_step.removeFiles) {
        QFile::remove(file);
    }
    nextStep();
}

void ScheduleJob::stopProcess()
{
    if (m_timeout) {
        m_timeout->stop();
        m_timeout->deleteLater();
        m_timeout = nullptr;
    }
    if (m_process) {
        m_process->disconnect(this);
        if (m_process->state() != QProcess::NotRunning) {
            // Killed, and deleted once it has ended: deleting a running QProcess would wait for it.
            m_process->setParent(nullptr);
            connect(m_process, &QProcess::finished, m_process, &QObject::deleteLater);
            m_process->kill();
        } else {
            m_process->deleteLater();
        }
        m_process = nullptr;
    }
}

void ScheduleJob::onCancel()
{
    stopProcess();
}

} // namespace M365::Sync
