// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "synccommand.h"

#include "cliio.h"
#include "demotenant.h"
#include "directory/csvparser.h"
#include "directory/directoryjob.h"
#include "directory/directorysource.h"
#include "profile/connection.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "sync/cloudreader.h"
#include "sync/plansession.h"
#include "sync/undoplanner.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSslCertificate>
#include <QStandardPaths>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace M365::Cli {

namespace {

using Sync::Change;

QString dataDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

bool isActionable(const Change &c)
{
    return c.kind != Change::Kind::Conflict && c.kind != Change::Kind::Invalid;
}

QString valueText(const QJsonValue &v)
{
    if (v.isUndefined() || v.isNull()) {
        return QStringLiteral("—");
    }
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &item : v.toArray()) {
            parts.append(item.isString()
                             ? item.toString()
                             : QString::fromUtf8(QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact))
                                   .mid(1)
                                   .chopped(1));
        }
        return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    if (v.isBool()) {
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    }
    if (v.isDouble()) {
        return QString::number(v.toDouble());
    }
    if (v.isObject()) {
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    }
    return QLatin1Char('"') + v.toString() + QLatin1Char('"');
}

QString duration(qint64 ms)
{
    const qint64 s = (ms + 999) / 1000;
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

SyncCommand::SyncCommand(Secrets::SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
    , m_nam(new QNetworkAccessManager(this))
{}

SyncCommand::~SyncCommand()
{
    // Jobs and the connection refer to the server and the NAM: they go first.
    m_connection.reset();
    m_source.reset();
}

bool SyncCommand::parse(const QStringList &a)
{
    for (int i = 0; i < a.size(); ++i) {
        const QString &arg = a.at(i);
        const auto next = [&](QString *value) {
            if (i + 1 >= a.size()) {
                err() << tr("%1 needs a value.").arg(arg) << '\n';
                return false;
            }
            *value = a.at(++i);
            return true;
        };
        QString value;
        if (arg == QLatin1String("--sandbox")) {
            m_sandbox = true;
        } else if (arg == QLatin1String("--sandbox-reset")) {
            m_sandbox = true;
            m_sandboxReset = true;
        } else if (arg == QLatin1String("--profile")) {
            if (!next(&m_profileName)) {
                return false;
            }
        } else if (arg == QLatin1String("--json") && (m_mode == Mode::Plan || m_mode == Mode::Undo)) {
            m_json = true;
        } else if (arg == QLatin1String("--csv") && m_mode == Mode::Plan) {
            m_csv = true;
        } else if (arg == QLatin1String("--yes") && (m_mode == Mode::Sync || m_mode == Mode::Undo)) {
            m_yes = true;
        } else if (arg == QLatin1String("--run") && m_mode == Mode::Undo) {
            bool ok = false;
            if (!next(&value) || (m_undoRun = value.toLongLong(&ok), !ok) || m_undoRun <= 0) {
                err() << tr("--run needs the number of a run, e.g. --run 12 (m365sync-cli status shows the last one).")
                      << '\n';
                return false;
            }
        } else if (arg == QLatin1String("--allow-deletes") && m_mode == Mode::Sync) {
            bool ok = false;
            if (!next(&value) || (m_allowDeletes = value.toInt(&ok), !ok) || m_allowDeletes < 0) {
                err() << tr("--allow-deletes needs a number, e.g. --allow-deletes 120.") << '\n';
                return false;
            }
        } else if (arg == QLatin1String("--password-file") && m_mode == Mode::Sync) {
            if (!next(&m_passwordFile)) {
                return false;
            }
        } else if (arg == QLatin1String("--only") && m_mode == Mode::Sync) {
            if (!next(&value)) {
                return false;
            }
            for (const QString &name : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                Change::Kind kind;
                if (!Change::kindFromName(name.trimmed().toLower(), &kind)) {
                    err() << tr("Unknown change kind \"%1\" for --only; use create, update, disable, enable, delete "
                                "or link.")
                                 .arg(name)
                          << '\n';
                    return false;
                }
                m_only.insert(kind);
            }
        } else {
            err() << tr("Unknown option \"%1\". See m365sync-cli --help.").arg(arg) << '\n';
            return false;
        }
    }
    if (m_sandbox == !m_profileName.isEmpty()) {
        err() << tr("Name a profile with --profile NAME, or use --sandbox for the offline demo tenant.") << '\n';
        return false;
    }
    if (m_mode == Mode::Undo && m_undoRun == 0) {
        err() << tr("Name the run to undo with --run N.") << '\n';
        return false;
    }
    if (m_json && m_csv) {
        err() << tr("Choose --json or --csv, not both.") << '\n';
        return false;
    }
    return true;
}

void SyncCommand::run(Mode mode, const QStringList &arguments)
{
    m_mode = mode;
    if (!parse(arguments)) {
        finish(Usage);
        return;
    }
    if (m_sandbox) {
        openSandbox();
    } else {
        openProfile();
    }
}

QString SyncCommand::stateDirectory() const
{
    return m_sandbox ? dataDirectory() + QStringLiteral("/sandbox") : dataDirectory() + QStringLiteral("/state");
}

void SyncCommand::fail(const M365::Error &error)
{
    m_runLock.reset();
    err() << error.userMessage << '\n';
    if (!error.requestId.isEmpty()) {
        err() << tr("Request ID: %1").arg(error.requestId) << '\n';
    }
    finish(Failed);
}

void SyncCommand::openSandbox()
{
    const QString data = dataDirectory();
    if (m_sandboxReset) {
        QDir(data + QStringLiteral("/sandbox")).removeRecursively();
        QDir(data + QStringLiteral("/sample")).removeRecursively();
        err() << tr("The sandbox tenant and its sync state were reset.") << '\n';
    }
    m_server = std::make_unique<Sandbox::SandboxServer>();
    QString message;
    if (!Sandbox::startDemoTenant(m_server.get(), data, &message)) {
        fail(Error{QStringLiteral("sandbox"), tr("Could not start the sandbox tenant: %1").arg(message), {}, {}});
        return;
    }
    const Sandbox::TenantState &state = m_server->tenant()->state();
    m_profile.name = QStringLiteral("sandbox");
    m_profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(m_server->baseUrl()));
    m_profile.tenant = state.tenantId;
    m_profile.clientId = state.demoClientId;
    m_profile.credentialKind = Profile::CredentialKind::ClientSecret;
    m_profile.caFile = m_server->caFile();

    // The demo's choices: UPNs in the tenant's initial domain, Germany as the default usage location, and the
    // finance group's members licensed with Exchange Online.
    for (auto it = state.domains.cbegin(); it != state.domains.cend(); ++it) {
        if (it->value(QLatin1String("isInitial")).toBool()) {
            m_settings.rules.domain = it.key();
        }
    }
    m_settings.rules.defaultUsageLocation = QStringLiteral("DE");
    for (const QJsonObject &sku : state.skus) {
        if (sku.value(QLatin1String("skuPartNumber")).toString() == QLatin1String("EXCHANGESTANDARD")) {
            m_settings.options.skuByGroup.insert(QStringLiteral("cn=finance,ou=groups,dc=example,dc=org"),
                                                 sku.value(QLatin1String("skuId")).toString());
        }
    }
    const QString sample = Sandbox::sampleDirectoryPath(data, &message);
    if (sample.isEmpty()) {
        fail(Error{QStringLiteral("sandbox"), message, {}, {}});
        return;
    }
    m_profile.directory =
        QJsonObject{{QStringLiteral("type"), QStringLiteral("ldif")}, {QStringLiteral("path"), sample}};
    const Identity::ClientCredential credential = Identity::ClientCredential::fromSecret(state.demoClientSecret);
    m_connection = std::make_unique<Profile::Connection>(
        m_nam, m_profile, credential, QSslCertificate::fromPath(m_profile.caFile, QSsl::Pem));
    connected();
}

void SyncCommand::openProfile()
{
    M365::Error error;
    const auto profile = Profile::ProfileStore().load(m_profileName, &error);
    if (!profile) {
        fail(error);
        return;
    }
    if (profile->isDraft()) {
        // What the wizard kept when it was closed: not a connection to plan or sync with yet.
        fail(profile->draftError());
        return;
    }
    m_profile = *profile;
    const Result<Sync::SyncSettings> settings = Sync::SyncSettings::fromJson(m_profile.sync);
    if (!settings.ok()) {
        fail(settings.error);
        return;
    }
    m_settings = settings.value;
    if (m_mode == Mode::Status) {
        status();
        return;
    }
    const auto connect = [this] {
        if (m_mode == Mode::DirectoryTest) {
            connected(); // the directory alone: no sign-in needed
            return;
        }
        auto *job = new Profile::ConnectJob(m_nam, m_profile, m_secrets, this);
        QObject::connect(job, &Job::finished, this, [this, job] {
            if (job->hasError()) {
                fail(job->error());
                return;
            }
            m_connection = job->takeConnection();
            connected();
        });
        job->start();
    };
    if (Sync::isLdapDirectory(m_profile.directory) && !m_profile.secrets.ldapBindPassword.isEmpty()) {
        Secrets::SecretJob *read = m_secrets->read(m_profile.secrets.ldapBindPassword, this);
        QObject::connect(read, &Secrets::SecretJob::finished, this, [this, read, connect] {
            if (read->hasError()) {
                fail(read->error());
                return;
            }
            m_bindPassword = QString::fromUtf8(read->value());
            connect();
        });
        read->start();
        return;
    }
    connect();
}

void SyncCommand::connected()
{
    if (m_mode == Mode::Status) {
        status();
        return;
    }
    Result<std::unique_ptr<Directory::DirectorySource>> source =
        Sync::createDirectorySource(m_profile.directory, m_bindPassword);
    if (!source.ok()) {
        fail(source.error);
        return;
    }
    m_source = std::move(source.value);
    if (m_mode == Mode::DirectoryTest) {
        testDirectory();
        return;
    }
    QDir().mkpath(stateDirectory());
    m_statePath = stateDirectory() + QLatin1Char('/')
        + (m_sandbox ? QStringLiteral("state.sqlite") : m_profile.name + QStringLiteral(".sqlite"));
    const Result<bool> opened = m_store.open(m_statePath);
    if (!opened.ok()) {
        fail(opened.error);
        return;
    }
    if (m_mode == Mode::Undo) {
        undo();
        return;
    }
    plan();
}

void SyncCommand::status()
{
    if (m_sandbox) {
        out() << Sandbox::describeTenant(m_server.get()) << '\n';
    } else {
        out() << tr("Profile %1: tenant %2, app %3.").arg(m_profile.name, m_profile.tenant, m_profile.clientId) << '\n';
    }
    const QString statePath = stateDirectory() + QLatin1Char('/')
        + (m_sandbox ? QStringLiteral("state.sqlite") : m_profile.name + QStringLiteral(".sqlite"));
    if (!QFile::exists(statePath)) {
        out() << tr("No sync has run yet. Next: m365sync-cli plan %1 to see what a sync would do, then sync.")
                     .arg(m_sandbox ? QStringLiteral("--sandbox") : QStringLiteral("--profile ") + m_profile.name)
              << '\n';
        finish(Done);
        return;
    }
    const Result<bool> opened = m_store.open(statePath);
    if (!opened.ok()) {
        fail(opened.error);
        return;
    }
    const QList<Sync::RunRecord> runs = m_store.runHistory(1);
    const QHash<QString, Sync::Link> links = m_store.links();
    int users = 0;
    for (const Sync::Link &l : links) {
        users += l.objectType == Change::ObjectType::User ? 1 : 0;
    }
    out() << tr("Managed: %1 users, %2 groups.").arg(users).arg(links.size() - users) << '\n';
    const QString again = m_sandbox ? QStringLiteral("--sandbox") : QStringLiteral("--profile ") + m_profile.name;
    if (runs.isEmpty()) {
        out() << tr("No sync has run yet. Next: m365sync-cli plan %1, then sync.").arg(again) << '\n';
        finish(Done);
        return;
    }
    const Sync::RunRecord &last = runs.first();
    QStringList counts;
    for (auto it = last.counts.constBegin(); it != last.counts.constEnd(); ++it) {
        counts.append(QStringLiteral("%1 %2").arg(it.value().toInt()).arg(it.key()));
    }
    out() << tr("Last run: #%1, started %2, %3: %4.")
                 .arg(last.id)
                 .arg(last.started.toLocalTime().toString(Qt::ISODate),
                      last.ended.isValid() ? last.status : tr("interrupted (it resumes on the next sync)"),
                      counts.join(QStringLiteral(", ")))
          << '\n';
    if (last.counts.value(QLatin1String("failed")).toInt() > 0) {
        out() << tr("Next: see the failed changes in the GUI's History tab, fix their cause, then run sync %1 again.")
                     .arg(again)
              << '\n';
    } else {
        out() << tr("Next: m365sync-cli plan %1 shows what changed since.").arg(again) << '\n';
    }
    finish(Done);
}

void SyncCommand::testDirectory()
{
    Directory::DirectoryJob *job = m_source->testConnection(this);
    connect(job, &Directory::DirectoryJob::finished, this, [this, done = job] {
        done->deleteLater();
        if (done->hasError()) {
            fail(done->error());
            return;
        }
        const Directory::DirectorySummary summary = done->summary();
        out() << tr("Users: %1, groups: %2.").arg(qMax(0, summary.userCount)).arg(qMax(0, summary.groupCount)) << '\n';
        for (const Directory::DirectoryEntry &entry : summary.samples) {
            const QString name = entry.value(QStringLiteral("displayName")).isEmpty()
                ? entry.value(QStringLiteral("cn"))
                : entry.value(QStringLiteral("displayName"));
            out()
                << tr("  %1 (anchor %2=%3)").arg(name.isEmpty() ? entry.dn : name, entry.anchorAttribute, entry.anchor)
                << '\n';
        }
        const QList<Directory::EntryProblem> problems = done->problems();
        for (const Directory::EntryProblem &problem : problems) {
            err() << tr("Skipped directory entry: %1").arg(problem.toString()) << '\n';
        }
        if (!problems.isEmpty()) {
            err() << tr("Skipped entries: %1. The rest would sync.").arg(problems.size()) << '\n';
        }
        finish(Done);
    });
    job->start();
}

void SyncCommand::plan()
{
    auto *job = new Sync::PlanJob(m_connection->graph(), &m_store, m_source.get(), m_settings, this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        for (const Directory::EntryProblem &problem : job->problems()) {
            err() << tr("Skipped directory entry: %1").arg(problem.toString()) << '\n';
        }
        m_managedObjects = job->managedObjects();
        planned(job->plan(), job->notes());
    });
    job->start();
}

