// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox's admin consent endpoints (/{tenant}/v2.0/adminconsent and the older /{tenant}/adminconsent), played
// like a browser: who may grant Microsoft Graph application permissions, where the answer may go (only to a redirect
// URI registered on the app), and what a grant does: the app's service principal (created when missing) holds every
// Graph app role of its requiredResourceAccess, so that its next client-credentials token carries them.

#include "sandboxfixture.h"
#include "sandboxsignin.h"
#include "sandboxtenant.h"
#include "signinbrowser.h"
#include "tenantstate.h"

#include <QTest>

using M365::Sandbox::SandboxTenant;
using M365::Sandbox::TenantState;
namespace MicrosoftGraph = M365::Sandbox::MicrosoftGraph;

namespace {

const QString appRedirect = QStringLiteral("https://app.example/consent");
const QString graphDefault = QStringLiteral("https://graph.microsoft.com/.default");
const QString password = QStringLiteral("Consent-Pass-1");

QJsonObject claimsOf(const QString &token)
{
    return QJsonDocument::fromJson(
               QByteArray::fromBase64(token.section(QLatin1Char('.'), 1, 1).toLatin1(),
                                      QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
        .object();
}

} // namespace

class TestSandboxAdminConsent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void unknownClientStaysOnThePage();
    void unregisteredRedirectStaysOnThePage_data();
    void unregisteredRedirectStaysOnThePage();
    void wrongPasswordStaysOnThePage();
    void signerWithoutTheRoleIsRefused_data();
    void signerWithoutTheRoleIsRefused();
    void cancelIsAnErrorOnTheRedirect();
    void administratorGrantsTheAppRoles_data();
    void administratorGrantsTheAppRoles();
    void nativeClientPage();

private:
    struct App
    {
        QString appId;
        QString objectId;
        QString secret;
    };
    /// An app registration that requires User.Read.All and Group.Read.All (application) and User.Read (delegated),
    /// with a client secret and no service principal, as the wizard creates it before consent.
    App addConsentApp(const QString &name);
    QUrl consentUrl(const App &app, bool v2, const QString &redirectUri, const QString &state = QStringLiteral("st-1"));
    /// The roles of the app's client-credentials token; empty when it gets none (or no token at all).
    QStringList tokenRoles(const App &app, int *status = nullptr);

    std::unique_ptr<SandboxFixture> m_sandbox;
    SignInBrowser m_browser;
    QString m_nativeClient;
};

void TestSandboxAdminConsent::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
    m_nativeClient = m_sandbox->baseUrl() + QStringLiteral("/common/oauth2/nativeclient");
}

TestSandboxAdminConsent::App TestSandboxAdminConsent::addConsentApp(const QString &name)
{
    const QJsonObject requiredResourceAccess{
        {QStringLiteral("resourceAppId"), MicrosoftGraph::appId},
        {QStringLiteral("resourceAccess"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), MicrosoftGraph::appRoleId(QStringLiteral("User.Read.All"))},
                                {QStringLiteral("type"), QStringLiteral("Role")}},
                    QJsonObject{{QStringLiteral("id"), MicrosoftGraph::appRoleId(QStringLiteral("Group.Read.All"))},
                                {QStringLiteral("type"), QStringLiteral("Role")}},
                    QJsonObject{{QStringLiteral("id"), QStringLiteral("e1fe6dd8-ba31-4d61-89e7-88639da4683d")},
                                {QStringLiteral("type"), QStringLiteral("Scope")}}}}};
    const QJsonObject created = SandboxSignIn::addApplication(
        *m_sandbox,
        name,
        {{QStringLiteral("web"),
          QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{appRedirect, m_nativeClient}}}},
         {QStringLiteral("requiredResourceAccess"), QJsonArray{requiredResourceAccess}}});
    App app;
    app.appId = created.value(QLatin1String("appId")).toString();
    app.objectId = created.value(QLatin1String("id")).toString();
    const SandboxFixture::Reply secret =
        m_sandbox->graph("POST",
                         QStringLiteral("/applications/%1/addPassword").arg(app.objectId),
                         m_sandbox->demoToken(),
                         QJsonObject{{QStringLiteral("passwordCredential"),
                                      QJsonObject{{QStringLiteral("displayName"), QStringLiteral("test")}}}});
    app.secret = secret.json.value(QLatin1String("secretText")).toString();
    return app;
}

