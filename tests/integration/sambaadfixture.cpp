// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sambaadfixture.h"

#include "opensslcli.h"
#include "runtool.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QTcpSocket>
#include <QThread>

#include <cerrno>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
const QString kSamba = QStringLiteral("/usr/sbin/samba");
const QString kSambaTool = QStringLiteral("/usr/bin/samba-tool");
// Meets AD's default complexity rules (three character classes, at least seven characters).
const QString kAdminPassword = QStringLiteral("Fixture-Pass-2026!");
constexpr int kReadyTimeoutMs = 30000;
constexpr quint16 kLdapPort = 389;
constexpr quint16 kLdapsPort = 636;

enum class Ou { Staff, Contractors, Disabled };

struct Person
{
    const char *givenName; // UTF-8
    const char *sn;
    const char *sam;
    Ou ou;
    const char *cn = nullptr; // default "givenName sn"
    const char *displayName = nullptr; // default "givenName sn"
};

// kNamedUserCount people: non-ASCII names in three scripts, a CN with a comma, one disabled
// account, one that expired and one that expires in 2100 (see users()).
const Person kPeople[] = {
    {"J\xc3\xbcrgen", "Gro\xc3\x9f", "jgross", Ou::Staff},
    {"Zo\xc3\xab", "\xc3\x85gren", "zagren", Ou::Staff},
    {"\xe5\xb0\x8f\xe9\xbe\x8d",
     "\xe6\x9d\x8e",
     "xlee",
     Ou::Staff,
     "\xe6\x9d\x8e \xe5\xb0\x8f\xe9\xbe\x8d",
     "\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d"},
    {"Anna", "Smith", "asmith", Ou::Staff, "Smith, Anna"},
    {"Alice", "Anderson", "aanderson", Ou::Staff},
    {"Bob", "Brown", "bbrown", Ou::Staff},
    {"Carol", "Clark", "cclark", Ou::Staff},
    {"David", "Davis", "ddavis", Ou::Staff},
    {"Emma", "Evans", "eevans", Ou::Staff},
    {"Frank", "Foster", "ffoster", Ou::Staff},
    {"Grace", "Green", "ggreen", Ou::Staff},
    {"Henry", "Hill", "hhill", Ou::Staff},
    {"Irene", "Irving", "iirving", Ou::Staff},
    {"Jack", "Jones", "jjones", Ou::Staff},
    {"Karen", "King", "kking", Ou::Staff},
    {"Liam", "Lewis", "llewis", Ou::Staff},
    {"Mia", "Moore", "mmoore", Ou::Staff},
    {"Noah", "Nelson", "nnelson", Ou::Staff},
    {"Olivia", "Owens", "oowens", Ou::Staff},
    {"Paul", "Parker", "pparker", Ou::Staff},
    {"Quinn", "Quade", "qquade", Ou::Staff},
    {"Rosa", "Reed", "rreed", Ou::Staff},
    {"Sam", "Scott", "sscott", Ou::Staff},
    {"Tina", "Turner", "tturner", Ou::Staff},
    {"Uma", "Usher", "uusher", Ou::Staff},
    {"Victor", "Vance", "vvance", Ou::Staff},
    {"Wendy", "Wood", "wwood", Ou::Staff},
    {"Xavier", "Xu", "xxu", Ou::Staff},
    {"Chlo\xc3\xa9", "Dubois", "cdubois", Ou::Contractors},
    {"S\xc3\xb8ren", "Kierkegaard", "skierkegaard", Ou::Contractors},
    {"Eve", "Expired", "eexpired", Ou::Contractors},
    {"Fred", "Future", "ffuture", Ou::Contractors},
    {"Yara", "Young", "yyoung", Ou::Contractors},
    {"Zack", "Zimmer", "zzimmer", Ou::Contractors},
    {"Ava", "Adams", "aadams", Ou::Contractors},
    {"Ben", "Baker", "bbaker", Ou::Contractors},
    {"Cleo", "Cruz", "ccruz", Ou::Contractors},
    {"Dan", "Dunn", "ddunn", Ou::Contractors},
    {"Ella", "Ellis", "eellis", Ou::Contractors},
    {"Dana", "Disabled", "ddisabled", Ou::Disabled},
};
static_assert(sizeof(kPeople) / sizeof(kPeople[0]) == SambaAdFixture::kNamedUserCount);

