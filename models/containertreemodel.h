// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "containerselection.h"

#include <QAbstractItemModel>

namespace M365::Models {

/*
 * A ContainerSelection as a tree model: one row per container, with its users and its groups (counted with everything
 * below it) and a check box beside each count. The check states are the selection's; setting one asks the selection,
 * which decides what happens to the containers below. The model follows the selection's changed() by itself: a reset
 * when the tree itself changed, dataChanged() for the counts and check boxes otherwise.
 */
class ContainerTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, UsersColumn, GroupsColumn, ColumnCount };

    explicit ContainerTreeModel(ContainerSelection *selection, QObject *parent = nullptr);

    ContainerSelection *selection() const { return m_selection; }
    /// The index of the container with this DN in `column`; invalid when there is none.
    QModelIndex indexForDn(const QString &dn, int column = NameColumn) const;
    /// The container at `index` or one below it holds users or groups.
    bool holdsEntries(const QModelIndex &index) const;
    /// What a count cell shows: "1,600", or "40 of 1,640" when some of them are out of scope.
    static QString countText(int inScope, int total);
    /// The users (UsersColumn) or groups (GroupsColumn) in the subtree of the container at `index`.
    int totalOf(const QModelIndex &index, int column) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    /// Takes over the selection's containers (a reset when they changed) and its check states and counts.
    void refresh();
    /// The container an index stands for (its position in the selection's containers()).
    static int containerOf(const QModelIndex &index) { return int(index.internalId()); }
    QModelIndex indexOfContainer(int container, int column) const;

    ContainerSelection *m_selection;
    /// A copy of what the rows show, so that refresh() knows when the tree itself changed.
    QList<Directory::DirectoryContainer> m_containers;
    QList<QList<int>> m_children;
    QList<int> m_tops;
    QList<int> m_row; ///< each container's row below its parent
};

} // namespace M365::Models
