// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The live preview at 100,000 users (issue 12): a throwaway slapd with syncprov holds 100,000 inetOrgPersons, the
// sandbox tenant is empty (the first sync of a large directory: 100,000 creates in the preview). The pipeline is the
// dashboard's (DashboardController): a syncrepl watch keeps a DirectorySnapshot current, a change is debounced by the
// dashboard's 100 ms, PlanJob plans from the snapshot (re-planning only the changed user: IncrementalPlanner), and the
// preview model (ChangePlanModel::updatePlan) shows it.
// Prints the time from an ldapmodify to the changed row in the model, and the CPU the process uses while nothing
// changes. Target: under 2,000 ms and under 5 %.

#include "benchsandbox.h"
#include "benchsupport.h"
#include "changeplanmodel.h"
#include "directory/ldapsource.h"
#include "slapdfixture.h"
#include "sync/directorysnapshot.h"
#include "sync/incrementalplanner.h"
#include "sync/plansession.h"
#include "sync/statestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

using namespace M365;

namespace {

constexpr int kUsers = 100000;
constexpr int kChanges = 5;
constexpr int kReplanDelayMs = 100; // DashboardController::Options::replanDelayMs
constexpr int kIdleSeconds = 20;

bool writeData(const QString &path, const QByteArray &base)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return false;
    }
    file.write(base);
    for (int i = 0; i < kUsers; ++i) {
        const QByteArray n = QByteArray::number(i);
        file.write("dn: uid=u" + n + ",ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: u" + n
                   + "\ncn: Person " + n + "\ngivenName: Person\nsn: " + n + "\nmail: u" + n
                   + "@example.org\ntitle: Engineer\ndepartmentNumber: Dept" + QByteArray::number(i % 40) + "\n\n");
    }
    return file.error() == QFileDevice::NoError;
}

