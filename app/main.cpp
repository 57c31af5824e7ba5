// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "appinfo.h"
#include "demotenant.h"
#include "mainwindow.h"

#include <QApplication>
#include <QStandardPaths>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    M365::setApplicationIdentity();

    M365::Ui::MainWindow window;
    M365::Sandbox::SandboxServer sandbox;
    QString error;
    if (M365::Sandbox::startDemoTenant(
            &sandbox, QStandardPaths::writableLocation(QStandardPaths::AppDataLocation), &error)) {
        window.setConnectionText(M365::Sandbox::describeTenant(&sandbox));
    } else {
        window.setConnectionText(QApplication::tr("Could not start the sandbox tenant: %1").arg(error));
    }
    window.show();
    // For documentation and review: save the window as a PNG and quit ("--screenshot FILE").
    const int screenshotAt = app.arguments().indexOf(QStringLiteral("--screenshot"));
    if (screenshotAt > 0 && screenshotAt + 1 < app.arguments().size()) {
        const QString path = app.arguments().at(screenshotAt + 1);
        QTimer::singleShot(300, &window, [&window, path] {
            window.grab().save(path);
            QApplication::quit();
        });
    }
    return app.exec();
}
