// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "applier.h"
#include "changeplan.h"
#include "directory/directoryentry.h"
#include "identity/tokenprovider.h"
#include "job.h"
#include "profile/profile.h"
#include "statestore.h"
#include "syncsettings.h"

#include <QJsonObject>
#include <QPointer>
#include <QSslCertificate>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace M365::Secrets {
class SecretStore;
}
namespace M365::Directory {
class DirectorySource;
}
namespace M365::Profile {
class Connection;
}

namespace M365::Sync {

class CloudReadJob;
class PlanJob;
class RunLock;
class RunReportJob;

/**
 * One profile, opened for syncing: what every run of it works with. The front end (the dashboard, a CLI command, a
 * scheduled run) owns it for as long as it shows or runs the profile; runs only borrow it.
 */
struct SyncContext
{
    SyncContext();
    ~SyncContext();
    SyncContext(const SyncContext &) = delete;
    SyncContext &operator=(const SyncContext &) = delete;

    Profile::Profile profile;
    SyncSettings settings;
    /// The profile's store, at StateStore::pathForProfile() (one place for the GUI, the CLI and scheduled runs).
    StateStore store;
    /// The tenant; null when the profile was opened for its directory only.
    std::unique_ptr<Profile::Connection> connection;
    std::unique_ptr<Directory::DirectorySource> source;
    /// The LDAP bind password, read from the keychain (empty for files and anonymous binds).
    QString bindPassword;
    /// What opened it (OpenProfileJob): runs use them to report to the monitoring (the webhook's URL is a secret).
    QNetworkAccessManager *nam = nullptr;
    Secrets::SecretStore *secrets = nullptr;
};

/// What @p plan proposes, for the monitoring (pending changes and deletions); with @p outcomes, what is left of it
/// after a run applied it (changes that are not done).
PlanRecord planRecordOf(const ChangePlan &plan, const QList<ChangeOutcome> &outcomes = {});

/**
 * Opens a profile for syncing into a SyncContext: its sync settings, its state store, the bind password from the
 * keychain, the directory source and (unless only the directory is wanted) the connection to the tenant. A profile
 * of the sandbox tenant must point at a running sandbox before (the front end hosts it).
 */
class OpenProfileJob : public M365::Job
{
    Q_OBJECT

public:
    struct Options
    {
        /// false: only the directory (no sign-in), for `directory test`.
        bool connectToTenant = true;
        /// Where the state store lives; empty: StateStore::pathForProfile()'s default folder.
        QString stateDirectory;
        /// The store file itself, when it is not named after the profile (the CLI's --sandbox demo).
        QString statePath;
        /// A credential given directly (the sandbox demo's client secret) instead of the one in the keychain.
        std::optional<Identity::ClientCredential> credential;
    };

    OpenProfileJob(QNetworkAccessManager *nam,
                   Secrets::SecretStore *secrets,
                   SyncContext *context,
                   const Options &options,
                   QObject *parent = nullptr);

protected:
    void run() override;

private:
    void openDirectory();
    void connectToTenant();

    QNetworkAccessManager *m_nam;
    QPointer<Secrets::SecretStore> m_secrets;
    SyncContext *m_context;
    Options m_options;
};

/// What a run came to; the CLI's exit code and the monitoring follow from it.
enum class RunOutcome {
    Planned, ///< RunOptions::apply was false: the plan is ready, nothing was changed
    NothingToDo, ///< the tenant matches the directory (nothing actionable among the chosen changes)
    Declined, ///< RunOptions::confirm said no
    GuardStopped, ///< the deletion guard tripped; nothing was changed (destructiveCount(), guardThreshold())
    Locked, ///< another run of the profile held its run lock; nothing was changed (error() says whose)
    Done, ///< every chosen change applied (or held back as a conflict, invalid or without a seat)
    FailedItems, ///< finished, with some changes failed
    Stopped, ///< requestStop(): the changes in flight finished, the rest was left
    Failed, ///< an error stopped the run (error())
};

struct RunOptions
{
    /// false: plan only (`m365sync-cli plan`); the plan is read from plan() and nothing is applied.
    bool apply = true;
    /// A plan made already (the dashboard's preview, an undo): applied as it is instead of planning anew.
    std::optional<ChangePlan> plan;
    /// Only these changes, by index into the plan (empty: all); the GUI's checked rows.
    QSet<int> onlyIndices;
    /// Only changes of these kinds (empty: all); the CLI's --only.
    QSet<Change::Kind> onlyKinds;
    /// How many destructive changes the admin allowed beyond the deletion guard's threshold (--allow-deletes N, or
    /// the GUI's confirmation of the guard's question).
    int allowDeletes = 0;
    /// Changes whose objects moved on in the tenant since planning are planned again and applied, once. An undo
    /// leaves them alone (they are reported instead).
    bool replanStale = true;
    /// Where new users' initial passwords go (ApplyOptions::passwordFile).
    QString passwordFile;
    /// Asked once the plan is known and the guard passed, before anything is applied; empty: applied without asking.
    std::function<bool(const ChangePlan &plan, int actionable)> confirm;
    /// Report the attempt to the profile's monitoring (Prometheus textfile, webhook) once it is recorded.
    bool report = true;
};

/**
 * One whole run of a profile, the same for the dashboard, the CLI and the schedule: plan (unless given a plan), the
 * deletion guard, the run lock, apply, plan again and apply the changes that went stale in the tenant meanwhile
 * (once), and the history in the state store (ApplyJob records each round as a run). At the end the attempt and what
 * is left of the plan are recorded for the monitoring (StateStore::recordAttempt(), recordPlan()) and reported to the
 * profile's monitoring (RunReportJob: the Prometheus textfile, the webhook on a failure).
 *
 * finished() comes with an error only for RunOutcome::Failed and Locked; the other outcomes are results.
 */
class SyncRun : public M365::Job
{
    Q_OBJECT

public:
    SyncRun(SyncContext *context, const RunOptions &options, QObject *parent = nullptr);
    ~SyncRun() override;

