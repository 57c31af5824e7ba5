// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The directory's role-based access control through /roleManagement/directory: the built-in role definitions and who
// holds them (graph api/rbacapplication-list-roleassignments.md, resources/unifiedroleassignment.md). A principal is
// a user or a role-assignable group; a user's roles ("_directoryRoles") and a group's are the same assignments that
// /directoryRoles shows as members.

#include "sandboxtenant.h"

#include <QJsonArray>
#include <QUuid>

#include <algorithm>

namespace M365::Sandbox {

namespace {

const QStringList roleAssignmentRead = {QStringLiteral("RoleManagement.Read.Directory"),
                                        QStringLiteral("RoleManagement.Read.All"),
                                        QStringLiteral("Directory.Read.All"),
                                        QStringLiteral("RoleManagement.ReadWrite.Directory"),
                                        QStringLiteral("Directory.ReadWrite.All")};

/// A GUID's 16 bytes as Microsoft stores them (the first three fields little-endian).
QByteArray guidBytes(const QString &guid)
{
    QByteArray bytes = QUuid::fromString(guid).toRfc4122();
    std::reverse(bytes.begin(), bytes.begin() + 4);
    std::reverse(bytes.begin() + 4, bytes.begin() + 6);
    std::reverse(bytes.begin() + 6, bytes.begin() + 8);
    return bytes;
}

/// The id Entra gives a directory-wide assignment: base64url of the role definition's and the principal's GUID
/// bytes, then "-1" (the form of every id in rbacapplication-list-roleassignments.md's examples, e.g.
/// "lAPpYvVpN0KRkAEhdxReE…" for Global Administrator 62e90394-…). The meaning of the suffix is assumed.
QString assignmentId(const QString &roleDefinitionId, const QString &principalId)
{
    const QByteArray bytes = guidBytes(roleDefinitionId) + guidBytes(principalId);
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
        + QStringLiteral("-1");
}

const Schema &roleAssignmentSchema()
{
    static const Schema schema = [] {
        Schema s;
        s.resourceName = QStringLiteral("UnifiedRoleAssignment");
        for (const char *name :
             {"id", "principalId", "resourceScope", "directoryScopeId", "appScopeId", "roleDefinitionId"}) {
            s.properties.insert(QString::fromLatin1(name), {PropertySpec::Type::String, 0, true, true, 0});
        }
        // principalId, roleDefinitionId, directoryScopeId and appScopeId support $filter (eq, in).
        s.filterable = {QStringLiteral("principalId"),
                        QStringLiteral("roleDefinitionId"),
                        QStringLiteral("directoryScopeId"),
                        QStringLiteral("appScopeId")};
        return s;
    }();
    return schema;
}

} // namespace

QList<QJsonObject> SandboxTenant::roleAssignments() const
{
    QList<QJsonObject> out;
    const auto add = [&](const QString &principalId, const QStringList &roles, const QString &type) {
        for (const QString &name : roles) {
            const DirectoryRoles::Role *role = DirectoryRoles::byName(name);
            if (!role) {
                continue;
            }
            out.append(QJsonObject{{QStringLiteral("id"), assignmentId(role->templateId, principalId)},
                                   {QStringLiteral("principalId"), principalId},
                                   {QStringLiteral("resourceScope"), QStringLiteral("/")},
                                   {QStringLiteral("directoryScopeId"), QStringLiteral("/")},
                                   {QStringLiteral("roleDefinitionId"), role->templateId},
                                   {QStringLiteral("_principalType"), type}});
        }
    };
    for (auto it = m_state.users.cbegin(); it != m_state.users.cend(); ++it) {
        add(it.key(), m_state.directoryRolesOf(it.key()), QStringLiteral("#microsoft.graph.user"));
    }
    for (auto it = m_state.groups.cbegin(); it != m_state.groups.cend(); ++it) {
        add(it.key(), m_state.directoryRolesOfGroup(it.key()), QStringLiteral("#microsoft.graph.group"));
    }
    return out;
}

ApiResponse SandboxTenant::roleManagement(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    if (seg.value(1) != QLatin1String("directory") || seg.size() != 3) {
        return graphError(
            400,
            QStringLiteral("BadRequest"),
            QStringLiteral("Resource not found for the segment '%1'.").arg(seg.mid(1).join(QLatin1Char('/'))),
            r);
    }
    if (!hasAnyRole(c, roleAssignmentRead)) {
        return forbidden(r);
    }
    if (r.method != "GET") {
        return graphError(405,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("Specified HTTP method is not allowed for the request target."),
                          r);
    }
    if (seg.value(2) == QLatin1String("roleDefinitions")) {
        // The built-in roles the sandbox knows, as unifiedRoleDefinition objects (graph
        // resources/unifiedroledefinition.md); their id is the template id. The permissions of each role are not
        // modelled: rolePermissions lists no actions.
        QList<QJsonObject> definitions;
        for (const DirectoryRoles::Role &role : DirectoryRoles::builtIn()) {
            definitions.append(QJsonObject{
                {QStringLiteral("id"), role.templateId},
                {QStringLiteral("description"), role.description},
                {QStringLiteral("displayName"), role.displayName},
                {QStringLiteral("isBuiltIn"), true},
                {QStringLiteral("isEnabled"), true},
                {QStringLiteral("resourceScopes"), QJsonArray{QStringLiteral("/")}},
                {QStringLiteral("templateId"), role.templateId},
                {QStringLiteral("version"), QStringLiteral("1")},
                {QStringLiteral("rolePermissions"),
                 QJsonArray{QJsonObject{{QStringLiteral("allowedResourceActions"), QJsonArray{}},
                                        {QStringLiteral("condition"), QJsonValue::Null}}}},
            });
        }
        Schema schema;
        schema.resourceName = QStringLiteral("UnifiedRoleDefinition");
        schema.filterable = {QStringLiteral("id"), QStringLiteral("displayName"), QStringLiteral("templateId")};
        return listCollection(r, definitions, QStringLiteral("roleManagement/directory/roleDefinitions"), schema);
    }
    if (seg.value(2) != QLatin1String("roleAssignments")) {
        return graphError(400,
                          QStringLiteral("BadRequest"),
                          QStringLiteral("Resource not found for the segment '%1'.").arg(seg.value(2)),
                          r);
    }
    const QString expand = r.queryItem(QStringLiteral("$expand")).trimmed();
    if (!expand.isEmpty() && expand != QLatin1String("principal")) {
        return graphError(
            400, QStringLiteral("BadRequest"), QStringLiteral("Expanding '%1' is not supported.").arg(expand), r);
    }
    QList<QJsonObject> assignments = roleAssignments();
    Schema schema = roleAssignmentSchema();
    if (!expand.isEmpty()) {
        // The principal as a directoryObject with its type (the example of rbacapplication-list-roleassignments.md).
        schema.properties.insert(QStringLiteral("principal"), {PropertySpec::Type::Any, 0, true, true, 0});
        for (QJsonObject &assignment : assignments) {
            const QString principalId = assignment.value(QLatin1String("principalId")).toString();
            const bool isUser = m_state.users.contains(principalId);
            QJsonObject principal =
                publicView(isUser ? m_state.users.value(principalId) : m_state.groups.value(principalId));
            principal.insert(QStringLiteral("@odata.type"), assignment.value(QLatin1String("_principalType")));
            assignment.insert(QStringLiteral("principal"), principal);
        }
    }
    ApiRequest request = r;
    if (!expand.isEmpty() && request.hasQueryItem(QStringLiteral("$select"))) {
        // $select keeps the expanded principal.
        const QString select = request.queryItem(QStringLiteral("$select"));
        request.query.removeAllQueryItems(QStringLiteral("$select"));
        request.query.addQueryItem(QStringLiteral("$select"), select + QStringLiteral(",principal"));
    }
    return listCollection(request,
                          assignments,
                          expand.isEmpty() ? QStringLiteral("roleManagement/directory/roleAssignments")
                                           : QStringLiteral("roleManagement/directory/roleAssignments(principal())"),
                          schema);
}

} // namespace M365::Sandbox
