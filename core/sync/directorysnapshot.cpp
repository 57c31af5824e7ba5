// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directorysnapshot.h"

namespace M365::Sync {

using Directory::ChangeEvent;
using Directory::DirectoryEntry;
using Directory::EntryKind;

namespace {

QHash<QString, qsizetype> indexByAnchor(const QList<DirectoryEntry> &list)
{
    QHash<QString, qsizetype> index;
    index.reserve(list.size());
    for (qsizetype i = 0; i < list.size(); ++i) {
        index.insert(list.at(i).anchor, i);
    }
    return index;
}

} // namespace

void DirectorySnapshot::reset(QList<DirectoryEntry> users,
                              QList<DirectoryEntry> groups,
                              QList<Directory::EntryProblem> problems,
                              const QDateTime &readAt)
{
    m_users = std::move(users);
    m_groups = std::move(groups);
    m_problems = std::move(problems);
    m_userIndex = indexByAnchor(m_users);
    m_groupIndex = indexByAnchor(m_groups);
    m_readAt = readAt;
    m_valid = true;
    m_changes = DirectoryChanges();
    const QList<ChangeEvent> pending = std::exchange(m_pending, {});
    for (const ChangeEvent &event : pending) {
        applyNow(event);
    }
}

void DirectorySnapshot::invalidate()
{
    m_valid = false;
    m_users.clear();
    m_groups.clear();
    m_userIndex.clear();
    m_groupIndex.clear();
    m_problems.clear();
    m_pending.clear();
    m_changes = DirectoryChanges();
}

void DirectorySnapshot::apply(const ChangeEvent &event)
{
    if (event.kind == ChangeEvent::Reset) {
        invalidate();
        return;
    }
    if (!m_valid) {
        m_pending.append(event);
        return;
    }
    applyNow(event);
}

void DirectorySnapshot::applyNow(const ChangeEvent &event)
{
    const QString anchor = event.anchor.isEmpty() ? event.entry.anchor : event.anchor;
    if (anchor.isEmpty()) {
        return;
    }
    const bool user = event.entry.kind == EntryKind::User;
    const bool group = event.entry.kind == EntryKind::Group;
    if (event.kind != ChangeEvent::Deleted && (user || group)) {
        // In place where it was: the plan keeps its order, so the preview's other rows stay where they are.
        QList<DirectoryEntry> &list = user ? m_users : m_groups;
        QHash<QString, qsizetype> &index = user ? m_userIndex : m_groupIndex;
        const auto it = index.constFind(anchor);
        if (it != index.constEnd()) {
            list[*it] = event.entry;
            if (user) {
                m_changes.modifiedUsers.insert(anchor);
            } else {
                m_changes.structural = true;
            }
            return;
        }
    }
    m_changes.structural = true;
    // Gone, new, or of another kind than before (a group filter that stops matching): out of both, then in.
    remove(m_users, m_userIndex, anchor);
    remove(m_groups, m_groupIndex, anchor);
    if (event.kind == ChangeEvent::Deleted) {
        return;
    }
    if (user) {
        put(m_users, m_userIndex, event.entry);
    } else if (group) {
        put(m_groups, m_groupIndex, event.entry);
    }
}

void DirectorySnapshot::put(QList<DirectoryEntry> &list, QHash<QString, qsizetype> &index, const DirectoryEntry &entry)
{
    index.insert(entry.anchor, list.size());
    list.append(entry);
}

void DirectorySnapshot::remove(QList<DirectoryEntry> &list, QHash<QString, qsizetype> &index, const QString &anchor)
{
    const auto it = index.constFind(anchor);
    if (it == index.constEnd()) {
        return;
    }
    // Removed where it is, not swapped with the last one, so that no other entry (and preview row) moves.
    const qsizetype at = *it;
    index.erase(it);
    list.removeAt(at);
    for (qsizetype i = at; i < list.size(); ++i) {
        index[list.at(i).anchor] = i;
    }
}

} // namespace M365::Sync
