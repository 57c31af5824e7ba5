// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// /users, /users/{id}/manager and /directory/deletedItems, with the validation Microsoft Entra ID applies
// (/users/{id}/assignLicense is in graphlicensing.cpp).

#include "sandboxtenant.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace M365::Sandbox {

namespace {

const QStringList userRead = {QStringLiteral("User.Read.All"),
                              QStringLiteral("User.ReadWrite.All"),
                              QStringLiteral("Directory.Read.All"),
                              QStringLiteral("Directory.ReadWrite.All")};
const QStringList userWrite = {QStringLiteral("User.ReadWrite.All"), QStringLiteral("Directory.ReadWrite.All")};
const QStringList licenseWrite = {QStringLiteral("LicenseAssignment.ReadWrite.All"),
                                  QStringLiteral("User.ReadWrite.All"),
                                  QStringLiteral("Directory.ReadWrite.All")};

ApiResponse conflict(const QString &property, const ApiRequest &r)
{
    ApiResponse response =
        graphError(400,
                   QStringLiteral("Request_BadRequest"),
                   QStringLiteral("Another object with the same value for property %1 already exists.").arg(property),
                   r);
    QJsonObject body = QJsonDocument::fromJson(response.body).object();
    QJsonObject error = body.value(QLatin1String("error")).toObject();
    error.insert(QStringLiteral("details"),
                 QJsonArray{QJsonObject{{QStringLiteral("code"), QStringLiteral("ObjectConflict")},
                                        {QStringLiteral("message"),
                                         QStringLiteral("Another object with the same value for property %1 already "
                                                        "exists.")
                                             .arg(property)},
                                        {QStringLiteral("target"), property}}});
    body.insert(QStringLiteral("error"), error);
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return response;
}

} // namespace

ApiResponse SandboxTenant::users(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    const bool read = r.method == "GET";
    // assignLicense, the mailbox's contacts and the memberships have permissions of their own (checked where they are
    // served).
    const bool ownPermissions = seg.value(2) == QLatin1String("assignLicense")
        || seg.value(2) == QLatin1String("contacts") || seg.value(2) == QLatin1String("contactFolders")
        || seg.value(2) == QLatin1String("memberOf") || seg.value(2) == QLatin1String("transitiveMemberOf");
    // The signed-in user may read their own profile with User.Read (graph api/user-get.md, GET /me).
    const bool ownProfile = read && seg.size() == 2 && c.delegated() && seg.value(1) == c.userId
        && hasAnyRole(c, {QStringLiteral("User.Read"), QStringLiteral("User.ReadWrite")});
    if (!hasAnyRole(c, read ? userRead : userWrite) && !ownPermissions && !ownProfile) {
        return forbidden(r);
    }
    // Creating, changing and deleting users in a delegated call needs User Administrator (permissions-reference.md).
    if (!read && !ownPermissions && !userMay(c, DirectoryRoles::Operation::ManageUsers)) {
        return forbidden(r);
    }
    if (seg.size() == 1) {
        if (r.method == "GET") {
            return listCollection(r, m_state.users.values(), QStringLiteral("users"), Schema::user());
        }
        if (r.method == "POST") {
            return createUser(r);
        }
    } else if (seg.value(1) == QLatin1String("delta") && seg.size() == 2 && r.method == "GET") {
        return delta(r, QStringLiteral("user"), c);
    } else if (seg.value(1) == QLatin1String("$count") && seg.size() == 2 && r.method == "GET") {
        if (r.header("consistencylevel").compare("eventual", Qt::CaseInsensitive) != 0) {
            return graphError(
                400, QStringLiteral("Request_BadRequest"), QStringLiteral("$count is not currently supported."), r);
        }
        ApiResponse response;
        response.body = QByteArray::number(m_state.users.size());
        response.setHeader("Content-Type", "text/plain;charset=utf-8");
        return response;
    } else {
        const QString id = resolveUserId(seg.value(1));
        if (id.isEmpty() || !isVisible(id)) {
            return notFound(r, seg.value(1));
        }
        if (seg.size() == 2) {
            if (r.method == "GET") {
                return getObject(r, m_state.users.value(id), QStringLiteral("users"), Schema::user());
            }
            if (r.method == "PATCH") {
                return updateUser(r, id, m_state.users.value(id));
            }
            if (r.method == "DELETE") {
                // Deleting a user needs User.ReadWrite.All; Directory.ReadWrite.All does not include it
                // (graph api/user-delete.md).
                if (!hasAnyRole(c, {QStringLiteral("User.ReadWrite.All")})) {
                    return forbidden(r);
                }
                return deleteUser(r, id);
            }
        } else if (seg.size() == 3 && seg.value(2) == QLatin1String("assignLicense") && r.method == "POST") {
            if (!hasAnyRole(c, licenseWrite) || !userMay(c, DirectoryRoles::Operation::AssignLicenses)) {
                return forbidden(r);
            }
            return assignLicense(r, id);
        } else if (seg.value(2) == QLatin1String("contacts") || seg.value(2) == QLatin1String("contactFolders")) {
            return contacts(r, id, seg.mid(2), c);
        } else if (seg.value(2) == QLatin1String("memberOf") || seg.value(2) == QLatin1String("transitiveMemberOf")) {
            return memberships(r, id, seg.mid(2), c);
        } else if (seg.value(2) == QLatin1String("manager")) {
            // Reading needs User.Read.All or more, assigning and removing User.ReadWrite.All or
            // Directory.ReadWrite.All, as checked above (api/user-list-manager.md, user-post-manager.md,
            // user-delete-manager.md).
            return manager(r, id, seg);
        }
    }
    return graphError(405,
                      QStringLiteral("Request_BadRequest"),
                      QStringLiteral("Specified HTTP method is not allowed for the request target."),
                      r);
}

