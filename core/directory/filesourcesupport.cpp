// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "filesourcesupport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

namespace M365::Directory {

namespace {
constexpr int kSampleCount = 5;

QString trFile(const char *text)
{
    return QCoreApplication::translate("M365::Directory::FileSource", text);
}
} // namespace

FileEntryCollector::FileEntryCollector(JobSink &sink, const EntryRules &rules, ReadScope scope, FileJobMode mode)
    : m_sink(sink)
    , m_rules(rules)
    , m_scope(scope)
    , m_mode(mode)
{
    m_summary.userCount = 0;
    m_summary.groupCount = 0;
}

void FileEntryCollector::problem(int line, const QString &dn, const QString &reason)
{
    m_sink.problem(EntryProblem{dn, line, reason});
}

bool FileEntryCollector::add(DirectoryEntry &&entry, int line)
{
    entry.kind = m_rules.classify(entry);
    if (entry.kind == EntryKind::Other) {
        return !m_sink.isCancelled(); // containers and unknown classes are not synced
    }
    if ((m_scope == ReadScope::Users && entry.kind != EntryKind::User)
        || (m_scope == ReadScope::Groups && entry.kind != EntryKind::Group)) {
        return !m_sink.isCancelled();
    }
    if (!entry.dn.isEmpty()) {
        const QString key = entry.dn.toLower();
        const auto seen = m_dnLines.constFind(key);
        if (seen != m_dnLines.constEnd()) {
            problem(line, entry.dn, trFile("duplicate DN, first seen on line %1").arg(*seen));
            return !m_sink.isCancelled();
        }
        m_dnLines.insert(key, line);
    }
    if (!m_rules.assignAnchor(entry)) {
        problem(line,
                entry.dn,
                trFile("no anchor attribute (looked for %1)").arg(m_rules.anchorAttributes.join(QStringLiteral(", "))));
        return !m_sink.isCancelled();
    }
    const QString anchorKey = entry.anchorAttribute + QLatin1Char('=') + entry.anchor;
    const auto seenAnchor = m_anchorLines.constFind(anchorKey);
    if (seenAnchor != m_anchorLines.constEnd()) {
        problem(line,
                entry.dn,
                trFile("duplicate anchor %1=%2, first seen on line %3")
                    .arg(entry.anchorAttribute, entry.anchor)
                    .arg(*seenAnchor));
        return !m_sink.isCancelled();
    }
    m_anchorLines.insert(anchorKey, line);
    detectDisabled(entry);

    if (entry.kind == EntryKind::User) {
        ++m_summary.userCount;
    } else {
        ++m_summary.groupCount;
    }
    switch (m_mode) {
    case FileJobMode::Read:
        return m_sink.entry(std::move(entry));
    case FileJobMode::Test:
        if (entry.kind == EntryKind::User && m_summary.samples.size() < kSampleCount) {
            m_summary.samples.append(entry);
        }
        break;
    case FileJobMode::Count:
        break;
    }
    return !m_sink.isCancelled();
}

void FileEntryCollector::finish()
{
    if (m_mode != FileJobMode::Read) {
        m_sink.setSummary(m_summary);
    }
}

DirectoryJob *createFileWatchJob(const QString &path, int intervalMs, QObject *parent)
{
    return new DirectoryJob(
        [path, intervalMs](JobSink &sink) {
            auto stamp = [&path] {
                const QFileInfo info(path);
                return qMakePair(info.exists() ? info.size() : -1, info.lastModified());
            };
            auto last = stamp();
            sink.ready();
            QElapsedTimer timer;
            timer.start();
            while (!sink.isCancelled()) {
                QThread::msleep(50);
                if (timer.elapsed() < intervalMs) {
                    continue;
                }
                timer.restart();
                const auto now = stamp();
                if (now != last) {
                    last = now;
                    ChangeEvent event;
                    event.kind = ChangeEvent::Reset;
                    sink.change(std::move(event));
                }
            }
        },
        parent);
}

} // namespace M365::Directory