QUrl TestSandboxAdminConsent::consentUrl(const App &app, bool v2, const QString &redirectUri, const QString &state)
{
    QUrl url(m_sandbox->baseUrl() + QLatin1Char('/') + m_sandbox->tenantId()
             + (v2 ? QStringLiteral("/v2.0/adminconsent") : QStringLiteral("/adminconsent")));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), app.appId);
    if (v2) {
        query.addQueryItem(QStringLiteral("scope"), QString::fromLatin1(QUrl::toPercentEncoding(graphDefault)));
    }
    if (!redirectUri.isEmpty()) {
        query.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(redirectUri)));
    }
    query.addQueryItem(QStringLiteral("state"), state);
    url.setQuery(query);
    return url;
}

QStringList TestSandboxAdminConsent::tokenRoles(const App &app, int *status)
{
    const SandboxFixture::Reply reply =
        m_sandbox->token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                          {QStringLiteral("client_id"), app.appId},
                          {QStringLiteral("client_secret"), app.secret},
                          {QStringLiteral("scope"), graphDefault}});
    if (status) {
        *status = reply.status;
    }
    QStringList roles;
    for (const auto &role :
         claimsOf(reply.json.value(QLatin1String("access_token")).toString()).value(QLatin1String("roles")).toArray()) {
        roles.append(role.toString());
    }
    return roles;
}

void TestSandboxAdminConsent::unknownClientStaysOnThePage()
{
    App unknown;
    unknown.appId = QStringLiteral("0b1d9d7e-7c1e-4c55-9d44-000000000001");
    const SignInBrowser::Page page = m_browser.get(consentUrl(unknown, true, appRedirect));
    QCOMPARE(page.status, 400);
    QVERIFY(page.location.isEmpty());
    QVERIFY(page.body.contains("AADSTS700016"));
}

void TestSandboxAdminConsent::unregisteredRedirectStaysOnThePage_data()
{
    QTest::addColumn<QString>("redirectUri");
    QTest::addColumn<bool>("v2");
    QTest::addColumn<QByteArray>("code");
    QTest::newRow("another host") << QStringLiteral("https://evil.example/consent") << true
                                  << QByteArray("AADSTS50011");
    QTest::newRow("another path") << QStringLiteral("https://app.example/other") << true << QByteArray("AADSTS50011");
    QTest::newRow("http for https") << QStringLiteral("http://app.example/consent") << true
                                    << QByteArray("AADSTS50011");
    QTest::newRow("older endpoint") << QStringLiteral("https://evil.example/") << false << QByteArray("AADSTS50011");
    QTest::newRow("none (v2.0 needs one)") << QString() << true << QByteArray("AADSTS900971");
}

void TestSandboxAdminConsent::unregisteredRedirectStaysOnThePage()
{
    QFETCH(QString, redirectUri);
    QFETCH(bool, v2);
    QFETCH(QByteArray, code);
    const App app = addConsentApp(QStringLiteral("redirect check"));
    QVERIFY(!app.appId.isEmpty());
    const SignInBrowser::Page page = m_browser.get(consentUrl(app, v2, redirectUri));
    QCOMPARE(page.status, 400);
    QVERIFY(page.location.isEmpty());
    QVERIFY2(page.body.contains(code), page.body.constData());
    // Nor does signing in on a forged form get around it.
    QVERIFY(page.action.isEmpty());
}

