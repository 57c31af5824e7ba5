// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pagecontroller.h"

class QLabel;
class QLineEdit;
class QRadioButton;

namespace M365::Ui {

/// App registration, manual path: the admin registers the app and types the tenant and client IDs.
class RegistrationPageController : public PageController
{
    Q_OBJECT

public:
    using PageController::PageController;

    /// The display name suggested for the app registration.
    static QString appName();
    /// The Microsoft Graph application permissions to add, one per line.
    static QString permissionsText();

    QString tenant() const { return m_tenant; }
    QString clientId() const { return m_clientId; }
    void setTenant(const QString &tenant);
    void setClientId(const QString &clientId);
    /// Reads the values from the context (pre-filled by the sandbox, or kept when going back).
    void load();

    /// A GUID, or a domain such as contoso.onmicrosoft.com.
    static bool isValidTenant(const QString &tenant);
    static bool isValidGuid(const QString &value);
    /// What is wrong with the typed value, or an empty string (shown as typed; empty fields say nothing).
    QString tenantProblem() const;
    QString clientIdProblem() const;

    bool isInputComplete() const override;
    void validate() override;

private:
    QString m_tenant;
    QString m_clientId;
};

class RegistrationPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit RegistrationPage(RegistrationPageController *controller, QWidget *parent = nullptr);
    void initializePage() override;

protected:
    void refresh() override;

private:
    RegistrationPageController *m_controller;
    QRadioButton *m_automatic;
    QRadioButton *m_manual;
    QLineEdit *m_tenant;
    QLineEdit *m_clientId;
    QLabel *m_tenantProblem;
    QLabel *m_clientIdProblem;
};

} // namespace M365::Ui
