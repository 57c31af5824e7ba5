// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "applyrequests.h"
#include "changeplan.h"
#include "graph/graphtypes.h"
#include "initialpasswords.h"
#include "job.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QStringList>

#include <deque>

namespace M365::Graph {
class GraphClient;
class BatchJob;
} // namespace M365::Graph

namespace M365::Sync {

class StateStore;

/// What a run applies and how.
struct ApplyOptions
{
    /// Only changes of these kinds (empty: every kind).
    QSet<Change::Kind> onlyKinds;
    /// Only these changes, by index into the plan (empty: all); the GUI's selected rows.
    QSet<int> onlyIndices;
    /// Where new users' initial passwords go (CSV, 0600); empty: they are not kept anywhere.
    QString passwordFile;
    /// Domains whose users sign in at another identity provider: their initial password is not written to the
    /// sheet. The applier adds the tenant's federated domains itself.
    QStringList federatedDomains;
    /// The user properties a user change's fingerprint covers (Planner::userFingerprintProperties()); when set,
    /// every change to an existing object is checked against the tenant first and a change whose object moved on
    /// since planning is reported "stale" instead of being applied.
    QStringList userFingerprintProperties;
    /// Batches of 20 in flight at once.
    int parallelBatches = 2;
};

/// How far a run is, for the progress bar and the CLI's progress line.
struct ApplyProgress
{
    int done = 0; ///< changes finished (any result)
    int total = 0;
    int failed = 0;
    int writes = 0; ///< write requests Graph accepted
    double writesPerSecond = 0;
    qint64 etaMs = -1; ///< -1: not known yet
    bool slowed = false; ///< held back by the pacer or a 429
};

/// The result of one change.
struct ChangeOutcome
{
    enum class Result { Pending, Done, Failed, Skipped, Stale };
    Result result = Result::Pending;
    QString message;
    QString requestId;

    static QString resultName(Result result);
};

/**
 * Executes a ChangePlan against the tenant through the Graph client's `$batch` and pacing, as the plan says and
 * nothing else.
 *
 * Order: users and groups first (create, update, enable, link, restore, disable, delete), then memberships
 * (`members@odata.bind` 20 at a time, removals by `$ref`) and licences (`assignLicense`), which need the ids of the
 * users and groups just created. A disable that also renames sends `accountEnabled: false` on its own first, so a
 * rename Graph refuses leaves the account disabled; a bind that Graph refuses as a whole because one member is gone
 * (404) is retried one member at a time, so the others join and only the missing one is reported. Which requests
 * carry out a change is ApplyRequests' business; this class schedules, sends and records them. Each finished change is
 * committed to the StateStore with its link at once, so a run killed at any point resumes from a fresh plan with
 * nothing lost; a create that may already have reached the tenant (Graph answers that the user name exists) is
 * reconciled by its onPremisesImmutableId instead of failing or creating a duplicate. Conflicts and invalid changes are
 * recorded as skipped, with their reason.
 *
 * cancel() stops starting new batches, lets the ones in flight finish and commits them, then finishes with the
 * "cancelled" error; the changes not started stay pending for the next run.
 */
class ApplyJob : public M365::Job
{
    Q_OBJECT

public:
    ApplyJob(Graph::GraphClient *client,
             StateStore *store,
             const ChangePlan &plan,
             const ApplyOptions &options = {},
             QObject *parent = nullptr);

    /// Stops gracefully: no new batch is started, the ones in flight finish and are committed, then the job
    /// finishes with the "cancelled" error. (cancel() instead aborts what is in flight at once.)
    void requestStop();