double cpuSeconds()
{
    struct rusage usage = {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("m365.*.debug=false\nm365.*.info=false"));

    SlapdFixture slapd;
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data.ldif"));
    QElapsedTimer load;
    load.start();
    if (!slapd.setUp() || !writeData(data, slapd.baseEntries()) || !slapd.loadLdifFile(data) || !slapd.start()) {
        std::fprintf(stderr, "slapd failed: %s\n", qPrintable(slapd.errorString()));
        return 1;
    }
    std::printf("slapd with %d users (syncprov) up in %.1f s\n", kUsers, load.elapsed() / 1000.0);

    Sandbox::SandboxServer::Options options;
    Bench::SandboxOnThread sandbox(options);
    if (!sandbox.isStarted()) {
        std::fprintf(stderr, "sandbox failed: %s\n", qPrintable(sandbox.error()));
        return 1;
    }
    Bench::DemoClient demo(sandbox.server(), 1);
    Sync::StateStore store;
    if (!store.open(dir.filePath(QStringLiteral("state.sqlite"))).ok()) {
        std::fprintf(stderr, "cannot open the state store\n");
        return 1;
    }

    Directory::LdapConfig config = Directory::LdapConfig::fromPreset(Directory::LdapPreset::OpenLdap);
    config.url = slapd.url();
    config.tls = Directory::LdapConfig::Tls::None;
    config.bindDn = slapd.rootDn();
    config.baseDn = slapd.suffix();
    config.pageSize = 1000;
    Directory::LdapSource source(config, slapd.rootPassword());
    Sync::SyncSettings settings;
    settings.rules.domain = QStringLiteral("contoso.onmicrosoft.com");
    settings.options.syncGroups = false;

    Sync::DirectorySnapshot snapshot;
    auto planner = std::make_shared<Sync::IncrementalPlanner>();
    Models::ChangePlanModel model;
    bool planning = false;
    bool replanPending = false;
    QTimer debounce;
    debounce.setSingleShot(true);
    std::function<void()> replan;
    QElapsedTimer sinceChange;
    QString awaitedAnchor;
    QString awaitedTitle;
    std::vector<qint64> latencies;
    int plans = 0;
    int events = 0;
    qint64 lastPlanMs = 0;
    qint64 lastModelMs = 0;
    bool lastIncremental = false;
    qint64 firstPlanMs = -1;
    QElapsedTimer firstPlan;
    firstPlan.start();

    replan = [&] {
        if (planning) {
            replanPending = true;
            return;
        }
        planning = true;
        ++plans;
        auto planClock = std::make_shared<QElapsedTimer>();
        planClock->start();
        auto *job = new Sync::PlanJob(&demo.client, &store, &source, settings);
        job->setDirectorySnapshot(&snapshot);
        job->setIncrementalPlanner(planner);
        QObject::connect(job, &Job::finished, &app, [&, job, planClock] {
            job->deleteLater();
            planning = false;
            lastPlanMs = planClock->elapsed();
            lastIncremental = job->wasIncremental();
            if (job->hasError()) {
                std::fprintf(stderr, "plan failed: %s\n", qPrintable(job->errorString()));
                QCoreApplication::exit(1);
                return;
            }
            if (firstPlanMs < 0) {
                firstPlanMs = firstPlan.elapsed();
                model.setPlan(job->plan());
            } else {
                model.updatePlan(job->plan());
            }
            lastModelMs = planClock->elapsed() - lastPlanMs;
            if (!awaitedAnchor.isEmpty()) {
                Sync::Change probe;
                probe.objectType = Sync::Change::ObjectType::User;
                probe.anchor = awaitedAnchor;
                const int row = model.rowOf(probe);
                if (row >= 0 && model.change(row).payload.value(QLatin1String("jobTitle")).toString() == awaitedTitle) {
                    latencies.push_back(sinceChange.elapsed());
                    awaitedAnchor.clear();
                }
            }
            if (replanPending) {
                replanPending = false;
                replan();
            }
        });
        job->start();
    };
    QObject::connect(&debounce, &QTimer::timeout, &app, [&] {
        replan();
    });

    std::unique_ptr<Directory::DirectoryJob> watch(source.watch());
    QObject::connect(watch.get(), &Directory::DirectoryJob::changed, &app, [&](const Directory::ChangeEvent &event) {
        snapshot.apply(event);
        ++events;
        debounce.start(kReplanDelayMs);
    });
    bool watching = false;
    QObject::connect(watch.get(), &Directory::DirectoryJob::ready, &app, [&] {
        watching = true;
    });
    watch->start();
    replan();

    // Waits in the event loop (as the GUI does), looking at the condition every 50 ms.
    auto waitFor = [&](const std::function<bool()> &done, int timeoutMs) {
        QEventLoop loop;
        QTimer check;
        QObject::connect(&check, &QTimer::timeout, &loop, [&] {
            if (done()) {
                loop.quit();
            }
        });
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        check.start(50);
        if (!done()) {
            loop.exec();
        }
        return done();
    };
    if (!waitFor(
            [&] {
                return watching && firstPlanMs >= 0 && !planning;
            },
            240000)) {
        std::fprintf(stderr, "no first plan or no watch\n");
        return 1;
    }
    std::printf("first preview: %d rows after %.1f s (full read and plan)\n", model.rowCount(), firstPlanMs / 1000.0);

    // The anchor of user uN is its entryUUID: take them from the snapshot.
    QHash<QString, QString> anchorOfUid;
    for (const Directory::DirectoryEntry &e : snapshot.users()) {
        anchorOfUid.insert(e.value(QStringLiteral("uid")), e.anchor);
    }
    for (int i = 0; i < kChanges; ++i) {
        const QString uid = QStringLiteral("u%1").arg(i * 19997 % kUsers);
        awaitedAnchor = anchorOfUid.value(uid);
        awaitedTitle = QStringLiteral("Title %1").arg(i);
        sinceChange.start();
        if (!slapd.modify(QStringLiteral("dn: uid=%1,ou=people,dc=example,dc=org\nchangetype: modify\nreplace: title\n"
                                         "title: %2\n-\n\n")
                              .arg(uid, awaitedTitle)
                              .toUtf8())) {
            std::fprintf(stderr, "ldapmodify failed: %s\n", qPrintable(slapd.errorString()));
            return 1;
        }
        if (!waitFor(
                [&] {
                    return awaitedAnchor.isEmpty();
                },
                60000)) {
            std::fprintf(stderr, "change %d never reached the preview\n", i);
            return 1;
        }
        std::printf("change %d: %lld ms from ldapmodify to the preview row (plan job %lld ms, %s; model %lld ms)\n",
                    i,
                    latencies.back(),
                    lastPlanMs,
                    lastIncremental ? "incremental" : "full",
                    lastModelMs);
    }

    // Idle: the watch is open, nothing changes.
    const int plansBefore = plans;
    const int eventsBefore = events;
    const double cpuBefore = cpuSeconds();
    QElapsedTimer idle;
    idle.start();
    waitFor(
        [] {
            return false;
        },
        kIdleSeconds * 1000);
    const double idlePercent = (cpuSeconds() - cpuBefore) * 100.0 / (idle.elapsed() / 1000.0);
    std::printf("while idle: %d plans, %d directory events\n", plans - plansBefore, events - eventsBefore);

    std::sort(latencies.begin(), latencies.end());
    const qint64 median = latencies[latencies.size() / 2];
    std::printf("change to preview: median %lld ms, max %lld ms; idle CPU over %d s: %.2f %%\n",
                median,
                latencies.back(),
                kIdleSeconds,
                idlePercent);
    std::printf("peak memory: %.0f MB\n", Bench::peakMegabytes());
    std::printf("RESULT users=%d change_to_preview_ms=%lld idle_cpu_percent=%.2f\n", kUsers, median, idlePercent);
    std::fflush(stdout);
    return 0;
}
