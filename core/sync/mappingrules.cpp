// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mappingrules.h"

#include "synclog.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSet>

namespace M365::Sync {

Q_LOGGING_CATEGORY(lcSync, "m365.core.sync")

namespace {

constexpr int MaxAliasLength = 64;

const QString &upnProperty()
{
    static const QString name = QStringLiteral("userPrincipalName");
    return name;
}

const QString &nicknameProperty()
{
    static const QString name = QStringLiteral("mailNickname");
    return name;
}

const QString &usageLocationProperty()
{
    static const QString name = QStringLiteral("usageLocation");
    return name;
}

const QString &accountEnabledProperty()
{
    static const QString name = QStringLiteral("accountEnabled");
    return name;
}

AttributeRule rule(const char *attribute, const char *property)
{
    return AttributeRule{QString::fromLatin1(attribute), QString::fromLatin1(property), AttributeRule::Sync, {}};
}

/// Characters Graph accepts in a UPN's alias besides ASCII letters and digits.
bool isAllowedAliasChar(QChar c)
{
    const ushort u = c.unicode();
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) {
        return true;
    }
    switch (u) {
    case '\'':
    case '.':
    case '-':
    case '_':
    case '!':
    case '#':
    case '^':
    case '~':
        return true;
    default:
        return false;
    }
}

/// Letters whose usual ASCII spelling is not what dropping the accent gives (German umlauts) or that have no
/// decomposition at all (ø, ł, æ).
QString transliterate(QChar c)
{
    switch (c.unicode()) {
    case 0x00E4: // ä
        return QStringLiteral("ae");
    case 0x00F6: // ö
        return QStringLiteral("oe");
    case 0x00FC: // ü
        return QStringLiteral("ue");
    case 0x00C4: // Ä
        return QStringLiteral("Ae");
    case 0x00D6: // Ö
        return QStringLiteral("Oe");
    case 0x00DC: // Ü
        return QStringLiteral("Ue");
    case 0x00DF: // ß
        return QStringLiteral("ss");
    case 0x1E9E: // ẞ
        return QStringLiteral("SS");
    case 0x00E6: // æ
        return QStringLiteral("ae");
    case 0x00C6: // Æ
        return QStringLiteral("AE");
    case 0x0153: // œ
        return QStringLiteral("oe");
    case 0x0152: // Œ
        return QStringLiteral("OE");
    case 0x00F8: // ø
        return QStringLiteral("o");
    case 0x00D8: // Ø
        return QStringLiteral("O");
    case 0x0142: // ł
        return QStringLiteral("l");
    case 0x0141: // Ł
        return QStringLiteral("L");
    case 0x0111: // đ
        return QStringLiteral("d");
    case 0x0110: // Đ
        return QStringLiteral("D");
    case 0x00FE: // þ
        return QStringLiteral("th");
    case 0x00DE: // Þ
        return QStringLiteral("Th");
    case 0x0131: // ı (Turkish dotless i, which NFKD leaves alone)
        return QStringLiteral("i");
    default:
        return QString(c);
    }
}

/// The alias part of a UPN or a mailNickname; empty when nothing usable is left.
QString normalizeAlias(const QString &text)
{
    // The usual alias (a uid, a mail's local part) is already clean: every character allowed, no leading, trailing or
    // doubled dot, not too long. The steps below would return it unchanged, so return it without copying.
    bool clean = !text.isEmpty() && text.size() <= MaxAliasLength && !text.startsWith(QLatin1Char('.'))
        && !text.endsWith(QLatin1Char('.'));
    for (qsizetype i = 0; clean && i < text.size(); ++i) {
        const QChar c = text.at(i);
        clean = isAllowedAliasChar(c) && !(c == QLatin1Char('.') && text.at(i - 1) == QLatin1Char('.'));
    }
    if (clean) {
        return text;
    }
    QString expanded;
    expanded.reserve(text.size() + 4);
    for (const QChar c : text) {
        expanded += transliterate(c);
    }
    const QString decomposed = expanded.normalized(QString::NormalizationForm_KD);
    QString out;
    out.reserve(decomposed.size());
    for (const QChar c : decomposed) {
        if (c.isMark()) {
            continue; // the accents NFKD split off
        }
        QChar ch = c.isSpace() ? QLatin1Char('.') : c;
        if (!isAllowedAliasChar(ch)) {
            continue;
        }
        if (ch == QLatin1Char('.') && (out.isEmpty() || out.endsWith(QLatin1Char('.')))) {
            continue; // no leading or doubled dots
        }
        out += ch;
    }
    if (out.size() > MaxAliasLength) {
        out.truncate(MaxAliasLength);
    }
    while (out.endsWith(QLatin1Char('.'))) {
        out.chop(1);
    }
    return out;
}

bool isValidDomain(const QString &domain)
{
    if (domain.isEmpty() || !domain.contains(QLatin1Char('.')) || domain.startsWith(QLatin1Char('.'))
        || domain.endsWith(QLatin1Char('.')) || domain.contains(QLatin1String(".."))) {
        return false;
    }
    for (const QChar c : domain) {
        const ushort u = c.unicode();
        if (!((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '.')) {
            return false;
        }
    }
    return true;
}

bool isTwoLetters(const QString &text)
{
    return text.size() == 2 && text.at(0).isLetter() && text.at(1).isLetter() && text.at(0).unicode() < 128
        && text.at(1).unicode() < 128;
}

QStringList splitAlternatives(const QString &attributes)
{
    QStringList out;
    for (const QString &part : attributes.split(QLatin1Char('|'), Qt::SkipEmptyParts)) {
        out.append(part.trimmed().toLower());
    }
    return out;
}

} // namespace

QString AttributeRule::modeName(Mode mode)
{
    switch (mode) {
    case Sync:
        return QStringLiteral("sync");
    case Anonymize:
        return QStringLiteral("anonymize");
    case Static:
        return QStringLiteral("static");
    case Never:
        return QStringLiteral("never");
    }
    return QStringLiteral("sync");
}

bool AttributeRule::modeFromName(const QString &name, Mode *mode)
{
    for (Mode m : {Sync, Anonymize, Static, Never}) {
        if (name.compare(modeName(m), Qt::CaseInsensitive) == 0) {
            *mode = m;
            return true;
        }
    }
    return false;
}

namespace {

enum class NotWritable { No, ReadOnly, ProxyAddresses, ImAddresses, ExtensionAttributes, Licences, ImmutableId };

struct CapabilityEntry
{
    const char *property;
    NotWritable why;
};

/*
 * The capability list. Sources: microsoft-graph-docs-contrib api-reference/v1.0/resources/user.md (the properties
 * table: "Read-only" and what the description says) and api-reference/v1.0/api/user-update.md (the properties a
 * PATCH may carry); "user.md" below means the first.
 */
constexpr CapabilityEntry capabilityEntries[] = {
    {"displayName", NotWritable::No},
    {"givenName", NotWritable::No},
    {"surname", NotWritable::No},
    {"jobTitle", NotWritable::No},
    {"department", NotWritable::No},
    {"companyName", NotWritable::No},
    {"employeeId", NotWritable::No},
    {"employeeType", NotWritable::No},
    {"officeLocation", NotWritable::No},
    {"streetAddress", NotWritable::No},
    {"city", NotWritable::No},
    {"postalCode", NotWritable::No},
    {"state", NotWritable::No},
    {"country", NotWritable::No},
    {"usageLocation", NotWritable::No},
    {"preferredLanguage", NotWritable::No},
    // user.md: read-only only "for users synced from on-premises directory", which this app's users are not.
    {"businessPhones", NotWritable::No},
    {"mobilePhone", NotWritable::No},
    {"faxNumber", NotWritable::No},
    // user.md: mail is writable ("Changes to this property will also update the user's proxyAddresses collection to
    // include the value as an SMTP address").
    {"mail", NotWritable::No},
    {"otherMails", NotWritable::No},
    {"mailNickname", NotWritable::No},
    {"userPrincipalName", NotWritable::No},
    // A relationship written through manager/$ref (api-reference/v1.0/api/user-post-manager.md).
    {"manager", NotWritable::No},
    // user.md: proxyAddresses "Read-only, Not nullable"; only mail adds to it.
    {"proxyAddresses", NotWritable::ProxyAddresses},
    // user.md: imAddresses "Read-only".
    {"imAddresses", NotWritable::ImAddresses},
    // user.md, onPremisesExtensionAttributes: read-only for an onPremisesSyncEnabled user, settable only for a
    // cloud-only one, and an object whose members a rule (one flat property) cannot name.
    {"onPremisesExtensionAttributes", NotWritable::ExtensionAttributes},
    // user.md: assignedLicenses changes through assignLicense (api-reference/v1.0/api/user-assignlicense.md).
    {"assignedLicenses", NotWritable::Licences},
    // Written by the planner from the directory anchor; a rule for it would fight the anchor.
    {"onPremisesImmutableId", NotWritable::ImmutableId},
    // user.md marks each of these "Read-only".
    {"id", NotWritable::ReadOnly},
    {"assignedPlans", NotWritable::ReadOnly},
    {"provisionedPlans", NotWritable::ReadOnly},
    {"licenseAssignmentStates", NotWritable::ReadOnly},
    {"createdDateTime", NotWritable::ReadOnly},
    {"creationType", NotWritable::ReadOnly},
    {"securityIdentifier", NotWritable::ReadOnly},
    {"signInActivity", NotWritable::ReadOnly},
    {"onPremisesSyncEnabled", NotWritable::ReadOnly},
    {"onPremisesDistinguishedName", NotWritable::ReadOnly},
    {"onPremisesDomainName", NotWritable::ReadOnly},
    {"onPremisesSamAccountName", NotWritable::ReadOnly},
    {"onPremisesSecurityIdentifier", NotWritable::ReadOnly},
    {"onPremisesUserPrincipalName", NotWritable::ReadOnly},
    {"onPremisesLastSyncDateTime", NotWritable::ReadOnly},
};

/// extensionAttribute1 … extensionAttribute15, the members of onPremisesExtensionAttributes.
bool isExtensionAttribute(const QString &property)
{
    static const QRegularExpression pattern(QStringLiteral("^extensionAttribute([1-9]|1[0-5])$"),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern.match(property).hasMatch();
}

NotWritable notWritable(const QString &property)
{
    if (isExtensionAttribute(property)) {
        return NotWritable::ExtensionAttributes;
    }
    for (const CapabilityEntry &entry : capabilityEntries) {
        if (property.compare(QLatin1String(entry.property), Qt::CaseInsensitive) == 0) {
            return entry.why;
        }
    }
    return NotWritable::No;
}

QString reasonFor(NotWritable why, const QString &property)
{
    switch (why) {
    case NotWritable::No:
        return {};
    case NotWritable::ReadOnly:
        return MappingRules::tr("%1 is read-only in Microsoft Graph: Microsoft 365 sets it, no rule can.")
            .arg(property);
    case NotWritable::ProxyAddresses:
        return MappingRules::tr(
            "proxyAddresses is read-only in Microsoft Graph; map the address to mail instead (Entra "
            "ID then adds it to proxyAddresses as an SMTP address) or to otherMails.");
    case NotWritable::ImAddresses:
        return MappingRules::tr("imAddresses is read-only in Microsoft Graph; map the address to otherMails to keep it "
                                "in Microsoft 365.");
    case NotWritable::ExtensionAttributes:
        return MappingRules::tr(
            "Extension attributes 1–15 are read-only in Microsoft Graph for users synchronized from "
            "on-premises and this app does not write them; set them in Active Directory or "
            "Exchange instead.");
    case NotWritable::Licences:
        return MappingRules::tr("Licences are assigned, not written as a property; choose them on the Licences tab "
                                "instead.");
    case NotWritable::ImmutableId:
        return MappingRules::tr("onPremisesImmutableId is written by m365sync itself from the directory anchor.");
    }
    return {};
}

} // namespace

QList<PropertyCapability> MappingRules::capabilities()
{
    QList<PropertyCapability> out;
    for (const CapabilityEntry &entry : capabilityEntries) {
        const QString property = QString::fromLatin1(entry.property);
        out.append({property, entry.why == NotWritable::No, reasonFor(entry.why, property)});
        if (entry.why == NotWritable::ExtensionAttributes) {
            const QString members = QStringLiteral("extensionAttribute1–15");
            out.append({members, false, reasonFor(entry.why, members)});
        }
    }
    return out;
}

PropertyCapability MappingRules::capability(const QString &graphProperty)
{
    const NotWritable why = notWritable(graphProperty);
    return {graphProperty, why == NotWritable::No, reasonFor(why, graphProperty)};
}

QString MappingRules::notWritableReason(const QString &graphProperty)
{
    return capability(graphProperty).reason;
}

QList<RuleWarning> MappingRules::warnings() const
{
    QList<RuleWarning> out;
    for (int i = 0; i < rules.size(); ++i) {
        const AttributeRule &r = rules[i];
        if (r.mode == AttributeRule::Never || r.graphProperty.isEmpty()) {
            continue; // writes nothing
        }
        const QString reason = notWritableReason(r.graphProperty);
        if (!reason.isEmpty()) {
            out.append({i, r.graphProperty, tr("Not written: %1").arg(reason)});
        }
    }
    return out;
}

bool isCollectionProperty(const QString &graphProperty)
{
    return graphProperty == QLatin1String("businessPhones") || graphProperty == QLatin1String("otherMails")
        || graphProperty == QLatin1String("imAddresses");
}

bool MappedValue::isEmpty() const
{
    switch (type) {
    case Null:
        return true;
    case String:
        return text.isEmpty();
    case Bool:
        return false;
    case Strings:
        return list.isEmpty();
    }
    return true;
}

QJsonValue MappedValue::toJson() const
{
    switch (type) {
    case Null:
        return QJsonValue(QJsonValue::Null);
    case String:
        return text;
    case Bool:
        return flag;
    case Strings:
        return QJsonArray::fromStringList(list);
    }
    return QJsonValue(QJsonValue::Null);
}

bool MappedValue::sameAs(const QJsonValue &cloud) const
{
    // Absent, null, "" and [] all mean "no value". Each cloud value is converted once: a string or an array read out
    // of a QJsonValue is a fresh copy, and this runs for every managed property of every user.
    switch (cloud.type()) {
    case QJsonValue::Undefined:
    case QJsonValue::Null:
        return isEmpty();
    case QJsonValue::String: {
        const QString s = cloud.toString();
        if (s.isEmpty() || isEmpty()) {
            return s.isEmpty() && isEmpty();
        }
        return type == String && s == text;
    }
    case QJsonValue::Array: {
        const QJsonArray array = cloud.toArray();
        if (array.isEmpty() || isEmpty()) {
            return array.isEmpty() && isEmpty();
        }
        if (type != Strings || array.size() != list.size()) {
            return false;
        }
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (array.at(i).toString() != list.at(i)) {
                return false;
            }
        }
        return true;
    }
    case QJsonValue::Bool:
        return type == Bool && cloud.toBool() == flag;
    case QJsonValue::Double:
    case QJsonValue::Object:
        return false;
    }
    return false;
}

QJsonValue MappedUser::value(const QString &property) const
{
    for (const MappedProperty &p : properties) {
        if (p.name == property) {
            return p.value.toJson();
        }
    }
    return QJsonValue(QJsonValue::Undefined);
}

QString MappedUser::text(const QString &property) const
{
    for (const MappedProperty &p : properties) {
        if (p.name == property) {
            return p.value.text;
        }
    }
    return {};
}

QJsonObject MappedUser::toObject() const
{
    QJsonObject out;
    for (const MappedProperty &p : properties) {
        out.insert(p.name, p.value.toJson());
    }
    return out;
}

MappingRules MappingRules::defaults(Preset preset)
{
    MappingRules r;
    if (preset == Preset::ActiveDirectory) {
        r.rules = {rule("givenName", "givenName"),
                   rule("sn", "surname"),
                   rule("displayName|cn", "displayName"),
                   rule("title", "jobTitle"),
                   rule("department", "department"),
                   rule("company", "companyName"),
                   rule("employeeID|employeeNumber", "employeeId"),
                   rule("telephoneNumber", "businessPhones"),
                   rule("mobile", "mobilePhone"),
                   rule("streetAddress|street", "streetAddress"),
                   rule("l", "city"),
                   rule("postalCode", "postalCode"),
                   rule("st", "state"),
                   rule("co|c", "country"),
                   rule("physicalDeliveryOfficeName", "officeLocation"),
                   rule("manager", "manager"),
                   rule("mail", "otherMails")};
        r.upnTemplate = QStringLiteral("{sAMAccountName}@{domain}");
    } else {
        r.rules = {rule("givenName", "givenName"),
                   rule("sn", "surname"),
                   rule("displayName|cn", "displayName"),
                   rule("title", "jobTitle"),
                   rule("departmentNumber|ou", "department"),
                   rule("o", "companyName"),
                   rule("employeeNumber|employeeID", "employeeId"),
                   rule("telephoneNumber", "businessPhones"),
                   rule("mobile", "mobilePhone"),
                   rule("street", "streetAddress"),
                   rule("l", "city"),
                   rule("postalCode", "postalCode"),
                   rule("st", "state"),
                   rule("co|c", "country"),
                   rule("physicalDeliveryOfficeName|roomNumber", "officeLocation"),
                   rule("manager", "manager"),
                   // Graph's `mail` is writable, but it becomes the primary SMTP address in proxyAddresses; by
                   // default the directory's address is only recorded, in otherMails (map it to mail to change that).
                   rule("mail", "otherMails")};
    }
    return r;
}

bool MappingRules::isNever(const QString &graphProperty) const
{
    for (const AttributeRule &r : rules) {
        if (r.mode == AttributeRule::Never && r.graphProperty == graphProperty) {
            return true;
        }
    }
    return false;
}

QStringList MappingRules::managedProperties() const
{
    QStringList out;
    for (const AttributeRule &r : rules) {
        if (r.mode != AttributeRule::Never && !r.graphProperty.isEmpty() && !isNever(r.graphProperty)
            && !out.contains(r.graphProperty) && notWritable(r.graphProperty) == NotWritable::No) {
            out.append(r.graphProperty);
        }
    }
    for (const QString *p : {&upnProperty(), &nicknameProperty(), &accountEnabledProperty()}) {
        if (!isNever(*p) && !out.contains(*p)) {
            out.append(*p);
        }
    }
    if (!isNever(usageLocationProperty()) && !out.contains(usageLocationProperty())) {
        out.append(usageLocationProperty());
    }
    return out;
}

MappedUser MappingRules::map(const Directory::DirectoryEntry &entry) const
{
    return UserMapper(*this).map(entry);
}

UpnResult MappingRules::normalizeUpn(const QString &text, const QString &defaultDomain)
{
    const QString trimmed = text.trimmed();
    const int at = int(trimmed.lastIndexOf(QLatin1Char('@')));
    const QString localText = at >= 0 ? trimmed.left(at) : trimmed;
    const QString domain = (at >= 0 ? trimmed.mid(at + 1) : defaultDomain).trimmed().toLower();
    if (domain.isEmpty()) {
        return {{}, MappingRules::tr("no domain for the user name (set the profile's domain)")};
    }
    if (!isValidDomain(domain)) {
        return {{}, MappingRules::tr("\"%1\" is not a valid domain for a user name").arg(domain)};
    }
    const QString alias = normalizeAlias(localText);
    if (alias.isEmpty()) {
        return {{}, MappingRules::tr("\"%1\" leaves no characters Microsoft 365 allows in a user name").arg(localText)};
    }
    return {alias + QLatin1Char('@') + domain, {}};
}

UpnResult MappingRules::normalizeMailNickname(const QString &text)
{
    const int at = int(text.lastIndexOf(QLatin1Char('@')));
    const QString alias = normalizeAlias(at >= 0 ? text.left(at) : text);
    if (alias.isEmpty()) {
        return {{}, MappingRules::tr("\"%1\" leaves no characters Microsoft 365 allows in a mail nickname").arg(text)};
    }
    return {alias, {}};
}

QString MappingRules::anonymizedValue(const QByteArray &salt, const QString &anchor, const QString &graphProperty)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, salt);
    mac.addData(anchor.toUtf8());
    mac.addData("\x1f", 1);
    mac.addData(graphProperty.toUtf8());
    return QStringLiteral("anon-") + QString::fromLatin1(mac.result().toHex().left(12));
}

