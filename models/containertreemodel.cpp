// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "containertreemodel.h"

#include <QLocale>

namespace M365::Models {

using Kind = ContainerSelection::Kind;

ContainerTreeModel::ContainerTreeModel(ContainerSelection *selection, QObject *parent)
    : QAbstractItemModel(parent)
    , m_selection(selection)
{
    connect(selection, &ContainerSelection::changed, this, &ContainerTreeModel::refresh);
    refresh();
}

void ContainerTreeModel::refresh()
{
    if (m_containers != m_selection->containers()) {
        beginResetModel();
        m_containers = m_selection->containers();
        m_children = QList<QList<int>>(m_containers.size());
        m_tops.clear();
        m_row = QList<int>(m_containers.size(), 0);
        for (int i = 0; i < m_containers.size(); ++i) {
            QList<int> &siblings = m_containers.at(i).parent < 0 ? m_tops : m_children[m_containers.at(i).parent];
            m_row[i] = int(siblings.size());
            siblings.append(i);
        }
        endResetModel();
        return;
    }
    // Same tree: only check states and counts may have changed.
    for (int i = 0; i < m_containers.size(); ++i) {
        Q_EMIT dataChanged(
            indexOfContainer(i, UsersColumn), indexOfContainer(i, GroupsColumn), {Qt::DisplayRole, Qt::CheckStateRole});
    }
}

QModelIndex ContainerTreeModel::indexOfContainer(int container, int column) const
{
    return createIndex(m_row.at(container), column, quintptr(container));
}

QString ContainerTreeModel::countText(int inScope, int total)
{
    const QLocale locale;
    return inScope == total ? locale.toString(total)
                            : tr("%1 of %2").arg(locale.toString(inScope), locale.toString(total));
}

bool ContainerTreeModel::holdsEntries(const QModelIndex &index) const
{
    if (!index.isValid()) {
        return false;
    }
    const Directory::DirectoryContainer &c = m_containers.at(containerOf(index));
    return c.subtreeUsers + c.subtreeGroups > 0;
}

int ContainerTreeModel::totalOf(const QModelIndex &index, int column) const
{
    if (!index.isValid()) {
        return 0;
    }
    const Directory::DirectoryContainer &c = m_containers.at(containerOf(index));
    return column == UsersColumn ? c.subtreeUsers : column == GroupsColumn ? c.subtreeGroups : 0;
}

QModelIndex ContainerTreeModel::indexForDn(const QString &dn, int column) const
{
    for (int i = 0; i < m_containers.size(); ++i) {
        if (m_containers.at(i).dn.compare(dn, Qt::CaseInsensitive) == 0) {
            return indexOfContainer(i, column);
        }
    }
    return {};
}

QModelIndex ContainerTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent)) {
        return {};
    }
    const QList<int> &siblings = parent.isValid() ? m_children.at(containerOf(parent)) : m_tops;
    return indexOfContainer(siblings.at(row), column);
}

QModelIndex ContainerTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid()) {
        return {};
    }
    const int parent = m_containers.at(containerOf(child)).parent;
    return parent < 0 ? QModelIndex() : indexOfContainer(parent, NameColumn);
}

int ContainerTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid()) {
        return int(m_tops.size());
    }
    // Only the first column has children, as views expect.
    return parent.column() == NameColumn ? int(m_children.at(containerOf(parent)).size()) : 0;
}

int ContainerTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ContainerTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid()) {
        return {};
    }
    const int container = containerOf(index);
    const Directory::DirectoryContainer &c = m_containers.at(container);
    if (index.column() == NameColumn) {
        if (role == Qt::DisplayRole) {
            // The top is the base DN the admin typed: "example" alone would not say which domain it is.
            return c.parent < 0 ? c.dn : c.name;
        }
        if (role == Qt::ToolTipRole) {
            return c.dn;
        }
        return {};
    }
    const Kind kind = index.column() == UsersColumn ? Kind::Users : Kind::Groups;
    switch (role) {
    case Qt::DisplayRole:
        return countText(m_selection->inScopeCount(kind, container),
                         kind == Kind::Users ? c.subtreeUsers : c.subtreeGroups);
    case Qt::CheckStateRole:
        if (m_selection->isMixed(kind, container)) {
            return Qt::PartiallyChecked; // a click on it checks the whole subtree
        }
        return m_selection->isIncluded(kind, container) ? Qt::Checked : Qt::Unchecked;
    case Qt::ToolTipRole:
        return kind == Kind::Users ? tr("Users in %1 and below it that are synced").arg(c.name)
                                   : tr("Groups in %1 and below it that are synced").arg(c.name);
    default:
        return {};
    }
}

bool ContainerTreeModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.column() == NameColumn || role != Qt::CheckStateRole) {
        return false;
    }
    // The selection's changed() comes back as refresh(), for this row and those below it.
    m_selection->setIncluded(
        index.column() == UsersColumn ? Kind::Users : Kind::Groups, containerOf(index), value.toInt() == Qt::Checked);
    return true;
}

Qt::ItemFlags ContainerTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()) {
        return Qt::NoItemFlags;
    }
    return index.column() == NameColumn ? Qt::ItemIsEnabled : Qt::ItemIsEnabled | Qt::ItemIsUserCheckable;
}

QVariant ContainerTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) {
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Container");
        case UsersColumn:
            return tr("Users");
        default:
            return tr("Groups");
        }
    }
    if (role == Qt::ToolTipRole && section != NameColumn) {
        return section == UsersColumn
            ? tr("Checked: the users in this container and below it are synced. Unchecking a container leaves them "
                 "out; a container below can be checked again. Partly checked: some containers below are chosen "
                 "otherwise. The number counts the users synced, of all in the container and below it.")
            : tr("Checked: the groups in this container and below it are synced. Unchecking a container leaves them "
                 "out; a container below can be checked again. Partly checked: some containers below are chosen "
                 "otherwise. The number counts the groups synced, of all in the container and below it.");
    }
    return {};
}

} // namespace M365::Models
