// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandboxcrypto.h"

#include <QByteArrayList>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLoggingCategory>

#include <ctime>
#include <initializer_list>
#include <memory>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <utility>

namespace M365::Sandbox::Crypto {

namespace {

Q_LOGGING_CATEGORY(lcSandboxCrypto, "m365.sandbox.crypto")

/*
 * Ownership of OpenSSL objects. Every handle lives in one of these from the moment it is created, so an early
 * return on any failure frees everything that was allocated so far.
 */
template <auto FreeFunction> struct OpenSslDeleter
{
    template <typename T> void operator()(T *object) const { FreeFunction(object); }
};

using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using MdContextPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using PkeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;

/*
 * OpenSSL reports failures on a per-thread error queue that it shares with every other user of libcrypto in the
 * process, Qt's TLS backend included. An entry left behind by a failed verification here could later be read as
 * the cause of an unrelated TLS failure, so each public function drains the queue before it returns, logging what
 * it finds for whoever debugs the sandbox.
 */
class ErrorQueueGuard
{
public:
    explicit ErrorQueueGuard(const char *operation)
        : m_operation(operation)
    {}
    ~ErrorQueueGuard()
    {
        unsigned long code = 0;
        while ((code = ERR_get_error()) != 0) {
            char text[256];
            ERR_error_string_n(code, text, sizeof text);
            qCDebug(lcSandboxCrypto, "%s: %s", m_operation, text);
        }
    }
    ErrorQueueGuard(const ErrorQueueGuard &) = delete;
    ErrorQueueGuard &operator=(const ErrorQueueGuard &) = delete;

private:
    const char *m_operation;
};

/// Refuses to prompt on the terminal for the passphrase of an encrypted PEM key (OpenSSL's default callback would).
int noPassphrase(char *, int, int, void *)
{
    return -1;
}

/// A read-only memory BIO over @p data; @p data must outlive it.
BioPtr readBio(const QByteArray &data)
{
    return BioPtr(BIO_new_mem_buf(data.constData(), int(data.size())));
}

BioPtr writeBio()
{
    return BioPtr(BIO_new(BIO_s_mem()));
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    if (size <= 0 || !data) {
        return {};
    }
    return QByteArray(data, qsizetype(size));
}

QByteArray digest(const EVP_MD *md, const QByteArray &data)
{
    ErrorQueueGuard guard("digest");
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int length = 0;
    if (EVP_Digest(
            data.constData(), size_t(data.size()), reinterpret_cast<unsigned char *>(out.data()), &length, md, nullptr)
        != 1) {
        return {};
    }
    out.truncate(int(length));
    return out;
}

bool isRsaKey(const EVP_PKEY *key)
{
    return key && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
}

/// Parses a whole DER certificate; trailing bytes make it invalid rather than being ignored.
X509Ptr parseDer(const QByteArray &der)
{
    if (der.isEmpty()) {
        return {};
    }
    auto *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    const unsigned char *const end = cursor + der.size();
    X509Ptr certificate(d2i_X509(nullptr, &cursor, long(der.size())));
    if (!certificate || cursor != end) {
        return {};
    }
    return certificate;
}

X509Ptr parsePem(const QByteArray &pem)
{
    BioPtr bio = readBio(pem);
    if (!bio) {
        return {};
    }
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr));
}

QByteArray toDer(X509 *certificate)
{
    const int length = i2d_X509(certificate, nullptr);
    if (length <= 0) {
        return {};
    }
    QByteArray der(length, Qt::Uninitialized);
    auto *cursor = reinterpret_cast<unsigned char *>(der.data());
    if (i2d_X509(certificate, &cursor) != length) {
        return {};
    }
    return der;
}

QByteArray toPem(X509 *certificate)
{
    BioPtr bio = writeBio();
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
        return {};
    }
    return bioContents(bio.get());
}

PkeyPtr readPrivateKey(const QByteArray &pem)
{
    BioPtr bio = readBio(pem);
    if (!bio) {
        return {};
    }
    return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
}

