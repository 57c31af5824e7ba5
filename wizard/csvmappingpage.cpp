// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvmappingpage.h"

#include "directory/directoryjob.h"
#include "errorbanner.h"
#include "wizardcontext.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace M365::Ui {

namespace {

struct AttributeLabel
{
    const char *attribute;
    const char *label;
};

// The attributes of CsvMapping::knownAttributes() as an admin knows them; the attribute stays in the label, because
// the Attributes page and the profile name it.
const AttributeLabel kLabels[] = {
    {"givenName", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "First name (givenName)")},
    {"sn", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Last name (sn)")},
    {"displayName", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Display name (displayName)")},
    {"mail", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "E-mail address (mail)")},
    {"employeeID", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Employee ID (employeeID)")},
    {"uid", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "User name (uid)")},
    {"sAMAccountName", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Windows logon name (sAMAccountName)")},
    {"userPrincipalName",
     QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "User principal name (userPrincipalName)")},
    {"title", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Job title (title)")},
    {"department", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Department (department)")},
    {"company", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Company (company)")},
    {"telephoneNumber", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Phone (telephoneNumber)")},
    {"mobile", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Mobile phone (mobile)")},
    {"street", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Street (street)")},
    {"postalCode", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Postal code (postalCode)")},
    {"l", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "City (l)")},
    {"st", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "State or province (st)")},
    {"co", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Country (co)")},
    {"c", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Country code (c)")},
    {"physicalDeliveryOfficeName",
     QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Office (physicalDeliveryOfficeName)")},
    {"manager", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Manager (manager)")},
    {"employeeType", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Employee type (employeeType)")},
    {"memberOf", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Group membership (memberOf)")},
    {"dn", QT_TRANSLATE_NOOP("M365::Ui::CsvMappingPageController", "Distinguished name (dn)")},
};

QString ignoreLabel()
{
    return CsvMappingPageController::tr("(ignore)");
}

/// An attribute description LDAP accepts (RFC 4512 descr), as CsvMapping::fromJson() requires it.
bool isAttributeName(const QString &name)
{
    if (name.isEmpty() || name.at(0).unicode() >= 0x80 || !name.at(0).isLetter()) {
        return false;
    }
    for (const QChar c : name) {
        if (c.unicode() >= 0x80 || !(c.isLetterOrNumber() || c == QLatin1Char('-'))) {
            return false;
        }
    }
    return true;
}

/// Return in an attribute box confirms what was typed, rather than pressing the wizard's Next (which reads the file).
class ConfirmOnReturn : public QObject
{
public:
    ConfirmOnReturn(QObject *parent, std::function<void()> confirm)
        : QObject(parent)
        , m_confirm(std::move(confirm))
    {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const int key = static_cast<QKeyEvent *>(event)->key();
            if (key == Qt::Key_Return || key == Qt::Key_Enter) {
                m_confirm();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> m_confirm;
};

/// A checkbox or radio button, centred in a cell widget of its own.
template <class Button> Button *centredButton(QTableWidget *table, int row, int column)
{
    auto *cell = new QWidget(table);
    auto *button = new Button(cell);
    auto *layout = new QHBoxLayout(cell);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(button, 0, Qt::AlignCenter);
    table->setCellWidget(row, column, cell);
    return button;
}

} // namespace

CsvMappingPageController::~CsvMappingPageController()
{
    // A running job refers to the source; end it first.
    delete m_job.data();
}

QString CsvMappingPageController::attributeLabel(const QString &attribute)
{
    if (attribute.isEmpty()) {
        return ignoreLabel();
    }
    for (const AttributeLabel &known : kLabels) {
        if (attribute == QLatin1String(known.attribute)) {
            return tr(known.label);
        }
    }
    return attribute;
}

QString CsvMappingPageController::attributeFromText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed == ignoreLabel() || trimmed == QLatin1String("(ignore)")) {
        return {};
    }
    const QStringList known = Directory::CsvMapping::knownAttributes();
    for (const QString &attribute : known) {
        if (trimmed == attributeLabel(attribute) || trimmed.compare(attribute, Qt::CaseInsensitive) == 0) {
            return attribute;
        }
    }
    // A label in another language, or one the admin edited: the attribute in the brackets counts.
    static const QRegularExpression bracketed(QStringLiteral("\\(([^()]+)\\)$"));
    const QRegularExpressionMatch match = bracketed.match(trimmed);
    if (match.hasMatch()) {
        return attributeFromText(match.captured(1));
    }
    return trimmed;
}

QStringList CsvMappingPageController::offeredAttributes()
{
    return QStringList{QString()} + Directory::CsvMapping::knownAttributes();
}

QString CsvMappingPageController::separatorName(char separator)
{
    switch (separator) {
    case ',':
        return tr("comma (,)");
    case ';':
        return tr("semicolon (;)");
    case '\t':
        return tr("tab");
    case '|':
        return tr("vertical bar (|)");
    default:
        return QStringLiteral("\"%1\"").arg(QLatin1Char(separator));
    }
}

M365::Error CsvMappingPageController::wizardError(const QString &path, const M365::Error &error)
{
    if (Directory::DirectoryError::codeOf(error) != Directory::DirectoryError::EncodingNotConfirmed) {
        return error;
    }
    return M365::Error{error.code,
                       tr("\"%1\" is not a UTF-8 file: %2. Files from older Excel versions and from HR systems on "
                          "Windows are usually Windows-1252: choose \"Read as Windows-1252\". Otherwise save the file "
                          "as \"CSV UTF-8\" in the spreadsheet program.")
                           .arg(QFileInfo(path).fileName(), error.details),
                       error.userMessage + QLatin1Char('\n') + error.details,
                       {}};
}

const Directory::CsvMapping &CsvMappingPageController::mapping() const
{
    return context()->csvOptions.mapping;
}

Directory::CsvMapping &CsvMappingPageController::editableMapping()
{
    return context()->csvOptions.mapping;
}

void CsvMappingPageController::initialize()
{
    m_path = context()->profile.directory.value(QLatin1String("path")).toString();
    loadPreview();
}

void CsvMappingPageController::loadPreview()
{
    m_previewed = false;
    m_needsEncoding = false;
    m_columns.clear();
    m_tested = false;
    m_results = Results{};
    invalidate();
    clearError();
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(Directory::DirectoryError::make(Directory::DirectoryError::FileNotReadable,
                                                 tr("Cannot open the CSV file \"%1\": %2. Go back and check the path.")
                                                     .arg(QDir::toNativeSeparators(m_path), file.errorString()),
                                                 file.errorString()));
        Q_EMIT changed();
        return;
    }
    // The whole file: whether it is UTF-8 can only be told from all of it. HR exports are small (100,000 rows are
    // about 20 MB) and the file was just read by the Directory page's test, so it is in the page cache.
    const QByteArray bytes = file.readAll();
    const Directory::CsvPreview preview =
        Directory::CsvReader::preview(bytes, context()->csvOptions, QFileInfo(m_path).fileName());
    m_encodingName = preview.encodingName;
    if (!preview.error.isNull()) {
        m_needsEncoding =
            Directory::DirectoryError::codeOf(preview.error) == Directory::DirectoryError::EncodingNotConfirmed;
        setError(wizardError(m_path, preview.error));
        Q_EMIT changed();
        return;
    }
    m_separator = preview.separator;
    QStringList seen;
    for (int i = 0; i < preview.headers.size(); ++i) {
        Column column;
        column.header = preview.headers.at(i);
        column.samples = preview.samples.value(i);
        column.usable = !column.header.isEmpty() && !seen.contains(column.header);
        seen.append(column.header);
        m_columns.append(column);
    }
    m_previewed = true;

    Directory::CsvMapping &mapping = editableMapping();
    if (mapping.isEmpty()) {
        mapping = Directory::CsvMapping::suggest(preview.headers);
    } else {
        // A mapping made before (the Directory page's test, an earlier visit): the file may have changed since, so
        // columns it no longer has are forgotten and new ones get a suggestion.
        QHash<QString, QString> columns;
        for (const Column &column : std::as_const(m_columns)) {
            if (column.usable) {
                columns.insert(column.header,
                               mapping.columns.contains(column.header)
                                   ? mapping.columns.value(column.header)
                                   : Directory::CsvMapping::suggest({column.header}).columns.value(column.header));
            }
        }
        mapping.columns = columns;
        if (!columns.contains(mapping.keyColumn)) {
            mapping.keyColumn.clear();
        }
        mapping.requiredColumns.erase(std::remove_if(mapping.requiredColumns.begin(),
                                                     mapping.requiredColumns.end(),
                                                     [&columns](const QString &header) {
                                                         return !columns.contains(header);
                                                     }),
                                      mapping.requiredColumns.end());
    }
    edited();
}

void CsvMappingPageController::readAsWindows1252()
{
    if (isBusy()) {
        return;
    }
    context()->csvOptions.encoding = Directory::TextEncoding::Windows1252;
    loadPreview();
}

QString CsvMappingPageController::attributeOf(int column) const
{
    if (column < 0 || column >= m_columns.size() || !m_columns.at(column).usable) {
        return {};
    }
    return mapping().attributeFor(m_columns.at(column).header);
}

bool CsvMappingPageController::isKey(int column) const
{
    return column >= 0 && column < m_columns.size() && m_columns.at(column).usable
        && m_columns.at(column).header == mapping().keyColumn;
}

bool CsvMappingPageController::isRequired(int column) const
{
    return column >= 0 && column < m_columns.size() && m_columns.at(column).usable
        && mapping().requiredColumns.contains(m_columns.at(column).header);
}

void CsvMappingPageController::setAttribute(int column, const QString &attribute)
{
    if (column < 0 || column >= m_columns.size() || !m_columns.at(column).usable) {
        return;
    }
    const QString trimmed = attribute.trimmed();
    const QString header = m_columns.at(column).header;
    if (mapping().columns.contains(header) && mapping().columns.value(header) == trimmed) {
        return;
    }
    editableMapping().columns.insert(header, trimmed);
    edited();
}

void CsvMappingPageController::setKeyColumn(int column)
{
    if (column < 0 || column >= m_columns.size() || !m_columns.at(column).usable
        || mapping().keyColumn == m_columns.at(column).header) {
        return;
    }
    editableMapping().keyColumn = m_columns.at(column).header;
    edited();
}

void CsvMappingPageController::setRequired(int column, bool required)
{
    if (column < 0 || column >= m_columns.size() || !m_columns.at(column).usable || isRequired(column) == required) {
        return;
    }
    QStringList &list = editableMapping().requiredColumns;
    if (required) {
        list.append(m_columns.at(column).header);
    } else {
        list.removeAll(m_columns.at(column).header);
    }
    edited();
}

QStringList CsvMappingPageController::problems() const
{
    if (!m_previewed) {
        return {};
    }
    QStringList out;
    QHash<QString, QString> firstColumn; // lower-case attribute → header
    for (const Column &column : m_columns) {
        if (!column.usable) {
            continue;
        }
        const QString attribute = mapping().attributeFor(column.header);
        if (attribute.isEmpty()) {
            continue;
        }
        if (!isAttributeName(attribute)) {
            out.append(tr("\"%1\" (column \"%2\") is not an attribute name: use letters, digits and hyphens, starting "
                          "with a letter.")
                           .arg(attribute, column.header));
            continue;
        }
        const QString key = attribute.toLower();
        const auto first = firstColumn.constFind(key);
        if (first != firstColumn.constEnd()) {
            out.append(
                tr("The columns \"%1\" and \"%2\" are both mapped to %3. Each attribute can come from one column "
                   "only: choose %4 for one of them.")
                    .arg(*first, column.header, attribute, ignoreLabel()));
        } else {
            firstColumn.insert(key, column.header);
        }
    }
    const QString keyColumn = mapping().keyColumn;
    const QString keyAttribute = mapping().attributeFor(keyColumn);
    if (keyColumn.isEmpty()) {
        out.append(tr("Choose the key column: the one that identifies each person for good, such as the employee ID."));
    } else if (keyAttribute.isEmpty()) {
        out.append(
            tr("The key column \"%1\" is ignored. Map it to an attribute, for example employeeID.").arg(keyColumn));
    } else if (keyAttribute.compare(Directory::CsvMapping::groupsAttribute(), Qt::CaseInsensitive) == 0) {
        out.append(tr("The key column \"%1\" lists groups. Choose a column that identifies the person, such as the "
                      "employee ID.")
                       .arg(keyColumn));
    }
    return out;
}

QStringList CsvMappingPageController::warnings() const
{
    if (!m_previewed) {
        return {};
    }
    // The reader builds the common name from the given name and the surname when no column has the full name.
    for (const QString &attribute : mapping().columns) {
        for (const char *name : {"displayName", "cn", "givenName", "sn"}) {
            if (attribute.compare(QLatin1String(name), Qt::CaseInsensitive) == 0) {
                return {};
            }
        }
    }
    // Graph refuses a user without a display name, and the sync rules take it from displayName or cn.
    return {tr("No column is mapped to a name (displayName, or givenName and sn). Microsoft 365 needs a display "
               "name for every user: map the column with the full name or the first and last names.")};
}

bool CsvMappingPageController::isInputComplete() const
{
    return m_previewed && problems().isEmpty();
}

void CsvMappingPageController::edited()
{
    m_tested = false;
    m_results = Results{};
    if (m_previewed) {
        showProblems(problems());
    }
    invalidate();
    Q_EMIT changed();
}

bool CsvMappingPageController::isTestedWithCurrentOptions() const
{
    return m_tested && m_testedMapping == mapping() && m_testedEncoding == context()->csvOptions.encoding;
}

void CsvMappingPageController::test()
{
    if (isBusy() || !isInputComplete()) {
        return;
    }
    delete m_job.data();
    m_tested = false;
    m_results = Results{};
    clearError();
    setBusy(true);
    m_testedMapping = mapping();
    m_testedEncoding = context()->csvOptions.encoding;
    m_source = std::make_unique<Directory::CsvSource>(m_path, context()->csvOptions);
    Directory::DirectoryJob *job = m_source->testConnection(this);
    m_job = job;
    connect(job, &Directory::DirectoryJob::finished, this, [this, job] {
        onTested(job);
    });
    job->start();
}

void CsvMappingPageController::onTested(Directory::DirectoryJob *job)
{
    job->deleteLater();
    const bool validating = m_validating;
    m_validating = false;
    if (job->hasError()) {
        m_needsEncoding = job->directoryError() == Directory::DirectoryError::EncodingNotConfirmed;
        setError(wizardError(m_path, job->error()));
        if (validating) {
            finishValidation(false);
        } else {
            setBusy(false);
        }
        return;
    }
    const Directory::DirectorySummary summary = job->summary();
    const QList<Directory::EntryProblem> problems = job->problems();
    m_results.userCount = qMax(0, summary.userCount);
    m_results.groupCount = qMax(0, summary.groupCount);
    m_results.problemCount = int(problems.size());
    for (const Directory::EntryProblem &problem : problems) {
        if (m_results.problems.size() == MaxProblemsShown) {
            break;
        }
        m_results.problems.append(problem.toString());
    }
    m_tested = true;
    // The Attributes page shows these users as the mapping makes them.
    context()->directorySamples = summary.samples.mid(0, 5);
    if (m_results.userCount == 0) {
        setError(M365::Error{QStringLiteral("directory.csv.noUsers"),
                             tr("No row of the file became a user. The list below says why; choose the columns "
                                "again or correct the file."),
                             {},
                             {}});
    }
    if (!validating) {
        setBusy(false);
        return;
    }
    // Skipped rows are shown before the page moves on; Next again goes on without them.
    const bool ok = m_results.userCount > 0 && m_results.problemCount == 0;
    if (ok) {
        saveToProfile();
    }
    finishValidation(ok);
}

void CsvMappingPageController::validate()
{
    if (!isInputComplete()) {
        finishValidation(false);
        return;
    }
    if (isTestedWithCurrentOptions() && m_results.userCount > 0) {
        saveToProfile();
        finishValidation(true);
        return;
    }
    m_validating = true;
    test();
}

void CsvMappingPageController::saveToProfile()
{
    QJsonObject directory = context()->profile.directory;
    context()->csvOptions.writeJson(directory);
    context()->profile.directory = directory;
}

CsvMappingPage::CsvMappingPage(CsvMappingPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_fileInfo(new QLabel(this))
    , m_convertEncoding(new QPushButton(tr("Read as Windows-1252"), this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_keyGroup(new QButtonGroup(this))
    , m_keyHint(new QLabel(this))
    , m_warnings(new QLabel(this))
    , m_test(new QPushButton(tr("Test"), this))
    , m_result(new QLabel(this))
    , m_problems(new QListWidget(this))
{
    setTitle(tr("CSV columns"));
    setSubTitle(tr("Which column of the file becomes which directory attribute, and which column identifies a "
                   "person."));
    m_fileInfo->setObjectName(QStringLiteral("csvFileInfoLabel"));
    // Not the Directory page's "convertEncodingButton": both pages are in the wizard at once.
    m_convertEncoding->setObjectName(QStringLiteral("csvConvertEncodingButton"));
    m_table->setObjectName(QStringLiteral("csvColumnsTable"));
    m_keyHint->setObjectName(QStringLiteral("csvKeyHint"));
    m_warnings->setObjectName(QStringLiteral("csvWarningLabel"));
    m_test->setObjectName(QStringLiteral("csvTestButton"));
    m_result->setObjectName(QStringLiteral("csvResultLabel"));
    m_problems->setObjectName(QStringLiteral("csvProblemsList"));

    m_fileInfo->setWordWrap(true);
    m_fileInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_convertEncoding->setToolTip(
        tr("Older Excel versions and many HR systems on Windows save CSV files in Windows-1252. Converting reads "
           "umlauts such as ä, ö and ü correctly; the file itself is not changed."));
    m_convertEncoding->setVisible(false);

    m_table->setHorizontalHeaderLabels({tr("Column"), tr("Sample values"), tr("Attribute"), tr("Key"), tr("Required")});
    m_table->horizontalHeaderItem(AttributeColumn)
        ->setToolTip(tr("Choose from the list or type any attribute name. Group membership turns the names in the "
                        "column (separated by |, ; or ,) into groups."));
    m_table->horizontalHeaderItem(KeyColumn)->setToolTip(
        tr("The column that identifies each person for good; exactly one."));
    m_table->horizontalHeaderItem(RequiredColumn)
        ->setToolTip(tr("A row without a value in a required column is skipped and reported."));
    m_table->verticalHeader()->hide();
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(HeaderColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(SamplesColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(AttributeColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(KeyColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(RequiredColumn, QHeaderView::ResizeToContents);
    // The attribute box is as wide as its longest label, so that no choice is cut off (German labels included).
    QComboBox probe;
    int labelWidth = 0;
    const QStringList offered = CsvMappingPageController::offeredAttributes();
    for (const QString &attribute : offered) {
        labelWidth = qMax(labelWidth,
                          probe.fontMetrics().horizontalAdvance(CsvMappingPageController::attributeLabel(attribute)));
    }
    m_table->setColumnWidth(AttributeColumn, qMin(labelWidth + 48, 340));
    m_table->verticalHeader()->setDefaultSectionSize(probe.sizeHint().height() + 4);
    m_table->setMinimumHeight(m_table->verticalHeader()->defaultSectionSize() * 4);

    m_keyHint->setText(tr("<b>Key:</b> its value is written to onPremisesImmutableId and links the person to the "
                          "Microsoft 365 user for good, so it must be unique and must never change. An employee ID is "
                          "best; e-mail addresses and names change."));
    m_keyHint->setWordWrap(true);
    m_keyHint->setTextFormat(Qt::RichText);

    m_warnings->setWordWrap(true);
    // The colour of the Attributes page's notes: worth reading, not an error.
    m_warnings->setStyleSheet(QStringLiteral("color: #8a5300;"));
    m_warnings->setVisible(false);
    m_result->setWordWrap(true);
    m_problems->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_problems->setWordWrap(true);
    m_problems->setVisible(false);

    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_fileInfo, 1);
    fileRow->addWidget(m_convertEncoding, 0, Qt::AlignTop);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test, 0, Qt::AlignTop);
    testRow->addWidget(m_result, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(fileRow);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_keyHint);
    layout->addWidget(m_warnings);
    layout->addLayout(testRow);
    layout->addWidget(m_problems);
    layout->addStretch();
    layout->addWidget(banner());

    m_keyGroup->setExclusive(true);
    connect(m_keyGroup, &QButtonGroup::idClicked, controller, &CsvMappingPageController::setKeyColumn);
    connect(m_test, &QPushButton::clicked, controller, &CsvMappingPageController::test);
    connect(m_convertEncoding, &QPushButton::clicked, controller, &CsvMappingPageController::readAsWindows1252);
}

void CsvMappingPage::initializePage()
{
    // The controller's changed() fills the table when the columns are new; refresh() shows the rest.
    m_controller->initialize();
    refresh();
}

void CsvMappingPage::fillTable()
{
    m_filling = true;
    const QList<CsvMappingPageController::Column> &columns = m_controller->columns();
    m_shownHeaders.clear();
    for (QAbstractButton *button : m_keyGroup->buttons()) {
        m_keyGroup->removeButton(button);
    }
    m_table->clearContents();
    m_table->setRowCount(int(columns.size()));
    int headerWidth = m_table->fontMetrics().horizontalAdvance(m_table->horizontalHeaderItem(HeaderColumn)->text());
    for (int row = 0; row < columns.size(); ++row) {
        const CsvMappingPageController::Column &column = columns.at(row);
        m_shownHeaders.append(column.header);
        QString unusable;
        if (column.header.isEmpty()) {
            unusable = tr("A column without a name in the header row cannot be used.");
        } else if (!column.usable) {
            unusable = tr("This column repeats the header of an earlier one; its values are ignored.");
        }
        auto *name = new QTableWidgetItem(column.header.isEmpty() ? tr("(no name)") : column.header);
        name->setFlags(Qt::ItemIsEnabled);
        name->setToolTip(unusable.isEmpty() ? column.header : unusable);
        if (!column.usable) {
            name->setForeground(m_table->palette().brush(QPalette::Disabled, QPalette::Text));
        }
        m_table->setItem(row, HeaderColumn, name);
        headerWidth = qMax(headerWidth, m_table->fontMetrics().horizontalAdvance(name->text()));

        const QString joined = column.samples.join(QStringLiteral(", "));
        auto *samples = new QTableWidgetItem(joined);
        samples->setFlags(Qt::ItemIsEnabled);
        samples->setToolTip(column.samples.join(QLatin1Char('\n')));
        m_table->setItem(row, SamplesColumn, samples);

        auto *attribute = new QComboBox(m_table);
        attribute->setObjectName(QStringLiteral("csvAttributeCombo_%1").arg(row));
        attribute->setEditable(true);
        attribute->setInsertPolicy(QComboBox::NoInsert);
        attribute->setMaxVisibleItems(int(CsvMappingPageController::offeredAttributes().size()));
        const QStringList offered = CsvMappingPageController::offeredAttributes();
        for (const QString &a : offered) {
            attribute->addItem(CsvMappingPageController::attributeLabel(a), a);
        }
        const QString current = m_controller->attributeOf(row);
        const int index = attribute->findData(current);
        if (index >= 0) {
            attribute->setCurrentIndex(index);
        } else {
            attribute->setEditText(current);
        }
        attribute->setEnabled(column.usable);
        attribute->setToolTip(unusable);
        connect(attribute, &QComboBox::currentTextChanged, this, [this, row](const QString &text) {
            if (!m_filling) {
                m_controller->setAttribute(row, CsvMappingPageController::attributeFromText(text));
            }
        });
        // A known attribute typed by hand is shown with its label once the admin moves on or presses Return.
        const auto showLabel = [attribute] {
            const int known =
                attribute->findData(CsvMappingPageController::attributeFromText(attribute->currentText()));
            if (known >= 0 && attribute->currentText() != attribute->itemText(known)) {
                attribute->setCurrentIndex(known);
            }
        };
        connect(attribute->lineEdit(), &QLineEdit::editingFinished, this, showLabel);
        attribute->lineEdit()->installEventFilter(new ConfirmOnReturn(attribute, showLabel));
        m_table->setCellWidget(row, AttributeColumn, attribute);

        auto *key = centredButton<QRadioButton>(m_table, row, KeyColumn);
        key->setObjectName(QStringLiteral("csvKeyRadio_%1").arg(row));
        key->setEnabled(column.usable);
        key->setToolTip(column.usable ? tr("Use this column as the key") : unusable);
        m_keyGroup->addButton(key, row);

        auto *required = centredButton<QCheckBox>(m_table, row, RequiredColumn);
        required->setObjectName(QStringLiteral("csvRequiredCheck_%1").arg(row));
        connect(required, &QCheckBox::toggled, this, [this, row](bool checked) {
            if (!m_filling) {
                m_controller->setRequired(row, checked);
            }
        });
    }
    m_table->setColumnWidth(HeaderColumn, qMin(headerWidth + 24, 220));
    // No taller than its rows: the key's explanation stays right under them, and a long file scrolls.
    m_table->setMaximumHeight(m_table->horizontalHeader()->sizeHint().height()
                              + m_table->verticalHeader()->defaultSectionSize() * m_table->rowCount()
                              + 2 * m_table->frameWidth());
    m_filling = false;
}

void CsvMappingPage::refresh()
{
    QStringList headers;
    for (const CsvMappingPageController::Column &column : m_controller->columns()) {
        headers.append(column.header);
    }
    if (headers != m_shownHeaders) {
        // Read again (another encoding): the columns may have changed.
        fillTable();
    }
    const bool busy = m_controller->isBusy();
    const bool wasFilling = m_filling;
    m_filling = true;
    if (m_controller->hasPreview()) {
        // The reader names encodings in English; the one with a word in it is said in the admin's language.
        const QString encoding = m_controller->encodingName() == QLatin1String("UTF-8 with BOM")
            ? tr("UTF-8 with BOM")
            : m_controller->encodingName();
        m_fileInfo->setText(tr("%1: read as %2, columns separated by %3.")
                                .arg(QFileInfo(m_controller->path()).fileName(),
                                     encoding,
                                     CsvMappingPageController::separatorName(m_controller->separator())));
    } else {
        m_fileInfo->setText(QFileInfo(m_controller->path()).fileName());
    }
    m_convertEncoding->setVisible(m_controller->needsEncodingConfirmation());
    m_convertEncoding->setEnabled(!busy);
    const QStringList warnings = m_controller->warnings();
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const bool usable = m_controller->columns().value(row).usable;
        if (auto *attribute = qobject_cast<QComboBox *>(m_table->cellWidget(row, AttributeColumn))) {
            const QString current = m_controller->attributeOf(row);
            // The box being typed in already says what the controller has: it is left alone.
            if (CsvMappingPageController::attributeFromText(attribute->currentText()) != current) {
                const int index = attribute->findData(current);
                if (index >= 0) {
                    attribute->setCurrentIndex(index);
                } else {
                    attribute->setEditText(current);
                }
            }
        }
        const bool key = m_controller->isKey(row);
        if (QAbstractButton *radio = m_keyGroup->button(row)) {
            // An exclusive group cannot uncheck its last button (no key chosen yet).
            m_keyGroup->setExclusive(false);
            radio->setChecked(key);
            m_keyGroup->setExclusive(true);
        }
        if (QWidget *cell = m_table->cellWidget(row, RequiredColumn)) {
            auto *required = cell->findChild<QCheckBox *>();
            // A row without a key is always skipped: the key column is required by nature.
            required->setChecked(key || m_controller->isRequired(row));
            required->setEnabled(usable && !key && !busy);
            required->setToolTip(key ? tr("The key column is always required.")
                                     : tr("Skip rows without a value in this column"));
        }
    }
    m_filling = wasFilling;

    // Not disabled while the file is read (test() waits for the running one): focus stays on the button.
    m_test->setEnabled(m_controller->isInputComplete());
    m_problems->clear();
    if (busy) {
        m_result->setText(tr("Reading the file…"));
    } else if (m_controller->hasResults()) {
        const auto &results = m_controller->results();
        QString text = tr("Users: %1, groups: %2.").arg(results.userCount).arg(results.groupCount);
        // Counts after a colon need no plural forms, so the C locale of the review screenshots reads right too.
        if (results.problemCount > results.problems.size()) {
            text += QLatin1Char(' ')
                + tr("Rows skipped and not synchronized: %1, the first %2 below.")
                      .arg(results.problemCount)
                      .arg(results.problems.size());
        } else if (results.problemCount > 0) {
            text += QLatin1Char(' ') + tr("Rows skipped and not synchronized: %1.").arg(results.problemCount);
        }
        m_result->setText(text);
        m_problems->addItems(results.problems);
        // As tall as the problems listed (at most MaxProblemsShown), so that one problem takes one line.
        int height = 2 * m_problems->frameWidth() + 4;
        for (int row = 0; row < m_problems->count(); ++row) {
            height += m_problems->sizeHintForRow(row);
        }
        m_problems->setFixedHeight(height);
    } else {
        m_result->setText(tr("Test reads the whole file with these columns."));
    }
    m_problems->setVisible(m_problems->count() > 0);
}

} // namespace M365::Ui
