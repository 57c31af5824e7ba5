// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "wizardcontext.h"

#include <QPointer>
#include <QWizard>

class QMessageBox;

namespace M365::Ui {

class AttributesController;
class ConnectionPageController;
class CredentialsPageController;
class CsvMappingPageController;
class DirectoryPageController;
class DomainPageController;
class PageController;
class ProfileSecretsJob;
class RegistrationPageController;
class SummaryPageController;
class WelcomePageController;

/*
 * The first-run wizard (issue 6, DESIGN.md section 3): from nothing to a verified, connected tenant. Each page is a
 * view over a controller without widgets; the controllers share the WizardContext. Finish saves the profile through
 * ProfileStore and the credential through the injected SecretStore.
 *
 * Nothing is lost (issue 13): closing or cancelling the wizard after something was made in the tenant or the keychain
 * (an app registered, a certificate made, IDs checked) asks first, and "Keep as a draft" saves what was done as a
 * draft profile (Profile::draft), which openProfile() resumes at the page the admin left. openProfile() of a complete
 * profile edits it instead ("Edit connection…" in the dashboard): the same pages from App registration to
 * Connection, then Summary, saved under the same name.
 */
class OnboardingWizard : public QWizard
{
    Q_OBJECT

public:
    /// Page ids, in the order the pages come.
    enum PageId {
        WelcomePageId = 0,
        RegistrationPageId = 1,
        CredentialsPageId = 2,
        ConnectionPageId = 3,
        DomainPageId = 4,
        DirectoryPageId = 5,
        /// Only for a CSV file.
        CsvColumnsPageId = 6,
        AttributesPageId = 7,
        SummaryPageId = 8,
    };

    explicit OnboardingWizard(const WizardContext::Options &options, QWidget *parent = nullptr);
    ~OnboardingWizard() override;

    WizardContext *context() const { return m_context; }
    /// The name of the profile Finish saved (empty before).
    QString savedProfileName() const;
    /// The name of the draft kept when the admin closed the wizard (empty: none).
    QString keptDraftName() const { return m_keptDraft; }
    /// The CSV columns page comes only after a CSV file; an edit goes from Connection to Summary.
    int nextId() const override;

    /**
     * Opens a saved profile instead of starting from nothing. A draft resumes: the pages are filled from it (the
     * credential from the SecretStore) and the wizard goes through them again, checking each, up to the page the admin
     * left (it stops earlier where a check fails, showing why). A complete profile is edited: App registration,
     * Credentials and Connection, then Summary, which saves it under the same name. Reading the secrets is
     * asynchronous; profileOpened() follows.
     */
    void openProfile(const Profile::Profile &profile);
    /// True when closing now would lose something done in the tenant or the keychain, so closing asks first.
    bool hasWorkToKeep() const;
    /// What was done, one sentence each, for the question asked before closing.
    QStringList workDone() const;
    /// The page name a draft records for a page id ("credentials"), and back (-1 for an unknown name).
    static QString pageName(int id);
    static int pageId(const QString &name);

    /// Cancel, Escape and the window's close button: asks first when hasWorkToKeep() (see keepDraft()).
    void reject() override;

    WelcomePageController *welcomeController() const { return m_welcome; }
    RegistrationPageController *registrationController() const { return m_registration; }
    CredentialsPageController *credentialsController() const { return m_credentials; }
    ConnectionPageController *connectionController() const { return m_connection; }
    DomainPageController *domainController() const { return m_domain; }
    DirectoryPageController *directoryController() const { return m_directory; }
    CsvMappingPageController *csvMappingController() const { return m_csvMapping; }
    AttributesController *attributesController() const { return m_attributes; }
    SummaryPageController *summaryController() const { return m_summary; }

Q_SIGNALS:
    /// openProfile() filled the pages and shows the first one; a draft then goes on by itself to its page.
    void profileOpened();
    /// A draft was kept (keptDraftName()); the wizard closes next.
    void draftKept(const QString &name);

private:
    PageController *controllerFor(int id) const;
    void onProfileSecrets(ProfileSecretsJob *job, const Profile::Profile &saved);
    /// The page a draft kept now resumes at: the one shown (or being resumed to), between Registration and
    /// Attributes (the attribute rules are made again from the directory).
    int resumePage() const;
    /// The app the wizard registered in the tenant (now or in the run that kept the draft); empty: none.
    QString registeredAppId() const;

    void askBeforeClosing();
    void keepDraft();
    void discard(bool confirmed);
    /// Adds Keep as a draft / Discard / Go back to @p box (Keep the default, Escape goes back) and opens it.
    void askKeepOrDiscard(QMessageBox *box, const QString &discardName, bool discardConfirmed);
    void closeNow();
    void showWarning(const QString &objectName, const QString &text, const QString &details = QString());

    void scheduleReplay();
    void replayStep();
    void stopReplay();

    WizardContext *m_context;
    WelcomePageController *m_welcome;
    RegistrationPageController *m_registration;
    CredentialsPageController *m_credentials;
    ConnectionPageController *m_connection;
    DomainPageController *m_domain;
    DirectoryPageController *m_directory;
    CsvMappingPageController *m_csvMapping;
    AttributesController *m_attributes;
    SummaryPageController *m_summary;
    bool m_saved = false;

    /// The app a resumed draft's run registered (its client ID), which Discard leaves in the tenant; the registration
    /// page knows only the app it registered itself.
    QString m_draftRegisteredApp;
    QString m_keptDraft;
    bool m_closing = false;
    QPointer<QMessageBox> m_question;
    /// Keeping or discarding the draft, while it runs.
    QPointer<QObject> m_closingJob;
    /// Resuming a draft: the page to go on to, and the last page passed (-1: not resuming).
    int m_replayTarget = -1;
    int m_replayLast = -1;
};

} // namespace M365::Ui
