// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tenantstate.h"

#include "apitypes.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>
#include <QUuid>

#include <algorithm>

namespace M365::Sandbox {

namespace {

// Role ids as Microsoft Graph's service principal publishes them (permissions reference).
const QList<QPair<QString, QString>> &graphRoleTable()
{
    static const QList<QPair<QString, QString>> table = {
        {QStringLiteral("User.Read.All"), QStringLiteral("df021288-bdef-4463-88db-98f22de89214")},
        {QStringLiteral("User.ReadWrite.All"), QStringLiteral("741f803b-c850-494e-b5df-cde7c675a1ca")},
        {QStringLiteral("Group.Read.All"), QStringLiteral("5b567255-7703-4780-807c-7be8301ae99b")},
        {QStringLiteral("Group.ReadWrite.All"), QStringLiteral("62a82d76-70ea-41e2-9197-370581804d09")},
        {QStringLiteral("GroupMember.ReadWrite.All"), QStringLiteral("dbaae8cf-10b5-4b86-a4a1-f871c94c6695")},
        {QStringLiteral("Directory.Read.All"), QStringLiteral("7ab1d382-f21e-4acd-a863-ba3e13f7da61")},
        {QStringLiteral("Directory.ReadWrite.All"), QStringLiteral("19dbc75e-c2e2-444c-a770-ec69d8559fc7")},
        {QStringLiteral("Domain.Read.All"), QStringLiteral("dbb9058a-0e50-45d7-ae91-66909b5d4664")},
        {QStringLiteral("Domain.ReadWrite.All"), QStringLiteral("7e05723c-0bb0-42da-be95-ae9f08a6e53c")},
        {QStringLiteral("Organization.Read.All"), QStringLiteral("498476ce-e0fe-48b0-b801-37ba7e2685c6")},
        {QStringLiteral("Application.Read.All"), QStringLiteral("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30")},
        {QStringLiteral("Application.ReadWrite.All"), QStringLiteral("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9")},
        {QStringLiteral("AppRoleAssignment.ReadWrite.All"), QStringLiteral("06b708a9-e830-4db3-a914-8e69da51d44f")},
        {QStringLiteral("LicenseAssignment.ReadWrite.All"), QStringLiteral("5facf0c1-8979-4e95-abcf-ff3d079771c0")},
        {QStringLiteral("Contacts.Read"), QStringLiteral("089fe4d0-434a-44c5-8827-41ba8a0b17f5")},
        {QStringLiteral("RoleManagement.Read.Directory"), QStringLiteral("483bed4a-2ad3-4361-a73b-c83ccdbdc53c")},
        {QStringLiteral("Policy.Read.All"), QStringLiteral("246dd0d5-5bd0-4def-940b-0421030a5b68")},
    };
    return table;
}

QJsonObject makeUser(const QString &given, const QString &sur, const QString &upn, const QString &jobTitle)
{
    const QString nick = upn.section(QLatin1Char('@'), 0, 0);
    return QJsonObject{
        {QStringLiteral("id"), newGuid()},
        {QStringLiteral("accountEnabled"), true},
        {QStringLiteral("businessPhones"), QJsonArray{}},
        {QStringLiteral("displayName"), QString(given + QLatin1Char(' ') + sur)},
        {QStringLiteral("givenName"), given},
        {QStringLiteral("surname"), sur},
        {QStringLiteral("jobTitle"), jobTitle},
        {QStringLiteral("mail"), upn},
        {QStringLiteral("mailNickname"), nick},
        {QStringLiteral("mobilePhone"), QJsonValue::Null},
        {QStringLiteral("officeLocation"), QJsonValue::Null},
        {QStringLiteral("preferredLanguage"), QStringLiteral("en-US")},
        {QStringLiteral("userPrincipalName"), upn},
        {QStringLiteral("usageLocation"), QStringLiteral("US")},
        {QStringLiteral("assignedLicenses"), QJsonArray{}},
        {QStringLiteral("otherMails"), QJsonArray{}},
        {QStringLiteral("proxyAddresses"), QJsonArray{QString(QStringLiteral("SMTP:") + upn)}},
        {QStringLiteral("onPremisesImmutableId"), QJsonValue::Null},
        {QStringLiteral("onPremisesSyncEnabled"), QJsonValue::Null},
        {QStringLiteral("employeeId"), QJsonValue::Null},
        {QStringLiteral("department"), QJsonValue::Null},
        {QStringLiteral("companyName"), QJsonValue::Null},
        {QStringLiteral("userType"), QStringLiteral("Member")},
        {QStringLiteral("createdDateTime"), isoNow()},
    };
}

// An Outlook contact as Graph's contact resource has it; parentFolderId is added when it is served.
QJsonObject makeContact(const QString &given, const QString &sur, const QString &email, const QString &birthday)
{
    const QString now = isoNow();
    return QJsonObject{
        {QStringLiteral("id"),
         QString::fromLatin1(QByteArray("AAMkADh"
                                        + QUuid::createUuid().toRfc4122().toBase64(QByteArray::Base64UrlEncoding
                                                                                   | QByteArray::OmitTrailingEquals)))},
        {QStringLiteral("createdDateTime"), now},
        {QStringLiteral("lastModifiedDateTime"), now},
        {QStringLiteral("changeKey"), QStringLiteral("EQAAABYAAAA")},
        {QStringLiteral("categories"), QJsonArray{}},
        {QStringLiteral("birthday"), birthday.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(birthday)},
        {QStringLiteral("fileAs"), QString(sur + QStringLiteral(", ") + given)},
        {QStringLiteral("displayName"), QString(given + QLatin1Char(' ') + sur)},
        {QStringLiteral("givenName"), given},
        {QStringLiteral("initials"), QString(given.left(1) + QLatin1Char('.') + sur.left(1) + QLatin1Char('.'))},
        {QStringLiteral("middleName"), QJsonValue::Null},
        {QStringLiteral("nickName"), QJsonValue::Null},
        {QStringLiteral("surname"), sur},
        {QStringLiteral("title"), QJsonValue::Null},
        {QStringLiteral("generation"), QJsonValue::Null},
        {QStringLiteral("jobTitle"), QJsonValue::Null},
        {QStringLiteral("companyName"), QJsonValue::Null},
        {QStringLiteral("department"), QJsonValue::Null},
        {QStringLiteral("officeLocation"), QJsonValue::Null},
        {QStringLiteral("profession"), QJsonValue::Null},
        {QStringLiteral("businessHomePage"), QJsonValue::Null},
        {QStringLiteral("assistantName"), QJsonValue::Null},
        {QStringLiteral("manager"), QJsonValue::Null},
        {QStringLiteral("homePhones"), QJsonArray{}},
        {QStringLiteral("mobilePhone"), QJsonValue::Null},
        {QStringLiteral("businessPhones"), QJsonArray{}},
        {QStringLiteral("spouseName"), QJsonValue::Null},
        {QStringLiteral("personalNotes"), QString()},
        {QStringLiteral("children"), QJsonArray{}},
        {QStringLiteral("emailAddresses"),
         QJsonArray{QJsonObject{{QStringLiteral("name"), QString(given + QLatin1Char(' ') + sur)},
                                {QStringLiteral("address"), email}}}},
        {QStringLiteral("imAddresses"), QJsonArray{}},
        {QStringLiteral("homeAddress"), QJsonObject{}},
        {QStringLiteral("businessAddress"), QJsonObject{}},
        {QStringLiteral("otherAddress"), QJsonObject{}},
    };
}

QJsonObject makeDomain(const QString &name, bool verified, bool initial)
{
    return QJsonObject{
        {QStringLiteral("id"), name},
        {QStringLiteral("authenticationType"), QStringLiteral("Managed")},
        {QStringLiteral("availabilityStatus"), QJsonValue::Null},
        {QStringLiteral("isAdminManaged"), true},
        {QStringLiteral("isDefault"), initial},
        {QStringLiteral("isInitial"), initial},
        {QStringLiteral("isRoot"), true},
        {QStringLiteral("isVerified"), verified},
        {QStringLiteral("passwordNotificationWindowInDays"), QJsonValue::Null},
        {QStringLiteral("passwordValidityPeriodInDays"), QJsonValue::Null},
        {QStringLiteral("supportedServices"),
         verified ? QJsonArray{QStringLiteral("Email"), QStringLiteral("OfficeCommunicationsOnline")} : QJsonArray{}},
        {QStringLiteral("state"), QJsonValue::Null},
        {QStringLiteral("_verificationCode"),
         QStringLiteral("MS=ms%1").arg(QRandomGenerator::global()->bounded(10000000, 99999999))},
    };
}

QJsonObject makeSku(const QString &tenantId,
                    const QString &skuId,
                    const QString &partNumber,
                    int seats,
                    const QList<QPair<QString, QString>> &plans)
{
    QJsonArray servicePlans;
    for (const auto &plan : plans) {
        servicePlans.append(QJsonObject{{QStringLiteral("servicePlanId"), plan.first},
                                        {QStringLiteral("servicePlanName"), plan.second},
                                        {QStringLiteral("provisioningStatus"), QStringLiteral("Success")},
                                        {QStringLiteral("appliesTo"), QStringLiteral("User")}});
    }
    return QJsonObject{
        {QStringLiteral("accountId"), tenantId},
        {QStringLiteral("accountName"), QStringLiteral("Contoso")},
        {QStringLiteral("appliesTo"), QStringLiteral("User")},
        {QStringLiteral("capabilityStatus"), QStringLiteral("Enabled")},
        {QStringLiteral("id"), QString(tenantId + QLatin1Char('_') + skuId)},
        {QStringLiteral("prepaidUnits"),
         QJsonObject{{QStringLiteral("enabled"), seats},
                     {QStringLiteral("lockedOut"), 0},
                     {QStringLiteral("suspended"), 0},
                     {QStringLiteral("warning"), 0}}},
        {QStringLiteral("servicePlans"), servicePlans},
        {QStringLiteral("skuId"), skuId},
        {QStringLiteral("skuPartNumber"), partNumber},
        {QStringLiteral("subscriptionIds"), QJsonArray{newGuid()}},
    };
}

QJsonObject makeGraphServicePrincipal()
{
    return QJsonObject{
        {QStringLiteral("id"), newGuid()},
        {QStringLiteral("accountEnabled"), true},
        {QStringLiteral("appDisplayName"), QStringLiteral("Microsoft Graph")},
        {QStringLiteral("appId"), MicrosoftGraph::appId},
        {QStringLiteral("displayName"), QStringLiteral("Microsoft Graph")},
        {QStringLiteral("appRoles"), MicrosoftGraph::appRoles()},
        {QStringLiteral("servicePrincipalType"), QStringLiteral("Application")},
        {QStringLiteral("servicePrincipalNames"), QJsonArray{MicrosoftGraph::appId}},
        {QStringLiteral("tags"), QJsonArray{}},
    };
}

/// The tenant's authorizationPolicy as graph resources/authorizationpolicy.md shows it; @p membersMayCreate sets the
/// two defaultUserRolePermissions the sandbox enforces (Microsoft's default for a new tenant is true for both).
QJsonObject makeAuthorizationPolicy(bool membersMayCreate)
{
    return QJsonObject{
        {QStringLiteral("id"), QStringLiteral("authorizationPolicy")},
        {QStringLiteral("displayName"), QStringLiteral("Authorization Policy")},
        {QStringLiteral("description"),
         QStringLiteral("Used to manage authorization related settings across the company.")},
        {QStringLiteral("allowInvitesFrom"), QStringLiteral("everyone")},
        {QStringLiteral("allowedToSignUpEmailBasedSubscriptions"), true},
        {QStringLiteral("allowedToUseSSPR"), true},
        {QStringLiteral("allowEmailVerifiedUsersToJoinOrganization"), false},
        {QStringLiteral("allowUserConsentForRiskyApps"), false},
        {QStringLiteral("blockMsolPowerShell"), false},
        {QStringLiteral("defaultUserRolePermissions"),
         QJsonObject{{QStringLiteral("allowedToCreateApps"), membersMayCreate},
                     {QStringLiteral("allowedToCreateSecurityGroups"), membersMayCreate},
                     {QStringLiteral("allowedToCreateTenants"), true},
                     {QStringLiteral("allowedToReadBitlockerKeysForOwnedDevice"), true},
                     {QStringLiteral("allowedToReadOtherUsers"), true},
                     {QStringLiteral("permissionGrantPoliciesAssigned"),
                      QJsonArray{QStringLiteral("ManagePermissionGrantsForSelf.microsoft-user-default-legacy")}}}},
    };
}

template <typename Map> QJsonObject mapToJson(const Map &map)
{
    QJsonObject out;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        out.insert(it.key(), it.value());
    }
    return out;
}

QMap<QString, QJsonObject> mapFromJson(const QJsonValue &value)
{
    QMap<QString, QJsonObject> out;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        out.insert(it.key(), it.value().toObject());
    }
    return out;
}

} // namespace

