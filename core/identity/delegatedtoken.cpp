// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "delegatedtoken.h"

#include "identity/tokenprovider.h"

#include <QRegularExpression>

namespace M365::Identity {

DelegatedToken DelegatedToken::fromTokenResponse(const QJsonObject &response, const QDateTime &received)
{
    const qint64 expiresIn = response.value(QLatin1String("expires_in")).toVariant().toLongLong();
    return fromAccessToken(response.value(QLatin1String("access_token")).toString(),
                           expiresIn > 0 ? received.toUTC().addSecs(expiresIn) : QDateTime());
}

DelegatedToken DelegatedToken::fromAccessToken(const QString &accessToken, const QDateTime &expiresAt)
{
    DelegatedToken token;
    if (accessToken.isEmpty()) {
        return token;
    }
    const QJsonObject claims = TokenProvider::decodeJwtPayload(accessToken);
    token.accessToken = accessToken;
    token.expiresAt = expiresAt.isValid()
        ? expiresAt.toUTC()
        : QDateTime::fromSecsSinceEpoch(claims.value(QLatin1String("exp")).toInteger(), Qt::UTC);
    token.tenantId = claims.value(QLatin1String("tid")).toString();
    token.userPrincipalName = claims.value(QLatin1String("upn")).toString();
    token.grantedScopes = claims.value(QLatin1String("scp")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return token;
}

QStringList qualifiedGraphScopes(const CloudEndpoints &endpoints, const QStringList &scopes)
{
    QString resource = endpoints.graphScope;
    if (resource.endsWith(QLatin1String(".default"))) {
        resource.chop(int(qstrlen(".default")));
    }
    QStringList qualified;
    for (const QString &scope : scopes) {
        qualified.append(scope.contains(QLatin1Char('/')) ? scope : resource + scope);
    }
    return qualified;
}

QString aadstsCodeOf(const QString &errorDescription)
{
    static const QRegularExpression pattern(QStringLiteral("AADSTS(\\d+)"));
    const auto match = pattern.match(errorDescription);
    return match.hasMatch() ? match.captured(0) : QString();
}

QString firstSentenceOf(const QString &errorDescription)
{
    QString text = errorDescription.section(QStringLiteral("\r\n"), 0, 0);
    const int trace = text.indexOf(QLatin1String(" Trace ID:"));
    return trace > 0 ? text.left(trace) : text;
}

} // namespace M365::Identity
