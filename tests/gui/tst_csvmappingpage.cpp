// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectionpage.h"
#include "csvmappingpage.h"
#include "directory/csvsource.h"
#include "directorypage.h"
#include "errorbanner.h"
#include "onboardingwizard.h"
#include "profile/memorysecretstore.h"
#include "profile/profilestore.h"
#include "translations.h"
#include "wizardcontext.h"
#include "wizarddriver.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

#include <memory>

using namespace M365;
using M365::Ui::CsvMappingPageController;
using M365::Ui::OnboardingWizard;

/*
 * The wizard's CSV columns page: its controller without a window on the files HR systems and Excel write (a German
 * export with ';' and empty unnamed columns at the end of each line, a Windows-1252 file), and the page driven by
 * objectName through the wizard in sandbox mode, to the profile saved by Finish. The page is saved as a PNG (900×640)
 * in the C locale and in German ("de-" in front of the name) under the build tree, next to tst_onboardingwizard's.
 */
class TestCsvMappingPage : public QObject, public Tests::WizardDriver
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void suggestsMappingForGermanExport();
    void editedMappingGoesToProfile();
    void windows1252NeedsConfirmation();
    void mappingProblems_data();
    void mappingProblems();
    void skippedRowsShownBeforeNext();
    void pageThroughWizard();
    void encodingConfirmedOnDirectoryPage();
    // Last: it installs the German translation for the rest of the process.
    void pageInGerman();

private:
    /// Writes @p bytes to a file named @p name in the test's folder and returns its path.
    QString writeFile(const QString &name, const QByteArray &bytes) const;
    /// The German Excel export: UTF-8 with BOM, CRLF, ';' and two empty unnamed columns at the end of every line.
    QString germanExport() const;
    /// A context whose profile names @p path as its CSV directory, as the Directory page leaves it.
    std::unique_ptr<Ui::WizardContext> csvContext(const QString &path) const;
    /// The column of the preview named @p header, or -1.
    static int columnOf(const CsvMappingPageController &controller, const QString &header);
    /// Validates and waits for the answer; returns what it was.
    static bool validateAndWait(CsvMappingPageController &controller);

    OnboardingWizard *makeWizard();
    /// Welcome (sandbox) → … → the Directory page, with every default.
    void goToDirectory();
    /// On the Directory page: a CSV file at @p path.
    void chooseCsv(const QString &path);
    OnboardingWizard *drivenWizard() const override { return m_wizard.get(); }
    void shot(const QString &name) { QVERIFY2(saveShot(m_shotPrefix + name), qPrintable(name)); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Secrets::MemorySecretStore> m_secrets;
    std::unique_ptr<OnboardingWizard> m_wizard;
    QString m_shotPrefix;
};

namespace {

const QByteArray kGermanExport = "\xEF\xBB\xBF"
                                 "Vorname;Nachname;E-Mail;Abteilung;Personalnummer;Gruppen;;\r\n"
                                 "J\xC3\xBCrgen;M\xC3\xBCller;j.mueller@example.org;Vertrieb;10001;Vertrieb|Alle;;\r\n"
                                 "Anna;\xC3\x96"
                                 "berg;a.oeberg@example.org;Einkauf;10002;Einkauf|Alle;;\r\n"
                                 "Zo\xC3\xAB;Wei\xC3\x9F;z.weiss@example.org;IT;10003;IT,Alle;;\r\n"
                                 "Ludwig;Sch\xC3\xA4"
                                 "fer;l.schaefer@example.org;IT;10004;IT;;\r\n";

} // namespace

void TestCsvMappingPage::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QDir().mkpath(QStringLiteral(M365_BINARY_DIR "/screenshots"));
}

void TestCsvMappingPage::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_secrets = std::make_unique<Secrets::MemorySecretStore>();
}

void TestCsvMappingPage::cleanup()
{
    m_wizard.reset();
    m_secrets.reset();
    m_dir.reset();
}

QString TestCsvMappingPage::writeFile(const QString &name, const QByteArray &bytes) const
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        qWarning("cannot write %s", qPrintable(path));
    }
    return path;
}

QString TestCsvMappingPage::germanExport() const
{
    return writeFile(QStringLiteral("mitarbeiter.csv"), kGermanExport);
}

std::unique_ptr<Ui::WizardContext> TestCsvMappingPage::csvContext(const QString &path) const
{
    Ui::WizardContext::Options options;
    options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    auto context = std::make_unique<Ui::WizardContext>(options);
    context->profile.directory =
        QJsonObject{{QStringLiteral("type"), QStringLiteral("csv")}, {QStringLiteral("path"), path}};
    return context;
}

