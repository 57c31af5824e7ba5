// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/changeplan.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace M365::Models {
class AttributeDiffModel;
}

namespace M365::Ui {

/// The preview's details pane: what one change does, property by property (old → new), and why; for a user with a
/// picture in the directory (thumbnailPhoto, jpegPhoto) also the picture, so that the admin sees who it is.
class DetailsPane : public QWidget
{
    Q_OBJECT

public:
    explicit DetailsPane(QWidget *parent = nullptr);

    /// Shows @p change with the applier's @p result and @p message (empty before a run).
    void setChange(const Sync::Change &change, const QString &result = {}, const QString &message = {});
    void clear();
    /// Shows @p image (JPEG, PNG, … as the directory keeps it) beside the title, at most PhotoSize pixels; nothing for
    /// no data or data that is no picture. setChange() and clear() take the picture away.
    void setPhoto(const QByteArray &image);
    static constexpr int PhotoSize = 80;

    Models::AttributeDiffModel *diffModel() const { return m_diffModel; }

private:
    QLabel *m_title;
    QLabel *m_photo;
    QLabel *m_reason;
    QLabel *m_sourceDn;
    QLabel *m_result;
    QTableView *m_diffView;
    Models::AttributeDiffModel *m_diffModel;
};

} // namespace M365::Ui
