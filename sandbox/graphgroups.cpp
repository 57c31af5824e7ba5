// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// /groups, their members ($ref and members@odata.bind), with the rules Microsoft documents for group creation.

#include "sandboxtenant.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace M365::Sandbox {

namespace {

const QStringList groupRead = {QStringLiteral("Group.Read.All"),
                               QStringLiteral("Group.ReadWrite.All"),
                               QStringLiteral("GroupMember.Read.All"),
                               QStringLiteral("GroupMember.ReadWrite.All"),
                               QStringLiteral("Directory.Read.All"),
                               QStringLiteral("Directory.ReadWrite.All")};
const QStringList groupWrite = {QStringLiteral("Group.ReadWrite.All"), QStringLiteral("Directory.ReadWrite.All")};
const QStringList memberWrite = {QStringLiteral("GroupMember.ReadWrite.All"),
                                 QStringLiteral("Group.ReadWrite.All"),
                                 QStringLiteral("Directory.ReadWrite.All")};

/// Graph's limit on relationships (members@odata.bind + owners@odata.bind) in one create or update.
constexpr int maxBindsPerRequest = 20;

} // namespace

ApiResponse SandboxTenant::groups(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    // assignLicense has permissions and roles of its own (graphlicensing.cpp).
    if (seg.size() == 3 && seg.value(2) == QLatin1String("assignLicense") && r.method == "POST") {
        if (!m_state.groups.contains(seg.value(1)) || !isVisible(seg.value(1))) {
            return notFound(r, seg.value(1));
        }
        return assignGroupLicense(r, seg.value(1), c);
    }
    const bool memberPath = seg.value(2) == QLatin1String("members");
    const QStringList &needed = r.method == "GET" ? groupRead : (memberPath ? memberWrite : groupWrite);
    // members@odata.bind in a PATCH needs only GroupMember.ReadWrite.All; that is checked in updateGroup.
    if (!hasAnyRole(c, needed) && !(r.method == "PATCH" && seg.size() == 2 && hasAnyRole(c, memberWrite))) {
        return forbidden(r);
    }
    if (seg.size() == 1) {
        if (r.method == "GET") {
            return listCollection(r, m_state.groups.values(), QStringLiteral("groups"), Schema::group());
        }
        if (r.method == "POST") {
            // Groups Administrator or User Administrator, or any member user while the authorizationPolicy lets them
            // create security groups; such a creator owns the group (entra-docs
            // fundamentals/users-default-permissions.md).
            if (!userMay(c, DirectoryRoles::Operation::CreateGroup)) {
                return forbidden(r);
            }
            ApiResponse created = createGroup(r);
            if (created.status == 201 && createsAsOwner(c, DirectoryRoles::Operation::CreateGroup)) {
                const QString id = QJsonDocument::fromJson(created.body).object().value(QLatin1String("id")).toString();
                QJsonObject group = m_state.groups.value(id);
                group.insert(QStringLiteral("_owners"), QJsonArray{c.userId});
                m_state.putGroup(group);
            }
            return created;
        }
    } else if (seg.size() == 2 && seg.value(1) == QLatin1String("delta") && r.method == "GET") {
        return delta(r, QStringLiteral("group"), c);
    } else {
        const QString id = seg.value(1);
        if (!m_state.groups.contains(id) || !isVisible(id)) {
            return notFound(r, id);
        }
        if (r.method != "GET" && !userMay(c, DirectoryRoles::Operation::ManageGroups, m_state.groups.value(id))) {
            return forbidden(r);
        }
        if (seg.size() == 2) {
            if (r.method == "GET") {
                return getObject(r, m_state.groups.value(id), QStringLiteral("groups"), Schema::group());
            }
            if (r.method == "PATCH") {
                if (!hasAnyRole(c, groupWrite)) {
                    // Only a membership change is allowed with GroupMember.ReadWrite.All.
                    QJsonObject body = QJsonDocument::fromJson(r.body).object();
                    for (auto it = body.begin(); it != body.end(); ++it) {
                        if (it.key() != QLatin1String("members@odata.bind")) {
                            return forbidden(r);
                        }
                    }
                }
                return updateGroup(r, id);
            }
            if (r.method == "DELETE") {
                // Deleting a group needs Group.ReadWrite.All; Directory.ReadWrite.All does not include it
                // (graph api/group-delete.md).
                if (!hasAnyRole(c, {QStringLiteral("Group.ReadWrite.All")})) {
                    return forbidden(r);
                }
                // A group with licences cannot be deleted; they must be removed first (entra-docs
                // identity/users/licensing-group-advanced.md, "Deleting a group with an assigned license"). The
                // answer's code and text are assumed.
                if (!m_state.groups.value(id).value(QLatin1String("assignedLicenses")).toArray().isEmpty()) {
                    return graphError(400,
                                      QStringLiteral("Request_BadRequest"),
                                      QStringLiteral("The group has licenses assigned. Remove the licenses from the "
                                                     "group before deleting it."),
                                      r);
                }
                QJsonObject group = m_state.takeGroup(id);
                const QStringList former = m_state.members.take(id);
                for (const QString &member : former) {
                    recordMemberChange(id, member, false);
                }
                // Microsoft 365 groups are soft-deleted; security groups are deleted permanently.
                const bool unified =
                    group.value(QLatin1String("groupTypes")).toArray().contains(QStringLiteral("Unified"));
                if (unified) {
                    group.insert(QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.group"));
                    group.insert(QStringLiteral("deletedDateTime"), isoNow());
                    m_state.deletedItems.insert(id, group);
                }
                m_state.tombstones.append({m_state.nextSeq(), QStringLiteral("group"), id, !unified});
                return ApiResponse::noContent();
            }
        } else if (memberPath) {
            QStringList &members = m_state.members[id];
            if (seg.size() == 3 && r.method == "GET") {
                QList<QJsonObject> objects;
                for (const QString &memberId : members) {
                    QJsonObject member = m_state.users.value(memberId);
                    QString type = QStringLiteral("#microsoft.graph.user");
                    if (member.isEmpty()) {
                        member = m_state.groups.value(memberId);
                        type = QStringLiteral("#microsoft.graph.group");
                    }
                    if (!member.isEmpty()) {
                        member.insert(QStringLiteral("@odata.type"), type);
                        objects.append(member);
                    }
                }
                return listCollection(r, objects, QStringLiteral("directoryObjects"), Schema());
            }
            if (seg.size() == 4 && seg.value(3) == QLatin1String("$ref") && r.method == "POST") {
                QJsonObject body;
                ApiResponse failure;
                if (!parseJsonBody(r, &body, &failure)) {
                    return failure;
                }
                const QString target = bindTargetId(body.value(QLatin1String("@odata.id")).toString());
                if (target.isEmpty()) {
                    return graphError(400,
                                      QStringLiteral("Request_BadRequest"),
                                      QStringLiteral("Invalid URL format specified in @odata.id."),
                                      r);
                }
                return addMembers(r, id, {target});
            }
            if (seg.size() == 5 && seg.value(4) == QLatin1String("$ref") && r.method == "DELETE") {
                const QString memberId = seg.value(3);
                if (members.removeAll(memberId) == 0) {
                    return notFound(r, memberId);
                }
                recordMemberChange(id, memberId, false);
                QJsonObject group = m_state.groups.value(id);
                touch(group);
                m_state.putGroup(group);
                // A member who leaves a licensed group loses what it gave them.
                refreshLicenses(memberId);
                return ApiResponse::noContent();
            }
        }
    }
    return graphError(405,
                      QStringLiteral("Request_BadRequest"),
                      QStringLiteral("Specified HTTP method is not allowed for the request target."),
                      r);
}

ApiResponse SandboxTenant::addMembers(const ApiRequest &r, const QString &groupId, const QStringList &memberIds)
{
    QStringList &members = m_state.members[groupId];
    for (const QString &memberId : memberIds) {
        const bool exists =
            (m_state.users.contains(memberId) || m_state.groups.contains(memberId)) && isVisible(memberId);
        if (!exists) {
            return notFound(r, memberId);
        }
        if (members.contains(memberId)) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("One or more added object references already exist for the following "
                                             "modified properties: 'members'."),
                              r);
        }
    }
    for (const QString &memberId : memberIds) {
        members.append(memberId);
        recordMemberChange(groupId, memberId, true);
    }
    QJsonObject group = m_state.groups.value(groupId);
    touch(group);
    m_state.putGroup(group);
    // A new member of a licensed group inherits its licences (a group member inherits nothing).
    for (const QString &memberId : memberIds) {
        refreshLicenses(memberId);
    }
    return ApiResponse::noContent();
}

