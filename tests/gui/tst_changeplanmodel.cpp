// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The dashboard's preview models (issue 7): ChangePlanModel, ChangePlanFilterModel and AttributeDiffModel, each
// under QAbstractItemModelTester, through full loads, live updates, checks, filters and applier results.

#include "attributediffmodel.h"
#include "changeplanfiltermodel.h"
#include "changeplanmodel.h"

#include <QAbstractItemModelTester>
#include <QIcon>
#include <QJsonArray>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTest>

using M365::Models::AttributeDiffModel;
using M365::Models::ChangePlanFilterModel;
using M365::Models::ChangePlanModel;
using M365::Sync::AttributeDiff;
using M365::Sync::Change;
using M365::Sync::ChangePlan;

namespace {

const QJsonValue Undefined(QJsonValue::Undefined);

Change user(Change::Kind kind, const QString &anchor, const QString &name, const QList<AttributeDiff> &diffs = {})
{
    Change c;
    c.kind = kind;
    c.objectType = Change::ObjectType::User;
    c.anchor = anchor;
    const QString uid = name.toLower().replace(QLatin1Char(' '), QLatin1Char('.'));
    c.sourceDn = QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(uid);
    c.displayName = name;
    c.userPrincipalName = uid + QStringLiteral("@example.org");
    if (kind != Change::Kind::Create && kind != Change::Kind::Invalid) {
        c.cloudId = QStringLiteral("cloud-") + anchor;
        c.cloudFingerprint = QStringLiteral("fp-") + anchor;
    }
    c.diffs = diffs;
    return c;
}

/// A plan as the planner makes it: every kind the preview shows and every object type.
ChangePlan samplePlan()
{
    ChangePlan plan;
    plan.changes = {
        user(Change::Kind::Create,
             QStringLiteral("a1"),
             QStringLiteral("Ada Lovelace"),
             {{QStringLiteral("displayName"), Undefined, QStringLiteral("Ada Lovelace")},
              {QStringLiteral("department"), Undefined, QStringLiteral("Analytics")}}),
        user(Change::Kind::Update,
             QStringLiteral("a2"),
             QStringLiteral("Alan Turing"),
             {{QStringLiteral("jobTitle"), QStringLiteral("Analyst"), QStringLiteral("Cryptanalyst")},
              {QStringLiteral("department"), QStringLiteral("Maths"), QStringLiteral("Hut 8")}}),
        user(Change::Kind::Disable,
             QStringLiteral("a3"),
             QStringLiteral("Grace Hopper"),
             {{QStringLiteral("accountEnabled"), true, false},
              {QStringLiteral("displayName"), QStringLiteral("Grace Hopper"), QStringLiteral("zz Grace Hopper")}}),
        user(Change::Kind::Link,
             QStringLiteral("a4"),
             QStringLiteral("Linus Smith"),
             {{QStringLiteral("onPremisesImmutableId"), QJsonValue(QJsonValue::Null), QStringLiteral("YTQ=")}}),
        user(Change::Kind::Conflict, QStringLiteral("a5"), QStringLiteral("Ken Smith")),
        user(Change::Kind::Invalid, QStringLiteral("a6"), QStringLiteral("No Mail")),
    };
    plan.changes[4].reason = QStringLiteral("another directory user gets the same user name ken.smith@example.org");
    plan.changes[5].reason = QStringLiteral("the user has no mail address");

    Change group;
    group.kind = Change::Kind::Update;
    group.objectType = Change::ObjectType::Group;
    group.anchor = QStringLiteral("g1");
    group.sourceDn = QStringLiteral("cn=engineering,ou=groups,dc=example,dc=org");
    group.cloudId = QStringLiteral("cloud-g1");
    group.displayName = QStringLiteral("Engineering");
    group.diffs = {{QStringLiteral("description"), QStringLiteral("Eng"), QStringLiteral("Engineering team")}};
    plan.changes.append(group);

    Change members = group;
    members.objectType = Change::ObjectType::Membership;
    members.diffs.clear();
    members.reason = QStringLiteral("3 to add, 1 to remove");
    plan.changes.append(members);

    Change licence = plan.changes.at(0);
    licence.kind = Change::Kind::Update;
    licence.objectType = Change::ObjectType::Licence;
    licence.diffs = {{QStringLiteral("assignedLicenses"), QJsonArray(), QJsonArray{QStringLiteral("sku-e3")}}};
    plan.changes.append(licence);
    return plan;
}

/// Rows 0…8 of samplePlan(), by display name, for readable failures.
QStringList names(const QAbstractItemModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row) {
        result.append(model.index(row, ChangePlanModel::DisplayNameColumn).data().toString());
    }
    return result;
}

