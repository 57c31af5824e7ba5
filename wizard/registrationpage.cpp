// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "registrationpage.h"

#include "errorbanner.h"
#include "graph/tenantcheck.h"
#include "wizardcontext.h"

#include <QApplication>
#include <QClipboard>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

namespace M365::Ui {

QString RegistrationPageController::appName()
{
    return QStringLiteral("m365sync");
}

QString RegistrationPageController::permissionsText()
{
    return Graph::Features{}.requiredRoles().join(QLatin1Char('\n'));
}

void RegistrationPageController::setTenant(const QString &tenant)
{
    if (m_tenant != tenant.trimmed()) {
        m_tenant = tenant.trimmed();
        invalidate();
        Q_EMIT changed();
    }
}

void RegistrationPageController::setClientId(const QString &clientId)
{
    if (m_clientId != clientId.trimmed()) {
        m_clientId = clientId.trimmed();
        invalidate();
        Q_EMIT changed();
    }
}

void RegistrationPageController::load()
{
    m_tenant = context()->profile.tenant;
    m_clientId = context()->profile.clientId;
    Q_EMIT changed();
}

bool RegistrationPageController::isValidGuid(const QString &value)
{
    static const QRegularExpression guid(
        QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return guid.match(value).hasMatch();
}

bool RegistrationPageController::isValidTenant(const QString &tenant)
{
    static const QRegularExpression domain(
        QStringLiteral("^(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$"));
    return isValidGuid(tenant) || domain.match(tenant).hasMatch();
}

QString RegistrationPageController::tenantProblem() const
{
    if (m_tenant.isEmpty() || isValidTenant(m_tenant)) {
        return {};
    }
    return tr("Enter the directory (tenant) ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47, or a verified "
              "domain such as contoso.onmicrosoft.com.");
}

QString RegistrationPageController::clientIdProblem() const
{
    if (m_clientId.isEmpty() || isValidGuid(m_clientId)) {
        return {};
    }
    return tr("The application (client) ID is a GUID such as 4a1aa1d5-c567-49d0-ad0b-cd957a47f842; copy it from the "
              "app's Overview page.");
}

bool RegistrationPageController::isInputComplete() const
{
    return isValidTenant(m_tenant) && isValidGuid(m_clientId);
}

void RegistrationPageController::validate()
{
    if (context()->profile.tenant != m_tenant || context()->profile.clientId != m_clientId) {
        context()->profile.tenant = m_tenant;
        context()->profile.clientId = m_clientId;
        // A connection to another app is no proof for this one.
        context()->setConnection(nullptr);
    }
    finishValidation(isInputComplete());
}

namespace {

QWidget *copyRow(QWidget *parent, const QString &text, const QString &objectName)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *value = new QLabel(text, row);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setStyleSheet(QStringLiteral("font-family: monospace;"));
    auto *copy = new QToolButton(row);
    copy->setObjectName(objectName);
    copy->setText(QCoreApplication::translate("M365::Ui::RegistrationPage", "Copy"));
    copy->setToolTip(QCoreApplication::translate("M365::Ui::RegistrationPage", "Copy to the clipboard"));
    QObject::connect(copy, &QToolButton::clicked, row, [text] {
        QApplication::clipboard()->setText(text);
    });
    layout->addWidget(value, 1);
    layout->addWidget(copy, 0, Qt::AlignTop);
    return row;
}

} // namespace

RegistrationPage::RegistrationPage(RegistrationPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_automatic(new QRadioButton(tr("Register automatically (sign in as an administrator)"), this))
    , m_manual(new QRadioButton(tr("I'll register it myself"), this))
    , m_tenant(new QLineEdit(this))
    , m_clientId(new QLineEdit(this))
    , m_tenantProblem(new QLabel(this))
    , m_clientIdProblem(new QLabel(this))
{
    setTitle(tr("App registration"));
    setSubTitle(tr("m365sync signs in to Microsoft 365 as an app that your tenant knows."));
    m_automatic->setObjectName(QStringLiteral("automaticRegistrationRadio"));
    m_manual->setObjectName(QStringLiteral("manualRegistrationRadio"));
    m_tenant->setObjectName(QStringLiteral("tenantIdEdit"));
    m_clientId->setObjectName(QStringLiteral("clientIdEdit"));
    m_tenantProblem->setObjectName(QStringLiteral("tenantIdProblem"));
    m_clientIdProblem->setObjectName(QStringLiteral("clientIdProblem"));
    // TODO(issue 6): the automatic path (admin sign-in, app creation, consent) arrives with its engine.
    m_automatic->setEnabled(false);
    m_automatic->setToolTip(tr("Coming with the automatic registration (issue 6)"));
    m_manual->setChecked(true);

    auto *steps = new QGridLayout;
    steps->setColumnStretch(1, 1);
    int row = 0;
    const auto addStep = [&](const QString &text, QWidget *extra) {
        auto *label = new QLabel(text, this);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextBrowserInteraction);
        label->setOpenExternalLinks(true);
        steps->addWidget(new QLabel(QString::number(row + 1) + QLatin1Char('.'), this), row, 0, Qt::AlignTop);
        auto *cell = new QVBoxLayout;
        cell->setSpacing(2);
        cell->addWidget(label);
        if (extra) {
            cell->addWidget(extra);
        }
        steps->addLayout(cell, row, 1);
        ++row;
    };
    addStep(tr("In the Microsoft Entra admin center, open App registrations and choose New registration. Name it:"),
            copyRow(this, RegistrationPageController::appName(), QStringLiteral("copyAppNameButton")));
    addStep(tr("Supported account types: this organizational directory only. No redirect URI is needed."), nullptr);
    addStep(tr("Under API permissions, add these Microsoft Graph application permissions, then grant admin consent:"),
            copyRow(this,
                    RegistrationPageController::permissionsText().replace(QLatin1Char('\n'), QStringLiteral(", ")),
                    QStringLiteral("copyPermissionsButton")));
    addStep(tr("Optional: add Domain.ReadWrite.All as well if this wizard should verify your domain with Microsoft."),
            nullptr);
    addStep(tr("Copy the directory (tenant) ID and the application (client) ID from the Overview page into the fields "
               "below. The certificate comes on the next page."),
            nullptr);

    // Each field with its problem below it, so a hidden problem leaves no gap.
    const auto field = [this](QLineEdit *edit, QLabel *problem) {
        auto *box = new QVBoxLayout;
        box->setSpacing(2);
        box->addWidget(edit);
        box->addWidget(problem);
        return box;
    };
    auto *form = new QFormLayout;
    form->addRow(tr("Directory (tenant) ID:"), field(m_tenant, m_tenantProblem));
    form->addRow(tr("Application (client) ID:"), field(m_clientId, m_clientIdProblem));
    m_tenant->setPlaceholderText(tr("GUID or domain, e.g. contoso.onmicrosoft.com"));
    m_clientId->setPlaceholderText(tr("GUID"));
    for (QLabel *problem : {m_tenantProblem, m_clientIdProblem}) {
        problem->setWordWrap(true);
        problem->setStyleSheet(QStringLiteral("color: #a4262c;"));
        problem->hide();
    }

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_automatic);
    layout->addWidget(m_manual);
    layout->addSpacing(6);
    layout->addLayout(steps);
    layout->addSpacing(6);
    layout->addLayout(form);
    layout->addStretch();
    layout->addWidget(banner());

    connect(m_tenant, &QLineEdit::textEdited, controller, &RegistrationPageController::setTenant);
    connect(m_clientId, &QLineEdit::textEdited, controller, &RegistrationPageController::setClientId);
}

void RegistrationPage::initializePage()
{
    m_controller->load();
    m_tenant->setText(m_controller->tenant());
    m_clientId->setText(m_controller->clientId());
}

void RegistrationPage::refresh()
{
    const QString tenantProblem = m_controller->tenantProblem();
    const QString clientProblem = m_controller->clientIdProblem();
    m_tenantProblem->setText(tenantProblem);
    m_tenantProblem->setVisible(!tenantProblem.isEmpty());
    m_clientIdProblem->setText(clientProblem);
    m_clientIdProblem->setVisible(!clientProblem.isEmpty());
}

} // namespace M365::Ui
