// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "attributespage.h"

#include "errorbanner.h"
#include "sync/planner.h"
#include "wizardcontext.h"

#include <QBrush>
#include <QColor>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace M365::Ui {

namespace {

using Sync::AttributeRule;

constexpr int MaxSamples = 5;

enum Column { AttributeColumn, PropertyColumn, ModeColumn, StaticValueColumn, ColumnCount };

bool isUpperAsciiLetter(QChar c)
{
    return c.unicode() >= 'A' && c.unicode() <= 'Z';
}

/// An LDAP attribute description as RFC 4512 spells it: a letter, then letters, digits and hyphens.
bool isAttributeName(const QString &name)
{
    if (name.isEmpty() || !(name.at(0).unicode() < 128 && name.at(0).isLetter())) {
        return false;
    }
    for (const QChar c : name) {
        if (!(c.unicode() < 128 && (c.isLetterOrNumber() || c == QLatin1Char('-')))) {
            return false;
        }
    }
    return true;
}

/// The usage location the admin's own locale suggests (a licence needs one), or empty.
QString localeCountry()
{
    const QString code = QLocale::territoryToCode(QLocale().territory());
    return code.size() == 2 && isUpperAsciiLetter(code.at(0)) && isUpperAsciiLetter(code.at(1)) ? code : QString();
}

/// A fresh per-profile salt, so that anonymized values cannot be recomputed from the anchors alone.
QByteArray randomSalt()
{
    QByteArray salt(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(salt.data()), salt.size() / 4);
    return salt;
}

/// The user name rule for a CSV file: HR exports seldom have a uid column, so the rule uses what the mapping has.
QString csvUpnTemplate(const Directory::CsvMapping &mapping, const QString &fallback)
{
    QStringList attributes;
    for (const QString &attribute : mapping.columns) {
        attributes.append(attribute.toLower());
    }
    if (attributes.contains(QLatin1String("uid"))) {
        return QStringLiteral("{uid}@{domain}");
    }
    if (attributes.contains(QLatin1String("samaccountname"))) {
        return QStringLiteral("{sAMAccountName}@{domain}");
    }
    if (attributes.contains(QLatin1String("givenname")) && attributes.contains(QLatin1String("sn"))) {
        return QStringLiteral("{givenName}.{sn}@{domain}");
    }
    return fallback;
}

QString modeText(AttributeRule::Mode mode)
{
    switch (mode) {
    case AttributeRule::Sync:
        return AttributesController::tr("Sync");
    case AttributeRule::Anonymize:
        return AttributesController::tr("Anonymize");
    case AttributeRule::Static:
        return AttributesController::tr("Static");
    case AttributeRule::Never:
        return AttributesController::tr("Never");
    }
    return {};
}

} // namespace

void AttributesController::initialize()
{
    const QString preset = context()->profile.directory.value(QLatin1String("type")).toString();
    if (!m_initialized || preset != m_preset) {
        // A different kind of directory spells its attributes differently: start again from its defaults, but keep
        // what does not depend on the directory.
        const QByteArray salt = m_initialized ? m_rules.anonymizeSalt : randomSalt();
        const QString location = m_initialized ? m_rules.defaultUsageLocation : localeCountry();
        m_rules = Sync::MappingRules::defaults(preset == QLatin1String("activedirectory")
                                                   ? Sync::MappingRules::Preset::ActiveDirectory
                                                   : Sync::MappingRules::Preset::InetOrgPerson);
        m_rules.anonymizeSalt = salt;
        m_rules.defaultUsageLocation = location;
        if (preset == QLatin1String("csv")) {
            m_rules.upnTemplate = csvUpnTemplate(context()->csvOptions.mapping, m_rules.upnTemplate);
        }
        if (preset == QLatin1String("univention") && m_scopeFilter.isEmpty()) {
            // UCS marks the users meant for Microsoft 365 itself.
            m_scopeFilter = Sync::Scope::ucsPreset().filter();
        }
        m_preset = preset;
        m_initialized = true;
    }
    m_rules.domain = context()->upnDomain;
    m_sampleIndex = qBound(0, m_sampleIndex, qMax(0, int(samples().size()) - 1));
    edited();
}

