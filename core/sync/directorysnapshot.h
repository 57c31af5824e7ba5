// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/directoryentry.h"
#include "incrementalplanner.h"

#include <QDateTime>
#include <QHash>
#include <QList>

#include <utility>

namespace M365::Sync {

/**
 * The directory as last read, kept current by a watch's change events, so that the live preview plans again from
 * memory instead of reading 100,000 entries for every edit.
 *
 * A full read fills it (reset()); Added, Modified and Deleted events replace or remove one entry each; a Reset event
 * (the server lost track) empties it, and the next plan reads everything again. Events that arrive while it is empty
 * are kept and applied after the next fill, because the read that fills it may have started before them. Lookups are
 * by anchor, so applying an event costs the same for 100 or 100,000 entries; the lists are shared (implicitly) with
 * the plan input that copies them. It also counts what changed between plans (takeChanges()), so that the next plan
 * need only look at the users an edit touched.
 */
class DirectorySnapshot
{
public:
    bool isValid() const { return m_valid; }
    /// When the last full read finished; invalid before one.
    QDateTime readAt() const { return m_readAt; }

    /// Replaces everything with a full read's result.
    void reset(QList<Directory::DirectoryEntry> users,
               QList<Directory::DirectoryEntry> groups,
               QList<Directory::EntryProblem> problems,
               const QDateTime &readAt = QDateTime::currentDateTimeUtc());
    /// Forgets everything: the next plan reads the directory again.
    void invalidate();
    /// Applies one change of a watch; a Reset invalidates.
    void apply(const Directory::ChangeEvent &event);

    /// What changed since the last call (or since it was filled), for IncrementalPlanner; starts counting again.
    DirectoryChanges takeChanges()
    {
        DirectoryChanges none;
        none.structural = false;
        return std::exchange(m_changes, none);
    }

    const QList<Directory::DirectoryEntry> &users() const { return m_users; }
    const QList<Directory::DirectoryEntry> &groups() const { return m_groups; }
    const QList<Directory::EntryProblem> &problems() const { return m_problems; }

private:
    /// One kind of entry with its anchor index.
    static void put(QList<Directory::DirectoryEntry> &list,
                    QHash<QString, qsizetype> &index,
                    const Directory::DirectoryEntry &entry);
    static void remove(QList<Directory::DirectoryEntry> &list, QHash<QString, qsizetype> &index, const QString &anchor);
    void applyNow(const Directory::ChangeEvent &event);

    bool m_valid = false;
    QDateTime m_readAt;
    QList<Directory::DirectoryEntry> m_users;
    QList<Directory::DirectoryEntry> m_groups;
    QHash<QString, qsizetype> m_userIndex;
    QHash<QString, qsizetype> m_groupIndex;
    QList<Directory::EntryProblem> m_problems;
    QList<Directory::ChangeEvent> m_pending; ///< events that came while empty
    DirectoryChanges m_changes;
};

} // namespace M365::Sync
