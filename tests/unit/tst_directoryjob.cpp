// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/directoryjob.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

#include <atomic>

using namespace M365::Directory;

namespace {

constexpr int Timeout = 10000;

DirectoryEntry user(int number)
{
    DirectoryEntry entry;
    entry.kind = EntryKind::User;
    entry.dn = QStringLiteral("uid=u%1,dc=example").arg(number);
    entry.anchor = QString::number(number);
    return entry;
}

} // namespace

/*
 * The job contract of DirectoryJob (core/job.h, STYLE.md section 10), with producers written here so that every
 * outcome can be forced: the base emits finished() once, a failure carries its DirectoryError code, and cancel() ends
 * the job with Error::cancelled() at once, before anything the worker still produces.
 */
class TestDirectoryJob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void codes_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("string");
        QTest::newRow("invalid configuration")
            << int(DirectoryError::InvalidConfiguration) << QStringLiteral("directory.invalidConfiguration");
        QTest::newRow("unreachable") << int(DirectoryError::ServerUnreachable)
                                     << QStringLiteral("directory.serverUnreachable");
        QTest::newRow("tls") << int(DirectoryError::TlsFailed) << QStringLiteral("directory.tlsFailed");
        QTest::newRow("credentials") << int(DirectoryError::InvalidCredentials)
                                     << QStringLiteral("directory.invalidCredentials");
        QTest::newRow("base") << int(DirectoryError::NoSuchBase) << QStringLiteral("directory.noSuchBase");
        QTest::newRow("filter") << int(DirectoryError::InvalidFilter) << QStringLiteral("directory.invalidFilter");
        QTest::newRow("timeout") << int(DirectoryError::Timeout) << QStringLiteral("directory.timeout");
        QTest::newRow("server") << int(DirectoryError::ServerError) << QStringLiteral("directory.serverError");
        QTest::newRow("not readable") << int(DirectoryError::FileNotReadable)
                                      << QStringLiteral("directory.fileNotReadable");
        QTest::newRow("invalid file") << int(DirectoryError::InvalidFile) << QStringLiteral("directory.invalidFile");
        QTest::newRow("encoding") << int(DirectoryError::EncodingNotConfirmed)
                                  << QStringLiteral("directory.encodingNotConfirmed");
    }

    void codes()
    {
        QFETCH(int, code);
        QFETCH(QString, string);
        const M365::Error error = DirectoryError::make(DirectoryError::Code(code), QStringLiteral("message"));
        QCOMPARE(error.code, string);
        QCOMPARE(DirectoryError::codeString(DirectoryError::Code(code)), string);
        QCOMPARE(int(DirectoryError::codeOf(error)), code);
    }

    void codesOfOtherErrors()
    {
        QCOMPARE(DirectoryError::codeOf(M365::Error{}), DirectoryError::NoError);
        QCOMPARE(DirectoryError::codeOf(M365::Error::cancelled(QStringLiteral("stopped"))), DirectoryError::Other);
        QCOMPARE(DirectoryError::codeOf(M365::Error{QStringLiteral("directory.watch"), QStringLiteral("m"), {}, {}}),
                 DirectoryError::Other);
        QCOMPARE(DirectoryError::codeOf(M365::Error{QStringLiteral("secrets.notFound"), QStringLiteral("m"), {}, {}}),
                 DirectoryError::Other);
    }

    void succeeds()
    {
        DirectoryJob job(
            [](JobSink &sink) {
                for (int i = 0; i < 1000; ++i) {
                    sink.entry(user(i));
                }
                DirectorySummary summary;
                summary.userCount = 1000;
                sink.setSummary(summary);
            },
            this);
        int seen = 0;
        connect(&job, &DirectoryJob::entry, this, [&seen] {
            ++seen;
        });
        QSignalSpy finished(&job, &DirectoryJob::finished);
        job.start();
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().value<M365::Job *>(), static_cast<M365::Job *>(&job));
        QVERIFY(!job.hasError());
        QCOMPARE(job.directoryError(), DirectoryError::NoError);
        QCOMPARE(seen, 1000);
        QCOMPARE(job.entryCount(), 1000);
        QCOMPARE(job.summary().userCount, 1000);
    }

    // A read that fails says why with its directory code, and the entries before the failure still arrive.
    void failureCarriesTheDirectoryCode()
    {
        DirectoryJob job(
            [](JobSink &sink) {
                sink.entry(user(1));
                sink.fail(DirectoryError::make(
                    DirectoryError::InvalidFile, QStringLiteral("The file is broken."), QStringLiteral("line 2")));
                sink.fail(DirectoryError::make(DirectoryError::Timeout, QStringLiteral("only the first counts")));
            },
            this);
        QSignalSpy entries(&job, &DirectoryJob::entry);
        QSignalSpy finished(&job, &DirectoryJob::finished);
        job.start();
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(entries.size(), 1);
        QVERIFY(job.hasError());
        QVERIFY(!job.wasCancelled());
        QCOMPARE(job.error().code, QStringLiteral("directory.invalidFile"));
        QCOMPARE(job.directoryError(), DirectoryError::InvalidFile);
        QCOMPARE(job.errorString(), QStringLiteral("The file is broken."));
        QCOMPARE(job.error().details, QStringLiteral("line 2"));
    }

    // cancel() finishes the job at once with the one cancelled error; nothing the worker still produces arrives.
    void cancelWhileReading()
    {
        std::atomic<bool> producerStopped{false};
        auto *job = new DirectoryJob(
            [&producerStopped](JobSink &sink) {
                for (int i = 0; sink.entry(user(i)); ++i) {}
                producerStopped = true;
            },
            this);
        int seen = 0;
        int finishedInside = -1;
        QSignalSpy finished(job, &DirectoryJob::finished);
        connect(job, &DirectoryJob::entry, this, [&] {
            if (++seen == 300) {
                job->cancel();
                finishedInside = int(finished.size());
            }
        });
        job->start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
        QCOMPARE(finishedInside, 1);
        QVERIFY(job->isFinished());
        QVERIFY(job->wasCancelled());
        QVERIFY(job->error().isCancelled());
        QCOMPARE(job->error().code, M365::Error::cancelledCode());
        QCOMPARE(job->directoryError(), DirectoryError::Other);
        QVERIFY(!job->errorString().isEmpty());
        QVERIFY(!job->isRunning());
        // The worker sees the cancellation and stops; deleting the job joins it.
        delete job;
        QVERIFY(producerStopped);
        QCoreApplication::processEvents();
        QCOMPARE(seen, 300);
        QCOMPARE(finished.size(), 1);
    }

    void cancelBeforeStart()
    {
        std::atomic<int> runs{0};
        DirectoryJob job(
            [&runs](JobSink &) {
                ++runs;
            },
            this);
        QSignalSpy finished(&job, &DirectoryJob::finished);
        job.cancel();
        QCOMPARE(finished.size(), 1);
        QVERIFY(job.wasCancelled());
        job.start();
        QCoreApplication::processEvents();
        QCOMPARE(runs.load(), 0);
        QCOMPARE(finished.size(), 1);
    }

    void startTwiceRunsOnce()
    {
        std::atomic<int> runs{0};
        DirectoryJob job(
            [&runs](JobSink &sink) {
                ++runs;
                sink.entry(user(1));
            },
            this);
        QSignalSpy finished(&job, &DirectoryJob::finished);
        job.start();
        job.start();
        QVERIFY(finished.wait(Timeout));
        QCoreApplication::processEvents();
        QCOMPARE(runs.load(), 1);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(job.entryCount(), 1);
    }

    void withoutParentDeletesItself()
    {
        QPointer<DirectoryJob> job = new DirectoryJob([](JobSink &sink) {
            sink.entry(user(1));
        });
        QSignalSpy finished(job.data(), &DirectoryJob::finished);
        job->start();
        QVERIFY(finished.wait(Timeout));
        QTRY_VERIFY_WITH_TIMEOUT(job.isNull(), Timeout);
    }
};

QTEST_GUILESS_MAIN(TestDirectoryJob)
#include "tst_directoryjob.moc"
