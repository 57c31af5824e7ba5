// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/appregistration.h"
#include "pagecontroller.h"

#include <QPointer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QStackedWidget;
class QNetworkReply;

namespace M365::Ui {

/*
 * Credentials: a certificate (generated, or imported from PFX or PEM) or, discouraged, a client secret. The private
 * key stays in memory until Finish puts it in the keychain; validation checks that a keychain answers at all, so the
 * admin learns now, not at Finish, what to install. When the previous page registered the app automatically,
 * validation also uploads the certificate to it with the administrator's token (AppRegistrationJob with the
 * existing app, which only adds what is missing).
 */
class CredentialsPageController : public PageController
{
    Q_OBJECT

public:
    enum class Method { Generate, ImportPfx, ImportPem, ClientSecret };

    using PageController::PageController;

    Method method() const { return m_method; }
    void setMethod(Method method);
    /// Sandbox mode: upload the certificate to the sandbox's app registration, as the admin would in the portal.
    bool uploadToSandbox() const { return m_uploadToSandbox; }
    void setUploadToSandbox(bool upload) { m_uploadToSandbox = upload; }

    bool generate(int validityDays);
    bool importPfx(const QString &path, const QString &password);
    bool importPem(const QString &certificatePath, const QString &keyPath, const QString &keyPassword);
    void setClientSecret(const QString &secret);
    /// Writes the certificate as DER (.cer) for upload to Entra ID.
    bool exportCer(const QString &path);

    bool hasCertificate() const;
    QString thumbprint() const;
    QString expiryText() const;

    /// True when Next uploads the certificate to the automatically registered app.
    bool uploadsToRegisteredApp() const;
    /// The upload of the current certificate to that app.
    Graph::AppRegistrationJob::Status uploadStatus() const;

    bool isInputComplete() const override;
    void validate() override;

private:
    void probeKeychain();
    void uploadCertificate();
    void uploadToRegisteredApp();
    void setCertificateResult(bool ok, const M365::Error &error);

    Method m_method = Method::Generate;
    bool m_uploadToSandbox = true;
    bool m_uploading = false;
    bool m_uploadFailed = false;
};

class CredentialsPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit CredentialsPage(CredentialsPageController *controller, QWidget *parent = nullptr);
    void initializePage() override;

protected:
    void refresh() override;

private:
    QWidget *buildGeneratePane();
    QWidget *buildPfxPane();
    QWidget *buildPemPane();
    QWidget *buildSecretPane();
    QLineEdit *fileRow(QWidget *parent, QLayout *layout, const QString &objectName, const QString &filter);

    CredentialsPageController *m_controller;
    QStackedWidget *m_stack;
    QComboBox *m_validity = nullptr;
    QLineEdit *m_pfxPath = nullptr;
    QLineEdit *m_pfxPassword = nullptr;
    QLineEdit *m_certPath = nullptr;
    QLineEdit *m_keyPath = nullptr;
    QLineEdit *m_keyPassword = nullptr;
    QLineEdit *m_secret = nullptr;
    QLabel *m_thumbprint;
    QLabel *m_expiry;
    QPushButton *m_exportCer;
    QCheckBox *m_upload;
    QWidget *m_certificateInfo;
    QWidget *m_uploadRow;
    QLabel *m_uploadIcon;
    QLabel *m_uploadStatus;
};

} // namespace M365::Ui
