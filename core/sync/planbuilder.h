// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "changeplan.h"
#include "cloudindex.h"
#include "clouduser.h"
#include "directory/groupresolver.h"
#include "mappingrules.h"
#include "planner.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

/*
 * The planner's workings, not part of the engine's interface: PlanBuilder computes one plan. Its parts live by
 * concern: planbuilder.cpp (the cloud indexes, the directory's group memberships, the run), planusers.cpp (users:
 * create, update, link, restore, disable), plangroups.cpp (groups and their members) and planlicences.cpp (licences,
 * licensing groups and seats); cloudindex.h holds the lookups they share.
 */
namespace M365::Sync::Detail {

inline QString str(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

/// Graph reports an unset string as null or leaves it out, an unset collection as []: all mean "no value".
inline bool isEmptyValue(const QJsonValue &v)
{
    return v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty())
        || (v.isArray() && v.toArray().isEmpty());
}

inline bool sameValue(const QJsonValue &a, const QJsonValue &b)
{
    return Planner::sameValue(a, b);
}

inline QStringList toStringList(const CloudUser::Views &views)
{
    QStringList out;
    out.reserve(views.size());
    for (QStringView v : views) {
        out.append(v.toString());
    }
    return out;
}

/**
 * MappedValue::sameAs() against property @p i of a cloud user, without building the QJsonValue: this runs for every
 * managed property of every user. Absent, null, "" and [] all mean "no value".
 */
inline bool sameAs(const MappedValue &desired, const CloudUser &cloud, qsizetype i)
{
    switch (cloud.typeAt(i)) {
    case CloudUser::Type::Null:
        return desired.isEmpty();
    case CloudUser::Type::False:
    case CloudUser::Type::True:
        return desired.type == MappedValue::Bool && desired.flag == (cloud.typeAt(i) == CloudUser::Type::True);
    case CloudUser::Type::String: {
        const QStringView s = cloud.textAt(i);
        if (s.isEmpty() || desired.isEmpty()) {
            return s.isEmpty() && desired.isEmpty();
        }
        return desired.type == MappedValue::String && s == desired.text;
    }
    case CloudUser::Type::Strings: {
        const qsizetype n = cloud.itemCountAt(i);
        if (n == 0 || desired.isEmpty()) {
            return n == 0 && desired.isEmpty();
        }
        if (desired.type != MappedValue::Strings || desired.list.size() != n) {
            return false;
        }
        for (qsizetype k = 0; k < n; ++k) {
            if (cloud.itemAt(i, k) != desired.list.at(k)) {
                return false;
            }
        }
        return true;
    }
    case CloudUser::Type::Json:
        return desired.sameAs(cloud.valueAt(i));
    }
    return false;
}

/// What became of a directory user, as far as groups and licences care.
struct UserOutcome
{
    bool eligible = false; ///< in scope, valid, not in conflict: may be a member and hold licences
    QStringView cloudId; ///< of a string of the input; empty for a user that is about to be created
};

inline bool lessView(QStringView a, QStringView b)
{
    return a < b;
}

/// The manager a directory user should have in the cloud, when the rules map "manager" (a DN in the directory).
struct ManagerTarget
{
    bool managed = false; ///< false: the cloud's manager is left as it is
    /// What the applier sets: null (no manager), {"id": cloud id} or {"anchor": …} for a manager this run creates.
    QJsonValue payload = QJsonValue::Null;
    QString cloudId; ///< the manager's cloud id, when it is known
    QString name; ///< the manager's name, for the preview
};

/**
 * Computes one plan from a PlanInput: Planner::plan() runs it over the whole directory, Planner::planAlone() over some
 * users (recording a UserPlan for each). Built for 100,000 users: each user is mapped once, and every lookup is a hash
 * or a sorted index.
 */
class PlanBuilder
{
public:
    /// @p alone: plan input.users on their own (Planner::planAlone()), recording a UserPlan for each; @p directory:
    /// all users of the directory (where managers are looked up), when input.users are only some of them.
    explicit PlanBuilder(const PlanInput &input,
                         bool alone = false,
                         const QList<Directory::DirectoryEntry> *directory = nullptr)
        : m_in(input)
        , m_alone(alone)
        , m_directory(directory ? *directory : input.users)
        , m_managesManager(input.rules.managedProperties().contains(QLatin1String("manager")))
        , m_mapper(input.rules)
        , m_fingerprintProperties(Planner::userFingerprintProperties(input.rules))
    {
        const PlanOptions &o = input.options;
        if (!o.defaultSkuId.isEmpty()) {
            m_managedSkus.insert(o.defaultSkuId);
        }
        for (const QString &sku : o.skuByGroup) {
            m_managedSkus.insert(sku);
        }
    }

