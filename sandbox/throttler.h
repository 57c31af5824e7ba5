// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>

#include <deque>

namespace M365::Sandbox {

/*
 * Microsoft Graph's identity-and-access throttling as documented in "Microsoft Graph service-specific throttling
 * limits" (microsoft-graph-docs-contrib concepts/throttling-limits.md): a resource-unit budget per application and
 * tenant per 10 s (3,500 / 5,000 / 8,000 by tenant size), a write budget of 3,000 requests per 150 s per application
 * and tenant, 150,000 resource units per 20 s and 70,000 writes per 300 s per application across all tenants, and
 * 18,000 writes per 300 s per tenant. Each request costs its resource units (requestCost()), and one write when it is
 * not a GET. Windows slide; a request that does not fit is refused with the time until it would fit as Retry-After,
 * and is not counted.
 * The time scale divides every window, so a test can reach a limit in seconds with the same ratios.
 */
class Throttler
{
public:
    struct Limits
    {
        int resourceUnitsSmall = 3500; ///< tenants under 50 users
        int resourceUnitsMedium = 5000; ///< 50 to 500 users
        int resourceUnitsLarge = 8000; ///< above 500 users
        double resourceUnitWindowSeconds = 10;
        int appWrites = 3000;
        double appWriteWindowSeconds = 150;
        int tenantWrites = 18000;
        double tenantWriteWindowSeconds = 300;
        int applicationResourceUnits = 150000; ///< per application across all tenants
        double applicationResourceUnitWindowSeconds = 20;
        int applicationWrites = 70000; ///< per application across all tenants
        double applicationWriteWindowSeconds = 300;
        bool enabled = true;
    };

    struct Decision
    {
        bool throttled = false;
        double retryAfterSeconds = 0; ///< scaled, fractional
        QString scope; ///< x-ms-throttle-scope, e.g. "Tenant_Application/Write/{appId}/{tenantId}"
        QString information; ///< x-ms-throttle-information, e.g. "WriteLimitExceeded"
        /// Highest use of the application's own budgets (per application and tenant, per application) after this
        /// request, 0..1.8: x-ms-throttle-limit-percentage is "returned only when the application consumed more than
        /// 0.8 of its limit"; the tenant's write budget, shared by every application, does not count.
        double limitPercentage = 0;
    };

    void setLimits(const Limits &limits) { m_limits = limits; }
    Limits limits() const { return m_limits; }
    void setTimeScale(double scale) { m_timeScale = scale > 0 ? scale : 1; }
    double timeScale() const { return m_timeScale; }
    void reset();

    /// Decides on one request costing @p resourceUnits (and one write when @p isWrite) at @p nowMs.
    Decision admit(const QString &appId,
                   const QString &tenantId,
                   int tenantUserCount,
                   int resourceUnits,
                   bool isWrite,
                   qint64 nowMs);

    /// The documented base cost of a request (the table of base request costs; "me/…" costs apply to
    /// "users/{id | userPrincipalName}/…" too), adjusted for $select (-1), $expand (+1) and $top under 20 (-1);
    /// never below 1. @p path is below /v1.0, e.g. "/users".
    static int requestCost(const QByteArray &method, const QString &path, bool hasSelect, bool hasExpand, int top);

private:
    struct Window
    {
        std::deque<std::pair<qint64, int>> events;
        qint64 sum = 0;
        void expire(qint64 horizonMs);
        /// Milliseconds from @p nowMs until @p cost more fits under @p limit with window @p windowMs.
        qint64 waitFor(int cost, qint64 limit, qint64 windowMs, qint64 nowMs) const;
    };

    qint64 scaledMs(double seconds) const;

    Limits m_limits;
    double m_timeScale = 1;
    QHash<QString, Window> m_windows;
};

} // namespace M365::Sandbox
