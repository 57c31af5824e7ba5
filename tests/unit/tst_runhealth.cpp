// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The monitoring's view of a profile (issue 15): what the state store remembers of plans and attempts, the health
// collected from profile and store, and its judgement in the monitoring-plugin conventions (exit code, one line,
// performance data as the Monitoring Plugins Development Guidelines define it).

#include "profile/profile.h"
#include "sync/runhealth.h"
#include "sync/statestore.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using M365::Result;
using namespace M365::Sync;

namespace {

const QDateTime now = QDateTime(QDate(2026, 3, 2), QTime(12, 0), Qt::UTC);

/// A health that ran fine an hour ago, with a certificate good for 200 days.
ProfileHealth healthyProfile()
{
    ProfileHealth h;
    h.profile = QStringLiteral("contoso");
    h.collectedAt = now;
    RunRecord run;
    run.id = 7;
    run.started = now.addSecs(-3700);
    run.ended = now.addSecs(-3600);
    run.status = QStringLiteral("done");
    run.counts = QJsonObject{{QStringLiteral("done"), 12}, {QStringLiteral("total"), 12}};
    h.lastRun = run;
    h.lastAttempt = AttemptRecord{now.addSecs(-3600), QStringLiteral("done"), QString(), 7};
    h.lastSuccess = now.addSecs(-3600);
    h.lastPlan = PlanRecord{now.addSecs(-3600), 3, 1};
    h.changesAppliedTotal = 40;
    h.certificateNotAfter = now.addDays(200);
    return h;
}

/// The Monitoring Plugins Development Guidelines' perfdata: `'label'=value[UOM][;warn[;crit[;min[;max]]]]`, labels
/// without '=' or quotes (and here without spaces, so unquoted), values decimal numbers, warn and crit range
/// expressions ([@][start:][end], "~" for minus infinity).
bool isValidPerfdata(const QString &perfdata, QString *why)
{
    static const QRegularExpression item(
        QStringLiteral("^([^=' ]+)=(-?[0-9]+(?:\\.[0-9]+)?)(s|ms|us|%|B|c)?(?:;([^;]*)(?:;([^;]*)(?:;([^;]*)(?:;([^;]*)"
                       ")?)?)?)?$"));
    static const QRegularExpression range(
        QStringLiteral("^@?(?:(?:~|-?[0-9]+(?:\\.[0-9]+)?):)?(?:-?[0-9]+(?:\\.[0-9]+)?)?$"));
    static const QRegularExpression number(QStringLiteral("^(-?[0-9]+(?:\\.[0-9]+)?)?$"));
    for (const QString &token : perfdata.split(QLatin1Char(' '))) {
        const QRegularExpressionMatch m = item.match(token);
        if (!m.hasMatch()) {
            *why = QStringLiteral("not label=value[UOM];…: ") + token;
            return false;
        }
        if (!range.match(m.captured(4)).hasMatch() || !range.match(m.captured(5)).hasMatch()) {
            *why = QStringLiteral("warn or crit is no range expression: ") + token;
            return false;
        }
        if (!number.match(m.captured(6)).hasMatch() || !number.match(m.captured(7)).hasMatch()) {
            *why = QStringLiteral("min or max is no number: ") + token;
            return false;
        }
    }
    return true;
}

QString perfValue(const QString &perfdata, const QString &label)
{
    for (const QString &token : perfdata.split(QLatin1Char(' '))) {
        if (token.startsWith(label + QLatin1Char('='))) {
            return token.mid(label.size() + 1);
        }
    }
    return {};
}

} // namespace

