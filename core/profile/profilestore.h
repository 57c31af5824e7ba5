// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "profile.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <optional>

namespace M365::Secrets {
class SecretJob;
class SecretStore;
} // namespace M365::Secrets

namespace M365::Profile {

class ProfileRemoveJob;

/**
 * The profiles on disk: one JSON file per profile, `<directory>/<name>.json`.
 *
 * The directory is `QStandardPaths::AppConfigLocation` + "/profiles" unless a test injects another. Files are written
 * atomically (QSaveFile: a crash leaves the old file or the new one, never half of each) and readable by the owner
 * only (0600, directory 0700): they hold no secret, but tenant and app IDs are nobody else's business.
 *
 * save() writes only what load() accepts, so a profile that would be refused on reading (a secret value in its
 * directory settings, a reference of another profile) is refused before it reaches the disk. File operations are
 * small and local, so they are synchronous; remove() also deletes the profile's keychain secrets and is therefore a
 * job.
 */
class ProfileStore
{
    Q_DECLARE_TR_FUNCTIONS(M365::Profile::ProfileStore)

public:
    /// The profiles under defaultDirectory().
    ProfileStore();
    explicit ProfileStore(const QString &directory);

    /// QStandardPaths::AppConfigLocation + "/profiles" (call M365::setApplicationIdentity() first).
    static QString defaultDirectory();

    QString directory() const { return m_directory; }
    QString filePath(const QString &name) const;

    /// The names of the stored profiles, sorted; an empty list when the directory does not exist yet.
    QStringList list(M365::Error *error = nullptr) const;
    bool exists(const QString &name) const;
    std::optional<Profile> load(const QString &name, M365::Error *error = nullptr) const;
    /// Writes (or replaces) the profile's file.
    bool save(const Profile &profile, M365::Error *error = nullptr) const;
    /**
     * Deletes a profile: first its secrets (the references in its file and the standard keys of its name, so a
     * damaged file leaves nothing behind in the keychain), then the file. If a secret cannot be removed the file stays,
     * so the removal can be retried. Returns an unstarted job.
     */
    ProfileRemoveJob *remove(const QString &name, Secrets::SecretStore *secrets, QObject *parent = nullptr) const;

private:
    QString m_directory;
};

/// Removes one profile and its secrets; the job contract of STYLE.md section 3 (start() schedules, finished() once,
/// deletes itself unless parented).
class ProfileRemoveJob : public QObject
{
    Q_OBJECT

public:
    ~ProfileRemoveJob() override;

    void start();
    QString name() const { return m_name; }
    bool isFinished() const { return m_finished; }
    bool hasError() const { return !m_error.isNull(); }
    M365::Error error() const { return m_error; }
    QString errorString() const { return m_error.userMessage; }
    /// The secret keys that were removed (or held nothing), in order.
    QStringList removedSecrets() const { return m_removed; }

Q_SIGNALS:
    void finished(M365::Profile::ProfileRemoveJob *job);

private:
    friend class ProfileStore;
    ProfileRemoveJob(const ProfileStore &store, const QString &name, Secrets::SecretStore *secrets, QObject *parent);

    void run();
    void removeNextSecret();
    void onSecretRemoved(Secrets::SecretJob *job);
    void removeFile();
    void finish(const M365::Error &error = {});

    ProfileStore m_store;
    QString m_name;
    QPointer<Secrets::SecretStore> m_secrets;
    QStringList m_pending;
    QStringList m_removed;
    M365::Error m_error;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace M365::Profile
