// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// ClientAssertion: the header and claims are exactly those Microsoft documents, and the signature verifies with the
// openssl command line tool under the algorithm the header names (and not under the other one).

#include "identity/clientassertion.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using M365::Identity::CertificateCredential;
using M365::Identity::ClientAssertion;
using Algorithm = ClientAssertion::Algorithm;

Q_DECLARE_METATYPE(ClientAssertion::Algorithm)

namespace {

const QString clientId = QStringLiteral("aaaabbbb-0000-cccc-1111-dddd2222eeee");
const QString audience = QStringLiteral("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
const QDateTime pinnedNow = QDateTime(QDate(2026, 3, 1), QTime(12, 0, 0), Qt::UTC);

/// Strict base64url (no padding, no '+' '/') decode; empty when the text is not that.
QByteArray decodeBase64Url(const QByteArray &text)
{
    if (!QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]*$")).match(QString::fromLatin1(text)).hasMatch()) {
        return {};
    }
    return QByteArray::fromBase64(text, QByteArray::Base64UrlEncoding);
}

QJsonObject decodeJson(const QByteArray &part)
{
    return QJsonDocument::fromJson(decodeBase64Url(part)).object();
}

QSet<QString> keysOf(const QJsonObject &object)
{
    const QStringList keys = object.keys();
    return QSet<QString>(keys.cbegin(), keys.cend());
}

} // namespace

class TestClientAssertion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void headerAndClaims_data();
    void headerAndClaims();
    void signatureVerifiesWithOpenssl_data();
    void signatureVerifiesWithOpenssl();
    void rs256MatchesOpensslByteForByte();
    void tamperedAssertionFailsVerification();
    void matchesMicrosoftsDocumentedShape();
    void everyAssertionIsNew();
    void defaultClockIsNow();
    void defaults();
    void rejects_data();
    void rejects();

private:
    QByteArray openssl(const QStringList &arguments, bool *ok);
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QByteArray readFile(const QString &name) const;
    void writeFile(const QString &name, const QByteArray &data) const;
    /// Verifies @p assertion's signature with `openssl dgst` as @p algorithm; true when the tool says "Verified OK".
    bool opensslVerifies(const QByteArray &assertion,
                         Algorithm algorithm,
                         const QString &publicKeyFile,
                         const QStringList &extraOptions = {});

    QTemporaryDir m_dir;
    QString m_openssl;
    QString m_lastError;
    CertificateCredential m_cliCredential; ///< 2048-bit key and certificate made by the openssl tool
    CertificateCredential m_generated3072; ///< made by CertificateCredential::generate
};

QByteArray TestClientAssertion::openssl(const QStringList &arguments, bool *ok)
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.start(m_openssl, arguments);
    *ok = process.waitForStarted(10000) && process.waitForFinished(60000)
        && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    const QByteArray standardError = process.readAllStandardError();
    if (!*ok) {
        m_lastError = QStringLiteral("openssl %1 failed: %2 %3")
                          .arg(arguments.join(u' '), process.errorString(), QString::fromLocal8Bit(standardError));
    }
    return process.readAllStandardOutput();
}

