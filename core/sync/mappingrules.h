// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/directoryentry.h"
#include "result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace M365::Sync {

/**
 * How one Graph user property is filled from the directory.
 *
 * `directoryAttribute` may name alternatives separated by `|` ("displayName|cn"): the first one the entry has wins,
 * because inetOrgPerson and AD spell the same fact differently and an entry may lack the preferred one.
 */
struct AttributeRule
{
    enum Mode {
        Sync, ///< the directory's value, kept up to date (drift in the cloud is overwritten)
        Anonymize, ///< a random value, stable for the user (derived from the anchor and the profile's salt)
        Static, ///< staticValue for everyone
        Never, ///< the property (or directory attribute) is never written; wins over every other rule
    };

    QString directoryAttribute;
    QString graphProperty;
    Mode mode = Sync;
    QString staticValue;

    bool operator==(const AttributeRule &other) const
    {
        return directoryAttribute == other.directoryAttribute && graphProperty == other.graphProperty
            && mode == other.mode && staticValue == other.staticValue;
    }

    static QString modeName(Mode mode);
    /// The mode for its name ("sync", "anonymize", "static", "never"); false when unknown.
    static bool modeFromName(const QString &name, Mode *mode);
};

/// A UPN (or mailNickname) after normalisation, or why none could be made.
struct UpnResult
{
    QString value;
    QString invalidReason; ///< empty when value is usable

    bool ok() const { return invalidReason.isEmpty(); }
};

/**
 * One desired property value. Plain Qt strings rather than QJsonValue because a QJsonValue holding a string
 * allocates its own container: mapping and comparing 100,000 users through QJsonValue cost more than the whole
 * planning budget, while these copies only share the directory entry's strings.
 */
struct MappedValue
{
    enum Type : quint8 { Null, String, Bool, Strings };
    Type type = Null;
    bool flag = false;
    QString text;
    QStringList list;

    static MappedValue null() { return {}; }
    static MappedValue string(const QString &text) { return {String, false, text, {}}; }
    static MappedValue boolean(bool value) { return {Bool, value, {}, {}}; }
    static MappedValue strings(const QStringList &list) { return {Strings, false, {}, list}; }

    /// Null, an empty string or an empty list: Graph treats them all as "no value".
    bool isEmpty() const;
    QJsonValue toJson() const;
    /// Whether the cloud's value means the same (absent, null, "" and [] all mean "no value").
    bool sameAs(const QJsonValue &cloud) const;
};

/// A Graph property with its desired value.
struct MappedProperty
{
    QString name;
    MappedValue value;
};

/**
 * What the rules make of one directory user: the managed Graph properties with their desired values, in the order
 * of the rules. Properties the directory lacks are present with a null (or empty array) value, because a managed
 * property the directory no longer has must be cleared in the cloud too. Kept as a flat list rather than a
 * QJsonObject because the planner compares 100,000 of these and only needs an object for the changes it emits.
 */
struct MappedUser
{
    QList<MappedProperty> properties;
    QString userPrincipalName;
    QString mailNickname;
    /// Empty when the user can be written; otherwise why not (shown as an "invalid" change).
    QString invalidReason;

    bool isValid() const { return invalidReason.isEmpty(); }
    /// The desired value as JSON; Undefined when the property is not managed.
    QJsonValue value(const QString &property) const;
    /// The desired text of a string property; empty when unset or not managed.
    QString text(const QString &property) const;
    /// The desired Graph user object (managed properties only, nulls included).
    QJsonObject toObject() const;
};

/**
 * What this app can do with one Graph user property a rule may name, for the users it synchronizes: an entry of the
 * capability list the Settings tab shows ("What Microsoft Graph lets this app write").
 */
struct PropertyCapability
{
    QString property;
    bool writable = true;
    /// Empty when writable; otherwise one sentence: why not, and what to do instead (translated).
    QString reason;
};

/**
 * A rule that is kept but not carried out, because its property cannot be written (see MappingRules::warnings()).
 * Derived from the rules rather than stored, so it can never disagree with them.
 */
struct RuleWarning
{
    int rule = -1; ///< index into MappingRules::rules
    QString property;
    QString message; ///< translated, for the admin
};

/**
 * The attribute rules of a profile: which directory attribute fills which Graph user property and how, the UPN
 * rule, and the default usage location.
 *
 * The mapping is a pure function of the entry and the rules (anonymized values included), so the same directory
 * always produces the same plan and a preview can be trusted to be what a sync will do.
 */
class MappingRules
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::MappingRules)

