// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "secretstore.h"

namespace M365::Secrets {

/**
 * Secrets in the operating system's keychain (Secret Service via libsecret, KWallet, macOS Keychain, Windows
 * Credential Manager) through QtKeychain. This is the only class that talks to QtKeychain (STYLE.md section 6).
 *
 * - Entries use the service name "m365sync" and the keys of SecretStore::key(); never QtKeychain's insecure plain-text
 *   fallback.
 * - Values are split into chunks (SecretChunks) so a PEM private key fits Windows Credential Manager's size cap; a read
 *   reassembles and verifies them, a write replaces all of them and removes chunks a longer old value left behind,
 *   a removal deletes every chunk.
 * - When QtKeychain reports NoBackendAvailable the operation is retried once, as owncloud does (a keyring that is still
 *   starting); if it fails again the error tells the admin how to provide a keychain.
 */
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT

public:
    explicit KeychainSecretStore(QObject *parent = nullptr);
    ~KeychainSecretStore() override;

    /// The keychain service every m365sync entry is filed under.
    static QString serviceName();

    /// What to tell the admin when no keychain answers, for this platform.
    static QString noBackendAdvice();

    /**
     * Maps a QtKeychain error (QKeychain::Error as int, and its message) to a failure kind. Besides
     * NoBackendAvailable, the libsecret backend reports a missing D-Bus session or an unusable keyring as OtherError
     * ("Cannot autolaunch D-Bus…", "…/org/freedesktop/secrets/collection/login"); those count as NoBackend too, so the
     * admin gets the advice that fixes them.
     */
    static SecretJob::Failure classify(int keychainError, const QString &errorString);
    /// The error reported for a failure on key: the standard message, plus noBackendAdvice() when no keychain answers.
    static M365::Error errorFor(SecretJob::Failure failure, const QString &key, const QString &details);

protected:
    SecretJob *
    createJob(SecretJob::Operation operation, const QString &key, const QByteArray &value, QObject *parent) override;
};

} // namespace M365::Secrets