/// PKCS#8, unencrypted: OpenSSL 3 writes "BEGIN PRIVATE KEY" for PEM_write_bio_PrivateKey.
QByteArray privateKeyPem(EVP_PKEY *key)
{
    BioPtr bio = writeBio();
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        return {};
    }
    return bioContents(bio.get());
}

PkeyPtr generateRsaKey(int bits)
{
    PkeyContextPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!context || EVP_PKEY_keygen_init(context.get()) != 1
        || EVP_PKEY_CTX_set_rsa_keygen_bits(context.get(), bits) != 1) {
        return {};
    }
    EVP_PKEY *key = nullptr;
    if (EVP_PKEY_generate(context.get(), &key) != 1) {
        return {};
    }
    return PkeyPtr(key);
}

/// The one-line RFC 2253 form, e.g. "CN=leaf,O=Example", with non-ASCII characters kept as UTF-8 (RFC 2253
/// section 2.4 only requires escaping of special characters) instead of OpenSSL's default "\C3\A9" hex escapes.
QString nameToString(const X509_NAME *name)
{
    BioPtr bio = writeBio();
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        return {};
    }
    return QString::fromUtf8(bioContents(bio.get()));
}

std::optional<qint64> toEpochSeconds(const ASN1_TIME *time)
{
    std::tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) {
        return std::nullopt;
    }
    const QDate date(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday);
    const QTime clock(parts.tm_hour, parts.tm_min, parts.tm_sec);
    if (!date.isValid() || !clock.isValid()) {
        return std::nullopt;
    }
    return QDateTime(date, clock, Qt::UTC).toSecsSinceEpoch();
}

bool setCommonName(X509_NAME *name, const QString &commonName)
{
    const QByteArray utf8 = commonName.toUtf8();
    if (utf8.isEmpty()) {
        return false;
    }
    return X509_NAME_add_entry_by_txt(name,
                                      "CN",
                                      MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(utf8.constData()),
                                      int(utf8.size()),
                                      -1,
                                      0)
        == 1;
}

/// A positive random serial of up to 159 bits, as `openssl req -x509` and RFC 5280 section 4.1.2.2 suggest.
bool setRandomSerial(X509 *certificate)
{
    unsigned char bytes[20];
    if (RAND_bytes(bytes, int(sizeof bytes)) != 1) {
        return false;
    }
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01; // never zero, and the DER encoding stays within 20 octets
    BignumPtr serial(BN_bin2bn(bytes, int(sizeof bytes), nullptr));
    return serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) != nullptr;
}

/// Adds an extension written in openssl.cnf syntax; the context names the issuer for authorityKeyIdentifier.
bool addExtension(X509 *certificate, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

struct Extension
{
    int nid;
    const char *value;
};

/**
 * A v3 certificate for @p subjectKey named CN=@p commonName, valid from now for @p validDays, signed with SHA-256
 * by @p issuerKey. A null @p issuer makes it self-signed. Extensions are added in order, so ones that refer to the
 * certificate's own subjectKeyIdentifier must come after it.
 */
X509Ptr makeCertificate(EVP_PKEY *subjectKey,
                        const QString &commonName,
                        long validDays,
                        X509 *issuer,
                        EVP_PKEY *issuerKey,
                        std::initializer_list<Extension> extensions)
{
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1
        || !setRandomSerial(certificate.get())) {
        return {};
    }
    if (!setCommonName(X509_get_subject_name(certificate.get()), commonName)) {
        return {};
    }
    const X509_NAME *issuerName = issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(certificate.get());
    if (X509_set_issuer_name(certificate.get(), issuerName) != 1) {
        return {};
    }
    if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0)
        || !X509_time_adj_ex(X509_getm_notAfter(certificate.get()), int(validDays), 0, nullptr)) {
        return {};
    }
    if (X509_set_pubkey(certificate.get(), subjectKey) != 1) {
        return {};
    }
    X509 *extensionIssuer = issuer ? issuer : certificate.get();
    for (const Extension &extension : extensions) {
        if (!addExtension(certificate.get(), extensionIssuer, extension.nid, extension.value)) {
            return {};
        }
    }
    if (X509_sign(certificate.get(), issuerKey, EVP_sha256()) <= 0) {
        return {};
    }
    return certificate;
}