void SyncCommand::undo()
{
    const QList<Sync::RunRecord> runs = m_store.runHistory();
    const auto run = std::find_if(runs.cbegin(), runs.cend(), [this](const Sync::RunRecord &r) {
        return r.id == m_undoRun;
    });
    if (run == runs.cend()) {
        QStringList latest;
        for (const Sync::RunRecord &r : runs.mid(0, 10)) {
            latest.append(QString::number(r.id));
        }
        err() << (latest.isEmpty() ? tr("There is no run %1: this profile has not run yet.").arg(m_undoRun)
                                   : tr("There is no run %1 in this profile's history. The latest runs are: %2.")
                                         .arg(m_undoRun)
                                         .arg(latest.join(QStringLiteral(", "))))
              << '\n';
        finish(Failed);
        return;
    }
    if (!run->ended.isValid()) {
        err() << tr("Run %1 did not finish; undo takes back the changes it recorded as done.").arg(m_undoRun) << '\n';
    }
    // The tenant as plan reads it (delta from the kept objects): the undo compares each object with what the run
    // wrote, so that a later edit in the tenant is reported as a conflict instead of overwritten.
    auto *job = new Sync::CloudReadJob(
        m_connection->graph(), &m_store, m_settings.rules.managedProperties(), m_settings.options.syncGroups, this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        Sync::ChangePlan plan = Sync::UndoPlanner::plan(m_store.runChanges(m_undoRun),
                                                        job->snapshot(),
                                                        m_store.links(),
                                                        Sync::Planner::userFingerprintProperties(m_settings.rules));
        plan.created = QDateTime::currentDateTimeUtc();
        undoPlanned(plan);
    });
    job->start();
}

