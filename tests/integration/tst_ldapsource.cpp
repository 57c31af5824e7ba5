// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/ldapsource.h"
#include "directory/ldifsource.h"
#include "directoryjobrun.h"
#include "slapdfixture.h"

#include <QFile>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryFile>
#include <QTest>

using namespace M365::Directory;
using Outcome = TestSupport::DirectoryOutcome;

namespace {
constexpr int kBulkUsers = 1200;
/// The sample's inetOrgPerson entries in ou=people (the 50th person, uid=madonna, is a posixAccount only).
constexpr int kPeople = 49;
const QString kSample = QStringLiteral(M365_SOURCE_DIR "/resources/sample/directory.ldif");

/// A user whose name is the same in every script we care about, numbered.
QByteArray bulkUser(int i)
{
    const QByteArray n = QByteArray::number(i).rightJustified(5, '0');
    const QByteArray cn = "Zo\xc3\xab \xc3\x9cnic\xc3\xb8"
                          "de \xe7\x94\xb0\xe4\xb8\xad "
        + n;
    return "dn: uid=bulk" + n + ",ou=bulk,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: bulk" + n
        + "\ncn:: " + cn.toBase64() + "\nsn: Bulk\nemployeeNumber: " + (i % 100 == 0 ? QByteArray() : n) + "\n\n";
}
} // namespace

class TestLdapSource : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SlapdFixture> m_slapd;
    QTemporaryFile m_ldapConf;

    LdapConfig config(const QString &baseDn = QStringLiteral("dc=example,dc=org")) const
    {
        LdapConfig c = LdapConfig::fromPreset(LdapPreset::OpenLdap);
        c.url = m_slapd->url();
        c.tls = LdapConfig::Tls::None;
        c.bindDn = QStringLiteral("uid=reader,ou=bulk,dc=example,dc=org");
        c.baseDn = baseDn;
        c.pageSize = 100;
        c.timeoutSeconds = 5;
        return c;
    }

    Outcome run(DirectoryJob *job, int timeoutMs = 30000) { return TestSupport::runDirectoryJob(job, this, timeoutMs); }

