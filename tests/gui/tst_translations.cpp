// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "../integration/signinbrowser.h"
#include "connectionpage.h"
#include "directorypage.h"
#include "domainpage.h"
#include "errorbanner.h"
#include "onboardingwizard.h"
#include "profile/memorysecretstore.h"
#include "registrationpage.h"
#include "sandboxserver.h"
#include "slapdfixture.h"
#include "sync/mappingrules.h"
#include "tenantstate.h"
#include "translations.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QXmlStreamReader>

#include <algorithm>
#include <memory>

using namespace M365;
using M365::Ui::OnboardingWizard;

/*
 * The German translation: every message of m365sync_de.ts is translated with the same placeholders, and the onboarding
 * wizard speaks German, Qt's own Back/Next buttons included. Every page is saved as a PNG (900×640) next to the English
 * ones of tst_onboardingwizard ("de-" in front of the name), for review of clipped or overflowing texts.
 */
class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void everyMessageTranslated();
    void wizardSpeaksGerman();
    void roleMissingInGerman();
    void deviceCodeInGerman();

private:
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
    void shot(const QString &name);
    /// A 900×640 wizard over the sandbox; its browser signs in as m_adminUpn, or opens nowhere without m_browser.
    void makeWizard();
    /// The text of the error banner on the page named @p page, when it is shown.
    QString bannerText(const char *page) const
    {
        auto *banner = m_wizard->findChild<QWidget *>(QLatin1String(page))->findChild<Ui::ErrorBanner *>();
        return banner && banner->isVisible() ? banner->text() : QString();
    }
    /// The text of the automatic path's checklist row @p row.
    QString stepText(int row) const
    {
        auto *steps = find<QListWidget>("registrationStepsList");
        return steps && row < steps->count() ? steps->item(row)->text() : QString();
    }
    /// Whether the wizard is still 900×640: a German text too wide for its row raises the wizard's minimum size.
    bool keepsItsSize() const { return m_wizard->size() == QSize(900, 640); }
    /// Whether the button @p name is visible and as wide as its German text needs.
    bool fitsItsText(const char *name) const
    {
        auto *button = find<QAbstractButton>(name);
        return button && button->isVisible() && button->width() >= button->sizeHint().width();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Secrets::MemorySecretStore> m_secrets;
    std::unique_ptr<OnboardingWizard> m_wizard;
    QString m_adminUpn = Sandbox::TenantState::demoAdminUpn;
    bool m_browser = true;
};

void TestTranslations::initTestCase()
{
    const QLocale german(QLocale::German, QLocale::Germany);
    QLocale::setDefault(german);
    QVERIFY(Ui::installTranslations(german, QStringLiteral(M365_QM_DIR)));
    QDir().mkpath(QStringLiteral(M365_BINARY_DIR "/screenshots"));
}

void TestTranslations::cleanup()
{
    m_wizard.reset();
    m_secrets.reset();
    m_dir.reset();
    m_adminUpn = Sandbox::TenantState::demoAdminUpn;
    m_browser = true;
}

void TestTranslations::shot(const QString &name)
{
    QCoreApplication::processEvents();
    const QString path = QStringLiteral(M365_BINARY_DIR "/screenshots/de-") + name + QStringLiteral(".png");
    QVERIFY2(m_wizard->grab().save(path), qPrintable(path));
}

