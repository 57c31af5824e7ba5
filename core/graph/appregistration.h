// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphtypes.h"
#include "identity/certificatecredential.h"
#include "job.h"

#include <QJsonObject>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace M365::Graph {

class GraphClient;

/*
 * Registers m365sync in the tenant with an administrator's delegated token, the steps an admin would otherwise click
 * through in the Entra admin center: the application with the Microsoft Graph application permissions it needs
 * (requiredResourceAccess), its service principal, the certificate's public part (keyCredentials), and admin consent
 * for each permission (an appRoleAssignment on the Microsoft Graph service principal).
 *
 * Running it again is safe: each step first looks for what an earlier run made (the application by appId or display
 * name, the service principal by appId, the certificate by thumbprint, the assignments by role) and only adds what is
 * missing, so a wizard can retry after a failure without leaving a second app behind.
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
    };

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
    bool m_reused = false;
};

} // namespace M365::Graph
