// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectionpage.h"
#include "dashboardfixture.h"
#include "errorbanner.h"
#include "graph/tenantcheck.h"
#include "profile/profilestore.h"
#include "registrationpage.h"
#include "summarypage.h"
#include "sync/statestore.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSslConfiguration>

using namespace M365;

/*
 * "Edit connection…" (issue 13): the dashboard opens the onboarding wizard's App registration, Credentials and
 * Connection pages for its profile, filled from it and its keychain entry; Finish saves the same profile (same name,
 * so its sync history and state stay) and the dashboard opens it afresh; Cancel changes nothing. A draft kept by the
 * wizard never opens as a dashboard. The profile is made and synchronised once, as the dashboard tests do.
 */
class TestEditConnection : public QObject, public Test::DashboardFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cancelChangesNothing();
    void editSavesTheSameProfile();
    void draftIsNeverADashboard();

private:
    /// Registers an app with @p roles in the sandbox through its admin API, as an admin would in the portal.
    QString registerApp(const QStringList &roles);
    /// The wizard the main window opened last, once it shows @p page.
    Ui::OnboardingWizard *waitForWizard(int page);
    QByteArray profileFile() const;
    template <class T> T *inWizard(const char *name) const
    {
        T *widget = m_window->lastWizard()->findChild<T *>(QLatin1String(name));
        if (!widget) {
            qWarning("no widget named %s in the wizard", name);
        }
        return widget;
    }
    void clickInWizard(const char *name) const { QTest::mouseClick(inWizard<QAbstractButton>(name), Qt::LeftButton); }

    QNetworkAccessManager m_nam;
};

void TestEditConnection::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    createProfile();
    QVERIFY(!QTest::currentTestFailed());
    openWindow();
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY2(waitForPlan({}, 60000), qPrintable(find<Ui::ErrorBanner>("errorBanner")->text()));
    // One run, so that there is a history to keep.
    QSignalSpy finished(controller(), &Ui::DashboardController::applyFinished);
    controller()->apply();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 180000);
    QCOMPARE(controller()->stateStore()->runHistory().size(), 1);
}

void TestEditConnection::cleanupTestCase()
{
    tearDownDashboard();
}

QString TestEditConnection::registerApp(const QStringList &roles)
{
    Sandbox::SandboxServer *server = m_wizard->context()->sandboxServer();
    QNetworkRequest request(QUrl(server->baseUrl() + QStringLiteral("/_sandbox/applications")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(QSslCertificate::fromPath(server->caFile()));
    request.setSslConfiguration(ssl);
    const QJsonObject body{{QStringLiteral("displayName"), QStringLiteral("m365sync (new)")},
                           {QStringLiteral("roles"), QJsonArray::fromStringList(roles)}};
    std::unique_ptr<QNetworkReply> reply(m_nam.post(request, QJsonDocument(body).toJson()));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!done.wait(10000)) {
        return {};
    }
    return QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("appId")).toString();
}

Ui::OnboardingWizard *TestEditConnection::waitForWizard(int page)
{
    const bool shown = QTest::qWaitFor(
        [&] {
            Ui::OnboardingWizard *wizard = m_window->lastWizard();
            return wizard && wizard->isVisible() && wizard->currentId() == page;
        },
        30000);
    return shown ? m_window->lastWizard() : nullptr;
}

