// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectionpage.h"
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
#include "tenantstate.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace M365;
using M365::Ui::OnboardingWizard;

/*
 * Drives the onboarding wizard by objectName, offscreen, against the in-process sandbox tenant (sandbox mode, manual
 * registration path): the app is registered and its certificate uploaded through the sandbox's admin API, as an
 * admin would in the Entra portal. Each page is saved as a PNG (900×640) under the build tree for review.
 */
class TestOnboardingWizard : public QObject
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
    void wrongClientIdBlocksNext();
    void missingPermissionBlocksNext();

private:
    OnboardingWizard *makeWizard();
    Sandbox::SandboxServer *server() const { return m_wizard->context()->sandboxServer(); }
    QJsonObject adminPost(const QString &path, const QJsonObject &body);
    template <class T> T *find(const char *name) const
    {
        T *widget = m_wizard->findChild<T *>(QLatin1String(name));
        if (!widget) {
            qWarning("no widget named %s", name);
        }
        return widget;
    }
    void click(const char *name) { QTest::mouseClick(find<QAbstractButton>(name), Qt::LeftButton); }
    bool nextEnabled() const { return m_wizard->button(QWizard::NextButton)->isEnabled(); }
    QString bannerText(const char *page) const;
    void shot(const QString &name);
    /// Welcome (sandbox) → Registration with @p clientId → Credentials with a generated certificate uploaded to the
    /// app → Connection page, checked.
    void goToConnection(const QString &clientId);
    /// Registers an app in the sandbox with @p roles; returns its appId.
    QString registerApp(const QStringList &roles);

    std::unique_ptr<QTemporaryDir> m_dir;
    Secrets::MemorySecretStore *m_secrets = nullptr;
    std::unique_ptr<OnboardingWizard> m_wizard;
    QNetworkAccessManager m_nam;
};

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
    m_wizard = std::make_unique<OnboardingWizard>(options);
    m_wizard->resize(900, 640);
    m_wizard->show();
    return m_wizard.get();
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

QString TestOnboardingWizard::bannerText(const char *page) const
{
    auto *banner = m_wizard->findChild<QWidget *>(QLatin1String(page))->findChild<Ui::ErrorBanner *>();
    return banner && banner->isVisible() ? banner->text() : QString();
}

void TestOnboardingWizard::shot(const QString &name)
{
    QCoreApplication::processEvents();
    const QString path = QStringLiteral(M365_BINARY_DIR "/screenshots/") + name + QStringLiteral(".png");
    QVERIFY2(m_wizard->grab().save(path), qPrintable(path));
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

    // The automatic path waits for its engine: present, disabled, and it says why.
    auto *automatic = find<QAbstractButton>("automaticRegistrationRadio");
    QVERIFY(!automatic->isEnabled());
    QVERIFY(automatic->toolTip().contains(QLatin1String("issue 6")));
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
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId), 10000);

    // Summary and Finish.
    QCOMPARE(find<QLineEdit>("profileNameEdit")->text(), QStringLiteral("sandbox"));
    QVERIFY(find<QLabel>("summaryLabel")->text().contains(QLatin1String("example.org")));
    shot(QStringLiteral("07-summary"));
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

    QNetworkAccessManager nam;
    auto *connect = new Profile::ConnectJob(&nam, *profile, m_secrets);
    std::unique_ptr<Profile::Connection> connection;
    QSignalSpy connected(connect, &M365::Job::finished);
    QObject::connect(connect, &M365::Job::finished, this, [&connection](M365::Job *job) {
        QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
        connection = static_cast<Profile::ConnectJob *>(job)->takeConnection();
    });
    connect->start();
    QTRY_VERIFY_WITH_TIMEOUT(connection, 10000);
    QString token;
    M365::Error tokenError;
    connection->tokens()->acquire(this, [&](const QString &accessToken, const M365::Error &e) {
        token = accessToken;
        tokenError = e;
    });
    QTRY_VERIFY_WITH_TIMEOUT(!token.isEmpty() || !tokenError.isNull(), 10000);
    QVERIFY2(tokenError.isNull(), qPrintable(tokenError.userMessage));
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
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId), 10000);
    // Back keeps what was chosen.
    m_wizard->back();
    QVERIFY(m_wizard->directoryController()->hasResults());
    QVERIFY(find<QLineEdit>("directoryPathEdit")->text().endsWith(QLatin1String("directory.ldif")));
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId), 10000);
    QSignalSpy accepted(m_wizard.get(), &QWizard::accepted);
    click("finishButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    const auto profile =
        Profile::ProfileStore(m_dir->filePath(QStringLiteral("profiles"))).load(QStringLiteral("sandbox"));
    QVERIFY(profile);
    QCOMPARE(profile->sync.value(QLatin1String("upnDomain")).toString(), QStringLiteral("contoso.onmicrosoft.com"));
    QVERIFY(m_secrets->contains(profile->secrets.privateKey));
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
    QCOMPARE(context.profile.directory.value(QLatin1String("type")).toString(), QStringLiteral("ldif"));
    // An LDAP source needs a URL and a base DN before it can be tested.
    settings.type = Ui::DirectoryPageController::Type::OpenLdap;
    controller.setSettings(settings);
    QVERIFY(!controller.isInputComplete());
}

QTEST_MAIN(TestOnboardingWizard)
#include "tst_onboardingwizard.moc"
