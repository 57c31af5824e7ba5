// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profilestore.h"

#include "profilelog.h"
#include "secretstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSaveFile>
#include <QStandardPaths>

namespace M365::Profile {

namespace {

constexpr QFileDevice::Permissions OwnerOnlyFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions OwnerOnlyDirectory =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;

const QString fileSuffix = QStringLiteral(".json");

M365::Error invalidName(const QString &name)
{
    return M365::Error{
        QStringLiteral("profile.invalidName"),
        ProfileStore::tr("\"%1\" is not a valid profile name: use 1 to 64 letters, digits, '-', '_' and '.', not "
                         "starting with '.'.")
            .arg(name),
        QStringLiteral("invalid profile name \"%1\"").arg(name),
        {}};
}

void setError(M365::Error *target, const M365::Error &error)
{
    if (target) {
        *target = error;
    }
}

} // namespace

ProfileStore::ProfileStore()
    : ProfileStore(defaultDirectory())
{}

ProfileStore::ProfileStore(const QString &directory)
    : m_directory(QDir::cleanPath(directory))
{}

QString ProfileStore::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/profiles");
}

QString ProfileStore::filePath(const QString &name) const
{
    return m_directory + QLatin1Char('/') + name + fileSuffix;
}

QStringList ProfileStore::list(M365::Error *error) const
{
    const QDir dir(m_directory);
    if (!dir.exists()) {
        return {};
    }
    const QFileInfoList files =
        dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files | QDir::Hidden | QDir::Readable, QDir::Name);
    if (files.isEmpty() && !QFileInfo(m_directory).isReadable()) {
        setError(error,
                 M365::Error{QStringLiteral("profile.io"),
                             tr("The profile folder %1 cannot be read. Check its permissions.").arg(m_directory),
                             QStringLiteral("cannot list %1").arg(m_directory),
                             {}});
        return {};
    }
    QStringList names;
    for (const QFileInfo &file : files) {
        const QString name = file.fileName().chopped(fileSuffix.size());
        if (Profile::isValidName(name)) {
            names.append(name);
        }
    }
    return names;
}

bool ProfileStore::exists(const QString &name) const
{
    return Profile::isValidName(name) && QFileInfo(filePath(name)).isFile();
}

std::optional<Profile> ProfileStore::load(const QString &name, M365::Error *error) const
{
    if (!Profile::isValidName(name)) {
        setError(error, invalidName(name));
        return std::nullopt;
    }
    const QString path = filePath(name);
    QFile file(path);
    if (!file.exists()) {
        setError(error,
                 M365::Error{QStringLiteral("profile.notFound"),
                             tr("There is no profile named \"%1\". Create it with the wizard or m365sync-cli profile "
                                "create.")
                                 .arg(name),
                             QStringLiteral("%1 does not exist").arg(path),
                             {}});
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error,
                 M365::Error{QStringLiteral("profile.io"),
                             tr("The profile file %1 cannot be read. Check its permissions.").arg(path),
                             file.errorString(),
                             {}});
        return std::nullopt;
    }
    if ((file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther)) && !QFileInfo(path).isSymLink()) {
        qCWarning(lcProfile) << "profile file" << path << "is readable by others; it should be 0600";
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        setError(
            error,
            M365::Error{QStringLiteral("profile.parse"),
                        tr("The profile file %1 is not valid JSON (at byte %2). Fix the file or create the profile "
                           "again.")
                            .arg(path)
                            .arg(parseError.offset),
                        parseError.errorString(),
                        {}});
        return std::nullopt;
    }
    M365::Error profileError;
    std::optional<Profile> profile = Profile::fromJson(document.object(), &profileError);
    if (!profile) {
        profileError.details = path + QStringLiteral(": ") + profileError.details;
        setError(error, profileError);
        return std::nullopt;
    }
    if (profile->name != name) {
        setError(error,
                 M365::Error{QStringLiteral("profile.nameMismatch"),
                             tr("The profile file %1 names the profile \"%2\". A profile's file must be named after "
                                "it: rename the file or the profile.")
                                 .arg(path, profile->name),
                             QStringLiteral("file name %1, profile name %2").arg(name, profile->name),
                             {}});
        return std::nullopt;
    }
    return profile;
}

bool ProfileStore::save(const Profile &profile, M365::Error *error) const
{
    if (!Profile::isValidName(profile.name)) {
        setError(error, invalidName(profile.name));
        return false;
    }
    const QJsonObject json = profile.toJson();
    // Whatever load() would refuse (a secret value, a foreign reference) never reaches the disk.
    M365::Error validationError;
    if (!Profile::fromJson(json, &validationError)) {
        setError(error, validationError);
        return false;
    }

    QDir dir(m_directory);
    if (!dir.exists()) {
        if (!dir.mkpath(QStringLiteral("."))) {
            setError(error,
                     M365::Error{QStringLiteral("profile.io"),
                                 tr("The profile folder %1 cannot be created. Check the permissions of its parent "
                                    "folder.")
                                     .arg(m_directory),
                                 QStringLiteral("mkpath %1 failed").arg(m_directory),
                                 {}});
            return false;
        }
        QFile::setPermissions(m_directory, OwnerOnlyDirectory);
    }

    const QString path = filePath(profile.name);
    QSaveFile file(path);
    const auto ioError = [&file, &path, error]() {
        setError(
            error,
            M365::Error{QStringLiteral("profile.io"),
                        ProfileStore::tr("The profile file %1 cannot be written: %2").arg(path, file.errorString()),
                        file.errorString(),
                        {}});
        return false;
    };
    if (!file.open(QIODevice::WriteOnly)) {
        return ioError();
    }
    // Restrict the temporary file before anything is written; the rename keeps its permissions.
    if (!file.setPermissions(OwnerOnlyFile)) {
        file.cancelWriting();
        return ioError();
    }
    if (file.write(QJsonDocument(json).toJson(QJsonDocument::Indented)) < 0) {
        file.cancelWriting();
        return ioError();
    }
    if (!file.commit()) {
        return ioError();
    }
    // On platforms whose rename does not carry the permissions over, apply them again.
    if (QFile::permissions(path) != OwnerOnlyFile) {
        QFile::setPermissions(path, OwnerOnlyFile);
    }
    qCInfo(lcProfile) << "saved profile" << profile.name << "to" << path;
    return true;
}

