// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directorysource.h"
#include "ldapconfig.h"

namespace M365::Directory {

/**
 * Reads an LDAP directory (OpenLDAP, Active Directory, Univention UCS, 389-DS/FreeIPA) with
 * OpenLDAP's libldap.
 *
 * Each job opens its own connection on its worker thread (libldap's calls block), so a slow
 * server never freezes the GUI and a watch can run beside a read. Reads use RFC 2696 paged
 * results, deliver entries as they arrive and report an entry without a usable anchor instead of
 * aborting. Watching uses syncrepl refreshAndPersist (RFC 4533) where the server offers it and
 * otherwise polls the configured change attribute.
 *
 * The bind password is handed in by the caller (it comes from the secret store) and is never
 * logged or written anywhere.
 */
class LdapSource : public DirectorySource
{
    Q_OBJECT

public:
    explicit LdapSource(const LdapConfig &config, const QString &bindPassword = QString(), QObject *parent = nullptr);
    ~LdapSource() override;

    LdapConfig config() const { return m_config; }

    DirectoryJob *testConnection(QObject *parent = nullptr) override;
    DirectoryJob *read(ReadScope scope = ReadScope::UsersAndGroups, QObject *parent = nullptr) override;
    DirectoryJob *count(QObject *parent = nullptr) override;
    DirectoryJob *watch(QObject *parent = nullptr) override;
    /// Three DN-only paged searches (containers, users, groups); see DirectorySource::readContainers().
    DirectoryJob *readContainers(QObject *parent = nullptr) override;

private:
    LdapConfig m_config;
    QString m_password;
};

} // namespace M365::Directory