void verifyShowsPlan(const ChangePlanModel &model, const ChangePlan &plan)
{
    QCOMPARE(model.rowCount(), int(plan.changes.size()));
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.change(row), plan.changes.at(row));
        QCOMPARE(model.index(row, 0).data(ChangePlanModel::ChangeRole).toInt(), row);
    }
}

} // namespace

class TestChangePlanModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyModel();
    void setPlanShowsEveryColumn();
    void summary_data();
    void summary();
    void searchText();
    void searchBeyondAscii_data();
    void searchBeyondAscii();
    void checkStates();
    void countsByKind();
    void updatePlanKeepsPersistingRows();
    void updatePlanClearsMarks();
    void updatePlanReorders();
    void updatePlanFromAndToEmpty();
    void updatePlanManyEdits_data();
    void updatePlanManyEdits();
    void results();
    void filters_data();
    void filters();
    void filterFollowsUpdates();
    void filterKeepsSelectionAcrossFilterChanges();
    void attributeDiffModel();
    void attributeDiffValues_data();
    void attributeDiffValues();
};

void TestChangePlanModel::emptyModel()
{
    ChangePlanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), 6);
    QVERIFY(model.checkedChanges().isEmpty());
    QVERIFY(model.countsByKind().isEmpty());
    model.setAllChecked(true);
    model.clearResults();
    model.setPlan(ChangePlan());
    QCOMPARE(model.rowCount(), 0);
}

void TestChangePlanModel::setPlanShowsEveryColumn()
{
    ChangePlanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    const ChangePlan plan = samplePlan();
    model.setPlan(plan);
    QCOMPARE(reset.count(), 1);
    verifyShowsPlan(model, plan);
    QCOMPARE(model.columnCount(), 6);

    QCOMPARE(model.headerData(ChangePlanModel::KindColumn, Qt::Horizontal).toString(), QStringLiteral("Kind"));
    QCOMPARE(model.headerData(ChangePlanModel::ObjectTypeColumn, Qt::Horizontal).toString(),
             QStringLiteral("Object type"));
    QCOMPARE(model.headerData(ChangePlanModel::DisplayNameColumn, Qt::Horizontal).toString(),
             QStringLiteral("Display name"));
    QCOMPARE(model.headerData(ChangePlanModel::UserPrincipalNameColumn, Qt::Horizontal).toString(),
             QStringLiteral("User principal name"));
    QCOMPARE(model.headerData(ChangePlanModel::ChangesColumn, Qt::Horizontal).toString(), QStringLiteral("Changes"));
    QCOMPARE(model.headerData(ChangePlanModel::ResultColumn, Qt::Horizontal).toString(), QStringLiteral("Result"));

    const QStringList kinds{QStringLiteral("Create"),
                            QStringLiteral("Update"),
                            QStringLiteral("Disable"),
                            QStringLiteral("Link"),
                            QStringLiteral("Conflict"),
                            QStringLiteral("Invalid"),
                            QStringLiteral("Update"),
                            QStringLiteral("Update"),
                            QStringLiteral("Update")};
    const QStringList types{QStringLiteral("User"),
                            QStringLiteral("User"),
                            QStringLiteral("User"),
                            QStringLiteral("User"),
                            QStringLiteral("User"),
                            QStringLiteral("User"),
                            QStringLiteral("Group"),
                            QStringLiteral("Membership"),
                            QStringLiteral("Licence")};
    for (int row = 0; row < model.rowCount(); ++row) {
        const Change &c = plan.changes.at(row);
        QCOMPARE(model.index(row, ChangePlanModel::KindColumn).data().toString(), kinds.at(row));
        QCOMPARE(model.index(row, ChangePlanModel::ObjectTypeColumn).data().toString(), types.at(row));
        QCOMPARE(model.index(row, ChangePlanModel::DisplayNameColumn).data().toString(), c.displayName);
        QCOMPARE(model.index(row, ChangePlanModel::UserPrincipalNameColumn).data().toString(), c.userPrincipalName);
        QCOMPARE(model.index(row, ChangePlanModel::ResultColumn).data().toString(), QString());
        QCOMPARE(model.index(row, ChangePlanModel::DisplayNameColumn).data(Qt::ToolTipRole).toString(), c.sourceDn);
        for (int column = 0; column < model.columnCount(); ++column) {
            const QModelIndex index = model.index(row, column);
            QCOMPARE(index.data(ChangePlanModel::KindRole).toInt(), int(c.kind));
            QCOMPARE(index.data(ChangePlanModel::ObjectTypeRole).toInt(), int(c.objectType));
            QCOMPARE(index.data(ChangePlanModel::ChangedRole).toBool(), false);
            QCOMPARE(index.data(ChangePlanModel::ResultRole).toString(), QString());
        }
        const QVariant decoration = model.index(row, ChangePlanModel::KindColumn).data(Qt::DecorationRole);
        QVERIFY(decoration.canConvert<QIcon>());
        QVERIFY(!decoration.value<QIcon>().isNull());
        QVERIFY(!model.index(row, ChangePlanModel::DisplayNameColumn).data(Qt::DecorationRole).isValid());
    }
    QCOMPARE(model.roleNames().value(ChangePlanModel::SearchTextRole), QByteArray("searchText"));
    QCOMPARE(model.plan().changes, plan.changes);

    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(reset.count(), 2);
}

