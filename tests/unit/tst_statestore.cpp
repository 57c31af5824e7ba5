// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/statestore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace M365::Sync;

class TestStateStore : public QObject
{
    Q_OBJECT

private:
    QString path() const { return m_dir.filePath(QStringLiteral("state.sqlite")); }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void init() { QFile::remove(path()); }

    void linksSurviveReopen()
    {
        {
            StateStore store;
            const auto opened = store.open(path());
            QVERIFY2(opened.ok(), qPrintable(opened.error.details));
            Link a{QStringLiteral("anchor-a"),
                   Change::ObjectType::User,
                   QStringLiteral("id-a"),
                   QJsonObject{{QStringLiteral("city"), QStringLiteral("Berlin")}},
                   {}};
            Link g{QStringLiteral("anchor-g"), Change::ObjectType::Group, QStringLiteral("id-g"), {}, {}};
            QVERIFY(store.link(a).ok());
            QVERIFY(store.link(g).ok());
            // Re-linking replaces the row.
            a.lastValues.insert(QStringLiteral("city"), QStringLiteral("Hamburg"));
            QVERIFY(store.link(a).ok());
            QVERIFY(store.setDeltaLink(QStringLiteral("users"), QStringLiteral("https://delta/1")).ok());
        }
        StateStore store;
        QVERIFY(store.open(path()).ok());
        const auto links = store.links();
        QCOMPARE(links.size(), 2);
        QCOMPARE(links.value(QStringLiteral("anchor-a")).cloudId, QStringLiteral("id-a"));
        QCOMPARE(links.value(QStringLiteral("anchor-g")).objectType, Change::ObjectType::Group);
        QVERIFY(links.value(QStringLiteral("anchor-a")).updated.isValid());
        QCOMPARE(store.lastValues(QStringLiteral("anchor-a")).value(QLatin1String("city")).toString(),
                 QStringLiteral("Hamburg"));
        QCOMPARE(store.deltaLink(QStringLiteral("users")), QStringLiteral("https://delta/1"));
        QVERIFY(store.deltaLink(QStringLiteral("groups")).isEmpty());
        QVERIFY(store.unlink(QStringLiteral("anchor-g")).ok());
        QVERIFY(!store.linkFor(QStringLiteral("anchor-g")).has_value());
        QVERIFY(store.linkFor(QStringLiteral("anchor-a")).has_value());
        QVERIFY(store.setDeltaLink(QStringLiteral("users"), QString()).ok());
        QVERIFY(store.deltaLink(QStringLiteral("users")).isEmpty());
    }

    void runHistory()
    {
        qint64 first = 0;
        {
            StateStore store;
            QVERIFY(store.open(path()).ok());
            const auto run = store.beginRun();
            QVERIFY(run.ok());
            first = run.value;
            Change c;
            c.kind = Change::Kind::Create;
            c.anchor = QStringLiteral("a");
            c.payload = QJsonObject{{QStringLiteral("displayName"), QStringLiteral("A")}};
            QVERIFY(store.recordChange(first, 1, c, QStringLiteral("done")).ok());
            c.anchor = QStringLiteral("b");
            QVERIFY(store.recordChange(first, 2, c, QStringLiteral("failed"), QStringLiteral("409")).ok());
            // No endRun: the process "dies" here; what was recorded must still be there.
        }
        StateStore store;
        QVERIFY(store.open(path()).ok());
        auto history = store.runHistory();
        QCOMPARE(history.size(), 1);
        QCOMPARE(history.first().status, QStringLiteral("running"));
        QVERIFY(!history.first().ended.isValid());
        const auto changes = store.runChanges(first);
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes.at(0).change.anchor, QStringLiteral("a"));
        QCOMPARE(changes.at(0).change.kind, Change::Kind::Create);
        QCOMPARE(changes.at(1).result, QStringLiteral("failed"));
        QCOMPARE(changes.at(1).message, QStringLiteral("409"));

        const auto second = store.beginRun();
        QVERIFY(second.ok());
        QVERIFY(second.value > first);
        QVERIFY(store.endRun(second.value, QJsonObject{{QStringLiteral("create"), 3}}, QStringLiteral("done")).ok());
        history = store.runHistory(1);
        QCOMPARE(history.size(), 1);
        QCOMPARE(history.first().id, second.value);
        QCOMPARE(history.first().status, QStringLiteral("done"));
        QCOMPARE(history.first().counts.value(QLatin1String("create")).toInt(), 3);
        QVERIFY(history.first().ended.isValid());
        QCOMPARE(store.runHistory().size(), 2);
    }

    void twoStoresAtOnce()
    {
        // Separate connection names: two profiles (or a reader and a writer) do not trip over each other.
        StateStore a;
        StateStore b;
        QVERIFY(a.open(path()).ok());
        QVERIFY(b.open(m_dir.filePath(QStringLiteral("other.sqlite"))).ok());
        QVERIFY(a.link(Link{QStringLiteral("x"), Change::ObjectType::User, QStringLiteral("1"), {}, {}}).ok());
        QCOMPARE(a.links().size(), 1);
        QCOMPARE(b.links().size(), 0);
        b.close();
        QVERIFY(!b.isOpen());
        QVERIFY(a.isOpen());
        QVERIFY(!b.link(Link{QStringLiteral("y"), Change::ObjectType::User, QStringLiteral("2"), {}, {}}).ok());
    }

    void openErrors_data()
    {
        QTest::addColumn<QString>("where");
        QTest::newRow("missing folder") << "no/such/folder/state.sqlite";
        QTest::newRow("a folder") << ".";
        QTest::newRow("not a database") << "garbage.sqlite";
    }

    void openErrors()
    {
        QFETCH(QString, where);
        QFile garbage(m_dir.filePath(QStringLiteral("garbage.sqlite")));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(4096, 'x'));
        garbage.close();
        StateStore store;
        const auto r = store.open(m_dir.filePath(where));
        QVERIFY(!r.ok());
        QCOMPARE(r.error.code, QStringLiteral("sync.state"));
        QVERIFY(!r.error.userMessage.isEmpty());
        QVERIFY(!store.isOpen());
    }
};

QTEST_GUILESS_MAIN(TestStateStore)
#include "tst_statestore.moc"
