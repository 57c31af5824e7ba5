// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "syncsettings.h"

#include "directory/csvsource.h"
#include "directory/ldapconfig.h"
#include "directory/ldapsource.h"
#include "directory/ldifsource.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <cmath>

namespace M365::Sync {

namespace {

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

Error settingsError(const QString &message)
{
    return Error{QStringLiteral("profile.sync"), message, {}, {}};
}

/// SKU and object ids are GUIDs in Graph; anything else is a typo (or a part number pasted instead of the SKU ID)
/// that would only fail at the first assignLicense of a run.
bool isGuid(const QString &text)
{
    static const QRegularExpression guid(
        QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return guid.match(text).hasMatch();
}

} // namespace

int DeletionGuard::threshold(int managedObjects) const
{
    switch (mode) {
    case Mode::Count:
        return count;
    case Mode::Percent:
        return int(std::floor(managedObjects * percent / 100.0));
    case Mode::Default:
        break;
    }
    return qMin(500, int(std::floor(managedObjects * 0.10)));
}

bool DeletionGuard::trips(const ChangePlan &plan, int managedObjects, int allowed) const
{
    const int destructive = plan.destructiveCount();
    return destructive > threshold(managedObjects) && destructive > allowed;
}

QJsonObject DeletionGuard::toJson() const
{
    switch (mode) {
    case Mode::Count:
        return QJsonObject{{str("count"), count}};
    case Mode::Percent:
        return QJsonObject{{str("percent"), percent}};
    case Mode::Default:
        break;
    }
    return {};
}

DeletionGuard DeletionGuard::fromJson(const QJsonObject &json)
{
    DeletionGuard guard;
    if (json.contains(QLatin1String("count"))) {
        guard.mode = Mode::Count;
        guard.count = qMax(0, json.value(QLatin1String("count")).toInt());
    } else if (json.contains(QLatin1String("percent"))) {
        guard.mode = Mode::Percent;
        guard.percent = qBound(0.0, json.value(QLatin1String("percent")).toDouble(), 100.0);
    }
    return guard;
}

QJsonObject SyncSettings::toJson() const
{
    QJsonObject skuByGroup;
    for (auto it = options.skuByGroup.cbegin(); it != options.skuByGroup.cend(); ++it) {
        skuByGroup.insert(it.key(), it.value());
    }
    QJsonObject licenceGroups;
    for (auto it = options.licenceGroupBySku.cbegin(); it != options.licenceGroupBySku.cend(); ++it) {
        licenceGroups.insert(it.key(), it.value());
    }
    QJsonObject json{
        {str("rules"), rules.toJson()},
        {str("scope"), scope.toJson()},
        {str("groupScope"), options.groupScope.toJson()},
        {str("softMatch"), options.softMatch},
        {str("hardDelete"), options.hardDelete},
        {str("syncGroups"), options.syncGroups},
        {str("defaultSkuId"), options.defaultSkuId},
        {str("skuByGroup"), skuByGroup},
        {str("licenceGroups"), licenceGroups},
        {str("disablePrefix"), options.disablePrefix},
        {str("deletionGuard"), guard.toJson()},
        {str("schedule"), schedule.toJson()},
        {str("exclusions"), exclusions.toJson()},
    };
    return json;
}

Result<SyncSettings> SyncSettings::fromJson(const QJsonObject &json)
{
    SyncSettings s;
    if (json.contains(QLatin1String("rules"))) {
        Result<MappingRules> rules = MappingRules::fromJson(json.value(QLatin1String("rules")).toObject());
        if (!rules.ok()) {
            return Result<SyncSettings>::failure(rules.error);
        }
        s.rules = rules.value;
    }
    if (json.contains(QLatin1String("scope"))) {
        Result<Scope> scope = Scope::fromJson(json.value(QLatin1String("scope")).toObject());
        if (!scope.ok()) {
            return Result<SyncSettings>::failure(scope.error);
        }
        s.scope = scope.value;
    }
    if (json.contains(QLatin1String("groupScope"))) {
        Result<Scope> scope = Scope::fromJson(json.value(QLatin1String("groupScope")).toObject());
        if (!scope.ok()) {
            return Result<SyncSettings>::failure(scope.error);
        }
        s.options.groupScope = scope.value;
    }
    s.options.softMatch = json.value(QLatin1String("softMatch")).toBool(s.options.softMatch);
    s.options.hardDelete = json.value(QLatin1String("hardDelete")).toBool(s.options.hardDelete);
    s.options.syncGroups = json.value(QLatin1String("syncGroups")).toBool(s.options.syncGroups);
    s.options.defaultSkuId = json.value(QLatin1String("defaultSkuId")).toString().trimmed();
    if (!s.options.defaultSkuId.isEmpty() && !isGuid(s.options.defaultSkuId)) {
        return Result<SyncSettings>::failure(
            settingsError(tr("The licence for every user, \"%1\", is not a SKU ID: a SKU ID is a GUID such as "
                             "6fd2c87f-b296-42f0-b197-1e91e994b900. Pick the subscription in the Licences tab.")
                              .arg(s.options.defaultSkuId)));
    }
    const QJsonObject skuByGroup = json.value(QLatin1String("skuByGroup")).toObject();
    for (auto it = skuByGroup.constBegin(); it != skuByGroup.constEnd(); ++it) {
        if (!it.value().isString() || !isGuid(it.value().toString())) {
            return Result<SyncSettings>::failure(
                settingsError(tr("The licence of group %1 must be a SKU ID (a GUID).").arg(it.key())));
        }
        s.options.skuByGroup.insert(it.key(), it.value().toString());
    }
    // Licensing through a group: SKU ID → the licensing group that assigns it (LicenceGroupSetupJob made it).
    const QJsonObject licenceGroups = json.value(QLatin1String("licenceGroups")).toObject();
    for (auto it = licenceGroups.constBegin(); it != licenceGroups.constEnd(); ++it) {
        if (!isGuid(it.key())) {
            return Result<SyncSettings>::failure(
                settingsError(tr("\"%1\" in the licensing groups is not a SKU ID: a SKU ID is a GUID.").arg(it.key())));
        }
        if (!it.value().isString() || !isGuid(it.value().toString())) {
            return Result<SyncSettings>::failure(
                settingsError(tr("The licensing group of SKU %1 must be a group's object ID (a GUID).").arg(it.key())));
        }
        s.options.licenceGroupBySku.insert(it.key(), it.value().toString());
    }
    const QString prefix = json.value(QLatin1String("disablePrefix")).toString(s.options.disablePrefix);
    if (prefix.isEmpty()) {
        return Result<SyncSettings>::failure(settingsError(
            tr("The prefix for disabled objects must not be empty: it is how m365sync recognises them.")));
    }
    s.options.disablePrefix = prefix;
    s.guard = DeletionGuard::fromJson(json.value(QLatin1String("deletionGuard")).toObject());
    s.schedule = Schedule::fromJson(json.value(QLatin1String("schedule")).toObject());
    Result<Exclusions> exclusions = Exclusions::fromJson(json.value(QLatin1String("exclusions")).toArray());
    if (!exclusions.ok()) {
        return Result<SyncSettings>::failure(exclusions.error);
    }
    s.exclusions = exclusions.value;
    return Result<SyncSettings>::success(s);
}

bool isLdapDirectory(const QJsonObject &directory)
{
    const QString type = directory.value(QLatin1String("type")).toString();
    return type != QLatin1String("ldif") && type != QLatin1String("csv");
}

Result<std::unique_ptr<Directory::DirectorySource>> createDirectorySource(const QJsonObject &directory,
                                                                          const QString &bindPassword)
{
    using Out = Result<std::unique_ptr<Directory::DirectorySource>>;
    const QString type = directory.value(QLatin1String("type")).toString();
    const QString path = directory.value(QLatin1String("path")).toString();
    if (type == QLatin1String("ldif") || type == QLatin1String("csv")) {
        if (path.isEmpty()) {
            return Out::failure(Error{QStringLiteral("profile.directory"),
                                      SyncSettings::tr("The profile names no directory file. Choose the LDIF or CSV "
                                                       "file in the profile's directory settings."),
                                      {},
                                      {}});
        }
        if (type == QLatin1String("ldif")) {
            return Out::success(std::make_unique<Directory::LdifSource>(path));
        }
        Result<Directory::CsvOptions> options = Directory::CsvOptions::fromJson(directory);
        if (!options.ok()) {
            return Out::failure(options.error);
        }
        return Out::success(std::make_unique<Directory::CsvSource>(path, options.value));
    }
    Directory::LdapPreset preset;
    if (type == QLatin1String("openldap")) {
        preset = Directory::LdapPreset::OpenLdap;
    } else if (type == QLatin1String("activedirectory")) {
        preset = Directory::LdapPreset::ActiveDirectory;
    } else if (type == QLatin1String("univention")) {
        preset = Directory::LdapPreset::Univention;
    } else if (type == QLatin1String("389ds")) {
        preset = Directory::LdapPreset::Ds389;
    } else {
        return Out::failure(
            Error{QStringLiteral("profile.directory"),
                  type.isEmpty() ? SyncSettings::tr("The profile has no directory yet. Set one up in the wizard.")
                                 : SyncSettings::tr("The directory type \"%1\" is unknown. Use ldif, csv, openldap, "
                                                    "activedirectory, univention or 389ds.")
                                       .arg(type),
                  {},
                  {}});
    }
    Directory::LdapConfig config = Directory::LdapConfig::fromPreset(preset);
    config.url = directory.value(QLatin1String("url")).toString();
    const QString tls = directory.value(QLatin1String("tls")).toString();
    if (tls == QLatin1String("none")) {
        config.tls = Directory::LdapConfig::Tls::None;
    } else if (tls == QLatin1String("ldaps")
               || (tls.isEmpty() && config.url.startsWith(QLatin1String("ldaps://"), Qt::CaseInsensitive))) {
        config.tls = Directory::LdapConfig::Tls::Ldaps;
    } else {
        config.tls = Directory::LdapConfig::Tls::StartTls;
    }
    config.caFile = directory.value(QLatin1String("caFile")).toString();
    config.bindDn = directory.value(QLatin1String("bindDn")).toString();
    config.baseDn = directory.value(QLatin1String("baseDn")).toString();
    const QString anchor = directory.value(QLatin1String("anchor")).toString();
    if (!anchor.isEmpty()) {
        config.anchorAttribute = anchor;
        if (preset == Directory::LdapPreset::ActiveDirectory
            && anchor.compare(QLatin1String("mS-DS-ConsistencyGuid"), Qt::CaseInsensitive) == 0) {
            config.anchorFallback = QStringLiteral("objectGUID");
        }
    }
    if (directory.contains(QLatin1String("userFilter"))) {
        config.userFilter = directory.value(QLatin1String("userFilter")).toString();
    }
    if (directory.contains(QLatin1String("groupFilter"))) {
        config.groupFilter = directory.value(QLatin1String("groupFilter")).toString();
    }
    config.userContainers =
        Directory::ContainerScope::fromJson(directory.value(QLatin1String("userContainers")).toObject());
    config.groupContainers =
        Directory::ContainerScope::fromJson(directory.value(QLatin1String("groupContainers")).toObject());
    return Out::success(std::make_unique<Directory::LdapSource>(config, bindPassword));
}

} // namespace M365::Sync
