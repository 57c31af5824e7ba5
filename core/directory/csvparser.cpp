// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvparser.h"

#include <QCoreApplication>

namespace M365::Directory {

namespace {
/// The translation context of this file's messages: lupdate finds CsvText::tr(), where it would miss a helper function.
struct CsvText
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::CsvSource)
};

qsizetype skipBom(const QByteArray &data)
{
    return data.startsWith("\xEF\xBB\xBF") ? 3 : 0;
}
} // namespace

CsvParser::CsvParser(const QByteArray &data, char separator)
    : m_data(data)
    , m_separator(separator)
    , m_pos(skipBom(data))
{}

char CsvParser::detectSeparator(const QByteArray &data)
{
    int comma = 0;
    int semicolon = 0;
    int tab = 0;
    bool quoted = false;
    for (qsizetype i = skipBom(data); i < data.size(); ++i) {
        const char c = data.at(i);
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            break;
        } else if (!quoted && c == ',') {
            ++comma;
        } else if (!quoted && c == ';') {
            ++semicolon;
        } else if (!quoted && c == '\t') {
            ++tab;
        }
    }
    if (semicolon > comma && semicolon >= tab) {
        return ';';
    }
    if (tab > comma && tab > semicolon) {
        return '\t';
    }
    return ',';
}

bool CsvParser::atEnd() const
{
    return m_pos >= m_data.size();
}

CsvParser::Record CsvParser::next()
{
    Record record;
    record.line = m_line;
    const qsizetype start = m_pos;
    const qsizetype size = m_data.size();
    QByteArray field;
    bool quoted = false; // inside a quoted field
    bool wasQuoted = false; // the current field was quoted and is closed
    qsizetype pos = m_pos;
    int line = m_line;

    auto fail = [&](const QString &reason) {
        record.error = reason;
        record.fields.clear();
        // Resume on the line after the one the bad record started on.
        const qsizetype eol = m_data.indexOf('\n', start);
        m_pos = eol < 0 ? size : eol + 1;
        m_line = record.line + 1;
        return record;
    };

    while (pos < size) {
        const char c = m_data.at(pos);
        if (quoted) {
            if (c == '"') {
                if (pos + 1 < size && m_data.at(pos + 1) == '"') {
                    field.append('"');
                    pos += 2;
                    continue;
                }
                quoted = false;
                wasQuoted = true;
                ++pos;
                continue;
            }
            if (c == '\n') {
                ++line;
            }
            field.append(c);
            ++pos;
            continue;
        }
        if (c == m_separator) {
            record.fields.append(field);
            field.clear();
            wasQuoted = false;
            ++pos;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (c == '\r' && pos + 1 < size && m_data.at(pos + 1) == '\n') {
                ++pos;
            }
            ++pos;
            ++line;
            record.fields.append(field);
            m_pos = pos;
            m_line = line;
            return record;
        }
        if (wasQuoted) {
            return fail(CsvText::tr("unexpected character after a closing quote in field %1 (unbalanced quotes)")
                            .arg(record.fields.size() + 1));
        }
        if (c == '"') {
            if (!field.isEmpty()) {
                return fail(
                    CsvText::tr("quote inside an unquoted field %1 (unbalanced quotes)").arg(record.fields.size() + 1));
            }
            quoted = true;
            ++pos;
            continue;
        }
        // The rest of an unquoted field in one piece: appending byte by byte was a fifth of reading a large file.
        qsizetype end = pos + 1;
        while (end < size) {
            const char e = m_data.at(end);
            if (e == m_separator || e == '\n' || e == '\r' || e == '"') {
                break;
            }
            ++end;
        }
        field.append(m_data.constData() + pos, end - pos);
        pos = end;
    }
    if (quoted) {
        return fail(CsvText::tr("quoted field %1 is never closed (unbalanced quotes)").arg(record.fields.size() + 1));
    }
    record.fields.append(field);
    m_pos = pos;
    m_line = line;
    return record;
}

QString csvField(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))
        && !text.contains(QLatin1Char('\r'))) {
        return text;
    }
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace M365::Directory
