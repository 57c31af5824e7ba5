// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// m365sync-cli: the headless front end of the sync engine.

#include "appinfo.h"
#include "help.h"
#include "monitorcommand.h"
#include "profile/keychainsecretstore.h"
#include "profilecommand.h"
#include "registercommand.h"
#include "schedulecommand.h"
#include "synccommand.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTextStream>

using namespace M365::Cli;

namespace {

const char usage[] = R"(Usage: m365sync-cli COMMAND [options]

Commands:
  check --profile NAME [--json]   Sign in, compare granted and needed permissions, list domains and licences.
  profile create NAME --tenant T [--client-id C] CREDENTIAL [--cloud global|usgov-l4|usgov-l5|china]
                 [--sandbox-url URL --ca-file FILE]
          CREDENTIAL: --generate-certificate [--subject CN] [--validity-days N] [--key-bits 2048|3072]
                      [--export-cer FILE] [--rs256]
                    | --pfx FILE (password in M365SYNC_PFX_PASSWORD)
                    | --certificate-pem FILE --key-pem FILE
                    | --client-secret-env VARIABLE | --client-secret-stdin
  profile show NAME [--json] | profile list [--json] | profile delete NAME
  profile set-directory NAME --type ldap|ad|univention|389ds --url URL [--ca-file FILE] [--bind-dn DN
                 (--bind-password-env VARIABLE | --bind-password-stdin)] --base-dn DN [--user-filter F]
                 [--group-filter F] [--ou DN]…  |  --type ldif|csv --path FILE
                                  The directory the profile reads (as the wizard's Directory page), then a test.
  profile set-sync NAME --settings FILE.json | profile show-sync NAME
                                  The sync settings (rules, scope, licences, deletion guard) as JSON.
  profile export NAME FILE | profile import FILE [--name NEW] CREDENTIAL [--bind-password-env VARIABLE]
                                  A profile for another machine, without secrets (they are given on import).
  register --profile NAME --device-code
                                  Register the app in the profile's tenant as the wizard does: sign in as an
                                  administrator with a code on any device, create the app with the profile's
                                  certificate and admin consent, and store its IDs in the profile.
  plan (--profile NAME | --sandbox) [--json|--csv]
                                  Read the directory and the tenant and show what a sync would do.
  sync (--profile NAME | --sandbox) [--yes] [--allow-deletes N] [--only KIND[,KIND…]] [--password-file FILE]
                                  Apply the plan. KIND: create, update, disable, enable, delete, link.
                                  New users' initial passwords go to FILE (CSV, readable only by you).
  status (--profile NAME | --sandbox)
                                  The last run, what is managed, and what to do next.
  status --all [--json] [--max-age DURATION] [--notify-overdue]
                                  Every profile: health, last run, result, pending changes and deletions,
                                  certificate days left, next run; --notify-overdue alerts the webhook of each
                                  overdue profile once.
  health --profile NAME [--max-age DURATION]
                                  A monitoring plugin (Icinga, Nagios, Checkmk): one line with performance data,
                                  exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. DURATION like 26h, 90m, 2d.
  monitoring set --profile NAME [--textfile-dir FOLDER | --no-textfile]
                 [--webhook-url-env VARIABLE | --webhook-url-stdin | --no-webhook] | monitoring show --profile NAME
                                  After each run: a Prometheus textfile and, on a failure, a webhook (Teams, Slack).
  undo (--profile NAME | --sandbox) --run N [--yes] [--allow-deletes N] [--json]
                                  Take back what run N did (its done changes, read from the history): updates
                                  back to the old values, disabled users enabled, created users disabled, licences
                                  and memberships reversed. Objects edited in the tenant since are left alone
                                  (conflicts). Applies only with --yes. The next sync makes the same changes again
                                  unless the directory (or the profile's exclusions) changes.
  directory test (--profile NAME | --sandbox) [--json]
                                  Read the profile's directory (with its CSV column mapping): counts, sample
                                  users, and every skipped record with its file, line and reason.
  schedule enable|disable|show --profile NAME [--every hour|4h|day] [--at HH:MM] [--system]
                                  Sync by itself: a systemd timer or a Windows Task Scheduler task.

  --sandbox uses the offline demo tenant (kept under the app data folder, seeded on first use) and the bundled
  sample directory; --sandbox-reset starts both over.

Secrets (private keys, client secrets, bind passwords) go to the OS keychain; profiles on disk only refer to them.
Secrets come from an environment variable or standard input, never from an argument.

Run m365sync-cli COMMAND --help (e.g. profile set-directory --help) for a command's options.

Exit codes: 0 done or nothing to do, 1 error, 2 usage, 3 changes pending, 4 stopped by the deletion guard,
5 finished with failed items, 6 check found something an administrator must fix (permissions).
)";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    M365::setApplicationIdentity();
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES")) {
        // The engine's log is for the GUI's Log tab and for debugging (QT_LOGGING_RULES="m365.*=true").
        QLoggingCategory::setFilterRules(QStringLiteral("m365.*.debug=false\nm365.*.info=false"));
    }
    const QStringList args = app.arguments().mid(1);
    const QString command = args.value(0);
    if (args.size() == 1
        && (command == QLatin1String("--help") || command == QLatin1String("-h") || command == QLatin1String("help"))) {
        QTextStream(stdout) << usage;
        return Done;
    }
    if (command == QLatin1String("--version")) {
        QTextStream(stdout) << "m365sync-cli " << M365::applicationVersion() << '\n';
        return Done;
    }
    if (asksForHelp(args)) {
        const QString help = commandHelp(args);
        QTextStream(stdout) << (help.isEmpty() ? QString::fromUtf8(usage) : help);
        return Done;
    }
    M365::Secrets::KeychainSecretStore secrets;
    if (MonitorCommand::handles(args)) {
        MonitorCommand monitor(&secrets);
        monitor.run(args);
        return app.exec();
    }
    const QHash<QString, SyncCommand::Mode> syncModes{{QStringLiteral("plan"), SyncCommand::Mode::Plan},
                                                      {QStringLiteral("sync"), SyncCommand::Mode::Sync},
                                                      {QStringLiteral("status"), SyncCommand::Mode::Status},
                                                      {QStringLiteral("undo"), SyncCommand::Mode::Undo}};
    if (syncModes.contains(command)) {
        SyncCommand sync(&secrets);
        sync.run(syncModes.value(command), args.mid(1));
        return app.exec();
    }
    if (command == QLatin1String("directory")) {
        if (args.value(1) != QLatin1String("test")) {
            QTextStream(stderr) << "Use: m365sync-cli directory test (--profile NAME | --sandbox)\n";
            return Usage;
        }
        SyncCommand sync(&secrets);
        sync.run(SyncCommand::Mode::DirectoryTest, args.mid(2));
        return app.exec();
    }
    if (command == QLatin1String("profile")) {
        ProfileCommand profile(&secrets);
        profile.run(args.mid(1));
        return app.exec();
    }
    if (command == QLatin1String("schedule")) {
        ScheduleCommand schedule;
        schedule.run(args.mid(1));
        return app.exec();
    }
    if (command == QLatin1String("register")) {
        RegisterCommand registration(&secrets);
        registration.run(args.mid(1));
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
