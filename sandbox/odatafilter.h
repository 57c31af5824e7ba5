// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QSet>
#include <QString>

#include <memory>

namespace M365::Sandbox {

/*
 * The subset of OData $filter that Microsoft Graph supports on directory objects (users, groups), as the sandbox
 * tenant needs it. Sources: concepts/filter-query-parameter.md and concepts/aad-advanced-queries.md in
 * microsoftgraph/microsoft-graph-docs.
 *
 * Grammar (keywords and function names are case-insensitive, as the docs' own `NOT`, `OR`, `startsWith` show;
 * property names are case-sensitive):
 *
 *   filter     := or
 *   or         := and ('or' and)*
 *   and        := relation ('and' relation)*
 *   relation   := unary [('eq'|'ne'|'lt'|'le'|'gt'|'ge') unary | 'in' '(' literal (',' literal)* ')']
 *   unary      := 'not' unary | primary
 *   primary    := '(' or ')' | literal | function '(' args ')'
 *               | path ['/' '$count' | '/' 'any' '(' [var ':' or] ')']
 *   path       := identifier ('/' identifier)*       (a lambda's range variable may start a path)
 *   literal    := 'string' (with '' for a quote) | integer | GUID (unquoted, for Edm.Guid) | date[Ttime]
 *               | true | false | null
 *
 * As in OData, `not` binds tighter than the comparisons, so write `not(prop eq 'x')` or `not startsWith(…)`;
 * precedence is then not > comparison > and > or. Comparisons take a property on the left and a literal on the
 * right. eq/ne/in/startsWith/endsWith and the relational operators compare strings case-insensitively, as the
 * directory does. Evaluation follows OData's three-valued logic: a missing property is null, a function of null is
 * null, `not null` is null, and only objects for which the whole expression is true match.
 *
 * Without advanced query parameters (QueryMode::Default) Graph rejects `ne`, `not`, `endsWith`, `lt`/`le`/`gt`/`ge`,
 * `contains` and `/$count` on directory objects, and so does this class, with Request_UnsupportedQuery and the
 * documented "Operator '…' is not supported because the required parameters might be missing…" message. With
 * `ConsistencyLevel: eventual` and `$count=true` the caller passes QueryMode::Advanced, which accepts all of them
 * except `contains` (not indexed for directory objects).
 *
 * Error precedence: a syntax or type error (BadRequest) wins over an unsupported operator, which wins over a
 * property that is not filterable (both Request_UnsupportedQuery).
 */
class ODataFilter
{
public:
    struct Node;

    /// Whether the request carries Graph's advanced query parameters (ConsistencyLevel: eventual and $count=true).
    enum class QueryMode { Default, Advanced };

    /// Longer filters are rejected with BadRequest before they are parsed.
    static constexpr int MaxLength = 4096;
    /// Deepest nesting of parentheses, `not`, function arguments and lambdas; deeper filters are a BadRequest, so
    /// neither parsing nor evaluation can exhaust the stack. Flat `and`/`or` chains do not count.
    static constexpr int MaxDepth = 100;

    /// Parses @p text; on failure isValid() is false, and errorCode() and errorMessage() say why in Graph's wording.
    /// @p filterableProperties lists the properties that may appear: a path `a/b` is allowed when it or its first
    /// segment `a` is listed. Any other property gives Request_UnsupportedQuery with
    /// "Unsupported or invalid query filter clause specified for property '%1' of resource '%2'.", where %2 is
    /// @p resourceName (Graph writes it capitalised: "User", "Group").
    static ODataFilter parse(const QString &text,
                             const QSet<QString> &filterableProperties,
                             const QString &resourceName,
                             QueryMode mode = QueryMode::Default);

    bool isValid() const { return m_error.isEmpty() && m_root; }
    /// Graph's error code for an invalid filter: "BadRequest" for syntax and type errors,
    /// "Request_UnsupportedQuery" for a property or operator Graph does not support here; empty when valid.
    QString errorCode() const { return m_errorCode; }
    QString errorMessage() const { return m_error; }
    /// Evaluates the filter against one object; a missing property is null. An invalid filter matches nothing.
    bool matches(const QJsonObject &object) const;

private:
    std::shared_ptr<const Node> m_root;
    QString m_error;
    QString m_errorCode;
};

} // namespace M365::Sandbox
