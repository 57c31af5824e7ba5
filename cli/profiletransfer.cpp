// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiletransfer.h"

#include "cliio.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "profilesecrets.h"
#include "sync/syncsettings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QUrl>
#include <QUrlQuery>

namespace M365::Cli {

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(M365::Cli::ProfileTransfer)
};

const QString keySecretRefs = QStringLiteral("secretRefs");
const QString keyDraft = QStringLiteral("draft");
const QString keyMonitoring = QStringLiteral("monitoring");
const QString keyWebhookRef = QStringLiteral("webhookSecretRef");

/// Takes the monitoring webhook's keychain reference out of @p json; returns it (empty when there is none).
QString takeWebhookReference(QJsonObject &json)
{
    QJsonObject monitoring = json.value(keyMonitoring).toObject();
    const QString reference = monitoring.take(keyWebhookRef).toString();
    if (json.contains(keyMonitoring)) {
        if (monitoring.isEmpty()) {
            json.remove(keyMonitoring);
        } else {
            json.insert(keyMonitoring, monitoring);
        }
    }
    return reference;
}

/// A web address whose possession is the permission to use it.
bool isSecretAddress(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (!trimmed.startsWith(QLatin1String("http://"), Qt::CaseInsensitive)
        && !trimmed.startsWith(QLatin1String("https://"), Qt::CaseInsensitive)) {
        return false;
    }
    const QUrl url(trimmed);
    if (!url.isValid()) {
        return false;
    }
    if (!url.password().isEmpty()) {
        return true;
    }
    const QString host = url.host().toLower();
    const QString path = url.path().toLower();
    // Incoming webhooks whose path is the key: Teams (…webhook.office.com/webhookb2/…, outlook.office.com/webhook/…),
    // Slack (hooks.slack.com/services/…), Discord (…/api/webhooks/…), Mattermost and Rocket.Chat (/hooks/…).
    if (host.endsWith(QLatin1String("webhook.office.com")) || host == QLatin1String("hooks.slack.com")
        || (host == QLatin1String("outlook.office.com") && path.startsWith(QLatin1String("/webhook")))
        || path.contains(QLatin1String("/api/webhooks/")) || path.startsWith(QLatin1String("/hooks/"))) {
        return true;
    }
    static const QStringList secretParameters{QStringLiteral("sig"),
                                              QStringLiteral("signature"),
                                              QStringLiteral("token"),
                                              QStringLiteral("access_token"),
                                              QStringLiteral("key"),
                                              QStringLiteral("apikey"),
                                              QStringLiteral("api_key"),
                                              QStringLiteral("code"),
                                              QStringLiteral("secret"),
                                              QStringLiteral("password")};
    const auto items = QUrlQuery(url).queryItems();
    for (const auto &item : items) {
        if (secretParameters.contains(item.first.toLower()) && !item.second.isEmpty()) {
            return true;
        }
    }
    return false;
}

void collectSecretAddresses(const QJsonValue &value, const QString &path, QStringList *paths)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            collectSecretAddresses(it.value(), path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key(), paths);
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            collectSecretAddresses(array.at(i), path + QStringLiteral("[%1]").arg(i), paths);
        }
    } else if (value.isString() && isSecretAddress(value.toString())) {
        paths->append(path);
    }
}

/// @p value without the members (or array items) whose addresses hold a secret; @p removed gets their paths.
QJsonValue withoutSecretAddresses(const QJsonValue &value, const QString &path, QStringList *removed)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (const QString &key : object.keys()) {
            const QString memberPath = path.isEmpty() ? key : path + QLatin1Char('.') + key;
            const QJsonValue member = object.value(key);
            if (member.isString() && isSecretAddress(member.toString())) {
                object.remove(key);
                removed->append(memberPath);
            } else {
                object.insert(key, withoutSecretAddresses(member, memberPath, removed));
            }
        }
        return object;
    }
    if (value.isArray()) {
        QJsonArray kept;
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString itemPath = path + QStringLiteral("[%1]").arg(i);
            if (array.at(i).isString() && isSecretAddress(array.at(i).toString())) {
                removed->append(itemPath);
            } else {
                kept.append(withoutSecretAddresses(array.at(i), itemPath, removed));
            }
        }
        return kept;
    }
    return value;
}

