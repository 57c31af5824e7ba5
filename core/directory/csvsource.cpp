// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvsource.h"

#include "csvparser.h"
#include "filesourcesupport.h"

#include <QCoreApplication>
#include <QFile>

namespace M365::Directory {

namespace {

QString trCsv(const char *text)
{
    return QCoreApplication::translate("M365::Directory::CsvSource", text);
}

void parseCsv(const QString &path, const CsvOptions &options, FileEntryCollector &collector, JobSink &sink)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        sink.fail({DirectoryError::FileNotReadable,
                   trCsv("Cannot open the CSV file \"%1\": %2. Check the path and the file permissions.")
                       .arg(path, file.errorString()),
                   file.errorString()});
        return;
    }
    // CSV exports are small next to memory (100,000 rows are ~20 MB), and having the whole file
    // lets a bad row be skipped by restarting on the next line.
    const QByteArray data = file.readAll();
    if (data.startsWith("\xFF\xFE") || data.startsWith("\xFE\xFF")) {
        sink.fail({DirectoryError::InvalidFile,
                   trCsv("The CSV file \"%1\" is UTF-16. Save it as UTF-8 (\"CSV UTF-8\" in spreadsheet programs).")
                       .arg(path),
                   {}});
        return;
    }
    const char separator = options.separator ? options.separator : CsvParser::detectSeparator(data);
    CsvParser parser(data, separator);

    CsvParser::Record header;
    while (!parser.atEnd()) {
        header = parser.next();
        if (!header.error.isEmpty() || !(header.fields.size() == 1 && header.fields.first().isEmpty())) {
            break;
        }
    }
    if (!header.error.isEmpty() || header.fields.isEmpty()) {
        sink.fail({DirectoryError::InvalidFile,
                   trCsv("The CSV file \"%1\" has no readable header row: %2")
                       .arg(path, header.error.isEmpty() ? trCsv("the file is empty") : header.error),
                   {}});
        return;
    }
    QStringList columns;
    int dnColumn = -1;
    for (const QByteArray &raw : std::as_const(header.fields)) {
        QString name;
        if (!decodeUtf8(raw, &name)) {
            sink.fail(
                {DirectoryError::InvalidFile, trCsv("The header row of \"%1\" is not valid UTF-8.").arg(path), {}});
            return;
        }
        name = name.trimmed();
        name = options.columnMap.value(name, name);
        if (name.isEmpty()) {
            sink.fail({DirectoryError::InvalidFile,
                       trCsv("Column %1 of the header row of \"%2\" has no name.").arg(columns.size() + 1).arg(path),
                       {}});
            return;
        }
        if (name.compare(QLatin1String("dn"), Qt::CaseInsensitive) == 0) {
            dnColumn = int(columns.size());
        }
        columns.append(name);
    }

    while (!parser.atEnd()) {
        CsvParser::Record row = parser.next();
        if (!row.error.isEmpty()) {
            collector.problem(row.line, QString(), row.error);
            continue;
        }
        if (row.fields.size() == 1 && row.fields.first().isEmpty()) {
            continue; // blank line
        }
        if (row.fields.size() != columns.size()) {
            collector.problem(
                row.line,
                QString(),
                trCsv("expected %1 fields as in the header, found %2").arg(columns.size()).arg(row.fields.size()));
            continue;
        }
        DirectoryEntry entry;
        bool valid = true;
        for (int i = 0; i < columns.size(); ++i) {
            QString cell;
            if (!decodeUtf8(row.fields.at(i), &cell)) {
                collector.problem(row.line, QString(), trCsv("column \"%1\" is not valid UTF-8").arg(columns.at(i)));
                valid = false;
                break;
            }
            if (i == dnColumn) {
                entry.dn = cell;
                continue;
            }
            if (cell.isEmpty()) {
                continue;
            }
            const QStringList values = options.multiValueSeparator.isEmpty()
                ? QStringList{cell}
                : cell.split(options.multiValueSeparator, Qt::SkipEmptyParts);
            for (const QString &value : values) {
                entry.addValue(columns.at(i), value);
            }
        }
        if (valid && !collector.add(std::move(entry), row.line)) {
            return;
        }
    }
}

DirectoryJob *createCsvJob(const QString &path,
                           const CsvOptions &options,
                           const EntryRules &rules,
                           ReadScope scope,
                           FileJobMode mode,
                           QObject *parent)
{
    return new DirectoryJob(
        [path, options, rules, scope, mode](JobSink &sink) {
            FileEntryCollector collector(sink, rules, scope, mode);
            parseCsv(path, options, collector, sink);
            collector.finish();
        },
        parent);
}

} // namespace

CsvSource::CsvSource(const QString &path, const CsvOptions &options, QObject *parent)
    : DirectorySource(parent)
    , m_path(path)
    , m_options(options)
{}

DirectoryJob *CsvSource::testConnection(QObject *parent)
{
    return createCsvJob(m_path, m_options, m_rules, ReadScope::UsersAndGroups, FileJobMode::Test, parent);
}

DirectoryJob *CsvSource::read(ReadScope scope, QObject *parent)
{
    return createCsvJob(m_path, m_options, m_rules, scope, FileJobMode::Read, parent);
}

DirectoryJob *CsvSource::count(QObject *parent)
{
    return createCsvJob(m_path, m_options, m_rules, ReadScope::UsersAndGroups, FileJobMode::Count, parent);
}

DirectoryJob *CsvSource::watch(QObject *parent)
{
    return createFileWatchJob(m_path, m_watchIntervalMs, parent);
}

} // namespace M365::Directory
