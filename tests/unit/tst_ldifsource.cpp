// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/groupresolver.h"
#include "directory/ldifsource.h"
#include "messyexports.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace M365::Directory;
using M365::Tests::LdifExport;

namespace {
struct ReadOutcome
{
    QList<DirectoryEntry> entries;
    QList<EntryProblem> problems;
    M365::Error error;
    DirectorySummary summary;
};
} // namespace

class TestLdifSource : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QByteArray &content)
    {
        static int counter = 0;
        const QString path = m_dir.filePath(QStringLiteral("f%1.ldif").arg(++counter));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            qFatal("cannot write test file");
        }
        file.write(content);
        return path;
    }

    ReadOutcome run(DirectoryJob *job)
    {
        ReadOutcome out;
        connect(job, &DirectoryJob::entry, this, [&out](const DirectoryEntry &e) {
            out.entries.append(e);
        });
        connect(job, &DirectoryJob::problem, this, [&out](const EntryProblem &p) {
            out.problems.append(p);
        });
        QSignalSpy finished(job, &DirectoryJob::finished);
        job->setParent(this); // keep it alive to read the results
        job->start();
        if (!finished.wait(10000)) {
            qWarning("job did not finish");
        }
        out.error = job->error();
        out.summary = job->summary();
        delete job;
        return out;
    }

