// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The signed-in administrator's directory roles in the sandbox tenant: what each demo admin may change through a
// delegated token (the token's permission and the user's role both count), the memberships Graph shows for /me, a role
// removed after sign-in, and new credentials and grants that the token service knows only after they replicated.
// Assertion signatures and certificates come from the openssl command-line tool, not the sandbox's own crypto code.

#include "opensslcli.h"
#include "sandboxfixture.h"
#include "tenantstate.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSet>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include <memory>

using M365::Sandbox::TenantState;
namespace DirectoryRoles = M365::Sandbox::DirectoryRoles;
using Reply = SandboxFixture::Reply;
using TestSupport::base64Url;
using TestSupport::runOpenssl;

namespace {

constexpr auto graphScope = "https://graph.microsoft.com/.default";

QJsonObject jwtPayload(const QString &token)
{
    return QJsonDocument::fromJson(
               QByteArray::fromBase64(token.toLatin1().split('.').value(1),
                                      QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
        .object();
}

QStringList rolesClaim(const QString &token)
{
    QStringList roles;
    for (const auto &role : jwtPayload(token).value(QLatin1String("roles")).toArray()) {
        roles.append(role.toString());
    }
    return roles;
}

/// A key pair and self-signed certificate as an admin makes them: `openssl req -x509 -newkey rsa:2048 -nodes`.
struct Certificate
{
    QString keyPath;
    QByteArray der;
};

bool makeCertificate(const QString &directory, const QString &name, Certificate *certificate, QString *error)
{
    certificate->keyPath = directory + QLatin1Char('/') + name + QStringLiteral(".key");
    const QString certPath = directory + QLatin1Char('/') + name + QStringLiteral(".pem");
    QByteArray ignored;
    if (!runOpenssl({QStringLiteral("req"),
                     QStringLiteral("-x509"),
                     QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"),
                     QStringLiteral("-nodes"),
                     QStringLiteral("-sha256"),
                     QStringLiteral("-days"),
                     QStringLiteral("2"),
                     QStringLiteral("-subj"),
                     QStringLiteral("/CN=") + name,
                     QStringLiteral("-keyout"),
                     certificate->keyPath,
                     QStringLiteral("-out"),
                     certPath},
                    {},
                    &ignored,
                    error)) {
        return false;
    }
    QFile file(certPath);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return false;
    }
    certificate->der = QSslCertificate(file.readAll(), QSsl::Pem).toDer();
    return !certificate->der.isEmpty();
}

} // namespace

class TestSandboxRoles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void demoAdminsAreSeeded();
    void delegatedCallsNeedARole_data();
    void delegatedCallsNeedARole();
    void theDelegatedPermissionStillCounts();
    void membersCreateAppsOnlyWhenThePolicyAllows();
    void signInThroughThePageCarriesTheRoles();

    void transitiveMemberOfShowsTheRole_data();
    void transitiveMemberOfShowsTheRole();
    void membershipsOfGroupsAndCasts();
    void membershipsPage();
    void membershipsNeedAPermission();
    void removedRoleCountsAtOnce();
    void adminApiAssignsRoles();

    void newKeyIsUnknownUntilReplicated();
    void newSecretIsUnknownUntilReplicated();
    void newGrantIsMissingFromTheFirstToken();

private:
    /// Does @p operation (a row of delegatedCallsNeedARole) with @p token on objects made for it; the status.
    int perform(const QString &operation, const QString &token, Reply *reply);
    /// A new application (and its service principal when @p withServicePrincipal), made with the demo app's token.
    QJsonObject newApplication(bool withServicePrincipal);
    /// Every entry of a collection, following @odata.nextLink.
    QList<QJsonObject> allPages(const QString &path, const QString &token, int *pages = nullptr);
    QString clientCredentialsToken(const QString &clientId, const QString &secret, Reply *reply = nullptr);
    Reply assertionToken(const QString &clientId, const Certificate &certificate);
    void setReplicationLag(int ms);

    std::unique_ptr<SandboxFixture> m_sandbox;
    QString m_app; ///< the demo app's app-only token
    QHash<QString, QString> m_tokens; ///< demo admin UPN -> delegated token with m_scopes
    QString m_graphSp;
    int m_serial = 0;
    QTemporaryDir m_dir;
    const QStringList m_scopes{QStringLiteral("Application.ReadWrite.All"),
                               QStringLiteral("AppRoleAssignment.ReadWrite.All"),
                               QStringLiteral("Directory.Read.All"),
                               QStringLiteral("Domain.ReadWrite.All"),
                               QStringLiteral("Group.ReadWrite.All"),
                               QStringLiteral("User.ReadWrite.All")};
};

void TestSandboxRoles::initTestCase()
{
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
    m_app = m_sandbox->demoToken();
    QVERIFY(!m_app.isEmpty());
    for (const TenantState::DemoAdmin &admin : TenantState::demoAdmins()) {
        const QString token = m_sandbox->delegatedToken(admin.userPrincipalName, m_scopes);
        QVERIFY2(!token.isEmpty(), qPrintable(admin.userPrincipalName));
        m_tokens.insert(admin.userPrincipalName, token);
    }
    const Reply graph = m_sandbox->graph(
        "GET", QStringLiteral("/servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'"), m_app);
    QCOMPARE(graph.value().size(), 1);
    m_graphSp = graph.value().first().toObject().value(QLatin1String("id")).toString();
}

void TestSandboxRoles::setReplicationLag(int ms)
{
    QCOMPARE(m_sandbox->admin("PUT", QStringLiteral("faults"), {{QStringLiteral("replicationLagMs"), ms}}).status, 200);
}

