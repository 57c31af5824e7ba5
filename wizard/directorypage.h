// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/directoryentry.h"
#include "directory/directorysource.h"
#include "directory/ldapconfig.h"
#include "pagecontroller.h"

#include <QJsonObject>
#include <QPointer>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QStackedWidget;

namespace M365::Directory {
class DirectoryJob;
}

namespace M365::Ui {

/*
 * Directory: where the identities come from (an LDAP server with a preset, an LDIF or a CSV file). Test opens the
 * source and shows the count and five sample users, or the specific error; Next runs the test when the settings
 * changed since the last successful one.
 */
class DirectoryPageController : public PageController
{
    Q_OBJECT

public:
    enum class Type { LdifFile, CsvFile, OpenLdap, ActiveDirectory, Univention, Ds389 };

    struct Settings
    {
        Type type = Type::LdifFile;
        QString path;
        QString url;
        Directory::LdapConfig::Tls tls = Directory::LdapConfig::Tls::StartTls;
        QString bindDn;
        QString bindPassword;
        QString baseDn;
        friend bool operator==(const Settings &a, const Settings &b)
        {
            return a.type == b.type && a.path == b.path && a.url == b.url && a.tls == b.tls && a.bindDn == b.bindDn
                && a.bindPassword == b.bindPassword && a.baseDn == b.baseDn;
        }
    };
    /// What the last successful test found.
    struct Results
    {
        int userCount = 0;
        int groupCount = 0;
        QStringList samples; ///< "Display name <mail>" of up to five users
        /// Records the read skipped; problems holds the first MaxProblemsShown ("file, line N: reason").
        int problemCount = 0;
        QStringList problems;
    };
    static constexpr int MaxProblemsShown = 5;

    using PageController::PageController;
    ~DirectoryPageController() override;

    static bool isLdap(Type type) { return type != Type::LdifFile && type != Type::CsvFile; }
    const Settings &settings() const { return m_settings; }
    void setSettings(const Settings &settings);
    /// Sandbox mode without a choice yet: the bundled sample LDIF.
    void preselectSample();
    const Results &results() const { return m_results; }
    bool hasResults() const { return m_tested; }

    /// Opens the source and reads its summary (a CSV file with the context's CsvOptions: encoding and mapping).
    void test();
    /// The last test found a CSV file that is not UTF-8 but readable as Windows-1252: the admin has to confirm.
    bool needsEncodingConfirmation() const { return m_needsEncoding; }
    /// The admin confirmed that the CSV file is Windows-1252: read it so from now on and test again.
    void readAsWindows1252();
    /// The profile's "directory" object for these settings (never the password).
    QJsonObject toJson() const;

    /// The fields a test needs are filled in.
    bool hasRequiredFields() const;
    bool isInputComplete() const override;
    void validate() override;

private:
    void onTested(Directory::DirectoryJob *job);

    Settings m_settings;
    Settings m_testedSettings;
    Results m_results;
    bool m_tested = false;
    bool m_validating = false;
    bool m_failed = false; ///< the last test of the current settings failed
    bool m_needsEncoding = false;
    std::unique_ptr<Directory::DirectorySource> m_source;
    QPointer<Directory::DirectoryJob> m_job;
};

class DirectoryPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit DirectoryPage(DirectoryPageController *controller, QWidget *parent = nullptr);
    void initializePage() override;

protected:
    void refresh() override;

private:
    void pushSettings();

    DirectoryPageController *m_controller;
    QComboBox *m_type;
    QStackedWidget *m_stack;
    QLineEdit *m_path;
    QLineEdit *m_url;
    QComboBox *m_tls;
    QLineEdit *m_bindDn;
    QLineEdit *m_password;
    QLineEdit *m_baseDn;
    QPushButton *m_test;
    QPushButton *m_convertEncoding;
    QLabel *m_csvHint;
    QLabel *m_result;
    QListWidget *m_samples;
    QLabel *m_problemsTitle;
    QListWidget *m_problems;
    bool m_filling = false;
};

} // namespace M365::Ui