    ChangePlan run();

    /// After run() with `alone`: one UserPlan per user of the input.
    QList<UserPlan> takeUserPlans() { return std::move(m_userPlans); }

private:
    void indexCloud();

    /// Cloud id → anchor of every link (and of the links this plan makes), built on first use: a plan in which
    /// nobody is adopted and no member leaves a group never needs it.
    QHash<QStringView, QStringView> &linkedCloudIds();

    void resolveGroups();

    /**
     * Each directory group's users, nested groups flattened, cycles tolerated. The same result as GroupResolver's
     * flattened resolve(), but keyed by entry index and without per-member strings, because with 100,000 users
     * and 100,000 memberships the general resolver alone took longer than the planning budget.
     */
    QList<Directory::GroupMembership> flattenMemberships() const;

    Change userChange(Change::Kind kind, const Directory::DirectoryEntry *entry, const QString &displayName) const;

    QString fingerprintUser(const CloudUser &cloud) const;

    bool isDisabledByUs(const CloudUser &cloud) const;

    /// Managed properties whose cloud value differs from the desired one.
    QList<AttributeDiff> diffUser(const MappedUser &desired, const CloudUser &cloud) const;

    static QJsonObject payloadOf(const QList<AttributeDiff> &diffs);

    /// "drift in the cloud: jobTitle, city" when the cloud no longer has what was last written.
    static QString driftReason(const QList<AttributeDiff> &diffs, const Link &link);

    /**
     * Takes the manager's DN out of @p desired (the mapper reads it like any attribute) and finds the manager among
     * the directory's users: linked (its cloud id), about to be created or linked by this plan (its anchor, which the
     * applier resolves), or none (an empty attribute). A DN that is no user of the directory, or the user itself,
     * leaves the cloud's manager alone.
     */
    ManagerTarget takeManager(const Directory::DirectoryEntry &entry, MappedUser *desired);

    /// The manager's change for a user in the cloud, shown by name: "Anna Berg" → "Jon Dahl".
    void addManagerDiff(QList<AttributeDiff> *diffs, const CloudUser &cloud) const;

    /// A change's payload carries the manager as the applier needs it, not as the preview shows it.
    void setManagerPayload(Change *c) const;

    void planUsers();

    /// planUser() for one user planned alone, recording what came of it.
    void planAlone(const Directory::DirectoryEntry &entry);

    void planUser(const Directory::DirectoryEntry &entry);

    void planLinked(const Directory::DirectoryEntry &entry,
                    const MappedUser &desired,
                    const QString &displayName,
                    const Link &link,
                    const CloudUser &cloud);

    void planUnlinked(const Directory::DirectoryEntry &entry,
                      const MappedUser &desired,
                      const QString &displayName,
                      bool staleLink);

    /**
     * The display name of a disabled object: the prefix, then as much of the name as fits Graph's 256 characters
     * (graph resources/user.md, resources/group.md), so that the rename never fails for length.
     */
    QString disabledName(const QString &name) const;

    /// The deleted user (in the deleted-items container) that carries @p immutableId, or an empty string.
    QString deletedUserWithImmutableId(const QString &immutableId);

    /**
     * A directory user whose cloud account was deleted less than 30 days ago comes back: the account is restored
     * (with its mailbox, memberships and licences) and set to the directory's values, rather than created anew next
     * to a deleted one that still holds its onPremisesImmutableId.
     */
    void planRestore(const Directory::DirectoryEntry &entry,
                     const MappedUser &desired,
                     const QString &displayName,
                     const QString &deletedId);

    /// A linked user that is out of scope or gone: disabled (or deleted), licences removed.
    void planLeaving(const Directory::DirectoryEntry *entry,
                     const Link &link,
                     const CloudUser &cloud,
                     const QString &reason);

    /**
     * Adds and removes the SKUs this profile manages so that the user holds exactly the configured ones. Only direct
     * assignments are this profile's to remove; a SKU the user already holds through a group needs no direct one.
     * A SKU licensed through a group (PlanOptions::licenceGroupBySku) is wanted as a membership of that group; a
     * direct assignment of it left from before goes once the group's licence is in effect.
     */
    void planLicences(const QString &anchor, const MappedUser &desired, const CloudUser *cloud, const QString &cloudId);

