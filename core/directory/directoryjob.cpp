// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directoryjob.h"

#include "directorylog.h"

#include <QMutex>
#include <QMutexLocker>
#include <QSemaphore>
#include <QThread>

#include <atomic>
#include <deque>
#include <variant>
#include <vector>

namespace M365::Directory {

namespace {
// Entries per hand-over: large enough that signal delivery costs nothing next to parsing,
// small enough that the first entries show up at once.
constexpr std::size_t kBatchSize = 256;
// Batches the worker may run ahead of the receiver: bounds memory at ~kBatchSize * 16 entries.
constexpr int kBatchesInFlight = 16;
constexpr int kCancelPollMs = 50;

struct ReadyTag
{
};
using Item = std::variant<DirectoryEntry, EntryProblem, ReadyTag, ChangeEvent>;
using Batch = std::vector<Item>;
} // namespace

/// State shared by a job (its thread) and its worker; outlives both through shared_ptr.
class JobChannel
{
public:
    explicit JobChannel(DirectoryJob *job)
        : target(job)
    {}

    /// Queues a batch and wakes the job's thread; called with a slot already acquired.
    void push(Batch &&batch, bool last)
    {
        QMutexLocker locker(&mutex);
        if (!batch.empty()) {
            queue.push_back(std::move(batch));
        }
        done = done || last;
        if (!drainPosted) {
            drainPosted = true;
            // The job joins this worker in its destructor, so `target` is alive here; a posted
            // call whose receiver is deleted later is discarded by Qt.
            DirectoryJob *job = target;
            QMetaObject::invokeMethod(
                job,
                [job] {
                    job->drain();
                },
                Qt::QueuedConnection);
        }
    }

    DirectoryJob *const target;
    std::atomic<bool> cancelled{false};
    QSemaphore slots{kBatchesInFlight};
    QMutex mutex;
    std::deque<Batch> queue;
    /// Batches the receiver is done with, destroyed by the worker at its next hand-over: the worker allocated their
    /// entries, and freeing them on the receiver's thread while the worker allocates made the two threads fight over
    /// the allocator's lock (a 100,000-row CSV read took three times as long as its parsing).
    std::vector<Batch> spent;
    bool drainPosted = false;
    bool done = false;
    M365::Error error;
    DirectorySummary summary;
    bool hasSummary = false;
};

struct JobSink::Batch
{
    M365::Directory::Batch items;
    std::size_t entries = 0;
};

JobSink::JobSink(std::shared_ptr<JobChannel> channel)
    : m_channel(std::move(channel))
    , m_batch(std::make_unique<Batch>())
{
    m_batch->items.reserve(kBatchSize);
}

JobSink::~JobSink() = default;

bool JobSink::isCancelled() const
{
    return m_channel->cancelled.load();
}

bool JobSink::entry(DirectoryEntry &&entry)
{
    m_batch->items.emplace_back(std::move(entry));
    if (++m_batch->entries >= kBatchSize) {
        flush();
    }
    return !isCancelled();
}

void JobSink::problem(EntryProblem problem)
{
    qCDebug(lcDirectory) << "skipped:" << problem.toString();
    m_batch->items.emplace_back(std::move(problem));
}

void JobSink::ready()
{
    m_batch->items.emplace_back(ReadyTag{});
    flush();
}

void JobSink::change(ChangeEvent &&event)
{
    m_batch->items.emplace_back(std::move(event));
    flush();
}

void JobSink::setSummary(const DirectorySummary &summary)
{
    QMutexLocker locker(&m_channel->mutex);
    m_channel->summary = summary;
    m_channel->hasSummary = true;
}

void JobSink::flush()
{
    if (m_batch->items.empty()) {
        return;
    }
    {
        std::vector<M365::Directory::Batch> spent;
        {
            QMutexLocker locker(&m_channel->mutex);
            spent.swap(m_channel->spent);
        }
    } // destroyed here, on the thread that allocated them
    // Back-pressure: wait for the receiver, but never past a cancellation.
    while (!m_channel->slots.tryAcquire(1, kCancelPollMs)) {
        if (isCancelled()) {
            m_batch->items.clear();
            m_batch->entries = 0;
            return;
        }
    }
    m_channel->push(std::move(m_batch->items), false);
    m_batch->items = {};
    m_batch->items.reserve(kBatchSize);
    m_batch->entries = 0;
}

void JobSink::fail(const M365::Error &error)
{
    QMutexLocker locker(&m_channel->mutex);
    if (m_channel->error.isNull()) {
        m_channel->error = error;
    }
}

DirectoryJob::DirectoryJob(Producer producer, QObject *parent)
    : Job(parent)
    , m_producer(std::move(producer))
    , m_channel(std::make_shared<JobChannel>(this))
{}

DirectoryJob::~DirectoryJob()
{
    m_channel->cancelled = true;
    if (m_thread) {
        m_thread->wait();
    }
}

void DirectoryJob::onCancel()
{
    // Job::cancel() finishes the job right after this; drain() delivers nothing once the flag is set, and the worker
    // sees it at its next check (the destructor joins it).
    m_channel->cancelled = true;
}

void DirectoryJob::run()
{
    if (m_thread) {
        return; // started twice
    }
    std::shared_ptr<JobChannel> channel = m_channel;
    Producer producer = std::move(m_producer);
    m_thread.reset(QThread::create([channel, producer] {
        {
            JobSink sink(channel);
            producer(sink);
            sink.flush();
        }
        // The last batch was acquired by flush(); this marker needs no slot.
        channel->push({}, true);
    }));
    m_thread->setObjectName(QStringLiteral("m365-directory"));
    m_thread->start();
}

void DirectoryJob::drain()
{
    std::deque<M365::Directory::Batch> batches;
    bool done = false;
    {
        QMutexLocker locker(&m_channel->mutex);
        batches.swap(m_channel->queue);
        m_channel->drainPosted = false;
        done = m_channel->done;
    }
    for (auto &batch : batches) {
        for (auto &item : batch) {
            if (m_channel->cancelled) {
                break;
            }
            if (auto *e = std::get_if<DirectoryEntry>(&item)) {
                ++m_entryCount;
                Q_EMIT entry(*e);
            } else if (auto *p = std::get_if<EntryProblem>(&item)) {
                m_problems.append(*p);
                Q_EMIT problem(*p);
            } else if (std::holds_alternative<ReadyTag>(item)) {
                Q_EMIT ready();
            } else if (auto *c = std::get_if<ChangeEvent>(&item)) {
                Q_EMIT changed(*c);
            }
        }
        m_channel->slots.release();
    }
    if (!batches.empty() && !done) {
        QMutexLocker locker(&m_channel->mutex);
        for (auto &batch : batches) {
            m_channel->spent.push_back(std::move(batch));
        }
    }
    if (!done || isFinished()) {
        return;
    }
    M365::Error error;
    {
        QMutexLocker locker(&m_channel->mutex);
        error = m_channel->error;
        if (m_channel->hasSummary) {
            m_summary = m_channel->summary;
        }
    }
    if (error.isNull()) {
        succeed();
        return;
    }
    qCInfo(lcDirectory) << "directory job failed:" << error.code << error.userMessage << error.details;
    fail(error);
}

} // namespace M365::Directory
