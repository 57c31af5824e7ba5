// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "help.h"

#include <QCoreApplication>

namespace M365::Cli {

namespace {

/// One command's help: the words that name it, the usage line(s) and what it does with its options.
struct Entry
{
    const char *command;
    const char *usage;
    const char *details;
};

// clang-format off
const Entry entries[] = {
    {"check",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli check --profile NAME [--json]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Signs in with the profile's credential, compares the permissions granted to the app with the ones the sync needs,\n"
"and lists the tenant's domains and licences.\n"
"\n"
"  --profile NAME   the profile to check\n"
"  --json           print the report as JSON\n"
"\n"
"Exit codes: 0 all is well, 1 error, 6 an administrator must grant permissions (the message has the consent link).")},
    {"profile create",
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"m365sync-cli profile create NAME --tenant T [--client-id C] CREDENTIAL\n"
"                                [--cloud global|usgov-l4|usgov-l5|china] [--sandbox-url URL --ca-file FILE]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Creates a connection profile. The credential goes to the OS keychain; the profile file only refers to it.\n"
"\n"
"  --tenant T                 tenant ID or a verified domain\n"
"  --client-id C              the app registration's application (client) ID; without it, register the app with\n"
"                             m365sync-cli register --profile NAME --device-code\n"
"  --cloud CLOUD              global (default), usgov-l4, usgov-l5 or china\n"
"  --sandbox-url URL          a sandbox tenant (m365sim) instead of a Microsoft cloud\n"
"  --ca-file FILE             an extra CA to trust (the sandbox's)\n"
"\n"
"CREDENTIAL is one of:\n"
"  --generate-certificate [--subject CN] [--validity-days N] [--key-bits 2048|3072] [--export-cer FILE] [--rs256]\n"
"  --pfx FILE                 a PKCS#12 file; its password from the environment variable M365SYNC_PFX_PASSWORD\n"
"  --certificate-pem FILE --key-pem FILE\n"
"  --client-secret-env VARIABLE | --client-secret-stdin\n"
"\n"
"Secrets are never taken from the command line, where other users of the machine can read them.")},
    {"profile show",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli profile show NAME [--json]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help", "Shows a profile: cloud, tenant, app and credential (never a secret).")},
    {"profile list",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli profile list [--json]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help", "Lists the profiles' names.")},
    {"profile delete",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli profile delete NAME"),
     QT_TRANSLATE_NOOP("M365::Cli::Help", "Deletes a profile and its secrets in the keychain.")},
    {"profile set-directory",
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"m365sync-cli profile set-directory NAME --type ldap|ad|univention|389ds --url URL [--tls starttls|ldaps|none]\n"
"                 [--ca-file FILE] [--bind-dn DN (--bind-password-env VARIABLE | --bind-password-stdin)]\n"
"                 --base-dn DN [--user-filter F] [--group-filter F] [--ou DN]… [--exclude-ou DN]… [--anchor ATTR]\n"
"                 [--no-test]\n"
"m365sync-cli profile set-directory NAME --type ldif|csv --path FILE [--separator ,|;|tab|\\|]\n"
"                 [--encoding auto|utf-8|windows-1252] [--csv-mapping FILE.json] [--no-test]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Sets the directory the profile reads, as the wizard's Directory page does, then tests it (a failed test is\n"
"reported; the settings are saved anyway).\n"
"\n"
"  --type TYPE                ldap (OpenLDAP, also: openldap), ad (Active Directory, also: activedirectory),\n"
"                             univention, 389ds, ldif or csv\n"
"  --url URL                  ldap://host[:port] or ldaps://host[:port]\n"
"  --tls MODE                 starttls (default for ldap://), ldaps (default for ldaps://) or none\n"
"  --ca-file FILE             the PEM file of the CA that signed the server's certificate\n"
"  --bind-dn DN               the account to bind as; without it, an anonymous bind\n"
"  --bind-password-env VARIABLE, --bind-password-stdin\n"
"                             the bind password, from an environment variable or the first line of standard input\n"
"                             (stored in the OS keychain; never given as an argument). Without either, a password\n"
"                             stored before for the profile is kept.\n"
"  --base-dn DN               where users and groups are searched\n"
"  --user-filter F, --group-filter F\n"
"                             LDAP filters for users and groups (defaults: the server type's)\n"
"  --ou DN, --exclude-ou DN   read users and groups only from these containers / not from these (repeatable)\n"
"  --anchor ATTR              the attribute that identifies a person for good (default: entryUUID, objectGUID on AD)\n"
"  --path FILE                the LDIF or CSV export\n"
"  --separator S, --encoding E, --csv-mapping FILE.json\n"
"                             how to read a CSV file (the mapping as {\"columns\": {header: attribute}, \"key\": header})\n"
"  --no-test                  save without testing the directory")},
    {"profile set-sync",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli profile set-sync NAME --settings FILE.json|-"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Sets the profile's sync settings from a JSON file (- reads standard input): \"rules\" (attribute rules, UPN\n"
"template, domain, default usage location), \"scope\" and \"groupScope\" (filter, groups), \"softMatch\", \"hardDelete\",\n"
"\"syncGroups\", licences (\"defaultSkuId\", \"skuByGroup\", \"licenceGroups\"), \"disablePrefix\", \"deletionGuard\"\n"
"({\"count\": N} or {\"percent\": P}) and \"exclusions\". Members the file leaves out keep their current values\n"
"(inside \"rules\", \"scope\" and \"groupScope\" too; \"rules\": {\"rules\": […]} is the whole list of attribute rules).\n"
"The file is checked first: every problem is listed with its JSON path (settings.rules.domain: expected a string)\n"
"and nothing is saved. The schedule is set with m365sync-cli schedule, not here.\n"
"\n"
"Start from the current settings: m365sync-cli profile show-sync NAME > sync.json")},
    {"profile show-sync",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli profile show-sync NAME"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Prints the profile's sync settings as JSON (with every default filled in), to edit and apply again with\n"
"m365sync-cli profile set-sync NAME --settings FILE.json.")},
    {"profile export",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli profile export NAME FILE|-"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Writes the profile as JSON for another machine or another user (- writes to standard output). The file holds no\n"
"secret and no keychain reference; the command lists the secrets whoever imports it must give again (the app's\n"
"credential, the directory's bind password).")},
    {"profile import",
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"m365sync-cli profile import FILE [--name NEW] CREDENTIAL\n"
"                 [--bind-password-env VARIABLE | --bind-password-stdin]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Creates a profile from a file profile export wrote, with its secrets given again:\n"
"\n"
"  --name NEW                 the new profile's name (default: the name in the file)\n"
"  CREDENTIAL                 for a certificate profile --pfx FILE (password in M365SYNC_PFX_PASSWORD) or\n"
"                             --certificate-pem FILE --key-pem FILE with the profile's certificate (the thumbprint\n"
"                             must match), or --generate-certificate [--export-cer FILE] for a new one to upload;\n"
"                             for a client secret profile --client-secret-env VARIABLE or --client-secret-stdin\n"
"  --bind-password-env VARIABLE, --bind-password-stdin\n"
"                             the LDAP bind password, when the directory binds with a DN\n"
"\n"
"A file that contains a secret (a password, a client secret, a private key, a token, a webhook address with its\n"
"key) is refused: secrets are kept in the keychain, never in files.")},
    {"register",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli register --profile NAME --device-code"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Registers m365sync in the profile's tenant as the wizard does: sign in as an administrator with a code on any\n"
"device, create the app with the profile's certificate and admin consent, and store its IDs in the profile.\n"
"Create the profile first: m365sync-cli profile create NAME --tenant T --generate-certificate")},
    {"plan",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli plan (--profile NAME | --sandbox | --sandbox-reset) [--json|--csv]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Reads the directory and the tenant and shows what a sync would do, changing nothing.\n"
"\n"
"  --profile NAME    the profile to plan\n"
"  --sandbox         the offline demo tenant and the bundled sample directory; --sandbox-reset starts both over\n"
"  --json, --csv     the plan as JSON or CSV on standard output\n"
"\n"
"Exit codes: 0 nothing to do, 1 error, 3 changes pending.")},
    {"sync",
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"m365sync-cli sync (--profile NAME | --sandbox) [--yes] [--allow-deletes N] [--only KIND[,KIND…]]\n"
"                 [--password-file FILE]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Plans and applies. On a terminal it asks before applying; anywhere else (cron, a timer) it needs --yes.\n"
"\n"
"  --yes                 apply without asking\n"
"  --allow-deletes N     let the deletion guard pass a plan with up to N disables, deletions and licence removals\n"
"  --only KIND[,KIND…]   apply only these kinds: create, update, disable, enable, delete, link\n"
"  --password-file FILE  write new users' initial passwords to FILE (CSV, readable only by you)\n"
"\n"
"Exit codes: 0 done, 1 error, 2 not confirmed, 4 stopped by the deletion guard, 5 finished with failed items.")},
    {"status",
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"m365sync-cli status (--profile NAME | --sandbox)\n"
"m365sync-cli status --all [--json] [--max-age DURATION] [--notify-overdue]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"With a profile: shows the last run, what is managed, and what to do next.\n"
"\n"
"With --all: every profile's health (as m365sync-cli health judges it), last run and its result, the changes and\n"
"deletions the last plan proposed, the certificate's days left and the next scheduled run.\n"
"\n"
"  --json               print JSON: {\"generatedAt\", \"profiles\": [{\"profile\", \"state\", \"code\", \"line\",\n"
"                       \"lastRun\", \"lastAttempt\", \"lastOutcome\", \"lastSuccess\", \"pendingChanges\",\n"
"                       \"pendingDeletions\", \"certificateDaysLeft\", \"nextRun\", …}]}\n"
"  --max-age DURATION   how old the last successful run may be (26h, 90m, 2d); default: the schedule's period\n"
"                       plus 2 hours (26h for a daily run or without a schedule)\n"
"  --notify-overdue     post the \"overdue\" event to the webhook of each overdue profile, once per episode (not\n"
"                       again until a run has succeeded); run it from cron or a timer")},
    {"health",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli health --profile NAME [--max-age DURATION]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"A monitoring plugin for Icinga, Nagios, Naemon or Checkmk: prints one line, \"M365SYNC STATE - NAME: why\", then\n"
"\" | \" and performance data (last_success_age, failed_items, applied, pending_changes, pending_deletions,\n"
"certificate_days), and exits with the state:\n"
"  0 OK\n"
"  1 WARNING   the last run had failed changes, another run held the run lock, or the certificate expires within\n"
"              30 days\n"
"  2 CRITICAL  the last run failed or was stopped by the deletion guard, no run succeeded within --max-age, or the\n"
"              certificate has expired\n"
"  3 UNKNOWN   the profile cannot be read, it has never run, or the command line is wrong\n"
"\n"
"  --profile NAME       the profile to check\n"
"  --max-age DURATION   how old the last successful run may be (26h, 90m, 2d); default: the schedule's period\n"
"                       plus 2 hours")},
    {"monitoring set",
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"m365sync-cli monitoring set --profile NAME [--textfile-dir FOLDER | --no-textfile]\n"
"                 [--webhook-url-env VARIABLE | --webhook-url-stdin | --no-webhook]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Sets where the profile reports its runs. After every run (the CLI's, the dashboard's and the scheduled ones):\n"
"\n"
"  --textfile-dir FOLDER       write FOLDER/m365sync_NAME.prom for node_exporter's textfile collector (its\n"
"                              --collector.textfile.directory); replaced atomically after each run\n"
"  --no-textfile               write no metrics file\n"
"  --webhook-url-env VARIABLE, --webhook-url-stdin\n"
"                              post JSON to this webhook (a Microsoft Teams or Slack incoming webhook, or any\n"
"                              HTTPS endpoint) when a run fails, is stopped by the deletion guard or has failed\n"
"                              changes; the URL carries a token, so it goes to the OS keychain and comes from an\n"
"                              environment variable or the first line of standard input, never an argument\n"
"  --no-webhook                remove the webhook and its URL from the keychain\n"
"\n"
"The JSON: {\"text\": one line for people, \"profile\", \"event\" (failed, guard-stopped, failed-items or\n"
"overdue), \"runId\", \"message\", \"at\", \"host\", \"health\": {…as in status --all --json}}.")},
    {"monitoring show",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli monitoring show --profile NAME [--json]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Shows the profile's metrics file and whether its webhook is set (and its URL in the keychain); never the URL.")},
    {"undo",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli undo (--profile NAME | --sandbox) --run N [--yes] [--allow-deletes N] [--json]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Takes back what run N did (its done changes, read from the history): updates back to the old values, disabled\n"
"users enabled, created users disabled, licences and memberships reversed. Objects edited in the tenant since are\n"
"left alone (conflicts). Applies only with --yes; the deletion guard applies as for sync (--allow-deletes N). The\n"
"next sync makes the same changes again unless the directory (or the profile's exclusions) changes.")},
    {"directory test",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli directory test (--profile NAME | --sandbox) [--json]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Reads the profile's directory (with its CSV column mapping): counts, sample users, the server's certificate and\n"
"every skipped record with its file, line and reason. --json prints them for scripts and monitoring.")},
    {"schedule enable",
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"m365sync-cli schedule enable --profile NAME [--every hour|4h|day] [--at HH:MM] [--system]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Runs \"m365sync-cli sync --profile NAME --yes\" by itself, as the dashboard's schedule does: a systemd user timer\n"
"on Linux, a Task Scheduler task on Windows. The deletion guard still stops a run that would remove too much\n"
"(exit code 4, in the timer's status and the history). The schedule is saved in the profile's sync settings.\n"
"\n"
"  --every hour|4h|day  how often (default: day)\n"
"  --at HH:MM           local time of the daily run; for hour and 4h the minute past the hour and the first hour\n"
"                       (default: 02:00)\n"
"  --system             as root: a system-wide timer (/etc/systemd/system/m365sync@NAME.timer with the template\n"
"                       m365sync@.service), which runs as root with root's profiles and keychain\n"
"\n"
"For testing: M365SYNC_SYSTEMD_UNIT_DIR=DIR writes the units there, M365SYNC_NO_SYSTEMCTL=1 skips systemctl.")},
    {"schedule disable",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli schedule disable --profile NAME [--system]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Stops the scheduled runs of a profile and removes their timer (or task); the profile keeps the times for a later\n"
"enable. --system removes a system-wide timer (as root).")},
    {"schedule show",
     QT_TRANSLATE_NOOP("M365::Cli::Help", "m365sync-cli schedule show --profile NAME [--json]"),
     QT_TRANSLATE_NOOP("M365::Cli::Help",
"Shows whether the profile synchronizes by itself, how often, the next run and whether the timer (or task) is\n"
"installed.")},
};
// clang-format on

