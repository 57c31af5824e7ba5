// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "dashboardcontroller.h"

#include "directory/directoryjob.h"
#include "directory/directorysource.h"
#include "graph/requestlog.h"
#include "graph/tenantcheck.h"
#include "profile/connection.h"
#include "profile/profilestore.h"
#include "sync/initialpasswords.h"
#include "sync/planner.h"
#include "sync/plansession.h"
#include "sync/schedule.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QStandardPaths>

#include <algorithm>

namespace M365::Ui {

DashboardController::DashboardController(const Profile::Profile &profile, const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_context(std::make_unique<Sync::SyncContext>())
    , m_nam(new QNetworkAccessManager(this))
{
    qRegisterMetaType<M365::Sync::ApplyProgress>();
    qRegisterMetaType<M365::Sync::ChangeOutcome>();
    m_context->profile = profile;
    m_replanTimer.setSingleShot(true);
    connect(&m_replanTimer, &QTimer::timeout, this, &DashboardController::replan);
    connect(&m_pollTimer, &QTimer::timeout, this, &DashboardController::replan);
}

DashboardController::~DashboardController()
{
    if (m_run) {
        m_run->disconnect(this);
        m_run->cancel();
    }
    if (m_planJob) {
        m_planJob->disconnect(this);
        m_planJob->cancel();
    }
    if (m_watch) {
        m_watch->disconnect(this);
        m_watch->cancel();
    }
    delete m_run.data();
    delete m_planJob.data();
    delete m_watch.data();
    delete m_containersJob.data();
    delete m_undoPlan.data();
    m_context.reset();
}

void DashboardController::setState(State state)
{
    if (m_state != state) {
        m_state = state;
        Q_EMIT stateChanged(state);
    }
}

void DashboardController::reportError(const M365::Error &error)
{
    Q_EMIT errorOccurred(error);
}

QDateTime DashboardController::lastSync() const
{
    const QList<Sync::RunRecord> runs = m_context->store.runHistory(1);
    return runs.isEmpty() ? QDateTime() : (runs.first().ended.isValid() ? runs.first().ended : runs.first().started);
}

int DashboardController::pollIntervalSeconds() const
{
    return m_options.pollIntervalSeconds;
}

void DashboardController::setPollIntervalSeconds(int seconds)
{
    m_options.pollIntervalSeconds = qMax(10, seconds);
    if (m_pollTimer.isActive()) {
        m_pollTimer.start(m_options.pollIntervalSeconds * 1000);
    }
}

Graph::RequestLog *DashboardController::requestLog() const
{
    return m_context->connection ? m_context->connection->graph()->requestLog() : nullptr;
}

Graph::GraphClient *DashboardController::graphClient() const
{
    return m_context->connection ? m_context->connection->graph() : nullptr;
}

void DashboardController::showUndo(qint64 runId)
{
    if (!m_context->connection || m_run || m_undoPlan) {
        return;
    }
    if (m_planJob) {
        m_planJob->disconnect(this);
        m_planJob->cancel();
        m_planJob = nullptr;
    }
    m_undoPlan = new Sync::UndoPlanJob(m_context.get(), runId, this);
    Sync::UndoPlanJob *job = m_undoPlan;
    setState(State::Planning);
    connect(job, &Job::finished, this, [this, job, runId] {
        job->deleteLater();
        if (job->hasError()) {
            setState(State::Ready);
            reportError(job->error());
            return;
        }
        m_plan = job->plan();
        m_problems = job->notes();
        m_undoRun = runId;
        setState(State::Ready);
        Q_EMIT undoChanged();
        Q_EMIT planChanged();
    });
    job->start();
}

void DashboardController::showLivePreview()
{
    if (m_undoRun == 0 || m_run) {
        return;
    }
    m_undoRun = 0;
    Q_EMIT undoChanged();
    replan();
}

void DashboardController::start()
{
    setState(State::Connecting);
    Sync::OpenProfileJob::Options options;
    options.stateDirectory = m_options.stateDirectory;
    auto *job = new Sync::OpenProfileJob(m_nam, m_options.secrets, m_context.get(), options, this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            setState(State::Failed);
            reportError(job->error());
            return;
        }
        onConnected();
    });
    job->start();
}

void DashboardController::onConnected()
{
    checkHealth();
    startWatch();
    m_pollTimer.start(m_options.pollIntervalSeconds * 1000);
    replan();
}

