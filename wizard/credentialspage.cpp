// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentialspage.h"

#include "errorbanner.h"
#include "profile/keychainsecretstore.h"
#include "profile/secretstore.h"
#include "registrationpage.h"
#include "wizardcontext.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPixmap>
#include <QPushButton>
#include <QRadioButton>
#include <QSslConfiguration>
#include <QStackedWidget>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace M365::Ui {

namespace {

QByteArray readAll(const QString &path, M365::Error *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error =
            M365::Error{QStringLiteral("file.unreadable"),
                        CredentialsPageController::tr("The file %1 cannot be read: %2").arg(path, file.errorString()),
                        file.errorString(),
                        {}};
        return {};
    }
    return file.readAll();
}

} // namespace

void CredentialsPageController::setMethod(Method method)
{
    if (m_method != method) {
        m_method = method;
        context()->profile.credentialKind = method == Method::ClientSecret ? Profile::CredentialKind::ClientSecret
                                                                           : Profile::CredentialKind::Certificate;
        clearError();
        invalidate();
        Q_EMIT changed();
    }
}

void CredentialsPageController::setCertificateResult(bool ok, const M365::Error &error)
{
    context()->setConnection(nullptr);
    m_uploadFailed = false;
    invalidate();
    setError(ok ? M365::Error{} : error);
}

bool CredentialsPageController::generate(int validityDays)
{
    const auto result = Identity::CertificateCredential::generate(
        QStringLiteral("m365sync %1").arg(context()->profile.name), validityDays);
    if (result.ok()) {
        context()->certificate = result.value;
    }
    setCertificateResult(result.ok(), result.error);
    return result.ok();
}

bool CredentialsPageController::importPfx(const QString &path, const QString &password)
{
    M365::Error error;
    const QByteArray data = readAll(path, &error);
    if (!error.isNull()) {
        setCertificateResult(false, error);
        return false;
    }
    const auto result = Identity::CertificateCredential::importPfx(data, password);
    if (result.ok()) {
        context()->certificate = result.value;
    }
    setCertificateResult(result.ok(), result.error);
    return result.ok();
}

bool CredentialsPageController::importPem(const QString &certificatePath,
                                          const QString &keyPath,
                                          const QString &keyPassword)
{
    M365::Error error;
    const QByteArray certificate = readAll(certificatePath, &error);
    const QByteArray key = error.isNull() ? readAll(keyPath, &error) : QByteArray();
    if (!error.isNull()) {
        setCertificateResult(false, error);
        return false;
    }
    const auto result = Identity::CertificateCredential::importPem(certificate, key, keyPassword);
    if (result.ok()) {
        context()->certificate = result.value;
    }
    setCertificateResult(result.ok(), result.error);
    return result.ok();
}

void CredentialsPageController::setClientSecret(const QString &secret)
{
    context()->clientSecret = secret;
    context()->setConnection(nullptr);
    invalidate();
    Q_EMIT changed();
}

bool CredentialsPageController::exportCer(const QString &path)
{
    QFile file(path);
    if (!hasCertificate() || !file.open(QIODevice::WriteOnly) || file.write(context()->certificate.exportCer()) < 0) {
        setError(M365::Error{QStringLiteral("file.unwritable"),
                             tr("The certificate could not be written to %1: %2").arg(path, file.errorString()),
                             file.errorString(),
                             {}});
        return false;
    }
    clearError();
    return true;
}

bool CredentialsPageController::hasCertificate() const
{
    return !context()->certificate.isNull();
}

QString CredentialsPageController::thumbprint() const
{
    return context()->certificate.sha1ThumbprintHex();
}

QString CredentialsPageController::expiryText() const
{
    return hasCertificate() ? QLocale().toString(context()->certificate.notAfter().toLocalTime(), QLocale::LongFormat)
                            : QString();
}

bool CredentialsPageController::uploadsToRegisteredApp() const
{
    return context()->automaticRegistration && m_method != Method::ClientSecret;
}