QJsonObject MappingRules::toJson() const
{
    QJsonArray array;
    for (const AttributeRule &r : rules) {
        QJsonObject o{{QStringLiteral("directoryAttribute"), r.directoryAttribute},
                      {QStringLiteral("graphProperty"), r.graphProperty},
                      {QStringLiteral("mode"), AttributeRule::modeName(r.mode)}};
        if (r.mode == AttributeRule::Static) {
            o.insert(QStringLiteral("staticValue"), r.staticValue);
        }
        array.append(o);
    }
    QJsonObject suffixes;
    for (auto it = upnSuffixes.cbegin(); it != upnSuffixes.cend(); ++it) {
        suffixes.insert(it.key(), it.value());
    }
    return QJsonObject{{QStringLiteral("rules"), array},
                       {QStringLiteral("upnTemplate"), upnTemplate},
                       {QStringLiteral("domain"), domain},
                       {QStringLiteral("upnSuffixes"), suffixes},
                       {QStringLiteral("defaultUsageLocation"), defaultUsageLocation},
                       {QStringLiteral("countryAttributes"), QJsonArray::fromStringList(countryAttributes)},
                       {QStringLiteral("anonymizeSalt"), QString::fromLatin1(anonymizeSalt.toBase64())}};
}

Result<MappingRules> MappingRules::fromJson(const QJsonObject &json)
{
    auto fail = [](const QString &details) {
        return Result<MappingRules>::failure(
            Error{QStringLiteral("sync.rules"),
                  MappingRules::tr("The attribute rules of this profile are not valid."),
                  details,
                  {}});
    };
    MappingRules r;
    r.rules.clear();
    const QJsonArray array = json.value(QLatin1String("rules")).toArray();
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        AttributeRule ar;
        ar.directoryAttribute = o.value(QLatin1String("directoryAttribute")).toString();
        ar.graphProperty = o.value(QLatin1String("graphProperty")).toString();
        const QString mode = o.value(QLatin1String("mode")).toString(QStringLiteral("sync"));
        if (!AttributeRule::modeFromName(mode, &ar.mode)) {
            return fail(QStringLiteral("unknown rule mode \"%1\"").arg(mode));
        }
        // Only a static rule has a value, as toJson() writes it: rules read from a file compare equal to the same
        // rules after a save.
        if (ar.mode == AttributeRule::Static) {
            ar.staticValue = o.value(QLatin1String("staticValue")).toString();
        }
        if (ar.graphProperty.isEmpty() && ar.mode != AttributeRule::Never) {
            return fail(QStringLiteral("a rule without a Graph property"));
        }
        if (ar.directoryAttribute.isEmpty() && ar.mode == AttributeRule::Sync) {
            return fail(QStringLiteral("the sync rule for %1 names no directory attribute").arg(ar.graphProperty));
        }
        r.rules.append(ar);
    }
    if (json.contains(QLatin1String("upnTemplate"))) {
        r.upnTemplate = json.value(QLatin1String("upnTemplate")).toString();
    }
    r.domain = json.value(QLatin1String("domain")).toString();
    const QJsonObject suffixes = json.value(QLatin1String("upnSuffixes")).toObject();
    for (auto it = suffixes.constBegin(); it != suffixes.constEnd(); ++it) {
        const QString from = it.key().trimmed().toLower();
        const QString to = it.value().toString().trimmed().toLower();
        if (!isValidDomain(from) || !isValidDomain(to)) {
            return fail(QStringLiteral("the UPN suffix rewrite \"%1\" → \"%2\" needs two domain names")
                            .arg(it.key(), it.value().toString()));
        }
        r.upnSuffixes.insert(from, to);
    }
    r.defaultUsageLocation = json.value(QLatin1String("defaultUsageLocation")).toString().toUpper();
    if (!r.defaultUsageLocation.isEmpty() && !isTwoLetters(r.defaultUsageLocation)) {
        return fail(QStringLiteral("default usage location \"%1\" is not two letters").arg(r.defaultUsageLocation));
    }
    if (json.contains(QLatin1String("countryAttributes"))) {
        r.countryAttributes.clear();
        for (const QJsonValue &v : json.value(QLatin1String("countryAttributes")).toArray()) {
            r.countryAttributes.append(v.toString());
        }
    }
    r.anonymizeSalt = QByteArray::fromBase64(json.value(QLatin1String("anonymizeSalt")).toString().toLatin1());
    return Result<MappingRules>::success(r);
}

