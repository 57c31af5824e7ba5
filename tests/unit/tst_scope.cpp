// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/scope.h"

#include <QTest>

using namespace M365::Sync;
using M365::Directory::DirectoryEntry;
using M365::Directory::EntryKind;

namespace {

DirectoryEntry user(const QString &uid, const QHash<QString, QStringList> &attributes = {})
{
    DirectoryEntry e;
    e.kind = EntryKind::User;
    e.dn = QStringLiteral("uid=%1,ou=people,dc=x").arg(uid);
    e.anchor = QStringLiteral("U-") + uid;
    e.addValue(QStringLiteral("uid"), uid);
    e.addValue(QStringLiteral("objectClass"), QStringLiteral("inetOrgPerson"));
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it) {
        for (const QString &v : it.value()) {
            e.addValue(it.key(), v);
        }
    }
    return e;
}

DirectoryEntry group(const QString &cn, const QStringList &memberUids)
{
    DirectoryEntry e;
    e.kind = EntryKind::Group;
    e.dn = QStringLiteral("cn=%1,ou=groups,dc=x").arg(cn);
    e.anchor = QStringLiteral("G-") + cn;
    e.addValue(QStringLiteral("cn"), cn);
    for (const QString &uid : memberUids) {
        e.addValue(QStringLiteral("member"),
                   uid.startsWith(QLatin1String("cn=")) ? uid : QStringLiteral("uid=%1,ou=people,dc=x").arg(uid));
    }
    return e;
}

} // namespace

