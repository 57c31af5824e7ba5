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
        bool application; ///< one of the application's own budgets (counts for limitPercentage)
    };
    QList<Budget> budgets;
    const QString pair = appId + QLatin1Char('/') + tenantId;
    budgets.append({&m_windows[QStringLiteral("ru/") + pair],
                    ruLimit,
                    scaledMs(m_limits.resourceUnitWindowSeconds),
                    resourceUnits,
                    QStringLiteral("Tenant_Application/ReadWrite/%1/%2").arg(appId, tenantId),
                    QStringLiteral("ResourceUnitLimitExceeded"),
                    true});
    budgets.append({&m_windows[QStringLiteral("aru/") + appId],
                    m_limits.applicationResourceUnits,
                    scaledMs(m_limits.applicationResourceUnitWindowSeconds),
                    resourceUnits,
                    QStringLiteral("Application/ReadWrite/%1/%2").arg(appId, tenantId),
                    QStringLiteral("ResourceUnitLimitExceeded"),
                    true});
    if (isWrite) {
        budgets.append({&m_windows[QStringLiteral("w/") + pair],
                        m_limits.appWrites,
                        scaledMs(m_limits.appWriteWindowSeconds),
                        1,
                        QStringLiteral("Tenant_Application/Write/%1/%2").arg(appId, tenantId),
                        QStringLiteral("WriteLimitExceeded"),
                        true});
        budgets.append({&m_windows[QStringLiteral("aw/") + appId],
                        m_limits.applicationWrites,
                        scaledMs(m_limits.applicationWriteWindowSeconds),
                        1,
                        QStringLiteral("Application/Write/%1/%2").arg(appId, tenantId),
                        QStringLiteral("WriteLimitExceeded"),
                        true});
        budgets.append({&m_windows[QStringLiteral("tw/") + tenantId],
                        m_limits.tenantWrites,
                        scaledMs(m_limits.tenantWriteWindowSeconds),
                        1,
                        QStringLiteral("Tenant/Write/%1/%2").arg(appId, tenantId),
                        QStringLiteral("WriteLimitExceeded"),
                        false});
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
        if (budget.application) {
            decision.limitPercentage =
                std::max(decision.limitPercentage, double(budget.window->sum) / double(budget.limit));
        }
    }
    return decision;
}

int Throttler::requestCost(const QByteArray &method, const QString &path, bool hasSelect, bool hasExpand, int top)
{
    // The table of base request costs; any request not listed costs 1. A cost of a "me/…" path also applies to
    // "users/{id | userPrincipalName}/…", and an OData cast segment does not change the path's cost (assumed).
    struct Cost
    {
        const char *method;
        const char *pattern;
        int cost;
    };
    static const Cost table[] = {
        {"GET", "^applications$", 2},
        {"GET", "^applications/[^/]+/extensionProperties$", 2},
        {"GET", "^contracts$", 3},
        {"POST", "^directoryObjects/getByIds$", 3},
        {"GET", "^domains/[^/]+/domainNameReferences$", 4},
        {"POST", "^getObjectsById$", 3},
        {"GET", "^groups/[^/]+/members$", 3},
        {"GET", "^groups/[^/]+/transitiveMembers$", 5},
        {"POST", "^isMemberOf$", 4},
        {"POST", "^me/checkMemberGroups$", 4},
        {"POST", "^me/checkMemberObjects$", 4},
        {"POST", "^me/getMemberGroups$", 2},
        {"POST", "^me/getMemberObjects$", 2},
        {"GET", "^me/licenseDetails$", 2},
        {"GET", "^me/memberOf$", 2},
        {"GET", "^me/ownedObjects$", 2},
        {"GET", "^me/transitiveMemberOf$", 2},
        {"GET", "^oauth2PermissionGrants(/[^/]+)?$", 2},
        {"GET", "^servicePrincipals/[^/]+/appRoleAssignments$", 2},
        {"GET", "^subscribedSkus$", 3},
        {"GET", "^users$", 2},
    };
    static const QList<QPair<QByteArray, QRegularExpression>> patterns = [] {
        QList<QPair<QByteArray, QRegularExpression>> out;
        for (const Cost &entry : table) {
            out.append({QByteArray(entry.method), QRegularExpression(QString::fromLatin1(entry.pattern))});
        }
        return out;
    }();
    static const QRegularExpression userPath(QStringLiteral("^users/[^/]+/"));
    static const QRegularExpression cast(QStringLiteral("/microsoft\\.graph\\.[A-Za-z]+$"));
    QString normalized = path.startsWith(QLatin1Char('/')) ? path.mid(1) : path;
    normalized.replace(userPath, QStringLiteral("me/"));
    normalized.remove(cast);

    int cost = 1;
    for (qsizetype i = 0; i < patterns.size(); ++i) {
        if (patterns.at(i).first == method && patterns.at(i).second.match(normalized).hasMatch()) {
            cost = table[i].cost;
            break;
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