QJsonObject TestSandboxRoles::newApplication(bool withServicePrincipal)
{
    const Reply app =
        m_sandbox->graph("POST",
                         QStringLiteral("/applications"),
                         m_app,
                         {{QStringLiteral("displayName"), QStringLiteral("roles target %1").arg(++m_serial)}});
    if (app.status != 201) {
        qWarning() << "could not create an application:" << app.body;
        return {};
    }
    QJsonObject out = app.json;
    if (withServicePrincipal) {
        const Reply sp = m_sandbox->graph("POST",
                                          QStringLiteral("/servicePrincipals"),
                                          m_app,
                                          {{QStringLiteral("appId"), app.json.value(QLatin1String("appId"))}});
        out.insert(QStringLiteral("servicePrincipalId"), sp.json.value(QLatin1String("id")));
    }
    return out;
}

void TestSandboxRoles::demoAdminsAreSeeded()
{
    const TenantState &state = m_sandbox->tenant().state();
    const QList<TenantState::DemoAdmin> &admins = TenantState::demoAdmins();
    QCOMPARE(admins.size(), 5);
    QCOMPARE(admins.first().userPrincipalName, TenantState::demoAdminUpn);
    const QStringList upns{TenantState::demoAdminUpn,
                           TenantState::demoPrivilegedRoleAdminUpn,
                           TenantState::demoApplicationAdminUpn,
                           TenantState::demoCloudApplicationAdminUpn,
                           TenantState::demoUserAdminUpn};
    const QStringList roles{DirectoryRoles::globalAdministrator,
                            DirectoryRoles::privilegedRoleAdministrator,
                            DirectoryRoles::applicationAdministrator,
                            DirectoryRoles::cloudApplicationAdministrator,
                            DirectoryRoles::userAdministrator};
    for (int i = 0; i < upns.size(); ++i) {
        QCOMPARE(admins.at(i).userPrincipalName, upns.at(i));
        QCOMPARE(admins.at(i).role, roles.at(i));
        const QString id = state.userIdByUpn(upns.at(i));
        QVERIFY2(!id.isEmpty(), qPrintable(upns.at(i)));
        QCOMPARE(state.directoryRolesOf(id), QStringList{roles.at(i)});
        const QJsonObject user = state.users.value(id);
        QCOMPARE(user.value(QLatin1String("displayName")).toString(),
                 admins.at(i).givenName + QLatin1Char(' ') + admins.at(i).surname);
        // Each can sign in with the one demo password.
        QVERIFY(!m_sandbox->tenant().state().users.value(id).value(QLatin1String("_signInPasswordHash")).isUndefined());
    }
    // The six cloud users of the demo and the five admins.
    QCOMPARE(int(state.users.size()), 10);
}

void TestSandboxRoles::delegatedCallsNeedARole_data()
{
    QTest::addColumn<QString>("admin"); ///< empty: the demo app's app-only token
    QTest::addColumn<QString>("operation");
    QTest::addColumn<int>("status");

    const QString ga = TenantState::demoAdminUpn;
    const QString pra = TenantState::demoPrivilegedRoleAdminUpn;
    const QString appAdmin = TenantState::demoApplicationAdminUpn;
    const QString cloudAdmin = TenantState::demoCloudApplicationAdminUpn;
    const QString userAdmin = TenantState::demoUserAdminUpn;
    // operation, then the expected status for GA, PRA, Application Administrator, Cloud Application Administrator,
    // User Administrator and the app-only token.
    const QList<QPair<QString, QList<int>>> table = {
        {QStringLiteral("create application"), {201, 403, 201, 201, 403, 201}},
        {QStringLiteral("update application"), {204, 403, 204, 204, 403, 204}},
        {QStringLiteral("add a client secret"), {200, 403, 200, 200, 403, 200}},
        {QStringLiteral("delete application"), {204, 403, 204, 204, 403, 204}},
        {QStringLiteral("create service principal"), {201, 403, 201, 201, 403, 201}},
        {QStringLiteral("grant a Microsoft Graph app role"), {201, 201, 403, 403, 403, 201}},
        {QStringLiteral("grant another API's app role"), {201, 201, 201, 201, 201, 201}},
        {QStringLiteral("revoke a Microsoft Graph app role"), {204, 204, 403, 403, 403, 204}},
        {QStringLiteral("add a domain"), {201, 403, 403, 403, 403, 201}},
        {QStringLiteral("create user"), {201, 403, 403, 403, 201, 201}},
        {QStringLiteral("update user"), {204, 403, 403, 403, 204, 204}},
        {QStringLiteral("create group"), {201, 403, 403, 403, 201, 201}},
    };
    const QList<QPair<QString, QString>> callers = {{QStringLiteral("Global Administrator"), ga},
                                                    {QStringLiteral("Privileged Role Administrator"), pra},
                                                    {QStringLiteral("Application Administrator"), appAdmin},
                                                    {QStringLiteral("Cloud Application Administrator"), cloudAdmin},
                                                    {QStringLiteral("User Administrator"), userAdmin},
                                                    {QStringLiteral("app-only"), QString()}};
    for (const auto &row : table) {
        for (int i = 0; i < callers.size(); ++i) {
            QTest::addRow("%s: %s", qPrintable(callers.at(i).first), qPrintable(row.first))
                << callers.at(i).second << row.first << row.second.at(i);
        }
    }
}

