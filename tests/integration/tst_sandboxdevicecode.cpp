// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox's device authorization grant, spoken by hand as any client would: POST /{tenant}/oauth2/v2.0/devicecode,
// polls of the token endpoint with the device code, and the /devicelogin page played like a browser (enter the code,
// sign in, or cancel). The sandbox runs faster than real time (its time scale) so that intervals and expiry are short;
// waits between polls are timers' signals, never sleeps.

#include "sandboxfixture.h"
#include "sandboxsignin.h"
#include "sandboxtenant.h"
#include "signinbrowser.h"
#include "tenantstate.h"

#include <QTest>

using M365::Sandbox::SandboxTenant;
using M365::Sandbox::TenantState;

namespace {

constexpr auto grantType = "urn:ietf:params:oauth:grant-type:device_code";

QString errorOf(const SandboxFixture::Reply &reply)
{
    return reply.json.value(QLatin1String("error")).toString();
}

QString descriptionOf(const SandboxFixture::Reply &reply)
{
    return reply.json.value(QLatin1String("error_description")).toString();
}

QJsonObject claimsOf(const QString &token)
{
    return QJsonDocument::fromJson(
               QByteArray::fromBase64(token.section(QLatin1Char('.'), 1, 1).toLatin1(),
                                      QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
        .object();
}

} // namespace

class TestSandboxDeviceCode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void codeAnswer();
    void signInOnTheDeviceLoginPage();
    void slowDown();
    void cancelDeclines();
    void nonAdministratorIsDeclined();
    void codeExpires();
    void unknownCodes();
    void publicClientsOnly();
    void requestErrors_data();
    void requestErrors();
    void tenantAliases();
    void resetForgetsPendingCodes();

private:
    SandboxFixture::Reply requestCode(const QString &clientId, const QString &scope, const QString &tenant = {});
    SandboxFixture::Reply poll(const QString &clientId,
                               const QString &deviceCode,
                               const QString &tenant = {},
                               const QList<QPair<QString, QString>> &extra = {});
    /// The interval the code answer asked for, in milliseconds.
    static qint64 intervalOf(const SandboxFixture::Reply &code);

    std::unique_ptr<SandboxFixture> m_sandbox;
    SignInBrowser m_browser;
    const QString m_scope = QStringLiteral("https://graph.microsoft.com/Application.Read.All openid profile");
};

void TestSandboxDeviceCode::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
}

void TestSandboxDeviceCode::cleanup()
{
    m_sandbox->tenant().setTimeScale(1);
}

SandboxFixture::Reply
TestSandboxDeviceCode::requestCode(const QString &clientId, const QString &scope, const QString &tenant)
{
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("client_id"), clientId);
    form.addQueryItem(QStringLiteral("scope"), QString::fromLatin1(QUrl::toPercentEncoding(scope)));
    return m_sandbox->send("POST",
                           QLatin1Char('/') + (tenant.isEmpty() ? m_sandbox->tenantId() : tenant)
                               + QStringLiteral("/oauth2/v2.0/devicecode"),
                           form.toString(QUrl::FullyEncoded).toLatin1(),
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
}

SandboxFixture::Reply TestSandboxDeviceCode::poll(const QString &clientId,
                                                  const QString &deviceCode,
                                                  const QString &tenant,
                                                  const QList<QPair<QString, QString>> &extra)
{
    return m_sandbox->token(QList<QPair<QString, QString>>{{QStringLiteral("grant_type"), QLatin1String(grantType)},
                                                           {QStringLiteral("client_id"), clientId},
                                                           {QStringLiteral("device_code"), deviceCode}}
                                + extra,
                            tenant);
}

qint64 TestSandboxDeviceCode::intervalOf(const SandboxFixture::Reply &code)
{
    return qint64(std::ceil(code.json.value(QLatin1String("interval")).toDouble() * 1000));
}

