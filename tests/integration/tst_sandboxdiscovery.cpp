// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// OpenID Connect discovery on the sandbox tenant as a client that is not ours uses it: fetch
// /{tenant}/v2.0/.well-known/openid-configuration, follow its jwks_uri, and check the signatures of the access tokens
// the sandbox issues (client credentials and delegated) with the published key. The RSA key is built from the JWK's
// "n" and "e" with OpenSSL here, never with the sandbox's own crypto code, so that a wrong encoding cannot hide on
// both sides.

#include "sandboxfixture.h"
#include "sandboxtenant.h"
#include "signinbrowser.h"
#include "tenantstate.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>
#include <QUrlQuery>

#include <memory>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/x509.h>

using M365::Sandbox::SandboxTenant;
using M365::Sandbox::TenantState;

namespace {

QByteArray fromBase64Url(const QString &text)
{
    return QByteArray::fromBase64(text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

struct PkeyFree
{
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

/// An RSA public key from a JWK's modulus and exponent (big-endian bytes), as a JOSE library builds it.
Pkey rsaKeyFromJwk(const QByteArray &modulus, const QByteArray &exponent)
{
    BIGNUM *n = BN_bin2bn(reinterpret_cast<const unsigned char *>(modulus.constData()), int(modulus.size()), nullptr);
    BIGNUM *e = BN_bin2bn(reinterpret_cast<const unsigned char *>(exponent.constData()), int(exponent.size()), nullptr);
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = nullptr;
    EVP_PKEY *key = nullptr;
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    if (n && e && builder && context && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n) == 1
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e) == 1
        && (params = OSSL_PARAM_BLD_to_param(builder)) != nullptr && EVP_PKEY_fromdata_init(context) == 1) {
        if (EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
            key = nullptr;
        }
    }
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    BN_free(n);
    BN_free(e);
    return Pkey(key);
}

/// RS256: RSASSA-PKCS1-v1_5 with SHA-256 over "header.payload".
bool verifyRs256(EVP_PKEY *key, const QByteArray &jwt)
{
    const QList<QByteArray> parts = jwt.split('.');
    if (parts.size() != 3 || !key) {
        return false;
    }
    const QByteArray input = parts.at(0) + '.' + parts.at(1);
    const QByteArray signature = fromBase64Url(QString::fromLatin1(parts.at(2)));
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    const bool ok = context && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key) == 1
        && EVP_DigestVerify(context,
                            reinterpret_cast<const unsigned char *>(signature.constData()),
                            size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(input.constData()),
                            size_t(input.size()))
            == 1;
    EVP_MD_CTX_free(context);
    ERR_clear_error(); // a failed verification leaves its reason on the thread's queue, which the sandbox shares
    return ok;
}

QJsonObject jwtHeader(const QString &token)
{
    return QJsonDocument::fromJson(fromBase64Url(token.section(QLatin1Char('.'), 0, 0))).object();
}

} // namespace

class TestSandboxDiscovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void configurationDocument_data();
    void configurationDocument();
    void unknownTenantIsRefused_data();
    void unknownTenantIsRefused();
    void signingKeys();
    void tokensVerifyWithThePublishedKey_data();
    void tokensVerifyWithThePublishedKey();

private:
    /// A delegated token from the authorization-code flow, signed in as the demo admin through the sign-in page.
    QString delegatedToken();
    QJsonObject configuration(const QString &tenant);
    QJsonArray keysOf(const QJsonObject &configuration);

    std::unique_ptr<SandboxFixture> m_sandbox;
    SignInBrowser m_browser;
};

void TestSandboxDiscovery::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
}

QJsonObject TestSandboxDiscovery::configuration(const QString &tenant)
{
    const SandboxFixture::Reply reply =
        m_sandbox->send("GET", QLatin1Char('/') + tenant + QStringLiteral("/v2.0/.well-known/openid-configuration"));
    if (reply.status != 200) {
        qWarning() << "openid-configuration" << tenant << reply.status << reply.body;
        return {};
    }
    return reply.json;
}

