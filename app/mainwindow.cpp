// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "dashboardcontroller.h"
#include "dashboardwidget.h"
#include "onboardingwizard.h"
#include "profile/profilestore.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStackedWidget>
#include <QToolBar>

namespace M365::Ui {

namespace {

const auto lastProfileKey = QStringLiteral("dashboard/lastProfile");

} // namespace

MainWindow::MainWindow(const Options &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_profileCombo(new QComboBox(this))
    , m_stack(new QStackedWidget(this))
    , m_message(new QLabel(this))
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
    QMenu *file = menuBar()->addMenu(tr("&Connection"));
    file->addAction(newConnection);
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
    connect(m_profileCombo, &QComboBox::activated, this, [this](int index) {
        openProfile(m_profileCombo->itemText(index));
    });

    m_message->setObjectName(QStringLiteral("mainMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_stack->addWidget(m_message);
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

void MainWindow::reloadProfiles(const QString &name)
{
    const QStringList names =
        Profile::ProfileStore(m_options.profileDirectory.isEmpty() ? Profile::ProfileStore::defaultDirectory()
                                                                   : m_options.profileDirectory)
            .list();
    {
        const QSignalBlocker blocker(m_profileCombo);
        m_profileCombo->clear();
        m_profileCombo->addItems(names);
    }
    m_profileCombo->setEnabled(names.size() > 1);
    if (names.isEmpty()) {
        showMessage(tr("No connection yet. Choose \"New connection…\" to connect to a tenant or the sandbox."));
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
        return;
    }
    const Profile::ProfileStore store(m_options.profileDirectory.isEmpty() ? Profile::ProfileStore::defaultDirectory()
                                                                           : m_options.profileDirectory);
    M365::Error error;
    const std::optional<Profile::Profile> profile = store.load(name, &error);
    if (!profile) {
        showMessage(tr("The profile \"%1\" cannot be read: %2").arg(name, error.userMessage));
        return;
    }
    delete m_dashboard;
    delete m_controller;

    DashboardController::Options options;
    options.secrets = m_options.secrets;
    options.sandbox = m_sandboxFor.value(name, m_options.sandbox);
    options.stateDirectory = m_options.stateDirectory;
    options.profileDirectory = m_options.profileDirectory;
    options.scheduleUnitDirectory = m_options.scheduleUnitDirectory;
    options.runSystemctl = m_options.runSystemctl;
    m_controller = new DashboardController(*profile, options, this);
    m_dashboard = new DashboardWidget(m_controller, m_stack);
    m_stack->addWidget(m_dashboard);
    m_stack->setCurrentWidget(m_dashboard);
    m_current = name;
    m_profileCombo->setCurrentIndex(m_profileCombo->findText(name));
    setWindowTitle(tr("%1 — m365sync").arg(name));
    QSettings().setValue(lastProfileKey, name);
    m_controller->start();
}

void MainWindow::setSandboxFor(const QString &name, Sandbox::SandboxServer *server)
{
    m_sandboxFor.insert(name, server);
}

void MainWindow::showMessage(const QString &text)
{
    m_message->setText(text);
    m_stack->setCurrentWidget(m_message);
}

void MainWindow::newConnection()
{
    WizardContext::Options options;
    options.secrets = m_options.secrets;
    options.profileDirectory = m_options.profileDirectory;
    options.dataDirectory = m_options.dataDirectory;
    auto wizard = std::make_unique<OnboardingWizard>(options, this);
    wizard->setWindowModality(Qt::WindowModal);
    OnboardingWizard *shown = wizard.get();
    connect(shown, &QWizard::accepted, this, [this, shown] {
        const QString name = shown->savedProfileName();
        if (shown->context()->sandboxServer()) {
            setSandboxFor(name, shown->context()->sandboxServer());
        }
        // The wizard may have replaced the profile that is open: open it afresh.
        m_current.clear();
        reloadProfiles(name);
    });
    m_wizards.push_back(std::move(wizard));
    shown->open();
}

} // namespace M365::Ui
