// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitorcommand.h"

#include "platform.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "sync/runreport.h"
#include "sync/statestore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>

namespace M365::Cli {

namespace {

/// The state store meta key remembering when the overdue alert of the current episode was sent.
const QString overdueAlertKey = QStringLiteral("overdueAlertSentAt");

QString dateText(const QDateTime &at)
{
    return at.isValid() ? at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("-");
}

/// Parses @p arguments (without the command words) into @p parser; prints the problem and returns false when they
/// are wrong or positional arguments are left over.
bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &usage)
{
    if (!parser.parse(QStringList{QStringLiteral("m365sync-cli")} + arguments)
        || !parser.positionalArguments().isEmpty()) {
        err() << (parser.errorText().isEmpty()
                      ? QCoreApplication::translate("M365::Cli::MonitorCommand", "Unexpected argument \"%1\".")
                            .arg(parser.positionalArguments().value(0))
                      : parser.errorText())
              << '\n'
              << usage << '\n';
        return false;
    }
    return true;
}

} // namespace

MonitorCommand::MonitorCommand(Secrets::SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
{}

MonitorCommand::~MonitorCommand() = default;

void MonitorCommand::exit(int code)
{
    finish(code);
}

bool MonitorCommand::handles(const QStringList &arguments)
{
    const QString command = arguments.value(0);
    return (command == QLatin1String("status") && arguments.contains(QStringLiteral("--all")))
        || command == QLatin1String("health") || command == QLatin1String("monitoring");
}

void MonitorCommand::run(const QStringList &arguments)
{
    const QString command = arguments.value(0);
    if (command == QLatin1String("status")) {
        statusAll(arguments.mid(1));
    } else if (command == QLatin1String("health")) {
        health(arguments.mid(1));
    } else if (command == QLatin1String("monitoring") && arguments.value(1) == QLatin1String("set")) {
        monitoringSet(arguments.mid(2));
    } else if (command == QLatin1String("monitoring") && arguments.value(1) == QLatin1String("show")) {
        monitoringShow(arguments.mid(2));
    } else {
        err() << tr("Use: m365sync-cli monitoring set|show --profile NAME … (see m365sync-cli monitoring --help)")
              << '\n';
        exit(Usage);
    }
}

void MonitorCommand::statusAll(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption all(QStringLiteral("all"), tr("Every profile."));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    const QCommandLineOption maxAge(
        QStringLiteral("max-age"), tr("How old the last successful run may be."), QStringLiteral("duration"));
    const QCommandLineOption notify(QStringLiteral("notify-overdue"), tr("Alert the webhooks of overdue profiles."));
    parser.addOptions({all, json, maxAge, notify});
    const QString usage =
        tr("Usage: m365sync-cli status --all [--json] [--max-age DURATION] [--notify-overdue]; DURATION like 26h, "
           "90m or 2d.");
    if (!parse(parser, arguments, usage)) {
        exit(Usage);
        return;
    }
    std::optional<qint64> maxAgeSeconds;
    if (parser.isSet(maxAge)) {
        maxAgeSeconds = Sync::parseDuration(parser.value(maxAge));
        if (!maxAgeSeconds) {
            err() << tr("\"%1\" is not a duration: write it like 26h, 90m or 2d.").arg(parser.value(maxAge)) << '\n';
            exit(Usage);
            return;
        }
    }
    m_json = parser.isSet(json);

    Profile::ProfileStore profiles;
    M365::Error listError;
    const QStringList names = profiles.list(&listError);
    if (!listError.isNull()) {
        err() << listError.userMessage << '\n';
        exit(Failed);
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QString &name : names) {
        Row row;
        M365::Error error;
        row.profile = profiles.load(name, &error);
        if (!row.profile) {
            row.health = Sync::ProfileHealth::unreadable(name, error.userMessage, now);
        } else if (row.profile->isDraft()) {
            row.health = Sync::ProfileHealth::unreadable(name, row.profile->draftError().userMessage, now);
        } else {
            row.health = Sync::ProfileHealth::load(*row.profile, {}, now);
        }
        row.maxAgeSeconds = maxAgeSeconds.value_or(row.health.defaultMaxAgeSeconds());
        row.verdict = Sync::evaluate(row.health, row.maxAgeSeconds, now);
        m_rows.append(row);
    }
    if (parser.isSet(notify)) {
        m_nam = new QNetworkAccessManager(this);
        notifyNextOverdue();
    } else {
        printStatus();
    }
}

void MonitorCommand::notifyNextOverdue()
{
    while (m_nextAlert < m_rows.size()) {
        Row &row = m_rows[m_nextAlert++];
        if (!row.verdict.overdue || !row.profile) {
            continue;
        }
        if (row.profile->monitoring.webhookSecretRef.isEmpty()) {
            row.alert = QStringLiteral("no-webhook");
            continue;
        }
        // One alert per overdue episode: not again until a run has succeeded since the last one was sent.
        Sync::StateStore store;
        const Result<bool> opened = store.open(Sync::StateStore::pathForProfile(row.health.profile));
        if (!opened.ok()) {
            err() << opened.error.userMessage << '\n';
            row.alert = QStringLiteral("failed");
            continue;
        }
        const QDateTime sent = QDateTime::fromString(store.meta(overdueAlertKey), Qt::ISODateWithMs);
        if (sent.isValid() && sent > row.health.lastSuccess) {
            row.alert = QStringLiteral("already-sent");
            continue;
        }
        store.close();
        const QString message = row.verdict.reasons.value(0);
        Sync::RunReportJob *job =
            Sync::RunReportJob::overdueAlert(m_nam, m_secrets, *row.profile, row.health, message, this);
        const int index = m_nextAlert - 1;
        connect(job, &M365::Job::finished, this, [this, job, index] {
            Row &row = m_rows[index];
            job->deleteLater();
            for (const QString &warning : job->warnings()) {
                err() << warning << '\n';
            }
            if (job->postedEvent().isEmpty()) {
                row.alert = QStringLiteral("failed");
            } else {
                row.alert = QStringLiteral("sent");
                Sync::StateStore store;
                const Result<bool> opened = store.open(Sync::StateStore::pathForProfile(row.health.profile));
                const Result<bool> remembered = opened.ok()
                    ? store.setMeta(overdueAlertKey, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
                    : opened;
                if (!remembered.ok()) {
                    err() << remembered.error.userMessage << '\n';
                }
            }
            notifyNextOverdue();
        });
        job->start();
        return;
    }
    printStatus();
}

void MonitorCommand::printStatus()
{
    if (m_json) {
        QJsonArray list;
        for (const Row &row : std::as_const(m_rows)) {
            QJsonObject entry = row.health.toJson();
            entry.insert(QStringLiteral("state"), Sync::HealthVerdict::stateName(row.verdict.code));
            entry.insert(QStringLiteral("code"), row.verdict.code);
            entry.insert(QStringLiteral("line"), row.verdict.output());
            entry.insert(QStringLiteral("overdue"), row.verdict.overdue);
            entry.insert(QStringLiteral("maxAgeSeconds"), row.maxAgeSeconds);
            if (!row.alert.isEmpty()) {
                entry.insert(QStringLiteral("overdueAlert"), row.alert);
            }
            list.append(entry);
        }
        out() << QJsonDocument(
                     QJsonObject{{QStringLiteral("generatedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                                 {QStringLiteral("profiles"), list}})
                     .toJson(QJsonDocument::Indented);
        exit(Done);
        return;
    }
    if (m_rows.isEmpty()) {
        out() << tr("No profiles yet. Create one with \"m365sync-cli profile create\" or the app's wizard.") << '\n';
        exit(Done);
        return;
    }
    QList<QStringList> table{{tr("PROFILE"),
                              tr("HEALTH"),
                              tr("LAST RUN"),
                              tr("RESULT"),
                              tr("PENDING"),
                              tr("DELETIONS"),
                              tr("CERTIFICATE"),
                              tr("NEXT RUN")}};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Row &row : std::as_const(m_rows)) {
        const Sync::ProfileHealth &h = row.health;
        QString certificate = tr("client secret");
        if (const std::optional<int> days = h.certificateDaysLeft(now)) {
            certificate = h.certificateNotAfter <= now ? tr("expired") : tr("%n day(s)", nullptr, *days);
        } else if (h.usesCertificate) {
            certificate = QStringLiteral("-");
        }
        QString result = h.isReadable() ? h.lastOutcome() : tr("unreadable");
        if (result.isEmpty()) {
            result = h.lastRun ? h.lastRun->status : tr("never run");
        }
        table.append({h.profile,
                      Sync::HealthVerdict::stateName(row.verdict.code),
                      dateText(h.lastRunAt()),
                      result,
                      h.lastPlan ? QString::number(h.lastPlan->pending) : QStringLiteral("-"),
                      h.lastPlan ? QString::number(h.lastPlan->destructive) : QStringLiteral("-"),
                      certificate,
                      h.scheduleEnabled ? dateText(h.nextRun) : tr("not scheduled")});
    }
    QList<int> widths(table.first().size(), 0);
    for (const QStringList &line : std::as_const(table)) {
        for (int i = 0; i < line.size(); ++i) {
            widths[i] = qMax(widths[i], int(line.at(i).size()));
        }
    }
    for (const QStringList &line : std::as_const(table)) {
        QString text;
        for (int i = 0; i < line.size(); ++i) {
            text += i + 1 < line.size() ? line.at(i).leftJustified(widths.at(i) + 2) : line.at(i);
        }
        out() << text << '\n';
    }
    // Why a profile is not OK, one line each, and what became of the alerts.
    for (const Row &row : std::as_const(m_rows)) {
        if (row.verdict.code != Sync::HealthVerdict::Ok) {
            out() << row.verdict.line << '\n';
        }
        if (row.alert == QLatin1String("sent")) {
            out() << tr("%1: the overdue alert was sent to the webhook.").arg(row.health.profile) << '\n';
        } else if (row.alert == QLatin1String("no-webhook")) {
            out() << tr("%1 is overdue but has no webhook: set one with m365sync-cli monitoring set --profile %1 "
                        "--webhook-url-env VARIABLE.")
                         .arg(row.health.profile)
                  << '\n';
        }
    }
    exit(Done);
}

void MonitorCommand::health(const QStringList &arguments)
{
    // A monitoring plugin answers everything with a plugin state: a wrong command line is UNKNOWN (3), as the
    // plugin guidelines ask, not the CLI's usage code 2, which Icinga or Nagios would show as CRITICAL.
    const auto unknown = [this](const QString &profile, const QString &why) {
        out() << QStringLiteral("M365SYNC UNKNOWN - %1: %2").arg(profile.isEmpty() ? tr("(no profile)") : profile, why)
              << '\n';
        exit(Sync::HealthVerdict::Unknown);
    };
    QCommandLineParser parser;
    const QCommandLineOption profile(QStringLiteral("profile"), tr("The profile to check."), QStringLiteral("name"));
    const QCommandLineOption maxAge(
        QStringLiteral("max-age"), tr("How old the last successful run may be."), QStringLiteral("duration"));
    parser.addOptions({profile, maxAge});
    if (!parser.parse(QStringList{QStringLiteral("m365sync-cli")} + arguments)
        || !parser.positionalArguments().isEmpty() || !parser.isSet(profile)) {
        unknown(parser.value(profile),
                tr("usage: m365sync-cli health --profile NAME [--max-age DURATION], DURATION like 26h, 90m or 2d"));
        return;
    }
    std::optional<qint64> maxAgeSeconds;
    if (parser.isSet(maxAge)) {
        maxAgeSeconds = Sync::parseDuration(parser.value(maxAge));
        if (!maxAgeSeconds) {
            unknown(parser.value(profile),
                    tr("\"%1\" is not a duration: write it like 26h, 90m or 2d").arg(parser.value(maxAge)));
            return;
        }
    }
    const QString name = parser.value(profile);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    M365::Error error;
    const std::optional<Profile::Profile> loaded = Profile::ProfileStore().load(name, &error);
    Sync::ProfileHealth health;
    if (!loaded) {
        health = Sync::ProfileHealth::unreadable(name, error.userMessage, now);
    } else if (loaded->isDraft()) {
        health = Sync::ProfileHealth::unreadable(name, loaded->draftError().userMessage, now);
    } else {
        health = Sync::ProfileHealth::load(*loaded, {}, now);
    }
    const Sync::HealthVerdict verdict =
        Sync::evaluate(health, maxAgeSeconds.value_or(health.defaultMaxAgeSeconds()), now);
    out() << verdict.output() << '\n';
    exit(verdict.code);
}

void MonitorCommand::monitoringSet(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption profile(QStringLiteral("profile"), tr("The profile."), QStringLiteral("name"));
    const QCommandLineOption textfileDir(
        QStringLiteral("textfile-dir"), tr("Write m365sync_NAME.prom there after each run."), QStringLiteral("folder"));
    const QCommandLineOption noTextfile(QStringLiteral("no-textfile"), tr("Write no metrics file."));
    const QCommandLineOption webhookEnv(QStringLiteral("webhook-url-env"),
                                        tr("The webhook URL, from this environment variable."),
                                        QStringLiteral("variable"));
    const QCommandLineOption webhookStdin(QStringLiteral("webhook-url-stdin"),
                                          tr("The webhook URL, from the first line of standard input."));
    const QCommandLineOption noWebhook(QStringLiteral("no-webhook"), tr("Remove the webhook."));
    parser.addOptions({profile, textfileDir, noTextfile, webhookEnv, webhookStdin, noWebhook});
    const QString usage =
        tr("Usage: m365sync-cli monitoring set --profile NAME [--textfile-dir FOLDER | --no-textfile] "
           "[--webhook-url-env VARIABLE | --webhook-url-stdin | --no-webhook]");
    if (!parse(parser, arguments, usage)) {
        exit(Usage);
        return;
    }
    const int webhookChoices =
        int(parser.isSet(webhookEnv)) + int(parser.isSet(webhookStdin)) + int(parser.isSet(noWebhook));
    const bool textfileChoice = parser.isSet(textfileDir) || parser.isSet(noTextfile);
    if (!parser.isSet(profile) || webhookChoices > 1 || (parser.isSet(textfileDir) && parser.isSet(noTextfile))
        || (webhookChoices == 0 && !textfileChoice)) {
        err() << (!parser.isSet(profile) ? tr("monitoring set needs --profile NAME.")
                      : webhookChoices > 1
                      ? tr("Give only one of --webhook-url-env, --webhook-url-stdin and --no-webhook.")
                      : textfileChoice ? tr("Give only one of --textfile-dir and --no-textfile.")
                                       : tr("Nothing to set: give --textfile-dir, --webhook-url-env, "
                                            "--webhook-url-stdin, --no-textfile or --no-webhook."))
              << '\n'
              << usage << '\n';
        exit(Usage);
        return;
    }
    M365::Error error;
    std::optional<Profile::Profile> loaded = Profile::ProfileStore().load(parser.value(profile), &error);
    if (!loaded) {
        err() << error.userMessage << '\n';
        exit(Failed);
        return;
    }
    Profile::Profile updated = *loaded;
    if (parser.isSet(noTextfile)) {
        updated.monitoring.textfileDirectory.clear();
    } else if (parser.isSet(textfileDir)) {
        const QFileInfo folder(parser.value(textfileDir));
        if (!folder.isDir()) {
            err() << tr("The folder %1 does not exist. Create it first (node_exporter reads the folder given to "
                        "its --collector.textfile.directory option).")
                         .arg(QDir::toNativeSeparators(folder.absoluteFilePath()))
                  << '\n';
            exit(Failed);
            return;
        }
        if (!folder.isWritable()) {
            err() << tr("Warning: you cannot write to %1; the scheduled runs must run as a user who can.")
                         .arg(QDir::toNativeSeparators(folder.absoluteFilePath()))
                  << '\n';
        }
        updated.monitoring.textfileDirectory = folder.absoluteFilePath();
    }
    if (webhookChoices == 0) {
        saveMonitoring(updated);
        return;
    }
    const QString key = Secrets::SecretStore::key(updated.name, QString::fromLatin1(Secrets::Purpose::WebhookUrl));
    if (parser.isSet(noWebhook)) {
        Secrets::SecretJob *remove = m_secrets->remove(key, this);
        connect(remove, &Secrets::SecretJob::finished, this, [this, remove, updated]() mutable {
            remove->deleteLater();
            if (remove->hasError()) {
                err() << remove->errorString() << '\n';
                exit(Failed);
                return;
            }
            updated.monitoring.webhookSecretRef.clear();
            saveMonitoring(updated);
        });
        remove->start();
        return;
    }
    // The URL carries the token that lets anyone post to the channel: never from an argument, which other users of
    // the machine can read in the process list.
    QString url;
    if (parser.isSet(webhookEnv)) {
        url = qEnvironmentVariable(parser.value(webhookEnv).toLocal8Bit().constData()).trimmed();
        if (url.isEmpty()) {
            err() << tr("The environment variable %1 is empty or not set: put the webhook URL in it.")
                         .arg(parser.value(webhookEnv))
                  << '\n';
            exit(Failed);
            return;
        }
    } else {
        url = readSecretLine(tr("Webhook URL: ")).trimmed();
        if (url.isEmpty()) {
            err() << tr("No webhook URL on standard input: give it as the first line.") << '\n';
            exit(Failed);
            return;
        }
    }
    QString why;
    if (!Sync::RunReport::isAcceptableWebhookUrl(QUrl(url), &why)) {
        err() << tr("That webhook URL cannot be used: %1.").arg(why) << '\n';
        exit(Failed);
        return;
    }
    Secrets::SecretJob *write = m_secrets->write(key, url.toUtf8(), this);
    url.fill(QLatin1Char(' '));
    connect(write, &Secrets::SecretJob::finished, this, [this, write, updated, key]() mutable {
        write->deleteLater();
        if (write->hasError()) {
            err() << write->errorString() << '\n';
            exit(Failed);
            return;
        }
        updated.monitoring.webhookSecretRef = key;
        saveMonitoring(updated);
    });
    write->start();
}

void MonitorCommand::saveMonitoring(const Profile::Profile &profile)
{
    M365::Error error;
    if (!Profile::ProfileStore().save(profile, &error)) {
        err() << error.userMessage << '\n';
        exit(Failed);
        return;
    }
    out() << tr("Monitoring of profile %1:").arg(profile.name) << '\n'
          << tr("  Metrics file: %1")
                 .arg(profile.monitoring.textfileDirectory.isEmpty()
                          ? tr("none")
                          : QDir::toNativeSeparators(QDir(profile.monitoring.textfileDirectory)
                                                         .filePath(Sync::RunReport::textfileName(profile.name))))
          << '\n'
          << tr("  Webhook:      %1")
                 .arg(profile.monitoring.webhookSecretRef.isEmpty() ? tr("none")
                                                                    : tr("set (the URL is in the keychain)"))
          << '\n';
    exit(Done);
}

void MonitorCommand::monitoringShow(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption profile(QStringLiteral("profile"), tr("The profile."), QStringLiteral("name"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOptions({profile, json});
    const QString usage = tr("Usage: m365sync-cli monitoring show --profile NAME [--json]");
    if (!parse(parser, arguments, usage) || !parser.isSet(profile)) {
        if (!parser.isSet(profile)) {
            err() << tr("monitoring show needs --profile NAME.") << '\n' << usage << '\n';
        }
        exit(Usage);
        return;
    }
    M365::Error error;
    const std::optional<Profile::Profile> loaded = Profile::ProfileStore().load(parser.value(profile), &error);
    if (!loaded) {
        err() << error.userMessage << '\n';
        exit(Failed);
        return;
    }
    const Profile::MonitoringSettings settings = loaded->monitoring;
    const QString name = loaded->name;
    const bool asJson = parser.isSet(json);
    const auto show = [this, settings, name, asJson](const QString &webhookState) {
        const QString textfile = settings.textfileDirectory.isEmpty()
            ? QString()
            : QDir(settings.textfileDirectory).filePath(Sync::RunReport::textfileName(name));
        if (asJson) {
            out() << QJsonDocument(
                         QJsonObject{{QStringLiteral("profile"), name},
                                     {QStringLiteral("textfileDirectory"),
                                      settings.textfileDirectory.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                           : QJsonValue(settings.textfileDirectory)},
                                     {QStringLiteral("textfile"),
                                      textfile.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(textfile)},
                                     {QStringLiteral("webhook"), webhookState}})
                         .toJson(QJsonDocument::Indented);
        } else {
            out() << tr("Monitoring of profile %1:").arg(name) << '\n'
                  << tr("  Metrics file: %1").arg(textfile.isEmpty() ? tr("none") : QDir::toNativeSeparators(textfile))
                  << '\n'
                  << tr("  Webhook:      %1")
                         .arg(webhookState == QLatin1String("set") ? tr("set (the URL is in the keychain)")
                                  : webhookState == QLatin1String("missing")
                                  ? tr("set, but its URL is missing from the keychain: set it again with "
                                       "m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE")
                                        .arg(name)
                                  : webhookState == QLatin1String("unreadable")
                                  ? tr("set, but the keychain could not be read")
                                  : tr("none"))
                  << '\n';
        }
        exit(Done);
    };
    if (settings.webhookSecretRef.isEmpty()) {
        show(QStringLiteral("none"));
        return;
    }
    // Whether the URL is really there; it is read, never printed.
    Secrets::SecretJob *read = m_secrets->read(settings.webhookSecretRef, this);
    connect(read, &Secrets::SecretJob::finished, this, [read, show] {
        read->deleteLater();
        show(!read->hasError()                                              ? QStringLiteral("set")
                 : read->failure() == Secrets::SecretJob::Failure::NotFound ? QStringLiteral("missing")
                                                                            : QStringLiteral("unreadable"));
    });
    read->start();
}

} // namespace M365::Cli