bool isBase64UrlCharacter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::optional<QJsonObject> decodeJsonObject(const QByteArray &part)
{
    const std::optional<QByteArray> json = base64UrlDecode(part);
    if (!json) {
        return std::nullopt;
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(*json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        return std::nullopt;
    }
    return document.object();
}

} // namespace

QByteArray base64UrlEncode(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

/*
 * Beyond the alphabet, the decoder insists on the canonical encoding (RFC 4648 section 3.5): a length of 1 modulo 4
 * cannot come from any input, and the bits of the last character beyond the final byte must be zero, which holds
 * exactly when encoding the result gives back the text. Otherwise several texts would decode to the same bytes.
 */
std::optional<QByteArray> base64UrlDecode(const QByteArray &text)
{
    const qsizetype remainder = text.size() % 4;
    if (remainder == 1) {
        return std::nullopt;
    }
    for (const char c : text) {
        if (!isBase64UrlCharacter(c)) {
            return std::nullopt;
        }
    }
    QByteArray::FromBase64Result result =
        QByteArray::fromBase64Encoding(text, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result || base64UrlEncode(result.decoded) != text) {
        return std::nullopt;
    }
    return std::move(result.decoded);
}

QByteArray sha1(const QByteArray &data)
{
    return digest(EVP_sha1(), data);
}

QByteArray sha256(const QByteArray &data)
{
    return digest(EVP_sha256(), data);
}

std::optional<Jwt> Jwt::parse(const QByteArray &compact)
{
    const QByteArrayList parts = compact.split('.');
    if (parts.size() != 3) {
        return std::nullopt;
    }
    std::optional<QJsonObject> header = decodeJsonObject(parts.at(0));
    std::optional<QJsonObject> payload = decodeJsonObject(parts.at(1));
    std::optional<QByteArray> signature = base64UrlDecode(parts.at(2));
    if (!header || !payload || !signature) {
        return std::nullopt;
    }
    Jwt jwt;
    jwt.header = std::move(*header);
    jwt.payload = std::move(*payload);
    jwt.signingInput = parts.at(0) + '.' + parts.at(1);
    jwt.signature = std::move(*signature);
    return jwt;
}

bool verifySignature(SignatureAlgorithm algorithm,
                     const QByteArray &signingInput,
                     const QByteArray &signature,
                     const QByteArray &certificateDer)
{
    ErrorQueueGuard guard("verifySignature");
    if (signature.isEmpty()) {
        return false;
    }
    const X509Ptr certificate = parseDer(certificateDer);
    if (!certificate) {
        return false;
    }
    EVP_PKEY *publicKey = X509_get0_pubkey(certificate.get()); // owned by the certificate
    if (!isRsaKey(publicKey)) {
        return false;
    }
    MdContextPtr context(EVP_MD_CTX_new());
    EVP_PKEY_CTX *keyContext = nullptr; // owned by context
    if (!context || EVP_DigestVerifyInit(context.get(), &keyContext, EVP_sha256(), nullptr, publicKey) != 1) {
        return false;
    }
    switch (algorithm) {
    case SignatureAlgorithm::RS256:
        if (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) != 1) {
            return false;
        }
        break;
    case SignatureAlgorithm::PS256:
        if (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, EVP_sha256()) != 1) {
            return false;
        }
        break;
    }
    return EVP_DigestVerify(context.get(),
                            reinterpret_cast<const unsigned char *>(signature.constData()),
                            size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(signingInput.constData()),
                            size_t(signingInput.size()))
        == 1;
}

