// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractItemView>
#include <QModelIndex>
#include <QStyle>
#include <QStyleOptionViewItem>
#include <QTest>

namespace M365::Tests {

/**
 * Clicks the check box of the item at @p index the way an admin does: on the style's check indicator within the cell,
 * where the item delegate looks for the click (the container trees of the wizard and the dashboard). Fails the test
 * (QVERIFY) when the index is invalid or the indicator lies outside the cell.
 */
inline void clickCheckBox(QAbstractItemView *view, const QModelIndex &index)
{
    QVERIFY(index.isValid());
    view->scrollTo(index);
    QStyleOptionViewItem option;
    option.initFrom(view->viewport());
    option.rect = view->visualRect(index);
    option.features = QStyleOptionViewItem::HasCheckIndicator | QStyleOptionViewItem::HasDisplay;
    option.text = index.data().toString();
    option.checkState = Qt::CheckState(index.data(Qt::CheckStateRole).toInt());
    const QRect box = view->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, view);
    QVERIFY(option.rect.contains(box.center()));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, box.center());
}

} // namespace M365::Tests
