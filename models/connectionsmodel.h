// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QString>

namespace M365::Ui {

/// One connection (profile) as the Connections overview shows it: the same fields `m365sync-cli status --all` prints.
struct ConnectionRow
{
    /// The monitoring-plugin states (`m365sync-cli health`): what the row's icon and colour say.
    enum class Health { Ok, Warning, Critical, Unknown };

    QString name;
    QString tenant;
    QDateTime lastRun; ///< when the last run ended (or started, if it did not end); invalid: never ran
    QString result; ///< the last run's result in words ("Done", "3 failed", "Stopped by the deletion guard", …)
    int pending = -1; ///< changes the last plan proposed; -1: not planned yet
    int deletions = -1; ///< of which destructive (disable, delete, removals); -1: not planned yet
    bool hasCertificate = false; ///< false: the connection signs in with a client secret
    int certificateDays = 0; ///< days until the certificate expires (0 or less: expired)
    QDateTime nextRun; ///< invalid: not scheduled
    Health health = Health::Unknown;
    QString healthText; ///< one line saying why (the health check's line)
};

/**
 * Every connection of the app, one row each, for admins (MSPs) who look after many tenants: last run, its result,
 * pending changes and deletions, certificate days left and the next scheduled run. A pure table over ConnectionRow:
 * the overview fills it from the profiles and their state stores.
 */
class ConnectionsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Tenant, LastRun, Result, Pending, Deletions, Certificate, NextRun, ColumnCount };
    enum Role { HealthRole = Qt::UserRole + 1, NameRole };

    explicit ConnectionsModel(QObject *parent = nullptr);

    void setRows(const QList<ConnectionRow> &rows);
    const QList<ConnectionRow> &rows() const { return m_rows; }
    /// The row of the connection @p name, or -1.
    int rowOf(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// "2 h ago", "3 days ago", "just now" — relative to @p now, for the Last run column.
    static QString age(const QDateTime &when, const QDateTime &now);

private:
    QList<ConnectionRow> m_rows;
};

} // namespace M365::Ui