Graph::AppRegistrationJob::Status CredentialsPageController::uploadStatus() const
{
    using Status = Graph::AppRegistrationJob::Status;
    if (m_uploading) {
        return Status::Running;
    }
    if (m_uploadFailed) {
        return Status::Failed;
    }
    return hasCertificate() && context()->uploadedThumbprint == thumbprint() ? Status::Done : Status::Pending;
}

bool CredentialsPageController::isInputComplete() const
{
    return m_method == Method::ClientSecret ? !context()->clientSecret.isEmpty() : hasCertificate();
}

void CredentialsPageController::validate()
{
    if (!isInputComplete()) {
        finishValidation(false);
        return;
    }
    clearError();
    setBusy(true);
    probeKeychain();
}

void CredentialsPageController::probeKeychain()
{
    // Reading a key that does not exist yet proves a keychain answers without writing anything.
    Secrets::SecretStore *store = context()->secrets();
    if (!store) {
        setError(M365::Error{QStringLiteral("secrets.none"), tr("No keychain is configured."), {}, {}});
        finishValidation(false);
        return;
    }
    const QString key = Secrets::SecretStore::key(context()->profile.name, context()->secretPurpose());
    Secrets::SecretJob *job = store->read(key, this);
    connect(job, &Secrets::SecretJob::finished, this, [this, done = job] {
        done->deleteLater();
        if (done->hasError() && done->failure() != Secrets::SecretJob::Failure::NotFound) {
            M365::Error error = done->error();
            error.details = done->errorString() + QLatin1Char('\n') + error.details;
            if (done->failure() == Secrets::SecretJob::Failure::NoBackend) {
                QString advice = Secrets::KeychainSecretStore::noBackendAdvice();
#if defined(Q_OS_LINUX)
                advice += QLatin1Char(' ')
                    + tr("If no keyring is installed, install one: on Debian and Ubuntu, \"sudo apt install "
                         "gnome-keyring libsecret-1-0\".");
#endif
                error.userMessage =
                    tr("m365sync keeps the private key in the system keychain, and no keychain answers. %1")
                        .arg(advice);
            }
            setError(error);
            finishValidation(false);
            return;
        }
        if (uploadsToRegisteredApp()) {
            uploadToRegisteredApp();
        } else if (context()->isSandbox() && m_uploadToSandbox && m_method != Method::ClientSecret) {
            uploadCertificate();
        } else {
            finishValidation(true);
        }
    });
    job->start();
}

void CredentialsPageController::uploadCertificate()
{
    // What the admin does under Certificates & secrets, done here for the sandbox tenant through its admin API.
    const QString base = context()->profile.endpoints.authority.toString();
    QNetworkRequest request(QUrl(base + QStringLiteral("/_sandbox/applications/") + context()->profile.clientId
                                 + QStringLiteral("/certificates")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!context()->profile.caFile.isEmpty()) {
        QFile ca(context()->profile.caFile);
        if (ca.open(QIODevice::ReadOnly)) {
            ssl.addCaCertificates(QSslCertificate::fromData(ca.readAll()));
        }
    }
    request.setSslConfiguration(ssl);
    const QJsonObject body{{QStringLiteral("certificatePem"), QString::fromLatin1(context()->certificate.exportPem())}};
    QNetworkReply *reply = context()->nam()->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status / 100 != 2) {
            setError(
                M365::Error{QStringLiteral("sandbox.upload"),
                            tr("The certificate could not be added to the sandbox app: %1").arg(reply->errorString()),
                            QString::fromUtf8(reply->readAll()),
                            {}});
            finishValidation(false);
            return;
        }
        finishValidation(true);
    });
}

