// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "containerscope.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>
#include <atomic>

namespace M365::Directory {

namespace {

const QLatin1String IncludeKey("include");
const QLatin1String ExcludeKey("exclude");

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9') {
        return u - u'0';
    }
    if (u >= u'a' && u <= u'f') {
        return u - u'a' + 10;
    }
    if (u >= u'A' && u <= u'F') {
        return u - u'A' + 10;
    }
    return -1;
}

/**
 * Walks a DN's attribute-value assertions in order (RFC 4514, with RFC 2253's ';' separator and quoted values), calls
 * `onAva(type, value, endsRdn)` for each with the value's escapes decoded and the spaces around it removed, and stops
 * when `onAva` returns false. `endsRdn` is false for all but the last AVA of a multi-valued RDN ("cn=a+uid=b").
 */
template <class OnAva> void forEachAva(QStringView dn, OnAva onAva)
{
    QString type;
    QString value;
    QByteArray pending; // hex-escaped UTF-8 bytes not decoded yet
    qsizetype keep = 0; // value's length up to its last significant character: trailing spaces go
    bool inValue = false;
    bool quoted = false;
    const auto flush = [&] {
        if (!pending.isEmpty()) {
            value += QString::fromUtf8(pending);
            pending.clear();
            keep = value.size();
        }
    };
    const auto finish = [&](bool endsRdn) {
        flush();
        value.truncate(keep);
        if (!inValue) {
            // "OU" without '=': not a DN, but compare it as a value rather than lose it; nothing at all (a trailing
            // ',') is no AVA.
            value = type.trimmed();
            type.clear();
        }
        const bool more = value.isEmpty() && !inValue ? true : onAva(QStringView(type).trimmed(), value, endsRdn);
        // truncate() keeps the buffers for the next AVA.
        type.truncate(0);
        value.truncate(0);
        keep = 0;
        inValue = false;
        quoted = false;
        return more;
    };
    const qsizetype n = dn.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = dn.at(i);
        if (!inValue) {
            if (c == QLatin1Char('=')) {
                inValue = true;
            } else if (c == QLatin1Char(',') || c == QLatin1Char(';') || c == QLatin1Char('+')) {
                if (!finish(c != QLatin1Char('+'))) {
                    return;
                }
            } else {
                type += c;
            }
            continue;
        }
        if (c == QLatin1Char('\\') && i + 1 < n) {
            const int high = hexValue(dn.at(i + 1));
            const int low = i + 2 < n ? hexValue(dn.at(i + 2)) : -1;
            if (high >= 0 && low >= 0) {
                pending += char(high * 16 + low); // flush() decodes it and keeps it, spaces included
                i += 2;
            } else {
                flush();
                value += dn.at(i + 1);
                keep = value.size();
                ++i;
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            quoted = !quoted;
            continue;
        }
        if (!quoted && (c == QLatin1Char(',') || c == QLatin1Char(';') || c == QLatin1Char('+'))) {
            if (!finish(c != QLatin1Char('+'))) {
                return;
            }
            continue;
        }
        flush();
        if (c == QLatin1Char(' ') && value.isEmpty() && !quoted) {
            continue; // a space after '='
        }
        value += c;
        if (c != QLatin1Char(' ') || quoted) {
            keep = value.size();
        }
    }
    finish(true);
}

QChar asciiLower(QChar c)
{
    return c >= QLatin1Char('A') && c <= QLatin1Char('Z') ? QChar(c.unicode() + 32) : c;
}

void appendCanonicalChar(QString &out, QChar c)
{
    if (c == QLatin1Char(',')) {
        out += QLatin1String("\\2c");
    } else if (c == QLatin1Char('+')) {
        out += QLatin1String("\\2b");
    } else if (c == QLatin1Char('\\')) {
        out += QLatin1String("\\5c");
    } else if (c == QLatin1Char(';')) {
        out += QLatin1String("\\3b"); // an RDN separator too (RFC 4514's predecessor RFC 1779)
    } else if (c == QLatin1Char('"')) {
        out += QLatin1String("\\22"); // would open a quoted value
    } else if (c == QLatin1Char(' ')) {
        out += QLatin1String("\\20"); // a leading or trailing one would be dropped when read again
    } else {
        out += c;
    }
}

/// A value in the canonical form: case-folded, with the separators of the canonical DN escaped. ASCII is folded by
/// hand: a scope check of 100,000 DNs then allocates nothing per character.
void appendCanonicalValue(QString &out, QStringView value)
{
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar c = value.at(i);
        if (c.unicode() >= 0x80) {
            const QString rest = value.mid(i).toString().toCaseFolded();
            for (const QChar r : rest) {
                appendCanonicalChar(out, r);
            }
            return;
        }
        appendCanonicalChar(out, asciiLower(c));
    }
}

