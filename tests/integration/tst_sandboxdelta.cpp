// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// users/delta and groups/delta in the sandbox: a full first round across pages, then only what changed, with
// @removed for deleted objects and members@delta for membership changes; 410 when the sync state is gone.

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
