// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "onboardingwizard.h"

#include "attributespage.h"
#include "connectionpage.h"
#include "credentialspage.h"
#include "csvmappingpage.h"
#include "directorypage.h"
#include "domainpage.h"
#include "profile/profilestore.h"
#include "registrationpage.h"
#include "summarypage.h"
#include "welcomepage.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>

namespace M365::Ui {

Q_LOGGING_CATEGORY(lcWizard, "m365.wizard")

namespace {

/// The names a draft records its page by: stable words, not the ids, which may be renumbered.
const QStringList pageNames{QStringLiteral("welcome"),
                            QStringLiteral("registration"),
                            QStringLiteral("credentials"),
                            QStringLiteral("connection"),
                            QStringLiteral("domain"),
                            QStringLiteral("directory"),
                            QStringLiteral("csvColumns"),
                            QStringLiteral("attributes"),
                            QStringLiteral("summary")};

/// The Directory page's settings for a profile's "directory" object (DirectoryPageController::toJson() the other way).
DirectoryPageController::Settings directorySettings(const QJsonObject &json, const QString &bindPassword)
{
    using Type = DirectoryPageController::Type;
    using Tls = Directory::LdapConfig::Tls;
    const QString type = json.value(QLatin1String("type")).toString();
    const QString tls = json.value(QLatin1String("tls")).toString();
    DirectoryPageController::Settings settings;
    settings.type = type == QLatin1String("csv")   ? Type::CsvFile
        : type == QLatin1String("openldap")        ? Type::OpenLdap
        : type == QLatin1String("activedirectory") ? Type::ActiveDirectory
        : type == QLatin1String("univention")      ? Type::Univention
        : type == QLatin1String("389ds")           ? Type::Ds389
                                                   : Type::LdifFile;
    settings.tls = tls == QLatin1String("none") ? Tls::None
        : tls == QLatin1String("ldaps")         ? Tls::Ldaps
                                                : Tls::StartTls;
    settings.path = json.value(QLatin1String("path")).toString();
    settings.url = json.value(QLatin1String("url")).toString();
    settings.caFile = json.value(QLatin1String("caFile")).toString();
    settings.bindDn = json.value(QLatin1String("bindDn")).toString();
    settings.baseDn = json.value(QLatin1String("baseDn")).toString();
    settings.bindPassword = bindPassword;
    return settings;
}

/// Questions with an application ID in them: wide enough that the ID and a command line are not broken at a hyphen.
void widen(QMessageBox *box)
{
    box->setStyleSheet(
        QStringLiteral("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 480px; }"));
}

} // namespace

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
        const QString original = m_context->originalName;
        if (ok && m_context->purpose == WizardContext::Purpose::ResumeDraft && !original.isEmpty()
            && original != m_context->profile.name) {
            // Finished under another name: the draft and its secrets go.
            Profile::ProfileStore(m_context->profileDirectory()).remove(original, m_context->secrets())->start();
        }
    });

    // Resuming a draft goes through the pages again; each check that ends brings it one page further.
    connect(this, &QWizard::currentIdChanged, this, &OnboardingWizard::scheduleReplay);
    for (int id : pageIds()) {
        if (PageController *controller = controllerFor(id)) {
            connect(controller, &PageController::validated, this, [this](bool ok) {
                if (ok) {
                    scheduleReplay();
                } else {
                    stopReplay();
                }
            });
        }
    }
    resize(900, 640);
}

OnboardingWizard::~OnboardingWizard() = default;

int OnboardingWizard::nextId() const
{
    if (currentId() == DirectoryPageId && m_directory->settings().type != DirectoryPageController::Type::CsvFile) {
        return AttributesPageId;
    }
    // An edit changes the tenant, the app and its credential; the rest is edited in the dashboard's Settings.
    if (currentId() == ConnectionPageId && m_context->purpose == WizardContext::Purpose::EditConnection) {
        return SummaryPageId;
    }
    return QWizard::nextId();
}

