// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// CertificateCredential against the openssl command line tool: what we generate must parse there with the same
// thumbprints, dates and key, and what the tool makes (PEM pairs, modern and legacy PFX files) must import here.

#include "identity/certificatecredential.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using M365::Identity::CertificateCredential;

namespace {

/// "SHA1 Fingerprint=AB:CD:…" as printed by `openssl x509 -fingerprint` → raw bytes.
QByteArray fingerprintFromOpenssl(const QByteArray &output)
{
    const qsizetype equals = output.indexOf('=');
    return QByteArray::fromHex(output.mid(equals + 1).trimmed().replace(':', ""));
}

/// "notBefore=2026-11-22 20:09:58Z" as printed with `-dateopt iso_8601`.
QDateTime dateFromOpenssl(const QByteArray &output, const QByteArray &field)
{
    for (const QByteArray &line : output.split('\n')) {
        if (line.startsWith(QByteArray(field + '='))) {
            QString value = QString::fromLatin1(line.mid(field.size() + 1).trimmed()).replace(u' ', u'T');
            return QDateTime::fromString(value, Qt::ISODate).toUTC();
        }
    }
    return {};
}

} // namespace

class TestCertificateCredential : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void generate_data();
    void generate();
    void generateTwiceGivesDistinctCertificates();
    void generateRejects_data();
    void generateRejects();

    void importPem_data();
    void importPem();
    void importPemRoundTrip();
    void importPemRejects_data();
    void importPemRejects();

    void importPfx_data();
    void importPfx();
    void importPfxOfGeneratedCertificate();
    void importPfxRejects_data();
    void importPfxRejects();
    void legacyPfxWithoutLegacyProvider();
    void pfxErrorsAreDistinct();

    void thumbprintForms();

private:
    QByteArray openssl(const QStringList &arguments, bool *ok = nullptr);
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QByteArray readFile(const QString &name) const;
    void writeFile(const QString &name, const QByteArray &data) const;
    /// Checks a credential against the tool: thumbprints, dates, subject, key size, and that the key matches.
    void verifyWithOpenssl(const CertificateCredential &credential, const QString &expectedSubject);

    QTemporaryDir m_dir;
    QString m_openssl;
    QString m_lastError;
    QByteArray m_lastStderr;
};

QByteArray TestCertificateCredential::openssl(const QStringList &arguments, bool *ok)
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.start(m_openssl, arguments);
    bool success = process.waitForStarted(10000) && process.waitForFinished(120000)
        && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    m_lastStderr = process.readAllStandardError();
    if (!success) {
        m_lastError = QStringLiteral("openssl %1 failed: %2 %3")
                          .arg(arguments.join(u' '), process.errorString(), QString::fromLocal8Bit(m_lastStderr));
    }
    if (ok) {
        *ok = success;
    }
    return process.readAllStandardOutput();
}

