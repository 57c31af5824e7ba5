// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "scope.h"

#include "directory/groupresolver.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace M365::Sync {

struct Scope::Node
{
    enum Type { And, Or, Not, Equal, Present, Substring };
    Type type = Equal;
    QString attribute; // lower case
    QString value; // case-folded (Equal)
    QStringList parts; // case-folded pieces between the stars (Substring); first/last may be empty
    QList<Node> children;
};

namespace {

/// A small recursive-descent parser over RFC 4515's string form.
class FilterParser
{
public:
    explicit FilterParser(const QString &text)
        : m_text(text)
    {}

    bool parse(Scope::Node *root)
    {
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) != QLatin1Char('(')) {
            // A bare "attr=value" is accepted as if it were parenthesised.
            m_text = QLatin1Char('(') + m_text.mid(m_pos) + QLatin1Char(')');
            m_pos = 0;
        }
        if (!parseFilter(root)) {
            return false;
        }
        skipSpace();
        if (m_pos != m_text.size()) {
            return fail(QStringLiteral("unexpected text after the filter"));
        }
        return true;
    }

    QString error() const { return m_error; }

private:
    static bool isHexDigit(QChar c)
    {
        const char16_t u = c.unicode();
        return (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F');
    }

    bool fail(const QString &what)
    {
        if (m_error.isEmpty()) {
            m_error = QStringLiteral("%1 at position %2").arg(what).arg(m_pos + 1);
        }
        return false;
    }

    void skipSpace()
    {
        while (m_pos < m_text.size() && m_text.at(m_pos).isSpace()) {
            ++m_pos;
        }
    }

    /// Nesting deeper than any real scope needs is refused: parsing, evaluating and destroying the tree recurse, and
    /// a filter of 12,000 nested "(&" in a profile file overflowed the stack (found by fuzz_profilejson).
    static constexpr int maxDepth = 100;

    bool parseFilter(Scope::Node *node, int depth = 1)
    {
        if (depth > maxDepth) {
            return fail(QStringLiteral("filters nested more than %1 levels deep").arg(maxDepth));
        }
        skipSpace();
        if (m_pos >= m_text.size() || m_text.at(m_pos) != QLatin1Char('(')) {
            return fail(QStringLiteral("expected \"(\""));
        }
        ++m_pos;
        skipSpace();
        if (m_pos >= m_text.size()) {
            return fail(QStringLiteral("unterminated filter"));
        }
        const QChar c = m_text.at(m_pos);
        if (c == QLatin1Char('&') || c == QLatin1Char('|') || c == QLatin1Char('!')) {
            ++m_pos;
            node->type = c == QLatin1Char('&') ? Scope::Node::And
                : c == QLatin1Char('|')        ? Scope::Node::Or
                                               : Scope::Node::Not;
            skipSpace();
            while (m_pos < m_text.size() && m_text.at(m_pos) == QLatin1Char('(')) {
                Scope::Node child;
                if (!parseFilter(&child, depth + 1)) {
                    return false;
                }
                node->children.append(child);
                skipSpace();
            }
            if (node->children.isEmpty()) {
                return fail(QStringLiteral("an operator without operands"));
            }
            if (node->type == Scope::Node::Not && node->children.size() != 1) {
                return fail(QStringLiteral("\"!\" takes exactly one filter"));
            }
        } else if (!parseItem(node)) {
            return false;
        }
        skipSpace();
        if (m_pos >= m_text.size() || m_text.at(m_pos) != QLatin1Char(')')) {
            return fail(QStringLiteral("expected \")\""));
        }
        ++m_pos;
        return true;
    }

    bool parseItem(Scope::Node *node)
    {
        const int start = m_pos;
        while (m_pos < m_text.size() && m_text.at(m_pos) != QLatin1Char('=') && m_text.at(m_pos) != QLatin1Char(')')
               && m_text.at(m_pos) != QLatin1Char('(')) {
            ++m_pos;
        }
        if (m_pos >= m_text.size() || m_text.at(m_pos) != QLatin1Char('=')) {
            return fail(QStringLiteral("expected \"attribute=value\""));
        }
        QString attribute = m_text.mid(start, m_pos - start).trimmed();
        if (attribute.endsWith(QLatin1Char('>')) || attribute.endsWith(QLatin1Char('<'))
            || attribute.endsWith(QLatin1Char('~')) || attribute.endsWith(QLatin1Char(':'))) {
            return fail(QStringLiteral("only equality, presence and substring filters are supported"));
        }
        if (attribute.isEmpty()) {
            return fail(QStringLiteral("missing attribute name"));
        }
        node->attribute = attribute.toLower();
        ++m_pos; // '='
        // Raw value up to ')'; stars are split before escapes are decoded, so "\2a" stays a literal star.
        QStringList pieces{QString()};
        while (m_pos < m_text.size() && m_text.at(m_pos) != QLatin1Char(')')) {
            const QChar c = m_text.at(m_pos);
            if (c == QLatin1Char('(')) {
                return fail(QStringLiteral("unescaped \"(\" in a value"));
            }
            if (c == QLatin1Char('*')) {
                pieces.append(QString());
                ++m_pos;
                continue;
            }
            if (c == QLatin1Char('\\')) {
                // Exactly two hex digits (RFC 4515). QString::toInt() alone also takes a sign or spaces: "\-1" gave
                // QChar(-1), an assertion in debug builds and U+FFFF otherwise (found by fuzz_profilejson).
                if (m_pos + 2 >= m_text.size() || !isHexDigit(m_text.at(m_pos + 1))
                    || !isHexDigit(m_text.at(m_pos + 2))) {
                    return fail(QStringLiteral("bad escape (use \\XX with two hex digits)"));
                }
                const int code = m_text.mid(m_pos + 1, 2).toInt(nullptr, 16);
                pieces.last() += QChar(code);
                m_pos += 3;
                continue;
            }
            pieces.last() += c;
            ++m_pos;
        }
        if (pieces.size() == 1) {
            node->type = Scope::Node::Equal;
            node->value = pieces.first().toCaseFolded();
        } else if (pieces.size() == 2 && pieces.at(0).isEmpty() && pieces.at(1).isEmpty()) {
            node->type = Scope::Node::Present;
        } else {
            node->type = Scope::Node::Substring;
            for (const QString &p : pieces) {
                node->parts.append(p.toCaseFolded());
            }
        }
        return true;
    }

    QString m_text;
    int m_pos = 0;
    QString m_error;
};

