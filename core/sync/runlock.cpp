// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "runlock.h"

#include "synclog.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QLockFile>

namespace M365::Sync {

RunLock::RunLock(const QString &storePath, const QString &profileName)
    : m_profile(profileName)
    , m_lock(std::make_unique<QLockFile>(lockFilePath(storePath)))
{
    // A run may last hours: only a holder that no longer runs makes the lock stale, never its age.
    m_lock->setStaleLockTime(0);
}

RunLock::~RunLock()
{
    release();
}

QString RunLock::lockFilePath(const QString &storePath)
{
    return storePath + QStringLiteral(".lock");
}

QString RunLock::fileName() const
{
    return m_lock->fileName();
}

bool RunLock::isHeld() const
{
    return m_lock->isLocked();
}

RunLockHolder RunLock::readHolder() const
{
    RunLockHolder holder;
    if (!m_lock->getLockInfo(&holder.pid, &holder.hostName, &holder.application)) {
        return {};
    }
    holder.since = QFileInfo(m_lock->fileName()).lastModified();
    return holder;
}

Result<bool> RunLock::acquire()
{
    m_takenOver = {};
    if (m_lock->isLocked()) {
        return Result<bool>::success(true);
    }
    // Who had it before: tryLock() removes a stale lock silently, and the admin should hear about a run that died.
    const RunLockHolder before = readHolder();
    if (m_lock->tryLock(0)) {
        m_takenOver = before;
        if (!m_takenOver.isNull()) {
            qCWarning(lcSync).noquote() << takenOverMessage();
        }
        return Result<bool>::success(true);
    }
    if (m_lock->error() == QLockFile::LockFailedError) {
        const RunLockHolder holder = readHolder();
        return Result<bool>::failure(Error{QStringLiteral("sync.locked"),
                                           busyMessage(m_profile, holder),
                                           QDir::toNativeSeparators(m_lock->fileName()),
                                           {}});
    }
    return Result<bool>::failure(Error{QStringLiteral("sync.lockfile"),
                                       tr("The lock file %1 of profile %2 cannot be created; check that its folder "
                                          "can be written. Nothing was changed in the tenant.")
                                           .arg(QDir::toNativeSeparators(m_lock->fileName()), m_profile),
                                       {},
                                       {}});
}

void RunLock::release()
{
    if (m_lock->isLocked()) {
        m_lock->unlock();
    }
}

QString RunLock::busyMessage(const QString &profileName, const RunLockHolder &holder)
{
    if (holder.isNull()) {
        // The lock file was just released or cannot be read: the holder is unknown, the advice is the same.
        return tr("Another run of profile %1 is in progress. Wait for it to finish or stop it.").arg(profileName);
    }
    return tr("Another run of profile %1 is in progress: %2, process %3 on host %4, since %5. Wait for it to finish "
              "or stop it.")
        .arg(profileName,
             holder.application.isEmpty() ? tr("an unknown program") : holder.application,
             QString::number(holder.pid),
             holder.hostName.isEmpty() ? tr("(unknown)") : holder.hostName,
             QLocale().toString(holder.since.toLocalTime().time(), QStringLiteral("HH:mm")));
}

QString RunLock::takenOverMessage() const
{
    if (m_takenOver.isNull()) {
        return {};
    }
    return tr("A run of profile %1 (%2, process %3 on host %4, since %5) ended without releasing its lock; "
              "the lock was taken over. That run may have stopped half way: this run picks up what it left.")
        .arg(m_profile,
             m_takenOver.application.isEmpty() ? tr("an unknown program") : m_takenOver.application,
             QString::number(m_takenOver.pid),
             m_takenOver.hostName.isEmpty() ? tr("(unknown)") : m_takenOver.hostName,
             QLocale().toString(m_takenOver.since.toLocalTime().time(), QStringLiteral("HH:mm")));
}

} // namespace M365::Sync
