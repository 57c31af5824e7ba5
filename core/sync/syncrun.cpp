// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "syncrun.h"

#include "cloudreader.h"
#include "directory/directorysource.h"
#include "planner.h"
#include "plansession.h"
#include "profile/connection.h"
#include "profile/secretstore.h"
#include "runlock.h"
#include "runreport.h"
#include "undoplanner.h"

#include <QDir>
#include <QFileInfo>

namespace M365::Sync {

SyncContext::SyncContext() = default;

SyncContext::~SyncContext()
{
    // The source's jobs and the connection's requests refer to them: the source goes first, then the connection.
    source.reset();
    connection.reset();
}

// ---------------------------------------------------------------------------------------------------------------
// OpenProfileJob

OpenProfileJob::OpenProfileJob(QNetworkAccessManager *nam,
                               Secrets::SecretStore *secrets,
                               SyncContext *context,
                               const Options &options,
                               QObject *parent)
    : Job(parent)
    , m_nam(nam)
    , m_secrets(secrets)
    , m_context(context)
    , m_options(options)
{}

void OpenProfileJob::run()
{
    if (m_context->profile.isDraft()) {
        // What the wizard kept when it was closed: not a connection to plan or sync with yet.
        fail(m_context->profile.draftError());
        return;
    }
    const Result<SyncSettings> settings = SyncSettings::fromJson(m_context->profile.sync);
    if (!settings.ok()) {
        fail(settings.error);
        return;
    }
    m_context->settings = settings.value;
    m_context->nam = m_nam;
    m_context->secrets = m_secrets;
    const QString path = m_options.statePath.isEmpty()
        ? StateStore::pathForProfile(m_context->profile.name, m_options.stateDirectory)
        : m_options.statePath;
    QDir().mkpath(QFileInfo(path).absolutePath());
    const Result<bool> opened = m_context->store.open(path);
    if (!opened.ok()) {
        fail(opened.error);
        return;
    }
    const QString bindPasswordRef = m_context->profile.secrets.ldapBindPassword;
    if (isLdapDirectory(m_context->profile.directory) && !bindPasswordRef.isEmpty() && m_secrets) {
        Secrets::SecretJob *read = m_secrets->read(bindPasswordRef, this);
        connect(read, &Secrets::SecretJob::finished, this, [this, read] {
            read->deleteLater();
            if (read->hasError()) {
                fail(read->error());
                return;
            }
            m_context->bindPassword = QString::fromUtf8(read->value());
            openDirectory();
        });
        read->start();
        return;
    }
    openDirectory();
}

void OpenProfileJob::openDirectory()
{
    Result<std::unique_ptr<Directory::DirectorySource>> source =
        createDirectorySource(m_context->profile.directory, m_context->bindPassword);
    if (!source.ok()) {
        fail(source.error);
        return;
    }
    m_context->source = std::move(source.value);
    if (!m_options.connectToTenant) {
        succeed();
        return;
    }
    connectToTenant();
}

void OpenProfileJob::connectToTenant()
{
    if (m_options.credential) {
        const QList<QSslCertificate> cas = m_context->profile.caFile.isEmpty()
            ? QList<QSslCertificate>{}
            : QSslCertificate::fromPath(m_context->profile.caFile, QSsl::Pem);
        m_context->connection =
            std::make_unique<Profile::Connection>(m_nam, m_context->profile, *m_options.credential, cas);
        succeed();
        return;
    }
    auto *job = new Profile::ConnectJob(m_nam, m_context->profile, m_secrets, this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        m_context->connection = job->takeConnection();
        succeed();
    });
    job->start();
}

// ---------------------------------------------------------------------------------------------------------------
// SyncRun

namespace {

bool isActionable(const Change &c)
{
    return c.kind != Change::Kind::Conflict && c.kind != Change::Kind::Invalid;
}

QString objectKey(const Change &c)
{
    return Change::objectTypeName(c.objectType) + QLatin1Char('/') + c.anchor;
}

} // namespace

SyncRun::SyncRun(SyncContext *context, const RunOptions &options, QObject *parent)
    : Job(parent)
    , m_context(context)
    , m_options(options)
{}

SyncRun::~SyncRun()
{
    delete m_planJob.data();
    delete m_applyJob.data();
    delete m_report.data();
}

void SyncRun::requestStop()
{
    m_stopRequested = true;
    if (m_applyJob) {
        m_applyJob->requestStop();
    }
}

