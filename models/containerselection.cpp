// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "containerselection.h"

namespace M365::Models {

void ContainerSelection::setContainers(const QList<Directory::DirectoryContainer> &containers)
{
    m_containers = containers;
    followScopes();
    Q_EMIT changed();
}

void ContainerSelection::setScopes(const Directory::ContainerScope &users, const Directory::ContainerScope &groups)
{
    m_users = users;
    m_groups = groups;
    followScopes();
    Q_EMIT changed();
}

void ContainerSelection::clear()
{
    m_containers.clear();
    m_users = {};
    m_groups = {};
    followScopes();
    Q_EMIT changed();
}

void ContainerSelection::followScopes()
{
    for (const Kind kind : {Kind::Users, Kind::Groups}) {
        TreeState &state = tree(kind);
        state.checked = checksForScope(m_containers, scope(kind));
        if (!m_containers.isEmpty()) {
            // What is stored is what the tree shows: containers that are gone drop out of the scope.
            mutableScope(kind) = scopeForChecks(m_containers, state.checked);
        }
        recount(kind);
    }
}

const Directory::ContainerScope &ContainerSelection::scope(Kind kind) const
{
    return kind == Kind::Users ? m_users : m_groups;
}

bool ContainerSelection::isIncluded(Kind kind, int index) const
{
    return tree(kind).checked.value(index, true);
}

bool ContainerSelection::isMixed(Kind kind, int index) const
{
    return tree(kind).mixed.value(index, false);
}

int ContainerSelection::inScopeCount(Kind kind, int index) const
{
    return tree(kind).inScope.value(index, 0);
}

int ContainerSelection::inScopeTotal(Kind kind) const
{
    int sum = 0;
    for (int i = 0; i < m_containers.size(); ++i) {
        if (m_containers.at(i).parent < 0) {
            sum += inScopeCount(kind, i);
        }
    }
    return sum;
}

int ContainerSelection::total(Kind kind) const
{
    int sum = 0;
    for (const Directory::DirectoryContainer &c : m_containers) {
        if (c.parent < 0) {
            sum += kind == Kind::Users ? c.subtreeUsers : c.subtreeGroups;
        }
    }
    return sum;
}

void ContainerSelection::recount(Kind kind)
{
    TreeState &state = tree(kind);
    const qsizetype count = m_containers.size();
    state.mixed = QList<bool>(count, false);
    state.inScope = QList<int>(count, 0);
    if (state.checked.size() != count) {
        return;
    }
    // Children come after their parents: from the end, each container is complete before its parent needs it.
    for (qsizetype i = count - 1; i >= 0; --i) {
        const Directory::DirectoryContainer &c = m_containers.at(i);
        if (state.checked.at(i)) {
            state.inScope[i] += kind == Kind::Users ? c.directUsers : c.directGroups;
        }
        if (c.parent >= 0) {
            state.inScope[c.parent] += state.inScope.at(i);
            if (state.mixed.at(i) || state.checked.at(i) != state.checked.at(c.parent)) {
                state.mixed[c.parent] = true;
            }
        }
    }
}

void ContainerSelection::setIncluded(Kind kind, int index, bool included)
{
    QList<bool> &checked = tree(kind).checked;
    if (index < 0 || index >= checked.size() || checked.size() != m_containers.size()) {
        return;
    }
    // Parents come first, so the containers below `index` are the ones right after it.
    const auto isBelow = [this, index](int i) {
        for (int parent = m_containers.at(i).parent; parent >= 0; parent = m_containers.at(parent).parent) {
            if (parent == index) {
                return true;
            }
        }
        return false;
    };
    checked[index] = included;
    for (int i = index + 1; i < m_containers.size() && isBelow(i); ++i) {
        checked[i] = included;
    }
    mutableScope(kind) = scopeForChecks(m_containers, checked);
    recount(kind);
    Q_EMIT changed();
    Q_EMIT edited();
}

Directory::ContainerScope ContainerSelection::scopeForChecks(const QList<Directory::DirectoryContainer> &containers,
                                                             const QList<bool> &checked)
{
    Directory::ContainerScope scope;
    QStringList checkedTops;
    QStringList uncheckedTops;
    for (int i = 0; i < containers.size() && i < checked.size(); ++i) {
        const int parent = containers.at(i).parent;
        if (parent < 0) {
            (checked.at(i) ? checkedTops : uncheckedTops).append(containers.at(i).dn);
        }
        const bool parentChecked = parent < 0 || checked.value(parent, true);
        if (checked.at(i) != parentChecked) {
            (checked.at(i) ? scope.included : scope.excluded).append(containers.at(i).dn);
        }
    }
    if (!scope.included.isEmpty()) {
        // A scope with included containers holds nothing else: the checked tops have to be named, and the unchecked
        // ones need not be.
        scope.included = checkedTops + scope.included;
        for (const QString &top : std::as_const(uncheckedTops)) {
            scope.excluded.removeOne(top);
        }
    }
    return scope;
}

QList<bool> ContainerSelection::checksForScope(const QList<Directory::DirectoryContainer> &containers,
                                               const Directory::ContainerScope &scope)
{
    QList<bool> checked;
    checked.reserve(containers.size());
    for (const Directory::DirectoryContainer &c : containers) {
        checked.append(scope.contains(c.dn));
    }
    return checked;
}

} // namespace M365::Models
