// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directoryentry.h"

#include <QHash>
#include <QSet>

namespace M365::Directory {

/// A group's members as anchors, ready to be mapped to cloud object ids.
struct GroupMembership
{
    QString groupAnchor;
    QString groupDn;
    /// Users that are members (directly, or through nested groups when flattened).
    QStringList userAnchors;
    /// Directly nested groups; empty when flattened (their users are in userAnchors).
    QStringList groupAnchors;
    /// Member values that match no entry that was read (outside the scope or dangling).
    QStringList unresolved;
};

/**
 * Resolves group membership (member / uniqueMember DNs, memberUid uids) to the anchors of the
 * entries read, because the cloud knows objects by anchor, not by DN.
 *
 * Nested groups are kept as group members or, on request, flattened into their users (Microsoft
 * 365 licence groups and distribution lists often want the flat list). Membership cycles, which
 * LDAP permits, are reported once each and never loop.
 */
class GroupResolver
{
public:
    GroupResolver();

    /// Attributes holding members (default: member, uniqueMember, memberUid).
    void setMemberAttributes(const QStringList &attributes);
    /// Adds a user or group as read from any source; others are ignored.
    void addEntry(const DirectoryEntry &entry);
    QList<GroupMembership> resolve(bool flattenNested) const;
    /// Cycles found by the last resolve().
    QList<EntryProblem> problems() const { return m_problems; }

    /// DN comparison key: case-folded, spaces around separators removed, uniqueMember's
    /// "#'…'B" suffix dropped.
    static QString normalizeDn(const QString &dn);

private:
    struct Group
    {
        QString anchor;
        QString dn;
        QStringList members; // normalized DNs or "uid:" + uid
    };

    QStringList m_memberAttributes;
    QHash<QString, QString> m_userByKey; // normalized DN or "uid:x" → user anchor
    QHash<QString, QString> m_groupByDn; // normalized DN → group anchor
    QList<Group> m_groups;
    QHash<QString, int> m_groupIndex; // anchor → index
    mutable QList<EntryProblem> m_problems;
};

} // namespace M365::Directory