QJsonArray MicrosoftGraph::appRoles()
{
    QJsonArray roles;
    for (const auto &role : graphRoleTable()) {
        roles.append(QJsonObject{
            {QStringLiteral("allowedMemberTypes"), QJsonArray{QStringLiteral("Application")}},
            {QStringLiteral("description"),
             QStringLiteral("Allows the app to use %1 without a signed-in user.").arg(role.first)},
            {QStringLiteral("displayName"), role.first},
            {QStringLiteral("id"), role.second},
            {QStringLiteral("isEnabled"), true},
            {QStringLiteral("origin"), QStringLiteral("Application")},
            {QStringLiteral("value"), role.first},
        });
    }
    return roles;
}

QString MicrosoftGraph::appRoleId(const QString &value)
{
    for (const auto &role : graphRoleTable()) {
        if (role.first == value) {
            return role.second;
        }
    }
    return {};
}

const QList<DirectoryRoles::Role> &DirectoryRoles::builtIn()
{
    // Template ids and descriptions of entra-docs docs/identity/role-based-access-control/permissions-reference.md.
    static const QList<Role> roles = {
        {globalAdministrator,
         QStringLiteral("62e90394-69f5-4237-9190-012177145e10"),
         QStringLiteral("Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra "
                        "identities.")},
        {privilegedRoleAdministrator,
         QStringLiteral("e8611ab8-c189-46e8-94e1-60213ab1f814"),
         QStringLiteral("Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity "
                        "Management.")},
        {applicationAdministrator,
         QStringLiteral("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"),
         QStringLiteral("Can create and manage all aspects of app registrations and enterprise apps.")},
        {cloudApplicationAdministrator,
         QStringLiteral("158c047a-c907-4556-b7ef-446551a6b5f7"),
         QStringLiteral("Can create and manage all aspects of app registrations and enterprise apps except App "
                        "Proxy.")},
        {applicationDeveloper,
         QStringLiteral("cf1c38e5-3621-4004-a7cb-879624dced7c"),
         QStringLiteral("Can create application registrations independent of the 'Users can register applications' "
                        "setting.")},
        {userAdministrator,
         QStringLiteral("fe930be7-5e62-47db-91af-98c3a49a38b1"),
         QStringLiteral("Can manage all aspects of users and groups, including resetting passwords for limited "
                        "admins.")},
        {groupsAdministrator,
         QStringLiteral("fdd7a751-b60b-444a-984c-02652fe8fa1c"),
         QStringLiteral("Members of this role can create/manage groups, create/manage groups settings like naming "
                        "and expiration policies, and view groups activity and audit reports.")},
        {licenseAdministrator,
         QStringLiteral("4d6ac14f-3453-41d0-bef9-a3e0c569773a"),
         QStringLiteral("Can manage product licenses on users and groups.")},
        {domainNameAdministrator,
         QStringLiteral("8329153b-31d0-4727-b945-745eb3bc5f31"),
         QStringLiteral("Can manage domain names in cloud and on-premises.")},
    };
    return roles;
}

