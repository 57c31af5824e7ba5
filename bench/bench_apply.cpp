// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Applies a first sync of 5,000 new users, each with one licence and in two groups, through the ApplyJob against the
// time-scaled sandbox tenant, and measures how close the run gets to Microsoft's write budget (3,000 writes per
// 150 s per app and tenant) and how many writes a user costs. It runs twice on a fresh tenant each: licences
// assigned to each user directly (create + assignLicense), then licensing through a group (the licence held by a
// group the app set up, users added as members 20 per request).
//
// The write budget is a sliding window: the first 3,000 writes go at once, and every later write waits for an
// earlier one to leave the window, so writes come in bursts one window apart. The rate that matters is how long the
// run takes to get a whole budget through once the window is full: for each progress sample, the time until 3,000
// more writes were done. ratio = median of (writes in that span / its duration) / (budget / window); 1.0 means the
// run keeps the budget exactly in use, less means time where it could have written and did not.

#include "benchsandbox.h"
#include "graph/graphclient.h"
#include "identity/tokenprovider.h"
#include "sync/applier.h"
#include "sync/cloudreader.h"
#include "sync/licencegroups.h"
#include "sync/planner.h"
#include "sync/statestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <memory>
#include <vector>

using namespace M365;

namespace {

constexpr double timeScale = 25; // 150 s window -> 6 s
constexpr int budget = 3000;
constexpr int userCount = 5000;
constexpr int groupCount = 20; // 10 teams and 10 sites; everyone is in one of each

/// The figures of one run.
struct RunFigures
{
    bool ok = false;
    int users = 0; ///< synced users in the tenant afterwards
    int licensed = 0; ///< of which hold the SKU (directly or through a group)
    int writes = 0;
    int throttled = 0;
    int failed = 0;
    double ratio = 0;
    double perUser = 0;
};

/// The directory: 5,000 people, 20 groups of 500.
Sync::PlanInput directory(const QString &skuId)
{
    Sync::PlanInput input;
    input.rules = Sync::MappingRules::defaults();
    input.rules.domain = QStringLiteral("contoso.onmicrosoft.com");
    input.rules.defaultUsageLocation = QStringLiteral("DE");
    input.options.defaultSkuId = skuId;
    QList<QStringList> members(groupCount);
    for (int i = 0; i < userCount; ++i) {
        Directory::DirectoryEntry user;
        user.kind = Directory::EntryKind::User;
        user.dn = QStringLiteral("uid=user%1,ou=people,dc=bench,dc=example").arg(i);
        user.anchor = QUuid::createUuid().toString(QUuid::WithoutBraces);
        user.anchorAttribute = QStringLiteral("entryUUID");
        user.addValue(QStringLiteral("objectClass"), QStringLiteral("inetOrgPerson"));
        user.addValue(QStringLiteral("uid"), QStringLiteral("user%1").arg(i));
        user.addValue(QStringLiteral("givenName"), QStringLiteral("Bench"));
        user.addValue(QStringLiteral("sn"), QStringLiteral("User %1").arg(i));
        user.addValue(QStringLiteral("cn"), QStringLiteral("Bench User %1").arg(i));
        user.addValue(QStringLiteral("title"), QStringLiteral("Engineer"));
        input.users.append(user);
        members[i % 10].append(user.dn);
        members[10 + (i / (userCount / 10))].append(user.dn);
    }
    for (int g = 0; g < groupCount; ++g) {
        Directory::DirectoryEntry group;
        group.kind = Directory::EntryKind::Group;
        group.dn = QStringLiteral("cn=%1%2,ou=groups,dc=bench,dc=example")
                       .arg(g < 10 ? QStringLiteral("team") : QStringLiteral("site"))
                       .arg(g % 10);
        group.anchor = QUuid::createUuid().toString(QUuid::WithoutBraces);
        group.anchorAttribute = QStringLiteral("entryUUID");
        group.addValue(QStringLiteral("objectClass"), QStringLiteral("groupOfNames"));
        group.addValue(QStringLiteral("cn"), group.dn.section(QLatin1Char(','), 0, 0).mid(3));
        for (const QString &dn : std::as_const(members[g])) {
            group.addValue(QStringLiteral("member"), dn);
        }
        input.groups.append(group);
    }
    return input;
}

/// Runs @p job to its end on the application's event loop; false (with the error printed) when it failed.
bool runJob(Job *job, QTextStream &out, const char *what)
{
    bool ok = false;
    QObject::connect(job, &Job::finished, qApp, [&] {
        ok = !job->hasError();
        if (!ok) {
            out << what << " failed: " << job->errorString() << '\n';
        }
        qApp->quit();
    });
    job->start();
    qApp->exec();
    return ok;
}

/// Sets up licensing through a group for @p skuId, as the Licences tab does; the writes it made in @p writes.
bool setUpLicenceGroup(
    Graph::GraphClient *client, const QString &skuId, QString *groupId, int *writes, QTextStream &out)
{
    QObject owner; // a job with a parent stays until we are done reading it
    auto *setup = new Sync::LicenceGroupSetupJob(client, skuId, &owner);
    QObject::connect(setup, &Job::finished, qApp, [&] {
        *groupId = setup->groupId();
        *writes = (setup->createdGroup() ? 1 : 0) + (setup->assignedLicence() ? 1 : 0);
    });
    return runJob(setup, out, "setting up the licence group");
}

RunFigures runOnce(bool groupLicensing, QTextStream &out)
{
    RunFigures figures;
    Sandbox::SandboxServer::Options options;
    options.timeScale = timeScale;
    Bench::SandboxOnThread sandbox(options);
    if (!sandbox.isStarted()) {
        out << "cannot start the sandbox: " << sandbox.error() << '\n';
        return figures;
    }
    QString skuId;
    sandbox.run([&] {
        // Enough E3 seats for everyone.
        QJsonObject &sku = sandbox.server()->tenant()->state().skus.first();
        QJsonObject units = sku.value(QLatin1String("prepaidUnits")).toObject();
        units.insert(QStringLiteral("enabled"), userCount + 100);
        sku.insert(QStringLiteral("prepaidUnits"), units);
        skuId = sku.value(QLatin1String("skuId")).toString();
    });
    const auto &state = sandbox.server()->tenant()->state();
    Bench::DemoClient demo(sandbox.server(), timeScale);
    Graph::GraphClient &client = demo.client;
    Sync::PlanInput input = directory(skuId);

    QTemporaryDir stateDir;
    Sync::StateStore store;
    if (!store.open(stateDir.filePath(QStringLiteral("state.sqlite"))).ok()) {
        out << "cannot open the state store\n";
        return figures;
    }

    int setupWrites = 0; // the licence group and its licence, once per tenant
    if (groupLicensing) {
        QString groupId;
        if (!setUpLicenceGroup(&client, skuId, &groupId, &setupWrites, out)) {
            return figures;
        }
        input.options.licenceGroupBySku.insert(skuId, groupId);
    }

    // The tenant as the engine reads it, then the plan.
    QObject owner; // jobs with a parent stay until we are done reading them
    auto *read = new Sync::CloudReadJob(&client, &store, input.rules.managedProperties(), true, &owner);
    if (!runJob(read, out, "reading the tenant")) {
        return figures;
    }
    input.cloud = read->snapshot();
    const Sync::ChangePlan plan = Sync::Planner::plan(input);
    const QMap<Sync::Change::Kind, int> summary = plan.summary();
    out << "plan                      " << plan.changes.size() << " changes ("
        << summary.value(Sync::Change::Kind::Create) << " creates)\n";

    QElapsedTimer timer;
    qint64 firstBudgetMs = -1;
    QList<QPair<int, qint64>> samples; // (writes done, ms)
    auto *apply = new Sync::ApplyJob(&client, &store, plan, {}, &owner);
    QObject::connect(apply, &Sync::ApplyJob::progressChanged, qApp, [&](const Sync::ApplyProgress &p) {
        if (firstBudgetMs < 0 && p.writes >= budget) {
            firstBudgetMs = timer.elapsed();
        }
        samples.append({p.writes, timer.elapsed()});
    });
    Sync::ApplyProgress final;
    QObject::connect(apply, &Sync::ApplyJob::finished, qApp, [&] {
        final = apply->progress();
    });
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, qApp, [&] {
        out << "timed out\n";
        apply->cancel();
    });
    deadline.start(9 * 60 * 1000);
    timer.start();
    const bool applyOk = runJob(apply, out, "apply");
    const qint64 totalMs = timer.elapsed();
    const double budgetRate = budget / (150 / timeScale);
    // Spans of one budget each, from every sample once the first budget is through.
    std::vector<double> rates;
    for (int i = 0, j = 0; i < samples.size(); ++i) {
        if (samples[i].first < budget) {
            continue;
        }
        j = std::max(j, i);
        while (j < samples.size() && samples[j].first < samples[i].first + budget) {
            ++j;
        }
        if (j == samples.size()) {
            break;
        }
        const qint64 ms = samples[j].second - samples[i].second;
        if (ms > 0) {
            rates.push_back((samples[j].first - samples[i].first) * 1000.0 / double(ms));
        }
    }
    std::sort(rates.begin(), rates.end());
    const double steadyRate = rates.empty() ? 0 : rates[rates.size() / 2];
    figures.ratio = steadyRate / budgetRate;
    figures.writes = final.writes + setupWrites;
    figures.perUser = double(figures.writes) / userCount;
    figures.throttled = client.throttledCount();
    figures.failed = final.failed;