QByteArray TestClientAssertion::readFile(const QString &name) const
{
    QFile file(path(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void TestClientAssertion::writeFile(const QString &name, const QByteArray &data) const
{
    QFile file(path(name));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(data), data.size());
}

bool TestClientAssertion::opensslVerifies(const QByteArray &assertion,
                                          Algorithm algorithm,
                                          const QString &publicKeyFile,
                                          const QStringList &extraOptions)
{
    const QList<QByteArray> parts = assertion.split('.');
    if (parts.size() != 3) {
        return false;
    }
    writeFile(QStringLiteral("input.txt"), parts.at(0) + '.' + parts.at(1));
    writeFile(QStringLiteral("sig.bin"), decodeBase64Url(parts.at(2)));
    QStringList arguments{QStringLiteral("dgst"),
                          QStringLiteral("-sha256"),
                          QStringLiteral("-verify"),
                          publicKeyFile,
                          QStringLiteral("-signature"),
                          QStringLiteral("sig.bin")};
    if (algorithm == Algorithm::PS256) {
        arguments << QStringLiteral("-sigopt") << QStringLiteral("rsa_padding_mode:pss") << QStringLiteral("-sigopt")
                  << QStringLiteral("rsa_pss_saltlen:-1");
    }
    arguments << extraOptions << QStringLiteral("input.txt");
    bool ok = false;
    const QByteArray output = openssl(arguments, &ok);
    return ok && output.trimmed() == "Verified OK";
}

void TestClientAssertion::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    QVERIFY2(!m_openssl.isEmpty(), "the openssl command line tool is required (package openssl)");

    bool ok = false;
    openssl({QStringLiteral("req"),
             QStringLiteral("-x509"),
             QStringLiteral("-newkey"),
             QStringLiteral("rsa:2048"),
             QStringLiteral("-nodes"),
             QStringLiteral("-subj"),
             QStringLiteral("/CN=assertion test"),
             QStringLiteral("-days"),
             QStringLiteral("30"),
             QStringLiteral("-keyout"),
             QStringLiteral("cli-key.pem"),
             QStringLiteral("-out"),
             QStringLiteral("cli-cert.pem")},
            &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    const auto imported = CertificateCredential::importPem(readFile(QStringLiteral("cli-cert.pem")),
                                                           readFile(QStringLiteral("cli-key.pem")));
    QVERIFY2(imported.ok(), qPrintable(imported.error.details));
    m_cliCredential = imported.value;
    openssl({QStringLiteral("x509"),
             QStringLiteral("-in"),
             QStringLiteral("cli-cert.pem"),
             QStringLiteral("-noout"),
             QStringLiteral("-pubkey"),
             QStringLiteral("-out"),
             QStringLiteral("cli-pub.pem")},
            &ok);
    QVERIFY2(ok, qPrintable(m_lastError));

    const auto generated = CertificateCredential::generate(QStringLiteral("assertion 3072"), 30, 3072);
    QVERIFY2(generated.ok(), qPrintable(generated.error.details));
    m_generated3072 = generated.value;
    writeFile(QStringLiteral("generated-cert.pem"), m_generated3072.exportPem());
    openssl({QStringLiteral("x509"),
             QStringLiteral("-in"),
             QStringLiteral("generated-cert.pem"),
             QStringLiteral("-noout"),
             QStringLiteral("-pubkey"),
             QStringLiteral("-out"),
             QStringLiteral("generated-pub.pem")},
            &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
}

void TestClientAssertion::headerAndClaims_data()
{
    QTest::addColumn<Algorithm>("algorithm");
    QTest::addColumn<int>("lifetimeSeconds");
    QTest::addColumn<QString>("thumbprintHeader");

    QTest::newRow("PS256, 10 minutes") << Algorithm::PS256 << 600 << QStringLiteral("x5t#S256");
    QTest::newRow("PS256, 5 minutes") << Algorithm::PS256 << 300 << QStringLiteral("x5t#S256");
    QTest::newRow("RS256, 10 minutes") << Algorithm::RS256 << 600 << QStringLiteral("x5t");
    QTest::newRow("RS256, 1 second") << Algorithm::RS256 << 1 << QStringLiteral("x5t");
}

void TestClientAssertion::headerAndClaims()
{
    QFETCH(Algorithm, algorithm);
    QFETCH(int, lifetimeSeconds);
    QFETCH(QString, thumbprintHeader);

    ClientAssertion assertion(m_cliCredential, clientId);
    assertion.setAlgorithm(algorithm);
    assertion.setLifetime(std::chrono::seconds(lifetimeSeconds));
    assertion.setClock([] {
        return pinnedNow;
    });
    const auto signed_ = assertion.sign(audience);
    QVERIFY2(signed_.ok(), qPrintable(signed_.error.details));

    const QList<QByteArray> parts = signed_.value.split('.');
    QCOMPARE(parts.size(), 3);
    for (const QByteArray &part : parts) {
        QVERIFY(!part.isEmpty());
        QVERIFY2(!decodeBase64Url(part).isEmpty(), part.constData()); // base64url, unpadded
    }

    // The thumbprint the header must carry, computed by the openssl tool.
    bool ok = false;
    const QByteArray fingerprint =
        openssl({QStringLiteral("x509"),
                 QStringLiteral("-in"),
                 QStringLiteral("cli-cert.pem"),
                 QStringLiteral("-noout"),
                 QStringLiteral("-fingerprint"),
                 algorithm == Algorithm::PS256 ? QStringLiteral("-sha256") : QStringLiteral("-sha1")},
                &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    const QByteArray thumbprint =
        QByteArray::fromHex(fingerprint.mid(fingerprint.indexOf('=') + 1).trimmed().replace(':', ""));
    const QString expectedThumbprint =
        QString::fromLatin1(thumbprint.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));

    const QJsonObject expectedHeader{
        {QStringLiteral("alg"), algorithm == Algorithm::PS256 ? QStringLiteral("PS256") : QStringLiteral("RS256")},
        {QStringLiteral("typ"), QStringLiteral("JWT")},
        {thumbprintHeader, expectedThumbprint},
    };
    QCOMPARE(decodeJson(parts.at(0)), expectedHeader);

    const QJsonObject claims = decodeJson(parts.at(1));
    const QString jti = claims.value(QLatin1String("jti")).toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))
                 .match(jti)
                 .hasMatch(),
             qPrintable(jti));
    const qint64 now = pinnedNow.toSecsSinceEpoch();
    const QJsonObject expectedClaims{
        {QStringLiteral("aud"), audience},
        {QStringLiteral("iss"), clientId},
        {QStringLiteral("sub"), clientId},
        {QStringLiteral("jti"), jti},
        {QStringLiteral("nbf"), now},
        {QStringLiteral("iat"), now},
        {QStringLiteral("exp"), now + lifetimeSeconds},
    };
    QCOMPARE(claims, expectedClaims);
    // Integers, not floating point: "exp":1772366400, never 1.7723664e+09.
    QVERIFY(decodeBase64Url(parts.at(1)).contains(QByteArray("\"exp\":" + QByteArray::number(now + lifetimeSeconds))));
    QVERIFY(decodeBase64Url(parts.at(1)).contains(QByteArray("\"nbf\":" + QByteArray::number(now))));
}