bool MappingRules::operator==(const MappingRules &other) const
{
    return rules == other.rules && upnTemplate == other.upnTemplate && domain == other.domain
        && upnSuffixes == other.upnSuffixes && defaultUsageLocation == other.defaultUsageLocation
        && countryAttributes == other.countryAttributes && anonymizeSalt == other.anonymizeSalt;
}

UserMapper::UserMapper(const MappingRules &rules)
    : m_domain(rules.domain.trimmed().toLower())
    , m_upnSuffixes(rules.upnSuffixes)
    , m_defaultUsageLocation(rules.defaultUsageLocation.toUpper())
    , m_salt(rules.anonymizeSalt)
{
    // `never` wins: a never-rule on a Graph property removes every rule for it, a never-rule on a directory
    // attribute keeps that attribute out of every other rule (and out of the UPN template).
    QSet<QString> neverProperties;
    for (const AttributeRule &r : rules.rules) {
        if (r.mode != AttributeRule::Never) {
            continue;
        }
        if (!r.graphProperty.isEmpty()) {
            neverProperties.insert(r.graphProperty);
        }
        m_neverAttributes.append(splitAlternatives(r.directoryAttribute));
    }
    QSet<QString> seen;
    for (const AttributeRule &r : rules.rules) {
        if (r.mode == AttributeRule::Never || neverProperties.contains(r.graphProperty)
            || seen.contains(r.graphProperty)) {
            continue; // the first rule for a property wins over later ones
        }
        if (notWritable(r.graphProperty) != NotWritable::No) {
            continue; // never sent; MappingRules::warnings() tells the admin why
        }
        seen.insert(r.graphProperty);
        CompiledRule c;
        for (const QString &a : splitAlternatives(r.directoryAttribute)) {
            if (!m_neverAttributes.contains(a)) {
                c.attributes.append(a);
            }
        }
        c.property = r.graphProperty;
        c.mode = r.mode;
        c.staticValue = r.staticValue;
        c.collection = isCollectionProperty(r.graphProperty);
        c.singleValued = r.graphProperty == QLatin1String("businessPhones");
        m_rules.append(c);
    }
    for (const QString &a : rules.countryAttributes) {
        if (!m_neverAttributes.contains(a.toLower())) {
            m_countryAttributes.append(a.toLower());
        }
    }
    m_upnManaged = !neverProperties.contains(upnProperty());
    m_nicknameManaged = !neverProperties.contains(nicknameProperty());
    m_usageLocationManaged = !neverProperties.contains(usageLocationProperty());
    m_accountEnabledManaged = !neverProperties.contains(accountEnabledProperty());

    // "{uid}@{domain}" → [uid]["@"][domain]; {domain} is resolved here, the rest per entry.
    const QString &t = rules.upnTemplate;
    int pos = 0;
    while (pos < t.size()) {
        const int open = int(t.indexOf(QLatin1Char('{'), pos));
        const int close = open >= 0 ? int(t.indexOf(QLatin1Char('}'), open)) : -1;
        if (open < 0 || close < 0) {
            m_upnTemplate.append({false, t.mid(pos)});
            break;
        }
        if (open > pos) {
            m_upnTemplate.append({false, t.mid(pos, open - pos)});
        }
        const QString name = t.mid(open + 1, close - open - 1).trimmed().toLower();
        if (name == QLatin1String("domain")) {
            m_upnTemplate.append({false, m_domain});
        } else {
            m_upnTemplate.append({true, name});
        }
        pos = close + 1;
    }
}