ApiResponse SandboxTenant::createUser(const ApiRequest &r)
{
    QJsonObject body;
    ApiResponse failure;
    if (!parseJsonBody(r, &body, &failure)) {
        return failure;
    }
    if (auto problem = Schema::user().validate(body, r)) {
        return *problem;
    }
    const auto invalid = [&](const QString &property) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("Invalid value specified for property '%1' of resource 'User'.").arg(property),
                          r);
    };
    for (const char *required :
         {"accountEnabled", "displayName", "mailNickname", "passwordProfile", "userPrincipalName"}) {
        const QJsonValue value = body.value(QLatin1String(required));
        if (value.isUndefined() || value.isNull() || (value.isString() && value.toString().trimmed().isEmpty())) {
            return invalid(QString::fromLatin1(required));
        }
    }
    const QJsonObject password = body.value(QLatin1String("passwordProfile")).toObject();
    if (!password.value(QLatin1String("password")).isString()) {
        return invalid(QStringLiteral("passwordProfile"));
    }
    if (!isComplexPassword(password.value(QLatin1String("password")).toString())) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("The specified password does not comply with password complexity "
                                         "requirements. Please provide a different password."),
                          r);
    }
    body.insert(QStringLiteral("passwordProfile"),
                QJsonObject{{QStringLiteral("forceChangePasswordNextSignIn"),
                             password.value(QLatin1String("forceChangePasswordNextSignIn")).toBool(true)}});

    QJsonObject user{
        {QStringLiteral("id"), newGuid()},
        {QStringLiteral("businessPhones"), QJsonArray{}},
        {QStringLiteral("assignedLicenses"), QJsonArray{}},
        {QStringLiteral("licenseAssignmentStates"), QJsonArray{}},
        {QStringLiteral("_directLicenses"), QJsonArray{}},
        {QStringLiteral("otherMails"), QJsonArray{}},
        {QStringLiteral("proxyAddresses"), QJsonArray{}},
        {QStringLiteral("createdDateTime"), isoNow()},
        {QStringLiteral("userType"), QStringLiteral("Member")},
        {QStringLiteral("onPremisesSyncEnabled"), QJsonValue::Null},
    };
    // The same rules as an update, checked against the tenant before the user exists.
    const QString id = user.value(QLatin1String("id")).toString();
    ApiResponse checked = updateUser(r, id, user);
    if (checked.status >= 300) {
        return checked;
    }
    markCreated(id);
    QJsonObject out = shape(m_state.users.value(id), {}, Schema::user().defaultSelect);
    out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("users/$entity")));
    ApiResponse response = ApiResponse::json(201, out);
    response.setHeader("Location", (m_baseUrl + QStringLiteral("/v1.0/users/") + id).toUtf8());
    return response;
}

