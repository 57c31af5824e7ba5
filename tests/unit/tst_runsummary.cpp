// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/runsummary.h"
#include "sync/statestore.h"

#include <QTest>

using namespace M365::Sync;
using Kind = Change::Kind;
using Type = Change::ObjectType;

Q_DECLARE_METATYPE(M365::Sync::ChangePlan)
Q_DECLARE_METATYPE(M365::Sync::ApplyOptions)

namespace {

Change change(Kind kind, Type type = Type::User, const QJsonObject &payload = {{QStringLiteral("city"), 1}})
{
    Change c;
    c.kind = kind;
    c.objectType = type;
    c.anchor = QStringLiteral("a%1").arg(int(kind));
    c.payload = payload;
    return c;
}

Change membership(int added, int removed)
{
    Change c = change(Kind::Update, Type::Membership, {});
    for (int i = 0; i < added; ++i) {
        c.membersToAdd.append({QStringLiteral("add%1").arg(i), {}});
    }
    for (int i = 0; i < removed; ++i) {
        c.membersToRemove.append({QStringLiteral("rm%1").arg(i), QStringLiteral("id%1").arg(i)});
    }
    return c;
}

ChangePlan planOf(const QList<Change> &changes)
{
    ChangePlan plan;
    plan.changes = changes;
    return plan;
}

/// Expected counts, in the order of the table's columns.
struct Counts
{
    int creates, updates, disables, deletes, enables, links, licences, groups, added, removed, skipped;
};

} // namespace

/// The numbers of the confirmation before Synchronize Now: counts per kind, write requests and the time they take.
class TestRunSummary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void build_data();
    void build();
    void text();
    void measuredRateFromHistory();
};