Directory::AttributeMap::Values UserMapper::values(const Directory::DirectoryEntry &entry,
                                                   const QStringList &attributes) const
{
    for (const QString &a : attributes) {
        const Directory::AttributeMap::Values v = entry.attributes.values(a);
        if (!v.isEmpty()) {
            return v;
        }
    }
    return {};
}

UpnResult UserMapper::makeUpn(const Directory::DirectoryEntry &entry) const
{
    QString text;
    for (const Segment &s : m_upnTemplate) {
        if (!s.placeholder) {
            text += s.text;
            continue;
        }
        const Directory::AttributeMap::Values v =
            m_neverAttributes.contains(s.text) ? Directory::AttributeMap::Values() : entry.attributes.values(s.text);
        const QString value = v.isEmpty() ? QString() : v.first().trimmed();
        if (value.isEmpty()) {
            return {{}, MappingRules::tr("the attribute %1 that the user name rule needs is empty").arg(s.text)};
        }
        text += value;
    }
    UpnResult upn = MappingRules::normalizeUpn(text, m_domain);
    if (!m_upnSuffixes.isEmpty() && !upn.value.isEmpty()) {
        const qsizetype at = upn.value.lastIndexOf(QLatin1Char('@'));
        const auto rewrite = m_upnSuffixes.constFind(upn.value.mid(at + 1));
        if (rewrite != m_upnSuffixes.constEnd()) {
            upn.value = upn.value.left(at + 1) + *rewrite;
        }
    }
    return upn;
}

