// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Client-side pacing on a synthetic clock: the budget is used up to the limit and no further, waits are exact,
// a 429 pauses everything, requests cost the resource units microsoft-graph-docs-contrib concepts/throttling-limits.md
// lists and their answers' x-ms-resource-unit corrects the account, and a share of the application's limits that our
// own use cannot explain (x-ms-throttle-limit-percentage) slows us.

#include "graph/pacer.h"

#include <QTest>

using M365::Graph::Pacer;
using M365::Graph::Response;

namespace {

Response answerWithUnits(const QByteArray &units)
{
    Response answer;
    answer.status = 200;
    if (!units.isNull()) {
        answer.headers.insert("x-ms-resource-unit", units);
    }
    return answer;
}

} // namespace

class TestPacer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fillsTheBudgetThenWaits();
    void steadyStateRateIsTheBudget();
    void throttledPausesEverything();
    void externalUseShrinksOurShare();
    void ownWritesInFlightAreNotOthers();
    void windowMarginIsRelativeWithAFloor();
    void readsUseOnlyResourceUnits();
    void documentedCosts_data();
    void documentedCosts();
    void readsOfTwoOrThreeUnitsFillTheBudgetSooner();
    void answeredCostCorrectsTheAccount();
    void answerWithoutAValidHeaderKeepsTheEstimate_data();
    void answerWithoutAValidHeaderKeepsTheEstimate();
    void batchCostsWhatItsRequestsCost();
    void limitPercentageOnAReadCounts();
    void limitPercentageExplainedByOurResourceUnitsIsOurs();
    void othersShrinkTheResourceUnitShareToo();
};

void TestPacer::fillsTheBudgetThenWaits()
{
    Pacer pacer;
    Pacer::Budget budget;
    budget.writes = 100;
    budget.writeWindowSeconds = 10;
    budget.resourceUnits = 100000;
    pacer.setBudget(budget);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(pacer.reserve(20, 20, 1000), 0); // 100 writes fit at once
    }
    // The next 20 wait until the first 20 leave the (slightly widened) window: 10 s + 150 ms after t = 1000 ms.
    QCOMPARE(pacer.reserve(20, 20, 2000), qint64(1000 + 10150 + 1 - 2000));
    QVERIFY(pacer.isSlowed(2000));
    QCOMPARE(pacer.writesInWindow(2000), 120);
}

void TestPacer::windowMarginIsRelativeWithAFloor()
{
    // Microsoft's 150 s write window: 0.5 % (750 ms) more. A time-scaled 6 s window: not 30 ms, but 150 ms.
    QCOMPARE(Pacer::windowMs(150), qint64(150750));
    QCOMPARE(Pacer::windowMs(6), qint64(6150));
}

void TestPacer::steadyStateRateIsTheBudget()
{
    Pacer pacer;
    Pacer::Budget budget;
    budget.writes = 3000;
    budget.writeWindowSeconds = 150;
    pacer.setBudget(budget);
    qint64 now = 0;
    qint64 lastSend = 0;
    int sent = 0;
    // Reserve 20 at a time, each as soon as allowed, for 10 windows.
    while (lastSend < 10 * 150000) {
        const qint64 wait = pacer.reserve(20, 20, now);
        now += wait;
        lastSend = now;
        sent += 20;
    }
    const double rate = sent / (lastSend / 1000.0);
    const double budgetRate = 3000 / 150.0;
    QVERIFY2(rate <= budgetRate * 1.11, qPrintable(QString::number(rate))); // one initial burst over ten windows
    QVERIFY2(rate >= budgetRate * 0.98, qPrintable(QString::number(rate)));
    // Never more than the budget inside any window of the service's length.
    QVERIFY(pacer.writesInWindow(now) <= 3000);
}

void TestPacer::throttledPausesEverything()
{
    Pacer pacer;
    pacer.pauseFor(2.5, 10000);
    QCOMPARE(pacer.reserve(1, 1, 10000), 2500);
    QCOMPARE(pacer.reserve(0, 1, 11000), 1500);
    QVERIFY(pacer.isSlowed(11000));
    QVERIFY(!pacer.isSlowed(12600));
}

