// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "dashboardcontroller.h"
#include "dashboardfixture.h"
#include "errorbanner.h"
#include "translations.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>

using namespace M365;
using Ui::DashboardController;

/*
 * The dashboard in German: the same profile and window as tst_dashboard (dashboardfixture.h), with the German
 * translation installed before any widget exists. The plan, a run (during and after), the history, the settings and
 * the licences are saved as PNGs (1280×800) next to the English ones ("de-" in front of the name), for review of
 * clipped or overflowing texts; the texts checked are the German ones.
 */
class TestDashboardGerman : public QObject, private Test::DashboardFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void planSpeaksGerman();
    void synchronizeInGerman();
    void licencesInGerman();

private:
    /// What the dashboard shows for @p english, by the installed translation.
    static QString dashboardText(const char *english)
    {
        return QCoreApplication::translate("M365::Ui::DashboardWidget", english);
    }
    QString tabText(const char *name) const
    {
        auto *tabs = find<QTabWidget>("dashboardTabs");
        return tabs->tabText(tabs->indexOf(tabs->findChild<QWidget *>(QLatin1String(name))));
    }
};

void TestDashboardGerman::initTestCase()
{
    // German before the first widget: every text is translated when it is set.
    const QLocale german(QLocale::German, QLocale::Germany);
    QLocale::setDefault(german);
    QVERIFY(Ui::installTranslations(german, QStringLiteral(M365_QM_DIR)));
    createProfile();
    QVERIFY(!QTest::currentTestFailed());
    openWindow();
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY2(waitForPlan({}, 60000), qPrintable(find<Ui::ErrorBanner>("errorBanner")->text()));
}

void TestDashboardGerman::cleanupTestCase()
{
    tearDownDashboard();
}

void TestDashboardGerman::planSpeaksGerman()
{
    // The plan creates the directory's users: the preview has rows to show.
    QVERIFY(controller()->plan().changes.size() > m_directoryUsers / 2);

    // The header, the sync button and the tabs speak German.
    QTRY_COMPARE_WITH_TIMEOUT(find<QLabel>("tokenStatus")->text(), QStringLiteral("Angemeldet"), 10000);
    QCOMPARE(find<QLabel>("rolesStatus")->text(), QStringLiteral("Berechtigungen OK"));
    QVERIFY(find<QLabel>("certificateStatus")->text().startsWith(QStringLiteral("Zertifikat")));
    QVERIFY(find<QPushButton>("syncButton")->isEnabled());
    QCOMPARE(find<QPushButton>("syncButton")->text(), QStringLiteral("Jetzt synchronisieren"));
    QCOMPARE(find<QPushButton>("syncButton")->text(), dashboardText("Synchronize Now"));
    QCOMPARE(tabText("previewPane"), QStringLiteral("Vorschau"));
    QCOMPARE(tabText("historyTab"), QStringLiteral("Verlauf"));
    QCOMPARE(tabText("licencesTab"), QStringLiteral("Lizenzen"));
    QCOMPARE(tabText("settingsTab"), QStringLiteral("Einstellungen"));
    QCOMPARE(find<QToolButton>("filterButton_all")->text(),
             QStringLiteral("Alle (%1)").arg(controller()->plan().changes.size()));
    QCOMPARE(find<QLabel>("lastSyncLabel")->text(), QStringLiteral("Letzte Synchronisation: nie"));

    auto *table = find<QTableView>("previewTable");
    table->setCurrentIndex(table->model()->index(0, 0));
    shot(QStringLiteral("de-dashboard-plan"));

    selectTab("settingsTab");
    QCOMPARE(find<QPushButton>("settingsApplyButton")->text(),
             QCoreApplication::translate("M365::Ui::SettingsTab", "Apply"));
    QVERIFY(find<QPushButton>("settingsApplyButton")->text() != QLatin1String("Apply"));
    shot(QStringLiteral("de-dashboard-settings"));
    selectTab("previewPane");
}

