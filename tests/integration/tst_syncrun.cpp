// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Sync::SyncRun, the one run the dashboard, the CLI and scheduled runs share, against the in-process sandbox tenant
// and an LDIF directory: the profile opened with OpenProfileJob, plan only, apply, nothing to do, the deletion guard,
// the run lock, a declined confirmation, and a change gone stale in the tenant planned again in the same run.

#include "sandboxfixture.h"
#include "sync/runlock.h"
#include "sync/syncrun.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace M365;
using namespace M365::Sync;

namespace {

constexpr int kRunTimeoutMs = 60000;
const QString kDomain = QStringLiteral("contoso.onmicrosoft.com");

/// An LDIF export with people uid=p0 … uid=p{count-1}, each with a stable entryUUID; @p title is their job title.
QByteArray peopleLdif(int count, const QByteArray &title = "Engineer")
{
    QByteArray ldif = "dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: "
                      "example\nentryUUID: 0f5f2b4e-0000-4000-8000-000000000000\n\n";
    for (int i = 0; i < count; ++i) {
        const QByteArray n = QByteArray::number(i);
        ldif += "dn: uid=p" + n + ",dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: p" + n + "\ncn: Person " + n
            + "\ngivenName: Person\nsn: Number" + n + "\ndisplayName: Person " + n + "\ntitle: " + title
            + "\nentryUUID: 0f5f2b4e-0000-4000-8000-" + QByteArray::number(100000000000LL + i) + "\n\n";
    }
    return ldif;
}

} // namespace

class TestSyncRun : public QObject
{
    Q_OBJECT

    struct Finished
    {
        bool finished = false;
        RunOutcome outcome = RunOutcome::Failed;
        Error error;
        int actionable = 0;
        int destructive = 0;
        int threshold = 0;
        int staleReplanned = -1; ///< the count replanningStale() gave; -1: not emitted
        bool applying = false;
        QJsonObject totals;
        QStringList reportWarnings;
    };

    QTemporaryDir m_dir;
    std::unique_ptr<SandboxFixture> m_sandbox;
    QNetworkAccessManager *m_nam = nullptr;
    std::unique_ptr<SyncContext> m_context;
    QString m_ldif;

