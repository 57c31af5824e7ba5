// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "changeplanfiltermodel.h"

#include "changeplanmodel.h"

namespace M365::Models {

using Sync::Change;

namespace {

constexpr int KindCount = int(Change::Kind::Invalid) + 1;
constexpr int TypeCount = int(Change::ObjectType::Licence) + 1;

} // namespace

ChangePlanFilterModel::ChangePlanFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{}

void ChangePlanFilterModel::setSourceModel(QAbstractItemModel *sourceModel)
{
    m_planModel = qobject_cast<ChangePlanModel *>(sourceModel);
    QSortFilterProxyModel::setSourceModel(sourceModel);
}

void ChangePlanFilterModel::setKindFilter(const QSet<Change::Kind> &kinds)
{
    quint32 mask = 0;
    for (Change::Kind kind : kinds) {
        mask |= 1u << int(kind);
    }
    if (mask != m_kindMask) {
        m_kindMask = mask;
        refilter();
    }
}

QSet<Change::Kind> ChangePlanFilterModel::kindFilter() const
{
    QSet<Change::Kind> kinds;
    for (int kind = 0; kind < KindCount; ++kind) {
        if (m_kindMask & (1u << kind)) {
            kinds.insert(Change::Kind(kind));
        }
    }
    return kinds;
}

void ChangePlanFilterModel::setObjectTypeFilter(const QSet<Change::ObjectType> &types)
{
    quint32 mask = 0;
    for (Change::ObjectType type : types) {
        mask |= 1u << int(type);
    }
    if (mask != m_typeMask) {
        m_typeMask = mask;
        refilter();
    }
}

QSet<Change::ObjectType> ChangePlanFilterModel::objectTypeFilter() const
{
    QSet<Change::ObjectType> types;
    for (int type = 0; type < TypeCount; ++type) {
        if (m_typeMask & (1u << type)) {
            types.insert(Change::ObjectType(type));
        }
    }
    return types;
}

void ChangePlanFilterModel::setSearchText(const QString &text)
{
    const QByteArray needle = ChangePlanModel::searchKey(QStringView(text).trimmed());
    m_searchText = text;
    if (needle != m_needle) {
        m_needle = needle;
        refilter();
    }
}

int ChangePlanFilterModel::sourceRow(int proxyRow) const
{
    return mapToSource(index(proxyRow, 0)).row();
}

void ChangePlanFilterModel::refilter()
{
    // invalidateRowsFilter() reports every range of rows that comes or goes, and a kind filter over 100,000 rows
    // makes thousands of ranges, each a pass over the proxy's and the view's row mappings (over 300 ms in all).
    // A layout change re-filters in one pass; persistent indexes, and with them the view's selection and current
    // row, survive it all the same.
    invalidate();
}

bool ChangePlanFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid()) {
        return false;
    }
    if (m_planModel) {
        const Change &change = m_planModel->change(sourceRow);
        if (m_kindMask && !(m_kindMask & (1u << int(change.kind)))) {
            return false;
        }
        if (m_typeMask && !(m_typeMask & (1u << int(change.objectType)))) {
            return false;
        }
        return m_needle.isEmpty() || m_planModel->searchText(sourceRow).contains(m_needle);
    }
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_kindMask && !(m_kindMask & (1u << index.data(ChangePlanModel::KindRole).toInt()))) {
        return false;
    }
    if (m_typeMask && !(m_typeMask & (1u << index.data(ChangePlanModel::ObjectTypeRole).toInt()))) {
        return false;
    }
    return m_needle.isEmpty()
        || index.data(ChangePlanModel::SearchTextRole)
               .toString()
               .contains(QStringView(m_searchText).trimmed(), Qt::CaseInsensitive);
}

bool ChangePlanFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // Kinds and types sort in the plan's order of meaning (create before update …), not alphabetically.
    if (left.column() == ChangePlanModel::KindColumn) {
        return left.data(ChangePlanModel::KindRole).toInt() < right.data(ChangePlanModel::KindRole).toInt();
    }
    if (left.column() == ChangePlanModel::ObjectTypeColumn) {
        return left.data(ChangePlanModel::ObjectTypeRole).toInt() < right.data(ChangePlanModel::ObjectTypeRole).toInt();
    }
    return QString::localeAwareCompare(left.data().toString(), right.data().toString()) < 0;
}

} // namespace M365::Models