    const ChangePlan &plan() const { return m_plan; }
    const QList<ChangeOutcome> &outcomes() const { return m_outcomes; }
    ApplyProgress progress() const;
    qint64 runId() const { return m_runId; }
    /// Per result name ("done", "failed", …) the number of changes; the run's counts in the history.
    QJsonObject counts() const;
    /// Indexes of changes whose cloud object changed after planning: plan again and apply those.
    QList<int> staleChanges() const;

Q_SIGNALS:
    void progressChanged(const M365::Sync::ApplyProgress &progress);
    void changeFinished(int index, const M365::Sync::ChangeOutcome &outcome);
    /// A user was created with this initial password (none for federated domains), whether or not a sheet is kept.
    void initialPasswordIssued(const QString &userPrincipalName, const QString &displayName, const QString &password);

protected:
    void run() override;
    void onCancel() override;

private:
    /// One HTTP request of the run and what its answer means.
    struct Step
    {
        enum class Kind {
            Check,
            Object,
            Rename, ///< the second request of a disable that renames, sent once the account is disabled
            Restore,
            Reconcile,
            MembersAdd,
            MemberRemove,
            MemberRefAdd,
            Licence,
            Manager
        };
        Kind kind;
        int change;
        Graph::Request request;
        QStringList memberIds; ///< MembersAdd: the users bound by this request
        QString password; ///< user create only; never stored
    };
    enum class Phase { Check, Objects, Dependents, Done };

    bool selected(int index) const;
    void readFederatedDomains();
    void startPhase(Phase phase);
    void queueChecks();
    void queueObjects();
    void queueDependents();
    /// The manager of each user written in this run whose change sets one, now that every user exists.
    void queueManagers();
    Step objectStep(int index);
    void pump();
    void onBatchFinished(Graph::BatchJob *job, const QList<Step> &steps);
    void onStepDone(const Step &step, const Graph::Response &response);
    void onObjectDone(const Step &step, const Graph::Response &response);
    void onReconciled(const Step &step, const Graph::Response &response);
    /// The user is back from the deleted items: its properties follow, then it is linked like a Link change.
    void onRestored(const Step &step, const Graph::Response &response);
    void onMemberStepDone(const Step &step, const Graph::Response &response);
    void finishChange(int index,
                      ChangeOutcome::Result result,
                      const QString &message,
                      const QString &requestId = {},
                      const QString &cloudId = {});
    /// A finished change did not fully succeed after all (its manager could not be set): failed, with @p problem.
    void amendFailed(int index, const QString &problem, const QString &requestId);
    void finishRun();
    QString cloudIdFor(Change::ObjectType type, const QString &anchor) const;
    /// A member's anchor (and id) for messages, by the member's cloud id.
    QString memberLabel(const QString &memberId) const;
    /// 404 of a member request: the member is gone, unless Graph names the group itself as the missing resource.
    QString
    missingMemberProblem(const QString &groupId, const QString &memberId, const Graph::Response &response) const;
    void emitProgress();

    QPointer<Graph::GraphClient> m_client;
    StateStore *m_store;
    ApplyRequests m_requests;
    ChangePlan m_plan;
    ApplyOptions m_options;
    QList<ChangeOutcome> m_outcomes;
    qint64 m_runId = 0;
    Phase m_phase = Phase::Check;
    std::deque<Step> m_queue;
    QList<QPointer<Graph::BatchJob>> m_inFlight;
    bool m_cancelRequested = false;
    Error m_fatal;
    PasswordSheet m_passwords;
    /// Object ids of users and groups by anchor: the links as they were plus what this run created.
    QHash<QString, QString> m_userIds;
    QHash<QString, QString> m_groupIds;
    /// Users and groups this run created: only they may not have replicated yet, so only a 404 naming them is retried.
    QSet<QString> m_createdIds;
    /// Members of the membership changes by cloud id: their anchors, to name one that could not be added.
    QHash<QString, QString> m_memberAnchors;
    /// Membership changes: requests still open, and the problems met so far.
    QHash<int, int> m_openSteps;
    QHash<int, QStringList> m_stepProblems;
    QElapsedTimer m_clock;
    int m_writes = 0;
    int m_done = 0;
    int m_failed = 0;
    int m_total = 0;
    bool m_slowed = false;
};

} // namespace M365::Sync

Q_DECLARE_METATYPE(M365::Sync::ApplyProgress)
Q_DECLARE_METATYPE(M365::Sync::ChangeOutcome)
