// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "runreport.h"

#include "appinfo.h"
#include "profile/secretstore.h"
#include "synclog.h"
#include "syncrun.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSaveFile>
#include <QSysInfo>

namespace M365::Sync {

namespace {

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

/// A webhook that does not answer within this time is given up: the report must not hold up a scheduled run.
constexpr int webhookTimeoutMs = 15000;

/// A label value of the text format: backslash, double quote and line feed escaped.
QString labelValue(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    escaped.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return escaped;
}

/// Writes one metric: HELP, TYPE, then its only sample, labelled with the profile.
void addMetric(
    QByteArray *out, const char *name, const char *type, const char *help, const QString &profile, const QString &value)
{
    *out += QByteArray("# HELP ") + name + ' ' + help + '\n';
    *out += QByteArray("# TYPE ") + name + ' ' + type + '\n';
    *out += QByteArray(name) + "{profile=\"" + labelValue(profile).toUtf8() + "\"} " + value.toUtf8() + '\n';
}

} // namespace

QString RunReport::attemptOutcomeFor(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::NothingToDo:
    case RunOutcome::Done:
        return str(AttemptOutcome::Done);
    case RunOutcome::FailedItems:
        return str(AttemptOutcome::FailedItems);
    case RunOutcome::Failed:
        return str(AttemptOutcome::Failed);
    case RunOutcome::GuardStopped:
        return str(AttemptOutcome::GuardStopped);
    case RunOutcome::Locked:
        return str(AttemptOutcome::Locked);
    case RunOutcome::Planned:
    case RunOutcome::Declined:
    case RunOutcome::Stopped:
        return {};
    }
    return {};
}

QString RunReport::webhookEventFor(const AttemptRecord &attempt)
{
    if (attempt.outcome == QLatin1String(AttemptOutcome::Failed)
        || attempt.outcome == QLatin1String(AttemptOutcome::GuardStopped)
        || attempt.outcome == QLatin1String(AttemptOutcome::FailedItems)) {
        return attempt.outcome;
    }
    return {};
}

QString RunReport::textfileName(const QString &profile)
{
    return QStringLiteral("m365sync_") + profile + QStringLiteral(".prom");
}

QByteArray RunReport::prometheusText(const ProfileHealth &health)
{
    QByteArray out;
    const QString &profile = health.profile;
    const QDateTime at = health.lastRunAt();
    if (at.isValid()) {
        addMetric(&out,
                  "m365sync_last_run_timestamp_seconds",
                  "gauge",
                  "When the profile last ran, whatever came of it (Unix time).",
                  profile,
                  QString::number(at.toSecsSinceEpoch()));
        const QString outcome = health.lastOutcome();
        addMetric(&out,
                  "m365sync_last_run_success",
                  "gauge",
                  "1 when the last run applied every change or had nothing to do; 0 when it failed, had failed "
                  "changes or was stopped by the deletion guard.",
                  profile,
                  outcome == QLatin1String(AttemptOutcome::Done) ? str("1") : str("0"));
        addMetric(&out,
                  "m365sync_failures",
                  "gauge",
                  "Changes that failed in the last run.",
                  profile,
                  QString::number(health.lastRunFailures()));
    }
    if (health.lastSuccess.isValid()) {
        addMetric(&out,
                  "m365sync_last_success_timestamp_seconds",
                  "gauge",
                  "When the profile last synchronized, possibly with failed changes (Unix time).",
                  profile,
                  QString::number(health.lastSuccess.toSecsSinceEpoch()));
    }
    addMetric(&out,
              "m365sync_changes_applied_total",
              "counter",
              "Changes applied by all runs in the profile's history.",
              profile,
              QString::number(health.changesAppliedTotal));
    if (health.lastPlan) {
        addMetric(&out,
                  "m365sync_pending_changes",
                  "gauge",
                  "Changes the last plan proposed.",
                  profile,
                  QString::number(health.lastPlan->pending));
        addMetric(&out,
                  "m365sync_pending_deletions",
                  "gauge",
                  "Disables, deletions and removals among the changes the last plan proposed.",
                  profile,
                  QString::number(health.lastPlan->destructive));
    }
    if (const std::optional<int> days = health.certificateDaysLeft(health.collectedAt)) {
        addMetric(&out,
                  "m365sync_certificate_expiry_days",
                  "gauge",
                  "Whole days until the app's certificate expires; negative once it has.",
                  profile,
                  QString::number(*days));
    }
    return out;
}

