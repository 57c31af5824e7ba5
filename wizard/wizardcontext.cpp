// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "wizardcontext.h"

#include "demotenant.h"
#include "profile/memorysecretstore.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
#include "tenantplace.h"
#include "tenantstate.h"

#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QStandardPaths>

namespace M365::Ui {

WizardContext::WizardContext(const Options &options, QObject *parent)
    : QObject(parent)
    , m_nam(options.nam ? options.nam : new QNetworkAccessManager(this))
    , m_secrets(options.secrets)
    , m_scratch(new Secrets::MemorySecretStore(this))
    , m_options(options)
{}

WizardContext::~WizardContext()
{
    // The connection refers to the NAM and the sandbox; it goes first.
    m_connection.reset();
}

QString WizardContext::profileDirectory() const
{
    return m_options.profileDirectory.isEmpty() ? Profile::ProfileStore::defaultDirectory()
                                                : m_options.profileDirectory;
}

QString WizardContext::dataDirectory() const
{
    return m_options.dataDirectory.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                                             : m_options.dataDirectory;
}

Sandbox::SandboxServer *WizardContext::sandboxServer() const
{
    return m_place ? m_place->server() : nullptr;
}

bool WizardContext::followSandbox(QString *errorMessage)
{
    // The profile's own place; a sandbox profile without one (made by an older version elsewhere) gets the demo.
    const QString wanted = Sandbox::TenantPlace::normalizedPath(
        profile.sandboxState.isEmpty() ? Sandbox::demoTenantPath(dataDirectory()) : profile.sandboxState);
    if (!m_place || m_place->statePath() != wanted) {
        std::shared_ptr<Sandbox::TenantPlace> place = Sandbox::TenantPlace::open(wanted, errorMessage);
        if (!place) {
            return false;
        }
        m_place = std::move(place);
    }
    profile.pointAtSandbox(QUrl(m_place->server()->baseUrl()), m_place->server()->caFile());
    profile.sandboxState = m_place->statePath();
    return true;
}

void WizardContext::releaseSandbox()
{
    m_place.reset();
}

bool WizardContext::startSandbox(QString *errorMessage)
{
    if (!followSandbox(errorMessage)) {
        return false;
    }
    const Sandbox::TenantState &state = sandboxServer()->tenant()->state();
    profile.tenant = state.tenantId;
    profile.clientId = state.demoClientId;
    return true;
}

bool WizardContext::openBrowser(const QUrl &url) const
{
    return m_options.browserOpener ? m_options.browserOpener(url) : QDesktopServices::openUrl(url);
}

void WizardContext::suggestCsvMapping(const QString &path)
{
    if (!csvOptions.mapping.isEmpty()) {
        return;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return; // the test says what is wrong with the file
    }
    const Directory::CsvPreview preview =
        Directory::CsvReader::preview(file.readAll(), csvOptions, QFileInfo(path).fileName());
    if (preview.error.isNull()) {
        csvOptions.mapping = Directory::CsvMapping::suggest(preview.headers);
    }
}

QList<QSslCertificate> WizardContext::extraCaCertificates() const
{
    if (profile.caFile.isEmpty()) {
        return {};
    }
    QFile file(profile.caFile);
    return file.open(QIODevice::ReadOnly) ? QSslCertificate::fromData(file.readAll(), QSsl::Pem)
                                          : QList<QSslCertificate>();
}

QString WizardContext::sampleDirectoryPath() const
{
    const QString directory = dataDirectory() + QStringLiteral("/sample");
    const QString path = directory + QStringLiteral("/directory.ldif");
    if (!QFile::exists(path)) {
        QDir().mkpath(directory);
        QFile::copy(QStringLiteral(":/m365sync/sample/directory.ldif"), path);
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return path;
}

QByteArray WizardContext::secretValue() const
{
    return profile.credentialKind == Profile::CredentialKind::Certificate ? certificate.privateKeyPem()
                                                                          : clientSecret.toUtf8();
}

QString WizardContext::secretPurpose() const
{
    return QString::fromLatin1(profile.credentialKind == Profile::CredentialKind::Certificate
                                   ? Secrets::Purpose::PrivateKey
                                   : Secrets::Purpose::ClientSecret);
}

void WizardContext::applyCredentialToProfile()
{
    applyCredentialTo(profile);
}

void WizardContext::applyCredentialTo(Profile::Profile &target) const
{
    const QString ldapBindPassword = target.secrets.ldapBindPassword;
    target.secrets = Profile::SecretReferences{};
    target.secrets.ldapBindPassword = ldapBindPassword;
    if (target.credentialKind == Profile::CredentialKind::Certificate) {
        target.certificate.thumbprintSha1 = certificate.sha1ThumbprintHex();
        target.certificate.thumbprintSha256 = certificate.sha256ThumbprintHex();
        target.certificate.notAfter = certificate.notAfter();
        target.certificate.pem = certificate.exportPem();
        target.secrets.privateKey = target.secretKey(secretPurpose());
    } else {
        target.certificate = Profile::CertificateInfo{};
        target.secrets.clientSecret = target.secretKey(secretPurpose());
    }
}

bool WizardContext::hasCredential() const
{
    return profile.credentialKind == Profile::CredentialKind::Certificate ? !certificate.isNull()
                                                                          : !clientSecret.isEmpty();
}

QList<QPair<QString, QByteArray>> WizardContext::secretsFor(Profile::Profile &target) const
{
    QList<QPair<QString, QByteArray>> values;
    const QString credentialKey = target.secretKey(secretPurpose());
    if (target.secrets.all().contains(credentialKey) && hasCredential()) {
        values.append({credentialKey, secretValue()});
    }
    const bool ldap = target.directory.contains(QLatin1String("url"));
    if (!ldap) {
        target.secrets.ldapBindPassword.clear();
    } else if (!ldapBindPassword.isEmpty()) {
        target.secrets.ldapBindPassword = target.secretKey(QString::fromLatin1(Secrets::Purpose::LdapBindPassword));
        values.append({target.secrets.ldapBindPassword, ldapBindPassword.toUtf8()});
    }
    return values;
}

void WizardContext::setConnection(std::unique_ptr<Profile::Connection> connection)
{
    m_connection = std::move(connection);
}

SaveProfileJob::SaveProfileJob(Secrets::SecretStore *secrets,
                               const QString &profileDirectory,
                               const Profile::Profile &profile,
                               const QList<Secret> &values,
                               QObject *parent)
    : M365::Job(parent)
    , m_secrets(secrets)
    , m_directory(profileDirectory)
    , m_profile(profile)
    , m_pending(values)
{}

SaveProfileJob::~SaveProfileJob()
{
    // The values are secrets: they must not linger in freed memory.
    for (Secret &secret : m_pending) {
        secret.second.fill('\0');
    }
}

void SaveProfileJob::run()
{
    if (!m_secrets && !m_pending.isEmpty()) {
        fail(M365::Error{QStringLiteral("secrets.none"), tr("No keychain is configured."), {}, {}});
        return;
    }
    writeNext();
}

void SaveProfileJob::onCancel()
{
    if (m_write) {
        m_write->cancel();
    }
}

void SaveProfileJob::writeNext()
{
    if (m_pending.isEmpty()) {
        M365::Error error;
        if (!Profile::ProfileStore(m_directory).save(m_profile, &error)) {
            fail(error);
            return;
        }
        succeed();
        return;
    }
    Secret next = m_pending.takeFirst();
    Secrets::SecretJob *job = m_secrets->write(next.first, next.second, this);
    next.second.fill('\0');
    m_write = job;
    connect(job, &M365::Job::finished, this, [this, job] {
        job->deleteLater();
        if (isFinished()) {
            return;
        }
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        writeNext();
    });
    job->start();
}

ProfileSecretsJob::ProfileSecretsJob(Secrets::SecretStore *secrets, const Profile::Profile &profile, QObject *parent)
    : M365::Job(parent)
    , m_secrets(secrets)
    , m_profile(profile)
{
    const auto add = [this](const char *purpose, const QString &key) {
        if (!key.isEmpty()) {
            m_pending.append({QString::fromLatin1(purpose), key});
        }
    };
    if (profile.credentialKind == Profile::CredentialKind::Certificate && !profile.certificate.pem.isEmpty()) {
        add(Secrets::Purpose::PrivateKey, profile.secrets.privateKey);
    } else if (profile.credentialKind == Profile::CredentialKind::ClientSecret) {
        add(Secrets::Purpose::ClientSecret, profile.secrets.clientSecret);
    }
    add(Secrets::Purpose::LdapBindPassword, profile.secrets.ldapBindPassword);
}

ProfileSecretsJob::~ProfileSecretsJob() = default;

void ProfileSecretsJob::run()
{
    if (!m_secrets && !m_pending.isEmpty()) {
        fail(M365::Error{QStringLiteral("secrets.none"), tr("No keychain is configured."), {}, {}});
        return;
    }
    readNext();
}

void ProfileSecretsJob::onCancel()
{
    if (m_read) {
        m_read->cancel();
    }
}

void ProfileSecretsJob::readNext()
{
    if (m_pending.isEmpty()) {
        succeed();
        return;
    }
    const auto [purpose, key] = m_pending.takeFirst();
    Secrets::SecretJob *job = m_secrets->read(key, this);
    m_read = job;
    connect(job, &M365::Job::finished, this, [this, job, purpose = purpose] {
        job->deleteLater();
        if (isFinished()) {
            return;
        }
        if (job->hasError() && job->failure() != Secrets::SecretJob::Failure::NotFound) {
            fail(job->error());
            return;
        }
        onRead(purpose, job->hasError() ? QByteArray() : job->value());
        readNext();
    });
    job->start();
}

void ProfileSecretsJob::onRead(const QString &purpose, const QByteArray &value)
{
    if (value.isEmpty()) {
        return; // not stored: the admin gives it again
    }
    if (purpose == QLatin1String(Secrets::Purpose::PrivateKey)) {
        const auto certificate = Identity::CertificateCredential::importPem(m_profile.certificate.pem, value);
        if (certificate.ok()) {
            m_certificate = certificate.value;
        }
    } else if (purpose == QLatin1String(Secrets::Purpose::ClientSecret)) {
        m_clientSecret = QString::fromUtf8(value);
    } else if (purpose == QLatin1String(Secrets::Purpose::LdapBindPassword)) {
        m_ldapBindPassword = QString::fromUtf8(value);
    }
}

} // namespace M365::Ui