void SyncRun::onCancel()
{
    if (m_planJob) {
        m_planJob->disconnect(this);
        m_planJob->cancel();
    }
    if (m_applyJob) {
        m_applyJob->disconnect(this);
        m_applyJob->cancel();
    }
    if (m_report) {
        m_report->disconnect(this);
        m_report->cancel();
    }
    m_lock.reset();
}

void SyncRun::run()
{
    if (!m_context->connection || !m_context->source) {
        endWithError(RunOutcome::Failed,
                     Error{QStringLiteral("sync.notConnected"),
                           tr("The connection \"%1\" is not open yet; try again once it is connected.")
                               .arg(m_context->profile.name),
                           {},
                           {}});
        return;
    }
    if (m_options.plan) {
        m_plan = *m_options.plan;
        decide();
        return;
    }
    m_planJob = new PlanJob(
        m_context->connection->graph(), &m_context->store, m_context->source.get(), m_context->settings, this);
    connect(m_planJob, &Job::finished, this, &SyncRun::onPlanned);
    m_planJob->start();
}

void SyncRun::onPlanned()
{
    PlanJob *job = m_planJob;
    m_planJob = nullptr;
    job->deleteLater();
    if (job->hasError()) {
        endWithError(RunOutcome::Failed, job->error());
        return;
    }
    m_plan = job->plan();
    m_problems = job->problems();
    m_notes = job->notes();
    m_managedObjects = job->managedObjects();
    decide();
}

void SyncRun::decide()
{
    m_planned = true;
    if (m_options.plan) {
        // What the deletion guard's percentage refers to, as PlanJob counts it.
        m_managedObjects = int(m_context->store.links().size());
    }
    // The changes this run may apply: the chosen rows and kinds.
    ChangePlan chosen = m_plan;
    chosen.changes.clear();
    for (int i = 0; i < m_plan.changes.size(); ++i) {
        const Change &c = m_plan.changes.at(i);
        if ((m_options.onlyIndices.isEmpty() || m_options.onlyIndices.contains(i))
            && (m_options.onlyKinds.isEmpty() || m_options.onlyKinds.contains(c.kind))) {
            chosen.changes.append(c);
        }
    }
    m_actionable = int(std::count_if(chosen.changes.cbegin(), chosen.changes.cend(), isActionable));
    Q_EMIT planned(m_plan);
    if (!m_options.apply) {
        end(RunOutcome::Planned);
        return;
    }
    if (m_actionable == 0) {
        end(RunOutcome::NothingToDo);
        return;
    }
    const DeletionGuard &guard = m_context->settings.guard;
    if (guard.trips(chosen, m_managedObjects, m_options.allowDeletes)) {
        m_destructive = chosen.destructiveCount();
        m_guardThreshold = guard.threshold(m_managedObjects);
        end(RunOutcome::GuardStopped);
        return;
    }
    if (m_options.confirm && !m_options.confirm(m_plan, m_actionable)) {
        end(RunOutcome::Declined);
        return;
    }
    // One run per profile at a time, whoever starts it (the GUI, the CLI, the schedule); planning needs no lock.
    // Held from here to the end, through the re-plan of stale changes.
    m_lock = std::make_unique<RunLock>(m_context->store.path(), m_context->profile.name);
    const Result<bool> locked = m_lock->acquire();
    if (!locked.ok()) {
        m_lock.reset();
        endWithError(RunOutcome::Locked, locked.error);
        return;
    }
    m_lockTakenOver = m_lock->takenOverMessage();
    Q_EMIT applying();
    ApplyOptions options = applyOptions();
    options.onlyKinds = m_options.onlyKinds;
    options.onlyIndices = m_options.onlyIndices;
    apply(m_plan, options, !m_options.replanStale);
}

ApplyOptions SyncRun::applyOptions() const
{
    ApplyOptions options;
    options.passwordFile = m_options.passwordFile;
    options.userFingerprintProperties = Planner::userFingerprintProperties(m_context->settings.rules);
    return options;
}

void SyncRun::apply(const ChangePlan &plan, const ApplyOptions &options, bool lastRound)
{
    m_applyJob = new ApplyJob(m_context->connection->graph(), &m_context->store, plan, options, this);
    ApplyJob *job = m_applyJob;
    const bool firstRound = m_rounds++ == 0;
    connect(job, &ApplyJob::progressChanged, this, [this, firstRound](const ApplyProgress &progress) {
        if (firstRound) {
            m_progress = progress;
        }
        Q_EMIT progressChanged(progress);
    });
    if (firstRound) {
        connect(job, &ApplyJob::changeFinished, this, &SyncRun::changeFinished);
    }
    connect(job, &ApplyJob::initialPasswordIssued, this, &SyncRun::initialPasswordIssued);
    connect(job, &Job::finished, this, [this, job, lastRound, firstRound] {
        if (firstRound) {
            m_outcomes = job->outcomes();
            m_runId = job->runId();
        }
        onApplied(job, lastRound);
    });
    if (m_stopRequested) {
        job->requestStop();
    }
    job->start();
}

