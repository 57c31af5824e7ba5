// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profile.h"

#include "profilelog.h"
#include "secretstore.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace M365::Profile {

Q_LOGGING_CATEGORY(lcProfile, "m365.core.profile")

namespace {

const QString keyFormatVersion = QStringLiteral("formatVersion");
const QString keyName = QStringLiteral("name");
const QString keyEndpoints = QStringLiteral("endpoints");
const QString keyTenant = QStringLiteral("tenant");
const QString keyClientId = QStringLiteral("clientId");
const QString keyCredential = QStringLiteral("credential");
const QString keyKind = QStringLiteral("kind");
const QString keyAlgorithm = QStringLiteral("assertionAlgorithm");
const QString keyCertificate = QStringLiteral("certificate");
const QString keySha1 = QStringLiteral("thumbprintSha1");
const QString keySha256 = QStringLiteral("thumbprintSha256");
const QString keyNotAfter = QStringLiteral("notAfter");
const QString keyPem = QStringLiteral("pem");
const QString keySecretRefs = QStringLiteral("secretRefs");
const QString keyDirectory = QStringLiteral("directory");
const QString keySync = QStringLiteral("sync");
const QString keyCaFile = QStringLiteral("caFile");
const QString keySandboxState = QStringLiteral("sandboxState");
const QString keyDraft = QStringLiteral("draft");
const QString keyMonitoring = QStringLiteral("monitoring");
const QString keyTextfileDirectory = QStringLiteral("textfileDirectory");
const QString keyWebhookSecretRef = QStringLiteral("webhookSecretRef");
const QString keyResumeAt = QStringLiteral("resumeAt");
const QString keyAppRegistered = QStringLiteral("appRegistered");
const QString keyUploadedThumbprint = QStringLiteral("uploadedThumbprint");
/// The format of a complete profile, which every version reads.
constexpr int CompleteFormatVersion = 1;

M365::Error makeError(const QString &code, const QString &userMessage, const QString &details)
{
    return M365::Error{code, userMessage, details, {}};
}

bool isGuid(const QString &text)
{
    static const QRegularExpression guid(
        QStringLiteral("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"));
    return guid.match(text).hasMatch();
}

bool isDomainName(const QString &text)
{
    static const QRegularExpression domain(
        QStringLiteral("^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$"));
    return domain.match(text).hasMatch();
}

bool isHex(const QString &text, int length)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9A-Fa-f]*$"));
    return text.size() == length && hex.match(text).hasMatch();
}

// Member names that only a secret value would use. Compared after lower-casing and dropping '-' and '_'; a name
// ending in one of the suffixes counts too ("adminPassword", "bind_pw" does not, "bindPassword" does).
bool isSecretMemberName(const QString &name)
{
    QString normalized = name.toLower();
    normalized.remove(QLatin1Char('_'));
    normalized.remove(QLatin1Char('-'));
    static const QStringList exact{QStringLiteral("secret"),
                                   QStringLiteral("pwd"),
                                   QStringLiteral("bindpw"),
                                   QStringLiteral("credentials"),
                                   QStringLiteral("clientassertion"),
                                   QStringLiteral("pfx"),
                                   QStringLiteral("pkcs12")};
    static const QStringList suffixes{QStringLiteral("password"),
                                      QStringLiteral("passwd"),
                                      QStringLiteral("passphrase"),
                                      QStringLiteral("secret"),
                                      QStringLiteral("secretvalue"),
                                      QStringLiteral("privatekey"),
                                      QStringLiteral("privatekeypem"),
                                      QStringLiteral("token"),
                                      QStringLiteral("apikey")};
    if (exact.contains(normalized)) {
        return true;
    }
    for (const QString &suffix : suffixes) {
        if (normalized.endsWith(suffix)) {
            return true;
        }
    }
    return false;
}

// A value that is a secret whatever it is called: a PEM private key or a JWT (an access token).
bool isSecretText(const QString &text)
{
    static const QRegularExpression jwt(QStringLiteral("^eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$"));
    return text.contains(QLatin1String("PRIVATE KEY-----")) || jwt.match(text.trimmed()).hasMatch();
}

// Under a secret-like name, a non-empty string or a number is a value; null, a flag or an empty string is not.
bool holdsValue(const QJsonValue &value)
{
    return (value.isString() && !value.toString().isEmpty()) || value.isDouble();
}

