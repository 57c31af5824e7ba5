// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "apitypes.h"
#include "schema.h"
#include "tenantstate.h"
#include "throttler.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTimer>

#include <deque>
#include <optional>

namespace M365::Sandbox {

class ODataFilter;

/*
 * One emulated Microsoft 365 tenant: the identity platform's token endpoint, the Microsoft Graph v1.0 surface that
 * m365sync uses, and the admin API under /_sandbox/. It answers ApiRequests with ApiResponses and knows nothing of
 * sockets, so the HTTP server, `$batch` and the tests drive the very same code.
 *
 * Behaviour follows Microsoft's documentation: error bodies and codes, paging with @odata.nextLink, delta links,
 * throttling budgets with Retry-After, eventual consistency for new objects, and per-endpoint authorisation from the
 * access token's roles.
 */
class SandboxTenant : public QObject
{
    Q_OBJECT

public:
    struct Faults
    {
        double serverErrorRate = 0; ///< share of Graph requests answered 503/504 with Retry-After
        double resetRate = 0; ///< share of Graph requests whose connection is closed without an answer
        int latencyMs = 0; ///< added before every Graph answer
        int replicationLagMs = 0; ///< a new object answers 404 to reads and member adds for this long
        double retryAfterSeconds = 1; ///< Retry-After sent with injected 503/504
    };

    struct LogEntry
    {
        QString time;
        QString method;
        QString path;
        int status = 0;
        QString appId;
        QString requestId;
        int resourceUnits = 0;
    };

    explicit SandboxTenant(QObject *parent = nullptr);
    ~SandboxTenant() override;

    /// Loads the tenant from @p statePath, or creates it (seeded with the demo when @p seedDemo) when the file does
    /// not exist. An empty path keeps the tenant in memory only.
    bool open(const QString &statePath, bool seedDemo, QString *errorMessage);
    /// Writes the state file now (atomically); also done shortly after every change and on destruction.
    bool save(QString *errorMessage = nullptr);

    /// The origin clients reach the sandbox at, e.g. "https://127.0.0.1:4433"; used in @odata links.
    void setBaseUrl(const QString &baseUrl) { m_baseUrl = baseUrl; }
    QString baseUrl() const { return m_baseUrl; }

    void setTimeScale(double scale);
    double timeScale() const { return m_timeScale; }
    void setFaults(const Faults &faults) { m_faults = faults; }
    Faults faults() const { return m_faults; }
    Throttler &throttler() { return m_throttler; }
    /// A fixed seed makes fault injection repeatable.
    void setRandomSeed(quint32 seed) { m_random.seed(seed); }

    TenantState &state() { return m_state; }
    const TenantState &state() const { return m_state; }
    /// Call after changing state() directly, so that it is persisted.
    void markDirty();

    QList<LogEntry> requestLog() const { return QList<LogEntry>(m_log.begin(), m_log.end()); }

    /// Answers one request: "/{tenant}/oauth2/v2.0/token", "/v1.0/…", "/_sandbox/…".
    ApiResponse handle(const QByteArray &method,
                       const QString &path,
                       const QUrlQuery &query,
                       const QHash<QByteArray, QByteArray> &headers,
                       const QByteArray &body);

    /// Time in milliseconds as the sandbox sees it (wall clock).
    static qint64 nowMs();

    /// The largest request body accepted (Graph answers larger ones with an error, never a crash).
    static constexpr int maxBodyBytes = 4 * 1024 * 1024;

    /// The sandbox's well-known public client "m365sync setup": the admin sign-in of the onboarding wizard uses it
    /// with the authorization-code flow and PKCE. Like a multi-tenant native app it needs no registration in the
    /// tenant and accepts any loopback redirect URI on any port (RFC 8252 section 7.3).
    static inline const QString setupClientId = QStringLiteral("2b5c7b7e-3f4a-4c1e-9d6a-6d3e5f1a0c42");
    /// The one redirect URI the setup client is registered with, as Microsoft Graph Command Line Tools (the public
    /// client Microsoft's Graph PowerShell SDK signs in with) is: any port, but this host and no path.
    static inline const QString setupClientRedirectUri = QStringLiteral("http://localhost");
    /// How long an authorization code can be redeemed (Microsoft: about ten minutes).
    static constexpr qint64 authorizationCodeLifetimeMs = 10 * 60 * 1000;

Q_SIGNALS:
    void requestHandled(const QString &method, const QString &path, int status);

private:
    struct Caller
    {
        QString appId;
        QString servicePrincipalId;
        QStringList roles; ///< an app-only token's app roles, or a delegated token's scopes ("scp")
        /// A delegated token's signed-in user ("oid"); empty for an app-only token.
        QString userId = {};
        /// That user's directory roles, looked up for every request: a role removed later counts at once.
        QStringList directoryRoles = {};

        bool delegated() const { return !userId.isEmpty(); }
    };

