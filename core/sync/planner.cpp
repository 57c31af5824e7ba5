// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "planner.h"

#include "directory/groupresolver.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QVarLengthArray>

#include <algorithm>
#include <climits>
#include <functional>

namespace M365::Sync {

namespace {

QString str(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

/// Graph reports an unset string as null or leaves it out, an unset collection as []: all mean "no value".
bool isEmptyValue(const QJsonValue &v)
{
    return v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty())
        || (v.isArray() && v.toArray().isEmpty());
}

bool sameValue(const QJsonValue &a, const QJsonValue &b)
{
    return Planner::sameValue(a, b);
}

QStringList toStringList(const CloudUser::Views &views)
{
    QStringList out;
    out.reserve(views.size());
    for (QStringView v : views) {
        out.append(v.toString());
    }
    return out;
}

/**
 * MappedValue::sameAs() against property @p i of a cloud user, without building the QJsonValue: this runs for every
 * managed property of every user. Absent, null, "" and [] all mean "no value".
 */
bool sameAs(const MappedValue &desired, const CloudUser &cloud, qsizetype i)
{
    switch (cloud.typeAt(i)) {
    case CloudUser::Type::Null:
        return desired.isEmpty();
    case CloudUser::Type::False:
    case CloudUser::Type::True:
        return desired.type == MappedValue::Bool && desired.flag == (cloud.typeAt(i) == CloudUser::Type::True);
    case CloudUser::Type::String: {
        const QStringView s = cloud.textAt(i);
        if (s.isEmpty() || desired.isEmpty()) {
            return s.isEmpty() && desired.isEmpty();
        }
        return desired.type == MappedValue::String && s == desired.text;
    }
    case CloudUser::Type::Strings: {
        const qsizetype n = cloud.itemCountAt(i);
        if (n == 0 || desired.isEmpty()) {
            return n == 0 && desired.isEmpty();
        }
        if (desired.type != MappedValue::Strings || desired.list.size() != n) {
            return false;
        }
        for (qsizetype k = 0; k < n; ++k) {
            if (cloud.itemAt(i, k) != desired.list.at(k)) {
                return false;
            }
        }
        return true;
    }
    case CloudUser::Type::Json:
        return desired.sameAs(cloud.valueAt(i));
    }
    return false;
}

/// A fingerprint from the compact JSON of the covered properties.
QString digest(const QByteArray &json)
{
    const QByteArray hash = QCryptographicHash::hash(json, QCryptographicHash::Sha256);
    return QString::fromLatin1(hash.toHex().left(32));
}

/**
 * Cloud users by a property value (case-insensitive), keyed by a 64-bit hash of the folded value rather than by the
 * value itself: 100,000 retained key strings would cost more memory (and time, in fresh pages) than the whole plan.
 * Candidates are verified against the object, so a hash collision can never produce a wrong match.
 */
class CloudIndex
{
public:
    explicit CloudIndex(Qt::CaseSensitivity cs)
        : m_cs(cs)
    {}

    void reserve(qsizetype n) { m_entries.reserve(n); }

    /// @p id must outlive the index (the snapshot's own key).
    void insert(QStringView value, const QString &id) { m_entries.append({hash(value), &id}); }
    /// The same with the hash of the value, as CloudUser keeps it.
    void insertHash(size_t valueHash, const QString &id) { m_entries.append({valueHash, &id}); }

    /// Call once after the inserts, before the first find().
    void finish()
    {
        // Stable: of several users with the same hash, the one inserted first is tried first.
        std::stable_sort(m_entries.begin(), m_entries.end(), [](const Entry &a, const Entry &b) {
            return a.hash < b.hash;
        });
    }

    /// The id of the cloud user whose `property` equals `value` (case-insensitively), or an empty string.
    QString find(const CloudSnapshot &cloud, QStringView (CloudUser::*property)() const, QStringView value) const
    {
        if (value.isEmpty()) {
            return {};
        }
        const size_t key = hash(value);
        auto it = std::lower_bound(m_entries.cbegin(), m_entries.cend(), key, [](const Entry &e, size_t k) {
            return e.hash < k;
        });
        for (; it != m_entries.cend() && it->hash == key; ++it) {
            const CloudUser *user = cloud.user(*it->id);
            if (user && (user->*property)().compare(value, m_cs) == 0) {
                return *it->id;
            }
        }
        return {};
    }

private:
    size_t hash(QStringView value) const
    {
        return m_cs == Qt::CaseSensitive ? qHash(value) : CloudUser::foldedHash(value);
    }

