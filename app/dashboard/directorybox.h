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
namespace M365::Models {
class ContainerSelection;
}

namespace M365::Ui {

class ContainerTree;
class DashboardController;

/**
 * Settings → Directory, for an LDAP directory: which server, the CA file its certificate is checked against (empty:
 * the system's CAs) and the containers (OUs) users and groups are synced from. Test connects with the edited CA file
 * and shows the server's certificate or why the connection failed. The container tree is the wizard's (ContainerTree):
 * read when the box is first shown and after each successful test, with check boxes that show the profile's
 * "userContainers" and "groupContainers". The Settings tab's Apply saves a changed CA file and changed containers, and
 * the dashboard reads the directory anew.
 */
class DirectoryBox : public QGroupBox
{
    Q_OBJECT

public:
    explicit DirectoryBox(DashboardController *controller, QWidget *parent = nullptr);

    /// Shows the profile's directory settings; hidden for file sources.
    void load();
    bool isModified() const;
    /// Hands a changed CA file or changed containers to the controller; false when it refused (a sync is running).
    bool apply();

    Models::ContainerSelection *containerSelection() const { return m_selection; }

Q_SIGNALS:
    void edited();

protected:
    void showEvent(QShowEvent *event) override;

private:
    QJsonObject editedDirectory() const;
    void test();
    /// Reads the profile's container tree once the box is on screen and the controller knows the bind password.
    void maybeReadContainers();
    void readContainers(const QJsonObject &directory);
    void onContainersRead(Directory::DirectoryJob *job);
    void refreshContainers();

    DashboardController *m_controller;
    QLabel *m_server;
    QLineEdit *m_caFile;
    QPushButton *m_test;
    QLabel *m_result;
    QPointer<Directory::DirectoryJob> m_job;
    Models::ContainerSelection *m_selection;
    QLabel *m_containersLabel;
    ContainerTree *m_tree;
    QLabel *m_containersSummary;
    QPointer<Directory::DirectoryJob> m_containersJob;
    QString m_containersError;
    /// What the tree was read for (the profile's directory without the scopes and the CA file): another directory
    /// needs another read.
    QJsonObject m_treeDirectory;
    bool m_containersAsked = false; ///< the tree of m_treeDirectory was asked for (a failure is not retried by itself)
    bool m_scopeEdited = false; ///< the admin changed a check box since load()
};

} // namespace M365::Ui
