// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "../integration/signinbrowser.h"
#include "connectionpage.h"
#include "credentialspage.h"
#include "domainpage.h"
#include "errorbanner.h"
#include "onboardingwizard.h"
#include "profile/memorysecretstore.h"
#include "profile/profilestore.h"
#include "registrationpage.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
#include "summarypage.h"
#include "tenantstate.h"
#include "wizarddriver.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <memory>

using namespace M365;
using M365::Ui::OnboardingWizard;

/*
 * Nothing lost (issue 13): closing the wizard after something was made in the tenant or the keychain asks, "Keep as a
 * draft" saves a draft profile (secrets in the store, never in the file) that a new wizard resumes where the admin
 * left, and "Discard" says that the registered app stays in the tenant. Also the Domain page's sandbox DNS button.
 * Offscreen against the in-process sandbox tenant; the questions are answered by objectName, as an admin would click.
 */
class TestWizardDraft : public QObject, public Tests::WizardDriver
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void draftFormat();
    void cancelWithNothingDoneAsksNothing();
    void keepDraftAfterRegistrationAndResume();
    void discardAfterRegistrationNamesTheApp();
    void keptCertificateResumesOnTheCredentialsPage();
    void sandboxDnsButtonPublishes();
    void noDnsButtonForARealTenant();

private:
    OnboardingWizard *makeWizard();
    OnboardingWizard *drivenWizard() const override { return m_wizard.get(); }
    Sandbox::SandboxServer *server() const { return m_wizard->context()->sandboxServer(); }
    Profile::ProfileStore store() const { return Profile::ProfileStore(m_dir->filePath(QStringLiteral("profiles"))); }
    /// The message box @p name once it is shown (the wizard opens it without a nested event loop), or null.
    QMessageBox *waitForBox(const char *name) const;
    /// Clicks @p button of the shown message box @p box.
    void answer(const char *box, const char *button);
    /// Welcome (sandbox) → App registration, automatic: the test plays the administrator's browser.
    void registerAutomatically();
    void shot(const QString &name) { QVERIFY2(saveShot(name), qPrintable(name)); }

    std::unique_ptr<QTemporaryDir> m_dir;
    Secrets::MemorySecretStore *m_secrets = nullptr;
    std::unique_ptr<OnboardingWizard> m_wizard;
};

void TestWizardDraft::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QDir().mkpath(QStringLiteral(M365_BINARY_DIR "/screenshots"));
}

void TestWizardDraft::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_secrets = new Secrets::MemorySecretStore(this);
}

void TestWizardDraft::cleanup()
{
    m_wizard.reset();
    delete m_secrets;
    m_secrets = nullptr;
    m_dir.reset();
}

OnboardingWizard *TestWizardDraft::makeWizard()
{
    // A second wizard is a new start of the app: the first one's sandbox tenant saves its state when it goes.
    m_wizard.reset();
    Ui::WizardContext::Options options;
    options.secrets = m_secrets;
    options.profileDirectory = m_dir->filePath(QStringLiteral("profiles"));
    options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    options.browserOpener = [this](const QUrl &url) {
        // Like a real browser, it runs beside the wizard, not inside the sign-in job's call.
        QTimer::singleShot(0, this, [this, url] {
            if (!m_wizard || !server()) {
                return;
            }
            SignInBrowser browser;
            browser.setCaCertificates(QSslCertificate::fromPath(server()->caFile()));
            const SignInBrowser::Page page =
                browser.signIn(url, Sandbox::TenantState::demoAdminUpn, Sandbox::TenantState::demoAdminPassword);
            if (page.status == 302) {
                browser.get(page.location);
            }
        });
        return true;
    };
    m_wizard = std::make_unique<OnboardingWizard>(options);
    m_wizard->resize(900, 640);
    m_wizard->show();
    return m_wizard.get();
}

QMessageBox *TestWizardDraft::waitForBox(const char *name) const
{
    QMessageBox *box = nullptr;
    // The wizard opens its questions with open(): they appear while the event loop runs.
    const bool shown = QTest::qWaitFor(
        [&] {
            box = m_wizard->findChild<QMessageBox *>(QLatin1String(name));
            return box && box->isVisible();
        },
        10000);
    if (!shown) {
        qWarning("no message box named %s", name);
    }
    return shown ? box : nullptr;
}

