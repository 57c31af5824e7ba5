// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profile/connection.h"
#include "sandboxfixture.h"
#include "sync/licencegroups.h"
#include "tenantstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace M365;
using namespace M365::Sync;

namespace {} // namespace

/*
 * LicenceGroupSetupJob and LicenceOverviewJob against the sandbox tenant, which implements group-based licensing as
 * Microsoft documents it (group-assignlicense.md, licenseassignmentstate.md): the group is found or made, assigned the
 * SKU once, and a tenant without Entra ID P1 is refused before anything is made.
 */
class TestLicenceGroupsSandbox : public QObject
{
    Q_OBJECT

    Sandbox::TenantState &state() { return m_sandbox->tenant().state(); }

    QString skuId(const QString &partNumber)
    {
        for (const QJsonObject &sku : state().skus) {
            if (sku.value(QLatin1String("skuPartNumber")).toString() == partNumber) {
                return sku.value(QLatin1String("skuId")).toString();
            }
        }
        return {};
    }

    /// Groups of the tenant with this mailNickname, as Graph lists them.
    QJsonArray groupsNamed(const QString &nickname)
    {
        const SandboxFixture::Reply reply = m_sandbox->graph(
            "GET",
            QStringLiteral("/groups?") + Graph::filterEquals(QStringLiteral("mailNickname"), nickname)
                + QStringLiteral("&$select=id,displayName,mailEnabled,securityEnabled,assignedLicenses"),
            m_token);
        [&] {
            QCOMPARE(reply.status, 200);
        }();
        return reply.value();
    }

    std::unique_ptr<LicenceGroupSetupJob> runSetup(const QString &sku)
    {
        auto job = std::make_unique<LicenceGroupSetupJob>(m_connection->graph(), sku, this);
        QSignalSpy finished(job.get(), &Job::finished);
        job->start();
        [&] {
            QVERIFY(finished.wait(20000));
        }();
        return job;
    }

    static bool holds(const QJsonObject &object, const QString &sku)
    {
        for (const auto &licence : object.value(QLatin1String("assignedLicenses")).toArray()) {
            if (licence.toObject().value(QLatin1String("skuId")).toString() == sku) {
                return true;
            }
        }
        return false;
    }

    /// Makes sure the tenant may use group-based licensing: the demo tenant's Office 365 E3 is enough
    /// (concept-group-based-licensing.md); otherwise the admin buys Entra ID P1 (POST /_sandbox/skus).
    void ensureGroupLicensing()
    {
        QJsonArray skus;
        for (const QJsonObject &sku : std::as_const(state().skus)) {
            skus.append(sku);
        }
        if (Sync::supportsGroupLicensing(skus)) {
            return;
        }
        const QJsonObject p1{
            {QStringLiteral("skuId"), QStringLiteral("078d2b04-f1bd-4111-bbd4-b4b1b354cef4")},
            {QStringLiteral("skuPartNumber"), QStringLiteral("AAD_PREMIUM")},
            {QStringLiteral("seats"), 50},
            {QStringLiteral("servicePlans"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("servicePlanId"), QStringLiteral("41781fb2-bc02-4b7c-bd55-b576c07bb09d")},
                             {QStringLiteral("servicePlanName"), QStringLiteral("AAD_PREMIUM")}}}}};
        QCOMPARE(m_sandbox->admin("POST", QStringLiteral("skus"), p1).status, 201);
    }

    /// A tenant without Entra ID P1: every subscription that gives it ends (DELETE /_sandbox/skus/{skuId}).
    void cancelGroupLicensing()
    {
        const QList<QJsonObject> skus = state().skus;
        for (const QJsonObject &sku : skus) {
            if (Sync::supportsGroupLicensing(QJsonArray{sku})) {
                const QString id = sku.value(QLatin1String("skuId")).toString();
                QCOMPARE(m_sandbox->admin("DELETE", QStringLiteral("skus/") + id).status, 204);
            }
        }
    }

