// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandboxtenant.h"

#include "odatafilter.h"
#include "sandboxcrypto.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QUuid>

#include <algorithm>
#include <optional>

Q_LOGGING_CATEGORY(lcSandbox, "m365.sandbox")

namespace M365::Sandbox {

ApiResponse graphError(int status, const QString &code, const QString &message, const ApiRequest &request)
{
    QJsonObject inner{
        {QStringLiteral("date"), QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))},
        {QStringLiteral("request-id"), request.requestId},
        {QStringLiteral("client-request-id"),
         request.header("client-request-id").isEmpty() ? request.requestId
                                                       : QString::fromUtf8(request.header("client-request-id"))},
    };
    return ApiResponse::json(status,
                             QJsonObject{{QStringLiteral("error"),
                                          QJsonObject{{QStringLiteral("code"), code},
                                                      {QStringLiteral("message"), message},
                                                      {QStringLiteral("innerError"), inner}}}});
}

QString isoNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

QString newGuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

SandboxTenant::SandboxTenant(QObject *parent)
    : QObject(parent)
    , m_random(QRandomGenerator::securelySeeded())
{
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(1000);
    connect(&m_saveTimer, &QTimer::timeout, this, [this] {
        QString error;
        if (!save(&error)) {
            qCWarning(lcSandbox) << "could not save the sandbox state:" << error;
        }
    });
}

SandboxTenant::~SandboxTenant()
{
    if (m_saveTimer.isActive()) {
        save();
    }
}

qint64 SandboxTenant::nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

void SandboxTenant::setTimeScale(double scale)
{
    m_timeScale = scale > 0 ? scale : 1;
    m_throttler.setTimeScale(m_timeScale);
}

bool SandboxTenant::open(const QString &statePath, bool seedDemo, QString *errorMessage)
{
    m_statePath = statePath;
    if (!statePath.isEmpty() && QFileInfo::exists(statePath)) {
        QFile file(statePath);
        if (!file.open(QIODevice::ReadOnly)) {
            if (errorMessage) {
                *errorMessage = QStringLiteral("Cannot read %1: %2").arg(statePath, file.errorString());
            }
            return false;
        }
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
        if (!doc.isObject()) {
            if (errorMessage) {
                *errorMessage =
                    QStringLiteral("%1 is not a sandbox state file: %2").arg(statePath, parseError.errorString());
            }
            return false;
        }
        m_state = TenantState::fromJson(doc.object());
        m_signingKeyPem = doc.object().value(QLatin1String("_signingKeyPem")).toString().toLatin1();
        m_signingCertificatePem = doc.object().value(QLatin1String("_signingCertificatePem")).toString().toLatin1();
    } else {
        m_state = seedDemo ? TenantState::seedDemo() : TenantState::empty(QStringLiteral("contoso.onmicrosoft.com"));
    }
    if (m_signingKeyPem.isEmpty() || m_signingCertificatePem.isEmpty()) {
        const auto signing = Crypto::makeSelfSignedCertificate(QStringLiteral("m365sim token signing"), 3650);
        m_signingKeyPem = signing.privateKeyPem;
        m_signingCertificatePem = signing.certificatePem;
    }
    if (!statePath.isEmpty()) {
        QDir().mkpath(QFileInfo(statePath).absolutePath());
        return save(errorMessage);
    }
    return true;
}

bool SandboxTenant::save(QString *errorMessage)
{
    m_saveTimer.stop();
    if (m_statePath.isEmpty()) {
        return true;
    }
    QJsonObject json = m_state.toJson();
    json.insert(QStringLiteral("_signingKeyPem"), QString::fromLatin1(m_signingKeyPem));
    json.insert(QStringLiteral("_signingCertificatePem"), QString::fromLatin1(m_signingCertificatePem));
    QSaveFile file(m_statePath);
    if (!file.open(QIODevice::WriteOnly)) {
        if (errorMessage) {
            *errorMessage = file.errorString();
        }
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(json).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        if (errorMessage) {
            *errorMessage = file.errorString();
        }
        return false;
    }
    return true;
}

