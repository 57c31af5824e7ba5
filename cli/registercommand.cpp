// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "registercommand.h"

#include "cliio.h"
#include "graph/appregistration.h"
#include "graph/graphclient.h"
#include "graph/tenantcheck.h"
#include "identity/adminsignin.h"
#include "identity/devicecodesignin.h"
#include "identity/tokenprovider.h"
#include "profile/connection.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "sandboxhost.h"
#include "sandboxtenant.h"

#include <QCommandLineParser>
#include <QFile>

namespace M365::Cli {

namespace {

/// Microsoft Graph Command Line Tools, the public client every tenant knows (the wizard signs in with it too); the
/// sandbox tenant has its own setup client.
QString publicClientId(const Profile::Profile &profile)
{
    return profile.endpoints.cloud == Identity::Cloud::Custom ? Sandbox::SandboxTenant::setupClientId
                                                              : Identity::AdminSignIn::graphCommandLineToolsClientId;
}

} // namespace

RegisterCommand::RegisterCommand(Secrets::SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
{}

void RegisterCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Registers m365sync in the profile's tenant as the wizard does: sign in as an administrator with a device "
           "code, create the app with the profile's certificate and admin consent, and store its IDs in the "
           "profile. Create the profile first: m365sync-cli profile create NAME --tenant T --generate-certificate"));
    const QCommandLineOption profileOption(QStringLiteral("profile"), tr("The profile to register."), tr("name"));
    const QCommandLineOption deviceCode(QStringLiteral("device-code"),
                                        tr("Sign in with a code on another device (the only way without a browser)."));
    const QCommandLineOption help(QStringList{QStringLiteral("help"), QStringLiteral("h")}, tr("Show this help."));
    parser.addOptions({profileOption, deviceCode, help});
    if (!parser.parse(QStringList{QStringLiteral("register")} + arguments)) {
        err() << parser.errorText() << '\n';
        finish(Usage);
        return;
    }
    if (parser.isSet(help)) {
        out() << tr("Usage: m365sync-cli register --profile NAME --device-code") << "\n\n"
              << parser.applicationDescription() << "\n\n"
              << parser.helpText().section(QLatin1Char('\n'), 2);
        finish(Done);
        return;
    }
    if (!parser.isSet(profileOption) || !parser.isSet(deviceCode)) {
        err() << tr("register needs --profile NAME and --device-code (sign in with a code on another device).") << '\n';
        finish(Usage);
        return;
    }
    M365::Error error;
    auto profile = Profile::ProfileStore().load(parser.value(profileOption), &error);
    // A profile on the sandbox tenant is served by this process while it runs.
    if (!profile || !Sandbox::serveProfile(&*profile, this, &error)) {
        err() << error.userMessage << '\n';
        finish(Failed);
        return;
    }
    m_profile = *profile;
    if (m_profile.credentialKind != Profile::CredentialKind::Certificate || m_profile.secrets.privateKey.isEmpty()) {
        err() << tr("Profile \"%1\" has no certificate. register uploads the profile's certificate to the new app: "
                    "create the profile with --generate-certificate, --pfx or --certificate-pem.")
                     .arg(m_profile.name)
              << '\n';
        finish(Failed);
        return;
    }
    if (!m_profile.caFile.isEmpty()) {
        QFile file(m_profile.caFile);
        if (file.open(QIODevice::ReadOnly)) {
            m_extraCas = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        }
    }
    Secrets::SecretJob *read = m_secrets->read(m_profile.secrets.privateKey, this);
    connect(read, &Secrets::SecretJob::finished, this, [this, read] {
        if (read->hasError()) {
            err() << read->error().userMessage << '\n';
            finish(Failed);
            return;
        }
        signIn(read->value());
    });
    read->start();
}

void RegisterCommand::signIn(const QByteArray &privateKey)
{
    m_privateKey = privateKey;
    const QString tenant = m_profile.tenant.isEmpty() ? QStringLiteral("organizations") : m_profile.tenant;
    auto *job = new Identity::DeviceCodeSignIn(m_profile.endpoints, tenant, publicClientId(m_profile), this);
    job->setExtraCaCertificates(m_extraCas);
    connect(job, &Identity::DeviceCodeSignIn::codeReady, this, [](const QString &code, const QUrl &uri) {
        err() << tr("To sign in, open %1 on any device and enter the code %2, then sign in as a Global "
                    "Administrator.")
                     .arg(uri.toString(), code)
              << '\n';
        err().flush();
    });
    connect(job, &M365::Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            err() << job->error().userMessage << '\n';
            finish(Failed);
            return;
        }
        const Identity::DelegatedToken token = job->token();
        err() << tr("Signed in as %1.").arg(token.userPrincipalName) << '\n';
        registerApp(token.accessToken, token.expiresAt, token.tenantId);
    });
    job->start();
}