// Applies a POST or PATCH body to @p user (the current object, or a new one's defaults): property rules, uniqueness
// of userPrincipalName, mailNickname and onPremisesImmutableId, then stores it.
ApiResponse SandboxTenant::updateUser(const ApiRequest &r, const QString &id, QJsonObject user)
{
    QJsonObject body;
    ApiResponse failure;
    if (!parseJsonBody(r, &body, &failure)) {
        return failure;
    }
    if (auto problem = Schema::user().validate(body, r)) {
        return *problem;
    }
    const auto invalid = [&](const QString &property) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("Invalid value specified for property '%1' of resource 'User'.").arg(property),
                          r);
    };
    if (body.contains(QLatin1String("passwordProfile"))) {
        const QJsonObject profile = body.value(QLatin1String("passwordProfile")).toObject();
        const QString password = profile.value(QLatin1String("password")).toString();
        if (!isComplexPassword(password)) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("The specified password does not comply with password complexity "
                                             "requirements. Please provide a different password."),
                              r);
        }
        // The password itself is never stored, only whether it must be changed.
        body.insert(QStringLiteral("passwordProfile"),
                    QJsonObject{{QStringLiteral("forceChangePasswordNextSignIn"),
                                 profile.value(QLatin1String("forceChangePasswordNextSignIn")).toBool(true)}});
    }
    for (const char *required : {"displayName", "mailNickname", "userPrincipalName", "accountEnabled"}) {
        if (body.contains(QLatin1String(required))
            && (body.value(QLatin1String(required)).isNull()
                || (body.value(QLatin1String(required)).isString()
                    && body.value(QLatin1String(required)).toString().trimmed().isEmpty()))) {
            return invalid(QString::fromLatin1(required));
        }
    }
    if (body.contains(QLatin1String("userPrincipalName"))) {
        const QString upn = body.value(QLatin1String("userPrincipalName")).toString();
        if (!isValidUserPrincipalName(upn)) {
            return invalid(QStringLiteral("userPrincipalName"));
        }
        if (!m_state.verifiedDomainNames().contains(upn.section(QLatin1Char('@'), 1).toLower())) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("The domain portion of the userPrincipalName property is invalid. You "
                                             "must use one of the verified domain names in your organization."),
                              r);
        }
        const QString other = m_state.userIdByUpn(upn);
        if (!other.isEmpty() && other != id) {
            return conflict(QStringLiteral("userPrincipalName"), r);
        }
    }
    if (body.contains(QLatin1String("mailNickname"))) {
        const QString nickname = body.value(QLatin1String("mailNickname")).toString();
        if (!isValidMailNickname(nickname)) {
            return invalid(QStringLiteral("mailNickname"));
        }
        const QString other = m_state.idByMailNickname(nickname);
        if (!other.isEmpty() && other != id) {
            return conflict(QStringLiteral("mailNickname"), r);
        }
    }
    if (body.contains(QLatin1String("onPremisesImmutableId"))
        && body.value(QLatin1String("onPremisesImmutableId")).isString()) {
        const QString anchor = body.value(QLatin1String("onPremisesImmutableId")).toString();
        const QString other = m_state.userIdByImmutableId(anchor);
        if (!other.isEmpty() && other != id) {
            return conflict(QStringLiteral("onPremisesImmutableId"), r);
        }
    }
    if (body.contains(QLatin1String("usageLocation")) && body.value(QLatin1String("usageLocation")).isString()) {
        const QString location = body.value(QLatin1String("usageLocation")).toString();
        if (location.size() != 2 || location.toUpper() != location || !location.at(0).isLetter()
            || !location.at(1).isLetter()) {
            return invalid(QStringLiteral("usageLocation"));
        }
    }
    if (body.contains(QLatin1String("mail")) && body.value(QLatin1String("mail")).isString()
        && !body.value(QLatin1String("mail")).toString().contains(QLatin1Char('@'))) {
        return invalid(QStringLiteral("mail"));
    }
    for (auto it = body.begin(); it != body.end(); ++it) {
        user.insert(it.key(), it.value());
    }
    // Entra keeps proxyAddresses in step with mail.
    const QString mail = user.value(QLatin1String("mail")).toString();
    user.insert(QStringLiteral("proxyAddresses"),
                mail.isEmpty() ? QJsonArray{} : QJsonArray{QString(QStringLiteral("SMTP:") + mail)});
    touch(user);
    m_state.putUser(user);
    return ApiResponse::noContent();
}

