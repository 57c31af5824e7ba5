// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphclient.h"
#include "job.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QStringList>
#include <QUrl>

namespace M365::Graph {

/// What m365sync will do in the tenant, which decides the least permissions it must be granted.
struct Features
{
    bool groups = true; ///< sync directory groups and their members
    bool licences = true; ///< assign licences

    /// The Microsoft Graph application permissions these features need.
    QStringList requiredRoles() const;
};

/// True when @p granted includes @p role or a permission that contains it (X.ReadWrite.All contains X.Read.All;
/// Directory.ReadWrite.All contains the rest except User.ReadWrite.All and Group.ReadWrite.All, which delete).
bool roleSatisfied(const QString &role, const QStringList &granted);

/// The state of a tenant as the connection check found it.
struct TenantReport
{
    struct Domain
    {
        QString name;
        bool verified = false;
        bool isDefault = false;
        bool isInitial = false;
        QString txtRecord; ///< the "MS=ms…" value to publish, for unverified domains
    };
    struct Sku
    {
        QString skuId;
        QString partNumber;
        int prepaid = 0;
        int consumed = 0;
        int free() const { return prepaid - consumed; }
    };

    QString tenantId;
    QString organization;
    QStringList grantedRoles;
    QStringList requiredRoles;
    QStringList missingRoles;
    QUrl adminConsentUrl;
    QDateTime tokenExpires;
    QList<Domain> domains;
    bool domainsReadable = true; ///< false when the app may not read domains (permission missing)
    QList<Sku> skus;
    bool skusReadable = true;

    QJsonObject toJson() const;
};

/*
 * The connection check behind "m365sync-cli check" and the wizard's permissions page: signs in, compares the granted
 * app roles with what the features need, and reads the tenant's domains (with the TXT record of unverified ones)
 * and licences. A section the app may not read is reported as such, not as a failure of the whole check.
 */
class TenantCheckJob : public M365::Job
{
    Q_OBJECT

public:
    TenantCheckJob(GraphClient *client, const Features &features, QObject *parent = nullptr);
    const TenantReport &report() const { return m_report; }

    /// Right after a registration: for up to @p maxWaitMs, a sign-in Entra refuses because the new app or its new
    /// certificate has not replicated yet (AADSTS700016, AADSTS700027), or a token without the permissions just
    /// granted, is tried again with growing pauses; waiting() says why each time. 0 (the default): no waiting.
    void setReplicationWait(qint64 maxWaitMs) { m_replicationWaitMs = maxWaitMs; }

Q_SIGNALS:
    /// Waiting for replication: what Entra answered, and when the next try comes.
    void waiting(const QString &reason, qint64 retryInMs);

protected:
    void run() override;

private:
    void signIn();
    /// True when a replication wait is left and the next try is scheduled.
    bool retryLater(const QString &reason);
    void readTenant();
    void readVerificationRecords();

    QPointer<GraphClient> m_client;
    Features m_features;
    TenantReport m_report;
    qint64 m_replicationWaitMs = 0;
    qint64 m_waitedMs = 0;
    qint64 m_nextPauseMs = 1000;
};

} // namespace M365::Graph
