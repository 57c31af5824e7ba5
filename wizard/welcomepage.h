// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "identity/cloudendpoints.h"
#include "pagecontroller.h"

class QButtonGroup;
class QComboBox;
class QRadioButton;

namespace M365::Ui {

/// Welcome: sandbox tenant or a Microsoft 365 tenant, and the cloud. Choosing the sandbox starts the demo tenant.
class WelcomePageController : public PageController
{
    Q_OBJECT

public:
    using PageController::PageController;

    bool isSandbox() const;
    void setSandbox(bool sandbox);
    Identity::Cloud cloud() const { return m_cloud; }
    void setCloud(Identity::Cloud cloud);

    /// Starts the sandbox (sandbox mode) or sets the cloud's endpoints; synchronous, both are local.
    void validate() override;

private:
    Identity::Cloud m_cloud = Identity::Cloud::Global;
};

class WelcomePage : public ControllerPage
{
    Q_OBJECT

public:
    explicit WelcomePage(WelcomePageController *controller, QWidget *parent = nullptr);

private:
    WelcomePageController *m_controller;
    QRadioButton *m_sandbox;
    QRadioButton *m_tenant;
    QComboBox *m_cloud;
};

} // namespace M365::Ui