void TestTranslations::makeWizard()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_secrets = std::make_unique<Secrets::MemorySecretStore>();
    Ui::WizardContext::Options options;
    options.secrets = m_secrets.get();
    options.profileDirectory = m_dir->filePath(QStringLiteral("profiles"));
    options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    // The administrator's browser for the automatic registration: signs in on the sandbox's page.
    options.browserOpener = [this](const QUrl &url) {
        if (!m_browser) {
            return false; // as QDesktopServices::openUrl on a machine without a browser
        }
        QTimer::singleShot(0, this, [this, url, upn = m_adminUpn] {
            if (!m_wizard || !m_wizard->context()->sandboxServer()) {
                return;
            }
            SignInBrowser browser;
            browser.setCaCertificates(QSslCertificate::fromPath(m_wizard->context()->sandboxServer()->caFile()));
            const SignInBrowser::Page page = browser.signIn(url, upn, Sandbox::TenantState::demoAdminPassword);
            if (page.status == 302) {
                browser.get(page.location);
            }
        });
        return true;
    };
    m_wizard = std::make_unique<OnboardingWizard>(options);
    m_wizard->resize(900, 640);
    m_wizard->show();
}

/// The placeholders of @p text (%1..%9, %n), sorted, so that source and translation can be compared.
static QStringList placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%[1-9n]"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        found.append(it.next().captured());
    }
    found.sort();
    found.removeDuplicates();
    return found;
}