void SyncCommand::undoPlanned(const Sync::ChangePlan &plan)
{
    printPlan(plan);
    int actionable = 0;
    for (const Change &c : plan.changes) {
        actionable += isActionable(c) ? 1 : 0;
    }
    // --json keeps standard output for the plan alone.
    QTextStream &notes = m_json ? err() : out();
    if (actionable == 0) {
        notes
            << tr("Nothing to undo: the tenant no longer has what run %1 changed, or it changed since.").arg(m_undoRun)
            << '\n';
        finish(Done);
        return;
    }
    notes << tr("Note: the next sync makes the same changes again unless the directory (or the profile's exclusions) "
                "changes.")
          << '\n';
    if (!m_yes) {
        notes << tr("Nothing was changed. Run again with --yes to apply.") << '\n';
        finish(ChangesPending);
        return;
    }
    Sync::ApplyOptions options;
    options.userFingerprintProperties = Sync::Planner::userFingerprintProperties(m_settings.rules);
    // No second round: a change whose object moved on since the read is reported, not re-planned as a sync.
    apply(plan, options, true);
}

void SyncCommand::planned(const Sync::ChangePlan &plan, const QStringList &notes)
{
    for (const QString &note : notes) {
        err() << note << '\n';
    }
    int actionable = 0;
    for (const Change &c : plan.changes) {
        actionable += isActionable(c) && (m_only.isEmpty() || m_only.contains(c.kind)) ? 1 : 0;
    }
    if (m_mode == Mode::Plan) {
        printPlan(plan);
        finish(actionable > 0 ? ChangesPending : Done);
        return;
    }
    printPlan(plan);
    if (actionable == 0) {
        out() << tr("Nothing to do: the tenant matches the directory.") << '\n';
        finish(Done);
        return;
    }
    if (m_settings.guard.trips(plan, m_managedObjects, m_allowDeletes)) {
        err() << tr("Stopped by the deletion guard: this plan would disable, delete or remove %1 objects, licences "
                    "or memberships, more than the %2 allowed without confirmation. Nothing was changed. Check the "
                    "plan (did the directory lose users, or the scope change?), then run sync again with "
                    "--allow-deletes %1 if it is right.")
                     .arg(plan.destructiveCount())
                     .arg(m_settings.guard.threshold(m_managedObjects))
              << '\n';
        finish(DeletionGuard);
        return;
    }
    if (!m_yes) {
        if (!isatty(fileno(stdin))) {
            err() << tr("Add --yes to apply these %n change(s) without being asked.", "", actionable) << '\n';
            finish(Usage);
            return;
        }
        err() << tr("Apply %n change(s) to the tenant? [y/N] ", "", actionable);
        err().flush();
        QTextStream in(stdin);
        const QString answer = in.readLine().trimmed().toLower();
        if (answer != QLatin1String("y") && answer != QLatin1String("yes")) {
            err() << tr("Nothing was changed.") << '\n';
            finish(ChangesPending);
            return;
        }
    }
    Sync::ApplyOptions options;
    options.onlyKinds = m_only;
    options.passwordFile = m_passwordFile;
    options.userFingerprintProperties = Sync::Planner::userFingerprintProperties(m_settings.rules);
    apply(plan, options, false);
}

