// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "requestlogmodel.h"

#include <QColor>
#include <QLocale>

namespace M365::Ui {

RequestLogModel::RequestLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RequestLogModel::setLog(Graph::RequestLog *log)
{
    if (log == m_log && (log || m_entries.empty())) {
        return;
    }
    disconnect(m_connection);
    beginResetModel();
    m_log = log;
    m_entries.clear();
    if (log) {
        m_capacity = qMax(1, log->capacity());
        const QList<Graph::RequestLog::Entry> entries = log->entries();
        m_entries.assign(entries.cbegin(), entries.cend());
        m_connection = connect(log, &Graph::RequestLog::entryAdded, this, &RequestLogModel::append);
    }
    endResetModel();
}

void RequestLogModel::append(const Graph::RequestLog::Entry &entry)
{
    if (int(m_entries.size()) >= m_capacity) {
        beginRemoveRows(QModelIndex(), 0, 0);
        m_entries.pop_front();
        endRemoveRows();
    }
    const int row = int(m_entries.size());
    beginInsertRows(QModelIndex(), row, row);
    m_entries.push_back(entry);
    endInsertRows();
}

bool RequestLogModel::isProblem(const Graph::RequestLog::Entry &entry)
{
    return entry.status == 0 || entry.status >= 400 || !entry.note.isEmpty();
}

QString RequestLogModel::lineOf(const Graph::RequestLog::Entry &entry)
{
    return QStringList{entry.time.toUTC().toString(Qt::ISODateWithMs),
                       entry.method,
                       QString::number(entry.status),
                       QString::number(entry.durationMs),
                       entry.url,
                       entry.requestId,
                       entry.note}
        .join(QLatin1Char('\t'));
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return QVariant();
    }
    const Graph::RequestLog::Entry &e = entry(index.row());
    if (role == IsProblemRole) {
        return isProblem(e);
    }
    if (role == Qt::ForegroundRole && (e.status == 0 || e.status >= 400) && index.column() == StatusColumn) {
        return QColor(180, 30, 30);
    }
    if (role == Qt::ToolTipRole && index.column() == UrlColumn) {
        return e.url;
    }
    if (role != Qt::DisplayRole) {
        return QVariant();
    }
    switch (Column(index.column())) {
    case TimeColumn:
        return e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case MethodColumn:
        return e.attempt > 1 ? tr("%1 (attempt %2)").arg(e.method).arg(e.attempt) : e.method;
    case StatusColumn:
        return e.status == 0 ? tr("no answer") : QString::number(e.status);
    case DurationColumn:
        return tr("%1 ms").arg(e.durationMs);
    case UrlColumn:
        return e.url;
    case RequestIdColumn:
        return e.requestId;
    case NoteColumn:
        return e.note;
    }
    return QVariant();
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case MethodColumn:
        return tr("Method");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case UrlColumn:
        return tr("URL");
    case RequestIdColumn:
        return tr("Request id");
    case NoteColumn:
        return tr("Note");
    }
    return QVariant();
}

} // namespace M365::Ui
