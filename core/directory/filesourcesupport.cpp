// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "filesourcesupport.h"

#include "groupresolver.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

namespace M365::Directory {

namespace {
constexpr int kSampleCount = 5;

/// The translation context of this file's messages: lupdate finds FileText::tr(), where it would miss a helper
/// function.
struct FileText
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::FileSource)
};
} // namespace

FileEntryCollector::FileEntryCollector(
    JobSink &sink, const EntryRules &rules, ReadScope scope, FileJobMode mode, QString fileName)
    : m_sink(sink)
    , m_rules(rules)
    , m_scope(scope)
    , m_mode(mode)
    , m_fileName(std::move(fileName))
{
    m_summary.userCount = 0;
    m_summary.groupCount = 0;
}

void FileEntryCollector::problem(int line, const QString &dn, const QString &reason)
{
    m_sink.problem(EntryProblem{dn, line, reason, m_fileName});
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
    const QString dnKey = entry.dn.toLower();
    if (!entry.dn.isEmpty()) {
        const auto seen = m_dnLines.constFind(dnKey);
        if (seen != m_dnLines.constEnd()) {
            problem(line, entry.dn, FileText::tr("duplicate DN, first seen on line %1").arg(*seen));
            return !m_sink.isCancelled();
        }
    }
    // A parser that knows the key (a CSV mapping's key column) sets the anchor itself.
    if (entry.anchor.isEmpty() && !m_rules.assignAnchor(entry)) {
        problem(line,
                entry.dn,
                FileText::tr("no anchor attribute (looked for %1)")
                    .arg(m_rules.anchorAttributes.join(QStringLiteral(", "))));
        return !m_sink.isCancelled();
    }
    const QString anchorKey = entry.anchorAttribute + QLatin1Char('=') + entry.anchor;
    const auto seenAnchor = m_anchorLines.constFind(anchorKey);
    if (seenAnchor != m_anchorLines.constEnd()) {
        problem(line,
                entry.dn,
                FileText::tr("duplicate anchor %1=%2, first seen on line %3")
                    .arg(entry.anchorAttribute, entry.anchor)
                    .arg(*seenAnchor));
        return !m_sink.isCancelled();
    }
    m_anchorLines.insert(anchorKey, line);
    if (!entry.dn.isEmpty()) {
        m_dnLines.insert(dnKey, line);
    }
    detectDisabled(entry);
    if (m_scope == ReadScope::UsersAndGroups && m_mode != FileJobMode::Count) {
        if (entry.kind == EntryKind::Group) {
            GroupMembers members{line, entry.dn, entry.valuesOf(u"member"), entry.valuesOf(u"memberuid")};
            members.memberDns.append(entry.valuesOf(u"uniquemember"));
            if (!members.memberDns.isEmpty() || !members.memberUids.isEmpty()) {
                m_groups.append(std::move(members));
            }
        } else {
            for (const QString &uid : entry.valuesOf(u"uid")) {
                m_uids.insert(uid.trimmed().toCaseFolded());
            }
        }
    }

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

void FileEntryCollector::reportDanglingMembers()
{
    if (m_groups.isEmpty()) {
        return;
    }
    // Only entries that were delivered count: a member whose own record was skipped is dangling too. Most members
    // are spelled as their entry's DN, so the exact (case-folded) DN is looked up first; the full normalisation
    // (spaces around separators, uniqueMember's suffix) is built only for the rest.
    QSet<QString> normalized;
    auto isEntry = [this, &normalized](const QString &member) {
        if (m_dnLines.contains(member.toLower())) {
            return true;
        }
        if (normalized.isEmpty()) {
            normalized.reserve(m_dnLines.size());
            for (auto it = m_dnLines.constBegin(); it != m_dnLines.constEnd(); ++it) {
                normalized.insert(GroupResolver::normalizeDn(it.key()));
            }
        }
        return normalized.contains(GroupResolver::normalizeDn(member));
    };
    for (const GroupMembers &group : std::as_const(m_groups)) {
        for (const QString &member : group.memberDns) {
            if (!isEntry(member)) {
                problem(group.line, group.dn, FileText::tr("member \"%1\" is not an entry of this file").arg(member));
            }
        }
        for (const QString &uid : group.memberUids) {
            if (!m_uids.contains(uid.trimmed().toCaseFolded())) {
                problem(group.line, group.dn, FileText::tr("memberUid \"%1\" is no user's uid in this file").arg(uid));
            }
        }
    }
}

void FileEntryCollector::finish()
{
    reportDanglingMembers();
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
