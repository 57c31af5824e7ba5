// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "textencoding.h"

#include <QCoreApplication>
#include <QStringDecoder>

#include <algorithm>

namespace M365::Directory {

namespace {

/// The translation context of this file's messages: lupdate finds EncodingText::tr(), where it would miss a helper
/// function.
struct EncodingText
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::TextEncoding)
};

/// Windows-1252 bytes 0x80–0x9F (the rest of the upper half is ISO 8859-1, the same code points); 0 where the
/// code page defines no character (0x81, 0x8D, 0x8F, 0x90, 0x9D). From Microsoft's published code page table.
constexpr char16_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

int lineAt(const QByteArray &bytes, qsizetype offset)
{
    return int(std::count(bytes.cbegin(), bytes.cbegin() + offset, '\n')) + 1;
}

/// Qt's UTF-16 decoder passes a lone surrogate through; UTF-8 cannot hold one.
bool hasUnpairedSurrogate(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            ++i;
        } else if (c.isSurrogate()) {
            return true;
        }
    }
    return false;
}

/// UTF-16 with a BOM, converted strictly: an unpaired surrogate makes the file unreadable rather than U+FFFD.
DecodedText decodeUtf16(const QByteArray &bytes, bool littleEndian)
{
    DecodedText out;
    out.encodingName = littleEndian ? QStringLiteral("UTF-16LE") : QStringLiteral("UTF-16BE");
    if ((bytes.size() - 2) % 2 != 0) {
        out.error = EncodingText::tr("the file is UTF-16 but ends in the middle of a character (it is truncated)");
        return out;
    }
    QStringDecoder decoder(littleEndian ? QStringDecoder::Utf16LE : QStringDecoder::Utf16BE,
                           QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(QByteArrayView(bytes).sliced(2));
    if (decoder.hasError() || hasUnpairedSurrogate(text)) {
        out.error = EncodingText::tr("the file is UTF-16 but holds an invalid character sequence");
        return out;
    }
    out.utf8 = text.toUtf8();
    return out;
}

DecodedText decodeWindows1252(const QByteArray &bytes)
{
    DecodedText out;
    out.encodingName = QStringLiteral("Windows-1252");
    QString text;
    text.resize(bytes.size());
    char16_t *to = reinterpret_cast<char16_t *>(text.data());
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto byte = static_cast<unsigned char>(bytes.at(i));
        char16_t c = byte;
        if (byte >= 0x80 && byte < 0xA0) {
            c = kWindows1252High[byte - 0x80];
            if (c == 0) {
                out.firstBadLine = lineAt(bytes, i);
                out.error = EncodingText::tr("byte 0x%1 on line %2 is not a character in Windows-1252")
                                .arg(byte, 2, 16, QLatin1Char('0'))
                                .arg(out.firstBadLine);
                return out;
            }
        }
        to[i] = c;
    }
    out.utf8 = text.toUtf8();
    return out;
}

} // namespace

QString encodingId(TextEncoding encoding)
{
    switch (encoding) {
    case TextEncoding::Auto:
        return QStringLiteral("auto");
    case TextEncoding::Utf8:
        return QStringLiteral("utf-8");
    case TextEncoding::Windows1252:
        return QStringLiteral("windows-1252");
    }
    return {};
}

TextEncoding encodingFromId(const QString &id)
{
    if (id.compare(QLatin1String("utf-8"), Qt::CaseInsensitive) == 0) {
        return TextEncoding::Utf8;
    }
    if (id.compare(QLatin1String("windows-1252"), Qt::CaseInsensitive) == 0
        || id.compare(QLatin1String("cp1252"), Qt::CaseInsensitive) == 0) {
        return TextEncoding::Windows1252;
    }
    return TextEncoding::Auto;
}

qsizetype firstInvalidUtf8(const char *bytes, qsizetype size)
{
    const auto *s = reinterpret_cast<const unsigned char *>(bytes);
    qsizetype i = 0;
    while (i < size) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        // Well-formed sequences as in Unicode's table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF.
        int length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            low = c == 0xE0 ? 0xA0 : 0x80;
            high = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            low = c == 0xF0 ? 0x90 : 0x80;
            high = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        if (i + length > size) {
            return i;
        }
        if (s[i + 1] < low || s[i + 1] > high) {
            return i;
        }
        for (int k = 2; k < length; ++k) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) {
                return i;
            }
        }
        i += length;
    }
    return -1;
}

DecodedText decodeText(const QByteArray &bytes, TextEncoding encoding)
{
    if (bytes.startsWith("\xFF\xFE")) {
        return decodeUtf16(bytes, true);
    }
    if (bytes.startsWith("\xFE\xFF")) {
        return decodeUtf16(bytes, false);
    }
    const bool bom = bytes.startsWith("\xEF\xBB\xBF");
    if (encoding == TextEncoding::Windows1252 && !bom) {
        return decodeWindows1252(bytes);
    }
    DecodedText out;
    out.encodingName = bom ? QStringLiteral("UTF-8 with BOM") : QStringLiteral("UTF-8");
    const qsizetype start = bom ? 3 : 0;
    const qsizetype bad = firstInvalidUtf8(bytes.constData() + start, bytes.size() - start);
    if (bad < 0) {
        out.utf8 = bom ? bytes.mid(3) : bytes;
        return out;
    }
    out.firstBadLine = lineAt(bytes, start + bad);
    if (encoding == TextEncoding::Auto && !bom) {
        const DecodedText legacy = decodeWindows1252(bytes);
        if (legacy.ok()) {
            const bool c1 = std::any_of(bytes.cbegin(), bytes.cend(), [](char b) {
                const auto u = static_cast<unsigned char>(b);
                return u >= 0x80 && u < 0xA0;
            });
            out.needsConfirmation = true;
            out.error = c1
                ? EncodingText::tr("the first character that is not UTF-8 is on line %1, and the file looks "
                                   "like Windows-1252")
                      .arg(out.firstBadLine)
                : EncodingText::tr("the first character that is not UTF-8 is on line %1").arg(out.firstBadLine);
            return out;
        }
    }
    out.error = EncodingText::tr("it is not valid UTF-8 (first on line %1)").arg(out.firstBadLine);
    return out;
}

} // namespace M365::Directory
