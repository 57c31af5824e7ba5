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
    void adminWithoutTheRolesIsStoppedFirst_data();
    void adminWithoutTheRolesIsStoppedFirst();
    void halfMadeAppCanBeRemoved();
    void consentLinkGrantsTheApp();
    void sameNamedForeignAppIsNotTakenOver();
    void firstSignInWaitsForReplication();

private:
    QString signInAsAdmin(const QString &upn = TenantState::demoAdminUpn);
    std::unique_ptr<AppRegistrationJob> runRegistration(const QString &existingAppId,
                                                        QList<QList<QVariant>> *steps,
                                                        GraphClient *graph = nullptr,
                                                        AppRegistrationJob::Options options = {});
    /// A Graph client over @p upn's delegated token (the demo password), owned by the test.
    GraphClient *graphAs(const QString &upn);
    QStringList grantedRoleIds(const QString &appId) const;
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

QString TestAppRegistration::signInAsAdmin(const QString &upn)
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
    const SignInBrowser::Page redirect = browser.signIn(authorizeUrl, upn, TenantState::demoAdminPassword);
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
                                                                         QList<QList<QVariant>> *steps,
                                                                         GraphClient *graph,
                                                                         AppRegistrationJob::Options options)
{
    if (options.roles.isEmpty()) {
        options.roles = M365::Graph::Features{}.requiredRoles();
        options.certificate = m_certificate;
    }
    options.existingAppId = existingAppId;
    auto job = std::make_unique<AppRegistrationJob>(graph ? graph : m_graph.get(), options, this);
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

GraphClient *TestAppRegistration::graphAs(const QString &upn)
{
    const QString token = signInAsAdmin(upn);
    if (token.isEmpty()) {
        return nullptr;
    }
    auto *tokens = new TokenProvider(&m_nam, m_endpoints, m_sandbox->tenantId(), SandboxTenant::setupClientId, {});
    tokens->setStaticToken(token, QDateTime::currentDateTimeUtc().addSecs(3000));
    auto *graph = new GraphClient(&m_nam, m_endpoints, tokens, this);
    tokens->setParent(graph);
    return graph;
}

QStringList TestAppRegistration::grantedRoleIds(const QString &appId) const
{
    const auto &state = m_sandbox->tenant().state();
    QString servicePrincipalId;
    for (auto it = state.servicePrincipals.cbegin(); it != state.servicePrincipals.cend(); ++it) {
        if (it->value(QLatin1String("appId")).toString() == appId) {
            servicePrincipalId = it.key();
        }
    }
    QStringList roleIds;
    for (const QJsonObject &assignment : std::as_const(state.appRoleAssignments)) {
        if (assignment.value(QLatin1String("principalId")).toString() == servicePrincipalId) {
            roleIds.append(assignment.value(QLatin1String("appRoleId")).toString());
        }
    }
    return roleIds;
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
    QCOMPARE(done, (QList<int>{0, 1, 2, 3, 4, 5}));

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

void TestAppRegistration::adminWithoutTheRolesIsStoppedFirst_data()
{
    QTest::addColumn<QString>("upn");
    QTest::addColumn<QString>("says");
    QTest::newRow("Cloud Application Administrator")
        << TenantState::demoCloudApplicationAdminUpn
        << QStringLiteral("Privileged Role Administrator or a Global Administrator");
    QTest::newRow("Application Administrator")
        << TenantState::demoApplicationAdminUpn
        << QStringLiteral("Privileged Role Administrator or a Global Administrator");
    QTest::newRow("Privileged Role Administrator")
        << TenantState::demoPrivilegedRoleAdminUpn << QStringLiteral("Creating the app needs");
    QTest::newRow("User Administrator") << TenantState::demoUserAdminUpn
                                        << QStringLiteral("needs a Global Administrator");
}

void TestAppRegistration::adminWithoutTheRolesIsStoppedFirst()
{
    QFETCH(QString, upn);
    QFETCH(QString, says);
    GraphClient *graph = graphAs(upn);
    QVERIFY(graph);
    const int applications = int(m_sandbox->tenant().state().applications.size());
    const int servicePrincipals = int(m_sandbox->tenant().state().servicePrincipals.size());
    QList<QList<QVariant>> steps;
    AppRegistrationJob::Options options;
    options.displayName = QStringLiteral("m365sync roles ") + upn;
    options.roles = M365::Graph::Features{}.requiredRoles();
    const auto job = runRegistration({}, &steps, graph, options);
    QVERIFY(job->isFinished());
    QVERIFY(job->hasError());
    QCOMPARE(job->error().code, QString(AppRegistrationJob::AdminRoleMissing));
    QVERIFY2(job->error().userMessage.contains(says), qPrintable(job->error().userMessage));
    QVERIFY2(job->error().userMessage.contains(QLatin1String("Nothing was created")),
             qPrintable(job->error().userMessage));
    QCOMPARE(steps.last().value(0).toInt(), int(AppRegistrationJob::CheckAdminRoles));
    QCOMPARE(steps.last().value(1).value<Status>(), Status::Failed);
    // Told before anything was made: the tenant has no half-made app.
    QCOMPARE(int(m_sandbox->tenant().state().applications.size()), applications);
    QCOMPARE(int(m_sandbox->tenant().state().servicePrincipals.size()), servicePrincipals);
    QVERIFY(job->createdApplicationId().isEmpty());
}

void TestAppRegistration::halfMadeAppCanBeRemoved()
{
    // Without the role check (as a client that skipped it would), a Cloud Application Administrator creates the app
    // and its service principal, and Graph refuses the grant of Microsoft Graph app roles.
    GraphClient *graph = graphAs(TenantState::demoCloudApplicationAdminUpn);
    QVERIFY(graph);
    AppRegistrationJob::Options options;
    options.displayName = QStringLiteral("m365sync half made");
    options.roles = M365::Graph::Features{}.requiredRoles();
    options.checkAdminRoles = false;
    QList<QList<QVariant>> steps;
    const auto job = runRegistration({}, &steps, graph, options);
    QVERIFY(job->hasError());
    QCOMPARE(job->error().code, QStringLiteral("Authorization_RequestDenied"));
    QCOMPARE(steps.last().value(0).toInt(), int(AppRegistrationJob::GrantPermissions));
    const QString created = job->createdApplicationId();
    QVERIFY(!created.isEmpty());
    QVERIFY(m_sandbox->tenant().state().applications.contains(created));
    const QString appId = job->appId();

    // The admin chooses to remove it: application and service principal go.
    M365::Job *removal = AppRegistrationJob::removeApplication(graph, created);
    removal->setParent(this); // kept after it finished
    QSignalSpy finished(removal, &M365::Job::finished);
    removal->start();
    QVERIFY(finished.wait(20000));
    QVERIFY2(!removal->hasError(), qPrintable(removal->error().details));
    QVERIFY(!m_sandbox->tenant().state().applications.contains(created));
    for (const QJsonObject &sp : std::as_const(m_sandbox->tenant().state().servicePrincipals)) {
        QVERIFY(sp.value(QLatin1String("appId")).toString() != appId);
    }
    QCOMPARE(applicationsNamed(options.displayName), 0);
}

void TestAppRegistration::consentLinkGrantsTheApp()
{
    // An Application Administrator creates the app without grants; a Global Administrator follows the consent link.
    GraphClient *graph = graphAs(TenantState::demoApplicationAdminUpn);
    QVERIFY(graph);
    AppRegistrationJob::Options options;
    options.displayName = QStringLiteral("m365sync consent link");
    options.roles = M365::Graph::Features{}.requiredRoles();
    options.checkAdminRoles = false;
    options.consentRedirectUri = m_endpoints.consentRedirectUri();
    QList<QList<QVariant>> steps;
    const auto job = runRegistration({}, &steps, graph, options);
    QVERIFY(job->hasError()); // the grant is refused
    const QString appId = job->appId();
    QVERIFY(!appId.isEmpty());
    QVERIFY(grantedRoleIds(appId).isEmpty());
    const QJsonObject app = m_sandbox->tenant().state().applications.value(job->createdApplicationId());
    QVERIFY(app.value(QLatin1String("web"))
                .toObject()
                .value(QLatin1String("redirectUris"))
                .toArray()
                .contains(QJsonValue(m_endpoints.consentRedirectUri().toString())));

    const QUrl link = m_endpoints.adminConsentUrl(m_sandbox->tenantId(), appId, m_endpoints.consentRedirectUri());
    SignInBrowser browser;
    const SignInBrowser::Page answer = browser.signIn(link, TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    QCOMPARE(answer.status, 302);
    QCOMPARE(answer.location.adjusted(QUrl::RemoveQuery), m_endpoints.consentRedirectUri());
    const QUrlQuery query(answer.location);
    QCOMPARE(query.queryItemValue(QStringLiteral("admin_consent")), QStringLiteral("True"));
    QCOMPARE(query.queryItemValue(QStringLiteral("tenant")), m_sandbox->tenantId());
    QCOMPARE(browser.get(answer.location).status, 200); // Microsoft's page that says the window can be closed
    QCOMPARE(grantedRoleIds(appId).size(), options.roles.size());
}

void TestAppRegistration::sameNamedForeignAppIsNotTakenOver()
{
    const QString name = QStringLiteral("m365sync shared name");
    const QJsonArray foreignAccess{QJsonObject{
        {QStringLiteral("resourceAppId"), QStringLiteral("00000002-0000-0ff1-ce00-000000000000")},
        {QStringLiteral("resourceAccess"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("dc50a0fb-09a3-484d-be87-e023b12c6440")},
                                {QStringLiteral("type"), QStringLiteral("Role")}}}}}};
    M365::Graph::RequestJob *create = m_graph->send(M365::Graph::Request::withBody(
        "POST",
        QStringLiteral("/applications"),
        QJsonObject{{QStringLiteral("displayName"), name}, {QStringLiteral("requiredResourceAccess"), foreignAccess}}));
    create->setParent(this); // kept after it finished
    QSignalSpy created(create, &M365::Job::finished);
    create->start();
    QVERIFY(created.wait(10000));
    QCOMPARE(create->response().status, 201);
    const QString foreignId = create->response().json.value(QLatin1String("id")).toString();

    AppRegistrationJob::Options options;
    options.displayName = name;
    options.roles = M365::Graph::Features{}.requiredRoles();
    QList<QList<QVariant>> steps;
    const auto first = runRegistration({}, &steps, nullptr, options);
    QVERIFY2(!first->hasError(), qPrintable(first->error().details));
    QVERIFY(!first->reusedExistingApplication());
    QVERIFY(first->applicationObjectId() != foreignId);
    QCOMPARE(applicationsNamed(name), 2);
    const QJsonObject foreign = m_sandbox->tenant().state().applications.value(foreignId);
    QCOMPARE(foreign.value(QLatin1String("requiredResourceAccess")).toArray(), foreignAccess);
    QVERIFY(m_sandbox->tenant()
                .state()
                .applications.value(first->applicationObjectId())
                .value(QLatin1String("tags"))
                .toArray()
                .contains(QJsonValue(QString(AppRegistrationJob::ownerTag))));

    // A rerun without the client id finds its own app by name and tag, not the foreign one.
    steps.clear();
    const auto second = runRegistration({}, &steps, nullptr, options);
    QVERIFY2(!second->hasError(), qPrintable(second->error().details));
    QVERIFY(second->reusedExistingApplication());
    QCOMPARE(second->applicationObjectId(), first->applicationObjectId());
    QCOMPARE(applicationsNamed(name), 2);
}

void TestAppRegistration::firstSignInWaitsForReplication()
{
    // Keys and grants take a while to reach the token service; a check right after registration must wait for them.
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("replicationLagMs"), 1500}}).status,
             200);
    AppRegistrationJob::Options options;
    options.displayName = QStringLiteral("m365sync replication");
    options.roles = M365::Graph::Features{}.requiredRoles();
    options.certificate = m_certificate;
    QList<QList<QVariant>> steps;
    const auto job = runRegistration({}, &steps, nullptr, options);
    QVERIFY2(!job->hasError(), qPrintable(job->error().details));

    const auto check = [&](qint64 waitMs, int *waits) {
        auto *tokens = new TokenProvider(
            &m_nam,
            m_endpoints,
            m_sandbox->tenantId(),
            job->appId(),
            ClientCredential::fromCertificate(m_certificate, job->appId(), ClientAssertion::Algorithm::PS256));
        auto *graph = new GraphClient(&m_nam, m_endpoints, tokens, this);
        tokens->setParent(graph);
        auto *tenantCheck = new M365::Graph::TenantCheckJob(graph, M365::Graph::Features{}, graph);
        tenantCheck->setReplicationWait(waitMs);
        QSignalSpy waiting(tenantCheck, &M365::Graph::TenantCheckJob::waiting);
        QSignalSpy finished(tenantCheck, &M365::Job::finished);
        tenantCheck->start();
        finished.wait(30000);
        *waits = int(waiting.size());
        return tenantCheck;
    };
    int waits = 0;
    const auto *impatient = check(0, &waits);
    QVERIFY(impatient->isFinished());
    QVERIFY(impatient->hasError() || !impatient->report().missingRoles.isEmpty());
    QCOMPARE(waits, 0);
    const auto *patient = check(20000, &waits);
    QVERIFY(patient->isFinished());
    QVERIFY2(!patient->hasError(), qPrintable(patient->error().details));
    QVERIFY(patient->report().missingRoles.isEmpty());
    QVERIFY(waits >= 1);
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("replicationLagMs"), 0}}).status, 200);
}

QTEST_GUILESS_MAIN(TestAppRegistration)
#include "tst_appregistration.moc"
