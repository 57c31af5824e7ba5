// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Runs a DirectoryJob to its end in a test and keeps everything it delivered.

#include "directory/directoryjob.h"

#include <QSignalSpy>

namespace TestSupport {

/// What a directory job delivered, and how it ended.
struct DirectoryOutcome
{
    QList<M365::Directory::DirectoryEntry> entries;
    QList<M365::Directory::EntryProblem> problems;
    M365::Error error;
    M365::Directory::DirectorySummary summary;
    bool finished = false;

    /// The entry with this DN, or nullptr.
    const M365::Directory::DirectoryEntry *byDn(const QString &dn) const
    {
        for (const M365::Directory::DirectoryEntry &e : entries) {
            if (e.dn == dn) {
                return &e;
            }
        }
        return nullptr;
    }
};

/// Starts @p job, waits (bounded, on its finished signal) and deletes it.
inline DirectoryOutcome runDirectoryJob(M365::Directory::DirectoryJob *job, QObject *context, int timeoutMs)
{
    using namespace M365::Directory;
    DirectoryOutcome out;
    job->setParent(context);
    QObject::connect(job, &DirectoryJob::entry, context, [&out](const DirectoryEntry &e) {
        out.entries.append(e);
    });
    QObject::connect(job, &DirectoryJob::problem, context, [&out](const EntryProblem &p) {
        out.problems.append(p);
    });
    QSignalSpy finished(job, &DirectoryJob::finished);
    job->start();
    out.finished = finished.wait(timeoutMs);
    out.error = job->error();
    out.summary = job->summary();
    delete job;
    return out;
}

} // namespace TestSupport
