// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "profile/profile.h"
#include "sync/applier.h"
#include "sync/changeplan.h"
#include "sync/directorysnapshot.h"
#include "sync/runsummary.h"
#include "sync/statestore.h"
#include "sync/syncrun.h"
#include "sync/syncsettings.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

class QNetworkAccessManager;

namespace M365::Secrets {
class SecretStore;
}
namespace M365::Directory {
class DirectorySource;
class DirectoryJob;
} // namespace M365::Directory
namespace M365::Profile {
class Connection;
}
namespace M365::Graph {
class RequestLog;
}
namespace M365::Sync {
class PlanJob;
}

namespace M365::Ui {

/**
 * Everything the dashboard does, without a widget (STYLE.md): for one profile it connects, keeps a live plan, applies
 * it and reports progress. The GUI and the GUI tests drive it. The profile is opened (Sync::OpenProfileJob) and each
 * Synchronize Now is a Sync::SyncRun, exactly as the CLI and scheduled runs do it.
 *
 * Live preview: the plan is recomputed (PlanJob, planning on a worker thread) when the directory changes (the source's
 * watch), when the tenant changes (a delta poll every pollInterval()), and at once when the settings change. Only one
 * plan is computed at a time; a trigger during planning schedules one more round after it.
 *
 * The state store is the same file the CLI uses for the profile (StateStore::pathForProfile()), so a scheduled
 * `m365sync-cli sync` and the GUI share links and history.
 */
class DashboardController : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Connecting, Planning, Ready, Applying, Failed };
    Q_ENUM(State)

    /// A new user's initial password, as the run issued it: kept in memory only (see saveInitialPasswords()).
    struct InitialPassword
    {
        QString userPrincipalName;
        QString displayName;
        QString password;
    };

    struct Health
    {
        bool tokenOk = false;
        QStringList missingRoles; ///< empty: the app has what the sync needs
        QDateTime certificateExpires; ///< invalid for a client secret
        bool certificateExpiresSoon = false; ///< within 30 days
        QString tenantName;
        QString upnDomain;
    };

    struct Options
    {
        Secrets::SecretStore *secrets = nullptr;
        QString stateDirectory; ///< empty: <AppDataLocation>/state
        QString profileDirectory; ///< where setSettings() saves the profile; empty: ProfileStore::defaultDirectory()
        int pollIntervalSeconds = 60;
        /// Where the schedule's systemd user units go (empty: ~/.config/systemd/user), and whether systemctl is run;
        /// tests point this at a temporary folder.
        QString scheduleUnitDirectory;
        bool runSystemctl = true;
        int replanDelayMs = 100; ///< debounce of directory changes (a burst of edits becomes one plan)
    };

    DashboardController(const Profile::Profile &profile, const Options &options, QObject *parent = nullptr);
    ~DashboardController() override;

    /// Connects, opens the state store, starts the directory watch and the tenant poll, and plans.
    void start();

    State state() const { return m_state; }
    const Profile::Profile &profile() const { return m_context->profile; }
    const Sync::SyncSettings &settings() const { return m_context->settings; }
    /// Changes rules, scope, guard, options or schedule: saved to the profile (ProfileStore), the schedule put into
    /// the system's scheduler when it changed, and planned again at once.
    void setSettings(const Sync::SyncSettings &settings);
    const Health &health() const { return m_health; }
    const Sync::ChangePlan &plan() const { return m_plan; }
    /// Malformed directory entries of the last plan, as "DN or line: reason".
    QStringList problems() const { return m_problems; }
    Sync::StateStore *stateStore() { return &m_context->store; }
    QDateTime lastSync() const;
    int managedObjects() const { return m_managedObjects; }
    int pollIntervalSeconds() const;
    void setPollIntervalSeconds(int seconds);

    /// Plans again now (the Refresh button).
    void replan();

    /// Applies all changes (empty) or the given plan indexes. When the deletion guard trips, emits
    /// deletionGuardTripped() and does nothing until confirmApply(true) (or confirmApply(false) to drop it).
    /// The objects of the changes left out (unchecked rows) become exclusions of the profile when the run starts, so
    /// that no later run (GUI, CLI or scheduled) makes them either.
    void apply(const QList<int> &indexes = {});
    void confirmApply(bool allow);
    /// What applying the given plan indexes (empty: all) would do, for the confirmation before Synchronize Now; the
    /// time estimate uses the last run's measured rate when the history has one.
    Sync::RunSummary runSummary(const QList<int> &indexes = {}) const;
    /// Tests the connection to a directory described like the profile's "directory" object (e.g. with another CA
    /// file), with the profile's bind password; the job's summary holds the server certificate. Null while another
    /// test runs.
    Directory::DirectoryJob *testDirectory(const QJsonObject &directory);
    /// Replaces the profile's directory settings: saved, then read and watched anew and planned again. Refused
    /// (false) while a sync runs.
    bool setDirectory(const QJsonObject &directory);
    /**
     * Reads the container tree (DirectorySource::readContainers()) of a directory described like the profile's
     * "directory" object, with the profile's bind password, for Settings → Directory to choose the container scopes
     * from. Null while another read runs, before the bind password is known (Idle, Connecting) and when the settings
     * describe no usable directory.
     */
    Directory::DirectoryJob *readContainers(const QJsonObject &directory);
    /**
     * The picture of the directory user with @p anchor (thumbnailPhoto as Active Directory keeps it, else
     * inetOrgPerson's jpegPhoto), as the last read of the directory brought it: the presets read all user attributes,
     * so no extra request is made. Empty when the user has none or is not in the snapshot (yet).
     */
    QByteArray userPhoto(const QString &anchor) const;
    /// Takes an object out of the profile's exclusions (Settings → Exclusions) and plans again.
    void includeAgain(M365::Sync::Change::ObjectType objectType, const QString &key);
    /// Graceful stop: in-flight requests finish and are committed (ApplyJob::requestStop()).
    void cancelApply();
    /// The last run's outcomes, by plan index (empty before a run).
    const QList<Sync::ChangeOutcome> &outcomes() const { return m_outcomes; }

    /**
     * The initial passwords of the users the runs since the last save created (federated users get none). They are
     * never written anywhere by themselves, neither to disk nor to the settings: saveInitialPasswords() writes them
     * once to the protected CSV the CLI's --password-file writes, then forgets them; discardInitialPasswords() and
     * closing the dashboard forget them too. Nobody can read them afterwards, Microsoft 365 included.
     */
    const QList<InitialPassword> &initialPasswords() const { return m_initialPasswords; }
    /// Writes initialPasswords() to @p path (replaced if it exists; mode 0600) and forgets them on success.
    Result<bool> saveInitialPasswords(const QString &path);
    void discardInitialPasswords();

    /// The Graph request log of the connection (for the Log tab); null before connected.
    Graph::RequestLog *requestLog() const;
    /// The Graph connection (for the Licences tab); null before connected.
    Graph::GraphClient *graphClient() const;

    /**
     * Shows, in place of the live preview, what undoing run @p runId would do (Sync::UndoPlanner): the previous values
     * back, disabled accounts enabled again, created ones disabled, and what changed in the tenant since then as
     * conflicts. Like any plan it is applied only through Synchronize Now and its confirmation; until then, or
     * until showLivePreview(), the live preview waits.
     */
    void showUndo(qint64 runId);
    /// Leaves the undo preview: the live preview is planned again.
    void showLivePreview();
    /// The run whose undo plan() holds; 0 while plan() is the live preview.
    qint64 undoRun() const { return m_undoRun; }

