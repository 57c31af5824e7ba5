// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// JSON batching in the sandbox: limits, malformed batches, dependsOn with 424, and each sub-request authorised,
// validated and throttled on its own.

#include "sandboxfixture.h"

#include <QTest>

using Reply = SandboxFixture::Reply;

class TestSandboxBatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void malformedBatches_data();
    void malformedBatches();
    void independentStatuses();
    void dependsOnFailedGives424();
    void subRequestsAuthorisedOnTheirOwn();
    void subRequestsThrottledOnTheirOwn();

private:
    static QJsonObject
    request(const QString &id, const QString &method, const QString &url, const QJsonObject &body = {});
    QJsonObject responseById(const Reply &reply, const QString &id) const;

    std::unique_ptr<SandboxFixture> m_sandbox;
    QString m_token;
};

QJsonObject
TestSandboxBatch::request(const QString &id, const QString &method, const QString &url, const QJsonObject &body)
{
    QJsonObject r{{QStringLiteral("id"), id}, {QStringLiteral("method"), method}, {QStringLiteral("url"), url}};
    if (!body.isEmpty()) {
        r.insert(QStringLiteral("body"), body);
        r.insert(QStringLiteral("headers"),
                 QJsonObject{{QStringLiteral("Content-Type"), QStringLiteral("application/json")}});
    }
    return r;
}

QJsonObject TestSandboxBatch::responseById(const Reply &reply, const QString &id) const
{
    for (const auto &v : reply.json.value(QLatin1String("responses")).toArray()) {
        if (v.toObject().value(QLatin1String("id")).toString() == id) {
            return v.toObject();
        }
    }
    return {};
}

void TestSandboxBatch::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
    m_token = m_sandbox->demoToken();
    QVERIFY(!m_token.isEmpty());
}

void TestSandboxBatch::malformedBatches_data()
{
    QTest::addColumn<QJsonObject>("body");
    QJsonArray twentyOne;
    for (int i = 0; i < 21; ++i) {
        twentyOne.append(request(QString::number(i), QStringLiteral("GET"), QStringLiteral("/organization")));
    }
    QTest::newRow("21 requests") << QJsonObject{{QStringLiteral("requests"), twentyOne}};
    QTest::newRow("no requests") << QJsonObject{{QStringLiteral("other"), 1}};
    QTest::newRow("empty") << QJsonObject{{QStringLiteral("requests"), QJsonArray{}}};
    QTest::newRow("duplicate id") << QJsonObject{
        {QStringLiteral("requests"),
         QJsonArray{request(QStringLiteral("1"), QStringLiteral("GET"), QStringLiteral("/organization")),
                    request(QStringLiteral("1"), QStringLiteral("GET"), QStringLiteral("/domains"))}}};
    QTest::newRow("missing url") << QJsonObject{
        {QStringLiteral("requests"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("1")},
                                {QStringLiteral("method"), QStringLiteral("GET")}}}}};
    QJsonObject dangling = request(QStringLiteral("1"), QStringLiteral("GET"), QStringLiteral("/organization"));
    dangling.insert(QStringLiteral("dependsOn"), QJsonArray{QStringLiteral("9")});
    QTest::newRow("unknown dependsOn") << QJsonObject{{QStringLiteral("requests"), QJsonArray{dangling}}};
    QJsonObject noType = request(QStringLiteral("1"),
                                 QStringLiteral("POST"),
                                 QStringLiteral("/users"),
                                 SandboxFixture::newUserBody(QStringLiteral("x")));
    noType.remove(QStringLiteral("headers"));
    QTest::newRow("body without content type") << QJsonObject{{QStringLiteral("requests"), QJsonArray{noType}}};
}

void TestSandboxBatch::malformedBatches()
{
    QFETCH(QJsonObject, body);
    const int users = m_sandbox->tenant().state().users.size();
    const Reply reply = m_sandbox->graph("POST", QStringLiteral("/$batch"), m_token, body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("BadRequest"));
    QVERIFY(!reply.json.value(QLatin1String("error"))
                 .toObject()
                 .value(QLatin1String("innerError"))
                 .toObject()
                 .value(QLatin1String("request-id"))
                 .toString()
                 .isEmpty());
    QCOMPARE(int(m_sandbox->tenant().state().users.size()), users); // nothing of a refused batch runs
}

