// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/changeplan.h"

#include <QPointer>
#include <QSet>
#include <QSortFilterProxyModel>

namespace M365::Sync {

// Qt 6.4 has no qHash for enums; these let the filters take QSet<Kind> and QSet<ObjectType>.
// TODO(issue 7): move next to the enums in core/sync/changeplan.h.
inline size_t qHash(Change::Kind kind, size_t seed = 0) noexcept
{
    return ::qHash(int(kind), seed);
}

inline size_t qHash(Change::ObjectType type, size_t seed = 0) noexcept
{
    return ::qHash(int(type), seed);
}

} // namespace M365::Sync

namespace M365::Models {

class ChangePlanModel;

/**
 * The preview's filters: by kind, by object type and by text typed into the search field.
 *
 * Over a ChangePlanModel the filter reads the change and the precomputed lowercase search text directly, which keeps
 * a pass over 100,000 rows in the low milliseconds; over any other model it falls back to the model's roles.
 */
class ChangePlanFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ChangePlanFilterModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *sourceModel) override;

    /// Only these kinds; an empty set shows every kind.
    void setKindFilter(const QSet<Sync::Change::Kind> &kinds);
    QSet<Sync::Change::Kind> kindFilter() const;
    /// Only these object types; an empty set shows every type.
    void setObjectTypeFilter(const QSet<Sync::Change::ObjectType> &types);
    QSet<Sync::Change::ObjectType> objectTypeFilter() const;
    /// Case-insensitive substring of the display name, user principal name, source DN or a property name.
    void setSearchText(const QString &text);
    QString searchText() const { return m_searchText; }

    /// The source model's row (the index into the plan) of a row of this model.
    int sourceRow(int proxyRow) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void refilter();

    QPointer<ChangePlanModel> m_planModel;
    quint32 m_kindMask = 0; ///< bit per Change::Kind; 0 means all
    quint32 m_typeMask = 0; ///< bit per Change::ObjectType; 0 means all
    QString m_searchText;
    QByteArray m_needle; ///< m_searchText as ChangePlanModel::searchKey() folds it
};

} // namespace M365::Models
