// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox's own admin API under /_sandbox/ (never under /v1.0/): what a tenant admin or Microsoft would do
// outside Graph — seed or reset the tenant, register apps with certificates for tests, publish DNS records — and
// test controls: faults, throttling, replication lag, the request log.

#include "sandboxcrypto.h"
#include "sandboxtenant.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <algorithm>

namespace M365::Sandbox {

namespace {

ApiResponse adminError(int status, const QString &message, const ApiRequest &r)
{
    return graphError(status, QStringLiteral("SandboxAdmin_BadRequest"), message, r);
}

} // namespace

ApiResponse SandboxTenant::handleAdmin(const ApiRequest &r)
{
    const QStringList seg = r.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString what = seg.value(0);
    QJsonObject body;
    if (!r.body.isEmpty()) {
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
    }

    if (what == QLatin1String("info") && r.method == "GET") {
        return ApiResponse::json(
            200,
            QJsonObject{{QStringLiteral("graphUrl"), m_baseUrl},
                        {QStringLiteral("loginUrl"), m_baseUrl},
                        {QStringLiteral("tenantId"), m_state.tenantId},
                        {QStringLiteral("clientId"), m_state.demoClientId},
                        {QStringLiteral("clientSecret"), m_state.demoClientSecret},
                        {QStringLiteral("displayName"), m_state.organization.value(QLatin1String("displayName"))},
                        {QStringLiteral("timeScale"), m_timeScale}});
    }
    if (what == QLatin1String("reset") && r.method == "POST") {
        const QString seed = body.value(QLatin1String("seed")).toString(QStringLiteral("demo"));
        m_state = seed == QLatin1String("demo") ? TenantState::seedDemo()
                                                : TenantState::empty(QStringLiteral("contoso.onmicrosoft.com"));
        m_throttler.reset();
        m_visibleAt.clear();
        m_usedAssertionIds.clear();
        // Sign-ins under way belong to the tenant that is gone.
        m_authorizationCodes.clear();
        m_redeemedCodes.clear();
        m_deviceAuthorizations.clear();
        m_log.clear();
        markDirty();
        return ApiResponse::json(200,
                                 QJsonObject{{QStringLiteral("tenantId"), m_state.tenantId},
                                             {QStringLiteral("clientId"), m_state.demoClientId},
                                             {QStringLiteral("clientSecret"), m_state.demoClientSecret}});
    }
    if (what == QLatin1String("applications") && seg.size() == 1 && r.method == "POST") {
        // {displayName, roles: ["User.ReadWrite.All", …], certificatePem?, withSecret?, secretExpired?,
        //  createServicePrincipal? (default true), exposedRoles? (["Report.Read", …]: app roles this app defines as
        //  an API, for other apps to be granted; their ids come back in "appRoleIds")}
        const QString displayName = body.value(QLatin1String("displayName")).toString(QStringLiteral("test app"));
        const QString appId = newGuid();
        QJsonObject app{{QStringLiteral("id"), newGuid()},
                        {QStringLiteral("appId"), appId},
                        {QStringLiteral("displayName"), displayName},
                        {QStringLiteral("createdDateTime"), isoNow()},
                        {QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
                        {QStringLiteral("keyCredentials"), QJsonArray{}},
                        {QStringLiteral("passwordCredentials"), QJsonArray{}},
                        {QStringLiteral("requiredResourceAccess"), QJsonArray{}}};
        QJsonObject result{{QStringLiteral("appId"), appId},
                           {QStringLiteral("objectId"), app.value(QLatin1String("id"))}};
        QJsonArray exposedRoles;
        QJsonObject appRoleIds;
        for (const auto &value : body.value(QLatin1String("exposedRoles")).toArray()) {
            const QString roleId = newGuid();
            exposedRoles.append(
                QJsonObject{{QStringLiteral("allowedMemberTypes"), QJsonArray{QStringLiteral("Application")}},
                            {QStringLiteral("description"), value.toString()},
                            {QStringLiteral("displayName"), value.toString()},
                            {QStringLiteral("id"), roleId},
                            {QStringLiteral("isEnabled"), true},
                            {QStringLiteral("origin"), QStringLiteral("Application")},
                            {QStringLiteral("value"), value.toString()}});
            appRoleIds.insert(value.toString(), roleId);
        }
        app.insert(QStringLiteral("appRoles"), exposedRoles);
        result.insert(QStringLiteral("appRoleIds"), appRoleIds);
        if (body.contains(QLatin1String("certificatePem"))) {
            const auto info =
                Crypto::inspectCertificate(body.value(QLatin1String("certificatePem")).toString().toLatin1());
            if (!info) {
                return adminError(
                    400, QStringLiteral("certificatePem is not an X.509 certificate with an RSA key."), r);
            }
            app.insert(QStringLiteral("keyCredentials"), QJsonArray{makeKeyCredential(*info)});
            result.insert(QStringLiteral("thumbprint"), QString::fromLatin1(info->sha1Thumbprint.toHex().toUpper()));
        }
        if (body.value(QLatin1String("withSecret")).toBool()) {
            const QString secret = newClientSecret();
            const QDateTime end = body.value(QLatin1String("secretExpired")).toBool()
                ? QDateTime::currentDateTimeUtc().addDays(-1)
                : QDateTime::currentDateTimeUtc().addYears(1);
            app.insert(QStringLiteral("passwordCredentials"),
                       QJsonArray{makePasswordCredential(secret, QStringLiteral("test secret"), end)});
            result.insert(QStringLiteral("clientSecret"), secret);
        }
        m_state.applications.insert(app.value(QLatin1String("id")).toString(), app);
        if (body.value(QLatin1String("createServicePrincipal")).toBool(true)) {
            const QString spId = newGuid();
            m_state.servicePrincipals.insert(
                spId,
                QJsonObject{{QStringLiteral("id"), spId},
                            {QStringLiteral("accountEnabled"), true},
                            {QStringLiteral("appId"), appId},
                            {QStringLiteral("appDisplayName"), displayName},
                            {QStringLiteral("displayName"), displayName},
                            {QStringLiteral("appRoles"), exposedRoles},
                            {QStringLiteral("servicePrincipalType"), QStringLiteral("Application")},
                            {QStringLiteral("servicePrincipalNames"), QJsonArray{appId}},
                            {QStringLiteral("tags"), QJsonArray{}}});
            const QString graphSp = m_state.servicePrincipalIdByAppId(MicrosoftGraph::appId);
            for (const auto &role : body.value(QLatin1String("roles")).toArray()) {
                const QString roleId = MicrosoftGraph::appRoleId(role.toString());
                if (roleId.isEmpty()) {
                    return adminError(
                        400, QStringLiteral("Unknown Microsoft Graph app role '%1'.").arg(role.toString()), r);
                }
                const QString assignmentId = newGuid();
                m_state.appRoleAssignments.insert(
                    assignmentId,
                    QJsonObject{{QStringLiteral("id"), assignmentId},
                                {QStringLiteral("appRoleId"), roleId},
                                {QStringLiteral("createdDateTime"), isoNow()},
                                {QStringLiteral("deletedDateTime"), QJsonValue::Null},
                                {QStringLiteral("principalDisplayName"), displayName},
                                {QStringLiteral("principalId"), spId},
                                {QStringLiteral("principalType"), QStringLiteral("ServicePrincipal")},
                                {QStringLiteral("resourceDisplayName"), QStringLiteral("Microsoft Graph")},
                                {QStringLiteral("resourceId"), graphSp}});
            }
            result.insert(QStringLiteral("servicePrincipalId"), spId);
        }
        markDirty();
        return ApiResponse::json(201, result);
    }
    if (what == QLatin1String("applications") && seg.size() == 3 && seg.value(2) == QLatin1String("certificates")
        && r.method == "POST") {
        // {certificatePem}: what the admin does by uploading a .cer under Certificates & secrets.
        const QString objectId = m_state.applicationIdByAppId(seg.value(1));
        const auto info = Crypto::inspectCertificate(body.value(QLatin1String("certificatePem")).toString().toLatin1());
        if (objectId.isEmpty() || !info) {
            return adminError(400, QStringLiteral("Unknown appId, or certificatePem is not an X.509 certificate."), r);
        }
        QJsonObject app = m_state.applications.value(objectId);
        QJsonArray keys = app.value(QLatin1String("keyCredentials")).toArray();
        const QJsonObject key = makeKeyCredential(*info);
        keys.append(key);
        app.insert(QStringLiteral("keyCredentials"), keys);
        m_state.applications.insert(objectId, app);
        // Like a key added through Graph, the token service knows it only once it replicated.
        markCreated(key.value(QLatin1String("keyId")).toString());
        markDirty();
        return ApiResponse::json(
            201,
            QJsonObject{{QStringLiteral("thumbprint"), QString::fromLatin1(info->sha1Thumbprint.toHex().toUpper())}});
    }
    if (what == QLatin1String("users") && seg.size() == 3 && seg.value(2) == QLatin1String("directoryRoles")
        && (r.method == "POST" || r.method == "PUT")) {
        // POST {role}: assign a directory role to a user (no change when the user holds it); PUT {roles}: set all of
        // the user's roles, [] removes them. What a Privileged Role Administrator does in the admin center.
        const QString userId = resolveUserId(seg.value(1));
        if (userId.isEmpty()) {
            return adminError(404, QStringLiteral("No user '%1'.").arg(seg.value(1)), r);
        }
        QStringList requested;
        if (r.method == "POST") {
            requested = m_state.directoryRolesOf(userId);
            requested.append(body.value(QLatin1String("role")).toString());
        } else {
            for (const auto &role : body.value(QLatin1String("roles")).toArray()) {
                requested.append(role.toString());
            }
        }
        QJsonArray roles;
        for (const QString &name : std::as_const(requested)) {
            const DirectoryRoles::Role *role = DirectoryRoles::byName(name);
            if (!role) {
                return adminError(400, QStringLiteral("Unknown directory role '%1'.").arg(name), r);
            }
            if (!roles.contains(QJsonValue(role->displayName))) {
                roles.append(role->displayName);
            }
        }
        QJsonObject user = m_state.users.value(userId);
        user.insert(QStringLiteral("_directoryRoles"), roles);
        m_state.putUser(user);
        markDirty();
        return ApiResponse::json(
            200, QJsonObject{{QStringLiteral("id"), userId}, {QStringLiteral("directoryRoles"), roles}});
    }
    if (what == QLatin1String("groups") && seg.size() == 3 && seg.value(2) == QLatin1String("directoryRoles")
        && (r.method == "POST" || r.method == "PUT")) {
        // POST {role}: assign a directory role to a role-assignable group (isAssignableToRole true), as a Privileged
        // Role Administrator does; PUT {roles}: set all of the group's roles, [] removes them. Its members then hold
        // the role too, but /directoryRoles lists the group, not them.
        const QString groupId = seg.value(1);
        if (!m_state.groups.contains(groupId)) {
            return adminError(404, QStringLiteral("No group '%1'.").arg(groupId), r);
        }
        QJsonObject group = m_state.groups.value(groupId);
        if (!group.value(QLatin1String("isAssignableToRole")).toBool()) {
            return adminError(
                400, QStringLiteral("Only a group created with isAssignableToRole true can be assigned a role."), r);
        }
        QStringList requested;
        if (r.method == "POST") {
            requested = m_state.directoryRolesOfGroup(groupId);
            requested.append(body.value(QLatin1String("role")).toString());
        } else {
            for (const auto &role : body.value(QLatin1String("roles")).toArray()) {
                requested.append(role.toString());
            }
        }
        QJsonArray roles;
        for (const QString &name : std::as_const(requested)) {
            const DirectoryRoles::Role *role = DirectoryRoles::byName(name);
            if (!role) {
                return adminError(400, QStringLiteral("Unknown directory role '%1'.").arg(name), r);
            }
            if (!roles.contains(QJsonValue(role->displayName))) {
                roles.append(role->displayName);
            }
        }
        group.insert(QStringLiteral("_directoryRoles"), roles);
        m_state.putGroup(group);
        markDirty();
        return ApiResponse::json(
            200, QJsonObject{{QStringLiteral("id"), groupId}, {QStringLiteral("directoryRoles"), roles}});
    }
    if (what == QLatin1String("skus") && seg.size() == 1 && r.method == "POST") {
        // {skuId, skuPartNumber, seats, servicePlans?: [{servicePlanId, servicePlanName}]}: the tenant buys a
        // subscription, or changes the seats of one it has (same skuId). Whether the tenant may use group-based
        // licensing follows from its subscriptions (TenantState::groupLicensingAvailable()).
        const QString skuId = body.value(QLatin1String("skuId")).toString();
        const QString partNumber = body.value(QLatin1String("skuPartNumber")).toString();
        if (QUuid::fromString(skuId).isNull() || partNumber.isEmpty()
            || !body.value(QLatin1String("seats")).isDouble()) {
            return adminError(400, QStringLiteral("skuId (a GUID), skuPartNumber and seats are required."), r);
        }
        QJsonObject sku;
        for (const QJsonObject &existing : std::as_const(m_state.skus)) {
            if (existing.value(QLatin1String("skuId")).toString() == skuId) {
                sku = existing;
            }
        }
        if (sku.isEmpty()) {
            sku = QJsonObject{
                {QStringLiteral("accountId"), m_state.tenantId},
                {QStringLiteral("accountName"), m_state.organization.value(QLatin1String("displayName"))},
                {QStringLiteral("appliesTo"), QStringLiteral("User")},
                {QStringLiteral("capabilityStatus"), QStringLiteral("Enabled")},
                {QStringLiteral("id"), QString(m_state.tenantId + QLatin1Char('_') + skuId)},
                {QStringLiteral("servicePlans"), QJsonArray{}},
                {QStringLiteral("skuId"), skuId},
                {QStringLiteral("subscriptionIds"), QJsonArray{newGuid()}},
            };
        }
        sku.insert(QStringLiteral("skuPartNumber"), partNumber);
        sku.insert(QStringLiteral("prepaidUnits"),
                   QJsonObject{{QStringLiteral("enabled"), body.value(QLatin1String("seats")).toInt()},
                               {QStringLiteral("lockedOut"), 0},
                               {QStringLiteral("suspended"), 0},
                               {QStringLiteral("warning"), 0}});
        if (body.contains(QLatin1String("servicePlans"))) {
            QJsonArray plans;
            for (const auto &plan : body.value(QLatin1String("servicePlans")).toArray()) {
                plans.append(QJsonObject{
                    {QStringLiteral("servicePlanId"), plan.toObject().value(QLatin1String("servicePlanId"))},
                    {QStringLiteral("servicePlanName"), plan.toObject().value(QLatin1String("servicePlanName"))},
                    {QStringLiteral("provisioningStatus"), QStringLiteral("Success")},
                    {QStringLiteral("appliesTo"), QStringLiteral("User")}});
            }
            sku.insert(QStringLiteral("servicePlans"), plans);
        }
        bool replaced = false;
        for (QJsonObject &existing : m_state.skus) {
            if (existing.value(QLatin1String("skuId")).toString() == skuId) {
                existing = sku;
                replaced = true;
            }
        }
        if (!replaced) {
            m_state.skus.append(sku);
        }
        markDirty();
        return ApiResponse::json(replaced ? 200 : 201, sku);
    }
    if (what == QLatin1String("skus") && seg.size() == 2 && r.method == "DELETE") {
        // The subscription ends; users keep their assignments (as in Microsoft 365 until the licence is removed).
        const qsizetype before = m_state.skus.size();
        m_state.skus.erase(std::remove_if(m_state.skus.begin(),
                                          m_state.skus.end(),
                                          [&seg](const QJsonObject &sku) {
                                              return sku.value(QLatin1String("skuId")).toString() == seg.value(1);
                                          }),
                           m_state.skus.end());
        if (m_state.skus.size() == before) {
            return adminError(404, QStringLiteral("No subscription with skuId '%1'.").arg(seg.value(1)), r);
        }
        markDirty();
        return ApiResponse::noContent();
    }
    if (what == QLatin1String("authorizationPolicy") && (r.method == "PUT" || r.method == "PATCH")) {
        // {defaultUserRolePermissions: {allowedToCreateApps, allowedToCreateSecurityGroups}}: the settings "Users can
        // register applications" and "Users can create security groups".
        QJsonObject defaults =
            m_state.authorizationPolicy.value(QLatin1String("defaultUserRolePermissions")).toObject();
        const QJsonObject sent = body.value(QLatin1String("defaultUserRolePermissions")).toObject();
        for (const char *setting : {"allowedToCreateApps", "allowedToCreateSecurityGroups"}) {
            if (sent.value(QLatin1String(setting)).isBool()) {
                defaults.insert(QLatin1String(setting), sent.value(QLatin1String(setting)));
            }
        }
        m_state.authorizationPolicy.insert(QStringLiteral("defaultUserRolePermissions"), defaults);
        markDirty();
        return ApiResponse::json(200, m_state.authorizationPolicy);
    }
    if (what == QLatin1String("tokens") && seg.size() == 1 && r.method == "POST") {
        // {userPrincipalName, scopes: ["User.Read", …], clientId?}: the access token a sign-in of that user would give
        // the client (default: the setup client), without the sign-in page, so that tests can act as any user. The
        // sign-in page's own rules (who may sign in for what) are tested through the page.
        const QString userId = m_state.userIdByUpn(body.value(QLatin1String("userPrincipalName")).toString());
        if (userId.isEmpty()) {
            return adminError(404, QStringLiteral("No user with that userPrincipalName."), r);
        }
        QStringList scopes;
        for (const auto &scope : body.value(QLatin1String("scopes")).toArray()) {
            scopes.append(scope.toString());
        }
        const QString clientId = body.value(QLatin1String("clientId")).toString(setupClientId);
        return ApiResponse::json(200,
                                 QJsonObject{{QStringLiteral("access_token"),
                                              QString::fromLatin1(issueDelegatedToken(clientId, userId, scopes))}});
    }
    if (what == QLatin1String("dns") && r.method == "POST") {
        // {domain, txt}: what the admin does at the DNS host; domain verification looks here.
        const QString domain = body.value(QLatin1String("domain")).toString().toLower();
        const QString txt = body.value(QLatin1String("txt")).toString();
        if (domain.isEmpty() || txt.isEmpty()) {
            return adminError(400, QStringLiteral("Both 'domain' and 'txt' are required."), r);
        }
        m_state.publishedTxtRecords[domain].append(txt);
        markDirty();
        return ApiResponse::noContent();
    }
    if (what == QLatin1String("faults")) {
        if (r.method == "PUT" || r.method == "POST") {
            Faults f = m_faults;
            f.serverErrorRate = body.value(QLatin1String("serverErrorRate")).toDouble(f.serverErrorRate);
            f.resetRate = body.value(QLatin1String("resetRate")).toDouble(f.resetRate);
            f.latencyMs = body.value(QLatin1String("latencyMs")).toInt(f.latencyMs);
            f.replicationLagMs = body.value(QLatin1String("replicationLagMs")).toInt(f.replicationLagMs);
            f.retryAfterSeconds = body.value(QLatin1String("retryAfterSeconds")).toDouble(f.retryAfterSeconds);
            if (body.contains(QLatin1String("seed"))) {
                m_random.seed(quint32(body.value(QLatin1String("seed")).toInteger()));
            }
            m_faults = f;
        }
        return ApiResponse::json(200,
                                 QJsonObject{{QStringLiteral("serverErrorRate"), m_faults.serverErrorRate},
                                             {QStringLiteral("resetRate"), m_faults.resetRate},
                                             {QStringLiteral("latencyMs"), m_faults.latencyMs},
                                             {QStringLiteral("replicationLagMs"), m_faults.replicationLagMs},
                                             {QStringLiteral("retryAfterSeconds"), m_faults.retryAfterSeconds}});
    }
    if (what == QLatin1String("throttling")) {
        if (r.method == "PUT" || r.method == "POST") {
            Throttler::Limits l = m_throttler.limits();
            l.enabled = body.value(QLatin1String("enabled")).toBool(l.enabled);
            l.appWrites = body.value(QLatin1String("appWrites")).toInt(l.appWrites);
            l.appWriteWindowSeconds =
                body.value(QLatin1String("appWriteWindowSeconds")).toDouble(l.appWriteWindowSeconds);
            l.tenantWrites = body.value(QLatin1String("tenantWrites")).toInt(l.tenantWrites);
            l.tenantWriteWindowSeconds =
                body.value(QLatin1String("tenantWriteWindowSeconds")).toDouble(l.tenantWriteWindowSeconds);
            l.resourceUnitsSmall = body.value(QLatin1String("resourceUnitsSmall")).toInt(l.resourceUnitsSmall);
            l.resourceUnitsMedium = body.value(QLatin1String("resourceUnitsMedium")).toInt(l.resourceUnitsMedium);
            l.resourceUnitsLarge = body.value(QLatin1String("resourceUnitsLarge")).toInt(l.resourceUnitsLarge);
            l.resourceUnitWindowSeconds =
                body.value(QLatin1String("resourceUnitWindowSeconds")).toDouble(l.resourceUnitWindowSeconds);
            m_throttler.setLimits(l);
            if (body.contains(QLatin1String("timeScale"))) {
                setTimeScale(body.value(QLatin1String("timeScale")).toDouble());
            }
            m_throttler.reset();
        }
        const Throttler::Limits l = m_throttler.limits();
        return ApiResponse::json(200,
                                 QJsonObject{{QStringLiteral("enabled"), l.enabled},
                                             {QStringLiteral("appWrites"), l.appWrites},
                                             {QStringLiteral("appWriteWindowSeconds"), l.appWriteWindowSeconds},
                                             {QStringLiteral("tenantWrites"), l.tenantWrites},
                                             {QStringLiteral("tenantWriteWindowSeconds"), l.tenantWriteWindowSeconds},
                                             {QStringLiteral("resourceUnitsSmall"), l.resourceUnitsSmall},
                                             {QStringLiteral("resourceUnitsMedium"), l.resourceUnitsMedium},
                                             {QStringLiteral("resourceUnitsLarge"), l.resourceUnitsLarge},
                                             {QStringLiteral("resourceUnitWindowSeconds"), l.resourceUnitWindowSeconds},
                                             {QStringLiteral("timeScale"), m_timeScale}});
    }
    if (what == QLatin1String("delta") && seg.value(1) == QLatin1String("expire") && r.method == "POST") {
        ++m_state.deltaEpoch;
        markDirty();
        return ApiResponse::noContent();
    }
    if (what == QLatin1String("log") && r.method == "GET") {
        QJsonArray entries;
        for (const LogEntry &e : m_log) {
            entries.append(QJsonObject{{QStringLiteral("time"), e.time},
                                       {QStringLiteral("method"), e.method},
                                       {QStringLiteral("path"), e.path},
                                       {QStringLiteral("status"), e.status},
                                       {QStringLiteral("appId"), e.appId},
                                       {QStringLiteral("requestId"), e.requestId},
                                       {QStringLiteral("resourceUnits"), e.resourceUnits}});
        }
        return ApiResponse::json(200, QJsonObject{{QStringLiteral("value"), entries}});
    }
    return adminError(
        404, QStringLiteral("Unknown admin request %1 /_sandbox%2.").arg(QString::fromLatin1(r.method), r.path), r);
}

} // namespace M365::Sandbox
