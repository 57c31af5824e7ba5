// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandboxserver.h"

#include <QCoreApplication>
#include <QLockFile>
#include <QString>

#include <memory>

namespace M365::Sandbox {

/**
 * The sandbox tenant of one state file, as a place rather than a process: whichever program opens it (the GUI, the
 * CLI, a scheduled run) serves it in-process over HTTPS on a free loopback port, with its own CA kept next to the file.
 *
 * A state file has one writer at a time: open() takes "<statePath>.lock" (QLockFile, with its stale-lock detection)
 * for as long as the place lives, and refuses, naming the process, while another program serves the file. Within one
 * process, open() hands out the same place for the same file again (the wizard and every dashboard share one server);
 * the place closes, saving the tenant and releasing the lock, when the last holder lets go. Use it from the thread
 * that runs the event loop only.
 */
class TenantPlace
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sandbox::TenantPlace)

public:
    /// Serves @p statePath over HTTPS, seeded with the demo when the file does not exist yet; null with
    /// @p errorMessage set (what to do included) when another program serves it or the server cannot start.
    static std::shared_ptr<TenantPlace> open(const QString &statePath, QString *errorMessage);
    /// The same with the server's options (m365sim: port, plain HTTP, time scale, seed); options.statePath must be
    /// set. A place already open in this process is returned as it is, whatever options it was opened with.
    static std::shared_ptr<TenantPlace> open(const SandboxServer::Options &options, QString *errorMessage);

    /**
     * Takes the lock of @p statePath for the caller: a held QLockFile, or null with @p errorMessage naming the
     * program that holds it (pid, host, name) and what to do. open() uses it; so does whatever must change the files
     * of a tenant that is not being served (a reset).
     */
    static std::unique_ptr<QLockFile> lockState(const QString &statePath, QString *errorMessage);
    /// The absolute, cleaned path that identifies a place (open() compares paths in this form).
    static QString normalizedPath(const QString &statePath);
    /// True when this process has @p statePath open as a place.
    static bool isOpen(const QString &statePath);

    ~TenantPlace();
    TenantPlace(const TenantPlace &) = delete;
    TenantPlace &operator=(const TenantPlace &) = delete;

    /// The state file, in normalizedPath() form.
    QString statePath() const { return m_statePath; }
    SandboxServer *server() const { return m_server.get(); }

private:
    TenantPlace(const QString &statePath, std::unique_ptr<QLockFile> lock);

    QString m_statePath;
    std::unique_ptr<QLockFile> m_lock; ///< released after the server has saved the tenant
    std::unique_ptr<SandboxServer> m_server;
};

} // namespace M365::Sandbox
