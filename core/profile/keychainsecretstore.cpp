// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "keychainsecretstore.h"

#include "profilelog.h"
#include "secretchunks.h"

#include <QCoreApplication>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <functional>
#include <optional>

namespace M365::Secrets {

namespace {

// A keyring started by D-Bus activation may need a moment before it answers; one retry after this pause.
constexpr int NoBackendRetryDelayMs = 250;

enum class Call { Read, Write, Delete };

struct CallResult
{
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QByteArray data;
};

/*
 * One SecretJob on the keychain: a small sequence of QtKeychain calls, each started when the previous one finished.
 *
 *   read:   entry 0 (header + first chunk), then entries 1 … count-1, then size and digest are checked;
 *   write:  entries 1 … count-1, then entry 0 last (so the header never announces chunks that are not written yet),
 *           then stale entries count, count+1, … that a longer old value left;
 *   remove: entry 0, then entries 1, 2, … until one is missing.
 *
 * Stale entries are found by reading: deleting a missing entry is an error on some platforms and silent on others.
 * QtKeychain jobs are not parented to this job; the connection's context ends with it, so a deleted SecretJob simply
 * stops listening, and a cancelled one ignores the answer and makes no further call.
 */
class KeychainSecretJob : public SecretJob
{
public:
    KeychainSecretJob(Operation operation, const QString &key, const QByteArray &value, QObject *parent)
        : SecretJob(operation, key, value, parent)
    {}

    ~KeychainSecretJob() override
    {
        for (QByteArray &chunk : m_chunks) {
            chunk.fill('\0');
        }
    }

protected:
    void perform() override
    {
        switch (operation()) {
        case Operation::Read:
            readFirst();
            return;
        case Operation::Write:
            m_chunks = SecretChunks::encode(input());
            writeNext(m_chunks.size() > 1 ? 1 : 0);
            return;
        case Operation::Remove:
            removeIfPresent(0, [this](bool) {
                removeTail(1);
            });
            return;
        }
    }

private:
    using Done = std::function<void(const CallResult &)>;

    void call(Call kind, int index, const QByteArray &data, const Done &done, bool isRetry = false)
    {
        if (isFinished()) {
            return; // cancelled: no further keychain call
        }
        const QString service = KeychainSecretStore::serviceName();
        QKeychain::Job *job = nullptr;
        switch (kind) {
        case Call::Read:
            job = new QKeychain::ReadPasswordJob(service);
            break;
        case Call::Write: {
            auto *write = new QKeychain::WritePasswordJob(service);
            write->setBinaryData(data);
            job = write;
            break;
        }
        case Call::Delete:
            job = new QKeychain::DeletePasswordJob(service);
            break;
        }
        job->setAutoDelete(true);
        job->setInsecureFallback(false);
        job->setKey(SecretChunks::entryKey(key(), index));
        connect(
            job, &QKeychain::Job::finished, this, [this, kind, index, data, done, isRetry](QKeychain::Job *finished) {
                if (isFinished()) {
                    return; // cancelled while QtKeychain worked: its answer no longer matters
                }
                CallResult result{finished->error(), finished->errorString(), {}};
                if (kind == Call::Read && result.error == QKeychain::NoError) {
                    result.data = static_cast<QKeychain::ReadPasswordJob *>(finished)->binaryData();
                }
                if (!isRetry && KeychainSecretStore::classify(result.error, result.errorString) == Failure::NoBackend) {
                    qCInfo(lcSecrets) << "no keychain backend answered for" << finished->key() << "; retrying once";
                    QTimer::singleShot(NoBackendRetryDelayMs, this, [this, kind, index, data, done] {
                        call(kind, index, data, done, true);
                    });
                    return;
                }
                done(result);
            });
        job->start();
    }

    void failWith(const CallResult &result, const QString &entry)
    {
        const Failure failure = KeychainSecretStore::classify(result.error, result.errorString);
        const QString details = QStringLiteral("QtKeychain error %1 on entry \"%2\" (service \"%3\"): %4")
                                    .arg(int(result.error))
                                    .arg(entry, KeychainSecretStore::serviceName(), result.errorString);
        if (failure == Failure::NotFound) {
            qCDebug(lcSecrets) << "keychain" << operation() << "of" << key() << ": not found";
        } else {
            qCWarning(lcSecrets) << "keychain" << operation() << "of" << key() << "failed:" << details;
        }
        fail(failure, KeychainSecretStore::errorFor(failure, key(), details));
    }

    void failDamaged(const QString &details)
    {
        qCWarning(lcSecrets) << "keychain entries of" << key() << "are damaged:" << details;
        fail(Failure::Damaged, standardError(Failure::Damaged, details));
    }

    // --- read ---

    void readFirst()
    {
        call(Call::Read, 0, {}, [this](const CallResult &result) {
            if (result.error != QKeychain::NoError) {
                failWith(result, key());
                return;
            }
            m_header = SecretChunks::decodeFirst(result.data);
            if (!m_header) {
                failDamaged(QStringLiteral("the first entry has no valid m365sync chunk header"));
                return;
            }
            readChunk(1);
        });
    }

