// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directorypage.h"

#include "containertree.h"
#include "containertreemodel.h"
#include "csvmappingpage.h"
#include "directory/csvsource.h"
#include "directory/directoryjob.h"
#include "directory/ldapsource.h"
#include "directory/ldifsource.h"
#include "errorbanner.h"
#include "wizardcontext.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

namespace M365::Ui {

namespace {

QString typeId(DirectoryPageController::Type type)
{
    switch (type) {
    case DirectoryPageController::Type::LdifFile:
        return QStringLiteral("ldif");
    case DirectoryPageController::Type::CsvFile:
        return QStringLiteral("csv");
    case DirectoryPageController::Type::OpenLdap:
        return QStringLiteral("openldap");
    case DirectoryPageController::Type::ActiveDirectory:
        return QStringLiteral("activedirectory");
    case DirectoryPageController::Type::Univention:
        return QStringLiteral("univention");
    case DirectoryPageController::Type::Ds389:
        return QStringLiteral("389ds");
    }
    return {};
}

Directory::LdapPreset presetFor(DirectoryPageController::Type type)
{
    switch (type) {
    case DirectoryPageController::Type::ActiveDirectory:
        return Directory::LdapPreset::ActiveDirectory;
    case DirectoryPageController::Type::Univention:
        return Directory::LdapPreset::Univention;
    case DirectoryPageController::Type::Ds389:
        return Directory::LdapPreset::Ds389;
    default:
        return Directory::LdapPreset::OpenLdap;
    }
}

QString tlsId(Directory::LdapConfig::Tls tls)
{
    switch (tls) {
    case Directory::LdapConfig::Tls::None:
        return QStringLiteral("none");
    case Directory::LdapConfig::Tls::StartTls:
        return QStringLiteral("starttls");
    case Directory::LdapConfig::Tls::Ldaps:
        return QStringLiteral("ldaps");
    }
    return {};
}

/// Lines up the label columns of forms stacked below each other: QFormLayout sizes each form's column on its own.
void alignLabels(const QList<QFormLayout *> &forms)
{
    QList<QWidget *> labels;
    int width = 0;
    for (QFormLayout *form : forms) {
        for (int row = 0; row < form->rowCount(); ++row) {
            QLayoutItem *item = form->itemAt(row, QFormLayout::LabelRole);
            if (item && item->widget()) {
                labels.append(item->widget());
                width = qMax(width, item->widget()->sizeHint().width());
            }
        }
    }
    for (QWidget *label : labels) {
        label->setMinimumWidth(width);
    }
}

const QLatin1String LdapScheme("ldap://");
const QLatin1String LdapsScheme("ldaps://");

} // namespace

QString DirectoryPageController::urlForTls(const QString &url, Directory::LdapConfig::Tls tls)
{
    const QString trimmed = url.trimmed();
    const bool ldaps = tls == Directory::LdapConfig::Tls::Ldaps;
    const QLatin1String from = ldaps ? LdapScheme : LdapsScheme;
    if (!trimmed.startsWith(from, Qt::CaseInsensitive)) {
        return url;
    }
    // Only an explicit standard port changes with the scheme: another port is the admin's deliberate choice.
    const QString rest = trimmed.mid(from.size());
    qsizetype end = 0;
    while (end < rest.size() && rest.at(end) != QLatin1Char('/') && rest.at(end) != QLatin1Char('?')) {
        ++end;
    }
    QString authority = rest.left(end);
    const QLatin1String fromPort(ldaps ? ":389" : ":636");
    if (authority.endsWith(fromPort)) {
        authority = authority.chopped(fromPort.size()) + (ldaps ? QLatin1String(":636") : QLatin1String(":389"));
    }
    return (ldaps ? LdapsScheme : LdapScheme) + authority + rest.mid(end);
}

Directory::LdapConfig::Tls DirectoryPageController::tlsForUrl(const QString &url, Directory::LdapConfig::Tls current)
{
    const QString trimmed = url.trimmed();
    if (trimmed.startsWith(LdapsScheme, Qt::CaseInsensitive)) {
        return Directory::LdapConfig::Tls::Ldaps;
    }
    if (trimmed.startsWith(LdapScheme, Qt::CaseInsensitive) && current == Directory::LdapConfig::Tls::Ldaps) {
        return Directory::LdapConfig::Tls::StartTls;
    }
    return current;
}

DirectoryPageController::Settings DirectoryPageController::afterEdit(const Settings &before, Settings edited)
{
    if (edited.type == Type::ActiveDirectory && before.type != Type::ActiveDirectory
        && edited.url.trimmed().isEmpty()) {
        edited.tls = Directory::LdapConfig::Tls::Ldaps;
    }
    if (edited.tls != before.tls) {
        edited.url = urlForTls(edited.url, edited.tls);
    } else if (edited.url != before.url) {
        edited.tls = tlsForUrl(edited.url, edited.tls);
    }
    return edited;
}

DirectoryPageController::DirectoryPageController(WizardContext *context, QObject *parent)
    : PageController(context, parent)
{
    // A click in the tree: Next writes the profile's directory again.
    connect(&m_containerSelection, &Models::ContainerSelection::edited, this, [this] {
        invalidate();
        Q_EMIT changed();
    });
}

DirectoryPageController::~DirectoryPageController()
{
    // A running job refers to the source; end it first.
    delete m_job.data();
    delete m_containersJob.data();
}

void DirectoryPageController::setSettings(const Settings &settings)
{
    if (m_settings == settings) {
        return;
    }
    if (settings.type != m_settings.type || settings.path.trimmed() != m_settings.path.trimmed()) {
        // Another file: its encoding is not confirmed and its columns are not mapped yet.
        context()->csvOptions = Directory::CsvOptions{};
    }
    if (Directory::normalizedDn(settings.baseDn) != Directory::normalizedDn(m_settings.baseDn)) {
        // The containers chosen belong to the old base DN; below another one they would leave out everything.
        delete m_containersJob.data();
        m_containersError.clear();
        m_containerSelection.clear();
    }
    m_settings = settings;
    m_failed = false;
    m_needsEncoding = false;
    context()->ldapBindPassword = settings.bindPassword;
    const QString contradiction = this->contradiction();
    if (contradiction.isEmpty()) {
        clearError();
    } else {
        // Settings from a profile can still disagree: say so rather than let the test time out on a handshake.
        setError(Directory::DirectoryError::make(Directory::DirectoryError::InvalidConfiguration, contradiction));
    }
    invalidate();
    Q_EMIT changed();
}

void DirectoryPageController::preselectSample()
{
    if (context()->isSandbox() && m_settings.path.isEmpty() && !isLdap(m_settings.type)) {
        Settings settings = m_settings;
        settings.type = Type::LdifFile;
        settings.path = context()->sampleDirectoryPath();
        setSettings(settings);
    }
}

bool DirectoryPageController::isInputComplete() const
{
    return !m_failed && hasRequiredFields() && contradiction().isEmpty();
}

bool DirectoryPageController::hasRequiredFields() const
{
    if (isLdap(m_settings.type)) {
        return !m_settings.url.trimmed().isEmpty() && !m_settings.baseDn.trimmed().isEmpty();
    }
    return !m_settings.path.trimmed().isEmpty();
}

void DirectoryPageController::test()
{
    if (isBusy()) {
        return;
    }
    if (!hasRequiredFields() || !contradiction().isEmpty()) {
        return;
    }
    m_failed = false;
    m_needsEncoding = false;
    delete m_job.data();
    delete m_containersJob.data();
    m_containersError.clear();
    m_containerSelection.setContainers({}); // the scopes chosen stay, for the test and the next tree
    m_tested = false;
    m_results = Results{};
    context()->directorySamples.clear();
    clearError();
    setBusy(true);
    if (m_settings.type == Type::LdifFile) {
        m_source = std::make_unique<Directory::LdifSource>(m_settings.path.trimmed());
    } else if (m_settings.type == Type::CsvFile) {
        context()->suggestCsvMapping(m_settings.path.trimmed());
        m_source = std::make_unique<Directory::CsvSource>(m_settings.path.trimmed(), context()->csvOptions);
    } else {
        m_source = std::make_unique<Directory::LdapSource>(ldapConfig(), m_settings.bindPassword);
    }
    m_testedSettings = m_settings;
    Directory::DirectoryJob *job = m_source->testConnection(this);
    m_job = job;
    connect(job, &Directory::DirectoryJob::finished, this, [this, job] {
        onTested(job);
    });
    job->start();
}

void DirectoryPageController::onTested(Directory::DirectoryJob *job)
{
    job->deleteLater();
    const bool validating = m_validating;
    m_validating = false;
    if (job->hasError()) {
        m_failed = true;
        m_needsEncoding = job->directoryError() == Directory::DirectoryError::EncodingNotConfirmed;
        setError(CsvMappingPageController::wizardError(m_settings.path.trimmed(), job->error()));
        if (validating) {
            finishValidation(false);
        } else {
            setBusy(false);
        }
        return;
    }
    const Directory::DirectorySummary summary = job->summary();
    context()->directorySamples = summary.samples.mid(0, 5);
    m_results.serverCertificate = summary.serverCertificate;
    m_results.userCount = qMax(0, summary.userCount);
    m_results.groupCount = qMax(0, summary.groupCount);
    const QList<Directory::EntryProblem> problems = job->problems();
    m_results.problemCount = int(problems.size());
    for (int i = 0; i < problems.size() && i < MaxProblemsShown; ++i) {
        m_results.problems.append(problems.at(i).toString());
    }
    for (const Directory::DirectoryEntry &entry : summary.samples) {
        if (m_results.samples.size() == 5) {
            break;
        }
        QString name = entry.value(QStringLiteral("displayName"));
        if (name.isEmpty()) {
            name = entry.value(QStringLiteral("cn"));
        }
        const QString mail = entry.value(QStringLiteral("mail"));
        m_results.sampleDns.append(entry.dn);
        if (name.isEmpty()) {
            m_results.samples.append(mail.isEmpty() ? entry.dn : mail);
        } else {
            m_results.samples.append(mail.isEmpty() ? name : tr("%1 <%2>").arg(name, mail));
        }
    }
    m_tested = true;
    if (isLdap(m_settings.type)) {
        // Beside the page, not in its way: Next does not wait for the tree.
        readContainers();
    }
    if (validating) {
        context()->profile.directory = toJson();
        finishValidation(true);
    } else {
        setBusy(false);
        Q_EMIT changed();
    }
}

void DirectoryPageController::readContainers()
{
    Directory::DirectoryJob *job = m_source->readContainers(this);
    m_containersJob = job;
    connect(job, &Directory::DirectoryJob::finished, this, [this, job] {
        onContainersRead(job);
    });
    job->start();
}

void DirectoryPageController::onContainersRead(Directory::DirectoryJob *job)
{
    job->deleteLater();
    m_containersJob = nullptr;
    if (job->hasError()) {
        m_containersError = job->errorString();
        Q_EMIT changed();
        return;
    }
    // What is stored is what the tree shows: containers that are gone drop out of the scopes.
    const Directory::ContainerScope users = containerScope(ContainerKind::Users);
    const Directory::ContainerScope groups = containerScope(ContainerKind::Groups);
    m_containerSelection.setContainers(job->summary().containers);
    if (isVerified()
        && (users != containerScope(ContainerKind::Users) || groups != containerScope(ContainerKind::Groups))) {
        context()->profile.directory = toJson();
    }
    Q_EMIT changed();
}

Directory::LdapConfig DirectoryPageController::ldapConfig() const
{
    Directory::LdapConfig config = Directory::LdapConfig::fromPreset(presetFor(m_settings.type));
    config.url = m_settings.url.trimmed();
    config.tls = m_settings.tls;
    config.caFile = m_settings.caFile.trimmed();
    config.bindDn = m_settings.bindDn.trimmed();
    config.baseDn = m_settings.baseDn.trimmed();
    // The test counts and samples what a sync would read.
    config.userContainers = containerScope(ContainerKind::Users);
    config.groupContainers = containerScope(ContainerKind::Groups);
    return config;
}

QString DirectoryPageController::contradiction() const
{
    return isLdap(m_settings.type) ? ldapConfig().contradiction() : QString();
}

QString DirectoryPageController::certificateText() const
{
    return m_tested ? m_results.serverCertificate.summaryText() : QString();
}

void DirectoryPageController::readAsWindows1252()
{
    if (isBusy() || m_settings.type != Type::CsvFile) {
        return;
    }
    context()->csvOptions.encoding = Directory::TextEncoding::Windows1252;
    test();
}

QJsonObject DirectoryPageController::toJson() const
{
    QJsonObject json{{QStringLiteral("type"), typeId(m_settings.type)}};
    if (isLdap(m_settings.type)) {
        json.insert(QStringLiteral("url"), m_settings.url.trimmed());
        json.insert(QStringLiteral("tls"), tlsId(m_settings.tls));
        if (!m_settings.caFile.trimmed().isEmpty()) {
            json.insert(QStringLiteral("caFile"), m_settings.caFile.trimmed());
        }
        json.insert(QStringLiteral("bindDn"), m_settings.bindDn.trimmed());
        json.insert(QStringLiteral("baseDn"), m_settings.baseDn.trimmed());
        for (const auto &[kind, key] : {std::pair{ContainerKind::Users, QStringLiteral("userContainers")},
                                        std::pair{ContainerKind::Groups, QStringLiteral("groupContainers")}}) {
            if (!containerScope(kind).isEmpty()) {
                json.insert(key, containerScope(kind).toJson());
            }
        }
    } else {
        json.insert(QStringLiteral("path"), m_settings.path.trimmed());
    }
    if (m_settings.type == Type::CsvFile) {
        context()->csvOptions.writeJson(json);
    }
    return json;
}

void DirectoryPageController::validate()
{
    if (m_tested && m_testedSettings == m_settings && error().isNull()) {
        context()->profile.directory = toJson();
        finishValidation(true);
        return;
    }
    if (!hasRequiredFields() || !contradiction().isEmpty()) {
        finishValidation(false);
        return;
    }
    m_validating = true;
    test();
}

DirectoryPage::DirectoryPage(DirectoryPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_type(new QComboBox(this))
    , m_stack(new QStackedWidget(this))
    , m_path(new QLineEdit(this))
    , m_url(new QLineEdit(this))
    , m_tls(new QComboBox(this))
    , m_caFile(new QLineEdit(this))
    , m_browseCaFile(new QToolButton(this))
    , m_bindDn(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_baseDn(new QLineEdit(this))
    , m_test(new QPushButton(tr("Test"), this))
    , m_convertEncoding(new QPushButton(tr("Read as Windows-1252"), this))
    , m_csvHint(
          new QLabel(tr("The next page shows the file's columns and lets you choose what each one becomes."), this))
    , m_result(new QLabel(this))
    , m_certificate(new QLabel(this))
    , m_samples(new QListWidget(this))
    , m_containersPane(new QWidget(this))
    , m_containersLabel(new QLabel(m_containersPane))
    , m_containerTree(new ContainerTree(controller->containerSelection(), m_containersPane))
    , m_problemsTitle(new QLabel(this))
    , m_problems(new QListWidget(this))
{
    setTitle(tr("Directory"));
    setSubTitle(tr("Where do the people and groups come from? m365sync only reads the directory."));
    m_type->setObjectName(QStringLiteral("sourceTypeCombo"));
    m_path->setObjectName(QStringLiteral("directoryPathEdit"));
    m_url->setObjectName(QStringLiteral("ldapUrlEdit"));
    m_tls->setObjectName(QStringLiteral("ldapTlsCombo"));
    m_caFile->setObjectName(QStringLiteral("caFileEdit"));
    m_browseCaFile->setObjectName(QStringLiteral("browseCaFileButton"));
    m_bindDn->setObjectName(QStringLiteral("bindDnEdit"));
    m_password->setObjectName(QStringLiteral("bindPasswordEdit"));
    m_baseDn->setObjectName(QStringLiteral("baseDnEdit"));
    m_test->setObjectName(QStringLiteral("testDirectoryButton"));
    m_convertEncoding->setObjectName(QStringLiteral("convertEncodingButton"));
    m_csvHint->setObjectName(QStringLiteral("csvHintLabel"));
    m_result->setObjectName(QStringLiteral("directoryResultLabel"));
    m_certificate->setObjectName(QStringLiteral("serverCertificateLabel"));
    m_samples->setObjectName(QStringLiteral("samplesList"));
    m_containersLabel->setObjectName(QStringLiteral("containersLabel"));
    m_containerTree->setObjectName(QStringLiteral("containerTree"));
    m_problemsTitle->setObjectName(QStringLiteral("directoryProblemsLabel"));
    m_problems->setObjectName(QStringLiteral("directoryProblemsList"));

    m_type->addItem(tr("LDIF file"), int(DirectoryPageController::Type::LdifFile));
    m_type->addItem(tr("CSV file"), int(DirectoryPageController::Type::CsvFile));
    m_type->addItem(tr("OpenLDAP"), int(DirectoryPageController::Type::OpenLdap));
    m_type->addItem(tr("Active Directory"), int(DirectoryPageController::Type::ActiveDirectory));
    m_type->addItem(tr("Univention Corporate Server"), int(DirectoryPageController::Type::Univention));
    m_type->addItem(tr("389 Directory Server"), int(DirectoryPageController::Type::Ds389));
    m_tls->addItem(tr("StartTLS"), int(Directory::LdapConfig::Tls::StartTls));
    m_tls->addItem(tr("LDAPS (TLS from the start)"), int(Directory::LdapConfig::Tls::Ldaps));
    m_tls->addItem(tr("None (loopback only)"), int(Directory::LdapConfig::Tls::None));
    m_password->setEchoMode(QLineEdit::Password);
    m_url->setPlaceholderText(QStringLiteral("ldap://ldap.example.org"));
    m_baseDn->setPlaceholderText(QStringLiteral("dc=example,dc=org"));
    m_bindDn->setPlaceholderText(tr("Empty for an anonymous bind"));
    m_caFile->setPlaceholderText(tr("Empty to trust the system's CAs"));
    m_caFile->setToolTip(tr("A PEM file with the certificate of the CA that signed the server's certificate, for "
                            "Active Directory usually the enterprise root CA."));
    m_browseCaFile->setText(tr("Browse…"));

    auto *filePane = new QWidget(this);
    auto *fileForm = new QFormLayout(filePane);
    fileForm->setContentsMargins(0, 0, 0, 0);
    auto *fileRow = new QHBoxLayout;
    auto *browse = new QToolButton(filePane);
    browse->setObjectName(QStringLiteral("browseDirectoryFileButton"));
    browse->setText(tr("Browse…"));
    fileRow->addWidget(m_path);
    fileRow->addWidget(browse);
    fileForm->addRow(tr("File:"), fileRow);
    fileForm->addRow(QString(), m_csvHint);
    connect(browse, &QToolButton::clicked, this, [this] {
        const bool csv = m_type->currentData().toInt() == int(DirectoryPageController::Type::CsvFile);
        const QString path = QFileDialog::getOpenFileName(this,
                                                          tr("Choose the directory file"),
                                                          m_path->text(),
                                                          csv ? tr("CSV files (*.csv)") : tr("LDIF files (*.ldif)"));
        if (!path.isEmpty()) {
            m_path->setText(path);
            pushSettings();
        }
    });

    auto *ldapPane = new QWidget(this);
    auto *ldapForm = new QFormLayout(ldapPane);
    ldapForm->setContentsMargins(0, 0, 0, 0);
    ldapForm->addRow(tr("Server URL:"), m_url);
    ldapForm->addRow(tr("Encryption:"), m_tls);
    auto *caFileRow = new QHBoxLayout;
    caFileRow->addWidget(m_caFile);
    caFileRow->addWidget(m_browseCaFile);
    ldapForm->addRow(tr("CA file:"), caFileRow);
    connect(m_browseCaFile, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Choose the CA file"), m_caFile->text(), tr("Certificates (*.pem *.crt *.cer)"));
        if (!path.isEmpty()) {
            m_caFile->setText(path);
        }
    });
    ldapForm->addRow(tr("Bind DN:"), m_bindDn);
    ldapForm->addRow(tr("Password:"), m_password);
    ldapForm->addRow(tr("Base DN:"), m_baseDn);
    m_stack->addWidget(filePane);
    m_stack->addWidget(ldapPane);
    m_stack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

    auto *typeForm = new QFormLayout;
    typeForm->addRow(tr("Source:"), m_type);
    alignLabels({typeForm, fileForm, ldapForm});

    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_result, 1);
    m_result->setWordWrap(true);
    // Which certificate the server presented, so that the admin sees which CA and until when.
    m_certificate->setWordWrap(true);
    m_certificate->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_certificate->setVisible(false);
    // Room for the five samples, no more.
    m_samples->setFixedHeight(m_samples->fontMetrics().height() * 5 + 2 * m_samples->frameWidth() + 12);
    m_samples->setSelectionMode(QAbstractItemView::NoSelection);
    // The hint "Test again for samples …" is a sentence: wrapped, not cut off behind a sideways scroll bar (German).
    m_samples->setWordWrap(true);
    m_samples->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(typeForm);
    layout->addWidget(m_stack);
    layout->addLayout(testRow);
    layout->addWidget(m_certificate);
    // The samples beside the container tree (LDAP only), which takes the height the page has left.
    auto *samplesColumn = new QVBoxLayout;
    samplesColumn->addWidget(new QLabel(tr("Sample users:"), this));
    samplesColumn->addWidget(m_samples);
    samplesColumn->addStretch();
    auto *containersColumn = new QVBoxLayout(m_containersPane);
    containersColumn->setContentsMargins(0, 0, 0, 0);
    m_containersLabel->setWordWrap(true);
    containersColumn->addWidget(m_containersLabel);
    containersColumn->addWidget(m_containerTree, 1);
    m_containersPane->setVisible(false);
    auto *resultsRow = new QHBoxLayout;
    resultsRow->addLayout(samplesColumn, 2);
    resultsRow->addWidget(m_containersPane, 3);
    layout->addLayout(resultsRow, 1);
    // Records the read skipped: the first few, so that a broken export shows here and not only after the sync.
    m_problems->setFixedHeight(m_problems->fontMetrics().height() * DirectoryPageController::MaxProblemsShown
                               + 2 * m_problems->frameWidth() + 12);
    m_problems->setWordWrap(true); // a reason is a sentence; a sideways scroll bar hides its end
    m_problems->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_problemsTitle->setWordWrap(true);
    layout->addWidget(m_problemsTitle);
    layout->addWidget(m_problems);
    layout->addStretch();
    layout->addWidget(banner());
    // Under the message that asks for it: the file is not UTF-8, but Windows-1252 reads it.
    m_convertEncoding->setToolTip(
        tr("Older Excel versions and many HR systems on Windows save CSV files in Windows-1252. Converting reads "
           "umlauts such as ä, ö and ü correctly; the file itself is not changed."));
    m_convertEncoding->setVisible(false);
    auto *convertRow = new QHBoxLayout;
    convertRow->addWidget(m_convertEncoding);
    convertRow->addStretch();
    layout->addLayout(convertRow);

    connect(m_type, &QComboBox::currentIndexChanged, this, &DirectoryPage::pushSettings);
    connect(m_tls, &QComboBox::currentIndexChanged, this, &DirectoryPage::pushSettings);
    for (QLineEdit *edit : {m_path, m_url, m_caFile, m_bindDn, m_password, m_baseDn}) {
        connect(edit, &QLineEdit::textChanged, this, &DirectoryPage::pushSettings);
    }
    connect(m_test, &QPushButton::clicked, controller, &DirectoryPageController::test);
    connect(m_convertEncoding, &QPushButton::clicked, controller, &DirectoryPageController::readAsWindows1252);
}

void DirectoryPage::pushSettings()
{
    if (m_filling) {
        return;
    }
    DirectoryPageController::Settings edited;
    edited.type = DirectoryPageController::Type(m_type->currentData().toInt());
    edited.path = m_path->text();
    edited.url = m_url->text();
    edited.tls = Directory::LdapConfig::Tls(m_tls->currentData().toInt());
    edited.caFile = m_caFile->text();
    edited.bindDn = m_bindDn->text();
    edited.bindPassword = m_password->text();
    edited.baseDn = m_baseDn->text();
    // The URL's scheme and the encryption follow each other: show what the controller gets.
    const auto settings = DirectoryPageController::afterEdit(m_controller->settings(), edited);
    m_filling = true;
    if (settings.url != edited.url) {
        m_url->setText(settings.url);
    }
    if (settings.tls != edited.tls) {
        m_tls->setCurrentIndex(m_tls->findData(int(settings.tls)));
    }
    m_filling = false;
    m_controller->setSettings(settings);
}

QString DirectoryPage::resultText() const
{
    const auto &results = m_controller->results();
    const QList<Directory::DirectoryContainer> &containers = m_controller->containers();
    const QLocale locale;
    if (containers.isEmpty()) {
        return tr("Users: %1, groups: %2.")
            .arg(locale.toString(results.userCount), locale.toString(results.groupCount));
    }
    // The tree's numbers follow the check boxes; the test counted with the containers chosen at that time.
    using Kind = DirectoryPageController::ContainerKind;
    const Models::ContainerSelection *selection = m_controller->containerSelection();
    return tr("Users: %1, groups: %2.")
        .arg(Models::ContainerTreeModel::countText(selection->inScopeTotal(Kind::Users), selection->total(Kind::Users)),
             Models::ContainerTreeModel::countText(selection->inScopeTotal(Kind::Groups),
                                                   selection->total(Kind::Groups)));
}

void DirectoryPage::refreshContainers()
{
    const bool ldap = DirectoryPageController::isLdap(m_controller->settings().type);
    const bool reading = m_controller->isReadingContainers();
    const QString error = m_controller->containersError();
    const bool hasTree = !m_controller->containers().isEmpty();
    m_containersPane->setVisible(ldap && !m_controller->isBusy() && (reading || hasTree || !error.isEmpty()));
    m_containerTree->setVisible(hasTree);
    if (reading) {
        m_containersLabel->setText(tr("Reading the containers…"));
    } else if (!error.isEmpty()) {
        m_containersLabel->setText(tr("The containers could not be read: %1").arg(error));
    } else {
        m_containersLabel->setText(tr("Containers to sync (unchecking one leaves out everything below it):"));
    }
}

void DirectoryPage::initializePage()
{
    m_controller->preselectSample();
    const auto &settings = m_controller->settings();
    m_filling = true;
    m_type->setCurrentIndex(m_type->findData(int(settings.type)));
    m_tls->setCurrentIndex(m_tls->findData(int(settings.tls)));
    m_path->setText(settings.path);
    m_url->setText(settings.url);
    m_caFile->setText(settings.caFile);
    m_bindDn->setText(settings.bindDn);
    m_password->setText(settings.bindPassword);
    m_baseDn->setText(settings.baseDn);
    m_filling = false;
    refresh();
}

void DirectoryPage::refresh()
{
    const auto &settings = m_controller->settings();
    const int current = DirectoryPageController::isLdap(settings.type) ? 1 : 0;
    for (int i = 0; i < m_stack->count(); ++i) {
        m_stack->widget(i)->setSizePolicy(QSizePolicy::Preferred,
                                          i == current ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    }
    m_stack->setCurrentIndex(current);
    m_stack->updateGeometry();
    m_test->setEnabled(!m_controller->isBusy() && m_controller->hasRequiredFields()
                       && m_controller->contradiction().isEmpty());
    m_convertEncoding->setVisible(m_controller->needsEncodingConfirmation());
    m_convertEncoding->setEnabled(!m_controller->isBusy());
    m_csvHint->setVisible(settings.type == DirectoryPageController::Type::CsvFile);
    // Without encryption there is no certificate to check.
    const bool tls = settings.tls != Directory::LdapConfig::Tls::None;
    m_caFile->setEnabled(tls);
    m_browseCaFile->setEnabled(tls);
    m_url->setPlaceholderText(DirectoryPageController::urlForTls(
        settings.type == DirectoryPageController::Type::ActiveDirectory ? QStringLiteral("ldap://dc1.example.org")
                                                                        : QStringLiteral("ldap://ldap.example.org"),
        settings.tls));
    const QString certificate = m_controller->isBusy() ? QString() : m_controller->certificateText();
    m_certificate->setText(certificate);
    m_certificate->setVisible(!certificate.isEmpty());
    m_samples->clear();
    m_problems->clear();
    const bool problems =
        !m_controller->isBusy() && m_controller->hasResults() && m_controller->results().problemCount > 0;
    m_problemsTitle->setVisible(problems);
    m_problems->setVisible(problems);
    refreshContainers();
    if (m_controller->isBusy()) {
        m_result->setText(tr("Testing…"));
    } else if (m_controller->hasResults()) {
        const auto &results = m_controller->results();
        m_result->setText(resultText());
        // Users of containers unchecked since the test are no samples of what will sync.
        const Directory::ContainerScope &users =
            m_controller->containerScope(DirectoryPageController::ContainerKind::Users);
        for (int i = 0; i < results.samples.size(); ++i) {
            if (users.contains(results.sampleDns.value(i))) {
                m_samples->addItem(results.samples.at(i));
            }
        }
        if (m_samples->count() < results.samples.size()) {
            auto *hint = new QListWidgetItem(tr("Test again for samples from the containers chosen."), m_samples);
            hint->setFlags(Qt::NoItemFlags);
        }
        m_problemsTitle->setText(
            tr("Skipped, with the reason (%1 in all; the rest will sync):").arg(results.problemCount));
        m_problems->addItems(results.problems);
    } else {
        m_result->clear();
    }
}

} // namespace M365::Ui
