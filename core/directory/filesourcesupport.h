// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directoryjob.h"
#include "directorysource.h"

#include <QHash>

namespace M365::Directory {

/// What a file-source job does with the entries it parses.
enum class FileJobMode { Read, Count, Test };

/**
 * The part LDIF and CSV sources share once a record is parsed: classify it (user, group,
 * container), give it an anchor, refuse a second entry with the same DN or anchor (every entry is
 * delivered exactly once), then deliver it or just count it.
 */
class FileEntryCollector
{
public:
    FileEntryCollector(JobSink &sink, const EntryRules &rules, ReadScope scope, FileJobMode mode);

    /// Returns false when the job was cancelled and parsing should stop.
    bool add(DirectoryEntry &&entry, int line);
    void problem(int line, const QString &dn, const QString &reason);
    /// Publishes the counts (and samples) for count and test jobs.
    void finish();

private:
    JobSink &m_sink;
    const EntryRules &m_rules;
    ReadScope m_scope;
    FileJobMode m_mode;
    QHash<QString, int> m_dnLines;
    QHash<QString, int> m_anchorLines;
    DirectorySummary m_summary;
};

/// A job that watches a file by polling its size and modification time and reports `Reset`
/// (read everything again) when it changed. Polling works the same on every platform and for
/// files that editors replace rather than rewrite.
DirectoryJob *createFileWatchJob(const QString &path, int intervalMs, QObject *parent);

} // namespace M365::Directory
