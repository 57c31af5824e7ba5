// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "identity/cloudendpoints.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace M365::Profile {

/// How the app proves its identity to Entra ID. The certificate is preferred; a client secret is the fallback.
enum class CredentialKind { Certificate, ClientSecret };

/// The client assertion's signature: PS256 with `x5t#S256` (default) or RS256 with `x5t`.
enum class AssertionAlgorithm { PS256, RS256 };

/// The public half of the app's certificate: safe on disk, needed for the assertion header and to show the admin
/// which certificate Entra ID must know.
struct CertificateInfo
{
    QString thumbprintSha1; ///< hex, upper case, no separators (what Entra ID shows)
    QString thumbprintSha256; ///< hex, upper case, no separators
    QDateTime notAfter; ///< UTC
    QByteArray pem; ///< "-----BEGIN CERTIFICATE-----" … (never the private key)

    bool isNull() const { return thumbprintSha1.isEmpty() && thumbprintSha256.isEmpty() && pem.isEmpty(); }
    friend bool operator==(const CertificateInfo &a, const CertificateInfo &b)
    {
        return a.thumbprintSha1 == b.thumbprintSha1 && a.thumbprintSha256 == b.thumbprintSha256
            && a.notAfter == b.notAfter && a.pem == b.pem;
    }
};

/// Keys into the SecretStore ("m365sync/<profile>/<purpose>"); an empty reference means "none stored".
struct SecretReferences
{
    QString privateKey;
    QString clientSecret;
    QString ldapBindPassword;

    /// The non-empty references.
    QStringList all() const;
    friend bool operator==(const SecretReferences &a, const SecretReferences &b)
    {
        return a.privateKey == b.privateKey && a.clientSecret == b.clientSecret
            && a.ldapBindPassword == b.ldapBindPassword;
    }
};

/**
 * What the onboarding wizard had done when the admin closed it before Finish (issue 13). Closing the wizard after an
 * app was registered or a certificate made would otherwise lose them (and leave an app in the tenant whose key nobody
 * has), so the wizard keeps them as a draft profile and resumes it on the next start. A draft is no connection yet:
 * the dashboard and the CLI refuse it. Its secrets are in the SecretStore like a complete profile's.
 */
struct DraftState
{
    QString resumePage; ///< the wizard page to resume at ("registration", "credentials", "connection", …)
    bool appRegistered = false; ///< the wizard registered the app (the profile's clientId) in the tenant itself
    QString uploadedThumbprint; ///< SHA-1 hex of the certificate the wizard uploaded to that app; empty: none

    friend bool operator==(const DraftState &a, const DraftState &b)
    {
        return a.resumePage == b.resumePage && a.appRegistered == b.appRegistered
            && a.uploadedThumbprint == b.uploadedThumbprint;
    }
    friend bool operator!=(const DraftState &a, const DraftState &b) { return !(a == b); }
};

/**
 * Where a profile reports its runs (issue 15): a Prometheus textfile-collector directory and a webhook. The webhook's
 * URL carries a token, so it is a secret: it lives in the SecretStore (purpose Secrets::Purpose::WebhookUrl) and the
 * profile holds only its key. Stored as the profile's "monitoring" object, which is left out while empty.
 */
struct MonitoringSettings
{
    QString textfileDirectory; ///< where m365sync_<profile>.prom is written after each run; empty: none
    QString webhookSecretRef; ///< the keychain key of the webhook URL; empty: no webhook

    bool isEmpty() const { return textfileDirectory.isEmpty() && webhookSecretRef.isEmpty(); }
    friend bool operator==(const MonitoringSettings &a, const MonitoringSettings &b)
    {
        return a.textfileDirectory == b.textfileDirectory && a.webhookSecretRef == b.webhookSecretRef;
    }
};

/**
 * One connection: a tenant in a cloud, the app that m365sync signs in as, and (for later issues) the directory and
 * sync settings.
 *
 * A profile is plain data that ProfileStore writes as JSON. It never holds a secret: the private key, a client secret
 * and the LDAP bind password live in the SecretStore and the profile records their keys. fromJson() refuses a file
 * that carries a secret value (a hand edit such as "clientSecret": "…") instead of using it, and toJson() of a profile
 * whose free-form blobs contain one is refused by ProfileStore::save() the same way.
 */
