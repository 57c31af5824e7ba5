// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "job.h"
#include "planner.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace M365::Graph {
class GraphClient;
class PagedJob;
} // namespace M365::Graph

namespace M365::Sync {

class StateStore;

/// What one delta round changed in the kept objects of a resource.
struct DeltaMerge
{
    QHash<QString, QJsonObject> touched; ///< objects the round added or changed, as merged
    QStringList removed; ///< ids of objects the round reported "@removed"
};

/**
 * Merges a delta round (the "value" items of its pages, in order) into @p objects, the kept objects of @p resource
 * ("users" or "groups") by id; @p fullRead first forgets what was kept. An object seen again is merged property by
 * property (with Prefer: return=minimal Graph sends only what changed); annotations ("…@odata.type", "@removed")
 * are not kept; for groups, "members@delta" updates the member ids kept under "_members". Items without an id are
 * ignored.
 *
 * A pure function of Graph's JSON, so that the fuzzer (tests/fuzz/fuzz_graphjson.cpp) runs what CloudReadJob runs.
 */
DeltaMerge mergeDeltaChanges(const QString &resource,
                             QHash<QString, QJsonObject> *objects,
                             const QJsonArray &changes,
                             bool fullRead);

/**
 * Reads the tenant into a CloudSnapshot for the planner: users and groups (with members) by delta query, the
 * subscribed SKUs, and who holds an admin role.
 *
 * The first read of a profile is a full one; what it saw is kept in the StateStore together with the delta link, so
 * later reads ask Graph only for what changed (a few requests instead of one page per 999 users). When Graph has
 * lost the delta state the round restarts as a full read and the kept objects are replaced.
 *
 * Admins are the principals of `roleManagement/directory/roleAssignments` (and of PIM eligibilities, where the
 * tenant has them), with the members of groups that hold a role. An app without the permission to read them gets
 * `adminRolesKnown() == false`; the caller must then not adopt users by soft match, since it cannot tell admins.
 * Deleted users that carry an onPremisesImmutableId are read too, so that one who comes back is restored.
 */
class CloudReadJob : public M365::Job
{
    Q_OBJECT

public:
    /// @p userProperties: the properties the rules manage; the ones the planner itself needs are always read.
    CloudReadJob(Graph::GraphClient *client,
                 StateStore *store,
                 const QStringList &userProperties,
                 bool readGroups,
                 QObject *parent = nullptr);

    /// The tenant as read (valid after success).
    const CloudSnapshot &snapshot() const { return m_snapshot; }
    bool adminRolesKnown() const { return m_adminRolesKnown; }
    /// True when users or groups were read in full this time (first read, or Graph lost the delta state).
    bool wasFullRead() const { return m_fullRead; }
    /// True when users or groups were read in full or the delta round reported a change: false means they are as
    /// the last read left them.
    bool objectsChanged() const { return m_objectsChanged; }

    /// The user properties read for @p managed: the planner's own plus the managed ones.
    static QStringList userSelect(const QStringList &managed);
    static QStringList groupSelect();
    /// The properties read of deleted users (for restore).
    static QStringList deletedUserSelect();

protected:
    void run() override;
    void onCancel() override;

private:
    /// Reads every page of @p path as the current request, then hands the finished job (error or not) to @p done.
    void readAll(const QString &path, const std::function<void(Graph::PagedJob *)> &done);
    void readUsers();
    void readGroups();
    void readSkus();
    void readAdminRoles();
    void readEligibleAdmins();
    void readAdminGroupMembers();
    void readDeletedUsers();
    /// The principals of role assignments or eligibilities: users into adminUserIds, groups into m_adminGroups.
    void addRolePrincipals(const QJsonArray &assignments);
    /// Merges a delta round into the kept objects and stores them; false (after fail()) when the store refuses.
    bool keep(const QString &resource,
              QHash<QString, QJsonObject> *objects,
              const QJsonArray &changes,
              bool fullRead,
              const QString &deltaLink);

    QPointer<Graph::GraphClient> m_client;
    StateStore *m_store;
    QStringList m_userSelect;
    bool m_readGroups;
    CloudSnapshot m_snapshot;
    bool m_adminRolesKnown = false;
    QStringList m_adminGroups; ///< role-assignable groups holding a role, whose members are still to be read
    bool m_fullRead = false;
    bool m_objectsChanged = false;
    QPointer<M365::Job> m_current;
};

} // namespace M365::Sync