void TestSandboxDeviceCode::codeAnswer()
{
    // At Microsoft's pace: 15 minutes to sign in, a poll every 5 seconds.
    SandboxFixture::Reply code = requestCode(SandboxTenant::setupClientId, m_scope);
    QCOMPARE(code.status, 200);
    const QString userCode = code.json.value(QLatin1String("user_code")).toString();
    const QString verificationUri = m_sandbox->baseUrl() + QStringLiteral("/devicelogin");
    QCOMPARE(userCode.size(), 9);
    QVERIFY(code.json.value(QLatin1String("device_code")).toString().size() >= 40);
    QCOMPARE(code.json.value(QLatin1String("verification_uri")).toString(), verificationUri);
    QCOMPARE(code.json.value(QLatin1String("expires_in")).toInt(), 900);
    QCOMPARE(code.json.value(QLatin1String("interval")).toDouble(), 5.0);
    const QString message = code.json.value(QLatin1String("message")).toString();
    QVERIFY2(message.contains(verificationUri) && message.contains(userCode), qPrintable(message));
    QVERIFY(!code.json.contains(QLatin1String("verification_uri_complete"))); // not supported by Microsoft
    QVERIFY(code.header("cache-control").contains("no-store"));

    // A faster sandbox scales both, like every other lifetime.
    m_sandbox->tenant().setTimeScale(100);
    code = requestCode(SandboxTenant::setupClientId, m_scope);
    QCOMPARE(code.status, 200);
    QCOMPARE(code.json.value(QLatin1String("expires_in")).toInt(), 9);
    QCOMPARE(code.json.value(QLatin1String("interval")).toDouble(), 0.05);
}

void TestSandboxDeviceCode::signInOnTheDeviceLoginPage()
{
    m_sandbox->tenant().setTimeScale(100);
    const SandboxFixture::Reply code = requestCode(SandboxTenant::setupClientId, m_scope);
    QCOMPARE(code.status, 200);
    const QString deviceCode = code.json.value(QLatin1String("device_code")).toString();
    const QString userCode = code.json.value(QLatin1String("user_code")).toString();

    // Nobody has signed in yet.
    SandboxFixture::Reply answer = poll(SandboxTenant::setupClientId, deviceCode);
    QCOMPARE(answer.status, 400);
    QCOMPARE(errorOf(answer), QStringLiteral("authorization_pending"));
    QVERIFY(descriptionOf(answer).startsWith(QLatin1String("AADSTS70016")));
    QCOMPARE(answer.json.value(QLatin1String("error_codes")).toArray(), QJsonArray{70016});

    // The user enters the code (in lower case, as people type) and gets the sign-in form of the app.
    const SignInBrowser::Page signInPage =
        SandboxSignIn::enterUserCode(m_browser, m_sandbox->baseUrl(), userCode.toLower());
    QCOMPARE(signInPage.status, 200);
    QVERIFY2(signInPage.body.contains("name=\"passwd\""), signInPage.body.constData());
    QVERIFY(signInPage.body.contains("m365sync setup"));
    QVERIFY(signInPage.body.contains("Application.Read.All"));

    // A wrong password stays on the page with Microsoft's error, and polling still says pending.
    const SignInBrowser::Page wrong = m_browser.submit(
        signInPage,
        {{QStringLiteral("login"), TenantState::demoAdminUpn}, {QStringLiteral("passwd"), QStringLiteral("not it")}});
    QCOMPARE(wrong.status, 200);
    QVERIFY(wrong.body.contains("AADSTS50126"));
    QVERIFY(SandboxSignIn::waitOut(intervalOf(code)));
    QCOMPARE(errorOf(poll(SandboxTenant::setupClientId, deviceCode)), QStringLiteral("authorization_pending"));

    const SignInBrowser::Page done = m_browser.submit(wrong,
                                                      {{QStringLiteral("login"), TenantState::demoAdminUpn},
                                                       {QStringLiteral("passwd"), TenantState::demoAdminPassword}});
    QCOMPARE(done.status, 200);
    QVERIFY2(done.body.contains("You have signed in"), done.body.constData());
    QVERIFY(done.body.contains("close this window"));
    // The code cannot be used a second time on the page.
    const SignInBrowser::Page again = SandboxSignIn::enterUserCode(m_browser, m_sandbox->baseUrl(), userCode);
    QVERIFY(again.body.contains("AADSTS90120"));

    // The next poll gets the delegated token, exactly like the authorization-code flow's.
    QVERIFY(SandboxSignIn::waitOut(intervalOf(code)));
    answer = poll(SandboxTenant::setupClientId, deviceCode);
    QVERIFY2(answer.status == 200, answer.body.constData());
    QCOMPARE(answer.json.value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(answer.json.value(QLatin1String("scope")).toString(),
             QStringLiteral("https://graph.microsoft.com/Application.Read.All"));
    QVERIFY(answer.json.value(QLatin1String("expires_in")).toInt() > 0);
    const QString token = answer.json.value(QLatin1String("access_token")).toString();
    const QJsonObject claims = claimsOf(token);
    QCOMPARE(claims.value(QLatin1String("scp")).toString(), QStringLiteral("Application.Read.All"));
    QCOMPARE(claims.value(QLatin1String("upn")).toString(), TenantState::demoAdminUpn);
    QCOMPARE(claims.value(QLatin1String("appid")).toString(), SandboxTenant::setupClientId);
    QCOMPARE(claims.value(QLatin1String("tid")).toString(), m_sandbox->tenantId());
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/applications"), token).status, 200);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users"), token).status, 403);

    // A device code is redeemed once.
    QVERIFY(SandboxSignIn::waitOut(intervalOf(code)));
    answer = poll(SandboxTenant::setupClientId, deviceCode);
    QCOMPARE(answer.status, 400);
    QCOMPARE(errorOf(answer), QStringLiteral("bad_verification_code"));
}

