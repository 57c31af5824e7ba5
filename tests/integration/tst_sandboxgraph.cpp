// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox's Graph v1.0 surface: users and their managers, groups and members, domains and verification, licences,
// deleted items, query options, validation and bad input, eventual consistency, faults and persistence.

#include "sandboxfixture.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>

using Reply = SandboxFixture::Reply;

class TestSandboxGraph : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void createGetUpdateDeleteRestoreUser();
    void pagingRepeatsTheQuery();
    void groupMembersPageToTheEnd();
    void plusInTheQueryIsASpace();
    void topOutOfRange_data();
    void topOutOfRange();
    void filterAndSelect_data();
    void filterAndSelect();
    void countNeedsConsistencyLevel();
    void userValidation_data();
    void userValidation();
    void duplicatesConflict();
    void deletingNeedsMoreThanDirectoryReadWrite();
    void badInput_data();
    void badInput();
    void groupsAndMembers();
    void memberBindLimit();
    void userManager();
    void userManagerErrors_data();
    void userManagerErrors();
    void managerPermissions();
    void deletedManagerIsRemoved();
    void domainVerification();
    void licencesAndSeats();
    void appRegistrationFlow();
    void replicationLag();
    void injectedFaults();
    void stateSurvivesRestart();

private:
    QString createUser(const QString &alias, const QJsonObject &extra = {});

    std::unique_ptr<SandboxFixture> m_sandbox;
    QString m_token;
};

void TestSandboxGraph::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
    m_token = m_sandbox->demoToken();
    QVERIFY(!m_token.isEmpty());
}

QString TestSandboxGraph::createUser(const QString &alias, const QJsonObject &extra)
{
    QJsonObject body = SandboxFixture::newUserBody(alias);
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        body.insert(it.key(), it.value());
    }
    const Reply reply = m_sandbox->graph("POST", QStringLiteral("/users"), m_token, body);
    if (reply.status != 201) {
        qWarning() << "create user" << alias << reply.status << reply.body;
    }
    return reply.json.value(QLatin1String("id")).toString();
}

void TestSandboxGraph::createGetUpdateDeleteRestoreUser()
{
    const Reply created =
        m_sandbox->graph("POST",
                         QStringLiteral("/users"),
                         m_token,
                         SandboxFixture::newUserBody(QStringLiteral("jdoe"), QStringLiteral("Jane Doe")));
    QCOMPARE(created.status, 201);
    const QString id = created.json.value(QLatin1String("id")).toString();
    QVERIFY(!id.isEmpty());
    QVERIFY(created.header("location").endsWith(id.toLatin1()));
    QVERIFY(!created.json.contains(QLatin1String("passwordProfile")));
    QVERIFY(created.json.value(QLatin1String("@odata.context"))
                .toString()
                .endsWith(QLatin1String("$metadata#users/$entity")));
    QVERIFY(!created.header("request-id").isEmpty());

    // By id and by UPN; the password never comes back, even when selected.
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/") + id, m_token)
                 .json.value(QLatin1String("displayName"))
                 .toString(),
             QStringLiteral("Jane Doe"));
    const Reply byUpn = m_sandbox->graph(
        "GET", QStringLiteral("/users/jdoe@contoso.onmicrosoft.com?$select=id,passwordProfile"), m_token);
    QCOMPARE(byUpn.status, 200);
    QCOMPARE(byUpn.json.value(QLatin1String("id")).toString(), id);
    QVERIFY(byUpn.json.value(QLatin1String("passwordProfile")).isNull());

    const Reply patched = m_sandbox->graph(
        "PATCH", QStringLiteral("/users/") + id, m_token, {{QStringLiteral("jobTitle"), QStringLiteral("Engineer")}});
    QCOMPARE(patched.status, 204);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/") + id, m_token)
                 .json.value(QLatin1String("jobTitle"))
                 .toString(),
             QStringLiteral("Engineer"));
    const Reply readOnly = m_sandbox->graph(
        "PATCH", QStringLiteral("/users/") + id, m_token, {{QStringLiteral("id"), QStringLiteral("x")}});
    QCOMPARE(readOnly.status, 400);

    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/users/") + id, m_token).status, 204);
    const Reply gone = m_sandbox->graph("GET", QStringLiteral("/users/") + id, m_token);
    QCOMPARE(gone.status, 404);
    QCOMPARE(gone.errorCode(), QStringLiteral("Request_ResourceNotFound"));
    const Reply deleted =
        m_sandbox->graph("GET", QStringLiteral("/directory/deletedItems/microsoft.graph.user"), m_token);
    QCOMPARE(deleted.status, 200);
    bool listed = false;
    for (const auto &v : deleted.value()) {
        listed |= v.toObject().value(QLatin1String("id")).toString() == id;
    }
    QVERIFY(listed);
    const Reply restored =
        m_sandbox->graph("POST", QStringLiteral("/directory/deletedItems/%1/restore").arg(id), m_token);
    QCOMPARE(restored.status, 200);
    QCOMPARE(restored.json.value(QLatin1String("@odata.type")).toString(), QStringLiteral("#microsoft.graph.user"));
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/") + id, m_token).status, 200);
}

void TestSandboxGraph::deletingNeedsMoreThanDirectoryReadWrite()
{
    // Directory.ReadWrite.All creates users and groups, but deleting them needs User.ReadWrite.All and
    // Group.ReadWrite.All (graph api/user-delete.md, api/group-delete.md).
    const QString directory = m_sandbox->tokenWithRoles({QStringLiteral("Directory.ReadWrite.All")});
    QVERIFY(!directory.isEmpty());
    const Reply user = m_sandbox->graph(
        "POST", QStringLiteral("/users"), directory, SandboxFixture::newUserBody(QStringLiteral("deleteme")));
    QCOMPARE(user.status, 201);
    const QString userPath = QStringLiteral("/users/") + user.json.value(QLatin1String("id")).toString();
    const Reply group = m_sandbox->graph("POST",
                                         QStringLiteral("/groups"),
                                         directory,
                                         QJsonObject{{QStringLiteral("displayName"), QStringLiteral("Delete me")},
                                                     {QStringLiteral("mailEnabled"), false},
                                                     {QStringLiteral("mailNickname"), QStringLiteral("deleteme-group")},
                                                     {QStringLiteral("securityEnabled"), true}});
    QCOMPARE(group.status, 201);
    const QString groupPath = QStringLiteral("/groups/") + group.json.value(QLatin1String("id")).toString();

    Reply refused = m_sandbox->graph("DELETE", userPath, directory);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.errorCode(), QStringLiteral("Authorization_RequestDenied"));
    refused = m_sandbox->graph("DELETE", groupPath, directory);
    QCOMPARE(refused.status, 403);
    QCOMPARE(m_sandbox->graph("GET", userPath, directory).status, 200);

    const QString users = m_sandbox->tokenWithRoles({QStringLiteral("User.ReadWrite.All")});
    const QString groups = m_sandbox->tokenWithRoles({QStringLiteral("Group.ReadWrite.All")});
    QCOMPARE(m_sandbox->graph("DELETE", userPath, users).status, 204);
    QCOMPARE(m_sandbox->graph("DELETE", groupPath, groups).status, 204);
}