void TestTranslations::everyMessageTranslated()
{
    QFile file(QStringLiteral(M365_SOURCE_DIR "/translations/m365sync_de.ts"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    QString context;
    QString source;
    QStringList translations;
    bool unfinished = false;
    int messages = 0;
    QStringList problems;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            if (xml.name() == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (xml.name() == QLatin1String("message")) {
                source.clear();
                translations.clear();
                unfinished = false;
            } else if (xml.name() == QLatin1String("source")) {
                source = xml.readElementText();
            } else if (xml.name() == QLatin1String("translation")) {
                const QString type = xml.attributes().value(QLatin1String("type")).toString();
                unfinished = !type.isEmpty();
                // A plural message holds its forms in <numerusform> children.
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                translations.append(text);
            } else if (xml.name() == QLatin1String("numerusform")) {
                translations.append(xml.readElementText());
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            ++messages;
            const QString where = context + QStringLiteral(": ") + source;
            if (unfinished) {
                problems.append(QStringLiteral("not finished: ") + where);
            }
            if (translations.isEmpty() || translations.contains(QString())) {
                problems.append(QStringLiteral("empty: ") + where);
            }
            for (const QString &translation : std::as_const(translations)) {
                if (placeholders(translation) != placeholders(source)) {
                    problems.append(QStringLiteral("placeholders differ: ") + where + QStringLiteral(" → ")
                                    + translation);
                }
            }
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 100);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

void TestTranslations::wizardSpeaksGerman()
{
    makeWizard();

    // Welcome: the page's own text and Qt's buttons are German.
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::WelcomePageId));
    QVERIFY2(m_wizard->currentPage()->title().contains(QLatin1String("Willkommen")),
             qPrintable(m_wizard->currentPage()->title()));
    QVERIFY(find<QAbstractButton>("sandboxRadio")->text().contains(QLatin1String("Ausprobieren")));
    const QString next = m_wizard->button(QWizard::NextButton)->text();
    const QString back = m_wizard->button(QWizard::BackButton)->text();
    QVERIFY2(next.contains(QLatin1String("Weiter")), qPrintable(next));
    QVERIFY2(back.contains(QStringLiteral("Zurück")), qPrintable(back));
    QVERIFY2(m_wizard->button(QWizard::CancelButton)->text().contains(QLatin1String("Abbrechen")),
             qPrintable(m_wizard->button(QWizard::CancelButton)->text()));
    shot(QStringLiteral("01-welcome"));
    find<QAbstractButton>("tenantRadio")->click();
    shot(QStringLiteral("01-welcome-tenant"));
    find<QAbstractButton>("sandboxRadio")->click();

    // Registration, pre-filled from the sandbox; an invalid client ID shows its problem.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    auto *clientEdit = find<QLineEdit>("clientIdEdit");
    const QString clientId = clientEdit->text();
    clientEdit->selectAll();
    QTest::keyClicks(clientEdit, QStringLiteral("not-a-guid"));
    QVERIFY(!nextEnabled());
    shot(QStringLiteral("02-registration-invalid"));
    clientEdit->selectAll();
    QTest::keyClicks(clientEdit, clientId);
    QVERIFY(nextEnabled());
    shot(QStringLiteral("02-registration"));

    // The automatic path: the checklist before and after the administrator signed in; then back to the demo app.
    find<QAbstractButton>("automaticRegistrationRadio")->click();
    shot(QStringLiteral("02-registration-automatic-start"));
    click("registerButton");
    QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->registrationController()->isBusy(), 30000);
    QVERIFY(m_wizard->registrationController()->isRegistered());
    shot(QStringLiteral("02-registration-automatic"));
    find<QAbstractButton>("manualRegistrationRadio")->click();
    QCOMPARE(clientEdit->text(), clientId);

    // Credentials: a generated certificate, then the discouraged client secret.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CredentialsPageId));
    click("generateButton");
    shot(QStringLiteral("03-credentials"));
    find<QAbstractButton>("clientSecretRadio")->click();
    shot(QStringLiteral("03-credentials-secret"));
    find<QAbstractButton>("generateRadio")->click();
    QVERIFY(nextEnabled());

    // Connection and permissions.
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::ConnectionPageId), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(nextEnabled() && m_wizard->connectionController()->hasChecked(), 20000);
    shot(QStringLiteral("04-connection"));

    // Domain: the default, then the unverified example.org with its TXT record, which the sandbox's own DNS can
    // publish: the button and the hint say so in German.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));
    // The Registration page may have widened the wizard (the hidden automatic pane's buttons, all five side by side,
    // count for its minimum width); the Domain page is checked at 900×640 again.
    m_wizard->resize(900, 640);
    shot(QStringLiteral("05-domain"));
    auto *domains = find<QTreeWidget>("domainsList");
    const auto items = domains->findItems(QStringLiteral("example.org"), Qt::MatchExactly);
    QCOMPARE(items.size(), 1);
    domains->setCurrentItem(items.first());
    auto *publish = find<QAbstractButton>("publishTxtButton");
    QCOMPARE(publish->text(), QStringLiteral("Diesen Eintrag im DNS der Sandbox veröffentlichen"));
    QVERIFY(publish->isEnabled());
    QVERIFY(fitsItsText("publishTxtButton"));
    QVERIFY(fitsItsText("checkDnsButton"));
    QVERIFY(fitsItsText("verifyButton"));
    const QString hint = find<QLabel>("txtHintLabel")->text();
    QVERIFY2(hint.startsWith(QStringLiteral("Diese Domäne gehört zum Sandbox-Mandanten")), qPrintable(hint));
    QVERIFY(find<QLabel>("txtRecordLabel")->text().startsWith(QLatin1String("MS=")));
    QVERIFY2(keepsItsSize(), qPrintable(QStringLiteral("%1×%2").arg(m_wizard->width()).arg(m_wizard->height())));
    shot(QStringLiteral("05-domain-sandbox-dns"));
    click("checkDnsButton");
    QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->domainController()->isBusy(), 10000);
    shot(QStringLiteral("05-domain-txt-missing"));
    click("publishTxtButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->domainController()->isDnsFound(), 10000);
    QVERIFY2(bannerText("domainPage").isEmpty(), qPrintable(bannerText("domainPage")));
    const QString published = find<QLabel>("dnsStatusLabel")->text();
    QVERIFY2(published.contains(QStringLiteral("im DNS der Sandbox veröffentlicht")), qPrintable(published));
    QVERIFY(!publish->isEnabled());
    QVERIFY2(keepsItsSize(), qPrintable(QStringLiteral("%1×%2").arg(m_wizard->width()).arg(m_wizard->height())));
    shot(QStringLiteral("05-domain-sandbox-dns-published"));
    // Back to the initial domain, which may be used with a warning.
    const auto initial = domains->findItems(QStringLiteral("onmicrosoft.com"), Qt::MatchEndsWith);
    QVERIFY(!initial.isEmpty());
    domains->setCurrentItem(initial.first());
    QTRY_VERIFY(nextEnabled());

    // Directory: first an LDAP server over LDAPS with its own CA (certificate and container tree in German), then
    // the sample LDIF, tested.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    {
        SlapdFixture::Options options;
        options.tls = true;
        SlapdFixture slapd(options);
        QVERIFY2(slapd.setUp() && slapd.loadLdif(slapd.baseEntries()) && slapd.start(),
                 qPrintable(slapd.errorString()));
        auto *type = find<QComboBox>("sourceTypeCombo");
        const int ldif = type->currentIndex();
        type->setCurrentIndex(type->findData(int(Ui::DirectoryPageController::Type::OpenLdap)));
        find<QLineEdit>("ldapUrlEdit")->setText(slapd.ldapsUrl());
        find<QLineEdit>("caFileEdit")->setText(slapd.caFile());
        find<QLineEdit>("baseDnEdit")->setText(slapd.suffix());
        click("testDirectoryButton");
        QTRY_VERIFY_WITH_TIMEOUT(m_wizard->directoryController()->hasResults()
                                     && !m_wizard->directoryController()->isReadingContainers(),
                                 20000);
        QVERIFY2(find<QLabel>("serverCertificateLabel")->text().startsWith(QLatin1String("Zertifikat: CN=127.0.0.1")),
                 qPrintable(find<QLabel>("serverCertificateLabel")->text()));
        shot(QStringLiteral("06-directory-ldaps"));
        type->setCurrentIndex(ldif);
    }
    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->directoryController()->hasResults(), 10000);
    QVERIFY(find<QLabel>("directoryResultLabel")->text().contains(QLatin1String("Benutzer: 50")));
    shot(QStringLiteral("06-directory"));

    // Attributes: the rules table and the sample user; then a static rule without its value.
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    QVERIFY(nextEnabled());
    shot(QStringLiteral("07-attributes"));
    auto *companyMode = find<QComboBox>("ruleModeCombo_companyName");
    const int syncIndex = companyMode->currentIndex();
    companyMode->setCurrentIndex(companyMode->findData(int(Sync::AttributeRule::Static)));
    QVERIFY(!nextEnabled());
    shot(QStringLiteral("07-attributes-static-missing"));
    companyMode->setCurrentIndex(syncIndex);
    QVERIFY(nextEnabled());

    // Summary.
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId), 10000);
    shot(QStringLiteral("08-summary"));
    const QString finish = m_wizard->button(QWizard::FinishButton)->text().remove(QLatin1Char('&'));
    QVERIFY2(finish == QStringLiteral("Abschließen"), qPrintable(finish));
}