void SyncRun::onApplied(ApplyJob *job, bool lastRound)
{
    m_applyJob = nullptr;
    job->deleteLater();
    if (m_rounds == 1) {
        m_progress = job->progress();
    }
    const ChangePlan &plan = job->plan();
    for (int i = 0; i < job->outcomes().size() && i < plan.changes.size(); ++i) {
        if (job->outcomes().at(i).result == ChangeOutcome::Result::Failed) {
            m_failures.append({plan.changes.at(i), job->outcomes().at(i)});
        }
    }
    const QJsonObject counts = job->counts();
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
        if (it.key() != QLatin1String("total")) {
            m_totals.insert(it.key(), m_totals.value(it.key()).toInt() + it.value().toInt());
        }
    }
    if (job->wasCancelled() || m_stopRequested) {
        end(RunOutcome::Stopped);
        return;
    }
    if (job->hasError()) {
        endWithError(RunOutcome::Failed, job->error());
        return;
    }
    const QList<int> stale = job->staleChanges();
    m_staleLeft = int(stale.size());
    if (stale.isEmpty() || lastRound) {
        end(m_failures.isEmpty() ? RunOutcome::Done : RunOutcome::FailedItems);
        return;
    }
    // Objects that changed in the tenant after planning: plan again and apply just those, once.
    QSet<QString> keys;
    for (int i : stale) {
        keys.insert(objectKey(plan.changes.at(i)));
    }
    Q_EMIT replanningStale(int(keys.size()));
    replanStale(keys);
}

void SyncRun::replanStale(const QSet<QString> &keys)
{
    m_planJob = new PlanJob(
        m_context->connection->graph(), &m_context->store, m_context->source.get(), m_context->settings, this);
    PlanJob *again = m_planJob;
    connect(again, &Job::finished, this, [this, again, keys] {
        m_planJob = nullptr;
        again->deleteLater();
        if (again->hasError()) {
            endWithError(RunOutcome::Failed, again->error());
            return;
        }
        const ChangePlan &fresh = again->plan();
        ApplyOptions options = applyOptions();
        options.onlyKinds = m_options.onlyKinds;
        for (int i = 0; i < fresh.changes.size(); ++i) {
            if (keys.contains(objectKey(fresh.changes.at(i)))) {
                options.onlyIndices.insert(i);
            }
        }
        if (options.onlyIndices.isEmpty()) {
            // The tenant already has what the directory says: nothing left to do.
            m_staleLeft = 0;
            end(m_failures.isEmpty() ? RunOutcome::Done : RunOutcome::FailedItems);
            return;
        }
        apply(fresh, options, true);
    });
    again->start();
}

void SyncRun::end(RunOutcome outcome)
{
    m_outcome = outcome;
    record({});
}

void SyncRun::endWithError(RunOutcome outcome, const Error &error)
{
    m_outcome = outcome;
    record(error);
}

QString SyncRun::attemptMessage(const Error &error) const
{
    if (!error.isNull()) {
        return error.userMessage;
    }
    if (m_outcome == RunOutcome::GuardStopped) {
        return tr("The plan would disable, delete or remove %1 objects, licences or memberships, more than the %2 "
                  "allowed without confirmation; nothing was changed.")
            .arg(m_destructive)
            .arg(m_guardThreshold);
    }
    if (m_outcome == RunOutcome::FailedItems && !m_failures.isEmpty()) {
        const auto &[change, outcome] = m_failures.constFirst();
        return tr("%n change(s) failed, e.g. %1: %2", "", int(m_failures.size()))
            .arg(change.displayName.isEmpty() ? change.userPrincipalName : change.displayName, outcome.message);
    }
    return {};
}

