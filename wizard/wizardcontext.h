// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/csvsource.h"
#include "directory/directoryentry.h"
#include "graph/tenantcheck.h"
#include "identity/certificatecredential.h"
#include "profile/connection.h"
#include "profile/profile.h"
#include "profile/secretstore.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace M365::Sandbox {
class SandboxServer;
}
namespace M365::Secrets {
class MemorySecretStore;
}

namespace M365::Ui {

/*
 * What the wizard's pages build together: the profile taking shape, the credential (kept in memory until Finish puts
 * it in the keychain), the connection the permissions page opened, and what the tenant check found. The page
 * controllers share one context instead of reaching into each other; nothing here has widgets.
 */
class WizardContext : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        Secrets::SecretStore *secrets = nullptr; ///< where Finish stores the credential (the keychain in the app)
        QString profileDirectory; ///< empty: ProfileStore::defaultDirectory()
        QString dataDirectory; ///< where the sandbox tenant keeps its state; empty: AppDataLocation
        QNetworkAccessManager *nam = nullptr; ///< empty: the context makes its own
        /// Opens the administrator's sign-in page; empty: the system browser (QDesktopServices::openUrl). Tests play
        /// the browser here.
        std::function<void(const QUrl &url)> browserOpener;
        /// How long the administrator has to finish signing in in the browser.
        std::chrono::milliseconds signInTimeout{std::chrono::minutes(5)};
    };

    /// The administrator's sign-in of "Register automatically". The delegated token stays in memory only: it
    /// registers the app on the App registration page and uploads the certificate on the Credentials page.
    struct AdminSession
    {
        QString accessToken;
        QDateTime expiresAt;
        QString tenantId;
        QString userPrincipalName;
        QUrl authority; ///< the cloud's sign-in endpoint it came from
        bool isValid() const
        {
            return !accessToken.isEmpty() && expiresAt > QDateTime::currentDateTimeUtc().addSecs(60);
        }
    };

    explicit WizardContext(const Options &options, QObject *parent = nullptr);
    ~WizardContext() override;

    QNetworkAccessManager *nam() const { return m_nam; }
    Secrets::SecretStore *secrets() const { return m_secrets; }
    QString profileDirectory() const;
    QString dataDirectory() const;

    /// Sandbox mode: the in-process demo tenant, started on first use; nullptr in tenant mode.
    bool isSandbox() const { return m_sandboxMode; }
    void setSandboxMode(bool sandbox) { m_sandboxMode = sandbox; }
    Sandbox::SandboxServer *sandboxServer() const { return m_sandbox.get(); }
    /// Starts the demo tenant (once) and points the profile at it; false with a message when it cannot start.
    bool startSandbox(QString *errorMessage);

    /// Opens @p url in the system browser, or hands it to the injected opener.
    void openBrowser(const QUrl &url) const;
    std::chrono::milliseconds signInTimeout() const { return m_options.signInTimeout; }
    /// The private CA of the sandbox tenant (profile.caFile), to trust besides the system's; empty otherwise.
    QList<QSslCertificate> extraCaCertificates() const;

    AdminSession adminSession;
    /// True when the App registration page registered the app itself; the Credentials page then uploads the
    /// certificate with the administrator's token.
    bool automaticRegistration = false;
    /// The SHA-1 thumbprint of the certificate uploaded to the automatically registered app (empty: none yet).
    QString uploadedThumbprint;

    /// The profile being built. Secret references are filled in when the credential is chosen.
    Profile::Profile profile;
    /// The certificate (with its private key) when the credential is a certificate.
    Identity::CertificateCredential certificate;
    /// The client secret when the admin chose the fallback.
    QString clientSecret;
    /// The LDAP bind password (Finish puts it in the keychain; the profile keeps only its reference).
    QString ldapBindPassword;
    /// The sample users the Directory page's last successful test read (at most five), for the Attributes page.
    QList<Directory::DirectoryEntry> directorySamples;
    /// How a CSV directory file is read: the encoding the admin confirmed and the column mapping of the CSV columns
    /// page. The Directory page tests with them and writes them into profile.directory; choosing another file
    /// starts them afresh.
    Directory::CsvOptions csvOptions;
    /// Without a mapping yet, suggests one from the header of the CSV file at @p path (CsvMapping::suggest()), so that
    /// the Directory page's test already reads the file with a key column, as the CSV columns page will show it.
    void suggestCsvMapping(const QString &path);
    /// The sample LDIF the sandbox mode pre-selects (a copy of the built-in one under dataDirectory()).
    QString sampleDirectoryPath() const;

    /// The secret value for the chosen credential (private key PEM or client secret).
    QByteArray secretValue() const;
    /// The purpose of that secret (Secrets::Purpose::PrivateKey or ClientSecret).
    QString secretPurpose() const;
    /// Fills in profile.credentialKind, certificate info and secret references for the chosen credential and name.
    void applyCredentialToProfile();

    /// The connection the permissions page opened (valid once that page succeeded).
    Profile::Connection *connection() const { return m_connection.get(); }
    void setConnection(std::unique_ptr<Profile::Connection> connection);
    Graph::TenantReport report;
    /// The domain users get their user principal names in.
    QString upnDomain;

    /// A store in memory that holds the credential for the permissions check before Finish writes the real one.
    Secrets::MemorySecretStore *scratchSecrets() const { return m_scratch; }

private:
    QNetworkAccessManager *m_nam;
    QPointer<Secrets::SecretStore> m_secrets;
    Secrets::MemorySecretStore *m_scratch;
    Options m_options;
    bool m_sandboxMode = true;
    std::unique_ptr<Sandbox::SandboxServer> m_sandbox;
    std::unique_ptr<Profile::Connection> m_connection;
};

} // namespace M365::Ui
