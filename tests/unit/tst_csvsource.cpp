// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/csvparser.h"
#include "directory/csvsource.h"
#include "directory/filesourcesupport.h"
#include "messyexports.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace M365::Directory;
using M365::Tests::CsvExport;

namespace {

/// Collects what a CsvReader delivers, without a job.
class Collected : public EntryReceiver
{
public:
    QList<QPair<int, DirectoryEntry>> entries;
    QList<EntryProblem> problems;

    bool add(DirectoryEntry &&entry, int line) override
    {
        entries.append({line, std::move(entry)});
        return true;
    }
    void problem(int line, const QString &dn, const QString &reason) override
    {
        problems.append(EntryProblem{dn, line, reason, {}});
    }
    QList<int> problemLines() const
    {
        QList<int> lines;
        for (const EntryProblem &p : problems) {
            lines.append(p.line);
        }
        return lines;
    }
    QString problemText() const
    {
        QStringList out;
        for (const EntryProblem &p : problems) {
            out.append(p.toString());
        }
        return out.join(QLatin1Char('\n'));
    }
};

const QStringList kHrHeader{QStringLiteral("employee_id"),
                            QStringLiteral("first_name"),
                            QStringLiteral("last_name"),
                            QStringLiteral("email"),
                            QStringLiteral("department"),
                            QStringLiteral("groups")};

/// An HR export with every habit and a broken row of each kind between good ones.
CsvExport messyHrExport(char separator, bool crlf, CsvExport::Encoding encoding, int trailingEmpty)
{
    const QString sep = QString(QLatin1Char(separator));
    const QByteArray nl = crlf ? "\r\n" : "\n";
    const QStringList names = M365::Tests::awkwardNames();
    CsvExport file(kHrHeader);
    file.separator = separator;
    file.crlf = crlf;
    file.encoding = encoding;
    file.trailingEmptyColumns = trailingEmpty;
    int id = 1000;
    auto person = [&](const QString &given, const QString &department, const QString &groups) {
        ++id;
        file.good({QString::number(id),
                   given,
                   QStringLiteral("Doe"),
                   QStringLiteral("p%1@example.org").arg(id),
                   department,
                   groups});
    };
    const bool unicode = encoding != CsvExport::Encoding::Windows1252;
    person(unicode ? names.at(0) : QString::fromUtf8("J\xc3\xbcrgen"),
           QStringLiteral("Sales") + sep + QStringLiteral(" EMEA"),
           QStringLiteral("Staff|Sales"));
    file.blank(nl);
    person(
        unicode ? names.at(1) : QStringLiteral("Ann"), QStringLiteral("R&D \"Labs\""), QStringLiteral("Staff; Labs"));
    file.bad("9999" + sep.toLatin1() + "\"unbalanced" + sep.toLatin1() + "x" + nl); // stray quote: one row lost
    person(unicode ? names.at(2) : QStringLiteral("Bo"), QStringLiteral("two\nlines"), QString());
    file.blank(QByteArray(5, separator) + nl); // Excel's row of separators
    file.bad(sep.toLatin1() + "NoKey" + sep.toLatin1() + "Doe" + sep.toLatin1() + "nokey@example.org" + sep.toLatin1()
             + sep.toLatin1() + nl); // empty key
    person(unicode ? names.at(3) : QStringLiteral("Cy"), QString(), QStringLiteral("Staff"));
    file.bad("1001" + sep.toLatin1() + "Dup" + sep.toLatin1() + "Doe" + sep.toLatin1() + "dup@example.org"
             + sep.toLatin1() + sep.toLatin1() + nl); // duplicate key
    file.bad("2000" + sep.toLatin1() + "N" + QByteArray(1, '\0') + "ul" + sep.toLatin1() + "Doe" + sep.toLatin1()
             + "nul@example.org" + sep.toLatin1() + sep.toLatin1() + nl); // NUL byte
    file.blank("   " + nl);
    person(unicode ? names.at(4) : QStringLiteral("Di"), QString(100 * 1024, QLatin1Char('x')), QString());
    person(names.at(5), QStringLiteral(" padded "), QStringLiteral("Labs"));
    return file;
}

} // namespace