void SyncCommand::printPlan(const Sync::ChangePlan &plan)
{
    if (m_json) {
        out() << QJsonDocument(plan.toJson()).toJson(QJsonDocument::Indented);
        return;
    }
    if (m_csv) {
        out() << "kind,objectType,displayName,userPrincipalName,sourceDn,properties,reason\n";
        for (const Change &c : plan.changes) {
            QStringList properties;
            for (const Sync::AttributeDiff &d : c.diffs) {
                properties.append(d.property);
            }
            out() << Change::kindName(c.kind) << ',' << Change::objectTypeName(c.objectType) << ','
                  << Directory::csvField(c.displayName) << ',' << Directory::csvField(c.userPrincipalName) << ','
                  << Directory::csvField(c.sourceDn) << ',' << Directory::csvField(properties.join(QLatin1Char(' ')))
                  << ',' << Directory::csvField(c.reason) << '\n';
        }
        return;
    }
    for (const Change &c : plan.changes) {
        out() << QStringLiteral("%1 %2 %3")
                     .arg(Change::kindName(c.kind), -8)
                     .arg(Change::objectTypeName(c.objectType), -10)
                     .arg(c.displayName);
        if (!c.userPrincipalName.isEmpty()) {
            out() << " <" << c.userPrincipalName << '>';
        }
        if (!c.reason.isEmpty()) {
            out() << " — " << c.reason;
        }
        out() << '\n';
        if (c.kind == Change::Kind::Update || c.kind == Change::Kind::Enable || c.kind == Change::Kind::Disable
            || c.kind == Change::Kind::Link || c.kind == Change::Kind::Restore) {
            for (const Sync::AttributeDiff &d : c.diffs) {
                out() << "    " << d.property << ": " << valueText(d.oldValue) << " → " << valueText(d.newValue)
                      << '\n';
            }
        }
    }
    const QMap<Change::Kind, int> summary = plan.summary();
    QStringList parts;
    for (auto it = summary.cbegin(); it != summary.cend(); ++it) {
        parts.append(QStringLiteral("%1 %2").arg(it.value()).arg(Change::kindName(it.key())));
    }
    parts.append(tr("%1 users and %2 groups unchanged").arg(plan.unchangedUsers).arg(plan.unchangedGroups));
    out() << tr("Plan: %1.").arg(parts.join(QStringLiteral(", "))) << '\n';
    if (!plan.excluded.isEmpty()) {
        out() << tr("%n changes held back: their objects are excluded in the profile (the GUI's Settings tab lists "
                    "them and includes them again).",
                    "",
                    int(plan.excluded.size()))
              << '\n';
    }
    for (const Sync::SeatCount &seat : plan.seats) {
        if (seat.needed > 0 || seat.released > 0) {
            out() << tr("Licences %1: %2 needed, %3 released, %4 free%5")
                         .arg(seat.skuPartNumber.isEmpty() ? seat.skuId : seat.skuPartNumber)
                         .arg(seat.needed)
                         .arg(seat.released)
                         .arg(seat.free())
                         .arg(seat.shortfall() > 0 ? tr(" — %1 seats short").arg(seat.shortfall()) : QString())
                  << '\n';
        }
    }
}

