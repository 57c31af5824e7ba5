// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Private to m365core (core/identity, core/directory): owning pointers for OpenSSL objects, names and times as Qt
// values, the error queue as text. Not installed, not included by any public header, so OpenSSL stays a PRIVATE
// dependency of m365core.

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

namespace M365::Identity::Detail {

template <class T, void (*Free)(T *)> struct OpenSslDeleter
{
    void operator()(T *object) const { Free(object); }
};

using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, OpenSslDeleter<PKCS12, PKCS12_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>>;
using MdContextPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

/// Everything a memory BIO holds.
inline QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return length > 0 ? QByteArray(data, qsizetype(length)) : QByteArray();
}

/// A distinguished name in RFC 2253 form ("CN=dc1.example.org,O=Example"), UTF-8 kept as it is instead of escaping
/// every byte above 0x7f.
inline QString nameText(const X509_NAME *name)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        return {};
    }
    return QString::fromUtf8(bioContents(bio.get()));
}

/// A certificate's notBefore/notAfter in UTC; invalid when it cannot be read.
inline QDateTime toDateTime(const ASN1_TIME *time)
{
    struct tm parts = {};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) {
        return {};
    }
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec),
                     Qt::UTC);
}

/// The thread's OpenSSL error queue, emptied: its text for Error::details and its reason codes to classify it.
struct OpenSslErrors
{
    QString text;
    QList<unsigned long> codes;

    /// True when library @p library reported @p reason (e.g. ERR_LIB_PKCS12, PKCS12_R_MAC_VERIFY_FAILURE).
    bool has(int library, int reason) const
    {
        for (const unsigned long code : codes) {
            if (ERR_GET_LIB(code) == library && ERR_GET_REASON(code) == reason) {
                return true;
            }
        }
        return false;
    }
    /// True when any library reported @p reason; for the common reasons such as ERR_R_UNSUPPORTED.
    bool hasAnyLibrary(int reason) const
    {
        for (const unsigned long code : codes) {
            if (ERR_GET_REASON(code) == reason) {
                return true;
            }
        }
        return false;
    }
};

inline OpenSslErrors takeOpenSslErrors()
{
    OpenSslErrors errors;
    QStringList lines;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        lines.append(QString::fromLatin1(buffer));
        errors.codes.append(code);
    }
    errors.text = lines.isEmpty() ? QStringLiteral("no OpenSSL error reported") : lines.join(QLatin1String("; "));
    return errors;
}

} // namespace M365::Identity::Detail