int TestCsvMappingPage::columnOf(const CsvMappingPageController &controller, const QString &header)
{
    for (int i = 0; i < controller.columns().size(); ++i) {
        if (controller.columns().at(i).header == header) {
            return i;
        }
    }
    return -1;
}

bool TestCsvMappingPage::validateAndWait(CsvMappingPageController &controller)
{
    QSignalSpy validated(&controller, &Ui::PageController::validated);
    controller.validate();
    if (validated.isEmpty() && !validated.wait(10000)) {
        qWarning("no answer from the validation");
        return false;
    }
    return validated.constFirst().at(0).toBool();
}

void TestCsvMappingPage::suggestsMappingForGermanExport()
{
    const auto context = csvContext(germanExport());
    CsvMappingPageController controller(context.get());
    controller.initialize();
    QVERIFY2(controller.hasPreview(), qPrintable(controller.errorText()));
    QCOMPARE(controller.separator(), ';');
    QCOMPARE(controller.encodingName(), QStringLiteral("UTF-8 with BOM"));
    QVERIFY(!controller.needsEncodingConfirmation());

    // The empty unnamed columns at the end of every line are not offered.
    QStringList headers;
    for (const CsvMappingPageController::Column &column : controller.columns()) {
        headers.append(column.header);
        QVERIFY(column.usable);
    }
    QCOMPARE(headers,
             QStringList({QStringLiteral("Vorname"),
                          QStringLiteral("Nachname"),
                          QStringLiteral("E-Mail"),
                          QStringLiteral("Abteilung"),
                          QStringLiteral("Personalnummer"),
                          QStringLiteral("Gruppen")}));
    QCOMPARE(controller.columns().at(1).samples,
             QStringList({QStringLiteral("Müller"), QStringLiteral("Öberg"), QStringLiteral("Weiß")}));

    // The suggestion: each German header becomes its attribute; the personnel number is the key.
    QStringList attributes;
    for (int i = 0; i < controller.columns().size(); ++i) {
        attributes.append(controller.attributeOf(i));
    }
    QCOMPARE(attributes,
             QStringList({QStringLiteral("givenName"),
                          QStringLiteral("sn"),
                          QStringLiteral("mail"),
                          QStringLiteral("department"),
                          QStringLiteral("employeeID"),
                          QStringLiteral("memberOf")}));
    QCOMPARE(controller.mapping().keyColumn, QStringLiteral("Personalnummer"));
    QVERIFY(controller.isKey(4));
    QVERIFY(controller.problems().isEmpty());
    QVERIFY(controller.errorText().isEmpty());
    QVERIFY(controller.isInputComplete());
    // First and last name make the display name; without any name column that is said, but it does not block.
    QVERIFY(controller.warnings().isEmpty());
    controller.setAttribute(0, QString());
    controller.setAttribute(1, QString());
    QCOMPARE(controller.warnings().size(), 1);
    QVERIFY(controller.warnings().first().contains(QLatin1String("displayName")));
    controller.setAttribute(0, QStringLiteral("givenName"));
    controller.setAttribute(1, QStringLiteral("sn"));
    QVERIFY(controller.warnings().isEmpty());

    // Next reads the whole file with it: four people, four groups from the Gruppen column, nothing skipped.
    QVERIFY(validateAndWait(controller));
    QCOMPARE(controller.results().userCount, 4);
    QCOMPARE(controller.results().groupCount, 4);
    QCOMPARE(controller.results().problemCount, 0);
    QCOMPARE(context->directorySamples.size(), 4);
    QCOMPARE(context->directorySamples.first().anchor, QStringLiteral("10001"));
    QCOMPARE(context->directorySamples.first().value(QStringLiteral("sn")), QStringLiteral("Müller"));

    // The profile's directory object keeps its type and path and gains the mapping, which reads back the same.
    const QJsonObject directory = context->profile.directory;
    QCOMPARE(directory.value(QLatin1String("type")).toString(), QStringLiteral("csv"));
    QCOMPARE(directory.value(QLatin1String("path")).toString(), controller.path());
    const QJsonObject mapping = directory.value(QLatin1String("mapping")).toObject();
    QCOMPARE(mapping.value(QLatin1String("key")).toString(), QStringLiteral("Personalnummer"));
    QCOMPARE(mapping.value(QLatin1String("columns")).toObject().value(QLatin1String("Gruppen")).toString(),
             QStringLiteral("memberOf"));
    const auto options = Directory::CsvOptions::fromJson(directory);
    QVERIFY2(options.ok(), qPrintable(options.error.userMessage));
    QVERIFY(options.value.mapping == controller.mapping());
}

