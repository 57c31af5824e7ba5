// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The wizard's automatic registration: after the admin signs in (AdminSignIn, the test plays the browser),
// AppRegistrationJob creates the application, its service principal, uploads the certificate and grants the Graph
// app roles in the sandbox tenant. The new app then gets a client-credentials token with a certificate assertion that
// carries exactly the granted roles; a second run finds everything in place and creates nothing twice.

#include "graph/appregistration.h"
#include "graph/graphclient.h"
#include "graph/tenantcheck.h"
#include "identity/adminsignin.h"
#include "identity/certificatecredential.h"
#include "identity/tokenprovider.h"
#include "sandboxfixture.h"
#include "sandboxtenant.h"
#include "signinbrowser.h"
#include "tenantstate.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using M365::Graph::AppRegistrationJob;
using M365::Graph::GraphClient;
using M365::Identity::AdminSignIn;
using M365::Identity::CertificateCredential;
using M365::Identity::ClientAssertion;
using M365::Identity::ClientCredential;
using M365::Identity::CloudEndpoints;
using M365::Identity::TokenProvider;
using M365::Sandbox::SandboxTenant;
using M365::Sandbox::TenantState;
using Status = AppRegistrationJob::Status;

Q_DECLARE_METATYPE(AppRegistrationJob::Status)

class TestAppRegistration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void registersAndTheAppSignsIn();
    void secondRunCreatesNothingTwice();
    void appOnlyTokenWithoutRightsIsRefused();

private:
    QString signInAsAdmin();
    std::unique_ptr<AppRegistrationJob> runRegistration(const QString &existingAppId, QList<QList<QVariant>> *steps);
    int applicationsNamed(const QString &name) const;

    std::unique_ptr<SandboxFixture> m_sandbox;
    CloudEndpoints m_endpoints;
    QNetworkAccessManager m_nam;
    std::unique_ptr<TokenProvider> m_adminTokens;
    std::unique_ptr<GraphClient> m_graph;
    CertificateCredential m_certificate;
    QString m_appId;
};

void TestAppRegistration::initTestCase()
{
    qRegisterMetaType<AppRegistrationJob::Status>();
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
    m_endpoints = CloudEndpoints::sandbox(QUrl(m_sandbox->baseUrl()));
    const QString token = signInAsAdmin();
    QVERIFY(!token.isEmpty());
    m_adminTokens = std::make_unique<TokenProvider>(
        &m_nam, m_endpoints, m_sandbox->tenantId(), SandboxTenant::setupClientId, ClientCredential{});
    m_adminTokens->setStaticToken(token, QDateTime::currentDateTimeUtc().addSecs(3000));
    m_graph = std::make_unique<GraphClient>(&m_nam, m_endpoints, m_adminTokens.get());
    const auto generated = CertificateCredential::generate(QStringLiteral("m365sync"), 30);
    QVERIFY2(generated.ok(), qPrintable(generated.error.details));
    m_certificate = generated.value;
}

