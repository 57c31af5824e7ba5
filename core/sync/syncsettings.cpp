// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "syncsettings.h"

#include "directory/csvsource.h"
#include "directory/ldapconfig.h"
#include "directory/ldapsource.h"
#include "directory/ldifsource.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTime>

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

/// What a JSON value is, in the words of a validation message.
QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return SyncSettings::tr("null");
    case QJsonValue::Bool:
        return SyncSettings::tr("true or false");
    case QJsonValue::Double:
        return SyncSettings::tr("a number");
    case QJsonValue::String:
        return SyncSettings::tr("a string");
    case QJsonValue::Array:
        return SyncSettings::tr("a list");
    case QJsonValue::Object:
        return SyncSettings::tr("an object");
    case QJsonValue::Undefined:
        break;
    }
    return SyncSettings::tr("nothing");
}

/**
 * Collects the problems of a hand-written "sync" object, each with its JSON path. fromJson() is lenient the way a
 * profile file written by the app needs (absent members keep their defaults, a wrong type reads as the default), which
 * would hide an admin's typo; this walks the same members strictly.
 */
class SettingsValidator
{
public:
    QStringList problems;

    void add(const QString &path, const QString &problem) { problems.append(path + QStringLiteral(": ") + problem); }

    /// False, with the problem noted, when @p value is not of @p type.
    bool expect(const QString &path, const QJsonValue &value, QJsonValue::Type type)
    {
        if (value.type() == type) {
            return true;
        }
        QJsonValue example;
        switch (type) {
        case QJsonValue::Bool:
            example = true;
            break;
        case QJsonValue::Double:
            example = 0;
            break;
        case QJsonValue::String:
            example = QString();
            break;
        case QJsonValue::Array:
            example = QJsonArray();
            break;
        default:
            example = QJsonObject();
            break;
        }
        add(path, SyncSettings::tr("expected %1, found %2").arg(typeName(example), typeName(value)));
        return false;
    }

