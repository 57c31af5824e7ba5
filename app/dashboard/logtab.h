// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QCheckBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace M365::Graph {
class RequestLog;
}

namespace M365::Ui {

class RequestLogModel;

/// The Log tab: every Graph request of the connection with its status and request id; filterable and copyable.
class LogTab : public QWidget
{
    Q_OBJECT

public:
    explicit LogTab(QWidget *parent = nullptr);

    void setLog(Graph::RequestLog *log);
    RequestLogModel *model() const { return m_model; }
    /// The selected rows (or every visible row when none is selected), as the Copy button puts them on the clipboard.
    QString copyText() const;

private:
    RequestLogModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filterEdit;
    QCheckBox *m_problemsOnly;
    QTableView *m_table;
};

} // namespace M365::Ui
