// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The Graph client and token provider against the sandbox tenant: sign-in and its errors, paging, $batch splitting,
// retries under throttling, 503s and connection resets with every write done exactly once, replication lag.

#include "graph/deltareader.h"
#include "graph/graphclient.h"
#include "identity/tokenprovider.h"
#include "sandboxfixture.h"

#include <QNetworkAccessManager>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace M365;

class TestGraphClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void tokenIsCachedAndSingleFlight();
    void tokenErrors_data();
    void tokenErrors();
    void pagingReturnsEveryUserOnce();
    void batchOf45IsSplitInThree();
    void batchDependsOnAcrossChunks();
    void writesSurviveThrottlingAndFaults();
    void createThenAddMemberDespiteLag();
    void servicePrincipalOfANewApplicationDespiteLag();
    void graphErrorsAreActionable();
    void requestLogHasNoToken();
    void deltaRoundsAndRestart();

private:
    Identity::TokenProvider *makeTokens(const QString &tenant, const QString &clientId, const QString &secret);
    template <typename J> bool runJob(J *job, int timeoutMs = 60000)
    {
        QSignalSpy finished(job, &M365::Job::finished);
        job->start();
        return finished.wait(timeoutMs);
    }

    std::unique_ptr<SandboxFixture> m_sandbox;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    Identity::TokenProvider *m_tokens = nullptr;
    std::unique_ptr<Graph::GraphClient> m_client;
    int m_tokenRequests = 0;
};

Identity::TokenProvider *
TestGraphClient::makeTokens(const QString &tenant, const QString &clientId, const QString &secret)
{
    Identity::ClientCredential credential;
    credential.kind = Identity::ClientCredential::Kind::Secret;
    credential.clientSecret = secret;
    const QUrl base(m_sandbox->baseUrl());
    return new Identity::TokenProvider(
        m_nam.get(),
        Identity::CloudEndpoints::custom(base, base, QStringLiteral("https://graph.microsoft.com/.default")),
        tenant,
        clientId,
        credential,
        m_nam.get());
}

void TestGraphClient::init()
{
    M365::Sandbox::SandboxServer::Options options;
    options.timeScale = 100;
    m_sandbox = std::make_unique<SandboxFixture>(options);
    QVERIFY(m_sandbox->isStarted());
    m_tokenRequests = 0;
    connect(m_sandbox->server().tenant(),
            &M365::Sandbox::SandboxTenant::requestHandled,
            this,
            [this](const QString &, const QString &path) {
                m_tokenRequests += path.endsWith(QLatin1String("/oauth2/v2.0/token")) ? 1 : 0;
            });
    m_nam = std::make_unique<QNetworkAccessManager>();
    const auto &state = m_sandbox->tenant().state();
    m_tokens = makeTokens(state.tenantId, state.demoClientId, state.demoClientSecret);
    const QUrl base(m_sandbox->baseUrl());
    m_client = std::make_unique<Graph::GraphClient>(m_nam.get(), m_tokens->endpoints(), m_tokens);
    Graph::RetryPolicy policy;
    policy.initialBackoffMs = 20;
    policy.maxBackoffMs = 200;
    policy.notFoundWaitMs = 5000;
    m_client->setRetryPolicy(policy);
}

void TestGraphClient::cleanup()
{
    m_client.reset();
    m_nam.reset();
    m_sandbox.reset();
}