    /// Graceful stop while applying: requests in flight finish and are recorded (ApplyJob::requestStop()).
    void requestStop();

    RunOutcome outcome() const { return m_outcome; }
    /// The plan the run started from (made by it, or given).
    const ChangePlan &plan() const { return m_plan; }
    /// The plan's skipped directory entries and notes (empty for a given plan).
    const QList<Directory::EntryProblem> &problems() const { return m_problems; }
    const QStringList &notes() const { return m_notes; }
    int managedObjects() const { return m_managedObjects; }
    /// Actionable changes among the chosen ones (not conflicts or invalid).
    int actionable() const { return m_actionable; }
    /// GuardStopped: the destructive changes and how many the guard allows.
    int destructiveCount() const { return m_destructive; }
    int guardThreshold() const { return m_guardThreshold; }
    /// The outcome of each change of plan(), by index, as the first round applied it (empty before).
    const QList<ChangeOutcome> &outcomes() const { return m_outcomes; }
    /// The failed changes of every round, with their outcome.
    const QList<QPair<Change, ChangeOutcome>> &failures() const { return m_failures; }
    /// Counts of all rounds by result ("done", "failed", "skipped", "stale", …).
    const QJsonObject &totals() const { return m_totals; }
    /// The progress of the first round, which applies the chosen changes of plan(); the re-planned stale changes
    /// of a second round count in totals().
    ApplyProgress progress() const { return m_progress; }
    /// Changes still stale after the run (not re-planned, or stale again).
    int staleLeft() const { return m_staleLeft; }
    /// The run lock took over the lock of a run that had died (a sentence for the admin); empty otherwise.
    QString lockTakenOverMessage() const { return m_lockTakenOver; }
    /// What could not be recorded or reported to the monitoring (each says what to do); the run itself is not
    /// affected by them.
    const QStringList &reportWarnings() const { return m_reportWarnings; }

Q_SIGNALS:
    /// The plan is ready (before the guard and the confirmation).
    void planned(const M365::Sync::ChangePlan &plan);
    /// The guard passed, the run was confirmed and holds the run lock: changes are being applied from now on.
    void applying();
    void progressChanged(const M365::Sync::ApplyProgress &progress);
    /// A change of plan() finished in the first round.
    void changeFinished(int index, const M365::Sync::ChangeOutcome &outcome);
    void initialPasswordIssued(const QString &userPrincipalName, const QString &displayName, const QString &password);
    /// @p count objects changed in the tenant while the run planned: they are planned again.
    void replanningStale(int count);

protected:
    void run() override;
    void onCancel() override;

private:
    void onPlanned();
    void decide();
    void apply(const ChangePlan &plan, const ApplyOptions &options, bool lastRound);
    void onApplied(ApplyJob *job, bool lastRound);
    void replanStale(const QSet<QString> &keys);
    ApplyOptions applyOptions() const;
    void end(RunOutcome outcome);
    void endWithError(RunOutcome outcome, const Error &error);
    /// Records the attempt and what is left of the plan, reports them, then finishes with @p error (or success).
    void record(const Error &error);
    QString attemptMessage(const Error &error) const;

    SyncContext *m_context;
    RunOptions m_options;
    RunOutcome m_outcome = RunOutcome::Failed;
    ChangePlan m_plan;
    QList<Directory::EntryProblem> m_problems;
    QStringList m_notes;
    int m_managedObjects = 0;
    int m_actionable = 0;
    int m_destructive = 0;
    int m_guardThreshold = 0;
    QList<ChangeOutcome> m_outcomes;
    QList<QPair<Change, ChangeOutcome>> m_failures;
    QJsonObject m_totals;
    ApplyProgress m_progress;
    int m_staleLeft = 0;
    QString m_lockTakenOver;
    QStringList m_reportWarnings;
    qint64 m_runId = 0; ///< the first round's run in the history
    bool m_planned = false; ///< m_plan holds a plan (made or given)
    bool m_stopRequested = false;
    int m_rounds = 0; ///< apply rounds started (the first applies plan(), a second the re-planned stale changes)
    QPointer<PlanJob> m_planJob;
    QPointer<ApplyJob> m_applyJob;
    std::unique_ptr<RunLock> m_lock;
    QPointer<RunReportJob> m_report;
};

/**
 * Plans taking back run @p runId of a context's profile (UndoPlanner), from the run's recorded changes and the tenant
 * as read now: what changed in the tenant since the run becomes a conflict instead of being overwritten. The plan is
 * applied like any other, through SyncRun with RunOptions::plan (and replanStale off).
 */
class UndoPlanJob : public M365::Job
{
    Q_OBJECT

public:
    UndoPlanJob(SyncContext *context, qint64 runId, QObject *parent = nullptr);
    ~UndoPlanJob() override;

    const ChangePlan &plan() const { return m_plan; }
    /// Things the admin should know (e.g. the run did not finish).
    const QStringList &notes() const { return m_notes; }

protected:
    void run() override;
    void onCancel() override;

private:
    SyncContext *m_context;
    qint64 m_runId;
    ChangePlan m_plan;
    QStringList m_notes;
    QPointer<CloudReadJob> m_read;
};

} // namespace M365::Sync
