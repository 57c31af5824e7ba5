// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profilecommand.h"

#include "cliio.h"
#include "graph/tenantcheck.h"
#include "profile/connection.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "profiledirectory.h"
#include "profilesecrets.h"
#include "profiletransfer.h"
#include "sandboxhost.h"
#include "sync/syncsettings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTextStream>
#include <QTimer>

#include <memory>

namespace M365::Cli {

ProfileCommand::ProfileCommand(Secrets::SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
{}

void ProfileCommand::exit(int code)
{
    finish(code);
}

void ProfileCommand::run(const QStringList &arguments)
{
    const QString action = arguments.value(0);
    const bool json = arguments.contains(QStringLiteral("--json"));
    if (action == QLatin1String("create")) {
        create(arguments.mid(1));
    } else if (action == QLatin1String("show") && arguments.size() >= 2) {
        show(arguments.value(1), json);
    } else if (action == QLatin1String("list")) {
        list(json);
    } else if ((action == QLatin1String("delete") || action == QLatin1String("remove")) && arguments.size() >= 2) {
        remove(arguments.value(1));
    } else if (action == QLatin1String("set-directory")) {
        (new SetDirectoryCommand(m_secrets, this))->run(arguments.mid(1));
    } else if (action == QLatin1String("set-sync")) {
        setSync(arguments.mid(1));
    } else if (action == QLatin1String("show-sync") && arguments.size() == 2) {
        showSync(arguments.value(1));
    } else if (action == QLatin1String("export")) {
        exit(exportProfile(arguments.mid(1)));
    } else if (action == QLatin1String("import")) {
        (new ImportProfileCommand(m_secrets, this))->run(arguments.mid(1));
    } else {
        err() << tr(
            "Usage: m365sync-cli profile create | show | list | delete | set-directory | set-sync | show-sync | "
            "export | import …\nRun m365sync-cli profile --help for each command's options.")
              << '\n';
        exit(Usage);
    }
}

void ProfileCommand::create(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption tenant(
        QStringLiteral("tenant"), tr("Tenant ID or verified domain."), QStringLiteral("tenant"));
    const QCommandLineOption clientId(
        QStringLiteral("client-id"), tr("Application (client) ID."), QStringLiteral("guid"));
    const QCommandLineOption cloud(QStringLiteral("cloud"),
                                   tr("global, usgov-l4, usgov-l5 or china."),
                                   QStringLiteral("cloud"),
                                   QStringLiteral("global"));
    const QCommandLineOption sandboxUrl(
        QStringLiteral("sandbox-url"), tr("Base URL of a sandbox tenant (m365sim)."), QStringLiteral("url"));
    const QCommandLineOption caFile(
        QStringLiteral("ca-file"), tr("Extra CA to trust (the sandbox's caFile)."), QStringLiteral("file"));
    const CredentialOptions credential;
    parser.addOptions({tenant, clientId, cloud, sandboxUrl, caFile});
    credential.addTo(parser);
    if (!parser.parse(QStringList{QStringLiteral("create")} + arguments) || parser.positionalArguments().size() != 1) {
        err() << (parser.errorText().isEmpty() ? tr("profile create needs exactly one NAME.") : parser.errorText())
              << '\n';
        exit(Usage);
        return;
    }
    Profile::Profile profile;
    profile.name = parser.positionalArguments().value(0);
    profile.tenant = parser.value(tenant);
    profile.clientId = parser.value(clientId);
    profile.caFile = parser.value(caFile);
    if (parser.isSet(sandboxUrl)) {
        profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(parser.value(sandboxUrl)));
    } else {
        const auto chosen = Identity::CloudEndpoints::cloudFromId(parser.value(cloud));
        if (!chosen || *chosen == Identity::Cloud::Custom) {
            err() << tr("Unknown cloud \"%1\": use global, usgov-l4, usgov-l5 or china.").arg(parser.value(cloud))
                  << '\n';
            exit(Usage);
            return;
        }
        profile.endpoints = Identity::CloudEndpoints::forCloud(*chosen);
    }
    if (profile.tenant.isEmpty()) {
        err() << tr("profile create needs --tenant (a tenant ID or a verified domain).") << '\n';
        exit(Usage);
        return;
    }
    if (credential.chosen(parser) != 1 || parser.isSet(credential.certificatePem) != parser.isSet(credential.keyPem)) {
        err() << tr("Choose one credential: %1.").arg(CredentialOptions::choices()) << '\n';
        exit(Usage);
        return;
    }
    Profile::ProfileStore store;
    if (store.exists(profile.name)) {
        err() << tr("A profile named \"%1\" exists already; delete it first.").arg(profile.name) << '\n';
        exit(Failed);
        return;
    }
    QList<SaveProfileJob::Secret> values(1);
    QString error;
    if (!credential.apply(parser, profile, &values.first(), &error)) {
        err() << error << '\n';
        exit(credential.isClientSecret(parser) ? Usage : Failed);
        return;
    }

    // The secret goes to the keychain first; the profile on disk only refers to it.
    auto *job = new SaveProfileJob(m_secrets, profile, values, {}, true, this);
    connect(job, &Job::finished, this, [this, profile, job] {
        job->deleteLater();
        if (job->hasError()) {
            err() << job->error().userMessage << '\n';
            exit(Failed);
            return;
        }
        out() << tr("Profile \"%1\" saved (%2).").arg(profile.name, Profile::ProfileStore().filePath(profile.name))
              << '\n';
        if (profile.credentialKind == Profile::CredentialKind::Certificate) {
            // Both thumbprints: the Entra admin center lists the SHA-1 one, Microsoft's sign-in errors name the one
            // the assertion carried (SHA-256 with PS256).
            out() << tr("Certificate thumbprints: SHA-1 %1 (as the Entra admin center shows it), SHA-256 %2; valid "
                        "until %3.")
                         .arg(profile.certificate.thumbprintSha1,
                              profile.certificate.thumbprintSha256,
                              profile.certificate.notAfter.toString(Qt::ISODate))
                  << '\n';
        }
        if (profile.clientId.isEmpty()) {
            out() << tr("No app yet: register it with \"m365sync-cli register --profile %1 --device-code\", or "
                        "register it yourself, upload the .cer and recreate the profile with --client-id.")
                         .arg(profile.name)
                  << '\n';
        } else if (profile.credentialKind == Profile::CredentialKind::Certificate) {
            out() << tr("Upload the .cer to the app registration under Certificates & secrets.") << '\n';
        }
        out() << tr("Next: the directory with m365sync-cli profile set-directory %1 …, the rules with profile "
                    "set-sync.")
                     .arg(profile.name)
              << '\n';
        exit(Done);
    });
    job->start();
}

void ProfileCommand::setSync(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption settingsFile(
        QStringLiteral("settings"), tr("The sync settings (JSON); - reads standard input."), tr("file"));
    parser.addOption(settingsFile);
    if (!parser.parse(QStringList{QStringLiteral("set-sync")} + arguments) || parser.positionalArguments().size() != 1
        || !parser.isSet(settingsFile)) {
        err() << (parser.errorText().isEmpty() ? tr("Use: m365sync-cli profile set-sync NAME --settings FILE.json")
                                               : parser.errorText())
              << '\n';
        exit(Usage);
        return;
    }
    const QString name = parser.positionalArguments().constFirst();
    M365::Error error;
    std::optional<Profile::Profile> profile = Profile::ProfileStore().load(name, &error);
    if (!profile) {
        err() << error.userMessage << '\n';
        exit(Failed);
        return;
    }
    const QString path = parser.value(settingsFile);
    QFile file;
    const bool opened = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                                   : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened) {
        err() << tr("Cannot read %1: %2. Check the path and that you may read the file.").arg(path, file.errorString())
              << '\n';
        exit(Failed);
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        err() << (parseError.error != QJsonParseError::NoError
                      ? tr("settings: not valid JSON: %1 at byte %2.")
                            .arg(parseError.errorString())
                            .arg(parseError.offset)
                      : tr("settings: expected an object ({ … }), as profile show-sync prints it."))
              << '\n';
        exit(Failed);
        return;
    }
    const QJsonObject given = document.object();
    const QStringList problems = Sync::SyncSettings::validate(given);
    if (!problems.isEmpty()) {
        for (const QString &problem : problems) {
            err() << problem << '\n';
        }
        err() << tr("Nothing was saved: correct the file and run the command again.") << '\n';
        exit(Failed);
        return;
    }
    const Result<Sync::SyncSettings> current = Sync::SyncSettings::fromJson(profile->sync);
    if (!current.ok()) {
        err() << current.error.userMessage << '\n';
        exit(Failed);
        return;
    }
    // Members the file names replace the profile's; the others stay, one level down in "rules", "scope" and
    // "groupScope" too, so that a file with only {"rules": {"domain": …}} keeps the attribute rules. The schedule has
    // its own command, which also installs the timer: a schedule here would be saved but never run.
    QJsonObject merged = current.value.toJson();
    const QString scheduleKey = QStringLiteral("schedule");
    const QStringList mergedObjects{QStringLiteral("rules"), QStringLiteral("scope"), QStringLiteral("groupScope")};
    for (auto it = given.constBegin(); it != given.constEnd(); ++it) {
        if (it.key() == scheduleKey) {
            continue;
        }
        if (mergedObjects.contains(it.key())) {
            QJsonObject inner = merged.value(it.key()).toObject();
            const QJsonObject members = it.value().toObject();
            for (auto member = members.constBegin(); member != members.constEnd(); ++member) {
                inner.insert(member.key(), member.value());
            }
            merged.insert(it.key(), inner);
        } else {
            merged.insert(it.key(), it.value());
        }
    }
    if (given.contains(scheduleKey)
        && !(Sync::Schedule::fromJson(given.value(scheduleKey).toObject()) == current.value.schedule)) {
        err() << tr("settings.schedule: left as it is; change the schedule with m365sync-cli schedule enable|disable "
                    "--profile %1.")
                     .arg(name)
              << '\n';
    }
    const Result<Sync::SyncSettings> settings = Sync::SyncSettings::fromJson(merged);
    if (!settings.ok()) {
        err() << settings.error.userMessage << ' ' << settings.error.details << '\n';
        exit(Failed);
        return;
    }
    profile->sync = settings.value.toJson();
    if (!Profile::ProfileStore().save(*profile, &error)) {
        err() << error.userMessage << '\n';
        exit(Failed);
        return;
    }
    out() << tr("The sync settings of profile \"%1\" are saved. See what a sync would do: m365sync-cli plan "
                "--profile %1")
                 .arg(name)
          << '\n';
    exit(Done);
}

