// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "dashboardwidget.h"

#include "changeplanmodel.h"
#include "confirmrundialog.h"
#include "errorbanner.h"
#include "historytab.h"
#include "licencestab.h"
#include "logtab.h"
#include "previewpane.h"
#include "settingstab.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

namespace M365::Ui {

using State = DashboardController::State;

namespace {

QLabel *makeLabel(const char *name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QLatin1String(name));
    label->setTextFormat(Qt::PlainText);
    return label;
}

void setStatus(QLabel *icon, QLabel *text, bool ok, const QString &message)
{
    QStyle *style = QApplication::style();
    const QIcon pixmap = ok
        ? QIcon::fromTheme(QStringLiteral("emblem-ok"), style->standardIcon(QStyle::SP_DialogApplyButton))
        : QIcon::fromTheme(QStringLiteral("dialog-warning"), style->standardIcon(QStyle::SP_MessageBoxWarning));
    icon->setPixmap(pixmap.pixmap(16, 16));
    text->setText(message);
}

QString formatTime(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}

} // namespace

DashboardWidget::DashboardWidget(DashboardController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
{
    setObjectName(QStringLiteral("dashboard"));
    m_errorBanner = new ErrorBanner(this);
    m_errorBanner->setObjectName(QStringLiteral("errorBanner"));
    m_summaryBanner = new ErrorBanner(this);
    m_summaryBanner->setObjectName(QStringLiteral("summaryBanner"));

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("dashboardTabs"));
    m_preview = new PreviewPane(m_tabs);
    m_preview->setObjectName(QStringLiteral("previewPane"));
    // The picture of a user in the details pane; the widget does not own the controller, hence the guard.
    m_preview->setPhotoLookup([controller = m_controller](const QString &anchor) {
        return controller ? controller->userPhoto(anchor) : QByteArray();
    });
    m_logTab = new LogTab(m_tabs);
    m_logTab->setObjectName(QStringLiteral("logTab"));
    m_historyTab = new HistoryTab(m_tabs);
    m_historyTab->setObjectName(QStringLiteral("historyTab"));
    m_licencesTab = new LicencesTab(m_tabs);
    m_licencesTab->setObjectName(QStringLiteral("licencesTab"));
    m_settingsTab = new SettingsTab(controller, m_tabs);
    m_settingsTab->setObjectName(QStringLiteral("settingsTab"));
    m_tabs->addTab(m_preview, tr("Preview"));
    m_tabs->addTab(m_logTab, tr("Log"));
    m_tabs->addTab(m_historyTab, tr("History"));
    m_tabs->addTab(m_licencesTab, tr("Licences"));
    m_tabs->addTab(m_settingsTab, tr("Settings"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_tabs->widget(index) == m_historyTab) {
            m_historyTab->refresh();
        }
    });
    m_licencesTab->setSettings(controller->settings());
    connect(m_licencesTab, &LicencesTab::settingsChangeRequested, controller, &DashboardController::setSettings);
    // Undo of a run: its plan takes the preview's place until it is applied or the admin goes back.
    connect(m_historyTab, &HistoryTab::undoRequested, controller, [this](qint64 runId) {
        m_controller->showUndo(runId);
        m_tabs->setCurrentWidget(m_preview);
    });
    connect(controller, &DashboardController::undoChanged, this, &DashboardWidget::onUndoChanged);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(makeHeader());
    layout->addWidget(m_errorBanner);
    layout->addWidget(makeSyncBar());
    layout->addWidget(m_summaryBanner);
    layout->addWidget(makePasswordsBox());
    layout->addWidget(makeUndoBox());
    layout->addWidget(m_tabs, 1);

    connect(controller, &DashboardController::stateChanged, this, &DashboardWidget::onStateChanged);
    connect(controller, &DashboardController::healthChanged, this, &DashboardWidget::onHealthChanged);
    connect(controller, &DashboardController::planChanged, this, &DashboardWidget::onPlanChanged);
    connect(controller, &DashboardController::applyProgress, this, &DashboardWidget::onApplyProgress);
    connect(controller, &DashboardController::changeApplied, m_preview, &PreviewPane::setOutcome);
    connect(controller, &DashboardController::applyFinished, this, &DashboardWidget::onApplyFinished);
    connect(controller, &DashboardController::deletionGuardTripped, this, &DashboardWidget::onDeletionGuardTripped);
    connect(controller, &DashboardController::applyRefused, this, &DashboardWidget::onApplyRefused);
    connect(
        controller, &DashboardController::initialPasswordsChanged, this, &DashboardWidget::onInitialPasswordsChanged);
    connect(controller, &DashboardController::errorOccurred, m_errorBanner, &ErrorBanner::setError);
    connect(m_preview, &PreviewPane::selectionChanged, this, &DashboardWidget::updateSyncButton);

    onHealthChanged();
    onStateChanged();
    if (controller->plan().created.isValid() || !controller->plan().isEmpty()) {
        onPlanChanged();
    }
    updateLastSync();
    onInitialPasswordsChanged();
}

