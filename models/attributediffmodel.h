// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/changeplan.h"

#include <QAbstractTableModel>

namespace M365::Models {

/**
 * The details pane: one row per property a change sets, with its value in the cloud now and the value it will have.
 *
 * Values are shown as text: strings as they are, arrays joined with ", ", objects as compact JSON, null as "—" and a
 * property the cloud object does not have (or that does not exist yet) as an empty cell.
 */
class AttributeDiffModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { PropertyColumn, OldValueColumn, NewValueColumn };
    Q_ENUM(Column)
    static constexpr int ColumnCount = NewValueColumn + 1;

    enum Roles {
        ValueRole = Qt::UserRole + 1, ///< the QJsonValue of the old or new value column
    };
    Q_ENUM(Roles)

    explicit AttributeDiffModel(QObject *parent = nullptr);

    void setChange(const Sync::Change &change);
    void clear();
    const QList<Sync::AttributeDiff> &diffs() const { return m_diffs; }

    /// How a value appears in the table.
    static QString valueText(const QJsonValue &value);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Sync::AttributeDiff> m_diffs;
};

} // namespace M365::Models