QString findSecretIn(const QJsonValue &value, const QString &path);

QString findSecretInObject(const QJsonObject &object, const QString &path)
{
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString memberPath = path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key();
        if (path.isEmpty() && it.key() == keySecretRefs) {
            continue; // references: checked by fromJson() to be keys, not values
        }
        if (isSecretMemberName(it.key()) && holdsValue(it.value())) {
            return memberPath;
        }
        const QString found = findSecretIn(it.value(), memberPath);
        if (!found.isEmpty()) {
            return found;
        }
    }
    return {};
}

QString findSecretIn(const QJsonValue &value, const QString &path)
{
    if (value.isObject()) {
        return findSecretInObject(value.toObject(), path);
    }
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString found = findSecretIn(array.at(i), path + QStringLiteral("[%1]").arg(i));
            if (!found.isEmpty()) {
                return found;
            }
        }
        return {};
    }
    if (value.isString() && isSecretText(value.toString())) {
        return path;
    }
    return {};
}

} // namespace

QStringList SecretReferences::all() const
{
    QStringList result;
    for (const QString &reference : {privateKey, clientSecret, ldapBindPassword}) {
        if (!reference.isEmpty()) {
            result.append(reference);
        }
    }
    return result;
}

bool Profile::isValidName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"));
    return pattern.match(name).hasMatch();
}

QString Profile::secretKey(const QString &purpose) const
{
    return Secrets::SecretStore::key(name, purpose);
}

QString Profile::findSecretValue(const QJsonObject &json)
{
    return findSecretInObject(json, {});
}

QJsonObject Profile::toJson() const
{
    QJsonObject credential{{keyKind, credentialKindId(credentialKind)},
                           {keyAlgorithm, assertionAlgorithmId(assertionAlgorithm)}};
    if (!certificate.isNull()) {
        credential.insert(keyCertificate,
                          QJsonObject{{keySha1, certificate.thumbprintSha1},
                                      {keySha256, certificate.thumbprintSha256},
                                      {keyNotAfter, certificate.notAfter.toUTC().toString(Qt::ISODate)},
                                      {keyPem, QString::fromLatin1(certificate.pem)}});
    }
    QJsonObject references;
    const auto addReference = [&references](const char *purpose, const QString &reference) {
        if (!reference.isEmpty()) {
            references.insert(QString::fromLatin1(purpose), reference);
        }
    };
    addReference(Secrets::Purpose::PrivateKey, secrets.privateKey);
    addReference(Secrets::Purpose::ClientSecret, secrets.clientSecret);
    addReference(Secrets::Purpose::LdapBindPassword, secrets.ldapBindPassword);

    QJsonObject json{{keyFormatVersion, draft ? FormatVersion : CompleteFormatVersion},
                     {keyName, name},
                     {keyEndpoints, endpoints.toJson()},
                     {keyTenant, tenant},
                     {keyClientId, clientId},
                     {keyCredential, credential},
                     {keySecretRefs, references},
                     {keyDirectory, directory},
                     {keySync, sync}};
    if (!caFile.isEmpty()) {
        json.insert(keyCaFile, caFile);
    }
    if (!sandboxState.isEmpty()) {
        json.insert(keySandboxState, sandboxState);
    }
    if (!monitoring.isEmpty()) {
        QJsonObject settings;
        if (!monitoring.textfileDirectory.isEmpty()) {
            settings.insert(keyTextfileDirectory, monitoring.textfileDirectory);
        }
        if (!monitoring.webhookSecretRef.isEmpty()) {
            settings.insert(keyWebhookSecretRef, monitoring.webhookSecretRef);
        }
        json.insert(keyMonitoring, settings);
    }
    if (draft) {
        QJsonObject state{{keyResumeAt, draft->resumePage}};
        if (draft->appRegistered) {
            state.insert(keyAppRegistered, true);
        }
        if (!draft->uploadedThumbprint.isEmpty()) {
            state.insert(keyUploadedThumbprint, draft->uploadedThumbprint);
        }
        json.insert(keyDraft, state);
    }
    return json;
}

M365::Error Profile::draftError() const
{
    return makeError(QStringLiteral("profile.draft"),
                     tr("Profile %1 is a draft: finish it in the wizard (m365sync) first.").arg(name),
                     QStringLiteral("profile %1 is a draft of the onboarding wizard").arg(name));
}

