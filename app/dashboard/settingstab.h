// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/syncsettings.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QListWidget;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimeEdit;
class QTableWidget;

namespace M365::Ui {

class DashboardController;
class DirectoryBox;
class ErrorBanner;

/**
 * The Settings tab: mapping rules, scope, planner options, deletion guard and schedule. Apply hands the settings to
 * the controller, which saves them to the profile and plans again at once, so the preview shows their effect.
 */
class SettingsTab : public QWidget
{
    Q_OBJECT

public:
    explicit SettingsTab(DashboardController *controller, QWidget *parent = nullptr);

    /// Shows the controller's settings, dropping unapplied edits.
    void load();
    /// Reads the form; an error (shown in the banner) when a field is wrong.
    Result<Sync::SyncSettings> collect() const;
    /// Applies the form to the controller; false when a field is wrong.
    bool apply();

private:
    void setModified(bool modified);
    void addRuleRow(const Sync::AttributeRule &rule);
    /// The rules as the table holds them, unchecked.
    QList<Sync::AttributeRule> rulesFromTable() const;
    /// Shows MappingRules' warning of each rule (a property this app cannot write) next to it.
    void updateRuleWarnings();
    /// The read-only "What Microsoft Graph lets this app write" table, from MappingRules::capabilities().
    QTableWidget *createCapabilityList();
    /// Lists the profile's exclusions; they change at once (not with Apply), so they are not part of the form.
    void loadExclusions();
    void includeSelectedAgain();

    DashboardController *m_controller;
    ErrorBanner *m_banner;
    QTableWidget *m_rules;
    QLabel *m_ruleWarnings; ///< the warnings of the rules, spelled out above the table
    QTableWidget *m_capabilities;
    QLineEdit *m_upnTemplate;
    QLineEdit *m_upnSuffixes;
    QLineEdit *m_usageLocation;
    QLineEdit *m_scopeFilter;
    QLineEdit *m_scopeGroups;
    QLineEdit *m_groupFilter;
    QCheckBox *m_syncGroups;
    QCheckBox *m_softMatch;
    QCheckBox *m_hardDelete;
    QLineEdit *m_disablePrefix;
    QLabel *m_licenceNote;
    QComboBox *m_guardMode;
    QSpinBox *m_guardCount;
    QDoubleSpinBox *m_guardPercent;
    QSpinBox *m_pollInterval;
    QCheckBox *m_scheduleEnabled;
    QComboBox *m_scheduleEvery;
    QTimeEdit *m_scheduleAt;
    DirectoryBox *m_directory;
    QListWidget *m_exclusions;
    QPushButton *m_includeAgain;
    QPushButton *m_apply;
    QPushButton *m_revert;
    bool m_modified = false;
    bool m_loadedStarted = false;
};

} // namespace M365::Ui
