// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directorysource.h"

class QIODevice;

namespace M365::Directory {

class EntryReceiver;

/**
 * Parses RFC 2849 LDIF, record by record, into entries: folded lines, base64 values (`attr::`), comments, a
 * `version:` line, `changetype: add` (ldifde writes one on every record), UTF-8 or UTF-16 with a BOM (`ldifde -u`).
 *
 * It is our own parser rather than libldap's `ldap_parse_ldif_record`, which writes past its buffer on a NUL byte:
 * a file is outside data, and every byte of it is checked here. A record that cannot be used (a NUL byte, truncated
 * base64, a URL value `attr:< file://…` that would read the local disk, a change record, a line without a colon) is
 * reported with its line and skipped; the next record is read. Needs no job or thread, so tests, fuzzers and the
 * benchmark call it directly.
 */
class LdifReader
{
public:
    explicit LdifReader(EntryReceiver &receiver);
    /// Reads all records from @p device. The returned error is set when the device cannot be read as a whole
    /// (a read error, UTF-16 that is not valid); its message names @p fileName.
    M365::Error read(QIODevice &device, const QString &fileName);

private:
    EntryReceiver &m_receiver;
};

/**
 * Reads an RFC 2849 LDIF export: what `ldapsearch -LLL`, `slapcat` and AD's `ldifde` write, parsed by LdifReader.
 * `modify`, `delete` and `modrdn` records are reported as "not an export", each with its line number.
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