void TestSandboxBatch::independentStatuses()
{
    QJsonObject invalid = SandboxFixture::newUserBody(QStringLiteral("batchbad"));
    invalid.remove(QStringLiteral("displayName"));
    const QJsonArray requests{
        request(QStringLiteral("1"), QStringLiteral("GET"), QStringLiteral("/users?$top=1&$select=id")),
        request(QStringLiteral("2"), QStringLiteral("POST"), QStringLiteral("/users"), invalid),
        request(QStringLiteral("3"),
                QStringLiteral("POST"),
                QStringLiteral("users"),
                SandboxFixture::newUserBody(QStringLiteral("batchok"))),
        request(QStringLiteral("4"), QStringLiteral("GET"), QStringLiteral("/users/nobody@contoso.onmicrosoft.com")),
        request(QStringLiteral("5"),
                QStringLiteral("DELETE"),
                QStringLiteral("/groups/00000000-0000-0000-0000-000000000000"))};
    const Reply reply =
        m_sandbox->graph("POST", QStringLiteral("/$batch"), m_token, {{QStringLiteral("requests"), requests}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QLatin1String("responses")).toArray().size(), 5);
    const QJsonObject listed = responseById(reply, QStringLiteral("1"));
    QCOMPARE(listed.value(QLatin1String("status")).toInt(), 200);
    QCOMPARE(listed.value(QLatin1String("body")).toObject().value(QLatin1String("value")).toArray().size(), 1);
    QCOMPARE(responseById(reply, QStringLiteral("2")).value(QLatin1String("status")).toInt(), 400);
    QCOMPARE(responseById(reply, QStringLiteral("2"))
                 .value(QLatin1String("body"))
                 .toObject()
                 .value(QLatin1String("error"))
                 .toObject()
                 .value(QLatin1String("code"))
                 .toString(),
             QStringLiteral("Request_BadRequest"));
    const QJsonObject created = responseById(reply, QStringLiteral("3"));
    QCOMPARE(created.value(QLatin1String("status")).toInt(), 201);
    QVERIFY(created.value(QLatin1String("headers"))
                .toObject()
                .value(QLatin1String("Location"))
                .toString()
                .contains(created.value(QLatin1String("body")).toObject().value(QLatin1String("id")).toString()));
    QCOMPARE(responseById(reply, QStringLiteral("4")).value(QLatin1String("status")).toInt(), 404);
    QCOMPARE(responseById(reply, QStringLiteral("5")).value(QLatin1String("status")).toInt(), 404);
    QVERIFY(!m_sandbox->tenant().state().userIdByUpn(QStringLiteral("batchok@contoso.onmicrosoft.com")).isEmpty());
}

