// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "graph/tenantcheck.h"

#include <QTest>

using M365::Graph::roleSatisfied;

/*
 * Which granted application permissions cover the ones the sync needs, as Microsoft Graph's permission pages say: a
 * wider permission may contain a narrower one, but Directory.ReadWrite.All does not delete users or groups.
 */
class TestTenantCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roles_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<QStringList>("granted");
        QTest::addColumn<bool>("satisfied");
        const QStringList directory{QStringLiteral("Directory.ReadWrite.All")};
        QTest::newRow("exact") << QStringLiteral("User.ReadWrite.All")
                               << QStringList{QStringLiteral("User.ReadWrite.All")} << true;
        QTest::newRow("read from readwrite")
            << QStringLiteral("Domain.Read.All") << QStringList{QStringLiteral("Domain.ReadWrite.All")} << true;
        QTest::newRow("read from Directory.Read.All")
            << QStringLiteral("Organization.Read.All") << QStringList{QStringLiteral("Directory.Read.All")} << true;
        QTest::newRow("Directory.ReadWrite.All does not delete users")
            << QStringLiteral("User.ReadWrite.All") << directory << false;
        QTest::newRow("Directory.ReadWrite.All does not delete groups")
            << QStringLiteral("Group.ReadWrite.All") << directory << false;
        QTest::newRow("Directory.ReadWrite.All reads domains")
            << QStringLiteral("Domain.Read.All") << directory << true;
        QTest::newRow("licences with User.ReadWrite.All") << QStringLiteral("LicenseAssignment.ReadWrite.All")
                                                          << QStringList{QStringLiteral("User.ReadWrite.All")} << true;
        QTest::newRow("write not from read")
            << QStringLiteral("Group.ReadWrite.All") << QStringList{QStringLiteral("Group.Read.All")} << false;
    }

    void roles()
    {
        QFETCH(QString, role);
        QFETCH(QStringList, granted);
        QFETCH(bool, satisfied);
        QCOMPARE(roleSatisfied(role, granted), satisfied);
    }
};

QTEST_GUILESS_MAIN(TestTenantCheck)
#include "tst_tenantcheck.moc"