QString ouName(Ou ou)
{
    switch (ou) {
    case Ou::Staff:
        return QStringLiteral("Staff");
    case Ou::Contractors:
        return QStringLiteral("Contractors");
    case Ou::Disabled:
        return QStringLiteral("Disabled");
    }
    return {};
}

/// Escapes an RDN value (RFC 4514): the comma in "Smith, Anna" and friends.
QString escapeRdnValue(const QString &value)
{
    QString out;
    for (const QChar c : value) {
        if (QStringView(u",+\"\\<>;=").contains(c)) {
            out += QLatin1Char('\\');
        }
        out += c;
    }
    return out;
}

/// AD's accountExpires: 100 ns intervals since 1601-01-01 UTC.
qint64 fileTime(const QDate &date)
{
    constexpr qint64 kSecondsFrom1601To1970 = 11644473600LL;
    const qint64 seconds = QDateTime(date, QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    return (seconds + kSecondsFrom1601To1970) * 10000000LL;
}

/// One LDIF attribute line; values that are not plain ASCII (or would be misread) go base64 (RFC 2849).
QByteArray ldifLine(const QByteArray &name, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    bool safe =
        !utf8.isEmpty() && utf8.front() != ' ' && utf8.front() != ':' && utf8.front() != '<' && utf8.back() != ' ';
    for (const char c : utf8) {
        if (static_cast<unsigned char>(c) >= 0x80 || c == '\n' || c == '\r' || c == '\0') {
            safe = false;
        }
    }
    if (safe) {
        return name + ": " + utf8 + '\n';
    }
    return name + ":: " + utf8.toBase64() + '\n';
}

QString bulkName(int i)
{
    return QStringLiteral("bulk%1").arg(i, 4, 10, QLatin1Char('0'));
}
} // namespace

SambaAdFixture::SambaAdFixture()
    : SambaAdFixture(Options{})
{}

SambaAdFixture::SambaAdFixture(const Options &options)
    : m_options(options)
{}

SambaAdFixture::~SambaAdFixture()
{
    stop();
}

QString SambaAdFixture::bindPassword() const
{
    return kAdminPassword;
}

QString SambaAdFixture::caFile() const
{
    return m_dir.filePath(QStringLiteral("tls/ca.pem"));
}

QString SambaAdFixture::otherCaFile() const
{
    return m_dir.filePath(QStringLiteral("tls/other-ca.pem"));
}

QString SambaAdFixture::systemLdapConf() const
{
    return m_dir.filePath(QStringLiteral("ldap.conf"));
}

bool SambaAdFixture::writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(contents) != contents.size()) {
        m_error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool SambaAdFixture::run(
    const QString &program, const QStringList &arguments, const QByteArray &input, int timeoutMs, QByteArray *output)
{
    // The ldap tools read only what we give them: our CA, demanded; not the machine's ldap.conf. The password is
    // never an argument, so the failure message may quote the command.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LDAPCONF"), systemLdapConf());
    env.insert(QStringLiteral("LDAPTLS_CACERT"), caFile());
    env.insert(QStringLiteral("LDAPTLS_REQCERT"), QStringLiteral("demand"));
    return TestSupport::runTool(program, arguments, input, timeoutMs, &m_error, output, env);
}

bool SambaAdFixture::makeCertificates()
{
    const QString tls = m_dir.filePath(QStringLiteral("tls"));
    // libldap checks "localhost" against the machine's own name (tls_g.c replaces it with
    // ldap_int_hostname, the canonical name of gethostname()), so the certificate names both.
    // It names no IP address: ldaps://127.0.0.1 must fail the host name check.
    QStringList names{QStringLiteral("localhost")};
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) == 0 && host[0]) {
        names.append(QString::fromLocal8Bit(host));
        addrinfo hints = {};
        hints.ai_flags = AI_CANONNAME;
        hints.ai_family = AF_UNSPEC;
        addrinfo *info = nullptr;
        if (getaddrinfo(host, nullptr, &hints, &info) == 0) {
            if (info && info->ai_canonname) {
                names.append(QString::fromLocal8Bit(info->ai_canonname));
            }
            freeaddrinfo(info);
        }
    }
    names.removeDuplicates();
    QStringList san;
    for (const QString &name : std::as_const(names)) {
        san.append(QStringLiteral("DNS:") + name);
    }
    return TestSupport::makeTestPki(tls,
                                    QStringLiteral("/CN=m365sync AD test CA"),
                                    QStringLiteral("/CN=localhost"),
                                    san.join(QLatin1Char(',')),
                                    2,
                                    &m_error);
}

