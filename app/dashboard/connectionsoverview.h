// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "connectionsmodel.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeView;

namespace M365::Ui {

/**
 * The Connections overview: every connection (profile) of the app with the health fields `m365sync-cli status --all`
 * reports — last run, result, pending changes and deletions, certificate days left, next run — for admins who look
 * after many tenants. Opening a row shows its dashboard; "Edit connection…" runs the wizard's pages for it.
 * Filled from the profile files and their state stores (no sign-in, nothing is sent anywhere).
 */
class ConnectionsOverview : public QWidget
{
    Q_OBJECT

public:
    struct Options
    {
        QString profileDirectory; ///< empty: ProfileStore::defaultDirectory()
        QString stateDirectory; ///< empty: StateStore::pathForProfile()'s default folder
    };

    explicit ConnectionsOverview(const Options &options, QWidget *parent = nullptr);

    /// Reads every profile and its state store again.
    void reload();
    ConnectionsModel *model() const { return m_model; }

    /// The rows for every connection under @p options (drafts are not connections and are left out).
    static QList<ConnectionRow> collectRows(const Options &options);

Q_SIGNALS:
    void openRequested(const QString &name);
    void editRequested(const QString &name);
    void newConnectionRequested();

private:
    QString selectedName() const;
    void updateButtons();

    Options m_options;
    ConnectionsModel *m_model;
    QTreeView *m_view;
    QLabel *m_summary;
    QPushButton *m_open;
    QPushButton *m_edit;
};

} // namespace M365::Ui
