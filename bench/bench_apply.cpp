// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Applies a first sync of 5,000 new users, each with one licence and in two groups, through the ApplyJob against the
// time-scaled sandbox tenant, and measures how close the run gets to Microsoft's write budget (3,000 writes per
// 150 s per app and tenant) and how many writes a user costs.
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

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Figures only: a log line per request would cost more than the requests.
    QLoggingCategory::setFilterRules(QStringLiteral("m365.*.debug=false\nm365.*.info=false"));
    QTextStream out(stdout);
    constexpr double timeScale = 25; // 150 s window -> 6 s
    constexpr int budget = 3000;
    constexpr int userCount = 5000;
    constexpr int groupCount = 20; // 10 teams and 10 sites; everyone is in one of each

    Sandbox::SandboxServer::Options options;
    options.timeScale = timeScale;
    Bench::SandboxOnThread sandbox(options);
    if (!sandbox.isStarted()) {
        out << "cannot start the sandbox: " << sandbox.error() << '\n';
        return 1;
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

    // The directory: 5,000 people, 20 groups of 500.
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

    QTemporaryDir stateDir;
    Sync::StateStore store;
    if (!store.open(stateDir.filePath(QStringLiteral("state.sqlite"))).ok()) {
        out << "cannot open the state store\n";
        return 1;
    }

    // The tenant as the engine reads it, then the plan.
    auto *read = new Sync::CloudReadJob(&client, &store, input.rules.managedProperties(), true);
    bool readOk = false;
    QObject::connect(read, &Job::finished, &app, [&] {
        readOk = !read->hasError();
        if (readOk) {
            input.cloud = read->snapshot();
        } else {
            out << "reading the tenant failed: " << read->errorString() << '\n';
        }
        app.quit();
    });
    read->start();
    app.exec();
    if (!readOk) {
        return 1;
    }
    const Sync::ChangePlan plan = Sync::Planner::plan(input);
    const QMap<Sync::Change::Kind, int> summary = plan.summary();
    out << "plan                      " << plan.changes.size() << " changes ("
        << summary.value(Sync::Change::Kind::Create) << " creates)\n";

    QElapsedTimer timer;
    qint64 firstBudgetMs = -1;
    QList<QPair<int, qint64>> samples; // (writes done, ms)
    auto *apply = new Sync::ApplyJob(&client, &store, plan);
    QObject::connect(apply, &Sync::ApplyJob::progressChanged, &app, [&](const Sync::ApplyProgress &p) {
        if (firstBudgetMs < 0 && p.writes >= budget) {
            firstBudgetMs = timer.elapsed();
        }
        samples.append({p.writes, timer.elapsed()});
    });
    Sync::ApplyProgress final;
    QJsonObject counts;
    bool applyOk = false;
    QObject::connect(apply, &Job::finished, &app, [&] {
        final = apply->progress();
        counts = apply->counts();
        applyOk = !apply->hasError();
        if (!applyOk) {
            out << "apply failed: " << apply->errorString() << '\n';
        }
        app.quit();
    });
    QTimer::singleShot(9 * 60 * 1000, &app, [&] {
        out << "timed out\n";
        app.exit(1);
    });
    timer.start();
    apply->start();
    if (app.exec() != 0) {
        return 1;
    }
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
    const double ratio = steadyRate / budgetRate;
    const double perUser = double(final.writes) / userCount;

    int users = 0;
    int licensed = 0;
    sandbox.run([&] {
        for (const QJsonObject &u : state.users) {
            if (!u.value(QLatin1String("onPremisesImmutableId")).toString().isEmpty()) {
                ++users;
                licensed += u.value(QLatin1String("assignedLicenses")).toArray().isEmpty() ? 0 : 1;
            }
        }
    });
    out << "sandbox time scale        " << timeScale << " (window " << 150 / timeScale << " s)\n";
    out << "changes                   " << final.done << " of " << final.total << " in " << totalMs / 1000.0 << " s\n";
    out << "writes                    " << final.writes << " (" << perUser << " per user)\n";
    out << "first 3,000 writes done   " << firstBudgetMs / 1000.0 << " s\n";
    out << "steady-state rate         " << steadyRate << " writes/s (budget " << budgetRate << " writes/s)\n";
    out << "429 answers               " << client.throttledCount() << '\n';
    out << "failed changes            " << final.failed << '\n';
    out << "synced users in tenant    " << users << " (" << licensed << " licensed)\n";
    out << QStringLiteral("RESULT users=%1 writes=%2 writes_per_user=%3 throttled=%4 failed=%5 ratio=%6\n")
               .arg(users)
               .arg(final.writes)
               .arg(perUser, 0, 'f', 3)
               .arg(client.throttledCount())
               .arg(final.failed)
               .arg(ratio, 0, 'f', 3);
    return applyOk && final.failed == 0 && users == userCount ? 0 : 1;
}
