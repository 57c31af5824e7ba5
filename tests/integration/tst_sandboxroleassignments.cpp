// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Directory role assignments through /roleManagement/directory: the demo administrators' roles as unifiedRoleAssignment
// objects with Microsoft's ids, $filter on roleDefinitionId and principalId, $expand=principal, a role given to a
// role-assignable group (its members hold the role, /directoryRoles lists the group), the role definitions and the
// permissions.

#include "sandboxfixture.h"
#include "tenantstate.h"

#include <QTest>

#include <memory>

using M365::Sandbox::TenantState;
namespace DirectoryRoles = M365::Sandbox::DirectoryRoles;
using Reply = SandboxFixture::Reply;

namespace {
const QString globalAdministrator = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
const QString groupsAdministrator = QStringLiteral("fdd7a751-b60b-444a-984c-02652fe8fa1c");
} // namespace

class TestSandboxRoleAssignments : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void demoAdminsAreAssignments();
    void filterAndExpandPrincipal();
    void roleOfAGroup();
    void roleDefinitions();
    void permissions_data();
    void permissions();

private:
    std::unique_ptr<SandboxFixture> m_sandbox;
    QString m_token;
};

void TestSandboxRoleAssignments::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
    m_token = m_sandbox->demoToken();
    QVERIFY(!m_token.isEmpty());
}

void TestSandboxRoleAssignments::demoAdminsAreAssignments()
{
    const Reply reply = m_sandbox->graph("GET", QStringLiteral("/roleManagement/directory/roleAssignments"), m_token);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.json.value(QLatin1String("@odata.context"))
                .toString()
                .endsWith(QLatin1String("$metadata#roleManagement/directory/roleAssignments")));
    for (const TenantState::DemoAdmin &admin : TenantState::demoAdmins()) {
        const QString userId = m_sandbox->tenant().state().userIdByUpn(admin.userPrincipalName);
        const QString roleId = DirectoryRoles::byName(admin.role)->templateId;
        bool found = false;
        for (const auto &value : reply.value()) {
            const QJsonObject assignment = value.toObject();
            if (assignment.value(QLatin1String("principalId")).toString() == userId) {
                found = true;
                QCOMPARE(assignment.value(QLatin1String("roleDefinitionId")).toString(), roleId);
                QCOMPARE(assignment.value(QLatin1String("directoryScopeId")).toString(), QStringLiteral("/"));
                QCOMPARE(assignment.value(QLatin1String("resourceScope")).toString(), QStringLiteral("/"));
                QVERIFY(!assignment.contains(QLatin1String("_principalType")));
                QVERIFY(assignment.value(QLatin1String("id")).toString().endsWith(QLatin1String("-1")));
            }
        }
        QVERIFY2(found, qPrintable(admin.userPrincipalName));
    }
}

void TestSandboxRoleAssignments::filterAndExpandPrincipal()
{
    const QString adminId = m_sandbox->tenant().state().userIdByUpn(TenantState::demoAdminUpn);
    // The example of rbacapplication-list-roleassignments.md: Global Administrators with their principal.
    Reply reply = m_sandbox->graph(
        "GET",
        QStringLiteral("/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '%1'&$expand=principal")
            .arg(globalAdministrator),
        m_token);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.json.value(QLatin1String("@odata.context"))
                .toString()
                .endsWith(QLatin1String("roleManagement/directory/roleAssignments(principal())")));
    QCOMPARE(reply.value().size(), 1);
    const QJsonObject assignment = reply.value().at(0).toObject();
    QCOMPARE(assignment.value(QLatin1String("principalId")).toString(), adminId);
    // Microsoft's id: base64url of the two GUIDs' bytes; Global Administrator's begins so in the page's example.
    QVERIFY(assignment.value(QLatin1String("id")).toString().startsWith(QLatin1String("lAPpYvVpN0KRkAEhdxReE")));
    const QJsonObject principal = assignment.value(QLatin1String("principal")).toObject();
    QCOMPARE(principal.value(QLatin1String("@odata.type")).toString(), QStringLiteral("#microsoft.graph.user"));
    QCOMPARE(principal.value(QLatin1String("id")).toString(), adminId);
    QCOMPARE(principal.value(QLatin1String("userPrincipalName")).toString(), TenantState::demoAdminUpn);

    reply = m_sandbox->graph(
        "GET",
        QStringLiteral("/roleManagement/directory/roleAssignments?$filter=principalId eq '%1'").arg(adminId),
        m_token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.value().size(), 1);
    QVERIFY(!reply.value().at(0).toObject().contains(QLatin1String("principal")));

    reply = m_sandbox->graph(
        "GET", QStringLiteral("/roleManagement/directory/roleAssignments?$expand=roleDefinitionX"), m_token);
    QCOMPARE(reply.status, 400);
}

