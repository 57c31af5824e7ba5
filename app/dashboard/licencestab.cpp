// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "licencestab.h"

#include "errorbanner.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace M365::Ui {

namespace {

enum Column { Name, Prepaid, Consumed, Free, Direct, ThroughGroup, Planned, After, ColumnCount };

/// One row of the table: a subscription of the tenant, the plan's seats for it, or both.
struct Row
{
    QString skuId;
    QString partNumber;
    int prepaid = 0;
    int consumed = 0;
    const Sync::LicenceSummary *summary = nullptr;
    const Sync::SeatCount *seat = nullptr;
};

QTableWidgetItem *number(int value)
{
    auto *item = new QTableWidgetItem(QString::number(value));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

LicencesTab::LicencesTab(QWidget *parent)
    : QWidget(parent)
    , m_banner(new ErrorBanner(this))
    , m_note(new QLabel(this))
    , m_picker(new QComboBox(this))
    , m_assignAll(new QPushButton(tr("Assign to every user"), this))
    , m_useGroup(new QPushButton(tr("Use licensing through a group"), this))
    , m_progress(new QLabel(this))
    , m_groupNote(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    m_banner->setObjectName(QStringLiteral("licencesBanner"));
    m_banner->setError({});
    m_note->setObjectName(QStringLiteral("licencesNote"));
    m_note->setWordWrap(true);

    m_picker->setObjectName(QStringLiteral("licenceSkuPicker"));
    m_picker->setMinimumContentsLength(24);
    m_picker->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_assignAll->setObjectName(QStringLiteral("licenceAssignAllButton"));
    m_assignAll->setToolTip(tr("Every user in scope who gets no licence through a directory group gets this one."));
    m_useGroup->setObjectName(QStringLiteral("licenceGroupButton"));
    m_progress->setObjectName(QStringLiteral("licenceGroupProgress"));
    m_groupNote->setObjectName(QStringLiteral("licenceGroupNote"));
    m_groupNote->setWordWrap(true);
    m_groupNote->setText(tr("Licensing through a group: one write per new user instead of two, and licences show as "
                            "inherited from the group (needs Microsoft Entra ID P1)."));

    m_table->setObjectName(QStringLiteral("licencesTable"));
    m_table->setHorizontalHeaderLabels({tr("Subscription"),
                                        tr("Prepaid"),
                                        tr("Consumed"),
                                        tr("Free"),
                                        tr("Direct"),
                                        tr("Through group"),
                                        tr("Planned"),
                                        tr("Seats after the sync")});
    m_table->horizontalHeaderItem(Direct)->setToolTip(tr("Users who hold the licence by a direct assignment"));
    m_table->horizontalHeaderItem(ThroughGroup)
        ->setToolTip(tr("Users who inherit the licence from a group (group-based licensing)"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 14);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(Name, 260);
    for (int column : {Prepaid, Consumed, Free, Direct, ThroughGroup}) {
        m_table->setColumnWidth(column, 90);
    }
    m_table->setColumnWidth(ThroughGroup, 110);
    m_table->setColumnWidth(Planned, 100);

    connect(m_assignAll, &QPushButton::clicked, this, &LicencesTab::assignToEveryUser);
    connect(m_useGroup, &QPushButton::clicked, this, &LicencesTab::setUpLicenceGroup);
    connect(m_picker, &QComboBox::currentIndexChanged, this, &LicencesTab::updateButtons);

    auto *pickerRow = new QHBoxLayout;
    pickerRow->addWidget(new QLabel(tr("Licence:"), this));
    pickerRow->addWidget(m_picker);
    pickerRow->addWidget(m_assignAll);
    pickerRow->addWidget(m_useGroup);
    pickerRow->addWidget(m_progress, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(m_note);
    layout->addLayout(pickerRow);
    layout->addWidget(m_groupNote);
    layout->addWidget(m_table, 1);
    rebuild();
}

void LicencesTab::setSeats(const QList<Sync::SeatCount> &seats)
{
    m_seats = seats;
    rebuild();
}

void LicencesTab::setGraphClient(Graph::GraphClient *client)
{
    // The owner may hand the same client on every state change: only a new one is read again.
    if (client == m_client) {
        return;
    }
    m_client = client;
    refresh();
}

void LicencesTab::setSettings(const Sync::SyncSettings &settings)
{
    m_settings = settings;
    rebuild();
}

void LicencesTab::refresh()
{
    if (m_overviewJob) {
        m_overviewJob->disconnect(this);
        m_overviewJob->cancel();
        m_overviewJob->deleteLater();
    }
    if (!m_client) {
        return;
    }
    auto *job = new Sync::LicenceOverviewJob(m_client, this);
    m_overviewJob = job;
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            m_banner->setError(job->error());
        } else {
            m_overview = job->skus();
            m_groupLicensing = job->groupLicensingSupported();
            rebuild();
        }
        Q_EMIT overviewChanged();
    });
    job->start();
}

QString LicencesTab::selectedSku() const
{
    return m_picker->currentData().toString();
}

void LicencesTab::rebuild()
{
    // The picker: the tenant's subscriptions by part number, keeping the choice across reads.
    const QString chosen = selectedSku().isEmpty() ? m_settings.options.defaultSkuId : selectedSku();
    {
        const QSignalBlocker blocker(m_picker);
        m_picker->clear();
        for (const Sync::LicenceSummary &sku : std::as_const(m_overview)) {
            m_picker->addItem(sku.partNumber.isEmpty() ? sku.skuId : sku.partNumber, sku.skuId);
            m_picker->setItemData(m_picker->count() - 1, sku.skuId, Qt::ToolTipRole);
        }
        const int index = m_picker->findData(chosen);
        m_picker->setCurrentIndex(index >= 0 ? index : 0);
    }

    // The rows: every subscription of the tenant, then SKUs of the plan the tenant did not list (not read yet).
    QList<Row> rows;
    for (const Sync::LicenceSummary &sku : std::as_const(m_overview)) {
        rows.append(Row{sku.skuId, sku.partNumber, sku.prepaid, sku.consumed, &sku, nullptr});
    }
    for (const Sync::SeatCount &seat : std::as_const(m_seats)) {
        auto it = std::find_if(rows.begin(), rows.end(), [&seat](const Row &row) {
            return row.skuId.compare(seat.skuId, Qt::CaseInsensitive) == 0;
        });
        if (it == rows.end()) {
            rows.append(Row{seat.skuId, seat.skuPartNumber, seat.prepaid, seat.consumed, nullptr, &seat});
        } else {
            // The plan read the subscriptions just now: its figures are the fresher ones.
            it->seat = &seat;
            it->prepaid = seat.prepaid;
            it->consumed = seat.consumed;
        }
    }

    m_table->setRowCount(int(rows.size()));
    QStringList short_;
    for (int row = 0; row < rows.size(); ++row) {
        const Row &r = rows.at(row);
        QStringList marks;
        if (r.skuId.compare(m_settings.options.defaultSkuId, Qt::CaseInsensitive) == 0) {
            marks.append(tr("every user"));
        }
        const QString settingsGroup = m_settings.options.licenceGroupBySku.value(r.skuId);
        const QString groupId = settingsGroup.isEmpty() && r.summary ? r.summary->licenceGroupId : settingsGroup;
        if (!groupId.isEmpty()) {
            marks.append(tr("licensing group"));
        }
        const QString name = r.partNumber.isEmpty() ? r.skuId : r.partNumber;
        auto *nameItem =
            new QTableWidgetItem(marks.isEmpty() ? name : tr("%1 (%2)").arg(name, marks.join(QStringLiteral(", "))));
        nameItem->setToolTip(groupId.isEmpty() ? r.skuId : tr("%1, licensing group %2").arg(r.skuId, groupId));
        nameItem->setData(Qt::UserRole, r.skuId);
        m_table->setItem(row, Name, nameItem);
        m_table->setItem(row, Prepaid, number(r.prepaid));
        m_table->setItem(row, Consumed, number(r.consumed));
        m_table->setItem(row, Free, number(r.prepaid - r.consumed));
        if (r.summary) {
            m_table->setItem(row, Direct, number(r.summary->direct));
            auto *group = number(r.summary->throughGroup);
            if (r.summary->failed > 0) {
                group->setText(tr("%1 (%2 failed)").arg(r.summary->throughGroup).arg(r.summary->failed));
                group->setToolTip(tr("%n user(s) could not get the licence from a group, e.g. for want of seats.",
                                     nullptr,
                                     r.summary->failed));
            }
            m_table->setItem(row, ThroughGroup, group);
        } else {
            m_table->setItem(row, Direct, new QTableWidgetItem(QStringLiteral("–")));
            m_table->setItem(row, ThroughGroup, new QTableWidgetItem(QStringLiteral("–")));
        }
        const int needed = r.seat ? r.seat->needed : 0;
        const int released = r.seat ? r.seat->released : 0;
        m_table->setItem(
            row, Planned, new QTableWidgetItem(r.seat ? tr("+%1 / −%2").arg(needed).arg(released) : QString()));
        const int after = r.consumed + needed - released;
        const int shortfall = qMax(0, needed - released - (r.prepaid - r.consumed));
        auto *bar = new QProgressBar(m_table);
        bar->setObjectName(QStringLiteral("seatBar_") + name);
        bar->setRange(0, qMax(1, r.prepaid));
        bar->setValue(qBound(0, after, qMax(1, r.prepaid)));
        bar->setFormat(shortfall > 0 ? tr("%1 of %2 — %3 short").arg(after).arg(r.prepaid).arg(shortfall)
                                     : tr("%1 of %2").arg(after).arg(r.prepaid));
        if (shortfall > 0) {
            // A style sheet replaces the native look entirely, so the frame and the centred text are set too.
            bar->setStyleSheet(QStringLiteral("QProgressBar { border: 1px solid #a0a0a0; border-radius: 3px; "
                                              "text-align: center; background: #f4f4f4; } "
                                              "QProgressBar::chunk { background-color: #e8a09a; }"));
            short_.append(name);
        }
        m_table->setCellWidget(row, After, bar);
    }
    if (rows.isEmpty()) {
        m_note->setText(tr("The tenant has no subscriptions, or the plan assigns no licences."));
    } else if (!short_.isEmpty()) {
        m_note->setText(tr("Not enough seats for the plan: %1. Licence assignments beyond the free seats will fail; "
                           "buy more seats or assign fewer licences.")
                            .arg(short_.join(QStringLiteral(", "))));
    } else {
        m_note->setText(tr("Seats per subscription: bought (prepaid), used now (consumed), held directly or through a "
                           "group, and what the sync adds and releases."));
    }
    updateButtons();
}

void LicencesTab::updateButtons()
{
    const QString sku = selectedSku();
    const bool busy = isSettingUpGroup();
    m_picker->setEnabled(!busy && m_picker->count() > 0);
    m_assignAll->setEnabled(!busy && !sku.isEmpty()
                            && sku.compare(m_settings.options.defaultSkuId, Qt::CaseInsensitive) != 0);
    m_useGroup->setEnabled(!busy && !sku.isEmpty() && !m_client.isNull());
    m_useGroup->setToolTip(m_overview.isEmpty() || m_groupLicensing
                               ? tr("Makes (or finds) the security group \"%1\", assigns it this licence, and gives "
                                    "the licence to users through it from the next sync on.")
                                     .arg(Sync::licenceGroupDisplayName(m_picker->currentText()))
                               : tr("The tenant has no Microsoft Entra ID P1, which group-based licensing needs."));
}

void LicencesTab::assignToEveryUser()
{
    const QString sku = selectedSku();
    if (sku.isEmpty()) {
        return;
    }
    m_settings.options.defaultSkuId = sku;
    rebuild();
    Q_EMIT settingsChangeRequested(m_settings);
}

void LicencesTab::setUpLicenceGroup()
{
    const QString sku = selectedSku();
    if (sku.isEmpty() || !m_client || isSettingUpGroup()) {
        return;
    }
    m_banner->setError({});
    auto *job = new Sync::LicenceGroupSetupJob(m_client, sku, this);
    m_setupJob = job;
    connect(job, &Sync::LicenceGroupSetupJob::progress, m_progress, &QLabel::setText);
    connect(job, &Job::finished, this, [this, job, sku] {
        job->deleteLater();
        m_setupJob = nullptr;
        const bool ok = !job->hasError();
        if (ok) {
            QString text = job->createdGroup()
                ? tr("Made the licensing group \"%1\".").arg(Sync::licenceGroupDisplayName(job->skuPartNumber()))
                : tr("Licensing through the group \"%1\" is set up.")
                      .arg(Sync::licenceGroupDisplayName(job->skuPartNumber()));
            // The group only carries the licence: who gets it is still the profile's choice.
            const Sync::PlanOptions &o = m_settings.options;
            if (o.defaultSkuId.compare(sku, Qt::CaseInsensitive) != 0 && !o.skuByGroup.values().contains(sku)) {
                text += QLatin1Char(' ') + tr("Choose \"Assign to every user\" to give it to users.");
            }
            m_progress->setText(text);
            m_settings.options.licenceGroupBySku.insert(sku, job->groupId());
            rebuild();
            Q_EMIT settingsChangeRequested(m_settings);
            refresh();
        } else {
            m_progress->clear();
            m_banner->setError(job->error());
            updateButtons();
        }
        Q_EMIT licenceGroupSetupFinished(ok);
    });
    updateButtons();
    job->start();
}

} // namespace M365::Ui