Result<QString> RunReport::writeTextfile(const QString &directory, const ProfileHealth &health)
{
    const QString path = QDir(directory).filePath(textfileName(health.profile));
    const auto failure = [&](const QString &details) {
        return Result<QString>::failure(
            Error{QStringLiteral("monitoring.textfile"),
                  tr("The metrics file %1 could not be written (%2). Check that the folder exists and that m365sync "
                     "may write to it, or choose another with m365sync-cli monitoring set --profile %3 "
                     "--textfile-dir FOLDER.")
                      .arg(QDir::toNativeSeparators(path), details, health.profile),
                  details,
                  {}});
    };
    if (!QDir(directory).exists()) {
        return failure(tr("no such folder"));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return failure(file.errorString());
    }
    const QByteArray text = prometheusText(health);
    if (file.write(text) != text.size()) {
        const QString details = file.errorString();
        file.cancelWriting();
        return failure(details);
    }
    if (!file.commit()) {
        return failure(file.errorString());
    }
    // node_exporter usually runs as a user of its own: the metrics (no secret in them) are readable by all.
    QFile::setPermissions(
        path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    qCDebug(lcSync) << "metrics written to" << path;
    return Result<QString>::success(path);
}

QString RunReport::webhookText(const QString &event, const QString &profile, const QString &message)
{
    const QString host = QSysInfo::machineHostName();
    QString text;
    if (event == QLatin1String(AttemptOutcome::Failed)) {
        text = tr("m365sync on %1: the sync of profile %2 failed. Run m365sync-cli status --profile %2 there for "
                  "details.")
                   .arg(host, profile);
    } else if (event == QLatin1String(AttemptOutcome::GuardStopped)) {
        text = tr("m365sync on %1: the deletion guard stopped the sync of profile %2 before it changed anything. "
                  "Review the plan with m365sync-cli plan --profile %2; if it is right, allow it with sync "
                  "--allow-deletes N.")
                   .arg(host, profile);
    } else if (event == QLatin1String(AttemptOutcome::FailedItems)) {
        text = tr("m365sync on %1: the sync of profile %2 finished, but some changes failed. See them in the "
                  "History tab or with m365sync-cli status --profile %2, fix their cause and sync again.")
                   .arg(host, profile);
    } else if (event == QLatin1String("overdue")) {
        text = tr("m365sync on %1: profile %2 has not synchronized for too long. Check its schedule with "
                  "m365sync-cli schedule show --profile %2 and its last runs with m365sync-cli health --profile %2.")
                   .arg(host, profile);
    } else {
        text = tr("m365sync on %1: profile %2 reports \"%3\".").arg(host, profile, event);
    }
    return message.isEmpty() ? text : text + QLatin1Char(' ') + message;
}

QJsonObject
RunReport::webhookPayload(const QString &event, const ProfileHealth &health, const QString &message, qint64 runId)
{
    return QJsonObject{
        {str("text"), webhookText(event, health.profile, message)},
        {str("profile"), health.profile},
        {str("event"), event},
        {str("runId"), runId > 0 ? QJsonValue(runId) : QJsonValue(QJsonValue::Null)},
        {str("message"), message},
        {str("at"), health.collectedAt.toUTC().toString(Qt::ISODate)},
        {str("host"), QSysInfo::machineHostName()},
        {str("health"), health.toJson()},
    };
}

bool RunReport::isAcceptableWebhookUrl(const QUrl &url, QString *why)
{
    const auto refuse = [why](const QString &reason) {
        if (why) {
            *why = reason;
        }
        return false;
    };
    if (!url.isValid() || url.host().isEmpty()) {
        return refuse(tr("it is not a URL such as https://hooks.example.com/…"));
    }
    if (url.scheme() == QLatin1String("https")) {
        return true;
    }
    const QHostAddress address(url.host());
    const bool loopback = url.host() == QLatin1String("localhost") || (!address.isNull() && address.isLoopback());
    if (url.scheme() == QLatin1String("http") && loopback) {
        return true;
    }
    return refuse(tr("it must start with https:// (plain http only to this machine), since the URL carries a token"));
}

WebhookPostJob::WebhookPostJob(QNetworkAccessManager *nam,
                               Secrets::SecretStore *secrets,
                               const QString &profile,
                               const QString &secretRef,
                               const QJsonObject &body,
                               QObject *parent)
    : Job(parent)
    , m_nam(nam)
    , m_secrets(secrets)
    , m_profile(profile)
    , m_secretRef(secretRef)
    , m_body(body)
{}

WebhookPostJob::~WebhookPostJob()
{
    if (m_reply) {
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void WebhookPostJob::run()
{
    if (!m_secrets || !m_nam) {
        fail(Error{QStringLiteral("monitoring.webhook"),
                   RunReport::tr("The webhook of profile %1 was not called: the keychain or the network is not "
                                 "available to this program.")
                       .arg(m_profile),
                   QStringLiteral("no SecretStore or QNetworkAccessManager given"),
                   {}});
        return;
    }
    Secrets::SecretJob *read = m_secrets->read(m_secretRef, this);
    connect(read, &Secrets::SecretJob::finished, this, [this, read] {
        onSecretRead(read);
    });
    read->start();
}

void WebhookPostJob::onSecretRead(Secrets::SecretJob *job)
{
    job->deleteLater();
    if (isFinished()) {
        return;
    }
    if (job->hasError()) {
        const bool missing = job->failure() == Secrets::SecretJob::Failure::NotFound;
        fail(Error{QStringLiteral("monitoring.webhook"),
                   missing ? RunReport::tr("The webhook URL of profile %1 is not in the keychain. Set it again with "
                                           "m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.")
                                 .arg(m_profile)
                           : RunReport::tr("The webhook URL of profile %1 could not be read from the keychain: %2")
                                 .arg(m_profile, job->errorString()),
                   job->error().details,
                   {}});
        return;
    }
    m_url = QUrl(QString::fromUtf8(job->value()).trimmed());
    QString why;
    if (!RunReport::isAcceptableWebhookUrl(m_url, &why)) {
        fail(Error{QStringLiteral("monitoring.webhook"),
                   RunReport::tr("The webhook URL of profile %1 cannot be used: %2. Set another with m365sync-cli "
                                 "monitoring set --profile %1 --webhook-url-env VARIABLE.")
                       .arg(m_profile, why),
                   QStringLiteral("scheme %1, host %2").arg(m_url.scheme(), m_url.host()),
                   {}});
        return;
    }
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QStringLiteral("m365sync/%1").arg(M365::applicationVersion()).toLatin1());
    request.setTransferTimeout(webhookTimeoutMs);
    qCInfo(lcSync) << "posting the" << m_body.value(QLatin1String("event")).toString() << "event of profile"
                   << m_profile << "to the webhook at" << m_url.host();
    m_reply = m_nam->post(request, QJsonDocument(m_body).toJson(QJsonDocument::Compact));
    connect(m_reply, &QNetworkReply::finished, this, &WebhookPostJob::onReplyFinished);
}

void WebhookPostJob::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply || isFinished()) {
        return;
    }
    m_reply = nullptr;
    reply->deleteLater();
    m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && m_status >= 200 && m_status < 300) {
        succeed();
        return;
    }
    const QString host = m_url.host();
    const QString details = redacted(QStringLiteral("HTTP %1, %2: %3 %4")
                                         .arg(m_status)
                                         .arg(int(reply->error()))
                                         .arg(reply->errorString(), QString::fromUtf8(reply->read(500))));
    qCWarning(lcSync) << "the webhook of profile" << m_profile << "failed:" << details;
    fail(Error{QStringLiteral("monitoring.webhook"),
               m_status > 0
                   ? RunReport::tr("The webhook of profile %1 at %2 answered HTTP %3. Check that the webhook still "
                                   "exists, or set another with m365sync-cli monitoring set --profile %1 "
                                   "--webhook-url-env VARIABLE.")
                         .arg(m_profile, host)
                         .arg(m_status)
                   : RunReport::tr("The webhook of profile %1 at %2 could not be reached (%3). Check that this "
                                   "machine can reach %2 (proxy, firewall).")
                         .arg(m_profile, host, redacted(reply->errorString())),
               details,
               {}});
}