private Q_SLOTS:
    void wellFormed()
    {
        // Folded lines, base64 values, comments, a version line, CRLF endings, ldifde's
        // "changetype: add" and a binary objectGUID.
        const QByteArray guid = QByteArray::fromHex("00112233445566778899aabbccddeeff");
        const QByteArray ldif = "version: 1\r\n"
                                "# exported by a test\r\n"
                                "\r\n"
                                "dn: ou=people,dc=example,dc=org\r\n"
                                "objectClass: organizationalUnit\r\n"
                                "ou: people\r\n"
                                "\r\n"
                                "dn: uid=jmueller,ou=people,dc=example,dc=org\r\n"
                                "changetype: add\r\n"
                                "objectClass: inetOrgPerson\r\n"
                                "uid: jmueller\r\n"
                                "cn:: SsO8cmdlbiBNw7xsbGVy\r\n"
                                "sn: M\xc3\xbcller\r\n"
                                "description: a long line that is\r\n"
                                "  folded\r\n"
                                "objectGUID:: "
            + guid.toBase64()
            + "\r\n"
              "mail: j@example.org\r\n"
              "mail: juergen@example.org\r\n"
              "\r\n"
              "# a group\r\n"
              "dn: cn=staff,dc=example,dc=org\r\n"
              "objectClass: groupOfNames\r\n"
              "cn: staff\r\n"
              "member: uid=jmueller,ou=people,dc=example,dc=org\r\n";
        LdifSource source(writeFile(ldif));
        const ReadOutcome out = run(source.read());
        QVERIFY2(out.error.isNull(), qPrintable(out.error.userMessage));
        QVERIFY(out.problems.isEmpty());
        QCOMPARE(out.entries.size(), 2);
        const DirectoryEntry &user = out.entries.at(0);
        QCOMPARE(user.kind, EntryKind::User);
        QCOMPARE(user.dn, QStringLiteral("uid=jmueller,ou=people,dc=example,dc=org"));
        QCOMPARE(user.value(QStringLiteral("cn")), QString::fromUtf8("J\xc3\xbcrgen M\xc3\xbcller"));
        QCOMPARE(user.value(QStringLiteral("SN")), QString::fromUtf8("M\xc3\xbcller"));
        QCOMPARE(user.value(QStringLiteral("description")), QStringLiteral("a long line that is folded"));
        QCOMPARE(user.values(QStringLiteral("mail")).size(), 2);
        QCOMPARE(user.binaryValues(QStringLiteral("objectGUID")), QList<QByteArray>{guid});
        // objectGUID comes before uid in the default anchor order, in the form Entra expects.
        QCOMPARE(user.anchorAttribute, QStringLiteral("objectguid"));
        QCOMPARE(user.anchor, QString::fromLatin1(guid.toBase64()));
        const DirectoryEntry &group = out.entries.at(1);
        QCOMPARE(group.kind, EntryKind::Group);
        QCOMPARE(group.anchor, QStringLiteral("staff"));
        QCOMPARE(group.values(QStringLiteral("member")).size(), 1);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QString>("reasonPart");
        QTest::newRow("truncated base64")
            << QByteArray("dn: uid=bad,dc=x\nobjectClass: person\nuid: bad\ncn:: w6TDt\n") << QStringLiteral("base64");
        QTest::newRow("no colon") << QByteArray("dn: uid=bad,dc=x\nobjectClass: person\nthis line has none\n")
                                  << QStringLiteral("colon");
        QTest::newRow("modify") << QByteArray("dn: uid=bad,dc=x\nchangetype: modify\nreplace: sn\nsn: x\n-\n")
                                << QStringLiteral("changetype: modify");
        QTest::newRow("delete") << QByteArray("dn: uid=bad,dc=x\nchangetype: delete\n")
                                << QStringLiteral("changetype: delete");
        QTest::newRow("modrdn") << QByteArray("dn: uid=bad,dc=x\nchangetype: modrdn\nnewrdn: uid=b\ndeleteoldrdn: 1\n")
                                << QStringLiteral("changetype: modrdn");
        QTest::newRow("invalid utf8") << QByteArray("dn: uid=bad,dc=x\nobjectClass: person\nuid: bad\nsn: M\xfcller\n")
                                      << QStringLiteral("UTF-8");
        QTest::newRow("url value") << QByteArray(
            "dn: uid=bad,dc=x\nobjectClass: person\nuid: bad\nsn:< file:///etc/passwd\n")
                                   << QStringLiteral("URL");
        QTest::newRow("no dn") << QByteArray("objectClass: person\nuid: bad\n") << QStringLiteral("dn:");
        QTest::newRow("no anchor") << QByteArray("dn: o=bad,dc=x\nobjectClass: person\nsn: x\n")
                                   << QStringLiteral("anchor");
    }

    void malformed()
    {
        // The bad record sits between two good ones: it is reported with its line number, the
        // good ones still arrive.
        QFETCH(QByteArray, record);
        QFETCH(QString, reasonPart);
        const QByteArray ldif = "dn: uid=a,dc=x\nobjectClass: person\nuid: a\nsn: a\n\n" + record
            + "\ndn: uid=b,dc=x\nobjectClass: person\nuid: b\nsn: b\n";
        LdifSource source(writeFile(ldif));
        const ReadOutcome out = run(source.read());
        QVERIFY(out.error.isNull());
        QCOMPARE(out.entries.size(), 2);
        QCOMPARE(out.entries.at(0).anchor, QStringLiteral("a"));
        QCOMPARE(out.entries.at(1).anchor, QStringLiteral("b"));
        QCOMPARE(out.problems.size(), 1);
        const EntryProblem &problem = out.problems.first();
        QVERIFY2(problem.reason.contains(reasonPart), qPrintable(problem.toString()));
        QVERIFY2(problem.line >= 6 && problem.line <= 9, qPrintable(problem.toString()));
    }

    /// slapcat's and ldifde's dialects of one export with a bad record of each kind between good ones: every good
    /// record arrives with all its values, every bad one is reported on its line, nothing else is reported.
    void messyExports_data()
    {
        QTest::addColumn<bool>("ldifde");
        QTest::newRow("slapcat") << false;
        QTest::newRow("ldifde") << true;
    }

    void messyExports()
    {
        QFETCH(bool, ldifde);
        LdifExport file;
        file.crlf = ldifde;
        file.changeTypeAdd = ldifde;
        const QStringList names = M365::Tests::awkwardNames();
        int n = 0;
        auto person = [&](const QString &given, const QString &description) {
            const QString uid = QStringLiteral("u%1").arg(++n);
            file.good(QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(uid),
                      {{QStringLiteral("objectclass"), QStringLiteral("inetOrgPerson")},
                       {QStringLiteral("uid"), uid},
                       {QStringLiteral("givenname"), given},
                       {QStringLiteral("sn"), QStringLiteral("Doe")},
                       {QStringLiteral("cn"), given + QStringLiteral(" Doe")},
                       {QStringLiteral("description"), description}});
        };
        person(names.at(0), QStringLiteral("plain"));
        // A NUL byte in a value: the record is reported on that line, never handed to a parser that overruns.
        file.bad("dn: uid=nul,dc=example,dc=org\nobjectClass: person\nuid: nul\nsn: N" + QByteArray(1, '\0')
                     + "ul\ndescription: after the NUL\n",
                 3);
        person(names.at(1), QString(100 * 1024, QLatin1Char('y'))); // a 100 KiB value, folded
        file.bad("dn: uid=b64,dc=example,dc=org\nobjectClass: person\nuid: b64\nsn:: TcO8bGxlc", 3); // truncated
        person(names.at(2), QStringLiteral(" leading space and trailing "));
        file.bad("dn: uid=url,dc=example,dc=org\nobjectClass: person\nuid: url\njpegPhoto:< file:///etc/shadow\n", 3);
        person(names.at(3), QStringLiteral("multi\nline"));
        // A NUL in a folded continuation line: reported on the physical line that holds it.
        file.bad("dn: uid=fold,dc=example,dc=org\nobjectClass: person\nuid: fold\ndescription: a long value\n"
                 "  continued with a NUL "
                     + QByteArray(1, '\0') + "\nsn: x\n",
                 4);
        file.bad("dn: uid=two,dc=example,dc=org\nobjectClass: person\nuid: two\ndn: uid=three,dc=example,dc=org\n", 3);
        person(names.at(4), QStringLiteral("last"));
        person(names.at(5), QStringLiteral("\xe2\x80\x94"));

        LdifSource source(writeFile(file.bytes()));
        const ReadOutcome out = run(source.read());
        QVERIFY2(out.error.isNull(), qPrintable(out.error.userMessage));
        QList<int> lines;
        QStringList problems;
        for (const EntryProblem &p : out.problems) {
            lines.append(p.line);
            problems.append(p.toString());
        }
        QCOMPARE(lines, file.badLines());
        QVERIFY2(problems.at(0).contains(QStringLiteral("NUL")), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(problems.at(0).contains(QStringLiteral("uid=nul,dc=example,dc=org")));
        QVERIFY(problems.at(0).contains(QStringLiteral(".ldif, line")));
        QVERIFY(problems.at(1).contains(QStringLiteral("base64")));
        QVERIFY(problems.at(2).contains(QStringLiteral("URL")));
        QVERIFY(problems.at(3).contains(QStringLiteral("NUL")));
        QVERIFY(problems.at(4).contains(QStringLiteral("second \"dn:\"")));
        QCOMPARE(out.entries.size(), file.goodRecords().size());
        for (int i = 0; i < out.entries.size(); ++i) {
            const LdifExport::Record &record = file.goodRecords().at(i);
            const DirectoryEntry &entry = out.entries.at(i);
            QCOMPARE(entry.dn, record.dn);
            for (const auto &attribute : record.attributes) {
                // Values that RFC 2849 writes in base64 come back byte-exact; plain ones lose edge spaces only.
                QCOMPARE(entry.value(attribute.first), attribute.second);
            }
        }
    }

    void ldifdeUnicode()
    {
        // `ldifde -u` writes UTF-16LE with a BOM and CRLF.
        const QString text = QString::fromUtf8("dn: CN=J\xc3\xbcrgen,OU=Staff,DC=corp,DC=example\r\nchangetype: add\r\n"
                                               "objectClass: user\r\nsAMAccountName: jm\r\n"
                                               "displayName: J\xc3\xbcrgen M\xc3\xbcller\r\n\r\n");
        QByteArray bytes("\xFF\xFE", 2);
        bytes.append(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
        LdifSource source(writeFile(bytes));
        const ReadOutcome out = run(source.read());
        QVERIFY2(out.error.isNull(), qPrintable(out.error.userMessage));
        QCOMPARE(out.entries.size(), 1);
        QCOMPARE(out.entries.first().value(QStringLiteral("displayName")),
                 QString::fromUtf8("J\xc3\xbcrgen M\xc3\xbcller"));
        QCOMPARE(out.entries.first().dn, QString::fromUtf8("CN=J\xc3\xbcrgen,OU=Staff,DC=corp,DC=example"));
    }

    void danglingMembersReported()
    {
        const QByteArray ldif = "dn: uid=a,dc=x\nobjectClass: inetOrgPerson\nuid: a\nsn: a\n\n"
                                "dn: cn=g,dc=x\nobjectClass: groupOfNames\ncn: g\nmember: UID=a, dc=x\n"
                                "member: uid=gone,dc=x\n\n"
                                "dn: cn=p,dc=x\nobjectClass: posixGroup\ncn: p\nmemberUid: a\nmemberUid: ghost\n";
        LdifSource source(writeFile(ldif));
        const ReadOutcome out = run(source.read());
        QCOMPARE(out.entries.size(), 3);
        QCOMPARE(out.problems.size(), 2);
        QCOMPARE(out.problems.at(0).line, 6);
        QCOMPARE(out.problems.at(0).dn, QStringLiteral("cn=g,dc=x"));
        QVERIFY(out.problems.at(0).reason.contains(QStringLiteral("uid=gone,dc=x")));
        QCOMPARE(out.problems.at(1).line, 12);
        QVERIFY(out.problems.at(1).reason.contains(QStringLiteral("ghost")));
    }

    void everyBadRecordReported()
    {
        QByteArray ldif;
        for (int i = 0; i < 10; ++i) {
            if (i % 3 == 0) {
                ldif += "dn: uid=u" + QByteArray::number(i) + ",dc=x\nchangetype: delete\n\n";
            } else {
                ldif += "dn: uid=u" + QByteArray::number(i) + ",dc=x\nobjectClass: person\nuid: u"
                    + QByteArray::number(i) + "\nsn: s\n\n";
            }
        }
        LdifSource source(writeFile(ldif));
        const ReadOutcome out = run(source.read());
        QCOMPARE(out.entries.size(), 6);
        QCOMPARE(out.problems.size(), 4);
        // The problem points at the changetype line of the first record.
        QCOMPARE(out.problems.first().line, 2);
        QCOMPARE(out.problems.first().dn, QStringLiteral("uid=u0,dc=x"));
    }

    void duplicates()
    {
        const QByteArray ldif = "dn: uid=a,dc=x\nobjectClass: person\nuid: a\nsn: a\n\n"
                                "dn: UID=A,dc=x\nobjectClass: person\nuid: a2\nsn: a\n\n"
                                "dn: uid=c,dc=x\nobjectClass: person\nuid: a\nsn: a\n";
        LdifSource source(writeFile(ldif));
        const ReadOutcome out = run(source.read());
        QCOMPARE(out.entries.size(), 1);
        QCOMPARE(out.problems.size(), 2);
        QCOMPARE(out.problems.at(0).line, 6);
        QVERIFY(out.problems.at(0).reason.contains(QStringLiteral("duplicate DN")));
        QVERIFY(out.problems.at(1).reason.contains(QStringLiteral("duplicate anchor")));
    }

    void scopeAndCount()
    {
        const QByteArray ldif = "dn: uid=a,dc=x\nobjectClass: inetOrgPerson\nuid: a\nsn: a\ncn: a\n\n"
                                "dn: cn=g,dc=x\nobjectClass: groupOfNames\ncn: g\nmember: uid=a,dc=x\n\n"
                                "dn: uid=b,dc=x\nobjectClass: inetOrgPerson\nuid: b\nsn: b\ncn: b\n";
        LdifSource source(writeFile(ldif));
        QCOMPARE(run(source.read(ReadScope::Users)).entries.size(), 2);
        QCOMPARE(run(source.read(ReadScope::Groups)).entries.size(), 1);
        const ReadOutcome counted = run(source.count());
        QVERIFY(counted.entries.isEmpty());
        QCOMPARE(counted.summary.userCount, 2);
        QCOMPARE(counted.summary.groupCount, 1);
        const ReadOutcome tested = run(source.testConnection());
        QCOMPARE(tested.summary.samples.size(), 2);
    }

    void missingFile()
    {
        LdifSource source(m_dir.filePath(QStringLiteral("does-not-exist.ldif")));
        const ReadOutcome out = run(source.read());
        QCOMPARE(DirectoryError::codeOf(out.error), DirectoryError::FileNotReadable);
        QCOMPARE(out.error.code, QStringLiteral("directory.fileNotReadable"));
        QVERIFY(!out.error.isCancelled());
        QVERIFY(out.error.userMessage.contains(QStringLiteral("does-not-exist.ldif")));
    }

    void sampleDirectory()
    {
        // The shipped sample: ~50 people, 6 groups, one disabled account, one without a surname.
        LdifSource source(QStringLiteral(M365_SOURCE_DIR "/resources/sample/directory.ldif"));
        const ReadOutcome out = run(source.read());
        QVERIFY2(out.error.isNull(), qPrintable(out.error.userMessage));
        QVERIFY(out.problems.isEmpty());
        int users = 0;
        int groups = 0;
        int disabled = 0;
        int withoutSurname = 0;
        for (const DirectoryEntry &e : out.entries) {
            users += e.kind == EntryKind::User;
            groups += e.kind == EntryKind::Group;
            disabled += e.disabled;
            withoutSurname += e.kind == EntryKind::User && !e.hasAttribute(QStringLiteral("sn"));
            QCOMPARE(e.anchorAttribute, QStringLiteral("entryuuid"));
        }
        QVERIFY(users >= 45 && users <= 55);
        QCOMPARE(groups, 6);
        QCOMPARE(disabled, 1);
        QCOMPARE(withoutSurname, 1);

        // Every member DN of the sample resolves to a user anchor.
        GroupResolver resolver;
        for (const DirectoryEntry &e : out.entries) {
            resolver.addEntry(e);
        }
        int staff = 0;
        for (const GroupMembership &m : resolver.resolve(true)) {
            QVERIFY2(m.unresolved.isEmpty(), qPrintable(m.groupDn));
            if (m.groupDn.startsWith(QStringLiteral("cn=staff,"))) {
                staff = int(m.userAnchors.size());
            }
        }
        QCOMPARE(staff, users);
    }

    void watchReportsFileChange()
    {
        const QString path = writeFile("dn: uid=a,dc=x\nobjectClass: person\nuid: a\nsn: a\n");
        LdifSource source(path);
        source.setWatchInterval(100);
        DirectoryJob *job = source.watch(this);
        QSignalSpy ready(job, &DirectoryJob::ready);
        QSignalSpy changed(job, &DirectoryJob::changed);
        QSignalSpy finished(job, &DirectoryJob::finished);
        job->start();
        QVERIFY(ready.wait(5000));
        QFile file(path);
        QVERIFY(file.open(QIODevice::Append));
        file.write("\ndn: uid=b,dc=x\nobjectClass: person\nuid: b\nsn: b\n");
        file.close();
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 5000);
        QCOMPARE(changed.first().first().value<ChangeEvent>().kind, ChangeEvent::Reset);
        job->cancel();
        QCOMPARE(finished.size(), 1); // at once: cancel() finishes the job
        QVERIFY(job->wasCancelled());
        QVERIFY(job->error().isCancelled());
        delete job;
    }
};

QTEST_GUILESS_MAIN(TestLdifSource)
#include "tst_ldifsource.moc"
