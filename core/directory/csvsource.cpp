// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvsource.h"

#include "csvparser.h"
#include "filesourcesupport.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QMap>

namespace M365::Directory {

namespace {

/// The translation context of this file's messages: lupdate finds CsvText::tr(), where it would miss a helper function.
struct CsvText
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::CsvSource)
};

bool isBlank(const QByteArray &field)
{
    return std::all_of(field.cbegin(), field.cend(), [](char c) {
        return c == ' ' || c == '\t';
    });
}

bool isBlankRow(const QList<QByteArray> &fields)
{
    return std::all_of(fields.cbegin(), fields.cend(), isBlank);
}

/// An attribute value in a DN, escaped as RFC 4514 requires.
QString escapeDnValue(const QString &value)
{
    QString out;
    out.reserve(value.size() + 4);
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar c = value.at(i);
        const bool special = QStringView(u",+\"\\<>;=").contains(c);
        const bool edge = (i == 0 && (c == QLatin1Char(' ') || c == QLatin1Char('#')))
            || (i == value.size() - 1 && c == QLatin1Char(' '));
        if (special || edge) {
            out.append(QLatin1Char('\\'));
        }
        out.append(c);
    }
    return out;
}

/// The file's bytes as UTF-8 text, or the error that says why the whole file cannot be read.
M365::Error decodeCsv(const QByteArray &bytes,
                      const CsvOptions &options,
                      const QString &fileName,
                      QByteArray *text,
                      QString *encodingName = nullptr)
{
    DecodedText decoded = decodeText(bytes, options.encoding);
    if (encodingName) {
        *encodingName = decoded.encodingName;
    }
    if (decoded.ok()) {
        *text = std::move(decoded.utf8);
        return {};
    }
    if (decoded.needsConfirmation) {
        return DirectoryError::make(
            DirectoryError::EncodingNotConfirmed,
            CsvText::tr(
                "The CSV file \"%1\" cannot be read as UTF-8: %2. Confirm that it is Windows-1252 to convert it, "
                "or save it as \"CSV UTF-8\" in the spreadsheet program.")
                .arg(fileName, decoded.error),
            decoded.error);
    }
    return DirectoryError::make(
        DirectoryError::InvalidFile,
        CsvText::tr("The CSV file \"%1\" cannot be read: %2. Save it as \"CSV UTF-8\" in the spreadsheet program.")
            .arg(fileName, decoded.error),
        decoded.error);
}

/// The header row: the first record that is not blank.
bool readHeader(CsvParser &parser, CsvParser::Record *header)
{
    while (!parser.atEnd()) {
        *header = parser.next();
        if (!header->error.isEmpty() || !isBlankRow(header->fields)) {
            return header->error.isEmpty();
        }
    }
    return false;
}

/// What each column of the file becomes.
struct ColumnPlan
{
    enum Role { Ignored, Attribute, Dn, Groups };
    struct Column
    {
        QString header;
        Role role = Ignored;
        QString attribute;
        /// The attribute as DirectoryEntry keys it, folded once rather than for every value.
        QString lowerAttribute;
        bool required = false;
    };
    QList<Column> columns;
    int keyColumn = -1;
    /// The key's value anchors the user (a mapping chosen by the admin); otherwise the rules choose the anchor.
    bool keyAnchors = false;
    /// A required or key column is missing from the header: reported once there, and no row is used.
    bool unusable = false;
};

ColumnPlan planColumns(const QStringList &headers, const CsvMapping &chosen, EntryReceiver &receiver, int headerLine)
{
    const CsvMapping mapping = chosen.isEmpty() ? CsvMapping::suggest(headers) : chosen;
    ColumnPlan plan;
    plan.keyAnchors = !chosen.isEmpty() && !chosen.keyColumn.isEmpty();
    QHash<QString, int> seen;
    for (int i = 0; i < headers.size(); ++i) {
        ColumnPlan::Column column;
        column.header = headers.at(i);
        if (!column.header.isEmpty()) {
            const auto first = seen.constFind(column.header);
            if (first != seen.constEnd()) {
                receiver.problem(headerLine,
                                 {},
                                 CsvText::tr("column %1 repeats the header \"%2\" of column %3; its values are ignored")
                                     .arg(i + 1)
                                     .arg(column.header)
                                     .arg(*first + 1));
                plan.columns.append(column);
                continue;
            }
            seen.insert(column.header, i);
            column.attribute = mapping.attributeFor(column.header);
            column.lowerAttribute = column.attribute.toLower();
            column.required = mapping.requiredColumns.contains(column.header);
            if (column.attribute.compare(QLatin1String("dn"), Qt::CaseInsensitive) == 0) {
                column.role = ColumnPlan::Dn;
            } else if (column.attribute.compare(CsvMapping::groupsAttribute(), Qt::CaseInsensitive) == 0) {
                column.role = ColumnPlan::Groups;
            } else if (!column.attribute.isEmpty()) {
                column.role = ColumnPlan::Attribute;
            }
            if (column.header == mapping.keyColumn && column.role == ColumnPlan::Attribute) {
                plan.keyColumn = i;
                column.required = plan.keyAnchors; // a suggested key only names the rows for group membership
            }
        }
        plan.columns.append(column);
    }
    for (const QString &required : mapping.requiredColumns) {
        if (!seen.contains(required)) {
            receiver.problem(
                headerLine,
                {},
                CsvText::tr("the required column \"%1\" is not in the header row; no row is read").arg(required));
            plan.unusable = true;
        }
    }
    if (plan.keyAnchors && plan.keyColumn < 0) {
        receiver.problem(
            headerLine,
            {},
            CsvText::tr("the key column \"%1\" is not in the header row; no row is read").arg(mapping.keyColumn));
        plan.unusable = true;
    }
    return plan;
}

