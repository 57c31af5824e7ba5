// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profile/profile.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <memory>

namespace M365::Directory {
class DirectorySource;
}
namespace M365::Secrets {
class SecretStore;
}

namespace M365::Cli {

/**
 * "m365sync-cli profile set-directory NAME …": the profile's "directory" object as the wizard's Directory page writes
 * it (createDirectorySource() reads it), the bind password into the keychain (from an environment variable or standard
 * input, never an argument), then a connection test like "directory test". A failed test is reported but does not undo
 * the save: the server may simply not be reachable from here yet.
 */
class SetDirectoryCommand : public QObject
{
    Q_OBJECT

public:
    SetDirectoryCommand(Secrets::SecretStore *secrets, QObject *parent = nullptr);
    ~SetDirectoryCommand() override;
    void run(const QStringList &arguments);

private:
    /// Reads the profile and turns the arguments into its "directory" object: Done, or the exit code with the message
    /// printed.
    int parse(const QStringList &arguments);
    /// Reads the bind password stored before, for a profile whose bind DN is given without a new password.
    void readStoredPassword();
    void save();
    void test();

    Secrets::SecretStore *m_secrets;
    Profile::Profile m_profile;
    QJsonObject m_directory;
    QString m_bindPassword;
    bool m_newPassword = false;
    bool m_test = true;
    std::unique_ptr<Directory::DirectorySource> m_source; ///< the source under test
};

} // namespace M365::Cli
