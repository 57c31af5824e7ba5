// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/requestlog.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <deque>

namespace M365::Ui {

/// The Graph request log as a table for the Log tab; follows the log as entries arrive.
class RequestLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, MethodColumn, StatusColumn, DurationColumn, UrlColumn, RequestIdColumn, NoteColumn };
    Q_ENUM(Column)
    static constexpr int ColumnCount = NoteColumn + 1;
    enum Roles { IsProblemRole = Qt::UserRole + 1 };

    explicit RequestLogModel(QObject *parent = nullptr);

    /// Shows @p log (null: nothing) and follows it.
    void setLog(Graph::RequestLog *log);
    Graph::RequestLog *log() const { return m_log; }
    const Graph::RequestLog::Entry &entry(int row) const { return m_entries.at(size_t(row)); }
    /// A request that got no answer, an error status or a note (throttling, retries).
    static bool isProblem(const Graph::RequestLog::Entry &entry);
    /// One line per entry, tab-separated, for the clipboard.
    static QString lineOf(const Graph::RequestLog::Entry &entry);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void append(const Graph::RequestLog::Entry &entry);

    QPointer<Graph::RequestLog> m_log;
    QMetaObject::Connection m_connection;
    std::deque<Graph::RequestLog::Entry> m_entries;
    int m_capacity = 5000;
};

} // namespace M365::Ui
