// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "containertree.h"

#include "directorypage.h"

#include <QHeaderView>
#include <QLocale>
#include <QStyle>

#include <utility>

namespace M365::Ui {

using Kind = DirectoryPageController::ContainerKind;

ContainerTreeModel::ContainerTreeModel(DirectoryPageController *controller, QObject *parent)
    : QAbstractItemModel(parent)
    , m_controller(controller)
{}

void ContainerTreeModel::refresh()
{
    if (m_containers != m_controller->containers()) {
        beginResetModel();
        m_containers = m_controller->containers();
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
        return countText(m_controller->inScopeCount(kind, container),
                         kind == Kind::Users ? c.subtreeUsers : c.subtreeGroups);
    case Qt::CheckStateRole:
        if (m_controller->isContainerMixed(kind, container)) {
            return Qt::PartiallyChecked; // a click on it checks the whole subtree
        }
        return m_controller->isContainerIncluded(kind, container) ? Qt::Checked : Qt::Unchecked;
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
    // The controller's changed() comes back through the page as refresh(), for this row and those below it.
    m_controller->setContainerIncluded(
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

ContainerTree::ContainerTree(DirectoryPageController *controller, QWidget *parent)
    : QTreeView(parent)
    , m_model(new ContainerTreeModel(controller, this))
{
    setModel(m_model);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(ContainerTreeModel::NameColumn, QHeaderView::Stretch);
    setSelectionMode(QAbstractItemView::NoSelection);
    setUniformRowHeights(true);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ContainerTree::layOut);
}

void ContainerTree::refresh()
{
    m_model->refresh();
}

void ContainerTree::layOut()
{
    QList<QModelIndex> pending;
    int users = 0;
    int groups = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex top = m_model->index(row, ContainerTreeModel::NameColumn);
        pending.append(top);
        // The tops' totals have the most digits.
        users = qMax(users, m_model->totalOf(top, ContainerTreeModel::UsersColumn));
        groups = qMax(groups, m_model->totalOf(top, ContainerTreeModel::GroupsColumn));
    }
    while (!pending.isEmpty()) {
        const QModelIndex index = pending.takeLast();
        // Open what holds someone; AD's many empty system containers stay folded.
        setExpanded(index, !index.parent().isValid() || m_model->holdsEntries(index));
        for (int row = 0; row < m_model->rowCount(index); ++row) {
            pending.append(m_model->index(row, ContainerTreeModel::NameColumn, index));
        }
    }
    const int box = style()->pixelMetric(QStyle::PM_IndicatorWidth, nullptr, this);
    const int padding = 4 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, this) + 8;
    for (const auto &[column, total] : {std::pair{int(ContainerTreeModel::UsersColumn), users},
                                        std::pair{int(ContainerTreeModel::GroupsColumn), groups}}) {
        const int widest = fontMetrics().horizontalAdvance(ContainerTreeModel::countText(total, total + 1));
        header()->setSectionResizeMode(column, QHeaderView::Interactive);
        header()->resizeSection(column, qMax(header()->sectionSizeHint(column), box + padding + widest));
    }
}

} // namespace M365::Ui
