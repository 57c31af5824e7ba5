// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profilesecrets.h"

#include "identity/certificatecredential.h"
#include "platform.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"

#include <QCommandLineParser>
#include <QFile>

namespace M365::Cli {

namespace {

QByteArray readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = CredentialOptions::tr("Cannot read %1: %2. Check the path and that you may read the file.")
                     .arg(path, file.errorString());
        return {};
    }
    return file.readAll();
}

} // namespace

QString readSecret(const QString &environmentVariable, bool fromStdin, const QString &what, QString *error)
{
    QString value;
    if (!environmentVariable.isEmpty()) {
        value = qEnvironmentVariable(environmentVariable.toLocal8Bit().constData());
        if (value.isEmpty()) {
            *error = CredentialOptions::tr("The environment variable %1 is not set or empty: put the %2 in it, or "
                                           "give it on standard input instead.")
                         .arg(environmentVariable, what);
        }
    } else if (fromStdin) {
        value = readSecretLine(CredentialOptions::tr("%1: ").arg(what));
        if (value.isEmpty()) {
            *error = CredentialOptions::tr("No %1 on standard input: give it as the first line, e.g. from a file "
                                           "readable only by you (< FILE).")
                         .arg(what);
        }
    }
    return value;
}

CredentialOptions::CredentialOptions()
    : generate(QStringLiteral("generate-certificate"), tr("Create a new certificate and key."))
    , subject(QStringLiteral("subject"),
              tr("Common name of a generated certificate."),
              QStringLiteral("cn"),
              QStringLiteral("m365sync"))
    , validity(QStringLiteral("validity-days"),
               tr("Validity of a generated certificate."),
               QStringLiteral("days"),
               QStringLiteral("730"))
    , keyBits(QStringLiteral("key-bits"), tr("2048 or 3072."), QStringLiteral("bits"), QStringLiteral("2048"))
    , pfx(QStringLiteral("pfx"),
          tr("Import a PKCS#12 file (password from M365SYNC_PFX_PASSWORD)."),
          QStringLiteral("file"))
    , certificatePem(QStringLiteral("certificate-pem"), tr("Import a PEM certificate…"), QStringLiteral("file"))
    , keyPem(QStringLiteral("key-pem"), tr("…with its PEM private key."), QStringLiteral("file"))
    , secretEnv(QStringLiteral("client-secret-env"),
                tr("Use a client secret from this environment variable."),
                QStringLiteral("variable"))
    , secretStdin(QStringLiteral("client-secret-stdin"), tr("Read a client secret from standard input."))
    , exportCer(QStringLiteral("export-cer"),
                tr("Write the certificate (.cer, DER) for upload to Entra ID."),
                QStringLiteral("file"))
    , rs256(QStringLiteral("rs256"), tr("Sign assertions with RS256 instead of PS256."))
{}

void CredentialOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions(
        {generate, subject, validity, keyBits, pfx, certificatePem, keyPem, secretEnv, secretStdin, exportCer, rs256});
}

int CredentialOptions::chosen(const QCommandLineParser &parser) const
{
    return int(parser.isSet(generate)) + int(parser.isSet(pfx)) + int(parser.isSet(certificatePem))
        + int(parser.isSet(secretEnv)) + int(parser.isSet(secretStdin));
}

bool CredentialOptions::isClientSecret(const QCommandLineParser &parser) const
{
    return parser.isSet(secretEnv) || parser.isSet(secretStdin);
}

QString CredentialOptions::choices()
{
    return tr("--generate-certificate, --pfx FILE, --certificate-pem FILE --key-pem FILE, --client-secret-env "
              "VARIABLE or --client-secret-stdin");
}

