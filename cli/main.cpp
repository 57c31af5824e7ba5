// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// m365sync-cli: the headless front end of the sync engine. Exit codes (DESIGN.md): 0 done or nothing to do,
// 1 error, 2 usage, 3 changes pending, 4 stopped by the deletion guard, 5 finished with failed items.

#include "appinfo.h"
#include "demotenant.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStandardPaths>
#include <QTextStream>

namespace {

enum ExitCode { Done = 0, Error = 1, Usage = 2 };

int status(bool sandbox)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!sandbox) {
        err << "No connection profile exists yet. Run the app's wizard, or try the offline sandbox tenant with "
               "'m365sync-cli status --sandbox'.\n";
        return Error;
    }
    M365::Sandbox::SandboxServer server;
    QString error;
    if (!M365::Sandbox::startDemoTenant(
            &server, QStandardPaths::writableLocation(QStandardPaths::AppDataLocation), &error)) {
        err << "Could not start the sandbox tenant: " << error << '\n';
        return Error;
    }
    out << M365::Sandbox::describeTenant(&server) << '\n';
    return Done;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    M365::setApplicationIdentity();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Synchronise a directory with Microsoft 365 (headless)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption sandboxOption(QStringLiteral("sandbox"),
                                           QStringLiteral("Use the offline sandbox tenant."));
    parser.addOption(sandboxOption);
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("status"));
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    const QString command = args.value(0);
    if (command == QLatin1String("status")) {
        return status(parser.isSet(sandboxOption));
    }
    QTextStream(stderr) << (command.isEmpty() ? QStringLiteral("No command given.")
                                              : QStringLiteral("Unknown command '%1'.").arg(command))
                        << " Run 'm365sync-cli --help' for the commands.\n";
    return Usage;
}
