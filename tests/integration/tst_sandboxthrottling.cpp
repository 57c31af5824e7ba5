// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Throttling over HTTP with the documented budgets, time-scaled: staying under 3,000 writes per (scaled) 150 s gives no
// 429; going over gives 429 with a fractional Retry-After, x-ms-throttle-scope and the documented body; after the wait
// writes pass again. Every response carries x-ms-resource-unit with the documented cost.

#include "sandboxfixture.h"

#include <QTest>

using Reply = SandboxFixture::Reply;

class TestSandboxThrottling : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resourceUnitHeader_data();
    void resourceUnitHeader();
    void refusedResponsesCarryResourceUnits();
    void writeBudget();

private:
    /// Sends @p count PATCH writes to one user through $batch; returns the per-request statuses and the last 429.
    QList<int> writes(SandboxFixture &sandbox,
                      const QString &token,
                      const QString &userId,
                      int count,
                      QJsonObject *throttled,
                      QJsonObject *lastOk);
};

void TestSandboxThrottling::resourceUnitHeader_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("units");
    QTest::newRow("users") << QStringLiteral("/users") << QByteArray("2");
    QTest::newRow("users select") << QStringLiteral("/users?$select=id") << QByteArray("1");
    QTest::newRow("skus") << QStringLiteral("/subscribedSkus") << QByteArray("3");
    QTest::newRow("organization") << QStringLiteral("/organization") << QByteArray("1");
    QTest::newRow("users top 5") << QStringLiteral("/users?$top=5") << QByteArray("1");
    // A me/… cost applies to users/{id | userPrincipalName}/… too.
    QTest::newRow("user memberOf") << QStringLiteral("/users/admin@contoso.onmicrosoft.com/memberOf")
                                   << QByteArray("2");
    QTest::newRow("user transitiveMemberOf")
        << QStringLiteral("/users/admin@contoso.onmicrosoft.com/transitiveMemberOf") << QByteArray("2");
}

void TestSandboxThrottling::resourceUnitHeader()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, units);
    SandboxFixture sandbox;
    QVERIFY(sandbox.isStarted());
    const Reply reply = sandbox.graph("GET", path, sandbox.demoToken());
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-ms-resource-unit"), units);
    QVERIFY(reply.header("x-ms-throttle-limit-percentage").isEmpty()); // only above 80 %
}

void TestSandboxThrottling::refusedResponsesCarryResourceUnits()
{
    SandboxFixture sandbox;
    QVERIFY(sandbox.isStarted());
    // No token: 401, still with the request's cost.
    Reply reply = sandbox.graph("GET", QStringLiteral("/users"), QString());
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.header("x-ms-resource-unit"), QByteArray("2"));
    // Not permitted: 403 with it too.
    reply = sandbox.graph(
        "GET", QStringLiteral("/subscribedSkus"), sandbox.tokenWithRoles({QStringLiteral("Group.Read.All")}));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.header("x-ms-resource-unit"), QByteArray("3"));
}

QList<int> TestSandboxThrottling::writes(SandboxFixture &sandbox,
                                         const QString &token,
                                         const QString &userId,
                                         int count,
                                         QJsonObject *throttled,
                                         QJsonObject *lastOk)
{
    QList<int> statuses;
    for (int done = 0; done < count;) {
        QJsonArray requests;
        for (int i = 0; i < 20 && done < count; ++i, ++done) {
            requests.append(
                QJsonObject{{QStringLiteral("id"), QString::number(i)},
                            {QStringLiteral("method"), QStringLiteral("PATCH")},
                            {QStringLiteral("url"), QString(QStringLiteral("/users/") + userId)},
                            {QStringLiteral("headers"),
                             QJsonObject{{QStringLiteral("Content-Type"), QStringLiteral("application/json")}}},
                            {QStringLiteral("body"),
                             QJsonObject{{QStringLiteral("jobTitle"), QStringLiteral("Write %1").arg(done)}}}});
        }
        const Reply reply =
            sandbox.graph("POST", QStringLiteral("/$batch"), token, {{QStringLiteral("requests"), requests}});
        if (reply.status != 200) {
            qWarning() << "batch failed" << reply.status << reply.body.left(300);
            return statuses;
        }
        for (const auto &v : reply.json.value(QLatin1String("responses")).toArray()) {
            const int status = v.toObject().value(QLatin1String("status")).toInt();
            statuses.append(status);
            if (status == 429) {
                *throttled = v.toObject();
            } else {
                *lastOk = v.toObject();
            }
        }
    }
    return statuses;
}

