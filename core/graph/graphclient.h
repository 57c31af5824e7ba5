// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphtypes.h"
#include "graph/pacer.h"
#include "graph/requestlog.h"
#include "identity/cloudendpoints.h"
#include "job.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <functional>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace M365::Identity {
class TokenProvider;
}

namespace M365::Graph {

class GraphClient;

/// How long and how often failed requests are tried again.
struct RetryPolicy
{
    int maxAttempts = 12; ///< per request, including the first
    qint64 maxTotalWaitMs = 10 * 60 * 1000; ///< waiting for Retry-After or backoff, per request
    qint64 notFoundWaitMs = 30 * 1000; ///< how long a 404 on a just-created object is retried
    qint64 initialBackoffMs = 500;
    qint64 maxBackoffMs = 30 * 1000;
};

/// One Graph request with retries (429/503/504, connection resets, a stale token, replication lag) and pacing.
class RequestJob : public M365::Job
{
    Q_OBJECT

public:
    RequestJob(GraphClient *client, const Request &request, QObject *parent = nullptr);
    const Response &response() const { return m_response; }

protected:
    void run() override;
    void onCancel() override;

private:
    void attempt();
    void onResponse(const Response &response);

    QPointer<GraphClient> m_client;
    Request m_request;
    Response m_response;
    int m_attempt = 0;
    qint64 m_waitedMs = 0;
    bool m_tokenRetried = false;
    QElapsedTimer m_sinceStart;
    QPointer<QNetworkReply> m_reply;
};

/// GET of a collection that follows @odata.nextLink to the end; emits each page as it arrives.
class PagedJob : public M365::Job
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
    void onCancel() override;

private:
    void fetch(const Request &request);

    QPointer<GraphClient> m_client;
    Request m_first;
    QPointer<RequestJob> m_current;
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
 * without being sent). Sub-requests answered 429/503/504 are sent again after their Retry-After, on their own.
 */
class BatchJob : public M365::Job
{
    Q_OBJECT

public:
    BatchJob(GraphClient *client, const QList<Request> &requests, QObject *parent = nullptr);
    /// One answer per input request, same order.
    const std::vector<Response> &responses() const { return m_responses; }
    int batchesSent() const { return m_batchesSent; }

Q_SIGNALS:
    /// A request got its final answer (index into the input).
    void requestDone(int index, const M365::Graph::Response &response);

protected:
    void run() override;
    void onCancel() override;

private:
    void sendNextChunk();
    void onBatchResponse(const QList<int> &chunk, const Response &response);
    void complete(int index, Response response);
    bool dependencyFailed(int index) const;
    bool dependencyPending(int index) const;

    QPointer<GraphClient> m_client;
    QList<Request> m_requests;
    std::vector<Response> m_responses;
    std::vector<bool> m_done;
    std::vector<int> m_attempts;
    QHash<QString, int> m_indexById;
    qint64 m_waitedMs = 0;
    qint64 m_backoffMs = 0;
    int m_batchesSent = 0;
    QPointer<QNetworkReply> m_reply;
    QElapsedTimer m_sinceStart;
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
    /// The absolute URL for a request path (or the path itself when it is already absolute).
    QUrl urlFor(const QString &path) const;

    /// Requests that got 429 since the client was created (for the GUI's pacing indicator and benchmarks).
    int throttledCount() const { return m_throttled; }

Q_SIGNALS:
    /// Pacing state changed: true while requests are held back to stay within Microsoft's budgets.
    void pacingChanged(bool slowed);

private:
    friend class RequestJob;
    friend class BatchJob;
    friend class PagedJob;

    using ResponseHandler = std::function<void(const Response &)>;
    /// Acquires a token, waits for the pacer, sends, parses; @p writes and @p units are what the request costs.
    /// Returns nothing; @p track receives the reply once it is sent so the caller can abort it.
    void sendHttp(QObject *context,
                  const QByteArray &method,
                  const QString &path,
                  const QByteArray &body,
                  const QHash<QByteArray, QByteArray> &headers,
                  int writes,
                  int units,
                  int attempt,
                  std::function<void(QNetworkReply *)> track,
                  ResponseHandler handler);
    qint64 backoffMs(int attempt) const;
    void noteThrottled(double retryAfterSeconds);
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

/// True for answers worth sending again unchanged: throttling, unavailable, gateway timeout, no answer at all.
bool isTransient(int status);

} // namespace M365::Graph
