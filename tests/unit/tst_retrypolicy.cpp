// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The one decision about sending a Graph request again, on its own: Retry-After is honoured, backoff doubles up to
// its cap, the total wait and the attempts end the retries, replication lag is waited out only for requests that may
// meet a new object and only for a while, and what sending again cannot change is final at once.

#include "graph/retrypolicy.h"

#include <QTest>

using namespace M365::Graph;

namespace {

Response answer(int status, const QByteArray &retryAfter = {})
{
    Response response;
    response.status = status;
    if (!retryAfter.isEmpty()) {
        response.headers.insert("retry-after", retryAfter);
    }
    return response;
}

Response replicationAnswer()
{
    Response response = answer(400);
    response.json = QJsonObject{
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("code"), QStringLiteral("Request_BadRequest")},
                     {QStringLiteral("message"),
                      QStringLiteral("The appId 'a0b1c2d3' of the service principal does not reference a valid "
                                     "application object.")}}}};
    return response;
}

RetryState after(int attempts, qint64 waitedMs = 0, qint64 elapsedMs = 0)
{
    return RetryState{attempts, waitedMs, elapsedMs};
}

RetryPolicy exactPolicy()
{
    RetryPolicy policy;
    policy.jitter = false;
    return policy;
}

/// The wait, or -1 for "done", so that QCOMPARE prints both.
qint64 waitFor(const RetryPolicy &policy, const Request &request, const Response &response, const RetryState &state)
{
    return policy.retryWaitMs(request, response, state).value_or(-1);
}

} // namespace

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retryAfterIsHonoured_data();
    void retryAfterIsHonoured();
    void backoffGrowsUpToItsCap();
    void jitterStaysInTheUpperHalf();
    void noAnswerIsRetried();
    void attemptsAreLimited();
    void totalWaitBudgetEndsRetries();
    void notFoundOnlyWhenAskedAndForAWhile_data();
    void notFoundOnlyWhenAskedAndForAWhile();
    void finalAnswersAreNotRetried_data();
    void finalAnswersAreNotRetried();
};

void TestRetryPolicy::retryAfterIsHonoured_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<qint64>("waitMs");
    QTest::newRow("429 whole seconds") << 429 << QByteArray("5") << qint64(5000);
    QTest::newRow("429 fraction, rounded up") << 429 << QByteArray("2.1281") << qint64(2129);
    QTest::newRow("503") << 503 << QByteArray("3") << qint64(3000);
    QTest::newRow("504 zero") << 504 << QByteArray("0") << qint64(0);
    // An HTTP date is not understood: backoff instead (500 ms after the first attempt).
    QTest::newRow("date falls back to backoff") << 429 << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT") << qint64(500);
}

void TestRetryPolicy::retryAfterIsHonoured()
{
    QFETCH(int, status);
    QFETCH(QByteArray, retryAfter);
    QFETCH(qint64, waitMs);
    const RetryPolicy policy = exactPolicy();
    QCOMPARE(waitFor(policy, Request::get(QStringLiteral("/users")), answer(status, retryAfter), after(1)), waitMs);
    // Retry-After is what the service asked for: jitter does not shorten it.
    if (!retryAfter.contains("GMT")) {
        QCOMPARE(waitFor(RetryPolicy{}, Request::get(QStringLiteral("/users")), answer(status, retryAfter), after(1)),
                 waitMs);
    }
}

