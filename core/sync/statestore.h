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

private:
    Result<bool> inTransaction(const std::function<Result<bool>()> &body);
    Result<bool> exec(const QString &sql, const QList<QVariant> &values = {});
    Error sqlError(const QString &what, const QString &details) const;

    QString m_connectionName;
    QString m_path;
};

} // namespace M365::Sync