/// An attribute type in lower case (types are ASCII: names or OIDs).
void appendType(QString &out, QStringView type)
{
    for (const QChar c : type) {
        out += asciiLower(c);
    }
}

/// True when the canonical `dn` is `container` or lies below it.
bool isAtOrBelow(const QString &dn, const QString &container)
{
    if (container.isEmpty()) {
        return true; // the root of the tree holds everything
    }
    if (dn.size() == container.size()) {
        return dn == container;
    }
    return dn.size() > container.size() && dn.at(dn.size() - container.size() - 1) == QLatin1Char(',')
        && dn.endsWith(container);
}

/// The length of the deepest of `containers` that holds `dn`, or -1: the deeper of two containers that both hold a DN
/// is the longer one.
qsizetype deepestHolding(const QString &dn, const QStringList &containers)
{
    qsizetype deepest = -1;
    for (const QString &container : containers) {
        if (container.size() > deepest && isAtOrBelow(dn, container)) {
            deepest = container.size();
        }
    }
    return deepest;
}

QStringList normalizedAll(const QStringList &dns)
{
    QStringList out;
    out.reserve(dns.size());
    for (const QString &dn : dns) {
        out.append(normalizedDn(dn));
    }
    return out;
}

QStringList dnList(const QJsonValue &value)
{
    QStringList dns;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        const QString dn = item.toString().trimmed();
        if (!dn.isEmpty()) {
            dns.append(dn);
        }
    }
    return dns;
}

} // namespace

struct ContainerScope::Compiled
{
    // What the normalised lists were made from: QList compares shared data in O(1), so an unchanged scope is
    // recognised at once.
    QStringList included;
    QStringList excluded;
    QStringList normalizedIncluded;
    QStringList normalizedExcluded;
};

ContainerScope::ContainerScope() = default;

ContainerScope::ContainerScope(const QStringList &included, const QStringList &excluded)
    : included(included)
    , excluded(excluded)
{}

ContainerScope::ContainerScope(const ContainerScope &other)
    : included(other.included)
    , excluded(other.excluded)
    , m_compiled(std::atomic_load(&other.m_compiled))
{}

ContainerScope &ContainerScope::operator=(const ContainerScope &other)
{
    if (this != &other) {
        included = other.included;
        excluded = other.excluded;
        std::atomic_store(&m_compiled, std::atomic_load(&other.m_compiled));
    }
    return *this;
}

ContainerScope::~ContainerScope() = default;

std::shared_ptr<const ContainerScope::Compiled> ContainerScope::compiled() const
{
    std::shared_ptr<const Compiled> current = std::atomic_load(&m_compiled);
    if (current && current->included == included && current->excluded == excluded) {
        return current;
    }
    auto fresh = std::make_shared<Compiled>();
    fresh->included = included;
    fresh->excluded = excluded;
    fresh->normalizedIncluded = normalizedAll(included);
    fresh->normalizedExcluded = normalizedAll(excluded);
    current = fresh;
    std::atomic_store(&m_compiled, current);
    return current;
}

bool ContainerScope::contains(const QString &dn) const
{
    if (isEmpty()) {
        return true;
    }
    const std::shared_ptr<const Compiled> lists = compiled();
    const QString normalized = normalizedDn(dn);
    const qsizetype include = deepestHolding(normalized, lists->normalizedIncluded);
    const qsizetype exclude = deepestHolding(normalized, lists->normalizedExcluded);
    if (include < 0 && exclude < 0) {
        return lists->normalizedIncluded.isEmpty();
    }
    return include > exclude;
}

QJsonObject ContainerScope::toJson() const
{
    QJsonObject json;
    if (!included.isEmpty()) {
        json.insert(IncludeKey, QJsonArray::fromStringList(included));
    }
    if (!excluded.isEmpty()) {
        json.insert(ExcludeKey, QJsonArray::fromStringList(excluded));
    }
    return json;
}

ContainerScope ContainerScope::fromJson(const QJsonObject &json)
{
    return ContainerScope(dnList(json.value(IncludeKey)), dnList(json.value(ExcludeKey)));
}

