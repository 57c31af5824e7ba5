// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "ldapconfig.h"

namespace M365::Directory {

LdapConfig LdapConfig::fromPreset(LdapPreset preset)
{
    LdapConfig config;
    switch (preset) {
    case LdapPreset::OpenLdap:
        config.userFilter = QStringLiteral("(objectClass=inetOrgPerson)");
        config.groupFilter = QStringLiteral("(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))");
        config.anchorAttribute = QStringLiteral("entryUUID");
        config.changeAttribute = QStringLiteral("modifyTimestamp");
        break;
    case LdapPreset::ActiveDirectory:
        // objectCategory=person excludes computers and managed service accounts (which are objectClass=user too);
        // isCriticalSystemObject marks what the domain itself needs (Administrator, Guest, krbtgt, Domain Admins,
        // the Builtin container's groups, …): none of it belongs in Microsoft 365, as Entra Connect's defaults agree.
        config.userFilter =
            QStringLiteral("(&(objectCategory=person)(objectClass=user)(!(isCriticalSystemObject=TRUE)))");
        config.groupFilter = QStringLiteral("(&(objectClass=group)(!(isCriticalSystemObject=TRUE)))");
        config.anchorAttribute = QStringLiteral("objectGUID");
        config.memberAttributes = {QStringLiteral("member")};
        // AD offers no syncrepl but pushes changes to a notification search; deletions only show when polling
        // uSNChanged, the per-DC change counter (whenChanged is not replicated exactly and has one-second
        // resolution).
        config.watchMode = WatchMode::AdNotification;
        config.changeAttribute = QStringLiteral("uSNChanged");
        config.pageSize = 1000;
        config.attributes = {};
        break;
    case LdapPreset::Univention:
        // Only users an administrator enabled for Microsoft 365 in the UCS management system.
        config.userFilter = QStringLiteral("(&(univentionObjectType=users/user)(univentionOffice365Enabled=1))");
        config.groupFilter = QStringLiteral("(univentionObjectType=groups/group)");
        config.anchorAttribute = QStringLiteral("entryUUID");
        config.memberAttributes = {QStringLiteral("uniqueMember"), QStringLiteral("memberUid")};
        config.changeAttribute = QStringLiteral("modifyTimestamp");
        break;
    case LdapPreset::Ds389:
        // 389-DS and FreeIPA: person entries under cn=users,cn=accounts in FreeIPA.
        config.userFilter = QStringLiteral("(&(objectClass=person)(uid=*))");
        config.groupFilter = QStringLiteral("(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))");
        config.anchorAttribute = QStringLiteral("entryUUID");
        config.changeAttribute = QStringLiteral("modifyTimestamp");
        config.watchMode = WatchMode::Poll;
        break;
    }
    return config;
}

LdapConfig::Tls LdapConfig::effectiveTls() const
{
    if (url.startsWith(QLatin1String("ldaps://"), Qt::CaseInsensitive)) {
        return Tls::Ldaps;
    }
    return tls;
}

QString LdapConfig::effectiveUrl() const
{
    if (effectiveTls() == Tls::Ldaps && url.startsWith(QLatin1String("ldap://"), Qt::CaseInsensitive)) {
        return QStringLiteral("ldaps://") + url.mid(7);
    }
    return url;
}

namespace {

/// "host[:port]" of a URL, without scheme and path.
QString authorityOf(const QString &url)
{
    const int scheme = url.indexOf(QLatin1String("://"));
    return url.mid(scheme < 0 ? 0 : scheme + 3).section(QLatin1Char('/'), 0, 0);
}

} // namespace

QString LdapConfig::host() const
{
    const QString authority = authorityOf(url);
    if (authority.startsWith(QLatin1Char('['))) { // [IPv6]:port
        return authority.mid(1).section(QLatin1Char(']'), 0, 0);
    }
    return authority.section(QLatin1Char(':'), 0, 0);
}

int LdapConfig::port() const
{
    const QString authority = authorityOf(url);
    const int colon = authority.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0 && colon > authority.lastIndexOf(QLatin1Char(']'))) {
        bool ok = false;
        const int explicitPort = authority.mid(colon + 1).toInt(&ok);
        if (ok) {
            return explicitPort;
        }
    }
    return effectiveTls() == Tls::Ldaps ? 636 : 389;
}

QString LdapConfig::contradiction() const
{
    const bool ldapsUrl = url.trimmed().startsWith(QLatin1String("ldaps://"), Qt::CaseInsensitive);
    if (ldapsUrl && tls != Tls::Ldaps) {
        return tr("The address %1 starts with ldaps:// (TLS from the first byte), but the encryption chosen is %2. "
                  "Choose LDAPS, or write the address with ldap://.")
            .arg(url.trimmed(), tls == Tls::StartTls ? tr("StartTLS") : tr("none"));
    }
    if (!ldapsUrl && tls == Tls::Ldaps && port() == 389) {
        return tr("The address %1 names port 389, where LDAP servers speak without TLS, but the encryption chosen is "
                  "LDAPS (port 636). Write the address as ldaps://%2, or choose StartTLS.")
            .arg(url.trimmed(), host());
    }
    return {};
}

} // namespace M365::Directory
