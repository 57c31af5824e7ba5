// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "certificatecredential.h"

#include "opensslsupport.h"

#include <QCryptographicHash>
#include <QLoggingCategory>

#include <cstring>
#include <ctime>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <utility>
#include <vector>

namespace M365::Identity {

using namespace Detail;

namespace {

Q_LOGGING_CATEGORY(lcIdentity, "m365.core.identity")

// Entra refuses RSA keys under 2048 bits for app credentials; the longest validity we offer is ten years.
constexpr int minimumKeyBits = 2048;
constexpr int maximumValidityDays = 3650;
// X.520 upper bound for a common name.
constexpr int maximumCommonNameLength = 64;

Error makeError(QLatin1String code, const QString &userMessage, const QString &details = {})
{
    return Error{QString(code), userMessage, details, {}};
}

QString subjectOf(X509 *certificate)
{
    return nameText(X509_get_subject_name(certificate));
}

/// Passes the caller's password to OpenSSL and records that one was asked for; never prompts on a terminal.
struct PasswordRequest
{
    QByteArray password;
    bool asked = false;
};

int passwordCallback(char *buffer, int size, int /*rwflag*/, void *userData)
{
    auto *request = static_cast<PasswordRequest *>(userData);
    request->asked = true;
    if (request->password.isEmpty() || request->password.size() > size) {
        return -1;
    }
    memcpy(buffer, request->password.constData(), size_t(request->password.size()));
    return int(request->password.size());
}

/*
 * A private OpenSSL library context with the default and (when installed) the legacy provider, made the calling
 * thread's default for as long as this object lives. OpenSSL 3 moved RC2 and friends, which most PFX files exported by
 * Windows before 2019 use, into the legacy provider; loading it into the global context would change what every other
 * OpenSSL user in the process (Qt's TLS among them) can negotiate, so PKCS#12 parsing runs in its own context instead.
 * Objects created while it is active must be freed before it is destroyed.
 */
class LegacyCapableContext
{
public:
    LegacyCapableContext()
        : m_context(OSSL_LIB_CTX_new())
    {
        if (!m_context) {
            return;
        }
        m_default = OSSL_PROVIDER_load(m_context, "default");
        m_legacy = OSSL_PROVIDER_load(m_context, "legacy");
        if (!m_legacy) {
            qCDebug(lcIdentity) << "OpenSSL's legacy provider is not available:" << takeOpenSslErrors().text;
        }
        m_previous = OSSL_LIB_CTX_set0_default(m_context);
    }
    ~LegacyCapableContext()
    {
        if (!m_context) {
            return;
        }
        OSSL_LIB_CTX_set0_default(m_previous);
        if (m_legacy) {
            OSSL_PROVIDER_unload(m_legacy);
        }
        if (m_default) {
            OSSL_PROVIDER_unload(m_default);
        }
        OSSL_LIB_CTX_free(m_context);
    }
    LegacyCapableContext(const LegacyCapableContext &) = delete;
    LegacyCapableContext &operator=(const LegacyCapableContext &) = delete;