void TestClientAssertion::signatureVerifiesWithOpenssl_data()
{
    QTest::addColumn<Algorithm>("algorithm");
    QTest::addColumn<bool>("generatedKey");

    QTest::newRow("PS256, openssl's 2048-bit key") << Algorithm::PS256 << false;
    QTest::newRow("PS256, generated 3072-bit key") << Algorithm::PS256 << true;
    QTest::newRow("RS256, openssl's 2048-bit key") << Algorithm::RS256 << false;
    QTest::newRow("RS256, generated 3072-bit key") << Algorithm::RS256 << true;
}

void TestClientAssertion::signatureVerifiesWithOpenssl()
{
    QFETCH(Algorithm, algorithm);
    QFETCH(bool, generatedKey);

    const CertificateCredential &credential = generatedKey ? m_generated3072 : m_cliCredential;
    const QString publicKey = generatedKey ? QStringLiteral("generated-pub.pem") : QStringLiteral("cli-pub.pem");
    ClientAssertion assertion(credential, clientId);
    assertion.setAlgorithm(algorithm);
    const auto signed_ = assertion.sign(audience);
    QVERIFY2(signed_.ok(), qPrintable(signed_.error.details));

    const QList<QByteArray> parts = signed_.value.split('.');
    QCOMPARE(parts.size(), 3);
    QCOMPARE(decodeBase64Url(parts.at(2)).size(), qsizetype(credential.keyBits() / 8));

    QVERIFY2(opensslVerifies(signed_.value, algorithm, publicKey), qPrintable(m_lastError));
    const Algorithm other = algorithm == Algorithm::PS256 ? Algorithm::RS256 : Algorithm::PS256;
    QVERIFY(!opensslVerifies(signed_.value, other, publicKey));
    if (algorithm == Algorithm::PS256) {
        // RFC 7518 3.5: salt as long as the digest (32 bytes), MGF1 with SHA-256; spelled out, not inferred.
        QVERIFY2(opensslVerifies(signed_.value,
                                 algorithm,
                                 publicKey,
                                 {QStringLiteral("-sigopt"),
                                  QStringLiteral("rsa_pss_saltlen:32"),
                                  QStringLiteral("-sigopt"),
                                  QStringLiteral("rsa_mgf1_md:sha256")}),
                 qPrintable(m_lastError));
        QVERIFY(!opensslVerifies(
            signed_.value, algorithm, publicKey, {QStringLiteral("-sigopt"), QStringLiteral("rsa_pss_saltlen:20")}));
        QVERIFY(!opensslVerifies(
            signed_.value, algorithm, publicKey, {QStringLiteral("-sigopt"), QStringLiteral("rsa_mgf1_md:sha1")}));
    }
    // The other certificate's key does not verify it.
    const QString otherKey = generatedKey ? QStringLiteral("cli-pub.pem") : QStringLiteral("generated-pub.pem");
    QVERIFY(!opensslVerifies(signed_.value, algorithm, otherKey));
}

