// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox token endpoint's view of a client assertion: a JWT that anyone can POST to /{tenant}/oauth2/v2.0/token
// (sandbox/assertioncheck.h), and the JWT and certificate parsing under it (sandbox/sandboxcrypto.h).
//
// The first byte picks the mode (see Mode; '0' is the first):
//   0  the rest is a client_assertion as sent, checked for an app that has two certificates registered;
//   1  the rest is a JOSE header and a claims set as JSON, one line each, which this target encodes and signs with
//      the registered key before the check: a mutated token never has a valid signature, so only this way does the
//      fuzzer reach the checks of aud, iss, sub, exp, nbf and jti;
//   2  the rest is any compact JWS for Jwt::parse() and the strict base64url decoder;
//   3  the rest is a certificate (PEM or DER) as an admin uploads it to an application's keyCredentials.

#include "assertioncheck.h"
#include "fuzzsupport.h"
#include "sandboxcrypto.h"
#include "tenantstate.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

using M365::Fuzz::require;
namespace Sandbox = M365::Sandbox;
namespace Crypto = M365::Sandbox::Crypto;

namespace {

enum Mode { AsSent, SignedHere, CompactJws, Certificate, ModeCount };

// A throwaway key pair made for this target with `openssl req -x509 -newkey rsa:2048 -days 36500`; it protects
// nothing. The seeds in corpus/jwt are signed with it, so it must not change.
constexpr char registeredCertificatePem[] = R"(-----BEGIN CERTIFICATE-----
MIIDEzCCAfugAwIBAgIUebQiruq9oGrp/R8MgzdV040vvWQwDQYJKoZIhvcNAQEL
BQAwGDEWMBQGA1UEAwwNbTM2NXN5bmMgZnV6ejAgFw0yNjEyMDMxMzQ5MjhaGA8y
MTI2MTEwOTEzNDkyOFowGDEWMBQGA1UEAwwNbTM2NXN5bmMgZnV6ejCCASIwDQYJ
KoZIhvcNAQEBBQADggEPADCCAQoCggEBALXhSFGXNNpT3i1awRuedkQNOiGw+4aY
l1FOVQo1SiMKBZyvfAjbflOD19sYhcPLUVXaoJdQL9mCKZS6U5+XE07hRwkV2J31
OcQnbpapsvKRt4Gyd2T7dgafRCzFiC8Zr4SYVzWHB1ZEFDUxiOrSQAKAvkvUG+5o
Fgz9kXE7MVcTLbJT8/GVKN+PvE8tyjq6W9pOWDLMf5x8K5zcm2fHjCeuNwf6XHnO
eLb/mOaW7bZxAT3naYpZu2/Eii1PRB+7QUZ8TnGk9Tp4I9+kJmmMSRtp1/ImGTTK
2cUBEJuEVyUOvnQaRMYQ4n5XQueUm1Z/ayZbO/Eza/HjK2DN5RvwTOUCAwEAAaNT
MFEwHQYDVR0OBBYEFKBy0YEhQjOd/7Ogtt+5EOj+xE3rMB8GA1UdIwQYMBaAFKBy
0YEhQjOd/7Ogtt+5EOj+xE3rMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEL
BQADggEBAC0dINJPNU9CnAVCuNAHegtIpFZz8kg0228yUo4Abbqx0GMtA5HcuYAn
2lOxH+xH6drqq6xF5jFeJYy+7/ZhcK6P6n+4e46aF87RXFZFNw6j/zneBBytNkS8
8UenRoL/pt5JrL/1b3WNNtti0Vt0Puxldq5XifuP0KJ03igI895ResqhJcC/srSX
KCoTN2l5uGSdKmolmoUEw2FsblM3AGK5G2DqNGJRzNOoYnTweg9uvGZlaFKRh2Iw
7DKTCWYjMuZYP/bhRe8DAAqMPHjjVcsp+1/qlTb8BcXp2VG+CX31xP22zZ6p5a4+
xW3HokOO87ztKxZ+YFY9mEJFMnK32Gk=
-----END CERTIFICATE-----)";
constexpr char registeredKeyPem[] = R"(-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQC14UhRlzTaU94t
WsEbnnZEDTohsPuGmJdRTlUKNUojCgWcr3wI235Tg9fbGIXDy1FV2qCXUC/ZgimU
ulOflxNO4UcJFdid9TnEJ26WqbLykbeBsndk+3YGn0QsxYgvGa+EmFc1hwdWRBQ1
MYjq0kACgL5L1BvuaBYM/ZFxOzFXEy2yU/PxlSjfj7xPLco6ulvaTlgyzH+cfCuc
3Jtnx4wnrjcH+lx5zni2/5jmlu22cQE952mKWbtvxIotT0Qfu0FGfE5xpPU6eCPf
pCZpjEkbadfyJhk0ytnFARCbhFclDr50GkTGEOJ+V0LnlJtWf2smWzvxM2vx4ytg
zeUb8EzlAgMBAAECggEACKQCxQmLc8HfQMVafj7pfHMqa1ZWpL7UFYNEq/77Hi4I
NTjrChqvZjVRyHFiTXp3yz3fOkEPfORfqFavyVmqi6lNMCPPDjYLwANlkBfQzhBZ
KPq7DFub8FWZrgzWWvJ78a8xGXRoR1NlqF9Jk2pYqyXFpKGXkBx2y7gyNDBtOCc2
zPV+5CvqOcbvsgXND0LJE3XNwwlvYR3Q0Fm4YLFUpScg+lB+GWdZuLfXGGCvBPBj
wtOI4uQAMDSiEJAgP800xPrguLaz9RQMJZgNbJJxdka5Tq/JfgOb8JYs7/HywmJR
d4pi2MMwt3suHYAY+oUsmiqZYK04vfw0mK/SvYgwMwKBgQD/lh43iHhgsS4nxksl
X14hiWYP3FT7Rrvm2FopPK1mcyj+SGUmr8MjwY2l9c8g4zdfUvUGCy8iBAPHR7xD
ytIVBHUqCTxEFuVUs/Ha6iHHpnx7LSLJO2tybOkBCF/5jH/wx5E55JF0LkgnKVmq
+yhunT+LWroJ238Nbxh/oPqbKwKBgQC2LKFLoOqX8RyuEXUTW+MLjWRWk0ud8Wxo
Riv4XN7rVBeGqK+xYNg4YXsCQdQ5Y9IuFuleKI3gZzRNjI13emhylYNIIEPNEk5s
NEW38GaY6cqTSl7FMuEICDSMiw1zJut7AsH9rAJKM/KHMXKa9X6bkTDGuV6V1F7j
nbmN/KFwLwKBgQCVPZcPXkTMUSleWE9w1ysj8hMCl+mXgEogFZ0wDxpBhGUfdi56
VI9hxZdsnQgBcCvZIZupl8ZB2o5KQv0PqNLbKusvTI1ARQ5MU3aaGbT326M8WbLC
RkwLWMUFsVo5YW0jr6SBZZH5gTzogSC20kldrbx5JtUTBHQ/5+sqO1maWQKBgQCn
/rgvmhE8VOjxzL9+Pro9qQHipKqS2FP0ROG/g0U/FqkrUNvUY06Bj8Nz7WjcE6V7
Qz2pyxQq4IFnEjpS99rh7+bE2JwtvLf9KKcyXMsAMHjTIz4J9EV4trhe8sxQaI+3
PG/QkpL6ArWg3oSlScabh2THnaIP4Wwv0v+OZG4rmQKBgQCJ0XFau8PF2TTg9DF8
382lbpktYjL01n6+rjKkY2ZcFQl74lJJkEfq7UBqRwAU187ONjIiXhz3w4gqW1f+
iqaALi1KWXVrJ6IwwDH+2lSLwOjZ/c6cYZDeDEZ1xxuDcJPI0qSXMjq8oDfESOo0
XLTW3CbSqojsH2BsE2cgKkB+gg==
-----END PRIVATE KEY-----)";
// A second certificate, registered with an end date in the past: assertions naming it meet the "expired" answer.
constexpr char expiredCertificatePem[] = R"(-----BEGIN CERTIFICATE-----
MIIDITCCAgmgAwIBAgIUYxb7lC0oyp3iyk3ZUN37KnIhd1cwDQYJKoZIhvcNAQEL
BQAwIDEeMBwGA1UEAwwVbTM2NXN5bmMgZnV6eiBleHBpcmVkMB4XDTI2MTIwMzEz
NDkyOVoXDTI3MTIwMzEzNDkyOVowIDEeMBwGA1UEAwwVbTM2NXN5bmMgZnV6eiBl
eHBpcmVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyppmeep+piqK
l1e/YJvCMudHD7xoKYgztaXw9cyFhbUkL55DcMRkCfWnDNWsWYleKoWI7pwMqbqS
juPvWc2hp0I7l6I/v8rftdfgBKeXYJjh/wRuJmyuOLrpFQjQjhRiCIfo9GkgzZkw
OtcFKVAIdcP1MbtQ4c7ujQ2Ggtoj0kztSNJAwzW1yYRmkqTOgPeNqXRvG4MVV1Kk
fGd4hEi7uAvpqf1lZvwFUb7wXNTLFGXoUI0JAkRLxnGaFJP0XY+TVce45tDoQ+eN
jO14Y5TzTa5hb+mCOkqgAhrZViHBo70JuCtv11Dsd/SJyg/HHQFavUAjaHLEw64W
8eFz8LRcuQIDAQABo1MwUTAdBgNVHQ4EFgQUCOc0FJH4y5M/r5ldJDGajs9OHeAw
HwYDVR0jBBgwFoAUCOc0FJH4y5M/r5ldJDGajs9OHeAwDwYDVR0TAQH/BAUwAwEB
/zANBgkqhkiG9w0BAQsFAAOCAQEAmbhxuS1dbhUvdVekvpn/zT45lQqVkv4NwgmI
+XIZhSJRpb5cqWccMGRC7oNQUOf0JC+NAnnpd1sMry8SWOhJxBK+B/9coMrRbvRd
ODsEV85MMEZY8LeWRZ6AEqG/SFyZ31R+3K5JdpyaYKhN59YhsnuRUuKQLl/uNLrz
nnRsFlzOyucdH4jimp+auYn74hEVcickL985YIBvLRMFE8hKm7jW87aPeG2Jz3li
MJiPXUDEiAux1pEDhAy1Zxw8Z1gPqHRWeh4xp0qhEITRSDuubjmzGLL/i+bJBngn
URnMcdFXYocbopCMMMeqK6gIj3loqt1XNmVoxEZNmwrjsEkQUQ==
-----END CERTIFICATE-----)";

