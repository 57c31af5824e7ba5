// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directoryjob.h"
#include "directorysource.h"

#include <QHash>
#include <QSet>

namespace M365::Directory {

/// What a file-source job does with the entries it parses.
enum class FileJobMode { Read, Count, Test };

/**
 * Where a file parser puts what it reads. The parsers (LdifReader, CsvReader) know nothing of jobs or threads, so
 * that tests, the fuzzers and the benchmarks run them directly.
 */
class EntryReceiver
{
public:
    virtual ~EntryReceiver() = default;
    /// One parsed record and the line it starts on; returns false when reading should stop (cancelled).
    virtual bool add(DirectoryEntry &&entry, int line) = 0;
    /// A record or row that was skipped, with the line where it is and why.
    virtual void problem(int line, const QString &dn, const QString &reason) = 0;
};

/**
 * The part LDIF and CSV sources share once a record is parsed: classify it (user, group,
 * container), give it an anchor unless the parser chose one, refuse a second entry with the same
 * DN or anchor (every entry is delivered exactly once), then deliver it or just count it. At the
 * end it reports group members that name no entry of the file.
 */
class FileEntryCollector : public EntryReceiver
{
public:
    /// @p fileName (without its folder) is named in every problem.
    FileEntryCollector(JobSink &sink, const EntryRules &rules, ReadScope scope, FileJobMode mode, QString fileName);

    bool add(DirectoryEntry &&entry, int line) override;
    void problem(int line, const QString &dn, const QString &reason) override;
    /// Reports dangling members, then publishes the counts (and samples) for count and test jobs.
    void finish();

private:
    struct GroupMembers
    {
        int line = 0;
        QString dn;
        QStringList memberDns;
        QStringList memberUids;
    };
    void reportDanglingMembers();

    JobSink &m_sink;
    const EntryRules &m_rules;
    ReadScope m_scope;
    FileJobMode m_mode;
    QString m_fileName;
    QHash<QString, int> m_dnLines;
    QHash<QString, int> m_anchorLines;
    QList<GroupMembers> m_groups;
    QSet<QString> m_uids;
    DirectorySummary m_summary;
};

/// A job that watches a file by polling its size and modification time and reports `Reset`
/// (read everything again) when it changed. Polling works the same on every platform and for
/// files that editors replace rather than rewrite.
DirectoryJob *createFileWatchJob(const QString &path, int intervalMs, QObject *parent);

} // namespace M365::Directory
