// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The identity platform's token endpoint (client credentials with a secret or a signed client assertion) and the
// validation of the access tokens it issues. Error codes and texts follow Microsoft's AADSTS reference.

#include "assertioncheck.h"
#include "sandboxcrypto.h"
#include "sandboxtenant.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace M365::Sandbox {

namespace {

constexpr auto assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr qint64 clockSkewSeconds = 300;

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace

ApiResponse SandboxTenant::tokenError(
    int status, const QString &error, int code, const QString &description, const ApiRequest &request) const
{
    const QString timestamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
    const QString correlation = request.header("client-request-id").isEmpty()
        ? newGuid()
        : QString::fromUtf8(request.header("client-request-id"));
    const QString text = QStringLiteral("AADSTS%1: %2\r\nTrace ID: %3\r\nCorrelation ID: %4\r\nTimestamp: %5")
                             .arg(code)
                             .arg(description, request.requestId, correlation, timestamp);
    return ApiResponse::json(
        status,
        QJsonObject{
            {QStringLiteral("error"), error},
            {QStringLiteral("error_description"), text},
            {QStringLiteral("error_codes"), QJsonArray{code}},
            {QStringLiteral("timestamp"), timestamp},
            {QStringLiteral("trace_id"), request.requestId},
            {QStringLiteral("correlation_id"), correlation},
            {QStringLiteral("error_uri"), QString(m_baseUrl + QStringLiteral("/error?code=%1").arg(code))},
        });
}

bool SandboxTenant::matchesTenant(const QString &tenant) const
{
    if (tenant.compare(m_state.tenantId, Qt::CaseInsensitive) == 0) {
        return true;
    }
    const auto domain = m_state.domains.constFind(tenant.toLower());
    return domain != m_state.domains.cend() && domain->value(QLatin1String("isVerified")).toBool();
}

QStringList SandboxTenant::grantedRoles(const QString &servicePrincipalId) const
{
    const QString graphSp = m_state.servicePrincipalIdByAppId(MicrosoftGraph::appId);
    const QJsonArray roles = m_state.servicePrincipals.value(graphSp).value(QLatin1String("appRoles")).toArray();
    QStringList granted;
    for (const QJsonObject &assignment : m_state.appRoleAssignments) {
        if (assignment.value(QLatin1String("principalId")).toString() != servicePrincipalId
            || assignment.value(QLatin1String("resourceId")).toString() != graphSp) {
            continue;
        }
        // A grant made moments ago has not reached the token service yet (replicationLagMs, FIDELITY.md).
        if (!isVisible(assignment.value(QLatin1String("id")).toString())) {
            continue;
        }
        for (const auto &role : roles) {
            if (role.toObject().value(QLatin1String("id")) == assignment.value(QLatin1String("appRoleId"))) {
                granted.append(role.toObject().value(QLatin1String("value")).toString());
            }
        }
    }
    granted.removeDuplicates();
    granted.sort();
    return granted;
}

QByteArray
SandboxTenant::issueAccessToken(const QString &appId, const QString &servicePrincipalId, const QStringList &roles)
{
    const qint64 now = nowSeconds();
    const qint64 lifetime = std::max<qint64>(1, qint64(std::llround(3599 / m_timeScale)));
    const QByteArray certificateDer = Crypto::certificatePemToDer(m_signingCertificatePem);
    const QJsonObject header{
        {QStringLiteral("x5t"), QString::fromLatin1(Crypto::base64UrlEncode(Crypto::sha1(certificateDer)))},
        {QStringLiteral("kid"), QString::fromLatin1(Crypto::base64UrlEncode(Crypto::sha1(certificateDer)))}};
    const QJsonObject payload{
        {QStringLiteral("aud"), QStringLiteral("https://graph.microsoft.com")},
        {QStringLiteral("iss"), QStringLiteral("https://sts.windows.net/%1/").arg(m_state.tenantId)},
        {QStringLiteral("iat"), now},
        {QStringLiteral("nbf"), now},
        {QStringLiteral("exp"), now + lifetime},
        {QStringLiteral("app_displayname"),
         m_state.servicePrincipals.value(servicePrincipalId).value(QLatin1String("displayName"))},
        {QStringLiteral("appid"), appId},
        {QStringLiteral("appidacr"), QStringLiteral("1")},
        {QStringLiteral("idp"), QStringLiteral("https://sts.windows.net/%1/").arg(m_state.tenantId)},
        {QStringLiteral("idtyp"), QStringLiteral("app")},
        {QStringLiteral("oid"), servicePrincipalId},
        {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
        {QStringLiteral("sub"), servicePrincipalId},
        {QStringLiteral("tid"), m_state.tenantId},
        {QStringLiteral("uti"), QString::fromLatin1(Crypto::base64UrlEncode(QUuid::createUuid().toRfc4122()))},
        {QStringLiteral("ver"), QStringLiteral("1.0")},
    };
    return Crypto::makeJwt(header, payload, m_signingKeyPem);
}

ApiResponse SandboxTenant::handleToken(const ApiRequest &request, const QString &tenant)
{
    if (request.method != "POST") {
        return tokenError(400,
                          QStringLiteral("invalid_request"),
                          900561,
                          QStringLiteral("The endpoint only accepts POST requests. Received a %1 request.")
                              .arg(QString::fromLatin1(request.method)),
                          request);
    }
    if (!matchesTenant(tenant) && !deviceCodeGrantOnTenantAlias(request, tenant)) {
        return tokenError(400,
                          QStringLiteral("invalid_request"),
                          90002,
                          QStringLiteral("Tenant '%1' not found. Check to make sure you have the correct tenant ID and "
                                         "are signing into the correct cloud. Check with your subscription "
                                         "administrator, this may happen if there are no active subscriptions for "
                                         "the tenant.")
                              .arg(tenant),
                          request);
    }
    if (!request.header("content-type").toLower().startsWith("application/x-www-form-urlencoded")) {
        return tokenError(400,
                          QStringLiteral("invalid_request"),
                          900144,
                          QStringLiteral("The request body must contain the following parameter: 'grant_type'."),
                          request);
    }
    QUrlQuery form(QString::fromUtf8(QByteArray(request.body).replace('+', ' ')));
    const auto param = [&form](const char *name) {
        return form.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded);
    };
    for (const char *required : {"grant_type", "client_id"}) {
        if (param(required).isEmpty()) {
            return tokenError(400,
                              QStringLiteral("invalid_request"),
                              900144,
                              QStringLiteral("The request body must contain the following parameter: '%1'.")
                                  .arg(QString::fromLatin1(required)),
                              request);
        }
    }
    if (param("grant_type") == QLatin1String("authorization_code")) {
        return redeemAuthorizationCode(request, form);
    }
    if (param("grant_type") == QLatin1String("urn:ietf:params:oauth:grant-type:device_code")) {
        return redeemDeviceCode(request, form);
    }
    if (param("scope").isEmpty()) {
        return tokenError(400,
                          QStringLiteral("invalid_request"),
                          900144,
                          QStringLiteral("The request body must contain the following parameter: 'scope'."),
                          request);
    }
    if (param("grant_type") != QLatin1String("client_credentials")) {
        return tokenError(400,
                          QStringLiteral("unsupported_grant_type"),
                          70003,
                          QStringLiteral("The app requested an unsupported grant type '%1'.").arg(param("grant_type")),
                          request);
    }
    const QString clientId = param("client_id");
    const QString appObjectId = m_state.applicationIdByAppId(clientId);
    if (appObjectId.isEmpty()) {
        return tokenError(
            400,
            QStringLiteral("unauthorized_client"),
            700016,
            QStringLiteral("Application with identifier '%1' was not found in the directory '%2'. This can "
                           "happen if the application has not been installed by the administrator of "
                           "the tenant or consented to by any user in the tenant. You may have sent "
                           "your authentication request to the wrong tenant.")
                .arg(clientId, tenant),
            request);
    }
    const QString scope = param("scope");
    if (scope != QLatin1String("https://graph.microsoft.com/.default")
        && scope != m_baseUrl + QStringLiteral("/.default")) {
        return tokenError(400,
                          QStringLiteral("invalid_scope"),
                          70011,
                          QStringLiteral("The provided value for the input parameter 'scope' isn't valid. The scope %1 "
                                         "isn't valid. Use https://graph.microsoft.com/.default for the client "
                                         "credentials flow.")
                              .arg(scope),
                          request);
    }
    const QJsonObject app = m_state.applications.value(appObjectId);
    const QString secret = param("client_secret");
    const QString assertion = param("client_assertion");
    const qint64 now = nowSeconds();

    if (secret.isEmpty() && assertion.isEmpty()) {
        return tokenError(401,
                          QStringLiteral("invalid_client"),
                          7000218,
                          QStringLiteral("The request body must contain the following parameter: 'client_assertion' or "
                                         "'client_secret'."),
                          request);
    }
    if (!secret.isEmpty()) {
        const QString hash = hashSecret(secret);
        bool matched = false;
        bool expired = false;
        for (const auto &value : app.value(QLatin1String("passwordCredentials")).toArray()) {
            const QJsonObject credential = value.toObject();
            // A secret added moments ago is not known yet while it replicates (replicationLagMs).
            if (credential.value(QLatin1String("_hash")).toString() != hash
                || !isVisible(credential.value(QLatin1String("keyId")).toString())) {
                continue;
            }
            const QDateTime end =
                QDateTime::fromString(credential.value(QLatin1String("endDateTime")).toString(), Qt::ISODate);
            if (end.isValid() && end.toSecsSinceEpoch() < now) {
                expired = true;
            } else {
                matched = true;
            }
        }
        if (expired && !matched) {
            return tokenError(
                401,
                QStringLiteral("invalid_client"),
                7000222,
                QStringLiteral("The provided client secret keys for app '%1' are expired. Visit the Azure "
                               "portal to create new keys for your app.")
                    .arg(clientId),
                request);
        }
        if (!matched) {
            return tokenError(401,
                              QStringLiteral("invalid_client"),
                              7000215,
                              QStringLiteral("Invalid client secret provided. Ensure the secret being sent in the "
                                             "request is the client secret value, not the client secret ID, for a "
                                             "secret added to app '%1'.")
                                  .arg(clientId),
                              request);
        }
    } else {
        if (param("client_assertion_type") != QLatin1String(assertionType)) {
            return tokenError(400,
                              QStringLiteral("invalid_request"),
                              900144,
                              QStringLiteral("The request body must contain the following parameter: "
                                             "'client_assertion_type' with the value '%1'.")
                                  .arg(QLatin1String(assertionType)),
                              request);
        }
        // A certificate added moments ago is not known yet while it replicates: an assertion signed with it is
        // answered as one signed with an unknown key (AADSTS700027, "The key was not found.").
        QJsonArray knownKeys;
        for (const auto &key : app.value(QLatin1String("keyCredentials")).toArray()) {
            if (isVisible(key.toObject().value(QLatin1String("keyId")).toString())) {
                knownKeys.append(key);
            }
        }
        const AssertionCheck check = AssertionCheck::check(assertion.toLatin1(),
                                                           {clientId,
                                                            tenant,
                                                            m_baseUrl,
                                                            knownKeys,
                                                            [this](const QString &name) {
                                                                return matchesTenant(name);
                                                            },
                                                            now});
        if (!check.ok()) {
            return tokenError(check.status, check.error, check.code, check.description, request);
        }
        const QString &jti = check.jti;
        for (auto it = m_usedAssertionIds.begin(); it != m_usedAssertionIds.end();) {
            // Not it.value() + skew: an accepted "exp" may be any integer up to 2^63 - 1.
            it = it.value() < now - clockSkewSeconds ? m_usedAssertionIds.erase(it) : std::next(it);
        }
        if (m_usedAssertionIds.contains(jti)) {
            return tokenError(
                401,
                QStringLiteral("invalid_client"),
                700025,
                QStringLiteral("The client assertion with 'jti' '%1' was already used. A client assertion "
                               "can be used only once; sign a new one for every token request.")
                    .arg(jti),
                request);
        }
        m_usedAssertionIds.insert(jti, check.expires);
    }

    const QString servicePrincipalId = m_state.servicePrincipalIdByAppId(clientId);
    if (servicePrincipalId.isEmpty()) {
        return tokenError(400,
                          QStringLiteral("invalid_client"),
                          7000229,
                          QStringLiteral("The client application %1 is missing service principal in the tenant %2.")
                              .arg(clientId, m_state.tenantId),
                          request);
    }
    const qint64 lifetime = std::max<qint64>(1, qint64(std::llround(3599 / m_timeScale)));
    return ApiResponse::json(
        200,
        QJsonObject{
            {QStringLiteral("token_type"), QStringLiteral("Bearer")},
            {QStringLiteral("expires_in"), lifetime},
            {QStringLiteral("ext_expires_in"), lifetime},
            {QStringLiteral("access_token"),
             QString::fromLatin1(issueAccessToken(clientId, servicePrincipalId, grantedRoles(servicePrincipalId)))},
        });
}

bool SandboxTenant::authenticate(const ApiRequest &request, Caller *caller, ApiResponse *failure)
{
    const auto reject = [&](const QString &message) {
        *failure = graphError(401, QStringLiteral("InvalidAuthenticationToken"), message, request);
        failure->setHeader("WWW-Authenticate",
                           QByteArrayLiteral("Bearer realm=\"\", authorization_uri=\"") + m_baseUrl.toLatin1()
                               + QByteArrayLiteral("/common/oauth2/authorize\", client_id=\"")
                               + MicrosoftGraph::appId.toLatin1() + '"');
        return false;
    };
    const QByteArray authorization = request.header("authorization");
    if (authorization.isEmpty()) {
        return reject(QStringLiteral("Access token is empty."));
    }
    if (!authorization.startsWith("Bearer ")) {
        return reject(QStringLiteral("Access token validation failure. The Authorization header must use the Bearer "
                                     "scheme."));
    }
    const auto jwt = Crypto::Jwt::parse(authorization.mid(7).trimmed());
    if (!jwt) {
        return reject(QStringLiteral("CompactToken parsing failed with error code: 80049217"));
    }
    if (jwt->header.value(QLatin1String("alg")).toString() != QLatin1String("RS256")
        || !Crypto::verifySignature(Crypto::SignatureAlgorithm::RS256,
                                    jwt->signingInput,
                                    jwt->signature,
                                    Crypto::certificatePemToDer(m_signingCertificatePem))) {
        return reject(QStringLiteral("Access token validation failure. Invalid signature."));
    }
    const QJsonObject claims = jwt->payload;
    if (claims.value(QLatin1String("tid")).toString() != m_state.tenantId
        || claims.value(QLatin1String("aud")).toString() != QLatin1String("https://graph.microsoft.com")) {
        return reject(QStringLiteral("Access token validation failure. Invalid audience."));
    }
    if (claims.value(QLatin1String("exp")).toInteger() <= nowSeconds()) {
        return reject(QStringLiteral("Lifetime validation failed, the token is expired."));
    }
    caller->appId = claims.value(QLatin1String("appid")).toString();
    caller->servicePrincipalId = claims.value(QLatin1String("oid")).toString();
    for (const auto &role : claims.value(QLatin1String("roles")).toArray()) {
        caller->roles.append(role.toString());
    }
    // A delegated token carries its permissions in "scp" and no "roles": the delegated permission allows what the
    // application permission of the same name allows, and no more than the signed-in user ("oid") may do. That
    // user's directory roles are read now, not from the token, so that a role removed after sign-in counts at once
    // (DirectoryRoles::rule(), userMay()).
    if (claims.value(QLatin1String("idtyp")).toString() == QLatin1String("user")
        || claims.contains(QLatin1String("scp"))) {
        caller->roles = claims.value(QLatin1String("scp")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        caller->userId = claims.value(QLatin1String("oid")).toString();
        caller->servicePrincipalId = m_state.servicePrincipalIdByAppId(caller->appId);
        // Roles held through a role-assignable group count as the user's own.
        caller->directoryRoles = m_state.effectiveDirectoryRolesOf(caller->userId);
    }
    return true;
}

} // namespace M365::Sandbox