Sync::Scope AttributesController::scope() const
{
    return Sync::Scope::fromFilter(m_scopeFilter).value;
}

void AttributesController::setRuleMode(int row, Sync::AttributeRule::Mode mode)
{
    if (row < 0 || row >= m_rules.rules.size() || m_rules.rules.at(row).mode == mode) {
        return;
    }
    m_rules.rules[row].mode = mode;
    edited();
}

void AttributesController::setStaticValue(int row, const QString &value)
{
    if (row < 0 || row >= m_rules.rules.size() || m_rules.rules.at(row).staticValue == value) {
        return;
    }
    m_rules.rules[row].staticValue = value;
    edited();
}

void AttributesController::setDirectoryAttribute(int row, const QString &attributes)
{
    const QString trimmed = attributes.trimmed();
    if (row < 0 || row >= m_rules.rules.size() || m_rules.rules.at(row).directoryAttribute == trimmed) {
        return;
    }
    m_rules.rules[row].directoryAttribute = trimmed;
    edited();
}

void AttributesController::setDefaultUsageLocation(const QString &location)
{
    const QString upper = location.trimmed().toUpper();
    if (m_rules.defaultUsageLocation != upper) {
        m_rules.defaultUsageLocation = upper;
        edited();
    }
}

void AttributesController::setUpnTemplate(const QString &upnTemplate)
{
    if (m_rules.upnTemplate != upnTemplate.trimmed()) {
        m_rules.upnTemplate = upnTemplate.trimmed();
        edited();
    }
}

void AttributesController::setScopeFilter(const QString &filter)
{
    if (m_scopeFilter != filter.trimmed()) {
        m_scopeFilter = filter.trimmed();
        edited();
    }
}

QList<Directory::DirectoryEntry> AttributesController::samples() const
{
    return context()->directorySamples.mid(0, MaxSamples);
}

QString AttributesController::sampleLabel(const Directory::DirectoryEntry &entry)
{
    QString name = entry.value(QStringLiteral("displayName"));
    if (name.isEmpty()) {
        name = entry.value(QStringLiteral("cn"));
    }
    return name.isEmpty() ? entry.dn : name;
}

void AttributesController::setSampleIndex(int index)
{
    if (index >= 0 && index < samples().size() && index != m_sampleIndex) {
        m_sampleIndex = index;
        Q_EMIT changed();
    }
}

QJsonObject AttributesController::sampleObject() const
{
    const QList<Directory::DirectoryEntry> entries = samples();
    if (entries.isEmpty()) {
        return {};
    }
    // The same body the planner sends for a new user: the managed properties that have a value, the anchor, and
    // what Graph requires on create even when the rules do not manage it.
    const Directory::DirectoryEntry &entry = entries.at(qBound(0, m_sampleIndex, int(entries.size()) - 1));
    const Sync::MappedUser user = Sync::UserMapper(sampleRules()).map(entry);
    QJsonObject object;
    for (const Sync::MappedProperty &property : user.properties) {
        if (!property.value.isEmpty()) {
            object.insert(property.name, property.value.toJson());
        }
    }
    object.insert(QStringLiteral("onPremisesImmutableId"), Sync::Planner::immutableId(entry));
    if (!object.contains(QLatin1String("accountEnabled"))) {
        object.insert(QStringLiteral("accountEnabled"), !entry.disabled);
    }
    object.insert(QStringLiteral("userPrincipalName"), user.userPrincipalName);
    object.insert(QStringLiteral("mailNickname"), user.mailNickname);
    return object;
}

QString AttributesController::sampleNote() const
{
    const QList<Directory::DirectoryEntry> entries = samples();
    if (entries.isEmpty()) {
        return tr("The directory test found no users to show here.");
    }
    const Directory::DirectoryEntry &entry = entries.at(qBound(0, m_sampleIndex, int(entries.size()) - 1));
    const Result<Sync::Scope> parsed = Sync::Scope::fromFilter(m_scopeFilter);
    if (parsed.ok() && !parsed.value.matchesFilter(entry)) {
        return tr("%1 is outside the scope: a sync would not create this user.").arg(sampleLabel(entry));
    }
    const Sync::MappedUser user = Sync::UserMapper(sampleRules()).map(entry);
    if (!user.isValid()) {
        return tr("A sync would not create this user: %1.").arg(user.invalidReason);
    }
    return {};
}

