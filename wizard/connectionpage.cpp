// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectionpage.h"

#include "errorbanner.h"
#include "profile/connection.h"
#include "profile/memorysecretstore.h"
#include "wizardcontext.h"

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace M365::Ui {

const Graph::TenantReport &ConnectionPageController::report() const
{
    return context()->report;
}

QUrl ConnectionPageController::adminConsentUrl() const
{
    const Profile::Profile &profile = context()->profile;
    return context()->report.adminConsentUrl.isValid()
        ? context()->report.adminConsentUrl
        : profile.endpoints.adminConsentUrl(profile.tenant, profile.clientId, profile.endpoints.consentRedirectUri());
}

bool ConnectionPageController::isInputComplete() const
{
    // After a failed check Next stays disabled until Check again succeeds.
    return !m_checked || (error().isNull() && report().missingRoles.isEmpty());
}

void ConnectionPageController::validate()
{
    if (m_checked && context()->connection() && error().isNull() && report().missingRoles.isEmpty()) {
        finishValidation(true);
        return;
    }
    check();
}

void ConnectionPageController::check()
{
    WizardContext *ctx = context();
    ++m_generation;
    m_checked = false;
    m_waiting.clear();
    ctx->report = Graph::TenantReport{};
    ctx->setConnection(nullptr);
    ctx->applyCredentialToProfile();
    clearError();
    setBusy(true);
    // The permissions check reads the credential from memory; Finish puts it in the keychain.
    ctx->scratchSecrets()->insert(ctx->profile.secretKey(ctx->secretPurpose()), ctx->secretValue());
    auto *job = new Profile::ConnectJob(ctx->nam(), ctx->profile, ctx->scratchSecrets(), this);
    const int generation = m_generation;
    connect(job, &M365::Job::finished, this, [this, generation](M365::Job *done) {
        done->deleteLater();
        if (generation == m_generation) {
            onConnected(done);
        }
    });
    job->start();
}

void ConnectionPageController::onConnected(M365::Job *job)
{
    if (job->hasError()) {
        fail(job->error());
        return;
    }
    context()->setConnection(static_cast<Profile::ConnectJob *>(job)->takeConnection());
    auto *check = new Graph::TenantCheckJob(context()->connection()->graph(), Graph::Features{}, this);
    if (context()->automaticRegistration) {
        // The app, its certificate and its consent are minutes old: Entra may not know them everywhere yet.
        check->setReplicationWait(replicationWaitMs);
    }
    connect(check, &Graph::TenantCheckJob::waiting, this, [this](const QString &reason, qint64 retryInMs) {
        m_waiting = tr("%1 Trying again in %n second(s)…", nullptr, int((retryInMs + 999) / 1000)).arg(reason);
        Q_EMIT changed();
    });
    const int generation = m_generation;
    connect(check, &M365::Job::finished, this, [this, generation](M365::Job *done) {
        done->deleteLater();
        if (generation == m_generation) {
            onChecked(done);
        }
    });
    check->start();
}

void ConnectionPageController::onChecked(M365::Job *job)
{
    m_checked = true;
    m_waiting.clear();
    if (job->hasError()) {
        fail(job->error());
        return;
    }
    context()->report = static_cast<Graph::TenantCheckJob *>(job)->report();
    const QStringList missing = context()->report.missingRoles;
    if (!missing.isEmpty()) {
        setError(M365::Error{QStringLiteral("permissions.missing"),
                             tr("The app signs in, but these permissions it needs are not granted: %1. Add them "
                                "under API permissions and grant admin consent, then choose Check again.")
                                 .arg(missing.join(QStringLiteral(", "))),
                             tr("Granted: %1").arg(context()->report.grantedRoles.join(QStringLiteral(", "))),
                             {}});
        finishValidation(false);
        return;
    }
    clearError();
    finishValidation(true);
}

void ConnectionPageController::fail(const M365::Error &error)
{
    m_checked = true;
    context()->setConnection(nullptr);
    setError(error);
    finishValidation(false);
}

ConnectionPage::ConnectionPage(ConnectionPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_status(new QLabel(this))
    , m_roles(new QListWidget(this))
    , m_consent(new QPushButton(tr("Open admin consent page"), this))
    , m_checkAgain(new QPushButton(tr("Check again"), this))
{
    setTitle(tr("Connection and permissions"));
    setSubTitle(tr("m365sync signs in as the app and checks that it has the permissions it needs."));
    m_status->setObjectName(QStringLiteral("connectionStatusLabel"));
    m_roles->setObjectName(QStringLiteral("rolesList"));
    m_consent->setObjectName(QStringLiteral("adminConsentButton"));
    m_checkAgain->setObjectName(QStringLiteral("checkAgainButton"));
    m_status->setWordWrap(true);
    m_roles->setSelectionMode(QAbstractItemView::NoSelection);
    m_roles->setFocusPolicy(Qt::NoFocus);
    m_roles->setIconSize(QSize(16, 16));
    m_roles->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_checkAgain);
    buttons->addWidget(m_consent);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(new QLabel(tr("Microsoft Graph permissions:"), this));
    layout->addWidget(m_roles);
    layout->addLayout(buttons);
    layout->addStretch();
    layout->addWidget(banner());

    connect(m_checkAgain, &QPushButton::clicked, controller, &ConnectionPageController::check);
    connect(m_consent, &QPushButton::clicked, this, [this] {
        QDesktopServices::openUrl(m_controller->adminConsentUrl());
    });
}

void ConnectionPage::initializePage()
{
    m_controller->check();
}

void ConnectionPage::refresh()
{
    const Graph::TenantReport &report = m_controller->report();
    if (m_controller->isBusy() && !m_controller->waitingReason().isEmpty()) {
        m_status->setText(m_controller->waitingReason());
    } else if (m_controller->isBusy()) {
        m_status->setText(tr("Signing in and reading the tenant…"));
    } else if (!m_controller->hasChecked()) {
        m_status->clear();
    } else if (report.requiredRoles.isEmpty()) {
        m_status->setText(tr("The app could not sign in."));
    } else if (report.organization.isEmpty()) {
        m_status->setText(tr("The app signed in."));
    } else {
        m_status->setText(tr("The app signed in to %1 (tenant ID %2).").arg(report.organization, report.tenantId));
    }
    m_roles->clear();
    const QIcon ok = style()->standardIcon(QStyle::SP_DialogApplyButton);
    const QIcon missing = style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const bool known = m_controller->hasChecked() && !report.requiredRoles.isEmpty();
    const QStringList required = known ? report.requiredRoles : Graph::Features{}.requiredRoles();
    for (const QString &role : required) {
        const bool granted = known && !report.missingRoles.contains(role);
        auto *item = new QListWidgetItem(role, m_roles);
        if (known) {
            item->setIcon(granted ? ok : missing);
            item->setText(granted ? tr("%1 — granted").arg(role) : tr("%1 — missing").arg(role));
        } else {
            QPixmap blank(16, 16);
            blank.fill(Qt::transparent);
            item->setIcon(QIcon(blank));
            item->setText(tr("%1 — not checked").arg(role));
        }
    }
    // As tall as its rows: the list is a checklist, not a scrolling view.
    m_roles->setFixedHeight(m_roles->sizeHintForRow(0) * m_roles->count() + 2 * m_roles->frameWidth() + 4);
    m_consent->setEnabled(!m_controller->isBusy());
    m_checkAgain->setEnabled(!m_controller->isBusy());
}

} // namespace M365::Ui