    /// Notes every member of @p object that is not in @p known.
    void onlyKnown(const QString &path, const QJsonObject &object, const QStringList &known)
    {
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!known.contains(it.key())) {
                add(path + QLatin1Char('.') + it.key(),
                    SyncSettings::tr("unknown member; the members here are %1").arg(known.join(QStringLiteral(", "))));
            }
        }
    }

    void stringList(const QString &path, const QJsonValue &value)
    {
        if (!expect(path, value, QJsonValue::Array)) {
            return;
        }
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            expect(path + QStringLiteral("[%1]").arg(i), array.at(i), QJsonValue::String);
        }
    }

    void guid(const QString &path, const QJsonValue &value, bool emptyAllowed)
    {
        if (expect(path, value, QJsonValue::String) && !(emptyAllowed && value.toString().trimmed().isEmpty())
            && !isGuid(value.toString().trimmed())) {
            add(path,
                SyncSettings::tr("\"%1\" is not a GUID such as 6fd2c87f-b296-42f0-b197-1e91e994b900")
                    .arg(value.toString()));
        }
    }

    void rules(const QString &path, const QJsonValue &value)
    {
        if (!expect(path, value, QJsonValue::Object)) {
            return;
        }
        const QJsonObject json = value.toObject();
        onlyKnown(path,
                  json,
                  {str("rules"),
                   str("upnTemplate"),
                   str("domain"),
                   str("upnSuffixes"),
                   str("defaultUsageLocation"),
                   str("countryAttributes"),
                   str("anonymizeSalt")});
        if (json.contains(QLatin1String("rules"))
            && expect(path + str(".rules"), json.value(str("rules")), QJsonValue::Array)) {
            const QJsonArray array = json.value(str("rules")).toArray();
            for (qsizetype i = 0; i < array.size(); ++i) {
                attributeRule(path + QStringLiteral(".rules[%1]").arg(i), array.at(i));
            }
        }
        for (const char *member : {"upnTemplate", "domain", "defaultUsageLocation", "anonymizeSalt"}) {
            if (json.contains(QLatin1String(member))) {
                expect(path + QLatin1Char('.') + str(member), json.value(QLatin1String(member)), QJsonValue::String);
            }
        }
        const QString location = json.value(str("defaultUsageLocation")).toString();
        static const QRegularExpression twoLetters(QStringLiteral("^[A-Za-z]{2}$"));
        if (!location.isEmpty() && !twoLetters.match(location).hasMatch()) {
            add(path + str(".defaultUsageLocation"),
                SyncSettings::tr("\"%1\" is not a two-letter country code such as DE or US").arg(location));
        }
        if (json.contains(QLatin1String("upnSuffixes"))
            && expect(path + str(".upnSuffixes"), json.value(str("upnSuffixes")), QJsonValue::Object)) {
            const QJsonObject suffixes = json.value(str("upnSuffixes")).toObject();
            for (auto it = suffixes.constBegin(); it != suffixes.constEnd(); ++it) {
                expect(path + str(".upnSuffixes.") + it.key(), it.value(), QJsonValue::String);
            }
        }
        if (json.contains(QLatin1String("countryAttributes"))) {
            stringList(path + str(".countryAttributes"), json.value(str("countryAttributes")));
        }
    }

    void attributeRule(const QString &path, const QJsonValue &value)
    {
        if (!expect(path, value, QJsonValue::Object)) {
            return;
        }
        const QJsonObject rule = value.toObject();
        onlyKnown(path, rule, {str("directoryAttribute"), str("graphProperty"), str("mode"), str("staticValue")});
        for (auto it = rule.constBegin(); it != rule.constEnd(); ++it) {
            expect(path + QLatin1Char('.') + it.key(), it.value(), QJsonValue::String);
        }
        AttributeRule::Mode mode = AttributeRule::Sync;
        if (rule.contains(QLatin1String("mode"))
            && !AttributeRule::modeFromName(rule.value(str("mode")).toString(), &mode)) {
            add(path + str(".mode"),
                SyncSettings::tr("\"%1\" is not a mode; use sync, anonymize, static or never")
                    .arg(rule.value(str("mode")).toString()));
            return;
        }
        if (mode != AttributeRule::Never && rule.value(str("graphProperty")).toString().isEmpty()) {
            add(path + str(".graphProperty"), SyncSettings::tr("missing: name the Microsoft 365 property to write"));
        }
        if (mode == AttributeRule::Sync && rule.value(str("directoryAttribute")).toString().isEmpty()) {
            add(path + str(".directoryAttribute"),
                SyncSettings::tr("missing: a sync rule names the directory attribute to read (\"a|b\" for the first "
                                 "one present)"));
        }
        if (mode != AttributeRule::Static && rule.contains(QLatin1String("staticValue"))) {
            add(path + str(".staticValue"), SyncSettings::tr("only a rule with \"mode\": \"static\" has a value"));
        }
    }

    void scope(const QString &path, const QJsonValue &value)
    {
        if (!expect(path, value, QJsonValue::Object)) {
            return;
        }
        const QJsonObject json = value.toObject();
        onlyKnown(path, json, {str("filter"), str("groups")});
        if (json.contains(QLatin1String("filter"))
            && expect(path + str(".filter"), json.value(str("filter")), QJsonValue::String)) {
            const Result<Scope> parsed = Scope::fromFilter(json.value(str("filter")).toString());
            if (!parsed.ok()) {
                add(path + str(".filter"),
                    parsed.error.details.isEmpty()
                        ? parsed.error.userMessage
                        : parsed.error.userMessage + QLatin1Char(' ') + parsed.error.details);
            }
        }
        if (json.contains(QLatin1String("groups"))) {
            stringList(path + str(".groups"), json.value(str("groups")));
        }
    }

    void guard(const QString &path, const QJsonValue &value)
    {
        if (!expect(path, value, QJsonValue::Object)) {
            return;
        }
        const QJsonObject json = value.toObject();
        onlyKnown(path, json, {str("count"), str("percent")});
        if (json.contains(QLatin1String("count")) && json.contains(QLatin1String("percent"))) {
            add(path, SyncSettings::tr("give either \"count\" or \"percent\", not both"));
        }
        if (json.contains(QLatin1String("count"))
            && expect(path + str(".count"), json.value(str("count")), QJsonValue::Double)) {
            const double count = json.value(str("count")).toDouble();
            if (count < 0 || count != std::floor(count)) {
                add(path + str(".count"), SyncSettings::tr("expected a whole number of 0 or more"));
            }
        }
        if (json.contains(QLatin1String("percent"))
            && expect(path + str(".percent"), json.value(str("percent")), QJsonValue::Double)) {
            const double percent = json.value(str("percent")).toDouble();
            if (percent < 0 || percent > 100) {
                add(path + str(".percent"), SyncSettings::tr("expected a percentage from 0 to 100"));
            }
        }
    }

    void schedule(const QString &path, const QJsonValue &value)
    {
        if (!expect(path, value, QJsonValue::Object)) {
            return;
        }
        const QJsonObject json = value.toObject();
        onlyKnown(path, json, {str("enabled"), str("every"), str("at")});
        if (json.contains(QLatin1String("enabled"))) {
            expect(path + str(".enabled"), json.value(str("enabled")), QJsonValue::Bool);
        }
        if (json.contains(QLatin1String("every"))
            && expect(path + str(".every"), json.value(str("every")), QJsonValue::String)) {
            const QString every = json.value(str("every")).toString();
            if (every != QLatin1String("hour") && every != QLatin1String("4hours") && every != QLatin1String("day")) {
                add(path + str(".every"), SyncSettings::tr("\"%1\" is not hour, 4hours or day").arg(every));
            }
        }
        if (json.contains(QLatin1String("at")) && expect(path + str(".at"), json.value(str("at")), QJsonValue::String)
            && !QTime::fromString(json.value(str("at")).toString(), QStringLiteral("HH:mm")).isValid()) {
            add(path + str(".at"),
                SyncSettings::tr("\"%1\" is not a time such as 02:30").arg(json.value(str("at")).toString()));
        }
    }

    void exclusions(const QString &path, const QJsonValue &value)
    {
        if (!expect(path, value, QJsonValue::Array)) {
            return;
        }
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString itemPath = path + QStringLiteral("[%1]").arg(i);
            if (!expect(itemPath, array.at(i), QJsonValue::Object)) {
                continue;
            }
            const QJsonObject item = array.at(i).toObject();
            onlyKnown(itemPath, item, {str("type"), str("key"), str("name"), str("since")});
            for (auto it = item.constBegin(); it != item.constEnd(); ++it) {
                expect(itemPath + QLatin1Char('.') + it.key(), it.value(), QJsonValue::String);
            }
            const QString type = item.value(str("type")).toString();
            if (type != QLatin1String("user") && type != QLatin1String("group")) {
                add(itemPath + str(".type"), SyncSettings::tr("expected \"user\" or \"group\""));
            }
            const QString key = item.value(str("key")).toString();
            if (key.size() < 3 || !(key.startsWith(QLatin1String("a:")) || key.startsWith(QLatin1String("c:")))) {
                add(itemPath + str(".key"),
                    SyncSettings::tr("expected \"a:\" and a directory anchor, or \"c:\" and a cloud object ID"));
            }
        }
    }
};
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