void TestChangePlanModel::summary_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("summary");
    QTest::newRow("create") << 0 << QStringLiteral("displayName, department");
    QTest::newRow("update") << 1 << QStringLiteral("jobTitle, department");
    QTest::newRow("disable") << 2 << QStringLiteral("accountEnabled, displayName");
    QTest::newRow("link") << 3 << QStringLiteral("onPremisesImmutableId");
    QTest::newRow("conflict: the reason")
        << 4 << QStringLiteral("another directory user gets the same user name ken.smith@example.org");
    QTest::newRow("invalid: the reason") << 5 << QStringLiteral("the user has no mail address");
    QTest::newRow("group") << 6 << QStringLiteral("description");
    QTest::newRow("membership: the counts") << 7 << QStringLiteral("3 to add, 1 to remove");
    QTest::newRow("licence") << 8 << QStringLiteral("assignedLicenses");
}

void TestChangePlanModel::summary()
{
    QFETCH(int, row);
    QFETCH(QString, summary);
    ChangePlanModel model;
    model.setPlan(samplePlan());
    QCOMPARE(model.index(row, ChangePlanModel::ChangesColumn).data().toString(), summary);
}

void TestChangePlanModel::searchText()
{
    ChangePlanModel model;
    model.setPlan(samplePlan());
    const QString text = model.index(1, 0).data(ChangePlanModel::SearchTextRole).toString();
    QCOMPARE(text, QString::fromUtf8(model.searchText(1)));
    QVERIFY(text.contains(QLatin1String("alan turing")));
    QVERIFY(text.contains(QLatin1String("alan.turing@example.org")));
    QVERIFY(text.contains(QLatin1String("uid=alan.turing,ou=people,dc=example,dc=org")));
    QVERIFY(text.contains(QLatin1String("jobtitle")));
    QVERIFY(text.contains(QLatin1String("department")));
    QCOMPARE(text, text.toLower());

    // A membership change without the planner's reason still gets its counts, from its member lists.
    Change members = samplePlan().changes.at(7);
    members.reason.clear();
    members.membersToAdd = {{QStringLiteral("a1"), {}}, {QStringLiteral("a2"), QStringLiteral("id-2")}};
    members.membersToRemove = {{QStringLiteral("a3"), QStringLiteral("id-3")}};
    QCOMPARE(ChangePlanModel::summaryText(members), QStringLiteral("2 to add, 1 to remove"));

    // A restore reads like a link, with its own word and colour.
    QCOMPARE(ChangePlanModel::kindText(Change::Kind::Restore), QStringLiteral("Restore"));
    QVERIFY(ChangePlanModel::kindIcon(Change::Kind::Restore).pixmap(16).toImage()
            != ChangePlanModel::kindIcon(Change::Kind::Link).pixmap(16).toImage());
}