private Q_SLOTS:
    void init()
    {
        m_sandbox = std::make_unique<SandboxFixture>();
        QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
        m_token = m_sandbox->demoToken();
        QVERIFY(!m_token.isEmpty());
        M365::Profile::Profile profile;
        profile.name = QStringLiteral("licences");
        profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(m_sandbox->baseUrl()));
        profile.tenant = state().tenantId;
        profile.clientId = state().demoClientId;
        profile.credentialKind = M365::Profile::CredentialKind::ClientSecret;
        m_connection = std::make_unique<M365::Profile::Connection>(
            &m_nam,
            profile,
            Identity::ClientCredential::fromSecret(state().demoClientSecret),
            QList<QSslCertificate>{});
        m_e3 = skuId(QStringLiteral("ENTERPRISEPACK"));
        QVERIFY(!m_e3.isEmpty());
    }

    void cleanup()
    {
        m_connection.reset();
        m_sandbox.reset();
    }

    void createsTheGroupAndAssignsTheSku()
    {
        ensureGroupLicensing();
        const int groupsBefore = int(state().groups.size());
        const auto job = runSetup(m_e3);
        QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
        QVERIFY(job->createdGroup());
        QVERIFY(job->assignedLicence());
        QCOMPARE(job->skuPartNumber(), QStringLiteral("ENTERPRISEPACK"));
        QCOMPARE(int(state().groups.size()), groupsBefore + 1);

        const QJsonArray found = groupsNamed(QStringLiteral("m365sync-licence-enterprisepack"));
        QCOMPARE(found.size(), 1);
        const QJsonObject group = found.first().toObject();
        QCOMPARE(group.value(QLatin1String("id")).toString(), job->groupId());
        QCOMPARE(group.value(QLatin1String("displayName")).toString(),
                 QStringLiteral("m365sync licence: ENTERPRISEPACK"));
        QCOMPARE(group.value(QLatin1String("securityEnabled")).toBool(), true);
        QCOMPARE(group.value(QLatin1String("mailEnabled")).toBool(true), false);
        QVERIFY2(holds(group, m_e3), QJsonDocument(group).toJson().constData());
    }

    void aSecondRunCreatesNothing()
    {
        ensureGroupLicensing();
        const auto first = runSetup(m_e3);
        QVERIFY2(!first->hasError(), qPrintable(first->errorString()));
        const int groupsAfterFirst = int(state().groups.size());
        const int requestsAfterFirst = int(m_connection->graph()->requestLog()->entries().size());

        const auto second = runSetup(m_e3);
        QVERIFY2(!second->hasError(), qPrintable(second->errorString()));
        QCOMPARE(second->groupId(), first->groupId());
        QVERIFY(!second->createdGroup());
        QVERIFY(!second->assignedLicence());
        QCOMPARE(int(state().groups.size()), groupsAfterFirst);
        QCOMPARE(groupsNamed(QStringLiteral("m365sync-licence-enterprisepack")).size(), 1);
        // Reads only: the subscriptions and the group.
        const auto entries = m_connection->graph()->requestLog()->entries();
        for (qsizetype i = requestsAfterFirst; i < entries.size(); ++i) {
            QCOMPARE(entries.at(i).method, QStringLiteral("GET"));
        }
    }

    void aGroupWithoutTheSkuGetsItAssigned()
    {
        // A group an earlier run made but could not assign (e.g. no seats then): found, not made again.
        ensureGroupLicensing();
        const SandboxFixture::Reply made = m_sandbox->graph(
            "POST",
            QStringLiteral("/groups"),
            m_token,
            {{QStringLiteral("displayName"), licenceGroupDisplayName(QStringLiteral("ENTERPRISEPACK"))},
             {QStringLiteral("mailEnabled"), false},
             {QStringLiteral("mailNickname"), licenceGroupNickname(QStringLiteral("ENTERPRISEPACK"))},
             {QStringLiteral("securityEnabled"), true}});
        QCOMPARE(made.status, 201);
        const auto job = runSetup(m_e3);
        QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
        QCOMPARE(job->groupId(), made.json.value(QLatin1String("id")).toString());
        QVERIFY(!job->createdGroup());
        QVERIFY(job->assignedLicence());
        const QJsonArray found = groupsNamed(QStringLiteral("m365sync-licence-enterprisepack"));
        QCOMPARE(found.size(), 1);
        QVERIFY(holds(found.first().toObject(), m_e3));
    }

    void withoutEntraP1TheTenantIsLeftAlone()
    {
        cancelGroupLicensing();
        // Exchange Online (Plan 1) is still there, but does not include Entra ID P1.
        const QString exchange = skuId(QStringLiteral("EXCHANGESTANDARD"));
        QVERIFY(!exchange.isEmpty());
        const int groupsBefore = int(state().groups.size());
        const auto job = runSetup(exchange);
        QVERIFY(job->hasError());
        QVERIFY2(job->errorString().contains(QLatin1String("Microsoft Entra ID P1")), qPrintable(job->errorString()));
        QVERIFY2(job->errorString().contains(QLatin1String("licences stay assigned per user")),
                 qPrintable(job->errorString()));
        QVERIFY(job->groupId().isEmpty());
        QCOMPARE(int(state().groups.size()), groupsBefore);
        QCOMPARE(groupsNamed(QStringLiteral("m365sync-licence-exchangestandard")).size(), 0);
    }

    void anUnknownSkuIsNamed()
    {
        ensureGroupLicensing();
        const QString unknown = QStringLiteral("11111111-2222-3333-4444-555555555555");
        const auto job = runSetup(unknown);
        QVERIFY(job->hasError());
        QVERIFY2(job->errorString().contains(unknown), qPrintable(job->errorString()));
    }

    void theOverviewTellsDirectFromInherited()
    {
        ensureGroupLicensing();
        // Who holds E3 directly now, from the tenant itself.
        int direct = 0;
        QString member;
        for (const QJsonObject &user : std::as_const(state().users)) {
            if (holds(user, m_e3)) {
                ++direct;
            } else if (member.isEmpty() && user.value(QLatin1String("userType")).toString() != QLatin1String("Guest")) {
                member = user.value(QLatin1String("id")).toString();
            }
        }
        QVERIFY(direct > 0);
        QVERIFY(!member.isEmpty());

        const auto setup = runSetup(m_e3);
        QVERIFY2(!setup->hasError(), qPrintable(setup->errorString()));
        // Group-based licensing needs a usage location like a direct assignment (licensing-groups-resolve-problems.md).
        QCOMPARE(m_sandbox
                     ->graph("PATCH",
                             QStringLiteral("/users/") + member,
                             m_token,
                             {{QStringLiteral("usageLocation"), QStringLiteral("DE")}})
                     .status,
                 204);
        QCOMPARE(m_sandbox
                     ->graph("POST",
                             QStringLiteral("/groups/%1/members/$ref").arg(setup->groupId()),
                             m_token,
                             {{QStringLiteral("@odata.id"),
                               QString(QStringLiteral("https://graph.microsoft.com/v1.0/directoryObjects/") + member)}})
                     .status,
                 204);

        LicenceOverviewJob overview(m_connection->graph(), this);
        QSignalSpy finished(&overview, &Job::finished);
        overview.start();
        QVERIFY(finished.wait(20000));
        QVERIFY2(!overview.hasError(), qPrintable(overview.errorString()));
        QVERIFY(overview.groupLicensingSupported());
        QCOMPARE(overview.skus().size(), state().skus.size());
        bool seen = false;
        for (const LicenceSummary &sku : overview.skus()) {
            if (sku.skuId == m_e3) {
                seen = true;
                QCOMPARE(sku.direct, direct);
                QCOMPARE(sku.throughGroup, 1);
                QCOMPARE(sku.licenceGroupId, setup->groupId());
                QCOMPARE(sku.consumed, direct + 1);
            } else {
                QVERIFY(sku.licenceGroupId.isEmpty());
            }
        }
        QVERIFY(seen);
    }

private:
    QNetworkAccessManager m_nam;
    std::unique_ptr<SandboxFixture> m_sandbox;
    std::unique_ptr<M365::Profile::Connection> m_connection;
    QString m_token;
    QString m_e3;
};

QTEST_GUILESS_MAIN(TestLicenceGroupsSandbox)
#include "tst_licencegroups.moc"
