// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "schedulecommand.h"

#include "cliio.h"
#include "platform.h"
#include "profile/profilestore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace M365::Cli {

namespace {

const char unitDirectoryVariable[] = "M365SYNC_SYSTEMD_UNIT_DIR";
const char noSystemctlVariable[] = "M365SYNC_NO_SYSTEMCTL";

bool everyFromText(const QString &text, Sync::Schedule::Every *every)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("hour") || t == QLatin1String("hourly") || t == QLatin1String("1h")) {
        *every = Sync::Schedule::Every::Hour;
    } else if (t == QLatin1String("4h") || t == QLatin1String("4hours")) {
        *every = Sync::Schedule::Every::FourHours;
    } else if (t == QLatin1String("day") || t == QLatin1String("daily") || t == QLatin1String("24h")) {
        *every = Sync::Schedule::Every::Day;
    } else {
        return false;
    }
    return true;
}

QString describe(const Sync::Schedule &schedule)
{
    const QString at = schedule.at.toString(QStringLiteral("HH:mm"));
    switch (schedule.every) {
    case Sync::Schedule::Every::Hour:
        return ScheduleCommand::tr("every hour at minute %1").arg(schedule.at.toString(QStringLiteral("mm")));
    case Sync::Schedule::Every::FourHours:
        return ScheduleCommand::tr("every 4 hours from %1")
            .arg(QTime(schedule.at.hour() % 4, schedule.at.minute()).toString(QStringLiteral("HH:mm")));
    case Sync::Schedule::Every::Day:
        break;
    }
    return ScheduleCommand::tr("every day at %1").arg(at);
}

} // namespace

ScheduleCommand::ScheduleCommand(QObject *parent)
    : QObject(parent)
{}

Sync::ScheduleInstaller ScheduleCommand::installer(Sync::ScheduleInstaller::Scope scope) const
{
    return Sync::ScheduleInstaller(QCoreApplication::applicationFilePath(),
                                   qEnvironmentVariable(unitDirectoryVariable),
                                   qEnvironmentVariableIsEmpty(noSystemctlVariable),
                                   scope);
}

void ScheduleCommand::run(const QStringList &arguments)
{
    const QString action = arguments.value(0);
    QCommandLineParser parser;
    const QCommandLineOption profile(QStringLiteral("profile"), tr("The profile."), tr("name"));
    const QCommandLineOption every(QStringLiteral("every"), tr("hour, 4h or day."), tr("interval"));
    const QCommandLineOption at(QStringLiteral("at"), tr("The time (HH:MM)."), tr("time"));
    const QCommandLineOption system(QStringLiteral("system"), tr("A system-wide timer (as root)."));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOptions({profile, every, at, system, json});
    const bool known =
        action == QLatin1String("enable") || action == QLatin1String("disable") || action == QLatin1String("show");
    if (!known || !parser.parse(QStringList{QStringLiteral("schedule")} + arguments.mid(1))
        || !parser.positionalArguments().isEmpty() || !parser.isSet(profile)) {
        err() << (known && !parser.errorText().isEmpty() ? parser.errorText() + QLatin1Char('\n') : QString())
              << tr("Use: m365sync-cli schedule enable|disable|show --profile NAME [--every hour|4h|day] [--at HH:MM] "
                    "[--system]. See m365sync-cli schedule --help.")
              << '\n';
        finish(Usage);
        return;
    }
    if (action != QLatin1String("enable") && (parser.isSet(every) || parser.isSet(at))) {
        err() << tr("--every and --at belong to schedule enable.") << '\n';
        finish(Usage);
        return;
    }
    if (action == QLatin1String("show") ? parser.isSet(system) : parser.isSet(json)) {
        err() << (parser.isSet(system)
                      ? tr("schedule show looks for both kinds of timer by itself; leave out --system.")
                      : tr("--json belongs to schedule show."))
              << '\n';
        finish(Usage);
        return;
    }
    M365::Error error;
    const auto loaded = Profile::ProfileStore().load(parser.value(profile), &error);
    if (!loaded) {
        err() << error.userMessage << '\n';
        finish(Failed);
        return;
    }
    m_profile = *loaded;
    const Result<Sync::SyncSettings> settings = Sync::SyncSettings::fromJson(m_profile.sync);
    if (!settings.ok()) {
        err() << settings.error.userMessage << ' ' << settings.error.details << '\n';
        finish(Failed);
        return;
    }
    m_settings = settings.value;
    if (action == QLatin1String("show")) {
        show(parser.isSet(json));
        return;
    }
    if (parser.isSet(system)) {
#ifdef Q_OS_WIN
        err() << tr("--system is for systemd on Linux. On Windows the task runs as your user; leave out --system.")
              << '\n';
        finish(Usage);
        return;
#else
        if (!runsAsRoot() && qEnvironmentVariableIsEmpty(unitDirectoryVariable)) {
            err() << tr("--system writes to /etc/systemd/system, which only root may do: run the command with sudo, "
                        "or leave out --system for a timer of your own user.")
                  << '\n';
            finish(Failed);
            return;
        }
        m_scope = Sync::ScheduleInstaller::Scope::System;
#endif
    }
    Sync::Schedule schedule = m_settings.schedule;
    schedule.enabled = action == QLatin1String("enable");
    if (parser.isSet(every) && !everyFromText(parser.value(every), &schedule.every)) {
        err() << tr("Unknown --every \"%1\": use hour, 4h or day.").arg(parser.value(every)) << '\n';
        finish(Usage);
        return;
    }
    if (parser.isSet(at)) {
        const QTime time = QTime::fromString(parser.value(at).trimmed(), QStringLiteral("H:mm"));
        if (!time.isValid()) {
            err() << tr("--at \"%1\" is not a time: write HH:MM, e.g. --at 02:30.").arg(parser.value(at)) << '\n';
            finish(Usage);
            return;
        }
        schedule.at = time;
    }
    apply(schedule);
}

