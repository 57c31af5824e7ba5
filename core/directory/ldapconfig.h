// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "containerscope.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace M365::Directory {

/// The directory servers we know the conventions of.
enum class LdapPreset { OpenLdap, ActiveDirectory, Univention, Ds389 };

/**
 * How to reach and read an LDAP directory. A profile stores this (never the password: the bind
 * password comes from the secret store and is handed to LdapSource as a value).
 */
struct LdapConfig
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::LdapConfig)

public:
    enum class Scope { Base, OneLevel, Subtree };
    enum class Tls {
        None, ///< plain ldap:// (only sensible on loopback or for anonymous reads of public data)
        StartTls, ///< ldap:// upgraded with StartTLS before the bind; failure is an error, not a fallback
        Ldaps, ///< TLS from the first byte (ldaps://)
    };
    enum class WatchMode {
        Auto, ///< what the server offers, best first: syncrepl, AD change notifications, polling
        SyncRepl, ///< RFC 4533 refreshAndPersist (OpenLDAP, UCS)
        AdNotification, ///< Active Directory's LDAP_SERVER_NOTIFICATION_OID search, with polling for deletions
        Poll,
    };

    /// ldap://host[:port] or ldaps://host[:port]; see contradiction() for how it must agree with `tls`.
    QString url;
    Tls tls = Tls::StartTls;
    /// PEM file with the CA (or CAs) that signed the server certificate, e.g. the AD CS enterprise root CA; empty
    /// trusts the system's CAs (libldap's TLS_CACERT in ldap.conf: Debian's /etc/ssl/certs/ca-certificates.crt).
    /// Certificate and host-name verification are always on: there is deliberately no switch to disable them.
    QString caFile;
    /// Empty for an anonymous bind.
    QString bindDn;
    QString baseDn;
    Scope scope = Scope::Subtree;
    QString userFilter = QStringLiteral("(objectClass=inetOrgPerson)");
    QString groupFilter = QStringLiteral("(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))");
    /// The containers users and groups are read from (Entra Connect's OU filtering); empty: all of the base DN. Reads
    /// and counts leave out what lies outside, whatever the filters match.
    ContainerScope userContainers;
    ContainerScope groupContainers;
    /// Attributes to read; empty reads all user attributes. The anchor and the attributes the
    /// engine needs (objectClass, member, lock flags) are always added.
    QStringList attributes;
    /// entryUUID (OpenLDAP, 389-DS, UCS), objectGUID (AD, binary: delivered as base64, the form
    /// onPremisesImmutableId takes) or any attribute with a stable unique value.
    QString anchorAttribute = QStringLiteral("entryUUID");
    /// Used where the anchor attribute is empty: objectGUID behind mS-DS-ConsistencyGuid, the way Entra Connect
    /// anchors Active Directory users (both are the same 16 bytes for objects Entra Connect already anchored).
    QString anchorFallback;
    /// Attributes that hold group members (DNs, or uids for memberUid).
    QStringList memberAttributes{QStringLiteral("member"), QStringLiteral("uniqueMember"), QStringLiteral("memberUid")};
    /// RFC 2696 page size; AD's default MaxPageSize is 1000, slapd's limit is set per server.
    int pageSize = 500;
    /// Seconds for connecting, each request and idle waits on the server.
    int timeoutSeconds = 30;
    WatchMode watchMode = WatchMode::Auto;
    /// Polling fallback: the attribute whose value changes on every write (modifyTimestamp,
    /// whenChanged, uSNChanged, entryCSN) and how often to look.
    QString changeAttribute = QStringLiteral("modifyTimestamp");
    int pollIntervalSeconds = 60;

    /// Defaults for a kind of server: filters, anchor, change attribute.
    static LdapConfig fromPreset(LdapPreset preset);
    /// The TLS mode in force: an ldaps URL always means Tls::Ldaps.
    Tls effectiveTls() const;
    /// The URL to connect to: ldap://host becomes ldaps://host when Tls::Ldaps is chosen.
    QString effectiveUrl() const;
    /**
     * Why the URL and the encryption choice disagree, for the admin; empty when they agree. An ldaps:// URL with
     * StartTLS or no encryption chosen, and LDAPS chosen for ldap://host:389 (the plain LDAP port) are refused rather
     * than guessed at: a silent ldaps://host:389 only ends in a handshake that times out.
     */
    QString contradiction() const;
    /// The URL's host (for host-name checks and messages) and port (the scheme's default when it names none).
    QString host() const;
    int port() const;
};

} // namespace M365::Directory
