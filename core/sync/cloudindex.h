// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clouduser.h"
#include "planner.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <algorithm>

namespace M365::Sync::Detail {

/**
 * Cloud users by a property value (case-insensitive), keyed by a 64-bit hash of the folded value rather than by the
 * value itself: 100,000 retained key strings would cost more memory (and time, in fresh pages) than the whole plan.
 * Candidates are verified against the object, so a hash collision can never produce a wrong match.
 */
class CloudIndex
{
public:
    explicit CloudIndex(Qt::CaseSensitivity cs)
        : m_cs(cs)
    {}

    void reserve(qsizetype n) { m_entries.reserve(n); }

    /// @p id must outlive the index (the snapshot's own key).
    void insert(QStringView value, const QString &id) { m_entries.append({hash(value), &id}); }
    /// The same with the hash of the value, as CloudUser keeps it.
    void insertHash(size_t valueHash, const QString &id) { m_entries.append({valueHash, &id}); }

    /// Call once after the inserts, before the first find().
    void finish()
    {
        // Stable: of several users with the same hash, the one inserted first is tried first.
        std::stable_sort(m_entries.begin(), m_entries.end(), [](const Entry &a, const Entry &b) {
            return a.hash < b.hash;
        });
    }

    /// The id of the cloud user whose `property` equals `value` (case-insensitively), or an empty string.
    QString find(const CloudSnapshot &cloud, QStringView (CloudUser::*property)() const, QStringView value) const
    {
        if (value.isEmpty()) {
            return {};
        }
        const size_t key = hash(value);
        auto it = std::lower_bound(m_entries.cbegin(), m_entries.cend(), key, [](const Entry &e, size_t k) {
            return e.hash < k;
        });
        for (; it != m_entries.cend() && it->hash == key; ++it) {
            const CloudUser *user = cloud.user(*it->id);
            if (user && (user->*property)().compare(value, m_cs) == 0) {
                return *it->id;
            }
        }
        return {};
    }

private:
    size_t hash(QStringView value) const
    {
        return m_cs == Qt::CaseSensitive ? qHash(value) : CloudUser::foldedHash(value);
    }

    // A sorted array rather than a hash: built once and searched a few thousand times, it costs a fraction of the
    // time and memory of 100,000 hash nodes.
    struct Entry
    {
        size_t hash;
        const QString *id;
    };

    Qt::CaseSensitivity m_cs;
    QList<Entry> m_entries;
};

/// A directory DN as a lookup key: the cheap case fold for the usual DN, the full normalisation otherwise.
QString dnKey(const QString &dn);

/// Whether dnKey(dn) is only the ASCII lower case of @p dn (the usual DN), which can be hashed and compared in place.
bool isSimpleDn(QStringView dn);

/// qHash(dnKey(dn)), without building the key for the usual DN.
size_t dnKeyHash(QStringView dn);

/// dnKey(a) == dnKey(b), without building the keys for the usual DNs.
bool sameDnKey(QStringView a, QStringView b);

} // namespace M365::Sync::Detail