void TestPacer::externalUseShrinksOurShare()
{
    Pacer pacer;
    Pacer::Budget budget;
    budget.writes = 1000;
    budget.writeWindowSeconds = 100;
    pacer.setBudget(budget);
    QCOMPARE(pacer.reserve(100, 100, 0), 0);
    // The service says 90 % of the budget is used; we sent 100 of 1,000, so others used about 800.
    pacer.observeLimitPercentage(0.9, 900, 1000);
    QVERIFY(pacer.isSlowed(1000));
    QCOMPARE(pacer.reserve(100, 100, 1000), 0); // 200 of our remaining share of 200
    QVERIFY(pacer.reserve(100, 100, 1000) > 0); // the next 100 would exceed it
}

void TestPacer::ownWritesInFlightAreNotOthers()
{
    Pacer pacer;
    Pacer::Budget budget;
    budget.writes = 1000;
    budget.writeWindowSeconds = 10;
    pacer.setBudget(budget);
    // 900 writes sent over the first 10 s; one request sent at 10.0 s comes back at 10.3 s saying 90 % in use.
    for (int t = 0; t < 9000; t += 100) {
        pacer.reserve(10, 0, t);
    }
    // By 10.3 s the writes of 0–0.3 s left the window on our side but were in it when the service counted:
    // still ours, not a second app.
    pacer.observeLimitPercentage(0.9, 10000, 10300);
    QVERIFY(!pacer.isSlowed(10300));
    // Later, with none of our writes in the window, 99 % in use: others use the budget.
    pacer.observeLimitPercentage(0.99, 19000, 19100);
    QVERIFY(pacer.isSlowed(19100));
}

void TestPacer::readsUseOnlyResourceUnits()
{
    Pacer pacer;
    Pacer::Budget budget;
    budget.writes = 1;
    budget.resourceUnits = 10;
    budget.resourceUnitWindowSeconds = 1;
    pacer.setBudget(budget);
    QCOMPARE(pacer.reserve(1, 1, 0), 0);
    for (int i = 0; i < 9; ++i) {
        QCOMPARE(pacer.reserve(0, 1, 0), 0); // reads are not held back by the write budget
    }
    QVERIFY(pacer.reserve(0, 1, 0) > 0); // but by resource units
}

void TestPacer::documentedCosts_data()
{
    // microsoft-graph-docs-contrib concepts/throttling-limits.md, "Identity and access service limits": the table of
    // base request costs and the other factors that affect a request cost.
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("writes");
    QTest::addColumn<int>("units");
    QTest::newRow("GET users") << QByteArray("GET") << QStringLiteral("/users") << 0 << 2;
    QTest::newRow("GET users, $select") << QByteArray("GET") << QStringLiteral("/users?$select=id,displayName") << 0
                                        << 1;
    QTest::newRow("GET users, select without $") << QByteArray("GET") << QStringLiteral("/users?select=id") << 0 << 1;
    QTest::newRow("GET users, $top 999") << QByteArray("GET") << QStringLiteral("/users?$top=999") << 0 << 2;
    QTest::newRow("GET users, $top 5") << QByteArray("GET") << QStringLiteral("/users?$top=5") << 0 << 1;
    QTest::newRow("GET users, $expand") << QByteArray("GET") << QStringLiteral("/users?$expand=manager") << 0 << 3;
    QTest::newRow("GET users, nextLink") << QByteArray("GET")
                                         << QStringLiteral("https://graph.microsoft.com/v1.0/users?$skiptoken=X") << 0
                                         << 2;
    QTest::newRow("GET one user") << QByteArray("GET") << QStringLiteral("/users/42") << 0 << 1;
    QTest::newRow("GET subscribedSkus") << QByteArray("GET") << QStringLiteral("/subscribedSkus") << 0 << 3;
    QTest::newRow("GET group members") << QByteArray("GET") << QStringLiteral("/groups/g1/members") << 0 << 3;
    QTest::newRow("GET transitiveMembers")
        << QByteArray("GET") << QStringLiteral("/groups/g1/transitiveMembers") << 0 << 5;
    QTest::newRow("GET user's memberOf, as me/") << QByteArray("GET") << QStringLiteral("/users/42/memberOf") << 0 << 2;
    QTest::newRow("POST getByIds is a read")
        << QByteArray("POST") << QStringLiteral("/directoryObjects/getByIds") << 0 << 3;
    QTest::newRow("POST checkMemberGroups")
        << QByteArray("POST") << QStringLiteral("/users/42/checkMemberGroups") << 0 << 4;
    QTest::newRow("POST users") << QByteArray("POST") << QStringLiteral("/users") << 1 << 1;
    QTest::newRow("PATCH user") << QByteArray("PATCH") << QStringLiteral("/users/42") << 1 << 1;
    QTest::newRow("DELETE member") << QByteArray("DELETE") << QStringLiteral("/groups/g1/members/42/$ref") << 1 << 1;
    QTest::newRow("never below 1") << QByteArray("GET") << QStringLiteral("/users/42?$select=id&$top=1") << 0 << 1;
}