const DirectoryRoles::Role *DirectoryRoles::byName(const QString &displayName)
{
    for (const Role &role : builtIn()) {
        if (role.displayName.compare(displayName, Qt::CaseInsensitive) == 0) {
            return &role;
        }
    }
    return nullptr;
}

QString DirectoryRoles::roleObjectId(const QString &tenantId, const QString &templateId)
{
    return QUuid::createUuidV5(QUuid::fromString(tenantId), templateId).toString(QUuid::WithoutBraces);
}

const DirectoryRoles::Rule &DirectoryRoles::rule(Operation operation)
{
    // Each rule names the roles the Graph API pages list for delegated calls (microsoft-graph-docs-contrib
    // api-reference/v1.0/includes/rbac-for-apis/*.md) and the role actions of permissions-reference.md; FIDELITY.md
    // names the page of each. Global Administrator may do everything.
    const QString ga = globalAdministrator;
    switch (operation) {
    case Operation::CreateApplication: {
        static const Rule rule{{ga, applicationAdministrator, cloudApplicationAdministrator},
                               {applicationDeveloper},
                               QStringLiteral("allowedToCreateApps"),
                               false};
        return rule;
    }
    case Operation::ManageApplication:
    case Operation::DeleteApplication: {
        static const Rule rule{{ga, applicationAdministrator, cloudApplicationAdministrator}, {}, {}, true};
        return rule;
    }
    case Operation::CreateServicePrincipal: {
        static const Rule rule{
            {ga, applicationAdministrator, cloudApplicationAdministrator}, {applicationDeveloper}, {}, true};
        return rule;
    }
    case Operation::GrantMicrosoftGraphAppRole: {
        static const Rule rule{{ga, privilegedRoleAdministrator}, {}, {}, false};
        return rule;
    }
    case Operation::GrantAppRole: {
        static const Rule rule{{ga,
                                privilegedRoleAdministrator,
                                applicationAdministrator,
                                cloudApplicationAdministrator,
                                userAdministrator},
                               {},
                               {},
                               true};
        return rule;
    }
    case Operation::GrantDelegatedPermission: {
        static const Rule rule{{ga,
                                privilegedRoleAdministrator,
                                applicationAdministrator,
                                cloudApplicationAdministrator,
                                applicationDeveloper,
                                userAdministrator},
                               {},
                               {},
                               false};
        return rule;
    }
    case Operation::ManageDomains: {
        static const Rule rule{{ga, domainNameAdministrator}, {}, {}, false};
        return rule;
    }
    case Operation::ManageUsers: {
        static const Rule rule{{ga, userAdministrator}, {}, {}, false};
        return rule;
    }
    case Operation::AssignLicenses: {
        static const Rule rule{{ga, userAdministrator, licenseAdministrator}, {}, {}, false};
        return rule;
    }
    case Operation::AssignGroupLicenses: {
        // graph api/group-assignlicense.md (Directory Writers, which the sandbox does not know, too).
        static const Rule rule{{ga, groupsAdministrator, licenseAdministrator, userAdministrator}, {}, {}, false};
        return rule;
    }
    case Operation::CreateGroup: {
        static const Rule rule{
            {ga, userAdministrator, groupsAdministrator}, {}, QStringLiteral("allowedToCreateSecurityGroups"), false};
        return rule;
    }
    case Operation::ManageGroups: {
        static const Rule rule{{ga, userAdministrator, groupsAdministrator}, {}, {}, true};
        return rule;
    }
    }
    Q_UNREACHABLE();
}