void TestSandboxRoleAssignments::roleOfAGroup()
{
    Reply reply = m_sandbox->graph("POST",
                                   QStringLiteral("/groups"),
                                   m_token,
                                   {{QStringLiteral("displayName"), QStringLiteral("Group admins")},
                                    {QStringLiteral("mailNickname"), QStringLiteral("group-admins")},
                                    {QStringLiteral("mailEnabled"), false},
                                    {QStringLiteral("securityEnabled"), true},
                                    {QStringLiteral("isAssignableToRole"), true}});
    QCOMPARE(reply.status, 201);
    const QString group = reply.json.value(QLatin1String("id")).toString();
    reply = m_sandbox->graph(
        "POST", QStringLiteral("/users"), m_token, SandboxFixture::newUserBody(QStringLiteral("ga.member")));
    QCOMPARE(reply.status, 201);
    const QString member = reply.json.value(QLatin1String("id")).toString();
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/groups/%1/members/$ref").arg(group),
                         m_token,
                         {{QStringLiteral("@odata.id"),
                           QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/") + member)}})
                 .status,
             204);

    // Only a role-assignable group can hold a role.
    reply = m_sandbox->graph("POST",
                             QStringLiteral("/groups"),
                             m_token,
                             {{QStringLiteral("displayName"), QStringLiteral("Plain")},
                              {QStringLiteral("mailNickname"), QStringLiteral("plain-group")},
                              {QStringLiteral("mailEnabled"), false},
                              {QStringLiteral("securityEnabled"), true}});
    QCOMPARE(reply.status, 201);
    QCOMPARE(
        m_sandbox
            ->admin("POST",
                    QStringLiteral("groups/%1/directoryRoles").arg(reply.json.value(QLatin1String("id")).toString()),
                    {{QStringLiteral("role"), DirectoryRoles::groupsAdministrator}})
            .status,
        400);
    QCOMPARE(m_sandbox
                 ->admin("POST",
                         QStringLiteral("groups/%1/directoryRoles").arg(group),
                         {{QStringLiteral("role"), DirectoryRoles::groupsAdministrator}})
                 .status,
             200);

    // The assignment's principal is the group.
    reply = m_sandbox->graph(
        "GET",
        QStringLiteral("/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '%1'&$expand=principal")
            .arg(groupsAdministrator),
        m_token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.value().size(), 1);
    QCOMPARE(reply.value().at(0).toObject().value(QLatin1String("principalId")).toString(), group);
    QCOMPARE(reply.value()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("principal"))
                 .toObject()
                 .value(QLatin1String("@odata.type"))
                 .toString(),
             QStringLiteral("#microsoft.graph.group"));
    reply = m_sandbox->graph(
        "GET",
        QStringLiteral("/roleManagement/directory/roleAssignments?$filter=principalId eq '%1'").arg(member),
        m_token);
    QCOMPARE(reply.value().size(), 0);

    // /directoryRoles lists the group as the member, not the group's members.
    reply = m_sandbox->graph("GET", QStringLiteral("/directoryRoles?$expand=members"), m_token);
    QCOMPARE(reply.status, 200);
    QJsonArray members;
    for (const auto &role : reply.value()) {
        if (role.toObject().value(QLatin1String("roleTemplateId")).toString() == groupsAdministrator) {
            members = role.toObject().value(QLatin1String("members")).toArray();
        }
    }
    QCOMPARE(members.size(), 1);
    QCOMPARE(members.at(0).toObject().value(QLatin1String("id")).toString(), group);
    QCOMPARE(members.at(0).toObject().value(QLatin1String("@odata.type")).toString(),
             QStringLiteral("#microsoft.graph.group"));

    // The member holds the role: a delegated token of theirs may create a group.
    const QString memberToken = m_sandbox->delegatedToken(QStringLiteral("ga.member@contoso.onmicrosoft.com"),
                                                          {QStringLiteral("Group.ReadWrite.All")});
    reply = m_sandbox->graph("POST",
                             QStringLiteral("/groups"),
                             memberToken,
                             {{QStringLiteral("displayName"), QStringLiteral("Made by a group's member")},
                              {QStringLiteral("mailNickname"), QStringLiteral("made-by-member")},
                              {QStringLiteral("mailEnabled"), false},
                              {QStringLiteral("securityEnabled"), true}});
    QCOMPARE(reply.status, 201);
}

void TestSandboxRoleAssignments::roleDefinitions()
{
    const Reply reply = m_sandbox->graph("GET", QStringLiteral("/roleManagement/directory/roleDefinitions"), m_token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.value().size(), DirectoryRoles::builtIn().size());
    bool found = false;
    for (const auto &value : reply.value()) {
        const QJsonObject definition = value.toObject();
        if (definition.value(QLatin1String("id")).toString() == globalAdministrator) {
            found = true;
            QCOMPARE(definition.value(QLatin1String("displayName")).toString(), DirectoryRoles::globalAdministrator);
            QCOMPARE(definition.value(QLatin1String("templateId")).toString(), globalAdministrator);
            QVERIFY(definition.value(QLatin1String("isBuiltIn")).toBool());
        }
    }
    QVERIFY(found);
}

void TestSandboxRoleAssignments::permissions_data()
{
    QTest::addColumn<QStringList>("roles");
    QTest::addColumn<int>("status");
    QTest::newRow("RoleManagement.Read.Directory")
        << QStringList{QStringLiteral("RoleManagement.Read.Directory")} << 200;
    QTest::newRow("Directory.Read.All") << QStringList{QStringLiteral("Directory.Read.All")} << 200;
    QTest::newRow("User.Read.All") << QStringList{QStringLiteral("User.Read.All")} << 403;
}

void TestSandboxRoleAssignments::permissions()
{
    QFETCH(QStringList, roles);
    QFETCH(int, status);
    const QString token = m_sandbox->tokenWithRoles(roles);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/roleManagement/directory/roleAssignments"), token).status,
             status);
    QCOMPARE(m_sandbox->graph("GET", QStringLiteral("/roleManagement/directory/roleDefinitions"), token).status,
             status);
}

QTEST_GUILESS_MAIN(TestSandboxRoleAssignments)
#include "tst_sandboxroleassignments.moc"
