// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The device authorization grant ("Microsoft identity platform and the OAuth 2.0 device authorization grant flow",
// entra-docs identity-platform/v2-oauth2-device-code.md; RFC 8628): POST /{tenant}/oauth2/v2.0/devicecode hands out
// a device code and a user code, the user enters the code on the sandbox's /devicelogin page (standing in for
// https://microsoft.com/devicelogin) and signs in there, and meanwhile the client polls the token endpoint with the
// device code until the answer is a delegated token like the authorization-code flow's, or a final error.

#include "sandboxcrypto.h"
#include "sandboxtenant.h"
#include "signinpage.h"

#include <QJsonArray>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace M365::Sandbox {

namespace {

constexpr auto deviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code";
/// Microsoft: "From the moment the request is sent, the user has 15 minutes to sign in."
constexpr qint64 deviceCodeLifetimeMs = 15 * 60 * 1000;
/// The polling interval Microsoft answers with (seconds); RFC 8628 section 3.5 adds 5 seconds on every slow_down.
constexpr qint64 pollingIntervalMs = 5000;
constexpr qint64 slowDownStepMs = 5000;

/// A user code as Microsoft's look (nine characters, e.g. "FRWQDE7YL"), without the easily confused 0, O, 1 and I.
QString newUserCode()
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    QString code;
    for (int i = 0; i < 9; ++i) {
        code.append(QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))]));
    }
    return code;
}

QString newDeviceCode()
{
    QByteArray random(48, Qt::Uninitialized);
    QRandomGenerator::system()->generate(random.begin(), random.end());
    return QString::fromLatin1(Crypto::base64UrlEncode(random));
}

bool isTenantAlias(const QString &tenant)
{
    return tenant.compare(QLatin1String("organizations"), Qt::CaseInsensitive) == 0
        || tenant.compare(QLatin1String("common"), Qt::CaseInsensitive) == 0;
}

/// What a user typed as the code: case and surrounding blanks do not matter.
QString normalizedUserCode(const QString &typed)
{
    QString code = typed.trimmed().toUpper();
    code.remove(QLatin1Char('-'));
    code.remove(QLatin1Char(' '));
    return code;
}

} // namespace

bool SandboxTenant::deviceCodeGrantOnTenantAlias(const ApiRequest &request, const QString &tenant) const
{
    // The device code grant works through /organizations and /common, as its page says; the other grants the sandbox
    // serves (client credentials, authorization code redemption) keep the tenant-specific endpoint.
    if (!isTenantAlias(tenant)) {
        return false;
    }
    const QUrlQuery form(QString::fromUtf8(QByteArray(request.body).replace('+', ' ')));
    return form.queryItemValue(QStringLiteral("grant_type"), QUrl::FullyDecoded) == QLatin1String(deviceCodeGrantType);
}