void SyncRun::record(const Error &error)
{
    m_lock.reset(); // the run is over: the next one may start
    const auto conclude = [this, error] {
        if (error.isNull()) {
            succeed();
        } else {
            fail(error);
        }
    };
    StateStore &store = m_context->store;
    if (!store.isOpen()) {
        conclude();
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_planned) {
        PlanRecord left = planRecordOf(m_plan, m_outcomes);
        left.at = now;
        if (const Result<bool> saved = store.recordPlan(left); !saved.ok()) {
            m_reportWarnings.append(saved.error.userMessage);
        }
    }
    const QString outcome = RunReport::attemptOutcomeFor(m_outcome);
    if (outcome.isEmpty()) {
        conclude(); // a plan only, a declined or stopped run: no attempt for the monitoring to judge
        return;
    }
    const AttemptRecord attempt{now, outcome, attemptMessage(error), m_runId};
    if (const Result<bool> saved = store.recordAttempt(attempt); !saved.ok()) {
        m_reportWarnings.append(saved.error.userMessage);
    }
    if (!m_options.report) {
        conclude();
        return;
    }
    const ProfileHealth health = ProfileHealth::collect(m_context->profile, store, now);
    m_report = new RunReportJob(m_context->nam, m_context->secrets, m_context->profile, health, attempt, this);
    RunReportJob *report = m_report;
    connect(report, &Job::finished, this, [this, report, conclude] {
        m_report = nullptr;
        m_reportWarnings.append(report->warnings());
        report->deleteLater();
        conclude();
    });
    report->start();
}

PlanRecord planRecordOf(const ChangePlan &plan, const QList<ChangeOutcome> &outcomes)
{
    ChangePlan left = plan;
    left.changes.clear();
    for (int i = 0; i < plan.changes.size(); ++i) {
        const Change &c = plan.changes.at(i);
        const bool done = i < outcomes.size() && outcomes.at(i).result == ChangeOutcome::Result::Done;
        if (!done && c.kind != Change::Kind::Conflict && c.kind != Change::Kind::Invalid) {
            left.changes.append(c);
        }
    }
    PlanRecord record;
    record.at = plan.created.isValid() ? plan.created : QDateTime::currentDateTimeUtc();
    record.pending = int(left.changes.size());
    record.destructive = left.destructiveCount();
    return record;
}

// ---------------------------------------------------------------------------------------------------------------
// UndoPlanJob

UndoPlanJob::UndoPlanJob(SyncContext *context, qint64 runId, QObject *parent)
    : Job(parent)
    , m_context(context)
    , m_runId(runId)
{}

UndoPlanJob::~UndoPlanJob()
{
    delete m_read.data();
}

void UndoPlanJob::onCancel()
{
    if (m_read) {
        m_read->disconnect(this);
        m_read->cancel();
    }
}

void UndoPlanJob::run()
{
    const QList<RunRecord> runs = m_context->store.runHistory();
    const auto found = std::find_if(runs.cbegin(), runs.cend(), [this](const RunRecord &r) {
        return r.id == m_runId;
    });
    if (found == runs.cend()) {
        QStringList latest;
        for (const RunRecord &r : runs.mid(0, 10)) {
            latest.append(QString::number(r.id));
        }
        fail(Error{QStringLiteral("sync.undo.noRun"),
                   latest.isEmpty() ? tr("There is no run %1: this profile has not run yet.").arg(m_runId)
                                    : tr("There is no run %1 in this profile's history. The latest runs are: %2.")
                                          .arg(m_runId)
                                          .arg(latest.join(QStringLiteral(", "))),
                   {},
                   {}});
        return;
    }
    if (!found->ended.isValid()) {
        m_notes.append(tr("Run %1 did not finish; undo takes back the changes it recorded as done.").arg(m_runId));
    }
    if (!m_context->connection) {
        fail(Error{
            QStringLiteral("sync.notConnected"),
            tr("The connection \"%1\" is not open yet; try again once it is connected.").arg(m_context->profile.name),
            {},
            {}});
        return;
    }
    // The tenant as a plan reads it (delta from the kept objects). Licence groups are groups too.
    const SyncSettings &settings = m_context->settings;
    const bool readGroups = settings.options.syncGroups || !settings.options.licenceGroupBySku.isEmpty();
    m_read = new CloudReadJob(
        m_context->connection->graph(), &m_context->store, settings.rules.managedProperties(), readGroups, this);
    connect(m_read, &Job::finished, this, [this] {
        CloudReadJob *read = m_read;
        m_read = nullptr;
        read->deleteLater();
        if (read->hasError()) {
            fail(read->error());
            return;
        }
        m_plan = UndoPlanner::plan(m_context->store.runChanges(m_runId),
                                   read->snapshot(),
                                   m_context->store.links(),
                                   Planner::userFingerprintProperties(m_context->settings.rules));
        m_plan.created = QDateTime::currentDateTimeUtc();
        succeed();
    });
    m_read->start();
}

} // namespace M365::Sync