Sync::MappingRules AttributesController::sampleRules() const
{
    // A usage location that is still being typed is not shown as if a sync would write it.
    Sync::MappingRules rules = m_rules;
    if (!usageLocationProblem(rules.defaultUsageLocation).isEmpty()) {
        rules.defaultUsageLocation.clear();
    }
    return rules;
}

QString AttributesController::usageLocationProblem(const QString &location)
{
    if (location.isEmpty()
        || (location.size() == 2 && isUpperAsciiLetter(location.at(0)) && isUpperAsciiLetter(location.at(1)))) {
        return {};
    }
    return tr("The default usage location must be two letters A–Z, a country code such as DE or US.");
}

QString AttributesController::upnTemplateProblem(const Sync::MappingRules &rules)
{
    const QString &t = rules.upnTemplate;
    if (t.trimmed().isEmpty()) {
        return tr("Enter a user name rule, for example {uid}@{domain}.");
    }
    // Directory attributes a never-rule keeps out of the sync are empty for the user name rule too.
    QStringList never;
    for (const AttributeRule &rule : rules.rules) {
        if (rule.mode == AttributeRule::Never) {
            for (const QString &attribute : rule.directoryAttribute.split(QLatin1Char('|'), Qt::SkipEmptyParts)) {
                never.append(attribute.trimmed().toLower());
            }
        }
    }
    // The same reading as UserMapper's, with a stand-in value for each attribute, so that what is left can be
    // checked as a user name.
    QString rendered;
    bool hasAttribute = false;
    for (int pos = 0; pos < t.size();) {
        const QChar c = t.at(pos);
        if (c == QLatin1Char('}')) {
            return tr("The user name rule has a \"}\" without a \"{\" before it.");
        }
        if (c != QLatin1Char('{')) {
            rendered += c;
            ++pos;
            continue;
        }
        const int close = int(t.indexOf(QLatin1Char('}'), pos));
        const QString name = close < 0 ? QString() : t.mid(pos + 1, close - pos - 1).trimmed();
        if (close < 0 || name.contains(QLatin1Char('{'))) {
            return tr("The user name rule has a \"{\" without a \"}\" after it.");
        }
        if (name.isEmpty()) {
            return tr("The user name rule has an empty placeholder \"{}\".");
        }
        if (!isAttributeName(name)) {
            return tr("\"{%1}\" in the user name rule is not a directory attribute name.").arg(name);
        }
        if (name.compare(QLatin1String("domain"), Qt::CaseInsensitive) == 0) {
            rendered += rules.domain;
        } else {
            if (never.contains(name.toLower())) {
                return tr("The user name rule uses %1, which a Never rule keeps out of the sync.").arg(name);
            }
            hasAttribute = true;
            rendered += QLatin1Char('x');
        }
        pos = close + 1;
    }
    if (!hasAttribute) {
        return tr("The user name rule needs a directory attribute such as {uid}; otherwise every user gets the same "
                  "name.");
    }
    const Sync::UpnResult upn = Sync::MappingRules::normalizeUpn(rendered, rules.domain.trimmed().toLower());
    if (!upn.ok()) {
        return tr("The user name rule does not make a valid user name: %1.").arg(upn.invalidReason);
    }
    return {};
}

QStringList AttributesController::problems() const
{
    QStringList out;
    for (const AttributeRule &rule : m_rules.rules) {
        if (rule.mode == AttributeRule::Static && rule.staticValue.trimmed().isEmpty()) {
            out.append(tr("Enter the static value for %1, or choose another mode.").arg(rule.graphProperty));
        } else if (rule.mode == AttributeRule::Sync && rule.directoryAttribute.trimmed().isEmpty()) {
            out.append(tr("Name the directory attribute for %1, or choose another mode.").arg(rule.graphProperty));
        }
    }
    const QString location = usageLocationProblem(m_rules.defaultUsageLocation);
    if (!location.isEmpty()) {
        out.append(location);
    }
    const QString upn = upnTemplateProblem(m_rules);
    if (!upn.isEmpty()) {
        out.append(upn);
    }
    const Result<Sync::Scope> parsed = Sync::Scope::fromFilter(m_scopeFilter);
    if (!parsed.ok()) {
        out.append(parsed.error.userMessage);
    }
    return out;
}