void SandboxTenant::markDirty()
{
    if (!m_statePath.isEmpty() && !m_saveTimer.isActive()) {
        m_saveTimer.start();
    }
}

ApiResponse SandboxTenant::handle(const QByteArray &method,
                                  const QString &path,
                                  const QUrlQuery &query,
                                  const QHash<QByteArray, QByteArray> &headers,
                                  const QByteArray &body)
{
    ApiRequest request;
    request.method = method.toUpper();
    request.query = formDecoded(query);
    request.headers = headers;
    request.body = body;
    request.requestId = newGuid();

    ApiResponse response;
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (segments.value(0) == QLatin1String("v1.0")) {
        request.path = path.mid(5);
        response = handleGraph(request, false);
    } else if (segments.value(0) == QLatin1String("_sandbox")) {
        request.path = path.mid(9);
        response = handleAdmin(request);
    } else if (segments.size() == 4 && segments.value(1) == QLatin1String("oauth2")
               && segments.value(2) == QLatin1String("v2.0") && segments.value(3) == QLatin1String("token")) {
        request.path = path;
        response = handleToken(request, segments.value(0));
    } else if (segments.size() == 4 && segments.value(1) == QLatin1String("oauth2")
               && segments.value(2) == QLatin1String("v2.0") && segments.value(3) == QLatin1String("authorize")) {
        request.path = path;
        response = handleAuthorize(request, segments.value(0));
    } else if (auto answer = routeIdentityPlatform(request, path, segments)) {
        response = *answer;
    } else {
        request.path = path;
        response = graphError(404,
                              QStringLiteral("BadRequest"),
                              QStringLiteral("Resource not found for the segment '%1'.").arg(segments.value(0)),
                              request);
    }
    response.setHeader("request-id", request.requestId.toLatin1());
    response.setHeader("client-request-id",
                       request.header("client-request-id").isEmpty() ? request.requestId.toLatin1()
                                                                     : request.header("client-request-id"));
    response.setHeader("Date",
                       QLocale::c()
                           .toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
                           .toLatin1());
    Q_EMIT requestHandled(QString::fromLatin1(request.method), path, response.status);
    return response;
}