ApiResponse SandboxTenant::deleteUser(const ApiRequest &r, const QString &id)
{
    Q_UNUSED(r)
    QJsonObject user = m_state.takeUser(id);
    for (auto it = m_state.members.begin(); it != m_state.members.end(); ++it) {
        if (it->removeAll(id) > 0) {
            recordMemberChange(it.key(), id, false);
        }
    }
    // The deleted user's own manager link goes, and so does every link of a direct report to them; a restore brings
    // neither back (assumed, FIDELITY.md).
    if (m_state.managers.contains(id)) {
        setManager(id, {});
    }
    const QStringList reports = m_state.managers.keys(id);
    for (const QString &report : reports) {
        setManager(report, {});
    }
    user.insert(QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.user"));
    user.insert(QStringLiteral("deletedDateTime"), isoNow());
    m_state.deletedItems.insert(id, user);
    m_state.tombstones.append({m_state.nextSeq(), QStringLiteral("user"), id, false});
    return ApiResponse::noContent();
}

ApiResponse SandboxTenant::manager(const ApiRequest &r, const QString &userId, const QStringList &seg)
{
    const bool reference = seg.size() == 4 && seg.value(3) == QLatin1String("$ref");
    if (seg.size() == 3 && r.method == "GET") {
        // The manager as a directoryObject, typed; a user without one answers 404 (Graph does so by design).
        const QString managerId = m_state.managers.value(userId);
        if (managerId.isEmpty() || !m_state.users.contains(managerId)) {
            return notFound(r, QStringLiteral("manager"));
        }
        QJsonObject manager = m_state.users.value(managerId);
        manager.insert(QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.user"));
        return getObject(r, manager, QStringLiteral("directoryObjects"), Schema::user());
    }
    if (reference && r.method == "PUT") {
        QJsonObject body;
        ApiResponse failure;
        if (!parseJsonBody(r, &body, &failure)) {
            return failure;
        }
        const QJsonValue odataId = body.value(QLatin1String("@odata.id"));
        const QString target = odataId.isString() ? bindTargetId(odataId.toString()) : QString();
        if (target.isEmpty()) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Invalid URL format specified in @odata.id."),
                              r);
        }
        if (target == userId) {
            return graphError(
                400, QStringLiteral("Request_BadRequest"), QStringLiteral("A user cannot be their own manager."), r);
        }
        const bool exists = (m_state.users.contains(target) || m_state.groups.contains(target)
                             || m_state.servicePrincipals.contains(target))
            && isVisible(target);
        if (!exists) {
            return notFound(r, target);
        }
        if (!m_state.users.contains(target)) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("The manager must be a user or an organizational contact."),
                              r);
        }
        if (m_state.managers.value(userId) != target) {
            setManager(userId, target);
        }
        return ApiResponse::noContent();
    }
    if (reference && r.method == "DELETE") {
        if (!m_state.managers.contains(userId)) {
            return notFound(r, QStringLiteral("manager"));
        }
        setManager(userId, {});
        return ApiResponse::noContent();
    }
    return graphError(405,
                      QStringLiteral("Request_BadRequest"),
                      QStringLiteral("Specified HTTP method is not allowed for the request target."),
                      r);
}

void SandboxTenant::setManager(const QString &userId, const QString &managerId)
{
    if (managerId.isEmpty()) {
        const QString previous = m_state.managers.take(userId);
        m_state.managerChanges.append({m_state.nextSeq(), userId, previous, false});
    } else {
        m_state.managers.insert(userId, managerId);
        m_state.managerChanges.append({m_state.nextSeq(), userId, managerId, true});
    }
}

