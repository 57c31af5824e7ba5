// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "undoplanner.h"

#include <QJsonArray>

#include <algorithm>
#include <optional>

namespace M365::Sync {

namespace {

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

/// What one run's change looks like to the undo planner: the run's change and the object it touched now.
class Reverser
{
public:
    Reverser(qint64 runId,
             const CloudSnapshot &cloud,
             const QHash<QString, Link> &links,
             const QStringList &userFingerprintProperties)
        : m_runId(runId)
        , m_cloud(cloud)
        , m_links(links)
        , m_userProperties(userFingerprintProperties)
    {}

    /// The reverse of @p done, or nothing when its object is already as it was before the run.
    std::optional<Change> reverse(const Change &done)
    {
        switch (done.kind) {
        case Change::Kind::Delete:
            return invalid(
                done,
                UndoPlanner::tr("a deleted object cannot be brought back by undo; a deleted user is restored "
                                "from the deleted items by the next sync"));
        case Change::Kind::Link:
            return invalid(done,
                           UndoPlanner::tr("a link to an existing account cannot be undone here; exclude the object "
                                           "in the profile instead"));
        case Change::Kind::Conflict:
        case Change::Kind::Invalid:
            return std::nullopt; // never applied
        default:
            break;
        }
        switch (done.objectType) {
        case Change::ObjectType::User:
        case Change::ObjectType::Group:
            if (done.kind == Change::Kind::Create || done.kind == Change::Kind::Restore) {
                return done.objectType == Change::ObjectType::User
                    ? disableCreatedUser(done)
                    : invalid(done,
                              UndoPlanner::tr("a group the run created is kept; delete it in the admin centre if it "
                                              "is not wanted"));
            }
            return reverseProperties(done);
        case Change::ObjectType::Licence:
            return reverseLicences(done);
        case Change::ObjectType::Membership:
            return reverseMembers(done);
        }
        return std::nullopt;
    }

private:
    /// The change as the preview shows it: the run's object, why it is there, nothing to send yet.
    Change base(const Change &done, Change::Kind kind) const
    {
        Change c;
        c.kind = kind;
        c.objectType = done.objectType;
        c.anchor = done.anchor;
        c.sourceDn = done.sourceDn;
        c.cloudId = cloudIdOf(done);
        c.displayName = done.displayName;
        c.userPrincipalName = done.userPrincipalName;
        c.reason = UndoPlanner::tr("undoes run %1").arg(m_runId);
        return c;
    }

    Change invalid(const Change &done, const QString &reason) const
    {
        Change c = base(done, Change::Kind::Invalid);
        c.reason = reason;
        return c;
    }

    Change conflict(const Change &done, const QString &reason) const
    {
        Change c = base(done, Change::Kind::Conflict);
        c.reason = reason;
        c.cloudFingerprint = fingerprintOf(c);
        return c;
    }

    Change gone(const Change &done) const
    {
        return conflict(done, UndoPlanner::tr("no longer in the tenant since run %1").arg(m_runId));
    }

    /// The object's id: the change's own, or (for objects the run created) the link's.
    QString cloudIdOf(const Change &done) const
    {
        if (!done.cloudId.isEmpty()) {
            return done.cloudId;
        }
        const Change::ObjectType type =
            done.objectType == Change::ObjectType::Group || done.objectType == Change::ObjectType::Membership
            ? Change::ObjectType::Group
            : Change::ObjectType::User;
        const auto link = m_links.constFind(done.anchor);
        return link != m_links.constEnd() && link->objectType == type ? link->cloudId : QString();
    }

    bool exists(const Change &c) const
    {
        if (c.cloudId.isEmpty()) {
            return false;
        }
        const bool group = c.objectType == Change::ObjectType::Group || c.objectType == Change::ObjectType::Membership;
        return group ? m_cloud.groups.contains(c.cloudId) : m_cloud.user(c.cloudId) != nullptr;
    }

    QJsonValue currentValue(const Change &c, const QString &property) const
    {
        if (c.objectType == Change::ObjectType::Group) {
            return m_cloud.groups.value(c.cloudId).value(property);
        }
        const CloudUser *user = m_cloud.user(c.cloudId);
        return user ? user->value(property) : QJsonValue(QJsonValue::Undefined);
    }