int TestSandboxRoles::perform(const QString &operation, const QString &token, Reply *reply)
{
    const QString serial = QString::number(++m_serial);
    if (operation == QLatin1String("create application")) {
        *reply = m_sandbox->graph("POST",
                                  QStringLiteral("/applications"),
                                  token,
                                  {{QStringLiteral("displayName"), QString(QStringLiteral("created ") + serial)}});
    } else if (operation == QLatin1String("update application")) {
        const QJsonObject app = newApplication(false);
        *reply = m_sandbox->graph("PATCH",
                                  QStringLiteral("/applications/") + app.value(QLatin1String("id")).toString(),
                                  token,
                                  {{QStringLiteral("displayName"), QStringLiteral("renamed")}});
    } else if (operation == QLatin1String("add a client secret")) {
        const QJsonObject app = newApplication(false);
        *reply = m_sandbox->graph(
            "POST",
            QStringLiteral("/applications/%1/addPassword").arg(app.value(QLatin1String("id")).toString()),
            token,
            {{QStringLiteral("passwordCredential"),
              QJsonObject{{QStringLiteral("displayName"), QStringLiteral("roles test")}}}});
    } else if (operation == QLatin1String("delete application")) {
        const QJsonObject app = newApplication(false);
        *reply = m_sandbox->graph(
            "DELETE", QStringLiteral("/applications/") + app.value(QLatin1String("id")).toString(), token);
    } else if (operation == QLatin1String("create service principal")) {
        const QJsonObject app = newApplication(false);
        *reply = m_sandbox->graph("POST",
                                  QStringLiteral("/servicePrincipals"),
                                  token,
                                  {{QStringLiteral("appId"), app.value(QLatin1String("appId"))}});
    } else if (operation == QLatin1String("grant a Microsoft Graph app role")
               || operation == QLatin1String("revoke a Microsoft Graph app role")) {
        const QJsonObject app = newApplication(true);
        const QJsonObject assignment{
            {QStringLiteral("principalId"), app.value(QLatin1String("servicePrincipalId"))},
            {QStringLiteral("resourceId"), m_graphSp},
            {QStringLiteral("appRoleId"), M365::Sandbox::MicrosoftGraph::appRoleId(QStringLiteral("User.Read.All"))}};
        const bool grant = operation.startsWith(QLatin1String("grant"));
        *reply = m_sandbox->graph("POST",
                                  QStringLiteral("/servicePrincipals/%1/appRoleAssignedTo").arg(m_graphSp),
                                  grant ? token : m_app,
                                  assignment);
        if (!grant && reply->status == 201) {
            *reply = m_sandbox->graph("DELETE",
                                      QStringLiteral("/servicePrincipals/%1/appRoleAssignedTo/%2")
                                          .arg(m_graphSp, reply->json.value(QLatin1String("id")).toString()),
                                      token);
        }
    } else if (operation == QLatin1String("grant another API's app role")) {
        const Reply api =
            m_sandbox->admin("POST",
                             QStringLiteral("applications"),
                             {{QStringLiteral("displayName"), QString(QStringLiteral("api ") + serial)},
                              {QStringLiteral("exposedRoles"), QJsonArray{QStringLiteral("Report.Read")}}});
        const QString resourceId = api.json.value(QLatin1String("servicePrincipalId")).toString();
        const QJsonObject client = newApplication(true);
        *reply = m_sandbox->graph(
            "POST",
            QStringLiteral("/servicePrincipals/%1/appRoleAssignedTo").arg(resourceId),
            token,
            {{QStringLiteral("principalId"), client.value(QLatin1String("servicePrincipalId"))},
             {QStringLiteral("resourceId"), resourceId},
             {QStringLiteral("appRoleId"),
              api.json.value(QLatin1String("appRoleIds")).toObject().value(QLatin1String("Report.Read"))}});
    } else if (operation == QLatin1String("add a domain")) {
        *reply = m_sandbox->graph(
            "POST",
            QStringLiteral("/domains"),
            token,
            {{QStringLiteral("id"), QString(QStringLiteral("roles") + serial + QStringLiteral(".example.com"))}});
    } else if (operation == QLatin1String("create user")) {
        *reply = m_sandbox->graph(
            "POST", QStringLiteral("/users"), token, SandboxFixture::newUserBody(QStringLiteral("roles") + serial));
    } else if (operation == QLatin1String("update user")) {
        const QString alex = m_sandbox->tenant().state().userIdByUpn(QStringLiteral("AlexW@contoso.onmicrosoft.com"));
        *reply = m_sandbox->graph("PATCH",
                                  QStringLiteral("/users/") + alex,
                                  token,
                                  {{QStringLiteral("jobTitle"), QString(QStringLiteral("Assistant ") + serial)}});
    } else if (operation == QLatin1String("create group")) {
        *reply = m_sandbox->graph("POST",
                                  QStringLiteral("/groups"),
                                  token,
                                  {{QStringLiteral("displayName"), QString(QStringLiteral("Roles ") + serial)},
                                   {QStringLiteral("mailEnabled"), false},
                                   {QStringLiteral("mailNickname"), QString(QStringLiteral("roles") + serial)},
                                   {QStringLiteral("securityEnabled"), true}});
    } else {
        qWarning() << "unknown operation" << operation;
        return -1;
    }
    return reply->status;
}

void TestSandboxRoles::delegatedCallsNeedARole()
{
    QFETCH(QString, admin);
    QFETCH(QString, operation);
    QFETCH(int, status);
    const QString token = admin.isEmpty() ? m_app : m_tokens.value(admin);
    QVERIFY(!token.isEmpty());
    Reply reply;
    const int answered = perform(operation, token, &reply);
    QVERIFY2(answered == status, reply.body.constData());
    if (status == 403) {
        QCOMPARE(reply.errorCode(), QStringLiteral("Authorization_RequestDenied"));
        QCOMPARE(reply.errorMessage(), QStringLiteral("Insufficient privileges to complete the operation."));
    }
}

void TestSandboxRoles::theDelegatedPermissionStillCounts()
{
    // The role alone is not enough: the token must also carry the delegated permission.
    const QString readOnly =
        m_sandbox->delegatedToken(TenantState::demoAdminUpn, {QStringLiteral("Directory.Read.All")});
    Reply reply;
    QCOMPARE(perform(QStringLiteral("create application"), readOnly, &reply), 403);
    QCOMPARE(perform(QStringLiteral("create user"), readOnly, &reply), 403);
    // A user with neither role nor policy may still read the directory.
    const QString pra = m_tokens.value(TenantState::demoPrivilegedRoleAdminUpn);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/applications?$top=1"), pra).status, 200);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users?$top=1"), pra).status, 200);
}

