// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox's throttling budgets on a synthetic clock: exact Retry-After, sliding windows, the per-tenant write
// budget shared by apps, resource units by tenant size, the documented request costs, and the time scale.

#include "throttler.h"

#include <QTest>

using M365::Sandbox::Throttler;

class TestThrottler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeBudgetAndRetryAfter();
    void windowSlides();
    void tenantBudgetIsShared();
    void resourceUnitsByTenantSize_data();
    void resourceUnitsByTenantSize();
    void limitPercentage();
    void limitPercentageIsTheApplications();
    void applicationBudgetAcrossTenants();
    void timeScaleShrinksWindows();
    void requestCost_data();
    void requestCost();
};

void TestThrottler::writeBudgetAndRetryAfter()
{
    Throttler throttler;
    // 3,000 writes spread over the first 100 s of the window all pass.
    for (int i = 0; i < 3000; ++i) {
        const auto d = throttler.admit(QStringLiteral("app"), QStringLiteral("t"), 10, 1, true, i * 33);
        QVERIFY2(!d.throttled, qPrintable(QString::number(i)));
    }
    const auto refused = throttler.admit(QStringLiteral("app"), QStringLiteral("t"), 10, 1, true, 100000);
    QVERIFY(refused.throttled);
    QCOMPARE(refused.information, QStringLiteral("WriteLimitExceeded"));
    QCOMPARE(refused.scope, QStringLiteral("Tenant_Application/Write/app/t"));
    // The first write (t=0) leaves the 150 s window at t=150 s: 50 s from now.
    QCOMPARE(refused.retryAfterSeconds, 50.0);
    // Reads are not writes.
    QVERIFY(!throttler.admit(QStringLiteral("app"), QStringLiteral("t"), 10, 1, false, 100000).throttled);
    // Another app has its own write budget.
    QVERIFY(!throttler.admit(QStringLiteral("other"), QStringLiteral("t"), 10, 1, true, 100000).throttled);
}

void TestThrottler::windowSlides()
{
    Throttler::Limits limits;
    limits.appWrites = 10;
    Throttler throttler;
    throttler.setLimits(limits);
    for (int i = 0; i < 10; ++i) {
        QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 1000 + i).throttled);
    }
    const auto refused = throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 2000);
    QVERIFY(refused.throttled);
    QCOMPARE(refused.retryAfterSeconds, 149.0);
    // A refused request is not counted: after the wait exactly one more fits.
    QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 151000).throttled);
    QVERIFY(throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 151000).throttled);
}

void TestThrottler::tenantBudgetIsShared()
{
    Throttler::Limits limits;
    limits.appWrites = 100;
    limits.tenantWrites = 150;
    Throttler throttler;
    throttler.setLimits(limits);
    for (int i = 0; i < 100; ++i) {
        QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, i).throttled);
    }
    for (int i = 0; i < 50; ++i) {
        QVERIFY(!throttler.admit(QStringLiteral("b"), QStringLiteral("t"), 10, 1, true, 200 + i).throttled);
    }
    const auto refused = throttler.admit(QStringLiteral("b"), QStringLiteral("t"), 10, 1, true, 300);
    QVERIFY(refused.throttled);
    QVERIFY(refused.scope.startsWith(QLatin1String("Tenant/Write/")));
    // Another tenant is unaffected.
    QVERIFY(!throttler.admit(QStringLiteral("b"), QStringLiteral("t2"), 10, 1, true, 300).throttled);
}

void TestThrottler::resourceUnitsByTenantSize_data()
{
    QTest::addColumn<int>("users");
    QTest::addColumn<int>("budget");
    QTest::newRow("small") << 49 << 3500;
    QTest::newRow("medium") << 50 << 5000;
    QTest::newRow("medium upper") << 500 << 5000;
    QTest::newRow("large") << 501 << 8000;
}

void TestThrottler::resourceUnitsByTenantSize()
{
    QFETCH(int, users);
    QFETCH(int, budget);
    Throttler throttler;
    for (int i = 0; i < budget / 2; ++i) {
        QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t"), users, 2, false, i).throttled);
    }
    const auto refused = throttler.admit(QStringLiteral("a"), QStringLiteral("t"), users, 2, false, 5000);
    QVERIFY(refused.throttled);
    QCOMPARE(refused.information, QStringLiteral("ResourceUnitLimitExceeded"));
    QCOMPARE(refused.scope, QStringLiteral("Tenant_Application/ReadWrite/a/t"));
    QCOMPARE(refused.retryAfterSeconds, 5.0); // the request at t=0 leaves the 10 s window at t=10 s
}

void TestThrottler::limitPercentage()
{
    Throttler::Limits limits;
    limits.appWrites = 10;
    Throttler throttler;
    throttler.setLimits(limits);
    for (int i = 0; i < 8; ++i) {
        QVERIFY(throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, i).limitPercentage <= 0.8);
    }
    QCOMPARE(throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 9).limitPercentage, 0.9);
}

void TestThrottler::limitPercentageIsTheApplications()
{
    // The tenant's write budget is shared by every application: app b's requests use 90 % of it, but b's own
    // budgets are nearly unused, so b is told nothing (x-ms-throttle-limit-percentage is the application's).
    Throttler::Limits limits;
    limits.tenantWrites = 10;
    Throttler throttler;
    throttler.setLimits(limits);
    for (int i = 0; i < 8; ++i) {
        QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, i).throttled);
    }
    const auto decision = throttler.admit(QStringLiteral("b"), QStringLiteral("t"), 10, 1, true, 9);
    QVERIFY(!decision.throttled);
    QVERIFY(decision.limitPercentage < 0.8);
}

