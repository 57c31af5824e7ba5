// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/changeplan.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace M365::Ui {

/// The Licences tab: per subscribed SKU the seats bought, used, and what the current plan would use, as bars.
class LicencesTab : public QWidget
{
    Q_OBJECT

public:
    explicit LicencesTab(QWidget *parent = nullptr);

    void setSeats(const QList<Sync::SeatCount> &seats);

private:
    QTableWidget *m_table;
    QLabel *m_note;
};

} // namespace M365::Ui