std::optional<Profile> Profile::fromJson(const QJsonObject &json, M365::Error *error)
{
    const auto failed = [error](const QString &code, const QString &userMessage, const QString &details) {
        if (error) {
            *error = makeError(code, userMessage, details);
        }
        return std::nullopt;
    };

    const QString name = json.value(keyName).toString();
    const QString secretPath = findSecretValue(json);
    if (!secretPath.isEmpty()) {
        // Never echo the value: only where it is.
        qCWarning(lcProfile) << "profile" << name << "holds a secret value at" << secretPath << "; refusing it";
        return failed(
            QStringLiteral("profile.secretInFile"),
            tr("The profile \"%1\" contains a secret value (\"%2\"). Secrets are kept in the system keychain, "
               "never in a profile file: delete that entry from the file, then enter the secret again in "
               "the wizard or with m365sync-cli profile.")
                .arg(name, secretPath),
            QStringLiteral("secret value found at %1").arg(secretPath));
    }

    const int version = json.value(keyFormatVersion).toInt(0);
    if (version < 1 || version > FormatVersion) {
        return failed(QStringLiteral("profile.version"),
                      tr("The profile \"%1\" was written in format %2, which this version of m365sync cannot read.")
                          .arg(name)
                          .arg(version),
                      QStringLiteral("formatVersion %1, supported 1..%2").arg(version).arg(FormatVersion));
    }
    if (!isValidName(name)) {
        return failed(QStringLiteral("profile.invalidName"),
                      tr("\"%1\" is not a valid profile name: use letters, digits, '-', '_' and '.'.").arg(name),
                      QStringLiteral("invalid profile name"));
    }

    Profile profile;
    profile.name = name;

    M365::Error endpointError;
    const std::optional<Identity::CloudEndpoints> endpoints =
        Identity::CloudEndpoints::fromJson(json.value(keyEndpoints).toObject(), &endpointError);
    if (!endpoints) {
        endpointError.userMessage =
            tr("The profile \"%1\" has invalid cloud settings: %2").arg(name, endpointError.userMessage);
        if (error) {
            *error = endpointError;
        }
        return std::nullopt;
    }
    profile.endpoints = *endpoints;

    profile.tenant = json.value(keyTenant).toString();
    if (!profile.tenant.isEmpty() && !isGuid(profile.tenant) && !isDomainName(profile.tenant)) {
        return failed(QStringLiteral("profile.invalidTenant"),
                      tr("The tenant \"%1\" in profile \"%2\" is neither a tenant ID (GUID) nor a domain name.")
                          .arg(profile.tenant, name),
                      QStringLiteral("invalid tenant"));
    }
    profile.clientId = json.value(keyClientId).toString();
    if (!profile.clientId.isEmpty() && !isGuid(profile.clientId)) {
        return failed(
            QStringLiteral("profile.invalidClientId"),
            tr("The client ID \"%1\" in profile \"%2\" is not an application ID (GUID).").arg(profile.clientId, name),
            QStringLiteral("invalid client id"));
    }

    const QJsonObject credential = json.value(keyCredential).toObject();
    const std::optional<CredentialKind> kind = credentialKindFromId(credential.value(keyKind).toString());
    const std::optional<AssertionAlgorithm> algorithm =
        assertionAlgorithmFromId(credential.value(keyAlgorithm).toString(QStringLiteral("PS256")));
    if (!kind || !algorithm) {
        return failed(QStringLiteral("profile.invalidCredential"),
                      tr("The profile \"%1\" names an unknown credential kind or signing algorithm.").arg(name),
                      QStringLiteral("credential kind \"%1\", algorithm \"%2\"")
                          .arg(credential.value(keyKind).toString(), credential.value(keyAlgorithm).toString()));
    }
    profile.credentialKind = *kind;
    profile.assertionAlgorithm = *algorithm;

    const QJsonObject certificate = credential.value(keyCertificate).toObject();
    profile.certificate.thumbprintSha1 = certificate.value(keySha1).toString();
    profile.certificate.thumbprintSha256 = certificate.value(keySha256).toString();
    profile.certificate.notAfter = QDateTime::fromString(certificate.value(keyNotAfter).toString(), Qt::ISODate);
    profile.certificate.pem = certificate.value(keyPem).toString().toLatin1();
    if (profile.certificate.isNull()) {
        // Neither thumbprint nor PEM: no certificate, whatever date stands beside it (it is not written back).
        profile.certificate = {};
    }
    if ((!profile.certificate.thumbprintSha1.isEmpty() && !isHex(profile.certificate.thumbprintSha1, 40))
        || (!profile.certificate.thumbprintSha256.isEmpty() && !isHex(profile.certificate.thumbprintSha256, 64))) {
        return failed(QStringLiteral("profile.invalidCertificate"),
                      tr("The certificate thumbprints in profile \"%1\" are not SHA-1 / SHA-256 hex values.").arg(name),
                      QStringLiteral("invalid thumbprint"));
    }

    const QJsonObject references = json.value(keySecretRefs).toObject();
    const QString ownPrefix = Secrets::SecretStore::key(name, QString());
    for (auto it = references.constBegin(); it != references.constEnd(); ++it) {
        const QString reference = it.value().toString();
        if (!Secrets::SecretStore::isValidKey(reference) || !reference.startsWith(ownPrefix)) {
            // The value may be a pasted secret: say where, never what.
            qCWarning(lcProfile) << "profile" << name << "has an invalid secret reference at" << keySecretRefs
                                 << it.key();
            // A well-formed key of another profile is a copy-paste slip; anything else may be a pasted secret.
            const bool isKey = Secrets::SecretStore::isValidKey(reference);
            return failed(isKey ? QStringLiteral("profile.invalidSecretRef") : QStringLiteral("profile.secretInFile"),
                          tr("The secret reference \"%1\" in profile \"%2\" is not a keychain key of this profile "
                             "(expected %3<purpose>). If a secret was pasted there, delete it from the file and enter "
                             "the secret again in the wizard or with m365sync-cli profile.")
                              .arg(keySecretRefs + QLatin1Char('.') + it.key(), name, ownPrefix),
                          QStringLiteral("invalid reference at %1.%2").arg(keySecretRefs, it.key()));
        }
        if (it.key() == QLatin1String(Secrets::Purpose::PrivateKey)) {
            profile.secrets.privateKey = reference;
        } else if (it.key() == QLatin1String(Secrets::Purpose::ClientSecret)) {
            profile.secrets.clientSecret = reference;
        } else if (it.key() == QLatin1String(Secrets::Purpose::LdapBindPassword)) {
            profile.secrets.ldapBindPassword = reference;
        } else {
            qCInfo(lcProfile) << "profile" << name << "ignores the unknown secret reference" << it.key();
        }
    }

    profile.directory = json.value(keyDirectory).toObject();
    profile.sync = json.value(keySync).toObject();
    profile.caFile = json.value(keyCaFile).toString();
    profile.sandboxState = json.value(keySandboxState).toString();
    if (profile.sandboxState.isEmpty()) {
        // Saved before the sandbox was a place: the demo tenant's CA tells which tenant.json it was on.
        profile.sandboxState = legacySandboxState(profile);
        if (!profile.sandboxState.isEmpty()) {
            qCInfo(lcProfile) << "profile" << name << "is on the sandbox tenant" << profile.sandboxState;
        }
    }

    const QJsonObject monitoring = json.value(keyMonitoring).toObject();
    profile.monitoring.textfileDirectory = monitoring.value(keyTextfileDirectory).toString();
    profile.monitoring.webhookSecretRef = monitoring.value(keyWebhookSecretRef).toString();
    if (!profile.monitoring.webhookSecretRef.isEmpty()
        && (!Secrets::SecretStore::isValidKey(profile.monitoring.webhookSecretRef)
            || !profile.monitoring.webhookSecretRef.startsWith(ownPrefix))) {
        // Most likely the webhook URL itself pasted into the file: it carries a token, so say where, never what.
        qCWarning(lcProfile) << "profile" << name << "has an invalid webhook reference";
        return failed(QStringLiteral("profile.secretInFile"),
                      tr("The webhook reference \"%1\" in profile \"%2\" is not a keychain key of this profile "
                         "(expected %3webhookUrl). Delete it from the file, then set the webhook with "
                         "m365sync-cli monitoring set --profile %2 --webhook-url-env VARIABLE.")
                          .arg(keyMonitoring + QLatin1Char('.') + keyWebhookSecretRef, name, ownPrefix),
                      QStringLiteral("invalid reference at %1.%2").arg(keyMonitoring, keyWebhookSecretRef));
    }
    for (auto it = monitoring.constBegin(); it != monitoring.constEnd(); ++it) {
        // A URL beside them ("webhookUrl": "https://…") is a webhook's token in plain text: refused like any secret.
        // Other members a newer version may add are left alone.
        if (it.key() != keyTextfileDirectory && it.value().toString().contains(QLatin1String("://"))) {
            qCWarning(lcProfile) << "profile" << name << "has a URL in its monitoring settings at" << it.key();
            return failed(QStringLiteral("profile.secretInFile"),
                          tr("The profile \"%1\" has a URL in \"%2\". A webhook URL is a secret and is kept in "
                             "the system keychain: delete the entry from the file, then set the webhook with "
                             "m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.")
                              .arg(name, keyMonitoring + QLatin1Char('.') + it.key()),
                          QStringLiteral("URL at %1.%2").arg(keyMonitoring, it.key()));
        }
    }

    if (json.contains(keyDraft)) {
        const QJsonObject state = json.value(keyDraft).toObject();
        DraftState draft;
        draft.resumePage = state.value(keyResumeAt).toString();
        draft.appRegistered = state.value(keyAppRegistered).toBool();
        draft.uploadedThumbprint = state.value(keyUploadedThumbprint).toString();
        if (!json.value(keyDraft).isObject()
            || (!draft.uploadedThumbprint.isEmpty() && !isHex(draft.uploadedThumbprint, 40))) {
            return failed(QStringLiteral("profile.invalidDraft"),
                          tr("The profile \"%1\" has an invalid draft state. Delete the profile and run the wizard "
                             "again.")
                              .arg(name),
                          QStringLiteral("invalid \"draft\" member"));
        }
        profile.draft = draft;
    }
    return profile;
}

