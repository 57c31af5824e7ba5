// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/csvsource.h"
#include "directory/directoryentry.h"
#include "graph/tenantcheck.h"
#include "identity/certificatecredential.h"
#include "job.h"
#include "profile/connection.h"
#include "profile/profile.h"
#include "profile/secretstore.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace M365::Sandbox {
class SandboxServer;
class TenantPlace;
} // namespace M365::Sandbox
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
        /// Opens the administrator's sign-in page and says whether a browser took it; empty: the system browser
        /// (QDesktopServices::openUrl). Tests play the browser here.
        std::function<bool(const QUrl &url)> browserOpener;
        /// How long the administrator has to finish signing in in the browser.
        std::chrono::milliseconds signInTimeout{std::chrono::minutes(5)};
    };

    /// What the wizard runs for (issue 13).
    enum class Purpose {
        NewConnection, ///< from nothing to a new profile
        ResumeDraft, ///< the draft kept when the admin closed the wizard; Finish makes it a complete profile
        EditConnection, ///< the tenant, app and credential of an existing profile; Finish saves it under its name
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

    /// Sandbox mode: the profile is on a sandbox tenant that m365sync serves itself; false in tenant mode.
    bool isSandbox() const { return m_sandboxMode; }
    void setSandboxMode(bool sandbox) { m_sandboxMode = sandbox; }
    /// The server of the sandbox tenant the context opened (startSandbox(), followSandbox()); nullptr before.
    Sandbox::SandboxServer *sandboxServer() const;
    /// The place of that tenant, shared with every dashboard of this process that uses it; null before.
    std::shared_ptr<Sandbox::TenantPlace> sandboxPlace() const { return m_place; }
    /// Opens the sandbox tenant (as followSandbox(): for a new connection, the demo tenant under dataDirectory()) and
    /// points the profile at it with the demo app's IDs and the place recorded in profile.sandboxState; false with a
    /// message (what to do included) when it cannot be served, e.g. while a scheduled run of another program does.
    bool startSandbox(QString *errorMessage);
    /// Opens the place of a profile made before (a draft, a profile to edit: profile.sandboxState, else the demo
    /// tenant) and points the profile's endpoints and CA at its server, keeping its tenant and app: the profile was
    /// saved with another run's port and CA.
    bool followSandbox(QString *errorMessage);
    /// Lets go of the sandbox tenant once the wizard is done, so that the place closes when nothing else uses it.
    void releaseSandbox();

    /// Opens @p url in the system browser, or hands it to the injected opener; false when no browser could take it
    /// (no desktop session, no browser installed).
    bool openBrowser(const QUrl &url) const;
    std::chrono::milliseconds signInTimeout() const { return m_options.signInTimeout; }
    /// The private CA of the sandbox tenant (profile.caFile), to trust besides the system's; empty otherwise.
    QList<QSslCertificate> extraCaCertificates() const;

    Purpose purpose = Purpose::NewConnection;
    /// The profile this run replaces on Finish (the draft it resumes, the profile it edits); its name counts as free.
    QString originalName;

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
    /// The same for another profile (a draft of this one under a free name). The LDAP bind password's reference is
    /// kept: it is not a credential.
    void applyCredentialTo(Profile::Profile &profile) const;
    /// True when a credential has been chosen: a certificate made or imported, or a client secret typed.
    bool hasCredential() const;
    /**
     * The secrets a profile made from this context keeps, as (key, value) for its SecretStore: the credential's when
     * @p profile refers to it, and the LDAP bind password when one was typed for an LDAP directory (its reference is
     * then set; a file directory drops it). A profile being edited keeps the reference of a password not typed again.
     */
    QList<QPair<QString, QByteArray>> secretsFor(Profile::Profile &profile) const;

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
    std::shared_ptr<Sandbox::TenantPlace> m_place;
    std::unique_ptr<Profile::Connection> m_connection;
};

/**
 * Writes a profile the way Finish does (STYLE.md section 6): first its secrets to the SecretStore, then the profile
 * file, which only refers to them, so that a keychain failure leaves no file behind. Keeping a draft uses it as well.
 * The job contract of M365::Job: start() schedules, finished() comes once.
 */
class SaveProfileJob : public M365::Job
{
    Q_OBJECT

public:
    using Secret = QPair<QString, QByteArray>;
    SaveProfileJob(Secrets::SecretStore *secrets,
                   const QString &profileDirectory,
                   const Profile::Profile &profile,
                   const QList<Secret> &values,
                   QObject *parent = nullptr);
    ~SaveProfileJob() override;

    const Profile::Profile &profile() const { return m_profile; }

protected:
    void run() override;
    void onCancel() override;

private:
    void writeNext();

    QPointer<Secrets::SecretStore> m_secrets;
    QString m_directory;
    Profile::Profile m_profile;
    QList<Secret> m_pending;
    QPointer<Secrets::SecretJob> m_write;
};

/**
 * Reads what a profile keeps in the SecretStore (the certificate's private key or the client secret, and the LDAP bind
 * password), so that the wizard can resume a draft or edit a profile with its credential. A secret that is not there
 * is no error (the admin makes the credential again on the Credentials page); a keychain that does not answer is.
 */
class ProfileSecretsJob : public M365::Job
{
    Q_OBJECT

public:
    ProfileSecretsJob(Secrets::SecretStore *secrets, const Profile::Profile &profile, QObject *parent = nullptr);
    ~ProfileSecretsJob() override;

    /// The certificate with its private key; null when the profile has none or its key is not in the store.
    const Identity::CertificateCredential &certificate() const { return m_certificate; }
    QString clientSecret() const { return m_clientSecret; }
    QString ldapBindPassword() const { return m_ldapBindPassword; }

protected:
    void run() override;
    void onCancel() override;

private:
    void readNext();
    void onRead(const QString &purpose, const QByteArray &value);

    QPointer<Secrets::SecretStore> m_secrets;
    Profile::Profile m_profile;
    QList<QPair<QString, QString>> m_pending; ///< (purpose, key)
    QPointer<Secrets::SecretJob> m_read;
    Identity::CertificateCredential m_certificate;
    QString m_clientSecret;
    QString m_ldapBindPassword;
};

} // namespace M365::Ui
