// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "changeplan.h"
#include "result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QSet>
#include <QString>

namespace M365::Sync {

/// One object the admin took out of the sync: what it is, how it is recognised, and since when.
struct Exclusion
{
    Change::ObjectType objectType = Change::ObjectType::User;
    /// "a:" + directory anchor, or "c:" + cloud id for an object that has no anchor (see Exclusions::keyOf()).
    QString key;
    QString displayName; ///< as the preview showed it, for the list in Settings
    QDateTime since;

    bool operator==(const Exclusion &other) const
    {
        return objectType == other.objectType && key == other.key && displayName == other.displayName
            && since == other.since;
    }
};

/**
 * Objects that m365sync leaves alone because the admin said so (a row left unchecked when a run was started from
 * the preview): no create, update, disable, delete or link, no licence change for an excluded user, no membership
 * change of an excluded group, and an excluded user is neither added to nor removed from any group. Stored in the
 * profile's "sync" object, so the GUI, the CLI and scheduled runs all honour them until the admin includes the object
 * again (Settings → Exclusions).
 */
class Exclusions
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::Exclusions)

public:
    /// How a change's object is recognised across plans: its directory anchor, else its cloud id; empty when neither
    /// is known (such a change cannot be excluded).
    static QString keyOf(const Change &change);

    bool isEmpty() const { return m_list.isEmpty(); }
    const QList<Exclusion> &list() const { return m_list; }
    /// Excludes the object of @p change (a membership row excludes the group, a licence row the user); false when
    /// it cannot be recognised or is excluded already.
    bool add(const Change &change, const QDateTime &now = QDateTime::currentDateTimeUtc());
    /// Includes the object again; false when it was not excluded.
    bool remove(Change::ObjectType objectType, const QString &key);
    bool contains(Change::ObjectType objectType, const QString &key) const;

    /// Moves the changes the exclusions cover from `plan->changes` to `plan->excluded`, and drops excluded users
    /// from the member lists of membership changes.
    void apply(ChangePlan *plan) const;

    QJsonArray toJson() const;
    static Result<Exclusions> fromJson(const QJsonArray &json);

    bool operator==(const Exclusions &other) const { return m_list == other.m_list; }

private:
    /// What an exclusion of this object type covers: users and their licences, groups and their memberships.
    static Change::ObjectType ownerType(Change::ObjectType objectType);
    QList<Exclusion> m_list;
    QSet<QString> m_keys; ///< ownerType name + key, for lookups while filtering 100,000 changes
};

} // namespace M365::Sync
