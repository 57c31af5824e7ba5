// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "registrationpage.h"

#include "errorbanner.h"
#include "graph/graphclient.h"
#include "graph/tenantcheck.h"
#include "identity/adminsignin.h"
#include "identity/certificatecredential.h"
#include "identity/devicecodesignin.h"
#include "identity/tokenprovider.h"
#include "sandboxtenant.h"
#include "wizardcontext.h"

#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QPen>
#include <QPixmap>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace M365::Ui {

RegistrationPageController::~RegistrationPageController() = default;

QString RegistrationPageController::appName()
{
    return QStringLiteral("m365sync");
}

QString RegistrationPageController::permissionsText()
{
    return Graph::Features{}.requiredRoles().join(QLatin1Char('\n'));
}

QString RegistrationPageController::signInClientId(bool sandbox)
{
    return sandbox ? Sandbox::SandboxTenant::setupClientId
                   : QString(Identity::AdminSignIn::graphCommandLineToolsClientId);
}

Graph::GraphClient *RegistrationPageController::createAdminGraph(WizardContext *context, QObject *parent)
{
    const WizardContext::AdminSession &session = context->adminSession;
    auto *tokens = new Identity::TokenProvider(context->nam(),
                                               context->profile.endpoints,
                                               session.tenantId,
                                               signInClientId(context->isSandbox()),
                                               Identity::ClientCredential{});
    tokens->setStaticToken(session.accessToken, session.expiresAt);
    tokens->setExtraCaCertificates(context->extraCaCertificates());
    auto *graph = new Graph::GraphClient(context->nam(), context->profile.endpoints, tokens, parent);
    tokens->setParent(graph);
    return graph;
}

Graph::AppRegistrationJob *
RegistrationPageController::createRegistrationJob(WizardContext *context,
                                                  const Identity::CertificateCredential &certificate,
                                                  const QString &existingAppId,
                                                  QObject *parent)
{
    Graph::AppRegistrationJob::Options options;
    options.displayName = appName();
    options.roles = Graph::AppRegistrationJob::defaultRoles();
    options.certificate = certificate;
    options.existingAppId = existingAppId;
    options.consentRedirectUri = context->profile.endpoints.consentRedirectUri();
    Graph::GraphClient *graph = createAdminGraph(context, nullptr);
    auto *job = new Graph::AppRegistrationJob(graph, options, parent);
    // The Graph client was made for this job and goes with it.
    graph->setParent(job);
    return job;
}

void RegistrationPageController::setMode(Mode mode)
{
    m_modeChosen = true;
    if (m_mode == mode) {
        return;
    }
    if (isBusy()) {
        cancelAutomatic();
    }
    m_mode = mode;
    clearError();
    invalidate();
    Q_EMIT changed();
}

void RegistrationPageController::chooseDefaultMode()
{
    if (!m_modeChosen && !isBusy()) {
        m_mode = context()->isSandbox() ? Mode::Manual : Mode::Automatic;
        Q_EMIT changed();
    }
}

void RegistrationPageController::setTenant(const QString &tenant)
{
    if (m_tenant != tenant.trimmed()) {
        m_tenant = tenant.trimmed();
        invalidate();
        Q_EMIT changed();
    }
}

void RegistrationPageController::setClientId(const QString &clientId)
{
    if (m_clientId != clientId.trimmed()) {
        m_clientId = clientId.trimmed();
        invalidate();
        Q_EMIT changed();
    }
}

void RegistrationPageController::load()
{
    if (!context()->automaticRegistration) {
        m_tenant = context()->profile.tenant;
        m_clientId = context()->profile.clientId;
    }
    if (m_steps.size() != RowCount) {
        initSteps();
    }
    if (isRegistered() && m_registeredAuthority != context()->profile.endpoints.authority) {
        // Registered in another tenant (the admin went back and switched between sandbox and tenant): start over.
        m_autoTenant.clear();
        m_autoClientId.clear();
        m_registeredAppId.clear();
        context()->automaticRegistration = false;
        initSteps();
    }
    updateUploadStep();
    Q_EMIT changed();
}