bool CredentialOptions::apply(const QCommandLineParser &parser,
                              Profile::Profile &profile,
                              QPair<QString, QByteArray> *secret,
                              QString *error,
                              const QString &expectedSha1) const
{
    if (chosen(parser) != 1 || parser.isSet(certificatePem) != parser.isSet(keyPem)) {
        *error = tr("Choose one credential: %1.").arg(choices());
        return false;
    }
    profile.secrets.privateKey.clear();
    profile.secrets.clientSecret.clear();
    if (isClientSecret(parser)) {
        const QString value =
            readSecret(parser.value(secretEnv), parser.isSet(secretStdin), tr("client secret"), error);
        if (value.isEmpty()) {
            return false;
        }
        profile.credentialKind = Profile::CredentialKind::ClientSecret;
        profile.certificate = {};
        profile.secrets.clientSecret = profile.secretKey(QString::fromLatin1(Secrets::Purpose::ClientSecret));
        *secret = {profile.secrets.clientSecret, value.toUtf8()};
        return true;
    }
    Result<Identity::CertificateCredential> certificate;
    if (parser.isSet(generate)) {
        certificate = Identity::CertificateCredential::generate(
            parser.value(subject), parser.value(validity).toInt(), parser.value(keyBits).toInt());
    } else if (parser.isSet(pfx)) {
        const QByteArray data = readFile(parser.value(pfx), error);
        if (data.isEmpty()) {
            return false;
        }
        certificate = Identity::CertificateCredential::importPfx(data, qEnvironmentVariable("M365SYNC_PFX_PASSWORD"));
    } else {
        const QByteArray cert = readFile(parser.value(certificatePem), error);
        const QByteArray key = cert.isEmpty() ? QByteArray() : readFile(parser.value(keyPem), error);
        if (key.isEmpty()) {
            return false;
        }
        certificate = Identity::CertificateCredential::importPem(cert, key);
    }
    if (!certificate.ok()) {
        *error = certificate.error.userMessage;
        return false;
    }
    const Identity::CertificateCredential &credential = certificate.value;
    if (!parser.isSet(generate) && !expectedSha1.isEmpty()
        && credential.sha1ThumbprintHex().compare(expectedSha1, Qt::CaseInsensitive) != 0) {
        *error = tr("The certificate given has the thumbprint %1, but the profile's app knows %2. Give that "
                    "certificate with its key, or use --generate-certificate and upload the new one to the app.")
                     .arg(credential.sha1ThumbprintHex(), expectedSha1);
        return false;
    }
    profile.credentialKind = Profile::CredentialKind::Certificate;
    profile.assertionAlgorithm =
        parser.isSet(rs256) ? Profile::AssertionAlgorithm::RS256 : Profile::AssertionAlgorithm::PS256;
    profile.certificate.thumbprintSha1 = credential.sha1ThumbprintHex();
    profile.certificate.thumbprintSha256 = credential.sha256ThumbprintHex();
    profile.certificate.notAfter = credential.notAfter();
    profile.certificate.pem = credential.exportPem();
    profile.secrets.privateKey = profile.secretKey(QString::fromLatin1(Secrets::Purpose::PrivateKey));
    *secret = {profile.secrets.privateKey, credential.privateKeyPem()};
    if (parser.isSet(exportCer)) {
        QFile cer(parser.value(exportCer));
        if (!cer.open(QIODevice::WriteOnly) || cer.write(credential.exportCer()) < 0) {
            *error = tr("Cannot write %1: %2").arg(cer.fileName(), cer.errorString());
            return false;
        }
    }
    return true;
}

SaveProfileJob::SaveProfileJob(Secrets::SecretStore *store,
                               const Profile::Profile &profile,
                               const QList<Secret> &values,
                               const QStringList &obsoleteKeys,
                               bool isNew,
                               QObject *parent)
    : M365::Job(parent)
    , m_store(store)
    , m_profile(profile)
    , m_values(values)
    , m_obsolete(obsoleteKeys)
    , m_isNew(isNew)
{
    // An obsolete key the profile still refers to (the same purpose written again) is not obsolete.
    for (const QString &key : profile.secrets.all()) {
        m_obsolete.removeAll(key);
    }
}

SaveProfileJob::~SaveProfileJob()
{
    // The values are secrets: they must not linger in freed memory.
    for (Secret &secret : m_values) {
        secret.second.fill('\0');
    }
}

void SaveProfileJob::run()
{
    if (!m_store) {
        fail(M365::Error{QStringLiteral("secrets.none"), tr("No keychain is available."), {}, {}});
        return;
    }
    writeNext();
}

void SaveProfileJob::writeNext()
{
    if (m_values.isEmpty()) {
        saveFile();
        return;
    }
    Secret secret = m_values.takeFirst();
    Secrets::SecretJob *job = m_store->write(secret.first, secret.second, this);
    secret.second.fill('\0');
    connect(job, &Secrets::SecretJob::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            undoWrites(job->error());
            return;
        }
        m_written.append(job->key());
        writeNext();
    });
    job->start();
}

void SaveProfileJob::saveFile()
{
    M365::Error error;
    if (!Profile::ProfileStore().save(m_profile, &error)) {
        undoWrites(error);
        return;
    }
    removeNext();
}

void SaveProfileJob::removeNext()
{
    if (m_obsolete.isEmpty()) {
        succeed();
        return;
    }
    Secrets::SecretJob *job = m_store->remove(m_obsolete.takeFirst(), this);
    connect(job, &Secrets::SecretJob::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            m_leftOver.append(job->key());
        }
        removeNext();
    });
    job->start();
}

void SaveProfileJob::undoWrites(const M365::Error &error)
{
    if (!m_isNew || m_written.isEmpty()) {
        fail(error);
        return;
    }
    // Nothing refers to what was written for a profile that was not saved; removals are best effort.
    Secrets::SecretJob *job = m_store->remove(m_written.takeLast(), this);
    connect(job, &Secrets::SecretJob::finished, this, [this, job, error] {
        job->deleteLater();
        undoWrites(error);
    });
    job->start();
}

} // namespace M365::Cli