void TestSandboxRoles::membersCreateAppsOnlyWhenThePolicyAllows()
{
    const QString policyReader = m_sandbox->tokenWithRoles({QStringLiteral("Policy.Read.All")});
    const Reply policy = m_sandbox->graph("GET", QStringLiteral("/policies/authorizationPolicy"), policyReader);
    QVERIFY2(policy.status == 200, policy.body.constData());
    const QJsonObject defaults = policy.json.value(QLatin1String("defaultUserRolePermissions")).toObject();
    QCOMPARE(defaults.value(QLatin1String("allowedToCreateApps")), QJsonValue(false));
    QCOMPARE(defaults.value(QLatin1String("allowedToCreateSecurityGroups")), QJsonValue(false));
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/policies/authorizationPolicy"), m_app).status, 403);

    const QString userAdmin = m_tokens.value(TenantState::demoUserAdminUpn);
    Reply reply;
    QCOMPARE(perform(QStringLiteral("create application"), userAdmin, &reply), 403);

    // "Users can register applications": a member user may create one and then owns it.
    const Reply changed = m_sandbox->admin(
        "PUT",
        QStringLiteral("authorizationPolicy"),
        {{QStringLiteral("defaultUserRolePermissions"), QJsonObject{{QStringLiteral("allowedToCreateApps"), true}}}});
    QCOMPARE(changed.status, 200);
    QCOMPARE(perform(QStringLiteral("create application"), userAdmin, &reply), 201);
    const QString own = reply.json.value(QLatin1String("id")).toString();
    QCOMPARE(m_sandbox
                 ->graph("PATCH",
                         QStringLiteral("/applications/") + own,
                         userAdmin,
                         {{QStringLiteral("displayName"), QStringLiteral("mine")}})
                 .status,
             204);
    // An owner manages only what they own.
    QCOMPARE(perform(QStringLiteral("update application"), userAdmin, &reply), 403);
    const QJsonObject someoneElses = newApplication(false);
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/servicePrincipals"),
                         userAdmin,
                         {{QStringLiteral("appId"), someoneElses.value(QLatin1String("appId"))}})
                 .status,
             403);
    const Reply ownApp = m_sandbox->graph("GET", QStringLiteral("/applications/") + own, m_app);
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/servicePrincipals"),
                         userAdmin,
                         {{QStringLiteral("appId"), ownApp.json.value(QLatin1String("appId"))}})
                 .status,
             201);
    // Owners are not shown as a property.
    QVERIFY(!ownApp.json.contains(QLatin1String("_owners")));
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/applications/") + own, userAdmin).status, 204);

    QCOMPARE(m_sandbox
                 ->admin("PUT",
                         QStringLiteral("authorizationPolicy"),
                         {{QStringLiteral("defaultUserRolePermissions"),
                           QJsonObject{{QStringLiteral("allowedToCreateApps"), false}}}})
                 .status,
             200);
    QCOMPARE(perform(QStringLiteral("create application"), userAdmin, &reply), 403);
}

void TestSandboxRoles::signInThroughThePageCarriesTheRoles()
{
    QString error;
    const QString token = m_sandbox->signIn(
        TenantState::demoAdminUpn, TenantState::demoAdminPassword, QString::fromLatin1(graphScope), &error);
    QVERIFY2(!token.isEmpty(), qPrintable(error));
    const QJsonObject claims = jwtPayload(token);
    QCOMPARE(claims.value(QLatin1String("idtyp")).toString(), QStringLiteral("user"));
    QCOMPARE(claims.value(QLatin1String("oid")).toString(),
             m_sandbox->tenant().state().userIdByUpn(TenantState::demoAdminUpn));
    // The setup client's default permissions, and the Global Administrator's role.
    const Reply memberships = m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf"), token);
    QVERIFY2(memberships.status == 200, memberships.body.constData());
    QStringList templates;
    for (const auto &entry : memberships.value()) {
        templates.append(entry.toObject().value(QLatin1String("roleTemplateId")).toString());
    }
    QVERIFY(templates.contains(DirectoryRoles::byName(DirectoryRoles::globalAdministrator)->templateId));
    Reply reply;
    QCOMPARE(perform(QStringLiteral("create application"), token, &reply), 201);
    QCOMPARE(perform(QStringLiteral("grant a Microsoft Graph app role"), token, &reply), 201);
}

void TestSandboxRoles::transitiveMemberOfShowsTheRole_data()
{
    QTest::addColumn<QString>("upn");
    QTest::addColumn<QString>("templateId");
    QTest::addColumn<QString>("displayName");
    // Template ids from entra-docs docs/identity/role-based-access-control/permissions-reference.md.
    QTest::newRow("Global Administrator")
        << TenantState::demoAdminUpn << QStringLiteral("62e90394-69f5-4237-9190-012177145e10")
        << QStringLiteral("Global Administrator");
    QTest::newRow("Privileged Role Administrator")
        << TenantState::demoPrivilegedRoleAdminUpn << QStringLiteral("e8611ab8-c189-46e8-94e1-60213ab1f814")
        << QStringLiteral("Privileged Role Administrator");
    QTest::newRow("Application Administrator")
        << TenantState::demoApplicationAdminUpn << QStringLiteral("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3")
        << QStringLiteral("Application Administrator");
    QTest::newRow("Cloud Application Administrator")
        << TenantState::demoCloudApplicationAdminUpn << QStringLiteral("158c047a-c907-4556-b7ef-446551a6b5f7")
        << QStringLiteral("Cloud Application Administrator");
    QTest::newRow("User Administrator") << TenantState::demoUserAdminUpn
                                        << QStringLiteral("fe930be7-5e62-47db-91af-98c3a49a38b1")
                                        << QStringLiteral("User Administrator");
}

