// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/exclusions.h"
#include "sync/syncsettings.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using M365::Sync::Change;
using M365::Sync::ChangePlan;
using M365::Sync::Exclusions;
using M365::Sync::MemberRef;
using M365::Sync::SeatCount;
using M365::Sync::SyncSettings;

/*
 * Objects the admin took out of the sync: what a plan holds back for them, and how the profile keeps them.
 */
class TestExclusions : public QObject
{
    Q_OBJECT

    static Change change(Change::Kind kind, Change::ObjectType type, const QString &anchor, const QString &cloudId = {})
    {
        Change c;
        c.kind = kind;
        c.objectType = type;
        c.anchor = anchor;
        c.cloudId = cloudId;
        c.displayName = anchor.isEmpty() ? cloudId : anchor;
        return c;
    }

    static MemberRef member(const QString &anchor) { return MemberRef{anchor, {}}; }

    /// Ann and Bob are created, Ann gets a licence, both join "staff", "board" is a new group with Ann in it, and a
    /// cloud object without an anchor is deleted.
    static ChangePlan samplePlan()
    {
        ChangePlan plan;
        plan.changes.append(change(Change::Kind::Create, Change::ObjectType::User, QStringLiteral("ann")));
        plan.changes.append(change(Change::Kind::Create, Change::ObjectType::User, QStringLiteral("bob")));
        Change licence = change(Change::Kind::Update, Change::ObjectType::Licence, QStringLiteral("ann"));
        licence.payload = {{QStringLiteral("addLicenses"),
                            QJsonArray{QJsonObject{{QStringLiteral("skuId"), QStringLiteral("sku-e3")}}}},
                           {QStringLiteral("removeLicenses"), QJsonArray{}}};
        plan.changes.append(licence);
        plan.changes.append(change(Change::Kind::Create, Change::ObjectType::Group, QStringLiteral("board")));
        Change staff = change(Change::Kind::Update, Change::ObjectType::Membership, QStringLiteral("staff"), "g-staff");
        staff.membersToAdd = {member(QStringLiteral("ann")), member(QStringLiteral("bob"))};
        plan.changes.append(staff);
        Change board = change(Change::Kind::Update, Change::ObjectType::Membership, QStringLiteral("board"));
        board.membersToAdd = {member(QStringLiteral("ann"))};
        plan.changes.append(board);
        plan.changes.append(change(Change::Kind::Delete, Change::ObjectType::User, {}, QStringLiteral("cloud-7")));
        SeatCount seat;
        seat.skuId = QStringLiteral("sku-e3");
        seat.needed = 1;
        plan.seats.append(seat);
        return plan;
    }

private Q_SLOTS:
    void nothingExcludedChangesNothing()
    {
        ChangePlan plan = samplePlan();
        Exclusions().apply(&plan);
        QCOMPARE(plan, samplePlan());
    }

    void anExcludedUserIsLeftAlone()
    {
        ChangePlan plan = samplePlan();
        Exclusions exclusions;
        QVERIFY(exclusions.add(plan.changes.first()));
        QVERIFY(!exclusions.add(plan.changes.first())); // once is enough
        exclusions.apply(&plan);
        // Ann's create and her licence are held back, she joins no group; the "board" membership had only her.
        QCOMPARE(plan.excluded.size(), 2);
        QCOMPARE(plan.excluded.at(0).objectType, Change::ObjectType::User);
        QCOMPARE(plan.excluded.at(1).objectType, Change::ObjectType::Licence);
        QCOMPARE(plan.changes.size(), 4);
        const Change &staff = plan.changes.at(2);
        QCOMPARE(staff.objectType, Change::ObjectType::Membership);
        QCOMPARE(staff.membersToAdd, QList<MemberRef>{member(QStringLiteral("bob"))});
        for (const Change &c : plan.changes) {
            QVERIFY(c.anchor != QLatin1String("board") || c.objectType == Change::ObjectType::Group);
        }
        QCOMPARE(plan.seats.first().needed, 0);
    }

