// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandboxcrypto.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace M365::Sandbox {

/*
 * Everything a sandbox tenant holds, as plain data. Directory objects are kept as the JSON Graph would show, plus
 * internal bookkeeping in keys that start with an underscore ("_seq", "_secrets", …); those keys and the write-only
 * properties (passwordProfile) never leave the sandbox (see publicView()).
 *
 * Every change to a user, a group or a membership takes the next sequence number. Delta queries are answered from
 * these numbers: a delta token is "everything after sequence N", which keeps tokens small and exact.
 */
class TenantState
{
public:
    struct Tombstone
    {
        qint64 seq = 0;
        QString kind; ///< "user" or "group"
        QString id;
        bool permanent = false; ///< false: soft-deleted (restorable), reason "changed"; true: reason "deleted"
    };
    struct MemberChange
    {
        qint64 seq = 0;
        QString groupId;
        QString memberId;
        bool added = true;
    };
    /// A user's manager set (or replaced) or removed; delta answers `manager@delta` from these.
    struct ManagerChange
    {
        qint64 seq = 0;
        QString userId;
        QString managerId; ///< the new manager when set; the one taken away when removed
        bool set = true;
    };

    QString tenantId;
    QJsonObject organization;
    QMap<QString, QJsonObject> users; ///< by id
    QMap<QString, QJsonObject> groups; ///< by id
    QHash<QString, QStringList> members; ///< group id -> member ids in the order they were added
    QHash<QString, QString> managers; ///< user id -> the id of the user's manager (a user)
    QMap<QString, QJsonObject> deletedItems; ///< by id; users and groups with "@odata.type" and deletedDateTime
    QMap<QString, QJsonObject> domains; ///< by lower-case name
    QHash<QString, QStringList> publishedTxtRecords; ///< lower-case domain -> TXT records "published at the DNS host"
    QList<QJsonObject> skus; ///< subscribedSku objects; consumedUnits is computed from the users' assignments
    QMap<QString, QJsonObject> applications; ///< by object id
    QMap<QString, QJsonObject> servicePrincipals; ///< by object id
    QMap<QString, QJsonObject> appRoleAssignments; ///< by assignment id
    QList<Tombstone> tombstones;
    QList<MemberChange> memberChanges;
    QList<ManagerChange> managerChanges;
    qint64 seq = 0;
    int deltaEpoch = 1; ///< raising it invalidates every delta token (410 syncStateNotFound)
    /// The demo app registration's credentials, kept so that m365sim can print them on every start. This is the
    /// emulated Microsoft side of a throwaway demo tenant; m365sync itself never writes a secret to a file.
    QString demoClientId;
    QString demoClientSecret;

    /// The tenant's authorizationPolicy as GET /policies/authorizationPolicy shows it. Its
    /// defaultUserRolePermissions decide what a signed-in user without a directory role may create
    /// (DirectoryRoles::Rule::defaultUserSetting).
    QJsonObject authorizationPolicy;

    qint64 nextSeq() { return ++seq; }

    /// Insert or replace a user or group, keeping the lookup indexes right. Change users and groups only through
    /// these (or call reindex() after changing the maps directly).
    void putUser(const QJsonObject &user);
    QJsonObject takeUser(const QString &id);
    void putGroup(const QJsonObject &group);
    QJsonObject takeGroup(const QString &id);
    void reindex() const;

    /// Lookups by the unique keys Graph enforces, through indexes (a tenant may hold 100,000 users).
    QString userIdByUpn(const QString &upn) const;
    QString idByMailNickname(const QString &mailNickname) const; ///< users and groups share the namespace
    QString userIdByImmutableId(const QString &immutableId) const;
    QString applicationIdByAppId(const QString &appId) const;
    QString servicePrincipalIdByAppId(const QString &appId) const;

    /// The directory roles (display names) @p userId holds; empty for an unknown user.
    QStringList directoryRolesOf(const QString &userId) const;
    /// The directory roles assigned to the role-assignable group @p groupId ("_directoryRoles" of the group).
    QStringList directoryRolesOfGroup(const QString &groupId) const;
    /// What @p userId may do by role: their own roles and those of every group they are a direct member of (a
    /// role-assignable group cannot have groups as members, entra-docs role-based-access-control/groups-concept.md).
    QStringList effectiveDirectoryRolesOf(const QString &userId) const;
    /// Whether the authorizationPolicy's defaultUserRolePermissions has @p setting ("allowedToCreateApps") true.
    bool defaultUsersMay(const QString &setting) const;