void TestCsvMappingPage::editedMappingGoesToProfile()
{
    const auto context = csvContext(germanExport());
    Ui::DirectoryPageController directory(context.get());
    Ui::DirectoryPageController::Settings settings;
    settings.type = Ui::DirectoryPageController::Type::CsvFile;
    settings.path = context->profile.directory.value(QLatin1String("path")).toString();
    directory.setSettings(settings);
    CsvMappingPageController controller(context.get());
    controller.initialize();
    QVERIFY(controller.hasPreview());
    QVERIFY(validateAndWait(controller));
    const QJsonObject before = context->profile.directory;

    // The department is not wanted, the e-mail address becomes the key and every row needs a last name.
    const int department = columnOf(controller, QStringLiteral("Abteilung"));
    controller.setAttribute(department, QString());
    controller.setKeyColumn(columnOf(controller, QStringLiteral("E-Mail")));
    controller.setRequired(columnOf(controller, QStringLiteral("Nachname")), true);
    QVERIFY(!controller.isVerified());
    QVERIFY(!controller.hasResults());
    QVERIFY(validateAndWait(controller));
    const QJsonObject after = context->profile.directory;
    QVERIFY(after != before);
    const QJsonObject mapping = after.value(QLatin1String("mapping")).toObject();
    QCOMPARE(mapping.value(QLatin1String("columns")).toObject().value(QLatin1String("Abteilung")).toString(),
             QString());
    QCOMPARE(mapping.value(QLatin1String("key")).toString(), QStringLiteral("E-Mail"));
    QCOMPARE(mapping.value(QLatin1String("required")).toArray(), QJsonArray({QStringLiteral("Nachname")}));
    // The key anchors the users now: their e-mail addresses.
    QCOMPARE(context->directorySamples.first().anchor, QStringLiteral("j.mueller@example.org"));
    QVERIFY(!context->directorySamples.first().hasAttribute(QStringLiteral("department")));

    // The Directory page's test and its profile object use the same options.
    QCOMPARE(directory.toJson().value(QLatin1String("mapping")).toObject(), mapping);

    // A typed attribute is taken as it is; a label from the list means its attribute.
    QCOMPARE(CsvMappingPageController::attributeFromText(QStringLiteral(" costCenter ")), QStringLiteral("costCenter"));
    QCOMPARE(CsvMappingPageController::attributeFromText(
                 CsvMappingPageController::attributeLabel(QStringLiteral("physicalDeliveryOfficeName"))),
             QStringLiteral("physicalDeliveryOfficeName"));
    QCOMPARE(CsvMappingPageController::attributeFromText(QStringLiteral("Büro (physicalDeliveryOfficeName)")),
             QStringLiteral("physicalDeliveryOfficeName"));
    QCOMPARE(CsvMappingPageController::attributeFromText(QStringLiteral("GIVENNAME")), QStringLiteral("givenName"));
    QCOMPARE(CsvMappingPageController::attributeFromText(CsvMappingPageController::attributeLabel(QString())),
             QString());
    controller.setAttribute(department, QStringLiteral("displayName"));
    QVERIFY(controller.warnings().isEmpty());
    controller.setAttribute(department, CsvMappingPageController::attributeFromText(QStringLiteral("costCenter")));
    QVERIFY(validateAndWait(controller));
    QCOMPARE(context->profile.directory.value(QLatin1String("mapping"))
                 .toObject()
                 .value(QLatin1String("columns"))
                 .toObject()
                 .value(QLatin1String("Abteilung"))
                 .toString(),
             QStringLiteral("costCenter"));

    // Another file starts afresh: its encoding and columns are not known yet.
    settings.path = writeFile(QStringLiteral("other.csv"), "uid,mail\njdoe,jdoe@example.org\n");
    directory.setSettings(settings);
    QVERIFY(context->csvOptions.mapping.isEmpty());
    QCOMPARE(context->csvOptions.encoding, Directory::TextEncoding::Auto);
}

