// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "slapdfixture.h"

#include "opensslcli.h"
#include "runtool.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QTcpServer>
#include <QThread>

namespace {
const QString kSlapd = QStringLiteral("/usr/sbin/slapd");
const QString kSlapadd = QStringLiteral("/usr/sbin/slapadd");

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0)) {
        return 0;
    }
    return server.serverPort();
}
} // namespace

SlapdFixture::SlapdFixture()
    : SlapdFixture(Options{})
{}

SlapdFixture::SlapdFixture(const Options &options)
    : m_options(options)
{}

SlapdFixture::~SlapdFixture()
{
    stop();
}

bool SlapdFixture::run(const QString &program, const QStringList &arguments, const QByteArray &input, int timeoutMs)
{
    return TestSupport::runTool(program, arguments, input, timeoutMs, &m_error);
}

QString SlapdFixture::caFile() const
{
    return m_dir.filePath(QStringLiteral("tls/ca.pem"));
}

QString SlapdFixture::otherCaFile() const
{
    return m_dir.filePath(QStringLiteral("tls/other-ca.pem"));
}

bool SlapdFixture::makeCertificates()
{
    return TestSupport::makeTestPki(m_dir.filePath(QStringLiteral("tls")),
                                    QStringLiteral("/CN=m365sync test CA"),
                                    QStringLiteral("/CN=127.0.0.1"),
                                    QStringLiteral("IP:127.0.0.1,DNS:localhost"),
                                    1,
                                    &m_error);
}

bool SlapdFixture::setUp()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    for (const QString &binary : {kSlapd, kSlapadd}) {
        if (!QFileInfo(binary).isExecutable()) {
            m_error = QStringLiteral("%1 is missing: install the slapd package").arg(binary);
            return false;
        }
    }
    if (m_options.tls && !makeCertificates()) {
        return false;
    }
    const QString dir = m_dir.path();
    QDir().mkpath(dir + QStringLiteral("/slapd.d"));
    QDir().mkpath(dir + QStringLiteral("/db"));
    QByteArray config = "dn: cn=config\nobjectClass: olcGlobal\ncn: config\n";
    config += "olcPidFile: " + (dir + QStringLiteral("/slapd.pid")).toUtf8() + "\n";
    if (m_options.tls) {
        config += "olcTLSCACertificateFile: " + caFile().toUtf8() + "\n";
        config += "olcTLSCertificateFile: " + m_dir.filePath(QStringLiteral("tls/server.pem")).toUtf8() + "\n";
        config += "olcTLSCertificateKeyFile: " + m_dir.filePath(QStringLiteral("tls/server.key")).toUtf8() + "\n";
    }
    config += "\ndn: cn=module{0},cn=config\nobjectClass: olcModuleList\ncn: module{0}\n"
              "olcModulePath: /usr/lib/ldap\nolcModuleLoad: back_mdb\n";
    if (m_options.syncprov) {
        config += "olcModuleLoad: syncprov\n";
    }
    config += "\ndn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n\n";
    for (const char *schema : {"core", "cosine", "inetorgperson", "nis"}) {
        config += "include: file:///etc/ldap/schema/" + QByteArray(schema) + ".ldif\n\n";
    }
    config += "dn: olcDatabase={-1}frontend,cn=config\nobjectClass: olcDatabaseConfig\n"
              "objectClass: olcFrontendConfig\nolcDatabase: {-1}frontend\nolcSizeLimit: 500\n\n"
              "dn: olcDatabase={0}config,cn=config\nobjectClass: olcDatabaseConfig\nolcDatabase: {0}config\n"
              "olcAccess: {0}to * by * none\n\n";
    config += "dn: olcDatabase={1}mdb,cn=config\nobjectClass: olcDatabaseConfig\nobjectClass: olcMdbConfig\n"
              "olcDatabase: {1}mdb\n";
    config += "olcSuffix: " + m_options.suffix.toUtf8() + "\n";
    config += "olcRootDN: " + rootDn().toUtf8() + "\n";
    config += "olcRootPW: " + m_options.rootPassword.toUtf8() + "\n";
    config += "olcDbDirectory: " + (dir + QStringLiteral("/db")).toUtf8() + "\n";
    config += "olcDbMaxSize: 4294967296\nolcDbNoSync: TRUE\n"
              "olcDbIndex: objectClass eq\nolcDbIndex: entryUUID,entryCSN eq\nolcDbIndex: uid eq\n"
              "olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none\n"
              "olcAccess: {1}to * by * read\n"
              // Without prtotal=unlimited a non-root paged search stops at the soft limit (500).
              "olcLimits: {0}* size.soft=500 size.hard=unlimited size.prtotal=unlimited\n";
    if (m_options.syncprov) {
        config += "\ndn: olcOverlay={0}syncprov,olcDatabase={1}mdb,cn=config\nobjectClass: olcOverlayConfig\n"
                  "objectClass: olcSyncProvConfig\nolcOverlay: {0}syncprov\n";
    }
    const QString configFile = dir + QStringLiteral("/config.ldif");
    QFile file(configFile);
    if (!file.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write %1").arg(configFile);
        return false;
    }
    file.write(config);
    file.close();
    return run(kSlapadd,
               {QStringLiteral("-n0"),
                QStringLiteral("-F"),
                dir + QStringLiteral("/slapd.d"),
                QStringLiteral("-l"),
                configFile});
}

