// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The engine's readers of what Microsoft Graph answers: error bodies, collection and delta pages, $batch responses,
// user objects as the planner keeps them, and the response headers that steer retries and pacing. A proxy, a
// misbehaving tenant or a man in the middle with a trusted certificate can send anything, so none of it may crash
// the engine or break the promises the planner relies on.
//
// The first byte picks the reader (see Reader; '0' is the first), the rest is the response body (or header block).
// Each reader is the function the network jobs call, so that this runs what GraphClient, DeltaReader and
// CloudReadJob run.

#include "fuzzsupport.h"
#include "graph/graphtypes.h"
#include "graph/pacer.h"
#include "graph/retrypolicy.h"
#include "sync/cloudreader.h"
#include "sync/clouduser.h"
#include "sync/planner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QSet>

#include <algorithm>

using M365::Fuzz::require;
namespace Graph = M365::Graph;
namespace Sync = M365::Sync;

namespace {

enum Reader {
    ErrorBody, ///< {"error": {"code", "message", "innerError"}} with each status the jobs handle
    UserPage, ///< a page of GET /users: each item becomes a CloudUser
    UserDelta, ///< a page of /users/delta, merged as CloudReadJob does, then kept as CloudUsers
    GroupDelta, ///< a page of /groups/delta with members@delta
    BatchResponse, ///< a $batch answer with its sub-responses
    UserObject, ///< one user (GET /users/{id}, or the applier's fresh read)
    ResponseHeaders, ///< "Name: value" lines: Retry-After and x-ms-throttle-limit-percentage into the pacer
    ReaderCount
};

constexpr qint64 nowMs = 1767225600000; // 2026-01-01, fixed so that every run of an input is the same

QJsonObject parseBody(const QByteArray &body)
{
    // As GraphClient does with every reply: whatever is not a JSON object reads as an empty object.
    return QJsonDocument::fromJson(body).object();
}

/// The SKU ids the planner should see for a user: each assignedLicenses entry's skuId that is a non-empty string.
QStringList expectedSkuIds(const QJsonObject &user)
{
    QStringList out;
    for (const QJsonValue &licence : user.value(QLatin1String("assignedLicenses")).toArray()) {
        const QString sku = licence.toObject().value(QLatin1String("skuId")).toString();
        if (!sku.isEmpty()) {
            out.append(sku);
        }
    }
    return out;
}

/// CloudUser's promises (sync/clouduser.h): nothing is lost, the typed accessors read as value(p).toString() would,
/// and the fingerprint of the compact form is the fingerprint of the Graph JSON it came from.
void checkUser(const QJsonObject &graphUser)
{
    const Sync::CloudUser user(graphUser);
    require(user.toJson() == graphUser, "CloudUser::toJson() gives back the object as read");
    const QJsonValue id = graphUser.value(QLatin1String("id"));
    require(user.id() == (id.isString() ? id.toString() : QString()), "CloudUser::id() is the string id");
    const auto text = [&graphUser](const char *property) {
        return graphUser.value(QLatin1String(property)).toString();
    };
    require(user.userPrincipalName() == text("userPrincipalName"), "userPrincipalName() reads as toString()");
    require(user.mail() == text("mail"), "mail() reads as toString()");
    require(user.onPremisesImmutableId() == text("onPremisesImmutableId"), "onPremisesImmutableId() as toString()");
    require(user.displayName() == text("displayName"), "displayName() reads as toString()");
    require(user.usageLocation() == text("usageLocation"), "usageLocation() reads as toString()");
    for (bool fallback : {false, true}) {
        require(user.accountEnabled(fallback) == graphUser.value(QLatin1String("accountEnabled")).toBool(fallback),
                "accountEnabled() reads as toBool()");
    }
    QStringList skus;
    for (QStringView sku : user.assignedSkuIds()) {
        skus.append(sku.toString());
    }
    require(skus == expectedSkuIds(graphUser), "assignedSkuIds() lists each licence's skuId in order");

    QStringList properties = graphUser.keys();
    for (auto it = graphUser.constBegin(); it != graphUser.constEnd(); ++it) {
        require(user.contains(it.key()), "CloudUser::contains() every property read");
        require(user.value(it.key()) == it.value(), "CloudUser::value() is the value read");
    }
    // What the planner fingerprints for the default rules, plus everything the object has and one it has not.
    properties.append(Sync::Planner::userFingerprintProperties(Sync::MappingRules::defaults()));
    properties.append(QStringLiteral("department"));
    require(Sync::Planner::fingerprint(user, properties) == Sync::Planner::fingerprint(graphUser, properties),
            "the fingerprint of a CloudUser is the fingerprint of its Graph JSON");
    require(user.toJson(properties) == graphUser, "CloudUser::toJson(properties) keeps the listed properties");

    // The planner indexes UPNs by foldedHash and matches them with a case-insensitive compare: equal must hash equal.
    const QString upn = user.userPrincipalName().toString();
    const QString folded = upn.toCaseFolded();
    if (upn.compare(folded, Qt::CaseInsensitive) == 0) {
        require(Sync::CloudUser::foldedHash(upn) == Sync::CloudUser::foldedHash(folded),
                "UPNs that compare equal ignoring case have the same folded hash");
    }
    require(user.userPrincipalNameHash() == Sync::CloudUser::foldedHash(user.userPrincipalName()),
            "userPrincipalNameHash() is foldedHash(userPrincipalName())");
}

void readError(const QByteArray &body)
{
    const QJsonObject json = parseBody(body);
    const QString innerRequestId = json.value(QLatin1String("error"))
                                       .toObject()
                                       .value(QLatin1String("innerError"))
                                       .toObject()
                                       .value(QLatin1String("request-id"))
                                       .toString();
    // Every status the jobs turn into an Error, including 0 (no answer).
    for (int status : {0, 400, 401, 403, 404, 409, 410, 412, 424, 429, 500, 503, 504}) {
        const M365::Error fromBody = Graph::errorFromResponse(status, json, QString());
        require(!fromBody.code.isEmpty() && !fromBody.userMessage.isEmpty(), "an error has a code and a message");
        require(fromBody.requestId == innerRequestId, "without a request-id header the body's request-id is used");
        const M365::Error fromHeader = Graph::errorFromResponse(status, json, QStringLiteral("req-1"));
        require(fromHeader.requestId == QLatin1String("req-1"), "the request-id header wins");
    }
}

void readUserPage(const QByteArray &body)
{
    const Graph::CollectionPage page = Graph::CollectionPage::fromJson(parseBody(body));
    for (const QJsonValue &item : page.value) {
        if (item.isObject()) {
            checkUser(item.toObject());
        }
    }
}

/// One delta page through CloudReadJob's merge, as the first (full) round and again as a later round.
void readDelta(const QByteArray &body, const QString &resource)
{
    const Graph::CollectionPage page = Graph::CollectionPage::fromJson(parseBody(body));
    QHash<QString, QJsonObject> kept;
    for (bool fullRead : {true, false}) {
        const Sync::DeltaMerge merge = Sync::mergeDeltaChanges(resource, &kept, page.value, fullRead);
        for (auto it = merge.touched.cbegin(); it != merge.touched.cend(); ++it) {
            require(kept.value(it.key()) == it.value(), "what a round touched is what is kept");
        }
        for (const QString &id : merge.removed) {
            require(!merge.touched.contains(id), "an object is either touched or removed");
        }
    }
    for (auto it = kept.cbegin(); it != kept.cend(); ++it) {
        require(!it.key().isEmpty(), "kept objects have an id");
        for (const QString &key : it.value().keys()) {
            require(!key.contains(QLatin1Char('@')), "annotations are not kept");
        }
        if (resource == QLatin1String("users")) {
            checkUser(it.value());
        } else {
            // CloudReadJob hands the planner the member ids kept under "_members".
            const QJsonArray members = it.value().value(QLatin1String("_members")).toArray();
            QStringList ids;
            for (const QJsonValue &member : members) {
                ids.append(member.toString());
            }
            require(ids.size() == QSet<QString>(ids.cbegin(), ids.cend()).size(), "each member is kept once");
        }
    }
}

/// The pacing and waiting a response's headers cause, as NetworkJob, BatchJob and GraphClient's pacing use them.
void useHeaders(const QHash<QByteArray, QByteArray> &headers, int status)
{
    Graph::Pacer pacer;
    const qint64 sent = nowMs - 250;
    pacer.reserve(1, 1, sent);
    const QByteArray percentage = headers.value("x-ms-throttle-limit-percentage");
    if (!percentage.isEmpty()) {
        pacer.observeLimitPercentage(percentage.toDouble(), sent, nowMs);
    }
    const double retryAfter = Graph::parseRetryAfter(headers.value("retry-after"));
    require(retryAfter == -1 || retryAfter >= 0, "Retry-After is seconds, or -1 when absent or invalid");
    if (status == 429) {
        pacer.pauseFor(retryAfter >= 0 ? retryAfter : 1.0, nowMs); // GraphClient::noteThrottled
    }
    Graph::Response answer;
    answer.status = status;
    answer.headers = headers;
    const std::optional<qint64> retryWait = Graph::RetryPolicy{}.retryWaitMs(Graph::Request{}, answer, {1, 0, 0});
    require(!retryWait || *retryWait >= 0, "a retry never waits a negative time");
    const qint64 wait = pacer.reserve(1, 1, nowMs);
    require(wait >= 0, "the pacer never asks to wait a negative time");
    pacer.isSlowed(nowMs);
    pacer.writesInWindow(nowMs);
}

void readBatch(const QByteArray &body)
{
    const QHash<QString, Graph::Response> answers = Graph::parseBatchResponses(parseBody(body));
    for (auto it = answers.cbegin(); it != answers.cend(); ++it) {
        const Graph::Response &sub = it.value();
        require(sub.requestId == QString::fromLatin1(sub.header("request-id")), "a sub-response's request-id");
        if (!sub.ok()) {
            const M365::Error error = Graph::errorFromResponse(sub.status, sub.json, sub.requestId);
            require(!error.code.isEmpty(), "a failed sub-request has an error code");
        }
        Graph::CollectionPage::fromJson(sub.json);
        useHeaders(sub.headers, sub.status);
    }
}

void readHeaders(const QByteArray &block)
{
    // As GraphClient keeps a reply's headers: names in lower case, values as sent.
    QHash<QByteArray, QByteArray> headers;
    for (const QByteArray &line : block.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0) {
            headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
        }
    }
    for (int status : {200, 429, 503}) {
        useHeaders(headers, status);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    M365::Fuzz::quietQtMessages();
    const M365::Fuzz::Selected input = M365::Fuzz::select(data, size);
    switch (Reader(input.choice(ReaderCount))) {
    case ErrorBody:
        readError(input.rest);
        break;
    case UserPage:
        readUserPage(input.rest);
        break;
    case UserDelta:
        readDelta(input.rest, QStringLiteral("users"));
        break;
    case GroupDelta:
        readDelta(input.rest, QStringLiteral("groups"));
        break;
    case BatchResponse:
        readBatch(input.rest);
        break;
    case UserObject:
        checkUser(parseBody(input.rest));
        break;
    case ResponseHeaders:
        readHeaders(input.rest);
        break;
    case ReaderCount:
        break;
    }
    return 0;
}