ApiResponse SandboxTenant::handleDeviceCode(const ApiRequest &request, const QString &tenant)
{
    if (request.method != "POST") {
        return tokenError(400,
                          QStringLiteral("invalid_request"),
                          900561,
                          QStringLiteral("The endpoint only accepts POST requests. Received a %1 request.")
                              .arg(QString::fromLatin1(request.method)),
                          request);
    }
    if (!isTenantAlias(tenant) && !matchesTenant(tenant)) {
        return tokenError(400,
                          QStringLiteral("invalid_request"),
                          90002,
                          QStringLiteral("Tenant '%1' not found. Check to make sure you have the correct tenant ID and "
                                         "are signing into the correct cloud.")
                              .arg(tenant),
                          request);
    }
    const QUrlQuery form(QString::fromUtf8(QByteArray(request.body).replace('+', ' ')));
    for (const char *required : {"client_id", "scope"}) {
        if (SignInPage::value(form, required).isEmpty()) {
            return tokenError(400,
                              QStringLiteral("invalid_request"),
                              900144,
                              QStringLiteral("The request body must contain the following parameter: '%1'.")
                                  .arg(QString::fromLatin1(required)),
                              request);
        }
    }
    const QString clientId = SignInPage::value(form, "client_id");
    const bool setupClient = clientId.compare(setupClientId, Qt::CaseInsensitive) == 0;
    if (!setupClient && m_state.applicationIdByAppId(clientId).isEmpty()) {
        return tokenError(400,
                          QStringLiteral("unauthorized_client"),
                          700016,
                          QStringLiteral("Application with identifier '%1' was not found in the directory '%2'. This "
                                         "can happen if the application has not been installed by the administrator "
                                         "of the tenant or consented to by any user in the tenant. You may have sent "
                                         "your authentication request to the wrong tenant.")
                              .arg(clientId, tenant),
                          request);
    }
    QStringList scopes;
    QString refused;
    if (!delegatedScopes(SignInPage::value(form, "scope"), setupClient, &scopes, &refused) || scopes.isEmpty()) {
        return tokenError(400,
                          QStringLiteral("invalid_scope"),
                          70011,
                          scopes.isEmpty() && refused.isEmpty()
                              ? QStringLiteral("The provided value for the input parameter 'scope' isn't valid. Ask "
                                               "for at least one Microsoft Graph permission.")
                              : refused,
                          request);
    }

    const qint64 now = nowMs();
    for (auto it = m_deviceAuthorizations.begin(); it != m_deviceAuthorizations.end();) {
        // Kept for a lifetime past expiry, so that a late poll still hears expired_token.
        it = it->expiresMs + qint64(deviceCodeLifetimeMs / m_timeScale) < now ? m_deviceAuthorizations.erase(it)
                                                                              : std::next(it);
    }
    DeviceAuthorization authorization;
    authorization.clientId = setupClient ? setupClientId : clientId;
    authorization.scopes = scopes;
    authorization.userCode = newUserCode();
    authorization.expiresMs = now + qint64(std::llround(deviceCodeLifetimeMs / m_timeScale));
    authorization.intervalMs = std::max<qint64>(1, qint64(std::llround(pollingIntervalMs / m_timeScale)));
    const QString deviceCode = newDeviceCode();
    m_deviceAuthorizations.insert(deviceCode, authorization);

    const QString verificationUri = m_baseUrl + QStringLiteral("/devicelogin");
    ApiResponse response = ApiResponse::json(
        200,
        QJsonObject{
            {QStringLiteral("user_code"), authorization.userCode},
            {QStringLiteral("device_code"), deviceCode},
            {QStringLiteral("verification_uri"), verificationUri},
            {QStringLiteral("expires_in"),
             std::max<qint64>(1, std::llround(deviceCodeLifetimeMs / 1000.0 / m_timeScale))},
            // Whole seconds at the normal pace; a faster sandbox (time scale above 1) answers fractions of one.
            {QStringLiteral("interval"), double(authorization.intervalMs) / 1000.0},
            {QStringLiteral("message"),
             QStringLiteral("To sign in, use a web browser to open the page %1 and enter the code %2 to authenticate.")
                 .arg(verificationUri, authorization.userCode)},
        });
    response.setHeader("Cache-Control", "no-store, no-cache");
    return response;
}

