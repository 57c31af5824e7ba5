// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "confirmrundialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace M365::Ui {

ConfirmRunDialog::ConfirmRunDialog(const Sync::RunSummary &summary, QWidget *parent)
    : QDialog(parent)
    , m_summary(summary)
{
    setObjectName(QStringLiteral("confirmRunDialog"));
    setWindowTitle(tr("Synchronize now?"));
    auto *intro = new QLabel(tr("This run will change the tenant as follows:"), this);
    intro->setObjectName(QStringLiteral("confirmRunIntro"));
    m_text = new QLabel(summary.text(), this);
    m_text->setObjectName(QStringLiteral("confirmRunText"));
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *run = buttons->addButton(tr("Synchronize"), QDialogButtonBox::AcceptRole);
    run->setObjectName(QStringLiteral("confirmRunButton"));
    QPushButton *cancel = buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
    cancel->setObjectName(QStringLiteral("confirmRunCancelButton"));
    // Enter on a dialog that changes a tenant should not run it by accident.
    cancel->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_text);
    layout->addWidget(buttons);
}

QString ConfirmRunDialog::text() const
{
    return m_text->text();
}

} // namespace M365::Ui
