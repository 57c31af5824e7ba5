// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profile/keychainsecretstore.h"
#include "profile/secretchunks.h"

#include <QLoggingCategory>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>
#include <qt6keychain/keychain.h>

using namespace M365::Secrets;

namespace {

constexpr int Timeout = 20000;

// A PEM-shaped value of about `size` bytes, different for each seed.
QByteArray pemLike(int size, char seed)
{
    QByteArray body;
    for (int i = 0; body.size() < size - 60; ++i) {
        body += QByteArray::number((i * 7919 + seed) % 1000003).toBase64();
        if (i % 8 == 7) {
            body += '\n';
        }
    }
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
}

struct RawEntry
{
    QKeychain::Error error = QKeychain::OtherError;
    QByteArray data;
};

} // namespace

/*
 * Runs against the real OS keychain: under dbus-run-session with an unlocked gnome-keyring in CI, the desktop
 * keyring on a developer machine. Every key belongs to a profile named after a fresh UUID, and cleanupTestCase()
 * removes them, so a developer's own m365sync secrets are never touched.
 */
class TestKeychainSecretStore : public QObject
{
    Q_OBJECT

private:
    KeychainSecretStore m_store;
    QString m_profile = QStringLiteral("tst-") + QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
    QStringList m_used;
    int m_counter = 0;

    QString key(const QString &purpose)
    {
        const QString result = SecretStore::key(m_profile, purpose);
        m_used.append(result);
        return result;
    }

    // Runs a job parented to the test and returns it after finished(), or nullptr on timeout.
    SecretJob *run(SecretJob *job)
    {
        QSignalSpy finished(job, &SecretJob::finished);
        job->start();
        if (!finished.wait(Timeout) || finished.count() != 1) {
            return nullptr;
        }
        return job;
    }

    // Reads one keychain entry directly, bypassing the store, to see how it laid the value out.
    static RawEntry rawRead(const QString &entryKey)
    {
        auto *job = new QKeychain::ReadPasswordJob(KeychainSecretStore::serviceName());
        job->setAutoDelete(false);
        job->setKey(entryKey);
        QSignalSpy finished(job, &QKeychain::Job::finished);
        job->start();
        RawEntry entry;
        if (finished.wait(Timeout)) {
            entry.error = job->error();
            entry.data = job->binaryData();
        }
        delete job;
        return entry;
    }

    static QKeychain::Error rawDelete(const QString &entryKey)
    {
        auto *job = new QKeychain::DeletePasswordJob(KeychainSecretStore::serviceName());
        job->setAutoDelete(false);
        job->setKey(entryKey);
        QSignalSpy finished(job, &QKeychain::Job::finished);
        job->start();
        const QKeychain::Error error = finished.wait(Timeout) ? job->error() : QKeychain::OtherError;
        delete job;
        return error;
    }

    // How many of the entries key, key.1, … key.<upTo-1> exist.
    static int rawEntryCount(const QString &key, int upTo = 10)
    {
        int count = 0;
        for (int i = 0; i < upTo; ++i) {
            if (rawRead(SecretChunks::entryKey(key, i)).error == QKeychain::NoError) {
                ++count;
            }
        }
        return count;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Fails, never skips, when no keychain answers: the message says how CI provides one.
        const QString probe = key(QStringLiteral("probe"));
        SecretJob *job = run(m_store.write(probe, "probe", this));
        QVERIFY2(job, "the keychain did not answer in time");
        QVERIFY2(!job->hasError(),
                 qPrintable(job->errorString() + QStringLiteral(" (") + job->error().details
                            + QStringLiteral(") - run under dbus-run-session with an unlocked gnome-keyring, see "
                                             "scripts/dev.sh run_ctest")));
    }

    void cleanupTestCase()
    {
        for (const QString &used : std::as_const(m_used)) {
            run(m_store.remove(used, this));
        }
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("entries");
        QTest::newRow("small") << QByteArray("hunter2-\xc3\xa4\xe2\x82\xac") << 1;
        QTest::newRow("binary") << QByteArray("\0\x01\xfe\xff\0", 5) << 1;
        QTest::newRow("exactly one chunk") << QByteArray(SecretChunks::ChunkSize, 'c') << 1;
        QTest::newRow("10 KB pem") << pemLike(10 * 1024, 'a') << 5;
    }