    /// consumedUnits of a SKU: the users that hold an assignment of it.
    int consumedUnits(const QString &skuId) const;
    /// prepaidUnits.enabled of a SKU; 0 for an unknown one.
    int enabledUnits(const QString &skuId) const;
    /// Whether the tenant subscribes to @p skuId.
    bool hasSku(const QString &skuId) const;
    /**
     * Whether the tenant may use group-based licensing: it needs Microsoft Entra ID P1 or a product that includes it
     * (entra-docs fundamentals/concept-group-based-licensing.md, "Licensing requirements"): a subscribed SKU with
     * seats and the service plan AAD_PREMIUM (or AAD_PREMIUM_P2), or one of the products that page names
     * (Microsoft 365 Business Premium, Office 365 E3 and above).
     */
    bool groupLicensingAvailable() const;
    /// A user's direct licence assignments ("_directLicenses"; assignedLicenses in a state file written before
    /// group-based licensing, when every assignment was direct).
    static QJsonArray directLicensesOf(const QJsonObject &user);
    /// Gives every user without them "_directLicenses" and licenseAssignmentStates (an older state file, the seed).
    void normalizeLicenses();

    /// The verified domains' names in lower case.
    QStringList verifiedDomainNames() const;

    QJsonObject toJson() const;
    static TenantState fromJson(const QJsonObject &json);

    /// A demo tenant (Contoso): tenant id, contoso.onmicrosoft.com verified and initial, example.org unverified,
    /// a few cloud-only users and groups, the demo administrators (demoAdmins()), two SKUs with limited seats, the
    /// Microsoft Graph service principal with its app roles, and the demo app registration with a client secret and
    /// the roles m365sync needs granted. Its authorizationPolicy lets member users create neither applications nor
    /// security groups, so that what a demo admin may do follows from the admin's role alone.
    static TenantState seedDemo();
    /// The demo tenant's Global Administrator, who can sign in on the sandbox's sign-in page (authorization-code
    /// flow). The password is a sandbox-only demo value; the state file keeps only its hash.
    static inline const QString demoAdminUpn = QStringLiteral("admin@contoso.onmicrosoft.com");
    static inline const QString demoAdminPassword = QStringLiteral("Sandbox-Admin-2026!");
    /// Demo administrators with one less privileged role each, for trying what each role may do. They sign in with
    /// demoAdminPassword too.
    static inline const QString demoPrivilegedRoleAdminUpn = QStringLiteral("pra@contoso.onmicrosoft.com");
    static inline const QString demoApplicationAdminUpn = QStringLiteral("appadmin@contoso.onmicrosoft.com");
    static inline const QString demoCloudApplicationAdminUpn = QStringLiteral("cloudappadmin@contoso.onmicrosoft.com");
    static inline const QString demoUserAdminUpn = QStringLiteral("useradmin@contoso.onmicrosoft.com");
    struct DemoAdmin
    {
        QString userPrincipalName;
        QString role; ///< the directory role's display name (DirectoryRoles)
        QString givenName;
        QString surname;
    };
    /// Every demo administrator, the Global Administrator first; all sign in with demoAdminPassword.
    static const QList<DemoAdmin> &demoAdmins();

    /// An empty tenant with only the initial domain and the Microsoft Graph service principal.
    static TenantState empty(const QString &initialDomain);

private:
    void ensureIndex() const;
    void indexObject(const QJsonObject &object, bool isUser) const;
    void unindexObject(const QJsonObject &object, bool isUser) const;

    mutable QHash<QString, QString> m_upnIndex; ///< lower-case UPN -> user id
    mutable QHash<QString, QString> m_nicknameIndex; ///< lower-case mailNickname -> user or group id
    mutable QHash<QString, QString> m_anchorIndex; ///< onPremisesImmutableId -> user id
    mutable QHash<QString, int> m_consumedIndex; ///< skuId -> users holding it
    mutable qsizetype m_indexedCount = -1;
};