QJsonObject publicView(const QJsonObject &object)
{
    QJsonObject out = object;
    for (auto it = out.begin(); it != out.end();) {
        if (it.key().startsWith(QLatin1Char('_')) || it.key() == QLatin1String("passwordProfile")) {
            it = out.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

QString hashSecret(const QString &secretText)
{
    return QString::fromLatin1(QCryptographicHash::hash(secretText.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString newClientSecret()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";
    QString secret;
    for (int i = 0; i < 40; ++i) {
        secret.append(QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))]));
    }
    return secret;
}

QJsonObject makePasswordCredential(const QString &secret, const QJsonValue &displayName, const QDateTime &end)
{
    return QJsonObject{
        {QStringLiteral("customKeyIdentifier"), QJsonValue::Null},
        {QStringLiteral("displayName"), displayName},
        {QStringLiteral("endDateTime"), end.toString(Qt::ISODate)},
        {QStringLiteral("hint"), secret.left(3)},
        {QStringLiteral("keyId"), newGuid()},
        {QStringLiteral("secretText"), QJsonValue::Null},
        {QStringLiteral("startDateTime"), isoNow()},
        {QStringLiteral("_hash"), hashSecret(secret)},
    };
}

QJsonObject makeKeyCredential(const Crypto::CertificateInfo &info, const QString &displayName, const QString &keyId)
{
    return QJsonObject{
        // Binary, so Base64 in JSON; by default the certificate's SHA-1 thumbprint (graph resources/keycredential.md).
        {QStringLiteral("customKeyIdentifier"), QString::fromLatin1(info.sha1Thumbprint.toBase64())},
        {QStringLiteral("displayName"), displayName.isEmpty() ? info.subject : displayName},
        {QStringLiteral("endDateTime"), QDateTime::fromSecsSinceEpoch(info.notAfter, Qt::UTC).toString(Qt::ISODate)},
        {QStringLiteral("keyId"), keyId.isEmpty() ? newGuid() : keyId},
        {QStringLiteral("startDateTime"), QDateTime::fromSecsSinceEpoch(info.notBefore, Qt::UTC).toString(Qt::ISODate)},
        {QStringLiteral("type"), QStringLiteral("AsymmetricX509Cert")},
        {QStringLiteral("usage"), QStringLiteral("Verify")},
        {QStringLiteral("key"), QJsonValue::Null},
        {QStringLiteral("_der"), QString::fromLatin1(info.der.toBase64())},
    };
}

namespace {

/// The SKUs a user holds (each once).
QSet<QString> skusOf(const QJsonObject &user)
{
    QSet<QString> skus;
    for (const QJsonValue &license : user.value(QLatin1String("assignedLicenses")).toArray()) {
        skus.insert(license.toObject().value(QLatin1String("skuId")).toString());
    }
    return skus;
}

} // namespace

void TenantState::indexObject(const QJsonObject &object, bool isUser) const
{
    const QString id = object.value(QLatin1String("id")).toString();
    const QString nickname = object.value(QLatin1String("mailNickname")).toString();
    if (!nickname.isEmpty()) {
        m_nicknameIndex.insert(nickname.toLower(), id);
    }
    if (isUser) {
        const QString upn = object.value(QLatin1String("userPrincipalName")).toString();
        if (!upn.isEmpty()) {
            m_upnIndex.insert(upn.toLower(), id);
        }
        const QString anchor = object.value(QLatin1String("onPremisesImmutableId")).toString();
        if (!anchor.isEmpty()) {
            m_anchorIndex.insert(anchor, id);
        }
        for (const QString &sku : skusOf(object)) {
            ++m_consumedIndex[sku];
        }
    }
}

void TenantState::unindexObject(const QJsonObject &object, bool isUser) const
{
    const QString id = object.value(QLatin1String("id")).toString();
    const auto drop = [&id](QHash<QString, QString> &index, const QString &key) {
        const auto it = index.find(key);
        if (it != index.end() && it.value() == id) {
            index.erase(it);
        }
    };
    drop(m_nicknameIndex, object.value(QLatin1String("mailNickname")).toString().toLower());
    drop(m_upnIndex, object.value(QLatin1String("userPrincipalName")).toString().toLower());
    drop(m_anchorIndex, object.value(QLatin1String("onPremisesImmutableId")).toString());
    // A group's assignedLicenses (group-based licensing) take no seat; its members do.
    if (isUser) {
        for (const QString &sku : skusOf(object)) {
            --m_consumedIndex[sku];
        }
    }
}

void TenantState::reindex() const
{
    m_upnIndex.clear();
    m_nicknameIndex.clear();
    m_anchorIndex.clear();
    m_consumedIndex.clear();
    for (const QJsonObject &user : users) {
        indexObject(user, true);
    }
    for (const QJsonObject &group : groups) {
        indexObject(group, false);
    }
    m_indexedCount = users.size() + groups.size();
}

void TenantState::ensureIndex() const
{
    if (m_indexedCount != users.size() + groups.size()) {
        reindex();
    }
}

void TenantState::putUser(const QJsonObject &user)
{
    ensureIndex();
    const QString id = user.value(QLatin1String("id")).toString();
    const auto existing = users.constFind(id);
    if (existing != users.cend()) {
        unindexObject(existing.value(), true);
    }
    users.insert(id, user);
    indexObject(user, true);
    m_indexedCount = users.size() + groups.size();
}

QJsonObject TenantState::takeUser(const QString &id)
{
    ensureIndex();
    const QJsonObject user = users.take(id);
    unindexObject(user, true);
    m_indexedCount = users.size() + groups.size();
    return user;
}

void TenantState::putGroup(const QJsonObject &group)
{
    ensureIndex();
    const QString id = group.value(QLatin1String("id")).toString();
    const auto existing = groups.constFind(id);
    if (existing != groups.cend()) {
        unindexObject(existing.value(), false);
    }
    groups.insert(id, group);
    indexObject(group, false);
    m_indexedCount = users.size() + groups.size();
}

QJsonObject TenantState::takeGroup(const QString &id)
{
    ensureIndex();
    const QJsonObject group = groups.take(id);
    unindexObject(group, false);
    m_indexedCount = users.size() + groups.size();
    return group;
}

QString TenantState::userIdByUpn(const QString &upn) const
{
    ensureIndex();
    return m_upnIndex.value(upn.toLower());
}

QString TenantState::idByMailNickname(const QString &mailNickname) const
{
    ensureIndex();
    return m_nicknameIndex.value(mailNickname.toLower());
}

QString TenantState::userIdByImmutableId(const QString &immutableId) const
{
    ensureIndex();
    return m_anchorIndex.value(immutableId);
}

QString TenantState::applicationIdByAppId(const QString &appId) const
{
    for (auto it = applications.cbegin(); it != applications.cend(); ++it) {
        if (it->value(QLatin1String("appId")).toString().compare(appId, Qt::CaseInsensitive) == 0) {
            return it.key();
        }
    }
    return {};
}

QString TenantState::servicePrincipalIdByAppId(const QString &appId) const
{
    for (auto it = servicePrincipals.cbegin(); it != servicePrincipals.cend(); ++it) {
        if (it->value(QLatin1String("appId")).toString().compare(appId, Qt::CaseInsensitive) == 0) {
            return it.key();
        }
    }
    return {};
}

int TenantState::consumedUnits(const QString &skuId) const
{
    ensureIndex();
    return m_consumedIndex.value(skuId);
}

QStringList TenantState::directoryRolesOf(const QString &userId) const
{
    QStringList roles;
    for (const QJsonValue &role : users.value(userId).value(QLatin1String("_directoryRoles")).toArray()) {
        roles.append(role.toString());
    }
    return roles;
}

QStringList TenantState::directoryRolesOfGroup(const QString &groupId) const
{
    QStringList roles;
    for (const QJsonValue &role : groups.value(groupId).value(QLatin1String("_directoryRoles")).toArray()) {
        roles.append(role.toString());
    }
    return roles;
}

QStringList TenantState::effectiveDirectoryRolesOf(const QString &userId) const
{
    QStringList roles = directoryRolesOf(userId);
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        if (!it->contains(QLatin1String("_directoryRoles")) || !members.value(it.key()).contains(userId)) {
            continue;
        }
        for (const QString &role : directoryRolesOfGroup(it.key())) {
            if (!roles.contains(role)) {
                roles.append(role);
            }
        }
    }
    return roles;
}