void TestCsvMappingPage::windows1252NeedsConfirmation()
{
    // What older Excel versions save as "CSV (separated by semicolons)" on a German Windows.
    const QString path = writeFile(QStringLiteral("personal.csv"),
                                   "Vorname;Nachname;Personalnummer\r\n"
                                   "J\xFCrgen;M\xFCller;10001\r\n"
                                   "Anna;\xD6"
                                   "berg;10002\r\n");
    const auto context = csvContext(path);

    // The Directory page's test stops and asks.
    Ui::DirectoryPageController directory(context.get());
    Ui::DirectoryPageController::Settings settings;
    settings.type = Ui::DirectoryPageController::Type::CsvFile;
    settings.path = path;
    directory.setSettings(settings);
    directory.test();
    QTRY_VERIFY_WITH_TIMEOUT(!directory.isBusy(), 10000);
    QVERIFY(directory.needsEncodingConfirmation());
    QVERIFY2(directory.errorText().contains(QLatin1String("UTF-8")), qPrintable(directory.errorText()));
    QVERIFY(!directory.isInputComplete());
    QVERIFY(!directory.hasResults());

    // So does the CSV columns page: nothing is shown as mojibake.
    CsvMappingPageController controller(context.get());
    controller.initialize();
    QVERIFY(!controller.hasPreview());
    QVERIFY(controller.needsEncodingConfirmation());
    QVERIFY(!controller.errorText().isEmpty());
    QVERIFY(!controller.isInputComplete());
    QVERIFY(!validateAndWait(controller));

    // The admin confirms: "Müller" reads as it should, on both pages.
    directory.readAsWindows1252();
    QTRY_VERIFY_WITH_TIMEOUT(directory.hasResults(), 10000);
    QVERIFY(!directory.needsEncodingConfirmation());
    QVERIFY(directory.isInputComplete());
    QCOMPARE(directory.results().userCount, 2);
    QCOMPARE(context->csvOptions.encoding, Directory::TextEncoding::Windows1252);
    QCOMPARE(directory.toJson().value(QLatin1String("encoding")).toString(), QStringLiteral("windows-1252"));

    controller.readAsWindows1252();
    QVERIFY2(controller.hasPreview(), qPrintable(controller.errorText()));
    QVERIFY(!controller.needsEncodingConfirmation());
    QVERIFY(controller.errorText().isEmpty());
    QCOMPARE(controller.encodingName(), QStringLiteral("Windows-1252"));
    QCOMPARE(controller.columns().at(1).samples, QStringList({QStringLiteral("Müller"), QStringLiteral("Öberg")}));
    QVERIFY(validateAndWait(controller));
    QCOMPARE(context->directorySamples.first().value(QStringLiteral("sn")), QStringLiteral("Müller"));
    QCOMPARE(context->directorySamples.first().value(QStringLiteral("givenName")), QStringLiteral("Jürgen"));
    QCOMPARE(context->profile.directory.value(QLatin1String("encoding")).toString(), QStringLiteral("windows-1252"));
}

void TestCsvMappingPage::mappingProblems_data()
{
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("attribute");
    QTest::addColumn<QString>("key"); // empty: the suggested key
    QTest::addColumn<QString>("problem"); // a part of the message; empty when the mapping is fine

    QTest::newRow("suggested") << QString() << QString() << QString() << QString();
    QTest::newRow("duplicate") << QStringLiteral("Vorname") << QStringLiteral("sn") << QString()
                               << QStringLiteral("\"Vorname\" and \"Nachname\" are both mapped to sn");
    QTest::newRow("duplicate in other case")
        << QStringLiteral("Abteilung") << QStringLiteral("MAIL") << QString() << QStringLiteral("both mapped to MAIL");
    QTest::newRow("two ignored columns") << QStringLiteral("Abteilung") << QString() << QString() << QString();
    QTest::newRow("not an attribute") << QStringLiteral("Abteilung") << QStringLiteral("Kosten stelle") << QString()
                                      << QStringLiteral("is not an attribute name");
    QTest::newRow("umlaut") << QStringLiteral("Abteilung") << QStringLiteral("bereichsleitungsfähig") << QString()
                            << QStringLiteral("is not an attribute name");
    QTest::newRow("custom attribute") << QStringLiteral("Abteilung") << QStringLiteral("costCenter") << QString()
                                      << QString();
    QTest::newRow("key ignored") << QStringLiteral("Personalnummer") << QString() << QString()
                                 << QStringLiteral("The key column \"Personalnummer\" is ignored");
    QTest::newRow("key lists groups") << QString() << QString() << QStringLiteral("Gruppen")
                                      << QStringLiteral("lists groups");
    QTest::newRow("other key") << QString() << QString() << QStringLiteral("E-Mail") << QString();
}