void ScheduleCommand::apply(const Sync::Schedule &schedule)
{
    const Sync::ScheduleInstaller target = installer(m_scope);
    auto *job = new Sync::ScheduleJob(target, m_profile.name, schedule, this);
    connect(job, &Job::finished, this, [this, job, schedule, target] {
        job->deleteLater();
        if (job->hasError()) {
            err() << job->error().userMessage << '\n';
            if (!job->error().details.isEmpty()) {
                err() << job->error().details << '\n';
            }
            err() << tr("The profile's schedule is unchanged.") << '\n';
            finish(Failed);
            return;
        }
        m_settings.schedule = schedule;
        m_profile.sync = m_settings.toJson();
        M365::Error error;
        if (!Profile::ProfileStore().save(m_profile, &error)) {
            err() << error.userMessage << '\n';
            finish(Failed);
            return;
        }
        if (!schedule.enabled) {
            out() << tr("Profile \"%1\" no longer synchronizes by itself.").arg(m_profile.name) << '\n';
            finish(Done);
            return;
        }
        out() << tr("Profile \"%1\" synchronizes by itself %2; next run %3.")
                     .arg(m_profile.name,
                          describe(schedule),
                          schedule.nextRun(QDateTime::currentDateTime()).toString(QStringLiteral("yyyy-MM-dd HH:mm")))
              << '\n';
#ifndef Q_OS_WIN
        out() << tr("Timer: %1")
                     .arg(QDir::toNativeSeparators(target.unitDirectory() + QLatin1Char('/')
                                                   + target.timerName(m_profile.name)))
              << '\n';
        const Sync::ScheduleInstaller other =
            installer(m_scope == Sync::ScheduleInstaller::Scope::System ? Sync::ScheduleInstaller::Scope::User
                                                                        : Sync::ScheduleInstaller::Scope::System);
        if (other.isInstalled(m_profile.name)) {
            err() << tr("A %1 timer for this profile exists too (%2), so both would run: remove the one you do not "
                        "want with m365sync-cli schedule disable --profile %3%4.")
                         .arg(m_scope == Sync::ScheduleInstaller::Scope::System ? tr("user") : tr("system-wide"),
                              other.unitDirectory() + QLatin1Char('/') + other.timerName(m_profile.name),
                              m_profile.name,
                              m_scope == Sync::ScheduleInstaller::Scope::System ? QString()
                                                                                : QStringLiteral(" --system"))
                  << '\n';
        }
        if (m_scope == Sync::ScheduleInstaller::Scope::User) {
            // The classic surprise on a server: a user's timers stop when the user logs out.
            out() << tr("A user timer runs while you are logged in; on a server, let it run without a login: "
                        "loginctl enable-linger")
                  << '\n';
        }
#endif
        finish(Done);
    });
    job->start();
}

void ScheduleCommand::show(bool json)
{
    const Sync::Schedule &schedule = m_settings.schedule;
    const QDateTime next = schedule.nextRun(QDateTime::currentDateTime());
    const Sync::ScheduleInstaller user = installer(Sync::ScheduleInstaller::Scope::User);
    const Sync::ScheduleInstaller system = installer(Sync::ScheduleInstaller::Scope::System);
    QStringList timers;
    for (const Sync::ScheduleInstaller *candidate : {&user, &system}) {
        if (candidate->isInstalled(m_profile.name)) {
            timers << QDir::toNativeSeparators(candidate->unitDirectory() + QLatin1Char('/')
                                               + candidate->timerName(m_profile.name));
        }
    }
    if (json) {
        QJsonObject report{{QStringLiteral("profile"), m_profile.name},
                           {QStringLiteral("enabled"), schedule.enabled},
                           {QStringLiteral("every"), schedule.toJson().value(QLatin1String("every"))},
                           {QStringLiteral("at"), schedule.at.toString(QStringLiteral("HH:mm"))},
                           {QStringLiteral("nextRun"),
                            next.isValid() ? QJsonValue(next.toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null)},
                           {QStringLiteral("timers"), QJsonArray::fromStringList(timers)}};
        out() << QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Indented));
        finish(Done);
        return;
    }
    if (schedule.enabled) {
        out() << tr("Profile \"%1\" synchronizes by itself %2.").arg(m_profile.name, describe(schedule)) << '\n'
              << tr("Next run: %1").arg(next.toString(QStringLiteral("yyyy-MM-dd HH:mm"))) << '\n';
    } else {
        out() << tr("Profile \"%1\" does not synchronize by itself. Turn it on with m365sync-cli schedule enable "
                    "--profile %1 --every day --at 02:00.")
                     .arg(m_profile.name)
              << '\n';
    }
#ifndef Q_OS_WIN
    for (const QString &timer : timers) {
        out() << tr("Timer: %1").arg(timer) << '\n';
    }
    if (schedule.enabled && timers.isEmpty()) {
        out() << tr("But no timer is installed (removed by hand?): install it again with m365sync-cli schedule enable "
                    "--profile %1.")
                     .arg(m_profile.name)
              << '\n';
    } else if (!schedule.enabled && !timers.isEmpty()) {
        out() << tr("But a timer is still installed: remove it with m365sync-cli schedule disable --profile %1%2.")
                     .arg(m_profile.name, system.isInstalled(m_profile.name) ? QStringLiteral(" --system") : QString())
              << '\n';
    }
#endif
    finish(Done);
}

} // namespace M365::Cli
