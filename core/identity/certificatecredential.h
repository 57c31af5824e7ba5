// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QLatin1String>
#include <QString>

namespace M365::Identity {

/*
 * The certificate an app registration signs in with, and its RSA private key.
 *
 * Microsoft recommends a certificate over a client secret for app-only sign-in; admins either let m365sync make a
 * self-signed one (generate()) and upload the public part to Entra (exportCer(), exportPem()), or bring the PFX or
 * PEM pair their PKI issued (importPfx(), importPem()). Every way in ends in the same checked state: an X.509
 * certificate with an RSA key of at least 2048 bits and the private key that belongs to it, so ClientAssertion never
 * has to second-guess what it signs with.
 *
 * privateKeyPem() is the one secret here. Callers put it in the keychain (Secrets::SecretStore) and nowhere else: not
 * in a profile, not in a log, not in a file m365sync writes. Nothing in this class logs it.
 *
 * A value type: cheap to copy (implicitly shared byte arrays), default-constructed means "no certificate".
 */
class CertificateCredential
{
    Q_DECLARE_TR_FUNCTIONS(M365::Identity::CertificateCredential)

public:
    /// Error codes in M365::Error::code, so callers can react (e.g. focus the password field) without parsing text.
    static constexpr QLatin1String InvalidArgument{"certificate.invalidArgument"};
    static constexpr QLatin1String NotPfx{"certificate.notPfx"}; ///< the bytes are not PKCS#12 at all
    static constexpr QLatin1String WrongPassword{"certificate.wrongPassword"}; ///< PFX or encrypted PEM key
    static constexpr QLatin1String UnsupportedAlgorithm{"certificate.unsupportedAlgorithm"}; ///< e.g. RC2 PFX
    static constexpr QLatin1String NoPrivateKey{"certificate.noPrivateKey"}; ///< PFX holds only certificates
    static constexpr QLatin1String InvalidCertificate{"certificate.invalidCertificate"};
    static constexpr QLatin1String InvalidKey{"certificate.invalidKey"};
    static constexpr QLatin1String KeyEncrypted{"certificate.keyEncrypted"}; ///< PEM key needs a password
    static constexpr QLatin1String UnsupportedKey{"certificate.unsupportedKey"}; ///< not RSA, or under 2048 bits
    static constexpr QLatin1String KeyMismatch{"certificate.keyMismatch"}; ///< key does not belong to certificate
    static constexpr QLatin1String CryptoFailure{"certificate.cryptoFailure"}; ///< OpenSSL failed unexpectedly

    CertificateCredential() = default;

    /// Makes a new RSA key (@p keyBits: 2048 or 3072) and a self-signed certificate for it, subject "CN=<name>",
    /// valid from now for @p validityDays (1 to 3650), signed with SHA-256, marked for client authentication.
    static Result<CertificateCredential>
    generate(const QString &subjectCommonName, int validityDays, int keyBits = 2048);

    /// Reads a PFX / PKCS#12 file holding the certificate and its private key. Modern files (AES-256, PBKDF2) and,
    /// where OpenSSL's legacy provider is installed, old ones (RC2-40, 3DES, as Windows exported them for years) are
    /// read without changing OpenSSL's state for the rest of the process. A wrong password, a file that is not a PFX
    /// and an algorithm OpenSSL cannot use give distinct errors (WrongPassword, NotPfx, UnsupportedAlgorithm).
    static Result<CertificateCredential> importPfx(const QByteArray &pfx, const QString &password);

    /// Reads a certificate (PEM, or DER as in a .cer file; the first of a chain that matches the key is taken) and
    /// an RSA private key in PEM (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"). An encrypted key is refused with
    /// KeyEncrypted unless @p keyPassword is given. The key must belong to the certificate.
    static Result<CertificateCredential>
    importPem(const QByteArray &certificatePem, const QByteArray &privateKeyPem, const QString &keyPassword = {});

    bool isNull() const { return m_certificateDer.isEmpty(); }

    /// The certificate in DER, as Entra's "Upload certificate" expects in a .cer file.
    QByteArray exportCer() const { return m_certificateDer; }
    /// The certificate alone in PEM. Never contains the private key.
    QByteArray exportPem() const { return m_certificatePem; }

    QByteArray certificateDer() const { return m_certificateDer; }
    QByteArray certificatePem() const { return m_certificatePem; }
    /// The private key, unencrypted PKCS#8 PEM. A secret: store it only through the keychain.
    QByteArray privateKeyPem() const { return m_privateKeyPem; }

    /// The subject in RFC 2253 form, e.g. "CN=m365sync Contoso".
    QString subject() const { return m_subject; }
    QDateTime notBefore() const { return m_notBefore; } ///< UTC
    QDateTime notAfter() const { return m_notAfter; } ///< UTC
    /// RSA modulus size in bits.
    int keyBits() const { return m_keyBits; }

    /// Raw digests of the DER certificate: 20 bytes (SHA-1, what the Entra portal shows) and 32 bytes (SHA-256).
    QByteArray sha1Thumbprint() const { return m_sha1; }
    QByteArray sha256Thumbprint() const { return m_sha256; }
    /// Upper-case hex without separators, as the Entra portal and AADSTS700027 messages print thumbprints.
    QString sha1ThumbprintHex() const { return toHex(m_sha1); }
    QString sha256ThumbprintHex() const { return toHex(m_sha256); }
    /// base64url without padding, as the JWT headers "x5t" and "x5t#S256" carry them (RFC 7515 4.1.7, 4.1.8).
    QString sha1ThumbprintBase64Url() const { return toBase64Url(m_sha1); }
    QString sha256ThumbprintBase64Url() const { return toBase64Url(m_sha256); }

    static QString toHex(const QByteArray &bytes);
    static QString toBase64Url(const QByteArray &bytes);

private:
    friend struct CertificateCredentialBuilder;

    QByteArray m_certificateDer;
    QByteArray m_certificatePem;
    QByteArray m_privateKeyPem;
    QString m_subject;
    QDateTime m_notBefore;
    QDateTime m_notAfter;
    QByteArray m_sha1;
    QByteArray m_sha256;
    int m_keyBits = 0;
};

} // namespace M365::Identity