    /// An authorization code handed out by the sign-in page, waiting to be redeemed once at the token endpoint.
    struct AuthorizationCode
    {
        QString clientId;
        QString redirectUri;
        QString userId;
        QStringList scopes; ///< delegated Microsoft Graph permissions, short form ("Application.ReadWrite.All")
        QString codeChallenge; ///< base64url(SHA-256(code_verifier))
        qint64 expiresMs = 0;
    };

    /// A device authorization (RFC 8628) from /devicecode until it is redeemed, declined or expired (devicecode.cpp).
    struct DeviceAuthorization
    {
        enum class State { Pending, Approved, Declined };
        QString clientId;
        QStringList scopes;
        QString userCode;
        State state = State::Pending;
        QString userId; ///< who signed in on the device login page (State::Approved)
        int declineCode = 0; ///< State::Declined: the AADSTS code and text the poll answers with
        QString declineText;
        qint64 expiresMs = 0;
        qint64 intervalMs = 0; ///< the polling interval; slow_down raises it
        qint64 lastPollMs = 0;
    };

    // Dispatch
    ApiResponse handleToken(const ApiRequest &request, const QString &tenant);
    // Authorization-code flow with PKCE (signin.cpp)
    ApiResponse handleAuthorize(const ApiRequest &request, const QString &tenant);
    ApiResponse redeemAuthorizationCode(const ApiRequest &request, const QUrlQuery &form);
    QByteArray issueDelegatedToken(const QString &clientId, const QString &userId, const QStringList &scopes);
    ApiResponse
    tokenError(int status, const QString &error, int code, const QString &description, const ApiRequest &request) const;
    bool matchesTenant(const QString &tenant) const;
    // Shared by the delegated sign-ins (signin.cpp): the authorization code, the device code, admin consent
    bool delegatedScopes(const QString &scope, bool setupClient, QStringList *scopes, QString *refused) const;
    /// The enabled user with a sandbox password whose sign-in name and password these are; empty otherwise.
    QString signInUser(const QString &login, const QString &password) const;
    bool holdsDirectoryRole(const QString &userId, const QStringList &roles) const;
    /// The directory roles of which the admin sign-in (authorization code, device code) requires one.
    static QStringList delegatedSignInRoles();
    ApiResponse delegatedTokenResponse(const QString &clientId, const QString &userId, const QStringList &scopes);
    // Device authorization grant (devicecode.cpp)
    ApiResponse handleDeviceCode(const ApiRequest &request, const QString &tenant);
    bool deviceCodeGrantOnTenantAlias(const ApiRequest &request, const QString &tenant) const;
    ApiResponse redeemDeviceCode(const ApiRequest &request, const QUrlQuery &form);
    ApiResponse handleDeviceLogin(const ApiRequest &request);
    // Admin consent (adminconsent.cpp)
    ApiResponse handleAdminConsent(const ApiRequest &request, const QString &tenant, bool v2);
    ApiResponse handleNativeClient(const ApiRequest &request);
    bool grantRequiredGraphRoles(const QString &appObjectId, const ApiRequest &request, QString *problem);
    // OpenID Connect discovery and the identity platform's other pages (openid.cpp)
    std::optional<ApiResponse>
    routeIdentityPlatform(const ApiRequest &request, const QString &path, const QStringList &segments);
    ApiResponse handleOpenIdConfiguration(const QString &tenant);
    ApiResponse handleSigningKeys(const ApiRequest &request, const QString &tenant);
    ApiResponse handleGraph(const ApiRequest &request, bool inBatch);
    ApiResponse handleAdmin(const ApiRequest &request);
    ApiResponse routeGraph(const ApiRequest &request, const Caller &caller);
    ApiResponse handleBatch(const ApiRequest &request);

    // Identity
    bool authenticate(const ApiRequest &request, Caller *caller, ApiResponse *failure);
    QByteArray issueAccessToken(const QString &appId, const QString &servicePrincipalId, const QStringList &roles);
    QStringList grantedRoles(const QString &servicePrincipalId) const;