ProfileRemoveJob *ProfileStore::remove(const QString &name, Secrets::SecretStore *secrets, QObject *parent) const
{
    return new ProfileRemoveJob(*this, name, secrets, parent);
}

ProfileRemoveJob::ProfileRemoveJob(const ProfileStore &store,
                                   const QString &name,
                                   Secrets::SecretStore *secrets,
                                   QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_name(name)
    , m_secrets(secrets)
{}

ProfileRemoveJob::~ProfileRemoveJob() = default;

void ProfileRemoveJob::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    QMetaObject::invokeMethod(this, &ProfileRemoveJob::run, Qt::QueuedConnection);
}

void ProfileRemoveJob::run()
{
    if (!Profile::isValidName(m_name)) {
        finish(invalidName(m_name));
        return;
    }
    if (!m_store.exists(m_name)) {
        finish(M365::Error{QStringLiteral("profile.notFound"),
                           ProfileStore::tr("There is no profile named \"%1\".").arg(m_name),
                           QStringLiteral("%1 does not exist").arg(m_store.filePath(m_name)),
                           {}});
        return;
    }
    if (!m_secrets) {
        finish(M365::Error{
            QStringLiteral("profile.noSecretStore"),
            ProfileStore::tr("The profile \"%1\" was not deleted: its secrets could not be reached.").arg(m_name),
            QStringLiteral("no SecretStore given"),
            {}});
        return;
    }
    // The standard keys first, then any other reference the file names; a file that no longer loads (damaged, or
    // refused because it holds a secret) still gets its standard keys removed.
    for (const char *purpose :
         {Secrets::Purpose::PrivateKey, Secrets::Purpose::ClientSecret, Secrets::Purpose::LdapBindPassword}) {
        m_pending.append(Secrets::SecretStore::key(m_name, QString::fromLatin1(purpose)));
    }
    M365::Error loadError;
    if (const std::optional<Profile> profile = m_store.load(m_name, &loadError)) {
        for (const QString &reference : profile->secrets.all() + QStringList{profile->monitoring.webhookSecretRef}) {
            if (!reference.isEmpty() && !m_pending.contains(reference)) {
                m_pending.append(reference);
            }
        }
    } else {
        qCInfo(lcProfile) << "removing profile" << m_name << "whose file does not load:" << loadError.code;
    }
    removeNextSecret();
}

void ProfileRemoveJob::removeNextSecret()
{
    if (m_pending.isEmpty()) {
        removeFile();
        return;
    }
    if (!m_secrets) {
        finish(M365::Error{
            QStringLiteral("profile.noSecretStore"),
            ProfileStore::tr("The profile \"%1\" was not deleted: its secrets could not be reached.").arg(m_name),
            QStringLiteral("SecretStore deleted while removing"),
            {}});
        return;
    }
    Secrets::SecretJob *job = m_secrets->remove(m_pending.first(), this);
    connect(job, &Secrets::SecretJob::finished, this, [this, job] {
        onSecretRemoved(job);
    });
    job->start();
}

void ProfileRemoveJob::onSecretRemoved(Secrets::SecretJob *job)
{
    job->deleteLater();
    if (job->hasError()) {
        const M365::Error secretError = job->error();
        finish(M365::Error{secretError.code,
                           ProfileStore::tr("The profile \"%1\" was not deleted because its secret %2 could not be "
                                            "removed: %3")
                               .arg(m_name, job->key(), secretError.userMessage),
                           secretError.details,
                           {}});
        return;
    }
    m_removed.append(m_pending.takeFirst());
    removeNextSecret();
}

void ProfileRemoveJob::removeFile()
{
    const QString path = m_store.filePath(m_name);
    QFile file(path);
    if (!file.remove()) {
        finish(M365::Error{QStringLiteral("profile.io"),
                           ProfileStore::tr("The secrets of profile \"%1\" were removed, but its file %2 could not be "
                                            "deleted: %3")
                               .arg(m_name, path, file.errorString()),
                           file.errorString(),
                           {}});
        return;
    }
    qCInfo(lcProfile) << "removed profile" << m_name << "and" << m_removed.size() << "secret keys";
    finish();
}

void ProfileRemoveJob::finish(const M365::Error &error)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_error = error;
    Q_EMIT finished(this);
    if (!parent()) {
        deleteLater();
    }
}

} // namespace M365::Profile
