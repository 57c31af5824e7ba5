// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Tenant-level resources: /organization, /subscribedSkus, /domains (verification), /applications,
// /servicePrincipals with appRoleAssignedTo, and users' contacts.

#include "sandboxcrypto.h"
#include "sandboxtenant.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace M365::Sandbox {

namespace {

const QStringList orgRead = {QStringLiteral("Organization.Read.All"),
                             QStringLiteral("Organization.ReadWrite.All"),
                             QStringLiteral("Directory.Read.All"),
                             QStringLiteral("Directory.ReadWrite.All")};
const QStringList skuRead = {QStringLiteral("Organization.Read.All"),
                             QStringLiteral("Organization.ReadWrite.All"),
                             QStringLiteral("LicenseAssignment.ReadWrite.All"),
                             QStringLiteral("Directory.Read.All"),
                             QStringLiteral("Directory.ReadWrite.All")};
const QStringList domainRead = {QStringLiteral("Domain.Read.All"),
                                QStringLiteral("Domain.ReadWrite.All"),
                                QStringLiteral("Directory.Read.All"),
                                QStringLiteral("Directory.ReadWrite.All")};
const QStringList domainWrite = {QStringLiteral("Domain.ReadWrite.All")};
const QStringList appRead = {QStringLiteral("Application.Read.All"),
                             QStringLiteral("Application.ReadWrite.All"),
                             QStringLiteral("Directory.Read.All"),
                             QStringLiteral("Directory.ReadWrite.All")};
const QStringList appWrite = {QStringLiteral("Application.ReadWrite.All")};
const QStringList assignmentWrite = {QStringLiteral("AppRoleAssignment.ReadWrite.All")};
const QStringList contactsRead = {QStringLiteral("Contacts.Read"), QStringLiteral("Contacts.ReadWrite")};
/// Reading directory roles (graph api/directoryrole-list.md); also what memberOf needs to show a role in full.
const QStringList directoryRoleRead = {QStringLiteral("RoleManagement.Read.Directory"),
                                       QStringLiteral("RoleManagement.Read.All"),
                                       QStringLiteral("RoleManagement.ReadWrite.Directory"),
                                       QStringLiteral("Directory.Read.All"),
                                       QStringLiteral("Directory.ReadWrite.All")};

ApiResponse methodNotAllowed(const ApiRequest &r)
{
    return graphError(405,
                      QStringLiteral("Request_BadRequest"),
                      QStringLiteral("Specified HTTP method is not allowed for the request target."),
                      r);
}

QJsonObject emptyInfo()
{
    return QJsonObject{{QStringLiteral("termsOfServiceUrl"), QJsonValue::Null},
                       {QStringLiteral("supportUrl"), QJsonValue::Null},
                       {QStringLiteral("privacyStatementUrl"), QJsonValue::Null},
                       {QStringLiteral("marketingUrl"), QJsonValue::Null},
                       {QStringLiteral("logoUrl"), QJsonValue::Null}};
}

} // namespace

ApiResponse SandboxTenant::organization(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    if (!hasAnyRole(c, orgRead)) {
        return forbidden(r);
    }
    if (r.method != "GET") {
        return methodNotAllowed(r);
    }
    QJsonObject org = m_state.organization;
    QJsonArray verified;
    for (auto it = m_state.domains.cbegin(); it != m_state.domains.cend(); ++it) {
        if (it->value(QLatin1String("isVerified")).toBool()) {
            verified.append(
                QJsonObject{{QStringLiteral("capabilities"), QStringLiteral("Email, OfficeCommunicationsOnline")},
                            {QStringLiteral("isDefault"), it->value(QLatin1String("isDefault"))},
                            {QStringLiteral("isInitial"), it->value(QLatin1String("isInitial"))},
                            {QStringLiteral("name"), it.key()},
                            {QStringLiteral("type"), QStringLiteral("Managed")}});
        }
    }
    org.insert(QStringLiteral("verifiedDomains"), verified);
    if (seg.size() == 2) {
        if (seg.value(1) != m_state.tenantId) {
            return notFound(r, seg.value(1));
        }
        return getObject(r, org, QStringLiteral("organization"), Schema());
    }
    return listCollection(r, {org}, QStringLiteral("organization"), Schema());
}