QByteArray SlapdFixture::baseEntries() const
{
    const QByteArray suffix = m_options.suffix.toUtf8();
    const QByteArray dc = m_options.suffix.section(QLatin1Char(','), 0, 0).section(QLatin1Char('='), 1).toUtf8();
    return "dn: " + suffix + "\nobjectClass: dcObject\nobjectClass: organization\no: Test\ndc: " + dc + "\n\n"
        + "dn: ou=people," + suffix + "\nobjectClass: organizationalUnit\nou: people\n\n" + "dn: ou=groups," + suffix
        + "\nobjectClass: organizationalUnit\nou: groups\n\n";
}

bool SlapdFixture::loadLdif(const QByteArray &ldif)
{
    static int counter = 0;
    const QString path = m_dir.filePath(QStringLiteral("load%1.ldif").arg(++counter));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    file.write(ldif);
    file.close();
    return loadLdifFile(path);
}

bool SlapdFixture::loadLdifFile(const QString &path)
{
    if (m_slapd) {
        m_error = QStringLiteral("loadLdif() must come before start()");
        return false;
    }
    return run(kSlapadd,
               {QStringLiteral("-q"),
                QStringLiteral("-F"),
                m_dir.filePath(QStringLiteral("slapd.d")),
                QStringLiteral("-b"),
                m_options.suffix,
                QStringLiteral("-l"),
                path},
               {},
               300000);
}

QString SlapdFixture::url() const
{
    return QStringLiteral("ldap://127.0.0.1:%1").arg(m_port);
}

QString SlapdFixture::ldapsUrl() const
{
    return QStringLiteral("ldaps://127.0.0.1:%1").arg(m_tlsPort);
}

bool SlapdFixture::answers()
{
    QProcess probe;
    probe.start(QStringLiteral("ldapsearch"),
                {QStringLiteral("-x"),
                 QStringLiteral("-H"),
                 url(),
                 QStringLiteral("-b"),
                 QString(),
                 QStringLiteral("-s"),
                 QStringLiteral("base"),
                 QStringLiteral("-o"),
                 QStringLiteral("nettimeout=1"),
                 QStringLiteral("1.1")});
    return probe.waitForFinished(3000) && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0;
}

bool SlapdFixture::start()
{
    m_port = freePort();
    m_tlsPort = m_options.tls ? freePort() : 0;
    if (!m_port || (m_options.tls && !m_tlsPort)) {
        m_error = QStringLiteral("no free loopback port");
        return false;
    }
    QString urls = url() + QLatin1Char('/');
    if (m_options.tls) {
        urls += QLatin1Char(' ') + ldapsUrl() + QLatin1Char('/');
    }
    m_slapd = std::make_unique<QProcess>();
    m_slapd->setProcessChannelMode(QProcess::MergedChannels);
    m_slapd->start(kSlapd,
                   {QStringLiteral("-d"),
                    QStringLiteral("0"),
                    QStringLiteral("-F"),
                    m_dir.filePath(QStringLiteral("slapd.d")),
                    QStringLiteral("-h"),
                    urls});
    if (!m_slapd->waitForStarted(10000)) {
        m_error = QStringLiteral("cannot start slapd: %1").arg(m_slapd->errorString());
        return false;
    }
    const QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        if (m_slapd->state() != QProcess::Running) {
            m_error = QStringLiteral("slapd exited: %1").arg(QString::fromLocal8Bit(m_slapd->readAll()));
            return false;
        }
        if (answers()) {
            return true;
        }
        QThread::msleep(50);
    }
    m_error = QStringLiteral("slapd did not answer within 15 s: %1").arg(QString::fromLocal8Bit(m_slapd->readAll()));
    return false;
}

bool SlapdFixture::modify(const QByteArray &ldif)
{
    return run(QStringLiteral("ldapmodify"),
               {QStringLiteral("-x"),
                QStringLiteral("-H"),
                url(),
                QStringLiteral("-D"),
                rootDn(),
                QStringLiteral("-w"),
                m_options.rootPassword},
               ldif);
}

void SlapdFixture::stop()
{
    if (m_slapd && m_slapd->state() != QProcess::NotRunning) {
        m_slapd->kill();
        m_slapd->waitForFinished(5000);
    }
    m_slapd.reset();
}