int TenantState::enabledUnits(const QString &skuId) const
{
    for (const QJsonObject &sku : skus) {
        if (sku.value(QLatin1String("skuId")).toString() == skuId) {
            return sku.value(QLatin1String("prepaidUnits")).toObject().value(QLatin1String("enabled")).toInt();
        }
    }
    return 0;
}

bool TenantState::hasSku(const QString &skuId) const
{
    return std::any_of(skus.cbegin(), skus.cend(), [&skuId](const QJsonObject &sku) {
        return sku.value(QLatin1String("skuId")).toString() == skuId;
    });
}

bool TenantState::groupLicensingAvailable() const
{
    // Products that include Entra ID P1 by the page's list; their part numbers as Microsoft's licensing service plan
    // reference (entra-docs identity/users/licensing-service-plan-reference.md) names them.
    static const QStringList includingP1 = {QStringLiteral("SPB"),
                                            QStringLiteral("ENTERPRISEPACK"),
                                            QStringLiteral("ENTERPRISEPREMIUM"),
                                            QStringLiteral("SPE_E3"),
                                            QStringLiteral("SPE_E5"),
                                            QStringLiteral("AAD_PREMIUM"),
                                            QStringLiteral("AAD_PREMIUM_P2")};
    for (const QJsonObject &sku : skus) {
        if (sku.value(QLatin1String("prepaidUnits")).toObject().value(QLatin1String("enabled")).toInt() <= 0) {
            continue;
        }
        if (includingP1.contains(sku.value(QLatin1String("skuPartNumber")).toString())) {
            return true;
        }
        for (const QJsonValue &plan : sku.value(QLatin1String("servicePlans")).toArray()) {
            const QString name = plan.toObject().value(QLatin1String("servicePlanName")).toString();
            if (name == QLatin1String("AAD_PREMIUM") || name == QLatin1String("AAD_PREMIUM_P2")) {
                return true;
            }
        }
    }
    return false;
}

QJsonArray TenantState::directLicensesOf(const QJsonObject &user)
{
    return user.contains(QLatin1String("_directLicenses")) ? user.value(QLatin1String("_directLicenses")).toArray()
                                                           : user.value(QLatin1String("assignedLicenses")).toArray();
}

void TenantState::normalizeLicenses()
{
    for (auto it = users.begin(); it != users.end(); ++it) {
        if (it->contains(QLatin1String("_directLicenses"))) {
            continue;
        }
        const QJsonArray direct = directLicensesOf(*it);
        QJsonArray states;
        for (const QJsonValue &license : direct) {
            states.append(QJsonObject{
                {QStringLiteral("assignedByGroup"), QJsonValue::Null},
                {QStringLiteral("disabledPlans"), license.toObject().value(QLatin1String("disabledPlans")).toArray()},
                {QStringLiteral("error"), QJsonValue::Null},
                {QStringLiteral("lastUpdatedDateTime"), it->value(QLatin1String("createdDateTime"))},
                {QStringLiteral("skuId"), license.toObject().value(QLatin1String("skuId"))},
                {QStringLiteral("state"), QStringLiteral("Active")}});
        }
        it->insert(QStringLiteral("_directLicenses"), direct);
        it->insert(QStringLiteral("licenseAssignmentStates"), states);
    }
}

