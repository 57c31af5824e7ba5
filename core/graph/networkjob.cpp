// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "networkjob.h"

#include "graph/graphclient.h"
#include "identity/tokenprovider.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QUuid>

#include <chrono>

Q_LOGGING_CATEGORY(lcGraph, "m365.core.graph")

namespace M365::Graph {

namespace {

/// Per attempt: a reply that has not moved for this long is aborted and counts as no answer, which is retried.
constexpr int transferTimeoutMs = 120000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

NetworkJob::NetworkJob(GraphClient *client, QObject *parent)
    : Job(parent)
    , m_client(client)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_stage == Stage::Pacing) {
            sendNow();
        } else if (m_stage == Stage::RetryWait) {
            attempt();
        }
    });
}

NetworkJob::~NetworkJob()
{
    abandon();
}

RetryPolicy NetworkJob::retryPolicy() const
{
    return m_client ? m_client->retryPolicy() : RetryPolicy{};
}

int NetworkJob::resourceUnitsUsed(const Response &answer) const
{
    return Pacer::resourceUnitsOf(answer, m_resourceUnits);
}

M365::Error NetworkJob::errorOf(const Response &answer)
{
    return answer.error.isNull() ? errorFromResponse(answer.status, answer.json, answer.requestId) : answer.error;
}

void NetworkJob::sendRequest(const Request &request, int writes, int resourceUnits, const RetryState &history)
{
    Q_ASSERT(m_stage == Stage::Idle);
    if (isFinished()) {
        return;
    }
    m_request = request;
    m_writes = writes;
    m_resourceUnits = resourceUnits;
    m_retries = history;
    m_elapsedBefore = history.elapsedMs;
    m_sinceFirstSend.start();
    m_tokenRenewed = false;
    attempt();
}

void NetworkJob::onCancel()
{
    abandon();
}

void NetworkJob::abandon()
{
    m_timer.stop();
    if (m_stage == Stage::Pacing && m_client) {
        m_client->releasePacing(m_writes, m_resourceUnits);
    }
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    m_token.clear();
    m_stage = Stage::Idle;
}

bool NetworkJob::clientGone()
{
    if (m_client) {
        return false;
    }
    m_stage = Stage::Idle;
    fail(M365::Error::cancelled(tr("The connection was closed.")));
    return true;
}

void NetworkJob::attempt()
{
    if (clientGone()) {
        return;
    }
    ++m_retries.attempts;
    m_stage = Stage::Token;
    m_client->tokenProvider()->acquire(this, [this](const QString &token, const M365::Error &error) {
        onToken(token, error);
    });
}

void NetworkJob::onToken(const QString &token, const M365::Error &error)
{
    if (m_stage != Stage::Token) {
        return; // cancelled meanwhile
    }
    if (clientGone()) {
        return;
    }
    if (!error.isNull()) {
        // An answer like any other to the retry policy: the token endpoint not answering is worth another try.
        m_stage = Stage::Idle;
        Response failed;
        failed.error = error;
        failed.attempts = m_retries.attempts;
        onAttemptAnswered(failed);
        return;
    }
    m_token = token;
    m_stage = Stage::Pacing;
    const qint64 wait = m_client->reservePacing(m_writes, m_resourceUnits, &m_scheduledAtMs);
    if (wait > 0) {
        m_timer.start(std::chrono::milliseconds(wait));
    } else {
        sendNow();
    }
}

void NetworkJob::sendNow()
{
    if (clientGone()) {
        return;
    }
    QNetworkRequest request(m_client->urlFor(m_request.path));
    for (auto it = m_request.headers.cbegin(); it != m_request.headers.cend(); ++it) {
        request.setRawHeader(it.key(), it.value());
    }
    request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    m_token.clear();
    request.setRawHeader("client-request-id", QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1());
    const QByteArray body =
        m_request.hasBody ? QJsonDocument(m_request.body).toJson(QJsonDocument::Compact) : QByteArray();
    if (!body.isEmpty() && !m_request.headers.contains("Content-Type")) {
        request.setRawHeader("Content-Type", "application/json");
    }
    request.setTransferTimeout(transferTimeoutMs);
    const QList<QSslCertificate> extra = m_client->tokenProvider()->extraCaCertificates();
    if (!extra.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(extra);
        request.setSslConfiguration(ssl);
    }
    m_stage = Stage::InFlight;
    m_sinceSent.start();
    QNetworkReply *reply = m_client->networkAccessManager()->sendCustomRequest(request, m_request.method, body);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        onReplyFinished(reply);
    });
}

void NetworkJob::onReplyFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    m_reply = nullptr;
    m_stage = Stage::Idle;
    if (clientGone()) {
        return;
    }
    const Response answer = readReply(reply);
    const qint64 durationMs = m_sinceSent.elapsed();
    if (answer.status != 0) {
        // Graph counts every answered request, a 429 too (concepts/throttling.md: it "continues to log resource
        // usage while a client is being throttled"); a request that got no answer keeps its estimate.
        m_client->correctPacing(m_scheduledAtMs, m_resourceUnits, resourceUnitsUsed(answer));
    }
    m_client->observeAnswer(answer, nowMs() - durationMs);
    m_client->requestLog()->add(
        {QDateTime::currentDateTimeUtc(),
         QString::fromLatin1(m_request.method),
         reply->url().toString(),
         answer.status,
         answer.requestId,
         durationMs,
         answer.attempts,
         answer.status == 429 ? tr("throttled, Retry-After %1 s").arg(QString::fromLatin1(answer.header("retry-after")))
                              : QString()});
    qCDebug(lcGraph) << m_request.method << redactSecrets(reply->url().toString()) << answer.status << answer.requestId;
    onAttemptAnswered(answer);
}

Response NetworkJob::readReply(QNetworkReply *reply) const
{
    Response answer;
    answer.attempts = m_retries.attempts;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.json = QJsonDocument::fromJson(answer.body).object();
    for (const auto &pair : reply->rawHeaderPairs()) {
        answer.headers.insert(pair.first.toLower(), pair.second);
    }
    answer.requestId = QString::fromLatin1(answer.header("request-id"));
    if (answer.status == 0) {
        const bool tls = reply->error() == QNetworkReply::SslHandshakeFailedError;
        answer.error = M365::Error{tls ? QStringLiteral("network.tls") : QStringLiteral("network"),
                                   tls ? tr("The TLS certificate of %1 is not trusted.").arg(reply->url().host())
                                       : tr("No answer from Microsoft Graph: %1").arg(reply->errorString()),
                                   redactSecrets(reply->errorString()),
                                   {}};
    }
    return answer;
}

void NetworkJob::onAttemptAnswered(const Response &answer)
{
    if (answer.status == 401 && !m_tokenRenewed) {
        // The token may have expired in flight or been revoked: one fresh token, one more try, at once.
        m_tokenRenewed = true;
        m_client->tokenProvider()->invalidate();
        attempt();
        return;
    }
    m_retries.elapsedMs = m_elapsedBefore + m_sinceFirstSend.elapsed();
    if (const std::optional<qint64> wait = retryPolicy().retryWaitMs(m_request, answer, m_retries)) {
        m_retries.waitedMs += *wait;
        m_stage = Stage::RetryWait;
        m_timer.start(std::chrono::milliseconds(*wait));
        return;
    }
    onAnswer(answer, m_retries);
}

} // namespace M365::Graph