    // A sorted array rather than a hash: built once and searched a few thousand times, it costs a fraction of the
    // time and memory of 100,000 hash nodes.
    struct Entry
    {
        size_t hash;
        const QString *id;
    };

    Qt::CaseSensitivity m_cs;
    QList<Entry> m_entries;
};

/// A directory DN as a lookup key: the cheap case fold for the usual DN, the full normalisation otherwise.
QString dnKey(const QString &dn)
{
    if (dn.contains(QLatin1Char(' ')) || dn.contains(QLatin1Char('#'))) {
        return Directory::GroupResolver::normalizeDn(dn);
    }
    return dn.toCaseFolded();
}

/// Whether dnKey(dn) is only the ASCII lower case of @p dn (the usual DN), which can be hashed and compared in place.
bool isSimpleDn(QStringView dn)
{
    for (const QChar c : dn) {
        if (c.unicode() >= 0x80 || c == QLatin1Char(' ') || c == QLatin1Char('#')) {
            return false;
        }
    }
    return true;
}

/// qHash(dnKey(dn)), without building the key for the usual DN.
size_t dnKeyHash(QStringView dn)
{
    if (!isSimpleDn(dn)) {
        return qHash(dnKey(dn.toString()));
    }
    QVarLengthArray<char16_t, 128> folded(dn.size());
    for (qsizetype i = 0; i < dn.size(); ++i) {
        const char16_t c = dn.at(i).unicode();
        folded[i] = (c >= u'A' && c <= u'Z') ? char16_t(c + 32) : c;
    }
    return qHash(QStringView(folded.constData(), folded.size()));
}

/// dnKey(a) == dnKey(b), without building the keys for the usual DNs.
bool sameDnKey(QStringView a, QStringView b)
{
    if (isSimpleDn(a) && isSimpleDn(b)) {
        return a.compare(b, Qt::CaseInsensitive) == 0;
    }
    return dnKey(a.toString()) == dnKey(b.toString());
}

/// What became of a directory user, as far as groups and licences care.
struct UserOutcome
{
    bool eligible = false; ///< in scope, valid, not in conflict: may be a member and hold licences
    QStringView cloudId; ///< of a string of the input; empty for a user that is about to be created
};

bool lessView(QStringView a, QStringView b)
{
    return a < b;
}

/// The manager a directory user should have in the cloud, when the rules map "manager" (a DN in the directory).
struct ManagerTarget
{
    bool managed = false; ///< false: the cloud's manager is left as it is
    /// What the applier sets: null (no manager), {"id": cloud id} or {"anchor": …} for a manager this run creates.
    QJsonValue payload = QJsonValue::Null;
    QString cloudId; ///< the manager's cloud id, when it is known
    QString name; ///< the manager's name, for the preview
};

class PlanBuilder
{
public:
    /// @p alone: plan input.users on their own (Planner::planAlone()), recording a UserPlan for each; @p directory:
    /// all users of the directory (where managers are looked up), when input.users are only some of them.
    explicit PlanBuilder(const PlanInput &input,
                         bool alone = false,
                         const QList<Directory::DirectoryEntry> *directory = nullptr)
        : m_in(input)
        , m_alone(alone)
        , m_directory(directory ? *directory : input.users)
        , m_managesManager(input.rules.managedProperties().contains(QLatin1String("manager")))
        , m_mapper(input.rules)
        , m_fingerprintProperties(Planner::userFingerprintProperties(input.rules))
    {
        const PlanOptions &o = input.options;
        if (!o.defaultSkuId.isEmpty()) {
            m_managedSkus.insert(o.defaultSkuId);
        }
        for (const QString &sku : o.skuByGroup) {
            m_managedSkus.insert(sku);
        }
    }

    ChangePlan run()
    {
        indexCloud();
        resolveGroups();
        planUsers();
        if (m_alone) {
            return {};
        }
        if (m_in.options.syncGroups) {
            planGroups();
        }
        planLicenceGroups();
        countSeats();
        ChangePlan plan;
        plan.changes.reserve(m_userChanges.size() + m_groupChanges.size() + m_memberChanges.size()
                             + m_licenceChanges.size());
        plan.changes << m_userChanges << m_groupChanges << m_memberChanges << m_licenceChanges;
        plan.unchangedUsers = m_unchangedUsers;
        plan.unchangedGroups = m_unchangedGroups;
        plan.seats = m_seats;
        return plan;
    }

