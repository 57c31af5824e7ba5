// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "applyrequests.h"

#include <QJsonArray>

#include <utility>

namespace M365::Sync {

namespace {

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

QString collectionOf(const Change &change)
{
    return change.objectType == Change::ObjectType::Group ? str("/groups") : str("/users");
}

/// The object's own properties: the manager is a relationship, set by its own request once every user exists.
QJsonObject properties(const Change &change)
{
    QJsonObject body = change.payload;
    body.remove(str("manager"));
    return body;
}

} // namespace

ApplyRequests::ApplyRequests(std::function<QString(const QString &)> absoluteUrl)
    : m_absoluteUrl(std::move(absoluteUrl))
{}

Graph::Request ApplyRequests::check(const Change &change, const QStringList &fingerprintProperties)
{
    QStringList select = fingerprintProperties;
    if (!select.contains(str("id"))) {
        select.prepend(str("id"));
    }
    return Graph::Request::get(collectionOf(change) + QLatin1Char('/') + change.cloudId + str("?$select=")
                               + select.join(QLatin1Char(',')));
}

Graph::Request ApplyRequests::create(const Change &change, const QString &password)
{
    QJsonObject body = properties(change);
    if (change.objectType == Change::ObjectType::User) {
        // Graph requires a password on create, even for users who sign in elsewhere.
        body.insert(str("passwordProfile"),
                    QJsonObject{{str("forceChangePasswordNextSignIn"), true}, {str("password"), password}});
    }
    return Graph::Request::withBody("POST", collectionOf(change), body);
}

Graph::Request ApplyRequests::remove(const Change &change)
{
    return Graph::Request::remove(collectionOf(change) + QLatin1Char('/') + change.cloudId);
}

bool ApplyRequests::disableRenames(const Change &change)
{
    if (change.kind != Change::Kind::Disable || !change.payload.contains(QLatin1String("accountEnabled"))) {
        return false;
    }
    QJsonObject rest = properties(change);
    rest.remove(str("accountEnabled"));
    return !rest.isEmpty();
}

Graph::Request ApplyRequests::patch(const Change &change)
{
    const QString path = collectionOf(change) + QLatin1Char('/') + change.cloudId;
    if (disableRenames(change)) {
        return Graph::Request::withBody("PATCH", path, QJsonObject{{str("accountEnabled"), false}});
    }
    return Graph::Request::withBody("PATCH", path, properties(change));
}

std::optional<Graph::Request> ApplyRequests::renameAfterDisable(const Change &change)
{
    if (!disableRenames(change)) {
        return std::nullopt;
    }
    QJsonObject rest = properties(change);
    rest.remove(str("accountEnabled"));
    return Graph::Request::withBody("PATCH", collectionOf(change) + QLatin1Char('/') + change.cloudId, rest);
}

Graph::Request ApplyRequests::restore(const Change &change)
{
    // "Do not supply a request body for this method."
    Graph::Request request = Graph::Request::get(str("/directory/deletedItems/") + change.cloudId + str("/restore"));
    request.method = "POST";
    return request;
}

std::optional<Graph::Request> ApplyRequests::patchAfterRestore(const Change &change)
{
    const QJsonObject body = properties(change);
    if (body.isEmpty()) {
        return std::nullopt;
    }
    Graph::Request request = Graph::Request::withBody("PATCH", str("/users/") + change.cloudId, body);
    request.retryNotFound = true; // the user is back moments ago and may not have replicated yet
    return request;
}

Graph::Request ApplyRequests::licence(const Change &change, const QString &userId)
{
    Graph::Request request =
        Graph::Request::withBody("POST", str("/users/") + userId + str("/assignLicense"), change.payload);
    request.retryNotFound = true;
    return request;
}

Graph::Request ApplyRequests::bindMembers(const QString &groupId, const QStringList &memberIds) const
{
    QJsonArray binds;
    for (const QString &id : memberIds) {
        binds.append(m_absoluteUrl(str("/directoryObjects/") + id));
    }
    return Graph::Request::withBody(
        "PATCH", str("/groups/") + groupId, QJsonObject{{str("members@odata.bind"), binds}});
}

Graph::Request ApplyRequests::addMemberRef(const QString &groupId, const QString &memberId) const
{
    return Graph::Request::withBody(
        "POST",
        str("/groups/") + groupId + str("/members/$ref"),
        QJsonObject{{str("@odata.id"), m_absoluteUrl(str("/directoryObjects/") + memberId)}});
}

Graph::Request ApplyRequests::removeMemberRef(const QString &groupId, const QString &memberId)
{
    return Graph::Request::remove(str("/groups/") + groupId + str("/members/") + memberId + str("/$ref"));
}

Graph::Request ApplyRequests::manager(const QString &userId, const QString &managerId) const
{
    const QString path = str("/users/") + userId + str("/manager/$ref");
    if (managerId.isEmpty()) {
        return Graph::Request::remove(path);
    }
    Graph::Request request = Graph::Request::withBody(
        "PUT", path, QJsonObject{{str("@odata.id"), m_absoluteUrl(str("/users/") + managerId)}});
    request.retryNotFound = true; // a manager created moments ago may not have replicated yet
    return request;
}

Graph::Request ApplyRequests::findByImmutableId(const QString &immutableId)
{
    return Graph::Request::get(str("/users?") + Graph::filterEquals(str("onPremisesImmutableId"), immutableId)
                               + str("&$select=id,userPrincipalName,onPremisesImmutableId"));
}

} // namespace M365::Sync
