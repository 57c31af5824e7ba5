// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/directorysnapshot.h"

#include <QTest>

using M365::Directory::ChangeEvent;
using M365::Directory::DirectoryEntry;
using M365::Directory::EntryKind;
using M365::Sync::DirectorySnapshot;

/*
 * The live preview's copy of the directory: filled by a read, kept current by a watch's events, in the order it was
 * read so that the preview's rows stay where they are.
 */
class TestDirectorySnapshot : public QObject
{
    Q_OBJECT

    static DirectoryEntry entry(const QString &anchor, EntryKind kind = EntryKind::User, const QString &title = {})
    {
        DirectoryEntry e;
        e.kind = kind;
        e.anchor = anchor;
        e.dn = QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(anchor);
        if (!title.isEmpty()) {
            e.attributes.append(QStringLiteral("title"), title);
        }
        return e;
    }

    static ChangeEvent event(ChangeEvent::Kind kind, const DirectoryEntry &e)
    {
        ChangeEvent c;
        c.kind = kind;
        c.dn = e.dn;
        c.anchor = e.anchor;
        c.entry = e;
        return c;
    }

    static QStringList anchors(const QList<DirectoryEntry> &list)
    {
        QStringList out;
        for (const DirectoryEntry &e : list) {
            out.append(e.anchor);
        }
        return out;
    }

    static DirectorySnapshot filled()
    {
        DirectorySnapshot s;
        s.reset({entry("a"), entry("b"), entry("c"), entry("d")}, {entry("g", EntryKind::Group)}, {});
        return s;
    }

private Q_SLOTS:
    void emptyUntilRead()
    {
        DirectorySnapshot s;
        QVERIFY(!s.isValid());
        QVERIFY(!s.readAt().isValid());
        s = filled();
        QVERIFY(s.isValid());
        QVERIFY(s.readAt().isValid());
        QCOMPARE(anchors(s.users()), (QStringList{"a", "b", "c", "d"}));
    }

    void aModificationStaysInItsPlace()
    {
        DirectorySnapshot s = filled();
        s.apply(event(ChangeEvent::Modified, entry("b", EntryKind::User, QStringLiteral("Boss"))));
        QCOMPARE(anchors(s.users()), (QStringList{"a", "b", "c", "d"}));
        QCOMPARE(s.users().at(1).value(QStringLiteral("title")), QStringLiteral("Boss"));
    }

    void addsAndDeletesKeepTheOthersInOrder()
    {
        DirectorySnapshot s = filled();
        s.apply(event(ChangeEvent::Deleted, entry("b")));
        s.apply(event(ChangeEvent::Added, entry("e")));
        QCOMPARE(anchors(s.users()), (QStringList{"a", "c", "d", "e"}));
        // The index followed the shift: the entry after the deleted one is still found.
        s.apply(event(ChangeEvent::Modified, entry("d", EntryKind::User, QStringLiteral("Deputy"))));
        QCOMPARE(anchors(s.users()), (QStringList{"a", "c", "d", "e"}));
        QCOMPARE(s.users().at(2).value(QStringLiteral("title")), QStringLiteral("Deputy"));
        // A deletion of something unknown changes nothing.
        s.apply(event(ChangeEvent::Deleted, entry("zz")));
        QCOMPARE(s.users().size(), 4);
    }

    void anEntryThatChangesItsKindMoves()
    {
        DirectorySnapshot s = filled();
        s.apply(event(ChangeEvent::Modified, entry("g", EntryKind::User)));
        QVERIFY(s.groups().isEmpty());
        QCOMPARE(anchors(s.users()), (QStringList{"a", "b", "c", "d", "g"}));
    }

    void aResetEmptiesIt()
    {
        DirectorySnapshot s = filled();
        ChangeEvent reset;
        reset.kind = ChangeEvent::Reset;
        s.apply(reset);
        QVERIFY(!s.isValid());
        QVERIFY(s.users().isEmpty());
    }

    void eventsWhileEmptyAreAppliedAfterTheRead()
    {
        // The read that fills it may have started before these changes: they are not lost.
        DirectorySnapshot s;
        s.apply(event(ChangeEvent::Modified, entry("c", EntryKind::User, QStringLiteral("Chief"))));
        s.apply(event(ChangeEvent::Deleted, entry("d")));
        QVERIFY(!s.isValid());
        s.reset({entry("a"), entry("b"), entry("c"), entry("d")}, {}, {});
        QCOMPARE(anchors(s.users()), (QStringList{"a", "b", "c"}));
        QCOMPARE(s.users().at(2).value(QStringLiteral("title")), QStringLiteral("Chief"));
        // Applied once: a second fill does not replay them.
        s.reset({entry("a"), entry("d")}, {}, {});
        QCOMPARE(anchors(s.users()), (QStringList{"a", "d"}));
    }
};

QTEST_GUILESS_MAIN(TestDirectorySnapshot)
#include "tst_directorysnapshot.moc"