QString TestAppRegistration::signInAsAdmin()
{
    AdminSignIn job(m_endpoints, m_sandbox->tenantId(), SandboxTenant::setupClientId, this); // a parent: no deleteLater
    QUrl authorizeUrl;
    job.setBrowserOpener([&authorizeUrl](const QUrl &url) {
        authorizeUrl = url;
    });
    job.start();
    if (!QTest::qWaitFor(
            [&authorizeUrl] {
                return authorizeUrl.isValid();
            },
            10000)) {
        return {};
    }
    SignInBrowser browser;
    const SignInBrowser::Page redirect =
        browser.signIn(authorizeUrl, TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    if (redirect.status != 302) {
        qWarning() << "sign-in page answered" << redirect.status << redirect.body;
        return {};
    }
    browser.get(redirect.location);
    (void)QTest::qWaitFor(
        [&job] {
            return job.isFinished();
        },
        15000);
    if (!job.isFinished() || job.hasError()) {
        qWarning() << "sign-in failed:" << job.error().code << job.error().details;
        return {};
    }
    return job.accessToken();
}

std::unique_ptr<AppRegistrationJob> TestAppRegistration::runRegistration(const QString &existingAppId,
                                                                         QList<QList<QVariant>> *steps)
{
    AppRegistrationJob::Options options;
    options.roles = M365::Graph::Features{}.requiredRoles();
    options.certificate = m_certificate;
    options.existingAppId = existingAppId;
    auto job = std::make_unique<AppRegistrationJob>(m_graph.get(), options, this);
    QSignalSpy stepSpy(job.get(), &AppRegistrationJob::stepChanged);
    QSignalSpy finished(job.get(), &M365::Job::finished);
    job->start();
    if (!finished.wait(30000)) {
        qWarning() << "registration did not finish";
    }
    for (const auto &step : std::as_const(stepSpy)) {
        steps->append(step);
    }
    return job;
}

int TestAppRegistration::applicationsNamed(const QString &name) const
{
    int count = 0;
    for (const QJsonObject &app : std::as_const(m_sandbox->tenant().state().applications)) {
        count += app.value(QLatin1String("displayName")).toString() == name ? 1 : 0;
    }
    return count;
}

void TestAppRegistration::registersAndTheAppSignsIn()
{
    QCOMPARE(applicationsNamed(QStringLiteral("m365sync")), 0);
    QList<QList<QVariant>> steps;
    const auto job = runRegistration({}, &steps);
    QVERIFY(job->isFinished());
    QVERIFY2(!job->hasError(), qPrintable(job->error().code + QLatin1Char(' ') + job->errorString()));
    QVERIFY(!job->reusedExistingApplication());
    m_appId = job->appId();
    QVERIFY(!m_appId.isEmpty());
    QCOMPARE(applicationsNamed(QStringLiteral("m365sync")), 1);

    // Every step ran and was ticked off, in order.
    QList<int> done;
    for (const auto &step : std::as_const(steps)) {
        if (step.value(1).value<Status>() == Status::Done) {
            done.append(step.value(0).toInt());
        }
        QVERIFY(step.value(1).value<Status>() != Status::Failed);
    }
    QCOMPARE(done, (QList<int>{0, 1, 2, 3, 4}));

    // The app is configured with the roles, as the Entra admin center would show them.
    const QJsonObject app =
        m_sandbox->tenant().state().applications.value(m_sandbox->tenant().state().applicationIdByAppId(m_appId));
    const QJsonArray access = app.value(QLatin1String("requiredResourceAccess")).toArray();
    QCOMPARE(access.size(), 1);
    QCOMPARE(access.first().toObject().value(QLatin1String("resourceAppId")).toString(),
             QStringLiteral("00000003-0000-0000-c000-000000000000"));
    QCOMPARE(access.first().toObject().value(QLatin1String("resourceAccess")).toArray().size(),
             M365::Graph::Features{}.requiredRoles().size());

    // The new app signs in with the uploaded certificate and carries exactly the granted roles.
    TokenProvider appTokens(
        &m_nam,
        m_endpoints,
        m_sandbox->tenantId(),
        m_appId,
        ClientCredential::fromCertificate(m_certificate, m_appId, ClientAssertion::Algorithm::PS256));
    QString token;
    M365::Error error;
    bool answered = false;
    appTokens.acquire(this, [&](const QString &t, const M365::Error &e) {
        token = t;
        error = e;
        answered = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 15000);
    QVERIFY2(!token.isEmpty(), qPrintable(error.code + QLatin1Char(' ') + error.details));
    QStringList expected = M365::Graph::Features{}.requiredRoles();
    expected.sort();
    QStringList roles = appTokens.roles();
    roles.sort();
    QCOMPARE(roles, expected);
    QStringList granted = job->grantedRoles();
    granted.sort();
    QCOMPARE(granted, expected);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users?$top=1"), token).status, 200);
}

void TestAppRegistration::secondRunCreatesNothingTwice()
{
    QVERIFY(!m_appId.isEmpty());
    // Meanwhile an admin gave the app a delegated Graph permission and one of Exchange Online's: a rerun must keep them
    // (Graph replaces a collection on PATCH, so the registration has to merge).
    const QString objectId = m_sandbox->tenant().state().applicationIdByAppId(m_appId);
    const QJsonObject userRead{{QStringLiteral("id"), QStringLiteral("e1fe6dd8-ba31-4d61-89e7-88639da4683d")},
                               {QStringLiteral("type"), QStringLiteral("Scope")}};
    const QJsonObject exchange{
        {QStringLiteral("resourceAppId"), QStringLiteral("00000002-0000-0ff1-ce00-000000000000")},
        {QStringLiteral("resourceAccess"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("dc50a0fb-09a3-484d-be87-e023b12c6440")},
                                {QStringLiteral("type"), QStringLiteral("Role")}}}}};
    QJsonArray access = m_sandbox->tenant()
                            .state()
                            .applications.value(objectId)
                            .value(QLatin1String("requiredResourceAccess"))
                            .toArray();
    QJsonObject graph = access.first().toObject();
    QJsonArray graphAccess = graph.value(QLatin1String("resourceAccess")).toArray();
    graphAccess.append(userRead);
    graph.insert(QStringLiteral("resourceAccess"), graphAccess);
    access = QJsonArray{graph, exchange};
    const QString admin = m_sandbox->tokenWithRoles({QStringLiteral("Application.ReadWrite.All")});
    const auto patched = m_sandbox->graph("PATCH",
                                          QStringLiteral("/applications/") + objectId,
                                          admin,
                                          QJsonObject{{QStringLiteral("requiredResourceAccess"), access}});
    QVERIFY2(patched.status == 204, patched.body.constData());
    const auto assignmentsBefore = m_sandbox->tenant().state().appRoleAssignments.size();
    const auto servicePrincipalsBefore = m_sandbox->tenant().state().servicePrincipals.size();
    for (const QString &existing : {QString(), m_appId}) {
        QList<QList<QVariant>> steps;
        const auto job = runRegistration(existing, &steps);
        QVERIFY(job->isFinished());
        QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
        QVERIFY(job->reusedExistingApplication());
        QCOMPARE(job->appId(), m_appId);
    }
    QCOMPARE(applicationsNamed(QStringLiteral("m365sync")), 1);
    QCOMPARE(m_sandbox->tenant().state().appRoleAssignments.size(), assignmentsBefore);
    QCOMPARE(m_sandbox->tenant().state().servicePrincipals.size(), servicePrincipalsBefore);
    const QJsonObject app =
        m_sandbox->tenant().state().applications.value(m_sandbox->tenant().state().applicationIdByAppId(m_appId));
    QCOMPARE(app.value(QLatin1String("keyCredentials")).toArray().size(), 1);
    QCOMPARE(app.value(QLatin1String("requiredResourceAccess")).toArray(), access);
}

