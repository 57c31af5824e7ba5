// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mergeDeltaChanges for what the planner needs from a users delta round: the manager as the user's "manager"
// property, from the manager@delta annotation (concepts/delta-query-overview.md). JSON holding a '#' is written as
// a plain string: moc misreads a '#' in a raw string and then finds no test class.

#include "sync/cloudreader.h"

#include <QJsonDocument>
#include <QTest>

using namespace M365::Sync;

namespace {

QJsonArray round(const char *json)
{
    return QJsonDocument::fromJson(json).array();
}

} // namespace

class TestDeltaMerge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void managerFollowsManagerDelta()
    {
        QHash<QString, QJsonObject> users;
        mergeDeltaChanges(QStringLiteral("users"),
                          &users,
                          round("[{\"id\":\"u1\",\"displayName\":\"Ann\", "
                                "\"manager@delta\":[{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"boss\"}]}, "
                                "{\"id\":\"boss\",\"displayName\":\"Boss\"}]"),
                          true);
        QCOMPARE(users.value(QStringLiteral("u1")).value(QLatin1String("manager")).toString(), QStringLiteral("boss"));
        QVERIFY(!users.value(QStringLiteral("boss")).contains(QLatin1String("manager")));
        QVERIFY(!users.value(QStringLiteral("u1")).contains(QLatin1String("manager@delta")));

        // Another change of the user without the annotation leaves the manager as it was.
        mergeDeltaChanges(QStringLiteral("users"), &users, round(R"([{"id":"u1","jobTitle":"Chief"}])"), false);
        QCOMPARE(users.value(QStringLiteral("u1")).value(QLatin1String("manager")).toString(), QStringLiteral("boss"));

        // A new manager replaces the old one, also when the old one is listed as removed in the same answer.
        const DeltaMerge changed = mergeDeltaChanges(
            QStringLiteral("users"),
            &users,
            round("[{\"id\":\"u1\",\"manager@delta\":[ {\"id\":\"boss\",\"@removed\":{\"reason\":\"deleted\"}}, "
                  "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"boss2\"}]}]"),
            false);
        QCOMPARE(users.value(QStringLiteral("u1")).value(QLatin1String("manager")).toString(), QStringLiteral("boss2"));
        QVERIFY(changed.touched.contains(QStringLiteral("u1")));

        // Removed: no manager.
        mergeDeltaChanges(QStringLiteral("users"),
                          &users,
                          round(R"([{"id":"u1","manager@delta":[{"id":"boss2","@removed":{"reason":"deleted"}}]}])"),
                          false);
        QVERIFY(users.value(QStringLiteral("u1")).value(QLatin1String("manager")).isNull());
    }
};

QTEST_GUILESS_MAIN(TestDeltaMerge)
#include "tst_deltamerge.moc"