ApiResponse SandboxTenant::handleGraph(const ApiRequest &request, bool inBatch)
{
    // The cost is known from the request alone: the throttle decides before any work is done, and every response,
    // refusals included, says what it cost in x-ms-resource-unit (concepts/throttling-limits.md, "Regular responses").
    // $batch is not an identity path; its requests are costed one by one.
    const int cost = Throttler::requestCost(request.method,
                                            request.path,
                                            request.hasQueryItem(QStringLiteral("$select")),
                                            request.hasQueryItem(QStringLiteral("$expand")),
                                            request.queryItem(QStringLiteral("$top")).toInt());
    // @p charged: the units counted against the budget (0 for a request refused before the throttle).
    const auto logAndReturn = [&](ApiResponse response, const QString &appId, int charged) {
        if (request.path != QLatin1String("/$batch") && !response.resetConnection) {
            response.setHeader("x-ms-resource-unit", QByteArray::number(cost));
        }
        m_log.push_back({isoNow(),
                         QString::fromLatin1(request.method),
                         request.path,
                         response.status,
                         appId,
                         request.requestId,
                         charged});
        while (m_log.size() > 20000) {
            m_log.pop_front();
        }
        return response;
    };

    if (request.body.size() > maxBodyBytes) {
        return logAndReturn(
            graphError(400,
                       QStringLiteral("Request_BadRequest"),
                       QStringLiteral("The request body is larger than the maximum of %1 bytes.").arg(maxBodyBytes),
                       request),
            {},
            0);
    }

    // Injected faults come before anything else, as a failing front end would answer.
    if (!inBatch && m_faults.resetRate > 0 && m_random.generateDouble() < m_faults.resetRate) {
        ApiResponse reset;
        reset.resetConnection = true;
        return reset;
    }
    if (m_faults.serverErrorRate > 0 && m_random.generateDouble() < m_faults.serverErrorRate) {
        const bool unavailable = m_random.generateDouble() < 0.5;
        ApiResponse failure =
            graphError(unavailable ? 503 : 504,
                       unavailable ? QStringLiteral("serviceNotAvailable") : QStringLiteral("gatewayTimeout"),
                       unavailable ? QStringLiteral("The service is temporarily unavailable.")
                                   : QStringLiteral("The gateway timed out."),
                       request);
        failure.setHeader("Retry-After", QByteArray::number(m_faults.retryAfterSeconds / m_timeScale, 'f', 3));
        return logAndReturn(failure, {}, 0);
    }

    if (request.path == QLatin1String("/$batch")) {
        if (inBatch) {
            return graphError(
                400, QStringLiteral("BadRequest"), QStringLiteral("Nested batch requests are not supported."), request);
        }
        ApiResponse response = handleBatch(request);
        response.delayMs = m_faults.latencyMs;
        return logAndReturn(response, {}, 0);
    }

    Caller caller;
    ApiResponse failure;
    if (!authenticate(request, &caller, &failure)) {
        return logAndReturn(failure, {}, 0);
    }

    const bool isWrite = request.method != "GET";
    const Throttler::Decision decision =
        m_throttler.admit(caller.appId, m_state.tenantId, m_state.users.size(), cost, isWrite, nowMs());
    if (decision.throttled) {
        QJsonObject inner{
            {QStringLiteral("code"), QStringLiteral("429")},
            {QStringLiteral("date"), QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))},
            {QStringLiteral("message"), QStringLiteral("Please retry after")},
            {QStringLiteral("request-id"), request.requestId},
            {QStringLiteral("status"), QStringLiteral("429")},
        };
        ApiResponse throttled = ApiResponse::json(
            429,
            QJsonObject{{QStringLiteral("error"),
                         QJsonObject{{QStringLiteral("code"), QStringLiteral("TooManyRequests")},
                                     {QStringLiteral("message"), QStringLiteral("Please retry again later.")},
                                     {QStringLiteral("innerError"), inner}}}});
        throttled.setHeader("Retry-After", QByteArray::number(decision.retryAfterSeconds, 'f', 3));
        throttled.setHeader("x-ms-throttle-scope", decision.scope.toLatin1());
        throttled.setHeader("x-ms-throttle-information", decision.information.toLatin1());
        return logAndReturn(throttled, caller.appId, cost);
    }

    ApiResponse response = routeGraph(request, caller);
    // "Returned only when the application consumed more than 0.8 of its limit"; the value ranges from 0.8 to 1.8.
    if (decision.limitPercentage > 0.8) {
        response.setHeader("x-ms-throttle-limit-percentage",
                           QByteArray::number(std::min(1.8, decision.limitPercentage), 'f', 2));
    }
    if (!inBatch) {
        response.delayMs = m_faults.latencyMs;
    }
    if (response.status < 300 && isWrite) {
        markDirty();
    }
    return logAndReturn(response, caller.appId, cost);
}