bool TenantState::defaultUsersMay(const QString &setting) const
{
    return authorizationPolicy.value(QLatin1String("defaultUserRolePermissions"))
        .toObject()
        .value(setting)
        .toBool(false);
}

const QList<TenantState::DemoAdmin> &TenantState::demoAdmins()
{
    static const QList<DemoAdmin> admins = {
        {demoAdminUpn, DirectoryRoles::globalAdministrator, QStringLiteral("Sandbox"), QStringLiteral("Admin")},
        {demoPrivilegedRoleAdminUpn,
         DirectoryRoles::privilegedRoleAdministrator,
         QStringLiteral("Patti"),
         QStringLiteral("Fernandez")},
        {demoApplicationAdminUpn,
         DirectoryRoles::applicationAdministrator,
         QStringLiteral("Isaiah"),
         QStringLiteral("Langer")},
        {demoCloudApplicationAdminUpn,
         DirectoryRoles::cloudApplicationAdministrator,
         QStringLiteral("Diego"),
         QStringLiteral("Siciliani")},
        {demoUserAdminUpn, DirectoryRoles::userAdministrator, QStringLiteral("Lynne"), QStringLiteral("Robbins")},
    };
    return admins;
}

QStringList TenantState::verifiedDomainNames() const
{
    QStringList names;
    for (auto it = domains.cbegin(); it != domains.cend(); ++it) {
        if (it->value(QLatin1String("isVerified")).toBool()) {
            names.append(it.key());
        }
    }
    return names;
}

QJsonObject TenantState::toJson() const
{
    QJsonArray tombstoneArray;
    for (const auto &t : tombstones) {
        tombstoneArray.append(QJsonObject{{QStringLiteral("seq"), t.seq},
                                          {QStringLiteral("kind"), t.kind},
                                          {QStringLiteral("id"), t.id},
                                          {QStringLiteral("permanent"), t.permanent}});
    }
    QJsonArray memberChangeArray;
    for (const auto &c : memberChanges) {
        memberChangeArray.append(QJsonObject{{QStringLiteral("seq"), c.seq},
                                             {QStringLiteral("group"), c.groupId},
                                             {QStringLiteral("member"), c.memberId},
                                             {QStringLiteral("added"), c.added}});
    }
    QJsonArray managerChangeArray;
    for (const auto &c : managerChanges) {
        managerChangeArray.append(QJsonObject{{QStringLiteral("seq"), c.seq},
                                              {QStringLiteral("user"), c.userId},
                                              {QStringLiteral("manager"), c.managerId},
                                              {QStringLiteral("set"), c.set}});
    }
    QJsonObject managerObject;
    for (auto it = managers.cbegin(); it != managers.cend(); ++it) {
        managerObject.insert(it.key(), it.value());
    }
    QJsonObject memberObject;
    for (auto it = members.cbegin(); it != members.cend(); ++it) {
        memberObject.insert(it.key(), QJsonArray::fromStringList(it.value()));
    }
    QJsonObject txt;
    for (auto it = publishedTxtRecords.cbegin(); it != publishedTxtRecords.cend(); ++it) {
        txt.insert(it.key(), QJsonArray::fromStringList(it.value()));
    }
    QJsonArray skuArray;
    for (const auto &sku : skus) {
        skuArray.append(sku);
    }
    return QJsonObject{
        {QStringLiteral("format"), 1},
        {QStringLiteral("tenantId"), tenantId},
        {QStringLiteral("organization"), organization},
        {QStringLiteral("users"), mapToJson(users)},
        {QStringLiteral("groups"), mapToJson(groups)},
        {QStringLiteral("members"), memberObject},
        {QStringLiteral("managers"), managerObject},
        {QStringLiteral("deletedItems"), mapToJson(deletedItems)},
        {QStringLiteral("domains"), mapToJson(domains)},
        {QStringLiteral("publishedTxtRecords"), txt},
        {QStringLiteral("skus"), skuArray},
        {QStringLiteral("applications"), mapToJson(applications)},
        {QStringLiteral("servicePrincipals"), mapToJson(servicePrincipals)},
        {QStringLiteral("appRoleAssignments"), mapToJson(appRoleAssignments)},
        {QStringLiteral("tombstones"), tombstoneArray},
        {QStringLiteral("memberChanges"), memberChangeArray},
        {QStringLiteral("managerChanges"), managerChangeArray},
        {QStringLiteral("seq"), seq},
        {QStringLiteral("deltaEpoch"), deltaEpoch},
        {QStringLiteral("authorizationPolicy"), authorizationPolicy},
        {QStringLiteral("demoClient"),
         QJsonObject{{QStringLiteral("clientId"), demoClientId}, {QStringLiteral("clientSecret"), demoClientSecret}}},
    };
}

