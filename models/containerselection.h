// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/containerscope.h"
#include "directory/directoryentry.h"

#include <QList>
#include <QObject>

namespace M365::Models {

/**
 * Which containers of an LDAP directory users, and which groups, are synced from (the profile's "userContainers" and
 * "groupContainers"), as check boxes over the directory's container tree: what ContainerTreeModel shows, in the
 * wizard's Directory page and in the dashboard's Settings → Directory alike, so that both edit the scopes by one rule.
 *
 * The rule, as in Entra Connect's OU filtering: unchecking a container leaves out everything below it, and a container
 * below an unchecked one can be checked again, which takes it in again. A box is partly checked when something below
 * it is chosen otherwise. The scopes are always the ones that reproduce the check boxes (scopeForChecks()), so what
 * is saved is what the tree showed; without a tree (before the first read) the scopes are kept as they were set.
 */
class ContainerSelection : public QObject
{
    Q_OBJECT

public:
    /// The two container scopes: which containers users, and which groups, are read from.
    enum class Kind { Users, Groups };

    using QObject::QObject;

    /// The container tree, parents before their children (DirectoryContainer::parent); empty before a read.
    const QList<Directory::DirectoryContainer> &containers() const { return m_containers; }
    /**
     * A new tree (a read of the directory's containers): the check boxes follow the scopes, and the scopes become what
     * the boxes show, so that containers that are gone drop out of them. Emits changed().
     */
    void setContainers(const QList<Directory::DirectoryContainer> &containers);
    /// Scopes from a profile: the check boxes follow. Emits changed().
    void setScopes(const Directory::ContainerScope &users, const Directory::ContainerScope &groups);
    /// Forgets the tree and the scopes (another base DN: the containers chosen belonged to the old one).
    void clear();

    /// The scope for `kind`; empty (everything below the base DN) until a container is unchecked.
    const Directory::ContainerScope &scope(Kind kind) const;
    /// Whether the entries directly in container `index` are in scope: the state of its check box.
    bool isIncluded(Kind kind, int index) const;
    /// Some container below `index` is in scope where `index` is not, or the other way round.
    bool isMixed(Kind kind, int index) const;
    /// Users or groups in scope in the subtree of container `index`, against its subtreeUsers/subtreeGroups.
    int inScopeCount(Kind kind, int index) const;
    /// Users or groups in scope in the whole tree, and how many there are in all.
    int inScopeTotal(Kind kind) const;
    int total(Kind kind) const;
    /// The admin checked or unchecked container `index`: the containers below it follow. Emits changed() and edited().
    void setIncluded(Kind kind, int index, bool included);

    /**
     * The scope that reproduces `checked` (one state per container of `containers`, which come parents first): a
     * container whose state differs from its parent's is excluded or included; once anything is included, the checked
     * tops are included too, as the scope then holds only what lies in an included container.
     */
    static Directory::ContainerScope scopeForChecks(const QList<Directory::DirectoryContainer> &containers,
                                                    const QList<bool> &checked);
    /// The check states a scope means for a tree: the inverse of scopeForChecks() (a container is in scope itself).
    static QList<bool> checksForScope(const QList<Directory::DirectoryContainer> &containers,
                                      const Directory::ContainerScope &scope);

Q_SIGNALS:
    /// The tree, the check boxes or the counts changed, for whatever reason.
    void changed();
    /// The admin changed a check box (setIncluded()): the scopes differ from what was saved.
    void edited();

private:
    /// What the tree shows for one kind, derived from its scope over m_containers.
    struct TreeState
    {
        QList<bool> checked; ///< checksForScope()
        QList<bool> mixed; ///< isMixed()
        QList<int> inScope; ///< inScopeCount()
    };
    TreeState &tree(Kind kind) { return kind == Kind::Users ? m_userTree : m_groupTree; }
    const TreeState &tree(Kind kind) const { return kind == Kind::Users ? m_userTree : m_groupTree; }
    Directory::ContainerScope &mutableScope(Kind kind) { return kind == Kind::Users ? m_users : m_groups; }
    /// Fills in `mixed` and `inScope` from `checked`, in one pass from the bottom up.
    void recount(Kind kind);
    /// The check boxes from the scopes, and the scopes from the check boxes (with a tree).
    void followScopes();

    QList<Directory::DirectoryContainer> m_containers;
    Directory::ContainerScope m_users;
    Directory::ContainerScope m_groups;
    TreeState m_userTree;
    TreeState m_groupTree;
};

} // namespace M365::Models