void TestPacer::documentedCosts()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, writes);
    QFETCH(int, units);
    const Pacer::Cost cost = Pacer::costOf(method, path);
    QCOMPARE(cost.writes, writes);
    QCOMPARE(cost.resourceUnits, units);
}

void TestPacer::readsOfTwoOrThreeUnitsFillTheBudgetSooner()
{
    Pacer::Budget budget;
    budget.resourceUnits = 12;
    budget.resourceUnitWindowSeconds = 10;
    {
        // GET /users costs 2: six reads fill 12 units, the seventh waits for the first to leave the window.
        Pacer pacer;
        pacer.setBudget(budget);
        const Pacer::Cost cost = Pacer::costOf("GET", QStringLiteral("/users"));
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(pacer.reserve(cost.writes, cost.resourceUnits, 1000), 0);
        }
        QCOMPARE(pacer.reserve(cost.writes, cost.resourceUnits, 1000), qint64(10150 + 1));
    }
    {
        // GET /subscribedSkus costs 3: four reads.
        Pacer pacer;
        pacer.setBudget(budget);
        const Pacer::Cost cost = Pacer::costOf("GET", QStringLiteral("/subscribedSkus"));
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(pacer.reserve(cost.writes, cost.resourceUnits, 1000), 0);
        }
        QVERIFY(pacer.reserve(cost.writes, cost.resourceUnits, 1000) > 0);
        QCOMPARE(pacer.resourceUnitsInWindow(1000), 15);
    }
}

void TestPacer::answeredCostCorrectsTheAccount()
{
    Pacer pacer;
    Pacer::Budget budget;
    budget.resourceUnits = 10;
    budget.resourceUnitWindowSeconds = 10;
    pacer.setBudget(budget);
    // GET /users/42 is estimated at 1; the service says it cost 4.
    const Pacer::Cost cost = Pacer::costOf("GET", QStringLiteral("/users/42"));
    QCOMPARE(cost.resourceUnits, 1);
    const qint64 scheduled = 1000 + pacer.reserve(0, cost.resourceUnits, 1000);
    pacer.correctResourceUnits(scheduled, cost.resourceUnits, Pacer::resourceUnitsOf(answerWithUnits("4"), 1));
    QCOMPARE(pacer.resourceUnitsInWindow(1100), 4);
    QCOMPARE(pacer.resourceUnitsUsed(), 4);
    // Six more fit, not nine.
    QCOMPARE(pacer.reserve(0, 6, 1100), 0);
    QVERIFY(pacer.reserve(0, 1, 1100) > 0);

    // And downwards: 3 estimated, 1 reported, gives two back.
    Pacer other;
    other.setBudget(budget);
    const qint64 at = 5000 + other.reserve(0, 3, 5000);
    other.correctResourceUnits(at, 3, Pacer::resourceUnitsOf(answerWithUnits("1"), 3));
    QCOMPARE(other.resourceUnitsInWindow(5000), 1);
    QCOMPARE(other.reserve(0, 9, 5000), 0);
}