bool AttributesController::isInputComplete() const
{
    return m_initialized && problems().isEmpty();
}

void AttributesController::validate()
{
    if (!isInputComplete()) {
        finishValidation(false);
        return;
    }
    QJsonObject sync = context()->profile.sync;
    sync.insert(QStringLiteral("rules"), m_rules.toJson());
    sync.insert(QStringLiteral("scope"), scope().toJson());
    context()->profile.sync = sync;
    finishValidation(true);
}

void AttributesController::edited()
{
    showProblems(problems());
    invalidate();
    Q_EMIT changed();
}

AttributesPage::AttributesPage(AttributesController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_usageLocation(new QLineEdit(this))
    , m_upnRule(new QLineEdit(this))
    , m_upnDomain(new QLabel(this))
    , m_scopeFilter(new QLineEdit(this))
    , m_sampleCombo(new QComboBox(this))
    , m_sampleView(new QPlainTextEdit(this))
    , m_sampleNote(new QLabel(this))
{
    setTitle(tr("Attributes & scope"));
    setSubTitle(tr("How directory attributes become Microsoft 365 user properties, and which users are synchronised."));
    m_table->setObjectName(QStringLiteral("attributesRulesTable"));
    m_usageLocation->setObjectName(QStringLiteral("usageLocationEdit"));
    m_upnRule->setObjectName(QStringLiteral("upnRuleEdit"));
    m_upnDomain->setObjectName(QStringLiteral("upnDomainLabel"));
    m_scopeFilter->setObjectName(QStringLiteral("scopeFilterEdit"));
    m_sampleCombo->setObjectName(QStringLiteral("attributesSampleCombo"));
    m_sampleView->setObjectName(QStringLiteral("attributesSampleView"));
    m_sampleNote->setObjectName(QStringLiteral("attributesSampleNote"));

    m_table->setHorizontalHeaderLabels(
        {tr("Directory attribute"), tr("Graph property"), tr("Mode"), tr("Static value")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::SelectedClicked
                             | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    // Long attribute lists are elided (the tooltip has them); the static value takes the room that is left.
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(AttributeColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(PropertyColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ModeColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(StaticValueColumn, QHeaderView::Stretch);
    m_table->setColumnWidth(AttributeColumn,
                            m_table->fontMetrics().horizontalAdvance(QStringLiteral("displayName|cn")) * 3 / 2);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setWordWrap(false);
    m_table->setToolTip(tr("Sync: the directory's value. Anonymize: a random value that stays the same for the "
                           "user. Static: the same value for everyone. Never: m365sync never writes the property."));

    m_usageLocation->setMaxLength(2);
    m_usageLocation->setPlaceholderText(tr("e.g. DE"));
    m_usageLocation->setMaximumWidth(
        m_usageLocation->fontMetrics().horizontalAdvance(m_usageLocation->placeholderText() + QStringLiteral("MM"))
        + 16);
    m_usageLocation->setToolTip(tr("Microsoft 365 assigns licences only to users with a usage location. A country "
                                   "the directory has for a user wins over this default."));
    m_upnRule->setPlaceholderText(QStringLiteral("{uid}@{domain}"));
    m_upnRule->setToolTip(tr("Directory attributes in braces, e.g. {givenName}.{sn}@{domain}. Accents are "
                             "dropped and spaces become dots."));
    m_scopeFilter->setPlaceholderText(tr("Empty: every user. For example (departmentNumber=Engineering)"));
    m_scopeFilter->setToolTip(tr("An LDAP filter on the users read from the directory: (&…), (|…), (!…), "
                                 "(attribute=value) and * wildcards."));

    m_sampleView->setReadOnly(true);
    m_sampleView->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // Long values (the immutable ID) wrap rather than hide behind a scroll bar.
    m_sampleView->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_sampleNote->setWordWrap(true);
    m_sampleNote->setStyleSheet(QStringLiteral("color: #8a5300;"));

    auto *locationRow = new QHBoxLayout;
    locationRow->addWidget(m_usageLocation);
    auto *locationHint = new QLabel(tr("Used when the directory has no country for a user."), this);
    locationHint->setWordWrap(true);
    locationRow->addWidget(locationHint, 1);
    auto *upnRow = new QHBoxLayout;
    upnRow->addWidget(m_upnRule, 1);
    upnRow->addWidget(m_upnDomain);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("User name rule:"), upnRow);
    form->addRow(tr("Default usage location:"), locationRow);
    form->addRow(tr("Scope filter:"), m_scopeFilter);

    // The rules on the left, the sample user they make on the right; the two headers share a row.
    auto *sampleHeader = new QHBoxLayout;
    sampleHeader->addWidget(new QLabel(tr("Sample user:"), this));
    sampleHeader->addWidget(m_sampleCombo, 1);
    auto *columns = new QGridLayout;
    columns->addWidget(new QLabel(tr("Attribute rules:"), this), 0, 0);
    columns->addLayout(sampleHeader, 0, 1);
    columns->addWidget(m_table, 1, 0, 2, 1);
    columns->addWidget(m_sampleView, 1, 1);
    columns->addWidget(m_sampleNote, 2, 1);
    columns->setColumnStretch(0, 3);
    columns->setColumnStretch(1, 2);
    columns->setRowStretch(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(columns, 1);
    layout->addWidget(banner());

    connect(m_table, &QTableWidget::cellChanged, this, &AttributesPage::onItemChanged);
    connect(m_usageLocation, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (m_filling) {
            return;
        }
        const QString upper = text.toUpper();
        if (upper != text) {
            // Country codes are upper case; the re-entrant call passes the text on.
            const int cursor = m_usageLocation->cursorPosition();
            m_usageLocation->setText(upper);
            m_usageLocation->setCursorPosition(cursor);
            return;
        }
        m_controller->setDefaultUsageLocation(text);
    });
    connect(m_upnRule, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (!m_filling) {
            m_controller->setUpnTemplate(text);
        }
    });
    connect(m_scopeFilter, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (!m_filling) {
            m_controller->setScopeFilter(text);
        }
    });
    connect(m_sampleCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_filling) {
            m_controller->setSampleIndex(index);
        }
    });
}