void TestSandboxDeviceCode::slowDown()
{
    // RFC 8628 section 3.5: polling faster than the interval is answered with slow_down, and the interval grows by 5
    // seconds (here scaled to 250 ms) for this and every later request.
    m_sandbox->tenant().setTimeScale(20);
    const SandboxFixture::Reply code = requestCode(SandboxTenant::setupClientId, m_scope);
    QCOMPARE(code.status, 200);
    const QString deviceCode = code.json.value(QLatin1String("device_code")).toString();
    const qint64 interval = intervalOf(code);
    QCOMPARE(interval, 250);

    QCOMPARE(errorOf(poll(SandboxTenant::setupClientId, deviceCode)), QStringLiteral("authorization_pending"));
    const SandboxFixture::Reply tooSoon = poll(SandboxTenant::setupClientId, deviceCode);
    QCOMPARE(tooSoon.status, 400);
    QCOMPARE(errorOf(tooSoon), QStringLiteral("slow_down"));
    // Waiting the new interval (500 ms) is enough ...
    QVERIFY(SandboxSignIn::waitOut(2 * interval + 10));
    QCOMPARE(errorOf(poll(SandboxTenant::setupClientId, deviceCode)), QStringLiteral("authorization_pending"));
    // ... and the old one no longer is.
    QVERIFY(SandboxSignIn::waitOut(interval + 10));
    QCOMPARE(errorOf(poll(SandboxTenant::setupClientId, deviceCode)), QStringLiteral("slow_down"));
}

void TestSandboxDeviceCode::cancelDeclines()
{
    m_sandbox->tenant().setTimeScale(100);
    const SandboxFixture::Reply code = requestCode(SandboxTenant::setupClientId, m_scope);
    const QString deviceCode = code.json.value(QLatin1String("device_code")).toString();
    const SignInBrowser::Page signInPage = SandboxSignIn::enterUserCode(
        m_browser, m_sandbox->baseUrl(), code.json.value(QLatin1String("user_code")).toString());
    QCOMPARE(signInPage.status, 200);
    const SignInBrowser::Page cancelled =
        m_browser.submit(signInPage, {{QStringLiteral("cancel"), QStringLiteral("1")}});
    QCOMPARE(cancelled.status, 200);
    QVERIFY(cancelled.body.contains("declined"));

    const SandboxFixture::Reply answer = poll(SandboxTenant::setupClientId, deviceCode);
    QCOMPARE(answer.status, 400);
    QCOMPARE(errorOf(answer), QStringLiteral("authorization_declined"));
    QVERIFY2(descriptionOf(answer).startsWith(QLatin1String("AADSTS65004")), qPrintable(descriptionOf(answer)));
}

void TestSandboxDeviceCode::nonAdministratorIsDeclined()
{
    // The same rule as the browser sign-in: the admin sign-in's permissions need a Global Administrator.
    const QString upn = SandboxSignIn::addUser(*m_sandbox,
                                               QStringLiteral("devicecode.reader"),
                                               QStringLiteral("Reader-Pass-1"),
                                               {QStringLiteral("Reports Reader")});
    QVERIFY(!upn.isEmpty());
    m_sandbox->tenant().setTimeScale(100);
    const SandboxFixture::Reply code = requestCode(SandboxTenant::setupClientId, m_scope);
    const SignInBrowser::Page page = SandboxSignIn::deviceLogin(m_browser,
                                                                m_sandbox->baseUrl(),
                                                                code.json.value(QLatin1String("user_code")).toString(),
                                                                upn,
                                                                QStringLiteral("Reader-Pass-1"));
    QCOMPARE(page.status, 400);
    QVERIFY(page.body.contains("AADSTS90094"));
    const SandboxFixture::Reply answer =
        poll(SandboxTenant::setupClientId, code.json.value(QLatin1String("device_code")).toString());
    QCOMPARE(errorOf(answer), QStringLiteral("authorization_declined"));
    QVERIFY(descriptionOf(answer).startsWith(QLatin1String("AADSTS90094")));
}