void RegistrationPageController::updateUploadStep()
{
    // The Credentials page uploads the certificate to the registered app.
    if (isRegistered() && m_steps.size() == RowCount) {
        const bool uploaded = !context()->uploadedThumbprint.isEmpty() && context()->profile.clientId == m_autoClientId;
        setStep(UploadRow, uploaded ? Status::Done : Status::Pending);
    }
}

bool RegistrationPageController::isValidGuid(const QString &value)
{
    static const QRegularExpression guid(
        QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return guid.match(value).hasMatch();
}

bool RegistrationPageController::isValidTenant(const QString &tenant)
{
    static const QRegularExpression domain(
        QStringLiteral("^(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$"));
    return isValidGuid(tenant) || domain.match(tenant).hasMatch();
}

QString RegistrationPageController::tenantProblem() const
{
    if (m_tenant.isEmpty() || isValidTenant(m_tenant)) {
        return {};
    }
    return tr("Enter the directory (tenant) ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47, or a verified "
              "domain such as contoso.onmicrosoft.com.");
}

QString RegistrationPageController::clientIdProblem() const
{
    if (m_clientId.isEmpty() || isValidGuid(m_clientId)) {
        return {};
    }
    return tr("The application (client) ID is a GUID such as 4a1aa1d5-c567-49d0-ad0b-cd957a47f842; copy it from the "
              "app's Overview page.");
}

bool RegistrationPageController::isInputComplete() const
{
    if (m_mode == Mode::Automatic) {
        return isRegistered();
    }
    return isValidTenant(m_tenant) && isValidGuid(m_clientId);
}

void RegistrationPageController::validate()
{
    if (!isInputComplete()) {
        finishValidation(false);
        return;
    }
    const QString tenant = this->tenant();
    const QString clientId = this->clientId();
    if (context()->profile.tenant != tenant || context()->profile.clientId != clientId) {
        context()->profile.tenant = tenant;
        context()->profile.clientId = clientId;
        // A connection to another app is no proof for this one, nor is a certificate uploaded to it.
        context()->setConnection(nullptr);
        context()->uploadedThumbprint.clear();
    }
    context()->automaticRegistration = m_mode == Mode::Automatic;
    finishValidation(true);
}

void RegistrationPageController::initSteps()
{
    using Job = Graph::AppRegistrationJob;
    m_steps = {
        {tr("Sign in as an administrator"), Status::Pending},
        {Job::stepName(Job::CheckAdminRoles), Status::Pending},
        {Job::stepName(Job::FindGraphServicePrincipal), Status::Pending},
        {Job::stepName(Job::CreateApplication), Status::Pending},
        {Job::stepName(Job::CreateServicePrincipal), Status::Pending},
        {Job::stepName(Job::GrantPermissions), Status::Pending},
        {tr("Upload the certificate (on the next page)"), Status::Pending},
    };
}

void RegistrationPageController::setStep(int row, Status status)
{
    if (m_steps.size() != RowCount) {
        initSteps();
    }
    if (row >= 0 && row < m_steps.size() && m_steps[row].status != status) {
        m_steps[row].status = status;
        if (row == UploadRow) {
            // Pending, it says where the certificate comes from; afterwards it is the engine's step.
            using Job = Graph::AppRegistrationJob;
            m_steps[row].name = status == Status::Pending ? tr("Upload the certificate (on the next page)")
                                                          : Job::stepName(Job::UploadCertificate);
        }
        Q_EMIT changed();
    }
}

QString RegistrationPageController::statusText() const
{
    if (m_signIn && !m_deviceCode.isEmpty()) {
        return tr("On any device with a browser, open %1 and enter the code below, then sign in as an "
                  "administrator. This page goes on by itself.")
            .arg(m_deviceCodeUrl.toString());
    }
    if (m_signIn) {
        return tr("Waiting for you to sign in as an administrator in your browser…");
    }
    if (m_registration) {
        return tr("Registering the app in your tenant…");
    }
    if (m_removal) {
        return tr("Removing the app from your tenant…");
    }
    if (isRegistered()) {
        const QString admin = context()->adminSession.userPrincipalName;
        return admin.isEmpty() ? tr("The app %1 is registered.").arg(appName())
                               : tr("The app %1 is registered (signed in as %2).").arg(appName(), admin);
    }
    if (!m_createdApplicationId.isEmpty()) {
        return tr("The app %1 was created in your tenant, but not finished. Try again to finish it, or remove it.")
            .arg(appName());
    }
    return {};
}

void RegistrationPageController::registerAutomatically()
{
    startSignIn(false);
}

void RegistrationPageController::registerWithDeviceCode()
{
    startSignIn(true);
}

void RegistrationPageController::startSignIn(bool deviceCode)
{
    if (isBusy() || m_mode != Mode::Automatic) {
        return;
    }
    clearError();
    invalidate();
    m_failed = false;
    m_cancelled = false;
    m_autoClientId.clear();
    initSteps();
    setBusy(true);
    if (context()->adminSession.isValid()
        && context()->adminSession.authority == context()->profile.endpoints.authority) {
        // An earlier sign-in is still good (e.g. a retry after a failed step): no second sign-in.
        setStep(SignInRow, Status::Done);
        startRegistration();
        return;
    }
    WizardContext *ctx = context();
    ctx->adminSession = WizardContext::AdminSession{};
    QString tenant = ctx->isSandbox() ? ctx->profile.tenant : m_tenant;
    if (!isValidTenant(tenant)) {
        // Any work or school account; the token says which tenant it belongs to.
        tenant = QStringLiteral("organizations");
    }
    const QString clientId = signInClientId(ctx->isSandbox());
    if (deviceCode) {
        auto *job = new Identity::DeviceCodeSignIn(ctx->profile.endpoints, tenant, clientId, this);
        job->setExtraCaCertificates(ctx->extraCaCertificates());
        connect(job, &Identity::DeviceCodeSignIn::codeReady, this, [this](const QString &code, const QUrl &uri) {
            m_deviceCode = code;
            m_deviceCodeUrl = uri;
            Q_EMIT changed();
        });
        m_signIn = job;
    } else {
        auto *job = new Identity::AdminSignIn(ctx->profile.endpoints, tenant, clientId, this);
        job->setTimeout(ctx->signInTimeout());
        job->setExtraCaCertificates(ctx->extraCaCertificates());
        job->setBrowserOpener([this, ctx](const QUrl &url) {
            if (!ctx->openBrowser(url)) {
                // No browser here (a server, a bare session): the code works from any other device.
                QMetaObject::invokeMethod(this, &RegistrationPageController::switchToDeviceCode, Qt::QueuedConnection);
            }
        });
        connect(job, &Identity::AdminSignIn::authorizeUrlReady, this, [this](const QUrl &url) {
            m_signInUrl = url;
            Q_EMIT changed();
        });
        m_signIn = job;
    }
    connect(m_signIn, &M365::Job::finished, this, &RegistrationPageController::onSignedIn);
    setStep(SignInRow, Status::Running);
    m_signIn->start();
}

void RegistrationPageController::switchToDeviceCode()
{
    auto *browserSignIn = qobject_cast<Identity::AdminSignIn *>(m_signIn.data());
    if (!browserSignIn) {
        return;
    }
    disconnect(browserSignIn, nullptr, this, nullptr);
    browserSignIn->cancel();
    browserSignIn->deleteLater();
    m_signIn = nullptr;
    m_signInUrl.clear();
    setBusy(false);
    startSignIn(true);
}

void RegistrationPageController::onSignedIn(M365::Job *job)
{
    job->deleteLater();
    m_signIn = nullptr;
    m_signInUrl.clear();
    m_deviceCode.clear();
    m_deviceCodeUrl.clear();
    if (job->hasError()) {
        setStep(SignInRow, Status::Failed);
        M365::Error error = job->error();
        if (m_cancelled || error.isCancelled()) {
            error.userMessage = tr("The sign-in was cancelled. Choose Try again, or register the app yourself.");
        } else if (error.code == QLatin1String(Identity::AdminSignIn::Timeout)) {
            error.userMessage =
                tr("The sign-in was not finished in the browser in time. If the browser showed an error "
                   "(for example a wrong password) or was closed, choose Try again, or register the "
                   "app yourself.");
        } else {
            error.userMessage = tr("%1 Choose Try again, or register the app yourself.").arg(error.userMessage);
        }
        failAutomatic(error);
        return;
    }
    Identity::DelegatedToken token;
    if (auto *browser = qobject_cast<Identity::AdminSignIn *>(job)) {
        token = browser->token();
    } else {
        token = static_cast<Identity::DeviceCodeSignIn *>(job)->token();
    }
    context()->adminSession = WizardContext::AdminSession{token.accessToken,
                                                          token.expiresAt,
                                                          token.tenantId,
                                                          token.userPrincipalName,
                                                          context()->profile.endpoints.authority};
    setStep(SignInRow, Status::Done);
    startRegistration();
}

void RegistrationPageController::startRegistration()
{
    // No certificate yet: it is made on the next page, which uploads it to this app. An app a failed attempt
    // created is resumed, never made a second time.
    const QString existing = m_registeredAppId;
    auto *job = createRegistrationJob(context(), Identity::CertificateCredential{}, existing, this);
    connect(job, &Graph::AppRegistrationJob::stepChanged, this, [this](int step, Status status) {
        using Job = Graph::AppRegistrationJob;
        switch (Job::Step(step)) {
        case Job::CheckAdminRoles:
            setStep(CheckRolesRow, status);
            break;
        case Job::FindGraphServicePrincipal:
            setStep(FindGraphRow, status);
            break;
        case Job::CreateApplication:
            setStep(CreateApplicationRow, status);
            break;
        case Job::CreateServicePrincipal:
            setStep(CreateServicePrincipalRow, status);
            break;
        case Job::GrantPermissions:
            setStep(GrantRow, status);
            break;
        case Job::UploadCertificate:
        case Job::StepCount:
            // Without a certificate the engine skips the upload; the Credentials page ticks it off.
            break;
        }
    });
    connect(job, &M365::Job::finished, this, &RegistrationPageController::onRegistered);
    m_registration = job;
    Q_EMIT changed();
    job->start();
}

void RegistrationPageController::onRegistered(M365::Job *job)
{
    job->deleteLater();
    m_registration = nullptr;
    auto *registration = static_cast<Graph::AppRegistrationJob *>(job);
    if (!registration->appId().isEmpty()) {
        // Created or found: a retry resumes this app.
        m_registeredAppId = registration->appId();
    }
    if (!registration->createdApplicationId().isEmpty()) {
        m_createdApplicationId = registration->createdApplicationId();
    }
    if (job->hasError()) {
        M365::Error error = job->error();
        if (m_cancelled || error.isCancelled()) {
            error.userMessage = tr("The registration was cancelled. Choose Try again, or register the app yourself.");
        } else if (error.code == QLatin1String(Graph::AppRegistrationJob::AdminRoleMissing)) {
            // Another administrator must sign in: Try again starts with a new sign-in.
            context()->adminSession = WizardContext::AdminSession{};
        } else {
            error.userMessage = tr("%1 Choose Try again, or register the app yourself.").arg(error.userMessage);
        }
        failAutomatic(error);
        return;
    }
    m_createdApplicationId.clear();
    m_autoTenant = context()->adminSession.tenantId;
    m_autoClientId = registration->appId();
    m_registeredAuthority = context()->profile.endpoints.authority;
    updateUploadStep();
    setBusy(false);
    Q_EMIT changed();
}

void RegistrationPageController::removeCreatedApplication()
{
    if (isBusy() || m_createdApplicationId.isEmpty() || !context()->adminSession.isValid()) {
        return;
    }
    clearError();
    setBusy(true);
    Graph::GraphClient *graph = createAdminGraph(context(), this);
    M365::Job *job = Graph::AppRegistrationJob::removeApplication(graph, m_createdApplicationId);
    job->setParent(graph);
    connect(job, &M365::Job::finished, this, [this, graph](M365::Job *done) {
        graph->deleteLater();
        m_removal = nullptr;
        if (done->hasError()) {
            M365::Error error = done->error();
            error.userMessage = tr("The app could not be removed: %1 Remove it in the Microsoft Entra admin center "
                                   "under App registrations, or try again.")
                                    .arg(error.userMessage);
            failAutomatic(error);
            return;
        }
        m_createdApplicationId.clear();
        m_registeredAppId.clear();
        m_failed = false;
        initSteps();
        setBusy(false);
        Q_EMIT changed();
    });
    m_removal = job;
    Q_EMIT changed();
    job->start();
}

void RegistrationPageController::failAutomatic(const M365::Error &error)
{
    m_failed = true;
    m_cancelled = false;
    setError(error);
    setBusy(false);
}

void RegistrationPageController::cancelAutomatic()
{
    m_cancelled = true;
    if (m_signIn) {
        m_signIn->cancel();
    } else if (m_registration) {
        m_registration->cancel();
    }
}

namespace {

QWidget *copyRow(QWidget *parent, const QString &text, const QString &objectName)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *value = new QLabel(text, row);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setStyleSheet(QStringLiteral("font-family: monospace;"));
    auto *copy = new QToolButton(row);
    copy->setObjectName(objectName);
    copy->setText(QCoreApplication::translate("M365::Ui::RegistrationPage", "Copy"));
    copy->setToolTip(QCoreApplication::translate("M365::Ui::RegistrationPage", "Copy to the clipboard"));
    QObject::connect(copy, &QToolButton::clicked, row, [text] {
        QApplication::clipboard()->setText(text);
    });
    layout->addWidget(value, 1);
    layout->addWidget(copy, 0, Qt::AlignTop);
    return row;
}

} // namespace

