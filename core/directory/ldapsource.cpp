// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "ldapsource.h"

#include "directorylog.h"
#include "ldapconnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QThread>

namespace M365::Directory {

namespace {

constexpr int kSampleCount = 5;

/// The translation context of this file's messages: lupdate finds LdapText::tr(), where it would miss a helper
/// function.
struct LdapText
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::LdapSource)
};

struct Search
{
    EntryKind kind;
    QString filter;
};

QList<Search> searchesFor(const LdapConfig &config, ReadScope scope)
{
    QList<Search> searches;
    if (scope != ReadScope::Groups) {
        searches.append({EntryKind::User, config.userFilter});
    }
    if (scope != ReadScope::Users) {
        searches.append({EntryKind::Group, config.groupFilter});
    }
    return searches;
}

/// The containers the entries of a kind are read from.
const ContainerScope &containersFor(const LdapConfig &config, EntryKind kind)
{
    return kind == EntryKind::Group ? config.groupContainers : config.userContainers;
}

/// True when a search entry lies outside `containers`. Checked before the entry is converted, so that a large group
/// outside the scope costs no ranged member reads and an entry outside it is never reported as a problem.
bool outside(const ContainerScope &containers, LdapConnection &connection, LDAPMessage *message)
{
    return !containers.isEmpty() && !containers.contains(connection.dnOf(message));
}

/// Hands a watch's change on, in the terms of the container scopes: an entry outside them (or one that moved out)
/// is gone as far as the sync is concerned, so it is reported as Deleted; for an entry never seen that is a no-op.
void reportChange(const LdapConfig &config, JobSink &sink, ChangeEvent &&event)
{
    if ((event.kind == ChangeEvent::Added || event.kind == ChangeEvent::Modified)
        && (event.entry.kind == EntryKind::User || event.entry.kind == EntryKind::Group)) {
        const ContainerScope &containers = containersFor(config, event.entry.kind);
        if (!containers.isEmpty() && !containers.contains(event.entry.dn)) {
            event.kind = ChangeEvent::Deleted;
        }
    }
    sink.change(std::move(event));
}

/// Opens the connection and reports the failure on the sink; false when the job is over.
bool openOrFail(LdapConnection &connection, const QString &password, JobSink &sink)
{
    if (connection.open(password)) {
        return true;
    }
    sink.fail(connection.error());
    return false;
}

void readProducer(const LdapConfig &config, const QString &password, ReadScope scope, JobSink &sink)
{
    LdapConnection connection(config, sink);
    if (!openOrFail(connection, password, sink)) {
        return;
    }
    const QStringList attributes = connection.readAttributes();
    // A DN matching both filters is delivered once (as a user): every entry exactly once.
    QSet<QString> userDns;
    for (const Search &search : searchesFor(config, scope)) {
        // The container scope filters by DN here rather than by a search per included container: included containers
        // may lie below excluded ones, and one search per kind keeps "every entry exactly once" simple.
        const ContainerScope &containers = containersFor(config, search.kind);
        const bool ok = connection.pagedSearch(search.filter, attributes, [&](LDAPMessage *message) {
            if (outside(containers, connection, message)) {
                return !sink.isCancelled();
            }
            DirectoryEntry entry;
            QString problem;
            if (!connection.toEntry(message, search.kind, &entry, &problem)) {
                sink.problem(EntryProblem{entry.dn, 0, problem, {}});
                return !sink.isCancelled();
            }
            if (search.kind == EntryKind::User && scope == ReadScope::UsersAndGroups) {
                userDns.insert(entry.dn.toLower());
            } else if (search.kind == EntryKind::Group && userDns.contains(entry.dn.toLower())) {
                sink.problem(EntryProblem{
                    entry.dn, 0, LdapText::tr("matches both the user and the group filter; read as a user"), {}});
                return !sink.isCancelled();
            }
            return sink.entry(std::move(entry));
        });
        if (!ok) {
            if (!sink.isCancelled()) {
                sink.fail(connection.error());
            }
            return;
        }
    }
}