/**
 * Turns the rows of one file into entries, then the groups its groups column named into group entries whose
 * members are the rows that listed them.
 */
class RowReader
{
public:
    RowReader(const CsvOptions &options, ColumnPlan plan, EntryReceiver &receiver)
        : m_options(options)
        , m_plan(std::move(plan))
        , m_receiver(receiver)
    {}

    /// Returns false when reading should stop.
    bool row(const CsvParser::Record &record)
    {
        if (!record.error.isEmpty()) {
            m_receiver.problem(record.line, {}, record.error);
            return true;
        }
        const QList<QByteArray> &fields = record.fields;
        if (isBlankRow(fields)) {
            return true; // empty rows, and Excel's rows of separators only
        }
        if (m_plan.unusable) {
            return true; // reported once, on the header
        }
        const int columns = int(m_plan.columns.size());
        if (fields.size() != columns && !fitsHeader(fields)) {
            m_receiver.problem(
                record.line,
                {},
                CsvText::tr("expected %1 fields as in the header, found %2").arg(columns).arg(fields.size()));
            return true;
        }
        DirectoryEntry entry;
        entry.attributes.reserve(columns + 1, columns + 1); // a value per column, and a common name
        QStringList groups;
        for (int i = 0; i < columns && i < fields.size(); ++i) {
            const ColumnPlan::Column &column = m_plan.columns.at(i);
            const QByteArray &raw = fields.at(i);
            if (raw.contains('\0')) {
                m_receiver.problem(record.line,
                                   {},
                                   CsvText::tr("column \"%1\" holds a NUL byte; the row is skipped")
                                       .arg(column.header.isEmpty() ? QString::number(i + 1) : column.header));
                return true;
            }
            if (column.role == ColumnPlan::Ignored) {
                if (column.header.isEmpty() && !m_reportedUnnamed && !isBlank(raw)) {
                    m_reportedUnnamed = true;
                    m_receiver.problem(
                        record.line,
                        {},
                        CsvText::tr("column %1 has no name in the header row; its values are ignored").arg(i + 1));
                }
                continue;
            }
            const QString cell = QString::fromUtf8(raw).trimmed(); // the whole text is valid UTF-8 by now
            if (cell.isEmpty()) {
                if (column.required) {
                    m_receiver.problem(record.line,
                                       {},
                                       i == m_plan.keyColumn
                                           ? CsvText::tr("the key column \"%1\" is empty").arg(column.header)
                                           : CsvText::tr("the required column \"%1\" is empty").arg(column.header));
                    return true;
                }
                continue;
            }
            switch (column.role) {
            case ColumnPlan::Dn:
                entry.dn = cell;
                break;
            case ColumnPlan::Groups:
                groups = splitGroups(cell);
                break;
            case ColumnPlan::Attribute:
                addValues(entry, column.lowerAttribute, cell);
                break;
            case ColumnPlan::Ignored:
                break;
            }
        }
        // HR exports name people in two columns; inetOrgPerson (and the display name rule) wants a common name.
        if (!entry.attributes.contains(u"cn") && !entry.attributes.contains(u"displayname")) {
            const QStringList parts{entry.value(QStringLiteral("givenName")), entry.value(QStringLiteral("sn"))};
            const QString name = parts.join(QLatin1Char(' ')).trimmed();
            if (!name.isEmpty()) {
                entry.attributes.append(QStringLiteral("cn"), name);
            }
        }
        if (m_plan.keyColumn >= 0) {
            const ColumnPlan::Column &key = m_plan.columns.at(m_plan.keyColumn);
            const AttributeMap::Values values = entry.valuesOf(key.lowerAttribute);
            const QString value = values.isEmpty() ? QString() : values.first();
            if (!value.isEmpty()) {
                if (m_plan.keyAnchors) {
                    entry.anchor = value;
                    entry.anchorAttribute = key.lowerAttribute;
                }
                if (entry.dn.isEmpty()) {
                    entry.dn = key.attribute + QLatin1Char('=') + escapeDnValue(value);
                }
            }
        }
        if (!groups.isEmpty()) {
            addMembership(entry, groups, record.line);
        }
        return m_receiver.add(std::move(entry), record.line);
    }

