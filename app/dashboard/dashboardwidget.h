// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dashboardcontroller.h"

#include <QPointer>
#include <QWidget>

class QFileDialog;
class QFrame;
class QLabel;
class QMessageBox;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace M365::Ui {

class ConfirmRunDialog;
class ErrorBanner;
class HistoryTab;
class LicencesTab;
class LogTab;
class PreviewPane;
class SettingsTab;

/**
 * The dashboard of one profile (DESIGN.md section 3): connection health, the live preview, Synchronize Now with its
 * progress, and the Log, History, Licences and Settings tabs. A view only: everything it shows and does goes
 * through the DashboardController, which the widget does not own.
 */
class DashboardWidget : public QWidget
{
    Q_OBJECT

public:
    explicit DashboardWidget(DashboardController *controller, QWidget *parent = nullptr);
    ~DashboardWidget() override;

    DashboardController *controller() const { return m_controller; }
    PreviewPane *preview() const { return m_preview; }
    /// Synchronize Now: asks to confirm what the run of the checked changes (all of them when every row is checked)
    /// will do (ConfirmRunDialog), then starts it.
    void synchronize();

    /// How long, in words, @p ms is ("about 2 min").
    static QString durationText(qint64 ms);

Q_SIGNALS:
    /// "Edit connection…": the admin wants to change the tenant, the app or its credential (the main window opens the
    /// onboarding wizard's pages for this profile).
    void editConnectionRequested();

private:
    void onStateChanged();
    void onHealthChanged();
    void onPlanChanged();
    void onApplyProgress(const Sync::ApplyProgress &progress);
    void onApplyFinished(const QString &summary, bool failedItems);
    void onDeletionGuardTripped(int destructive, int threshold);
    void onApplyRefused(const M365::Error &error);
    /// The preview switched between the live plan and the undo of a run.
    void onUndoChanged();
    /// Starts the run of @p indexes the admin confirmed.
    void startRun(const QList<int> &indexes);
    /// Puts the dashboard back as it was before Synchronize Now when no run started.
    void endWithoutRun();
    void onInitialPasswordsChanged();
    void savePasswords();
    void updateSyncButton();
    void updateLastSync();
    QWidget *makeHeader();
    QWidget *makeSyncBar();
    QWidget *makePasswordsBox();
    QWidget *makeUndoBox();

    QPointer<DashboardController> m_controller;
    QLabel *m_tenantLabel = nullptr;
    QLabel *m_tokenStatus = nullptr;
    QLabel *m_rolesStatus = nullptr;
    QLabel *m_certificateStatus = nullptr;
    QLabel *m_tokenIcon = nullptr;
    QLabel *m_rolesIcon = nullptr;
    QLabel *m_certificateIcon = nullptr;
    QLabel *m_lastSyncLabel = nullptr;
    QLabel *m_nextRunLabel = nullptr;
    QLabel *m_stateLabel = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_editConnectionButton = nullptr;
    ErrorBanner *m_errorBanner = nullptr;
    ErrorBanner *m_summaryBanner = nullptr;
    QPushButton *m_syncButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressLabel = nullptr;
    QLabel *m_pacingLabel = nullptr;
    QWidget *m_progressBox = nullptr;
    QTabWidget *m_tabs = nullptr;
    PreviewPane *m_preview = nullptr;
    LogTab *m_logTab = nullptr;
    HistoryTab *m_historyTab = nullptr;
    LicencesTab *m_licencesTab = nullptr;
    SettingsTab *m_settingsTab = nullptr;
    QPointer<QMessageBox> m_guardDialog;
    QPointer<ConfirmRunDialog> m_confirmDialog;
    QPointer<QFileDialog> m_passwordsDialog;
    /// After a run that created users: their initial passwords, to save once (DashboardController::initialPasswords()).
    QFrame *m_passwordsBox = nullptr;
    QLabel *m_passwordsLabel = nullptr;
    /// While the preview shows the undo of a run: what it is, and the way back to the live preview.
    QFrame *m_undoBox = nullptr;
    QLabel *m_undoLabel = nullptr;
    bool m_planPending = false;
    bool m_applying = false;
    /// After a run, until the plan made after it arrives: the plan in view is out of date and must not be applied.
    bool m_awaitingPlan = false;
};

} // namespace M365::Ui