void TestChangePlanModel::searchBeyondAscii_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("umlaut, upper case") << QStringLiteral("JÜRGEN") << QStringList{QStringLiteral("Jürgen Groß")};
    QTest::newRow("sharp s") << QStringLiteral("groß") << QStringList{QStringLiteral("Jürgen Groß")};
    QTest::newRow("greek") << QStringLiteral("ΣΟΦΊΑ") << QStringList{QStringLiteral("Σοφία Παπαδοπούλου")};
    QTest::newRow("cyrillic, upper case in the source")
        << QStringLiteral("анна") << QStringList{QStringLiteral("АННА Иванова")};
    QTest::newRow("beyond the BMP") << QStringLiteral("🦊") << QStringList{QStringLiteral("Fox 🦊 Team")};
    QTest::newRow("ascii still") << QStringLiteral("team") << QStringList{QStringLiteral("Fox 🦊 Team")};
}

void TestChangePlanModel::searchBeyondAscii()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    ChangePlan plan;
    plan.changes = {user(Change::Kind::Create, QStringLiteral("b1"), QStringLiteral("Jürgen Groß")),
                    user(Change::Kind::Create, QStringLiteral("b2"), QStringLiteral("Σοφία Παπαδοπούλου")),
                    user(Change::Kind::Create, QStringLiteral("b3"), QStringLiteral("АННА Иванова")),
                    user(Change::Kind::Create, QStringLiteral("b4"), QStringLiteral("Fox 🦊 Team"))};
    ChangePlanModel model;
    ChangePlanFilterModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    model.setPlan(plan);
    proxy.setSearchText(text);
    QCOMPARE(names(proxy), expected);
    QCOMPARE(model.index(0, 0).data(ChangePlanModel::SearchTextRole).toString().left(11),
             QStringLiteral("jürgen groß"));
}