void TestSandboxThrottling::writeBudget()
{
    M365::Sandbox::SandboxServer::Options options;
    options.timeScale = 10; // 150 s -> 15 s, 300 s -> 30 s; ratios unchanged
    SandboxFixture sandbox(options);
    QVERIFY(sandbox.isStarted());
    const QString token = sandbox.demoToken();
    const QString userId = sandbox.tenant().state().userIdByUpn(QStringLiteral("MeganB@contoso.onmicrosoft.com"));

    QElapsedTimer timer;
    timer.start();
    QJsonObject throttled;
    QJsonObject ok;
    const QList<int> under = writes(sandbox, token, userId, 2900, &throttled, &ok);
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(under.size(), 2900);
    qInfo("2,900 writes took %lld ms", elapsed);
    QVERIFY2(elapsed < 14000, "the writes must fit in one scaled window for this test to mean anything");
    QCOMPARE(under.count(204), 2900);
    // Past 80 % of the budget the sandbox says so.
    const double percentage = ok.value(QLatin1String("headers"))
                                  .toObject()
                                  .value(QLatin1String("x-ms-throttle-limit-percentage"))
                                  .toString()
                                  .toDouble();
    QVERIFY2(percentage > 0.8 && percentage <= 1.0, qPrintable(QString::number(percentage)));

    const QList<int> over = writes(sandbox, token, userId, 200, &throttled, &ok);
    QCOMPARE(over.size(), 200);
    QCOMPARE(over.count(204), 100);
    QCOMPARE(over.count(429), 100);
    const QJsonObject headers = throttled.value(QLatin1String("headers")).toObject();
    const QString retryAfter = headers.value(QLatin1String("Retry-After")).toString();
    QVERIFY2(retryAfter.contains(QLatin1Char('.')), qPrintable(retryAfter)); // fractional seconds
    QVERIFY(retryAfter.toDouble() > 0 && retryAfter.toDouble() <= 15);
    QCOMPARE(headers.value(QLatin1String("x-ms-throttle-scope")).toString(),
             QStringLiteral("Tenant_Application/Write/%1/%2")
                 .arg(sandbox.tenant().state().demoClientId, sandbox.tenantId()));
    const QJsonObject error =
        throttled.value(QLatin1String("body")).toObject().value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("code")).toString(), QStringLiteral("TooManyRequests"));
    QCOMPARE(error.value(QLatin1String("innerError")).toObject().value(QLatin1String("status")).toString(),
             QStringLiteral("429"));

    // A top-level write gets the same answer, with the Retry-After header on the response itself.
    const Reply direct = sandbox.graph(
        "PATCH", QStringLiteral("/users/") + userId, token, {{QStringLiteral("jobTitle"), QStringLiteral("direct")}});
    QCOMPARE(direct.status, 429);
    QVERIFY(direct.header("retry-after").toDouble() > 0);
    // Reads have their own budget and still pass.
    QCOMPARE(sandbox.graph("GET", QStringLiteral("/users/") + userId, token).status, 200);
    // Once the oldest writes leave the window, writes pass again.
    QTRY_COMPARE_WITH_TIMEOUT(sandbox
                                  .graph("PATCH",
                                         QStringLiteral("/users/") + userId,
                                         token,
                                         {{QStringLiteral("jobTitle"), QStringLiteral("later")}})
                                  .status,
                              204,
                              20000);
}

QTEST_GUILESS_MAIN(TestSandboxThrottling)
#include "tst_sandboxthrottling.moc"
