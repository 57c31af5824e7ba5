// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphtypes.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace M365::Graph {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("M365::Graph", text);
}

} // namespace

QString filterEquals(const QString &property, const QString &value)
{
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QStringLiteral("$filter=")
        + QString::fromLatin1(QUrl::toPercentEncoding(property + QStringLiteral(" eq '") + quoted + QLatin1Char('\'')));
}

M365::Error errorFromResponse(int status, const QJsonObject &json, const QString &requestId)
{
    const QJsonObject error = json.value(QLatin1String("error")).toObject();
    const QString code = error.value(QLatin1String("code")).toString();
    const QString message = error.value(QLatin1String("message")).toString();
    M365::Error out;
    out.code = code.isEmpty() ? QStringLiteral("http.%1").arg(status) : code;
    out.requestId = requestId.isEmpty()
        ? error.value(QLatin1String("innerError")).toObject().value(QLatin1String("request-id")).toString()
        : requestId;
    out.details = QStringLiteral("HTTP %1 %2: %3").arg(status).arg(code, message);
    if (status == 0) {
        out.userMessage = tr("Microsoft Graph could not be reached. Check the network connection, proxy and firewall.");
    } else if (code == QLatin1String("Authorization_RequestDenied") || status == 403) {
        out.userMessage = tr("The app lacks a permission for this operation. Grant the missing application permission "
                             "with admin consent; \"m365sync-cli check\" lists what is missing.");
    } else if (code == QLatin1String("InvalidAuthenticationToken") || status == 401) {
        out.userMessage = tr("Microsoft Graph did not accept the access token: %1").arg(message);
    } else if (code == QLatin1String("Request_ResourceNotFound") || status == 404) {
        out.userMessage = tr("The object does not exist (any more) in the tenant: %1").arg(message);
    } else if (status == 429) {
        out.userMessage = tr("Microsoft Graph kept throttling the requests for longer than the allowed wait. Try again "
                             "later or outside business hours.");
    } else if (status >= 500) {
        out.userMessage = tr("Microsoft Graph is temporarily unavailable (HTTP %1). Try again later.").arg(status);
    } else {
        out.userMessage = message.isEmpty() ? tr("Microsoft Graph refused the request (HTTP %1).").arg(status)
                                            : tr("Microsoft Graph refused the request: %1").arg(message);
    }
    return out;
}

CollectionPage CollectionPage::fromJson(const QJsonObject &json)
{
    CollectionPage page;
    page.value = json.value(QLatin1String("value")).toArray();
    page.nextLink = json.value(QLatin1String("@odata.nextLink")).toString();
    page.deltaLink = json.value(QLatin1String("@odata.deltaLink")).toString();
    if (json.contains(QLatin1String("@odata.count"))) {
        page.count = json.value(QLatin1String("@odata.count")).toVariant().toLongLong();
    }
    return page;
}

QHash<QString, Response> parseBatchResponses(const QJsonObject &json)
{
    QHash<QString, Response> answers;
    for (const auto &value : json.value(QLatin1String("responses")).toArray()) {
        const QJsonObject answer = value.toObject();
        Response sub;
        sub.status = answer.value(QLatin1String("status")).toInt();
        const QJsonObject headers = answer.value(QLatin1String("headers")).toObject();
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            sub.headers.insert(it.key().toLower().toLatin1(), it.value().toString().toUtf8());
        }
        const QJsonValue body = answer.value(QLatin1String("body"));
        if (body.isObject()) {
            sub.json = body.toObject();
            sub.body = QJsonDocument(sub.json).toJson(QJsonDocument::Compact);
        } else if (body.isString()) {
            sub.body = body.toString().toUtf8();
        }
        sub.requestId = QString::fromLatin1(sub.header("request-id"));
        answers.insert(answer.value(QLatin1String("id")).toString(), sub);
    }
    return answers;
}

double parseRetryAfter(const QByteArray &value)
{
    bool ok = false;
    const double seconds = value.trimmed().toDouble(&ok);
    // toDouble() accepts "inf", "nan" and 1e300, which the callers' conversion to milliseconds cannot represent
    // (undefined behaviour, found by fuzz_graphjson). Longer than a day is more than any retry policy waits anyway.
    constexpr double maxSeconds = 24 * 3600;
    if (!ok || !std::isfinite(seconds) || seconds < 0) {
        return -1;
    }
    return std::min(seconds, maxSeconds);
}

} // namespace M365::Graph