QString OnboardingWizard::savedProfileName() const
{
    return m_saved ? m_context->profile.name : QString();
}

QString OnboardingWizard::pageName(int id)
{
    return pageNames.value(id);
}

int OnboardingWizard::pageId(const QString &name)
{
    return int(pageNames.indexOf(name));
}

PageController *OnboardingWizard::controllerFor(int id) const
{
    switch (PageId(id)) {
    case WelcomePageId:
        return m_welcome;
    case RegistrationPageId:
        return m_registration;
    case CredentialsPageId:
        return m_credentials;
    case ConnectionPageId:
        return m_connection;
    case DomainPageId:
        return m_domain;
    case DirectoryPageId:
        return m_directory;
    case CsvColumnsPageId:
        return m_csvMapping;
    case AttributesPageId:
        return m_attributes;
    case SummaryPageId:
        return m_summary;
    }
    return nullptr;
}

void OnboardingWizard::openProfile(const Profile::Profile &profile)
{
    m_context->purpose =
        profile.isDraft() ? WizardContext::Purpose::ResumeDraft : WizardContext::Purpose::EditConnection;
    m_context->originalName = profile.name;
    setWindowTitle(profile.isDraft() ? tr("Finish the connection \"%1\"").arg(profile.name)
                                     : tr("Edit the connection \"%1\"").arg(profile.name));
    auto *job = new ProfileSecretsJob(m_context->secrets(), profile, this);
    connect(job, &M365::Job::finished, this, [this, job, profile] {
        job->deleteLater();
        onProfileSecrets(job, profile);
    });
    job->start();
}

void OnboardingWizard::onProfileSecrets(ProfileSecretsJob *job, const Profile::Profile &saved)
{
    WizardContext *ctx = m_context;
    Profile::Profile profile = saved;
    const std::optional<Profile::DraftState> draft = profile.draft;
    profile.draft.reset();
    ctx->profile = profile;

    // The Welcome page's choice is the profile's: the sandbox (custom endpoints) or a cloud.
    const bool sandbox = profile.endpoints.cloud == Identity::Cloud::Custom;
    ctx->setSandboxMode(sandbox);
    if (!sandbox) {
        m_welcome->setCloud(profile.endpoints.cloud);
    }
    QStringList problems;
    QString sandboxProblem;
    if (sandbox && !ctx->followSandbox(&sandboxProblem)) {
        problems.append(tr("The sandbox tenant could not start: %1").arg(sandboxProblem));
    }
    if (job->hasError()) {
        problems.append(tr("The keychain could not be read: %1 Make or import the certificate again on the "
                           "Credentials page.")
                            .arg(job->errorString()));
    }

    ctx->certificate = job->certificate();
    ctx->clientSecret = job->clientSecret();
    ctx->ldapBindPassword = job->ldapBindPassword();
    ctx->upnDomain = profile.sync.value(QLatin1String("upnDomain")).toString();
    ctx->uploadedThumbprint = draft ? draft->uploadedThumbprint : QString();
    m_draftRegisteredApp = draft && draft->appRegistered ? profile.clientId : QString();
    // The app exists and its IDs are known: the registration page shows them as typed, and without the
    // administrator's sign-in (kept in memory only) the certificate goes to the app as on the manual path.
    ctx->automaticRegistration = false;
    m_registration->setMode(RegistrationPageController::Mode::Manual);

    if (profile.credentialKind == Profile::CredentialKind::ClientSecret) {
        m_credentials->setMethod(CredentialsPageController::Method::ClientSecret);
        if (auto *radio = findChild<QAbstractButton *>(QStringLiteral("clientSecretRadio"))) {
            radio->setChecked(true);
        }
        if (auto *edit = findChild<QLineEdit *>(QStringLiteral("clientSecretEdit"))) {
            edit->setText(ctx->clientSecret);
        }
    }
    int target = RegistrationPageId;
    if (draft) {
        target = qBound(int(RegistrationPageId), pageId(draft->resumePage), int(AttributesPageId));
    }
    // The certificate is in the app already (the draft got past the Credentials page or uploaded it, or the profile
    // signed in with it): uploading it to the sandbox's app again would add it twice.
    const bool uploaded = !ctx->certificate.isNull() && ctx->uploadedThumbprint == ctx->certificate.sha1ThumbprintHex();
    if (sandbox && (!draft || target > CredentialsPageId || uploaded)) {
        if (auto *upload = findChild<QCheckBox *>(QStringLiteral("sandboxUploadCheck"))) {
            upload->setChecked(false);
        }
        m_credentials->setUploadToSandbox(false);
    }
    if (!profile.directory.isEmpty()) {
        m_directory->setSettings(directorySettings(profile.directory, ctx->ldapBindPassword));
        if (profile.directory.value(QLatin1String("type")).toString() == QLatin1String("csv")) {
            const Result<Directory::CsvOptions> csv = Directory::CsvOptions::fromJson(profile.directory);
            if (csv.ok()) {
                ctx->csvOptions = csv.value;
            }
        }
    }

    // The Welcome page's choice cannot change for a saved profile: its IDs belong to that tenant.
    setStartId(RegistrationPageId);
    restart();
    if (target > RegistrationPageId) {
        m_replayTarget = target;
        m_replayLast = -1;
        scheduleReplay();
    }
    if (!problems.isEmpty()) {
        showWarning(QStringLiteral("openProfileWarning"), problems.join(QLatin1Char('\n')));
    }
    qCInfo(lcWizard) << "opened profile" << profile.name << (draft ? "to resume at" : "to edit") << pageName(target);
    Q_EMIT profileOpened();
}