void TestWizardDraft::answer(const char *box, const char *button)
{
    QMessageBox *shown = waitForBox(box);
    QVERIFY2(shown, box);
    auto *clicked = shown->findChild<QAbstractButton *>(QLatin1String(button));
    QVERIFY2(clicked, button);
    QTest::mouseClick(clicked, Qt::LeftButton);
}

void TestWizardDraft::registerAutomatically()
{
    makeWizard();
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    find<QAbstractButton>("automaticRegistrationRadio")->click();
    click("registerButton");
    QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->registrationController()->isBusy(), 30000);
    QVERIFY2(m_wizard->registrationController()->isRegistered(), qPrintable(bannerText("registrationPage")));
}

void TestWizardDraft::draftFormat()
{
    Profile::Profile profile;
    profile.name = QStringLiteral("contoso");
    profile.tenant = QStringLiteral("contoso.onmicrosoft.com");
    profile.clientId = QStringLiteral("4a1aa1d5-c567-49d0-ad0b-cd957a47f842");
    QCOMPARE(profile.toJson().value(QLatin1String("formatVersion")).toInt(), 1);
    QVERIFY(!profile.toJson().contains(QLatin1String("draft")));

    // A draft is format 2, so that a version without drafts refuses it instead of using it as a connection.
    profile.draft = Profile::DraftState{QStringLiteral("credentials"), true, QString(40, QLatin1Char('A'))};
    const QJsonObject json = profile.toJson();
    QCOMPARE(json.value(QLatin1String("formatVersion")).toInt(), 2);
    QCOMPARE(json.value(QLatin1String("draft")).toObject().value(QLatin1String("resumeAt")).toString(),
             QStringLiteral("credentials"));
    const std::optional<Profile::Profile> read = Profile::Profile::fromJson(json);
    QVERIFY(read);
    QVERIFY(read->isDraft());
    QCOMPARE(*read, profile);
    QVERIFY(read->draftError().userMessage.contains(QLatin1String("is a draft")));

    QJsonObject broken = json;
    broken.insert(QStringLiteral("draft"),
                  QJsonObject{{QStringLiteral("resumeAt"), QStringLiteral("domain")},
                              {QStringLiteral("uploadedThumbprint"), QStringLiteral("not hex")}});
    M365::Error error;
    QVERIFY(!Profile::Profile::fromJson(broken, &error));
    QCOMPARE(error.code, QStringLiteral("profile.invalidDraft"));

    for (int id = OnboardingWizard::WelcomePageId; id <= OnboardingWizard::SummaryPageId; ++id) {
        QCOMPARE(OnboardingWizard::pageId(OnboardingWizard::pageName(id)), id);
    }
    QCOMPARE(OnboardingWizard::pageId(QStringLiteral("nonsense")), -1);
}

void TestWizardDraft::cancelWithNothingDoneAsksNothing()
{
    // On the Welcome page, and on the App registration page before its IDs were checked: nothing to keep.
    for (const bool toRegistration : {false, true}) {
        makeWizard();
        if (toRegistration) {
            click("nextButton");
            QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
        }
        QVERIFY(!m_wizard->hasWorkToKeep());
        QSignalSpy rejected(m_wizard.get(), &QWizard::rejected);
        click("cancelButton");
        QCOMPARE(rejected.count(), 1);
        QVERIFY(!m_wizard->isVisible());
        QVERIFY(!m_wizard->findChild<QMessageBox *>());
        QVERIFY(store().list().isEmpty());
        QVERIFY(m_secrets->keys().isEmpty());
    }
}

