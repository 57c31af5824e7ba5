// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/changeplan.h"
#include "sync/licencegroups.h"
#include "sync/syncsettings.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace M365::Graph {
class GraphClient;
}

namespace M365::Ui {

class ErrorBanner;

/**
 * The Licences tab: every subscription of the tenant with its seats (bought, used, free), how many users hold it
 * directly and how many through a group, what the current plan would add and release; and the choice of licence:
 * a SKU picker that makes the SKU every user's licence, or sets up licensing through a group for it
 * (Sync::LicenceGroupSetupJob).
 *
 * It reads the tenant itself through the GraphClient it is given (Sync::LicenceOverviewJob) and never saves
 * anything: a changed licence choice goes out as settingsChangeRequested() for the owner to save and plan with, so
 * that the tab can be tested on its own against the sandbox tenant.
 */
class LicencesTab : public QWidget
{
    Q_OBJECT

public:
    explicit LicencesTab(QWidget *parent = nullptr);

    /// The plan's seat arithmetic (ChangePlan::seats): the Planned and Seats after the sync columns.
    void setSeats(const QList<Sync::SeatCount> &seats);
    /// The connection to read the tenant's licences with and to set licensing groups up through; a new one is read at
    /// once, the same one again changes nothing. Null (before connecting): only the SKUs the plan uses are shown.
    void setGraphClient(Graph::GraphClient *client);
    /// The profile's settings as they are now; the picker's buttons start from them.
    void setSettings(const Sync::SyncSettings &settings);
    /// Reads the tenant's subscriptions and licence assignments again (e.g. after a sync).
    void refresh();

    /// The tenant's subscriptions as last read (empty before the first read).
    const QList<Sync::LicenceSummary> &overview() const { return m_overview; }
    /// True while a licensing group is being set up.
    bool isSettingUpGroup() const { return !m_setupJob.isNull(); }

Q_SIGNALS:
    /// The admin changed the licence choice: save these settings and plan with them (DashboardController::setSettings).
    void settingsChangeRequested(const M365::Sync::SyncSettings &settings);
    /// A read of the tenant's licences ended (when it failed, the banner says why).
    void overviewChanged();
    /// Setting up a licensing group ended; @p ok false: the banner says why.
    void licenceGroupSetupFinished(bool ok);

private:
    void rebuild();
    void updateButtons();
    void assignToEveryUser();
    void setUpLicenceGroup();
    QString selectedSku() const;

    QPointer<Graph::GraphClient> m_client;
    QPointer<Sync::LicenceOverviewJob> m_overviewJob;
    QPointer<Sync::LicenceGroupSetupJob> m_setupJob;
    Sync::SyncSettings m_settings;
    QList<Sync::SeatCount> m_seats;
    QList<Sync::LicenceSummary> m_overview;
    bool m_groupLicensing = false;

    ErrorBanner *m_banner;
    QLabel *m_note;
    QComboBox *m_picker;
    QPushButton *m_assignAll;
    QPushButton *m_useGroup;
    QLabel *m_progress;
    QLabel *m_groupNote;
    QTableWidget *m_table;
};

} // namespace M365::Ui