void TestSandboxDeviceCode::codeExpires()
{
    // 15 minutes become one second.
    m_sandbox->tenant().setTimeScale(900);
    const SandboxFixture::Reply code = requestCode(SandboxTenant::setupClientId, m_scope);
    QCOMPARE(code.json.value(QLatin1String("expires_in")).toInt(), 1);
    const QString deviceCode = code.json.value(QLatin1String("device_code")).toString();
    QCOMPARE(errorOf(poll(SandboxTenant::setupClientId, deviceCode)), QStringLiteral("authorization_pending"));
    QTRY_COMPARE_WITH_TIMEOUT(
        errorOf(poll(SandboxTenant::setupClientId, deviceCode)), QStringLiteral("expired_token"), 10000);
    const SandboxFixture::Reply answer = poll(SandboxTenant::setupClientId, deviceCode);
    QCOMPARE(answer.status, 400);
    QVERIFY(descriptionOf(answer).startsWith(QLatin1String("AADSTS70019")));

    // Too late on the page, too.
    const SignInBrowser::Page page = SandboxSignIn::enterUserCode(
        m_browser, m_sandbox->baseUrl(), code.json.value(QLatin1String("user_code")).toString());
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("AADSTS70019"));
    QVERIFY(!page.body.contains("name=\"passwd\""));
}

void TestSandboxDeviceCode::unknownCodes()
{
    const SandboxFixture::Reply answer = poll(SandboxTenant::setupClientId, QStringLiteral("not-a-device-code"));
    QCOMPARE(answer.status, 400);
    QCOMPARE(errorOf(answer), QStringLiteral("bad_verification_code"));
    QVERIFY(descriptionOf(answer).startsWith(QLatin1String("AADSTS70018")));

    SignInBrowser::Page page =
        SandboxSignIn::enterUserCode(m_browser, m_sandbox->baseUrl(), QStringLiteral("ABCDEFGHJ"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("AADSTS70018"));
    QVERIFY(page.body.contains("name=\"otc\"")); // back on the code form
    page = SandboxSignIn::enterUserCode(m_browser, m_sandbox->baseUrl(), QString());
    QVERIFY(page.body.contains("AADSTS90119"));
}

void TestSandboxDeviceCode::publicClientsOnly()
{
    const QString scope = QStringLiteral("https://graph.microsoft.com/User.Read");
    // A confidential client (a web app or daemon registration) sends no credential in this grant: refused.
    const QJsonObject confidential = SandboxSignIn::addApplication(*m_sandbox, QStringLiteral("daemon"));
    QVERIFY(!confidential.isEmpty());
    const QString confidentialId = confidential.value(QLatin1String("appId")).toString();
    SandboxFixture::Reply code = requestCode(confidentialId, scope);
    QCOMPARE(code.status, 200);
    SandboxFixture::Reply answer = poll(confidentialId, code.json.value(QLatin1String("device_code")).toString());
    QCOMPARE(answer.status, 401);
    QCOMPARE(errorOf(answer), QStringLiteral("invalid_client"));
    QVERIFY2(descriptionOf(answer).startsWith(QLatin1String("AADSTS7000218")), qPrintable(descriptionOf(answer)));

    // With "Allow public client flows" on, it is a public client.
    const QJsonObject publicApp = SandboxSignIn::addApplication(
        *m_sandbox, QStringLiteral("console tool"), {{QStringLiteral("isFallbackPublicClient"), true}});
    QVERIFY(!publicApp.isEmpty());
    const QString publicId = publicApp.value(QLatin1String("appId")).toString();
    code = requestCode(publicId, scope);
    QCOMPARE(code.status, 200);
    const QString deviceCode = code.json.value(QLatin1String("device_code")).toString();
    QCOMPARE(errorOf(poll(publicId, deviceCode)), QStringLiteral("authorization_pending"));
    // A public client must not send a secret.
    answer = poll(publicId, deviceCode, {}, {{QStringLiteral("client_secret"), QStringLiteral("s3cret")}});
    QCOMPARE(answer.status, 401);
    QVERIFY(descriptionOf(answer).startsWith(QLatin1String("AADSTS700025")));
    // A device code belongs to the client it was issued to.
    answer = poll(SandboxTenant::setupClientId, deviceCode);
    QCOMPARE(errorOf(answer), QStringLiteral("bad_verification_code"));

    // An unknown client gets no code.
    code = requestCode(QStringLiteral("0b1d9d7e-7c1e-4c55-9d44-000000000000"), scope);
    QCOMPARE(code.status, 400);
    QCOMPARE(errorOf(code), QStringLiteral("unauthorized_client"));
    QVERIFY(descriptionOf(code).startsWith(QLatin1String("AADSTS700016")));
}

void TestSandboxDeviceCode::requestErrors_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("code");
    QTest::newRow("no scope") << SandboxTenant::setupClientId << QString() << QString()
                              << QStringLiteral("invalid_request") << 900144;
    QTest::newRow("no client") << QString() << QStringLiteral("User.Read") << QString()
                               << QStringLiteral("invalid_request") << 900144;
    QTest::newRow("unknown permission") << SandboxTenant::setupClientId
                                        << QStringLiteral("https://graph.microsoft.com/Bogus.Read") << QString()
                                        << QStringLiteral("invalid_scope") << 70011;
    QTest::newRow("only OpenID scopes") << SandboxTenant::setupClientId << QStringLiteral("openid profile") << QString()
                                        << QStringLiteral("invalid_scope") << 70011;
    QTest::newRow("unknown tenant") << SandboxTenant::setupClientId << QStringLiteral("User.Read")
                                    << QStringLiteral("fabrikam.example") << QStringLiteral("invalid_request") << 90002;
}