QJsonObject SandboxTenant::directoryRoleObject(const QString &displayName) const
{
    // A role the sandbox has no template for still gets stable ids (a user's _directoryRoles may name any role).
    const DirectoryRoles::Role *known = DirectoryRoles::byName(displayName);
    const QString templateId = known ? known->templateId : hashSecret(displayName).left(36);
    return QJsonObject{
        {QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.directoryRole")},
        {QStringLiteral("id"), DirectoryRoles::roleObjectId(m_state.tenantId, templateId)},
        {QStringLiteral("deletedDateTime"), QJsonValue::Null},
        {QStringLiteral("description"), known ? known->description : displayName},
        {QStringLiteral("displayName"), known ? known->displayName : displayName},
        {QStringLiteral("roleTemplateId"), templateId},
    };
}

// GET /directoryRoles lists the activated roles (those with members); $expand=members adds each role's members (id
// and type only here).
ApiResponse SandboxTenant::directoryRoles(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    if (!hasAnyRole(c, directoryRoleRead)) {
        return forbidden(r);
    }
    if (r.method != "GET") {
        return methodNotAllowed(r);
    }
    if (seg.size() != 1) {
        return notFound(r, seg.value(1));
    }
    const bool expandMembers = r.queryItem(QStringLiteral("$expand")).startsWith(QLatin1String("members"));
    QMap<QString, QJsonArray> membersByRole;
    for (auto it = m_state.users.cbegin(); it != m_state.users.cend(); ++it) {
        for (const QString &role : m_state.directoryRolesOf(it.key())) {
            membersByRole[role].append(
                QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.user")},
                            {QStringLiteral("id"), it.key()}});
        }
    }
    // A role given to a role-assignable group has the group as its member, not the group's members (graph
    // resources/directoryrole.md: members are users, groups and service principals).
    for (auto it = m_state.groups.cbegin(); it != m_state.groups.cend(); ++it) {
        for (const QString &role : m_state.directoryRolesOfGroup(it.key())) {
            membersByRole[role].append(
                QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.group")},
                            {QStringLiteral("id"), it.key()}});
        }
    }
    QJsonArray value;
    for (auto it = membersByRole.cbegin(); it != membersByRole.cend(); ++it) {
        QJsonObject role = directoryRoleObject(it.key());
        role.remove(QStringLiteral("@odata.type"));
        if (expandMembers) {
            role.insert(QStringLiteral("members"), it.value());
        }
        value.append(role);
    }
    return ApiResponse::json(
        200,
        QJsonObject{{QStringLiteral("@odata.context"), contextUrl(QStringLiteral("directoryRoles"))},
                    {QStringLiteral("value"), value}});
}

// GET /policies/authorizationPolicy: the tenant-wide settings, among them what member users may create
// (graph api/authorizationpolicy-get.md).
ApiResponse SandboxTenant::policies(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    if (seg.value(1) != QLatin1String("authorizationPolicy") || seg.size() != 2) {
        return graphError(400,
                          QStringLiteral("BadRequest"),
                          QStringLiteral("Resource not found for the segment '%1'.").arg(seg.value(1)),
                          r);
    }
    if (!hasAnyRole(c, {QStringLiteral("Policy.Read.All"), QStringLiteral("Policy.ReadWrite.Authorization")})) {
        return forbidden(r);
    }
    if (r.method != "GET") {
        return methodNotAllowed(r);
    }
    QJsonObject policy = m_state.authorizationPolicy;
    policy.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("policies/authorizationPolicy/$entity")));
    return ApiResponse::json(200, policy);
}

ApiResponse SandboxTenant::subscribedSkus(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    if (!hasAnyRole(c, skuRead)) {
        return forbidden(r);
    }
    if (r.method != "GET") {
        return methodNotAllowed(r);
    }
    QList<QJsonObject> skus;
    for (QJsonObject sku : m_state.skus) {
        sku.insert(QStringLiteral("consumedUnits"),
                   m_state.consumedUnits(sku.value(QLatin1String("skuId")).toString()));
        if (seg.size() == 2 && sku.value(QLatin1String("id")).toString() == seg.value(1)) {
            return getObject(r, sku, QStringLiteral("subscribedSkus"), Schema());
        }
        skus.append(sku);
    }
    if (seg.size() == 2) {
        return notFound(r, seg.value(1));
    }
    return listCollection(r, skus, QStringLiteral("subscribedSkus"), Schema());
}