bool SambaAdFixture::provision()
{
    const QString dir = m_dir.path();
    const QString runDir = dir + QStringLiteral("/run");
    if (!QDir().mkpath(runDir)) {
        m_error = QStringLiteral("cannot create %1").arg(runDir);
        return false;
    }
    // Everything that would otherwise land in /run/samba or /var/lib/samba stays in the temporary
    // directory (a second samba on the machine would otherwise stop ours with "already running"),
    // and only the LDAP service runs: no smbd, KDC, DNS updates or printing.
    const QStringList options{
        QStringLiteral("interfaces=lo"),
        QStringLiteral("bind interfaces only=yes"),
        QStringLiteral("server services=ldap"),
        QStringLiteral("pid directory=") + runDir,
        QStringLiteral("ncalrpc dir=") + runDir + QStringLiteral("/ncalrpc"),
        QStringLiteral("winbindd socket directory=") + runDir + QStringLiteral("/winbindd"),
        QStringLiteral("ntp signd socket directory=") + runDir + QStringLiteral("/ntp_signd"),
        QStringLiteral("log file=") + dir + QStringLiteral("/log.%m"),
        QStringLiteral("load printers=no"),
        QStringLiteral("printcap name=/dev/null"),
        QStringLiteral("disable spoolss=yes"),
        QStringLiteral("tls enabled=yes"),
        QStringLiteral("tls keyfile=") + m_dir.filePath(QStringLiteral("tls/server.key")),
        QStringLiteral("tls certfile=") + m_dir.filePath(QStringLiteral("tls/server.pem")),
        QStringLiteral("tls cafile=") + caFile(),
        // No fsync per write: the data is thrown away, and loading 1,600 users takes half as long.
        QStringLiteral("ldb:nosync=true"),
    };
    QStringList arguments{QStringLiteral("domain"),
                          QStringLiteral("provision"),
                          QStringLiteral("--targetdir=") + dir + QStringLiteral("/dc"),
                          QStringLiteral("--realm=EXAMPLE.TEST"),
                          QStringLiteral("--domain=EXAMPLE"),
                          QStringLiteral("--server-role=dc"),
                          QStringLiteral("--dns-backend=NONE"),
                          QStringLiteral("--use-rfc2307"),
                          // LMDB loads the test data about a third faster than the default TDB.
                          QStringLiteral("--backend-store=mdb"),
                          QStringLiteral("--adminpass=") + kAdminPassword,
                          QStringLiteral("--host-name=dc1"),
                          QStringLiteral("--host-ip=127.0.0.1")};
    for (const QString &option : options) {
        arguments.append(QStringLiteral("--option=") + option);
    }
    QByteArray output;
    if (!run(kSambaTool, arguments, {}, 180000, &output)) {
        m_error.replace(kAdminPassword, QStringLiteral("***"));
        return false;
    }
    return writeFile(dir + QStringLiteral("/provision.log"), output);
}

