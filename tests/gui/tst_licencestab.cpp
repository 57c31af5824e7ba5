// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "errorbanner.h"
#include "licencestab.h"
#include "profile/connection.h"
#include "sandboxfixture.h"
#include "sync/licencegroups.h"
#include "tenantstate.h"

#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <memory>

using namespace M365;

namespace {

bool holds(const QJsonObject &object, const QString &sku)
{
    for (const auto &licence : object.value(QLatin1String("assignedLicenses")).toArray()) {
        if (licence.toObject().value(QLatin1String("skuId")).toString() == sku) {
            return true;
        }
    }
    return false;
}

} // namespace

/*
 * The Licences tab on its own, given a GraphClient on the sandbox tenant: every subscription with direct and
 * inherited holders, the SKU picker, and the licensing group set up from the button. Driven by objectName.
 */
class TestLicencesTab : public QObject
{
    Q_OBJECT

    Sandbox::TenantState &state() { return m_sandbox->tenant().state(); }

    template <class T> T *find(const char *name)
    {
        T *widget = m_tab->findChild<T *>(QLatin1String(name));
        if (!widget) {
            qWarning("no widget named %s", name);
        }
        return widget;
    }

    int rowOf(const QString &skuId)
    {
        auto *table = find<QTableWidget>("licencesTable");
        for (int row = 0; row < table->rowCount(); ++row) {
            if (table->item(row, 0)->data(Qt::UserRole).toString() == skuId) {
                return row;
            }
        }
        return -1;
    }

    QString cell(int row, int column) { return find<QTableWidget>("licencesTable")->item(row, column)->text(); }

    void selectSku(const QString &skuId)
    {
        auto *picker = find<QComboBox>("licenceSkuPicker");
        const int index = picker->findData(skuId);
        QVERIFY(index >= 0);
        picker->setCurrentIndex(index);
    }

    void readOverview()
    {
        QSignalSpy read(m_tab.get(), &Ui::LicencesTab::overviewChanged);
        m_tab->refresh();
        QVERIFY(read.wait(20000));
        QVERIFY2(find<Ui::ErrorBanner>("licencesBanner")->text().isEmpty(),
                 qPrintable(find<Ui::ErrorBanner>("licencesBanner")->text()));
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
        for (const QJsonObject &sku : state().skus) {
            if (sku.value(QLatin1String("skuPartNumber")).toString() == QLatin1String("ENTERPRISEPACK")) {
                m_e3 = sku.value(QLatin1String("skuId")).toString();
            } else if (sku.value(QLatin1String("skuPartNumber")).toString() == QLatin1String("EXCHANGESTANDARD")) {
                m_exchange = sku.value(QLatin1String("skuId")).toString();
            }
        }
        QVERIFY(!m_e3.isEmpty() && !m_exchange.isEmpty());
        m_tab = std::make_unique<Ui::LicencesTab>();
        m_tab->resize(1000, 600);
        m_tab->show();
    }

    void cleanup()
    {
        m_tab.reset();
        m_connection.reset();
        m_sandbox.reset();
    }