ApiResponse SandboxTenant::createGroup(const ApiRequest &r)
{
    QJsonObject body;
    ApiResponse failure;
    if (!parseJsonBody(r, &body, &failure)) {
        return failure;
    }
    if (auto problem = Schema::group().validate(body, r)) {
        return *problem;
    }
    for (const char *required : {"displayName", "mailEnabled", "mailNickname", "securityEnabled"}) {
        const QJsonValue value = body.value(QLatin1String(required));
        if (value.isUndefined() || value.isNull() || (value.isString() && value.toString().trimmed().isEmpty())) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Invalid value specified for property '%1' of resource 'Group'.")
                                  .arg(QString::fromLatin1(required)),
                              r);
        }
    }
    const QString nickname = body.value(QLatin1String("mailNickname")).toString();
    if (!isValidMailNickname(nickname)) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("Invalid value specified for property 'mailNickname' of resource 'Group'."),
                          r);
    }
    const bool unified = body.value(QLatin1String("groupTypes")).toArray().contains(QStringLiteral("Unified"));
    if (body.value(QLatin1String("mailEnabled")).toBool() && !unified) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("Mail-enabled security groups and distribution groups can't be created "
                                         "through Microsoft Graph; create a Microsoft 365 group (groupTypes "
                                         "'Unified') or a security group with mailEnabled false."),
                          r);
    }
    if (!m_state.idByMailNickname(nickname).isEmpty()) {
        ApiResponse response = graphError(400,
                                          QStringLiteral("Request_BadRequest"),
                                          QStringLiteral("Another object with the same value for property mailNickname "
                                                         "already exists."),
                                          r);
        return response;
    }
    QStringList memberIds;
    const QJsonArray binds = body.value(QLatin1String("members@odata.bind")).toArray();
    const QJsonArray owners = body.value(QLatin1String("owners@odata.bind")).toArray();
    if (binds.size() + owners.size() > maxBindsPerRequest) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("A maximum of %1 relationships (owners and members) can be added in the same "
                                         "request.")
                              .arg(maxBindsPerRequest),
                          r);
    }
    for (const auto &bind : binds) {
        const QString target = bindTargetId(bind.toString());
        if (target.isEmpty() || !(m_state.users.contains(target) || m_state.groups.contains(target))
            || !isVisible(target)) {
            return notFound(r, target.isEmpty() ? bind.toString() : target);
        }
        memberIds.append(target);
    }
    memberIds.removeDuplicates();

    QJsonObject group{
        {QStringLiteral("id"), newGuid()},
        {QStringLiteral("classification"), QJsonValue::Null},
        {QStringLiteral("createdDateTime"), isoNow()},
        {QStringLiteral("creationOptions"), QJsonArray{}},
        {QStringLiteral("deletedDateTime"), QJsonValue::Null},
        {QStringLiteral("description"), QJsonValue::Null},
        {QStringLiteral("groupTypes"), QJsonArray{}},
        {QStringLiteral("isAssignableToRole"), QJsonValue::Null},
        {QStringLiteral("mail"), QJsonValue::Null},
        {QStringLiteral("membershipRule"), QJsonValue::Null},
        {QStringLiteral("onPremisesLastSyncDateTime"), QJsonValue::Null},
        {QStringLiteral("onPremisesProvisioningErrors"), QJsonArray{}},
        {QStringLiteral("onPremisesSecurityIdentifier"), QJsonValue::Null},
        {QStringLiteral("onPremisesSyncEnabled"), QJsonValue::Null},
        {QStringLiteral("preferredDataLocation"), QJsonValue::Null},
        {QStringLiteral("proxyAddresses"), QJsonArray{}},
        {QStringLiteral("renewedDateTime"), isoNow()},
        {QStringLiteral("resourceBehaviorOptions"), QJsonArray{}},
        {QStringLiteral("resourceProvisioningOptions"), QJsonArray{}},
        // Without a visibility, Graph creates a Microsoft 365 group as Public and a security group as Private.
        {QStringLiteral("visibility"), unified ? QStringLiteral("Public") : QStringLiteral("Private")},
    };
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!it.key().endsWith(QLatin1String("@odata.bind"))) {
            group.insert(it.key(), it.value());
        }
    }
    if (unified) {
        const QString domain = m_state.verifiedDomainNames().value(0);
        group.insert(QStringLiteral("mail"), QString(nickname + QLatin1Char('@') + domain));
        group.insert(QStringLiteral("proxyAddresses"),
                     QJsonArray{QString(QStringLiteral("SMTP:") + nickname + QLatin1Char('@') + domain)});
    }
    touch(group);
    const QString id = group.value(QLatin1String("id")).toString();
    m_state.putGroup(group);
    for (const QString &memberId : memberIds) {
        m_state.members[id].append(memberId);
        recordMemberChange(id, memberId, true);
    }
    markCreated(id);
    QJsonObject out = publicView(group);
    out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("groups/$entity")));
    ApiResponse response = ApiResponse::json(201, out);
    response.setHeader("Location", (m_baseUrl + QStringLiteral("/v1.0/groups/") + id).toUtf8());
    return response;
}

