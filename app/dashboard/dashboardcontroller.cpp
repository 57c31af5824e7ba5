// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "dashboardcontroller.h"

#include "directory/directoryjob.h"
#include "directory/directorysource.h"
#include "graph/requestlog.h"
#include "graph/tenantcheck.h"
#include "profile/connection.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "sandboxserver.h"
#include "sync/cloudreader.h"
#include "sync/initialpasswords.h"
#include "sync/planner.h"
#include "sync/plansession.h"
#include "sync/runlock.h"
#include "sync/schedule.h"
#include "sync/undoplanner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QStandardPaths>

namespace M365::Ui {

DashboardController::DashboardController(const Profile::Profile &profile, const Options &options, QObject *parent)
    : QObject(parent)
    , m_profile(profile)
    , m_options(options)
    , m_nam(new QNetworkAccessManager(this))
{
    qRegisterMetaType<M365::Sync::ApplyProgress>();
    qRegisterMetaType<M365::Sync::ChangeOutcome>();
    m_replanTimer.setSingleShot(true);
    connect(&m_replanTimer, &QTimer::timeout, this, &DashboardController::replan);
    connect(&m_pollTimer, &QTimer::timeout, this, &DashboardController::replan);
}

DashboardController::~DashboardController()
{
    if (m_applyJob) {
        m_applyJob->disconnect(this);
        m_applyJob->cancel();
    }
    if (m_planJob) {
        m_planJob->disconnect(this);
        m_planJob->cancel();
    }
    if (m_watch) {
        m_watch->disconnect(this);
        m_watch->cancel();
    }
    delete m_applyJob.data();
    delete m_planJob.data();
    delete m_watch.data();
    delete m_containersJob.data();
    m_source.reset();
    m_connection.reset();
}

QString DashboardController::stateDirectory() const
{
    return m_options.stateDirectory.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/state")
        : m_options.stateDirectory;
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
    const QList<Sync::RunRecord> runs = m_store.runHistory(1);
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
    return m_connection ? m_connection->graph()->requestLog() : nullptr;
}

Graph::GraphClient *DashboardController::graphClient() const
{
    return m_connection ? m_connection->graph() : nullptr;
}

void DashboardController::showUndo(qint64 runId)
{
    if (!m_connection || m_applyJob || m_undoRead) {
        return;
    }
    if (m_planJob) {
        m_planJob->disconnect(this);
        m_planJob->cancel();
        m_planJob = nullptr;
    }
    // The tenant as it is now: what changed since the run is not overwritten (UndoPlanner makes it a conflict).
    const bool readGroups = m_settings.options.syncGroups || !m_settings.options.licenceGroupBySku.isEmpty();
    m_undoRead =
        new Sync::CloudReadJob(m_connection->graph(), &m_store, m_settings.rules.managedProperties(), readGroups, this);
    Sync::CloudReadJob *read = m_undoRead;
    setState(State::Planning);
    connect(read, &Job::finished, this, [this, read, runId] {
        read->deleteLater();
        if (read->hasError()) {
            setState(State::Ready);
            reportError(read->error());
            return;
        }
        m_plan = Sync::UndoPlanner::plan(m_store.runChanges(runId),
                                         read->snapshot(),
                                         m_store.links(),
                                         Sync::Planner::userFingerprintProperties(m_settings.rules));
        m_plan.created = QDateTime::currentDateTimeUtc();
        m_problems.clear();
        m_undoRun = runId;
        setState(State::Ready);
        Q_EMIT undoChanged();
        Q_EMIT planChanged();
    });
    read->start();
}

void DashboardController::showLivePreview()
{
    if (m_undoRun == 0 || m_applyJob) {
        return;
    }
    m_undoRun = 0;
    Q_EMIT undoChanged();
    replan();
}

void DashboardController::start()
{
    setState(State::Connecting);
    // A profile of the in-process sandbox tenant follows it to this run's port and CA.
    if (m_options.sandbox && m_profile.endpoints.cloud == Identity::Cloud::Custom
        && m_profile.tenant == m_options.sandbox->tenant()->state().tenantId) {
        m_profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(m_options.sandbox->baseUrl()));
        m_profile.caFile = m_options.sandbox->caFile();
    }
    const Result<Sync::SyncSettings> settings = Sync::SyncSettings::fromJson(m_profile.sync);
    if (!settings.ok()) {
        setState(State::Failed);
        reportError(settings.error);
        return;
    }
    m_settings = settings.value;
    QDir().mkpath(stateDirectory());
    m_storePath = stateDirectory() + QLatin1Char('/') + m_profile.name + QStringLiteral(".sqlite");
    const Result<bool> opened = m_store.open(m_storePath);
    if (!opened.ok()) {
        setState(State::Failed);
        reportError(opened.error);
        return;
    }
    if (Sync::isLdapDirectory(m_profile.directory) && !m_profile.secrets.ldapBindPassword.isEmpty()
        && m_options.secrets) {
        Secrets::SecretJob *read = m_options.secrets->read(m_profile.secrets.ldapBindPassword, this);
        connect(read, &Secrets::SecretJob::finished, this, [this, read] {
            if (read->hasError()) {
                setState(State::Failed);
                reportError(read->error());
                return;
            }
            m_bindPassword = QString::fromUtf8(read->value());
            connectToTenant();
        });
        read->start();
        return;
    }
    connectToTenant();
}

