// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QVarLengthArray>

namespace M365::Sync {

/**
 * A Graph user object as the planner keeps it: every property as read, in a compact form.
 *
 * A QJsonObject of a Graph user costs about 3 KB (a container per object, a separately allocated container for each
 * string it hands out) and each lookup is a binary search with an allocation; a snapshot of 100,000 users held that
 * way took more memory than the whole planning budget. Here all the text of a user (string values, the items of
 * string arrays, and any other value as compact JSON) lives in one string, and each property is a 12-byte entry
 * naming an interned property and a slice of that text. The properties the planner reads for every user have typed
 * accessors that return views and allocate nothing.
 *
 * Nothing is lost: value() and toJson() give back exactly what was read, so that a fingerprint computed from a
 * CloudUser is the one the applier computes from a fresh Graph GET of the unchanged object.
 */
class CloudUser
{
public:
    /// How a property is stored.
    enum class Type : quint8 {
        Null,
        False,
        True,
        String,
        Strings, ///< an array of strings (empty arrays included)
        Json, ///< anything else (a number, an object, a mixed array), kept as compact JSON
    };

    /// Up to a handful of views, for the SKU ids: on the stack for any real user.
    using Views = QVarLengthArray<QStringView, 4>;

    CloudUser() = default;
    explicit CloudUser(const QJsonObject &graphUser);

    /// The object id; empty when the object had none.
    const QString &id() const { return m_id; }
    // The properties the planner reads for every user, as value(p).toString() would give them (empty when the
    // property is missing or not a string), but without allocating.
    QStringView userPrincipalName() const { return textOf(UpnId); }
    QStringView mail() const { return textOf(MailId); }
    QStringView onPremisesImmutableId() const { return textOf(ImmutableIdId); }
    QStringView displayName() const { return textOf(DisplayNameId); }
    QStringView usageLocation() const { return textOf(UsageLocationId); }
    /// Hashes for the planner's indexes, computed when the user is read, so that indexing 100,000 users touches
    /// none of their text: foldedHash(userPrincipalName()) and qHash(onPremisesImmutableId()).
    size_t userPrincipalNameHash() const { return m_upnHash; }
    size_t onPremisesImmutableIdHash() const { return m_immutableIdHash; }
    /// A hash of @p text that ignores case, as compare(…, Qt::CaseInsensitive) does.
    static size_t foldedHash(QStringView text);
    /// As value("accountEnabled").toBool(defaultValue).
    bool accountEnabled(bool defaultValue) const;
    /// The skuId of each assignedLicenses entry that has one, in order.
    Views assignedSkuIds() const;
    /**
     * The SKUs assigned to the user directly, which this app may remove: those with a licenseAssignmentStates entry
     * without assignedByGroup. When licenseAssignmentStates was not read, every assigned SKU counts as direct.
     */
    Views directSkuIds() const;
    /**
     * The SKUs the user holds through a group (licenseAssignmentStates entries with assignedByGroup, unless their
     * state is "Error": such a licence is not in effect). Graph lists them in assignedLicenses too (graph
     * resources/user.md), so without this they would look like direct assignments.
     */
    Views inheritedSkuIds() const;
    /// Whether licenseAssignmentStates was read, so that direct and inherited licences can be told apart.
    bool hasLicenceStates() const { return m_hasLicenceStates; }

    bool contains(const QString &property) const;
    /// The property as Graph sent it; Undefined when the object does not have it.
    QJsonValue value(const QString &property) const;
    /// The whole object as Graph sent it.
    QJsonObject toJson() const;
    /// Only the given properties (those the object has).
    QJsonObject toJson(const QStringList &properties) const;

    /**
     * Appends what QJsonDocument(toJson(properties)).toJson(QJsonDocument::Compact) would be, without building
     * either, for @p properties sorted and without duplicates. False (with @p out partly written) when that cannot
     * be done exactly the cheap way: a name or text that the JSON writer would escape.
     */
    bool writeCompactJson(const QStringList &properties, QByteArray *out) const;

    // Access by position, for code that walks every property without building QJsonValues (the planner's diff).
    qsizetype propertyCount() const { return m_propertyCount; }
    quint32 propertyIdAt(qsizetype i) const { return m_entries.at(i).property; }
    Type typeAt(qsizetype i) const { return Type(m_entries.at(i).type); }
    /// The text of a String (or the compact JSON of a Json) property.
    QStringView textAt(qsizetype i) const { return slice(m_entries.at(i)); }
    /// The number of items of a Strings property.
    qsizetype itemCountAt(qsizetype i) const { return m_entries.at(i).size; }
    QStringView itemAt(qsizetype i, qsizetype item) const { return slice(m_entries.at(m_entries.at(i).offset + item)); }
    QJsonValue valueAt(qsizetype i) const;

    /**
     * The interned id of a property name, shared by all CloudUsers (and threads); -1 when no CloudUser has ever
     * held the property. The ids of names are stable for the life of the process.
     */
    static qint64 propertyId(const QString &name);

private:
    // Ids registered first, in this order, so that the typed accessors need no lookup.
    enum WellKnown : quint32 {
        UpnId,
        MailId,
        ImmutableIdId,
        DisplayNameId,
        AccountEnabledId,
        UsageLocationId,
        AssignedLicensesId,
        /// Not Graph properties (and never registered): the SKU ids of assignedLicenses, and of the direct and the
        /// inherited entries of licenseAssignmentStates, as Strings.
        SkuIdsId = 0xFFFFFF,
        DirectSkuIdsId = 0xFFFFFE,
        InheritedSkuIdsId = 0xFFFFFD,
    };

    struct Entry
    {
        quint32 property : 24;
        quint32 type : 8;
        quint32 offset; ///< into m_text; for Strings the index of the first item entry
        quint32 size; ///< characters; for Strings the number of items
    };

    QStringView slice(const Entry &e) const { return QStringView(m_text).mid(e.offset, e.size); }
    const Entry *find(quint32 property) const;
    QStringView textOf(quint32 property) const;
    Views viewsOf(quint32 property) const;
    QJsonValue toValue(const Entry &e) const;

    QString m_id;
    QString m_text;
    /// The properties (in the order read), then the SKU id entries, then the items of Strings properties.
    QList<Entry> m_entries;
    size_t m_upnHash = 0;
    size_t m_immutableIdHash = 0;
    quint32 m_propertyCount = 0; ///< Graph properties among m_entries (the SKU id entries excluded)
    quint32 m_headCount = 0; ///< entries before the items
    bool m_hasId = false;
    bool m_hasLicenceStates = false;
};

} // namespace M365::Sync