void TestGraphClient::tokenIsCachedAndSingleFlight()
{
    int answered = 0;
    QStringList tokens;
    for (int i = 0; i < 5; ++i) {
        m_tokens->acquire(this, [&](const QString &token, const M365::Error &error) {
            QVERIFY(error.isNull());
            tokens.append(token);
            ++answered;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, 5, 10000);
    QCOMPARE(m_tokenRequests, 1);
    QCOMPARE(QSet<QString>(tokens.begin(), tokens.end()).size(), 1);
    QVERIFY(m_tokens->roles().contains(QStringLiteral("User.ReadWrite.All")));
    QVERIFY(m_tokens->hasValidToken());
    // Cached: another call makes no request.
    m_tokens->acquire(this, [&](const QString &, const M365::Error &) {
        ++answered;
    });
    QTRY_COMPARE_WITH_TIMEOUT(answered, 6, 5000);
    QCOMPARE(m_tokenRequests, 1);
    // Refreshed ahead of expiry: with the sandbox's time scale the token lives ~36 s and is renewed at 90 %.
    QVERIFY(m_tokens->expiresAt() > QDateTime::currentDateTimeUtc());
}

void TestGraphClient::tokenErrors_data()
{
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("unknown tenant") << QStringLiteral("nosuchtenant.onmicrosoft.com") << QString() << QString()
                                    << QStringLiteral("AADSTS90002") << QStringLiteral("was not found");
    QTest::newRow("unknown client") << QString() << QStringLiteral("11111111-2222-3333-4444-555555555555") << QString()
                                    << QStringLiteral("AADSTS700016") << QStringLiteral("No app with client ID");
    QTest::newRow("wrong secret") << QString() << QString() << QStringLiteral("wrong")
                                  << QStringLiteral("AADSTS7000215") << QStringLiteral("client secret is wrong");
    QTest::newRow("expired secret") << QString() << QStringLiteral("expired") << QString()
                                    << QStringLiteral("AADSTS7000222") << QStringLiteral("has expired");
}

void TestGraphClient::tokenErrors()
{
    QFETCH(QString, tenant);
    QFETCH(QString, clientId);
    QFETCH(QString, secret);
    QFETCH(QString, code);
    QFETCH(QString, messagePart);
    const auto &state = m_sandbox->tenant().state();
    if (clientId == QLatin1String("expired")) {
        const auto app = m_sandbox->admin("POST",
                                          QStringLiteral("applications"),
                                          {{QStringLiteral("displayName"), QStringLiteral("expired")},
                                           {QStringLiteral("withSecret"), true},
                                           {QStringLiteral("secretExpired"), true}});
        clientId = app.json.value(QLatin1String("appId")).toString();
        secret = app.json.value(QLatin1String("clientSecret")).toString();
    }
    Identity::TokenProvider *tokens = makeTokens(tenant.isEmpty() ? state.tenantId : tenant,
                                                 clientId.isEmpty() ? state.demoClientId : clientId,
                                                 secret.isEmpty() ? state.demoClientSecret : secret);
    M365::Error received;
    bool answered = false;
    tokens->acquire(this, [&](const QString &token, const M365::Error &error) {
        QVERIFY(token.isEmpty());
        received = error;
        answered = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
    QCOMPARE(received.code, code);
    QVERIFY2(received.userMessage.contains(messagePart), qPrintable(received.userMessage));
    QVERIFY(!received.requestId.isEmpty());
}

void TestGraphClient::pagingReturnsEveryUserOnce()
{
    // 2,500 users put straight into the tenant; the client reads them through pages of 999.
    auto &state = m_sandbox->tenant().state();
    for (int i = 0; i < 2500; ++i) {
        const QString id = M365::Sandbox::newGuid();
        state.users.insert(
            id,
            QJsonObject{{QStringLiteral("id"), id},
                        {QStringLiteral("displayName"), QStringLiteral("Bulk %1").arg(i)},
                        {QStringLiteral("userPrincipalName"), QStringLiteral("bulk%1@contoso.onmicrosoft.com").arg(i)},
                        {QStringLiteral("_seq"), state.nextSeq()}});
    }
    const int total = state.users.size();
    auto *job = m_client->getAll(QStringLiteral("/users?$top=999&$select=id,userPrincipalName"));
    QSignalSpy pages(job, &Graph::PagedJob::page);
    QVERIFY(runJob(job));
    QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
    QCOMPARE(job->items().size(), total);
    QCOMPARE(pages.count(), (total + 998) / 999);
    QSet<QString> ids;
    for (const auto &item : job->items()) {
        ids.insert(item.toObject().value(QLatin1String("id")).toString());
    }
    QCOMPARE(ids.size(), total);
}

void TestGraphClient::batchOf45IsSplitInThree()
{
    QList<Graph::Request> requests;
    QStringList expected;
    const auto &users = m_sandbox->tenant().state().users;
    for (int i = 0; i < 45; ++i) {
        const QString id = users.keys().at(i % users.size());
        requests.append(Graph::Request::get(QStringLiteral("/users/%1?$select=id,displayName").arg(id)));
        expected.append(id);
    }
    requests[7] = Graph::Request::get(QStringLiteral("/users/nobody@contoso.onmicrosoft.com"));
    int batchPosts = 0;
    connect(m_sandbox->server().tenant(),
            &M365::Sandbox::SandboxTenant::requestHandled,
            this,
            [&](const QString &, const QString &path) {
                batchPosts += path == QLatin1String("/v1.0/$batch") ? 1 : 0;
            });
    auto *job = m_client->batch(requests);
    QVERIFY(runJob(job));
    QVERIFY(!job->hasError());
    QCOMPARE(job->batchesSent(), 3);
    QCOMPARE(batchPosts, 3);
    QCOMPARE(int(job->responses().size()), 45);
    for (int i = 0; i < 45; ++i) {
        const Graph::Response &response = job->responses()[i];
        if (i == 7) {
            QCOMPARE(response.status, 404);
            QCOMPARE(response.error.code, QStringLiteral("Request_ResourceNotFound"));
            continue;
        }
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json.value(QLatin1String("id")).toString(), expected[i]);
    }
}

void TestGraphClient::batchDependsOnAcrossChunks()
{
    // 25 creates, then a group that depends on the first and the 25th, then member adds that depend on the group.
    QList<Graph::Request> requests;
    for (int i = 0; i < 25; ++i) {
        Graph::Request create = Graph::Request::withBody(
            "POST", QStringLiteral("/users"), SandboxFixture::newUserBody(QStringLiteral("chain%1").arg(i)));
        create.id = QStringLiteral("u%1").arg(i);
        requests.append(create);
    }
    Graph::Request failing = Graph::Request::withBody(
        "POST", QStringLiteral("/users"), {{QStringLiteral("displayName"), QStringLiteral("incomplete")}});
    failing.id = QStringLiteral("bad");
    requests.append(failing);
    Graph::Request dependent = Graph::Request::withBody("PATCH",
                                                        QStringLiteral("/users/chain0@contoso.onmicrosoft.com"),
                                                        {{QStringLiteral("jobTitle"), QStringLiteral("first")}});
    dependent.id = QStringLiteral("patch");
    dependent.dependsOn = {QStringLiteral("u0"), QStringLiteral("u24")};
    requests.append(dependent);
    Graph::Request doomed = Graph::Request::withBody("PATCH",
                                                     QStringLiteral("/users/chain1@contoso.onmicrosoft.com"),
                                                     {{QStringLiteral("jobTitle"), QStringLiteral("never")}});
    doomed.id = QStringLiteral("doomed");
    doomed.dependsOn = {QStringLiteral("bad")};
    requests.append(doomed);

    auto *job = m_client->batch(requests);
    QVERIFY(runJob(job));
    for (int i = 0; i < 25; ++i) {
        QCOMPARE(job->responses()[i].status, 201);
    }
    QCOMPARE(job->responses()[25].status, 400);
    QCOMPARE(job->responses()[26].status, 204);
    QCOMPARE(job->responses()[27].status, 424);
    const auto &state = m_sandbox->tenant().state();
    QCOMPARE(state.users.value(state.userIdByUpn(QStringLiteral("chain0@contoso.onmicrosoft.com")))
                 .value(QLatin1String("jobTitle"))
                 .toString(),
             QStringLiteral("first"));
    QVERIFY(state.users.value(state.userIdByUpn(QStringLiteral("chain1@contoso.onmicrosoft.com")))
                .value(QLatin1String("jobTitle"))
                .isUndefined());
}

void TestGraphClient::writesSurviveThrottlingAndFaults()
{
    // The sandbox allows 400 writes per 6 s (600 s time-scaled by 100) while the client believes in the default
    // budget, so it runs into 429s however slow this machine is; 15 % of requests fail with 503/504 and 3 % of
    // connections are reset before they are processed.
    QCOMPARE(m_sandbox
                 ->admin("PUT",
                         QStringLiteral("throttling"),
                         {{QStringLiteral("appWrites"), 400}, {QStringLiteral("appWriteWindowSeconds"), 600}})
                 .status,
             200);
    QCOMPARE(m_sandbox
                 ->admin("PUT",
                         QStringLiteral("faults"),
                         {{QStringLiteral("serverErrorRate"), 0.15},
                          {QStringLiteral("resetRate"), 0.03},
                          {QStringLiteral("retryAfterSeconds"), 5},
                          {QStringLiteral("seed"), 42}})
                 .status,
             200);
    const int before = m_sandbox->tenant().state().users.size();
    QList<Graph::Request> requests;
    for (int i = 0; i < 1000; ++i) {
        requests.append(Graph::Request::withBody(
            "POST", QStringLiteral("/users"), SandboxFixture::newUserBody(QStringLiteral("w%1").arg(i))));
    }
    auto *job = m_client->batch(requests);
    QVERIFY(runJob(job, 180000));
    int ok = 0;
    for (const auto &response : job->responses()) {
        ok += response.status == 201 ? 1 : 0;
        if (response.status != 201) {
            qWarning() << response.status << response.error.code << response.error.details;
        }
    }
    QCOMPARE(ok, 1000);
    const auto &state = m_sandbox->tenant().state();
    QCOMPARE(int(state.users.size()), before + 1000);
    for (int i = 0; i < 1000; i += 97) {
        QVERIFY(!state.userIdByUpn(QStringLiteral("w%1@contoso.onmicrosoft.com").arg(i)).isEmpty());
    }
    QVERIFY2(m_client->throttledCount() > 0, "the run should have met 429s");
    int retried = 0;
    for (const auto &response : job->responses()) {
        retried += response.attempts > 1 ? 1 : 0;
    }
    QVERIFY(retried > 0);
}

void TestGraphClient::createThenAddMemberDespiteLag()
{
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("replicationLagMs"), 800}}).status,
             200);
    auto *createUser = m_client->send(Graph::Request::withBody(
        "POST", QStringLiteral("/users"), SandboxFixture::newUserBody(QStringLiteral("lag1"))));
    auto *createGroup =
        m_client->send(Graph::Request::withBody("POST",
                                                QStringLiteral("/groups"),
                                                {{QStringLiteral("displayName"), QStringLiteral("Lag")},
                                                 {QStringLiteral("mailEnabled"), false},
                                                 {QStringLiteral("mailNickname"), QStringLiteral("lag")},
                                                 {QStringLiteral("securityEnabled"), true}}));
    createUser->setParent(this);
    createGroup->setParent(this);
    QVERIFY(runJob(createUser));
    QVERIFY(runJob(createGroup));
    QCOMPARE(createUser->response().status, 201);
    const QString userId = createUser->response().json.value(QLatin1String("id")).toString();
    const QString groupId = createGroup->response().json.value(QLatin1String("id")).toString();
    Graph::Request add = Graph::Request::withBody(
        "POST",
        QStringLiteral("/groups/%1/members/$ref").arg(groupId),
        {{QStringLiteral("@odata.id"),
          QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/") + userId)}});
    add.retryNotFound = true;
    auto *job = m_client->send(add);
    job->setParent(this);
    QVERIFY(runJob(job));
    QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
    QCOMPARE(job->response().status, 204);
    QVERIFY(job->response().attempts > 1);
    QVERIFY(m_sandbox->tenant().state().members.value(groupId).contains(userId));
}

void TestGraphClient::servicePrincipalOfANewApplicationDespiteLag()
{
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("replicationLagMs"), 800}}).status,
             200);
    auto *createApp = m_client->send(Graph::Request::withBody(
        "POST", QStringLiteral("/applications"), {{QStringLiteral("displayName"), QStringLiteral("Lagging app")}}));
    createApp->setParent(this);
    QVERIFY(runJob(createApp));
    QCOMPARE(createApp->response().status, 201);
    Graph::Request create = Graph::Request::withBody(
        "POST",
        QStringLiteral("/servicePrincipals"),
        {{QStringLiteral("appId"), createApp->response().json.value(QLatin1String("appId")).toString()}});

    // Without the flag the 400 is final; with it, the request is tried again until the application is there.
    auto *once = m_client->send(create);
    once->setParent(this);
    QVERIFY(runJob(once));
    QCOMPARE(once->response().status, 400);
    QCOMPARE(once->response().attempts, 1);
    create.retryNotFound = true;
    auto *job = m_client->send(create);
    job->setParent(this);
    QVERIFY(runJob(job));
    QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
    QCOMPARE(job->response().status, 201);
    QVERIFY(job->response().attempts > 1);
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("replicationLagMs"), 0}}).status, 200);
}

