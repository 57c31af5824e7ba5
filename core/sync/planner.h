// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "changeplan.h"
#include "clouduser.h"
#include "directory/directoryentry.h"
#include "exclusions.h"
#include "mappingrules.h"
#include "scope.h"
#include "statestore.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace M365::Sync {

/// The tenant as last read (full list, then kept current by delta), keyed by object id.
struct CloudSnapshot
{
    /// Adds (or replaces) a user from its Graph JSON, keyed by its id.
    void addUser(const QJsonObject &graphUser);
    void insertUser(const QString &id, const CloudUser &user) { m_users.insert(id, user); }
    void removeUser(const QString &id) { m_users.remove(id); }
    void clearUsers() { m_users.clear(); }
    void reserveUsers(qsizetype count) { m_users.reserve(count); }
    /// The user with this id, or nullptr.
    const CloudUser *user(const QString &id) const
    {
        const auto it = m_users.constFind(id);
        return it == m_users.constEnd() ? nullptr : &*it;
    }
    /// All users, by id.
    const QHash<QString, CloudUser> &users() const { return m_users; }

    QHash<QString, QJsonObject> groups;
    /// Group id → ids of its direct members.
    QHash<QString, QStringList> groupMembers;
    /// Users holding a directory (admin) role, directly, through a group or as eligible: never adopted by a link,
    /// whatever matches.
    QSet<QString> adminUserIds;
    /// Users in the deleted-items container that carry an onPremisesImmutableId, by id: one who comes back is
    /// restored (and keeps mailbox and licences) instead of created anew.
    QHash<QString, CloudUser> deletedUsers;
    /// subscribedSku objects as Graph returns them (skuId, skuPartNumber, prepaidUnits.enabled, consumedUnits).
    QList<QJsonObject> subscribedSkus;

private:
    /// Compact rather than QJsonObject: 100,000 users as QJsonObjects took over 300 MB (see CloudUser).
    QHash<QString, CloudUser> m_users;
};

/// Choices of the profile that change what the plan does (rather than how attributes map).
struct PlanOptions
{
    /// Adopt cloud users whose UPN (or mail) matches the directory user's; off by default because a soft match can
    /// take over an account that only happens to share a name.
    bool softMatch = false;
    /// Delete, rather than disable, users and groups that left the scope.
    bool hardDelete = false;
    /// Plan security groups and their memberships for the directory's groups.
    bool syncGroups = true;
    /// Which directory groups become cloud groups (empty filter: all of them).
    Scope groupScope;
    /// Assigned to every user in scope who gets no SKU through a group; empty: none.
    QString defaultSkuId;
    /// Group anchor or DN → SKU assigned to the group's (flattened) members.
    QHash<QString, QString> skuByGroup;
    /**
     * Licensing through a group: SKU id → the cloud group that assigns it (group-based licensing). A user who should
     * hold such a SKU is made a member of its group (20 members per request) instead of getting a direct assignment,
     * so that a new user costs about one write instead of two.
     */
    QHash<QString, QString> licenceGroupBySku;
    /// Prepended to the display name of disabled objects, as the Univention connector does.
    QString disablePrefix = QStringLiteral("ZZZ_deleted_");

    bool operator==(const PlanOptions &other) const
    {
        return softMatch == other.softMatch && hardDelete == other.hardDelete && syncGroups == other.syncGroups
            && groupScope == other.groupScope && defaultSkuId == other.defaultSkuId && skuByGroup == other.skuByGroup
            && licenceGroupBySku == other.licenceGroupBySku && disablePrefix == other.disablePrefix;
    }
    bool operator!=(const PlanOptions &other) const { return !(*this == other); }
};

/// Everything the planner looks at. Links are those of the StateStore, by anchor.
struct PlanInput
{
    QList<Directory::DirectoryEntry> users;
    QList<Directory::DirectoryEntry> groups;
    CloudSnapshot cloud;
    QHash<QString, Link> links;
    MappingRules rules;
    Scope scope;
    PlanOptions options;
    /// Objects the admin excluded: their changes end up in ChangePlan::excluded.
    Exclusions exclusions;
};

/// How one directory user comes out of the planner when planned on its own (Planner::planAlone()).
struct UserPlan
{
    QString anchor;
    /// Its user change and licence change, when it has them.
    std::optional<Change> user;
    std::optional<Change> licence;
    /// Counted in ChangePlan::unchangedUsers.
    bool unchanged = false;
    /**
     * Everything about the user that the plans of other objects depend on: its DN and uids (group members), its user
     * principal name and mail (taken by one user only, soft matching), whether it is in scope and eligible for
     * groups and licences, and the cloud account it ends up with. Equal footprints: the rest of the plan is the same.
     */
    QString footprint;
};

/**
 * Computes what must change in the tenant so that it matches the directory under the profile's rules.
 *
 * A pure function of its input, with no I/O and no clock, so that the preview, the CLI's `plan` and the run that
 * applies the plan agree, tests can state the expected plan as a table, and planning can run on a worker thread.
 * Built for 100,000 users: each user is mapped once, and every lookup (anchor, UPN, mail, link) is a hash.
 * `ChangePlan::created` is left for the caller to set.
 */
class Planner
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::Planner)

public:
    static ChangePlan plan(const PlanInput &input);
    /// plan() before the exclusions take their changes out (ChangePlan::excluded stays empty).
    static ChangePlan planBeforeExclusions(const PlanInput &input);
    /**
     * Plans @p users (entries of input.users, in directory order) without the rest of the directory: their own user
     * and licence changes, as far as no other user changes them (IncrementalPlanner checks that). No groups, no
     * users that left, no seats, no exclusions.
     */
    static QList<UserPlan> planAlone(const PlanInput &input, const QList<Directory::DirectoryEntry> &users);

    /// The value written to (and matched on) onPremisesImmutableId: an objectGUID anchor is already base64 (the
    /// Entra Connect form); any other anchor is the base64 of its UTF-8 text.
    static QString immutableId(const Directory::DirectoryEntry &entry);
    static QString immutableId(const QString &anchor, const QString &anchorAttribute);
    /// A hash of the given properties of a cloud object, to detect that it changed after planning.
    static QString fingerprint(const QJsonObject &cloudObject, const QStringList &properties);
    /// The same hash for a user kept in a CloudSnapshot: equal to fingerprint(the user's Graph JSON, properties).
    static QString fingerprint(const CloudUser &cloudUser, const QStringList &properties);
    /// The properties of a cloud user that a user fingerprint covers for these rules.
    static QStringList userFingerprintProperties(const MappingRules &rules);
    /// The properties of a cloud group that a group fingerprint covers: those a plan writes.
    static const QStringList &groupFingerprintProperties();
    /// Whether a cloud value is the desired one. Graph reports an unset string as null or leaves it out, an unset
    /// collection as []: all of them mean "no value".
    static bool sameValue(const QJsonValue &cloud, const QJsonValue &desired);
};

} // namespace M365::Sync
