// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "errorbanner.h"
#include "onboardingwizard.h"

#include <QAbstractButton>
#include <QCoreApplication>
#include <QTest>

namespace M365::Tests {

/**
 * Drives the onboarding wizard by objectName, as an admin would click through it: the helpers every wizard test
 * needs. A test class derives from it (after QObject) and says which wizard it drives.
 */
class WizardDriver
{
public:
    virtual ~WizardDriver() = default;

protected:
    virtual Ui::OnboardingWizard *drivenWizard() const = 0;

    template <class T> T *find(const char *name) const
    {
        T *widget = drivenWizard()->findChild<T *>(QLatin1String(name));
        if (!widget) {
            qWarning("no widget named %s", name);
        }
        return widget;
    }
    void click(const char *name) const { QTest::mouseClick(find<QAbstractButton>(name), Qt::LeftButton); }
    bool nextEnabled() const { return drivenWizard()->button(QWizard::NextButton)->isEnabled(); }
    /// The text of the error banner on the page named @p page, when it is shown.
    QString bannerText(const char *page) const
    {
        auto *banner = drivenWizard()->findChild<QWidget *>(QLatin1String(page))->findChild<Ui::ErrorBanner *>();
        return banner && banner->isVisible() ? banner->text() : QString();
    }
    /// Saves the wizard as it looks now to the build's screenshots folder, for review.
    bool saveShot(const QString &name) const
    {
        QCoreApplication::processEvents();
        return drivenWizard()->grab().save(QStringLiteral(M365_BINARY_DIR "/screenshots/") + name
                                           + QStringLiteral(".png"));
    }
};

} // namespace M365::Tests