void TestGraphClient::graphErrorsAreActionable()
{
    Identity::TokenProvider *reader = nullptr;
    {
        const auto app = m_sandbox->admin("POST",
                                          QStringLiteral("applications"),
                                          {{QStringLiteral("displayName"), QStringLiteral("reader")},
                                           {QStringLiteral("roles"), QJsonArray{QStringLiteral("User.Read.All")}},
                                           {QStringLiteral("withSecret"), true}});
        reader = makeTokens(m_sandbox->tenantId(),
                            app.json.value(QLatin1String("appId")).toString(),
                            app.json.value(QLatin1String("clientSecret")).toString());
    }
    Graph::GraphClient client(m_nam.get(), reader->endpoints(), reader);
    auto *job = client.send(Graph::Request::withBody(
        "POST", QStringLiteral("/users"), SandboxFixture::newUserBody(QStringLiteral("denied"))));
    job->setParent(this);
    QVERIFY(runJob(job));
    QVERIFY(job->hasError());
    QCOMPARE(job->error().code, QStringLiteral("Authorization_RequestDenied"));
    QVERIFY(job->error().userMessage.contains(QLatin1String("permission")));
    QVERIFY(!job->error().requestId.isEmpty());
    QCOMPARE(job->error().requestId, job->response().requestId);
}

