// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "groupresolver.h"

#include <QCoreApplication>

#include <functional>

namespace M365::Directory {

GroupResolver::GroupResolver()
    : m_memberAttributes{QStringLiteral("member"), QStringLiteral("uniquemember"), QStringLiteral("memberuid")}
{}

void GroupResolver::setMemberAttributes(const QStringList &attributes)
{
    m_memberAttributes.clear();
    for (const QString &a : attributes) {
        m_memberAttributes.append(a.toLower());
    }
}

QString GroupResolver::normalizeDn(const QString &dn)
{
    QString text = dn.trimmed();
    // uniqueMember (nameAndOptionalUID) may end in #'0101'B.
    const int hash = text.lastIndexOf(QLatin1String("#'"));
    if (hash > 0 && text.endsWith(QLatin1String("'B"))) {
        text.truncate(hash);
    }
    QString out;
    out.reserve(text.size());
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char(' ')) {
            // Drop spaces next to ',' '=' '+' (insignificant in DN syntax); keep others.
            const QChar prev = out.isEmpty() ? QChar() : out.back();
            int j = i;
            while (j < text.size() && text.at(j) == QLatin1Char(' ')) {
                ++j;
            }
            const QChar next = j < text.size() ? text.at(j) : QChar();
            const auto isSep = [](QChar ch) {
                return ch == QLatin1Char(',') || ch == QLatin1Char('=') || ch == QLatin1Char('+');
            };
            if (isSep(prev) || isSep(next) || prev.isNull() || next.isNull()) {
                i = j - 1;
                continue;
            }
        }
        out.append(c);
    }
    return out.toCaseFolded();
}

void GroupResolver::addEntry(const DirectoryEntry &entry)
{
    if (entry.kind == EntryKind::User) {
        if (!entry.dn.isEmpty()) {
            m_userByKey.insert(normalizeDn(entry.dn), entry.anchor);
        }
        for (const QString &uid : entry.valuesOf(u"uid")) {
            m_userByKey.insert(QStringLiteral("uid:") + uid.toCaseFolded(), entry.anchor);
        }
        return;
    }
    if (entry.kind != EntryKind::Group) {
        return;
    }
    Group group;
    group.anchor = entry.anchor;
    group.dn = entry.dn;
    for (const QString &attribute : std::as_const(m_memberAttributes)) {
        const bool byUid = attribute == QLatin1String("memberuid");
        for (const QString &value : entry.valuesOf(attribute)) {
            group.members.append(byUid ? QStringLiteral("uid:") + value.trimmed().toCaseFolded() : normalizeDn(value));
        }
    }
    if (!entry.dn.isEmpty()) {
        m_groupByDn.insert(normalizeDn(entry.dn), entry.anchor);
    }
    m_groupIndex.insert(group.anchor, int(m_groups.size()));
    m_groups.append(group);
}

QList<GroupMembership> GroupResolver::resolve(bool flattenNested) const
{
    m_problems.clear();
    // Direct edges first: users, nested groups, unresolved values.
    QList<GroupMembership> result;
    QList<QList<int>> nested(m_groups.size());
    for (int i = 0; i < m_groups.size(); ++i) {
        const Group &group = m_groups.at(i);
        GroupMembership membership;
        membership.groupAnchor = group.anchor;
        membership.groupDn = group.dn;
        QSet<QString> seen;
        for (const QString &member : group.members) {
            const auto user = m_userByKey.constFind(member);
            if (user != m_userByKey.constEnd()) {
                if (!seen.contains(*user)) {
                    seen.insert(*user);
                    membership.userAnchors.append(*user);
                }
                continue;
            }
            const auto groupAnchor = m_groupByDn.constFind(member);
            if (groupAnchor != m_groupByDn.constEnd()) {
                const int index = m_groupIndex.value(*groupAnchor, -1);
                if (index >= 0 && !nested[i].contains(index)) {
                    nested[i].append(index);
                    membership.groupAnchors.append(*groupAnchor);
                }
                continue;
            }
            membership.unresolved.append(member);
        }
        result.append(membership);
    }

    // Cycle detection: a depth-first search that reports each back edge once.
    enum Colour { White, Grey, Black };
    QList<Colour> colour(m_groups.size(), White);
    QList<int> path;
    std::function<void(int)> visit = [&](int g) {
        colour[g] = Grey;
        path.append(g);
        for (int next : std::as_const(nested[g])) {
            if (colour[next] == Grey) {
                QStringList names;
                for (int k = int(path.indexOf(next)); k < path.size(); ++k) {
                    names.append(m_groups.at(path.at(k)).dn);
                }
                names.append(m_groups.at(next).dn);
                m_problems.append(EntryProblem{
                    m_groups.at(next).dn,
                    0,
                    QCoreApplication::translate("M365::Directory::GroupResolver", "group membership cycle: %1")
                        .arg(names.join(QStringLiteral(" → "))),
                    {}});
            } else if (colour[next] == White) {
                visit(next);
            }
        }
        path.removeLast();
        colour[g] = Black;
    };
    for (int g = 0; g < m_groups.size(); ++g) {
        if (colour[g] == White) {
            visit(g);
        }
    }

    if (flattenNested) {
        // Each group's users plus those of every group reachable from it; the visited set makes
        // cycles harmless.
        for (int g = 0; g < m_groups.size(); ++g) {
            QSet<QString> users(result[g].userAnchors.cbegin(), result[g].userAnchors.cend());
            QList<int> stack = nested[g];
            QSet<int> visited{g};
            while (!stack.isEmpty()) {
                const int next = stack.takeLast();
                if (visited.contains(next)) {
                    continue;
                }
                visited.insert(next);
                for (const QString &user : std::as_const(result[next].userAnchors)) {
                    if (!users.contains(user)) {
                        users.insert(user);
                        result[g].userAnchors.append(user);
                    }
                }
                stack.append(nested[next]);
            }
        }
        // Nested lists are replaced only after all unions used the direct ones.
        for (GroupMembership &membership : result) {
            membership.groupAnchors.clear();
        }
    }
    return result;
}

} // namespace M365::Directory
