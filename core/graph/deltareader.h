// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphclient.h"
#include "job.h"

#include <QPointer>

namespace M365::Graph {

/*
 * Reads users or groups with Graph's delta query: the first time everything (a full read), afterwards only what
 * changed since the stored delta link. When Graph has lost the sync state (410 Gone, syncStateNotFound or
 * resyncRequired) it starts over with a full read by itself and says so, because the caller must then treat objects
 * it no longer sees as deleted.
 */
class DeltaReader : public M365::Job
{
    Q_OBJECT

public:
    /// @p resource is "users" or "groups"; @p select the properties to track; @p deltaLink empty for a full read.
    DeltaReader(GraphClient *client,
                const QString &resource,
                const QStringList &select,
                const QString &deltaLink = {},
                QObject *parent = nullptr);

    /// The link to store for the next round (valid after success).
    QString deltaLink() const { return m_deltaLink; }
    /// True when this round read everything: the first round, or a restart after the sync state was lost.
    bool isFullRead() const { return m_fullRead; }
    /// Every change of the round, in order (objects, and entries with "@removed").
    const QJsonArray &changes() const { return m_changes; }

Q_SIGNALS:
    /// The stored delta link was no longer valid; the round started again from scratch.
    void restarted();
    void page(const QJsonArray &changes);

protected:
    void run() override;
    void onCancel() override;

private:
    void read(const QString &url);
    QString fullReadUrl() const;

    QPointer<GraphClient> m_client;
    QString m_resource;
    QStringList m_select;
    QString m_startLink;
    QString m_deltaLink;
    QJsonArray m_changes;
    bool m_fullRead = false;
    bool m_restarted = false;
    QPointer<PagedJob> m_job;
};

} // namespace M365::Graph
