// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace M365::Secrets {

/**
 * How KeychainSecretStore lays a value out over keychain entries, as nextcloud's KeychainChunk does.
 *
 * Windows Credential Manager caps one secret near 2.5 KB and a PEM private key can exceed it, so values are cut into
 * chunks of at most ChunkSize bytes stored as `key`, `key.1`, `key.2`, … on every platform (one code path, tested
 * everywhere). The first entry starts with a one-line header: format version, chunk count, total size and a short
 * SHA-256 prefix of the whole value. The count tells a reader how many entries to fetch; size and digest let it
 * refuse a mix of old and new chunks left by an interrupted write instead of returning a corrupted key.
 */
class SecretChunks
{
public:
    static constexpr qsizetype ChunkSize = 2048;
    /// More chunks than this (2 MB) is not a secret m365sync writes; a header claiming more is damaged.
    static constexpr int MaxChunks = 1024;

    /// The header plus the first chunk; no stored entry exceeds ChunkSize + MaxHeaderSize bytes.
    static constexpr qsizetype MaxHeaderSize = 64;

    struct Header
    {
        int count = 0; ///< number of entries, including the first
        qsizetype size = 0; ///< total value size in bytes
        QByteArray digest; ///< 16 hex digits: the first 8 bytes of the value's SHA-256
        QByteArray payload; ///< the first chunk (the bytes after the header line)
    };

    /// The keychain entry of chunk index: `key` for 0, `key.<index>` after that.
    static QString entryKey(const QString &key, int index);

    /// The entries to store, in index order; always at least one (the header entry).
    static QList<QByteArray> encode(const QByteArray &value);

    /// Parses the first entry; nullopt when it is not a well-formed header entry.
    static std::optional<Header> decodeFirst(const QByteArray &entry);

    /// Joins the first chunk and the others (entries 1 … count-1) and checks size and digest; nullopt on mismatch.
    static std::optional<QByteArray> assemble(const Header &header, const QList<QByteArray> &rest);
};

} // namespace M365::Secrets
