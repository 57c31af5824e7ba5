// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/directoryentry.h"
#include "pagecontroller.h"
#include "sync/mappingrules.h"
#include "sync/scope.h"

#include <QJsonObject>
#include <QStringList>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableWidget;

namespace M365::Ui {

/*
 * Attributes & scope: which directory attribute fills which Microsoft 365 user property and how (sync, anonymize,
 * a static value, or never), the user name rule, the default usage location and the LDAP filter that decides who is
 * synchronised. Every edit re-maps the sample users the Directory page's test read, so the admin sees the Graph user
 * object a sync would create before anything is written. The checks are local; Next stores the rules and the scope
 * in the profile's "sync" object.
 */
class AttributesController : public PageController
{
    Q_OBJECT

public:
    using PageController::PageController;

    /// Takes over the directory preset and the domain chosen on the earlier pages. The rules start from the preset's
    /// defaults; they are kept when the admin comes back, unless the directory preset changed since.
    void initialize();

    const Sync::MappingRules &rules() const { return m_rules; }
    QString scopeFilter() const { return m_scopeFilter; }
    /// The scope as the profile stores it; only meaningful when the filter parses.
    Sync::Scope scope() const;

    void setRuleMode(int row, Sync::AttributeRule::Mode mode);
    void setStaticValue(int row, const QString &value);
    void setDirectoryAttribute(int row, const QString &attributes);
    void setDefaultUsageLocation(const QString &location);
    void setUpnTemplate(const QString &upnTemplate);
    void setScopeFilter(const QString &filter);

    /// The sample users of the Directory page's test (at most five).
    QList<Directory::DirectoryEntry> samples() const;
    /// How a sample is named in the chooser.
    static QString sampleLabel(const Directory::DirectoryEntry &entry);
    int sampleIndex() const { return m_sampleIndex; }
    void setSampleIndex(int index);
    /// The Graph user object a sync would create for the chosen sample (empty without samples).
    QJsonObject sampleObject() const;
    /// Why the chosen sample would not be created as shown (out of scope, no valid user name…), or empty.
    QString sampleNote() const;

    /// What is wrong with the input, one sentence each; empty when Next may go on.
    QStringList problems() const;
    /// What is wrong with a user name rule, or an empty string.
    static QString upnTemplateProblem(const Sync::MappingRules &rules);
    /// What is wrong with a default usage location (empty is allowed), or an empty string.
    static QString usageLocationProblem(const QString &location);

    bool isInputComplete() const override;
    void validate() override;

private:
    void edited();
    /// The rules the sample is mapped with: the edited ones, minus an invalid usage location.
    Sync::MappingRules sampleRules() const;

    Sync::MappingRules m_rules;
    QString m_scopeFilter;
    QString m_preset; ///< the directory type the rules were made for
    bool m_initialized = false;
    int m_sampleIndex = 0;
};

class AttributesPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit AttributesPage(AttributesController *controller, QWidget *parent = nullptr);
    void initializePage() override;

protected:
    void refresh() override;

private:
    void fillTable();
    void onItemChanged(int row, int column);

    AttributesController *m_controller;
    QTableWidget *m_table;
    QLineEdit *m_usageLocation;
    QLineEdit *m_upnRule;
    QLabel *m_upnDomain;
    QLineEdit *m_scopeFilter;
    QComboBox *m_sampleCombo;
    QPlainTextEdit *m_sampleView;
    QLabel *m_sampleNote;
    bool m_filling = false;
};

} // namespace M365::Ui
