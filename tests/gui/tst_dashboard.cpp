// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "changeplanfiltermodel.h"
#include "changeplanmodel.h"
#include "checkboxclick.h"
#include "containerselection.h"
#include "containertree.h"
#include "containertreemodel.h"
#include "dashboardcontroller.h"
#include "dashboardfixture.h"
#include "dashboardwidget.h"
#include "detailspane.h"
#include "directory/csvparser.h"
#include "errorbanner.h"
#include "logtab.h"
#include "mainwindow.h"
#include "onboardingwizard.h"
#include "previewpane.h"
#include "profile/memorysecretstore.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "requestlogmodel.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
#include "settingstab.h"
#include "slapdfixture.h"
#include "sync/runlock.h"
#include "sync/statestore.h"
#include "sync/syncsettings.h"
#include "tenantstate.h"
#include "throttler.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBuffer>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QImage>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeEdit>
#include <QToolButton>

#include <algorithm>
#include <memory>

using namespace M365;
using Kind = Sync::Change::Kind;
using Type = Sync::Change::ObjectType;
using Ui::DashboardController;

/*
 * The dashboard, offscreen, against the in-process sandbox tenant and the bundled sample directory: the profile is
 * made the way an admin makes it (the onboarding wizard in sandbox mode, every default), then the main window opens
 * it (dashboardfixture.h, shared with the German tst_dashboard_de). One scenario in order: the plan, a cancelled
 * run, a full run, a live directory edit and the deletion guard. The dashboard is saved as PNGs (1280×800) under the
 * build tree for review.
 */
class TestDashboard : public QObject, private Test::DashboardFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void previewShowsTheDirectory();
    void filtersAndDetails();
    void summaryBeforeSynchronizeNow();
    void runOfAnotherProcessIsWaitedFor();
    void cancelLeavesAConsistentState();
    void synchronizeNowAppliesEverything();
    void initialPasswordsAreSavedOnce();
    void directoryEditUpdatesThePreview();
    void undoOfARunIsPreviewedFirst();
    void brokenRecordIsListedWithItsLine();
    void detailsPanePhotoWithoutWindow();
    void directoryPhotoInTheDetails();
    void deletionGuardDeclinedAppliesNothing();
    void settingsChangeReplansAtOnce();
    void profileSwitcher();
    void uncheckedRowsAreExcludedUntilIncludedAgain();
    void upnSuffixRewritesInSettings();
    void caFileOfAnLdapDirectory();
    void containerScopeInSettings();

private:
    /// Rows of the preview with @p kind (and @p type unless it is -1).
    int rows(Kind kind, int type = -1) const;
    int rowsOfType(Type type) const;
    int rowOf(Kind kind, const QString &upnPrefix) const;
    void writeDirectory(const QByteArray &ldif);
};

int TestDashboard::rows(Kind kind, int type) const
{
    int count = 0;
    for (const Sync::Change &change : model()->plan().changes) {
        count += change.kind == kind && (type < 0 || int(change.objectType) == type) ? 1 : 0;
    }
    return count;
}

int TestDashboard::rowsOfType(Type type) const
{
    int count = 0;
    for (const Sync::Change &change : model()->plan().changes) {
        count += change.objectType == type ? 1 : 0;
    }
    return count;
}

int TestDashboard::rowOf(Kind kind, const QString &upnPrefix) const
{
    for (int row = 0; row < model()->rowCount(); ++row) {
        const Sync::Change &change = model()->change(row);
        if (change.kind == kind && change.objectType == Type::User && change.userPrincipalName.startsWith(upnPrefix)) {
            return row;
        }
    }
    return -1;
}

void TestDashboard::writeDirectory(const QByteArray &ldif)
{
    QFile file(m_ldifPath);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(ldif), ldif.size());
}

void TestDashboard::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    // The file dialog of "Save initial passwords…" as Qt draws it, so that the test can fill it in.
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    createProfile();
    QVERIFY(!QTest::currentTestFailed());
    openWindow();
    QVERIFY(!QTest::currentTestFailed());
    // The Log tab's model follows the request log as it grows: checked throughout the run.
    Ui::RequestLogModel *logModel = m_window->findChild<Ui::LogTab *>()->model();
    new QAbstractItemModelTester(logModel, QAbstractItemModelTester::FailureReportingMode::QtTest, logModel);
    QVERIFY2(waitForPlan({}, 60000), qPrintable(find<Ui::ErrorBanner>("errorBanner")->text()));
}

void TestDashboard::cleanupTestCase()
{
    tearDownDashboard();
}

void TestDashboard::previewShowsTheDirectory()
{
    // Every user and group of the directory is in the preview, and the tenant knows none of them yet.
    QCOMPARE(rowsOfType(Type::User), m_directoryUsers);
    QCOMPARE(rows(Kind::Create, int(Type::Group)), m_directoryGroups);
    QCOMPARE(rows(Kind::Create, int(Type::User)) + rows(Kind::Invalid, int(Type::User)), m_directoryUsers);
    QVERIFY(rows(Kind::Create, int(Type::User)) >= m_directoryUsers - 2);
    // The entry without a surname is reported, not sent.
    QVERIFY(rowOf(Kind::Invalid, QStringLiteral("madonna")) >= 0 || rows(Kind::Invalid) == 0);

    // The kind filters show the counts of the plan the table holds.
    const QMap<Kind, int> counts = controller()->plan().summary();
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const QString name = QStringLiteral("filterButton_") + Sync::Change::kindName(it.key());
        auto *button = m_window->findChild<QToolButton *>(name);
        QVERIFY2(button, qPrintable(name));
        QVERIFY2(button->text().endsWith(QStringLiteral("(%1)").arg(it.value())), qPrintable(button->text()));
    }
    QCOMPARE(find<QToolButton>("filterButton_all")->text(),
             QStringLiteral("All (%1)").arg(controller()->plan().changes.size()));
    QCOMPARE(model()->rowCount(), int(controller()->plan().changes.size()));

    // The header: the sandbox tenant, a working connection.
    QTRY_COMPARE_WITH_TIMEOUT(find<QLabel>("tokenStatus")->text(), QStringLiteral("Signed in"), 10000);
    QCOMPARE(find<QLabel>("rolesStatus")->text(), QStringLiteral("Permissions OK"));
    QVERIFY(find<QLabel>("tenantLabel")->text().contains(controller()->health().tenantName));
    QVERIFY(find<QLabel>("certificateStatus")->text().startsWith(QLatin1String("Certificate valid until")));
    QVERIFY(find<QPushButton>("syncButton")->isEnabled());
    QCOMPARE(find<QPushButton>("syncButton")->text(), QStringLiteral("Synchronize Now"));

    auto *table = find<QTableView>("previewTable");
    table->setCurrentIndex(table->model()->index(0, 0));
    shot(QStringLiteral("dashboard-plan"));

    selectTab("settingsTab");
    shot(QStringLiteral("dashboard-settings"));
    // The Log tab lists the Graph requests; Copy puts them on the clipboard with their request ids.
    selectTab("logTab");
    auto *log = find<QTableView>("logTable");
    QVERIFY(log->model()->rowCount() > 0);
    const QString requestId = log->model()->index(0, Ui::RequestLogModel::RequestIdColumn).data().toString();
    QVERIFY(!requestId.isEmpty());
    click("logCopyButton");
    QVERIFY(QGuiApplication::clipboard()->text().contains(requestId));
    // The filter finds a request by its id.
    QTest::keyClicks(find<QLineEdit>("logFilterEdit"), requestId);
    QCOMPARE(log->model()->rowCount(), 1);
    find<QLineEdit>("logFilterEdit")->clear();
    shot(QStringLiteral("dashboard-log"));
    selectTab("previewPane");
}

