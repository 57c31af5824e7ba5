// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/containerscope.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

using namespace M365::Directory;

/*
 * Which DNs a container scope holds (Entra Connect-style OU filtering): DNs compared per RDN, case-insensitively, with
 * escapes; a container below an excluded one taken in again; the tree of containers with its counts.
 */
class TestContainerScope : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void contains_data()
    {
        QTest::addColumn<QStringList>("included");
        QTest::addColumn<QStringList>("excluded");
        QTest::addColumn<QString>("dn");
        QTest::addColumn<bool>("expected");

        const QString staff = QStringLiteral("OU=Staff,DC=example,DC=test");
        const QString bulk = QStringLiteral("OU=Bulk,DC=example,DC=test");
        const QString comma = QStringLiteral("CN=Smith\\, Anna,OU=Staff,DC=example,DC=test");
        QTest::newRow("empty scope holds everything") << QStringList() << QStringList() << comma << true;
        QTest::newRow("below an included OU") << QStringList{staff} << QStringList() << comma << true;
        QTest::newRow("the included OU itself") << QStringList{staff} << QStringList() << staff << true;
        QTest::newRow("a sibling OU with a longer name")
            << QStringList{staff} << QStringList() << QStringLiteral("CN=Bob,OU=Staff2,DC=example,DC=test") << false;
        QTest::newRow("the parent of the included OU")
            << QStringList{staff} << QStringList() << QStringLiteral("CN=Bob,DC=example,DC=test") << false;
        QTest::newRow("case and spaces") << QStringList{QStringLiteral("ou = staff , dc=EXAMPLE,DC = Test")}
                                         << QStringList()
                                         << QStringLiteral("cn=SMITH\\, anna, OU=STAFF,dc=example, dc=test") << true;
        QTest::newRow("an escaped comma is no separator")
            << QStringList{staff} << QStringList()
            << QStringLiteral("CN=Evil\\,OU=Staff\\,DC=example\\,DC=test,OU=Other,DC=example,DC=test") << false;
        QTest::newRow("escaped comma in the scope")
            << QStringList() << QStringList{QStringLiteral("CN=Smith\\, Anna,OU=Staff,DC=example,DC=test")}
            << QStringLiteral("CN=Mailbox,CN=Smith\\, Anna,OU=Staff,DC=example,DC=test") << false;
        QTest::newRow("hex escape equals backslash escape")
            << QStringList() << QStringList{QStringLiteral("CN=smith\\2c anna,ou=staff,dc=example,dc=test")} << comma
            << false;
        QTest::newRow("UTF-8 hex escapes")
            << QStringList{QStringLiteral("OU=\\C3\\84pfel,DC=example,DC=test")} << QStringList()
            << QString::fromUtf8("CN=Bob,ou=\xc3\xa4pfel,DC=example,DC=test") << true;
        QTest::newRow("non-ASCII case") << QStringList{QString::fromUtf8("OU=\xc3\x84PFEL,DC=example,DC=test")}
                                        << QStringList()
                                        << QString::fromUtf8("CN=Bob,OU=\xc3\xa4pfel,DC=example,DC=test") << true;
        QTest::newRow("an escaped trailing space counts")
            << QStringList{QStringLiteral("OU=Staff\\ ,DC=example,DC=test")} << QStringList() << comma << false;
        QTest::newRow("multi-valued RDN in another order")
            << QStringList{QStringLiteral("cn=a+uid=b,dc=example,dc=test")} << QStringList()
            << QStringLiteral("CN=x,UID=b + CN=A,DC=example,DC=test") << true;
        QTest::newRow("quoted value") << QStringList{staff} << QStringList()
                                      << QStringLiteral("CN=\"Smith, Anna\",OU=Staff,DC=example,DC=test") << true;
        QTest::newRow("excluded OU") << QStringList() << QStringList{bulk}
                                     << QStringLiteral("CN=bulk00001,OU=Bulk,DC=example,DC=test") << false;
        QTest::newRow("not in the excluded OU") << QStringList() << QStringList{bulk} << comma << true;
        QTest::newRow("excluded below included")
            << QStringList{QStringLiteral("DC=example,DC=test")} << QStringList{bulk}
            << QStringLiteral("CN=bulk00001,OU=Bulk,DC=example,DC=test") << false;
        QTest::newRow("outside every included OU")
            << QStringList{staff} << QStringList{bulk} << QStringLiteral("CN=Eve,OU=Contractors,DC=example,DC=test")
            << false;
        QTest::newRow("in both lists: excluded") << QStringList{staff} << QStringList{staff} << comma << false;
        // An OU taken in again below an excluded one: the deepest listed container decides.
        const QStringList reincluded{QStringLiteral("DC=example,DC=test"),
                                     QStringLiteral("OU=Teachers,OU=School,DC=example,DC=test")};
        const QStringList school{QStringLiteral("OU=School,DC=example,DC=test")};
        QTest::newRow("re-included below excluded")
            << reincluded << school << QStringLiteral("CN=T,OU=Teachers,OU=School,DC=example,DC=test") << true;
        QTest::newRow("the excluded OU's other entries")
            << reincluded << school << QStringLiteral("CN=S,OU=Pupils,OU=School,DC=example,DC=test") << false;
        QTest::newRow("directly in the excluded OU")
            << reincluded << school << QStringLiteral("CN=S,OU=School,DC=example,DC=test") << false;
        QTest::newRow("elsewhere below the included top") << reincluded << school << comma << true;
        QTest::newRow("outside the base") << reincluded << school << QStringLiteral("CN=X,DC=other,DC=test") << false;
    }

    void contains()
    {
        QFETCH(QStringList, included);
        QFETCH(QStringList, excluded);
        QFETCH(QString, dn);
        QFETCH(bool, expected);
        const ContainerScope scope(included, excluded);
        QCOMPARE(scope.contains(dn), expected);
        // A copy answers the same, and so does a second question (from the normalised lists).
        const ContainerScope copy = scope;
        QCOMPARE(copy.contains(dn), expected);
        QCOMPARE(scope.contains(dn), expected);
    }

    void changedListsAreSeen()
    {
        ContainerScope scope;
        const QString dn = QStringLiteral("CN=Bob,OU=Bulk,DC=example,DC=test");
        QVERIFY(scope.contains(dn));
        scope.excluded.append(QStringLiteral("OU=Bulk,DC=example,DC=test"));
        QVERIFY(!scope.contains(dn));
        scope.excluded.clear();
        scope.included.append(QStringLiteral("OU=Staff,DC=example,DC=test"));
        QVERIFY(!scope.contains(dn));
        scope.included.first() = QStringLiteral("OU=Bulk,DC=example,DC=test");
        QVERIFY(scope.contains(dn));
        ContainerScope other;
        other = scope;
        QVERIFY(other.contains(dn));
        QCOMPARE(other, scope);
    }

    void normalizedForms()
    {
        QCOMPARE(normalizedDn(QStringLiteral(" CN = Smith\\, Anna , OU=Staff,DC=Example ")),
                 QStringLiteral("cn=smith\\2c\\20anna,ou=staff,dc=example"));
        QCOMPARE(normalizedDn(QStringLiteral("uid=b+cn=A,dc=x")), QStringLiteral("cn=a+uid=b,dc=x"));
        QCOMPARE(normalizedDn(QStringLiteral("cn=a\\+b\\\\c,dc=x")), QStringLiteral("cn=a\\2bb\\5cc,dc=x"));
        QCOMPARE(normalizedDn(QString()), QString());
        // Whatever would read differently a second time is escaped (found by fuzz_dn): ';', '"' and spaces.
        QCOMPARE(normalizedDn(QStringLiteral("cn=a\\3bb\\22c\\20,dc=x")), QStringLiteral("cn=a\\3bb\\22c\\20,dc=x"));
        const QString once = normalizedDn(QStringLiteral("CN=J\\3BCrgen \\20x,OU=Staff2,DC=Example,DC=Org"));
        QCOMPARE(normalizedDn(once), once);
        QCOMPARE(parentOfNormalizedDn(QStringLiteral("cn=smith\\2c anna,ou=staff,dc=example")),
                 QStringLiteral("ou=staff,dc=example"));
        QCOMPARE(parentOfNormalizedDn(QStringLiteral("dc=example")), QString());
        QCOMPARE(firstRdnValue(QStringLiteral("CN=Smith\\, Anna,OU=Staff,DC=example,DC=test")),
                 QStringLiteral("Smith, Anna"));
        QCOMPARE(firstRdnValue(QStringLiteral("ou= Bulk ,dc=example")), QStringLiteral("Bulk"));
        QCOMPARE(firstRdnValue(QStringLiteral("OU=\\C3\\84pfel,DC=x")), QString::fromUtf8("\xc3\x84pfel"));
    }

    void json()
    {
        const ContainerScope scope({QStringLiteral("OU=Staff,DC=example,DC=test")},
                                   {QStringLiteral("CN=Smith\\, Anna,OU=Staff,DC=example,DC=test")});
        const QJsonObject json = scope.toJson();
        QCOMPARE(json.value(QLatin1String("include")).toArray().size(), 1);
        QCOMPARE(json.value(QLatin1String("exclude")).toArray().first().toString(), scope.excluded.first());
        QCOMPARE(ContainerScope::fromJson(json), scope);
        QVERIFY(ContainerScope().toJson().isEmpty());
        QVERIFY(!ContainerScope({}, {QStringLiteral("OU=Bulk,DC=x")}).toJson().contains(QLatin1String("include")));
        const ContainerScope blanks = ContainerScope::fromJson(
            QJsonObject{{QStringLiteral("include"), QJsonArray{QString(), QStringLiteral("  ")}},
                        {QStringLiteral("exclude"), QJsonArray{QStringLiteral(" OU=Bulk,DC=x ")}}});
        QVERIFY(blanks.included.isEmpty());
        QCOMPARE(blanks.excluded, QStringList{QStringLiteral("OU=Bulk,DC=x")});
        QVERIFY(ContainerScope::fromJson({}).isEmpty());
    }

    void hundredThousandDns()
    {
        // A planning run asks for every user of a large directory: the scope's DNs are normalised once, not per call.
        QStringList dns;
        dns.reserve(100000);
        const QStringList ous{QStringLiteral("Staff"),
                              QStringLiteral("Bulk"),
                              QStringLiteral("Contractors"),
                              QStringLiteral("Pupils,OU=School"),
                              QStringLiteral("Teachers,OU=School")};
        for (int i = 0; i < 100000; ++i) {
            dns.append(QStringLiteral("CN=User %1\\, Number,OU=%2,DC=example,DC=test").arg(i).arg(ous.at(i % 5)));
        }
        const ContainerScope scope(
            {QStringLiteral("DC=example,DC=test"), QStringLiteral("OU=Teachers,OU=School,DC=example,DC=test")},
            {QStringLiteral("OU=Bulk,DC=example,DC=test"),
             QStringLiteral("OU=School,DC=example,DC=test"),
             QStringLiteral("OU=Contractors,DC=example,DC=test")});
        QElapsedTimer timer;
        timer.start();
        int in = 0;
        for (const QString &dn : std::as_const(dns)) {
            in += scope.contains(dn) ? 1 : 0;
        }
        const qint64 elapsed = timer.elapsed();
        qInfo("100,000 DNs checked in %lld ms", elapsed);
        QCOMPARE(in, 40000); // Staff and Teachers
        QVERIFY2(elapsed < 3000, qPrintable(QString::number(elapsed)));
    }

    void tree()
    {
        // Unsorted, one container twice in another spelling, the base not among the containers.
        const QStringList containers{QStringLiteral("ou=Groups,dc=example,dc=org"),
                                     QStringLiteral("ou=school,dc=example,dc=org"),
                                     QStringLiteral("ou=Teachers,ou=School,dc=example,dc=org"),
                                     QStringLiteral("OU=GROUPS, DC=example,DC=org"),
                                     QStringLiteral("ou=Pupils,ou=School,dc=example,dc=org"),
                                     QStringLiteral("ou=empty,dc=example,dc=org")};
        const QStringList users{QStringLiteral("uid=t1,ou=Teachers,ou=School,dc=example,dc=org"),
                                QStringLiteral("uid=t2,ou=teachers,ou=school,dc=example,dc=org"),
                                QStringLiteral("uid=p1,ou=Pupils,ou=School,dc=example,dc=org"),
                                QStringLiteral("uid=head,ou=School,dc=example,dc=org"),
                                QStringLiteral("uid=admin,dc=example,dc=org"),
                                // below a non-container (an account with a sub-entry): counted in its nearest container
                                QStringLiteral("cn=alias,uid=t1,ou=Teachers,ou=School,dc=example,dc=org"),
                                QStringLiteral("uid=elsewhere,dc=other,dc=org")};
        const QStringList groups{QStringLiteral("cn=all,ou=Groups,dc=example,dc=org"),
                                 QStringLiteral("cn=class 1a,ou=Pupils,ou=School,dc=example,dc=org")};
        const QList<DirectoryContainer> tree =
            buildContainerTree(QStringLiteral("dc=example,dc=org"), containers, users, groups);
        QStringList names;
        QList<int> parents;
        for (const DirectoryContainer &c : tree) {
            names.append(c.name);
            parents.append(c.parent);
        }
        QCOMPARE(names,
                 (QStringList{QStringLiteral("example"),
                              QStringLiteral("empty"),
                              QStringLiteral("Groups"),
                              QStringLiteral("school"),
                              QStringLiteral("Pupils"),
                              QStringLiteral("Teachers")}));
        QCOMPARE(parents, (QList<int>{-1, 0, 0, 0, 3, 3}));
        QCOMPARE(tree.at(0).dn, QStringLiteral("dc=example,dc=org"));
        QCOMPARE(tree.at(0).directUsers, 1);
        QCOMPARE(tree.at(0).subtreeUsers, 6);
        QCOMPARE(tree.at(0).subtreeGroups, 2);
        QCOMPARE(tree.at(1).subtreeUsers + tree.at(1).subtreeGroups, 0);
        QCOMPARE(tree.at(2).directGroups, 1);
        QCOMPARE(tree.at(3).directUsers, 1);
        QCOMPARE(tree.at(3).subtreeUsers, 5);
        QCOMPARE(tree.at(3).subtreeGroups, 1);
        QCOMPARE(tree.at(4).directUsers, 1);
        QCOMPARE(tree.at(4).directGroups, 1);
        QCOMPARE(tree.at(5).directUsers, 3);
        QCOMPARE(tree.at(5).subtreeUsers, 3);
    }
};

QTEST_GUILESS_MAIN(TestContainerScope)
#include "tst_containerscope.moc"