void TestDashboardGerman::synchronizeInGerman()
{
    // A little latency keeps the run under way long enough to be seen; at the first progress it is saved and the
    // tenant answers at full speed again.
    Sandbox::SandboxTenant *sandbox = m_wizard->context()->sandboxServer()->tenant();
    Sandbox::SandboxTenant::Faults faults;
    faults.latencyMs = 200;
    sandbox->setFaults(faults);
    bool seen = false;
    // The receiver ends with this function, failed or not: the connection never outlives the locals it uses.
    QObject receiver;
    connect(controller(), &DashboardController::applyProgress, &receiver, [&](const Sync::ApplyProgress &p) {
        if (seen || p.done < 1 || p.done >= p.total) {
            return;
        }
        seen = true;
        sandbox->setFaults({});
        QVERIFY(find<QWidget>("progressBox")->isVisible());
        QVERIFY(!find<QPushButton>("syncButton")->isEnabled());
        QCOMPARE(find<QProgressBar>("syncProgress")->value(), p.done);
        QVERIFY2(find<QLabel>("progressLabel")->text().startsWith(QStringLiteral("%1 von %2").arg(p.done).arg(p.total)),
                 qPrintable(find<QLabel>("progressLabel")->text()));
        QCOMPARE(find<QPushButton>("cancelButton")->text(), QStringLiteral("Abbrechen"));
        shot(QStringLiteral("de-dashboard-syncing"));
    });
    QSignalSpy finished(controller(), &DashboardController::applyFinished);
    const QDateTime planned = controller()->plan().created;
    click("syncButton");
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    QObject::disconnect(controller(), nullptr, &receiver, nullptr);
    sandbox->setFaults({});
    QVERIFY(seen);
    QCOMPARE(finished.constFirst().at(1).toBool(), false);

    // Afterwards: nothing left to do, the last sync in German.
    QVERIFY(waitForPlan(planned, 30000));
    QTRY_COMPARE_WITH_TIMEOUT(preview()->applicableCount(), 0, 10000);
    QVERIFY(!find<QPushButton>("syncButton")->isEnabled());
    QVERIFY(!find<Ui::ErrorBanner>("summaryBanner")->text().isEmpty());
    const QString lastSync = find<QLabel>("lastSyncLabel")->text();
    QVERIFY2(lastSync.startsWith(QStringLiteral("Letzte Synchronisation: ")), qPrintable(lastSync));
    QVERIFY(lastSync != QLatin1String("Letzte Synchronisation: nie"));
    shot(QStringLiteral("de-dashboard-done"));

    // The history with the run opened.
    selectTab("historyTab");
    auto *runsTable = find<QTableView>("historyRunsTable");
    QCOMPARE(runsTable->model()->rowCount(), 1);
    runsTable->setCurrentIndex(runsTable->model()->index(0, 0));
    QVERIFY(find<QTableView>("historyChangesTable")->model()->rowCount() > 0);
    shot(QStringLiteral("de-dashboard-history"));
    selectTab("previewPane");
}

void TestDashboardGerman::licencesInGerman()
{
    // Every user gets the tenant's first subscription (with a usage location, as Graph needs): seats are planned.
    QVERIFY(!tenant().skus.isEmpty());
    const QString sku = tenant().skus.constFirst().value(QLatin1String("skuId")).toString();
    QDateTime before = controller()->plan().created;
    if (controller()->settings().rules.defaultUsageLocation.isEmpty()) {
        selectTab("settingsTab");
        QTest::keyClicks(find<QLineEdit>("settingsUsageLocationEdit"), QStringLiteral("de"));
        click("settingsApplyButton");
        QVERIFY2(find<Ui::ErrorBanner>("settingsBanner")->text().isEmpty(),
                 qPrintable(find<Ui::ErrorBanner>("settingsBanner")->text()));
        QVERIFY(waitForPlan(before, 10000));
    }
    selectTab("licencesTab");
    auto *picker = find<QComboBox>("licenceSkuPicker");
    QTRY_VERIFY_WITH_TIMEOUT(picker->findData(sku) >= 0, 10000);
    picker->setCurrentIndex(picker->findData(sku));
    before = controller()->plan().created;
    click("licenceAssignAllButton");
    QVERIFY(waitForPlan(before, 10000));

    auto *licences = find<QTableWidget>("licencesTable");
    QCOMPARE(licences->rowCount(), int(tenant().skus.size()));
    const Sync::SeatCount seats = controller()->plan().seats.constFirst();
    QVERIFY(seats.needed > 0);
    if (seats.shortfall() > 0) {
        QVERIFY(find<QLabel>("licencesNote")->text().startsWith(QLatin1String("Nicht genug Lizenzen")));
    }
    selectTab("licencesTab");
    shot(QStringLiteral("de-dashboard-licences"));
    selectTab("previewPane");
}

QTEST_MAIN(TestDashboardGerman)
#include "tst_dashboard_de.moc"
