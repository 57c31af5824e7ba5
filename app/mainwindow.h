// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QMainWindow>
#include <QPointer>

#include <memory>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QStackedWidget;

namespace M365::Secrets {
class SecretStore;
}
namespace M365::Sandbox {
class SandboxServer;
}

namespace M365::Ui {

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
        /// The in-process sandbox tenant that sandbox profiles talk to (null: none running).
        Sandbox::SandboxServer *sandbox = nullptr;
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
    void openProfile(const QString &name);
    /// The drafts the wizard kept, as last listed.
    QStringList drafts() const { return m_drafts; }
    QString currentProfile() const { return m_current; }
    DashboardController *controller() const;
    DashboardWidget *dashboard() const;
    /// Uses @p server for the profile @p name (the wizard's sandbox, which the profile was pointed at).
    void setSandboxFor(const QString &name, Sandbox::SandboxServer *server);
    /// A message in place of the dashboard (no profile, or it cannot be read).
    void showMessage(const QString &text);

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
    /// A wizard over this window's profiles and secrets, using @p sandbox when the profile is a sandbox one.
    OnboardingWizard *makeWizard(Sandbox::SandboxServer *sandbox);
    QString profileDirectory() const;
    void updateDrafts();

    Options m_options;
    QComboBox *m_profileCombo;
    QStackedWidget *m_stack;
    QLabel *m_message;
    QAction *m_editConnection;
    QMenu *m_draftsMenu;
    QStringList m_drafts;
    QPointer<DashboardController> m_controller;
    QPointer<DashboardWidget> m_dashboard;
    QString m_current;
    QHash<QString, Sandbox::SandboxServer *> m_sandboxFor;
    /// Wizards that ran: kept while the app runs, because their sandbox tenant serves the profiles they made.
    std::vector<std::unique_ptr<OnboardingWizard>> m_wizards;
};

} // namespace M365::Ui