/// Whether the directory binds with a DN, and so needs a bind password.
bool needsBindPassword(const QJsonObject &directory)
{
    return Sync::isLdapDirectory(directory) && !directory.value(QLatin1String("type")).toString().isEmpty()
        && !directory.value(QLatin1String("bindDn")).toString().isEmpty();
}

} // namespace

QStringList findSecretAddresses(const QJsonObject &json)
{
    QStringList paths;
    collectSecretAddresses(json, {}, &paths);
    return paths;
}

int exportProfile(const QStringList &arguments)
{
    if (arguments.size() != 2) {
        err() << Text::tr("Use: m365sync-cli profile export NAME FILE (- for standard output).") << '\n';
        return Usage;
    }
    const QString &name = arguments.at(0);
    const QString &file = arguments.at(1);
    M365::Error error;
    const auto profile = Profile::ProfileStore().load(name, &error);
    if (!profile) {
        err() << error.userMessage << '\n';
        return Failed;
    }
    if (profile->isDraft()) {
        err() << Text::tr("Profile \"%1\" is a draft of the wizard: finish it in the wizard first, then export it.")
                     .arg(name)
              << '\n';
        return Failed;
    }
    QJsonObject json = profile->toJson();
    json.remove(keySecretRefs); // this machine's keychain entries: meaningless, and a hint, elsewhere
    const bool hadWebhook = !takeWebhookReference(json).isEmpty();
    QStringList removed;
    json = withoutSecretAddresses(json, {}, &removed).toObject();
    const QByteArray data = QJsonDocument(json).toJson(QJsonDocument::Indented);
    if (file == QLatin1String("-")) {
        out() << QString::fromUtf8(data);
        out().flush();
    } else {
        QSaveFile save(file);
        if (!save.open(QIODevice::WriteOnly) || save.write(data) != data.size() || !save.commit()) {
            err() << Text::tr("Cannot write %1: %2. Choose a folder you can write to.").arg(file, save.errorString())
                  << '\n';
            return Failed;
        }
        err() << Text::tr("Profile \"%1\" exported to %2. It holds no secret.").arg(name, file) << '\n';
    }

    QStringList secrets;
    if (profile->credentialKind == Profile::CredentialKind::Certificate) {
        secrets << Text::tr("the app's certificate with its private key (thumbprint %1): --pfx FILE or "
                            "--certificate-pem FILE --key-pem FILE; or --generate-certificate, then upload the new "
                            "certificate to the app registration")
                       .arg(profile->certificate.thumbprintSha1);
    } else {
        secrets << Text::tr("the app's client secret: --client-secret-env VARIABLE or --client-secret-stdin");
    }
    if (needsBindPassword(profile->directory)) {
        secrets << Text::tr("the bind password of %1: --bind-password-env VARIABLE or --bind-password-stdin")
                       .arg(profile->directory.value(QLatin1String("bindDn")).toString());
    }
    if (hadWebhook) {
        secrets << Text::tr("the monitoring webhook's address: after the import, m365sync-cli monitoring set --profile "
                            "NAME --webhook-url-env VARIABLE");
    }
    for (const QString &path : removed) {
        secrets << Text::tr("the address at %1, left out because it carries its key: set it again after the import")
                       .arg(path);
    }
    err() << Text::tr("Whoever imports it gives these secrets to m365sync-cli profile import:") << '\n';
    for (const QString &secret : secrets) {
        err() << QStringLiteral("  - ") << secret << '\n';
    }
    QStringList paths;
    for (const QString &path :
         {profile->caFile,
          json.value(QLatin1String("sandboxState")).toString(),
          json.value(keyMonitoring).toObject().value(QLatin1String("textfileDirectory")).toString(),
          profile->directory.value(QLatin1String("caFile")).toString(),
          profile->directory.value(QLatin1String("path")).toString()}) {
        if (!path.isEmpty()) {
            paths << path;
        }
    }
    if (!paths.isEmpty()) {
        err() << Text::tr("The profile names files that must exist on the other machine too: %1")
                     .arg(paths.join(QStringLiteral(", ")))
              << '\n';
    }
    return Done;
}

