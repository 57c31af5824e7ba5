// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QObject>
#include <QWizardPage>

namespace M365::Ui {

class ErrorBanner;
class WizardContext;

/*
 * The logic behind one wizard page, without widgets (STYLE.md section 4, after owncloud's WizardPageValidator and
 * nextcloud's AccountWizardController): busy while a check runs, the error to show, and whether the page's input
 * has been verified. Unit tests drive controllers without any window.
 */
class PageController : public QObject
{
    Q_OBJECT

public:
    explicit PageController(WizardContext *context, QObject *parent = nullptr);

    WizardContext *context() const { return m_context; }
    bool isBusy() const { return m_busy; }
    bool isVerified() const { return m_verified; }
    const M365::Error &error() const { return m_error; }
    QString errorText() const { return m_error.userMessage; }

    /// Cheap local checks only; the page's isComplete() is this and !isBusy().
    virtual bool isInputComplete() const { return true; }
    /// Starts the page's validation; ends with validated(). The default verifies at once.
    virtual void validate();
    /// Forgets an earlier verification, e.g. after the admin changed a field.
    void invalidate();

Q_SIGNALS:
    /// Anything a view shows changed (busy, error, results, completeness).
    void changed();
    /// A validation ended; on success the page may move on.
    void validated(bool ok);

protected:
    void setBusy(bool busy);
    void setError(const M365::Error &error);
    void clearError() { setError({}); }
    /// What is wrong with the page's input, one line each, in the banner; none clears it.
    void showProblems(const QStringList &problems);
    /// Ends a validation: success marks the page verified.
    void finishValidation(bool ok);

private:
    WizardContext *m_context;
    M365::Error m_error;
    bool m_busy = false;
    bool m_verified = false;
};

/*
 * A page over a PageController that validates with nextcloud's pattern: validatePage() returns false and starts
 * the check, Next stays disabled while it runs, and on success the page calls wizard()->next() (or accept() on the
 * last page). No nested event loop anywhere.
 */
class ControllerPage : public QWizardPage
{
    Q_OBJECT

public:
    ControllerPage(PageController *controller, QWidget *parent = nullptr);

    bool isComplete() const override;
    bool validatePage() override;

protected:
    /// The banner that shows the controller's error; pages add it to their layout.
    ErrorBanner *banner() const { return m_banner; }
    /// Called when the controller changed; pages refresh their widgets here.
    virtual void refresh() {}

private:
    void onChanged();
    void onValidated(bool ok);

    PageController *m_controller;
    ErrorBanner *m_banner;
    bool m_inValidatePage = false;
    bool m_advanceOnSuccess = false;
};

} // namespace M365::Ui
