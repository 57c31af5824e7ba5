// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// m365sync-cli: the headless front end of the sync engine.

#include "appinfo.h"
#include "demotenant.h"
#include "profile/keychainsecretstore.h"
#include "profilecommand.h"

#include <QCoreApplication>
#include <QStandardPaths>
#include <QTextStream>

using namespace M365::Cli;

namespace {

const char usage[] = R"(Usage: m365sync-cli COMMAND [options]

Commands:
  check --profile NAME [--json]   Sign in, compare granted and needed permissions, list domains and licences.
  profile create NAME --tenant T --client-id C CREDENTIAL [--cloud global|usgov-l4|usgov-l5|china]
                 [--sandbox-url URL --ca-file FILE]
          CREDENTIAL: --generate-certificate [--subject CN] [--validity-days N] [--key-bits 2048|3072]
                      [--export-cer FILE] [--rs256]
                    | --pfx FILE (password in M365SYNC_PFX_PASSWORD)
                    | --certificate-pem FILE --key-pem FILE
                    | --client-secret-env VARIABLE | --client-secret-stdin
  profile show NAME [--json] | profile list [--json] | profile delete NAME
  status --sandbox                Start the offline sandbox tenant and say what it holds.

Secrets (private keys, client secrets) go to the OS keychain; profiles on disk only refer to them.

Exit codes: 0 done or nothing to do, 1 error, 2 usage, 3 changes pending, 4 stopped by the deletion guard,
5 finished with failed items, 6 check found something an administrator must fix (permissions).
)";

int sandboxStatus()
{
    M365::Sandbox::SandboxServer server;
    QString error;
    if (!M365::Sandbox::startDemoTenant(
            &server, QStandardPaths::writableLocation(QStandardPaths::AppDataLocation), &error)) {
        QTextStream(stderr) << "Could not start the sandbox tenant: " << error << '\n';
        return Failed;
    }
    QTextStream(stdout) << M365::Sandbox::describeTenant(&server) << '\n';
    return Done;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    M365::setApplicationIdentity();
    const QStringList args = app.arguments().mid(1);
    const QString command = args.value(0);
    if (command == QLatin1String("--help") || command == QLatin1String("-h") || command == QLatin1String("help")) {
        QTextStream(stdout) << usage;
        return Done;
    }
    if (command == QLatin1String("--version")) {
        QTextStream(stdout) << "m365sync-cli " << M365::applicationVersion() << '\n';
        return Done;
    }
    if (command == QLatin1String("status") && args.contains(QStringLiteral("--sandbox"))) {
        return sandboxStatus();
    }
    M365::Secrets::KeychainSecretStore secrets;
    if (command == QLatin1String("profile")) {
        ProfileCommand profile(&secrets);
        profile.run(args.mid(1));
        return app.exec();
    }
    if (command == QLatin1String("check")) {
        const int at = args.indexOf(QStringLiteral("--profile"));
        if (at < 0 || at + 1 >= args.size()) {
            QTextStream(stderr) << "check needs --profile NAME.\n";
            return Usage;
        }
        CheckCommand check(&secrets);
        check.run(args.value(at + 1), args.contains(QStringLiteral("--json")));
        return app.exec();
    }
    QTextStream(stderr) << (command.isEmpty() ? QStringLiteral("No command given.\n")
                                              : QStringLiteral("Unknown command '%1'.\n").arg(command))
                        << usage;
    return Usage;
}
