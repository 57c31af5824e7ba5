// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clientassertion.h"

#include "opensslsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUuid>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace M365::Identity {

using namespace Detail;

namespace {

Q_LOGGING_CATEGORY(lcIdentity, "m365.core.identity")

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Error signingError(const QString &step)
{
    const QString details = step + QStringLiteral(": ") + takeOpenSslErrors().text;
    qCWarning(lcIdentity) << "Signing the client assertion failed:" << details;
    return Error{QString(ClientAssertion::SigningFailed),
                 ClientAssertion::tr("The sign-in request could not be signed with the certificate's private key. "
                                     "Import the certificate and its key again; if that does not help, copy the "
                                     "details and report them."),
                 details,
                 {}};
}

/// The EVP signature over @p input: RSASSA-PSS (salt length = digest length, MGF1 with SHA-256) or PKCS#1 v1.5.
Result<QByteArray> rsaSign(EVP_PKEY *key, ClientAssertion::Algorithm algorithm, const QByteArray &input)
{
    using R = Result<QByteArray>;
    MdContextPtr context(EVP_MD_CTX_new());
    EVP_PKEY_CTX *keyContext = nullptr; // owned by context
    if (!context || EVP_DigestSignInit(context.get(), &keyContext, EVP_sha256(), nullptr, key) != 1) {
        return R::failure(signingError(QStringLiteral("EVP_DigestSignInit")));
    }
    if (algorithm == ClientAssertion::Algorithm::PS256) {
        if (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) <= 0
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) <= 0
            || EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, EVP_sha256()) <= 0) {
            return R::failure(signingError(QStringLiteral("PSS parameters")));
        }
    } else if (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) <= 0) {
        return R::failure(signingError(QStringLiteral("PKCS#1 v1.5 padding")));
    }
    const auto *data = reinterpret_cast<const unsigned char *>(input.constData());
    size_t length = 0;
    if (EVP_DigestSign(context.get(), nullptr, &length, data, size_t(input.size())) != 1) {
        return R::failure(signingError(QStringLiteral("EVP_DigestSign (length)")));
    }
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(
            context.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, data, size_t(input.size()))
        != 1) {
        return R::failure(signingError(QStringLiteral("EVP_DigestSign")));
    }
    signature.truncate(qsizetype(length));
    return R::success(signature);
}

} // namespace

ClientAssertion::ClientAssertion(CertificateCredential credential, QString clientId)
    : m_credential(std::move(credential))
    , m_clientId(std::move(clientId))
    , m_clock(&QDateTime::currentDateTimeUtc)
{}

void ClientAssertion::setClock(Clock clock)
{
    m_clock = clock ? std::move(clock) : Clock(&QDateTime::currentDateTimeUtc);
}

QString ClientAssertion::algorithmName(Algorithm algorithm)
{
    switch (algorithm) {
    case Algorithm::PS256:
        return QStringLiteral("PS256");
    case Algorithm::RS256:
        return QStringLiteral("RS256");
    }
    return {};
}

Result<QByteArray> ClientAssertion::sign(const QString &audience) const
{
    using R = Result<QByteArray>;
    if (m_credential.isNull() || m_credential.privateKeyPem().isEmpty()) {
        return R::failure(Error{QString(NoCertificate),
                                tr("No certificate is set up for this connection. Generate or import a certificate "
                                   "first."),
                                QStringLiteral("ClientAssertion without a credential"),
                                {}});
    }
    if (m_clientId.trimmed().isEmpty() || audience.trimmed().isEmpty()) {
        return R::failure(Error{QString(InvalidArgument),
                                tr("The application (client) ID or the sign-in address is missing. Check the "
                                   "connection settings."),
                                QStringLiteral("client id '%1', audience '%2'").arg(m_clientId, audience),
                                {}});
    }
    if (m_lifetime.count() < 1 || m_lifetime > maximumLifetime) {
        return R::failure(Error{QString(InvalidArgument),
                                tr("The sign-in request's lifetime must be between 1 second and %n minute(s).",
                                   nullptr,
                                   int(std::chrono::duration_cast<std::chrono::minutes>(maximumLifetime).count())),
                                QStringLiteral("lifetime %1 s").arg(m_lifetime.count()),
                                {}});
    }

    const bool pss = m_algorithm == Algorithm::PS256;
    const QJsonObject header{
        {QStringLiteral("alg"), algorithmName(m_algorithm)},
        {QStringLiteral("typ"), QStringLiteral("JWT")},
        {pss ? QStringLiteral("x5t#S256") : QStringLiteral("x5t"),
         pss ? m_credential.sha256ThumbprintBase64Url() : m_credential.sha1ThumbprintBase64Url()},
    };
    const qint64 now = m_clock().toSecsSinceEpoch();
    const QJsonObject claims{
        {QStringLiteral("aud"), audience},
        {QStringLiteral("iss"), m_clientId},
        {QStringLiteral("sub"), m_clientId},
        {QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
        {QStringLiteral("nbf"), now},
        {QStringLiteral("iat"), now},
        {QStringLiteral("exp"), now + qint64(m_lifetime.count())},
    };
    const QByteArray signingInput = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));

    takeOpenSslErrors();
    const QByteArray keyPem = m_credential.privateKeyPem();
    BioPtr bio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
    // No password callback may prompt: the stored key is unencrypted, and anything else is an error.
    PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char *>("")) : nullptr);
    if (!key) {
        return R::failure(signingError(QStringLiteral("reading the private key")));
    }
    const Result<QByteArray> signature = rsaSign(key.get(), m_algorithm, signingInput);
    if (!signature.ok()) {
        return R::failure(signature.error);
    }
    qCDebug(lcIdentity) << "Signed a" << algorithmName(m_algorithm) << "client assertion for" << m_clientId
                        << "with certificate" << m_credential.sha1ThumbprintHex() << "audience" << audience;
    return R::success(signingInput + '.' + base64Url(signature.value));
}

} // namespace M365::Identity
