// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphtypes.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QtGlobal>

#include <algorithm>
#include <deque>

namespace M365::Graph {

/*
 * Client-side pacing to Microsoft Graph's identity-and-access budgets, so that a large run approaches the write
 * budget (3,000 writes per 150 s per app and tenant by default) and the resource-unit budget without tripping them.
 *
 * Requests reserve their writes and the resource units costOf() estimates from the documented base costs; the pacer
 * answers how long to wait before sending. The answer's x-ms-resource-unit then says what the request really cost,
 * and correctResourceUnits() puts that into the account (microsoft-graph-docs-contrib concepts/throttling-limits.md,
 * "Identity and access service limits"). A 429 pauses everything until its Retry-After.
 *
 * x-ms-throttle-limit-percentage is, as that page says, sent only when "the application consumed more than 0.8 of its
 * limit", from 0.8 to 1.8; it does not say which limit (resource units or writes; the app+tenant pair or the
 * application across tenants). The app+tenant budgets cannot be spent by other apps, so a share our own count of both
 * budgets cannot explain means someone else spends a limit of this app (another instance with the same app
 * registration, the app in other tenants): our share of both budgets shrinks by the unexplained part until the
 * windows have passed.
 */
class Pacer
{
public:
    struct Budget
    {
        int writes = 3000;
        double writeWindowSeconds = 150;
        int resourceUnits = 3500; ///< the small-tenant figure; safe for every tenant size
        double resourceUnitWindowSeconds = 10;
    };

    /// What a request costs of each budget.
    struct Cost
    {
        int writes = 0;
        int resourceUnits = 1;
        bool operator==(const Cost &other) const
        {
            return writes == other.writes && resourceUnits == other.resourceUnits;
        }
    };

    void setBudget(const Budget &budget) { m_budget = budget; }
    Budget budget() const { return m_budget; }

    /**
     * The documented cost of a request (microsoft-graph-docs-contrib concepts/throttling-limits.md, the table of base
     * request costs and "Other factors that affect a request cost"): the base cost of its method and path (1 for a
     * path not listed, `me/` standing for `users/{id}/`), one less with $select, one more with $expand, one less with
     * $top below 20, never below 1. Every POST, PATCH, PUT and DELETE is a write, but the listed read actions
     * (getByIds, checkMemberGroups, …) are not. @p path is below the version ("/users?$top=5") or an absolute URL.
     */
    static Cost costOf(const QByteArray &method, const QString &path);
    /// What an answer says a request cost: its x-ms-resource-unit (a positive integer), else @p estimate.
    static int resourceUnitsOf(const Response &answer, int estimate);
    /// What the requests of a $batch cost, counted one by one as Graph does: each sub-answer's x-ms-resource-unit,
    /// the estimate for those without one. @p estimates are (request id, estimated units).
    static int resourceUnitsOfBatch(const QHash<QString, Response> &answers,
                                    const QList<QPair<QString, int>> &estimates);

    /// Reserves @p writes writes and @p resourceUnits units; returns the milliseconds to wait from @p nowMs. The
    /// reservation is scheduled at @p nowMs plus that wait, the time correctResourceUnits() is given.
    qint64 reserve(int writes, int resourceUnits, qint64 nowMs);
    /// Gives back a reservation that was never sent (e.g. cancelled).
    void release(int writes, int resourceUnits);
    /// The request reserved at @p scheduledMs with @p reserved units was answered as costing @p used units: the
    /// account keeps what it really cost. A reservation that has left the window counts no more and stays as it is.
    void correctResourceUnits(qint64 scheduledMs, int reserved, int used);
    /// The service throttled us: nothing goes out before @p nowMs + @p retryAfterSeconds.
    void pauseFor(double retryAfterSeconds, qint64 nowMs);
    /// The service reported that the application uses this share of one of its limits (x-ms-throttle-limit-percentage)
    /// in the answer to a request (a read or a write) sent at @p sentMs and answered at @p nowMs. Only a share clearly
    /// above our own use of both budgets at that time is taken as someone else's: the service counted at the
    /// request's arrival, somewhere between the two, so our own use of the whole span counts as ours, and latency
    /// jitter never looks like a second user of the budget.
    void observeLimitPercentage(double percentage, qint64 sentMs, qint64 nowMs);

    /// True while requests are held back by a 429 pause or a reduced share.
    bool isSlowed(qint64 nowMs) const;
    /// Writes reserved within the current window (for progress displays).
    int writesInWindow(qint64 nowMs);
    /// Resource units reserved within the current window, corrected by the answers.
    int resourceUnitsInWindow(qint64 nowMs);
    /// Resource units spent since the pacer was created, corrected by the answers (for benchmarks and logs).
    qint64 resourceUnitsUsed() const { return m_unitsUsed; }

    /// A window as the pacer counts it: longer than the service's by 0.5 %, and by at least 150 ms, so that the delay
    /// between our send time and the service's arrival time (network, a busy server) never puts one write too many
    /// into the service's window. Jitter does not shrink with the window, hence the absolute floor.
    static qint64 windowMs(double seconds)
    {
        return qint64(seconds * 1000.0) + std::max<qint64>(qint64(seconds * 5.0), 150);
    }

private:
    struct Log
    {
        std::deque<std::pair<qint64, int>> events; ///< (scheduled time, amount), non-decreasing times
        qint64 sum = 0;
        void expireBefore(qint64 horizon);
        /// Earliest time >= @p from at which @p amount more fits under @p limit in a window of @p windowMs.
        qint64 earliest(qint64 from, int amount, qint64 limit, qint64 windowMs) const;
    };

    /// A budget less the share others were seen spending of it, at least a tenth of it.
    int effective(int budget, qint64 until, qint64 nowMs) const;
    static qint64 ownUse(const Log &log, qint64 sentMs, qint64 nowMs, qint64 windowMs);

    Budget m_budget;
    Log m_writes;
    Log m_units;
    qint64 m_unitsUsed = 0;
    qint64 m_pausedUntil = 0;
    double m_externalShare = 0; ///< share of a limit used by others, inferred from the limit percentage
    qint64 m_externalWritesUntil = 0;
    qint64 m_externalUnitsUntil = 0;
};

} // namespace M365::Graph
