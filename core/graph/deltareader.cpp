// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "deltareader.h"

namespace M365::Graph {

DeltaReader::DeltaReader(
    GraphClient *client, const QString &resource, const QStringList &select, const QString &deltaLink, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_resource(resource)
    , m_select(select)
    , m_startLink(deltaLink)
{}

QString DeltaReader::fullReadUrl() const
{
    QString url = QLatin1Char('/') + m_resource + QStringLiteral("/delta");
    if (!m_select.isEmpty()) {
        url += QStringLiteral("?$select=") + m_select.join(QLatin1Char(','));
    }
    return url;
}

void DeltaReader::run()
{
    m_fullRead = m_startLink.isEmpty();
    read(m_fullRead ? fullReadUrl() : m_startLink);
}

void DeltaReader::onCancel()
{
    if (m_job) {
        m_job->cancel();
    }
}

void DeltaReader::read(const QString &url)
{
    if (!m_client) {
        fail(M365::Error::cancelled(tr("The connection was closed.")));
        return;
    }
    m_changes = QJsonArray();
    m_job = new PagedJob(m_client, Request::get(url), this);
    connect(m_job, &PagedJob::page, this, [this](const QJsonArray &items) {
        for (const auto &item : items) {
            m_changes.append(item);
        }
        Q_EMIT page(items);
    });
    connect(m_job, &Job::finished, this, [this](M365::Job *job) {
        auto *paged = static_cast<PagedJob *>(job);
        paged->deleteLater();
        if (!paged->hasError()) {
            m_deltaLink = paged->deltaLink();
            succeed();
            return;
        }
        const QString code = paged->error().code;
        const bool stateLost = paged->failedStatus() == 410 || code == QLatin1String("syncStateNotFound")
            || code == QLatin1String("resyncRequired") || code == QLatin1String("syncStateInvalid");
        if (stateLost && !m_restarted) {
            m_restarted = true;
            m_fullRead = true;
            Q_EMIT restarted();
            read(fullReadUrl());
            return;
        }
        fail(paged->error());
    });
    m_job->start();
}

} // namespace M365::Graph