/// The Microsoft Graph resource application id and the app roles the sandbox knows (value -> role id).
namespace MicrosoftGraph {
inline const QString appId = QStringLiteral("00000003-0000-0000-c000-000000000000");
QJsonArray appRoles();
/// Role id for a permission value like "User.ReadWrite.All"; empty when unknown.
QString appRoleId(const QString &value);
} // namespace MicrosoftGraph

/**
 * The Microsoft Entra built-in directory roles the sandbox knows (entra-docs
 * docs/identity/role-based-access-control/permissions-reference.md), and which of them a signed-in user must hold for
 * a delegated call to change the directory. Graph checks both: the token's delegated permission (its "scp") and the
 * user's role ("In delegated scenarios with work or school accounts, the signed-in user must be assigned a supported
 * Microsoft Entra role", the API pages of microsoft-graph-docs-contrib). Reads need no role: a member user may read
 * the directory (entra-docs docs/fundamentals/users-default-permissions.md).
 */
namespace DirectoryRoles {
inline const QString globalAdministrator = QStringLiteral("Global Administrator");
inline const QString privilegedRoleAdministrator = QStringLiteral("Privileged Role Administrator");
inline const QString applicationAdministrator = QStringLiteral("Application Administrator");
inline const QString cloudApplicationAdministrator = QStringLiteral("Cloud Application Administrator");
inline const QString applicationDeveloper = QStringLiteral("Application Developer");
inline const QString userAdministrator = QStringLiteral("User Administrator");
inline const QString groupsAdministrator = QStringLiteral("Groups Administrator");
inline const QString licenseAdministrator = QStringLiteral("License Administrator");
inline const QString domainNameAdministrator = QStringLiteral("Domain Name Administrator");

struct Role
{
    QString displayName;
    QString templateId; ///< the built-in role's template id, the same in every tenant
    QString description;
};
/// The roles above with their template ids and descriptions.
const QList<Role> &builtIn();
/// The role called @p displayName; nullptr when the sandbox does not know it.
const Role *byName(const QString &displayName);
/// The id of the activated role (a directoryRole object) in tenant @p tenantId: unlike the template id it differs per
/// tenant; derived from both so that it is stable without being stored.
QString roleObjectId(const QString &tenantId, const QString &templateId);

/// The directory changes whose delegated calls need a role.
enum class Operation {
    CreateApplication,
    ManageApplication, ///< update, add or remove credentials
    DeleteApplication,
    CreateServicePrincipal,
    GrantMicrosoftGraphAppRole, ///< an app role of Microsoft Graph (application permission) to any principal
    GrantAppRole, ///< an app role of any other resource
    GrantDelegatedPermission, ///< an oauth2PermissionGrant
    ManageDomains, ///< add, verify, delete, federate
    ManageUsers, ///< create, update, delete, restore, manager
    AssignLicenses,
    AssignGroupLicenses, ///< POST /groups/{id}/assignLicense
    CreateGroup,
    ManageGroups, ///< update, delete, restore, members
};

/// Who may do an operation in a delegated call.
struct Rule
{
    QStringList roles; ///< any of these directory roles (Global Administrator is always among them)
    /// Roles that may create only as the new object's first owner (Application Developer's "createAsOwner").
    QStringList asOwnerRoles;
    /// A defaultUserRolePermissions setting that, when true, lets any member user create (and own) the object.
    QString defaultUserSetting;
    bool owners = false; ///< the owners of the object may do it: they manage what they own
};
/// The rule of @p operation; the one table of who may change what.
const Rule &rule(Operation operation);
} // namespace DirectoryRoles

/// Removes internal keys (leading underscore) and write-only properties.
QJsonObject publicView(const QJsonObject &object);

/// Hash under which a client secret is kept: hex SHA-256 of the secret text.
QString hashSecret(const QString &secretText);

/// A new client secret as Entra makes them: 40 characters of letters, digits and "~._-".
QString newClientSecret();
/// An application's passwordCredential for @p secret: only its hash and 3-character hint are kept.
QJsonObject makePasswordCredential(const QString &secret, const QJsonValue &displayName, const QDateTime &end);
/// An application's keyCredential for a certificate (AsymmetricX509Cert, Verify); "key" reads as null, as in Graph,
/// and the DER is kept internally to verify client assertions.
QJsonObject
makeKeyCredential(const Crypto::CertificateInfo &info, const QString &displayName = {}, const QString &keyId = {});

} // namespace M365::Sandbox
