// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "changeplanmodel.h"

#include <QColor>
#include <QGuiApplication>
#include <QImage>
#include <QJsonArray>
#include <QPainter>
#include <QPixmap>

#include <algorithm>
#include <cstring>

namespace M365::Models {

using Sync::Change;
using Sync::ChangePlan;

namespace {

// updatePlan() falls back to a reset beyond this many inserted and removed ranges: each range costs the views and
// proxies a pass over their row mappings, and a plan that changed that much is a new plan rather than an edit.
constexpr int MaxIncrementalRanges = 256;

constexpr int KindCount = int(Change::Kind::Invalid) + 1;

QColor kindColor(Change::Kind kind)
{
    switch (kind) {
    case Change::Kind::Create:
        return QColor(0x2e, 0x7d, 0x32);
    case Change::Kind::Update:
        return QColor(0x15, 0x65, 0xc0);
    case Change::Kind::Disable:
        return QColor(0xef, 0x6c, 0x00);
    case Change::Kind::Enable:
        return QColor(0x00, 0x83, 0x8f);
    case Change::Kind::Delete:
        return QColor(0xc6, 0x28, 0x28);
    case Change::Kind::Link:
        return QColor(0x6a, 0x1b, 0x9a);
    case Change::Kind::Restore:
        return QColor(0x45, 0x27, 0xa0);
    case Change::Kind::Conflict:
        return QColor(0xf9, 0xa8, 0x25);
    case Change::Kind::Invalid:
        return QColor(0x75, 0x75, 0x75);
    }
    return QColor(Qt::black);
}

/// Longest strictly increasing subsequence of @p values (given as positions into it): the rows that can stay.
std::vector<int> longestIncreasing(const std::vector<int> &values)
{
    std::vector<int> tails; // tails[k]: position of the smallest tail of an increasing run of length k + 1
    std::vector<int> previous(values.size(), -1);
    for (int i = 0; i < int(values.size()); ++i) {
        const auto it = std::lower_bound(tails.begin(), tails.end(), values[size_t(i)], [&values](int pos, int v) {
            return values[size_t(pos)] < v;
        });
        if (it != tails.begin()) {
            previous[size_t(i)] = *(it - 1);
        }
        if (it == tails.end()) {
            tails.push_back(i);
        } else {
            *it = i;
        }
    }
    std::vector<int> result(tails.size());
    int pos = tails.empty() ? -1 : tails.back();
    for (auto out = result.rbegin(); out != result.rend(); ++out) {
        *out = pos;
        pos = previous[size_t(pos)];
    }
    return result;
}

/**
 * Appends @p text to @p out lowercased (simple mapping, one UTF-16 unit at a time) and encoded as UTF-8; @p out must
 * have room for three bytes per UTF-16 unit. Returns the end of what it wrote.
 */
char *appendFolded(char *out, QStringView text)
{
    const char16_t *p = text.utf16();
    const char16_t *const end = p + text.size();
    for (; p != end; ++p) {
        char32_t u = *p;
        if (u < 0x80) {
            *out++ = char(u >= u'A' && u <= u'Z' ? u + 0x20 : u);
            continue;
        }
        if (QChar::isHighSurrogate(u) && p + 1 != end && QChar::isLowSurrogate(p[1])) {
            u = QChar::surrogateToUcs4(char16_t(u), p[1]);
            ++p;
        } else if (QChar::isSurrogate(u)) {
            u = 0xfffd;
        } else {
            const char32_t lower = QChar::toLower(u);
            u = lower <= 0xffff && !QChar::isSurrogate(lower) ? lower : u;
        }
        if (u < 0x800) {
            *out++ = char(0xc0 | (u >> 6));
        } else {
            if (u < 0x10000) {
                *out++ = char(0xe0 | (u >> 12));
            } else {
                *out++ = char(0xf0 | (u >> 18));
                *out++ = char(0x80 | ((u >> 12) & 0x3f));
            }
            *out++ = char(0x80 | ((u >> 6) & 0x3f));
        }
        *out++ = char(0x80 | (u & 0x3f));
    }
    return out;
}

} // namespace

ChangePlanModel::ChangePlanModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

ChangePlanModel::~ChangePlanModel() = default;

ChangePlanModel::SearchIndex ChangePlanModel::SearchIndex::build(const QList<Change> &changes,
                                                                 const SearchIndex *previous,
                                                                 const std::vector<int> &reuse)
{
    SearchIndex index;
    index.offsets.reserve(size_t(changes.size()) + 1);
    qsizetype units = 0;
    for (qsizetype i = 0; i < changes.size(); ++i) {
        if (previous && reuse[size_t(i)] >= 0) {
            units += previous->at(reuse[size_t(i)]).size();
            continue;
        }
        const Change &change = changes.at(i);
        units += 3 * (change.displayName.size() + change.userPrincipalName.size() + change.sourceDn.size()) + 3;
        for (const Sync::AttributeDiff &diff : change.diffs) {
            units += 3 * diff.property.size() + 1;
        }
    }
    // Room for the worst case; only the pages actually written are ever touched, and the rest is cut off below.
    index.text.resize(units);
    char *const begin = index.text.data();
    char *out = begin;
    for (qsizetype i = 0; i < changes.size(); ++i) {
        index.offsets.push_back(out - begin);
        if (previous && reuse[size_t(i)] >= 0) {
            // The same text as the old row's, already folded: copied, not folded again.
            const QByteArrayView text = previous->at(reuse[size_t(i)]);
            std::memcpy(out, text.data(), size_t(text.size()));
            out += text.size();
            continue;
        }
        const Change &change = changes.at(i);
        out = appendFolded(out, change.displayName);
        *out++ = '\n';
        out = appendFolded(out, change.userPrincipalName);
        *out++ = '\n';
        out = appendFolded(out, change.sourceDn);
        *out++ = '\n';
        for (const Sync::AttributeDiff &diff : change.diffs) {
            out = appendFolded(out, diff.property);
            *out++ = ' ';
        }
    }
    index.offsets.push_back(out - begin);
    index.text.truncate(out - begin);
    return index;
}

QByteArray ChangePlanModel::searchKey(QStringView text)
{
    QByteArray key(3 * text.size(), Qt::Uninitialized);
    char *const begin = key.data();
    key.truncate(appendFolded(begin, text) - begin);
    return key;
}

ChangePlanModel::Row ChangePlanModel::makeRow(const Change &change)
{
    Row row;
    row.checked = isCheckable(change);
    return row;
}

void ChangePlanModel::setPlan(const ChangePlan &plan)
{
    beginResetModel();
    m_plan = plan;
    m_rows.clear();
    m_outcomes.clear();
    m_rows.reserve(size_t(m_plan.changes.size()));
    for (const Change &change : std::as_const(m_plan.changes)) {
        m_rows.push_back(makeRow(change));
    }
    m_search = SearchIndex::build(m_plan.changes);
    m_keyIndexValid = false;
    m_keyIndex.clear();
    endResetModel();
    Q_EMIT checkedChanged();
}

void ChangePlanModel::clear()
{
    setPlan(ChangePlan());
}

void ChangePlanModel::updatePlan(const ChangePlan &plan)
{
    const int oldCount = int(m_plan.changes.size());
    const int newCount = int(plan.changes.size());
    std::vector<int> oldOfNew(size_t(newCount), -1);
    std::vector<int> newOfOld(size_t(oldCount), -1);
    std::vector<char> keptOld(size_t(oldCount), 0);
    std::vector<char> keptNew(size_t(newCount), 0);

    // A live edit changes a few rows in place: the rows before the first and after the last one that differ keep
    // their object at their position, stay, and need no hashing.
    const auto sameObject = [](const Change &a, const Change &b) {
        return a.objectType == b.objectType && Identity::of(a) == Identity::of(b);
    };
    const int common = std::min(oldCount, newCount);
    int prefix = 0;
    while (prefix < common && sameObject(m_plan.changes.at(prefix), plan.changes.at(prefix))) {
        ++prefix;
    }
    int suffix = 0;
    while (suffix < common - prefix
           && sameObject(m_plan.changes.at(oldCount - 1 - suffix), plan.changes.at(newCount - 1 - suffix))) {
        ++suffix;
    }
    const auto keep = [&](int o, int n) {
        oldOfNew[size_t(n)] = o;
        newOfOld[size_t(o)] = n;
        keptOld[size_t(o)] = 1;
        keptNew[size_t(n)] = 1;
    };
    for (int i = 0; i < prefix; ++i) {
        keep(i, i);
    }
    for (int i = 1; i <= suffix; ++i) {
        keep(oldCount - i, newCount - i);
    }
    const int oldEnd = oldCount - suffix;
    const int newEnd = newCount - suffix;

    // Between them, match the new changes to the old rows by identity; equal keys are paired in order of appearance.
    QHash<Identity, int> firstOld;
    firstOld.reserve(oldEnd - prefix);
    std::vector<int> nextSameKey(size_t(oldCount), -1);
    for (int o = oldEnd - 1; o >= prefix; --o) {
        Identity key = Identity::of(m_plan.changes.at(o));
        const auto it = firstOld.find(key);
        if (it != firstOld.end()) {
            nextSameKey[size_t(o)] = *it;
            *it = o;
        } else {
            firstOld.insert(std::move(key), o);
        }
    }
    std::vector<int> matchedOld; // old rows in new order, for the longest increasing run
    std::vector<int> matchedNew;
    for (int n = prefix; n < newEnd; ++n) {
        const auto it = firstOld.find(Identity::of(plan.changes.at(n)));
        if (it == firstOld.end() || *it < 0) {
            continue;
        }
        const int o = *it;
        *it = nextSameKey[size_t(o)];
        oldOfNew[size_t(n)] = o;
        newOfOld[size_t(o)] = n;
        matchedOld.push_back(o);
        matchedNew.push_back(n);
    }

    // Rows that keep their relative order stay; a row that moved is removed and inserted again (it keeps its state).
    for (int pos : longestIncreasing(matchedOld)) {
        keptOld[size_t(matchedOld[size_t(pos)])] = 1;
        keptNew[size_t(matchedNew[size_t(pos)])] = 1;
    }

    // The new per-row state, carrying over check states, and results of unchanged changes.
    std::vector<Row> newRows;
    QHash<int, Outcome> newOutcomes;
    newRows.reserve(size_t(newCount));
    std::vector<int> contentChanged;
    std::vector<int> markCleared;
    std::vector<int> reuse(size_t(newCount), -1); // the old row whose search text a new row has too
    for (int n = 0; n < newCount; ++n) {
        const Change &change = plan.changes.at(n);
        Row row = makeRow(change);
        const int o = oldOfNew[size_t(n)];
        if (o < 0) {
            row.changed = true;
        } else {
            const Row &old = m_rows[size_t(o)];
            row.checked = old.checked && isCheckable(change);
            row.changed = !(m_plan.changes.at(o) == change);
            const auto outcome = m_outcomes.constFind(o);
            if (!row.changed && outcome != m_outcomes.constEnd()) {
                newOutcomes.insert(n, *outcome);
            }
            if (!row.changed) {
                reuse[size_t(n)] = o;
            }
            if (keptNew[size_t(n)]) {
                if (row.changed) {
                    contentChanged.push_back(n);
                } else if (old.changed) {
                    markCleared.push_back(n);
                }
            }
        }
        newRows.push_back(std::move(row));
    }

    auto countRuns = [](const std::vector<char> &kept) {
        int runs = 0;
        for (size_t i = 0; i < kept.size(); ++i) {
            if (!kept[i] && (i == 0 || kept[i - 1])) {
                ++runs;
            }
        }
        return runs;
    };
    if (countRuns(keptOld) + countRuns(keptNew) > MaxIncrementalRanges) {
        const SearchIndex previousSearch = std::move(m_search);
        beginResetModel();
        m_plan = plan;
        m_rows = std::move(newRows);
        m_outcomes = std::move(newOutcomes);
        m_search = SearchIndex::build(m_plan.changes, &previousSearch, reuse);
        m_keyIndexValid = false;
        m_keyIndex.clear();
        endResetModel();
        Q_EMIT checkedChanged();
        return;
    }

    // While rows move, m_order maps a model row to a slot: an old row (slot < oldCount) or a new one.
    m_nextPlan = plan;
    m_nextRows = std::move(newRows);
    m_nextOutcomes = std::move(newOutcomes);
    m_nextSearch = SearchIndex::build(plan.changes, &m_search, reuse);
    m_order.resize(size_t(oldCount));
    for (int o = 0; o < oldCount; ++o) {
        m_order[size_t(o)] = o;
    }
    m_updating = true;
    m_keyIndexValid = false;
    m_keyIndex.clear();

    for (int o = oldCount - 1; o >= 0;) {
        if (keptOld[size_t(o)]) {
            --o;
            continue;
        }
        const int last = o;
        while (o >= 0 && !keptOld[size_t(o)]) {
            --o;
        }
        beginRemoveRows(QModelIndex(), o + 1, last);
        m_order.erase(m_order.begin() + (o + 1), m_order.begin() + (last + 1));
        endRemoveRows();
    }
    // The rows that stay now show their new change; dataChanged below tells the views which of them differ.
    for (int &slot : m_order) {
        slot = oldCount + newOfOld[size_t(slot)];
    }
    for (int n = 0; n < newCount;) {
        if (keptNew[size_t(n)]) {
            ++n;
            continue;
        }
        const int first = n;
        while (n < newCount && !keptNew[size_t(n)]) {
            ++n;
        }
        beginInsertRows(QModelIndex(), first, n - 1);
        m_order.insert(m_order.begin() + first, size_t(n - first), 0);
        for (int i = first; i < n; ++i) {
            m_order[size_t(i)] = oldCount + i;
        }
        endInsertRows();
    }

    Q_ASSERT(int(m_order.size()) == newCount);
    m_plan = std::move(m_nextPlan);
    m_nextPlan = ChangePlan();
    m_rows = std::move(m_nextRows);
    m_nextRows.clear();
    m_outcomes = std::move(m_nextOutcomes);
    m_nextOutcomes.clear();
    m_search = std::move(m_nextSearch);
    m_nextSearch = SearchIndex();
    m_order.clear();
    m_updating = false;

    emitRowsChanged(contentChanged, {});
    emitRowsChanged(markCleared, {ChangedRole});
    Q_EMIT checkedChanged();
}

void ChangePlanModel::emitRowsChanged(const std::vector<int> &rows, const QList<int> &roles)
{
    for (size_t i = 0; i < rows.size();) {
        const int first = rows[i];
        int last = first;
        while (++i < rows.size() && rows[i] == last + 1) {
            ++last;
        }
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1), roles);
    }
}