void TestCsvMappingPage::mappingProblems()
{
    QFETCH(QString, column);
    QFETCH(QString, attribute);
    QFETCH(QString, key);
    QFETCH(QString, problem);

    const auto context = csvContext(germanExport());
    CsvMappingPageController controller(context.get());
    controller.initialize();
    QVERIFY(controller.isInputComplete());
    if (!column.isEmpty()) {
        controller.setAttribute(columnOf(controller, column), attribute);
    }
    if (!key.isEmpty()) {
        controller.setKeyColumn(columnOf(controller, key));
    }
    QCOMPARE(controller.isInputComplete(), problem.isEmpty());
    // Said as soon as it is wrong, in the page's banner.
    if (problem.isEmpty()) {
        QVERIFY2(controller.errorText().isEmpty(), qPrintable(controller.errorText()));
    } else {
        QVERIFY2(controller.errorText().contains(problem), qPrintable(controller.errorText()));
    }
    const QJsonObject before = context->profile.directory;
    QCOMPARE(validateAndWait(controller), problem.isEmpty());
    QCOMPARE(context->profile.directory.contains(QLatin1String("mapping")), problem.isEmpty());
    if (!problem.isEmpty()) {
        QCOMPARE(context->profile.directory, before);
    }
}

void TestCsvMappingPage::skippedRowsShownBeforeNext()
{
    // One person without a personnel number, one line cut short, one stray quote: three rows skipped.
    QByteArray bytes = kGermanExport;
    bytes += "Max;Mustermann;m.mustermann@example.org;Vertrieb;;Alle;;\r\n"
             "Erika;Musterfrau;e.musterfrau@example.org\r\n"
             "\"Hans;Wurst;h.wurst@example.org;IT;10007;IT;;\r\n"
             "Eva;Lang;e.lang@example.org;IT;10008;IT;;\r\n"
             "Otto;Kurz;o.kurz@example.org;IT;10009;IT;;\r\n";
    for (int i = 0; i < 3; ++i) {
        bytes += "Ohne;Nummer" + QByteArray::number(i) + ";x" + QByteArray::number(i) + "@example.org;IT;;IT;;\r\n";
    }
    const auto context = csvContext(writeFile(QStringLiteral("hr.csv"), bytes));
    CsvMappingPageController controller(context.get());
    controller.initialize();
    QVERIFY(controller.isInputComplete());

    // Next reads the file, stays and lists the first five problems with file and line.
    QVERIFY(!validateAndWait(controller));
    QVERIFY(controller.hasResults());
    QVERIFY2(controller.errorText().isEmpty(), qPrintable(controller.errorText()));
    const CsvMappingPageController::Results results = controller.results();
    QVERIFY2(results.userCount >= 6, qPrintable(QString::number(results.userCount)));
    QVERIFY2(results.problemCount >= 5, qPrintable(results.problems.join(QLatin1Char('\n'))));
    QCOMPARE(results.problems.size(), CsvMappingPageController::MaxProblemsShown);
    QVERIFY2(results.problems.first().startsWith(QLatin1String("hr.csv, line 6")),
             qPrintable(results.problems.first()));
    QVERIFY(!context->profile.directory.contains(QLatin1String("mapping")));

    // Next again goes on without them.
    QVERIFY(validateAndWait(controller));
    QVERIFY(context->profile.directory.contains(QLatin1String("mapping")));

    // A key that no row has: no user at all, and the page says so.
    const QByteArray empty = "Vorname;Nachname;Personalnummer\nJ\xC3\xBCrgen;M\xC3\xBCller;\n";
    const auto emptyContext = csvContext(writeFile(QStringLiteral("empty.csv"), empty));
    CsvMappingPageController emptyKeys(emptyContext.get());
    emptyKeys.initialize();
    QVERIFY(emptyKeys.isInputComplete());
    QVERIFY(!validateAndWait(emptyKeys));
    QCOMPARE(emptyKeys.results().userCount, 0);
    QVERIFY2(emptyKeys.errorText().contains(QLatin1String("No row")), qPrintable(emptyKeys.errorText()));
    QVERIFY(!validateAndWait(emptyKeys));
}

OnboardingWizard *TestCsvMappingPage::makeWizard()
{
    Ui::WizardContext::Options options;
    options.secrets = m_secrets.get();
    options.profileDirectory = m_dir->filePath(QStringLiteral("profiles"));
    options.dataDirectory = m_dir->filePath(QStringLiteral("data"));
    m_wizard = std::make_unique<OnboardingWizard>(options);
    m_wizard->resize(900, 640);
    m_wizard->show();
    return m_wizard.get();
}

void TestCsvMappingPage::goToDirectory()
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
}

void TestCsvMappingPage::chooseCsv(const QString &path)
{
    auto *type = find<QComboBox>("sourceTypeCombo");
    type->setCurrentIndex(type->findData(int(Ui::DirectoryPageController::Type::CsvFile)));
    auto *edit = find<QLineEdit>("directoryPathEdit");
    edit->selectAll();
    QTest::keyClicks(edit, path);
    QCOMPARE(m_wizard->directoryController()->settings().path, path);
}

