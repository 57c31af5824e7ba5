// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "job.h"
#include "profile/profile.h"
#include "result.h"
#include "runhealth.h"
#include "statestore.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace M365::Secrets {
class SecretStore;
class SecretJob;
} // namespace M365::Secrets

namespace M365::Sync {

enum class RunOutcome;

/**
 * The pieces of a run's report to the monitoring (issue 15): the Prometheus textfile and the webhook's JSON. Plain
 * functions, so that the formats are tested without a network; RunReportJob puts them together after each run.
 */
class RunReport
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::RunReport)

public:
    /// The AttemptRecord outcome of a run (AttemptOutcome); empty for what is no attempt to watch: a plan only, a
    /// run the admin declined or stopped.
    static QString attemptOutcomeFor(RunOutcome outcome);
    /// The webhook event after @p attempt: "failed", "guard-stopped" or "failed-items"; empty when it went well or
    /// another run held the lock (that run reports).
    static QString webhookEventFor(const AttemptRecord &attempt);

    /// "m365sync_<profile>.prom": node_exporter's textfile collector reads the files matching *.prom.
    static QString textfileName(const QString &profile);
    /**
     * The health as metrics in Prometheus's text exposition format (prometheus.io, docs/instrumenting/
     * exposition_formats.md): a HELP and a TYPE line before each metric's sample, the label profile="NAME", values
     * as Go's ParseFloat reads them, no timestamps (the textfile collector refuses them), a line feed after the last
     * line. A metric that is not known (no run yet, a client secret) is left out.
     */
    static QByteArray prometheusText(const ProfileHealth &health);
    /**
     * Writes prometheusText() to @p directory/textfileName() atomically, as node_exporter's README asks: into a
     * temporary file beside it, renamed over the old one, so that a scrape never reads half a file (QSaveFile; the
     * temporary name does not end in .prom). Returns the file's path.
     */
    static Result<QString> writeTextfile(const QString &directory, const ProfileHealth &health);

    /**
     * The webhook's JSON body: {"text", "profile", "event", "runId", "message", "at", "host", "health"}. "text" is
     * the one line that Slack and Microsoft Teams incoming webhooks show (both accept {"text": "…"}: Slack's
     * "Sending messages using incoming webhooks", Teams' msteams-docs webhooks-and-connectors/how-to/
     * connectors-using.md); the other members are for tools that read the JSON. @p event is "failed",
     * "guard-stopped", "failed-items" or "overdue"; runId is null when no run was made.
     */
    static QJsonObject
    webhookPayload(const QString &event, const ProfileHealth &health, const QString &message, qint64 runId);
    /// The line of "text" for an event.
    static QString webhookText(const QString &event, const QString &profile, const QString &message);

    /// A webhook URL m365sync posts to: https, or http to this machine only (a test or a local relay), since the URL
    /// and the report would otherwise cross the network readable by anyone on the way. @p why says what is wrong.
    static bool isAcceptableWebhookUrl(const QUrl &url, QString *why = nullptr);
};

/**
 * Posts one JSON body to the webhook whose URL is in the SecretStore under @p secretRef. The URL is never logged nor
 * put into an error message: it carries the token that lets anyone post to the channel. Fails with
 * "monitoring.webhook" and a message that says what to check.
 */
class WebhookPostJob : public M365::Job
{
    Q_OBJECT

public:
    WebhookPostJob(QNetworkAccessManager *nam,
                   Secrets::SecretStore *secrets,
                   const QString &profile,
                   const QString &secretRef,
                   const QJsonObject &body,
                   QObject *parent = nullptr);
    ~WebhookPostJob() override;

    /// The HTTP status the webhook answered (0 when none).
    int httpStatus() const { return m_status; }

protected:
    void run() override;
    void onCancel() override;

private:
    void onSecretRead(Secrets::SecretJob *job);
    void onReplyFinished();
    /// @p text without the URL (its path and query carry the token).
    QString redacted(QString text) const;

    QNetworkAccessManager *m_nam;
    QPointer<Secrets::SecretStore> m_secrets;
    QString m_profile;
    QString m_secretRef;
    QJsonObject m_body;
    QUrl m_url;
    QPointer<QNetworkReply> m_reply;
    int m_status = 0;
};

/**
 * Reports one run attempt of a profile to its monitoring, after the run: the Prometheus textfile when the profile
 * names a directory, and the webhook when one is set and the attempt failed, was stopped by the deletion guard or had
 * failed items. The SyncRun's front end (CLI, dashboard, schedule) starts it once the attempt is recorded in the
 * state store and @p health collected from it.
 *
 * In a front end, after the run:
 *
 *     store.recordAttempt(attempt);   // AttemptRecord{now, RunReport::attemptOutcomeFor(run->outcome()), …}
 *     store.recordPlan({now, run->actionable(), run->plan().destructiveCount()});
 *     auto *report = new RunReportJob(nam, secrets, profile, ProfileHealth::collect(profile, store, now), attempt);
 *     connect(report, &M365::Job::finished, …); // show report->warnings()
 *     report->start();
 *
 * The report never fails the run: the job always succeeds, and whatever went wrong (a directory that is not
 * writable, a webhook that does not answer) is in warnings(), for the front end to show. An attempt that found
 * another run holding the lock reports nothing: that run reports when it ends.
 */
class RunReportJob : public M365::Job
{
    Q_OBJECT

public:
    RunReportJob(QNetworkAccessManager *nam,
                 Secrets::SecretStore *secrets,
                 const Profile::Profile &profile,
                 const ProfileHealth &health,
                 const AttemptRecord &attempt,
                 QObject *parent = nullptr);
    ~RunReportJob() override;

    /// The alert of `status --notify-overdue`: the "overdue" event to the webhook (no textfile), @p message saying
    /// since when.
    static RunReportJob *overdueAlert(QNetworkAccessManager *nam,
                                      Secrets::SecretStore *secrets,
                                      const Profile::Profile &profile,
                                      const ProfileHealth &health,
                                      const QString &message,
                                      QObject *parent = nullptr);

    /// What could not be reported, each a sentence that says what to do; empty when all went well.
    const QStringList &warnings() const { return m_warnings; }
    /// The textfile written; empty when none was.
    const QString &textfilePath() const { return m_textfile; }
    /// The event the webhook accepted; empty when none was posted.
    const QString &postedEvent() const { return m_posted; }

protected:
    void run() override;
    void onCancel() override;

private:
    QNetworkAccessManager *m_nam;
    QPointer<Secrets::SecretStore> m_secrets;
    Profile::Profile m_profile;
    ProfileHealth m_health;
    AttemptRecord m_attempt;
    bool m_writeTextfile = true;
    QString m_event; ///< empty: RunReport::webhookEventFor(m_attempt)
    QString m_message; ///< the webhook's message for m_event; empty: the attempt's
    QStringList m_warnings;
    QString m_textfile;
    QString m_posted;
    QPointer<WebhookPostJob> m_post;
};

} // namespace M365::Sync
