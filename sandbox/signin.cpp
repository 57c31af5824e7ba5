// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The identity platform's authorization-code flow with PKCE ("Microsoft identity platform and OAuth 2.0
// authorization code flow"): GET /{tenant}/oauth2/v2.0/authorize answers a minimal sign-in page, its form POSTs the
// credentials back to the same URL, and the answer is a 302 to the loopback redirect URI with code and state (or
// error, error_description and state). The token endpoint redeems the code once, checking the PKCE verifier, for a
// delegated access token whose "scp" holds the granted Microsoft Graph permissions.
//
// What every delegated sign-in shares lives here too: which scopes name which Graph permissions, whose password is
// right, which directory roles the admin sign-in requires, and the token answer. The device code grant
// (devicecode.cpp) and admin consent (adminconsent.cpp) use them; the pages themselves share signinpage.h.

#include "sandboxcrypto.h"
#include "sandboxtenant.h"
#include "signinpage.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace M365::Sandbox {

namespace {

/// The delegated Microsoft Graph permissions the sandbox grants through the sign-in page.
const QStringList knownDelegatedScopes = {
    QStringLiteral("User.Read"),
    QStringLiteral("User.ReadWrite.All"),
    QStringLiteral("Directory.Read.All"),
    QStringLiteral("Directory.ReadWrite.All"),
    QStringLiteral("Application.Read.All"),
    QStringLiteral("Application.ReadWrite.All"),
    QStringLiteral("AppRoleAssignment.ReadWrite.All"),
    QStringLiteral("DelegatedPermissionGrant.ReadWrite.All"),
    QStringLiteral("Domain.Read.All"),
    QStringLiteral("Domain.ReadWrite.All"),
    QStringLiteral("Organization.Read.All"),
    QStringLiteral("Group.ReadWrite.All"),
};
/// What "https://graph.microsoft.com/.default" means for the setup client: its statically configured permissions.
const QStringList setupClientDefaultScopes = {QStringLiteral("Application.ReadWrite.All"),
                                              QStringLiteral("AppRoleAssignment.ReadWrite.All"),
                                              QStringLiteral("Directory.Read.All")};
/// OpenID Connect scopes: accepted and ignored (the sandbox issues neither ID tokens nor refresh tokens).
const QStringList oidcScopes = {
    QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"), QStringLiteral("offline_access")};

struct AuthorizeParams
{
    QString clientId;
    QString redirectUri;
    QString responseType;
    QString scope;
    QString state;
    QString codeChallenge;
    QString codeChallengeMethod;
    QString loginHint;
};

QString noGraphPermissionText()
{
    return QStringLiteral("The provided value for the input parameter 'scope' isn't valid. Ask for at least one "
                          "Microsoft Graph permission.");
}

bool isLoopbackRedirect(const QUrl &url)
{
    return url.isValid() && url.scheme() == QLatin1String("http")
        && (url.host() == QLatin1String("127.0.0.1") || url.host() == QLatin1String("localhost")) && url.port() > 0
        && url.fragment().isEmpty();
}

} // namespace

bool SandboxTenant::delegatedScopes(const QString &scope, bool setupClient, QStringList *scopes, QString *refused) const
{
    scopes->clear();
    for (const QString &requested : scope.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (oidcScopes.contains(requested)) {
            continue;
        }
        QString name = requested;
        for (const QString &resource :
             QStringList{QStringLiteral("https://graph.microsoft.com/"), m_baseUrl + QLatin1Char('/')}) {
            if (name.startsWith(resource, Qt::CaseInsensitive)) {
                name = name.mid(resource.size());
            }
        }
        if (name == QLatin1String(".default") && setupClient) {
            scopes->append(setupClientDefaultScopes);
            continue;
        }
        const auto known =
            std::find_if(knownDelegatedScopes.cbegin(), knownDelegatedScopes.cend(), [&](const QString &s) {
                return s.compare(name, Qt::CaseInsensitive) == 0;
            });
        if (known == knownDelegatedScopes.cend()) {
            *refused = QStringLiteral("The provided value for the input parameter 'scope' isn't valid. The scope '%1' "
                                      "does not exist.")
                           .arg(requested);
            return false;
        }
        scopes->append(*known);
    }
    scopes->removeDuplicates();
    return true;
}

QString SandboxTenant::signInUser(const QString &login, const QString &password) const
{
    const QString userId = m_state.userIdByUpn(login);
    const QJsonObject user = m_state.users.value(userId);
    const QString storedHash = user.value(QLatin1String("_signInPasswordHash")).toString();
    if (userId.isEmpty() || storedHash.isEmpty() || storedHash != hashSecret(password)
        || !user.value(QLatin1String("accountEnabled")).toBool()) {
        return {};
    }
    return userId;
}

bool SandboxTenant::holdsDirectoryRole(const QString &userId, const QStringList &roles) const
{
    const QStringList held = m_state.effectiveDirectoryRolesOf(userId);
    return std::any_of(roles.cbegin(), roles.cend(), [&held](const QString &role) {
        return held.contains(role);
    });
}

QStringList SandboxTenant::delegatedSignInRoles()
{
    // The setup client's permissions are taken as consented tenant-wide (as Microsoft Graph Command Line Tools is in
    // a tenant where an administrator used it once), so every administrator may sign in; what each may then do is
    // Graph's decision by their role (userMay()). Anyone without an administrator role gets AADSTS90094, the answer
    // for a user who would have to consent to permissions only an administrator can grant.
    return {DirectoryRoles::globalAdministrator,
            DirectoryRoles::privilegedRoleAdministrator,
            DirectoryRoles::applicationAdministrator,
            DirectoryRoles::cloudApplicationAdministrator,
            DirectoryRoles::userAdministrator};
}

ApiResponse SandboxTenant::handleAuthorize(const ApiRequest &request, const QString &tenant)
{
    if (request.method != "GET" && request.method != "POST") {
        return SignInPage::html(
            405, QStringLiteral("Sign in"), QStringLiteral("<p>Only GET and POST are supported.</p>"));
    }
    const bool anyTenant = tenant == QLatin1String("organizations") || tenant == QLatin1String("common");
    if (!anyTenant && !matchesTenant(tenant)) {
        return SignInPage::error(request, 90002, QStringLiteral("Tenant '%1' not found.").arg(tenant));
    }
    const QUrlQuery form = SignInPage::parameters(request);
    AuthorizeParams p;
    p.clientId = SignInPage::value(form, "client_id");
    p.redirectUri = SignInPage::value(form, "redirect_uri");
    p.responseType = SignInPage::value(form, "response_type");
    p.scope = SignInPage::value(form, "scope");
    p.state = SignInPage::value(form, "state");
    p.codeChallenge = SignInPage::value(form, "code_challenge");
    p.codeChallengeMethod = SignInPage::value(form, "code_challenge_method");
    p.loginHint = SignInPage::value(form, "login_hint");

    // Until client and redirect URI are known to belong together, errors stay on the page.
    if (p.clientId.isEmpty()) {
        return SignInPage::error(
            request, 900144, QStringLiteral("The request body must contain the following parameter: 'client_id'."));
    }
    const bool setupClient = p.clientId.compare(setupClientId, Qt::CaseInsensitive) == 0;
    const QString appObjectId = setupClient ? QString() : m_state.applicationIdByAppId(p.clientId);
    if (!setupClient && appObjectId.isEmpty()) {
        return SignInPage::error(request,
                                 700016,
                                 QStringLiteral("Application with identifier '%1' was not found in the directory '%2'.")
                                     .arg(p.clientId, tenant));
    }
    if (p.redirectUri.isEmpty()) {
        return SignInPage::error(
            request, 900144, QStringLiteral("The request body must contain the following parameter: 'redirect_uri'."));
    }
    QStringList registered{setupClientRedirectUri};
    if (!setupClient) {
        registered.clear();
        const QJsonObject app = m_state.applications.value(appObjectId);
        for (const auto &value :
             app.value(QLatin1String("publicClient")).toObject().value(QLatin1String("redirectUris")).toArray()) {
            registered.append(value.toString());
        }
    }
    if (!isLoopbackRedirect(QUrl(p.redirectUri, QUrl::StrictMode))
        || !SignInPage::isRegisteredRedirect(registered, p.redirectUri)) {
        return SignInPage::error(
            request,
            50011,
            QStringLiteral("The redirect URI '%1' specified in the request does not match the redirect URIs configured "
                           "for the application '%2'. Make sure the redirect URI sent in the request matches one added "
                           "to your application in the Azure portal.")
                .arg(p.redirectUri, p.clientId));
    }

    // From here on, errors go back to the application on its redirect URI, as RFC 6749 section 4.1.2.1 says.
    const auto redirectError = [&](const QString &error, int code, const QString &description) {
        const QString timestamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
        const QString text = QStringLiteral("AADSTS%1: %2 Trace ID: %3 Correlation ID: %4 Timestamp: %5")
                                 .arg(code)
                                 .arg(description, request.requestId, newGuid(), timestamp);
        QByteArray location = SignInPage::answerPrefix(p.redirectUri);
        location +=
            "error=" + SignInPage::percentEncoded(error) + "&error_description=" + SignInPage::percentEncoded(text);
        if (!p.state.isEmpty()) {
            location += "&state=" + SignInPage::percentEncoded(p.state);
        }
        return SignInPage::redirect(location);
    };
    if (p.responseType.isEmpty()) {
        return redirectError(QStringLiteral("invalid_request"),
                             900144,
                             QStringLiteral("The request body must contain the following parameter: 'response_type'."));
    }
    if (p.responseType != QLatin1String("code")) {
        return redirectError(
            QStringLiteral("unsupported_response_type"),
            700054,
            QStringLiteral("response_type '%1' is not enabled for the application.").arg(p.responseType));
    }
    if (p.codeChallenge.isEmpty()) {
        return redirectError(QStringLiteral("invalid_request"),
                             9002325,
                             QStringLiteral("Proof Key for Code Exchange is required for this client. The request "
                                            "must contain the parameters 'code_challenge' and "
                                            "'code_challenge_method'."));
    }
    if (p.codeChallengeMethod != QLatin1String("S256")) {
        return redirectError(
            QStringLiteral("invalid_request"),
            5002737,
            QStringLiteral("The code_challenge_method '%1' is not supported; use 'S256'.").arg(p.codeChallengeMethod));
    }
    QStringList scopes;
    QString refused;
    if (!delegatedScopes(p.scope, setupClient, &scopes, &refused)) {
        return redirectError(QStringLiteral("invalid_scope"), 70011, refused);
    }
    if (scopes.isEmpty()) {
        return redirectError(QStringLiteral("invalid_scope"), 70011, noGraphPermissionText());
    }

    const auto signInPage = [&](const QString &problem) {
        const SignInPage::Fields hidden = {{QStringLiteral("client_id"), p.clientId},
                                           {QStringLiteral("response_type"), p.responseType},
                                           {QStringLiteral("redirect_uri"), p.redirectUri},
                                           {QStringLiteral("scope"), p.scope},
                                           {QStringLiteral("state"), p.state},
                                           {QStringLiteral("code_challenge"), p.codeChallenge},
                                           {QStringLiteral("code_challenge_method"), p.codeChallengeMethod}};
        const QString intro = QStringLiteral("%1 (sandbox) asks for: %2")
                                  .arg(m_state.organization.value(QLatin1String("displayName")).toString(),
                                       scopes.join(QStringLiteral(", ")));
        return SignInPage::html(
            200,
            QStringLiteral("Sign in to your account"),
            SignInPage::credentialsForm(m_baseUrl + request.path, hidden, intro, p.loginHint, problem));
    };
    if (request.method == "GET") {
        return signInPage({});
    }
    if (!SignInPage::value(form, "cancel").isEmpty()) {
        return redirectError(
            QStringLiteral("access_denied"), 65004, QStringLiteral("User declined to consent to access the app."));
    }
    const QString login = SignInPage::value(form, "login");
    const QString userId = signInUser(login, SignInPage::value(form, "passwd"));
    if (userId.isEmpty()) {
        p.loginHint = login;
        return signInPage(QStringLiteral("AADSTS50126: Error validating credentials due to invalid username or "
                                         "password."));
    }
    if (!holdsDirectoryRole(userId, delegatedSignInRoles())) {
        return redirectError(
            QStringLiteral("access_denied"), 90094, QStringLiteral("The grant requires admin permission."));
    }

    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(random.begin(), random.end());
    const QString code = QString::fromLatin1(Crypto::base64UrlEncode(random));
    m_authorizationCodes.insert(code,
                                AuthorizationCode{setupClient ? setupClientId : p.clientId,
                                                  p.redirectUri,
                                                  userId,
                                                  scopes,
                                                  p.codeChallenge,
                                                  nowMs() + authorizationCodeLifetimeMs});
    QByteArray location = SignInPage::answerPrefix(p.redirectUri);
    location += "code=" + SignInPage::percentEncoded(code);
    if (!p.state.isEmpty()) {
        location += "&state=" + SignInPage::percentEncoded(p.state);
    }
    location += "&session_state=" + SignInPage::percentEncoded(newGuid());
    return SignInPage::redirect(location);
}

ApiResponse SandboxTenant::redeemAuthorizationCode(const ApiRequest &request, const QUrlQuery &form)
{
    const auto param = [&form](const char *name) {
        return form.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded);
    };
    const qint64 now = nowMs();
    for (auto it = m_redeemedCodes.begin(); it != m_redeemedCodes.end();) {
        it = it.value() < now ? m_redeemedCodes.erase(it) : std::next(it);
    }
    for (const char *required : {"code", "redirect_uri"}) {
        if (param(required).isEmpty()) {
            return tokenError(400,
                              QStringLiteral("invalid_request"),
                              900144,
                              QStringLiteral("The request body must contain the following parameter: '%1'.")
                                  .arg(QString::fromLatin1(required)),
                              request);
        }
    }
    const QString code = param("code");
    if (m_redeemedCodes.contains(code)) {
        return tokenError(400,
                          QStringLiteral("invalid_grant"),
                          54005,
                          QStringLiteral("OAuth2 Authorization code was already redeemed, please retry with a new "
                                         "valid code or use an existing refresh token."),
                          request);
    }
    const auto found = m_authorizationCodes.constFind(code);
    if (found == m_authorizationCodes.cend()) {
        return tokenError(400,
                          QStringLiteral("invalid_grant"),
                          70000,
                          QStringLiteral("The provided value for the 'code' parameter is not valid."),
                          request);
    }
    // A code is good for one redemption attempt, successful or not.
    const AuthorizationCode grant = *found;
    m_authorizationCodes.erase(found);
    m_redeemedCodes.insert(code, grant.expiresMs);
    for (auto it = m_authorizationCodes.begin(); it != m_authorizationCodes.end();) {
        it = it->expiresMs < now ? m_authorizationCodes.erase(it) : std::next(it);
    }
    if (grant.expiresMs < now) {
        return tokenError(400,
                          QStringLiteral("invalid_grant"),
                          70008,
                          QStringLiteral("The provided authorization code or refresh token has expired due to "
                                         "inactivity. Send a new interactive authorization request for this user "
                                         "and resource."),
                          request);
    }
    if (param("client_id").compare(grant.clientId, Qt::CaseInsensitive) != 0) {
        return tokenError(400,
                          QStringLiteral("invalid_grant"),
                          70000,
                          QStringLiteral("The provided value for the 'code' parameter is not valid. The code was "
                                         "issued to a different client."),
                          request);
    }
    if (param("redirect_uri") != grant.redirectUri) {
        return tokenError(400,
                          QStringLiteral("invalid_grant"),
                          70000,
                          QStringLiteral("The provided value for the 'redirect_uri' parameter is not valid. It must "
                                         "be the redirect URI the authorization code was requested with."),
                          request);
    }
    const QString verifier = param("code_verifier");
    if (Crypto::base64UrlEncode(Crypto::sha256(verifier.toLatin1())) != grant.codeChallenge.toLatin1()
        || verifier.size() < 43 || verifier.size() > 128) {
        return tokenError(400,
                          QStringLiteral("invalid_grant"),
                          501481,
                          QStringLiteral("The Code_Verifier does not match the code_challenge supplied in the "
                                         "authorization request."),
                          request);
    }
    return delegatedTokenResponse(grant.clientId, grant.userId, grant.scopes);
}