void ProfileCommand::showSync(const QString &name)
{
    M365::Error error;
    const auto profile = Profile::ProfileStore().load(name, &error);
    if (!profile) {
        err() << error.userMessage << '\n';
        exit(Failed);
        return;
    }
    const Result<Sync::SyncSettings> settings = Sync::SyncSettings::fromJson(profile->sync);
    if (!settings.ok()) {
        err() << settings.error.userMessage << ' ' << settings.error.details << '\n';
        exit(Failed);
        return;
    }
    out() << QString::fromUtf8(QJsonDocument(settings.value.toJson()).toJson(QJsonDocument::Indented));
    exit(Done);
}

void ProfileCommand::show(const QString &name, bool json)
{
    M365::Error error;
    const auto profile = Profile::ProfileStore().load(name, &error);
    if (!profile) {
        err() << error.userMessage << '\n';
        exit(Failed);
        return;
    }
    if (json) {
        out() << QJsonDocument(profile->toJson()).toJson(QJsonDocument::Indented);
    } else {
        out() << tr("Profile:      %1").arg(profile->name) << '\n'
              << tr("Cloud:        %1").arg(Identity::CloudEndpoints::name(profile->endpoints.cloud)) << '\n'
              << tr("Tenant:       %1").arg(profile->tenant) << '\n'
              << tr("Client ID:    %1").arg(profile->clientId) << '\n'
              << tr("Credential:   %1")
                     .arg(profile->credentialKind == Profile::CredentialKind::Certificate
                              ? tr("certificate %1, valid until %2")
                                    .arg(profile->certificate.thumbprintSha1,
                                         profile->certificate.notAfter.toString(Qt::ISODate))
                              : tr("client secret (in the keychain)"))
              << '\n';
        const QJsonObject &directory = profile->directory;
        const QString where = directory.value(QLatin1String("url")).toString().isEmpty()
            ? directory.value(QLatin1String("path")).toString()
            : directory.value(QLatin1String("url")).toString();
        out() << tr("Directory:    %1")
                     .arg(directory.value(QLatin1String("type")).toString().isEmpty()
                              ? tr("none yet: set it with m365sync-cli profile set-directory %1").arg(profile->name)
                              : directory.value(QLatin1String("type")).toString() + QLatin1Char(' ') + where)
              << '\n';
    }
    exit(Done);
}