ApiResponse SandboxTenant::domains(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    if (!hasAnyRole(c, r.method == "GET" ? domainRead : domainWrite)) {
        return forbidden(r);
    }
    // Adding, verifying, federating and deleting need Domain Name Administrator (graph rbac-domain-apis-write.md).
    if (r.method != "GET" && !userMay(c, DirectoryRoles::Operation::ManageDomains)) {
        return forbidden(r);
    }
    if (seg.size() == 1) {
        if (r.method == "GET") {
            return listCollection(r, m_state.domains.values(), QStringLiteral("domains"), Schema::domain());
        }
        if (r.method != "POST") {
            return methodNotAllowed(r);
        }
        QJsonObject body;
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
        if (auto problem = Schema::domain().validate(body, r)) {
            return *problem;
        }
        const QString name = body.value(QLatin1String("id")).toString().toLower();
        if (!isValidDomainName(name)) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Invalid value specified for property 'id' of resource 'Domain'."),
                              r);
        }
        if (m_state.domains.contains(name)) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Another object with the same value for property id already exists."),
                              r);
        }
        QJsonObject domain{
            {QStringLiteral("id"), name},
            {QStringLiteral("authenticationType"), QStringLiteral("Managed")},
            {QStringLiteral("availabilityStatus"), QJsonValue::Null},
            {QStringLiteral("isAdminManaged"), true},
            {QStringLiteral("isDefault"), false},
            {QStringLiteral("isInitial"), false},
            {QStringLiteral("isRoot"), true},
            {QStringLiteral("isVerified"), false},
            {QStringLiteral("passwordNotificationWindowInDays"), QJsonValue::Null},
            {QStringLiteral("passwordValidityPeriodInDays"), QJsonValue::Null},
            {QStringLiteral("supportedServices"), QJsonArray{}},
            {QStringLiteral("state"), QJsonValue::Null},
            {QStringLiteral("_verificationCode"), QStringLiteral("MS=ms%1").arg(m_random.bounded(10000000, 99999999))},
        };
        m_state.domains.insert(name, domain);
        QJsonObject out = publicView(domain);
        out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("domains/$entity")));
        return ApiResponse::json(201, out);
    }

    const QString name = seg.value(1).toLower();
    if (!m_state.domains.contains(name)) {
        return notFound(r, seg.value(1));
    }
    QJsonObject domain = m_state.domains.value(name);
    if (seg.size() == 2) {
        if (r.method == "GET") {
            return getObject(r, domain, QStringLiteral("domains"), Schema::domain());
        }
        if (r.method == "DELETE") {
            if (domain.value(QLatin1String("isInitial")).toBool()) {
                return graphError(400,
                                  QStringLiteral("Request_BadRequest"),
                                  QStringLiteral("The initial domain cannot be deleted."),
                                  r);
            }
            for (const QJsonObject &user : m_state.users) {
                if (user.value(QLatin1String("userPrincipalName"))
                        .toString()
                        .endsWith(QLatin1Char('@') + name, Qt::CaseInsensitive)) {
                    return graphError(400,
                                      QStringLiteral("Request_BadRequest"),
                                      QStringLiteral("Domain '%1' is still referenced by users; change their "
                                                     "userPrincipalName first.")
                                          .arg(name),
                                      r);
                }
            }
            m_state.domains.remove(name);
            return ApiResponse::noContent();
        }
        return methodNotAllowed(r);
    }
    const QString action = seg.value(2);
    const QString code = domain.value(QLatin1String("_verificationCode")).toString();
    if (action == QLatin1String("verificationDnsRecords") && r.method == "GET") {
        QJsonArray records{
            QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.domainDnsTxtRecord")},
                        {QStringLiteral("id"), QStringLiteral("aceff52c-06a5-447f-ac5f-256ad243cc5c")},
                        {QStringLiteral("isOptional"), false},
                        {QStringLiteral("label"), name},
                        {QStringLiteral("recordType"), QStringLiteral("Txt")},
                        {QStringLiteral("supportedService"), QStringLiteral("None")},
                        {QStringLiteral("ttl"), 3600},
                        {QStringLiteral("text"), code}},
            QJsonObject{
                {QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.domainDnsMxRecord")},
                {QStringLiteral("id"), QStringLiteral("5fbde38c-0865-497f-82b1-126f596bcee9")},
                {QStringLiteral("isOptional"), false},
                {QStringLiteral("label"), name},
                {QStringLiteral("recordType"), QStringLiteral("Mx")},
                {QStringLiteral("supportedService"), QStringLiteral("None")},
                {QStringLiteral("ttl"), 3600},
                {QStringLiteral("mailExchange"), QString(code.mid(3).toLower() + QStringLiteral(".msv1.invalid"))},
                {QStringLiteral("preference"), 32767}},
        };
        return ApiResponse::json(
            200,
            QJsonObject{{QStringLiteral("@odata.context"),
                         contextUrl(QStringLiteral("domains('%1')/verificationDnsRecords").arg(name))},
                        {QStringLiteral("value"), records}});
    }
    if (action == QLatin1String("verify") && r.method == "POST") {
        if (!domain.value(QLatin1String("isVerified")).toBool()) {
            const QStringList published = m_state.publishedTxtRecords.value(name);
            if (!published.contains(code)) {
                return graphError(400,
                                  QStringLiteral("Request_BadRequest"),
                                  QStringLiteral("Domain verification failed: no TXT record '%1' was found at '%2'. "
                                                 "Add it at your DNS host, wait for it to propagate, then try again.")
                                      .arg(code, name),
                                  r);
            }
            domain.insert(QStringLiteral("isVerified"), true);
            domain.insert(QStringLiteral("supportedServices"),
                          QJsonArray{QStringLiteral("Email"), QStringLiteral("OfficeCommunicationsOnline")});
            m_state.domains.insert(name, domain);
        }
        QJsonObject out = publicView(domain);
        // availabilityStatus is null everywhere except in verify's answer (domain resource documentation).
        out.insert(QStringLiteral("availabilityStatus"), QStringLiteral("AvailableImmediately"));
        out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("domains/$entity")));
        return ApiResponse::json(200, out);
    }
    if (action == QLatin1String("federationConfiguration")) {
        QJsonArray configurations = domain.value(QLatin1String("_federation")).toArray();
        if (r.method == "GET") {
            return ApiResponse::json(
                200,
                QJsonObject{{QStringLiteral("@odata.context"),
                             contextUrl(QStringLiteral("domains('%1')/federationConfiguration").arg(name))},
                            {QStringLiteral("value"), configurations}});
        }
        if (r.method == "POST") {
            QJsonObject body;
            ApiResponse failure;
            if (!parseJsonBody(r, &body, &failure)) {
                return failure;
            }
            if (!domain.value(QLatin1String("isVerified")).toBool()
                || domain.value(QLatin1String("isInitial")).toBool()) {
                return graphError(400,
                                  QStringLiteral("Request_BadRequest"),
                                  QStringLiteral("Federation can be configured only on a verified custom domain."),
                                  r);
            }
            for (const char *required : {"issuerUri", "passiveSignInUri", "signingCertificate"}) {
                if (body.value(QLatin1String(required)).toString().isEmpty()) {
                    return graphError(400,
                                      QStringLiteral("Request_BadRequest"),
                                      QStringLiteral("Invalid value specified for property '%1' of resource "
                                                     "'InternalDomainFederation'.")
                                          .arg(QString::fromLatin1(required)),
                                      r);
                }
            }
            body.insert(QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.internalDomainFederation"));
            body.insert(QStringLiteral("id"), newGuid());
            body.insert(QStringLiteral("signingCertificateUpdateStatus"),
                        QJsonObject{{QStringLiteral("certificateUpdateResult"), QStringLiteral("Success")},
                                    {QStringLiteral("lastRunDateTime"), isoNow()}});
            configurations.append(body);
            domain.insert(QStringLiteral("_federation"), configurations);
            domain.insert(QStringLiteral("authenticationType"), QStringLiteral("Federated"));
            m_state.domains.insert(name, domain);
            QJsonObject out = body;
            out.insert(QStringLiteral("@odata.context"),
                       contextUrl(QStringLiteral("domains('%1')/federationConfiguration/$entity").arg(name)));
            return ApiResponse::json(201, out);
        }
    }
    return methodNotAllowed(r);
}

