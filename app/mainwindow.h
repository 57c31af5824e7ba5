// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QLabel;

namespace M365::Ui {

/// The application's main window. For now it says which tenant the app is connected to; the dashboard grows here.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    void setConnectionText(const QString &text);

private:
    QLabel *m_connectionLabel = nullptr;
};

} // namespace M365::Ui
