// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "throttler.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace M365::Sandbox {

void Throttler::reset()
{
    m_windows.clear();
}

qint64 Throttler::scaledMs(double seconds) const
{
    return std::max<qint64>(1, qint64(std::llround(seconds * 1000.0 / m_timeScale)));
}

void Throttler::Window::expire(qint64 horizonMs)
{
    while (!events.empty() && events.front().first <= horizonMs) {
        sum -= events.front().second;
        events.pop_front();
    }
}

qint64 Throttler::Window::waitFor(int cost, qint64 limit, qint64 windowMs, qint64 nowMs) const
{
    qint64 remaining = sum;
    for (const auto &event : events) {
        if (remaining + cost <= limit) {
            break;
        }
        remaining -= event.second;
        if (remaining + cost <= limit) {
            return std::max<qint64>(1, event.first + windowMs - nowMs);
        }
    }
    return remaining + cost <= limit ? 0 : windowMs;
}

Throttler::Decision Throttler::admit(
    const QString &appId, const QString &tenantId, int tenantUserCount, int resourceUnits, bool isWrite, qint64 nowMs)
{
    Decision decision;
    if (!m_limits.enabled) {
        return decision;
    }
    const int ruLimit = tenantUserCount < 50 ? m_limits.resourceUnitsSmall
        : tenantUserCount <= 500             ? m_limits.resourceUnitsMedium
                                             : m_limits.resourceUnitsLarge;
    struct Budget
    {
        Window *window;
        qint64 limit;
        qint64 windowMs;
        int cost;
        QString scope;
        QString information;
    };
    QList<Budget> budgets;
    const QString pair = appId + QLatin1Char('/') + tenantId;
    budgets.append({&m_windows[QStringLiteral("ru/") + pair],
                    ruLimit,
                    scaledMs(m_limits.resourceUnitWindowSeconds),
                    resourceUnits,
                    QStringLiteral("Tenant_Application/ReadWrite/%1/%2").arg(appId, tenantId),
                    QStringLiteral("ResourceUnitLimitExceeded")});
    if (isWrite) {
        budgets.append({&m_windows[QStringLiteral("w/") + pair],
                        m_limits.appWrites,
                        scaledMs(m_limits.appWriteWindowSeconds),
                        1,
                        QStringLiteral("Tenant_Application/Write/%1/%2").arg(appId, tenantId),
                        QStringLiteral("WriteLimitExceeded")});
        budgets.append({&m_windows[QStringLiteral("tw/") + tenantId],
                        m_limits.tenantWrites,
                        scaledMs(m_limits.tenantWriteWindowSeconds),
                        1,
                        QStringLiteral("Tenant/Write/%1/%2").arg(appId, tenantId),
                        QStringLiteral("WriteLimitExceeded")});
    }

    qint64 longestWait = 0;
    for (Budget &budget : budgets) {
        budget.window->expire(nowMs - budget.windowMs);
        const qint64 wait = budget.window->waitFor(budget.cost, budget.limit, budget.windowMs, nowMs);
        if (wait > longestWait) {
            longestWait = wait;
            decision.scope = budget.scope;
            decision.information = budget.information;
        }
    }
    if (longestWait > 0) {
        decision.throttled = true;
        decision.retryAfterSeconds = double(longestWait) / 1000.0;
        decision.limitPercentage = 1.0;
        return decision;
    }
    decision.scope.clear();
    decision.information.clear();
    for (Budget &budget : budgets) {
        budget.window->events.emplace_back(nowMs, budget.cost);
        budget.window->sum += budget.cost;
        decision.limitPercentage =
            std::max(decision.limitPercentage, double(budget.window->sum) / double(budget.limit));
    }
    return decision;
}

int Throttler::requestCost(const QByteArray &method, const QString &path, bool hasSelect, bool hasExpand, int top)
{
    int cost = 1;
    if (method == "GET") {
        static const QRegularExpression members(QStringLiteral("^/groups/[^/]+/members$"));
        static const QRegularExpression transitive(QStringLiteral("^/groups/[^/]+/transitiveMembers$"));
        static const QRegularExpression assignments(QStringLiteral("^/servicePrincipals/[^/]+/appRoleAssignments$"));
        if (path == QLatin1String("/users") || path == QLatin1String("/applications")) {
            cost = 2;
        } else if (path == QLatin1String("/subscribedSkus") || members.match(path).hasMatch()) {
            cost = 3;
        } else if (transitive.match(path).hasMatch()) {
            cost = 5;
        } else if (assignments.match(path).hasMatch()) {
            cost = 2;
        }
    }
    if (hasSelect) {
        --cost;
    }
    if (hasExpand) {
        ++cost;
    }
    if (top > 0 && top < 20) {
        --cost;
    }
    return std::max(1, cost);
}

} // namespace M365::Sandbox