int countEntries(LdapConnection &connection, const QString &filter, const ContainerScope &containers, bool *ok)
{
    int count = 0;
    *ok = connection.pagedSearch(filter, {QStringLiteral("1.1")}, [&](LDAPMessage *message) {
        if (!outside(containers, connection, message)) {
            ++count;
        }
        return true;
    });
    return count;
}

void countProducer(const LdapConfig &config, const QString &password, bool withDetails, JobSink &sink)
{
    LdapConnection connection(config, sink);
    if (!openOrFail(connection, password, sink)) {
        return;
    }
    DirectorySummary summary;
    summary.serverCertificate = connection.serverCertificate();
    if (withDetails) {
        LdapConnection::RootDse root;
        if (!connection.readRootDse(&root)) {
            sink.fail(connection.error());
            return;
        }
        summary.vendor = root.vendor;
        summary.namingContexts = root.namingContexts;
        summary.supportsPagedResults = root.supportsPagedResults();
        summary.supportsSyncRepl = root.supportsSyncRepl();
        if (!connection.checkBase()) {
            M365::Error error = connection.error();
            if (DirectoryError::codeOf(error) == DirectoryError::NoSuchBase && !root.namingContexts.isEmpty()) {
                const bool isContext = root.namingContexts.contains(config.baseDn.trimmed(), Qt::CaseInsensitive);
                error.userMessage += QLatin1Char(' ')
                    + (isContext
                           ? LdapText::tr("The server serves %1, but its top entry is missing: the database may "
                                          "be empty or not readable by the bind DN.")
                                 .arg(config.baseDn.trimmed())
                           : LdapText::tr("The server holds: %1.").arg(root.namingContexts.join(QStringLiteral("; "))));
            }
            sink.fail(error);
            return;
        }
    }
    bool ok = true;
    summary.userCount = countEntries(connection, config.userFilter, config.userContainers, &ok);
    if (ok) {
        summary.groupCount = countEntries(connection, config.groupFilter, config.groupContainers, &ok);
    }
    if (ok && withDetails) {
        // The server's size limit would count users outside the containers too: with a scope, stop by hand.
        ok = connection.pagedSearch(
            config.userFilter,
            connection.readAttributes(),
            [&](LDAPMessage *message) {
                if (outside(config.userContainers, connection, message)) {
                    return !sink.isCancelled();
                }
                DirectoryEntry entry;
                QString problem;
                if (connection.toEntry(message, EntryKind::User, &entry, &problem)) {
                    summary.samples.append(entry);
                } else {
                    sink.problem(EntryProblem{entry.dn, 0, problem, {}});
                }
                return summary.samples.size() < kSampleCount;
            },
            config.userContainers.isEmpty() ? kSampleCount : 0);
    }
    if (!ok) {
        if (!sink.isCancelled()) {
            sink.fail(connection.error());
        }
        return;
    }
    sink.setSummary(summary);
}

// ---- the container tree ----

/// What can hold users and groups: OUs, AD's CN=Users-style containers and CN=Builtin, the domain, an organisation.
const QLatin1String kContainerFilter("(|(objectClass=organizationalUnit)(objectClass=container)"
                                     "(objectClass=builtinDomain)(objectClass=domain)(objectClass=organization))");

/// The DNs a search finds, without any attribute ("1.1").
bool collectDns(LdapConnection &connection, const QString &filter, QStringList *dns)
{
    return connection.pagedSearch(filter, {QStringLiteral("1.1")}, [&](LDAPMessage *message) {
        dns->append(connection.dnOf(message));
        return true;
    });
}