void TestSandboxDeviceCode::requestErrors()
{
    QFETCH(QString, clientId);
    QFETCH(QString, scope);
    QFETCH(QString, tenant);
    QFETCH(QString, error);
    QFETCH(int, code);
    const SandboxFixture::Reply reply = requestCode(clientId, scope, tenant);
    QCOMPARE(reply.status, 400);
    QCOMPARE(errorOf(reply), error);
    QCOMPARE(reply.json.value(QLatin1String("error_codes")).toArray(), QJsonArray{code});
}

void TestSandboxDeviceCode::tenantAliases()
{
    // The device code grant works through "organizations" (its page lists the aliases); client credentials do not.
    const SandboxFixture::Reply code =
        requestCode(SandboxTenant::setupClientId, m_scope, QStringLiteral("organizations"));
    QCOMPARE(code.status, 200);
    const SandboxFixture::Reply answer = poll(SandboxTenant::setupClientId,
                                              code.json.value(QLatin1String("device_code")).toString(),
                                              QStringLiteral("organizations"));
    QCOMPARE(errorOf(answer), QStringLiteral("authorization_pending"));
    const auto &state = m_sandbox->tenant().state();
    const SandboxFixture::Reply clientCredentials =
        m_sandbox->token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                          {QStringLiteral("client_id"), state.demoClientId},
                          {QStringLiteral("client_secret"), state.demoClientSecret},
                          {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")}},
                         QStringLiteral("organizations"));
    QCOMPARE(clientCredentials.status, 400);
    QVERIFY(descriptionOf(clientCredentials).startsWith(QLatin1String("AADSTS90002")));
}

void TestSandboxDeviceCode::resetForgetsPendingCodes()
{
    // A code handed out before the tenant was reset belongs to the tenant that is gone.
    const SandboxFixture::Reply code = requestCode(SandboxTenant::setupClientId, m_scope);
    QCOMPARE(code.status, 200);
    const QString deviceCode = code.json.value(QLatin1String("device_code")).toString();
    QCOMPARE(errorOf(poll(SandboxTenant::setupClientId, deviceCode)), QStringLiteral("authorization_pending"));
    QCOMPARE(m_sandbox->admin("POST", QStringLiteral("reset")).status, 200);
    const SandboxFixture::Reply answer = poll(SandboxTenant::setupClientId, deviceCode);
    QCOMPARE(answer.status, 400);
    QCOMPARE(errorOf(answer), QStringLiteral("bad_verification_code"));
    const SignInBrowser::Page page = SandboxSignIn::enterUserCode(
        m_browser, m_sandbox->baseUrl(), code.json.value(QLatin1String("user_code")).toString());
    QVERIFY(page.body.contains("AADSTS70018"));
}

QTEST_GUILESS_MAIN(TestSandboxDeviceCode)
#include "tst_sandboxdevicecode.moc"
