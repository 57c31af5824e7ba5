// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "appinfo.h"
#include "demotenant.h"
#include "mainwindow.h"
#include "onboardingwizard.h"
#include "profile/keychainsecretstore.h"
#include "profile/profilestore.h"
#include "translations.h"

#include <QApplication>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>

#include <memory>
#include <optional>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    M365::setApplicationIdentity();
    // The system locale picks the language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG on Linux).
    M365::Ui::installTranslations();

    M365::Sandbox::SandboxServer sandbox;
    M365::Secrets::KeychainSecretStore secrets;
    std::unique_ptr<M365::Ui::OnboardingWizard> wizard;
    std::unique_ptr<M365::Ui::MainWindow> window;

    const auto showMainWindow = [&window, &sandbox, &secrets, &wizard] {
        M365::Ui::MainWindow::Options options;
        options.secrets = &secrets;
        // The wizard's sandbox tenant, when it started one, is the one the app talks to (one process per state file).
        options.sandbox = wizard && wizard->context()->sandboxServer() ? wizard->context()->sandboxServer() : nullptr;
        QString error;
        if (!options.sandbox
            && M365::Sandbox::startDemoTenant(
                &sandbox, QStandardPaths::writableLocation(QStandardPaths::AppDataLocation), &error)) {
            options.sandbox = &sandbox;
        }
        window = std::make_unique<M365::Ui::MainWindow>(options);
        window->reloadProfiles(wizard ? wizard->savedProfileName() : QString());
        if (!options.sandbox && !error.isEmpty()) {
            window->statusBar()->showMessage(QApplication::tr("Could not start the sandbox tenant: %1").arg(error));
        }
        window->show();
    };

    // A draft the wizard kept when the admin closed it is resumed first; a draft is never opened as a connection.
    const M365::Profile::ProfileStore store;
    std::optional<M365::Profile::Profile> draft;
    bool anyConnection = false;
    const QStringList names = store.list();
    for (const QString &name : names) {
        const std::optional<M365::Profile::Profile> profile = store.load(name);
        if (profile && profile->isDraft()) {
            if (!draft) {
                draft = profile;
            }
        } else {
            anyConnection = true; // one that does not load says why in the main window
        }
    }

    QWidget *shown = nullptr;
    // First start (no connection yet) or a draft to finish: the onboarding wizard comes first.
    if (!anyConnection || draft) {
        M365::Ui::WizardContext::Options options;
        options.secrets = &secrets;
        wizard = std::make_unique<M365::Ui::OnboardingWizard>(options);
        QObject::connect(wizard.get(), &QWizard::accepted, &app, showMainWindow);
        if (anyConnection) {
            // Closing the draft's wizard leads to the connections there are.
            QObject::connect(wizard.get(), &QWizard::rejected, &app, showMainWindow);
        } else {
            QObject::connect(wizard.get(), &QWizard::rejected, &app, &QApplication::quit);
        }
        if (draft) {
            // Shown once its pages are filled from the draft and the keychain.
            QObject::connect(wizard.get(), &M365::Ui::OnboardingWizard::profileOpened, wizard.get(), &QWidget::show);
            wizard->openProfile(*draft);
        } else {
            wizard->show();
        }
        shown = wizard.get();
    } else {
        showMainWindow();
        shown = window.get();
    }

    // For documentation and review: save the window as a PNG and quit ("--screenshot FILE").
    const int screenshotAt = app.arguments().indexOf(QStringLiteral("--screenshot"));
    if (screenshotAt > 0 && screenshotAt + 1 < app.arguments().size()) {
        const QString path = app.arguments().at(screenshotAt + 1);
        QTimer::singleShot(3000, shown, [shown, path] {
            shown->grab().save(path);
            QApplication::quit();
        });
    }
    const int result = app.exec();
    // The dashboard's controller talks to the wizard's sandbox tenant: the window goes first.
    window.reset();
    wizard.reset();
    return result;
}