/// Three DN-only searches (containers, users, groups) and the counts per container; the container scopes are what
/// the admin chooses with this, so they are not applied.
void containersProducer(const LdapConfig &config, const QString &password, JobSink &sink)
{
    LdapConnection connection(config, sink);
    if (!openOrFail(connection, password, sink)) {
        return;
    }
    QStringList containers;
    QStringList users;
    QStringList groups;
    const bool ok = collectDns(connection, kContainerFilter, &containers)
        && collectDns(connection, config.userFilter, &users) && collectDns(connection, config.groupFilter, &groups);
    if (!ok) {
        if (!sink.isCancelled()) {
            sink.fail(connection.error());
        }
        return;
    }
    DirectorySummary summary;
    summary.serverCertificate = connection.serverCertificate();
    summary.userCount = int(users.size());
    summary.groupCount = int(groups.size());
    summary.containers = buildContainerTree(config.baseDn, containers, users, groups);
    qCDebug(lcDirectory) << "read" << summary.containers.size() << "containers below" << config.baseDn;
    sink.setSummary(summary);
}

// ---- watching: syncrepl (RFC 4533) ----

struct SyncSearch
{
    EntryKind kind;
    bool refreshDone = false;
};

/// One refreshAndPersist search per filter; the refresh phase (the current content, which the caller reads with
/// read()) is skipped, then every change is reported until the job is cancelled or the server ends the search.
void syncReplWatch(LdapConnection &connection, JobSink &sink)
{
    const LdapConfig &config = connection.config();
    const QStringList attributes = connection.readAttributes();
    QHash<int, SyncSearch> searches;
    for (const Search &search : searchesFor(config, ReadScope::UsersAndGroups)) {
        const int searchId = connection.startSyncSearch(search.filter, attributes);
        if (searchId < 0) {
            sink.fail(connection.error());
            return;
        }
        searches.insert(searchId, SyncSearch{search.kind});
    }

    bool ready = false;
    while (!sink.isCancelled()) {
        LdapConnection::WatchMessage message;
        if (!connection.readWatchMessage(-1, QStringLiteral("watching"), &message)) {
            sink.fail(connection.error());
            return;
        }
        if (message.kind == LdapConnection::WatchMessage::Nothing) {
            continue;
        }
        auto search = searches.find(message.searchId);
        if (search == searches.end()) {
            continue;
        }
        switch (message.kind) {
        case LdapConnection::WatchMessage::Entry: {
            LdapConnection::SyncState state = LdapConnection::SyncState::Present;
            QByteArray uuid;
            if (!search->refreshDone || !connection.syncState(message.message, &state, &uuid)) {
                break; // the initial content: the caller reads it with read()
            }
            ChangeEvent event;
            event.dn = connection.dnOf(message.message);
            if (state == LdapConnection::SyncState::Delete) {
                event.kind = ChangeEvent::Deleted;
                event.anchor = config.anchorAttribute.compare(QLatin1String("entryUUID"), Qt::CaseInsensitive) == 0
                    ? uuidToString(uuid)
                    : QString();
                event.entry.dn = event.dn;
                event.entry.anchor = event.anchor;
                event.entry.kind = search->kind;
            } else if (state == LdapConnection::SyncState::Add || state == LdapConnection::SyncState::Modify) {
                event.kind = state == LdapConnection::SyncState::Add ? ChangeEvent::Added : ChangeEvent::Modified;
                QString problem;
                if (!connection.toEntry(message.message, search->kind, &event.entry, &problem)) {
                    sink.problem(EntryProblem{event.dn, 0, problem, {}});
                    sink.flush();
                    break;
                }
                event.anchor = event.entry.anchor;
            } else {
                break;
            }
            reportChange(config, sink, std::move(event));
            break;
        }
        case LdapConnection::WatchMessage::Intermediate: {
            LdapConnection::SyncInfo info;
            if (connection.syncInfo(message.message, &info)) {
                if (info.isRefreshEnd && info.refreshDone) {
                    search->refreshDone = true;
                } else if (search->refreshDone && info.deletes) {
                    for (const QByteArray &uuid : std::as_const(info.uuids)) {
                        ChangeEvent event;
                        event.kind = ChangeEvent::Deleted;
                        event.anchor = uuidToString(uuid);
                        event.entry.anchor = event.anchor;
                        event.entry.kind = search->kind;
                        reportChange(config, sink, std::move(event));
                    }
                }
            }
            break;
        }
        case LdapConnection::WatchMessage::Ended: {
            // In refreshAndPersist the server only ends the search when it must (shutdown,
            // e-syncRefreshRequired): tell the caller to read everything again, then stop.
            ChangeEvent event;
            event.kind = ChangeEvent::Reset;
            reportChange(config, sink, std::move(event));
            sink.fail(connection.error());
            return;
        }
        case LdapConnection::WatchMessage::Nothing:
        case LdapConnection::WatchMessage::Other:
            break;
        }
        if (!ready) {
            bool all = true;
            for (const SyncSearch &s : std::as_const(searches)) {
                all = all && s.refreshDone;
            }
            if (all) {
                ready = true;
                qCDebug(lcDirectory) << "syncrepl watch established on" << config.effectiveUrl();
                sink.ready();
            }
        }
    }
    for (auto it = searches.cbegin(); it != searches.cend(); ++it) {
        connection.abandon(it.key());
    }
}

