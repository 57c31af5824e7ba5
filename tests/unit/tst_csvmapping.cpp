// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/csvmapping.h"

#include <QJsonArray>
#include <QTest>

using namespace M365::Directory;

class TestCsvMapping : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void suggestAttribute_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("attribute");
        QTest::newRow("first_name") << QStringLiteral("first_name") << QStringLiteral("givenName");
        QTest::newRow("First Name") << QStringLiteral(" First Name ") << QStringLiteral("givenName");
        QTest::newRow("Given name") << QStringLiteral("Given name") << QStringLiteral("givenName");
        QTest::newRow("Vorname") << QStringLiteral("Vorname") << QStringLiteral("givenName");
        QTest::newRow("last_name") << QStringLiteral("last_name") << QStringLiteral("sn");
        QTest::newRow("Surname") << QStringLiteral("Surname") << QStringLiteral("sn");
        QTest::newRow("Nachname") << QStringLiteral("Nachname") << QStringLiteral("sn");
        QTest::newRow("email") << QStringLiteral("email") << QStringLiteral("mail");
        QTest::newRow("E-Mail") << QStringLiteral("E-Mail") << QStringLiteral("mail");
        QTest::newRow("E-Mail-Adresse") << QStringLiteral("E-Mail-Adresse") << QStringLiteral("mail");
        QTest::newRow("employee_id") << QStringLiteral("employee_id") << QStringLiteral("employeeID");
        QTest::newRow("Personnel number") << QStringLiteral("Personnel number") << QStringLiteral("employeeID");
        QTest::newRow("Personalnummer") << QStringLiteral("Personalnummer") << QStringLiteral("employeeID");
        QTest::newRow("Abteilung") << QStringLiteral("Abteilung") << QStringLiteral("department");
        QTest::newRow("Telefon") << QStringLiteral("Telefon") << QStringLiteral("telephoneNumber");
        QTest::newRow("phone") << QStringLiteral("phone") << QStringLiteral("telephoneNumber");
        QTest::newRow("Ort") << QStringLiteral("Ort") << QStringLiteral("l");
        QTest::newRow("city") << QStringLiteral("City") << QStringLiteral("l");
        QTest::newRow("Land") << QStringLiteral("Land") << QStringLiteral("co");
        QTest::newRow("Ländercode") << QString::fromUtf8("L\xc3\xa4nderCode") << QStringLiteral("c");
        QTest::newRow("Straße") << QString::fromUtf8("Stra\xc3\x9f"
                                                     "e")
                                << QStringLiteral("street");
        QTest::newRow("manager") << QStringLiteral("Manager") << QStringLiteral("manager");
        QTest::newRow("Vorgesetzter") << QStringLiteral("Vorgesetzter") << QStringLiteral("manager");
        QTest::newRow("groups") << QStringLiteral("groups") << QStringLiteral("memberOf");
        QTest::newRow("Gruppen") << QStringLiteral("Gruppen") << QStringLiteral("memberOf");
        QTest::newRow("ldap name kept") << QStringLiteral("givenName") << QStringLiteral("givenName");
        QTest::newRow("unknown") << QStringLiteral("Cost centre") << QString();
        QTest::newRow("empty") << QString() << QString();
    }

    void suggestAttribute()
    {
        QFETCH(QString, header);
        QFETCH(QString, attribute);
        QCOMPARE(CsvMapping::suggestAttribute(header), attribute);
    }

    void suggestMapping()
    {
        const QStringList headers{QStringLiteral("Vorname"),
                                  QStringLiteral("Nachname"),
                                  QStringLiteral("E-Mail"),
                                  QStringLiteral("Abteilung"),
                                  QStringLiteral("Personalnummer"),
                                  QStringLiteral("Gruppen"),
                                  QStringLiteral("Kostenstelle"),
                                  QStringLiteral("Notiz (intern)"),
                                  QString()};
        const CsvMapping mapping = CsvMapping::suggest(headers);
        QCOMPARE(mapping.attributeFor(QStringLiteral("Vorname")), QStringLiteral("givenName"));
        QCOMPARE(mapping.attributeFor(QStringLiteral("Gruppen")), QStringLiteral("memberOf"));
        // An unknown header that LDAP would accept is used as it is; one it would not is ignored.
        QCOMPARE(mapping.attributeFor(QStringLiteral("Kostenstelle")), QStringLiteral("Kostenstelle"));
        QCOMPARE(mapping.attributeFor(QStringLiteral("Notiz (intern)")), QString());
        // The employee ID is the key even though the e-mail address comes first.
        QCOMPARE(mapping.keyColumn, QStringLiteral("Personalnummer"));

        QCOMPARE(CsvMapping::suggest({QStringLiteral("mail"), QStringLiteral("username")}).keyColumn,
                 QStringLiteral("username"));
        QCOMPARE(CsvMapping::suggest({QStringLiteral("Notes")}).keyColumn, QString());
    }

    void json()
    {
        CsvMapping mapping = CsvMapping::suggest({QStringLiteral("first_name"), QStringLiteral("employee_id")});
        mapping.requiredColumns = {QStringLiteral("first_name")};
        const auto back = CsvMapping::fromJson(mapping.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back.value, mapping);
    }

    void invalidJson_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("reasonPart");
        QTest::newRow("columns not an object")
            << QJsonObject{{QStringLiteral("columns"), 3}} << QStringLiteral("columns");
        QTest::newRow("attribute not text")
            << QJsonObject{{QStringLiteral("columns"), QJsonObject{{QStringLiteral("a"), 1}}}}
            << QStringLiteral("\"a\"");
        QTest::newRow("attribute with space")
            << QJsonObject{{QStringLiteral("columns"),
                            QJsonObject{{QStringLiteral("a"), QStringLiteral("given name")}}}}
            << QStringLiteral("not an attribute name");
        QTest::newRow("key not mapped") << QJsonObject{{QStringLiteral("columns"),
                                                        QJsonObject{{QStringLiteral("a"), QString()}}},
                                                       {QStringLiteral("key"), QStringLiteral("a")}}
                                        << QStringLiteral("key column");
        QTest::newRow("required not a list")
            << QJsonObject{{QStringLiteral("required"), QStringLiteral("a")}} << QStringLiteral("required");
    }

    void invalidJson()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, reasonPart);
        const auto result = CsvMapping::fromJson(json);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.userMessage.contains(reasonPart), qPrintable(result.error.userMessage));
    }
};

QTEST_GUILESS_MAIN(TestCsvMapping)
#include "tst_csvmapping.moc"
