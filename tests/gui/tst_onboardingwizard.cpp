// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "../integration/signinbrowser.h"
#include "../integration/slapdfixture.h"
#include "attributespage.h"
#include "checkboxclick.h"
#include "connectionpage.h"
#include "containertree.h"
#include "containertreemodel.h"
#include "credentialspage.h"
#include "directorypage.h"
#include "domainpage.h"
#include "errorbanner.h"
#include "graph/tenantcheck.h"
#include "onboardingwizard.h"
#include "profile/connection.h"
#include "profile/memorysecretstore.h"
#include "profile/profilestore.h"
#include "registrationpage.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
#include "sync/mappingrules.h"
#include "sync/scope.h"
#include "sync/syncsettings.h"
#include "tenantstate.h"
#include "wizarddriver.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QStyle>
#include <QStyleOptionViewItem>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUrlQuery>

#include <chrono>
#include <memory>

using namespace M365;
using M365::Ui::OnboardingWizard;

/*
 * Drives the onboarding wizard by objectName, offscreen, against the in-process sandbox tenant (sandbox mode). On the
 * manual registration path the app is registered and its certificate uploaded through the sandbox's admin API, as an
 * admin would in the Entra portal; on the automatic path the test plays the administrator's browser on the sandbox's
 * sign-in page (SignInBrowser). Each page is saved as a PNG (900×640) under the build tree for review.
 */
class TestOnboardingWizard : public QObject, public Tests::WizardDriver
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void tenantValidation_data();
    void tenantValidation();
    void clientIdValidation_data();
    void clientIdValidation();

    void sandboxManualPathToFinish();
    void sandboxDefaultsClickThrough();
    void keychainUnavailableIsReported();
    void tenantModeStartsEmpty();
    void directoryControllerWithoutWindow();
    void ldapUrlForTls_data();
    void ldapUrlForTls();
    void ldapTlsForUrl_data();
    void ldapTlsForUrl();
    void directoryTlsWithoutWindow();
    void directoryUrlFollowsEncryption();
    void ldapsCertificateShown();
    void containerScopeWithoutWindow_data();
    void containerScopeWithoutWindow();
    void containerTreeOnTheDirectoryPage();
    void attributesValidation_data();
    void attributesValidation();
    void attributesPresetFollowsDirectory();
    void attributesPageEdits();
    void wrongClientIdBlocksNext();
    void missingPermissionBlocksNext();
    void automaticRegistrationToFinish();
    void automaticRegistrationWrongPassword();
    void adminWithoutRolesIsToldWhoMustGrant();
    void deviceCodeWhenNoBrowserOpens();
    void addDomainListedUnverified();
    void ldapBindFailureBlocksNext();

private:
    /// Selects all of the line edit @p name and types @p text over it, as an admin would.
    void typeInto(const char *name, const QString &text) const;
    Directory::LdapConfig::Tls tlsShown() const
    {
        return Directory::LdapConfig::Tls(find<QComboBox>("ldapTlsCombo")->currentData().toInt());
    }
    void chooseTls(Directory::LdapConfig::Tls tls) const
    {
        auto *combo = find<QComboBox>("ldapTlsCombo");
        combo->setCurrentIndex(combo->findData(int(tls)));
    }
    void chooseType(Ui::DirectoryPageController::Type type) const
    {
        auto *combo = find<QComboBox>("sourceTypeCombo");
        combo->setCurrentIndex(combo->findData(int(type)));
    }
    void finishFromDirectory();
    /// Clicks the check box of the container tree's cell @p index, where an admin would.
    void connectAndSignIn(QNetworkAccessManager *nam,
                          const Profile::Profile &profile,
                          std::unique_ptr<Profile::Connection> *connection);
    OnboardingWizard *makeWizard();
    /// The administrator's browser: signs in on the sandbox's page with m_adminPassword and follows the redirect.
    void playBrowser(const QUrl &authorizeUrl);
    /// The status of the automatic path's checklist row @p row.
    int stepStatus(int row) const;
    /// Welcome (sandbox) → … → Connection (checked) → Domain, with every default.
    void goToDomain();
    Sandbox::SandboxServer *server() const { return m_wizard->context()->sandboxServer(); }
    QJsonObject adminPost(const QString &path, const QJsonObject &body);
    OnboardingWizard *drivenWizard() const override { return m_wizard.get(); }
    void shot(const QString &name) { QVERIFY2(saveShot(name), qPrintable(name)); }
    /// Welcome (sandbox) → Registration with @p clientId → Credentials with a generated certificate uploaded to the
    /// app → Connection page, checked.
    void goToConnection(const QString &clientId);
    /// Welcome → … → Directory with every sandbox default, then Next to the Attributes page.
    void goToAttributes();
    /// The Graph user object the Attributes page shows for the chosen sample.
    QJsonObject sampleShown() const;
    /// The row of the rule for @p graphProperty in the rules table, or -1.
    int ruleRow(const QString &graphProperty) const;
    /// Registers an app in the sandbox with @p roles; returns its appId.
    QString registerApp(const QStringList &roles);

    std::unique_ptr<QTemporaryDir> m_dir;
    Secrets::MemorySecretStore *m_secrets = nullptr;
    std::unique_ptr<OnboardingWizard> m_wizard;
    QNetworkAccessManager m_nam;
    // The browser the automatic registration opens.
    QString m_adminUpn = Sandbox::TenantState::demoAdminUpn;
    QString m_adminPassword;
    bool m_browserAvailable = true;
    std::chrono::milliseconds m_signInTimeout{std::chrono::seconds(60)};
    int m_browserOpened = 0;
    QUrl m_authorizeUrl;
    SignInBrowser::Page m_browserPage; ///< what the sign-in form answered
};

/// From the Directory page (tested): Next to Attributes, Next to Summary, Finish, and the wizard is accepted.
void TestOnboardingWizard::finishFromDirectory()
{
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId));
    QSignalSpy accepted(m_wizard.get(), &QWizard::accepted);
    click("finishButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
}

/// Opens the saved profile's connection as the dashboard would and gets a token with it.
void TestOnboardingWizard::connectAndSignIn(QNetworkAccessManager *nam,
                                            const Profile::Profile &profile,
                                            std::unique_ptr<Profile::Connection> *connection)
{
    auto *connect = new Profile::ConnectJob(nam, profile, m_secrets);
    QObject::connect(connect, &M365::Job::finished, this, [connection](M365::Job *job) {
        QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
        *connection = static_cast<Profile::ConnectJob *>(job)->takeConnection();
    });
    connect->start();
    QTRY_VERIFY_WITH_TIMEOUT(*connection, 10000);
    QString token;
    M365::Error tokenError;
    (*connection)->tokens()->acquire(this, [&](const QString &accessToken, const M365::Error &e) {
        token = accessToken;
        tokenError = e;
    });
    QTRY_VERIFY_WITH_TIMEOUT(!token.isEmpty() || !tokenError.isNull(), 10000);
    QVERIFY2(tokenError.isNull(), qPrintable(tokenError.userMessage));
}

void TestOnboardingWizard::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QDir().mkpath(QStringLiteral(M365_BINARY_DIR "/screenshots"));
}

void TestOnboardingWizard::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_secrets = new Secrets::MemorySecretStore(this);
}

void TestOnboardingWizard::cleanup()
{
    m_wizard.reset();
    delete m_secrets;
    m_secrets = nullptr;
    m_dir.reset();
}

OnboardingWizard *TestOnboardingWizard::makeWizard()
{
    Ui::WizardContext::Options options;
    options.secrets = m_secrets;
    options.profileDirectory = m_dir->filePath(QStringLiteral("profiles"));
    options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    options.signInTimeout = m_signInTimeout;
    m_browserOpened = 0;
    m_browserPage = SignInBrowser::Page{};
    options.browserOpener = [this](const QUrl &url) {
        ++m_browserOpened;
        m_authorizeUrl = url;
        if (!m_browserAvailable) {
            return false; // as QDesktopServices::openUrl on a machine without a browser
        }
        // Like a real browser, it runs beside the wizard, not inside the sign-in job's call.
        QTimer::singleShot(0, this, [this, url] {
            playBrowser(url);
        });
        return true;
    };
    m_wizard = std::make_unique<OnboardingWizard>(options);
    m_wizard->resize(900, 640);
    m_wizard->show();
    return m_wizard.get();
}

void TestOnboardingWizard::playBrowser(const QUrl &authorizeUrl)
{
    if (!m_wizard || !server()) {
        return;
    }
    SignInBrowser browser;
    browser.setCaCertificates(QSslCertificate::fromPath(server()->caFile()));
    m_browserPage = browser.signIn(authorizeUrl, m_adminUpn, m_adminPassword);
    if (m_browserPage.status == 302) {
        // The sandbox sends the browser to the wizard's loopback listener with the code.
        browser.get(m_browserPage.location);
    }
}

int TestOnboardingWizard::stepStatus(int row) const
{
    auto *steps = find<QListWidget>("registrationStepsList");
    return steps && row < steps->count() ? steps->item(row)->data(Qt::UserRole).toInt() : -1;
}

QJsonObject TestOnboardingWizard::adminPost(const QString &path, const QJsonObject &body)
{
    QNetworkRequest request(QUrl(server()->baseUrl() + QStringLiteral("/_sandbox") + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    QFile ca(server()->caFile());
    if (ca.open(QIODevice::ReadOnly)) {
        ssl.addCaCertificates(QSslCertificate::fromData(ca.readAll()));
    }
    request.setSslConfiguration(ssl);
    QNetworkReply *reply = m_nam.post(request, QJsonDocument(body).toJson());
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(10000)) {
        qWarning("admin request %s timed out", qPrintable(path));
    }
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status / 100 != 2) {
        qWarning("admin request %s: %d %s", qPrintable(path), status, reply->readAll().constData());
        return {};
    }
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    return answer.isEmpty() ? QJsonObject{{QStringLiteral("ok"), true}} : answer;
}

QString TestOnboardingWizard::registerApp(const QStringList &roles)
{
    const QJsonObject app = adminPost(QStringLiteral("/applications"),
                                      QJsonObject{{QStringLiteral("displayName"), QStringLiteral("m365sync")},
                                                  {QStringLiteral("roles"), QJsonArray::fromStringList(roles)}});
    return app.value(QLatin1String("appId")).toString();
}

void TestOnboardingWizard::tenantValidation_data()
{
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<bool>("valid");
    QTest::newRow("guid") << QStringLiteral("72f988bf-86f1-41af-91ab-2d7cd011db47") << true;
    QTest::newRow("initial domain") << QStringLiteral("contoso.onmicrosoft.com") << true;
    QTest::newRow("custom domain") << QStringLiteral("example.org") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("short guid") << QStringLiteral("72f988bf-86f1-41af-91ab") << false;
    QTest::newRow("no dot") << QStringLiteral("contoso") << false;
    QTest::newRow("space") << QStringLiteral("contoso .com") << false;
}

void TestOnboardingWizard::tenantValidation()
{
    QFETCH(QString, tenant);
    QFETCH(bool, valid);
    QCOMPARE(Ui::RegistrationPageController::isValidTenant(tenant), valid);

    Ui::WizardContext context(Ui::WizardContext::Options{});
    Ui::RegistrationPageController controller(&context);
    controller.setTenant(tenant);
    controller.setClientId(QStringLiteral("4a1aa1d5-c567-49d0-ad0b-cd957a47f842"));
    QCOMPARE(controller.isInputComplete(), valid);
    // Problems are shown as typed, but an empty field says nothing yet.
    QCOMPARE(controller.tenantProblem().isEmpty(), valid || tenant.isEmpty());
}

void TestOnboardingWizard::clientIdValidation_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<bool>("valid");
    QTest::newRow("guid") << QStringLiteral("4a1aa1d5-c567-49d0-ad0b-cd957a47f842") << true;
    QTest::newRow("upper case") << QStringLiteral("4A1AA1D5-C567-49D0-AD0B-CD957A47F842") << true;
    QTest::newRow("domain") << QStringLiteral("contoso.onmicrosoft.com") << false;
    QTest::newRow("braces") << QStringLiteral("{4a1aa1d5-c567-49d0-ad0b-cd957a47f842}") << false;
}

void TestOnboardingWizard::clientIdValidation()
{
    QFETCH(QString, clientId);
    QFETCH(bool, valid);
    Ui::WizardContext context(Ui::WizardContext::Options{});
    Ui::RegistrationPageController controller(&context);
    controller.setTenant(QStringLiteral("contoso.onmicrosoft.com"));
    controller.setClientId(clientId);
    QCOMPARE(controller.isInputComplete(), valid);
    QCOMPARE(controller.clientIdProblem().isEmpty(), valid);
}