void TestDashboard::filtersAndDetails()
{
    auto *table = find<QTableView>("previewTable");
    // A kind filter shows only that kind.
    click("filterButton_create");
    QCOMPARE(table->model()->rowCount(), rows(Kind::Create));
    QVERIFY(!find<QToolButton>("filterButton_all")->isChecked());
    click("filterButton_all");
    QVERIFY(!find<QToolButton>("filterButton_create")->isChecked());
    QCOMPARE(table->model()->rowCount(), model()->rowCount());

    // The search box narrows to one user; the details pane shows the properties it gets.
    const auto firstUser = std::find_if(
        controller()->plan().changes.cbegin(), controller()->plan().changes.cend(), [](const Sync::Change &change) {
            return change.objectType == Type::User && change.kind == Kind::Create;
        });
    QVERIFY(firstUser != controller()->plan().changes.cend());
    const Sync::Change first = *firstUser;
    QTest::keyClicks(find<QLineEdit>("previewSearchEdit"), first.userPrincipalName);
    QVERIFY(table->model()->rowCount() >= 1);
    table->setCurrentIndex(table->model()->index(0, Models::ChangePlanModel::DisplayNameColumn));
    QVERIFY(find<QLabel>("detailsTitle")->text().contains(first.displayName));
    QCOMPARE(find<QTableView>("detailsDiffView")->model()->rowCount(), int(first.diffs.size()));
    QVERIFY(find<QLabel>("detailsSourceDn")->text().contains(first.sourceDn));
    find<QLineEdit>("previewSearchEdit")->clear();
    QCOMPARE(table->model()->rowCount(), model()->rowCount());

    // Unchecking a row turns the button into "apply the selected ones"; checking it again restores it.
    const QModelIndex check = model()->index(0, Models::ChangePlanModel::KindColumn);
    QVERIFY(model()->setData(check, Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(find<QPushButton>("syncButton")->text().startsWith(QLatin1String("Synchronize")));
    QCOMPARE(preview()->selectedChanges().size(), preview()->applicableCount() - 1);
    QVERIFY(find<QPushButton>("syncButton")->text().contains(QString::number(preview()->applicableCount() - 1)));
    QVERIFY(model()->setData(check, Qt::Checked, Qt::CheckStateRole));
    QVERIFY(preview()->selectedChanges().isEmpty());
    QCOMPARE(find<QPushButton>("syncButton")->text(), QStringLiteral("Synchronize Now"));
}

void TestDashboard::summaryBeforeSynchronizeNow()
{
    // What the first plan does, counted here from the plan itself: every user and group is new, memberships bind 20
    // members to a request, each licence change is one assignLicense, each manager one more request.
    const Sync::ChangePlan plan = controller()->plan();
    int creates = 0;
    int licences = 0;
    int groups = 0;
    int added = 0;
    int requests = 0;
    for (const Sync::Change &change : plan.changes) {
        if (change.kind == Kind::Conflict || change.kind == Kind::Invalid || change.exceedsSeats) {
            continue;
        }
        if (change.objectType == Type::Membership) {
            ++groups;
            QVERIFY(change.membersToRemove.isEmpty());
            added += int(change.membersToAdd.size());
            requests += int(change.membersToAdd.size() + 19) / 20;
        } else if (change.objectType == Type::Licence) {
            ++licences;
            ++requests;
        } else {
            QCOMPARE(change.kind, Kind::Create);
            ++creates;
            requests += change.payload.contains(QLatin1String("manager")) ? 2 : 1;
        }
    }
    QVERIFY(creates > 0);
    QVERIFY(groups > 0);

    QSignalSpy states(controller(), &DashboardController::stateChanged);
    const qsizetype usersBefore = tenant().users.size();
    find<QPushButton>("syncButton")->click();
    QDialog *dialog = confirmRunDialog();
    QVERIFY2(dialog, "Synchronize Now did not ask to confirm");
    QVERIFY(dialog->isModal());
    // Nothing starts before the admin confirms.
    QCOMPARE(controller()->state(), DashboardController::State::Ready);
    QVERIFY(!find<QPushButton>("syncButton")->isEnabled());
    const QString text = dialog->findChild<QLabel *>(QStringLiteral("confirmRunText"))->text();
    QVERIFY2(text.contains(QStringLiteral("Create %1 user(s) or group(s)").arg(creates)), qPrintable(text));
    QVERIFY2(
        text.contains(QStringLiteral("Change the members of %1 group(s) (%2 added, 0 removed)").arg(groups).arg(added)),
        qPrintable(text));
    if (licences > 0) {
        QVERIFY2(text.contains(QStringLiteral("Change the licences of %1 user(s)").arg(licences)), qPrintable(text));
    }
    QVERIFY2(text.contains(QStringLiteral("About %1 write request(s) to Microsoft Graph.").arg(requests)),
             qPrintable(text));
    // No run yet, so the estimate is the write budget's (3,000 per 150 s).
    QVERIFY2(text.contains(QStringLiteral("at most 20.0 writes/s")), qPrintable(text));
    QVERIFY(!text.contains(QLatin1String("Update")));
    QVERIFY(!text.contains(QLatin1String("Disable")));
    QCOMPARE(dialog->findChild<QPushButton *>(QStringLiteral("confirmRunButton"))->text(),
             QStringLiteral("Synchronize"));
    QCOMPARE(dialog->findChild<QPushButton *>(QStringLiteral("confirmRunCancelButton"))->text(),
             QStringLiteral("Cancel"));
    shot(QStringLiteral("dashboard-confirm-run"), dialog);

    // Cancel: no run, the tenant as it was, Synchronize Now available again.
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("confirmRunCancelButton")), Qt::LeftButton);
    QVERIFY(!confirmRunDialog());
    QCOMPARE(controller()->state(), DashboardController::State::Ready);
    QVERIFY(states.isEmpty());
    QVERIFY(controller()->stateStore()->runHistory().isEmpty());
    QCOMPARE(tenant().users.size(), usersBefore);
    QVERIFY(!find<QWidget>("progressBox")->isVisible());
    QVERIFY(find<QPushButton>("syncButton")->isEnabled());
}

void TestDashboard::runOfAnotherProcessIsWaitedFor()
{
    // A scheduled m365sync-cli run of the same profile holds its run lock (here the test does): Synchronize Now,
    // confirmed, changes nothing and says who holds the profile.
    const QString store =
        m_dir->filePath(QStringLiteral("state/")) + controller()->profile().name + QStringLiteral(".sqlite");
    QVERIFY(QFile::exists(store));
    auto other = std::make_unique<Sync::RunLock>(store, QStringLiteral("cli"));
    QVERIFY(other->acquire().ok());
    QSignalSpy refused(controller(), &DashboardController::applyRefused);
    const qsizetype usersBefore = tenant().users.size();
    click("syncButton");
    QTRY_COMPARE(refused.count(), 1);
    const QString banner = find<Ui::ErrorBanner>("summaryBanner")->text();
    QVERIFY2(banner.startsWith(QStringLiteral("Another run of profile %1 is in progress: tst_dashboard, process %2 on "
                                              "host ")
                                   .arg(controller()->profile().name)
                                   .arg(QCoreApplication::applicationPid())),
             qPrintable(banner));
    QVERIFY2(banner.endsWith(QStringLiteral("Wait for it to finish or stop it.")), qPrintable(banner));
    QVERIFY(controller()->stateStore()->runHistory().isEmpty());
    QCOMPARE(tenant().users.size(), usersBefore);
    QCOMPARE(controller()->state(), DashboardController::State::Ready);
    QTRY_VERIFY(find<QPushButton>("syncButton")->isEnabled());
    QVERIFY(!find<QWidget>("progressBox")->isVisible());
    // Once that run is over, the dashboard may run (the next test does).
    other.reset();
}