void DashboardController::checkHealth()
{
    m_health.certificateExpires = m_context->profile.credentialKind == Profile::CredentialKind::Certificate
        ? m_context->profile.certificate.notAfter
        : QDateTime();
    m_health.certificateExpiresSoon = m_health.certificateExpires.isValid()
        && m_health.certificateExpires < QDateTime::currentDateTimeUtc().addDays(30);
    m_health.upnDomain = m_context->settings.rules.domain;
    Graph::Features features;
    features.groups = m_context->settings.options.syncGroups;
    features.licences = !m_context->settings.options.defaultSkuId.isEmpty()
        || !m_context->settings.options.skuByGroup.isEmpty()
        || !m_context->settings.options.licenceGroupBySku.isEmpty();
    auto *check = new Graph::TenantCheckJob(m_context->connection->graph(), features, this);
    connect(check, &Job::finished, this, [this, check] {
        check->deleteLater();
        if (check->hasError()) {
            m_health.tokenOk = false;
            Q_EMIT healthChanged();
            reportError(check->error());
            return;
        }
        const Graph::TenantReport &report = check->report();
        m_health.tokenOk = true;
        m_health.missingRoles = report.missingRoles;
        m_health.tenantName = report.organization;
        Q_EMIT healthChanged();
    });
    check->start();
}

void DashboardController::startWatch()
{
    m_watch = m_context->source->watch(this);
    connect(m_watch, &Directory::DirectoryJob::changed, this, [this](const Directory::ChangeEvent &event) {
        m_directory.apply(event);
        scheduleReplan(m_options.replanDelayMs);
    });
    connect(m_watch, &Directory::DirectoryJob::finished, this, [this](M365::Job *job) {
        job->deleteLater();
        // Without a watch nobody keeps the snapshot current: every plan reads the directory again.
        m_directory.invalidate();
        if (job->hasError() && !job->wasCancelled()) {
            // Without the watch, the poll still catches directory changes, only later.
            reportError(M365::Error{QStringLiteral("directory.watch"),
                                    tr("The directory is no longer watched for changes (%1); the preview is "
                                       "refreshed every %n second(s) instead.",
                                       "",
                                       m_options.pollIntervalSeconds)
                                        .arg(job->error().userMessage),
                                    job->error().details,
                                    {}});
        }
    });
    m_watch->start();
}

void DashboardController::scheduleReplan(int delayMs)
{
    m_replanTimer.start(delayMs);
}

QString DashboardController::cliExecutable()
{
    // Installed next to the app; in a build tree, in the cli folder beside the app's.
    const QString name = QStringLiteral("m365sync-cli");
    const QString appDir = QCoreApplication::applicationDirPath();
    const QString found = QStandardPaths::findExecutable(
        name, {appDir, appDir + QStringLiteral("/../cli"), appDir + QStringLiteral("/../../cli")});
    return QDir::cleanPath(found.isEmpty() ? QStandardPaths::findExecutable(name) : found);
}

void DashboardController::setSettings(const Sync::SyncSettings &settings)
{
    const bool scheduleChanged = !(settings.schedule == m_context->settings.schedule);
    m_context->settings = settings;
    if (scheduleChanged) {
        // Written by systemctl or schtasks on the process's signals: the window never waits for them.
        const QString cli = cliExecutable();
        const Sync::ScheduleInstaller installer(cli.isEmpty() ? QStringLiteral("m365sync-cli") : cli,
                                                m_options.scheduleUnitDirectory,
                                                m_options.runSystemctl);
        auto *job = new Sync::ScheduleJob(installer, m_context->profile.name, m_context->settings.schedule, this);
        connect(job, &Job::finished, this, [this, job] {
            job->deleteLater();
            if (job->hasError()) {
                reportError(job->error());
            }
            Q_EMIT scheduleApplied();
        });
        job->start();
    }
    saveProfile();
    m_health.upnDomain = m_context->settings.rules.domain;
    Q_EMIT healthChanged();
    scheduleReplan(0);
}

void DashboardController::saveProfile()
{
    m_context->profile.sync = m_context->settings.toJson();
    M365::Error error;
    const Profile::ProfileStore store(m_options.profileDirectory.isEmpty() ? Profile::ProfileStore::defaultDirectory()
                                                                           : m_options.profileDirectory);
    if (!store.save(m_context->profile, &error)) {
        reportError(error);
    }
}