void TestRunSummary::build_data()
{
    QTest::addColumn<ChangePlan>("plan");
    QTest::addColumn<ApplyOptions>("options");
    QTest::addColumn<double>("measured");
    QTest::addColumn<QList<int>>("counts"); // Counts, flattened
    QTest::addColumn<int>("requests");
    QTest::addColumn<qint64>("estimatedMs");

    const auto row = [](const char *name,
                        const QList<Change> &changes,
                        const ApplyOptions &options,
                        double measured,
                        const Counts &c,
                        int requests,
                        qint64 ms) {
        QTest::newRow(name) << planOf(changes) << options << measured
                            << QList<int>{c.creates,
                                          c.updates,
                                          c.disables,
                                          c.deletes,
                                          c.enables,
                                          c.links,
                                          c.licences,
                                          c.groups,
                                          c.added,
                                          c.removed,
                                          c.skipped}
                            << requests << ms;
    };

    row("empty", {}, {}, 0, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 0);
    // 3,000 writes per 150 s: 20 a second, so 8 requests take 400 ms.
    row("one of each object kind",
        {change(Kind::Create),
         change(Kind::Create, Type::Group),
         change(Kind::Update),
         change(Kind::Disable),
         change(Kind::Delete, Type::User, {}),
         change(Kind::Enable),
         change(Kind::Link)},
        {},
        0,
        {2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
        8,
        400);
    row("a disable is two requests",
        {change(Kind::Disable), change(Kind::Disable), change(Kind::Disable)},
        {},
        0,
        {0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0},
        6,
        300);
    // 45 additions are ceil(45/20) = 3 requests, 3 removals one each; 20 additions exactly one.
    row("members bound 20 to a request, removed one by one",
        {membership(45, 3), membership(20, 0), membership(0, 1)},
        {},
        0,
        {0, 0, 0, 0, 0, 0, 0, 3, 65, 4, 0},
        3 + 3 + 1 + 1,
        400);
    Change short1 = change(Kind::Update, Type::Licence);
    short1.exceedsSeats = true;
    row("licence changes one each, none without a seat",
        {change(Kind::Update, Type::Licence), change(Kind::Update, Type::Licence), short1},
        {},
        0,
        {0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1},
        2,
        100);
    row("conflicts and invalid changes are not sent",
        {change(Kind::Conflict), change(Kind::Invalid), change(Kind::Create)},
        {},
        0,
        {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2},
        1,
        50);
    row("a manager is one more request",
        {change(
             Kind::Create,
             Type::User,
             {{QStringLiteral("displayName"), QStringLiteral("A")}, {QStringLiteral("manager"), QStringLiteral("m")}}),
         change(Kind::Update, Type::User, {{QStringLiteral("manager"), QStringLiteral("m")}})},
        {},
        0,
        {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        3,
        150);
    ApplyOptions rows02;
    rows02.onlyIndices = {0, 2};
    row("only the checked rows",
        {change(Kind::Create), change(Kind::Disable), change(Kind::Update)},
        rows02,
        0,
        {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        2,
        100);
    ApplyOptions disables;
    disables.onlyKinds = {Kind::Disable};
    row("only some kinds",
        {change(Kind::Create), change(Kind::Disable), change(Kind::Disable)},
        disables,
        0,
        {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0},
        4,
        200);
    row("the last run's rate",
        QList<Change>(10, change(Kind::Create)),
        {},
        2.0,
        {10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        10,
        5000);
    row("a large first sync at the budget's rate",
        QList<Change>(6000, change(Kind::Create)),
        {},
        0,
        {6000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        6000,
        300000);
}

void TestRunSummary::build()
{
    QFETCH(ChangePlan, plan);
    QFETCH(ApplyOptions, options);
    QFETCH(double, measured);
    QFETCH(QList<int>, counts);
    QFETCH(int, requests);
    QFETCH(qint64, estimatedMs);

    const RunSummary s = RunSummary::build(plan, options, measured);
    const QList<int> actual{s.creates,
                            s.updates,
                            s.disables,
                            s.deletes,
                            s.enables,
                            s.links,
                            s.licenceChanges,
                            s.membershipChanges,
                            s.membersAdded,
                            s.membersRemoved,
                            s.skipped};
    QCOMPARE(actual, counts);
    QCOMPARE(s.writeRequests, requests);
    QCOMPARE(s.estimatedMs, estimatedMs);
    QCOMPARE(s.measuredRate, measured > 0);
    QCOMPARE(s.writesPerSecond, measured > 0 ? measured : 20.0);
}

void TestRunSummary::text()
{
    QLocale::setDefault(QLocale::c());
    const RunSummary s = RunSummary::build(
        planOf({change(Kind::Create), change(Kind::Create), change(Kind::Disable), membership(25, 1)}), {});
    QCOMPARE(s.text(),
             QStringLiteral("Create 2 user(s) or group(s)\n"
                            "Disable 1 user(s) or group(s)\n"
                            "Change the members of 1 group(s) (25 added, 1 removed)\n"
                            "\n"
                            "About 7 write request(s) to Microsoft Graph.\n"
                            "Estimated time: less than a minute (at most 20.0 writes/s, Microsoft Graph's write "
                            "budget)."));
    const RunSummary slow = RunSummary::build(planOf(QList<Change>(600, change(Kind::Update))), {}, 1.5);
    QVERIFY2(
        slow.text().endsWith(QStringLiteral("Estimated time: about 7 min (at 1.5 writes/s, as the last run went).")),
        qPrintable(slow.text()));
    QCOMPARE(RunSummary::build({}, {}).text().section(QLatin1Char('\n'), 0, 0), QStringLiteral("Nothing to apply."));
}

void TestRunSummary::measuredRateFromHistory()
{
    RunRecord run;
    run.started = QDateTime::fromSecsSinceEpoch(1000);
    run.ended = run.started.addSecs(50);
    run.counts.insert(QStringLiteral("writes"), 400);
    QCOMPARE(RunSummary::measuredWritesPerSecond(run), 8.0);
    // A run still going (or killed) has no end; a run without writes says nothing about the rate.
    RunRecord killed = run;
    killed.ended = {};
    QCOMPARE(RunSummary::measuredWritesPerSecond(killed), 0.0);
    RunRecord idle = run;
    idle.counts.insert(QStringLiteral("writes"), 0);
    QCOMPARE(RunSummary::measuredWritesPerSecond(idle), 0.0);
}

QTEST_GUILESS_MAIN(TestRunSummary)

#include "tst_runsummary.moc"