class TestCsvSource : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QList<DirectoryEntry> m_entries;
    QList<EntryProblem> m_problems;
    M365::Error m_error;

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
        options.mapping.columns = {{QStringLiteral("uid"), QStringLiteral("uid")},
                                   {QStringLiteral("First name"), QStringLiteral("givenName")},
                                   {QStringLiteral("sn"), QStringLiteral("sn")},
                                   {QStringLiteral("mail"), QStringLiteral("mail")},
                                   {QStringLiteral("description"), QStringLiteral("description")}};
        const QByteArray csv = "\xEF\xBB\xBFuid;First name;sn;mail;description\r\n"
                               "jmueller;J\xc3\xbcrgen;M\xc3\xbcller;j@x.org|juergen@x.org;\"two\r\nlines; here\"\r\n"
                               "\r\n"
                               "aoe;\xc3\x85"
                               "sa;\xc3\x96"
                               "berg;a@x.org;\r\n";
        QVERIFY(read(csv, options));
        QVERIFY2(m_error.isNull(), qPrintable(m_error.userMessage));
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
        QTest::newRow("nul byte") << QByteArray("bad,M\0ller,z\n", 13) << QStringLiteral("NUL");
    }

    void malformed()
    {
        QFETCH(QByteArray, row);
        QFETCH(QString, reasonPart);
        QVERIFY(read("uid,sn,mail\na,A,a@x.org\n" + row + "c,C,c@x.org\n"));
        QVERIFY(m_error.isNull());
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
        QCOMPARE(DirectoryError::codeOf(m_error), DirectoryError::InvalidFile);
        QVERIFY(read(" ; ;\n\n"));
        QCOMPARE(DirectoryError::codeOf(m_error), DirectoryError::InvalidFile);
        QVERIFY(m_error.userMessage.contains(QStringLiteral("header")));
        // A byte that is not UTF-8 refuses the whole file (nothing is half-read), naming the file and the line.
        QVERIFY(read("uid,sn\na,A\nb,M\xfcller\n"));
        QCOMPARE(DirectoryError::codeOf(m_error), DirectoryError::EncodingNotConfirmed);
        QVERIFY2(m_error.userMessage.contains(QStringLiteral("line 3")), qPrintable(m_error.userMessage));
        QVERIFY(m_error.userMessage.contains(QStringLiteral(".csv")));
        QVERIFY(m_entries.isEmpty());
    }

    /// Each program's dialect of the same messy HR export: every good row arrives with its values and line, every
    /// bad one is reported on its line, and nothing else is reported.
    void messyHrExports_data()
    {
        QTest::addColumn<char>("separator");
        QTest::addColumn<bool>("crlf");
        QTest::addColumn<int>("encoding");
        QTest::addColumn<int>("trailingEmpty");
        QTest::newRow("Excel CSV UTF-8 (de)") << ';' << true << int(CsvExport::Encoding::Utf8Bom) << 3;
        QTest::newRow("Excel CSV UTF-8 (en)") << ',' << true << int(CsvExport::Encoding::Utf8Bom) << 0;
        QTest::newRow("Excel Unicode text") << '\t' << true << int(CsvExport::Encoding::Utf16LeBom) << 0;
        QTest::newRow("Google Sheets") << ',' << false << int(CsvExport::Encoding::Utf8) << 0;
        QTest::newRow("HR system, pipe-free") << ';' << false << int(CsvExport::Encoding::Utf8) << 1;
    }

    void messyHrExports()
    {
        QFETCH(char, separator);
        QFETCH(bool, crlf);
        QFETCH(int, encoding);
        QFETCH(int, trailingEmpty);
        const CsvExport file = messyHrExport(separator, crlf, CsvExport::Encoding(encoding), trailingEmpty);
        CsvOptions options;
        options.mapping = CsvMapping::suggest(kHrHeader);
        options.mapping.requiredColumns = {QStringLiteral("last_name")};
        options.multiValueSeparator.clear();
        QVERIFY(read(file.bytes(), options));
        QVERIFY2(m_error.isNull(), qPrintable(m_error.userMessage));
        QCOMPARE(m_entries.size(), file.goodRows().size() + 3); // and the groups Staff, Sales, Labs
        QList<int> problemLines;
        for (const EntryProblem &p : std::as_const(m_problems)) {
            problemLines.append(p.line);
            QVERIFY2(p.file.endsWith(QLatin1String(".csv")), qPrintable(p.toString()));
        }
        QCOMPARE(problemLines, file.badLines());
        QVERIFY(m_problems.at(1).reason.contains(QStringLiteral("key column \"employee_id\" is empty")));
        QVERIFY(m_problems.at(2).reason.contains(QStringLiteral("duplicate")));
        QVERIFY(m_problems.at(3).reason.contains(QStringLiteral("NUL")));

        for (int i = 0; i < file.goodRows().size(); ++i) {
            const CsvExport::Row &row = file.goodRows().at(i);
            const DirectoryEntry &entry = m_entries.at(i);
            QCOMPARE(entry.kind, EntryKind::User);
            QCOMPARE(entry.anchor, row.cells.at(0));
            QCOMPARE(entry.anchorAttribute, QStringLiteral("employeeid"));
            QCOMPARE(entry.dn, QStringLiteral("employeeID=") + row.cells.at(0));
            QCOMPARE(entry.value(QStringLiteral("givenName")), row.cells.at(1));
            // No full-name column: the common name is built from the first and last names.
            QCOMPARE(entry.value(QStringLiteral("cn")), row.cells.at(1) + QStringLiteral(" Doe"));
            QCOMPARE(entry.value(QStringLiteral("mail")), row.cells.at(3));
            QCOMPARE(entry.value(QStringLiteral("department")), row.cells.at(4).trimmed());
            QVERIFY(!entry.hasAttribute(QStringLiteral("memberOf")));
            QVERIFY(!entry.value(QStringLiteral("givenName")).contains(QChar(0xFFFD)));
        }
        // The groups column became groups whose members are the rows that named them, in a stable order.
        const DirectoryEntry &labs = m_entries.at(file.goodRows().size());
        QCOMPARE(labs.kind, EntryKind::Group);
        QCOMPARE(labs.value(QStringLiteral("cn")), QStringLiteral("Labs"));
        QCOMPARE(labs.values(QStringLiteral("member")),
                 (QStringList{QStringLiteral("employeeID=1002"), QStringLiteral("employeeID=1006")}));
        const DirectoryEntry &staff = m_entries.last();
        QCOMPARE(staff.value(QStringLiteral("cn")), QStringLiteral("Staff"));
        QCOMPARE(staff.values(QStringLiteral("member")).size(), 3);
    }

    void windows1252AfterConfirmation()
    {
        CsvExport file({QStringLiteral("Personalnummer"),
                        QStringLiteral("Vorname"),
                        QStringLiteral("Nachname"),
                        QStringLiteral("E-Mail"),
                        QStringLiteral("Abteilung")});
        file.separator = ';';
        file.crlf = true;
        file.encoding = CsvExport::Encoding::Windows1252;
        file.trailingEmptyColumns = 2;
        file.good({QStringLiteral("7"),
                   QString::fromUtf8("J\xc3\xbcrgen"),
                   QString::fromUtf8("M\xc3\xbcller"),
                   QStringLiteral("jm@example.org"),
                   QString::fromUtf8("Einkauf \xe2\x80\x9e"
                                     "Nord\xe2\x80\x9c \xe2\x82\xac")});
        CsvOptions options;
        QVERIFY(read(file.bytes(), options));
        QCOMPARE(DirectoryError::codeOf(m_error), DirectoryError::EncodingNotConfirmed);
        QVERIFY2(m_error.userMessage.contains(QStringLiteral("line 2")), qPrintable(m_error.userMessage));
        QVERIFY(m_entries.isEmpty());

        options.encoding = TextEncoding::Windows1252;
        QVERIFY(read(file.bytes(), options));
        QVERIFY2(m_error.isNull(), qPrintable(m_error.userMessage));
        QVERIFY(m_problems.isEmpty());
        QCOMPARE(m_entries.size(), 1);
        QCOMPARE(m_entries.first().value(QStringLiteral("sn")), QString::fromUtf8("M\xc3\xbcller"));
        QCOMPARE(m_entries.first().value(QStringLiteral("department")),
                 QString::fromUtf8("Einkauf \xe2\x80\x9e"
                                   "Nord\xe2\x80\x9c \xe2\x82\xac"));
    }

    void excelHabits()
    {
        // Trailing unnamed columns are ignored; an unnamed column in the middle with values is reported once and
        // ignored; a repeated header is reported and ignored; rows shorter by the unnamed tail are fine.
        Collected out;
        CsvOptions options;
        const QByteArray csv = "uid;;sn;uid;;\r\n"
                               "a;note;A;x;;\r\n"
                               "b;;B;y\r\n"
                               "c;more;C;z;;;;\r\n";
        const M365::Error error = CsvReader(options, out).read(csv, QStringLiteral("people.csv"));
        QVERIFY(error.isNull());
        QCOMPARE(out.entries.size(), 3);
        QCOMPARE(out.entries.at(1).second.value(QStringLiteral("sn")), QStringLiteral("B"));
        QCOMPARE(out.entries.at(2).second.values(QStringLiteral("uid")), QStringList{QStringLiteral("c")});
        QCOMPARE(out.problemLines(), (QList<int>{1, 2}));
        QVERIFY2(out.problems.at(0).reason.contains(QStringLiteral("repeats")), qPrintable(out.problemText()));
        QVERIFY(out.problems.at(1).reason.contains(QStringLiteral("no name")));
    }

    void requiredAndKeyColumns()
    {
        Collected out;
        CsvOptions options;
        options.mapping.columns = {{QStringLiteral("id"), QStringLiteral("employeeID")},
                                   {QStringLiteral("name"), QStringLiteral("sn")},
                                   {QStringLiteral("mail"), QStringLiteral("mail")}};
        options.mapping.keyColumn = QStringLiteral("id");
        options.mapping.requiredColumns = {QStringLiteral("mail")};
        QVERIFY(
            CsvReader(options, out).read("id,name,mail\n1,A,a@x\n2,B,\n,C,c@x\n", QStringLiteral("f.csv")).isNull());
        QCOMPARE(out.entries.size(), 1);
        QCOMPARE(out.problemLines(), (QList<int>{3, 4}));
        QVERIFY(out.problems.at(0).reason.contains(QStringLiteral("required column \"mail\"")));

        // A key column the file does not have: said once, on the header, and no row is used.
        Collected missing;
        options.mapping.keyColumn = QStringLiteral("Personalnummer");
        options.mapping.columns.insert(QStringLiteral("Personalnummer"), QStringLiteral("employeeID"));
        QVERIFY(CsvReader(options, missing).read("id,name,mail\n1,A,a@x\n", QStringLiteral("f.csv")).isNull());
        QVERIFY(missing.entries.isEmpty());
        QCOMPARE(missing.problemLines(), QList<int>{1});
        QVERIFY(missing.problems.first().reason.contains(QStringLiteral("Personalnummer")));
    }

    void unterminatedQuoteAtEof()
    {
        Collected out;
        QVERIFY(CsvReader(CsvOptions{}, out).read("uid,sn\na,A\nb,\"B", QStringLiteral("f.csv")).isNull());
        QCOMPARE(out.entries.size(), 1);
        QCOMPARE(out.problemLines(), QList<int>{3});
        QVERIFY(out.problems.first().reason.contains(QStringLiteral("never closed")));
    }

    void preview()
    {
        const CsvExport file = messyHrExport(';', true, CsvExport::Encoding::Utf8Bom, 3);
        const CsvPreview preview = CsvReader::preview(file.bytes(), CsvOptions{}, QStringLiteral("hr.csv"));
        QVERIFY(preview.error.isNull());
        QCOMPARE(preview.headers, kHrHeader); // Excel's empty tail is not offered for mapping
        QCOMPARE(preview.separator, ';');
        QCOMPARE(preview.encodingName, QStringLiteral("UTF-8 with BOM"));
        QCOMPARE(preview.samples.size(), kHrHeader.size());
        QCOMPARE(preview.samples.at(0),
                 (QStringList{QStringLiteral("1001"), QStringLiteral("1002"), QStringLiteral("1003")}));

        const CsvPreview legacy = CsvReader::preview("a\n\xe4\n", CsvOptions{}, QStringLiteral("old.csv"));
        QCOMPARE(DirectoryError::codeOf(legacy.error), DirectoryError::EncodingNotConfirmed);
        QVERIFY(legacy.error.userMessage.contains(QStringLiteral("old.csv")));
    }

    void optionsJson()
    {
        CsvOptions options;
        options.separator = ';';
        options.encoding = TextEncoding::Windows1252;
        options.mapping = CsvMapping::suggest(kHrHeader);
        QJsonObject directory{{QStringLiteral("type"), QStringLiteral("csv")}};
        options.writeJson(directory);
        const auto back = CsvOptions::fromJson(directory);
        QVERIFY(back.ok());
        QCOMPARE(back.value.separator, ';');
        QCOMPARE(back.value.encoding, TextEncoding::Windows1252);
        QCOMPARE(back.value.mapping, options.mapping);
        QVERIFY(!CsvOptions::fromJson(QJsonObject{{QStringLiteral("separator"), QStringLiteral("::")}}).ok());
    }
};

QTEST_GUILESS_MAIN(TestCsvSource)
#include "tst_csvsource.moc"