    /// After run() with `alone`: one UserPlan per user of the input.
    QList<UserPlan> takeUserPlans() { return std::move(m_userPlans); }

private:
    void indexCloud()
    {
        const CloudSnapshot &c = m_in.cloud;
        const QHash<QString, CloudUser> &users = c.users();
        m_cloudByImmutableId.reserve(users.size());
        m_cloudByUpn.reserve(users.size());
        for (auto it = users.cbegin(); it != users.cend(); ++it) {
            // The hashes the user keeps: an empty value is left out at find() time, so it need not be here.
            m_cloudByImmutableId.insertHash(it->onPremisesImmutableIdHash(), it.key());
            m_cloudByUpn.insertHash(it->userPrincipalNameHash(), it.key());
            if (m_in.options.softMatch) {
                const QStringView mail = it->mail();
                if (!mail.isEmpty()) {
                    m_cloudByMail.insert(mail, it.key());
                }
            }
        }
        m_cloudByImmutableId.finish();
        m_cloudByUpn.finish();
        m_cloudByMail.finish();
        m_outcomes.reserve(m_in.users.size());
    }

    /// Cloud id → anchor of every link (and of the links this plan makes), built on first use: a plan in which
    /// nobody is adopted and no member leaves a group never needs it.
    QHash<QStringView, QStringView> &linkedCloudIds()
    {
        if (!m_linkedCloudIdsBuilt) {
            m_linkedCloudIdsBuilt = true;
            m_linkedCloudIds.reserve(m_in.links.size());
            for (auto it = m_in.links.cbegin(); it != m_in.links.cend(); ++it) {
                m_linkedCloudIds.insert(it->cloudId, it.key());
            }
        }
        return m_linkedCloudIds;
    }

    void resolveGroups()
    {
        // No filter and no groups: everyone is in scope, and a set of 100,000 anchors would only say so.
        m_everyoneInScope = m_in.scope.filter().isEmpty() && m_in.scope.groups().isEmpty();
        if (!m_everyoneInScope) {
            m_usersInScope = m_in.scope.usersInScope(m_in.users, m_in.groups);
        }
        const bool needMembership = m_in.options.syncGroups || !m_in.options.skuByGroup.isEmpty();
        if (!needMembership || m_in.groups.isEmpty()) {
            return;
        }
        m_memberships = flattenMemberships();
        if (m_in.options.skuByGroup.isEmpty()) {
            return;
        }
        QHash<QString, QString> skuByKey;
        for (auto it = m_in.options.skuByGroup.cbegin(); it != m_in.options.skuByGroup.cend(); ++it) {
            skuByKey.insert(it.key(), it.value());
            skuByKey.insert(Directory::GroupResolver::normalizeDn(it.key()), it.value());
        }
        for (const Directory::GroupMembership &m : std::as_const(m_memberships)) {
            QString sku = skuByKey.value(m.groupAnchor);
            if (sku.isEmpty()) {
                sku = skuByKey.value(Directory::GroupResolver::normalizeDn(m.groupDn));
            }
            if (sku.isEmpty()) {
                continue;
            }
            for (const QString &user : m.userAnchors) {
                QStringList &skus = m_groupSkus[user];
                if (!skus.contains(sku)) {
                    skus.append(sku);
                }
            }
        }
    }

