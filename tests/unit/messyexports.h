// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Generators of directory files as real exports write them (FIELD.md section 2): spreadsheets, HR systems, slapcat
// and ldifde, with their habits (BOM, CRLF, ';', trailing empty columns, folded lines, UTF-16, Windows-1252) and with
// broken records in between. Each generator records the line every good record starts on and every bad one, so a
// test can check that each good record arrives with its values and each bad one is reported where it is.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace M365::Tests {

/// Names that break naive code: umlauts as one code point and decomposed (NFD), emoji, CJK, right-to-left.
inline QStringList awkwardNames()
{
    return {QString::fromUtf8("J\xc3\xbcrgen"),
            QString::fromUtf8("Ju\xcc\x88rgen"), // NFD: u + combining diaeresis
            QString::fromUtf8("Zo\xc3\xab \xf0\x9f\x8c\xbb"), // emoji outside the BMP
            QString::fromUtf8("\xe5\xb1\xb1\xe7\x94\xb0"),
            QString::fromUtf8("\xd7\xa9\xd7\xa8\xd7\x94"),
            QStringLiteral("O'Brien, \"Jr.\"")};
}

/// Encodes text as Windows-1252 (Latin-1 plus the code page's 0x80–0x9F characters); only for what it can hold.
inline QByteArray toWindows1252(const QString &text)
{
    static const QHash<char16_t, char> high{{0x20AC, '\x80'},
                                            {0x201E, '\x84'},
                                            {0x2026, '\x85'},
                                            {0x2013, '\x96'},
                                            {0x2014, '\x97'},
                                            {0x201C, '\x93'},
                                            {0x201D, '\x94'},
                                            {0x0160, '\x8A'}};
    QByteArray out;
    for (const QChar c : text) {
        if (c.unicode() < 0x80 || (c.unicode() >= 0xA0 && c.unicode() < 0x100)) {
            out.append(char(c.unicode()));
        } else {
            out.append(high.value(c.unicode(), '?'));
        }
    }
    return out;
}

/**
 * A CSV file in the dialect of one program. Good rows are written with the quoting that program uses; bad rows
 * are raw bytes. Lines are counted as the file has them (a quoted line break adds one).
 */
class CsvExport
{
public:
    enum class Encoding { Utf8, Utf8Bom, Utf16LeBom, Windows1252 };

    struct Row
    {
        int line = 0;
        QStringList cells;
    };

    char separator = ',';
    bool crlf = false;
    Encoding encoding = Encoding::Utf8;
    /// Empty unnamed columns Excel writes at the end of every line, header included.
    int trailingEmptyColumns = 0;
    /// Google Sheets leaves the last line without a line break.
    bool finalNewline = true;

    /// The header is written with the dialect's settings as they are when bytes() is called; it takes line 1.
    explicit CsvExport(QStringList header)
        : m_header(std::move(header))
    {}

    /// A row that must arrive, with these cells (as the reader should deliver them, trimmed).
    void good(const QStringList &cells)
    {
        m_good.append(Row{m_line, cells});
        appendLine(cells);
    }
    /// Bytes that are not a usable row; @p lines is how many lines they take. The reader must report line `m_line`.
    void bad(const QByteArray &raw, int lines = 1)
    {
        m_bad.append(m_line);
        m_text.append(QString::fromLatin1("\x01")); // marker replaced by the raw bytes when encoding
        m_raw.append(raw);
        m_line += lines;
    }
    /// A line that is nothing (empty, separators only or whitespace); readers skip it silently.
    void blank(const QByteArray &raw)
    {
        bad(raw);
        m_bad.removeLast();
    }

    const QList<Row> &goodRows() const { return m_good; }
    const QList<int> &badLines() const { return m_bad; }