MappedUser UserMapper::map(const Directory::DirectoryEntry &entry) const
{
    MappedUser out;
    map(entry, &out);
    return out;
}

void UserMapper::map(const Directory::DirectoryEntry &entry, MappedUser *result) const
{
    MappedUser &out = *result;
    out.properties.clear(); // keeps the capacity: a planner maps 100,000 users into one MappedUser
    out.userPrincipalName.clear();
    out.mailNickname.clear();
    out.invalidReason.clear();
    out.properties.reserve(m_rules.size() + 4);
    for (const CompiledRule &r : m_rules) {
        MappedValue value;
        switch (r.mode) {
        case AttributeRule::Sync: {
            const Directory::AttributeMap::Values v = values(entry, r.attributes);
            if (r.collection) {
                value = MappedValue::strings(v.isEmpty()          ? QStringList()
                                                 : r.singleValued ? QStringList{v.first()}
                                                                  : v.toList());
            } else if (!v.isEmpty()) {
                value = MappedValue::string(v.first());
            }
            break;
        }
        case AttributeRule::Anonymize: {
            const QString s = MappingRules::anonymizedValue(m_salt, entry.anchor, r.property);
            value = r.collection ? MappedValue::strings({s}) : MappedValue::string(s);
            break;
        }
        case AttributeRule::Static:
            value = r.collection ? MappedValue::strings({r.staticValue}) : MappedValue::string(r.staticValue);
            break;
        case AttributeRule::Never:
            continue;
        }
        out.properties.append({r.property, value});
    }

    const UpnResult upn = makeUpn(entry);
    if (!upn.ok()) {
        out.invalidReason = upn.invalidReason;
    } else {
        out.userPrincipalName = upn.value;
        const UpnResult nick = MappingRules::normalizeMailNickname(upn.value);
        out.mailNickname = nick.value;
        if (!nick.ok()) {
            out.invalidReason = nick.invalidReason;
        }
    }
    if (m_upnManaged) {
        out.properties.append({upnProperty(), MappedValue::string(out.userPrincipalName)});
    }
    if (m_nicknameManaged) {
        out.properties.append({nicknameProperty(), MappedValue::string(out.mailNickname)});
    }
    if (m_accountEnabledManaged) {
        out.properties.append({accountEnabledProperty(), MappedValue::boolean(!entry.disabled)});
    }
    if (m_usageLocationManaged) {
        QString location;
        for (const QString &a : m_countryAttributes) {
            const QString v = entry.value(a).trimmed();
            if (isTwoLetters(v)) {
                location = v.toUpper();
                break;
            }
        }
        if (location.isEmpty()) {
            location = m_defaultUsageLocation;
        }
        if (!location.isEmpty()) {
            out.properties.append({usageLocationProperty(), MappedValue::string(location)});
        }
    }
    if (out.isValid()) {
        // As value("displayName").toString(): anything but a string (null, a list) reads as empty.
        for (const MappedProperty &p : std::as_const(out.properties)) {
            if (p.name == QLatin1String("displayName")) {
                if (p.value.type != MappedValue::String || p.value.text.trimmed().isEmpty()) {
                    out.invalidReason = MappingRules::tr("no display name (the directory entry has no value for it)");
                }
                break;
            }
        }
    }
}

} // namespace M365::Sync
