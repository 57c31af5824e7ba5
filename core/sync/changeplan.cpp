// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "changeplan.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace M365::Sync {

namespace {

struct KindName
{
    Change::Kind kind;
    const char *name;
};

constexpr KindName kindNames[] = {
    {Change::Kind::Create, "create"},
    {Change::Kind::Update, "update"},
    {Change::Kind::Disable, "disable"},
    {Change::Kind::Enable, "enable"},
    {Change::Kind::Delete, "delete"},
    {Change::Kind::Link, "link"},
    {Change::Kind::Restore, "restore"},
    {Change::Kind::Conflict, "conflict"},
    {Change::Kind::Invalid, "invalid"},
};

struct TypeName
{
    Change::ObjectType type;
    const char *name;
};

constexpr TypeName typeNames[] = {
    {Change::ObjectType::User, "user"},
    {Change::ObjectType::Group, "group"},
    {Change::ObjectType::Membership, "membership"},
    {Change::ObjectType::Licence, "licence"},
};

// JSON has no "undefined": an absent old value is written as a missing key and read back as Undefined, so that a
// round trip keeps "the cloud had no such property" apart from "the cloud had null".
void putValue(QJsonObject &o, const char *key, const QJsonValue &v)
{
    if (!v.isUndefined()) {
        o.insert(QLatin1String(key), v);
    }
}

QJsonArray membersToJson(const QList<MemberRef> &members)
{
    QJsonArray array;
    for (const MemberRef &m : members) {
        QJsonObject o{{QStringLiteral("anchor"), m.anchor}};
        if (!m.cloudId.isEmpty()) {
            o.insert(QStringLiteral("cloudId"), m.cloudId);
        }
        array.append(o);
    }
    return array;
}

void appendMembers(QList<MemberRef> *into, const QJsonArray &array)
{
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        into->append({o.value(QLatin1String("anchor")).toString(), o.value(QLatin1String("cloudId")).toString()});
    }
}

/// Moves the members of a Membership change of the old form (payload {"add": [{"anchor", "cloudId"}], "remove": […]})
/// to membersToAdd and membersToRemove: saved plans and the run history of earlier versions hold that form.
void takeLegacyMembers(Change *c)
{
    if (c->objectType != Change::ObjectType::Membership) {
        return;
    }
    for (const char *side : {"add", "remove"}) {
        const auto legacy = c->payload.constFind(QLatin1String(side));
        if (legacy == c->payload.constEnd()) {
            continue;
        }
        appendMembers(qstrcmp(side, "add") == 0 ? &c->membersToAdd : &c->membersToRemove, legacy->toArray());
        c->payload.remove(QLatin1String(side));
    }
}

} // namespace

QString Change::kindName(Kind kind)
{
    for (const KindName &k : kindNames) {
        if (k.kind == kind) {
            return QString::fromLatin1(k.name);
        }
    }
    return {};
}

bool Change::kindFromName(const QString &name, Kind *kind)
{
    for (const KindName &k : kindNames) {
        if (name == QLatin1String(k.name)) {
            *kind = k.kind;
            return true;
        }
    }
    return false;
}

QString Change::objectTypeName(ObjectType type)
{
    for (const TypeName &t : typeNames) {
        if (t.type == type) {
            return QString::fromLatin1(t.name);
        }
    }
    return {};
}

bool Change::objectTypeFromName(const QString &name, ObjectType *type)
{
    for (const TypeName &t : typeNames) {
        if (name == QLatin1String(t.name)) {
            *type = t.type;
            return true;
        }
    }
    return false;
}