void TestCsvMappingPage::pageThroughWizard()
{
    QByteArray bytes = kGermanExport;
    bytes += "Max;Mustermann;m.mustermann@example.org;Vertrieb;;Alle;;\r\n";
    const QString path = writeFile(QStringLiteral("mitarbeiter.csv"), bytes);
    goToDirectory();
    chooseCsv(path);
    QVERIFY(find<QLabel>("csvHintLabel")->isVisible());
    click("testDirectoryButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->directoryController()->hasResults(), 10000);
    QCOMPARE(m_wizard->directoryController()->results().userCount, 4);
    QVERIFY(!find<QWidget>("convertEncodingButton")->isVisible());
    shot(QStringLiteral("06-directory-csv"));

    // Next: the CSV columns, as suggested for the German headers.
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::CsvColumnsPageId), 10000);
    auto *table = find<QTableWidget>("csvColumnsTable");
    QCOMPARE(table->rowCount(), 6);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("Vorname"));
    QCOMPARE(table->item(1, 1)->text(), QStringLiteral("Müller, Öberg, Weiß"));
    QCOMPARE(find<QComboBox>("csvAttributeCombo_0")->currentText(), QStringLiteral("First name (givenName)"));
    QCOMPARE(find<QComboBox>("csvAttributeCombo_5")->currentText(), QStringLiteral("Group membership (memberOf)"));
    QVERIFY(find<QRadioButton>("csvKeyRadio_4")->isChecked());
    QVERIFY(find<QCheckBox>("csvRequiredCheck_4")->isChecked());
    QVERIFY(!find<QCheckBox>("csvRequiredCheck_4")->isEnabled());
    const QString info = find<QLabel>("csvFileInfoLabel")->text();
    QVERIFY2(info.contains(QLatin1String("UTF-8 with BOM")) && info.contains(QLatin1String("semicolon")),
             qPrintable(info));
    QVERIFY(find<QLabel>("csvKeyHint")->text().contains(QLatin1String("onPremisesImmutableId")));
    QVERIFY(!find<QListWidget>("csvProblemsList")->isVisible());
    QVERIFY(!find<QLabel>("csvWarningLabel")->isVisible()); // first and last name make the display name
    QVERIFY(nextEnabled());
    shot(QStringLiteral("06b-csv-columns"));

    // Two columns for one attribute: said on the page, Next blocked until one of them is changed.
    auto *first = find<QComboBox>("csvAttributeCombo_0");
    first->setCurrentIndex(first->findData(QStringLiteral("sn")));
    QVERIFY(!nextEnabled());
    QVERIFY2(bannerText("csvColumnsPage").contains(QLatin1String("both mapped to sn")),
             qPrintable(bannerText("csvColumnsPage")));
    QVERIFY(!find<QAbstractButton>("csvTestButton")->isEnabled());
    shot(QStringLiteral("06b-csv-columns-duplicate"));
    first->setCurrentIndex(first->findData(QStringLiteral("givenName")));
    QVERIFY(nextEnabled());
    QVERIFY(bannerText("csvColumnsPage").isEmpty());

    // An attribute typed by hand; the department becomes the office.
    auto *department = find<QComboBox>("csvAttributeCombo_3");
    department->lineEdit()->selectAll();
    QTest::keyClicks(department->lineEdit(), QStringLiteral("physicalDeliveryOfficeName"));
    QCOMPARE(m_wizard->csvMappingController()->attributeOf(3), QStringLiteral("physicalDeliveryOfficeName"));
    QVERIFY(nextEnabled());
    // Once typed, it is shown with its label.
    QTest::keyClick(department->lineEdit(), Qt::Key_Return);
    QCOMPARE(department->currentText(), QStringLiteral("Office (physicalDeliveryOfficeName)"));
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CsvColumnsPageId));

    // The key moves to the e-mail address; the last name becomes required.
    QTest::mouseClick(find<QRadioButton>("csvKeyRadio_2"), Qt::LeftButton);
    QVERIFY(!find<QRadioButton>("csvKeyRadio_4")->isChecked());
    QCOMPARE(m_wizard->csvMappingController()->mapping().keyColumn, QStringLiteral("E-Mail"));
    QVERIFY(find<QCheckBox>("csvRequiredCheck_4")->isEnabled());
    find<QCheckBox>("csvRequiredCheck_1")->click();
    QVERIFY(m_wizard->csvMappingController()->isRequired(1));

    // Test: five people, the first problems listed.
    click("csvTestButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->csvMappingController()->hasResults(), 10000);
    QVERIFY2(find<QLabel>("csvResultLabel")->text().startsWith(QLatin1String("Users: 5, groups: 4.")),
             qPrintable(find<QLabel>("csvResultLabel")->text()));
    QVERIFY(bannerText("csvColumnsPage").isEmpty());
    // With the e-mail address as the key, every row has one: nothing is skipped.
    QVERIFY(!find<QListWidget>("csvProblemsList")->isVisible());

    // Back to the personnel number: Max has none, so his row is listed, and Next first stays to show it.
    QTest::mouseClick(find<QRadioButton>("csvKeyRadio_4"), Qt::LeftButton);
    QVERIFY(!m_wizard->csvMappingController()->hasResults());
    click("nextButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->csvMappingController()->hasResults(), 10000);
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CsvColumnsPageId));
    auto *problems = find<QListWidget>("csvProblemsList");
    QVERIFY(problems->isVisible());
    QCOMPARE(problems->count(), 1);
    QVERIFY2(problems->item(0)->text().startsWith(QLatin1String("mitarbeiter.csv, line 6")),
             qPrintable(problems->item(0)->text()));
    QVERIFY2(find<QLabel>("csvResultLabel")->text().contains(QLatin1String("Rows skipped and not synchronized: 1.")),
             qPrintable(find<QLabel>("csvResultLabel")->text()));
    QVERIFY(nextEnabled());
    shot(QStringLiteral("06b-csv-columns-tested"));

    // Next again: the Attributes page, with the people as the mapping makes them.
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    QCOMPARE(m_wizard->context()->directorySamples.first().value(QStringLiteral("physicalDeliveryOfficeName")),
             QStringLiteral("Vertrieb"));
    // The file has no uid: user names are made from the names the mapping has.
    QCOMPARE(find<QLineEdit>("upnRuleEdit")->text(), QStringLiteral("{givenName}.{sn}@{domain}"));

    // Back skips nothing; an LDIF file skips the CSV columns.
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CsvColumnsPageId));
    QVERIFY(find<QRadioButton>("csvKeyRadio_4")->isChecked());
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    auto *type = find<QComboBox>("sourceTypeCombo");
    type->setCurrentIndex(type->findData(int(Ui::DirectoryPageController::Type::LdifFile)));
    find<QLineEdit>("directoryPathEdit")->setText(m_wizard->context()->sampleDirectoryPath());
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));

    // The CSV file again: its columns start from the suggestion, edited as before, then Finish.
    chooseCsv(path);
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::CsvColumnsPageId), 10000);
    QCOMPARE(find<QComboBox>("csvAttributeCombo_3")->currentText(), QStringLiteral("Department (department)"));
    QVERIFY(find<QRadioButton>("csvKeyRadio_4")->isChecked());
    department = find<QComboBox>("csvAttributeCombo_3");
    department->setCurrentIndex(department->findData(QStringLiteral("physicalDeliveryOfficeName")));
    find<QCheckBox>("csvRequiredCheck_1")->click();
    click("nextButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->csvMappingController()->hasResults(), 10000);
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::AttributesPageId), 10000);
    click("nextButton");
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::SummaryPageId));
    QSignalSpy accepted(m_wizard.get(), &QWizard::accepted);
    click("finishButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);

    // The saved profile reads the file with the mapping on every run.
    M365::Error error;
    const auto profile =
        Profile::ProfileStore(m_dir->filePath(QStringLiteral("profiles"))).load(QStringLiteral("sandbox"), &error);
    QVERIFY2(profile, qPrintable(error.userMessage));
    QCOMPARE(profile->directory.value(QLatin1String("type")).toString(), QStringLiteral("csv"));
    QCOMPARE(profile->directory.value(QLatin1String("path")).toString(), path);
    const auto options = Directory::CsvOptions::fromJson(profile->directory);
    QVERIFY2(options.ok(), qPrintable(options.error.userMessage));
    const Directory::CsvMapping &mapping = options.value.mapping;
    QCOMPARE(mapping.keyColumn, QStringLiteral("Personalnummer"));
    QCOMPARE(mapping.requiredColumns, QStringList({QStringLiteral("Nachname")}));
    QCOMPARE(mapping.attributeFor(QStringLiteral("Vorname")), QStringLiteral("givenName"));
    QCOMPARE(mapping.attributeFor(QStringLiteral("Abteilung")), QStringLiteral("physicalDeliveryOfficeName"));
    QCOMPARE(mapping.attributeFor(QStringLiteral("Gruppen")), QStringLiteral("memberOf"));
    QCOMPARE(options.value.encoding, Directory::TextEncoding::Auto);
}