void TestOnboardingWizard::goToConnection(const QString &clientId)
{
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    auto *clientEdit = find<QLineEdit>("clientIdEdit");
    clientEdit->selectAll();
    QTest::keyClicks(clientEdit, clientId);
    QVERIFY(nextEnabled());
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));

    click("generateButton");
    QVERIFY(!find<QLabel>("thumbprintLabel")->text().contains(QLatin1Char(' ')));
    // The admin uploads the certificate to the app registration (Certificates & secrets), here via the admin API.
    find<QCheckBox>("sandboxUploadCheck")->setChecked(false);
    const QJsonObject uploaded =
        adminPost(QStringLiteral("/applications/%1/certificates").arg(clientId),
                  QJsonObject{{QStringLiteral("certificatePem"),
                               QString::fromLatin1(m_wizard->context()->certificate.exportPem())}});
    Q_UNUSED(uploaded);
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_wizard->connectionController()->hasChecked() && !m_wizard->connectionController()->isBusy(), 20000);
}

void TestOnboardingWizard::sandboxManualPathToFinish()
{
    makeWizard();
    QVERIFY(find<QAbstractButton>("sandboxRadio")->isChecked());
    shot(QStringLiteral("01-welcome"));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    QVERIFY(server());

    // The sandbox's demo app is registered already: the manual path comes first, the automatic one is offered.
    auto *automatic = find<QAbstractButton>("automaticRegistrationRadio");
    QVERIFY(automatic->isEnabled());
    QVERIFY(!automatic->isChecked());
    QVERIFY(find<QAbstractButton>("manualRegistrationRadio")->isChecked());
    // Pre-filled from the sandbox.
    QCOMPARE(find<QLineEdit>("tenantIdEdit")->text(), server()->tenant()->state().tenantId);

    // Validated as typed: a bad client ID shows what is wrong and blocks Next.
    auto *clientEdit = find<QLineEdit>("clientIdEdit");
    clientEdit->selectAll();
    QTest::keyClicks(clientEdit, QStringLiteral("not-a-guid"));
    QVERIFY(find<QLabel>("clientIdProblem")->isVisible());
    QVERIFY(!nextEnabled());
    shot(QStringLiteral("02-registration-invalid"));

    // Domain.ReadWrite.All lets the wizard verify the domain (optional in the instructions).
    const QString appId = registerApp(Graph::Features{}.requiredRoles() << QStringLiteral("Domain.ReadWrite.All"));
    QVERIFY(!appId.isEmpty());
    clientEdit->selectAll();
    QTest::keyClicks(clientEdit, appId);
    QVERIFY(!find<QLabel>("clientIdProblem")->isVisible());
    shot(QStringLiteral("02-registration"));
    click("nextButton");

    click("generateButton");
    QVERIFY(find<QAbstractButton>("exportCerButton")->isEnabled());
    shot(QStringLiteral("03-credentials"));
    find<QAbstractButton>("clientSecretRadio")->click();
    QVERIFY(!nextEnabled());
    QVERIFY(find<QLabel>("clientSecretWarning")->isVisible());
    shot(QStringLiteral("03-credentials-secret"));
    find<QAbstractButton>("generateRadio")->click();
    QVERIFY(nextEnabled());
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    goToConnection(appId);

    // Connection & permissions: every role granted.
    QVERIFY2(bannerText("connectionPage").isEmpty(), qPrintable(bannerText("connectionPage")));
    QVERIFY(m_wizard->connectionController()->report().missingRoles.isEmpty());
    auto *roles = find<QListWidget>("rolesList");
    QCOMPARE(roles->count(), Graph::Features{}.requiredRoles().size());
    QVERIFY(roles->item(0)->text().contains(QLatin1String("granted")));
    QVERIFY(nextEnabled());
    shot(QStringLiteral("04-connection"));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));

    // Domain: pick the unverified example.org; Next is blocked until it is verified.
    auto *domains = find<QTreeWidget>("domainsList");
    QVERIFY(domains->topLevelItemCount() >= 2);
    shot(QStringLiteral("05-domain"));
    const auto items = domains->findItems(QStringLiteral("example.org"), Qt::MatchExactly);
    QCOMPARE(items.size(), 1);
    domains->setCurrentItem(items.first());
    QCOMPARE(m_wizard->domainController()->selectedName(), QStringLiteral("example.org"));
    QVERIFY(!nextEnabled());
    const QString txt = find<QLabel>("txtRecordLabel")->text();
    QVERIFY(txt.startsWith(QLatin1String("MS=")));
    click("checkDnsButton");
    QTRY_VERIFY(bannerText("domainPage").contains(QLatin1String("not published")));
    QVERIFY(!nextEnabled());
    shot(QStringLiteral("05-domain-txt-missing"));

    // The admin publishes the record at the DNS host.
    QVERIFY(
        !adminPost(QStringLiteral("/dns"),
                   QJsonObject{{QStringLiteral("domain"), QStringLiteral("example.org")}, {QStringLiteral("txt"), txt}})
             .isEmpty());
    click("checkDnsButton");
    QTRY_VERIFY(m_wizard->domainController()->isDnsFound());
    QVERIFY(bannerText("domainPage").isEmpty());
    click("verifyButton");
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled(), 10000);
    QVERIFY2(bannerText("domainPage").isEmpty(), qPrintable(bannerText("domainPage")));
    QVERIFY(server()->tenant()->state().verifiedDomainNames().contains(QStringLiteral("example.org")));
    shot(QStringLiteral("05-domain-verified"));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));

    // Directory: the sample LDIF is pre-selected in sandbox mode.
    auto *path = find<QLineEdit>("directoryPathEdit");
    const QString samplePath = path->text();
    QVERIFY(samplePath.endsWith(QLatin1String("directory.ldif")));
    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->directoryController()->hasResults(), 10000);
    QCOMPARE(m_wizard->directoryController()->results().userCount, 50);
    QCOMPARE(find<QListWidget>("samplesList")->count(), 5);
    QVERIFY(find<QLabel>("directoryResultLabel")->text().contains(QLatin1String("Users: 50")));
    shot(QStringLiteral("06-directory"));

    // A bad LDIF path: the specific error on the page, Next blocked.
    path->setText(m_dir->filePath(QStringLiteral("missing.ldif")));
    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(!bannerText("directoryPage").isEmpty(), 10000);
    QVERIFY(!nextEnabled());
    shot(QStringLiteral("06-directory-bad-path"));
    path->setText(samplePath);
    QVERIFY(nextEnabled());
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);

    // Attributes: the first sample user as Graph would get it, named in the verified domain.
    QCOMPARE(sampleShown().value(QLatin1String("userPrincipalName")).toString(), QStringLiteral("jmuller@example.org"));
    QCOMPARE(find<QLabel>("upnDomainLabel")->text(), QStringLiteral("{domain} is example.org"));
    QVERIFY(nextEnabled());
    shot(QStringLiteral("07-attributes"));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId));

    // Summary and Finish.
    QCOMPARE(find<QLineEdit>("profileNameEdit")->text(), QStringLiteral("sandbox"));
    QVERIFY(find<QLabel>("summaryLabel")->text().contains(QLatin1String("example.org")));
    QVERIFY(find<QLabel>("summaryLabel")->text().contains(QLatin1String("{uid}@example.org")));
    shot(QStringLiteral("08-summary"));
    QSignalSpy accepted(m_wizard.get(), &QWizard::accepted);
    click("finishButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QCOMPARE(m_wizard->savedProfileName(), QStringLiteral("sandbox"));

    // The profile exists, refers to the key in the store, and its token works.
    Profile::ProfileStore store(m_dir->filePath(QStringLiteral("profiles")));
    M365::Error error;
    const auto profile = store.load(QStringLiteral("sandbox"), &error);
    QVERIFY2(profile, qPrintable(error.userMessage));
    QCOMPARE(profile->clientId, appId);
    QVERIFY(m_secrets->contains(profile->secrets.privateKey));
    QCOMPARE(profile->sync.value(QLatin1String("upnDomain")).toString(), QStringLiteral("example.org"));
    QCOMPARE(profile->directory.value(QLatin1String("path")).toString(), samplePath);
    const auto rules = Sync::MappingRules::fromJson(profile->sync.value(QLatin1String("rules")).toObject());
    QVERIFY2(rules.ok(), qPrintable(rules.error.details));
    QCOMPARE(rules.value.domain, QStringLiteral("example.org"));
    QCOMPARE(rules.value.rules, Sync::MappingRules::defaults().rules);

    QNetworkAccessManager nam;
    std::unique_ptr<Profile::Connection> connection;
    connectAndSignIn(&nam, *profile, &connection);
    if (QTest::currentTestFailed()) {
        return;
    }
}

void TestOnboardingWizard::wrongClientIdBlocksNext()
{
    makeWizard();
    click("nextButton");
    // An app the tenant does not know.
    const QString unknown = QStringLiteral("0b9f7c1e-3a54-4d8e-9b6a-1f2e3d4c5b6a");
    auto *clientEdit = find<QLineEdit>("clientIdEdit");
    clientEdit->selectAll();
    QTest::keyClicks(clientEdit, unknown);
    click("nextButton");
    click("generateButton");
    find<QCheckBox>("sandboxUploadCheck")->setChecked(false);
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_wizard->connectionController()->hasChecked() && !m_wizard->connectionController()->isBusy(), 20000);
    const QString message = bannerText("connectionPage");
    QVERIFY2(!message.isEmpty(), "the error is shown on the page");
    QVERIFY(!nextEnabled());
    // Copy details carries the code and the request id for support.
    const M365::Error error = m_wizard->connectionController()->error();
    auto *copy = m_wizard->findChild<QWidget *>(QStringLiteral("connectionPage"))
                     ->findChild<QAbstractButton *>(QStringLiteral("copyDetailsButton"));
    QVERIFY(copy->isVisible());
    QTest::mouseClick(copy, Qt::LeftButton);
    const QString copied = QGuiApplication::clipboard()->text();
    QVERIFY2(copied.contains(error.code), qPrintable(copied));
    if (!error.requestId.isEmpty()) {
        QVERIFY(copied.contains(error.requestId));
    }
    shot(QStringLiteral("04-connection-wrong-client-id"));
    // Next stays blocked; Check again runs the check once more and fails the same way.
    click("checkAgainButton");
    QTRY_VERIFY_WITH_TIMEOUT(
        m_wizard->connectionController()->hasChecked() && !m_wizard->connectionController()->isBusy(), 20000);
    QVERIFY(!nextEnabled());
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId));
}

void TestOnboardingWizard::missingPermissionBlocksNext()
{
    makeWizard();
    click("nextButton");
    const QString appId = registerApp({});
    QVERIFY(!appId.isEmpty());
    goToConnection(appId);
    const QString message = bannerText("connectionPage");
    QVERIFY2(message.contains(QLatin1String("not granted")), qPrintable(message));
    QVERIFY(!m_wizard->connectionController()->report().missingRoles.isEmpty());
    QVERIFY(find<QListWidget>("rolesList")->item(0)->text().contains(QLatin1String("missing")));
    QVERIFY(!nextEnabled());
    QVERIFY(m_wizard->connectionController()->adminConsentUrl().isValid());
    shot(QStringLiteral("04-connection-missing-permission"));
}

void TestOnboardingWizard::sandboxDefaultsClickThrough()
{
    // What a first-time user does: accept every default. The certificate goes to the demo app through the sandbox.
    makeWizard();
    click("nextButton");
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    QVERIFY(!nextEnabled());
    click("generateButton");
    QVERIFY(find<QCheckBox>("sandboxUploadCheck")->isChecked());
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled() && m_wizard->connectionController()->hasChecked(), 20000);
    QVERIFY2(bannerText("connectionPage").isEmpty(), qPrintable(bannerText("connectionPage")));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));
    // Only the onmicrosoft.com domain is verified: allowed, with a warning.
    QVERIFY(find<QLabel>("onMicrosoftWarning")->isVisible());
    QVERIFY(nextEnabled());
    click("nextButton");
    // Next on the directory page runs the test itself and moves on when it passes.
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    // The default rules are complete as they are.
    QVERIFY(nextEnabled());
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId));
    // Back keeps what was chosen.
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId));
    m_wizard->back();
    QVERIFY(m_wizard->directoryController()->hasResults());
    QVERIFY(find<QLineEdit>("directoryPathEdit")->text().endsWith(QLatin1String("directory.ldif")));
    finishFromDirectory();
    if (QTest::currentTestFailed()) {
        return;
    }
    const auto profile =
        Profile::ProfileStore(m_dir->filePath(QStringLiteral("profiles"))).load(QStringLiteral("sandbox"));
    QVERIFY(profile);
    QCOMPARE(profile->sync.value(QLatin1String("upnDomain")).toString(), QStringLiteral("contoso.onmicrosoft.com"));
    QVERIFY(m_secrets->contains(profile->secrets.privateKey));
    QVERIFY(Sync::MappingRules::fromJson(profile->sync.value(QLatin1String("rules")).toObject()).ok());
    QVERIFY(Sync::Scope::fromJson(profile->sync.value(QLatin1String("scope")).toObject()).ok());
}

