// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "previewpane.h"

#include "changeplanfiltermodel.h"
#include "changeplanmodel.h"
#include "detailspane.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSplitter>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace M365::Ui {

using Kind = Sync::Change::Kind;
using Models::ChangePlanModel;

namespace {

constexpr Kind allKinds[] = {Kind::Create,
                             Kind::Update,
                             Kind::Disable,
                             Kind::Enable,
                             Kind::Delete,
                             Kind::Link,
                             Kind::Restore,
                             Kind::Conflict,
                             Kind::Invalid};

/// Paints rows that changed with the last re-plan on a soft background, and a result icon next to each result.
class PreviewDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(ChangePlanModel::ChangedRole).toBool()) {
            option->backgroundBrush = QColor(255, 236, 160);
        }
        if (index.column() == ChangePlanModel::ResultColumn) {
            const QString result = index.data(ChangePlanModel::ResultRole).toString();
            for (const auto r : {Sync::ChangeOutcome::Result::Done,
                                 Sync::ChangeOutcome::Result::Failed,
                                 Sync::ChangeOutcome::Result::Skipped,
                                 Sync::ChangeOutcome::Result::Stale}) {
                if (!result.isEmpty() && result == PreviewPane::resultText(r)) {
                    option->icon = PreviewPane::resultIcon(r);
                    option->features |= QStyleOptionViewItem::HasDecoration;
                    option->decorationSize = QSize(16, 16);
                }
            }
        }
    }
};

} // namespace

