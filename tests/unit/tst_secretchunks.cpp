// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profile/secretchunks.h"

#include <QTest>

using namespace M365::Secrets;

namespace {

QByteArray pattern(qsizetype size)
{
    QByteArray value(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i) {
        value[i] = char((i * 31 + 7) % 251);
    }
    return value;
}

} // namespace

class TestSecretChunks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void entryKey()
    {
        const QString key = QStringLiteral("m365sync/contoso/privateKey");
        QCOMPARE(SecretChunks::entryKey(key, 0), key);
        QCOMPARE(SecretChunks::entryKey(key, 1), key + QStringLiteral(".1"));
        QCOMPARE(SecretChunks::entryKey(key, 12), key + QStringLiteral(".12"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("count");
        QTest::newRow("empty") << 0 << 1;
        QTest::newRow("one byte") << 1 << 1;
        QTest::newRow("just under") << 2047 << 1;
        QTest::newRow("exactly one chunk") << 2048 << 1;
        QTest::newRow("one over") << 2049 << 2;
        QTest::newRow("two chunks") << 4096 << 2;
        QTest::newRow("10 KB pem") << 10 * 1024 << 5;
        QTest::newRow("3072-bit key pem size") << 2459 << 2;
    }

    void roundTrip()
    {
        QFETCH(int, size);
        QFETCH(int, count);
        const QByteArray value = pattern(size);
        const QList<QByteArray> entries = SecretChunks::encode(value);
        QCOMPARE(entries.size(), count);
        for (const QByteArray &entry : entries) {
            // Each entry stays under Windows Credential Manager's 2,560-byte cap.
            QVERIFY(entry.size() <= SecretChunks::ChunkSize + SecretChunks::MaxHeaderSize);
            QVERIFY(entry.size() < 2560);
        }
        const std::optional<SecretChunks::Header> header = SecretChunks::decodeFirst(entries.first());
        QVERIFY(header.has_value());
        QCOMPARE(header->count, count);
        QCOMPARE(header->size, qsizetype(size));
        const std::optional<QByteArray> back = SecretChunks::assemble(*header, entries.mid(1));
        QVERIFY(back.has_value());
        QCOMPARE(*back, value);
    }

    void detectsDamage_data()
    {
        QTest::addColumn<int>("damage");
        QTest::newRow("chunk altered") << 0;
        QTest::newRow("chunk missing") << 1;
        QTest::newRow("chunk from another value") << 2;
        QTest::newRow("extra chunk") << 3;
    }

    void detectsDamage()
    {
        QFETCH(int, damage);
        const QByteArray value = pattern(6000);
        QList<QByteArray> entries = SecretChunks::encode(value);
        QCOMPARE(entries.size(), 3);
        const std::optional<SecretChunks::Header> header = SecretChunks::decodeFirst(entries.first());
        QVERIFY(header.has_value());
        QList<QByteArray> rest = entries.mid(1);
        switch (damage) {
        case 0:
            rest[1][10] = char(rest[1][10] ^ 0x01);
            break;
        case 1:
            rest.removeLast();
            break;
        case 2: {
            QByteArray other = value;
            other[3000] = char(other[3000] ^ 0x40);
            rest[0] = SecretChunks::encode(other).at(1);
            break;
        }
        case 3:
            rest.append("tail");
            break;
        }
        QVERIFY(!SecretChunks::assemble(*header, rest).has_value());
    }

    void rejectsHeaders_data()
    {
        QTest::addColumn<QByteArray>("entry");
        QTest::newRow("raw value") << QByteArray("just a password");
        QTest::newRow("raw pem") << QByteArray("-----BEGIN PRIVATE KEY-----\nMIIE\n");
        QTest::newRow("wrong magic") << QByteArray("m365sync-secret/2 1 3 0123456789abcdef\nabc");
        QTest::newRow("count mismatch") << QByteArray("m365sync-secret/1 2 3 0123456789abcdef\nabc");
        QTest::newRow("size mismatch") << QByteArray("m365sync-secret/1 1 4 0123456789abcdef\nabc");
        QTest::newRow("negative size") << QByteArray("m365sync-secret/1 1 -3 0123456789abcdef\nabc");
        QTest::newRow("short digest") << QByteArray("m365sync-secret/1 1 3 0123\nabc");
        QTest::newRow("upper digest") << QByteArray("m365sync-secret/1 1 3 0123456789ABCDEF\nabc");
        QTest::newRow("too many chunks") << QByteArray("m365sync-secret/1 5000 10238976 0123456789abcdef\n")
                + QByteArray(2048, 'x');
        QTest::newRow("no newline") << QByteArray("m365sync-secret/1 1 3 0123456789abcdef");
    }

    void rejectsHeaders()
    {
        QFETCH(QByteArray, entry);
        QVERIFY(!SecretChunks::decodeFirst(entry).has_value());
    }
};

QTEST_GUILESS_MAIN(TestSecretChunks)
#include "tst_secretchunks.moc"
