// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "pacer.h"

#include <QJsonArray>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <cmath>

namespace M365::Graph {

namespace {

/// Whether @p segments (the path below the version, without the query) match @p pattern, "*" standing for one
/// segment (an id). Graph's paths are case-insensitive.
bool matches(const QStringList &segments, std::initializer_list<const char *> pattern)
{
    if (segments.size() != qsizetype(pattern.size())) {
        return false;
    }
    qsizetype i = 0;
    for (const char *part : pattern) {
        if (qstrcmp(part, "*") != 0 && segments[i].compare(QLatin1String(part), Qt::CaseInsensitive) != 0) {
            return false;
        }
        ++i;
    }
    return true;
}

/// The path's segments below the version, `users/{id}/` written as `me/` (the table's costs for `me/` apply to both).
QStringList segmentsOf(const QUrl &url)
{
    QStringList segments = url.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (!segments.isEmpty()
        && (segments.first() == QLatin1String("v1.0") || segments.first() == QLatin1String("beta"))) {
        segments.removeFirst();
    }
    if (segments.size() >= 3 && segments.first().compare(QLatin1String("users"), Qt::CaseInsensitive) == 0) {
        segments.removeFirst();
        segments.first() = QStringLiteral("me");
    }
    return segments;
}

int baseReadCost(const QStringList &s)
{
    // The GET rows of the table of base request costs.
    if (matches(s, {"users"}) || matches(s, {"applications"})
        || matches(s, {"applications", "*", "extensionProperties"}) || matches(s, {"oauth2PermissionGrants"})
        || matches(s, {"oauth2PermissionGrants", "*"}) || matches(s, {"servicePrincipals", "*", "appRoleAssignments"})
        || matches(s, {"me", "licenseDetails"}) || matches(s, {"me", "memberOf"}) || matches(s, {"me", "ownedObjects"})
        || matches(s, {"me", "transitiveMemberOf"})) {
        return 2;
    }
    if (matches(s, {"contracts"}) || matches(s, {"subscribedSkus"}) || matches(s, {"groups", "*", "members"})) {
        return 3;
    }
    if (matches(s, {"domains", "*", "domainNameReferences"})) {
        return 4;
    }
    if (matches(s, {"groups", "*", "transitiveMembers"})) {
        return 5;
    }
    return 1;
}

/// The POST rows of the table: read actions, with a write cost of 0. -1 for any other POST.
int readActionCost(const QStringList &s)
{
    if (matches(s, {"directoryObjects", "getByIds"}) || matches(s, {"getObjectsById"})) {
        return 3;
    }
    if (matches(s, {"isMemberOf"}) || matches(s, {"me", "checkMemberGroups"})
        || matches(s, {"me", "checkMemberObjects"})) {
        return 4;
    }
    if (matches(s, {"me", "getMemberGroups"}) || matches(s, {"me", "getMemberObjects"})) {
        return 2;
    }
    return -1;
}

/// The value of query option @p name ("select"), with or without its "$" (optional in v1.0); null when absent.
QString queryOption(const QUrlQuery &query, QLatin1String name)
{
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        const QStringView bare = key.startsWith(QLatin1Char('$')) ? QStringView(key).mid(1) : QStringView(key);
        if (bare.compare(name, Qt::CaseInsensitive) == 0) {
            return value.isNull() ? QStringLiteral("") : value;
        }
    }
    return {};
}

} // namespace

Pacer::Cost Pacer::costOf(const QByteArray &method, const QString &path)
{
    const QUrl url(path, QUrl::TolerantMode);
    const QStringList segments = segmentsOf(url);
    Cost cost;
    if (method == "GET") {
        cost = {0, baseReadCost(segments)};
    } else if (const int action = method == "POST" ? readActionCost(segments) : -1; action > 0) {
        cost = {0, action};
    } else {
        cost = {1, 1};
    }
    const QUrlQuery query(url);
    if (!queryOption(query, QLatin1String("select")).isNull()) {
        --cost.resourceUnits;
    }
    if (!queryOption(query, QLatin1String("expand")).isNull()) {
        ++cost.resourceUnits;
    }
    bool numeric = false;
    const int top = queryOption(query, QLatin1String("top")).toInt(&numeric);
    if (numeric && top < 20) {
        --cost.resourceUnits;
    }
    cost.resourceUnits = std::max(1, cost.resourceUnits);
    return cost;
}

int Pacer::resourceUnitsOf(const Response &answer, int estimate)
{
    // "Values are positive integers"; anything else (absent, "abc", "-1", absurdly large) leaves the estimate.
    constexpr int maxUnits = 1000;
    bool ok = false;
    const int units = answer.header("x-ms-resource-unit").trimmed().toInt(&ok);
    return ok && units > 0 && units <= maxUnits ? units : estimate;
}