void SyncCommand::apply(const Sync::ChangePlan &plan, const Sync::ApplyOptions &options, bool replanRound)
{
    if (!m_runLock) {
        // One run per profile at a time (the GUI, another CLI, the schedule); planning needs no lock, applying does.
        // Held from here to the end, through the re-plan of stale changes.
        m_runLock = std::make_unique<Sync::RunLock>(m_statePath, m_profile.name);
        const Result<bool> locked = m_runLock->acquire();
        if (!locked.ok()) {
            fail(locked.error);
            return;
        }
        if (!m_runLock->takenOverMessage().isEmpty()) {
            err() << m_runLock->takenOverMessage() << '\n';
        }
    }
    auto *job = new Sync::ApplyJob(m_connection->graph(), &m_store, plan, options, this);
    m_progressClock.start();
    connect(job, &Sync::ApplyJob::progressChanged, this, [this](const Sync::ApplyProgress &progress) {
        if (m_progressClock.elapsed() >= 1000) {
            m_progressClock.restart();
            printProgress(progress, false);
        }
    });
    connect(job, &Job::finished, this, [this, job, replanRound] {
        applied(job, replanRound);
    });
    job->start();
}

void SyncCommand::printProgress(const Sync::ApplyProgress &p, bool last)
{
    err() << tr("%1 of %2 changes, %3 writes/s").arg(p.done).arg(p.total).arg(p.writesPerSecond, 0, 'f', 1);
    if (!last && p.etaMs >= 0) {
        err() << tr(", about %1 left").arg(duration(p.etaMs));
    }
    if (p.failed > 0) {
        err() << tr(", %n failed", "", p.failed);
    }
    if (p.slowed) {
        err() << tr(" (slowed down to stay within Microsoft's limits)");
    }
    err() << '\n';
    err().flush();
}

