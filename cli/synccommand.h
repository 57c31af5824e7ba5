// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profile/profile.h"
#include "sync/applier.h"
#include "sync/changeplan.h"
#include "sync/runlock.h"
#include "sync/statestore.h"
#include "sync/syncsettings.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

#include <memory>

class QNetworkAccessManager;

namespace M365::Secrets {
class SecretStore;
}
namespace M365::Sandbox {
class SandboxServer;
}
namespace M365::Directory {
class DirectorySource;
}
namespace M365::Profile {
class Connection;
}

namespace M365::Cli {

/*
 * "m365sync-cli plan | sync | status | undo" for a profile (--profile NAME) or for the offline demo (--sandbox: the
 * sandbox tenant in-process, kept under the app data location, and the bundled sample directory). The same engine as
 * the GUI: PlanJob reads the directory and the tenant and plans; ApplyJob applies; the StateStore remembers; undo
 * plans with UndoPlanner from a run's recorded changes.
 */
class SyncCommand : public QObject
{
    Q_OBJECT

public:
    /// DirectoryTest reads only the directory, as the wizard's Test does: counts, samples and every skipped record.
    /// Undo takes back what one run (--run N) did, from its recorded changes and the tenant as it is now.
    enum class Mode { Plan, Sync, Status, DirectoryTest, Undo };

    SyncCommand(Secrets::SecretStore *secrets, QObject *parent = nullptr);
    ~SyncCommand() override;
    /// Parses the arguments (after the command word) and starts; the application exits with the command's code.
    void run(Mode mode, const QStringList &arguments);

private:
    bool parse(const QStringList &arguments);
    void openSandbox();
    void openProfile();
    void connected();
    void status();
    void testDirectory();
    void plan();
    /// Undo: reads the tenant as plan() does, then plans taking back run m_undoRun (UndoPlanner).
    void undo();
    void undoPlanned(const Sync::ChangePlan &plan);
    void planned(const Sync::ChangePlan &plan, const QStringList &notes);
    void printPlan(const Sync::ChangePlan &plan);
    void apply(const Sync::ChangePlan &plan, const Sync::ApplyOptions &options, bool replanRound);
    void applied(Sync::ApplyJob *job, bool replanRound);
    void printProgress(const Sync::ApplyProgress &progress, bool last);
    void fail(const M365::Error &error);
    QString stateDirectory() const;

    Secrets::SecretStore *m_secrets;
    Mode m_mode = Mode::Plan;
    bool m_sandbox = false;
    bool m_sandboxReset = false;
    QString m_profileName;
    bool m_json = false;
    bool m_csv = false;
    bool m_yes = false;
    int m_allowDeletes = 0;
    QSet<Sync::Change::Kind> m_only;
    QString m_passwordFile;
    qint64 m_undoRun = 0; ///< Undo: the run to take back

    QNetworkAccessManager *m_nam = nullptr;
    std::unique_ptr<Sandbox::SandboxServer> m_server;
    Profile::Profile m_profile;
    std::unique_ptr<Profile::Connection> m_connection;
    std::unique_ptr<Directory::DirectorySource> m_source;
    Sync::SyncSettings m_settings;
    Sync::StateStore m_store;
    QString m_statePath;
    /// Taken before the first change is applied and held to the end (also through the re-plan of stale changes), so
    /// that the GUI or another CLI run of the profile does not apply at the same time.
    std::unique_ptr<Sync::RunLock> m_runLock;
    QString m_bindPassword;
    int m_managedObjects = 0;
    QElapsedTimer m_progressClock;
    QList<Sync::ChangeOutcome> m_outcomes;
    QJsonObject m_totals;
};

} // namespace M365::Cli