void OnboardingWizard::scheduleReplay()
{
    if (m_replayTarget >= 0) {
        QTimer::singleShot(0, this, &OnboardingWizard::replayStep);
    }
}

void OnboardingWizard::replayStep()
{
    if (m_replayTarget < 0) {
        return;
    }
    const int id = currentId();
    // There, past it, or the admin went back: the admin takes over.
    if (id < 0 || id >= m_replayTarget || id < m_replayLast) {
        stopReplay();
        return;
    }
    m_replayLast = id;
    PageController *controller = controllerFor(id);
    if (controller && controller->isBusy()) {
        return; // its validated() brings the replay back here
    }
    if (!currentPage()->isComplete()) {
        stopReplay(); // the page shows what is missing
        return;
    }
    // Next validates the page as a click would; an asynchronous check moves on by itself when it succeeds.
    next();
}

void OnboardingWizard::stopReplay()
{
    m_replayTarget = -1;
    m_replayLast = -1;
}

int OnboardingWizard::resumePage() const
{
    const int shown = qMax(currentId(), m_replayTarget);
    return qBound(int(RegistrationPageId), shown, int(AttributesPageId));
}

QString OnboardingWizard::registeredAppId() const
{
    if (m_registration->isRegistered() && m_registration->mode() == RegistrationPageController::Mode::Automatic) {
        return m_registration->clientId();
    }
    return m_draftRegisteredApp;
}

bool OnboardingWizard::hasWorkToKeep() const
{
    if (m_closing || m_context->purpose == WizardContext::Purpose::EditConnection) {
        return false;
    }
    return !workDone().isEmpty();
}

QStringList OnboardingWizard::workDone() const
{
    QStringList done;
    const WizardContext *ctx = m_context;
    if (ctx->purpose == WizardContext::Purpose::ResumeDraft) {
        done.append(tr("The draft \"%1\" was kept before and is being finished.").arg(ctx->originalName));
    }
    const QString app = registeredAppId();
    if (!app.isEmpty()) {
        done.append(tr("The app %1 is registered in the tenant (application ID %2).")
                        .arg(RegistrationPageController::appName(), app));
    } else if (m_registration->isVerified() && !ctx->profile.clientId.isEmpty()) {
        done.append(tr("The tenant ID and the application (client) ID were entered and checked."));
    }
    if (!ctx->certificate.isNull()) {
        done.append(!ctx->uploadedThumbprint.isEmpty()
                            && ctx->uploadedThumbprint == ctx->certificate.sha1ThumbprintHex()
                        ? tr("A certificate was made and added to the app.")
                        : tr("A certificate was made or imported."));
    } else if (!ctx->clientSecret.isEmpty()) {
        done.append(tr("A client secret was entered."));
    }
    return done;
}