void TestGraphClient::requestLogHasNoToken()
{
    auto *job = m_client->send(Graph::Request::get(QStringLiteral("/organization")));
    job->setParent(this);
    QVERIFY(runJob(job));
    QVERIFY(!job->hasError());
    const auto entries = m_client->requestLog()->entries();
    QVERIFY(!entries.isEmpty());
    QCOMPARE(entries.last().status, 200);
    QVERIFY(!entries.last().requestId.isEmpty());
    bool answered = false;
    QString token;
    m_tokens->acquire(this, [&](const QString &t, const M365::Error &) {
        token = t;
        answered = true;
    });
    QTRY_VERIFY(answered);
    for (const auto &entry : entries) {
        QVERIFY(!entry.url.contains(token));
        QVERIFY(!entry.note.contains(token));
    }
    QCOMPARE(Graph::redactSecrets(QStringLiteral("Authorization: Bearer ") + token),
             QStringLiteral("Authorization: Bearer [redacted]"));
    QCOMPARE(Graph::redactSecrets(QStringLiteral("client_secret=abc&scope=x")),
             QStringLiteral("client_secret=[redacted]&scope=x"));
    QVERIFY(!Graph::redactSecrets(QStringLiteral("token ") + token).contains(token.section(QLatin1Char('.'), 1, 1)));
}