ApiResponse SandboxTenant::routeGraph(const ApiRequest &request, const Caller &caller)
{
    const QStringList seg = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString root = seg.value(0);
    if (root == QLatin1String("users")) {
        return users(request, seg, caller);
    }
    if (root == QLatin1String("groups")) {
        return groups(request, seg, caller);
    }
    if (root == QLatin1String("domains")) {
        return domains(request, seg, caller);
    }
    if (root == QLatin1String("directory") || root == QLatin1String("directoryObjects")) {
        return directory(request, seg, caller);
    }
    if (root == QLatin1String("applications")) {
        return applications(request, seg, caller);
    }
    if (root == QLatin1String("servicePrincipals")) {
        return servicePrincipals(request, seg, caller);
    }
    if (root == QLatin1String("organization")) {
        return organization(request, seg, caller);
    }
    if (root == QLatin1String("subscribedSkus")) {
        return subscribedSkus(request, seg, caller);
    }
    if (root == QLatin1String("directoryRoles")) {
        return directoryRoles(request, seg, caller);
    }
    if (root == QLatin1String("policies")) {
        return policies(request, seg, caller);
    }
    if (root == QLatin1String("roleManagement")) {
        return roleManagement(request, seg, caller);
    }
    if (root == QLatin1String("me")) {
        if (!caller.delegated()) {
            return graphError(400,
                              QStringLiteral("BadRequest"),
                              QStringLiteral("/me request is only valid with delegated authentication flow."),
                              request);
        }
        // /me is the signed-in user: the same as /users/{their id} (graph api/resources/users.md).
        if (!m_state.users.contains(caller.userId)) {
            return notFound(request, caller.userId);
        }
        QStringList userSeg = seg;
        userSeg.replace(0, caller.userId);
        userSeg.prepend(QStringLiteral("users"));
        return users(request, userSeg, caller);
    }
    return graphError(400,
                      QStringLiteral("BadRequest"),
                      QStringLiteral("Resource not found for the segment '%1'.").arg(root),
                      request);
}

// ---- shared helpers -------------------------------------------------------------------------------------------

bool SandboxTenant::hasAnyRole(const Caller &c, const QStringList &roles) const
{
    for (const QString &role : roles) {
        if (c.roles.contains(role)) {
            return true;
        }
    }
    return false;
}

bool SandboxTenant::userMay(const Caller &c, DirectoryRoles::Operation operation, const QJsonObject &object) const
{
    if (!c.delegated()) {
        return true;
    }
    const DirectoryRoles::Rule &rule = DirectoryRoles::rule(operation);
    const auto holdsAny = [&c](const QStringList &roles) {
        return std::any_of(roles.cbegin(), roles.cend(), [&c](const QString &role) {
            return c.directoryRoles.contains(role, Qt::CaseInsensitive);
        });
    };
    if (holdsAny(rule.roles) || holdsAny(rule.asOwnerRoles)) {
        return true;
    }
    if (rule.owners && object.value(QLatin1String("_owners")).toArray().contains(QJsonValue(c.userId))) {
        return true;
    }
    return !rule.defaultUserSetting.isEmpty() && m_state.defaultUsersMay(rule.defaultUserSetting);
}

bool SandboxTenant::createsAsOwner(const Caller &c, DirectoryRoles::Operation operation) const
{
    if (!c.delegated()) {
        return false;
    }
    const QStringList &admins = DirectoryRoles::rule(operation).roles;
    return std::none_of(admins.cbegin(), admins.cend(), [&c](const QString &role) {
        return c.directoryRoles.contains(role, Qt::CaseInsensitive);
    });
}

ApiResponse SandboxTenant::forbidden(const ApiRequest &r) const
{
    return graphError(403,
                      QStringLiteral("Authorization_RequestDenied"),
                      QStringLiteral("Insufficient privileges to complete the operation."),
                      r);
}

ApiResponse SandboxTenant::notFound(const ApiRequest &r, const QString &id) const
{
    return graphError(404,
                      QStringLiteral("Request_ResourceNotFound"),
                      QStringLiteral("Resource '%1' does not exist or one of its queried reference-property objects "
                                     "are not present.")
                          .arg(id),
                      r);
}

bool SandboxTenant::parseJsonBody(const ApiRequest &r, QJsonObject *body, ApiResponse *failure) const
{
    const QByteArray contentType = r.header("content-type").toLower();
    if (!contentType.startsWith("application/json")) {
        *failure = graphError(400,
                              QStringLiteral("BadRequest"),
                              QStringLiteral("The request has a Content-Type of '%1'; it must be "
                                             "'application/json'.")
                                  .arg(QString::fromLatin1(contentType)),
                              r);
        return false;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &error);
    if (!doc.isObject()) {
        *failure =
            graphError(400,
                       QStringLiteral("BadRequest"),
                       error.error != QJsonParseError::NoError
                           ? QStringLiteral("Unable to read JSON request payload. Please ensure Content-Type "
                                            "header is set and payload is of valid JSON format. (%1 at offset %2)")
                                 .arg(error.errorString())
                                 .arg(error.offset)
                           : QStringLiteral("The request payload must be a JSON object."),
                       r);
        return false;
    }
    *body = doc.object();
    return true;
}