void TestSandboxBatch::dependsOnFailedGives424()
{
    QJsonObject bad = SandboxFixture::newUserBody(QStringLiteral("dep1"));
    bad.insert(QStringLiteral("userPrincipalName"), QStringLiteral("dep1@example.org")); // unverified domain
    QJsonObject dependent = request(QStringLiteral("2"),
                                    QStringLiteral("PATCH"),
                                    QStringLiteral("/users/dep1@example.org"),
                                    {{QStringLiteral("jobTitle"), QStringLiteral("x")}});
    dependent.insert(QStringLiteral("dependsOn"), QJsonArray{QStringLiteral("1")});
    QJsonObject chained = request(QStringLiteral("3"), QStringLiteral("GET"), QStringLiteral("/organization"));
    chained.insert(QStringLiteral("dependsOn"), QJsonArray{QStringLiteral("2")});
    QJsonObject good = request(QStringLiteral("4"),
                               QStringLiteral("POST"),
                               QStringLiteral("/users"),
                               SandboxFixture::newUserBody(QStringLiteral("dep4")));
    QJsonObject afterGood = request(QStringLiteral("5"),
                                    QStringLiteral("PATCH"),
                                    QStringLiteral("/users/dep4@contoso.onmicrosoft.com"),
                                    {{QStringLiteral("jobTitle"), QStringLiteral("Tester")}});
    afterGood.insert(QStringLiteral("dependsOn"), QJsonArray{QStringLiteral("4")});
    const Reply reply = m_sandbox->graph(
        "POST",
        QStringLiteral("/$batch"),
        m_token,
        {{QStringLiteral("requests"),
          QJsonArray{request(QStringLiteral("1"), QStringLiteral("POST"), QStringLiteral("/users"), bad),
                     dependent,
                     chained,
                     good,
                     afterGood}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(responseById(reply, QStringLiteral("1")).value(QLatin1String("status")).toInt(), 400);
    QCOMPARE(responseById(reply, QStringLiteral("2")).value(QLatin1String("status")).toInt(), 424);
    QCOMPARE(responseById(reply, QStringLiteral("3")).value(QLatin1String("status")).toInt(), 424);
    QCOMPARE(responseById(reply, QStringLiteral("4")).value(QLatin1String("status")).toInt(), 201);
    QCOMPARE(responseById(reply, QStringLiteral("5")).value(QLatin1String("status")).toInt(), 204);
    const QString id = m_sandbox->tenant().state().userIdByUpn(QStringLiteral("dep4@contoso.onmicrosoft.com"));
    QCOMPARE(m_sandbox->tenant().state().users.value(id).value(QLatin1String("jobTitle")).toString(),
             QStringLiteral("Tester"));
}

void TestSandboxBatch::subRequestsAuthorisedOnTheirOwn()
{
    const QString reader = m_sandbox->tokenWithRoles({QStringLiteral("User.Read.All")});
    QVERIFY(!reader.isEmpty());
    const Reply reply = m_sandbox->graph(
        "POST",
        QStringLiteral("/$batch"),
        reader,
        {{QStringLiteral("requests"),
          QJsonArray{request(QStringLiteral("r"), QStringLiteral("GET"), QStringLiteral("/users?$top=1")),
                     request(QStringLiteral("w"),
                             QStringLiteral("POST"),
                             QStringLiteral("/users"),
                             SandboxFixture::newUserBody(QStringLiteral("noauth")))}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(responseById(reply, QStringLiteral("r")).value(QLatin1String("status")).toInt(), 200);
    const QJsonObject denied = responseById(reply, QStringLiteral("w"));
    QCOMPARE(denied.value(QLatin1String("status")).toInt(), 403);
    QCOMPARE(denied.value(QLatin1String("body"))
                 .toObject()
                 .value(QLatin1String("error"))
                 .toObject()
                 .value(QLatin1String("code"))
                 .toString(),
             QStringLiteral("Authorization_RequestDenied"));

    const Reply anonymous =
        m_sandbox->graph("POST",
                         QStringLiteral("/$batch"),
                         QString(),
                         {{QStringLiteral("requests"),
                           QJsonArray{request(QStringLiteral("r"), QStringLiteral("GET"), QStringLiteral("/users"))}}});
    QCOMPARE(anonymous.status, 200);
    QCOMPARE(responseById(anonymous, QStringLiteral("r")).value(QLatin1String("status")).toInt(), 401);
}

void TestSandboxBatch::subRequestsThrottledOnTheirOwn()
{
    QCOMPARE(m_sandbox
                 ->admin("PUT",
                         QStringLiteral("throttling"),
                         {{QStringLiteral("appWrites"), 3}, {QStringLiteral("appWriteWindowSeconds"), 150}})
                 .status,
             200);
    QJsonArray requests;
    for (int i = 0; i < 5; ++i) {
        requests.append(request(QString::number(i),
                                QStringLiteral("POST"),
                                QStringLiteral("/users"),
                                SandboxFixture::newUserBody(QStringLiteral("thr%1").arg(i))));
    }
    requests.append(request(QStringLiteral("read"), QStringLiteral("GET"), QStringLiteral("/organization")));
    const Reply reply =
        m_sandbox->graph("POST", QStringLiteral("/$batch"), m_token, {{QStringLiteral("requests"), requests}});
    QCOMPARE(reply.status, 200);
    int created = 0;
    int throttled = 0;
    for (int i = 0; i < 5; ++i) {
        const QJsonObject r = responseById(reply, QString::number(i));
        const int status = r.value(QLatin1String("status")).toInt();
        if (status == 201) {
            ++created;
        } else {
            QCOMPARE(status, 429);
            ++throttled;
            const double retryAfter =
                r.value(QLatin1String("headers")).toObject().value(QLatin1String("Retry-After")).toString().toDouble();
            QVERIFY(retryAfter > 0 && retryAfter <= 150);
            QCOMPARE(r.value(QLatin1String("body"))
                         .toObject()
                         .value(QLatin1String("error"))
                         .toObject()
                         .value(QLatin1String("code"))
                         .toString(),
                     QStringLiteral("TooManyRequests"));
        }
    }
    QCOMPARE(created, 3);
    QCOMPARE(throttled, 2);
    // Reads are not writes: the read in the same batch still succeeds.
    QCOMPARE(responseById(reply, QStringLiteral("read")).value(QLatin1String("status")).toInt(), 200);
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("throttling"), {{QStringLiteral("appWrites"), 3000}}).status, 200);
}

QTEST_GUILESS_MAIN(TestSandboxBatch)
#include "tst_sandboxbatch.moc"