// GET /users/{id}/memberOf and /users/{id}/transitiveMemberOf (graph api/user-list-memberof.md,
// user-list-transitivememberof.md): the groups the user is a member of (directly, or also through groups that are
// members of others) and the user's directory roles, as directoryObjects with their @odata.type. An OData cast
// segment (".../microsoft.graph.group") keeps one type.
ApiResponse
SandboxTenant::memberships(const ApiRequest &r, const QString &userId, const QStringList &seg, const Caller &c)
{
    static const QStringList groupRead = {QStringLiteral("GroupMember.Read.All"),
                                          QStringLiteral("GroupMember.ReadWrite.All"),
                                          QStringLiteral("Group.Read.All"),
                                          QStringLiteral("Group.ReadWrite.All"),
                                          QStringLiteral("Directory.Read.All"),
                                          QStringLiteral("Directory.ReadWrite.All")};
    static const QStringList roleRead = {QStringLiteral("RoleManagement.Read.Directory"),
                                         QStringLiteral("RoleManagement.Read.All"),
                                         QStringLiteral("RoleManagement.ReadWrite.Directory"),
                                         QStringLiteral("Directory.Read.All"),
                                         QStringLiteral("Directory.ReadWrite.All")};
    // The documented permissions; for the signed-in user's own memberships (/me) User.Read is enough.
    QStringList allowed =
        groupRead + QStringList{QStringLiteral("User.Read.All"), QStringLiteral("User.ReadWrite.All")};
    if (c.delegated() && userId == c.userId) {
        allowed << QStringLiteral("User.Read") << QStringLiteral("User.ReadWrite");
    }
    if (!hasAnyRole(c, allowed)) {
        return forbidden(r);
    }
    if (r.method != "GET" || seg.size() > 2) {
        return graphError(405,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("Specified HTTP method is not allowed for the request target."),
                          r);
    }
    const bool transitive = seg.value(0) == QLatin1String("transitiveMemberOf");
    const QString cast = seg.value(1);
    static const QHash<QString, QString> casts = {
        {QStringLiteral("microsoft.graph.group"), QStringLiteral("groups")},
        {QStringLiteral("microsoft.graph.directoryRole"), QStringLiteral("directoryRoles")},
        {QStringLiteral("microsoft.graph.administrativeUnit"), QStringLiteral("administrativeUnits")},
    };
    if (!cast.isEmpty() && !casts.contains(cast)) {
        return graphError(
            400, QStringLiteral("BadRequest"), QStringLiteral("Resource not found for the segment '%1'.").arg(cast), r);
    }
    if (!cast.isEmpty()) {
        // "Use of OData cast with another query parameter" is an advanced query: ConsistencyLevel: eventual and
        // $count=true (or $search) (graph concepts/aad-advanced-queries.md).
        const bool eventual = r.header("consistencylevel").compare("eventual", Qt::CaseInsensitive) == 0;
        const bool advanced = eventual
            && (r.queryItem(QStringLiteral("$count")).compare(QLatin1String("true"), Qt::CaseInsensitive) == 0
                || r.hasQueryItem(QStringLiteral("$search")));
        const auto items = r.query.queryItems();
        const bool otherOptions = std::any_of(items.cbegin(), items.cend(), [](const auto &item) {
            return item.first != QLatin1String("$skiptoken");
        });
        if (otherOptions && !advanced) {
            return graphError(400, QStringLiteral("Request_UnsupportedQuery"), QStringLiteral("Unsupported Query."), r);
        }
    }

    // The groups: direct, then (transitive) every group that has one of them as a member.
    QStringList groupIds;
    for (auto it = m_state.members.cbegin(); it != m_state.members.cend(); ++it) {
        if (it.value().contains(userId) && m_state.groups.contains(it.key())) {
            groupIds.append(it.key());
        }
    }
    for (qsizetype next = 0; transitive && next < groupIds.size(); ++next) {
        const QString member = groupIds.at(next);
        for (auto it = m_state.members.cbegin(); it != m_state.members.cend(); ++it) {
            if (it.value().contains(member) && m_state.groups.contains(it.key()) && !groupIds.contains(it.key())) {
                groupIds.append(it.key());
            }
        }
    }
    // Objects of a type the permissions do not cover are there, but with their type and id only (graph
    // includes/limited-info.md).
    const auto limited = [](const QJsonObject &object) {
        QJsonObject out;
        const QJsonObject visible = publicView(object);
        for (auto it = visible.begin(); it != visible.end(); ++it) {
            const bool kept = it.key() == QLatin1String("id") || it.key() == QLatin1String("@odata.type");
            out.insert(it.key(), kept ? it.value() : QJsonValue(QJsonValue::Null));
        }
        return out;
    };
    QList<QJsonObject> objects;
    if (cast.isEmpty() || cast == QLatin1String("microsoft.graph.group")) {
        const bool full = hasAnyRole(c, groupRead);
        for (const QString &groupId : std::as_const(groupIds)) {
            QJsonObject group = m_state.groups.value(groupId);
            group.insert(QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.group"));
            objects.append(full ? group : limited(group));
        }
    }
    if (cast.isEmpty() || cast == QLatin1String("microsoft.graph.directoryRole")) {
        const bool full = hasAnyRole(c, roleRead);
        for (const QString &role : m_state.directoryRolesOf(userId)) {
            const QJsonObject object = directoryRoleObject(role);
            objects.append(full ? object : limited(object));
        }
    }
    // Pages continue after the last id (listCollection's keyset), so the objects go in the order of their ids.
    std::sort(objects.begin(), objects.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QLatin1String("id")).toString() < b.value(QLatin1String("id")).toString();
    });
    return listCollection(
        r, objects, cast.isEmpty() ? QStringLiteral("directoryObjects") : casts.value(cast), Schema());
}