RegistrationPage::RegistrationPage(RegistrationPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_automatic(new QRadioButton(tr("Register automatically (sign in as an administrator)"), this))
    , m_manual(new QRadioButton(tr("I'll register it myself"), this))
    , m_stack(new QStackedWidget(this))
    , m_tenant(new QLineEdit(this))
    , m_clientId(new QLineEdit(this))
    , m_tenantProblem(new QLabel(this))
    , m_clientIdProblem(new QLabel(this))
{
    setTitle(tr("App registration"));
    setSubTitle(tr("m365sync signs in to Microsoft 365 as an app that your tenant knows."));
    m_automatic->setObjectName(QStringLiteral("automaticRegistrationRadio"));
    m_manual->setObjectName(QStringLiteral("manualRegistrationRadio"));
    m_tenant->setObjectName(QStringLiteral("tenantIdEdit"));
    m_clientId->setObjectName(QStringLiteral("clientIdEdit"));
    m_tenantProblem->setObjectName(QStringLiteral("tenantIdProblem"));
    m_clientIdProblem->setObjectName(QStringLiteral("clientIdProblem"));
    auto *modes = new QButtonGroup(this);
    modes->addButton(m_automatic, int(RegistrationPageController::Mode::Automatic));
    modes->addButton(m_manual, int(RegistrationPageController::Mode::Manual));
    connect(modes, &QButtonGroup::idClicked, this, [this](int id) {
        m_controller->setMode(RegistrationPageController::Mode(id));
    });

    m_stack->addWidget(buildManualPane());
    m_stack->addWidget(buildAutomaticPane());
    m_stack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

    // Each field with its problem below it, so a hidden problem leaves no gap.
    const auto field = [this](QLineEdit *edit, QLabel *problem) {
        auto *box = new QVBoxLayout;
        box->setSpacing(2);
        box->addWidget(edit);
        box->addWidget(problem);
        return box;
    };
    auto *form = new QFormLayout;
    form->addRow(tr("Directory (tenant) ID:"), field(m_tenant, m_tenantProblem));
    form->addRow(tr("Application (client) ID:"), field(m_clientId, m_clientIdProblem));
    for (QLabel *problem : {m_tenantProblem, m_clientIdProblem}) {
        problem->setWordWrap(true);
        problem->setStyleSheet(QStringLiteral("color: #a4262c;"));
        problem->hide();
    }

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_automatic);
    layout->addWidget(m_manual);
    layout->addSpacing(6);
    layout->addWidget(m_stack);
    layout->addSpacing(6);
    layout->addLayout(form);
    layout->addStretch();
    layout->addWidget(banner());

    connect(m_tenant, &QLineEdit::textEdited, controller, &RegistrationPageController::setTenant);
    connect(m_clientId, &QLineEdit::textEdited, controller, &RegistrationPageController::setClientId);
}