void TestSandboxGraph::plusInTheQueryIsASpace()
{
    // As a web server reads a query string: a raw '+' is a space, "%2B" a plus.
    QJsonObject body = SandboxFixture::newUserBody(QStringLiteral("plusanchor"));
    body.insert(QStringLiteral("onPremisesImmutableId"), QStringLiteral("q+7w/Zz1Ak2b8yR0cQ4p9A=="));
    const Reply created = m_sandbox->graph("POST", QStringLiteral("/users"), m_token, body);
    QCOMPARE(created.status, 201);
    const Reply raw = m_sandbox->graph(
        "GET", QStringLiteral("/users?$filter=onPremisesImmutableId eq 'q+7w/Zz1Ak2b8yR0cQ4p9A=='"), m_token);
    QCOMPARE(raw.status, 200);
    QCOMPARE(raw.value().size(), 0);
    const Reply encoded = m_sandbox->graph(
        "GET", QStringLiteral("/users?$filter=onPremisesImmutableId eq 'q%2B7w/Zz1Ak2b8yR0cQ4p9A=='"), m_token);
    QCOMPARE(encoded.status, 200);
    QCOMPARE(encoded.value().size(), 1);
    QCOMPARE(encoded.value().first().toObject().value(QLatin1String("id")), created.json.value(QLatin1String("id")));
}

