// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "memorysecretstore.h"

#include <QPointer>

#include <algorithm>

namespace M365::Secrets {

class MemorySecretJob : public SecretJob
{
public:
    MemorySecretJob(MemorySecretStore *store,
                    SecretJob::Failure injected,
                    Operation operation,
                    const QString &key,
                    const QByteArray &value,
                    QObject *parent)
        : SecretJob(operation, key, value, parent)
        , m_store(store)
        , m_injected(injected)
    {}

protected:
    void perform() override
    {
        if (!m_store) {
            fail(Failure::Other, standardError(Failure::Other, QStringLiteral("the memory secret store was deleted")));
            return;
        }
        ++m_store->m_finishedJobs;
        if (m_injected != Failure::None) {
            fail(m_injected, standardError(m_injected, QStringLiteral("failure injected by the test")));
            return;
        }
        switch (operation()) {
        case Operation::Read: {
            const auto it = m_store->m_values.constFind(key());
            if (it == m_store->m_values.constEnd()) {
                fail(Failure::NotFound, standardError(Failure::NotFound, QStringLiteral("no such key in memory")));
            } else {
                succeed(*it);
            }
            return;
        }
        case Operation::Write:
            m_store->m_values.insert(key(), input());
            succeed();
            return;
        case Operation::Remove:
            m_store->m_values.remove(key());
            succeed();
            return;
        }
    }

private:
    QPointer<MemorySecretStore> m_store;
    SecretJob::Failure m_injected;
};

MemorySecretStore::MemorySecretStore(QObject *parent)
    : SecretStore(parent)
{}

MemorySecretStore::~MemorySecretStore()
{
    for (QByteArray &value : m_values) {
        value.fill('\0');
    }
}

QStringList MemorySecretStore::keys() const
{
    QStringList result = m_values.keys();
    std::sort(result.begin(), result.end());
    return result;
}

void MemorySecretStore::failNext(SecretJob::Failure failure, int count)
{
    for (int i = 0; i < count; ++i) {
        m_injected.append(failure);
    }
}

SecretJob *MemorySecretStore::createJob(SecretJob::Operation operation,
                                        const QString &key,
                                        const QByteArray &value,
                                        QObject *parent)
{
    const SecretJob::Failure injected = m_injected.isEmpty() ? SecretJob::Failure::None : m_injected.takeFirst();
    return new MemorySecretJob(this, injected, operation, key, value, parent);
}

} // namespace M365::Secrets
