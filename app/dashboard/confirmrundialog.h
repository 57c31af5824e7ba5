// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/runsummary.h"

#include <QDialog>

class QLabel;
class QPushButton;

namespace M365::Ui {

/**
 * The confirmation before Synchronize Now writes to the tenant (objectName confirmRunDialog): what the run will do,
 * per kind, with the write requests and the estimated time from Sync::RunSummary. A confirmation is the one thing a
 * modal dialog is for (STYLE.md section 5); the dashboard opens it with open(), never exec().
 */
class ConfirmRunDialog : public QDialog
{
    Q_OBJECT

public:
    ConfirmRunDialog(const Sync::RunSummary &summary, QWidget *parent = nullptr);

    const Sync::RunSummary &summary() const { return m_summary; }
    QString text() const;

private:
    Sync::RunSummary m_summary;
    QLabel *m_text = nullptr;
};

} // namespace M365::Ui