    /**
     * Each directory group's users, nested groups flattened, cycles tolerated. The same result as GroupResolver's
     * flattened resolve(), but keyed by entry index and without per-member strings, because with 100,000 users
     * and 100,000 memberships the general resolver alone took longer than the planning budget.
     */
    QList<Directory::GroupMembership> flattenMemberships() const
    {
        const QList<Directory::DirectoryEntry> &users = m_in.users;
        const QList<Directory::DirectoryEntry> &groups = m_in.groups;
        // Users by the hash of their DN key, sorted: no key string is built for the usual DN, neither here nor for
        // each member below. Of users with the same key the last one counts, as in a hash keyed by the key.
        QList<QPair<size_t, int>> userByDn;
        userByDn.reserve(users.size());
        for (int i = 0; i < users.size(); ++i) {
            userByDn.append({dnKeyHash(users.at(i).dn), i});
        }
        std::sort(userByDn.begin(), userByDn.end());
        auto findUser = [&users, &userByDn](const QString &dn, size_t hash) {
            auto it = std::upper_bound(userByDn.cbegin(), userByDn.cend(), qMakePair(hash, INT_MAX));
            while (it != userByDn.cbegin() && (it - 1)->first == hash) {
                --it;
                if (sameDnKey(users.at(it->second).dn, dn)) {
                    return it->second;
                }
            }
            return -1;
        };
        QHash<QString, int> groupByDn;
        groupByDn.reserve(groups.size());
        for (int g = 0; g < groups.size(); ++g) {
            groupByDn.insert(dnKey(groups.at(g).dn), g);
        }
        QHash<QString, int> userByUid; // only built when some group lists memberUid
        const QString memberUid = str("memberuid");

        QList<QList<int>> directUsers(groups.size());
        QList<QList<int>> nestedGroups(groups.size());
        for (int g = 0; g < groups.size(); ++g) {
            const auto &attributes = groups.at(g).attributes;
            for (const char16_t *attribute : {u"member", u"uniquemember"}) {
                for (const QString &dn : attributes.values(attribute)) {
                    const int user = findUser(dn, dnKeyHash(dn));
                    if (user >= 0) {
                        directUsers[g].append(user);
                        continue;
                    }
                    const auto nested = groupByDn.constFind(dnKey(dn));
                    if (nested != groupByDn.constEnd() && *nested != g) {
                        nestedGroups[g].append(*nested);
                    }
                }
            }
            const auto uids = attributes.constFind(memberUid);
            if (uids != attributes.constEnd()) {
                if (userByUid.isEmpty()) {
                    for (int i = 0; i < users.size(); ++i) {
                        for (const QString &uid : users.at(i).valuesOf(u"uid")) {
                            userByUid.insert(uid.trimmed().toCaseFolded(), i);
                        }
                    }
                }
                for (const QString &uid : *uids) {
                    const auto user = userByUid.constFind(uid.trimmed().toCaseFolded());
                    if (user != userByUid.constEnd()) {
                        directUsers[g].append(*user);
                    }
                }
            }
        }

        QList<Directory::GroupMembership> out;
        out.reserve(groups.size());
        QList<int> userStamp(users.size(), -1);
        QList<int> groupStamp(groups.size(), -1);
        QList<int> stack;
        for (int g = 0; g < groups.size(); ++g) {
            Directory::GroupMembership m;
            m.groupAnchor = groups.at(g).anchor;
            m.groupDn = groups.at(g).dn;
            stack = {g};
            groupStamp[g] = g;
            while (!stack.isEmpty()) {
                const int current = stack.takeLast();
                for (int u : std::as_const(directUsers.at(current))) {
                    if (userStamp.at(u) != g) {
                        userStamp[u] = g;
                        m.userAnchors.append(users.at(u).anchor);
                    }
                }
                for (int n : std::as_const(nestedGroups.at(current))) {
                    if (groupStamp.at(n) != g) {
                        groupStamp[n] = g;
                        stack.append(n);
                    }
                }
            }
            out.append(m);
        }
        return out;
    }

    Change userChange(Change::Kind kind, const Directory::DirectoryEntry *entry, const QString &displayName) const
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

    QString fingerprintUser(const CloudUser &cloud) const
    {
        return Planner::fingerprint(cloud, m_fingerprintProperties);
    }

    bool isDisabledByUs(const CloudUser &cloud) const
    {
        return !cloud.accountEnabled(true) && cloud.displayName().startsWith(m_in.options.disablePrefix);
    }

    /// Managed properties whose cloud value differs from the desired one.
    QList<AttributeDiff> diffUser(const MappedUser &desired, const CloudUser &cloud) const
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

    static QJsonObject payloadOf(const QList<AttributeDiff> &diffs)
    {
        QJsonObject o;
        for (const AttributeDiff &d : diffs) {
            o.insert(d.property, d.newValue.isUndefined() ? QJsonValue(QJsonValue::Null) : d.newValue);
        }
        return o;
    }

    /// "drift in the cloud: jobTitle, city" when the cloud no longer has what was last written.
    static QString driftReason(const QList<AttributeDiff> &diffs, const Link &link)
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

    /**
     * Takes the manager's DN out of @p desired (the mapper reads it like any attribute) and finds the manager among
     * the directory's users: linked (its cloud id), about to be created or linked by this plan (its anchor, which the
     * applier resolves), or none (an empty attribute). A DN that is no user of the directory, or the user itself,
     * leaves the cloud's manager alone.
     */
    ManagerTarget takeManager(const Directory::DirectoryEntry &entry, MappedUser *desired)
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

    /// The manager's change for a user in the cloud, shown by name: "Anna Berg" → "Jon Dahl".
    void addManagerDiff(QList<AttributeDiff> *diffs, const CloudUser &cloud) const
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

    /// A change's payload carries the manager as the applier needs it, not as the preview shows it.
    void setManagerPayload(Change *c) const
    {
        if (c->payload.contains(QLatin1String("manager"))) {
            c->payload.insert(QStringLiteral("manager"), m_manager.payload);
        }
    }