ApiResponse SandboxTenant::applications(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    if (!hasAnyRole(c, r.method == "GET" ? appRead : appWrite)) {
        return forbidden(r);
    }
    const auto publicApp = [](QJsonObject app) {
        QJsonArray keys;
        for (const auto &value : app.value(QLatin1String("keyCredentials")).toArray()) {
            QJsonObject key = publicView(value.toObject());
            key.insert(QStringLiteral("key"), QJsonValue::Null); // write-only in Graph
            keys.append(key);
        }
        app.insert(QStringLiteral("keyCredentials"), keys);
        QJsonArray passwords;
        for (const auto &value : app.value(QLatin1String("passwordCredentials")).toArray()) {
            passwords.append(publicView(value.toObject()));
        }
        app.insert(QStringLiteral("passwordCredentials"), passwords);
        return app;
    };
    // keyCredentials as sent by a client: {type: AsymmetricX509Cert, usage: Verify, key: base64 DER, displayName?}.
    const auto makeKeyCredential = [&](const QJsonObject &sent, QString *problem) -> QJsonObject {
        const QByteArray der = QByteArray::fromBase64(sent.value(QLatin1String("key")).toString().toLatin1());
        const auto info = Crypto::inspectCertificate(der);
        if (!info || sent.value(QLatin1String("type")).toString() != QLatin1String("AsymmetricX509Cert")
            || sent.value(QLatin1String("usage")).toString() != QLatin1String("Verify")) {
            *problem = QStringLiteral("Invalid value specified for property 'keyCredentials' of resource "
                                      "'Application': key must be a base64-encoded X.509 certificate with type "
                                      "'AsymmetricX509Cert' and usage 'Verify'.");
            return {};
        }
        return M365::Sandbox::makeKeyCredential(
            *info, sent.value(QLatin1String("displayName")).toString(), sent.value(QLatin1String("keyId")).toString());
    };

    if (seg.size() == 1) {
        if (r.method == "GET") {
            QList<QJsonObject> apps;
            for (const QJsonObject &app : m_state.applications) {
                apps.append(publicApp(app));
            }
            return listCollection(r, apps, QStringLiteral("applications"), Schema::application());
        }
        if (r.method != "POST") {
            return methodNotAllowed(r);
        }
        if (!userMay(c, DirectoryRoles::Operation::CreateApplication)) {
            return forbidden(r);
        }
        QJsonObject body;
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
        if (auto problem = Schema::application().validate(body, r)) {
            return *problem;
        }
        if (body.value(QLatin1String("displayName")).toString().trimmed().isEmpty()) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Invalid value specified for property 'displayName' of resource "
                                             "'Application'."),
                              r);
        }
        QJsonObject app{
            {QStringLiteral("id"), newGuid()},
            {QStringLiteral("deletedDateTime"), QJsonValue::Null},
            {QStringLiteral("isFallbackPublicClient"), QJsonValue::Null},
            {QStringLiteral("appId"), newGuid()},
            {QStringLiteral("applicationTemplateId"), QJsonValue::Null},
            {QStringLiteral("identifierUris"), QJsonArray{}},
            {QStringLiteral("createdDateTime"), isoNow()},
            {QStringLiteral("isDeviceOnlyAuthSupported"), QJsonValue::Null},
            {QStringLiteral("groupMembershipClaims"), QJsonValue::Null},
            {QStringLiteral("optionalClaims"), QJsonValue::Null},
            {QStringLiteral("addIns"), QJsonArray{}},
            {QStringLiteral("publisherDomain"), m_state.verifiedDomainNames().value(0)},
            {QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
            {QStringLiteral("tags"), QJsonArray{}},
            {QStringLiteral("tokenEncryptionKeyId"), QJsonValue::Null},
            {QStringLiteral("api"),
             QJsonObject{{QStringLiteral("requestedAccessTokenVersion"), 2},
                         {QStringLiteral("acceptMappedClaims"), QJsonValue::Null},
                         {QStringLiteral("knownClientApplications"), QJsonArray{}},
                         {QStringLiteral("oauth2PermissionScopes"), QJsonArray{}},
                         {QStringLiteral("preAuthorizedApplications"), QJsonArray{}}}},
            {QStringLiteral("appRoles"), QJsonArray{}},
            {QStringLiteral("publicClient"), QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{}}}},
            {QStringLiteral("info"), emptyInfo()},
            {QStringLiteral("keyCredentials"), QJsonArray{}},
            {QStringLiteral("parentalControlSettings"),
             QJsonObject{{QStringLiteral("countriesBlockedForMinors"), QJsonArray{}},
                         {QStringLiteral("legalAgeGroupRule"), QStringLiteral("Allow")}}},
            {QStringLiteral("passwordCredentials"), QJsonArray{}},
            {QStringLiteral("requiredResourceAccess"), QJsonArray{}},
            {QStringLiteral("web"),
             QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{}},
                         {QStringLiteral("homePageUrl"), QJsonValue::Null},
                         {QStringLiteral("logoutUrl"), QJsonValue::Null},
                         {QStringLiteral("implicitGrantSettings"),
                          QJsonObject{{QStringLiteral("enableIdTokenIssuance"), false},
                                      {QStringLiteral("enableAccessTokenIssuance"), false}}}}},
        };
        for (auto it = body.begin(); it != body.end(); ++it) {
            if (it.key() == QLatin1String("keyCredentials")) {
                QJsonArray keys;
                for (const auto &value : it.value().toArray()) {
                    QString problem;
                    const QJsonObject key = makeKeyCredential(value.toObject(), &problem);
                    if (key.isEmpty()) {
                        return graphError(400, QStringLiteral("Request_BadRequest"), problem, r);
                    }
                    keys.append(key);
                    markCreated(key.value(QLatin1String("keyId")).toString());
                }
                app.insert(it.key(), keys);
            } else {
                app.insert(it.key(), it.value());
            }
        }
        // A user who may create applications only as their owner becomes the first owner.
        if (createsAsOwner(c, DirectoryRoles::Operation::CreateApplication)) {
            app.insert(QStringLiteral("_owners"), QJsonArray{c.userId});
        }
        m_state.applications.insert(app.value(QLatin1String("id")).toString(), app);
        markCreated(app.value(QLatin1String("id")).toString());
        QJsonObject out = publicApp(app);
        out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("applications/$entity")));
        return ApiResponse::json(201, publicView(out));
    }

    // Addressed by object id, or by appId with the documented alternate key "applications(appId='…')".
    QString id = seg.value(1);
    if (id.startsWith(QLatin1String("(appId='")) || id.startsWith(QLatin1String("applications(appId='"))) {
        id = m_state.applicationIdByAppId(id.section(QLatin1Char('\''), 1, 1));
    }
    if (!m_state.applications.contains(id) || !isVisible(id)) {
        return notFound(r, seg.value(1));
    }
    QJsonObject app = m_state.applications.value(id);
    if (r.method != "GET"
        && !userMay(c,
                    r.method == "DELETE" ? DirectoryRoles::Operation::DeleteApplication
                                         : DirectoryRoles::Operation::ManageApplication,
                    app)) {
        return forbidden(r);
    }
    if (seg.size() == 2) {
        if (r.method == "GET") {
            return getObject(r, publicApp(app), QStringLiteral("applications"), Schema::application());
        }
        if (r.method == "DELETE") {
            m_state.applications.remove(id);
            return ApiResponse::noContent();
        }
        if (r.method != "PATCH") {
            return methodNotAllowed(r);
        }
        QJsonObject body;
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
        if (auto problem = Schema::application().validate(body, r)) {
            return *problem;
        }
        for (auto it = body.begin(); it != body.end(); ++it) {
            if (it.key() != QLatin1String("keyCredentials")) {
                app.insert(it.key(), it.value());
                continue;
            }
            // PATCH replaces the collection; an entry without "key" keeps the existing key with that keyId.
            const QJsonArray existing = app.value(QLatin1String("keyCredentials")).toArray();
            QJsonArray keys;
            for (const auto &value : it.value().toArray()) {
                const QJsonObject sent = value.toObject();
                if (sent.value(QLatin1String("key")).isString()) {
                    QString problem;
                    const QJsonObject key = makeKeyCredential(sent, &problem);
                    if (key.isEmpty()) {
                        return graphError(400, QStringLiteral("Request_BadRequest"), problem, r);
                    }
                    keys.append(key);
                    const QJsonValue keyId = key.value(QLatin1String("keyId"));
                    const bool known = std::any_of(existing.begin(), existing.end(), [&keyId](const QJsonValue &old) {
                        return old.toObject().value(QLatin1String("keyId")) == keyId;
                    });
                    if (!known) {
                        markCreated(keyId.toString());
                    }
                    continue;
                }
                bool kept = false;
                for (const auto &old : existing) {
                    if (old.toObject().value(QLatin1String("keyId")) == sent.value(QLatin1String("keyId"))) {
                        keys.append(old);
                        kept = true;
                    }
                }
                if (!kept) {
                    return graphError(400,
                                      QStringLiteral("Request_BadRequest"),
                                      QStringLiteral("Invalid value specified for property 'keyCredentials' of "
                                                     "resource 'Application': a new key needs its 'key'."),
                                      r);
                }
            }
            app.insert(QStringLiteral("keyCredentials"), keys);
        }
        m_state.applications.insert(id, app);
        return ApiResponse::noContent();
    }
    const QString action = seg.value(2);
    if (action == QLatin1String("addPassword") && r.method == "POST") {
        QJsonObject body;
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
        const QJsonObject requested = body.value(QLatin1String("passwordCredential")).toObject();
        const QString secret = newClientSecret();
        const QJsonObject credential = makePasswordCredential(
            secret,
            requested.value(QLatin1String("displayName")),
            QDateTime::fromString(requested.value(QLatin1String("endDateTime"))
                                      .toString(QDateTime::currentDateTimeUtc().addYears(2).toString(Qt::ISODate)),
                                  Qt::ISODate));
        QJsonArray passwords = app.value(QLatin1String("passwordCredentials")).toArray();
        passwords.append(credential);
        app.insert(QStringLiteral("passwordCredentials"), passwords);
        m_state.applications.insert(id, app);
        markCreated(credential.value(QLatin1String("keyId")).toString());
        QJsonObject out = publicView(credential);
        out.insert(QStringLiteral("secretText"), secret);
        out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("microsoft.graph.passwordCredential")));
        return ApiResponse::json(200, out);
    }
    if (action == QLatin1String("addKey") && r.method == "POST") {
        // Rolling a key needs a proof of possession: a JWT signed with one of the application's current keys,
        // aud 00000002-0000-0000-c000-000000000000, iss the application's object id.
        QJsonObject body;
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
        const auto proof = Crypto::Jwt::parse(body.value(QLatin1String("proof")).toString().toLatin1());
        bool proven = false;
        if (proof
            && proof->payload.value(QLatin1String("aud")).toString()
                == QLatin1String("00000002-0000-0000-c000-000000000000")
            && proof->payload.value(QLatin1String("iss")).toString() == id
            && proof->payload.value(QLatin1String("exp")).toInteger() > QDateTime::currentSecsSinceEpoch()) {
            for (const auto &value : app.value(QLatin1String("keyCredentials")).toArray()) {
                const QByteArray der =
                    QByteArray::fromBase64(value.toObject().value(QLatin1String("_der")).toString().toLatin1());
                proven |= Crypto::verifySignature(
                    Crypto::SignatureAlgorithm::RS256, proof->signingInput, proof->signature, der);
            }
        }
        if (!proven) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Invalid value specified for property 'proof': it must be a JWT signed "
                                             "with one of the application's existing certificates."),
                              r);
        }
        QString problem;
        const QJsonObject key = makeKeyCredential(body.value(QLatin1String("keyCredential")).toObject(), &problem);
        if (key.isEmpty()) {
            return graphError(400, QStringLiteral("Request_BadRequest"), problem, r);
        }
        QJsonArray keys = app.value(QLatin1String("keyCredentials")).toArray();
        keys.append(key);
        app.insert(QStringLiteral("keyCredentials"), keys);
        m_state.applications.insert(id, app);
        markCreated(key.value(QLatin1String("keyId")).toString());
        QJsonObject out = publicView(key);
        out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("microsoft.graph.keyCredential")));
        return ApiResponse::json(200, out);
    }
    return methodNotAllowed(r);
}

