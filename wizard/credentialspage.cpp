// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentialspage.h"

#include "errorbanner.h"
#include "profile/keychainsecretstore.h"
#include "profile/secretstore.h"
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
#include <QPushButton>
#include <QRadioButton>
#include <QSslConfiguration>
#include <QStackedWidget>
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
    connect(job, &Secrets::SecretJob::finished, this, [this](Secrets::SecretJob *done) {
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
        if (context()->isSandbox() && m_uploadToSandbox && m_method != Method::ClientSecret) {
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

CredentialsPage::CredentialsPage(CredentialsPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_stack(new QStackedWidget(this))
    , m_thumbprint(new QLabel(this))
    , m_expiry(new QLabel(this))
    , m_exportCer(new QPushButton(tr("Export .cer…"), this))
    , m_upload(new QCheckBox(tr("Add the certificate to the sandbox app (what you would upload in the portal)"), this))
    , m_certificateInfo(new QWidget(this))
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
    m_upload->setChecked(controller->uploadToSandbox());
    connect(m_upload, &QCheckBox::toggled, controller, &CredentialsPageController::setUploadToSandbox);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(choiceRow);
    layout->addSpacing(6);
    layout->addWidget(m_stack);
    layout->addWidget(m_certificateInfo);
    layout->addWidget(m_upload);
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
    m_upload->setVisible(!secret && m_controller->context()->isSandbox());
}

} // namespace M365::Ui