void TestChangePlanModel::checkStates()
{
    ChangePlanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPlan(samplePlan());
    QSignalSpy checked(&model, &ChangePlanModel::checkedChanged);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // Everything that can be applied starts checked; conflicts and invalid changes have no check box.
    QCOMPARE(model.checkedChanges(), (QList<int>{0, 1, 2, 3, 6, 7, 8}));
    QVERIFY(model.flags(model.index(0, 0)).testFlag(Qt::ItemIsUserCheckable));
    QVERIFY(!model.flags(model.index(0, 1)).testFlag(Qt::ItemIsUserCheckable));
    QVERIFY(!model.flags(model.index(4, 0)).testFlag(Qt::ItemIsUserCheckable));
    QVERIFY(!model.index(4, 0).data(Qt::CheckStateRole).isValid());
    QVERIFY(!model.index(0, 1).data(Qt::CheckStateRole).isValid());
    QCOMPARE(model.index(0, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));

    QVERIFY(model.setData(model.index(1, 0), Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(checked.count(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), model.index(1, 0));
    QCOMPARE(model.index(1, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    QCOMPARE(model.checkedChanges(), (QList<int>{0, 2, 3, 6, 7, 8}));

    // Setting the same state again changes nothing.
    QVERIFY(model.setData(model.index(1, 0), Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(checked.count(), 1);

    QVERIFY(!model.setData(model.index(4, 0), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(!model.setData(model.index(0, 1), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(!model.setData(model.index(0, 0), QStringLiteral("x"), Qt::DisplayRole));

    model.setAllChecked(false);
    QVERIFY(model.checkedChanges().isEmpty());
    QCOMPARE(checked.count(), 2);
    model.setAllChecked(true);
    QCOMPARE(model.checkedChanges(), (QList<int>{0, 1, 2, 3, 6, 7, 8}));
    QVERIFY(!model.index(5, 0).data(Qt::CheckStateRole).isValid());
}

void TestChangePlanModel::countsByKind()
{
    ChangePlanModel model;
    model.setPlan(samplePlan());
    const QMap<Change::Kind, int> expected{{Change::Kind::Create, 1},
                                           {Change::Kind::Update, 4},
                                           {Change::Kind::Disable, 1},
                                           {Change::Kind::Link, 1},
                                           {Change::Kind::Conflict, 1},
                                           {Change::Kind::Invalid, 1}};
    QCOMPARE(model.countsByKind(), expected);
    QCOMPARE(model.countsByKind(), samplePlan().summary());
}

void TestChangePlanModel::updatePlanKeepsPersistingRows()
{
    ChangePlanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const ChangePlan before = samplePlan();
    model.setPlan(before);
    QVERIFY(model.setData(model.index(8, 0), Qt::Unchecked, Qt::CheckStateRole));
    model.setResult(0, QStringLiteral("Done"));
    model.setResult(1, QStringLiteral("Failed"), QStringLiteral("Request_ResourceNotFound"));

    const QPersistentModelIndex group(model.index(6, ChangePlanModel::DisplayNameColumn));
    const QPersistentModelIndex alan(model.index(1, ChangePlanModel::ChangesColumn));
    const QPersistentModelIndex grace(model.index(2, 0));

    // The re-plan: Grace left the plan, Alan gets a third property, Linus is now created rather than linked (same
    // directory object), and Barbara is new, in front.
    ChangePlan after = before;
    after.changes.removeAt(2);
    after.changes[1].diffs.append({QStringLiteral("officeLocation"), Undefined, QStringLiteral("Bletchley")});
    after.changes[2].kind = Change::Kind::Create;
    after.changes[2].cloudId.clear();
    after.changes.prepend(user(Change::Kind::Create, QStringLiteral("a7"), QStringLiteral("Barbara Liskov")));

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.updatePlan(after);

    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 2);
    QCOMPARE(removed.at(0).at(2).toInt(), 2);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 0);
    verifyShowsPlan(model, after);

    QVERIFY(group.isValid());
    QCOMPARE(group.row(), 6);
    QCOMPARE(group.column(), int(ChangePlanModel::DisplayNameColumn));
    QCOMPARE(group.data().toString(), QStringLiteral("Engineering"));
    QCOMPARE(model.change(group.row()).objectType, Change::ObjectType::Group);
    QVERIFY(alan.isValid());
    QCOMPARE(alan.row(), 2);
    QCOMPARE(alan.data().toString(), QStringLiteral("jobTitle, department, officeLocation"));
    QVERIFY(!grace.isValid());

    // Alan and Linus differ, Barbara is new; each change region was announced.
    QStringList marked;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 3).data(ChangePlanModel::ChangedRole).toBool()) {
            marked.append(model.change(row).displayName);
        }
    }
    QCOMPARE(
        marked,
        (QStringList{QStringLiteral("Barbara Liskov"), QStringLiteral("Alan Turing"), QStringLiteral("Linus Smith")}));
    QList<int> changedRows;
    for (const QList<QVariant> &signal : std::as_const(changed)) {
        const QModelIndex first = signal.at(0).value<QModelIndex>();
        const QModelIndex last = signal.at(1).value<QModelIndex>();
        for (int row = first.row(); row <= last.row(); ++row) {
            changedRows.append(row);
        }
    }
    QCOMPARE(changedRows, (QList<int>{2, 3}));
    QCOMPARE(model.index(3, ChangePlanModel::KindColumn).data().toString(), QStringLiteral("Create"));

    // Check states persist (Barbara, new, starts checked); the result of a change that differs is gone.
    QCOMPARE(model.checkedChanges(), (QList<int>{0, 1, 2, 3, 6, 7}));
    QCOMPARE(model.index(1, ChangePlanModel::ResultColumn).data().toString(), QStringLiteral("Done"));
    QCOMPARE(model.index(2, ChangePlanModel::ResultColumn).data().toString(), QString());
    QCOMPARE(model.index(2, 0).data(ChangePlanModel::ResultMessageRole).toString(), QString());
    QCOMPARE(model.rowOf(after.changes.at(4)), 4);
}

void TestChangePlanModel::updatePlanClearsMarks()
{
    ChangePlanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangePlan plan = samplePlan();
    model.setPlan(plan);
    plan.changes[3].displayName = QStringLiteral("Linus T. Smith");
    model.updatePlan(plan);
    QVERIFY(model.index(3, 0).data(ChangePlanModel::ChangedRole).toBool());

    // The same plan again: nothing moves, and the mark of the previous update goes.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.updatePlan(plan);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 3);
    QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{ChangePlanModel::ChangedRole});
    QVERIFY(!model.index(3, 0).data(ChangePlanModel::ChangedRole).toBool());
    verifyShowsPlan(model, plan);
}

void TestChangePlanModel::updatePlanReorders()
{
    ChangePlanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangePlan plan = samplePlan();
    model.setPlan(plan);
    QVERIFY(model.setData(model.index(1, 0), Qt::Unchecked, Qt::CheckStateRole));
    const QPersistentModelIndex ada(model.index(0, 0));
    const QPersistentModelIndex licence(model.index(8, 0));

    // Alan moves to the end: he is removed and inserted again, keeping his check state; the rest stays put.
    plan.changes.move(1, 8);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.updatePlan(plan);
    QCOMPARE(reset.count(), 0);
    verifyShowsPlan(model, plan);
    QCOMPARE(ada.row(), 0);
    QCOMPARE(licence.row(), 7);
    QCOMPARE(model.change(licence.row()).objectType, Change::ObjectType::Licence);
    QCOMPARE(model.index(8, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    QVERIFY(!model.index(8, 0).data(ChangePlanModel::ChangedRole).toBool());
}

void TestChangePlanModel::updatePlanFromAndToEmpty()
{
    ChangePlanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    const ChangePlan plan = samplePlan();
    model.updatePlan(plan);
    QCOMPARE(inserted.count(), 1);
    verifyShowsPlan(model, plan);
    for (int row = 0; row < model.rowCount(); ++row) {
        QVERIFY(model.index(row, 0).data(ChangePlanModel::ChangedRole).toBool());
    }
    model.updatePlan(ChangePlan());
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(), 0);
}

void TestChangePlanModel::updatePlanManyEdits_data()
{
    QTest::addColumn<int>("every");
    QTest::addColumn<bool>("expectReset");
    QTest::newRow("a few edits, incremental") << 50 << false;
    QTest::newRow("edits all over, reset") << 3 << true;
}

void TestChangePlanModel::updatePlanManyEdits()
{
    QFETCH(int, every);
    QFETCH(bool, expectReset);
    auto generate = [](int count, int salt, int every) {
        ChangePlan plan;
        for (int i = 0; i < count; ++i) {
            if (salt && i % every == 1) {
                continue; // removed
            }
            Change c = user(i % 7 ? Change::Kind::Update : Change::Kind::Create,
                            QStringLiteral("u%1").arg(i),
                            QStringLiteral("Person %1").arg(i),
                            {{QStringLiteral("jobTitle"), QStringLiteral("a"), QStringLiteral("b")}});
            if (salt && i % every == 2) {
                c.diffs.append({QStringLiteral("city"), Undefined, QStringLiteral("Berlin")}); // changed
            }
            plan.changes.append(c);
            if (salt && i % every == 3) {
                plan.changes.append(user(Change::Kind::Create,
                                         QStringLiteral("n%1").arg(i),
                                         QStringLiteral("New %1").arg(i))); // added
            }
        }
        return plan;
    };
    ChangePlanModel model;
    ChangePlanFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPlan(generate(1000, 0, every));
    proxy.setKindFilter({Change::Kind::Update});
    const QPersistentModelIndex kept(model.index(500, 0));
    QCOMPARE(model.change(kept.row()).displayName, QStringLiteral("Person 500"));

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    const ChangePlan next = generate(1000, 1, every);
    model.updatePlan(next);
    QCOMPARE(reset.count(), expectReset ? 1 : 0);
    verifyShowsPlan(model, next);
    if (!expectReset) {
        QVERIFY(kept.isValid());
        QCOMPARE(model.change(kept.row()).displayName, QStringLiteral("Person 500"));
    }
    int updates = 0;
    for (const Change &c : next.changes) {
        updates += c.kind == Change::Kind::Update ? 1 : 0;
    }
    QCOMPARE(proxy.rowCount(), updates);
}

void TestChangePlanModel::results()
{
    ChangePlanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const ChangePlan plan = samplePlan();
    model.setPlan(plan);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setResult(0, QStringLiteral("Done"), QStringLiteral("Created ada.lovelace@example.org"));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 0);
    QCOMPARE(model.index(0, ChangePlanModel::ResultColumn).data().toString(), QStringLiteral("Done"));
    QCOMPARE(model.index(0, ChangePlanModel::ResultColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("Created ada.lovelace@example.org"));
    QCOMPARE(model.index(0, 0).data(ChangePlanModel::ResultRole).toString(), QStringLiteral("Done"));
    QCOMPARE(model.index(0, 0).data(ChangePlanModel::ResultMessageRole).toString(),
             QStringLiteral("Created ada.lovelace@example.org"));

    // The applier reports by change; a change that is not (or no longer) in the plan is ignored.
    QVERIFY(model.setResultForChange(plan.changes.at(7), QStringLiteral("Failed"), QStringLiteral("403")));
    QCOMPARE(model.index(7, ChangePlanModel::ResultColumn).data().toString(), QStringLiteral("Failed"));
    QCOMPARE(model.index(6, ChangePlanModel::ResultColumn).data().toString(), QString());
    QVERIFY(model.setResultForChange(plan.changes.at(8), QStringLiteral("Skipped")));
    QCOMPARE(model.index(8, ChangePlanModel::ResultColumn).data().toString(), QStringLiteral("Skipped"));
    QVERIFY(!model.setResultForChange(user(Change::Kind::Create, QStringLiteral("zz"), QStringLiteral("Nobody")),
                                      QStringLiteral("Done")));
    model.setResult(99, QStringLiteral("Done"));
    model.setResult(-1, QStringLiteral("Done"));
    QCOMPARE(changed.count(), 3);

    model.clearResults();
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.index(row, ChangePlanModel::ResultColumn).data().toString(), QString());
    }
}

void TestChangePlanModel::filters_data()
{
    QTest::addColumn<QList<int>>("kinds");
    QTest::addColumn<QList<int>>("types");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");

    const QString ada = QStringLiteral("Ada Lovelace");
    const QString alan = QStringLiteral("Alan Turing");
    const QString grace = QStringLiteral("Grace Hopper");
    const QString linus = QStringLiteral("Linus Smith");
    const QString ken = QStringLiteral("Ken Smith");
    const QString noMail = QStringLiteral("No Mail");
    const QString eng = QStringLiteral("Engineering");
    QTest::newRow("no filter") << QList<int>() << QList<int>() << QString()
                               << QStringList{ada, alan, grace, linus, ken, noMail, eng, eng, ada};
    QTest::newRow("updates") << QList<int>{int(Change::Kind::Update)} << QList<int>() << QString()
                             << QStringList{alan, eng, eng, ada};
    QTest::newRow("updates of users") << QList<int>{int(Change::Kind::Update)}
                                      << QList<int>{int(Change::ObjectType::User)} << QString() << QStringList{alan};
    QTest::newRow("refused") << QList<int>{int(Change::Kind::Conflict), int(Change::Kind::Invalid)} << QList<int>()
                             << QString() << QStringList{ken, noMail};
    QTest::newRow("groups and memberships")
        << QList<int>() << QList<int>{int(Change::ObjectType::Group), int(Change::ObjectType::Membership)} << QString()
        << QStringList{eng, eng};
    QTest::newRow("name, any case") << QList<int>() << QList<int>() << QStringLiteral("SMITH")
                                    << QStringList{linus, ken};
    QTest::newRow("user principal name") << QList<int>() << QList<int>() << QStringLiteral("ada.lovelace@")
                                         << QStringList{ada, ada};
    QTest::newRow("property name") << QList<int>() << QList<int>() << QStringLiteral("department")
                                   << QStringList{ada, alan};
    QTest::newRow("source DN") << QList<int>() << QList<int>() << QStringLiteral("ou=groups") << QStringList{eng, eng};
    QTest::newRow("text and kind") << QList<int>{int(Change::Kind::Create)} << QList<int>() << QStringLiteral(" ada ")
                                   << QStringList{ada};
    QTest::newRow("nothing") << QList<int>() << QList<int>() << QStringLiteral("nobody") << QStringList();
}

void TestChangePlanModel::filters()
{
    QFETCH(QList<int>, kinds);
    QFETCH(QList<int>, types);
    QFETCH(QString, text);
    QFETCH(QStringList, expected);

    ChangePlanModel model;
    ChangePlanFilterModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    model.setPlan(samplePlan());

    QSet<Change::Kind> kindSet;
    for (int kind : kinds) {
        kindSet.insert(Change::Kind(kind));
    }
    QSet<Change::ObjectType> typeSet;
    for (int type : types) {
        typeSet.insert(Change::ObjectType(type));
    }
    proxy.setKindFilter(kindSet);
    proxy.setObjectTypeFilter(typeSet);
    proxy.setSearchText(text);
    QCOMPARE(proxy.kindFilter(), kindSet);
    QCOMPARE(proxy.objectTypeFilter(), typeSet);
    QCOMPARE(proxy.searchText(), text);
    QCOMPARE(proxy.rowCount(), int(expected.size()));
    QCOMPARE(names(proxy), expected);
    for (int row = 0; row < proxy.rowCount(); ++row) {
        const int source = proxy.sourceRow(row);
        QCOMPARE(proxy.index(row, 0).data(ChangePlanModel::ChangeRole).toInt(), source);
        QCOMPARE(model.change(source).displayName, expected.at(row));
    }

    // Clearing every filter shows the whole plan again.
    proxy.setKindFilter({});
    proxy.setObjectTypeFilter({});
    proxy.setSearchText(QString());
    QCOMPARE(proxy.rowCount(), model.rowCount());
}

void TestChangePlanModel::filterFollowsUpdates()
{
    ChangePlanModel model;
    ChangePlanFilterModel proxy;
    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    ChangePlan plan = samplePlan();
    model.setPlan(plan);
    proxy.setSearchText(QStringLiteral("smith"));
    QCOMPARE(proxy.rowCount(), 2);
    const QPersistentModelIndex ken(proxy.index(1, ChangePlanModel::DisplayNameColumn));
    QCOMPARE(ken.data().toString(), QStringLiteral("Ken Smith"));

    // A new Smith arrives, Linus is renamed and no longer matches, Ken stays.
    plan.changes[3].displayName = QStringLiteral("Linus Torvalds");
    plan.changes[3].userPrincipalName = QStringLiteral("linus.torvalds@example.org");
    plan.changes[3].sourceDn = QStringLiteral("uid=linus.torvalds,ou=people,dc=example,dc=org");
    plan.changes.append(user(Change::Kind::Create, QStringLiteral("a8"), QStringLiteral("Maggie Smith")));
    QSignalSpy reset(&proxy, &QAbstractItemModel::modelReset);
    model.updatePlan(plan);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(names(proxy), (QStringList{QStringLiteral("Ken Smith"), QStringLiteral("Maggie Smith")}));
    QVERIFY(ken.isValid());
    QCOMPARE(ken.row(), 0);
    QCOMPARE(ken.data().toString(), QStringLiteral("Ken Smith"));
    QVERIFY(proxy.index(1, 0).data(ChangePlanModel::ChangedRole).toBool());
}

void TestChangePlanModel::filterKeepsSelectionAcrossFilterChanges()
{
    ChangePlanModel model;
    ChangePlanFilterModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    model.setPlan(samplePlan());
    const QPersistentModelIndex alan(proxy.index(1, 0));
    const QPersistentModelIndex grace(proxy.index(2, 0));
    proxy.setKindFilter({Change::Kind::Update});
    QVERIFY(alan.isValid());
    QCOMPARE(alan.row(), 0);
    QCOMPARE(alan.data(ChangePlanModel::ChangeRole).toInt(), 1);
    QVERIFY(!grace.isValid());
    proxy.setKindFilter({});
    QVERIFY(alan.isValid());
    QCOMPARE(alan.row(), 1);
}

void TestChangePlanModel::attributeDiffModel()
{
    AttributeDiffModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), 3);
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Property"));
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Old value"));
    QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("New value"));

    const ChangePlan plan = samplePlan();
    model.setChange(plan.changes.at(2));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("accountEnabled"));
    QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("true"));
    QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("false"));
    QCOMPARE(model.index(1, 2).data().toString(), QStringLiteral("zz Grace Hopper"));
    QCOMPARE(model.index(1, 2).data(AttributeDiffModel::ValueRole).value<QJsonValue>(),
             QJsonValue(QStringLiteral("zz Grace Hopper")));

    model.setChange(plan.changes.at(8));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 1).data().toString(), QString());
    QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("sku-e3"));

    model.setChange(plan.changes.at(7));
    QCOMPARE(model.rowCount(), 0);
    model.setChange(plan.changes.at(0));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, 1).data().toString(), QString());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestChangePlanModel::attributeDiffValues_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("absent") << QJsonValue(QJsonValue::Undefined) << QString();
    QTest::newRow("null") << QJsonValue(QJsonValue::Null) << QStringLiteral("—");
    QTest::newRow("string") << QJsonValue(QStringLiteral("Hut 8")) << QStringLiteral("Hut 8");
    QTest::newRow("bool") << QJsonValue(true) << QStringLiteral("true");
    QTest::newRow("integer") << QJsonValue(4711) << QStringLiteral("4711");
    QTest::newRow("array") << QJsonValue(QJsonArray{QStringLiteral("a@example.org"), QStringLiteral("b@example.org")})
                           << QStringLiteral("a@example.org, b@example.org");
    QTest::newRow("empty array") << QJsonValue(QJsonArray()) << QString();
    QTest::newRow("object") << QJsonValue(QJsonObject{{QStringLiteral("skuId"), QStringLiteral("e3")}})
                            << QStringLiteral("{\"skuId\":\"e3\"}");
}

void TestChangePlanModel::attributeDiffValues()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, text);
    QCOMPARE(AttributeDiffModel::valueText(value), text);
}

QTEST_MAIN(TestChangePlanModel)
#include "tst_changeplanmodel.moc"