QJsonArray TestSandboxDiscovery::keysOf(const QJsonObject &configuration)
{
    const QUrl jwksUri(configuration.value(QLatin1String("jwks_uri")).toString());
    if (!jwksUri.toString().startsWith(m_sandbox->baseUrl() + QLatin1Char('/'))) {
        qWarning() << "jwks_uri is not on the sandbox:" << jwksUri;
        return {};
    }
    const SandboxFixture::Reply reply = m_sandbox->send("GET", jwksUri.path());
    return reply.status == 200 ? reply.json.value(QLatin1String("keys")).toArray() : QJsonArray();
}

void TestSandboxDiscovery::configurationDocument_data()
{
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<QString>("endpointSegment"); ///< empty: the tenant id
    QTest::addColumn<bool>("alias");
    QTest::newRow("tenant id") << QString() << QString() << false;
    QTest::newRow("verified domain") << QStringLiteral("contoso.onmicrosoft.com") << QString() << false;
    QTest::newRow("organizations") << QStringLiteral("organizations") << QStringLiteral("organizations") << true;
    QTest::newRow("common") << QStringLiteral("common") << QStringLiteral("common") << true;
}

void TestSandboxDiscovery::configurationDocument()
{
    QFETCH(QString, tenant);
    QFETCH(QString, endpointSegment);
    QFETCH(bool, alias);
    const QString tid = m_sandbox->tenantId();
    const QString base = m_sandbox->baseUrl();
    const SandboxFixture::Reply reply = m_sandbox->send("GET",
                                                        QLatin1Char('/') + (tenant.isEmpty() ? tid : tenant)
                                                            + QStringLiteral("/v2.0/.well-known/openid-configuration"));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("content-type").startsWith("application/json"));
    const QJsonObject config = reply.json;
    const QString root = base + QLatin1Char('/') + (endpointSegment.isEmpty() ? tid : endpointSegment);

    QCOMPARE(config.value(QLatin1String("issuer")).toString(),
             base + (alias ? QStringLiteral("/{tenantid}/v2.0") : QLatin1Char('/') + tid + QStringLiteral("/v2.0")));
    QCOMPARE(config.value(QLatin1String("authorization_endpoint")).toString(),
             root + QStringLiteral("/oauth2/v2.0/authorize"));
    QCOMPARE(config.value(QLatin1String("token_endpoint")).toString(), root + QStringLiteral("/oauth2/v2.0/token"));
    QCOMPARE(config.value(QLatin1String("device_authorization_endpoint")).toString(),
             root + QStringLiteral("/oauth2/v2.0/devicecode"));
    QCOMPARE(config.value(QLatin1String("jwks_uri")).toString(), root + QStringLiteral("/discovery/v2.0/keys"));
    QCOMPARE(config.value(QLatin1String("end_session_endpoint")).toString(),
             root + QStringLiteral("/oauth2/v2.0/logout"));
    QCOMPARE(config.value(QLatin1String("id_token_signing_alg_values_supported")).toArray(),
             QJsonArray{QStringLiteral("RS256")});
    QCOMPARE(config.value(QLatin1String("subject_types_supported")).toArray(), QJsonArray{QStringLiteral("pairwise")});
    QVERIFY(config.value(QLatin1String("response_types_supported")).toArray().contains(QStringLiteral("code")));
    for (const char *scope : {"openid", "profile", "email", "offline_access"}) {
        QVERIFY(config.value(QLatin1String("scopes_supported")).toArray().contains(QString::fromLatin1(scope)));
    }
    for (const char *method : {"client_secret_post", "private_key_jwt", "client_secret_basic"}) {
        QVERIFY(config.value(QLatin1String("token_endpoint_auth_methods_supported"))
                    .toArray()
                    .contains(QString::fromLatin1(method)));
    }
    for (const char *claim : {"sub", "iss", "aud", "exp", "iat", "tid", "name", "preferred_username"}) {
        QVERIFY(config.value(QLatin1String("claims_supported")).toArray().contains(QString::fromLatin1(claim)));
    }
    QCOMPARE(config.value(QLatin1String("tenant_region_scope")),
             alias ? QJsonValue(QJsonValue::Null) : QJsonValue(QStringLiteral("WW")));
    QCOMPARE(config.value(QLatin1String("cloud_instance_name")).toString(), QUrl(base).authority());

    // Every endpoint it names is served: the token endpoint answers a token request, the keys are there.
    QVERIFY(!keysOf(config).isEmpty());
    QVERIFY(m_sandbox->send("GET", QUrl(config.value(QLatin1String("end_session_endpoint")).toString()).path()).status
            == 200);
}