void AttributesPage::initializePage()
{
    m_controller->initialize();
    m_filling = true;
    const Sync::MappingRules &rules = m_controller->rules();
    m_usageLocation->setText(rules.defaultUsageLocation);
    m_upnRule->setText(rules.upnTemplate);
    m_scopeFilter->setText(m_controller->scopeFilter());
    m_upnDomain->setText(rules.domain.isEmpty() ? QString() : tr("{domain} is %1").arg(rules.domain));
    m_sampleCombo->clear();
    const auto samples = m_controller->samples();
    for (const Directory::DirectoryEntry &entry : samples) {
        m_sampleCombo->addItem(AttributesController::sampleLabel(entry));
    }
    m_sampleCombo->setCurrentIndex(m_controller->sampleIndex());
    m_sampleCombo->setEnabled(samples.size() > 1);
    m_filling = false;
    fillTable();
    refresh();
}

void AttributesPage::fillTable()
{
    m_filling = true;
    const QList<Sync::AttributeRule> &rules = m_controller->rules().rules;
    m_table->clearContents();
    m_table->setRowCount(int(rules.size()));
    for (int row = 0; row < rules.size(); ++row) {
        const Sync::AttributeRule &rule = rules.at(row);
        auto *attribute = new QTableWidgetItem(rule.directoryAttribute);
        attribute->setToolTip(
            tr("%1\nAlternatives separated by \"|\": the first one the user has wins.").arg(rule.directoryAttribute));
        m_table->setItem(row, AttributeColumn, attribute);
        auto *property = new QTableWidgetItem(rule.graphProperty);
        property->setFlags(Qt::ItemIsEnabled);
        m_table->setItem(row, PropertyColumn, property);
        m_table->setItem(row, StaticValueColumn, new QTableWidgetItem(rule.staticValue));

        auto *mode = new QComboBox(m_table);
        mode->setObjectName(QStringLiteral("ruleModeCombo_%1").arg(rule.graphProperty));
        for (AttributeRule::Mode m :
             {AttributeRule::Sync, AttributeRule::Anonymize, AttributeRule::Static, AttributeRule::Never}) {
            mode->addItem(modeText(m), int(m));
        }
        mode->setCurrentIndex(mode->findData(int(rule.mode)));
        connect(mode, &QComboBox::currentIndexChanged, this, [this, row, mode] {
            const auto chosen = AttributeRule::Mode(mode->currentData().toInt());
            if (chosen != AttributeRule::Static && m_table->currentRow() == row
                && m_table->currentColumn() == StaticValueColumn) {
                // Moving away closes (and commits) an open value editor.
                m_table->setCurrentCell(row, AttributeColumn);
            }
            m_controller->setRuleMode(row, chosen);
            QTableWidgetItem *value = m_table->item(row, StaticValueColumn);
            if (chosen == AttributeRule::Static && value && value->text().isEmpty()) {
                // A static rule needs its value: ask for it right away.
                m_table->setCurrentItem(value);
                m_table->editItem(value);
            }
        });
        m_table->setCellWidget(row, ModeColumn, mode);
    }
    m_table->resizeRowsToContents();
    m_filling = false;
}