void DashboardController::connectToTenant()
{
    Result<std::unique_ptr<Directory::DirectorySource>> source =
        Sync::createDirectorySource(m_profile.directory, m_bindPassword);
    if (!source.ok()) {
        setState(State::Failed);
        reportError(source.error);
        return;
    }
    m_source = std::move(source.value);
    auto *job = new Profile::ConnectJob(m_nam, m_profile, m_options.secrets, this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            setState(State::Failed);
            reportError(job->error());
            return;
        }
        m_connection = job->takeConnection();
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
    m_health.certificateExpires =
        m_profile.credentialKind == Profile::CredentialKind::Certificate ? m_profile.certificate.notAfter : QDateTime();
    m_health.certificateExpiresSoon = m_health.certificateExpires.isValid()
        && m_health.certificateExpires < QDateTime::currentDateTimeUtc().addDays(30);
    m_health.upnDomain = m_settings.rules.domain;
    Graph::Features features;
    features.groups = m_settings.options.syncGroups;
    features.licences = !m_settings.options.defaultSkuId.isEmpty() || !m_settings.options.skuByGroup.isEmpty()
        || !m_settings.options.licenceGroupBySku.isEmpty();
    auto *check = new Graph::TenantCheckJob(m_connection->graph(), features, this);
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
    m_watch = m_source->watch(this);
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
    const bool scheduleChanged = !(settings.schedule == m_settings.schedule);
    m_settings = settings;
    if (scheduleChanged) {
        const QString cli = cliExecutable();
        const Sync::ScheduleInstaller installer(cli.isEmpty() ? QStringLiteral("m365sync-cli") : cli,
                                                m_options.scheduleUnitDirectory,
                                                m_options.runSystemctl);
        const Result<bool> installed = installer.apply(m_profile.name, m_settings.schedule);
        if (!installed.ok()) {
            reportError(installed.error);
        }
    }
    saveProfile();
    m_health.upnDomain = m_settings.rules.domain;
    Q_EMIT healthChanged();
    scheduleReplan(0);
}

