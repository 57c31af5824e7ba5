// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphclient.h"

#include "identity/tokenprovider.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSet>
#include <QSslConfiguration>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcGraph, "m365.core.graph")

namespace M365::Graph {

namespace {

constexpr int maxBatchSize = 20;
constexpr int transferTimeoutMs = 120000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isNetworkFailure(const Response &response)
{
    return response.status == 0 && (response.error.isNull() || response.error.code == QLatin1String("network"));
}

/**
 * Whether a request that may meet an object created moments ago (Request::retryNotFound) got the answer of one that
 * has not replicated yet: a 404, or the 400 Graph gives a new application's service principal ("The appId '…' of the
 * service principal does not reference a valid application object.", microsoftgraph/msgraph-sdk-dotnet#3108).
 */
bool notReplicatedYet(const Request &request, int status, const QJsonObject &json)
{
    if (!request.retryNotFound) {
        return false;
    }
    if (status == 404) {
        return true;
    }
    return status == 400
        && json.value(QLatin1String("error"))
               .toObject()
               .value(QLatin1String("message"))
               .toString()
               .contains(QLatin1String("does not reference a valid application object"));
}

} // namespace

bool isTransient(int status)
{
    return status == 429 || status == 503 || status == 504;
}

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

qint64 GraphClient::backoffMs(int attempt) const
{
    const double exponential = double(m_policy.initialBackoffMs) * std::pow(2.0, std::max(0, attempt - 1));
    const double capped = std::min<double>(exponential, double(m_policy.maxBackoffMs));
    // Full jitter in the upper half, so that many clients do not retry in step.
    return qint64(capped * (0.5 + 0.5 * QRandomGenerator::global()->generateDouble()));
}

void GraphClient::noteThrottled(double retryAfterSeconds)
{
    ++m_throttled;
    m_pacer.pauseFor(retryAfterSeconds >= 0 ? retryAfterSeconds : 1.0, nowMs());
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

void GraphClient::sendHttp(QObject *context,
                           const QByteArray &method,
                           const QString &path,
                           const QByteArray &body,
                           const QHash<QByteArray, QByteArray> &headers,
                           int writes,
                           int units,
                           int attempt,
                           std::function<void(QNetworkReply *)> track,
                           ResponseHandler handler)
{
    QPointer<GraphClient> self(this);
    m_tokens->acquire(context, [=](const QString &token, const M365::Error &tokenError) {
        if (!self) {
            return;
        }
        if (!tokenError.isNull()) {
            Response failed;
            failed.error = tokenError;
            failed.attempts = attempt;
            handler(failed);
            return;
        }
        const qint64 wait = m_pacer.reserve(writes, units, nowMs());
        updatePacingState();
        auto fire = [=] {
            if (!self) {
                return;
            }
            QNetworkRequest request(urlFor(path));
            for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
                request.setRawHeader(it.key(), it.value());
            }
            request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
            request.setRawHeader("client-request-id", QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1());
            if (!body.isEmpty() && !headers.contains("Content-Type")) {
                request.setRawHeader("Content-Type", "application/json");
            }
            request.setTransferTimeout(transferTimeoutMs);
            const QList<QSslCertificate> extra = m_tokens->extraCaCertificates();
            if (!extra.isEmpty()) {
                QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
                ssl.addCaCertificates(extra);
                request.setSslConfiguration(ssl);
            }
            QNetworkReply *reply = m_nam->sendCustomRequest(request, method, body);
            track(reply);
            QElapsedTimer timer;
            timer.start();
            connect(reply, &QNetworkReply::finished, context, [=] {
                reply->deleteLater();
                if (!self) {
                    return;
                }
                Response response;
                response.attempts = attempt;
                response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                response.body = reply->readAll();
                response.json = QJsonDocument::fromJson(response.body).object();
                for (const auto &pair : reply->rawHeaderPairs()) {
                    response.headers.insert(pair.first.toLower(), pair.second);
                }
                response.requestId = QString::fromLatin1(response.header("request-id"));
                if (response.status == 0) {
                    const bool tls = reply->error() == QNetworkReply::SslHandshakeFailedError;
                    response.error =
                        M365::Error{tls ? QStringLiteral("network.tls") : QStringLiteral("network"),
                                    tls ? tr("The TLS certificate of %1 is not trusted.").arg(reply->url().host())
                                        : tr("No answer from Microsoft Graph: %1").arg(reply->errorString()),
                                    redactSecrets(reply->errorString()),
                                    {}};
                }
                const QByteArray percentage = response.header("x-ms-throttle-limit-percentage");
                if (!percentage.isEmpty()) {
                    m_pacer.observeLimitPercentage(
                        percentage.toDouble(), writes > 0, nowMs() - timer.elapsed(), nowMs());
                }
                if (response.status == 429) {
                    noteThrottled(parseRetryAfter(response.header("retry-after")));
                }
                m_log.add(
                    {QDateTime::currentDateTimeUtc(),
                     QString::fromLatin1(method),
                     reply->url().toString(),
                     response.status,
                     response.requestId,
                     timer.elapsed(),
                     attempt,
                     response.status == 429
                         ? tr("throttled, Retry-After %1 s").arg(QString::fromLatin1(response.header("retry-after")))
                         : QString()});
                qCDebug(lcGraph) << method << redactSecrets(reply->url().toString()) << response.status
                                 << response.requestId;
                updatePacingState();
                handler(response);
            });
        };
        if (wait > 0) {
            QTimer::singleShot(wait, context, fire);
        } else {
            fire();
        }
    });
}

// ---- RequestJob ---------------------------------------------------------------------------------------------------

RequestJob::RequestJob(GraphClient *client, const Request &request, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_request(request)
{}

void RequestJob::run()
{
    m_sinceStart.start();
    attempt();
}

void RequestJob::onCancel()
{
    if (m_reply) {
        m_reply->abort();
    }
}

void RequestJob::attempt()
{
    if (!m_client) {
        fail(M365::Error::cancelled(tr("The connection was closed.")));
        return;
    }
    ++m_attempt;
    const QByteArray body =
        m_request.hasBody ? QJsonDocument(m_request.body).toJson(QJsonDocument::Compact) : QByteArray();
    m_client->sendHttp(
        this,
        m_request.method,
        m_request.path,
        body,
        m_request.headers,
        m_request.isWrite() ? 1 : 0,
        1,
        m_attempt,
        [this](QNetworkReply *reply) {
            m_reply = reply;
        },
        [this](const Response &response) {
            onResponse(response);
        });
}

void RequestJob::onResponse(const Response &response)
{
    m_response = response;
    const RetryPolicy policy = m_client ? m_client->retryPolicy() : RetryPolicy{};
    if (response.status == 401 && !m_tokenRetried && m_client) {
        // The token may have expired in flight or been revoked: one fresh token, one more try.
        m_tokenRetried = true;
        m_client->tokenProvider()->invalidate();
        attempt();
        return;
    }
    const bool notYetReplicated =
        notReplicatedYet(m_request, response.status, response.json) && m_sinceStart.elapsed() < policy.notFoundWaitMs;
    if ((isTransient(response.status) || isNetworkFailure(response) || notYetReplicated)
        && m_attempt < policy.maxAttempts && m_client) {
        const double retryAfter = parseRetryAfter(response.header("retry-after"));
        const qint64 wait = retryAfter >= 0 ? qint64(std::ceil(retryAfter * 1000)) : m_client->backoffMs(m_attempt);
        if (m_waitedMs + wait <= policy.maxTotalWaitMs) {
            m_waitedMs += wait;
            QTimer::singleShot(wait, this, &RequestJob::attempt);
            return;
        }
    }
    if (response.ok()) {
        succeed();
        return;
    }
    if (m_response.error.isNull()) {
        m_response.error = errorFromResponse(response.status, response.json, response.requestId);
    }
    fail(m_response.error);
}

// ---- PagedJob -----------------------------------------------------------------------------------------------------

PagedJob::PagedJob(GraphClient *client, const Request &first, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_first(first)
{}

void PagedJob::run()
{
    fetch(m_first);
}

void PagedJob::onCancel()
{
    if (m_current) {
        m_current->cancel();
    }
}

void PagedJob::fetch(const Request &request)
{
    if (!m_client) {
        fail(M365::Error::cancelled(tr("The connection was closed.")));
        return;
    }
    m_current = new RequestJob(m_client, request, this);
    connect(m_current, &Job::finished, this, [this, request](M365::Job *job) {
        auto *requestJob = static_cast<RequestJob *>(job);
        requestJob->deleteLater();
        if (requestJob->hasError()) {
            m_failedStatus = requestJob->response().status;
            fail(requestJob->error());
            return;
        }
        const CollectionPage page = CollectionPage::fromJson(requestJob->response().json);
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
            next.headers = request.headers;
            fetch(next);
            return;
        }
        m_deltaLink = page.deltaLink;
        succeed();
    });
    m_current->start();
}

// ---- BatchJob -----------------------------------------------------------------------------------------------------

BatchJob::BatchJob(GraphClient *client, const QList<Request> &requests, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_requests(requests)
{}

void BatchJob::run()
{
    const int n = m_requests.size();
    m_responses.assign(n, Response{});
    m_done.assign(n, false);
    m_attempts.assign(n, 0);
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
    m_sinceStart.start();
    sendNextChunk();
}

void BatchJob::onCancel()
{
    if (m_reply) {
        m_reply->abort();
    }
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

bool BatchJob::dependencyPending(int index) const
{
    for (const QString &dependency : m_requests[index].dependsOn) {
        const int j = m_indexById.value(dependency, -1);
        if (j >= 0 && !m_done[j]) {
            return true;
        }
    }
    return false;
}

void BatchJob::complete(int index, Response response)
{
    if (!response.ok() && response.error.isNull()) {
        response.error = errorFromResponse(response.status, response.json, response.requestId);
    }
    response.attempts = m_attempts[index];
    m_responses[index] = response;
    m_done[index] = true;
    Q_EMIT requestDone(index, m_responses[index]);
}

void BatchJob::sendNextChunk()
{
    if (!m_client) {
        fail(M365::Error::cancelled(tr("The connection was closed.")));
        return;
    }
    // Dependents of failed requests fail without being sent, as Graph would answer them (424).
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
    if (chunk.isEmpty()) {
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

    const QString graphRoot = m_client->endpoints().graphUrl(QStringLiteral("/")).toString();
    QJsonArray requests;
    int writes = 0;
    for (int i : chunk) {
        const Request &request = m_requests[i];
        QString url = request.path;
        if (url.startsWith(graphRoot)) {
            url = url.mid(graphRoot.size() - 1);
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
        writes += request.isWrite() ? 1 : 0;
        ++m_attempts[i];
    }
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("requests"), requests}}).toJson(QJsonDocument::Compact);
    m_client->sendHttp(
        this,
        "POST",
        QStringLiteral("/$batch"),
        body,
        {{"Content-Type", "application/json"}},
        writes,
        chunk.size(),
        m_batchesSent + 1,
        [this](QNetworkReply *reply) {
            m_reply = reply;
        },
        [this, chunk](const Response &response) {
            onBatchResponse(chunk, response);
        });
}

void BatchJob::onBatchResponse(const QList<int> &chunk, const Response &response)
{
    ++m_batchesSent;
    const RetryPolicy policy = m_client ? m_client->retryPolicy() : RetryPolicy{};
    const auto retryLater = [this, &policy](qint64 wait) {
        if (m_waitedMs + wait > policy.maxTotalWaitMs) {
            return false;
        }
        m_waitedMs += wait;
        QTimer::singleShot(wait, this, &BatchJob::sendNextChunk);
        return true;
    };

    if (!response.ok()) {
        // The whole batch failed: transient failures are sent again, anything else is every request's answer.
        if ((isTransient(response.status) || isNetworkFailure(response) || response.status == 401) && m_client) {
            if (response.status == 401) {
                m_client->tokenProvider()->invalidate();
            }
            const double retryAfter = parseRetryAfter(response.header("retry-after"));
            const qint64 wait =
                retryAfter >= 0 ? qint64(std::ceil(retryAfter * 1000)) : m_client->backoffMs(++m_backoffMs);
            const bool underLimit = std::all_of(chunk.begin(), chunk.end(), [this, &policy](int i) {
                return m_attempts[i] < policy.maxAttempts;
            });
            if (underLimit && retryLater(wait)) {
                return;
            }
        }
        for (int i : chunk) {
            complete(i, response);
        }
        QTimer::singleShot(0, this, &BatchJob::sendNextChunk);
        return;
    }

    const QHash<QString, Response> answers = parseBatchResponses(response.json);
    QSet<QString> retrying;
    double longestRetryAfter = -1;
    for (int i : chunk) {
        const Request &request = m_requests[i];
        Response sub = answers.value(request.id);
        if (sub.requestId.isEmpty()) {
            sub.requestId = response.requestId;
        }
        if (!answers.contains(request.id)) {
            sub.error = M365::Error{QStringLiteral("batch.missingResponse"),
                                    tr("Microsoft Graph did not answer this request of the batch."),
                                    {},
                                    response.requestId};
        }
        bool dependsOnRetry = false;
        for (const QString &dependency : request.dependsOn) {
            dependsOnRetry |= retrying.contains(dependency);
        }
        const bool notYetReplicated =
            notReplicatedYet(request, sub.status, sub.json) && m_sinceStart.elapsed() < policy.notFoundWaitMs;
        const bool retry = isTransient(sub.status) || (sub.status == 424 && dependsOnRetry) || notYetReplicated;
        if (retry && m_attempts[i] < policy.maxAttempts) {
            retrying.insert(request.id);
            const double retryAfter = parseRetryAfter(sub.header("retry-after"));
            longestRetryAfter = std::max(longestRetryAfter, retryAfter);
            if (sub.status == 429 && m_client) {
                m_client->noteThrottled(retryAfter);
            }
            continue;
        }
        complete(i, sub);
    }
    if (!retrying.isEmpty() && m_client) {
        const qint64 wait =
            longestRetryAfter >= 0 ? qint64(std::ceil(longestRetryAfter * 1000)) : m_client->backoffMs(++m_backoffMs);
        if (!retryLater(wait)) {
            for (int i : chunk) {
                if (!m_done[i]) {
                    Response gaveUp;
                    gaveUp.status = 429;
                    gaveUp.error = errorFromResponse(429, {}, {});
                    complete(i, gaveUp);
                }
            }
            QTimer::singleShot(0, this, &BatchJob::sendNextChunk);
        }
        return;
    }
    QTimer::singleShot(0, this, &BatchJob::sendNextChunk);
}

} // namespace M365::Graph
