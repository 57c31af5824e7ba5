// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/tenantcheck.h"
#include "pagecontroller.h"

#include <QPointer>

class QLabel;
class QListWidget;
class QPushButton;

namespace M365::Ui {

/*
 * Connection & permissions: signs in with the chosen credential (ConnectJob over an in-memory copy of the secret, so
 * nothing reaches the keychain before Finish), then runs the tenant check: which needed roles are granted, the admin
 * consent URL, the domains. The page is verified when the app signs in and has every role it needs.
 */
class ConnectionPageController : public PageController
{
    Q_OBJECT

public:
    using PageController::PageController;

    /// Runs the check; the results are in report() and checked(), then validated() follows.
    void check();
    /// True once a check has finished (successfully or not).
    bool hasChecked() const { return m_checked; }
    const Graph::TenantReport &report() const;
    QUrl adminConsentUrl() const;
    /// While the check waits for a new app to replicate: why, and when it tries again (empty otherwise).
    QString waitingReason() const { return m_waiting; }
    /// How long the check waits for a registration made moments ago to replicate.
    static constexpr qint64 replicationWaitMs = 5 * 60 * 1000;

    bool isInputComplete() const override;
    void validate() override;

private:
    void onConnected(M365::Job *job);
    void onChecked(M365::Job *job);
    void fail(const M365::Error &error);

    bool m_checked = false;
    int m_generation = 0;
    QString m_waiting;
};

class ConnectionPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit ConnectionPage(ConnectionPageController *controller, QWidget *parent = nullptr);
    void initializePage() override;

protected:
    void refresh() override;

private:
    ConnectionPageController *m_controller;
    QLabel *m_status;
    QListWidget *m_roles;
    QPushButton *m_consent;
    QPushButton *m_checkAgain;
};

} // namespace M365::Ui
