// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QGroupBox>
#include <QJsonObject>
#include <QPointer>

class QLabel;
class QLineEdit;
class QPushButton;

namespace M365::Directory {
class DirectoryJob;
}

namespace M365::Ui {

class DashboardController;

/**
 * Settings → Directory, for an LDAP directory: which server, and the CA file its certificate is checked against
 * (empty: the system's CAs). Test connects with the edited CA file and shows the server's certificate or why the
 * connection failed; the Settings tab's Apply saves a changed CA file, and the dashboard reads the directory anew.
 */
class DirectoryBox : public QGroupBox
{
    Q_OBJECT

public:
    explicit DirectoryBox(DashboardController *controller, QWidget *parent = nullptr);

    /// Shows the profile's directory settings; hidden for file sources.
    void load();
    bool isModified() const;
    /// Hands a changed CA file to the controller; false when it refused (a sync is running).
    bool apply();

Q_SIGNALS:
    void edited();

private:
    QJsonObject editedDirectory() const;
    void test();

    DashboardController *m_controller;
    QLabel *m_server;
    QLineEdit *m_caFile;
    QPushButton *m_test;
    QLabel *m_result;
    QPointer<Directory::DirectoryJob> m_job;
};

} // namespace M365::Ui
