// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "errorbanner.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace M365::Ui {

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_copy(new QPushButton(tr("Copy details"), this))
{
    setObjectName(QStringLiteral("errorBanner"));
    m_text->setObjectName(QStringLiteral("errorBannerText"));
    m_copy->setObjectName(QStringLiteral("copyDetailsButton"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_copy, 0, Qt::AlignTop);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(detailsText());
    });
    setKind(Kind::Error);
    hide();
}

void ErrorBanner::setError(const M365::Error &error)
{
    m_error = error;
    if (error.isNull()) {
        m_text->clear();
        hide();
        return;
    }
    setKind(Kind::Error);
    m_text->setText(error.userMessage);
    m_copy->setVisible(!error.details.isEmpty() || !error.requestId.isEmpty() || !error.code.isEmpty());
    show();
}

void ErrorBanner::setMessage(Kind kind, const QString &text)
{
    m_error = M365::Error{};
    setKind(kind);
    m_text->setText(text);
    m_copy->hide();
    setVisible(!text.isEmpty());
}

QString ErrorBanner::text() const
{
    return m_text->text();
}

QString ErrorBanner::detailsText() const
{
    QStringList lines{m_error.userMessage};
    if (!m_error.code.isEmpty()) {
        lines.append(tr("Code: %1").arg(m_error.code));
    }
    if (!m_error.requestId.isEmpty()) {
        lines.append(tr("Request ID: %1").arg(m_error.requestId));
    }
    if (!m_error.details.isEmpty()) {
        lines.append(m_error.details);
    }
    return lines.join(QLatin1Char('\n'));
}

void ErrorBanner::setKind(Kind kind)
{
    const char *colors = "background: #fde7e9; border: 1px solid #d13438;";
    if (kind == Kind::Warning) {
        colors = "background: #fff4ce; border: 1px solid #c19c00;";
    } else if (kind == Kind::Information) {
        colors = "background: #e5f1fb; border: 1px solid #0078d4;";
    }
    setStyleSheet(QStringLiteral("QFrame#%1 { %2 border-radius: 4px; }").arg(objectName(), QLatin1String(colors)));
}

} // namespace M365::Ui
