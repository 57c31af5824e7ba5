// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/ldapsource.h"
#include "sambaadfixture.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace M365::Directory;

/**
 * Watching a real Active Directory (a Samba AD DC, see sambaadfixture.h) as the dashboard's live preview does: the
 * AD preset watches with the change-notification control, so an edit shows within seconds, not at the next poll;
 * deletions, which AD does not notify, come with the uSNChanged poll. The main watch polls only every ten minutes,
 * so what it reports within the test's bounds came from a notification. (Samba answers a notification search at
 * the latest five seconds after a change made in another of its worker processes; Windows DCs sooner.)
 *
 * Samba holds the fixed ports 389 and 636, so this test runs alone (RESOURCE_LOCK samba_ad_ports).
 */
class TestActiveDirectoryWatch : public QObject
{
    Q_OBJECT

    std::unique_ptr<SambaAdFixture> m_ad;
    DirectoryJob *m_watch = nullptr;
    QList<ChangeEvent> m_events;

    LdapConfig config(int pollIntervalSeconds) const
    {
        LdapConfig c = LdapConfig::fromPreset(LdapPreset::ActiveDirectory);
        c.url = m_ad->ldapsUrl();
        c.tls = LdapConfig::Tls::Ldaps;
        c.caFile = m_ad->caFile();
        c.bindDn = m_ad->bindDn();
        c.baseDn = m_ad->baseDn();
        c.timeoutSeconds = 10;
        c.pollIntervalSeconds = pollIntervalSeconds;
        return c;
    }

    /// Starts a watch that records its events in m_events; null (and a failed test) when it does not get ready.
    DirectoryJob *startWatch(int pollIntervalSeconds)
    {
        LdapSource source(config(pollIntervalSeconds), m_ad->bindPassword());
        DirectoryJob *watch = source.watch(this);
        connect(watch, &DirectoryJob::changed, this, [this](const ChangeEvent &event) {
            m_events.append(event);
        });
        QSignalSpy ready(watch, &DirectoryJob::ready);
        watch->start();
        if (!ready.wait(30000)) {
            qWarning("%s", qPrintable(watch->error().details));
            delete watch;
            return nullptr;
        }
        return watch;
    }

    QString userDn(const QString &cn) const { return QStringLiteral("CN=%1,OU=Watched,").arg(cn) + m_ad->baseDn(); }

    QByteArray addUser(const QString &cn) const
    {
        return QStringLiteral("dn: %1\nchangetype: add\nobjectClass: user\nsAMAccountName: %2\n"
                              "userPrincipalName: %2@example.test\ngivenName: %2\nsn: Watched\n"
                              "userAccountControl: 544\n\n")
            .arg(userDn(cn), cn.toLower())
            .toUtf8();
    }