void TestWizardDraft::keepDraftAfterRegistrationAndResume()
{
    registerAutomatically();
    if (QTest::currentTestFailed()) {
        return;
    }
    const QString appId = m_wizard->registrationController()->clientId();
    const QString tenantId = m_wizard->registrationController()->tenant();
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    click("generateButton");
    const QString thumbprint = m_wizard->context()->certificate.sha1ThumbprintHex();
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled() && m_wizard->connectionController()->hasChecked(), 20000);
    QCOMPARE(m_wizard->context()->uploadedThumbprint, thumbprint);

    // Cancel asks; the safe answer is the default. Go back leaves the wizard as it was.
    QSignalSpy rejected(m_wizard.get(), &QWizard::rejected);
    click("cancelButton");
    QMessageBox *box = waitForBox("keepDraftQuestion");
    QVERIFY(box);
    QCOMPARE(box->defaultButton()->objectName(), QStringLiteral("keepDraftButton"));
    QCOMPARE(box->escapeButton()->objectName(), QStringLiteral("goBackButton"));
    QVERIFY2(box->informativeText().contains(appId), qPrintable(box->informativeText()));
    QVERIFY(box->informativeText().contains(QLatin1String("certificate")));
    QVERIFY(box->grab().save(QStringLiteral(M365_BINARY_DIR "/screenshots/draft-keep-question.png")));
    answer("keepDraftQuestion", "goBackButton");
    QTRY_VERIFY(!m_wizard->findChild<QMessageBox *>(QStringLiteral("keepDraftQuestion")));
    QVERIFY(m_wizard->isVisible());
    QCOMPARE(rejected.count(), 0);
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId));
    QVERIFY(store().list().isEmpty());

    // The window's close button asks the same; Keep saves the draft and closes.
    m_wizard->close();
    answer("keepDraftQuestion", "keepDraftButton");
    QTRY_COMPARE_WITH_TIMEOUT(rejected.count(), 1, 10000);
    QCOMPARE(m_wizard->keptDraftName(), QStringLiteral("sandbox"));

    M365::Error error;
    const std::optional<Profile::Profile> draft = store().load(QStringLiteral("sandbox"), &error);
    QVERIFY2(draft, qPrintable(error.userMessage));
    QVERIFY(draft->isDraft());
    QCOMPARE(draft->draft->resumePage, QStringLiteral("connection"));
    QVERIFY(draft->draft->appRegistered);
    QCOMPARE(draft->draft->uploadedThumbprint, thumbprint);
    QCOMPARE(draft->tenant, tenantId);
    QCOMPARE(draft->clientId, appId);
    QCOMPARE(draft->certificate.thumbprintSha1, thumbprint);
    // The private key is in the secret store, never in the file.
    QVERIFY(m_secrets->value(draft->secrets.privateKey).startsWith("-----BEGIN PRIVATE KEY-----"));
    QFile file(store().filePath(QStringLiteral("sandbox")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QVERIFY(!content.contains("PRIVATE KEY"));
    QVERIFY(!content.contains(m_secrets->value(draft->secrets.privateKey).split('\n').value(3)));

    // The next start resumes it: the pages are checked again up to the Connection page, with the same values.
    makeWizard();
    QSignalSpy opened(m_wizard.get(), &OnboardingWizard::profileOpened);
    m_wizard->openProfile(*draft);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled() && m_wizard->connectionController()->hasChecked(), 20000);
    QVERIFY2(bannerText("connectionPage").isEmpty(), qPrintable(bannerText("connectionPage")));
    QCOMPARE(find<QLineEdit>("clientIdEdit")->text(), appId);
    QCOMPARE(find<QLineEdit>("tenantIdEdit")->text(), tenantId);
    QCOMPARE(find<QLabel>("thumbprintLabel")->text(), thumbprint);
    QCOMPARE(m_wizard->context()->certificate.sha1ThumbprintHex(), thumbprint);
    // Back works: the pages before were gone through, not skipped.
    QVERIFY(m_wizard->button(QWizard::BackButton)->isEnabled());
    shot(QStringLiteral("draft-resumed"));

    // Closing the resumed wizard asks again, and says it is the draft kept before.
    click("cancelButton");
    QMessageBox *asked = waitForBox("keepDraftQuestion");
    QVERIFY(asked);
    QVERIFY2(asked->informativeText().contains(QLatin1String("kept before")), qPrintable(asked->informativeText()));
    answer("keepDraftQuestion", "goBackButton");
    QTRY_VERIFY(!m_wizard->findChild<QMessageBox *>(QStringLiteral("keepDraftQuestion")));

    // On to Finish with the defaults: the draft becomes a complete profile of the same name.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId));
    QCOMPARE(find<QLineEdit>("profileNameEdit")->text(), QStringLiteral("sandbox"));
    QVERIFY(!find<QLabel>("profileNameProblem")->isVisible());
    QSignalSpy accepted(m_wizard.get(), &QWizard::accepted);
    click("finishButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QCOMPARE(m_wizard->savedProfileName(), QStringLiteral("sandbox"));
    const std::optional<Profile::Profile> complete = store().load(QStringLiteral("sandbox"));
    QVERIFY(complete);
    QVERIFY(!complete->isDraft());
    QCOMPARE(complete->clientId, appId);
    QCOMPARE(complete->certificate.thumbprintSha1, thumbprint);
    QVERIFY(m_secrets->contains(complete->secrets.privateKey));
    QCOMPARE(store().list(), QStringList{QStringLiteral("sandbox")});
}

void TestWizardDraft::discardAfterRegistrationNamesTheApp()
{
    registerAutomatically();
    if (QTest::currentTestFailed()) {
        return;
    }
    const QString appId = m_wizard->registrationController()->clientId();
    QSignalSpy rejected(m_wizard.get(), &QWizard::rejected);
    click("cancelButton");
    answer("keepDraftQuestion", "discardDraftButton");

    // Discarding asks once more: the app stays in the tenant, named, with how to remove it.
    QMessageBox *again = waitForBox("discardAppQuestion");
    QVERIFY(again);
    const QString text = again->text() + QLatin1Char('\n') + again->informativeText();
    QVERIFY2(text.contains(appId), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("\"m365sync\"")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("stays in the tenant")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("To remove it")), qPrintable(text));
    QCOMPARE(again->defaultButton()->objectName(), QStringLiteral("keepDraftButton"));
    QCOMPARE(rejected.count(), 0);
    QVERIFY(again->grab().save(QStringLiteral(M365_BINARY_DIR "/screenshots/draft-discard-app-question.png")));
    answer("discardAppQuestion", "confirmDiscardButton");
    QTRY_COMPARE_WITH_TIMEOUT(rejected.count(), 1, 10000);

    // Nothing kept here; the app is still in the tenant (the wizard deletes nothing there).
    QVERIFY(m_wizard->keptDraftName().isEmpty());
    QVERIFY(store().list().isEmpty());
    QVERIFY(m_secrets->keys().isEmpty());
    const Sandbox::TenantState &state = server()->tenant()->state();
    QVERIFY(!state.applicationIdByAppId(appId).isEmpty());
}