    sandbox.run([&] {
        for (const QJsonObject &u : state.users) {
            if (!u.value(QLatin1String("onPremisesImmutableId")).toString().isEmpty()) {
                ++figures.users;
                figures.licensed += u.value(QLatin1String("assignedLicenses")).toArray().isEmpty() ? 0 : 1;
            }
        }
    });
    out << "licences                  " << (groupLicensing ? "through a group" : "direct per user") << '\n';
    out << "changes                   " << final.done << " of " << final.total << " in " << totalMs / 1000.0 << " s\n";
    out << "writes                    " << figures.writes << " (" << figures.perUser << " per user)\n";
    out << "first 3,000 writes done   " << firstBudgetMs / 1000.0 << " s\n";
    if (rates.empty()) {
        out << "steady-state rate         not reached (fewer than two windows of writes)\n";
    } else {
        out << "steady-state rate         " << steadyRate << " writes/s (budget " << budgetRate << " writes/s)\n";
    }
    out << "429 answers               " << figures.throttled << '\n';
    out << "failed changes            " << figures.failed << '\n';
    out << "synced users in tenant    " << figures.users << " (" << figures.licensed << " licensed)\n\n";
    out.flush();
    figures.ok = applyOk && figures.failed == 0 && figures.users == userCount && figures.licensed == userCount;
    return figures;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Figures only: a log line per request would cost more than the requests.
    QLoggingCategory::setFilterRules(QStringLiteral("m365.*.debug=false\nm365.*.info=false"));
    QTextStream out(stdout);
    out << "sandbox time scale        " << timeScale << " (window " << 150 / timeScale << " s)\n\n";
    const RunFigures direct = runOnce(false, out);
    const RunFigures grouped = runOnce(true, out);
    // The ratio is the first run's: the second makes fewer writes than it takes to fill the window twice, so it
    // never reaches the steady state the ratio measures.
    out << QStringLiteral("RESULT users=%1 writes_per_user=%2 writes_per_user_group_licensing=%3 throttled=%4 "
                          "failed=%5 ratio=%6\n")
               .arg(direct.users)
               .arg(direct.perUser, 0, 'f', 3)
               .arg(grouped.perUser, 0, 'f', 3)
               .arg(direct.throttled + grouped.throttled)
               .arg(direct.failed + grouped.failed)
               .arg(direct.ratio, 0, 'f', 3);
    return direct.ok && grouped.ok ? 0 : 1;
}
