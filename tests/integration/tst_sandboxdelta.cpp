// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// users/delta and groups/delta in the sandbox: a full first round across pages, then only what changed, with
// @removed for deleted objects, members@delta for membership changes and manager@delta for users' managers when
// $select names manager; 410 when the sync state is gone.

#include "sandboxfixture.h"

#include <QSet>
#include <QTest>

using Reply = SandboxFixture::Reply;

class TestSandboxDelta : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void usersRounds();
    void groupMembersDelta();
    void managerDelta();
    void lostSyncStateGives410();

private:
    /// Follows nextLinks to the end of a round; returns the items and sets @p deltaLink.
    QList<QJsonObject> round(const QString &firstUrl,
                             QString *deltaLink,
                             int *pages = nullptr,
                             const QHash<QByteArray, QByteArray> &headers = {});
    QString relative(const QString &url) const
    {
        return url.mid(QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0")).size());
    }

    QString createUser(const QString &alias);
    int assignManager(const QString &user, const QString &manager);
    static QHash<QString, QJsonObject> byId(const QList<QJsonObject> &items);

    std::unique_ptr<SandboxFixture> m_sandbox;
    QString m_token;
};

void TestSandboxDelta::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
    m_token = m_sandbox->demoToken();
}

QList<QJsonObject> TestSandboxDelta::round(const QString &firstUrl,
                                           QString *deltaLink,
                                           int *pages,
                                           const QHash<QByteArray, QByteArray> &headers)
{
    QList<QJsonObject> items;
    QString url = firstUrl;
    int count = 0;
    while (!url.isEmpty() && count < 1000) {
        const Reply page = m_sandbox->graph("GET", url, m_token, {}, headers);
        if (page.status != 200) {
            qWarning() << "delta page failed" << page.status << page.body;
            return {};
        }
        ++count;
        for (const auto &v : page.value()) {
            items.append(v.toObject());
        }
        const QString next = page.json.value(QLatin1String("@odata.nextLink")).toString();
        if (next.isEmpty()) {
            *deltaLink = page.json.value(QLatin1String("@odata.deltaLink")).toString();
            break;
        }
        url = relative(next);
    }
    if (pages) {
        *pages = count;
    }
    return items;
}

void TestSandboxDelta::usersRounds()
{
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(m_sandbox
                     ->graph("POST",
                             QStringLiteral("/users"),
                             m_token,
                             SandboxFixture::newUserBody(QStringLiteral("d%1").arg(i)))
                     .status,
                 201);
    }
    QString deltaLink;
    int pages = 0;
    const QList<QJsonObject> initial = round(QStringLiteral("/users/delta?$select=displayName,jobTitle"),
                                             &deltaLink,
                                             &pages,
                                             {{"Prefer", "odata.maxpagesize=4"}});
    QSet<QString> ids;
    for (const QJsonObject &item : initial) {
        ids.insert(item.value(QLatin1String("id")).toString());
        QVERIFY(item.contains(QLatin1String("displayName")));
        QVERIFY(!item.contains(QLatin1String("userPrincipalName"))); // $select is kept across pages
    }
    QCOMPARE(ids.size(), int(m_sandbox->tenant().state().users.size()));
    QCOMPARE(initial.size(), ids.size());
    QVERIFY(pages >= 3);
    QVERIFY(deltaLink.contains(QLatin1String("$deltatoken=")));

    // Nothing changed: an empty round with a new deltaLink.
    QString again;
    QVERIFY(round(relative(deltaLink), &again).isEmpty());
    QVERIFY(!again.isEmpty());

    const auto &state = m_sandbox->tenant().state();
    const QString updated = state.userIdByUpn(QStringLiteral("d1@contoso.onmicrosoft.com"));
    const QString removed = state.userIdByUpn(QStringLiteral("d2@contoso.onmicrosoft.com"));
    QCOMPARE(m_sandbox
                 ->graph("PATCH",
                         QStringLiteral("/users/") + updated,
                         m_token,
                         {{QStringLiteral("jobTitle"), QStringLiteral("Changed")}})
                 .status,
             204);
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/users/") + removed, m_token).status, 204);
    const Reply created = m_sandbox->graph(
        "POST", QStringLiteral("/users"), m_token, SandboxFixture::newUserBody(QStringLiteral("dnew")));
    const QString added = created.json.value(QLatin1String("id")).toString();

    QString third;
    const QList<QJsonObject> changes = round(relative(again), &third);
    QHash<QString, QJsonObject> byId;
    for (const QJsonObject &item : changes) {
        byId.insert(item.value(QLatin1String("id")).toString(), item);
    }
    QCOMPARE(byId.size(), 3);
    QCOMPARE(byId.value(updated).value(QLatin1String("jobTitle")).toString(), QStringLiteral("Changed"));
    QCOMPARE(byId.value(removed).value(QLatin1String("@removed")).toObject().value(QLatin1String("reason")).toString(),
             QStringLiteral("changed"));
    QCOMPARE(byId.value(added).value(QLatin1String("displayName")).toString(), QStringLiteral("dnew"));

    // A permanent delete is reported with reason "deleted".
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/directory/deletedItems/") + removed, m_token).status, 204);
    QString fourth;
    const QList<QJsonObject> purged = round(relative(third), &fourth);
    QCOMPARE(purged.size(), 1);
    QCOMPARE(purged.at(0).value(QLatin1String("@removed")).toObject().value(QLatin1String("reason")).toString(),
             QStringLiteral("deleted"));
}

