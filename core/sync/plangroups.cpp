// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "planbuilder.h"

namespace M365::Sync::Detail {

void PlanBuilder::planGroups()
{
    QHash<QString, const Directory::GroupMembership *> membershipByAnchor;
    for (const Directory::GroupMembership &m : std::as_const(m_memberships)) {
        membershipByAnchor.insert(m.groupAnchor, &m);
    }
    QSet<QString> directoryGroups;
    for (const Directory::DirectoryEntry &g : m_in.groups) {
        if (!m_in.options.groupScope.matchesFilter(g)) {
            continue;
        }
        directoryGroups.insert(g.anchor);
        planGroup(g, membershipByAnchor.value(g.anchor));
    }
    for (auto it = m_in.links.cbegin(); it != m_in.links.cend(); ++it) {
        if (it->objectType != Change::ObjectType::Group || directoryGroups.contains(it.key())) {
            continue;
        }
        const auto cloud = m_in.cloud.groups.constFind(it->cloudId);
        if (cloud == m_in.cloud.groups.constEnd()) {
            continue;
        }
        const QString name = cloud->value(QLatin1String("displayName")).toString();
        if (name.startsWith(m_in.options.disablePrefix) && !m_in.options.hardDelete) {
            ++m_unchangedGroups;
            continue;
        }
        Change c;
        c.kind = m_in.options.hardDelete ? Change::Kind::Delete : Change::Kind::Disable;
        c.objectType = Change::ObjectType::Group;
        c.anchor = it.key();
        c.cloudId = it->cloudId;
        c.displayName = name;
        c.cloudFingerprint = Planner::fingerprint(*cloud, groupProperties());
        c.reason = Planner::tr("no longer in the directory or out of scope");
        if (c.kind == Change::Kind::Disable) {
            c.diffs = {AttributeDiff{str("displayName"), name, disabledName(name)}};
            c.payload = payloadOf(c.diffs);
        }
        m_groupChanges.append(c);
    }
}

const QJsonObject *PlanBuilder::unlinkedGroupNamed(const QString &mailNickname, QString *id)
{
    if (!m_groupsByNicknameBuilt) {
        m_groupsByNicknameBuilt = true;
        QSet<QString> linked;
        for (auto it = m_in.links.cbegin(); it != m_in.links.cend(); ++it) {
            if (it->objectType == Change::ObjectType::Group) {
                linked.insert(it->cloudId);
            }
        }
        const QList<QString> licensing = m_in.options.licenceGroupBySku.values();
        for (auto it = m_in.cloud.groups.cbegin(); it != m_in.cloud.groups.cend(); ++it) {
            const QString nickname = it->value(QLatin1String("mailNickname")).toString();
            if (!nickname.isEmpty() && !linked.contains(it.key()) && !licensing.contains(it.key())) {
                m_groupsByNickname.insert(nickname.toCaseFolded(), it.key());
            }
        }
    }
    // Taken once: two directory groups with one nickname must not both adopt it.
    *id = m_groupsByNickname.take(mailNickname.toCaseFolded());
    const auto found = m_in.cloud.groups.constFind(*id);
    return id->isEmpty() || found == m_in.cloud.groups.constEnd() ? nullptr : &*found;
}

void PlanBuilder::planGroup(const Directory::DirectoryEntry &group, const Directory::GroupMembership *membership)
{
    QString name = group.value(QStringLiteral("displayName"));
    if (name.isEmpty()) {
        name = group.value(QStringLiteral("cn"));
    }
    const QString description = group.value(QStringLiteral("description"));
    const UpnResult nickname = MappingRules::normalizeMailNickname(group.value(QStringLiteral("cn")));
    Change c;
    c.objectType = Change::ObjectType::Group;
    c.anchor = group.anchor;
    c.sourceDn = group.dn;
    c.displayName = name;
    if (name.isEmpty() || !nickname.ok()) {
        c.kind = Change::Kind::Invalid;
        c.reason = name.isEmpty() ? Planner::tr("the group has no name") : nickname.invalidReason;
        m_groupChanges.append(c);
        return;
    }
    const QList<QPair<QString, QJsonValue>> desired{
        {str("displayName"), name},
        {str("description"), description.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(description)},
        {str("mailNickname"), nickname.value}};

    QString groupCloudId;
    const auto link = m_in.links.constFind(group.anchor);
    const QJsonObject *cloud = nullptr;
    if (link != m_in.links.constEnd() && link->objectType == Change::ObjectType::Group) {
        const auto found = m_in.cloud.groups.constFind(link->cloudId);
        if (found != m_in.cloud.groups.constEnd()) {
            cloud = &*found;
            groupCloudId = link->cloudId;
        }
    }
    if (cloud) {
        for (const auto &p : desired) {
            const QJsonValue current = cloud->value(p.first);
            if (!sameValue(current, p.second)) {
                c.diffs.append({p.first, current, p.second});
            }
        }
        if (c.diffs.isEmpty()) {
            ++m_unchangedGroups;
        } else {
            const bool enable =
                cloud->value(QLatin1String("displayName")).toString().startsWith(m_in.options.disablePrefix);
            c.kind = enable ? Change::Kind::Enable : Change::Kind::Update;
            c.cloudId = groupCloudId;
            c.cloudFingerprint = Planner::fingerprint(*cloud, groupProperties());
            c.reason = enable ? Planner::tr("back in scope") : driftReason(c.diffs, *link);
            c.payload = payloadOf(c.diffs);
            m_groupChanges.append(c);
        }
    } else if (const QJsonObject *existing = unlinkedGroupNamed(nickname.value, &groupCloudId)) {
        // Another profile (or an admin) made it: adopted, never duplicated.
        c.cloudId = groupCloudId;
        c.cloudFingerprint = Planner::fingerprint(*existing, groupProperties());
        const bool manageable = existing->value(QLatin1String("securityEnabled")).toBool()
            && !existing->value(QLatin1String("mailEnabled")).toBool()
            && !existing->value(QLatin1String("groupTypes")).toArray().contains(QStringLiteral("Unified"));
        if (!manageable) {
            // Graph cannot manage the members of a mail-enabled or Microsoft 365 group as this plan would.
            c.kind = Change::Kind::Conflict;
            c.reason = Planner::tr("the mail nickname %1 belongs to a mail-enabled or Microsoft 365 group, "
                                   "which is not linked")
                           .arg(nickname.value);
            m_groupChanges.append(c);
            return;
        }
        c.kind = Change::Kind::Link;
        c.reason = Planner::tr("an existing group with the mail nickname %1").arg(nickname.value);
        for (const auto &p : desired) {
            const QJsonValue current = existing->value(p.first);
            if (!sameValue(current, p.second)) {
                c.diffs.append({p.first, current, p.second});
            }
        }
        c.payload = payloadOf(c.diffs);
        m_groupChanges.append(c);
    } else {
        c.kind = Change::Kind::Create;
        for (const auto &p : desired) {
            if (!isEmptyValue(p.second)) {
                c.payload.insert(p.first, p.second);
                c.diffs.append({p.first, QJsonValue(QJsonValue::Undefined), p.second});
            }
        }
        c.payload.insert(QStringLiteral("securityEnabled"), true);
        c.payload.insert(QStringLiteral("mailEnabled"), false);
        m_groupChanges.append(c);
    }
    planMembers(group, membership, groupCloudId, name);
}

void PlanBuilder::planMembers(const Directory::DirectoryEntry &group,
                              const Directory::GroupMembership *membership,
                              const QString &groupCloudId,
                              const QString &name)
{
    QList<MemberRef> add;
    QList<MemberRef> remove;
    // Sorted lists rather than sets: a group has tens of members, and sets for 5,000 groups cost more than
    // sorting them.
    QList<QStringView> wantedCloudIds;
    QStringList current;
    if (!groupCloudId.isEmpty()) {
        current = m_in.cloud.groupMembers.value(groupCloudId);
        std::sort(current.begin(), current.end());
        current.erase(std::unique(current.begin(), current.end()), current.end());
    }
    if (membership) {
        for (const QString &anchor : membership->userAnchors) {
            const auto outcome = m_outcomes.constFind(anchor);
            if (outcome == m_outcomes.constEnd() || !outcome->eligible) {
                continue;
            }
            if (outcome->cloudId.isEmpty()
                || !std::binary_search(current.cbegin(), current.cend(), outcome->cloudId, lessView)) {
                add.append({anchor, outcome->cloudId.toString()});
            }
            if (!outcome->cloudId.isEmpty()) {
                wantedCloudIds.append(outcome->cloudId);
            }
        }
    }
    std::sort(wantedCloudIds.begin(), wantedCloudIds.end(), lessView);
    // Only members this profile manages are removed; people an admin added by hand stay.
    QStringList removed; // sorted, as current is
    for (const QString &id : std::as_const(current)) {
        if (std::binary_search(wantedCloudIds.cbegin(), wantedCloudIds.cend(), QStringView(id), lessView)) {
            continue;
        }
        const auto managed = linkedCloudIds().constFind(id);
        if (managed != linkedCloudIds().constEnd()) {
            removed.append(id);
        }
    }
    for (const QString &id : std::as_const(removed)) {
        remove.append({linkedCloudIds().value(id).toString(), id});
    }
    if (add.isEmpty() && remove.isEmpty()) {
        return;
    }
    Change c;
    c.kind = Change::Kind::Update;
    c.objectType = Change::ObjectType::Membership;
    c.anchor = group.anchor;
    c.sourceDn = group.dn;
    c.cloudId = groupCloudId;
    c.displayName = name;
    if (!groupCloudId.isEmpty()) {
        c.cloudFingerprint = Planner::fingerprint(QJsonObject{{str("members"), QJsonArray::fromStringList(current)}},
                                                  QStringList{str("members")});
    }
    c.reason = Planner::tr("%1 to add, %2 to remove").arg(add.size()).arg(remove.size());
    c.membersToAdd = std::move(add);
    c.membersToRemove = std::move(remove);
    m_memberChanges.append(c);
}

} // namespace M365::Sync::Detail
