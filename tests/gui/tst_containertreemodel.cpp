// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The container tree the wizard's Directory page and the dashboard's Settings → Directory share: ContainerSelection
// (the check boxes and the scopes they make) and ContainerTreeModel over it, under QAbstractItemModelTester, without
// a window.

#include "containerselection.h"
#include "containertreemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using M365::Directory::ContainerScope;
using M365::Directory::DirectoryContainer;
using M365::Models::ContainerSelection;
using M365::Models::ContainerTreeModel;
using Kind = ContainerSelection::Kind;

namespace {

/// An Active Directory domain as readContainers() reports it: the domain, OU=Staff with OU=Berlin below it, OU=Bulk
/// and the Users container.
QList<DirectoryContainer> domainTree()
{
    const auto node = [](const char *dn, const char *name, int parent, int users, int groups) {
        DirectoryContainer c;
        c.dn = QLatin1String(dn);
        c.name = QLatin1String(name);
        c.parent = parent;
        c.directUsers = users;
        c.directGroups = groups;
        c.subtreeUsers = users;
        c.subtreeGroups = groups;
        return c;
    };
    QList<DirectoryContainer> tree{node("DC=example,DC=test", "example", -1, 0, 0),
                                   node("OU=Bulk,DC=example,DC=test", "Bulk", 0, 1600, 1),
                                   node("OU=Staff,DC=example,DC=test", "Staff", 0, 20, 2),
                                   node("OU=Berlin,OU=Staff,DC=example,DC=test", "Berlin", 2, 8, 1),
                                   node("CN=Users,DC=example,DC=test", "Users", 0, 2, 0)};
    for (qsizetype i = tree.size() - 1; i > 0; --i) {
        tree[tree.at(i).parent].subtreeUsers += tree.at(i).subtreeUsers;
        tree[tree.at(i).parent].subtreeGroups += tree.at(i).subtreeGroups;
    }
    return tree;
}

Qt::CheckState state(const QModelIndex &index)
{
    return Qt::CheckState(index.data(Qt::CheckStateRole).toInt());
}

} // namespace

class TestContainerTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Counts are written the locale's way: US English groups thousands with a comma.
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void treeFollowsTheSelection();
    void checkingFollowsTheRule();
    void scopesFromAProfile();
    void goneContainersDropOut();
};

void TestContainerTreeModel::treeFollowsTheSelection()
{
    ContainerSelection selection;
    ContainerTreeModel model(&selection);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    selection.setContainers(domainTree());
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex top = model.index(0, ContainerTreeModel::NameColumn);
    QCOMPARE(top.data().toString(), QStringLiteral("DC=example,DC=test")); // the top shows its whole DN
    QCOMPARE(model.rowCount(top), 3);
    const QModelIndex berlin = model.indexForDn(QStringLiteral("ou=berlin,ou=staff,dc=example,dc=test"));
    QCOMPARE(berlin.data().toString(), QStringLiteral("Berlin"));
    QCOMPARE(berlin.parent(), model.indexForDn(QStringLiteral("OU=Staff,DC=example,DC=test")));
    QCOMPARE(top.siblingAtColumn(ContainerTreeModel::UsersColumn).data().toString(), QStringLiteral("1,630"));
    QCOMPARE(state(berlin.siblingAtColumn(ContainerTreeModel::GroupsColumn)), Qt::Checked);
    QVERIFY(!(model.flags(berlin) & Qt::ItemIsUserCheckable));
    QVERIFY(model.flags(berlin.siblingAtColumn(ContainerTreeModel::UsersColumn)) & Qt::ItemIsUserCheckable);

    // The same tree again is no reset: the rows stay, only their data changes.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    selection.setContainers(domainTree());
    QCOMPARE(reset.count(), 1);
    QVERIFY(!changed.isEmpty());
    // No tree: no rows, the scopes stay.
    selection.setIncluded(Kind::Users, 1, false);
    selection.setContainers({});
    QCOMPARE(reset.count(), 2);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(selection.scope(Kind::Users), ContainerScope({}, {QStringLiteral("OU=Bulk,DC=example,DC=test")}));
}