void TestTranslations::roleMissingInGerman()
{
    using Row = Ui::RegistrationPageController::Row;
    using Status = Ui::RegistrationPageController::Status;
    // A Cloud Application Administrator may create the app but not grant its application permissions.
    m_adminUpn = Sandbox::TenantState::demoCloudApplicationAdminUpn;
    makeWizard();
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::RegistrationPageId));
    find<QAbstractButton>("automaticRegistrationRadio")->click();
    QVERIFY(fitsItsText("registerButton"));
    QVERIFY(fitsItsText("deviceCodeButton"));
    QCOMPARE(find<QAbstractButton>("deviceCodeButton")->text(), QStringLiteral("Mit Gerätecode anmelden"));
    auto *controller = m_wizard->registrationController();
    click("registerButton");
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), 30000);

    // The banner says in German who may grant, with Microsoft's German role names.
    QCOMPARE(controller->steps().at(Row::CheckRolesRow).status, Status::Failed);
    const QString banner = bannerText("registrationPage");
    for (const char *part : {"Administrator für privilegierte Rollen oder ein Globaler Administrator",
                             "Anwendungsadministratoren und Cloudanwendungsadministratoren",
                             "Es wurde nichts erstellt.",
                             "Privileged Identity Management"}) {
        QVERIFY2(banner.contains(QString::fromUtf8(part)), qPrintable(banner));
    }
    QVERIFY2(
        banner.contains(QLatin1String(" nicht erteilen. Aktive Rollen Ihres Kontos: Cloud Application Administrator. "
                                      "Es wurde nichts erstellt.")),
        qPrintable(banner));
    QVERIFY(!banner.contains(QLatin1String("Administrator who")));
    QCOMPARE(stepText(Row::SignInRow), QStringLiteral("Als Administrator anmelden – erledigt"));
    QCOMPARE(stepText(Row::CheckRolesRow), QStringLiteral("Ihre Administratorrollen prüfen – fehlgeschlagen"));
    QCOMPARE(find<QAbstractButton>("registerButton")->text(), QStringLiteral("Erneut versuchen"));
    QVERIFY(fitsItsText("registerButton"));
    QVERIFY(fitsItsText("deviceCodeButton"));
    QVERIFY(!nextEnabled());
    QVERIFY2(keepsItsSize(), qPrintable(QStringLiteral("%1×%2").arg(m_wizard->width()).arg(m_wizard->height())));
    shot(QStringLiteral("02-registration-role-missing"));
}

