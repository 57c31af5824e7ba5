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
#include <QTimer>

#include <memory>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    M365::setApplicationIdentity();
    // The system locale picks the language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG on Linux).
    M365::Ui::installTranslations();

    M365::Ui::MainWindow window;
    M365::Sandbox::SandboxServer sandbox;
    M365::Secrets::KeychainSecretStore secrets;
    std::unique_ptr<M365::Ui::OnboardingWizard> wizard;

    const auto showMainWindow = [&window, &sandbox, &wizard] {
        // The wizard's sandbox tenant, when it started one, is the one the app talks to (one process per state file).
        M365::Sandbox::SandboxServer *tenant =
            wizard && wizard->context()->sandboxServer() ? wizard->context()->sandboxServer() : nullptr;
        QString error;
        if (!tenant
            && M365::Sandbox::startDemoTenant(
                &sandbox, QStandardPaths::writableLocation(QStandardPaths::AppDataLocation), &error)) {
            tenant = &sandbox;
        }
        window.setConnectionText(tenant ? M365::Sandbox::describeTenant(tenant)
                                        : QApplication::tr("Could not start the sandbox tenant: %1").arg(error));
        window.show();
    };

    QWidget *shown = &window;
    // First start: no connection yet, so the onboarding wizard comes first.
    if (M365::Profile::ProfileStore().list().isEmpty()) {
        M365::Ui::WizardContext::Options options;
        options.secrets = &secrets;
        wizard = std::make_unique<M365::Ui::OnboardingWizard>(options);
        QObject::connect(wizard.get(), &QWizard::accepted, &window, showMainWindow);
        QObject::connect(wizard.get(), &QWizard::rejected, &app, &QApplication::quit);
        wizard->show();
        shown = wizard.get();
    } else {
        showMainWindow();
    }

    // For documentation and review: save the window as a PNG and quit ("--screenshot FILE").
    const int screenshotAt = app.arguments().indexOf(QStringLiteral("--screenshot"));
    if (screenshotAt > 0 && screenshotAt + 1 < app.arguments().size()) {
        const QString path = app.arguments().at(screenshotAt + 1);
        QTimer::singleShot(300, shown, [shown, path] {
            shown->grab().save(path);
            QApplication::quit();
        });
    }
    const int result = app.exec();
    wizard.reset();
    return result;
}
