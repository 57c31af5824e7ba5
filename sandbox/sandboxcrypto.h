// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

/*
 * The sandbox's own cryptography, on OpenSSL's EVP API. It deliberately shares no code with core/identity, so a
 * misreading of Microsoft's protocol cannot hide on both sides of a test at once.
 */
namespace M365::Sandbox::Crypto {

/// base64url without padding (RFC 7515 section 2).
QByteArray base64UrlEncode(const QByteArray &data);
/// Strict base64url decode: rejects padding, '+', '/', whitespace and other characters outside the alphabet.
std::optional<QByteArray> base64UrlDecode(const QByteArray &text);

QByteArray sha1(const QByteArray &data);
QByteArray sha256(const QByteArray &data);

/// A JWS in compact serialisation, split and decoded but not verified.
struct Jwt
{
    QJsonObject header;
    QJsonObject payload;
    QByteArray signingInput; ///< "base64url(header).base64url(payload)" exactly as received
    QByteArray signature; ///< raw signature bytes

    /// Returns nothing when the text is not three base64url parts whose first two are JSON objects.
    static std::optional<Jwt> parse(const QByteArray &compact);
};

enum class SignatureAlgorithm { RS256, PS256 };

/// Verifies an RSA signature over @p signingInput with the public key of an X.509 certificate given as DER.
/// PS256 uses RSASSA-PSS with SHA-256, MGF1-SHA-256 and a salt length equal to the digest length (RFC 7518 3.5).
bool verifySignature(SignatureAlgorithm algorithm,
                     const QByteArray &signingInput,
                     const QByteArray &signature,
                     const QByteArray &certificateDer);

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature with a PEM private key; empty on failure.
QByteArray signRs256(const QByteArray &signingInput, const QByteArray &privateKeyPem);

/// Builds and signs a compact JWT (RS256) with the given header fields (alg and typ are set here) and payload.
QByteArray makeJwt(const QJsonObject &extraHeader, const QJsonObject &payload, const QByteArray &privateKeyPem);

/// A new RSA private key in PKCS#8 PEM.
QByteArray generateRsaKeyPem(int bits = 2048);

/// Converts a certificate between PEM and DER; empty on failure.
QByteArray certificatePemToDer(const QByteArray &pem);
QByteArray certificateDerToPem(const QByteArray &der);

/// Facts of an X.509 certificate that the token endpoint and the applications API need.
struct CertificateInfo
{
    QByteArray der;
    QString subject; ///< e.g. "CN=m365sync"
    qint64 notBefore = 0; ///< seconds since the epoch (UTC)
    qint64 notAfter = 0;
    QByteArray sha1Thumbprint; ///< raw 20 bytes
    QByteArray sha256Thumbprint; ///< raw 32 bytes
    QByteArray rsaModulus; ///< the public key's n, big-endian without leading zeros (a JWK's "n" before base64url)
    QByteArray rsaExponent; ///< the public key's e, likewise (a JWK's "e")
};
/// Parses a DER or PEM certificate; nothing when it is not an X.509 certificate with an RSA public key.
std::optional<CertificateInfo> inspectCertificate(const QByteArray &derOrPem);

/// A private CA and a server certificate it issued, for the sandbox's HTTPS on loopback.
struct TlsMaterial
{
    QByteArray caCertificatePem;
    QByteArray serverCertificatePem; ///< SAN: DNS:localhost, IP:127.0.0.1, IP:::1
    QByteArray serverKeyPem;
};
TlsMaterial makeLoopbackTls(const QString &caCommonName);

/// A self-signed certificate for a fresh RSA key, as an admin would make with `openssl req -x509` (tests, seeding).
struct SelfSignedCertificate
{
    QByteArray certificatePem;
    QByteArray privateKeyPem;
};
SelfSignedCertificate makeSelfSignedCertificate(const QString &commonName, int validDays, int bits = 2048);

} // namespace M365::Sandbox::Crypto