    void planUsers()
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

    /// planUser() for one user planned alone, recording what came of it.
    void planAlone(const Directory::DirectoryEntry &entry)
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
        p.footprint =
            QStringList{dnKey(entry.dn),
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

    void planUser(const Directory::DirectoryEntry &entry)
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

    void planLinked(const Directory::DirectoryEntry &entry,
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
                c.reason = Planner::tr("the new user name %1 already belongs to another account")
                               .arg(desired.userPrincipalName);
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

    void planUnlinked(const Directory::DirectoryEntry &entry,
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
                : Planner::tr(
                      "the user name %1 belongs to an account not managed by this profile (soft matching is off)")
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

    /**
     * The display name of a disabled object: the prefix, then as much of the name as fits Graph's 256 characters
     * (graph resources/user.md, resources/group.md), so that the rename never fails for length.
     */
    QString disabledName(const QString &name) const
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

    /// The deleted user (in the deleted-items container) that carries @p immutableId, or an empty string.
    QString deletedUserWithImmutableId(const QString &immutableId)
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

    /**
     * A directory user whose cloud account was deleted less than 30 days ago comes back: the account is restored
     * (with its mailbox, memberships and licences) and set to the directory's values, rather than created anew next
     * to a deleted one that still holds its onPremisesImmutableId.
     */
    void planRestore(const Directory::DirectoryEntry &entry,
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

    /// A linked user that is out of scope or gone: disabled (or deleted), licences removed.
    void
    planLeaving(const Directory::DirectoryEntry *entry, const Link &link, const CloudUser &cloud, const QString &reason)
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

    /**
     * Adds and removes the SKUs this profile manages so that the user holds exactly the configured ones. Only direct
     * assignments are this profile's to remove; a SKU the user already holds through a group needs no direct one.
     * A SKU licensed through a group (PlanOptions::licenceGroupBySku) is wanted as a membership of that group; a
     * direct assignment of it left from before goes once the group's licence is in effect.
     */
    void planLicences(const QString &anchor, const MappedUser &desired, const CloudUser *cloud, const QString &cloudId)
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
            const bool replacedByGroup =
                inherited.contains(sku) && m_in.options.licenceGroupBySku.contains(sku.toString());
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
        const QString location = desired.value(QStringLiteral("usageLocation"))
                                     .toString(cloud ? cloud->usageLocation().toString() : QString());
        if (!add.isEmpty() && location.isEmpty()) {
            l.kind = Change::Kind::Invalid;
            l.reason =
                Planner::tr("a licence needs a usage location; set a default usage location or the user's country");
        }
        m_licenceChanges.append(l);
    }

    Change licenceChange(const QString &anchor,
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

    /**
     * The assignLicense body and the diff the preview shows: the direct assignments before and after. Licences held
     * through a group are named in the reason, since this change does not touch them.
     */
    static void setLicenceDiff(Change *l,
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
        l->diffs = {{QStringLiteral("assignedLicenses"),
                     QJsonArray::fromStringList(current),
                     QJsonArray::fromStringList(after)}};
        QJsonArray addArray;
        for (const QString &sku : add) {
            addArray.append(
                QJsonObject{{QStringLiteral("skuId"), sku}, {QStringLiteral("disabledPlans"), QJsonArray()}});
        }
        l->payload = QJsonObject{{QStringLiteral("addLicenses"), addArray},
                                 {QStringLiteral("removeLicenses"), QJsonArray::fromStringList(remove)}};
        if (!inherited.isEmpty()) {
            const QString held =
                Planner::tr("also holds %1 through a group").arg(toStringList(inherited).join(QStringLiteral(", ")));
            l->reason = l->reason.isEmpty() ? held : l->reason + QStringLiteral("; ") + held;
        }
    }

    /**
     * One membership change per group that licenses a SKU: the users who should hold the SKU join it, and users this
     * profile manages who should not (left the scope, another SKU) leave it. Members an admin added by hand stay.
     */
    void planLicenceGroups()
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
            c.cloudFingerprint = Planner::fingerprint(
                QJsonObject{{str("members"), QJsonArray::fromStringList(current)}}, QStringList{str("members")});
            c.reason = Planner::tr("licence %1 through the group: %2 to add, %3 to remove")
                           .arg(skuName(sku))
                           .arg(c.membersToAdd.size())
                           .arg(c.membersToRemove.size());
            m_licenceGroupChanges.insert(sku, int(m_memberChanges.size()));
            m_memberChanges.append(c);
        }
    }

    /// The part number of a SKU the tenant has (SPE_E3), else its id.
    QString skuName(const QString &skuId) const
    {
        for (const QJsonObject &sku : m_in.cloud.subscribedSkus) {
            if (sku.value(QLatin1String("skuId")).toString() == skuId) {
                const QString name = sku.value(QLatin1String("skuPartNumber")).toString();
                return name.isEmpty() ? skuId : name;
            }
        }
        return skuId;
    }

    void planGroups()
    {
        QHash<QString, const Directory::GroupMembership *> membershipByAnchor;
        for (const Directory::GroupMembership &m : std::as_const(m_memberships)) {
            membershipByAnchor.insert(m.groupAnchor, &m);
        }
        QSet<QString> directoryGroups;
        for (const Directory::DirectoryEntry &g : m_in.groups) {
            if (!m_in.options.groupScope.matchesFilter(g)) {
                continue;
            }
            directoryGroups.insert(g.anchor);
            planGroup(g, membershipByAnchor.value(g.anchor));
        }
        for (auto it = m_in.links.cbegin(); it != m_in.links.cend(); ++it) {
            if (it->objectType != Change::ObjectType::Group || directoryGroups.contains(it.key())) {
                continue;
            }
            const auto cloud = m_in.cloud.groups.constFind(it->cloudId);
            if (cloud == m_in.cloud.groups.constEnd()) {
                continue;
            }
            const QString name = cloud->value(QLatin1String("displayName")).toString();
            if (name.startsWith(m_in.options.disablePrefix) && !m_in.options.hardDelete) {
                ++m_unchangedGroups;
                continue;
            }
            Change c;
            c.kind = m_in.options.hardDelete ? Change::Kind::Delete : Change::Kind::Disable;
            c.objectType = Change::ObjectType::Group;
            c.anchor = it.key();
            c.cloudId = it->cloudId;
            c.displayName = name;
            c.cloudFingerprint = Planner::fingerprint(*cloud, groupProperties());
            c.reason = Planner::tr("no longer in the directory or out of scope");
            if (c.kind == Change::Kind::Disable) {
                c.diffs = {AttributeDiff{str("displayName"), name, disabledName(name)}};
                c.payload = payloadOf(c.diffs);
            }
            m_groupChanges.append(c);
        }
    }

    /**
     * The cloud group with this mail nickname (unique in a tenant) that no link of this profile names yet, or nullptr:
     * a second profile on the same tenant, or a group made by hand, is linked instead of created twice.
     */
    const QJsonObject *unlinkedGroupNamed(const QString &mailNickname, QString *id)
    {
        if (!m_groupsByNicknameBuilt) {
            m_groupsByNicknameBuilt = true;
            QSet<QString> linked;
            for (auto it = m_in.links.cbegin(); it != m_in.links.cend(); ++it) {
                if (it->objectType == Change::ObjectType::Group) {
                    linked.insert(it->cloudId);
                }
            }
            const QList<QString> licensing = m_in.options.licenceGroupBySku.values();
            for (auto it = m_in.cloud.groups.cbegin(); it != m_in.cloud.groups.cend(); ++it) {
                const QString nickname = it->value(QLatin1String("mailNickname")).toString();
                if (!nickname.isEmpty() && !linked.contains(it.key()) && !licensing.contains(it.key())) {
                    m_groupsByNickname.insert(nickname.toCaseFolded(), it.key());
                }
            }
        }
        // Taken once: two directory groups with one nickname must not both adopt it.
        *id = m_groupsByNickname.take(mailNickname.toCaseFolded());
        const auto found = m_in.cloud.groups.constFind(*id);
        return id->isEmpty() || found == m_in.cloud.groups.constEnd() ? nullptr : &*found;
    }

    static const QStringList &groupProperties() { return Planner::groupFingerprintProperties(); }

    void planGroup(const Directory::DirectoryEntry &group, const Directory::GroupMembership *membership)
    {
        QString name = group.value(QStringLiteral("displayName"));
        if (name.isEmpty()) {
            name = group.value(QStringLiteral("cn"));
        }
        const QString description = group.value(QStringLiteral("description"));
        const UpnResult nickname = MappingRules::normalizeMailNickname(group.value(QStringLiteral("cn")));
        Change c;
        c.objectType = Change::ObjectType::Group;
        c.anchor = group.anchor;
        c.sourceDn = group.dn;
        c.displayName = name;
        if (name.isEmpty() || !nickname.ok()) {
            c.kind = Change::Kind::Invalid;
            c.reason = name.isEmpty() ? Planner::tr("the group has no name") : nickname.invalidReason;
            m_groupChanges.append(c);
            return;
        }
        const QList<QPair<QString, QJsonValue>> desired{
            {str("displayName"), name},
            {str("description"), description.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(description)},
            {str("mailNickname"), nickname.value}};

        QString groupCloudId;
        const auto link = m_in.links.constFind(group.anchor);
        const QJsonObject *cloud = nullptr;
        if (link != m_in.links.constEnd() && link->objectType == Change::ObjectType::Group) {
            const auto found = m_in.cloud.groups.constFind(link->cloudId);
            if (found != m_in.cloud.groups.constEnd()) {
                cloud = &*found;
                groupCloudId = link->cloudId;
            }
        }
        if (cloud) {
            for (const auto &p : desired) {
                const QJsonValue current = cloud->value(p.first);
                if (!sameValue(current, p.second)) {
                    c.diffs.append({p.first, current, p.second});
                }
            }
            if (c.diffs.isEmpty()) {
                ++m_unchangedGroups;
            } else {
                const bool enable =
                    cloud->value(QLatin1String("displayName")).toString().startsWith(m_in.options.disablePrefix);
                c.kind = enable ? Change::Kind::Enable : Change::Kind::Update;
                c.cloudId = groupCloudId;
                c.cloudFingerprint = Planner::fingerprint(*cloud, groupProperties());
                c.reason = enable ? Planner::tr("back in scope") : driftReason(c.diffs, *link);
                c.payload = payloadOf(c.diffs);
                m_groupChanges.append(c);
            }
        } else if (const QJsonObject *existing = unlinkedGroupNamed(nickname.value, &groupCloudId)) {
            // Another profile (or an admin) made it: adopted, never duplicated.
            c.cloudId = groupCloudId;
            c.cloudFingerprint = Planner::fingerprint(*existing, groupProperties());
            const bool manageable = existing->value(QLatin1String("securityEnabled")).toBool()
                && !existing->value(QLatin1String("mailEnabled")).toBool()
                && !existing->value(QLatin1String("groupTypes")).toArray().contains(QStringLiteral("Unified"));
            if (!manageable) {
                // Graph cannot manage the members of a mail-enabled or Microsoft 365 group as this plan would.
                c.kind = Change::Kind::Conflict;
                c.reason = Planner::tr("the mail nickname %1 belongs to a mail-enabled or Microsoft 365 group, "
                                       "which is not linked")
                               .arg(nickname.value);
                m_groupChanges.append(c);
                return;
            }
            c.kind = Change::Kind::Link;
            c.reason = Planner::tr("an existing group with the mail nickname %1").arg(nickname.value);
            for (const auto &p : desired) {
                const QJsonValue current = existing->value(p.first);
                if (!sameValue(current, p.second)) {
                    c.diffs.append({p.first, current, p.second});
                }
            }
            c.payload = payloadOf(c.diffs);
            m_groupChanges.append(c);
        } else {
            c.kind = Change::Kind::Create;
            for (const auto &p : desired) {
                if (!isEmptyValue(p.second)) {
                    c.payload.insert(p.first, p.second);
                    c.diffs.append({p.first, QJsonValue(QJsonValue::Undefined), p.second});
                }
            }
            c.payload.insert(QStringLiteral("securityEnabled"), true);
            c.payload.insert(QStringLiteral("mailEnabled"), false);
            m_groupChanges.append(c);
        }
        planMembers(group, membership, groupCloudId, name);
    }

    void planMembers(const Directory::DirectoryEntry &group,
                     const Directory::GroupMembership *membership,
                     const QString &groupCloudId,
                     const QString &name)
    {
        QList<MemberRef> add;
        QList<MemberRef> remove;
        // Sorted lists rather than sets: a group has tens of members, and sets for 5,000 groups cost more than
        // sorting them.
        QList<QStringView> wantedCloudIds;
        QStringList current;
        if (!groupCloudId.isEmpty()) {
            current = m_in.cloud.groupMembers.value(groupCloudId);
            std::sort(current.begin(), current.end());
            current.erase(std::unique(current.begin(), current.end()), current.end());
        }
        if (membership) {
            for (const QString &anchor : membership->userAnchors) {
                const auto outcome = m_outcomes.constFind(anchor);
                if (outcome == m_outcomes.constEnd() || !outcome->eligible) {
                    continue;
                }
                if (outcome->cloudId.isEmpty()
                    || !std::binary_search(current.cbegin(), current.cend(), outcome->cloudId, lessView)) {
                    add.append({anchor, outcome->cloudId.toString()});
                }
                if (!outcome->cloudId.isEmpty()) {
                    wantedCloudIds.append(outcome->cloudId);
                }
            }
        }
        std::sort(wantedCloudIds.begin(), wantedCloudIds.end(), lessView);
        // Only members this profile manages are removed; people an admin added by hand stay.
        QStringList removed; // sorted, as current is
        for (const QString &id : std::as_const(current)) {
            if (std::binary_search(wantedCloudIds.cbegin(), wantedCloudIds.cend(), QStringView(id), lessView)) {
                continue;
            }
            const auto managed = linkedCloudIds().constFind(id);
            if (managed != linkedCloudIds().constEnd()) {
                removed.append(id);
            }
        }
        for (const QString &id : std::as_const(removed)) {
            remove.append({linkedCloudIds().value(id).toString(), id});
        }
        if (add.isEmpty() && remove.isEmpty()) {
            return;
        }
        Change c;
        c.kind = Change::Kind::Update;
        c.objectType = Change::ObjectType::Membership;
        c.anchor = group.anchor;
        c.sourceDn = group.dn;
        c.cloudId = groupCloudId;
        c.displayName = name;
        if (!groupCloudId.isEmpty()) {
            c.cloudFingerprint = Planner::fingerprint(
                QJsonObject{{str("members"), QJsonArray::fromStringList(current)}}, QStringList{str("members")});
        }
        c.reason = Planner::tr("%1 to add, %2 to remove").arg(add.size()).arg(remove.size());
        c.membersToAdd = std::move(add);
        c.membersToRemove = std::move(remove);
        m_memberChanges.append(c);
    }

    /// Seats needed and released per SKU, and the licence changes that go beyond what will be free.
    void countSeats()
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
        for (auto it = m_licenceGroupChanges.cbegin(); it != m_licenceGroupChanges.cend(); ++it) {
            Change &c = m_memberChanges[it.value()];
            SeatCount &s = seat(it.key());
            const int added = int(c.membersToAdd.size());
            s.needed += added;
            used[it.key()] += added;
            c.exceedsSeats = used.value(it.key()) > s.free() + s.released;
        }
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

    const PlanInput &m_in;
    const bool m_alone;
    const QList<Directory::DirectoryEntry> &m_directory;
    const bool m_managesManager;
    QHash<QString, int> m_userByDnKey; // index into m_directory; built on the first manager looked up
    QList<UserPlan> m_userPlans; // when alone
    const UserMapper m_mapper;
    const QStringList m_fingerprintProperties;
    MappedUser m_desired; // the user being planned, kept to reuse its storage
    ManagerTarget m_manager; // the manager of the user being planned
    mutable QStringList m_propertyNames; // the names of the MappedUser m_indexByPropertyId was built for
    mutable QList<qsizetype> m_indexByPropertyId; // CloudUser property id → its index in a MappedUser, or -1
    QSet<QString> m_managedSkus;
    bool m_everyoneInScope = false;
    QSet<QString> m_usersInScope; // when not everyone is
    QList<Directory::GroupMembership> m_memberships;
    QHash<QString, QStringList> m_groupSkus; // user anchor → SKUs through groups
    QHash<QString, QList<MemberRef>> m_licenceGroupMembers; // SKU → users who should hold it through its group
    QHash<QString, int> m_licenceGroupChanges; // SKU → index of its group's membership change in m_memberChanges
    CloudIndex m_cloudByImmutableId{Qt::CaseSensitive};
    CloudIndex m_cloudByUpn{Qt::CaseInsensitive};
    CloudIndex m_cloudByMail{Qt::CaseInsensitive}; // soft match only
    // Cloud id → anchor, as views of the input's strings: 100,000 copies of both would write to as many cold cache
    // lines for their reference counts.
    QHash<QStringView, QStringView> m_linkedCloudIds; // see linkedCloudIds()
    bool m_linkedCloudIdsBuilt = false;
    QList<const Link *> m_seenLinks; // the links of directory users
    QHash<QString, QString> m_groupsByNickname; // folded mail nickname → group id; see unlinkedGroupNamed()
    QHash<QString, QString> m_deletedByImmutableId; // see deletedUserWithImmutableId()
    bool m_groupsByNicknameBuilt = false;
    QSet<QString> m_plannedUpns;
    QHash<QStringView, UserOutcome> m_outcomes; // by anchor, viewed in the input
    QList<Change> m_userChanges;
    QList<Change> m_groupChanges;
    QList<Change> m_memberChanges;
    QList<Change> m_licenceChanges;
    QList<SeatCount> m_seats;
    int m_unchangedUsers = 0;
    int m_unchangedGroups = 0;
};

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