    QByteArray bytes() const
    {
        QByteArray out;
        if (encoding == Encoding::Utf8Bom) {
            out = "\xEF\xBB\xBF";
        }
        out.append(encode(line(m_header)));
        int raw = 0;
        for (const QString &chunk : m_text) {
            if (chunk == QLatin1String("\x01")) {
                out.append(m_raw.at(raw++));
                continue;
            }
            out.append(encode(chunk));
        }
        if (!finalNewline) {
            out.chop(crlf ? 2 : 1);
        }
        if (encoding == Encoding::Utf16LeBom) {
            const QString text = QString::fromUtf8(out);
            QByteArray utf16("\xFF\xFE", 2);
            utf16.append(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
            return utf16;
        }
        return out;
    }

    /// One field as the program quotes it: only when it holds the separator, a quote, a line break or edge spaces.
    QString field(const QString &text) const
    {
        const bool quote = text.contains(QLatin1Char(separator)) || text.contains(QLatin1Char('"'))
            || text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r')) || text.startsWith(QLatin1Char(' '))
            || text.endsWith(QLatin1Char(' '));
        if (!quote) {
            return text;
        }
        QString quoted = text;
        quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
        return QLatin1Char('"') + quoted + QLatin1Char('"');
    }

private:
    QString line(const QStringList &cells) const
    {
        QStringList fields;
        for (const QString &cell : cells) {
            fields.append(field(cell));
        }
        for (int i = 0; i < trailingEmptyColumns; ++i) {
            fields.append(QString());
        }
        return fields.join(QLatin1Char(separator)) + (crlf ? QStringLiteral("\r\n") : QStringLiteral("\n"));
    }

    void appendLine(const QStringList &cells)
    {
        m_text.append(line(cells));
        for (const QString &cell : cells) {
            m_line += int(cell.count(QLatin1Char('\n')));
        }
        ++m_line;
    }

    QByteArray encode(const QString &text) const
    {
        return encoding == Encoding::Windows1252 ? toWindows1252(text) : text.toUtf8();
    }

    QStringList m_header;
    QStringList m_text;
    QList<QByteArray> m_raw;
    QList<Row> m_good;
    QList<int> m_bad;
    int m_line = 2;
};

/// An LDIF export as slapcat or ldifde writes it: folded at 76 columns, base64 for what is not safe ASCII.
class LdifExport
{
public:
    struct Record
    {
        int line = 0;
        QString dn;
        QList<QPair<QString, QString>> attributes;
    };

    bool crlf = false;
    /// ldifde writes "changetype: add" on every record.
    bool changeTypeAdd = false;

    LdifExport() { m_text = "version: 1\n\n"; }

    void good(const QString &dn, const QList<QPair<QString, QString>> &attributes)
    {
        m_good.append(Record{m_line, dn, attributes});
        append(dn, attributes);
    }
    /// Raw bytes of a record that must be reported (as one record, without the blank line after it); the problem is
    /// expected on line firstLine + @p problemOffset.
    void bad(const QByteArray &raw, int problemOffset = 0)
    {
        m_bad.append(m_line + problemOffset);
        m_text.append(raw);
        m_line += int(raw.count('\n'));
        if (!raw.endsWith('\n')) {
            m_text.append('\n');
            ++m_line;
        }
        m_text.append('\n');
        ++m_line;
    }

    const QList<Record> &goodRecords() const { return m_good; }
    const QList<int> &badLines() const { return m_bad; }
    QByteArray bytes() const
    {
        QByteArray out = m_text;
        return crlf ? out.replace("\n", "\r\n") : out;
    }

private:
    static bool isSafe(const QByteArray &value)
    {
        if (value.isEmpty()) {
            return true;
        }
        if (value.startsWith(' ') || value.startsWith(':') || value.startsWith('<') || value.endsWith(' ')) {
            return false;
        }
        for (char c : value) {
            if (c == '\n' || c == '\r' || c == '\0' || static_cast<unsigned char>(c) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    void line(const QByteArray &name, const QByteArray &value)
    {
        QByteArray text = isSafe(value) ? QByteArray(name + ": " + value) : QByteArray(name + ":: " + value.toBase64());
        // Fold at 76 columns, as slapcat does.
        bool first = true;
        while (!text.isEmpty()) {
            const int width = first ? 76 : 75;
            m_text.append(first ? QByteArray() : QByteArray(" "));
            m_text.append(text.left(width));
            m_text.append('\n');
            ++m_line;
            text.remove(0, qMin<qsizetype>(width, text.size()));
            first = false;
        }
    }

    void append(const QString &dn, const QList<QPair<QString, QString>> &attributes)
    {
        line("dn", dn.toUtf8());
        if (changeTypeAdd) {
            line("changetype", "add");
        }
        for (const auto &a : attributes) {
            line(a.first.toUtf8(), a.second.toUtf8());
        }
        m_text.append('\n');
        ++m_line;
    }

    QByteArray m_text;
    QList<Record> m_good;
    QList<int> m_bad;
    int m_line = 3;
};

} // namespace M365::Tests