void OnboardingWizard::reject()
{
    if (m_question || m_closingJob) {
        return; // already asking, or keeping / discarding
    }
    if (!hasWorkToKeep()) {
        closeNow();
        return;
    }
    askBeforeClosing();
}

void OnboardingWizard::closeNow()
{
    m_closing = true;
    stopReplay();
    QWizard::reject();
}

void OnboardingWizard::askBeforeClosing()
{
    auto *box = new QMessageBox(QMessageBox::Question,
                                tr("Close the wizard"),
                                tr("Keep what was done as a draft?"),
                                QMessageBox::NoButton,
                                this);
    box->setObjectName(QStringLiteral("keepDraftQuestion"));
    widen(box);
    QString details;
    for (const QString &line : workDone()) {
        details += QStringLiteral("• ") + line + QLatin1Char('\n');
    }
    details += QLatin1Char('\n')
        + tr("A draft keeps the IDs, the certificate (its private key in the system keychain) and the settings made so "
             "far. The wizard resumes it the next time m365sync starts. Discard deletes them from this computer.");
    box->setInformativeText(details);
    askKeepOrDiscard(box, QStringLiteral("discardDraftButton"), false);
}

void OnboardingWizard::askKeepOrDiscard(QMessageBox *box, const QString &discardName, bool discardConfirmed)
{
    QPushButton *keep = box->addButton(tr("Keep as a draft"), QMessageBox::AcceptRole);
    keep->setObjectName(QStringLiteral("keepDraftButton"));
    QPushButton *discardButton = box->addButton(tr("Discard"), QMessageBox::DestructiveRole);
    discardButton->setObjectName(discardName);
    QPushButton *goBack = box->addButton(tr("Go back"), QMessageBox::RejectRole);
    goBack->setObjectName(QStringLiteral("goBackButton"));
    // The safe answer is the default: Enter keeps, Escape goes back; neither loses anything.
    box->setDefaultButton(keep);
    box->setEscapeButton(goBack);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, keep, discardButton, discardConfirmed] {
        m_question = nullptr;
        QAbstractButton *clicked = box->clickedButton();
        if (clicked == keep) {
            keepDraft();
        } else if (clicked == discardButton) {
            discard(discardConfirmed);
        }
    });
    m_question = box;
    // open(), not exec(): no nested event loop (STYLE.md section 3).
    box->open();
}