int DashboardController::excludeUnselected(const QList<int> &indexes)
{
    if (indexes.isEmpty()) {
        return 0; // everything is applied
    }
    const QSet<int> selected(indexes.cbegin(), indexes.cend());
    int added = 0;
    for (int i = 0; i < m_plan.changes.size(); ++i) {
        const Sync::Change &change = m_plan.changes.at(i);
        const bool applicable =
            change.kind != Sync::Change::Kind::Conflict && change.kind != Sync::Change::Kind::Invalid;
        if (applicable && !selected.contains(i) && m_context->settings.exclusions.add(change)) {
            ++added;
        }
    }
    if (added > 0) {
        saveProfile();
        Q_EMIT exclusionsChanged();
    }
    return added;
}

std::unique_ptr<Directory::DirectorySource> DashboardController::sourceFor(const QJsonObject &directory)
{
    Result<std::unique_ptr<Directory::DirectorySource>> source =
        Sync::createDirectorySource(directory, m_context->bindPassword);
    if (!source.ok()) {
        reportError(source.error);
        return nullptr;
    }
    return std::move(source.value);
}

Directory::DirectoryJob *DashboardController::testDirectory(const QJsonObject &directory)
{
    if (m_testJob && !m_testJob->isFinished()) {
        return nullptr;
    }
    m_testSource = sourceFor(directory);
    if (!m_testSource) {
        return nullptr;
    }
    m_testJob = m_testSource->testConnection(this);
    return m_testJob;
}

bool DashboardController::setDirectory(const QJsonObject &directory)
{
    if (m_run) {
        return false;
    }
    Result<std::unique_ptr<Directory::DirectorySource>> source =
        Sync::createDirectorySource(directory, m_context->bindPassword);
    if (!source.ok()) {
        reportError(source.error);
        return false;
    }
    if (m_planJob) {
        m_planJob->disconnect(this);
        m_planJob->cancel();
        m_planJob->deleteLater();
        m_planJob = nullptr;
    }
    if (m_watch) {
        m_watch->disconnect(this);
        delete m_watch.data(); // cancels and joins its worker before the source it reads goes
    }
    m_context->source = std::move(source.value);
    m_context->profile.directory = directory;
    saveProfile();
    m_directory.invalidate();
    if (m_context->connection) {
        startWatch();
        scheduleReplan(0);
    }
    return true;
}

Directory::DirectoryJob *DashboardController::readContainers(const QJsonObject &directory)
{
    if ((m_containersJob && !m_containersJob->isFinished()) || m_state == State::Idle || m_state == State::Connecting) {
        return nullptr;
    }
    m_containersSource = sourceFor(directory);
    if (!m_containersSource) {
        return nullptr;
    }
    m_containersJob = m_containersSource->readContainers(this);
    return m_containersJob;
}

QByteArray DashboardController::userPhoto(const QString &anchor) const
{
    if (anchor.isEmpty()) {
        return {};
    }
    // One look-up when the admin selects a row: a scan of 100,000 users takes about a millisecond, so the snapshot
    // needs no second index for it.
    for (const Directory::DirectoryEntry &user : m_directory.users()) {
        if (user.anchor != anchor) {
            continue;
        }
        for (const QString &attribute : {QStringLiteral("thumbnailPhoto"), QStringLiteral("jpegPhoto")}) {
            const QList<QByteArray> values = user.binaryValues(attribute);
            if (!values.isEmpty() && !values.first().isEmpty()) {
                return values.first();
            }
        }
        return {};
    }
    return {};
}

void DashboardController::includeAgain(Sync::Change::ObjectType objectType, const QString &key)
{
    if (!m_context->settings.exclusions.remove(objectType, key)) {
        return;
    }
    saveProfile();
    Q_EMIT exclusionsChanged();
    scheduleReplan(0);
}

void DashboardController::replan()
{
    if (!m_context->connection || !m_context->source) {
        return;
    }
    if (m_planJob || m_run || m_undoPlan || m_undoRun != 0) {
        // One plan at a time, none while a run changes the tenant, and none over an undo the admin is looking at:
        // once more afterwards.
        m_replanPending = true;
        return;
    }
    m_replanPending = false;
    if (m_state != State::Ready) {
        setState(State::Planning);
    }
    // Now and then everything is read again anyway: the net under anything a watch may have missed.
    constexpr qint64 kFullReadIntervalMs = 15 * 60 * 1000;
    if (m_directory.isValid() && m_directory.readAt().msecsTo(QDateTime::currentDateTimeUtc()) > kFullReadIntervalMs) {
        m_directory.invalidate();
    }
    m_planJob = new Sync::PlanJob(
        m_context->connection->graph(), &m_context->store, m_context->source.get(), m_context->settings, this);
    m_planJob->setDirectorySnapshot(&m_directory);
    m_planJob->setIncrementalPlanner(m_planner);
    Sync::PlanJob *job = m_planJob;
    connect(job, &Job::finished, this, [this, job] {
        onPlanned(job);
    });
    job->start();
}

