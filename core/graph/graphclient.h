// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphtypes.h"
#include "graph/networkjob.h"
#include "graph/pacer.h"
#include "graph/requestlog.h"
#include "graph/retrypolicy.h"
#include "identity/cloudendpoints.h"

#include <QElapsedTimer>
#include <QObject>

#include <vector>

class QNetworkAccessManager;

namespace M365::Identity {
class TokenProvider;
}

namespace M365::Graph {

class GraphClient;

/// One Graph request, sent and retried as NetworkJob does; response() holds the last answer, also after a failure.
class RequestJob : public NetworkJob
{
    Q_OBJECT

public:
    RequestJob(GraphClient *client, const Request &request, QObject *parent = nullptr);
    const Response &response() const { return m_response; }

protected:
    void run() override;
    void onAnswer(const Response &answer, const RetryState &retries) override;

private:
    Request m_request;
    Response m_response;
};

/// GET of a collection that follows @odata.nextLink to the end; emits each page as it arrives.
class PagedJob : public NetworkJob
{
    Q_OBJECT

public:
    PagedJob(GraphClient *client, const Request &first, QObject *parent = nullptr);
    /// Keep every item in items() (default); switch off for very large reads that consume page().
    void setCollectItems(bool collect) { m_collect = collect; }
    const QJsonArray &items() const { return m_items; }
    QString deltaLink() const { return m_deltaLink; }
    qint64 count() const { return m_count; }
    int pages() const { return m_pages; }
    /// The status of the last failed page (e.g. 410 for an expired delta token).
    int failedStatus() const { return m_failedStatus; }

Q_SIGNALS:
    void page(const QJsonArray &items);

protected:
    void run() override;
    void onAnswer(const Response &answer, const RetryState &retries) override;

private:
    Request m_first;
    QJsonArray m_items;
    QString m_deltaLink;
    qint64 m_count = -1;
    int m_pages = 0;
    int m_failedStatus = 0;
    bool m_collect = true;
};

/*
 * JSON batching: any number of requests, sent 20 at a time as Graph allows, answers returned in the order of the
 * input. dependsOn is kept inside a chunk and resolved across chunks (a dependent of a failed request gets 424
 * without being sent). Sub-requests whose answer the RetryPolicy finds worth another try (429/503/504, replication
 * lag) are sent again in a later $batch, with the dependents Graph did not run because of them.
 */
class BatchJob : public NetworkJob
{
    Q_OBJECT

public:
    BatchJob(GraphClient *client, const QList<Request> &requests, QObject *parent = nullptr);
    /// One answer per input request, same order.
    const std::vector<Response> &responses() const { return m_responses; }
    /// $batch requests sent over HTTP, retries included.
    int batchesSent() const { return m_batchesSent; }

Q_SIGNALS:
    /// A request got its final answer (index into the input).
    void requestDone(int index, const M365::Graph::Response &response);

protected:
    void run() override;
    void onAnswer(const Response &answer, const RetryState &retries) override;

    int resourceUnitsUsed(const Response &answer) const override;

private:
    void sendNextChunk();
    void failDependentsOfFailures();
    QList<int> nextChunk() const;
    Request batchRequest(const QList<int> &chunk) const;
    void onSubAnswers(const Response &answer);
    void complete(int index, Response response);
    bool dependencyFailed(int index) const;

    QList<Request> m_requests;
    QString m_graphRoot;
    QHash<QString, int> m_indexById;
    std::vector<Response> m_responses; ///< the final answer once m_done, else the last one
    std::vector<bool> m_done;
    std::vector<RetryState> m_retries; ///< per request, across the $batch requests that carried it
    std::vector<QElapsedTimer> m_sinceFirstSent;
    QList<int> m_chunk; ///< the requests of the $batch in flight
    QList<QPair<QString, int>> m_chunkUnits; ///< their ids and estimated resource units
    RetryState m_chunkHistory; ///< where their retries stood when it was sent
    int m_batchesSent = 0;
};

/*
 * The engine's door to Microsoft Graph: one QNetworkAccessManager, base URLs injected through CloudEndpoints, tokens
 * from a TokenProvider, a Pacer shared by every request, and a RequestLog the GUI can show. Jobs it creates follow
 * STYLE.md's contract; none blocks.
 */
class GraphClient : public QObject
{
    Q_OBJECT

public:
    GraphClient(QNetworkAccessManager *nam,
                const Identity::CloudEndpoints &endpoints,
                Identity::TokenProvider *tokens,
                QObject *parent = nullptr);

    RequestJob *send(const Request &request);
    PagedJob *getAll(const QString &path);
    BatchJob *batch(const QList<Request> &requests);

    Pacer &pacer() { return m_pacer; }
    RequestLog *requestLog() { return &m_log; }
    void setRetryPolicy(const RetryPolicy &policy) { m_policy = policy; }
    RetryPolicy retryPolicy() const { return m_policy; }
    const Identity::CloudEndpoints &endpoints() const { return m_endpoints; }
    Identity::TokenProvider *tokenProvider() const { return m_tokens; }
    QNetworkAccessManager *networkAccessManager() const { return m_nam; }
    /// The absolute URL for a request path (or the path itself when it is already absolute).
    QUrl urlFor(const QString &path) const;

    /// Requests that got 429 since the client was created (for the GUI's pacing indicator and benchmarks).
    int throttledCount() const { return m_throttled; }

    // The pacing every job shares, as NetworkJob and BatchJob report to it.

    /// Reserves @p writes writes and @p resourceUnits resource units; returns the milliseconds to wait before sending.
    /// @p scheduledAtMs receives the time the reservation is booked at, for correctPacing().
    qint64 reservePacing(int writes, int resourceUnits, qint64 *scheduledAtMs = nullptr);
    /// Gives back a reservation that was never sent.
    void releasePacing(int writes, int resourceUnits);
    /// The request booked at @p scheduledAtMs with @p reserved resource units cost @p used (its answer's
    /// x-ms-resource-unit, summed over the sub-requests of a $batch).
    void correctPacing(qint64 scheduledAtMs, int reserved, int used);
    /// What the answer to a request sent at @p sentAtMs says about Graph's budgets: a 429 (see noteThrottled()), and
    /// x-ms-throttle-limit-percentage, the share of one of this application's limits in use, which may tell of
    /// someone else spending it.
    void observeAnswer(const Response &answer, qint64 sentAtMs);
    /// A request or a $batch sub-request was throttled: nothing goes out before its Retry-After has passed.
    void noteThrottled(const Response &throttled);

Q_SIGNALS:
    /// Pacing state changed: true while requests are held back to stay within Microsoft's budgets.
    void pacingChanged(bool slowed);

private:
    void updatePacingState();

    QNetworkAccessManager *m_nam;
    Identity::CloudEndpoints m_endpoints;
    Identity::TokenProvider *m_tokens;
    Pacer m_pacer;
    RequestLog m_log;
    RetryPolicy m_policy;
    int m_throttled = 0;
    bool m_slowed = false;
};

} // namespace M365::Graph
