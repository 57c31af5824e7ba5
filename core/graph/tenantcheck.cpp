// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tenantcheck.h"

#include "identity/tokenprovider.h"

#include <QJsonArray>
#include <QTimer>

#include <algorithm>

namespace M365::Graph {

QStringList Features::requiredRoles() const
{
    QStringList roles{QStringLiteral("User.ReadWrite.All"),
                      QStringLiteral("Domain.Read.All"),
                      QStringLiteral("Organization.Read.All")};
    if (groups) {
        roles.append(QStringLiteral("Group.ReadWrite.All"));
    }
    if (licences) {
        roles.append(QStringLiteral("LicenseAssignment.ReadWrite.All"));
    }
    return roles;
}

bool roleSatisfied(const QString &role, const QStringList &granted)
{
    if (granted.contains(role)) {
        return true;
    }
    const QString area = role.section(QLatin1Char('.'), 0, 0);
    const bool readOnly = role.endsWith(QLatin1String(".Read.All"));
    // Directory.ReadWrite.All creates and updates users and groups but does not delete them (graph api/user-delete.md,
    // api/group-delete.md): the sync's deletions need User.ReadWrite.All and Group.ReadWrite.All themselves.
    if (granted.contains(QStringLiteral("Directory.ReadWrite.All")) && role != QLatin1String("User.ReadWrite.All")
        && role != QLatin1String("Group.ReadWrite.All")) {
        return true;
    }
    // assignLicense accepts User.ReadWrite.All as well (Microsoft Graph permissions reference).
    if (role == QLatin1String("LicenseAssignment.ReadWrite.All")) {
        return granted.contains(QStringLiteral("User.ReadWrite.All"));
    }
    if (readOnly) {
        return granted.contains(area + QStringLiteral(".ReadWrite.All"))
            || granted.contains(QStringLiteral("Directory.Read.All"));
    }
    return false;
}

QJsonObject TenantReport::toJson() const
{
    QJsonArray domainArray;
    for (const Domain &d : domains) {
        QJsonObject o{{QStringLiteral("name"), d.name},
                      {QStringLiteral("verified"), d.verified},
                      {QStringLiteral("default"), d.isDefault},
                      {QStringLiteral("initial"), d.isInitial}};
        if (!d.txtRecord.isEmpty()) {
            o.insert(QStringLiteral("txtRecord"), d.txtRecord);
        }
        domainArray.append(o);
    }
    QJsonArray skuArray;
    for (const Sku &s : skus) {
        skuArray.append(QJsonObject{{QStringLiteral("skuId"), s.skuId},
                                    {QStringLiteral("partNumber"), s.partNumber},
                                    {QStringLiteral("prepaid"), s.prepaid},
                                    {QStringLiteral("consumed"), s.consumed},
                                    {QStringLiteral("free"), s.free()}});
    }
    return QJsonObject{
        {QStringLiteral("tenantId"), tenantId},
        {QStringLiteral("organization"), organization},
        {QStringLiteral("grantedRoles"), QJsonArray::fromStringList(grantedRoles)},
        {QStringLiteral("requiredRoles"), QJsonArray::fromStringList(requiredRoles)},
        {QStringLiteral("missingRoles"), QJsonArray::fromStringList(missingRoles)},
        {QStringLiteral("adminConsentUrl"),
         missingRoles.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(adminConsentUrl.toString())},
        {QStringLiteral("tokenExpires"), tokenExpires.toString(Qt::ISODate)},
        {QStringLiteral("domains"), domainsReadable ? QJsonValue(domainArray) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("skus"), skusReadable ? QJsonValue(skuArray) : QJsonValue(QJsonValue::Null)},
    };
}

TenantCheckJob::TenantCheckJob(GraphClient *client, const Features &features, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_features(features)
{}

void TenantCheckJob::run()
{
    signIn();
}

void TenantCheckJob::signIn()
{
    Identity::TokenProvider *tokens = m_client->tokenProvider();
    tokens->acquire(this, [this, tokens](const QString &, const M365::Error &error) {
        if (!error.isNull()) {
            // An app or key created moments ago is unknown to the token service until it replicates.
            const bool notReplicated =
                error.code == QLatin1String("AADSTS700016") || error.code == QLatin1String("AADSTS700027");
            if (!notReplicated
                || !retryLater(tr("Microsoft Entra does not accept the new app's certificate yet (%1); a new app "
                                  "and its certificate take a while to reach every server.")
                                   .arg(error.code))) {
                fail(error);
            }
            return;
        }
        m_report.grantedRoles = tokens->roles();
        m_report.requiredRoles = m_features.requiredRoles();
        m_report.missingRoles.clear();
        for (const QString &role : std::as_const(m_report.requiredRoles)) {
            if (!roleSatisfied(role, m_report.grantedRoles)) {
                m_report.missingRoles.append(role);
            }
        }
        if (!m_report.missingRoles.isEmpty()
            && retryLater(tr("The app's sign-in does not carry the permissions just granted yet (%1 missing); "
                             "admin consent takes a while to reach every server.")
                              .arg(m_report.missingRoles.size()))) {
            tokens->invalidate();
            return;
        }
        m_report.tokenExpires = tokens->expiresAt();
        m_report.adminConsentUrl = m_client->endpoints().adminConsentUrl(
            tokens->tenant(), tokens->clientId(), m_client->endpoints().consentRedirectUri());
        readTenant();
    });
}

bool TenantCheckJob::retryLater(const QString &reason)
{
    if (m_waitedMs >= m_replicationWaitMs) {
        return false;
    }
    const qint64 pause = std::min(m_nextPauseMs, m_replicationWaitMs - m_waitedMs);
    m_waitedMs += pause;
    m_nextPauseMs = std::min<qint64>(m_nextPauseMs * 2, 15000);
    Q_EMIT waiting(reason, pause);
    QTimer::singleShot(pause, this, [this] {
        if (!isFinished()) {
            signIn();
        }
    });
    return true;
}

void TenantCheckJob::readTenant()
{
    auto *batch = m_client->batch({Request::get(QStringLiteral("/organization?$select=id,displayName")),
                                   Request::get(QStringLiteral("/domains")),
                                   Request::get(QStringLiteral("/subscribedSkus"))});
    batch->setParent(this);
    connect(batch, &Job::finished, this, [this, batch] {
        if (batch->hasError()) {
            fail(batch->error());
            return;
        }
        const Response &organization = batch->responses()[0];
        const QJsonObject org = organization.json.value(QLatin1String("value")).toArray().at(0).toObject();
        m_report.tenantId = org.value(QLatin1String("id")).toString();
        m_report.organization = org.value(QLatin1String("displayName")).toString();
        const Response &domains = batch->responses()[1];
        m_report.domainsReadable = domains.ok();
        for (const auto &value : domains.json.value(QLatin1String("value")).toArray()) {
            const QJsonObject d = value.toObject();
            m_report.domains.append({d.value(QLatin1String("id")).toString(),
                                     d.value(QLatin1String("isVerified")).toBool(),
                                     d.value(QLatin1String("isDefault")).toBool(),
                                     d.value(QLatin1String("isInitial")).toBool(),
                                     {}});
        }
        const Response &skus = batch->responses()[2];
        m_report.skusReadable = skus.ok();
        for (const auto &value : skus.json.value(QLatin1String("value")).toArray()) {
            const QJsonObject s = value.toObject();
            m_report.skus.append(
                {s.value(QLatin1String("skuId")).toString(),
                 s.value(QLatin1String("skuPartNumber")).toString(),
                 s.value(QLatin1String("prepaidUnits")).toObject().value(QLatin1String("enabled")).toInt(),
                 s.value(QLatin1String("consumedUnits")).toInt()});
        }
        // A failed organization read (no permission at all, wrong tenant) fails the check; others are reported.
        if (!organization.ok() && organization.status != 403) {
            fail(organization.error);
            return;
        }
        readVerificationRecords();
    });
    batch->start();
}

void TenantCheckJob::readVerificationRecords()
{
    QList<Request> requests;
    QList<int> indexes;
    for (int i = 0; i < m_report.domains.size(); ++i) {
        if (!m_report.domains[i].verified) {
            requests.append(
                Request::get(QStringLiteral("/domains/%1/verificationDnsRecords").arg(m_report.domains[i].name)));
            indexes.append(i);
        }
    }
    if (requests.isEmpty()) {
        succeed();
        return;
    }
    auto *batch = m_client->batch(requests);
    batch->setParent(this);
    connect(batch, &Job::finished, this, [this, batch, indexes] {
        for (int i = 0; i < indexes.size() && !batch->hasError(); ++i) {
            for (const auto &value : batch->responses()[i].json.value(QLatin1String("value")).toArray()) {
                if (value.toObject().value(QLatin1String("recordType")).toString() == QLatin1String("Txt")) {
                    m_report.domains[indexes[i]].txtRecord = value.toObject().value(QLatin1String("text")).toString();
                }
            }
        }
        succeed();
    });
    batch->start();
}

} // namespace M365::Graph