bool SambaAdFixture::setUp()
{
    QElapsedTimer timer;
    timer.start();
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    // Fail before the provisioning (5 s) when samba could not listen anyway.
    if (!portsFree()) {
        return false;
    }
    for (const QString &binary : {kSamba, kSambaTool}) {
        if (!QFileInfo::exists(binary)) {
            m_error = QStringLiteral("%1 is missing: install the samba, samba-ad-dc and samba-ad-provision packages")
                          .arg(binary);
            return false;
        }
    }
    if (!makeCertificates()
        || !writeFile(systemLdapConf(), "TLS_CACERT " + caFile().toUtf8() + "\nTLS_REQCERT demand\n")) {
        return false;
    }
    // For the -y of ldapsearch, ldapadd and ldapmodify, which drive the server as an administrator would.
    const QString passwordFile = m_dir.filePath(QStringLiteral("admin.pw"));
    if (!writeFile(passwordFile, kAdminPassword.toUtf8())
        || !QFile::setPermissions(passwordFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner) || !provision()) {
        return false;
    }
    m_setUpMs = timer.elapsed();
    return true;
}

QStringList SambaAdFixture::ldapToolArguments() const
{
    // -y reads the password from a file, so it never shows in a process listing or an error.
    return {QStringLiteral("-x"),
            QStringLiteral("-H"),
            ldapsUrl(),
            QStringLiteral("-D"),
            bindDn(),
            QStringLiteral("-y"),
            m_dir.filePath(QStringLiteral("admin.pw")),
            QStringLiteral("-o"),
            QStringLiteral("nettimeout=5")};
}

bool SambaAdFixture::answers()
{
    QByteArray output;
    const QString error = m_error;
    const bool ok = run(QStringLiteral("ldapsearch"),
                        ldapToolArguments()
                            + QStringList{QStringLiteral("-b"),
                                          baseDn(),
                                          QStringLiteral("-s"),
                                          QStringLiteral("base"),
                                          QStringLiteral("1.1")},
                        {},
                        10000,
                        &output);
    if (!ok) {
        m_error = error;
    }
    return ok;
}

bool SambaAdFixture::portInUse(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    const bool connected = socket.waitForConnected(1000);
    socket.abort();
    return connected;
}

bool SambaAdFixture::portsFree()
{
    for (const quint16 port : {kLdapsPort, kLdapPort}) {
        if (portInUse(port)) {
            m_error = QStringLiteral("port %1 on 127.0.0.1 is already in use (another Samba AD DC or slapd?): "
                                     "SambaAdFixture needs ports 389 and 636, stop that server first")
                          .arg(port);
            return false;
        }
    }
    return true;
}

QString SambaAdFixture::logTail() const
{
    QFile log(m_dir.filePath(QStringLiteral("samba.log")));
    if (!log.open(QIODevice::ReadOnly)) {
        return QStringLiteral("(no log)");
    }
    const qint64 size = log.size();
    log.seek(qMax<qint64>(0, size - 3000));
    return QString::fromLocal8Bit(log.readAll());
}