void TestAppRegistration::appOnlyTokenWithoutRightsIsRefused()
{
    // A Graph client whose token lacks Application.ReadWrite.All fails at the first write with Graph's 403.
    TokenProvider weak(&m_nam, m_endpoints, m_sandbox->tenantId(), SandboxTenant::setupClientId, ClientCredential{});
    weak.setStaticToken(m_sandbox->tokenWithRoles({QStringLiteral("Application.Read.All")}),
                        QDateTime::currentDateTimeUtc().addSecs(3000));
    GraphClient graph(&m_nam, m_endpoints, &weak);
    AppRegistrationJob::Options options;
    options.displayName = QStringLiteral("m365sync other");
    options.roles = M365::Graph::Features{}.requiredRoles();
    AppRegistrationJob job(&graph, options, this);
    QSignalSpy steps(&job, &AppRegistrationJob::stepChanged);
    job.start();
    QTRY_VERIFY_WITH_TIMEOUT(job.isFinished(), 30000);
    QVERIFY(job.hasError());
    QCOMPARE(job.error().code, QStringLiteral("Authorization_RequestDenied"));
    QCOMPARE(steps.last().value(0).toInt(), int(AppRegistrationJob::CreateApplication));
    QCOMPARE(steps.last().value(1).value<Status>(), Status::Failed);
    QCOMPARE(applicationsNamed(QStringLiteral("m365sync other")), 0);
}

QTEST_GUILESS_MAIN(TestAppRegistration)
#include "tst_appregistration.moc"