void TestGraphClient::deltaRoundsAndRestart()
{
    const QStringList select{QStringLiteral("displayName"), QStringLiteral("userPrincipalName")};
    auto *first = new Graph::DeltaReader(m_client.get(), QStringLiteral("users"), select, {}, this);
    QVERIFY(runJob(first));
    QVERIFY(!first->hasError());
    QVERIFY(first->isFullRead());
    QCOMPARE(first->changes().size(), int(m_sandbox->tenant().state().users.size()));
    const QString link = first->deltaLink();
    QVERIFY(!link.isEmpty());

    const auto &state = m_sandbox->tenant().state();
    const QString megan = state.userIdByUpn(QStringLiteral("MeganB@contoso.onmicrosoft.com"));
    auto *patch = m_client->send(Graph::Request::withBody(
        "PATCH", QStringLiteral("/users/") + megan, {{QStringLiteral("displayName"), QStringLiteral("Megan B.")}}));
    patch->setParent(this);
    QVERIFY(runJob(patch));
    auto *second = new Graph::DeltaReader(m_client.get(), QStringLiteral("users"), select, link, this);
    QVERIFY(runJob(second));
    QVERIFY(!second->isFullRead());
    QCOMPARE(second->changes().size(), 1);
    QCOMPARE(second->changes().at(0).toObject().value(QLatin1String("displayName")).toString(),
             QStringLiteral("Megan B."));

    // Graph loses the sync state: the reader starts over with a full read and says so.
    QCOMPARE(m_sandbox->admin("POST", QStringLiteral("delta/expire")).status, 204);
    auto *third = new Graph::DeltaReader(m_client.get(), QStringLiteral("users"), select, second->deltaLink(), this);
    QSignalSpy restarted(third, &Graph::DeltaReader::restarted);
    QVERIFY(runJob(third));
    QVERIFY2(!third->hasError(), qPrintable(third->errorString()));
    QCOMPARE(restarted.count(), 1);
    QVERIFY(third->isFullRead());
    QCOMPARE(third->changes().size(), int(state.users.size()));
}

QTEST_GUILESS_MAIN(TestGraphClient)
#include "tst_graphclient.moc"