bool SambaAdFixture::start()
{
    if (m_samba) {
        m_error = QStringLiteral("start() was already called");
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    if (!portsFree()) {
        return false;
    }
    m_samba = std::make_unique<QProcess>();
    m_samba->setProcessChannelMode(QProcess::MergedChannels);
    m_samba->setStandardOutputFile(m_dir.filePath(QStringLiteral("samba.log")));
    // Its own session and process group: samba forks a process per service and per worker, and
    // stop() can kill them all with one kill(-pgid). The stdin pipe stays open while the fixture
    // lives: samba -i exits on EOF, so even a test that crashes leaves no server behind.
    m_samba->setChildProcessModifier([] {
        ::setsid();
    });
    m_samba->start(kSamba,
                   {QStringLiteral("-i"),
                    QStringLiteral("--debug-stdout"),
                    QStringLiteral("-s"),
                    m_dir.filePath(QStringLiteral("dc/etc/smb.conf"))});
    if (!m_samba->waitForStarted(10000)) {
        m_error = QStringLiteral("cannot start samba: %1").arg(m_samba->errorString());
        m_samba.reset();
        return false;
    }
    m_sambaPid = m_samba->processId();
    const QDeadlineTimer deadline(kReadyTimeoutMs);
    bool ready = false;
    while (!deadline.hasExpired()) {
        if (m_samba->state() != QProcess::Running) {
            m_error = QStringLiteral("samba exited (code %1): %2").arg(m_samba->exitCode()).arg(logTail());
            stop();
            return false;
        }
        if (answers()) {
            ready = true;
            break;
        }
        // Until the next probe, wait for samba itself: an exit (bad configuration) ends the wait at once.
        m_samba->waitForFinished(100);
    }
    if (!ready) {
        m_error = QStringLiteral("samba did not accept an LDAPS bind within %1 s: %2")
                      .arg(kReadyTimeoutMs / 1000)
                      .arg(logTail());
        stop();
        return false;
    }
    m_readyMs = timer.elapsed();
    if (m_options.testData) {
        const QString ldif = m_dir.filePath(QStringLiteral("testdata.ldif"));
        // One ldapadd for everything: a process per entry would cost more than the adds.
        if (!writeFile(ldif, testDataLdif())
            || !run(
                QStringLiteral("ldapadd"), ldapToolArguments() + QStringList{QStringLiteral("-f"), ldif}, {}, 180000)) {
            m_error = QStringLiteral("loading the test data failed: ") + m_error;
            return false;
        }
    }
    m_startMs = timer.elapsed();
    return true;
}

bool SambaAdFixture::modify(const QByteArray &ldif)
{
    if (!m_samba) {
        m_error = QStringLiteral("modify() needs a started server");
        return false;
    }
    return run(QStringLiteral("ldapmodify"), ldapToolArguments(), ldif);
}

void SambaAdFixture::stop()
{
    if (!m_samba) {
        return;
    }
    const pid_t group = static_cast<pid_t>(m_sambaPid);
    if (m_samba->state() != QProcess::NotRunning) {
        // samba -i shuts down (and takes its children along) when its stdin closes; kill the whole
        // process group when that does not happen in time.
        m_samba->closeWriteChannel();
        if (!m_samba->waitForFinished(5000)) {
            ::kill(-group, SIGKILL);
            m_samba->waitForFinished(5000);
        }
    }
    // Workers that outlived the master would still hold the listening sockets.
    if (::kill(-group, SIGKILL) == 0 || errno != ESRCH) {
        const QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired() && (portInUse(kLdapsPort) || portInUse(kLdapPort))) {
            QThread::msleep(50);
        }
    }
    m_samba.reset();
}

QList<SambaAdFixture::User> SambaAdFixture::users() const
{
    QList<User> list;
    for (const Person &p : kPeople) {
        User u;
        u.givenName = QString::fromUtf8(p.givenName);
        u.sn = QString::fromUtf8(p.sn);
        u.cn = p.cn ? QString::fromUtf8(p.cn) : u.givenName + QLatin1Char(' ') + u.sn;
        u.displayName = p.displayName ? QString::fromUtf8(p.displayName) : u.givenName + QLatin1Char(' ') + u.sn;
        u.samAccountName = QString::fromLatin1(p.sam);
        u.userPrincipalName = u.samAccountName + QStringLiteral("@example.test");
        u.mail = u.userPrincipalName;
        u.dn = QStringLiteral("CN=") + escapeRdnValue(u.cn) + QLatin1Char(',') + ouDn(ouName(p.ou));
        if (p.ou == Ou::Disabled) {
            u.userAccountControl = 514;
        }
        if (u.samAccountName == QLatin1String("eexpired")) {
            u.accountExpires = fileTime(QDate(2020, 1, 1));
        } else if (u.samAccountName == QLatin1String("ffuture")) {
            u.accountExpires = fileTime(QDate(2100, 1, 1));
        }
        list.append(u);
    }
    return list;
}

