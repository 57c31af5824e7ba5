// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A run's report to the monitoring (issue 15): the Prometheus textfile, checked by a parser that applies the text
// exposition format's rules (promtool is not in Debian 12), written atomically; the webhook, posted to a small HTTP
// server in the test that records what it got; and the profile's monitoring settings, whose webhook URL stays in the
// keychain.

#include "profile/memorysecretstore.h"
#include "profile/profile.h"
#include "sync/runreport.h"
#include "sync/syncrun.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using M365::Result;
using namespace M365::Sync;

namespace {

constexpr int Timeout = 10000;

const QString webhookKey = QStringLiteral("m365sync/contoso/webhookUrl");
const QString token = QStringLiteral("B07TOKEN5ecret");

/// One sample of a parsed exposition.
struct Sample
{
    QString name;
    QHash<QString, QString> labels;
    double value = 0;
};

/**
 * Parses @p text by the rules of Prometheus's text format (prometheus/docs, content/docs/instrumenting/
 * exposition_formats.md) and what node_exporter's textfile collector adds (no timestamps). Returns the samples, or
 * sets @p error to the first rule broken.
 */
QList<Sample> parseExposition(const QByteArray &text, QHash<QString, QString> *types, QString *error)
{
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    static const QRegularExpression goFloat(
        QStringLiteral("^(?:[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN)$"));
    QList<Sample> samples;
    const auto fail = [error, &samples](const QString &why) {
        *error = why;
        samples.clear();
        return samples;
    };
    if (text.isEmpty() || !text.endsWith('\n')) {
        return fail(QStringLiteral("the last line must end with a line feed"));
    }
    const QString utf8 = QString::fromUtf8(text);
    if (utf8.toUtf8() != text) {
        return fail(QStringLiteral("not UTF-8"));
    }
    QSet<QString> helped;
    QSet<QString> finished; // metrics whose group of lines has ended: they must not come back
    QSet<QString> seenSeries;
    QString current;
    const QStringList lines = utf8.split(QLatin1Char('\n'));
    for (int i = 0; i + 1 < lines.size(); ++i) { // the part after the last line feed is empty
        const QString line = lines.at(i).trimmed();
        const QString where = QStringLiteral("line %1: ").arg(i + 1);
        if (line.isEmpty()) {
            continue;
        }
        QString name;
        if (line.startsWith(QLatin1Char('#'))) {
            const QStringList tokens = line.mid(1).trimmed().split(QRegularExpression(QStringLiteral("[ \\t]+")));
            if (tokens.value(0) != QLatin1String("HELP") && tokens.value(0) != QLatin1String("TYPE")) {
                continue; // a plain comment
            }
            name = tokens.value(1);
            if (!metricName.match(name).hasMatch()) {
                return fail(where + QStringLiteral("bad metric name in ") + line);
            }
            if (tokens.value(0) == QLatin1String("HELP")) {
                if (helped.contains(name)) {
                    return fail(where + QStringLiteral("a second HELP for ") + name);
                }
                helped.insert(name);
                // Only \\ and \n may follow a backslash in a docstring.
                const QString doc = line.section(name, 1);
                for (int c = 0; c < doc.size(); ++c) {
                    if (doc.at(c) == QLatin1Char('\\')
                        && (c + 1 >= doc.size() || (doc.at(c + 1) != QLatin1Char('\\') && doc.at(c + 1) != u'n'))) {
                        return fail(where + QStringLiteral("a bad escape in HELP"));
                    }
                }
            } else {
                if (tokens.size() != 3) {
                    return fail(where + QStringLiteral("TYPE needs exactly a name and a type"));
                }
                static const QStringList known{QStringLiteral("counter"),
                                               QStringLiteral("gauge"),
                                               QStringLiteral("histogram"),
                                               QStringLiteral("summary"),
                                               QStringLiteral("untyped")};
                if (!known.contains(tokens.at(2))) {
                    return fail(where + QStringLiteral("unknown type ") + tokens.at(2));
                }
                if (types->contains(name)) {
                    return fail(where + QStringLiteral("a second TYPE for ") + name);
                }
                if (seenSeries.contains(name)) {
                    return fail(where + QStringLiteral("TYPE after the first sample of ") + name);
                }
                types->insert(name, tokens.at(2));
            }
        } else {
            Sample sample;
            int pos = 0;
            while (pos < line.size() && line.at(pos) != QLatin1Char('{') && !line.at(pos).isSpace()) {
                ++pos;
            }
            sample.name = line.left(pos);
            if (!metricName.match(sample.name).hasMatch()) {
                return fail(where + QStringLiteral("bad metric name ") + sample.name);
            }
            name = sample.name;
            if (pos < line.size() && line.at(pos) == QLatin1Char('{')) {
                ++pos;
                while (true) {
                    while (pos < line.size() && line.at(pos).isSpace()) {
                        ++pos;
                    }
                    if (pos < line.size() && line.at(pos) == QLatin1Char('}')) {
                        ++pos;
                        break;
                    }
                    const int eq = line.indexOf(QLatin1Char('='), pos);
                    if (eq < 0) {
                        return fail(where + QStringLiteral("a label without '='"));
                    }
                    const QString label = line.mid(pos, eq - pos).trimmed();
                    if (!labelName.match(label).hasMatch() || label.startsWith(QLatin1String("__"))) {
                        return fail(where + QStringLiteral("bad label name ") + label);
                    }
                    pos = eq + 1;
                    if (pos >= line.size() || line.at(pos) != QLatin1Char('"')) {
                        return fail(where + QStringLiteral("a label value must be quoted"));
                    }
                    ++pos;
                    QString value;
                    bool closed = false;
                    while (pos < line.size()) {
                        const QChar c = line.at(pos++);
                        if (c == QLatin1Char('\\')) {
                            const QChar next = pos < line.size() ? line.at(pos++) : QChar();
                            if (next == QLatin1Char('\\') || next == QLatin1Char('"')) {
                                value += next;
                            } else if (next == u'n') {
                                value += QLatin1Char('\n');
                            } else {
                                return fail(where + QStringLiteral("a bad escape in a label value"));
                            }
                        } else if (c == QLatin1Char('"')) {
                            closed = true;
                            break;
                        } else {
                            value += c;
                        }
                    }
                    if (!closed) {
                        return fail(where + QStringLiteral("an unterminated label value"));
                    }
                    if (sample.labels.contains(label)) {
                        return fail(where + QStringLiteral("a label twice: ") + label);
                    }
                    sample.labels.insert(label, value);
                    while (pos < line.size() && line.at(pos).isSpace()) {
                        ++pos;
                    }
                    if (pos < line.size() && line.at(pos) == QLatin1Char(',')) {
                        ++pos;
                    } else if (pos >= line.size() || line.at(pos) != QLatin1Char('}')) {
                        return fail(where + QStringLiteral("labels must be separated by ','"));
                    }
                }
            }
            const QStringList rest =
                line.mid(pos).trimmed().split(QRegularExpression(QStringLiteral("[ \\t]+")), Qt::SkipEmptyParts);
            if (rest.size() != 1) {
                // The textfile collector refuses timestamps; anything else is no sample.
                return fail(where + QStringLiteral("a sample is a value and nothing else: ") + line);
            }
            if (!goFloat.match(rest.first()).hasMatch()) {
                return fail(where + QStringLiteral("not a float: ") + rest.first());
            }
            sample.value = rest.first().toDouble();
            QStringList keys = sample.labels.keys();
            keys.sort();
            QString series = sample.name;
            for (const QString &k : keys) {
                series += QLatin1Char(',') + k + QLatin1Char('=') + sample.labels.value(k);
            }
            if (seenSeries.contains(series)) {
                return fail(where + QStringLiteral("the same name and labels twice"));
            }
            seenSeries.insert(series);
            seenSeries.insert(sample.name);
            samples.append(sample);
        }
        if (name != current) {
            if (finished.contains(name)) {
                return fail(where + QStringLiteral("the lines of %1 are not one group").arg(name));
            }
            if (!current.isEmpty()) {
                finished.insert(current);
            }
            current = name;
        }
    }
    return samples;
}

double valueOf(const QList<Sample> &samples, const QString &name, bool *found)
{
    for (const Sample &s : samples) {
        if (s.name == name) {
            *found = true;
            return s.value;
        }
    }
    *found = false;
    return 0;
}

ProfileHealth sampleHealth()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ProfileHealth h;
    h.profile = QStringLiteral("contoso");
    h.collectedAt = now;
    RunRecord run;
    run.id = 7;
    run.started = now.addSecs(-100);
    run.ended = now.addSecs(-60);
    run.status = QStringLiteral("finished with failures");
    run.counts = QJsonObject{{QStringLiteral("done"), 12}, {QStringLiteral("failed"), 2}};
    h.lastRun = run;
    h.lastAttempt = AttemptRecord{now.addSecs(-60), QStringLiteral("failed-items"), QStringLiteral("2 failed"), 7};
    h.lastSuccess = now.addSecs(-60);
    h.lastPlan = PlanRecord{now.addSecs(-120), 14, 3};
    h.changesAppliedTotal = 112;
    h.certificateNotAfter = now.addDays(45).addSecs(60);
    return h;
}

