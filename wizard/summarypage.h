// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pagecontroller.h"

#include <QPair>

class QLabel;
class QLineEdit;

namespace M365::Ui {

/*
 * Summary: everything chosen, and the connection's name. Finish writes the secrets to the keychain first and then
 * the profile, which only refers to them (SaveProfileJob); a keychain failure leaves no profile behind. A draft the
 * wizard resumed or a profile it edits may keep its own name; an edited profile must (its history is under it).
 */
class SummaryPageController : public PageController
{
    Q_OBJECT

public:
    using PageController::PageController;

    QString profileName() const;
    void setProfileName(const QString &name);
    /// Keeps the name, or appends "-2", "-3"… when a connection of that name exists already.
    void suggestFreeName();
    /// True when the name may be changed: not while editing a profile, whose history and state are kept under it.
    bool isNameEditable() const;
    /// True when @p name is taken by another profile than the one this run replaces.
    static bool isTaken(const WizardContext *context, const QString &name);
    /// What is wrong with the name as typed, or an empty string.
    QString nameProblem() const;
    /// (label, value) rows describing the connection.
    QList<QPair<QString, QString>> rows() const;

    bool isInputComplete() const override;
    void validate() override;
};

class SummaryPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit SummaryPage(SummaryPageController *controller, QWidget *parent = nullptr);
    void initializePage() override;

protected:
    void refresh() override;

private:
    SummaryPageController *m_controller;
    QLineEdit *m_name;
    QLabel *m_nameProblem;
    QLabel *m_summary;
};

} // namespace M365::Ui
