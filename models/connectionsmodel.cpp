// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectionsmodel.h"

#include <QColor>
#include <QIcon>
#include <QImage>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace M365::Ui {

namespace {

QColor healthColor(ConnectionRow::Health health)
{
    switch (health) {
    case ConnectionRow::Health::Ok:
        return QColor(0x2e, 0x7d, 0x32);
    case ConnectionRow::Health::Warning:
        return QColor(0xef, 0x6c, 0x00);
    case ConnectionRow::Health::Critical:
        return QColor(0xc6, 0x28, 0x28);
    case ConnectionRow::Health::Unknown:
        break;
    }
    return QColor(0x75, 0x75, 0x75);
}

/// A dot in the health's colour; anything but OK carries a mark, so that the state does not rely on colour alone.
QIcon healthIcon(ConnectionRow::Health health)
{
    QIcon icon;
    for (int size : {16, 32}) {
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(healthColor(health));
        const qreal unit = size / 16.0;
        painter.drawEllipse(QRectF(2 * unit, 2 * unit, 12 * unit, 12 * unit));
        painter.setBrush(Qt::white);
        if (health == ConnectionRow::Health::Warning || health == ConnectionRow::Health::Critical) {
            painter.drawRect(QRectF(7.25 * unit, 4.5 * unit, 1.5 * unit, 4.5 * unit));
            painter.drawRect(QRectF(7.25 * unit, 10 * unit, 1.5 * unit, 1.5 * unit));
        } else if (health == ConnectionRow::Health::Unknown) {
            painter.drawRect(QRectF(5 * unit, 7.25 * unit, 6 * unit, 1.5 * unit));
        }
        painter.end();
        icon.addPixmap(QPixmap::fromImage(image));
    }
    return icon;
}

} // namespace

ConnectionsModel::ConnectionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ConnectionsModel::setRows(const QList<ConnectionRow> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int ConnectionsModel::rowOf(const QString &name) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).name == name) {
            return i;
        }
    }
    return -1;
}

int ConnectionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConnectionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ConnectionsModel::age(const QDateTime &when, const QDateTime &now)
{
    const qint64 seconds = when.secsTo(now);
    if (seconds < 90) {
        return tr("just now");
    }
    if (seconds < 90 * 60) {
        return tr("%n minute(s) ago", "", int((seconds + 30) / 60));
    }
    if (seconds < 36 * 3600) {
        return tr("%n hour(s) ago", "", int((seconds + 1800) / 3600));
    }
    return tr("%n day(s) ago", "", int((seconds + 43200) / 86400));
}

QVariant ConnectionsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size()) {
        return {};
    }
    const ConnectionRow &row = m_rows.at(index.row());
    if (role == HealthRole) {
        return int(row.health);
    }
    if (role == NameRole) {
        return row.name;
    }
    if (role == Qt::ToolTipRole) {
        return row.healthText;
    }
    if (role == Qt::DecorationRole && index.column() == Name) {
        return healthIcon(row.health);
    }
    if (role == Qt::ForegroundRole && index.column() == Result && row.health != ConnectionRow::Health::Ok) {
        return healthColor(row.health);
    }
    if (role == Qt::TextAlignmentRole
        && (index.column() == Pending || index.column() == Deletions || index.column() == Certificate)) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    const QLocale locale;
    switch (index.column()) {
    case Name:
        return row.name;
    case Tenant:
        return row.tenant;
    case LastRun:
        return row.lastRun.isValid() ? age(row.lastRun, QDateTime::currentDateTimeUtc()) : tr("never");
    case Result:
        return row.result;
    case Pending:
        return row.pending < 0 ? tr("—") : locale.toString(row.pending);
    case Deletions:
        return row.deletions < 0 ? tr("—") : locale.toString(row.deletions);
    case Certificate:
        if (!row.hasCertificate) {
            return tr("client secret");
        }
        return row.certificateDays <= 0 ? tr("expired") : tr("%n day(s)", "", row.certificateDays);
    case NextRun:
        return row.nextRun.isValid() ? locale.toString(row.nextRun.toLocalTime(), QLocale::ShortFormat)
                                     : tr("not scheduled");
    default:
        return {};
    }
}

QVariant ConnectionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case Name:
        return tr("Connection");
    case Tenant:
        return tr("Tenant");
    case LastRun:
        return tr("Last run");
    case Result:
        return tr("Result");
    case Pending:
        return tr("Pending");
    case Deletions:
        return tr("Deletions");
    case Certificate:
        return tr("Certificate");
    case NextRun:
        return tr("Next run");
    default:
        return {};
    }
}

} // namespace M365::Ui
