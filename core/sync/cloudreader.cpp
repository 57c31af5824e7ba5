// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cloudreader.h"

#include "graph/deltareader.h"
#include "graph/graphclient.h"
#include "statestore.h"
#include "synclog.h"

#include <QJsonArray>
#include <QSet>

namespace M365::Sync {

namespace {

const QLatin1String membersKey("_members");

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

/// Applies one group's members@delta to the kept member list ("@removed" entries leave it).
void mergeMembers(QJsonObject *group, const QJsonArray &memberDelta)
{
    QStringList members;
    for (const QJsonValue &v : group->value(membersKey).toArray()) {
        members.append(v.toString());
    }
    QSet<QString> present(members.cbegin(), members.cend());
    for (const QJsonValue &v : memberDelta) {
        const QJsonObject m = v.toObject();
        const QString id = m.value(QLatin1String("id")).toString();
        if (id.isEmpty()) {
            continue;
        }
        if (m.contains(QLatin1String("@removed"))) {
            if (present.remove(id)) {
                members.removeOne(id);
            }
        } else if (!present.contains(id)) {
            present.insert(id);
            members.append(id);
        }
    }
    group->insert(membersKey, QJsonArray::fromStringList(members));
}

/**
 * Applies a user's manager@delta (concepts/delta-query-overview.md: relationships come as `propertyName@delta`
 * annotations when `$select` names them): the manager is kept as the property "manager", the manager's id; an entry
 * marked "@removed" takes it away, and the last entry that is not decides.
 */
void mergeManager(QJsonObject *user, const QJsonArray &managerDelta)
{
    QJsonValue manager = QJsonValue::Null;
    for (const QJsonValue &v : managerDelta) {
        const QJsonObject m = v.toObject();
        const QString id = m.value(QLatin1String("id")).toString();
        if (!id.isEmpty() && !m.contains(QLatin1String("@removed"))) {
            manager = id;
        }
    }
    user->insert(QStringLiteral("manager"), manager);
}

} // namespace

DeltaMerge mergeDeltaChanges(const QString &resource,
                             QHash<QString, QJsonObject> *objects,
                             const QJsonArray &changes,
                             bool fullRead)
{
    if (fullRead) {
        objects->clear();
    }
    DeltaMerge merge;
    for (const QJsonValue &v : changes) {
        QJsonObject change = v.toObject();
        const QString id = change.value(QLatin1String("id")).toString();
        if (id.isEmpty()) {
            continue;
        }
        if (change.contains(QLatin1String("@removed"))) {
            objects->remove(id);
            merge.touched.remove(id);
            merge.removed.append(id);
            continue;
        }
        // A delta round may return an object more than once (members on several pages) and, with
        // Prefer: return=minimal, only the changed properties: merge into what is known.
        QJsonObject merged = objects->value(id);
        const QJsonArray memberDelta = change.value(QLatin1String("members@delta")).toArray();
        for (auto it = change.constBegin(); it != change.constEnd(); ++it) {
            if (!it.key().contains(QLatin1Char('@'))) {
                merged.insert(it.key(), it.value());
            }
        }
        if (resource == QLatin1String("groups")) {
            mergeMembers(&merged, memberDelta);
        } else if (change.contains(QLatin1String("manager@delta"))) {
            mergeManager(&merged, change.value(QLatin1String("manager@delta")).toArray());
        }
        objects->insert(id, merged);
        merge.touched.insert(id, merged);
        merge.removed.removeAll(id);
    }
    return merge;
}

CloudReadJob::CloudReadJob(
    Graph::GraphClient *client, StateStore *store, const QStringList &userProperties, bool readGroups, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_store(store)
    , m_userSelect(userSelect(userProperties))
    , m_readGroups(readGroups)
{}

QStringList CloudReadJob::userSelect(const QStringList &managed)
{
    QStringList select{str("id"),
                       str("displayName"),
                       str("userPrincipalName"),
                       str("mailNickname"),
                       str("mail"),
                       str("accountEnabled"),
                       str("onPremisesImmutableId"),
                       str("assignedLicenses"),
                       str("licenseAssignmentStates"),
                       str("usageLocation")};
    for (const QString &p : managed) {
        if (!select.contains(p)) {
            select.append(p);
        }
    }
    return select;
}

QStringList CloudReadJob::groupSelect()
{
    return {str("id"),
            str("displayName"),
            str("description"),
            str("mailNickname"),
            str("securityEnabled"),
            str("mailEnabled"),
            str("groupTypes"),
            str("members")};
}

void CloudReadJob::run()
{
    if (!m_client) {
        fail(Error::cancelled(tr("The connection was closed.")));
        return;
    }
    readUsers();
}

void CloudReadJob::onCancel()
{
    if (m_current) {
        m_current->cancel();
    }
}

bool CloudReadJob::keep(const QString &resource,
                        QHash<QString, QJsonObject> *objects,
                        const QJsonArray &changes,
                        bool fullRead,
                        const QString &deltaLink)
{
    const DeltaMerge merge = mergeDeltaChanges(resource, objects, changes, fullRead);
    m_objectsChanged = m_objectsChanged || fullRead || !merge.touched.isEmpty() || !merge.removed.isEmpty();
    if (m_store) {
        // Kept relative to the Graph root, so that the link survives a changed endpoint (the sandbox's port).
        QString link = deltaLink;
        const QString root = m_client->urlFor(str("/")).toString();
        if (link.startsWith(root)) {
            link = QLatin1Char('/') + link.mid(root.size());
        }
        const Result<bool> saved =
            m_store->saveCloudObjects(resource, merge.touched.values(), merge.removed, fullRead, link);
        if (!saved.ok()) {
            fail(saved.error);
            return false;
        }
    }
    return true;
}

void CloudReadJob::readUsers()
{
    QString link;
    QHash<QString, QJsonObject> users; // merged as JSON, then made compact for the snapshot
    if (m_store) {
        link = m_store->deltaLink(str("users"));
        if (!link.isEmpty()) {
            users = m_store->cloudObjects(str("users"));
        }
    }
    // A delta link from a read that selected other properties would miss the new ones: read in full.
    if (!link.isEmpty() && m_store->deltaLink(str("users.select")) != m_userSelect.join(QLatin1Char(','))) {
        link.clear();
    }
    auto *reader = new Graph::DeltaReader(m_client, str("users"), m_userSelect, link, this);
    m_current = reader;
    connect(reader, &Job::finished, this, [this, reader, users]() mutable {
        reader->deleteLater();
        if (reader->hasError()) {
            fail(reader->error());
            return;
        }
        m_fullRead = m_fullRead || reader->isFullRead();
        qCDebug(lcSync) << "users read:" << reader->changes().size() << "changes, full read" << reader->isFullRead();
        if (!keep(str("users"), &users, reader->changes(), reader->isFullRead(), reader->deltaLink())) {
            return;
        }
        m_snapshot.clearUsers();
        m_snapshot.reserveUsers(users.size());
        for (auto it = users.begin(); it != users.end(); it = users.erase(it)) {
            m_snapshot.insertUser(it.key(), CloudUser(*it));
        }
        if (m_store && reader->isFullRead()) {
            m_store->setDeltaLink(str("users.select"), m_userSelect.join(QLatin1Char(',')));
        }
        if (m_readGroups) {
            readGroups();
        } else {
            readSkus();
        }
    });
    reader->start();
}

void CloudReadJob::readGroups()
{
    QString link;
    QHash<QString, QJsonObject> groups;
    if (m_store) {
        link = m_store->deltaLink(str("groups"));
        if (!link.isEmpty()) {
            groups = m_store->cloudObjects(str("groups"));
        }
    }
    auto *reader = new Graph::DeltaReader(m_client, str("groups"), groupSelect(), link, this);
    m_current = reader;
    connect(reader, &Job::finished, this, [this, reader, groups]() mutable {
        reader->deleteLater();
        if (reader->hasError()) {
            fail(reader->error());
            return;
        }
        m_fullRead = m_fullRead || reader->isFullRead();
        if (!keep(str("groups"), &groups, reader->changes(), reader->isFullRead(), reader->deltaLink())) {
            return;
        }
        m_snapshot.groups.clear();
        m_snapshot.groupMembers.clear();
        for (auto it = groups.begin(); it != groups.end(); ++it) {
            QStringList members;
            for (const QJsonValue &v : it->value(membersKey).toArray()) {
                members.append(v.toString());
            }
            it->remove(membersKey);
            m_snapshot.groupMembers.insert(it.key(), members);
            m_snapshot.groups.insert(it.key(), *it);
        }
        readSkus();
    });
    reader->start();
}

void CloudReadJob::readAll(const QString &path, const std::function<void(Graph::PagedJob *)> &done)
{
    auto *job = m_client->getAll(path);
    job->setParent(this);
    m_current = job;
    connect(job, &Job::finished, this, [job, done] {
        job->deleteLater();
        done(job);
    });
    job->start();
}

void CloudReadJob::readSkus()
{
    readAll(str("/subscribedSkus"), [this](Graph::PagedJob *job) {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        m_snapshot.subscribedSkus.clear();
        for (const QJsonValue &v : job->items()) {
            m_snapshot.subscribedSkus.append(v.toObject());
        }
        readAdminRoles();
    });
}

void CloudReadJob::readAdminRoles()
{
    // Every active role assignment (graph rbacapplication-list-roleassignments.md): to users, to role-assignable
    // groups and to service principals, direct or activated through PIM. /directoryRoles lists only activated roles
    // and supports no query options, so admins holding a role through a group were missed there.
    readAll(str("/roleManagement/directory/roleAssignments?$expand=principal"), [this](Graph::PagedJob *job) {
        if (job->hasError()) {
            if (job->failedStatus() == 403 || job->error().code == QLatin1String("Authorization_RequestDenied")) {
                m_adminRolesKnown = false;
                readDeletedUsers();
                return;
            }
            fail(job->error());
            return;
        }
        m_snapshot.adminUserIds.clear();
        m_adminGroups.clear();
        addRolePrincipals(job->items());
        readEligibleAdmins();
    });
}

void CloudReadJob::addRolePrincipals(const QJsonArray &assignments)
{
    for (const QJsonValue &v : assignments) {
        const QJsonObject assignment = v.toObject();
        const QString id = assignment.value(QLatin1String("principalId")).toString();
        if (id.isEmpty()) {
            continue;
        }
        const QString type =
            assignment.value(QLatin1String("principal")).toObject().value(QLatin1String("@odata.type")).toString();
        if (type == QLatin1String("#microsoft.graph.group")) {
            if (!m_adminGroups.contains(id)) {
                m_adminGroups.append(id);
            }
        } else {
            m_snapshot.adminUserIds.insert(id);
        }
    }
}

void CloudReadJob::readEligibleAdmins()
{
    // Someone eligible for a role through PIM can activate it at any moment: as much an admin as an active one
    // (graph rbacapplication-list-roleeligibilityscheduleinstances.md). A tenant without PIM (it needs Entra ID P2)
    // or an app without RoleEligibilitySchedule.Read.Directory cannot list them; the active assignments remain.
    readAll(str("/roleManagement/directory/roleEligibilityScheduleInstances?$expand=principal"),
            [this](Graph::PagedJob *job) {
                if (job->hasError()) {
                    qCInfo(lcSync) << "role eligibilities not readable:" << job->error().userMessage;
                } else {
                    addRolePrincipals(job->items());
                }
                readAdminGroupMembers();
            });
}

void CloudReadJob::readAdminGroupMembers()
{
    if (m_adminGroups.isEmpty()) {
        m_adminRolesKnown = true;
        readDeletedUsers();
        return;
    }
    // Role-assignable groups cannot have groups as members (entra-docs role-based-access-control/groups-concept.md),
    // so their direct members are all the admins they make.
    const QString group = m_adminGroups.takeFirst();
    readAll(str("/groups/") + group + str("/members?$select=id"), [this](Graph::PagedJob *job) {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        for (const QJsonValue &member : job->items()) {
            m_snapshot.adminUserIds.insert(member.toObject().value(QLatin1String("id")).toString());
        }
        readAdminGroupMembers();
    });
}

void CloudReadJob::readDeletedUsers()
{
    // Users in the deleted-items container keep their onPremisesImmutableId for 30 days
    // (graph directory-deleteditems-list.md): one who comes back is restored rather than created anew.
    readAll(str("/directory/deletedItems/microsoft.graph.user?$select=") + deletedUserSelect().join(QLatin1Char(','))
                + str("&$top=999"),
            [this](Graph::PagedJob *job) {
                if (job->hasError()) {
                    if (job->failedStatus() == 403
                        || job->error().code == QLatin1String("Authorization_RequestDenied")) {
                        qCInfo(lcSync) << "deleted users not readable:" << job->error().userMessage;
                        succeed();
                        return;
                    }
                    fail(job->error());
                    return;
                }
                m_snapshot.deletedUsers.clear();
                for (const QJsonValue &v : job->items()) {
                    const QJsonObject user = v.toObject();
                    if (!user.value(QLatin1String("onPremisesImmutableId")).toString().isEmpty()) {
                        m_snapshot.deletedUsers.insert(user.value(QLatin1String("id")).toString(), CloudUser(user));
                    }
                }
                succeed();
            });
}

QStringList CloudReadJob::deletedUserSelect()
{
    return {str("id"),
            str("displayName"),
            str("userPrincipalName"),
            str("accountEnabled"),
            str("onPremisesImmutableId"),
            str("assignedLicenses"),
            str("usageLocation"),
            str("deletedDateTime")};
}

} // namespace M365::Sync