void CredentialsPageController::uploadToRegisteredApp()
{
    using Status = Graph::AppRegistrationJob::Status;
    if (uploadStatus() == Status::Done) {
        finishValidation(true);
        return;
    }
    if (!context()->adminSession.isValid()) {
        m_uploadFailed = true;
        setError(M365::Error{QStringLiteral("registration.signInExpired"),
                             tr("The administrator's sign-in has expired, so the certificate could not be added to "
                                "the app. Export the .cer file and upload it under Certificates & secrets of the app "
                                "%1 in the Microsoft Entra admin center, or go back and register the app again.")
                                 .arg(RegistrationPageController::appName()),
                             {},
                             {}});
        finishValidation(false);
        return;
    }
    m_uploading = true;
    m_uploadFailed = false;
    Q_EMIT changed();
    // The same registration as on the previous page, now with the certificate: it finds the app and only uploads.
    auto *job = RegistrationPageController::createRegistrationJob(
        context(), context()->certificate, context()->profile.clientId, this);
    const QString uploaded = thumbprint();
    connect(job, &M365::Job::finished, this, [this, uploaded](M365::Job *done) {
        done->deleteLater();
        m_uploading = false;
        if (done->hasError()) {
            m_uploadFailed = true;
            M365::Error error = done->error();
            error.userMessage = tr("The certificate could not be added to the app: %1").arg(error.userMessage);
            setError(error);
            finishValidation(false);
            return;
        }
        context()->uploadedThumbprint = uploaded;
        finishValidation(true);
    });
    job->start();
}

CredentialsPage::CredentialsPage(CredentialsPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_stack(new QStackedWidget(this))
    , m_thumbprint(new QLabel(this))
    , m_expiry(new QLabel(this))
    , m_exportCer(new QPushButton(tr("Export .cer…"), this))
    , m_upload(new QCheckBox(tr("Add the certificate to the sandbox app (what you would upload in the portal)"), this))
    , m_certificateInfo(new QWidget(this))
    , m_uploadRow(new QWidget(this))
    , m_uploadIcon(new QLabel(this))
    , m_uploadStatus(new QLabel(this))
{
    setTitle(tr("Credentials"));
    setSubTitle(tr("The app proves who it is with a certificate. Its private key is kept in the system keychain."));
    m_thumbprint->setObjectName(QStringLiteral("thumbprintLabel"));
    m_expiry->setObjectName(QStringLiteral("expiryLabel"));
    m_exportCer->setObjectName(QStringLiteral("exportCerButton"));
    m_upload->setObjectName(QStringLiteral("sandboxUploadCheck"));
    m_thumbprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_thumbprint->setStyleSheet(QStringLiteral("font-family: monospace;"));

    auto *methods = new QButtonGroup(this);
    const struct
    {
        CredentialsPageController::Method method;
        const char *objectName;
        QString text;
    } choices[] = {
        {CredentialsPageController::Method::Generate, "generateRadio", tr("Generate a new certificate (recommended)")},
        {CredentialsPageController::Method::ImportPfx, "importPfxRadio", tr("Import a PFX file")},
        {CredentialsPageController::Method::ImportPem, "importPemRadio", tr("Import a PEM certificate and key")},
        {CredentialsPageController::Method::ClientSecret,
         "clientSecretRadio",
         tr("Use a client secret instead (not recommended)")},
    };
    auto *choiceRow = new QVBoxLayout;
    for (const auto &choice : choices) {
        auto *radio = new QRadioButton(choice.text, this);
        radio->setObjectName(QLatin1String(choice.objectName));
        radio->setChecked(choice.method == controller->method());
        methods->addButton(radio, int(choice.method));
        choiceRow->addWidget(radio);
    }
    m_stack->addWidget(buildGeneratePane());
    m_stack->addWidget(buildPfxPane());
    m_stack->addWidget(buildPemPane());
    m_stack->addWidget(buildSecretPane());
    m_stack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    connect(methods, &QButtonGroup::idClicked, this, [this](int id) {
        m_controller->setMethod(CredentialsPageController::Method(id));
    });

    auto *info = new QFormLayout(m_certificateInfo);
    info->setContentsMargins(0, 0, 0, 0);
    info->addRow(tr("Thumbprint (SHA-1):"), m_thumbprint);
    info->addRow(tr("Valid until:"), m_expiry);
    info->addRow(QString(), m_exportCer);
    m_exportCer->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    connect(m_exportCer, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export certificate"), QStringLiteral("m365sync.cer"), tr("Certificates (*.cer)"));
        if (!path.isEmpty()) {
            m_controller->exportCer(path);
        }
    });
    m_uploadStatus->setObjectName(QStringLiteral("uploadStatusLabel"));
    m_uploadStatus->setWordWrap(true);
    auto *uploadLayout = new QHBoxLayout(m_uploadRow);
    uploadLayout->setContentsMargins(0, 0, 0, 0);
    uploadLayout->addWidget(m_uploadIcon, 0, Qt::AlignTop);
    uploadLayout->addWidget(m_uploadStatus, 1);
    m_uploadIcon->setFixedSize(16, 16);
    m_upload->setChecked(controller->uploadToSandbox());
    connect(m_upload, &QCheckBox::toggled, controller, &CredentialsPageController::setUploadToSandbox);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(choiceRow);
    layout->addSpacing(6);
    layout->addWidget(m_stack);
    layout->addWidget(m_certificateInfo);
    layout->addWidget(m_upload);
    layout->addWidget(m_uploadRow);
    layout->addStretch();
    layout->addWidget(banner());
}