QWidget *RegistrationPage::buildManualPane()
{
    auto *pane = new QWidget(this);
    auto *steps = new QGridLayout(pane);
    steps->setContentsMargins(0, 0, 0, 0);
    steps->setColumnStretch(1, 1);
    int row = 0;
    const auto addStep = [&](const QString &text, QWidget *extra) {
        auto *label = new QLabel(text, pane);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextBrowserInteraction);
        label->setOpenExternalLinks(true);
        steps->addWidget(new QLabel(QString::number(row + 1) + QLatin1Char('.'), pane), row, 0, Qt::AlignTop);
        auto *cell = new QVBoxLayout;
        cell->setSpacing(2);
        cell->addWidget(label);
        if (extra) {
            cell->addWidget(extra);
        }
        steps->addLayout(cell, row, 1);
        ++row;
    };
    addStep(tr("In the Microsoft Entra admin center, open App registrations and choose New registration. Name it:"),
            copyRow(pane, RegistrationPageController::appName(), QStringLiteral("copyAppNameButton")));
    addStep(tr("Supported account types: this organizational directory only. No redirect URI is needed."), nullptr);
    addStep(tr("Under API permissions, add these Microsoft Graph application permissions, then grant admin consent:"),
            copyRow(pane,
                    RegistrationPageController::permissionsText().replace(QLatin1Char('\n'), QStringLiteral(", ")),
                    QStringLiteral("copyPermissionsButton")));
    addStep(tr("Optional: add Domain.ReadWrite.All as well if this wizard should verify your domain with Microsoft."),
            nullptr);
    addStep(tr("Copy the directory (tenant) ID and the application (client) ID from the Overview page into the fields "
               "below. The certificate comes on the next page."),
            nullptr);
    return pane;
}