void TestSandboxGraph::groupMembersPageToTheEnd()
{
    // Members in the order they were added, not by id: every member comes once and the nextLinks end.
    const Reply group = m_sandbox->graph("POST",
                                         QStringLiteral("/groups"),
                                         m_token,
                                         QJsonObject{{QStringLiteral("displayName"), QStringLiteral("Big group")},
                                                     {QStringLiteral("mailEnabled"), false},
                                                     {QStringLiteral("mailNickname"), QStringLiteral("biggroup")},
                                                     {QStringLiteral("securityEnabled"), true}});
    QCOMPARE(group.status, 201);
    const QString groupId = group.json.value(QLatin1String("id")).toString();
    QStringList userIds = m_sandbox->tenant().state().users.keys();
    std::sort(userIds.begin(), userIds.end(), std::greater<QString>());
    QVERIFY(userIds.size() >= 7);
    m_sandbox->tenant().state().members[groupId] = userIds;
    QSet<QString> seen;
    QString next = QStringLiteral("/groups/") + groupId + QStringLiteral("/members?$top=3");
    int pages = 0;
    while (!next.isEmpty() && pages <= userIds.size()) {
        const Reply page = m_sandbox->graph("GET", next, m_token);
        QCOMPARE(page.status, 200);
        for (const auto &v : page.value()) {
            const QString id = v.toObject().value(QLatin1String("id")).toString();
            QVERIFY2(!seen.contains(id), "a member appeared on two pages");
            seen.insert(id);
        }
        next = page.json.value(QLatin1String("@odata.nextLink")).toString();
        next = next.mid(QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0")).size());
        ++pages;
    }
    QCOMPARE(seen.size(), userIds.size());
    QCOMPARE(pages, int((userIds.size() + 2) / 3));
}

void TestSandboxGraph::pagingRepeatsTheQuery()
{
    for (int i = 0; i < 7; ++i) {
        QVERIFY(!createUser(QStringLiteral("pager%1").arg(i)).isEmpty());
    }
    const int total = m_sandbox->tenant().state().users.size();
    QSet<QString> seen;
    QString next = m_sandbox->baseUrl() + QStringLiteral("/v1.0/users?$top=3&$select=displayName,userPrincipalName");
    int pages = 0;
    while (!next.isEmpty() && pages < 100) {
        const Reply page =
            m_sandbox->graph("GET", next.mid(QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0")).size()), m_token);
        QCOMPARE(page.status, 200);
        QVERIFY(page.value().size() <= 3);
        for (const auto &v : page.value()) {
            const QJsonObject user = v.toObject();
            QVERIFY2(!seen.contains(user.value(QLatin1String("id")).toString()), "a user appeared on two pages");
            seen.insert(user.value(QLatin1String("id")).toString());
            // $select is repeated by the nextLink: only the selected properties and the id come back.
            QVERIFY(!user.contains(QLatin1String("jobTitle")));
            QVERIFY(user.contains(QLatin1String("userPrincipalName")));
        }
        next = page.json.value(QLatin1String("@odata.nextLink")).toString();
        if (!next.isEmpty()) {
            QVERIFY(next.contains(QLatin1String("$skiptoken=")));
            QVERIFY(next.contains(QLatin1String("$select=")));
        }
        ++pages;
    }
    QCOMPARE(seen.size(), total);
    QCOMPARE(pages, (total + 2) / 3);

    // Default page size is 100.
    for (int i = 0; i < 100; ++i) {
        createUser(QStringLiteral("bulk%1").arg(i));
    }
    const Reply first = m_sandbox->graph("GET", QStringLiteral("/users"), m_token);
    QCOMPARE(first.value().size(), 100);
    QVERIFY(first.json.contains(QLatin1String("@odata.nextLink")));
}

void TestSandboxGraph::topOutOfRange_data()
{
    QTest::addColumn<QString>("top");
    QTest::addColumn<int>("status");
    QTest::newRow("1000") << QStringLiteral("1000") << 400;
    QTest::newRow("0") << QStringLiteral("0") << 400;
    QTest::newRow("text") << QStringLiteral("many") << 400;
    QTest::newRow("999") << QStringLiteral("999") << 200;
    QTest::newRow("1") << QStringLiteral("1") << 200;
}

void TestSandboxGraph::topOutOfRange()
{
    QFETCH(QString, top);
    QFETCH(int, status);
    const Reply reply = m_sandbox->graph("GET", QStringLiteral("/users?$top=") + top, m_token);
    QCOMPARE(reply.status, status);
    if (status == 400) {
        QCOMPARE(reply.errorCode(), QStringLiteral("Request_BadRequest"));
        QVERIFY(reply.errorMessage().startsWith(QLatin1String("Invalid page size specified")));
    } else {
        QCOMPARE(reply.value().size(), std::min(top.toInt(), int(m_sandbox->tenant().state().users.size())));
    }
}

void TestSandboxGraph::filterAndSelect_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("count"); // -1: do not check
    QTest::newRow("upn eq") << QStringLiteral("$filter=userPrincipalName eq 'AdeleV@contoso.onmicrosoft.com'") << 200
                            << 1;
    QTest::newRow("upn eq other case") << QStringLiteral(
        "$filter=userPrincipalName eq 'adelev@CONTOSO.onmicrosoft.com'")
                                       << 200 << 1;
    QTest::newRow("startswith") << QStringLiteral("$filter=startswith(displayName,'Megan')") << 200 << 1;
    QTest::newRow("in") << QStringLiteral("$filter=mailNickname in ('AdeleV','LeeG','nobody')") << 200 << 2;
    QTest::newRow("and/or") << QStringLiteral(
        "$filter=(givenName eq 'Alex' or givenName eq 'Lee') and accountEnabled eq true")
                            << 200 << 2;
    QTest::newRow("no match") << QStringLiteral("$filter=employeeId eq '4711'") << 200 << 0;
    QTest::newRow("not filterable") << QStringLiteral("$filter=passwordPolicies eq 'x'") << 400 << -1;
    QTest::newRow("syntax") << QStringLiteral("$filter=displayName eq") << 400 << -1;
    QTest::newRow("select unknown") << QStringLiteral("$select=displayName,shoeSize") << 400 << -1;
}

void TestSandboxGraph::filterAndSelect()
{
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(int, count);
    const Reply reply = m_sandbox->graph(
        "GET", QStringLiteral("/users?") + QString::fromLatin1(QUrl::toPercentEncoding(query, "=&$")), m_token);
    QCOMPARE(reply.status, status);
    if (count >= 0) {
        QCOMPARE(reply.value().size(), count);
    }
    if (status == 400) {
        QVERIFY(reply.errorCode() == QLatin1String("Request_UnsupportedQuery")
                || reply.errorCode() == QLatin1String("BadRequest")
                || reply.errorCode() == QLatin1String("Request_BadRequest"));
    }
}

void TestSandboxGraph::countNeedsConsistencyLevel()
{
    const Reply refused = m_sandbox->graph("GET", QStringLiteral("/users?$count=true"), m_token);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.errorMessage(), QStringLiteral("$count is not currently supported."));
    const Reply counted = m_sandbox->graph(
        "GET", QStringLiteral("/users?$count=true&$top=1"), m_token, {}, {{"ConsistencyLevel", "eventual"}});
    QCOMPARE(counted.status, 200);
    QCOMPARE(counted.json.value(QLatin1String("@odata.count")).toInt(), int(m_sandbox->tenant().state().users.size()));
    QCOMPARE(counted.value().size(), 1);
    const Reply plain =
        m_sandbox->graph("GET", QStringLiteral("/users/$count"), m_token, {}, {{"ConsistencyLevel", "eventual"}});
    QCOMPARE(plain.status, 200);
    QCOMPARE(plain.body.toInt(), int(m_sandbox->tenant().state().users.size()));
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/$count"), m_token).status, 400);
    const Reply search = m_sandbox->graph("GET", QStringLiteral("/users?$search=%22displayName:meg%22"), m_token);
    QCOMPARE(search.status, 400);
    QCOMPARE(search.errorCode(), QStringLiteral("Request_UnsupportedQuery"));
}

void TestSandboxGraph::userValidation_data()
{
    QTest::addColumn<QJsonObject>("change"); // merged into a valid body; null values remove the key
    QTest::addColumn<QString>("message");
    QTest::newRow("no password") << QJsonObject{{QStringLiteral("passwordProfile"), QJsonValue::Null}}
                                 << QStringLiteral(
                                        "Invalid value specified for property 'passwordProfile' of resource 'User'.");
    QTest::newRow("weak password") << QJsonObject{{QStringLiteral("passwordProfile"),
                                                   QJsonObject{{QStringLiteral("password"), QStringLiteral("abc")}}}}
                                   << QStringLiteral("The specified password does not comply with password complexity "
                                                     "requirements. Please provide a different password.");
    QTest::newRow("no displayName") << QJsonObject{{QStringLiteral("displayName"), QJsonValue::Null}}
                                    << QStringLiteral(
                                           "Invalid value specified for property 'displayName' of resource 'User'.");
    QTest::newRow("unverified domain")
        << QJsonObject{{QStringLiteral("userPrincipalName"), QStringLiteral("val1@example.org")}}
        << QStringLiteral("The domain portion of the userPrincipalName property is invalid. You must use one of the "
                          "verified domain names in your organization.");
    QTest::newRow("upn characters")
        << QJsonObject{{QStringLiteral("userPrincipalName"), QStringLiteral("j\u00f6rg doe@contoso.onmicrosoft.com")}}
        << QStringLiteral("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
    QTest::newRow("upn leading dot")
        << QJsonObject{{QStringLiteral("userPrincipalName"), QStringLiteral(".val@contoso.onmicrosoft.com")}}
        << QStringLiteral("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
    QTest::newRow("displayName too long")
        << QJsonObject{{QStringLiteral("displayName"), QString(257, QLatin1Char('x'))}}
        << QStringLiteral("Invalid value specified for property 'displayName' of resource 'User'.");
    QTest::newRow("employeeId too long")
        << QJsonObject{{QStringLiteral("employeeId"), QString(17, QLatin1Char('1'))}}
        << QStringLiteral("Invalid value specified for property 'employeeId' of resource 'User'.");
    QTest::newRow("unknown property") << QJsonObject{
        {QStringLiteral("shoeSize"),
         42}} << QStringLiteral("Property 'shoeSize' does not exist as a declared property or extension property.");
    QTest::newRow("wrong type") << QJsonObject{{QStringLiteral("accountEnabled"), QStringLiteral("yes")}}
                                << QStringLiteral(
                                       "Invalid value specified for property 'accountEnabled' of resource 'User'.");
    QTest::newRow("usageLocation") << QJsonObject{{QStringLiteral("usageLocation"), QStringLiteral("Germany")}}
                                   << QStringLiteral(
                                          "Invalid value specified for property 'usageLocation' of resource 'User'.");
    QTest::newRow("bad nickname") << QJsonObject{{QStringLiteral("mailNickname"), QStringLiteral("a b")}}
                                  << QStringLiteral(
                                         "Invalid value specified for property 'mailNickname' of resource 'User'.");
}

void TestSandboxGraph::userValidation()
{
    QFETCH(QJsonObject, change);
    QFETCH(QString, message);
    QJsonObject body = SandboxFixture::newUserBody(QStringLiteral("val1"));
    for (auto it = change.begin(); it != change.end(); ++it) {
        if (it.value().isNull()) {
            body.remove(it.key());
        } else {
            body.insert(it.key(), it.value());
        }
    }
    const int before = m_sandbox->tenant().state().users.size();
    const Reply reply = m_sandbox->graph("POST", QStringLiteral("/users"), m_token, body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("Request_BadRequest"));
    QCOMPARE(reply.errorMessage(), message);
    QCOMPARE(int(m_sandbox->tenant().state().users.size()), before);
}

void TestSandboxGraph::duplicatesConflict()
{
    QVERIFY(!createUser(QStringLiteral("dup1")).isEmpty());
    QJsonObject sameUpn = SandboxFixture::newUserBody(QStringLiteral("dup1"));
    sameUpn.insert(QStringLiteral("mailNickname"), QStringLiteral("dup1other"));
    Reply reply = m_sandbox->graph("POST", QStringLiteral("/users"), m_token, sameUpn);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorMessage(),
             QStringLiteral("Another object with the same value for property userPrincipalName already exists."));
    const QJsonObject detail =
        reply.json.value(QLatin1String("error")).toObject().value(QLatin1String("details")).toArray().at(0).toObject();
    QCOMPARE(detail.value(QLatin1String("code")).toString(), QStringLiteral("ObjectConflict"));
    QCOMPARE(detail.value(QLatin1String("target")).toString(), QStringLiteral("userPrincipalName"));

    QJsonObject sameNickname = SandboxFixture::newUserBody(QStringLiteral("dup2"));
    sameNickname.insert(QStringLiteral("mailNickname"), QStringLiteral("DUP1"));
    reply = m_sandbox->graph("POST", QStringLiteral("/users"), m_token, sameNickname);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorMessage(),
             QStringLiteral("Another object with the same value for property mailNickname already exists."));

    QVERIFY(
        !createUser(QStringLiteral("anchor1"), {{QStringLiteral("onPremisesImmutableId"), QStringLiteral("AAECAwQ=")}})
             .isEmpty());
    reply = m_sandbox->graph("POST", QStringLiteral("/users"), m_token, [] {
        QJsonObject b = SandboxFixture::newUserBody(QStringLiteral("anchor2"));
        b.insert(QStringLiteral("onPremisesImmutableId"), QStringLiteral("AAECAwQ="));
        return b;
    }());
    QCOMPARE(reply.status, 400);
}

void TestSandboxGraph::badInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::newRow("malformed json") << QByteArray("{\"displayName\": ") << QByteArray("application/json");
    QTest::newRow("json array") << QByteArray("[1,2]") << QByteArray("application/json");
    QTest::newRow("wrong content type") << QJsonDocument(SandboxFixture::newUserBody(QStringLiteral("ct1"))).toJson()
                                        << QByteArray("text/plain");
    QTest::newRow("no content type") << QJsonDocument(SandboxFixture::newUserBody(QStringLiteral("ct2"))).toJson()
                                     << QByteArray();
    QTest::newRow("oversized") << QByteArray("{\"displayName\":\"") + QByteArray(5 * 1024 * 1024, 'x')
            + QByteArray("\"}") << QByteArray("application/json");
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe{", 4) << QByteArray("application/json");
}

void TestSandboxGraph::badInput()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QHash<QByteArray, QByteArray> headers{{"Authorization", "Bearer " + m_token.toLatin1()}};
    if (!contentType.isEmpty()) {
        headers.insert("Content-Type", contentType);
    }
    const Reply reply = m_sandbox->send("POST", QStringLiteral("/v1.0/users"), body, headers);
    QCOMPARE(reply.status, 400);
    const QJsonObject error = reply.json.value(QLatin1String("error")).toObject();
    QVERIFY(!error.value(QLatin1String("code")).toString().isEmpty());
    QVERIFY(!error.value(QLatin1String("message")).toString().isEmpty());
    const QJsonObject inner = error.value(QLatin1String("innerError")).toObject();
    QCOMPARE(inner.value(QLatin1String("request-id")).toString().toLatin1(), reply.header("request-id"));
    QVERIFY(!inner.value(QLatin1String("date")).toString().isEmpty());
    // The sandbox is still answering.
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/organization"), m_token).status, 200);
}

