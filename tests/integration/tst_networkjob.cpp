// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What the network job base does for the request, paged and batch jobs, against the sandbox tenant: retries end with
// the last answer when the wait budget is spent, a $batch's sub-requests are retried through the same policy, a
// cancel while the pacer holds a request back gives its reservation back, and a job whose client is deleted ends.

#include "graph/graphclient.h"
#include "identity/tokenprovider.h"
#include "sandboxfixture.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace M365;

class TestNetworkJob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void waitBudgetEndsWithTheLastAnswer();
    void batchSubRequestsFollowThePolicy();
    void cancelWhilePacedGivesTheReservationBack();
    void deletedClientEndsTheJob();

private:
    bool runJob(M365::Job *job, int timeoutMs = 30000)
    {
        QSignalSpy finished(job, &M365::Job::finished);
        job->start();
        return finished.wait(timeoutMs);
    }
    int writesInWindow() { return m_client->pacer().writesInWindow(QDateTime::currentMSecsSinceEpoch()); }

    std::unique_ptr<SandboxFixture> m_sandbox;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<Graph::GraphClient> m_client;
};

void TestNetworkJob::init()
{
    M365::Sandbox::SandboxServer::Options options;
    options.timeScale = 100;
    m_sandbox = std::make_unique<SandboxFixture>(options);
    QVERIFY(m_sandbox->isStarted());
    m_nam = std::make_unique<QNetworkAccessManager>();
    const auto &state = m_sandbox->tenant().state();
    Identity::ClientCredential credential;
    credential.kind = Identity::ClientCredential::Kind::Secret;
    credential.clientSecret = state.demoClientSecret;
    const QUrl base(m_sandbox->baseUrl());
    auto *tokens = new Identity::TokenProvider(
        m_nam.get(),
        Identity::CloudEndpoints::custom(base, base, QStringLiteral("https://graph.microsoft.com/.default")),
        state.tenantId,
        state.demoClientId,
        credential,
        m_nam.get());
    m_client = std::make_unique<Graph::GraphClient>(m_nam.get(), tokens->endpoints(), tokens);
    Graph::RetryPolicy policy;
    policy.initialBackoffMs = 20;
    policy.maxBackoffMs = 200;
    m_client->setRetryPolicy(policy);
}

void TestNetworkJob::cleanup()
{
    m_client.reset();
    m_nam.reset();
    m_sandbox.reset();
}

void TestNetworkJob::waitBudgetEndsWithTheLastAnswer()
{
    // Every Graph request fails with 503 or 504 and Retry-After 0.5 s (50 s time-scaled by 100). Twice 0.5 s fits
    // into the budget of 1.2 s, a third wait does not: the third answer is final.
    QCOMPARE(m_sandbox
                 ->admin("PUT",
                         QStringLiteral("faults"),
                         {{QStringLiteral("serverErrorRate"), 1.0}, {QStringLiteral("retryAfterSeconds"), 50}})
                 .status,
             200);
    Graph::RetryPolicy policy = m_client->retryPolicy();
    policy.maxTotalWaitMs = 1200;
    m_client->setRetryPolicy(policy);

    auto *job = m_client->send(Graph::Request::get(QStringLiteral("/organization")));
    job->setParent(this);
    QVERIFY(runJob(job));
    QVERIFY(job->hasError());
    const int status = job->response().status;
    QVERIFY2(status == 503 || status == 504, qPrintable(QString::number(status)));
    QCOMPARE(job->response().attempts, 3);
    QCOMPARE(job->error().code,
             status == 503 ? QStringLiteral("serviceNotAvailable") : QStringLiteral("gatewayTimeout"));
    QCOMPARE(m_client->requestLog()->entries().size(), 3);
    QCOMPARE(m_client->requestLog()->entries().last().attempt, 3);

    // The $batch itself fails the same way: its last answer is the answer of each of its requests.
    auto *batch = m_client->batch(
        {Graph::Request::get(QStringLiteral("/organization")), Graph::Request::get(QStringLiteral("/domains"))});
    batch->setParent(this);
    QVERIFY(runJob(batch));
    QCOMPARE(batch->batchesSent(), 3);
    for (const Graph::Response &response : batch->responses()) {
        QVERIFY(response.status == 503 || response.status == 504);
        QCOMPARE(response.attempts, 3);
        QVERIFY(!response.error.isNull());
    }
}