QString translated(const char *text)
{
    return QCoreApplication::translate("M365::Cli::Help", text);
}

QString textOf(const Entry &entry)
{
    return QCoreApplication::translate("M365::Cli::Help", "Usage: %1\n\n%2\n")
        .arg(translated(entry.usage), translated(entry.details));
}

} // namespace

bool asksForHelp(const QStringList &arguments)
{
    return arguments.value(0) == QLatin1String("help") || arguments.contains(QLatin1String("--help"))
        || arguments.contains(QLatin1String("-h"));
}

QString commandHelp(const QStringList &arguments)
{
    QStringList words;
    for (const QString &argument : arguments) {
        if (argument.startsWith(QLatin1Char('-'))) {
            break;
        }
        words.append(argument);
    }
    if (words.value(0) == QLatin1String("help")) {
        words.removeFirst();
    }
    // The longest run of leading words that names a command: "profile create NAME" is "profile create".
    for (qsizetype n = qMin<qsizetype>(words.size(), 2); n > 0; --n) {
        const QString command = words.mid(0, n).join(QLatin1Char(' '));
        for (const Entry &entry : entries) {
            if (command == QLatin1String(entry.command)) {
                return textOf(entry);
            }
        }
        // A group ("profile", "schedule", "directory"): the usage of each of its commands.
        QString group;
        const QString prefix = command + QLatin1Char(' ');
        for (const Entry &entry : entries) {
            if (QLatin1String(entry.command).startsWith(prefix)) {
                QString usage = QStringLiteral("  ") + translated(entry.usage) + QLatin1Char('\n');
                usage.replace(QStringLiteral("\nm365sync-cli"), QStringLiteral("\n  m365sync-cli"));
                group += usage;
            }
        }
        if (!group.isEmpty()) {
            return QCoreApplication::translate("M365::Cli::Help",
                                               "Usage:\n%1\nRun m365sync-cli %2 COMMAND --help for a command's "
                                               "options.\n")
                .arg(group, command);
        }
    }
    return {};
}

} // namespace M365::Cli