void TestSandboxGraph::groupsAndMembers()
{
    const QString a = createUser(QStringLiteral("gm1"));
    const QString b = createUser(QStringLiteral("gm2"));
    const QString c = createUser(QStringLiteral("gm3"));
    const auto bind = [this](const QString &id) {
        return QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/") + id);
    };
    const Reply created = m_sandbox->graph("POST",
                                           QStringLiteral("/groups"),
                                           m_token,
                                           {{QStringLiteral("displayName"), QStringLiteral("Engineering")},
                                            {QStringLiteral("mailEnabled"), false},
                                            {QStringLiteral("mailNickname"), QStringLiteral("engineering")},
                                            {QStringLiteral("securityEnabled"), true},
                                            {QStringLiteral("members@odata.bind"), QJsonArray{bind(a), bind(b)}}});
    QCOMPARE(created.status, 201);
    const QString group = created.json.value(QLatin1String("id")).toString();
    Reply members = m_sandbox->graph("GET", QStringLiteral("/groups/%1/members").arg(group), m_token);
    QCOMPARE(members.status, 200);
    QCOMPARE(members.value().size(), 2);
    QCOMPARE(members.value().at(0).toObject().value(QLatin1String("@odata.type")).toString(),
             QStringLiteral("#microsoft.graph.user"));

    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/groups/%1/members/$ref").arg(group),
                         m_token,
                         {{QStringLiteral("@odata.id"), bind(c)}})
                 .status,
             204);
    const Reply again = m_sandbox->graph("POST",
                                         QStringLiteral("/groups/%1/members/$ref").arg(group),
                                         m_token,
                                         {{QStringLiteral("@odata.id"), bind(c)}});
    QCOMPARE(again.status, 400);
    QVERIFY(again.errorMessage().contains(QLatin1String("already exist")));
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/groups/%1/members/$ref").arg(group),
                         m_token,
                         {{QStringLiteral("@odata.id"), bind(QStringLiteral("00000000-0000-0000-0000-000000000000"))}})
                 .status,
             404);
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/groups/%1/members/%2/$ref").arg(group, a), m_token).status,
             204);
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/groups/%1/members/%2/$ref").arg(group, a), m_token).status,
             404);
    members = m_sandbox->graph("GET", QStringLiteral("/groups/%1/members?$select=id").arg(group), m_token);
    QCOMPARE(members.value().size(), 2);

    // Group rules: required properties, no mail-enabled security groups, unique mailNickname.
    QCOMPARE(
        m_sandbox
            ->graph("POST", QStringLiteral("/groups"), m_token, {{QStringLiteral("displayName"), QStringLiteral("x")}})
            .status,
        400);
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/groups"),
                         m_token,
                         {{QStringLiteral("displayName"), QStringLiteral("Mail sec")},
                          {QStringLiteral("mailEnabled"), true},
                          {QStringLiteral("mailNickname"), QStringLiteral("mailsec")},
                          {QStringLiteral("securityEnabled"), true}})
                 .status,
             400);
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/groups"),
                         m_token,
                         {{QStringLiteral("displayName"), QStringLiteral("Other")},
                          {QStringLiteral("mailEnabled"), false},
                          {QStringLiteral("mailNickname"), QStringLiteral("ENGINEERING")},
                          {QStringLiteral("securityEnabled"), true}})
                 .status,
             400);
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/groups/") + group, m_token).status, 204);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/groups/") + group, m_token).status, 404);
}

void TestSandboxGraph::memberBindLimit()
{
    QJsonArray binds;
    for (int i = 0; i < 21; ++i) {
        binds.append(QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/")
                             + createUser(QStringLiteral("bind%1").arg(i))));
    }
    const Reply group = m_sandbox->graph("POST",
                                         QStringLiteral("/groups"),
                                         m_token,
                                         {{QStringLiteral("displayName"), QStringLiteral("Bind")},
                                          {QStringLiteral("mailEnabled"), false},
                                          {QStringLiteral("mailNickname"), QStringLiteral("bind")},
                                          {QStringLiteral("securityEnabled"), true}});
    QCOMPARE(group.status, 201);
    const QString id = group.json.value(QLatin1String("id")).toString();
    const Reply tooMany = m_sandbox->graph(
        "PATCH", QStringLiteral("/groups/") + id, m_token, {{QStringLiteral("members@odata.bind"), binds}});
    QCOMPARE(tooMany.status, 400);
    QCOMPARE(m_sandbox->tenant().state().members.value(id).size(), 0);
    binds.removeLast();
    QCOMPARE(
        m_sandbox
            ->graph("PATCH", QStringLiteral("/groups/") + id, m_token, {{QStringLiteral("members@odata.bind"), binds}})
            .status,
        204);
    QCOMPARE(m_sandbox->tenant().state().members.value(id).size(), 20);
}