bool SandboxTenant::isVisible(const QString &id) const
{
    const auto it = m_visibleAt.constFind(id);
    return it == m_visibleAt.cend() || nowMs() >= it.value();
}

void SandboxTenant::markCreated(const QString &id)
{
    if (m_faults.replicationLagMs > 0) {
        m_visibleAt.insert(id, nowMs() + m_faults.replicationLagMs);
    }
}

void SandboxTenant::touch(QJsonObject &object)
{
    object.insert(QStringLiteral("_seq"), m_state.nextSeq());
}

void SandboxTenant::recordMemberChange(const QString &groupId, const QString &memberId, bool added)
{
    m_state.memberChanges.append({m_state.nextSeq(), groupId, memberId, added});
}

QString SandboxTenant::resolveUserId(const QString &idOrUpn) const
{
    if (m_state.users.contains(idOrUpn)) {
        return idOrUpn;
    }
    if (idOrUpn.contains(QLatin1Char('@'))) {
        return m_state.userIdByUpn(idOrUpn);
    }
    return {};
}

QString SandboxTenant::bindTargetId(const QString &url) const
{
    // "https://graph.microsoft.com/v1.0/directoryObjects/{id}" or ".../users/{id}": the id is the last segment.
    const QStringList parts = url.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.size() < 2) {
        return {};
    }
    const QString kind = parts.value(parts.size() - 2);
    if (kind != QLatin1String("directoryObjects") && kind != QLatin1String("users") && kind != QLatin1String("groups")
        && kind != QLatin1String("servicePrincipals")) {
        return {};
    }
    return parts.last();
}

QString SandboxTenant::contextUrl(const QString &fragment) const
{
    return m_baseUrl + QStringLiteral("/v1.0/$metadata#") + fragment;
}

QJsonObject
SandboxTenant::shape(const QJsonObject &object, const QStringList &select, const QStringList &defaults) const
{
    const QJsonObject visible = publicView(object);
    const QStringList &wanted = select.isEmpty() ? defaults : select;
    if (wanted.isEmpty()) {
        return visible;
    }
    QJsonObject out;
    for (const QString &property : wanted) {
        out.insert(property,
                   visible.value(property).isUndefined() ? QJsonValue(QJsonValue::Null) : visible.value(property));
    }
    out.insert(QStringLiteral("id"), visible.value(QLatin1String("id")));
    if (visible.contains(QLatin1String("@odata.type"))) {
        out.insert(QStringLiteral("@odata.type"), visible.value(QLatin1String("@odata.type")));
    }
    return out;
}

bool SandboxTenant::parseSelect(const ApiRequest &r,
                                const Schema &schema,
                                QStringList *select,
                                ApiResponse *failure) const
{
    if (!r.hasQueryItem(QStringLiteral("$select"))) {
        return true;
    }
    const QSet<QString> known = schema.propertyNames();
    const QStringList items = r.queryItem(QStringLiteral("$select")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString item : items) {
        item = item.trimmed();
        if (!known.isEmpty() && !known.contains(item)) {
            *failure = graphError(400,
                                  QStringLiteral("Request_BadRequest"),
                                  QStringLiteral("Could not find a property named '%1' on type 'microsoft.graph.%2'.")
                                      .arg(item, schema.resourceName.left(1).toLower() + schema.resourceName.mid(1)),
                                  r);
            return false;
        }
        select->append(item);
    }
    return true;
}

