// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cloudendpoints.h"

#include <QHostAddress>

namespace M365::Identity {

namespace {

QString percentEncoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

// Appends already percent-encoded path segments to a root that may itself carry a path (a reverse proxy prefix).
QUrl withPath(const QUrl &root, const QString &encodedTail)
{
    QUrl url = root;
    QString path = root.path(QUrl::FullyEncoded);
    while (path.endsWith(QLatin1Char('/'))) {
        path.chop(1);
    }
    QString tail = encodedTail;
    while (tail.startsWith(QLatin1Char('/'))) {
        tail.remove(0, 1);
    }
    url.setPath(path + QLatin1Char('/') + tail, QUrl::TolerantMode);
    return url;
}

// "https://host/" and "https://host/base/" become "https://host" and "https://host/base".
QUrl normalizedRoot(const QUrl &root)
{
    QUrl url = root;
    QString path = root.path(QUrl::FullyEncoded);
    while (path.endsWith(QLatin1Char('/'))) {
        path.chop(1);
    }
    url.setPath(path, QUrl::TolerantMode);
    return url;
}

QString scopeFor(const QUrl &graph)
{
    return normalizedRoot(graph).toString(QUrl::FullyEncoded) + QStringLiteral("/.default");
}

bool isLoopback(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        return true;
    }
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

bool checkRoot(const QUrl &url, const QString &what, M365::Error *error)
{
    QString problem;
    if (!url.isValid() || url.isRelative() || url.host().isEmpty()) {
        problem = CloudEndpoints::tr("The %1 address \"%2\" is not an absolute URL.");
    } else if (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) {
        problem = CloudEndpoints::tr("The %1 address \"%2\" must start with https://.");
    } else if (url.scheme() == QLatin1String("http") && !isLoopback(url.host())) {
        problem = CloudEndpoints::tr(
            "The %1 address \"%2\" must use https://; plain http is only allowed on this computer (127.0.0.1).");
    } else if (url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty()) {
        problem = CloudEndpoints::tr("The %1 address \"%2\" must not contain a query, a fragment or a user name.");
    }
    if (problem.isEmpty()) {
        return true;
    }
    if (error) {
        *error = M365::Error{QStringLiteral("cloud.invalidEndpoint"),
                             problem.arg(what, url.toDisplayString()),
                             QStringLiteral("invalid %1 root: %2").arg(what, url.toDisplayString()),
                             {}};
    }
    return false;
}

} // namespace

QUrl CloudEndpoints::tokenEndpoint(const QString &tenant) const
{
    return withPath(authority, percentEncoded(tenant) + QStringLiteral("/oauth2/v2.0/token"));
}

QUrl CloudEndpoints::deviceCodeEndpoint(const QString &tenant) const
{
    return withPath(authority, percentEncoded(tenant) + QStringLiteral("/oauth2/v2.0/devicecode"));
}

QUrl CloudEndpoints::graphUrl(const QString &pathAndQuery) const
{
    const qsizetype questionMark = pathAndQuery.indexOf(QLatin1Char('?'));
    const QString path = questionMark < 0 ? pathAndQuery : pathAndQuery.left(questionMark);
    QUrl url = withPath(graph, QStringLiteral("v1.0/") + (path.startsWith(QLatin1Char('/')) ? path.mid(1) : path));
    if (questionMark >= 0) {
        url.setQuery(pathAndQuery.mid(questionMark + 1), QUrl::TolerantMode);
    }
    return url;
}

QUrl CloudEndpoints::adminConsentUrl(const QString &tenant, const QString &clientId, const QUrl &redirect) const
{
    QUrl url = withPath(authority, percentEncoded(tenant) + QStringLiteral("/v2.0/adminconsent"));
    QString query = QStringLiteral("client_id=") + percentEncoded(clientId) + QStringLiteral("&scope=")
        + percentEncoded(graphScope);
    if (!redirect.isEmpty()) {
        query += QStringLiteral("&redirect_uri=") + percentEncoded(redirect.toString(QUrl::FullyEncoded));
    }
    url.setQuery(query, QUrl::StrictMode);
    return url;
}

QUrl CloudEndpoints::consentRedirectUri() const
{
    return withPath(authority, QStringLiteral("common/oauth2/nativeclient"));
}

bool CloudEndpoints::isValid(M365::Error *error) const
{
    if (!checkRoot(authority, tr("sign-in"), error) || !checkRoot(graph, tr("Microsoft Graph"), error)) {
        return false;
    }
    if (graphScope.trimmed().isEmpty() || !graphScope.endsWith(QLatin1String("/.default"))) {
        if (error) {
            *error = M365::Error{QStringLiteral("cloud.invalidScope"),
                                 tr("The Graph scope \"%1\" must end with \"/.default\".").arg(graphScope),
                                 QStringLiteral("invalid graph scope: %1").arg(graphScope),
                                 {}};
        }
        return false;
    }
    return true;
}

CloudEndpoints CloudEndpoints::forCloud(Cloud cloud)
{
    // learn.microsoft.com/graph/deployments: "App registration and token service root endpoints" and
    // "Microsoft Graph and Graph Explorer service root endpoints". L4 and L5 share the US Government sign-in host.
    const auto make = [cloud](const char *login, const char *graph) {
        CloudEndpoints endpoints;
        endpoints.cloud = cloud;
        endpoints.authority = QUrl(QString::fromLatin1(login));
        endpoints.graph = QUrl(QString::fromLatin1(graph));
        endpoints.graphScope = scopeFor(endpoints.graph);
        return endpoints;
    };
    switch (cloud) {
    case Cloud::Global:
    case Cloud::Custom: // a custom cloud without roots starts from the global ones
        return make("https://login.microsoftonline.com", "https://graph.microsoft.com");
    case Cloud::UsGovernmentL4:
        return make("https://login.microsoftonline.us", "https://graph.microsoft.us");
    case Cloud::UsGovernmentL5Dod:
        return make("https://login.microsoftonline.us", "https://dod-graph.microsoft.us");
    case Cloud::China:
        return make("https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn");
    }
    Q_UNREACHABLE();
}

CloudEndpoints CloudEndpoints::custom(const QUrl &login, const QUrl &graph, const QString &scope)
{
    CloudEndpoints endpoints;
    endpoints.cloud = Cloud::Custom;
    endpoints.authority = normalizedRoot(login);
    endpoints.graph = normalizedRoot(graph);
    endpoints.graphScope = scope.isEmpty() ? scopeFor(endpoints.graph) : scope;
    return endpoints;
}

CloudEndpoints CloudEndpoints::sandbox(const QUrl &baseUrl)
{
    return custom(baseUrl, baseUrl, forCloud(Cloud::Global).graphScope);
}

QJsonObject CloudEndpoints::toJson() const
{
    QJsonObject json{{QStringLiteral("cloud"), id(cloud)}};
    if (cloud == Cloud::Custom) {
        json.insert(QStringLiteral("authority"), authority.toString(QUrl::FullyEncoded));
        json.insert(QStringLiteral("graph"), graph.toString(QUrl::FullyEncoded));
        json.insert(QStringLiteral("graphScope"), graphScope);
    }
    return json;
}

std::optional<CloudEndpoints> CloudEndpoints::fromJson(const QJsonObject &json, M365::Error *error)
{
    const QString cloudId = json.value(QStringLiteral("cloud")).toString();
    const std::optional<Cloud> cloud = cloudFromId(cloudId);
    if (!cloud) {
        if (error) {
            *error = M365::Error{
                QStringLiteral("cloud.unknown"),
                tr("Unknown cloud \"%1\". Use one of: global, usgov-l4, usgov-l5-dod, china, custom.").arg(cloudId),
                QStringLiteral("unknown cloud id: %1").arg(cloudId),
                {}};
        }
        return std::nullopt;
    }
    if (*cloud != Cloud::Custom) {
        return forCloud(*cloud);
    }
    const CloudEndpoints endpoints = custom(QUrl(json.value(QStringLiteral("authority")).toString(), QUrl::StrictMode),
                                            QUrl(json.value(QStringLiteral("graph")).toString(), QUrl::StrictMode),
                                            json.value(QStringLiteral("graphScope")).toString());
    if (!endpoints.isValid(error)) {
        return std::nullopt;
    }
    return endpoints;
}

QString CloudEndpoints::name(Cloud cloud)
{
    switch (cloud) {
    case Cloud::Global:
        return tr("Global (worldwide, also GCC)");
    case Cloud::UsGovernmentL4:
        return tr("US Government L4 (GCC High)");
    case Cloud::UsGovernmentL5Dod:
        return tr("US Government L5 (DoD)");
    case Cloud::China:
        return tr("China (operated by 21Vianet)");
    case Cloud::Custom:
        return tr("Custom endpoints (sandbox)");
    }
    Q_UNREACHABLE();
}

QString CloudEndpoints::id(Cloud cloud)
{
    switch (cloud) {
    case Cloud::Global:
        return QStringLiteral("global");
    case Cloud::UsGovernmentL4:
        return QStringLiteral("usgov-l4");
    case Cloud::UsGovernmentL5Dod:
        return QStringLiteral("usgov-l5-dod");
    case Cloud::China:
        return QStringLiteral("china");
    case Cloud::Custom:
        return QStringLiteral("custom");
    }
    Q_UNREACHABLE();
}

std::optional<Cloud> CloudEndpoints::cloudFromId(const QString &id)
{
    for (Cloud cloud : {Cloud::Global, Cloud::UsGovernmentL4, Cloud::UsGovernmentL5Dod, Cloud::China, Cloud::Custom}) {
        if (id == CloudEndpoints::id(cloud)) {
            return cloud;
        }
    }
    return std::nullopt;
}

} // namespace M365::Identity
