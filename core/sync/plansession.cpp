// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "plansession.h"

#include "cloudreader.h"
#include "directory/directoryjob.h"
#include "directory/directorysource.h"
#include "directorysnapshot.h"
#include "incrementalplanner.h"
#include "statestore.h"
#include "synclog.h"

#include <QDateTime>
#include <QThread>

#include <memory>

namespace M365::Sync {

PlanJob::PlanJob(Graph::GraphClient *client,
                 StateStore *store,
                 Directory::DirectorySource *source,
                 const SyncSettings &settings,
                 QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_store(store)
    , m_source(source)
    , m_settings(settings)
{}

void PlanJob::run()
{
    if (!m_client || !m_source || !m_store) {
        fail(Error::cancelled(tr("The connection was closed.")));
        return;
    }
    m_input.links = m_store->links();
    m_managedObjects = int(m_input.links.size());
    m_input.rules = m_settings.rules;
    m_input.scope = m_settings.scope;
    m_input.options = m_settings.options;
    m_input.exclusions = m_settings.exclusions;

    if (m_snapshot && m_snapshot->isValid()) {
        m_directoryDone = true; // taken from the snapshot when planning starts (maybePlan)
    } else {
        readDirectoryInto();
    }

    // Groups are read for the directory's groups and for the groups that license SKUs (their members).
    const bool readGroups = m_settings.options.syncGroups || !m_settings.options.licenceGroupBySku.isEmpty();
    m_cloudJob = new CloudReadJob(m_client, m_store, m_settings.rules.managedProperties(), readGroups, this);
    connect(m_cloudJob, &Job::finished, this, [this](M365::Job *job) {
        auto *read = static_cast<CloudReadJob *>(job);
        read->deleteLater();
        if (read->hasError()) {
            if (m_directoryJob) {
                m_directoryJob->cancel();
            }
            fail(read->error());
            return;
        }
        m_input.cloud = read->snapshot();
        m_tenantUnchanged = !read->objectsChanged();
        if (!read->adminRolesKnown() && m_input.options.softMatch) {
            m_input.options.softMatch = false;
            m_notes.append(tr("Soft matching is off for this plan: the app may not read who holds an admin role. "
                              "Grant it RoleManagement.Read.Directory to match existing users by name."));
        }
        m_cloudDone = true;
        maybePlan();
    });
    if (m_directoryJob) {
        m_directoryJob->start();
    }
    m_cloudJob->start();
}

void PlanJob::readDirectoryInto()
{
    m_readDirectory = true;
    m_directoryJob = m_source->read(Directory::ReadScope::UsersAndGroups, this);
    connect(m_directoryJob, &Directory::DirectoryJob::entry, this, [this](const Directory::DirectoryEntry &entry) {
        if (entry.kind == Directory::EntryKind::Group) {
            m_input.groups.append(entry);
        } else if (entry.kind == Directory::EntryKind::User) {
            m_input.users.append(entry);
        }
    });
    connect(m_directoryJob, &Directory::DirectoryJob::finished, this, [this, job = m_directoryJob.data()] {
        job->deleteLater();
        if (job->wasCancelled()) {
            return; // cancelled by this plan (cancel(), a failed tenant read), which reports why it ended
        }
        if (job->hasError()) {
            // Without the whole directory, users missing from a partial read would look like they left: no plan.
            fail(job->error());
            if (m_cloudJob) {
                m_cloudJob->cancel();
            }
            return;
        }
        m_problems = job->problems();
        if (m_snapshot) {
            m_snapshot->reset(m_input.users, m_input.groups, m_problems);
        }
        m_directoryDone = true;
        maybePlan();
    });
}

void PlanJob::onCancel()
{
    if (m_directoryJob) {
        m_directoryJob->cancel();
    }
    if (m_cloudJob) {
        m_cloudJob->cancel();
    }
}

void PlanJob::maybePlan()
{
    if (!m_directoryDone || !m_cloudDone || m_planning || isFinished()) {
        return;
    }
    DirectoryChanges changes;
    if (m_snapshot) {
        if (!m_snapshot->isValid()) {
            // A watch lost track while the tenant was read: read the directory after all.
            m_directoryDone = false;
            readDirectoryInto();
            m_directoryJob->start();
            return;
        }
        // The directory as of now, with the changes counted up to now, so that the two agree.
        m_input.users = m_snapshot->users();
        m_input.groups = m_snapshot->groups();
        m_problems = m_snapshot->problems();
        changes = m_snapshot->takeChanges();
    }
    const quint64 ticket = m_planner ? m_planner->ticket() : 0;
    m_planning = true;
    auto result = std::make_shared<ChangePlan>();
    auto input = std::make_shared<PlanInput>(std::move(m_input));
    auto incremental = std::make_shared<bool>(false);
    std::shared_ptr<IncrementalPlanner> planner = m_planner;
    const bool tenantUnchanged = m_tenantUnchanged;
    QThread *worker = QThread::create([input, result, planner, changes, tenantUnchanged, ticket, incremental] {
        if (planner) {
            *result = planner->plan(*input, changes, tenantUnchanged, ticket, incremental.get());
        } else {
            *result = Planner::plan(*input);
        }
    });
    connect(worker, &QThread::finished, this, [this, worker, input, result, incremental] {
        worker->deleteLater();
        m_input = std::move(*input);
        m_plan = std::move(*result);
        m_wasIncremental = *incremental;
        m_plan.created = QDateTime::currentDateTimeUtc();
        qCInfo(lcSync) << "planned" << m_plan.changes.size() << "changes for" << m_input.users.size() << "users";
        succeed();
    });
    worker->start();
}

} // namespace M365::Sync