    bool isValid() const { return m_context && m_default; }
    bool hasLegacy() const { return m_legacy; }

private:
    OSSL_LIB_CTX *m_context = nullptr;
    OSSL_LIB_CTX *m_previous = nullptr;
    OSSL_PROVIDER *m_default = nullptr;
    OSSL_PROVIDER *m_legacy = nullptr;
};

bool isUnsupportedAlgorithm(const OpenSslErrors &errors)
{
    return errors.hasAnyLibrary(ERR_R_UNSUPPORTED) || errors.has(ERR_LIB_EVP, EVP_R_UNSUPPORTED_ALGORITHM)
        || errors.has(ERR_LIB_EVP, EVP_R_UNSUPPORTED_CIPHER) || errors.has(ERR_LIB_EVP, EVP_R_UNKNOWN_CIPHER)
        || errors.has(ERR_LIB_EVP, EVP_R_UNSUPPORTED_PRIVATE_KEY_ALGORITHM)
        || errors.has(ERR_LIB_EVP, EVP_R_UNSUPPORTED_PRF)
        || errors.has(ERR_LIB_EVP, EVP_R_UNSUPPORTED_KEY_DERIVATION_FUNCTION);
}

Error unsupportedPfxError(bool legacyAvailable, const OpenSslErrors &errors)
{
    const QString userMessage = legacyAvailable
        ? CertificateCredential::tr("The PFX file is protected with an algorithm that OpenSSL cannot read. Export the "
                                    "certificate again with AES-256 encryption, or as a PEM certificate and key.")
        : CertificateCredential::tr("The PFX file is protected with an old algorithm (such as RC2) that needs "
                                    "OpenSSL's legacy provider, which is not installed. Export the certificate again "
                                    "with AES-256 encryption, or as a PEM certificate and key.");
    return makeError(CertificateCredential::UnsupportedAlgorithm,
                     userMessage,
                     QStringLiteral("PKCS#12: %1 (legacy provider %2)")
                         .arg(errors.text, legacyAvailable ? QStringLiteral("loaded") : QStringLiteral("missing")));
}

Error wrongPfxPasswordError(const OpenSslErrors &errors)
{
    return makeError(CertificateCredential::WrongPassword,
                     CertificateCredential::tr("The password for the PFX file is wrong. Enter the password that was "
                                               "chosen when the certificate was exported."),
                     QStringLiteral("PKCS#12: %1").arg(errors.text));
}

/*
 * The certificates and the first private key in a PKCS#12 file. Walked bag by bag rather than with PKCS12_parse(),
 * which in OpenSSL 3.0 refuses every file without a MAC unless the password is empty, and which reports a wrong
 * password and an unreadable algorithm alike.
 */
struct Pkcs12Contents
{
    PkeyPtr key;
    std::vector<X509Ptr> certificates;

    bool read(PKCS12 *p12, const char *password)
    {
        const int length = password ? -1 : 0;
        STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
        if (!safes) {
            return false;
        }
        bool ok = true;
        for (int i = 0; ok && i < sk_PKCS7_num(safes); ++i) {
            PKCS7 *safe = sk_PKCS7_value(safes, i);
            STACK_OF(PKCS12_SAFEBAG) *bags = nullptr;
            if (PKCS7_type_is_data(safe)) {
                bags = PKCS12_unpack_p7data(safe);
            } else if (PKCS7_type_is_encrypted(safe)) {
                bags = PKCS12_unpack_p7encdata(safe, password, length);
            } else {
                continue; // public-key enveloped safes are not used for PFX files in practice
            }
            ok = bags && readBags(bags, password, length);
            sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
        }
        sk_PKCS7_pop_free(safes, PKCS7_free);
        return ok;
    }

private:
    bool readBags(const STACK_OF(PKCS12_SAFEBAG) * bags, const char *password, int length)
    {
        for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
            const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
            switch (PKCS12_SAFEBAG_get_nid(bag)) {
            case NID_keyBag:
                if (!key) {
                    key.reset(EVP_PKCS82PKEY(PKCS12_SAFEBAG_get0_p8inf(bag)));
                    if (!key) {
                        return false;
                    }
                }
                break;
            case NID_pkcs8ShroudedKeyBag:
                if (!key) {
                    PKCS8_PRIV_KEY_INFO *info = PKCS12_decrypt_skey(bag, password, length);
                    key.reset(info ? EVP_PKCS82PKEY(info) : nullptr);
                    PKCS8_PRIV_KEY_INFO_free(info);
                    if (!key) {
                        return false;
                    }
                }
                break;
            case NID_certBag:
                if (PKCS12_SAFEBAG_get_bag_nid(bag) == NID_x509Certificate) {
                    X509Ptr certificate(PKCS12_SAFEBAG_get1_cert(bag));
                    if (!certificate) {
                        return false;
                    }
                    certificates.push_back(std::move(certificate));
                }
                break;
            case NID_safeContentsBag:
                if (!readBags(PKCS12_SAFEBAG_get0_safes(bag), password, length)) {
                    return false;
                }
                break;
            default:
                break; // CRLs, secrets: not ours to read
            }
        }
        return true;
    }
};

} // namespace

