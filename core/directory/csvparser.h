// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace M365::Directory {

/**
 * An RFC 4180 record reader over bytes. It works on bytes rather than QString because the
 * separator and quote are ASCII (so UTF-8 sequences can never be split) and because invalid
 * UTF-8 must be reported per row, not silently replaced by U+FFFD.
 */
class CsvParser
{
public:
    struct Record
    {
        QList<QByteArray> fields;
        /// Line the record starts on (1-based).
        int line = 0;
        /// Empty when the record is well-formed.
        QString error;
    };

    /// `data` must outlive the parser. A UTF-8 BOM at the start is skipped.
    explicit CsvParser(const QByteArray &data, char separator);

    /// Guesses the separator from the first record: the most frequent of ',', ';' and TAB outside
    /// quotes; ',' when none occurs.
    static char detectSeparator(const QByteArray &data);

    bool atEnd() const;
    /// Reads the next record. After a malformed record, reading resumes on the line after the
    /// one the bad record started on.
    Record next();

private:
    const QByteArray &m_data;
    char m_separator;
    qsizetype m_pos = 0;
    int m_line = 1;
};

/// One field as RFC 4180 writes it: quoted (with doubled quotes) only when it holds a comma, a quote or a line break.
QString csvField(const QString &text);

} // namespace M365::Directory
