// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "licencestab.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace M365::Ui {

LicencesTab::LicencesTab(QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, 5, this))
    , m_note(new QLabel(this))
{
    m_table->setObjectName(QStringLiteral("licencesTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Subscription"), tr("Prepaid"), tr("Consumed"), tr("Planned"), tr("Seats after the sync")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 14);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(0, 260);
    m_table->setColumnWidth(1, 90);
    m_table->setColumnWidth(2, 90);
    m_table->setColumnWidth(3, 110);
    m_note->setObjectName(QStringLiteral("licencesNote"));
    m_note->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_table, 1);
    setSeats({});
}

void LicencesTab::setSeats(const QList<Sync::SeatCount> &seats)
{
    m_table->setRowCount(int(seats.size()));
    QStringList short_;
    for (int row = 0; row < seats.size(); ++row) {
        const Sync::SeatCount &seat = seats.at(row);
        const int after = seat.consumed + seat.needed - seat.released;
        auto *name = new QTableWidgetItem(seat.skuPartNumber.isEmpty() ? seat.skuId : seat.skuPartNumber);
        name->setToolTip(seat.skuId);
        m_table->setItem(row, 0, name);
        m_table->setItem(row, 1, new QTableWidgetItem(QString::number(seat.prepaid)));
        m_table->setItem(row, 2, new QTableWidgetItem(QString::number(seat.consumed)));
        m_table->setItem(row, 3, new QTableWidgetItem(tr("+%1 / −%2").arg(seat.needed).arg(seat.released)));
        auto *bar = new QProgressBar(m_table);
        bar->setObjectName(QStringLiteral("seatBar_") + seat.skuPartNumber);
        bar->setRange(0, qMax(1, seat.prepaid));
        bar->setValue(qBound(0, after, qMax(1, seat.prepaid)));
        bar->setFormat(seat.shortfall() > 0
                           ? tr("%1 of %2 — %3 short").arg(after).arg(seat.prepaid).arg(seat.shortfall())
                           : tr("%1 of %2").arg(after).arg(seat.prepaid));
        if (seat.shortfall() > 0) {
            // A style sheet replaces the native look entirely, so the frame and the centred text are set too.
            bar->setStyleSheet(QStringLiteral("QProgressBar { border: 1px solid #a0a0a0; border-radius: 3px; "
                                              "text-align: center; background: #f4f4f4; } "
                                              "QProgressBar::chunk { background-color: #e8a09a; }"));
            short_.append(seat.skuPartNumber);
        }
        m_table->setCellWidget(row, 4, bar);
    }
    if (seats.isEmpty()) {
        m_note->setText(tr("The tenant has no subscriptions, or the plan assigns no licences."));
    } else if (!short_.isEmpty()) {
        m_note->setText(tr("Not enough seats for the plan: %1. Licence assignments beyond the free seats will fail; "
                           "buy more seats or assign fewer licences.")
                            .arg(short_.join(QStringLiteral(", "))));
    } else {
        m_note->setText(tr("Seats per subscription: bought (prepaid), used now (consumed), and what the sync adds "
                           "and releases."));
    }
}

} // namespace M365::Ui
