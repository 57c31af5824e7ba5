// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTreeView>

namespace M365::Models {
class ContainerSelection;
class ContainerTreeModel;
} // namespace M365::Models

namespace M365::Ui {

/*
 * The container (OU) tree of an LDAP directory with a check box for users and one for groups beside each container's
 * counts: a view of Models::ContainerTreeModel over a ContainerSelection. The wizard's Directory page and the
 * dashboard's Settings → Directory show the same one. Containers that hold users or groups are unfolded, AD's many
 * empty system containers folded.
 */
class ContainerTree : public QTreeView
{
    Q_OBJECT

public:
    explicit ContainerTree(Models::ContainerSelection *selection, QWidget *parent = nullptr);

    Models::ContainerTreeModel *containerModel() const { return m_model; }

private:
    /// After a new tree: unfolds what holds someone and sizes the count columns for their widest text, so that the
    /// check boxes stay where they are while the admin clicks them.
    void layOut();

    Models::ContainerTreeModel *m_model;
};

} // namespace M365::Ui