void TestOnboardingWizard::keychainUnavailableIsReported()
{
    makeWizard();
    click("nextButton");
    click("nextButton");
    click("generateButton");
    m_secrets->failNext(Secrets::SecretJob::Failure::NoBackend);
    click("nextButton");
    QTRY_VERIFY_WITH_TIMEOUT(!bannerText("credentialsPage").isEmpty(), 10000);
    QVERIFY(bannerText("credentialsPage").contains(QLatin1String("no keychain answers")));
    QVERIFY(bannerText("credentialsPage").contains(QLatin1String("gnome-keyring")));
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    shot(QStringLiteral("03-credentials-no-keychain"));
    // Once a keychain answers, Next goes on.
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 10000);
}

void TestOnboardingWizard::tenantModeStartsEmpty()
{
    makeWizard();
    // Start the sandbox first, then change one's mind: nothing of the sandbox may stay behind.
    click("nextButton");
    m_wizard->back();
    find<QAbstractButton>("tenantRadio")->click();
    auto *cloud = find<QComboBox>("cloudCombo");
    QVERIFY(cloud->isEnabled());
    cloud->setCurrentIndex(cloud->findData(int(Identity::Cloud::UsGovernmentL4)));
    shot(QStringLiteral("01-welcome-tenant"));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    QCOMPARE(m_wizard->context()->profile.endpoints.cloud, Identity::Cloud::UsGovernmentL4);
    // A real tenant starts with the automatic path; the admin can still register the app by hand.
    QVERIFY(find<QAbstractButton>("automaticRegistrationRadio")->isChecked());
    QVERIFY(find<QLineEdit>("clientIdEdit")->isReadOnly());
    QVERIFY(!nextEnabled());
    find<QAbstractButton>("manualRegistrationRadio")->click();
    QVERIFY(!find<QLineEdit>("clientIdEdit")->isReadOnly());
    QVERIFY(find<QLineEdit>("tenantIdEdit")->text().isEmpty());
    QVERIFY(find<QLineEdit>("clientIdEdit")->text().isEmpty());
    QVERIFY(!nextEnabled());
    QTest::keyClicks(find<QLineEdit>("tenantIdEdit"), QStringLiteral("contoso.onmicrosoft.us"));
    QTest::keyClicks(find<QLineEdit>("clientIdEdit"), QStringLiteral("4a1aa1d5-c567-49d0-ad0b-cd957a47f842"));
    QVERIFY(nextEnabled());
    shot(QStringLiteral("02-registration-tenant"));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    QVERIFY(!find<QCheckBox>("sandboxUploadCheck")->isVisible());
}

void TestOnboardingWizard::directoryControllerWithoutWindow()
{
    Ui::WizardContext::Options options;
    options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    Ui::WizardContext context(options);
    Ui::DirectoryPageController controller(&context);
    QSignalSpy validated(&controller, &Ui::PageController::validated);

    Ui::DirectoryPageController::Settings settings;
    settings.type = Ui::DirectoryPageController::Type::LdifFile;
    settings.path = m_dir->filePath(QStringLiteral("missing.ldif"));
    controller.setSettings(settings);
    QVERIFY(controller.isInputComplete());
    controller.validate();
    QVERIFY(controller.isBusy());
    QVERIFY(validated.wait(10000));
    QCOMPARE(validated.last().at(0).toBool(), false);
    QVERIFY(!controller.errorText().isEmpty());
    QVERIFY(!controller.isInputComplete());

    settings.path = context.sampleDirectoryPath();
    controller.setSettings(settings);
    QVERIFY(controller.errorText().isEmpty());
    controller.validate();
    QVERIFY(validated.wait(10000));
    QCOMPARE(validated.last().at(0).toBool(), true);
    QCOMPARE(controller.results().samples.size(), 5);
    // The Attributes page maps the same five users.
    QCOMPARE(context.directorySamples.size(), 5);
    QCOMPARE(context.directorySamples.first().value(QStringLiteral("uid")), QStringLiteral("jmuller"));
    QCOMPARE(context.profile.directory.value(QLatin1String("type")).toString(), QStringLiteral("ldif"));
    QCOMPARE(controller.results().problemCount, 0);

    // An export with a broken record: the test reads the rest and names the record's file and line.
    const QString broken = m_dir->filePath(QStringLiteral("broken.ldif"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("dn: uid=a,dc=x\nobjectClass: inetOrgPerson\nuid: a\ncn: A\nsn: A\n\n"
                          "dn: uid=b,dc=x\nobjectClass: inetOrgPerson\nuid: b\nsn: B\0\n",
                          118));
    file.close();
    settings.path = broken;
    controller.setSettings(settings);
    controller.test();
    QTRY_VERIFY_WITH_TIMEOUT(controller.hasResults(), 10000);
    QCOMPARE(controller.results().userCount, 1);
    QCOMPARE(controller.results().problemCount, 1);
    QVERIFY2(controller.results().problems.first().startsWith(QLatin1String("broken.ldif, line 10 (uid=b,dc=x)")),
             qPrintable(controller.results().problems.first()));
    // An LDAP source needs a URL and a base DN before it can be tested.
    settings.type = Ui::DirectoryPageController::Type::OpenLdap;
    controller.setSettings(settings);
    QVERIFY(!controller.isInputComplete());
}

void TestOnboardingWizard::typeInto(const char *name, const QString &text) const
{
    auto *edit = find<QLineEdit>(name);
    edit->selectAll();
    QTest::keyClicks(edit, text);
}

void TestOnboardingWizard::ldapUrlForTls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("tls");
    QTest::addColumn<QString>("expected");
    const int none = int(Directory::LdapConfig::Tls::None);
    const int startTls = int(Directory::LdapConfig::Tls::StartTls);
    const int ldaps = int(Directory::LdapConfig::Tls::Ldaps);
    QTest::newRow("ldaps without port") << "ldap://dc1.example.test" << ldaps << "ldaps://dc1.example.test";
    QTest::newRow("ldaps from 389") << "ldap://dc1.example.test:389" << ldaps << "ldaps://dc1.example.test:636";
    QTest::newRow("ldaps with path") << "LDAP://dc1:389/dc=example,dc=test" << ldaps
                                     << "ldaps://dc1:636/dc=example,dc=test";
    QTest::newRow("ldaps ipv6") << "ldap://[::1]:389" << ldaps << "ldaps://[::1]:636";
    QTest::newRow("ldaps keeps another port") << "ldap://dc1:3268" << ldaps << "ldaps://dc1:3268";
    QTest::newRow("ldaps keeps 1389") << "ldap://dc1:1389" << ldaps << "ldaps://dc1:1389";
    QTest::newRow("starttls from 636") << "ldaps://dc1.example.test:636" << startTls << "ldap://dc1.example.test:389";
    QTest::newRow("none from ldaps") << " ldaps://dc1.example.test " << none << "ldap://dc1.example.test";
    QTest::newRow("starttls keeps ldap") << "ldap://dc1:389" << startTls << "ldap://dc1:389";
    QTest::newRow("ldaps keeps ldaps") << "ldaps://dc1:636" << ldaps << "ldaps://dc1:636";
    QTest::newRow("still typing") << "ldap:/" << ldaps << "ldap:/";
    QTest::newRow("no scheme") << "dc1.example.test" << ldaps << "dc1.example.test";
    QTest::newRow("empty") << "" << ldaps << "";
}

void TestOnboardingWizard::ldapUrlForTls()
{
    QFETCH(QString, url);
    QFETCH(int, tls);
    QFETCH(QString, expected);
    const QString rewritten = Ui::DirectoryPageController::urlForTls(url, Directory::LdapConfig::Tls(tls));
    QCOMPARE(rewritten, expected);
    // Whatever the rewrite gives, the engine accepts with that encryption.
    Directory::LdapConfig config;
    config.url = rewritten;
    config.tls = Directory::LdapConfig::Tls(tls);
    QVERIFY2(config.contradiction().isEmpty(), qPrintable(config.contradiction()));
}

void TestOnboardingWizard::ldapTlsForUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("current");
    QTest::addColumn<int>("expected");
    const int none = int(Directory::LdapConfig::Tls::None);
    const int startTls = int(Directory::LdapConfig::Tls::StartTls);
    const int ldaps = int(Directory::LdapConfig::Tls::Ldaps);
    QTest::newRow("ldaps from starttls") << "ldaps://dc1.example.test" << startTls << ldaps;
    QTest::newRow("ldaps from none") << "LDAPS://dc1" << none << ldaps;
    QTest::newRow("ldap from ldaps") << "ldap://dc1.example.test" << ldaps << startTls;
    QTest::newRow("ldap keeps starttls") << "ldap://dc1.example.test" << startTls << startTls;
    QTest::newRow("ldap keeps none") << "ldap://127.0.0.1:389" << none << none;
    QTest::newRow("still typing") << "ldap:/" << ldaps << ldaps;
    QTest::newRow("empty") << "" << ldaps << ldaps;
}

void TestOnboardingWizard::ldapTlsForUrl()
{
    QFETCH(QString, url);
    QFETCH(int, current);
    QFETCH(int, expected);
    QCOMPARE(int(Ui::DirectoryPageController::tlsForUrl(url, Directory::LdapConfig::Tls(current))), expected);
}

void TestOnboardingWizard::directoryTlsWithoutWindow()
{
    using Tls = Directory::LdapConfig::Tls;
    using Type = Ui::DirectoryPageController::Type;
    using Settings = Ui::DirectoryPageController::Settings;
    Ui::WizardContext::Options options;
    options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    Ui::WizardContext context(options);
    Ui::DirectoryPageController controller(&context);
    QSignalSpy validated(&controller, &Ui::PageController::validated);

    // Active Directory starts with LDAPS, but only while the URL is empty.
    const Settings file;
    Settings edited = file;
    edited.type = Type::ActiveDirectory;
    QCOMPARE(Ui::DirectoryPageController::afterEdit(file, edited).tls, Tls::Ldaps);
    edited.url = QStringLiteral("ldap://dc1.example.test");
    QCOMPARE(Ui::DirectoryPageController::afterEdit(file, edited).tls, Tls::StartTls);
    QCOMPARE(Ui::DirectoryPageController::afterEdit(file, edited).url, edited.url);
    edited.type = Type::OpenLdap;
    edited.url.clear();
    QCOMPARE(Ui::DirectoryPageController::afterEdit(file, edited).tls, Tls::StartTls);
    // The changed field leads: a new encryption rewrites the URL, a new URL chooses the encryption.
    Settings before;
    before.type = Type::OpenLdap;
    before.url = QStringLiteral("ldap://ldap.example.test:389");
    edited = before;
    edited.tls = Tls::Ldaps;
    QCOMPARE(Ui::DirectoryPageController::afterEdit(before, edited).url,
             QStringLiteral("ldaps://ldap.example.test:636"));
    edited = before;
    edited.url = QStringLiteral("ldaps://ldap.example.test");
    QCOMPARE(Ui::DirectoryPageController::afterEdit(before, edited).tls, Tls::Ldaps);

    // Settings that disagree (as a profile might have them) are the page's error, and Next is not possible.
    Settings settings;
    settings.type = Type::OpenLdap;
    settings.url = QStringLiteral("ldaps://ldap.example.test");
    settings.tls = Tls::StartTls;
    settings.baseDn = QStringLiteral("dc=example,dc=test");
    controller.setSettings(settings);
    Directory::LdapConfig config;
    config.url = settings.url;
    config.tls = settings.tls;
    QVERIFY(!config.contradiction().isEmpty());
    QCOMPARE(controller.errorText(), config.contradiction());
    QVERIFY(controller.hasRequiredFields());
    QVERIFY(!controller.isInputComplete());
    controller.validate();
    QCOMPARE(validated.count(), 1);
    QCOMPARE(validated.last().at(0).toBool(), false);
    controller.test();
    QVERIFY(!controller.isBusy());
    QCOMPARE(controller.errorText(), config.contradiction());
    // LDAPS against the plain LDAP port is refused as well.
    settings.url = QStringLiteral("ldap://ldap.example.test:389");
    settings.tls = Tls::Ldaps;
    controller.setSettings(settings);
    QVERIFY2(controller.errorText().contains(QLatin1String("389")), qPrintable(controller.errorText()));
    QVERIFY(!controller.isInputComplete());
    // Once they agree, the error goes away.
    settings.url = QStringLiteral("ldaps://ldap.example.test");
    controller.setSettings(settings);
    QVERIFY(controller.errorText().isEmpty());
    QVERIFY(controller.isInputComplete());

    // The CA file goes into the profile when there is one; empty trusts the system's CAs and is left out.
    QVERIFY(!controller.toJson().contains(QLatin1String("caFile")));
    settings.caFile = QStringLiteral(" /etc/ssl/example-root-ca.pem ");
    controller.setSettings(settings);
    QCOMPARE(controller.toJson().value(QLatin1String("caFile")).toString(),
             QStringLiteral("/etc/ssl/example-root-ca.pem"));
    QCOMPARE(controller.toJson().value(QLatin1String("tls")).toString(), QStringLiteral("ldaps"));
    QVERIFY(controller.certificateText().isEmpty());
}

