// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cliio.h"
#include "profile/profile.h"
#include "sync/runhealth.h"

#include <QList>
#include <QObject>
#include <QStringList>

class QNetworkAccessManager;

namespace M365::Secrets {
class SecretStore;
}

namespace M365::Cli {

/*
 * Monitoring from the shell (issue 15):
 *   status --all [--json] [--max-age DURATION] [--notify-overdue]   every profile's health, as a table or JSON;
 *   health --profile NAME [--max-age DURATION]                      a monitoring plugin (Nagios, Icinga, Checkmk);
 *   monitoring set|show --profile NAME …                            the textfile directory and the webhook.
 * `status` without --all stays with SyncCommand. A command runs asynchronously and ends the application with its
 * exit code; `health` ends with the plugin's code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
 */
class MonitorCommand : public QObject
{
    Q_OBJECT

public:
    MonitorCommand(Secrets::SecretStore *secrets, QObject *parent = nullptr);
    ~MonitorCommand() override;

    /// Whether @p arguments (the command word first) are a command of this class.
    static bool handles(const QStringList &arguments);
    /// Starts the command named by the first of @p arguments.
    void run(const QStringList &arguments);

private:
    /// One profile of `status --all`: its health, the judgement, and what became of an overdue alert.
    struct Row
    {
        Sync::ProfileHealth health;
        Sync::HealthVerdict verdict;
        qint64 maxAgeSeconds = 0;
        std::optional<Profile::Profile> profile;
        QString alert; ///< with --notify-overdue: "sent", "already-sent", "no-webhook", "failed"; else empty
    };

    void statusAll(const QStringList &arguments);
    void notifyNextOverdue();
    void printStatus();
    void health(const QStringList &arguments);
    void monitoringSet(const QStringList &arguments);
    void monitoringShow(const QStringList &arguments);
    /// Saves @p profile and ends with a summary of its monitoring settings.
    void saveMonitoring(const Profile::Profile &profile);
    void exit(int code);

    Secrets::SecretStore *m_secrets;
    QNetworkAccessManager *m_nam = nullptr;
    QList<Row> m_rows;
    int m_nextAlert = 0;
    bool m_json = false;
};

} // namespace M365::Cli
