// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/undoplanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace M365::Sync;

Q_DECLARE_METATYPE(M365::Sync::CloudSnapshot)

using Links = QHash<QString, Link>;

/*
 * UndoPlanner as a table: (the run's recorded changes, the tenant now, the links) → the plan that takes the run back.
 * Every expected change is written out in full, payload included, since the payload is what the applier sends.
 */

namespace {

constexpr qint64 kRun = 7;
const QString kE3 = QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900");
const QString kE1 = QStringLiteral("18181a46-0d4e-45cd-891e-60aabd171b4e");
const QStringList kUserProperties{QStringLiteral("accountEnabled"),
                                  QStringLiteral("assignedLicenses"),
                                  QStringLiteral("department"),
                                  QStringLiteral("displayName"),
                                  QStringLiteral("jobTitle"),
                                  QStringLiteral("onPremisesImmutableId"),
                                  QStringLiteral("userPrincipalName")};
const QStringList kGroupProperties{
    QStringLiteral("displayName"), QStringLiteral("description"), QStringLiteral("mailNickname")};

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

/// A user as Graph returns it for the properties above.
QJsonObject cloudUser(const QString &id,
                      const QString &displayName,
                      const QJsonValue &jobTitle,
                      const QJsonValue &department,
                      bool enabled = true,
                      const QStringList &skus = {})
{
    QJsonArray licences;
    for (const QString &sku : skus) {
        licences.append(QJsonObject{{s("disabledPlans"), QJsonArray()}, {s("skuId"), sku}});
    }
    return QJsonObject{{s("id"), id},
                       {s("displayName"), displayName},
                       {s("userPrincipalName"), QString(id + s("@example.org"))},
                       {s("jobTitle"), jobTitle},
                       {s("department"), department},
                       {s("accountEnabled"), enabled},
                       {s("onPremisesImmutableId"), QString(s("imm-") + id)},
                       {s("assignedLicenses"), licences}};
}

QJsonObject cloudGroup(const QString &id, const QString &displayName)
{
    return QJsonObject{{s("id"), id},
                       {s("displayName"), displayName},
                       {s("description"), s("the team")},
                       {s("mailNickname"), s("team")},
                       {s("securityEnabled"), true}};
}

CloudSnapshot snapshot(const QList<QJsonObject> &users,
                       const QList<QJsonObject> &groups = {},
                       const QHash<QString, QStringList> &members = {})
{
    CloudSnapshot cloud;
    for (const QJsonObject &u : users) {
        cloud.addUser(u);
    }
    for (const QJsonObject &g : groups) {
        cloud.groups.insert(g.value(QLatin1String("id")).toString(), g);
    }
    cloud.groupMembers = members;
    return cloud;
}

Link link(const QString &anchor, const QString &cloudId, Change::ObjectType type = Change::ObjectType::User)
{
    Link l;
    l.anchor = anchor;
    l.objectType = type;
    l.cloudId = cloudId;
    return l;
}

/// A change of the run, as the applier recorded it.
RunChangeRecord done(const Change &c, int seq = 0, const QString &result = s("done"))
{
    return RunChangeRecord{kRun, seq, c, result, {}};
}

Change runChange(Change::Kind kind,
                 Change::ObjectType type,
                 const QString &anchor,
                 const QString &cloudId,
                 const QList<AttributeDiff> &diffs = {},
                 const QJsonObject &payload = {})
{
    Change c;
    c.kind = kind;
    c.objectType = type;
    c.anchor = anchor;
    c.sourceDn = s("uid=") + anchor + s(",ou=people,dc=example,dc=org");
    c.cloudId = cloudId;
    c.displayName = s("Name of ") + anchor;
    c.userPrincipalName = anchor + s("@example.org");
    c.diffs = diffs;
    c.payload = payload;
    if (payload.isEmpty()) {
        for (const AttributeDiff &d : diffs) {
            c.payload.insert(d.property, d.newValue.isUndefined() ? QJsonValue(QJsonValue::Null) : d.newValue);
        }
    }
    c.reason = s("as the run planned it");
    c.cloudFingerprint = s("fingerprint at the run");
    return c;
}

/// The undo of @p original as the plan should have it; the fingerprint is what the applier computes from a fresh
/// GET of the object (the Graph JSON, not the snapshot's compact copy).
Change undo(const Change &original,
            Change::Kind kind,
            const QList<AttributeDiff> &diffs,
            const QJsonObject &payload,
            const QJsonObject &cloudObject,
            const QString &cloudId = {})
{
    Change c;
    c.kind = kind;
    c.objectType = original.objectType;
    c.anchor = original.anchor;
    c.sourceDn = original.sourceDn;
    c.cloudId = cloudId.isEmpty() ? original.cloudId : cloudId;
    c.displayName = original.displayName;
    c.userPrincipalName = original.userPrincipalName;
    c.reason = s("undoes run 7");
    c.diffs = diffs;
    c.payload = payload;
    c.cloudFingerprint = Planner::fingerprint(
        cloudObject, original.objectType == Change::ObjectType::Group ? kGroupProperties : kUserProperties);
    return c;
}

Change refused(const Change &original, Change::Kind kind, const QString &reason, const QString &fingerprint = {})
{
    Change c;
    c.kind = kind;
    c.objectType = original.objectType;
    c.anchor = original.anchor;
    c.sourceDn = original.sourceDn;
    c.cloudId = original.cloudId;
    c.displayName = original.displayName;
    c.userPrincipalName = original.userPrincipalName;
    c.reason = reason;
    c.cloudFingerprint = fingerprint;
    return c;
}

QJsonObject licencePayload(const QStringList &add, const QStringList &remove)
{
    QJsonArray addArray;
    for (const QString &sku : add) {
        addArray.append(QJsonObject{{s("skuId"), sku}, {s("disabledPlans"), QJsonArray()}});
    }
    return QJsonObject{{s("addLicenses"), addArray}, {s("removeLicenses"), QJsonArray::fromStringList(remove)}};
}

QJsonObject ref(const QString &anchor, const QString &cloudId = {})
{
    QJsonObject o{{s("anchor"), anchor}};
    if (!cloudId.isEmpty()) {
        o.insert(s("cloudId"), cloudId);
    }
    return o;
}

QString describe(const QList<Change> &changes)
{
    QStringList lines;
    for (const Change &c : changes) {
        lines.append(QString::fromUtf8(QJsonDocument(c.toJson()).toJson(QJsonDocument::Compact)));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestUndoPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plan_data();
    void plan();
    void unresolvedMembers();
    void withoutFingerprintProperties();
};

void TestUndoPlanner::plan_data()
{
    QTest::addColumn<QList<RunChangeRecord>>("run");
    QTest::addColumn<CloudSnapshot>("cloud");
    QTest::addColumn<Links>("links");
    QTest::addColumn<QList<Change>>("expected");
    QTest::addColumn<int>("unchangedUsers");
    QTest::addColumn<int>("unchangedGroups");

    const QJsonValue null(QJsonValue::Null);
    const QJsonValue absent(QJsonValue::Undefined);

    // A user Update: each property back to its old value, an absent one to null; diffs from what the cloud has now.
    {
        const Change update =
            runChange(Change::Kind::Update,
                      Change::ObjectType::User,
                      s("anna"),
                      s("u1"),
                      {{s("jobTitle"), s("Engineer"), s("Lead")}, {s("department"), absent, s("Sales")}});
        const QJsonObject now = cloudUser(s("u1"), s("Anna"), s("Lead"), s("Sales"));
        QTest::newRow("update back to old values")
            << QList<RunChangeRecord>{done(update)} << snapshot({now}) << QHash<QString, Link>{}
            << QList<Change>{undo(update,
                                  Change::Kind::Update,
                                  {{s("jobTitle"), s("Lead"), s("Engineer")}, {s("department"), s("Sales"), null}},
                                  QJsonObject{{s("jobTitle"), s("Engineer")}, {s("department"), null}},
                                  now)}
            << 0 << 0;

        const QJsonObject halfBack = cloudUser(s("u1"), s("Anna"), s("Engineer"), s("Sales"));
        QTest::newRow("update, one property already back")
            << QList<RunChangeRecord>{done(update)} << snapshot({halfBack}) << QHash<QString, Link>{}
            << QList<Change>{undo(update,
                                  Change::Kind::Update,
                                  {{s("department"), s("Sales"), null}},
                                  QJsonObject{{s("department"), null}},
                                  halfBack)}
            << 0 << 0;

        QTest::newRow("update, all back already")
            << QList<RunChangeRecord>{done(update)} << snapshot({cloudUser(s("u1"), s("Anna"), s("Engineer"), null)})
            << QHash<QString, Link>{} << QList<Change>{} << 1 << 0;

        const QJsonObject editedSince = cloudUser(s("u1"), s("Anna"), s("Director"), s("Sales"));
        QTest::newRow("update, edited in the cloud since: conflict")
            << QList<RunChangeRecord>{done(update)} << snapshot({editedSince}) << QHash<QString, Link>{}
            << QList<Change>{refused(update,
                                     Change::Kind::Conflict,
                                     s("changed since run 7: jobTitle"),
                                     Planner::fingerprint(editedSince, kUserProperties))}
            << 0 << 0;

        QTest::newRow("update, user gone: conflict")
            << QList<RunChangeRecord>{done(update)} << snapshot({}) << QHash<QString, Link>{}
            << QList<Change>{refused(update, Change::Kind::Conflict, s("no longer in the tenant since run 7"))} << 0
            << 0;

        QTest::newRow("failed and skipped changes are not undone")
            << QList<RunChangeRecord>{done(update, 0, s("failed")),
                                      done(update, 1, s("skipped")),
                                      done(update, 2, s("stale"))}
            << snapshot({now}) << QHash<QString, Link>{} << QList<Change>{} << 0 << 0;
    }

    // A disable (renamed with the prefix) becomes an enable with the old name; an enable becomes a disable again.
    {
        const Change disable = runChange(
            Change::Kind::Disable,
            Change::ObjectType::User,
            s("bilal"),
            s("u2"),
            {{s("accountEnabled"), true, false}, {s("displayName"), s("Bilal Khan"), s("ZZZ_deleted_Bilal Khan")}});
        const QJsonObject disabled = cloudUser(s("u2"), s("ZZZ_deleted_Bilal Khan"), s("Analyst"), null, false);
        QTest::newRow("disable becomes enable")
            << QList<RunChangeRecord>{done(disable)} << snapshot({disabled}) << QHash<QString, Link>{}
            << QList<Change>{undo(disable,
                                  Change::Kind::Enable,
                                  {{s("accountEnabled"), false, true},
                                   {s("displayName"), s("ZZZ_deleted_Bilal Khan"), s("Bilal Khan")}},
                                  QJsonObject{{s("accountEnabled"), true}, {s("displayName"), s("Bilal Khan")}},
                                  disabled)}
            << 0 << 0;

        Change unknownBefore = disable;
        unknownBefore.diffs[0].oldValue = absent;
        QTest::newRow("disable whose old accountEnabled was not read: enabled")
            << QList<RunChangeRecord>{done(unknownBefore)} << snapshot({disabled}) << QHash<QString, Link>{}
            << QList<Change>{undo(unknownBefore,
                                  Change::Kind::Enable,
                                  {{s("accountEnabled"), false, true},
                                   {s("displayName"), s("ZZZ_deleted_Bilal Khan"), s("Bilal Khan")}},
                                  QJsonObject{{s("accountEnabled"), true}, {s("displayName"), s("Bilal Khan")}},
                                  disabled)}
            << 0 << 0;

        const QJsonObject renamed = cloudUser(s("u2"), s("Someone else"), s("Analyst"), null, false);
        QTest::newRow("disable, renamed by an admin since: conflict")
            << QList<RunChangeRecord>{done(disable)} << snapshot({renamed}) << QHash<QString, Link>{}
            << QList<Change>{refused(disable,
                                     Change::Kind::Conflict,
                                     s("changed since run 7: displayName"),
                                     Planner::fingerprint(renamed, kUserProperties))}
            << 0 << 0;

        const Change enable = runChange(
            Change::Kind::Enable,
            Change::ObjectType::User,
            s("chi"),
            s("u3"),
            {{s("accountEnabled"), false, true}, {s("displayName"), s("ZZZ_deleted_Chi Nguyen"), s("Chi Nguyen")}});
        const QJsonObject enabled = cloudUser(s("u3"), s("Chi Nguyen"), null, null, true);
        QTest::newRow("enable becomes disable")
            << QList<RunChangeRecord>{done(enable)} << snapshot({enabled}) << QHash<QString, Link>{}
            << QList<Change>{undo(
                   enable,
                   Change::Kind::Disable,
                   {{s("accountEnabled"), true, false},
                    {s("displayName"), s("Chi Nguyen"), s("ZZZ_deleted_Chi Nguyen")}},
                   QJsonObject{{s("accountEnabled"), false}, {s("displayName"), s("ZZZ_deleted_Chi Nguyen")}},
                   enabled)}
            << 0 << 0;
    }

    // A user the run created is disabled (never deleted); its id comes from the link, the create had none.
    {
        const Change create = runChange(Change::Kind::Create,
                                        Change::ObjectType::User,
                                        s("diego"),
                                        QString(),
                                        {{s("displayName"), absent, s("Diego Silva")},
                                         {s("jobTitle"), absent, s("Manager")},
                                         {s("manager"), absent, s("Anna")}});
        const QJsonObject created = cloudUser(s("u4"), s("Diego Silva"), s("Manager"), null);
        QTest::newRow("create becomes disable") << QList<RunChangeRecord>{done(create)} << snapshot({created})
                                                << QHash<QString, Link>{{s("diego"), link(s("diego"), s("u4"))}}
                                                << QList<Change>{undo(create,
                                                                      Change::Kind::Disable,
                                                                      {{s("accountEnabled"), true, false}},
                                                                      QJsonObject{{s("accountEnabled"), false}},
                                                                      created,
                                                                      s("u4"))}
                                                << 0 << 0;

        const QJsonObject retitled = cloudUser(s("u4"), s("Diego Silva"), s("CEO"), null);
        Change conflict = refused(create,
                                  Change::Kind::Conflict,
                                  s("changed since run 7: jobTitle"),
                                  Planner::fingerprint(retitled, kUserProperties));
        conflict.cloudId = s("u4");
        QTest::newRow("create, edited since: conflict")
            << QList<RunChangeRecord>{done(create)} << snapshot({retitled})
            << QHash<QString, Link>{{s("diego"), link(s("diego"), s("u4"))}} << QList<Change>{conflict} << 0 << 0;

        QTest::newRow("create, no link: conflict")
            << QList<RunChangeRecord>{done(create)} << snapshot({created}) << QHash<QString, Link>{}
            << QList<Change>{refused(create, Change::Kind::Conflict, s("no longer in the tenant since run 7"))} << 0
            << 0;
    }

    // Licences: the reverse assignLicense, in the planner's shape; users before the licences that depend on them.
    {
        const Change added = runChange(Change::Kind::Update,
                                       Change::ObjectType::Licence,
                                       s("eva"),
                                       s("u5"),
                                       {{s("assignedLicenses"), QJsonArray(), QJsonArray{kE3}}},
                                       licencePayload({kE3}, {}));
        const QJsonObject holds = cloudUser(s("u5"), s("Eva"), null, null, true, {kE1, kE3});
        QTest::newRow("licence added is removed")
            << QList<RunChangeRecord>{done(added)} << snapshot({holds}) << QHash<QString, Link>{}
            << QList<Change>{undo(added,
                                  Change::Kind::Update,
                                  {{s("assignedLicenses"), QJsonArray{kE1, kE3}, QJsonArray{kE1}}},
                                  licencePayload({}, {kE3}),
                                  holds)}
            << 0 << 0;

        const Change removed = runChange(Change::Kind::Update,
                                         Change::ObjectType::Licence,
                                         s("eva"),
                                         s("u5"),
                                         {{s("assignedLicenses"), QJsonArray{kE3}, QJsonArray()}},
                                         licencePayload({}, {kE3}));
        const Change disable =
            runChange(Change::Kind::Disable,
                      Change::ObjectType::User,
                      s("eva"),
                      s("u5"),
                      {{s("accountEnabled"), true, false}, {s("displayName"), s("Eva"), s("ZZZ_deleted_Eva")}});
        const QJsonObject left = cloudUser(s("u5"), s("ZZZ_deleted_Eva"), null, null, false);
        QTest::newRow("licence removed is added, after the enable")
            << QList<RunChangeRecord>{done(removed, 0), done(disable, 1)} << snapshot({left}) << QHash<QString, Link>{}
            << QList<Change>{undo(disable,
                                  Change::Kind::Enable,
                                  {{s("accountEnabled"), false, true},
                                   {s("displayName"), s("ZZZ_deleted_Eva"), s("Eva")}},
                                  QJsonObject{{s("accountEnabled"), true}, {s("displayName"), s("Eva")}},
                                  left),
                             undo(removed,
                                  Change::Kind::Update,
                                  {{s("assignedLicenses"), QJsonArray(), QJsonArray{kE3}}},
                                  licencePayload({kE3}, {}),
                                  left)}
            << 0 << 0;

        QTest::newRow("licence already back")
            << QList<RunChangeRecord>{done(added)} << snapshot({cloudUser(s("u5"), s("Eva"), null, null, true, {kE1})})
            << QHash<QString, Link>{} << QList<Change>{} << 0 << 0;
    }

    // Memberships: added members removed, removed ones added back (a member the run created found by its link).
    {
        Change members = runChange(Change::Kind::Update, Change::ObjectType::Membership, s("team"), s("g1"));
        members.payload = {};
        members.membersToAdd = {{s("anna"), s("u1")}, {s("new"), QString()}};
        members.membersToRemove = {{s("bilal"), s("u2")}};
        const QJsonObject group = cloudGroup(s("g1"), s("team"));
        const QHash<QString, QStringList> current{{s("g1"), {s("u1"), s("u9"), s("u6")}}};
        Change expected = undo(members, Change::Kind::Update, {}, {}, {});
        expected.membersToAdd = {{s("bilal"), s("u2")}};
        expected.membersToRemove = {{s("anna"), s("u1")}, {s("new"), s("u6")}};
        expected.reason = s("undoes run 7: 1 to add, 2 to remove");
        expected.cloudFingerprint =
            Planner::fingerprint(QJsonObject{{s("members"), QJsonArray{s("u1"), s("u6"), s("u9")}}}, {s("members")});
        QTest::newRow("membership reversed")
            << QList<RunChangeRecord>{done(members)} << snapshot({}, {group}, current)
            << QHash<QString, Link>{{s("new"), link(s("new"), s("u6"))}} << QList<Change>{expected} << 0 << 0;

        // The run history of an older version holds the members in the payload; the store reads it with fromJson().
        Change legacy = members;
        legacy.membersToAdd.clear();
        legacy.membersToRemove.clear();
        legacy.payload = QJsonObject{{s("add"), QJsonArray{ref(s("anna"), s("u1")), ref(s("new"))}},
                                     {s("remove"), QJsonArray{ref(s("bilal"), s("u2"))}}};
        QTest::newRow("membership of the old form reversed")
            << QList<RunChangeRecord>{done(Change::fromJson(legacy.toJson()))} << snapshot({}, {group}, current)
            << QHash<QString, Link>{{s("new"), link(s("new"), s("u6"))}} << QList<Change>{expected} << 0 << 0;

        QTest::newRow("membership already back")
            << QList<RunChangeRecord>{done(members)} << snapshot({}, {group}, {{s("g1"), {s("u2"), s("u9")}}})
            << QHash<QString, Link>{{s("new"), link(s("new"), s("u6"))}} << QList<Change>{} << 0 << 0;

        QTest::newRow("membership, group gone: conflict")
            << QList<RunChangeRecord>{done(members)} << snapshot({}) << QHash<QString, Link>{}
            << QList<Change>{refused(members, Change::Kind::Conflict, s("no longer in the tenant since run 7"))} << 0
            << 0;
    }

    // Groups: updated and disabled ones back like users; a created group is kept.
    {
        const Change update = runChange(Change::Kind::Update,
                                        Change::ObjectType::Group,
                                        s("team"),
                                        s("g1"),
                                        {{s("description"), s("the team"), s("the new team")}});
        const QJsonObject now = QJsonObject{{s("id"), s("g1")},
                                            {s("displayName"), s("team")},
                                            {s("description"), s("the new team")},
                                            {s("mailNickname"), s("team")}};
        QTest::newRow("group update back")
            << QList<RunChangeRecord>{done(update)} << snapshot({}, {now}) << QHash<QString, Link>{}
            << QList<Change>{undo(update,
                                  Change::Kind::Update,
                                  {{s("description"), s("the new team"), s("the team")}},
                                  QJsonObject{{s("description"), s("the team")}},
                                  now)}
            << 0 << 0;

        const Change disable = runChange(Change::Kind::Disable,
                                         Change::ObjectType::Group,
                                         s("old"),
                                         s("g2"),
                                         {{s("displayName"), s("old"), s("ZZZ_deleted_old")}});
        const QJsonObject disabled = cloudGroup(s("g2"), s("ZZZ_deleted_old"));
        QTest::newRow("group disable becomes enable")
            << QList<RunChangeRecord>{done(disable)} << snapshot({}, {disabled}) << QHash<QString, Link>{}
            << QList<Change>{undo(disable,
                                  Change::Kind::Enable,
                                  {{s("displayName"), s("ZZZ_deleted_old"), s("old")}},
                                  QJsonObject{{s("displayName"), s("old")}},
                                  disabled)}
            << 0 << 0;

        QTest::newRow("group disable already back")
            << QList<RunChangeRecord>{done(disable)} << snapshot({}, {cloudGroup(s("g2"), s("old"))})
            << QHash<QString, Link>{} << QList<Change>{} << 0 << 1;

        const Change create = runChange(Change::Kind::Create, Change::ObjectType::Group, s("new"), QString());
        QTest::newRow("group create is kept")
            << QList<RunChangeRecord>{done(create)} << snapshot({}) << QHash<QString, Link>{}
            << QList<Change>{refused(create,
                                     Change::Kind::Invalid,
                                     s("a group the run created is kept; delete it in the admin centre if it is not "
                                       "wanted"))}
            << 0 << 0;
    }

    // Deletes and links cannot be taken back here.
    {
        const Change remove = runChange(Change::Kind::Delete, Change::ObjectType::User, s("fleur"), s("u7"));
        const Change adopt = runChange(Change::Kind::Link,
                                       Change::ObjectType::User,
                                       s("gina"),
                                       s("u8"),
                                       {{s("onPremisesImmutableId"), absent, s("imm-u8")}});
        QTest::newRow("delete and link are invalid")
            << QList<RunChangeRecord>{done(remove, 0), done(adopt, 1)}
            << snapshot({cloudUser(s("u8"), s("Gina"), null, null)}) << QHash<QString, Link>{}
            << QList<Change>{refused(remove,
                                     Change::Kind::Invalid,
                                     s("a deleted object cannot be brought back by undo; a deleted user is restored "
                                       "from the deleted items by the next sync")),
                             refused(adopt,
                                     Change::Kind::Invalid,
                                     s("a link to an existing account cannot be undone here; exclude the object in the "
                                       "profile instead"))}
            << 0 << 0;
    }
}

void TestUndoPlanner::plan()
{
    QFETCH(QList<RunChangeRecord>, run);
    QFETCH(CloudSnapshot, cloud);
    QFETCH(Links, links);
    QFETCH(QList<Change>, expected);
    QFETCH(int, unchangedUsers);
    QFETCH(int, unchangedGroups);

    const ChangePlan plan = UndoPlanner::plan(run, cloud, links, kUserProperties);
    QVERIFY2(plan.changes == expected,
             qPrintable(s("got:\n") + describe(plan.changes) + s("\nexpected:\n") + describe(expected)));
    QCOMPARE(plan.unchangedUsers, unchangedUsers);
    QCOMPARE(plan.unchangedGroups, unchangedGroups);
    QVERIFY(plan.excluded.isEmpty());
}

void TestUndoPlanner::unresolvedMembers()
{
    // Members the run could not resolve (no cloud id, no link) are left alone rather than guessed.
    Change done;
    done.objectType = Change::ObjectType::Membership;
    done.membersToAdd = {{s("ghost"), QString()}, {s("anna"), s("u1")}};
    done.membersToRemove = {{s("phantom"), QString()}};
    Change undone;
    undone.membersToAdd = {{s("stale"), s("u0")}};
    UndoPlanner::reverseMembers(done, {s("u1")}, {}, &undone);
    QCOMPARE(undone.membersToAdd, QList<MemberRef>{});
    QCOMPARE(undone.membersToRemove, (QList<MemberRef>{{s("anna"), s("u1")}}));
}

void TestUndoPlanner::withoutFingerprintProperties()
{
    // Without the profile's rules a user change carries no fingerprint (the applier then does not check it); a
    // group's fingerprint needs no rules.
    const Change user = runChange(Change::Kind::Update,
                                  Change::ObjectType::User,
                                  s("anna"),
                                  s("u1"),
                                  {{s("jobTitle"), s("Engineer"), s("Lead")}});
    const Change group = runChange(Change::Kind::Update,
                                   Change::ObjectType::Group,
                                   s("team"),
                                   s("g1"),
                                   {{s("displayName"), s("team"), s("Team")}});
    const QJsonObject cloudTeam = cloudGroup(s("g1"), s("Team"));
    const ChangePlan plan =
        UndoPlanner::plan({done(user, 0), done(group, 1)},
                          snapshot({cloudUser(s("u1"), s("Anna"), s("Lead"), QJsonValue::Null)}, {cloudTeam}),
                          {});
    QCOMPARE(plan.changes.size(), 2);
    QCOMPARE(plan.changes.at(0).payload, (QJsonObject{{s("jobTitle"), s("Engineer")}}));
    QVERIFY(plan.changes.at(0).cloudFingerprint.isEmpty());
    QCOMPARE(plan.changes.at(1).cloudFingerprint, Planner::fingerprint(cloudTeam, kGroupProperties));
}

QTEST_GUILESS_MAIN(TestUndoPlanner)
#include "tst_undoplanner.moc"