class TestRunHealth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storeRemembersTheLastPlan()
    {
        QTemporaryDir dir;
        StateStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("s.sqlite"))).ok());
        QVERIFY(!store.lastPlan());
        QVERIFY(store.recordPlan(PlanRecord{now, 5, 2}).ok());
        QVERIFY(store.recordPlan(PlanRecord{now.addSecs(60), 4, 0}).ok());
        const std::optional<PlanRecord> plan = store.lastPlan();
        QVERIFY(plan);
        QCOMPARE(plan->at, now.addSecs(60));
        QCOMPARE(plan->pending, 4);
        QCOMPARE(plan->destructive, 0);

        // It survives closing the store, like everything else in it.
        store.close();
        QVERIFY(store.open(dir.filePath(QStringLiteral("s.sqlite"))).ok());
        QCOMPARE(store.lastPlan()->pending, 4);
    }

    void storeRemembersAttempts()
    {
        QTemporaryDir dir;
        StateStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("s.sqlite"))).ok());
        QVERIFY(!store.lastAttempt());
        QVERIFY(store.recordAttempt({now.addSecs(-300), QStringLiteral("done"), QString(), 3}).ok());
        QVERIFY(store.recordAttempt({now.addSecs(-200), QStringLiteral("failed-items"), QStringLiteral("2"), 4}).ok());
        QVERIFY(
            store.recordAttempt({now.addSecs(-100), QStringLiteral("failed"), QStringLiteral("no network"), 0}).ok());
        const std::optional<AttemptRecord> last = store.lastAttempt();
        QVERIFY(last);
        QCOMPARE(last->outcome, QStringLiteral("failed"));
        QCOMPARE(last->message, QStringLiteral("no network"));
        QCOMPARE(last->runId, qint64(0));
        QCOMPARE(last->at, now.addSecs(-100));
        const std::optional<AttemptRecord> done = store.lastAttemptWith({QStringLiteral("done")});
        QVERIFY(done);
        QCOMPARE(done->runId, qint64(3));
        QCOMPARE(store.lastAttemptWith({QStringLiteral("done"), QStringLiteral("failed-items")})->runId, qint64(4));
        QVERIFY(!store.lastAttemptWith({QStringLiteral("guard-stopped")}));

        // An attempt without a time is recorded as now.
        QVERIFY(store.recordAttempt({QDateTime(), QStringLiteral("locked"), QString(), 0}).ok());
        QVERIFY(qAbs(store.lastAttempt()->at.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    }

    void storeKeepsTheNewestThousandAttempts()
    {
        QTemporaryDir dir;
        StateStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("s.sqlite"))).ok());
        QVERIFY(store.recordAttempt({now, QStringLiteral("guard-stopped"), QStringLiteral("the first"), 0}).ok());
        for (int i = 0; i < 999; ++i) {
            QVERIFY(store.recordAttempt({now, QStringLiteral("done"), QString(), i + 1}).ok());
        }
        QVERIFY(store.lastAttemptWith({QStringLiteral("guard-stopped")})); // 1,000 kept: the first is still there
        QVERIFY(store.recordAttempt({now, QStringLiteral("done"), QString(), 1000}).ok());
        QVERIFY(!store.lastAttemptWith({QStringLiteral("guard-stopped")}));
        QCOMPARE(store.lastAttempt()->runId, qint64(1000));
    }

    void storeKeepsMeta()
    {
        QTemporaryDir dir;
        StateStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("s.sqlite"))).ok());
        QCOMPARE(store.meta(QStringLiteral("overdueAlertSentAt")), QString());
        QVERIFY(store.setMeta(QStringLiteral("overdueAlertSentAt"), QStringLiteral("2026-03-02T12:00:00Z")).ok());
        QVERIFY(store.setMeta(QStringLiteral("other"), QStringLiteral("x")).ok());
        QCOMPARE(store.meta(QStringLiteral("overdueAlertSentAt")), QStringLiteral("2026-03-02T12:00:00Z"));
        QVERIFY(store.setMeta(QStringLiteral("overdueAlertSentAt"), QStringLiteral("later")).ok());
        QCOMPARE(store.meta(QStringLiteral("overdueAlertSentAt")), QStringLiteral("later"));
        QVERIFY(store.setMeta(QStringLiteral("overdueAlertSentAt"), QString()).ok());
        QCOMPARE(store.meta(QStringLiteral("overdueAlertSentAt")), QString());
        QCOMPARE(store.meta(QStringLiteral("other")), QStringLiteral("x"));
    }

    void olderStoresGainTheNewTables()
    {
        // A store written before monitoring existed: only the run history's tables.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(
                q.exec(QStringLiteral("CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT "
                                      "NULL, ended TEXT, counts TEXT NOT NULL DEFAULT '{}', status TEXT NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO runs (started, ended, counts, status) VALUES "
                                          "('2026-03-01T02:00:00.000Z', '2026-03-01T02:05:00.000Z', "
                                          "'{\"done\":4,\"total\":4}', 'done')")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));

        StateStore store;
        QVERIFY(store.open(path).ok());
        QCOMPARE(store.runHistory().size(), 1);
        QVERIFY(!store.lastAttempt());
        QVERIFY(store.recordAttempt({now, QStringLiteral("done"), QString(), 0}).ok());
        QVERIFY(store.recordPlan({now, 1, 0}).ok());
        QVERIFY(store.setMeta(QStringLiteral("k"), QStringLiteral("v")).ok());

        // Its health is read from the run's status alone where no attempt was recorded.
        StateStore legacy;
        QVERIFY(legacy.open(dir.filePath(QStringLiteral("other.sqlite"))).ok());
        const Result<qint64> run = legacy.beginRun();
        QVERIFY(run.ok());
        QVERIFY(legacy.endRun(run.value, QJsonObject{{QStringLiteral("done"), 2}}, QStringLiteral("done")).ok());
        M365::Profile::Profile profile;
        profile.name = QStringLiteral("legacy");
        const ProfileHealth health = ProfileHealth::collect(profile, legacy, QDateTime::currentDateTimeUtc());
        QCOMPARE(health.lastOutcome(), QStringLiteral("done"));
        QVERIFY(health.lastSuccess.isValid());
        QCOMPARE(health.changesAppliedTotal, qint64(2));
    }

    void collectsFromProfileAndStore()
    {
        // The runs end now (the store stamps them); the attempt comes after them and the health ten minutes later.
        const QDateTime attemptAt = QDateTime::currentDateTimeUtc().addSecs(5);
        const QDateTime now = attemptAt.addSecs(600);
        QTemporaryDir dir;
        M365::Profile::Profile profile;
        profile.name = QStringLiteral("contoso");
        profile.certificate.thumbprintSha1 = QStringLiteral("A").repeated(40);
        profile.certificate.notAfter = now.addDays(10).addSecs(3600);
        profile.sync = QJsonObject{{QStringLiteral("schedule"),
                                    QJsonObject{{QStringLiteral("enabled"), true},
                                                {QStringLiteral("every"), QStringLiteral("4hours")},
                                                {QStringLiteral("at"), QStringLiteral("01:30")}}},
                                   // Wrong elsewhere: the schedule is still read.
                                   {QStringLiteral("defaultSkuId"), QStringLiteral("not a GUID")}};

        // No store yet: never run, which is no error.
        ProfileHealth health = ProfileHealth::load(profile, dir.path(), now);
        QVERIFY(health.isReadable());
        QVERIFY(!health.hasRun());
        QVERIFY(!QFile::exists(StateStore::pathForProfile(QStringLiteral("contoso"), dir.path())));

        StateStore store;
        QVERIFY(store.open(StateStore::pathForProfile(QStringLiteral("contoso"), dir.path())).ok());
        const Result<qint64> first = store.beginRun();
        QVERIFY(store.endRun(first.value, QJsonObject{{QStringLiteral("done"), 5}}, QStringLiteral("done")).ok());
        const Result<qint64> second = store.beginRun();
        QVERIFY(store
                    .endRun(second.value,
                            QJsonObject{{QStringLiteral("done"), 3}, {QStringLiteral("failed"), 2}},
                            QStringLiteral("finished with failures"))
                    .ok());
        QVERIFY(
            store.recordAttempt({attemptAt, QStringLiteral("failed-items"), QStringLiteral("2 failed"), second.value})
                .ok());
        QVERIFY(store.recordPlan({now.addSecs(-700), 9, 4}).ok());
        store.close();

        health = ProfileHealth::load(profile, dir.path(), now);
        QVERIFY(health.isReadable());
        QVERIFY(health.hasRun());
        QCOMPARE(health.profile, QStringLiteral("contoso"));
        QCOMPARE(health.lastRun->id, second.value);
        QCOMPARE(health.lastOutcome(), QStringLiteral("failed-items"));
        QCOMPARE(health.lastRunFailures(), 2);
        QCOMPARE(health.lastRunApplied(), 3);
        QCOMPARE(health.changesAppliedTotal, qint64(8));
        QCOMPARE(health.lastSuccess, now.addSecs(-600)); // the attempt, newer than the runs' ends
        QCOMPARE(health.lastPlan->pending, 9);
        QCOMPARE(health.lastPlan->destructive, 4);
        QCOMPARE(health.certificateDaysLeft(now), std::optional<int>(10));
        QVERIFY(health.scheduleEnabled);
        QCOMPARE(health.scheduleIntervalSeconds, qint64(4 * 3600));
        QVERIFY(health.nextRun > now);
        QVERIFY(health.nextRun <= now.addSecs(4 * 3600));
        QCOMPARE(health.defaultMaxAgeSeconds(), qint64(6 * 3600));

        const QJsonObject json = health.toJson();
        for (const char *key : {"profile",
                                "collectedAt",
                                "readable",
                                "lastRun",
                                "lastAttempt",
                                "lastOutcome",
                                "lastSuccess",
                                "pendingChanges",
                                "pendingDeletions",
                                "plannedAt",
                                "changesAppliedTotal",
                                "failedItems",
                                "credential",
                                "certificateNotAfter",
                                "certificateDaysLeft",
                                "scheduleEnabled",
                                "nextRun"}) {
            QVERIFY2(json.contains(QLatin1String(key)), key);
        }
        QCOMPARE(json.value(QLatin1String("readable")).toBool(), true);
        QVERIFY(!json.contains(QLatin1String("error")));
        QCOMPARE(json.value(QLatin1String("pendingChanges")).toInt(), 9);
        QCOMPARE(json.value(QLatin1String("pendingDeletions")).toInt(), 4);
        QCOMPARE(json.value(QLatin1String("certificateDaysLeft")).toInt(), 10);
        QCOMPARE(json.value(QLatin1String("lastOutcome")).toString(), QStringLiteral("failed-items"));
        QCOMPARE(json.value(QLatin1String("failedItems")).toInt(), 2);
        QCOMPARE(json.value(QLatin1String("lastRun"))
                     .toObject()
                     .value(QLatin1String("counts"))
                     .toObject()
                     .value(QLatin1String("failed")),
                 QJsonValue(2));
        QCOMPARE(json.value(QLatin1String("lastAttempt")).toObject().value(QLatin1String("message")).toString(),
                 QStringLiteral("2 failed"));
        QCOMPARE(json.value(QLatin1String("lastSuccess")).toString(), now.addSecs(-600).toString(Qt::ISODate));

        // A client secret has no expiry m365sync knows of.
        profile.credentialKind = M365::Profile::CredentialKind::ClientSecret;
        health = ProfileHealth::load(profile, dir.path(), now);
        QVERIFY(!health.certificateDaysLeft(now));
        QCOMPARE(health.toJson().value(QLatin1String("certificateDaysLeft")), QJsonValue(QJsonValue::Null));
        QCOMPARE(health.toJson().value(QLatin1String("credential")).toString(), QStringLiteral("clientSecret"));
    }

    void unreadableStoreIsReported()
    {
        QTemporaryDir dir;
        M365::Profile::Profile profile;
        profile.name = QStringLiteral("broken");
        // A folder where the store should be: it cannot be opened.
        QVERIFY(QDir().mkpath(StateStore::pathForProfile(profile.name, dir.path())));
        const ProfileHealth health = ProfileHealth::load(profile, dir.path(), now);
        QVERIFY(!health.isReadable());
        QVERIFY(health.toJson().value(QLatin1String("error")).toString().contains(QLatin1String("writable")));
        QCOMPARE(M365::Sync::evaluate(health, 3600, now).code, int(HealthVerdict::Unknown));
    }

    void evaluate_data()
    {
        QTest::addColumn<QString>("situation");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("says");

        QTest::newRow("ok") << "ok" << int(HealthVerdict::Ok) << "last run 60 minute";
        QTest::newRow("failed") << "failed" << int(HealthVerdict::Critical) << "the last run failed: no network";
        QTest::newRow("guard") << "guard-stopped" << int(HealthVerdict::Critical) << "deletion guard";
        QTest::newRow("overdue") << "overdue" << int(HealthVerdict::Critical) << "overdue";
        QTest::newRow("expired") << "expired" << int(HealthVerdict::Critical) << "certificate expired";
        QTest::newRow("failed items") << "failed-items" << int(HealthVerdict::Warning) << "2 failed change";
        QTest::newRow("locked") << "locked" << int(HealthVerdict::Warning) << "another run held the run lock";
        QTest::newRow("expiring") << "expiring" << int(HealthVerdict::Warning) << "expires in 12 day";
        QTest::newRow("never run") << "never" << int(HealthVerdict::Unknown) << "no run recorded yet";
        QTest::newRow("unreadable") << "unreadable" << int(HealthVerdict::Unknown) << "damaged";
        QTest::newRow("critical wins") << "failed+expiring" << int(HealthVerdict::Critical) << "expires in 12 day";
    }

    void evaluate()
    {
        QFETCH(QString, situation);
        QFETCH(int, code);
        QFETCH(QString, says);

        ProfileHealth h = healthyProfile();
        const auto attempt = [&h](const char *outcome, const QString &message = {}) {
            h.lastAttempt = AttemptRecord{now.addSecs(-1800), QString::fromLatin1(outcome), message, 0};
        };
        if (situation == QLatin1String("failed") || situation == QLatin1String("failed+expiring")) {
            attempt("failed", QStringLiteral("no network"));
        } else if (situation == QLatin1String("guard-stopped")) {
            attempt("guard-stopped", QStringLiteral("40 removals, 10 allowed"));
        } else if (situation == QLatin1String("failed-items")) {
            h.lastRun->counts.insert(QStringLiteral("failed"), 2);
            h.lastAttempt->outcome = QStringLiteral("failed-items");
        } else if (situation == QLatin1String("locked")) {
            attempt("locked");
        } else if (situation == QLatin1String("overdue")) {
            h.lastSuccess = now.addSecs(-30 * 3600);
            h.lastAttempt->at = h.lastSuccess;
        } else if (situation == QLatin1String("expired")) {
            h.certificateNotAfter = now.addSecs(-3600);
        } else if (situation == QLatin1String("never")) {
            h.lastRun.reset();
            h.lastAttempt.reset();
            h.lastSuccess = QDateTime();
        } else if (situation == QLatin1String("unreadable")) {
            h = ProfileHealth::unreadable(QStringLiteral("contoso"), QStringLiteral("The file is damaged."), now);
        }
        if (situation == QLatin1String("expiring") || situation == QLatin1String("failed+expiring")) {
            h.certificateNotAfter = now.addDays(12).addSecs(60);
        }

        const HealthVerdict verdict = M365::Sync::evaluate(h, 26 * 3600, now);
        QCOMPARE(verdict.code, code);
        QVERIFY2(verdict.line.startsWith(QStringLiteral("M365SYNC %1 - contoso: ").arg(HealthVerdict::stateName(code))),
                 qPrintable(verdict.line));
        QVERIFY2(verdict.line.contains(says), qPrintable(verdict.line));
        QCOMPARE(verdict.overdue, situation == QLatin1String("overdue"));
        QCOMPARE(verdict.reasons.isEmpty(), code == HealthVerdict::Ok);
        if (situation == QLatin1String("unreadable")) {
            QVERIFY(verdict.perfdata.isEmpty());
            QCOMPARE(verdict.output(), verdict.line);
        } else {
            QString why;
            QVERIFY2(isValidPerfdata(verdict.perfdata, &why),
                     qPrintable(why + QStringLiteral(" in ") + verdict.perfdata));
            QCOMPARE(verdict.output(), verdict.line + QStringLiteral(" | ") + verdict.perfdata);
        }
    }

    void perfdataValues()
    {
        ProfileHealth h = healthyProfile();
        h.lastRun->counts.insert(QStringLiteral("failed"), 2);
        h.lastAttempt->outcome = QStringLiteral("failed-items");
        const HealthVerdict verdict = M365::Sync::evaluate(h, 93600, now);
        QCOMPARE(perfValue(verdict.perfdata, QStringLiteral("last_success_age")), QStringLiteral("3600s;;93600;0"));
        QCOMPARE(perfValue(verdict.perfdata, QStringLiteral("failed_items")), QStringLiteral("2;0;;0"));
        QCOMPARE(perfValue(verdict.perfdata, QStringLiteral("applied")), QStringLiteral("12;;;0"));
        QCOMPARE(perfValue(verdict.perfdata, QStringLiteral("pending_changes")), QStringLiteral("3;;;0"));
        QCOMPARE(perfValue(verdict.perfdata, QStringLiteral("pending_deletions")), QStringLiteral("1;;;0"));
        QCOMPARE(perfValue(verdict.perfdata, QStringLiteral("certificate_days")), QStringLiteral("200;30:;0:"));

        // No maximum age: no critical threshold, never overdue.
        const HealthVerdict unlimited = M365::Sync::evaluate(h, 0, now.addDays(100));
        QCOMPARE(perfValue(unlimited.perfdata, QStringLiteral("last_success_age")), QStringLiteral("8643600s;;;0"));
        QVERIFY(!unlimited.overdue);

        // An expired certificate goes below the critical range's start (rounded down: an hour ago is day -1).
        h.certificateNotAfter = now.addSecs(-3600);
        QCOMPARE(perfValue(M365::Sync::evaluate(h, 93600, now).perfdata, QStringLiteral("certificate_days")),
                 QStringLiteral("-1;30:;0:"));

        // A client secret has no certificate_days; a profile that never ran no run values.
        h.usesCertificate = false;
        h.lastRun.reset();
        h.lastAttempt.reset();
        h.lastSuccess = QDateTime();
        const HealthVerdict never = M365::Sync::evaluate(h, 93600, now);
        QCOMPARE(never.perfdata, QStringLiteral("pending_changes=3;;;0 pending_deletions=1;;;0"));
    }

    void lineStaysOneLine()
    {
        ProfileHealth h = healthyProfile();
        h.lastAttempt = AttemptRecord{now, QStringLiteral("failed"), QStringLiteral("first | second\nthird"), 0};
        const HealthVerdict verdict = M365::Sync::evaluate(h, 3600, now);
        QVERIFY(!verdict.line.contains(QLatin1Char('|')));
        QVERIFY(!verdict.line.contains(QLatin1Char('\n')));
        QVERIFY(verdict.line.contains(QLatin1String("first / second third")));
        QCOMPARE(verdict.output().count(QLatin1Char('|')), 1);
    }

    void overdueIsJudgedByTheLastSuccess()
    {
        ProfileHealth h = healthyProfile();
        h.lastSuccess = now.addSecs(-26 * 3600);
        QVERIFY(!isOverdue(h, 26 * 3600, now)); // exactly the maximum age is still fine
        QVERIFY(isOverdue(h, 26 * 3600 - 1, now));
        QVERIFY(!isOverdue(h, 0, now));
        h.lastSuccess = QDateTime();
        QVERIFY(!isOverdue(h, 60, now)); // never succeeded: the failures say why, not "overdue"
    }

    void defaultMaxAge()
    {
        ProfileHealth h;
        QCOMPARE(h.defaultMaxAgeSeconds(), qint64(26 * 3600));
        h.scheduleIntervalSeconds = 3600;
        QCOMPARE(h.defaultMaxAgeSeconds(), qint64(3 * 3600));
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("hours") << "26h" << qint64(26 * 3600);
        QTest::newRow("minutes") << "90m" << qint64(90 * 60);
        QTest::newRow("days") << "2d" << qint64(2 * 86400);
        QTest::newRow("seconds") << "45s" << qint64(45);
        QTest::newRow("bare seconds") << "3600" << qint64(3600);
        QTest::newRow("upper case and space") << " 26H " << qint64(26 * 3600);
        QTest::newRow("zero") << "0h" << qint64(-1);
        QTest::newRow("negative") << "-5h" << qint64(-1);
        QTest::newRow("unit unknown") << "3w" << qint64(-1);
        QTest::newRow("two units") << "1h30m" << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
    }

    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        const std::optional<qint64> parsed = parseDuration(text);
        if (seconds < 0) {
            QVERIFY(!parsed);
        } else {
            QCOMPARE(parsed, std::optional<qint64>(seconds));
        }
    }
};

QTEST_GUILESS_MAIN(TestRunHealth)
#include "tst_runhealth.moc"
