// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profile/profile.h"
#include "sync/schedule.h"
#include "sync/syncsettings.h"

#include <QObject>
#include <QStringList>

namespace M365::Cli {

/**
 * "m365sync-cli schedule enable|disable|show --profile NAME": the profile's scheduled runs from the shell, with the
 * dashboard's code (Sync::ScheduleInstaller through Sync::ScheduleJob): a systemd user timer (or, with --system as
 * root, a system-wide one) or a Windows Task Scheduler task, and the schedule saved in the profile's sync settings.
 *
 * For tests, M365SYNC_SYSTEMD_UNIT_DIR names the folder the units go to and M365SYNC_NO_SYSTEMCTL=1 leaves systemctl
 * alone (as the GUI tests do with the dashboard's options).
 */
class ScheduleCommand : public QObject
{
    Q_OBJECT

public:
    explicit ScheduleCommand(QObject *parent = nullptr);
    void run(const QStringList &arguments);

private:
    void show(bool json);
    void apply(const Sync::Schedule &schedule);
    Sync::ScheduleInstaller installer(Sync::ScheduleInstaller::Scope scope) const;

    Profile::Profile m_profile;
    Sync::SyncSettings m_settings;
    Sync::ScheduleInstaller::Scope m_scope = Sync::ScheduleInstaller::Scope::User;
};

} // namespace M365::Cli