private Q_SLOTS:
    void initTestCase()
    {
        SlapdFixture::Options options;
        options.tls = true;
        m_slapd = std::make_unique<SlapdFixture>(options);
        QVERIFY2(m_slapd->setUp(), qPrintable(m_slapd->errorString()));
        QVERIFY2(m_slapd->loadLdifFile(kSample), qPrintable(m_slapd->errorString()));
        QByteArray bulk = "dn: ou=bulk,dc=example,dc=org\nobjectClass: organizationalUnit\nou: bulk\n\n"
                          "dn: uid=reader,ou=bulk,dc=example,dc=org\nobjectClass: account\n"
                          "objectClass: simpleSecurityObject\nuid: reader\nuserPassword: readerpw\n\n";
        for (int i = 0; i < kBulkUsers; ++i) {
            bulk += bulkUser(i);
        }
        QVERIFY2(m_slapd->loadLdif(bulk), qPrintable(m_slapd->errorString()));
        QVERIFY2(m_slapd->start(), qPrintable(m_slapd->errorString()));
        // The system trust store of this process: an ldap.conf naming the test CA, read by libldap at its first use
        // (nothing before this line calls libldap in this process).
        QVERIFY(m_ldapConf.open());
        m_ldapConf.write("TLS_CACERT " + QFile::encodeName(m_slapd->caFile()) + "\n");
        m_ldapConf.flush();
        qputenv("LDAPCONF", QFile::encodeName(m_ldapConf.fileName()));
    }

    void cleanupTestCase() { m_slapd.reset(); }

    void everyEntryOnceAcrossPages()
    {
        // A non-root reader, 100 per page, 1,200 entries: past slapd's soft limit of 500.
        LdapSource source(config(QStringLiteral("ou=bulk,dc=example,dc=org")), QStringLiteral("readerpw"));
        const Outcome out = run(source.read(ReadScope::Users));
        QVERIFY(out.finished);
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        QCOMPARE(out.entries.size(), kBulkUsers);
        QVERIFY(out.problems.isEmpty());
        QSet<QString> anchors;
        QSet<QString> dns;
        for (const DirectoryEntry &e : out.entries) {
            anchors.insert(e.anchor);
            dns.insert(e.dn);
            QCOMPARE(e.anchorAttribute, QStringLiteral("entryuuid"));
            QCOMPARE(e.anchor.size(), 36);
        }
        QCOMPARE(anchors.size(), kBulkUsers);
        QCOMPARE(dns.size(), kBulkUsers);
        const QString expected = QString::fromUtf8("Zo\xc3\xab \xc3\x9cnic\xc3\xb8"
                                                   "de \xe7\x94\xb0\xe4\xb8\xad ");
        QVERIFY(out.entries.first().value(QStringLiteral("cn")).startsWith(expected));
    }

    void unicodeMatchesTheLdif()
    {
        // The sample loaded into slapd and the sample read as a file: same anchors (entryUUID is
        // kept by slapadd), same names byte for byte.
        LdifSource file(kSample);
        const Outcome fromFile = run(file.read());
        QCOMPARE(fromFile.entries.size(), 56);
        LdapConfig c = config(QStringLiteral("dc=example,dc=org"));
        c.userFilter = QStringLiteral("(&(objectClass=posixAccount)(!(uid=bulk*)))");
        c.groupFilter = QStringLiteral("(objectClass=groupOfNames)");
        LdapSource ldap(c, QStringLiteral("readerpw"));
        const Outcome fromLdap = run(ldap.read());
        QVERIFY2(fromLdap.error.isNull(), qPrintable(fromLdap.error.details));
        QCOMPARE(fromLdap.entries.size(), fromFile.entries.size());
        QHash<QString, DirectoryEntry> byAnchor;
        for (const DirectoryEntry &e : fromLdap.entries) {
            byAnchor.insert(e.anchor, e);
        }
        for (const DirectoryEntry &expected : fromFile.entries) {
            QVERIFY2(byAnchor.contains(expected.anchor), qPrintable(expected.dn));
            const DirectoryEntry actual = byAnchor.value(expected.anchor);
            QCOMPARE(actual.kind, expected.kind);
            QCOMPARE(actual.disabled, expected.disabled);
            for (const QString &name : {QStringLiteral("cn"), QStringLiteral("sn"), QStringLiteral("givenName")}) {
                QCOMPARE(actual.values(name), expected.values(name));
                QCOMPARE(actual.value(name).toUtf8(), expected.value(name).toUtf8());
            }
        }
    }

    void tls_data()
    {
        QTest::addColumn<bool>("ldaps");
        QTest::addColumn<QString>("ca");
        QTest::newRow("StartTLS, right CA") << false << "right";
        QTest::newRow("ldaps, right CA") << true << "right";
        QTest::newRow("StartTLS, CA only in the system trust") << false << "system";
        QTest::newRow("ldaps, CA only in the system trust") << true << "system";
        QTest::newRow("StartTLS, wrong CA") << false << "wrong";
        QTest::newRow("ldaps, wrong CA") << true << "wrong";
    }

    void tls()
    {
        QFETCH(bool, ldaps);
        QFETCH(QString, ca);
        LdapConfig c = config(QStringLiteral("ou=bulk,dc=example,dc=org"));
        c.url = ldaps ? m_slapd->ldapsUrl() : m_slapd->url();
        c.tls = ldaps ? LdapConfig::Tls::Ldaps : LdapConfig::Tls::StartTls;
        // "system": no CA file, so the connection trusts ldap.conf's TLS_CACERT, which LDAPCONF points at the test CA.
        c.caFile = ca == QLatin1String("right") ? m_slapd->caFile()
            : ca == QLatin1String("wrong")      ? m_slapd->otherCaFile()
                                                : QString();
        LdapSource source(c, QStringLiteral("readerpw"));
        const Outcome out = run(source.testConnection());
        QVERIFY(out.finished);
        if (ca != QLatin1String("wrong")) {
            QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
            QCOMPARE(out.summary.userCount, kBulkUsers);
            QCOMPARE(out.summary.serverCertificate.subject, QStringLiteral("CN=127.0.0.1"));
            QCOMPARE(out.summary.serverCertificate.issuer, QStringLiteral("CN=m365sync test CA"));
            QVERIFY(out.summary.serverCertificate.notAfter > QDateTime::currentDateTimeUtc());
        } else {
            QCOMPARE(DirectoryError::codeOf(out.error), DirectoryError::TlsFailed);
            // The cause from the certificate itself: who issued it, and which CAs were trusted instead.
            QVERIFY2(out.error.userMessage.contains(QStringLiteral("issued by \"CN=m365sync test CA\"")),
                     qPrintable(out.error.userMessage));
            QVERIFY2(out.error.userMessage.contains(m_slapd->otherCaFile()), qPrintable(out.error.userMessage));
        }
    }

    void plainConnectionHasNoCertificate()
    {
        LdapSource source(config(QStringLiteral("ou=bulk,dc=example,dc=org")), QStringLiteral("readerpw"));
        const Outcome out = run(source.testConnection());
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        QVERIFY(out.summary.serverCertificate.isNull());
    }

    void urlAndEncryptionMustAgree_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("tls");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("LDAPS on the plain port")
            << "ldap://127.0.0.1:389" << int(LdapConfig::Tls::Ldaps) << QStringLiteral("names port 389");
        QTest::newRow("ldaps URL with StartTLS")
            << "ldaps://127.0.0.1" << int(LdapConfig::Tls::StartTls) << QStringLiteral("starts with ldaps://");
        QTest::newRow("ldaps URL without encryption")
            << "ldaps://127.0.0.1" << int(LdapConfig::Tls::None) << QStringLiteral("starts with ldaps://");
    }

    void urlAndEncryptionMustAgree()
    {
        QFETCH(QString, url);
        QFETCH(int, tls);
        QFETCH(QString, messagePart);
        LdapConfig c = config();
        c.url = url;
        c.tls = LdapConfig::Tls(tls);
        LdapSource source(c, QStringLiteral("readerpw"));
        const Outcome out = run(source.testConnection());
        QCOMPARE(DirectoryError::codeOf(out.error), DirectoryError::InvalidConfiguration);
        QVERIFY2(out.error.userMessage.contains(messagePart), qPrintable(out.error.userMessage));
    }

    void failures_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("wrong password") << "password" << int(DirectoryError::InvalidCredentials)
                                        << QStringLiteral("password");
        QTest::newRow("empty password") << "empty" << int(DirectoryError::InvalidConfiguration)
                                        << QStringLiteral("password is empty");
        QTest::newRow("unreachable") << "port" << int(DirectoryError::ServerUnreachable)
                                     << QStringLiteral("Cannot reach");
        QTest::newRow("bad base DN") << "base" << int(DirectoryError::NoSuchBase) << QStringLiteral("ou=nowhere");
        QTest::newRow("bad filter") << "filter" << int(DirectoryError::InvalidFilter) << QStringLiteral("filter");
        QTest::newRow("bad url") << "url" << int(DirectoryError::InvalidConfiguration)
                                 << QStringLiteral("not a valid LDAP address");
        QTest::newRow("no StartTLS on ldaps port")
            << "starttls" << int(DirectoryError::TlsFailed) << QStringLiteral("does not complete StartTLS");
    }

    void failures()
    {
        QFETCH(QString, what);
        QFETCH(int, code);
        QFETCH(QString, messagePart);
        LdapConfig c = config();
        QString password = QStringLiteral("readerpw");
        if (what == QLatin1String("password")) {
            password = QStringLiteral("wrong");
        } else if (what == QLatin1String("empty")) {
            password.clear();
        } else if (what == QLatin1String("port")) {
            SlapdFixture unused; // a port nobody listens on: the fixture never started
            c.url = QStringLiteral("ldap://127.0.0.1:1");
        } else if (what == QLatin1String("base")) {
            c.baseDn = QStringLiteral("ou=nowhere,dc=example,dc=org");
        } else if (what == QLatin1String("filter")) {
            c.userFilter = QStringLiteral("(&(objectClass=person)(uid=x");
        } else if (what == QLatin1String("url")) {
            c.url = QStringLiteral("http//example");
        } else if (what == QLatin1String("starttls")) {
            c.url = QStringLiteral("ldap://127.0.0.1:") + m_slapd->ldapsUrl().section(QLatin1Char(':'), -1);
            c.tls = LdapConfig::Tls::StartTls;
            c.caFile = m_slapd->caFile();
            c.timeoutSeconds = 2;
        }
        LdapSource source(c, password);
        const Outcome read = run(source.read());
        QVERIFY(read.finished);
        QCOMPARE(int(DirectoryError::codeOf(read.error)), code);
        QVERIFY2(read.error.userMessage.contains(messagePart), qPrintable(read.error.userMessage));
        QVERIFY(!read.error.details.contains(QStringLiteral("readerpw")));
        const Outcome tested = run(source.testConnection());
        QCOMPARE(int(DirectoryError::codeOf(tested.error)), code);
    }

    void anonymousBind()
    {
        LdapConfig c = config(QStringLiteral("ou=groups,dc=example,dc=org"));
        c.bindDn.clear();
        LdapSource source(c);
        const Outcome out = run(source.read(ReadScope::Groups));
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        QCOMPARE(out.entries.size(), 6);
        for (const DirectoryEntry &g : out.entries) {
            QCOMPARE(g.kind, EntryKind::Group);
            QVERIFY(!g.values(QStringLiteral("member")).isEmpty());
        }
    }

    void testConnectionSummary()
    {
        LdapConfig c = config(QStringLiteral("ou=people,dc=example,dc=org"));
        c.userFilter = QStringLiteral("(objectClass=posixAccount)");
        LdapSource source(c, QStringLiteral("readerpw"));
        const Outcome out = run(source.testConnection());
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        QCOMPARE(out.summary.userCount, 50);
        QCOMPARE(out.summary.groupCount, 0);
        QVERIFY(out.summary.supportsPagedResults);
        QVERIFY(out.summary.supportsSyncRepl);
        QVERIFY(out.summary.namingContexts.contains(QStringLiteral("dc=example,dc=org")));
        QCOMPARE(out.summary.samples.size(), 5);
        QVERIFY(out.entries.isEmpty());
    }

    void containerTree()
    {
        // One paged search for the containers, one each for the users and groups (DNs only), counted per container.
        LdapSource source(config(), QStringLiteral("readerpw"));
        const Outcome out = run(source.readContainers());
        QVERIFY(out.finished);
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        QVERIFY(out.entries.isEmpty());
        const QList<DirectoryContainer> &tree = out.summary.containers;
        QStringList dns;
        for (const DirectoryContainer &c : tree) {
            dns.append(c.dn);
        }
        QCOMPARE(dns,
                 (QStringList{QStringLiteral("dc=example,dc=org"),
                              QStringLiteral("ou=bulk,dc=example,dc=org"),
                              QStringLiteral("ou=groups,dc=example,dc=org"),
                              QStringLiteral("ou=people,dc=example,dc=org")}));
        QCOMPARE(tree.at(0).name, QStringLiteral("example"));
        QCOMPARE(tree.at(0).parent, -1);
        QCOMPARE(tree.at(0).directUsers, 0);
        QCOMPARE(tree.at(0).subtreeUsers, kBulkUsers + kPeople);
        QCOMPARE(tree.at(0).subtreeGroups, 6);
        QCOMPARE(tree.at(1).name, QStringLiteral("bulk"));
        QCOMPARE(tree.at(1).parent, 0);
        QCOMPARE(tree.at(1).directUsers, kBulkUsers);
        QCOMPARE(tree.at(1).subtreeGroups, 0);
        QCOMPARE(tree.at(2).directGroups, 6);
        QCOMPARE(tree.at(2).subtreeUsers, 0);
        QCOMPARE(tree.at(3).directUsers, kPeople);
        QCOMPARE(tree.at(3).subtreeUsers, kPeople);
        QCOMPARE(out.summary.userCount, kBulkUsers + kPeople);
        QCOMPARE(out.summary.groupCount, 6);

        // What the admin chooses from is the whole tree: the scopes of the config do not apply to it.
        LdapConfig scoped = config();
        scoped.userContainers.excluded = QStringList{QStringLiteral("ou=bulk,dc=example,dc=org")};
        LdapSource scopedSource(scoped, QStringLiteral("readerpw"));
        const Outcome again = run(scopedSource.readContainers());
        QVERIFY2(again.error.isNull(), qPrintable(again.error.details));
        QCOMPARE(again.summary.containers.at(1).subtreeUsers, kBulkUsers);
    }

    void containerTreeNeedsLdap()
    {
        LdifSource file(kSample);
        const Outcome out = run(file.readContainers());
        QVERIFY(out.finished);
        QCOMPARE(DirectoryError::codeOf(out.error), DirectoryError::InvalidConfiguration);
        QVERIFY2(out.error.userMessage.contains(QStringLiteral("not an LDAP directory")),
                 qPrintable(out.error.userMessage));
    }

    void containerScopeHonoured_data()
    {
        QTest::addColumn<QStringList>("userInclude");
        QTest::addColumn<QStringList>("userExclude");
        QTest::addColumn<QStringList>("groupInclude");
        QTest::addColumn<QStringList>("groupExclude");
        QTest::addColumn<int>("users");
        QTest::addColumn<int>("groups");
        QTest::addColumn<QString>("userContainer"); ///< where every user read must lie
        const QString bulk = QStringLiteral("ou=bulk,dc=example,dc=org");
        const QString people = QStringLiteral("ou=people,dc=example,dc=org");
        const QString groups = QStringLiteral("ou=groups,dc=example,dc=org");
        QTest::newRow("everything") << QStringList() << QStringList() << QStringList() << QStringList()
                                    << kBulkUsers + kPeople << 6 << QString();
        QTest::newRow("users: bulk left out") << QStringList() << QStringList{bulk} << QStringList() << QStringList()
                                              << kPeople << 6 << QStringLiteral(",ou=people,dc=example,dc=org");
        QTest::newRow("users: only people, spelled otherwise")
            << QStringList{QStringLiteral("OU=People, DC=Example,DC=org")} << QStringList() << QStringList()
            << QStringList() << kPeople << 6 << QStringLiteral(",ou=people,dc=example,dc=org");
        QTest::newRow("users: only bulk; groups: none")
            << QStringList{bulk} << QStringList() << QStringList() << QStringList{groups} << kBulkUsers << 0
            << QStringLiteral(",ou=bulk,dc=example,dc=org");
        QTest::newRow("groups: only their OU") << QStringList() << QStringList() << QStringList{groups} << QStringList()
                                               << kBulkUsers + kPeople << 6 << QString();
        QTest::newRow("groups: only people's OU") << QStringList() << QStringList() << QStringList{people}
                                                  << QStringList() << kBulkUsers + kPeople << 0 << QString();
        QTest::newRow("users: one person taken in again below an excluded OU")
            << QStringList{QStringLiteral("dc=example,dc=org"), QStringLiteral("uid=jmuller,") + people}
            << QStringList{people} << QStringList() << QStringList() << kBulkUsers + 1 << 6 << QString();
    }

    void containerScopeHonoured()
    {
        QFETCH(QStringList, userInclude);
        QFETCH(QStringList, userExclude);
        QFETCH(QStringList, groupInclude);
        QFETCH(QStringList, groupExclude);
        QFETCH(int, users);
        QFETCH(int, groups);
        QFETCH(QString, userContainer);
        LdapConfig c = config();
        c.userContainers = ContainerScope(userInclude, userExclude);
        c.groupContainers = ContainerScope(groupInclude, groupExclude);
        LdapSource source(c, QStringLiteral("readerpw"));

        const Outcome read = run(source.read());
        QVERIFY(read.finished);
        QVERIFY2(read.error.isNull(), qPrintable(read.error.details));
        // Entries outside the scope are left out silently: they are no problem of the read.
        QVERIFY2(read.problems.isEmpty(), qPrintable(read.problems.value(0).toString()));
        int readUsers = 0;
        int readGroups = 0;
        for (const DirectoryEntry &e : read.entries) {
            if (e.kind == EntryKind::User) {
                ++readUsers;
                QVERIFY2(userContainer.isEmpty() || e.dn.endsWith(userContainer), qPrintable(e.dn));
                QVERIFY(c.userContainers.contains(e.dn));
            } else {
                ++readGroups;
                QVERIFY(c.groupContainers.contains(e.dn));
            }
        }
        QCOMPARE(readUsers, users);
        QCOMPARE(readGroups, groups);

        const Outcome counted = run(source.count());
        QVERIFY2(counted.error.isNull(), qPrintable(counted.error.details));
        QCOMPARE(counted.summary.userCount, users);
        QCOMPARE(counted.summary.groupCount, groups);

        // The test on the wizard's page counts the same and shows samples from inside the scope only.
        const Outcome tested = run(source.testConnection());
        QVERIFY2(tested.error.isNull(), qPrintable(tested.error.details));
        QCOMPARE(tested.summary.userCount, users);
        QCOMPARE(tested.summary.groupCount, groups);
        QCOMPARE(tested.summary.samples.size(), qMin(users, 5));
        for (const DirectoryEntry &sample : tested.summary.samples) {
            QVERIFY2(c.userContainers.contains(sample.dn), qPrintable(sample.dn));
        }
    }

    void missingAnchorReportedOthersDelivered()
    {
        LdapConfig c = config(QStringLiteral("ou=bulk,dc=example,dc=org"));
        c.anchorAttribute = QStringLiteral("employeeNumber");
        LdapSource source(c, QStringLiteral("readerpw"));
        const Outcome out = run(source.read(ReadScope::Users));
        QVERIFY(out.error.isNull());
        QCOMPARE(out.problems.size(), kBulkUsers / 100);
        QCOMPARE(out.entries.size(), kBulkUsers - kBulkUsers / 100);
        QVERIFY(out.problems.first().dn.startsWith(QStringLiteral("uid=bulk")));
        QVERIFY(out.problems.first().reason.contains(QStringLiteral("employeeNumber")));
    }

    void cancelStopsPromptly()
    {
        LdapConfig c = config(QStringLiteral("ou=bulk,dc=example,dc=org"));
        c.pageSize = 10;
        LdapSource source(c, QStringLiteral("readerpw"));
        DirectoryJob *job = source.read(ReadScope::Users, this);
        int seen = 0;
        connect(job, &DirectoryJob::entry, this, [&seen, job] {
            if (++seen == 5) {
                job->cancel();
            }
        });
        QSignalSpy finished(job, &DirectoryJob::finished);
        job->start();
        QVERIFY(finished.wait(10000));
        QVERIFY(job->wasCancelled());
        QVERIFY(job->error().isCancelled());
        QCOMPARE(job->directoryError(), DirectoryError::Other);
        // Nothing arrives after cancel(), though the page being read had more.
        QCOMPARE(seen, 5);
        delete job; // joins the worker, which stops at its next check
        QCOMPARE(finished.size(), 1);
    }

    void watch_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("syncrepl") << int(LdapConfig::WatchMode::Auto);
        QTest::newRow("poll") << int(LdapConfig::WatchMode::Poll);
    }

    void watch()
    {
        QFETCH(int, mode);
        const bool poll = mode == int(LdapConfig::WatchMode::Poll);
        LdapConfig c = config(QStringLiteral("ou=people,dc=example,dc=org"));
        c.watchMode = LdapConfig::WatchMode(mode);
        c.pollIntervalSeconds = 1;
        c.changeAttribute = QStringLiteral("entryCSN");
        c.attributes = {QStringLiteral("cn"), QStringLiteral("description"), QStringLiteral("entryCSN")};
        LdapSource source(c, QStringLiteral("readerpw"));
        DirectoryJob *job = source.watch(this);
        QSignalSpy ready(job, &DirectoryJob::ready);
        QSignalSpy changed(job, &DirectoryJob::changed);
        QSignalSpy finished(job, &DirectoryJob::finished);
        job->start();
        QVERIFY(ready.wait(10000));
        QVERIFY(changed.isEmpty());

        const QString tag = poll ? QStringLiteral("poll") : QStringLiteral("sync");
        QVERIFY2(m_slapd->modify("dn: uid=jmuller,ou=people,dc=example,dc=org\nchangetype: modify\n"
                                 "replace: description\ndescription: changed by "
                                 + tag.toUtf8() + "\n"),
                 qPrintable(m_slapd->errorString()));
        // The acceptance bar: a change made with ldapmodify arrives within 2 s (polling: 1 s
        // interval plus the scan).
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 2000);
        ChangeEvent event = changed.takeFirst().first().value<ChangeEvent>();
        QCOMPARE(event.kind, ChangeEvent::Modified);
        QCOMPARE(event.dn, QStringLiteral("uid=jmuller,ou=people,dc=example,dc=org"));
        QCOMPARE(event.entry.value(QStringLiteral("description")), QStringLiteral("changed by ") + tag);
        QCOMPARE(event.entry.value(QStringLiteral("cn")), QString::fromUtf8("J\xc3\xbcrgen M\xc3\xbcller"));
        const QString anchor = event.anchor;
        QCOMPARE(anchor.size(), 36);

        const QByteArray uid = "watch" + tag.toUtf8();
        QVERIFY2(m_slapd->modify("dn: uid=" + uid
                                 + ",ou=people,dc=example,dc=org\nchangetype: add\n"
                                   "objectClass: inetOrgPerson\nuid: "
                                 + uid + "\ncn: New\nsn: Person\n"),
                 qPrintable(m_slapd->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 3000);
        event = changed.takeFirst().first().value<ChangeEvent>();
        QCOMPARE(event.kind, ChangeEvent::Added);
        const QString added = event.anchor;

        QVERIFY2(m_slapd->modify("dn: uid=" + uid + ",ou=people,dc=example,dc=org\nchangetype: delete\n"),
                 qPrintable(m_slapd->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 3000);
        event = changed.takeFirst().first().value<ChangeEvent>();
        QCOMPARE(event.kind, ChangeEvent::Deleted);
        QCOMPARE(event.anchor, added);

        job->cancel();
        QCOMPARE(finished.size(), 1); // at once: cancel() finishes the job
        QVERIFY(job->wasCancelled());
        QVERIFY(job->error().isCancelled());
        delete job;
    }
};

QTEST_GUILESS_MAIN(TestLdapSource)
#include "tst_ldapsource.moc"
