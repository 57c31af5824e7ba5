// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "historytab.h"

#include "changeplanmodel.h"
#include "sync/statestore.h"

#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace M365::Ui {

namespace {

QTableWidget *makeTable(const char *name, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(QLatin1String(name));
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    return table;
}

QString formatTime(const QDateTime &time)
{
    return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat) : QString();
}

/// "40 of 62 done, 2 failed, 40 writes" out of a run's counts; counts this version does not know are shown as they are.
QString countsText(const QJsonObject &counts)
{
    QStringList parts;
    const int done = counts.value(QLatin1String("done")).toInt();
    if (counts.contains(QLatin1String("total"))) {
        parts.append(HistoryTab::tr("%1 of %2 done").arg(done).arg(counts.value(QLatin1String("total")).toInt()));
    } else if (counts.contains(QLatin1String("done"))) {
        parts.append(HistoryTab::tr("%1 done").arg(done));
    }
    if (counts.value(QLatin1String("failed")).toInt() > 0) {
        parts.append(HistoryTab::tr("%1 failed").arg(counts.value(QLatin1String("failed")).toInt()));
    }
    if (counts.value(QLatin1String("skipped")).toInt() > 0) {
        parts.append(HistoryTab::tr("%1 skipped").arg(counts.value(QLatin1String("skipped")).toInt()));
    }
    if (counts.contains(QLatin1String("writes"))) {
        parts.append(HistoryTab::tr("%1 writes").arg(counts.value(QLatin1String("writes")).toInt()));
    }
    static const QStringList known{QStringLiteral("done"),
                                   QStringLiteral("total"),
                                   QStringLiteral("failed"),
                                   QStringLiteral("skipped"),
                                   QStringLiteral("writes")};
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
        if (!known.contains(it.key()) && it.value().isDouble()) {
            parts.append(QStringLiteral("%1: %2").arg(it.key()).arg(it.value().toInt()));
        }
    }
    return parts.join(QStringLiteral(", "));
}

/// A change's result as the applier records it ("done", "failed" …), in words.
QString resultText(const QString &result)
{
    if (result == QLatin1String("done")) {
        return HistoryTab::tr("Done");
    }
    if (result == QLatin1String("failed")) {
        return HistoryTab::tr("Failed");
    }
    if (result == QLatin1String("skipped")) {
        return HistoryTab::tr("Skipped");
    }
    if (result == QLatin1String("stale")) {
        return HistoryTab::tr("Changed meanwhile");
    }
    if (result == QLatin1String("pending")) {
        return HistoryTab::tr("Not applied");
    }
    return result;
}

QString statusText(const QString &status)
{
    if (status == QLatin1String("running")) {
        return HistoryTab::tr("Running or interrupted");
    }
    if (status == QLatin1String("finished with failures")) {
        return HistoryTab::tr("Finished with failures");
    }
    if (status == QLatin1String("done")) {
        return HistoryTab::tr("Done");
    }
    if (status == QLatin1String("failed")) {
        return HistoryTab::tr("Failed");
    }
    if (status == QLatin1String("cancelled")) {
        return HistoryTab::tr("Cancelled");
    }
    return status;
}

} // namespace

