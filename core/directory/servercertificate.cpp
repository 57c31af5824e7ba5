// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "servercertificate.h"

#include "identity/opensslsupport.h"

#include <QHostAddress>
#include <QLocale>

#include <memory>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace M365::Directory {

namespace {

using Identity::Detail::nameText;
using Identity::Detail::OpenSslDeleter;
using Identity::Detail::toDateTime;
using Identity::Detail::X509Ptr;
using StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE, X509_STORE_free>>;
using StoreContextPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX, X509_STORE_CTX_free>>;

X509Ptr parse(const QByteArray &der)
{
    const auto *data = reinterpret_cast<const unsigned char *>(der.constData());
    return X509Ptr(d2i_X509(nullptr, &data, static_cast<long>(der.size())));
}

QStringList hostNamesOf(X509 *certificate)
{
    QStringList names;
    auto *alternatives =
        static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; alternatives && i < sk_GENERAL_NAME_num(alternatives); ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(alternatives, i);
        if (name->type == GEN_DNS) {
            const ASN1_STRING *dns = name->d.dNSName;
            names.append(
                QString::fromUtf8(reinterpret_cast<const char *>(ASN1_STRING_get0_data(dns)), ASN1_STRING_length(dns)));
        } else if (name->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *ip = name->d.iPAddress;
            const auto *bytes = ASN1_STRING_get0_data(ip);
            if (ASN1_STRING_length(ip) == 4) {
                names.append(QHostAddress(quint32(bytes[0]) << 24 | quint32(bytes[1]) << 16 | quint32(bytes[2]) << 8
                                          | quint32(bytes[3]))
                                 .toString());
            } else if (ASN1_STRING_length(ip) == 16) {
                names.append(QHostAddress(bytes).toString());
            }
        }
    }
    GENERAL_NAMES_free(alternatives);
    if (names.isEmpty()) {
        // Without subjectAltName, clients fall back to the subject's common name.
        const X509_NAME *subject = X509_get_subject_name(certificate);
        const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
        if (index >= 0) {
            unsigned char *utf8 = nullptr;
            const int length =
                ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
            if (length >= 0) {
                names.append(QString::fromUtf8(reinterpret_cast<const char *>(utf8), length));
            }
            OPENSSL_free(utf8);
        }
    }
    return names;
}

/// Whether a CA in the trust store issued the certificate (its dates are checked separately).
bool issuedByTrustedCa(X509 *certificate, const QString &trustFile, const QString &trustDirectory)
{
    StorePtr store(X509_STORE_new());
    if (!store) {
        return false;
    }
    if (trustFile.isEmpty() && trustDirectory.isEmpty()) {
        X509_STORE_set_default_paths(store.get());
    }
    if (!trustFile.isEmpty()) {
        X509_STORE_load_file(store.get(), trustFile.toLocal8Bit().constData());
    }
    if (!trustDirectory.isEmpty()) {
        X509_STORE_load_path(store.get(), trustDirectory.toLocal8Bit().constData());
    }
    // Like libldap, an intermediate CA in the trust file is a trust anchor of its own.
    X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
    StoreContextPtr context(X509_STORE_CTX_new());
    if (!context || X509_STORE_CTX_init(context.get(), store.get(), certificate, nullptr) != 1) {
        return false;
    }
    return X509_verify_cert(context.get()) == 1;
}

} // namespace

ServerCertificate ServerCertificate::fromDer(const QByteArray &der)
{
    ServerCertificate result;
    const X509Ptr certificate = parse(der);
    if (!certificate) {
        return result;
    }
    result.der = der;
    result.subject = nameText(X509_get_subject_name(certificate.get()));
    result.issuer = nameText(X509_get_issuer_name(certificate.get()));
    result.notBefore = toDateTime(X509_get0_notBefore(certificate.get()));
    result.notAfter = toDateTime(X509_get0_notAfter(certificate.get()));
    result.hostNames = hostNamesOf(certificate.get());
    return result;
}

QString ServerCertificate::summaryText() const
{
    if (isNull()) {
        return {};
    }
    return tr("Certificate: %1 · issued by %2 · valid until %3")
        .arg(subject, issuer, QLocale().toString(notAfter.toLocalTime().date(), QLocale::LongFormat));
}

QStringList ServerCertificate::problems(const QString &host,
                                        const QString &trustFile,
                                        const QString &trustDirectory,
                                        const QDateTime &now) const
{
    QStringList found;
    const X509Ptr certificate = parse(der);
    if (!certificate) {
        return found;
    }
    const QLocale locale;
    if (notAfter.isValid() && now > notAfter) {
        found.append(tr("The server's certificate expired on %1. Renew it on the server.")
                         .arg(locale.toString(notAfter.toLocalTime(), QLocale::LongFormat)));
    } else if (notBefore.isValid() && now < notBefore) {
        found.append(tr("The server's certificate is valid only from %1 on. Check the clock of this computer and of "
                        "the server.")
                         .arg(locale.toString(notBefore.toLocalTime(), QLocale::LongFormat)));
    }
    if (!issuedByTrustedCa(certificate.get(), trustFile, trustDirectory)) {
        if (trustFile.isEmpty() && trustDirectory.isEmpty()) {
            found.append(tr("The server's certificate was issued by \"%1\", which this computer does not trust. "
                            "Choose a CA file with that CA's certificate (for Active Directory usually the enterprise "
                            "root CA), or add the CA to the system's trust store.")
                             .arg(issuer));
        } else {
            found.append(tr("The server's certificate was issued by \"%1\", which is not among the trusted CAs "
                            "(%2). Choose a CA file with that CA's certificate (for Active Directory usually the "
                            "enterprise root CA).")
                             .arg(issuer, trustFile.isEmpty() ? trustDirectory : trustFile));
        }
    }
    const QByteArray hostBytes = host.toUtf8();
    const bool hostMatches =
        X509_check_host(certificate.get(), hostBytes.constData(), hostBytes.size(), 0, nullptr) == 1
        || X509_check_ip_asc(certificate.get(), hostBytes.constData(), 0) == 1;
    if (!host.isEmpty() && !hostMatches) {
        found.append(tr("The server's certificate is for %1, but the URL names \"%2\". Use one of the certificate's "
                        "names in the URL.")
                         .arg(hostNames.isEmpty()
                                  ? tr("no host name")
                                  : QLatin1Char('"') + hostNames.join(QStringLiteral("\", \"")) + QLatin1Char('"'),
                              host));
    }
    return found;
}

} // namespace M365::Directory