/*
 * Turns a checked OpenSSL certificate and key into the value type. Every public constructor funnels through here, so
 * the RSA and key-size rules and the key-matches-certificate check hold for every CertificateCredential there is.
 */
struct CertificateCredentialBuilder
{
    static Result<CertificateCredential> build(X509 *certificate, EVP_PKEY *key)
    {
        using R = Result<CertificateCredential>;
        EVP_PKEY *publicKey = X509_get0_pubkey(certificate);
        if (!publicKey || !EVP_PKEY_is_a(publicKey, "RSA") || !EVP_PKEY_is_a(key, "RSA")) {
            return R::failure(
                makeError(CertificateCredential::UnsupportedKey,
                          CertificateCredential::tr("The certificate does not use an RSA key. Microsoft "
                                                    "Entra app sign-in needs an RSA certificate; "
                                                    "create or request one with an RSA key."),
                          QStringLiteral("key type: %1").arg(QString::fromLatin1(EVP_PKEY_get0_type_name(key)))));
        }
        const int bits = EVP_PKEY_get_bits(key);
        if (bits < minimumKeyBits) {
            return R::failure(makeError(CertificateCredential::UnsupportedKey,
                                        CertificateCredential::tr("The certificate's key has %1 bits; Microsoft Entra "
                                                                  "needs at least %2. Create a new certificate.")
                                            .arg(bits)
                                            .arg(minimumKeyBits)));
        }
        if (X509_check_private_key(certificate, key) != 1) {
            return R::failure(makeError(CertificateCredential::KeyMismatch,
                                        CertificateCredential::tr("The private key does not belong to the "
                                                                  "certificate. Choose the key file that was created "
                                                                  "together with this certificate."),
                                        takeOpenSslErrors().text));
        }

        CertificateCredential credential;
        unsigned char *der = nullptr;
        const int derLength = i2d_X509(certificate, &der);
        if (derLength <= 0) {
            return R::failure(cryptoFailure(QStringLiteral("i2d_X509")));
        }
        credential.m_certificateDer = QByteArray(reinterpret_cast<const char *>(der), derLength);
        OPENSSL_free(der);

        BioPtr certificateBio(BIO_new(BIO_s_mem()));
        if (!certificateBio || PEM_write_bio_X509(certificateBio.get(), certificate) != 1) {
            return R::failure(cryptoFailure(QStringLiteral("PEM_write_bio_X509")));
        }
        credential.m_certificatePem = bioContents(certificateBio.get());

        // BIO_s_secmem keeps the key in OpenSSL's secure heap when the application set one up.
        BioPtr keyBio(BIO_new(BIO_s_secmem()));
        if (!keyBio || PEM_write_bio_PrivateKey(keyBio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
            return R::failure(cryptoFailure(QStringLiteral("PEM_write_bio_PrivateKey")));
        }
        credential.m_privateKeyPem = bioContents(keyBio.get());

        credential.m_subject = subjectOf(certificate);
        credential.m_notBefore = toDateTime(X509_get0_notBefore(certificate));
        credential.m_notAfter = toDateTime(X509_get0_notAfter(certificate));
        credential.m_sha1 = QCryptographicHash::hash(credential.m_certificateDer, QCryptographicHash::Sha1);
        credential.m_sha256 = QCryptographicHash::hash(credential.m_certificateDer, QCryptographicHash::Sha256);
        credential.m_keyBits = bits;
        return R::success(std::move(credential));
    }

    static Error cryptoFailure(const QString &step)
    {
        const QString details = step + QStringLiteral(": ") + takeOpenSslErrors().text;
        qCWarning(lcIdentity) << "OpenSSL failed:" << details;
        return makeError(CertificateCredential::CryptoFailure,
                         CertificateCredential::tr("The certificate could not be processed because of an internal "
                                                   "error in OpenSSL. Copy the details and report them."),
                         details);
    }
};

QString CertificateCredential::toHex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex().toUpper());
}

