// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphtypes.h"
#include "identity/certificatecredential.h"
#include "job.h"

#include <QJsonObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace M365::Graph {

class GraphClient;

/*
 * Registers m365sync in the tenant with an administrator's delegated token, the steps an admin would otherwise click
 * through in the Entra admin center: the application with the Microsoft Graph application permissions it needs
 * (requiredResourceAccess), its service principal, the certificate's public part (keyCredentials), and admin consent
 * for each permission (an appRoleAssignment on the Microsoft Graph service principal).
 *
 * Before it creates anything it reads the signed-in administrator's directory roles (GET /me/transitiveMemberOf):
 * creating the app needs Application Administrator, Cloud Application Administrator or Global Administrator, and
 * granting Microsoft Graph application permissions needs Privileged Role Administrator or Global Administrator
 * (entra-docs identity/enterprise-apps/grant-admin-consent.md). Without both it stops and says who must do it, so
 * the tenant is never left with an app that has no consent.
 *
 * Running it again is safe: each step first looks for what an earlier run made (the application by appId, or by
 * display name among the apps this tool created and tagged with ownerTag; the service principal by appId, the
 * certificate by thumbprint, the assignments by role) and only adds what is missing, so a wizard can retry after a
 * failure without leaving a second app behind. An app with the same name that this tool did not create is never
 * taken over. When a later step fails, createdApplicationId() names what this run created, so the caller can offer
 * to remove it (removeApplication()).
 *
 * The GraphClient must carry the delegated token (TokenProvider::setStaticToken with AdminSignIn's token) with
 * Application.ReadWrite.All and AppRoleAssignment.ReadWrite.All.
 */
class AppRegistrationJob : public M365::Job
{
    Q_OBJECT

public:
    /// The steps, in order; stepChanged() reports each so a page can tick it off.
    enum Step {
        CheckAdminRoles,
        FindGraphServicePrincipal,
        CreateApplication,
        CreateServicePrincipal,
        UploadCertificate,
        GrantPermissions,
        StepCount
    };
    Q_ENUM(Step)
    enum class Status { Pending, Running, Done, Failed };
    Q_ENUM(Status)

    /// What to register.
    struct Options
    {
        QString displayName = QStringLiteral("m365sync");
        QStringList roles; ///< Microsoft Graph application permissions, e.g. Features::requiredRoles()
        Identity::CertificateCredential certificate; ///< its public part is uploaded; null: no upload
        QString existingAppId; ///< a client id from an earlier run, looked up first
        /// Registered as the app's web redirect URI, so that its admin-consent link can come back somewhere
        /// (identity-platform/v2-admin-consent.md); empty: none.
        QUrl consentRedirectUri;
        bool checkAdminRoles = true; ///< read the signed-in admin's roles first (see the class comment)
    };

    /// What an automatic registration asks for: what the features need, plus RoleManagement.Read.Directory so the
    /// sync can see admin roles (the engine copes without it), and Domain.ReadWrite.All instead of Domain.Read.All
    /// so the domain can be added and verified right after.
    static QStringList defaultRoles();

    /// Error codes in M365::Error::code.
    static constexpr QLatin1String AdminRoleMissing{"registration.adminRoleMissing"};
    /// The tag on every application this tool creates; only tagged apps are reused by display name.
    static constexpr QLatin1String ownerTag{"m365sync"};

    /// Built-in role template ids (entra-docs identity/role-based-access-control/permissions-reference.md).
    static constexpr QLatin1String globalAdministrator{"62e90394-69f5-4237-9190-012177145e10"};
    static constexpr QLatin1String privilegedRoleAdministrator{"e8611ab8-c189-46e8-94e1-60213ab1f814"};
    static constexpr QLatin1String applicationAdministrator{"9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"};
    static constexpr QLatin1String cloudApplicationAdministrator{"158c047a-c907-4556-b7ef-446551a6b5f7"};
    /// Why the roles (template ids) cannot register the app and grant its permissions, naming who can; empty when
    /// they can.
    static QString missingRoleReason(const QStringList &roleTemplateIds, const QStringList &roleNames);

    /// Deletes an application this tool created (its service principal first); the job is started by the caller.
    static M365::Job *removeApplication(GraphClient *client, const QString &applicationObjectId);

    AppRegistrationJob(GraphClient *client, const Options &options, QObject *parent = nullptr);

    /// The translated label of a step ("Create the application"), for the page.
    static QString stepName(Step step);

    // The result, valid after a successful finished().
    QString appId() const { return m_appId; } ///< the client id to put in the profile
    QString applicationObjectId() const { return m_applicationId; }
    QString servicePrincipalId() const { return m_servicePrincipalId; }
    QStringList grantedRoles() const { return m_grantedRoles; }
    /// True when the application existed before this run.
    bool reusedExistingApplication() const { return m_reused; }
    /// The object id of the application when this run created it (also after a failure), else empty.
    QString createdApplicationId() const { return m_reused ? QString() : m_applicationId; }
    /// The signed-in administrator's active directory roles, by display name (after the first step).
    QStringList adminRoles() const { return m_adminRoleNames; }

Q_SIGNALS:
    void stepChanged(int step, M365::Graph::AppRegistrationJob::Status status);

protected:
    void run() override;
    void onCancel() override;

private:
    using Handler = std::function<void(const Response &)>;
    void send(const Request &request, Handler handler);
    void setStep(Step step, Status status);
    void failStep(const M365::Error &error);
    void checkAdminRoles();
    void findGraphServicePrincipal();
    void findApplication();
    void createOrUpdateApplication(const QJsonObject &existing);
    void findServicePrincipal();
    void uploadCertificate(const QJsonObject &application);
    void grantPermissions();
    void grantNext();
    /// @p existing (an application's requiredResourceAccess) with the needed Graph roles added, nothing removed.
    QJsonArray mergedResourceAccess(const QJsonArray &existing) const;
    QJsonArray requiredResourceAccess() const;
    /// @p existing (an application's web settings) with the consent redirect added; empty when it is there already.
    QJsonObject webWithConsentRedirect(const QJsonObject &existing) const;

    QPointer<GraphClient> m_client;
    Options m_options;
    Step m_step = FindGraphServicePrincipal;
    QPointer<M365::Job> m_current;

    QString m_graphServicePrincipalId;
    QHash<QString, QString> m_roleIds; ///< permission value -> app role id on Microsoft Graph
    QString m_appId;
    QString m_applicationId;
    QString m_servicePrincipalId;
    QStringList m_grantedRoles;
    QStringList m_toGrant;
    QStringList m_adminRoleNames;
    bool m_reused = false;
};

} // namespace M365::Graph
