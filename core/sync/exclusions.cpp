// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "exclusions.h"

#include <QJsonObject>

namespace M365::Sync {

namespace {

QString lookupKey(Change::ObjectType ownerType, const QString &key)
{
    return Change::objectTypeName(ownerType) + QLatin1Char('/') + key;
}

/// An excluded licence change needs no seat and frees none.
void releaseSeats(const Change &change, ChangePlan *plan)
{
    for (SeatCount &seat : plan->seats) {
        for (const QJsonValue &add : change.payload.value(QLatin1String("addLicenses")).toArray()) {
            seat.needed -= add.toObject().value(QLatin1String("skuId")).toString() == seat.skuId ? 1 : 0;
        }
        for (const QJsonValue &remove : change.payload.value(QLatin1String("removeLicenses")).toArray()) {
            seat.released -= remove.toString() == seat.skuId ? 1 : 0;
        }
    }
}

} // namespace

QString Exclusions::keyOf(const Change &change)
{
    if (!change.anchor.isEmpty()) {
        return QStringLiteral("a:") + change.anchor;
    }
    if (!change.cloudId.isEmpty()) {
        return QStringLiteral("c:") + change.cloudId;
    }
    return {};
}

Change::ObjectType Exclusions::ownerType(Change::ObjectType objectType)
{
    switch (objectType) {
    case Change::ObjectType::User:
    case Change::ObjectType::Licence:
        return Change::ObjectType::User;
    case Change::ObjectType::Group:
    case Change::ObjectType::Membership:
        return Change::ObjectType::Group;
    }
    return objectType;
}

bool Exclusions::add(const Change &change, const QDateTime &now)
{
    const QString key = keyOf(change);
    const Change::ObjectType owner = ownerType(change.objectType);
    if (key.isEmpty() || contains(owner, key)) {
        return false;
    }
    m_list.append(Exclusion{owner, key, change.displayName, now.toUTC()});
    m_keys.insert(lookupKey(owner, key));
    return true;
}

bool Exclusions::remove(Change::ObjectType objectType, const QString &key)
{
    const Change::ObjectType owner = ownerType(objectType);
    if (!m_keys.remove(lookupKey(owner, key))) {
        return false;
    }
    m_list.removeIf([&](const Exclusion &e) {
        return e.objectType == owner && e.key == key;
    });
    return true;
}

bool Exclusions::contains(Change::ObjectType objectType, const QString &key) const
{
    return m_keys.contains(lookupKey(ownerType(objectType), key));
}

void Exclusions::apply(ChangePlan *plan) const
{
    if (m_list.isEmpty()) {
        return;
    }
    const QString userType = Change::objectTypeName(Change::ObjectType::User) + QLatin1String("/a:");
    QList<Change> kept;
    kept.reserve(plan->changes.size());
    for (Change &change : plan->changes) {
        if (contains(change.objectType, keyOf(change))) {
            if (change.objectType == Change::ObjectType::Licence) {
                releaseSeats(change, plan);
            }
            plan->excluded.append(std::move(change));
            continue;
        }
        if (change.objectType == Change::ObjectType::Membership) {
            // Members are listed by anchor: an excluded user is neither added nor removed.
            const auto excluded = [&](const MemberRef &member) {
                return m_keys.contains(userType + member.anchor);
            };
            change.membersToAdd.removeIf(excluded);
            change.membersToRemove.removeIf(excluded);
            if (change.membersToAdd.isEmpty() && change.membersToRemove.isEmpty()) {
                continue; // nothing left to do for this group
            }
        }
        kept.append(std::move(change));
    }
    plan->changes = std::move(kept);
}

QJsonArray Exclusions::toJson() const
{
    QJsonArray array;
    for (const Exclusion &e : m_list) {
        array.append(QJsonObject{{QStringLiteral("type"), Change::objectTypeName(e.objectType)},
                                 {QStringLiteral("key"), e.key},
                                 {QStringLiteral("name"), e.displayName},
                                 {QStringLiteral("since"), e.since.toString(Qt::ISODate)}});
    }
    return array;
}

Result<Exclusions> Exclusions::fromJson(const QJsonArray &json)
{
    Exclusions exclusions;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const QJsonObject o = json.at(i).toObject();
        Exclusion e;
        const QString key = o.value(QLatin1String("key")).toString();
        if (!Change::objectTypeFromName(o.value(QLatin1String("type")).toString(), &e.objectType)
            || !(key.startsWith(QLatin1String("a:")) || key.startsWith(QLatin1String("c:"))) || key.size() < 3) {
            return Result<Exclusions>::failure(
                Error{QStringLiteral("profile.sync.exclusions"),
                      tr("Exclusion %1 of the profile is not valid: it needs a \"type\" (user or group) and a \"key\" "
                         "(\"a:\" and a directory anchor, or \"c:\" and a cloud object id). Include the object again "
                         "in Settings or correct the profile file.")
                          .arg(i + 1),
                      {},
                      {}});
        }
        e.objectType = ownerType(e.objectType);
        e.key = key;
        e.displayName = o.value(QLatin1String("name")).toString();
        e.since = QDateTime::fromString(o.value(QLatin1String("since")).toString(), Qt::ISODate);
        if (!exclusions.contains(e.objectType, key)) {
            exclusions.m_keys.insert(lookupKey(e.objectType, key));
            exclusions.m_list.append(e);
        }
    }
    return Result<Exclusions>::success(exclusions);
}

} // namespace M365::Sync