void TestSandboxGraph::userManager()
{
    // Assign, read, replace and remove a manager (api/user-post-manager.md, user-list-manager.md,
    // user-delete-manager.md).
    const QString employee =
        createUser(QStringLiteral("mgr-employee"), {{QStringLiteral("displayName"), QStringLiteral("Erin Employee")}});
    const QString boss =
        createUser(QStringLiteral("mgr-boss"), {{QStringLiteral("displayName"), QStringLiteral("Bea Boss")}});
    const QString other =
        createUser(QStringLiteral("mgr-other"), {{QStringLiteral("displayName"), QStringLiteral("Otto Other")}});
    QVERIFY(!employee.isEmpty() && !boss.isEmpty() && !other.isEmpty());
    const QString refPath = QStringLiteral("/users/%1/manager/$ref").arg(employee);
    const QString managerPath = QStringLiteral("/users/%1/manager").arg(employee);

    Reply none = m_sandbox->graph("GET", managerPath, m_token);
    QCOMPARE(none.status, 404);
    QCOMPARE(none.errorCode(), QStringLiteral("Request_ResourceNotFound"));

    // The documented form, on Microsoft's Graph root.
    Reply put = m_sandbox->graph(
        "PUT",
        refPath,
        m_token,
        {{QStringLiteral("@odata.id"), QString(QStringLiteral("https://graph.microsoft.com/v1.0/users/") + boss)}});
    QCOMPARE(put.status, 204);
    QVERIFY(put.body.isEmpty());
    Reply got = m_sandbox->graph("GET", managerPath, m_token);
    QCOMPARE(got.status, 200);
    QCOMPARE(got.json.value(QLatin1String("id")).toString(), boss);
    QCOMPARE(got.json.value(QLatin1String("@odata.type")).toString(), QStringLiteral("#microsoft.graph.user"));
    QCOMPARE(got.json.value(QLatin1String("displayName")).toString(), QStringLiteral("Bea Boss"));
    QCOMPARE(got.json.value(QLatin1String("userPrincipalName")).toString(),
             QStringLiteral("mgr-boss@contoso.onmicrosoft.com"));
    QVERIFY(got.json.value(QLatin1String("@odata.context"))
                .toString()
                .endsWith(QLatin1String("$metadata#directoryObjects/$entity")));
    QVERIFY(!got.json.contains(QLatin1String("passwordProfile")));
    // By the employee's UPN, with $select.
    got = m_sandbox->graph(
        "GET", QStringLiteral("/users/mgr-employee@contoso.onmicrosoft.com/manager?$select=id,displayName"), m_token);
    QCOMPARE(got.status, 200);
    QCOMPARE(got.json.value(QLatin1String("id")).toString(), boss);
    QVERIFY(!got.json.contains(QLatin1String("userPrincipalName")));

    // Replace it, with the sandbox's own root and the directoryObjects form.
    put = m_sandbox->graph("PUT",
                           refPath,
                           m_token,
                           {{QStringLiteral("@odata.id"),
                             QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/") + other)}});
    QCOMPARE(put.status, 204);
    QCOMPARE(m_sandbox->graph("GET", managerPath, m_token).json.value(QLatin1String("id")).toString(), other);
    // Assigning the same manager again changes nothing and succeeds.
    QCOMPARE(m_sandbox
                 ->graph("PUT",
                         refPath,
                         m_token,
                         {{QStringLiteral("@odata.id"),
                           QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/users/") + other)}})
                 .status,
             204);
    QCOMPARE(m_sandbox->graph("GET", managerPath, m_token).json.value(QLatin1String("id")).toString(), other);
    // The manager's own manager is not the employee's.
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/%1/manager").arg(other), m_token).status, 404);

    // Remove it; a second removal finds nothing.
    const Reply removed = m_sandbox->graph("DELETE", refPath, m_token);
    QCOMPARE(removed.status, 204);
    QVERIFY(removed.body.isEmpty());
    QCOMPARE(m_sandbox->graph("GET", managerPath, m_token).status, 404);
    const Reply again = m_sandbox->graph("DELETE", refPath, m_token);
    QCOMPARE(again.status, 404);
    QCOMPARE(again.errorCode(), QStringLiteral("Request_ResourceNotFound"));
    // Only GET reads the manager; $ref takes PUT and DELETE.
    QCOMPARE(m_sandbox->graph("POST", refPath, m_token, {{QStringLiteral("@odata.id"), boss}}).status, 405);
}

void TestSandboxGraph::userManagerErrors_data()
{
    QTest::addColumn<QString>("user"); // "employee", "unknown"
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const QByteArray unknown = "00000000-0000-0000-0000-0000000000aa";
    QTest::newRow("unknown user") << QStringLiteral("unknown")
                                  << QByteArray("{\"@odata.id\":\"https://graph.microsoft.com/v1.0/users/BOSS\"}")
                                  << 404 << QStringLiteral("Request_ResourceNotFound");
    QTest::newRow("unknown manager") << QStringLiteral(
        "employee") << QByteArray("{\"@odata.id\":\"https://graph.microsoft.com/v1.0/users/" + unknown + "\"}")
                                     << 404 << QStringLiteral("Request_ResourceNotFound");
    QTest::newRow("unknown directoryObject")
        << QStringLiteral("employee")
        << QByteArray("{\"@odata.id\":\"https://graph.microsoft.com/v1.0/directoryObjects/" + unknown + "\"}") << 404
        << QStringLiteral("Request_ResourceNotFound");
    QTest::newRow("no @odata.id") << QStringLiteral("employee") << QByteArray("{\"id\":\"BOSS\"}") << 400
                                  << QStringLiteral("Request_BadRequest");
    QTest::newRow("@odata.id not a string") << QStringLiteral("employee") << QByteArray("{\"@odata.id\":42}") << 400
                                            << QStringLiteral("Request_BadRequest");
    QTest::newRow("@odata.id not a URL") << QStringLiteral("employee") << QByteArray("{\"@odata.id\":\"BOSS\"}") << 400
                                         << QStringLiteral("Request_BadRequest");
    QTest::newRow("@odata.id of another kind")
        << QStringLiteral("employee")
        << QByteArray("{\"@odata.id\":\"https://graph.microsoft.com/v1.0/applications/BOSS\"}") << 400
        << QStringLiteral("Request_BadRequest");
    QTest::newRow("not JSON") << QStringLiteral("employee") << QByteArray("{\"@odata.id\":") << 400
                              << QStringLiteral("BadRequest");
    QTest::newRow("own manager") << QStringLiteral("employee")
                                 << QByteArray("{\"@odata.id\":\"https://graph.microsoft.com/v1.0/users/SELF\"}") << 400
                                 << QStringLiteral("Request_BadRequest");
    QTest::newRow("a group as manager") << QStringLiteral(
        "employee") << QByteArray("{\"@odata.id\":\"https://graph.microsoft.com/v1.0/groups/GROUP\"}")
                                        << 400 << QStringLiteral("Request_BadRequest");
}

void TestSandboxGraph::userManagerErrors()
{
    QFETCH(QString, user);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);

    static QString employee;
    static QString boss;
    static QString group;
    if (employee.isEmpty()) {
        employee = createUser(QStringLiteral("mgr-err-employee"));
        boss = createUser(QStringLiteral("mgr-err-boss"));
        group = m_sandbox
                    ->graph("POST",
                            QStringLiteral("/groups"),
                            m_token,
                            {{QStringLiteral("displayName"), QStringLiteral("Not a manager")},
                             {QStringLiteral("mailEnabled"), false},
                             {QStringLiteral("mailNickname"), QStringLiteral("notamanager")},
                             {QStringLiteral("securityEnabled"), true}})
                    .json.value(QLatin1String("id"))
                    .toString();
    }
    QVERIFY(!employee.isEmpty() && !boss.isEmpty() && !group.isEmpty());
    // A known manager first, so that a refused request can be seen to leave it alone.
    const QString refPath = QStringLiteral("/users/%1/manager/$ref").arg(employee);
    QCOMPARE(m_sandbox
                 ->graph("PUT",
                         refPath,
                         m_token,
                         {{QStringLiteral("@odata.id"),
                           QString(QStringLiteral("https://graph.microsoft.com/v1.0/users/") + boss)}})
                 .status,
             204);

    body.replace("BOSS", boss.toLatin1()).replace("SELF", employee.toLatin1()).replace("GROUP", group.toLatin1());
    const QString target =
        user == QLatin1String("unknown") ? QStringLiteral("00000000-0000-0000-0000-0000000000bb") : employee;
    const Reply reply =
        m_sandbox->send("PUT",
                        QStringLiteral("/v1.0/users/%1/manager/$ref").arg(target),
                        body,
                        {{"Authorization", "Bearer " + m_token.toLatin1()}, {"Content-Type", "application/json"}});
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.errorCode(), code);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/%1/manager").arg(employee), m_token)
                 .json.value(QLatin1String("id"))
                 .toString(),
             boss);

    if (user == QLatin1String("unknown")) {
        // The other two requests on a user that does not exist.
        const Reply get = m_sandbox->graph("GET", QStringLiteral("/users/%1/manager").arg(target), m_token);
        QCOMPARE(get.status, 404);
        QCOMPARE(get.errorCode(), QStringLiteral("Request_ResourceNotFound"));
        const Reply del = m_sandbox->graph("DELETE", QStringLiteral("/users/%1/manager/$ref").arg(target), m_token);
        QCOMPARE(del.status, 404);
        QCOMPARE(del.errorCode(), QStringLiteral("Request_ResourceNotFound"));
    }
}

void TestSandboxGraph::managerPermissions()
{
    // Reading: User.Read.All or more; assigning and removing: User.ReadWrite.All or Directory.ReadWrite.All.
    const QString employee = createUser(QStringLiteral("mgr-perm-employee"));
    const QString boss = createUser(QStringLiteral("mgr-perm-boss"));
    const QString refPath = QStringLiteral("/users/%1/manager/$ref").arg(employee);
    const QString managerPath = QStringLiteral("/users/%1/manager").arg(employee);
    const QJsonObject body{
        {QStringLiteral("@odata.id"), QString(QStringLiteral("https://graph.microsoft.com/v1.0/users/") + boss)}};

    const QString reader = m_sandbox->tokenWithRoles({QStringLiteral("User.Read.All")});
    const QString groupWriter = m_sandbox->tokenWithRoles({QStringLiteral("Group.ReadWrite.All")});
    const QString directory = m_sandbox->tokenWithRoles({QStringLiteral("Directory.ReadWrite.All")});
    const QString userWriter = m_sandbox->tokenWithRoles({QStringLiteral("User.ReadWrite.All")});
    QVERIFY(!reader.isEmpty() && !groupWriter.isEmpty() && !directory.isEmpty() && !userWriter.isEmpty());

    for (const QString &token : {reader, groupWriter}) {
        const Reply refused = m_sandbox->graph("PUT", refPath, token, body);
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), QStringLiteral("Authorization_RequestDenied"));
    }
    QCOMPARE(m_sandbox->graph("GET", managerPath, m_token).status, 404); // nothing was set
    QCOMPARE(m_sandbox->graph("PUT", refPath, directory, body).status, 204);
    QCOMPARE(m_sandbox->graph("GET", managerPath, reader).json.value(QLatin1String("id")).toString(), boss);
    QCOMPARE(m_sandbox->graph("GET", managerPath, groupWriter).status, 403);
    QCOMPARE(m_sandbox->graph("DELETE", refPath, reader).status, 403);
    QCOMPARE(m_sandbox->graph("GET", managerPath, m_token).status, 200); // still set
    QCOMPARE(m_sandbox->graph("DELETE", refPath, userWriter).status, 204);
    QCOMPARE(m_sandbox->graph("PUT", refPath, userWriter, body).status, 204);
    QCOMPARE(m_sandbox->graph("DELETE", refPath, directory).status, 204);
}

void TestSandboxGraph::deletedManagerIsRemoved()
{
    // Deleting a user takes them away as the manager of their reports, and restoring them does not bring it back
    // (assumed; FIDELITY.md).
    const QString boss = createUser(QStringLiteral("mgr-del-boss"));
    const QString first = createUser(QStringLiteral("mgr-del-first"));
    const QString second = createUser(QStringLiteral("mgr-del-second"));
    const QString survivor = createUser(QStringLiteral("mgr-del-survivor"));
    const auto assign = [&](const QString &user, const QString &manager) {
        return m_sandbox->setManager(user, manager, m_token);
    };
    QCOMPARE(assign(first, boss), 204);
    QCOMPARE(assign(second, boss), 204);
    QCOMPARE(assign(boss, survivor), 204);

    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/users/") + boss, m_token).status, 204);
    for (const QString &report : {first, second}) {
        const Reply gone = m_sandbox->graph("GET", QStringLiteral("/users/%1/manager").arg(report), m_token);
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.errorCode(), QStringLiteral("Request_ResourceNotFound"));
    }
    // A deleted user cannot be assigned as a manager.
    QCOMPARE(assign(first, boss), 404);

    QCOMPARE(m_sandbox->graph("POST", QStringLiteral("/directory/deletedItems/%1/restore").arg(boss), m_token).status,
             200);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/%1/manager").arg(first), m_token).status, 404);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/%1/manager").arg(boss), m_token).status, 404);
    QCOMPARE(assign(first, boss), 204);
}