void TestOnboardingWizard::directoryUrlFollowsEncryption()
{
    using Tls = Directory::LdapConfig::Tls;
    using Type = Ui::DirectoryPageController::Type;
    goToDomain();
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    Ui::DirectoryPageController *controller = m_wizard->directoryController();
    auto *url = find<QLineEdit>("ldapUrlEdit");
    auto *caFile = find<QLineEdit>("caFileEdit");

    // Active Directory with no URL yet starts with LDAPS; every LDAP type has the CA file row.
    QCOMPARE(tlsShown(), Tls::StartTls);
    chooseType(Type::ActiveDirectory);
    QCOMPARE(tlsShown(), Tls::Ldaps);
    QCOMPARE(controller->settings().tls, Tls::Ldaps);
    QCOMPARE(url->placeholderText(), QStringLiteral("ldaps://dc1.example.org"));
    QVERIFY(caFile->isVisible());
    QVERIFY(caFile->isEnabled());
    QVERIFY(caFile->placeholderText().contains(QLatin1String("system")));
    QVERIFY(find<QAbstractButton>("browseCaFileButton")->isVisible());
    shot(QStringLiteral("06-directory-active-directory"));

    // Typing ldap:// while LDAPS is chosen chooses StartTLS, and what was typed stays.
    typeInto("ldapUrlEdit", QStringLiteral("ldap://dc1.example.test:389"));
    QCOMPARE(url->text(), QStringLiteral("ldap://dc1.example.test:389"));
    QCOMPARE(tlsShown(), Tls::StartTls);
    // Choosing LDAPS makes it ldaps:// on 636; StartTLS or none take it back.
    chooseTls(Tls::Ldaps);
    QCOMPARE(url->text(), QStringLiteral("ldaps://dc1.example.test:636"));
    QCOMPARE(controller->settings().url, url->text());
    QCOMPARE(controller->settings().tls, Tls::Ldaps);
    chooseTls(Tls::None);
    QCOMPARE(url->text(), QStringLiteral("ldap://dc1.example.test:389"));
    QCOMPARE(controller->settings().url, url->text());
    // Without encryption there is no certificate to trust.
    QVERIFY(!caFile->isEnabled());
    // Typing ldaps:// chooses LDAPS.
    typeInto("ldapUrlEdit", QStringLiteral("ldaps://dc1.example.test"));
    QCOMPARE(tlsShown(), Tls::Ldaps);
    QCOMPARE(controller->settings().tls, Tls::Ldaps);
    QVERIFY(caFile->isEnabled());
    // Choosing the type again does not override what the admin chose.
    chooseTls(Tls::StartTls);
    QCOMPARE(url->text(), QStringLiteral("ldap://dc1.example.test"));
    chooseType(Type::OpenLdap);
    chooseType(Type::ActiveDirectory);
    QCOMPARE(tlsShown(), Tls::StartTls);
    typeInto("baseDnEdit", QStringLiteral("dc=example,dc=test"));
    QVERIFY(bannerText("directoryPage").isEmpty());
    QVERIFY(nextEnabled());

    // Settings that still disagree (as a profile may have them): the page says so, and neither Test nor Next go on.
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));
    Ui::DirectoryPageController::Settings settings = controller->settings();
    settings.url = QStringLiteral("ldaps://dc1.example.test");
    settings.tls = Tls::StartTls;
    controller->setSettings(settings);
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    QCOMPARE(url->text(), settings.url);
    QCOMPARE(tlsShown(), Tls::StartTls);
    Directory::LdapConfig config;
    config.url = settings.url;
    config.tls = settings.tls;
    QCOMPARE(bannerText("directoryPage"), config.contradiction());
    QVERIFY(!nextEnabled());
    QVERIFY(!find<QAbstractButton>("testDirectoryButton")->isEnabled());
    shot(QStringLiteral("06-directory-tls-contradiction"));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    // Choosing LDAPS resolves it.
    chooseTls(Tls::Ldaps);
    QCOMPARE(url->text(), settings.url);
    QVERIFY(bannerText("directoryPage").isEmpty());
    QVERIFY(nextEnabled());
    QVERIFY(find<QAbstractButton>("testDirectoryButton")->isEnabled());
}

void TestOnboardingWizard::ldapsCertificateShown()
{
    using Tls = Directory::LdapConfig::Tls;
    // A real slapd with a test CA, on ldaps and with StartTLS on its plain port.
    SlapdFixture::Options options;
    options.tls = true;
    SlapdFixture slapd(options);
    QVERIFY2(slapd.setUp(), qPrintable(slapd.errorString()));
    QVERIFY2(slapd.loadLdif(slapd.baseEntries()), qPrintable(slapd.errorString()));
    QVERIFY2(slapd.start(), qPrintable(slapd.errorString()));

    goToDomain();
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    Ui::DirectoryPageController *controller = m_wizard->directoryController();
    chooseType(Ui::DirectoryPageController::Type::OpenLdap);
    QCOMPARE(tlsShown(), Tls::StartTls);
    typeInto("ldapUrlEdit", slapd.ldapsUrl());
    QCOMPARE(tlsShown(), Tls::Ldaps);
    typeInto("caFileEdit", slapd.caFile());
    typeInto("bindDnEdit", slapd.rootDn());
    typeInto("bindPasswordEdit", slapd.rootPassword());
    typeInto("baseDnEdit", slapd.suffix());
    auto *label = find<QLabel>("serverCertificateLabel");
    QVERIFY(!label->isVisible());

    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(controller->hasResults() || !bannerText("directoryPage").isEmpty(), 20000);
    QVERIFY2(bannerText("directoryPage").isEmpty(), qPrintable(bannerText("directoryPage")));
    const Directory::ServerCertificate certificate = controller->results().serverCertificate;
    QCOMPARE(certificate.subject, QStringLiteral("CN=127.0.0.1"));
    QCOMPARE(certificate.issuer, QStringLiteral("CN=m365sync test CA"));
    // The fixture's certificate is valid for a day.
    QVERIFY(certificate.notAfter > QDateTime::currentDateTimeUtc());
    QVERIFY(certificate.notAfter < QDateTime::currentDateTimeUtc().addDays(3));
    QVERIFY(label->isVisible());
    QCOMPARE(label->text(),
             QStringLiteral("Certificate: CN=127.0.0.1 · issued by CN=m365sync test CA · valid until %1")
                 .arg(certificate.notAfter.toLocalTime().date().toString(QStringLiteral("dddd, d MMMM yyyy"))));
    QCOMPARE(label->text(), controller->certificateText());
    shot(QStringLiteral("06-directory-ldaps-certificate"));

    // StartTLS on the plain port: the same certificate.
    chooseTls(Tls::StartTls);
    typeInto("ldapUrlEdit", slapd.url());
    QCOMPARE(tlsShown(), Tls::StartTls);
    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(controller->hasResults() || !bannerText("directoryPage").isEmpty(), 20000);
    QVERIFY2(bannerText("directoryPage").isEmpty(), qPrintable(bannerText("directoryPage")));
    QCOMPARE(controller->results().serverCertificate.der, certificate.der);
    QVERIFY(label->isVisible());

    // Next keeps the CA file in the profile.
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    const QJsonObject directory = m_wizard->context()->profile.directory;
    QCOMPARE(directory.value(QLatin1String("caFile")).toString(), slapd.caFile());
    QCOMPARE(directory.value(QLatin1String("tls")).toString(), QStringLiteral("starttls"));
    QCOMPARE(directory.value(QLatin1String("url")).toString(), slapd.url());

    // Without encryption there is no certificate to show.
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    chooseTls(Tls::None);
    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(controller->hasResults() || !bannerText("directoryPage").isEmpty(), 20000);
    QVERIFY2(bannerText("directoryPage").isEmpty(), qPrintable(bannerText("directoryPage")));
    QVERIFY(controller->results().serverCertificate.isNull());
    QVERIFY(!label->isVisible());
}

namespace {

/// A tree as DirectorySummary::containers has it: example (top) → groups, people, school → pupils, teachers.
QList<Directory::DirectoryContainer> schoolTree()
{
    const auto node = [](const char *dn, const char *name, int parent, int users, int groups) {
        Directory::DirectoryContainer c;
        c.dn = QLatin1String(dn);
        c.name = QLatin1String(name);
        c.parent = parent;
        c.directUsers = users;
        c.directGroups = groups;
        return c;
    };
    return {node("dc=example,dc=org", "example", -1, 1, 0),
            node("ou=groups,dc=example,dc=org", "groups", 0, 0, 2),
            node("ou=people,dc=example,dc=org", "people", 0, 2, 0),
            node("ou=school,dc=example,dc=org", "school", 0, 0, 0),
            node("ou=pupils,ou=school,dc=example,dc=org", "pupils", 3, 5, 1),
            node("ou=teachers,ou=school,dc=example,dc=org", "teachers", 3, 3, 0)};
}

/// The LDIF of that tree below slapd's suffix (people, groups come from SlapdFixture::baseEntries()).
QByteArray schoolLdif(const QString &suffix)
{
    const QByteArray base = suffix.toUtf8();
    QByteArray ldif;
    const auto ou = [&](const QByteArray &name, const QByteArray &below) {
        ldif += "dn: ou=" + name + ',' + below + "\nobjectClass: organizationalUnit\nou: " + name + "\n\n";
    };
    const auto person = [&](const QByteArray &uid, const QByteArray &below) {
        ldif += "dn: uid=" + uid + ',' + below + "\nobjectClass: inetOrgPerson\nuid: " + uid + "\ncn: " + uid
            + "\nsn: " + uid + "\nmail: " + uid + "@example.org\n\n";
    };
    const auto group = [&](const QByteArray &cn, const QByteArray &below, const QByteArray &member) {
        ldif +=
            "dn: cn=" + cn + ',' + below + "\nobjectClass: groupOfNames\ncn: " + cn + "\nmember: " + member + "\n\n";
    };
    const QByteArray school = "ou=school," + base;
    ou("school", base);
    ou("pupils", school);
    ou("teachers", school);
    person("admin", base);
    person("alice", "ou=people," + base);
    person("bob", "ou=people," + base);
    for (int i = 1; i <= 5; ++i) {
        person("pupil" + QByteArray::number(i), "ou=pupils," + school);
    }
    for (int i = 1; i <= 3; ++i) {
        person("teacher" + QByteArray::number(i), "ou=teachers," + school);
    }
    group("staff", "ou=groups," + base, "uid=alice,ou=people," + base);
    group("teachers", "ou=groups," + base, "uid=teacher1,ou=teachers," + school);
    group("class 1a", "ou=pupils," + school, "uid=pupil1,ou=pupils," + school);
    return ldif;
}

} // namespace

void TestOnboardingWizard::containerScopeWithoutWindow_data()
{
    // Check states of schoolTree(): example, groups, people, school, pupils, teachers.
    QTest::addColumn<QList<bool>>("checked");
    QTest::addColumn<QStringList>("included");
    QTest::addColumn<QStringList>("excluded");
    const QString top = QStringLiteral("dc=example,dc=org");
    const QString school = QStringLiteral("ou=school,dc=example,dc=org");
    const QString teachers = QStringLiteral("ou=teachers,ou=school,dc=example,dc=org");
    const QString pupils = QStringLiteral("ou=pupils,ou=school,dc=example,dc=org");
    QTest::newRow("everything") << QList<bool>{true, true, true, true, true, true} << QStringList() << QStringList();
    QTest::newRow("one OU left out") << QList<bool>{true, true, true, true, false, true} << QStringList()
                                     << QStringList{pupils};
    QTest::newRow("a subtree left out") << QList<bool>{true, true, true, false, false, false} << QStringList()
                                        << QStringList{school};
    QTest::newRow("taken in again below")
        << QList<bool>{true, true, true, false, false, true} << QStringList{top, teachers} << QStringList{school};
    QTest::newRow("only the teachers") << QList<bool>{false, false, false, false, false, true} << QStringList{teachers}
                                       << QStringList();
    QTest::newRow("only the school's own entries")
        << QList<bool>{false, false, false, true, false, false} << QStringList{school} << QStringList{pupils, teachers};
    QTest::newRow("nothing") << QList<bool>{false, false, false, false, false, false} << QStringList()
                             << QStringList{top};
}

