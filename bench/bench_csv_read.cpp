// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Reads a 100,000-row HR export (German Excel: BOM, ';', CRLF, quoted cells, Excel's empty columns at the end, a
// groups column) through CsvSource with a column mapping, the way a sync run does: a job on its worker thread,
// entries handed over in batches. Target (issue 11): under 1 s and under 200 MB. Only the read is timed.

#include "benchsupport.h"
#include "directory/csvsource.h"
#include "directory/directoryjob.h"
#include "directory/filesourcesupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>

using namespace M365::Directory;

namespace {

constexpr int kRows = 100000;

const QStringList kHeader{QStringLiteral("Personalnummer"),
                          QStringLiteral("Vorname"),
                          QStringLiteral("Nachname"),
                          QStringLiteral("E-Mail"),
                          QStringLiteral("Abteilung"),
                          QStringLiteral("Telefon"),
                          QStringLiteral("Ort"),
                          QStringLiteral("Land"),
                          QStringLiteral("Vorgesetzter"),
                          QStringLiteral("Gruppen")};

bool writeExport(const QString &path)
{
    static const char *const given[] = {"J\xc3\xbcrgen", "Anna", "Zo\xc3\xab", "Mehmet", "Ren\xc3\xa9"};
    static const char *const departments[] = {"Einkauf; Nord", "Vertrieb", "IT", "Personal", "\"Labor\" 2"};
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return false;
    }
    QByteArray out = "\xEF\xBB\xBF" + kHeader.join(QLatin1Char(';')).toUtf8() + ";;\r\n";
    for (int i = 0; i < kRows; ++i) {
        const QByteArray id = QByteArray::number(100000 + i);
        QByteArray department = departments[i % 5];
        if (department.contains(';') || department.contains('"')) {
            department = '"' + department.replace("\"", "\"\"") + '"';
        }
        out += id + ';' + given[i % 5] + ";M\xc3\xbcller" + QByteArray::number(i % 977) + ";p" + id + "@example.org;"
            + department + ";+49 30 " + QByteArray::number(5550000 + i) + ";Berlin;DE;"
            + QByteArray::number(100000 + i / 10) + ";Staff|Team " + QByteArray::number(i % 50) + ";;\r\n";
        if (out.size() > (1 << 20)) {
            file.write(out);
            out.clear();
        }
    }
    file.write(out);
    return file.error() == QFileDevice::NoError;
}

/// Counts what the reader delivers, for the figure without the job's thread hand-over.
class Counter : public EntryReceiver
{
public:
    int entries = 0;
    int problems = 0;
    bool add(DirectoryEntry &&, int) override
    {
        ++entries;
        return true;
    }
    void problem(int, const QString &, const QString &) override { ++problems; }
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("hr-export.csv"));
    if (!writeExport(path)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return 1;
    }
    std::printf("file: %.1f MB, %d rows\n", QFile(path).size() / 1048576.0, kRows);

    CsvOptions options;
    options.mapping = CsvMapping::suggest(kHeader);
    options.mapping.requiredColumns = {QStringLiteral("Nachname")};
    CsvSource source(path, options);

    int users = 0;
    int groups = 0;
    int members = 0;
    int problems = 0;
    QElapsedTimer timer;
    timer.start();
    DirectoryJob *job = source.read(ReadScope::UsersAndGroups);
    QObject::connect(job, &DirectoryJob::entry, &app, [&](const DirectoryEntry &entry) {
        if (entry.kind == EntryKind::User) {
            ++users;
        } else if (entry.kind == EntryKind::Group) {
            ++groups;
            members += int(entry.valuesOf(u"member").size());
        }
    });
    QObject::connect(job, &DirectoryJob::problem, &app, [&problems](const EntryProblem &) {
        ++problems;
    });
    QObject::connect(job, &DirectoryJob::finished, &app, [&app](M365::Job *finished) {
        if (finished->hasError()) {
            std::fprintf(stderr, "read failed: %s\n", qPrintable(finished->error().userMessage));
        }
        app.quit();
    });
    job->start();
    app.exec();
    const double seconds = timer.nsecsElapsed() / 1e9;

    // The parser and mapping alone, on the file's bytes: what the job's thread hand-over adds is the difference.
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    const QByteArray bytes = file.readAll();
    Counter counter;
    QElapsedTimer parseTimer;
    parseTimer.start();
    CsvReader(options, counter).read(bytes, path);
    const double parseSeconds = parseTimer.nsecsElapsed() / 1e9;

    std::printf("users: %d, groups: %d, memberships: %d, problems: %d\n", users, groups, members, problems);
    std::printf("read: %.3f s (%.0f rows/s); the reader alone, without the job: %.3f s\n",
                seconds,
                kRows / seconds,
                parseSeconds);
    if (users != kRows || problems != 0 || groups != 51 || members != 2 * kRows) {
        std::fprintf(stderr, "unexpected result\n");
        return 1;
    }
    std::printf("RESULT rows=%d seconds=%.3f peak_mb=%.0f\n", kRows, seconds, M365::Bench::peakMegabytes());
    return 0;
}