class TestScope : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void filter_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("matches");
        // The entry: uid=jdoe, mail=John.Doe@Example.org, departmentNumber=Sales, univentionOffice365Enabled=1
        QTest::newRow("empty matches all") << "" << true;
        QTest::newRow("equality") << "(uid=jdoe)" << true;
        QTest::newRow("equality, case-insensitive") << "(UID=JDOE)" << true;
        QTest::newRow("equality misses") << "(uid=other)" << false;
        QTest::newRow("presence") << "(mail=*)" << true;
        QTest::newRow("presence misses") << "(mobile=*)" << false;
        QTest::newRow("prefix") << "(mail=john*)" << true;
        QTest::newRow("suffix") << "(mail=*@example.org)" << true;
        QTest::newRow("infix") << "(mail=j*.*@ex*)" << true;
        QTest::newRow("substring misses") << "(mail=*@example.com)" << false;
        QTest::newRow("and") << "(&(uid=jdoe)(departmentNumber=sales))" << true;
        QTest::newRow("and misses") << "(&(uid=jdoe)(departmentNumber=hr))" << false;
        QTest::newRow("or") << "(|(uid=x)(uid=jdoe))" << true;
        QTest::newRow("not") << "(!(uid=x))" << true;
        QTest::newRow("not misses") << "(!(uid=jdoe))" << false;
        QTest::newRow("nested") << "(&(objectClass=inetOrgPerson)(|(departmentNumber=HR)(!(mail=*@other.org))))"
                                << true;
        QTest::newRow("bare item") << "uid=jdoe" << true;
        QTest::newRow("escaped star is literal") << "(uid=jd\\2a)" << false;
        QTest::newRow("ucs flag") << "(univentionOffice365Enabled=1)" << true;
        QTest::newRow("spaces between") << " (& (uid=jdoe) (mail=*) ) " << true;
    }

    void filter()
    {
        QFETCH(QString, filter);
        QFETCH(bool, matches);
        const auto scope = Scope::fromFilter(filter);
        QVERIFY2(scope.ok(), qPrintable(scope.error.userMessage));
        const DirectoryEntry e = user(QStringLiteral("jdoe"),
                                      {{QStringLiteral("mail"), {QStringLiteral("John.Doe@Example.org")}},
                                       {QStringLiteral("departmentNumber"), {QStringLiteral("Sales")}},
                                       {QStringLiteral("univentionOffice365Enabled"), {QStringLiteral("1")}}});
        QCOMPARE(scope.value.matchesFilter(e), matches);
    }

    void invalidFilter_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::newRow("unbalanced") << "(uid=x";
        QTest::newRow("no value operator") << "(uid)";
        QTest::newRow("empty and") << "(&)";
        QTest::newRow("two under not") << "(!(a=1)(b=2))";
        QTest::newRow("trailing text") << "(uid=x)junk";
        QTest::newRow("bad escape") << "(uid=\\zz)";
        QTest::newRow("greater-or-equal") << "(uidNumber>=5)";
    }

    void invalidFilter()
    {
        QFETCH(QString, filter);
        const auto scope = Scope::fromFilter(filter);
        QVERIFY(!scope.ok());
        QCOMPARE(scope.error.code, QStringLiteral("sync.scope.filter"));
        QVERIFY(scope.error.userMessage.contains(QLatin1String("position")));
    }

    void ucsPreset()
    {
        const Scope s = Scope::ucsPreset();
        QCOMPARE(s.filter(), QStringLiteral("(univentionOffice365Enabled=1)"));
        QVERIFY(s.matchesFilter(user(QStringLiteral("a"), {{QStringLiteral("univentionOffice365Enabled"), {"1"}}})));
        QVERIFY(!s.matchesFilter(user(QStringLiteral("b"), {{QStringLiteral("univentionOffice365Enabled"), {"0"}}})));
        QVERIFY(!s.matchesFilter(user(QStringLiteral("c"))));
    }

    void groups_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QStringList>("groups");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("no condition") << "" << QStringList() << QStringList{"U-a", "U-b", "U-c", "U-d"};
        QTest::newRow("group by anchor") << "" << QStringList{"G-staff"} << QStringList{"U-a", "U-b"};
        QTest::newRow("group by DN, any case")
            << "" << QStringList{"CN=Staff, OU=Groups, DC=X"} << QStringList{"U-a", "U-b"};
        QTest::newRow("nested group flattened") << "" << QStringList{"G-all"} << QStringList{"U-a", "U-b", "U-c"};
        QTest::newRow("group and filter") << "(!(uid=b))" << QStringList{"G-staff"} << QStringList{"U-a"};
        QTest::newRow("unknown group") << "" << QStringList{"G-none"} << QStringList();
    }

    void groups()
    {
        QFETCH(QString, filter);
        QFETCH(QStringList, groups);
        QFETCH(QStringList, expected);
        auto scope = Scope::fromFilter(filter);
        QVERIFY(scope.ok());
        scope.value.setGroups(groups);
        const QList<DirectoryEntry> users{
            user(QStringLiteral("a")), user(QStringLiteral("b")), user(QStringLiteral("c")), user(QStringLiteral("d"))};
        const QList<DirectoryEntry> directoryGroups{
            group(QStringLiteral("staff"), {QStringLiteral("a"), QStringLiteral("b")}),
            group(QStringLiteral("all"), {QStringLiteral("cn=staff,ou=groups,dc=x"), QStringLiteral("c")})};
        QStringList got = scope.value.usersInScope(users, directoryGroups).values();
        got.sort();
        QCOMPARE(got, expected);
    }

    void jsonRoundTrip()
    {
        auto scope = Scope::fromFilter(QStringLiteral("(&(a=1)(b=*))"));
        QVERIFY(scope.ok());
        scope.value.setGroups({QStringLiteral("G-x"), QStringLiteral("cn=y,dc=x")});
        const auto back = Scope::fromJson(scope.value.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back.value.filter(), scope.value.filter());
        QCOMPARE(back.value.groups(), scope.value.groups());
        QVERIFY(!Scope::fromJson(QJsonObject{{QStringLiteral("filter"), QStringLiteral("(a=")}}).ok());
    }
};

QTEST_GUILESS_MAIN(TestScope)
#include "tst_scope.moc"