void TestSandboxDelta::groupMembersDelta()
{
    const auto &state = m_sandbox->tenant().state();
    const QString a = state.userIdByUpn(QStringLiteral("AdeleV@contoso.onmicrosoft.com"));
    const QString b = state.userIdByUpn(QStringLiteral("LeeG@contoso.onmicrosoft.com"));
    const Reply group =
        m_sandbox->graph("POST",
                         QStringLiteral("/groups"),
                         m_token,
                         {{QStringLiteral("displayName"), QStringLiteral("Delta group")},
                          {QStringLiteral("mailEnabled"), false},
                          {QStringLiteral("mailNickname"), QStringLiteral("deltagroup")},
                          {QStringLiteral("securityEnabled"), true},
                          {QStringLiteral("members@odata.bind"),
                           QJsonArray{QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/") + a)}}});
    QCOMPARE(group.status, 201);
    const QString groupId = group.json.value(QLatin1String("id")).toString();

    QString deltaLink;
    const QList<QJsonObject> initial =
        round(QStringLiteral("/groups/delta?$select=displayName,description,members"), &deltaLink);
    QJsonArray members;
    for (const QJsonObject &item : initial) {
        if (item.value(QLatin1String("id")).toString() == groupId) {
            members = item.value(QLatin1String("members@delta")).toArray();
        }
    }
    QCOMPARE(members.size(), 1);
    QCOMPARE(members.at(0).toObject().value(QLatin1String("id")).toString(), a);
    QCOMPARE(members.at(0).toObject().value(QLatin1String("@odata.type")).toString(),
             QStringLiteral("#microsoft.graph.user"));

    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/groups/%1/members/$ref").arg(groupId),
                         m_token,
                         {{QStringLiteral("@odata.id"),
                           QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/") + b)}})
                 .status,
             204);
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/groups/%1/members/%2/$ref").arg(groupId, a), m_token).status,
             204);
    QString next;
    const QList<QJsonObject> changes = round(relative(deltaLink), &next);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.at(0).value(QLatin1String("id")).toString(), groupId);
    QHash<QString, bool> removed;
    for (const auto &v : changes.at(0).value(QLatin1String("members@delta")).toArray()) {
        removed.insert(v.toObject().value(QLatin1String("id")).toString(),
                       v.toObject().contains(QLatin1String("@removed")));
    }
    QCOMPARE(removed.size(), 2);
    QCOMPARE(removed.value(a), true);
    QCOMPARE(removed.value(b), false);

    // Deleting the security group reports it removed for good.
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/groups/") + groupId, m_token).status, 204);
    QString last;
    const QList<QJsonObject> gone = round(relative(next), &last);
    QCOMPARE(gone.size(), 1);
    QCOMPARE(gone.at(0).value(QLatin1String("@removed")).toObject().value(QLatin1String("reason")).toString(),
             QStringLiteral("deleted"));
}

QString TestSandboxDelta::createUser(const QString &alias)
{
    const Reply reply = m_sandbox->graph("POST", QStringLiteral("/users"), m_token, SandboxFixture::newUserBody(alias));
    if (reply.status != 201) {
        qWarning() << "create user" << alias << reply.status << reply.body;
    }
    return reply.json.value(QLatin1String("id")).toString();
}

int TestSandboxDelta::assignManager(const QString &user, const QString &manager)
{
    return m_sandbox->setManager(user, manager, m_token);
}

QHash<QString, QJsonObject> TestSandboxDelta::byId(const QList<QJsonObject> &items)
{
    QHash<QString, QJsonObject> out;
    for (const QJsonObject &item : items) {
        out.insert(item.value(QLatin1String("id")).toString(), item);
    }
    return out;
}

void TestSandboxDelta::managerDelta()
{
    // $select=...,manager tracks users' managers as manager@delta (concepts/delta-query-overview.md).
    const QString boss = createUser(QStringLiteral("md-boss"));
    const QString newBoss = createUser(QStringLiteral("md-newboss"));
    const QString moved = createUser(QStringLiteral("md-moved"));
    const QString dropped = createUser(QStringLiteral("md-dropped"));
    const QString fresh = createUser(QStringLiteral("md-fresh"));
    const QString orphan = createUser(QStringLiteral("md-orphan"));
    for (const QString &id : {boss, newBoss, moved, dropped, fresh, orphan}) {
        QVERIFY(!id.isEmpty());
    }
    QCOMPARE(assignManager(moved, boss), 204);
    QCOMPARE(assignManager(dropped, boss), 204);
    QCOMPARE(assignManager(orphan, newBoss), 204);

    const auto entries = [](const QJsonObject &item) {
        return item.value(QLatin1String("manager@delta")).toArray();
    };
    const auto names = [](const QJsonArray &delta, const QString &id, bool removed) {
        if (delta.size() != 1) {
            return false;
        }
        const QJsonObject entry = delta.at(0).toObject();
        const bool isRemoved = entry.value(QLatin1String("@removed")).toObject().value(QLatin1String("reason"))
            == QLatin1String("deleted");
        return entry.value(QLatin1String("id")).toString() == id
            && entry.value(QLatin1String("@odata.type")).toString() == QLatin1String("#microsoft.graph.user")
            && isRemoved == removed && (removed || !entry.contains(QLatin1String("@removed")));
    };

    // The first round, across pages: every user with a manager carries it, the others carry nothing.
    QString managerLink;
    const QHash<QString, QJsonObject> initial = byId(round(QStringLiteral("/users/delta?$select=displayName,manager"),
                                                           &managerLink,
                                                           nullptr,
                                                           {{"Prefer", "odata.maxpagesize=3"}}));
    QCOMPARE(initial.size(), int(m_sandbox->tenant().state().users.size()));
    QVERIFY(names(entries(initial.value(moved)), boss, false));
    QVERIFY(names(entries(initial.value(dropped)), boss, false));
    QVERIFY(names(entries(initial.value(orphan)), newBoss, false));
    for (const QString &id : {boss, newBoss, fresh}) {
        QVERIFY2(!initial.value(id).contains(QLatin1String("manager@delta")), qPrintable(id));
    }
    QCOMPARE(initial.value(moved).value(QLatin1String("displayName")).toString(), QStringLiteral("md-moved"));
    QVERIFY(!initial.value(moved).contains(QLatin1String("manager"))); // a navigation property is no property
    QVERIFY(!initial.value(moved).contains(QLatin1String("userPrincipalName")));

    // Without manager in $select (or without $select), no manager@delta, as before.
    QString plainLink;
    for (const QString &url : {QStringLiteral("/users/delta?$select=displayName"), QStringLiteral("/users/delta")}) {
        QString link;
        const QHash<QString, QJsonObject> plain = byId(round(url, &link));
        QVERIFY(!plain.isEmpty());
        for (const QJsonObject &item : plain) {
            QVERIFY2(!item.contains(QLatin1String("manager@delta")), qPrintable(url));
        }
        if (plainLink.isEmpty()) {
            plainLink = link;
        }
    }
    // Only the manager selected: the id and the annotation.
    QString onlyLink;
    const QHash<QString, QJsonObject> only = byId(round(QStringLiteral("/users/delta?$select=manager"), &onlyLink));
    QCOMPARE(only.value(moved).keys(), (QStringList{QStringLiteral("id"), QStringLiteral("manager@delta")}));
    QCOMPARE(only.value(fresh).keys(), QStringList{QStringLiteral("id")});

    // Changed, removed and set; and a change of the boss that is not about a manager.
    QCOMPARE(assignManager(moved, newBoss), 204);
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/users/%1/manager/$ref").arg(dropped), m_token).status, 204);
    QCOMPARE(assignManager(fresh, boss), 204);
    QCOMPARE(m_sandbox
                 ->graph("PATCH",
                         QStringLiteral("/users/") + boss,
                         m_token,
                         {{QStringLiteral("displayName"), QStringLiteral("md-boss renamed")}})
                 .status,
             204);

    QString next;
    const QHash<QString, QJsonObject> changes = byId(round(relative(managerLink), &next));
    QCOMPARE(changes.size(), 4);
    QVERIFY(names(entries(changes.value(moved)), newBoss, false));
    QVERIFY(names(entries(changes.value(dropped)), boss, true));
    QVERIFY(names(entries(changes.value(fresh)), boss, false));
    // The selected properties come with a manager change, as with any change.
    QCOMPARE(changes.value(fresh).value(QLatin1String("displayName")).toString(), QStringLiteral("md-fresh"));
    // A user whose manager did not change carries no manager@delta.
    QCOMPARE(changes.value(boss).value(QLatin1String("displayName")).toString(), QStringLiteral("md-boss renamed"));
    QVERIFY(!changes.value(boss).contains(QLatin1String("manager@delta")));
    QVERIFY(!changes.contains(orphan));

    // A round that does not track the manager sees only the renamed boss.
    QString plainNext;
    const QHash<QString, QJsonObject> plainChanges = byId(round(relative(plainLink), &plainNext));
    QCOMPARE(plainChanges.keys(), QStringList{boss});

    // Deleting a manager removes them as manager of their reports; both show in the next round.
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/users/") + newBoss, m_token).status, 204);
    QString third;
    const QHash<QString, QJsonObject> afterDelete = byId(round(relative(next), &third));
    QCOMPARE(afterDelete.size(), 3);
    QCOMPARE(afterDelete.value(newBoss).value(QLatin1String("@removed")).toObject().value(QLatin1String("reason")),
             QJsonValue(QStringLiteral("changed")));
    QVERIFY(!afterDelete.value(newBoss).contains(QLatin1String("manager@delta")));
    QVERIFY(names(entries(afterDelete.value(moved)), newBoss, true));
    QVERIFY(names(entries(afterDelete.value(orphan)), newBoss, true));

    // Nothing more happened: an empty round.
    QString fourth;
    QVERIFY(round(relative(third), &fourth).isEmpty());
    QVERIFY(!fourth.isEmpty());
}

void TestSandboxDelta::lostSyncStateGives410()
{
    QString deltaLink;
    round(QStringLiteral("/users/delta"), &deltaLink);
    QVERIFY(!deltaLink.isEmpty());
    QCOMPARE(m_sandbox->admin("POST", QStringLiteral("delta/expire")).status, 204);
    const Reply gone = m_sandbox->graph("GET", relative(deltaLink), m_token);
    QCOMPARE(gone.status, 410);
    QCOMPARE(gone.errorCode(), QStringLiteral("syncStateNotFound"));
    QVERIFY(gone.header("location").endsWith("/v1.0/users/delta"));
    // A new round works.
    QString fresh;
    QVERIFY(!round(QStringLiteral("/users/delta"), &fresh).isEmpty());
    const Reply garbage = m_sandbox->graph("GET", QStringLiteral("/users/delta?$deltatoken=notatoken"), m_token);
    QCOMPARE(garbage.status, 400);
}

QTEST_GUILESS_MAIN(TestSandboxDelta)
#include "tst_sandboxdelta.moc"
