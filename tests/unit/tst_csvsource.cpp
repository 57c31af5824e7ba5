// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/csvparser.h"
#include "directory/csvsource.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace M365::Directory;

class TestCsvSource : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QList<DirectoryEntry> m_entries;
    QList<EntryProblem> m_problems;
    DirectoryError m_error;

    QString writeFile(const QByteArray &content)
    {
        static int counter = 0;
        const QString path = m_dir.filePath(QStringLiteral("f%1.csv").arg(++counter));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            qFatal("cannot write test file");
        }
        file.write(content);
        return path;
    }

    bool read(const QByteArray &content, const CsvOptions &options = {})
    {
        m_entries.clear();
        m_problems.clear();
        CsvSource source(writeFile(content), options);
        DirectoryJob *job = source.read(ReadScope::UsersAndGroups, this);
        connect(job, &DirectoryJob::entry, this, [this](const DirectoryEntry &e) {
            m_entries.append(e);
        });
        connect(job, &DirectoryJob::problem, this, [this](const EntryProblem &p) {
            m_problems.append(p);
        });
        QSignalSpy finished(job, &DirectoryJob::finished);
        job->start();
        const bool ok = finished.wait(10000);
        m_error = job->error();
        delete job;
        return ok;
    }

private Q_SLOTS:
    void separatorDetection_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<char>("separator");
        QTest::newRow("comma") << QByteArray("uid,sn,givenName\n") << ',';
        QTest::newRow("semicolon") << QByteArray("uid;sn;givenName\n") << ';';
        QTest::newRow("tab") << QByteArray("uid\tsn\tgivenName\n") << '\t';
        QTest::newRow("quoted semicolon") << QByteArray("\"a;b\",c,d\n") << ',';
        QTest::newRow("bom semicolon") << QByteArray("\xEF\xBB\xBFuid;sn\n") << ';';
    }

    void separatorDetection()
    {
        QFETCH(QByteArray, header);
        QFETCH(char, separator);
        QCOMPARE(CsvParser::detectSeparator(header), separator);
    }

    void parserRecords()
    {
        const QByteArray data = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\r\nlast,y,z";
        CsvParser parser(data, ',');
        CsvParser::Record r1 = parser.next();
        QCOMPARE(r1.line, 1);
        QCOMPARE(r1.fields, (QList<QByteArray>{"a", "b,c", "say \"hi\""}));
        CsvParser::Record r2 = parser.next();
        QCOMPARE(r2.line, 2);
        QCOMPARE(r2.fields, (QList<QByteArray>{"multi\nline", "x", ""}));
        CsvParser::Record r3 = parser.next();
        QCOMPARE(r3.line, 4);
        QCOMPARE(r3.fields, (QList<QByteArray>{"last", "y", "z"}));
        QVERIFY(parser.atEnd());
    }

    void wellFormed()
    {
        // BOM, semicolons, a quoted cell with the separator, an embedded newline, a multi-valued
        // cell and a header mapped to an attribute name.
        CsvOptions options;
        options.columnMap.insert(QStringLiteral("First name"), QStringLiteral("givenName"));
        const QByteArray csv = "\xEF\xBB\xBFuid;First name;sn;mail;description\r\n"
                               "jmueller;J\xc3\xbcrgen;M\xc3\xbcller;j@x.org|juergen@x.org;\"two\r\nlines; here\"\r\n"
                               "\r\n"
                               "aoe;\xc3\x85"
                               "sa;\xc3\x96"
                               "berg;a@x.org;\r\n";
        QVERIFY(read(csv, options));
        QVERIFY2(!m_error.isError(), qPrintable(m_error.userMessage));
        QVERIFY(m_problems.isEmpty());
        QCOMPARE(m_entries.size(), 2);
        const DirectoryEntry &first = m_entries.first();
        QCOMPARE(first.kind, EntryKind::User);
        QCOMPARE(first.anchor, QStringLiteral("jmueller"));
        QCOMPARE(first.value(QStringLiteral("givenName")), QString::fromUtf8("J\xc3\xbcrgen"));
        QCOMPARE(first.values(QStringLiteral("mail")),
                 (QStringList{QStringLiteral("j@x.org"), QStringLiteral("juergen@x.org")}));
        QCOMPARE(first.value(QStringLiteral("description")), QStringLiteral("two\r\nlines; here"));
        QCOMPARE(m_entries.at(1).value(QStringLiteral("sn")),
                 QString::fromUtf8("\xc3\x96"
                                   "berg"));
        QVERIFY(!m_entries.at(1).hasAttribute(QStringLiteral("description")));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("row");
        QTest::addColumn<QString>("reasonPart");
        QTest::newRow("too few fields") << QByteArray("bad,x\n") << QStringLiteral("expected 3 fields");
        QTest::newRow("too many fields") << QByteArray("bad,x,y,z\n") << QStringLiteral("expected 3 fields");
        QTest::newRow("stray quote") << QByteArray("bad,x\"y,z\n") << QStringLiteral("unbalanced quotes");
        QTest::newRow("text after quote") << QByteArray("bad,\"x\"y,z\n") << QStringLiteral("unbalanced quotes");
        QTest::newRow("invalid utf8") << QByteArray("bad,M\xfcller,z\n") << QStringLiteral("UTF-8");
    }

    void malformed()
    {
        QFETCH(QByteArray, row);
        QFETCH(QString, reasonPart);
        QVERIFY(read("uid,sn,mail\na,A,a@x.org\n" + row + "c,C,c@x.org\n"));
        QVERIFY(!m_error.isError());
        QCOMPARE(m_entries.size(), 2);
        QCOMPARE(m_problems.size(), 1);
        QCOMPARE(m_problems.first().line, 3);
        QVERIFY2(m_problems.first().reason.contains(reasonPart), qPrintable(m_problems.first().toString()));
    }

    void unterminatedQuoteLosesOneRowOnly()
    {
        // The quote opened on line 3 never closes: line 3 is reported, lines 4 and 5 still arrive.
        QVERIFY(read("uid,sn,mail\na,A,a@x.org\nbad,\"oops,z\nc,C,c@x.org\nd,D,d@x.org\n"));
        QCOMPARE(m_entries.size(), 3);
        QCOMPARE(m_problems.size(), 1);
        QCOMPARE(m_problems.first().line, 3);
        QVERIFY(m_problems.first().reason.contains(QStringLiteral("never closed")));
    }

    void everyBadRowReported()
    {
        QByteArray csv = "uid,sn\n";
        for (int i = 0; i < 20; ++i) {
            csv += (i % 4 == 0) ? QByteArray("broken\n") : "u" + QByteArray::number(i) + ",s\n";
        }
        QVERIFY(read(csv));
        QCOMPARE(m_entries.size(), 15);
        QCOMPARE(m_problems.size(), 5);
        QCOMPARE(m_problems.at(0).line, 2);
        QCOMPARE(m_problems.at(1).line, 6);
    }

    void groupsByObjectClass()
    {
        QVERIFY(read("dn,objectClass,cn,uid,member\n"
                     "\"uid=a,dc=x\",inetOrgPerson,A,a,\n"
                     "\"cn=g,dc=x\",groupOfNames,g,,\"uid=a,dc=x\"\n"));
        QCOMPARE(m_entries.size(), 2);
        QCOMPARE(m_entries.at(0).dn, QStringLiteral("uid=a,dc=x"));
        QVERIFY(!m_entries.at(0).hasAttribute(QStringLiteral("dn")));
        QCOMPARE(m_entries.at(1).kind, EntryKind::Group);
    }

    void fileErrors()
    {
        QVERIFY(read(""));
        QCOMPARE(m_error.code, DirectoryError::InvalidFile);
        QVERIFY(read("\xFF\xFEu\0i\0d\0"));
        QCOMPARE(m_error.code, DirectoryError::InvalidFile);
        QVERIFY(m_error.userMessage.contains(QStringLiteral("UTF-8")));
    }
};

QTEST_GUILESS_MAIN(TestCsvSource)
#include "tst_csvsource.moc"