void TestCsvMappingPage::encodingConfirmedOnDirectoryPage()
{
    const QString path = writeFile(QStringLiteral("personal.csv"),
                                   "Vorname;Nachname;Personalnummer;Abteilung\r\n"
                                   "J\xFCrgen;M\xFCller;10001;Vertrieb\r\n"
                                   "Anna;\xD6"
                                   "berg;10002;Einkauf\r\n");
    goToDirectory();
    chooseCsv(path);
    auto *convert = find<QAbstractButton>("convertEncodingButton");
    QVERIFY(!convert->isVisible());

    // Next reads the file and stops: the message and the button that converts.
    click("nextButton");
    QTRY_VERIFY_WITH_TIMEOUT(!bannerText("directoryPage").isEmpty(), 10000);
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::DirectoryPageId));
    QVERIFY2(bannerText("directoryPage").contains(QLatin1String("Windows-1252")),
             qPrintable(bannerText("directoryPage")));
    QVERIFY(convert->isVisible());
    QVERIFY(!nextEnabled());
    shot(QStringLiteral("06-directory-csv-encoding"));

    click("convertEncodingButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->directoryController()->hasResults(), 10000);
    QVERIFY(!convert->isVisible());
    QVERIFY(bannerText("directoryPage").isEmpty());
    QVERIFY(nextEnabled());
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::CsvColumnsPageId), 10000);
    QVERIFY2(find<QLabel>("csvFileInfoLabel")->text().contains(QLatin1String("Windows-1252")),
             qPrintable(find<QLabel>("csvFileInfoLabel")->text()));
    QCOMPARE(find<QTableWidget>("csvColumnsTable")->item(1, 1)->text(), QStringLiteral("Müller, Öberg"));
    QVERIFY(!find<QWidget>("csvConvertEncodingButton")->isVisible());
    shot(QStringLiteral("06b-csv-columns-windows-1252"));
}

