// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The admin consent endpoints ("Admin consent on the Microsoft identity platform", entra-docs
// identity-platform/v2-admin-consent.md; "Grant tenant-wide admin consent to an application", entra-docs
// identity/enterprise-apps/grant-admin-consent.md): GET /{tenant}/v2.0/adminconsent and the older
// GET /{tenant}/adminconsent show a sign-in page; an administrator who may grant Microsoft Graph application
// permissions signs in, and the app's service principal gets every Graph app role of its requiredResourceAccess.
// The answer goes to a redirect URI registered on the app (web.redirectUris), never anywhere else.

#include "sandboxtenant.h"
#include "signinpage.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace M365::Sandbox {

namespace {

/// Who may consent to Microsoft Graph app roles: grant-admin-consent.md names the Privileged Role Administrator
/// (Cloud Application and Application Administrators may grant anything *except* Microsoft Graph app roles), and the
/// Global Administrator holds every permission of the directory.
const QStringList graphAppRoleConsentRoles = {QStringLiteral("Global Administrator"),
                                              QStringLiteral("Privileged Role Administrator")};

} // namespace

ApiResponse SandboxTenant::handleAdminConsent(const ApiRequest &request, const QString &tenant, bool v2)
{
    if (request.method != "GET" && request.method != "POST") {
        return SignInPage::html(
            405, QStringLiteral("Permissions requested"), QStringLiteral("<p>Only GET and POST are supported.</p>"));
    }
    const bool alias = tenant == QLatin1String("organizations") || tenant == QLatin1String("common");
    if (!alias && !matchesTenant(tenant)) {
        return SignInPage::error(request, 90002, QStringLiteral("Tenant '%1' not found.").arg(tenant));
    }
    const QUrlQuery parameters = SignInPage::parameters(request);
    const QString clientId = SignInPage::value(parameters, "client_id");
    QString redirectUri = SignInPage::value(parameters, "redirect_uri");
    const QString state = SignInPage::value(parameters, "state");
    const QString scope = SignInPage::value(parameters, "scope");

    // Until client and redirect URI are known to belong together, errors stay on the page.
    if (clientId.isEmpty()) {
        return SignInPage::error(
            request, 900144, QStringLiteral("The request body must contain the following parameter: 'client_id'."));
    }
    const QString appObjectId = m_state.applicationIdByAppId(clientId);
    if (appObjectId.isEmpty()) {
        return SignInPage::error(
            request,
            700016,
            QStringLiteral("Application with identifier '%1' was not found in the directory '%2'. This can happen if "
                           "the application has not been installed by the administrator of the tenant or consented "
                           "to by any user in the tenant. You may have sent your authentication request to the wrong "
                           "tenant.")
                .arg(clientId, tenant));
    }
    const QJsonObject app = m_state.applications.value(appObjectId);
    QStringList registered;
    for (const auto &uri : app.value(QLatin1String("web")).toObject().value(QLatin1String("redirectUris")).toArray()) {
        registered.append(uri.toString());
    }
    if (redirectUri.isEmpty() && !v2 && !registered.isEmpty()) {
        redirectUri = registered.constFirst(); // the older endpoint falls back to the app's first reply URL
    }
    if (redirectUri.isEmpty()) {
        return SignInPage::error(request, 900971, QStringLiteral("No reply address provided."));
    }
    if (!SignInPage::isRegisteredRedirect(registered, redirectUri)) {
        return SignInPage::error(
            request,
            50011,
            QStringLiteral("The redirect URI '%1' specified in the request does not match the redirect URIs configured "
                           "for the application '%2'. Make sure the redirect URI sent in the request matches one added "
                           "to your application in the Azure portal.")
                .arg(redirectUri, clientId));
    }

    // From here on, answers go to the registered redirect URI, errors too (with admin_consent=True, as documented).
    const auto redirectError = [&](const QString &error, int code, const QString &description) {
        const QString timestamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
        const QString text = QStringLiteral("AADSTS%1: %2\r\nTrace ID: %3\r\nCorrelation ID: %4\r\nTimestamp: %5")
                                 .arg(code)
                                 .arg(description, request.requestId, newGuid(), timestamp);
        QByteArray location = SignInPage::answerPrefix(redirectUri) + "admin_consent=True&error="
            + SignInPage::percentEncoded(error) + "&error_description=" + SignInPage::percentEncoded(text);
        if (!state.isEmpty()) {
            location += "&state=" + SignInPage::percentEncoded(state);
        }
        return SignInPage::redirect(location);
    };
    // v2.0 needs a scope; only "/.default" asks for the application permissions of the app's required permissions.
    bool grantsAppRoles = !v2;
    QStringList delegated;
    if (v2) {
        if (scope.isEmpty()) {
            return redirectError(QStringLiteral("invalid_request"),
                                 900144,
                                 QStringLiteral("The request body must contain the following parameter: 'scope'."));
        }
        QStringList dynamic;
        for (const QString &item : scope.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (item.compare(QLatin1String("https://graph.microsoft.com/.default"), Qt::CaseInsensitive) == 0
                || item.compare(m_baseUrl + QStringLiteral("/.default"), Qt::CaseInsensitive) == 0) {
                grantsAppRoles = true;
            } else {
                dynamic.append(item);
            }
        }
        QString refused;
        if (!delegatedScopes(dynamic.join(QLatin1Char(' ')), false, &delegated, &refused)) {
            return redirectError(QStringLiteral("invalid_scope"), 70011, refused);
        }
        if (!grantsAppRoles && delegated.isEmpty()) {
            return redirectError(QStringLiteral("invalid_scope"),
                                 70011,
                                 QStringLiteral("The provided value for the input parameter 'scope' isn't valid. Ask "
                                                "for '/.default' or at least one Microsoft Graph permission."));
        }
    }

    QStringList roleNames;
    if (grantsAppRoles) {
        const QString graphSp = m_state.servicePrincipalIdByAppId(MicrosoftGraph::appId);
        const QJsonArray graphRoles =
            m_state.servicePrincipals.value(graphSp).value(QLatin1String("appRoles")).toArray();
        for (const auto &access : app.value(QLatin1String("requiredResourceAccess")).toArray()) {
            if (access.toObject().value(QLatin1String("resourceAppId")).toString() != MicrosoftGraph::appId) {
                continue;
            }
            for (const auto &entry : access.toObject().value(QLatin1String("resourceAccess")).toArray()) {
                if (entry.toObject().value(QLatin1String("type")).toString() != QLatin1String("Role")) {
                    continue;
                }
                for (const auto &role : graphRoles) {
                    if (role.toObject().value(QLatin1String("id")) == entry.toObject().value(QLatin1String("id"))) {
                        roleNames.append(role.toObject().value(QLatin1String("value")).toString());
                    }
                }
            }
        }
    }
    const auto signInPage = [&](const QString &loginHint, const QString &problem) {
        const SignInPage::Fields hidden = {{QStringLiteral("client_id"), clientId},
                                           {QStringLiteral("redirect_uri"), redirectUri},
                                           {QStringLiteral("scope"), scope},
                                           {QStringLiteral("state"), state}};
        const QStringList asked = roleNames + delegated;
        const QString intro =
            QStringLiteral("%1 asks %2 (sandbox) for admin consent to: %3. Sign in as an administrator to accept for "
                           "your organization.")
                .arg(app.value(QLatin1String("displayName")).toString(),
                     m_state.organization.value(QLatin1String("displayName")).toString(),
                     asked.isEmpty() ? QStringLiteral("no permissions") : asked.join(QStringLiteral(", ")));
        return SignInPage::html(
            200,
            QStringLiteral("Permissions requested"),
            SignInPage::credentialsForm(m_baseUrl + request.path, hidden, intro, loginHint, problem));
    };
    if (request.method == "GET") {
        return signInPage(SignInPage::value(parameters, "login_hint"), {});
    }
    if (!SignInPage::value(parameters, "cancel").isEmpty()) {
        return redirectError(QStringLiteral("consent_required"),
                             65004,
                             QStringLiteral("The resource owner or authorization server denied the request."));
    }
    const QString login = SignInPage::value(parameters, "login");
    const QString userId = signInUser(login, SignInPage::value(parameters, "passwd"));
    if (userId.isEmpty()) {
        return signInPage(login,
                          QStringLiteral("AADSTS50126: Error validating credentials due to invalid username or "
                                         "password."));
    }
    if (!holdsDirectoryRole(userId, graphAppRoleConsentRoles)) {
        return redirectError(QStringLiteral("access_denied"),
                             90094,
                             QStringLiteral("Administrator consent is required. Granting Microsoft Graph application "
                                            "permissions needs a Global Administrator or a Privileged Role "
                                            "Administrator."));
    }
    QString problem;
    if (grantsAppRoles && !grantRequiredGraphRoles(appObjectId, request, &problem)) {
        return redirectError(QStringLiteral("server_error"), 50000, problem);
    }

    QByteArray location = SignInPage::answerPrefix(redirectUri)
        + "admin_consent=True&tenant=" + SignInPage::percentEncoded(m_state.tenantId);
    if (v2) {
        location += "&scope=" + SignInPage::percentEncoded(scope);
    }
    if (!state.isEmpty()) {
        location += "&state=" + SignInPage::percentEncoded(state);
    }
    return SignInPage::redirect(location);
}