    void writeDirectory(const QByteArray &ldif)
    {
        QFile file(m_ldif);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(ldif), qint64(ldif.size()));
    }

    Finished run(RunOptions options)
    {
        Finished out;
        auto *run = new SyncRun(m_context.get(), options, this);
        connect(run, &SyncRun::replanningStale, this, [&out](int count) {
            out.staleReplanned = count;
        });
        connect(run, &SyncRun::applying, this, [&out] {
            out.applying = true;
        });
        QSignalSpy finished(run, &Job::finished);
        run->start();
        out.finished = finished.wait(kRunTimeoutMs);
        out.outcome = run->outcome();
        out.error = run->error();
        out.actionable = run->actionable();
        out.destructive = run->destructiveCount();
        out.threshold = run->guardThreshold();
        out.totals = run->totals();
        out.reportWarnings = run->reportWarnings();
        delete run;
        return out;
    }

    /// The people of the LDIF export ("Person N") enabled in the tenant.
    int enabledPeople()
    {
        int n = 0;
        for (const QJsonObject &u : m_sandbox->tenant().state().users) {
            n += u.value(QLatin1String("displayName")).toString().startsWith(QLatin1String("Person "))
                    && u.value(QLatin1String("accountEnabled")).toBool()
                ? 1
                : 0;
        }
        return n;
    }

    QJsonObject person(int number)
    {
        for (const QJsonObject &u : m_sandbox->tenant().state().users) {
            if (u.value(QLatin1String("displayName")).toString() == QStringLiteral("Person %1").arg(number)) {
                return u;
            }
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sandbox = std::make_unique<SandboxFixture>();
        QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
        m_nam = new QNetworkAccessManager(this);
        m_ldif = m_dir.filePath(QStringLiteral("people.ldif"));
        writeDirectory(peopleLdif(20));

        // The profile as the CLI's --sandbox builds it, opened as every front end opens one.
        const Sandbox::TenantState &state = m_sandbox->tenant().state();
        m_context = std::make_unique<SyncContext>();
        Profile::Profile &profile = m_context->profile;
        profile.name = QStringLiteral("run");
        profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(m_sandbox->baseUrl()));
        profile.tenant = state.tenantId;
        profile.clientId = state.demoClientId;
        profile.credentialKind = Profile::CredentialKind::ClientSecret;
        profile.directory =
            QJsonObject{{QStringLiteral("type"), QStringLiteral("ldif")}, {QStringLiteral("path"), m_ldif}};
        SyncSettings settings;
        settings.rules.domain = kDomain;
        settings.options.syncGroups = false;
        profile.sync = settings.toJson();
        OpenProfileJob::Options options;
        options.stateDirectory = m_dir.filePath(QStringLiteral("state"));
        options.credential = Identity::ClientCredential::fromSecret(state.demoClientSecret);
        auto *open = new OpenProfileJob(m_nam, nullptr, m_context.get(), options, this);
        QSignalSpy opened(open, &Job::finished);
        open->start();
        QVERIFY(opened.wait(kRunTimeoutMs));
        QVERIFY2(!open->hasError(), qPrintable(open->errorString()));
        delete open;
        QVERIFY(m_context->connection);
        QVERIFY(m_context->source);
        QCOMPARE(m_context->store.path(), StateStore::pathForProfile(profile.name, options.stateDirectory));
        QCOMPARE(m_context->settings.rules.domain, kDomain);
    }

    void cleanupTestCase()
    {
        m_context.reset();
        m_sandbox.reset();
    }

    /// Plan only (m365sync-cli plan): the plan, nothing in the tenant, no run in the history.
    void planOnlyChangesNothing()
    {
        RunOptions options;
        options.apply = false;
        const Finished f = run(options);
        QVERIFY(f.finished);
        QCOMPARE(f.outcome, RunOutcome::Planned);
        QCOMPARE(f.actionable, 20);
        QVERIFY(!f.applying);
        // The monitoring sees what is pending; a plan is no attempt.
        QVERIFY(m_context->store.lastPlan());
        QCOMPARE(m_context->store.lastPlan()->pending, 20);
        QCOMPARE(m_context->store.lastPlan()->destructive, 0);
        QVERIFY(!m_context->store.lastAttempt());
        QCOMPARE(enabledPeople(), 0);
        QVERIFY(m_context->store.runHistory().isEmpty());
    }

    /// A declined confirmation applies nothing; a confirmed one applies everything; then there is nothing to do.
    void confirmedRunAppliesThenNothingToDo()
    {
        RunOptions declined;
        int asked = 0;
        int shown = 0;
        declined.confirm = [&asked, &shown](const ChangePlan &plan, int actionable) {
            ++asked;
            shown = int(plan.changes.size());
            return actionable < 0; // "no": it is never negative
        };
        Finished f = run(declined);
        QVERIFY(f.finished);
        QCOMPARE(asked, 1);
        QCOMPARE(shown, 20);
        QCOMPARE(f.outcome, RunOutcome::Declined);
        QCOMPARE(enabledPeople(), 0);

        RunOptions confirmed;
        confirmed.confirm = [&asked](const ChangePlan &, int actionable) {
            ++asked;
            return actionable == 20;
        };
        f = run(confirmed);
        QVERIFY(f.finished);
        QVERIFY2(f.error.isNull(), qPrintable(f.error.userMessage));
        QCOMPARE(asked, 2);
        QCOMPARE(f.outcome, RunOutcome::Done);
        QVERIFY(f.applying);
        QCOMPARE(f.totals.value(QLatin1String("done")).toInt(), 20);
        QCOMPARE(enabledPeople(), 20);
        QCOMPARE(m_context->store.runHistory().size(), 1);
        QVERIFY2(m_context->store.lastAttempt(), qPrintable(f.reportWarnings.join(QLatin1Char(' '))));
        QCOMPARE(m_context->store.lastAttempt()->outcome, QStringLiteral("done"));
        QCOMPARE(m_context->store.lastAttempt()->runId, m_context->store.runHistory().first().id);
        QCOMPARE(m_context->store.lastPlan()->pending, 0);

        f = run(RunOptions{});
        QCOMPARE(f.outcome, RunOutcome::NothingToDo);
        QVERIFY(!f.applying);
        QCOMPARE(m_context->store.runHistory().size(), 1);
    }

    /// Another run of the profile holds the lock: nothing is applied, and the error says whose run it is.
    void anotherRunHoldsTheLock()
    {
        writeDirectory(peopleLdif(20, "Lead Engineer"));
        RunLock other(m_context->store.path(), QStringLiteral("scheduled"));
        QVERIFY(other.acquire().ok());
        const Finished f = run(RunOptions{});
        QVERIFY(f.finished);
        QCOMPARE(f.outcome, RunOutcome::Locked);
        QVERIFY2(f.error.userMessage.startsWith(QStringLiteral("Another run of profile run is in progress")),
                 qPrintable(f.error.userMessage));
        QVERIFY(!f.applying);
        QVERIFY2(m_context->store.lastAttempt(), qPrintable(f.reportWarnings.join(QLatin1Char(' '))));
        QCOMPARE(m_context->store.lastAttempt()->outcome, QStringLiteral("locked"));
        QCOMPARE(m_context->store.lastAttempt()->message, f.error.userMessage);
        QCOMPARE(person(0).value(QLatin1String("jobTitle")).toString(), QStringLiteral("Engineer"));
    }

    /// A change whose user was edited in the tenant after planning goes stale; the run plans it again and applies
    /// it, so the directory's value wins once, within the same run.
    void staleChangeIsPlannedAgainInTheRun()
    {
        RunOptions planOnly;
        planOnly.apply = false;
        auto *planner = new SyncRun(m_context.get(), planOnly, this);
        QSignalSpy planned(planner, &Job::finished);
        planner->start();
        QVERIFY(planned.wait(kRunTimeoutMs));
        const ChangePlan plan = planner->plan();
        delete planner;
        QCOMPARE(plan.changes.size(), 20);

        const QString id = person(3).value(QLatin1String("id")).toString();
        QVERIFY(!id.isEmpty());
        const SandboxFixture::Reply edit =
            m_sandbox->graph("PATCH",
                             QStringLiteral("/users/") + id,
                             m_sandbox->demoToken(),
                             QJsonObject{{QStringLiteral("jobTitle"), QStringLiteral("Edited in the portal")}});
        QCOMPARE(edit.status, 204);

        RunOptions options;
        options.plan = plan;
        const Finished f = run(options);
        QVERIFY(f.finished);
        QVERIFY2(f.error.isNull(), qPrintable(f.error.userMessage));
        QCOMPARE(f.outcome, RunOutcome::Done);
        QCOMPARE(f.staleReplanned, 1);
        QCOMPARE(f.totals.value(QLatin1String("stale")).toInt(), 1);
        QCOMPARE(f.totals.value(QLatin1String("done")).toInt(), 20); // 19 in the first round, p3 in the second
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(person(i).value(QLatin1String("jobTitle")).toString(), QStringLiteral("Lead Engineer"));
        }
        QCOMPARE(run(RunOptions{}).outcome, RunOutcome::NothingToDo);
    }

    /// Half the people leave the directory: the guard stops the run before anything is disabled; allowed, it runs.
    void deletionGuardStopsThenAllowed()
    {
        writeDirectory(peopleLdif(10, "Lead Engineer"));
        const int runsBefore = int(m_context->store.runHistory().size());
        Finished f = run(RunOptions{});
        QVERIFY(f.finished);
        QCOMPARE(f.outcome, RunOutcome::GuardStopped);
        QCOMPARE(f.destructive, 10);
        QVERIFY2(f.threshold < 10, qPrintable(QString::number(f.threshold)));
        QVERIFY(!f.applying);
        QCOMPARE(enabledPeople(), 20);
        QCOMPARE(int(m_context->store.runHistory().size()), runsBefore);
        QVERIFY2(m_context->store.lastAttempt(), qPrintable(f.reportWarnings.join(QLatin1Char(' '))));
        QCOMPARE(m_context->store.lastAttempt()->outcome, QStringLiteral("guard-stopped"));
        QVERIFY2(m_context->store.lastAttempt()->message.contains(QStringLiteral("10 objects")),
                 qPrintable(m_context->store.lastAttempt()->message));
        QCOMPARE(m_context->store.lastPlan()->destructive, 10);

        RunOptions allowed;
        allowed.allowDeletes = f.destructive;
        f = run(allowed);
        QVERIFY2(f.error.isNull(), qPrintable(f.error.userMessage));
        QCOMPARE(f.outcome, RunOutcome::Done);
        QCOMPARE(enabledPeople(), 10);
    }
};

QTEST_GUILESS_MAIN(TestSyncRun)
#include "tst_syncrun.moc"
