// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "statestore.h"

#include "synclog.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

namespace M365::Sync {

namespace {

QAtomicInteger<quint64> connectionCounter;

QString toText(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject fromText(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QString nowText()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QDateTime fromDateText(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS links (anchor TEXT PRIMARY KEY, object_type TEXT NOT NULL, cloud_id TEXT NOT NULL, "
    "last_values TEXT NOT NULL DEFAULT '{}', updated TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS links_cloud_id ON links(cloud_id)",
    "CREATE TABLE IF NOT EXISTS delta_links (resource TEXT PRIMARY KEY, link TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, ended TEXT, "
    "counts TEXT NOT NULL DEFAULT '{}', status TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS run_changes (run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL, "
    "change TEXT NOT NULL, result TEXT NOT NULL, message TEXT, PRIMARY KEY (run_id, seq))",
    "CREATE TABLE IF NOT EXISTS cloud_objects (resource TEXT NOT NULL, id TEXT NOT NULL, object TEXT NOT NULL, "
    "PRIMARY KEY (resource, id))",
    // Monitoring (issue 15): created here like the others, so files of older versions gain them on their next open.
    "CREATE TABLE IF NOT EXISTS last_plan (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL, "
    "pending INTEGER NOT NULL, destructive INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
    "outcome TEXT NOT NULL, message TEXT NOT NULL DEFAULT '', run_id INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
};

/// How many attempts recordAttempt() keeps: months of hourly runs, for a look back, without growing forever.
constexpr int keptAttempts = 1000;

QString dateText(const QDateTime &at)
{
    return at.isValid() ? at.toUTC().toString(Qt::ISODateWithMs) : nowText();
}

} // namespace

StateStore::StateStore()
    : m_connectionName(QStringLiteral("m365sync-state-%1").arg(++connectionCounter))
{}

StateStore::~StateStore()
{
    close();
}

Error StateStore::sqlError(const QString &what, const QString &details) const
{
    return Error{
        QStringLiteral("sync.state"),
        StateStore::tr("The sync state file %1 could not be used (%2). Check that the folder exists and is writable.")
            .arg(QDir::toNativeSeparators(m_path), what),
        details,
        {}};
}

QString StateStore::pathForProfile(const QString &profile, const QString &directory)
{
    const QString folder = directory.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/state")
        : directory;
    return folder + QLatin1Char('/') + profile + QStringLiteral(".sqlite");
}

Result<bool> StateStore::open(const QString &path)
{
    close();
    m_path = path;
    const QFileInfo info(path);
    if (info.isDir() || !info.dir().exists()) {
        return Result<bool>::failure(sqlError(StateStore::tr("no such folder, or the path is a folder"), path));
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(path);
        if (!db.open()) {
            const QString details = db.lastError().text();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(m_connectionName);
            return Result<bool>::failure(sqlError(StateStore::tr("cannot open"), details));
        }
    }
    // WAL: readers (the preview) never block the writer (a running sync); NORMAL sync is durable in WAL mode
    // against a killed process, which is what a resumable run needs.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
        const Result<bool> r = exec(QString::fromLatin1(pragma));
        if (!r.ok()) {
            close();
            return r;
        }
    }
    for (const char *statement : schema) {
        const Result<bool> r = exec(QString::fromLatin1(statement));
        if (!r.ok()) {
            close();
            return r;
        }
    }
    qCDebug(lcSync) << "state store opened" << path;
    return Result<bool>::success(true);
}

void StateStore::close()
{
    if (!QSqlDatabase::contains(m_connectionName)) {
        return;
    }
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool StateStore::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && QSqlDatabase::database(m_connectionName, false).isOpen();
}

Result<bool> StateStore::exec(const QString &sql, const QList<QVariant> &values)
{
    if (!isOpen()) {
        return Result<bool>::failure(sqlError(StateStore::tr("not open"), sql));
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.prepare(sql)) {
        return Result<bool>::failure(
            sqlError(StateStore::tr("bad statement"), q.lastError().text() + QStringLiteral(": ") + sql));
    }
    for (const QVariant &v : values) {
        q.addBindValue(v);
    }
    if (!q.exec()) {
        return Result<bool>::failure(
            sqlError(StateStore::tr("write failed"), q.lastError().text() + QStringLiteral(": ") + sql));
    }
    return Result<bool>::success(true);
}

Result<bool> StateStore::link(const Link &link)
{
    return exec(QStringLiteral("INSERT INTO links (anchor, object_type, cloud_id, last_values, updated) "
                               "VALUES (?, ?, ?, ?, ?) ON CONFLICT(anchor) DO UPDATE SET "
                               "object_type = excluded.object_type, cloud_id = excluded.cloud_id, "
                               "last_values = excluded.last_values, updated = excluded.updated"),
                {link.anchor,
                 Change::objectTypeName(link.objectType),
                 link.cloudId,
                 toText(link.lastValues),
                 link.updated.isValid() ? link.updated.toUTC().toString(Qt::ISODateWithMs) : nowText()});
}

Result<bool> StateStore::unlink(const QString &anchor)
{
    return exec(QStringLiteral("DELETE FROM links WHERE anchor = ?"), {anchor});
}

QHash<QString, Link> StateStore::links() const
{
    QHash<QString, Link> out;
    if (!isOpen()) {
        return out;
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT anchor, object_type, cloud_id, last_values, updated FROM links"))) {
        qCWarning(lcSync) << "reading links failed:" << q.lastError().text();
        return out;
    }
    while (q.next()) {
        Link l;
        l.anchor = q.value(0).toString();
        Change::objectTypeFromName(q.value(1).toString(), &l.objectType);
        l.cloudId = q.value(2).toString();
        l.lastValues = fromText(q.value(3).toString());
        l.updated = fromDateText(q.value(4));
        out.insert(l.anchor, l);
    }
    return out;
}

std::optional<Link> StateStore::linkFor(const QString &anchor) const
{
    if (!isOpen()) {
        return std::nullopt;
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT object_type, cloud_id, last_values, updated FROM links WHERE anchor = ?"));
    q.addBindValue(anchor);
    if (!q.exec() || !q.next()) {
        return std::nullopt;
    }
    Link l;
    l.anchor = anchor;
    Change::objectTypeFromName(q.value(0).toString(), &l.objectType);
    l.cloudId = q.value(1).toString();
    l.lastValues = fromText(q.value(2).toString());
    l.updated = fromDateText(q.value(3));
    return l;
}

QJsonObject StateStore::lastValues(const QString &anchor) const
{
    const std::optional<Link> l = linkFor(anchor);
    return l ? l->lastValues : QJsonObject();
}

Result<bool> StateStore::setDeltaLink(const QString &resource, const QString &link)
{
    if (link.isEmpty()) {
        return exec(QStringLiteral("DELETE FROM delta_links WHERE resource = ?"), {resource});
    }
    return exec(QStringLiteral("INSERT INTO delta_links (resource, link) VALUES (?, ?) "
                               "ON CONFLICT(resource) DO UPDATE SET link = excluded.link"),
                {resource, link});
}

QString StateStore::deltaLink(const QString &resource) const
{
    if (!isOpen()) {
        return {};
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT link FROM delta_links WHERE resource = ?"));
    q.addBindValue(resource);
    if (!q.exec() || !q.next()) {
        return {};
    }
    return q.value(0).toString();
}

Result<qint64> StateStore::beginRun()
{
    if (!isOpen()) {
        return Result<qint64>::failure(sqlError(StateStore::tr("not open"), QStringLiteral("beginRun")));
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("INSERT INTO runs (started, status) VALUES (?, 'running')"));
    q.addBindValue(nowText());
    if (!q.exec()) {
        return Result<qint64>::failure(sqlError(StateStore::tr("write failed"), q.lastError().text()));
    }
    return Result<qint64>::success(q.lastInsertId().toLongLong());
}

Result<bool>
StateStore::recordChange(qint64 runId, int seq, const Change &change, const QString &result, const QString &message)
{
    return exec(QStringLiteral("INSERT OR REPLACE INTO run_changes (run_id, seq, change, result, message) "
                               "VALUES (?, ?, ?, ?, ?)"),
                {runId, seq, toText(change.toJson()), result, message});
}

Result<bool> StateStore::inTransaction(const std::function<Result<bool>()> &body)
{
    if (!isOpen()) {
        return Result<bool>::failure(sqlError(StateStore::tr("not open"), QStringLiteral("transaction")));
    }
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction()) {
        return Result<bool>::failure(sqlError(StateStore::tr("write failed"), db.lastError().text()));
    }
    const Result<bool> r = body();
    if (!r.ok()) {
        db.rollback();
        return r;
    }
    if (!db.commit()) {
        const QString details = db.lastError().text();
        db.rollback();
        return Result<bool>::failure(sqlError(StateStore::tr("write failed"), details));
    }
    return r;
}

Result<bool> StateStore::recordApplied(qint64 runId,
                                       int seq,
                                       const Change &change,
                                       const QString &result,
                                       const QString &message,
                                       const std::optional<Link> &link,
                                       bool unlink)
{
    return inTransaction([&] {
        if (link) {
            const Result<bool> r = this->link(*link);
            if (!r.ok()) {
                return r;
            }
        } else if (unlink) {
            const Result<bool> r = this->unlink(change.anchor);
            if (!r.ok()) {
                return r;
            }
        }
        return recordChange(runId, seq, change, result, message);
    });
}

Result<bool> StateStore::saveCloudObjects(const QString &resource,
                                          const QList<QJsonObject> &upserts,
                                          const QStringList &removedIds,
                                          bool replaceAll,
                                          const QString &deltaLink)
{
    return inTransaction([&]() -> Result<bool> {
        if (replaceAll) {
            const Result<bool> r = exec(QStringLiteral("DELETE FROM cloud_objects WHERE resource = ?"), {resource});
            if (!r.ok()) {
                return r;
            }
        }
        QSqlQuery put(QSqlDatabase::database(m_connectionName, false));
        put.prepare(QStringLiteral("INSERT OR REPLACE INTO cloud_objects (resource, id, object) VALUES (?, ?, ?)"));
        for (const QJsonObject &o : upserts) {
            put.bindValue(0, resource);
            put.bindValue(1, o.value(QLatin1String("id")).toString());
            put.bindValue(2, toText(o));
            if (!put.exec()) {
                return Result<bool>::failure(sqlError(StateStore::tr("write failed"), put.lastError().text()));
            }
        }
        QSqlQuery drop(QSqlDatabase::database(m_connectionName, false));
        drop.prepare(QStringLiteral("DELETE FROM cloud_objects WHERE resource = ? AND id = ?"));
        for (const QString &id : removedIds) {
            drop.bindValue(0, resource);
            drop.bindValue(1, id);
            if (!drop.exec()) {
                return Result<bool>::failure(sqlError(StateStore::tr("write failed"), drop.lastError().text()));
            }
        }
        return setDeltaLink(resource, deltaLink);
    });
}

QHash<QString, QJsonObject> StateStore::cloudObjects(const QString &resource) const
{
    QHash<QString, QJsonObject> out;
    if (!isOpen()) {
        return out;
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, object FROM cloud_objects WHERE resource = ?"));
    q.addBindValue(resource);
    if (!q.exec()) {
        qCWarning(lcSync) << "reading the kept cloud objects failed:" << q.lastError().text();
        return out;
    }
    while (q.next()) {
        out.insert(q.value(0).toString(), fromText(q.value(1).toString()));
    }
    return out;
}

Result<bool> StateStore::endRun(qint64 runId, const QJsonObject &counts, const QString &status)
{
    return exec(QStringLiteral("UPDATE runs SET ended = ?, counts = ?, status = ? WHERE id = ?"),
                {nowText(), toText(counts), status, runId});
}

QList<RunRecord> StateStore::runHistory(int limit) const
{
    QList<RunRecord> out;
    if (!isOpen()) {
        return out;
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT id, started, ended, counts, status FROM runs ORDER BY id DESC LIMIT ?"));
    q.addBindValue(limit);
    if (!q.exec()) {
        qCWarning(lcSync) << "reading the run history failed:" << q.lastError().text();
        return out;
    }
    while (q.next()) {
        RunRecord r;
        r.id = q.value(0).toLongLong();
        r.started = fromDateText(q.value(1));
        r.ended = fromDateText(q.value(2));
        r.counts = fromText(q.value(3).toString());
        r.status = q.value(4).toString();
        out.append(r);
    }
    return out;
}

QList<RunChangeRecord> StateStore::runChanges(qint64 runId) const
{
    QList<RunChangeRecord> out;
    if (!isOpen()) {
        return out;
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT seq, change, result, message FROM run_changes WHERE run_id = ? ORDER BY seq"));
    q.addBindValue(runId);
    if (!q.exec()) {
        qCWarning(lcSync) << "reading a run's changes failed:" << q.lastError().text();
        return out;
    }
    while (q.next()) {
        RunChangeRecord r;
        r.runId = runId;
        r.seq = q.value(0).toInt();
        r.change = Change::fromJson(fromText(q.value(1).toString()));
        r.result = q.value(2).toString();
        r.message = q.value(3).toString();
        out.append(r);
    }
    return out;
}

Result<bool> StateStore::recordPlan(const PlanRecord &plan)
{
    return exec(QStringLiteral("INSERT INTO last_plan (id, at, pending, destructive) VALUES (1, ?, ?, ?) "
                               "ON CONFLICT(id) DO UPDATE SET at = excluded.at, pending = excluded.pending, "
                               "destructive = excluded.destructive"),
                {dateText(plan.at), plan.pending, plan.destructive});
}

std::optional<PlanRecord> StateStore::lastPlan() const
{
    if (!isOpen()) {
        return std::nullopt;
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(QStringLiteral("SELECT at, pending, destructive FROM last_plan WHERE id = 1")) || !q.next()) {
        return std::nullopt;
    }
    PlanRecord plan;
    plan.at = fromDateText(q.value(0));
    plan.pending = q.value(1).toInt();
    plan.destructive = q.value(2).toInt();
    return plan;
}

Result<bool> StateStore::recordAttempt(const AttemptRecord &attempt)
{
    return inTransaction([&]() -> Result<bool> {
        const Result<bool> r =
            exec(QStringLiteral("INSERT INTO attempts (at, outcome, message, run_id) VALUES (?, ?, ?, ?)"),
                 // A null QString binds as NULL, which the NOT NULL column refuses: an empty message is "".
                 {dateText(attempt.at),
                  attempt.outcome,
                  attempt.message.isNull() ? QStringLiteral("") : attempt.message,
                  attempt.runId});
        if (!r.ok()) {
            return r;
        }
        return exec(QStringLiteral("DELETE FROM attempts WHERE id <= (SELECT MAX(id) FROM attempts) - ?"),
                    {keptAttempts});
    });
}

std::optional<AttemptRecord> StateStore::lastAttempt() const
{
    return lastAttemptWith({});
}

std::optional<AttemptRecord> StateStore::lastAttemptWith(const QStringList &outcomes) const
{
    if (!isOpen()) {
        return std::nullopt;
    }
    QString sql = QStringLiteral("SELECT at, outcome, message, run_id FROM attempts");
    if (!outcomes.isEmpty()) {
        QStringList marks;
        for (qsizetype i = 0; i < outcomes.size(); ++i) {
            marks.append(QStringLiteral("?"));
        }
        sql += QStringLiteral(" WHERE outcome IN (") + marks.join(QLatin1Char(',')) + QLatin1Char(')');
    }
    sql += QStringLiteral(" ORDER BY id DESC LIMIT 1");
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(sql);
    for (const QString &outcome : outcomes) {
        q.addBindValue(outcome);
    }
    if (!q.exec()) {
        qCWarning(lcSync) << "reading the run attempts failed:" << q.lastError().text();
        return std::nullopt;
    }
    if (!q.next()) {
        return std::nullopt;
    }
    AttemptRecord attempt;
    attempt.at = fromDateText(q.value(0));
    attempt.outcome = q.value(1).toString();
    attempt.message = q.value(2).toString();
    attempt.runId = q.value(3).toLongLong();
    return attempt;
}

Result<bool> StateStore::setMeta(const QString &key, const QString &value)
{
    if (value.isEmpty()) {
        return exec(QStringLiteral("DELETE FROM meta WHERE key = ?"), {key});
    }
    return exec(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                {key, value});
}

QString StateStore::meta(const QString &key) const
{
    if (!isOpen()) {
        return {};
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q.addBindValue(key);
    if (!q.exec() || !q.next()) {
        return {};
    }
    return q.value(0).toString();
}

} // namespace M365::Sync
