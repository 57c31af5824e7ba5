// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphtypes.h"
#include "graph/retrypolicy.h"
#include "job.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace M365::Graph {

class GraphClient;

/*
 * The base of the jobs that talk to Graph, after nextcloud's AbstractNetworkJob. It owns everything about getting an
 * answer to one request: the token (and one fresh token after a 401), waiting for the client's Pacer, sending through
 * the client's QNetworkAccessManager with a timeout per attempt, reading the reply into a Response, the RequestLog
 * entry, telling the pacing what the answer says about Graph's budgets, aborting on cancel, and sending again for as
 * long as the client's RetryPolicy says.
 *
 * A subclass only says what to send (sendRequest()) and interprets the final answer (onAnswer()); it never sees a
 * token, a QNetworkReply or a retry wait. One request is in progress at a time: a subclass that needs several (pages,
 * $batch chunks) sends the next one from onAnswer().
 */
class NetworkJob : public M365::Job
{
    Q_OBJECT

public:
    ~NetworkJob() override;

protected:
    NetworkJob(GraphClient *client, QObject *parent);

    /**
     * Sends @p request, which costs @p writes writes and @p resourceUnits resource units of Graph's budgets, and
     * retries it as the client's RetryPolicy says; onAnswer() then receives the last answer. @p history is where the
     * request's retries stand when it was sent before (a $batch sending sub-requests again), so that the limits count
     * every attempt. Fails the job as cancelled when the client is gone.
     */
    void sendRequest(const Request &request, int writes, int resourceUnits, const RetryState &history = {});
    /// The final answer to the request sendRequest() sent; @p retries says how many attempts and how much waiting it
    /// took, counting from the history given.
    virtual void onAnswer(const Response &answer, const RetryState &retries) = 0;

    /// The resource units the answer to the request says it cost: its x-ms-resource-unit, else what was reserved. A
    /// $batch sums its sub-answers.
    virtual int resourceUnitsUsed(const Response &answer) const;

    /// The client, or nullptr when it was deleted while the job ran.
    GraphClient *client() const { return m_client; }
    /// The client's retry policy (the default one when the client is gone).
    RetryPolicy retryPolicy() const;
    /// The error to report for a failed @p answer: the one it carries (no answer, no token) or Graph's.
    static M365::Error errorOf(const Response &answer);

private:
    /// Aborts what the request in progress holds; subclasses have nothing of their own to stop.
    void onCancel() final;

    /// Where the request in progress is; cancelling or deleting the job undoes what the stage holds.
    enum class Stage {
        Idle,
        Token, ///< waiting for the TokenProvider
        Pacing, ///< holding a Pacer reservation, waiting for its time
        InFlight, ///< m_reply is on its way
        RetryWait, ///< waiting to send again
    };

    /// Fails the job as cancelled when the client was deleted while it ran.
    bool clientGone();
    void attempt();
    void onToken(const QString &token, const M365::Error &error);
    void sendNow();
    void onReplyFinished(QNetworkReply *reply);
    Response readReply(QNetworkReply *reply) const;
    void onAttemptAnswered(const Response &answer);
    void abandon();

    QPointer<GraphClient> m_client;
    Stage m_stage = Stage::Idle;
    Request m_request;
    int m_writes = 0;
    int m_resourceUnits = 0;
    qint64 m_scheduledAtMs = 0; ///< when the Pacer booked the attempt in flight, for the correction by its answer
    RetryState m_retries;
    qint64 m_elapsedBefore = 0; ///< the history's elapsed time
    QElapsedTimer m_sinceFirstSend;
    QElapsedTimer m_sinceSent;
    bool m_tokenRenewed = false;
    QString m_token;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timer; ///< the Pacer's wait, then the wait before a retry
};

} // namespace M365::Graph