void WebhookPostJob::onCancel()
{
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->abort();
        reply->deleteLater();
    }
}

QString WebhookPostJob::redacted(QString text) const
{
    const QString shown = m_url.scheme() + QStringLiteral("://") + m_url.host() + QStringLiteral("/…");
    for (const QString &form :
         {m_url.toString(), m_url.toString(QUrl::FullyEncoded), m_url.toDisplayString(), m_url.url()}) {
        if (!form.isEmpty()) {
            text.replace(form, shown);
        }
    }
    for (const QString &part : {m_url.path(QUrl::FullyEncoded), m_url.path(), m_url.query()}) {
        if (part.size() > 1) {
            text.replace(part, QStringLiteral("/…"));
        }
    }
    return text;
}

RunReportJob::RunReportJob(QNetworkAccessManager *nam,
                           Secrets::SecretStore *secrets,
                           const Profile::Profile &profile,
                           const ProfileHealth &health,
                           const AttemptRecord &attempt,
                           QObject *parent)
    : Job(parent)
    , m_nam(nam)
    , m_secrets(secrets)
    , m_profile(profile)
    , m_health(health)
    , m_attempt(attempt)
{
    // The report is about this attempt, even when the health was collected before it was recorded.
    if (!attempt.outcome.isEmpty() && (!m_health.lastAttempt || m_health.lastAttempt->at < attempt.at)) {
        m_health.lastAttempt = attempt;
    }
}