void TestSandboxGraph::domainVerification()
{
    const Reply created = m_sandbox->graph(
        "POST", QStringLiteral("/domains"), m_token, {{QStringLiteral("id"), QStringLiteral("fabrikam.example")}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QLatin1String("isVerified")).toBool(), false);
    QCOMPARE(
        m_sandbox
            ->graph(
                "POST", QStringLiteral("/domains"), m_token, {{QStringLiteral("id"), QStringLiteral("not a domain")}})
            .status,
        400);

    const Reply records =
        m_sandbox->graph("GET", QStringLiteral("/domains/fabrikam.example/verificationDnsRecords"), m_token);
    QCOMPARE(records.status, 200);
    QString txt;
    for (const auto &v : records.value()) {
        if (v.toObject().value(QLatin1String("recordType")).toString() == QLatin1String("Txt")) {
            txt = v.toObject().value(QLatin1String("text")).toString();
        }
    }
    QVERIFY(QRegularExpression(QStringLiteral("^MS=ms\\d{8}$")).match(txt).hasMatch());

    // Not verifiable until the admin publishes the record; users cannot use the domain until then.
    Reply verify = m_sandbox->graph("POST", QStringLiteral("/domains/fabrikam.example/verify"), m_token);
    QCOMPARE(verify.status, 400);
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/users"),
                         m_token,
                         [] {
                             QJsonObject b = SandboxFixture::newUserBody(QStringLiteral("fab1"));
                             b.insert(QStringLiteral("userPrincipalName"), QStringLiteral("fab1@fabrikam.example"));
                             return b;
                         }())
                 .status,
             400);
    QCOMPARE(m_sandbox
                 ->admin("POST",
                         QStringLiteral("dns"),
                         {{QStringLiteral("domain"), QStringLiteral("fabrikam.example")},
                          {QStringLiteral("txt"), QStringLiteral("MS=ms00000000")}})
                 .status,
             204);
    QCOMPARE(m_sandbox->graph("POST", QStringLiteral("/domains/fabrikam.example/verify"), m_token).status, 400);
    QCOMPARE(m_sandbox
                 ->admin("POST",
                         QStringLiteral("dns"),
                         {{QStringLiteral("domain"), QStringLiteral("fabrikam.example")}, {QStringLiteral("txt"), txt}})
                 .status,
             204);
    verify = m_sandbox->graph("POST", QStringLiteral("/domains/fabrikam.example/verify"), m_token);
    QCOMPARE(verify.status, 200);
    QCOMPARE(verify.json.value(QLatin1String("isVerified")).toBool(), true);
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/users"),
                         m_token,
                         [] {
                             QJsonObject b = SandboxFixture::newUserBody(QStringLiteral("fab1"));
                             b.insert(QStringLiteral("userPrincipalName"), QStringLiteral("fab1@fabrikam.example"));
                             return b;
                         }())
                 .status,
             201);
}

