// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/licencegroups.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace M365;
using namespace M365::Sync;

namespace {

const QString e3 = QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900");
const QString exchange = QStringLiteral("4b9405b0-7788-4568-add1-99614e613b69");
const QString p1 = QStringLiteral("078d2b04-f1bd-4111-bbd4-b4b1b354cef4");
const QString salesGroup = QStringLiteral("e61ff361-5baf-41f0-b2fd-380a6a5e406a");
const QString ourGroup = QStringLiteral("0a2f6c1e-5b7d-4e8f-9a10-b2c3d4e5f607");

/// One licenseAssignmentState as resources/licenseassignmentstate.md shows it (assignedByGroup null: direct).
QJsonObject assignment(const QString &skuId, const QString &group, const QString &state = QStringLiteral("Active"))
{
    return QJsonObject{
        {QStringLiteral("assignedByGroup"), group.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(group)},
        {QStringLiteral("disabledPlans"), QJsonArray()},
        {QStringLiteral("error"),
         state == QLatin1String("Error") ? QStringLiteral("CountViolation") : QStringLiteral("None")},
        {QStringLiteral("lastUpdatedDateTime"), QStringLiteral("2026-11-30T09:12:44Z")},
        {QStringLiteral("skuId"), skuId},
        {QStringLiteral("state"), state},
    };
}

QJsonObject user(const QString &id, const QJsonArray &states)
{
    return QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("licenseAssignmentStates"), states}};
}

/// A subscribedSku as api/subscribedsku-list.md shows it.
QJsonObject sku(const QString &skuId,
                const QString &partNumber,
                int enabled,
                int consumed,
                const QStringList &plans = {},
                const QString &status = QStringLiteral("Enabled"))
{
    QJsonArray servicePlans;
    for (const QString &plan : plans) {
        servicePlans.append(
            QJsonObject{{QStringLiteral("servicePlanId"), QStringLiteral("41781fb2-bc02-4b7c-bd55-b576c07bb09d")},
                        {QStringLiteral("servicePlanName"), plan},
                        {QStringLiteral("provisioningStatus"), QStringLiteral("Success")},
                        {QStringLiteral("appliesTo"), QStringLiteral("User")}});
    }
    return QJsonObject{
        {QStringLiteral("capabilityStatus"), status},
        {QStringLiteral("consumedUnits"), consumed},
        {QStringLiteral("id"), QString(QStringLiteral("tenant_") + skuId)},
        {QStringLiteral("prepaidUnits"),
         QJsonObject{{QStringLiteral("enabled"), enabled},
                     {QStringLiteral("suspended"), 0},
                     {QStringLiteral("warning"), 0},
                     {QStringLiteral("lockedOut"), 0}}},
        {QStringLiteral("servicePlans"), servicePlans},
        {QStringLiteral("skuId"), skuId},
        {QStringLiteral("skuPartNumber"), partNumber},
    };
}

QJsonArray tenantSkus()
{
    return QJsonArray{sku(e3, QStringLiteral("ENTERPRISEPACK"), 25, 7, {QStringLiteral("EXCHANGE_S_ENTERPRISE")}),
                      sku(exchange, QStringLiteral("EXCHANGESTANDARD"), 10, 0),
                      sku(p1, QStringLiteral("AAD_PREMIUM"), 50, 3, {QStringLiteral("AAD_PREMIUM")})};
}

} // namespace

using Counts = QList<int>; // direct, through group, failed, per SKU of tenantSkus()

