// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QTime>

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

/**
 * Puts a profile's schedule into the operating system's scheduler: a systemd user service and timer on Linux
 * (~/.config/systemd/user/m365sync-NAME.{service,timer}, then `systemctl --user daemon-reload` and `enable --now`),
 * a Task Scheduler task on Windows (`schtasks /Create /XML`). The run is the CLI's sync with --yes: the deletion guard
 * still stops a run that would remove too much (exit code 4, visible in the timer's status and the history).
 */
class ScheduleInstaller
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::ScheduleInstaller)

public:
    /// @p unitDirectory: where systemd user units go (empty: ~/.config/systemd/user); tests pass a temp folder and
    /// @p runSystemctl false.
    ScheduleInstaller(const QString &cliPath, const QString &unitDirectory = {}, bool runSystemctl = true);

    static QString unitName(const QString &profile);
    QString systemdService(const QString &profile) const;
    static QString systemdTimer(const QString &profile, const Schedule &schedule);
    QString taskSchedulerXml(const QString &profile, const Schedule &schedule) const;

    /// Writes (or, for a disabled schedule, removes) the entries for @p profile. An Error says what failed and the
    /// command the admin can run by hand.
    Result<bool> apply(const QString &profile, const Schedule &schedule) const;

private:
    Result<bool> applySystemd(const QString &profile, const Schedule &schedule) const;
    Result<bool> applyTaskScheduler(const QString &profile, const Schedule &schedule) const;
    Result<bool> run(const QString &program, const QStringList &arguments) const;

    QString m_cliPath;
    QString m_unitDirectory;
    bool m_runSystemctl;
};

} // namespace M365::Sync
