// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// JSON batching (POST /v1.0/$batch): at most 20 requests; each is authorised, validated and throttled on its own
// and has its own status; dependsOn orders requests and a dependent of a failed request gets 424 Failed Dependency.

#include "sandboxtenant.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace M365::Sandbox {

namespace {

constexpr int maxBatchRequests = 20;

} // namespace

ApiResponse SandboxTenant::handleBatch(const ApiRequest &request)
{
    if (request.method != "POST") {
        return graphError(405,
                          QStringLiteral("BadRequest"),
                          QStringLiteral("Specified HTTP method is not allowed for the request target."),
                          request);
    }
    QJsonObject body;
    ApiResponse failure;
    if (!parseJsonBody(request, &body, &failure)) {
        return failure;
    }
    const auto invalid = [&](const QString &message) {
        return graphError(400, QStringLiteral("BadRequest"), message, request);
    };
    if (!body.value(QLatin1String("requests")).isArray()) {
        return invalid(QStringLiteral("Invalid batch payload format: the body must have a 'requests' array."));
    }
    const QJsonArray requests = body.value(QLatin1String("requests")).toArray();
    if (requests.isEmpty()) {
        return invalid(QStringLiteral("Invalid batch payload format: 'requests' is empty."));
    }
    if (requests.size() > maxBatchRequests) {
        return invalid(QStringLiteral("The number of requests in the batch (%1) exceeds the limit of %2.")
                           .arg(requests.size())
                           .arg(maxBatchRequests));
    }

    // Validate the whole batch before running any of it.
    QStringList ids;
    for (const auto &value : requests) {
        const QJsonObject item = value.toObject();
        const QString id = item.value(QLatin1String("id")).toString();
        if (!value.isObject() || id.isEmpty() || item.value(QLatin1String("method")).toString().isEmpty()
            || item.value(QLatin1String("url")).toString().isEmpty()) {
            return invalid(QStringLiteral("Invalid batch payload format: every request needs 'id', 'method' and "
                                          "'url'."));
        }
        if (ids.contains(id)) {
            return invalid(QStringLiteral("Invalid batch payload format: the request id '%1' is used twice.").arg(id));
        }
        for (const auto &dependency : item.value(QLatin1String("dependsOn")).toArray()) {
            if (!ids.contains(dependency.toString())) {
                return invalid(QStringLiteral("Invalid batch payload format: request '%1' depends on '%2', which is "
                                              "not an earlier request of the batch.")
                                   .arg(id, dependency.toString()));
            }
        }
        if (item.contains(QLatin1String("body"))) {
            const QJsonObject headers = item.value(QLatin1String("headers")).toObject();
            bool hasContentType = false;
            for (auto it = headers.begin(); it != headers.end(); ++it) {
                hasContentType |= it.key().compare(QLatin1String("content-type"), Qt::CaseInsensitive) == 0;
            }
            if (!hasContentType) {
                return invalid(QStringLiteral("Invalid batch payload format: request '%1' has a body but no "
                                              "Content-Type header.")
                                   .arg(id));
            }
        }
        ids.append(id);
    }

    QHash<QString, int> statusById;
    QJsonArray responses;
    for (const auto &value : requests) {
        const QJsonObject item = value.toObject();
        const QString id = item.value(QLatin1String("id")).toString();
        QJsonObject out{{QStringLiteral("id"), id}};

        bool dependencyFailed = false;
        for (const auto &dependency : item.value(QLatin1String("dependsOn")).toArray()) {
            dependencyFailed |= statusById.value(dependency.toString()) >= 400;
        }
        if (dependencyFailed) {
            out.insert(QStringLiteral("status"), 424);
            out.insert(QStringLiteral("body"),
                       QJsonObject{{QStringLiteral("error"),
                                    QJsonObject{{QStringLiteral("code"), QStringLiteral("FailedDependency")},
                                                {QStringLiteral("message"),
                                                 QStringLiteral("This request depends on a request of the batch that "
                                                                "failed.")}}}});
            statusById.insert(id, 424);
            responses.append(out);
            continue;
        }

        ApiRequest sub;
        sub.method = item.value(QLatin1String("method")).toString().toUpper().toLatin1();
        QString url = item.value(QLatin1String("url")).toString();
        if (!url.startsWith(QLatin1Char('/'))) {
            url.prepend(QLatin1Char('/'));
        }
        const QUrl parsed(QStringLiteral("http://batch") + url);
        sub.path = parsed.path(QUrl::FullyDecoded);
        if (sub.path.startsWith(QLatin1String("/v1.0/"))) {
            sub.path = sub.path.mid(5);
        }
        sub.query = formDecoded(QUrlQuery(parsed));
        sub.headers.insert("authorization", request.header("authorization"));
        const QJsonObject headers = item.value(QLatin1String("headers")).toObject();
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            sub.headers.insert(it.key().toLower().toLatin1(), it.value().toString().toUtf8());
        }
        if (item.contains(QLatin1String("body"))) {
            const QJsonValue subBody = item.value(QLatin1String("body"));
            sub.body = subBody.isObject() ? QJsonDocument(subBody.toObject()).toJson(QJsonDocument::Compact)
                                          : subBody.toString().toUtf8();
        }
        sub.requestId = newGuid();

        const ApiResponse answer = handleGraph(sub, true);
        out.insert(QStringLiteral("status"), answer.status);
        QJsonObject answerHeaders;
        for (const auto &header : answer.headers) {
            answerHeaders.insert(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
        }
        answerHeaders.insert(QStringLiteral("request-id"), sub.requestId);
        out.insert(QStringLiteral("headers"), answerHeaders);
        if (answer.body.isEmpty()) {
            out.insert(QStringLiteral("body"), QJsonValue::Null);
        } else {
            const QJsonDocument doc = QJsonDocument::fromJson(answer.body);
            out.insert(QStringLiteral("body"),
                       doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(QString::fromUtf8(answer.body)));
        }
        statusById.insert(id, answer.status);
        responses.append(out);
    }
    return ApiResponse::json(200, QJsonObject{{QStringLiteral("responses"), responses}});
}

} // namespace M365::Sandbox