void TestDashboard::cancelLeavesAConsistentState()
{
    // Slow the tenant down so that the run can be stopped half way.
    Sandbox::SandboxTenant *sandbox = m_wizard->context()->sandboxServer()->tenant();
    Sandbox::SandboxTenant::Faults faults;
    faults.latencyMs = 400;
    sandbox->setFaults(faults);

    QSignalSpy finished(controller(), &DashboardController::applyFinished);
    const int runsBefore = int(controller()->stateStore()->runHistory().size());
    const QDateTime planned = controller()->plan().created;
    // At the first progress the run is saved for review ("during a sync"), then stopped, as an admin would.
    bool cancelled = false;
    const QMetaObject::Connection connection = connect(
        controller(), &DashboardController::applyProgress, this, [this, &cancelled](const Sync::ApplyProgress &p) {
            if (!cancelled && p.done >= 1) {
                cancelled = true;
                QVERIFY(find<QWidget>("progressBox")->isVisible());
                QVERIFY(!find<QPushButton>("syncButton")->isEnabled());
                QCOMPARE(find<QProgressBar>("syncProgress")->value(), qMin(p.done, p.total));
                QVERIFY(find<QLabel>("progressLabel")
                            ->text()
                            .startsWith(QStringLiteral("%1 of %2").arg(p.done).arg(p.total)));
                shot(QStringLiteral("dashboard-syncing"));
                find<QPushButton>("cancelButton")->click();
                QVERIFY(!find<QPushButton>("cancelButton")->isEnabled());
            }
        });
    click("syncButton");
    QTRY_VERIFY_WITH_TIMEOUT(cancelled || !finished.isEmpty(), 30000);
    QVERIFY(cancelled);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    disconnect(connection);
    sandbox->setFaults({});
    QVERIFY(waitForPlan(planned, 30000));

    // The run was stopped before the end.
    const QList<Sync::RunRecord> runs = controller()->stateStore()->runHistory();
    QCOMPARE(runs.size(), runsBefore + 1);
    const QList<Sync::RunChangeRecord> changes = controller()->stateStore()->runChanges(runs.constFirst().id);
    QVERIFY(!changes.isEmpty());
    QCOMPARE(runs.constFirst().status, QStringLiteral("cancelled"));
    QVERIFY(runs.constFirst().counts.value(QLatin1String("done")).toInt()
            < runs.constFirst().counts.value(QLatin1String("total")).toInt());
    QVERIFY(find<Ui::ErrorBanner>("summaryBanner")->text().startsWith(QLatin1String("Stopped")));

    // Every user the history says was created exists, and the new plan does not create it again.
    int created = 0;
    for (const Sync::RunChangeRecord &record : changes) {
        if (record.change.objectType != Type::User || record.change.kind != Kind::Create
            || record.result != QLatin1String("done")) {
            continue;
        }
        ++created;
        QVERIFY2(!tenant().userIdByUpn(record.change.userPrincipalName).isEmpty(),
                 qPrintable(record.change.userPrincipalName));
        QCOMPARE(rowOf(Kind::Create, record.change.userPrincipalName), -1);
    }
    QVERIFY(created >= 1);
    // And every user still to be created does not exist yet.
    for (const Sync::Change &change : model()->plan().changes) {
        if (change.objectType == Type::User && change.kind == Kind::Create) {
            QVERIFY2(tenant().userIdByUpn(change.userPrincipalName).isEmpty(), qPrintable(change.userPrincipalName));
        }
    }
    QCOMPARE(rows(Kind::Create, int(Type::User)) + created + rows(Kind::Invalid, int(Type::User)), m_directoryUsers);
    QVERIFY(!find<Ui::ErrorBanner>("summaryBanner")->text().isEmpty());
    QTRY_VERIFY(find<QPushButton>("syncButton")->isEnabled());
}

void TestDashboard::synchronizeNowAppliesEverything()
{
    // A tight write budget makes the sandbox throttle (429 with Retry-After), as Graph does: the run slows down and
    // says so.
    Sandbox::SandboxTenant *sandbox = m_wizard->context()->sandboxServer()->tenant();
    const Sandbox::Throttler::Limits limits = sandbox->throttler().limits();
    Sandbox::Throttler::Limits tight = limits;
    tight.appWrites = 6;
    tight.appWriteWindowSeconds = 1;
    sandbox->throttler().setLimits(tight);
    bool slowedShown = false;
    bool slowedSeen = false;
    const QMetaObject::Connection connection =
        connect(controller(), &DashboardController::applyProgress, this, [&](const Sync::ApplyProgress &p) {
            if (p.slowed && p.done < p.total && !slowedSeen) {
                slowedSeen = true;
                slowedShown = find<QLabel>("pacingLabel")->isVisible();
                shot(QStringLiteral("dashboard-pacing"));
            }
        });
    QSignalSpy finished(controller(), &DashboardController::applyFinished);
    QSignalSpy applied(controller(), &DashboardController::changeApplied);
    const QDateTime planned = controller()->plan().created;
    click("syncButton");
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 180000);
    disconnect(connection);
    sandbox->throttler().setLimits(limits);
    QVERIFY(slowedSeen);
    QVERIFY(slowedShown);
    QVERIFY(!applied.isEmpty());
    QCOMPARE(finished.constFirst().at(1).toBool(), false);
    // What can never be applied (conflicts, invalid) is held back, and the summary does not say "all".
    const int skipped =
        controller()->stateStore()->runHistory().constFirst().counts.value(QLatin1String("skipped")).toInt();
    const QString summary = finished.constFirst().at(0).toString();
    QVERIFY2(summary.contains(QLatin1String("held back")) == (skipped > 0), qPrintable(summary));
    QVERIFY2(summary.startsWith(QLatin1String("All ")) == (skipped == 0), qPrintable(summary));

    // The preview then shows nothing to do: only what can never be applied is left.
    QVERIFY(waitForPlan(planned, 30000));
    QTRY_COMPARE_WITH_TIMEOUT(preview()->applicableCount(), 0, 10000);
    QCOMPARE(rows(Kind::Create), 0);
    QVERIFY(!find<QPushButton>("syncButton")->isEnabled());
    QVERIFY(!find<Ui::ErrorBanner>("summaryBanner")->text().isEmpty());
    QVERIFY(find<QLabel>("lastSyncLabel")->text() != QLatin1String("Last sync: never"));
    shot(QStringLiteral("dashboard-done"));

    // The history lists both runs; opening the last one shows its changes.
    selectTab("historyTab");
    auto *runsTable = find<QTableView>("historyRunsTable");
    QCOMPARE(runsTable->model()->rowCount(), 2);
    runsTable->setCurrentIndex(runsTable->model()->index(0, 0));
    QCOMPARE(
        find<QTableView>("historyChangesTable")->model()->rowCount(),
        int(controller()->stateStore()->runChanges(controller()->stateStore()->runHistory().constFirst().id).size()));
    shot(QStringLiteral("dashboard-history"));
    selectTab("previewPane");
}