void AttributesPage::onItemChanged(int row, int column)
{
    if (m_filling) {
        return;
    }
    const QString text = m_table->item(row, column) ? m_table->item(row, column)->text() : QString();
    if (column == AttributeColumn) {
        m_controller->setDirectoryAttribute(row, text);
    } else if (column == StaticValueColumn) {
        m_controller->setStaticValue(row, text);
    }
}

void AttributesPage::refresh()
{
    // The static value is only editable, and only shown as in force, for Static rows.
    const bool wasFilling = m_filling;
    m_filling = true;
    const QList<Sync::AttributeRule> &rules = m_controller->rules().rules;
    for (int row = 0; row < qMin(int(rules.size()), m_table->rowCount()); ++row) {
        QTableWidgetItem *value = m_table->item(row, StaticValueColumn);
        if (!value) {
            continue;
        }
        const bool isStatic = rules.at(row).mode == AttributeRule::Static;
        const Qt::ItemFlags flags =
            isStatic ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable : Qt::ItemFlags(Qt::NoItemFlags);
        if (value->flags() != flags) {
            value->setFlags(flags);
        }
        const QString tip = isStatic ? tr("Double-click to enter the value every user gets.") : QString();
        if (value->toolTip() != tip) {
            value->setToolTip(tip);
        }
        // The same colours as the error banner mark a static value still missing.
        const QBrush background =
            isStatic && rules.at(row).staticValue.trimmed().isEmpty() ? QBrush(QColor(0xfd, 0xe7, 0xe9)) : QBrush();
        if (value->background() != background) {
            value->setBackground(background);
        }
    }
    m_filling = wasFilling;

    const QJsonObject sample = m_controller->sampleObject();
    QString json;
    if (!sample.isEmpty()) {
        // Two spaces per level rather than QJsonDocument's four: the pane is narrow.
        const QStringList lines =
            QString::fromUtf8(QJsonDocument(sample).toJson(QJsonDocument::Indented)).trimmed().split(QLatin1Char('\n'));
        QStringList narrow;
        for (const QString &line : lines) {
            qsizetype indent = 0;
            while (indent < line.size() && line.at(indent) == QLatin1Char(' ')) {
                ++indent;
            }
            narrow.append(line.mid(indent / 2));
        }
        json = narrow.join(QLatin1Char('\n'));
    }
    if (m_sampleView->toPlainText() != json) {
        // Keep the admin's place in the sample while editing.
        const int scroll = m_sampleView->verticalScrollBar()->value();
        m_sampleView->setPlainText(json);
        m_sampleView->verticalScrollBar()->setValue(scroll);
    }
    const QString note = m_controller->sampleNote();
    m_sampleNote->setText(note);
    m_sampleNote->setVisible(!note.isEmpty());
}

} // namespace M365::Ui