    /// What the applier compares before it writes (applier.cpp queueChecks()); empty: not checked.
    QString fingerprintOf(const Change &c) const
    {
        if (!exists(c)) {
            return {};
        }
        switch (c.objectType) {
        case Change::ObjectType::Group:
            return Planner::fingerprint(m_cloud.groups.value(c.cloudId), Planner::groupFingerprintProperties());
        case Change::ObjectType::Membership: {
            // As the planner fingerprints memberships; the applier does not check them.
            QStringList members = m_cloud.groupMembers.value(c.cloudId);
            std::sort(members.begin(), members.end());
            members.erase(std::unique(members.begin(), members.end()), members.end());
            return Planner::fingerprint(QJsonObject{{str("members"), QJsonArray::fromStringList(members)}},
                                        QStringList{str("members")});
        }
        case Change::ObjectType::User:
        case Change::ObjectType::Licence:
            return m_userProperties.isEmpty() ? QString()
                                              : Planner::fingerprint(*m_cloud.user(c.cloudId), m_userProperties);
        }
        return {};
    }

    /// User and group Update, Enable and Disable: every property the run changed back to what it replaced.
    std::optional<Change> reverseProperties(const Change &done)
    {
        const Change::Kind kind = done.kind == Change::Kind::Disable ? Change::Kind::Enable
            : done.kind == Change::Kind::Enable                      ? Change::Kind::Disable
                                                                     : Change::Kind::Update;
        Change c = base(done, kind);
        if (!exists(c)) {
            return gone(done);
        }
        QStringList changedSince;
        for (const AttributeDiff &d : done.diffs) {
            if (d.property == QLatin1String("manager")) {
                // The diff holds the managers' names for the preview, not their ids: it cannot be written back.
                continue;
            }
            const QJsonValue current = currentValue(c, d.property);
            if (Planner::sameValue(current, d.oldValue)) {
                continue; // already as before the run
            }
            if (!Planner::sameValue(current, d.newValue)) {
                changedSince.append(d.property);
                continue;
            }
            QJsonValue target = d.oldValue.isUndefined() ? QJsonValue(QJsonValue::Null) : d.oldValue;
            if (done.kind == Change::Kind::Disable && d.property == QLatin1String("accountEnabled")
                && target.isNull()) {
                target = true; // the disable did not know the old value; it was not disabled
            }
            c.diffs.append({d.property, current, target});
            c.payload.insert(d.property, target);
        }
        if (!changedSince.isEmpty()) {
            return conflict(
                done,
                UndoPlanner::tr("changed since run %1: %2").arg(m_runId).arg(changedSince.join(QStringLiteral(", "))));
        }
        if (c.payload.isEmpty()) {
            return std::nullopt;
        }
        c.cloudFingerprint = fingerprintOf(c);
        return c;
    }

    /// A user the run created (or restored from the deleted items) is disabled, never deleted: its mailbox, licences
    /// and files stay.
    std::optional<Change> disableCreatedUser(const Change &done)
    {
        Change c = base(done, Change::Kind::Disable);
        if (!exists(c)) {
            return gone(done);
        }
        QStringList changedSince;
        for (const AttributeDiff &d : done.diffs) {
            if (d.property == QLatin1String("manager") || !m_cloud.user(c.cloudId)->contains(d.property)) {
                continue; // a relationship, or a property the tenant read did not include
            }
            if (!Planner::sameValue(currentValue(c, d.property), d.newValue)) {
                changedSince.append(d.property);
            }
        }
        if (!changedSince.isEmpty()) {
            return conflict(
                done,
                UndoPlanner::tr("changed since run %1: %2").arg(m_runId).arg(changedSince.join(QStringLiteral(", "))));
        }
        const QJsonValue enabled = currentValue(c, str("accountEnabled"));
        if (enabled.isBool() && !enabled.toBool()) {
            return std::nullopt;
        }
        c.diffs = {{str("accountEnabled"), enabled, false}};
        c.payload = QJsonObject{{str("accountEnabled"), false}};
        c.cloudFingerprint = fingerprintOf(c);
        return c;
    }