    void readChunk(int index)
    {
        if (index >= m_header->count) {
            std::optional<QByteArray> value = SecretChunks::assemble(*m_header, m_chunks);
            if (!value) {
                failDamaged(
                    QStringLiteral("the %1 chunks do not add up to the recorded size and digest").arg(m_header->count));
                return;
            }
            qCDebug(lcSecrets) << "read" << key() << "from" << m_header->count << "entries";
            succeed(*value);
            value->fill('\0');
            return;
        }
        call(Call::Read, index, {}, [this, index](const CallResult &result) {
            if (result.error == QKeychain::EntryNotFound) {
                failDamaged(QStringLiteral("chunk %1 of %2 is missing").arg(index).arg(m_header->count));
                return;
            }
            if (result.error != QKeychain::NoError) {
                failWith(result, SecretChunks::entryKey(key(), index));
                return;
            }
            m_chunks.append(result.data);
            readChunk(index + 1);
        });
    }

    // --- write ---

    // Writes entries 1 … n-1, then entry 0, then removes what a longer old value left after entry n-1.
    void writeNext(int index)
    {
        call(Call::Write, index, m_chunks.at(index), [this, index](const CallResult &result) {
            if (result.error != QKeychain::NoError) {
                failWith(result, SecretChunks::entryKey(key(), index));
                return;
            }
            const int count = int(m_chunks.size());
            if (index == 0) {
                qCDebug(lcSecrets) << "wrote" << key() << "as" << count << "entries";
                removeTail(count);
            } else {
                writeNext(index + 1 < count ? index + 1 : 0);
            }
        });
    }

    // --- removal ---

    void removeIfPresent(int index, const std::function<void(bool)> &then)
    {
        call(Call::Read, index, {}, [this, index, then](const CallResult &found) {
            if (found.error == QKeychain::EntryNotFound) {
                then(false);
                return;
            }
            if (found.error != QKeychain::NoError) {
                failWith(found, SecretChunks::entryKey(key(), index));
                return;
            }
            call(Call::Delete, index, {}, [this, index, then](const CallResult &removed) {
                if (removed.error != QKeychain::NoError && removed.error != QKeychain::EntryNotFound) {
                    failWith(removed, SecretChunks::entryKey(key(), index));
                    return;
                }
                then(true);
            });
        });
    }

    // Deletes entries index, index+1, … until one is missing, then succeeds.
    void removeTail(int index)
    {
        if (index > SecretChunks::MaxChunks) {
            succeed();
            return;
        }
        removeIfPresent(index, [this, index](bool wasPresent) {
            if (wasPresent) {
                removeTail(index + 1);
            } else {
                succeed();
            }
        });
    }

    std::optional<SecretChunks::Header> m_header;
    QList<QByteArray> m_chunks;
};

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject *parent)
    : SecretStore(parent)
{}

KeychainSecretStore::~KeychainSecretStore() = default;

QString KeychainSecretStore::serviceName()
{
    return QStringLiteral("m365sync");
}

QString KeychainSecretStore::noBackendAdvice()
{
#if defined(Q_OS_WIN)
    return QCoreApplication::translate("M365::Secrets::KeychainSecretStore",
                                       "Make sure the Windows Credential Manager service is running for this user.");
#elif defined(Q_OS_MACOS)
    return QCoreApplication::translate("M365::Secrets::KeychainSecretStore",
                                       "Unlock the login keychain in Keychain Access and try again.");
#else
    return QCoreApplication::translate(
        "M365::Secrets::KeychainSecretStore",
        "On a desktop, sign in to a session with a keyring (GNOME Keyring or KWallet) and unlock it. On a server, "
        "under cron or a systemd timer, run m365sync inside \"dbus-run-session\" with gnome-keyring-daemon started "
        "and unlocked (gnome-keyring-daemon --unlock --components=secrets).");
#endif
}

SecretJob::Failure KeychainSecretStore::classify(int keychainError, const QString &errorString)
{
    switch (QKeychain::Error(keychainError)) {
    case QKeychain::NoError:
        return SecretJob::Failure::None;
    case QKeychain::EntryNotFound:
        return SecretJob::Failure::NotFound;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return SecretJob::Failure::AccessDenied;
    case QKeychain::NoBackendAvailable:
        return SecretJob::Failure::NoBackend;
    case QKeychain::OtherError: {
        // D-Bus error names and object paths are not translated, unlike the rest of libsecret's messages.
        static const QLatin1String markers[] = {QLatin1String("D-Bus"),
                                                QLatin1String("DBus"),
                                                QLatin1String("org.freedesktop.secrets"),
                                                QLatin1String("/org/freedesktop/secrets"),
                                                QLatin1String("org.kde.kwalletd")};
        for (const QLatin1String &marker : markers) {
            if (errorString.contains(marker, Qt::CaseInsensitive)) {
                return SecretJob::Failure::NoBackend;
            }
        }
        return SecretJob::Failure::Other;
    }
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::NotImplemented:
        return SecretJob::Failure::Other;
    }
    return SecretJob::Failure::Other;
}

M365::Error KeychainSecretStore::errorFor(SecretJob::Failure failure, const QString &key, const QString &details)
{
    M365::Error error = SecretJob::standardError(failure, key, details);
    if (failure == SecretJob::Failure::NoBackend) {
        error.userMessage += QLatin1Char(' ') + noBackendAdvice();
    }
    return error;
}

SecretJob *KeychainSecretStore::createJob(SecretJob::Operation operation,
                                          const QString &key,
                                          const QByteArray &value,
                                          QObject *parent)
{
    return new KeychainSecretJob(operation, key, value, parent);
}

} // namespace M365::Secrets
