// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directoryentry.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace M365::Directory {

/**
 * Which containers (OUs, CN=Users, the domain itself) of a directory an object kind is read from, as in Entra Connect's
 * OU filtering. An entry is in scope when its DN lies in (is equal to or below) one of `included`, or `included` is
 * empty, and in none of `excluded`, with one refinement that lets a container below an excluded one be taken in
 * again: the deepest listed container above an entry decides. So {included: [], excluded: [OU=A]} leaves OU=A's
 * subtree out, and {included: [DC=x, OU=B,OU=A,DC=x], excluded: [OU=A,DC=x]} leaves out OU=A but keeps OU=B below it.
 * A DN listed in both lists is excluded.
 *
 * DNs compare per RDN, case-insensitively, ignoring spaces around ',', '=' and '+', with escapes decoded
 * (`CN=Smith\, Anna` and `cn=smith\2C anna` are the same RDN) and multi-valued RDNs in any order. The lists are
 * normalised once, on the first contains() after they changed, so checking 100,000 DNs costs one normalisation each.
 */
struct ContainerScope
{
    QStringList included;
    QStringList excluded;

    ContainerScope();
    ContainerScope(const QStringList &included, const QStringList &excluded);
    ContainerScope(const ContainerScope &other);
    ContainerScope &operator=(const ContainerScope &other);
    ~ContainerScope();

    /// True when `dn` is in scope (see above); an empty scope contains every DN.
    bool contains(const QString &dn) const;
    bool isEmpty() const { return included.isEmpty() && excluded.isEmpty(); }

    /// {"include": [...], "exclude": [...]}, each only when not empty.
    QJsonObject toJson() const;
    /// Reads what toJson() writes; blank DNs are dropped.
    static ContainerScope fromJson(const QJsonObject &json);

    friend bool operator==(const ContainerScope &a, const ContainerScope &b)
    {
        return a.included == b.included && a.excluded == b.excluded;
    }
    friend bool operator!=(const ContainerScope &a, const ContainerScope &b) { return !(a == b); }

private:
    struct Compiled;
    std::shared_ptr<const Compiled> compiled() const;
    /// Built from the lists on first use; replaced (never changed) when the lists change, so concurrent readers of
    /// one const scope stay safe.
    mutable std::shared_ptr<const Compiled> m_compiled;
};

/**
 * The canonical form of a DN for comparisons: RDNs from the entry up, joined by ',', each `type=value` in lower case
 * (case-folded), without the spaces around ',', '=' and '+', escapes decoded and ',', '+', '\', ';', '"' and spaces
 * inside values written as \2c, \2b, \5c, \3b, \22 and \20, so that every ',' separates RDNs and normalising twice
 * changes nothing. The values of a multi-valued RDN are sorted.
 */
QString normalizedDn(const QString &dn);
/// The canonical DN of the parent: `normalized` without its first RDN; empty for a single RDN.
QString parentOfNormalizedDn(const QString &normalized);
/// The value of a DN's first RDN, unescaped and as written (`Smith, Anna` for `CN=Smith\, Anna,OU=Staff,…`).
QString firstRdnValue(const QString &dn);

/**
 * The container tree of a directory: one DirectoryContainer per container DN (plus `baseDn`, when it is not among
 * them, as the top), parents before their children and siblings by name, with the users and groups that lie
 * directly in each (their nearest container in the tree) and in its subtree. Users and groups outside every
 * container are not counted.
 */
QList<DirectoryContainer> buildContainerTree(const QString &baseDn,
                                             const QStringList &containerDns,
                                             const QStringList &userDns,
                                             const QStringList &groupDns);

} // namespace M365::Directory