void TestSandboxAdminConsent::wrongPasswordStaysOnThePage()
{
    const App app = addConsentApp(QStringLiteral("wrong password"));
    const SignInBrowser::Page page = m_browser.signIn(
        consentUrl(app, true, appRedirect), TenantState::demoAdminUpn, QStringLiteral("not the password"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.location.isEmpty());
    QVERIFY(page.body.contains("AADSTS50126"));
    QVERIFY(!page.action.isEmpty());
}

void TestSandboxAdminConsent::signerWithoutTheRoleIsRefused_data()
{
    QTest::addColumn<QString>("alias");
    QTest::addColumn<QStringList>("roles");
    QTest::newRow("no role") << QStringLiteral("consent.user") << QStringList();
    // May consent to anything except Microsoft Graph app roles (grant-admin-consent.md).
    QTest::newRow("Cloud Application Administrator")
        << QStringLiteral("consent.cloudapps") << QStringList{QStringLiteral("Cloud Application Administrator")};
    QTest::newRow("Application Administrator")
        << QStringLiteral("consent.apps") << QStringList{QStringLiteral("Application Administrator")};
}

void TestSandboxAdminConsent::signerWithoutTheRoleIsRefused()
{
    QFETCH(QString, alias);
    QFETCH(QStringList, roles);
    const QString upn = SandboxSignIn::addUser(*m_sandbox, alias, password, roles);
    QVERIFY(!upn.isEmpty());
    const App app = addConsentApp(QStringLiteral("refused consent"));
    const SignInBrowser::Page page =
        m_browser.signIn(consentUrl(app, true, appRedirect, QStringLiteral("refused-1")), upn, password);
    QCOMPARE(page.status, 302);
    QCOMPARE(page.location.toString(QUrl::RemoveQuery), appRedirect);
    const QUrlQuery answer(page.location);
    QCOMPARE(answer.queryItemValue(QStringLiteral("admin_consent")), QStringLiteral("True"));
    QCOMPARE(answer.queryItemValue(QStringLiteral("error")), QStringLiteral("access_denied"));
    QVERIFY(answer.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded)
                .startsWith(QLatin1String("AADSTS90094")));
    QCOMPARE(answer.queryItemValue(QStringLiteral("state")), QStringLiteral("refused-1"));
    QVERIFY(!answer.hasQueryItem(QStringLiteral("tenant")));
    // Nothing was granted: the app still has no service principal, so no token.
    int status = 0;
    QVERIFY(tokenRoles(app, &status).isEmpty());
    QCOMPARE(status, 400);
    QVERIFY(m_sandbox->tenant().state().servicePrincipalIdByAppId(app.appId).isEmpty());
}

void TestSandboxAdminConsent::cancelIsAnErrorOnTheRedirect()
{
    const App app = addConsentApp(QStringLiteral("cancelled consent"));
    const SignInBrowser::Page page = m_browser.get(consentUrl(app, true, appRedirect));
    QCOMPARE(page.status, 200);
    const SignInBrowser::Page cancelled = m_browser.submit(page, {{QStringLiteral("cancel"), QStringLiteral("1")}});
    QCOMPARE(cancelled.status, 302);
    const QUrlQuery answer(cancelled.location);
    QCOMPARE(answer.queryItemValue(QStringLiteral("admin_consent")), QStringLiteral("True"));
    QCOMPARE(answer.queryItemValue(QStringLiteral("error")), QStringLiteral("consent_required"));
    QVERIFY(answer.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded)
                .startsWith(QLatin1String("AADSTS65004")));
    QCOMPARE(answer.queryItemValue(QStringLiteral("state")), QStringLiteral("st-1"));
}

void TestSandboxAdminConsent::administratorGrantsTheAppRoles_data()
{
    QTest::addColumn<QStringList>("signerRoles"); ///< empty: the demo tenant's Global Administrator
    QTest::addColumn<bool>("v2");
    QTest::addColumn<QString>("redirectUri"); ///< empty: none sent (the older endpoint uses the first registered)
    QTest::newRow("Global Administrator, v2.0") << QStringList() << true << appRedirect;
    QTest::newRow("Privileged Role Administrator, v2.0, nativeclient")
        << QStringList{QStringLiteral("Privileged Role Administrator")} << true << QStringLiteral("nativeclient");
    QTest::newRow("Global Administrator, older endpoint") << QStringList() << false << appRedirect;
    QTest::newRow("older endpoint without redirect_uri") << QStringList() << false << QString();
}