bool substringMatch(const QString &value, const QStringList &parts)
{
    // parts: initial, any…, final (initial/final empty when the pattern starts/ends with '*').
    const QString folded = value.toCaseFolded();
    const QString &initial = parts.first();
    const QString &final = parts.last();
    if (!folded.startsWith(initial) || folded.size() < initial.size() + final.size()) {
        return false;
    }
    int pos = int(initial.size());
    const int end = int(folded.size() - final.size());
    for (int i = 1; i < parts.size() - 1; ++i) {
        const int found = int(folded.indexOf(parts.at(i), pos));
        if (found < 0 || found + parts.at(i).size() > end) {
            return false;
        }
        pos = found + int(parts.at(i).size());
    }
    return folded.endsWith(final);
}

bool evaluate(const Scope::Node &node, const Directory::DirectoryEntry &entry)
{
    switch (node.type) {
    case Scope::Node::And:
        for (const Scope::Node &c : node.children) {
            if (!evaluate(c, entry)) {
                return false;
            }
        }
        return true;
    case Scope::Node::Or:
        for (const Scope::Node &c : node.children) {
            if (evaluate(c, entry)) {
                return true;
            }
        }
        return false;
    case Scope::Node::Not:
        return !evaluate(node.children.first(), entry);
    case Scope::Node::Present:
        return entry.hasAttribute(node.attribute);
    case Scope::Node::Equal:
    case Scope::Node::Substring: {
        const auto it = entry.attributes.constFind(node.attribute);
        if (it == entry.attributes.constEnd()) {
            return false;
        }
        for (const QString &v : *it) {
            if (node.type == Scope::Node::Equal ? v.compare(node.value, Qt::CaseInsensitive) == 0
                                                : substringMatch(v, node.parts)) {
                return true;
            }
        }
        return false;
    }
    }
    return false;
}

} // namespace

Scope::Scope() = default;

Result<Scope> Scope::fromFilter(const QString &filter)
{
    Scope scope;
    scope.m_filter = filter.trimmed();
    if (scope.m_filter.isEmpty()) {
        return Result<Scope>::success(scope);
    }
    auto root = QSharedPointer<Node>::create();
    FilterParser parser(scope.m_filter);
    if (!parser.parse(root.get())) {
        return Result<Scope>::failure(Error{QStringLiteral("sync.scope.filter"),
                                            Scope::tr("The scope filter is not valid: %1.").arg(parser.error()),
                                            scope.m_filter,
                                            {}});
    }
    scope.m_root = root;
    return Result<Scope>::success(scope);
}

Scope Scope::ucsPreset()
{
    return fromFilter(QStringLiteral("(univentionOffice365Enabled=1)")).value;
}

bool Scope::matchesFilter(const Directory::DirectoryEntry &entry) const
{
    return !m_root || evaluate(*m_root, entry);
}

QSet<QString> Scope::usersInScope(const QList<Directory::DirectoryEntry> &users,
                                  const QList<Directory::DirectoryEntry> &groups) const
{
    QSet<QString> out;
    out.reserve(users.size());
    if (m_groups.isEmpty()) {
        for (const Directory::DirectoryEntry &u : users) {
            if (matchesFilter(u)) {
                out.insert(u.anchor);
            }
        }
        return out;
    }

    QSet<QString> chosen;
    for (const QString &g : m_groups) {
        chosen.insert(g);
        chosen.insert(Directory::GroupResolver::normalizeDn(g));
    }
    Directory::GroupResolver resolver;
    for (const Directory::DirectoryEntry &u : users) {
        resolver.addEntry(u);
    }
    for (const Directory::DirectoryEntry &g : groups) {
        resolver.addEntry(g);
    }
    QSet<QString> members;
    for (const Directory::GroupMembership &m : resolver.resolve(true)) {
        if (chosen.contains(m.groupAnchor) || chosen.contains(Directory::GroupResolver::normalizeDn(m.groupDn))) {
            for (const QString &a : m.userAnchors) {
                members.insert(a);
            }
        }
    }
    for (const Directory::DirectoryEntry &u : users) {
        if (members.contains(u.anchor) && matchesFilter(u)) {
            out.insert(u.anchor);
        }
    }
    return out;
}

QJsonObject Scope::toJson() const
{
    return QJsonObject{{QStringLiteral("filter"), m_filter},
                       {QStringLiteral("groups"), QJsonArray::fromStringList(m_groups)}};
}

Result<Scope> Scope::fromJson(const QJsonObject &json)
{
    Result<Scope> r = fromFilter(json.value(QLatin1String("filter")).toString());
    if (r.ok()) {
        QStringList groups;
        for (const QJsonValue &v : json.value(QLatin1String("groups")).toArray()) {
            groups.append(v.toString());
        }
        r.value.setGroups(groups);
    }
    return r;
}

} // namespace M365::Sync
