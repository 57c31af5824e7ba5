// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cliio.h"

#include <QObject>
#include <QStringList>

namespace M365::Secrets {
class SecretStore;
}

namespace M365::Cli {

/*
 * "m365sync-cli profile create|show|list|delete|set-directory|set-sync|show-sync|export|import": connection profiles on
 * disk (no secret values) with their credentials in the OS keychain, everything the wizard sets up, from the shell. A
 * command runs asynchronously and ends the application with its exit code.
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
    /// "set-sync NAME --settings FILE": validated (every problem with its JSON path), merged, saved.
    void setSync(const QStringList &arguments);
    /// "show-sync NAME": the settings as set-sync takes them, with every default filled in.
    void showSync(const QString &name);
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