void TestCsvMappingPage::pageInGerman()
{
    const QLocale german(QLocale::German, QLocale::Germany);
    QLocale::setDefault(german);
    QVERIFY(Ui::installTranslations(german, QStringLiteral(M365_QM_DIR)));
    m_shotPrefix = QStringLiteral("de-");
    QByteArray bytes = kGermanExport;
    bytes += "Max;Mustermann;m.mustermann@example.org;Vertrieb;;Alle;;\r\n";
    const QString path = writeFile(QStringLiteral("mitarbeiter.csv"), bytes);
    goToDirectory();
    chooseCsv(path);
    click("nextButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::CsvColumnsPageId), 10000);

    const auto translated = [](const char *context, const char *text) {
        return QCoreApplication::translate(context, text);
    };
    QCOMPARE(m_wizard->currentPage()->title(), translated("M365::Ui::CsvMappingPage", "CSV columns"));
    QVERIFY(m_wizard->currentPage()->title() != QLatin1String("CSV columns"));
    QCOMPARE(find<QComboBox>("csvAttributeCombo_0")->currentText(),
             translated("M365::Ui::CsvMappingPageController", "First name (givenName)"));
    QVERIFY(find<QComboBox>("csvAttributeCombo_0")->currentText() != QLatin1String("First name (givenName)"));
    QVERIFY(find<QRadioButton>("csvKeyRadio_4")->isChecked());
    shot(QStringLiteral("06b-csv-columns"));

    auto *first = find<QComboBox>("csvAttributeCombo_0");
    first->setCurrentIndex(first->findData(QStringLiteral("sn")));
    QVERIFY(!nextEnabled());
    QVERIFY(!bannerText("csvColumnsPage").isEmpty());
    shot(QStringLiteral("06b-csv-columns-duplicate"));
    first->setCurrentIndex(first->findData(QStringLiteral("givenName")));
    QVERIFY(nextEnabled());

    click("nextButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->csvMappingController()->hasResults(), 10000);
    QCOMPARE(find<QListWidget>("csvProblemsList")->count(), 1);
    shot(QStringLiteral("06b-csv-columns-tested"));

    // The translators go again, so that nothing after this test is German by accident.
    m_wizard.reset();
    for (QTranslator *translator : QCoreApplication::instance()->findChildren<QTranslator *>()) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
    QLocale::setDefault(QLocale::c());
    m_shotPrefix.clear();
}

QTEST_MAIN(TestCsvMappingPage)
#include "tst_csvmappingpage.moc"
