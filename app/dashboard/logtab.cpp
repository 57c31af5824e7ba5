// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logtab.h"

#include "requestlogmodel.h"

#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace M365::Ui {

namespace {

/// Text in any column, optionally only requests that failed, were retried or were throttled.
class LogFilterModel : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setProblemsOnly(bool on)
    {
        m_problemsOnly = on;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        if (m_problemsOnly
            && !sourceModel()->index(sourceRow, 0, sourceParent).data(RequestLogModel::IsProblemRole).toBool()) {
            return false;
        }
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    }

private:
    bool m_problemsOnly = false;
};

} // namespace

LogTab::LogTab(QWidget *parent)
    : QWidget(parent)
    , m_model(new RequestLogModel(this))
    , m_proxy(new LogFilterModel(this))
    , m_filterEdit(new QLineEdit(this))
    , m_problemsOnly(new QCheckBox(tr("Only errors, retries and throttling"), this))
    , m_table(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_filterEdit->setObjectName(QStringLiteral("logFilterEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter by URL, status or request id…"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_problemsOnly->setObjectName(QStringLiteral("logProblemsOnlyCheck"));
    connect(m_problemsOnly, &QCheckBox::toggled, this, [this](bool on) {
        static_cast<LogFilterModel *>(m_proxy)->setProblemsOnly(on);
    });
    auto *copy = new QPushButton(tr("Copy"), this);
    copy->setObjectName(QStringLiteral("logCopyButton"));
    copy->setToolTip(tr("Copy the selected requests (or all shown) with their request ids, for support"));
    connect(copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(copyText());
    });

    m_table->setObjectName(QStringLiteral("logTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->setColumnWidth(RequestLogModel::TimeColumn, 100);
    m_table->setColumnWidth(RequestLogModel::MethodColumn, 70);
    m_table->setColumnWidth(RequestLogModel::StatusColumn, 70);
    m_table->setColumnWidth(RequestLogModel::DurationColumn, 80);
    m_table->setColumnWidth(RequestLogModel::UrlColumn, 480);
    m_table->setColumnWidth(RequestLogModel::RequestIdColumn, 260);
    // Follow new requests while the view is at the bottom.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_table->selectionModel()->selectedRows().isEmpty()) {
            m_table->scrollToBottom();
        }
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_problemsOnly);
    bar->addWidget(copy);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
}

void LogTab::setLog(Graph::RequestLog *log)
{
    m_model->setLog(log);
}

QString LogTab::copyText() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        for (int row = 0; row < m_proxy->rowCount(); ++row) {
            rows.append(m_proxy->index(row, 0));
        }
    }
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) {
        return a.row() < b.row();
    });
    QStringList lines;
    for (const QModelIndex &index : std::as_const(rows)) {
        lines.append(RequestLogModel::lineOf(m_model->entry(m_proxy->mapToSource(index).row())));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace M365::Ui