void TestDashboard::initialPasswordsAreSavedOnce()
{
    // The users the two runs so far created, by the history.
    QSet<QString> created;
    for (const Sync::RunRecord &run : controller()->stateStore()->runHistory()) {
        for (const Sync::RunChangeRecord &record : controller()->stateStore()->runChanges(run.id)) {
            if (record.change.objectType == Type::User && record.change.kind == Kind::Create
                && record.result == QLatin1String("done")) {
                created.insert(record.change.userPrincipalName);
            }
        }
    }
    QVERIFY(created.size() > 10);

    // Offered right after the runs, with the reason they cannot be had later.
    auto *box = find<QWidget>("passwordsBox");
    QVERIFY(box->isVisible());
    const QString label = find<QLabel>("passwordsLabel")->text();
    QVERIFY2(label.startsWith(QStringLiteral("%1 new user(s) got an initial password.").arg(created.size())),
             qPrintable(label));
    QVERIFY2(label.contains(QStringLiteral(
                 "Initial passwords are never stored; reset the password in Microsoft 365 to issue a new one.")),
             qPrintable(label));
    const QList<DashboardController::InitialPassword> kept = controller()->initialPasswords();
    QCOMPARE(kept.size(), created.size());
    // Kept in memory only: no file of the profile, its state or its settings holds one of them.
    QDirIterator files(m_dir->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int scanned = 0;
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        ++scanned;
        for (const DashboardController::InitialPassword &p : kept) {
            QVERIFY2(!content.contains(p.password.toUtf8()), qPrintable(file.fileName()));
        }
    }
    QVERIFY(scanned > 0);
    shot(QStringLiteral("dashboard-passwords"));

    click("savePasswordsButton");
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<QFileDialog *>(QStringLiteral("savePasswordsDialog"))) != nullptr
                && dialog->isVisible());
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("handout"))));
    const QString path = m_dir->filePath(QStringLiteral("handout/passwords.csv"));
    dialog->selectFile(path);
    static_cast<QDialog *>(dialog)->accept(); // as the Save button does
    QTRY_VERIFY(!box->isVisible());
    QVERIFY(controller()->initialPasswords().isEmpty());
    QVERIFY2(find<Ui::ErrorBanner>("summaryBanner")->text().contains(QStringLiteral("never stored")),
             qPrintable(find<Ui::ErrorBanner>("summaryBanner")->text()));

    // The CLI's protected CSV: only its owner may read it, one line per created user with the password it was given.
    QFile file(path);
    QCOMPARE(file.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray csv = file.readAll();
    Directory::CsvParser parser(csv, ',');
    QCOMPARE(parser.next().fields, (QList<QByteArray>{"userPrincipalName", "displayName", "password"}));
    QHash<QString, QString> passwords;
    while (!parser.atEnd()) {
        const Directory::CsvParser::Record record = parser.next();
        QVERIFY2(record.error.isEmpty(), qPrintable(record.error));
        QCOMPARE(record.fields.size(), 3);
        QCOMPARE(record.fields.at(2).size(), 20);
        passwords.insert(QString::fromUtf8(record.fields.at(0)), QString::fromUtf8(record.fields.at(2)));
    }
    QCOMPARE(QSet<QString>(passwords.keyBegin(), passwords.keyEnd()), created);
    for (const DashboardController::InitialPassword &p : kept) {
        QCOMPARE(passwords.value(p.userPrincipalName), p.password);
    }
}

void TestDashboard::directoryEditUpdatesThePreview()
{
    // The first user of the sample gets a new job title, as an admin would edit the LDIF.
    const QRegularExpression firstTitle(
        QStringLiteral("(dn: uid=(\\w+),ou=people[^\\n]*\\n(?:[^\\n]+\\n)*?)title: [^\\n]*\\n"));
    const QRegularExpressionMatch match = firstTitle.match(QString::fromUtf8(m_ldif));
    QVERIFY(match.hasMatch());
    const QString uid = match.captured(2);
    QString edited = QString::fromUtf8(m_ldif);
    edited.replace(
        match.capturedStart(), match.capturedLength(), match.captured(1) + QStringLiteral("title: Head of Testing\n"));
    writeDirectory(edited.toUtf8());

    // No click: the directory watch re-plans, and the row appears marked as changed within 3 s.
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(Kind::Update, uid + QLatin1Char('@')) >= 0, 3000);
    const int row = rowOf(Kind::Update, uid + QLatin1Char('@'));
    const Sync::Change &change = model()->change(row);
    bool titled = false;
    for (const Sync::AttributeDiff &diff : change.diffs) {
        titled = titled || diff.newValue.toString() == QLatin1String("Head of Testing");
    }
    QVERIFY(titled);
    QVERIFY(model()->index(row, 0).data(Models::ChangePlanModel::ChangedRole).toBool());
    QCOMPARE(find<QToolButton>("filterButton_update")->text(), QStringLiteral("Update (%1)").arg(rows(Kind::Update)));
    auto *table = find<QTableView>("previewTable");
    auto *filter = preview()->filterModel();
    table->setCurrentIndex(filter->mapFromSource(model()->index(row, Models::ChangePlanModel::DisplayNameColumn)));
    QVERIFY(find<QLabel>("detailsTitle")->text().contains(change.displayName));
    shot(QStringLiteral("dashboard-live-update"));
    m_ldif = edited.toUtf8();
}

void TestDashboard::undoOfARunIsPreviewedFirst()
{
    // The job title edited in the directory is synchronized: one run that updates one user.
    const int row = rowOf(Kind::Update, QString());
    QVERIFY(row >= 0);
    const QString upn = model()->change(row).userPrincipalName;
    const QString userId = model()->change(row).cloudId;
    const QJsonValue before = tenant().users.value(userId).value(QLatin1String("jobTitle"));
    QSignalSpy finished(controller(), &DashboardController::applyFinished);
    QDateTime planned = controller()->plan().created;
    click("syncButton");
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QVERIFY(waitForPlan(planned, 30000));
    QCOMPARE(tenant().users.value(userId).value(QLatin1String("jobTitle")).toString(),
             QStringLiteral("Head of Testing"));
    const qint64 run = controller()->stateStore()->runHistory().constFirst().id;

    // Undo this run: its plan takes the preview's place, nothing is applied yet.
    selectTab("historyTab");
    auto *runsTable = find<QTableView>("historyRunsTable");
    runsTable->setCurrentIndex(runsTable->model()->index(0, 0));
    QVERIFY(find<QPushButton>("undoRunButton")->isEnabled());
    click("undoRunButton");
    QTRY_COMPARE_WITH_TIMEOUT(controller()->undoRun(), run, 20000);
    QCOMPARE(find<QTabWidget>("dashboardTabs")->currentWidget(), static_cast<QWidget *>(preview()));
    QVERIFY(find<QWidget>("undoBox")->isVisible());
    QVERIFY(find<QLabel>("undoLabel")->text().contains(QString::number(run)));
    QCOMPARE(controller()->plan().changes.size(), 1);
    const Sync::Change &undo = controller()->plan().changes.constFirst();
    QCOMPARE(undo.userPrincipalName, upn);
    QCOMPARE(undo.payload.value(QLatin1String("jobTitle")),
             before.isUndefined() ? QJsonValue(QJsonValue::Null) : before);
    QCOMPARE(tenant().users.value(userId).value(QLatin1String("jobTitle")).toString(),
             QStringLiteral("Head of Testing"));
    shot(QStringLiteral("dashboard-undo"));

    // Back to the live preview and again: the live plan returns, then the undo plan.
    click("livePreviewButton");
    QCOMPARE(controller()->undoRun(), 0);
    QVERIFY(!find<QWidget>("undoBox")->isVisible());
    selectTab("historyTab");
    runsTable->setCurrentIndex(runsTable->model()->index(0, 0));
    click("undoRunButton");
    QTRY_COMPARE_WITH_TIMEOUT(controller()->undoRun(), run, 20000);

    // Confirmed, it puts the old title back; the live preview then proposes the directory's title again.
    planned = controller()->plan().created;
    click("syncButton");
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    QCOMPARE(tenant().users.value(userId).value(QLatin1String("jobTitle")), before);
    QCOMPARE(controller()->undoRun(), 0);
    QVERIFY(!find<QWidget>("undoBox")->isVisible());
    QVERIFY(waitForPlan(planned, 30000));
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(Kind::Update, upn.section(QLatin1Char('@'), 0, 0) + QLatin1Char('@')) >= 0, 10000);
}

