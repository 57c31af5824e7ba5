// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>
#include <QPointer>

#include <memory>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QPushButton;
class QStackedWidget;

namespace M365::Secrets {
class SecretStore;
}
namespace M365::Sandbox {
class TenantPlace;
}

namespace M365::Ui {

class ConnectionsOverview;
class DashboardController;
class DashboardWidget;
class OnboardingWizard;

/**
 * The application's main window: the dashboard of one profile at a time, a switcher for admins (MSPs) who look after
 * several tenants, and "New connection…", which runs the onboarding wizard again and switches to the new profile.
 * "Edit connection…" runs the wizard's pages for the open profile, and drafts the wizard kept (issue 13) are listed
 * under "Finish a draft" instead of in the switcher: a draft is no connection, so no dashboard opens for it.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    struct Options
    {
        Secrets::SecretStore *secrets = nullptr;
        QString profileDirectory; ///< empty: ProfileStore::defaultDirectory()
        QString stateDirectory; ///< empty: the controller's default
        QString dataDirectory; ///< for the wizard's sandbox; empty: AppDataLocation
        /// Where scheduled runs are written and whether systemctl is called (tests: a temp folder and false).
        QString scheduleUnitDirectory;
        bool runSystemctl = true;
    };

    explicit MainWindow(const Options &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Lists the profiles again and opens @p name (empty: the last one used, else the first).
    void reloadProfiles(const QString &name = QString());
    /// Shows the dashboard of the profile @p name and starts its controller; a draft is resumed in the wizard instead.
    /// A profile on the sandbox tenant is served by this process first (its place, Sandbox::TenantPlace), for as long
    /// as its dashboard is open; when another program serves it, the window says so and offers to try again.
    void openProfile(const QString &name);
    /// The drafts the wizard kept, as last listed.
    QStringList drafts() const { return m_drafts; }
    QString currentProfile() const { return m_current; }
    DashboardController *controller() const;
    DashboardWidget *dashboard() const;
    /// A message in place of the dashboard (no profile, or it cannot be read); with @p retryProfile, a "Try again"
    /// button opens that profile again.
    void showMessage(const QString &text, const QString &retryProfile = QString());

    /// Shows every connection with its health (the Connections overview); opening one shows its dashboard.
    void showConnections();
    ConnectionsOverview *connectionsOverview() const { return m_overview; }
    /// Opens the onboarding wizard; its Finish adds a profile and switches to it.
    void newConnection();
    /// Opens the wizard's App registration, Credentials and Connection pages for the open profile; Finish saves it
    /// under the same name (its history and state stay) and opens it afresh, Cancel changes nothing.
    void editConnection();
    /// Opens the wizard on the draft @p name where the admin left it; Finish makes it a connection and opens it.
    void resumeDraft(const QString &name);
    /// The wizard opened last (New connection, Edit connection, a draft), or null.
    OnboardingWizard *lastWizard() const { return m_wizards.empty() ? nullptr : m_wizards.back().get(); }

private:
    /// A wizard over this window's profiles and secrets.
    OnboardingWizard *makeWizard();
    QString profileDirectory() const;
    void updateDrafts();

    Options m_options;
    QComboBox *m_profileCombo;
    QStackedWidget *m_stack;
    QWidget *m_messagePage;
    QLabel *m_message;
    QPushButton *m_retry;
    QString m_retryProfile;
    QAction *m_editConnection;
    ConnectionsOverview *m_overview;
    QMenu *m_draftsMenu;
    QStringList m_drafts;
    QPointer<DashboardController> m_controller;
    QPointer<DashboardWidget> m_dashboard;
    QString m_current;
    /// The sandbox tenant the open dashboard's profile is on (null for a real tenant): served while it is open.
    std::shared_ptr<Sandbox::TenantPlace> m_place;
    /// Wizards that ran, kept while the app runs; they let go of their sandbox tenant when they are done.
    std::vector<std::unique_ptr<OnboardingWizard>> m_wizards;
};

} // namespace M365::Ui