constexpr auto clientId = "aaaabbbb-0000-cccc-1111-dddd2222eeee";
constexpr auto tenantId = "aaaabbbb-0000-cccc-1111-dddd2222eeef";
constexpr auto tenantDomain = "contoso.onmicrosoft.com";
constexpr auto baseUrl = "https://127.0.0.1:4433";
constexpr qint64 now = 1798761600; // 2027-01-01T00:00:00Z: fixed, so that a seed's exp and nbf stay valid

const Sandbox::AssertionContext &context()
{
    static const Sandbox::AssertionContext context = [] {
        const auto current = Crypto::inspectCertificate(QByteArray(registeredCertificatePem));
        const auto expired = Crypto::inspectCertificate(QByteArray(expiredCertificatePem));
        require(current && expired, "the registered certificates parse");
        QJsonObject expiredKey = Sandbox::makeKeyCredential(*expired, QString(), QStringLiteral("key-2"));
        expiredKey.insert(QStringLiteral("endDateTime"), QStringLiteral("2025-01-01T00:00:00Z"));
        Sandbox::AssertionContext c;
        c.clientId = QString::fromLatin1(clientId);
        c.tenant = QString::fromLatin1(tenantDomain);
        c.baseUrl = QString::fromLatin1(baseUrl);
        c.keyCredentials = {Sandbox::makeKeyCredential(*current, QString(), QStringLiteral("key-1")), expiredKey};
        c.matchesTenant = [](const QString &tenant) {
            return tenant.compare(QLatin1String(tenantId), Qt::CaseInsensitive) == 0
                || tenant.compare(QLatin1String(tenantDomain), Qt::CaseInsensitive) == 0;
        };
        c.now = now;
        return c;
    }();
    return context;
}