QWidget *RegistrationPage::buildAutomaticPane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *intro = new QLabel(tr("Sign in as a Global Administrator (or as an Application or Cloud Application "
                                "Administrator who is also a Privileged Role Administrator). m365sync then registers "
                                "itself as \"%1\" with the permissions it needs and grants admin consent; the "
                                "certificate from the next page is added to it.")
                                 .arg(RegistrationPageController::appName()),
                             pane);
    intro->setWordWrap(true);

    m_register = new QPushButton(tr("Sign in and register"), pane);
    m_register->setObjectName(QStringLiteral("registerButton"));
    m_deviceCodeButton = new QPushButton(tr("Sign in with a code instead"), pane);
    m_deviceCodeButton->setObjectName(QStringLiteral("deviceCodeButton"));
    m_deviceCodeButton->setToolTip(tr("For a machine without a browser: sign in on your phone or another computer."));
    m_cancel = new QPushButton(tr("Cancel sign-in"), pane);
    m_cancel->setObjectName(QStringLiteral("cancelRegistrationButton"));
    m_copySignInLink = new QPushButton(tr("Copy sign-in link"), pane);
    m_copySignInLink->setObjectName(QStringLiteral("copySignInLinkButton"));
    m_copySignInLink->setToolTip(tr("Open this link in a browser where you can sign in as an administrator."));
    m_removeApp = new QPushButton(tr("Remove the app from the tenant"), pane);
    m_removeApp->setObjectName(QStringLiteral("removeCreatedAppButton"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_register);
    buttons->addWidget(m_deviceCodeButton);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_copySignInLink);
    buttons->addWidget(m_removeApp);
    buttons->addStretch();

    m_status = new QLabel(pane);
    m_status->setObjectName(QStringLiteral("registrationStatusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_status->setOpenExternalLinks(true);

    // The device code and where to enter it, each with its copy button.
    m_devicePane = new QWidget(pane);
    auto *device = new QGridLayout(m_devicePane);
    device->setContentsMargins(0, 0, 0, 0);
    device->setColumnStretch(1, 1);
    m_deviceCodeLabel = new QLabel(m_devicePane);
    m_deviceCodeLabel->setObjectName(QStringLiteral("deviceCodeLabel"));
    m_deviceCodeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont codeFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    codeFont.setPointSizeF(codeFont.pointSizeF() * 1.6);
    codeFont.setBold(true);
    m_deviceCodeLabel->setFont(codeFont);
    m_deviceUrlLabel = new QLabel(m_devicePane);
    m_deviceUrlLabel->setObjectName(QStringLiteral("deviceCodeUrlLabel"));
    m_deviceUrlLabel->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_deviceUrlLabel->setOpenExternalLinks(true);
    const auto copyButton = [this](const QString &objectName, std::function<QString()> text) {
        auto *copy = new QToolButton(m_devicePane);
        copy->setObjectName(objectName);
        copy->setText(tr("Copy"));
        copy->setToolTip(tr("Copy to the clipboard"));
        connect(copy, &QToolButton::clicked, this, [text] {
            QApplication::clipboard()->setText(text());
        });
        return copy;
    };
    device->addWidget(new QLabel(tr("Code:"), m_devicePane), 0, 0);
    device->addWidget(m_deviceCodeLabel, 0, 1);
    device->addWidget(copyButton(QStringLiteral("copyDeviceCodeButton"),
                                 [this] {
                                     return m_controller->deviceCode();
                                 }),
                      0,
                      2);
    device->addWidget(new QLabel(tr("Sign-in page:"), m_devicePane), 1, 0);
    device->addWidget(m_deviceUrlLabel, 1, 1);
    device->addWidget(copyButton(QStringLiteral("copyDeviceCodeUrlButton"),
                                 [this] {
                                     return m_controller->deviceCodeUrl().toString();
                                 }),
                      1,
                      2);

    m_steps = new QListWidget(pane);
    m_steps->setObjectName(QStringLiteral("registrationStepsList"));
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    m_steps->setFocusPolicy(Qt::NoFocus);
    m_steps->setIconSize(QSize(16, 16));
    m_steps->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    layout->addWidget(intro);
    layout->addSpacing(4);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_devicePane);
    layout->addWidget(m_steps);

    connect(m_register, &QPushButton::clicked, m_controller, &RegistrationPageController::registerAutomatically);
    connect(
        m_deviceCodeButton, &QPushButton::clicked, m_controller, &RegistrationPageController::registerWithDeviceCode);
    connect(m_cancel, &QPushButton::clicked, m_controller, &RegistrationPageController::cancelAutomatic);
    connect(m_copySignInLink, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_controller->signInUrl().toString(QUrl::FullyEncoded));
    });
    connect(m_removeApp, &QPushButton::clicked, this, [this] {
        const auto answer = QMessageBox::question(
            this,
            tr("Remove the app"),
            tr("Remove the app %1 that this attempt created from your tenant? Try again would create it anew.")
                .arg(RegistrationPageController::appName()),
            QMessageBox::Yes | QMessageBox::No,
            QMessageBox::No);
        if (answer == QMessageBox::Yes) {
            m_controller->removeCreatedApplication();
        }
    });
    return pane;
}

