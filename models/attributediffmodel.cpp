// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "attributediffmodel.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace M365::Models {

AttributeDiffModel::AttributeDiffModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void AttributeDiffModel::setChange(const Sync::Change &change)
{
    beginResetModel();
    m_diffs = change.diffs;
    endResetModel();
}

void AttributeDiffModel::clear()
{
    beginResetModel();
    m_diffs.clear();
    endResetModel();
}

QString AttributeDiffModel::valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Undefined:
        return QString();
    case QJsonValue::Null:
        return QStringLiteral("—");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 15);
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        QStringList parts;
        parts.reserve(array.size());
        for (const QJsonValue &element : array) {
            parts.append(valueText(element));
        }
        return parts.join(QLatin1String(", "));
    }
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return QString();
}

int AttributeDiffModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_diffs.size());
}

int AttributeDiffModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AttributeDiffModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return QVariant();
    }
    const Sync::AttributeDiff &diff = m_diffs.at(index.row());
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != ValueRole) {
        return QVariant();
    }
    switch (Column(index.column())) {
    case PropertyColumn:
        return role == ValueRole ? QVariant() : QVariant(diff.property);
    case OldValueColumn:
        return role == ValueRole ? QVariant(diff.oldValue) : QVariant(valueText(diff.oldValue));
    case NewValueColumn:
        return role == ValueRole ? QVariant(diff.newValue) : QVariant(valueText(diff.newValue));
    }
    return QVariant();
}

Qt::ItemFlags AttributeDiffModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return Qt::NoItemFlags;
    }
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant AttributeDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (Column(section)) {
    case PropertyColumn:
        return tr("Property");
    case OldValueColumn:
        return tr("Old value");
    case NewValueColumn:
        return tr("New value");
    }
    return QVariant();
}

} // namespace M365::Models