void DashboardController::onPlanned(Sync::PlanJob *job)
{
    job->deleteLater();
    m_planJob = nullptr;
    if (job->hasError()) {
        if (!job->wasCancelled()) {
            setState(m_plan.changes.isEmpty() && m_plan.created.isNull() ? State::Failed : State::Ready);
            reportError(job->error());
        }
    } else {
        m_plan = job->plan();
        m_managedObjects = job->managedObjects();
        // What the connection would do now, for the Connections overview and `m365sync-cli status --all`.
        m_context->store.recordPlan(Sync::planRecordOf(m_plan));
        m_problems.clear();
        for (const Directory::EntryProblem &p : job->problems()) {
            m_problems.append(p.toString());
        }
        m_problems.append(job->notes());
        setState(State::Ready);
        Q_EMIT planChanged();
    }
    if (m_applyPending) {
        m_applyPending = false;
        apply(m_pendingApply);
        return;
    }
    if (m_replanPending) {
        replan();
    }
}

void DashboardController::apply(const QList<int> &indexes)
{
    if (m_run || !m_context->connection) {
        return;
    }
    if (m_planJob) {
        // The plan in view is the one the admin chose to apply: a newer one being made is dropped (the run re-plans
        // afterwards). Only when there is no plan yet does the apply wait for it.
        if (m_plan.created.isNull()) {
            m_applyPending = true;
            m_pendingApply = indexes;
            return;
        }
        m_planJob->disconnect(this);
        m_planJob->cancel();
        m_planJob = nullptr;
    }
    startRun(indexes, 0);
}

void DashboardController::confirmApply(bool allow)
{
    const QList<int> indexes = m_pendingApply;
    const int destructive = m_pendingDestructive;
    m_pendingApply.clear();
    m_pendingDestructive = 0;
    if (allow) {
        startRun(indexes, destructive);
    } else if (m_replanPending) {
        replan();
    }
}

Sync::RunSummary DashboardController::runSummary(const QList<int> &indexes) const
{
    Sync::ApplyOptions options;
    options.onlyIndices = QSet<int>(indexes.cbegin(), indexes.cend());
    double measured = 0;
    for (const Sync::RunRecord &run : m_context->store.runHistory(5)) {
        // The latest run that wrote something and ended; a run without writes says nothing about the rate.
        if ((measured = Sync::RunSummary::measuredWritesPerSecond(run)) > 0) {
            break;
        }
    }
    return Sync::RunSummary::build(m_plan, options, measured);
}

void DashboardController::startRun(const QList<int> &indexes, int allowDeletes)
{
    Sync::RunOptions options;
    options.plan = m_plan;
    options.onlyIndices = QSet<int>(indexes.cbegin(), indexes.cend());
    options.allowDeletes = allowDeletes;
    // An undo's changes whose objects moved on are reported, not re-planned as a sync.
    options.replanStale = m_undoRun == 0;
    m_run = new Sync::SyncRun(m_context.get(), options, this);
    Sync::SyncRun *run = m_run;
    connect(run, &Sync::SyncRun::applying, this, [this, indexes] {
        // Rows left out of an undo are simply not undone; only the live preview's become exclusions.
        m_excludedByRun = m_undoRun == 0 ? excludeUnselected(indexes) : 0;
        m_outcomes.clear();
        setState(State::Applying);
    });
    connect(run, &Sync::SyncRun::progressChanged, this, &DashboardController::applyProgress);
    connect(run, &Sync::SyncRun::changeFinished, this, &DashboardController::changeApplied);
    connect(run,
            &Sync::SyncRun::initialPasswordIssued,
            this,
            [this](const QString &userPrincipalName, const QString &displayName, const QString &password) {
                m_initialPasswords.append({userPrincipalName, displayName, password});
            });
    connect(run, &Job::finished, this, [this, run, indexes] {
        onRunFinished(run, indexes);
    });
    run->start();
}

void DashboardController::cancelApply()
{
    if (m_run) {
        m_run->requestStop();
    }
}