    Change licenceChange(const QString &anchor,
                         const QString &sourceDn,
                         const QString &cloudId,
                         const QString &displayName,
                         const CloudUser *cloud) const;

    /**
     * The assignLicense body and the diff the preview shows: the direct assignments before and after. Licences held
     * through a group are named in the reason, since this change does not touch them.
     */
    static void setLicenceDiff(Change *l,
                               const CloudUser::Views &direct,
                               const CloudUser::Views &inherited,
                               const QStringList &add,
                               const QStringList &remove);

    /**
     * One membership change per group that licenses a SKU: the users who should hold the SKU join it, and users this
     * profile manages who should not (left the scope, another SKU) leave it. Members an admin added by hand stay.
     */
    void planLicenceGroups();

    /// The part number of a SKU the tenant has (SPE_E3), else its id.
    QString skuName(const QString &skuId) const;

    void planGroups();

    /**
     * The cloud group with this mail nickname (unique in a tenant) that no link of this profile names yet, or nullptr:
     * a second profile on the same tenant, or a group made by hand, is linked instead of created twice.
     */
    const QJsonObject *unlinkedGroupNamed(const QString &mailNickname, QString *id);

    static const QStringList &groupProperties() { return Planner::groupFingerprintProperties(); }

    void planGroup(const Directory::DirectoryEntry &group, const Directory::GroupMembership *membership);

    void planMembers(const Directory::DirectoryEntry &group,
                     const Directory::GroupMembership *membership,
                     const QString &groupCloudId,
                     const QString &name);

    /// Seats needed and released per SKU, and the licence changes that go beyond what will be free.
    void countSeats();

    const PlanInput &m_in;
    const bool m_alone;
    const QList<Directory::DirectoryEntry> &m_directory;
    const bool m_managesManager;
    QHash<QString, int> m_userByDnKey; // index into m_directory; built on the first manager looked up
    QList<UserPlan> m_userPlans; // when alone
    const UserMapper m_mapper;
    const QStringList m_fingerprintProperties;
    MappedUser m_desired; // the user being planned, kept to reuse its storage
    ManagerTarget m_manager; // the manager of the user being planned
    mutable QStringList m_propertyNames; // the names of the MappedUser m_indexByPropertyId was built for
    mutable QList<qsizetype> m_indexByPropertyId; // CloudUser property id → its index in a MappedUser, or -1
    QSet<QString> m_managedSkus;
    bool m_everyoneInScope = false;
    QSet<QString> m_usersInScope; // when not everyone is
    QList<Directory::GroupMembership> m_memberships;
    QHash<QString, QStringList> m_groupSkus; // user anchor → SKUs through groups
    QHash<QString, QList<MemberRef>> m_licenceGroupMembers; // SKU → users who should hold it through its group
    QHash<QString, int> m_licenceGroupChanges; // SKU → index of its group's membership change in m_memberChanges
    CloudIndex m_cloudByImmutableId{Qt::CaseSensitive};
    CloudIndex m_cloudByUpn{Qt::CaseInsensitive};
    CloudIndex m_cloudByMail{Qt::CaseInsensitive}; // soft match only
    // Cloud id → anchor, as views of the input's strings: 100,000 copies of both would write to as many cold cache
    // lines for their reference counts.
    QHash<QStringView, QStringView> m_linkedCloudIds; // see linkedCloudIds()
    bool m_linkedCloudIdsBuilt = false;
    QList<const Link *> m_seenLinks; // the links of directory users
    QHash<QString, QString> m_groupsByNickname; // folded mail nickname → group id; see unlinkedGroupNamed()
    QHash<QString, QString> m_deletedByImmutableId; // see deletedUserWithImmutableId()
    bool m_groupsByNicknameBuilt = false;
    QSet<QString> m_plannedUpns;
    QHash<QStringView, UserOutcome> m_outcomes; // by anchor, viewed in the input
    QList<Change> m_userChanges;
    QList<Change> m_groupChanges;
    QList<Change> m_memberChanges;
    QList<Change> m_licenceChanges;
    QList<SeatCount> m_seats;
    int m_unchangedUsers = 0;
    int m_unchangedGroups = 0;
};

} // namespace M365::Sync::Detail
