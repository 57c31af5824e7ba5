// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "planbuilder.h"

#include <QVarLengthArray>

namespace M365::Sync::Detail {

Change
PlanBuilder::userChange(Change::Kind kind, const Directory::DirectoryEntry *entry, const QString &displayName) const
{
    Change c;
    c.kind = kind;
    c.objectType = Change::ObjectType::User;
    if (entry) {
        c.anchor = entry->anchor;
        c.sourceDn = entry->dn;
    }
    c.displayName = displayName;
    return c;
}

QString PlanBuilder::fingerprintUser(const CloudUser &cloud) const
{
    return Planner::fingerprint(cloud, m_fingerprintProperties);
}

bool PlanBuilder::isDisabledByUs(const CloudUser &cloud) const
{
    return !cloud.accountEnabled(true) && cloud.displayName().startsWith(m_in.options.disablePrefix);
}

QList<AttributeDiff> PlanBuilder::diffUser(const MappedUser &desired, const CloudUser &cloud) const
{
    // One pass over the cloud user's properties, finding each one's desired index through a table by property
    // id. Every user maps to the same names in the same order (usageLocation may be missing), so the table is
    // built for the first user and only rebuilt when the names differ.
    const qsizetype n = desired.properties.size();
    bool sameNames = m_propertyNames.size() == n;
    for (qsizetype i = 0; sameNames && i < n; ++i) {
        const QString &a = m_propertyNames.at(i);
        const QString &b = desired.properties.at(i).name;
        sameNames = (a.constData() == b.constData() && a.size() == b.size()) || a == b;
    }
    if (!sameNames) {
        m_propertyNames.clear();
        m_indexByPropertyId.clear();
        for (qsizetype i = 0; i < n; ++i) {
            const QString &name = desired.properties.at(i).name;
            m_propertyNames.append(name);
            const qint64 id = CloudUser::propertyId(name);
            if (id < 0) {
                continue; // no cloud user has it
            }
            if (m_indexByPropertyId.size() <= id) {
                m_indexByPropertyId.resize(id + 1, -1);
            }
            if (m_indexByPropertyId.at(id) < 0) {
                m_indexByPropertyId[id] = i; // the first of duplicates; the others compare with "absent"
            }
        }
    }
    QVarLengthArray<qsizetype, 32> current(n, -1); // desired index → the cloud user's property position
    for (qsizetype k = 0; k < cloud.propertyCount(); ++k) {
        const quint32 id = cloud.propertyIdAt(k);
        if (id < quint32(m_indexByPropertyId.size())) {
            const qsizetype i = m_indexByPropertyId.at(id);
            if (i >= 0) {
                current[i] = k;
            }
        }
    }
    QList<AttributeDiff> diffs;
    for (qsizetype i = 0; i < n; ++i) {
        const MappedProperty &p = desired.properties.at(i);
        const qsizetype k = current.at(i);
        if (k < 0 ? !p.value.isEmpty() : !sameAs(p.value, cloud, k)) {
            diffs.append({p.name, k < 0 ? QJsonValue(QJsonValue::Undefined) : cloud.valueAt(k), p.value.toJson()});
        }
    }
    return diffs;
}

QJsonObject PlanBuilder::payloadOf(const QList<AttributeDiff> &diffs)
{
    QJsonObject o;
    for (const AttributeDiff &d : diffs) {
        o.insert(d.property, d.newValue.isUndefined() ? QJsonValue(QJsonValue::Null) : d.newValue);
    }
    return o;
}

QString PlanBuilder::driftReason(const QList<AttributeDiff> &diffs, const Link &link)
{
    QStringList drifted;
    for (const AttributeDiff &d : diffs) {
        if (d.property == QLatin1String("manager")) {
            continue; // shown by name, kept as a reference: the two do not compare
        }
        const QJsonValue last = link.lastValues.value(d.property);
        if (!last.isUndefined() && !sameValue(last, d.oldValue)) {
            drifted.append(d.property);
        }
    }
    return drifted.isEmpty() ? QString()
                             : Planner::tr("drift in the cloud: %1").arg(drifted.join(QStringLiteral(", ")));
}

ManagerTarget PlanBuilder::takeManager(const Directory::DirectoryEntry &entry, MappedUser *desired)
{
    ManagerTarget target;
    QString dn;
    bool mapped = false;
    for (qsizetype i = 0; i < desired->properties.size(); ++i) {
        if (desired->properties.at(i).name == QLatin1String("manager")) {
            dn = desired->properties.at(i).value.text.trimmed();
            desired->properties.removeAt(i);
            mapped = true;
            break;
        }
    }
    if (!mapped) {
        return target;
    }
    if (dn.isEmpty()) {
        target.managed = true;
        return target;
    }
    if (m_userByDnKey.isEmpty()) {
        m_userByDnKey.reserve(m_directory.size());
        for (int i = 0; i < m_directory.size(); ++i) {
            m_userByDnKey.insert(dnKey(m_directory.at(i).dn), i);
        }
    }
    const auto found = m_userByDnKey.constFind(dnKey(dn));
    if (found == m_userByDnKey.constEnd() || m_directory.at(*found).anchor == entry.anchor) {
        return target;
    }
    const Directory::DirectoryEntry &manager = m_directory.at(*found);
    target.managed = true;
    target.name = manager.value(QStringLiteral("displayName"));
    if (target.name.isEmpty()) {
        target.name = manager.value(QStringLiteral("cn"));
    }
    const auto link = m_in.links.constFind(manager.anchor);
    if (link != m_in.links.constEnd() && link->objectType == Change::ObjectType::User
        && m_in.cloud.user(link->cloudId)) {
        target.cloudId = link->cloudId;
        target.payload = QJsonObject{{QStringLiteral("id"), link->cloudId}};
    } else {
        target.payload = QJsonObject{{QStringLiteral("anchor"), manager.anchor}};
    }
    return target;
}

void PlanBuilder::addManagerDiff(QList<AttributeDiff> *diffs, const CloudUser &cloud) const
{
    if (!m_manager.managed) {
        return;
    }
    const QString current = cloud.value(QStringLiteral("manager")).toString();
    if (current == m_manager.cloudId && (!current.isEmpty() || m_manager.payload.isNull())) {
        return;
    }
    const CloudUser *old = current.isEmpty() ? nullptr : m_in.cloud.user(current);
    const QJsonValue oldValue = current.isEmpty() ? QJsonValue(QJsonValue::Undefined)
        : old                                     ? QJsonValue(old->displayName().toString())
                                                  : QJsonValue(current);
    diffs->append({QStringLiteral("manager"),
                   oldValue,
                   m_manager.payload.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(m_manager.name)});
}

void PlanBuilder::setManagerPayload(Change *c) const
{
    if (c->payload.contains(QLatin1String("manager"))) {
        c->payload.insert(QStringLiteral("manager"), m_manager.payload);
    }
}

void PlanBuilder::planUsers()
{
    m_seenLinks.reserve(m_in.users.size());
    for (const Directory::DirectoryEntry &entry : m_in.users) {
        if (m_alone) {
            planAlone(entry);
        } else {
            planUser(entry);
        }
    }
    if (m_alone) {
        return;
    }
    // Links whose directory object is gone: the user was deleted (or moved out of the base) in the directory.
    // The links of directory users are known by address, which is cheaper than a set of 100,000 anchors.
    std::sort(m_seenLinks.begin(), m_seenLinks.end(), std::less<const Link *>());
    for (auto it = m_in.links.cbegin(); it != m_in.links.cend(); ++it) {
        if (it->objectType != Change::ObjectType::User
            || std::binary_search(m_seenLinks.cbegin(), m_seenLinks.cend(), &*it, std::less<const Link *>())) {
            continue;
        }
        const CloudUser *cloud = m_in.cloud.user(it->cloudId);
        if (cloud) {
            planLeaving(nullptr, *it, *cloud, Planner::tr("no longer in the directory"));
        }
    }
}

void PlanBuilder::planAlone(const Directory::DirectoryEntry &entry)
{
    const qsizetype users = m_userChanges.size();
    const qsizetype licences = m_licenceChanges.size();
    const int unchanged = m_unchangedUsers;
    m_desired = MappedUser();
    planUser(entry);

    UserPlan p;
    p.anchor = entry.anchor;
    if (m_userChanges.size() > users) {
        p.user = m_userChanges.constLast();
    }
    if (m_licenceChanges.size() > licences) {
        p.licence = m_licenceChanges.constLast();
    }
    p.unchanged = m_unchangedUsers > unchanged;
    const bool inScope = m_everyoneInScope || m_usersInScope.contains(entry.anchor);
    QStringList uids = entry.valuesOf(u"uid");
    std::sort(uids.begin(), uids.end());
    const auto outcome = m_outcomes.constFind(entry.anchor);
    const QChar separator(u'\n');
    // With managers managed, a user's name is shown in the changes of those it manages.
    const QString name = m_managesManager
        ? entry.value(QStringLiteral("displayName")) + QLatin1Char('/') + entry.value(QStringLiteral("cn"))
        : QString();
    p.footprint = QStringList{dnKey(entry.dn),
                              name,
                              uids.join(u','),
                              inScope ? m_desired.userPrincipalName.toCaseFolded() : QString(),
                              m_in.options.softMatch ? entry.value(QStringLiteral("mail")).toCaseFolded() : QString(),
                              QString::number(int(inScope)),
                              QString::number(outcome != m_outcomes.constEnd() && outcome->eligible),
                              outcome != m_outcomes.constEnd() ? outcome->cloudId.toString() : QString()}
                      .join(separator);
    m_userPlans.append(std::move(p));
}

void PlanBuilder::planUser(const Directory::DirectoryEntry &entry)
{
    const bool inScope = m_everyoneInScope || m_usersInScope.contains(entry.anchor);
    const auto link = m_in.links.constFind(entry.anchor);
    if (link != m_in.links.constEnd()) {
        m_seenLinks.append(&*link);
    }
    const CloudUser *cloud = link != m_in.links.constEnd() ? m_in.cloud.user(link->cloudId) : nullptr;
    if (!inScope) {
        if (cloud) {
            planLeaving(&entry, *link, *cloud, Planner::tr("left the scope"));
        }
        return;
    }

    m_mapper.map(entry, &m_desired);
    m_manager = m_managesManager ? takeManager(entry, &m_desired) : ManagerTarget();
    const MappedUser &desired = m_desired;
    const QString displayName = desired.text(QStringLiteral("displayName"));
    if (!desired.isValid()) {
        Change c = userChange(Change::Kind::Invalid, &entry, displayName);
        c.userPrincipalName = desired.userPrincipalName;
        c.reason = desired.invalidReason;
        if (cloud) {
            c.cloudId = link->cloudId;
            c.cloudFingerprint = fingerprintUser(*cloud);
        }
        m_userChanges.append(c);
        return;
    }
    if (cloud) {
        planLinked(entry, desired, displayName, *link, *cloud);
        return;
    }
    planUnlinked(entry, desired, displayName, link != m_in.links.constEnd());
}

void PlanBuilder::planLinked(const Directory::DirectoryEntry &entry,
                             const MappedUser &desired,
                             const QString &displayName,
                             const Link &link,
                             const CloudUser &cloud)
{
    QList<AttributeDiff> diffs = diffUser(desired, cloud);
    addManagerDiff(&diffs, cloud);
    if (!diffs.isEmpty()) {
        const QString upnTakenBy =
            m_cloudByUpn.find(m_in.cloud, &CloudUser::userPrincipalName, desired.userPrincipalName);
        if (!upnTakenBy.isEmpty() && upnTakenBy != link.cloudId) {
            Change c = userChange(Change::Kind::Conflict, &entry, displayName);
            c.cloudId = link.cloudId;
            c.userPrincipalName = desired.userPrincipalName;
            c.cloudFingerprint = fingerprintUser(cloud);
            c.reason =
                Planner::tr("the new user name %1 already belongs to another account").arg(desired.userPrincipalName);
            m_userChanges.append(c);
            m_outcomes.insert(entry.anchor, {true, link.cloudId});
            planLicences(entry.anchor, desired, &cloud, link.cloudId);
            return;
        }
        const bool enable = isDisabledByUs(cloud) && desired.value(QStringLiteral("accountEnabled")).toBool(true);
        Change c = userChange(enable ? Change::Kind::Enable : Change::Kind::Update, &entry, displayName);
        c.cloudId = link.cloudId;
        c.userPrincipalName = desired.userPrincipalName;
        c.cloudFingerprint = fingerprintUser(cloud);
        c.reason = enable ? Planner::tr("back in scope") : driftReason(diffs, link);
        c.payload = payloadOf(diffs);
        setManagerPayload(&c);
        c.diffs = std::move(diffs);
        m_userChanges.append(c);
    } else {
        ++m_unchangedUsers;
    }
    m_outcomes.insert(entry.anchor, {true, link.cloudId});
    planLicences(entry.anchor, desired, &cloud, link.cloudId);
}

void PlanBuilder::planUnlinked(const Directory::DirectoryEntry &entry,
                               const MappedUser &desired,
                               const QString &displayName,
                               bool staleLink)
{
    const QString immutable = Planner::immutableId(entry);
    QString candidate = m_cloudByImmutableId.find(m_in.cloud, &CloudUser::onPremisesImmutableId, immutable);
    QString how;
    if (!candidate.isEmpty()) {
        how = Planner::tr("hard match on onPremisesImmutableId");
    } else if (m_in.options.softMatch) {
        candidate = m_cloudByUpn.find(m_in.cloud, &CloudUser::userPrincipalName, desired.userPrincipalName);
        if (!candidate.isEmpty()) {
            how = Planner::tr("soft match on userPrincipalName");
        } else {
            const QString mail = entry.value(QStringLiteral("mail"));
            candidate = m_cloudByMail.find(m_in.cloud, &CloudUser::mail, mail);
            if (candidate.isEmpty()) {
                candidate = m_cloudByUpn.find(m_in.cloud, &CloudUser::userPrincipalName, mail);
            }
            if (!candidate.isEmpty()) {
                how = Planner::tr("soft match on mail");
            }
        }
    }

    if (!candidate.isEmpty()) {
        const CloudUser &cloud = *m_in.cloud.user(candidate);
        Change c = userChange(Change::Kind::Conflict, &entry, displayName);
        c.cloudId = candidate;
        c.userPrincipalName = desired.userPrincipalName;
        c.cloudFingerprint = fingerprintUser(cloud);
        const QString cloudImmutable = cloud.onPremisesImmutableId().toString();
        if (m_in.cloud.adminUserIds.contains(candidate)) {
            c.reason = Planner::tr("matches %1 (%2), which holds an admin role and is never adopted")
                           .arg(cloud.userPrincipalName().toString(), how);
        } else if (linkedCloudIds().contains(candidate)) {
            c.reason = Planner::tr("matches %1 (%2), which is already linked to another directory object")
                           .arg(cloud.userPrincipalName().toString(), how);
        } else if (!cloudImmutable.isEmpty() && cloudImmutable != immutable) {
            c.reason = Planner::tr("matches %1 (%2), which is synchronised from another directory")
                           .arg(cloud.userPrincipalName().toString(), how);
        } else {
            QList<AttributeDiff> diffs = diffUser(desired, cloud);
            addManagerDiff(&diffs, cloud);
            if (cloudImmutable != immutable) {
                diffs.append({QStringLiteral("onPremisesImmutableId"),
                              cloud.value(QStringLiteral("onPremisesImmutableId")),
                              immutable});
            }
            c.kind = Change::Kind::Link;
            c.reason = how;
            c.payload = payloadOf(diffs);
            setManagerPayload(&c);
            c.diffs = std::move(diffs);
            m_userChanges.append(c);
            // No second directory user may take it. The key is viewed in the snapshot, which outlives the plan.
            const QString &stableId = m_in.cloud.users().constFind(candidate).key();
            linkedCloudIds().insert(stableId, entry.anchor);
            m_outcomes.insert(entry.anchor, {true, stableId});
            planLicences(entry.anchor, desired, &cloud, candidate);
            return;
        }
        m_userChanges.append(c);
        return;
    }

    const QString upnKey = desired.userPrincipalName.toCaseFolded();
    const QString taken = m_cloudByUpn.find(m_in.cloud, &CloudUser::userPrincipalName, desired.userPrincipalName);
    if (!taken.isEmpty()) {
        Change c = userChange(Change::Kind::Conflict, &entry, displayName);
        c.cloudId = taken;
        c.userPrincipalName = desired.userPrincipalName;
        c.cloudFingerprint = fingerprintUser(*m_in.cloud.user(taken));
        c.reason = m_in.options.softMatch || linkedCloudIds().contains(taken)
            ? Planner::tr("the user name %1 already belongs to another account").arg(desired.userPrincipalName)
            : Planner::tr("the user name %1 belongs to an account not managed by this profile (soft matching is off)")
                  .arg(desired.userPrincipalName);
        m_userChanges.append(c);
        return;
    }
    const QString deleted = deletedUserWithImmutableId(immutable);
    if (!deleted.isEmpty() && !m_plannedUpns.contains(upnKey)) {
        planRestore(entry, desired, displayName, deleted);
        return;
    }
    if (m_plannedUpns.contains(upnKey)) {
        Change c = userChange(Change::Kind::Conflict, &entry, displayName);
        c.userPrincipalName = desired.userPrincipalName;
        c.reason = Planner::tr("another directory user gets the same user name %1").arg(desired.userPrincipalName);
        m_userChanges.append(c);
        return;
    }
    m_plannedUpns.insert(upnKey);

    Change c = userChange(Change::Kind::Create, &entry, displayName);
    c.userPrincipalName = desired.userPrincipalName;
    if (staleLink) {
        c.reason = Planner::tr("the linked cloud account no longer exists");
    }
    QJsonObject payload;
    for (const MappedProperty &p : desired.properties) {
        if (!p.value.isEmpty()) {
            const QJsonValue value = p.value.toJson();
            payload.insert(p.name, value);
            c.diffs.append({p.name, QJsonValue(QJsonValue::Undefined), value});
        }
    }
    payload.insert(QStringLiteral("onPremisesImmutableId"), immutable);
    c.diffs.append({QStringLiteral("onPremisesImmutableId"), QJsonValue(QJsonValue::Undefined), immutable});
    if (m_manager.managed && !m_manager.payload.isNull()) {
        payload.insert(QStringLiteral("manager"), m_manager.payload);
        c.diffs.append({QStringLiteral("manager"), QJsonValue(QJsonValue::Undefined), m_manager.name});
    }
    if (!payload.contains(QLatin1String("accountEnabled"))) {
        payload.insert(QStringLiteral("accountEnabled"), !entry.disabled);
    }
    // Create requires these even when the rules do not manage them.
    payload.insert(QStringLiteral("userPrincipalName"), desired.userPrincipalName);
    payload.insert(QStringLiteral("mailNickname"), desired.mailNickname);
    c.payload = payload;
    m_userChanges.append(c);
    m_outcomes.insert(entry.anchor, {true, QStringView()});
    planLicences(entry.anchor, desired, nullptr, QString());
}

QString PlanBuilder::disabledName(const QString &name) const
{
    constexpr qsizetype maxDisplayName = 256;
    QString renamed = m_in.options.disablePrefix + name;
    if (renamed.size() > maxDisplayName) {
        renamed.truncate(maxDisplayName);
        if (renamed.back().isHighSurrogate()) {
            renamed.chop(1);
        }
    }
    return renamed;
}

QString PlanBuilder::deletedUserWithImmutableId(const QString &immutableId)
{
    if (m_in.cloud.deletedUsers.isEmpty()) {
        return {};
    }
    if (m_deletedByImmutableId.isEmpty()) {
        for (auto it = m_in.cloud.deletedUsers.cbegin(); it != m_in.cloud.deletedUsers.cend(); ++it) {
            m_deletedByImmutableId.insert(it->onPremisesImmutableId().toString(), it.key());
        }
    }
    return m_deletedByImmutableId.value(immutableId);
}

void PlanBuilder::planRestore(const Directory::DirectoryEntry &entry,
                              const MappedUser &desired,
                              const QString &displayName,
                              const QString &deletedId)
{
    const QString &id = m_in.cloud.deletedUsers.constFind(deletedId).key(); // outlives the plan
    const CloudUser &deleted = *m_in.cloud.deletedUsers.constFind(deletedId);
    Change c = userChange(Change::Kind::Restore, &entry, displayName);
    c.cloudId = id;
    c.userPrincipalName = desired.userPrincipalName;
    c.reason = Planner::tr("deleted in Microsoft 365 (%1): restored instead of created anew")
                   .arg(deleted.value(QStringLiteral("userPrincipalName")).toString());
    QList<AttributeDiff> diffs = diffUser(desired, deleted);
    addManagerDiff(&diffs, deleted);
    const bool enabled = !entry.disabled;
    if (desired.value(QStringLiteral("accountEnabled")).isUndefined() && deleted.accountEnabled(true) != enabled) {
        diffs.append({QStringLiteral("accountEnabled"), deleted.value(QStringLiteral("accountEnabled")), enabled});
    }
    c.payload = payloadOf(diffs);
    setManagerPayload(&c);
    c.diffs = std::move(diffs);
    // No fingerprint: the applier's check before writing reads live users, and this one is not live yet.
    m_userChanges.append(c);
    m_plannedUpns.insert(desired.userPrincipalName.toCaseFolded());
    m_outcomes.insert(entry.anchor, {true, id});
    const qsizetype licences = m_licenceChanges.size();
    planLicences(entry.anchor, desired, &deleted, id);
    if (m_licenceChanges.size() > licences) {
        m_licenceChanges.last().cloudFingerprint.clear();
    }
}

void PlanBuilder::planLeaving(const Directory::DirectoryEntry *entry,
                              const Link &link,
                              const CloudUser &cloud,
                              const QString &reason)
{
    const QString cloudName = cloud.displayName().toString();
    const bool alreadyDisabled = isDisabledByUs(cloud);
    if (alreadyDisabled && !m_in.options.hardDelete) {
        ++m_unchangedUsers;
        return;
    }
    Change c = userChange(m_in.options.hardDelete ? Change::Kind::Delete : Change::Kind::Disable, entry, cloudName);
    c.anchor = link.anchor;
    c.cloudId = link.cloudId;
    c.userPrincipalName = cloud.userPrincipalName().toString();
    c.cloudFingerprint = fingerprintUser(cloud);
    c.reason = reason;
    if (c.kind == Change::Kind::Disable) {
        c.diffs = {{QStringLiteral("accountEnabled"), cloud.value(QStringLiteral("accountEnabled")), false},
                   {QStringLiteral("displayName"), cloudName, disabledName(cloudName)}};
        c.payload = payloadOf(c.diffs);
        // Only direct assignments can be removed; licences through a group go with the group membership.
        const CloudUser::Views direct = cloud.directSkuIds();
        if (!direct.isEmpty()) {
            Change l = licenceChange(link.anchor, c.sourceDn, link.cloudId, cloudName, &cloud);
            l.userPrincipalName = c.userPrincipalName;
            l.reason = reason;
            setLicenceDiff(&l, direct, cloud.inheritedSkuIds(), {}, toStringList(direct));
            m_licenceChanges.append(l);
        }
    }
    m_userChanges.append(c);
}

} // namespace M365::Sync::Detail