QByteArray TestEditConnection::profileFile() const
{
    QFile file(Profile::ProfileStore(profileDirectory()).filePath(m_window->currentProfile()));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void TestEditConnection::cancelChangesNothing()
{
    const QByteArray before = profileFile();
    QVERIFY(!before.isEmpty());
    Ui::DashboardController *controllerBefore = controller();
    auto *edit = find<QAbstractButton>("editConnectionButton");
    QVERIFY(edit->isVisible() && edit->isEnabled());
    QVERIFY(find<QAction>("editConnectionAction")->isEnabled());
    shot(QStringLiteral("dashboard-edit-connection-button"));
    click("editConnectionButton");
    Ui::OnboardingWizard *wizard = waitForWizard(Ui::OnboardingWizard::RegistrationPageId);
    QVERIFY(wizard);
    auto *clientEdit = inWizard<QLineEdit>("clientIdEdit");
    clientEdit->selectAll();
    QTest::keyClicks(clientEdit, QStringLiteral("0b9f7c1e-3a54-4d8e-9b6a-1f2e3d4c5b6a"));

    // Nothing was made: Cancel closes at once, without a question, and the profile is as it was.
    QSignalSpy rejected(wizard, &QWizard::rejected);
    clickInWizard("cancelButton");
    QCOMPARE(rejected.count(), 1);
    QVERIFY(!wizard->findChild<QMessageBox *>());
    QCOMPARE(profileFile(), before);
    QCOMPARE(controller(), controllerBefore);
}

void TestEditConnection::editSavesTheSameProfile()
{
    const QString name = m_window->currentProfile();
    const Profile::ProfileStore store(profileDirectory());
    const std::optional<Profile::Profile> before = store.load(name);
    QVERIFY(before);
    // The admin replaced the app registration by another one with the same permissions.
    const QString newApp = registerApp(Graph::AppRegistrationJob::defaultRoles());
    QVERIFY(!newApp.isEmpty());

    find<QAction>("editConnectionAction")->trigger();
    Ui::OnboardingWizard *wizard = waitForWizard(Ui::OnboardingWizard::RegistrationPageId);
    QVERIFY(wizard);
    QVERIFY(wizard->windowTitle().contains(name));
    // Filled from the profile: the IDs as typed, editable.
    auto *clientEdit = inWizard<QLineEdit>("clientIdEdit");
    QCOMPARE(clientEdit->text(), before->clientId);
    QCOMPARE(inWizard<QLineEdit>("tenantIdEdit")->text(), before->tenant);
    QVERIFY(!clientEdit->isReadOnly());
    QVERIFY(wizard->grab().save(QStringLiteral(M365_BINARY_DIR "/screenshots/edit-connection-registration.png")));
    clientEdit->selectAll();
    QTest::keyClicks(clientEdit, newApp);
    clickInWizard("nextButton");
    QCOMPARE(wizard->currentId(), int(Ui::OnboardingWizard::CredentialsPageId));

    // The certificate from the keychain; the admin adds it to the new app (the sandbox's upload, as in the portal).
    QCOMPARE(inWizard<QLabel>("thumbprintLabel")->text(), before->certificate.thumbprintSha1);
    auto *upload = inWizard<QCheckBox>("sandboxUploadCheck");
    QVERIFY(!upload->isChecked());
    upload->setChecked(true);
    clickInWizard("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(Ui::OnboardingWizard::ConnectionPageId), 20000);
    // The new client ID is checked against the tenant: it signs in and has what it needs.
    QTRY_VERIFY_WITH_TIMEOUT(wizard->connectionController()->hasChecked() && !wizard->connectionController()->isBusy(),
                             20000);
    QVERIFY(wizard->connectionController()->error().isNull());
    QVERIFY(wizard->button(QWizard::NextButton)->isEnabled());

    // Then the Summary: the name stays (its history is kept under it).
    clickInWizard("nextButton");
    QCOMPARE(wizard->currentId(), int(Ui::OnboardingWizard::SummaryPageId));
    auto *nameEdit = inWizard<QLineEdit>("profileNameEdit");
    QCOMPARE(nameEdit->text(), name);
    QVERIFY(nameEdit->isReadOnly());
    QVERIFY(!inWizard<QLabel>("profileNameProblem")->isVisible());
    QSignalSpy accepted(wizard, &QWizard::accepted);
    clickInWizard("finishButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);

    // The same profile with the new app; everything else as it was.
    const std::optional<Profile::Profile> after = store.load(name);
    QVERIFY(after);
    QVERIFY(!after->isDraft());
    QCOMPARE(after->clientId, newApp);
    QCOMPARE(after->tenant, before->tenant);
    QCOMPARE(after->certificate, before->certificate);
    QCOMPARE(after->secrets, before->secrets);
    QCOMPARE(after->directory, before->directory);
    QCOMPARE(after->sync, before->sync);
    QCOMPARE(store.list(), QStringList{name});

    // The dashboard opened it afresh: connected with the new app, and the history is still there.
    QCOMPARE(m_window->currentProfile(), name);
    QCOMPARE(controller()->profile().clientId, newApp);
    QVERIFY2(waitForPlan({}, 60000), qPrintable(find<Ui::ErrorBanner>("errorBanner")->text()));
    QVERIFY(controller()->health().tokenOk);
    QCOMPARE(controller()->stateStore()->runHistory().size(), 1);
    QVERIFY(find<QLabel>("lastSyncLabel")->text() != QLatin1String("Last sync: never"));
}

void TestEditConnection::draftIsNeverADashboard()
{
    // A draft the wizard kept beside the connection.
    const Profile::ProfileStore store(profileDirectory());
    const QString current = m_window->currentProfile();
    const std::optional<Profile::Profile> original = store.load(current);
    QVERIFY(original);
    std::optional<Profile::Profile> draft = original;
    draft->name = QStringLiteral("draft1");
    draft->draft = Profile::DraftState{QStringLiteral("credentials"), false, QString()};
    draft->secrets = Profile::SecretReferences{};
    draft->secrets.privateKey = draft->secretKey(QLatin1String(Secrets::Purpose::PrivateKey));
    m_secrets->insert(draft->secrets.privateKey, m_secrets->value(original->secrets.privateKey));
    QVERIFY(store.save(*draft));

    // Listed as a draft to finish, not in the switcher.
    m_window->reloadProfiles(current);
    QCOMPARE(m_window->drafts(), QStringList{QStringLiteral("draft1")});
    auto *combo = find<QComboBox>("profileCombo");
    QCOMPARE(combo->findText(QStringLiteral("draft1")), -1);
    QVERIFY(find<QMenu>("draftsMenu")->isEnabled());
    QCOMPARE(m_window->currentProfile(), current);

    // Asked to open it, the window resumes it in the wizard instead of a dashboard.
    Ui::DashboardController *controllerBefore = controller();
    m_window->openProfile(QStringLiteral("draft1"));
    Ui::OnboardingWizard *wizard = waitForWizard(Ui::OnboardingWizard::CredentialsPageId);
    QVERIFY(wizard);
    QCOMPARE(m_window->currentProfile(), current);
    QCOMPARE(controller(), controllerBefore);
    QCOMPARE(inWizard<QLabel>("thumbprintLabel")->text(), draft->certificate.thumbprintSha1);

    // Closing it keeps it a draft.
    QSignalSpy rejected(wizard, &QWizard::rejected);
    clickInWizard("cancelButton");
    const bool asked = QTest::qWaitFor(
        [&] {
            auto *box = wizard->findChild<QMessageBox *>(QStringLiteral("keepDraftQuestion"));
            return box && box->isVisible();
        },
        10000);
    QVERIFY(asked);
    QTest::mouseClick(wizard->findChild<QMessageBox *>(QStringLiteral("keepDraftQuestion"))
                          ->findChild<QAbstractButton *>(QStringLiteral("keepDraftButton")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(rejected.count(), 1, 10000);
    QVERIFY(store.load(QStringLiteral("draft1"))->isDraft());
    QCOMPARE(m_window->drafts(), QStringList{QStringLiteral("draft1")});
}

QTEST_MAIN(TestEditConnection)
#include "tst_editconnection.moc"
