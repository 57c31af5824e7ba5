// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "runhealth.h"

#include "profile/profile.h"
#include "schedule.h"
#include "synclog.h"

#include <QFile>
#include <QJsonValue>
#include <QRegularExpression>

#include <cmath>

namespace M365::Sync {

namespace {

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

QJsonValue dateValue(const QDateTime &at)
{
    return at.isValid() ? QJsonValue(at.toUTC().toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

/// The certificate stops working within this many days: WARNING, so that there is time to renew it.
constexpr int certificateWarningDays = 30;

/// A run status of the history (ApplyJob::finishRun) that counts as a sync that took place.
bool isSuccessfulRunStatus(const QString &status)
{
    return status == QLatin1String("done") || status == QLatin1String("finished with failures");
}

/// Text for the plugin line: one line, and no '|' (which starts the performance data).
QString oneLine(QString text)
{
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text.replace(QLatin1Char('|'), QLatin1Char('/'));
    return text.simplified();
}

} // namespace

QString ProfileHealth::lastOutcome() const
{
    if (lastAttempt) {
        return lastAttempt->outcome;
    }
    if (!lastRun) {
        return {};
    }
    // A store written before attempts were recorded: the run's own status says as much.
    if (lastRun->status == QLatin1String("failed")) {
        return str(AttemptOutcome::Failed);
    }
    if (lastRun->counts.value(QLatin1String("failed")).toInt() > 0) {
        return str(AttemptOutcome::FailedItems);
    }
    if (lastRun->status == QLatin1String("done")) {
        return str(AttemptOutcome::Done);
    }
    return {}; // running, or cancelled: nothing to judge by
}

QDateTime ProfileHealth::lastRunAt() const
{
    if (lastAttempt && lastAttempt->at.isValid()) {
        return lastAttempt->at;
    }
    if (lastRun) {
        return lastRun->ended.isValid() ? lastRun->ended : lastRun->started;
    }
    return {};
}

std::optional<int> ProfileHealth::certificateDaysLeft(const QDateTime &now) const
{
    if (!usesCertificate || !certificateNotAfter.isValid()) {
        return std::nullopt;
    }
    // Rounded down: expiring in 12 hours is 0 days, expired an hour ago is -1.
    return int(std::floor(double(now.secsTo(certificateNotAfter)) / 86400.0));
}

int ProfileHealth::lastRunFailures() const
{
    if (lastAttempt && lastAttempt->outcome == QLatin1String(AttemptOutcome::Done)) {
        return 0;
    }
    return lastRun ? lastRun->counts.value(QLatin1String("failed")).toInt() : 0;
}

int ProfileHealth::lastRunApplied() const
{
    if (!lastRun) {
        return 0;
    }
    if (lastAttempt && lastAttempt->runId == 0 && lastAttempt->at >= lastRun->started) {
        return 0; // the last attempt applied nothing (nothing to do, the guard, the lock, an early error)
    }
    return lastRun->counts.value(QLatin1String("done")).toInt();
}

qint64 ProfileHealth::defaultMaxAgeSeconds() const
{
    return (scheduleIntervalSeconds > 0 ? scheduleIntervalSeconds : 24 * 3600) + 2 * 3600;
}

QJsonObject ProfileHealth::toJson() const
{
    QJsonObject json{
        {str("profile"), profile}, {str("collectedAt"), dateValue(collectedAt)}, {str("readable"), isReadable()}};
    if (!isReadable()) {
        json.insert(str("error"), error);
    }
    if (lastRun) {
        json.insert(str("lastRun"),
                    QJsonObject{{str("id"), lastRun->id},
                                {str("started"), dateValue(lastRun->started)},
                                {str("ended"), dateValue(lastRun->ended)},
                                {str("status"), lastRun->status},
                                {str("counts"), lastRun->counts}});
    } else {
        json.insert(str("lastRun"), QJsonValue::Null);
    }
    if (lastAttempt) {
        json.insert(str("lastAttempt"),
                    QJsonObject{{str("at"), dateValue(lastAttempt->at)},
                                {str("outcome"), lastAttempt->outcome},
                                {str("message"), lastAttempt->message},
                                {str("runId"), lastAttempt->runId}});
    } else {
        json.insert(str("lastAttempt"), QJsonValue::Null);
    }
    const QString outcome = lastOutcome();
    json.insert(str("lastOutcome"), outcome.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(outcome));
    json.insert(str("lastSuccess"), dateValue(lastSuccess));
    json.insert(str("pendingChanges"), lastPlan ? QJsonValue(lastPlan->pending) : QJsonValue(QJsonValue::Null));
    json.insert(str("pendingDeletions"), lastPlan ? QJsonValue(lastPlan->destructive) : QJsonValue(QJsonValue::Null));
    json.insert(str("plannedAt"), lastPlan ? dateValue(lastPlan->at) : QJsonValue(QJsonValue::Null));
    json.insert(str("changesAppliedTotal"), changesAppliedTotal);
    json.insert(str("failedItems"), hasRun() ? QJsonValue(lastRunFailures()) : QJsonValue(QJsonValue::Null));
    json.insert(str("credential"), usesCertificate ? str("certificate") : str("clientSecret"));
    json.insert(str("certificateNotAfter"),
                usesCertificate ? dateValue(certificateNotAfter) : QJsonValue(QJsonValue::Null));
    const std::optional<int> days = certificateDaysLeft(collectedAt);
    json.insert(str("certificateDaysLeft"), days ? QJsonValue(*days) : QJsonValue(QJsonValue::Null));
    json.insert(str("scheduleEnabled"), scheduleEnabled);
    json.insert(str("nextRun"), dateValue(nextRun));
    return json;
}

ProfileHealth ProfileHealth::collect(const Profile::Profile &profile, const StateStore &store, const QDateTime &now)
{
    ProfileHealth health;
    health.profile = profile.name;
    health.collectedAt = now;
    health.usesCertificate = profile.credentialKind == Profile::CredentialKind::Certificate;
    if (health.usesCertificate) {
        health.certificateNotAfter = profile.certificate.notAfter;
    }
    // The schedule alone, as SyncSettings::fromJson() reads it: a sync object that is wrong elsewhere (a SKU that is
    // not a GUID) must not hide when the next run is.
    const Schedule schedule = Schedule::fromJson(profile.sync.value(QLatin1String("schedule")).toObject());
    health.scheduleEnabled = schedule.enabled;
    if (schedule.enabled) {
        health.scheduleIntervalSeconds = schedule.every == Schedule::Every::Hour ? 3600
            : schedule.every == Schedule::Every::FourHours                       ? 4 * 3600
                                                                                 : 24 * 3600;
        health.nextRun = schedule.nextRun(now.toLocalTime());
    }

    const QList<RunRecord> runs = store.runHistory();
    if (!runs.isEmpty()) {
        health.lastRun = runs.first();
    }
    for (const RunRecord &run : runs) {
        health.changesAppliedTotal += run.counts.value(QLatin1String("done")).toInt();
        if (!health.lastSuccess.isValid() && run.ended.isValid() && isSuccessfulRunStatus(run.status)) {
            health.lastSuccess = run.ended;
        }
    }
    health.lastAttempt = store.lastAttempt();
    const std::optional<AttemptRecord> success =
        store.lastAttemptWith({str(AttemptOutcome::Done), str(AttemptOutcome::FailedItems)});
    if (success && (!health.lastSuccess.isValid() || success->at > health.lastSuccess)) {
        health.lastSuccess = success->at;
    }
    health.lastPlan = store.lastPlan();
    return health;
}

ProfileHealth ProfileHealth::load(const Profile::Profile &profile, const QString &stateDirectory, const QDateTime &now)
{
    const QString path = StateStore::pathForProfile(profile.name, stateDirectory);
    if (!QFile::exists(path)) {
        // Never run: opening would create the file (and fail where the folder does not exist yet).
        StateStore none;
        return collect(profile, none, now);
    }
    StateStore store;
    const Result<bool> opened = store.open(path);
    if (!opened.ok()) {
        qCWarning(lcSync) << "health: the state store of" << profile.name << "cannot be read:" << opened.error.details;
        return unreadable(profile.name, opened.error.userMessage, now);
    }
    return collect(profile, store, now);
}

ProfileHealth ProfileHealth::unreadable(const QString &profile, const QString &error, const QDateTime &now)
{
    ProfileHealth health;
    health.profile = profile;
    health.collectedAt = now;
    health.error = error;
    return health;
}

QString HealthVerdict::stateName(int code)
{
    switch (code) {
    case Ok:
        return str("OK");
    case Warning:
        return str("WARNING");
    case Critical:
        return str("CRITICAL");
    default:
        return str("UNKNOWN");
    }
}

QString HealthVerdict::output() const
{
    return perfdata.isEmpty() ? line : line + QStringLiteral(" | ") + perfdata;
}

bool isOverdue(const ProfileHealth &health, qint64 maxAgeSeconds, const QDateTime &now)
{
    return maxAgeSeconds > 0 && health.lastSuccess.isValid() && health.lastSuccess.secsTo(now) > maxAgeSeconds;
}

HealthVerdict evaluate(const ProfileHealth &health, qint64 maxAgeSeconds, const QDateTime &now)
{
    HealthVerdict verdict;
    const auto finish = [&](int code, const QString &why) {
        verdict.code = code;
        verdict.line =
            QStringLiteral("M365SYNC %1 - %2: %3").arg(HealthVerdict::stateName(code), health.profile, oneLine(why));
        return verdict;
    };
    if (!health.isReadable()) {
        verdict.reasons.append(health.error);
        return finish(HealthVerdict::Unknown, health.error);
    }

    QStringList critical;
    QStringList warning;
    const QString outcome = health.lastOutcome();
    const QString message = health.lastAttempt ? health.lastAttempt->message : QString();
    const auto withMessage = [&message](const QString &text) {
        return message.isEmpty() ? text : text + QStringLiteral(": ") + message;
    };
    if (outcome == QLatin1String(AttemptOutcome::Failed)) {
        critical.append(withMessage(ProfileHealth::tr("the last run failed")));
    } else if (outcome == QLatin1String(AttemptOutcome::GuardStopped)) {
        critical.append(withMessage(ProfileHealth::tr("the deletion guard stopped the last run")));
    } else if (outcome == QLatin1String(AttemptOutcome::FailedItems)) {
        warning.append(ProfileHealth::tr("the last run had %n failed change(s)", nullptr, health.lastRunFailures()));
    } else if (outcome == QLatin1String(AttemptOutcome::Locked)) {
        warning.append(withMessage(ProfileHealth::tr("another run held the run lock")));
    }
    verdict.overdue = isOverdue(health, maxAgeSeconds, now);
    if (verdict.overdue) {
        critical.append(ProfileHealth::tr("overdue: the last successful run was %1 ago (at most %2 expected)")
                            .arg(durationText(health.lastSuccess.secsTo(now)), durationText(maxAgeSeconds)));
    }
    const std::optional<int> days = health.certificateDaysLeft(now);
    if (days && health.certificateNotAfter <= now) {
        critical.append(ProfileHealth::tr("the certificate expired on %1; renew it with m365sync-cli certificate "
                                          "renew --profile %2")
                            .arg(health.certificateNotAfter.toUTC().toString(Qt::ISODate), health.profile));
    } else if (days && *days < certificateWarningDays) {
        warning.append(ProfileHealth::tr("the certificate expires in %n day(s); renew it with m365sync-cli "
                                         "certificate renew --profile %1",
                                         nullptr,
                                         *days)
                           .arg(health.profile));
    }

    // Performance data: a label, the value with its unit, the warning and critical ranges, the minimum.
    QStringList perf;
    if (health.lastSuccess.isValid()) {
        perf.append(QStringLiteral("last_success_age=%1s;;%2;0")
                        .arg(qMax<qint64>(0, health.lastSuccess.secsTo(now)))
                        .arg(maxAgeSeconds > 0 ? QString::number(maxAgeSeconds) : QString()));
    }
    if (health.hasRun()) {
        perf.append(QStringLiteral("failed_items=%1;0;;0").arg(health.lastRunFailures()));
        perf.append(QStringLiteral("applied=%1;;;0").arg(health.lastRunApplied()));
    }
    if (health.lastPlan) {
        perf.append(QStringLiteral("pending_changes=%1;;;0").arg(health.lastPlan->pending));
        perf.append(QStringLiteral("pending_deletions=%1;;;0").arg(health.lastPlan->destructive));
    }
    if (days) {
        perf.append(QStringLiteral("certificate_days=%1;%2:;0:").arg(*days).arg(certificateWarningDays));
    }
    verdict.perfdata = perf.join(QLatin1Char(' '));

    // What an OK line says, and what follows the reasons of any other.
    QStringList facts;
    if (health.hasRun()) {
        const QDateTime at = health.lastRunAt();
        facts.append(ProfileHealth::tr("last run %1 ago: %2")
                         .arg(durationText(qMax<qint64>(0, at.secsTo(now))),
                              outcome.isEmpty() && health.lastRun ? health.lastRun->status : outcome));
    }
    if (health.lastPlan) {
        facts.append(ProfileHealth::tr("%n change(s) pending", nullptr, health.lastPlan->pending));
    }

    if (!critical.isEmpty()) {
        verdict.reasons = critical + warning;
        return finish(HealthVerdict::Critical, verdict.reasons.join(QStringLiteral("; ")));
    }
    if (!health.hasRun()) {
        verdict.reasons = QStringList{ProfileHealth::tr("no run recorded yet")} + warning;
        return finish(HealthVerdict::Unknown, verdict.reasons.join(QStringLiteral("; ")));
    }
    if (!warning.isEmpty()) {
        verdict.reasons = warning;
        return finish(HealthVerdict::Warning, (warning + facts).join(QStringLiteral("; ")));
    }
    return finish(HealthVerdict::Ok, facts.join(QStringLiteral(", ")));
}

std::optional<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{1,9})\\s*([smhd]?)$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed().toLower());
    if (!match.hasMatch()) {
        return std::nullopt;
    }
    const qint64 value = match.captured(1).toLongLong();
    const QString unit = match.captured(2);
    const qint64 factor = unit == QLatin1String("m") ? 60
        : unit == QLatin1String("h")                 ? 3600
        : unit == QLatin1String("d")                 ? 86400
                                                     : 1;
    if (value <= 0) {
        return std::nullopt;
    }
    return value * factor;
}

QString durationText(qint64 seconds)
{
    if (seconds < 90 * 60) {
        return ProfileHealth::tr("%n minute(s)", nullptr, int(seconds / 60));
    }
    if (seconds < 48 * 3600) {
        return ProfileHealth::tr("%n hour(s)", nullptr, int(seconds / 3600));
    }
    return ProfileHealth::tr("%n day(s)", nullptr, int(seconds / 86400));
}

} // namespace M365::Sync