const Change &ChangePlanModel::change(int row) const
{
    if (!m_updating) {
        return m_plan.changes.at(row);
    }
    const int slot = m_order[size_t(row)];
    const int oldCount = int(m_plan.changes.size());
    return slot < oldCount ? m_plan.changes.at(slot) : m_nextPlan.changes.at(slot - oldCount);
}

const ChangePlanModel::Row &ChangePlanModel::rowState(int row) const
{
    if (!m_updating) {
        return m_rows[size_t(row)];
    }
    const int slot = m_order[size_t(row)];
    const int oldCount = int(m_plan.changes.size());
    return slot < oldCount ? m_rows[size_t(slot)] : m_nextRows[size_t(slot - oldCount)];
}

const ChangePlanModel::Outcome *ChangePlanModel::outcome(int row) const
{
    int slot = row;
    const QHash<int, Outcome> *outcomes = &m_outcomes;
    if (m_updating) {
        slot = m_order[size_t(row)];
        const int oldCount = int(m_plan.changes.size());
        if (slot >= oldCount) {
            slot -= oldCount;
            outcomes = &m_nextOutcomes;
        }
    }
    const auto it = outcomes->constFind(slot);
    return it == outcomes->constEnd() ? nullptr : &*it;
}

QByteArrayView ChangePlanModel::searchText(int row) const
{
    if (!m_updating) {
        return m_search.at(row);
    }
    const int slot = m_order[size_t(row)];
    const int oldCount = int(m_plan.changes.size());
    return slot < oldCount ? m_search.at(slot) : m_nextSearch.at(slot - oldCount);
}

