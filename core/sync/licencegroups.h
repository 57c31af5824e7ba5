// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphclient.h"
#include "job.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QPointer>
#include <QString>

/*
 * Licensing through a group (Microsoft Entra group-based licensing): a SKU is assigned to a security group and every
 * member inherits it, so a new user costs one write (its membership, 20 to a request) instead of two (create, then
 * assignLicense). Graph: api-reference/v1.0/api/group-assignlicense.md, resources/licenseassignmentstate.md
 * (microsoft-graph-docs-contrib); what the tenant needs: entra-docs docs/fundamentals/concept-group-based-licensing.md.
 */
namespace M365::Sync {

/// The mailNickname of the group m365sync makes for a SKU: "m365sync-licence-<skuPartNumber lowercased>". How a
/// later run (or another machine with the same profile) finds the group again instead of making a second one.
QString licenceGroupNickname(const QString &skuPartNumber);
QString licenceGroupDisplayName(const QString &skuPartNumber);

/**
 * True when one of the tenant's subscribed SKUs (subscribedSku objects as Graph returns them) gives what
 * group-based licensing needs: Microsoft Entra ID P1 or above (a service plan named AAD_PREMIUM or AAD_PREMIUM_P2), or
 * a product the entra-docs page names as enough (Office 365 E3/A3/G3 and E5, Microsoft 365 E3/E5, Business Premium).
 * Suspended, deleted and locked-out subscriptions, and ones without seats, do not count.
 */
bool supportsGroupLicensing(const QJsonArray &subscribedSkus);

/// One subscribed SKU as the Licences tab tells it.
struct LicenceSummary
{
    QString skuId;
    QString partNumber;
    int prepaid = 0; ///< prepaidUnits.enabled
    int consumed = 0; ///< consumedUnits
    /// Users holding the SKU by a direct assignment (licenseAssignmentStates entry with assignedByGroup null).
    int direct = 0;
    /// Users holding it through at least one group. A user with both counts in both columns, as Entra shows them.
    int throughGroup = 0;
    /// Users whose assignment is in state Error (e.g. CountViolation): they do not hold the licence.
    int failed = 0;
    /// The licensing group m365sync made for the SKU, empty when there is none.
    QString licenceGroupId;

    int free() const { return prepaid - consumed; }
    bool operator==(const LicenceSummary &other) const
    {
        return skuId == other.skuId && partNumber == other.partNumber && prepaid == other.prepaid
            && consumed == other.consumed && direct == other.direct && throughGroup == other.throughGroup
            && failed == other.failed && licenceGroupId == other.licenceGroupId;
    }
};

/**
 * Counts, per SKU, the users who hold it directly and through a group, from users' licenseAssignmentStates
 * (resources/licenseassignmentstate.md). Pure, and fed page by page so that 100,000 users are never held at once.
 * assignedLicenses is no help here: it includes the licences inherited from groups without saying so.
 */
class LicenceCounter
{
public:
    /// Users as Graph returns them with $select=id,licenseAssignmentStates.
    void addUsers(const QJsonArray &users);
    void addUser(const QJsonObject &user);
    /// One row per subscribed SKU, in the order Graph listed them; @p licenceGroups maps SKU id → our group.
    QList<LicenceSummary> summarise(const QJsonArray &subscribedSkus,
                                    const QHash<QString, QString> &licenceGroups = {}) const;

private:
    struct Counts
    {
        int direct = 0;
        int throughGroup = 0;
        int failed = 0;
    };
    QHash<QString, Counts> m_counts;
};

/**
 * The licensing groups of m365sync among @p groups (group objects with id, mailNickname and assignedLicenses):
 * SKU id → group id. A group is ours by its mailNickname; the SKU is the one it is assigned, or else the one whose
 * part number its nickname names (a group whose assignment has not been made yet).
 */
QHash<QString, QString> licenceGroupsOf(const QJsonArray &groups, const QJsonArray &subscribedSkus);

/**
 * Reads what the Licences tab shows: the subscribed SKUs, m365sync's licensing groups, and every user's
 * licenseAssignmentStates (one page of 999 at a time), and counts them with LicenceCounter.
 */
class LicenceOverviewJob : public M365::Job
{
    Q_OBJECT

public:
    explicit LicenceOverviewJob(Graph::GraphClient *client, QObject *parent = nullptr);

    const QList<LicenceSummary> &skus() const { return m_skus; }
    bool groupLicensingSupported() const { return m_groupLicensing; }

protected:
    void run() override;

private:
    void readGroups();
    void readUsers();

    QPointer<Graph::GraphClient> m_client;
    QJsonArray m_subscribedSkus;
    QHash<QString, QString> m_licenceGroups;
    LicenceCounter m_counter;
    QList<LicenceSummary> m_skus;
    bool m_groupLicensing = false;
};

/**
 * Sets up licensing through a group for one SKU: finds the security group m365sync made for it before (by its
 * mailNickname, licenceGroupNickname()) or creates it, then assigns it the SKU unless it already has it. Running it
 * again changes nothing. Before anything is created it checks that the tenant has Entra ID P1
 * (supportsGroupLicensing()); without it the job fails and the tenant is left as it was.
 */
class LicenceGroupSetupJob : public M365::Job
{
    Q_OBJECT

public:
    LicenceGroupSetupJob(Graph::GraphClient *client, const QString &skuId, QObject *parent = nullptr);

    /// The licensing group (valid after success).
    QString groupId() const { return m_groupId; }
    QString skuPartNumber() const { return m_partNumber; }
    /// Whether this run created the group, and whether it assigned the SKU (false: they were there already).
    bool createdGroup() const { return m_created; }
    bool assignedLicence() const { return m_assigned; }

Q_SIGNALS:
    /// What the job is doing now, in a few words for a progress line.
    void progress(const QString &text);

protected:
    void run() override;

private:
    void findGroup();
    void createGroup();
    void assignLicence(bool justCreated);
    Graph::RequestJob *send(const Graph::Request &request);

    QPointer<Graph::GraphClient> m_client;
    QString m_skuId;
    QString m_partNumber;
    QString m_groupId;
    bool m_created = false;
    bool m_assigned = false;
};

} // namespace M365::Sync
