// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QFrame>

class QLabel;
class QPushButton;

namespace M365::Ui {

/*
 * An inline message in a page (KMessageWidget-style, as KeePassXC does): the engine's userMessage in plain words,
 * and "Copy details" for the technical details and Graph's request id. Modal dialogs are for confirmations only.
 */
class ErrorBanner : public QFrame
{
    Q_OBJECT

public:
    enum class Kind { Error, Warning, Information };

    explicit ErrorBanner(QWidget *parent = nullptr);

    /// Shows the error, or hides the banner for a null error.
    void setError(const M365::Error &error);
    /// Shows a message without details.
    void setMessage(Kind kind, const QString &text);
    QString text() const;
    /// What "Copy details" puts on the clipboard.
    QString detailsText() const;

private:
    void setKind(Kind kind);

    QLabel *m_text;
    QPushButton *m_copy;
    M365::Error m_error;
};

} // namespace M365::Ui