struct Profile
{
    Q_DECLARE_TR_FUNCTIONS(M365::Profile::Profile)

public:
    /// The newest file format; fromJson() reads formats 1 to this one and refuses newer ones. toJson() writes 1 for a
    /// complete profile, so that older versions keep reading it, and 2 for a draft, so that a version that does not
    /// know drafts refuses it rather than use it as a complete connection.
    static constexpr int FormatVersion = 2;

    QString name;
    Identity::CloudEndpoints endpoints = Identity::CloudEndpoints::forCloud(Identity::Cloud::Global);
    QString tenant; ///< tenant ID (GUID) or a verified domain
    QString clientId; ///< the app registration's application (client) ID
    CredentialKind credentialKind = CredentialKind::Certificate;
    CertificateInfo certificate;
    AssertionAlgorithm assertionAlgorithm = AssertionAlgorithm::PS256;
    SecretReferences secrets;
    QJsonObject directory; ///< directory source settings (issue 4 and later); no passwords: see secrets
    QJsonObject sync; ///< mapping, scope and schedule settings (later issues)
    QString caFile; ///< optional PEM file of extra trusted CAs, for a sandbox with its own CA only
    /**
     * The state file of the sandbox tenant this profile is on, when m365sync serves that tenant itself (the wizard's
     * sandbox): a place, not a process. Whichever program opens the profile (the GUI, the CLI, a scheduled run) serves
     * the tenant in-process from this file (Sandbox::TenantPlace) and points the profile at that server with
     * pointAtSandbox(), so the endpoints and caFile saved with it are only the last run's. Empty for a real tenant and
     * for a sandbox reached over the network (m365sim).
     */
    QString sandboxState;
    MonitoringSettings monitoring;
    /// Set while the profile is a draft of the onboarding wizard (see DraftState); empty for a complete connection.
    std::optional<DraftState> draft;

    bool isDraft() const { return draft.has_value(); }
    /// Points the profile at a sandbox tenant served at @p baseUrl ("https://127.0.0.1:PORT") whose HTTPS certificate
    /// comes from the CA in @p caFile: the endpoints and the CA change, the tenant, app and credential stay.
    void pointAtSandbox(const QUrl &baseUrl, const QString &caFile);
    /**
     * The place of a profile saved before sandboxState existed: custom endpoints on 127.0.0.1 whose caFile lies in a
     * folder named "sandbox" next to a tenant.json (where the GUI's demo tenant kept its CA) is on the tenant of that
     * tenant.json, which is returned; an empty string for any other profile. fromJson() fills sandboxState with it.
     */
    static QString legacySandboxState(const Profile &profile);
    /// What the dashboard and the CLI say when asked to use a draft ("profile.draft").
    M365::Error draftError() const;

    /// Letters, digits, '-', '_' and '.', 1 to 64 characters, not starting with '.'.
    static bool isValidName(const QString &name);
    /// The reference this profile uses for a purpose (SecretStore::key(name, purpose)).
    QString secretKey(const QString &purpose) const;

    QJsonObject toJson() const;
    /// Parses a profile file. Refuses, with an Error that says what to do, anything that looks like a secret value
    /// (see findSecretValue()), references that are not keys of this profile, unknown enum values and newer formats.
    static std::optional<Profile> fromJson(const QJsonObject &json, M365::Error *error = nullptr);

    /// Returns the JSON path ("credential.clientSecret", "directory.bindPassword") of the first member that holds a
    /// secret value (a field named like a secret, a PEM private key, a JWT), or an empty string. The secret references
    /// object is checked separately: its members must be keys, not values.
    static QString findSecretValue(const QJsonObject &json);

    friend bool operator==(const Profile &a, const Profile &b);
    friend bool operator!=(const Profile &a, const Profile &b) { return !(a == b); }
};

QString credentialKindId(CredentialKind kind);
std::optional<CredentialKind> credentialKindFromId(const QString &id);
QString assertionAlgorithmId(AssertionAlgorithm algorithm);
std::optional<AssertionAlgorithm> assertionAlgorithmFromId(const QString &id);

} // namespace M365::Profile
