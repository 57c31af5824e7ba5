// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "changeplanmodel.h"
#include "dashboardcontroller.h"
#include "dashboardwidget.h"
#include "mainwindow.h"
#include "onboardingwizard.h"
#include "previewpane.h"
#include "profile/memorysecretstore.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
#include "tenantstate.h"

#include <QAbstractButton>
#include <QCoreApplication>
#include <QDateTime>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QSize>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace M365::Test {

/*
 * The setup the dashboard tests share (tst_dashboard in English, tst_dashboard_de in German): the profile is made the
 * way an admin makes it (the onboarding wizard in sandbox mode, every default), then the main window (1280×800) opens
 * it against the wizard's in-process sandbox tenant and the bundled sample directory. The helpers find widgets by
 * objectName and save screenshots under <build>/screenshots/.
 *
 * The set-up functions use QVERIFY/QCOMPARE: a caller checks QTest::currentTestFailed() after each.
 */
class DashboardFixture
{
public:
    DashboardFixture() = default;
    DashboardFixture(const DashboardFixture &) = delete;
    DashboardFixture &operator=(const DashboardFixture &) = delete;
    ~DashboardFixture() { tearDownDashboard(); }

protected:
    /// Runs the onboarding wizard in sandbox mode with every default and reads what the sample directory holds.
    void createProfile()
    {
        QStandardPaths::setTestModeEnabled(true);
        QDir().mkpath(QStringLiteral(M365_BINARY_DIR "/screenshots"));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_secrets = new Secrets::MemorySecretStore;

        Ui::WizardContext::Options options;
        options.secrets = m_secrets;
        options.profileDirectory = profileDirectory();
        options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
        m_wizard = std::make_unique<Ui::OnboardingWizard>(options);
        m_wizard->show();
        const auto next = [this] {
            QTest::mouseClick(m_wizard->button(QWizard::NextButton), Qt::LeftButton);
        };
        next();
        next();
        QCOMPARE(m_wizard->currentId(), int(Ui::OnboardingWizard::CredentialsPageId));
        QTest::mouseClick(m_wizard->findChild<QAbstractButton *>(QStringLiteral("generateButton")), Qt::LeftButton);
        next();
        QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(Ui::OnboardingWizard::ConnectionPageId), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_wizard->button(QWizard::NextButton)->isEnabled(), 20000);
        next();
        next();
        QCOMPARE(m_wizard->currentId(), int(Ui::OnboardingWizard::DirectoryPageId));
        next();
        QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(Ui::OnboardingWizard::AttributesPageId), 10000);
        next();
        QCOMPARE(m_wizard->currentId(), int(Ui::OnboardingWizard::SummaryPageId));
        QSignalSpy accepted(m_wizard.get(), &QWizard::accepted);
        QTest::mouseClick(m_wizard->button(QWizard::FinishButton), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
        m_wizard->hide();

        // What the sample directory holds, from the file itself.
        m_ldifPath = m_wizard->context()->sampleDirectoryPath();
        QFile ldif(m_ldifPath);
        QVERIFY2(ldif.open(QIODevice::ReadOnly), qPrintable(m_ldifPath));
        m_ldif = ldif.readAll();
        m_directoryUsers = int(m_ldif.count("objectClass: posixAccount"));
        m_directoryGroups = int(m_ldif.count("objectClass: groupOfNames"));
        QVERIFY(m_directoryUsers > 10);
        QVERIFY(m_directoryGroups > 0);
    }

    /// Where the test's scheduled runs go instead of ~/.config/systemd/user.
    QString scheduleDirectory() const { return m_dir->filePath(QStringLiteral("systemd-user")); }

    /// Opens the main window (1280×800) on the profile createProfile() saved; the first plan is then under way.
    void openWindow()
    {
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
        QCOMPARE(m_window->currentProfile(), m_wizard->savedProfileName());
        QVERIFY(controller());
    }

    void tearDownDashboard()
    {
        // The window's controller talks to the wizard's sandbox tenant: the window goes first.
        m_window.reset();
        m_wizard.reset();
        delete m_secrets;
        m_secrets = nullptr;
        m_dir.reset();
    }

    QString profileDirectory() const { return m_dir->filePath(QStringLiteral("profiles")); }

    template <class T> T *find(const char *name) const
    {
        T *widget = m_window->findChild<T *>(QLatin1String(name));
        if (!widget) {
            qWarning("no widget named %s", name);
        }
        return widget;
    }
    /// Clicks the button @p name. Synchronize Now (syncButton) first shows what the run will do: that summary is
    /// confirmed, as an admin who read it would; tests of the summary itself click the button directly.
    void click(const char *name)
    {
        QTest::mouseClick(find<QAbstractButton>(name), Qt::LeftButton);
        if (qstrcmp(name, "syncButton") == 0) {
            QDialog *dialog = confirmRunDialog();
            QVERIFY2(dialog, "Synchronize Now showed no summary to confirm");
            QTest::mouseClick(dialog->findChild<QAbstractButton *>(QStringLiteral("confirmRunButton")), Qt::LeftButton);
        }
    }
    /// The summary Synchronize Now shows before a run, while it is open.
    QDialog *confirmRunDialog() const
    {
        const QList<QDialog *> dialogs = m_window->findChildren<QDialog *>(QStringLiteral("confirmRunDialog"));
        for (QDialog *dialog : dialogs) {
            if (dialog->isVisible()) {
                return dialog;
            }
        }
        return nullptr;
    }
    Ui::DashboardController *controller() const { return m_window->controller(); }
    Ui::PreviewPane *preview() const { return m_window->dashboard()->preview(); }
    Models::ChangePlanModel *model() const { return preview()->model(); }
    Sandbox::TenantState &tenant() const { return m_wizard->context()->sandboxServer()->tenant()->state(); }

    /// Saves @p widget (by default the whole window, which must be 1280×800) as <build>/screenshots/<name>.png.
    void shot(const QString &name, QWidget *widget = nullptr)
    {
        QCoreApplication::processEvents();
        const QString path = QStringLiteral(M365_BINARY_DIR "/screenshots/") + name + QStringLiteral(".png");
        // Saved first: a window that grew shows what made it grow.
        QVERIFY2((widget ? widget : m_window.get())->grab().save(path), qPrintable(path));
        if (!widget) {
            // What the dashboard shows must fit the window it was given.
            QCOMPARE(m_window->size(), QSize(1280, 800));
        }
    }

    void selectTab(const char *name)
    {
        auto *tabs = find<QTabWidget>("dashboardTabs");
        tabs->setCurrentWidget(tabs->findChild<QWidget *>(QLatin1String(name)));
    }

    /// Waits until the controller is Ready with a plan newer than @p after.
    bool waitForPlan(const QDateTime &after, int timeoutMs = 20000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            if (controller()->state() == Ui::DashboardController::State::Ready && controller()->plan().created.isValid()
                && (!after.isValid() || controller()->plan().created > after)) {
                return true;
            }
            QTest::qWait(20);
        }
        return false;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    Secrets::MemorySecretStore *m_secrets = nullptr;
    std::unique_ptr<Ui::OnboardingWizard> m_wizard;
    std::unique_ptr<Ui::MainWindow> m_window;
    QString m_ldifPath;
    QByteArray m_ldif;
    int m_directoryUsers = 0;
    int m_directoryGroups = 0;
};

} // namespace M365::Test