void TestWizardDraft::keptCertificateResumesOnTheCredentialsPage()
{
    // A connection named "sandbox" exists: the draft must not replace it.
    Profile::Profile existing;
    existing.name = QStringLiteral("sandbox");
    QVERIFY(store().save(existing));

    // The manual path with the sandbox's demo app: IDs checked, a certificate made, then the wizard is closed.
    makeWizard();
    click("nextButton");
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    click("generateButton");
    const QString thumbprint = m_wizard->context()->certificate.sha1ThumbprintHex();
    QVERIFY(m_wizard->hasWorkToKeep());
    QSignalSpy rejected(m_wizard.get(), &QWizard::rejected);
    click("cancelButton");
    shot(QStringLiteral("draft-credentials-before-cancel"));
    // Enter answers with the default: keep.
    QMessageBox *asked = waitForBox("keepDraftQuestion");
    QVERIFY(asked);
    QTest::keyClick(asked, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(rejected.count(), 1, 10000);
    QCOMPARE(m_wizard->keptDraftName(), QStringLiteral("sandbox-2"));
    QCOMPARE(*store().load(QStringLiteral("sandbox")), existing);
    const std::optional<Profile::Profile> draft = store().load(QStringLiteral("sandbox-2"));
    QVERIFY(draft && draft->isDraft());
    QCOMPARE(draft->draft->resumePage, QStringLiteral("credentials"));
    QVERIFY(!draft->draft->appRegistered);
    QCOMPARE(draft->secrets.privateKey, QStringLiteral("m365sync/sandbox-2/privateKey"));
    QVERIFY(m_secrets->contains(draft->secrets.privateKey));

    // Resumed on the Credentials page with the certificate from the store; Next adds it to the app and signs in.
    makeWizard();
    m_wizard->openProfile(*draft);
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId), 20000);
    QCOMPARE(find<QLabel>("thumbprintLabel")->text(), thumbprint);
    QVERIFY(find<QCheckBox>("sandboxUploadCheck")->isChecked());
    QVERIFY(nextEnabled());
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->connectionController()->hasChecked() && nextEnabled(), 20000);

    // Discarding a resumed draft deletes it and its secrets; the other connection stays.
    click("cancelButton");
    answer("keepDraftQuestion", "discardDraftButton");
    QTRY_COMPARE_WITH_TIMEOUT(store().list(), QStringList{QStringLiteral("sandbox")}, 10000);
    QTRY_VERIFY(!m_secrets->contains(draft->secrets.privateKey));
}

