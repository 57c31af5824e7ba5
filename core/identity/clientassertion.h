// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "identity/certificatecredential.h"
#include "result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QLatin1String>
#include <QString>

#include <chrono>
#include <functional>

namespace M365::Identity {

/*
 * Signs the client assertion with which an app proves, in the client-credentials flow, that it holds the private key
 * of a certificate uploaded to its Entra app registration ("Microsoft identity platform application authentication
 * certificate credentials"; the private_key_jwt method of OpenID Connect).
 *
 * Microsoft now documents PS256 with the SHA-256 thumbprint in "x5t#S256", which is the default; RS256 with the SHA-1
 * thumbprint in "x5t" is what older documentation and some sovereign clouds expect, and stays selectable. The claims
 * are aud (the token endpoint), iss = sub = client id, a fresh GUID in jti for every assertion (Entra refuses a
 * replayed one), and nbf = iat = now, exp = now + lifetime (Microsoft: keep it to 5–10 minutes).
 *
 * Signing is synchronous and takes well under a millisecond, so it is a plain call, not a Job. The clock is
 * injectable so tests can pin nbf/iat/exp.
 */
class ClientAssertion
{
    Q_DECLARE_TR_FUNCTIONS(M365::Identity::ClientAssertion)

public:
    enum class Algorithm {
        PS256, ///< RSASSA-PSS, SHA-256, MGF1-SHA-256, salt = 32 bytes; header x5t#S256
        RS256, ///< RSASSA-PKCS1-v1_5 with SHA-256; header x5t (SHA-1 thumbprint)
    };
    using Clock = std::function<QDateTime()>;

    /// Error codes in M365::Error::code.
    static constexpr QLatin1String InvalidArgument{"assertion.invalidArgument"};
    static constexpr QLatin1String NoCertificate{"assertion.noCertificate"};
    static constexpr QLatin1String SigningFailed{"assertion.signingFailed"};

    /// The value of the token request's client_assertion_type form field.
    static constexpr QLatin1String assertionType{"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"};
    static constexpr std::chrono::seconds defaultLifetime{std::chrono::minutes(10)};
    static constexpr std::chrono::seconds maximumLifetime{std::chrono::minutes(10)};

    ClientAssertion(CertificateCredential credential, QString clientId);

    const CertificateCredential &credential() const { return m_credential; }
    QString clientId() const { return m_clientId; }

    Algorithm algorithm() const { return m_algorithm; }
    void setAlgorithm(Algorithm algorithm) { m_algorithm = algorithm; }

    /// How long the assertion is valid after nbf: 1 s up to maximumLifetime; sign() refuses anything else.
    std::chrono::seconds lifetime() const { return m_lifetime; }
    void setLifetime(std::chrono::seconds lifetime) { m_lifetime = lifetime; }

    /// The source of "now"; by default QDateTime::currentDateTimeUtc.
    void setClock(Clock clock);

    /// A new signed assertion in JWS compact form for @p audience, the token endpoint URL exactly as it is posted to
    /// (e.g. "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"). Each call has a new jti; use it once.
    Result<QByteArray> sign(const QString &audience) const;

    /// "PS256" or "RS256".
    static QString algorithmName(Algorithm algorithm);

private:
    CertificateCredential m_credential;
    QString m_clientId;
    Algorithm m_algorithm = Algorithm::PS256;
    std::chrono::seconds m_lifetime = defaultLifetime;
    Clock m_clock;
};

} // namespace M365::Identity
