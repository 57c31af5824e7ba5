// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The token endpoint's check of a client assertion, apart from the tenant's state so that it can be fuzzed. Error
// codes and texts follow Microsoft's AADSTS reference.

#include "assertioncheck.h"

#include "sandboxcrypto.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

namespace M365::Sandbox {

namespace {

constexpr qint64 clockSkewSeconds = 300;

AssertionCheck refuse(int status, const QString &error, int code, const QString &description)
{
    AssertionCheck check;
    check.status = status;
    check.error = error;
    check.code = code;
    check.description = description;
    return check;
}

} // namespace

AssertionCheck AssertionCheck::check(const QByteArray &assertion, const AssertionContext &context)
{
    const auto jwt = Crypto::Jwt::parse(assertion);
    if (!jwt) {
        return refuse(
            401, QStringLiteral("invalid_client"), 50027, QStringLiteral("JWT token is invalid or malformed."));
    }
    const QString alg = jwt->header.value(QLatin1String("alg")).toString();
    Crypto::SignatureAlgorithm algorithm;
    QByteArray thumbprint;
    bool sha256Thumbprint = false;
    if (alg == QLatin1String("PS256") && jwt->header.contains(QLatin1String("x5t#S256"))) {
        algorithm = Crypto::SignatureAlgorithm::PS256;
        thumbprint = Crypto::base64UrlDecode(jwt->header.value(QLatin1String("x5t#S256")).toString().toLatin1())
                         .value_or(QByteArray());
        sha256Thumbprint = true;
    } else if (alg == QLatin1String("RS256") && jwt->header.contains(QLatin1String("x5t"))) {
        algorithm = Crypto::SignatureAlgorithm::RS256;
        thumbprint = Crypto::base64UrlDecode(jwt->header.value(QLatin1String("x5t")).toString().toLatin1())
                         .value_or(QByteArray());
    } else {
        return refuse(401,
                      QStringLiteral("invalid_client"),
                      5002738,
                      QStringLiteral("Invalid JWT token. '%1' is not a supported signature algorithm together "
                                     "with its certificate thumbprint header (RS256 with x5t, PS256 with "
                                     "x5t#S256).")
                          .arg(alg));
    }
    QByteArray certificateDer;
    bool keyExpired = false;
    for (const auto &value : context.keyCredentials) {
        const QJsonObject key = value.toObject();
        const QByteArray der = QByteArray::fromBase64(key.value(QLatin1String("_der")).toString().toLatin1());
        const QByteArray candidate = sha256Thumbprint ? Crypto::sha256(der) : Crypto::sha1(der);
        if (candidate != thumbprint || thumbprint.isEmpty()) {
            continue;
        }
        const QDateTime end = QDateTime::fromString(key.value(QLatin1String("endDateTime")).toString(), Qt::ISODate);
        if (end.isValid() && end.toSecsSinceEpoch() < context.now) {
            keyExpired = true;
            continue;
        }
        certificateDer = der;
    }
    if (certificateDer.isEmpty()) {
        return refuse(
            401,
            QStringLiteral("invalid_client"),
            700027,
            QStringLiteral("The certificate with identifier used to sign the client assertion is not "
                           "registered on application. [Reason - %1, Thumbprint of key used by client: "
                           "'%2', Please visit the Azure Portal, Graph Explorer or directly use MS "
                           "Graph to see configured keys for app Id '%3'.]")
                .arg(keyExpired ? QStringLiteral("The key used is expired.") : QStringLiteral("The key was not found."),
                     QString::fromLatin1(thumbprint.toHex().toUpper()),
                     context.clientId));
    }
    if (!Crypto::verifySignature(algorithm, jwt->signingInput, jwt->signature, certificateDer)) {
        return refuse(401,
                      QStringLiteral("invalid_client"),
                      700027,
                      QStringLiteral("Client assertion failed signature validation. [Reason - The key was "
                                     "found, but the signature could not be verified with it.]"));
    }
    const QJsonObject claims = jwt->payload;
    const QString aud = claims.value(QLatin1String("aud")).toString();
    const QString audPath =
        aud.startsWith(context.baseUrl + QLatin1Char('/')) ? aud.mid(context.baseUrl.size()) : QString();
    const QStringList audSegments = audPath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const bool audOk = audSegments.size() == 4 && context.matchesTenant(audSegments.value(0))
        && audSegments.mid(1) == QStringList{QStringLiteral("oauth2"), QStringLiteral("v2.0"), QStringLiteral("token")};
    if (!audOk) {
        return refuse(401,
                      QStringLiteral("invalid_client"),
                      50012,
                      QStringLiteral("Client assertion audience claim does not match Realm issuer. The 'aud' "
                                     "claim must be the token endpoint '%1/%2/oauth2/v2.0/token'; it was '%3'.")
                          .arg(context.baseUrl, context.tenant, aud));
    }
    if (claims.value(QLatin1String("iss")).toString() != context.clientId
        || claims.value(QLatin1String("sub")).toString() != context.clientId) {
        return refuse(401,
                      QStringLiteral("invalid_client"),
                      700021,
                      QStringLiteral("Client assertion application identifier doesn't match 'client_id' "
                                     "parameter. 'iss' and 'sub' must both be the client id '%1'.")
                          .arg(context.clientId));
    }
    const qint64 exp = claims.value(QLatin1String("exp")).toInteger(0);
    const qint64 nbf = claims.value(QLatin1String("nbf")).toInteger(0);
    // The skew goes on the side of now, which is sane: exp and nbf are whatever integers the sender chose, and
    // exp + skew overflowed for exp near 2^63 (undefined behaviour, found by fuzz_jwt).
    if (exp == 0 || exp < context.now - clockSkewSeconds || (nbf != 0 && nbf > context.now + clockSkewSeconds)) {
        return refuse(401,
                      QStringLiteral("invalid_client"),
                      700024,
                      QStringLiteral("Client assertion is not within its valid time range. Current time: %1, "
                                     "assertion valid from %2, expiry time of assertion %3.")
                          .arg(QDateTime::fromSecsSinceEpoch(context.now, Qt::UTC).toString(Qt::ISODate),
                               QDateTime::fromSecsSinceEpoch(nbf, Qt::UTC).toString(Qt::ISODate),
                               QDateTime::fromSecsSinceEpoch(exp, Qt::UTC).toString(Qt::ISODate)));
    }
    const QString jti = claims.value(QLatin1String("jti")).toString();
    if (jti.isEmpty()) {
        return refuse(401,
                      QStringLiteral("invalid_client"),
                      50027,
                      QStringLiteral("JWT token is invalid or malformed: the 'jti' claim is missing."));
    }
    AssertionCheck accepted;
    accepted.jti = jti;
    accepted.expires = exp;
    return accepted;
}

} // namespace M365::Sandbox