ApiResponse SandboxTenant::updateGroup(const ApiRequest &r, const QString &id)
{
    QJsonObject body;
    ApiResponse failure;
    if (!parseJsonBody(r, &body, &failure)) {
        return failure;
    }
    if (auto problem = Schema::group().validate(body, r)) {
        return *problem;
    }
    for (const char *fixed : {"mailEnabled", "groupTypes"}) {
        if (body.contains(QLatin1String(fixed))) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Property '%1' cannot be changed after the group was created.")
                                  .arg(QString::fromLatin1(fixed)),
                              r);
        }
    }
    if (body.contains(QLatin1String("mailNickname"))) {
        const QString nickname = body.value(QLatin1String("mailNickname")).toString();
        const QString other = m_state.idByMailNickname(nickname);
        if (!isValidMailNickname(nickname)) {
            return graphError(
                400,
                QStringLiteral("Request_BadRequest"),
                QStringLiteral("Invalid value specified for property 'mailNickname' of resource 'Group'."),
                r);
        }
        if (!other.isEmpty() && other != id) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Another object with the same value for property mailNickname already "
                                             "exists."),
                              r);
        }
    }
    QStringList memberIds;
    if (body.contains(QLatin1String("members@odata.bind"))) {
        const QJsonArray binds = body.value(QLatin1String("members@odata.bind")).toArray();
        if (binds.size() > maxBindsPerRequest) {
            return graphError(
                400,
                QStringLiteral("Request_BadRequest"),
                QStringLiteral("A maximum of %1 members can be added in the same request.").arg(maxBindsPerRequest),
                r);
        }
        for (const auto &bind : binds) {
            const QString target = bindTargetId(bind.toString());
            if (target.isEmpty()) {
                return graphError(400,
                                  QStringLiteral("Request_BadRequest"),
                                  QStringLiteral("Invalid URL format specified in @odata.bind for members."),
                                  r);
            }
            memberIds.append(target);
        }
    }
    if (!memberIds.isEmpty()) {
        const ApiResponse added = addMembers(r, id, memberIds);
        if (added.status >= 300) {
            return added;
        }
    }
    QJsonObject group = m_state.groups.value(id);
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!it.key().endsWith(QLatin1String("@odata.bind"))) {
            group.insert(it.key(), it.value());
        }
    }
    touch(group);
    m_state.putGroup(group);
    return ApiResponse::noContent();
}

} // namespace M365::Sandbox