bool SandboxTenant::grantRequiredGraphRoles(const QString &appObjectId, const ApiRequest &request, QString *problem)
{
    // Consent does what an administrator would do through Graph (grant-admin-consent.md): create the app's service
    // principal when the tenant has none, then POST an appRoleAssignment for each missing role. Going through the
    // Graph handlers keeps their checks (the role must exist on Microsoft Graph, no duplicates, replication).
    const QJsonObject app = m_state.applications.value(appObjectId);
    const QString appId = app.value(QLatin1String("appId")).toString();
    const QString graphSp = m_state.servicePrincipalIdByAppId(MicrosoftGraph::appId);
    const Caller consentService{
        MicrosoftGraph::appId,
        graphSp,
        {QStringLiteral("Application.ReadWrite.All"), QStringLiteral("AppRoleAssignment.ReadWrite.All")}};
    const auto graphPost = [&](const QStringList &segments, const QJsonObject &body) {
        ApiRequest post;
        post.method = "POST";
        post.path = QLatin1Char('/') + segments.join(QLatin1Char('/'));
        post.headers.insert("content-type", "application/json");
        post.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        post.requestId = request.requestId;
        return servicePrincipals(post, segments, consentService);
    };
    const auto graphMessage = [](const ApiResponse &response) {
        return QJsonDocument::fromJson(response.body)
            .object()
            .value(QLatin1String("error"))
            .toObject()
            .value(QLatin1String("message"))
            .toString();
    };

    QString principalId = m_state.servicePrincipalIdByAppId(appId);
    if (principalId.isEmpty()) {
        const ApiResponse created =
            graphPost({QStringLiteral("servicePrincipals")}, QJsonObject{{QStringLiteral("appId"), appId}});
        if (created.status != 201) {
            *problem = graphMessage(created);
            return false;
        }
        principalId = QJsonDocument::fromJson(created.body).object().value(QLatin1String("id")).toString();
    }
    for (const auto &access : app.value(QLatin1String("requiredResourceAccess")).toArray()) {
        if (access.toObject().value(QLatin1String("resourceAppId")).toString() != MicrosoftGraph::appId) {
            continue;
        }
        for (const auto &entry : access.toObject().value(QLatin1String("resourceAccess")).toArray()) {
            const QJsonObject permission = entry.toObject();
            if (permission.value(QLatin1String("type")).toString() != QLatin1String("Role")) {
                continue; // delegated permissions: the sandbox keeps no oauth2PermissionGrants
            }
            const QString roleId = permission.value(QLatin1String("id")).toString();
            const bool held =
                std::any_of(m_state.appRoleAssignments.cbegin(), m_state.appRoleAssignments.cend(), [&](const auto &a) {
                    return a.value(QLatin1String("principalId")).toString() == principalId
                        && a.value(QLatin1String("resourceId")).toString() == graphSp
                        && a.value(QLatin1String("appRoleId")).toString() == roleId;
                });
            if (held) {
                continue;
            }
            const ApiResponse assigned =
                graphPost({QStringLiteral("servicePrincipals"), graphSp, QStringLiteral("appRoleAssignedTo")},
                          QJsonObject{{QStringLiteral("principalId"), principalId},
                                      {QStringLiteral("resourceId"), graphSp},
                                      {QStringLiteral("appRoleId"), roleId}});
            if (assigned.status != 201) {
                *problem = graphMessage(assigned);
                return false;
            }
        }
    }
    markDirty();
    return true;
}

ApiResponse SandboxTenant::handleNativeClient(const ApiRequest &request)
{
    // The redirect URI Microsoft documents for native apps (entra-docs identity-platform/
    // scenario-desktop-app-registration.md): a page that only ends the browser's part of a flow.
    QString body = QStringLiteral("<p id=\"message\">You can close this window.</p>");
    const QString error = request.queryItem(QStringLiteral("error"));
    if (!error.isEmpty()) {
        body += QStringLiteral("<p id=\"error\">%1: %2</p>")
                    .arg(error.toHtmlEscaped(), request.queryItem(QStringLiteral("error_description")).toHtmlEscaped());
    }
    return SignInPage::html(200, QStringLiteral("You can close this window"), body);
}

} // namespace M365::Sandbox
