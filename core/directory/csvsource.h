// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "csvmapping.h"
#include "directorysource.h"
#include "textencoding.h"

#include <QJsonObject>

namespace M365::Directory {

class EntryReceiver;

/// How to read a CSV export. The defaults fit what spreadsheets and HR systems write.
struct CsvOptions
{
    /// The field separator; '\0' detects ',', ';' or TAB from the header row (spreadsheets in
    /// German or French locales write ';').
    char separator = '\0';
    /// Splits one cell into several values (e.g. "a@x.org|b@x.org" for proxyAddresses); empty
    /// disables splitting. The groups column is split on CsvMapping::groupSeparators() instead.
    QString multiValueSeparator = QStringLiteral("|");
    /// Auto reads UTF-8 and UTF-16 with BOM; Windows1252 once the admin confirmed it.
    TextEncoding encoding = TextEncoding::Auto;
    /// Empty: CsvMapping::suggest() of the file's header, with the anchor taken from the directory's rules (how
    /// profiles from before the mapping read their files).
    CsvMapping mapping;

    /// Adds "separator", "encoding" and "mapping" to a profile's "directory" object.
    void writeJson(QJsonObject &directory) const;
    static Result<CsvOptions> fromJson(const QJsonObject &directory);
};

/// The start of a CSV file, as the wizard's mapping step shows it.
struct CsvPreview
{
    /// Headers as in the file (trimmed); an empty string for a column without a name.
    QStringList headers;
    /// For each column, up to a few non-empty values from the first rows.
    QList<QStringList> samples;
    char separator = ',';
    QString encodingName;
    /// Set when the file cannot be read as text or has no header; DirectoryError::EncodingNotConfirmed when it is
    /// readable as Windows-1252 after the admin confirms.
    M365::Error error;
};

/**
 * Reads CSV bytes into directory entries: the part of CsvSource that needs neither a thread nor a file, shared by the
 * job, the fuzzer and the benchmark.
 *
 * Spreadsheet habits are taken as they come: a BOM, CRLF, ';' or TAB as the separator, empty unnamed columns at the
 * end of every line, empty rows. Each row that cannot be used (unbalanced quotes, a wrong number of fields, a NUL
 * byte, an empty key or required column) is reported to the receiver with its line and skipped; a column listing
 * groups becomes membership in groups named after its values.
 */
class CsvReader
{
public:
    CsvReader(const CsvOptions &options, EntryReceiver &receiver);

    /// Reads a whole file. Row problems go to the receiver; the returned error is set when the file as a whole is
    /// unreadable (encoding, no header), with a message that names @p fileName.
    M365::Error read(const QByteArray &bytes, const QString &fileName);

    /// The header and sample values of the first rows.
    static CsvPreview preview(const QByteArray &bytes, const CsvOptions &options, const QString &fileName);

private:
    const CsvOptions &m_options;
    EntryReceiver &m_receiver;
};

/**
 * Reads an RFC 4180 CSV file: quoted fields with embedded separators, doubled quotes and
 * newlines, UTF-8 with or without a byte order mark, a header row naming the columns, which
 * the mapping turns into attributes.
 *
 * A bad row (wrong number of fields, unbalanced quotes, an empty key) is reported with its line
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