DashboardWidget::~DashboardWidget()
{
    delete m_guardDialog;
    delete m_confirmDialog;
    delete m_passwordsDialog;
}

QWidget *DashboardWidget::makeHeader()
{
    auto *header = new QWidget(this);
    header->setObjectName(QStringLiteral("dashboardHeader"));
    m_tenantLabel = makeLabel("tenantLabel", header);
    QFont big = m_tenantLabel->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_tenantLabel->setFont(big);
    m_stateLabel = makeLabel("stateLabel", header);
    m_refreshButton = new QPushButton(tr("Refresh"), header);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_refreshButton->setIcon(
        QIcon::fromTheme(QStringLiteral("view-refresh"), style()->standardIcon(QStyle::SP_BrowserReload)));
    m_refreshButton->setToolTip(tr("Read the directory and the tenant again and update the preview"));
    connect(m_refreshButton, &QPushButton::clicked, this, [this] {
        if (m_controller) {
            m_controller->replan();
        }
    });

    m_editConnectionButton = new QPushButton(tr("Edit connection…"), header);
    m_editConnectionButton->setObjectName(QStringLiteral("editConnectionButton"));
    m_editConnectionButton->setIcon(
        QIcon::fromTheme(QStringLiteral("document-edit"), style()->standardIcon(QStyle::SP_FileDialogDetailedView)));
    m_editConnectionButton->setToolTip(tr("Change the tenant, the app registration or its certificate in the wizard"));
    connect(m_editConnectionButton, &QPushButton::clicked, this, &DashboardWidget::editConnectionRequested);

    m_tokenIcon = makeLabel("tokenIcon", header);
    m_tokenStatus = makeLabel("tokenStatus", header);
    m_rolesIcon = makeLabel("rolesIcon", header);
    m_rolesStatus = makeLabel("rolesStatus", header);
    m_certificateIcon = makeLabel("certificateIcon", header);
    m_certificateStatus = makeLabel("certificateStatus", header);
    m_lastSyncLabel = makeLabel("lastSyncLabel", header);
    m_nextRunLabel = makeLabel("nextRunLabel", header);

    auto *top = new QHBoxLayout;
    top->addWidget(m_tenantLabel);
    top->addStretch();
    top->addWidget(m_stateLabel);
    top->addWidget(m_editConnectionButton);
    top->addWidget(m_refreshButton);
    auto *health = new QHBoxLayout;
    health->setSpacing(4);
    for (const auto &[icon, text] : {std::pair{m_tokenIcon, m_tokenStatus},
                                     std::pair{m_rolesIcon, m_rolesStatus},
                                     std::pair{m_certificateIcon, m_certificateStatus}}) {
        health->addWidget(icon);
        health->addWidget(text);
        health->addSpacing(16);
    }
    health->addStretch();
    health->addWidget(m_lastSyncLabel);
    health->addSpacing(16);
    health->addWidget(m_nextRunLabel);

    auto *layout = new QVBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(health);
    return header;
}

