// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/groupresolver.h"

#include <QTest>

using namespace M365::Directory;

namespace {
DirectoryEntry user(const QString &uid)
{
    DirectoryEntry e;
    e.kind = EntryKind::User;
    e.dn = QStringLiteral("uid=%1,ou=people,dc=x").arg(uid);
    e.anchor = QStringLiteral("U-") + uid;
    e.addValue(QStringLiteral("uid"), uid);
    return e;
}

DirectoryEntry group(const QString &cn, const QStringList &members, const QString &attribute = QStringLiteral("member"))
{
    DirectoryEntry e;
    e.kind = EntryKind::Group;
    e.dn = QStringLiteral("cn=%1,ou=groups,dc=x").arg(cn);
    e.anchor = QStringLiteral("G-") + cn;
    for (const QString &m : members) {
        e.addValue(attribute, m);
    }
    return e;
}

GroupMembership find(const QList<GroupMembership> &list, const QString &anchor)
{
    for (const GroupMembership &m : list) {
        if (m.groupAnchor == anchor) {
            return m;
        }
    }
    return {};
}
} // namespace

class TestGroupResolver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizeDn_data()
    {
        QTest::addColumn<QString>("dn");
        QTest::addColumn<QString>("expected");
        QTest::newRow("case") << QStringLiteral("UID=Anna,OU=People,DC=X") << QStringLiteral("uid=anna,ou=people,dc=x");
        QTest::newRow("spaces") << QStringLiteral("uid = anna , ou=people, dc=x")
                                << QStringLiteral("uid=anna,ou=people,dc=x");
        QTest::newRow("inner space kept") << QStringLiteral("cn=Anna Berg,dc=x") << QStringLiteral("cn=anna berg,dc=x");
        QTest::newRow("uniqueMember uid") << QStringLiteral("uid=anna,dc=x#'0101'B") << QStringLiteral("uid=anna,dc=x");
    }

    void normalizeDn()
    {
        QFETCH(QString, dn);
        QFETCH(QString, expected);
        QCOMPARE(GroupResolver::normalizeDn(dn), expected);
    }

    void directAndNested()
    {
        GroupResolver resolver;
        resolver.addEntry(user(QStringLiteral("anna")));
        resolver.addEntry(user(QStringLiteral("bob")));
        resolver.addEntry(user(QStringLiteral("cem")));
        resolver.addEntry(group(QStringLiteral("inner"), {QStringLiteral("UID=bob, ou=people,dc=x")}));
        resolver.addEntry(group(QStringLiteral("outer"),
                                {QStringLiteral("uid=anna,ou=people,dc=x"),
                                 QStringLiteral("cn=inner,ou=groups,dc=x"),
                                 QStringLiteral("uid=ghost,ou=people,dc=x")}));
        resolver.addEntry(group(QStringLiteral("posix"), {QStringLiteral("cem")}, QStringLiteral("memberUid")));

        const QList<GroupMembership> direct = resolver.resolve(false);
        QCOMPARE(direct.size(), 3);
        const GroupMembership outer = find(direct, QStringLiteral("G-outer"));
        QCOMPARE(outer.userAnchors, QStringList{QStringLiteral("U-anna")});
        QCOMPARE(outer.groupAnchors, QStringList{QStringLiteral("G-inner")});
        QCOMPARE(outer.unresolved, QStringList{QStringLiteral("uid=ghost,ou=people,dc=x")});
        QCOMPARE(find(direct, QStringLiteral("G-posix")).userAnchors, QStringList{QStringLiteral("U-cem")});
        QVERIFY(resolver.problems().isEmpty());

        const QList<GroupMembership> flat = resolver.resolve(true);
        const GroupMembership flatOuter = find(flat, QStringLiteral("G-outer"));
        QCOMPARE(flatOuter.userAnchors, (QStringList{QStringLiteral("U-anna"), QStringLiteral("U-bob")}));
        QVERIFY(flatOuter.groupAnchors.isEmpty());
    }

    void cyclesReportedAndHarmless()
    {
        GroupResolver resolver;
        resolver.addEntry(user(QStringLiteral("anna")));
        resolver.addEntry(user(QStringLiteral("bob")));
        resolver.addEntry(group(QStringLiteral("a"),
                                {QStringLiteral("cn=b,ou=groups,dc=x"), QStringLiteral("uid=anna,ou=people,dc=x")}));
        resolver.addEntry(group(QStringLiteral("b"),
                                {QStringLiteral("cn=a,ou=groups,dc=x"), QStringLiteral("uid=bob,ou=people,dc=x")}));
        resolver.addEntry(group(QStringLiteral("self"), {QStringLiteral("cn=self,ou=groups,dc=x")}));
        const QList<GroupMembership> flat = resolver.resolve(true);
        QCOMPARE(resolver.problems().size(), 2);
        QVERIFY(resolver.problems().first().reason.contains(QStringLiteral("cycle")));
        QCOMPARE(find(flat, QStringLiteral("G-a")).userAnchors.size(), 2);
        QCOMPARE(find(flat, QStringLiteral("G-b")).userAnchors.size(), 2);
        QVERIFY(find(flat, QStringLiteral("G-self")).userAnchors.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestGroupResolver)
#include "tst_groupresolver.moc"
