// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "pagecontroller.h"

#include "errorbanner.h"

#include <QWizard>

namespace M365::Ui {

PageController::PageController(WizardContext *context, QObject *parent)
    : QObject(parent)
    , m_context(context)
{}

void PageController::validate()
{
    finishValidation(true);
}

void PageController::invalidate()
{
    if (m_verified) {
        m_verified = false;
        Q_EMIT changed();
    }
}

void PageController::setBusy(bool busy)
{
    if (m_busy != busy) {
        m_busy = busy;
        Q_EMIT changed();
    }
}

void PageController::showProblems(const QStringList &problems)
{
    setError(problems.isEmpty() ? M365::Error{}
                                : M365::Error{QString(), problems.join(QLatin1Char('\n')), QString(), QString()});
}

void PageController::setError(const M365::Error &error)
{
    m_error = error;
    Q_EMIT changed();
}

void PageController::finishValidation(bool ok)
{
    m_verified = ok;
    m_busy = false;
    Q_EMIT changed();
    Q_EMIT validated(ok);
}

ControllerPage::ControllerPage(PageController *controller, QWidget *parent)
    : QWizardPage(parent)
    , m_controller(controller)
    , m_banner(new ErrorBanner(this))
{
    connect(controller, &PageController::changed, this, &ControllerPage::onChanged);
    connect(controller, &PageController::validated, this, &ControllerPage::onValidated);
}

bool ControllerPage::isComplete() const
{
    return !m_controller->isBusy() && m_controller->isInputComplete();
}

bool ControllerPage::validatePage()
{
    if (m_controller->isVerified()) {
        return true;
    }
    if (!m_controller->isBusy()) {
        m_inValidatePage = true;
        m_controller->validate();
        m_inValidatePage = false;
        // An asynchronous validation moves on by itself when it succeeds.
        m_advanceOnSuccess = m_controller->isBusy();
    }
    // A synchronous validation may have succeeded already.
    return m_controller->isVerified();
}

void ControllerPage::onChanged()
{
    m_banner->setError(m_controller->error());
    refresh();
    Q_EMIT completeChanged();
}

void ControllerPage::onValidated(bool ok)
{
    // A synchronous validation is already returning true to QWizard; a check the page started on its own (not
    // through Next) leaves the admin to read the result.
    const bool advance = m_advanceOnSuccess && !m_inValidatePage;
    m_advanceOnSuccess = false;
    if (!ok || !advance || !wizard() || wizard()->currentPage() != this) {
        return;
    }
    if (nextId() == -1) {
        wizard()->accept();
    } else {
        wizard()->next();
    }
}

} // namespace M365::Ui