void TestSandboxDiscovery::unknownTenantIsRefused_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("configuration, unknown id")
        << QStringLiteral("/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration");
    QTest::newRow("configuration, unverified domain")
        << QStringLiteral("/example.org/v2.0/.well-known/openid-configuration");
    QTest::newRow("keys, unknown domain") << QStringLiteral("/fabrikam.example/discovery/v2.0/keys");
}

void TestSandboxDiscovery::unknownTenantIsRefused()
{
    QFETCH(QString, path);
    const SandboxFixture::Reply reply = m_sandbox->send("GET", path);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json.value(QLatin1String("error")).toString(), QStringLiteral("invalid_tenant"));
    QVERIFY(reply.json.value(QLatin1String("error_description")).toString().startsWith(QLatin1String("AADSTS90002")));
}

void TestSandboxDiscovery::signingKeys()
{
    const QJsonArray keys = keysOf(configuration(m_sandbox->tenantId()));
    QCOMPARE(keys.size(), 1);
    const QJsonObject key = keys.first().toObject();
    QCOMPARE(key.value(QLatin1String("kty")).toString(), QStringLiteral("RSA"));
    QCOMPARE(key.value(QLatin1String("use")).toString(), QStringLiteral("sig"));
    QCOMPARE(key.value(QLatin1String("e")).toString(), QStringLiteral("AQAB"));
    QCOMPARE(key.value(QLatin1String("issuer")).toString(),
             m_sandbox->baseUrl() + QLatin1Char('/') + m_sandbox->tenantId() + QStringLiteral("/v2.0"));

    // x5c holds the signing certificate (standard base64 DER); kid and x5t are its SHA-1 thumbprint in base64url.
    const QJsonArray chain = key.value(QLatin1String("x5c")).toArray();
    QCOMPARE(chain.size(), 1);
    const QByteArray der = QByteArray::fromBase64(chain.first().toString().toLatin1());
    QVERIFY(!der.isEmpty());
    const QString thumbprint = QString::fromLatin1(base64Url(QCryptographicHash::hash(der, QCryptographicHash::Sha1)));
    QCOMPARE(key.value(QLatin1String("kid")).toString(), thumbprint);
    QCOMPARE(key.value(QLatin1String("x5t")).toString(), thumbprint);

    // The key built from n and e is the certificate's key.
    const Pkey fromJwk = rsaKeyFromJwk(fromBase64Url(key.value(QLatin1String("n")).toString()),
                                       fromBase64Url(key.value(QLatin1String("e")).toString()));
    QVERIFY(fromJwk);
    QCOMPARE(EVP_PKEY_get_bits(fromJwk.get()), 2048);
    const unsigned char *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    X509 *certificate = d2i_X509(nullptr, &cursor, long(der.size()));
    QVERIFY(certificate);
    const int same = EVP_PKEY_eq(fromJwk.get(), X509_get0_pubkey(certificate));
    X509_free(certificate);
    QCOMPARE(same, 1);

    // The multi-tenant aliases publish the same key with the issuer template.
    const QJsonArray common = keysOf(configuration(QStringLiteral("common")));
    QCOMPARE(common.size(), 1);
    QCOMPARE(common.first().toObject().value(QLatin1String("kid")), key.value(QLatin1String("kid")));
    QCOMPARE(common.first().toObject().value(QLatin1String("issuer")).toString(),
             m_sandbox->baseUrl() + QStringLiteral("/{tenantid}/v2.0"));
}

