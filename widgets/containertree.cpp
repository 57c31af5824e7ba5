// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "containertree.h"

#include "containertreemodel.h"

#include <QHeaderView>
#include <QStyle>

#include <utility>

namespace M365::Ui {

using Models::ContainerTreeModel;

ContainerTree::ContainerTree(Models::ContainerSelection *selection, QWidget *parent)
    : QTreeView(parent)
    , m_model(new ContainerTreeModel(selection, this))
{
    setModel(m_model);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(ContainerTreeModel::NameColumn, QHeaderView::Stretch);
    setSelectionMode(QAbstractItemView::NoSelection);
    setUniformRowHeights(true);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ContainerTree::layOut);
    layOut(); // the selection may hold a tree already
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
