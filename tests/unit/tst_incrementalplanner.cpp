// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// IncrementalPlanner against Planner::plan(): after each of many random edits of a directory (with links, foreign
// cloud accounts, duplicate user names, groups, licences by group, exclusions, a scope filter, soft matching), the
// plan made from the changed users alone must equal the full plan. The test also counts that both ways were taken,
// so that it cannot pass by always planning everything.

#include "sync/directorysnapshot.h"
#include "sync/incrementalplanner.h"
#include "sync/planner.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

using namespace M365::Sync;
using M365::Directory::ChangeEvent;
using M365::Directory::DirectoryEntry;
using M365::Directory::EntryKind;

namespace {

const QString skuE3 = QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900");
const QString skuE1 = QStringLiteral("18181a46-0d4e-45cd-891e-60aabd171b4e");

const QStringList titles{QStringLiteral("Engineer"), QStringLiteral("Manager"), QStringLiteral("Clerk")};
const QStringList countries{QStringLiteral("DE"), QStringLiteral("FR"), QString()};

QString dnOf(const QString &uid)
{
    return QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(uid);
}

DirectoryEntry person(int n, QRandomGenerator &random)
{
    DirectoryEntry e;
    e.kind = EntryKind::User;
    const QString uid = QStringLiteral("u%1").arg(n);
    e.dn = dnOf(uid);
    e.anchor = QStringLiteral("A-%1").arg(n);
    e.anchorAttribute = QStringLiteral("entryuuid");
    e.addValue(QStringLiteral("objectClass"), QStringLiteral("inetOrgPerson"));
    e.addValue(QStringLiteral("uid"), uid);
    e.addValue(QStringLiteral("cn"), QStringLiteral("User %1").arg(n));
    e.addValue(QStringLiteral("mail"), uid + QStringLiteral("@example.org"));
    e.addValue(QStringLiteral("title"), titles.at(random.bounded(int(titles.size()))));
    const QString country = countries.at(random.bounded(int(countries.size())));
    if (!country.isEmpty()) {
        e.addValue(QStringLiteral("c"), country);
    }
    return e;
}

void setValue(DirectoryEntry &e, const QString &attribute, const QString &value)
{
    e.attributes.remove(attribute.toLower());
    if (!value.isEmpty()) {
        e.addValue(attribute, value);
    }
}

/// A random edit of one user, from harmless (a title) to ones that touch other objects (a user name taken by
/// someone else, a new mail for soft matching).
void edit(DirectoryEntry &e, QRandomGenerator &random, int users)
{
    switch (random.bounded(8)) {
    case 0:
    case 1:
        setValue(e,
                 QStringLiteral("title"),
                 titles.at(random.bounded(int(titles.size()))) + QString::number(random.bounded(3)));
        break;
    case 2:
        setValue(e, QStringLiteral("c"), countries.at(random.bounded(int(countries.size()))));
        break;
    case 3:
        setValue(e, QStringLiteral("cn"), QStringLiteral("Renamed %1").arg(random.bounded(1000)));
        break;
    case 4:
        setValue(e, QStringLiteral("uid"), QStringLiteral("u%1").arg(random.bounded(users + 5)));
        break;
    case 5:
        setValue(e, QStringLiteral("mail"), QStringLiteral("u%1@example.org").arg(random.bounded(users + 5)));
        break;
    case 6:
        e.disabled = !e.disabled;
        break;
    case 7:
        setValue(e, QStringLiteral("manager"), dnOf(QStringLiteral("u%1").arg(random.bounded(users + 5))));
        break;
    }
}

struct World
{
    PlanInput input;
    int users = 0;
};

/// A tenant half synced with the directory, with strangers in the way.
World makeWorld(QRandomGenerator &random, bool softMatch, bool scopeFilter, bool exclusions, bool managers = false)
{
    World w;
    PlanInput &in = w.input;
    in.rules = MappingRules::defaults();
    if (managers) {
        in.rules.rules.append(AttributeRule{QStringLiteral("manager"), QStringLiteral("manager"), {}, {}});
    }
    in.rules.domain = QStringLiteral("example.org");
    in.rules.anonymizeSalt = "test-salt";
    in.options.softMatch = softMatch;
    in.options.syncGroups = true;
    w.users = 40;
    for (int n = 0; n < w.users; ++n) {
        DirectoryEntry e = person(n, random);
        if (n > 0) {
            e.addValue(QStringLiteral("manager"), dnOf(QStringLiteral("u%1").arg(n / 3)));
        }
        if (n % 13 == 5) {
            setValue(e, QStringLiteral("uid"), QStringLiteral("u%1").arg(n - 1)); // a duplicate user name
        }
        in.users.append(e);
        if (n % 3 != 0) {
            // Synced before, with the cloud as the rules wrote it (sometimes drifted since).
            MappedUser m = in.rules.map(e);
            QJsonObject cloud = m.toObject();
            const QString id = QStringLiteral("id-%1").arg(n);
            cloud.insert(QStringLiteral("id"), id);
            cloud.insert(QStringLiteral("onPremisesImmutableId"), Planner::immutableId(e));
            if (n % 4 == 0) {
                cloud.insert(QStringLiteral("jobTitle"), QStringLiteral("Drifted"));
            }
            if (n % 5 == 0) {
                QJsonObject licence;
                licence.insert(QStringLiteral("skuId"), skuE1);
                cloud.insert(QStringLiteral("assignedLicenses"), QJsonArray{licence});
            }
            in.cloud.addUser(cloud);
            in.links.insert(e.anchor, Link{e.anchor, Change::ObjectType::User, id, m.toObject(), {}});
        }
    }
    // Strangers: accounts nobody manages whose names or mail the directory's users may want.
    for (int n = 0; n < 8; ++n) {
        const QString uid = QStringLiteral("u%1").arg(3 * n + 40 * (n % 2)); // some in the directory, some not yet
        in.cloud.addUser(
            QJsonObject{{QStringLiteral("id"), QStringLiteral("stranger-%1").arg(n)},
                        {QStringLiteral("userPrincipalName"), QString(uid + QStringLiteral("@example.org"))},
                        {QStringLiteral("mail"), QStringLiteral("u%1@example.org").arg(n + 20)},
                        {QStringLiteral("displayName"), QStringLiteral("Stranger")},
                        {QStringLiteral("accountEnabled"), true}});
    }
    in.cloud.adminUserIds.insert(QStringLiteral("stranger-1"));
    // A link whose directory user is gone.
    in.links.insert(QStringLiteral("A-gone"),
                    Link{QStringLiteral("A-gone"), Change::ObjectType::User, QStringLiteral("id-1"), {}, {}});

    DirectoryEntry staff;
    staff.kind = EntryKind::Group;
    staff.dn = QStringLiteral("cn=staff,ou=groups,dc=example,dc=org");
    staff.anchor = QStringLiteral("G-staff");
    staff.addValue(QStringLiteral("cn"), QStringLiteral("staff"));
    for (int n = 0; n < w.users; n += 2) {
        staff.addValue(QStringLiteral("member"), dnOf(QStringLiteral("u%1").arg(n)));
    }
    DirectoryEntry all = staff;
    all.dn = QStringLiteral("cn=all,ou=groups,dc=example,dc=org");
    all.anchor = QStringLiteral("G-all");
    all.attributes.remove(QStringLiteral("member"));
    all.attributes.remove(QStringLiteral("cn"));
    all.addValue(QStringLiteral("cn"), QStringLiteral("all"));
    all.addValue(QStringLiteral("member"), staff.dn);
    for (int n = 1; n < w.users; n += 4) {
        all.addValue(QStringLiteral("member"), dnOf(QStringLiteral("u%1").arg(n)));
    }
    in.groups = {staff, all};
    in.options.skuByGroup.insert(QStringLiteral("G-staff"), skuE3);
    in.options.defaultSkuId = skuE1;
    in.cloud.subscribedSkus = {
        QJsonObject{{QStringLiteral("skuId"), skuE3},
                    {QStringLiteral("skuPartNumber"), QStringLiteral("ENTERPRISEPACK")},
                    {QStringLiteral("prepaidUnits"), QJsonObject{{QStringLiteral("enabled"), 12}}},
                    {QStringLiteral("consumedUnits"), 2}},
        QJsonObject{{QStringLiteral("skuId"), skuE1},
                    {QStringLiteral("skuPartNumber"), QStringLiteral("STANDARDPACK")},
                    {QStringLiteral("prepaidUnits"), QJsonObject{{QStringLiteral("enabled"), 100}}},
                    {QStringLiteral("consumedUnits"), 8}}};
    if (scopeFilter) {
        in.scope = Scope::fromFilter(QStringLiteral("(!(title=Clerk))")).value;
    }
    if (exclusions) {
        Change excluded;
        excluded.objectType = Change::ObjectType::User;
        excluded.anchor = QStringLiteral("A-7");
        in.exclusions.add(excluded);
    }
    return w;
}

/// Only these users changed, in place.
DirectoryChanges modified(const QSet<QString> &anchors = {})
{
    DirectoryChanges changes;
    changes.structural = false;
    changes.modifiedUsers = anchors;
    return changes;
}

/// A planner that has made its first plan of @p world's input.
struct PlannedWorld
{
    explicit PlannedWorld(quint32 seed)
    {
        QRandomGenerator random(seed);
        world = makeWorld(random, false, false, false);
        planner.plan(world.input, DirectoryChanges(), true, planner.ticket());
    }
    World world;
    IncrementalPlanner planner;
};

/// The difference between two plans as text, for a failure message that says where.
QString firstDifference(const ChangePlan &a, const ChangePlan &b)
{
    if (a.unchangedUsers != b.unchangedUsers) {
        return QStringLiteral("unchanged users %1 vs %2").arg(a.unchangedUsers).arg(b.unchangedUsers);
    }
    if (!(a.seats == b.seats)) {
        return QStringLiteral("seats differ");
    }
    if (a.excluded.size() != b.excluded.size()) {
        return QStringLiteral("%1 vs %2 excluded").arg(a.excluded.size()).arg(b.excluded.size());
    }
    for (qsizetype i = 0; i < std::min(a.changes.size(), b.changes.size()); ++i) {
        if (!(a.changes.at(i) == b.changes.at(i))) {
            return QStringLiteral("change %1: %2 %3 vs %4 %5")
                .arg(i)
                .arg(Change::kindName(a.changes.at(i).kind), a.changes.at(i).anchor)
                .arg(Change::kindName(b.changes.at(i).kind), b.changes.at(i).anchor);
        }
    }
    return QStringLiteral("%1 vs %2 changes").arg(a.changes.size()).arg(b.changes.size());
}

} // namespace

class TestIncrementalPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void equalsFullPlanAfterRandomEdits_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<bool>("softMatch");
        QTest::addColumn<bool>("scopeFilter");
        QTest::addColumn<bool>("exclusions");
        QTest::addColumn<bool>("managers");
        QTest::newRow("plain") << 1u << false << false << false << false;
        QTest::newRow("soft matching") << 2u << true << false << false << false;
        QTest::newRow("scope filter") << 3u << false << true << false << false;
        QTest::newRow("exclusions") << 4u << false << false << true << false;
        QTest::newRow("managers") << 6u << false << false << false << true;
        QTest::newRow("everything") << 5u << true << true << true << true;
    }

    void equalsFullPlanAfterRandomEdits()
    {
        QFETCH(quint32, seed);
        QFETCH(bool, softMatch);
        QFETCH(bool, scopeFilter);
        QFETCH(bool, exclusions);
        QFETCH(bool, managers);
        QRandomGenerator random(seed);
        World world = makeWorld(random, softMatch, scopeFilter, exclusions, managers);
        PlanInput &in = world.input;

        IncrementalPlanner planner;
        bool incremental = true;
        QCOMPARE(planner.plan(in, DirectoryChanges(), true, planner.ticket(), &incremental), Planner::plan(in));
        QVERIFY2(!incremental, "the first plan plans everything");

        int incrementalPlans = 0;
        int fullPlans = 0;
        constexpr int Rounds = 400;
        for (int round = 0; round < Rounds; ++round) {
            DirectoryChanges changes = modified();
            const int edits = 1 + random.bounded(3);
            for (int i = 0; i < edits; ++i) {
                const int n = random.bounded(int(in.users.size()));
                edit(in.users[n], random, world.users);
                changes.modifiedUsers.insert(in.users.at(n).anchor);
            }
            const ChangePlan expected = Planner::plan(in);
            const ChangePlan actual = planner.plan(in, changes, true, planner.ticket(), &incremental);
            QVERIFY2(actual == expected,
                     qPrintable(QStringLiteral("round %1 (%2): %3")
                                    .arg(round)
                                    .arg(incremental ? QStringLiteral("incremental") : QStringLiteral("full"),
                                         firstDifference(actual, expected))));
            ++(incremental ? incrementalPlans : fullPlans);
        }
        // Most edits touch nothing but the user itself; some must fall back (user names taken, duplicates).
        QVERIFY2(incrementalPlans > Rounds / 3, qPrintable(QString::number(incrementalPlans)));
        QVERIFY2(fullPlans > 10, qPrintable(QString::number(fullPlans)));
    }

    void aUserThatLostItsNameToAnotherStaysInConflict()
    {
        // Planned alone, the second of two users with one user name would be created: the full plan says conflict.
        QRandomGenerator random(10);
        PlanInput in;
        in.rules = MappingRules::defaults();
        in.rules.domain = QStringLiteral("example.org");
        in.users = {person(1, random), person(2, random), person(3, random)};
        setValue(in.users[2], QStringLiteral("uid"), QStringLiteral("u1"));
        IncrementalPlanner planner;
        planner.plan(in, DirectoryChanges(), true, planner.ticket());
        QCOMPARE(Planner::plan(in).changes.at(2).kind, Change::Kind::Conflict);

        setValue(in.users[2], QStringLiteral("title"), QStringLiteral("Chief"));
        const DirectoryChanges changes = modified({in.users.at(2).anchor});
        bool incremental = true;
        QCOMPARE(planner.plan(in, changes, true, planner.ticket(), &incremental), Planner::plan(in));
        QVERIFY(!incremental);
    }

    void plansEverythingWhenTheContextChanged()
    {
        PlannedWorld planned(7);
        PlanInput &in = planned.world.input;
        IncrementalPlanner &planner = planned.planner;
        bool incremental = false;
        setValue(in.users[4], QStringLiteral("title"), QStringLiteral("Chief"));
        DirectoryChanges changes = modified({in.users.at(4).anchor});

        // The tenant changed: everything again.
        QCOMPARE(planner.plan(in, changes, false, planner.ticket(), &incremental), Planner::plan(in));
        QVERIFY(!incremental);
        // The same edit again, with nothing else new: only that user.
        setValue(in.users[4], QStringLiteral("title"), QStringLiteral("Boss"));
        QCOMPARE(planner.plan(in, changes, true, planner.ticket(), &incremental), Planner::plan(in));
        QVERIFY(incremental);
        // Changed settings, links or a structural change: everything.
        in.options.disablePrefix = QStringLiteral("OLD_");
        QCOMPARE(planner.plan(in, changes, true, planner.ticket(), &incremental), Planner::plan(in));
        QVERIFY(!incremental);
        in.links.remove(QStringLiteral("A-gone"));
        QCOMPARE(planner.plan(in, changes, true, planner.ticket(), &incremental), Planner::plan(in));
        QVERIFY(!incremental);
        changes.structural = true;
        QCOMPARE(planner.plan(in, changes, true, planner.ticket(), &incremental), Planner::plan(in));
        QVERIFY(!incremental);
    }

    void aPlanThatCameLateDoesNotBecomeTheBase()
    {
        PlannedWorld planned(8);
        PlanInput &in = planned.world.input;
        IncrementalPlanner &planner = planned.planner;
        bool incremental = false;
        DirectoryChanges changes = modified();

        const PlanInput older = in;
        const quint64 olderTicket = planner.ticket();
        setValue(in.users[4], QStringLiteral("title"), QStringLiteral("Chief"));
        changes.modifiedUsers = {in.users.at(4).anchor};
        const quint64 newerTicket = planner.ticket();
        // The newer plan runs first: it does not follow the last plan directly, so everything is planned.
        QCOMPARE(planner.plan(in, changes, true, newerTicket, &incremental), Planner::plan(in));
        QVERIFY(!incremental);
        // The older one, late: right for its own input, and the state stays with the newer plan.
        QCOMPARE(planner.plan(older, DirectoryChanges(), true, olderTicket, &incremental), Planner::plan(older));
        setValue(in.users[6], QStringLiteral("title"), QStringLiteral("Boss"));
        changes.modifiedUsers = {in.users.at(6).anchor};
        QCOMPARE(planner.plan(in, changes, true, planner.ticket(), &incremental), Planner::plan(in));
        QVERIFY(incremental);
    }

    void snapshotCountsWhatChanged()
    {
        DirectorySnapshot snapshot;
        QRandomGenerator random(9);
        snapshot.reset({person(1, random), person(2, random)}, {}, {});
        QVERIFY(snapshot.takeChanges().structural); // filled: everything is new
        DirectoryChanges none = snapshot.takeChanges();
        QVERIFY(!none.structural);
        QVERIFY(none.modifiedUsers.isEmpty());

        ChangeEvent modified;
        modified.kind = ChangeEvent::Modified;
        modified.entry = person(2, random);
        setValue(modified.entry, QStringLiteral("title"), QStringLiteral("Chief"));
        snapshot.apply(modified);
        DirectoryChanges changes = snapshot.takeChanges();
        QVERIFY(!changes.structural);
        QCOMPARE(changes.modifiedUsers, QSet<QString>{QStringLiteral("A-2")});

        ChangeEvent added;
        added.kind = ChangeEvent::Added;
        added.entry = person(3, random);
        snapshot.apply(added);
        QVERIFY(snapshot.takeChanges().structural);
        ChangeEvent deleted;
        deleted.kind = ChangeEvent::Deleted;
        deleted.anchor = QStringLiteral("A-1");
        snapshot.apply(deleted);
        QVERIFY(snapshot.takeChanges().structural);
    }
};

QTEST_GUILESS_MAIN(TestIncrementalPlanner)
#include "tst_incrementalplanner.moc"
