// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphclient.h"

#include <QDateTime>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <chrono>

namespace M365::Graph {

namespace {

constexpr int maxBatchSize = 20;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

// ---- GraphClient --------------------------------------------------------------------------------------------------

GraphClient::GraphClient(QNetworkAccessManager *nam,
                         const Identity::CloudEndpoints &endpoints,
                         Identity::TokenProvider *tokens,
                         QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_endpoints(endpoints)
    , m_tokens(tokens)
{}

RequestJob *GraphClient::send(const Request &request)
{
    return new RequestJob(this, request);
}

PagedJob *GraphClient::getAll(const QString &path)
{
    return new PagedJob(this, Request::get(path));
}

BatchJob *GraphClient::batch(const QList<Request> &requests)
{
    return new BatchJob(this, requests);
}

QUrl GraphClient::urlFor(const QString &path) const
{
    if (path.startsWith(QLatin1String("https://")) || path.startsWith(QLatin1String("http://"))) {
        return QUrl(path, QUrl::TolerantMode);
    }
    return m_endpoints.graphUrl(path);
}

qint64 GraphClient::reservePacing(int writes, int resourceUnits, qint64 *scheduledAtMs)
{
    const qint64 now = nowMs();
    const qint64 wait = m_pacer.reserve(writes, resourceUnits, now);
    if (scheduledAtMs) {
        *scheduledAtMs = now + wait;
    }
    updatePacingState();
    return wait;
}

void GraphClient::correctPacing(qint64 scheduledAtMs, int reserved, int used)
{
    m_pacer.correctResourceUnits(scheduledAtMs, reserved, used);
}

void GraphClient::releasePacing(int writes, int resourceUnits)
{
    m_pacer.release(writes, resourceUnits);
    updatePacingState();
}

void GraphClient::observeAnswer(const Response &answer, qint64 sentAtMs)
{
    // Of a $batch only the envelope's, as before. Its sub-answers carry their own, but where our budget is larger than
    // the service's (a time-scaled sandbox) each would read as others' use and hold us at a tenth for a whole window.
    const QByteArray percentage = answer.header("x-ms-throttle-limit-percentage");
    if (!percentage.isEmpty()) {
        m_pacer.observeLimitPercentage(percentage.toDouble(), sentAtMs, nowMs());
    }
    if (answer.status == 429) {
        noteThrottled(answer);
    }
    updatePacingState();
}

void GraphClient::noteThrottled(const Response &throttled)
{
    ++m_throttled;
    const double retryAfter = parseRetryAfter(throttled.header("retry-after"));
    m_pacer.pauseFor(retryAfter >= 0 ? retryAfter : 1.0, nowMs());
    updatePacingState();
}

void GraphClient::updatePacingState()
{
    const bool slowed = m_pacer.isSlowed(nowMs());
    if (slowed != m_slowed) {
        m_slowed = slowed;
        Q_EMIT pacingChanged(slowed);
    }
}

// ---- RequestJob ---------------------------------------------------------------------------------------------------

RequestJob::RequestJob(GraphClient *client, const Request &request, QObject *parent)
    : NetworkJob(client, parent)
    , m_request(request)
{}

void RequestJob::run()
{
    // Reserved at the documented cost; the answer's x-ms-resource-unit corrects it.
    const Pacer::Cost cost = Pacer::costOf(m_request.method, m_request.path);
    sendRequest(m_request, cost.writes, cost.resourceUnits);
}

void RequestJob::onAnswer(const Response &answer, const RetryState &)
{
    m_response = answer;
    if (answer.ok()) {
        succeed();
        return;
    }
    m_response.error = errorOf(answer);
    fail(m_response.error);
}

// ---- PagedJob -----------------------------------------------------------------------------------------------------

PagedJob::PagedJob(GraphClient *client, const Request &first, QObject *parent)
    : NetworkJob(client, parent)
    , m_first(first)
{}

void PagedJob::run()
{
    // Pages are reads: their documented cost each (GET /users 2, one less with $select, …), no write.
    const Pacer::Cost cost = Pacer::costOf(m_first.method, m_first.path);
    sendRequest(m_first, cost.writes, cost.resourceUnits);
}

void PagedJob::onAnswer(const Response &answer, const RetryState &)
{
    if (!answer.ok()) {
        m_failedStatus = answer.status;
        fail(errorOf(answer));
        return;
    }
    const CollectionPage page = CollectionPage::fromJson(answer.json);
    ++m_pages;
    if (page.count >= 0) {
        m_count = page.count;
    }
    if (m_collect) {
        for (const auto &item : page.value) {
            m_items.append(item);
        }
    }
    Q_EMIT this->page(page.value);
    if (!page.nextLink.isEmpty()) {
        Request next = Request::get(page.nextLink);
        next.headers = m_first.headers;
        // The nextLink carries the query options of the first request (a $select, a $top) with its skip token.
        const Pacer::Cost cost = Pacer::costOf(next.method, next.path);
        sendRequest(next, cost.writes, cost.resourceUnits);
        return;
    }
    m_deltaLink = page.deltaLink;
    succeed();
}

// ---- BatchJob -----------------------------------------------------------------------------------------------------

BatchJob::BatchJob(GraphClient *client, const QList<Request> &requests, QObject *parent)
    : NetworkJob(client, parent)
    , m_requests(requests)
    , m_graphRoot(client ? client->endpoints().graphUrl(QStringLiteral("/")).toString() : QString())
{}

void BatchJob::run()
{
    const int n = m_requests.size();
    m_responses.assign(n, Response{});
    m_done.assign(n, false);
    m_retries.assign(n, RetryState{});
    m_sinceFirstSent.assign(n, QElapsedTimer{});
    for (int i = 0; i < n; ++i) {
        if (m_requests[i].id.isEmpty()) {
            m_requests[i].id = QString::number(i + 1);
        }
        if (m_indexById.contains(m_requests[i].id)) {
            fail(M365::Error{QStringLiteral("batch.duplicateId"),
                             tr("Two requests of a batch have the same id \"%1\".").arg(m_requests[i].id),
                             {},
                             {}});
            return;
        }
        m_indexById.insert(m_requests[i].id, i);
    }
    sendNextChunk();
}

bool BatchJob::dependencyFailed(int index) const
{
    for (const QString &dependency : m_requests[index].dependsOn) {
        const int j = m_indexById.value(dependency, -1);
        if (j < 0 || (m_done[j] && !m_responses[j].ok())) {
            return true;
        }
    }
    return false;
}

void BatchJob::complete(int index, Response response)
{
    if (!response.ok()) {
        response.error = errorOf(response);
    }
    response.attempts = m_retries[index].attempts;
    m_responses[index] = response;
    m_done[index] = true;
    Q_EMIT requestDone(index, m_responses[index]);
}

void BatchJob::failDependentsOfFailures()
{
    // As Graph would answer them (424), without sending them; a failure can make the dependents of a dependent fail.
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < int(m_requests.size()); ++i) {
            if (!m_done[i] && dependencyFailed(i)) {
                Response failed;
                failed.status = 424;
                failed.error = M365::Error{
                    QStringLiteral("FailedDependency"), tr("Not done because a request it depends on failed."), {}, {}};
                complete(i, failed);
                changed = true;
            }
        }
    }
}

QList<int> BatchJob::nextChunk() const
{
    // Up to 20 open requests in input order whose dependencies are done or go in the same $batch before them.
    QList<int> chunk;
    QSet<QString> inChunk;
    for (int i = 0; i < int(m_requests.size()) && chunk.size() < maxBatchSize; ++i) {
        if (m_done[i]) {
            continue;
        }
        bool ready = true;
        for (const QString &dependency : m_requests[i].dependsOn) {
            const int j = m_indexById.value(dependency);
            ready &= m_done[j] || inChunk.contains(dependency);
        }
        if (ready) {
            chunk.append(i);
            inChunk.insert(m_requests[i].id);
        }
    }
    return chunk;
}

Request BatchJob::batchRequest(const QList<int> &chunk) const
{
    QSet<QString> inChunk;
    for (int i : chunk) {
        inChunk.insert(m_requests[i].id);
    }
    QJsonArray requests;
    for (int i : chunk) {
        const Request &request = m_requests[i];
        QString url = request.path;
        if (url.startsWith(m_graphRoot)) {
            url = url.mid(m_graphRoot.size() - 1);
        }
        QJsonObject item{{QStringLiteral("id"), request.id},
                         {QStringLiteral("method"), QString::fromLatin1(request.method)},
                         {QStringLiteral("url"), url}};
        QJsonObject headers;
        for (auto it = request.headers.cbegin(); it != request.headers.cend(); ++it) {
            headers.insert(QString::fromLatin1(it.key()), QString::fromUtf8(it.value()));
        }
        if (request.hasBody) {
            item.insert(QStringLiteral("body"), request.body);
            if (!headers.contains(QLatin1String("Content-Type"))) {
                headers.insert(QStringLiteral("Content-Type"), QStringLiteral("application/json"));
            }
        }
        if (!headers.isEmpty()) {
            item.insert(QStringLiteral("headers"), headers);
        }
        // Dependencies answered in an earlier $batch are met already; Graph only knows the ids of this one.
        QJsonArray dependsOn;
        for (const QString &dependency : request.dependsOn) {
            if (inChunk.contains(dependency)) {
                dependsOn.append(dependency);
            }
        }
        if (!dependsOn.isEmpty()) {
            item.insert(QStringLiteral("dependsOn"), dependsOn);
        }
        requests.append(item);
    }
    return Request::withBody("POST", QStringLiteral("/$batch"), QJsonObject{{QStringLiteral("requests"), requests}});
}

void BatchJob::sendNextChunk()
{
    if (isFinished()) {
        return;
    }
    failDependentsOfFailures();
    m_chunk = nextChunk();
    if (m_chunk.isEmpty()) {
        if (std::all_of(m_done.begin(), m_done.end(), [](bool done) {
                return done;
            })) {
            succeed();
        } else {
            fail(M365::Error{QStringLiteral("batch.cycle"),
                             tr("The requests of a batch depend on each other in a circle."),
                             {},
                             {}});
        }
        return;
    }
    // The $batch request carries the retries of the furthest of its requests, so that none is sent more often or
    // waits longer than the policy allows when the whole $batch has to be sent again.
    m_chunkHistory = RetryState{};
    m_chunkUnits.clear();
    int writes = 0;
    int units = 0;
    for (int i : std::as_const(m_chunk)) {
        if (!m_sinceFirstSent[i].isValid()) {
            m_sinceFirstSent[i].start();
        }
        m_chunkHistory.attempts = std::max(m_chunkHistory.attempts, m_retries[i].attempts);
        m_chunkHistory.waitedMs = std::max(m_chunkHistory.waitedMs, m_retries[i].waitedMs);
        m_chunkHistory.elapsedMs = std::max(m_chunkHistory.elapsedMs, m_sinceFirstSent[i].elapsed());
        // Graph evaluates the requests of a $batch one by one against the limits (microsoft-graph-docs-contrib
        // concepts/json-batching.md, "Batch size limitations"): the $batch costs what its requests cost.
        const Pacer::Cost cost = Pacer::costOf(m_requests[i].method, m_requests[i].path);
        writes += cost.writes;
        units += cost.resourceUnits;
        m_chunkUnits.append({m_requests[i].id, cost.resourceUnits});
    }
    sendRequest(batchRequest(m_chunk), writes, units, m_chunkHistory);
}

int BatchJob::resourceUnitsUsed(const Response &answer) const
{
    // Each sub-answer says what its request cost; a $batch that failed as a whole keeps the estimate (or its header).
    if (!answer.ok()) {
        return NetworkJob::resourceUnitsUsed(answer);
    }
    return Pacer::resourceUnitsOfBatch(parseBatchResponses(answer.json), m_chunkUnits);
}

void BatchJob::onAnswer(const Response &answer, const RetryState &retries)
{
    // Every request of the $batch went with each of its attempts and waited with it.
    const int sent = retries.attempts - m_chunkHistory.attempts;
    m_batchesSent += sent;
    for (int i : std::as_const(m_chunk)) {
        m_retries[i].attempts += sent;
        m_retries[i].waitedMs += retries.waitedMs - m_chunkHistory.waitedMs;
    }
    if (!answer.ok()) {
        // The $batch itself failed for good: that is every one of its requests' answer.
        for (int i : std::as_const(m_chunk)) {
            complete(i, answer);
        }
        QTimer::singleShot(0, this, &BatchJob::sendNextChunk);
        return;
    }
    onSubAnswers(answer);
}

void BatchJob::onSubAnswers(const Response &answer)
{
    const QHash<QString, Response> answers = parseBatchResponses(answer.json);
    const RetryPolicy policy = retryPolicy();
    QSet<QString> again;
    qint64 wait = 0;
    for (int i : std::as_const(m_chunk)) {
        const Request &request = m_requests[i];
        Response sub = answers.value(request.id);
        if (sub.requestId.isEmpty()) {
            sub.requestId = answer.requestId;
        }
        if (sub.status == 0) {
            sub.error = M365::Error{QStringLiteral("batch.missingResponse"),
                                    tr("Microsoft Graph did not answer this request of the batch."),
                                    {},
                                    answer.requestId};
        }
        if (sub.status == 429 && client()) {
            client()->noteThrottled(sub);
        }
        m_responses[i] = sub;
        RetryState state = m_retries[i];
        state.elapsedMs = m_sinceFirstSent[i].elapsed();
        const std::optional<qint64> ownWait = policy.retryWaitMs(request, sub, state);
        // Graph did not run a dependent whose dependency is sent again (424): it goes again with it.
        const bool followsDependency = sub.status == 424
            && std::any_of(request.dependsOn.cbegin(), request.dependsOn.cend(), [&again](const QString &id) {
                                           return again.contains(id);
                                       });
        if (ownWait || followsDependency) {
            again.insert(request.id);
            wait = std::max(wait, ownWait.value_or(0));
            continue;
        }
        complete(i, sub);
    }
    // Sent again together, so each waits as long as the longest Retry-After or backoff among them.
    for (int i : std::as_const(m_chunk)) {
        if (!m_done[i]) {
            m_retries[i].waitedMs += wait;
        }
    }
    QTimer::singleShot(std::chrono::milliseconds(wait), this, &BatchJob::sendNextChunk);
}

} // namespace M365::Graph