ChangePlanModel::Identity ChangePlanModel::Identity::of(const Change &change)
{
    if (!change.anchor.isEmpty()) {
        return {change.objectType, 'a', change.anchor};
    }
    if (!change.cloudId.isEmpty()) {
        return {change.objectType, 'c', change.cloudId};
    }
    return {change.objectType, 'd', change.sourceDn + QLatin1Char('\n') + change.userPrincipalName};
}

void ChangePlanModel::ensureKeyIndex() const
{
    if (m_keyIndexValid) {
        return;
    }
    m_keyIndex.clear();
    m_keyIndex.reserve(m_plan.changes.size());
    // Backwards, so that the first of equal keys wins, as updatePlan() pairs them.
    for (int row = int(m_plan.changes.size()) - 1; row >= 0; --row) {
        m_keyIndex[Identity::of(m_plan.changes.at(row))] = row;
    }
    m_keyIndexValid = true;
}

int ChangePlanModel::rowOf(const Change &change) const
{
    ensureKeyIndex();
    return m_keyIndex.value(Identity::of(change), -1);
}

bool ChangePlanModel::isCheckable(const Change &change)
{
    return change.kind != Change::Kind::Conflict && change.kind != Change::Kind::Invalid;
}

QList<int> ChangePlanModel::checkedChanges() const
{
    QList<int> rows;
    for (int row = 0; row < int(m_rows.size()); ++row) {
        if (m_rows[size_t(row)].checked && isCheckable(m_plan.changes.at(row))) {
            rows.append(row);
        }
    }
    return rows;
}