QWidget *DashboardWidget::makeSyncBar()
{
    auto *bar = new QWidget(this);
    m_syncButton = new QPushButton(tr("Synchronize Now"), bar);
    m_syncButton->setObjectName(QStringLiteral("syncButton"));
    m_syncButton->setIcon(
        QIcon::fromTheme(QStringLiteral("view-refresh"), style()->standardIcon(QStyle::SP_ArrowRight)));
    m_syncButton->setDefault(true);
    QFont bold = m_syncButton->font();
    bold.setBold(true);
    m_syncButton->setFont(bold);
    m_syncButton->setMinimumWidth(220);
    connect(m_syncButton, &QPushButton::clicked, this, &DashboardWidget::synchronize);

    m_progressBox = new QWidget(bar);
    m_progressBox->setObjectName(QStringLiteral("progressBox"));
    m_progress = new QProgressBar(m_progressBox);
    m_progress->setObjectName(QStringLiteral("syncProgress"));
    m_progress->setMinimumWidth(260);
    m_progress->setMaximumWidth(480);
    m_progressLabel = makeLabel("progressLabel", m_progressBox);
    m_pacingLabel = makeLabel("pacingLabel", m_progressBox);
    m_pacingLabel->setText(tr("Pacing: Microsoft Graph is throttling"));
    m_pacingLabel->setToolTip(tr("Microsoft Graph asked m365sync to slow down. The sync waits as Graph says and goes "
                                 "on by itself; nothing needs to be done."));
    // Never widens the window: the label takes the room the bar leaves.
    m_pacingLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_pacingLabel->setStyleSheet(QStringLiteral("color: #9a6700;"));
    m_pacingLabel->setVisible(false);
    m_cancelButton = new QPushButton(tr("Cancel"), m_progressBox);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_cancelButton->setToolTip(tr("Stop after the requests under way; what was done stays done"));
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        if (m_controller) {
            m_cancelButton->setEnabled(false);
            m_cancelButton->setText(tr("Stopping…"));
            m_controller->cancelApply();
        }
    });
    auto *progressLayout = new QHBoxLayout(m_progressBox);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    progressLayout->addWidget(m_progress);
    progressLayout->addWidget(m_progressLabel);
    progressLayout->addWidget(m_pacingLabel, 1);
    progressLayout->addWidget(m_cancelButton);
    progressLayout->addStretch();
    m_progressBox->setVisible(false);

    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 4, 0, 4);
    layout->addWidget(m_syncButton);
    layout->addWidget(m_progressBox, 1);
    layout->addStretch();
    return bar;
}

QWidget *DashboardWidget::makeUndoBox()
{
    m_undoBox = new QFrame(this);
    m_undoBox->setObjectName(QStringLiteral("undoBox"));
    m_undoBox->setFrameShape(QFrame::StyledPanel);
    m_undoLabel = makeLabel("undoLabel", m_undoBox);
    m_undoLabel->setWordWrap(true);
    auto *back = new QPushButton(tr("Back to the live preview"), m_undoBox);
    back->setObjectName(QStringLiteral("livePreviewButton"));
    connect(back, &QPushButton::clicked, this, [this] {
        if (m_controller) {
            m_controller->showLivePreview();
        }
    });
    auto *layout = new QHBoxLayout(m_undoBox);
    layout->addWidget(m_undoLabel, 1);
    layout->addWidget(back);
    m_undoBox->setVisible(false);
    return m_undoBox;
}

void DashboardWidget::onUndoChanged()
{
    const qint64 run = m_controller ? m_controller->undoRun() : 0;
    m_undoBox->setVisible(run != 0);
    if (run != 0) {
        m_undoLabel->setText(tr("The preview shows the undo of run %1: previous values back, disabled accounts "
                                "enabled, created ones disabled. Nothing changes until you synchronize. The next "
                                "sync makes the run's changes again unless the directory changes.")
                                 .arg(run));
    }
}

