// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretstore.h"

#include "profilelog.h"

#include <QRegularExpression>

namespace M365::Secrets {

Q_LOGGING_CATEGORY(lcSecrets, "m365.core.secrets")

namespace {

// A job for a key the store must not even try: it fails through the normal asynchronous path.
class InvalidKeyJob : public SecretJob
{
public:
    InvalidKeyJob(Operation operation, const QString &key, QObject *parent)
        : SecretJob(operation, key, {}, parent)
    {}

protected:
    void perform() override
    {
        fail(Failure::InvalidKey,
             standardError(Failure::InvalidKey, QStringLiteral("rejected secret key \"%1\"").arg(key())));
    }
};

} // namespace

SecretJob::SecretJob(Operation operation, const QString &key, const QByteArray &input, QObject *parent)
    : Job(parent)
    , m_operation(operation)
    , m_key(key)
    , m_input(input)
{}

SecretJob::~SecretJob()
{
    // Secrets should not linger in freed memory longer than needed.
    m_input.fill('\0');
    m_value.fill('\0');
}

void SecretJob::run()
{
    if (m_performed) {
        qCWarning(lcSecrets) << "secret job for" << m_key << "started twice; ignoring the second start";
        return;
    }
    m_performed = true;
    perform();
}

void SecretJob::succeed(const QByteArray &value)
{
    if (isFinished()) {
        qCWarning(lcSecrets) << "secret job for" << m_key << "tried to finish twice";
        return;
    }
    m_value = value;
    wipeInput();
    Job::succeed();
}

void SecretJob::fail(Failure failure, const M365::Error &error)
{
    Q_ASSERT(failure != Failure::None && failure != Failure::Cancelled);
    if (isFinished()) {
        qCWarning(lcSecrets) << "secret job for" << m_key << "tried to finish twice";
        return;
    }
    m_failure = failure;
    m_value.clear();
    wipeInput();
    qCDebug(lcSecrets) << "secret job for" << m_key << "failed:" << error.code << error.details;
    Job::fail(error);
}

void SecretJob::onCancel()
{
    qCDebug(lcSecrets) << "secret job for" << m_key << "cancelled";
    m_value.clear();
    wipeInput();
}

void SecretJob::wipeInput()
{
    m_input.fill('\0');
    m_input.clear();
}

QString SecretJob::failureCode(Failure failure)
{
    switch (failure) {
    case Failure::None:
        return {};
    case Failure::NotFound:
        return QStringLiteral("secrets.notFound");
    case Failure::NoBackend:
        return QStringLiteral("secrets.noBackend");
    case Failure::AccessDenied:
        return QStringLiteral("secrets.accessDenied");
    case Failure::Damaged:
        return QStringLiteral("secrets.damaged");
    case Failure::InvalidKey:
        return QStringLiteral("secrets.invalidKey");
    case Failure::Other:
        return QStringLiteral("secrets.failed");
    case Failure::Cancelled:
        return M365::Error::cancelledCode();
    }
    Q_UNREACHABLE();
}

M365::Error SecretJob::standardError(Failure failure, const QString &key, const QString &details)
{
    QString message;
    switch (failure) {
    case Failure::None:
        return {};
    case Failure::NotFound:
        message = tr("No secret is stored under \"%1\". Enter the secret again (wizard or m365sync-cli profile).");
        break;
    case Failure::NoBackend:
        message = tr("The system keychain is not available, so the secret \"%1\" cannot be used.");
        break;
    case Failure::AccessDenied:
        message =
            tr("Access to the secret \"%1\" was denied. Unlock the system keychain and allow m365sync to use it.");
        break;
    case Failure::Damaged:
        message = tr("The secret stored under \"%1\" is incomplete or damaged. Enter the secret again.");
        break;
    case Failure::InvalidKey:
        message = tr("\"%1\" is not a valid secret name (expected m365sync/<profile>/<purpose>).");
        break;
    case Failure::Other:
        message = tr("The system keychain could not handle the secret \"%1\".");
        break;
    case Failure::Cancelled: {
        M365::Error error = M365::Error::cancelled(tr("The operation was cancelled."));
        error.details = details;
        return error;
    }
    }
    return M365::Error{failureCode(failure), message.arg(key), details, {}};
}

SecretStore::SecretStore(QObject *parent)
    : QObject(parent)
{}

SecretStore::~SecretStore() = default;

SecretJob *SecretStore::read(const QString &key, QObject *jobParent)
{
    return makeJob(SecretJob::Operation::Read, key, {}, jobParent);
}

SecretJob *SecretStore::write(const QString &key, const QByteArray &value, QObject *jobParent)
{
    return makeJob(SecretJob::Operation::Write, key, value, jobParent);
}

SecretJob *SecretStore::remove(const QString &key, QObject *jobParent)
{
    return makeJob(SecretJob::Operation::Remove, key, {}, jobParent);
}

SecretJob *
SecretStore::makeJob(SecretJob::Operation operation, const QString &key, const QByteArray &value, QObject *jobParent)
{
    if (!isValidKey(key)) {
        return new InvalidKeyJob(operation, key, jobParent);
    }
    return createJob(operation, key, value, jobParent);
}

QString SecretStore::key(const QString &profile, const QString &purpose)
{
    return QStringLiteral("m365sync/") + profile + QLatin1Char('/') + purpose;
}

bool SecretStore::isValidKey(const QString &key)
{
    // The purpose has no '.', so a chunk entry ("<key>.1") can never be mistaken for another key.
    static const QRegularExpression pattern(
        QStringLiteral("^m365sync/[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}/[A-Za-z0-9]{1,64}$"));
    return pattern.match(key).hasMatch();
}

} // namespace M365::Secrets
