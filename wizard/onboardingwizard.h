// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "wizardcontext.h"

#include <QWizard>

namespace M365::Ui {

class AttributesController;
class ConnectionPageController;
class CredentialsPageController;
class CsvMappingPageController;
class DirectoryPageController;
class DomainPageController;
class RegistrationPageController;
class SummaryPageController;
class WelcomePageController;

/*
 * The first-run wizard (issue 6, DESIGN.md section 3): from nothing to a verified, connected tenant. Each page is a
 * view over a controller without widgets; the controllers share the WizardContext. Finish saves the profile through
 * ProfileStore and the credential through the injected SecretStore.
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
    /// The CSV columns page comes only after a CSV file.
    int nextId() const override;

    WelcomePageController *welcomeController() const { return m_welcome; }
    RegistrationPageController *registrationController() const { return m_registration; }
    CredentialsPageController *credentialsController() const { return m_credentials; }
    ConnectionPageController *connectionController() const { return m_connection; }
    DomainPageController *domainController() const { return m_domain; }
    DirectoryPageController *directoryController() const { return m_directory; }
    CsvMappingPageController *csvMappingController() const { return m_csvMapping; }
    AttributesController *attributesController() const { return m_attributes; }
    SummaryPageController *summaryController() const { return m_summary; }

private:
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
};

} // namespace M365::Ui