void TestDashboard::brokenRecordIsListedWithItsLine()
{
    // An export with a NUL byte in one record: that record is skipped and listed where the admin looks, the rest plans.
    QByteArray broken = m_ldif;
    if (!broken.endsWith("\n\n")) {
        broken += '\n';
    }
    const int line = int(broken.count('\n')) + 4; // the record's "sn:" line
    broken += QByteArray("dn: uid=broken,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: broken\nsn: N")
        + QByteArray(1, '\0') + QByteArray("ul\ncn: Broken\n");
    writeDirectory(broken);
    auto *button = find<QToolButton>("problemsButton");
    QTRY_VERIFY_WITH_TIMEOUT(button->isVisible(), 5000);
    QVERIFY2(button->text().contains(QLatin1String("1 directory entr")), qPrintable(button->text()));
    auto *list = find<QListWidget>("problemsList");
    QVERIFY(!list->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(list->isVisible());
    QCOMPARE(list->count(), 1);
    const QString expected = QFileInfo(m_ldifPath).fileName() + QStringLiteral(", line %1 (uid=broken").arg(line);
    QVERIFY2(list->item(0)->text().startsWith(expected),
             qPrintable(list->item(0)->text() + QLatin1String(" / ") + expected));
    QVERIFY(list->item(0)->text().contains(QLatin1String("NUL")));
    shot(QStringLiteral("dashboard-problems"));

    // Fixed in the file: the list goes away with the next plan.
    writeDirectory(m_ldif);
    QTRY_VERIFY_WITH_TIMEOUT(!button->isVisible(), 5000);
}

namespace {

/// A picture as a directory keeps one: @p format ("PNG", "JPEG") of @p size, a face-like drawing so that a screenshot
/// shows something.
QByteArray picture(const char *format, QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(QColor(70, 130, 180));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(QColor(255, 220, 180));
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(QRectF(size.width() * 0.3, size.height() * 0.15, size.width() * 0.4, size.height() * 0.45));
    painter.drawEllipse(QRectF(size.width() * 0.15, size.height() * 0.65, size.width() * 0.7, size.height() * 0.6));
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

/// Bytes that are no picture at all, and a PNG cut off after its header (the size is known, the pixels are not).
QByteArray garbage()
{
    QByteArray bytes(512, Qt::Uninitialized);
    QRandomGenerator generator(12);
    for (char &byte : bytes) {
        byte = char(generator.bounded(256));
    }
    return bytes;
}

} // namespace

void TestDashboard::detailsPanePhotoWithoutWindow()
{
    Ui::DetailsPane pane;
    auto *photo = pane.findChild<QLabel *>(QStringLiteral("detailsPhoto"));
    QVERIFY(photo);
    QVERIFY(photo->isHidden());
    // A large JPEG is shown at most PhotoSize pixels, with its aspect.
    pane.setPhoto(picture("JPEG", QSize(640, 480)));
    QVERIFY(!photo->isHidden());
    QVERIFY(!photo->pixmap().isNull());
    const QSize shown = photo->pixmap().deviceIndependentSize().toSize();
    QCOMPARE(shown, QSize(Ui::DetailsPane::PhotoSize, Ui::DetailsPane::PhotoSize * 3 / 4));
    // A small PNG keeps its size.
    pane.setPhoto(picture("PNG", QSize(48, 64)));
    QVERIFY(!photo->isHidden());
    QCOMPARE(photo->pixmap().deviceIndependentSize().toSize(), QSize(48, 64));
    // What is no picture shows none, and so does a PNG that ends after its header.
    pane.setPhoto(garbage());
    QVERIFY(photo->isHidden());
    QVERIFY(photo->pixmap().isNull());
    pane.setPhoto(picture("PNG", QSize(48, 64)).left(40));
    QVERIFY(photo->isHidden());
    pane.setPhoto(picture("PNG", QSize(48, 64)));
    pane.setPhoto({});
    QVERIFY(photo->isHidden());
    // Another change takes the picture away until the preview looks it up for that one.
    pane.setPhoto(picture("PNG", QSize(48, 64)));
    pane.setChange(Sync::Change{});
    QVERIFY(photo->isHidden());
}

void TestDashboard::directoryPhotoInTheDetails()
{
    // Three new people: one with an Active Directory thumbnailPhoto (JPEG), one with inetOrgPerson's jpegPhoto (here a
    // PNG, as some directories keep it), one whose jpegPhoto is no picture.
    QByteArray ldif = m_ldif;
    if (!ldif.endsWith("\n\n")) {
        ldif += '\n';
    }
    const auto person = [&](const QByteArray &uid, const QByteArray &attribute, const QByteArray &value) {
        ldif += "dn: uid=" + uid + ",ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: " + uid
            + "\ncn: Photo " + uid + "\nsn: " + uid + "\ngivenName: Photo\nmail: " + uid + "@example.org\n" + attribute
            + ":: " + value.toBase64() + "\n\n";
    };
    person("thumbnail1", "thumbnailPhoto", picture("JPEG", QSize(96, 96)));
    person("jpegphoto1", "jpegPhoto", picture("PNG", QSize(60, 80)));
    person("garbage1", "jpegPhoto", garbage());
    writeDirectory(ldif);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(Kind::Create, QStringLiteral("garbage1@")) >= 0
                                 && rowOf(Kind::Create, QStringLiteral("thumbnail1@")) >= 0
                                 && rowOf(Kind::Create, QStringLiteral("jpegphoto1@")) >= 0,
                             5000);

    auto *table = find<QTableView>("previewTable");
    auto *photo = find<QLabel>("detailsPhoto");
    const auto select = [&](const char *upnPrefix) {
        const int row = rowOf(Kind::Create, QLatin1String(upnPrefix));
        table->setCurrentIndex(
            preview()->filterModel()->mapFromSource(model()->index(row, Models::ChangePlanModel::DisplayNameColumn)));
    };
    select("thumbnail1@");
    QVERIFY(photo->isVisible());
    QCOMPARE(photo->pixmap().deviceIndependentSize().toSize(),
             QSize(Ui::DetailsPane::PhotoSize, Ui::DetailsPane::PhotoSize));
    shot(QStringLiteral("dashboard-details-photo"));
    select("jpegphoto1@");
    QVERIFY(photo->isVisible());
    QCOMPARE(photo->pixmap().deviceIndependentSize().toSize(), QSize(60, 80));
    select("garbage1@");
    QVERIFY(find<QLabel>("detailsTitle")->text().contains(QLatin1String("garbage1")));
    QVERIFY(!photo->isVisible());
    // The sample's own people have no picture.
    const auto sampleUser = std::find_if(
        controller()->plan().changes.cbegin(), controller()->plan().changes.cend(), [](const Sync::Change &change) {
            return change.objectType == Type::User && !change.userPrincipalName.contains(QLatin1String("1@"));
        });
    QVERIFY(sampleUser != controller()->plan().changes.cend());
    QVERIFY(controller()->userPhoto(sampleUser->anchor).isEmpty());

    writeDirectory(m_ldif);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(Kind::Create, QStringLiteral("thumbnail1@")) < 0, 5000);
}

