// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace M365::Graph {

/// One Graph request: on its own, or as part of a $batch.
struct Request
{
    QByteArray method = "GET";
    /// Below /v1.0 with its query ("/users?$top=5"), or an absolute URL Graph handed out (a nextLink or deltaLink).
    QString path;
    QJsonObject body;
    bool hasBody = false;
    QHash<QByteArray, QByteArray> headers;
    /// Retry a 404 (or the 400 of a service principal whose new application is not there yet) for a while: the
    /// object was created moments ago and may not have replicated yet.
    bool retryNotFound = false;
    /// Batch only: the request's id (defaults to its position) and the ids it must run after.
    QString id;
    QStringList dependsOn;

    bool isWrite() const { return method != "GET"; }

    static Request get(const QString &path) { return Request{"GET", path, {}, false, {}, false, {}, {}}; }
    static Request remove(const QString &path) { return Request{"DELETE", path, {}, false, {}, false, {}, {}}; }
    static Request withBody(const QByteArray &method, const QString &path, const QJsonObject &body)
    {
        return Request{method, path, body, true, {}, false, {}, {}};
    }
};

/// Graph's answer to one request (for a batch: to one sub-request).
struct Response
{
    int status = 0; ///< 0: no HTTP answer
    QJsonObject json;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; ///< names in lower case
    QString requestId;
    M365::Error error; ///< set when the request finally failed
    int attempts = 0;

    bool ok() const { return status >= 200 && status < 300; }
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

/// A Graph error body ({"error": {"code", "message", "innerError": {"request-id", "date"}}}) as an Error whose
/// message says what to do.
M365::Error errorFromResponse(int status, const QJsonObject &json, const QString &requestId);

/// "$filter=<property> eq '<value>'" with the value quoted as OData wants it ('' for ') and the whole expression
/// percent-encoded, so that a '+' in a Base64 value (an immutable id) reaches Graph as a plus, not as a space.
QString filterEquals(const QString &property, const QString &value);

/// A page of a collection: "value" plus @odata.nextLink / @odata.deltaLink / @odata.count.
struct CollectionPage
{
    QJsonArray value;
    QString nextLink;
    QString deltaLink;
    qint64 count = -1;

    static CollectionPage fromJson(const QJsonObject &json);
};

/// The answers of a $batch response body ({"responses": [{id, status, headers, body}]}) by request id; header names
/// in lower case, JSON bodies in json, other bodies (text) in body.
QHash<QString, Response> parseBatchResponses(const QJsonObject &json);

/// The Retry-After header in seconds (Graph sends fractions, e.g. "2.128"), at most a day; a negative number when
/// absent or invalid (not a finite non-negative number, e.g. an HTTP date).
double parseRetryAfter(const QByteArray &value);

} // namespace M365::Graph
