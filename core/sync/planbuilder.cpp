// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "planbuilder.h"

#include <QVarLengthArray>

#include <climits>

namespace M365::Sync::Detail {

ChangePlan PlanBuilder::run()
{
    indexCloud();
    resolveGroups();
    planUsers();
    if (m_alone) {
        return {};
    }
    if (m_in.options.syncGroups) {
        planGroups();
    }
    planLicenceGroups();
    countSeats();
    ChangePlan plan;
    plan.changes.reserve(m_userChanges.size() + m_groupChanges.size() + m_memberChanges.size()
                         + m_licenceChanges.size());
    plan.changes << m_userChanges << m_groupChanges << m_memberChanges << m_licenceChanges;
    plan.unchangedUsers = m_unchangedUsers;
    plan.unchangedGroups = m_unchangedGroups;
    plan.seats = m_seats;
    return plan;
}

void PlanBuilder::indexCloud()
{
    const CloudSnapshot &c = m_in.cloud;
    const QHash<QString, CloudUser> &users = c.users();
    m_cloudByImmutableId.reserve(users.size());
    m_cloudByUpn.reserve(users.size());
    for (auto it = users.cbegin(); it != users.cend(); ++it) {
        // The hashes the user keeps: an empty value is left out at find() time, so it need not be here.
        m_cloudByImmutableId.insertHash(it->onPremisesImmutableIdHash(), it.key());
        m_cloudByUpn.insertHash(it->userPrincipalNameHash(), it.key());
        if (m_in.options.softMatch) {
            const QStringView mail = it->mail();
            if (!mail.isEmpty()) {
                m_cloudByMail.insert(mail, it.key());
            }
        }
    }
    m_cloudByImmutableId.finish();
    m_cloudByUpn.finish();
    m_cloudByMail.finish();
    m_outcomes.reserve(m_in.users.size());
}

QHash<QStringView, QStringView> &PlanBuilder::linkedCloudIds()
{
    if (!m_linkedCloudIdsBuilt) {
        m_linkedCloudIdsBuilt = true;
        m_linkedCloudIds.reserve(m_in.links.size());
        for (auto it = m_in.links.cbegin(); it != m_in.links.cend(); ++it) {
            m_linkedCloudIds.insert(it->cloudId, it.key());
        }
    }
    return m_linkedCloudIds;
}

void PlanBuilder::resolveGroups()
{
    // No filter and no groups: everyone is in scope, and a set of 100,000 anchors would only say so.
    m_everyoneInScope = m_in.scope.filter().isEmpty() && m_in.scope.groups().isEmpty();
    if (!m_everyoneInScope) {
        m_usersInScope = m_in.scope.usersInScope(m_in.users, m_in.groups);
    }
    const bool needMembership = m_in.options.syncGroups || !m_in.options.skuByGroup.isEmpty();
    if (!needMembership || m_in.groups.isEmpty()) {
        return;
    }
    m_memberships = flattenMemberships();
    if (m_in.options.skuByGroup.isEmpty()) {
        return;
    }
    QHash<QString, QString> skuByKey;
    for (auto it = m_in.options.skuByGroup.cbegin(); it != m_in.options.skuByGroup.cend(); ++it) {
        skuByKey.insert(it.key(), it.value());
        skuByKey.insert(Directory::GroupResolver::normalizeDn(it.key()), it.value());
    }
    for (const Directory::GroupMembership &m : std::as_const(m_memberships)) {
        QString sku = skuByKey.value(m.groupAnchor);
        if (sku.isEmpty()) {
            sku = skuByKey.value(Directory::GroupResolver::normalizeDn(m.groupDn));
        }
        if (sku.isEmpty()) {
            continue;
        }
        for (const QString &user : m.userAnchors) {
            QStringList &skus = m_groupSkus[user];
            if (!skus.contains(sku)) {
                skus.append(sku);
            }
        }
    }
}

QList<Directory::GroupMembership> PlanBuilder::flattenMemberships() const
{
    const QList<Directory::DirectoryEntry> &users = m_in.users;
    const QList<Directory::DirectoryEntry> &groups = m_in.groups;
    // Users by the hash of their DN key, sorted: no key string is built for the usual DN, neither here nor for
    // each member below. Of users with the same key the last one counts, as in a hash keyed by the key.
    QList<QPair<size_t, int>> userByDn;
    userByDn.reserve(users.size());
    for (int i = 0; i < users.size(); ++i) {
        userByDn.append({dnKeyHash(users.at(i).dn), i});
    }
    std::sort(userByDn.begin(), userByDn.end());
    auto findUser = [&users, &userByDn](const QString &dn, size_t hash) {
        auto it = std::upper_bound(userByDn.cbegin(), userByDn.cend(), qMakePair(hash, INT_MAX));
        while (it != userByDn.cbegin() && (it - 1)->first == hash) {
            --it;
            if (sameDnKey(users.at(it->second).dn, dn)) {
                return it->second;
            }
        }
        return -1;
    };
    QHash<QString, int> groupByDn;
    groupByDn.reserve(groups.size());
    for (int g = 0; g < groups.size(); ++g) {
        groupByDn.insert(dnKey(groups.at(g).dn), g);
    }
    QHash<QString, int> userByUid; // only built when some group lists memberUid
    const QString memberUid = str("memberuid");

    QList<QList<int>> directUsers(groups.size());
    QList<QList<int>> nestedGroups(groups.size());
    for (int g = 0; g < groups.size(); ++g) {
        const auto &attributes = groups.at(g).attributes;
        for (const char16_t *attribute : {u"member", u"uniquemember"}) {
            for (const QString &dn : attributes.values(attribute)) {
                const int user = findUser(dn, dnKeyHash(dn));
                if (user >= 0) {
                    directUsers[g].append(user);
                    continue;
                }
                const auto nested = groupByDn.constFind(dnKey(dn));
                if (nested != groupByDn.constEnd() && *nested != g) {
                    nestedGroups[g].append(*nested);
                }
            }
        }
        const auto uids = attributes.constFind(memberUid);
        if (uids != attributes.constEnd()) {
            if (userByUid.isEmpty()) {
                for (int i = 0; i < users.size(); ++i) {
                    for (const QString &uid : users.at(i).valuesOf(u"uid")) {
                        userByUid.insert(uid.trimmed().toCaseFolded(), i);
                    }
                }
            }
            for (const QString &uid : *uids) {
                const auto user = userByUid.constFind(uid.trimmed().toCaseFolded());
                if (user != userByUid.constEnd()) {
                    directUsers[g].append(*user);
                }
            }
        }
    }

    QList<Directory::GroupMembership> out;
    out.reserve(groups.size());
    QList<int> userStamp(users.size(), -1);
    QList<int> groupStamp(groups.size(), -1);
    QList<int> stack;
    for (int g = 0; g < groups.size(); ++g) {
        Directory::GroupMembership m;
        m.groupAnchor = groups.at(g).anchor;
        m.groupDn = groups.at(g).dn;
        stack = {g};
        groupStamp[g] = g;
        while (!stack.isEmpty()) {
            const int current = stack.takeLast();
            for (int u : std::as_const(directUsers.at(current))) {
                if (userStamp.at(u) != g) {
                    userStamp[u] = g;
                    m.userAnchors.append(users.at(u).anchor);
                }
            }
            for (int n : std::as_const(nestedGroups.at(current))) {
                if (groupStamp.at(n) != g) {
                    groupStamp[n] = g;
                    stack.append(n);
                }
            }
        }
        out.append(m);
    }
    return out;
}

} // namespace M365::Sync::Detail
