// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Drives user writes through the Graph client against the time-scaled sandbox tenant and measures how close the
// client's pacing gets to Microsoft's write budget (3,000 writes per 150 s per app and tenant) without tripping it.
//
// The first 3,000 writes fit the empty window at once, so the rate that matters is the steady state after them:
// ratio = (writes after the first budget / time after the first budget) / (budget / window).
//
// resource_units is what the pacer counted the run as costing: each request reserved at its documented cost and
// corrected by the x-ms-resource-unit of its answer (each sub-request of a $batch answers for itself).

#include "benchsandbox.h"
#include "graph/graphclient.h"
#include "identity/tokenprovider.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <memory>

using namespace M365;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Figures only: a log line per request would cost more than the requests.
    QLoggingCategory::setFilterRules(QStringLiteral("m365.*.debug=false\nm365.*.info=false"));
    QTextStream out(stdout);
    constexpr double timeScale = 25; // 150 s window -> 6 s
    constexpr int budget = 3000;
    constexpr int writes = 9000;

    Sandbox::SandboxServer::Options options;
    options.timeScale = timeScale;
    Bench::SandboxOnThread sandbox(options);
    if (!sandbox.isStarted()) {
        out << "cannot start the sandbox: " << sandbox.error() << '\n';
        return 1;
    }
    const auto &state = sandbox.server()->tenant()->state();
    Bench::DemoClient demo(sandbox.server(), timeScale);
    Graph::GraphClient &client = demo.client;

    QList<Graph::Request> requests;
    for (int i = 0; i < writes; ++i) {
        QJsonObject user{
            {QStringLiteral("accountEnabled"), true},
            {QStringLiteral("displayName"), QStringLiteral("Bench user %1").arg(i)},
            {QStringLiteral("mailNickname"), QStringLiteral("bench%1").arg(i)},
            {QStringLiteral("userPrincipalName"), QStringLiteral("bench%1@contoso.onmicrosoft.com").arg(i)},
            {QStringLiteral("passwordProfile"),
             QJsonObject{{QStringLiteral("password"), QStringLiteral("Bench-%1-Passw0rd").arg(i)}}}};
        requests.append(Graph::Request::withBody("POST", QStringLiteral("/users"), user));
    }

    QElapsedTimer timer;
    qint64 firstBudgetDoneMs = -1;
    int done = 0;
    int failed = 0;
    auto *job = client.batch(requests);
    QObject::connect(job, &Graph::BatchJob::requestDone, [&](int, const Graph::Response &response) {
        ++done;
        failed += response.ok() ? 0 : 1;
        if (done == budget) {
            firstBudgetDoneMs = timer.elapsed();
        }
    });
    QObject::connect(job, &Job::finished, &app, &QCoreApplication::quit);
    QTimer::singleShot(5 * 60 * 1000, &app, [&] {
        out << "timed out\n";
        app.exit(1);
    });
    timer.start();
    job->start();
    if (app.exec() != 0) {
        return 1;
    }
    const double totalSeconds = timer.elapsed() / 1000.0;
    const double steadySeconds = (timer.elapsed() - firstBudgetDoneMs) / 1000.0;
    const double budgetRate = budget / (150 / timeScale);
    const double steadyRate = (writes - budget) / steadySeconds;
    const double ratio = steadyRate / budgetRate;
    out << "sandbox time scale        " << timeScale << " (window " << 150 / timeScale << " s)\n";
    out << "writes                    " << done << " in " << totalSeconds << " s\n";
    out << "first 3,000 writes done   " << firstBudgetDoneMs / 1000.0 << " s\n";
    out << "steady-state rate         " << steadyRate << " writes/s (budget " << budgetRate << " writes/s)\n";
    out << "resource units            " << client.pacer().resourceUnitsUsed() << '\n';
    out << "429 answers               " << client.throttledCount() << '\n';
    out << "failed writes             " << failed << '\n';
    int users = 0;
    sandbox.run([&] {
        users = int(state.users.size());
    });
    out << "users in the tenant       " << users << '\n';
    out << QStringLiteral("RESULT writes=%1 throttled=%2 failed=%3 ratio=%4 resource_units=%5\n")
               .arg(done)
               .arg(client.throttledCount())
               .arg(failed)
               .arg(ratio, 0, 'f', 3)
               .arg(client.pacer().resourceUnitsUsed());
    return failed == 0 ? 0 : 1;
}