ImportProfileCommand::ImportProfileCommand(Secrets::SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
{}

void ImportProfileCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption name(QStringLiteral("name"), tr("The new profile's name."), tr("name"));
    const QCommandLineOption passwordEnv(
        QStringLiteral("bind-password-env"), tr("The bind password from this environment variable."), tr("variable"));
    const QCommandLineOption passwordStdin(QStringLiteral("bind-password-stdin"),
                                           tr("The bind password from standard input."));
    const CredentialOptions credential;
    parser.addOptions({name, passwordEnv, passwordStdin});
    credential.addTo(parser);
    if (!parser.parse(QStringList{QStringLiteral("import")} + arguments) || parser.positionalArguments().size() != 1) {
        err() << (parser.errorText().isEmpty() ? tr("profile import needs exactly one FILE.") : parser.errorText())
              << '\n'
              << tr("See m365sync-cli profile import --help.") << '\n';
        finish(Usage);
        return;
    }
    const QString path = parser.positionalArguments().constFirst();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        err() << tr("Cannot read %1: %2. Check the path and that you may read the file.").arg(path, file.errorString())
              << '\n';
        finish(Failed);
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        err() << tr("%1 is not a profile export (a JSON object): %2 at byte %3.")
                     .arg(path, parseError.errorString())
                     .arg(parseError.offset)
              << '\n';
        finish(Failed);
        return;
    }
    QJsonObject json = document.object();

    // A secret in the file is refused, never used: it has been wherever the file has been.
    QString secretAt = Profile::Profile::findSecretValue(json);
    QString secretKind = tr("a password, secret, private key or token");
    const QJsonObject references = json.value(keySecretRefs).toObject();
    for (auto it = references.constBegin(); secretAt.isEmpty() && it != references.constEnd(); ++it) {
        if (!Secrets::SecretStore::isValidKey(it.value().toString())) {
            secretAt = keySecretRefs + QLatin1Char('.') + it.key(); // a value where a keychain key belongs
        }
    }
    const QString webhookReference = json.value(keyMonitoring).toObject().value(keyWebhookRef).toString();
    if (secretAt.isEmpty() && !webhookReference.isEmpty() && !Secrets::SecretStore::isValidKey(webhookReference)) {
        secretAt = keyMonitoring + QLatin1Char('.') + keyWebhookRef;
        secretKind = tr("a web address that carries its key, such as a webhook");
    }
    if (secretAt.isEmpty()) {
        const QStringList addresses = findSecretAddresses(json);
        if (!addresses.isEmpty()) {
            secretAt = addresses.constFirst();
            secretKind = tr("a web address that carries its key, such as a webhook");
        }
    }
    if (!secretAt.isEmpty()) {
        err() << tr("%1 is refused: it contains a secret at \"%2\" (%3). Secrets are never taken from files, since "
                    "everyone who had a copy of the file has them. Delete that entry from the file and give the "
                    "secret to profile import instead (--client-secret-env, --pfx, --bind-password-env, …; see "
                    "--help).")
                     .arg(path, secretAt, secretKind)
              << '\n';
        finish(Failed);
        return;
    }
    if (json.contains(keyDraft)) {
        err() << tr("%1 is a draft of the wizard, not a finished profile: finish it in the wizard, then export it "
                    "again.")
                     .arg(path)
              << '\n';
        finish(Failed);
        return;
    }
    const QString newName = parser.isSet(name) ? parser.value(name) : json.value(QLatin1String("name")).toString();
    if (!Profile::Profile::isValidName(newName)) {
        err() << tr("\"%1\" is not a valid profile name: use letters, digits, '-', '_' and '.' (--name NEW).")
                     .arg(newName)
              << '\n';
        finish(Usage);
        return;
    }
    json.insert(QStringLiteral("name"), newName);
    json.remove(keySecretRefs); // keys of the exporting machine; this one gets its own below
    if (!takeWebhookReference(json).isEmpty()) {
        err() << tr("The file refers to a monitoring webhook in another keychain; set it again after the import with "
                    "m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.")
                     .arg(newName)
              << '\n';
    }
    M365::Error error;
    std::optional<Profile::Profile> read = Profile::Profile::fromJson(json, &error);
    if (!read) {
        err() << error.userMessage << '\n';
        finish(Failed);
        return;
    }
    Profile::Profile profile = *read;
    if (Profile::ProfileStore().exists(newName)) {
        err() << tr("A profile named \"%1\" exists already: import under another name with --name NEW, or delete "
                    "it first.")
                     .arg(newName)
              << '\n';
        finish(Failed);
        return;
    }
    if (credential.chosen(parser) == 0) {
        err()
            << (profile.credentialKind == Profile::CredentialKind::Certificate
                    ? tr("Give the profile's certificate with its key: --pfx FILE or --certificate-pem FILE --key-pem "
                         "FILE (thumbprint %1), or make a new one with --generate-certificate and upload it to the "
                         "app.")
                          .arg(profile.certificate.thumbprintSha1)
                    : tr("Give the app's client secret: --client-secret-env VARIABLE or --client-secret-stdin."))
            << '\n';
        finish(Usage);
        return;
    }
    const bool bindPasswordGiven = parser.isSet(passwordEnv) || parser.isSet(passwordStdin);
    if (needsBindPassword(profile.directory) != bindPasswordGiven) {
        err() << (bindPasswordGiven
                      ? tr("The profile's directory binds without a password: leave out --bind-password-env and "
                           "--bind-password-stdin.")
                      : tr("The profile's directory binds as %1: give its password with --bind-password-env VARIABLE "
                           "or --bind-password-stdin.")
                            .arg(profile.directory.value(QLatin1String("bindDn")).toString()))
              << '\n';
        finish(Usage);
        return;
    }

    QList<SaveProfileJob::Secret> values(1);
    QString problem;
    const QString expectedThumbprint =
        profile.credentialKind == Profile::CredentialKind::Certificate ? profile.certificate.thumbprintSha1 : QString();
    if (!credential.apply(parser, profile, &values.first(), &problem, expectedThumbprint)) {
        err() << problem << '\n';
        finish(Failed);
        return;
    }
    if (bindPasswordGiven) {
        const QString password =
            readSecret(parser.value(passwordEnv), parser.isSet(passwordStdin), tr("LDAP bind password"), &problem);
        if (password.isEmpty()) {
            err() << problem << '\n';
            finish(Usage);
            return;
        }
        profile.secrets.ldapBindPassword = profile.secretKey(QString::fromLatin1(Secrets::Purpose::LdapBindPassword));
        values.append({profile.secrets.ldapBindPassword, password.toUtf8()});
    }
    const bool newCertificate = parser.isSet(credential.generate);
    auto *job = new SaveProfileJob(m_secrets, profile, values, {}, true, this);
    connect(job, &Job::finished, this, [job, profile, newCertificate] {
        job->deleteLater();
        if (job->hasError()) {
            err() << job->error().userMessage << '\n';
            finish(Failed);
            return;
        }
        out() << tr("Profile \"%1\" imported (%2).").arg(profile.name, Profile::ProfileStore().filePath(profile.name))
              << '\n';
        if (newCertificate) {
            out() << tr("New certificate: SHA-1 thumbprint %1. Upload it (--export-cer FILE writes it) to the app "
                        "registration under Certificates & secrets before the first sync.")
                         .arg(profile.certificate.thumbprintSha1)
                  << '\n';
        }
        out() << tr("Next: m365sync-cli check --profile %1, then plan.").arg(profile.name) << '\n';
        finish(Done);
    });
    job->start();
}

} // namespace M365::Cli
