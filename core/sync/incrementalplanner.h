// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "planner.h"

#include <QHash>
#include <QMutex>
#include <QSet>
#include <QString>

#include <atomic>
#include <optional>

namespace M365::Sync {

/// What changed in the directory since the last plan, as a DirectorySnapshot counts it (takeChanges()).
struct DirectoryChanges
{
    /// Users whose entry was replaced in place: same anchor, same position in the directory.
    QSet<QString> modifiedUsers;
    /// Users came or went, a group changed, or the directory was read again: only a full plan will do.
    bool structural = true;
};

/**
 * Keeps the last plan of the live preview and, after an edit in the directory, plans again only the users that
 * changed, so that the preview of a 100,000-user directory follows an edit in a fraction of a full plan.
 *
 * A user is planned again on its own (Planner::planAlone()) and its changes take the place of its old ones. That is
 * only right when nothing else in the plan depends on what changed, so the full plan is made instead whenever
 * - this is the first plan, the directory changed structurally, or the settings, the links or the tenant differ
 *   from the last plan's;
 * - a changed user's footprint (UserPlan::footprint: DN, uids, user name, mail, scope, the cloud account it ends
 *   up with) differs from before: other users, groups and memberships depend on those;
 * - the user planned on its own before the edit does not come out as the last full plan had it (it depended on
 *   another user, e.g. two users wanting one user name);
 * - its licence change needs other seats than before.
 * The result is always the one Planner::plan() gives for the same input (tst_incrementalplanner checks that on
 * random edits).
 *
 * Plans may run on worker threads and overlap (a cancelled plan's thread runs to its end): they take turns, and only
 * the plan whose changes were taken right after the last plan's (see ticket()) may build on it.
 */
class IncrementalPlanner
{
public:
    /// A number for the plan whose directory changes are taken now; take it in the same moment, on the same thread.
    quint64 ticket() { return ++m_tickets; }
    /**
     * The plan for @p input; @p changes: what changed in the directory since the plan with the ticket before
     * @p ticket; @p tenantUnchanged: the tenant read found nothing new since then. @p incremental, when given, says
     * whether only the changed users were planned.
     */
    ChangePlan plan(const PlanInput &input,
                    const DirectoryChanges &changes,
                    bool tenantUnchanged,
                    quint64 ticket,
                    bool *incremental = nullptr);
    /// Forgets the last plan: the next one plans everything.
    void clear();

private:
    std::optional<ChangePlan> replan(const PlanInput &input, const QSet<QString> &modifiedUsers);
    bool sameContext(const PlanInput &input) const;
    /// Puts @p replacement in place of the change of the user at directory position @p position in the block
    /// [begin, end) of m_raw (inserts or removes when only one of them exists).
    void splice(qsizetype begin, qsizetype end, qsizetype position, const std::optional<Change> &replacement);
    /// The directory position of the user a change belongs to; after all of them for users not in the directory.
    qsizetype positionOf(const Change &change) const;

    std::atomic<quint64> m_tickets{0};
    QMutex m_mutex; ///< one plan at a time
    quint64 m_planned = 0; ///< the ticket of the plan the state below is from
    bool m_valid = false;
    PlanInput m_input; ///< as of the last plan
    ChangePlan m_raw; ///< the last plan before exclusions
    QHash<QString, qsizetype> m_userPosition; ///< anchor → index in m_input.users; built on first use
};

} // namespace M365::Sync