QWidget *CredentialsPage::buildGeneratePane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QHBoxLayout(pane);
    layout->setContentsMargins(0, 6, 0, 6);
    m_validity = new QComboBox(pane);
    m_validity->setObjectName(QStringLiteral("validityCombo"));
    m_validity->addItem(tr("1 year"), 365);
    m_validity->addItem(tr("2 years"), 730);
    m_validity->addItem(tr("3 years"), 1095);
    m_validity->setCurrentIndex(1);
    auto *generate = new QPushButton(tr("Generate"), pane);
    generate->setObjectName(QStringLiteral("generateButton"));
    connect(generate, &QPushButton::clicked, this, [this] {
        m_controller->generate(m_validity->currentData().toInt());
    });
    layout->addWidget(new QLabel(tr("Valid for:"), pane));
    layout->addWidget(m_validity);
    layout->addWidget(generate);
    layout->addStretch();
    return pane;
}

QLineEdit *CredentialsPage::fileRow(QWidget *parent, QLayout *layout, const QString &objectName, const QString &filter)
{
    auto *row = new QHBoxLayout;
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    auto *browse = new QToolButton(parent);
    browse->setText(tr("Browse…"));
    connect(browse, &QToolButton::clicked, this, [this, edit, filter] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Choose a file"), edit->text(), filter);
        if (!path.isEmpty()) {
            edit->setText(path);
        }
    });
    row->addWidget(edit);
    row->addWidget(browse);
    static_cast<QFormLayout *>(layout)->addRow(
        objectName == QLatin1String("keyPathEdit") ? tr("Private key:") : tr("File:"), row);
    return edit;
}

QWidget *CredentialsPage::buildPfxPane()
{
    auto *pane = new QWidget(this);
    auto *form = new QFormLayout(pane);
    form->setContentsMargins(0, 6, 0, 6);
    m_pfxPath = fileRow(pane, form, QStringLiteral("pfxPathEdit"), tr("PFX files (*.pfx *.p12)"));
    m_pfxPassword = new QLineEdit(pane);
    m_pfxPassword->setObjectName(QStringLiteral("pfxPasswordEdit"));
    m_pfxPassword->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Password:"), m_pfxPassword);
    auto *import = new QPushButton(tr("Import"), pane);
    import->setObjectName(QStringLiteral("importPfxButton"));
    import->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    form->addRow(QString(), import);
    connect(import, &QPushButton::clicked, this, [this] {
        m_controller->importPfx(m_pfxPath->text(), m_pfxPassword->text());
    });
    return pane;
}