M365::Profile::Profile sampleProfile(const QString &textfileDirectory, bool webhook)
{
    M365::Profile::Profile p;
    p.name = QStringLiteral("contoso");
    p.tenant = QStringLiteral("contoso.onmicrosoft.com");
    p.monitoring.textfileDirectory = textfileDirectory;
    if (webhook) {
        p.monitoring.webhookSecretRef = webhookKey;
    }
    return p;
}

/// A webhook receiver on 127.0.0.1: records each request and answers with a fixed status. A request to another path
/// than the one expected gets 404 and is recorded as such, so that the test sees it.
class WebhookServer : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; ///< by lower-case name
        QByteArray body;
    };

    explicit WebhookServer(const QByteArray &path, int status = 200)
        : m_path(path)
        , m_status(status)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    onData(socket);
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()); }
    QList<Request> requests;
    int connections = 0;

private:
    void onData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const int headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return;
        }
        Request request;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        for (int i = 1; i < lines.size(); ++i) {
            const int colon = lines.at(i).indexOf(':');
            if (colon > 0) {
                request.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                       lines.at(i).mid(colon + 1).trimmed());
            }
        }
        const int length = request.headers.value("content-length").toInt();
        if (buffer.size() < headerEnd + 4 + length) {
            return;
        }
        request.body = buffer.mid(headerEnd + 4, length);
        m_buffers.remove(socket);
        ++connections;
        const bool known = request.path == m_path;
        requests.append(request);
        const int status = known ? m_status : 404;
        const QByteArray body = known && status == 200 ? QByteArray("ok") : QByteArray("no such hook");
        socket->write("HTTP/1.1 " + QByteArray::number(status) + (status == 200 ? " OK" : " Error")
                      + "\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(body.size())
                      + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QByteArray m_path;
    int m_status;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

class TestRunReport : public QObject
{
    Q_OBJECT

private:
    /// Runs @p job to its end; false when it does not finish in time.
    static bool runToEnd(RunReportJob *job)
    {
        QSignalSpy finished(job, &M365::Job::finished);
        job->start();
        return finished.wait(Timeout) && finished.count() == 1;
    }

private Q_SLOTS:
    void textfileFollowsTheExpositionFormat()
    {
        const ProfileHealth health = sampleHealth();
        const QByteArray text = RunReport::prometheusText(health);
        QHash<QString, QString> types;
        QString error;
        const QList<Sample> samples = parseExposition(text, &types, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error + QStringLiteral("\n") + QString::fromUtf8(text)));

        const QStringList expected{QStringLiteral("m365sync_last_run_timestamp_seconds"),
                                   QStringLiteral("m365sync_last_run_success"),
                                   QStringLiteral("m365sync_failures"),
                                   QStringLiteral("m365sync_last_success_timestamp_seconds"),
                                   QStringLiteral("m365sync_changes_applied_total"),
                                   QStringLiteral("m365sync_pending_changes"),
                                   QStringLiteral("m365sync_pending_deletions"),
                                   QStringLiteral("m365sync_certificate_expiry_days")};
        QCOMPARE(samples.size(), expected.size());
        for (const Sample &s : samples) {
            QVERIFY2(expected.contains(s.name), qPrintable(s.name));
            QCOMPARE(s.labels, (QHash<QString, QString>{{QStringLiteral("profile"), QStringLiteral("contoso")}}));
            QVERIFY2(types.contains(s.name), qPrintable(s.name)); // every metric is typed
            QVERIFY(text.contains(QByteArray("# HELP " + s.name.toUtf8() + ' ')));
        }
        QCOMPARE(types.value(QStringLiteral("m365sync_changes_applied_total")), QStringLiteral("counter"));
        QCOMPARE(types.value(QStringLiteral("m365sync_failures")), QStringLiteral("gauge"));

        bool found = false;
        QCOMPARE(valueOf(samples, QStringLiteral("m365sync_last_run_timestamp_seconds"), &found),
                 double(health.lastAttempt->at.toSecsSinceEpoch()));
        QVERIFY(found);
        QCOMPARE(valueOf(samples, QStringLiteral("m365sync_last_run_success"), &found), 0.0); // failed items
        QCOMPARE(valueOf(samples, QStringLiteral("m365sync_failures"), &found), 2.0);
        QCOMPARE(valueOf(samples, QStringLiteral("m365sync_changes_applied_total"), &found), 112.0);
        QCOMPARE(valueOf(samples, QStringLiteral("m365sync_pending_changes"), &found), 14.0);
        QCOMPARE(valueOf(samples, QStringLiteral("m365sync_pending_deletions"), &found), 3.0);
        QCOMPARE(valueOf(samples, QStringLiteral("m365sync_certificate_expiry_days"), &found), 45.0);
    }

    void textfileLeavesOutWhatIsNotKnown()
    {
        ProfileHealth health = sampleHealth();
        health.profile = QStringLiteral("odd\"name\\x");
        health.lastRun.reset();
        health.lastAttempt.reset();
        health.lastSuccess = QDateTime();
        health.lastPlan.reset();
        health.usesCertificate = false;
        const QByteArray text = RunReport::prometheusText(health);
        QHash<QString, QString> types;
        QString error;
        const QList<Sample> samples = parseExposition(text, &types, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(samples.size(), 1);
        QCOMPARE(samples.first().name, QStringLiteral("m365sync_changes_applied_total"));
        QCOMPARE(samples.first().labels.value(QStringLiteral("profile")), health.profile); // escaped and read back

        // After a run that went well, the success is 1.
        health = sampleHealth();
        health.lastAttempt->outcome = QStringLiteral("done");
        types.clear();
        bool found = false;
        QCOMPARE(valueOf(parseExposition(RunReport::prometheusText(health), &types, &error),
                         QStringLiteral("m365sync_last_run_success"),
                         &found),
                 1.0);
        QVERIFY(found);
    }

    void parserRefusesWhatPrometheusRefuses_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("no final line feed") << QByteArray("# TYPE a gauge\na 1");
        QTest::newRow("bad name") << QByteArray("# TYPE 1a gauge\n1a 1\n");
        QTest::newRow("type after sample") << QByteArray("a 1\n# TYPE a gauge\n");
        QTest::newRow("timestamp") << QByteArray("# TYPE a gauge\na 1 1700000000000\n");
        QTest::newRow("not a float") << QByteArray("# TYPE a gauge\na one\n");
        QTest::newRow("unquoted label") << QByteArray("# TYPE a gauge\na{p=x} 1\n");
        QTest::newRow("bad escape") << QByteArray("# TYPE a gauge\na{p=\"\\x\"} 1\n");
        QTest::newRow("split group") << QByteArray("# TYPE a gauge\na{p=\"1\"} 1\n# TYPE b gauge\nb 1\na{p=\"2\"} 1\n");
        QTest::newRow("duplicate series") << QByteArray("# TYPE a gauge\na{p=\"1\"} 1\na{p=\"1\"} 2\n");
    }

    void parserRefusesWhatPrometheusRefuses()
    {
        QFETCH(QByteArray, text);
        QHash<QString, QString> types;
        QString error;
        parseExposition(text, &types, &error);
        QVERIFY(!error.isEmpty());
    }

    void textfileIsReplacedAtomically()
    {
        QTemporaryDir dir;
        ProfileHealth health = sampleHealth();
        const Result<QString> first = RunReport::writeTextfile(dir.path(), health);
        QVERIFY2(first.ok(), qPrintable(first.error.userMessage));
        QCOMPARE(first.value, dir.filePath(QStringLiteral("m365sync_contoso.prom")));
        QFile old(first.value);
        QVERIFY(old.open(QIODevice::ReadOnly));
        QVERIFY(QFile::permissions(first.value).testFlag(QFileDevice::ReadOther)); // node_exporter's user reads it

        // A scrape that opened the file before the next run still reads the whole old file: the new one was
        // written beside it and renamed over it, never written into it.
        health.changesAppliedTotal = 999;
        const Result<QString> second = RunReport::writeTextfile(dir.path(), health);
        QVERIFY(second.ok());
        const QByteArray before = old.readAll();
        QVERIFY(before.contains("m365sync_changes_applied_total{profile=\"contoso\"} 112\n"));
        QFile now(second.value);
        QVERIFY(now.open(QIODevice::ReadOnly));
        QCOMPARE(now.readAll(), RunReport::prometheusText(health));
        // No temporary file is left behind for the collector to find.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("m365sync_contoso.prom")});

        const Result<QString> missing = RunReport::writeTextfile(dir.filePath(QStringLiteral("nope")), health);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error.code, QStringLiteral("monitoring.textfile"));
        QVERIFY(missing.error.userMessage.contains(QLatin1String("monitoring set --profile contoso")));
    }

    void webhookReceivesTheDocumentedJson()
    {
        WebhookServer server("/hooks/T0/" + token.toUtf8());
        QVERIFY(server.listen());
        M365::Secrets::MemorySecretStore secrets;
        secrets.insert(webhookKey, (server.url() + QStringLiteral("/hooks/T0/") + token).toUtf8());
        QNetworkAccessManager nam;
        QTemporaryDir dir;
        const AttemptRecord attempt{
            QDateTime::currentDateTimeUtc(), QStringLiteral("failed"), QStringLiteral("The token was refused."), 0};
        ProfileHealth health = sampleHealth();
        QPointer<RunReportJob> job =
            new RunReportJob(&nam, &secrets, sampleProfile(dir.path(), true), health, attempt, this);
        QVERIFY(runToEnd(job));
        QVERIFY(!job->hasError());
        QVERIFY2(job->warnings().isEmpty(), qPrintable(job->warnings().join(QLatin1Char('\n'))));
        QCOMPARE(job->postedEvent(), QStringLiteral("failed"));
        QCOMPARE(job->textfilePath(), dir.filePath(QStringLiteral("m365sync_contoso.prom")));
        QVERIFY(QFile::exists(job->textfilePath()));

        QCOMPARE(server.requests.size(), 1);
        const WebhookServer::Request &request = server.requests.first();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path, "/hooks/T0/" + token.toUtf8());
        QCOMPARE(request.headers.value("content-type"), QByteArray("application/json"));
        QVERIFY(request.headers.value("user-agent").startsWith("m365sync/"));
        QJsonParseError parseError;
        const QJsonObject body = QJsonDocument::fromJson(request.body, &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        QCOMPARE(body.value(QLatin1String("profile")).toString(), QStringLiteral("contoso"));
        QCOMPARE(body.value(QLatin1String("event")).toString(), QStringLiteral("failed"));
        QCOMPARE(body.value(QLatin1String("message")).toString(), QStringLiteral("The token was refused."));
        QCOMPARE(body.value(QLatin1String("runId")), QJsonValue(QJsonValue::Null)); // no run was made
        const QString text = body.value(QLatin1String("text")).toString();
        QVERIFY2(text.contains(QLatin1String("profile contoso failed")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("The token was refused.")));
        QVERIFY(!text.contains(QLatin1Char('\n')));
        const QJsonObject reported = body.value(QLatin1String("health")).toObject();
        QCOMPARE(reported.value(QLatin1String("profile")).toString(), QStringLiteral("contoso"));
        // The health is about this attempt, even though it was collected before it.
        QCOMPARE(reported.value(QLatin1String("lastOutcome")).toString(), QStringLiteral("failed"));
        QCOMPARE(reported.value(QLatin1String("pendingDeletions")).toInt(), 3);
        QVERIFY(!QJsonDocument(body).toJson().contains(token.toUtf8())); // the URL is not in the report
    }

    void webhookEvents_data()
    {
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("event");
        QTest::newRow("failed") << "failed"
                                << "failed";
        QTest::newRow("guard") << "guard-stopped"
                               << "guard-stopped";
        QTest::newRow("failed items") << "failed-items"
                                      << "failed-items";
        QTest::newRow("done") << "done" << QString();
        QTest::newRow("locked") << "locked" << QString();
    }

    void webhookEvents()
    {
        QFETCH(QString, outcome);
        QFETCH(QString, event);
        WebhookServer server("/hook");
        QVERIFY(server.listen());
        M365::Secrets::MemorySecretStore secrets;
        secrets.insert(webhookKey, (server.url() + QStringLiteral("/hook")).toUtf8());
        QNetworkAccessManager nam;
        QTemporaryDir dir;
        const AttemptRecord attempt{QDateTime::currentDateTimeUtc(), outcome, QString(), 9};
        RunReportJob *job =
            new RunReportJob(&nam, &secrets, sampleProfile(dir.path(), true), sampleHealth(), attempt, this);
        QVERIFY(runToEnd(job));
        QCOMPARE(job->postedEvent(), event);
        QCOMPARE(server.requests.size(), event.isEmpty() ? 0 : 1);
        if (!event.isEmpty()) {
            const QJsonObject body = QJsonDocument::fromJson(server.requests.first().body).object();
            QCOMPARE(body.value(QLatin1String("event")).toString(), event);
            QCOMPARE(body.value(QLatin1String("runId")).toInt(), 9);
        }
        // Another run held the lock: it reports itself, so this attempt writes no metrics either.
        QCOMPARE(job->textfilePath().isEmpty(), outcome == QLatin1String("locked"));
        delete job;
    }

    void webhookFailureIsOnlyAWarning_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("reachable");
        QTest::addColumn<QString>("says");
        QTest::newRow("HTTP 500") << 500 << true << "answered HTTP 500";
        QTest::newRow("gone (404)") << 404 << true << "answered HTTP 404";
        QTest::newRow("nobody listens") << 0 << false << "could not be reached";
    }

    void webhookFailureIsOnlyAWarning()
    {
        QFETCH(int, status);
        QFETCH(bool, reachable);
        QFETCH(QString, says);
        QString url;
        std::unique_ptr<WebhookServer> server;
        if (reachable) {
            server = std::make_unique<WebhookServer>("/hook/" + token.toUtf8(), status);
            QVERIFY(server->listen());
            url = server->url() + QStringLiteral("/hook/") + token;
        } else {
            // A port that was free a moment ago and is closed now.
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            url = QStringLiteral("http://127.0.0.1:%1/hook/%2").arg(probe.serverPort()).arg(token);
        }
        M365::Secrets::MemorySecretStore secrets;
        secrets.insert(webhookKey, url.toUtf8());
        QNetworkAccessManager nam;
        QTemporaryDir dir;
        RunReportJob *job = new RunReportJob(
            &nam,
            &secrets,
            sampleProfile(dir.path(), true),
            sampleHealth(),
            AttemptRecord{
                QDateTime::currentDateTimeUtc(), QStringLiteral("guard-stopped"), QStringLiteral("40 removals"), 0},
            this);
        QVERIFY(runToEnd(job));
        QVERIFY(!job->hasError()); // the run is not failed by its report
        QVERIFY(job->postedEvent().isEmpty());
        QVERIFY(QFile::exists(job->textfilePath())); // the metrics are written all the same
        QCOMPARE(job->warnings().size(), 1);
        const QString warning = job->warnings().first();
        QVERIFY2(warning.contains(says), qPrintable(warning));
        QVERIFY2(warning.contains(QLatin1String("127.0.0.1")), qPrintable(warning)); // which host
        QVERIFY2(!warning.contains(token), qPrintable(warning)); // never the token
        delete job;
    }

    void webhookWithoutItsUrl()
    {
        M365::Secrets::MemorySecretStore secrets; // the keychain lost the URL
        QNetworkAccessManager nam;
        RunReportJob *job = new RunReportJob(
            &nam,
            &secrets,
            sampleProfile(QString(), true),
            sampleHealth(),
            AttemptRecord{QDateTime::currentDateTimeUtc(), QStringLiteral("failed"), QStringLiteral("x"), 0},
            this);
        QVERIFY(runToEnd(job));
        QVERIFY(!job->hasError());
        QCOMPARE(job->warnings().size(), 1);
        QVERIFY2(job->warnings().first().contains(QLatin1String("monitoring set --profile contoso")),
                 qPrintable(job->warnings().first()));
        QVERIFY(job->textfilePath().isEmpty()); // no directory set
        delete job;

        // A URL that would send the token in clear text over the network is not called.
        secrets.insert(webhookKey, "http://hooks.example.com/" + token.toUtf8());
        job = new RunReportJob(
            &nam,
            &secrets,
            sampleProfile(QString(), true),
            sampleHealth(),
            AttemptRecord{QDateTime::currentDateTimeUtc(), QStringLiteral("failed"), QStringLiteral("x"), 0},
            this);
        QVERIFY(runToEnd(job));
        QCOMPARE(job->warnings().size(), 1);
        QVERIFY2(job->warnings().first().contains(QLatin1String("https://")), qPrintable(job->warnings().first()));
        QVERIFY(!job->warnings().first().contains(token));
        delete job;
    }

    void overdueAlert()
    {
        WebhookServer server("/hook");
        QVERIFY(server.listen());
        M365::Secrets::MemorySecretStore secrets;
        secrets.insert(webhookKey, (server.url() + QStringLiteral("/hook")).toUtf8());
        QNetworkAccessManager nam;
        QTemporaryDir dir;
        RunReportJob *job = RunReportJob::overdueAlert(&nam,
                                                       &secrets,
                                                       sampleProfile(dir.path(), true),
                                                       sampleHealth(),
                                                       QStringLiteral("the last successful run was 30 hours ago"),
                                                       this);
        QVERIFY(runToEnd(job));
        QCOMPARE(job->postedEvent(), QStringLiteral("overdue"));
        QVERIFY(job->textfilePath().isEmpty()); // the alert writes no metrics
        QVERIFY(QDir(dir.path()).isEmpty());
        QCOMPARE(server.requests.size(), 1);
        const QJsonObject body = QJsonDocument::fromJson(server.requests.first().body).object();
        QCOMPARE(body.value(QLatin1String("event")).toString(), QStringLiteral("overdue"));
        QCOMPARE(body.value(QLatin1String("message")).toString(),
                 QStringLiteral("the last successful run was 30 hours ago"));
        QVERIFY(
            body.value(QLatin1String("text")).toString().contains(QLatin1String("schedule show --profile contoso")));
        delete job;
    }

    void cancelledReportSaysSo()
    {
        // A webhook that never answers: the report can be cancelled, and finishes once, as cancelled.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        M365::Secrets::MemorySecretStore secrets;
        secrets.insert(webhookKey, QStringLiteral("http://127.0.0.1:%1/hook").arg(silent.serverPort()).toUtf8());
        QNetworkAccessManager nam;
        RunReportJob *job = new RunReportJob(
            &nam,
            &secrets,
            sampleProfile(QString(), true),
            sampleHealth(),
            AttemptRecord{QDateTime::currentDateTimeUtc(), QStringLiteral("failed"), QStringLiteral("x"), 0},
            this);
        QSignalSpy finished(job, &M365::Job::finished);
        job->start();
        QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections(), Timeout);
        job->cancel();
        QCOMPARE(finished.count(), 1);
        QVERIFY(job->wasCancelled());
        QVERIFY(job->postedEvent().isEmpty());
        delete job;
    }

    void acceptableWebhookUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::newRow("https") << "https://contoso.webhook.office.com/webhookb2/abc" << true;
        QTest::newRow("slack") << "https://hooks.slack.com/services/T0/B0/X" << true;
        QTest::newRow("http loopback") << "http://127.0.0.1:8080/hook" << true;
        QTest::newRow("http localhost") << "http://localhost/hook" << true;
        QTest::newRow("http ipv6 loopback") << "http://[::1]:9/hook" << true;
        QTest::newRow("http remote") << "http://hooks.example.com/hook" << false;
        QTest::newRow("ftp") << "ftp://example.com/x" << false;
        QTest::newRow("no host") << "https:///x" << false;
        QTest::newRow("not a url") << "hello" << false;
    }

    void acceptableWebhookUrls()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        QString why;
        QCOMPARE(RunReport::isAcceptableWebhookUrl(QUrl(url), &why), ok);
        QCOMPARE(why.isEmpty(), ok);
    }

    void attemptOutcomes()
    {
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::Done), QStringLiteral("done"));
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::NothingToDo), QStringLiteral("done"));
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::FailedItems), QStringLiteral("failed-items"));
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::Failed), QStringLiteral("failed"));
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::GuardStopped), QStringLiteral("guard-stopped"));
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::Locked), QStringLiteral("locked"));
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::Planned), QString());
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::Declined), QString());
        QCOMPARE(RunReport::attemptOutcomeFor(RunOutcome::Stopped), QString());
    }

    void profileKeepsMonitoringSettings()
    {
        M365::Profile::Profile profile = sampleProfile(QStringLiteral("/var/lib/node_exporter/textfile"), true);
        const QJsonObject json = profile.toJson();
        QCOMPARE(json.value(QLatin1String("monitoring")).toObject(),
                 (QJsonObject{{QStringLiteral("textfileDirectory"), QStringLiteral("/var/lib/node_exporter/textfile")},
                              {QStringLiteral("webhookSecretRef"), webhookKey}}));
        M365::Error error;
        const std::optional<M365::Profile::Profile> read = M365::Profile::Profile::fromJson(json, &error);
        QVERIFY2(read, qPrintable(error.userMessage));
        QCOMPARE(read->monitoring.textfileDirectory, QStringLiteral("/var/lib/node_exporter/textfile"));
        QCOMPARE(read->monitoring.webhookSecretRef, webhookKey);
        QVERIFY(*read == profile);

        // Without monitoring the file stays as it was.
        M365::Profile::Profile plain = sampleProfile(QString(), false);
        QVERIFY(!plain.toJson().contains(QLatin1String("monitoring")));
        QVERIFY(M365::Profile::Profile::fromJson(plain.toJson())->monitoring.isEmpty());
    }

    void profileRefusesAWebhookUrlInTheFile_data()
    {
        QTest::addColumn<QString>("member");
        QTest::addColumn<QString>("value");
        QTest::newRow("URL as the reference") << "webhookSecretRef"
                                              << "https://hooks.slack.com/services/T/B/X";
        QTest::newRow("another profile's key") << "webhookSecretRef"
                                               << "m365sync/fabrikam/webhookUrl";
        QTest::newRow("URL beside") << "webhookUrl"
                                    << "https://contoso.webhook.office.com/webhookb2/abc";
    }

    void profileRefusesAWebhookUrlInTheFile()
    {
        QFETCH(QString, member);
        QFETCH(QString, value);
        QJsonObject json = sampleProfile(QString(), false).toJson();
        json.insert(QStringLiteral("monitoring"), QJsonObject{{member, value}});
        M365::Error error;
        QVERIFY(!M365::Profile::Profile::fromJson(json, &error));
        QCOMPARE(error.code, QStringLiteral("profile.secretInFile"));
        QVERIFY2(error.userMessage.contains(QLatin1String("monitoring set --profile contoso")),
                 qPrintable(error.userMessage));
        QVERIFY(!error.userMessage.contains(QLatin1String("hooks."))
                && !error.details.contains(QLatin1String("hooks.")));
    }
};

QTEST_GUILESS_MAIN(TestRunReport)
#include "tst_runreport.moc"
