// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "job.h"

#include <QByteArray>
#include <QString>

namespace M365::Secrets {

/// The purposes m365sync stores secrets for; the last part of a key (STYLE.md section 6). Access tokens are never
/// stored: they live in the token provider's memory only.
namespace Purpose {
inline constexpr char PrivateKey[] = "privateKey"; ///< the certificate's private key (PEM)
inline constexpr char ClientSecret[] = "clientSecret"; ///< the app's client secret (fallback credential)
inline constexpr char LdapBindPassword[] = "ldapBindPassword"; ///< the directory's bind password
inline constexpr char WebhookUrl[] = "webhookUrl"; ///< the monitoring webhook's URL (it carries a token)
} // namespace Purpose

/**
 * One asynchronous read, write or removal of a secret.
 *
 * An M365::Job (KJob's contract, STYLE.md sections 3 and 10): `start()` only schedules the work, so connecting to
 * `finished()` after `start()` in the same function is safe; the base emits `finished()` exactly once; after it,
 * `error()`, `errorString()`, `failure()` and, for reads, `value()` hold the result. `cancel()` finishes the job at
 * once with Error::cancelled() (`failure()` is then Failure::Cancelled); a cancelled write may have replaced some of
 * the value's chunks, so the secret then reads as Failure::Damaged until it is written again. A job without a parent
 * deletes itself after `finished()`; a parented job lives until its parent deletes it.
 */
class SecretJob : public M365::Job
{
    Q_OBJECT

public:
    enum class Operation { Read, Write, Remove };
    Q_ENUM(Operation)

    /// Why a job failed; `error().code` carries the same information as a stable string ("secrets.notFound").
    enum class Failure {
        None,
        NotFound, ///< nothing is stored under the key (reads only; removing a missing key succeeds)
        NoBackend, ///< no keychain service answers (no D-Bus session, keyring not running)
        AccessDenied, ///< the keychain is locked or the user refused access
        Damaged, ///< the stored entries do not form a complete value (an interrupted write, a hand edit)
        InvalidKey, ///< the key is not of the form m365sync/<profile>/<purpose>
        Other,
        Cancelled, ///< cancel() stopped the job; `error()` is Error::cancelled() (Job::wasCancelled())
    };
    Q_ENUM(Failure)

    ~SecretJob() override;

    Operation operation() const { return m_operation; }
    QString key() const { return m_key; }

    /// The value read (reads only, after a successful `finished()`).
    QByteArray value() const { return m_value; }
    Failure failure() const { return wasCancelled() ? Failure::Cancelled : m_failure; }

    /// The stable code of a failure, as used in `M365::Error::code`.
    static QString failureCode(Failure failure);
    /// The error every store reports for a failure kind on a key; stores with more specific advice extend it.
    static M365::Error standardError(Failure failure, const QString &key, const QString &details);

protected:
    SecretJob(Operation operation, const QString &key, const QByteArray &input, QObject *parent);

    /// Does the work; called from the event loop after `start()`, once however often `start()` is called. Must end,
    /// now or later, with exactly one call to `succeed()` or `fail()`, unless the job was cancelled meanwhile
    /// (`isFinished()`), when it should stop.
    virtual void perform() = 0;

    /// The value to write (writes only).
    QByteArray input() const { return m_input; }
    void succeed(const QByteArray &value = {});
    void fail(Failure failure, const M365::Error &error);
    /// standardError() for this job's key.
    M365::Error standardError(Failure failure, const QString &details) const
    {
        return standardError(failure, m_key, details);
    }
    void onCancel() override;

private:
    void run() final;
    /// Wipes the value to write: it must not linger once the job is over.
    void wipeInput();

    Operation m_operation;
    QString m_key;
    QByteArray m_input;
    QByteArray m_value;
    Failure m_failure = Failure::None;
    bool m_performed = false;
};

/**
 * Where m365sync keeps its secrets: the certificate's private key, a client secret, the LDAP bind password.
 *
 * Profiles on disk only hold keys into this store, never values (DESIGN.md section 2). The real implementation is
 * KeychainSecretStore (the OS keychain through QtKeychain, the only code that touches it); tests use
 * MemorySecretStore. Both keep the same asynchronous contract, so code tested against the fake behaves the same
 * against the keychain.
 *
 * Jobs are returned unstarted: connect to `finished()`, then call `start()`. Keys that are not of the form
 * `m365sync/<profile>/<purpose>` give a job that fails with `Failure::InvalidKey`.
 */
class SecretStore : public QObject
{
    Q_OBJECT

public:
    explicit SecretStore(QObject *parent = nullptr);
    ~SecretStore() override;

    SecretJob *read(const QString &key, QObject *jobParent = nullptr);
    SecretJob *write(const QString &key, const QByteArray &value, QObject *jobParent = nullptr);
    /// Removes the value and every chunk of it; removing a key that holds nothing succeeds.
    SecretJob *remove(const QString &key, QObject *jobParent = nullptr);

    /// "m365sync/<profile>/<purpose>", e.g. key("contoso", Purpose::PrivateKey).
    static QString key(const QString &profile, const QString &purpose);
    /// True for keys key() can produce: a profile name of letters, digits, '-', '_', '.' (not starting with '.')
    /// and a purpose of letters and digits.
    static bool isValidKey(const QString &key);

protected:
    /// Creates the store's job for an operation on a valid key; the caller starts it.
    virtual SecretJob *
    createJob(SecretJob::Operation operation, const QString &key, const QByteArray &value, QObject *parent) = 0;

private:
    SecretJob *makeJob(SecretJob::Operation operation, const QString &key, const QByteArray &value, QObject *jobParent);
};

} // namespace M365::Secrets
