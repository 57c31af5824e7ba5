// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "result.h"

#include <QCoreApplication>
#include <QFile>
#include <QString>

namespace M365::Sync {

/// A random password for a new user: 20 characters from upper and lower case letters, digits and symbols, at least
/// one of each, which meets Entra ID's complexity rules (8–256 characters, three of the four kinds).
QString generateInitialPassword();

/**
 * The hand-out sheet of initial passwords: a CSV file (userPrincipalName, displayName, password) that only its owner
 * may read (mode 0600 before the first password is written). Each line is flushed as the user is created, so a run
 * killed half way loses no password of a user that exists. Passwords are never kept anywhere else.
 */
class PasswordSheet
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::PasswordSheet)

public:
    /// Opens (appending to) @p path; an Error that names the file when it cannot be written.
    Result<bool> open(const QString &path);
    bool isOpen() const { return m_file.isOpen(); }
    Result<bool> add(const QString &userPrincipalName, const QString &displayName, const QString &password);
    QString path() const { return m_file.fileName(); }

private:
    QFile m_file;
};

} // namespace M365::Sync
