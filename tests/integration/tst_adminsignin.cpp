// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The admin sign-in of the wizard's "Register automatically": AdminSignIn runs the authorization-code flow with PKCE
// against the in-process sandbox tenant while the test plays the browser (sign-in page, form, 302 to the loopback
// redirect). Also the sandbox side on its own: a wrong PKCE verifier, a reused code, a non-loopback redirect URI.

#include "identity/adminsignin.h"
#include "identity/cloudendpoints.h"
#include "identity/tokenprovider.h"
#include "sandboxfixture.h"
#include "sandboxtenant.h"
#include "signinbrowser.h"
#include "tenantstate.h"

#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using M365::Identity::AdminSignIn;
using M365::Identity::CloudEndpoints;
using M365::Identity::TokenProvider;
using M365::Sandbox::SandboxTenant;
using M365::Sandbox::TenantState;

class TestAdminSignIn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signsInWithPkce();
    void wrongPasswordStaysOnThePage();
    void cancelInTheBrowserFailsWithTheAadstsText();
    void timesOut();
    void spentCodeFailsWithTheTokenEndpointsText();
    void signsInOverHttps();
    void wrongVerifierIsRefused();
    void reusedCodeIsRefused();
    void unregisteredRedirectIsRefused_data();
    void unregisteredRedirectIsRefused();

private:
    /// A running sign-in whose browser URL the test caught.
    struct Running
    {
        AdminSignIn *job = nullptr;
        QUrl authorizeUrl;
    };
    Running startSignIn();
    /// Signs in on the sandbox directly (no engine) with @p verifier's challenge; returns the code.
    QString codeFor(const QByteArray &verifier, const QString &redirectUri);
    SandboxFixture::Reply redeem(const QString &code, const QByteArray &verifier, const QString &redirectUri);

    std::unique_ptr<SandboxFixture> m_sandbox;
    SignInBrowser m_browser;
};

void TestAdminSignIn::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
}

TestAdminSignIn::Running TestAdminSignIn::startSignIn()
{
    Running running;
    running.job = new AdminSignIn(
        CloudEndpoints::sandbox(QUrl(m_sandbox->baseUrl())), m_sandbox->tenantId(), SandboxTenant::setupClientId, this);
    QUrl *caught = &running.authorizeUrl;
    running.job->setBrowserOpener([caught](const QUrl &url) {
        *caught = url;
    });
    running.job->start();
    (void)QTest::qWaitFor(
        [&running] {
            return running.authorizeUrl.isValid();
        },
        10000);
    return running;
}