Q_SIGNALS:
    void stateChanged(M365::Ui::DashboardController::State state);
    void healthChanged();
    /// A new plan is in plan(); also emitted after a run, when the plan was made again.
    void planChanged();
    void applyProgress(const M365::Sync::ApplyProgress &progress);
    void changeApplied(int index, const M365::Sync::ChangeOutcome &outcome);
    /// A run ended (successfully, with failed items, or cancelled): @p summary says how in one sentence.
    void applyFinished(const QString &summary, bool failedItems);
    void deletionGuardTripped(int destructive, int threshold);
    /// apply() did not start a run: another run of the profile holds its run lock (the error names it), or the lock
    /// file cannot be written. Nothing was changed.
    void applyRefused(const M365::Error &error);
    /// initialPasswords() changed: a run issued some, or they were saved or discarded.
    void initialPasswordsChanged();
    /// The profile's exclusions changed (a run left changes out, or an object was included again).
    void exclusionsChanged();
    /// Something went wrong that the admin must see (connection, directory, state store); the page says what to do.
    void errorOccurred(const M365::Error &error);
    /// plan() switched between the live preview and the undo of a run (undoRun()).
    void undoChanged();
    /// A changed schedule was put into the system's scheduler (or errorOccurred() said why it could not be).
    void scheduleApplied();

