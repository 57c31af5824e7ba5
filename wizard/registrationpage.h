// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/appregistration.h"
#include "pagecontroller.h"

#include <QPointer>
#include <QUrl>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QRadioButton;
class QStackedWidget;

namespace M365::Identity {
class CertificateCredential;
} // namespace M365::Identity

namespace M365::Graph {
class GraphClient;
}

namespace M365::Ui {

class WizardContext;

/*
 * App registration, two ways. Automatically: the administrator signs in, in the system browser (AdminSignIn, the
 * authorization-code flow with PKCE on a 127.0.0.1 redirect) or, where no browser can open, with a code on another
 * device (DeviceCodeSignIn); AppRegistrationJob then checks the admin's roles and creates the application, its
 * service principal and the admin consent. The certificate follows on the Credentials page, which uploads it with the
 * same delegated token (kept in the WizardContext, in memory only). An app this page created is never left behind
 * half-made without the admin knowing: after a failed step the page offers to remove it, or Try again resumes it.
 * Manually: the admin registers the app in the Entra admin center and types the tenant and client IDs.
 */
class RegistrationPageController : public PageController
{
    Q_OBJECT

public:
    enum class Mode { Manual, Automatic };
    using Status = Graph::AppRegistrationJob::Status;
    /// The rows of the automatic path's checklist, in the order the page shows them.
    enum Row {
        SignInRow,
        CheckRolesRow,
        FindGraphRow,
        CreateApplicationRow,
        CreateServicePrincipalRow,
        GrantRow,
        UploadRow,
        RowCount
    };
    struct Step
    {
        QString name;
        Status status = Status::Pending;
    };

    using PageController::PageController;
    ~RegistrationPageController() override;

    /// The display name suggested for the app registration.
    static QString appName();
    /// The Microsoft Graph application permissions to add, one per line.
    static QString permissionsText();
    /// The public client the administrator signs in with: the sandbox's "m365sync setup" client, or Microsoft Graph
    /// Command Line Tools in a real tenant (a Microsoft app every tenant knows, with loopback redirects).
    static QString signInClientId(bool sandbox);
    /// A registration over the administrator's delegated token; the Graph client lives as long as the job.
    /// @p certificate may be null (then nothing is uploaded).
    static Graph::AppRegistrationJob *createRegistrationJob(WizardContext *context,
                                                            const Identity::CertificateCredential &certificate,
                                                            const QString &existingAppId,
                                                            QObject *parent);

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    /// The mode the page starts in: manual with the sandbox's demo app, automatic for a real tenant.
    void chooseDefaultMode();

    QString tenant() const { return m_mode == Mode::Automatic ? m_autoTenant : m_tenant; }
    QString clientId() const { return m_mode == Mode::Automatic ? m_autoClientId : m_clientId; }
    void setTenant(const QString &tenant);
    void setClientId(const QString &clientId);
    /// Reads the values from the context (pre-filled by the sandbox, or kept when going back).
    void load();
    /// Ticks off the certificate's upload once the Credentials page did it (called when the page is shown again).
    void updateUploadStep();

    /// A GUID, or a domain such as contoso.onmicrosoft.com.
    static bool isValidTenant(const QString &tenant);
    static bool isValidGuid(const QString &value);
    /// What is wrong with the typed value, or an empty string (shown as typed; empty fields say nothing).
    QString tenantProblem() const;
    QString clientIdProblem() const;

    /// Automatic path: signs the administrator in (unless a valid sign-in is kept) and registers the app.
    void registerAutomatically();
    /// The same with a device code instead of the browser: the page shows a code to enter on another device.
    void registerWithDeviceCode();
    /// While a device-code sign-in waits: the code to enter and where (empty otherwise).
    QString deviceCode() const { return m_deviceCode; }
    QUrl deviceCodeUrl() const { return m_deviceCodeUrl; }
    /// The application a failed attempt created, to remove or to resume with Try again (empty: none).
    QString createdApplicationId() const { return m_createdApplicationId; }
    /// Deletes the application a failed attempt created (with the admin's token), so nothing half-made stays.
    void removeCreatedApplication();
    /// Stops a running sign-in or registration; the page says so and offers to try again.
    void cancelAutomatic();
    /// True when the automatic path has registered the app.
    bool isRegistered() const { return !m_autoClientId.isEmpty() && !m_autoTenant.isEmpty(); }
    /// True after an automatic attempt failed or was cancelled (the button then reads "Try again").
    bool hasFailed() const { return m_failed; }
    const QList<Step> &steps() const { return m_steps; }
    /// One line on what the automatic path is doing or did.
    QString statusText() const;
    /// The sign-in page while the sign-in runs, to open again or copy.
    QUrl signInUrl() const { return m_signInUrl; }

    bool isInputComplete() const override;
    void validate() override;

private:
    void initSteps();
    void setStep(int row, Status status);
    void startSignIn(bool deviceCode);
    /// The browser could not be opened: the running browser sign-in gives way to a device code.
    void switchToDeviceCode();
    /// A Graph client over the administrator's delegated token; its token provider goes with it.
    static Graph::GraphClient *createAdminGraph(WizardContext *context, QObject *parent);
    void onSignedIn(M365::Job *job);
    void startRegistration();
    void onRegistered(M365::Job *job);
    void failAutomatic(const M365::Error &error);

    Mode m_mode = Mode::Manual;
    bool m_modeChosen = false;
    QString m_tenant;
    QString m_clientId;
    QString m_autoTenant;
    QString m_autoClientId;
    QString m_registeredAppId; ///< kept across attempts, so a retry reuses the application
    QUrl m_registeredAuthority;
    QList<Step> m_steps;
    bool m_failed = false;
    bool m_cancelled = false;
    QUrl m_signInUrl;
    QString m_deviceCode;
    QUrl m_deviceCodeUrl;
    QString m_createdApplicationId;
    QPointer<M365::Job> m_signIn;
    QPointer<Graph::AppRegistrationJob> m_registration;
    QPointer<M365::Job> m_removal;
};

class RegistrationPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit RegistrationPage(RegistrationPageController *controller, QWidget *parent = nullptr);
    void initializePage() override;
    /// Back to the Welcome page stops a sign-in or registration still running.
    void cleanupPage() override;

protected:
    void refresh() override;

private:
    QWidget *buildManualPane();
    QWidget *buildAutomaticPane();

    RegistrationPageController *m_controller;
    QRadioButton *m_automatic;
    QRadioButton *m_manual;
    QStackedWidget *m_stack;
    QPushButton *m_register = nullptr;
    QPushButton *m_deviceCodeButton = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_copySignInLink = nullptr;
    QPushButton *m_removeApp = nullptr;
    QWidget *m_devicePane = nullptr;
    QLabel *m_deviceCodeLabel = nullptr;
    QLabel *m_deviceUrlLabel = nullptr;
    QLabel *m_status = nullptr;
    QListWidget *m_steps = nullptr;
    QLineEdit *m_tenant;
    QLineEdit *m_clientId;
    QLabel *m_tenantProblem;
    QLabel *m_clientIdProblem;
};

} // namespace M365::Ui