void TestSandboxRoles::transitiveMemberOfShowsTheRole()
{
    QFETCH(QString, upn);
    QFETCH(QString, templateId);
    QFETCH(QString, displayName);
    // What the client asks: no query options, entries told apart by @odata.type.
    const Reply reply = m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf"), m_tokens.value(upn));
    QVERIFY2(reply.status == 200, reply.body.constData());
    QVERIFY(reply.json.value(QLatin1String("@odata.context")).toString().endsWith(QLatin1String("#directoryObjects")));
    QList<QJsonObject> roles;
    for (const auto &entry : reply.value()) {
        if (entry.toObject().value(QLatin1String("@odata.type")).toString()
            == QLatin1String("#microsoft.graph.directoryRole")) {
            roles.append(entry.toObject());
        }
    }
    QCOMPARE(roles.size(), 1);
    const QJsonObject role = roles.first();
    QCOMPARE(role.value(QLatin1String("roleTemplateId")).toString(), templateId);
    QCOMPARE(role.value(QLatin1String("displayName")).toString(), displayName);
    QVERIFY(!role.value(QLatin1String("description")).toString().isEmpty());
    // The activated role is an object of its own: its id is not the template's.
    const QString roleId = role.value(QLatin1String("id")).toString();
    QVERIFY(!roleId.isEmpty() && roleId != templateId);
    QVERIFY(role.value(QLatin1String("deletedDateTime")).isNull());

    // /directoryRoles shows the same role, with the user as a member.
    const QString reader = m_sandbox->tokenWithRoles({QStringLiteral("RoleManagement.Read.Directory")});
    const Reply listed = m_sandbox->graph("GET", QStringLiteral("/directoryRoles?$expand=members"), reader);
    QCOMPARE(listed.status, 200);
    bool found = false;
    for (const auto &entry : listed.value()) {
        const QJsonObject activated = entry.toObject();
        if (activated.value(QLatin1String("id")).toString() != roleId) {
            continue;
        }
        found = true;
        QCOMPARE(activated.value(QLatin1String("roleTemplateId")).toString(), templateId);
        QStringList members;
        for (const auto &member : activated.value(QLatin1String("members")).toArray()) {
            members.append(member.toObject().value(QLatin1String("id")).toString());
        }
        QVERIFY(members.contains(m_sandbox->tenant().state().userIdByUpn(upn)));
    }
    QVERIFY(found);

    // The same for /users/{id} with an app-only token.
    const Reply byId =
        m_sandbox->graph("GET",
                         QStringLiteral("/users/%1/transitiveMemberOf/microsoft.graph.directoryRole").arg(upn),
                         m_sandbox->tokenWithRoles({QStringLiteral("Directory.Read.All")}));
    QVERIFY2(byId.status == 200, byId.body.constData());
    QCOMPARE(byId.value().size(), 1);
    QCOMPARE(byId.value().first().toObject().value(QLatin1String("roleTemplateId")).toString(), templateId);
}

void TestSandboxRoles::membershipsOfGroupsAndCasts()
{
    // The User Administrator in "Inner", and "Inner" in "Outer".
    const QString userId = m_sandbox->tenant().state().userIdByUpn(TenantState::demoUserAdminUpn);
    const auto createGroup = [this](const QString &name) {
        return m_sandbox
            ->graph("POST",
                    QStringLiteral("/groups"),
                    m_app,
                    {{QStringLiteral("displayName"), name},
                     {QStringLiteral("mailEnabled"), false},
                     {QStringLiteral("mailNickname"), name.toLower()},
                     {QStringLiteral("securityEnabled"), true}})
            .json.value(QLatin1String("id"))
            .toString();
    };
    const auto addMember = [this](const QString &group, const QString &member) {
        return m_sandbox
            ->graph("POST",
                    QStringLiteral("/groups/%1/members/$ref").arg(group),
                    m_app,
                    {{QStringLiteral("@odata.id"),
                      QString(QStringLiteral("https://graph.microsoft.com/v1.0/directoryObjects/") + member)}})
            .status;
    };
    const QString inner = createGroup(QStringLiteral("Inner"));
    const QString outer = createGroup(QStringLiteral("Outer"));
    QCOMPARE(addMember(inner, userId), 204);
    QCOMPARE(addMember(outer, inner), 204);

    const QString token = m_tokens.value(TenantState::demoUserAdminUpn);
    const auto ids = [](const Reply &reply, const QString &type = {}) {
        QSet<QString> out;
        for (const auto &entry : reply.value()) {
            if (type.isEmpty() || entry.toObject().value(QLatin1String("@odata.type")).toString() == type) {
                out.insert(entry.toObject().value(QLatin1String("id")).toString());
            }
        }
        return out;
    };
    const QString group = QStringLiteral("#microsoft.graph.group");
    const QString role = QStringLiteral("#microsoft.graph.directoryRole");
    const Reply direct = m_sandbox->graph("GET", QStringLiteral("/me/memberOf"), token);
    QVERIFY2(direct.status == 200, direct.body.constData());
    QCOMPARE(ids(direct, group), QSet<QString>{inner});
    QCOMPARE(ids(direct, role).size(), 1);
    const Reply transitive = m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf"), token);
    QCOMPARE(ids(transitive, group), (QSet<QString>{inner, outer}));
    QCOMPARE(ids(transitive, role), ids(direct, role));
    // The groups come with their properties.
    for (const auto &entry : transitive.value()) {
        if (entry.toObject().value(QLatin1String("id")).toString() == outer) {
            QCOMPARE(entry.toObject().value(QLatin1String("displayName")).toString(), QStringLiteral("Outer"));
        }
    }

    // An OData cast keeps one type.
    const Reply groups = m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf/microsoft.graph.group"), token);
    QVERIFY2(groups.status == 200, groups.body.constData());
    QCOMPARE(ids(groups), (QSet<QString>{inner, outer}));
    QVERIFY(groups.json.value(QLatin1String("@odata.context")).toString().endsWith(QLatin1String("#groups")));
    const Reply roles =
        m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf/microsoft.graph.directoryRole"), token);
    QCOMPARE(roles.status, 200);
    QCOMPARE(ids(roles), ids(direct, role));
    QCOMPARE(roles.value().first().toObject().value(QLatin1String("roleTemplateId")).toString(),
             DirectoryRoles::byName(DirectoryRoles::userAdministrator)->templateId);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/me/memberOf/microsoft.graph.device"), token).status, 400);

    // A cast with another query option is an advanced query: ConsistencyLevel: eventual and $count=true.
    const Reply plain =
        m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf/microsoft.graph.group?$top=5"), token);
    QCOMPARE(plain.status, 400);
    QCOMPARE(plain.errorCode(), QStringLiteral("Request_UnsupportedQuery"));
    const Reply counted = m_sandbox->graph("GET",
                                           QStringLiteral("/me/transitiveMemberOf/microsoft.graph.group?$count=true"),
                                           token,
                                           {},
                                           {{"ConsistencyLevel", "eventual"}});
    QVERIFY2(counted.status == 200, counted.body.constData());
    QCOMPARE(counted.json.value(QLatin1String("@odata.count")).toInt(), 2);

    // Another user's memberships through /users/{id}.
    const Reply byId = m_sandbox->graph("GET", QStringLiteral("/users/%1/memberOf").arg(userId), m_app);
    QVERIFY2(byId.status == 200, byId.body.constData());
    QCOMPARE(ids(byId, group), QSet<QString>{inner});
}