// ---- watching: polling the change attribute ----

struct Seen
{
    QString dn;
    QString stamp;
    EntryKind kind;
};

bool snapshot(LdapConnection &connection, QHash<QString, Seen> *out)
{
    const LdapConfig &config = connection.config();
    QStringList attributes{config.anchorAttribute, config.changeAttribute};
    if (!config.anchorFallback.isEmpty()) {
        attributes.append(config.anchorFallback);
    }
    for (const Search &search : searchesFor(config, ReadScope::UsersAndGroups)) {
        const bool ok = connection.pagedSearch(search.filter, attributes, [&](LDAPMessage *message) {
            DirectoryEntry entry;
            QString problem;
            if (connection.toEntry(message, search.kind, &entry, &problem)) {
                out->insert(entry.anchor, Seen{entry.dn, entry.value(config.changeAttribute), search.kind});
            }
            return true;
        });
        if (!ok) {
            return false;
        }
    }
    return true;
}

/// Reports what differs between two snapshots (added, modified, moved, gone), reading changed entries in full.
void reportDifferences(LdapConnection &connection,
                       const QHash<QString, Seen> &known,
                       const QHash<QString, Seen> &now,
                       JobSink &sink)
{
    const LdapConfig &config = connection.config();
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        const auto before = known.constFind(it.key());
        if (before != known.constEnd() && before->stamp == it->stamp && before->dn == it->dn) {
            continue;
        }
        ChangeEvent event;
        event.kind = before == known.constEnd() ? ChangeEvent::Added : ChangeEvent::Modified;
        event.dn = it->dn;
        event.anchor = it.key();
        if (!connection.readEntry(it->dn, it->kind, &event.entry)) {
            continue; // gone again in between: the next look reports it
        }
        reportChange(config, sink, std::move(event));
    }
    for (auto it = known.cbegin(); it != known.cend(); ++it) {
        if (!now.contains(it.key())) {
            ChangeEvent event;
            event.kind = ChangeEvent::Deleted;
            event.dn = it->dn;
            event.anchor = it.key();
            event.entry.dn = it->dn;
            event.entry.anchor = it.key();
            event.entry.kind = it->kind;
            reportChange(config, sink, std::move(event));
        }
    }
}

/// Waits up to @p milliseconds for the job to be cancelled; false when it was.
bool waitUnlessCancelled(JobSink &sink, int milliseconds)
{
    QElapsedTimer waited;
    waited.start();
    while (!sink.isCancelled()) {
        if (waited.elapsed() >= milliseconds) {
            return true;
        }
        QThread::msleep(50);
    }
    return false;
}