QStringList SyncSettings::validate(const QJsonObject &json, const QString &root)
{
    SettingsValidator v;
    v.onlyKnown(root,
                json,
                {str("rules"),
                 str("scope"),
                 str("groupScope"),
                 str("softMatch"),
                 str("hardDelete"),
                 str("syncGroups"),
                 str("defaultSkuId"),
                 str("skuByGroup"),
                 str("licenceGroups"),
                 str("disablePrefix"),
                 str("deletionGuard"),
                 str("schedule"),
                 str("exclusions")});
    const auto path = [&root](const char *member) -> QString {
        return root + QLatin1Char('.') + str(member);
    };
    const auto has = [&json](const char *member) {
        return json.contains(QLatin1String(member));
    };
    const auto value = [&json](const char *member) {
        return json.value(QLatin1String(member));
    };
    if (has("rules")) {
        v.rules(path("rules"), value("rules"));
    }
    for (const char *member : {"scope", "groupScope"}) {
        if (has(member)) {
            v.scope(path(member), value(member));
        }
    }
    for (const char *member : {"softMatch", "hardDelete", "syncGroups"}) {
        if (has(member)) {
            v.expect(path(member), value(member), QJsonValue::Bool);
        }
    }
    if (has("defaultSkuId")) {
        v.guid(path("defaultSkuId"), value("defaultSkuId"), true);
    }
    if (has("skuByGroup") && v.expect(path("skuByGroup"), value("skuByGroup"), QJsonValue::Object)) {
        const QJsonObject skus = value("skuByGroup").toObject();
        for (auto it = skus.constBegin(); it != skus.constEnd(); ++it) {
            v.guid(path("skuByGroup") + QLatin1Char('.') + it.key(), it.value(), false);
        }
    }
    if (has("licenceGroups") && v.expect(path("licenceGroups"), value("licenceGroups"), QJsonValue::Object)) {
        const QJsonObject groups = value("licenceGroups").toObject();
        for (auto it = groups.constBegin(); it != groups.constEnd(); ++it) {
            const QString memberPath = path("licenceGroups") + QLatin1Char('.') + it.key();
            if (!isGuid(it.key())) {
                v.add(memberPath, tr("the key must be a SKU ID (a GUID)"));
            }
            v.guid(memberPath, it.value(), false);
        }
    }
    if (has("disablePrefix") && v.expect(path("disablePrefix"), value("disablePrefix"), QJsonValue::String)
        && value("disablePrefix").toString().isEmpty()) {
        v.add(path("disablePrefix"), tr("must not be empty: it is how m365sync recognises disabled objects"));
    }
    if (has("deletionGuard")) {
        v.guard(path("deletionGuard"), value("deletionGuard"));
    }
    if (has("schedule")) {
        v.schedule(path("schedule"), value("schedule"));
    }
    if (has("exclusions")) {
        v.exclusions(path("exclusions"), value("exclusions"));
    }
    if (v.problems.isEmpty()) {
        // What the strict walk does not know about (UPN suffix rewrites, …): fromJson() has the last word.
        const Result<SyncSettings> read = fromJson(json);
        if (!read.ok()) {
            v.add(root,
                  read.error.details.isEmpty() ? read.error.userMessage
                                               : read.error.userMessage + QLatin1Char(' ') + read.error.details);
        }
    }
    return v.problems;
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
