// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "appinfo.h"
#include "mainwindow.h"
#include "onboardingwizard.h"
#include "profile/keychainsecretstore.h"
#include "profile/profilestore.h"
#include "translations.h"

#include <QApplication>
#include <QTimer>

#include <memory>
#include <optional>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    M365::setApplicationIdentity();
    // The system locale picks the language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG on Linux).
    M365::Ui::installTranslations();

    M365::Secrets::KeychainSecretStore secrets;
    std::unique_ptr<M365::Ui::OnboardingWizard> wizard;
    std::unique_ptr<M365::Ui::MainWindow> window;

    // A profile on the sandbox tenant is served by the window while its dashboard is open (Sandbox::TenantPlace): the
    // app starts no tenant of its own, so that a scheduled run can serve it while the app shows another connection.
    const auto showMainWindow = [&window, &secrets, &wizard] {
        M365::Ui::MainWindow::Options options;
        options.secrets = &secrets;
        window = std::make_unique<M365::Ui::MainWindow>(options);
        // The wizard's sandbox tenant, if it opened one, is the one the dashboard opens: let go of it only after.
        window->reloadProfiles(wizard ? wizard->savedProfileName() : QString());
        if (wizard) {
            wizard->context()->releaseSandbox();
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
    // The window goes first: its dashboard may use the sandbox tenant the wizard opened.
    window.reset();
    wizard.reset();
    return result;
}