QString CertificateCredential::toBase64Url(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

Result<CertificateCredential>
CertificateCredential::generate(const QString &subjectCommonName, int validityDays, int keyBits)
{
    using R = Result<CertificateCredential>;
    const QString commonName = subjectCommonName.trimmed();
    if (commonName.isEmpty() || commonName.size() > maximumCommonNameLength) {
        return R::failure(makeError(InvalidArgument,
                                    tr("Enter a certificate name of 1 to %1 characters.").arg(maximumCommonNameLength),
                                    QStringLiteral("subject common name: '%1'").arg(subjectCommonName)));
    }
    if (validityDays < 1 || validityDays > maximumValidityDays) {
        return R::failure(makeError(InvalidArgument,
                                    tr("Choose a validity between 1 and %1 days.").arg(maximumValidityDays),
                                    QStringLiteral("validity days: %1").arg(validityDays)));
    }
    if (keyBits != 2048 && keyBits != 3072) {
        return R::failure(makeError(InvalidArgument,
                                    tr("Choose a key size of 2048 or 3072 bits."),
                                    QStringLiteral("key bits: %1").arg(keyBits)));
    }

    takeOpenSslErrors(); // start from a clean error queue so the details describe this call only
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(keyBits)));
    if (!key) {
        return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("EVP_PKEY_Q_keygen")));
    }

    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1) {
        return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("X509_new")));
    }

    // A positive 127-bit random serial (RFC 5280 4.1.2.2 allows up to 20 octets; at least 64 random bits advised).
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) {
        return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("RAND_bytes")));
    }
    serial[0] = (serial[0] & 0x7f) | 0x40;
    BignumPtr serialNumber(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!serialNumber || !BN_to_ASN1_INTEGER(serialNumber.get(), X509_get_serialNumber(certificate.get()))) {
        return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("serial number")));
    }

    X509_NAME *name = X509_get_subject_name(certificate.get());
    const QByteArray commonNameUtf8 = commonName.toUtf8();
    if (X509_NAME_add_entry_by_txt(name,
                                   "CN",
                                   MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(commonNameUtf8.constData()),
                                   int(commonNameUtf8.size()),
                                   -1,
                                   0)
            != 1
        || X509_set_issuer_name(certificate.get(), name) != 1) {
        return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("subject name")));
    }

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 end = now + qint64(validityDays) * 24 * 60 * 60;
    if (!ASN1_TIME_set(X509_getm_notBefore(certificate.get()), time_t(now))
        || !ASN1_TIME_set(X509_getm_notAfter(certificate.get()), time_t(end))
        || X509_set_pubkey(certificate.get(), key.get()) != 1) {
        return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("validity and public key")));
    }

    // An end-entity certificate for signing client assertions, nothing more.
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
    const std::pair<int, const char *> extensions[] = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
        {NID_ext_key_usage, "clientAuth"},
        {NID_subject_key_identifier, "hash"},
    };
    for (const auto &[nid, value] : extensions) {
        X509_EXTENSION *extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
        const bool added = extension && X509_add_ext(certificate.get(), extension, -1) == 1;
        X509_EXTENSION_free(extension);
        if (!added) {
            return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("extension %1").arg(nid)));
        }
    }

    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0) {
        return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("X509_sign")));
    }

    auto result = CertificateCredentialBuilder::build(certificate.get(), key.get());
    if (result.ok()) {
        qCInfo(lcIdentity) << "Generated a self-signed certificate" << result.value.subject() << keyBits << "bits,"
                           << "valid until" << result.value.notAfter().toString(Qt::ISODate) << "SHA-1 thumbprint"
                           << result.value.sha1ThumbprintHex();
    }
    return result;
}