QByteArray signRs256(const QByteArray &signingInput, const QByteArray &privateKeyPem)
{
    ErrorQueueGuard guard("signRs256");
    const PkeyPtr key = readPrivateKey(privateKeyPem);
    if (!isRsaKey(key.get())) {
        return {};
    }
    MdContextPtr context(EVP_MD_CTX_new());
    EVP_PKEY_CTX *keyContext = nullptr; // owned by context
    if (!context || EVP_DigestSignInit(context.get(), &keyContext, EVP_sha256(), nullptr, key.get()) != 1
        || EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) != 1) {
        return {};
    }
    const auto *input = reinterpret_cast<const unsigned char *>(signingInput.constData());
    size_t length = 0;
    if (EVP_DigestSign(context.get(), nullptr, &length, input, size_t(signingInput.size())) != 1) {
        return {};
    }
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(context.get(),
                       reinterpret_cast<unsigned char *>(signature.data()),
                       &length,
                       input,
                       size_t(signingInput.size()))
        != 1) {
        return {};
    }
    signature.truncate(qsizetype(length));
    return signature;
}

QByteArray makeJwt(const QJsonObject &extraHeader, const QJsonObject &payload, const QByteArray &privateKeyPem)
{
    QJsonObject header = extraHeader;
    header.insert(QStringLiteral("alg"), QStringLiteral("RS256"));
    header.insert(QStringLiteral("typ"), QStringLiteral("JWT"));
    const QByteArray signingInput = base64UrlEncode(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64UrlEncode(QJsonDocument(payload).toJson(QJsonDocument::Compact));
    const QByteArray signature = signRs256(signingInput, privateKeyPem);
    if (signature.isEmpty()) {
        return {};
    }
    return signingInput + '.' + base64UrlEncode(signature);
}

QByteArray generateRsaKeyPem(int bits)
{
    ErrorQueueGuard guard("generateRsaKeyPem");
    const PkeyPtr key = generateRsaKey(bits);
    if (!key) {
        return {};
    }
    return privateKeyPem(key.get());
}

QByteArray certificatePemToDer(const QByteArray &pem)
{
    ErrorQueueGuard guard("certificatePemToDer");
    const X509Ptr certificate = parsePem(pem);
    if (!certificate) {
        return {};
    }
    return toDer(certificate.get());
}

QByteArray certificateDerToPem(const QByteArray &der)
{
    ErrorQueueGuard guard("certificateDerToPem");
    const X509Ptr certificate = parseDer(der);
    if (!certificate) {
        return {};
    }
    return toPem(certificate.get());
}

std::optional<CertificateInfo> inspectCertificate(const QByteArray &derOrPem)
{
    ErrorQueueGuard guard("inspectCertificate");
    const X509Ptr certificate = derOrPem.contains("-----BEGIN") ? parsePem(derOrPem) : parseDer(derOrPem);
    if (!certificate || !isRsaKey(X509_get0_pubkey(certificate.get()))) {
        return std::nullopt;
    }
    const std::optional<qint64> notBefore = toEpochSeconds(X509_get0_notBefore(certificate.get()));
    const std::optional<qint64> notAfter = toEpochSeconds(X509_get0_notAfter(certificate.get()));
    CertificateInfo info;
    info.der = toDer(certificate.get());
    info.subject = nameToString(X509_get_subject_name(certificate.get()));
    if (info.der.isEmpty() || !notBefore || !notAfter) {
        return std::nullopt;
    }
    info.notBefore = *notBefore;
    info.notAfter = *notAfter;
    info.sha1Thumbprint = sha1(info.der);
    info.sha256Thumbprint = sha256(info.der);
    const EVP_PKEY *publicKey = X509_get0_pubkey(certificate.get()); // owned by the certificate
    for (const auto &[name, target] :
         {std::pair{OSSL_PKEY_PARAM_RSA_N, &info.rsaModulus}, std::pair{OSSL_PKEY_PARAM_RSA_E, &info.rsaExponent}}) {
        BIGNUM *raw = nullptr;
        if (EVP_PKEY_get_bn_param(publicKey, name, &raw) != 1) {
            return std::nullopt;
        }
        const BignumPtr number(raw);
        target->resize(BN_num_bytes(number.get()));
        BN_bn2bin(number.get(), reinterpret_cast<unsigned char *>(target->data()));
    }
    return info;
}

/*
 * The sandbox serves HTTPS on loopback with a private CA, so a client under test trusts exactly that CA (and not
 * a self-signed leaf), the same shape as trusting a real tenant's public chain. The server certificate follows the
 * CA/Browser Forum profile that Qt's and browsers' verifiers expect: a subjectAltName (the common name alone is not
 * checked), serverAuth, and no CA bit.
 */
TlsMaterial makeLoopbackTls(const QString &caCommonName)
{
    ErrorQueueGuard guard("makeLoopbackTls");
    constexpr long caValidDays = 10 * 365 + 2; // ten years, leap days included
    constexpr long serverValidDays = 2 * 365;

    const PkeyPtr caKey = generateRsaKey(2048);
    const PkeyPtr serverKey = generateRsaKey(2048);
    if (!caKey || !serverKey) {
        return {};
    }
    const X509Ptr ca = makeCertificate(caKey.get(),
                                       caCommonName,
                                       caValidDays,
                                       nullptr,
                                       caKey.get(),
                                       {
                                           {NID_basic_constraints, "critical,CA:TRUE"},
                                           {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                           {NID_subject_key_identifier, "hash"},
                                       });
    if (!ca) {
        return {};
    }
    const X509Ptr server = makeCertificate(serverKey.get(),
                                           QStringLiteral("localhost"),
                                           serverValidDays,
                                           ca.get(),
                                           caKey.get(),
                                           {
                                               {NID_basic_constraints, "critical,CA:FALSE"},
                                               {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                                               {NID_ext_key_usage, "serverAuth"},
                                               {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
                                               {NID_subject_key_identifier, "hash"},
                                               {NID_authority_key_identifier, "keyid:always"},
                                           });
    if (!server) {
        return {};
    }
    TlsMaterial material;
    material.caCertificatePem = toPem(ca.get());
    material.serverCertificatePem = toPem(server.get());
    material.serverKeyPem = privateKeyPem(serverKey.get());
    if (material.caCertificatePem.isEmpty() || material.serverCertificatePem.isEmpty()
        || material.serverKeyPem.isEmpty()) {
        return {};
    }
    return material;
}

/*
 * Matches what OpenSSL 3's `openssl req -x509 -newkey rsa:<bits> -subj /CN=<name> -days <n>` writes with the
 * default configuration: a v3 certificate with subjectKeyIdentifier, authorityKeyIdentifier and a critical
 * basicConstraints CA:TRUE. Returns empty members when @p validDays is not positive or generation fails.
 */
SelfSignedCertificate makeSelfSignedCertificate(const QString &commonName, int validDays, int bits)
{
    ErrorQueueGuard guard("makeSelfSignedCertificate");
    if (validDays <= 0) {
        return {};
    }
    const PkeyPtr key = generateRsaKey(bits);
    if (!key) {
        return {};
    }
    const X509Ptr certificate = makeCertificate(key.get(),
                                                commonName,
                                                validDays,
                                                nullptr,
                                                key.get(),
                                                {
                                                    {NID_subject_key_identifier, "hash"},
                                                    {NID_authority_key_identifier, "keyid:always"},
                                                    {NID_basic_constraints, "critical,CA:TRUE"},
                                                });
    if (!certificate) {
        return {};
    }
    SelfSignedCertificate result;
    result.certificatePem = toPem(certificate.get());
    result.privateKeyPem = privateKeyPem(key.get());
    if (result.certificatePem.isEmpty() || result.privateKeyPem.isEmpty()) {
        return {};
    }
    return result;
}

} // namespace M365::Sandbox::Crypto
