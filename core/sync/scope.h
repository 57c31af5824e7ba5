// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/directoryentry.h"
#include "result.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QSharedPointer>
#include <QString>
#include <QStringList>

namespace M365::Sync {

/**
 * Which directory users are synchronised: an LDAP-style filter evaluated on the entries already read, and/or
 * membership of chosen groups. When both are set a user must pass both. Leaving the scope means being disabled.
 *
 * The filter is evaluated locally rather than sent to the server so that CSV and LDIF sources scope the same way and
 * the preview can re-scope without reading the directory again. Supported: `(&…)`, `(|…)`, `(!…)`, `(attr=value)`,
 * `(attr=*)` and substrings with `*` anywhere (`(mail=*@example.org)`, `(cn=J*n)`); `\2a`-style escapes; names and
 * values compare case-insensitively, as most LDAP matching rules for these attributes do.
 */
class Scope
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::Scope)

public:
    Scope();

    /// Parses a filter; an empty filter matches everyone. Fails with the position of the problem.
    static Result<Scope> fromFilter(const QString &filter);
    /// The Univention preset: only users whose Office 365 flag is set.
    static Scope ucsPreset();

    QString filter() const { return m_filter; }
    /// Groups whose (flattened) members are in scope, each by anchor or by DN. Empty: no group condition.
    QStringList groups() const { return m_groups; }
    void setGroups(const QStringList &anchorsOrDns) { m_groups = anchorsOrDns; }

    /// Whether an entry passes the filter (the group condition is not considered).
    bool matchesFilter(const Directory::DirectoryEntry &entry) const;

    bool operator==(const Scope &other) const { return m_filter == other.m_filter && m_groups == other.m_groups; }
    bool operator!=(const Scope &other) const { return !(*this == other); }

    /**
     * The anchors of the users in scope, given every user and group read. Group membership is resolved with
     * GroupResolver, flattened, so that a member of a nested group counts.
     */
    QSet<QString> usersInScope(const QList<Directory::DirectoryEntry> &users,
                               const QList<Directory::DirectoryEntry> &groups) const;

    QJsonObject toJson() const;
    static Result<Scope> fromJson(const QJsonObject &json);

    struct Node;

private:
    QString m_filter;
    QStringList m_groups;
    QSharedPointer<const Node> m_root; // immutable once parsed, so copies share it
};

} // namespace M365::Sync
