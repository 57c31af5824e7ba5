// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tenantplace.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QSysInfo>

namespace M365::Sandbox {

Q_LOGGING_CATEGORY(lcTenantPlace, "m365.sandbox.place")

namespace {

/// The places open in this process, by normalized state path. Weak: a place lives as long as its holders do.
QHash<QString, std::weak_ptr<TenantPlace>> &registry()
{
    static QHash<QString, std::weak_ptr<TenantPlace>> places;
    return places;
}

} // namespace

QString TenantPlace::normalizedPath(const QString &statePath)
{
    return QDir::cleanPath(QFileInfo(statePath).absoluteFilePath());
}

bool TenantPlace::isOpen(const QString &statePath)
{
    return !registry().value(normalizedPath(statePath)).expired();
}

std::unique_ptr<QLockFile> TenantPlace::lockState(const QString &statePath, QString *errorMessage)
{
    const QString path = normalizedPath(statePath);
    const QString directory = QFileInfo(path).absolutePath();
    const auto failed = [errorMessage](const QString &message) {
        if (errorMessage) {
            *errorMessage = message;
        }
        return std::unique_ptr<QLockFile>();
    };
    if (!QDir().mkpath(directory)) {
        return failed(tr("The folder %1 for the sandbox tenant cannot be created. Check that it is writable by the "
                         "user m365sync runs as.")
                          .arg(QDir::toNativeSeparators(directory)));
    }
    auto lock = std::make_unique<QLockFile>(path + QStringLiteral(".lock"));
    // A place is held for as long as a program runs: only a holder that is gone (its process ended, the machine
    // rebooted) makes the lock stale, never its age.
    lock->setStaleLockTime(0);
    if (lock->tryLock(0)) {
        return lock;
    }
    if (lock->error() != QLockFile::LockFailedError) {
        return failed(tr("The sandbox tenant %1 cannot be locked: the lock file %2 cannot be written. Check that "
                         "the folder is writable by the user m365sync runs as.")
                          .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(lock->fileName())));
    }
    qint64 pid = 0;
    QString host;
    QString application;
    if (!lock->getLockInfo(&pid, &host, &application)) {
        // The holder let go between the two calls, or the lock file is unreadable: one more try decides.
        if (lock->tryLock(0)) {
            return lock;
        }
        return failed(tr("The sandbox tenant %1 is being served by another program; one program at a time can serve "
                         "it. Close m365sync, or wait for its scheduled run to end, then try again.")
                          .arg(QDir::toNativeSeparators(path)));
    }
    qCInfo(lcTenantPlace) << "sandbox tenant" << path << "is served by" << application << "pid" << pid << "on" << host;
    const QString program = application.isEmpty() ? tr("another program") : application;
    const QString machine = host.isEmpty() ? QSysInfo::machineHostName() : host;
    return failed(tr("The sandbox tenant %1 is being served by %2 (pid %3 on %4); one program at a time can serve "
                     "it. Close m365sync (pid %3), or wait for its scheduled run to end, then try again.")
                      .arg(QDir::toNativeSeparators(path), program)
                      .arg(pid)
                      .arg(machine));
}

std::shared_ptr<TenantPlace> TenantPlace::open(const QString &statePath, QString *errorMessage)
{
    SandboxServer::Options options;
    options.statePath = statePath;
    options.tls = true;
    options.seedDemo = true;
    return open(options, errorMessage);
}

std::shared_ptr<TenantPlace> TenantPlace::open(const SandboxServer::Options &options, QString *errorMessage)
{
    Q_ASSERT(!options.statePath.isEmpty());
    const QString path = normalizedPath(options.statePath);
    if (std::shared_ptr<TenantPlace> open = registry().value(path).lock()) {
        return open;
    }
    std::unique_ptr<QLockFile> lock = lockState(path, errorMessage);
    if (!lock) {
        return {};
    }
    std::shared_ptr<TenantPlace> place(new TenantPlace(path, std::move(lock)));
    SandboxServer::Options serverOptions = options;
    serverOptions.statePath = path;
    QString message;
    if (!place->m_server->start(serverOptions, &message)) {
        if (errorMessage) {
            *errorMessage =
                tr("The sandbox tenant %1 could not start: %2").arg(QDir::toNativeSeparators(path), message);
        }
        return {};
    }
    registry().insert(path, place);
    qCInfo(lcTenantPlace) << "serving sandbox tenant" << path << "at" << place->m_server->baseUrl();
    return place;
}

TenantPlace::TenantPlace(const QString &statePath, std::unique_ptr<QLockFile> lock)
    : m_statePath(statePath)
    , m_lock(std::move(lock))
    , m_server(std::make_unique<SandboxServer>())
{}

TenantPlace::~TenantPlace()
{
    // The server saves what the tenant has not written yet; only then may the next program take the file.
    m_server.reset();
    m_lock.reset();
    auto it = registry().find(m_statePath);
    if (it != registry().end() && it->expired()) {
        registry().erase(it);
    }
    qCInfo(lcTenantPlace) << "closed sandbox tenant" << m_statePath;
}

} // namespace M365::Sandbox