QString TestSandboxDiscovery::delegatedToken()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    QByteArray verifier;
    for (int i = 0; i < 64; ++i) {
        verifier.append(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    }
    const QString redirect = QStringLiteral("http://localhost:40123");
    QUrl authorize(m_sandbox->baseUrl() + QStringLiteral("/%1/oauth2/v2.0/authorize").arg(m_sandbox->tenantId()));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), SandboxTenant::setupClientId);
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(redirect)));
    query.addQueryItem(QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/Directory.Read.All"));
    query.addQueryItem(QStringLiteral("code_challenge"),
                       QString::fromLatin1(base64Url(QCryptographicHash::hash(verifier, QCryptographicHash::Sha256))));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    authorize.setQuery(query);
    const SignInBrowser::Page page =
        m_browser.signIn(authorize, TenantState::demoAdminUpn, TenantState::demoAdminPassword);
    const QString code = QUrlQuery(page.location).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    if (page.status != 302 || code.isEmpty()) {
        qWarning() << "sign-in failed" << page.status << page.body;
        return {};
    }
    const SandboxFixture::Reply reply =
        m_sandbox->token({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                          {QStringLiteral("client_id"), SandboxTenant::setupClientId},
                          {QStringLiteral("code"), code},
                          {QStringLiteral("redirect_uri"), redirect},
                          {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)}});
    return reply.json.value(QLatin1String("access_token")).toString();
}

void TestSandboxDiscovery::tokensVerifyWithThePublishedKey_data()
{
    QTest::addColumn<bool>("delegated");
    QTest::newRow("client credentials") << false;
    QTest::newRow("delegated (authorization code)") << true;
}

void TestSandboxDiscovery::tokensVerifyWithThePublishedKey()
{
    QFETCH(bool, delegated);
    const QString token = delegated ? delegatedToken() : m_sandbox->demoToken();
    QVERIFY(!token.isEmpty());
    const QJsonObject header = jwtHeader(token);
    QCOMPARE(header.value(QLatin1String("alg")).toString(), QStringLiteral("RS256"));

    // As a validator does: the key whose kid the token names, from the jwks_uri the configuration names.
    const QJsonArray keys = keysOf(configuration(QStringLiteral("organizations")));
    QJsonObject key;
    for (const auto &candidate : keys) {
        if (candidate.toObject().value(QLatin1String("kid")) == header.value(QLatin1String("kid"))) {
            key = candidate.toObject();
        }
    }
    QVERIFY2(!key.isEmpty(), "no published key has the token's kid");
    QCOMPARE(key.value(QLatin1String("x5t")), header.value(QLatin1String("x5t")));
    const Pkey publicKey = rsaKeyFromJwk(fromBase64Url(key.value(QLatin1String("n")).toString()),
                                         fromBase64Url(key.value(QLatin1String("e")).toString()));
    QVERIFY(publicKey);
    QVERIFY(verifyRs256(publicKey.get(), token.toLatin1()));

    // A token whose payload was changed does not verify.
    QList<QByteArray> parts = token.toLatin1().split('.');
    QJsonObject claims = QJsonDocument::fromJson(fromBase64Url(QString::fromLatin1(parts.at(1)))).object();
    claims.insert(QStringLiteral("tid"), QStringLiteral("00000000-0000-0000-0000-000000000000"));
    parts[1] = base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    QVERIFY(!verifyRs256(publicKey.get(), parts.join('.')));
}

QTEST_GUILESS_MAIN(TestSandboxDiscovery)
#include "tst_sandboxdiscovery.moc"