Result<CertificateCredential> CertificateCredential::importPfx(const QByteArray &pfx, const QString &password)
{
    using R = Result<CertificateCredential>;
    takeOpenSslErrors();

    // The certificate and key leave the private context as DER and PEM, and are read again in the default one below.
    QByteArray certificateDer;
    QByteArray keyPem;
    {
        LegacyCapableContext context;
        if (!context.isValid()) {
            return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("OSSL_LIB_CTX")));
        }
        const auto *bytes = reinterpret_cast<const unsigned char *>(pfx.constData());
        Pkcs12Ptr p12(d2i_PKCS12(nullptr, &bytes, long(pfx.size())));
        if (!p12) {
            return R::failure(makeError(NotPfx,
                                        tr("The file is not a PFX (PKCS #12) file. Choose the .pfx or .p12 file that "
                                           "holds both the certificate and its private key."),
                                        QStringLiteral("d2i_PKCS12: %1").arg(takeOpenSslErrors().text)));
        }

        // An empty password is ambiguous in PKCS#12: tools write either an empty or an absent one. Try both.
        const QByteArray utf8 = password.toUtf8();
        QList<const char *> candidates{utf8.constData()};
        if (password.isEmpty()) {
            candidates.append(nullptr);
        }
        const bool hasMac = PKCS12_mac_present(p12.get()) == 1;
        if (hasMac) {
            // A MAC tells a wrong password apart from everything else before anything is decrypted. A mismatch
            // leaves no error in the queue; failing to compute the MAC at all (unknown digest) does.
            const char *verified = nullptr;
            bool matched = false;
            OpenSslErrors errors;
            for (const char *candidate : std::as_const(candidates)) {
                if (PKCS12_verify_mac(p12.get(), candidate, candidate ? -1 : 0) == 1) {
                    verified = candidate;
                    matched = true;
                    break;
                }
                errors = takeOpenSslErrors();
            }
            if (!matched) {
                if (errors.has(ERR_LIB_PKCS12, PKCS12_R_MAC_GENERATION_ERROR)) {
                    return R::failure(unsupportedPfxError(context.hasLegacy(), errors));
                }
                return R::failure(wrongPfxPasswordError(errors));
            }
            candidates = {verified};
        }

        Pkcs12Contents contents;
        OpenSslErrors errors;
        bool unpacked = false;
        for (const char *candidate : std::as_const(candidates)) {
            contents = Pkcs12Contents();
            if (contents.read(p12.get(), candidate)) {
                unpacked = true;
                break;
            }
            errors = takeOpenSslErrors();
        }
        if (!unpacked) {
            if (isUnsupportedAlgorithm(errors)) {
                return R::failure(unsupportedPfxError(context.hasLegacy(), errors));
            }
            if (!hasMac) {
                // Without a MAC, a wrong password shows only as data that does not decrypt.
                return R::failure(wrongPfxPasswordError(errors));
            }
            return R::failure(makeError(InvalidCertificate,
                                        tr("The PFX file is damaged or uses a format m365sync cannot read. Export the "
                                           "certificate again, or as a PEM certificate and key."),
                                        QStringLiteral("PKCS#12 contents: %1").arg(errors.text)));
        }
        if (!contents.key) {
            return R::failure(
                makeError(NoPrivateKey,
                          tr("The PFX file holds no private key. Export the certificate again and "
                             "include its private key."),
                          QStringLiteral("PKCS#12: %1 certificate(s), no key bag").arg(contents.certificates.size())));
        }
        X509 *certificate = nullptr;
        for (const auto &candidate : contents.certificates) {
            if (X509_check_private_key(candidate.get(), contents.key.get()) == 1) {
                certificate = candidate.get();
                break;
            }
        }
        takeOpenSslErrors();
        if (!certificate) {
            return R::failure(makeError(
                contents.certificates.empty() ? InvalidCertificate : KeyMismatch,
                tr("The PFX file holds no certificate for its private key. Export the "
                   "certificate again together with its private key."),
                QStringLiteral("PKCS#12: %1 certificate(s), none matches the key").arg(contents.certificates.size())));
        }

        unsigned char *der = nullptr;
        const int derLength = i2d_X509(certificate, &der);
        BioPtr keyBio(BIO_new(BIO_s_secmem()));
        if (derLength <= 0 || !keyBio
            || PEM_write_bio_PrivateKey(keyBio.get(), contents.key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
            OPENSSL_free(der);
            return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("PKCS#12 contents")));
        }
        certificateDer = QByteArray(reinterpret_cast<const char *>(der), derLength);
        OPENSSL_free(der);
        keyPem = bioContents(keyBio.get());
    }

    const auto *bytes = reinterpret_cast<const unsigned char *>(certificateDer.constData());
    X509Ptr certificate(d2i_X509(nullptr, &bytes, long(certificateDer.size())));
    BioPtr keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
    // An empty passphrase instead of a null one: OpenSSL's default callback would prompt on the terminal.
    PkeyPtr key(keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, const_cast<char *>("")) : nullptr);
    if (!certificate || !key) {
        return R::failure(CertificateCredentialBuilder::cryptoFailure(QStringLiteral("PKCS#12 re-read")));
    }
    return CertificateCredentialBuilder::build(certificate.get(), key.get());
}

