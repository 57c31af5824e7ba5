// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/changeplan.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QIcon>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringView>

#include <vector>

namespace M365::Models {

/**
 * The dashboard's preview: one row per change of a plan.
 *
 * The model keeps the plan's own QList<Change> (implicitly shared with the caller, so loading 100,000 changes copies
 * nothing) and, per row, only what must be fast or is not part of the plan: the lowercase search text the filter
 * scans, the check state, the "changed since the previous plan" flag and the applier's result. Everything else is
 * computed in data(), which a view calls for the visible rows only.
 *
 * updatePlan() is for the live preview, which re-plans while the user edits rules: rows keep their identity (object
 * type plus directory anchor, see Identity) across plans, so a view keeps its selection, current index and
 * scroll position, and rows that differ from the previous plan are marked with ChangedRole.
 */
class ChangePlanModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        KindColumn,
        ObjectTypeColumn,
        DisplayNameColumn,
        UserPrincipalNameColumn,
        ChangesColumn,
        ResultColumn
    };
    Q_ENUM(Column)
    static constexpr int ColumnCount = ResultColumn + 1;

    enum Roles {
        KindRole = Qt::UserRole + 1, ///< int(Sync::Change::Kind)
        ObjectTypeRole, ///< int(Sync::Change::ObjectType)
        ChangeRole, ///< the row's index into the plan's changes
        SearchTextRole, ///< lowercase display name, user principal name, source DN and property names
        ResultRole, ///< what the applier reported, empty until then
        ResultMessageRole, ///< the applier's message (an error's userMessage)
        ChangedRole, ///< bool: the row is new or differs from the previous plan
    };
    Q_ENUM(Roles)

    explicit ChangePlanModel(QObject *parent = nullptr);
    ~ChangePlanModel() override;

    /// Replaces everything (a model reset): check states default to checked, results and change marks are cleared.
    void setPlan(const Sync::ChangePlan &plan);
    /**
     * Moves to a newer plan of the same profile without a reset: rows whose identity persists stay (and keep their
     * check state; their result too unless the change differs), the others are removed or inserted. Persisting rows
     * whose change differs and inserted rows are marked ChangedRole; the marks of the previous update are cleared.
     */
    void updatePlan(const Sync::ChangePlan &plan);
    /// Removes every row.
    void clear();

    const Sync::ChangePlan &plan() const { return m_plan; }
    /// The change shown in @p row; @p row must be valid.
    const Sync::Change &change(int row) const;
    /// The precomputed search text of @p row, lowercase UTF-8 (the filter reads it without going through QVariant).
    QByteArrayView searchText(int row) const;
    /// @p text as the search text holds it (lowercase UTF-8), for the needle a filter looks for.
    static QByteArray searchKey(QStringView text);
    /// The row of the change with @p change's identity, or -1.
    int rowOf(const Sync::Change &change) const;

    /// Rows (indexes into the plan) that are checked, in plan order, for "apply only the selected changes".
    QList<int> checkedChanges() const;
    /// Checks or unchecks every checkable row.
    void setAllChecked(bool checked);
    /// Conflicts and invalid changes are never applied, so they have no check box.
    static bool isCheckable(const Sync::Change &change);

    /// Shows the applier's outcome for @p row ("Done", "Failed", "Skipped" …) with a message for the tooltip.
    void setResult(int row, const QString &result, const QString &message = QString());
    /// Same as setResult() for the row holding the change with @p change's identity; false when there is none.
    bool setResultForChange(const Sync::Change &change, const QString &result, const QString &message = QString());
    /// Clears every result, for a new run.
    void clearResults();

    /// Rows per kind, all object types together.
    QMap<Sync::Change::Kind, int> countsByKind() const;

    /**
     * What makes a row "the same" across plans: the object type and the directory anchor, falling back to the
     * cloud id and then the source DN when there is no anchor. The kind and the cloud id are deliberately left out,
     * so that a create that turns into a link, or an update that turns into a disable, stays the same row.
     * It shares the change's strings, so computing it for 100,000 changes allocates nothing.
     */
    struct Identity
    {
        Sync::Change::ObjectType type = Sync::Change::ObjectType::User;
        char source = 'a'; ///< 'a': value is the anchor, 'c': the cloud id, 'd': source DN and user principal name
        QString value;

        static Identity of(const Sync::Change &change);
        bool operator==(const Identity &other) const
        {
            return type == other.type && source == other.source && value == other.value;
        }
        friend size_t qHash(const Identity &identity, size_t seed = 0) noexcept
        {
            return qHashMulti(seed, int(identity.type), identity.source, identity.value);
        }
    };

    static QString kindText(Sync::Change::Kind kind);
    static QString objectTypeText(Sync::Change::ObjectType type);
    /// The Changes column: the changed property names, or the reason for memberships, conflicts and invalid ones.
    static QString summaryText(const Sync::Change &change);
    /// A small colored dot per kind, generated in code so that it looks the same on every platform and theme.
    static QIcon kindIcon(Sync::Change::Kind kind);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    /// Emitted when check states change, so the "apply selected" action can update its count.
    void checkedChanged();

private:
    /// Per-row state that is not in the plan.
    struct Row
    {
        bool checked = true;
        bool changed = false;
    };
    /// What the applier reported; kept apart from Row because few rows have one while a run is under way.
    struct Outcome
    {
        QString result;
        QString message;
    };

    /**
     * The search text of every row in one buffer, so that a load makes one allocation instead of 100,000, and in
     * UTF-8, which halves the memory a load touches. Folded one UTF-16 unit at a time (simple case mapping), so the
     * needle, folded the same way, matches exactly where a case-insensitive search would.
     */
    struct SearchIndex
    {
        QByteArray text;
        std::vector<qsizetype> offsets; ///< row i is text[offsets[i], offsets[i + 1])

        /// With @p previous: row i copies previous row reuse[i] when that is not -1 (the same text).
        static SearchIndex build(const QList<Sync::Change> &changes,
                                 const SearchIndex *previous = nullptr,
                                 const std::vector<int> &reuse = {});
        QByteArrayView at(int row) const
        {
            const qsizetype begin = offsets[size_t(row)];
            return QByteArrayView(text.constData() + begin, offsets[size_t(row) + 1] - begin);
        }
    };

    static Row makeRow(const Sync::Change &change);
    const Row &rowState(int row) const;
    /// The applier's outcome for @p row, or null.
    const Outcome *outcome(int row) const;
    void ensureKeyIndex() const;
    void emitRowsChanged(const std::vector<int> &rows, const QList<int> &roles);

    Sync::ChangePlan m_plan;
    std::vector<Row> m_rows;
    QHash<int, Outcome> m_outcomes; ///< by row
    SearchIndex m_search;
    /// Only while updatePlan() moves rows: the plan it moves to, and per model row the slot it shows (an index into
    /// m_plan below m_plan.changes.size(), else into m_nextPlan).
    bool m_updating = false;
    Sync::ChangePlan m_nextPlan;
    std::vector<Row> m_nextRows;
    QHash<int, Outcome> m_nextOutcomes;
    SearchIndex m_nextSearch;
    std::vector<int> m_order;
    mutable QList<QIcon> m_icons;
    /// Identity -> row, built on demand (setResultForChange, rowOf) and dropped whenever rows change.
    mutable QHash<Identity, int> m_keyIndex;
    mutable bool m_keyIndexValid = false;
};

} // namespace M365::Models