void OnboardingWizard::keepDraft()
{
    WizardContext *ctx = m_context;
    Profile::Profile draft = ctx->profile;
    // A new draft must not replace a connection of the same name; a resumed one keeps its name.
    if (ctx->purpose == WizardContext::Purpose::ResumeDraft && !ctx->originalName.isEmpty()) {
        draft.name = ctx->originalName;
    } else {
        const Profile::ProfileStore store(ctx->profileDirectory());
        const QString base = Profile::Profile::isValidName(draft.name) ? draft.name : QStringLiteral("m365");
        draft.name = base;
        for (int i = 2; store.exists(draft.name) && i < 100; ++i) {
            draft.name = QStringLiteral("%1-%2").arg(base).arg(i);
        }
    }
    // The IDs the registration page registered (it writes them into the profile only on Next).
    const QString app = registeredAppId();
    if (m_registration->isRegistered() && app == m_registration->clientId()) {
        draft.tenant = m_registration->tenant();
        draft.clientId = app;
    }
    Profile::DraftState state;
    state.resumePage = pageName(resumePage());
    state.appRegistered = !app.isEmpty() && draft.clientId == app;
    if (state.appRegistered && !ctx->certificate.isNull()
        && ctx->uploadedThumbprint == ctx->certificate.sha1ThumbprintHex()) {
        state.uploadedThumbprint = ctx->uploadedThumbprint;
    }
    draft.draft = state;
    if (ctx->hasCredential()) {
        ctx->applyCredentialTo(draft);
    } else {
        draft.certificate = Profile::CertificateInfo{};
        draft.secrets.privateKey.clear();
        draft.secrets.clientSecret.clear();
    }
    if (!ctx->upnDomain.isEmpty()) {
        draft.sync.insert(QStringLiteral("upnDomain"), ctx->upnDomain);
    }
    const QList<QPair<QString, QByteArray>> secrets = ctx->secretsFor(draft);
    auto *job = new SaveProfileJob(ctx->secrets(), ctx->profileDirectory(), draft, secrets, this);
    m_closingJob = job;
    connect(job, &M365::Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            showWarning(QStringLiteral("keepDraftFailed"),
                        tr("The draft could not be kept: %1 The wizard stays open, so nothing is lost.")
                            .arg(job->errorString()),
                        job->error().details);
            return;
        }
        m_keptDraft = job->profile().name;
        qCInfo(lcWizard) << "kept draft" << m_keptDraft << "to resume at" << job->profile().draft->resumePage;
        Q_EMIT draftKept(m_keptDraft);
        closeNow();
    });
    job->start();
}

void OnboardingWizard::discard(bool confirmed)
{
    const QString app = registeredAppId();
    if (!app.isEmpty() && !confirmed) {
        // Discarding forgets the certificate, but the app stays in the tenant: say so, and how to remove it.
        auto *box = new QMessageBox(
            QMessageBox::Warning,
            tr("Discard the draft"),
            tr("Discard the draft? The app %1 stays in the tenant.").arg(RegistrationPageController::appName()),
            QMessageBox::NoButton,
            this);
        box->setObjectName(QStringLiteral("discardAppQuestion"));
        widen(box);
        QString text = tr("m365sync registered the app \"%1\" (application ID %2) in the tenant. Discarding the draft "
                          "does not delete it there, and without the certificate kept here nobody can sign in as it.")
                           .arg(RegistrationPageController::appName(), app);
        text += QStringLiteral("\n\n");
        text += m_context->isSandbox()
            ? tr("To remove it, reset the sandbox tenant (m365sync-cli --sandbox-reset).")
            : tr("To remove it, open the Microsoft Entra admin center, go to App registrations, All applications, "
                 "select \"%1\" with this application ID and choose Delete.")
                  .arg(RegistrationPageController::appName());
        box->setInformativeText(text);
        askKeepOrDiscard(box, QStringLiteral("confirmDiscardButton"), true);
        return;
    }
    if (m_context->purpose != WizardContext::Purpose::ResumeDraft || m_context->originalName.isEmpty()) {
        closeNow(); // nothing was written: the certificate was only in memory
        return;
    }
    // The draft kept before: its file and its secrets go.
    Profile::ProfileRemoveJob *job = Profile::ProfileStore(m_context->profileDirectory())
                                         .remove(m_context->originalName, m_context->secrets(), this);
    connect(job, &Profile::ProfileRemoveJob::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            showWarning(QStringLiteral("discardFailed"),
                        tr("The draft could not be deleted: %1").arg(job->errorString()),
                        job->error().details);
            return;
        }
        closeNow();
    });
    m_closingJob = job;
    job->start();
}

void OnboardingWizard::showWarning(const QString &objectName, const QString &text, const QString &details)
{
    auto *box = new QMessageBox(QMessageBox::Warning, windowTitle(), text, QMessageBox::Ok, this);
    box->setObjectName(objectName);
    box->setDetailedText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace M365::Ui