void DashboardController::onRunFinished(Sync::SyncRun *run, const QList<int> &indexes)
{
    run->deleteLater();
    m_run = nullptr;
    using Sync::RunOutcome;
    switch (run->outcome()) {
    case RunOutcome::GuardStopped:
        // Nothing was changed: the admin is asked (the widget's dialog), and confirmApply() answers.
        m_pendingApply = indexes;
        m_pendingDestructive = run->destructiveCount();
        Q_EMIT deletionGuardTripped(run->destructiveCount(), run->guardThreshold());
        return;
    case RunOutcome::Locked:
        Q_EMIT applyRefused(run->error());
        if (m_replanPending) {
            replan();
        }
        return;
    case RunOutcome::NothingToDo:
    case RunOutcome::Planned:
    case RunOutcome::Declined:
        replan();
        return;
    case RunOutcome::Failed:
        if (m_state != State::Applying) {
            // Stopped before anything was applied (e.g. the connection is not open).
            reportError(run->error());
            replan();
            return;
        }
        break;
    case RunOutcome::Done:
    case RunOutcome::FailedItems:
    case RunOutcome::Stopped:
        break;
    }
    const QString takenOver = run->lockTakenOverMessage();
    m_outcomes = run->outcomes();
    const Sync::ApplyProgress p = run->progress();
    const int skipped = int(std::count_if(m_outcomes.cbegin(), m_outcomes.cend(), [](const Sync::ChangeOutcome &o) {
        return o.result == Sync::ChangeOutcome::Result::Skipped;
    }));
    QString summary;
    if (run->outcome() == RunOutcome::Stopped) {
        summary = tr("Stopped: %1 of %2 changes applied; the rest stays in the preview.").arg(p.done).arg(p.total);
    } else if (run->hasError()) {
        summary = run->errorString();
        reportError(run->error());
    } else if (p.failed > 0) {
        summary = tr("%1 of %2 changes applied, %n failed: see the results in the preview.", "", p.failed)
                      .arg(p.done - p.failed)
                      .arg(p.total);
    } else if (skipped > 0) {
        // Conflicts, invalid changes and licences without a free seat are never applied: not "all".
        summary = tr("%1 of %2 changes applied; %n held back (conflicts, invalid, no free licence): see the preview.",
                     "",
                     skipped)
                      .arg(p.total - skipped)
                      .arg(p.total);
    } else {
        summary = tr("All %n change(s) applied.", "", p.total);
    }
    if (m_excludedByRun > 0) {
        summary += QLatin1Char(' ')
            + tr("%n unchecked object(s) are excluded from now on; Settings → Exclusions includes them again.",
                 "",
                 m_excludedByRun);
        m_excludedByRun = 0;
    }
    if (!takenOver.isEmpty()) {
        summary += QLatin1Char(' ') + takenOver;
    }
    for (const QString &warning : run->reportWarnings()) {
        summary += QLatin1Char(' ') + warning;
    }
    setState(State::Ready);
    if (!m_initialPasswords.isEmpty()) {
        Q_EMIT initialPasswordsChanged();
    }
    Q_EMIT applyFinished(summary, p.failed > 0);
    if (m_undoRun != 0) {
        m_undoRun = 0;
        Q_EMIT undoChanged();
    }
    // What is left (stale, failed, not selected) shows in a fresh plan.
    replan();
}

Result<bool> DashboardController::saveInitialPasswords(const QString &path)
{
    // A file the admin chose to replace: the sheet appends, and old passwords in it would be mistaken for these.
    if (QFile::exists(path) && !QFile::remove(path)) {
        return Result<bool>::failure(Error{QStringLiteral("sync.passwords"),
                                           tr("The file %1 cannot be replaced; choose another one. The passwords "
                                              "are still kept until you save or dismiss them.")
                                               .arg(QDir::toNativeSeparators(path)),
                                           {},
                                           {}});
    }
    Sync::PasswordSheet sheet;
    Result<bool> written = sheet.open(path);
    for (int i = 0; written.ok() && i < m_initialPasswords.size(); ++i) {
        const InitialPassword &p = m_initialPasswords.at(i);
        written = sheet.add(p.userPrincipalName, p.displayName, p.password);
    }
    if (!written.ok()) {
        return written;
    }
    discardInitialPasswords();
    return Result<bool>::success(true);
}

void DashboardController::discardInitialPasswords()
{
    if (m_initialPasswords.isEmpty()) {
        return;
    }
    m_initialPasswords.clear();
    Q_EMIT initialPasswordsChanged();
}

} // namespace M365::Ui
