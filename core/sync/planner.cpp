// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "planner.h"

#include "planbuilder.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace M365::Sync {

using Detail::isEmptyValue;
using Detail::PlanBuilder;
using Detail::str;

namespace {

/// A fingerprint from the compact JSON of the covered properties.
QString digest(const QByteArray &json)
{
    const QByteArray hash = QCryptographicHash::hash(json, QCryptographicHash::Sha256);
    return QString::fromLatin1(hash.toHex().left(32));
}

} // namespace

void CloudSnapshot::addUser(const QJsonObject &graphUser)
{
    const CloudUser user(graphUser);
    m_users.insert(user.id(), user); // the key shares the id's text
}

ChangePlan Planner::plan(const PlanInput &input)
{
    ChangePlan plan = planBeforeExclusions(input);
    input.exclusions.apply(&plan);
    return plan;
}

ChangePlan Planner::planBeforeExclusions(const PlanInput &input)
{
    return PlanBuilder(input).run();
}

QList<UserPlan> Planner::planAlone(const PlanInput &input, const QList<Directory::DirectoryEntry> &users)
{
    PlanInput alone = input; // shares everything
    alone.users = users;
    alone.options.syncGroups = false;
    PlanBuilder builder(alone, true, &input.users);
    builder.run();
    return builder.takeUserPlans();
}

QString Planner::immutableId(const Directory::DirectoryEntry &entry)
{
    return immutableId(entry.anchor, entry.anchorAttribute);
}

QString Planner::immutableId(const QString &anchor, const QString &anchorAttribute)
{
    const QString attribute = anchorAttribute.toLower();
    if (attribute == QLatin1String("objectguid") || attribute == QLatin1String("ms-ds-consistencyguid")) {
        return anchor;
    }
    return QString::fromLatin1(anchor.toUtf8().toBase64());
}

QString Planner::fingerprint(const QJsonObject &cloudObject, const QStringList &properties)
{
    // A copy without the other properties rather than an object built by inserting: the same object, for a copy
    // and a few removals instead of an insertion (and a reallocation) per property.
    QJsonObject relevant = cloudObject;
    for (auto it = relevant.begin(); it != relevant.end();) {
        if (properties.contains(it.key())) {
            ++it;
        } else {
            it = relevant.erase(it);
        }
    }
    return digest(QJsonDocument(relevant).toJson(QJsonDocument::Compact));
}

QString Planner::fingerprint(const CloudUser &cloudUser, const QStringList &properties)
{
    // The JSON text written directly: a plan with thousands of changes otherwise spends more time building
    // QJsonObjects for fingerprints than planning.
    QStringList sorted = properties;
    if (!std::is_sorted(sorted.cbegin(), sorted.cend())) {
        std::sort(sorted.begin(), sorted.end());
    }
    if (std::adjacent_find(sorted.cbegin(), sorted.cend()) != sorted.cend()) {
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    }
    QByteArray json;
    json.reserve(1024);
    if (!cloudUser.writeCompactJson(sorted, &json)) {
        return fingerprint(cloudUser.toJson(properties), properties);
    }
    return digest(json);
}

bool Planner::sameValue(const QJsonValue &cloud, const QJsonValue &desired)
{
    if (isEmptyValue(cloud) || isEmptyValue(desired)) {
        return isEmptyValue(cloud) && isEmptyValue(desired);
    }
    return cloud == desired;
}

const QStringList &Planner::groupFingerprintProperties()
{
    static const QStringList properties{str("displayName"), str("description"), str("mailNickname")};
    return properties;
}

QStringList Planner::userFingerprintProperties(const MappingRules &rules)
{
    QStringList out = rules.managedProperties();
    out.removeAll(QStringLiteral("manager")); // a relationship, not a property a GET of the user returns
    for (const char *p :
         {"displayName", "accountEnabled", "userPrincipalName", "assignedLicenses", "onPremisesImmutableId"}) {
        if (!out.contains(QLatin1String(p))) {
            out.append(QString::fromLatin1(p));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace M365::Sync
