// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace M365::Directory {

/**
 * The certificate an LDAP server presented, as an admin needs to see it: who it is for, who issued it, until when.
 *
 * A successful connection test shows it, so that the admin sees which CA the server uses. When a TLS connection
 * fails, `problems()` says why in the admin's terms (unknown CA, expired, a host name the certificate does not name),
 * checked with OpenSSL against the same trust the connection used: libldap only says that the handshake failed.
 */
struct ServerCertificate
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::ServerCertificate)

public:
    QString subject; ///< RFC 2253 form, e.g. "CN=dc1.corp.example,O=Example"
    QString issuer;
    QDateTime notBefore;
    QDateTime notAfter;
    /// The DNS names and IP addresses it is valid for (subjectAltName; the common name when it has none).
    QStringList hostNames;
    QByteArray der;

    bool isNull() const { return der.isEmpty(); }
    /// One line for the admin: "Certificate: CN=… · issued by CN=… · valid until <long date>"; empty when null.
    QString summaryText() const;
    /// Parses a DER certificate (libldap's LDAP_OPT_X_TLS_PEERCERT); a null certificate when it is not one.
    static ServerCertificate fromDer(const QByteArray &der);

    /**
     * Why a client connecting to `host` would refuse this certificate, one sentence each, most fundamental first:
     * outside its validity period at `now`, not issued by a CA in `trustFile` or `trustDirectory` (PEM; either may be
     * empty), not naming `host`. Empty when none of these applies.
     */
    QStringList problems(const QString &host,
                         const QString &trustFile,
                         const QString &trustDirectory,
                         const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
};

} // namespace M365::Directory