void TestDashboard::deletionGuardDeclinedAppliesNothing()
{
    // Most users vanish from the directory (a wrong export): all but the first three user entries are dropped.
    QString shrunk;
    int usersKept = 0;
    const QStringList entries = QString::fromUtf8(m_ldif).split(QStringLiteral("\n\n"));
    for (const QString &entry : entries) {
        const bool isUser = entry.contains(QLatin1String("objectClass: posixAccount"));
        if (isUser && usersKept >= 3) {
            continue;
        }
        usersKept += isUser ? 1 : 0;
        shrunk += entry + QStringLiteral("\n\n");
    }
    const QDateTime before = controller()->plan().created;
    writeDirectory(shrunk.toUtf8());
    QVERIFY(waitForPlan(before, 10000));
    QTRY_VERIFY_WITH_TIMEOUT(
        rows(Kind::Disable, int(Type::User)) + rows(Kind::Delete, int(Type::User)) >= m_directoryUsers - 10, 10000);
    const int destructive = controller()->plan().destructiveCount();
    const int runsBefore = int(controller()->stateStore()->runHistory().size());
    const int enabledBefore =
        int(std::count_if(tenant().users.cbegin(), tenant().users.cend(), [](const QJsonObject &u) {
            return u.value(QLatin1String("accountEnabled")).toBool();
        }));

    // The guard asks; the dialog is answered "Cancel" from a timer, as a user would, without a nested event loop.
    QSignalSpy tripped(controller(), &DashboardController::deletionGuardTripped);
    click("syncButton");
    QTRY_COMPARE_WITH_TIMEOUT(tripped.count(), 1, 10000);
    QCOMPARE(tripped.constFirst().at(0).toInt(), destructive);
    QMessageBox *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<QMessageBox *>(QStringLiteral("deletionGuardDialog"))) != nullptr
                && dialog->isVisible());
    QCOMPARE(QApplication::activeModalWidget(), dialog);
    QVERIFY(dialog->text().contains(QString::number(destructive)));
    shot(QStringLiteral("dashboard-deletion-guard"), dialog);
    QTest::mouseClick(dialog->findChild<QAbstractButton *>(QStringLiteral("guardCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("deletionGuardDialog")));

    // Nothing was applied: no run, every user still enabled, the plan unchanged.
    QTest::qWait(500);
    QCOMPARE(int(controller()->stateStore()->runHistory().size()), runsBefore);
    QCOMPARE(int(std::count_if(tenant().users.cbegin(),
                               tenant().users.cend(),
                               [](const QJsonObject &u) {
                                   return u.value(QLatin1String("accountEnabled")).toBool();
                               })),
             enabledBefore);
    QCOMPARE(controller()->plan().destructiveCount(), destructive);
    QVERIFY(find<Ui::ErrorBanner>("summaryBanner")->text().contains(QLatin1String("Nothing was changed")));
    QTRY_VERIFY(find<QPushButton>("syncButton")->isEnabled());

    // The directory comes back: so does the empty plan.
    writeDirectory(m_ldif);
    QTRY_VERIFY_WITH_TIMEOUT(controller()->plan().destructiveCount() == 0, 10000);
}

void TestDashboard::settingsChangeReplansAtOnce()
{
    selectTab("settingsTab");
    // The settings the profile was saved with are shown.
    QCOMPARE(find<QLineEdit>("settingsUpnTemplateEdit")->text(), controller()->settings().rules.upnTemplate);
    QCOMPARE(find<QLineEdit>("settingsScopeFilterEdit")->text(), controller()->settings().scope.filter());

    // A broken scope filter is refused inline, and nothing changes.
    auto *filter = find<QLineEdit>("settingsScopeFilterEdit");
    QTest::keyClicks(filter, QStringLiteral("(departmentNumber=Sales"));
    QVERIFY(find<QPushButton>("settingsApplyButton")->isEnabled());
    click("settingsApplyButton");
    QVERIFY(!find<Ui::ErrorBanner>("settingsBanner")->text().isEmpty());
    QVERIFY(controller()->settings().scope.filter().isEmpty());
    filter->clear();

    // Every user gets the tenant's first subscription: the plan follows at once, with licences and seats.
    QVERIFY(!tenant().skus.isEmpty());
    const QString sku = tenant().skus.constFirst().value(QLatin1String("skuId")).toString();
    // The row being looked at stays current across the re-plan.
    auto *table = find<QTableView>("previewTable");
    QCOMPARE(model()->rowCount(), 1);
    const QString current = model()->change(0).userPrincipalName;
    table->setCurrentIndex(preview()->filterModel()->mapFromSource(model()->index(0, 0)));
    // Graph assigns licences only to users with a usage location.
    QTest::keyClicks(find<QLineEdit>("settingsUsageLocationEdit"), QStringLiteral("de"));
    QDateTime before = controller()->plan().created;
    click("settingsApplyButton");
    QVERIFY2(find<Ui::ErrorBanner>("settingsBanner")->text().isEmpty(),
             qPrintable(find<Ui::ErrorBanner>("settingsBanner")->text()));
    QVERIFY(!find<QPushButton>("settingsApplyButton")->isEnabled());
    QVERIFY(waitForPlan(before, 3000));
    // The licence is picked among the tenant's subscriptions on the Licences tab.
    selectTab("licencesTab");
    auto *picker = find<QComboBox>("licenceSkuPicker");
    QTRY_VERIFY_WITH_TIMEOUT(picker->findData(sku) >= 0, 10000);
    picker->setCurrentIndex(picker->findData(sku));
    before = controller()->plan().created;
    click("licenceAssignAllButton");
    QCOMPARE(controller()->settings().options.defaultSkuId, sku);
    QVERIFY(waitForPlan(before, 3000));
    selectTab("settingsTab");
    QVERIFY(rowsOfType(Type::Licence) > 0);
    QVERIFY(model()->rowCount() > 1);
    QCOMPARE(model()->change(preview()->filterModel()->mapToSource(table->currentIndex()).row()).userPrincipalName,
             current);
    // Every subscription of the tenant is listed, with the plan's seats on the row of the one it uses.
    auto *licences = find<QTableWidget>("licencesTable");
    QCOMPARE(licences->rowCount(), int(tenant().skus.size()));
    const Sync::SeatCount seats = controller()->plan().seats.constFirst();
    QCOMPARE(seats.skuId, sku);
    int row = 0;
    while (row < licences->rowCount() && !licences->item(row, 0)->toolTip().startsWith(sku)) {
        ++row;
    }
    QVERIFY(row < licences->rowCount());
    QCOMPARE(licences->item(row, 1)->text(), QString::number(seats.prepaid));
    QVERIFY(seats.needed > 0);
    QVERIFY(licences->item(row, 6)->text().contains(QString::number(seats.needed)));
    // The sample has more users than the demo tenant has seats: the tab says so.
    if (seats.shortfall() > 0) {
        QVERIFY(find<QLabel>("licencesNote")->text().startsWith(QLatin1String("Not enough seats")));
    }
    selectTab("licencesTab");
    shot(QStringLiteral("dashboard-licences"));
    selectTab("previewPane");
    shot(QStringLiteral("dashboard-licence-plan"));

    // A daily run at 03:30: a systemd user timer and service for this profile, the schedule kept in the profile, and
    // the header says when the next run is. Switching it off removes both units.
    selectTab("settingsTab");
    const QString unit = scheduleDirectory() + QStringLiteral("/m365sync-") + controller()->profile().name;
    QVERIFY(!find<QComboBox>("settingsScheduleCombo")->isEnabled());
    find<QCheckBox>("settingsScheduleCheck")->setChecked(true);
    QVERIFY(find<QComboBox>("settingsScheduleCombo")->isEnabled());
    auto *every = find<QComboBox>("settingsScheduleCombo");
    every->setCurrentIndex(every->findData(int(Sync::Schedule::Every::Day)));
    find<QTimeEdit>("settingsScheduleTimeEdit")->setTime(QTime(3, 30));
    // The scheduler is written in the background (ScheduleJob): the window does not wait for systemctl.
    QSignalSpy scheduled(controller(), &DashboardController::scheduleApplied);
    click("settingsApplyButton");
    QTRY_COMPARE(scheduled.count(), 1);
    QVERIFY2(find<Ui::ErrorBanner>("settingsBanner")->text().isEmpty(),
             qPrintable(find<Ui::ErrorBanner>("settingsBanner")->text()));
    QFile timer(unit + QStringLiteral(".timer"));
    QVERIFY(timer.open(QIODevice::ReadOnly));
    QVERIFY(timer.readAll().contains("OnCalendar=*-*-* 03:30:00"));
    QFile service(unit + QStringLiteral(".service"));
    QVERIFY(service.open(QIODevice::ReadOnly));
    const QByteArray exec = service.readAll();
    QVERIFY2(exec.contains(
                 QByteArray("m365sync-cli\" sync --profile \"" + controller()->profile().name.toUtf8() + "\" --yes")),
             exec.constData());
    const auto saved = Profile::ProfileStore(profileDirectory()).load(controller()->profile().name);
    QVERIFY(saved);
    QCOMPARE(Sync::SyncSettings::fromJson(saved->sync).value.schedule.at, QTime(3, 30));
    QVERIFY(find<QLabel>("nextRunLabel")->text().contains(QLatin1String("03:30")));
    find<QCheckBox>("settingsScheduleCheck")->setChecked(false);
    click("settingsApplyButton");
    QTRY_COMPARE(scheduled.count(), 2);
    QVERIFY(!QFile::exists(timer.fileName()));
    QVERIFY(!QFile::exists(service.fileName()));
    QCOMPARE(find<QLabel>("nextRunLabel")->text(), QStringLiteral("Next run: not scheduled"));
}

void TestDashboard::profileSwitcher()
{
    // An MSP's second connection (here to the same tenant, with its own state): the switcher offers both.
    const Profile::ProfileStore store(profileDirectory());
    const QString firstName = m_window->currentProfile();
    const std::optional<Profile::Profile> first = store.load(firstName);
    QVERIFY(first);
    Profile::Profile second = *first;
    second.name = QStringLiteral("second");
    second.secrets.privateKey = second.secretKey(QLatin1String(Secrets::Purpose::PrivateKey));
    m_secrets->insert(second.secrets.privateKey, m_secrets->value(first->secrets.privateKey));
    QVERIFY(store.save(second));

    m_window->reloadProfiles(second.name);
    auto *combo = find<QComboBox>("profileCombo");
    QCOMPARE(combo->count(), 2);
    QVERIFY(combo->isEnabled());
    QCOMPARE(combo->currentText(), second.name);
    QCOMPARE(m_window->currentProfile(), second.name);
    QCOMPARE(controller()->profile().name, second.name);
    QVERIFY2(waitForPlan({}, 30000), qPrintable(find<Ui::ErrorBanner>("errorBanner")->text()));
    // Nobody is created twice: the users the first profile created are found in the tenant.
    QCOMPARE(rows(Kind::Create, int(Type::User)), 0);
    QCOMPARE(find<QLabel>("lastSyncLabel")->text(), QStringLiteral("Last sync: never"));
    shot(QStringLiteral("dashboard-second-profile"));

    // Back to the first one through the switcher.
    const int index = combo->findText(firstName);
    combo->setCurrentIndex(index);
    Q_EMIT combo->activated(index);
    QCOMPARE(m_window->currentProfile(), firstName);
    QVERIFY(waitForPlan({}, 30000));
    QVERIFY(find<QLabel>("lastSyncLabel")->text() != QLatin1String("Last sync: never"));
}

void TestDashboard::uncheckedRowsAreExcludedUntilIncludedAgain()
{
    // Two new people in the directory; the admin unchecks one of them and starts the sync.
    QByteArray ldif = m_ldif;
    for (const char *uid : {"newcomer1", "newcomer2"}) {
        ldif += QStringLiteral("\ndn: uid=%1,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\n"
                               "objectClass: posixAccount\nuid: %1\ncn: New %1\ngivenName: New\nsn: %1\n"
                               "entryUUID: 0c6a0f3e-0000-4000-8000-00000000000%2\n")
                    .arg(QLatin1String(uid))
                    .arg(QLatin1String(uid).right(1))
                    .toUtf8();
    }
    QDateTime planned = controller()->plan().created;
    const int createsBefore = rows(Kind::Create, int(Type::User));
    writeDirectory(ldif);
    controller()->replan();
    QVERIFY(waitForPlan(planned, 30000));
    QTRY_COMPARE_WITH_TIMEOUT(rows(Kind::Create, int(Type::User)), createsBefore + 2, 30000);
    const int row = rowOf(Kind::Create, QStringLiteral("newcomer2"));
    QVERIFY(row >= 0);
    QVERIFY(
        model()->setData(model()->index(row, Models::ChangePlanModel::KindColumn), Qt::Unchecked, Qt::CheckStateRole));
    QSignalSpy finished(controller(), &DashboardController::applyFinished);
    planned = controller()->plan().created;
    click("syncButton");
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QVERIFY2(finished.constFirst().at(0).toString().contains(QStringLiteral("excluded from now on")),
             qPrintable(finished.constFirst().at(0).toString()));

    // The exclusion is in the profile file, so a scheduled run honours it too; the next plan holds the create back.
    const Profile::ProfileStore store(profileDirectory());
    const std::optional<Profile::Profile> saved = store.load(controller()->profile().name);
    QVERIFY(saved);
    const auto settings = Sync::SyncSettings::fromJson(saved->sync);
    QVERIFY(settings.ok());
    QCOMPARE(settings.value.exclusions.list().size(), 1);
    QCOMPARE(settings.value.exclusions.list().first().displayName, QStringLiteral("New newcomer2"));
    QVERIFY(waitForPlan(planned, 30000));
    QCOMPARE(rows(Kind::Create, int(Type::User)), 0);
    // Held back: the create, and the licence or memberships the profile would give the new user.
    const Sync::ChangePlan &held = controller()->plan();
    QVERIFY(!held.excluded.isEmpty());
    QCOMPARE(held.excluded.first().kind, Kind::Create);
    for (const Sync::Change &change : held.excluded) {
        QCOMPARE(change.anchor, held.excluded.first().anchor);
    }

    // Settings lists it; "Include again" brings the create back into the plan.
    selectTab("settingsTab");
    auto *list = find<QListWidget>("settingsExclusionsList");
    QCOMPARE(list->count(), 1);
    QVERIFY2(list->item(0)->text().startsWith(QStringLiteral("New newcomer2 (user, since ")),
             qPrintable(list->item(0)->text()));
    QVERIFY(!find<QPushButton>("settingsIncludeAgainButton")->isEnabled());
    shot(QStringLiteral("dashboard-exclusions"));
    list->item(0)->setSelected(true);
    planned = controller()->plan().created;
    click("settingsIncludeAgainButton");
    QVERIFY(controller()->settings().exclusions.isEmpty());
    QCOMPARE(list->item(0)->text(), QStringLiteral("None: every object in scope is synchronized."));
    QVERIFY(waitForPlan(planned, 30000));
    QCOMPARE(rows(Kind::Create, int(Type::User)), 1);
    QVERIFY(controller()->plan().excluded.isEmpty());
    selectTab("previewPane");
}

void TestDashboard::upnSuffixRewritesInSettings()
{
    selectTab("settingsTab");
    auto *suffixes = find<QLineEdit>("settingsUpnSuffixesEdit");
    QVERIFY(suffixes->text().isEmpty());
    // Something that is not a rewrite is refused with a message, and nothing is saved.
    suffixes->setText(QStringLiteral("corp.local"));
    Q_EMIT suffixes->textEdited(suffixes->text());
    click("settingsApplyButton");
    QVERIFY2(find<Ui::ErrorBanner>("settingsBanner")->text().contains(QStringLiteral("corp.local=contoso.com")),
             qPrintable(find<Ui::ErrorBanner>("settingsBanner")->text()));
    QVERIFY(controller()->settings().rules.upnSuffixes.isEmpty());
    suffixes->setText(QStringLiteral("CORP.local = contoso.onmicrosoft.com; ad.example=contoso.onmicrosoft.com"));
    Q_EMIT suffixes->textEdited(suffixes->text());
    click("settingsApplyButton");
    const QHash<QString, QString> expected{{QStringLiteral("corp.local"), QStringLiteral("contoso.onmicrosoft.com")},
                                           {QStringLiteral("ad.example"), QStringLiteral("contoso.onmicrosoft.com")}};
    QCOMPARE(controller()->settings().rules.upnSuffixes, expected);
    // Shown again as saved, sorted.
    find<Ui::SettingsTab>("settingsTab")->load();
    QCOMPARE(suffixes->text(),
             QStringLiteral("ad.example=contoso.onmicrosoft.com; corp.local=contoso.onmicrosoft.com"));

    // Which groups become cloud groups: a filter, checked before it is saved.
    auto *groups = find<QLineEdit>("settingsGroupFilterEdit");
    groups->setText(QStringLiteral("(cn=staff"));
    Q_EMIT groups->textEdited(groups->text());
    click("settingsApplyButton");
    QVERIFY(!find<Ui::ErrorBanner>("settingsBanner")->text().isEmpty());
    QVERIFY(controller()->settings().options.groupScope.filter().isEmpty());
    groups->setText(QStringLiteral("(cn=staff*)"));
    Q_EMIT groups->textEdited(groups->text());
    click("settingsApplyButton");
    QCOMPARE(controller()->settings().options.groupScope.filter(), QStringLiteral("(cn=staff*)"));
    groups->clear();
    Q_EMIT groups->textEdited(groups->text());
    click("settingsApplyButton");
    QVERIFY(controller()->settings().options.groupScope.filter().isEmpty());
    selectTab("previewPane");
}

void TestDashboard::caFileOfAnLdapDirectory()
{
    selectTab("settingsTab");
    // The sample directory is a file: nothing to connect to, no CA.
    QVERIFY(!find<QGroupBox>("settingsDirectoryBox")->isVisible());

    // The profile moves to an LDAP server with its own CA, read anonymously over LDAPS.
    SlapdFixture::Options options;
    options.tls = true;
    SlapdFixture slapd(options);
    QVERIFY2(slapd.setUp() && slapd.loadLdif(slapd.baseEntries()) && slapd.start(), qPrintable(slapd.errorString()));
    const QJsonObject before = controller()->profile().directory;
    const QJsonObject ldap{{QStringLiteral("type"), QStringLiteral("openldap")},
                           {QStringLiteral("url"), slapd.ldapsUrl()},
                           {QStringLiteral("tls"), QStringLiteral("ldaps")},
                           {QStringLiteral("caFile"), slapd.otherCaFile()},
                           {QStringLiteral("baseDn"), slapd.suffix()}};
    QVERIFY(controller()->setDirectory(ldap));
    find<Ui::SettingsTab>("settingsTab")->load();
    QVERIFY(find<QGroupBox>("settingsDirectoryBox")->isVisible());
    QVERIFY(find<QLabel>("settingsDirectoryServerLabel")->text().startsWith(slapd.ldapsUrl()));
    auto *caFile = find<QLineEdit>("settingsCaFileEdit");
    QCOMPARE(caFile->text(), slapd.otherCaFile());
    auto *result = find<QLabel>("settingsDirectoryResultLabel");

    // Test says why the wrong CA fails, then shows the certificate with the right one; nothing is saved yet.
    click("settingsTestDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(result->text().contains(QStringLiteral("issued by \"CN=m365sync test CA\"")), 20000);
    caFile->setText(slapd.caFile());
    Q_EMIT caFile->textEdited(caFile->text());
    click("settingsTestDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(
        result->text().startsWith(QStringLiteral("Certificate: CN=127.0.0.1 · issued by CN=m365sync "
                                                 "test CA · valid until ")),
        20000);
    shot(QStringLiteral("dashboard-settings-directory"));
    QCOMPARE(controller()->profile().directory.value(QLatin1String("caFile")).toString(), slapd.otherCaFile());

    // Apply saves it to the profile file.
    click("settingsApplyButton");
    QCOMPARE(controller()->profile().directory.value(QLatin1String("caFile")).toString(), slapd.caFile());
    const std::optional<Profile::Profile> saved =
        Profile::ProfileStore(profileDirectory()).load(controller()->profile().name);
    QVERIFY(saved);
    QCOMPARE(saved->directory.value(QLatin1String("caFile")).toString(), slapd.caFile());

    QVERIFY(controller()->setDirectory(before));
    selectTab("previewPane");
}

