// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "settingstab.h"

#include "dashboardcontroller.h"
#include "directorybox.h"
#include "errorbanner.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontMetrics>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyle>
#include <QTableWidget>
#include <QTimeEdit>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace M365::Ui {

namespace {

constexpr Sync::AttributeRule::Mode ruleModes[] = {
    Sync::AttributeRule::Sync, Sync::AttributeRule::Anonymize, Sync::AttributeRule::Static, Sync::AttributeRule::Never};

QString ruleModeText(Sync::AttributeRule::Mode mode)
{
    switch (mode) {
    case Sync::AttributeRule::Sync:
        return SettingsTab::tr("Sync");
    case Sync::AttributeRule::Anonymize:
        return SettingsTab::tr("Anonymize");
    case Sync::AttributeRule::Static:
        return SettingsTab::tr("Fixed value");
    case Sync::AttributeRule::Never:
        return SettingsTab::tr("Never");
    }
    return QString();
}

/// The columns of the rules table.
enum RuleColumn { AttributeColumn, PropertyColumn, ModeColumn, ValueColumn, WarningColumn, RuleColumnCount };

QStringList splitList(const QString &text)
{
    QStringList items;
    for (const QString &item : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        if (!item.trimmed().isEmpty()) {
            items.append(item.trimmed());
        }
    }
    return items;
}

} // namespace