    /// Delivers the groups the rows named; false when reading should stop.
    bool finish()
    {
        for (auto it = m_groups.begin(); it != m_groups.end(); ++it) {
            DirectoryEntry group;
            group.dn = QStringLiteral("cn=") + escapeDnValue(it.key());
            group.addValue(QStringLiteral("objectClass"), QStringLiteral("groupOfNames"));
            group.addValue(QStringLiteral("cn"), it.key());
            for (const QString &member : std::as_const(it->members)) {
                group.addValue(QStringLiteral("member"), member);
            }
            if (!m_receiver.add(std::move(group), it->line)) {
                return false;
            }
        }
        return true;
    }

private:
    struct Group
    {
        int line = 0;
        QStringList members;
    };

    /// A row may differ from the header only by empty fields at its end, or by lacking unnamed columns at its end.
    bool fitsHeader(const QList<QByteArray> &fields) const
    {
        const int columns = int(m_plan.columns.size());
        for (int i = columns; i < fields.size(); ++i) {
            if (!isBlank(fields.at(i))) {
                return false;
            }
        }
        for (int i = int(fields.size()); i < columns; ++i) {
            if (!m_plan.columns.at(i).header.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /// @p lowerAttribute is already folded, so the values go straight into the attribute map.
    void addValues(DirectoryEntry &entry, const QString &lowerAttribute, const QString &cell) const
    {
        if (m_options.multiValueSeparator.isEmpty() || !cell.contains(m_options.multiValueSeparator)) {
            entry.attributes.append(lowerAttribute, cell);
            return;
        }
        for (const QString &value : cell.split(m_options.multiValueSeparator, Qt::SkipEmptyParts)) {
            const QString trimmed = value.trimmed();
            if (!trimmed.isEmpty()) {
                entry.attributes.append(lowerAttribute, trimmed);
            }
        }
    }

    static QStringList splitGroups(const QString &cell)
    {
        QStringList out;
        QString current;
        auto take = [&out, &current] {
            const QString name = current.trimmed();
            if (!name.isEmpty() && !out.contains(name)) {
                out.append(name);
            }
            current.clear();
        };
        for (const QChar c : cell) {
            if (CsvMapping::groupSeparators().contains(c)) {
                take();
            } else {
                current.append(c);
            }
        }
        take();
        return out;
    }

    void addMembership(const DirectoryEntry &entry, const QStringList &groups, int line)
    {
        if (entry.dn.isEmpty()) {
            if (!m_reportedNoKey) {
                m_reportedNoKey = true;
                m_receiver.problem(
                    line,
                    {},
                    CsvText::tr("the groups column cannot name its members: choose a key column (or a DN "
                                "column) for the rows"));
            }
            return;
        }
        for (const QString &name : groups) {
            Group &group = m_groups[name];
            if (group.line == 0) {
                group.line = line;
            }
            group.members.append(entry.dn);
        }
    }

    const CsvOptions &m_options;
    const ColumnPlan m_plan;
    EntryReceiver &m_receiver;
    bool m_reportedUnnamed = false;
    bool m_reportedNoKey = false;
    QMap<QString, Group> m_groups; // sorted, so that groups come in the same order on every read
};

QStringList decodeHeaders(const CsvParser::Record &header)
{
    QStringList headers;
    headers.reserve(header.fields.size());
    for (const QByteArray &raw : header.fields) {
        headers.append(QString::fromUtf8(raw).trimmed());
    }
    return headers;
}

M365::Error noHeader(const QString &fileName, const CsvParser::Record &header)
{
    return DirectoryError::make(
        DirectoryError::InvalidFile,
        CsvText::tr("The CSV file \"%1\" has no readable header row: %2")
            .arg(fileName, header.error.isEmpty() ? CsvText::tr("the file is empty") : header.error));
}

} // namespace

void CsvOptions::writeJson(QJsonObject &directory) const
{
    if (separator != '\0') {
        directory.insert(QStringLiteral("separator"), QString(QLatin1Char(separator)));
    }
    directory.insert(QStringLiteral("encoding"), encodingId(encoding));
    if (!mapping.isEmpty()) {
        directory.insert(QStringLiteral("mapping"), mapping.toJson());
    }
}

Result<CsvOptions> CsvOptions::fromJson(const QJsonObject &directory)
{
    CsvOptions options;
    const QString separator = directory.value(QLatin1String("separator")).toString();
    if (separator == QLatin1String("\\t") || separator == QLatin1String("tab")) {
        options.separator = '\t';
    } else if (separator.size() == 1 && QStringView(u",;\t|").contains(separator.at(0))) {
        options.separator = char(separator.at(0).unicode());
    } else if (!separator.isEmpty()) {
        return Result<CsvOptions>::failure(
            Error{QStringLiteral("profile.directory.separator"),
                  CsvText::tr("The CSV separator \"%1\" in the profile is not one of , ; | or TAB.").arg(separator),
                  {},
                  {}});
    }
    options.encoding = encodingFromId(directory.value(QLatin1String("encoding")).toString());
    if (directory.contains(QLatin1String("mapping"))) {
        Result<CsvMapping> mapping = CsvMapping::fromJson(directory.value(QLatin1String("mapping")).toObject());
        if (!mapping.ok()) {
            return Result<CsvOptions>::failure(mapping.error);
        }
        options.mapping = mapping.value;
    }
    return Result<CsvOptions>::success(options);
}

CsvReader::CsvReader(const CsvOptions &options, EntryReceiver &receiver)
    : m_options(options)
    , m_receiver(receiver)
{}

M365::Error CsvReader::read(const QByteArray &bytes, const QString &fileName)
{
    QByteArray text;
    const M365::Error error = decodeCsv(bytes, m_options, fileName, &text);
    if (!error.isNull()) {
        return error;
    }
    const char separator = m_options.separator ? m_options.separator : CsvParser::detectSeparator(text);
    CsvParser parser(text, separator);
    CsvParser::Record header;
    if (!readHeader(parser, &header)) {
        return noHeader(fileName, header);
    }
    RowReader rows(
        m_options, planColumns(decodeHeaders(header), m_options.mapping, m_receiver, header.line), m_receiver);
    while (!parser.atEnd()) {
        if (!rows.row(parser.next())) {
            return {};
        }
    }
    rows.finish();
    return {};
}

CsvPreview CsvReader::preview(const QByteArray &bytes, const CsvOptions &options, const QString &fileName)
{
    constexpr int kSamples = 3;
    constexpr int kRowsLooked = 200;
    CsvPreview preview;
    QByteArray text;
    preview.error = decodeCsv(bytes, options, fileName, &text, &preview.encodingName);
    if (!preview.error.isNull()) {
        return preview;
    }
    preview.separator = options.separator ? options.separator : CsvParser::detectSeparator(text);
    CsvParser parser(text, preview.separator);
    CsvParser::Record header;
    if (!readHeader(parser, &header)) {
        preview.error = noHeader(fileName, header);
        return preview;
    }
    preview.headers = decodeHeaders(header);
    preview.samples.resize(preview.headers.size());
    for (int row = 0; row < kRowsLooked && !parser.atEnd(); ++row) {
        const CsvParser::Record record = parser.next();
        if (!record.error.isEmpty()) {
            continue;
        }
        for (int i = 0; i < preview.headers.size() && i < record.fields.size(); ++i) {
            const QString value = QString::fromUtf8(record.fields.at(i)).trimmed();
            if (!value.isEmpty() && preview.samples[i].size() < kSamples && !preview.samples[i].contains(value)) {
                preview.samples[i].append(value);
            }
        }
    }
    // Excel's empty unnamed columns at the end of every line are nothing to map.
    while (!preview.headers.isEmpty() && preview.headers.last().isEmpty() && preview.samples.last().isEmpty()) {
        preview.headers.removeLast();
        preview.samples.removeLast();
    }
    return preview;
}

namespace {

DirectoryJob *createCsvJob(const QString &path,
                           const CsvOptions &options,
                           const EntryRules &rules,
                           ReadScope scope,
                           FileJobMode mode,
                           QObject *parent)
{
    return new DirectoryJob(
        [path, options, rules, scope, mode](JobSink &sink) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                sink.fail(DirectoryError::make(
                    DirectoryError::FileNotReadable,
                    CsvText::tr("Cannot open the CSV file \"%1\": %2. Check the path and the file permissions.")
                        .arg(path, file.errorString()),
                    file.errorString()));
                return;
            }
            // CSV exports are small next to memory (100,000 rows are ~20 MB), and having the whole file lets the
            // encoding be checked before any row is used and a bad row be skipped by restarting on the next line.
            const QByteArray bytes = file.readAll();
            if (file.error() != QFileDevice::NoError) {
                sink.fail(DirectoryError::make(
                    DirectoryError::FileNotReadable,
                    CsvText::tr("Reading the CSV file \"%1\" failed: %2.").arg(path, file.errorString()),
                    file.errorString()));
                return;
            }
            FileEntryCollector collector(sink, rules, scope, mode, QFileInfo(path).fileName());
            const M365::Error error = CsvReader(options, collector).read(bytes, path);
            if (!error.isNull()) {
                sink.fail(error);
                return;
            }
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
