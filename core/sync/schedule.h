// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "job.h"
#include "result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTime>

#include <memory>

class QProcess;
class QTemporaryFile;
class QTimer;

namespace M365::Sync {

/// When a profile synchronizes by itself: `m365sync-cli sync --profile NAME --yes` run by the system's scheduler.
struct Schedule
{
    enum class Every { Hour, FourHours, Day };
    bool enabled = false;
    Every every = Every::Day;
    QTime at = QTime(2, 0); ///< local time; for Hour and FourHours, the minute past the hour and the first hour

    /// The next run after @p now (local time), or an invalid QDateTime when the schedule is off.
    QDateTime nextRun(const QDateTime &now) const;

    QJsonObject toJson() const;
    static Schedule fromJson(const QJsonObject &json);
    bool operator==(const Schedule &other) const
    {
        return enabled == other.enabled && every == other.every && at == other.at;
    }
};

/// One step of putting a schedule into the system's scheduler: a command to run (systemctl, schtasks) and/or files to
/// remove after it.
struct ScheduleStep
{
    QString program; ///< empty: only removeFiles
    QStringList arguments;
    QStringList removeFiles; ///< removed after the command (even when it failed and mayFail is set)
    bool mayFail = false; ///< a failure is not an error (disabling a timer that systemd never loaded)

    /// "program arg …", for messages: the command the admin can run by hand.
    QString commandLine() const;
};

/// What ScheduleInstaller::prepare() leaves to do: the steps, and the task XML file they read (Windows) while they run.
struct SchedulePlan
{
    QList<ScheduleStep> steps;
    std::shared_ptr<QTemporaryFile> taskXml;
};

/**
 * Puts a profile's schedule into the operating system's scheduler: a systemd user service and timer on Linux
 * (~/.config/systemd/user/m365sync-NAME.{service,timer}, then `systemctl --user daemon-reload` and `enable --now`),
 * a Task Scheduler task on Windows (`schtasks /Create /XML`). The run is the CLI's sync with --yes: the deletion guard
 * still stops a run that would remove too much (exit code 4, visible in the timer's status and the history).
 *
 * Scope::System (Linux, as root) writes system-wide units instead: the template m365sync@.service, shared by every
 * profile, and m365sync@NAME.timer in /etc/systemd/system, managed with plain `systemctl`. Such a run is root's: it
 * reads root's profiles and keychain.
 *
 * The files are written by prepare(); the scheduler's commands are run by ScheduleJob, one after another on
 * QProcess's signals, so that a window never waits for systemctl or schtasks.
 */
class ScheduleInstaller
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::ScheduleInstaller)

public:
    enum class Scope { User, System };

    /// @p unitDirectory: where systemd units go (empty: ~/.config/systemd/user, or /etc/systemd/system for
    /// Scope::System); tests pass a temp folder and @p runSystemctl false.
    ScheduleInstaller(const QString &cliPath,
                      const QString &unitDirectory = {},
                      bool runSystemctl = true,
                      Scope scope = Scope::User);

    static QString unitName(const QString &profile);
    /// The timer's file name: m365sync-NAME.timer, or m365sync@NAME.timer for Scope::System.
    QString timerName(const QString &profile) const;
    /// The service's file name: m365sync-NAME.service, or the template m365sync@.service for Scope::System.
    QString serviceName(const QString &profile) const;
    QString systemdService(const QString &profile) const;
    static QString systemdTimer(const QString &profile, const Schedule &schedule);
    QString taskSchedulerXml(const QString &profile, const Schedule &schedule) const;

    QString unitDirectory() const { return m_unitDirectory; }
    Scope scope() const { return m_scope; }
    /// Whether the profile's timer file is in the unit directory (systemd only; on Windows the task is not looked up).
    bool isInstalled(const QString &profile) const;

    /// Writes (enabled) or plans the removal of (disabled) the entries for @p profile and returns the commands that
    /// make the scheduler take them up. An Error when a file cannot be written.
    Result<SchedulePlan> prepare(const QString &profile, const Schedule &schedule) const;

    /// prepare() and its steps, waiting for each command (QProcess::waitFor*, up to 35 s a command). Blocking: kept
    /// only until the dashboard runs ScheduleJob, as the CLI does; new callers use ScheduleJob.
    Result<bool> apply(const QString &profile, const Schedule &schedule) const;

    /// The error of a step that failed, with the command to run by hand (and its output in the details).
    static Error stepError(const ScheduleStep &step, const QString &details, bool started);

private:
    Result<SchedulePlan> prepareSystemd(const QString &profile, const Schedule &schedule) const;
    Result<SchedulePlan> prepareTaskScheduler(const QString &profile, const Schedule &schedule) const;
    QStringList systemctl(const QStringList &arguments) const;

    QString m_cliPath;
    QString m_unitDirectory;
    bool m_runSystemctl;
    Scope m_scope;
};

/**
 * Applies a schedule as an M365::Job: ScheduleInstaller::prepare() writes the files, then each command (systemctl
 * daemon-reload and enable --now, or schtasks /Create) runs after the previous one finished, on QProcess's signals,
 * each bounded by a timeout. finished() comes after the last; an error names the command the admin can run by hand.
 */
class ScheduleJob : public M365::Job
{
    Q_OBJECT

public:
    ScheduleJob(const ScheduleInstaller &installer,
                const QString &profile,
                const Schedule &schedule,
                QObject *parent = nullptr);
    ~ScheduleJob() override;

    /// How long one command may take before it is stopped and the job fails.
    void setStepTimeout(int milliseconds) { m_stepTimeoutMs = milliseconds; }

protected:
    void run() override;
    void onCancel() override;

private:
    void nextStep();
    void stepDone(bool ok, const QString &details, bool started);
    void stopProcess();

    ScheduleInstaller m_installer;
    QString m_profile;
    Schedule m_schedule;
    SchedulePlan m_plan;
    ScheduleStep m_step;
    QProcess *m_process = nullptr;
    QTimer *m_timeout = nullptr;
    int m_stepTimeoutMs = 30000;
};

} // namespace M365::Sync