    /// The reverse assignLicense: SKUs the run added are removed, those it removed added again.
    std::optional<Change> reverseLicences(const Change &done)
    {
        Change c = base(done, Change::Kind::Update);
        if (!exists(c)) {
            return gone(done);
        }
        const CloudUser &user = *m_cloud.user(c.cloudId);
        const CloudUser::Views held = user.assignedSkuIds();
        QStringList current;
        for (QStringView sku : held) {
            current.append(sku.toString());
        }
        QStringList remove;
        for (const QJsonValue &v : done.payload.value(QLatin1String("addLicenses")).toArray()) {
            const QString sku = v.toObject().value(QLatin1String("skuId")).toString();
            if (current.contains(sku, Qt::CaseInsensitive)) {
                remove.append(sku);
            }
        }
        QJsonArray add;
        QStringList after = current;
        for (const QString &sku : std::as_const(remove)) {
            after.removeAll(sku);
        }
        for (const QJsonValue &v : done.payload.value(QLatin1String("removeLicenses")).toArray()) {
            const QString sku = v.toString();
            if (!sku.isEmpty() && !current.contains(sku, Qt::CaseInsensitive)) {
                add.append(QJsonObject{{str("skuId"), sku}, {str("disabledPlans"), QJsonArray()}});
                after.append(sku);
            }
        }
        if (add.isEmpty() && remove.isEmpty()) {
            return std::nullopt;
        }
        c.diffs = {{str("assignedLicenses"), QJsonArray::fromStringList(current), QJsonArray::fromStringList(after)}};
        c.payload = QJsonObject{{str("addLicenses"), add}, {str("removeLicenses"), QJsonArray::fromStringList(remove)}};
        c.cloudFingerprint = fingerprintOf(c);
        return c;
    }

    std::optional<Change> reverseMembers(const Change &done)
    {
        Change c = base(done, Change::Kind::Update);
        if (!exists(c)) {
            return gone(done);
        }
        UndoPlanner::reverseMembers(done, m_cloud.groupMembers.value(c.cloudId), m_links, &c);
        const int added = int(c.membersToAdd.size());
        const int removed = int(c.membersToRemove.size());
        if (added == 0 && removed == 0) {
            return std::nullopt;
        }
        c.reason = UndoPlanner::tr("undoes run %1: %2 to add, %3 to remove").arg(m_runId).arg(added).arg(removed);
        c.cloudFingerprint = fingerprintOf(c);
        return c;
    }

    const qint64 m_runId;
    const CloudSnapshot &m_cloud;
    const QHash<QString, Link> &m_links;
    const QStringList m_userProperties;
};

} // namespace

void UndoPlanner::reverseMembers(const Change &done,
                                 const QStringList &currentMembers,
                                 const QHash<QString, Link> &links,
                                 Change *undo)
{
    const Change &members = done;
    // A member the run added has no cloudId when the run created it; its link has.
    const auto resolved = [&links](const MemberRef &ref) {
        if (!ref.cloudId.isEmpty()) {
            return ref;
        }
        const auto link = links.constFind(ref.anchor);
        return MemberRef{ref.anchor,
                         link != links.constEnd() && link->objectType == Change::ObjectType::User ? link->cloudId
                                                                                                  : QString()};
    };
    undo->membersToAdd.clear();
    undo->membersToRemove.clear();
    for (const MemberRef &added : std::as_const(members.membersToAdd)) {
        const MemberRef ref = resolved(added);
        if (!ref.cloudId.isEmpty() && currentMembers.contains(ref.cloudId)) {
            undo->membersToRemove.append(ref);
        }
    }
    for (const MemberRef &removed : std::as_const(members.membersToRemove)) {
        const MemberRef ref = resolved(removed);
        if (!ref.cloudId.isEmpty() && !currentMembers.contains(ref.cloudId)) {
            undo->membersToAdd.append(ref);
        }
    }
}

ChangePlan UndoPlanner::plan(const QList<RunChangeRecord> &runChanges,
                             const CloudSnapshot &cloud,
                             const QHash<QString, Link> &links,
                             const QStringList &userFingerprintProperties)
{
    ChangePlan out;
    if (runChanges.isEmpty()) {
        return out;
    }
    Reverser reverser(runChanges.first().runId, cloud, links, userFingerprintProperties);
    // Users and groups first, then what depends on them, as the planner orders a plan (the applier runs them in
    // phases anyway); within each, in the order the run made them.
    QList<Change> objects;
    QList<Change> dependents;
    for (const RunChangeRecord &record : runChanges) {
        if (record.result != QLatin1String("done")) {
            continue; // failed, skipped or stale: the run did not change the object
        }
        const std::optional<Change> reverse = reverser.reverse(record.change);
        if (!reverse) {
            if (record.change.objectType == Change::ObjectType::User) {
                ++out.unchangedUsers;
            } else if (record.change.objectType == Change::ObjectType::Group) {
                ++out.unchangedGroups;
            }
            continue;
        }
        const bool object =
            reverse->objectType == Change::ObjectType::User || reverse->objectType == Change::ObjectType::Group;
        (object ? objects : dependents).append(*reverse);
    }
    out.changes = objects + dependents;
    return out;
}

} // namespace M365::Sync
