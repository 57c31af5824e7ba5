// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretchunks.h"

#include <QCryptographicHash>

namespace M365::Secrets {

namespace {

const QByteArray magic = QByteArrayLiteral("m365sync-secret/1");

QByteArray shortDigest(const QByteArray &value)
{
    return QCryptographicHash::hash(value, QCryptographicHash::Sha256).left(8).toHex();
}

bool isLowerHex(const QByteArray &text)
{
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

} // namespace

QString SecretChunks::entryKey(const QString &key, int index)
{
    return index == 0 ? key : key + QLatin1Char('.') + QString::number(index);
}

QList<QByteArray> SecretChunks::encode(const QByteArray &value)
{
    const qsizetype count = value.isEmpty() ? 1 : (value.size() + ChunkSize - 1) / ChunkSize;
    QList<QByteArray> entries;
    entries.reserve(count);
    const QByteArray header = magic + ' ' + QByteArray::number(count) + ' ' + QByteArray::number(value.size()) + ' '
        + shortDigest(value) + '\n';
    entries.append(header + value.left(ChunkSize));
    for (qsizetype i = 1; i < count; ++i) {
        entries.append(value.mid(i * ChunkSize, ChunkSize));
    }
    return entries;
}

std::optional<SecretChunks::Header> SecretChunks::decodeFirst(const QByteArray &entry)
{
    const qsizetype newline = entry.indexOf('\n');
    if (newline < 0 || newline > MaxHeaderSize) {
        return std::nullopt;
    }
    const QList<QByteArray> fields = entry.left(newline).split(' ');
    if (fields.size() != 4 || fields.at(0) != magic) {
        return std::nullopt;
    }
    bool countOk = false;
    bool sizeOk = false;
    Header header;
    header.count = fields.at(1).toInt(&countOk);
    header.size = fields.at(2).toLongLong(&sizeOk);
    header.digest = fields.at(3);
    header.payload = entry.mid(newline + 1);
    if (!countOk || !sizeOk || header.count < 1 || header.count > MaxChunks || header.size < 0
        || header.digest.size() != 16 || !isLowerHex(header.digest)) {
        return std::nullopt;
    }
    // The count must be exactly what encode() produces for that size.
    const qsizetype expectedCount = header.size == 0 ? 1 : (header.size + ChunkSize - 1) / ChunkSize;
    if (expectedCount != header.count || header.payload.size() != qMin(header.size, ChunkSize)) {
        return std::nullopt;
    }
    return header;
}

std::optional<QByteArray> SecretChunks::assemble(const Header &header, const QList<QByteArray> &rest)
{
    if (rest.size() != header.count - 1) {
        return std::nullopt;
    }
    QByteArray value;
    value.reserve(header.size);
    value.append(header.payload);
    for (const QByteArray &chunk : rest) {
        value.append(chunk);
    }
    if (value.size() != header.size || shortDigest(value) != header.digest) {
        value.fill('\0');
        return std::nullopt;
    }
    return value;
}

} // namespace M365::Secrets
