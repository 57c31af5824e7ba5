// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/runlock.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLockFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <cstring>

using namespace M365::Sync;

namespace {

/// The helper mode of this binary: "--hold <store path>" takes the run lock, says "locked" and waits to be killed.
int holdLock(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    RunLock lock(QString::fromLocal8Bit(argv[2]), QStringLiteral("helper"));
    const M365::Result<bool> locked = lock.acquire();
    QTextStream out(stdout);
    out << (locked.ok() ? "locked" : "refused") << Qt::endl;
    return locked.ok() ? app.exec() : 1;
}

} // namespace

/*
 * The per-profile run lock between processes: a child process of this very binary (helper mode, above) holds the lock
 * the way a running m365sync-cli does, and is killed as a crashed run would be.
 */
class TestRunLock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secondLockIsRefusedWithTheHolder();
    void releasedLockCanBeTakenAgain();
    void staleLockOfAKilledProcessIsTakenOver();

private:
    /// Starts the helper holding the lock of @p storePath; null (after a failed check) when it did not get it.
    QProcess *startHolder(const QString &storePath);
};

QProcess *TestRunLock::startHolder(const QString &storePath)
{
    auto *process = new QProcess(this);
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QSignalSpy ready(process, &QProcess::readyReadStandardOutput);
    process->start(QCoreApplication::applicationFilePath(), {QStringLiteral("--hold"), storePath});
    [&] {
        QVERIFY(ready.wait(10000));
        QCOMPARE(process->readAllStandardOutput().trimmed(), QByteArray("locked"));
    }();
    if (QTest::currentTestFailed()) {
        process->kill();
        process->waitForFinished();
        return nullptr;
    }
    return process;
}

void TestRunLock::secondLockIsRefusedWithTheHolder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString store = dir.filePath(QStringLiteral("contoso.sqlite"));
    QProcess *holder = startHolder(store);
    QVERIFY(holder);

    RunLock second(store, QStringLiteral("contoso"));
    const M365::Result<bool> refused = second.acquire();
    QVERIFY(!refused.ok());
    QVERIFY(!second.isHeld());
    QCOMPARE(refused.error.code, QStringLiteral("sync.locked"));
    const QString message = refused.error.userMessage;
    QVERIFY2(message.startsWith(QStringLiteral("Another run of profile contoso is in progress: tst_runlock, process %1 "
                                               "on host %2, since ")
                                    .arg(holder->processId())
                                    .arg(QSysInfo::machineHostName())),
             qPrintable(message));
    QVERIFY2(message.endsWith(QStringLiteral(". Wait for it to finish or stop it.")), qPrintable(message));
    QVERIFY(second.takenOver().isNull());

    holder->kill();
    QVERIFY(holder->waitForFinished(10000));
}

void TestRunLock::releasedLockCanBeTakenAgain()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString store = dir.filePath(QStringLiteral("p.sqlite"));
    {
        RunLock first(store, QStringLiteral("p"));
        QVERIFY(first.acquire().ok());
        QVERIFY(first.isHeld());
        QCOMPARE(first.fileName(), store + QStringLiteral(".lock"));
        QVERIFY(QFileInfo::exists(first.fileName()));
        // In the same process too, a second lock of the profile is refused while the first is held.
        RunLock second(store, QStringLiteral("p"));
        QVERIFY(!second.acquire().ok());
        first.release();
        QVERIFY(!QFileInfo::exists(first.fileName()));
        QVERIFY(second.acquire().ok());
        // A lock released in order is not "taken over".
        QVERIFY(second.takenOver().isNull());
        QVERIFY(second.takenOverMessage().isEmpty());
    }
    // The destructor released it.
    QVERIFY(!QFileInfo::exists(RunLock::lockFilePath(store)));
}

void TestRunLock::staleLockOfAKilledProcessIsTakenOver()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString store = dir.filePath(QStringLiteral("contoso.sqlite"));
    QProcess *holder = startHolder(store);
    QVERIFY(holder);
    const qint64 pid = holder->processId();
    holder->kill();
    QVERIFY(holder->waitForFinished(10000));
    // The killed run left its lock file behind.
    QVERIFY(QFileInfo::exists(RunLock::lockFilePath(store)));

    RunLock lock(store, QStringLiteral("contoso"));
    const M365::Result<bool> taken = lock.acquire();
    QVERIFY2(taken.ok(), qPrintable(taken.error.userMessage));
    QVERIFY(lock.isHeld());
    QCOMPARE(lock.takenOver().pid, pid);
    QCOMPARE(lock.takenOver().application, QStringLiteral("tst_runlock"));
    QVERIFY2(lock.takenOverMessage().contains(QStringLiteral("process %1").arg(pid)),
             qPrintable(lock.takenOverMessage()));
    QVERIFY(lock.takenOverMessage().contains(QStringLiteral("taken over")));
    // The lock file is ours now.
    QLockFile probe(RunLock::lockFilePath(store));
    qint64 holderPid = 0;
    QVERIFY(probe.getLockInfo(&holderPid, nullptr, nullptr));
    QCOMPARE(holderPid, QCoreApplication::applicationPid());
}

int main(int argc, char **argv)
{
    if (argc == 3 && std::strcmp(argv[1], "--hold") == 0) {
        return holdLock(argc, argv);
    }
    QCoreApplication app(argc, argv);
    TestRunLock test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_runlock.moc"
