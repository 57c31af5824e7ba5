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
        // objectCategory=person excludes computers (which are objectClass=user too).
        config.userFilter = QStringLiteral("(&(objectCategory=person)(objectClass=user))");
        config.groupFilter = QStringLiteral("(objectClass=group)");
        config.anchorAttribute = QStringLiteral("objectGUID");
        config.memberAttributes = {QStringLiteral("member")};
        // AD offers no syncrepl; uSNChanged is the per-DC change counter (whenChanged is not
        // replicated exactly and has one-second resolution).
        config.watchMode = WatchMode::Poll;
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

} // namespace M365::Directory