    void listsEverySubscriptionAndSetsUpTheGroup()
    {
        ensureGroupLicensing();
        // Who holds E3 now (all directly: nothing is licensed through a group yet), from the tenant itself.
        int e3Holders = 0;
        QString member;
        for (const QJsonObject &user : std::as_const(state().users)) {
            if (holds(user, m_e3)) {
                ++e3Holders;
            } else if (member.isEmpty()) {
                member = user.value(QLatin1String("id")).toString();
            }
        }
        QVERIFY(e3Holders > 0);

        // The plan uses E3 only; the table still lists every subscription.
        Sync::SeatCount seat;
        seat.skuId = m_e3;
        seat.skuPartNumber = QStringLiteral("ENTERPRISEPACK");
        seat.prepaid = 25;
        seat.consumed = e3Holders;
        seat.needed = 3;
        m_tab->setSeats({seat});
        QSignalSpy read(m_tab.get(), &Ui::LicencesTab::overviewChanged);
        m_tab->setGraphClient(m_connection->graph());
        QVERIFY(read.wait(20000));
        QVERIFY2(find<Ui::ErrorBanner>("licencesBanner")->text().isEmpty(),
                 qPrintable(find<Ui::ErrorBanner>("licencesBanner")->text()));

        auto *table = find<QTableWidget>("licencesTable");
        QCOMPARE(table->rowCount(), int(state().skus.size()));
        auto *picker = find<QComboBox>("licenceSkuPicker");
        QCOMPARE(picker->count(), int(state().skus.size()));
        for (const QJsonObject &sku : state().skus) {
            const int row = rowOf(sku.value(QLatin1String("skuId")).toString());
            QVERIFY(row >= 0);
            QVERIFY(cell(row, 0).startsWith(sku.value(QLatin1String("skuPartNumber")).toString()));
            QVERIFY(picker->findText(sku.value(QLatin1String("skuPartNumber")).toString()) >= 0);
            QCOMPARE(cell(row, 1),
                     QString::number(
                         sku.value(QLatin1String("prepaidUnits")).toObject().value(QLatin1String("enabled")).toInt()));
        }
        const int e3Row = rowOf(m_e3);
        QCOMPARE(cell(e3Row, 4), QString::number(e3Holders)); // direct
        QCOMPARE(cell(e3Row, 5), QStringLiteral("0")); // through group
        QCOMPARE(cell(e3Row, 6), QStringLiteral("+3 / −0")); // planned
        QVERIFY(cell(rowOf(m_exchange), 6).isEmpty()); // not in the plan
        QVERIFY(!find<QLabel>("licenceGroupNote")->text().isEmpty());

        // Licensing through a group for E3: the button waits while the job runs, then the group is in the settings.
        selectSku(m_e3);
        QSignalSpy settings(m_tab.get(), &Ui::LicencesTab::settingsChangeRequested);
        QSignalSpy done(m_tab.get(), &Ui::LicencesTab::licenceGroupSetupFinished);
        auto *button = find<QPushButton>("licenceGroupButton");
        QVERIFY(button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(!button->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!find<QLabel>("licenceGroupProgress")->text().isEmpty(), 5000);
        QVERIFY(done.wait(20000));
        QCOMPARE(done.first().first().toBool(), true);
        QVERIFY2(find<Ui::ErrorBanner>("licencesBanner")->text().isEmpty(),
                 qPrintable(find<Ui::ErrorBanner>("licencesBanner")->text()));
        QVERIFY(button->isEnabled());
        QCOMPARE(settings.size(), 1);
        const auto saved = settings.first().first().value<Sync::SyncSettings>();
        const QString groupId = saved.options.licenceGroupBySku.value(m_e3);
        QVERIFY(!groupId.isEmpty());
        QVERIFY(state().groups.contains(groupId));
        QCOMPARE(state().groups.value(groupId).value(QLatin1String("mailNickname")).toString(),
                 QStringLiteral("m365sync-licence-enterprisepack"));

        // A member of the group holds E3 through it: the tab tells it apart from the direct holders.
        QVERIFY(!member.isEmpty());
        QCOMPARE(m_sandbox
                     ->graph("PATCH",
                             QStringLiteral("/users/") + member,
                             m_token,
                             {{QStringLiteral("usageLocation"), QStringLiteral("DE")}})
                     .status,
                 204);
        QCOMPARE(m_sandbox
                     ->graph("POST",
                             QStringLiteral("/groups/%1/members/$ref").arg(groupId),
                             m_token,
                             {{QStringLiteral("@odata.id"),
                               QString(QStringLiteral("https://graph.microsoft.com/v1.0/directoryObjects/") + member)}})
                     .status,
                 204);
        readOverview();
        QCOMPARE(cell(rowOf(m_e3), 4), QString::number(e3Holders));
        QCOMPARE(cell(rowOf(m_e3), 5), QStringLiteral("1"));
        QVERIFY(cell(rowOf(m_e3), 0).contains(QLatin1String("licensing group")));

        // For review: the tab as the admin sees it now.
        QDir().mkpath(QStringLiteral(M365_BINARY_DIR "/screenshots"));
        QVERIFY(m_tab->grab().save(QStringLiteral(M365_BINARY_DIR "/screenshots/licences-tab.png")));
    }

    void assignToEveryUser()
    {
        QSignalSpy read(m_tab.get(), &Ui::LicencesTab::overviewChanged);
        m_tab->setGraphClient(m_connection->graph());
        QVERIFY(read.wait(20000));
        selectSku(m_exchange);
        QSignalSpy settings(m_tab.get(), &Ui::LicencesTab::settingsChangeRequested);
        QTest::mouseClick(find<QPushButton>("licenceAssignAllButton"), Qt::LeftButton);
        QCOMPARE(settings.size(), 1);
        QCOMPARE(settings.first().first().value<Sync::SyncSettings>().options.defaultSkuId, m_exchange);
        QVERIFY(cell(rowOf(m_exchange), 0).contains(QLatin1String("every user")));
        // Already every user's licence: nothing to do again.
        QVERIFY(!find<QPushButton>("licenceAssignAllButton")->isEnabled());
    }

    void withoutEntraP1TheBannerSaysWhy()
    {
        cancelGroupLicensing();
        const int groupsBefore = int(state().groups.size());
        QSignalSpy read(m_tab.get(), &Ui::LicencesTab::overviewChanged);
        m_tab->setGraphClient(m_connection->graph());
        QVERIFY(read.wait(20000));
        // Exchange Online (Plan 1) is still there, but does not include Entra ID P1.
        selectSku(m_exchange);
        QSignalSpy settings(m_tab.get(), &Ui::LicencesTab::settingsChangeRequested);
        QSignalSpy done(m_tab.get(), &Ui::LicencesTab::licenceGroupSetupFinished);
        QTest::mouseClick(find<QPushButton>("licenceGroupButton"), Qt::LeftButton);
        QVERIFY(done.wait(20000));
        QCOMPARE(done.first().first().toBool(), false);
        const QString banner = find<Ui::ErrorBanner>("licencesBanner")->text();
        QVERIFY2(banner.contains(QLatin1String("Microsoft Entra ID P1")), qPrintable(banner));
        QCOMPARE(settings.size(), 0);
        QCOMPARE(int(state().groups.size()), groupsBefore);
        QVERIFY(find<QPushButton>("licenceGroupButton")->isEnabled());
    }

private:
    QNetworkAccessManager m_nam;
    std::unique_ptr<SandboxFixture> m_sandbox;
    std::unique_ptr<M365::Profile::Connection> m_connection;
    std::unique_ptr<Ui::LicencesTab> m_tab;
    QString m_token;
    QString m_e3;
    QString m_exchange;
};

QTEST_MAIN(TestLicencesTab)
#include "tst_licencestab.moc"
