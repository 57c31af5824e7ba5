// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace M365::Directory {

/// How the bytes of a directory file are to be read.
enum class TextEncoding {
    /// UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused until the admin chooses.
    Auto,
    Utf8,
    /// Older Excel "CSV" and many HR exports on Windows; only read when the admin confirmed it.
    Windows1252,
};

/// "auto", "utf-8", "windows-1252": the profile's spelling.
QString encodingId(TextEncoding encoding);
/// Unknown ids give Auto.
TextEncoding encodingFromId(const QString &id);

/**
 * A file's text as UTF-8, or why it could not be read as text.
 *
 * Spreadsheets write UTF-8 with a BOM ("CSV UTF-8"), UTF-16 with a BOM ("Unicode text") or, in older versions,
 * Windows-1252. The last cannot be told apart from a broken UTF-8 file with certainty, so Auto never converts it
 * silently: it reports `needsConfirmation` with the first line that is not UTF-8, and the admin either confirms the
 * conversion (encoding Windows1252) or saves the file again. A value is never decoded into U+FFFD or mojibake.
 */
struct DecodedText
{
    /// The whole text as valid UTF-8, without a byte order mark; empty when `error` is set.
    QByteArray utf8;
    /// What the bytes were read as ("UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "Windows-1252").
    QString encodingName;
    /// Auto found bytes that are not UTF-8 but are valid Windows-1252: reading it needs the admin's confirmation.
    bool needsConfirmation = false;
    /// The first line (1-based) that holds a byte the chosen encoding does not allow; 0 when there is none.
    int firstBadLine = 0;
    /// Why the bytes are not readable text (translated, without the file name); empty when they are.
    QString error;

    bool ok() const { return error.isEmpty(); }
};

/**
 * Reads @p bytes as text in @p encoding. Byte order marks are honoured whatever the encoding says (a UTF-8 or UTF-16
 * BOM is unambiguous); without one, Auto and Utf8 need valid UTF-8 and Windows1252 converts every byte.
 */
DecodedText decodeText(const QByteArray &bytes, TextEncoding encoding);

/// The offset of the first byte of @p bytes that is not part of a well-formed UTF-8 sequence, or -1.
qsizetype firstInvalidUtf8(const char *bytes, qsizetype size);

} // namespace M365::Directory