void TestContainerTreeModel::checkingFollowsTheRule()
{
    ContainerSelection selection;
    ContainerTreeModel model(&selection);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    selection.setContainers(domainTree());
    QSignalSpy edited(&selection, &ContainerSelection::edited);
    const auto users = [&](const char *dn) {
        return model.indexForDn(QLatin1String(dn), ContainerTreeModel::UsersColumn);
    };
    const QModelIndex top = users("DC=example,DC=test");

    // Unchecking Staff's users leaves out Berlin too; the domain is partly checked and counts what is left.
    QVERIFY(model.setData(users("OU=Staff,DC=example,DC=test"), Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(edited.count(), 1);
    QCOMPARE(state(users("OU=Berlin,OU=Staff,DC=example,DC=test")), Qt::Unchecked);
    QCOMPARE(state(top), Qt::PartiallyChecked);
    QCOMPARE(top.data().toString(), QStringLiteral("1,602 of 1,630"));
    QCOMPARE(selection.inScopeTotal(Kind::Users), 1602);
    QCOMPARE(selection.total(Kind::Users), 1630);
    QCOMPARE(selection.scope(Kind::Users), ContainerScope({}, {QStringLiteral("OU=Staff,DC=example,DC=test")}));
    // Groups are chosen on their own.
    QVERIFY(selection.scope(Kind::Groups).isEmpty());
    QCOMPARE(state(model.indexForDn(QStringLiteral("OU=Staff,DC=example,DC=test"), ContainerTreeModel::GroupsColumn)),
             Qt::Checked);

    // Berlin is taken in again below its unchecked parent: the scope now names what it includes.
    QVERIFY(model.setData(users("OU=Berlin,OU=Staff,DC=example,DC=test"), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(state(users("OU=Staff,DC=example,DC=test")), Qt::PartiallyChecked);
    QCOMPARE(
        selection.scope(Kind::Users),
        ContainerScope({QStringLiteral("DC=example,DC=test"), QStringLiteral("OU=Berlin,OU=Staff,DC=example,DC=test")},
                       {QStringLiteral("OU=Staff,DC=example,DC=test")}));
    QCOMPARE(top.data().toString(), QStringLiteral("1,610 of 1,630"));

    // Checking the top takes everything in again: no scope at all.
    QVERIFY(model.setData(top, Qt::Checked, Qt::CheckStateRole));
    QVERIFY(selection.scope(Kind::Users).isEmpty());
    QCOMPARE(state(users("OU=Berlin,OU=Staff,DC=example,DC=test")), Qt::Checked);
    QCOMPARE(edited.count(), 3);

    // The name column has no check box.
    QVERIFY(!model.setData(model.index(0, ContainerTreeModel::NameColumn), Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(edited.count(), 3);
}

void TestContainerTreeModel::scopesFromAProfile()
{
    // A profile's scopes before the tree is read are kept as they are; the tree then shows them.
    ContainerSelection selection;
    ContainerTreeModel model(&selection);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy edited(&selection, &ContainerSelection::edited);
    const ContainerScope bulkOut({}, {QStringLiteral("ou=bulk,dc=example,dc=test")});
    selection.setScopes(bulkOut, {});
    QCOMPARE(selection.scope(Kind::Users), bulkOut);
    selection.setContainers(domainTree());
    QCOMPARE(state(model.indexForDn(QStringLiteral("OU=Bulk,DC=example,DC=test"), ContainerTreeModel::UsersColumn)),
             Qt::Unchecked);
    QCOMPARE(state(model.indexForDn(QStringLiteral("OU=Staff,DC=example,DC=test"), ContainerTreeModel::UsersColumn)),
             Qt::Checked);
    // Now written as the tree spells the container.
    QCOMPARE(selection.scope(Kind::Users), ContainerScope({}, {QStringLiteral("OU=Bulk,DC=example,DC=test")}));
    // Scopes from another profile change the boxes of the same tree; none of it is the admin's edit.
    selection.setScopes({}, ContainerScope({}, {QStringLiteral("OU=Staff,DC=example,DC=test")}));
    QCOMPARE(state(model.indexForDn(QStringLiteral("OU=Bulk,DC=example,DC=test"), ContainerTreeModel::UsersColumn)),
             Qt::Checked);
    QCOMPARE(state(model.indexForDn(QStringLiteral("OU=Berlin,OU=Staff,DC=example,DC=test"),
                                    ContainerTreeModel::GroupsColumn)),
             Qt::Unchecked);
    QCOMPARE(edited.count(), 0);
    selection.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(selection.scope(Kind::Groups).isEmpty());
}

void TestContainerTreeModel::goneContainersDropOut()
{
    // A container the profile excludes that the directory no longer has is dropped once the tree is read.
    ContainerSelection selection;
    selection.setScopes(
        ContainerScope({},
                       {QStringLiteral("OU=Gone,DC=example,DC=test"), QStringLiteral("OU=Bulk,DC=example,DC=test")}),
        {});
    selection.setContainers(domainTree());
    QCOMPARE(selection.scope(Kind::Users), ContainerScope({}, {QStringLiteral("OU=Bulk,DC=example,DC=test")}));
    // Out of range and before a tree: nothing happens.
    QSignalSpy edited(&selection, &ContainerSelection::edited);
    selection.setIncluded(Kind::Users, 99, false);
    selection.setContainers({});
    selection.setIncluded(Kind::Users, 0, false);
    QCOMPARE(edited.count(), 0);
    QVERIFY(selection.isIncluded(Kind::Users, 0));
}

QTEST_MAIN(TestContainerTreeModel)
#include "tst_containertreemodel.moc"