void TestDashboard::containerScopeInSettings()
{
    using Model = Models::ContainerTreeModel;
    using Scope = Directory::ContainerScope;
    // An OpenLDAP directory with people, groups and a sales OU below the suffix, read anonymously.
    SlapdFixture slapd;
    const QByteArray suffix = slapd.suffix().toUtf8();
    QByteArray ldif = slapd.baseEntries();
    ldif += "dn: ou=sales," + suffix + "\nobjectClass: organizationalUnit\nou: sales\n\n";
    const auto person = [&](const QByteArray &uid, const QByteArray &below) {
        ldif += "dn: uid=" + uid + ',' + below + "\nobjectClass: inetOrgPerson\nuid: " + uid + "\ncn: " + uid
            + "\nsn: " + uid + "\nmail: " + uid + "@example.org\n\n";
    };
    person("alice", "ou=people," + suffix);
    person("bob", "ou=people," + suffix);
    person("seller1", "ou=sales," + suffix);
    person("seller2", "ou=sales," + suffix);
    ldif += "dn: cn=staff,ou=groups," + suffix + "\nobjectClass: groupOfNames\ncn: staff\nmember: uid=alice,ou=people,"
        + suffix + "\n\n";
    QVERIFY2(slapd.setUp() && slapd.loadLdif(ldif) && slapd.start(), qPrintable(slapd.errorString()));
    const QJsonObject before = controller()->profile().directory;
    QVERIFY(controller()->setDirectory({{QStringLiteral("type"), QStringLiteral("openldap")},
                                        {QStringLiteral("url"), slapd.url()},
                                        {QStringLiteral("tls"), QStringLiteral("none")},
                                        {QStringLiteral("baseDn"), slapd.suffix()}}));
    find<Ui::SettingsTab>("settingsTab")->load();
    selectTab("settingsTab");

    // Shown, the box reads the tree by itself; the profile names no containers, so everything is checked.
    auto *tree = find<Ui::ContainerTree>("settingsContainerTree");
    QVERIFY(tree);
    Model *treeModel = tree->containerModel();
    QAbstractItemModelTester tester(treeModel, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(tree->isVisible() || find<QLabel>("settingsContainersLabel")->text().contains(':'), 20000);
    QVERIFY2(tree->isVisible(), qPrintable(find<QLabel>("settingsContainersLabel")->text()));
    const auto state = [](const QModelIndex &index) {
        return Qt::CheckState(index.data(Qt::CheckStateRole).toInt());
    };
    const QString sales = QStringLiteral("ou=sales,") + slapd.suffix();
    const QModelIndex salesUsers = treeModel->indexForDn(sales, Model::UsersColumn);
    const QModelIndex top = treeModel->index(0, Model::UsersColumn);
    QCOMPARE(top.data().toString(), QStringLiteral("4"));
    QCOMPARE(salesUsers.data().toString(), QStringLiteral("2"));
    QCOMPARE(state(salesUsers), Qt::Checked);
    auto *apply = find<QPushButton>("settingsApplyButton");
    QVERIFY(!apply->isEnabled());

    // Unchecking sales' users leaves them out: the box says so, Apply saves it to the profile.
    Tests::clickCheckBox(tree, salesUsers);
    QCOMPARE(state(salesUsers), Qt::Unchecked);
    QCOMPARE(state(top), Qt::PartiallyChecked);
    QCOMPARE(state(treeModel->indexForDn(sales, Model::GroupsColumn)), Qt::Checked);
    QCOMPARE(find<QLabel>("settingsContainersSummaryLabel")->text(), QStringLiteral("Synced: users 2 of 4, groups 1."));
    QVERIFY(apply->isEnabled());
    shot(QStringLiteral("dashboard-settings-containers"));
    const QDateTime applied = QDateTime::currentDateTimeUtc();
    click("settingsApplyButton");
    const Scope expected({}, {sales});
    const QJsonObject directory = controller()->profile().directory;
    QCOMPARE(Scope::fromJson(directory.value(QLatin1String("userContainers")).toObject()), expected);
    QVERIFY(!directory.contains(QLatin1String("groupContainers")));
    const std::optional<Profile::Profile> saved =
        Profile::ProfileStore(profileDirectory()).load(controller()->profile().name);
    QVERIFY(saved);
    QCOMPARE(Scope::fromJson(saved->directory.value(QLatin1String("userContainers")).toObject()), expected);
    QCOMPARE(saved->directory.value(QLatin1String("url")).toString(), slapd.url());

    // The dashboard reads the directory again: the people are planned, the sellers no longer.
    QVERIFY2(waitForPlan(applied, 30000), qPrintable(find<Ui::ErrorBanner>("errorBanner")->text()));
    const auto planned = [this](const char *uid) {
        return std::any_of(controller()->plan().changes.cbegin(),
                           controller()->plan().changes.cend(),
                           [uid](const Sync::Change &change) {
                               return change.objectType == Type::User
                                   && change.sourceDn.startsWith(QLatin1String("uid=") + QLatin1String(uid) + ',');
                           });
    };
    QVERIFY(planned("alice"));
    QVERIFY(!planned("seller1"));

    // Shown again from the profile, the tree has the saved choice and nothing is pending.
    find<Ui::SettingsTab>("settingsTab")->load();
    QCOMPARE(state(treeModel->indexForDn(sales, Model::UsersColumn)), Qt::Unchecked);
    QVERIFY(!apply->isEnabled());

    QVERIFY(controller()->setDirectory(before));
    find<Ui::SettingsTab>("settingsTab")->load();
    selectTab("previewPane");
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
