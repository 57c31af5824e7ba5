// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "changeplan.h"
#include "result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace M365::Sync {

/// A directory object known to be a given cloud object, with the values last written to it.
struct Link
{
    QString anchor;
    Change::ObjectType objectType = Change::ObjectType::User;
    QString cloudId;
    /// The managed properties as last written, so that the planner can tell drift in the cloud (cloud ≠ last
    /// written) from a change in the directory (directory ≠ last written).
    QJsonObject lastValues;
    QDateTime updated;

    bool operator==(const Link &other) const
    {
        return anchor == other.anchor && objectType == other.objectType && cloudId == other.cloudId
            && lastValues == other.lastValues;
    }
};

/// One run as the history shows it.
struct RunRecord
{
    qint64 id = 0;
    QDateTime started;
    QDateTime ended; ///< invalid while running, or when the run was killed
    QJsonObject counts;
    QString status; ///< "running" until endRun(); a run killed on the way stays "running"
};

/// The outcome of one change of a run.
struct RunChangeRecord
{
    qint64 runId = 0;
    int seq = 0;
    Change change;
    QString result; ///< e.g. "done", "failed", "skipped"
    QString message;
};

/// What the last plan of a profile proposed (issue 15): the monitoring shows it as pending changes and deletions.
struct PlanRecord
{
    QDateTime at;
    int pending = 0; ///< actionable changes (not conflicts or invalid ones)
    int destructive = 0; ///< of which disables, deletions and removals (ChangePlan::destructiveCount())
};

/// The outcomes of an AttemptRecord.
namespace AttemptOutcome {
inline constexpr char Done[] = "done"; ///< applied every chosen change, or there was nothing to do
inline constexpr char FailedItems[] = "failed-items"; ///< finished, with some changes failed
inline constexpr char Failed[] = "failed"; ///< an error stopped the run
inline constexpr char GuardStopped[] = "guard-stopped"; ///< the deletion guard stopped the run
inline constexpr char Locked[] = "locked"; ///< another run of the profile held the run lock
} // namespace AttemptOutcome

/**
 * One attempt to run a profile, whatever came of it (issue 15). A run that applied something is also a RunRecord;
 * an attempt also covers what never became a run: nothing to do, the deletion guard, another run's lock, an error
 * before anything was applied. The monitoring (ProfileHealth) reads the last one.
 */
struct AttemptRecord
{
    QDateTime at;
    /// "done" (applied, or nothing to do), "failed-items", "failed", "guard-stopped" or "locked" (another run held
    /// the run lock).
    QString outcome;
    QString message; ///< what the admin was told; empty when all went well
    qint64 runId = 0; ///< the RunRecord the attempt made; 0 when it applied nothing
};

/**
 * What a profile remembers between runs, in one SQLite file: links (anchor ↔ cloud id, last values written),
 * delta links, and the run history with every change's result.
 *
 * Every write is committed at once (SQLite autocommit, WAL journal), because a run may be killed at any point and
 * must resume with nothing lost and nothing created twice: a create recorded here is never sent again. Each instance
 * uses its own QSqlDatabase connection name, so that stores of several profiles (or a test's reopen) do not share a
 * connection. Not thread-safe: use one instance per thread.
 */
class StateStore
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::StateStore)

public:
    StateStore();
    ~StateStore();
    StateStore(const StateStore &) = delete;
    StateStore &operator=(const StateStore &) = delete;

    /// Where the store of @p profile lives: <AppDataLocation>/state/<profile>.sqlite, or in @p directory when one is
    /// given (tests). The GUI, the CLI and scheduled runs all use this one place.
    static QString pathForProfile(const QString &profile, const QString &directory = {});

    /// Opens (creating when needed) the store at `path`; an Error that names the file when that fails.
    Result<bool> open(const QString &path);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }

    Result<bool> link(const Link &link);
    Result<bool> unlink(const QString &anchor);
    /// All links, by anchor.
    QHash<QString, Link> links() const;
    std::optional<Link> linkFor(const QString &anchor) const;
    QJsonObject lastValues(const QString &anchor) const;

    /// The delta link of a resource ("users", "groups"); empty when the next read must be a full one.
    Result<bool> setDeltaLink(const QString &resource, const QString &link);
    QString deltaLink(const QString &resource) const;

    /**
     * The tenant as last read, per resource ("users", "groups"), so that the next read asks Graph only for what
     * changed (delta). replaceAll drops what was kept before (a full read); otherwise @p upserts are merged and
     * @p removedIds deleted. The delta link is stored in the same transaction, so objects and link never disagree.
     */
    Result<bool> saveCloudObjects(const QString &resource,
                                  const QList<QJsonObject> &upserts,
                                  const QStringList &removedIds,
                                  bool replaceAll,
                                  const QString &deltaLink);
    /// The kept objects of a resource, by id.
    QHash<QString, QJsonObject> cloudObjects(const QString &resource) const;

    /// Starts a run and returns its id.
    Result<qint64> beginRun();
    /// Records the outcome of one change of a run, durably, before the next change is started.
    Result<bool> recordChange(
        qint64 runId, int seq, const Change &change, const QString &result, const QString &message = QString());
    /**
     * Records a change of a run as applied together with its effect on the links, in one transaction: @p link is
     * stored (when given) or the change's anchor unlinked (when @p unlink), so that a run killed at any point
     * never leaves a created object without its link or a link without its history line.
     */
    Result<bool> recordApplied(qint64 runId,
                               int seq,
                               const Change &change,
                               const QString &result,
                               const QString &message,
                               const std::optional<Link> &link,
                               bool unlink = false);
    Result<bool> endRun(qint64 runId, const QJsonObject &counts, const QString &status);
    /// Runs, newest first; at most `limit` (all when negative).
    QList<RunRecord> runHistory(int limit = -1) const;
    QList<RunChangeRecord> runChanges(qint64 runId) const;

    /// Remembers what the last plan proposed (one record: each plan replaces the one before).
    Result<bool> recordPlan(const PlanRecord &plan);
    std::optional<PlanRecord> lastPlan() const;
    /// Records an attempt to run the profile (an invalid `at` means now). The newest 1,000 are kept.
    Result<bool> recordAttempt(const AttemptRecord &attempt);
    std::optional<AttemptRecord> lastAttempt() const;
    /// The newest attempt whose outcome is one of @p outcomes (e.g. the last successful one for the overdue check).
    std::optional<AttemptRecord> lastAttemptWith(const QStringList &outcomes) const;
    /// Small facts of the monitoring, by key (e.g. when the overdue alert was sent); an empty value removes the key.
    Result<bool> setMeta(const QString &key, const QString &value);
    /// The value of @p key; empty when none is stored.
    QString meta(const QString &key) const;

private:
    Result<bool> inTransaction(const std::function<Result<bool>()> &body);
    Result<bool> exec(const QString &sql, const QList<QVariant> &values = {});
    Error sqlError(const QString &what, const QString &details) const;

    QString m_connectionName;
    QString m_path;
};

} // namespace M365::Sync
