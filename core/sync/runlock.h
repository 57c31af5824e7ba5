// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

#include <memory>

class QLockFile;

namespace M365::Sync {

/// Who holds (or held) a profile's run lock, as QLockFile recorded it.
struct RunLockHolder
{
    qint64 pid = 0;
    QString hostName;
    QString application;
    QDateTime since; ///< when the lock was taken (the lock file's time)

    bool isNull() const { return pid <= 0; }
};

/**
 * One run at a time per profile: the GUI's Synchronize Now, `m365sync-cli sync` and the scheduled run (the same CLI)
 * all take this lock before they apply anything, so that two runs never write the same objects and the same state
 * store at once. Planning needs no lock.
 *
 * The lock is a QLockFile next to the profile's state store (`<store>.lock`), which records the holder's PID, host and
 * program. It is held for as long as a run lasts (hours for a first sync), so age alone never makes it stale
 * (setStaleLockTime(0)); a lock whose process no longer runs on this host, e.g. one killed half way, is taken over,
 * and takenOver() says whose it was so that the caller can tell the admin. Released by release() or the destructor.
 */
class RunLock
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::RunLock)

public:
    /// @p storePath: the profile's state store file; @p profileName: for the messages.
    RunLock(const QString &storePath, const QString &profileName);
    ~RunLock();
    RunLock(const RunLock &) = delete;
    RunLock &operator=(const RunLock &) = delete;

    /// The lock file that belongs to the state store @p storePath.
    static QString lockFilePath(const QString &storePath);

    /// Takes the lock without waiting. Fails with code "sync.locked" and a message that names the holder when another
    /// run has it, or "sync.lockfile" when the lock file cannot be written.
    Result<bool> acquire();
    void release();
    bool isHeld() const;
    QString fileName() const;

    /// After acquire(): the process whose stale lock was taken over (null when there was none).
    const RunLockHolder &takenOver() const { return m_takenOver; }
    /// A sentence about takenOver() for the log, the CLI and the GUI; empty when nothing was taken over.
    QString takenOverMessage() const;

    /// "Another run of profile X is in progress: …": why a run is refused while @p holder has the lock.
    static QString busyMessage(const QString &profileName, const RunLockHolder &holder);

private:
    RunLockHolder readHolder() const;

    QString m_profile;
    std::unique_ptr<QLockFile> m_lock;
    RunLockHolder m_takenOver;
};

} // namespace M365::Sync