PreviewPane::PreviewPane(QWidget *parent)
    : QWidget(parent)
    , m_model(new ChangePlanModel(this))
    , m_filter(new Models::ChangePlanFilterModel(this))
    , m_allButton(new QToolButton(this))
    , m_search(new QLineEdit(this))
    , m_checkAll(new QCheckBox(tr("Apply all"), this))
    , m_emptyLabel(new QLabel(this))
    , m_problemsButton(new QToolButton(this))
    , m_problemsList(new QListWidget(this))
    , m_table(new QTableView(this))
    , m_details(new DetailsPane(this))
{
    m_filter->setSourceModel(m_model);

    auto *filters = new QHBoxLayout;
    filters->setSpacing(4);
    m_allButton->setObjectName(QStringLiteral("filterButton_all"));
    m_allButton->setCheckable(true);
    m_allButton->setChecked(true);
    m_allButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    filters->addWidget(m_allButton);
    connect(m_allButton, &QToolButton::clicked, this, [this] {
        for (QToolButton *button : std::as_const(m_kindButtons)) {
            button->setChecked(false);
        }
        updateKindFilter();
    });
    for (const Kind kind : allKinds) {
        auto *button = new QToolButton(this);
        button->setObjectName(QStringLiteral("filterButton_") + Sync::Change::kindName(kind));
        button->setCheckable(true);
        button->setIcon(ChangePlanModel::kindIcon(kind));
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setToolTip(tr("Show only this kind of change (several can be combined)"));
        connect(button, &QToolButton::toggled, this, &PreviewPane::updateKindFilter);
        m_kindButtons.insert(kind, button);
        filters->addWidget(button);
    }
    filters->addStretch();
    // The search box sits in the row below: the kind filters need the whole width in longer languages (German).
    m_search->setObjectName(QStringLiteral("previewSearchEdit"));
    m_search->setPlaceholderText(tr("Search names, DNs, properties…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(qMax(240, m_search->fontMetrics().horizontalAdvance(m_search->placeholderText()) + 48));
    m_search->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    connect(m_search, &QLineEdit::textChanged, m_filter, &Models::ChangePlanFilterModel::setSearchText);

    m_checkAll->setObjectName(QStringLiteral("checkAllBox"));
    m_checkAll->setTristate(true);
    m_checkAll->setToolTip(tr("Unchecked rows are left out of the sync you start, and their objects are excluded from "
                              "later syncs too (Settings → Exclusions includes them again)"));
    connect(m_checkAll, &QCheckBox::clicked, this, [this] {
        // A click on a partly checked box checks everything.
        const bool checked = m_checkAll->checkState() != Qt::Unchecked;
        m_model->setAllChecked(checked);
        updateCounts();
    });
    m_emptyLabel->setObjectName(QStringLiteral("emptyPlanLabel"));
    m_emptyLabel->setVisible(false);
    // The count of unreadable entries opens the list of them under it: selectable, and copied with Ctrl+C.
    m_problemsButton->setObjectName(QStringLiteral("problemsButton"));
    m_problemsButton->setCheckable(true);
    m_problemsButton->setAutoRaise(true);
    m_problemsButton->setArrowType(Qt::RightArrow);
    m_problemsButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_problemsButton->setToolTip(tr("Show which entries could not be read, and why"));
    m_problemsButton->setVisible(false);
    m_problemsList->setObjectName(QStringLiteral("problemsList"));
    m_problemsList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_problemsList->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_problemsList->setVisible(false);
    auto *copyProblems = new QAction(tr("Copy"), m_problemsList);
    copyProblems->setShortcut(QKeySequence::Copy);
    copyProblems->setShortcutContext(Qt::WidgetShortcut);
    m_problemsList->addAction(copyProblems);
    connect(copyProblems, &QAction::triggered, this, [this] {
        // The selected problems in the list's order; all of them when none is selected.
        QStringList lines;
        for (int row = 0; row < m_problemsList->count(); ++row) {
            if (m_problemsList->item(row)->isSelected() || m_problemsList->selectedItems().isEmpty()) {
                lines.append(m_problemsList->item(row)->text());
            }
        }
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
    });
    connect(m_problemsButton, &QToolButton::toggled, this, [this](bool open) {
        m_problemsButton->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
        m_problemsList->setVisible(open);
    });
    auto *status = new QHBoxLayout;
    status->addWidget(m_checkAll);
    status->addWidget(m_emptyLabel, 1);
    status->addWidget(m_problemsButton);
    status->addStretch();
    status->addWidget(m_search);

    m_table->setObjectName(QStringLiteral("previewTable"));
    m_table->setModel(m_filter);
    m_table->setItemDelegate(new PreviewDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    // The kind and object type columns fit their longest texts (the kind with check box and icon), in every
    // language; what they need beyond 100 and 90 comes from the user name column, whose long names are elided anyway.
    int kindWidth = 100;
    for (const Kind kind : allKinds) {
        kindWidth = qMax(kindWidth, m_table->fontMetrics().horizontalAdvance(ChangePlanModel::kindText(kind)) + 56);
    }
    int typeWidth = 90;
    for (const auto type : {Sync::Change::ObjectType::User,
                            Sync::Change::ObjectType::Group,
                            Sync::Change::ObjectType::Membership,
                            Sync::Change::ObjectType::Licence}) {
        typeWidth =
            qMax(typeWidth, m_table->fontMetrics().horizontalAdvance(ChangePlanModel::objectTypeText(type)) + 16);
    }
    m_table->setColumnWidth(ChangePlanModel::KindColumn, kindWidth);
    m_table->setColumnWidth(ChangePlanModel::ObjectTypeColumn, typeWidth);
    m_table->setColumnWidth(ChangePlanModel::DisplayNameColumn, 160);
    m_table->setColumnWidth(ChangePlanModel::UserPrincipalNameColumn,
                            qMax(170, 220 - (kindWidth - 100) - (typeWidth - 90)));
    m_table->setColumnWidth(ChangePlanModel::ChangesColumn, 150);
    m_table->horizontalHeader()->setMinimumSectionSize(40);

    m_details->setObjectName(QStringLiteral("detailsPane"));
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("previewSplitter"));
    splitter->addWidget(m_table);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({820, 380});
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addLayout(status);
    layout->addWidget(m_problemsList);
    layout->addWidget(splitter, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &PreviewPane::updateDetails);
    connect(m_model, &ChangePlanModel::checkedChanged, this, &PreviewPane::updateCounts);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &topLeft, const QModelIndex &) {
        const QModelIndex current = m_filter->mapToSource(m_table->currentIndex());
        if (current.isValid() && current.row() == topLeft.row()) {
            updateDetails();
        }
    });
    updateCounts();
}

void PreviewPane::showPlan(const Sync::ChangePlan &plan)
{
    if (m_hasPlan) {
        m_model->updatePlan(plan);
    } else {
        m_model->setPlan(plan);
        m_hasPlan = true;
    }
    m_emptyLabel->setText(plan.isEmpty() ? tr("Nothing to do: Microsoft 365 matches the directory.") : QString());
    updateCounts();
    updateDetails();
}

void PreviewPane::setProblems(const QStringList &problems)
{
    m_problemsButton->setText(tr("%n directory entries could not be read", nullptr, int(problems.size())));
    m_problemsButton->setVisible(!problems.isEmpty());
    m_problemsList->clear();
    m_problemsList->addItems(problems);
    // As tall as six problems at most; a longer list scrolls.
    int height = 2 * m_problemsList->frameWidth() + 4;
    for (int row = 0; row < qMin(6, m_problemsList->count()); ++row) {
        height += m_problemsList->sizeHintForRow(row);
    }
    m_problemsList->setFixedHeight(height);
    if (problems.isEmpty()) {
        m_problemsButton->setChecked(false);
    }
}

void PreviewPane::setOutcome(int index, const Sync::ChangeOutcome &outcome)
{
    if (index < 0 || index >= m_model->rowCount()) {
        return;
    }
    m_model->setResult(index, resultText(outcome.result), outcome.message);
}

void PreviewPane::clearOutcomes()
{
    m_model->clearResults();
}