void TestSandboxGraph::licencesAndSeats()
{
    const auto seats = [this](const QString &part) {
        const Reply skus = m_sandbox->graph("GET", QStringLiteral("/subscribedSkus"), m_token);
        for (const auto &v : skus.value()) {
            const QJsonObject sku = v.toObject();
            if (sku.value(QLatin1String("skuPartNumber")).toString() == part) {
                return qMakePair(
                    sku.value(QLatin1String("prepaidUnits")).toObject().value(QLatin1String("enabled")).toInt(),
                    sku.value(QLatin1String("consumedUnits")).toInt());
            }
        }
        return qMakePair(-1, -1);
    };
    const QString skuId = QStringLiteral("4b9405b0-7788-4568-add1-99614e613b69"); // EXCHANGESTANDARD, 10 seats
    const auto [prepaid, consumedBefore] = seats(QStringLiteral("EXCHANGESTANDARD"));
    QCOMPARE(prepaid, 10);
    const QJsonObject add{
        {QStringLiteral("addLicenses"),
         QJsonArray{QJsonObject{{QStringLiteral("disabledPlans"), QJsonArray{}}, {QStringLiteral("skuId"), skuId}}}},
        {QStringLiteral("removeLicenses"), QJsonArray{}}};

    const QString noLocation = createUser(QStringLiteral("lic0"));
    Reply reply = m_sandbox->graph("POST", QStringLiteral("/users/%1/assignLicense").arg(noLocation), m_token, add);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorMessage(),
             QStringLiteral("License assignment cannot be done for user with invalid usage location."));

    int assigned = 0;
    for (int i = 1; consumedBefore + assigned < prepaid; ++i) {
        const QString id =
            createUser(QStringLiteral("lic%1").arg(i), {{QStringLiteral("usageLocation"), QStringLiteral("DE")}});
        reply = m_sandbox->graph("POST", QStringLiteral("/users/%1/assignLicense").arg(id), m_token, add);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json.value(QLatin1String("assignedLicenses")).toArray().size(), 1);
        ++assigned;
    }
    QCOMPARE(seats(QStringLiteral("EXCHANGESTANDARD")).second, prepaid);
    const QString extra =
        createUser(QStringLiteral("licfull"), {{QStringLiteral("usageLocation"), QStringLiteral("DE")}});
    reply = m_sandbox->graph("POST", QStringLiteral("/users/%1/assignLicense").arg(extra), m_token, add);
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.errorMessage().contains(QLatin1String("does not have any available licenses")));

    // Removing a licence frees its seat.
    const QString holder = m_sandbox->tenant().state().userIdByUpn(QStringLiteral("lic1@contoso.onmicrosoft.com"));
    reply = m_sandbox->graph(
        "POST",
        QStringLiteral("/users/%1/assignLicense").arg(holder),
        m_token,
        {{QStringLiteral("addLicenses"), QJsonArray{}}, {QStringLiteral("removeLicenses"), QJsonArray{skuId}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(seats(QStringLiteral("EXCHANGESTANDARD")).second, prepaid - 1);
    QCOMPARE(m_sandbox->graph("POST", QStringLiteral("/users/%1/assignLicense").arg(extra), m_token, add).status, 200);
}

void TestSandboxGraph::appRegistrationFlow()
{
    // What the wizard's automatic registration does: application, service principal, app role grant, credential.
    const Reply app = m_sandbox->graph("POST",
                                       QStringLiteral("/applications"),
                                       m_token,
                                       {{QStringLiteral("displayName"), QStringLiteral("m365sync test")}});
    QCOMPARE(app.status, 201);
    const QString appId = app.json.value(QLatin1String("appId")).toString();
    const Reply sp =
        m_sandbox->graph("POST", QStringLiteral("/servicePrincipals"), m_token, {{QStringLiteral("appId"), appId}});
    QCOMPARE(sp.status, 201);
    QCOMPARE(m_sandbox->graph("POST", QStringLiteral("/servicePrincipals"), m_token, {{QStringLiteral("appId"), appId}})
                 .status,
             409);
    const Reply graphSp =
        m_sandbox->graph("GET",
                         QStringLiteral("/servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'")
                             .replace(QLatin1Char(' '), QStringLiteral("%20")),
                         m_token);
    QCOMPARE(graphSp.value().size(), 1);
    const QString resourceId = graphSp.value().at(0).toObject().value(QLatin1String("id")).toString();
    QString roleId;
    for (const auto &role : graphSp.value().at(0).toObject().value(QLatin1String("appRoles")).toArray()) {
        if (role.toObject().value(QLatin1String("value")).toString() == QLatin1String("User.Read.All")) {
            roleId = role.toObject().value(QLatin1String("id")).toString();
        }
    }
    QCOMPARE(roleId, QStringLiteral("df021288-bdef-4463-88db-98f22de89214"));
    const Reply grant = m_sandbox->graph("POST",
                                         QStringLiteral("/servicePrincipals/%1/appRoleAssignedTo").arg(resourceId),
                                         m_token,
                                         {{QStringLiteral("principalId"), sp.json.value(QLatin1String("id"))},
                                          {QStringLiteral("resourceId"), resourceId},
                                          {QStringLiteral("appRoleId"), roleId}});
    QCOMPARE(grant.status, 201);
    const Reply password = m_sandbox->graph(
        "POST",
        QStringLiteral("/applications/%1/addPassword").arg(app.json.value(QLatin1String("id")).toString()),
        m_token,
        {{QStringLiteral("passwordCredential"), QJsonObject{{QStringLiteral("displayName"), QStringLiteral("test")}}}});
    QCOMPARE(password.status, 200);
    const QString secret = password.json.value(QLatin1String("secretText")).toString();
    QCOMPARE(secret.size(), 40);
    const Reply token =
        m_sandbox->token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                          {QStringLiteral("client_id"), appId},
                          {QStringLiteral("client_secret"), secret},
                          {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")}});
    QCOMPARE(token.status, 200);
    const QString accessToken = token.json.value(QLatin1String("access_token")).toString();
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users?$top=1"), accessToken).status, 200);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/groups"), accessToken).status, 403);
    // The listed application never shows a secret.
    const Reply listed = m_sandbox->graph(
        "GET", QStringLiteral("/applications/") + app.json.value(QLatin1String("id")).toString(), m_token);
    QVERIFY(!listed.body.contains(secret.toLatin1()));
    QVERIFY(!listed.body.contains("_hash"));
}