ApiResponse
SandboxTenant::getObject(const ApiRequest &r, const QJsonObject &object, const QString &entitySet, const Schema &schema)
{
    QStringList select;
    ApiResponse failure;
    if (!parseSelect(r, schema, &select, &failure)) {
        return failure;
    }
    QJsonObject out = shape(object, select, schema.defaultSelect);
    out.insert(QStringLiteral("@odata.context"), contextUrl(entitySet + QStringLiteral("/$entity")));
    return ApiResponse::json(200, out);
}

ApiResponse SandboxTenant::listCollection(const ApiRequest &r,
                                          const QList<QJsonObject> &objects,
                                          const QString &entitySet,
                                          const Schema &schema)
{
    const QSet<QString> &filterable = schema.filterable;
    const QString &resourceName = schema.resourceName;
    const QStringList &defaultProperties = schema.defaultSelect;
    const bool eventual = r.header("consistencylevel").compare("eventual", Qt::CaseInsensitive) == 0;

    int top = 100;
    if (r.hasQueryItem(QStringLiteral("$top"))) {
        bool ok = false;
        const QString text = r.queryItem(QStringLiteral("$top"));
        top = text.toInt(&ok);
        if (!ok || top < 1 || top > 999) {
            return graphError(
                400,
                QStringLiteral("Request_BadRequest"),
                QStringLiteral("Invalid page size specified: '%1'. Must be between 1 and 999 inclusive.").arg(text),
                r);
        }
    }
    const bool wantCount =
        r.queryItem(QStringLiteral("$count")).compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
    if (r.hasQueryItem(QStringLiteral("$count")) && !wantCount
        && r.queryItem(QStringLiteral("$count")).compare(QLatin1String("false"), Qt::CaseInsensitive) != 0) {
        return graphError(400,
                          QStringLiteral("BadRequest"),
                          QStringLiteral("Invalid value for $count: '%1'.").arg(r.queryItem(QStringLiteral("$count"))),
                          r);
    }
    if (wantCount && !eventual) {
        return graphError(
            400, QStringLiteral("Request_BadRequest"), QStringLiteral("$count is not currently supported."), r);
    }
    QString search = r.queryItem(QStringLiteral("$search"));
    if (r.hasQueryItem(QStringLiteral("$search")) && !eventual) {
        return graphError(
            400,
            QStringLiteral("Request_UnsupportedQuery"),
            QStringLiteral("Request with $search query parameter only works through MSGraph with a special "
                           "request header: 'ConsistencyLevel: eventual'"),
            r);
    }

    QStringList select;
    ApiResponse failure;
    if (!parseSelect(r, schema, &select, &failure)) {
        return failure;
    }

    std::optional<ODataFilter> filter;
    if (r.hasQueryItem(QStringLiteral("$filter"))) {
        // Advanced query parameters (ConsistencyLevel: eventual with $count=true or $search) unlock ne, not,
        // endsWith and ordering comparisons, as Microsoft documents.
        const bool advanced = eventual && (wantCount || r.hasQueryItem(QStringLiteral("$search")));
        filter = ODataFilter::parse(r.queryItem(QStringLiteral("$filter")),
                                    filterable,
                                    resourceName,
                                    advanced ? ODataFilter::QueryMode::Advanced : ODataFilter::QueryMode::Default);
        if (!filter->isValid()) {
            return graphError(400, filter->errorCode(), filter->errorMessage(), r);
        }
    }

    QList<QJsonObject> matching;
    for (const QJsonObject &object : objects) {
        const QString id = object.value(QLatin1String("id")).toString();
        if (!isVisible(id)) {
            continue;
        }
        const QJsonObject visible = publicView(object);
        if (filter && !filter->matches(visible)) {
            continue;
        }
        if (!search.isEmpty()) {
            // $search="property:text" matches words that start with text (tokenised search), case-insensitively.
            QString term = search;
            term.remove(QLatin1Char('"'));
            const QString property = term.section(QLatin1Char(':'), 0, 0);
            const QString text = term.section(QLatin1Char(':'), 1);
            const QStringList words = visible.value(property).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
            const bool hit = std::any_of(words.cbegin(), words.cend(), [&](const QString &word) {
                return word.startsWith(text, Qt::CaseInsensitive);
            });
            if (!hit) {
                continue;
            }
        }
        matching.append(object);
    }

    bool keyset = true;
    if (r.hasQueryItem(QStringLiteral("$orderby"))) {
        const QString orderby = r.queryItem(QStringLiteral("$orderby")).trimmed();
        const QString property = orderby.section(QLatin1Char(' '), 0, 0);
        const bool descending =
            orderby.section(QLatin1Char(' '), 1).trimmed().compare(QLatin1String("desc"), Qt::CaseInsensitive) == 0;
        const bool basic = property == QLatin1String("displayName") || property == QLatin1String("userPrincipalName");
        if ((!basic && !eventual) || (filter && !eventual)) {
            return graphError(400, QStringLiteral("Request_UnsupportedQuery"), QStringLiteral("Unsupported Query."), r);
        }
        std::stable_sort(matching.begin(), matching.end(), [&](const QJsonObject &a, const QJsonObject &b) {
            const int c = a.value(property).toString().compare(b.value(property).toString(), Qt::CaseInsensitive);
            return descending ? c > 0 : c < 0;
        });
        keyset = false;
    }

    // $skiptoken: keyset on the id for the natural order (stable while objects come and go), an offset otherwise.
    // The keyset needs the objects ordered by id: collections kept in another order (a group's members, in the order
    // they were added) are sorted, or a page would start again at the first id above the token and never end.
    const auto byId = [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QLatin1String("id")).toString() < b.value(QLatin1String("id")).toString();
    };
    if (keyset && !std::is_sorted(matching.begin(), matching.end(), byId)) {
        std::sort(matching.begin(), matching.end(), byId);
    }
    int start = 0;
    if (r.hasQueryItem(QStringLiteral("$skiptoken"))) {
        const auto decoded = Crypto::base64UrlDecode(r.queryItem(QStringLiteral("$skiptoken")).toLatin1());
        const QJsonObject token = decoded ? QJsonDocument::fromJson(*decoded).object() : QJsonObject();
        if (token.isEmpty()) {
            return graphError(
                400, QStringLiteral("Request_BadRequest"), QStringLiteral("Invalid $skiptoken value."), r);
        }
        if (token.contains(QLatin1String("after"))) {
            const QString after = token.value(QLatin1String("after")).toString();
            while (start < matching.size() && matching.at(start).value(QLatin1String("id")).toString() <= after) {
                ++start;
            }
        } else {
            start = token.value(QLatin1String("offset")).toInt();
        }
    }

    QJsonArray value;
    const int end = std::min<int>(matching.size(), start + top);
    for (int i = start; i < end; ++i) {
        value.append(shape(matching.at(i), select, defaultProperties));
    }

    QJsonObject out;
    out.insert(QStringLiteral("@odata.context"), contextUrl(entitySet));
    if (wantCount) {
        out.insert(QStringLiteral("@odata.count"), matching.size());
    }
    out.insert(QStringLiteral("value"), value);
    if (end < matching.size()) {
        const QJsonObject token = keyset
            ? QJsonObject{{QStringLiteral("after"), matching.at(end - 1).value(QLatin1String("id"))}}
            : QJsonObject{{QStringLiteral("offset"), end}};
        QUrlQuery next;
        for (const auto &item : r.query.queryItems(QUrl::FullyDecoded)) {
            if (item.first != QLatin1String("$skiptoken")) {
                next.addQueryItem(item.first, item.second);
            }
        }
        next.addQueryItem(
            QStringLiteral("$skiptoken"),
            QString::fromLatin1(Crypto::base64UrlEncode(QJsonDocument(token).toJson(QJsonDocument::Compact))));
        QUrl url(m_baseUrl + QStringLiteral("/v1.0") + r.path);
        url.setQuery(next);
        out.insert(QStringLiteral("@odata.nextLink"), url.toString(QUrl::FullyEncoded));
    }
    return ApiResponse::json(200, out);
}

} // namespace M365::Sandbox
