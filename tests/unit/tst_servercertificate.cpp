// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "../integration/opensslcli.h"
#include "directory/servercertificate.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using M365::Directory::ServerCertificate;
using TestSupport::runOpenssl;

/*
 * What an admin is told about an LDAP server's certificate: its details after a successful test, and why a failed
 * handshake failed (expired, unknown CA, host name). Certificates are made with the openssl CLI, independently of the
 * code under test.
 */
class TestServerCertificate : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QByteArray m_der; ///< issued by the test CA for dc1.corp.example and 10.0.0.5, valid for a day
    QByteArray m_cnOnlyDer; ///< self-signed, no subjectAltName

    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }

    bool openssl(const QStringList &arguments, QByteArray *output = nullptr)
    {
        QByteArray ignored;
        QString error;
        if (!runOpenssl(arguments, {}, output ? output : &ignored, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        return true;
    }

    bool selfSigned(const QString &subject, const char *key, const char *certificate, const QStringList &extra = {})
    {
        return openssl(QStringList{QStringLiteral("req"),
                                   QStringLiteral("-x509"),
                                   QStringLiteral("-newkey"),
                                   QStringLiteral("ec"),
                                   QStringLiteral("-pkeyopt"),
                                   QStringLiteral("ec_paramgen_curve:P-256"),
                                   QStringLiteral("-nodes"),
                                   QStringLiteral("-days"),
                                   QStringLiteral("1"),
                                   QStringLiteral("-subj"),
                                   subject,
                                   QStringLiteral("-keyout"),
                                   path(key),
                                   QStringLiteral("-out"),
                                   path(certificate)}
                       + extra);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(TestSupport::makeTestPki(m_dir.path(),
                                          QStringLiteral("/O=Corp/CN=Corp Enterprise Root CA"),
                                          QStringLiteral("/O=Corp/CN=dc1.corp.example"),
                                          QStringLiteral("DNS:dc1.corp.example,IP:10.0.0.5"),
                                          1,
                                          &error),
                 qPrintable(error));
        QVERIFY(openssl({QStringLiteral("x509"),
                         QStringLiteral("-in"),
                         path("server.pem"),
                         QStringLiteral("-outform"),
                         QStringLiteral("DER")},
                        &m_der));
        QVERIFY(selfSigned(QStringLiteral("/CN=legacy.corp.example"),
                           "legacy.key",
                           "legacy.pem",
                           {QStringLiteral("-outform"), QStringLiteral("DER")}));
        QFile legacy(path("legacy.pem"));
        QVERIFY(legacy.open(QIODevice::ReadOnly));
        m_cnOnlyDer = legacy.readAll();
        QVERIFY(!m_der.isEmpty());
    }

    void details()
    {
        const ServerCertificate certificate = ServerCertificate::fromDer(m_der);
        QVERIFY(!certificate.isNull());
        QCOMPARE(certificate.subject, QStringLiteral("CN=dc1.corp.example,O=Corp"));
        QCOMPARE(certificate.issuer, QStringLiteral("CN=Corp Enterprise Root CA,O=Corp"));
        QCOMPARE(certificate.hostNames, (QStringList{QStringLiteral("dc1.corp.example"), QStringLiteral("10.0.0.5")}));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(certificate.notBefore <= now.addSecs(60));
        QVERIFY(certificate.notAfter > now.addSecs(23 * 3600));
        QVERIFY(certificate.notAfter <= now.addSecs(24 * 3600 + 60));
    }

    void withoutSubjectAltNameTheCommonNameCounts()
    {
        const ServerCertificate certificate = ServerCertificate::fromDer(m_cnOnlyDer);
        QCOMPARE(certificate.hostNames, QStringList{QStringLiteral("legacy.corp.example")});
        QCOMPARE(certificate.subject, certificate.issuer);
    }

    void notACertificate()
    {
        QVERIFY(ServerCertificate::fromDer(QByteArray()).isNull());
        QVERIFY(ServerCertificate::fromDer(m_der.left(m_der.size() / 2)).isNull());
        QVERIFY(ServerCertificate::fromDer(QByteArray("not DER at all")).isNull());
        QVERIFY(ServerCertificate().problems(QStringLiteral("x"), path("ca.pem"), {}).isEmpty());
    }

    void acceptedWhereItIsValid_data()
    {
        QTest::addColumn<QString>("host");
        QTest::newRow("DNS name") << "dc1.corp.example";
        QTest::newRow("DNS name in capitals") << "DC1.Corp.Example";
        QTest::newRow("IP address") << "10.0.0.5";
    }

    void acceptedWhereItIsValid()
    {
        QFETCH(QString, host);
        const ServerCertificate certificate = ServerCertificate::fromDer(m_der);
        QCOMPARE(certificate.problems(host, path("ca.pem"), {}), QStringList());
    }

    void hostMismatchNamesBoth()
    {
        const QStringList problems =
            ServerCertificate::fromDer(m_der).problems(QStringLiteral("ldap.corp.example"), path("ca.pem"), {});
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().contains(QStringLiteral("\"dc1.corp.example\", \"10.0.0.5\"")),
                 qPrintable(problems.first()));
        QVERIFY2(problems.first().contains(QStringLiteral("\"ldap.corp.example\"")), qPrintable(problems.first()));
    }

    void unknownCaNamesTheIssuerAndTheTrustedFile()
    {
        const QStringList problems =
            ServerCertificate::fromDer(m_der).problems(QStringLiteral("dc1.corp.example"), path("other-ca.pem"), {});
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().contains(QStringLiteral("\"CN=Corp Enterprise Root CA,O=Corp\"")),
                 qPrintable(problems.first()));
        QVERIFY2(problems.first().contains(path("other-ca.pem")), qPrintable(problems.first()));
    }

    void aSelfSignedCertificateIsTrustedOnlyWhenInTheFile()
    {
        const ServerCertificate certificate = ServerCertificate::fromDer(m_cnOnlyDer);
        QCOMPARE(certificate.problems(QStringLiteral("legacy.corp.example"), path("legacy.pem"), {}).size(), 1);
        QFile pem(path("legacy-trusted.pem"));
        QVERIFY(pem.open(QIODevice::WriteOnly));
        pem.write("-----BEGIN CERTIFICATE-----\n" + m_cnOnlyDer.toBase64() + "\n-----END CERTIFICATE-----\n");
        pem.close();
        QCOMPARE(certificate.problems(QStringLiteral("legacy.corp.example"), pem.fileName(), {}), QStringList());
    }

    void expiredAndNotYetValid()
    {
        const ServerCertificate certificate = ServerCertificate::fromDer(m_der);
        const QStringList later = certificate.problems(
            QStringLiteral("dc1.corp.example"), path("ca.pem"), {}, QDateTime::currentDateTimeUtc().addDays(2));
        QCOMPARE(later.size(), 1);
        QVERIFY2(later.first().contains(QStringLiteral("expired")), qPrintable(later.first()));
        const QStringList earlier = certificate.problems(
            QStringLiteral("dc1.corp.example"), path("ca.pem"), {}, QDateTime::currentDateTimeUtc().addDays(-2));
        QCOMPARE(earlier.size(), 1);
        QVERIFY2(earlier.first().contains(QStringLiteral("clock")), qPrintable(earlier.first()));
    }
};

QTEST_GUILESS_MAIN(TestServerCertificate)
#include "tst_servercertificate.moc"
