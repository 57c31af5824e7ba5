// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/groupresolver.h"
#include "directory/ldapsource.h"
#include "directoryjobrun.h"
#include "sambaadfixture.h"

#include <QHash>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace M365::Directory;
using Outcome = TestSupport::DirectoryOutcome;

/**
 * LdapSource against a real Active Directory implementation: a Samba AD DC started by the test
 * (see sambaadfixture.h) with about 40 named users, 1,600 bulk users and nested groups.
 *
 * Samba holds the fixed ports 389 and 636, so this test runs alone (RESOURCE_LOCK samba_ad_ports).
 */
class TestActiveDirectory : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SambaAdFixture> m_ad;
    Outcome m_fullRead;

    LdapConfig config() const
    {
        LdapConfig c = LdapConfig::fromPreset(LdapPreset::ActiveDirectory);
        c.url = m_ad->ldapsUrl();
        c.tls = LdapConfig::Tls::Ldaps;
        c.caFile = m_ad->caFile();
        c.bindDn = m_ad->bindDn();
        c.baseDn = m_ad->baseDn();
        c.timeoutSeconds = 10;
        return c;
    }

    Outcome run(DirectoryJob *job, int timeoutMs = 60000) { return TestSupport::runDirectoryJob(job, this, timeoutMs); }

    /// The users of the fixture's OUs among `entries` (the domain's built-in accounts aside).
    QList<DirectoryEntry> fixtureUsers(const QList<DirectoryEntry> &entries) const
    {
        QList<DirectoryEntry> users;
        for (const DirectoryEntry &e : entries) {
            if (e.kind == EntryKind::User && !e.dn.endsWith(QStringLiteral(",CN=Users,") + m_ad->baseDn())) {
                users.append(e);
            }
        }
        return users;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_ad = std::make_unique<SambaAdFixture>();
        QVERIFY2(m_ad->setUp(), qPrintable(m_ad->errorString()));
        // Stands in for the system trust store (/etc/ldap/ldap.conf); libldap reads it on its first use.
        qputenv("LDAPCONF", m_ad->systemLdapConf().toLocal8Bit());
        QVERIFY2(m_ad->start(), qPrintable(m_ad->errorString()));
        qInfo("Samba AD fixture: provisioned in %lld ms, answering after %lld ms, test data loaded after %lld ms",
              m_ad->setUpMilliseconds(),
              m_ad->readyMilliseconds(),
              m_ad->startMilliseconds());

        LdapSource source(config(), m_ad->bindPassword());
        m_fullRead = run(source.read());
        QVERIFY(m_fullRead.finished);
        QVERIFY2(m_fullRead.error.isNull(), qPrintable(m_fullRead.error.details));
    }

    void cleanupTestCase() { m_ad.reset(); }

    void ldapsReadsEveryUserWithItsNames()
    {
        QVERIFY2(m_fullRead.problems.isEmpty(), qPrintable(m_fullRead.problems.value(0).toString()));
        const QList<DirectoryEntry> users = fixtureUsers(m_fullRead.entries);
        QCOMPARE(users.size(), SambaAdFixture::kNamedUserCount + SambaAdFixture::kBulkUserCount);
        QSet<QString> anchors;
        int bulk = 0;
        for (const DirectoryEntry &e : users) {
            QCOMPARE(e.anchorAttribute, QStringLiteral("objectguid"));
            QCOMPARE(QByteArray::fromBase64(e.anchor.toLatin1()).size(), 16);
            anchors.insert(e.anchor);
            if (e.dn.endsWith(QStringLiteral(",OU=Bulk,") + m_ad->baseDn())) {
                ++bulk;
            }
        }
        QCOMPARE(anchors.size(), users.size());
        QCOMPARE(bulk, SambaAdFixture::kBulkUserCount);

        const QList<SambaAdFixture::User> expected = m_ad->users();
        for (const SambaAdFixture::User &u : expected) {
            const DirectoryEntry *e = m_fullRead.byDn(u.dn);
            QVERIFY2(e, qPrintable(u.dn));
            QCOMPARE(e->kind, EntryKind::User);
            QCOMPARE(e->value(QStringLiteral("cn")), u.cn);
            QCOMPARE(e->value(QStringLiteral("givenName")), u.givenName);
            QCOMPARE(e->value(QStringLiteral("sn")), u.sn);
            QCOMPARE(e->value(QStringLiteral("displayName")), u.displayName);
            QCOMPARE(e->value(QStringLiteral("sAMAccountName")), u.samAccountName);
            QCOMPARE(e->value(QStringLiteral("userPrincipalName")), u.userPrincipalName);
            QCOMPARE(e->value(QStringLiteral("mail")), u.mail);
        }
    }

    void nonAsciiNamesExactly_data()
    {
        // Spelled out here rather than taken from the fixture, so that a shared encoding mistake cannot hide.
        QTest::addColumn<QString>("sam");
        QTest::addColumn<QByteArray>("cn");
        QTest::addColumn<QByteArray>("givenName");
        QTest::newRow("German") << QStringLiteral("jgross") << QByteArray("J\xc3\xbcrgen Gro\xc3\x9f")
                                << QByteArray("J\xc3\xbcrgen");
        QTest::newRow("Swedish") << QStringLiteral("zagren") << QByteArray("Zo\xc3\xab \xc3\x85gren")
                                 << QByteArray("Zo\xc3\xab");
        QTest::newRow("Chinese") << QStringLiteral("xlee") << QByteArray("\xe6\x9d\x8e \xe5\xb0\x8f\xe9\xbe\x8d")
                                 << QByteArray("\xe5\xb0\x8f\xe9\xbe\x8d");
    }

    void nonAsciiNamesExactly()
    {
        QFETCH(QString, sam);
        QFETCH(QByteArray, cn);
        QFETCH(QByteArray, givenName);
        const QString dn =
            QStringLiteral("CN=") + QString::fromUtf8(cn) + QStringLiteral(",OU=Staff,DC=example,DC=test");
        QCOMPARE(m_ad->user(sam).dn, dn);
        const DirectoryEntry *e = m_fullRead.byDn(dn);
        QVERIFY2(e, qPrintable(dn));
        QCOMPARE(e->value(QStringLiteral("cn")).toUtf8(), cn);
        QCOMPARE(e->value(QStringLiteral("givenName")).toUtf8(), givenName);
        QCOMPARE(e->value(QStringLiteral("sAMAccountName")), sam);
    }

    void defaultScopeLeavesTheDomainsOwnObjectsOut()
    {
        // A provisioned domain has Administrator, Guest, krbtgt and 36 built-in groups (Domain Admins, Schema Admins,
        // the Builtin container's Administrators, …). The Active Directory preset reads none of them: a first plan
        // must not create them in Microsoft 365.
        QStringList groups;
        for (const DirectoryEntry &e : m_fullRead.entries) {
            const QString account = e.value(QStringLiteral("sAMAccountName"));
            QVERIFY2(account != QLatin1String("Administrator") && account != QLatin1String("Guest")
                         && account != QLatin1String("krbtgt"),
                     qPrintable(e.dn));
            QVERIFY2(!e.dn.contains(QStringLiteral("CN=Builtin,"), Qt::CaseInsensitive), qPrintable(e.dn));
            if (e.kind == EntryKind::Group) {
                groups.append(e.dn);
            }
        }
        QStringList expected;
        for (const SambaAdFixture::Group &g : m_ad->groups()) {
            expected.append(g.dn);
        }
        groups.sort();
        expected.sort();
        QCOMPARE(groups, expected);
    }

    void commaInCnKeepsItsDn()
    {
        const QString dn = QStringLiteral("CN=Smith\\, Anna,OU=Staff,DC=example,DC=test");
        QCOMPARE(m_ad->commaUserDn(), dn);
        const DirectoryEntry *e = m_fullRead.byDn(dn);
        QVERIFY2(e, qPrintable(dn));
        QCOMPARE(e->value(QStringLiteral("cn")), QStringLiteral("Smith, Anna"));
    }

    void disabledAccountFlagged()
    {
        const DirectoryEntry *disabled = m_fullRead.byDn(m_ad->disabledUserDn());
        QVERIFY(disabled);
        QCOMPARE(disabled->value(QStringLiteral("userAccountControl")), QStringLiteral("514"));
        QVERIFY(disabled->disabled);
        const QList<SambaAdFixture::User> users = m_ad->users();
        for (const SambaAdFixture::User &u : users) {
            if (u.dn == m_ad->disabledUserDn() || u.dn == m_ad->expiredUserDn()) {
                continue;
            }
            const DirectoryEntry *e = m_fullRead.byDn(u.dn);
            QVERIFY2(e, qPrintable(u.dn));
            // Samba keeps what was added: NORMAL_ACCOUNT | PASSWD_NOTREQD, enabled without a password.
            QCOMPARE(e->value(QStringLiteral("userAccountControl")), QStringLiteral("544"));
            QVERIFY2(!e->disabled, qPrintable(u.dn));
        }
    }

    void accountExpiryIsDelivered()
    {
        // The attribute arrives as the DC holds it (FILETIME; Samba's "never" is 2^63-1), and an account past it is
        // disabled, as AD refuses its sign-in.
        const DirectoryEntry *expired = m_fullRead.byDn(m_ad->expiredUserDn());
        QVERIFY(expired);
        QVERIFY(expired->disabled);
        QCOMPARE(expired->value(QStringLiteral("accountExpires")),
                 QString::number(m_ad->user(QStringLiteral("eexpired")).accountExpires));
        const DirectoryEntry *future = m_fullRead.byDn(m_ad->futureUserDn());
        QVERIFY(future);
        QCOMPARE(future->value(QStringLiteral("accountExpires")),
                 QString::number(m_ad->user(QStringLiteral("ffuture")).accountExpires));
        QVERIFY(!future->disabled);
        const DirectoryEntry *plain = m_fullRead.byDn(m_ad->user(QStringLiteral("aanderson")).dn);
        QVERIFY(plain);
        QCOMPARE(plain->value(QStringLiteral("accountExpires")), QStringLiteral("9223372036854775807"));
    }

    void largeGroupHasEveryMember()
    {
        const DirectoryEntry *group = m_fullRead.byDn(m_ad->largeGroupDn());
        QVERIFY(group);
        QCOMPARE(group->kind, EntryKind::Group);
        const QStringList members = group->values(QStringLiteral("member"));
        QCOMPARE(members.size(), SambaAdFixture::kBulkUserCount);
        const QList<SambaAdFixture::Group> groups = m_ad->groups();
        const QStringList expected = groups.last().memberDns;
        QCOMPARE(groups.last().dn, m_ad->largeGroupDn());
        QCOMPARE(QSet<QString>(members.cbegin(), members.cend()), QSet<QString>(expected.cbegin(), expected.cend()));
    }

    void largeGroupThroughRangedRetrieval()
    {
        // Samba 4.17 sends all 1,600 values when asked for "member" (Windows AD would send
        // "member;range=0-1499"), but it honours an explicit range. Asking for the first range
        // makes Samba answer like Windows does, so the engine's follow-up requests run for real.
        LdapConfig c = config();
        c.baseDn = m_ad->ouDn(QStringLiteral("Groups"));
        c.attributes = {QStringLiteral("cn")};
        c.memberAttributes = {QStringLiteral("member;range=0-1499")};
        LdapSource source(c, m_ad->bindPassword());
        const Outcome out = run(source.read(ReadScope::Groups));
        QVERIFY(out.finished);
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        QVERIFY2(out.problems.isEmpty(), qPrintable(out.problems.value(0).toString()));
        QCOMPARE(out.entries.size(), SambaAdFixture::kGroupCount);
        const DirectoryEntry *group = out.byDn(m_ad->largeGroupDn());
        QVERIFY(group);
        const QStringList members = group->values(QStringLiteral("member"));
        QCOMPARE(members.size(), SambaAdFixture::kBulkUserCount);
        QCOMPARE(QSet<QString>(members.cbegin(), members.cend()).size(), SambaAdFixture::kBulkUserCount);
        const DirectoryEntry *platform = out.byDn(m_ad->platformGroupDn());
        QVERIFY(platform);
        QCOMPARE(platform->values(QStringLiteral("member")).size(), 4);
    }

    void nestedGroupsResolve()
    {
        GroupResolver resolver;
        resolver.setMemberAttributes({QStringLiteral("member")});
        QHash<QString, QString> anchorByDn;
        for (const DirectoryEntry &e : std::as_const(m_fullRead.entries)) {
            resolver.addEntry(e);
            anchorByDn.insert(e.dn, e.anchor);
        }
        auto anchorsOf = [&anchorByDn](const QStringList &dns) {
            QSet<QString> anchors;
            for (const QString &dn : dns) {
                anchors.insert(anchorByDn.value(dn));
            }
            return anchors;
        };
        const QString engineering = anchorByDn.value(m_ad->engineeringGroupDn());
        const QString platform = anchorByDn.value(m_ad->platformGroupDn());
        QVERIFY(!engineering.isEmpty());
        QVERIFY(!platform.isEmpty());
        const QStringList platformUsers{m_ad->commaUserDn(),
                                        m_ad->user(QStringLiteral("jgross")).dn,
                                        m_ad->user(QStringLiteral("zagren")).dn,
                                        m_ad->user(QStringLiteral("xlee")).dn};
        const QStringList engineeringUsers{m_ad->user(QStringLiteral("aanderson")).dn,
                                           m_ad->user(QStringLiteral("bbrown")).dn};

        auto find = [](const QList<GroupMembership> &list, const QString &anchor) {
            for (const GroupMembership &m : list) {
                if (m.groupAnchor == anchor) {
                    return m;
                }
            }
            return GroupMembership{};
        };
        const QList<GroupMembership> nested = resolver.resolve(false);
        const GroupMembership outer = find(nested, engineering);
        QCOMPARE(outer.groupDn, m_ad->engineeringGroupDn());
        QCOMPARE(outer.groupAnchors, QStringList{platform});
        QCOMPARE(QSet<QString>(outer.userAnchors.cbegin(), outer.userAnchors.cend()), anchorsOf(engineeringUsers));
        QVERIFY(outer.unresolved.isEmpty());
        const GroupMembership inner = find(nested, platform);
        QCOMPARE(QSet<QString>(inner.userAnchors.cbegin(), inner.userAnchors.cend()), anchorsOf(platformUsers));
        QVERIFY2(inner.unresolved.isEmpty(), qPrintable(inner.unresolved.join(QLatin1Char(';'))));

        const GroupMembership flat = find(resolver.resolve(true), engineering);
        QVERIFY(flat.groupAnchors.isEmpty());
        QCOMPARE(QSet<QString>(flat.userAnchors.cbegin(), flat.userAnchors.cend()),
                 anchorsOf(engineeringUsers + platformUsers));
        QVERIFY(resolver.problems().isEmpty());
    }

    void startTlsWithTheCaFile()
    {
        LdapConfig c = config();
        c.url = m_ad->startTlsUrl();
        c.tls = LdapConfig::Tls::StartTls;
        c.baseDn = m_ad->ouDn(QStringLiteral("Contractors"));
        LdapSource source(c, m_ad->bindPassword());
        const Outcome out = run(source.read(ReadScope::Users));
        QVERIFY(out.finished);
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        int expected = 0;
        const QList<SambaAdFixture::User> users = m_ad->users();
        for (const SambaAdFixture::User &u : users) {
            expected += u.dn.endsWith(c.baseDn) ? 1 : 0;
        }
        QCOMPARE(out.entries.size(), expected);
        QVERIFY(out.byDn(m_ad->user(QStringLiteral("cdubois")).dn));
    }

    void systemTrustStore_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("tls");
        QTest::newRow("ldaps") << QStringLiteral("ldaps://localhost") << int(LdapConfig::Tls::Ldaps);
        QTest::newRow("StartTLS") << QStringLiteral("ldap://localhost") << int(LdapConfig::Tls::StartTls);
    }

    void systemTrustStore()
    {
        // No CA file: the CAs of ldap.conf (LDAPCONF, set in initTestCase, names the test CA) are trusted.
        QFETCH(QString, url);
        QFETCH(int, tls);
        LdapConfig c = config();
        c.url = url;
        c.tls = LdapConfig::Tls(tls);
        c.caFile.clear();
        c.baseDn = m_ad->ouDn(QStringLiteral("Disabled"));
        LdapSource source(c, m_ad->bindPassword());
        const Outcome out = run(source.read(ReadScope::Users));
        QVERIFY(out.finished);
        QVERIFY2(out.error.isNull(), qPrintable(out.error.userMessage + QLatin1Char(' ') + out.error.details));
        QCOMPARE(out.entries.size(), 1);
        QCOMPARE(out.entries.first().dn, m_ad->disabledUserDn());
    }

    void tlsFailures_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("tls");
        QTest::addColumn<bool>("rightCa");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("ldaps, wrong CA") << QStringLiteral("ldaps://localhost") << int(LdapConfig::Tls::Ldaps) << false
                                         << QStringLiteral("CA file");
        QTest::newRow("StartTLS, wrong CA") << QStringLiteral("ldap://localhost") << int(LdapConfig::Tls::StartTls)
                                            << false << QStringLiteral("CA file");
        // The certificate names host names only; the message must name what the URL said.
        QTest::newRow("ldaps, host name mismatch") << QStringLiteral("ldaps://127.0.0.1") << int(LdapConfig::Tls::Ldaps)
                                                   << true << QStringLiteral("127.0.0.1");
    }

    void tlsFailures()
    {
        QFETCH(QString, url);
        QFETCH(int, tls);
        QFETCH(bool, rightCa);
        QFETCH(QString, messagePart);
        if (url.startsWith(QLatin1String("ldaps://127."))) {
            QCOMPARE(url, m_ad->mismatchUrl());
        }
        LdapConfig c = config();
        c.url = url;
        c.tls = LdapConfig::Tls(tls);
        c.caFile = rightCa ? m_ad->caFile() : m_ad->otherCaFile();
        LdapSource source(c, m_ad->bindPassword());
        const Outcome out = run(source.read(ReadScope::Users));
        QVERIFY(out.finished);
        QCOMPARE(DirectoryError::codeOf(out.error), DirectoryError::TlsFailed);
        QVERIFY2(out.error.userMessage.contains(messagePart), qPrintable(out.error.userMessage));
        QVERIFY(out.entries.isEmpty());
        QVERIFY(!out.error.details.contains(m_ad->bindPassword()));
    }

    void plainLdapBindAsksForTls()
    {
        LdapConfig c = config();
        c.url = m_ad->startTlsUrl();
        c.tls = LdapConfig::Tls::None;
        c.caFile.clear();
        LdapSource source(c, m_ad->bindPassword());
        const Outcome out = run(source.read(ReadScope::Users));
        QVERIFY(out.finished);
        // Samba: "Strong(er) authentication required", "BindSimple: Transport encryption required."
        QCOMPARE(DirectoryError::codeOf(out.error), DirectoryError::InvalidCredentials);
        QVERIFY2(out.error.userMessage.contains(QStringLiteral("StartTLS")), qPrintable(out.error.userMessage));
        QVERIFY2(out.error.userMessage.contains(QStringLiteral("ldaps://")), qPrintable(out.error.userMessage));
        QVERIFY(out.entries.isEmpty());
    }

    void containerTree()
    {
        // The domain's container tree as the wizard shows it: the fixture's OUs with their counts, CN=Users with the
        // built-ins the preset's filters leave out (so nothing to count), parents before their children.
        LdapSource source(config(), m_ad->bindPassword());
        const Outcome out = run(source.readContainers());
        QVERIFY(out.finished);
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        const QList<DirectoryContainer> &tree = out.summary.containers;
        QVERIFY(!tree.isEmpty());
        QCOMPARE(tree.first().dn, m_ad->baseDn());
        QCOMPARE(tree.first().name, QStringLiteral("example"));
        QCOMPARE(tree.first().parent, -1);
        const int users = SambaAdFixture::kNamedUserCount + SambaAdFixture::kBulkUserCount;
        QCOMPARE(tree.first().subtreeUsers, users);
        QCOMPARE(tree.first().subtreeGroups, SambaAdFixture::kGroupCount);
        QCOMPARE(out.summary.userCount, users);
        QCOMPARE(out.summary.groupCount, SambaAdFixture::kGroupCount);
        QHash<QString, DirectoryContainer> byDn;
        for (int i = 0; i < tree.size(); ++i) {
            const DirectoryContainer &c = tree.at(i);
            byDn.insert(c.dn, c);
            if (i > 0) {
                QVERIFY2(c.parent >= 0 && c.parent < i, qPrintable(c.dn));
                QVERIFY2(c.dn.endsWith(QLatin1Char(',') + tree.at(c.parent).dn, Qt::CaseInsensitive), qPrintable(c.dn));
            }
        }
        const auto count = [this](const QString &ou) {
            int n = 0;
            const QList<SambaAdFixture::User> named = m_ad->users();
            for (const SambaAdFixture::User &u : named) {
                n += u.dn.endsWith(m_ad->ouDn(ou)) ? 1 : 0;
            }
            return n;
        };
        for (const QString &ou : {QStringLiteral("Staff"), QStringLiteral("Contractors"), QStringLiteral("Disabled")}) {
            QVERIFY2(byDn.contains(m_ad->ouDn(ou)), qPrintable(ou));
            const DirectoryContainer c = byDn.value(m_ad->ouDn(ou));
            QCOMPARE(c.name, ou);
            QCOMPARE(c.parent, 0);
            QCOMPARE(c.directUsers, count(ou));
            QCOMPARE(c.subtreeUsers, count(ou));
            QCOMPARE(c.subtreeGroups, 0);
        }
        QCOMPARE(count(QStringLiteral("Staff")) + count(QStringLiteral("Contractors"))
                     + count(QStringLiteral("Disabled")),
                 SambaAdFixture::kNamedUserCount);
        const DirectoryContainer bulk = byDn.value(m_ad->ouDn(QStringLiteral("Bulk")));
        QCOMPARE(bulk.subtreeUsers, SambaAdFixture::kBulkUserCount);
        const DirectoryContainer groups = byDn.value(m_ad->ouDn(QStringLiteral("Groups")));
        QCOMPARE(groups.subtreeGroups, SambaAdFixture::kGroupCount);
        QCOMPARE(groups.subtreeUsers, 0);
        const QString usersContainer = QStringLiteral("CN=Users,") + m_ad->baseDn();
        QVERIFY(byDn.contains(usersContainer));
        QCOMPARE(byDn.value(usersContainer).subtreeUsers, 0);
        QCOMPARE(byDn.value(usersContainer).subtreeGroups, 0);
        QVERIFY(byDn.contains(QStringLiteral("CN=Builtin,") + m_ad->baseDn()));
        qInfo("%d containers in the domain", int(tree.size()));
    }

    void containerScopes()
    {
        // Users: everything but OU=Bulk; groups: only OU=Groups. One read, the count and the test agree.
        LdapConfig c = config();
        c.userContainers.excluded = QStringList{m_ad->ouDn(QStringLiteral("Bulk"))};
        c.groupContainers.included = QStringList{m_ad->ouDn(QStringLiteral("Groups"))};
        LdapSource source(c, m_ad->bindPassword());
        const Outcome out = run(source.read());
        QVERIFY(out.finished);
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        QVERIFY2(out.problems.isEmpty(), qPrintable(out.problems.value(0).toString()));
        QSet<QString> users;
        QSet<QString> groups;
        for (const DirectoryEntry &e : out.entries) {
            QVERIFY2(!e.dn.endsWith(m_ad->ouDn(QStringLiteral("Bulk"))), qPrintable(e.dn));
            (e.kind == EntryKind::User ? users : groups).insert(e.dn);
        }
        QSet<QString> named;
        for (const SambaAdFixture::User &u : m_ad->users()) {
            named.insert(u.dn);
        }
        QCOMPARE(users, named);
        QCOMPARE(groups.size(), SambaAdFixture::kGroupCount);
        QVERIFY(groups.contains(m_ad->largeGroupDn()));
        const Outcome counted = run(source.count());
        QVERIFY2(counted.error.isNull(), qPrintable(counted.error.details));
        QCOMPARE(counted.summary.userCount, SambaAdFixture::kNamedUserCount);
        QCOMPARE(counted.summary.groupCount, SambaAdFixture::kGroupCount);

        // Groups from OU=Staff only: there are none; users only from OU=Contractors, spelled in lower case.
        c.userContainers = ContainerScope({m_ad->ouDn(QStringLiteral("Contractors")).toLower()}, {});
        c.groupContainers = ContainerScope({m_ad->ouDn(QStringLiteral("Staff"))}, {});
        LdapSource narrow(c, m_ad->bindPassword());
        const Outcome few = run(narrow.read());
        QVERIFY2(few.error.isNull(), qPrintable(few.error.details));
        QVERIFY(!few.entries.isEmpty());
        for (const DirectoryEntry &e : few.entries) {
            QCOMPARE(e.kind, EntryKind::User);
            QVERIFY2(e.dn.endsWith(m_ad->ouDn(QStringLiteral("Contractors"))), qPrintable(e.dn));
        }
        QVERIFY(few.byDn(m_ad->user(QStringLiteral("cdubois")).dn));
    }

    void modifiedAttributeSeenByTheNextRead()
    {
        const QString dn = m_ad->user(QStringLiteral("ggreen")).dn;
        QVERIFY2(m_ad->modify("dn: " + dn.toUtf8() + "\nchangetype: modify\nreplace: title\ntitle: Fixture check\n"),
                 qPrintable(m_ad->errorString()));
        LdapConfig c = config();
        c.baseDn = dn;
        c.scope = LdapConfig::Scope::Base;
        LdapSource source(c, m_ad->bindPassword());
        const Outcome out = run(source.read(ReadScope::Users));
        QVERIFY2(out.error.isNull(), qPrintable(out.error.details));
        QCOMPARE(out.entries.size(), 1);
        QCOMPARE(out.entries.first().value(QStringLiteral("title")), QStringLiteral("Fixture check"));
    }
};

QTEST_GUILESS_MAIN(TestActiveDirectory)
#include "tst_activedirectory.moc"