    void roundTrip()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, entries);
        const QString k = key(QStringLiteral("roundTrip%1").arg(++m_counter));

        SecretJob *write = run(m_store.write(k, value, this));
        QVERIFY(write);
        QVERIFY2(!write->hasError(), qPrintable(write->errorString() + write->error().details));

        const RawEntry first = rawRead(k);
        QCOMPARE(first.error, QKeychain::NoError);
        QVERIFY(first.data.size() <= SecretChunks::ChunkSize + SecretChunks::MaxHeaderSize);
        if (entries > 1) {
            QVERIFY2(first.data.size() < value.size(), "a large value must be split over several entries");
        }
        QCOMPARE(rawEntryCount(k), entries);

        SecretJob *read = run(m_store.read(k, this));
        QVERIFY(read);
        QVERIFY2(!read->hasError(), qPrintable(read->errorString() + read->error().details));
        QCOMPARE(read->value(), value);

        SecretJob *remove = run(m_store.remove(k, this));
        QVERIFY(remove);
        QVERIFY2(!remove->hasError(), qPrintable(remove->errorString()));
        QCOMPARE(rawEntryCount(k), 0);
    }

    void overwriteLongerWithShorter()
    {
        const QString k = key(QString::fromLatin1(Purpose::PrivateKey));
        const QByteArray longValue = pemLike(10 * 1024, 'b');
        QVERIFY(run(m_store.write(k, longValue, this)));
        QCOMPARE(rawEntryCount(k), 5);

        const QByteArray shortValue = pemLike(3000, 'c');
        SecretJob *write = run(m_store.write(k, shortValue, this));
        QVERIFY(write);
        QVERIFY(!write->hasError());
        // Old chunks 2, 3, 4 are gone, not left behind with key material in them.
        QCOMPARE(rawEntryCount(k), 2);
        for (int i = 2; i <= 4; ++i) {
            QCOMPARE(rawRead(SecretChunks::entryKey(k, i)).error, QKeychain::EntryNotFound);
        }
        SecretJob *read = run(m_store.read(k, this));
        QVERIFY(read);
        QCOMPARE(read->value(), shortValue);

        // And down to a single entry.
        QVERIFY(run(m_store.write(k, "tiny", this)));
        QCOMPARE(rawEntryCount(k), 1);
        read = run(m_store.read(k, this));
        QVERIFY(read);
        QCOMPARE(read->value(), QByteArray("tiny"));
    }

    void removeDeletesAllChunks()
    {
        const QString k = key(QString::fromLatin1(Purpose::ClientSecret));
        QVERIFY(run(m_store.write(k, pemLike(7000, 'd'), this)));
        QCOMPARE(rawEntryCount(k), 4);
        SecretJob *remove = run(m_store.remove(k, this));
        QVERIFY(remove);
        QVERIFY(!remove->hasError());
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(rawRead(SecretChunks::entryKey(k, i)).error, QKeychain::EntryNotFound);
        }
        SecretJob *read = run(m_store.read(k, this));
        QVERIFY(read);
        QCOMPARE(read->failure(), SecretJob::Failure::NotFound);
        // Removing again is not an error.
        remove = run(m_store.remove(k, this));
        QVERIFY(remove);
        QVERIFY(!remove->hasError());
    }

    void readMissingIsNotFound()
    {
        SecretJob *read = run(m_store.read(key(QStringLiteral("neverWritten")), this));
        QVERIFY(read);
        QVERIFY(read->hasError());
        QCOMPARE(read->failure(), SecretJob::Failure::NotFound);
        QCOMPARE(read->error().code, QStringLiteral("secrets.notFound"));
        QVERIFY(read->value().isEmpty());
    }

    void missingChunkIsDamaged()
    {
        const QString k = key(QString::fromLatin1(Purpose::LdapBindPassword));
        QVERIFY(run(m_store.write(k, pemLike(6000, 'e'), this)));
        QCOMPARE(rawDelete(SecretChunks::entryKey(k, 2)), QKeychain::NoError);
        SecretJob *read = run(m_store.read(k, this));
        QVERIFY(read);
        QCOMPARE(read->failure(), SecretJob::Failure::Damaged);
        QCOMPARE(read->error().code, QStringLiteral("secrets.damaged"));
        QVERIFY(read->value().isEmpty());
        // Writing again repairs it.
        QVERIFY(run(m_store.write(k, "repaired", this)));
        read = run(m_store.read(k, this));
        QVERIFY(read);
        QCOMPARE(read->value(), QByteArray("repaired"));
    }

    void classify_data()
    {
        QTest::addColumn<int>("keychainError");
        QTest::addColumn<QString>("message");
        QTest::addColumn<SecretJob::Failure>("failure");
        QTest::newRow("not found") << int(QKeychain::EntryNotFound) << "Entry not found"
                                   << SecretJob::Failure::NotFound;
        QTest::newRow("no backend") << int(QKeychain::NoBackendAvailable) << "" << SecretJob::Failure::NoBackend;
        QTest::newRow("no session bus") << int(QKeychain::OtherError) << "Cannot autolaunch D-Bus without X11 $DISPLAY"
                                        << SecretJob::Failure::NoBackend;
        QTest::newRow("no login collection")
            << int(QKeychain::OtherError)
            << QString::fromUtf8(
                   "Object does not exist at path \xe2\x80\x9c/org/freedesktop/secrets/collection/login\xe2\x80\x9d")
            << SecretJob::Failure::NoBackend;
        QTest::newRow("service unknown")
            << int(QKeychain::OtherError)
            << "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided"
            << SecretJob::Failure::NoBackend;
        QTest::newRow("denied") << int(QKeychain::AccessDeniedByUser) << "" << SecretJob::Failure::AccessDenied;
        QTest::newRow("other") << int(QKeychain::OtherError) << "Unknown failure" << SecretJob::Failure::Other;
        QTest::newRow("could not delete") << int(QKeychain::CouldNotDeleteEntry) << "" << SecretJob::Failure::Other;
    }

    void classify()
    {
        QFETCH(int, keychainError);
        QFETCH(QString, message);
        QFETCH(SecretJob::Failure, failure);
        QCOMPARE(KeychainSecretStore::classify(keychainError, message), failure);
        const M365::Error error =
            KeychainSecretStore::errorFor(failure, QStringLiteral("m365sync/p/privateKey"), message);
        QCOMPARE(error.code, SecretJob::failureCode(failure));
        QVERIFY(error.userMessage.contains(QLatin1String("m365sync/p/privateKey")));
        QCOMPARE(error.userMessage.contains(KeychainSecretStore::noBackendAdvice()),
                 failure == SecretJob::Failure::NoBackend);
    }

    // Without any D-Bus session the store retries once, then says what to do (run in a child process, because a
    // process keeps the session bus it first connected to).
    void noKeychainTellsTheAdminWhatToDo()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        environment.remove(QStringLiteral("DISPLAY"));
        environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
        environment.insert(QStringLiteral("HOME"), home.path());
        environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());
        environment.insert(QStringLiteral("M365_KEYCHAIN_PROBE"), QStringLiteral("1"));
        QProcess child;
        child.setProcessEnvironment(environment);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForFinished(Timeout));
        const QString output = QString::fromUtf8(child.readAllStandardOutput());
        QCOMPARE(child.exitCode(), 0);
        QVERIFY2(output.startsWith(QLatin1String("secrets.noBackend\n")), qPrintable(output));
        QVERIFY2(output.contains(QLatin1String("dbus-run-session")), qPrintable(output));
        QVERIFY2(output.contains(QLatin1String("gnome-keyring")), qPrintable(output));
        // It retried once before giving up.
        QVERIFY2(QString::fromUtf8(child.readAllStandardError()).contains(QLatin1String("retrying once")),
                 qPrintable(output));
    }

    // A write cancelled while QtKeychain works finishes at once with the cancelled error and makes no further call:
    // the header entry, written last, never appears, so the half-written value is not there to read.
    void cancelWriteInFlight()
    {
        const QString k = key(QStringLiteral("cancelled"));
        SecretJob *write = m_store.write(k, pemLike(10 * 1024, 'g'), this);
        QSignalSpy finished(write, &SecretJob::finished);
        write->start();
        // Runs after the job's first keychain call was made (start() schedules the same way, earlier).
        QTimer::singleShot(0, write, [write] {
            write->cancel();
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, Timeout);
        QVERIFY(write->wasCancelled());
        QVERIFY(write->error().isCancelled());
        QCOMPARE(write->failure(), SecretJob::Failure::Cancelled);
        // Entry 0 (the header) is written last, so however far the call in flight got, there is no value to read.
        QCOMPARE(rawRead(k).error, QKeychain::EntryNotFound);
        SecretJob *read = run(m_store.read(k, this));
        QVERIFY(read);
        QCOMPARE(read->failure(), SecretJob::Failure::NotFound);
        QCOMPARE(finished.count(), 1);
    }

    void orphanChunksAreRemoved()
    {
        // An interrupted write can leave chunks after the header's count; a removal still finds them.
        const QString k = key(QStringLiteral("orphans"));
        QVERIFY(run(m_store.write(k, pemLike(7000, 'f'), this)));
        QCOMPARE(rawDelete(k), QKeychain::NoError);
        QCOMPARE(rawEntryCount(k), 3);
        QVERIFY(run(m_store.remove(k, this)));
        QCOMPARE(rawEntryCount(k), 0);
    }
};

// The child process of noKeychainTellsTheAdminWhatToDo(): one write, then "<code>\n<userMessage>" on stdout.
static int probeWithoutKeychain()
{
    QLoggingCategory::setFilterRules(QStringLiteral("m365.core.secrets.info=true"));
    KeychainSecretStore store;
    SecretJob *job = store.write(SecretStore::key(QStringLiteral("probe"), QStringLiteral("x")), "x");
    QObject::connect(job, &SecretJob::finished, qApp, [](M365::Job *finished) {
        QTextStream(stdout) << finished->error().code << '\n' << finished->errorString() << Qt::endl;
        QCoreApplication::exit(0);
    });
    job->start();
    return QCoreApplication::exec();
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet("M365_KEYCHAIN_PROBE")) {
        return probeWithoutKeychain();
    }
    TestKeychainSecretStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_keychainsecretstore.moc"
