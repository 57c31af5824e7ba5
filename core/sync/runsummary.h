// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "applier.h"
#include "changeplan.h"

#include <QCoreApplication>
#include <QString>

namespace M365::Sync {

struct RunRecord;

/**
 * What a run is about to do, in the numbers an admin confirms before Synchronize Now writes to the tenant: the changes
 * per kind, the write requests they take and about how long that is.
 *
 * The request count follows what the applier sends: one request per object change, two for a disable (disable, then
 * rename out of the way), two for a restore that also updates the user, one more for each manager a user change sets,
 * membership additions bound 20 to a request per group and removals one each, one assignLicense per licence change.
 * Conflicts, invalid changes and licences beyond the free seats are not sent and only counted as skipped.
 *
 * The time is the requests over a write rate: the last run's measured writes per second when the history has one
 * (measuredWritesPerSecond()), else the steady rate of the pacer's write budget (3,000 writes per 150 s).
 */
struct RunSummary
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::RunSummary)

public:
    int creates = 0;
    int updates = 0;
    int disables = 0;
    int deletes = 0;
    int enables = 0;
    int links = 0;
    int restores = 0;
    int licenceChanges = 0;
    int membershipChanges = 0; ///< groups whose members change
    int membersAdded = 0;
    int membersRemoved = 0;
    int skipped = 0; ///< conflicts, invalid changes and licences without a free seat: not sent
    int writeRequests = 0;
    double writesPerSecond = 0; ///< the rate the estimate uses
    bool measuredRate = false; ///< writesPerSecond comes from the last run, not from the budget
    qint64 estimatedMs = 0;

    /// The changes of @p plan that @p options select (ApplyOptions::onlyKinds/onlyIndices, as the applier does).
    /// @p measuredWritesPerSecond: the last run's rate, or 0 to use the write budget's.
    static RunSummary build(const ChangePlan &plan, const ApplyOptions &options, double measuredWritesPerSecond = 0);
    /// Writes per second of a finished run (its "writes" count over its duration); 0 when it has no such figure.
    static double measuredWritesPerSecond(const RunRecord &run);
    /// The write budget's steady rate: 3,000 writes per 150 s.
    static double budgetWritesPerSecond();

    /// The number of changes that will be sent.
    int changes() const;
    /// The confirmation dialog's text, one line per kind that occurs, then the requests and the time.
    QString text() const;
    /// "about 2 min", "about 1 h 5 min", "less than a minute".
    static QString durationText(qint64 ms);
};

} // namespace M365::Sync
