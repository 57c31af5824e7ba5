// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "odatafilter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace M365::Sandbox {

struct ODataFilter::Node
{
    enum class Kind {
        Or,
        And,
        Not,
        Compare,
        In,
        Function,
        Any,
        Path,
        Count,
        Literal,
        // Stands for a construct Graph rejects (tolower(), has, add, …); it fits any operand so that parsing can go
        // on looking for syntax errors, which take precedence. A filter that contains one is never valid.
        Unsupported
    };
    enum class Op { Eq, Ne, Lt, Le, Gt, Ge };
    enum class Function { StartsWith, EndsWith, Contains };
    enum class LiteralType { String, Guid, Integer, Boolean, Null, DateTime };

    Kind kind = Kind::Literal;
    int position = 0;
    Op op = Op::Eq;
    Function function = Function::StartsWith;
    // Or/And: the operands; Not: one; Compare: path, literal; In: path, literals…; Function: path, literal;
    // Any: the collection path and, unless it is `any()`, the body; Count: the collection path.
    std::vector<std::shared_ptr<const Node>> children;
    // Path: the range variable it starts from (empty: the object itself); Any: the range variable it declares.
    QString variable;
    QStringList segments;
    LiteralType literalType = LiteralType::Null;
    QString text;
    qint64 integer = 0;
    bool boolean = false;
    QDateTime dateTime;
};