ApiResponse SandboxTenant::redeemDeviceCode(const ApiRequest &request, const QUrlQuery &form)
{
    if (SignInPage::value(form, "device_code").isEmpty()) {
        return tokenError(400,
                          QStringLiteral("invalid_request"),
                          900144,
                          QStringLiteral("The request body must contain the following parameter: 'device_code'."),
                          request);
    }
    const QString clientId = SignInPage::value(form, "client_id");
    const bool setupClient = clientId.compare(setupClientId, Qt::CaseInsensitive) == 0;
    const QString appObjectId = setupClient ? QString() : m_state.applicationIdByAppId(clientId);
    if (!setupClient && appObjectId.isEmpty()) {
        return tokenError(400,
                          QStringLiteral("unauthorized_client"),
                          700016,
                          QStringLiteral("Application with identifier '%1' was not found in the directory '%2'.")
                              .arg(clientId, m_state.tenantId),
                          request);
    }
    // Only a public client may use the grant: the setup client, or an app whose "Allow public client flows" is on
    // (isFallbackPublicClient). Anything else is a confidential client that must authenticate, and the grant sends no
    // credential (entra-docs identity-platform/scenario-desktop-app-registration.md).
    const bool publicClient =
        setupClient || m_state.applications.value(appObjectId).value(QLatin1String("isFallbackPublicClient")).toBool();
    const bool credentialSent =
        !SignInPage::value(form, "client_secret").isEmpty() || !SignInPage::value(form, "client_assertion").isEmpty();
    if (publicClient && credentialSent) {
        return tokenError(401,
                          QStringLiteral("invalid_client"),
                          700025,
                          QStringLiteral("Client is public so neither 'client_assertion' nor 'client_secret' should be "
                                         "presented."),
                          request);
    }
    if (!publicClient && !credentialSent) {
        return tokenError(401,
                          QStringLiteral("invalid_client"),
                          7000218,
                          QStringLiteral("The request body must contain the following parameter: 'client_assertion' or "
                                         "'client_secret'."),
                          request);
    }
    if (!publicClient) {
        return tokenError(400,
                          QStringLiteral("unauthorized_client"),
                          9002313,
                          QStringLiteral("Request is malformed or invalid: the sandbox serves the device code grant to "
                                         "public clients only. Set isFallbackPublicClient on the application."),
                          request);
    }

    const QString deviceCode = SignInPage::value(form, "device_code");
    const auto found = m_deviceAuthorizations.find(deviceCode);
    if (found == m_deviceAuthorizations.end() || found->clientId.compare(clientId, Qt::CaseInsensitive) != 0) {
        return tokenError(400,
                          QStringLiteral("bad_verification_code"),
                          70018,
                          QStringLiteral("The provided value for the input parameter 'device_code' is not valid."),
                          request);
    }
    const qint64 now = nowMs();
    DeviceAuthorization &authorization = *found;
    if (now >= authorization.expiresMs && authorization.state != DeviceAuthorization::State::Declined) {
        return tokenError(400,
                          QStringLiteral("expired_token"),
                          70019,
                          QStringLiteral("Verification code expired. Have the user retry the sign-in."),
                          request);
    }
    switch (authorization.state) {
    case DeviceAuthorization::State::Declined:
        return tokenError(400,
                          QStringLiteral("authorization_declined"),
                          authorization.declineCode,
                          authorization.declineText,
                          request);
    case DeviceAuthorization::State::Approved: {
        const DeviceAuthorization approved = authorization;
        m_deviceAuthorizations.erase(found);
        return delegatedTokenResponse(approved.clientId, approved.userId, approved.scopes);
    }
    case DeviceAuthorization::State::Pending:
        break;
    }
    const bool tooSoon = authorization.lastPollMs > 0 && now - authorization.lastPollMs < authorization.intervalMs;
    authorization.lastPollMs = now;
    if (tooSoon) {
        authorization.intervalMs += std::max<qint64>(1, qint64(std::llround(slowDownStepMs / m_timeScale)));
        return tokenError(400,
                          QStringLiteral("slow_down"),
                          70016,
                          QStringLiteral("OAuth 2.0 device flow error. Authorization is pending; poll no more often "
                                         "than every %1 seconds.")
                              .arg(double(authorization.intervalMs) / 1000.0),
                          request);
    }
    return tokenError(400,
                      QStringLiteral("authorization_pending"),
                      70016,
                      QStringLiteral("OAuth 2.0 device flow error. Authorization is pending. Continue polling."),
                      request);
}

