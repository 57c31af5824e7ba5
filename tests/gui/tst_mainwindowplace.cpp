// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The main window and the sandbox tenant as a place (issue 15): the wizard records the place in the profile it makes;
// the window serves that tenant itself while the profile's dashboard is open (no server handed in from outside); while
// another program serves it, the window says which one and offers "Try again", which opens the dashboard once the
// other program has let go; closing the dashboard lets go of the tenant. The screenshot of the message is saved as
// <build>/screenshots/mainwindow-place-busy.png for review.

#include "dashboardfixture.h"
#include "demotenant.h"
#include "errorbanner.h"
#include "profile/profilestore.h"
#include "tenantplace.h"

#include <QLabel>
#include <QLockFile>
#include <QPushButton>

using namespace M365;
using Sandbox::TenantPlace;

class TestMainWindowPlace : public QObject, public Test::DashboardFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void wizardRecordsThePlace();
    void busyPlaceSaysWhoAndTriesAgain();
    void closingTheDashboardLetsGo();

private:
    QString m_statePath;
};

void TestMainWindowPlace::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    createProfile();
    QVERIFY(!QTest::currentTestFailed());
    m_statePath = TenantPlace::normalizedPath(Sandbox::demoTenantPath(m_dir->filePath(QStringLiteral("data"))));
}

void TestMainWindowPlace::cleanupTestCase()
{
    tearDownDashboard();
}

void TestMainWindowPlace::wizardRecordsThePlace()
{
    const std::optional<Profile::Profile> saved =
        Profile::ProfileStore(profileDirectory()).load(m_wizard->savedProfileName());
    QVERIFY(saved);
    QCOMPARE(saved->sandboxState, m_statePath);
    QCOMPARE(saved->endpoints,
             Identity::CloudEndpoints::sandbox(QUrl(m_wizard->context()->sandboxServer()->baseUrl())));
    QCOMPARE(saved->caFile, m_wizard->context()->sandboxServer()->caFile());
    QCOMPARE(m_wizard->context()->sandboxPlace()->statePath(), m_statePath);

    // The wizard is done with it: the place closes, as when the wizard's process ended.
    m_wizard->context()->releaseSandbox();
    QVERIFY(!m_wizard->context()->sandboxServer());
    QVERIFY(!TenantPlace::isOpen(m_statePath));
}

void TestMainWindowPlace::busyPlaceSaysWhoAndTriesAgain()
{
    // Another program serves the tenant (here: this process's own lock, as a scheduled run would hold it).
    QLockFile other(m_statePath + QStringLiteral(".lock"));
    other.setStaleLockTime(0);
    QVERIFY(other.tryLock(0));

    Ui::MainWindow::Options windowOptions;
    windowOptions.secrets = m_secrets;
    windowOptions.profileDirectory = profileDirectory();
    windowOptions.stateDirectory = m_dir->filePath(QStringLiteral("state"));
    windowOptions.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    windowOptions.scheduleUnitDirectory = scheduleDirectory();
    windowOptions.runSystemctl = false;
    m_window = std::make_unique<Ui::MainWindow>(windowOptions);
    m_window->resize(1280, 800);
    m_window->show();
    m_window->reloadProfiles();

    QVERIFY(!m_window->controller());
    auto *message = find<QLabel>("mainMessage");
    auto *retry = find<QPushButton>("retryOpenButton");
    QVERIFY(message && retry);
    QVERIFY(message->isVisible());
    QVERIFY(retry->isVisible());
    const QString text = message->text();
    QVERIFY2(text.contains(m_wizard->savedProfileName()), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Close m365sync (pid %1), or wait for its scheduled run to end")
                               .arg(QCoreApplication::applicationPid())),
             qPrintable(text));
    shot(QStringLiteral("mainwindow-place-busy"));

    // Still busy: trying again says so again.
    QTest::mouseClick(retry, Qt::LeftButton);
    QVERIFY(!m_window->controller());
    QVERIFY(retry->isVisible());

    // The other program ends: "Try again" serves the tenant here and opens the dashboard on it.
    other.unlock();
    QTest::mouseClick(retry, Qt::LeftButton);
    QVERIFY(controller());
    QVERIFY(TenantPlace::isOpen(m_statePath));
    QVERIFY(!retry->isVisible());
    QCOMPARE(m_window->currentProfile(), m_wizard->savedProfileName());
    const Profile::Profile &used = controller()->profile();
    QCOMPARE(used.sandboxState, m_statePath);
    QVERIFY(QFile::exists(used.caFile));
    QVERIFY2(waitForPlan({}, 60000), qPrintable(find<Ui::ErrorBanner>("errorBanner")->text()));
    QVERIFY(controller()->plan().changes.size() > 0);
}

void TestMainWindowPlace::closingTheDashboardLetsGo()
{
    QVERIFY(TenantPlace::isOpen(m_statePath));
    m_window.reset();
    QVERIFY(!TenantPlace::isOpen(m_statePath));
    QVERIFY(!QFile::exists(m_statePath + QStringLiteral(".lock")));
}

QTEST_MAIN(TestMainWindowPlace)
#include "tst_mainwindowplace.moc"