void TestPacer::answerWithoutAValidHeaderKeepsTheEstimate_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("absent") << QByteArray();
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("not a number") << QByteArray("two");
    QTest::newRow("zero") << QByteArray("0");
    QTest::newRow("negative") << QByteArray("-3");
    QTest::newRow("huge") << QByteArray("99999999999");
}

void TestPacer::answerWithoutAValidHeaderKeepsTheEstimate()
{
    QFETCH(QByteArray, header);
    QCOMPARE(Pacer::resourceUnitsOf(answerWithUnits(header), 2), 2);
    QCOMPARE(Pacer::resourceUnitsOf(answerWithUnits(" 3 "), 2), 3);
}

void TestPacer::batchCostsWhatItsRequestsCost()
{
    // microsoft-graph-docs-contrib concepts/json-batching.md: the requests of a $batch are evaluated one by one, and
    // each sub-response carries its own x-ms-resource-unit.
    QHash<QString, Response> answers;
    answers.insert(QStringLiteral("1"), answerWithUnits("3"));
    answers.insert(QStringLiteral("2"), answerWithUnits(QByteArray())); // no header: its estimate
    answers.insert(QStringLiteral("3"), answerWithUnits("1"));
    const QList<QPair<QString, int>> estimates{
        {QStringLiteral("1"), 1}, {QStringLiteral("2"), 2}, {QStringLiteral("3"), 2}, {QStringLiteral("4"), 5}};
    // 3 + 2 + 1, and 5 for the request the answer lacks.
    QCOMPARE(Pacer::resourceUnitsOfBatch(answers, estimates), 11);
}

void TestPacer::limitPercentageOnAReadCounts()
{
    // The header is the application's use of one of its limits, on any answer: a read's answer saying 95 % while we
    // used almost nothing means someone else spends this app's budget.
    Pacer pacer;
    Pacer::Budget budget;
    budget.writes = 1000;
    budget.writeWindowSeconds = 100;
    budget.resourceUnits = 100000;
    pacer.setBudget(budget);
    QCOMPARE(pacer.reserve(0, 2, 0), 0);
    pacer.observeLimitPercentage(0.85, 0, 100);
    QVERIFY(pacer.isSlowed(100));
    // About 85 % of the write budget is not ours now: 150 writes fit, not 1,000.
    QCOMPARE(pacer.reserve(150, 0, 100), 0);
    QVERIFY(pacer.reserve(10, 0, 100) > 0);
}

void TestPacer::limitPercentageExplainedByOurResourceUnitsIsOurs()
{
    // The page does not say which limit: 90 % when we spent 90 % of the resource units ourselves is our own use, even
    // on the answer to a write and with hardly any writes of ours.
    Pacer pacer;
    Pacer::Budget budget;
    budget.writes = 1000;
    budget.writeWindowSeconds = 100;
    budget.resourceUnits = 100;
    budget.resourceUnitWindowSeconds = 10;
    pacer.setBudget(budget);
    for (int i = 0; i < 89; ++i) {
        QCOMPARE(pacer.reserve(0, 1, 0), 0);
    }
    QCOMPARE(pacer.reserve(1, 1, 0), 0);
    pacer.observeLimitPercentage(0.9, 0, 200);
    QVERIFY(!pacer.isSlowed(200));
    QCOMPARE(pacer.reserve(100, 10, 200), 0); // the write budget is all ours still
}

void TestPacer::othersShrinkTheResourceUnitShareToo()
{
    Pacer pacer;
    Pacer::Budget budget;
    budget.writes = 1000;
    budget.writeWindowSeconds = 100;
    budget.resourceUnits = 100;
    budget.resourceUnitWindowSeconds = 10;
    pacer.setBudget(budget);
    // Nothing of ours in the windows, and 90 % in use: 10 units are left for us until the unit window has passed.
    pacer.observeLimitPercentage(0.9, 0, 100);
    QCOMPARE(pacer.reserve(0, 10, 100), 0);
    QVERIFY(pacer.reserve(0, 1, 100) > 0);
    QVERIFY(pacer.isSlowed(100));
    QVERIFY(!pacer.isSlowed(100 + Pacer::windowMs(budget.writeWindowSeconds)));
}

QTEST_GUILESS_MAIN(TestPacer)
#include "tst_pacer.moc"
