// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "onboardingwizard.h"

#include "attributespage.h"
#include "connectionpage.h"
#include "credentialspage.h"
#include "csvmappingpage.h"
#include "directorypage.h"
#include "domainpage.h"
#include "registrationpage.h"
#include "summarypage.h"
#include "welcomepage.h"

#include <QAbstractButton>

namespace M365::Ui {

OnboardingWizard::OnboardingWizard(const WizardContext::Options &options, QWidget *parent)
    : QWizard(parent)
    , m_context(new WizardContext(options, this))
    , m_welcome(new WelcomePageController(m_context, this))
    , m_registration(new RegistrationPageController(m_context, this))
    , m_credentials(new CredentialsPageController(m_context, this))
    , m_connection(new ConnectionPageController(m_context, this))
    , m_domain(new DomainPageController(m_context, this))
    , m_directory(new DirectoryPageController(m_context, this))
    , m_csvMapping(new CsvMappingPageController(m_context, this))
    , m_attributes(new AttributesController(m_context, this))
    , m_summary(new SummaryPageController(m_context, this))
{
    setObjectName(QStringLiteral("onboardingWizard"));
    setWindowTitle(tr("Connect m365sync"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setOption(QWizard::NoCancelButtonOnLastPage, false);

    const auto add = [this](int id, QWizardPage *page, const char *name) {
        page->setObjectName(QLatin1String(name));
        setPage(id, page);
    };
    add(WelcomePageId, new WelcomePage(m_welcome, this), "welcomePage");
    add(RegistrationPageId, new RegistrationPage(m_registration, this), "registrationPage");
    add(CredentialsPageId, new CredentialsPage(m_credentials, this), "credentialsPage");
    add(ConnectionPageId, new ConnectionPage(m_connection, this), "connectionPage");
    add(DomainPageId, new DomainPage(m_domain, this), "domainPage");
    add(DirectoryPageId, new DirectoryPage(m_directory, this), "directoryPage");
    add(CsvColumnsPageId, new CsvMappingPage(m_csvMapping, this), "csvColumnsPage");
    add(AttributesPageId, new AttributesPage(m_attributes, this), "attributesPage");
    add(SummaryPageId, new SummaryPage(m_summary, this), "summaryPage");
    setStartId(WelcomePageId);

    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("backButton"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("finishButton"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("cancelButton"));
    // Back from the Credentials page: the registration's checklist shows the certificate's upload.
    connect(this, &QWizard::currentIdChanged, m_registration, [this](int id) {
        if (id == RegistrationPageId) {
            m_registration->updateUploadStep();
        }
    });
    connect(m_summary, &PageController::validated, this, [this](bool ok) {
        m_saved = m_saved || ok;
    });
    resize(900, 640);
}

OnboardingWizard::~OnboardingWizard() = default;

int OnboardingWizard::nextId() const
{
    if (currentId() == DirectoryPageId && m_directory->settings().type != DirectoryPageController::Type::CsvFile) {
        return AttributesPageId;
    }
    return QWizard::nextId();
}

QString OnboardingWizard::savedProfileName() const
{
    return m_saved ? m_context->profile.name : QString();
}

} // namespace M365::Ui