SettingsTab::SettingsTab(DashboardController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_banner(new ErrorBanner(this))
    , m_rules(new QTableWidget(0, RuleColumnCount, this))
    , m_ruleWarnings(new QLabel(this))
    , m_upnTemplate(new QLineEdit(this))
    , m_upnSuffixes(new QLineEdit(this))
    , m_usageLocation(new QLineEdit(this))
    , m_scopeFilter(new QLineEdit(this))
    , m_scopeGroups(new QLineEdit(this))
    , m_groupFilter(new QLineEdit(this))
    , m_syncGroups(new QCheckBox(tr("Create security groups for the directory's groups"), this))
    , m_softMatch(new QCheckBox(tr("Adopt existing cloud users with the same user name (soft match)"), this))
    , m_hardDelete(new QCheckBox(tr("Delete, rather than disable, users who leave the scope"), this))
    , m_disablePrefix(new QLineEdit(this))
    , m_licenceNote(new QLabel(this))
    , m_guardMode(new QComboBox(this))
    , m_guardCount(new QSpinBox(this))
    , m_guardPercent(new QDoubleSpinBox(this))
    , m_pollInterval(new QSpinBox(this))
    , m_scheduleEnabled(new QCheckBox(tr("Synchronize automatically"), this))
    , m_scheduleEvery(new QComboBox(this))
    , m_scheduleAt(new QTimeEdit(QTime(2, 0), this))
    , m_directory(new DirectoryBox(controller, this))
    , m_exclusions(new QListWidget(this))
    , m_includeAgain(new QPushButton(tr("Include again"), this))
    , m_apply(new QPushButton(tr("Apply"), this))
    , m_revert(new QPushButton(tr("Revert"), this))
{
    m_banner->setObjectName(QStringLiteral("settingsBanner"));

    // Rules.
    m_rules->setObjectName(QStringLiteral("settingsRulesTable"));
    m_rules->setHorizontalHeaderLabels(
        {tr("Directory attribute"), tr("Microsoft 365 property"), tr("Mode"), tr("Fixed value"), QString()});
    m_rules->verticalHeader()->hide();
    // The fixed value takes the room left; the last column only holds a rule's warning sign.
    m_rules->horizontalHeader()->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    // The columns fit their headers and the longest mode, in every language, so that the fixed value keeps room.
    QComboBox probe;
    for (const auto m : ruleModes) {
        probe.addItem(ruleModeText(m));
    }
    const QFontMetrics header = m_rules->horizontalHeader()->fontMetrics();
    m_rules->setColumnWidth(0, qMax(150, header.horizontalAdvance(m_rules->horizontalHeaderItem(0)->text()) + 16));
    m_rules->setColumnWidth(1, qMax(150, header.horizontalAdvance(m_rules->horizontalHeaderItem(1)->text()) + 16));
    m_rules->setColumnWidth(2, qMax(120, probe.sizeHint().width()));
    m_rules->setColumnWidth(WarningColumn, 28);
    m_rules->setMinimumHeight(220);
    auto *addRule = new QPushButton(tr("Add rule"), this);
    addRule->setObjectName(QStringLiteral("settingsAddRuleButton"));
    auto *removeRule = new QPushButton(tr("Remove rule"), this);
    removeRule->setObjectName(QStringLiteral("settingsRemoveRuleButton"));
    connect(addRule, &QPushButton::clicked, this, [this] {
        addRuleRow(Sync::AttributeRule{});
        setModified(true);
    });
    connect(removeRule, &QPushButton::clicked, this, [this] {
        if (m_rules->currentRow() >= 0) {
            m_rules->removeRow(m_rules->currentRow());
            setModified(true);
            updateRuleWarnings();
        }
    });
    connect(m_rules, &QTableWidget::itemChanged, this, [this] {
        setModified(true);
        updateRuleWarnings();
    });
    // What Graph lets this app write, folded away until asked for.
    m_capabilities = createCapabilityList();
    auto *showCapabilities = new QToolButton(this);
    showCapabilities->setObjectName(QStringLiteral("capabilityListButton"));
    showCapabilities->setText(tr("What Microsoft Graph lets this app write"));
    showCapabilities->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    showCapabilities->setArrowType(Qt::RightArrow);
    showCapabilities->setCheckable(true);
    showCapabilities->setAutoRaise(true);
    connect(showCapabilities, &QToolButton::toggled, this, [this, showCapabilities](bool shown) {
        showCapabilities->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
        m_capabilities->setVisible(shown);
        if (shown) {
            // Once laid out: the wrapped reasons need the width the table gets.
            QTimer::singleShot(0, m_capabilities, &QTableWidget::resizeRowsToContents);
        }
    });
    m_upnTemplate->setObjectName(QStringLiteral("settingsUpnTemplateEdit"));
    m_upnSuffixes->setObjectName(QStringLiteral("settingsUpnSuffixesEdit"));
    m_upnSuffixes->setPlaceholderText(tr("e.g. corp.local=contoso.com; empty: user names keep their suffix"));
    m_upnSuffixes->setToolTip(tr("User name suffixes that Microsoft 365 cannot verify, such as an Active Directory's "
                                 "corp.local, each with the verified domain that replaces it, separated by \";\""));
    m_usageLocation->setObjectName(QStringLiteral("settingsUsageLocationEdit"));
    m_usageLocation->setMaxLength(2);
    m_usageLocation->setPlaceholderText(tr("e.g. DE"));
    auto *rulesBox = new QGroupBox(tr("Attribute rules"), this);
    auto *rulesLayout = new QVBoxLayout(rulesBox);
    m_ruleWarnings->setObjectName(QStringLiteral("settingsRuleWarnings"));
    m_ruleWarnings->setWordWrap(true);
    m_ruleWarnings->setTextFormat(Qt::PlainText);
    m_ruleWarnings->hide();
    // Above the table, where they are seen without scrolling to the rule.
    rulesLayout->addWidget(m_ruleWarnings);
    rulesLayout->addWidget(m_rules, 1);
    auto *ruleButtons = new QHBoxLayout;
    ruleButtons->addWidget(addRule);
    ruleButtons->addWidget(removeRule);
    ruleButtons->addStretch();
    ruleButtons->addWidget(showCapabilities);
    rulesLayout->addLayout(ruleButtons);
    rulesLayout->addWidget(m_capabilities);
    auto *upnForm = new QFormLayout;
    upnForm->addRow(tr("User name template:"), m_upnTemplate);
    upnForm->addRow(tr("Rewrite suffixes:"), m_upnSuffixes);
    upnForm->addRow(tr("Default usage location:"), m_usageLocation);
    rulesLayout->addLayout(upnForm);

    // Scope and options.
    m_scopeFilter->setObjectName(QStringLiteral("settingsScopeFilterEdit"));
    m_scopeFilter->setPlaceholderText(tr("LDAP filter, e.g. (departmentNumber=Sales); empty: everyone"));
    m_scopeGroups->setObjectName(QStringLiteral("settingsScopeGroupsEdit"));
    m_scopeGroups->setPlaceholderText(tr("Group DNs or anchors, separated by \";\"; empty: no group condition"));
    m_groupFilter->setObjectName(QStringLiteral("settingsGroupFilterEdit"));
    m_groupFilter->setPlaceholderText(tr("LDAP filter, e.g. (cn=M365-*); empty: every group read"));
    m_groupFilter->setToolTip(tr("Which of the directory's groups become groups in Microsoft 365; which containers "
                                 "they are read from is chosen under Directory"));
    m_syncGroups->setObjectName(QStringLiteral("settingsSyncGroupsCheck"));
    m_softMatch->setObjectName(QStringLiteral("settingsSoftMatchCheck"));
    m_hardDelete->setObjectName(QStringLiteral("settingsHardDeleteCheck"));
    m_disablePrefix->setObjectName(QStringLiteral("settingsDisablePrefixEdit"));
    auto *scopeBox = new QGroupBox(tr("Scope"), this);
    auto *scopeForm = new QFormLayout(scopeBox);
    scopeForm->addRow(tr("Users matching:"), m_scopeFilter);
    scopeForm->addRow(tr("Members of:"), m_scopeGroups);
    scopeForm->addRow(m_syncGroups);
    scopeForm->addRow(tr("Groups matching:"), m_groupFilter);
    scopeForm->addRow(m_softMatch);
    scopeForm->addRow(m_hardDelete);
    scopeForm->addRow(tr("Prefix for disabled users:"), m_disablePrefix);
    m_licenceNote->setObjectName(QStringLiteral("settingsLicenceNote"));
    m_licenceNote->setWordWrap(true);
    m_licenceNote->setText(tr("Chosen on the Licences tab, which lists the tenant's subscriptions and their seats."));
    scopeForm->addRow(tr("Licences:"), m_licenceNote);

    // Deletion guard.
    m_guardMode->setObjectName(QStringLiteral("settingsGuardModeCombo"));
    m_guardMode->addItem(tr("Default (10 % of managed objects, at most 500)"), int(Sync::DeletionGuard::Mode::Default));
    m_guardMode->addItem(tr("At most a number of objects"), int(Sync::DeletionGuard::Mode::Count));
    m_guardMode->addItem(tr("At most a share of managed objects"), int(Sync::DeletionGuard::Mode::Percent));
    m_guardCount->setObjectName(QStringLiteral("settingsGuardCountSpin"));
    m_guardCount->setRange(0, 1000000);
    m_guardPercent->setObjectName(QStringLiteral("settingsGuardPercentSpin"));
    m_guardPercent->setRange(0, 100);
    m_guardPercent->setSuffix(tr(" %"));
    auto *guardBox = new QGroupBox(tr("Deletion guard"), this);
    auto *guardForm = new QFormLayout(guardBox);
    auto *guardNote = new QLabel(tr("A sync that would disable, delete or unlicense more objects than this asks "
                                    "for confirmation first."),
                                 guardBox);
    guardNote->setWordWrap(true);
    guardForm->addRow(guardNote);
    guardForm->addRow(tr("Limit:"), m_guardMode);
    guardForm->addRow(tr("Objects:"), m_guardCount);
    guardForm->addRow(tr("Share:"), m_guardPercent);
    const auto updateGuardFields = [this] {
        const auto mode = Sync::DeletionGuard::Mode(m_guardMode->currentData().toInt());
        m_guardCount->setEnabled(mode == Sync::DeletionGuard::Mode::Count);
        m_guardPercent->setEnabled(mode == Sync::DeletionGuard::Mode::Percent);
    };
    connect(m_guardMode, &QComboBox::currentIndexChanged, this, updateGuardFields);

    // Schedule.
    m_pollInterval->setObjectName(QStringLiteral("settingsPollIntervalSpin"));
    m_pollInterval->setRange(15, 3600);
    m_pollInterval->setSuffix(tr(" s"));
    m_scheduleEnabled->setObjectName(QStringLiteral("settingsScheduleCheck"));
    m_scheduleEvery->setObjectName(QStringLiteral("settingsScheduleCombo"));
    m_scheduleEvery->addItem(tr("Every hour"), int(Sync::Schedule::Every::Hour));
    m_scheduleEvery->addItem(tr("Every 4 hours"), int(Sync::Schedule::Every::FourHours));
    m_scheduleEvery->addItem(tr("Daily"), int(Sync::Schedule::Every::Day));
    m_scheduleAt->setObjectName(QStringLiteral("settingsScheduleTimeEdit"));
    m_scheduleAt->setDisplayFormat(QStringLiteral("HH:mm"));
#ifdef Q_OS_WIN
    const QString scheduler = tr("a Windows Task Scheduler task");
#else
    const QString scheduler = tr("a systemd user timer");
#endif
    auto *scheduleNote =
        new QLabel(tr("Runs \"m365sync-cli sync --yes\" for this profile from %1, also when the app is "
                      "closed. The deletion guard still stops a run that would remove too much.")
                       .arg(scheduler),
                   this);
    scheduleNote->setObjectName(QStringLiteral("settingsScheduleNote"));
    scheduleNote->setWordWrap(true);
    const auto updateScheduleFields = [this] {
        m_scheduleEvery->setEnabled(m_scheduleEnabled->isChecked());
        m_scheduleAt->setEnabled(m_scheduleEnabled->isChecked());
    };
    connect(m_scheduleEnabled, &QCheckBox::toggled, this, updateScheduleFields);
    updateScheduleFields();
    auto *scheduleBox = new QGroupBox(tr("Schedule"), this);
    auto *scheduleForm = new QFormLayout(scheduleBox);
    scheduleForm->addRow(m_scheduleEnabled);
    scheduleForm->addRow(tr("Run:"), m_scheduleEvery);
    scheduleForm->addRow(tr("At:"), m_scheduleAt);
    scheduleForm->addRow(scheduleNote);
    scheduleForm->addRow(tr("Check the tenant for changes every:"), m_pollInterval);

    // Exclusions: objects left unchecked when a run started; every run leaves them alone until included again.
    m_exclusions->setObjectName(QStringLiteral("settingsExclusionsList"));
    m_exclusions->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_exclusions->setMaximumHeight(m_exclusions->fontMetrics().height() * 6 + 2 * m_exclusions->frameWidth() + 12);
    m_includeAgain->setObjectName(QStringLiteral("settingsIncludeAgainButton"));
    m_includeAgain->setToolTip(tr("Synchronize the selected objects again from the next plan on"));
    auto *exclusionsNote =
        new QLabel(tr("Objects whose changes were unchecked when a sync started. No sync changes them, also not "
                      "the scheduled one, until you include them again."),
                   this);
    exclusionsNote->setWordWrap(true);
    auto *exclusionsBox = new QGroupBox(tr("Exclusions"), this);
    auto *exclusionsLayout = new QVBoxLayout(exclusionsBox);
    exclusionsLayout->addWidget(exclusionsNote);
    // The button beside the list, at its top: below it, it was the last thing of the tab and ended up at the
    // window's bottom edge (in German, whose longer texts make the boxes above taller).
    auto *exclusionsRow = new QHBoxLayout;
    exclusionsRow->addWidget(m_exclusions, 1);
    auto *includeColumn = new QVBoxLayout;
    includeColumn->addWidget(m_includeAgain);
    includeColumn->addStretch();
    exclusionsRow->addLayout(includeColumn);
    exclusionsLayout->addLayout(exclusionsRow);
    connect(m_exclusions, &QListWidget::itemSelectionChanged, this, [this] {
        m_includeAgain->setEnabled(!m_exclusions->selectedItems().isEmpty());
    });
    connect(m_includeAgain, &QPushButton::clicked, this, &SettingsTab::includeSelectedAgain);
    connect(m_directory, &DirectoryBox::edited, this, [this] {
        setModified(true);
    });
    connect(m_controller, &DashboardController::exclusionsChanged, this, &SettingsTab::loadExclusions);

    m_apply->setObjectName(QStringLiteral("settingsApplyButton"));
    m_apply->setToolTip(tr("Save the settings to the profile and update the preview"));
    m_revert->setObjectName(QStringLiteral("settingsRevertButton"));
    connect(m_apply, &QPushButton::clicked, this, &SettingsTab::apply);
    connect(m_revert, &QPushButton::clicked, this, &SettingsTab::load);

    for (QLineEdit *edit : {m_upnTemplate,
                            m_upnSuffixes,
                            m_usageLocation,
                            m_scopeFilter,
                            m_scopeGroups,
                            m_groupFilter,
                            m_disablePrefix}) {
        connect(edit, &QLineEdit::textEdited, this, [this] {
            setModified(true);
        });
    }
    connect(m_scheduleEvery, &QComboBox::activated, this, [this] {
        setModified(true);
    });
    connect(m_scheduleAt, &QTimeEdit::timeChanged, this, [this] {
        setModified(true);
    });
    for (QCheckBox *check : {m_syncGroups, m_softMatch, m_hardDelete, m_scheduleEnabled}) {
        connect(check, &QCheckBox::toggled, this, [this] {
            setModified(true);
        });
    }
    connect(m_guardMode, &QComboBox::activated, this, [this] {
        setModified(true);
    });
    connect(m_guardCount, &QSpinBox::valueChanged, this, [this] {
        setModified(true);
    });
    connect(m_guardPercent, &QDoubleSpinBox::valueChanged, this, [this] {
        setModified(true);
    });
    connect(m_pollInterval, &QSpinBox::valueChanged, this, [this] {
        setModified(true);
    });

    auto *columns = new QHBoxLayout;
    // Where from and how (the directory with its containers, the rules) on the left; which, how safely and when on
    // the right. The container tree makes the directory tall: beside the scope it keeps both columns of a height.
    auto *left = new QVBoxLayout;
    left->addWidget(m_directory);
    left->addWidget(rulesBox, 1);
    auto *right = new QVBoxLayout;
    right->addWidget(scopeBox);
    right->addWidget(guardBox);
    right->addWidget(exclusionsBox);
    right->addWidget(scheduleBox);
    right->addStretch();
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(m_banner);
    contentLayout->addLayout(columns, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);

    load();
    updateGuardFields();
    // The controller reads the profile's settings when it starts: show them then, unless the admin began editing.
    connect(m_controller, &DashboardController::stateChanged, this, [this](DashboardController::State state) {
        if (!m_loadedStarted && state != DashboardController::State::Idle
            && state != DashboardController::State::Connecting && state != DashboardController::State::Failed) {
            m_loadedStarted = true;
            if (!m_modified) {
                load();
            }
        }
    });
}

QTableWidget *SettingsTab::createCapabilityList()
{
    QList<Sync::PropertyCapability> capabilities = Sync::MappingRules::capabilities();
    // What cannot be written first: that is what the admin opens the list for.
    std::stable_partition(capabilities.begin(), capabilities.end(), [](const Sync::PropertyCapability &c) {
        return !c.writable;
    });
    auto *table = new QTableWidget(int(capabilities.size()), 3, this);
    table->setObjectName(QStringLiteral("capabilityList"));
    table->setHorizontalHeaderLabels({tr("Microsoft 365 property"), tr("Written"), tr("Why not, and what instead")});
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setWordWrap(true);
    for (int row = 0; row < capabilities.size(); ++row) {
        const Sync::PropertyCapability &capability = capabilities[row];
        table->setItem(row, 0, new QTableWidgetItem(capability.property));
        table->setItem(row, 1, new QTableWidgetItem(capability.writable ? tr("Yes") : tr("No")));
        auto *reason = new QTableWidgetItem(capability.reason);
        reason->setToolTip(capability.reason);
        table->setItem(row, 2, reason);
    }
    table->resizeColumnToContents(0);
    table->resizeColumnToContents(1);
    // The reasons wrap: rows follow the width the last column gets once the table is laid out.
    connect(table->horizontalHeader(), &QHeaderView::sectionResized, table, &QTableWidget::resizeRowsToContents);
    table->setMinimumHeight(220);
    table->hide();
    return table;
}

QList<Sync::AttributeRule> SettingsTab::rulesFromTable() const
{
    QList<Sync::AttributeRule> rules;
    for (int row = 0; row < m_rules->rowCount(); ++row) {
        Sync::AttributeRule rule;
        rule.directoryAttribute =
            m_rules->item(row, AttributeColumn) ? m_rules->item(row, AttributeColumn)->text().trimmed() : QString();
        rule.graphProperty =
            m_rules->item(row, PropertyColumn) ? m_rules->item(row, PropertyColumn)->text().trimmed() : QString();
        rule.staticValue = m_rules->item(row, ValueColumn) ? m_rules->item(row, ValueColumn)->text() : QString();
        if (auto *mode = qobject_cast<QComboBox *>(m_rules->cellWidget(row, ModeColumn))) {
            rule.mode = Sync::AttributeRule::Mode(mode->currentData().toInt());
        }
        rules.append(rule);
    }
    return rules;
}

void SettingsTab::updateRuleWarnings()
{
    // The rules' own check, the one the profile goes through, rather than a second list of what may be written.
    Sync::MappingRules rules;
    rules.rules = rulesFromTable();
    QHash<int, QString> warnings;
    QStringList lines;
    for (const Sync::RuleWarning &warning : rules.warnings()) {
        warnings.insert(warning.rule, warning.message);
        lines.append(tr("Rule %1 (%2): %3").arg(warning.rule + 1).arg(warning.property, warning.message));
    }
    // A sign in the rule's row (the sentence as its tooltip), the sentences above the table where they can be read.
    const QPixmap sign = style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(16, 16);
    for (int row = 0; row < m_rules->rowCount(); ++row) {
        if (auto *label = qobject_cast<QLabel *>(m_rules->cellWidget(row, WarningColumn))) {
            const QString warning = warnings.value(row);
            label->setPixmap(warning.isEmpty() ? QPixmap() : sign);
            label->setToolTip(warning);
            label->setAccessibleDescription(warning);
        }
    }
    m_ruleWarnings->setText(lines.join(QLatin1Char('\n')));
    m_ruleWarnings->setVisible(!lines.isEmpty());
}

void SettingsTab::addRuleRow(const Sync::AttributeRule &rule)
{
    const QSignalBlocker blocker(m_rules);
    const int row = m_rules->rowCount();
    m_rules->insertRow(row);
    m_rules->setItem(row, AttributeColumn, new QTableWidgetItem(rule.directoryAttribute));
    m_rules->setItem(row, PropertyColumn, new QTableWidgetItem(rule.graphProperty));
    auto *mode = new QComboBox(m_rules);
    for (const auto m : ruleModes) {
        mode->addItem(ruleModeText(m), int(m));
    }
    mode->setCurrentIndex(mode->findData(int(rule.mode)));
    connect(mode, &QComboBox::activated, this, [this] {
        setModified(true);
        updateRuleWarnings();
    });
    m_rules->setCellWidget(row, ModeColumn, mode);
    m_rules->setItem(row, ValueColumn, new QTableWidgetItem(rule.staticValue));
    // Why the rule is kept but not carried out, if it is not; filled by updateRuleWarnings().
    auto *warning = new QLabel(m_rules);
    warning->setObjectName(QStringLiteral("settingsRuleWarning"));
    warning->setAlignment(Qt::AlignCenter);
    m_rules->setCellWidget(row, WarningColumn, warning);
    updateRuleWarnings();
}

void SettingsTab::load()
{
    const Sync::SyncSettings &settings = m_controller->settings();
    {
        const QSignalBlocker blocker(m_rules);
        m_rules->setRowCount(0);
    }
    for (const Sync::AttributeRule &rule : settings.rules.rules) {
        addRuleRow(rule);
    }
    m_upnTemplate->setText(settings.rules.upnTemplate);
    QStringList suffixes;
    for (auto it = settings.rules.upnSuffixes.cbegin(); it != settings.rules.upnSuffixes.cend(); ++it) {
        suffixes.append(it.key() + QLatin1Char('=') + it.value());
    }
    suffixes.sort();
    m_upnSuffixes->setText(suffixes.join(QStringLiteral("; ")));
    m_usageLocation->setText(settings.rules.defaultUsageLocation);
    m_scopeFilter->setText(settings.scope.filter());
    m_scopeGroups->setText(settings.scope.groups().join(QStringLiteral("; ")));
    m_groupFilter->setText(settings.options.groupScope.filter());
    {
        const QSignalBlocker a(m_syncGroups), b(m_softMatch), c(m_hardDelete), d(m_guardCount), e(m_guardPercent),
            f(m_pollInterval), g(m_guardMode), h(m_scheduleEnabled), i(m_scheduleEvery), j(m_scheduleAt);
        m_syncGroups->setChecked(settings.options.syncGroups);
        m_softMatch->setChecked(settings.options.softMatch);
        m_hardDelete->setChecked(settings.options.hardDelete);
        m_guardMode->setCurrentIndex(m_guardMode->findData(int(settings.guard.mode)));
        m_guardCount->setValue(settings.guard.count);
        m_guardPercent->setValue(settings.guard.percent);
        m_pollInterval->setValue(m_controller->pollIntervalSeconds());
        m_scheduleEnabled->setChecked(settings.schedule.enabled);
        m_scheduleEvery->setCurrentIndex(m_scheduleEvery->findData(int(settings.schedule.every)));
        m_scheduleAt->setTime(settings.schedule.at);
    }
    m_scheduleEvery->setEnabled(settings.schedule.enabled);
    m_scheduleAt->setEnabled(settings.schedule.enabled);
    m_guardCount->setEnabled(settings.guard.mode == Sync::DeletionGuard::Mode::Count);
    m_guardPercent->setEnabled(settings.guard.mode == Sync::DeletionGuard::Mode::Percent);
    m_disablePrefix->setText(settings.options.disablePrefix);
    m_banner->setError({});
    m_directory->load();
    loadExclusions();
    setModified(false);
}

void SettingsTab::loadExclusions()
{
    m_exclusions->clear();
    const QLocale locale;
    for (const Sync::Exclusion &exclusion : m_controller->settings().exclusions.list()) {
        const QString type = exclusion.objectType == Sync::Change::ObjectType::Group ? tr("group") : tr("user");
        const QString name = exclusion.displayName.isEmpty() ? exclusion.key.mid(2) : exclusion.displayName;
        auto *item = new QListWidgetItem(
            exclusion.since.isValid()
                ? tr("%1 (%2, since %3)")
                      .arg(name, type, locale.toString(exclusion.since.toLocalTime(), QLocale::ShortFormat))
                : tr("%1 (%2)").arg(name, type),
            m_exclusions);
        item->setData(Qt::UserRole, int(exclusion.objectType));
        item->setData(Qt::UserRole + 1, exclusion.key);
    }
    if (m_exclusions->count() == 0) {
        auto *none = new QListWidgetItem(tr("None: every object in scope is synchronized."), m_exclusions);
        none->setFlags(Qt::NoItemFlags);
    }
    m_includeAgain->setEnabled(false);
}

void SettingsTab::includeSelectedAgain()
{
    QList<QPair<int, QString>> chosen;
    for (const QListWidgetItem *item : m_exclusions->selectedItems()) {
        chosen.append({item->data(Qt::UserRole).toInt(), item->data(Qt::UserRole + 1).toString()});
    }
    for (const auto &[type, key] : chosen) {
        m_controller->includeAgain(Sync::Change::ObjectType(type), key);
    }
}

Result<Sync::SyncSettings> SettingsTab::collect() const
{
    Sync::SyncSettings settings = m_controller->settings();
    settings.rules.rules.clear();
    const QList<Sync::AttributeRule> rules = rulesFromTable();
    for (int row = 0; row < rules.size(); ++row) {
        const Sync::AttributeRule &rule = rules[row];
        if (rule.graphProperty.isEmpty()) {
            return Result<Sync::SyncSettings>::failure(Error{
                QStringLiteral("settings.rule"), tr("Rule %1 names no Microsoft 365 property.").arg(row + 1), {}, {}});
        }
        if (rule.directoryAttribute.isEmpty() && rule.mode == Sync::AttributeRule::Sync) {
            return Result<Sync::SyncSettings>::failure(Error{
                QStringLiteral("settings.rule"),
                tr("Rule %1 (%2) names no directory attribute to sync from.").arg(row + 1).arg(rule.graphProperty),
                {},
                {}});
        }
        settings.rules.rules.append(rule);
    }
    settings.rules.upnTemplate = m_upnTemplate->text().trimmed();
    settings.rules.upnSuffixes.clear();
    for (const QString &pair : splitList(m_upnSuffixes->text())) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        if (equals < 0) {
            return Result<Sync::SyncSettings>::failure(
                Error{QStringLiteral("settings.upnSuffixes"),
                      tr("\"%1\" is not a suffix rewrite: write it as corp.local=contoso.com.").arg(pair),
                      {},
                      {}});
        }
        settings.rules.upnSuffixes.insert(pair.left(equals).trimmed().toLower(),
                                          pair.mid(equals + 1).trimmed().toLower());
    }
    settings.rules.defaultUsageLocation = m_usageLocation->text().trimmed().toUpper();
    // The mapping rules' own validation (the same the profile file goes through) says what is wrong.
    const Result<Sync::MappingRules> checked = Sync::MappingRules::fromJson(settings.rules.toJson());
    if (!checked.ok()) {
        return Result<Sync::SyncSettings>::failure(checked.error);
    }
    Result<Sync::Scope> scope = Sync::Scope::fromFilter(m_scopeFilter->text().trimmed());
    if (!scope.ok()) {
        return Result<Sync::SyncSettings>::failure(scope.error);
    }
    scope.value.setGroups(splitList(m_scopeGroups->text()));
    const Result<Sync::Scope> groupScope = Sync::Scope::fromFilter(m_groupFilter->text().trimmed());
    if (!groupScope.ok()) {
        return Result<Sync::SyncSettings>::failure(groupScope.error);
    }
    settings.options.groupScope = groupScope.value;
    settings.scope = scope.value;
    settings.options.syncGroups = m_syncGroups->isChecked();
    settings.options.softMatch = m_softMatch->isChecked();
    settings.options.hardDelete = m_hardDelete->isChecked();
    settings.options.disablePrefix = m_disablePrefix->text();
    settings.guard.mode = Sync::DeletionGuard::Mode(m_guardMode->currentData().toInt());
    settings.guard.count = m_guardCount->value();
    settings.guard.percent = m_guardPercent->value();
    settings.schedule.enabled = m_scheduleEnabled->isChecked();
    settings.schedule.every = Sync::Schedule::Every(m_scheduleEvery->currentData().toInt());
    settings.schedule.at = m_scheduleAt->time();
    return Result<Sync::SyncSettings>::success(settings);
}

bool SettingsTab::apply()
{
    const Result<Sync::SyncSettings> settings = collect();
    if (!settings.ok()) {
        m_banner->setError(settings.error);
        return false;
    }
    if (!m_directory->apply()) {
        m_banner->setError(Error{QStringLiteral("settings.directory"),
                                 tr("The directory settings cannot change while a sync runs. Apply them when it is "
                                    "done."),
                                 {},
                                 {}});
        return false;
    }
    m_banner->setError({});
    m_controller->setPollIntervalSeconds(m_pollInterval->value());
    m_controller->setSettings(settings.value);
    setModified(false);
    return true;
}

void SettingsTab::setModified(bool modified)
{
    m_modified = modified;
    m_apply->setEnabled(modified);
    m_revert->setEnabled(modified);
}

} // namespace M365::Ui
