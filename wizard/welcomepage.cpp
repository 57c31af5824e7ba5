// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "welcomepage.h"

#include "errorbanner.h"
#include "wizardcontext.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QRadioButton>
#include <QVBoxLayout>

namespace M365::Ui {

bool WelcomePageController::isSandbox() const
{
    return context()->isSandbox();
}

void WelcomePageController::setSandbox(bool sandbox)
{
    if (context()->isSandbox() != sandbox) {
        context()->setSandboxMode(sandbox);
        invalidate();
        Q_EMIT changed();
    }
}

void WelcomePageController::setCloud(Identity::Cloud cloud)
{
    if (m_cloud != cloud) {
        m_cloud = cloud;
        invalidate();
        Q_EMIT changed();
    }
}

void WelcomePageController::validate()
{
    WizardContext *ctx = context();
    if (ctx->isSandbox()) {
        QString message;
        if (!ctx->startSandbox(&message)) {
            setError(M365::Error{QStringLiteral("sandbox.start"),
                                 tr("The sandbox tenant could not start: %1").arg(message),
                                 message,
                                 {}});
            finishValidation(false);
            return;
        }
        if (ctx->profile.name.isEmpty()) {
            ctx->profile.name = QStringLiteral("sandbox");
        }
    } else {
        if (ctx->profile.endpoints.cloud == Identity::Cloud::Custom) {
            // The sandbox's IDs mean nothing in a real tenant.
            ctx->profile.tenant.clear();
            ctx->profile.clientId.clear();
        }
        ctx->profile.endpoints = Identity::CloudEndpoints::forCloud(m_cloud);
        ctx->profile.caFile.clear();
        ctx->profile.sandboxState.clear();
        if (ctx->profile.name.isEmpty() || ctx->profile.name == QLatin1String("sandbox")) {
            ctx->profile.name = QStringLiteral("m365");
        }
    }
    clearError();
    finishValidation(true);
}

WelcomePage::WelcomePage(WelcomePageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_sandbox(new QRadioButton(tr("Sandbox tenant (offline, for trying it out)"), this))
    , m_tenant(new QRadioButton(tr("Microsoft 365 tenant"), this))
    , m_cloud(new QComboBox(this))
{
    setTitle(tr("Welcome to m365sync"));
    setSubTitle(tr("This wizard connects m365sync to a Microsoft 365 tenant and to your directory. It checks each "
                   "step and says exactly what is wrong."));
    m_sandbox->setObjectName(QStringLiteral("sandboxRadio"));
    m_tenant->setObjectName(QStringLiteral("tenantRadio"));
    m_cloud->setObjectName(QStringLiteral("cloudCombo"));

    auto *steps = new QLabel(tr("You will:\n"
                                "1. Register an app for m365sync in Microsoft Entra ID.\n"
                                "2. Give it a certificate to sign in with.\n"
                                "3. Check that it has the permissions it needs.\n"
                                "4. Choose and verify the domain for user names.\n"
                                "5. Point m365sync at your directory (LDAP, LDIF or CSV)."),
                             this);
    steps->setWordWrap(true);
    auto *sandboxHint = new QLabel(tr("The sandbox is a tenant that runs inside m365sync, seeded with demo users. "
                                      "Nothing leaves your computer."),
                                   this);
    sandboxHint->setWordWrap(true);
    sandboxHint->setIndent(24);
    sandboxHint->setStyleSheet(QStringLiteral("color: palette(dark);"));

    const QList<Identity::Cloud> clouds{Identity::Cloud::Global,
                                        Identity::Cloud::UsGovernmentL4,
                                        Identity::Cloud::UsGovernmentL5Dod,
                                        Identity::Cloud::China};
    for (const Identity::Cloud cloud : clouds) {
        m_cloud->addItem(Identity::CloudEndpoints::name(cloud), int(cloud));
    }
    auto *cloudRow = new QFormLayout;
    cloudRow->setContentsMargins(24, 0, 0, 0);
    cloudRow->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    cloudRow->addRow(tr("Cloud:"), m_cloud);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(steps);
    layout->addSpacing(12);
    layout->addWidget(new QLabel(tr("Where should m365sync connect to?"), this));
    layout->addWidget(m_sandbox);
    layout->addWidget(sandboxHint);
    layout->addWidget(m_tenant);
    layout->addLayout(cloudRow);
    layout->addStretch();
    layout->addWidget(banner());

    m_sandbox->setChecked(controller->isSandbox());
    m_tenant->setChecked(!controller->isSandbox());
    m_cloud->setEnabled(!controller->isSandbox());
    connect(m_sandbox, &QRadioButton::toggled, this, [this](bool on) {
        m_controller->setSandbox(on);
        m_cloud->setEnabled(!on);
    });
    connect(m_cloud, &QComboBox::currentIndexChanged, this, [this] {
        m_controller->setCloud(Identity::Cloud(m_cloud->currentData().toInt()));
    });
}

} // namespace M365::Ui
