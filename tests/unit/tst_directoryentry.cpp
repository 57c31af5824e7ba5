// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/directoryentry.h"

#include <QDate>
#include <QTest>

using namespace M365::Directory;

class TestDirectoryEntry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void caseInsensitiveNames()
    {
        DirectoryEntry e;
        e.addValue(QStringLiteral("givenName"), QStringLiteral("Zoë"));
        QCOMPARE(e.value(QStringLiteral("GIVENNAME")), QStringLiteral("Zoë"));
        QVERIFY(e.hasAttribute(QStringLiteral("givenname")));
        QCOMPARE(e.binaryValues(QStringLiteral("givenName")), QList<QByteArray>{QByteArray("Zo\xc3\xab")});
    }

    void attributeMapActsLikeAHash()
    {
        // Values added in any order, to names in any order, come back per name in the order they were added.
        AttributeMap map;
        map.append(QStringLiteral("sn"), QStringLiteral("Doe"));
        map.append(QStringLiteral("mail"), QStringLiteral("a@x"));
        map.append(QStringLiteral("cn"), QStringLiteral("Jo Doe"));
        map.append(QStringLiteral("mail"), QStringLiteral("b@x"));
        map.append(QStringLiteral("objectclass"), QStringList{QStringLiteral("top"), QStringLiteral("person")});
        map.append(QStringLiteral("mail"), QStringList{QStringLiteral("c@x")});
        QCOMPARE(map.size(), 4);
        QCOMPARE(map.value(QStringLiteral("mail")),
                 (QStringList{QStringLiteral("a@x"), QStringLiteral("b@x"), QStringLiteral("c@x")}));
        QCOMPARE(map.value(QStringLiteral("sn")), QStringList{QStringLiteral("Doe")});
        QCOMPARE(map.value(QStringLiteral("cn")), QStringList{QStringLiteral("Jo Doe")});
        QCOMPARE(map.value(QStringLiteral("objectclass")),
                 (QStringList{QStringLiteral("top"), QStringLiteral("person")}));
        QVERIFY(map.values(u"missing").isEmpty());
        QVERIFY(map.constFind(u"missing") == map.constEnd());
        QVERIFY(!map.contains(u"MAIL")); // names compare exactly; DirectoryEntry folds them

        const auto it = map.constFind(u"mail");
        QVERIFY(it != map.constEnd());
        QCOMPARE(it.key(), QStringLiteral("mail"));
        QCOMPARE(it->size(), 3);
        QCOMPARE((*it).first(), QStringLiteral("a@x"));

        QHash<QString, QStringList> seen;
        for (auto i = map.cbegin(); i != map.cend(); ++i) {
            seen.insert(i.key(), i.value());
        }
        QCOMPARE(seen.size(), 4);
        QCOMPARE(seen.value(QStringLiteral("mail")).size(), 3);

        // As with QHash: [] adds the name, assignment replaces the values, remove() takes the name away.
        map[QStringLiteral("title")];
        QVERIFY(map.contains(u"title"));
        QVERIFY(map.values(u"title").isEmpty());
        map[QStringLiteral("mail")] = QStringList{QStringLiteral("new@x")};
        QCOMPARE(map.value(QStringLiteral("mail")), QStringList{QStringLiteral("new@x")});
        map[QStringLiteral("sn")].append(QStringLiteral("Smith"));
        QCOMPARE(map.value(QStringLiteral("sn")), (QStringList{QStringLiteral("Doe"), QStringLiteral("Smith")}));
        QVERIFY(map.remove(u"objectclass"));
        QVERIFY(!map.remove(u"objectclass"));
        QCOMPARE(map.value(QStringLiteral("cn")), QStringList{QStringLiteral("Jo Doe")});
        QCOMPARE(map.value(QStringLiteral("mail")), QStringList{QStringLiteral("new@x")});
        QCOMPARE(map.keys().size(), 4);

        AttributeMap same;
        for (auto i = map.cbegin(); i != map.cend(); ++i) {
            same.append(i.key(), i.value().toList());
        }
        QVERIFY(same == map);
        same.clear();
        QVERIFY(same.isEmpty());
    }

    void disabled_data()
    {
        const qint64 today = QDate(1970, 1, 1).daysTo(QDate::currentDate());
        QTest::addColumn<QString>("attribute");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("disabled");
        QTest::newRow("uac enabled") << QStringLiteral("userAccountControl") << QStringLiteral("512") << false;
        QTest::newRow("uac disabled") << QStringLiteral("userAccountControl") << QStringLiteral("514") << true;
        QTest::newRow("nsAccountLock") << QStringLiteral("nsAccountLock") << QStringLiteral("TRUE") << true;
        QTest::newRow("shadowExpire past") << QStringLiteral("shadowExpire") << QStringLiteral("1") << true;
        QTest::newRow("shadowExpire never") << QStringLiteral("shadowExpire") << QStringLiteral("-1") << false;
        QTest::newRow("shadowExpire future") << QStringLiteral("shadowExpire") << QString::number(today + 100) << false;
        QTest::newRow("locked") << QStringLiteral("pwdAccountLockedTime") << QStringLiteral("000001010000Z") << true;
    }

    void disabled()
    {
        QFETCH(QString, attribute);
        QFETCH(QString, value);
        QFETCH(bool, disabled);
        DirectoryEntry e;
        e.addValue(attribute, value);
        detectDisabled(e);
        QCOMPARE(e.disabled, disabled);
    }

    void uuidText()
    {
        QCOMPARE(uuidToString(QByteArray::fromHex("0123456789abcdef0123456789abcdef")),
                 QStringLiteral("01234567-89ab-cdef-0123-456789abcdef"));
    }

    void anchorFromBinary()
    {
        EntryRules rules;
        DirectoryEntry e;
        const QByteArray guid = QByteArray::fromHex("a1b2c3d4e5f60718293a4b5c6d7e8f90");
        e.addBinaryValue(QStringLiteral("objectGUID"), guid);
        e.addValue(QStringLiteral("uid"), QStringLiteral("x"));
        QVERIFY(rules.assignAnchor(e));
        QCOMPARE(e.anchor, QString::fromLatin1(guid.toBase64()));
        rules.anchorAttributes = {QStringLiteral("employeeNumber")};
        QVERIFY(!rules.assignAnchor(e));
    }

    void utf8()
    {
        QString out;
        QVERIFY(decodeUtf8("\xe7\x94\xb0\xe4\xb8\xad", &out));
        QCOMPARE(out, QString::fromUtf8("\xe7\x94\xb0\xe4\xb8\xad"));
        QVERIFY(!decodeUtf8("\xc3", &out));
        QVERIFY(!decodeUtf8("\xed\xa0\x80", &out)); // a surrogate is not valid UTF-8
    }
};

QTEST_GUILESS_MAIN(TestDirectoryEntry)
#include "tst_directoryentry.moc"