void ChangePlanModel::setAllChecked(bool checked)
{
    if (m_rows.empty()) {
        return;
    }
    for (int row = 0; row < int(m_rows.size()); ++row) {
        m_rows[size_t(row)].checked = checked && isCheckable(m_plan.changes.at(row));
    }
    Q_EMIT dataChanged(index(0, KindColumn), index(rowCount() - 1, KindColumn), {Qt::CheckStateRole});
    Q_EMIT checkedChanged();
}

void ChangePlanModel::setResult(int row, const QString &result, const QString &message)
{
    if (row < 0 || row >= rowCount()) {
        return;
    }
    if (result.isEmpty() && message.isEmpty()) {
        m_outcomes.remove(row);
    } else {
        m_outcomes.insert(row, {result, message});
    }
    Q_EMIT dataChanged(
        index(row, 0), index(row, ColumnCount - 1), {Qt::DisplayRole, Qt::ToolTipRole, ResultRole, ResultMessageRole});
}

bool ChangePlanModel::setResultForChange(const Change &change, const QString &result, const QString &message)
{
    const int row = rowOf(change);
    if (row < 0) {
        return false;
    }
    setResult(row, result, message);
    return true;
}

void ChangePlanModel::clearResults()
{
    if (m_outcomes.isEmpty()) {
        return;
    }
    m_outcomes.clear();
    Q_EMIT dataChanged(index(0, 0),
                       index(rowCount() - 1, ColumnCount - 1),
                       {Qt::DisplayRole, Qt::ToolTipRole, ResultRole, ResultMessageRole});
}