ApiResponse SandboxTenant::servicePrincipals(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    const bool assignment =
        seg.value(2) == QLatin1String("appRoleAssignedTo") || seg.value(2) == QLatin1String("appRoleAssignments");
    if (!hasAnyRole(c, r.method == "GET" ? appRead : (assignment ? assignmentWrite : appWrite))) {
        return forbidden(r);
    }
    // Granting or revoking an app role: Microsoft Graph's own need Privileged Role Administrator, any other resource's
    // an application administrator or an owner of the resource (graph rbac-approleassignments-apis-write.md,
    // entra-docs grant-admin-consent.md).
    const auto mayAssign = [this, &c](const QString &resourceId) {
        const QJsonObject resource = m_state.servicePrincipals.value(resourceId);
        const QString resourceAppId = resource.value(QLatin1String("appId")).toString();
        if (resourceAppId == MicrosoftGraph::appId) {
            return userMay(c, DirectoryRoles::Operation::GrantMicrosoftGraphAppRole);
        }
        QJsonArray owners = resource.value(QLatin1String("_owners")).toArray();
        for (const auto &owner : m_state.applications.value(m_state.applicationIdByAppId(resourceAppId))
                                     .value(QLatin1String("_owners"))
                                     .toArray()) {
            owners.append(owner);
        }
        return userMay(c, DirectoryRoles::Operation::GrantAppRole, QJsonObject{{QStringLiteral("_owners"), owners}});
    };
    if (seg.size() == 1) {
        if (r.method == "GET") {
            return listCollection(
                r, m_state.servicePrincipals.values(), QStringLiteral("servicePrincipals"), Schema::servicePrincipal());
        }
        if (r.method != "POST") {
            return methodNotAllowed(r);
        }
        QJsonObject body;
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
        if (auto problem = Schema::servicePrincipal().validate(body, r)) {
            return *problem;
        }
        const QString appId = body.value(QLatin1String("appId")).toString();
        const QString appObjectId = m_state.applicationIdByAppId(appId);
        // The application's owners may create its service principal (they own it too).
        if (!userMay(c, DirectoryRoles::Operation::CreateServicePrincipal, m_state.applications.value(appObjectId))) {
            return forbidden(r);
        }
        // An application created moments ago is not there yet for a write that references it (FIDELITY.md rule 14).
        if (appObjectId.isEmpty() || !isVisible(appObjectId)) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("The appId '%1' of the service principal does not reference a valid "
                                             "application object.")
                                  .arg(appId),
                              r);
        }
        if (!m_state.servicePrincipalIdByAppId(appId).isEmpty()) {
            return graphError(409,
                              QStringLiteral("Request_MultipleObjectsWithSameKeyValue"),
                              QStringLiteral("The service principal cannot be created, updated, or restored because "
                                             "the service principal name %1 is already in use.")
                                  .arg(appId),
                              r);
        }
        const QJsonObject app = m_state.applications.value(appObjectId);
        QJsonObject sp{
            {QStringLiteral("id"), newGuid()},
            {QStringLiteral("deletedDateTime"), QJsonValue::Null},
            {QStringLiteral("accountEnabled"), true},
            {QStringLiteral("appDisplayName"), app.value(QLatin1String("displayName"))},
            {QStringLiteral("appId"), appId},
            {QStringLiteral("appOwnerOrganizationId"), m_state.tenantId},
            {QStringLiteral("appRoleAssignmentRequired"), false},
            {QStringLiteral("displayName"), app.value(QLatin1String("displayName"))},
            {QStringLiteral("homepage"), QJsonValue::Null},
            {QStringLiteral("logoutUrl"), QJsonValue::Null},
            {QStringLiteral("publisherName"), m_state.organization.value(QLatin1String("displayName"))},
            {QStringLiteral("replyUrls"), QJsonArray{}},
            {QStringLiteral("servicePrincipalNames"), QJsonArray{appId}},
            {QStringLiteral("servicePrincipalType"), QStringLiteral("Application")},
            {QStringLiteral("tags"), QJsonArray{}},
            {QStringLiteral("addIns"), QJsonArray{}},
            {QStringLiteral("appRoles"), app.value(QLatin1String("appRoles")).toArray()},
            {QStringLiteral("info"), emptyInfo()},
            {QStringLiteral("keyCredentials"), QJsonArray{}},
            {QStringLiteral("oauth2PermissionScopes"), QJsonArray{}},
            {QStringLiteral("passwordCredentials"), QJsonArray{}},
        };
        for (auto it = body.begin(); it != body.end(); ++it) {
            sp.insert(it.key(), it.value());
        }
        if (createsAsOwner(c, DirectoryRoles::Operation::CreateServicePrincipal)) {
            sp.insert(QStringLiteral("_owners"), QJsonArray{c.userId});
        }
        const QString id = sp.value(QLatin1String("id")).toString();
        m_state.servicePrincipals.insert(id, sp);
        markCreated(id);
        QJsonObject out = publicView(sp);
        out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("servicePrincipals/$entity")));
        return ApiResponse::json(201, out);
    }

    QString id = seg.value(1);
    if (id.startsWith(QLatin1String("(appId='"))) {
        id = m_state.servicePrincipalIdByAppId(id.section(QLatin1Char('\''), 1, 1));
    }
    if (!m_state.servicePrincipals.contains(id) || !isVisible(id)) {
        return notFound(r, seg.value(1));
    }
    if (seg.size() == 2) {
        if (r.method == "GET") {
            return getObject(r,
                             m_state.servicePrincipals.value(id),
                             QStringLiteral("servicePrincipals"),
                             Schema::servicePrincipal());
        }
        if (r.method == "DELETE") {
            // serviceprincipal-delete.md: 204; its app role assignments, both ways, go with it.
            if (!userMay(c, DirectoryRoles::Operation::DeleteApplication, m_state.servicePrincipals.value(id))) {
                return forbidden(r);
            }
            m_state.servicePrincipals.remove(id);
            for (auto it = m_state.appRoleAssignments.begin(); it != m_state.appRoleAssignments.end();) {
                const bool involved = it->value(QLatin1String("principalId")).toString() == id
                    || it->value(QLatin1String("resourceId")).toString() == id;
                it = involved ? m_state.appRoleAssignments.erase(it) : std::next(it);
            }
            return ApiResponse::noContent();
        }
        return methodNotAllowed(r);
    }
    if (!assignment) {
        return methodNotAllowed(r);
    }
    // appRoleAssignedTo: assignments where this service principal is the resource; appRoleAssignments: where it is
    // the principal.
    const bool assignedTo = seg.value(2) == QLatin1String("appRoleAssignedTo");
    if (seg.size() == 3 && r.method == "GET") {
        QList<QJsonObject> items;
        for (const QJsonObject &a : m_state.appRoleAssignments) {
            if (a.value(assignedTo ? QLatin1String("resourceId") : QLatin1String("principalId")).toString() == id) {
                items.append(a);
            }
        }
        return listCollection(r, items, QStringLiteral("servicePrincipals('%1')/%2").arg(id, seg.value(2)), Schema());
    }
    if (seg.size() == 3 && r.method == "POST") {
        QJsonObject body;
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
        const QString principalId = body.value(QLatin1String("principalId")).toString();
        const QString resourceId = body.value(QLatin1String("resourceId")).toString();
        const QString appRoleId = body.value(QLatin1String("appRoleId")).toString();
        if ((assignedTo && resourceId != id) || (!assignedTo && principalId != id)) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("The %1 in the body must be the service principal in the URL.")
                                  .arg(assignedTo ? QStringLiteral("resourceId") : QStringLiteral("principalId")),
                              r);
        }
        if (!mayAssign(resourceId)) {
            return forbidden(r);
        }
        if (!m_state.servicePrincipals.contains(principalId) || !isVisible(principalId)) {
            return notFound(r, principalId);
        }
        const QJsonObject resource = m_state.servicePrincipals.value(resourceId);
        bool roleExists = false;
        for (const auto &role : resource.value(QLatin1String("appRoles")).toArray()) {
            roleExists |= role.toObject().value(QLatin1String("id")).toString() == appRoleId;
        }
        if (!roleExists) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Permission being assigned was not found on application '%1'.")
                                  .arg(resource.value(QLatin1String("appId")).toString()),
                              r);
        }
        for (const QJsonObject &a : m_state.appRoleAssignments) {
            if (a.value(QLatin1String("principalId")).toString() == principalId
                && a.value(QLatin1String("resourceId")).toString() == resourceId
                && a.value(QLatin1String("appRoleId")).toString() == appRoleId) {
                return graphError(400,
                                  QStringLiteral("Request_BadRequest"),
                                  QStringLiteral("Permission being assigned already exists on the object."),
                                  r);
            }
        }
        QJsonObject created{
            {QStringLiteral("id"),
             QString::fromLatin1(
                 Crypto::base64UrlEncode(QUuid::createUuid().toRfc4122() + QUuid::createUuid().toRfc4122().left(8)))},
            {QStringLiteral("deletedDateTime"), QJsonValue::Null},
            {QStringLiteral("appRoleId"), appRoleId},
            {QStringLiteral("createdDateTime"), isoNow()},
            {QStringLiteral("principalDisplayName"),
             m_state.servicePrincipals.value(principalId).value(QLatin1String("displayName"))},
            {QStringLiteral("principalId"), principalId},
            {QStringLiteral("principalType"), QStringLiteral("ServicePrincipal")},
            {QStringLiteral("resourceDisplayName"), resource.value(QLatin1String("displayName"))},
            {QStringLiteral("resourceId"), resourceId},
        };
        m_state.appRoleAssignments.insert(created.value(QLatin1String("id")).toString(), created);
        // The token service learns of the grant only after it replicated (FIDELITY.md).
        markCreated(created.value(QLatin1String("id")).toString());
        QJsonObject out = created;
        out.insert(QStringLiteral("@odata.context"),
                   contextUrl(QStringLiteral("servicePrincipals('%1')/%2/$entity").arg(id, seg.value(2))));
        return ApiResponse::json(201, out);
    }
    if (seg.size() == 4 && r.method == "DELETE") {
        if (!m_state.appRoleAssignments.contains(seg.value(3))) {
            return notFound(r, seg.value(3));
        }
        if (!mayAssign(m_state.appRoleAssignments.value(seg.value(3)).value(QLatin1String("resourceId")).toString())) {
            return forbidden(r);
        }
        m_state.appRoleAssignments.remove(seg.value(3));
        return ApiResponse::noContent();
    }
    return methodNotAllowed(r);
}