QJsonObject Change::toJson() const
{
    QJsonObject o{{QStringLiteral("kind"), kindName(kind)}, {QStringLiteral("objectType"), objectTypeName(objectType)}};
    auto putString = [&o](const char *key, const QString &value) {
        if (!value.isEmpty()) {
            o.insert(QLatin1String(key), value);
        }
    };
    putString("anchor", anchor);
    putString("sourceDn", sourceDn);
    putString("cloudId", cloudId);
    putString("displayName", displayName);
    putString("userPrincipalName", userPrincipalName);
    putString("reason", reason);
    putString("cloudFingerprint", cloudFingerprint);
    if (!diffs.isEmpty()) {
        QJsonArray array;
        for (const AttributeDiff &d : diffs) {
            QJsonObject diff{{QStringLiteral("property"), d.property}};
            putValue(diff, "old", d.oldValue);
            putValue(diff, "new", d.newValue);
            array.append(diff);
        }
        o.insert(QStringLiteral("diffs"), array);
    }
    if (!payload.isEmpty()) {
        o.insert(QStringLiteral("payload"), payload);
    }
    if (!membersToAdd.isEmpty()) {
        o.insert(QStringLiteral("membersToAdd"), membersToJson(membersToAdd));
    }
    if (!membersToRemove.isEmpty()) {
        o.insert(QStringLiteral("membersToRemove"), membersToJson(membersToRemove));
    }
    if (exceedsSeats) {
        o.insert(QStringLiteral("exceedsSeats"), true);
    }
    return o;
}

Change Change::fromJson(const QJsonObject &json)
{
    Change c;
    kindFromName(json.value(QLatin1String("kind")).toString(), &c.kind);
    objectTypeFromName(json.value(QLatin1String("objectType")).toString(), &c.objectType);
    c.anchor = json.value(QLatin1String("anchor")).toString();
    c.sourceDn = json.value(QLatin1String("sourceDn")).toString();
    c.cloudId = json.value(QLatin1String("cloudId")).toString();
    c.displayName = json.value(QLatin1String("displayName")).toString();
    c.userPrincipalName = json.value(QLatin1String("userPrincipalName")).toString();
    c.reason = json.value(QLatin1String("reason")).toString();
    c.cloudFingerprint = json.value(QLatin1String("cloudFingerprint")).toString();
    for (const QJsonValue &v : json.value(QLatin1String("diffs")).toArray()) {
        const QJsonObject d = v.toObject();
        c.diffs.append({d.value(QLatin1String("property")).toString(),
                        d.value(QLatin1String("old")),
                        d.value(QLatin1String("new"))});
    }
    c.payload = json.value(QLatin1String("payload")).toObject();
    appendMembers(&c.membersToAdd, json.value(QLatin1String("membersToAdd")).toArray());
    appendMembers(&c.membersToRemove, json.value(QLatin1String("membersToRemove")).toArray());
    takeLegacyMembers(&c);
    c.exceedsSeats = json.value(QLatin1String("exceedsSeats")).toBool();
    return c;
}

bool Change::operator==(const Change &other) const
{
    return kind == other.kind && objectType == other.objectType && anchor == other.anchor && sourceDn == other.sourceDn
        && cloudId == other.cloudId && displayName == other.displayName && userPrincipalName == other.userPrincipalName
        && diffs == other.diffs && reason == other.reason && cloudFingerprint == other.cloudFingerprint
        && payload == other.payload && membersToAdd == other.membersToAdd && membersToRemove == other.membersToRemove
        && exceedsSeats == other.exceedsSeats;
}

QMap<Change::Kind, int> ChangePlan::summary() const
{
    QMap<Change::Kind, int> out;
    for (const Change &c : changes) {
        ++out[c.kind];
    }
    return out;
}

int ChangePlan::destructiveCount() const
{
    int n = 0;
    for (const Change &c : changes) {
        if (c.kind == Change::Kind::Disable || c.kind == Change::Kind::Delete) {
            ++n;
        } else if (c.objectType == Change::ObjectType::Licence) {
            n += int(c.payload.value(QLatin1String("removeLicenses")).toArray().size());
        } else if (c.objectType == Change::ObjectType::Membership) {
            n += int(c.membersToRemove.size());
        }
    }
    return n;
}

bool ChangePlan::exceedsSeats() const
{
    for (const SeatCount &s : seats) {
        if (s.shortfall() > 0) {
            return true;
        }
    }
    return false;
}

