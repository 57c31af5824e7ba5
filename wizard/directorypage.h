// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "containerselection.h"
#include "directory/containerscope.h"
#include "directory/directoryentry.h"
#include "directory/directorysource.h"
#include "directory/ldapconfig.h"
#include "directory/servercertificate.h"
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
class QToolButton;

namespace M365::Directory {
class DirectoryJob;
}

namespace M365::Ui {

class ContainerTree;

/*
 * Directory: where the identities come from (an LDAP server with a preset, an LDIF or a CSV file). Test opens the
 * source and shows the count and five sample users (over TLS also the server's certificate), or the specific error;
 * Next runs the test when the settings changed since the last successful one. The LDAP URL's scheme and the encryption
 * follow each other while the admin edits them (afterEdit()); a contradiction that remains blocks Next.
 *
 * After a successful test of an LDAP server the controller reads its container tree (a second job that does not
 * block Next) into a Models::ContainerSelection, where the admin includes and excludes containers for users and for
 * groups, as Entra Connect's OU filtering does; the choice becomes the profile's "userContainers" and
 * "groupContainers".
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
        QString caFile; ///< PEM file with the CA(s) of the LDAP server's certificate; empty: the system's CAs
        QString bindDn;
        QString bindPassword;
        QString baseDn;
        friend bool operator==(const Settings &a, const Settings &b)
        {
            return a.type == b.type && a.path == b.path && a.url == b.url && a.tls == b.tls && a.caFile == b.caFile
                && a.bindDn == b.bindDn && a.bindPassword == b.bindPassword && a.baseDn == b.baseDn;
        }
    };
    /// What the last successful test found.
    struct Results
    {
        int userCount = 0;
        int groupCount = 0;
        QStringList samples; ///< "Display name <mail>" of up to five users
        QStringList sampleDns; ///< their DNs, so that the page shows only those still in the users' container scope
        /// Records the read skipped; problems holds the first MaxProblemsShown ("file, line N: reason").
        int problemCount = 0;
        QStringList problems;
        /// The certificate an LDAP server presented over TLS; null without TLS and for files.
        Directory::ServerCertificate serverCertificate;
    };
    static constexpr int MaxProblemsShown = 5;
    /// The two container scopes: which containers users, and which groups, are read from.
    using ContainerKind = Models::ContainerSelection::Kind;

    explicit DirectoryPageController(WizardContext *context, QObject *parent = nullptr);
    ~DirectoryPageController() override;

    static bool isLdap(Type type) { return type != Type::LdifFile && type != Type::CsvFile; }
    /**
     * The URL rewritten to fit the encryption the admin chose: LDAPS turns ldap:// into ldaps:// (and an explicit
     * port 389 into 636), StartTLS and none turn ldaps:// into ldap:// (636 into 389). Any other URL is returned as
     * it is, so that what the admin is typing is never touched.
     */
    static QString urlForTls(const QString &url, Directory::LdapConfig::Tls tls);
    /// The encryption that fits a URL the admin typed: ldaps:// means LDAPS, ldap:// with LDAPS chosen means StartTLS.
    static Directory::LdapConfig::Tls tlsForUrl(const QString &url, Directory::LdapConfig::Tls current);
    /**
     * What the page's settings become after the admin changed `edited` from `before`: the URL follows a changed
     * encryption, the encryption follows a changed URL, and Active Directory chosen with an empty URL starts with
     * LDAPS (AD refuses simple binds on plain LDAP; LDAPS on 636 is what most AD admins have). Settings that arrive
     * otherwise (a profile) are not corrected: setSettings() shows their contradiction instead.
     */
    static Settings afterEdit(const Settings &before, Settings edited);
    const Settings &settings() const { return m_settings; }
    void setSettings(const Settings &settings);
    /// Sandbox mode without a choice yet: the bundled sample LDIF.
    void preselectSample();
    const Results &results() const { return m_results; }
    bool hasResults() const { return m_tested; }
    /// The server certificate of the last successful test, one line for the admin; empty without TLS.
    QString certificateText() const;

    /// Opens the source and reads its summary (a CSV file with the context's CsvOptions: encoding and mapping).
    void test();
    /// The last test found a CSV file that is not UTF-8 but readable as Windows-1252: the admin has to confirm.
    bool needsEncodingConfirmation() const { return m_needsEncoding; }
    /// The admin confirmed that the CSV file is Windows-1252: read it so from now on and test again.
    void readAsWindows1252();
    /// The profile's "directory" object for these settings (never the password).
    QJsonObject toJson() const;

    // ---- the container tree (LDAP only) ----

    /// The container tree with the admin's check boxes, which the page's ContainerTree shows; a click there
    /// invalidates the page, so that Next writes the profile's directory again.
    Models::ContainerSelection *containerSelection() { return &m_containerSelection; }
    /// What the last container read found, parents before children (DirectoryContainer::parent); empty before the
    /// first successful test of an LDAP server, while reading and when the read failed.
    const QList<Directory::DirectoryContainer> &containers() const { return m_containerSelection.containers(); }
    bool isReadingContainers() const { return !m_containersJob.isNull(); }
    /// Why the last container read failed; the test itself succeeded, so it is no error of the page.
    QString containersError() const { return m_containersError; }
    /// The scope the profile gets; empty (everything below the base DN) until the admin unchecks a container.
    const Directory::ContainerScope &containerScope(ContainerKind kind) const
    {
        return m_containerSelection.scope(kind);
    }

    /// The fields a test needs are filled in.
    bool hasRequiredFields() const;
    /// Why the URL and the encryption disagree (LdapConfig::contradiction()), shown as the page's error; empty for
    /// files and when they agree. A test would only be refused.
    QString contradiction() const;
    bool isInputComplete() const override;
    void validate() override;

private:
    void onTested(Directory::DirectoryJob *job);
    void readContainers();
    void onContainersRead(Directory::DirectoryJob *job);
    Directory::LdapConfig ldapConfig() const;

    Settings m_settings;
    Settings m_testedSettings;
    Results m_results;
    bool m_tested = false;
    bool m_validating = false;
    bool m_failed = false; ///< the last test of the current settings failed
    bool m_needsEncoding = false;
    std::unique_ptr<Directory::DirectorySource> m_source;
    QPointer<Directory::DirectoryJob> m_job;
    QPointer<Directory::DirectoryJob> m_containersJob;
    QString m_containersError;
    Models::ContainerSelection m_containerSelection;
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
    void refreshContainers();
    /// "Users: 40 of 1,640, groups: 4." once the container tree is known, the test's counts before.
    QString resultText() const;

    DirectoryPageController *m_controller;
    QComboBox *m_type;
    QStackedWidget *m_stack;
    QLineEdit *m_path;
    QLineEdit *m_url;
    QComboBox *m_tls;
    QLineEdit *m_caFile;
    QToolButton *m_browseCaFile;
    QLineEdit *m_bindDn;
    QLineEdit *m_password;
    QLineEdit *m_baseDn;
    QPushButton *m_test;
    QPushButton *m_convertEncoding;
    QLabel *m_csvHint;
    QLabel *m_result;
    QLabel *m_certificate;
    QListWidget *m_samples;
    QWidget *m_containersPane;
    QLabel *m_containersLabel;
    ContainerTree *m_containerTree;
    QLabel *m_problemsTitle;
    QListWidget *m_problems;
    bool m_filling = false;
};

} // namespace M365::Ui