void TestOnboardingWizard::containerScopeWithoutWindow()
{
    // The check boxes become the scope that reproduces them, and the scope gives the same check boxes back.
    QFETCH(QList<bool>, checked);
    QFETCH(QStringList, included);
    QFETCH(QStringList, excluded);
    const QList<Directory::DirectoryContainer> tree = schoolTree();
    const Directory::ContainerScope scope = Models::ContainerSelection::scopeForChecks(tree, checked);
    QCOMPARE(scope.included, included);
    QCOMPARE(scope.excluded, excluded);
    QCOMPARE(Models::ContainerSelection::checksForScope(tree, scope), checked);
    // An entry in a container is in scope exactly when that container is checked.
    for (int i = 0; i < tree.size(); ++i) {
        QCOMPARE(scope.contains(QStringLiteral("uid=someone,") + tree.at(i).dn), checked.at(i));
    }
}

void TestOnboardingWizard::containerTreeOnTheDirectoryPage()
{
    using Kind = Ui::DirectoryPageController::ContainerKind;
    using Model = Models::ContainerTreeModel;
    SlapdFixture slapd;
    QVERIFY2(slapd.setUp(), qPrintable(slapd.errorString()));
    QVERIFY2(slapd.loadLdif(slapd.baseEntries() + schoolLdif(slapd.suffix())), qPrintable(slapd.errorString()));
    QVERIFY2(slapd.start(), qPrintable(slapd.errorString()));
    const QString suffix = slapd.suffix();

    goToDomain();
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    Ui::DirectoryPageController *controller = m_wizard->directoryController();
    auto *tree = find<Ui::ContainerTree>("containerTree");
    QVERIFY(tree);
    Model *model = tree->containerModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    chooseType(Ui::DirectoryPageController::Type::OpenLdap);
    chooseTls(Directory::LdapConfig::Tls::None);
    typeInto("ldapUrlEdit", slapd.url());
    typeInto("bindDnEdit", slapd.rootDn());
    typeInto("bindPasswordEdit", slapd.rootPassword());
    typeInto("baseDnEdit", suffix);
    QVERIFY(!tree->isVisible());

    // After the test the controller reads the containers; the tree shows them with their counts, all checked.
    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(!controller->containers().isEmpty() || !controller->containersError().isEmpty()
                                 || !bannerText("directoryPage").isEmpty(),
                             20000);
    QVERIFY2(bannerText("directoryPage").isEmpty(), qPrintable(bannerText("directoryPage")));
    QVERIFY2(controller->containersError().isEmpty(), qPrintable(controller->containersError()));
    const QList<Directory::DirectoryContainer> expected = schoolTree();
    QCOMPARE(controller->containers().size(), expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        const Directory::DirectoryContainer actual = controller->containers().at(i);
        QCOMPARE(actual.dn, expected.at(i).dn);
        QCOMPARE(actual.parent, expected.at(i).parent);
        QCOMPARE(actual.directUsers, expected.at(i).directUsers);
        QCOMPARE(actual.directGroups, expected.at(i).directGroups);
    }
    QVERIFY(tree->isVisible());
    QCOMPARE(model->headerData(Model::NameColumn, Qt::Horizontal).toString(), QStringLiteral("Container"));
    QCOMPARE(model->headerData(Model::UsersColumn, Qt::Horizontal).toString(), QStringLiteral("Users"));
    QCOMPARE(model->headerData(Model::GroupsColumn, Qt::Horizontal).toString(), QStringLiteral("Groups"));
    QCOMPARE(model->rowCount(), 1);
    const QModelIndex top = model->index(0, Model::NameColumn);
    QCOMPARE(top.data().toString(), suffix); // the base DN, not just "example"
    QCOMPARE(model->rowCount(top), 3);
    QVERIFY(tree->isExpanded(top));
    const auto cell = [&](const char *rdns, int column) {
        return model->indexForDn(QLatin1String(rdns) + suffix, column);
    };
    const auto state = [](const QModelIndex &index) {
        return Qt::CheckState(index.data(Qt::CheckStateRole).toInt());
    };
    const QModelIndex topUsers = top.siblingAtColumn(Model::UsersColumn);
    QCOMPARE(topUsers.data().toString(), QStringLiteral("11"));
    QCOMPARE(top.siblingAtColumn(Model::GroupsColumn).data().toString(), QStringLiteral("3"));
    QCOMPARE(cell("ou=school,", Model::UsersColumn).data().toString(), QStringLiteral("8"));
    QCOMPARE(state(cell("ou=school,", Model::UsersColumn)), Qt::Checked);
    QCOMPARE(find<QLabel>("directoryResultLabel")->text(), QStringLiteral("Users: 11, groups: 3."));
    QVERIFY(controller->containerScope(Kind::Users).isEmpty());
    QVERIFY(!controller->toJson().contains(QLatin1String("userContainers")));

    // Unchecking school's users leaves out its subtree; checking teachers again takes them in again.
    Tests::clickCheckBox(tree, cell("ou=school,", Model::UsersColumn));
    QCOMPARE(state(cell("ou=school,", Model::UsersColumn)), Qt::Unchecked);
    QCOMPARE(state(cell("ou=pupils,ou=school,", Model::UsersColumn)), Qt::Unchecked);
    QCOMPARE(state(cell("ou=teachers,ou=school,", Model::UsersColumn)), Qt::Unchecked);
    QCOMPARE(state(cell("ou=school,", Model::GroupsColumn)), Qt::Checked);
    QCOMPARE(cell("ou=school,", Model::UsersColumn).data().toString(), QStringLiteral("0 of 8"));
    // The top still syncs its own users and those of people: partly checked, like Entra Connect shows it.
    QCOMPARE(state(topUsers), Qt::PartiallyChecked);
    QCOMPARE(topUsers.data().toString(), QStringLiteral("3 of 11"));
    Tests::clickCheckBox(tree, cell("ou=teachers,ou=school,", Model::UsersColumn));
    QCOMPARE(state(cell("ou=teachers,ou=school,", Model::UsersColumn)), Qt::Checked);
    QCOMPARE(state(cell("ou=pupils,ou=school,", Model::UsersColumn)), Qt::Unchecked);
    QCOMPARE(state(cell("ou=school,", Model::UsersColumn)), Qt::PartiallyChecked);
    QVERIFY(!controller->containerSelection()->isIncluded(Kind::Users, 3));
    QCOMPARE(cell("ou=school,", Model::UsersColumn).data().toString(), QStringLiteral("3 of 8"));
    QCOMPARE(controller->containerScope(Kind::Users),
             Directory::ContainerScope({suffix, QStringLiteral("ou=teachers,ou=school,") + suffix},
                                       {QStringLiteral("ou=school,") + suffix}));
    // Groups are chosen on their own: the pupils' class group is left out.
    Tests::clickCheckBox(tree, cell("ou=pupils,ou=school,", Model::GroupsColumn));
    QCOMPARE(state(cell("ou=pupils,ou=school,", Model::GroupsColumn)), Qt::Unchecked);
    QCOMPARE(state(cell("ou=pupils,ou=school,", Model::UsersColumn)), Qt::Unchecked);
    QCOMPARE(state(cell("ou=teachers,ou=school,", Model::GroupsColumn)), Qt::Checked);
    QCOMPARE(controller->containerScope(Kind::Groups),
             Directory::ContainerScope({}, {QStringLiteral("ou=pupils,ou=school,") + suffix}));
    QCOMPARE(find<QLabel>("directoryResultLabel")->text(), QStringLiteral("Users: 6 of 11, groups: 2 of 3."));
    // The samples of the test were read before: the pupils among them no longer show.
    auto *samples = find<QListWidget>("samplesList");
    QCOMPARE(samples->count(), 4);
    QVERIFY(samples->findItems(QStringLiteral("pupil"), Qt::MatchContains).isEmpty());
    QCOMPARE(samples->item(3)->text(), QStringLiteral("Test again for samples from the containers chosen."));
    // The check boxes stay where they were: the count columns were sized for their widest text.
    const int usersWidth = tree->header()->sectionSize(Model::UsersColumn);
    QVERIFY(usersWidth >= tree->fontMetrics().horizontalAdvance(topUsers.data().toString()));
    shot(QStringLiteral("06-directory-container-tree"));

    // Next writes both scopes into the profile, and a run reads exactly what the tree showed.
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    const QJsonObject directory = m_wizard->context()->profile.directory;
    QCOMPARE(Directory::ContainerScope::fromJson(directory.value(QLatin1String("userContainers")).toObject()),
             controller->containerScope(Kind::Users));
    QCOMPARE(Directory::ContainerScope::fromJson(directory.value(QLatin1String("groupContainers")).toObject()),
             controller->containerScope(Kind::Groups));
    auto source = Sync::createDirectorySource(directory, slapd.rootPassword());
    QVERIFY(source.ok());
    Directory::DirectoryJob *count = source.value->count(this);
    QSignalSpy counted(count, &Directory::DirectoryJob::finished);
    count->start();
    QVERIFY(counted.wait(20000));
    QVERIFY2(!count->hasError(), qPrintable(count->errorString()));
    QCOMPARE(count->summary().userCount, 6);
    QCOMPARE(count->summary().groupCount, 2);
    delete count;

    // Back on the page the tree shows the same; checking the top takes everything in again, and the profile follows.
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    QCOMPARE(state(cell("ou=teachers,ou=school,", Model::UsersColumn)), Qt::Checked);
    QCOMPARE(state(cell("ou=school,", Model::UsersColumn)), Qt::PartiallyChecked);
    // A partly checked box checks its whole subtree; the next click unchecks it all.
    Tests::clickCheckBox(tree, topUsers);
    QCOMPARE(state(topUsers), Qt::Checked);
    QCOMPARE(state(cell("ou=pupils,ou=school,", Model::UsersColumn)), Qt::Checked);
    QVERIFY(controller->containerScope(Kind::Users).isEmpty());
    Tests::clickCheckBox(tree, topUsers);
    QCOMPARE(state(topUsers), Qt::Unchecked);
    QCOMPARE(state(cell("ou=teachers,ou=school,", Model::UsersColumn)), Qt::Unchecked);
    QCOMPARE(topUsers.data().toString(), QStringLiteral("0 of 11"));
    Tests::clickCheckBox(tree, topUsers);
    QCOMPARE(state(cell("ou=school,", Model::UsersColumn)), Qt::Checked);
    QVERIFY(controller->containerScope(Kind::Users).isEmpty());
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    QVERIFY(!m_wizard->context()->profile.directory.contains(QLatin1String("userContainers")));
    QVERIFY(m_wizard->context()->profile.directory.contains(QLatin1String("groupContainers")));

    // Another base DN: the containers chosen belonged to the old one.
    m_wizard->back();
    typeInto("baseDnEdit", QStringLiteral("ou=school,") + suffix);
    QVERIFY(controller->containers().isEmpty());
    QVERIFY(controller->containerScope(Kind::Groups).isEmpty());
    QVERIFY(!tree->isVisible());
}

void TestOnboardingWizard::goToAttributes()
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
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
}

QJsonObject TestOnboardingWizard::sampleShown() const
{
    const QString text = find<QPlainTextEdit>("attributesSampleView")->toPlainText();
    QJsonParseError error;
    const QJsonObject object = QJsonDocument::fromJson(text.toUtf8(), &error).object();
    if (error.error != QJsonParseError::NoError) {
        qWarning("the sample is not JSON: %s", qPrintable(error.errorString()));
    }
    return object;
}

int TestOnboardingWizard::ruleRow(const QString &graphProperty) const
{
    auto *table = find<QTableWidget>("attributesRulesTable");
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 1)->text() == graphProperty) {
            return row;
        }
    }
    return -1;
}