TenantState TenantState::fromJson(const QJsonObject &json)
{
    TenantState s;
    s.tenantId = json.value(QLatin1String("tenantId")).toString();
    s.organization = json.value(QLatin1String("organization")).toObject();
    s.users = mapFromJson(json.value(QLatin1String("users")));
    s.groups = mapFromJson(json.value(QLatin1String("groups")));
    const QJsonObject memberObject = json.value(QLatin1String("members")).toObject();
    for (auto it = memberObject.begin(); it != memberObject.end(); ++it) {
        QStringList ids;
        for (const auto &v : it.value().toArray()) {
            ids.append(v.toString());
        }
        s.members.insert(it.key(), ids);
    }
    const QJsonObject managerObject = json.value(QLatin1String("managers")).toObject();
    for (auto it = managerObject.begin(); it != managerObject.end(); ++it) {
        s.managers.insert(it.key(), it.value().toString());
    }
    s.deletedItems = mapFromJson(json.value(QLatin1String("deletedItems")));
    s.domains = mapFromJson(json.value(QLatin1String("domains")));
    const QJsonObject txt = json.value(QLatin1String("publishedTxtRecords")).toObject();
    for (auto it = txt.begin(); it != txt.end(); ++it) {
        QStringList records;
        for (const auto &v : it.value().toArray()) {
            records.append(v.toString());
        }
        s.publishedTxtRecords.insert(it.key(), records);
    }
    for (const auto &v : json.value(QLatin1String("skus")).toArray()) {
        s.skus.append(v.toObject());
    }
    s.applications = mapFromJson(json.value(QLatin1String("applications")));
    s.servicePrincipals = mapFromJson(json.value(QLatin1String("servicePrincipals")));
    s.appRoleAssignments = mapFromJson(json.value(QLatin1String("appRoleAssignments")));
    for (const auto &v : json.value(QLatin1String("tombstones")).toArray()) {
        const QJsonObject o = v.toObject();
        s.tombstones.append({o.value(QLatin1String("seq")).toInteger(),
                             o.value(QLatin1String("kind")).toString(),
                             o.value(QLatin1String("id")).toString(),
                             o.value(QLatin1String("permanent")).toBool()});
    }
    for (const auto &v : json.value(QLatin1String("memberChanges")).toArray()) {
        const QJsonObject o = v.toObject();
        s.memberChanges.append({o.value(QLatin1String("seq")).toInteger(),
                                o.value(QLatin1String("group")).toString(),
                                o.value(QLatin1String("member")).toString(),
                                o.value(QLatin1String("added")).toBool()});
    }
    for (const auto &v : json.value(QLatin1String("managerChanges")).toArray()) {
        const QJsonObject o = v.toObject();
        s.managerChanges.append({o.value(QLatin1String("seq")).toInteger(),
                                 o.value(QLatin1String("user")).toString(),
                                 o.value(QLatin1String("manager")).toString(),
                                 o.value(QLatin1String("set")).toBool()});
    }
    s.seq = json.value(QLatin1String("seq")).toInteger();
    s.deltaEpoch = json.value(QLatin1String("deltaEpoch")).toInt(1);
    // A state file written before the policy was kept has Microsoft's defaults.
    s.authorizationPolicy = json.value(QLatin1String("authorizationPolicy")).toObject(makeAuthorizationPolicy(true));
    const QJsonObject demo = json.value(QLatin1String("demoClient")).toObject();
    s.demoClientId = demo.value(QLatin1String("clientId")).toString();
    s.demoClientSecret = demo.value(QLatin1String("clientSecret")).toString();
    s.normalizeLicenses();
    return s;
}

TenantState TenantState::empty(const QString &initialDomain)
{
    TenantState s;
    s.tenantId = newGuid();
    s.organization = QJsonObject{
        {QStringLiteral("id"), s.tenantId},
        {QStringLiteral("displayName"), initialDomain.section(QLatin1Char('.'), 0, 0)},
        {QStringLiteral("countryLetterCode"), QStringLiteral("US")},
        {QStringLiteral("preferredLanguage"), QStringLiteral("en")},
        {QStringLiteral("createdDateTime"), isoNow()},
        {QStringLiteral("tenantType"), QStringLiteral("AAD")},
        {QStringLiteral("verifiedDomains"), QJsonArray{}},
        {QStringLiteral("assignedPlans"), QJsonArray{}},
        {QStringLiteral("city"), QJsonValue::Null},
        {QStringLiteral("country"), QJsonValue::Null},
        {QStringLiteral("businessPhones"), QJsonArray{}},
        {QStringLiteral("technicalNotificationMails"), QJsonArray{}},
        {QStringLiteral("onPremisesSyncEnabled"), QJsonValue::Null},
    };
    s.domains.insert(initialDomain.toLower(), makeDomain(initialDomain.toLower(), true, true));
    s.authorizationPolicy = makeAuthorizationPolicy(true);
    const QJsonObject graph = makeGraphServicePrincipal();
    s.servicePrincipals.insert(graph.value(QLatin1String("id")).toString(), graph);
    return s;
}

