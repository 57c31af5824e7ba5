// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "changeplan.h"
#include "planner.h"
#include "statestore.h"

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace M365::Sync {

/**
 * Plans taking back what one run did, from the run's recorded changes and the tenant as it is now.
 *
 * Only changes the run recorded as "done" are taken back. Each reverse change goes through the ordinary ApplyJob, so
 * it is paced, batched, checked against its fingerprint and recorded as a run of its own. A change whose object was
 * edited in the tenant after the run (a value that is neither what the run wrote nor what it replaced) becomes a
 * Conflict instead of overwriting that later edit; properties already back at their old value are left out, so an
 * undo applied twice does nothing the second time. Nothing is ever deleted: a user the run created is disabled.
 * Deletes and links cannot be taken back here and are listed as Invalid with the reason.
 *
 * A pure function, like Planner: no I/O and no clock (ChangePlan::created is left for the caller), so that the CLI,
 * the GUI and the tests get the same plan from the same input.
 *
 * The next sync makes the run's changes again unless the directory (or the profile's exclusions) changed: undo puts
 * the tenant back, not the directory.
 */
class UndoPlanner
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::UndoPlanner)

public:
    /**
     * @p runChanges: StateStore::runChanges() of the run; @p cloud: the tenant as just read; @p links: the profile's
     * links (the cloud ids of objects the run created). @p userFingerprintProperties: what
     * ApplyOptions::userFingerprintProperties will be (Planner::userFingerprintProperties(rules)); when empty, user and
     * licence changes get no fingerprint and the applier does not check them (group changes are always fingerprinted,
     * their properties are fixed).
     */
    static ChangePlan plan(const QList<RunChangeRecord> &runChanges,
                           const CloudSnapshot &cloud,
                           const QHash<QString, Link> &links,
                           const QStringList &userFingerprintProperties = {});

    /**
     * Sets @p undo's membersToAdd and membersToRemove so that they take back the Membership change @p done (members
     * it added are removed and vice versa), given the group's current members; members already back as they were, or
     * that cannot be resolved to a cloud id (no id, no link), are left out. Kept apart because it is the one place
     * that knows how a Membership change lists its members; @p done may be of the old form (payload {"add",
     * "remove"}), as older run history holds it.
     */
    static void reverseMembers(const Change &done,
                               const QStringList &currentMembers,
                               const QHash<QString, Link> &links,
                               Change *undo);
};

} // namespace M365::Sync