QString normalizedDn(const QString &dn)
{
    QString out;
    out.reserve(dn.size());
    QStringList rdn; // the AVAs of a multi-valued RDN, sorted before they are written
    forEachAva(dn, [&](QStringView type, const QString &value, bool endsRdn) {
        if (endsRdn && rdn.isEmpty()) {
            if (!out.isEmpty()) {
                out += QLatin1Char(',');
            }
            appendType(out, type);
            out += QLatin1Char('=');
            appendCanonicalValue(out, value);
            return true;
        }
        QString ava;
        appendType(ava, type);
        ava += QLatin1Char('=');
        appendCanonicalValue(ava, value);
        rdn.append(ava);
        if (endsRdn) {
            rdn.sort();
            if (!out.isEmpty()) {
                out += QLatin1Char(',');
            }
            out += rdn.join(QLatin1Char('+'));
            rdn.clear();
        }
        return true;
    });
    return out;
}

QString parentOfNormalizedDn(const QString &normalized)
{
    const qsizetype comma = normalized.indexOf(QLatin1Char(','));
    return comma < 0 ? QString() : normalized.mid(comma + 1);
}

QString firstRdnValue(const QString &dn)
{
    QString first;
    forEachAva(dn, [&first](QStringView, const QString &value, bool) {
        first = value;
        return false;
    });
    return first;
}

QList<DirectoryContainer> buildContainerTree(const QString &baseDn,
                                             const QStringList &containerDns,
                                             const QStringList &userDns,
                                             const QStringList &groupDns)
{
    QList<DirectoryContainer> nodes;
    QStringList normalized;
    QHash<QString, int> byDn;
    const auto add = [&](const QString &dn) {
        const QString key = normalizedDn(dn);
        if (key.isEmpty() || byDn.contains(key)) {
            return;
        }
        DirectoryContainer node;
        node.dn = dn;
        node.name = firstRdnValue(dn);
        byDn.insert(key, int(nodes.size()));
        nodes.append(node);
        normalized.append(key);
    };
    for (const QString &dn : containerDns) {
        add(dn);
    }
    add(baseDn); // a base that is no container (or lies outside a one-level search) is still the top
    const auto nearest = [&byDn](QString parent) {
        while (!parent.isEmpty()) {
            const auto it = byDn.constFind(parent);
            if (it != byDn.constEnd()) {
                return *it;
            }
            parent = parentOfNormalizedDn(parent);
        }
        return -1;
    };
    QList<int> parents(nodes.size(), -1);
    QList<QList<int>> children(nodes.size());
    QList<int> roots;
    for (int i = 0; i < nodes.size(); ++i) {
        parents[i] = nearest(parentOfNormalizedDn(normalized.at(i)));
        (parents.at(i) < 0 ? roots : children[parents.at(i)]).append(i);
    }
    for (const QString &dn : userDns) {
        const int holder = nearest(parentOfNormalizedDn(normalizedDn(dn)));
        if (holder >= 0) {
            ++nodes[holder].directUsers;
        }
    }
    for (const QString &dn : groupDns) {
        const int holder = nearest(parentOfNormalizedDn(normalizedDn(dn)));
        if (holder >= 0) {
            ++nodes[holder].directGroups;
        }
    }

    // Parents before children, siblings by name: the order a tree view shows.
    const auto byName = [&nodes, &normalized](int a, int b) {
        const int names = QString::compare(nodes.at(a).name, nodes.at(b).name, Qt::CaseInsensitive);
        return names != 0 ? names < 0 : normalized.at(a) < normalized.at(b);
    };
    std::sort(roots.begin(), roots.end(), byName);
    QList<int> order;
    order.reserve(nodes.size());
    QList<int> stack(roots.crbegin(), roots.crend());
    while (!stack.isEmpty()) {
        const int index = stack.takeLast();
        order.append(index);
        QList<int> below = children.at(index);
        std::sort(below.begin(), below.end(), byName);
        for (auto it = below.crbegin(); it != below.crend(); ++it) {
            stack.append(*it);
        }
    }
    QList<int> position(nodes.size(), -1);
    for (int i = 0; i < order.size(); ++i) {
        position[order.at(i)] = i;
    }
    QList<DirectoryContainer> tree;
    tree.reserve(order.size());
    for (const int index : std::as_const(order)) {
        DirectoryContainer node = nodes.at(index);
        node.parent = parents.at(index) < 0 ? -1 : position.at(parents.at(index));
        node.subtreeUsers = node.directUsers;
        node.subtreeGroups = node.directGroups;
        tree.append(node);
    }
    for (qsizetype i = tree.size() - 1; i >= 0; --i) {
        const int parent = tree.at(i).parent;
        if (parent >= 0) {
            tree[parent].subtreeUsers += tree.at(i).subtreeUsers;
            tree[parent].subtreeGroups += tree.at(i).subtreeGroups;
        }
    }
    return tree;
}

} // namespace M365::Directory