TenantState TenantState::seedDemo()
{
    TenantState s = empty(QStringLiteral("contoso.onmicrosoft.com"));
    s.organization.insert(QStringLiteral("displayName"), QStringLiteral("Contoso (sandbox)"));
    // "Users can register applications" and "Users can create security groups" are off, as many organisations set
    // them (entra-docs fundamentals/users-default-permissions.md): in the demo only an administrator's role decides
    // what a signed-in user may create.
    s.authorizationPolicy = makeAuthorizationPolicy(false);
    s.domains.insert(QStringLiteral("example.org"), makeDomain(QStringLiteral("example.org"), false, false));

    const QString domain = QStringLiteral("@contoso.onmicrosoft.com");
    QList<QJsonObject> people = {
        makeUser(QStringLiteral("Adele"),
                 QStringLiteral("Vance"),
                 QStringLiteral("AdeleV") + domain,
                 QStringLiteral("Global administrator")),
        makeUser(QStringLiteral("Megan"),
                 QStringLiteral("Bowen"),
                 QStringLiteral("MeganB") + domain,
                 QStringLiteral("Marketing manager")),
        makeUser(QStringLiteral("Alex"),
                 QStringLiteral("Wilber"),
                 QStringLiteral("AlexW") + domain,
                 QStringLiteral("Marketing assistant")),
        makeUser(
            QStringLiteral("Lee"), QStringLiteral("Gu"), QStringLiteral("LeeG") + domain, QStringLiteral("Director")),
        makeUser(QStringLiteral("Nestor"),
                 QStringLiteral("Wilke"),
                 QStringLiteral("NestorW") + domain,
                 QStringLiteral("Director of operations")),
    };
    // The demo administrators, who can sign in on the sandbox's sign-in page, each holding one role.
    for (const DemoAdmin &admin : demoAdmins()) {
        QJsonObject user = makeUser(admin.givenName, admin.surname, admin.userPrincipalName, admin.role);
        user.insert(QStringLiteral("_signInPasswordHash"), hashSecret(demoAdminPassword));
        user.insert(QStringLiteral("_directoryRoles"), QJsonArray{admin.role});
        people.append(user);
    }
    for (QJsonObject user : people) {
        user.insert(QStringLiteral("_seq"), s.nextSeq());
        if (user.value(QLatin1String("mailNickname")).toString() == QLatin1String("AdeleV")) {
            // Adele's mailbox holds a few Outlook contacts (users/{id}/contacts, contactFolders, contacts/delta).
            user.insert(QStringLiteral("_contacts"),
                        QJsonArray{makeContact(QStringLiteral("Pavel"),
                                               QStringLiteral("Bansky"),
                                               QStringLiteral("pavelb@fabrikam.example"),
                                               QStringLiteral("1984-10-19T11:59:00Z")),
                                   makeContact(QStringLiteral("Rob"),
                                               QStringLiteral("Young"),
                                               QStringLiteral("roby@fabrikam.example"),
                                               QString()),
                                   makeContact(QStringLiteral("Ann"),
                                               QStringLiteral("Beebe"),
                                               QStringLiteral("annb@tailspin.example"),
                                               QStringLiteral("1990-03-02T11:59:00Z"))});
        }
        s.putUser(user);
    }

    const QString e3 = QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900");
    const QString exchange = QStringLiteral("4b9405b0-7788-4568-add1-99614e613b69");
    s.skus.append(
        makeSku(s.tenantId,
                e3,
                QStringLiteral("ENTERPRISEPACK"),
                25,
                {{QStringLiteral("efb87545-963c-4e0d-99df-69c6916d9eb0"), QStringLiteral("EXCHANGE_S_ENTERPRISE")},
                 {QStringLiteral("5dbe027f-2339-4123-9542-606e4d348a72"), QStringLiteral("SHAREPOINTENTERPRISE")}}));
    s.skus.append(
        makeSku(s.tenantId,
                exchange,
                QStringLiteral("EXCHANGESTANDARD"),
                10,
                {{QStringLiteral("9aaf7827-d63c-4b61-89c3-182f06f82e5c"), QStringLiteral("EXCHANGE_S_STANDARD")}}));
    // Two of the cloud users already hold E3 seats.
    int licensed = 0;
    for (auto it = s.users.begin(); it != s.users.end() && licensed < 2; ++it, ++licensed) {
        it->insert(
            QStringLiteral("assignedLicenses"),
            QJsonArray{QJsonObject{{QStringLiteral("disabledPlans"), QJsonArray{}}, {QStringLiteral("skuId"), e3}}});
    }
    s.normalizeLicenses();
    s.reindex();

    QJsonObject group{
        {QStringLiteral("id"), newGuid()},
        {QStringLiteral("displayName"), QStringLiteral("Marketing (cloud)")},
        {QStringLiteral("description"), QStringLiteral("A cloud-only group")},
        {QStringLiteral("mailEnabled"), false},
        {QStringLiteral("mailNickname"), QStringLiteral("marketing-cloud")},
        {QStringLiteral("securityEnabled"), true},
        {QStringLiteral("groupTypes"), QJsonArray{}},
        {QStringLiteral("mail"), QJsonValue::Null},
        {QStringLiteral("createdDateTime"), isoNow()},
        {QStringLiteral("onPremisesSyncEnabled"), QJsonValue::Null},
        {QStringLiteral("_seq"), s.nextSeq()},
    };
    const QString groupId = group.value(QLatin1String("id")).toString();
    s.putGroup(group);
    s.members.insert(
        groupId, {s.userIdByUpn(QStringLiteral("MeganB") + domain), s.userIdByUpn(QStringLiteral("AlexW") + domain)});

    // The demo app registration m365sync signs in as, with a client secret and the roles it needs granted.
    const QString secret = newClientSecret();
    const QString appId = newGuid();
    QJsonObject app{
        {QStringLiteral("id"), newGuid()},
        {QStringLiteral("appId"), appId},
        {QStringLiteral("displayName"), QStringLiteral("m365sync (sandbox demo)")},
        {QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
        {QStringLiteral("createdDateTime"), isoNow()},
        {QStringLiteral("keyCredentials"), QJsonArray{}},
        {QStringLiteral("passwordCredentials"),
         QJsonArray{makePasswordCredential(
             secret, QStringLiteral("sandbox demo secret"), QDateTime::currentDateTimeUtc().addYears(2))}},
        {QStringLiteral("requiredResourceAccess"), QJsonArray{}},
    };
    s.applications.insert(app.value(QLatin1String("id")).toString(), app);
    QJsonObject sp{
        {QStringLiteral("id"), newGuid()},
        {QStringLiteral("accountEnabled"), true},
        {QStringLiteral("appId"), appId},
        {QStringLiteral("appDisplayName"), app.value(QLatin1String("displayName"))},
        {QStringLiteral("displayName"), app.value(QLatin1String("displayName"))},
        {QStringLiteral("appRoles"), QJsonArray{}},
        {QStringLiteral("servicePrincipalType"), QStringLiteral("Application")},
        {QStringLiteral("servicePrincipalNames"), QJsonArray{appId}},
        {QStringLiteral("tags"), QJsonArray{}},
    };
    const QString spId = sp.value(QLatin1String("id")).toString();
    s.servicePrincipals.insert(spId, sp);
    const QString graphSpId = s.servicePrincipalIdByAppId(MicrosoftGraph::appId);
    for (const QString &role : {QStringLiteral("User.ReadWrite.All"),
                                QStringLiteral("Group.ReadWrite.All"),
                                QStringLiteral("GroupMember.ReadWrite.All"),
                                QStringLiteral("Domain.ReadWrite.All"),
                                QStringLiteral("Organization.Read.All"),
                                QStringLiteral("LicenseAssignment.ReadWrite.All"),
                                QStringLiteral("Application.ReadWrite.All"),
                                QStringLiteral("AppRoleAssignment.ReadWrite.All"),
                                QStringLiteral("RoleManagement.Read.Directory")}) {
        const QJsonObject assignment{
            {QStringLiteral("id"), newGuid()},
            {QStringLiteral("appRoleId"), MicrosoftGraph::appRoleId(role)},
            {QStringLiteral("createdDateTime"), isoNow()},
            {QStringLiteral("deletedDateTime"), QJsonValue::Null},
            {QStringLiteral("principalDisplayName"), sp.value(QLatin1String("displayName"))},
            {QStringLiteral("principalId"), spId},
            {QStringLiteral("principalType"), QStringLiteral("ServicePrincipal")},
            {QStringLiteral("resourceDisplayName"), QStringLiteral("Microsoft Graph")},
            {QStringLiteral("resourceId"), graphSpId},
        };
        s.appRoleAssignments.insert(assignment.value(QLatin1String("id")).toString(), assignment);
    }
    s.demoClientId = appId;
    s.demoClientSecret = secret;
    return s;
}

} // namespace M365::Sandbox
