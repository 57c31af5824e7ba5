// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profile/memorysecretstore.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace M365::Secrets;

namespace {
constexpr int Timeout = 5000;
}

class TestMemorySecretStore : public QObject
{
    Q_OBJECT

private:
    // Runs a started job to completion; the job is parented to the test so its results stay readable.
    static bool waitFor(SecretJob *job)
    {
        QSignalSpy finished(job, &SecretJob::finished);
        job->start();
        return finished.wait(Timeout) && finished.count() == 1;
    }

    QString key(const char *purpose = Purpose::ClientSecret) const
    {
        return SecretStore::key(QStringLiteral("contoso"), QString::fromLatin1(purpose));
    }

private Q_SLOTS:
    void keyFormat()
    {
        QCOMPARE(SecretStore::key(QStringLiteral("contoso"), QString::fromLatin1(Purpose::PrivateKey)),
                 QStringLiteral("m365sync/contoso/privateKey"));
        QCOMPARE(SecretStore::key(QStringLiteral("lab.sandbox-1"), QString::fromLatin1(Purpose::LdapBindPassword)),
                 QStringLiteral("m365sync/lab.sandbox-1/ldapBindPassword"));
    }

    void isValidKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("valid");
        QTest::newRow("private key") << "m365sync/contoso/privateKey" << true;
        QTest::newRow("dotted profile") << "m365sync/lab.sandbox_1/clientSecret" << true;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("other service") << "nextcloud/contoso/privateKey" << false;
        QTest::newRow("no purpose") << "m365sync/contoso/" << false;
        QTest::newRow("no profile") << "m365sync//privateKey" << false;
        QTest::newRow("hidden profile") << "m365sync/.contoso/privateKey" << false;
        QTest::newRow("chunk entry") << "m365sync/contoso/privateKey.1" << false;
        QTest::newRow("extra level") << "m365sync/contoso/a/privateKey" << false;
        QTest::newRow("space") << "m365sync/con toso/privateKey" << false;
        QTest::newRow("long profile") << QStringLiteral("m365sync/%1/x").arg(QString(65, QLatin1Char('a'))) << false;
    }

    void isValidKey()
    {
        QFETCH(QString, key);
        QFETCH(bool, valid);
        QCOMPARE(SecretStore::isValidKey(key), valid);
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("password") << QByteArray("s3cr3t!");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("binary with zeros") << QByteArray("\0\1\2\0\xff", 5);
        QTest::newRow("10 KB") << QByteArray(10 * 1024, 'k');
    }

    void roundTrip()
    {
        QFETCH(QByteArray, value);
        MemorySecretStore store;
        SecretJob *write = store.write(key(), value, this);
        QVERIFY(waitFor(write));
        QVERIFY2(!write->hasError(), qPrintable(write->errorString()));
        QCOMPARE(write->operation(), SecretJob::Operation::Write);
        QVERIFY(store.contains(key()));

        SecretJob *read = store.read(key(), this);
        QVERIFY(waitFor(read));
        QVERIFY(!read->hasError());
        QCOMPARE(read->failure(), SecretJob::Failure::None);
        QCOMPARE(read->value(), value);

        SecretJob *remove = store.remove(key(), this);
        QVERIFY(waitFor(remove));
        QVERIFY(!remove->hasError());
        QVERIFY(!store.contains(key()));
    }

    void overwrite()
    {
        MemorySecretStore store;
        QVERIFY(waitFor(store.write(key(), "first-and-longer", this)));
        QVERIFY(waitFor(store.write(key(), "second", this)));
        SecretJob *read = store.read(key(), this);
        QVERIFY(waitFor(read));
        QCOMPARE(read->value(), QByteArray("second"));
        QCOMPARE(store.keys(), QStringList{key()});
    }

    void readMissingIsNotFound()
    {
        MemorySecretStore store;
        SecretJob *read = store.read(key(), this);
        QVERIFY(waitFor(read));
        QVERIFY(read->hasError());
        QCOMPARE(read->failure(), SecretJob::Failure::NotFound);
        QCOMPARE(read->error().code, QStringLiteral("secrets.notFound"));
        QVERIFY(read->errorString().contains(key()));
        QVERIFY(read->value().isEmpty());
    }

    void removeMissingSucceeds()
    {
        MemorySecretStore store;
        store.insert(key(Purpose::PrivateKey), "keep me");
        SecretJob *remove = store.remove(key(), this);
        QVERIFY(waitFor(remove));
        QVERIFY(!remove->hasError());
        QCOMPARE(store.value(key(Purpose::PrivateKey)), QByteArray("keep me"));
    }

    void invalidKey_data()
    {
        QTest::addColumn<int>("operation");
        QTest::newRow("read") << int(SecretJob::Operation::Read);
        QTest::newRow("write") << int(SecretJob::Operation::Write);
        QTest::newRow("remove") << int(SecretJob::Operation::Remove);
    }

    void invalidKey()
    {
        QFETCH(int, operation);
        MemorySecretStore store;
        const QString bad = QStringLiteral("not/a key");
        SecretJob *job = nullptr;
        switch (SecretJob::Operation(operation)) {
        case SecretJob::Operation::Read:
            job = store.read(bad, this);
            break;
        case SecretJob::Operation::Write:
            job = store.write(bad, "value", this);
            break;
        case SecretJob::Operation::Remove:
            job = store.remove(bad, this);
            break;
        }
        QVERIFY(waitFor(job));
        QCOMPARE(job->failure(), SecretJob::Failure::InvalidKey);
        QCOMPARE(job->error().code, QStringLiteral("secrets.invalidKey"));
        QVERIFY(store.keys().isEmpty());
        QCOMPARE(store.finishedJobCount(), 0); // never reached the store
    }

    // start() only schedules: nothing happens until the event loop runs, so connecting after start() is safe.
    void startOnlySchedules()
    {
        MemorySecretStore store;
        SecretJob *job = store.write(key(), "value", this);
        job->start();
        QVERIFY(!job->isFinished());
        QVERIFY(!store.contains(key()));
        QSignalSpy finished(job, &SecretJob::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).value<M365::Job *>(), static_cast<M365::Job *>(job));
        QVERIFY(store.contains(key()));
    }

    void finishedExactlyOnceAndSelfDeletes()
    {
        MemorySecretStore store;
        store.insert(key(), "value");
        QPointer<SecretJob> job = store.read(key());
        QSignalSpy finished(job.data(), &SecretJob::finished);
        QSignalSpy destroyed(job.data(), &QObject::destroyed);
        QByteArray seen;
        connect(job, &SecretJob::finished, this, [&seen](M365::Job *j) {
            // Results are valid inside the slot, before the deferred delete.
            seen = static_cast<SecretJob *>(j)->value();
        });
        job->start();
        job->start(); // a second start is ignored
        QTRY_COMPARE_WITH_TIMEOUT(destroyed.count(), 1, Timeout);
        QCOMPARE(finished.count(), 1);
        QVERIFY(job.isNull());
        QCOMPARE(seen, QByteArray("value"));
        QCOMPARE(store.finishedJobCount(), 1);
    }

    void parentedJobStays()
    {
        MemorySecretStore store;
        QObject owner;
        QPointer<SecretJob> job = store.write(key(), "value", &owner);
        QVERIFY(waitFor(job));
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(!job.isNull());
        QCOMPARE(job->parent(), &owner);
    }

    void injectedFailureLeavesContents_data()
    {
        QTest::addColumn<SecretJob::Failure>("failure");
        QTest::addColumn<QString>("code");
        QTest::newRow("locked") << SecretJob::Failure::AccessDenied << "secrets.accessDenied";
        QTest::newRow("no backend") << SecretJob::Failure::NoBackend << "secrets.noBackend";
        QTest::newRow("other") << SecretJob::Failure::Other << "secrets.failed";
    }

    void injectedFailureLeavesContents()
    {
        QFETCH(SecretJob::Failure, failure);
        QFETCH(QString, code);
        MemorySecretStore store;
        store.insert(key(), "old");
        store.failNext(failure);
        SecretJob *write = store.write(key(), "new", this);
        QVERIFY(waitFor(write));
        QCOMPARE(write->failure(), failure);
        QCOMPARE(write->error().code, code);
        QVERIFY(!write->errorString().isEmpty());
        QVERIFY2(!write->error().details.contains(QLatin1String("new")), qPrintable(write->error().details));
        QCOMPARE(store.value(key()), QByteArray("old"));
        // Only the next job failed.
        SecretJob *again = store.write(key(), "new", this);
        QVERIFY(waitFor(again));
        QVERIFY(!again->hasError());
        QCOMPARE(store.value(key()), QByteArray("new"));
    }

    // cancel() finishes at once with the one cancelled error (core/job.h); the store is never touched.
    void cancelBeforeRun_data()
    {
        QTest::addColumn<int>("operation");
        QTest::newRow("read") << int(SecretJob::Operation::Read);
        QTest::newRow("write") << int(SecretJob::Operation::Write);
        QTest::newRow("remove") << int(SecretJob::Operation::Remove);
    }

    void cancelBeforeRun()
    {
        QFETCH(int, operation);
        MemorySecretStore store;
        store.insert(key(), "old");
        SecretJob *job = nullptr;
        switch (SecretJob::Operation(operation)) {
        case SecretJob::Operation::Read:
            job = store.read(key(), this);
            break;
        case SecretJob::Operation::Write:
            job = store.write(key(), "new", this);
            break;
        case SecretJob::Operation::Remove:
            job = store.remove(key(), this);
            break;
        }
        QSignalSpy finished(job, &SecretJob::finished);
        job->start();
        job->cancel();
        QCOMPARE(finished.count(), 1);
        QVERIFY(job->isFinished());
        QVERIFY(job->hasError());
        QVERIFY(job->wasCancelled());
        QVERIFY(job->error().isCancelled());
        QCOMPARE(job->failure(), SecretJob::Failure::Cancelled);
        QCOMPARE(job->error().code, SecretJob::failureCode(SecretJob::Failure::Cancelled));
        QVERIFY(job->value().isEmpty());
        // The scheduled run never happens: no second finished(), the value stays as it was.
        QCoreApplication::processEvents();
        QCOMPARE(finished.count(), 1);
        QCOMPARE(store.finishedJobCount(), 0);
        QCOMPARE(store.value(key()), QByteArray("old"));
        job->cancel(); // cancelling a finished job changes nothing
        QCOMPARE(finished.count(), 1);
    }

    void cancelledWithoutParentDeletesItself()
    {
        MemorySecretStore store;
        QPointer<SecretJob> job = store.read(key());
        QSignalSpy destroyed(job.data(), &QObject::destroyed);
        job->cancel();
        QTRY_COMPARE_WITH_TIMEOUT(destroyed.count(), 1, Timeout);
    }

    void storeDeletedBeforeRun()
    {
        auto *store = new MemorySecretStore;
        SecretJob *job = store->read(key(), this);
        job->start();
        delete store;
        QSignalSpy finished(job, &SecretJob::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(job->failure(), SecretJob::Failure::Other);
    }
};

QTEST_GUILESS_MAIN(TestMemorySecretStore)
#include "tst_memorysecretstore.moc"