QJsonObject ChangePlan::toJson() const
{
    QJsonArray changeArray;
    for (const Change &c : changes) {
        changeArray.append(c.toJson());
    }
    QJsonArray seatArray;
    for (const SeatCount &s : seats) {
        seatArray.append(QJsonObject{{QStringLiteral("skuId"), s.skuId},
                                     {QStringLiteral("skuPartNumber"), s.skuPartNumber},
                                     {QStringLiteral("prepaid"), s.prepaid},
                                     {QStringLiteral("consumed"), s.consumed},
                                     {QStringLiteral("free"), s.free()},
                                     {QStringLiteral("needed"), s.needed},
                                     {QStringLiteral("released"), s.released},
                                     {QStringLiteral("shortfall"), s.shortfall()}});
    }
    QJsonObject summaryObject;
    const auto counts = summary();
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        summaryObject.insert(Change::kindName(it.key()), it.value());
    }
    QJsonArray excludedArray;
    for (const Change &c : excluded) {
        excludedArray.append(c.toJson());
    }
    QJsonObject o{{QStringLiteral("changes"), changeArray},
                  {QStringLiteral("excluded"), excludedArray},
                  {QStringLiteral("unchangedUsers"), unchangedUsers},
                  {QStringLiteral("unchangedGroups"), unchangedGroups},
                  {QStringLiteral("seats"), seatArray},
                  {QStringLiteral("summary"), summaryObject}};
    if (created.isValid()) {
        o.insert(QStringLiteral("created"), created.toUTC().toString(Qt::ISODateWithMs));
    }
    return o;
}

Result<ChangePlan> ChangePlan::fromJson(const QJsonObject &json)
{
    ChangePlan plan;
    if (!json.value(QLatin1String("changes")).isArray()) {
        return Result<ChangePlan>::failure(
            Error{QStringLiteral("sync.plan.json"),
                  QCoreApplication::translate("M365::Sync::ChangePlan", "The file does not hold a change plan."),
                  QStringLiteral("no \"changes\" array"),
                  {}});
    }
    for (const char *list : {"changes", "excluded"}) {
        QList<Change> &into = qstrcmp(list, "changes") == 0 ? plan.changes : plan.excluded;
        for (const QJsonValue &v : json.value(QLatin1String(list)).toArray()) {
            const QJsonObject o = v.toObject();
            Change::Kind kind;
            Change::ObjectType type;
            if (!Change::kindFromName(o.value(QLatin1String("kind")).toString(), &kind)
                || !Change::objectTypeFromName(o.value(QLatin1String("objectType")).toString(), &type)) {
                return Result<ChangePlan>::failure(Error{
                    QStringLiteral("sync.plan.json"),
                    QCoreApplication::translate("M365::Sync::ChangePlan", "The change plan holds an unknown change."),
                    QStringLiteral("kind \"%1\", objectType \"%2\"")
                        .arg(o.value(QLatin1String("kind")).toString(),
                             o.value(QLatin1String("objectType")).toString()),
                    {}});
            }
            into.append(Change::fromJson(o));
        }
    }
    plan.unchangedUsers = json.value(QLatin1String("unchangedUsers")).toInt();
    plan.unchangedGroups = json.value(QLatin1String("unchangedGroups")).toInt();
    for (const QJsonValue &v : json.value(QLatin1String("seats")).toArray()) {
        const QJsonObject s = v.toObject();
        SeatCount seat;
        seat.skuId = s.value(QLatin1String("skuId")).toString();
        seat.skuPartNumber = s.value(QLatin1String("skuPartNumber")).toString();
        seat.prepaid = s.value(QLatin1String("prepaid")).toInt();
        seat.consumed = s.value(QLatin1String("consumed")).toInt();
        seat.needed = s.value(QLatin1String("needed")).toInt();
        seat.released = s.value(QLatin1String("released")).toInt();
        plan.seats.append(seat);
    }
    const QString created = json.value(QLatin1String("created")).toString();
    if (!created.isEmpty()) {
        plan.created = QDateTime::fromString(created, Qt::ISODateWithMs);
    }
    return Result<ChangePlan>::success(plan);
}

bool ChangePlan::operator==(const ChangePlan &other) const
{
    return changes == other.changes && excluded == other.excluded && unchangedUsers == other.unchangedUsers
        && unchangedGroups == other.unchangedGroups && seats == other.seats && created == other.created;
}

} // namespace M365::Sync