QWidget *DashboardWidget::makePasswordsBox()
{
    m_passwordsBox = new QFrame(this);
    m_passwordsBox->setObjectName(QStringLiteral("passwordsBox"));
    m_passwordsBox->setFrameShape(QFrame::StyledPanel);
    m_passwordsLabel = makeLabel("passwordsLabel", m_passwordsBox);
    m_passwordsLabel->setWordWrap(true);
    auto *save = new QPushButton(tr("Save initial passwords…"), m_passwordsBox);
    save->setObjectName(QStringLiteral("savePasswordsButton"));
    save->setIcon(
        QIcon::fromTheme(QStringLiteral("document-save"), style()->standardIcon(QStyle::SP_DialogSaveButton)));
    connect(save, &QPushButton::clicked, this, &DashboardWidget::savePasswords);
    auto *dismiss = new QPushButton(tr("Dismiss"), m_passwordsBox);
    dismiss->setObjectName(QStringLiteral("dismissPasswordsButton"));
    dismiss->setToolTip(tr("Forget the initial passwords without saving them; they cannot be shown again"));
    connect(dismiss, &QPushButton::clicked, this, [this] {
        if (m_controller) {
            m_controller->discardInitialPasswords();
        }
    });
    auto *layout = new QHBoxLayout(m_passwordsBox);
    layout->addWidget(m_passwordsLabel, 1);
    layout->addWidget(save);
    layout->addWidget(dismiss);
    m_passwordsBox->setVisible(false);
    return m_passwordsBox;
}

void DashboardWidget::onInitialPasswordsChanged()
{
    const int count = m_controller ? int(m_controller->initialPasswords().size()) : 0;
    if (count == 0 && m_passwordsDialog) {
        m_passwordsDialog->reject();
    }
    m_passwordsBox->setVisible(count > 0);
    m_passwordsLabel->setText(
        tr("%n new user(s) got an initial password. Save them now to hand them out: they are gone once saved, "
           "dismissed or the dashboard is closed.",
           nullptr,
           count)
        + QLatin1Char(' ')
        + tr("Initial passwords are never stored; reset the password in Microsoft 365 to issue a new one."));
}

void DashboardWidget::savePasswords()
{
    if (!m_controller || m_controller->initialPasswords().isEmpty() || m_passwordsDialog) {
        return;
    }
    m_passwordsDialog =
        new QFileDialog(this, tr("Save initial passwords"), QDir::homePath(), tr("CSV files (*.csv);;All files (*)"));
    m_passwordsDialog->setObjectName(QStringLiteral("savePasswordsDialog"));
    m_passwordsDialog->setAcceptMode(QFileDialog::AcceptSave);
    m_passwordsDialog->setDefaultSuffix(QStringLiteral("csv"));
    m_passwordsDialog->selectFile(QStringLiteral("initial-passwords.csv"));
    m_passwordsDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_passwordsDialog, &QDialog::finished, this, [this] {
        m_passwordsDialog = nullptr; // deletes itself on close
    });
    connect(m_passwordsDialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        if (!m_controller) {
            return;
        }
        const Result<bool> saved = m_controller->saveInitialPasswords(path);
        if (!saved.ok()) {
            m_errorBanner->setError(saved.error);
            return;
        }
        m_summaryBanner->setMessage(
            ErrorBanner::Kind::Information,
            tr("The initial passwords are saved in %1, readable only by you. Hand them out, then delete the file.")
                    .arg(QDir::toNativeSeparators(path))
                + QLatin1Char(' ')
                + tr("Initial passwords are never stored; reset the password in Microsoft 365 to issue a new one."));
    });
    // open(), not exec(): no nested event loop (STYLE.md section 3).
    m_passwordsDialog->open();
}

