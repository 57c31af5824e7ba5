// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QString>

#include <functional>

namespace M365::Sandbox {

/// What the token endpoint knows when it checks a client assertion: the app, the tenant, and the time.
struct AssertionContext
{
    QString clientId; ///< the client_id parameter; "iss" and "sub" must be it
    QString tenant; ///< the tenant as the request path named it (for messages)
    QString baseUrl; ///< the sandbox's origin; "aud" must be {baseUrl}/{tenant}/oauth2/v2.0/token
    QJsonArray keyCredentials; ///< the application's, each with its certificate as base64 DER in "_der"
    std::function<bool(const QString &tenant)> matchesTenant; ///< whether "aud"'s tenant is this tenant
    qint64 now = 0; ///< seconds since the epoch
};

/**
 * The verdict on a client assertion (RFC 7523 section 2.2, as Microsoft's identity platform checks it): a compact
 * JWS, RS256 with `x5t` or PS256 with `x5t#S256`, signed by a certificate registered on the app and not expired,
 * with aud, iss, sub, exp/nbf (5 minutes of clock skew) and jti. On failure it carries the AADSTS answer.
 *
 * The one check it leaves to the caller is the replay of a jti, because only the tenant remembers the jtis it saw.
 */
struct AssertionCheck
{
    int status = 200; ///< the HTTP status of the token error
    QString error; ///< OAuth error ("invalid_client"); empty when the assertion is accepted
    int code = 0; ///< AADSTS code
    QString description;
    QString jti; ///< of an accepted assertion, for the replay check
    qint64 expires = 0; ///< "exp" of an accepted assertion (seconds since the epoch)

    bool ok() const { return error.isEmpty(); }

    /// Checks @p assertion, the client_assertion parameter as sent. A pure function of its arguments, so that the
    /// fuzzer (tests/fuzz/fuzz_jwt.cpp) checks assertions exactly as the token endpoint does.
    static AssertionCheck check(const QByteArray &assertion, const AssertionContext &context);
};

} // namespace M365::Sandbox