void ProfileCommand::list(bool json)
{
    M365::Error error;
    const QStringList names = Profile::ProfileStore().list(&error);
    if (!error.isNull()) {
        err() << error.userMessage << '\n';
        exit(Failed);
        return;
    }
    if (json) {
        out() << QJsonDocument(QJsonArray::fromStringList(names)).toJson(QJsonDocument::Compact) << '\n';
    } else if (names.isEmpty()) {
        out() << tr("No profiles yet. Create one with \"m365sync-cli profile create\" or the app's wizard.") << '\n';
    } else {
        for (const QString &name : names) {
            out() << name << '\n';
        }
    }
    exit(Done);
}

void ProfileCommand::remove(const QString &name)
{
    Profile::ProfileStore store;
    if (!store.exists(name)) {
        err() << tr("There is no profile named \"%1\".").arg(name) << '\n';
        exit(Failed);
        return;
    }
    auto *job = store.remove(name, m_secrets, this);
    connect(job, &Profile::ProfileRemoveJob::finished, this, [this, name, job] {
        if (job->hasError()) {
            err() << job->error().userMessage << '\n';
            exit(Failed);
            return;
        }
        out() << tr("Profile \"%1\" and its secrets were deleted.").arg(name) << '\n';
        exit(Done);
    });
    job->start();
}