SambaAdFixture::User SambaAdFixture::user(const QString &samAccountName) const
{
    const QList<User> all = users();
    for (const User &u : all) {
        if (u.samAccountName == samAccountName) {
            return u;
        }
    }
    return {};
}

QList<SambaAdFixture::Group> SambaAdFixture::groups() const
{
    const QString groupsOu = ouDn(QStringLiteral("Groups"));
    Group platform{platformGroupDn(),
                   QStringLiteral("Platform"),
                   {commaUserDn(),
                    user(QStringLiteral("jgross")).dn,
                    user(QStringLiteral("zagren")).dn,
                    user(QStringLiteral("xlee")).dn}};
    Group engineering{engineeringGroupDn(),
                      QStringLiteral("Engineering"),
                      {platformGroupDn(), user(QStringLiteral("aanderson")).dn, user(QStringLiteral("bbrown")).dn}};
    Group contractors{QStringLiteral("CN=Contractors All,") + groupsOu, QStringLiteral("Contractors All"), {}};
    const QString contractorsOu = ouDn(QStringLiteral("Contractors"));
    const QList<User> all = users();
    for (const User &u : all) {
        if (u.dn.endsWith(contractorsOu)) {
            contractors.memberDns.append(u.dn);
        }
    }
    Group bulk{largeGroupDn(), QStringLiteral("Everyone Bulk"), {}};
    for (int i = 0; i < kBulkUserCount; ++i) {
        bulk.memberDns.append(QStringLiteral("CN=") + bulkName(i) + QLatin1Char(',') + ouDn(QStringLiteral("Bulk")));
    }
    // In the order they can be added: a group's members exist before it.
    return {platform, engineering, contractors, bulk};
}

QByteArray SambaAdFixture::testDataLdif() const
{
    QByteArray ldif;
    for (const char *ou : {"Staff", "Contractors", "Disabled", "Groups", "Bulk"}) {
        ldif += ldifLine("dn", ouDn(QLatin1String(ou))) + "objectClass: organizationalUnit\n"
            + ldifLine("ou", QLatin1String(ou)) + '\n';
    }
    const QList<User> people = users();
    for (const User &u : people) {
        ldif += ldifLine("dn", u.dn) + "objectClass: user\n" + ldifLine("cn", u.cn) + ldifLine("givenName", u.givenName)
            + ldifLine("sn", u.sn) + ldifLine("displayName", u.displayName)
            + ldifLine("sAMAccountName", u.samAccountName) + ldifLine("userPrincipalName", u.userPrincipalName)
            + ldifLine("mail", u.mail) + "userAccountControl: " + QByteArray::number(u.userAccountControl) + '\n';
        if (u.accountExpires) {
            ldif += "accountExpires: " + QByteArray::number(u.accountExpires) + '\n';
        }
        ldif += '\n';
    }
    ldif.reserve(ldif.size() + kBulkUserCount * 260);
    for (int i = 0; i < kBulkUserCount; ++i) {
        // Without a password Samba only keeps an account enabled when PASSWD_NOTREQD (0x20) is set.
        const QByteArray name = bulkName(i).toLatin1();
        ldif += "dn: CN=" + name + ',' + ouDn(QStringLiteral("Bulk")).toLatin1() + "\nobjectClass: user\ncn: " + name
            + "\nsAMAccountName: " + name + "\nuserPrincipalName: " + name
            + "@example.test\nuserAccountControl: 544\n\n";
    }
    const QList<Group> all = groups();
    for (const Group &g : all) {
        ldif += ldifLine("dn", g.dn) + "objectClass: group\n" + ldifLine("cn", g.cn)
            + ldifLine("sAMAccountName", g.cn.toLower().replace(QLatin1Char(' '), QLatin1Char('-')));
        for (const QString &member : g.memberDns) {
            ldif += ldifLine("member", member);
        }
        ldif += '\n';
    }
    return ldif;
}
