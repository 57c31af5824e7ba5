// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directorysource.h"

namespace M365::Directory {

/**
 * Reads an RFC 2849 LDIF export: what `ldapsearch -LLL`, `slapcat` and AD's `ldifde` write.
 *
 * Records are split here (so that every line number is exact) and decoded by libldap's own LDIF
 * parser (`ldap_parse_ldif_record`), which handles folded lines, base64 and `dn::`. Records with
 * `changetype: add` (ldifde writes one on every record) are entries; `modify`, `delete` and
 * `modrdn` records are reported as "not an export", each with its line number. URL values
 * (`attr:< file://…`) are refused rather than read from the local disk.
 */
class LdifSource : public DirectorySource
{
    Q_OBJECT

public:
    explicit LdifSource(const QString &path, QObject *parent = nullptr);

    QString path() const { return m_path; }
    EntryRules rules() const { return m_rules; }
    void setRules(const EntryRules &rules) { m_rules = rules; }
    /// How often watch() looks at the file (default 1 s).
    void setWatchInterval(int ms) { m_watchIntervalMs = ms; }

    DirectoryJob *testConnection(QObject *parent = nullptr) override;
    DirectoryJob *read(ReadScope scope = ReadScope::UsersAndGroups, QObject *parent = nullptr) override;
    DirectoryJob *count(QObject *parent = nullptr) override;
    DirectoryJob *watch(QObject *parent = nullptr) override;

private:
    QString m_path;
    EntryRules m_rules;
    int m_watchIntervalMs = 1000;
};

} // namespace M365::Directory