void TestOnboardingWizard::attributesValidation_data()
{
    QTest::addColumn<QString>("upnTemplate");
    QTest::addColumn<QString>("usageLocation");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("problem"); // a part of the message; empty when the input is fine

    const QString upn = QStringLiteral("{uid}@{domain}");
    QTest::newRow("defaults") << upn << QString() << QString() << QString();
    QTest::newRow("usage location") << upn << QStringLiteral("US") << QString() << QString();
    QTest::newRow("usage location lower case") << upn << QStringLiteral("de") << QString() << QString();
    QTest::newRow("usage location digit")
        << upn << QStringLiteral("U1") << QString() << QStringLiteral("usage location");
    QTest::newRow("usage location three letters")
        << upn << QStringLiteral("USA") << QString() << QStringLiteral("usage location");
    QTest::newRow("usage location umlaut")
        << upn << QStringLiteral("ÄB") << QString() << QStringLiteral("usage location");
    QTest::newRow("two attributes") << QStringLiteral("{givenName}.{sn}@{domain}") << QString() << QString()
                                    << QString();
    QTest::newRow("no domain part") << QStringLiteral("{uid}") << QString() << QString() << QString();
    QTest::newRow("literal domain") << QStringLiteral("{uid}@example.org") << QString() << QString() << QString();
    QTest::newRow("empty rule") << QString() << QString() << QString() << QStringLiteral("Enter a user name rule");
    QTest::newRow("no attribute") << QStringLiteral("admin@{domain}") << QString() << QString()
                                  << QStringLiteral("every user gets the same name");
    QTest::newRow("unclosed brace") << QStringLiteral("{uid@{domain}") << QString() << QString()
                                    << QStringLiteral("without a \"}\"");
    QTest::newRow("stray brace") << QStringLiteral("uid}@{domain}") << QString() << QString()
                                 << QStringLiteral("without a \"{\"");
    QTest::newRow("empty placeholder") << QStringLiteral("{}@{domain}") << QString() << QString()
                                       << QStringLiteral("empty placeholder");
    QTest::newRow("not an attribute") << QStringLiteral("{u id}@{domain}") << QString() << QString()
                                      << QStringLiteral("not a directory attribute name");
    QTest::newRow("bad domain") << QStringLiteral("{uid}@exa mple") << QString() << QString()
                                << QStringLiteral("valid user name");
    QTest::newRow("filter") << upn << QString() << QStringLiteral("(&(uid=*)(!(l=Berlin)))") << QString();
    QTest::newRow("broken filter") << upn << QString() << QStringLiteral("(uid=jmuller")
                                   << QStringLiteral("scope filter");
}

void TestOnboardingWizard::attributesValidation()
{
    QFETCH(QString, upnTemplate);
    QFETCH(QString, usageLocation);
    QFETCH(QString, filter);
    QFETCH(QString, problem);

    Ui::WizardContext context(Ui::WizardContext::Options{});
    context.upnDomain = QStringLiteral("example.org");
    context.profile.directory = QJsonObject{{QStringLiteral("type"), QStringLiteral("ldif")}};
    Ui::AttributesController controller(&context);
    controller.initialize();
    controller.setDefaultUsageLocation(QString());
    QVERIFY(controller.isInputComplete());
    controller.setUpnTemplate(upnTemplate);
    controller.setDefaultUsageLocation(usageLocation);
    controller.setScopeFilter(filter);

    QCOMPARE(controller.isInputComplete(), problem.isEmpty());
    const QString shown = controller.errorText();
    if (problem.isEmpty()) {
        QVERIFY2(shown.isEmpty(), qPrintable(shown));
    } else {
        QVERIFY2(shown.contains(problem), qPrintable(shown));
    }
    QSignalSpy validated(&controller, &Ui::PageController::validated);
    controller.validate();
    QCOMPARE(validated.count(), 1);
    QCOMPARE(validated.first().at(0).toBool(), problem.isEmpty());
    QCOMPARE(context.profile.sync.contains(QLatin1String("rules")), problem.isEmpty());
    if (problem.isEmpty()) {
        const auto saved = Sync::MappingRules::fromJson(context.profile.sync.value(QLatin1String("rules")).toObject());
        QVERIFY(saved.ok());
        QVERIFY(saved.value == controller.rules());
        QCOMPARE(saved.value.defaultUsageLocation, usageLocation.toUpper());
        const auto scope = Sync::Scope::fromJson(context.profile.sync.value(QLatin1String("scope")).toObject());
        QVERIFY(scope.ok());
        QCOMPARE(scope.value.filter(), filter);
    }
}

void TestOnboardingWizard::attributesPresetFollowsDirectory()
{
    Ui::WizardContext context(Ui::WizardContext::Options{});
    context.upnDomain = QStringLiteral("example.org");
    context.profile.directory = QJsonObject{{QStringLiteral("type"), QStringLiteral("activedirectory")}};
    Ui::AttributesController controller(&context);
    controller.initialize();
    QCOMPARE(controller.rules().upnTemplate, QStringLiteral("{sAMAccountName}@{domain}"));
    QCOMPARE(controller.rules().domain, QStringLiteral("example.org"));
    // A salt of its own, so that anonymized values cannot be recomputed from the anchors.
    QVERIFY(!controller.rules().anonymizeSalt.isEmpty());
    controller.setDefaultUsageLocation(QStringLiteral("AT"));
    controller.setRuleMode(0, Sync::AttributeRule::Never);

    // Coming back with the same directory keeps the edits; the domain follows the Domain page.
    context.upnDomain = QStringLiteral("example.com");
    controller.initialize();
    QCOMPARE(controller.rules().rules.first().mode, Sync::AttributeRule::Never);
    QCOMPARE(controller.rules().domain, QStringLiteral("example.com"));

    // Another kind of directory spells its attributes differently: its defaults, the usage location kept.
    context.profile.directory = QJsonObject{{QStringLiteral("type"), QStringLiteral("univention")}};
    controller.initialize();
    QCOMPARE(controller.rules().rules, Sync::MappingRules::defaults(Sync::MappingRules::Preset::InetOrgPerson).rules);
    QCOMPARE(controller.rules().defaultUsageLocation, QStringLiteral("AT"));
    // UCS marks the users meant for Microsoft 365.
    QCOMPARE(controller.scopeFilter(), Sync::Scope::ucsPreset().filter());
    QVERIFY(controller.isInputComplete());
    // Without samples there is nothing to show, and the page says so.
    QVERIFY(controller.sampleObject().isEmpty());
    QVERIFY(!controller.sampleNote().isEmpty());
}

void TestOnboardingWizard::attributesPageEdits()
{
    goToAttributes();
    const QString domain = m_wizard->context()->upnDomain;
    QVERIFY(!domain.isEmpty());
    auto *table = find<QTableWidget>("attributesRulesTable");
    auto *combo = find<QComboBox>("attributesSampleCombo");
    QCOMPARE(combo->count(), 5);
    QCOMPARE(table->rowCount(), Sync::MappingRules::defaults().rules.size());

    // The first sample user, named by the rule in the domain chosen on the Domain page.
    QJsonObject sample = sampleShown();
    QCOMPARE(sample.value(QLatin1String("userPrincipalName")).toString(), QStringLiteral("jmuller@") + domain);
    QCOMPARE(sample.value(QLatin1String("givenName")).toString(), QStringLiteral("Jürgen"));
    QVERIFY(sample.contains(QLatin1String("onPremisesImmutableId")));
    QVERIFY(nextEnabled());

    // Never: givenName disappears from the user at once.
    const int givenName = ruleRow(QStringLiteral("givenName"));
    QVERIFY(givenName >= 0);
    auto *givenNameMode = find<QComboBox>("ruleModeCombo_givenName");
    givenNameMode->setCurrentIndex(givenNameMode->findData(int(Sync::AttributeRule::Never)));
    QVERIFY(!sampleShown().contains(QLatin1String("givenName")));
    QVERIFY(nextEnabled());

    // A user name rule that needs the attribute Never keeps out is refused.
    auto *upn = find<QLineEdit>("upnRuleEdit");
    upn->selectAll();
    QTest::keyClicks(upn, QStringLiteral("{givenName}.{sn}@{domain}"));
    QVERIFY(!nextEnabled());
    QVERIFY2(bannerText("attributesPage").contains(QLatin1String("givenName")),
             qPrintable(bannerText("attributesPage")));
    upn->selectAll();
    QTest::keyClicks(upn, QStringLiteral("{sn}.{uid}@{domain}"));
    QVERIFY(nextEnabled());
    QCOMPARE(sampleShown().value(QLatin1String("userPrincipalName")).toString(),
             QStringLiteral("Mueller.jmuller@") + domain);

    // Static without a value blocks Next and says why; the value cell is only editable for Static.
    const int company = ruleRow(QStringLiteral("companyName"));
    QVERIFY(company >= 0);
    QVERIFY(!(table->item(company, 3)->flags() & Qt::ItemIsEditable));
    auto *companyMode = find<QComboBox>("ruleModeCombo_companyName");
    companyMode->setCurrentIndex(companyMode->findData(int(Sync::AttributeRule::Static)));
    QVERIFY(!nextEnabled());
    QVERIFY2(bannerText("attributesPage").contains(QLatin1String("static value for companyName")),
             qPrintable(bannerText("attributesPage")));
    QVERIFY(table->item(company, 3)->flags() & Qt::ItemIsEditable);
    shot(QStringLiteral("07-attributes-static-missing"));
    // Choosing Static opened the value's editor.
    auto *editor = table->viewport()->findChild<QLineEdit *>();
    QVERIFY(editor);
    QVERIFY(editor->isVisible());
    QTest::keyClicks(editor, QStringLiteral("Example Ltd"));
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_VERIFY(nextEnabled());
    QVERIFY(bannerText("attributesPage").isEmpty());
    QCOMPARE(sampleShown().value(QLatin1String("companyName")).toString(), QStringLiteral("Example Ltd"));

    // An invalid usage location blocks Next; letters are made upper case as typed.
    auto *location = find<QLineEdit>("usageLocationEdit");
    location->selectAll();
    QTest::keyClicks(location, QStringLiteral("U1"));
    QVERIFY(!nextEnabled());
    QVERIFY2(bannerText("attributesPage").contains(QLatin1String("usage location")),
             qPrintable(bannerText("attributesPage")));
    shot(QStringLiteral("07-attributes-invalid-location"));
    location->selectAll();
    QTest::keyClicks(location, QStringLiteral("de"));
    QCOMPARE(location->text(), QStringLiteral("DE"));
    QVERIFY(nextEnabled());
    QCOMPARE(sampleShown().value(QLatin1String("usageLocation")).toString(), QStringLiteral("DE"));

    // The scope: a broken filter blocks Next; a user outside it is marked as such.
    auto *filter = find<QLineEdit>("scopeFilterEdit");
    QTest::keyClicks(filter, QStringLiteral("(!(uid=jmuller)"));
    QVERIFY(!nextEnabled());
    QVERIFY(bannerText("attributesPage").contains(QLatin1String("scope filter")));
    QTest::keyClicks(filter, QStringLiteral(")"));
    QVERIFY(nextEnabled());
    QVERIFY(find<QLabel>("attributesSampleNote")->isVisible());
    QVERIFY(find<QLabel>("attributesSampleNote")->text().contains(QLatin1String("outside the scope")));
    shot(QStringLiteral("07-attributes-out-of-scope"));
    combo->setCurrentIndex(1);
    QVERIFY(!find<QLabel>("attributesSampleNote")->isVisible());
    // Umlauts are spelled out in user names.
    QCOMPARE(m_wizard->context()->directorySamples.at(1).value(QStringLiteral("sn")), QStringLiteral("Öberg"));
    QCOMPARE(sampleShown().value(QLatin1String("userPrincipalName")).toString(),
             QStringLiteral("Oeberg.aoberg@") + domain);
    shot(QStringLiteral("07-attributes-edited"));
    const Sync::MappingRules edited = m_wizard->attributesController()->rules();

    // Back to the directory and forward again: the edits stay.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId));
    shot(QStringLiteral("08-summary-edited"));
    m_wizard->back();
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    QVERIFY(m_wizard->attributesController()->rules() == edited);
    QCOMPARE(location->text(), QStringLiteral("DE"));
    QCOMPARE(upn->text(), QStringLiteral("{sn}.{uid}@{domain}"));
    QCOMPARE(filter->text(), QStringLiteral("(!(uid=jmuller))"));
    QCOMPARE(givenNameMode->currentData().toInt(), int(Sync::AttributeRule::Never));
    QCOMPARE(table->item(company, 3)->text(), QStringLiteral("Example Ltd"));
    QVERIFY(!sampleShown().contains(QLatin1String("givenName")));

    // Finish: the profile's rules and scope read back as edited.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId));
    QSignalSpy accepted(m_wizard.get(), &QWizard::accepted);
    click("finishButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    const auto profile =
        Profile::ProfileStore(m_dir->filePath(QStringLiteral("profiles"))).load(QStringLiteral("sandbox"));
    QVERIFY(profile);
    const auto rules = Sync::MappingRules::fromJson(profile->sync.value(QLatin1String("rules")).toObject());
    QVERIFY2(rules.ok(), qPrintable(rules.error.details));
    QVERIFY(rules.value == edited);
    QCOMPARE(rules.value.rules.at(givenName).mode, Sync::AttributeRule::Never);
    QCOMPARE(rules.value.rules.at(company).mode, Sync::AttributeRule::Static);
    QCOMPARE(rules.value.rules.at(company).staticValue, QStringLiteral("Example Ltd"));
    QCOMPARE(rules.value.defaultUsageLocation, QStringLiteral("DE"));
    QCOMPARE(rules.value.upnTemplate, QStringLiteral("{sn}.{uid}@{domain}"));
    QCOMPARE(rules.value.domain, domain);
    const auto scope = Sync::Scope::fromJson(profile->sync.value(QLatin1String("scope")).toObject());
    QVERIFY(scope.ok());
    QCOMPARE(scope.value.filter(), QStringLiteral("(!(uid=jmuller))"));
}

void TestOnboardingWizard::adminWithoutRolesIsToldWhoMustGrant()
{
    using Row = Ui::RegistrationPageController::Row;
    using Status = Ui::RegistrationPageController::Status;
    m_adminUpn = Sandbox::TenantState::demoCloudApplicationAdminUpn;
    m_adminPassword = Sandbox::TenantState::demoAdminPassword;
    makeWizard();
    click("nextButton");
    const int applications = int(server()->tenant()->state().applications.size());
    find<QAbstractButton>("automaticRegistrationRadio")->click();
    auto *controller = m_wizard->registrationController();
    click("registerButton");
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), 30000);
    m_adminUpn = Sandbox::TenantState::demoAdminUpn;

    // Stopped after reading the roles, before anything was created, saying who must do it.
    QCOMPARE(stepStatus(Row::SignInRow), int(Status::Done));
    QCOMPARE(stepStatus(Row::CheckRolesRow), int(Status::Failed));
    QCOMPARE(stepStatus(Row::CreateApplicationRow), int(Status::Pending));
    const QString banner = bannerText("registrationPage");
    QVERIFY2(banner.contains(QLatin1String("Privileged Role Administrator or a Global Administrator")),
             qPrintable(banner));
    QVERIFY2(banner.contains(QLatin1String("Cloud Application Administrator")), qPrintable(banner));
    QCOMPARE(int(server()->tenant()->state().applications.size()), applications);
    QVERIFY(!find<QAbstractButton>("removeCreatedAppButton")->isVisible());
    QVERIFY(!nextEnabled());
    // Try again signs in anew (as another administrator), not with the refused session.
    QVERIFY(!m_wizard->context()->adminSession.isValid());
    QCOMPARE(find<QAbstractButton>("registerButton")->text(), QStringLiteral("Try again"));
    shot(QStringLiteral("02-registration-role-missing"));
}

