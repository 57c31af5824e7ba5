// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "../integration/signinbrowser.h"
#include "connectionpage.h"
#include "directorypage.h"
#include "domainpage.h"
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
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QXmlStreamReader>

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

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Secrets::MemorySecretStore> m_secrets;
    std::unique_ptr<OnboardingWizard> m_wizard;
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
}

void TestTranslations::shot(const QString &name)
{
    QCoreApplication::processEvents();
    const QString path = QStringLiteral(M365_BINARY_DIR "/screenshots/de-") + name + QStringLiteral(".png");
    QVERIFY2(m_wizard->grab().save(path), qPrintable(path));
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
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_secrets = std::make_unique<Secrets::MemorySecretStore>();
    Ui::WizardContext::Options options;
    options.secrets = m_secrets.get();
    options.profileDirectory = m_dir->filePath(QStringLiteral("profiles"));
    options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    // The administrator's browser for the automatic registration: signs in on the sandbox's page.
    options.browserOpener = [this](const QUrl &url) {
        QTimer::singleShot(0, this, [this, url] {
            if (!m_wizard || !m_wizard->context()->sandboxServer()) {
                return;
            }
            SignInBrowser browser;
            browser.setCaCertificates(QSslCertificate::fromPath(m_wizard->context()->sandboxServer()->caFile()));
            const SignInBrowser::Page page =
                browser.signIn(url, Sandbox::TenantState::demoAdminUpn, Sandbox::TenantState::demoAdminPassword);
            if (page.status == 302) {
                browser.get(page.location);
            }
        });
    };
    m_wizard = std::make_unique<OnboardingWizard>(options);
    m_wizard->resize(900, 640);
    m_wizard->show();

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

    // Domain: the default, then the unverified example.org with its TXT record.
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DomainPageId));
    shot(QStringLiteral("05-domain"));
    auto *domains = find<QTreeWidget>("domainsList");
    const auto items = domains->findItems(QStringLiteral("example.org"), Qt::MatchExactly);
    if (!items.isEmpty()) {
        domains->setCurrentItem(items.first());
        click("checkDnsButton");
        QTRY_VERIFY_WITH_TIMEOUT(!m_wizard->domainController()->isBusy(), 10000);
        shot(QStringLiteral("05-domain-txt-missing"));
        // Back to the initial domain, which may be used with a warning.
        const auto initial = domains->findItems(QStringLiteral("onmicrosoft.com"), Qt::MatchEndsWith);
        QVERIFY(!initial.isEmpty());
        domains->setCurrentItem(initial.first());
    }
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

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
