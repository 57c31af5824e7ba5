// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "synccommand.h"

#include "cliio.h"
#include "demotenant.h"
#include "directory/csvparser.h"
#include "directory/directoryjob.h"
#include "directory/directorysource.h"
#include "platform.h"
#include "profile/profilestore.h"
#include "sandboxhost.h"
#include "sync/syncrun.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSslCertificate>
#include <QStandardPaths>

#include <algorithm>

namespace M365::Cli {

namespace {

using Sync::Change;

QString dataDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
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

/// A directory user's name for a sample line: displayName, else cn, else the DN.
QString sampleName(const Directory::DirectoryEntry &entry)
{
    const QString displayName = entry.value(QStringLiteral("displayName"));
    const QString name = displayName.isEmpty() ? entry.value(QStringLiteral("cn")) : displayName;
    return name.isEmpty() ? entry.dn : name;
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
    , m_context(std::make_unique<Sync::SyncContext>())
{}

SyncCommand::~SyncCommand()
{
    // Jobs and the connection refer to the server and the NAM: they go first.
    delete m_run.data();
    m_context.reset();
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
        } else if (arg == QLatin1String("--json")
                   && (m_mode == Mode::Plan || m_mode == Mode::Undo || m_mode == Mode::DirectoryTest)) {
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
        } else if (arg == QLatin1String("--allow-deletes") && (m_mode == Mode::Sync || m_mode == Mode::Undo)) {
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

QString SyncCommand::sandboxStatePath()
{
    return dataDirectory() + QStringLiteral("/sandbox/state.sqlite");
}

void SyncCommand::fail(const M365::Error &error)
{
    err() << error.userMessage << '\n';
    if (!error.requestId.isEmpty()) {
        err() << tr("Request ID: %1").arg(error.requestId) << '\n';
    }
    finish(Failed);
}

void SyncCommand::openSandbox()
{
    const QString data = dataDirectory();
    QString message;
    // Served in this process under the tenant's lock: refused (with who holds it) while the GUI or a scheduled run
    // serves it, and a reset happens under the same lock.
    m_place = Sandbox::openDemoTenant(data, &message, m_sandboxReset);
    if (!m_place) {
        fail(Error{QStringLiteral("sandbox"), tr("Could not start the sandbox tenant: %1").arg(message), {}, {}});
        return;
    }
    if (m_sandboxReset) {
        err() << tr("The sandbox tenant and its sync state were reset.") << '\n';
    }
    const Sandbox::TenantState &state = m_place->server()->tenant()->state();
    Profile::Profile &profile = m_context->profile;
    profile.name = QStringLiteral("sandbox");
    profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(m_place->server()->baseUrl()));
    profile.tenant = state.tenantId;
    profile.clientId = state.demoClientId;
    profile.credentialKind = Profile::CredentialKind::ClientSecret;
    profile.caFile = m_place->server()->caFile();

    Sync::SyncSettings settings;
    // The demo's choices: UPNs in the tenant's initial domain, Germany as the default usage location, and the
    // finance group's members licensed with Exchange Online.
    for (auto it = state.domains.cbegin(); it != state.domains.cend(); ++it) {
        if (it->value(QLatin1String("isInitial")).toBool()) {
            settings.rules.domain = it.key();
        }
    }
    settings.rules.defaultUsageLocation = QStringLiteral("DE");
    for (const QJsonObject &sku : state.skus) {
        if (sku.value(QLatin1String("skuPartNumber")).toString() == QLatin1String("EXCHANGESTANDARD")) {
            settings.options.skuByGroup.insert(QStringLiteral("cn=finance,ou=groups,dc=example,dc=org"),
                                               sku.value(QLatin1String("skuId")).toString());
        }
    }
    const QString sample = Sandbox::sampleDirectoryPath(data, &message);
    if (sample.isEmpty()) {
        fail(Error{QStringLiteral("sandbox"), message, {}, {}});
        return;
    }
    profile.directory = QJsonObject{{QStringLiteral("type"), QStringLiteral("ldif")}, {QStringLiteral("path"), sample}};
    profile.sync = settings.toJson();
    Sync::OpenProfileJob::Options options;
    options.statePath = sandboxStatePath();
    options.credential = Identity::ClientCredential::fromSecret(state.demoClientSecret);
    open(options);
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
    m_context->profile = *profile;
    if (m_mode == Mode::Status) {
        status();
        return;
    }
    // A profile on the sandbox tenant: this process serves it for the run, with no GUI running.
    if (m_mode != Mode::DirectoryTest && !Sandbox::serveProfile(&m_context->profile, this, &error)) {
        fail(error);
        return;
    }
    Sync::OpenProfileJob::Options options;
    options.connectToTenant = m_mode != Mode::DirectoryTest; // the directory alone needs no sign-in
    open(options);
}

void SyncCommand::open(const Sync::OpenProfileJob::Options &options)
{
    if (m_mode == Mode::Status) {
        status();
        return;
    }
    auto *job = new Sync::OpenProfileJob(m_nam, m_secrets, m_context.get(), options, this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        if (m_mode == Mode::DirectoryTest) {
            testDirectory();
        } else if (m_mode == Mode::Undo) {
            undo();
        } else {
            startRun();
        }
    });
    job->start();
}

void SyncCommand::status()
{
    if (m_sandbox) {
        out() << Sandbox::describeTenant(m_place->server()) << '\n';
    } else {
        out() << tr("Profile %1: tenant %2, app %3.")
                     .arg(m_context->profile.name, m_context->profile.tenant, m_context->profile.clientId)
              << '\n';
    }
    const QString statePath =
        m_sandbox ? sandboxStatePath() : Sync::StateStore::pathForProfile(m_context->profile.name);
    if (!QFile::exists(statePath)) {
        out() << tr("No sync has run yet. Next: m365sync-cli plan %1 to see what a sync would do, then sync.")
                     .arg(m_sandbox ? QStringLiteral("--sandbox")
                                    : QStringLiteral("--profile ") + m_context->profile.name)
              << '\n';
        finish(Done);
        return;
    }
    Sync::StateStore &store = m_context->store;
    const Result<bool> opened = store.open(statePath);
    if (!opened.ok()) {
        fail(opened.error);
        return;
    }
    const QList<Sync::RunRecord> runs = store.runHistory(1);
    const QHash<QString, Sync::Link> links = store.links();
    int users = 0;
    for (const Sync::Link &l : links) {
        users += l.objectType == Change::ObjectType::User ? 1 : 0;
    }
    out() << tr("Managed: %1 users, %2 groups.").arg(users).arg(links.size() - users) << '\n';
    const QString again =
        m_sandbox ? QStringLiteral("--sandbox") : QStringLiteral("--profile ") + m_context->profile.name;
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
    Directory::DirectoryJob *job = m_context->source->testConnection(this);
    connect(job, &Directory::DirectoryJob::finished, this, [this, done = job] {
        done->deleteLater();
        if (done->hasError()) {
            if (m_json) {
                out() << QJsonDocument(QJsonObject{{QStringLiteral("ok"), false},
                                                   {QStringLiteral("error"), done->error().userMessage},
                                                   {QStringLiteral("code"), done->error().code},
                                                   {QStringLiteral("details"), done->error().details}})
                             .toJson(QJsonDocument::Indented);
            }
            fail(done->error());
            return;
        }
        const Directory::DirectorySummary summary = done->summary();
        const QList<Directory::EntryProblem> problems = done->problems();
        if (m_json) {
            printDirectoryTestJson(summary, problems);
            finish(Done);
            return;
        }
        out() << tr("Users: %1, groups: %2.").arg(qMax(0, summary.userCount)).arg(qMax(0, summary.groupCount)) << '\n';
        for (const Directory::DirectoryEntry &entry : summary.samples) {
            out() << tr("  %1 (anchor %2=%3)").arg(sampleName(entry), entry.anchorAttribute, entry.anchor) << '\n';
        }
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

void SyncCommand::printDirectoryTestJson(const Directory::DirectorySummary &summary,
                                         const QList<Directory::EntryProblem> &problems)
{
    // For monitoring and scripts: {"ok", "users", "groups", "vendor", "serverCertificate", "samples", "problems"}.
    QJsonArray samples;
    for (const Directory::DirectoryEntry &entry : summary.samples) {
        samples.append(QJsonObject{{QStringLiteral("dn"), entry.dn},
                                   {QStringLiteral("name"), sampleName(entry)},
                                   {QStringLiteral("anchorAttribute"), entry.anchorAttribute},
                                   {QStringLiteral("anchor"), entry.anchor}});
    }
    QJsonArray skipped;
    for (const Directory::EntryProblem &problem : problems) {
        QJsonObject p{{QStringLiteral("reason"), problem.reason}};
        if (!problem.dn.isEmpty()) {
            p.insert(QStringLiteral("dn"), problem.dn);
        }
        if (problem.line > 0) {
            p.insert(QStringLiteral("file"), problem.file);
            p.insert(QStringLiteral("line"), problem.line);
        }
        skipped.append(p);
    }
    QJsonObject json{{QStringLiteral("ok"), true},
                     {QStringLiteral("users"), summary.userCount},
                     {QStringLiteral("groups"), summary.groupCount},
                     {QStringLiteral("samples"), samples},
                     {QStringLiteral("problems"), skipped}};
    if (!summary.vendor.isEmpty()) {
        json.insert(QStringLiteral("vendor"), summary.vendor);
    }
    if (!summary.serverCertificate.subject.isEmpty()) {
        json.insert(
            QStringLiteral("serverCertificate"),
            QJsonObject{{QStringLiteral("subject"), summary.serverCertificate.subject},
                        {QStringLiteral("issuer"), summary.serverCertificate.issuer},
                        {QStringLiteral("expires"), summary.serverCertificate.notAfter.toUTC().toString(Qt::ISODate)}});
    }
    out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
}

void SyncCommand::startRun()
{
    Sync::RunOptions options;
    options.apply = m_mode == Mode::Sync;
    options.onlyKinds = m_only;
    options.allowDeletes = m_allowDeletes;
    options.passwordFile = m_passwordFile;
    if (!m_yes) {
        options.confirm = [this](const Sync::ChangePlan &, int actionable) {
            return confirm(actionable);
        };
    }
    m_run = new Sync::SyncRun(m_context.get(), options, this);
    connect(m_run, &Sync::SyncRun::planned, this, [this](const Sync::ChangePlan &plan) {
        for (const Directory::EntryProblem &problem : m_run->problems()) {
            err() << tr("Skipped directory entry: %1").arg(problem.toString()) << '\n';
        }
        for (const QString &note : m_run->notes()) {
            err() << note << '\n';
        }
        printPlan(plan);
    });
    startRunJob();
}

void SyncCommand::startRunJob()
{
    Sync::SyncRun *run = m_run;
    m_progressClock.start();
    connect(run, &Sync::SyncRun::progressChanged, this, [this](const Sync::ApplyProgress &progress) {
        if (m_progressClock.elapsed() >= 1000) {
            m_progressClock.restart();
            printProgress(progress, false);
        }
    });
    connect(run, &Sync::SyncRun::replanningStale, this, [](int count) {
        err() << tr("%n object(s) changed in the tenant while planning; planning them again.", "", count) << '\n';
    });
    connect(run, &Job::finished, this, [this, run] {
        run->deleteLater();
        for (const QString &warning : run->reportWarnings()) {
            err() << tr("Monitoring: %1").arg(warning) << '\n';
        }
        finished(run);
    });
    run->start();
}

bool SyncCommand::confirm(int actionable)
{
    if (!standardInputIsTerminal()) {
        err() << tr("Add --yes to apply these %n change(s) without being asked.", "", actionable) << '\n';
        m_declinedCode = Usage;
        return false;
    }
    err() << tr("Apply %n change(s) to the tenant? [y/N] ", "", actionable);
    err().flush();
    QTextStream in(stdin);
    const QString answer = in.readLine().trimmed().toLower();
    if (answer != QLatin1String("y") && answer != QLatin1String("yes")) {
        err() << tr("Nothing was changed.") << '\n';
        m_declinedCode = ChangesPending;
        return false;
    }
    return true;
}

void SyncCommand::undo()
{
    auto *job = new Sync::UndoPlanJob(m_context.get(), m_undoRun, this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            fail(job->error());
            return;
        }
        for (const QString &note : job->notes()) {
            err() << note << '\n';
        }
        undoPlanned(job->plan());
    });
    job->start();
}

void SyncCommand::undoPlanned(const Sync::ChangePlan &plan)
{
    printPlan(plan);
    const int actionable = int(std::count_if(plan.changes.cbegin(), plan.changes.cend(), [](const Change &c) {
        return c.kind != Change::Kind::Conflict && c.kind != Change::Kind::Invalid;
    }));
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
    Sync::RunOptions options;
    options.plan = plan;
    options.allowDeletes = m_allowDeletes;
    // No second round: a change whose object moved on since the read is reported, not re-planned as a sync.
    options.replanStale = false;
    m_run = new Sync::SyncRun(m_context.get(), options, this);
    startRunJob();
}

void SyncCommand::finished(Sync::SyncRun *run)
{
    using Sync::RunOutcome;
    const RunOutcome outcome = run->outcome();
    switch (outcome) {
    case RunOutcome::Planned:
        finish(run->actionable() > 0 ? ChangesPending : Done);
        return;
    case RunOutcome::NothingToDo:
        out() << tr("Nothing to do: the tenant matches the directory.") << '\n';
        finish(Done);
        return;
    case RunOutcome::Declined:
        finish(m_declinedCode);
        return;
    case RunOutcome::GuardStopped:
        err() << tr("Stopped by the deletion guard: this plan would disable, delete or remove %1 objects, licences "
                    "or memberships, more than the %2 allowed without confirmation. Nothing was changed. Check the "
                    "plan (did the directory lose users, or the scope change?), then run %3 again with "
                    "--allow-deletes %1 if it is right.")
                     .arg(run->destructiveCount())
                     .arg(run->guardThreshold())
                     .arg(m_mode == Mode::Undo ? QStringLiteral("undo") : QStringLiteral("sync"))
              << '\n';
        finish(DeletionGuard);
        return;
    case RunOutcome::Locked:
    case RunOutcome::Failed:
        if (run->progress().total > 0) {
            printProgress(run->progress(), true);
        }
        printFailures(run);
        fail(run->error());
        return;
    case RunOutcome::Done:
    case RunOutcome::FailedItems:
    case RunOutcome::Stopped:
        break;
    }
    if (!run->lockTakenOverMessage().isEmpty()) {
        err() << run->lockTakenOverMessage() << '\n';
    }
    printProgress(run->progress(), true);
    printFailures(run);
    QStringList parts;
    for (auto it = run->totals().constBegin(); it != run->totals().constEnd(); ++it) {
        parts.append(QStringLiteral("%1 %2").arg(it.value().toInt()).arg(it.key()));
    }
    const int code = outcome == RunOutcome::Done ? Done : FailedItems;
    if (m_mode == Mode::Undo) {
        QTextStream &notes = m_json ? err() : out();
        notes << tr("Undo of run %1 finished: %2.").arg(m_undoRun).arg(parts.join(QStringLiteral(", "))) << '\n';
        if (run->staleLeft() > 0) {
            notes << tr("%n object(s) changed in the tenant meanwhile and were left alone; run undo again to see "
                        "them.",
                        "",
                        run->staleLeft())
                  << '\n';
        }
        finish(code);
        return;
    }
    out() << tr("Sync finished: %1.").arg(parts.join(QStringLiteral(", "))) << '\n';
    if (!m_passwordFile.isEmpty() && run->totals().value(QLatin1String("done")).toInt() > 0) {
        out() << tr("Initial passwords of new users are in %1 (readable only by you). Hand them out, then delete the "
                    "file.")
                     .arg(QDir::toNativeSeparators(m_passwordFile))
              << '\n';
    }
    finish(code);
}

void SyncCommand::printFailures(Sync::SyncRun *run)
{
    for (const auto &[change, outcome] : run->failures()) {
        err() << tr("Failed: %1 %2 %3: %4")
                     .arg(Change::kindName(change.kind), change.displayName, change.userPrincipalName, outcome.message);
        if (!outcome.requestId.isEmpty()) {
            err() << tr(" (request ID %1)").arg(outcome.requestId);
        }
        err() << '\n';
    }
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

} // namespace M365::Cli