void DashboardWidget::synchronize()
{
    if (!m_controller || m_controller->state() != State::Ready || m_applying || m_awaitingPlan || m_confirmDialog) {
        return;
    }
    const QList<int> indexes = m_preview->selectedChanges();
    if (m_preview->checkedCount() == 0) {
        return;
    }
    // What is confirmed is this plan: if the preview shows another one by the time the admin confirms (a directory
    // edit, the tenant poll), the run does not start.
    const QList<Sync::Change> planned = m_controller->plan().changes;
    m_confirmDialog = new ConfirmRunDialog(m_controller->runSummary(indexes), this);
    m_confirmDialog->setWindowModality(Qt::WindowModal);
    m_confirmDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_confirmDialog, &QDialog::finished, this, [this, indexes, planned](int result) {
        m_confirmDialog = nullptr; // deletes itself on close
        updateSyncButton();
        if (result != QDialog::Accepted || !m_controller) {
            return;
        }
        if (m_controller->plan().changes != planned) {
            m_summaryBanner->setMessage(ErrorBanner::Kind::Warning,
                                        tr("Nothing was changed: the preview changed while the summary was open. "
                                           "Check it and synchronize again."));
            return;
        }
        startRun(indexes);
    });
    updateSyncButton();
    // open(), not exec(): no nested event loop (STYLE.md section 3).
    m_confirmDialog->open();
}

void DashboardWidget::startRun(const QList<int> &indexes)
{
    if (!m_controller || m_controller->state() != State::Ready || m_applying || m_awaitingPlan) {
        return;
    }
    m_applying = true;
    m_summaryBanner->setError({});
    m_preview->clearOutcomes();
    m_preview->setApplying(true);
    m_progress->setRange(0, indexes.isEmpty() ? m_preview->applicableCount() : int(indexes.size()));
    m_progress->setValue(0);
    m_progressLabel->setText(tr("Starting…"));
    m_pacingLabel->setVisible(false);
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->setEnabled(true);
    m_cancelButton->setVisible(true);
    m_progressBox->setVisible(true);
    updateSyncButton();
    m_controller->apply(indexes);
}

void DashboardWidget::onStateChanged()
{
    if (!m_controller) {
        return;
    }
    const State state = m_controller->state();
    switch (state) {
    case State::Idle:
        m_stateLabel->setText(tr("Not started"));
        break;
    case State::Connecting:
        m_stateLabel->setText(tr("Connecting…"));
        break;
    case State::Planning:
        m_stateLabel->setText(tr("Updating the preview…"));
        break;
    case State::Ready:
        m_stateLabel->setText(
            m_controller->plan().created.isValid()
                ? tr("Preview of %1")
                      .arg(QLocale().toString(m_controller->plan().created.toLocalTime().time(), QLocale::ShortFormat))
                : tr("Preview up to date"));
        break;
    case State::Applying:
        m_stateLabel->setText(tr("Synchronizing…"));
        break;
    case State::Failed:
        m_stateLabel->setText(tr("Not connected"));
        break;
    }
    m_refreshButton->setEnabled(state == State::Ready || state == State::Failed);
    // The wizard's Finish opens the profile afresh: not in the middle of a run.
    m_editConnectionButton->setEnabled(state != State::Applying);
    if (m_logTab && m_controller->requestLog()) {
        m_logTab->setLog(m_controller->requestLog());
    }
    m_licencesTab->setGraphClient(m_controller->graphClient());
    if (state != State::Idle && state != State::Connecting && m_controller->stateStore()->isOpen()) {
        m_historyTab->setStore(m_controller->stateStore());
    }
    updateLastSync();
    updateSyncButton();
}

