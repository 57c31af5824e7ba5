// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/changeplan.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace M365::Models {
class AttributeDiffModel;
}

namespace M365::Ui {

/// The preview's details pane: what one change does, property by property (old → new), and why.
class DetailsPane : public QWidget
{
    Q_OBJECT

public:
    explicit DetailsPane(QWidget *parent = nullptr);

    /// Shows @p change with the applier's @p result and @p message (empty before a run).
    void setChange(const Sync::Change &change, const QString &result = {}, const QString &message = {});
    void clear();

    Models::AttributeDiffModel *diffModel() const { return m_diffModel; }

private:
    QLabel *m_title;
    QLabel *m_reason;
    QLabel *m_sourceDn;
    QLabel *m_result;
    QTableView *m_diffView;
    Models::AttributeDiffModel *m_diffModel;
};

} // namespace M365::Ui