void TestTranslations::deviceCodeInGerman()
{
    using Row = Ui::RegistrationPageController::Row;
    m_browser = false;
    makeWizard();
    click("nextButton");
    find<QAbstractButton>("automaticRegistrationRadio")->click();
    auto *controller = m_wizard->registrationController();
    click("registerButton");
    // No browser opened: the page shows a device code and where to enter it, in German.
    QTRY_VERIFY_WITH_TIMEOUT(!controller->deviceCode().isEmpty(), 15000);
    QVERIFY(controller->isBusy());
    QCOMPARE(find<QLabel>("deviceCodeLabel")->text(), controller->deviceCode());
    const QString status = find<QLabel>("registrationStatusLabel")->text();
    QVERIFY2(status.startsWith(QStringLiteral("Öffnen Sie auf einem beliebigen Gerät mit Browser ")),
             qPrintable(status));
    QVERIFY2(status.contains(controller->deviceCodeUrl().toString()), qPrintable(status));
    QVERIFY2(status.endsWith(QLatin1String("Danach geht es hier von selbst weiter.")), qPrintable(status));
    const auto labels = find<QWidget>("deviceCodeLabel")->parentWidget()->findChildren<QLabel *>();
    const bool pageLabel = std::any_of(labels.begin(), labels.end(), [](const QLabel *label) {
        return label->text() == QStringLiteral("Anmeldeseite:");
    });
    QVERIFY(pageLabel);
    QCOMPARE(stepText(Row::SignInRow), QStringLiteral("Als Administrator anmelden – läuft …"));
    QCOMPARE(find<QAbstractButton>("copyDeviceCodeButton")->text(), QStringLiteral("Kopieren"));
    QVERIFY(fitsItsText("cancelRegistrationButton"));
    QVERIFY(fitsItsText("copyDeviceCodeButton"));
    QVERIFY2(bannerText("registrationPage").isEmpty(), qPrintable(bannerText("registrationPage")));
    QVERIFY2(keepsItsSize(), qPrintable(QStringLiteral("%1×%2").arg(m_wizard->width()).arg(m_wizard->height())));
    shot(QStringLiteral("02-registration-device-code"));

    // The administrator enters the code on another device; the page goes on by itself and says so in German.
    SignInBrowser browser;
    browser.setCaCertificates(QSslCertificate::fromPath(m_wizard->context()->sandboxServer()->caFile()));
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
    const QString registered = find<QLabel>("registrationStatusLabel")->text();
    QVERIFY2(registered.contains(QLatin1String("ist registriert (angemeldet als ")), qPrintable(registered));
    QVERIFY(nextEnabled());
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
