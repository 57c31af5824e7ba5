// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/changeplan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace M365::Sync;

namespace {

ChangePlan samplePlan()
{
    ChangePlan plan;
    Change create;
    create.kind = Change::Kind::Create;
    create.anchor = QStringLiteral("a1");
    create.sourceDn = QStringLiteral("uid=a,dc=x");
    create.displayName = QStringLiteral("Ärger Ölig");
    create.userPrincipalName = QStringLiteral("a@example.org");
    create.diffs = {{QStringLiteral("displayName"), QJsonValue(QJsonValue::Undefined), QStringLiteral("Ärger Ölig")},
                    {QStringLiteral("businessPhones"), QJsonValue(QJsonValue::Undefined), QJsonArray{"+1"}}};
    create.payload = QJsonObject{{QStringLiteral("displayName"), QStringLiteral("Ärger Ölig")},
                                 {QStringLiteral("accountEnabled"), true}};
    plan.changes.append(create);

    Change update;
    update.kind = Change::Kind::Update;
    update.anchor = QStringLiteral("b1");
    update.cloudId = QStringLiteral("id-b");
    update.cloudFingerprint = QStringLiteral("00ff");
    update.reason = QStringLiteral("drift in the cloud: city");
    update.diffs = {{QStringLiteral("city"), QStringLiteral("Bonn"), QStringLiteral("Berlin")},
                    {QStringLiteral("mobilePhone"), QStringLiteral("+2"), QJsonValue(QJsonValue::Null)}};
    update.payload = QJsonObject{{QStringLiteral("city"), QStringLiteral("Berlin")},
                                 {QStringLiteral("mobilePhone"), QJsonValue(QJsonValue::Null)}};
    plan.changes.append(update);

    Change licence;
    licence.kind = Change::Kind::Update;
    licence.objectType = Change::ObjectType::Licence;
    licence.anchor = QStringLiteral("b1");
    licence.exceedsSeats = true;
    licence.payload = QJsonObject{{QStringLiteral("addLicenses"), QJsonArray{QJsonObject{{"skuId", "sku"}}}},
                                  {QStringLiteral("removeLicenses"), QJsonArray{"old1", "old2"}}};
    plan.changes.append(licence);

    Change members;
    members.kind = Change::Kind::Update;
    members.objectType = Change::ObjectType::Membership;
    members.anchor = QStringLiteral("g1");
    members.cloudId = QStringLiteral("id-g");
    members.membersToAdd = {{QStringLiteral("new1"), {}}, {QStringLiteral("b1"), QStringLiteral("id-b")}};
    members.membersToRemove = {{QStringLiteral("c1"), QStringLiteral("id-c")}};
    plan.changes.append(members);

    Change disable;
    disable.kind = Change::Kind::Disable;
    disable.objectType = Change::ObjectType::Group;
    plan.changes.append(disable);

    for (Change::Kind k : {Change::Kind::Enable,
                           Change::Kind::Delete,
                           Change::Kind::Link,
                           Change::Kind::Restore,
                           Change::Kind::Conflict,
                           Change::Kind::Invalid}) {
        Change c;
        c.kind = k;
        c.reason = Change::kindName(k);
        plan.changes.append(c);
    }
    plan.unchangedUsers = 40;
    plan.unchangedGroups = 3;
    SeatCount seat;
    seat.skuId = QStringLiteral("sku");
    seat.skuPartNumber = QStringLiteral("ENTERPRISEPACK");
    seat.prepaid = 10;
    seat.consumed = 9;
    seat.needed = 3;
    seat.released = 1;
    plan.seats.append(seat);
    plan.created = QDateTime(QDate(2026, 11, 22), QTime(12, 0, 0, 5), Qt::UTC);
    return plan;
}

} // namespace

class TestChangePlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        const ChangePlan plan = samplePlan();
        // Through text, as `plan --json` and a saved plan do.
        const QByteArray text = QJsonDocument(plan.toJson()).toJson();
        const auto back = ChangePlan::fromJson(QJsonDocument::fromJson(text).object());
        QVERIFY(back.ok());
        QCOMPARE(back.value.changes.size(), plan.changes.size());
        for (int i = 0; i < plan.changes.size(); ++i) {
            QVERIFY2(back.value.changes.at(i) == plan.changes.at(i), qPrintable(QString::number(i)));
        }
        QVERIFY(back.value == plan);
        // "the cloud had no value" stays apart from "the cloud had null".
        QVERIFY(back.value.changes.at(0).diffs.at(0).oldValue.isUndefined());
        QVERIFY(back.value.changes.at(1).diffs.at(1).newValue.isNull());
    }

    void kindNames_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("name");
        QTest::newRow("create") << int(Change::Kind::Create) << "create";
        QTest::newRow("update") << int(Change::Kind::Update) << "update";
        QTest::newRow("disable") << int(Change::Kind::Disable) << "disable";
        QTest::newRow("enable") << int(Change::Kind::Enable) << "enable";
        QTest::newRow("delete") << int(Change::Kind::Delete) << "delete";
        QTest::newRow("link") << int(Change::Kind::Link) << "link";
        QTest::newRow("restore") << int(Change::Kind::Restore) << "restore";
        QTest::newRow("conflict") << int(Change::Kind::Conflict) << "conflict";
        QTest::newRow("invalid") << int(Change::Kind::Invalid) << "invalid";
    }

    void kindNames()
    {
        QFETCH(int, kind);
        QFETCH(QString, name);
        QCOMPARE(Change::kindName(Change::Kind(kind)), name);
        Change::Kind back;
        QVERIFY(Change::kindFromName(name, &back));
        QCOMPARE(int(back), kind);
    }

    void summaryAndCounts()
    {
        const ChangePlan plan = samplePlan();
        const auto summary = plan.summary();
        QCOMPARE(summary.value(Change::Kind::Update), 3);
        QCOMPARE(summary.value(Change::Kind::Create), 1);
        QCOMPARE(summary.value(Change::Kind::Disable), 1);
        QCOMPARE(summary.value(Change::Kind::Invalid), 1);
        QCOMPARE(summary.value(Change::Kind::Restore), 1);
        // disable + delete + 2 licence removals + 1 member removal
        QCOMPARE(plan.destructiveCount(), 5);
        // 10 prepaid, 9 used, 1 released: 2 free for 3 needed.
        QCOMPARE(plan.seats.first().free(), 1);
        QCOMPARE(plan.seats.first().shortfall(), 1);
        QVERIFY(plan.exceedsSeats());
        const QJsonObject json = plan.toJson();
        QCOMPARE(json.value(QLatin1String("summary")).toObject().value(QLatin1String("update")).toInt(), 3);
        QCOMPARE(json.value(QLatin1String("summary")).toObject().value(QLatin1String("restore")).toInt(), 1);
    }

    void membersAreTyped()
    {
        const Change members = samplePlan().changes.at(3);
        const QJsonObject json = members.toJson();
        // Their own keys, not the payload: the payload is what a user or group change sends.
        QVERIFY(!json.contains(QLatin1String("payload")));
        const QJsonArray add = json.value(QLatin1String("membersToAdd")).toArray();
        QCOMPARE(add.size(), 2);
        const QJsonObject firstAdded{{QStringLiteral("anchor"), QStringLiteral("new1")}};
        QCOMPARE(add.at(0).toObject(), firstAdded);
        QCOMPARE(add.at(1).toObject().value(QLatin1String("cloudId")).toString(), QStringLiteral("id-b"));
        QCOMPARE(json.value(QLatin1String("membersToRemove")).toArray().size(), 1);
    }

    void oldMembershipFormStillRead()
    {
        // A plan saved (or a run recorded) before members were typed.
        const QByteArray text = R"({"changes": [{"kind": "update", "objectType": "membership", "anchor": "g1",
            "cloudId": "id-g", "payload": {"add": [{"anchor": "new1"}, {"anchor": "b1", "cloudId": "id-b"}],
            "remove": [{"anchor": "c1", "cloudId": "id-c"}]}}]})";
        const auto read = ChangePlan::fromJson(QJsonDocument::fromJson(text).object());
        QVERIFY(read.ok());
        QCOMPARE(read.value.changes.size(), 1);
        const Change &c = read.value.changes.first();
        QCOMPARE(c.membersToAdd, samplePlan().changes.at(3).membersToAdd);
        QCOMPARE(c.membersToRemove, samplePlan().changes.at(3).membersToRemove);
        QVERIFY(c.payload.isEmpty());
        QCOMPARE(read.value.destructiveCount(), 1);
        // Written back in the new form, and read back the same.
        QCOMPARE(Change::fromJson(c.toJson()), c);
    }

    void rejectsGarbage_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("no changes") << QByteArray("{}");
        QTest::newRow("unknown kind") << QByteArray(R"({"changes":[{"kind":"explode","objectType":"user"}]})");
        QTest::newRow("unknown type") << QByteArray(R"({"changes":[{"kind":"create","objectType":"printer"}]})");
    }

    void rejectsGarbage()
    {
        QFETCH(QByteArray, json);
        const auto r = ChangePlan::fromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!r.ok());
        QCOMPARE(r.error.code, QStringLiteral("sync.plan.json"));
    }
};

QTEST_GUILESS_MAIN(TestChangePlan)
#include "tst_changeplan.moc"