void TestSandboxAdminConsent::administratorGrantsTheAppRoles()
{
    QFETCH(QStringList, signerRoles);
    QFETCH(bool, v2);
    QFETCH(QString, redirectUri);
    if (redirectUri == QLatin1String("nativeclient")) {
        redirectUri = m_nativeClient;
    }
    QString upn = TenantState::demoAdminUpn;
    QString secret = TenantState::demoAdminPassword;
    if (!signerRoles.isEmpty()) {
        static int count = 0;
        upn = SandboxSignIn::addUser(*m_sandbox, QStringLiteral("consent.pra%1").arg(++count), password, signerRoles);
        secret = password;
    }
    const App app = addConsentApp(QStringLiteral("granted consent"));
    QVERIFY(!app.secret.isEmpty());
    int status = 0;
    QVERIFY(tokenRoles(app, &status).isEmpty());
    QCOMPARE(status, 400); // no service principal yet

    const SignInBrowser::Page page =
        m_browser.signIn(consentUrl(app, v2, redirectUri, QStringLiteral("xyz")), upn, secret);
    QVERIFY2(page.status == 302, page.body.constData());
    QCOMPARE(page.location.toString(QUrl::RemoveQuery), redirectUri.isEmpty() ? appRedirect : redirectUri);
    const QUrlQuery answer(page.location);
    QCOMPARE(answer.queryItemValue(QStringLiteral("admin_consent")), QStringLiteral("True"));
    QCOMPARE(answer.queryItemValue(QStringLiteral("tenant")), m_sandbox->tenantId());
    QCOMPARE(answer.queryItemValue(QStringLiteral("state")), QStringLiteral("xyz"));
    QCOMPARE(answer.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded), v2 ? graphDefault : QString());
    QVERIFY(!answer.hasQueryItem(QStringLiteral("error")));

    // The app's token now carries the application permissions it requires, and only those.
    QCOMPARE(tokenRoles(app, &status),
             (QStringList{QStringLiteral("Group.Read.All"), QStringLiteral("User.Read.All")}));
    QCOMPARE(status, 200);
    // Consenting again changes nothing and does not fail.
    const SignInBrowser::Page again = m_browser.signIn(consentUrl(app, v2, redirectUri), upn, secret);
    QCOMPARE(again.status, 302);
    QVERIFY(!QUrlQuery(again.location).hasQueryItem(QStringLiteral("error")));
    const QString spId = m_sandbox->tenant().state().servicePrincipalIdByAppId(app.appId);
    int assignments = 0;
    for (const QJsonObject &assignment : m_sandbox->tenant().state().appRoleAssignments) {
        assignments += assignment.value(QLatin1String("principalId")).toString() == spId;
    }
    QCOMPARE(assignments, 2);

    if (redirectUri == m_nativeClient) {
        const SignInBrowser::Page landed = m_browser.get(page.location);
        QCOMPARE(landed.status, 200);
        QVERIFY(landed.body.contains("You can close this window"));
    }
}

void TestSandboxAdminConsent::nativeClientPage()
{
    for (const QString &tenant : {QStringLiteral("common"), m_sandbox->tenantId()}) {
        const SandboxFixture::Reply reply = m_sandbox->send(
            "GET", QLatin1Char('/') + tenant + QStringLiteral("/oauth2/nativeclient?admin_consent=True"));
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("content-type").startsWith("text/html"));
        QVERIFY(reply.body.contains("You can close this window"));
    }
}

QTEST_GUILESS_MAIN(TestSandboxAdminConsent)
#include "tst_sandboxadminconsent.moc"
