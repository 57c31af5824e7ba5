// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directoryjob.h"

#include <QObject>

namespace M365::Directory {

/// Which objects a read delivers.
enum class ReadScope { Users, Groups, UsersAndGroups };

/**
 * Where the organisation's identities come from: an LDAP server, an LDIF export or a CSV file.
 *
 * The engine only sees this interface, so the planner, the wizard and the CLI treat every source
 * alike and tests can substitute a fake. Every operation returns a DirectoryJob that the caller
 * starts; nothing here blocks the calling thread.
 */
class DirectorySource : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    ~DirectorySource() override;

    /// Opens the source and proves it usable: for LDAP, connect, TLS, bind, base DN, counts and a
    /// few sample users; for files, parse the whole file. The result is in `summary()`.
    virtual DirectoryJob *testConnection(QObject *parent = nullptr) = 0;
    /// Streams the entries in scope as `entry()` signals; each entry exactly once.
    virtual DirectoryJob *read(ReadScope scope = ReadScope::UsersAndGroups, QObject *parent = nullptr) = 0;
    /// Counts users and groups without transferring attributes (`summary()` after `finished()`).
    virtual DirectoryJob *count(QObject *parent = nullptr) = 0;
    /// Reports changes as `changed()` until cancelled; `ready()` when the watch is established.
    virtual DirectoryJob *watch(QObject *parent = nullptr) = 0;
    /**
     * The container tree below the base (OUs, containers, the domain), with how many users and groups of the
     * configured filters each holds, in `summary().containers`: what an admin chooses the container scopes from, so
     * the scopes themselves are not applied. Only LDAP directories have containers; the default fails with
     * InvalidConfiguration.
     */
    virtual DirectoryJob *readContainers(QObject *parent = nullptr);
};

} // namespace M365::Directory