QMap<Change::Kind, int> ChangePlanModel::countsByKind() const
{
    int counts[KindCount] = {};
    for (const Change &change : std::as_const(m_plan.changes)) {
        ++counts[int(change.kind)];
    }
    QMap<Change::Kind, int> result;
    for (int kind = 0; kind < KindCount; ++kind) {
        if (counts[kind] > 0) {
            result.insert(Change::Kind(kind), counts[kind]);
        }
    }
    return result;
}

QString ChangePlanModel::kindText(Change::Kind kind)
{
    switch (kind) {
    case Change::Kind::Create:
        return tr("Create");
    case Change::Kind::Update:
        return tr("Update");
    case Change::Kind::Disable:
        return tr("Disable");
    case Change::Kind::Enable:
        return tr("Enable");
    case Change::Kind::Delete:
        return tr("Delete");
    case Change::Kind::Link:
        return tr("Link");
    case Change::Kind::Restore:
        return tr("Restore");
    case Change::Kind::Conflict:
        return tr("Conflict");
    case Change::Kind::Invalid:
        return tr("Invalid");
    }
    return QString();
}

QString ChangePlanModel::objectTypeText(Change::ObjectType type)
{
    switch (type) {
    case Change::ObjectType::User:
        return tr("User");
    case Change::ObjectType::Group:
        return tr("Group");
    case Change::ObjectType::Membership:
        return tr("Membership");
    case Change::ObjectType::Licence:
        return tr("Licence");
    }
    return QString();
}

QString ChangePlanModel::summaryText(const Change &change)
{
    if (change.objectType == Change::ObjectType::Membership) {
        if (!change.reason.isEmpty()) {
            return change.reason;
        }
        return tr("%1 to add, %2 to remove").arg(change.membersToAdd.size()).arg(change.membersToRemove.size());
    }
    const bool refused = change.kind == Change::Kind::Conflict || change.kind == Change::Kind::Invalid;
    if ((refused || change.diffs.isEmpty()) && !change.reason.isEmpty()) {
        return change.reason;
    }
    QString names;
    for (const Sync::AttributeDiff &diff : change.diffs) {
        if (!names.isEmpty()) {
            names.append(QLatin1String(", "));
        }
        names.append(diff.property);
    }
    return names;
}