ApiResponse SandboxTenant::directory(const ApiRequest &r, const QStringList &seg, const Caller &c)
{
    // /directoryObjects/validateProperties
    if (seg.value(0) == QLatin1String("directoryObjects")) {
        if (seg.value(1) == QLatin1String("validateProperties") && r.method == "POST") {
            if (!hasAnyRole(c,
                            {QStringLiteral("Group.ReadWrite.All"),
                             QStringLiteral("Directory.ReadWrite.All"),
                             QStringLiteral("Group.Read.All"),
                             QStringLiteral("Directory.Read.All")})) {
                return forbidden(r);
            }
            QJsonObject body;
            ApiResponse failure;
            if (!parseJsonBody(r, &body, &failure)) {
                return failure;
            }
            QJsonArray details;
            const QString nickname = body.value(QLatin1String("mailNickname")).toString();
            if (!nickname.isEmpty() && !m_state.idByMailNickname(nickname).isEmpty()) {
                details.append(QJsonObject{{QStringLiteral("target"), QStringLiteral("mailNickname")},
                                           {QStringLiteral("code"), QStringLiteral("PropertyConflict")},
                                           {QStringLiteral("message"),
                                            QStringLiteral("Another object with the same value for property "
                                                           "mailNickname already exists.")}});
            }
            if (details.isEmpty()) {
                return ApiResponse::noContent();
            }
            ApiResponse response =
                graphError(422,
                           QStringLiteral("Request_UnprocessableEntity"),
                           QStringLiteral("The values provided contain one or more validation errors."),
                           r);
            QJsonObject out = QJsonDocument::fromJson(response.body).object();
            QJsonObject error = out.value(QLatin1String("error")).toObject();
            error.insert(QStringLiteral("details"), details);
            out.insert(QStringLiteral("error"), error);
            response.body = QJsonDocument(out).toJson(QJsonDocument::Compact);
            return response;
        }
        if (seg.size() == 2 && r.method == "GET") {
            const QString id = seg.value(1);
            for (const auto *map : {&m_state.users, &m_state.groups, &m_state.servicePrincipals}) {
                if (map->contains(id) && isVisible(id)) {
                    return getObject(r, map->value(id), QStringLiteral("directoryObjects"), Schema());
                }
            }
            return notFound(r, id);
        }
        return graphError(
            400, QStringLiteral("BadRequest"), QStringLiteral("Unsupported directoryObjects request."), r);
    }

    // /directory/deletedItems[/microsoft.graph.user|group] and /directory/deletedItems/{id}[/restore]
    if (seg.value(1) != QLatin1String("deletedItems")) {
        return graphError(400,
                          QStringLiteral("BadRequest"),
                          QStringLiteral("Resource not found for the segment '%1'.").arg(seg.value(1)),
                          r);
    }
    const QString third = seg.value(2);
    if (third == QLatin1String("microsoft.graph.user") || third == QLatin1String("microsoft.graph.group")) {
        const bool isUser = third == QLatin1String("microsoft.graph.user");
        if (!hasAnyRole(c,
                        isUser ? userRead
                               : QStringList{QStringLiteral("Group.Read.All"),
                                             QStringLiteral("Group.ReadWrite.All"),
                                             QStringLiteral("Directory.Read.All"),
                                             QStringLiteral("Directory.ReadWrite.All")})) {
            return forbidden(r);
        }
        QList<QJsonObject> items;
        for (const QJsonObject &item : m_state.deletedItems) {
            if (item.value(QLatin1String("@odata.type")).toString() == QLatin1Char('#') + third) {
                items.append(item);
            }
        }
        return listCollection(
            r, items, QStringLiteral("directory/deletedItems/") + third, isUser ? Schema::user() : Schema::group());
    }
    const QString id = third;
    if (!m_state.deletedItems.contains(id)) {
        return notFound(r, id);
    }
    const QJsonObject item = m_state.deletedItems.value(id);
    const bool isUser = item.value(QLatin1String("@odata.type")).toString() == QLatin1String("#microsoft.graph.user");
    if (!hasAnyRole(
            c,
            isUser ? (r.method == "GET" ? userRead : userWrite)
                   : QStringList{QStringLiteral("Group.ReadWrite.All"), QStringLiteral("Directory.ReadWrite.All")})) {
        return forbidden(r);
    }
    // Restoring and deleting for good: User Administrator for users, Groups Administrator for groups (graph
    // rbac-deleted-items-restore-apis.md, rbac-deleted-items-delete-apis.md).
    if (r.method != "GET"
        && !userMay(
            c, isUser ? DirectoryRoles::Operation::ManageUsers : DirectoryRoles::Operation::ManageGroups, item)) {
        return forbidden(r);
    }
    if (seg.size() == 3 && r.method == "GET") {
        return getObject(r, item, QStringLiteral("directoryObjects"), Schema());
    }
    if (seg.size() == 3 && r.method == "DELETE") {
        m_state.deletedItems.remove(id);
        m_state.tombstones.append(
            {m_state.nextSeq(), isUser ? QStringLiteral("user") : QStringLiteral("group"), id, true});
        return ApiResponse::noContent();
    }
    if (seg.size() == 4 && seg.value(3) == QLatin1String("restore") && r.method == "POST") {
        QJsonObject restored = item;
        restored.remove(QStringLiteral("@odata.type"));
        restored.insert(QStringLiteral("deletedDateTime"), QJsonValue::Null);
        if (isUser) {
            const QString upn = restored.value(QLatin1String("userPrincipalName")).toString();
            if (!m_state.userIdByUpn(upn).isEmpty()) {
                return conflict(QStringLiteral("userPrincipalName"), r);
            }
        }
        touch(restored);
        m_state.deletedItems.remove(id);
        if (isUser) {
            m_state.putUser(restored);
            // A restored user comes back without group memberships, so with direct licences only.
            refreshLicenses(id);
            restored = m_state.users.value(id);
        } else {
            m_state.putGroup(restored);
        }
        QJsonObject out = publicView(restored);
        out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("directoryObjects/$entity")));
        out.insert(QStringLiteral("@odata.type"),
                   isUser ? QStringLiteral("#microsoft.graph.user") : QStringLiteral("#microsoft.graph.group"));
        return ApiResponse::json(200, out);
    }
    return graphError(405,
                      QStringLiteral("Request_BadRequest"),
                      QStringLiteral("Specified HTTP method is not allowed for the request target."),
                      r);
}

} // namespace M365::Sandbox