namespace {

using Node = ODataFilter::Node;
using NodePtr = std::shared_ptr<Node>;

QString badRequestCode()
{
    return QStringLiteral("BadRequest");
}

QString unsupportedQueryCode()
{
    return QStringLiteral("Request_UnsupportedQuery");
}

// Wording of the error Graph returns for an operator that needs advanced query parameters, as documented in
// concepts/aad-advanced-queries.md ("Error handling for advanced queries on directory objects").
QString operatorNeedsAdvancedQueryMessage(const QString &op)
{
    return QStringLiteral("Operator '%1' is not supported because the required parameters might be missing. "
                          "Try adding $count=true query parameter and ConsistencyLevel:eventual header. "
                          "Refer to https://aka.ms/graph-docs/advanced-queries for more information")
        .arg(op);
}

enum class TokenType { End, Identifier, String, Integer, Guid, DateTime, OpenParen, CloseParen, Comma, Slash, Colon };

struct Token
{
    TokenType type = TokenType::End;
    int position = 0;
    QString text;
    qint64 integer = 0;
    QDateTime dateTime;
};

bool isIdentifierStart(QChar c)
{
    return c.isLetter() || c == u'_' || c == u'$';
}

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

bool isHexDigit(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Characters that may not directly follow a literal: they would make it a different, unrecognised literal.
bool continuesLiteral(QChar c)
{
    return isIdentifierChar(c) || c == u'.' || c == u':' || c == u'-' || c == u'+';
}

bool isGuidAt(const QString &s, int i)
{
    constexpr int GuidLength = 36;
    if (s.size() - i < GuidLength) {
        return false;
    }
    for (int k = 0; k < GuidLength; ++k) {
        const QChar c = s.at(i + k);
        const bool dash = k == 8 || k == 13 || k == 18 || k == 23;
        if (dash ? c != u'-' : !isHexDigit(c)) {
            return false;
        }
    }
    return i + GuidLength == s.size() || !continuesLiteral(s.at(i + GuidLength));
}

QDateTime parseDateTime(const QString &text)
{
    if (text.size() == 10) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        return date.isValid() ? QDateTime(date, QTime(0, 0), Qt::UTC) : QDateTime();
    }
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

class Parser
{
public:
    Parser(const QString &text,
           const QSet<QString> &filterableProperties,
           const QString &resourceName,
           ODataFilter::QueryMode mode)
        : m_text(text)
        , m_filterable(filterableProperties)
        , m_resource(resourceName)
        , m_advanced(mode == ODataFilter::QueryMode::Advanced)
    {}

    NodePtr parseFilter()
    {
        if (!tokenize()) {
            return nullptr;
        }
        if (peek().type == TokenType::End) {
            return failNode(0, QStringLiteral("Expression expected"));
        }
        NodePtr root = parseOr();
        if (!root) {
            return nullptr;
        }
        if (peek().type != TokenType::End) {
            return failNode(peek().position, QStringLiteral("Syntax error"));
        }
        if (!isBoolean(*root)) {
            return failNode(root->position, QStringLiteral("The filter is not a Boolean expression"));
        }
        return root;
    }

    // At most one of each is kept: the first found. parse() reports them in this order of precedence.
    QString syntaxError;
    QString unsupportedOperation;
    QString unsupportedProperty;

private:
    struct DepthGuard
    {
        explicit DepthGuard(Parser &parser)
            : m_parser(parser)
        {
            ok = ++m_parser.m_depth <= ODataFilter::MaxDepth;
        }
        ~DepthGuard() { --m_parser.m_depth; }
        DepthGuard(const DepthGuard &) = delete;
        DepthGuard &operator=(const DepthGuard &) = delete;

        Parser &m_parser;
        bool ok = false;
    };

    struct RangeVariable
    {
        QString name;
        QString collection;
    };

    static bool isBoolean(const Node &node)
    {
        switch (node.kind) {
        case Node::Kind::Or:
        case Node::Kind::And:
        case Node::Kind::Not:
        case Node::Kind::Compare:
        case Node::Kind::In:
        case Node::Kind::Function:
        case Node::Kind::Any:
        case Node::Kind::Unsupported:
            return true;
        case Node::Kind::Path:
        case Node::Kind::Count:
        case Node::Kind::Literal:
            return false;
        }
        return false;
    }

    static bool isProperty(const Node &node)
    {
        return node.kind == Node::Kind::Path || node.kind == Node::Kind::Count || node.kind == Node::Kind::Unsupported;
    }

    static bool isLiteral(const Node &node)
    {
        return node.kind == Node::Kind::Literal || node.kind == Node::Kind::Unsupported;
    }

    static bool isStringLiteral(const Node &node)
    {
        return node.kind == Node::Kind::Unsupported
            || (node.kind == Node::Kind::Literal && node.literalType == Node::LiteralType::String);
    }

    static NodePtr makeNode(Node::Kind kind, int position)
    {
        auto node = std::make_shared<Node>();
        node->kind = kind;
        node->position = position;
        return node;
    }

    bool fail(int position, const QString &reason)
    {
        if (syntaxError.isEmpty()) {
            // One-pass arg(): the reason and the filter text may themselves contain "%1".
            syntaxError = QStringLiteral("Invalid filter clause: %1 at position %2 in '%3'.")
                              .arg(reason, QString::number(position), m_text);
        }
        return false;
    }

    NodePtr failNode(int position, const QString &reason)
    {
        fail(position, reason);
        return nullptr;
    }

    void recordOperation(const QString &message)
    {
        if (unsupportedOperation.isEmpty()) {
            unsupportedOperation = message;
        }
    }

    void recordProperty(const QString &property)
    {
        if (unsupportedProperty.isEmpty()) {
            unsupportedProperty =
                QStringLiteral(
                    "Unsupported or invalid query filter clause specified for property '%1' of resource '%2'.")
                    .arg(property, m_resource);
        }
    }

    void requireAdvanced(const QString &op)
    {
        if (!m_advanced) {
            recordOperation(operatorNeedsAdvancedQueryMessage(op));
        }
    }

    const Token &peek(size_t ahead = 0) const
    {
        const size_t index = m_next + ahead;
        return index < m_tokens.size() ? m_tokens[index] : m_tokens.back();
    }

    Token next()
    {
        Token token = peek();
        if (m_next < m_tokens.size() - 1) {
            ++m_next;
        }
        return token;
    }

    static bool isKeyword(const Token &token, QLatin1String keyword)
    {
        return token.type == TokenType::Identifier && token.text.compare(keyword, Qt::CaseInsensitive) == 0;
    }

    bool tokenize()
    {
        static const QRegularExpression dateTimePattern(QStringLiteral(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?"));
        const QString &s = m_text;
        int i = 0;
        while (true) {
            while (i < s.size() && s.at(i).isSpace()) {
                ++i;
            }
            Token token;
            token.position = i;
            if (i == s.size()) {
                m_tokens.push_back(token);
                return true;
            }
            const QChar c = s.at(i);
            if (c == u'(' || c == u')' || c == u',' || c == u'/' || c == u':') {
                token.type = c == u'(' ? TokenType::OpenParen
                    : c == u')'        ? TokenType::CloseParen
                    : c == u','        ? TokenType::Comma
                    : c == u'/'        ? TokenType::Slash
                                       : TokenType::Colon;
                ++i;
            } else if (c == u'\'') {
                token.type = TokenType::String;
                ++i;
                bool closed = false;
                while (i < s.size()) {
                    if (s.at(i) == u'\'') {
                        if (i + 1 < s.size() && s.at(i + 1) == u'\'') {
                            token.text += u'\'';
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    token.text += s.at(i);
                    ++i;
                }
                if (!closed) {
                    return fail(token.position, QStringLiteral("There is an unterminated string literal"));
                }
            } else if (isHexDigit(c) && isGuidAt(s, i)) {
                token.type = TokenType::Guid;
                token.text = s.mid(i, 36);
                i += 36;
            } else if (isDigit(c) || (c == u'-' && i + 1 < s.size() && isDigit(s.at(i + 1)))) {
                const QRegularExpressionMatch date = dateTimePattern.match(
                    s, i, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
                int end = i + 1;
                if (date.hasMatch()) {
                    end = date.capturedEnd();
                    token.type = TokenType::DateTime;
                    token.dateTime = parseDateTime(date.captured());
                } else {
                    while (end < s.size() && isDigit(s.at(end))) {
                        ++end;
                    }
                    token.type = TokenType::Integer;
                    bool ok = false;
                    token.integer = s.mid(i, end - i).toLongLong(&ok);
                    if (!ok) {
                        token.type = TokenType::End;
                    }
                }
                const bool unrecognised = token.type == TokenType::End
                    || (token.type == TokenType::DateTime && !token.dateTime.isValid())
                    || (end < s.size() && continuesLiteral(s.at(end)));
                if (unrecognised) {
                    while (end < s.size() && continuesLiteral(s.at(end))) {
                        ++end;
                    }
                    return fail(token.position, QStringLiteral("Unrecognized literal '%1'").arg(s.mid(i, end - i)));
                }
                i = end;
            } else if (isIdentifierStart(c)) {
                token.type = TokenType::Identifier;
                int end = i + 1;
                while (end < s.size() && isIdentifierChar(s.at(end))) {
                    ++end;
                }
                token.text = s.mid(i, end - i);
                i = end;
            } else {
                return fail(i, QStringLiteral("The character '%1' is not valid").arg(c));
            }
            m_tokens.push_back(token);
        }
    }

    NodePtr parseOr()
    {
        DepthGuard guard(*this);
        if (!guard.ok) {
            return failNode(peek().position, QStringLiteral("The expression is nested too deeply"));
        }
        return parseBinary(QLatin1String("or"), Node::Kind::Or, &Parser::parseAnd);
    }

    NodePtr parseAnd() { return parseBinary(QLatin1String("and"), Node::Kind::And, &Parser::parseRelation); }

    // Flat chains become one n-ary node, so that a long `a or b or c …` adds no depth to evaluation.
    NodePtr parseBinary(QLatin1String keyword, Node::Kind kind, NodePtr (Parser::*operand)())
    {
        NodePtr first = (this->*operand)();
        if (!first || !isKeyword(peek(), keyword)) {
            return first;
        }
        NodePtr node = makeNode(kind, first->position);
        node->children.push_back(first);
        while (isKeyword(peek(), keyword)) {
            next();
            NodePtr rhs = (this->*operand)();
            if (!rhs) {
                return nullptr;
            }
            node->children.push_back(rhs);
        }
        for (const auto &child : node->children) {
            if (!isBoolean(*child)) {
                return failNode(child->position,
                                QStringLiteral("The operands of '%1' must be Boolean expressions").arg(keyword));
            }
        }
        return node;
    }

    NodePtr parseRelation()
    {
        NodePtr lhs = parseUnary();
        if (!lhs || peek().type != TokenType::Identifier) {
            return lhs;
        }
        const QString keyword = peek().text.toLower();
        static const QStringList comparisons = QStringLiteral("eq ne lt le gt ge").split(u' ');
        static const QStringList arithmetic = QStringLiteral("has add sub mul div divby mod").split(u' ');
        const int opIndex = comparisons.indexOf(keyword);
        if (opIndex >= 0) {
            next();
            NodePtr rhs = parseUnary();
            if (!rhs) {
                return nullptr;
            }
            if (!isProperty(*lhs) || !isLiteral(*rhs)) {
                return failNode(
                    lhs->position,
                    QStringLiteral("The operator '%1' needs a property on its left and a literal on its right")
                        .arg(keyword));
            }
            NodePtr node = makeNode(Node::Kind::Compare, lhs->position);
            node->op = static_cast<Node::Op>(opIndex);
            node->children = {lhs, rhs};
            if (node->op != Node::Op::Eq) {
                requireAdvanced(keyword);
            }
            // The key is indexed for equality only: lt/le/gt/ge on id fail even with advanced query parameters
            // (concepts/aad-advanced-queries.md, "Error handling for advanced queries on directory objects").
            if (node->op >= Node::Op::Lt && propertyName(*lhs) == QLatin1String("id")) {
                recordOperation(QStringLiteral("The request uses a filter property that is not indexed"));
            }
            return node;
        }
        if (keyword == QLatin1String("in")) {
            next();
            return parseIn(lhs);
        }
        if (arithmetic.contains(keyword)) {
            next();
            NodePtr rhs = parseUnary();
            if (!rhs) {
                return nullptr;
            }
            recordOperation(QStringLiteral("Unsupported Query."));
            return makeNode(Node::Kind::Unsupported, lhs->position);
        }
        return lhs;
    }

    NodePtr parseIn(const NodePtr &lhs)
    {
        if (peek().type != TokenType::OpenParen) {
            return failNode(peek().position, QStringLiteral("'(' expected"));
        }
        next();
        NodePtr node = makeNode(Node::Kind::In, lhs->position);
        node->children.push_back(lhs);
        while (true) {
            NodePtr literal = parseLiteral();
            if (!literal) {
                return nullptr;
            }
            node->children.push_back(literal);
            const Token separator = next();
            if (separator.type == TokenType::CloseParen) {
                break;
            }
            if (separator.type != TokenType::Comma) {
                return failNode(separator.position, QStringLiteral("',' or ')' expected"));
            }
        }
        if (!isProperty(*lhs)) {
            return failNode(lhs->position, QStringLiteral("The operator 'in' needs a property on its left"));
        }
        return node;
    }

    NodePtr parseUnary()
    {
        if (!isKeyword(peek(), QLatin1String("not"))) {
            return parsePrimary();
        }
        const Token notToken = next();
        DepthGuard guard(*this);
        if (!guard.ok) {
            return failNode(notToken.position, QStringLiteral("The expression is nested too deeply"));
        }
        NodePtr operand = parseUnary();
        if (!operand) {
            return nullptr;
        }
        if (!isBoolean(*operand)) {
            return failNode(operand->position, QStringLiteral("The operand of 'not' must be a Boolean expression"));
        }
        requireAdvanced(QStringLiteral("not"));
        NodePtr node = makeNode(Node::Kind::Not, notToken.position);
        node->children.push_back(operand);
        return node;
    }

    NodePtr parsePrimary()
    {
        const Token &token = peek();
        switch (token.type) {
        case TokenType::OpenParen: {
            next();
            NodePtr inner = parseOr();
            if (!inner) {
                return nullptr;
            }
            if (peek().type != TokenType::CloseParen) {
                return failNode(peek().position, QStringLiteral("')' expected"));
            }
            next();
            return inner;
        }
        case TokenType::String:
        case TokenType::Integer:
        case TokenType::Guid:
        case TokenType::DateTime:
            return parseLiteral();
        case TokenType::Identifier: {
            static const QStringList literals = QStringLiteral("true false null").split(u' ');
            static const QStringList operators = QStringLiteral("and or not eq ne lt le gt ge in has").split(u' ');
            const QString lower = token.text.toLower();
            if (literals.contains(lower)) {
                return parseLiteral();
            }
            if (peek(1).type == TokenType::OpenParen) {
                return parseFunction();
            }
            if (operators.contains(lower)) {
                return failNode(token.position, QStringLiteral("Expression expected"));
            }
            return parsePath();
        }
        case TokenType::End:
        case TokenType::CloseParen:
        case TokenType::Comma:
        case TokenType::Slash:
        case TokenType::Colon:
            break;
        }
        return failNode(token.position, QStringLiteral("Expression expected"));
    }

    NodePtr parseLiteral()
    {
        const Token token = next();
        NodePtr node = makeNode(Node::Kind::Literal, token.position);
        switch (token.type) {
        case TokenType::String:
            node->literalType = Node::LiteralType::String;
            node->text = token.text;
            return node;
        case TokenType::Guid:
            node->literalType = Node::LiteralType::Guid;
            node->text = token.text;
            return node;
        case TokenType::Integer:
            node->literalType = Node::LiteralType::Integer;
            node->integer = token.integer;
            return node;
        case TokenType::DateTime:
            node->literalType = Node::LiteralType::DateTime;
            node->dateTime = token.dateTime;
            return node;
        case TokenType::Identifier:
            if (isKeyword(token, QLatin1String("null"))) {
                node->literalType = Node::LiteralType::Null;
                return node;
            }
            if (isKeyword(token, QLatin1String("true")) || isKeyword(token, QLatin1String("false"))) {
                node->literalType = Node::LiteralType::Boolean;
                node->boolean = isKeyword(token, QLatin1String("true"));
                return node;
            }
            break;
        case TokenType::End:
        case TokenType::OpenParen:
        case TokenType::CloseParen:
        case TokenType::Comma:
        case TokenType::Slash:
        case TokenType::Colon:
            break;
        }
        return failNode(token.position, QStringLiteral("Literal expected"));
    }

    NodePtr parseFunction()
    {
        const Token name = next();
        next(); // '('
        std::vector<NodePtr> arguments;
        if (peek().type == TokenType::CloseParen) {
            next();
        } else {
            while (true) {
                NodePtr argument = parseOr();
                if (!argument) {
                    return nullptr;
                }
                arguments.push_back(argument);
                const Token separator = next();
                if (separator.type == TokenType::CloseParen) {
                    break;
                }
                if (separator.type != TokenType::Comma) {
                    return failNode(separator.position, QStringLiteral("',' or ')' expected"));
                }
            }
        }

        static const QStringList supported = QStringLiteral("startswith endswith contains").split(u' ');
        static const QStringList canonical = QStringLiteral("startsWith endsWith contains").split(u' ');
        // OData functions that exist but that Graph does not offer on directory objects.
        static const QStringList otherODataFunctions =
            QStringLiteral("tolower toupper trim length indexof substring concat matchespattern year month day hour "
                           "minute second fractionalseconds totalseconds date time now totaloffsetminutes mindatetime "
                           "maxdatetime round floor ceiling cast isof hassubset hassubsequence")
                .split(u' ');

        const QString lower = name.text.toLower();
        const int index = supported.indexOf(lower);
        if (index >= 0) {
            const QString &function = canonical.at(index);
            if (arguments.size() != 2 || !isProperty(*arguments[0]) || arguments[0]->kind == Node::Kind::Count
                || !isStringLiteral(*arguments[1])) {
                return failNode(
                    name.position,
                    QStringLiteral("The function '%1' needs a property and a string literal").arg(function));
            }
            NodePtr node = makeNode(Node::Kind::Function, name.position);
            node->function = static_cast<Node::Function>(index);
            node->children = {arguments[0], arguments[1]};
            if (node->function == Node::Function::EndsWith) {
                requireAdvanced(function);
            } else if (node->function == Node::Function::Contains) {
                // Not indexed for directory objects even with advanced query parameters.
                if (m_advanced) {
                    recordProperty(propertyName(*arguments[0]));
                } else {
                    recordOperation(operatorNeedsAdvancedQueryMessage(function));
                }
            }
            return node;
        }
        if (otherODataFunctions.contains(lower)) {
            recordOperation(QStringLiteral("Unsupported Query."));
            return makeNode(Node::Kind::Unsupported, name.position);
        }
        return failNode(name.position, QStringLiteral("Unknown function '%1'").arg(name.text));
    }

    NodePtr parsePath()
    {
        const Token first = next();
        if (first.text.startsWith(u'$')) {
            return failNode(first.position, QStringLiteral("Syntax error"));
        }
        NodePtr path = makeNode(Node::Kind::Path, first.position);
        if (findRangeVariable(first.text)) {
            path->variable = first.text;
        } else {
            path->segments << first.text;
        }
        while (peek().type == TokenType::Slash) {
            next();
            const Token segment = next();
            if (segment.type != TokenType::Identifier) {
                return failNode(segment.position, QStringLiteral("Property name expected"));
            }
            const QString lower = segment.text.toLower();
            if ((lower == QLatin1String("any") || lower == QLatin1String("all"))
                && peek().type == TokenType::OpenParen) {
                return parseLambda(path, segment);
            }
            if (lower == QLatin1String("$count")) {
                checkFilterable(*path);
                requireAdvanced(QStringLiteral("$count"));
                NodePtr count = makeNode(Node::Kind::Count, path->position);
                count->children.push_back(path);
                return count;
            }
            if (segment.text.startsWith(u'$')) {
                return failNode(segment.position, QStringLiteral("Syntax error"));
            }
            path->segments << segment.text;
        }
        checkFilterable(*path);
        return path;
    }

    NodePtr parseLambda(const NodePtr &collection, const Token &lambda)
    {
        next(); // '('
        checkFilterable(*collection);
        if (lambda.text.compare(QLatin1String("all"), Qt::CaseInsensitive) == 0) {
            // The docs: "Currently, it isn't supported in Microsoft Graph."
            recordProperty(propertyName(*collection));
        }
        NodePtr node = makeNode(Node::Kind::Any, collection->position);
        node->children.push_back(collection);
        if (peek().type == TokenType::CloseParen) {
            next();
            return node;
        }
        const Token variable = next();
        if (variable.type != TokenType::Identifier || variable.text.startsWith(u'$')) {
            return failNode(variable.position, QStringLiteral("Range variable expected"));
        }
        if (peek().type != TokenType::Colon) {
            return failNode(peek().position, QStringLiteral("':' expected"));
        }
        next();
        m_rangeVariables.push_back({variable.text, propertyName(*collection)});
        NodePtr body = parseOr();
        m_rangeVariables.pop_back();
        if (!body) {
            return nullptr;
        }
        if (!isBoolean(*body)) {
            return failNode(body->position,
                            QStringLiteral("The body of '%1' must be a Boolean expression").arg(lambda.text));
        }
        if (peek().type != TokenType::CloseParen) {
            return failNode(peek().position, QStringLiteral("')' expected"));
        }
        next();
        node->variable = variable.text;
        node->children.push_back(body);
        return node;
    }

    const RangeVariable *findRangeVariable(const QString &name) const
    {
        for (auto it = m_rangeVariables.rbegin(); it != m_rangeVariables.rend(); ++it) {
            if (it->name == name) {
                return &*it;
            }
        }
        return nullptr;
    }

    // The property an error message names: the path as written, or for a range variable the collection it ranges over.
    QString propertyName(const Node &node) const
    {
        if (node.kind != Node::Kind::Path) {
            return node.kind == Node::Kind::Count && !node.children.empty() ? propertyName(*node.children.front())
                                                                            : QString();
        }
        if (node.variable.isEmpty()) {
            return node.segments.join(u'/');
        }
        const RangeVariable *variable = findRangeVariable(node.variable);
        QStringList parts{variable ? variable->collection : node.variable};
        parts += node.segments;
        return parts.join(u'/');
    }

    void checkFilterable(const Node &path)
    {
        if (!path.variable.isEmpty() || path.segments.isEmpty()) {
            return;
        }
        const QString full = path.segments.join(u'/');
        if (!m_filterable.contains(full) && !m_filterable.contains(path.segments.first())) {
            recordProperty(full);
        }
    }

    const QString &m_text;
    const QSet<QString> &m_filterable;
    const QString &m_resource;
    const bool m_advanced;
    std::vector<Token> m_tokens;
    size_t m_next = 0;
    int m_depth = 0;
    std::vector<RangeVariable> m_rangeVariables;
};

// OData's three-valued logic: comparisons are true or false, but a function of null is null, and so is `not null`.
enum class Tri { False, True, Null };

Tri fromBool(bool value)
{
    return value ? Tri::True : Tri::False;
}

using Scope = std::vector<std::pair<QString, QJsonValue>>;

bool isNullValue(const QJsonValue &value)
{
    return value.isNull() || value.isUndefined();
}

QDateTime toDateTime(const QJsonValue &value)
{
    return value.isString() ? parseDateTime(value.toString()) : QDateTime();
}

QJsonValue evaluateValue(const Node &node, const QJsonObject &object, const Scope &scope)
{
    if (node.kind == Node::Kind::Count) {
        const QJsonValue collection = evaluateValue(*node.children.front(), object, scope);
        if (collection.isArray()) {
            return QJsonValue(static_cast<qint64>(collection.toArray().size()));
        }
        return isNullValue(collection) ? QJsonValue(0) : QJsonValue(QJsonValue::Undefined);
    }
    if (node.kind != Node::Kind::Path) {
        return QJsonValue(QJsonValue::Undefined);
    }
    QJsonValue current(QJsonValue::Undefined);
    qsizetype segment = 0;
    if (node.variable.isEmpty()) {
        current = object.value(node.segments.front());
        segment = 1;
    } else {
        for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
            if (it->first == node.variable) {
                current = it->second;
                break;
            }
        }
    }
    for (; segment < node.segments.size(); ++segment) {
        current = current.isObject() ? current.toObject().value(node.segments.at(segment))
                                     : QJsonValue(QJsonValue::Undefined);
    }
    return current;
}

bool equals(const QJsonValue &value, const Node &literal)
{
    switch (literal.literalType) {
    case Node::LiteralType::Null:
        return isNullValue(value);
    case Node::LiteralType::String:
    case Node::LiteralType::Guid:
        return value.isString() && QString::compare(value.toString(), literal.text, Qt::CaseInsensitive) == 0;
    case Node::LiteralType::Integer:
        return value.isDouble() && value.toDouble() == static_cast<double>(literal.integer);
    case Node::LiteralType::Boolean:
        return value.isBool() && value.toBool() == literal.boolean;
    case Node::LiteralType::DateTime: {
        const QDateTime dateTime = toDateTime(value);
        return dateTime.isValid() && dateTime == literal.dateTime;
    }
    }
    return false;
}

template <typename T> int threeWay(const T &a, const T &b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

std::optional<int> order(const QJsonValue &value, const Node &literal)
{
    switch (literal.literalType) {
    case Node::LiteralType::String:
    case Node::LiteralType::Guid:
        if (value.isString()) {
            return threeWay(QString::compare(value.toString(), literal.text, Qt::CaseInsensitive), 0);
        }
        break;
    case Node::LiteralType::Integer:
        if (value.isDouble()) {
            return threeWay(value.toDouble(), static_cast<double>(literal.integer));
        }
        break;
    case Node::LiteralType::DateTime: {
        const QDateTime dateTime = toDateTime(value);
        if (dateTime.isValid()) {
            return threeWay(dateTime, literal.dateTime);
        }
        break;
    }
    case Node::LiteralType::Boolean:
    case Node::LiteralType::Null:
        break;
    }
    return std::nullopt;
}

Tri evaluate(const Node &node, const QJsonObject &object, Scope &scope)
{
    switch (node.kind) {
    case Node::Kind::Or: {
        Tri result = Tri::False;
        for (const auto &child : node.children) {
            const Tri value = evaluate(*child, object, scope);
            if (value == Tri::True) {
                return Tri::True;
            }
            if (value == Tri::Null) {
                result = Tri::Null;
            }
        }
        return result;
    }
    case Node::Kind::And: {
        Tri result = Tri::True;
        for (const auto &child : node.children) {
            const Tri value = evaluate(*child, object, scope);
            if (value == Tri::False) {
                return Tri::False;
            }
            if (value == Tri::Null) {
                result = Tri::Null;
            }
        }
        return result;
    }
    case Node::Kind::Not: {
        const Tri value = evaluate(*node.children.front(), object, scope);
        return value == Tri::Null ? Tri::Null : fromBool(value == Tri::False);
    }
    case Node::Kind::Compare: {
        const QJsonValue value = evaluateValue(*node.children[0], object, scope);
        const Node &literal = *node.children[1];
        switch (node.op) {
        case Node::Op::Eq:
            return fromBool(equals(value, literal));
        case Node::Op::Ne:
            return fromBool(!equals(value, literal));
        case Node::Op::Lt:
        case Node::Op::Le:
        case Node::Op::Gt:
        case Node::Op::Ge: {
            // OData: a relational comparison with null is false.
            const std::optional<int> cmp = order(value, literal);
            if (!cmp) {
                return Tri::False;
            }
            const bool result = node.op == Node::Op::Lt ? *cmp < 0
                : node.op == Node::Op::Le               ? *cmp <= 0
                : node.op == Node::Op::Gt               ? *cmp > 0
                                                        : *cmp >= 0;
            return fromBool(result);
        }
        }
        return Tri::False;
    }
    case Node::Kind::In: {
        const QJsonValue value = evaluateValue(*node.children.front(), object, scope);
        for (size_t i = 1; i < node.children.size(); ++i) {
            if (equals(value, *node.children[i])) {
                return Tri::True;
            }
        }
        return Tri::False;
    }
    case Node::Kind::Function: {
        const QJsonValue value = evaluateValue(*node.children[0], object, scope);
        if (isNullValue(value)) {
            return Tri::Null;
        }
        if (!value.isString()) {
            return Tri::False;
        }
        const QString haystack = value.toString();
        const QString &needle = node.children[1]->text;
        switch (node.function) {
        case Node::Function::StartsWith:
            return fromBool(haystack.startsWith(needle, Qt::CaseInsensitive));
        case Node::Function::EndsWith:
            return fromBool(haystack.endsWith(needle, Qt::CaseInsensitive));
        case Node::Function::Contains:
            return fromBool(haystack.contains(needle, Qt::CaseInsensitive));
        }
        return Tri::False;
    }
    case Node::Kind::Any: {
        const QJsonValue collection = evaluateValue(*node.children.front(), object, scope);
        if (!collection.isArray()) {
            return Tri::False;
        }
        const QJsonArray items = collection.toArray();
        if (node.children.size() < 2) {
            return fromBool(!items.isEmpty());
        }
        for (const QJsonValue &item : items) {
            scope.emplace_back(node.variable, item);
            const Tri value = evaluate(*node.children[1], object, scope);
            scope.pop_back();
            if (value == Tri::True) {
                return Tri::True;
            }
        }
        return Tri::False;
    }
    case Node::Kind::Path:
    case Node::Kind::Count:
    case Node::Kind::Literal:
    case Node::Kind::Unsupported:
        break;
    }
    return Tri::Null;
}

} // namespace

ODataFilter ODataFilter::parse(const QString &text,
                               const QSet<QString> &filterableProperties,
                               const QString &resourceName,
                               QueryMode mode)
{
    ODataFilter result;
    const auto fail = [&result](const QString &code, const QString &message) {
        result.m_errorCode = code;
        result.m_error = message;
        return result;
    };
    if (text.size() > MaxLength) {
        return fail(badRequestCode(),
                    QStringLiteral("Invalid filter clause: The filter is longer than %1 characters.").arg(MaxLength));
    }
    Parser parser(text, filterableProperties, resourceName, mode);
    NodePtr root = parser.parseFilter();
    if (!parser.syntaxError.isEmpty() || !root) {
        return fail(badRequestCode(), parser.syntaxError);
    }
    if (!parser.unsupportedOperation.isEmpty()) {
        return fail(unsupportedQueryCode(), parser.unsupportedOperation);
    }
    if (!parser.unsupportedProperty.isEmpty()) {
        return fail(unsupportedQueryCode(), parser.unsupportedProperty);
    }
    result.m_root = std::move(root);
    return result;
}

bool ODataFilter::matches(const QJsonObject &object) const
{
    if (!isValid()) {
        return false;
    }
    Scope scope;
    return evaluate(*m_root, object, scope) == Tri::True;
}

} // namespace M365::Sandbox