QByteArray TestCertificateCredential::readFile(const QString &name) const
{
    QFile file(path(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void TestCertificateCredential::writeFile(const QString &name, const QByteArray &data) const
{
    QFile file(path(name));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(data), data.size());
}

void TestCertificateCredential::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    QVERIFY2(!m_openssl.isEmpty(), "the openssl command line tool is required (package openssl)");

    bool ok = false;
    const auto run = [&](const QString &commandLine) {
        openssl(commandLine.split(u' ', Qt::SkipEmptyParts), &ok);
        QVERIFY2(ok, qPrintable(m_lastError));
    };
    // The tool's own material, so the code under test meets keys and certificates it did not write.
    openssl({QStringLiteral("req"),
             QStringLiteral("-x509"),
             QStringLiteral("-newkey"),
             QStringLiteral("rsa:2048"),
             QStringLiteral("-nodes"),
             QStringLiteral("-subj"),
             QStringLiteral("/CN=cli test/O=Contoso"),
             QStringLiteral("-days"),
             QStringLiteral("30"),
             QStringLiteral("-keyout"),
             QStringLiteral("key.pem"),
             QStringLiteral("-out"),
             QStringLiteral("cert.pem")},
            &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    run(QStringLiteral("x509 -in cert.pem -outform DER -out cert.cer"));
    run(QStringLiteral("rsa -in key.pem -traditional -out key-pkcs1.pem"));
    run(QStringLiteral("pkey -in key.pem -aes256 -passout pass:key-secret -out key-encrypted.pem"));
    run(QStringLiteral("rsa -in key.pem -aes256 -traditional -passout pass:key-secret -out key-encrypted-pkcs1.pem"));
    run(QStringLiteral("req -x509 -newkey rsa:2048 -nodes -subj /CN=other -days 30 -keyout other-key.pem "
                       "-out other-cert.pem"));
    run(QStringLiteral("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=ec -days 30 "
                       "-keyout ec-key.pem -out ec-cert.pem"));
    run(QStringLiteral("req -x509 -newkey rsa:1024 -nodes -subj /CN=small -days 30 -keyout small-key.pem "
                       "-out small-cert.pem"));
    writeFile(QStringLiteral("chain.pem"),
              readFile(QStringLiteral("other-cert.pem")) + readFile(QStringLiteral("cert.pem")));

    // PFX files as admins bring them: modern (AES-256, what OpenSSL 3 and Windows Server 2019+ write), legacy
    // (RC2-40 certificates, 3DES key, as OpenSSL 1.1 and older Windows wrote), 3DES throughout, no MAC, empty password.
    run(QStringLiteral("pkcs12 -export -inkey key.pem -in cert.pem -certpbe AES-256-CBC -keypbe AES-256-CBC "
                       "-passout pass:pfx-secret -out modern.pfx"));
    run(QStringLiteral("pkcs12 -export -legacy -inkey key.pem -in cert.pem -passout pass:pfx-secret -out legacy.pfx"));
    run(QStringLiteral("pkcs12 -export -inkey key.pem -in cert.pem -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES "
                       "-macalg sha1 -passout pass:pfx-secret -out des3.pfx"));
    run(QStringLiteral("pkcs12 -export -nomac -inkey key.pem -in cert.pem -certpbe AES-256-CBC -keypbe AES-256-CBC "
                       "-passout pass:pfx-secret -out nomac.pfx"));
    run(QStringLiteral("pkcs12 -export -inkey key.pem -in cert.pem -passout pass: -out empty-password.pfx"));
    run(QStringLiteral("pkcs12 -export -nokeys -in cert.pem -passout pass:pfx-secret -out cert-only.pfx"));
    // The legacy file really uses RC2, or the legacy tests below would prove nothing.
    openssl({QStringLiteral("pkcs12"),
             QStringLiteral("-legacy"),
             QStringLiteral("-info"),
             QStringLiteral("-noout"),
             QStringLiteral("-in"),
             QStringLiteral("legacy.pfx"),
             QStringLiteral("-passin"),
             QStringLiteral("pass:pfx-secret")},
            &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QVERIFY2(m_lastStderr.contains("RC2"), m_lastStderr.constData());
}

void TestCertificateCredential::verifyWithOpenssl(const CertificateCredential &credential,
                                                  const QString &expectedSubject)
{
    QVERIFY(!credential.isNull());
    writeFile(QStringLiteral("check.cer"), credential.exportCer());
    writeFile(QStringLiteral("check.pem"), credential.exportPem());
    writeFile(QStringLiteral("check-key.pem"), credential.privateKeyPem());

    bool ok = false;
    // The DER and the PEM are the same certificate.
    const QByteArray pemAsDer = openssl({QStringLiteral("x509"),
                                         QStringLiteral("-in"),
                                         QStringLiteral("check.pem"),
                                         QStringLiteral("-outform"),
                                         QStringLiteral("DER")},
                                        &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QCOMPARE(pemAsDer, credential.exportCer());

    const QByteArray sha1 = openssl({QStringLiteral("x509"),
                                     QStringLiteral("-inform"),
                                     QStringLiteral("DER"),
                                     QStringLiteral("-in"),
                                     QStringLiteral("check.cer"),
                                     QStringLiteral("-noout"),
                                     QStringLiteral("-fingerprint"),
                                     QStringLiteral("-sha1")},
                                    &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QCOMPARE(credential.sha1Thumbprint().size(), 20);
    QCOMPARE(credential.sha1Thumbprint(), fingerprintFromOpenssl(sha1));
    const QByteArray sha256 = openssl({QStringLiteral("x509"),
                                       QStringLiteral("-inform"),
                                       QStringLiteral("DER"),
                                       QStringLiteral("-in"),
                                       QStringLiteral("check.cer"),
                                       QStringLiteral("-noout"),
                                       QStringLiteral("-fingerprint"),
                                       QStringLiteral("-sha256")},
                                      &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QCOMPARE(credential.sha256Thumbprint().size(), 32);
    QCOMPARE(credential.sha256Thumbprint(), fingerprintFromOpenssl(sha256));

    const QByteArray facts = openssl({QStringLiteral("x509"),
                                      QStringLiteral("-in"),
                                      QStringLiteral("check.pem"),
                                      QStringLiteral("-noout"),
                                      QStringLiteral("-subject"),
                                      QStringLiteral("-nameopt"),
                                      QStringLiteral("RFC2253,-esc_msb"),
                                      QStringLiteral("-dates"),
                                      QStringLiteral("-dateopt"),
                                      QStringLiteral("iso_8601")},
                                     &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QVERIFY2(facts.contains(QByteArray("subject=" + expectedSubject.toUtf8() + '\n')), facts.constData());
    QCOMPARE(credential.subject(), expectedSubject);
    QCOMPARE(credential.notBefore(), dateFromOpenssl(facts, "notBefore"));
    QCOMPARE(credential.notAfter(), dateFromOpenssl(facts, "notAfter"));
    QCOMPARE(credential.notBefore().timeSpec(), Qt::UTC);

    const QByteArray text = openssl({QStringLiteral("x509"),
                                     QStringLiteral("-in"),
                                     QStringLiteral("check.pem"),
                                     QStringLiteral("-noout"),
                                     QStringLiteral("-text")},
                                    &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QVERIFY2(text.contains(QStringLiteral("Public-Key: (%1 bit)").arg(credential.keyBits()).toLatin1()),
             text.constData());

    // The private key belongs to the certificate: both yield the same public key.
    const QByteArray keyPublic = openssl(
        {QStringLiteral("pkey"), QStringLiteral("-in"), QStringLiteral("check-key.pem"), QStringLiteral("-pubout")},
        &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    const QByteArray certificatePublic = openssl({QStringLiteral("x509"),
                                                  QStringLiteral("-in"),
                                                  QStringLiteral("check.pem"),
                                                  QStringLiteral("-noout"),
                                                  QStringLiteral("-pubkey")},
                                                 &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QVERIFY(keyPublic.startsWith("-----BEGIN PUBLIC KEY-----"));
    QCOMPARE(keyPublic, certificatePublic);

    // Public exports never carry the key; the key is unencrypted PKCS#8.
    QVERIFY(credential.exportPem().startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(!credential.exportPem().contains("PRIVATE KEY"));
    QVERIFY(!credential.exportCer().contains("PRIVATE KEY"));
    QVERIFY(credential.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"));
}

void TestCertificateCredential::generate_data()
{
    QTest::addColumn<QString>("commonName");
    QTest::addColumn<int>("days");
    QTest::addColumn<int>("bits");
    QTest::addColumn<QString>("expectedSubject");

    QTest::newRow("2048 bits, one year") << QStringLiteral("m365sync Contoso") << 365 << 2048
                                         << QStringLiteral("CN=m365sync Contoso");
    QTest::newRow("3072 bits, two years") << QStringLiteral("m365sync") << 730 << 3072 << QStringLiteral("CN=m365sync");
    QTest::newRow("one day") << QStringLiteral("short") << 1 << 2048 << QStringLiteral("CN=short");
    QTest::newRow("ten years") << QStringLiteral("long") << 3650 << 2048 << QStringLiteral("CN=long");
    QTest::newRow("non-ASCII name") << QStringLiteral("Zürich Sync Ω") << 30 << 2048
                                    << QStringLiteral("CN=Zürich Sync Ω");
    QTest::newRow("surrounding spaces trimmed")
        << QStringLiteral("  padded  ") << 30 << 2048 << QStringLiteral("CN=padded");
    QTest::newRow("RFC 2253 escaping") << QStringLiteral("Sync, Inc.") << 30 << 2048
                                       << QStringLiteral("CN=Sync\\, Inc.");
}

void TestCertificateCredential::generate()
{
    QFETCH(QString, commonName);
    QFETCH(int, days);
    QFETCH(int, bits);
    QFETCH(QString, expectedSubject);

    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const auto result = CertificateCredential::generate(commonName, days, bits);
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    QVERIFY2(result.ok(), qPrintable(result.error.userMessage + QLatin1Char(' ') + result.error.details));
    const CertificateCredential &credential = result.value;

    QCOMPARE(credential.keyBits(), bits);
    QVERIFY(credential.notBefore().toSecsSinceEpoch() >= before);
    QVERIFY(credential.notBefore().toSecsSinceEpoch() <= after);
    QCOMPARE(credential.notBefore().secsTo(credential.notAfter()), qint64(days) * 86400);
    verifyWithOpenssl(credential, expectedSubject);

    // A client-authentication end-entity certificate signed with SHA-256 that verifies against its own key.
    bool ok = false;
    const QByteArray text = openssl({QStringLiteral("x509"),
                                     QStringLiteral("-in"),
                                     QStringLiteral("check.pem"),
                                     QStringLiteral("-noout"),
                                     QStringLiteral("-text")},
                                    &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QVERIFY2(text.contains("Signature Algorithm: sha256WithRSAEncryption"), text.constData());
    QVERIFY2(text.contains("CA:FALSE"), text.constData());
    QVERIFY2(text.contains("TLS Web Client Authentication"), text.constData());
    QVERIFY2(text.contains("Version: 3 (0x2)"), text.constData());
    const QByteArray verdict = openssl({QStringLiteral("verify"),
                                        QStringLiteral("-CAfile"),
                                        QStringLiteral("check.pem"),
                                        QStringLiteral("-purpose"),
                                        QStringLiteral("sslclient"),
                                        QStringLiteral("check.pem")},
                                       &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QVERIFY(verdict.contains("check.pem: OK"));
}

void TestCertificateCredential::generateTwiceGivesDistinctCertificates()
{
    const auto first = CertificateCredential::generate(QStringLiteral("same"), 30, 2048);
    const auto second = CertificateCredential::generate(QStringLiteral("same"), 30, 2048);
    QVERIFY(first.ok());
    QVERIFY(second.ok());
    QVERIFY(first.value.sha256Thumbprint() != second.value.sha256Thumbprint());
    QVERIFY(first.value.privateKeyPem() != second.value.privateKeyPem());

    // Serial numbers are random and positive.
    writeFile(QStringLiteral("first.pem"), first.value.exportPem());
    writeFile(QStringLiteral("second.pem"), second.value.exportPem());
    bool ok = false;
    const QByteArray serial1 = openssl({QStringLiteral("x509"),
                                        QStringLiteral("-in"),
                                        QStringLiteral("first.pem"),
                                        QStringLiteral("-noout"),
                                        QStringLiteral("-serial")},
                                       &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    const QByteArray serial2 = openssl({QStringLiteral("x509"),
                                        QStringLiteral("-in"),
                                        QStringLiteral("second.pem"),
                                        QStringLiteral("-noout"),
                                        QStringLiteral("-serial")},
                                       &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    QVERIFY(serial1.startsWith("serial="));
    QVERIFY(serial1 != serial2);
    QCOMPARE(serial1.trimmed().size(), qsizetype(7 + 32)); // 16 bytes, top bit clear so no leading zero octet
}

void TestCertificateCredential::generateRejects_data()
{
    QTest::addColumn<QString>("commonName");
    QTest::addColumn<int>("days");
    QTest::addColumn<int>("bits");

    QTest::newRow("empty name") << QString() << 30 << 2048;
    QTest::newRow("blank name") << QStringLiteral("   ") << 30 << 2048;
    QTest::newRow("name over 64 characters") << QString(65, u'x') << 30 << 2048;
    QTest::newRow("zero days") << QStringLiteral("x") << 0 << 2048;
    QTest::newRow("negative days") << QStringLiteral("x") << -5 << 2048;
    QTest::newRow("over ten years") << QStringLiteral("x") << 3651 << 2048;
    QTest::newRow("1024 bits") << QStringLiteral("x") << 30 << 1024;
    QTest::newRow("4096 bits") << QStringLiteral("x") << 30 << 4096;
    QTest::newRow("zero bits") << QStringLiteral("x") << 30 << 0;
}

void TestCertificateCredential::generateRejects()
{
    QFETCH(QString, commonName);
    QFETCH(int, days);
    QFETCH(int, bits);

    const auto result = CertificateCredential::generate(commonName, days, bits);
    QVERIFY(!result.ok());
    QVERIFY(result.value.isNull());
    QCOMPARE(result.error.code, QString(CertificateCredential::InvalidArgument));
    QVERIFY(!result.error.userMessage.isEmpty());
    QVERIFY(!result.error.userMessage.contains(QLatin1String("...")));
}

void TestCertificateCredential::importPem_data()
{
    QTest::addColumn<QString>("certificateFile");
    QTest::addColumn<QString>("keyFile");
    QTest::addColumn<QString>("password");

    QTest::newRow("PKCS#8 key") << QStringLiteral("cert.pem") << QStringLiteral("key.pem") << QString();
    QTest::newRow("PKCS#1 key") << QStringLiteral("cert.pem") << QStringLiteral("key-pkcs1.pem") << QString();
    QTest::newRow("encrypted PKCS#8 key with password")
        << QStringLiteral("cert.pem") << QStringLiteral("key-encrypted.pem") << QStringLiteral("key-secret");
    QTest::newRow("encrypted PKCS#1 key with password")
        << QStringLiteral("cert.pem") << QStringLiteral("key-encrypted-pkcs1.pem") << QStringLiteral("key-secret");
    QTest::newRow("DER certificate (.cer)") << QStringLiteral("cert.cer") << QStringLiteral("key.pem") << QString();
    QTest::newRow("chain, matching certificate second")
        << QStringLiteral("chain.pem") << QStringLiteral("key.pem") << QString();
    QTest::newRow("password given for a plain key is ignored")
        << QStringLiteral("cert.pem") << QStringLiteral("key.pem") << QStringLiteral("unused");
}

void TestCertificateCredential::importPem()
{
    QFETCH(QString, certificateFile);
    QFETCH(QString, keyFile);
    QFETCH(QString, password);

    const auto result = CertificateCredential::importPem(readFile(certificateFile), readFile(keyFile), password);
    QVERIFY2(result.ok(), qPrintable(result.error.code + QLatin1Char(' ') + result.error.details));
    QCOMPARE(result.value.keyBits(), 2048);
    QCOMPARE(result.value.exportCer(), readFile(QStringLiteral("cert.cer")));
    verifyWithOpenssl(result.value, QStringLiteral("O=Contoso,CN=cli test"));
}

void TestCertificateCredential::importPemRoundTrip()
{
    const auto generated = CertificateCredential::generate(QStringLiteral("round trip"), 90, 3072);
    QVERIFY(generated.ok());
    const auto imported =
        CertificateCredential::importPem(generated.value.exportPem(), generated.value.privateKeyPem());
    QVERIFY2(imported.ok(), qPrintable(imported.error.details));
    QCOMPARE(imported.value.exportCer(), generated.value.exportCer());
    QCOMPARE(imported.value.privateKeyPem(), generated.value.privateKeyPem());
    QCOMPARE(imported.value.sha1Thumbprint(), generated.value.sha1Thumbprint());
    QCOMPARE(imported.value.notAfter(), generated.value.notAfter());
    QCOMPARE(imported.value.subject(), generated.value.subject());
    QCOMPARE(imported.value.keyBits(), 3072);
}

void TestCertificateCredential::importPemRejects_data()
{
    QTest::addColumn<QByteArray>("certificate");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("code");

    const QByteArray cert = readFile(QStringLiteral("cert.pem"));
    QTest::newRow("encrypted PKCS#8 key, no password") << cert << readFile(QStringLiteral("key-encrypted.pem"))
                                                       << QString() << QString(CertificateCredential::KeyEncrypted);
    QTest::newRow("encrypted PKCS#1 key, no password") << cert << readFile(QStringLiteral("key-encrypted-pkcs1.pem"))
                                                       << QString() << QString(CertificateCredential::KeyEncrypted);
    QTest::newRow("encrypted key, wrong password")
        << cert << readFile(QStringLiteral("key-encrypted.pem")) << QStringLiteral("wrong")
        << QString(CertificateCredential::WrongPassword);
    QTest::newRow("key of another certificate") << cert << readFile(QStringLiteral("other-key.pem")) << QString()
                                                << QString(CertificateCredential::KeyMismatch);
    QTest::newRow("garbage certificate") << QByteArray("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                                         << readFile(QStringLiteral("key.pem")) << QString()
                                         << QString(CertificateCredential::InvalidCertificate);
    QTest::newRow("empty certificate") << QByteArray() << readFile(QStringLiteral("key.pem")) << QString()
                                       << QString(CertificateCredential::InvalidCertificate);
    QTest::newRow("certificate given as key")
        << cert << cert << QString() << QString(CertificateCredential::InvalidKey);
    QTest::newRow("empty key") << cert << QByteArray() << QString() << QString(CertificateCredential::InvalidKey);
    QTest::newRow("EC certificate and key")
        << readFile(QStringLiteral("ec-cert.pem")) << readFile(QStringLiteral("ec-key.pem")) << QString()
        << QString(CertificateCredential::UnsupportedKey);
    QTest::newRow("1024-bit RSA") << readFile(QStringLiteral("small-cert.pem"))
                                  << readFile(QStringLiteral("small-key.pem")) << QString()
                                  << QString(CertificateCredential::UnsupportedKey);
}

void TestCertificateCredential::importPemRejects()
{
    QFETCH(QByteArray, certificate);
    QFETCH(QByteArray, key);
    QFETCH(QString, password);
    QFETCH(QString, code);

    const auto result = CertificateCredential::importPem(certificate, key, password);
    QVERIFY(!result.ok());
    QCOMPARE(result.error.code, code);
    QVERIFY(result.value.isNull());
    QVERIFY(!result.error.userMessage.isEmpty());
    // Details go to logs and "Copy details": they must never carry the key.
    QVERIFY(!result.error.details.contains(QLatin1String("PRIVATE KEY")));
    QVERIFY(password.isEmpty() || !result.error.details.contains(password));
}

void TestCertificateCredential::importPfx_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("password");

    QTest::newRow("AES-256, PBKDF2") << QStringLiteral("modern.pfx") << QStringLiteral("pfx-secret");
    QTest::newRow("legacy RC2-40 (legacy provider)") << QStringLiteral("legacy.pfx") << QStringLiteral("pfx-secret");
    QTest::newRow("3DES, SHA-1 MAC") << QStringLiteral("des3.pfx") << QStringLiteral("pfx-secret");
    QTest::newRow("no MAC") << QStringLiteral("nomac.pfx") << QStringLiteral("pfx-secret");
    QTest::newRow("empty password") << QStringLiteral("empty-password.pfx") << QString();
}

void TestCertificateCredential::importPfx()
{
    QFETCH(QString, file);
    QFETCH(QString, password);

    const auto result = CertificateCredential::importPfx(readFile(file), password);
    QVERIFY2(result.ok(), qPrintable(result.error.code + QLatin1Char(' ') + result.error.details));
    QCOMPARE(result.value.exportCer(), readFile(QStringLiteral("cert.cer")));
    verifyWithOpenssl(result.value, QStringLiteral("O=Contoso,CN=cli test"));

    // The key is the very key the PFX was made from.
    const auto fromPem =
        CertificateCredential::importPem(readFile(QStringLiteral("cert.pem")), readFile(QStringLiteral("key.pem")));
    QVERIFY(fromPem.ok());
    QCOMPARE(result.value.privateKeyPem(), fromPem.value.privateKeyPem());
}

void TestCertificateCredential::importPfxOfGeneratedCertificate()
{
    const auto generated = CertificateCredential::generate(QStringLiteral("pfx round trip"), 60, 2048);
    QVERIFY(generated.ok());
    writeFile(QStringLiteral("generated.pem"), generated.value.exportPem());
    writeFile(QStringLiteral("generated-key.pem"), generated.value.privateKeyPem());
    bool ok = false;
    openssl({QStringLiteral("pkcs12"),
             QStringLiteral("-export"),
             QStringLiteral("-inkey"),
             QStringLiteral("generated-key.pem"),
             QStringLiteral("-in"),
             QStringLiteral("generated.pem"),
             QStringLiteral("-passout"),
             QStringLiteral("pass:Pässwörd"),
             QStringLiteral("-out"),
             QStringLiteral("generated.pfx")},
            &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    const auto imported =
        CertificateCredential::importPfx(readFile(QStringLiteral("generated.pfx")), QStringLiteral("Pässwörd"));
    QVERIFY2(imported.ok(), qPrintable(imported.error.details));
    QCOMPARE(imported.value.sha256Thumbprint(), generated.value.sha256Thumbprint());
    QCOMPARE(imported.value.privateKeyPem(), generated.value.privateKeyPem());
}

void TestCertificateCredential::importPfxRejects_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("code");

    QTest::newRow("AES PFX, wrong password") << readFile(QStringLiteral("modern.pfx")) << QStringLiteral("wrong")
                                             << QString(CertificateCredential::WrongPassword);
    QTest::newRow("AES PFX, no password")
        << readFile(QStringLiteral("modern.pfx")) << QString() << QString(CertificateCredential::WrongPassword);
    QTest::newRow("legacy PFX, wrong password") << readFile(QStringLiteral("legacy.pfx")) << QStringLiteral("wrong")
                                                << QString(CertificateCredential::WrongPassword);
    QTest::newRow("PFX without MAC, wrong password") << readFile(QStringLiteral("nomac.pfx")) << QStringLiteral("wrong")
                                                     << QString(CertificateCredential::WrongPassword);
    QTest::newRow("empty-password PFX, a password")
        << readFile(QStringLiteral("empty-password.pfx")) << QStringLiteral("x")
        << QString(CertificateCredential::WrongPassword);
    QTest::newRow("garbage") << QByteArray("this is not a certificate at all") << QStringLiteral("pfx-secret")
                             << QString(CertificateCredential::NotPfx);
    QTest::newRow("empty file") << QByteArray() << QStringLiteral("pfx-secret")
                                << QString(CertificateCredential::NotPfx);
    QTest::newRow("a PEM certificate") << readFile(QStringLiteral("cert.pem")) << QStringLiteral("pfx-secret")
                                       << QString(CertificateCredential::NotPfx);
    QTest::newRow("a DER certificate") << readFile(QStringLiteral("cert.cer")) << QStringLiteral("pfx-secret")
                                       << QString(CertificateCredential::NotPfx);
    QTest::newRow("truncated PFX") << readFile(QStringLiteral("modern.pfx")).left(200) << QStringLiteral("pfx-secret")
                                   << QString(CertificateCredential::NotPfx);
    QTest::newRow("certificate without key")
        << readFile(QStringLiteral("cert-only.pfx")) << QStringLiteral("pfx-secret")
        << QString(CertificateCredential::NoPrivateKey);
}

void TestCertificateCredential::importPfxRejects()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, password);
    QFETCH(QString, code);

    const auto result = CertificateCredential::importPfx(data, password);
    QVERIFY(!result.ok());
    QCOMPARE(result.error.code, code);
    QVERIFY(result.value.isNull());
    QVERIFY(!result.error.userMessage.isEmpty());
    QVERIFY(!result.error.details.isEmpty());
    QVERIFY(password.isEmpty() || !result.error.details.contains(password));
}

// OpenSSL 3 keeps RC2 in its legacy provider. Where that provider is missing, a legacy PFX must fail with its own
// error that names the cause, not as a "wrong password". OPENSSL_MODULES pointing at an empty folder stands in for a
// system without it; the same file imports again once the provider can be found.
void TestCertificateCredential::legacyPfxWithoutLegacyProvider()
{
    const QByteArray legacy = readFile(QStringLiteral("legacy.pfx"));
    QTemporaryDir emptyModules;
    QVERIFY(emptyModules.isValid());
    const QByteArray previous = qgetenv("OPENSSL_MODULES");
    const bool hadPrevious = qEnvironmentVariableIsSet("OPENSSL_MODULES");
    qputenv("OPENSSL_MODULES", QFile::encodeName(emptyModules.path()));
    const auto withoutProvider = CertificateCredential::importPfx(legacy, QStringLiteral("pfx-secret"));
    const auto modernWithoutProvider =
        CertificateCredential::importPfx(readFile(QStringLiteral("modern.pfx")), QStringLiteral("pfx-secret"));
    if (hadPrevious) {
        qputenv("OPENSSL_MODULES", previous);
    } else {
        qunsetenv("OPENSSL_MODULES");
    }

    QVERIFY(!withoutProvider.ok());
    QCOMPARE(withoutProvider.error.code, QString(CertificateCredential::UnsupportedAlgorithm));
    QVERIFY2(withoutProvider.error.userMessage.contains(QLatin1String("legacy provider")),
             qPrintable(withoutProvider.error.userMessage));
    QVERIFY2(withoutProvider.error.details.contains(QLatin1String("legacy provider missing")),
             qPrintable(withoutProvider.error.details));
    // Modern files never needed it.
    QVERIFY2(modernWithoutProvider.ok(), qPrintable(modernWithoutProvider.error.details));

    const auto withProvider = CertificateCredential::importPfx(legacy, QStringLiteral("pfx-secret"));
    QVERIFY2(withProvider.ok(), qPrintable(withProvider.error.details));
    QCOMPARE(withProvider.value.exportCer(), readFile(QStringLiteral("cert.cer")));
}

void TestCertificateCredential::pfxErrorsAreDistinct()
{
    const auto wrongPassword =
        CertificateCredential::importPfx(readFile(QStringLiteral("modern.pfx")), QStringLiteral("wrong"));
    const auto notPfx = CertificateCredential::importPfx(QByteArray("garbage"), QStringLiteral("pfx-secret"));
    QVERIFY(!wrongPassword.ok());
    QVERIFY(!notPfx.ok());
    QVERIFY(wrongPassword.error.code != notPfx.error.code);
    QVERIFY(wrongPassword.error.userMessage != notPfx.error.userMessage);
    QVERIFY(wrongPassword.error.userMessage.contains(QLatin1String("password")));
    QVERIFY(notPfx.error.userMessage.contains(QLatin1String("not a PFX")));
}

void TestCertificateCredential::thumbprintForms()
{
    const auto result =
        CertificateCredential::importPem(readFile(QStringLiteral("cert.pem")), readFile(QStringLiteral("key.pem")));
    QVERIFY(result.ok());
    const CertificateCredential &credential = result.value;

    bool ok = false;
    const QByteArray sha1 = openssl({QStringLiteral("x509"),
                                     QStringLiteral("-in"),
                                     QStringLiteral("cert.pem"),
                                     QStringLiteral("-noout"),
                                     QStringLiteral("-fingerprint"),
                                     QStringLiteral("-sha1")},
                                    &ok);
    QVERIFY2(ok, qPrintable(m_lastError));
    // "SHA1 Fingerprint=AB:CD:…" → "ABCD…", as the Entra portal shows it.
    const QString portalForm = QString::fromLatin1(sha1.mid(sha1.indexOf('=') + 1).trimmed()).remove(u':');
    QCOMPARE(credential.sha1ThumbprintHex(), portalForm);
    QCOMPARE(credential.sha1ThumbprintHex().size(), 40);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9A-F]{64}$")).match(credential.sha256ThumbprintHex()).hasMatch());

    // base64url without padding: 20 bytes → 27 characters, 32 bytes → 43; no '+', '/', '='.
    const QRegularExpression base64Url(QStringLiteral("^[A-Za-z0-9_-]+$"));
    QCOMPARE(credential.sha1ThumbprintBase64Url().size(), 27);
    QCOMPARE(credential.sha256ThumbprintBase64Url().size(), 43);
    QVERIFY(base64Url.match(credential.sha1ThumbprintBase64Url()).hasMatch());
    QVERIFY(base64Url.match(credential.sha256ThumbprintBase64Url()).hasMatch());
    QCOMPARE(QByteArray::fromBase64(credential.sha1ThumbprintBase64Url().toLatin1(), QByteArray::Base64UrlEncoding),
             credential.sha1Thumbprint());
    QCOMPARE(QByteArray::fromBase64(credential.sha256ThumbprintBase64Url().toLatin1(), QByteArray::Base64UrlEncoding),
             credential.sha256Thumbprint());

    // The example in Microsoft's earlier certificate-credentials page: this SHA-1 gives x5t
    // "hOBcHZi846VCHSJbFAs26Go9VTQ".
    const QByteArray example = QByteArray::fromHex("84E05C1D98BCE3A5421D225B140B36E86A3D5534");
    QCOMPARE(CertificateCredential::toBase64Url(example), QStringLiteral("hOBcHZi846VCHSJbFAs26Go9VTQ"));
    QCOMPARE(CertificateCredential::toHex(example), QStringLiteral("84E05C1D98BCE3A5421D225B140B36E86A3D5534"));
}

QTEST_GUILESS_MAIN(TestCertificateCredential)
#include "tst_certificatecredential.moc"
