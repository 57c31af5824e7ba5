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
 *
 * Every libldap call of the directory code goes through this class (reads, counts, the container tree and the
 * watches' searches that stay open), so there is one place that knows libldap's memory rules and error codes.
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

        bool supportsPagedResults() const;
        /// syncrepl (RFC 4533): OpenLDAP, Univention UCS.
        bool supportsSyncRepl() const;
        /// Active Directory's (and Samba AD's) change notifications, LDAP_SERVER_NOTIFICATION_OID.
        bool supportsChangeNotifications() const;
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

    // ---- searches that stay open, for watching ----

    /// What RFC 4533 says about an entry of a syncrepl search (the Sync State control).
    enum class SyncState { Present, Add, Modify, Delete };
    /// A Sync Info message of a syncrepl search (RFC 4533 section 2.5): the end of a refresh phase (refreshDelete,
    /// refreshPresent), or a set of entryUUIDs (syncIdSet), deleted when `deletes` is set.
    struct SyncInfo
    {
        bool refreshDone = false;
        bool isRefreshEnd = false;
        bool deletes = false;
        QList<QByteArray> uuids;
    };
    /// One message of a search that stays open, as readWatchMessage() hands it over.
    struct WatchMessage
    {
        enum Kind {
            Nothing, ///< nothing arrived within the poll interval
            Entry, ///< a search entry: dnOf(), toEntry() and syncState() take `message`
            Intermediate, ///< an intermediate response: syncInfo() takes `message`
            Ended, ///< the server ended the search (shutdown, e-syncRefreshRequired, a limit): error() says why
            Other, ///< anything else (a reference)
        };
        Kind kind = Nothing;
        /// The id startSyncSearch() or startNotificationSearch() returned.
        int searchId = -1;
        /// Owned by the connection; valid until the next readWatchMessage() call.
        LDAPMessage *message = nullptr;
    };

    /// Starts a syncrepl refreshAndPersist search (RFC 4533) of @p filter below the base; returns its id, or -1 with
    /// error() set. The server sends the current content, then every change for as long as the search runs.
    int startSyncSearch(const QString &filter, const QStringList &attributes);
    /**
     * Starts Active Directory's change notification search (MS-ADTS 3.1.1.3.4.1.9) of the whole base: the filter must
     * be (objectClass=*), and the server sends each changed object as an entry for as long as the search runs.
     * Returns its id, or -1 with error() set.
     */
    int startNotificationSearch();
    /**
     * Waits up to 100 ms for the next message of the open search @p searchId (of any open search for -1). An Ended
     * message sets error() with @p operation, as a search the server ended is one the caller can no longer rely on.
     * Returns false, with error() set, when the connection failed.
     */
    bool readWatchMessage(int searchId, const QString &operation, WatchMessage *out);
    /// Reads the Sync State control of a syncrepl entry: its state and entryUUID; false when it has none (or a state
    /// RFC 4533 does not define).
    bool syncState(LDAPMessage *entry, SyncState *state, QByteArray *uuid) const;
    /// Reads a Sync Info intermediate message; false when @p message is another intermediate response.
    bool syncInfo(LDAPMessage *message, SyncInfo *info) const;
    /// Stops an open search (the server stops sending, libldap drops what it still gets).
    void abandon(int searchId);

    const LdapConfig &config() const { return m_config; }
    M365::Error error() const { return m_error; }

private:
    /// Records `rc` from `operation` as the error, with a message for the admin.
    void setError(int rc, const QString &operation, const QString &diagnostic = QString());
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
    M365::Error m_error;
    /// The message readWatchMessage() handed over last.
    LDAPMessage *m_watchMessage = nullptr;
    ServerCertificate m_certificate;
    /// Attribute names as sent by the server → lower case; a read sees the same few names 100,000 times.
    QHash<QByteArray, QString> m_names;
};

} // namespace M365::Directory