void SyncCommand::applied(Sync::ApplyJob *job, bool replanRound)
{
    job->deleteLater();
    printProgress(job->progress(), true);
    const Sync::ChangePlan &plan = job->plan();
    int failed = 0;
    for (int i = 0; i < job->outcomes().size(); ++i) {
        const Sync::ChangeOutcome &o = job->outcomes().at(i);
        const Change &c = plan.changes.at(i);
        if (o.result == Sync::ChangeOutcome::Result::Failed) {
            ++failed;
            err() << tr("Failed: %1 %2 %3: %4")
                         .arg(Change::kindName(c.kind), c.displayName, c.userPrincipalName, o.message);
            if (!o.requestId.isEmpty()) {
                err() << tr(" (request ID %1)").arg(o.requestId);
            }
            err() << '\n';
        }
    }
    const QJsonObject counts = job->counts();
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
        if (it.key() != QLatin1String("total")) {
            m_totals.insert(it.key(), m_totals.value(it.key()).toInt() + it.value().toInt());
        }
    }
    if (job->hasError()) {
        fail(job->error());
        return;
    }
    const QList<int> stale = job->staleChanges();
    if (!stale.isEmpty() && !replanRound) {
        // Objects that changed in the tenant after planning: plan again and apply just those, once.
        QSet<QString> keys;
        for (int i : stale) {
            keys.insert(Change::objectTypeName(plan.changes.at(i).objectType) + QLatin1Char('/')
                        + plan.changes.at(i).anchor);
        }
        err() << tr("%n object(s) changed in the tenant while planning; planning them again.", "", int(stale.size()))
              << '\n';
        auto *again = new Sync::PlanJob(m_connection->graph(), &m_store, m_source.get(), m_settings, this);
        connect(again, &Job::finished, this, [this, again, keys, options = Sync::ApplyOptions{}]() mutable {
            again->deleteLater();
            if (again->hasError()) {
                fail(again->error());
                return;
            }
            const Sync::ChangePlan &fresh = again->plan();
            for (int i = 0; i < fresh.changes.size(); ++i) {
                const Change &c = fresh.changes.at(i);
                if (keys.contains(Change::objectTypeName(c.objectType) + QLatin1Char('/') + c.anchor)) {
                    options.onlyIndices.insert(i);
                }
            }
            options.onlyKinds = m_only;
            options.passwordFile = m_passwordFile;
            options.userFingerprintProperties = Sync::Planner::userFingerprintProperties(m_settings.rules);
            if (options.onlyIndices.isEmpty()) {
                m_runLock.reset();
                out() << tr("Done.") << '\n';
                finish(Done);
                return;
            }
            apply(fresh, options, true);
        });
        again->start();
        return;
    }
    m_runLock.reset(); // the run is over: the next one may start
    QStringList parts;
    for (auto it = m_totals.constBegin(); it != m_totals.constEnd(); ++it) {
        parts.append(QStringLiteral("%1 %2").arg(it.value().toInt()).arg(it.key()));
    }
    if (m_mode == Mode::Undo) {
        QTextStream &notes = m_json ? err() : out();
        notes << tr("Undo of run %1 finished: %2.").arg(m_undoRun).arg(parts.join(QStringLiteral(", "))) << '\n';
        if (!stale.isEmpty()) {
            notes << tr("%n object(s) changed in the tenant meanwhile and were left alone; run undo again to see "
                        "them.",
                        "",
                        int(stale.size()))
                  << '\n';
        }
        finish(failed > 0 ? FailedItems : Done);
        return;
    }
    out() << tr("Sync finished: %1.").arg(parts.join(QStringLiteral(", "))) << '\n';
    if (!m_passwordFile.isEmpty() && m_totals.value(QLatin1String("done")).toInt() > 0) {
        out() << tr("Initial passwords of new users are in %1 (readable only by you). Hand them out, then delete the "
                    "file.")
                     .arg(QDir::toNativeSeparators(m_passwordFile))
              << '\n';
    }
    finish(failed > 0 ? FailedItems : Done);
}

} // namespace M365::Cli