ApiResponse
SandboxTenant::delegatedTokenResponse(const QString &clientId, const QString &userId, const QStringList &scopes)
{
    QStringList scopeUrls;
    for (const QString &scope : scopes) {
        scopeUrls.append(QStringLiteral("https://graph.microsoft.com/") + scope);
    }
    const qint64 lifetime = std::max<qint64>(1, qint64(std::llround(3599 / m_timeScale)));
    return ApiResponse::json(
        200,
        QJsonObject{
            {QStringLiteral("token_type"), QStringLiteral("Bearer")},
            {QStringLiteral("scope"), scopeUrls.join(QLatin1Char(' '))},
            {QStringLiteral("expires_in"), lifetime},
            {QStringLiteral("ext_expires_in"), lifetime},
            {QStringLiteral("access_token"), QString::fromLatin1(issueDelegatedToken(clientId, userId, scopes))},
        });
}

QByteArray SandboxTenant::issueDelegatedToken(const QString &clientId, const QString &userId, const QStringList &scopes)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 lifetime = std::max<qint64>(1, qint64(std::llround(3599 / m_timeScale)));
    const QByteArray certificateDer = Crypto::certificatePemToDer(m_signingCertificatePem);
    const QString thumbprint = QString::fromLatin1(Crypto::base64UrlEncode(Crypto::sha1(certificateDer)));
    const QJsonObject header{{QStringLiteral("x5t"), thumbprint}, {QStringLiteral("kid"), thumbprint}};
    const QJsonObject user = m_state.users.value(userId);
    const QString appName = clientId == setupClientId
        ? QStringLiteral("m365sync setup")
        : m_state.applications.value(m_state.applicationIdByAppId(clientId))
              .value(QLatin1String("displayName"))
              .toString();
    const QJsonObject payload{
        {QStringLiteral("aud"), QStringLiteral("https://graph.microsoft.com")},
        {QStringLiteral("iss"), QStringLiteral("https://sts.windows.net/%1/").arg(m_state.tenantId)},
        {QStringLiteral("iat"), now},
        {QStringLiteral("nbf"), now},
        {QStringLiteral("exp"), now + lifetime},
        {QStringLiteral("acr"), QStringLiteral("1")},
        {QStringLiteral("amr"), QJsonArray{QStringLiteral("pwd")}},
        {QStringLiteral("app_displayname"), appName},
        {QStringLiteral("appid"), clientId},
        {QStringLiteral("appidacr"), QStringLiteral("0")},
        {QStringLiteral("idtyp"), QStringLiteral("user")},
        {QStringLiteral("name"), user.value(QLatin1String("displayName"))},
        {QStringLiteral("oid"), userId},
        {QStringLiteral("scp"), scopes.join(QLatin1Char(' '))},
        {QStringLiteral("sub"),
         QString::fromLatin1(Crypto::base64UrlEncode(Crypto::sha256((clientId + userId).toUtf8())))},
        {QStringLiteral("tid"), m_state.tenantId},
        {QStringLiteral("unique_name"), user.value(QLatin1String("userPrincipalName"))},
        {QStringLiteral("upn"), user.value(QLatin1String("userPrincipalName"))},
        {QStringLiteral("uti"), QString::fromLatin1(Crypto::base64UrlEncode(QUuid::createUuid().toRfc4122()))},
        {QStringLiteral("ver"), QStringLiteral("1.0")},
    };
    return Crypto::makeJwt(header, payload, m_signingKeyPem);
}

} // namespace M365::Sandbox
