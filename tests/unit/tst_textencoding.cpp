// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/textencoding.h"
#include "messyexports.h"

#include <QTest>

using namespace M365::Directory;

class TestTextEncoding : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("firstBad");
        QTest::newRow("ascii") << QByteArray("plain") << -1;
        QTest::newRow("umlaut") << QByteArray("M\xc3\xbcller") << -1;
        QTest::newRow("emoji") << QByteArray("\xf0\x9f\x8c\xbb") << -1;
        QTest::newRow("latin1 byte") << QByteArray("M\xfcller") << 1;
        QTest::newRow("overlong slash") << QByteArray("a\xc0\xaf") << 1;
        QTest::newRow("surrogate") << QByteArray("ab\xed\xa0\x80") << 2;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << 0;
        QTest::newRow("truncated at end") << QByteArray("abc\xe2\x82") << 3;
        QTest::newRow("lone continuation") << QByteArray("\x80") << 0;
    }

    void utf8Validation()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, firstBad);
        QCOMPARE(firstInvalidUtf8(bytes.constData(), bytes.size()), qsizetype(firstBad));
    }

    void byteOrderMarks()
    {
        const QString name = M365::Tests::awkwardNames().at(2);
        QByteArray utf16le("\xFF\xFE", 2);
        utf16le.append(reinterpret_cast<const char *>(name.utf16()), name.size() * 2);
        DecodedText text = decodeText(utf16le, TextEncoding::Auto);
        QVERIFY2(text.ok(), qPrintable(text.error));
        QCOMPARE(QString::fromUtf8(text.utf8), name);
        QCOMPARE(text.encodingName, QStringLiteral("UTF-16LE"));

        QByteArray utf16be("\xFE\xFF", 2);
        for (const QChar c : name) {
            utf16be.append(char(c.unicode() >> 8));
            utf16be.append(char(c.unicode() & 0xFF));
        }
        text = decodeText(utf16be, TextEncoding::Windows1252); // the BOM wins over a wrong choice
        QVERIFY(text.ok());
        QCOMPARE(QString::fromUtf8(text.utf8), name);

        text = decodeText("\xEF\xBB\xBFuid", TextEncoding::Auto);
        QCOMPARE(text.utf8, QByteArray("uid"));
        QCOMPARE(text.encodingName, QStringLiteral("UTF-8 with BOM"));

        // An unpaired surrogate and an odd length are refused, never turned into U+FFFD.
        QVERIFY(!decodeText(QByteArray("\xFF\xFE\x00\xD8"
                                       "a\x00",
                                       6),
                            TextEncoding::Auto)
                     .ok());
        QVERIFY(!decodeText(QByteArray("\xFF\xFE"
                                       "a\x00"
                                       "b",
                                       5),
                            TextEncoding::Auto)
                     .ok());
    }

    void windows1252NeedsConfirmation()
    {
        const QByteArray bytes = M365::Tests::toWindows1252(QString::fromUtf8("Name\nM\xc3\xbcller \xe2\x82\xac\n"));
        DecodedText text = decodeText(bytes, TextEncoding::Auto);
        QVERIFY(!text.ok());
        QVERIFY(text.needsConfirmation);
        QCOMPARE(text.firstBadLine, 2);
        QVERIFY2(text.error.contains(QStringLiteral("Windows-1252")), qPrintable(text.error));
        QVERIFY(text.utf8.isEmpty());

        text = decodeText(bytes, TextEncoding::Windows1252);
        QVERIFY(text.ok());
        QCOMPARE(QString::fromUtf8(text.utf8), QString::fromUtf8("Name\nM\xc3\xbcller \xe2\x82\xac\n"));

        // Utf8 chosen explicitly: refused, no offer to convert.
        text = decodeText(bytes, TextEncoding::Utf8);
        QVERIFY(!text.ok());
        QVERIFY(!text.needsConfirmation);
    }

    void windows1252UndefinedBytesRefused()
    {
        const DecodedText text = decodeText("ok\nbad \x81 byte\n", TextEncoding::Windows1252);
        QVERIFY(!text.ok());
        QCOMPARE(text.firstBadLine, 2);
        QVERIFY(text.error.contains(QStringLiteral("0x81")));
        // Nor is such a file offered for conversion.
        QVERIFY(!decodeText("ok\nbad \x81 byte\n", TextEncoding::Auto).needsConfirmation);
    }
};

QTEST_GUILESS_MAIN(TestTextEncoding)
#include "tst_textencoding.moc"
