// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <algorithm>
#include <deque>

namespace M365::Graph {

/*
 * Client-side pacing to Microsoft Graph's identity-and-access budgets, so that a large run approaches the write
 * budget (3,000 writes per 150 s per app and tenant by default) and the resource-unit budget without tripping them.
 * Requests reserve their writes and resource units; the pacer answers how long to wait before sending. A 429 pauses
 * everything until its Retry-After; an x-ms-throttle-limit-percentage above 0.8 that our own count cannot explain
 * (another app spending the same tenant's budget) shrinks our share until the window has passed.
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

    void setBudget(const Budget &budget) { m_budget = budget; }
    Budget budget() const { return m_budget; }

    /// Reserves @p writes writes and @p resourceUnits units; returns the milliseconds to wait from @p nowMs.
    qint64 reserve(int writes, int resourceUnits, qint64 nowMs);
    /// Gives back a reservation that was never sent (e.g. cancelled).
    void release(int writes, int resourceUnits);
    /// The service throttled us: nothing goes out before @p nowMs + @p retryAfterSeconds.
    void pauseFor(double retryAfterSeconds, qint64 nowMs);
    /// The service reported this share of a budget in use (x-ms-throttle-limit-percentage) for a request sent at
    /// @p sentMs and answered at @p nowMs. Only a share clearly above our own writes of that time is taken as others
    /// using the budget: the service counted at the request's arrival, somewhere between the two, so our own writes
    /// of the whole span count as ours, and latency jitter never looks like a second app.
    void observeLimitPercentage(double percentage, bool forWrites, qint64 sentMs, qint64 nowMs);

    /// True while requests are held back by a 429 pause or a reduced share.
    bool isSlowed(qint64 nowMs) const;
    /// Writes reserved within the current window (for progress displays).
    int writesInWindow(qint64 nowMs);

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

    int effectiveWrites(qint64 nowMs) const;

    Budget m_budget;
    Log m_writes;
    Log m_units;
    qint64 m_pausedUntil = 0;
    int m_externalWrites = 0; ///< writes of others inferred from the limit percentage
    qint64 m_externalUntil = 0;
};

} // namespace M365::Graph
