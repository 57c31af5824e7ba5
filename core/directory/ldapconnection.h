// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directoryentry.h"
#include "ldapconfig.h"
#include "servercertificate.h"

#include <QHash>

#include <functional>

// libldap's types stay out of every public header: only this internal one names them.
typedef struct ldap LDAP;
typedef struct ldapmsg LDAPMessage;

namespace M365::Directory {

class JobSink;

/**
 * One libldap session, used only on a DirectoryJob's worker thread (libldap's synchronous calls
 * block). It turns libldap return codes into errors that say what to check, and it bounds every
 * wait by the configured timeout while staying responsive to cancellation.
 */
class LdapConnection
{
public:
    LdapConnection(const LdapConfig &config, JobSink &sink);
    ~LdapConnection();
    LdapConnection(const LdapConnection &) = delete;
    LdapConnection &operator=(const LdapConnection &) = delete;

    /// Connects, upgrades with StartTLS when configured, binds. On failure `error()` says why.
    bool open(const QString &bindPassword);

    struct RootDse
    {
        QString vendor;
        QStringList namingContexts;
        QStringList supportedControls;
    };
    bool readRootDse(RootDse *out);
    /// Checks that the base DN exists (a clear "bad base DN" instead of an empty read).
    bool checkBase();

    /// Called for every entry of a search; return false to stop.
    using EntryHandler = std::function<bool(LDAPMessage *)>;
    /// A subtree/onelevel search in RFC 2696 pages. `sizeLimit` 0 means unlimited.
    bool
    pagedSearch(const QString &filter, const QStringList &attributes, const EntryHandler &handler, int sizeLimit = 0);

    /// Converts a search entry, following AD's ranged values (member;range=0-1499) to the end.
    /// Returns false (with `problem` set) when the entry cannot be used, e.g. it has no anchor.
    bool toEntry(LDAPMessage *message, EntryKind kind, DirectoryEntry *entry, QString *problem);
    QString dnOf(LDAPMessage *message) const;
    /// Reads one entry by DN (a base-scope search); false if it is gone or unusable.
    bool readEntry(const QString &dn, EntryKind kind, DirectoryEntry *entry);
    /// The same, but only when the entry matches @p filter (is it a user of the configured filter?).
    bool readMatchingEntry(const QString &dn, const QString &filter, EntryKind kind, DirectoryEntry *entry);

    /// The attribute list a read asks for: the configured ones plus what the engine needs.
    QStringList readAttributes() const;

    /// The certificate the server presented on a TLS connection that open() established; null without TLS.
    const ServerCertificate &serverCertificate() const { return m_certificate; }

    LDAP *handle() const { return m_ld; }
    const LdapConfig &config() const { return m_config; }
    DirectoryError error() const { return m_error; }
    /// Records `rc` from `operation` as the error, with a message for the admin.
    void setError(int rc, const QString &operation, const QString &diagnostic = QString());

private:
    /// A base-scope search of one entry (the root DSE or the base DN), bounded by the configured timeout.
    int searchBaseEntry(const QByteArray &dn, const char **attributes, LDAPMessage **result);
    QString diagnosticMessage() const;
    bool tcpReachable() const;

    /// The CAs a TLS connection trusts: the configured CA file, else ldap.conf's; ldap.conf's CA directory.
    struct TrustStore
    {
        QString file;
        QString directory;
    };
    TrustStore trustStore() const;
    /// Sets the trust and the certificate requirement on a handle and gives it its own TLS context.
    bool applyTlsOptions(LDAP *ld, bool verify) const;
    static ServerCertificate peerCertificate(LDAP *ld);
    ServerCertificate fetchCertificateUnverified() const;
    /// What to tell the admin when the TLS handshake failed: the certificate's problems where it can be read.
    QString tlsFailureMessage(const QString &diagnostic) const;
    bool fetchRange(const QString &dn, const QString &attribute, int nextStart, QStringList *values);

    LdapConfig m_config;
    JobSink &m_sink;
    LDAP *m_ld = nullptr;
    DirectoryError m_error;
    ServerCertificate m_certificate;
    /// Attribute names as sent by the server → lower case; a read sees the same few names 100,000 times.
    QHash<QByteArray, QString> m_names;
};

} // namespace M365::Directory
