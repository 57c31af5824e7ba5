// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "appregistration.h"

#include "graph/graphclient.h"
#include "graph/tenantcheck.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QUrl>

Q_LOGGING_CATEGORY(lcAppRegistration, "m365.core.graph.appregistration")

namespace M365::Graph {

namespace {

const QString graphAppId = QStringLiteral("00000003-0000-0000-c000-000000000000");

/// Removes an application this tool created, its service principal first: what a failed registration left behind.
class RemoveApplicationJob : public M365::Job
{
public:
    RemoveApplicationJob(GraphClient *client, const QString &applicationObjectId)
        : m_client(client)
        , m_applicationId(applicationObjectId)
    {}

protected:
    void run() override
    {
        Request get =
            Request::get(QStringLiteral("/applications/") + m_applicationId + QStringLiteral("?$select=appId"));
        get.retryNotFound = true;
        send(get, [this](const Response &application) {
            if (application.status == 404) {
                succeed(); // gone already
                return;
            }
            const QString appId = application.json.value(QLatin1String("appId")).toString();
            send(Request::get(QStringLiteral("/servicePrincipals?") + filterEquals(QStringLiteral("appId"), appId)),
                 [this](const Response &found) {
                     const QString sp = found.json.value(QLatin1String("value"))
                                            .toArray()
                                            .first()
                                            .toObject()
                                            .value(QLatin1String("id"))
                                            .toString();
                     if (sp.isEmpty()) {
                         deleteApplication();
                         return;
                     }
                     send(Request::remove(QStringLiteral("/servicePrincipals/") + sp), [this](const Response &) {
                         deleteApplication();
                     });
                 });
        });
    }
    void onCancel() override
    {
        if (m_current) {
            m_current->cancel();
        }
    }

private:
    void deleteApplication()
    {
        send(Request::remove(QStringLiteral("/applications/") + m_applicationId), [this](const Response &) {
            qCInfo(lcAppRegistration) << "removed application" << m_applicationId;
            succeed();
        });
    }
    /// Sends @p request; a failure other than 404 (already gone) fails the job.
    void send(const Request &request, std::function<void(const Response &)> handler)
    {
        RequestJob *job = m_client->send(request);
        m_current = job;
        connect(job, &M365::Job::finished, this, [this, job, handler](M365::Job *) {
            if (isFinished()) {
                return;
            }
            if (job->hasError() && job->response().status != 404) {
                fail(job->error());
                return;
            }
            handler(job->response());
        });
        job->start();
    }