void check(const QByteArray &assertion)
{
    const Sandbox::AssertionCheck verdict = Sandbox::AssertionCheck::check(assertion, context());
    if (verdict.ok()) {
        require(verdict.status == 200 && !verdict.jti.isEmpty(), "an accepted assertion has a jti");
        require(verdict.expires >= now - 300, "an accepted assertion has not expired");
    } else {
        require(verdict.status == 400 || verdict.status == 401, "a refusal is 400 or 401");
        require(verdict.code > 0 && !verdict.description.isEmpty(), "a refusal has its AADSTS code and text");
    }
}

/// "header JSON\npayload JSON" → header.payload.signature, signed with the registered key.
void signAndCheck(const QByteArray &input)
{
    const qsizetype newline = input.indexOf('\n');
    const QByteArray header = newline < 0 ? input : input.left(newline);
    const QByteArray payload = newline < 0 ? QByteArray() : input.mid(newline + 1);
    const QByteArray signingInput = Crypto::base64UrlEncode(header) + '.' + Crypto::base64UrlEncode(payload);
    const QByteArray signature = Crypto::signRs256(signingInput, QByteArray(registeredKeyPem));
    require(!signature.isEmpty(), "the registered key signs");
    check(signingInput + '.' + Crypto::base64UrlEncode(signature));
}