public:
    enum class Preset { InetOrgPerson, ActiveDirectory };

    /// The default mapping for an OpenLDAP/389-DS/UCS style inetOrgPerson directory or for Active Directory.
    static MappingRules defaults(Preset preset = Preset::InetOrgPerson);

    QList<AttributeRule> rules;
    /// `{attribute}` placeholders (any directory attribute, first value) and `{domain}`. A result without "@"
    /// gets "@" + domain appended; "{mail}" or "{userPrincipalName}" take the directory's own address.
    QString upnTemplate = QStringLiteral("{uid}@{domain}");
    /// The verified domain new UPNs are made in.
    QString domain;
    /**
     * UPN suffixes that are rewritten, lower case: an Active Directory's own "corp.local" (which Microsoft 365
     * cannot verify) → "contoso.com" (a verified domain), as the UPN suffix change Entra Connect needs. Applied to
     * the user name the template produced.
     */
    QHash<QString, QString> upnSuffixes;
    /// Two letters (ISO 3166-1 alpha-2); the user's own country attribute wins. Empty: usageLocation unmanaged
    /// unless the user has a country.
    QString defaultUsageLocation;
    /// Attributes holding the user's country as two letters, tried in order (UCS and OpenLDAP use `c`).
    QStringList countryAttributes{QStringLiteral("c"), QStringLiteral("countryCode")};
    /// Per-profile secret that makes anonymized values unguessable from the anchor alone.
    QByteArray anonymizeSalt;

    /// The rule mode in force for a Graph property, `never` winning over any other rule naming it.
    bool isNever(const QString &graphProperty) const;
    /// The Graph properties these rules manage (never-properties and properties that cannot be written excluded),
    /// usageLocation included when managed.
    QStringList managedProperties() const;
    /// The rules that name a property this app cannot write, each with the capability's reason. They stay in the
    /// profile, shown to the admin next to the rule; the mapping leaves them out, so no plan ever sends them.
    QList<RuleWarning> warnings() const;

    MappedUser map(const Directory::DirectoryEntry &entry) const;

    /// Makes `localPart@domain` out of arbitrary text: transliterates German umlauts and ß, strips accents, turns
    /// spaces into dots, drops what Graph does not allow, collapses dots, and caps the alias at 64 characters.
    static UpnResult normalizeUpn(const QString &text, const QString &defaultDomain);
    /// A mailNickname from a UPN's local part or any text (same character rules, no "@").
    static UpnResult normalizeMailNickname(const QString &text);
    /// The deterministic "random" value for an anonymized property.
    static QString anonymizedValue(const QByteArray &salt, const QString &anchor, const QString &graphProperty);

    QJsonObject toJson() const;
    /// Refuses malformed rules. A rule for a property that cannot be written (proxyAddresses, imAddresses, …) is
    /// kept and reported by warnings(), so that a profile from an older version still opens and the admin sees why.
    static Result<MappingRules> fromJson(const QJsonObject &json);
    /// The Graph user properties a rule may name, the ones this app writes and the ones it cannot, in display order.
    static QList<PropertyCapability> capabilities();
    /// The capability for @p graphProperty (case-insensitive); a property the list does not know (a directory
    /// extension, say) is taken as writable, as Graph will say otherwise when it is not.
    static PropertyCapability capability(const QString &graphProperty);
    /// Why a rule may not write @p graphProperty of a user, saying what to do instead; empty when it may.
    static QString notWritableReason(const QString &graphProperty);

    bool operator==(const MappingRules &other) const;
};

/**
 * MappingRules prepared for mapping many entries: attribute names folded, alternatives split and the UPN template
 * parsed once, so that mapping 100,000 users costs no per-user parsing.
 */
class UserMapper
{
public:
    explicit UserMapper(const MappingRules &rules);

    MappedUser map(const Directory::DirectoryEntry &entry) const;
    /// The same into an existing MappedUser, reusing its storage (mapping in a loop then allocates nothing for it).
    void map(const Directory::DirectoryEntry &entry, MappedUser *out) const;

private:
    struct CompiledRule
    {
        QStringList attributes; // lower case, in order of preference
        QString property;
        AttributeRule::Mode mode;
        QString staticValue;
        bool collection;
        bool singleValued; // businessPhones: Graph takes one number only
    };
    struct Segment
    {
        bool placeholder;
        QString text; // literal, or the lower-case attribute name
    };

    /// The values of the first of `attributes` the entry has a value for.
    Directory::AttributeMap::Values values(const Directory::DirectoryEntry &entry, const QStringList &attributes) const;
    UpnResult makeUpn(const Directory::DirectoryEntry &entry) const;

    QList<CompiledRule> m_rules;
    QList<Segment> m_upnTemplate;
    QStringList m_countryAttributes;
    QString m_domain;
    QHash<QString, QString> m_upnSuffixes;
    QString m_defaultUsageLocation;
    QByteArray m_salt;
    bool m_upnManaged = true;
    bool m_nicknameManaged = true;
    bool m_usageLocationManaged = true;
    bool m_accountEnabledManaged = true;
    QStringList m_neverAttributes; // lower case directory attributes that must not be read
};

/// Graph user properties that are string collections rather than strings.
bool isCollectionProperty(const QString &graphProperty);

} // namespace M365::Sync