    /// Waits (bounded) for the first event about @p dn after @p from, and says how long it took.
    const ChangeEvent *
    waitForEvent(DirectoryJob *watch, int from, const QString &dn, int timeoutMs, qint64 *elapsedMs = nullptr)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs) {
            for (int i = from; i < m_events.size(); ++i) {
                if (m_events.at(i).dn.compare(dn, Qt::CaseInsensitive) == 0) {
                    if (elapsedMs) {
                        *elapsedMs = clock.elapsed();
                    }
                    return &m_events.at(i);
                }
            }
            QSignalSpy next(watch, &DirectoryJob::changed);
            next.wait(qMax(1, int(timeoutMs - clock.elapsed())));
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        SambaAdFixture::Options options;
        options.testData = false;
        m_ad = std::make_unique<SambaAdFixture>(options);
        QVERIFY2(m_ad->setUp(), qPrintable(m_ad->errorString()));
        QVERIFY2(m_ad->start(), qPrintable(m_ad->errorString()));
        const QByteArray data =
            QStringLiteral("dn: OU=Watched,%1\nchangetype: add\nobjectClass: organizationalUnit\n\n")
                .arg(m_ad->baseDn())
                .toUtf8()
            + addUser(QStringLiteral("Alice")) + addUser(QStringLiteral("Bob")) + addUser(QStringLiteral("Carol"));
        QVERIFY2(m_ad->modify(data), qPrintable(m_ad->errorString()));

        QCOMPARE(LdapConfig::fromPreset(LdapPreset::ActiveDirectory).watchMode, LdapConfig::WatchMode::AdNotification);
        m_watch = startWatch(600);
        QVERIFY(m_watch);
    }

    void cleanupTestCase()
    {
        delete m_watch;
        m_ad.reset();
    }

    void anEditIsNotifiedWithoutPolling()
    {
        const int from = int(m_events.size());
        QVERIFY(m_ad->modify(QStringLiteral("dn: %1\nchangetype: modify\nreplace: title\ntitle: Head of Sales\n-\n\n")
                                 .arg(userDn(QStringLiteral("Alice")))
                                 .toUtf8()));
        qint64 ms = -1;
        const ChangeEvent *event = waitForEvent(m_watch, from, userDn(QStringLiteral("Alice")), 10000, &ms);
        QVERIFY(event);
        qInfo("change notification after %lld ms", ms);
        QCOMPARE(event->kind, ChangeEvent::Modified);
        QCOMPARE(event->entry.kind, EntryKind::User);
        QCOMPARE(event->entry.value(QStringLiteral("title")), QStringLiteral("Head of Sales"));
        QCOMPARE(QByteArray::fromBase64(event->anchor.toLatin1()).size(), 16); // objectGUID
    }

    void aNewUserIsAdded()
    {
        const int from = int(m_events.size());
        QVERIFY(m_ad->modify(addUser(QStringLiteral("Dave"))));
        const ChangeEvent *event = waitForEvent(m_watch, from, userDn(QStringLiteral("Dave")), 10000);
        QVERIFY(event);
        QCOMPARE(event->kind, ChangeEvent::Added);
        QCOMPARE(event->entry.value(QStringLiteral("sAMAccountName")), QStringLiteral("dave"));
    }

    void disablingIsAModification()
    {
        const int from = int(m_events.size());
        QVERIFY(m_ad->modify(QStringLiteral("dn: %1\nchangetype: modify\nreplace: userAccountControl\n"
                                            "userAccountControl: 514\n-\n\n")
                                 .arg(userDn(QStringLiteral("Bob")))
                                 .toUtf8()));
        const ChangeEvent *event = waitForEvent(m_watch, from, userDn(QStringLiteral("Bob")), 10000);
        QVERIFY(event);
        QCOMPARE(event->kind, ChangeEvent::Modified);
        QVERIFY(event->entry.disabled);
    }

    void aDeletionComesWithThePoll()
    {
        // AD does not notify deletions (the object moves to Deleted Objects): a watch that polls every 2 s sees it.
        std::unique_ptr<DirectoryJob> polling(startWatch(2));
        QVERIFY(polling);
        const int from = int(m_events.size());
        QVERIFY(m_ad->modify(
            QStringLiteral("dn: %1\nchangetype: delete\n\n").arg(userDn(QStringLiteral("Carol"))).toUtf8()));
        const ChangeEvent *event = waitForEvent(polling.get(), from, userDn(QStringLiteral("Carol")), 15000);
        QVERIFY(event);
        QCOMPARE(event->kind, ChangeEvent::Deleted);
        QCOMPARE(event->entry.kind, EntryKind::User);
    }

    void consistencyGuidAnchorFallsBackToObjectGuid()
    {
        // Entra Connect anchors on mS-DS-ConsistencyGuid and uses objectGUID where it is empty: Dave has one.
        const QByteArray guid = QByteArray::fromHex("00112233445566778899aabbccddeeff");
        QVERIFY(m_ad->modify(QStringLiteral("dn: %1\nchangetype: modify\nreplace: mS-DS-ConsistencyGuid\n"
                                            "mS-DS-ConsistencyGuid:: %2\n-\n\n")
                                 .arg(userDn(QStringLiteral("Dave")), QString::fromLatin1(guid.toBase64()))
                                 .toUtf8()));
        LdapConfig c = config(600);
        c.anchorAttribute = QStringLiteral("mS-DS-ConsistencyGuid");
        c.anchorFallback = QStringLiteral("objectGUID");
        LdapSource source(c, m_ad->bindPassword());
        std::unique_ptr<DirectoryJob> read(source.read(ReadScope::Users));
        QHash<QString, DirectoryEntry> byDn;
        connect(read.get(), &DirectoryJob::entry, this, [&byDn](const DirectoryEntry &e) {
            byDn.insert(e.dn, e);
        });
        QSignalSpy finished(read.get(), &DirectoryJob::finished);
        read->start();
        QVERIFY(finished.wait(30000));
        QVERIFY2(read->error().isNull(), qPrintable(read->error().details));
        QVERIFY(read->problems().isEmpty());
        const DirectoryEntry dave = byDn.value(userDn(QStringLiteral("Dave")));
        QCOMPARE(dave.anchorAttribute, QStringLiteral("ms-ds-consistencyguid"));
        QCOMPARE(dave.anchor, QString::fromLatin1(guid.toBase64()));
        const DirectoryEntry alice = byDn.value(userDn(QStringLiteral("Alice")));
        QCOMPARE(alice.anchorAttribute, QStringLiteral("objectguid"));
        QCOMPARE(QByteArray::fromBase64(alice.anchor.toLatin1()).size(), 16);
        QVERIFY(alice.anchor != dave.anchor);
    }

    void theWatchKeepsRunning() { QVERIFY2(m_watch->isRunning(), qPrintable(m_watch->error().details)); }
};

QTEST_GUILESS_MAIN(TestActiveDirectoryWatch)
#include "tst_activedirectorywatch.moc"