CheckCommand::CheckCommand(Secrets::SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
{}

void CheckCommand::run(const QString &profileName, bool json)
{
    M365::Error error;
    auto profile = Profile::ProfileStore().load(profileName, &error);
    // A profile on the sandbox tenant is served by this process while it runs.
    if (!profile || !Sandbox::serveProfile(&*profile, this, &error)) {
        err() << error.userMessage << '\n';
        finish(Failed);
        return;
    }
    auto *nam = new QNetworkAccessManager(this);
    auto *connect = new Profile::ConnectJob(nam, *profile, m_secrets, this);
    QObject::connect(connect, &Job::finished, this, [this, connect, json] {
        if (connect->hasError()) {
            err() << connect->error().userMessage << '\n';
            finish(Failed);
            return;
        }
        Profile::Connection *connection = connect->takeConnection().release();
        connection->setParent(this);
        Graph::Features features;
        auto *check = new Graph::TenantCheckJob(connection->graph(), features, this);
        QObject::connect(check, &Job::finished, this, [check, json] {
            if (check->hasError()) {
                err() << check->error().userMessage << '\n';
                if (!check->error().requestId.isEmpty()) {
                    err() << tr("Request ID: %1").arg(check->error().requestId) << '\n';
                }
                finish(Failed);
                return;
            }
            const Graph::TenantReport &report = check->report();
            const bool actionNeeded = !report.missingRoles.isEmpty();
            if (json) {
                out() << QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented);
                finish(actionNeeded ? NeedsAdminAction : Done);
                return;
            }
            out() << tr("Signed in to %1 (tenant %2).").arg(report.organization, report.tenantId) << '\n';
            out() << tr("Permissions granted: %1")
                         .arg(report.grantedRoles.isEmpty() ? tr("none")
                                                            : report.grantedRoles.join(QStringLiteral(", ")))
                  << '\n';
            if (actionNeeded) {
                out() << tr("Missing permissions: %1").arg(report.missingRoles.join(QStringLiteral(", "))) << '\n'
                      << tr("An administrator must grant them and admin consent: %1")
                             .arg(report.adminConsentUrl.toString())
                      << '\n';
            } else {
                out() << tr("All permissions the sync needs are granted.") << '\n';
            }
            if (report.domainsReadable) {
                out() << tr("Domains:") << '\n';
                for (const auto &domain : report.domains) {
                    out() << "  " << domain.name << "  "
                          << (domain.verified
                                  ? tr("verified")
                                  : tr("not verified: publish TXT record \"%1\", then verify").arg(domain.txtRecord))
                          << (domain.isDefault ? tr(" (default)") : QString()) << '\n';
                }
            } else {
                out() << tr("Domains: not readable (permission missing)") << '\n';
            }
            if (report.skusReadable) {
                out() << tr("Licences:") << '\n';
                for (const auto &sku : report.skus) {
                    out() << "  " << sku.partNumber << "  " << tr("%1 of %2 free").arg(sku.free()).arg(sku.prepaid)
                          << '\n';
                }
            } else {
                out() << tr("Licences: not readable (permission missing)") << '\n';
            }
            finish(actionNeeded ? NeedsAdminAction : Done);
        });
        check->start();
    });
    connect->start();
}

} // namespace M365::Cli