QList<QJsonObject> TestSandboxRoles::allPages(const QString &path, const QString &token, int *pages)
{
    QList<QJsonObject> entries;
    QString next = path;
    int count = 0;
    while (!next.isEmpty() && count < 50) {
        const Reply page = m_sandbox->graph("GET", next, token);
        if (page.status != 200) {
            qWarning() << "page" << count << "answered" << page.status << page.body;
            return {};
        }
        ++count;
        for (const auto &entry : page.value()) {
            entries.append(entry.toObject());
        }
        const QString link = page.json.value(QLatin1String("@odata.nextLink")).toString();
        const QString root = m_sandbox->baseUrl() + QStringLiteral("/v1.0");
        next = link.isEmpty() ? QString() : link.mid(root.size());
    }
    if (pages) {
        *pages = count;
    }
    return entries;
}

void TestSandboxRoles::membershipsPage()
{
    // The Cloud Application Administrator in seven groups and one role: pages of three, linked by @odata.nextLink.
    const QString userId = m_sandbox->tenant().state().userIdByUpn(TenantState::demoCloudApplicationAdminUpn);
    QSet<QString> expected;
    for (int i = 0; i < 7; ++i) {
        const Reply group = m_sandbox->graph("POST",
                                             QStringLiteral("/groups"),
                                             m_app,
                                             {{QStringLiteral("displayName"), QStringLiteral("Paged %1").arg(i)},
                                              {QStringLiteral("mailEnabled"), false},
                                              {QStringLiteral("mailNickname"), QStringLiteral("paged%1").arg(i)},
                                              {QStringLiteral("securityEnabled"), true}});
        QCOMPARE(group.status, 201);
        const QString groupId = group.json.value(QLatin1String("id")).toString();
        expected.insert(groupId);
        QCOMPARE(m_sandbox
                     ->graph("POST",
                             QStringLiteral("/groups/%1/members/$ref").arg(groupId),
                             m_app,
                             {{QStringLiteral("@odata.id"),
                               QString(QStringLiteral("https://graph.microsoft.com/v1.0/users/") + userId)}})
                     .status,
                 204);
    }
    int pages = 0;
    const QList<QJsonObject> entries = allPages(
        QStringLiteral("/me/memberOf?$top=3"), m_tokens.value(TenantState::demoCloudApplicationAdminUpn), &pages);
    QCOMPARE(pages, 3);
    QCOMPARE(entries.size(), 8);
    QSet<QString> groups;
    int roles = 0;
    for (const QJsonObject &entry : entries) {
        if (entry.value(QLatin1String("@odata.type")).toString() == QLatin1String("#microsoft.graph.group")) {
            groups.insert(entry.value(QLatin1String("id")).toString());
        } else {
            ++roles;
        }
    }
    QCOMPARE(groups, expected);
    QCOMPARE(roles, 1);
}

void TestSandboxRoles::membershipsNeedAPermission()
{
    // User.Read is enough for one's own memberships; groups and roles then come with their type and id only.
    const QString basic = m_sandbox->delegatedToken(TenantState::demoUserAdminUpn, {QStringLiteral("User.Read")});
    const Reply own = m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf"), basic);
    QVERIFY2(own.status == 200, own.body.constData());
    QVERIFY(!own.value().isEmpty());
    for (const auto &entry : own.value()) {
        const QJsonObject object = entry.toObject();
        QVERIFY(!object.value(QLatin1String("id")).toString().isEmpty());
        QVERIFY(!object.value(QLatin1String("@odata.type")).toString().isEmpty());
        QVERIFY(object.value(QLatin1String("displayName")).isNull());
        if (object.value(QLatin1String("@odata.type")).toString() == QLatin1String("#microsoft.graph.directoryRole")) {
            QVERIFY(object.value(QLatin1String("roleTemplateId")).isNull());
        }
    }
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/me"), basic).status, 200);
    // ... but not for anyone else's.
    const QString other = m_sandbox->tenant().state().userIdByUpn(TenantState::demoAdminUpn);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users/%1/memberOf").arg(other), basic).status, 403);
    // A delegated token without any of the permissions, and an app-only token for /me.
    const QString unrelated =
        m_sandbox->delegatedToken(TenantState::demoUserAdminUpn, {QStringLiteral("Domain.Read.All")});
    const Reply refused = m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf"), unrelated);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.errorCode(), QStringLiteral("Authorization_RequestDenied"));
    const Reply appOnly = m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf"), m_app);
    QCOMPARE(appOnly.status, 400);
    QVERIFY(appOnly.errorMessage().contains(QLatin1String("delegated authentication flow")));
}