bool operator==(const Profile &a, const Profile &b)
{
    return a.name == b.name && a.endpoints == b.endpoints && a.tenant == b.tenant && a.clientId == b.clientId
        && a.credentialKind == b.credentialKind && a.certificate == b.certificate
        && a.assertionAlgorithm == b.assertionAlgorithm && a.secrets == b.secrets && a.directory == b.directory
        && a.sync == b.sync && a.caFile == b.caFile && a.sandboxState == b.sandboxState && a.monitoring == b.monitoring
        && a.draft == b.draft;
}

void Profile::pointAtSandbox(const QUrl &baseUrl, const QString &caFile)
{
    endpoints = Identity::CloudEndpoints::sandbox(baseUrl);
    this->caFile = caFile;
}

QString Profile::legacySandboxState(const Profile &profile)
{
    if (profile.endpoints.cloud != Identity::Cloud::Custom || profile.caFile.isEmpty()) {
        return {};
    }
    for (const QUrl &root : {profile.endpoints.authority, profile.endpoints.graph}) {
        if (root.host() != QLatin1String("127.0.0.1")) {
            return {};
        }
    }
    const QFileInfo ca(profile.caFile);
    const QDir folder = ca.absoluteDir();
    const QFileInfo state(folder.filePath(QStringLiteral("tenant.json")));
    if (!ca.isAbsolute() || folder.dirName() != QLatin1String("sandbox") || !state.isFile()) {
        return {};
    }
    return state.absoluteFilePath();
}

QString credentialKindId(CredentialKind kind)
{
    switch (kind) {
    case CredentialKind::Certificate:
        return QStringLiteral("certificate");
    case CredentialKind::ClientSecret:
        return QStringLiteral("clientSecret");
    }
    Q_UNREACHABLE();
}

std::optional<CredentialKind> credentialKindFromId(const QString &id)
{
    for (CredentialKind kind : {CredentialKind::Certificate, CredentialKind::ClientSecret}) {
        if (id == credentialKindId(kind)) {
            return kind;
        }
    }
    return std::nullopt;
}

QString assertionAlgorithmId(AssertionAlgorithm algorithm)
{
    switch (algorithm) {
    case AssertionAlgorithm::PS256:
        return QStringLiteral("PS256");
    case AssertionAlgorithm::RS256:
        return QStringLiteral("RS256");
    }
    Q_UNREACHABLE();
}

std::optional<AssertionAlgorithm> assertionAlgorithmFromId(const QString &id)
{
    for (AssertionAlgorithm algorithm : {AssertionAlgorithm::PS256, AssertionAlgorithm::RS256}) {
        if (id == assertionAlgorithmId(algorithm)) {
            return algorithm;
        }
    }
    return std::nullopt;
}

} // namespace M365::Profile