void TestWizardDraft::sandboxDnsButtonPublishes()
{
    makeWizard();
    click("nextButton");
    click("nextButton");
    click("generateButton");
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled() && m_wizard->connectionController()->hasChecked(), 20000);
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));

    auto *domains = find<QTreeWidget>("domainsList");
    const auto items = domains->findItems(QStringLiteral("example.org"), Qt::MatchExactly);
    QCOMPARE(items.size(), 1);
    domains->setCurrentItem(items.first());
    auto *publish = find<QAbstractButton>("publishTxtButton");
    QVERIFY(publish->isVisible());
    QVERIFY(publish->isEnabled());
    QVERIFY(find<QLabel>("txtHintLabel")->text().contains(QLatin1String("sandbox")));
    const QString txt = find<QLabel>("txtRecordLabel")->text();
    QVERIFY(txt.startsWith(QLatin1String("MS=")));
    shot(QStringLiteral("05-domain-sandbox-dns"));

    // Without the record Microsoft (here the sandbox) does not verify the domain.
    click("verifyButton");
    QTRY_VERIFY_WITH_TIMEOUT(!bannerText("domainPage").isEmpty(), 10000);
    QVERIFY(!nextEnabled());

    click("publishTxtButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->domainController()->isDnsFound(), 10000);
    QVERIFY2(bannerText("domainPage").isEmpty(), qPrintable(bannerText("domainPage")));
    QVERIFY2(find<QLabel>("dnsStatusLabel")->text().contains(QLatin1String("published in the sandbox DNS")),
             qPrintable(find<QLabel>("dnsStatusLabel")->text()));
    QVERIFY(server()->tenant()->state().publishedTxtRecords.value(QStringLiteral("example.org")).contains(txt));
    QVERIFY(!publish->isEnabled());
    shot(QStringLiteral("05-domain-sandbox-dns-published"));

    click("verifyButton");
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled(), 10000);
    QVERIFY2(bannerText("domainPage").isEmpty(), qPrintable(bannerText("domainPage")));
    QVERIFY(server()->tenant()->state().verifiedDomainNames().contains(QStringLiteral("example.org")));
}

void TestWizardDraft::noDnsButtonForARealTenant()
{
    // The Domain page over a tenant's report, without a window around it: the same page in both modes.
    for (const bool sandbox : {false, true}) {
        Ui::WizardContext::Options options;
        options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
        Ui::WizardContext context(options);
        context.setSandboxMode(sandbox);
        Graph::TenantReport::Domain domain;
        domain.name = QStringLiteral("example.org");
        domain.txtRecord = QStringLiteral("MS=ms12345678");
        context.report.domains = {domain};
        Ui::DomainPageController controller(&context);
        Ui::DomainPage page(&controller);
        page.resize(900, 500);
        page.show();
        controller.load();
        QCOMPARE(controller.selectedName(), QStringLiteral("example.org"));
        auto *publish = page.findChild<QAbstractButton *>(QStringLiteral("publishTxtButton"));
        auto *hint = page.findChild<QLabel *>(QStringLiteral("txtHintLabel"));
        QVERIFY(publish && hint);
        QCOMPARE(publish->isVisible(), sandbox);
        QCOMPARE(controller.canPublishInSandbox(), sandbox);
        QVERIFY2(hint->isVisible() && hint->text().contains(QLatin1String("DNS host")) != sandbox,
                 qPrintable(hint->text()));
        if (!sandbox) {
            // Nothing is sent for a real tenant, even when asked.
            controller.publishInSandbox();
            QVERIFY(!controller.isBusy());
            QVERIFY(controller.dnsStatus().isEmpty());
            QCoreApplication::processEvents();
            QVERIFY(page.grab().save(QStringLiteral(M365_BINARY_DIR "/screenshots/05-domain-tenant-dns-host.png")));
        }
    }
}

QTEST_MAIN(TestWizardDraft)
#include "tst_wizarddraft.moc"