QIcon ChangePlanModel::kindIcon(Change::Kind kind)
{
    QIcon icon;
    for (int size : {16, 32}) {
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(kindColor(kind));
        const qreal unit = size / 16.0;
        painter.drawEllipse(QRectF(3 * unit, 3 * unit, 10 * unit, 10 * unit));
        if (kind == Change::Kind::Conflict || kind == Change::Kind::Invalid) {
            // An exclamation mark, so that refused changes do not rely on color alone.
            painter.setBrush(Qt::white);
            painter.drawRect(QRectF(7.25 * unit, 5 * unit, 1.5 * unit, 4 * unit));
            painter.drawRect(QRectF(7.25 * unit, 10 * unit, 1.5 * unit, 1.5 * unit));
        }
        painter.end();
        icon.addPixmap(QPixmap::fromImage(image));
    }
    return icon;
}

int ChangePlanModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid()) {
        return 0;
    }
    return m_updating ? int(m_order.size()) : int(m_rows.size());
}

int ChangePlanModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChangePlanModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return QVariant();
    }
    const int row = index.row();
    const Change &c = change(row);
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case KindColumn:
            return kindText(c.kind);
        case ObjectTypeColumn:
            return objectTypeText(c.objectType);
        case DisplayNameColumn:
            return c.displayName;
        case UserPrincipalNameColumn:
            return c.userPrincipalName;
        case ChangesColumn:
            return summaryText(c);
        case ResultColumn:
            return outcome(row) ? outcome(row)->result : QString();
        }
        return QVariant();
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case DisplayNameColumn:
            return c.sourceDn.isEmpty() ? QVariant() : QVariant(c.sourceDn);
        case ChangesColumn:
            return c.reason.isEmpty() ? QVariant() : QVariant(c.reason);
        case ResultColumn: {
            const Outcome *o = outcome(row);
            return o && !o->message.isEmpty() ? QVariant(o->message) : QVariant();
        }
        case KindColumn:
        case ObjectTypeColumn:
        case UserPrincipalNameColumn:
            break;
        }
        return QVariant();
    case Qt::DecorationRole:
        if (index.column() != KindColumn || !qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
            return QVariant();
        }
        if (m_icons.isEmpty()) {
            for (int kind = 0; kind < KindCount; ++kind) {
                m_icons.append(kindIcon(Change::Kind(kind)));
            }
        }
        return m_icons.at(int(c.kind));
    case Qt::CheckStateRole:
        if (index.column() != KindColumn || !isCheckable(c)) {
            return QVariant();
        }
        return rowState(row).checked ? Qt::Checked : Qt::Unchecked;
    case KindRole:
        return int(c.kind);
    case ObjectTypeRole:
        return int(c.objectType);
    case ChangeRole:
        return row;
    case SearchTextRole:
        return QString::fromUtf8(searchText(row));
    case ResultRole:
        return outcome(row) ? outcome(row)->result : QString();
    case ResultMessageRole:
        return outcome(row) ? outcome(row)->message : QString();
    case ChangedRole:
        return rowState(row).changed;
    default:
        return QVariant();
    }
}

bool ChangePlanModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::CheckStateRole || m_updating || !index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || index.column() != KindColumn || !isCheckable(change(index.row()))) {
        return false;
    }
    const bool checked = value.toInt() == Qt::Checked;
    Row &state = m_rows[size_t(index.row())];
    if (state.checked != checked) {
        state.checked = checked;
        Q_EMIT dataChanged(index, index, {Qt::CheckStateRole});
        Q_EMIT checkedChanged();
    }
    return true;
}

Qt::ItemFlags ChangePlanModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return Qt::NoItemFlags;
    }
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == KindColumn && isCheckable(change(index.row()))) {
        flags |= Qt::ItemIsUserCheckable;
    }
    return flags;
}

QVariant ChangePlanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (Column(section)) {
    case KindColumn:
        return tr("Kind");
    case ObjectTypeColumn:
        return tr("Object type");
    case DisplayNameColumn:
        return tr("Display name");
    case UserPrincipalNameColumn:
        return tr("User principal name");
    case ChangesColumn:
        return tr("Changes");
    case ResultColumn:
        return tr("Result");
    }
    return QVariant();
}

QHash<int, QByteArray> ChangePlanModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(KindRole, "kind");
    names.insert(ObjectTypeRole, "objectType");
    names.insert(ChangeRole, "change");
    names.insert(SearchTextRole, "searchText");
    names.insert(ResultRole, "result");
    names.insert(ResultMessageRole, "resultMessage");
    names.insert(ChangedRole, "changed");
    return names;
}

} // namespace M365::Models
