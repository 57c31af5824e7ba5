// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "detailspane.h"

#include "attributediffmodel.h"
#include "changeplanmodel.h"

#include <QBuffer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace M365::Ui {

namespace {

QLabel *makeInfoLabel(const char *name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QLatin1String(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setVisible(false);
    return label;
}

} // namespace

DetailsPane::DetailsPane(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_photo(new QLabel(this))
    , m_reason(makeInfoLabel("detailsReason", this))
    , m_sourceDn(makeInfoLabel("detailsSourceDn", this))
    , m_result(makeInfoLabel("detailsResult", this))
    , m_diffView(new QTableView(this))
    , m_diffModel(new Models::AttributeDiffModel(this))
{
    m_title->setObjectName(QStringLiteral("detailsTitle"));
    m_title->setWordWrap(true);
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);

    m_photo->setObjectName(QStringLiteral("detailsPhoto"));
    m_photo->setFixedSize(PhotoSize, PhotoSize);
    m_photo->setAlignment(Qt::AlignCenter);
    m_photo->setVisible(false);

    m_diffView->setObjectName(QStringLiteral("detailsDiffView"));
    m_diffView->setModel(m_diffModel);
    m_diffView->verticalHeader()->hide();
    m_diffView->horizontalHeader()->setStretchLastSection(true);
    m_diffView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_diffView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_diffView->setWordWrap(false);
    m_diffView->verticalHeader()->setDefaultSectionSize(m_diffView->fontMetrics().height() + 8);
    m_diffView->setColumnWidth(Models::AttributeDiffModel::PropertyColumn, 140);
    m_diffView->setColumnWidth(Models::AttributeDiffModel::OldValueColumn, 110);

    // The picture beside the texts above the table, as an address book shows a contact.
    auto *texts = new QVBoxLayout;
    texts->setContentsMargins(0, 0, 0, 0);
    texts->addWidget(m_title);
    texts->addWidget(m_result);
    texts->addWidget(m_reason);
    texts->addStretch();
    auto *top = new QHBoxLayout;
    top->addLayout(texts, 1);
    top->addWidget(m_photo, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_diffView, 1);
    layout->addWidget(m_sourceDn);
    // Takes the room the table leaves when it is hidden, so that the texts stay at the top.
    layout->addStretch(0);
    clear();
}

void DetailsPane::setChange(const Sync::Change &change, const QString &result, const QString &message)
{
    const QString name = change.displayName.isEmpty() ? change.userPrincipalName : change.displayName;
    //: Details title, e.g. "User Jürgen Müller · Create"
    m_title->setText(tr("%1 %2 · %3")
                         .arg(Models::ChangePlanModel::objectTypeText(change.objectType),
                              name,
                              Models::ChangePlanModel::kindText(change.kind)));
    m_diffModel->setChange(change);
    m_diffView->setVisible(!change.diffs.isEmpty());
    // A new object has no old values: the column would only take room from the new ones.
    m_diffView->setColumnHidden(Models::AttributeDiffModel::OldValueColumn, change.kind == Sync::Change::Kind::Create);

    const bool explains = change.kind == Sync::Change::Kind::Conflict || change.kind == Sync::Change::Kind::Invalid;
    if (!change.reason.isEmpty()) {
        m_reason->setText(explains ? tr("Why it cannot be applied: %1").arg(change.reason)
                                   : tr("Reason: %1").arg(change.reason));
    }
    m_reason->setVisible(!change.reason.isEmpty());
    m_sourceDn->setText(tr("Source: %1").arg(change.sourceDn));
    m_sourceDn->setVisible(!change.sourceDn.isEmpty());
    if (!result.isEmpty()) {
        m_result->setText(message.isEmpty() ? tr("Result: %1").arg(result)
                                            : tr("Result: %1 — %2").arg(result, message));
    }
    m_result->setVisible(!result.isEmpty());
    setPhoto({});
}

void DetailsPane::setPhoto(const QByteArray &image)
{
    m_photo->clear();
    m_photo->setVisible(false);
    if (image.isEmpty()) {
        return;
    }
    // Decoded at the size shown: a JPEG is then scaled while it is decoded, and a directory's 5 MB jpegPhoto costs no
    // more than its thumbnail. Data that is no picture (a garbled export, another binary value) leaves the reader
    // with an error, never with a crash.
    QBuffer buffer;
    buffer.setData(image);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    const QSize size = reader.size();
    if (!size.isValid() || size.isEmpty()) {
        return;
    }
    const qreal ratio = devicePixelRatioF();
    const QSize box(qRound(PhotoSize * ratio), qRound(PhotoSize * ratio));
    if (size.width() > box.width() || size.height() > box.height()) {
        reader.setScaledSize(size.scaled(box, Qt::KeepAspectRatio));
    }
    QImage decoded = reader.read();
    if (decoded.isNull()) {
        return;
    }
    decoded.setDevicePixelRatio(ratio);
    m_photo->setPixmap(QPixmap::fromImage(decoded));
    m_photo->setToolTip(tr("The picture from the directory (%1 × %2 pixels)").arg(size.width()).arg(size.height()));
    m_photo->setVisible(true);
}

void DetailsPane::clear()
{
    m_title->setText(tr("Select a change to see what it does."));
    m_diffModel->clear();
    m_diffView->setVisible(false);
    m_reason->setVisible(false);
    m_sourceDn->setVisible(false);
    m_result->setVisible(false);
    setPhoto({});
}

} // namespace M365::Ui
