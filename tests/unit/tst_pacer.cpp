// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Client-side pacing on a synthetic clock: the budget is used up to the limit and no further, waits are exact,
// a 429 pauses everything, and another app's use of the budget (seen in x-ms-throttle-limit-percentage) slows us.

#include "graph/pacer.h"

#include <QTest>

using M365::Graph::Pacer;

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
    pacer.observeLimitPercentage(0.9, true, 900, 1000);
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
    pacer.observeLimitPercentage(0.9, true, 10000, 10300);
    QVERIFY(!pacer.isSlowed(10300));
    // Later, with none of our writes in the window, 99 % in use: others use the budget.
    pacer.observeLimitPercentage(0.99, true, 19000, 19100);
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

QTEST_GUILESS_MAIN(TestPacer)
#include "tst_pacer.moc"
