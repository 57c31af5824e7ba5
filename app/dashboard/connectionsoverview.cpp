// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectionsoverview.h"

#include "profile/profilestore.h"
#include "sync/runhealth.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTreeView>
#include <QVBoxLayout>

namespace M365::Ui {

ConnectionsOverview::ConnectionsOverview(const Options &options, QWidget *parent)
    : QWidget(parent)
    , m_options(options)
    , m_model(new ConnectionsModel(this))
    , m_view(new QTreeView(this))
    , m_summary(new QLabel(this))
    , m_open(new QPushButton(tr("Open dashboard"), this))
    , m_edit(new QPushButton(tr("Edit connection…"), this))
{
    setObjectName(QStringLiteral("connectionsOverview"));
    auto *title = new QLabel(tr("<b>Connections</b>"), this);
    m_summary->setObjectName(QStringLiteral("connectionsSummary"));
    m_summary->setWordWrap(true);

    m_view->setObjectName(QStringLiteral("connectionsView"));
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setAlternatingRowColors(true);
    m_view->setUniformRowHeights(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(ConnectionsModel::Result, QHeaderView::Stretch);
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT openRequested(index.data(ConnectionsModel::NameRole).toString());
    });
    connect(
        m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ConnectionsOverview::updateButtons);

    m_open->setObjectName(QStringLiteral("overviewOpenButton"));
    m_open->setDefault(true);
    connect(m_open, &QPushButton::clicked, this, [this] {
        Q_EMIT openRequested(selectedName());
    });
    m_edit->setObjectName(QStringLiteral("overviewEditButton"));
    connect(m_edit, &QPushButton::clicked, this, [this] {
        Q_EMIT editRequested(selectedName());
    });
    auto *add = new QPushButton(tr("New connection…"), this);
    add->setObjectName(QStringLiteral("overviewNewButton"));
    connect(add, &QPushButton::clicked, this, &ConnectionsOverview::newConnectionRequested);
    auto *refresh = new QPushButton(
        QIcon::fromTheme(QStringLiteral("view-refresh"), style()->standardIcon(QStyle::SP_BrowserReload)),
        tr("Refresh"),
        this);
    refresh->setObjectName(QStringLiteral("overviewRefreshButton"));
    connect(refresh, &QPushButton::clicked, this, &ConnectionsOverview::reload);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_edit);
    buttons->addWidget(add);
    buttons->addStretch();
    buttons->addWidget(refresh);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    reload();
}

namespace {

ConnectionRow::Health healthOf(int code)
{
    switch (code) {
    case Sync::HealthVerdict::Ok:
        return ConnectionRow::Health::Ok;
    case Sync::HealthVerdict::Warning:
        return ConnectionRow::Health::Warning;
    case Sync::HealthVerdict::Critical:
        return ConnectionRow::Health::Critical;
    default:
        return ConnectionRow::Health::Unknown;
    }
}

/// The last run's result in words, for the Result column.
QString resultText(const Sync::ProfileHealth &health)
{
    if (!health.isReadable()) {
        return ConnectionsOverview::tr("Cannot be read: %1").arg(health.error);
    }
    if (!health.hasRun()) {
        return ConnectionsOverview::tr("Never run");
    }
    const QString outcome = health.lastOutcome();
    const QString message = health.lastAttempt ? health.lastAttempt->message : QString();
    if (outcome == QLatin1String(Sync::AttemptOutcome::Done)) {
        return health.lastRunApplied() == 0
            ? ConnectionsOverview::tr("Done: nothing to change")
            : ConnectionsOverview::tr("Done: %n change(s) applied", "", health.lastRunApplied());
    }
    if (outcome == QLatin1String(Sync::AttemptOutcome::FailedItems)) {
        return ConnectionsOverview::tr("%n change(s) failed", "", health.lastRunFailures());
    }
    if (outcome == QLatin1String(Sync::AttemptOutcome::GuardStopped)) {
        return ConnectionsOverview::tr("Stopped by the deletion guard");
    }
    if (outcome == QLatin1String(Sync::AttemptOutcome::Locked)) {
        return ConnectionsOverview::tr("Another run was in progress");
    }
    return message.isEmpty() ? ConnectionsOverview::tr("Failed") : ConnectionsOverview::tr("Failed: %1").arg(message);
}

} // namespace

