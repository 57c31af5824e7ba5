// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "planbuilder.h"

namespace M365::Sync::Detail {

void PlanBuilder::planLicences(const QString &anchor,
                               const MappedUser &desired,
                               const CloudUser *cloud,
                               const QString &cloudId)
{
    if (m_managedSkus.isEmpty()) {
        return;
    }
    QStringList wanted = m_groupSkus.value(anchor);
    if (wanted.isEmpty() && !m_in.options.defaultSkuId.isEmpty()) {
        wanted.append(m_in.options.defaultSkuId);
    }
    // Views first: almost every user already holds what it should, and then nothing is copied.
    const CloudUser::Views direct = cloud ? cloud->directSkuIds() : CloudUser::Views();
    const CloudUser::Views inherited = cloud ? cloud->inheritedSkuIds() : CloudUser::Views();
    QStringList add;
    QStringList remove;
    for (const QString &sku : std::as_const(wanted)) {
        if (m_in.options.licenceGroupBySku.contains(sku)) {
            if (!m_alone) {
                m_licenceGroupMembers[sku].append({anchor, cloudId});
            }
        } else if (!direct.contains(QStringView(sku)) && !inherited.contains(QStringView(sku))) {
            add.append(sku);
        }
    }
    for (QStringView sku : direct) {
        const bool managed = std::any_of(m_managedSkus.cbegin(), m_managedSkus.cend(), [sku](const QString &m) {
            return sku == m;
        });
        const bool replacedByGroup = inherited.contains(sku) && m_in.options.licenceGroupBySku.contains(sku.toString());
        if (managed && (!wanted.contains(sku) || replacedByGroup)) {
            remove.append(sku.toString());
        }
    }
    if (add.isEmpty() && remove.isEmpty()) {
        return;
    }
    Change l = licenceChange(anchor, QString(), cloudId, desired.text(QStringLiteral("displayName")), cloud);
    l.userPrincipalName = desired.userPrincipalName;
    setLicenceDiff(&l, direct, inherited, add, remove);
    const QString location =
        desired.value(QStringLiteral("usageLocation")).toString(cloud ? cloud->usageLocation().toString() : QString());
    if (!add.isEmpty() && location.isEmpty()) {
        l.kind = Change::Kind::Invalid;
        l.reason = Planner::tr("a licence needs a usage location; set a default usage location or the user's country");
    }
    m_licenceChanges.append(l);
}

Change PlanBuilder::licenceChange(const QString &anchor,
                                  const QString &sourceDn,
                                  const QString &cloudId,
                                  const QString &displayName,
                                  const CloudUser *cloud) const
{
    Change l;
    l.kind = Change::Kind::Update;
    l.objectType = Change::ObjectType::Licence;
    l.anchor = anchor;
    l.sourceDn = sourceDn;
    l.cloudId = cloudId;
    l.displayName = displayName;
    if (cloud) {
        l.cloudFingerprint = fingerprintUser(*cloud);
    }
    return l;
}

void PlanBuilder::setLicenceDiff(Change *l,
                                 const CloudUser::Views &direct,
                                 const CloudUser::Views &inherited,
                                 const QStringList &add,
                                 const QStringList &remove)
{
    const QStringList current = toStringList(direct);
    QStringList after = current;
    for (const QString &sku : remove) {
        after.removeAll(sku);
    }
    after.append(add);
    l->diffs = {
        {QStringLiteral("assignedLicenses"), QJsonArray::fromStringList(current), QJsonArray::fromStringList(after)}};
    QJsonArray addArray;
    for (const QString &sku : add) {
        addArray.append(QJsonObject{{QStringLiteral("skuId"), sku}, {QStringLiteral("disabledPlans"), QJsonArray()}});
    }
    l->payload = QJsonObject{{QStringLiteral("addLicenses"), addArray},
                             {QStringLiteral("removeLicenses"), QJsonArray::fromStringList(remove)}};
    if (!inherited.isEmpty()) {
        const QString held =
            Planner::tr("also holds %1 through a group").arg(toStringList(inherited).join(QStringLiteral(", ")));
        l->reason = l->reason.isEmpty() ? held : l->reason + QStringLiteral("; ") + held;
    }
}

void PlanBuilder::planLicenceGroups()
{
    for (auto it = m_in.options.licenceGroupBySku.cbegin(); it != m_in.options.licenceGroupBySku.cend(); ++it) {
        const QString &sku = it.key();
        const QString &groupId = it.value();
        const QList<MemberRef> &members = m_licenceGroupMembers.value(sku);
        Change c;
        c.kind = Change::Kind::Update;
        c.objectType = Change::ObjectType::Membership;
        c.anchor = QStringLiteral("licence-group:") + sku;
        c.cloudId = groupId;
        const auto group = m_in.cloud.groups.constFind(groupId);
        if (group == m_in.cloud.groups.constEnd()) {
            if (!members.isEmpty()) {
                c.kind = Change::Kind::Invalid;
                c.displayName = skuName(sku);
                c.reason = Planner::tr("the group that licenses %1 no longer exists; set up licensing through a "
                                       "group again on the Licences tab")
                               .arg(skuName(sku));
                m_memberChanges.append(c);
            }
            continue;
        }
        c.displayName = group->value(QLatin1String("displayName")).toString();
        QStringList current = m_in.cloud.groupMembers.value(groupId);
        std::sort(current.begin(), current.end());
        QList<QStringView> wanted;
        for (const MemberRef &m : members) {
            if (m.cloudId.isEmpty()
                || !std::binary_search(current.cbegin(), current.cend(), QStringView(m.cloudId), lessView)) {
                c.membersToAdd.append(m);
            }
            if (!m.cloudId.isEmpty()) {
                wanted.append(m.cloudId);
            }
        }
        std::sort(wanted.begin(), wanted.end(), lessView);
        for (const QString &id : std::as_const(current)) {
            if (std::binary_search(wanted.cbegin(), wanted.cend(), QStringView(id), lessView)) {
                continue;
            }
            const auto managed = linkedCloudIds().constFind(id);
            if (managed != linkedCloudIds().constEnd()) {
                c.membersToRemove.append({managed->toString(), id});
            }
        }
        if (c.membersToAdd.isEmpty() && c.membersToRemove.isEmpty()) {
            continue;
        }
        c.cloudFingerprint = Planner::fingerprint(QJsonObject{{str("members"), QJsonArray::fromStringList(current)}},
                                                  QStringList{str("members")});
        c.reason = Planner::tr("licence %1 through the group: %2 to add, %3 to remove")
                       .arg(skuName(sku))
                       .arg(c.membersToAdd.size())
                       .arg(c.membersToRemove.size());
        m_licenceGroupChanges.insert(sku, int(m_memberChanges.size()));
        m_memberChanges.append(c);
    }
}

QString PlanBuilder::skuName(const QString &skuId) const
{
    for (const QJsonObject &sku : m_in.cloud.subscribedSkus) {
        if (sku.value(QLatin1String("skuId")).toString() == skuId) {
            const QString name = sku.value(QLatin1String("skuPartNumber")).toString();
            return name.isEmpty() ? skuId : name;
        }
    }
    return skuId;
}

void PlanBuilder::countSeats()
{
    if (m_managedSkus.isEmpty() && m_licenceChanges.isEmpty()) {
        return;
    }
    QHash<QString, int> index;
    for (const QJsonObject &sku : m_in.cloud.subscribedSkus) {
        SeatCount s;
        s.skuId = sku.value(QLatin1String("skuId")).toString();
        s.skuPartNumber = sku.value(QLatin1String("skuPartNumber")).toString();
        s.prepaid = sku.value(QLatin1String("prepaidUnits")).toObject().value(QLatin1String("enabled")).toInt();
        s.consumed = sku.value(QLatin1String("consumedUnits")).toInt();
        if (!m_managedSkus.contains(s.skuId)) {
            continue;
        }
        index.insert(s.skuId, int(m_seats.size()));
        m_seats.append(s);
    }
    auto seat = [&](const QString &skuId) -> SeatCount & {
        auto it = index.constFind(skuId);
        if (it == index.constEnd()) {
            SeatCount s; // a SKU the tenant does not have: no seats at all
            s.skuId = skuId;
            it = index.insert(skuId, int(m_seats.size()));
            m_seats.append(s);
        }
        return m_seats[*it];
    };
    for (const QString &sku : std::as_const(m_managedSkus)) {
        seat(sku);
    }
    for (const Change &l : std::as_const(m_licenceChanges)) {
        if (l.kind == Change::Kind::Invalid) {
            continue;
        }
        for (const QJsonValue &v : l.payload.value(QLatin1String("removeLicenses")).toArray()) {
            ++seat(v.toString()).released;
        }
    }
    for (auto it = m_licenceGroupChanges.cbegin(); it != m_licenceGroupChanges.cend(); ++it) {
        seat(it.key()).released += int(m_memberChanges.at(it.value()).membersToRemove.size());
    }
    // Removals run before additions (the applier disables first), so released seats can be reused.
    QHash<QString, int> used;
    // A licence group takes as many new members as there are seats, as direct assignments would; the others are a
    // change of their own that is shown and not applied (a member beyond the seats would only get CountViolation).
    QList<Change> beyondSeats;
    for (auto it = m_licenceGroupChanges.cbegin(); it != m_licenceGroupChanges.cend(); ++it) {
        Change &c = m_memberChanges[it.value()];
        SeatCount &s = seat(it.key());
        const int added = int(c.membersToAdd.size());
        s.needed += added;
        const int room = qMax(0, s.free() + s.released - used.value(it.key()));
        used[it.key()] += added;
        if (added > room && room == 0 && c.membersToRemove.isEmpty()) {
            c.exceedsSeats = true;
            c.reason =
                Planner::tr("licence %1 through the group: %2 without a free seat").arg(skuName(it.key())).arg(added);
        } else if (added > room) {
            Change rest = c;
            rest.membersToAdd = c.membersToAdd.mid(room);
            rest.membersToRemove.clear();
            rest.exceedsSeats = true;
            rest.reason = Planner::tr("licence %1 through the group: %2 without a free seat")
                              .arg(skuName(it.key()))
                              .arg(rest.membersToAdd.size());
            c.membersToAdd.resize(room);
            beyondSeats.append(rest);
        }
    }
    m_memberChanges.append(beyondSeats);
    for (Change &l : m_licenceChanges) {
        if (l.kind == Change::Kind::Invalid) {
            continue;
        }
        for (const QJsonValue &v : l.payload.value(QLatin1String("addLicenses")).toArray()) {
            const QString sku = v.toObject().value(QLatin1String("skuId")).toString();
            SeatCount &s = seat(sku);
            ++s.needed;
            if (++used[sku] > s.free() + s.released) {
                l.exceedsSeats = true;
            }
        }
    }
    std::sort(m_seats.begin(), m_seats.end(), [](const SeatCount &a, const SeatCount &b) {
        return a.skuId < b.skuId;
    });
}

} // namespace M365::Sync::Detail