void RegisterCommand::registerApp(const QString &accessToken, const QDateTime &expiresAt, const QString &tenantId)
{
    const auto certificate = Identity::CertificateCredential::importPem(m_profile.certificate.pem, m_privateKey);
    if (!certificate.ok()) {
        err() << certificate.error.userMessage << '\n';
        finish(Failed);
        return;
    }
    auto *tokens = new Identity::TokenProvider(
        &m_nam, m_profile.endpoints, tenantId, publicClientId(m_profile), Identity::ClientCredential{}, this);
    tokens->setStaticToken(accessToken, expiresAt);
    tokens->setExtraCaCertificates(m_extraCas);
    auto *graph = new Graph::GraphClient(&m_nam, m_profile.endpoints, tokens, this);
    Graph::AppRegistrationJob::Options options;
    options.roles = Graph::AppRegistrationJob::defaultRoles();
    options.certificate = certificate.value;
    options.existingAppId = m_profile.clientId;
    options.consentRedirectUri = m_profile.endpoints.consentRedirectUri();
    auto *job = new Graph::AppRegistrationJob(graph, options, this);
    using Status = Graph::AppRegistrationJob::Status;
    connect(job, &Graph::AppRegistrationJob::stepChanged, this, [](int step, Status status) {
        if (status == Status::Done) {
            err() << tr("  done: %1").arg(Graph::AppRegistrationJob::stepName(Graph::AppRegistrationJob::Step(step)))
                  << '\n';
        }
    });
    connect(job, &M365::Job::finished, this, [this, job, tenantId] {
        if (job->hasError()) {
            err() << job->error().userMessage << '\n';
            if (!job->createdApplicationId().isEmpty()) {
                err() << tr("The app %1 was created but not finished; run register again to finish it, or remove it "
                            "under App registrations in the Microsoft Entra admin center.")
                             .arg(job->appId())
                      << '\n';
            }
            finish(job->error().code == QLatin1String(Graph::AppRegistrationJob::AdminRoleMissing) ? NeedsAdminAction
                                                                                                   : Failed);
            return;
        }
        m_profile.tenant = tenantId;
        m_profile.clientId = job->appId();
        saveAndCheck();
    });
    job->start();
}

void RegisterCommand::saveAndCheck()
{
    M365::Error error;
    if (!Profile::ProfileStore().save(m_profile, &error)) {
        err() << error.userMessage << '\n';
        finish(Failed);
        return;
    }
    out() << tr("Registered: tenant %1, application (client) ID %2, saved in profile \"%3\".")
                 .arg(m_profile.tenant, m_profile.clientId, m_profile.name)
          << '\n';
    auto *connect = new Profile::ConnectJob(&m_nam, m_profile, m_secrets, this);
    QObject::connect(connect, &M365::Job::finished, this, [this, connect] {
        if (connect->hasError()) {
            err() << connect->error().userMessage << '\n';
            finish(Failed);
            return;
        }
        Profile::Connection *connection = connect->takeConnection().release();
        connection->setParent(this);
        auto *check = new Graph::TenantCheckJob(connection->graph(), Graph::Features{}, this);
        // The app and its certificate are seconds old: Entra may not accept them everywhere yet.
        check->setReplicationWait(5 * 60 * 1000);
        QObject::connect(check, &Graph::TenantCheckJob::waiting, this, [](const QString &reason, qint64 retryInMs) {
            err() << tr("%1 Trying again in %2 s.").arg(reason).arg((retryInMs + 999) / 1000) << '\n';
        });
        QObject::connect(check, &M365::Job::finished, this, [check] {
            if (check->hasError()) {
                err() << check->error().userMessage << '\n';
                finish(Failed);
                return;
            }
            if (!check->report().missingRoles.isEmpty()) {
                err() << tr("The app signs in, but these permissions are still missing: %1")
                             .arg(check->report().missingRoles.join(QStringLiteral(", ")))
                      << '\n';
                finish(NeedsAdminAction);
                return;
            }
            out() << tr("The app signs in with its certificate and has every permission the sync needs.") << '\n';
            finish(Done);
        });
        check->start();
    });
    connect->start();
}

} // namespace M365::Cli