void TestAdminSignIn::signsInWithPkce()
{
    Running running = startSignIn();
    std::unique_ptr<AdminSignIn> job(running.job);
    QVERIFY(running.authorizeUrl.isValid());
    QSignalSpy finished(job.get(), &M365::Job::finished);

    // What the browser is sent to: the tenant's authorize endpoint with PKCE and the loopback redirect the public
    // client is registered for, http://localhost (any port).
    const QUrlQuery query(running.authorizeUrl);
    QCOMPARE(running.authorizeUrl.path(), QStringLiteral("/%1/oauth2/v2.0/authorize").arg(m_sandbox->tenantId()));
    QCOMPARE(query.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
    QCOMPARE(query.queryItemValue(QStringLiteral("code_challenge")).size(), 43);
    QCOMPARE(query.queryItemValue(QStringLiteral("response_type")), QStringLiteral("code"));
    const QUrl redirect(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    QCOMPARE(redirect.host(), QStringLiteral("localhost"));
    QCOMPARE(redirect, job->redirectUri());

    const SignInBrowser::Page signedIn =
        m_browser.signIn(running.authorizeUrl, TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    QCOMPARE(signedIn.status, 302);
    QCOMPARE(signedIn.location.host(), QStringLiteral("localhost"));
    QCOMPARE(signedIn.location.path(), QStringLiteral("/")); // Microsoft adds the slash to a URI without a path
    QCOMPARE(signedIn.location.port(), redirect.port());
    QVERIFY(QUrlQuery(signedIn.location).hasQueryItem(QStringLiteral("code")));

    // The browser follows the redirect to the engine's loopback listener, which redeems the code.
    const SignInBrowser::Page landed = m_browser.get(signedIn.location);
    QCOMPARE(landed.status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    QVERIFY2(!job->hasError(), qPrintable(job->error().code + QLatin1Char(' ') + job->error().details));
    QCOMPARE(job->tenantId(), m_sandbox->tenantId());
    QCOMPARE(job->userPrincipalName(), TenantState::demoAdminUpn);
    QCOMPARE(job->grantedScopes(), AdminSignIn::defaultScopes());
    QVERIFY(job->expiresAt() > QDateTime::currentDateTimeUtc().addSecs(60));
    const QJsonObject claims = TokenProvider::decodeJwtPayload(job->accessToken());
    QVERIFY(!claims.contains(QLatin1String("roles")));
    QCOMPARE(claims.value(QLatin1String("tid")).toString(), m_sandbox->tenantId());

    // The delegated token works for what the registration needs, and for nothing it was not granted.
    const SandboxFixture::Reply apps = m_sandbox->graph("GET", QStringLiteral("/applications"), job->accessToken());
    QVERIFY2(apps.status == 200, apps.body.constData());
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/domains"), job->accessToken()).status, 200);
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/users"),
                         job->accessToken(),
                         SandboxFixture::newUserBody(QStringLiteral("delegatednope")))
                 .status,
             403);
    // The loopback listener is closed once the job is done.
    QCOMPARE(m_browser.get(signedIn.location).status, 0);
}

void TestAdminSignIn::wrongPasswordStaysOnThePage()
{
    Running running = startSignIn();
    std::unique_ptr<AdminSignIn> job(running.job);
    QVERIFY(running.authorizeUrl.isValid());
    const SignInBrowser::Page page =
        m_browser.signIn(running.authorizeUrl, TenantState::demoAdminUpn, QStringLiteral("not the password"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("AADSTS50126"));
    QVERIFY(!page.action.isEmpty());
    QVERIFY(!job->isFinished());
    // A second try with the right password still works.
    const SignInBrowser::Page retried = m_browser.submit(page,
                                                         {{QStringLiteral("login"), TenantState::demoAdminUpn},
                                                          {QStringLiteral("passwd"), TenantState::demoAdminPassword}});
    QCOMPARE(retried.status, 302);
    QCOMPARE(m_browser.get(retried.location).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(job->isFinished(), 15000);
    QVERIFY(!job->hasError());
}

void TestAdminSignIn::cancelInTheBrowserFailsWithTheAadstsText()
{
    Running running = startSignIn();
    std::unique_ptr<AdminSignIn> job(running.job);
    QVERIFY(running.authorizeUrl.isValid());
    const SignInBrowser::Page page = m_browser.get(running.authorizeUrl);
    QCOMPARE(page.status, 200);
    const SignInBrowser::Page cancelled = m_browser.submit(page, {{QStringLiteral("cancel"), QStringLiteral("1")}});
    QCOMPARE(cancelled.status, 302);
    QCOMPARE(QUrlQuery(cancelled.location).queryItemValue(QStringLiteral("error")), QStringLiteral("access_denied"));
    m_browser.get(cancelled.location);
    QTRY_VERIFY_WITH_TIMEOUT(job->isFinished(), 15000);
    QVERIFY(job->hasError());
    QCOMPARE(job->error().code, QStringLiteral("AADSTS65004"));
    QVERIFY2(job->errorString().contains(QLatin1String("declined")), qPrintable(job->errorString()));
    QVERIFY(job->accessToken().isEmpty());
}

void TestAdminSignIn::timesOut()
{
    auto *job = new AdminSignIn(
        CloudEndpoints::sandbox(QUrl(m_sandbox->baseUrl())), m_sandbox->tenantId(), SandboxTenant::setupClientId, this);
    std::unique_ptr<AdminSignIn> owner(job);
    QSignalSpy urlReady(job, &AdminSignIn::authorizeUrlReady);
    job->setTimeout(std::chrono::milliseconds(300));
    job->start();
    QTRY_VERIFY_WITH_TIMEOUT(job->isFinished(), 10000);
    QCOMPARE(urlReady.count(), 1);
    QCOMPARE(job->error().code, QString(AdminSignIn::Timeout));
}

void TestAdminSignIn::spentCodeFailsWithTheTokenEndpointsText()
{
    // Someone else redeems the code first (here: with a wrong verifier); the engine's own redemption is refused, and
    // the job reports Microsoft's text instead of waiting for its timeout (Qt 6.4 drops token errors silently).
    Running running = startSignIn();
    std::unique_ptr<AdminSignIn> job(running.job);
    QVERIFY(running.authorizeUrl.isValid());
    const SignInBrowser::Page redirect =
        m_browser.signIn(running.authorizeUrl, TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    QCOMPARE(redirect.status, 302);
    const QString code = QUrlQuery(redirect.location).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    QCOMPARE(redeem(code, AdminSignIn::generateCodeVerifier(), job->redirectUri().toString()).status, 400);
    m_browser.get(redirect.location);
    QTRY_VERIFY_WITH_TIMEOUT(job->isFinished(), 15000);
    QVERIFY(job->hasError());
    QCOMPARE(job->error().code, QStringLiteral("AADSTS54005"));
    QVERIFY2(job->errorString().contains(QLatin1String("already redeemed")), qPrintable(job->errorString()));
}

void TestAdminSignIn::signsInOverHttps()
{
    // m365sim's HTTPS mode with its own CA: the token request made inside Qt NetworkAuth trusts the extra CA.
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    M365::Sandbox::SandboxServer::Options options;
    options.tls = true;
    options.tlsDirectory = directory.path();
    SandboxFixture tls(options);
    QVERIFY2(tls.isStarted(), qPrintable(tls.startError()));
    QVERIFY(tls.baseUrl().startsWith(QLatin1String("https://")));
    const QList<QSslCertificate> cas = QSslCertificate::fromPath(tls.server().caFile());
    QVERIFY(!cas.isEmpty());

    AdminSignIn job(CloudEndpoints::sandbox(QUrl(tls.baseUrl())), tls.tenantId(), SandboxTenant::setupClientId, this);
    job.setExtraCaCertificates(cas);
    QUrl authorizeUrl;
    job.setBrowserOpener([&authorizeUrl](const QUrl &url) {
        authorizeUrl = url;
    });
    job.start();
    QTRY_VERIFY_WITH_TIMEOUT(authorizeUrl.isValid(), 10000);
    SignInBrowser browser;
    browser.setCaCertificates(cas);
    const SignInBrowser::Page redirect =
        browser.signIn(authorizeUrl, TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    QCOMPARE(redirect.status, 302);
    QCOMPARE(browser.get(redirect.location).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(job.isFinished(), 15000);
    QVERIFY2(!job.hasError(), qPrintable(job.error().code + QLatin1Char(' ') + job.error().details));
    QCOMPARE(job.tenantId(), tls.tenantId());
}

QString TestAdminSignIn::codeFor(const QByteArray &verifier, const QString &redirectUri)
{
    QUrl authorize(m_sandbox->baseUrl() + QStringLiteral("/%1/oauth2/v2.0/authorize").arg(m_sandbox->tenantId()));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), SandboxTenant::setupClientId);
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(redirectUri)));
    query.addQueryItem(QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/Application.Read.All"));
    query.addQueryItem(QStringLiteral("state"), QStringLiteral("s1"));
    query.addQueryItem(QStringLiteral("code_challenge"), QString::fromLatin1(AdminSignIn::codeChallenge(verifier)));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    authorize.setQuery(query);
    const SignInBrowser::Page page =
        m_browser.signIn(authorize, TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    if (page.status != 302) {
        qWarning() << "sign-in failed" << page.status << page.body;
        return {};
    }
    const QUrlQuery answer(page.location);
    if (answer.queryItemValue(QStringLiteral("state")) != QLatin1String("s1")) {
        return {};
    }
    return answer.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
}

SandboxFixture::Reply
TestAdminSignIn::redeem(const QString &code, const QByteArray &verifier, const QString &redirectUri)
{
    return m_sandbox->token({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                             {QStringLiteral("client_id"), SandboxTenant::setupClientId},
                             {QStringLiteral("code"), code},
                             {QStringLiteral("redirect_uri"), redirectUri},
                             {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)}});
}

void TestAdminSignIn::wrongVerifierIsRefused()
{
    const QString redirect = QStringLiteral("http://localhost:51234");
    const QByteArray verifier = AdminSignIn::generateCodeVerifier();
    const QString code = codeFor(verifier, redirect);
    QVERIFY(!code.isEmpty());
    const SandboxFixture::Reply refused = redeem(code, AdminSignIn::generateCodeVerifier(), redirect);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.json.value(QLatin1String("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(
        refused.json.value(QLatin1String("error_description")).toString().startsWith(QLatin1String("AADSTS501481")));
    // The code was spent on the failed attempt.
    QCOMPARE(redeem(code, verifier, redirect).status, 400);
}

void TestAdminSignIn::reusedCodeIsRefused()
{
    const QString redirect = QStringLiteral("http://localhost:40999/");
    const QByteArray verifier = AdminSignIn::generateCodeVerifier();
    const QString code = codeFor(verifier, redirect);
    QVERIFY(!code.isEmpty());
    const SandboxFixture::Reply first = redeem(code, verifier, redirect);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json.value(QLatin1String("scope")).toString(),
             QStringLiteral("https://graph.microsoft.com/Application.Read.All"));
    const QJsonObject claims =
        TokenProvider::decodeJwtPayload(first.json.value(QLatin1String("access_token")).toString());
    QCOMPARE(claims.value(QLatin1String("scp")).toString(), QStringLiteral("Application.Read.All"));
    QCOMPARE(claims.value(QLatin1String("upn")).toString(), TenantState::demoAdminUpn);
    const SandboxFixture::Reply second = redeem(code, verifier, redirect);
    QCOMPARE(second.status, 400);
    QCOMPARE(second.json.value(QLatin1String("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(second.json.value(QLatin1String("error_description")).toString().startsWith(QLatin1String("AADSTS54005")));
}

void TestAdminSignIn::unregisteredRedirectIsRefused_data()
{
    QTest::addColumn<QString>("redirectUri");
    QTest::newRow("not loopback") << QStringLiteral("http://evil.example:8080/");
    // Registered is http://localhost: Entra ignores the port of a loopback URI, never its host or path.
    QTest::newRow("loopback IP for localhost") << QStringLiteral("http://127.0.0.1:40999/");
    QTest::newRow("another path") << QStringLiteral("http://localhost:40999/callback");
    QTest::newRow("https") << QStringLiteral("https://localhost:40999/");
}

void TestAdminSignIn::unregisteredRedirectIsRefused()
{
    QFETCH(QString, redirectUri);
    QUrl authorize(m_sandbox->baseUrl() + QStringLiteral("/%1/oauth2/v2.0/authorize").arg(m_sandbox->tenantId()));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), SandboxTenant::setupClientId);
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(redirectUri)));
    query.addQueryItem(QStringLiteral("scope"), QStringLiteral("Application.Read.All"));
    query.addQueryItem(QStringLiteral("code_challenge"), QStringLiteral("x"));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    authorize.setQuery(query);
    const SignInBrowser::Page page = m_browser.get(authorize);
    QCOMPARE(page.status, 400);
    QVERIFY(page.location.isEmpty());
    QVERIFY(page.body.contains("AADSTS50011"));
}

QTEST_GUILESS_MAIN(TestAdminSignIn)
#include "tst_adminsignin.moc"
