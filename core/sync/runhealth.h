// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "statestore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace M365::Profile {
struct Profile;
}

namespace M365::Sync {

/**
 * How a profile is doing, as the monitoring sees it (issue 15): its last run and last attempt, what the last plan
 * proposed, its certificate and its schedule. `m365sync-cli status --all` lists it, `health` judges it (evaluate()),
 * and RunReportJob writes it to the Prometheus textfile and the webhook after every run.
 *
 * Plain data collected from the profile and its state store at one moment (collectedAt), so that one collection
 * gives the same answer to the table, the JSON, the plugin line and the textfile.
 */
struct ProfileHealth
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::ProfileHealth)

public:
    QString profile;
    QDateTime collectedAt;
    /// Why the profile or its state store could not be read; empty when they could. health says UNKNOWN then.
    QString error;
    /// The newest run in the history (a run applies changes; see AttemptRecord for what never became one).
    std::optional<RunRecord> lastRun;
    std::optional<AttemptRecord> lastAttempt;
    /// When the profile last synchronized: the newest attempt that was done or finished with failed items, or the
    /// newest run that ended so (stores from before attempts were recorded). Invalid: never.
    QDateTime lastSuccess;
    std::optional<PlanRecord> lastPlan;
    /// The changes applied by every run in the history ("done" in their counts).
    qint64 changesAppliedTotal = 0;
    bool usesCertificate = true; ///< false for a client secret, which has no expiry m365sync knows of
    QDateTime certificateNotAfter; ///< invalid when there is no certificate
    bool scheduleEnabled = false;
    qint64 scheduleIntervalSeconds = 0; ///< the schedule's period (1, 4 or 24 hours); 0 without a schedule
    QDateTime nextRun; ///< the next scheduled run; invalid without a schedule

    bool isReadable() const { return error.isEmpty(); }
    /// True once the profile was run at least once (a run or an attempt is recorded).
    bool hasRun() const { return lastRun.has_value() || lastAttempt.has_value(); }
    /// The outcome of the last attempt; for stores without attempts, derived from the last run's status.
    QString lastOutcome() const;
    /// When the profile last ran, whatever came of it; invalid when it never ran.
    QDateTime lastRunAt() const;
    /// Whole days until the certificate expires (negative once it has); none for a client secret.
    std::optional<int> certificateDaysLeft(const QDateTime &now) const;
    /// Failed changes of the last run (0 when the last attempt was done).
    int lastRunFailures() const;
    /// Changes the last attempt applied (0 when it applied nothing).
    int lastRunApplied() const;
    /// How old the last success may be before the profile is overdue, when the admin gave no --max-age: the
    /// schedule's period plus two hours (26 hours for a daily run, and without a schedule).
    qint64 defaultMaxAgeSeconds() const;

    /**
     * The health as JSON, for `status --all --json` and the webhook. The keys are camelCase like the profile's and
     * stable; a value that is not known is null:
     *   profile, collectedAt (ISO 8601 UTC), readable (bool), error (only when not readable),
     *   lastRun {id, started, ended, status, counts} | null,
     *   lastAttempt {at, outcome, message, runId} | null,
     *   lastOutcome ("done", "failed-items", "failed", "guard-stopped", "locked") | null,
     *   lastSuccess, pendingChanges, pendingDeletions, plannedAt, changesAppliedTotal, failedItems,
     *   credential ("certificate" | "clientSecret"), certificateNotAfter, certificateDaysLeft,
     *   scheduleEnabled (bool), nextRun.
     */
    QJsonObject toJson() const;

    /// Collects the health of @p profile from its open state @p store at @p now.
    static ProfileHealth collect(const Profile::Profile &profile, const StateStore &store, const QDateTime &now);
    /**
     * Collects the health of @p profile from its state store at StateStore::pathForProfile(name, stateDirectory).
     * A profile without a store has never run (not an error); a store that cannot be opened is reported in error.
     */
    static ProfileHealth load(const Profile::Profile &profile, const QString &stateDirectory, const QDateTime &now);
    /// The health of a profile that could not be read at all (its file is damaged, or it does not exist).
    static ProfileHealth unreadable(const QString &profile, const QString &error, const QDateTime &now);
};

/**
 * A judgement in the conventions of monitoring plugins (Nagios, Icinga, Checkmk, Naemon), after the Monitoring
 * Plugins Development Guidelines (github.com/monitoring-plugins/monitoring-plugin-guidelines,
 * monitoring_plugins_interface/03.Output.md) and the Nagios plugin API (Nagios Core docs, pluginapi.html): the exit
 * code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, and one line of text, then " | " and the performance data as
 * space-separated `label=value[UOM][;warn[;crit[;min[;max]]]]`, where warn and crit are range expressions ("30:"
 * alerts below 30, "0" alerts above 0).
 */
struct HealthVerdict
{
    enum Code { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

    int code = Unknown;
    /// "M365SYNC <STATE> - <profile>: <why>", without the performance data; never contains '|' or a line break.
    QString line;
    /// The performance data, e.g. "last_success_age=3600s;;93600;0 failed_items=0;0;;0"; empty when unknown.
    QString perfdata;
    /// The reasons for a state other than OK, as in the line.
    QStringList reasons;
    /// The last success is older than the maximum age.
    bool overdue = false;

    /// "OK", "WARNING", "CRITICAL" or "UNKNOWN".
    static QString stateName(int code);
    /// What the plugin prints: line, and " | " perfdata when there is some.
    QString output() const;
};

/**
 * Judges @p health at @p now:
 * - CRITICAL when the last attempt failed or was stopped by the deletion guard, the last success is older than
 *   @p maxAgeSeconds (overdue; no check when it is 0 or less), or the certificate has expired;
 * - UNKNOWN when the profile cannot be read, or (nothing critical) it has never run;
 * - WARNING when the last run had failed items, another run held the run lock, or the certificate expires within
 *   30 days;
 * - else OK.
 */
HealthVerdict evaluate(const ProfileHealth &health, qint64 maxAgeSeconds, const QDateTime &now);

/// True when the last success of @p health is older than @p maxAgeSeconds at @p now.
bool isOverdue(const ProfileHealth &health, qint64 maxAgeSeconds, const QDateTime &now);

/// Seconds of a duration such as "26h", "90m", "2d", "45s" or "3600" (seconds); none for anything else or zero.
std::optional<qint64> parseDuration(const QString &text);

/// "5 minutes", "3 hours", "2 days": a duration as the monitoring's messages say it.
QString durationText(qint64 seconds);

} // namespace M365::Sync
