// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// OpenID Connect discovery as the Microsoft identity platform serves it ("OpenID Connect on the Microsoft identity
// platform", entra-docs identity-platform/v2-protocols-oidc.md): GET /{tenant}/v2.0/.well-known/openid-configuration
// names the endpoints, and GET /{tenant}/discovery/v2.0/keys publishes the token-signing key as a JWKS, so that a
// client that is not ours (an MSAL, a JWT library) finds the sandbox's endpoints and can check its tokens' signatures.
// Also the routing of the identity platform's other pages: device code, device login, admin consent, nativeclient.

#include "sandboxcrypto.h"
#include "sandboxtenant.h"
#include "signinpage.h"

#include <QJsonArray>
#include <QUrl>

namespace M365::Sandbox {

namespace {

bool isTenantAlias(const QString &tenant)
{
    return tenant.compare(QLatin1String("organizations"), Qt::CaseInsensitive) == 0
        || tenant.compare(QLatin1String("common"), Qt::CaseInsensitive) == 0;
}

/// Microsoft serves the metadata with these headers: cacheable for a day, readable from any origin.
ApiResponse metadata(const QJsonObject &document)
{
    ApiResponse response = ApiResponse::json(200, document);
    response.setHeader("Content-Type", "application/json; charset=utf-8");
    response.setHeader("Cache-Control", "max-age=86400, private");
    response.setHeader("Access-Control-Allow-Origin", "*");
    response.setHeader("Access-Control-Allow-Methods", "GET, OPTIONS");
    return response;
}

} // namespace

std::optional<ApiResponse>
SandboxTenant::routeIdentityPlatform(const ApiRequest &original, const QString &path, const QStringList &segments)
{
    ApiRequest request = original;
    request.path = path;
    const QString tenant = segments.value(0);
    const auto is = [&segments](std::initializer_list<const char *> tail) {
        if (segments.size() != qsizetype(tail.size()) + 1) {
            return false;
        }
        int i = 1;
        for (const char *part : tail) {
            if (segments.value(i++) != QLatin1String(part)) {
                return false;
            }
        }
        return true;
    };
    const bool configuration = is({"v2.0", ".well-known", "openid-configuration"});
    if (configuration || is({"discovery", "v2.0", "keys"})) {
        // Both discovery documents: GET only, for this tenant or a multi-tenant alias.
        if (request.method != "GET") {
            return tokenError(400,
                              QStringLiteral("invalid_request"),
                              900561,
                              QStringLiteral("The endpoint only accepts GET, OPTIONS requests. Received a %1 request.")
                                  .arg(QString::fromLatin1(request.method)),
                              request);
        }
        if (!isTenantAlias(tenant) && !matchesTenant(tenant)) {
            return tokenError(400,
                              QStringLiteral("invalid_tenant"),
                              90002,
                              QStringLiteral("Tenant '%1' not found. Check to make sure you have the correct tenant ID "
                                             "and are signing into the correct cloud. Check with your subscription "
                                             "administrator, this may happen if there are no active subscriptions "
                                             "for the tenant.")
                                  .arg(tenant),
                              request);
        }
        return configuration ? handleOpenIdConfiguration(tenant) : handleSigningKeys(request, tenant);
    }
    if (is({"oauth2", "v2.0", "devicecode"})) {
        return handleDeviceCode(request, tenant);
    }
    if (is({"v2.0", "adminconsent"})) {
        return handleAdminConsent(request, tenant, true);
    }
    if (is({"adminconsent"})) {
        return handleAdminConsent(request, tenant, false);
    }
    if (is({"oauth2", "nativeclient"})) {
        return handleNativeClient(request);
    }
    if (is({"oauth2", "v2.0", "logout"})) {
        // end_session_endpoint: the sandbox keeps no browser sessions, so there is nothing to end.
        return SignInPage::html(200,
                                QStringLiteral("You signed out of your account"),
                                QStringLiteral("<p id=\"message\">It's a good idea to close all browser windows.</p>"));
    }
    if (segments.size() == 1 && tenant == QLatin1String("devicelogin")) {
        return handleDeviceLogin(request);
    }
    return std::nullopt;
}

ApiResponse SandboxTenant::handleOpenIdConfiguration(const QString &tenant)
{
    const bool alias = isTenantAlias(tenant);
    // A tenant named by a domain is answered with its id; the multi-tenant aliases keep their name in the endpoints,
    // and their issuer carries the "{tenantid}" placeholder that a validator fills with the token's "tid".
    const QString segment = alias ? tenant.toLower() : m_state.tenantId;
    const QString root = m_baseUrl + QLatin1Char('/') + segment;
    const QString host = QUrl(m_baseUrl).authority();
    const QString issuer = m_baseUrl + QLatin1Char('/') + (alias ? QStringLiteral("{tenantid}") : m_state.tenantId)
        + QStringLiteral("/v2.0");
    return metadata(QJsonObject{
        {QStringLiteral("token_endpoint"), QString(root + QStringLiteral("/oauth2/v2.0/token"))},
        {QStringLiteral("token_endpoint_auth_methods_supported"),
         QJsonArray{QStringLiteral("client_secret_post"),
                    QStringLiteral("private_key_jwt"),
                    QStringLiteral("client_secret_basic")}},
        {QStringLiteral("jwks_uri"), QString(root + QStringLiteral("/discovery/v2.0/keys"))},
        {QStringLiteral("response_modes_supported"),
         QJsonArray{QStringLiteral("query"), QStringLiteral("fragment"), QStringLiteral("form_post")}},
        {QStringLiteral("subject_types_supported"), QJsonArray{QStringLiteral("pairwise")}},
        {QStringLiteral("id_token_signing_alg_values_supported"), QJsonArray{QStringLiteral("RS256")}},
        {QStringLiteral("response_types_supported"),
         QJsonArray{QStringLiteral("code"),
                    QStringLiteral("id_token"),
                    QStringLiteral("code id_token"),
                    QStringLiteral("id_token token")}},
        {QStringLiteral("scopes_supported"),
         QJsonArray{QStringLiteral("openid"),
                    QStringLiteral("profile"),
                    QStringLiteral("email"),
                    QStringLiteral("offline_access")}},
        {QStringLiteral("issuer"), issuer},
        {QStringLiteral("request_uri_parameter_supported"), false},
        {QStringLiteral("authorization_endpoint"), QString(root + QStringLiteral("/oauth2/v2.0/authorize"))},
        {QStringLiteral("device_authorization_endpoint"), QString(root + QStringLiteral("/oauth2/v2.0/devicecode"))},
        {QStringLiteral("http_logout_supported"), true},
        {QStringLiteral("frontchannel_logout_supported"), true},
        {QStringLiteral("end_session_endpoint"), QString(root + QStringLiteral("/oauth2/v2.0/logout"))},
        {QStringLiteral("claims_supported"),
         QJsonArray{QStringLiteral("sub"),
                    QStringLiteral("iss"),
                    QStringLiteral("cloud_instance_name"),
                    QStringLiteral("cloud_instance_host_name"),
                    QStringLiteral("cloud_graph_host_name"),
                    QStringLiteral("msgraph_host"),
                    QStringLiteral("aud"),
                    QStringLiteral("exp"),
                    QStringLiteral("iat"),
                    QStringLiteral("auth_time"),
                    QStringLiteral("acr"),
                    QStringLiteral("nonce"),
                    QStringLiteral("preferred_username"),
                    QStringLiteral("name"),
                    QStringLiteral("tid"),
                    QStringLiteral("ver"),
                    QStringLiteral("at_hash"),
                    QStringLiteral("c_hash"),
                    QStringLiteral("email")}},
        // The worldwide region for a tenant, none for the aliases, as Microsoft answers.
        {QStringLiteral("tenant_region_scope"),
         alias ? QJsonValue(QJsonValue::Null) : QJsonValue(QStringLiteral("WW"))},
        // Microsoft names its own hosts here; the sandbox names the one host that serves both sign-in and Graph.
        {QStringLiteral("cloud_instance_name"), host},
        {QStringLiteral("msgraph_host"), host},
    });
}

ApiResponse SandboxTenant::handleSigningKeys(const ApiRequest &request, const QString &tenant)
{
    const bool alias = isTenantAlias(tenant);
    const auto info = Crypto::inspectCertificate(m_signingCertificatePem);
    if (!info) {
        return tokenError(500,
                          QStringLiteral("server_error"),
                          50000,
                          QStringLiteral("There's an issue with the sign-in service: the signing key is unreadable."),
                          request);
    }
    // The key id is the certificate's SHA-1 thumbprint in base64url, the "kid" and "x5t" every issued token carries.
    const QString thumbprint = QString::fromLatin1(Crypto::base64UrlEncode(info->sha1Thumbprint));
    const QString issuer = m_baseUrl + QLatin1Char('/') + (alias ? QStringLiteral("{tenantid}") : m_state.tenantId)
        + QStringLiteral("/v2.0");
    const QJsonObject key{
        {QStringLiteral("kty"), QStringLiteral("RSA")},
        {QStringLiteral("use"), QStringLiteral("sig")},
        {QStringLiteral("kid"), thumbprint},
        {QStringLiteral("x5t"), thumbprint},
        {QStringLiteral("n"), QString::fromLatin1(Crypto::base64UrlEncode(info->rsaModulus))},
        {QStringLiteral("e"), QString::fromLatin1(Crypto::base64UrlEncode(info->rsaExponent))},
        {QStringLiteral("x5c"), QJsonArray{QString::fromLatin1(info->der.toBase64())}},
        {QStringLiteral("issuer"), issuer},
    };
    return metadata(QJsonObject{{QStringLiteral("keys"), QJsonArray{key}}});
}

} // namespace M365::Sandbox