QList<ConnectionRow> ConnectionsOverview::collectRows(const Options &options)
{
    const Profile::ProfileStore store(options.profileDirectory.isEmpty() ? Profile::ProfileStore::defaultDirectory()
                                                                         : options.profileDirectory);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<ConnectionRow> rows;
    for (const QString &name : store.list()) {
        M365::Error error;
        const std::optional<Profile::Profile> profile = store.load(name, &error);
        if (profile && profile->isDraft()) {
            continue; // a draft is finished in the wizard; it is no connection yet
        }
        const Sync::ProfileHealth health = profile ? Sync::ProfileHealth::load(*profile, options.stateDirectory, now)
                                                   : Sync::ProfileHealth::unreadable(name, error.userMessage, now);
        // Only a scheduled connection can be overdue: one run by hand is as fresh as its admin wants it.
        const Sync::HealthVerdict verdict =
            Sync::evaluate(health, health.scheduleEnabled ? health.defaultMaxAgeSeconds() : 0, now);
        ConnectionRow row;
        row.name = name;
        row.tenant = profile ? profile->tenant : QString();
        row.lastRun = health.lastRunAt();
        row.result = resultText(health);
        if (health.lastPlan) {
            row.pending = health.lastPlan->pending;
            row.deletions = health.lastPlan->destructive;
        }
        const std::optional<int> days = health.certificateDaysLeft(now);
        row.hasCertificate = days.has_value();
        row.certificateDays = days.value_or(0);
        row.nextRun = health.nextRun;
        row.health = healthOf(verdict.code);
        row.healthText = verdict.line;
        rows.append(row);
    }
    return rows;
}

void ConnectionsOverview::reload()
{
    const QString selected = selectedName();
    const QList<ConnectionRow> rows = collectRows(m_options);
    m_model->setRows(rows);
    for (int column = 0; column < ConnectionsModel::ColumnCount; ++column) {
        if (column != ConnectionsModel::Result) {
            m_view->resizeColumnToContents(column);
        }
    }
    int failing = 0;
    int warnings = 0;
    for (const ConnectionRow &row : rows) {
        failing += row.health == ConnectionRow::Health::Critical ? 1 : 0;
        warnings += row.health == ConnectionRow::Health::Warning ? 1 : 0;
    }
    if (rows.isEmpty()) {
        m_summary->setText(tr("No connection yet. Choose \"New connection…\" to connect to a tenant or the sandbox."));
    } else if (failing == 0 && warnings == 0) {
        m_summary->setText(tr("All %n connection(s) are fine.", "", int(rows.size())));
    } else {
        m_summary->setText(tr("%1 of %2 connections need attention: %3 failing, %4 with warnings. Hover over a row "
                              "to see why; open it to see its history.")
                               .arg(failing + warnings)
                               .arg(rows.size())
                               .arg(failing)
                               .arg(warnings));
    }
    const int row = m_model->rowOf(selected);
    if (row >= 0) {
        m_view->setCurrentIndex(m_model->index(row, 0));
    } else if (!rows.isEmpty()) {
        m_view->setCurrentIndex(m_model->index(0, 0));
    }
    updateButtons();
}

QString ConnectionsOverview::selectedName() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.data(ConnectionsModel::NameRole).toString() : QString();
}

void ConnectionsOverview::updateButtons()
{
    const bool any = !selectedName().isEmpty();
    m_open->setEnabled(any);
    m_edit->setEnabled(any);
}

} // namespace M365::Ui