void pollWatch(LdapConnection &connection, JobSink &sink)
{
    const LdapConfig &config = connection.config();
    QHash<QString, Seen> known;
    if (!snapshot(connection, &known)) {
        sink.fail(connection.error());
        return;
    }
    sink.ready();
    while (waitUnlessCancelled(sink, config.pollIntervalSeconds * 1000)) {
        QHash<QString, Seen> now;
        if (!snapshot(connection, &now)) {
            if (!sink.isCancelled()) {
                sink.fail(connection.error());
            }
            return;
        }
        reportDifferences(connection, known, now, sink);
        known = std::move(now);
    }
}

// ---- watching: Active Directory's change notifications ----

/**
 * Active Directory (and Samba AD) pushes every change below a base to a search with the LDAP_SERVER_NOTIFICATION_OID
 * control (MS-ADTS 3.1.1.3.4.1.9): the filter must be (objectClass=*), and the server sends the changed object as a
 * search entry, for as long as the search runs. The entry may be anything (an OU, a computer, a user outside the
 * filters), so each one is read again with the user and group filters on a second connection to tell what it is.
 * Deletions move the object out of view instead of notifying, so the uSNChanged poll stays as the net that catches
 * them (and anything a dropped notification missed), only at the configured poll interval.
 */
void adNotificationWatch(LdapConnection &notifications, const QString &password, JobSink &sink)
{
    const LdapConfig &config = notifications.config();
    LdapConnection reader(config, sink);
    if (!openOrFail(reader, password, sink)) {
        return;
    }
    QHash<QString, Seen> known;
    if (!snapshot(reader, &known)) {
        sink.fail(reader.error());
        return;
    }
    QHash<QString, QString> anchorOfDn;
    for (auto it = known.cbegin(); it != known.cend(); ++it) {
        anchorOfDn.insert(it->dn.toLower(), it.key());
    }

    const int searchId = notifications.startNotificationSearch();
    if (searchId < 0) {
        sink.fail(notifications.error());
        return;
    }
    sink.ready();
    qCDebug(lcDirectory) << "change notification watch established on" << config.effectiveUrl();

    // What one notified DN is now: a user, a group, or (no longer) either.
    auto report = [&](const QString &dn) {
        ChangeEvent event;
        for (const Search &search : searchesFor(config, ReadScope::UsersAndGroups)) {
            if (reader.readMatchingEntry(dn, search.filter, search.kind, &event.entry)) {
                const QString previous = anchorOfDn.value(dn.toLower());
                event.kind = known.contains(event.entry.anchor) ? ChangeEvent::Modified : ChangeEvent::Added;
                event.dn = event.entry.dn;
                event.anchor = event.entry.anchor;
                if (!previous.isEmpty() && previous != event.anchor) {
                    known.remove(previous); // another object now holds this DN
                }
                known.insert(event.anchor,
                             Seen{event.entry.dn, event.entry.value(config.changeAttribute), search.kind});
                anchorOfDn.insert(dn.toLower(), event.anchor);
                reportChange(config, sink, std::move(event));
                sink.flush();
                return;
            }
        }
        const QString anchor = anchorOfDn.take(dn.toLower());
        const auto gone = known.constFind(anchor);
        if (!anchor.isEmpty() && gone != known.constEnd()) {
            // Still there, but no longer a user or group of the filters (e.g. a user became a computer): gone.
            event.kind = ChangeEvent::Deleted;
            event.dn = gone->dn;
            event.anchor = anchor;
            event.entry.dn = gone->dn;
            event.entry.anchor = anchor;
            event.entry.kind = gone->kind;
            known.erase(gone);
            reportChange(config, sink, std::move(event));
            sink.flush();
        }
    };

    QElapsedTimer sincePoll;
    sincePoll.start();
    while (!sink.isCancelled()) {
        LdapConnection::WatchMessage message;
        if (!notifications.readWatchMessage(searchId, QStringLiteral("watching for change notifications"), &message)) {
            sink.fail(notifications.error());
            return;
        }
        if (message.kind == LdapConnection::WatchMessage::Entry) {
            report(notifications.dnOf(message.message));
        } else if (message.kind == LdapConnection::WatchMessage::Ended) {
            // The server ended the notifications (shutdown, a time limit): read everything again.
            ChangeEvent event;
            event.kind = ChangeEvent::Reset;
            reportChange(config, sink, std::move(event));
            sink.fail(notifications.error());
            return;
        }
        if (sincePoll.elapsed() >= config.pollIntervalSeconds * 1000LL) {
            sincePoll.restart();
            QHash<QString, Seen> now;
            if (!snapshot(reader, &now)) {
                if (!sink.isCancelled()) {
                    sink.fail(reader.error());
                }
                break;
            }
            reportDifferences(reader, known, now, sink);
            known = std::move(now);
            anchorOfDn.clear();
            for (auto it = known.cbegin(); it != known.cend(); ++it) {
                anchorOfDn.insert(it->dn.toLower(), it.key());
            }
        }
    }
    notifications.abandon(searchId);
}

