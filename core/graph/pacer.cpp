// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "pacer.h"

#include <algorithm>
#include <cmath>

namespace M365::Graph {

void Pacer::Log::expireBefore(qint64 horizon)
{
    while (!events.empty() && events.front().first <= horizon) {
        sum -= events.front().second;
        events.pop_front();
    }
}

qint64 Pacer::Log::earliest(qint64 from, int amount, qint64 limit, qint64 windowMs) const
{
    if (amount <= 0) {
        return from;
    }
    amount = int(std::min<qint64>(amount, limit));
    // Walk the log oldest first: after each event leaves the window, does the amount fit?
    qint64 inWindow = 0;
    for (const auto &event : events) {
        if (event.first > from - windowMs) {
            inWindow += event.second;
        }
    }
    if (inWindow + amount <= limit) {
        return from;
    }
    qint64 remaining = inWindow;
    for (const auto &event : events) {
        if (event.first <= from - windowMs) {
            continue;
        }
        remaining -= event.second;
        if (remaining + amount <= limit) {
            return std::max(from, event.first + windowMs + 1);
        }
    }
    return from + windowMs;
}

int Pacer::effectiveWrites(qint64 nowMs) const
{
    if (nowMs < m_externalUntil) {
        return std::max(1, std::max(m_budget.writes / 10, m_budget.writes - m_externalWrites));
    }
    return m_budget.writes;
}

qint64 Pacer::reserve(int writes, int resourceUnits, qint64 nowMs)
{
    const qint64 writeWindow = windowMs(m_budget.writeWindowSeconds);
    const qint64 unitWindow = windowMs(m_budget.resourceUnitWindowSeconds);
    m_writes.expireBefore(nowMs - writeWindow);
    m_units.expireBefore(nowMs - unitWindow);

    qint64 at = std::max(nowMs, m_pausedUntil);
    // Reservations are granted in order, so the logs stay sorted by time.
    if (!m_writes.events.empty()) {
        at = std::max(at, m_writes.events.back().first);
    }
    if (!m_units.events.empty()) {
        at = std::max(at, m_units.events.back().first);
    }
    for (int round = 0; round < 4; ++round) {
        const qint64 forWrites = m_writes.earliest(at, writes, effectiveWrites(nowMs), writeWindow);
        const qint64 forUnits = m_units.earliest(forWrites, resourceUnits, m_budget.resourceUnits, unitWindow);
        if (forUnits == at) {
            break;
        }
        at = forUnits;
    }
    if (writes > 0) {
        m_writes.events.emplace_back(at, writes);
        m_writes.sum += writes;
    }
    if (resourceUnits > 0) {
        m_units.events.emplace_back(at, resourceUnits);
        m_units.sum += resourceUnits;
    }
    return at - nowMs;
}

void Pacer::release(int writes, int resourceUnits)
{
    // Give back from the newest reservation, which is the one that was not sent.
    const auto giveBack = [](Log &log, int amount) {
        for (auto it = log.events.rbegin(); it != log.events.rend() && amount > 0; ++it) {
            const int taken = std::min(amount, it->second);
            it->second -= taken;
            log.sum -= taken;
            amount -= taken;
        }
    };
    giveBack(m_writes, writes);
    giveBack(m_units, resourceUnits);
}

void Pacer::pauseFor(double retryAfterSeconds, qint64 nowMs)
{
    // Bounded before the conversion to milliseconds, which is undefined for NaN, infinity and huge values.
    constexpr double maxPauseSeconds = 24 * 3600;
    const double seconds = std::isfinite(retryAfterSeconds) ? std::clamp(retryAfterSeconds, 0.0, maxPauseSeconds) : 0.0;
    m_pausedUntil = std::max(m_pausedUntil, nowMs + qint64(std::ceil(seconds * 1000.0)));
}

void Pacer::observeLimitPercentage(double percentage, bool forWrites, qint64 sentMs, qint64 nowMs)
{
    // The header's value is whatever the server sent ("nan", "1e12"): NaN fails every comparison, and a share of the
    // budget above 1.8 (Graph's documented maximum) would overflow the conversion to a number of writes below.
    if (!forWrites || !(percentage > 0.8)) {
        return;
    }
    percentage = std::min(percentage, 1.8);
    const qint64 writeWindow = windowMs(m_budget.writeWindowSeconds);
    qint64 own = 0;
    for (const auto &event : m_writes.events) {
        if (event.first > sentMs - writeWindow && event.first <= nowMs) {
            own += event.second;
        }
    }
    const int external = int(percentage * m_budget.writes) - int(own);
    if (external > m_budget.writes / 20) {
        m_externalWrites = external;
        m_externalUntil = nowMs + writeWindow;
    }
}

bool Pacer::isSlowed(qint64 nowMs) const
{
    if (nowMs < m_pausedUntil || nowMs < m_externalUntil) {
        return true;
    }
    return !m_writes.events.empty() && m_writes.events.back().first > nowMs;
}

int Pacer::writesInWindow(qint64 nowMs)
{
    m_writes.expireBefore(nowMs - windowMs(m_budget.writeWindowSeconds));
    return int(m_writes.sum);
}

} // namespace M365::Graph
