// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directorysource.h"

#include <QHash>

namespace M365::Directory {

/// How to read a CSV export. The defaults fit what spreadsheets and HR systems write.
struct CsvOptions
{
    /// The field separator; '\0' detects ',', ';' or TAB from the header row (spreadsheets in
    /// German or French locales write ';').
    char separator = '\0';
    /// Splits one cell into several values (e.g. "a@x.org|b@x.org" for proxyAddresses); empty
    /// disables splitting.
    QString multiValueSeparator = QStringLiteral("|");
    /// Header text → attribute name; headers not listed are used as attribute names as they are.
    /// A column named "dn" (after mapping) becomes the entry's DN.
    QHash<QString, QString> columnMap;
};

/**
 * Reads an RFC 4180 CSV file: quoted fields with embedded separators, doubled quotes and
 * newlines, UTF-8 with or without a byte order mark, a header row naming the attributes.
 *
 * A bad row (wrong number of fields, unbalanced quotes, invalid UTF-8) is reported with its line
 * number and skipped; parsing resumes on the next line, so one stray quote loses one row and not
 * the rest of the file.
 */
class CsvSource : public DirectorySource
{
    Q_OBJECT

public:
    explicit CsvSource(const QString &path, const CsvOptions &options = {}, QObject *parent = nullptr);

    QString path() const { return m_path; }
    CsvOptions options() const { return m_options; }
    EntryRules rules() const { return m_rules; }
    void setRules(const EntryRules &rules) { m_rules = rules; }
    void setWatchInterval(int ms) { m_watchIntervalMs = ms; }

    DirectoryJob *testConnection(QObject *parent = nullptr) override;
    DirectoryJob *read(ReadScope scope = ReadScope::UsersAndGroups, QObject *parent = nullptr) override;
    DirectoryJob *count(QObject *parent = nullptr) override;
    DirectoryJob *watch(QObject *parent = nullptr) override;

private:
    QString m_path;
    CsvOptions m_options;
    EntryRules m_rules;
    int m_watchIntervalMs = 1000;
};

} // namespace M365::Directory