ApiResponse SandboxTenant::handleDeviceLogin(const ApiRequest &request)
{
    if (request.method != "GET" && request.method != "POST") {
        return SignInPage::html(
            405, QStringLiteral("Sign in"), QStringLiteral("<p>Only GET and POST are supported.</p>"));
    }
    const QString action = m_baseUrl + QStringLiteral("/devicelogin");
    const auto codePage = [&](const QString &problem) {
        QString body = QStringLiteral("<p>Enter the code displayed on your app or device.</p>\n");
        if (!problem.isEmpty()) {
            body += QStringLiteral("<p id=\"error\">%1</p>\n").arg(problem.toHtmlEscaped());
        }
        body += SignInPage::form(action,
                                 {},
                                 QStringLiteral("<label>Code <input type=\"text\" name=\"otc\"></label>\n"
                                                "<button type=\"submit\" name=\"next\" value=\"1\">Next</button>\n"));
        return SignInPage::html(200, QStringLiteral("Enter code"), body);
    };
    if (request.method == "GET") {
        return codePage({});
    }
    const QUrlQuery form = SignInPage::parameters(request);
    const QString userCode = normalizedUserCode(SignInPage::value(form, "otc"));
    if (userCode.isEmpty()) {
        return codePage(QStringLiteral("AADSTS90119: The user code is null or empty."));
    }
    auto found = std::find_if(m_deviceAuthorizations.begin(), m_deviceAuthorizations.end(), [&](const auto &a) {
        return a.userCode == userCode;
    });
    if (found == m_deviceAuthorizations.end()) {
        return codePage(QStringLiteral("AADSTS70018: Invalid verification code. Check the code and try again."));
    }
    DeviceAuthorization &authorization = *found;
    if (nowMs() >= authorization.expiresMs) {
        return codePage(QStringLiteral("AADSTS70019: Verification code expired. Start the sign-in on your device "
                                       "again."));
    }
    if (authorization.state != DeviceAuthorization::State::Pending) {
        return codePage(QStringLiteral("AADSTS90120: The request was already authorized or declined."));
    }

    const QString appName = authorization.clientId == setupClientId
        ? QStringLiteral("m365sync setup")
        : m_state.applications.value(m_state.applicationIdByAppId(authorization.clientId))
              .value(QLatin1String("displayName"))
              .toString();
    const auto signInPage = [&](const QString &loginHint, const QString &problem) {
        const QString intro = QStringLiteral("Sign in to %1 on your device. %2 (sandbox) asks for: %3")
                                  .arg(appName,
                                       m_state.organization.value(QLatin1String("displayName")).toString(),
                                       authorization.scopes.join(QStringLiteral(", ")));
        return SignInPage::html(
            200,
            QStringLiteral("Sign in to your account"),
            SignInPage::credentialsForm(action, {{QStringLiteral("otc"), userCode}}, intro, loginHint, problem));
    };
    const QString login = SignInPage::value(form, "login");
    const bool cancelled = !SignInPage::value(form, "cancel").isEmpty();
    if (!cancelled && !form.hasQueryItem(QStringLiteral("login"))) {
        return signInPage({}, {}); // the code was entered: on to the credentials
    }
    const auto finalPage = [&](const QString &title, const QString &text) {
        return SignInPage::html(200, title, QStringLiteral("<p id=\"message\">%1</p>").arg(text.toHtmlEscaped()));
    };
    if (cancelled) {
        authorization.state = DeviceAuthorization::State::Declined;
        authorization.declineCode = 65004;
        authorization.declineText = QStringLiteral("User declined to consent to access the app.");
        return finalPage(QStringLiteral("Sign-in cancelled"),
                         QStringLiteral("You declined to sign in to %1 on your device. You may now close this window.")
                             .arg(appName));
    }
    const QString userId = signInUser(login, SignInPage::value(form, "passwd"));
    if (userId.isEmpty()) {
        return signInPage(login,
                          QStringLiteral("AADSTS50126: Error validating credentials due to invalid username or "
                                         "password."));
    }
    if (!holdsDirectoryRole(userId, delegatedSignInRoles())) {
        authorization.state = DeviceAuthorization::State::Declined;
        authorization.declineCode = 90094;
        authorization.declineText = QStringLiteral("The grant requires admin permission.");
        return SignInPage::error(request, 90094, authorization.declineText);
    }
    authorization.state = DeviceAuthorization::State::Approved;
    authorization.userId = userId;
    return finalPage(QStringLiteral("You have signed in"),
                     QStringLiteral("You have signed in to the %1 application on your device. You may now close this "
                                    "window.")
                         .arg(appName));
}

} // namespace M365::Sandbox
