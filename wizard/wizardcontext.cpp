// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "wizardcontext.h"

#include "demotenant.h"
#include "profile/memorysecretstore.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
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

bool WizardContext::startSandbox(QString *errorMessage)
{
    if (!m_sandbox) {
        auto server = std::make_unique<Sandbox::SandboxServer>();
        if (!Sandbox::startDemoTenant(server.get(), dataDirectory(), errorMessage)) {
            return false;
        }
        m_sandbox = std::move(server);
    }
    const Sandbox::TenantState &state = m_sandbox->tenant()->state();
    profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(m_sandbox->baseUrl()));
    profile.tenant = state.tenantId;
    profile.clientId = state.demoClientId;
    profile.caFile = m_sandbox->caFile();
    return true;
}

void WizardContext::openBrowser(const QUrl &url) const
{
    if (m_options.browserOpener) {
        m_options.browserOpener(url);
    } else {
        QDesktopServices::openUrl(url);
    }
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
    profile.secrets = Profile::SecretReferences{};
    if (profile.credentialKind == Profile::CredentialKind::Certificate) {
        profile.certificate.thumbprintSha1 = certificate.sha1ThumbprintHex();
        profile.certificate.thumbprintSha256 = certificate.sha256ThumbprintHex();
        profile.certificate.notAfter = certificate.notAfter();
        profile.certificate.pem = certificate.exportPem();
        profile.secrets.privateKey = profile.secretKey(secretPurpose());
    } else {
        profile.certificate = Profile::CertificateInfo{};
        profile.secrets.clientSecret = profile.secretKey(secretPurpose());
    }
}

void WizardContext::setConnection(std::unique_ptr<Profile::Connection> connection)
{
    m_connection = std::move(connection);
}

} // namespace M365::Ui
