// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/applier.h"
#include "sync/changeplan.h"

#include <QMap>
#include <QWidget>

#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QTableView;
class QToolButton;

namespace M365::Models {
class ChangePlanFilterModel;
class ChangePlanModel;
} // namespace M365::Models

namespace M365::Ui {

class DetailsPane;

/**
 * The live preview: the plan as a table (one row per change) with kind filters that show their counts, a search box,
 * check boxes for "apply only these" and the details of the current change.
 *
 * Plans after the first are merged with ChangePlanModel::updatePlan(), so the selection, the current row and the
 * scroll position survive a re-plan, and the rows that changed are highlighted.
 */
class PreviewPane : public QWidget
{
    Q_OBJECT

public:
    explicit PreviewPane(QWidget *parent = nullptr);

    Models::ChangePlanModel *model() const { return m_model; }
    Models::ChangePlanFilterModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }

    /// Shows a new plan: the first one replaces the table, later ones are merged into it.
    void showPlan(const Sync::ChangePlan &plan);
    /// Shows the directory entries the planner could not use: a count that opens the list of them.
    void setProblems(const QStringList &problems);
    /// Marks the row of plan index @p index with a run's outcome.
    void setOutcome(int index, const Sync::ChangeOutcome &outcome);
    void clearOutcomes();
    /// While a run is under way the check boxes must not change what is being applied.
    void setApplying(bool applying);
    /// Where the details pane gets a user's picture from (the directory's, by anchor); none: no pictures.
    void setPhotoLookup(std::function<QByteArray(const QString &anchor)> lookup);

    /// The checked changes (plan indexes), or an empty list when every change that can be applied is checked.
    QList<int> selectedChanges() const;
    /// Changes that can be applied (not conflicts or invalid ones) and how many of them are checked.
    int applicableCount() const;
    int checkedCount() const;

    /// What a result looks like in the Result column, and its icon.
    static QString resultText(Sync::ChangeOutcome::Result result);
    static QIcon resultIcon(Sync::ChangeOutcome::Result result);

Q_SIGNALS:
    /// The checked rows changed (or a new plan arrived): the Synchronize button's label follows.
    void selectionChanged();

private:
    void updateCounts();
    void updateKindFilter();
    void updateDetails();

    Models::ChangePlanModel *m_model;
    Models::ChangePlanFilterModel *m_filter;
    QMap<Sync::Change::Kind, QToolButton *> m_kindButtons;
    QToolButton *m_allButton;
    QLineEdit *m_search;
    QCheckBox *m_checkAll;
    QLabel *m_emptyLabel;
    QToolButton *m_problemsButton;
    QListWidget *m_problemsList;
    QTableView *m_table;
    DetailsPane *m_details;
    std::function<QByteArray(const QString &anchor)> m_photoLookup;
    bool m_hasPlan = false;
    bool m_applying = false;
};

} // namespace M365::Ui