private:
    /// A source for @p directory with the profile's bind password; null (after reportError()) when it is not valid.
    std::unique_ptr<Directory::DirectorySource> sourceFor(const QJsonObject &directory);
    void setState(State state);
    void reportError(const M365::Error &error);
    void onConnected();
    void checkHealth();
    void startWatch();
    void scheduleReplan(int delayMs);
    void onPlanned(Sync::PlanJob *job);
    /// Synchronize Now: a SyncRun of the plan in view (its rows @p indexes; empty: all).
    void startRun(const QList<int> &indexes, int allowDeletes);
    void onRunFinished(Sync::SyncRun *run, const QList<int> &indexes);
    /// Excludes the objects of the applicable changes that are not among @p indexes; how many were added.
    int excludeUnselected(const QList<int> &indexes);
    void saveProfile();
    static QString cliExecutable();

    Options m_options;
    /// The profile as opened for syncing (settings, state store, connection, directory source), shared with its runs.
    std::unique_ptr<Sync::SyncContext> m_context;
    Sync::ChangePlan m_plan;
    QStringList m_problems;
    QList<Sync::ChangeOutcome> m_outcomes;
    Health m_health;
    State m_state = State::Idle;
    int m_managedObjects = 0;
    QNetworkAccessManager *m_nam = nullptr;
    QPointer<Directory::DirectoryJob> m_watch;
    QPointer<Sync::PlanJob> m_planJob;
    QPointer<Sync::SyncRun> m_run;
    QList<InitialPassword> m_initialPasswords;
    QTimer m_replanTimer;
    QTimer m_pollTimer;
    /// The directory as the watch keeps it: plans start from it instead of a full read (see DirectorySnapshot).
    Sync::DirectorySnapshot m_directory;
    /// Re-plans only the users an edit touched; shared with the plan's worker thread, which may outlive a cancelled
    /// plan job, hence shared ownership.
    std::shared_ptr<Sync::IncrementalPlanner> m_planner = std::make_shared<Sync::IncrementalPlanner>();
    /// The source a directory test (testDirectory()) reads, kept until its job ends.
    std::unique_ptr<Directory::DirectorySource> m_testSource;
    QPointer<Directory::DirectoryJob> m_testJob;
    /// The source and the job of readContainers().
    std::unique_ptr<Directory::DirectorySource> m_containersSource;
    QPointer<Directory::DirectoryJob> m_containersJob;
    int m_excludedByRun = 0; ///< exclusions the current run added, for its summary
    qint64 m_undoRun = 0; ///< see undoRun()
    QPointer<Sync::UndoPlanJob> m_undoPlan;
    bool m_replanPending = false;
    QList<int> m_pendingApply; ///< waiting for the deletion guard's confirmation
    int m_pendingDestructive = 0; ///< the destructive changes the guard asks about
    bool m_applyPending = false;
};

} // namespace M365::Ui