void TestSandboxGraph::replicationLag()
{
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("replicationLagMs"), 400}}).status,
             200);
    const Reply created = m_sandbox->graph(
        "POST", QStringLiteral("/users"), m_token, SandboxFixture::newUserBody(QStringLiteral("lagged")));
    QCOMPARE(created.status, 201);
    const QString id = created.json.value(QLatin1String("id")).toString();
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/") + id, m_token).status, 404);
    QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->graph("GET", QStringLiteral("/users/") + id, m_token).status, 200, 5000);

    // A write that references a new object fails while it replicates: the service principal of a new application.
    const Reply app = m_sandbox->graph(
        "POST", QStringLiteral("/applications"), m_token, {{QStringLiteral("displayName"), QStringLiteral("Lagged")}});
    QCOMPARE(app.status, 201);
    const QJsonObject principal{{QStringLiteral("appId"), app.json.value(QLatin1String("appId")).toString()}};
    const Reply early = m_sandbox->graph("POST", QStringLiteral("/servicePrincipals"), m_token, principal);
    QCOMPARE(early.status, 400);
    QVERIFY2(early.body.contains("does not reference a valid application object"), early.body.constData());
    int status = early.status; // a create is not repeated once it succeeded
    const auto create = [&] {
        if (status == 400) {
            status = m_sandbox->graph("POST", QStringLiteral("/servicePrincipals"), m_token, principal).status;
        }
        return status;
    };
    QTRY_VERIFY_WITH_TIMEOUT(create() != 400, 5000);
    QCOMPARE(status, 201);
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("replicationLagMs"), 0}}).status, 200);
}

void TestSandboxGraph::injectedFaults()
{
    QCOMPARE(m_sandbox
                 ->admin("PUT",
                         QStringLiteral("faults"),
                         {{QStringLiteral("serverErrorRate"), 1.0}, {QStringLiteral("retryAfterSeconds"), 2.5}})
                 .status,
             200);
    const Reply failing = m_sandbox->graph("GET", QStringLiteral("/organization"), m_token);
    QVERIFY(failing.status == 503 || failing.status == 504);
    QCOMPARE(failing.header("retry-after"), QByteArray("2.500"));
    QVERIFY(!failing.errorCode().isEmpty());
    QCOMPARE(m_sandbox
                 ->admin("PUT",
                         QStringLiteral("faults"),
                         {{QStringLiteral("serverErrorRate"), 0.0}, {QStringLiteral("resetRate"), 1.0}})
                 .status,
             200);
    const Reply reset = m_sandbox->graph("GET", QStringLiteral("/organization"), m_token);
    QCOMPARE(reset.status, 0);
    QVERIFY(!reset.networkError.isEmpty());
    QCOMPARE(m_sandbox
                 ->admin("PUT",
                         QStringLiteral("faults"),
                         {{QStringLiteral("resetRate"), 0.0}, {QStringLiteral("latencyMs"), 300}})
                 .status,
             200);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/organization"), m_token).status, 200);
    QVERIFY(timer.elapsed() >= 290);
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("latencyMs"), 0}}).status, 200);
}

void TestSandboxGraph::stateSurvivesRestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    M365::Sandbox::SandboxServer::Options options;
    options.statePath = dir.filePath(QStringLiteral("state.json"));
    QString tenantId;
    QString userId;
    QString managerId;
    {
        SandboxFixture first(options);
        QVERIFY(first.isStarted());
        tenantId = first.tenantId();
        const Reply created = first.graph("POST",
                                          QStringLiteral("/users"),
                                          first.demoToken(),
                                          SandboxFixture::newUserBody(QStringLiteral("persist")));
        QCOMPARE(created.status, 201);
        userId = created.json.value(QLatin1String("id")).toString();
        const QString admin = first.tenant().state().userIdByUpn(M365::Sandbox::TenantState::demoAdminUpn);
        QCOMPARE(first
                     .graph("PUT",
                            QStringLiteral("/users/%1/manager/$ref").arg(userId),
                            first.demoToken(),
                            {{QStringLiteral("@odata.id"),
                              QString(QStringLiteral("https://graph.microsoft.com/v1.0/users/") + admin)}})
                     .status,
                 204);
        managerId = admin;
    }
    SandboxFixture second(options);
    QVERIFY(second.isStarted());
    QCOMPARE(second.tenantId(), tenantId);
    const Reply user = second.graph("GET", QStringLiteral("/users/") + userId, second.demoToken());
    QCOMPARE(user.status, 200);
    QCOMPARE(user.json.value(QLatin1String("userPrincipalName")).toString(),
             QStringLiteral("persist@contoso.onmicrosoft.com"));
    QVERIFY(!managerId.isEmpty());
    QCOMPARE(second.graph("GET", QStringLiteral("/users/%1/manager").arg(userId), second.demoToken())
                 .json.value(QLatin1String("id"))
                 .toString(),
             managerId);
    QFile file(options.statePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("xWwvJ]6NMw+bWH-d")); // user passwords are never stored
}

QTEST_GUILESS_MAIN(TestSandboxGraph)
#include "tst_sandboxgraph.moc"