void TestSandboxRoles::removedRoleCountsAtOnce()
{
    const QString upn = TenantState::demoApplicationAdminUpn;
    const QString token = m_sandbox->delegatedToken(upn, m_scopes);
    Reply reply;
    QCOMPARE(perform(QStringLiteral("create application"), token, &reply), 201);

    // The role goes while the token is still valid: the next call is refused, and /me shows no role.
    const QString path = QStringLiteral("users/%1/directoryRoles").arg(upn);
    QCOMPARE(m_sandbox->admin("PUT", path, {{QStringLiteral("roles"), QJsonArray{}}}).status, 200);
    QCOMPARE(perform(QStringLiteral("create application"), token, &reply), 403);
    const Reply roles =
        m_sandbox->graph("GET", QStringLiteral("/me/transitiveMemberOf/microsoft.graph.directoryRole"), token);
    QCOMPARE(roles.status, 200);
    QVERIFY(roles.value().isEmpty());

    // Given back, it counts at once too.
    QCOMPARE(
        m_sandbox->admin("POST", path, {{QStringLiteral("role"), DirectoryRoles::applicationAdministrator}}).status,
        200);
    QCOMPARE(perform(QStringLiteral("create application"), token, &reply), 201);
}

void TestSandboxRoles::adminApiAssignsRoles()
{
    // The Privileged Role Administrator also becomes User Administrator, and may then create users.
    const QString upn = TenantState::demoPrivilegedRoleAdminUpn;
    const QString path = QStringLiteral("users/%1/directoryRoles").arg(upn);
    Reply reply;
    QCOMPARE(perform(QStringLiteral("create user"), m_tokens.value(upn), &reply), 403);
    const Reply assigned =
        m_sandbox->admin("POST", path, {{QStringLiteral("role"), DirectoryRoles::userAdministrator}});
    QCOMPARE(assigned.status, 200);
    QCOMPARE(assigned.json.value(QLatin1String("directoryRoles")).toArray(),
             (QJsonArray{DirectoryRoles::privilegedRoleAdministrator, DirectoryRoles::userAdministrator}));
    // Assigning a role the user holds changes nothing.
    QCOMPARE(m_sandbox->admin("POST", path, {{QStringLiteral("role"), DirectoryRoles::userAdministrator}})
                 .json.value(QLatin1String("directoryRoles"))
                 .toArray()
                 .size(),
             2);
    QCOMPARE(perform(QStringLiteral("create user"), m_tokens.value(upn), &reply), 201);
    QCOMPARE(m_sandbox->admin("POST", path, {{QStringLiteral("role"), QStringLiteral("Chief Wizard")}}).status, 400);
    QCOMPARE(m_sandbox
                 ->admin("POST",
                         QStringLiteral("users/nobody@contoso.onmicrosoft.com/directoryRoles"),
                         {{QStringLiteral("role"), DirectoryRoles::userAdministrator}})
                 .status,
             404);
    QCOMPARE(
        m_sandbox
            ->admin("PUT", path, {{QStringLiteral("roles"), QJsonArray{DirectoryRoles::privilegedRoleAdministrator}}})
            .status,
        200);
    QCOMPARE(perform(QStringLiteral("create user"), m_tokens.value(upn), &reply), 403);
}

QString TestSandboxRoles::clientCredentialsToken(const QString &clientId, const QString &secret, Reply *reply)
{
    const Reply answer = m_sandbox->token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                           {QStringLiteral("client_id"), clientId},
                                           {QStringLiteral("client_secret"), secret},
                                           {QStringLiteral("scope"), QString::fromLatin1(graphScope)}});
    if (reply) {
        *reply = answer;
    }
    return answer.json.value(QLatin1String("access_token")).toString();
}