    QPointer<GraphClient> m_client;
    QString m_applicationId;
    QPointer<M365::Job> m_current;
};

} // namespace

AppRegistrationJob::AppRegistrationJob(GraphClient *client, const Options &options, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_options(options)
{}

QStringList AppRegistrationJob::defaultRoles()
{
    QStringList roles = Features{}.requiredRoles();
    if (!roles.contains(QLatin1String("RoleManagement.Read.Directory"))) {
        roles.append(QStringLiteral("RoleManagement.Read.Directory"));
    }
    // POST /domains and verify need Domain.ReadWrite.All (graph domain-post-domains.md, domain-verify.md), which
    // contains Domain.Read.All.
    roles.replaceInStrings(QStringLiteral("Domain.Read.All"), QStringLiteral("Domain.ReadWrite.All"));
    return roles;
}

QString AppRegistrationJob::missingRoleReason(const QStringList &roleTemplateIds, const QStringList &roleNames)
{
    const auto holds = [&roleTemplateIds](QLatin1String role) {
        return roleTemplateIds.contains(role, Qt::CaseInsensitive);
    };
    const bool canGrant = holds(globalAdministrator) || holds(privilegedRoleAdministrator);
    const bool canCreate =
        holds(globalAdministrator) || holds(applicationAdministrator) || holds(cloudApplicationAdministrator);
    if (canGrant && canCreate) {
        return {};
    }
    const QString yours = roleNames.isEmpty()
        ? tr("Your account has no active administrator role.")
        : tr("Your account's active roles: %1.").arg(roleNames.join(QStringLiteral(", ")));
    QString reason;
    if (canCreate) {
        reason = tr("Granting the app its Microsoft Graph application permissions needs a Privileged Role "
                    "Administrator or a Global Administrator; Microsoft does not let Application or Cloud "
                    "Application Administrators grant them.");
    } else if (canGrant) {
        reason = tr("Creating the app needs an Application Administrator, a Cloud Application Administrator or a "
                    "Global Administrator.");
    } else {
        reason = tr("Registering the app needs a Global Administrator, or an Application or Cloud Application "
                    "Administrator who is also a Privileged Role Administrator.");
    }
    return tr("%1 %2 Nothing was created. Ask a Global Administrator to sign in here, or register the app yourself "
              "and send the consent link to a Privileged Role Administrator. If your role is eligible through "
              "Privileged Identity Management, activate it and try again.")
        .arg(reason, yours);
}

M365::Job *AppRegistrationJob::removeApplication(GraphClient *client, const QString &applicationObjectId)
{
    return new RemoveApplicationJob(client, applicationObjectId);
}

QString AppRegistrationJob::stepName(Step step)
{
    switch (step) {
    case CheckAdminRoles:
        return tr("Check your administrator roles");
    case FindGraphServicePrincipal:
        return tr("Find Microsoft Graph in the tenant");
    case CreateApplication:
        return tr("Create the application");
    case CreateServicePrincipal:
        return tr("Create its service principal");
    case UploadCertificate:
        return tr("Upload the certificate");
    case GrantPermissions:
        return tr("Grant admin consent for the permissions");
    case StepCount:
        break;
    }
    return {};
}

void AppRegistrationJob::run()
{
    if (!m_client || m_options.displayName.trimmed().isEmpty() || m_options.roles.isEmpty()) {
        fail(Error{QStringLiteral("registration.invalidArgument"),
                   tr("The app registration needs a Graph client, a display name and at least one permission."),
                   {},
                   {}});
        return;
    }
    if (m_options.checkAdminRoles) {
        checkAdminRoles();
    } else {
        setStep(CheckAdminRoles, Status::Done);
        findGraphServicePrincipal();
    }
}

void AppRegistrationJob::onCancel()
{
    if (m_current) {
        m_current->cancel();
    }
}

void AppRegistrationJob::send(const Request &request, Handler handler)
{
    RequestJob *job = m_client->send(request);
    m_current = job;
    connect(job, &M365::Job::finished, this, [this, job, handler](M365::Job *) {
        if (isFinished()) {
            return;
        }
        if (job->hasError()) {
            failStep(job->error());
            return;
        }
        handler(job->response());
    });
    job->start();
}

void AppRegistrationJob::setStep(Step step, Status status)
{
    m_step = step;
    Q_EMIT stepChanged(int(step), status);
}

void AppRegistrationJob::failStep(const M365::Error &error)
{
    qCWarning(lcAppRegistration) << "step" << int(m_step) << "failed:" << error.code << error.details;
    setStep(m_step, Status::Failed);
    fail(error);
}

QJsonArray AppRegistrationJob::requiredResourceAccess() const
{
    QJsonArray access;
    for (const QString &role : m_options.roles) {
        access.append(QJsonObject{{QStringLiteral("id"), m_roleIds.value(role)},
                                  {QStringLiteral("type"), QStringLiteral("Role")}});
    }
    return QJsonArray{
        QJsonObject{{QStringLiteral("resourceAppId"), graphAppId}, {QStringLiteral("resourceAccess"), access}}};
}

QJsonArray AppRegistrationJob::mergedResourceAccess(const QJsonArray &existing) const
{
    QJsonArray merged;
    bool graphSeen = false;
    const QJsonArray needed =
        requiredResourceAccess().first().toObject().value(QLatin1String("resourceAccess")).toArray();
    for (const auto &value : existing) {
        QJsonObject resource = value.toObject();
        if (resource.value(QLatin1String("resourceAppId")).toString() == graphAppId && !graphSeen) {
            graphSeen = true;
            QJsonArray access = resource.value(QLatin1String("resourceAccess")).toArray();
            for (const auto &item : needed) {
                if (!access.contains(item)) {
                    access.append(item);
                }
            }
            resource.insert(QStringLiteral("resourceAccess"), access);
        }
        merged.append(resource);
    }
    if (!graphSeen) {
        merged.append(requiredResourceAccess().first());
    }
    return merged;
}

void AppRegistrationJob::checkAdminRoles()
{
    setStep(CheckAdminRoles, Status::Running);
    // Directory roles (and groups) the signed-in user holds, directly or through a role-assignable group; User.Read
    // is enough for /me (graph user-list-transitivememberof.md). PIM-eligible roles appear only once activated.
    PagedJob *job = m_client->getAll(QStringLiteral("/me/transitiveMemberOf"));
    m_current = job;
    connect(job, &M365::Job::finished, this, [this, job](M365::Job *) {
        job->deleteLater();
        if (isFinished()) {
            return;
        }
        if (job->hasError()) {
            // Not knowing the roles is no reason to stop a Global Administrator: a refusal later says it as well.
            qCWarning(lcAppRegistration) << "could not read the administrator's roles:" << job->error().details;
            setStep(CheckAdminRoles, Status::Done);
            findGraphServicePrincipal();
            return;
        }
        QStringList templateIds;
        bool limited = false;
        for (const auto &value : job->items()) {
            const QJsonObject object = value.toObject();
            if (object.value(QLatin1String("@odata.type")).toString()
                == QLatin1String("#microsoft.graph.directoryRole")) {
                const QString templateId = object.value(QLatin1String("roleTemplateId")).toString();
                // Without Directory.Read.All a role comes with its type and id only (graph limited-info.md).
                limited |= templateId.isEmpty();
                templateIds.append(templateId);
                m_adminRoleNames.append(object.value(QLatin1String("displayName")).toString());
            }
        }
        if (limited) {
            qCWarning(lcAppRegistration) << "the administrator's roles came without their template ids";
            setStep(CheckAdminRoles, Status::Done);
            findGraphServicePrincipal();
            return;
        }
        const QString reason = missingRoleReason(templateIds, m_adminRoleNames);
        if (!reason.isEmpty()) {
            failStep(Error{QString(AdminRoleMissing), reason, m_adminRoleNames.join(QStringLiteral(", ")), {}});
            return;
        }
        setStep(CheckAdminRoles, Status::Done);
        findGraphServicePrincipal();
    });
    job->start();
}

QJsonObject AppRegistrationJob::webWithConsentRedirect(const QJsonObject &existing) const
{
    if (m_options.consentRedirectUri.isEmpty()) {
        return {};
    }
    const QString uri = m_options.consentRedirectUri.toString(QUrl::FullyEncoded);
    QJsonArray uris = existing.value(QLatin1String("redirectUris")).toArray();
    if (uris.contains(QJsonValue(uri))) {
        return {};
    }
    uris.append(uri);
    // The whole web object goes back with the URI added; redirectUriSettings repeats redirectUris and is left out.
    QJsonObject web = existing;
    web.remove(QStringLiteral("redirectUriSettings"));
    web.insert(QStringLiteral("redirectUris"), uris);
    return web;
}

void AppRegistrationJob::findGraphServicePrincipal()
{
    setStep(FindGraphServicePrincipal, Status::Running);
    send(Request::get(QStringLiteral("/servicePrincipals?") + filterEquals(QStringLiteral("appId"), graphAppId)
                      + QStringLiteral("&$select=id,appId,appRoles")),
         [this](const Response &response) {
             const QJsonObject graph = response.json.value(QLatin1String("value")).toArray().first().toObject();
             m_graphServicePrincipalId = graph.value(QLatin1String("id")).toString();
             if (m_graphServicePrincipalId.isEmpty()) {
                 failStep(Error{QStringLiteral("registration.noGraph"),
                                tr("The tenant has no Microsoft Graph service principal. Contact Microsoft support."),
                                {},
                                response.requestId});
                 return;
             }
             for (const auto &value : graph.value(QLatin1String("appRoles")).toArray()) {
                 const QJsonObject role = value.toObject();
                 m_roleIds.insert(role.value(QLatin1String("value")).toString(),
                                  role.value(QLatin1String("id")).toString());
             }
             QStringList unknown;
             for (const QString &role : std::as_const(m_options.roles)) {
                 if (!m_roleIds.contains(role)) {
                     unknown.append(role);
                 }
             }
             if (!unknown.isEmpty()) {
                 failStep(Error{QStringLiteral("registration.unknownRole"),
                                tr("Microsoft Graph in this tenant does not offer the permission %1.")
                                    .arg(unknown.join(QStringLiteral(", "))),
                                {},
                                response.requestId});
                 return;
             }
             setStep(FindGraphServicePrincipal, Status::Done);
             findApplication();
         });
}

void AppRegistrationJob::findApplication()
{
    setStep(CreateApplication, Status::Running);
    const auto byName = [this] {
        send(Request::get(QStringLiteral("/applications?")
                          + filterEquals(QStringLiteral("displayName"), m_options.displayName)),
             [this](const Response &response) {
                 // Only an app this tool created: one with the same name that someone else made is not ours.
                 QJsonObject ours;
                 for (const auto &value : response.json.value(QLatin1String("value")).toArray()) {
                     const QJsonObject app = value.toObject();
                     if (app.value(QLatin1String("tags")).toArray().contains(QJsonValue(ownerTag))) {
                         ours = app;
                         break;
                     }
                 }
                 createOrUpdateApplication(ours);
             });
    };
    if (m_options.existingAppId.isEmpty()) {
        byName();
        return;
    }
    send(
        Request::get(QStringLiteral("/applications?") + filterEquals(QStringLiteral("appId"), m_options.existingAppId)),
        [this, byName](const Response &response) {
            const QJsonArray found = response.json.value(QLatin1String("value")).toArray();
            if (found.isEmpty()) {
                byName();
            } else {
                createOrUpdateApplication(found.first().toObject());
            }
        });
}

void AppRegistrationJob::createOrUpdateApplication(const QJsonObject &existing)
{
    if (existing.isEmpty()) {
        QJsonObject body{{QStringLiteral("displayName"), m_options.displayName},
                         {QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
                         {QStringLiteral("tags"), QJsonArray{QString(ownerTag)}},
                         {QStringLiteral("requiredResourceAccess"), requiredResourceAccess()}};
        const QJsonObject web = webWithConsentRedirect({});
        if (!web.isEmpty()) {
            body.insert(QStringLiteral("web"), web);
        }
        send(Request::withBody("POST", QStringLiteral("/applications"), body), [this](const Response &response) {
            m_applicationId = response.json.value(QLatin1String("id")).toString();
            m_appId = response.json.value(QLatin1String("appId")).toString();
            qCInfo(lcAppRegistration) << "created application" << m_appId;
            setStep(CreateApplication, Status::Done);
            findServicePrincipal();
        });
        return;
    }
    m_reused = true;
    m_applicationId = existing.value(QLatin1String("id")).toString();
    m_appId = existing.value(QLatin1String("appId")).toString();
    qCInfo(lcAppRegistration) << "reusing application" << m_appId;
    // An earlier run or an admin may have configured other permissions. Graph replaces a collection on PATCH, so the
    // needed ones are added to what is there, never put in its place; nothing is written when all are there.
    const QJsonArray existingAccess = existing.value(QLatin1String("requiredResourceAccess")).toArray();
    const QJsonArray merged = mergedResourceAccess(existingAccess);
    QJsonObject changes;
    if (merged != existingAccess) {
        changes.insert(QStringLiteral("requiredResourceAccess"), merged);
    }
    const QJsonObject web = webWithConsentRedirect(existing.value(QLatin1String("web")).toObject());
    if (!web.isEmpty()) {
        changes.insert(QStringLiteral("web"), web);
    }
    if (changes.isEmpty()) {
        setStep(CreateApplication, Status::Done);
        findServicePrincipal();
        return;
    }
    Request patch = Request::withBody("PATCH", QStringLiteral("/applications/") + m_applicationId, changes);
    patch.retryNotFound = true;
    send(patch, [this](const Response &) {
        setStep(CreateApplication, Status::Done);
        findServicePrincipal();
    });
}

void AppRegistrationJob::findServicePrincipal()
{
    setStep(CreateServicePrincipal, Status::Running);
    send(Request::get(QStringLiteral("/servicePrincipals?") + filterEquals(QStringLiteral("appId"), m_appId)),
         [this](const Response &response) {
             const QJsonArray found = response.json.value(QLatin1String("value")).toArray();
             if (!found.isEmpty()) {
                 m_servicePrincipalId = found.first().toObject().value(QLatin1String("id")).toString();
                 setStep(CreateServicePrincipal, Status::Done);
                 uploadCertificate({});
                 return;
             }
             Request create = Request::withBody(
                 "POST", QStringLiteral("/servicePrincipals"), QJsonObject{{QStringLiteral("appId"), m_appId}});
             create.retryNotFound = true;
             send(create, [this](const Response &created) {
                 m_servicePrincipalId = created.json.value(QLatin1String("id")).toString();
                 setStep(CreateServicePrincipal, Status::Done);
                 uploadCertificate({});
             });
         });
}

void AppRegistrationJob::uploadCertificate(const QJsonObject &application)
{
    setStep(UploadCertificate, Status::Running);
    if (m_options.certificate.isNull()) {
        setStep(UploadCertificate, Status::Done);
        grantPermissions();
        return;
    }
    if (application.isEmpty()) {
        Request get = Request::get(QStringLiteral("/applications/") + m_applicationId
                                   + QStringLiteral("?$select=id,appId,keyCredentials"));
        get.retryNotFound = true;
        send(get, [this](const Response &response) {
            uploadCertificate(response.json.isEmpty() ? QJsonObject{{QStringLiteral("id"), m_applicationId}}
                                                      : response.json);
        });
        return;
    }
    const QString thumbprint = m_options.certificate.sha1ThumbprintHex().toUpper();
    // customKeyIdentifier is Binary, Base64 in Graph's JSON, and by default the SHA-1 thumbprint's bytes
    // (graph resources/keycredential.md): compared as bytes, a key uploaded before is found again.
    const QByteArray thumbprintBytes = QByteArray::fromHex(thumbprint.toLatin1());
    QJsonArray keys;
    for (const auto &value : application.value(QLatin1String("keyCredentials")).toArray()) {
        const QJsonObject key = value.toObject();
        const QByteArray identifier =
            QByteArray::fromBase64(key.value(QLatin1String("customKeyIdentifier")).toString().toLatin1());
        if (!identifier.isEmpty() && identifier == thumbprintBytes) {
            qCInfo(lcAppRegistration) << "certificate" << thumbprint << "is already uploaded";
            setStep(UploadCertificate, Status::Done);
            grantPermissions();
            return;
        }
        // Graph replaces the whole collection: keep the existing keys by their keyId.
        keys.append(QJsonObject{{QStringLiteral("keyId"), key.value(QLatin1String("keyId"))},
                                {QStringLiteral("type"), key.value(QLatin1String("type"))},
                                {QStringLiteral("usage"), key.value(QLatin1String("usage"))}});
    }
    keys.append(
        QJsonObject{{QStringLiteral("type"), QStringLiteral("AsymmetricX509Cert")},
                    {QStringLiteral("usage"), QStringLiteral("Verify")},
                    {QStringLiteral("displayName"), m_options.certificate.subject()},
                    {QStringLiteral("key"), QString::fromLatin1(m_options.certificate.exportCer().toBase64())}});
    Request patch = Request::withBody("PATCH",
                                      QStringLiteral("/applications/") + m_applicationId,
                                      QJsonObject{{QStringLiteral("keyCredentials"), keys}});
    patch.retryNotFound = true;
    send(patch, [this](const Response &) {
        setStep(UploadCertificate, Status::Done);
        grantPermissions();
    });
}

void AppRegistrationJob::grantPermissions()
{
    setStep(GrantPermissions, Status::Running);
    Request get = Request::get(QStringLiteral("/servicePrincipals/") + m_servicePrincipalId
                               + QStringLiteral("/appRoleAssignments"));
    get.retryNotFound = true;
    send(get, [this](const Response &response) {
        QStringList assigned;
        for (const auto &value : response.json.value(QLatin1String("value")).toArray()) {
            const QJsonObject assignment = value.toObject();
            if (assignment.value(QLatin1String("resourceId")).toString() == m_graphServicePrincipalId) {
                assigned.append(assignment.value(QLatin1String("appRoleId")).toString());
            }
        }
        m_toGrant.clear();
        for (const QString &role : std::as_const(m_options.roles)) {
            if (assigned.contains(m_roleIds.value(role))) {
                m_grantedRoles.append(role);
            } else {
                m_toGrant.append(role);
            }
        }
        grantNext();
    });
}

void AppRegistrationJob::grantNext()
{
    if (m_toGrant.isEmpty()) {
        setStep(GrantPermissions, Status::Done);
        succeed();
        return;
    }
    const QString role = m_toGrant.takeFirst();
    Request grant = Request::withBody("POST",
                                      QStringLiteral("/servicePrincipals/") + m_graphServicePrincipalId
                                          + QStringLiteral("/appRoleAssignedTo"),
                                      QJsonObject{{QStringLiteral("principalId"), m_servicePrincipalId},
                                                  {QStringLiteral("resourceId"), m_graphServicePrincipalId},
                                                  {QStringLiteral("appRoleId"), m_roleIds.value(role)}});
    grant.retryNotFound = true;
    send(grant, [this, role](const Response &) {
        qCInfo(lcAppRegistration) << "granted" << role;
        m_grantedRoles.append(role);
        grantNext();
    });
}

} // namespace M365::Graph