class TestLicenceGroups : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void counting_data()
    {
        QTest::addColumn<QJsonArray>("users");
        QTest::addColumn<Counts>("e3Counts");
        QTest::addColumn<Counts>("exchangeCounts");

        QTest::newRow("no users") << QJsonArray() << Counts{0, 0, 0} << Counts{0, 0, 0};
        QTest::newRow("users without licences")
            << QJsonArray{user(QStringLiteral("u1"), {}), QJsonObject{{QStringLiteral("id"), QStringLiteral("u2")}}}
            << Counts{0, 0, 0} << Counts{0, 0, 0};
        QTest::newRow("direct") << QJsonArray{user(QStringLiteral("u1"), {assignment(e3, {})}),
                                              user(QStringLiteral("u2"), {assignment(e3, {})})}
                                << Counts{2, 0, 0} << Counts{0, 0, 0};
        QTest::newRow("through a group") << QJsonArray{user(QStringLiteral("u1"), {assignment(e3, salesGroup)}),
                                                       user(QStringLiteral("u2"),
                                                            {assignment(e3, ourGroup), assignment(exchange, {})})}
                                         << Counts{0, 2, 0} << Counts{1, 0, 0};
        // Direct and inherited at once (the middle of a migration): one seat, shown in both columns.
        QTest::newRow("direct and through a group")
            << QJsonArray{user(QStringLiteral("u1"), {assignment(e3, {}), assignment(e3, ourGroup)})} << Counts{1, 1, 0}
            << Counts{0, 0, 0};
        QTest::newRow("two groups count once")
            << QJsonArray{user(QStringLiteral("u1"), {assignment(e3, ourGroup), assignment(e3, salesGroup)})}
            << Counts{0, 1, 0} << Counts{0, 0, 0};
        QTest::newRow("failed group assignment")
            << QJsonArray{user(QStringLiteral("u1"), {assignment(e3, ourGroup, QStringLiteral("Error"))}),
                          user(QStringLiteral("u2"), {assignment(e3, ourGroup, QStringLiteral("ActiveWithError"))})}
            << Counts{0, 1, 1} << Counts{0, 0, 0};
        QTest::newRow("failed from a group, held directly") << QJsonArray{user(
            QStringLiteral("u1"), {assignment(e3, {}), assignment(e3, ourGroup, QStringLiteral("Error"))})}
                                                            << Counts{1, 0, 0} << Counts{0, 0, 0};
        QTest::newRow("disabled is not held")
            << QJsonArray{user(QStringLiteral("u1"), {assignment(exchange, {}, QStringLiteral("Disabled"))})}
            << Counts{0, 0, 0} << Counts{0, 0, 0};
        QTest::newRow("sku id in upper case") << QJsonArray{user(QStringLiteral("u1"), {assignment(e3.toUpper(), {})})}
                                              << Counts{1, 0, 0} << Counts{0, 0, 0};
    }

    void counting()
    {
        QFETCH(QJsonArray, users);
        QFETCH(Counts, e3Counts);
        QFETCH(Counts, exchangeCounts);

        // Fed in two pages, as LicenceOverviewJob gets them.
        QJsonArray first;
        QJsonArray rest;
        for (int i = 0; i < users.size(); ++i) {
            (i == 0 ? first : rest).append(users.at(i));
        }
        LicenceCounter counter;
        counter.addUsers(first);
        counter.addUsers(rest);
        const QList<LicenceSummary> summary = counter.summarise(tenantSkus(), {{e3, ourGroup}});
        QCOMPARE(summary.size(), 3);

        QCOMPARE(summary[0].skuId, e3);
        QCOMPARE(summary[0].partNumber, QStringLiteral("ENTERPRISEPACK"));
        QCOMPARE(summary[0].prepaid, 25);
        QCOMPARE(summary[0].consumed, 7);
        QCOMPARE(summary[0].free(), 18);
        QCOMPARE((Counts{summary[0].direct, summary[0].throughGroup, summary[0].failed}), e3Counts);
        QCOMPARE(summary[0].licenceGroupId, ourGroup);

        QCOMPARE(summary[1].partNumber, QStringLiteral("EXCHANGESTANDARD"));
        QCOMPARE((Counts{summary[1].direct, summary[1].throughGroup, summary[1].failed}), exchangeCounts);
        QVERIFY(summary[1].licenceGroupId.isEmpty());

        QCOMPARE(summary[2].partNumber, QStringLiteral("AAD_PREMIUM"));
        QCOMPARE((Counts{summary[2].direct, summary[2].throughGroup, summary[2].failed}), (Counts{0, 0, 0}));
    }

    void graphUserJson()
    {
        // A user exactly as GET /users?$select=id,licenseAssignmentStates answers (resources/user.md).
        const QByteArray body = R"({
            "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
            "licenseAssignmentStates": [
                {"skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900", "disabledPlans": [], "assignedByGroup": null,
                 "state": "Active", "error": "None", "lastUpdatedDateTime": "2026-03-02T11:12:13Z"},
                {"skuId": "4b9405b0-7788-4568-add1-99614e613b69", "disabledPlans": [],
                 "assignedByGroup": "e61ff361-5baf-41f0-b2fd-380a6a5e406a", "state": "Active", "error": "None",
                 "lastUpdatedDateTime": "2026-03-02T11:12:13Z"}
            ]
        })";
        LicenceCounter counter;
        counter.addUser(QJsonDocument::fromJson(body).object());
        const QList<LicenceSummary> summary = counter.summarise(tenantSkus());
        QCOMPARE(summary[0].direct, 1);
        QCOMPARE(summary[0].throughGroup, 0);
        QCOMPARE(summary[1].direct, 0);
        QCOMPARE(summary[1].throughGroup, 1);
    }

    void groupLicensing_data()
    {
        QTest::addColumn<QJsonArray>("skus");
        QTest::addColumn<bool>("supported");
        QTest::newRow("none") << QJsonArray() << false;
        QTest::newRow("exchange online only") << QJsonArray{sku(
            exchange, QStringLiteral("EXCHANGESTANDARD"), 10, 0, {QStringLiteral("EXCHANGE_S_STANDARD")})}
                                              << false;
        // Office 365 E3 is enough by concept-group-based-licensing.md, though it has no AAD_PREMIUM plan.
        QTest::newRow("office 365 e3") << QJsonArray{sku(
            e3, QStringLiteral("ENTERPRISEPACK"), 25, 0, {QStringLiteral("EXCHANGE_S_ENTERPRISE")})}
                                       << true;
        QTest::newRow("p1 without seats")
            << QJsonArray{sku(p1, QStringLiteral("AAD_PREMIUM"), 0, 0, {QStringLiteral("AAD_PREMIUM")})} << false;
        QTest::newRow("entra id p1")
            << QJsonArray{sku(exchange, QStringLiteral("EXCHANGESTANDARD"), 10, 0),
                          sku(p1, QStringLiteral("AAD_PREMIUM"), 50, 3, {QStringLiteral("AAD_PREMIUM")})}
            << true;
        QTest::newRow("a bundle with the p1 service plan")
            << QJsonArray{sku(e3,
                              QStringLiteral("CONTOSO_BUNDLE"),
                              25,
                              0,
                              {QStringLiteral("EXCHANGE_S_ENTERPRISE"), QStringLiteral("AAD_PREMIUM")})}
            << true;
        QTest::newRow("entra id p2") << QJsonArray{sku(
            p1, QStringLiteral("AAD_PREMIUM_P2"), 5, 0, {QStringLiteral("AAD_PREMIUM_P2")})}
                                     << true;
        QTest::newRow("p1 suspended") << QJsonArray{sku(
            p1, QStringLiteral("AAD_PREMIUM"), 5, 0, {QStringLiteral("AAD_PREMIUM")}, QStringLiteral("Suspended"))}
                                      << false;
        QTest::newRow("p1 in warning") << QJsonArray{sku(
            p1, QStringLiteral("AAD_PREMIUM"), 5, 0, {QStringLiteral("AAD_PREMIUM")}, QStringLiteral("Warning"))}
                                       << true;
    }

    void groupLicensing()
    {
        QFETCH(QJsonArray, skus);
        QFETCH(bool, supported);
        QCOMPARE(supportsGroupLicensing(skus), supported);
    }

    void names()
    {
        QCOMPARE(licenceGroupNickname(QStringLiteral("ENTERPRISEPACK")),
                 QStringLiteral("m365sync-licence-enterprisepack"));
        QCOMPARE(licenceGroupNickname(QStringLiteral("SPE_E3")), QStringLiteral("m365sync-licence-spe_e3"));
        QCOMPARE(licenceGroupDisplayName(QStringLiteral("SPE_E3")), QStringLiteral("m365sync licence: SPE_E3"));
    }

    void ourGroups()
    {
        const QJsonArray groups{
            // Ours, assigned E3.
            QJsonObject{{QStringLiteral("id"), ourGroup},
                        {QStringLiteral("mailNickname"), QStringLiteral("m365sync-licence-enterprisepack")},
                        {QStringLiteral("assignedLicenses"),
                         QJsonArray{QJsonObject{{QStringLiteral("skuId"), e3},
                                                {QStringLiteral("disabledPlans"), QJsonArray()}}}}},
            // Ours, made but not assigned yet: found by its nickname.
            QJsonObject{{QStringLiteral("id"), QStringLiteral("22222222-2222-2222-2222-222222222222")},
                        {QStringLiteral("mailNickname"), QStringLiteral("m365sync-licence-exchangestandard")},
                        {QStringLiteral("assignedLicenses"), QJsonArray()}},
            // Someone else's licensed group.
            QJsonObject{{QStringLiteral("id"), salesGroup},
                        {QStringLiteral("mailNickname"), QStringLiteral("sales")},
                        {QStringLiteral("assignedLicenses"),
                         QJsonArray{QJsonObject{{QStringLiteral("skuId"), p1},
                                                {QStringLiteral("disabledPlans"), QJsonArray()}}}}},
        };
        const QHash<QString, QString> expected{{e3, ourGroup},
                                               {exchange, QStringLiteral("22222222-2222-2222-2222-222222222222")}};
        QCOMPARE(licenceGroupsOf(groups, tenantSkus()), expected);
    }
};

QTEST_GUILESS_MAIN(TestLicenceGroups)
#include "tst_licencegroups.moc"
