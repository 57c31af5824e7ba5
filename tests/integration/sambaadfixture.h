// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

/**
 * A throwaway Samba Active Directory domain controller for tests (recipe in shared/TOOLCHAIN.md).
 *
 * setUp() makes a test CA, a server certificate and an unrelated second CA with the openssl CLI
 * and provisions the domain EXAMPLE.TEST (DC=example,DC=test) into a temporary directory with
 * `samba-tool domain provision`, configured so that nothing outside that directory is used: its
 * own pid, socket, state and log directories, only the LDAP service, no printing. start() runs
 * `samba -i` in its own process group, waits (bounded) until an LDAPS simple bind as the
 * administrator succeeds and loads the test data with a single ldapadd over LDAPS. stop() and the
 * destructor end samba and all its children, so the next test can have ports 389 and 636; samba
 * also exits by itself when its stdin closes, which happens when a crashing test process dies.
 *
 * Samba listens on the fixed LDAP ports of loopback: only one fixture can run at a time on a
 * machine (CTest's RESOURCE_LOCK samba_ad_ports). A missing binary, a failed provision or a
 * port already taken is an error, never a skip: a test that cannot run its server must fail.
 *
 * Blocking waits (QProcess::waitFor*) are fine here: this is test set-up, not engine code.
 */
class SambaAdFixture
{
public:
    /// One of the named test users (the 1,600 bulk users are only counted).
    struct User
    {
        QString dn;
        QString cn;
        QString givenName;
        QString sn;
        QString displayName;
        QString samAccountName;
        QString userPrincipalName;
        QString mail;
        /// As added: 544 (NORMAL_ACCOUNT | PASSWD_NOTREQD, enabled, no password) or 514 (disabled).
        int userAccountControl = 544;
        /// accountExpires as added (FILETIME, 100 ns since 1601); 0 when left to Samba's "never".
        qint64 accountExpires = 0;
    };

    /// One of the test groups, with the DNs of its direct members (users or groups).
    struct Group
    {
        QString dn;
        QString cn;
        QStringList memberDns;
    };

    struct Options
    {
        /// Load the users and groups described below in start(); off for tests that bring their own.
        bool testData = true;
    };

    /// Named users (Staff, Contractors, Disabled) in the test data.
    static constexpr int kNamedUserCount = 40;
    /// Minimal users in OU=Bulk, all members of largeGroup(): more than AD's MaxValRange of 1,500.
    static constexpr int kBulkUserCount = 1600;
    /// Groups in OU=Groups.
    static constexpr int kGroupCount = 4;

    SambaAdFixture();
    explicit SambaAdFixture(const Options &options);
    ~SambaAdFixture();
    SambaAdFixture(const SambaAdFixture &) = delete;
    SambaAdFixture &operator=(const SambaAdFixture &) = delete;

    /// Makes the certificates, provisions the domain and writes ldap.conf. Call first.
    bool setUp();
    /// Starts samba, waits until LDAPS answers and loads the test data.
    bool start();
    /// Applies LDIF change records with ldapmodify over LDAPS as the administrator (after start()).
    bool modify(const QByteArray &ldif);
    /// Kills samba and its children and waits (bounded) until ports 389 and 636 are free again.
    void stop();

    /// Verifies with caFile(). The certificate names "localhost" and this machine's host name, because
    /// libldap checks a connection to "localhost" against the machine's canonical host name.
    QString ldapsUrl() const { return QStringLiteral("ldaps://localhost"); }
    /// Plain LDAP, for StartTLS (Samba refuses simple binds without transport encryption).
    QString startTlsUrl() const { return QStringLiteral("ldap://localhost"); }
    /// The server certificate names host names only, so this fails the host name check.
    QString mismatchUrl() const { return QStringLiteral("ldaps://127.0.0.1"); }
    QString bindDn() const { return QStringLiteral("CN=Administrator,CN=Users,") + baseDn(); }
    QString bindPassword() const;
    QString baseDn() const { return QStringLiteral("DC=example,DC=test"); }
    QString caFile() const;
    /// A CA that did not sign the server certificate (for "wrong CA" tests).
    QString otherCaFile() const;
    /// An ldap.conf whose TLS_CACERT names caFile(): set LDAPCONF to it before the process's
    /// first libldap call to stand in for the system trust store.
    QString systemLdapConf() const;
    QString directory() const { return m_dir.path(); }
    QString errorString() const { return m_error; }
    /// How long setUp() and start() took, and how much of start() went by until samba answered, for the test log.
    qint64 setUpMilliseconds() const { return m_setUpMs; }
    qint64 startMilliseconds() const { return m_startMs; }
    qint64 readyMilliseconds() const { return m_readyMs; }

    // ---- the test data ----

    QList<User> users() const;
    QList<Group> groups() const;
    /// The user with this sAMAccountName among users(); a default User when there is none.
    User user(const QString &samAccountName) const;
    QString ouDn(const QString &ou) const { return QStringLiteral("OU=%1,").arg(ou) + baseDn(); }
    /// "CN=Smith\, Anna,OU=Staff,…": a CN with an escaped comma.
    QString commaUserDn() const { return user(QStringLiteral("asmith")).dn; }
    /// userAccountControl 514.
    QString disabledUserDn() const { return user(QStringLiteral("ddisabled")).dn; }
    /// accountExpires in 2020, userAccountControl 544 (enabled).
    QString expiredUserDn() const { return user(QStringLiteral("eexpired")).dn; }
    /// accountExpires in 2100.
    QString futureUserDn() const { return user(QStringLiteral("ffuture")).dn; }
    /// Engineering: holds platformGroupDn() and two users.
    QString engineeringGroupDn() const { return QStringLiteral("CN=Engineering,") + ouDn(QStringLiteral("Groups")); }
    /// Platform: nested in Engineering; holds the comma CN and the non-ASCII users.
    QString platformGroupDn() const { return QStringLiteral("CN=Platform,") + ouDn(QStringLiteral("Groups")); }
    /// Everyone Bulk: the kBulkUserCount users of OU=Bulk.
    QString largeGroupDn() const { return QStringLiteral("CN=Everyone Bulk,") + ouDn(QStringLiteral("Groups")); }
    /// The LDIF start() loads (generated, not a checked-in file).
    QByteArray testDataLdif() const;

private:
    bool run(const QString &program,
             const QStringList &arguments,
             const QByteArray &input = {},
             int timeoutMs = 60000,
             QByteArray *output = nullptr);
    bool makeCertificates();
    bool provision();
    bool writeFile(const QString &path, const QByteArray &contents);
    bool answers();
    static bool portInUse(quint16 port);
    bool portsFree();
    QStringList ldapToolArguments() const;
    QString logTail() const;

    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_samba;
    qint64 m_sambaPid = 0;
    QString m_error;
    qint64 m_setUpMs = 0;
    qint64 m_startMs = 0;
    qint64 m_readyMs = 0;
};
