// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QStringList>

namespace M365::Secrets {
class SecretStore;
}

namespace M365::Cli {

/// Exit codes of m365sync-cli (documented in --help and README.md).
enum ExitCode {
    Done = 0, ///< done, or nothing to do
    Failed = 1, ///< an error; the message says what to do
    Usage = 2, ///< wrong arguments
    ChangesPending = 3,
    DeletionGuard = 4,
    FailedItems = 5,
    NeedsAdminAction = 6, ///< check: connected, but permissions or domains need an administrator
};

/*
 * "m365sync-cli profile create|show|list|delete": connection profiles on disk (no secret values) with their
 * credentials in the OS keychain. A command runs asynchronously and ends the application with its exit code.
 */
class ProfileCommand : public QObject
{
    Q_OBJECT

public:
    ProfileCommand(Secrets::SecretStore *secrets, QObject *parent = nullptr);
    /// Starts the command; false (with the message printed) when the arguments are wrong.
    void run(const QStringList &arguments);

private:
    void create(const QStringList &arguments);
    void show(const QString &name, bool json);
    void list(bool json);
    void remove(const QString &name);
    void exit(int code);

    Secrets::SecretStore *m_secrets;
};

/// "m365sync-cli check --profile NAME [--json]": sign in, compare permissions, list domains and licences.
class CheckCommand : public QObject
{
    Q_OBJECT

public:
    CheckCommand(Secrets::SecretStore *secrets, QObject *parent = nullptr);
    void run(const QString &profileName, bool json);

private:
    Secrets::SecretStore *m_secrets;
};

} // namespace M365::Cli