void parseJws(const QByteArray &compact)
{
    const QByteArrayList parts = compact.split('.');
    for (const QByteArray &part : parts) {
        // The decoder accepts only the canonical encoding, so that no two texts decode to the same bytes.
        const std::optional<QByteArray> decoded = Crypto::base64UrlDecode(part);
        if (decoded) {
            require(Crypto::base64UrlEncode(*decoded) == part, "base64url decoding is canonical");
        }
    }
    const std::optional<Crypto::Jwt> jwt = Crypto::Jwt::parse(compact);
    if (jwt) {
        require(parts.size() == 3, "a JWS has three parts");
        require(jwt->signingInput == parts.at(0) + '.' + parts.at(1), "the signing input is the text as received");
        // Whatever the signature bytes, verifying them is safe; only one as long as the key's modulus can verify.
        static const QByteArray registeredDer = Crypto::certificatePemToDer(QByteArray(registeredCertificatePem));
        for (auto algorithm : {Crypto::SignatureAlgorithm::RS256, Crypto::SignatureAlgorithm::PS256}) {
            const bool verified = Crypto::verifySignature(algorithm, jwt->signingInput, jwt->signature, registeredDer);
            require(!verified || jwt->signature.size() == 256, "only a 2048-bit signature verifies");
        }
    }
}

void inspect(const QByteArray &certificate)
{
    const std::optional<Crypto::CertificateInfo> info = Crypto::inspectCertificate(certificate);
    if (!info) {
        return;
    }
    require(!info->der.isEmpty(), "a certificate has its DER");
    require(info->sha1Thumbprint == Crypto::sha1(info->der) && info->sha256Thumbprint == Crypto::sha256(info->der),
            "the thumbprints are the hashes of the DER");
    const std::optional<Crypto::CertificateInfo> again = Crypto::inspectCertificate(info->der);
    require(again && again->der == info->der && again->subject == info->subject && again->notBefore == info->notBefore
                && again->notAfter == info->notAfter,
            "a certificate reads the same from its own DER");
    require(Crypto::certificatePemToDer(Crypto::certificateDerToPem(info->der)) == info->der,
            "DER survives the way through PEM");
    // What the applications API stores for it, and what the token endpoint then compares thumbprints with.
    Sandbox::makeKeyCredential(*info);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    M365::Fuzz::quietQtMessages();
    const M365::Fuzz::Selected input = M365::Fuzz::select(data, size);
    switch (Mode(input.choice(ModeCount))) {
    case AsSent:
        check(input.rest);
        break;
    case SignedHere:
        signAndCheck(input.rest);
        break;
    case CompactJws:
        parseJws(input.rest);
        break;
    case Certificate:
        inspect(input.rest);
        break;
    case ModeCount:
        break;
    }
    return 0;
}