HistoryTab::HistoryTab(QWidget *parent)
    : QWidget(parent)
    , m_runs(makeTable("historyRunsTable", {tr("Started"), tr("Ended"), tr("Status"), tr("Counts")}, this))
    , m_changes(makeTable("historyChangesTable",
                          {tr("Change"), tr("Object"), tr("Name"), tr("User name"), tr("Result"), tr("Message")},
                          this))
    , m_runTitle(new QLabel(tr("Select a run to see its changes."), this))
    , m_undoButton(new QPushButton(tr("Undo this run…"), this))
{
    m_runTitle->setObjectName(QStringLiteral("historyRunTitle"));
    m_undoButton->setObjectName(QStringLiteral("undoRunButton"));
    m_undoButton->setToolTip(tr("Plan taking back what this run changed in the tenant; you see the plan before "
                                "anything is applied."));
    m_undoButton->setEnabled(false);
    connect(m_undoButton, &QPushButton::clicked, this, [this] {
        const int row = m_runs->currentRow();
        if (row >= 0 && row < m_runIds.size() && m_runEnded.value(row)) {
            Q_EMIT undoRequested(m_runIds.at(row));
        }
    });
    m_runs->setColumnWidth(0, 160);
    m_runs->setColumnWidth(1, 160);
    m_runs->setColumnWidth(2, 170);
    // The kind, object and result columns fit their longest texts (the kind with its icon), in every language.
    const QFontMetrics metrics = m_changes->fontMetrics();
    int kindWidth = 90;
    for (const auto kind : {Sync::Change::Kind::Create,
                            Sync::Change::Kind::Update,
                            Sync::Change::Kind::Disable,
                            Sync::Change::Kind::Enable,
                            Sync::Change::Kind::Delete,
                            Sync::Change::Kind::Link,
                            Sync::Change::Kind::Restore,
                            Sync::Change::Kind::Conflict,
                            Sync::Change::Kind::Invalid}) {
        kindWidth = qMax(kindWidth, metrics.horizontalAdvance(Models::ChangePlanModel::kindText(kind)) + 40);
    }
    int typeWidth = 90;
    for (const auto type : {Sync::Change::ObjectType::User,
                            Sync::Change::ObjectType::Group,
                            Sync::Change::ObjectType::Membership,
                            Sync::Change::ObjectType::Licence}) {
        typeWidth = qMax(typeWidth, metrics.horizontalAdvance(Models::ChangePlanModel::objectTypeText(type)) + 16);
    }
    int resultWidth = 90;
    for (const char *result : {"done", "failed", "skipped", "stale", "pending"}) {
        resultWidth = qMax(resultWidth, metrics.horizontalAdvance(resultText(QLatin1String(result))) + 16);
    }
    m_changes->setColumnWidth(0, kindWidth);
    m_changes->setColumnWidth(1, typeWidth);
    m_changes->setColumnWidth(2, 180);
    m_changes->setColumnWidth(3, 250);
    m_changes->setColumnWidth(4, resultWidth);
    connect(m_runs, &QTableWidget::currentCellChanged, this, [this](int row) {
        openRun(row);
    });

    auto *lower = new QWidget(this);
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_runTitle, 1);
    titleRow->addWidget(m_undoButton);
    lowerLayout->addLayout(titleRow);
    lowerLayout->addWidget(m_changes, 1);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_runs);
    splitter->addWidget(lower);
    splitter->setSizes({200, 400});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
}

void HistoryTab::setStore(Sync::StateStore *store)
{
    m_store = store;
    refresh();
}

void HistoryTab::refresh()
{
    const qint64 open =
        m_runs->currentRow() >= 0 && m_runs->currentRow() < m_runIds.size() ? m_runIds.at(m_runs->currentRow()) : -1;
    const QList<Sync::RunRecord> runs =
        m_store && m_store->isOpen() ? m_store->runHistory(200) : QList<Sync::RunRecord>();
    const QSignalBlocker blocker(m_runs);
    m_runs->setRowCount(int(runs.size()));
    m_runIds.clear();
    m_runEnded.clear();
    int reopen = -1;
    for (int row = 0; row < runs.size(); ++row) {
        const Sync::RunRecord &run = runs.at(row);
        m_runIds.append(run.id);
        m_runEnded.append(run.ended.isValid() && run.status != QLatin1String("running"));
        m_runs->setItem(row, 0, new QTableWidgetItem(formatTime(run.started)));
        m_runs->setItem(row, 1, new QTableWidgetItem(formatTime(run.ended)));
        m_runs->setItem(row, 2, new QTableWidgetItem(statusText(run.status)));
        m_runs->setItem(row, 3, new QTableWidgetItem(countsText(run.counts)));
        if (run.id == open) {
            reopen = row;
        }
    }
    if (reopen >= 0) {
        m_runs->setCurrentCell(reopen, 0);
    }
    openRun(reopen);
}

void HistoryTab::openRun(int row)
{
    m_undoButton->setEnabled(m_store && row >= 0 && row < m_runIds.size() && m_runEnded.value(row));
    if (!m_store || row < 0 || row >= m_runIds.size()) {
        m_changes->setRowCount(0);
        m_runTitle->setText(tr("Select a run to see its changes."));
        return;
    }
    const QList<Sync::RunChangeRecord> changes = m_store->runChanges(m_runIds.at(row));
    m_runTitle->setText(
        tr("Run started %1: %n change(s)", nullptr, int(changes.size())).arg(m_runs->item(row, 0)->text()));
    m_changes->setRowCount(int(changes.size()));
    for (int i = 0; i < changes.size(); ++i) {
        const Sync::RunChangeRecord &record = changes.at(i);
        auto *kind = new QTableWidgetItem(Models::ChangePlanModel::kindIcon(record.change.kind),
                                          Models::ChangePlanModel::kindText(record.change.kind));
        m_changes->setItem(i, 0, kind);
        m_changes->setItem(
            i, 1, new QTableWidgetItem(Models::ChangePlanModel::objectTypeText(record.change.objectType)));
        m_changes->setItem(i, 2, new QTableWidgetItem(record.change.displayName));
        m_changes->setItem(i, 3, new QTableWidgetItem(record.change.userPrincipalName));
        m_changes->setItem(i, 4, new QTableWidgetItem(resultText(record.result)));
        auto *message = new QTableWidgetItem(record.message);
        message->setToolTip(record.message);
        m_changes->setItem(i, 5, message);
    }
}

} // namespace M365::Ui