void DashboardWidget::onHealthChanged()
{
    updateLastSync();
    if (!m_controller) {
        return;
    }
    const DashboardController::Health &health = m_controller->health();
    const QString tenant = health.tenantName.isEmpty() ? m_controller->profile().tenant : health.tenantName;
    m_tenantLabel->setText(health.upnDomain.isEmpty() ? tenant : tr("%1 · %2").arg(tenant, health.upnDomain));
    m_tenantLabel->setToolTip(
        tr("Profile \"%1\", tenant %2").arg(m_controller->profile().name, m_controller->profile().tenant));
    setStatus(m_tokenIcon, m_tokenStatus, health.tokenOk, health.tokenOk ? tr("Signed in") : tr("Not signed in"));
    setStatus(m_rolesIcon,
              m_rolesStatus,
              health.tokenOk && health.missingRoles.isEmpty(),
              !health.tokenOk ? tr("Permissions not checked")
                  : health.missingRoles.isEmpty()
                  ? tr("Permissions OK")
                  : tr("Missing permissions: %1").arg(health.missingRoles.join(QStringLiteral(", "))));
    const bool hasCertificate = health.certificateExpires.isValid();
    m_certificateIcon->setVisible(hasCertificate);
    m_certificateStatus->setVisible(hasCertificate);
    if (hasCertificate) {
        const QString date = QLocale().toString(health.certificateExpires.toLocalTime().date(), QLocale::ShortFormat);
        setStatus(m_certificateIcon,
                  m_certificateStatus,
                  !health.certificateExpiresSoon,
                  health.certificateExpiresSoon ? tr("Certificate expires on %1: renew it soon").arg(date)
                                                : tr("Certificate valid until %1").arg(date));
    }
}

void DashboardWidget::onPlanChanged()
{
    if (!m_controller) {
        return;
    }
    if (m_applying) {
        // The table shows what is being applied; the new plan replaces it when the run is over.
        m_planPending = true;
        return;
    }
    m_planPending = false;
    if (!m_awaitingPlan) {
        // A later plan than the one made after the run: the run is history now (the History tab has it).
        m_progressBox->setVisible(false);
        m_summaryBanner->setError({});
    }
    m_awaitingPlan = false;
    const Sync::ChangePlan &plan = m_controller->plan();
    m_preview->showPlan(plan);
    m_preview->setProblems(m_controller->problems());
    m_licencesTab->setSeats(plan.seats);
    m_licencesTab->setSettings(m_controller->settings());
    if (m_controller->state() != State::Failed) {
        m_errorBanner->setError({});
    }
    onStateChanged();
}

void DashboardWidget::onApplyProgress(const Sync::ApplyProgress &progress)
{
    m_progress->setRange(0, qMax(1, progress.total));
    m_progress->setValue(qMin(progress.done, qMax(1, progress.total)));
    QStringList parts{tr("%1 of %2").arg(progress.done).arg(progress.total)};
    if (progress.failed > 0) {
        parts.append(tr("%n failed", nullptr, progress.failed));
    }
    if (progress.writesPerSecond > 0) {
        parts.append(tr("%1 writes/s").arg(QLocale().toString(progress.writesPerSecond, 'f', 1)));
    }
    if (progress.etaMs >= 0 && progress.done < progress.total) {
        parts.append(tr("%1 left").arg(durationText(progress.etaMs)));
    }
    m_progressLabel->setText(parts.join(QStringLiteral(" · ")));
    m_pacingLabel->setVisible(progress.slowed && progress.done < progress.total);
}

void DashboardWidget::onApplyFinished(const QString &summary, bool failedItems)
{
    m_applying = false;
    m_awaitingPlan = true;
    m_preview->setApplying(false);
    m_cancelButton->setVisible(false);
    m_pacingLabel->setVisible(false);
    m_summaryBanner->setMessage(failedItems ? ErrorBanner::Kind::Warning : ErrorBanner::Kind::Information, summary);
    m_historyTab->refresh();
    m_licencesTab->refresh();
    updateLastSync();
    if (m_planPending) {
        onPlanChanged();
    }
    updateSyncButton();
}

