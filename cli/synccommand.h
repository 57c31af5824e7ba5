// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/changeplan.h"
#include "sync/syncrun.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>

class QNetworkAccessManager;

namespace M365::Secrets {
class SecretStore;
}
namespace M365::Sandbox {
class TenantPlace;
}

namespace M365::Cli {

/*
 * "m365sync-cli plan | sync | status | undo | directory test" for a profile (--profile NAME) or for the offline demo
 * (--sandbox: the sandbox tenant in-process, kept under the app data location, and the bundled sample directory).
 * The run itself is the engine's Sync::SyncRun, the same as the GUI's; this class parses, asks and prints.
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
    static QString sandboxStatePath();
    void openSandbox();
    void openProfile();
    void open(const Sync::OpenProfileJob::Options &options);
    void status();
    void testDirectory();
    void printDirectoryTestJson(const Directory::DirectorySummary &summary,
                                const QList<Directory::EntryProblem> &problems);
    /// plan and sync: one SyncRun (plan only for plan).
    void startRun();
    /// Starts m_run with the progress and the end reported.
    void startRunJob();
    /// The question before applying, on a terminal; without one, --yes is required.
    bool confirm(int actionable);
    /// Undo: plans taking back run m_undoRun (UndoPlanJob), then applies it with --yes.
    void undo();
    void undoPlanned(const Sync::ChangePlan &plan);
    void finished(Sync::SyncRun *run);
    void printPlan(const Sync::ChangePlan &plan);
    void printProgress(const Sync::ApplyProgress &progress, bool last);
    void printFailures(Sync::SyncRun *run);
    void fail(const M365::Error &error);

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
    int m_declinedCode = 0; ///< the exit code when the confirmation said no

    QNetworkAccessManager *m_nam = nullptr;
    std::shared_ptr<Sandbox::TenantPlace> m_place; ///< --sandbox: the demo tenant, served by this process
    std::unique_ptr<Sync::SyncContext> m_context;
    QPointer<Sync::SyncRun> m_run;
    QElapsedTimer m_progressClock;
};

} // namespace M365::Cli