int Pacer::resourceUnitsOfBatch(const QHash<QString, Response> &answers, const QList<QPair<QString, int>> &estimates)
{
    int total = 0;
    for (const auto &[id, estimate] : estimates) {
        total += resourceUnitsOf(answers.value(id), estimate);
    }
    return total;
}

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

int Pacer::effective(int budget, qint64 until, qint64 nowMs) const
{
    if (nowMs < until) {
        return std::max(1, std::max(budget / 10, budget - int(m_externalShare * budget)));
    }
    return budget;
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
        const qint64 forWrites =
            m_writes.earliest(at, writes, effective(m_budget.writes, m_externalWritesUntil, nowMs), writeWindow);
        const qint64 forUnits = m_units.earliest(
            forWrites, resourceUnits, effective(m_budget.resourceUnits, m_externalUnitsUntil, nowMs), unitWindow);
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
        m_unitsUsed += resourceUnits;
    }
    return at - nowMs;
}

void Pacer::release(int writes, int resourceUnits)
{
    // Give back from the newest reservation, which is the one that was not sent.
    const auto giveBack = [](Log &log, int amount) {
        int given = 0;
        for (auto it = log.events.rbegin(); it != log.events.rend() && amount > 0; ++it) {
            const int taken = std::min(amount, it->second);
            it->second -= taken;
            log.sum -= taken;
            amount -= taken;
            given += taken;
        }
        return given;
    };
    giveBack(m_writes, writes);
    m_unitsUsed -= giveBack(m_units, resourceUnits);
}

void Pacer::correctResourceUnits(qint64 scheduledMs, int reserved, int used)
{
    const int delta = used - reserved;
    if (delta == 0) {
        return;
    }
    m_unitsUsed += delta;
    // Every reservation at that time counts the same in every window, so any of them can carry the difference.
    int remaining = delta;
    for (auto it = m_units.events.rbegin(); it != m_units.events.rend() && remaining != 0; ++it) {
        if (it->first != scheduledMs) {
            continue;
        }
        const int change = std::max(remaining, -it->second);
        it->second += change;
        m_units.sum += change;
        remaining -= change;
    }
}

void Pacer::pauseFor(double retryAfterSeconds, qint64 nowMs)
{
    // Bounded before the conversion to milliseconds, which is undefined for NaN, infinity and huge values.
    constexpr double maxPauseSeconds = 24 * 3600;
    const double seconds = std::isfinite(retryAfterSeconds) ? std::clamp(retryAfterSeconds, 0.0, maxPauseSeconds) : 0.0;
    m_pausedUntil = std::max(m_pausedUntil, nowMs + qint64(std::ceil(seconds * 1000.0)));
}

qint64 Pacer::ownUse(const Log &log, qint64 sentMs, qint64 nowMs, qint64 windowMs)
{
    qint64 own = 0;
    for (const auto &event : log.events) {
        if (event.first > sentMs - windowMs && event.first <= nowMs) {
            own += event.second;
        }
    }
    return own;
}

void Pacer::observeLimitPercentage(double percentage, qint64 sentMs, qint64 nowMs)
{
    // The header's value is whatever the server sent ("nan", "1e12"): NaN fails every comparison, and the share is
    // capped at Graph's documented maximum of 1.8. Below 0.8 the header is not sent at all.
    if (!(percentage > 0.8)) {
        return;
    }
    percentage = std::min(percentage, 1.8);
    const qint64 writeWindow = windowMs(m_budget.writeWindowSeconds);
    const qint64 unitWindow = windowMs(m_budget.resourceUnitWindowSeconds);
    // The page does not say which limit the share is of: whichever of ours we used most may explain it.
    const double ownWrites = double(ownUse(m_writes, sentMs, nowMs, writeWindow)) / std::max(1, m_budget.writes);
    const double ownUnits = double(ownUse(m_units, sentMs, nowMs, unitWindow)) / std::max(1, m_budget.resourceUnits);
    const double external = percentage - std::max(ownWrites, ownUnits);
    if (external > 0.05) {
        // Nor which budget the others spend: both shrink by what is unexplained, each for its own window.
        m_externalShare = std::min(external, 1.0);
        m_externalWritesUntil = nowMs + writeWindow;
        m_externalUnitsUntil = nowMs + unitWindow;
    }
}

bool Pacer::isSlowed(qint64 nowMs) const
{
    if (nowMs < m_pausedUntil || nowMs < m_externalWritesUntil || nowMs < m_externalUnitsUntil) {
        return true;
    }
    return !m_writes.events.empty() && m_writes.events.back().first > nowMs;
}

int Pacer::writesInWindow(qint64 nowMs)
{
    m_writes.expireBefore(nowMs - windowMs(m_budget.writeWindowSeconds));
    return int(m_writes.sum);
}

int Pacer::resourceUnitsInWindow(qint64 nowMs)
{
    m_units.expireBefore(nowMs - windowMs(m_budget.resourceUnitWindowSeconds));
    return int(m_units.sum);
}

} // namespace M365::Graph