Result<CertificateCredential> CertificateCredential::importPem(const QByteArray &certificatePem,
                                                               const QByteArray &privateKeyPem,
                                                               const QString &keyPassword)
{
    using R = Result<CertificateCredential>;
    takeOpenSslErrors();

    PasswordRequest request{keyPassword.toUtf8(), false};
    BioPtr keyBio(BIO_new_mem_buf(privateKeyPem.constData(), int(privateKeyPem.size())));
    PkeyPtr key(keyBio ? PEM_read_bio_PrivateKey_ex(keyBio.get(), nullptr, passwordCallback, &request, nullptr, nullptr)
                       : nullptr);
    if (!key) {
        const OpenSslErrors errors = takeOpenSslErrors();
        if (request.asked && keyPassword.isEmpty()) {
            return R::failure(makeError(KeyEncrypted,
                                        tr("The private key is protected with a password. Enter the key's password."),
                                        errors.text));
        }
        if (request.asked) {
            return R::failure(makeError(WrongPassword,
                                        tr("The password for the private key is wrong. Enter the password that "
                                           "protects the key file."),
                                        errors.text));
        }
        return R::failure(makeError(InvalidKey,
                                    tr("The key file does not hold a private key in PEM format. Choose the file that "
                                       "begins with \"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN RSA PRIVATE "
                                       "KEY-----\"."),
                                    errors.text));
    }

    // Accept a single certificate, a chain (the one matching the key wins), or DER as in a .cer file.
    std::vector<X509Ptr> certificates;
    if (certificatePem.contains("-----BEGIN")) {
        BioPtr bio(BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())));
        while (bio) {
            X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
            if (!certificate) {
                break;
            }
            certificates.push_back(std::move(certificate));
        }
    } else {
        const auto *bytes = reinterpret_cast<const unsigned char *>(certificatePem.constData());
        X509Ptr certificate(d2i_X509(nullptr, &bytes, long(certificatePem.size())));
        if (certificate) {
            certificates.push_back(std::move(certificate));
        }
    }
    const OpenSslErrors certificateErrors = takeOpenSslErrors(); // the end of the PEM stream leaves an error behind
    if (certificates.empty()) {
        return R::failure(makeError(InvalidCertificate,
                                    tr("The certificate file does not hold an X.509 certificate. Choose the .pem or "
                                       ".cer file of the certificate."),
                                    certificateErrors.text));
    }
    for (const auto &certificate : certificates) {
        if (X509_check_private_key(certificate.get(), key.get()) == 1) {
            return CertificateCredentialBuilder::build(certificate.get(), key.get());
        }
        takeOpenSslErrors();
    }
    // Reports KeyMismatch (or the RSA/size problem of the first certificate, which is the more useful message).
    return CertificateCredentialBuilder::build(certificates.front().get(), key.get());
}

} // namespace M365::Identity