void RegistrationPage::initializePage()
{
    m_controller->load();
    m_controller->chooseDefaultMode();
    m_tenant->setText(m_controller->tenant());
    m_clientId->setText(m_controller->clientId());
    refresh();
}

void RegistrationPage::cleanupPage()
{
    if (m_controller->isBusy()) {
        m_controller->cancelAutomatic();
    }
    ControllerPage::cleanupPage();
}

void RegistrationPage::refresh()
{
    using Mode = RegistrationPageController::Mode;
    using Status = RegistrationPageController::Status;
    const bool automatic = m_controller->mode() == Mode::Automatic;
    const bool busy = m_controller->isBusy();
    m_automatic->setChecked(automatic);
    m_manual->setChecked(!automatic);
    // The stack is as tall as the current pane only, so a short pane leaves no gap.
    const int current = automatic ? 1 : 0;
    for (int i = 0; i < m_stack->count(); ++i) {
        // Ignored both ways: the hidden pane's width (five buttons side by side) must not widen the wizard either.
        const QSizePolicy::Policy policy = i == current ? QSizePolicy::Preferred : QSizePolicy::Ignored;
        m_stack->widget(i)->setSizePolicy(policy, policy);
    }
    m_stack->setCurrentIndex(current);
    m_stack->updateGeometry();

    // The automatic path fills in the IDs; the manual one takes them as typed.
    const bool switched = m_tenant->isReadOnly() != automatic;
    for (QLineEdit *edit : {m_tenant, m_clientId}) {
        edit->setReadOnly(automatic);
        // Read-only fields look it: the window's colour instead of the editable white.
        QPalette colours = palette();
        colours.setColor(QPalette::Base,
                         automatic ? palette().color(QPalette::Window) : palette().color(QPalette::Base));
        edit->setPalette(colours);
    }
    if (automatic || switched) {
        if (m_tenant->text().trimmed() != m_controller->tenant()) {
            m_tenant->setText(m_controller->tenant());
        }
        if (m_clientId->text().trimmed() != m_controller->clientId()) {
            m_clientId->setText(m_controller->clientId());
        }
    }
    m_tenant->setPlaceholderText(automatic ? tr("Filled in after the sign-in")
                                           : tr("GUID or domain, e.g. contoso.onmicrosoft.com"));
    m_clientId->setPlaceholderText(automatic ? tr("Filled in when the app is registered") : tr("GUID"));

    const QString tenantProblem = automatic ? QString() : m_controller->tenantProblem();
    const QString clientProblem = automatic ? QString() : m_controller->clientIdProblem();
    m_tenantProblem->setText(tenantProblem);
    m_tenantProblem->setVisible(!tenantProblem.isEmpty());
    m_clientIdProblem->setText(clientProblem);
    m_clientIdProblem->setVisible(!clientProblem.isEmpty());

    const bool deviceCodeShown = !m_controller->deviceCode().isEmpty();
    const bool leftover = !m_controller->createdApplicationId().isEmpty() && !m_controller->isRegistered();
    m_register->setText(m_controller->hasFailed() ? tr("Try again") : tr("Sign in and register"));
    m_register->setEnabled(!busy);
    m_register->setVisible(!m_controller->isRegistered());
    m_deviceCodeButton->setVisible(!busy && !m_controller->isRegistered());
    m_cancel->setVisible(busy);
    m_copySignInLink->setVisible(m_controller->signInUrl().isValid());
    m_removeApp->setVisible(leftover && !busy);
    QString status = m_controller->statusText();
    if (m_controller->signInUrl().isValid()) {
        status =
            tr("%1 If no browser window opened, <a href=\"%2\">open the sign-in page</a>, copy the link to a "
               "browser elsewhere, or cancel and sign in with a code.")
                .arg(status.toHtmlEscaped(), m_controller->signInUrl().toString(QUrl::FullyEncoded).toHtmlEscaped());
    } else {
        status = status.toHtmlEscaped();
    }
    m_status->setText(status);
    m_status->setVisible(!status.isEmpty());
    m_devicePane->setVisible(deviceCodeShown);
    if (deviceCodeShown) {
        m_deviceCodeLabel->setText(m_controller->deviceCode());
        const QString url = m_controller->deviceCodeUrl().toString();
        m_deviceUrlLabel->setText(
            QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toHtmlEscaped(), url.toHtmlEscaped()));
    }

    m_steps->clear();
    const QIcon done = style()->standardIcon(QStyle::SP_DialogApplyButton);
    const QIcon failed = style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const QIcon running = style()->standardIcon(QStyle::SP_ArrowRight);
    // Pending: an empty circle, so that the row reads as a step still to come.
    QPixmap circle(16, 16);
    circle.fill(Qt::transparent);
    {
        QPainter painter(&circle);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(palette().color(QPalette::Disabled, QPalette::Text), 1.5));
        painter.drawEllipse(QRectF(3.5, 3.5, 9, 9));
    }
    const QIcon pending(circle);
    for (const auto &step : m_controller->steps()) {
        auto *item = new QListWidgetItem(m_steps);
        item->setData(Qt::UserRole, int(step.status));
        switch (step.status) {
        case Status::Pending:
            item->setIcon(pending);
            item->setText(step.name);
            break;
        case Status::Running:
            item->setIcon(running);
            item->setText(tr("%1 — running…").arg(step.name));
            break;
        case Status::Done:
            item->setIcon(done);
            item->setText(tr("%1 — done").arg(step.name));
            break;
        case Status::Failed:
            item->setIcon(failed);
            item->setText(tr("%1 — failed").arg(step.name));
            break;
        }
    }
    // As tall as its rows: the list is a checklist, not a scrolling view.
    m_steps->setFixedHeight(m_steps->sizeHintForRow(0) * m_steps->count() + 2 * m_steps->frameWidth() + 4);
}

} // namespace M365::Ui