void TestNetworkJob::batchSubRequestsFollowThePolicy()
{
    // A sub-request that may meet a new object is sent again while it gets 404, for notFoundWaitMs; the same request
    // without the flag, and one that succeeds, are answered by the first $batch.
    Graph::RetryPolicy policy = m_client->retryPolicy();
    policy.notFoundWaitMs = 500;
    m_client->setRetryPolicy(policy);
    const QString missing = QStringLiteral("/users/%1").arg(M365::Sandbox::newGuid());
    Graph::Request patient = Graph::Request::get(missing);
    patient.retryNotFound = true;
    auto *job =
        m_client->batch({patient, Graph::Request::get(missing), Graph::Request::get(QStringLiteral("/domains"))});
    job->setParent(this);
    QSignalSpy done(job, &Graph::BatchJob::requestDone);
    QVERIFY(runJob(job));
    QVERIFY(!job->hasError());
    QCOMPARE(done.count(), 3);
    QCOMPARE(job->responses()[0].status, 404);
    QCOMPARE(job->responses()[0].error.code, QStringLiteral("Request_ResourceNotFound"));
    QVERIFY(job->responses()[0].attempts > 1);
    QCOMPARE(job->batchesSent(), job->responses()[0].attempts);
    QCOMPARE(job->responses()[1].status, 404);
    QCOMPARE(job->responses()[1].attempts, 1);
    QCOMPARE(job->responses()[2].status, 200);
    QCOMPARE(job->responses()[2].attempts, 1);
}

void TestNetworkJob::cancelWhilePacedGivesTheReservationBack()
{
    // One write per window, and it is taken: the next write waits for the pacer, which is where it is cancelled.
    Graph::Pacer::Budget budget;
    budget.writes = 1;
    m_client->pacer().setBudget(budget);
    QCOMPARE(m_client->reservePacing(1, 1), qint64(0));
    const auto &state = m_sandbox->tenant().state();
    const QString megan = state.userIdByUpn(QStringLiteral("MeganB@contoso.onmicrosoft.com"));
    const QString name = state.users.value(megan).value(QLatin1String("displayName")).toString();
    auto *job = m_client->send(Graph::Request::withBody(
        "PATCH", QStringLiteral("/users/") + megan, {{QStringLiteral("displayName"), QStringLiteral("Never")}}));
    job->setParent(this);
    QSignalSpy finished(job, &M365::Job::finished);
    job->start();
    QTRY_COMPARE_WITH_TIMEOUT(writesInWindow(), 2, 10000);
    QVERIFY(finished.isEmpty());
    job->cancel();
    QCOMPARE(finished.count(), 1);
    QVERIFY(job->wasCancelled());
    QCOMPARE(writesInWindow(), 1);
    QCOMPARE(state.users.value(megan).value(QLatin1String("displayName")).toString(), name);
}

void TestNetworkJob::deletedClientEndsTheJob()
{
    // The sandbox holds the answer back; meanwhile the client goes away. The job ends as cancelled instead of
    // waiting for ever.
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("latencyMs"), 1000}}).status, 200);
    bool handled = false;
    connect(m_sandbox->server().tenant(),
            &M365::Sandbox::SandboxTenant::requestHandled,
            this,
            [&handled](const QString &, const QString &path) {
                handled |= path.startsWith(QLatin1String("/v1.0/organization"));
            });
    auto *job = m_client->send(Graph::Request::get(QStringLiteral("/organization")));
    job->setParent(this);
    QSignalSpy finished(job, &M365::Job::finished);
    job->start();
    QTRY_VERIFY_WITH_TIMEOUT(handled, 10000);
    m_client.reset();
    QVERIFY(finished.wait(10000));
    QVERIFY(job->wasCancelled());
}

QTEST_GUILESS_MAIN(TestNetworkJob)
#include "tst_networkjob.moc"