Reply TestSandboxRoles::assertionToken(const QString &clientId, const Certificate &certificate)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject header{
        {QStringLiteral("alg"), QStringLiteral("RS256")},
        {QStringLiteral("typ"), QStringLiteral("JWT")},
        {QStringLiteral("x5t"),
         QString::fromLatin1(base64Url(QCryptographicHash::hash(certificate.der, QCryptographicHash::Sha1)))}};
    const QJsonObject claims{{QStringLiteral("aud"),
                              QString(m_sandbox->baseUrl() + QLatin1Char('/') + m_sandbox->tenantId()
                                      + QStringLiteral("/oauth2/v2.0/token"))},
                             {QStringLiteral("exp"), now + 600},
                             {QStringLiteral("iss"), clientId},
                             {QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                             {QStringLiteral("nbf"), now},
                             {QStringLiteral("sub"), clientId}};
    const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    QByteArray signature;
    QString error;
    if (!runOpenssl({QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-sign"), certificate.keyPath},
                    input,
                    &signature,
                    &error)) {
        qWarning() << error;
        return {};
    }
    return m_sandbox->token(
        {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
         {QStringLiteral("client_id"), clientId},
         {QStringLiteral("scope"), QString::fromLatin1(graphScope)},
         {QStringLiteral("client_assertion_type"),
          QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")},
         {QStringLiteral("client_assertion"), QString::fromLatin1(input + '.' + base64Url(signature))}});
}

void TestSandboxRoles::newKeyIsUnknownUntilReplicated()
{
    Certificate first;
    Certificate second;
    QString error;
    QVERIFY2(makeCertificate(m_dir.path(), QStringLiteral("first"), &first, &error), qPrintable(error));
    QVERIFY2(makeCertificate(m_dir.path(), QStringLiteral("second"), &second, &error), qPrintable(error));
    QFile pem(m_dir.path() + QStringLiteral("/first.pem"));
    QVERIFY(pem.open(QIODevice::ReadOnly));
    const Reply app = m_sandbox->admin("POST",
                                       QStringLiteral("applications"),
                                       {{QStringLiteral("displayName"), QStringLiteral("rolling keys")},
                                        {QStringLiteral("certificatePem"), QString::fromLatin1(pem.readAll())}});
    QCOMPARE(app.status, 201);
    const QString clientId = app.json.value(QLatin1String("appId")).toString();
    const QString objectId = app.json.value(QLatin1String("objectId")).toString();
    QCOMPARE(assertionToken(clientId, first).status, 200);

    // The second certificate goes on through Graph while new objects take 1.5 s to replicate.
    constexpr int lagMs = 1500;
    setReplicationLag(lagMs);
    const Reply current = m_sandbox->graph("GET", QStringLiteral("/applications/") + objectId, m_app);
    const QString firstKeyId = current.json.value(QLatin1String("keyCredentials"))
                                   .toArray()
                                   .first()
                                   .toObject()
                                   .value(QLatin1String("keyId"))
                                   .toString();
    const Reply patched = m_sandbox->graph(
        "PATCH",
        QStringLiteral("/applications/") + objectId,
        m_app,
        {{QStringLiteral("keyCredentials"),
          QJsonArray{QJsonObject{{QStringLiteral("keyId"), firstKeyId}},
                     QJsonObject{{QStringLiteral("type"), QStringLiteral("AsymmetricX509Cert")},
                                 {QStringLiteral("usage"), QStringLiteral("Verify")},
                                 {QStringLiteral("key"), QString::fromLatin1(second.der.toBase64())}}}}});
    QVERIFY2(patched.status == 204, patched.body.constData());
    QElapsedTimer since;
    since.start();

    // Graph shows the key at once; the token service does not know it yet, as if it were not registered.
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/applications/") + objectId, m_app)
                 .json.value(QLatin1String("keyCredentials"))
                 .toArray()
                 .size(),
             2);
    const Reply early = assertionToken(clientId, second);
    QVERIFY2(since.elapsed() < lagMs, "the machine was too slow to ask before the key replicated");
    QCOMPARE(early.status, 401);
    QCOMPARE(early.json.value(QLatin1String("error")).toString(), QStringLiteral("invalid_client"));
    QCOMPARE(early.json.value(QLatin1String("error_codes")).toArray().first().toInt(), 700027);
    QVERIFY2(early.json.value(QLatin1String("error_description"))
                 .toString()
                 .contains(QLatin1String("The key was not found")),
             early.body.constData());
    // The key it had still works meanwhile.
    QCOMPARE(assertionToken(clientId, first).status, 200);
    // Once replicated, the new key signs in.
    QTRY_COMPARE_WITH_TIMEOUT(assertionToken(clientId, second).status, 200, lagMs * 10);
    QVERIFY(since.elapsed() >= lagMs);
    setReplicationLag(0);
}

void TestSandboxRoles::newSecretIsUnknownUntilReplicated()
{
    const Reply app = m_sandbox->admin(
        "POST",
        QStringLiteral("applications"),
        {{QStringLiteral("displayName"), QStringLiteral("new secret")}, {QStringLiteral("withSecret"), true}});
    QCOMPARE(app.status, 201);
    const QString clientId = app.json.value(QLatin1String("appId")).toString();
    constexpr int lagMs = 1500;
    setReplicationLag(lagMs);
    QElapsedTimer since;
    since.start();
    const Reply added = m_sandbox->graph(
        "POST",
        QStringLiteral("/applications/%1/addPassword").arg(app.json.value(QLatin1String("objectId")).toString()),
        m_app,
        {{QStringLiteral("passwordCredential"), QJsonObject{{QStringLiteral("displayName"), QStringLiteral("new")}}}});
    QCOMPARE(added.status, 200);
    const QString secret = added.json.value(QLatin1String("secretText")).toString();
    Reply early;
    clientCredentialsToken(clientId, secret, &early);
    QVERIFY2(since.elapsed() < lagMs, "the machine was too slow to ask before the secret replicated");
    QCOMPARE(early.status, 401);
    QCOMPARE(early.json.value(QLatin1String("error_codes")).toArray().first().toInt(), 7000215);
    // The secret it had still works.
    QVERIFY(!clientCredentialsToken(clientId, app.json.value(QLatin1String("clientSecret")).toString()).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!clientCredentialsToken(clientId, secret).isEmpty(), lagMs * 10);
    setReplicationLag(0);
}

void TestSandboxRoles::newGrantIsMissingFromTheFirstToken()
{
    const Reply app = m_sandbox->admin(
        "POST",
        QStringLiteral("applications"),
        {{QStringLiteral("displayName"), QStringLiteral("new grant")}, {QStringLiteral("withSecret"), true}});
    QCOMPARE(app.status, 201);
    const QString clientId = app.json.value(QLatin1String("appId")).toString();
    const QString secret = app.json.value(QLatin1String("clientSecret")).toString();
    QCOMPARE(rolesClaim(clientCredentialsToken(clientId, secret)), QStringList());

    constexpr int lagMs = 1500;
    setReplicationLag(lagMs);
    QElapsedTimer since;
    since.start();
    const Reply granted = m_sandbox->graph(
        "POST",
        QStringLiteral("/servicePrincipals/%1/appRoleAssignedTo").arg(m_graphSp),
        m_app,
        {{QStringLiteral("principalId"), app.json.value(QLatin1String("servicePrincipalId"))},
         {QStringLiteral("resourceId"), m_graphSp},
         {QStringLiteral("appRoleId"), M365::Sandbox::MicrosoftGraph::appRoleId(QStringLiteral("User.Read.All"))}});
    QVERIFY2(granted.status == 201, granted.body.constData());

    // The first token after the grant has no roles yet, so Graph refuses it.
    const QString first = clientCredentialsToken(clientId, secret);
    QVERIFY2(since.elapsed() < lagMs, "the machine was too slow to ask before the grant replicated");
    QVERIFY(!first.isEmpty());
    QCOMPARE(rolesClaim(first), QStringList());
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users?$top=1"), first).status, 403);
    // A later one has the role.
    QTRY_COMPARE_WITH_TIMEOUT(
        rolesClaim(clientCredentialsToken(clientId, secret)), QStringList{QStringLiteral("User.Read.All")}, lagMs * 10);
    QVERIFY(since.elapsed() >= lagMs);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/users?$top=1"), clientCredentialsToken(clientId, secret)).status,
             200);
    setReplicationLag(0);
}

QTEST_GUILESS_MAIN(TestSandboxRoles)
#include "tst_sandboxroles.moc"