void watchProducer(const LdapConfig &config, const QString &password, JobSink &sink)
{
    LdapConnection connection(config, sink);
    if (!openOrFail(connection, password, sink)) {
        return;
    }
    LdapConfig::WatchMode mode = config.watchMode;
    if (mode == LdapConfig::WatchMode::Auto) {
        // What the server offers, best first: syncrepl (OpenLDAP, UCS), AD change notifications, else polling.
        LdapConnection::RootDse root;
        if (!connection.readRootDse(&root)) {
            sink.fail(connection.error());
            return;
        }
        mode = root.supportsSyncRepl()           ? LdapConfig::WatchMode::SyncRepl
            : root.supportsChangeNotifications() ? LdapConfig::WatchMode::AdNotification
                                                 : LdapConfig::WatchMode::Poll;
    }
    switch (mode) {
    case LdapConfig::WatchMode::SyncRepl:
        syncReplWatch(connection, sink);
        break;
    case LdapConfig::WatchMode::AdNotification:
        adNotificationWatch(connection, password, sink);
        break;
    case LdapConfig::WatchMode::Auto:
    case LdapConfig::WatchMode::Poll:
        pollWatch(connection, sink);
        break;
    }
}

} // namespace

LdapSource::LdapSource(const LdapConfig &config, const QString &bindPassword, QObject *parent)
    : DirectorySource(parent)
    , m_config(config)
    , m_password(bindPassword)
{}

LdapSource::~LdapSource()
{
    m_password.fill(QLatin1Char('\0'));
}

DirectoryJob *LdapSource::testConnection(QObject *parent)
{
    return new DirectoryJob(
        [config = m_config, password = m_password](JobSink &sink) {
            countProducer(config, password, true, sink);
        },
        parent);
}

DirectoryJob *LdapSource::read(ReadScope scope, QObject *parent)
{
    return new DirectoryJob(
        [config = m_config, password = m_password, scope](JobSink &sink) {
            readProducer(config, password, scope, sink);
        },
        parent);
}

DirectoryJob *LdapSource::count(QObject *parent)
{
    return new DirectoryJob(
        [config = m_config, password = m_password](JobSink &sink) {
            countProducer(config, password, false, sink);
        },
        parent);
}

DirectoryJob *LdapSource::readContainers(QObject *parent)
{
    return new DirectoryJob(
        [config = m_config, password = m_password](JobSink &sink) {
            containersProducer(config, password, sink);
        },
        parent);
}

DirectoryJob *LdapSource::watch(QObject *parent)
{
    return new DirectoryJob(
        [config = m_config, password = m_password](JobSink &sink) {
            watchProducer(config, password, sink);
        },
        parent);
}

} // namespace M365::Directory
