// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include <QLabel>
#include <QVBoxLayout>

namespace M365::Ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("m365sync"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *title = new QLabel(tr("<h2>m365sync</h2>"), central);
    m_connectionLabel = new QLabel(tr("Starting the sandbox tenant…"), central);
    m_connectionLabel->setObjectName(QStringLiteral("connectionLabel"));
    m_connectionLabel->setWordWrap(true);
    m_connectionLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(title);
    layout->addWidget(m_connectionLabel);
    layout->addStretch();
    setCentralWidget(central);
    resize(800, 500);
}

void MainWindow::setConnectionText(const QString &text)
{
    m_connectionLabel->setText(text);
}

} // namespace M365::Ui
