// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directoryentry.h"
#include "job.h"

#include <functional>
#include <memory>

class QThread;

namespace M365::Directory {

class JobChannel;

/**
 * The producer side of a DirectoryJob, handed to the code that runs on the worker thread.
 *
 * Directory reads block (libldap's synchronous calls, file I/O), so they run on a worker
 * thread; the sink hands what they find to the job's thread in batches. It applies back-pressure:
 * when the receiver falls behind, `entry()` waits, so a 100,000-entry read never queues the whole
 * directory in memory. Every wait checks `isCancelled()`, so a cancelled job stops promptly.
 */
class JobSink
{
public:
    explicit JobSink(std::shared_ptr<JobChannel> channel);
    ~JobSink();
    JobSink(const JobSink &) = delete;
    JobSink &operator=(const JobSink &) = delete;

    bool isCancelled() const;
    /// Queues one entry; returns false when the job was cancelled (the producer should stop).
    bool entry(DirectoryEntry &&entry);
    void problem(EntryProblem problem);
    /// Watch jobs: the initial state is known, changes from now on are reported.
    void ready();
    void change(ChangeEvent &&event);
    void setSummary(const DirectorySummary &summary);
    /// Hands the current batch over now (end of an LDAP page, a change while watching).
    void flush();
    /// Ends the job with an error (DirectoryError::make()); without a call the job ends successfully. The first
    /// error counts.
    void fail(const M365::Error &error);

private:
    std::shared_ptr<JobChannel> m_channel;
    struct Batch;
    std::unique_ptr<Batch> m_batch;
};

/**
 * One asynchronous directory operation: read, count, connection test or watch.
 *
 * An M365::Job (KJob's contract, STYLE.md sections 3 and 10): `start()` only schedules the work; the producer runs on
 * a worker thread owned by the job; `entry()`/`problem()` (and, for watches, `ready()` and `changed()`) arrive on the
 * job's thread; the base emits `finished()` exactly once, after which `error()` (a DirectoryError::make() error, see
 * `directoryError()`), `entryCount()`, `problems()` and `summary()` hold the result. `cancel()` finishes the job at
 * once with Error::cancelled() and no entry is delivered after it; the worker stops at its next check. A job without
 * a parent deletes itself after `finished()`. Deleting a job cancels it and joins its worker, which every blocking
 * call bounds with a timeout.
 */
class DirectoryJob : public M365::Job
{
    Q_OBJECT

public:
    using Producer = std::function<void(JobSink &)>;

    explicit DirectoryJob(Producer producer, QObject *parent = nullptr);
    ~DirectoryJob() override;

    /// The worker runs and the job has not finished: a watch that still watches.
    bool isRunning() const { return m_thread && !isFinished(); }
    /// The kind of failure, for callers that branch on it: DirectoryError::codeOf(error()).
    DirectoryError::Code directoryError() const { return DirectoryError::codeOf(error()); }
    int entryCount() const { return m_entryCount; }
    QList<EntryProblem> problems() const { return m_problems; }
    DirectorySummary summary() const { return m_summary; }

Q_SIGNALS:
    void entry(const M365::Directory::DirectoryEntry &entry);
    void problem(const M365::Directory::EntryProblem &problem);
    /// Watch jobs only: the watch is established; later changes come as `changed()`.
    void ready();
    void changed(const M365::Directory::ChangeEvent &event);

protected:
    /// Starts the worker thread.
    void run() override;
    /// Tells the worker to stop; Job::cancel() then finishes the job.
    void onCancel() override;

private:
    friend class JobChannel;
    void drain();

    Producer m_producer;
    std::shared_ptr<JobChannel> m_channel;
    std::unique_ptr<QThread> m_thread;
    int m_entryCount = 0;
    QList<EntryProblem> m_problems;
    DirectorySummary m_summary;
};

} // namespace M365::Directory
