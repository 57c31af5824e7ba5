// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace M365::Sync {

/// One property that a change sets: its value in the cloud now and the value it will have.
struct AttributeDiff
{
    QString property;
    QJsonValue oldValue;
    QJsonValue newValue;

    bool operator==(const AttributeDiff &other) const
    {
        return property == other.property && oldValue == other.oldValue && newValue == other.newValue;
    }
};

/// A member of a Membership change: the user's directory anchor and, once the user exists, its cloud id.
struct MemberRef
{
    QString anchor;
    QString cloudId; ///< empty for a user this run creates: the applier finds it by anchor once created

    bool operator==(const MemberRef &other) const { return anchor == other.anchor && cloudId == other.cloudId; }
};

/**
 * One thing the applier will do, or will refuse to do (conflict, invalid), as the preview shows it.
 *
 * A change is self-contained: `payload` is the body the applier sends, `cloudFingerprint` identifies the state of
 * the cloud object the change was computed against, so that a change whose object moved on in the meantime is
 * re-planned instead of overwriting someone else's edit.
 */
struct Change
{
    /// Conflict and Invalid stay last: the models count kinds up to Invalid.
    enum class Kind { Create, Update, Disable, Enable, Delete, Link, Restore, Conflict, Invalid };
    enum class ObjectType { User, Group, Membership, Licence };

    Kind kind = Kind::Update;
    ObjectType objectType = ObjectType::User;
    QString anchor; ///< directory anchor (the group's for Membership changes, the user's for Licence changes)
    QString sourceDn;
    /// Empty when the object does not exist yet (create, or a member/licence of a new user); for Restore the id of the
    /// deleted user, which keeps its id when it comes back.
    QString cloudId;
    QString displayName;
    QString userPrincipalName;
    QList<AttributeDiff> diffs;
    QString reason; ///< why: the conflict/invalid reason, "drift", "left the scope", …
    QString cloudFingerprint; ///< empty when there is no cloud object
    /**
     * What the applier sends: the user/group properties for User and Group changes (for Restore what is set once the
     * user is back; may be empty); for Licence the assignLicense body {"addLicenses": [{"skuId", "disabledPlans"}],
     * "removeLicenses": [skuId]}. Empty for Membership changes, which list their members in membersToAdd and
     * membersToRemove.
     */
    QJsonObject payload;
    /// Membership changes only: the users that join and leave the group (members being created have no cloudId).
    QList<MemberRef> membersToAdd;
    QList<MemberRef> membersToRemove;
    /// Licence changes, and the members of a licensing group beyond its SKU's seats: the assignment needs a seat the
    /// tenant does not have free (shown, never applied).
    bool exceedsSeats = false;

    QJsonObject toJson() const;
    /// Also reads a Membership change of the old form (payload {"add": [...], "remove": [...]}), as saved plans and
    /// the run history hold it.
    static Change fromJson(const QJsonObject &json);
    bool operator==(const Change &other) const;

    static QString kindName(Kind kind);
    static bool kindFromName(const QString &name, Kind *kind);
    static QString objectTypeName(ObjectType type);
    static bool objectTypeFromName(const QString &name, ObjectType *type);
};

/// Seats of one subscribed SKU: what the tenant has and what the plan would use.
struct SeatCount
{
    QString skuId;
    QString skuPartNumber;
    int prepaid = 0; ///< prepaidUnits.enabled
    int consumed = 0; ///< consumedUnits before the plan
    int needed = 0; ///< assignments the plan adds
    int released = 0; ///< assignments the plan removes

    int free() const { return prepaid - consumed; }
    /// Seats the plan asks for beyond what is free once its own removals are done.
    int shortfall() const { return qMax(0, needed - released - free()); }

    bool operator==(const SeatCount &other) const
    {
        return skuId == other.skuId && skuPartNumber == other.skuPartNumber && prepaid == other.prepaid
            && consumed == other.consumed && needed == other.needed && released == other.released;
    }
};

/**
 * The result of planning: every change, in the order the applier should run them (users before the licences and
 * memberships that need them, groups before their members), what stayed unchanged, and the seat arithmetic.
 *
 * Plain data so that the preview, `m365sync-cli plan --json` and the applier all work from the very same plan.
 */
struct ChangePlan
{
    QList<Change> changes;
    /// What the plan would also do but the profile's exclusions hold back (see Exclusions): shown, never applied.
    QList<Change> excluded;
    int unchangedUsers = 0;
    int unchangedGroups = 0;
    QList<SeatCount> seats;
    QDateTime created;

    bool isEmpty() const { return changes.isEmpty(); }
    /// Changes per kind (all object types), for the summary line and the CLI's exit code.
    QMap<Change::Kind, int> summary() const;
    /// Disables, deletes, licence removals and member removals: what the deletion guard counts.
    int destructiveCount() const;
    /// True when some SKU lacks seats for the plan.
    bool exceedsSeats() const;

    QJsonObject toJson() const;
    static Result<ChangePlan> fromJson(const QJsonObject &json);
    bool operator==(const ChangePlan &other) const;
};

} // namespace M365::Sync