RunReportJob::~RunReportJob() = default;

RunReportJob *RunReportJob::overdueAlert(QNetworkAccessManager *nam,
                                         Secrets::SecretStore *secrets,
                                         const Profile::Profile &profile,
                                         const ProfileHealth &health,
                                         const QString &message,
                                         QObject *parent)
{
    auto *job = new RunReportJob(nam, secrets, profile, health, AttemptRecord{}, parent);
    job->m_writeTextfile = false;
    job->m_event = QStringLiteral("overdue");
    job->m_message = message;
    return job;
}

void RunReportJob::run()
{
    if (m_attempt.outcome == QLatin1String(AttemptOutcome::Locked)) {
        succeed(); // the run that held the lock reports for itself
        return;
    }
    const Profile::MonitoringSettings &settings = m_profile.monitoring;
    if (m_writeTextfile && !settings.textfileDirectory.isEmpty()) {
        const Result<QString> written = RunReport::writeTextfile(settings.textfileDirectory, m_health);
        if (written.ok()) {
            m_textfile = written.value;
        } else {
            qCWarning(lcSync) << "metrics of" << m_profile.name << "not written:" << written.error.details;
            m_warnings.append(written.error.userMessage);
        }
    }
    const QString event = m_event.isEmpty() ? RunReport::webhookEventFor(m_attempt) : m_event;
    if (event.isEmpty() || settings.webhookSecretRef.isEmpty()) {
        succeed();
        return;
    }
    const QString message = m_event.isEmpty() ? m_attempt.message : m_message;
    const QJsonObject body = RunReport::webhookPayload(event, m_health, message, m_attempt.runId);
    m_post = new WebhookPostJob(m_nam, m_secrets, m_profile.name, settings.webhookSecretRef, body, this);
    connect(m_post, &M365::Job::finished, this, [this, event] {
        WebhookPostJob *post = m_post;
        m_post = nullptr;
        if (post->hasError()) {
            m_warnings.append(post->errorString());
        } else {
            m_posted = event;
        }
        post->deleteLater();
        succeed();
    });
    m_post->start();
}

void RunReportJob::onCancel()
{
    if (m_post) {
        // Cancelled, not finished by the post's end: Job::cancel() finishes this job after onCancel().
        disconnect(m_post, nullptr, this, nullptr);
        m_post->cancel();
    }
}

} // namespace M365::Sync