ApiResponse SandboxTenant::contacts(const ApiRequest &r, const QString &userId, const QStringList &seg, const Caller &c)
{
    if (!hasAnyRole(c, contactsRead)) {
        return forbidden(r);
    }
    if (r.method != "GET") {
        return methodNotAllowed(r);
    }
    const QJsonObject user = m_state.users.value(userId);
    const QJsonArray stored = user.value(QLatin1String("_contacts")).toArray();
    const QString folderId = QStringLiteral("contacts-") + userId;
    QList<QJsonObject> items;
    for (const auto &value : stored) {
        QJsonObject contact = value.toObject();
        contact.insert(QStringLiteral("parentFolderId"), folderId);
        items.append(contact);
    }
    if (seg.value(0) == QLatin1String("contacts") && seg.size() == 1) {
        return listCollection(r, items, QStringLiteral("users('%1')/contacts").arg(userId), Schema());
    }
    if (seg.value(0) == QLatin1String("contactFolders")) {
        if (seg.size() == 1) {
            const QJsonObject folder{{QStringLiteral("id"), folderId},
                                     {QStringLiteral("displayName"), QStringLiteral("Contacts")},
                                     {QStringLiteral("parentFolderId"), QString(QStringLiteral("root-") + userId)}};
            return listCollection(r, {folder}, QStringLiteral("users('%1')/contactFolders").arg(userId), Schema());
        }
        if (seg.value(1) != folderId) {
            return notFound(r, seg.value(1));
        }
        if (seg.size() == 3 && seg.value(2) == QLatin1String("contacts")) {
            return listCollection(
                r, items, QStringLiteral("users('%1')/contactFolders('%2')/contacts").arg(userId, folderId), Schema());
        }
        if (seg.size() == 4 && seg.value(2) == QLatin1String("contacts") && seg.value(3) == QLatin1String("delta")) {
            // Outlook contact delta: a full round every time here, in pages of `Prefer: odata.maxpagesize` linked
            // with @odata.nextLink, ending with a deltaLink.
            int start = 0;
            if (r.hasQueryItem(QStringLiteral("$skiptoken"))) {
                const auto decoded = Crypto::base64UrlDecode(r.queryItem(QStringLiteral("$skiptoken")).toLatin1());
                const QJsonObject token = decoded ? QJsonDocument::fromJson(*decoded).object() : QJsonObject();
                if (!token.value(QLatin1String("o")).isDouble()) {
                    return graphError(
                        400, QStringLiteral("BadRequest"), QStringLiteral("Invalid $skiptoken value."), r);
                }
                start = std::clamp(token.value(QLatin1String("o")).toInt(), 0, int(items.size()));
            }
            int pageSize = int(items.size());
            const QByteArray prefer = r.header("prefer");
            const int maxPageAt = prefer.indexOf("odata.maxpagesize=");
            if (maxPageAt >= 0) {
                pageSize = std::clamp(prefer.mid(maxPageAt + 18).split(',').value(0).trimmed().toInt(), 1, 1000);
            }
            const int end = std::min<int>(int(items.size()), start + pageSize);
            QJsonArray value;
            for (int i = start; i < end; ++i) {
                value.append(items.at(i));
            }
            const QString link =
                m_baseUrl + QStringLiteral("/v1.0/users/%1/contactFolders/%2/contacts/delta?").arg(userId, folderId);
            QJsonObject out{{QStringLiteral("@odata.context"), contextUrl(QStringLiteral("Collection(contact)"))},
                            {QStringLiteral("value"), value}};
            if (end < items.size()) {
                out.insert(
                    QStringLiteral("@odata.nextLink"),
                    QString(
                        link + QStringLiteral("$skiptoken=")
                        + QString::fromLatin1(Crypto::base64UrlEncode(
                            QJsonDocument(QJsonObject{{QStringLiteral("o"), end}}).toJson(QJsonDocument::Compact)))));
            } else {
                out.insert(QStringLiteral("@odata.deltaLink"),
                           QString(link + QStringLiteral("$deltatoken=%1").arg(m_state.seq)));
            }
            return ApiResponse::json(200, out);
        }
    }
    return notFound(r, seg.join(QLatin1Char('/')));
}

} // namespace M365::Sandbox