void TestOnboardingWizard::deviceCodeWhenNoBrowserOpens()
{
    using Row = Ui::RegistrationPageController::Row;
    using Status = Ui::RegistrationPageController::Status;
    m_browserAvailable = false;
    makeWizard();
    click("nextButton");
    find<QAbstractButton>("automaticRegistrationRadio")->click();
    auto *controller = m_wizard->registrationController();
    click("registerButton");
    // No browser: the page turns to a device code at once, with the code and the page to enter it on.
    QTRY_VERIFY_WITH_TIMEOUT(!controller->deviceCode().isEmpty(), 15000);
    m_browserAvailable = true;
    QCOMPARE(m_browserOpened, 1);
    QVERIFY(find<QLabel>("deviceCodeLabel")->isVisible());
    QCOMPARE(find<QLabel>("deviceCodeLabel")->text(), controller->deviceCode());
    QVERIFY(find<QLabel>("deviceCodeUrlLabel")->text().contains(controller->deviceCodeUrl().toString()));
    click("copyDeviceCodeButton");
    QCOMPARE(QGuiApplication::clipboard()->text(), controller->deviceCode());
    QVERIFY(controller->isBusy());
    shot(QStringLiteral("02-registration-device-code"));

    // The admin enters the code on another device and signs in; the wizard goes on by itself.
    SignInBrowser browser;
    browser.setCaCertificates(QSslCertificate::fromPath(server()->caFile()));
    const SignInBrowser::Page codePage = browser.get(controller->deviceCodeUrl());
    QCOMPARE(codePage.status, 200);
    const SignInBrowser::Page signInPage =
        browser.submit(codePage, {{QStringLiteral("otc"), controller->deviceCode()}});
    QCOMPARE(signInPage.status, 200);
    const SignInBrowser::Page done =
        browser.submit(signInPage,
                       {{QStringLiteral("login"), Sandbox::TenantState::demoAdminUpn},
                        {QStringLiteral("passwd"), Sandbox::TenantState::demoAdminPassword}});
    QCOMPARE(done.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), 30000);
    QVERIFY2(bannerText("registrationPage").isEmpty(), qPrintable(bannerText("registrationPage")));
    QVERIFY(controller->isRegistered());
    QVERIFY(controller->deviceCode().isEmpty());
    QVERIFY(!find<QLabel>("deviceCodeLabel")->isVisible());
    for (int row : {Row::SignInRow, Row::CheckRolesRow, Row::CreateApplicationRow, Row::GrantRow}) {
        QCOMPARE(stepStatus(row), int(Status::Done));
    }
    QVERIFY(find<QLabel>("registrationStatusLabel")->text().contains(Sandbox::TenantState::demoAdminUpn));
    QVERIFY(nextEnabled());

    // On to the end, still without a browser, while Entra replicates: the new key is unknown to the token service
    // for a while, and the Connection page says it waits instead of failing.
    QVERIFY(!adminPost(QStringLiteral("/faults"), QJsonObject{{QStringLiteral("replicationLagMs"), 1500}}).isEmpty());
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    click("generateButton");
    QStringList waits;
    const QMetaObject::Connection watch =
        connect(m_wizard->connectionController(), &Ui::PageController::changed, this, [&] {
            const QString waiting = m_wizard->connectionController()->waitingReason();
            if (!waiting.isEmpty() && !waits.contains(waiting)) {
                waits.append(waiting);
            }
        });
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_wizard->connectionController()->hasChecked() && !m_wizard->connectionController()->isBusy(), 30000);
    disconnect(watch);
    QVERIFY2(bannerText("connectionPage").isEmpty(), qPrintable(bannerText("connectionPage")));
    QVERIFY2(!waits.isEmpty(), "the check never waited for the new certificate");
    QVERIFY2(waits.first().contains(QLatin1String("AADSTS700027")), qPrintable(waits.first()));
    QVERIFY(!adminPost(QStringLiteral("/faults"), QJsonObject{{QStringLiteral("replicationLagMs"), 0}}).isEmpty());
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    finishFromDirectory();
    if (QTest::currentTestFailed()) {
        return;
    }
    QCOMPARE(m_browserOpened, 1);
    const auto profile =
        Profile::ProfileStore(m_dir->filePath(QStringLiteral("profiles"))).load(QStringLiteral("sandbox"));
    QVERIFY(profile);
    QCOMPARE(profile->clientId, find<QLineEdit>("clientIdEdit")->text());
}

void TestOnboardingWizard::automaticRegistrationToFinish()
{
    using Row = Ui::RegistrationPageController::Row;
    using Status = Ui::RegistrationPageController::Status;
    m_adminPassword = Sandbox::TenantState::demoAdminPassword;
    makeWizard();
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    const Sandbox::TenantState &state = server()->tenant()->state();
    const QString demoClientId = state.demoClientId;

    // Automatic: the IDs are filled in by the registration, so they are read-only and Next waits for it.
    find<QAbstractButton>("automaticRegistrationRadio")->click();
    QVERIFY(find<QLineEdit>("tenantIdEdit")->isReadOnly());
    QVERIFY(find<QLineEdit>("clientIdEdit")->isReadOnly());
    QVERIFY(find<QLineEdit>("clientIdEdit")->text().isEmpty());
    QVERIFY(!nextEnabled());
    QCOMPARE(find<QListWidget>("registrationStepsList")->count(), int(Row::RowCount));
    shot(QStringLiteral("02-registration-automatic-start"));

    // Each step is seen running before it is done; Next stays disabled meanwhile.
    QList<int> seenRunning;
    bool nextWhileBusy = false;
    auto *controller = m_wizard->registrationController();
    const QMetaObject::Connection watch = connect(controller, &Ui::PageController::changed, this, [&] {
        for (int row = 0; row < controller->steps().size(); ++row) {
            if (controller->steps().at(row).status == Status::Running && !seenRunning.contains(row)) {
                seenRunning.append(row);
            }
        }
        nextWhileBusy = nextWhileBusy || (controller->isBusy() && nextEnabled());
    });
    click("registerButton");
    QVERIFY(controller->isBusy());
    QVERIFY(!nextEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), 30000);
    disconnect(watch);
    QVERIFY2(bannerText("registrationPage").isEmpty(), qPrintable(bannerText("registrationPage")));
    QVERIFY(controller->isRegistered());
    QVERIFY(!nextWhileBusy);

    // The system browser was asked once, for the tenant's sign-in page with PKCE and the redirect the public client is
    // registered for (http://localhost, any port).
    QCOMPARE(m_browserOpened, 1);
    const QUrlQuery query(m_authorizeUrl);
    QCOMPARE(query.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
    QCOMPARE(QUrl(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded)).host(),
             QStringLiteral("localhost"));
    QCOMPARE(query.queryItemValue(QStringLiteral("client_id")), Sandbox::SandboxTenant::setupClientId);
    QCOMPARE(m_browserPage.status, 302);

    // Every step ticked off; the certificate's upload waits for the next page.
    for (int row : {Row::SignInRow,
                    Row::FindGraphRow,
                    Row::CreateApplicationRow,
                    Row::CreateServicePrincipalRow,
                    Row::GrantRow}) {
        QCOMPARE(stepStatus(row), int(Status::Done));
        QVERIFY2(seenRunning.contains(row), qPrintable(QString::number(row)));
    }
    QCOMPARE(stepStatus(Row::UploadRow), int(Status::Pending));
    const QString appId = find<QLineEdit>("clientIdEdit")->text();
    QVERIFY(Ui::RegistrationPageController::isValidGuid(appId));
    QVERIFY(appId != demoClientId);
    QCOMPARE(find<QLineEdit>("tenantIdEdit")->text(), state.tenantId);
    QVERIFY(!find<QAbstractButton>("registerButton")->isVisible());
    QVERIFY(find<QLabel>("registrationStatusLabel")->text().contains(Sandbox::TenantState::demoAdminUpn));
    QVERIFY(m_wizard->context()->adminSession.isValid());
    QVERIFY(nextEnabled());
    shot(QStringLiteral("02-registration-automatic"));

    // Credentials: Next uploads the generated certificate to the new app with the administrator's token.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    QCOMPARE(m_wizard->context()->profile.clientId, appId);
    QVERIFY(!find<QCheckBox>("sandboxUploadCheck")->isVisible());
    auto *upload = find<QLabel>("uploadStatusLabel");
    QVERIFY(upload->isVisible());
    click("generateButton");
    const QString thumbprint = m_wizard->context()->certificate.sha1ThumbprintHex();
    QCOMPARE(int(m_wizard->credentialsController()->uploadStatus()), int(Status::Pending));
    bool uploadRan = false;
    bool nextWhileUploading = false;
    const QMetaObject::Connection watchUpload =
        connect(m_wizard->credentialsController(), &Ui::PageController::changed, this, [&] {
            if (m_wizard->credentialsController()->uploadStatus() == Status::Running) {
                uploadRan = true;
                nextWhileUploading = nextWhileUploading || nextEnabled();
            }
        });
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 30000);
    disconnect(watchUpload);
    QVERIFY(uploadRan);
    QVERIFY(!nextWhileUploading);
    QCOMPARE(m_wizard->context()->uploadedThumbprint, thumbprint);

    // The application in the tenant: the certificate, and admin consent for every requested role.
    const QJsonObject app = state.applications.value(state.applicationIdByAppId(appId));
    QCOMPARE(app.value(QLatin1String("displayName")).toString(), QStringLiteral("m365sync"));
    const QJsonArray keys = app.value(QLatin1String("keyCredentials")).toArray();
    QCOMPARE(keys.size(), 1);
    // Graph's form: Base64 of the thumbprint's bytes.
    QCOMPARE(keys.first().toObject().value(QLatin1String("customKeyIdentifier")).toString(),
             QString::fromLatin1(QByteArray::fromHex(thumbprint.toLatin1()).toBase64()));
    const QString servicePrincipal = state.servicePrincipalIdByAppId(appId);
    QVERIFY(!servicePrincipal.isEmpty());
    QStringList granted;
    for (const QJsonObject &assignment : state.appRoleAssignments) {
        if (assignment.value(QLatin1String("principalId")).toString() == servicePrincipal) {
            granted.append(assignment.value(QLatin1String("appRoleId")).toString());
        }
    }
    const QStringList requested = Graph::AppRegistrationJob::defaultRoles();
    QVERIFY(requested.contains(QStringLiteral("RoleManagement.Read.Directory")));
    QCOMPARE(granted.size(), requested.size());
    for (const QString &role : requested) {
        QVERIFY2(granted.contains(Sandbox::MicrosoftGraph::appRoleId(role)), qPrintable(role));
    }

    // Connection & permissions: the new app signs in with the certificate and has every role it needs.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_wizard->connectionController()->hasChecked() && !m_wizard->connectionController()->isBusy(), 20000);
    QVERIFY2(bannerText("connectionPage").isEmpty(), qPrintable(bannerText("connectionPage")));
    QVERIFY(m_wizard->connectionController()->report().missingRoles.isEmpty());
    QVERIFY(nextEnabled());

    // Back: the Credentials page and the checklist show the upload done.
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    QVERIFY2(upload->text().contains(QLatin1String("done")), qPrintable(upload->text()));
    shot(QStringLiteral("03-credentials-uploaded"));
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    QCOMPARE(stepStatus(Row::UploadRow), int(Status::Done));
    QCOMPARE(find<QLineEdit>("clientIdEdit")->text(), appId);
    shot(QStringLiteral("02-registration-automatic-done"));
    click("nextButton");
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled() && m_wizard->connectionController()->hasChecked(), 20000);
    // Uploading again was not needed: still the one key.
    QCOMPARE(state.applications.value(state.applicationIdByAppId(appId))
                 .value(QLatin1String("keyCredentials"))
                 .toArray()
                 .size(),
             1);

    // Domain, right after the registration: the new app adds a domain and has Microsoft verify it.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));
    QTest::keyClicks(find<QLineEdit>("newDomainEdit"), QStringLiteral("fabrikam.net"));
    click("addDomainButton");
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_wizard->domainController()->isBusy() && state.domains.contains(QStringLiteral("fabrikam.net")), 10000);
    QVERIFY2(bannerText("domainPage").isEmpty(), qPrintable(bannerText("domainPage")));
    const QString txt = find<QLabel>("txtRecordLabel")->text();
    QVERIFY2(txt.startsWith(QLatin1String("MS=")), qPrintable(txt));
    QVERIFY(!adminPost(
                 QStringLiteral("/dns"),
                 QJsonObject{{QStringLiteral("domain"), QStringLiteral("fabrikam.net")}, {QStringLiteral("txt"), txt}})
                 .isEmpty());
    click("verifyButton");
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled(), 10000);
    QVERIFY2(bannerText("domainPage").isEmpty(), qPrintable(bannerText("domainPage")));
    QVERIFY(server()->tenant()->state().verifiedDomainNames().contains(QStringLiteral("fabrikam.net")));

    // The rest with the defaults, then Finish.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    finishFromDirectory();
    if (QTest::currentTestFailed()) {
        return;
    }

    // The profile names the new app and its certificate; the key is in the store; its token carries the roles.
    const auto profile =
        Profile::ProfileStore(m_dir->filePath(QStringLiteral("profiles"))).load(QStringLiteral("sandbox"));
    QVERIFY(profile);
    QCOMPARE(profile->clientId, appId);
    QCOMPARE(profile->tenant, state.tenantId);
    QCOMPARE(profile->certificate.thumbprintSha1.toUpper(), thumbprint.toUpper());
    QVERIFY(m_secrets->contains(profile->secrets.privateKey));
    QNetworkAccessManager nam;
    std::unique_ptr<Profile::Connection> connection;
    connectAndSignIn(&nam, *profile, &connection);
    if (QTest::currentTestFailed()) {
        return;
    }
    for (const QString &role : requested) {
        QVERIFY2(connection->tokens()->roles().contains(role), qPrintable(role));
    }
}