QWidget *CredentialsPage::buildPemPane()
{
    auto *pane = new QWidget(this);
    auto *form = new QFormLayout(pane);
    form->setContentsMargins(0, 6, 0, 6);
    m_certPath = fileRow(pane, form, QStringLiteral("certPathEdit"), tr("Certificates (*.pem *.crt *.cer)"));
    m_keyPath = fileRow(pane, form, QStringLiteral("keyPathEdit"), tr("Private keys (*.pem *.key)"));
    m_keyPassword = new QLineEdit(pane);
    m_keyPassword->setObjectName(QStringLiteral("keyPasswordEdit"));
    m_keyPassword->setEchoMode(QLineEdit::Password);
    m_keyPassword->setPlaceholderText(tr("Only for an encrypted key"));
    form->addRow(tr("Key password:"), m_keyPassword);
    auto *import = new QPushButton(tr("Import"), pane);
    import->setObjectName(QStringLiteral("importPemButton"));
    import->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    form->addRow(QString(), import);
    connect(import, &QPushButton::clicked, this, [this] {
        m_controller->importPem(m_certPath->text(), m_keyPath->text(), m_keyPassword->text());
    });
    return pane;
}

QWidget *CredentialsPage::buildSecretPane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 6, 0, 6);
    auto *warning = new QLabel(tr("Not recommended. A client secret is a password that can be copied and expires "
                                  "within two years; Microsoft advises a certificate for apps like this one."),
                               pane);
    warning->setObjectName(QStringLiteral("clientSecretWarning"));
    warning->setWordWrap(true);
    warning->setStyleSheet(QStringLiteral("color: #8a5a00;"));
    m_secret = new QLineEdit(pane);
    m_secret->setObjectName(QStringLiteral("clientSecretEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("Client secret value"));
    connect(m_secret, &QLineEdit::textEdited, m_controller, &CredentialsPageController::setClientSecret);
    layout->addWidget(warning);
    layout->addWidget(m_secret);
    return pane;
}

void CredentialsPage::initializePage()
{
    refresh();
}

void CredentialsPage::refresh()
{
    const bool secret = m_controller->method() == CredentialsPageController::Method::ClientSecret;
    // The stack is as tall as the current pane only, so a short pane leaves no gap.
    const int current = int(m_controller->method());
    for (int i = 0; i < m_stack->count(); ++i) {
        m_stack->widget(i)->setSizePolicy(QSizePolicy::Preferred,
                                          i == current ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    }
    m_stack->setCurrentIndex(current);
    m_stack->updateGeometry();
    m_certificateInfo->setVisible(!secret);
    m_thumbprint->setText(m_controller->hasCertificate() ? m_controller->thumbprint() : tr("No certificate yet"));
    m_expiry->setText(m_controller->hasCertificate() ? m_controller->expiryText() : QStringLiteral("—"));
    m_exportCer->setEnabled(m_controller->hasCertificate());
    const bool automatic = m_controller->context()->automaticRegistration;
    m_upload->setVisible(!secret && m_controller->context()->isSandbox() && !automatic);

    // The automatic registration's last step: the certificate goes to the app when Next is chosen.
    using Status = Graph::AppRegistrationJob::Status;
    m_uploadRow->setVisible(automatic);
    const QString app = RegistrationPageController::appName();
    QIcon icon;
    if (secret) {
        m_uploadStatus->setText(tr("The automatic registration adds certificates only. Add a client secret to the app "
                                   "%1 yourself, under Certificates & secrets in the Microsoft Entra admin center.")
                                    .arg(app));
        icon = style()->standardIcon(QStyle::SP_MessageBoxInformation);
    } else {
        switch (m_controller->uploadStatus()) {
        case Status::Pending:
            m_uploadStatus->setText(tr("Upload the certificate to the app %1 — when you choose Next").arg(app));
            break;
        case Status::Running:
            m_uploadStatus->setText(tr("Upload the certificate to the app %1 — running…").arg(app));
            icon = style()->standardIcon(QStyle::SP_ArrowRight);
            break;
        case Status::Done:
            m_uploadStatus->setText(tr("Upload the certificate to the app %1 — done").arg(app));
            icon = style()->standardIcon(QStyle::SP_DialogApplyButton);
            break;
        case Status::Failed:
            m_uploadStatus->setText(tr("Upload the certificate to the app %1 — failed").arg(app));
            icon = style()->standardIcon(QStyle::SP_MessageBoxCritical);
            break;
        }
    }
    m_uploadIcon->setPixmap(icon.isNull() ? QPixmap() : icon.pixmap(16, 16));
}

} // namespace M365::Ui