void PreviewPane::setApplying(bool applying)
{
    m_applying = applying;
    m_checkAll->setEnabled(!applying);
    // The table stays browsable; its check boxes are read when the run starts, so later clicks change nothing.
    updateCounts();
}

QList<int> PreviewPane::selectedChanges() const
{
    const QList<int> checked = m_model->checkedChanges();
    return checked.size() == applicableCount() ? QList<int>() : checked;
}

int PreviewPane::applicableCount() const
{
    int count = 0;
    for (const Sync::Change &change : m_model->plan().changes) {
        count += ChangePlanModel::isCheckable(change) ? 1 : 0;
    }
    return count;
}

int PreviewPane::checkedCount() const
{
    return int(m_model->checkedChanges().size());
}

QString PreviewPane::resultText(Sync::ChangeOutcome::Result result)
{
    switch (result) {
    case Sync::ChangeOutcome::Result::Pending:
        return tr("Pending");
    case Sync::ChangeOutcome::Result::Done:
        return tr("Done");
    case Sync::ChangeOutcome::Result::Failed:
        return tr("Failed");
    case Sync::ChangeOutcome::Result::Skipped:
        return tr("Skipped");
    case Sync::ChangeOutcome::Result::Stale:
        return tr("Changed meanwhile");
    }
    return QString();
}

QIcon PreviewPane::resultIcon(Sync::ChangeOutcome::Result result)
{
    QStyle *style = QApplication::style();
    switch (result) {
    case Sync::ChangeOutcome::Result::Done:
        return QIcon::fromTheme(QStringLiteral("emblem-ok"), style->standardIcon(QStyle::SP_DialogApplyButton));
    case Sync::ChangeOutcome::Result::Failed:
        return QIcon::fromTheme(QStringLiteral("dialog-error"), style->standardIcon(QStyle::SP_MessageBoxCritical));
    case Sync::ChangeOutcome::Result::Skipped:
    case Sync::ChangeOutcome::Result::Stale:
        return QIcon::fromTheme(QStringLiteral("dialog-warning"), style->standardIcon(QStyle::SP_MessageBoxWarning));
    case Sync::ChangeOutcome::Result::Pending:
        break;
    }
    return QIcon();
}

void PreviewPane::updateCounts()
{
    const QMap<Kind, int> counts = m_model->countsByKind();
    int total = 0;
    for (const Kind kind : allKinds) {
        const int count = counts.value(kind);
        total += count;
        QToolButton *button = m_kindButtons.value(kind);
        button->setText(tr("%1 (%2)").arg(ChangePlanModel::kindText(kind)).arg(count));
        // Kinds the plan does not have stay visible (the admin learns what exists) but greyed out.
        button->setEnabled(count > 0 || button->isChecked());
    }
    m_allButton->setText(tr("All (%1)").arg(total));

    const int applicable = applicableCount();
    const int checked = checkedCount();
    m_checkAll->setText(applicable == 0 ? tr("Apply all") : tr("Apply %1 of %2 changes").arg(checked).arg(applicable));
    m_checkAll->setCheckState(checked == 0 ? Qt::Unchecked
                                           : (checked == applicable ? Qt::Checked : Qt::PartiallyChecked));
    m_checkAll->setEnabled(!m_applying && applicable > 0);
    m_emptyLabel->setVisible(m_hasPlan && total == 0);
    m_checkAll->setVisible(!m_hasPlan || total > 0);
    Q_EMIT selectionChanged();
}

void PreviewPane::updateKindFilter()
{
    QSet<Kind> kinds;
    for (auto it = m_kindButtons.cbegin(); it != m_kindButtons.cend(); ++it) {
        if (it.value()->isChecked()) {
            kinds.insert(it.key());
        }
    }
    m_allButton->setChecked(kinds.isEmpty());
    m_filter->setKindFilter(kinds);
}

void PreviewPane::updateDetails()
{
    const QModelIndex current = m_filter->mapToSource(m_table->currentIndex());
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    const int row = current.row();
    const QModelIndex index = m_model->index(row, 0);
    const Sync::Change &change = m_model->change(row);
    m_details->setChange(change,
                         index.data(ChangePlanModel::ResultRole).toString(),
                         index.data(ChangePlanModel::ResultMessageRole).toString());
    // A licence change is about a user too (its anchor is the user's); a membership's anchor is the group's.
    const bool user =
        change.objectType == Sync::Change::ObjectType::User || change.objectType == Sync::Change::ObjectType::Licence;
    if (user && m_photoLookup) {
        m_details->setPhoto(m_photoLookup(change.anchor));
    }
}

void PreviewPane::setPhotoLookup(std::function<QByteArray(const QString &anchor)> lookup)
{
    m_photoLookup = std::move(lookup);
    updateDetails();
}

} // namespace M365::Ui