    void anExcludedGroupKeepsItsMembershipsToo()
    {
        ChangePlan plan = samplePlan();
        Exclusions exclusions;
        // Unchecking the membership row excludes the group itself.
        QVERIFY(exclusions.add(plan.changes.at(5)));
        QVERIFY(exclusions.contains(Change::ObjectType::Group, QStringLiteral("a:board")));
        exclusions.apply(&plan);
        QCOMPARE(plan.excluded.size(), 2);
        QCOMPARE(plan.excluded.at(0).objectType, Change::ObjectType::Group);
        QCOMPARE(plan.excluded.at(1).objectType, Change::ObjectType::Membership);
        QCOMPARE(plan.changes.size(), 5);
    }

    void aCloudOnlyObjectIsRecognisedByItsId()
    {
        ChangePlan plan = samplePlan();
        Exclusions exclusions;
        QVERIFY(exclusions.add(plan.changes.last()));
        QCOMPARE(exclusions.list().first().key, QStringLiteral("c:cloud-7"));
        exclusions.apply(&plan);
        QCOMPARE(plan.excluded.size(), 1);
        QCOMPARE(plan.excluded.first().kind, Change::Kind::Delete);
        // Without an anchor or a cloud id there is nothing to recognise the object by.
        QVERIFY(!exclusions.add(change(Change::Kind::Create, Change::ObjectType::User, {})));
    }

    void includedAgain()
    {
        ChangePlan plan = samplePlan();
        Exclusions exclusions;
        exclusions.add(plan.changes.first());
        QVERIFY(exclusions.remove(Change::ObjectType::Licence, QStringLiteral("a:ann")));
        QVERIFY(!exclusions.remove(Change::ObjectType::User, QStringLiteral("a:ann")));
        QVERIFY(exclusions.isEmpty());
        exclusions.apply(&plan);
        QCOMPARE(plan, samplePlan());
    }

    void keptInTheProfile()
    {
        SyncSettings settings;
        const QDateTime since(QDate(2026, 12, 3), QTime(17, 0), Qt::UTC);
        settings.exclusions.add(samplePlan().changes.first(), since);
        settings.exclusions.add(samplePlan().changes.last(), since);
        const auto read = SyncSettings::fromJson(settings.toJson());
        QVERIFY(read.ok());
        QCOMPARE(read.value.exclusions, settings.exclusions);
        QCOMPARE(read.value.exclusions.list().size(), 2);
        QCOMPARE(read.value.exclusions.list().first().since, since);
        QCOMPARE(read.value.exclusions.list().first().displayName, QStringLiteral("ann"));
    }

    void plansKeepWhatWasHeldBack()
    {
        ChangePlan plan = samplePlan();
        Exclusions exclusions;
        exclusions.add(plan.changes.first());
        exclusions.apply(&plan);
        const auto read = ChangePlan::fromJson(plan.toJson());
        QVERIFY(read.ok());
        QCOMPARE(read.value.excluded, plan.excluded);
        QCOMPARE(read.value.changes, plan.changes);
    }

    void brokenEntriesAreNamed_data()
    {
        QTest::addColumn<QJsonObject>("entry");
        QTest::newRow("unknown type") << QJsonObject{{QStringLiteral("type"), QStringLiteral("printer")},
                                                     {QStringLiteral("key"), QStringLiteral("a:x")}};
        QTest::newRow("no key") << QJsonObject{{QStringLiteral("type"), QStringLiteral("user")}};
        QTest::newRow("key without its kind") << QJsonObject{{QStringLiteral("type"), QStringLiteral("user")},
                                                             {QStringLiteral("key"), QStringLiteral("ann")}};
        QTest::newRow("empty anchor") << QJsonObject{{QStringLiteral("type"), QStringLiteral("group")},
                                                     {QStringLiteral("key"), QStringLiteral("a:")}};
    }

    void brokenEntriesAreNamed()
    {
        QFETCH(QJsonObject, entry);
        const QJsonObject good{{QStringLiteral("type"), QStringLiteral("user")}, {QStringLiteral("key"), "a:ann"}};
        const auto read = Exclusions::fromJson(QJsonArray{good, entry});
        QVERIFY(!read.ok());
        QVERIFY2(read.error.userMessage.contains(QStringLiteral("Exclusion 2")), qPrintable(read.error.userMessage));
        QVERIFY(Exclusions::fromJson(QJsonArray{good}).ok());
    }
};

QTEST_GUILESS_MAIN(TestExclusions)
#include "tst_exclusions.moc"
