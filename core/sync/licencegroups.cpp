// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "licencegroups.h"

#include <QJsonObject>
#include <QUrl>

namespace M365::Sync {

namespace {

const QString nicknamePrefix = QStringLiteral("m365sync-licence-");

QString skuIdOf(const QJsonObject &sku)
{
    return sku.value(QLatin1String("skuId")).toString();
}

QString partNumberOf(const QJsonObject &sku)
{
    return sku.value(QLatin1String("skuPartNumber")).toString();
}

bool holdsSku(const QJsonObject &object, const QString &skuId)
{
    for (const auto &licence : object.value(QLatin1String("assignedLicenses")).toArray()) {
        if (licence.toObject().value(QLatin1String("skuId")).toString().compare(skuId, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

} // namespace

QString licenceGroupNickname(const QString &skuPartNumber)
{
    return nicknamePrefix + skuPartNumber.toLower();
}

QString licenceGroupDisplayName(const QString &skuPartNumber)
{
    return QStringLiteral("m365sync licence: ") + skuPartNumber;
}

bool supportsGroupLicensing(const QJsonArray &subscribedSkus)
{
    // concept-group-based-licensing.md ("Licensing requirements"): Entra ID P1 or above, or Microsoft 365 Business
    // Premium, Office 365 E3/A3/G3 and above. Part numbers as licensing-service-plan-reference.md names them.
    static const QStringList includingP1 = {
        QStringLiteral("SPB"),
        QStringLiteral("ENTERPRISEPACK"),
        QStringLiteral("ENTERPRISEPACK_GOV"),
        QStringLiteral("ENTERPRISEPACK_FACULTY"),
        QStringLiteral("ENTERPRISEPACK_STUDENT"),
        QStringLiteral("ENTERPRISEPREMIUM"),
        QStringLiteral("ENTERPRISEPREMIUM_NOPSTNCONF"),
        QStringLiteral("SPE_E3"),
        QStringLiteral("SPE_E5"),
        QStringLiteral("AAD_PREMIUM"),
        QStringLiteral("AAD_PREMIUM_P2"),
    };
    for (const auto &value : subscribedSkus) {
        const QJsonObject sku = value.toObject();
        // subscribedsku.md: Enabled and Warning subscriptions are in use; Suspended, Deleted and LockedOut are not.
        const QString status = sku.value(QLatin1String("capabilityStatus")).toString(QStringLiteral("Enabled"));
        const QJsonObject units = sku.value(QLatin1String("prepaidUnits")).toObject();
        if ((status != QLatin1String("Enabled") && status != QLatin1String("Warning"))
            || units.value(QLatin1String("enabled")).toInt() + units.value(QLatin1String("warning")).toInt() <= 0) {
            continue;
        }
        if (includingP1.contains(partNumberOf(sku))) {
            return true;
        }
        for (const auto &plan : sku.value(QLatin1String("servicePlans")).toArray()) {
            const QString name = plan.toObject().value(QLatin1String("servicePlanName")).toString();
            if (name == QLatin1String("AAD_PREMIUM") || name == QLatin1String("AAD_PREMIUM_P2")) {
                return true;
            }
        }
    }
    return false;
}

void LicenceCounter::addUsers(const QJsonArray &users)
{
    for (const auto &user : users) {
        addUser(user.toObject());
    }
}

void LicenceCounter::addUser(const QJsonObject &user)
{
    // A user may hold a SKU directly and through one or more groups at once (one state per source), yet consumes one
    // seat: each column counts the user once.
    QHash<QString, Counts> mine;
    for (const auto &value : user.value(QLatin1String("licenseAssignmentStates")).toArray()) {
        const QJsonObject state = value.toObject();
        const QString skuId = state.value(QLatin1String("skuId")).toString().toLower();
        if (skuId.isEmpty()) {
            continue;
        }
        Counts &counts = mine[skuId];
        const QString status = state.value(QLatin1String("state")).toString();
        if (status == QLatin1String("Error")) {
            counts.failed = 1;
        } else if (status != QLatin1String("Disabled")) {
            const QJsonValue group = state.value(QLatin1String("assignedByGroup"));
            if (group.isNull() || group.isUndefined() || group.toString().isEmpty()) {
                counts.direct = 1;
            } else {
                counts.throughGroup = 1;
            }
        }
    }
    for (auto it = mine.cbegin(); it != mine.cend(); ++it) {
        Counts &total = m_counts[it.key()];
        total.direct += it->direct;
        total.throughGroup += it->throughGroup;
        // Failed only when no other source gives the user the licence.
        total.failed += (it->failed && !it->direct && !it->throughGroup) ? 1 : 0;
    }
}

QList<LicenceSummary> LicenceCounter::summarise(const QJsonArray &subscribedSkus,
                                                const QHash<QString, QString> &licenceGroups) const
{
    QHash<QString, QString> groupBySku;
    for (auto it = licenceGroups.cbegin(); it != licenceGroups.cend(); ++it) {
        groupBySku.insert(it.key().toLower(), it.value());
    }
    QList<LicenceSummary> out;
    for (const auto &value : subscribedSkus) {
        const QJsonObject sku = value.toObject();
        LicenceSummary s;
        s.skuId = skuIdOf(sku);
        s.partNumber = partNumberOf(sku);
        s.prepaid = sku.value(QLatin1String("prepaidUnits")).toObject().value(QLatin1String("enabled")).toInt();
        s.consumed = sku.value(QLatin1String("consumedUnits")).toInt();
        const Counts counts = m_counts.value(s.skuId.toLower());
        s.direct = counts.direct;
        s.throughGroup = counts.throughGroup;
        s.failed = counts.failed;
        s.licenceGroupId = groupBySku.value(s.skuId.toLower());
        out.append(s);
    }
    return out;
}

QHash<QString, QString> licenceGroupsOf(const QJsonArray &groups, const QJsonArray &subscribedSkus)
{
    QHash<QString, QString> out;
    for (const auto &value : groups) {
        const QJsonObject group = value.toObject();
        const QString nickname = group.value(QLatin1String("mailNickname")).toString();
        if (!nickname.startsWith(nicknamePrefix, Qt::CaseInsensitive)) {
            continue;
        }
        const QString id = group.value(QLatin1String("id")).toString();
        for (const auto &skuValue : subscribedSkus) {
            const QJsonObject sku = skuValue.toObject();
            const QString skuId = skuIdOf(sku);
            if (holdsSku(group, skuId)
                || (!out.contains(skuId)
                    && nickname.compare(licenceGroupNickname(partNumberOf(sku)), Qt::CaseInsensitive) == 0)) {
                out.insert(skuId, id);
            }
        }
    }
    return out;
}

// ---- LicenceOverviewJob -------------------------------------------------------------------------------------------

LicenceOverviewJob::LicenceOverviewJob(Graph::GraphClient *client, QObject *parent)
    : Job(parent)
    , m_client(client)
{}

void LicenceOverviewJob::run()
{
    if (!m_client) {
        fail(Error{QStringLiteral("licences.noConnection"), tr("Not connected to the tenant."), {}, {}});
        return;
    }
    auto *job = m_client->send(Graph::Request::get(QStringLiteral("/subscribedSkus")));
    job->setParent(this);
    connect(job, &Job::finished, this, [this, job] {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        m_subscribedSkus = job->response().json.value(QLatin1String("value")).toArray();
        m_groupLicensing = supportsGroupLicensing(m_subscribedSkus);
        readGroups();
    });
    job->start();
}

void LicenceOverviewJob::readGroups()
{
    // mailNickname supports startsWith (resources/group.md); literals are percent-encoded as in filterEquals().
    const QString filter = QStringLiteral("startswith(mailNickname,'") + nicknamePrefix + QStringLiteral("')");
    auto *job =
        m_client->getAll(QStringLiteral("/groups?$filter=") + QString::fromLatin1(QUrl::toPercentEncoding(filter))
                         + QStringLiteral("&$select=id,displayName,mailNickname,assignedLicenses"));
    job->setParent(this);
    connect(job, &Job::finished, this, [this, job] {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        m_licenceGroups = licenceGroupsOf(job->items(), m_subscribedSkus);
        readUsers();
    });
    job->start();
}

void LicenceOverviewJob::readUsers()
{
    // licenseAssignmentStates comes only when selected (resources/user.md); 999 is the largest page for users.
    auto *job = m_client->getAll(QStringLiteral("/users?$select=id,licenseAssignmentStates&$top=999"));
    job->setParent(this);
    job->setCollectItems(false);
    connect(job, &Graph::PagedJob::page, this, [this](const QJsonArray &users) {
        m_counter.addUsers(users);
    });
    connect(job, &Job::finished, this, [this, job] {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        m_skus = m_counter.summarise(m_subscribedSkus, m_licenceGroups);
        succeed();
    });
    job->start();
}

// ---- LicenceGroupSetupJob -----------------------------------------------------------------------------------------

LicenceGroupSetupJob::LicenceGroupSetupJob(Graph::GraphClient *client, const QString &skuId, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_skuId(skuId)
{}

Graph::RequestJob *LicenceGroupSetupJob::send(const Graph::Request &request)
{
    auto *job = m_client->send(request);
    job->setParent(this);
    return job;
}

void LicenceGroupSetupJob::run()
{
    if (!m_client) {
        fail(Error{QStringLiteral("licences.noConnection"), tr("Not connected to the tenant."), {}, {}});
        return;
    }
    Q_EMIT progress(tr("Checking the tenant's subscriptions…"));
    auto *job = send(Graph::Request::get(QStringLiteral("/subscribedSkus")));
    connect(job, &Job::finished, this, [this, job] {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        const QJsonArray skus = job->response().json.value(QLatin1String("value")).toArray();
        for (const auto &value : skus) {
            if (skuIdOf(value.toObject()).compare(m_skuId, Qt::CaseInsensitive) == 0) {
                m_partNumber = partNumberOf(value.toObject());
            }
        }
        if (m_partNumber.isEmpty()) {
            fail(Error{QStringLiteral("licences.unknownSku"),
                       tr("The tenant has no subscription with SKU ID %1. Pick one of the tenant's subscriptions.")
                           .arg(m_skuId),
                       {},
                       job->response().requestId});
            return;
        }
        // Checked before anything is made: a licensed group in a tenant without P1 is refused or left unenforced.
        if (!supportsGroupLicensing(skus)) {
            fail(Error{QStringLiteral("licences.groupLicensingUnavailable"),
                       tr("Group-based licensing needs Microsoft Entra ID P1 (or a subscription that includes it, "
                          "such as Office 365 E3, Microsoft 365 E3 or Business Premium), and this tenant has none; "
                          "licences stay assigned per user. Add Entra ID P1 to the tenant, then try again."),
                       tr("No subscribed SKU with seats includes Entra ID P1 (service plan AAD_PREMIUM or "
                          "AAD_PREMIUM_P2, or a product such as ENTERPRISEPACK, SPE_E3 or SPB)."),
                       job->response().requestId});
            return;
        }
        findGroup();
    });
    job->start();
}

void LicenceGroupSetupJob::findGroup()
{
    Q_EMIT progress(tr("Looking for the licensing group of %1…").arg(m_partNumber));
    auto *job = send(
        Graph::Request::get(QStringLiteral("/groups?")
                            + Graph::filterEquals(QStringLiteral("mailNickname"), licenceGroupNickname(m_partNumber))
                            + QStringLiteral("&$select=id,displayName,mailNickname,securityEnabled,assignedLicenses")));
    connect(job, &Job::finished, this, [this, job] {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        const QJsonArray found = job->response().json.value(QLatin1String("value")).toArray();
        if (found.isEmpty()) {
            createGroup();
            return;
        }
        const QJsonObject group = found.first().toObject();
        m_groupId = group.value(QLatin1String("id")).toString();
        if (holdsSku(group, m_skuId)) {
            succeed();
            return;
        }
        assignLicence(false);
    });
    job->start();
}

void LicenceGroupSetupJob::createGroup()
{
    Q_EMIT progress(tr("Creating the licensing group of %1…").arg(m_partNumber));
    // A security group that is not mail-enabled: group-based licensing takes security groups only, and Graph creates
    // no mail-enabled security groups (group-post-groups.md).
    const QJsonObject body{
        {QStringLiteral("displayName"), licenceGroupDisplayName(m_partNumber)},
        {QStringLiteral("description"),
         QStringLiteral("Made by m365sync: its members get the %1 licence through group-based licensing. m365sync "
                        "manages the membership; do not add members by hand.")
             .arg(m_partNumber)},
        {QStringLiteral("mailEnabled"), false},
        {QStringLiteral("mailNickname"), licenceGroupNickname(m_partNumber)},
        {QStringLiteral("securityEnabled"), true},
        {QStringLiteral("groupTypes"), QJsonArray()},
    };
    auto *job = send(Graph::Request::withBody("POST", QStringLiteral("/groups"), body));
    connect(job, &Job::finished, this, [this, job] {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        m_groupId = job->response().json.value(QLatin1String("id")).toString();
        m_created = true;
        assignLicence(true);
    });
    job->start();
}

void LicenceGroupSetupJob::assignLicence(bool justCreated)
{
    Q_EMIT progress(tr("Assigning %1 to the licensing group…").arg(m_partNumber));
    Graph::Request request =
        Graph::Request::withBody("POST",
                                 QStringLiteral("/groups/%1/assignLicense").arg(m_groupId),
                                 QJsonObject{{QStringLiteral("addLicenses"),
                                              QJsonArray{QJsonObject{{QStringLiteral("skuId"), m_skuId},
                                                                     {QStringLiteral("disabledPlans"), QJsonArray()}}}},
                                             {QStringLiteral("removeLicenses"), QJsonArray()}});
    // A group made moments ago may not have reached every replica yet.
    request.retryNotFound = justCreated;
    auto *job = send(request);
    connect(job, &Job::finished, this, [this, job] {
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        m_assigned = true;
        succeed();
    });
    job->start();
}

} // namespace M365::Sync