void DashboardController::saveProfile()
{
    m_profile.sync = m_settings.toJson();
    M365::Error error;
    const Profile::ProfileStore store(m_options.profileDirectory.isEmpty() ? Profile::ProfileStore::defaultDirectory()
                                                                           : m_options.profileDirectory);
    if (!store.save(m_profile, &error)) {
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
        if (applicable && !selected.contains(i) && m_settings.exclusions.add(change)) {
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
    Result<std::unique_ptr<Directory::DirectorySource>> source = Sync::createDirectorySource(directory, m_bindPassword);
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
    if (m_applyJob) {
        return false;
    }
    Result<std::unique_ptr<Directory::DirectorySource>> source = Sync::createDirectorySource(directory, m_bindPassword);
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
    m_source = std::move(source.value);
    m_profile.directory = directory;
    saveProfile();
    m_directory.invalidate();
    if (m_connection) {
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
    if (!m_settings.exclusions.remove(objectType, key)) {
        return;
    }
    saveProfile();
    Q_EMIT exclusionsChanged();
    scheduleReplan(0);
}

void DashboardController::replan()
{
    if (!m_connection || !m_source) {
        return;
    }
    if (m_planJob || m_applyJob || m_undoRead || m_undoRun != 0) {
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
    m_planJob = new Sync::PlanJob(m_connection->graph(), &m_store, m_source.get(), m_settings, this);
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
    if (m_applyJob || !m_connection) {
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
    Sync::ChangePlan selected = m_plan;
    if (!indexes.isEmpty()) {
        selected.changes.clear();
        for (int i : indexes) {
            if (i >= 0 && i < m_plan.changes.size()) {
                selected.changes.append(m_plan.changes.at(i));
            }
        }
    }
    if (m_settings.guard.trips(selected, m_managedObjects)) {
        m_pendingApply = indexes;
        Q_EMIT deletionGuardTripped(selected.destructiveCount(), m_settings.guard.threshold(m_managedObjects));
        return;
    }
    startApply(indexes);
}

void DashboardController::confirmApply(bool allow)
{
    const QList<int> indexes = m_pendingApply;
    m_pendingApply.clear();
    if (!allow) {
        return;
    }
    startApply(indexes);
}

Sync::RunSummary DashboardController::runSummary(const QList<int> &indexes) const
{
    Sync::ApplyOptions options;
    options.onlyIndices = QSet<int>(indexes.cbegin(), indexes.cend());
    double measured = 0;
    for (const Sync::RunRecord &run : m_store.runHistory(5)) {
        // The latest run that wrote something and ended; a run without writes says nothing about the rate.
        if ((measured = Sync::RunSummary::measuredWritesPerSecond(run)) > 0) {
            break;
        }
    }
    return Sync::RunSummary::build(m_plan, options, measured);
}

void DashboardController::startApply(const QList<int> &indexes)
{
    // One run per profile at a time, whoever starts it (this window, the CLI, the schedule); planning needs no lock.
    m_runLock = std::make_unique<Sync::RunLock>(m_storePath, m_profile.name);
    const Result<bool> locked = m_runLock->acquire();
    if (!locked.ok()) {
        m_runLock.reset();
        Q_EMIT applyRefused(locked.error);
        if (m_replanPending) {
            replan();
        }
        return;
    }
    // Rows left out of an undo are simply not undone; only the live preview's become exclusions.
    m_excludedByRun = m_undoRun == 0 ? excludeUnselected(indexes) : 0;
    Sync::ApplyOptions options;
    options.onlyIndices = QSet<int>(indexes.cbegin(), indexes.cend());
    options.userFingerprintProperties = Sync::Planner::userFingerprintProperties(m_settings.rules);
    m_outcomes.clear();
    m_applyJob = new Sync::ApplyJob(m_connection->graph(), &m_store, m_plan, options, this);
    Sync::ApplyJob *job = m_applyJob;
    connect(job, &Sync::ApplyJob::progressChanged, this, &DashboardController::applyProgress);
    connect(job, &Sync::ApplyJob::changeFinished, this, &DashboardController::changeApplied);
    connect(job,
            &Sync::ApplyJob::initialPasswordIssued,
            this,
            [this](const QString &userPrincipalName, const QString &displayName, const QString &password) {
                m_initialPasswords.append({userPrincipalName, displayName, password});
            });
    connect(job, &Job::finished, this, [this, job] {
        onApplied(job);
    });
    setState(State::Applying);
    job->start();
}

void DashboardController::cancelApply()
{
    if (m_applyJob) {
        m_applyJob->requestStop();
    }
}

void DashboardController::onApplied(Sync::ApplyJob *job)
{
    job->deleteLater();
    m_applyJob = nullptr;
    const QString takenOver = m_runLock ? m_runLock->takenOverMessage() : QString();
    m_runLock.reset();
    m_outcomes = job->outcomes();
    const Sync::ApplyProgress p = job->progress();
    QString summary;
    if (job->wasCancelled()) {
        summary = tr("Stopped: %1 of %2 changes applied; the rest stays in the preview.").arg(p.done).arg(p.total);
    } else if (job->hasError()) {
        summary = job->errorString();
        reportError(job->error());
    } else if (p.failed > 0) {
        summary = tr("%1 of %2 changes applied, %n failed: see the results in the preview.", "", p.failed)
                      .arg(p.done - p.failed)
                      .arg(p.total);
    } else if (const int skipped = job->counts().value(QLatin1String("skipped")).toInt(); skipped > 0) {
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