    // Graph areas
    ApiResponse users(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse groups(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse domains(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse directory(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse applications(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse servicePrincipals(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse organization(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse subscribedSkus(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse directoryRoles(const ApiRequest &r, const QStringList &seg, const Caller &c);
    ApiResponse policies(const ApiRequest &r, const QStringList &seg, const Caller &c);
    /// GET /users/{id}/memberOf and transitiveMemberOf (@p seg starts there), optionally cast to one type.
    ApiResponse memberships(const ApiRequest &r, const QString &userId, const QStringList &seg, const Caller &c);
    /// A directoryRole object, as /directoryRoles and memberOf show the role called @p displayName.
    QJsonObject directoryRoleObject(const QString &displayName) const;
    ApiResponse delta(const ApiRequest &r, const QString &kind, const Caller &c);
    ApiResponse contacts(const ApiRequest &r, const QString &userId, const QStringList &seg, const Caller &c);

    ApiResponse createUser(const ApiRequest &r);
    ApiResponse updateUser(const ApiRequest &r, const QString &id, QJsonObject user);
    ApiResponse deleteUser(const ApiRequest &r, const QString &id);
    /// POST /users/{id}/assignLicense: the user's direct assignments (graphlicensing.cpp).
    ApiResponse assignLicense(const ApiRequest &r, const QString &id);
    /// POST /groups/{id}/assignLicense: the group's licences, which its direct user members inherit.
    ApiResponse assignGroupLicense(const ApiRequest &r, const QString &groupId, const Caller &c);
    /**
     * Works out @p userId's licences from their direct assignments and the licensed groups they are a direct member
     * of: licenseAssignmentStates (one entry per way), assignedLicenses (each SKU once) and assignedPlans. Seats are
     * taken here; a group's licences that do not all fit stay in state Error. The user is a change for delta when
     * anything of this changed. Called whenever a membership or an assignment that concerns the user changes.
     */
    void refreshLicenses(const QString &userId);
    /// GET /roleManagement/directory/roleAssignments and roleDefinitions (graphroles.cpp).
    ApiResponse roleManagement(const ApiRequest &r, const QStringList &seg, const Caller &c);
    /// Every directory role assignment of the tenant as unifiedRoleAssignment objects (with "_principalType").
    QList<QJsonObject> roleAssignments() const;
    /// GET /users/{id}/manager, PUT and DELETE /users/{id}/manager/$ref.
    ApiResponse manager(const ApiRequest &r, const QString &userId, const QStringList &seg);
    /// Sets (@p managerId non-empty) or removes the manager of @p userId and records the change for delta.
    void setManager(const QString &userId, const QString &managerId);
    ApiResponse createGroup(const ApiRequest &r);
    ApiResponse updateGroup(const ApiRequest &r, const QString &id);
    ApiResponse addMembers(const ApiRequest &r, const QString &groupId, const QStringList &memberIds);

    // Shared helpers
    /// Lists @p objects with $filter, $select, $top, $count, $search, $orderby and @odata.nextLink paging.
    ApiResponse listCollection(const ApiRequest &r,
                               const QList<QJsonObject> &objects,
                               const QString &entitySet,
                               const Schema &schema);
    /// One object with $select applied, as GET /{set}/{id} answers.
    ApiResponse
    getObject(const ApiRequest &r, const QJsonObject &object, const QString &entitySet, const Schema &schema);
    /// Parses $select against the schema; on an unknown property fills @p failure.
    bool parseSelect(const ApiRequest &r, const Schema &schema, QStringList *select, ApiResponse *failure) const;
    QJsonObject shape(const QJsonObject &object, const QStringList &select, const QStringList &defaults) const;
    bool parseJsonBody(const ApiRequest &r, QJsonObject *body, ApiResponse *failure) const;
    ApiResponse notFound(const ApiRequest &r, const QString &id) const;
    ApiResponse forbidden(const ApiRequest &r) const;
    bool hasAnyRole(const Caller &c, const QStringList &roles) const;
    /**
     * Whether the signed-in user of a delegated call may do @p operation, by DirectoryRoles::rule(): a role that
     * allows it, ownership of @p object (its "_owners") where owners may, or the authorizationPolicy setting that
     * lets every member user create. App-only calls are decided by their permissions alone: always true.
     */
    bool userMay(const Caller &c, DirectoryRoles::Operation operation, const QJsonObject &object = {}) const;
    /// Whether a new object that @p c creates by @p operation gets the signed-in user as its first owner: a creation
    /// allowed only as an owner (Application Developer, or a member user by the authorizationPolicy).
    bool createsAsOwner(const Caller &c, DirectoryRoles::Operation operation) const;
    bool isVisible(const QString &id) const;
    void markCreated(const QString &id);
    QString resolveUserId(const QString &idOrUpn) const;
    QString bindTargetId(const QString &url) const;
    QString contextUrl(const QString &fragment) const;
    void recordMemberChange(const QString &groupId, const QString &memberId, bool added);
    void touch(QJsonObject &object);

    TenantState m_state;
    Throttler m_throttler;
    Faults m_faults;
    QString m_statePath;
    QString m_baseUrl;
    double m_timeScale = 1;
    QByteArray m_signingKeyPem; ///< the sandbox's token-signing key (the emulated Microsoft's)
    QByteArray m_signingCertificatePem;
    QHash<QString, qint64> m_visibleAt; ///< object id -> ms since epoch when reads see it
    QHash<QString, qint64> m_usedAssertionIds; ///< jti -> expiry (s); a replayed assertion is refused
    QHash<QString, AuthorizationCode> m_authorizationCodes; ///< code -> what it grants, until redeemed or expired
    QHash<QString, qint64> m_redeemedCodes; ///< code -> when it expires (ms); a second redemption is refused
    QHash<QString, DeviceAuthorization> m_deviceAuthorizations; ///< device_code -> its authorization
    std::deque<LogEntry> m_log;
    QTimer m_saveTimer;
    QRandomGenerator m_random;
};

} // namespace M365::Sandbox
