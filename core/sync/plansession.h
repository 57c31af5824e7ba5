// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/directoryentry.h"
#include "graph/graphclient.h"
#include "job.h"
#include "planner.h"
#include "syncsettings.h"

#include <QPointer>

#include <memory>

namespace M365::Directory {
class DirectorySource;
class DirectoryJob;
} // namespace M365::Directory

namespace M365::Sync {

class StateStore;
class CloudReadJob;
class DirectorySnapshot;
class IncrementalPlanner;

/**
 * Makes a plan the way every front end needs it: reads the directory and the tenant (at the same time), then plans
 * on a worker thread so that a 100,000-user plan never blocks the GUI.
 *
 * Malformed directory entries do not stop the plan: they are in problems(), each with its DN or line and the reason.
 * When the app may not read admin roles, soft matching is switched off for this plan (see CloudReadJob) and a note
 * says so.
 */
class PlanJob : public M365::Job
{
    Q_OBJECT

public:
    PlanJob(Graph::GraphClient *client,
            StateStore *store,
            Directory::DirectorySource *source,
            const SyncSettings &settings,
            QObject *parent = nullptr);

    /**
     * Plans from @p snapshot instead of reading the directory when it is valid, and fills it with the read
     * otherwise (the live preview keeps it current with a watch). Set before start(); it must outlive the job.
     */
    void setDirectorySnapshot(DirectorySnapshot *snapshot) { m_snapshot = snapshot; }
    /**
     * Plans with @p planner, which re-plans only the users the snapshot saw change when it can (see
     * IncrementalPlanner). Set before start(), together with a snapshot. Shared, because a cancelled job's worker
     * thread may still be planning with it.
     */
    void setIncrementalPlanner(std::shared_ptr<IncrementalPlanner> planner) { m_planner = std::move(planner); }
    /// Whether this plan re-planned only the users that changed.
    bool wasIncremental() const { return m_wasIncremental; }
    /// Whether this plan read the directory (rather than planning from a valid snapshot).
    bool readDirectory() const { return m_readDirectory; }

    const ChangePlan &plan() const { return m_plan; }
    const QList<Directory::EntryProblem> &problems() const { return m_problems; }
    /// Things the admin should know about this plan (e.g. soft matching switched off).
    const QStringList &notes() const { return m_notes; }
    /// Objects the profile manages (links), what the deletion guard's percentage refers to.
    int managedObjects() const { return m_managedObjects; }
    /// The tenant as read for this plan.
    const CloudSnapshot &cloud() const { return m_input.cloud; }

protected:
    void run() override;
    void onCancel() override;

private:
    void maybePlan();
    /// Reads the whole directory into the plan input (and the snapshot, when there is one).
    void readDirectoryInto();

    QPointer<Graph::GraphClient> m_client;
    StateStore *m_store;
    QPointer<Directory::DirectorySource> m_source;
    SyncSettings m_settings;
    PlanInput m_input;
    ChangePlan m_plan;
    QList<Directory::EntryProblem> m_problems;
    QStringList m_notes;
    int m_managedObjects = 0;
    QPointer<Directory::DirectoryJob> m_directoryJob;
    QPointer<CloudReadJob> m_cloudJob;
    bool m_directoryDone = false;
    bool m_cloudDone = false;
    bool m_planning = false;
    DirectorySnapshot *m_snapshot = nullptr;
    std::shared_ptr<IncrementalPlanner> m_planner;
    bool m_readDirectory = false;
    bool m_tenantUnchanged = false;
    bool m_wasIncremental = false;
};

} // namespace M365::Sync
