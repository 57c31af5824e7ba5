// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "incrementalplanner.h"

#include <algorithm>
#include <limits>

namespace M365::Sync {

namespace {

constexpr qsizetype NotInDirectory = std::numeric_limits<qsizetype>::max();

/// The end of the users' block at the start of a plan (Planner puts users, groups, memberships, licences in order).
qsizetype userBlockEnd(const QList<Change> &changes)
{
    return std::partition_point(changes.cbegin(),
                                changes.cend(),
                                [](const Change &c) {
                                    return c.objectType == Change::ObjectType::User;
                                })
        - changes.cbegin();
}

/// The start of the licences' block at the end of a plan.
qsizetype licenceBlockBegin(const QList<Change> &changes)
{
    return std::partition_point(changes.cbegin(),
                                changes.cend(),
                                [](const Change &c) {
                                    return c.objectType != Change::ObjectType::Licence;
                                })
        - changes.cbegin();
}

} // namespace

ChangePlan IncrementalPlanner::plan(
    const PlanInput &input, const DirectoryChanges &changes, bool tenantUnchanged, quint64 ticket, bool *incremental)
{
    QMutexLocker lock(&m_mutex);
    if (incremental) {
        *incremental = false;
    }
    if (ticket < m_planned) {
        return Planner::plan(input); // an older plan that came late: the state stays with the newer one
    }
    const bool follows = ticket == m_planned + 1;
    m_planned = ticket;
    if (m_valid && follows && !changes.structural && tenantUnchanged) {
        if (std::optional<ChangePlan> plan = replan(input, changes.modifiedUsers)) {
            if (incremental) {
                *incremental = true;
            }
            return *plan;
        }
    }
    m_raw = Planner::planBeforeExclusions(input);
    m_input = input;
    m_userPosition.clear();
    m_valid = true;
    ChangePlan plan = m_raw;
    input.exclusions.apply(&plan);
    return plan;
}

void IncrementalPlanner::clear()
{
    QMutexLocker lock(&m_mutex);
    m_valid = false;
    m_input = PlanInput();
    m_raw = ChangePlan();
    m_userPosition.clear();
}

namespace {

/// Whether two hashes hold the same ids (a deleted user restored or purged changes what the plan restores).
bool sameIds(const QHash<QString, CloudUser> &a, const QHash<QString, CloudUser> &b)
{
    return a.size() == b.size() && std::all_of(a.keyBegin(), a.keyEnd(), [&b](const QString &id) {
               return b.contains(id);
           });
}

} // namespace

bool IncrementalPlanner::sameContext(const PlanInput &input) const
{
    // Unchanged lists are the same shared data (the snapshot's), and the hashes compare by reference first, so
    // this is cheap. Groups are the same only as the same data: a copy that might be equal counts as a change.
    const CloudSnapshot &a = input.cloud;
    const CloudSnapshot &b = m_input.cloud;
    const bool sameGroups = input.groups.size() == m_input.groups.size()
        && (input.groups.isEmpty() || input.groups.constData() == m_input.groups.constData());
    return input.users.size() == m_input.users.size() && sameGroups && input.links == m_input.links
        && input.rules == m_input.rules && input.scope == m_input.scope && input.options == m_input.options
        && a.subscribedSkus == b.subscribedSkus && a.adminUserIds == b.adminUserIds
        && sameIds(a.deletedUsers, b.deletedUsers);
}

qsizetype IncrementalPlanner::positionOf(const Change &change) const
{
    return m_userPosition.value(change.anchor, NotInDirectory);
}

std::optional<ChangePlan> IncrementalPlanner::replan(const PlanInput &input, const QSet<QString> &modifiedUsers)
{
    if (!sameContext(input)) {
        return std::nullopt;
    }
    if (m_userPosition.isEmpty()) {
        m_userPosition.reserve(m_input.users.size());
        for (qsizetype i = 0; i < m_input.users.size(); ++i) {
            m_userPosition.insert(m_input.users.at(i).anchor, i);
        }
    }
    if (m_userPosition.size() != m_input.users.size()) {
        return std::nullopt; // two entries with one anchor: which one a change belongs to is not clear
    }

    // The changed users before and after, in directory order (the order in which the full plan met them).
    QList<qsizetype> positions;
    for (const QString &anchor : modifiedUsers) {
        const qsizetype position = m_userPosition.value(anchor, -1);
        if (position < 0 || input.users.at(position).anchor != anchor) {
            return std::nullopt;
        }
        positions.append(position);
    }
    std::sort(positions.begin(), positions.end());
    QList<Directory::DirectoryEntry> before;
    QList<Directory::DirectoryEntry> after;
    for (const qsizetype position : std::as_const(positions)) {
        before.append(m_input.users.at(position));
        after.append(input.users.at(position));
    }
    const QList<UserPlan> was = Planner::planAlone(m_input, before);
    const QList<UserPlan> now = Planner::planAlone(input, after);

    ChangePlan &raw = m_raw;
    for (qsizetype i = 0; i < positions.size(); ++i) {
        const UserPlan &old = was.at(i);
        const UserPlan &next = now.at(i);
        if (old.footprint != next.footprint) {
            return std::nullopt;
        }
        // Planned alone before the edit, the user must come out as the full plan had it.
        const qsizetype userEnd = userBlockEnd(raw.changes);
        const auto user = std::lower_bound(raw.changes.cbegin(),
                                           raw.changes.cbegin() + userEnd,
                                           positions.at(i),
                                           [this](const Change &c, qsizetype p) {
                                               return positionOf(c) < p;
                                           });
        const bool hadUser = user != raw.changes.cbegin() + userEnd && positionOf(*user) == positions.at(i);
        if (hadUser != old.user.has_value() || (hadUser && !(*user == *old.user))) {
            return std::nullopt;
        }
        const qsizetype licenceBegin = licenceBlockBegin(raw.changes);
        const auto licence = std::lower_bound(raw.changes.cbegin() + licenceBegin,
                                              raw.changes.cend(),
                                              positions.at(i),
                                              [this](const Change &c, qsizetype p) {
                                                  return positionOf(c) < p;
                                              });
        const bool hadLicence = licence != raw.changes.cend() && positionOf(*licence) == positions.at(i);
        if (hadLicence != old.licence.has_value() || next.licence.has_value() != old.licence.has_value()) {
            return std::nullopt;
        }
        if (hadLicence) {
            // exceedsSeats comes from counting every licence change; the seats stay as counted when what the
            // change adds and removes stays the same.
            Change oldLicence = *old.licence;
            oldLicence.exceedsSeats = licence->exceedsSeats;
            if (!(*licence == oldLicence) || next.licence->kind != old.licence->kind
                || next.licence->payload != old.licence->payload) {
                return std::nullopt;
            }
        }
    }

    // Every changed user can take its new changes: splice them in (all checks first, so that a refusal above
    // leaves the last plan as it was).
    for (qsizetype i = 0; i < positions.size(); ++i) {
        const UserPlan &next = now.at(i);
        const qsizetype userEnd = userBlockEnd(raw.changes);
        splice(0, userEnd, positions.at(i), next.user);
        std::optional<Change> licence = next.licence;
        const qsizetype licenceBegin = licenceBlockBegin(raw.changes);
        if (licence) {
            const auto at = std::lower_bound(raw.changes.cbegin() + licenceBegin,
                                             raw.changes.cend(),
                                             positions.at(i),
                                             [this](const Change &c, qsizetype p) {
                                                 return positionOf(c) < p;
                                             });
            licence->exceedsSeats = at->exceedsSeats;
        }
        splice(licenceBegin, raw.changes.size(), positions.at(i), licence);
        raw.unchangedUsers += int(next.unchanged) - int(was.at(i).unchanged);
    }
    m_input = input;
    ChangePlan plan = raw;
    input.exclusions.apply(&plan);
    return plan;
}

void IncrementalPlanner::splice(qsizetype begin,
                                qsizetype end,
                                qsizetype position,
                                const std::optional<Change> &replacement)
{
    QList<Change> &changes = m_raw.changes;
    const qsizetype at = std::lower_bound(changes.cbegin() + begin,
                                          changes.cbegin() + end,
                                          position,
                                          [this](const Change &c, qsizetype p) {
                                              return positionOf(c) < p;
                                          })
        - changes.cbegin();
    const bool exists = at < end && positionOf(changes.at(at)) == position;
    if (exists && replacement) {
        changes[at] = *replacement;
    } else if (exists) {
        changes.removeAt(at);
    } else if (replacement) {
        changes.insert(at, *replacement);
    }
}

} // namespace M365::Sync