void TestRetryPolicy::backoffGrowsUpToItsCap()
{
    RetryPolicy policy = exactPolicy();
    policy.maxAttempts = 20;
    policy.initialBackoffMs = 500;
    policy.maxBackoffMs = 30000;
    const Request request = Request::get(QStringLiteral("/users"));
    const QList<qint64> expected{500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
    for (int attempt = 1; attempt <= expected.size(); ++attempt) {
        QCOMPARE(policy.backoffMs(attempt), expected[attempt - 1]);
        QCOMPARE(waitFor(policy, request, answer(503), after(attempt)), expected[attempt - 1]);
    }
    // Far beyond the cap the exponent does not overflow.
    QCOMPARE(policy.backoffMs(1000), qint64(30000));
}

void TestRetryPolicy::jitterStaysInTheUpperHalf()
{
    RetryPolicy policy;
    QVERIFY(policy.jitter);
    for (int attempt = 1; attempt <= 10; ++attempt) {
        const qint64 full = exactPolicy().backoffMs(attempt);
        for (int sample = 0; sample < 50; ++sample) {
            const qint64 wait = policy.backoffMs(attempt);
            QVERIFY2(wait >= full / 2 && wait <= full, qPrintable(QString::number(wait)));
        }
    }
}

void TestRetryPolicy::noAnswerIsRetried()
{
    const RetryPolicy policy = exactPolicy();
    const Request write = Request::withBody("POST", QStringLiteral("/users"), {});
    // A reset connection or a timeout: no status, and either no error yet or the network error.
    Response reset = answer(0);
    QCOMPARE(waitFor(policy, write, reset, after(2)), qint64(1000));
    reset.error = M365::Error{QStringLiteral("network"), QStringLiteral("No answer"), {}, {}};
    QCOMPARE(waitFor(policy, write, reset, after(1)), qint64(500));
    // An untrusted certificate or a refused token is an answer: sending again would get the same.
    Response tls = answer(0);
    tls.error = M365::Error{QStringLiteral("network.tls"), QStringLiteral("Not trusted"), {}, {}};
    QCOMPARE(waitFor(policy, write, tls, after(1)), qint64(-1));
    Response token = answer(0);
    token.error = M365::Error{QStringLiteral("AADSTS7000215"), QStringLiteral("Wrong secret"), {}, {}};
    QCOMPARE(waitFor(policy, write, token, after(1)), qint64(-1));
}

void TestRetryPolicy::attemptsAreLimited()
{
    RetryPolicy policy = exactPolicy();
    policy.maxAttempts = 3;
    const Request request = Request::get(QStringLiteral("/users"));
    QCOMPARE(waitFor(policy, request, answer(429, "1"), after(2)), qint64(1000));
    // The third attempt was the last one allowed: its answer is final.
    QCOMPARE(waitFor(policy, request, answer(429, "1"), after(3)), qint64(-1));
}

void TestRetryPolicy::totalWaitBudgetEndsRetries()
{
    RetryPolicy policy = exactPolicy();
    policy.maxTotalWaitMs = 10000;
    const Request request = Request::get(QStringLiteral("/users"));
    // A wait that ends exactly at the budget is still taken; one that would go beyond it is not, even when attempts
    // are left, and the answer in hand is the final one.
    QCOMPARE(waitFor(policy, request, answer(429, "4"), after(2, 6000)), qint64(4000));
    QCOMPARE(waitFor(policy, request, answer(429, "4.001"), after(2, 6000)), qint64(-1));
    // A Retry-After longer than the whole budget ends retries at once.
    QCOMPARE(waitFor(policy, request, answer(503, "11"), after(1)), qint64(-1));
    // Backoff counts against the same budget.
    QCOMPARE(waitFor(policy, request, answer(503), after(5, 2000)), qint64(8000));
    QCOMPARE(waitFor(policy, request, answer(503), after(5, 2001)), qint64(-1));
}

void TestRetryPolicy::notFoundOnlyWhenAskedAndForAWhile_data()
{
    QTest::addColumn<Response>("response");
    QTest::newRow("404 of a new object") << answer(404);
    QTest::newRow("400 of a new application's service principal") << replicationAnswer();
}

void TestRetryPolicy::notFoundOnlyWhenAskedAndForAWhile()
{
    QFETCH(Response, response);
    RetryPolicy policy = exactPolicy();
    policy.notFoundWaitMs = 30000;
    Request request = Request::withBody("POST", QStringLiteral("/servicePrincipals"), {});
    // Without Request::retryNotFound the answer is final: the object really is not there.
    QCOMPARE(waitFor(policy, request, response, after(1)), qint64(-1));
    request.retryNotFound = true;
    QCOMPARE(waitFor(policy, request, response, after(1, 0, 200)), qint64(500));
    QCOMPARE(waitFor(policy, request, response, after(3, 1500, 29999)), qint64(2000));
    // Replication takes seconds; after notFoundWaitMs since the first send the object is taken to be missing.
    QCOMPARE(waitFor(policy, request, response, after(4, 3500, 30000)), qint64(-1));
    // The attempts and the total wait bound these retries too.
    policy.maxAttempts = 3;
    QCOMPARE(waitFor(policy, request, response, after(3, 1500, 2000)), qint64(-1));
}

void TestRetryPolicy::finalAnswersAreNotRetried_data()
{
    QTest::addColumn<Response>("response");
    QTest::addColumn<bool>("retryNotFound");
    QTest::newRow("200") << answer(200) << true;
    QTest::newRow("201 with Retry-After") << answer(201, "1") << true;
    QTest::newRow("400") << answer(400) << true;
    QTest::newRow("401") << answer(401) << false;
    QTest::newRow("403 with Retry-After") << answer(403, "1") << false;
    QTest::newRow("409") << answer(409) << true;
    QTest::newRow("410") << answer(410) << false;
    QTest::newRow("424") << answer(424) << false;
    QTest::newRow("500") << answer(500) << false;
    QTest::newRow("502") << answer(502) << false;
    Response otherBadRequest = replicationAnswer();
    otherBadRequest.json = QJsonObject{
        {QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), QStringLiteral("Invalid value")}}}};
    QTest::newRow("400 of another kind") << otherBadRequest << true;
}

void TestRetryPolicy::finalAnswersAreNotRetried()
{
    QFETCH(Response, response);
    QFETCH(bool, retryNotFound);
    const RetryPolicy policy = exactPolicy();
    Request request = Request::get(QStringLiteral("/users"));
    request.retryNotFound = retryNotFound;
    QCOMPARE(waitFor(policy, request, response, after(1)), qint64(-1));
}

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
