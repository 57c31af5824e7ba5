// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "connectionsoverview.h"
#include "dashboardcontroller.h"
#include "dashboardwidget.h"
#include "onboardingwizard.h"
#include "profile/profilestore.h"
#include "sandboxhost.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace M365::Ui {

namespace {

const auto lastProfileKey = QStringLiteral("dashboard/lastProfile");

} // namespace

MainWindow::MainWindow(const Options &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_profileCombo(new QComboBox(this))
    , m_stack(new QStackedWidget(this))
    , m_messagePage(new QWidget(this))
    , m_message(new QLabel(m_messagePage))
    , m_retry(new QPushButton(tr("Try again"), m_messagePage))
    , m_editConnection(new QAction(tr("&Edit connection…"), this))
    , m_draftsMenu(new QMenu(tr("&Finish a draft"), this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("m365sync"));

    auto *newConnection = new QAction(tr("&New connection…"), this);
    newConnection->setObjectName(QStringLiteral("newConnectionAction"));
    newConnection->setShortcut(QKeySequence::New);
    connect(newConnection, &QAction::triggered, this, &MainWindow::newConnection);
    auto *quit = new QAction(tr("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, qApp, &QApplication::quit);
    m_editConnection->setObjectName(QStringLiteral("editConnectionAction"));
    m_editConnection->setEnabled(false);
    connect(m_editConnection, &QAction::triggered, this, &MainWindow::editConnection);
    auto *connections = new QAction(tr("&All connections"), this);
    connections->setObjectName(QStringLiteral("allConnectionsAction"));
    connections->setToolTip(tr("Every connection with its last run, result, pending changes and certificate"));
    connect(connections, &QAction::triggered, this, &MainWindow::showConnections);
    m_draftsMenu->setObjectName(QStringLiteral("draftsMenu"));
    m_draftsMenu->setEnabled(false);
    QMenu *file = menuBar()->addMenu(tr("&Connection"));
    file->addAction(newConnection);
    file->addAction(connections);
    file->addAction(m_editConnection);
    file->addMenu(m_draftsMenu);
    file->addSeparator();
    file->addAction(quit);

    QToolBar *bar = addToolBar(tr("Profiles"));
    bar->setObjectName(QStringLiteral("profileToolBar"));
    bar->setMovable(false);
    bar->addWidget(new QLabel(tr("Profile:") + QLatin1Char(' '), bar));
    m_profileCombo->setObjectName(QStringLiteral("profileCombo"));
    m_profileCombo->setMinimumWidth(220);
    m_profileCombo->setToolTip(tr("Switch to the dashboard of another connection"));
    bar->addWidget(m_profileCombo);
    bar->addAction(newConnection);
    bar->addAction(connections);
    connect(m_profileCombo, &QComboBox::activated, this, [this](int index) {
        openProfile(m_profileCombo->itemText(index));
    });

    m_message->setObjectName(QStringLiteral("mainMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_retry->setObjectName(QStringLiteral("retryOpenButton"));
    m_retry->setVisible(false);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        openProfile(m_retryProfile);
    });
    auto *messageLayout = new QVBoxLayout(m_messagePage);
    messageLayout->addStretch();
    messageLayout->addWidget(m_message);
    messageLayout->addWidget(m_retry, 0, Qt::AlignHCenter);
    messageLayout->addStretch();
    m_stack->addWidget(m_messagePage);
    ConnectionsOverview::Options overviewOptions;
    overviewOptions.profileDirectory = m_options.profileDirectory;
    overviewOptions.stateDirectory = m_options.stateDirectory;
    m_overview = new ConnectionsOverview(overviewOptions, m_stack);
    connect(m_overview, &ConnectionsOverview::openRequested, this, &MainWindow::openProfile);
    connect(m_overview, &ConnectionsOverview::editRequested, this, [this](const QString &name) {
        openProfile(name);
        if (m_current == name) {
            editConnection();
        }
    });
    connect(m_overview, &ConnectionsOverview::newConnectionRequested, this, &MainWindow::newConnection);
    m_stack->addWidget(m_overview);
    setCentralWidget(m_stack);
    resize(1280, 800);
}

MainWindow::~MainWindow()
{
    // The dashboard refers to the controller: the view goes first.
    delete m_dashboard;
    delete m_controller;
}

DashboardController *MainWindow::controller() const
{
    return m_controller;
}

DashboardWidget *MainWindow::dashboard() const
{
    return m_dashboard;
}

QString MainWindow::profileDirectory() const
{
    return m_options.profileDirectory.isEmpty() ? Profile::ProfileStore::defaultDirectory()
                                                : m_options.profileDirectory;
}

void MainWindow::reloadProfiles(const QString &name)
{
    // Drafts are no connections: they are finished in the wizard, not opened in a dashboard.
    const Profile::ProfileStore store(profileDirectory());
    QStringList names;
    m_drafts.clear();
    const QStringList all = store.list();
    for (const QString &profileName : all) {
        const std::optional<Profile::Profile> profile = store.load(profileName);
        if (profile && profile->isDraft()) {
            m_drafts.append(profileName);
        } else {
            names.append(profileName); // one that does not load says why when it is opened
        }
    }
    updateDrafts();
    {
        const QSignalBlocker blocker(m_profileCombo);
        m_profileCombo->clear();
        m_profileCombo->addItems(names);
    }
    m_profileCombo->setEnabled(names.size() > 1);
    if (names.isEmpty()) {
        delete m_dashboard;
        delete m_controller;
        m_place.reset();
        m_current.clear();
        m_editConnection->setEnabled(false);
        showMessage(m_drafts.isEmpty()
                        ? tr("No connection yet. Choose \"New connection…\" to connect to a tenant or the sandbox.")
                        : tr("No connection yet. Finish the draft \"%1\" (Connection, Finish a draft), or choose "
                             "\"New connection…\" to start afresh.")
                              .arg(m_drafts.constFirst()));
        return;
    }
    QString open = name.isEmpty() ? QSettings().value(lastProfileKey).toString() : name;
    if (!names.contains(open)) {
        open = names.constFirst();
    }
    openProfile(open);
}

void MainWindow::openProfile(const QString &name)
{
    if (name == m_current && m_controller) {
        m_stack->setCurrentWidget(m_dashboard); // e.g. back from the Connections overview
        setWindowTitle(tr("%1 — m365sync").arg(name));
        return;
    }
    const Profile::ProfileStore store(profileDirectory());
    M365::Error error;
    const std::optional<Profile::Profile> profile = store.load(name, &error);
    if (!profile) {
        showMessage(tr("The profile \"%1\" cannot be read: %2").arg(name, error.userMessage));
        return;
    }
    if (profile->isDraft()) {
        // A draft is no connection: it is finished in the wizard, never shown as a dashboard.
        resumeDraft(name);
        return;
    }
    // On the sandbox tenant: served here (or already, by this process's wizard or another dashboard of it).
    Profile::Profile opened = *profile;
    M365::Error placeError;
    std::shared_ptr<Sandbox::TenantPlace> place = Sandbox::openProfilePlace(&opened, &placeError);
    if (!place && !placeError.isNull()) {
        showMessage(tr("The profile \"%1\" cannot be opened: %2").arg(name, placeError.userMessage), name);
        return;
    }
    delete m_dashboard;
    delete m_controller;
    // The previous dashboard's tenant closes now unless this profile is on it too.
    m_place = std::move(place);

    DashboardController::Options options;
    options.secrets = m_options.secrets;
    options.stateDirectory = m_options.stateDirectory;
    options.profileDirectory = m_options.profileDirectory;
    options.scheduleUnitDirectory = m_options.scheduleUnitDirectory;
    options.runSystemctl = m_options.runSystemctl;
    m_controller = new DashboardController(opened, options, this);
    m_dashboard = new DashboardWidget(m_controller, m_stack);
    connect(m_dashboard, &DashboardWidget::editConnectionRequested, this, &MainWindow::editConnection);
    m_stack->addWidget(m_dashboard);
    m_stack->setCurrentWidget(m_dashboard);
    m_current = name;
    m_profileCombo->setCurrentIndex(m_profileCombo->findText(name));
    setWindowTitle(tr("%1 — m365sync").arg(name));
    m_editConnection->setEnabled(true);
    QSettings().setValue(lastProfileKey, name);
    m_controller->start();
}

void MainWindow::showConnections()
{
    m_overview->reload();
    m_stack->setCurrentWidget(m_overview);
    setWindowTitle(tr("Connections — m365sync"));
}

void MainWindow::showMessage(const QString &text, const QString &retryProfile)
{
    m_message->setText(text);
    m_retryProfile = retryProfile;
    m_retry->setVisible(!retryProfile.isEmpty());
    m_stack->setCurrentWidget(m_messagePage);
}

void MainWindow::updateDrafts()
{
    m_draftsMenu->clear();
    for (const QString &name : std::as_const(m_drafts)) {
        QAction *resume = m_draftsMenu->addAction(tr("Finish \"%1\"…").arg(name));
        resume->setObjectName(QStringLiteral("resumeDraftAction"));
        connect(resume, &QAction::triggered, this, [this, name] {
            resumeDraft(name);
        });
    }
    m_draftsMenu->setEnabled(!m_drafts.isEmpty());
}

OnboardingWizard *MainWindow::makeWizard()
{
    WizardContext::Options options;
    options.secrets = m_options.secrets;
    options.profileDirectory = m_options.profileDirectory;
    options.dataDirectory = m_options.dataDirectory;
    auto wizard = std::make_unique<OnboardingWizard>(options, this);
    wizard->setWindowModality(Qt::WindowModal);
    OnboardingWizard *shown = wizard.get();
    // A sandbox tenant the wizard opened is the one a dashboard of this process opens too (one place per file).
    connect(shown, &QWizard::accepted, this, [this, shown] {
        // The wizard may have replaced the profile that is open: open it afresh.
        m_current.clear();
        reloadProfiles(shown->savedProfileName());
        shown->context()->releaseSandbox();
    });
    // A draft kept (or discarded) changes the drafts menu.
    connect(shown, &QWizard::rejected, this, [this, shown] {
        reloadProfiles(m_current);
        shown->context()->releaseSandbox();
    });
    m_wizards.push_back(std::move(wizard));
    return shown;
}

void MainWindow::newConnection()
{
    makeWizard()->open();
}

void MainWindow::editConnection()
{
    const std::optional<Profile::Profile> profile = Profile::ProfileStore(profileDirectory()).load(m_current);
    if (!profile || profile->isDraft()) {
        return;
    }
    OnboardingWizard *wizard = makeWizard();
    // Shown once its pages are filled from the profile and its secrets.
    connect(wizard, &OnboardingWizard::profileOpened, wizard, &QWizard::open);
    wizard->openProfile(*profile);
}

void MainWindow::resumeDraft(const QString &name)
{
    M365::Error error;
    const std::optional<Profile::Profile> profile = Profile::ProfileStore(profileDirectory()).load(name, &error);
    if (!profile) {
        showMessage(tr("The profile \"%1\" cannot be read: %2").arg(name, error.userMessage));
        return;
    }
    OnboardingWizard *wizard = makeWizard();
    connect(wizard, &OnboardingWizard::profileOpened, wizard, &QWizard::open);
    wizard->openProfile(*profile);
}

} // namespace M365::Ui