void TestOnboardingWizard::automaticRegistrationWrongPassword()
{
    using Row = Ui::RegistrationPageController::Row;
    using Status = Ui::RegistrationPageController::Status;
    // The admin types a wrong password, the sign-in page says so, and the admin closes the browser.
    m_adminPassword = QStringLiteral("not the password");
    m_signInTimeout = std::chrono::seconds(2);
    makeWizard();
    m_signInTimeout = std::chrono::seconds(60);
    click("nextButton");
    find<QAbstractButton>("automaticRegistrationRadio")->click();
    click("registerButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_browserPage.status != 0, 10000);
    QCOMPARE(m_browserPage.status, 200);
    QVERIFY(m_browserPage.body.contains("AADSTS50126"));
    QCOMPARE(stepStatus(Row::SignInRow), int(Status::Running));
    QVERIFY(find<QAbstractButton>("cancelRegistrationButton")->isVisible());
    QVERIFY(find<QLabel>("registrationStatusLabel")->text().contains(QLatin1String("open the sign-in page")));
    QVERIFY(!nextEnabled());
    shot(QStringLiteral("02-registration-signing-in"));

    // The wizard gives up waiting and says what to do, in plain words.
    QTRY_VERIFY_WITH_TIMEOUT(!bannerText("registrationPage").isEmpty(), 15000);
    const QString message = bannerText("registrationPage");
    QVERIFY2(message.contains(QLatin1String("not finished in the browser")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("wrong password")), qPrintable(message));
    QVERIFY2(!message.contains(QLatin1String("AADSTS")), qPrintable(message));
    QCOMPARE(stepStatus(Row::SignInRow), int(Status::Failed));
    QCOMPARE(stepStatus(Row::CreateApplicationRow), int(Status::Pending));
    QVERIFY(!nextEnabled());
    QVERIFY(find<QLineEdit>("clientIdEdit")->text().isEmpty());
    auto *retry = find<QAbstractButton>("registerButton");
    QVERIFY(retry->isEnabled());
    QVERIFY(!find<QAbstractButton>("cancelRegistrationButton")->isVisible());
    QVERIFY(retry->text().contains(QLatin1String("Try again")));
    for (const QJsonObject &app : std::as_const(server()->tenant()->state().applications)) {
        QVERIFY(app.value(QLatin1String("displayName")).toString() != QLatin1String("m365sync"));
    }
    shot(QStringLiteral("02-registration-sign-in-failed"));

    // Try again, then Cancel: another plain message, and again nothing registered.
    click("registerButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_browserOpened, 2, 10000);
    QVERIFY(bannerText("registrationPage").isEmpty());
    click("cancelRegistrationButton");
    QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->registrationController()->isBusy(), 10000);
    QVERIFY2(bannerText("registrationPage").contains(QLatin1String("cancelled")),
             qPrintable(bannerText("registrationPage")));
    QVERIFY(!nextEnabled());

    // The manual path is still open: the demo app's IDs, editable, and Next goes on.
    find<QAbstractButton>("manualRegistrationRadio")->click();
    QVERIFY(bannerText("registrationPage").isEmpty());
    QVERIFY(!find<QLineEdit>("clientIdEdit")->isReadOnly());
    QCOMPARE(find<QLineEdit>("clientIdEdit")->text(), server()->tenant()->state().demoClientId);
    QVERIFY(nextEnabled());
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    QVERIFY(!m_wizard->context()->automaticRegistration);
    QVERIFY(find<QCheckBox>("sandboxUploadCheck")->isVisible());
    QVERIFY(!find<QLabel>("uploadStatusLabel")->isVisible());
}

void TestOnboardingWizard::goToDomain()
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
}

void TestOnboardingWizard::addDomainListedUnverified()
{
    // The demo app has Domain.ReadWrite.All.
    goToDomain();
    auto *domains = find<QTreeWidget>("domainsList");
    const int before = domains->topLevelItemCount();
    auto *edit = find<QLineEdit>("newDomainEdit");
    QVERIFY(!find<QAbstractButton>("addDomainButton")->isEnabled());

    // Not a domain name: said on the page, nothing sent.
    QTest::keyClicks(edit, QStringLiteral("fabrikam"));
    click("addDomainButton");
    QVERIFY2(bannerText("domainPage").contains(QLatin1String("not a domain name")),
             qPrintable(bannerText("domainPage")));
    QCOMPARE(domains->topLevelItemCount(), before);

    QTest::keyClicks(edit, QStringLiteral(".com"));
    click("addDomainButton");
    QTRY_COMPARE_WITH_TIMEOUT(domains->topLevelItemCount(), before + 1, 10000);
    QTRY_VERIFY(!m_wizard->domainController()->isBusy());
    QVERIFY2(bannerText("domainPage").isEmpty(), qPrintable(bannerText("domainPage")));
    QVERIFY(edit->text().isEmpty());

    // Listed, selected and unverified, with the TXT record the tenant asks for; Next waits for the verification.
    const auto items = domains->findItems(QStringLiteral("fabrikam.com"), Qt::MatchExactly);
    QCOMPARE(items.size(), 1);
    QCOMPARE(domains->currentItem(), items.first());
    QVERIFY2(items.first()->text(1).contains(QLatin1String("Not verified")), qPrintable(items.first()->text(1)));
    const QJsonObject created = server()->tenant()->state().domains.value(QStringLiteral("fabrikam.com"));
    QVERIFY(!created.isEmpty());
    QVERIFY(!created.value(QLatin1String("isVerified")).toBool());
    const QString txt = find<QLabel>("txtRecordLabel")->text();
    QVERIFY2(txt.startsWith(QLatin1String("MS=")), qPrintable(txt));
    QCOMPARE(txt, created.value(QLatin1String("_verificationCode")).toString());
    QVERIFY(find<QAbstractButton>("verifyButton")->isVisible());
    QVERIFY(!nextEnabled());
    shot(QStringLiteral("05-domain-added"));

    // The same name again only selects it; the tenant refuses nothing, because nothing is sent.
    const auto initial = domains->findItems(QStringLiteral("onmicrosoft.com"), Qt::MatchEndsWith);
    QVERIFY(!initial.isEmpty());
    domains->setCurrentItem(initial.first());
    QVERIFY(nextEnabled());
    QTest::keyClicks(edit, QStringLiteral("Fabrikam.com"));
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(m_wizard->domainController()->selectedName(), QStringLiteral("fabrikam.com"));
    QCOMPARE(domains->topLevelItemCount(), before + 1);
}

void TestOnboardingWizard::ldapBindFailureBlocksNext()
{
    // A real slapd on a loopback port; the wizard binds as its root DN with a wrong password.
    SlapdFixture slapd;
    QVERIFY2(slapd.setUp(), qPrintable(slapd.errorString()));
    QVERIFY2(slapd.loadLdif(slapd.baseEntries()), qPrintable(slapd.errorString()));
    QVERIFY2(slapd.start(), qPrintable(slapd.errorString()));

    goToDomain();
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    auto *type = find<QComboBox>("sourceTypeCombo");
    type->setCurrentIndex(type->findData(int(Ui::DirectoryPageController::Type::OpenLdap)));
    auto *tls = find<QComboBox>("ldapTlsCombo");
    tls->setCurrentIndex(tls->findData(int(Directory::LdapConfig::Tls::None)));
    const auto setText = [this](const char *name, const QString &text) {
        auto *edit = find<QLineEdit>(name);
        edit->selectAll();
        QTest::keyClicks(edit, text);
    };
    setText("ldapUrlEdit", slapd.url());
    setText("bindDnEdit", slapd.rootDn());
    setText("bindPasswordEdit", QStringLiteral("not the password"));
    setText("baseDnEdit", slapd.suffix());
    QVERIFY(find<QAbstractButton>("testDirectoryButton")->isEnabled());

    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(!bannerText("directoryPage").isEmpty(), 20000);
    const QString message = bannerText("directoryPage");
    QVERIFY2(message.contains(QLatin1String("bind DN")) && message.contains(QLatin1String("password")),
             qPrintable(message));
    QVERIFY(!message.contains(QLatin1String("not the password")));
    QVERIFY(!nextEnabled());
    QVERIFY(!m_wizard->directoryController()->hasResults());
    shot(QStringLiteral("06-directory-ldap-bind-failed"));
    // Next does not get past it either.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));

    // With the right password the same server answers, and the message goes away.
    setText("bindPasswordEdit", slapd.rootPassword());
    QVERIFY(bannerText("directoryPage").isEmpty());
    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->directoryController()->hasResults(), 20000);
    QVERIFY2(bannerText("directoryPage").isEmpty(), qPrintable(bannerText("directoryPage")));
    // No TLS, no certificate to show.
    QVERIFY(!find<QLabel>("serverCertificateLabel")->isVisible());
}

QTEST_MAIN(TestOnboardingWizard)
#include "tst_onboardingwizard.moc"