void TestThrottler::applicationBudgetAcrossTenants()
{
    // 150,000 resource units per 20 s per application, over all tenants.
    Throttler::Limits limits;
    limits.applicationResourceUnits = 10;
    Throttler throttler;
    throttler.setLimits(limits);
    for (int i = 0; i < 10; ++i) {
        QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t%1").arg(i), 10, 1, false, i).throttled);
    }
    const auto refused = throttler.admit(QStringLiteral("a"), QStringLiteral("t99"), 10, 1, false, 1000);
    QVERIFY(refused.throttled);
    QCOMPARE(refused.scope, QStringLiteral("Application/ReadWrite/a/t99"));
    QCOMPARE(refused.information, QStringLiteral("ResourceUnitLimitExceeded"));
    QCOMPARE(refused.retryAfterSeconds, 19.0); // the first unit (t=0) leaves the 20 s window at t=20 s
    QVERIFY(!throttler.admit(QStringLiteral("b"), QStringLiteral("t99"), 10, 1, false, 1000).throttled);
}

void TestThrottler::timeScaleShrinksWindows()
{
    Throttler::Limits limits;
    limits.appWrites = 2;
    Throttler throttler;
    throttler.setLimits(limits);
    throttler.setTimeScale(100);
    QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 0).throttled);
    QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 0).throttled);
    const auto refused = throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 500);
    QVERIFY(refused.throttled);
    QCOMPARE(refused.retryAfterSeconds, 1.0); // 150 s / 100 = 1.5 s window
    QVERIFY(!throttler.admit(QStringLiteral("a"), QStringLiteral("t"), 10, 1, true, 1501).throttled);
}

void TestThrottler::requestCost_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("select");
    QTest::addColumn<bool>("expand");
    QTest::addColumn<int>("top");
    QTest::addColumn<int>("cost");
    QTest::newRow("GET users") << QByteArray("GET") << QStringLiteral("/users") << false << false << 0 << 2;
    QTest::newRow("GET users select") << QByteArray("GET") << QStringLiteral("/users") << true << false << 0 << 1;
    QTest::newRow("GET users select top5") << QByteArray("GET") << QStringLiteral("/users") << true << false << 5 << 1;
    QTest::newRow("GET users top999") << QByteArray("GET") << QStringLiteral("/users") << false << false << 999 << 2;
    QTest::newRow("GET user") << QByteArray("GET") << QStringLiteral("/users/x") << false << false << 0 << 1;
    QTest::newRow("GET skus") << QByteArray("GET") << QStringLiteral("/subscribedSkus") << false << false << 0 << 3;
    QTest::newRow("GET members") << QByteArray("GET") << QStringLiteral("/groups/g/members") << false << false << 0
                                 << 3;
    QTest::newRow("GET members expand") << QByteArray("GET") << QStringLiteral("/groups/g/members") << false << true
                                        << 0 << 4;
    QTest::newRow("GET applications") << QByteArray("GET") << QStringLiteral("/applications") << false << false << 0
                                      << 2;
    QTest::newRow("POST users") << QByteArray("POST") << QStringLiteral("/users") << false << false << 0 << 1;
    QTest::newRow("GET me memberOf") << QByteArray("GET") << QStringLiteral("/me/memberOf") << false << false << 0 << 2;
    QTest::newRow("GET user memberOf") << QByteArray("GET") << QStringLiteral("/users/u@contoso.com/memberOf") << false
                                       << false << 0 << 2;
    QTest::newRow("GET user transitiveMemberOf cast")
        << QByteArray("GET") << QStringLiteral("/users/x/transitiveMemberOf/microsoft.graph.group") << false << false
        << 0 << 2;
    QTest::newRow("GET user licenseDetails")
        << QByteArray("GET") << QStringLiteral("/users/x/licenseDetails") << false << false << 0 << 2;
    QTest::newRow("POST checkMemberGroups")
        << QByteArray("POST") << QStringLiteral("/me/checkMemberGroups") << false << false << 0 << 4;
    QTest::newRow("POST getByIds") << QByteArray("POST") << QStringLiteral("/directoryObjects/getByIds") << false
                                   << false << 0 << 3;
    QTest::newRow("GET domainNameReferences")
        << QByteArray("GET") << QStringLiteral("/domains/d/domainNameReferences") << false << false << 0 << 4;
    QTest::newRow("GET oauth2PermissionGrants")
        << QByteArray("GET") << QStringLiteral("/oauth2PermissionGrants") << false << false << 0 << 2;
    QTest::newRow("GET oauth2PermissionGrant")
        << QByteArray("GET") << QStringLiteral("/oauth2PermissionGrants/g") << false << false << 0 << 2;
    QTest::newRow("GET extensionProperties")
        << QByteArray("GET") << QStringLiteral("/applications/a/extensionProperties") << false << false << 0 << 2;
    QTest::newRow("GET transitiveMembers")
        << QByteArray("GET") << QStringLiteral("/groups/g/transitiveMembers") << false << false << 0 << 5;
    QTest::newRow("GET users members") << QByteArray("GET") << QStringLiteral("/users/x") << false << true << 0 << 2;
    QTest::newRow("PATCH user") << QByteArray("PATCH") << QStringLiteral("/users/x") << true << false << 0 << 1;
}

void TestThrottler::requestCost()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(bool, select);
    QFETCH(bool, expand);
    QFETCH(int, top);
    QFETCH(int, cost);
    QCOMPARE(Throttler::requestCost(method, path, select, expand, top), cost);
}

QTEST_GUILESS_MAIN(TestThrottler)
#include "tst_throttler.moc"
