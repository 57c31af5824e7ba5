// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profilecommand.h"

#include "cliio.h"
#include "graph/tenantcheck.h"
#include "identity/certificatecredential.h"
#include "profile/connection.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"

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

namespace {

QByteArray readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("M365::Cli", "Cannot read %1: %2").arg(path, file.errorString());
        return {};
    }
    return file.readAll();
}

/// A secret never comes from the command line (other users can read it there): from an environment variable, or
/// one line on standard input.
QString readSecret(const QString &environmentVariable, bool fromStdin)
{
    if (!environmentVariable.isEmpty()) {
        return qEnvironmentVariable(environmentVariable.toLocal8Bit().constData());
    }
    if (fromStdin) {
        QTextStream in(stdin);
        return in.readLine();
    }
    return {};
}

} // namespace

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
    } else {
        err() << tr("Usage: m365sync-cli profile create NAME … | show NAME [--json] | list [--json] | delete NAME\n");
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
    const QCommandLineOption generate(QStringLiteral("generate-certificate"), tr("Create a new certificate and key."));
    const QCommandLineOption subject(QStringLiteral("subject"),
                                     tr("Common name of a generated certificate."),
                                     QStringLiteral("cn"),
                                     QStringLiteral("m365sync"));
    const QCommandLineOption validity(QStringLiteral("validity-days"),
                                      tr("Validity of a generated certificate."),
                                      QStringLiteral("days"),
                                      QStringLiteral("730"));
    const QCommandLineOption keyBits(
        QStringLiteral("key-bits"), tr("2048 or 3072."), QStringLiteral("bits"), QStringLiteral("2048"));
    const QCommandLineOption pfx(QStringLiteral("pfx"),
                                 tr("Import a PKCS#12 file (password from M365SYNC_PFX_PASSWORD)."),
                                 QStringLiteral("file"));
    const QCommandLineOption certPem(
        QStringLiteral("certificate-pem"), tr("Import a PEM certificate…"), QStringLiteral("file"));
    const QCommandLineOption keyPem(
        QStringLiteral("key-pem"), tr("…with its PEM private key."), QStringLiteral("file"));
    const QCommandLineOption secretEnv(QStringLiteral("client-secret-env"),
                                       tr("Use a client secret from this environment variable."),
                                       QStringLiteral("variable"));
    const QCommandLineOption secretStdin(QStringLiteral("client-secret-stdin"),
                                         tr("Read a client secret from standard input."));
    const QCommandLineOption exportCer(QStringLiteral("export-cer"),
                                       tr("Write the certificate (.cer, DER) for upload to Entra ID."),
                                       QStringLiteral("file"));
    const QCommandLineOption rs256(QStringLiteral("rs256"), tr("Sign assertions with RS256 instead of PS256."));
    parser.addOptions({tenant,
                       clientId,
                       cloud,
                       sandboxUrl,
                       caFile,
                       generate,
                       subject,
                       validity,
                       keyBits,
                       pfx,
                       certPem,
                       keyPem,
                       secretEnv,
                       secretStdin,
                       exportCer,
                       rs256});
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
    const int credentials = int(parser.isSet(generate)) + int(parser.isSet(pfx)) + int(parser.isSet(certPem))
        + int(parser.isSet(secretEnv)) + int(parser.isSet(secretStdin));
    if (credentials != 1 || parser.isSet(certPem) != parser.isSet(keyPem)) {
        err() << tr("Choose one credential: --generate-certificate, --pfx FILE, --certificate-pem FILE --key-pem FILE, "
                    "--client-secret-env VARIABLE or --client-secret-stdin.")
              << '\n';
        exit(Usage);
        return;
    }
    Profile::ProfileStore store;
    if (store.exists(profile.name)) {
        err() << tr("A profile named \"%1\" exists already; delete it first.").arg(profile.name) << '\n';
        exit(Failed);
        return;
    }

    QByteArray secretValue;
    QString purpose;
    if (parser.isSet(secretEnv) || parser.isSet(secretStdin)) {
        const QString secret = readSecret(parser.value(secretEnv), parser.isSet(secretStdin));
        if (secret.isEmpty()) {
            err() << tr("No client secret was given (empty variable or input).") << '\n';
            exit(Usage);
            return;
        }
        profile.credentialKind = Profile::CredentialKind::ClientSecret;
        purpose = QString::fromLatin1(Secrets::Purpose::ClientSecret);
        secretValue = secret.toUtf8();
        profile.secrets.clientSecret = profile.secretKey(purpose);
    } else {
        Result<Identity::CertificateCredential> certificate;
        QString error;
        if (parser.isSet(generate)) {
            certificate = Identity::CertificateCredential::generate(
                parser.value(subject), parser.value(validity).toInt(), parser.value(keyBits).toInt());
        } else if (parser.isSet(pfx)) {
            const QByteArray data = readFile(parser.value(pfx), &error);
            certificate = data.isEmpty()
                ? Result<Identity::CertificateCredential>{}
                : Identity::CertificateCredential::importPfx(data, qEnvironmentVariable("M365SYNC_PFX_PASSWORD"));
        } else {
            const QByteArray cert = readFile(parser.value(certPem), &error);
            const QByteArray key = cert.isEmpty() ? QByteArray() : readFile(parser.value(keyPem), &error);
            certificate = key.isEmpty() ? Result<Identity::CertificateCredential>{}
                                        : Identity::CertificateCredential::importPem(cert, key);
        }
        if (!error.isEmpty() || !certificate.ok()) {
            err() << (error.isEmpty() ? certificate.error.userMessage : error) << '\n';
            exit(Failed);
            return;
        }
        const auto &credential = certificate.value;
        profile.credentialKind = Profile::CredentialKind::Certificate;
        profile.assertionAlgorithm =
            parser.isSet(rs256) ? Profile::AssertionAlgorithm::RS256 : Profile::AssertionAlgorithm::PS256;
        profile.certificate.thumbprintSha1 = credential.sha1ThumbprintHex();
        profile.certificate.thumbprintSha256 = credential.sha256ThumbprintHex();
        profile.certificate.notAfter = credential.notAfter();
        profile.certificate.pem = credential.exportPem();
        purpose = QString::fromLatin1(Secrets::Purpose::PrivateKey);
        secretValue = credential.privateKeyPem();
        profile.secrets.privateKey = profile.secretKey(purpose);
        if (parser.isSet(exportCer)) {
            QFile cer(parser.value(exportCer));
            if (!cer.open(QIODevice::WriteOnly) || cer.write(credential.exportCer()) < 0) {
                err() << tr("Cannot write %1: %2").arg(cer.fileName(), cer.errorString()) << '\n';
                exit(Failed);
                return;
            }
        }
    }

    // The secret goes to the keychain first; the profile on disk only refers to it.
    Secrets::SecretJob *job = m_secrets->write(profile.secretKey(purpose), secretValue, this);
    connect(job, &Secrets::SecretJob::finished, this, [this, profile, job] {
        if (job->hasError()) {
            err() << job->error().userMessage << '\n';
            exit(Failed);
            return;
        }
        M365::Error error;
        if (!Profile::ProfileStore().save(profile, &error)) {
            err() << error.userMessage << '\n';
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
        exit(Done);
    });
    job->start();
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
    const auto profile = Profile::ProfileStore().load(profileName, &error);
    if (!profile) {
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
