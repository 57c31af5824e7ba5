// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "secretstore.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace M365::Secrets {

/**
 * A SecretStore in memory, for tests and the offline demo.
 *
 * It keeps the real store's contract exactly: jobs start on the event loop and finish asynchronously, a missing key
 * reads as Failure::NotFound, removing a missing key succeeds. Tests can look inside (contains(), value(), keys()) and
 * make the next jobs fail (failNext()) to exercise error paths such as a locked keychain.
 */
class MemorySecretStore : public SecretStore
{
    Q_OBJECT

public:
    explicit MemorySecretStore(QObject *parent = nullptr);
    ~MemorySecretStore() override;

    bool contains(const QString &key) const { return m_values.contains(key); }
    QByteArray value(const QString &key) const { return m_values.value(key); }
    QStringList keys() const;
    /// Stores a value at once, without a job (test setup).
    void insert(const QString &key, const QByteArray &value) { m_values.insert(key, value); }
    /// The next `count` jobs created fail with `failure` and leave the contents alone.
    void failNext(SecretJob::Failure failure, int count = 1);
    /// How many jobs this store has run to completion, successful or not.
    int finishedJobCount() const { return m_finishedJobs; }

protected:
    SecretJob *
    createJob(SecretJob::Operation operation, const QString &key, const QByteArray &value, QObject *parent) override;

private:
    friend class MemorySecretJob;
    QHash<QString, QByteArray> m_values;
    QList<SecretJob::Failure> m_injected;
    int m_finishedJobs = 0;
};

} // namespace M365::Secrets
