// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace M365::Sandbox {

/// @p query as a web server reads a query string (application/x-www-form-urlencoded, as ASP.NET and Microsoft's
/// services do): a literal '+' is a space, only "%2B" is a plus. QUrlQuery alone would keep '+' as a plus, which
/// would let a client that forgets to encode a Base64 value in $filter pass here and fail against Microsoft.
inline QUrlQuery formDecoded(const QUrlQuery &query)
{
    QString encoded = query.query(QUrl::FullyEncoded);
    encoded.replace(QLatin1Char('+'), QLatin1String("%20"));
    return QUrlQuery(encoded);
}

/// One HTTP request as the sandbox's services see it: the same for a request off the wire and for a `$batch`
/// sub-request, so that each sub-request is authorised, validated and throttled exactly like a top-level one.
struct ApiRequest
{
    QByteArray method; ///< upper case: GET, POST, PATCH, PUT, DELETE
    QString path; ///< decoded path below the service root, e.g. "/users/abc" for "/v1.0/users/abc"
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; ///< names in lower case
    QByteArray body;
    QString requestId; ///< assigned by the server; echoed in `request-id` and error bodies

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    /// A query option, e.g. queryItem("$top"); empty when absent.
    QString queryItem(const QString &name) const { return query.queryItemValue(name, QUrl::FullyDecoded); }
    bool hasQueryItem(const QString &name) const { return query.hasQueryItem(name); }
};

struct ApiResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    /// Fault injection: close the connection without answering.
    bool resetConnection = false;
    /// Fault injection: answer only after this many milliseconds.
    int delayMs = 0;

    void setHeader(const QByteArray &name, const QByteArray &value)
    {
        for (auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
                h.second = value;
                return;
            }
        }
        headers.append(qMakePair(name, value));
    }
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
                return h.second;
            }
        }
        return {};
    }

    static ApiResponse json(int status, const QJsonObject &object)
    {
        ApiResponse r;
        r.status = status;
        r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
        r.headers.append(qMakePair(QByteArray("Content-Type"),
                                   QByteArray("application/json;odata.metadata=minimal;odata.streaming=true;"
                                              "IEEE754Compatible=false;charset=utf-8")));
        return r;
    }
    static ApiResponse noContent()
    {
        ApiResponse r;
        r.status = 204;
        return r;
    }
};

/// The error body Microsoft Graph answers with: {"error": {"code", "message", "innerError": {"date", "request-id",
/// "client-request-id"}}}. The request id is the one also sent in the `request-id` header.
ApiResponse graphError(int status, const QString &code, const QString &message, const ApiRequest &request);

/// The current UTC time as Graph writes it, e.g. "2026-11-22T20:04:54Z".
QString isoNow();

/// A new random GUID in the lower-case form without braces that Microsoft uses for ids.
QString newGuid();

} // namespace M365::Sandbox
