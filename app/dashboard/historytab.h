// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace M365::Sync {
class StateStore;
}

namespace M365::Ui {

/// The History tab: the runs of the profile (the GUI's and the scheduled CLI's) with their counts; a run opens into
/// its changes and their results.
class HistoryTab : public QWidget
{
    Q_OBJECT

public:
    explicit HistoryTab(QWidget *parent = nullptr);

    void setStore(Sync::StateStore *store);
    /// Reads the runs again (after a run, or when the tab is shown).
    void refresh();
    /// Shows the changes of the run in @p row of the runs table.
    void openRun(int row);

Q_SIGNALS:
    /**
     * "Undo this run…" was clicked for the finished run @p runId. The owner reads the tenant, plans with
     * Sync::UndoPlanner from the run's changes and shows that plan for confirmation before applying it.
     */
    void undoRequested(qint64 runId);

private:
    Sync::StateStore *m_store = nullptr;
    QTableWidget *m_runs;
    QTableWidget *m_changes;
    QLabel *m_runTitle;
    QPushButton *m_undoButton;
    QList<qint64> m_runIds;
    /// Per row: the run has ended (a run still going, or killed on the way, is not offered for undo).
    QList<bool> m_runEnded;
};

} // namespace M365::Ui