// PKCS#1 v1.5 is deterministic: the signature must equal the tool's for the same input and key, byte for byte.
void TestClientAssertion::rs256MatchesOpensslByteForByte()
{
    ClientAssertion assertion(m_cliCredential, clientId);
    assertion.setAlgorithm(Algorithm::RS256);
    const auto signed_ = assertion.sign(audience);
    QVERIFY(signed_.ok());
    const QList<QByteArray> parts = signed_.value.split('.');
    QCOMPARE(parts.size(), 3);
    writeFile(QStringLiteral("rs256-input.txt"), parts.at(0) + '.' + parts.at(1));
    bool ok = false;
    const QByteArray expected = openssl({QStringLiteral("dgst"),
                                         QStringLiteral("-sha256"),
                                         QStringLiteral("-sign"),
                                         QStringLiteral("cli-key.pem"),
                                         QStringLiteral("rs256-input.txt")},
                                        &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QCOMPARE(decodeBase64Url(parts.at(2)), expected);
}

void TestClientAssertion::tamperedAssertionFailsVerification()
{
    ClientAssertion assertion(m_cliCredential, clientId);
    const auto signed_ = assertion.sign(audience);
    QVERIFY(signed_.ok());
    QVERIFY(opensslVerifies(signed_.value, Algorithm::PS256, QStringLiteral("cli-pub.pem")));

    // Another client id in the claims, original signature: must not verify.
    QList<QByteArray> parts = signed_.value.split('.');
    QJsonObject claims = decodeJson(parts.at(1));
    claims.insert(QStringLiteral("sub"), QStringLiteral("00000000-0000-0000-0000-000000000000"));
    parts[1] = QJsonDocument(claims)
                   .toJson(QJsonDocument::Compact)
                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QVERIFY(!opensslVerifies(parts.join('.'), Algorithm::PS256, QStringLiteral("cli-pub.pem")));
}

// The documented examples in ../shared/graph-examples: the same header fields as the RS256 example, and the claims
// of the decoded example plus iat, which the claims table lists.
void TestClientAssertion::matchesMicrosoftsDocumentedShape()
{
    QFile headerFile(QStringLiteral(M365_SHARED_DIR "/graph-examples/client-assertion-header-rs256.json"));
    QFile claimsFile(QStringLiteral(M365_SHARED_DIR "/graph-examples/client-assertion-claims.json"));
    QVERIFY2(headerFile.open(QIODevice::ReadOnly), qPrintable(headerFile.fileName()));
    QVERIFY2(claimsFile.open(QIODevice::ReadOnly), qPrintable(claimsFile.fileName()));
    const QJsonObject documentedHeader = QJsonDocument::fromJson(headerFile.readAll()).object();
    const QJsonObject documentedClaims = QJsonDocument::fromJson(claimsFile.readAll()).object();
    QVERIFY(!documentedHeader.isEmpty());
    QVERIFY(!documentedClaims.isEmpty());

    ClientAssertion assertion(m_cliCredential, documentedClaims.value(QLatin1String("iss")).toString());
    assertion.setAlgorithm(Algorithm::RS256);
    assertion.setClock([] {
        return QDateTime::fromSecsSinceEpoch(1484592741, Qt::UTC);
    });
    const auto signed_ = assertion.sign(audience);
    QVERIFY(signed_.ok());
    const QList<QByteArray> parts = signed_.value.split('.');
    QCOMPARE(parts.size(), 3);
    const QJsonObject header = decodeJson(parts.at(0));
    const QJsonObject claims = decodeJson(parts.at(1));

    QCOMPARE(keysOf(header), keysOf(documentedHeader));
    QCOMPARE(header.value(QLatin1String("alg")), documentedHeader.value(QLatin1String("alg")));
    QCOMPARE(header.value(QLatin1String("typ")), documentedHeader.value(QLatin1String("typ")));
    QCOMPARE(keysOf(claims), keysOf(documentedClaims) + QSet<QString>{QStringLiteral("iat")});
    QCOMPARE(claims.value(QLatin1String("iss")), documentedClaims.value(QLatin1String("iss")));
    QCOMPARE(claims.value(QLatin1String("nbf")), documentedClaims.value(QLatin1String("nbf")));
    // The example is valid for 600 seconds, as is our default.
    QCOMPARE(claims.value(QLatin1String("exp")), documentedClaims.value(QLatin1String("exp")));
}

void TestClientAssertion::everyAssertionIsNew()
{
    ClientAssertion assertion(m_cliCredential, clientId);
    assertion.setClock([] {
        return pinnedNow;
    });
    QSet<QString> ids;
    QSet<QByteArray> assertions;
    for (int i = 0; i < 20; ++i) {
        const auto signed_ = assertion.sign(audience);
        QVERIFY(signed_.ok());
        assertions.insert(signed_.value);
        ids.insert(decodeJson(signed_.value.split('.').value(1)).value(QLatin1String("jti")).toString());
    }
    QCOMPARE(ids.size(), 20);
    QCOMPARE(assertions.size(), 20);
}

void TestClientAssertion::defaultClockIsNow()
{
    ClientAssertion assertion(m_cliCredential, clientId);
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const auto signed_ = assertion.sign(audience);
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    QVERIFY(signed_.ok());
    const QJsonObject claims = decodeJson(signed_.value.split('.').value(1));
    const qint64 nbf = claims.value(QLatin1String("nbf")).toInteger();
    QVERIFY(nbf >= before);
    QVERIFY(nbf <= after);

    // A null clock restores the default rather than crashing.
    assertion.setClock({});
    const auto again = assertion.sign(audience);
    QVERIFY(again.ok());
    QVERIFY(decodeJson(again.value.split('.').value(1)).value(QLatin1String("nbf")).toInteger() >= before);
}

void TestClientAssertion::defaults()
{
    const ClientAssertion assertion(m_cliCredential, clientId);
    QCOMPARE(assertion.algorithm(), Algorithm::PS256);
    QCOMPARE(assertion.lifetime(), std::chrono::seconds(600));
    QCOMPARE(assertion.clientId(), clientId);
    QCOMPARE(assertion.credential().sha1Thumbprint(), m_cliCredential.sha1Thumbprint());
    QCOMPARE(QString(ClientAssertion::assertionType),
             QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
    QCOMPARE(ClientAssertion::algorithmName(Algorithm::PS256), QStringLiteral("PS256"));
    QCOMPARE(ClientAssertion::algorithmName(Algorithm::RS256), QStringLiteral("RS256"));
}

void TestClientAssertion::rejects_data()
{
    QTest::addColumn<bool>("withCredential");
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("aud");
    QTest::addColumn<int>("lifetimeSeconds");
    QTest::addColumn<QString>("code");

    const QString invalid = QString(ClientAssertion::InvalidArgument);
    QTest::newRow("no certificate") << false << clientId << audience << 600 << QString(ClientAssertion::NoCertificate);
    QTest::newRow("empty client id") << true << QString() << audience << 600 << invalid;
    QTest::newRow("blank client id") << true << QStringLiteral("  ") << audience << 600 << invalid;
    QTest::newRow("empty audience") << true << clientId << QString() << 600 << invalid;
    QTest::newRow("zero lifetime") << true << clientId << audience << 0 << invalid;
    QTest::newRow("negative lifetime") << true << clientId << audience << -60 << invalid;
    QTest::newRow("lifetime over 10 minutes") << true << clientId << audience << 601 << invalid;
}

void TestClientAssertion::rejects()
{
    QFETCH(bool, withCredential);
    QFETCH(QString, client);
    QFETCH(QString, aud);
    QFETCH(int, lifetimeSeconds);
    QFETCH(QString, code);

    ClientAssertion assertion(withCredential ? m_cliCredential : CertificateCredential(), client);
    assertion.setLifetime(std::chrono::seconds(lifetimeSeconds));
    const auto signed_ = assertion.sign(aud);
    QVERIFY(!signed_.ok());
    QVERIFY(signed_.value.isEmpty());
    QCOMPARE(signed_.error.code, code);
    QVERIFY(!signed_.error.userMessage.isEmpty());
}

QTEST_GUILESS_MAIN(TestClientAssertion)
#include "tst_clientassertion.moc"