void DashboardWidget::onDeletionGuardTripped(int destructive, int threshold)
{
    delete m_guardDialog;
    m_guardDialog = new QMessageBox(QMessageBox::Warning,
                                    tr("Confirm destructive changes"),
                                    tr("This sync would disable, delete or remove licences and memberships of "
                                       "%n object(s).",
                                       nullptr,
                                       destructive),
                                    QMessageBox::NoButton,
                                    this);
    m_guardDialog->setObjectName(QStringLiteral("deletionGuardDialog"));
    m_guardDialog->setInformativeText(
        tr("The deletion guard lets at most %n such change(s) through without asking. If the directory lost these "
           "objects by mistake (a wrong filter, an unreachable branch), cancel and check the scope first.",
           nullptr,
           threshold));
    QPushButton *allow = m_guardDialog->addButton(tr("Apply anyway"), QMessageBox::DestructiveRole);
    allow->setObjectName(QStringLiteral("guardAllowButton"));
    QPushButton *cancel = m_guardDialog->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("guardCancelButton"));
    m_guardDialog->setDefaultButton(cancel);
    m_guardDialog->setWindowModality(Qt::WindowModal);
    connect(m_guardDialog, &QMessageBox::finished, this, [this, allow] {
        const bool allowed = m_guardDialog && m_guardDialog->clickedButton() == allow;
        if (m_guardDialog) {
            m_guardDialog->deleteLater();
        }
        if (!allowed) {
            endWithoutRun();
            m_summaryBanner->setMessage(ErrorBanner::Kind::Information,
                                        tr("Nothing was changed: the destructive changes were not confirmed."));
        }
        if (m_controller) {
            m_controller->confirmApply(allowed);
        }
        if (!allowed && m_planPending) {
            onPlanChanged();
        }
        updateSyncButton();
    });
    // open(), not exec(): no nested event loop (STYLE.md section 3).
    m_guardDialog->open();
}

void DashboardWidget::endWithoutRun()
{
    m_applying = false;
    m_preview->setApplying(false);
    m_progressBox->setVisible(false);
}

void DashboardWidget::onApplyRefused(const M365::Error &error)
{
    endWithoutRun();
    if (m_planPending) {
        onPlanChanged();
    }
    // After the plan, which would clear it: the admin must see who holds the profile.
    m_summaryBanner->setError(error);
    updateSyncButton();
}

void DashboardWidget::updateSyncButton()
{
    if (!m_controller) {
        return;
    }
    const int applicable = m_preview->applicableCount();
    const int checked = m_preview->checkedCount();
    m_syncButton->setText(checked == applicable || checked == 0 ? tr("Synchronize Now")
                                                                : tr("Synchronize %n selected", nullptr, checked));
    m_syncButton->setEnabled(m_controller->state() == State::Ready && !m_applying && !m_awaitingPlan && !m_confirmDialog
                             && checked > 0);
    m_syncButton->setToolTip(applicable == 0 ? tr("Nothing to apply") : QString());
}

void DashboardWidget::updateLastSync()
{
    if (!m_controller) {
        return;
    }
    const QDateTime last = m_controller->lastSync();
    m_lastSyncLabel->setText(last.isValid() ? tr("Last sync: %1").arg(formatTime(last)) : tr("Last sync: never"));
    const QDateTime next = m_controller->settings().schedule.nextRun(QDateTime::currentDateTime());
    m_nextRunLabel->setText(next.isValid() ? tr("Next run: %1").arg(formatTime(next)) : tr("Next run: not scheduled"));
    m_nextRunLabel->setToolTip(tr(
        "The preview checks the tenant for changes every %n second(s).", nullptr, m_controller->pollIntervalSeconds()));
}

QString DashboardWidget::durationText(qint64 ms)
{
    const qint64 seconds = (ms + 999) / 1000;
    if (seconds < 60) {
        return tr("about %n s", nullptr, int(qMax<qint64>(1, seconds)));
    }
    if (seconds < 3600) {
        return tr("about %n min", nullptr, int((seconds + 30) / 60));
    }
    return tr("about %1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

} // namespace M365::Ui
