// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "odatafilter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QStringList>
#include <QTest>

#include <iterator>
#include <utility>

using M365::Sandbox::ODataFilter;

namespace {

const QString UnsupportedQuery = QStringLiteral("Request_UnsupportedQuery");
const QString BadRequest = QStringLiteral("BadRequest");

// The documented wording (concepts/aad-advanced-queries.md, "Error handling for advanced queries").
QString operatorMessage(const char *op)
{
    return QStringLiteral("Operator '%1' is not supported because the required parameters might be missing. Try "
                          "adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to "
                          "https://aka.ms/graph-docs/advanced-queries for more information")
        .arg(QLatin1String(op));
}

QString propertyMessage(const char *property)
{
    return QStringLiteral("Unsupported or invalid query filter clause specified for property '%1' of resource 'User'.")
        .arg(QLatin1String(property));
}

QSet<QString> userProperties()
{
    return {QStringLiteral("displayName"),
            QStringLiteral("givenName"),
            QStringLiteral("mail"),
            QStringLiteral("userPrincipalName"),
            QStringLiteral("accountEnabled"),
            QStringLiteral("userType"),
            QStringLiteral("companyName"),
            QStringLiteral("proxyAddresses"),
            QStringLiteral("businessPhones"),
            QStringLiteral("imAddresses"),
            QStringLiteral("assignedLicenses"),
            QStringLiteral("id"),
            QStringLiteral("createdDateTime"),
            QStringLiteral("onPremisesExtensionAttributes")};
}

ODataFilter parseUser(const QString &filter, bool advanced = false)
{
    return ODataFilter::parse(filter,
                              userProperties(),
                              QStringLiteral("User"),
                              advanced ? ODataFilter::QueryMode::Advanced : ODataFilter::QueryMode::Default);
}

// A user shaped like Graph's own examples.
const char *const Adele = R"({
    "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
    "displayName": "Adele Vance",
    "givenName": "Adele",
    "mail": "AdeleV@contoso.com",
    "userPrincipalName": "AdeleV@contoso.com",
    "accountEnabled": true,
    "userType": "Member",
    "companyName": "Contoso",
    "createdDateTime": "2021-11-05T10:00:00Z",
    "businessPhones": ["+1 425 555 0109"],
    "imAddresses": ["adelev@contoso.com"],
    "proxyAddresses": ["SMTP:AdeleV@contoso.com", "smtp:adele@contoso.onmicrosoft.com"],
    "assignedLicenses": [{"disabledPlans": [], "skuId": "184EFA21-98C3-4E5D-95AB-D07053A96E67"}],
    "onPremisesExtensionAttributes": {"extensionAttribute1": "Sales"}
})";

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    }
    return document.object();
}

QString nested(const QString &inner, int levels)
{
    return QString(levels, u'(') + inner + QString(levels, u')');
}

} // namespace

class TestODataFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matches_data();
    void matches();
    void errors_data();
    void errors();
    void nestingLimit();
    void notChainIsBounded();
    void lengthLimit();
    void longFlatChainIsNotTooDeep();
    void randomFiltersEvaluate();
    void mutatedInputIsHandled();
};

void TestODataFilter::matches_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<bool>("advanced");
    QTest::addColumn<QByteArray>("object");
    QTest::addColumn<bool>("expected");

    const QByteArray adele(Adele);
    const QByteArray bare(R"({"displayName": "Bare", "accountEnabled": false})");

    // eq and string literals
    QTest::newRow("eq") << "displayName eq 'Adele Vance'" << false << adele << true;
    QTest::newRow("eq other") << "displayName eq 'Alex Wilber'" << false << adele << false;
    QTest::newRow("eq value case-insensitive") << "displayName eq 'ADELE vance'" << false << adele << true;
    QTest::newRow("eq prefix is not equal") << "displayName eq 'Adele'" << false << adele << false;
    QTest::newRow("keywords case-insensitive")
        << "displayName EQ 'Adele Vance' AND userType Eq 'member'" << false << adele << true;
    QTest::newRow("escaped quote") << "displayName eq 'O''Brien'" << false
                                   << QByteArray(R"({"displayName": "O'Brien"})") << true;
    QTest::newRow("escaped quote differs")
        << "displayName eq 'O''Brien'" << false << QByteArray(R"({"displayName": "OBrien"})") << false;
    QTest::newRow("only a quote") << "displayName eq ''''" << false << QByteArray(R"({"displayName": "'"})") << true;
    QTest::newRow("empty string") << "companyName eq ''" << false << QByteArray(R"({"companyName": ""})") << true;
    QTest::newRow("empty string is not null") << "companyName eq ''" << false << bare << false;
    QTest::newRow("keyword inside string")
        << "displayName eq 'a or b'" << false << QByteArray(R"({"displayName": "A OR B"})") << true;
    QTest::newRow("no spaces around parens")
        << "(displayName eq 'Adele Vance')and(userType eq 'Member')" << false << adele << true;

    // null, missing, booleans
    QTest::newRow("eq null, missing") << "companyName eq null" << false << bare << true;
    QTest::newRow("eq null, explicit null")
        << "companyName eq null" << false << QByteArray(R"({"companyName": null})") << true;
    QTest::newRow("eq null, present") << "companyName eq null" << false << adele << false;
    QTest::newRow("eq string, missing") << "companyName eq 'Contoso'" << false << bare << false;
    QTest::newRow("bool true") << "accountEnabled eq true" << false << adele << true;
    QTest::newRow("bool true vs false") << "accountEnabled eq true" << false << bare << false;
    QTest::newRow("bool false") << "accountEnabled eq false" << false << bare << true;
    QTest::newRow("bool is not a string")
        << "displayName eq true" << false << QByteArray(R"({"displayName": "true"})") << false;

    // precedence and grouping: and binds tighter than or
    QTest::newRow("and before or") << "displayName eq 'Adele Vance' or displayName eq 'x' and accountEnabled eq false"
                                   << false << adele << true;
    QTest::newRow("parens override")
        << "(displayName eq 'Adele Vance' or displayName eq 'x') and accountEnabled eq false" << false << adele
        << false;
    QTest::newRow("or, second true") << "displayName eq 'x' or userType eq 'Member'" << false << adele << true;
    QTest::newRow("and, one false") << "displayName eq 'Adele Vance' and userType eq 'Guest'" << false << adele
                                    << false;

    // in
    QTest::newRow("in") << "userType in ('Guest', 'Member')" << false << adele << true;
    QTest::newRow("in single") << "userType in ('member')" << false << adele << true;
    QTest::newRow("in none") << "userType in ('Guest','External')" << false << adele << false;
    QTest::newRow("in, missing") << "userType in ('Guest','Member')" << false << bare << false;
    QTest::newRow("in with null") << "companyName in ('Fabrikam', null)" << false << bare << true;

    // startswith
    QTest::newRow("startswith") << "startswith(userPrincipalName,'adelev@')" << false << adele << true;
    QTest::newRow("startsWith camel, spaces") << "startsWith( displayName, 'Adele')" << false << adele << true;
    QTest::newRow("startswith no") << "startswith(displayName,'Vance')" << false << adele << false;
    QTest::newRow("startswith missing") << "startswith(mail,'a')" << false << bare << false;
    QTest::newRow("startswith empty prefix") << "startswith(displayName,'')" << false << adele << true;
    QTest::newRow("startswith or startswith")
        << "startswith(displayName,'mary') or startswith(givenName,'ade')" << false << adele << true;

    // lambdas on collections
    QTest::newRow("any eq") << "proxyAddresses/any(p:p eq 'smtp:adelev@contoso.com')" << false << adele << true;
    QTest::newRow("any eq none") << "proxyAddresses/any(p:p eq 'smtp:other@contoso.com')" << false << adele << false;
    QTest::newRow("any, missing") << "proxyAddresses/any(p:p eq 'x')" << false << bare << false;
    QTest::newRow("any, empty") << "proxyAddresses/any(p:p eq 'x')" << false << QByteArray(R"({"proxyAddresses": []})")
                                << false;
    QTest::newRow("any startswith") << "proxyAddresses/any(p:startswith(p,'smtp:adele@'))" << false << adele << true;
    QTest::newRow("any startswith none") << "proxyAddresses/any(p:startswith(p,'x500:'))" << false << adele << false;
    QTest::newRow("any with space, upper ANY")
        << "businessPhones/ANY (b: b eq '+1 425 555 0109')" << false << adele << true;
    QTest::newRow("any in") << "imAddresses/any(i:i in ('x', 'ADELEV@contoso.com'))" << false << adele << true;
    QTest::newRow("any and outer") << "accountEnabled eq true and proxyAddresses/any(x:x eq 'SMTP:AdeleV@contoso.com')"
                                   << false << adele << true;
    QTest::newRow("any body and") << "proxyAddresses/any(p:startswith(p,'smtp:') and p eq 'x')" << false << adele
                                  << false;
    QTest::newRow("any()") << "proxyAddresses/any()" << false << adele << true;
    QTest::newRow("any(), empty") << "proxyAddresses/any()" << false << QByteArray(R"({"proxyAddresses": []})")
                                  << false;
    QTest::newRow("skuId guid") << "assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)" << false
                                << adele << true;
    QTest::newRow("skuId other guid") << "assignedLicenses/any(s:s/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)"
                                      << false << adele << false;
    QTest::newRow("skuId, no licences") << "assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)"
                                        << false << bare << false;
    QTest::newRow("quoted guid is a string")
        << "id eq '87D349ED-44D7-43E1-9A83-5F2406DEE5BD'" << false << adele << true;
    QTest::newRow("complex path") << "onPremisesExtensionAttributes/extensionAttribute1 eq 'sales'" << false << adele
                                  << true;
    QTest::newRow("complex path missing")
        << "onPremisesExtensionAttributes/extensionAttribute1 eq 'sales'" << false << bare << false;

    // with advanced query parameters (ConsistencyLevel: eventual, $count=true)
    QTest::newRow("adv ne") << "accountEnabled ne true" << true << bare << true;
    QTest::newRow("adv ne false") << "accountEnabled ne true" << true << adele << false;
    QTest::newRow("adv ne null, missing") << "companyName ne null" << true << bare << false;
    QTest::newRow("adv ne string, missing") << "companyName ne 'Contoso'" << true << bare << true;
    QTest::newRow("adv docs ne/not") << "companyName ne null and NOT(companyName eq 'Microsoft')" << true << adele
                                     << true;
    QTest::newRow("adv docs ne/not, Microsoft") << "companyName ne null and NOT(companyName eq 'Microsoft')" << true
                                                << QByteArray(R"({"companyName": "microsoft"})") << false;
    QTest::newRow("adv not startswith") << "NOT startsWith(displayName, 'Conf')" << true << adele << true;
    QTest::newRow("adv not startswith, match") << "NOT startsWith(displayName, 'Conf')" << true
                                               << QByteArray(R"({"displayName": "Conference Room"})") << false;
    // OData: startswith(null, …) is null, and not null is null, so the object is left out.
    QTest::newRow("adv not startswith null") << "not startswith(mail, 'x')" << true << bare << false;
    QTest::newRow("adv not precedence") << "not (displayName eq 'x') and accountEnabled eq true" << true << adele
                                        << true;
    QTest::newRow("adv not not") << "not not (displayName eq 'Adele Vance')" << true << adele << true;
    QTest::newRow("adv not any") << "NOT(imAddresses/any(i:i eq 'admin@contoso.com'))" << true << adele << true;
    QTest::newRow("adv not any, has it") << "NOT(imAddresses/any(i:i eq 'adelev@contoso.com'))" << true << adele
                                         << false;
    QTest::newRow("adv not any, missing") << "NOT(imAddresses/any(i:i eq 'admin@contoso.com'))" << true << bare << true;
    QTest::newRow("adv endswith") << "endsWith(mail,'@CONTOSO.com')" << true << adele << true;
    QTest::newRow("adv endswith no") << "endswith(mail,'@outlook.com')" << true << adele << false;
    QTest::newRow("adv any endswith") << "proxyAddresses/any (p:endsWith(p, 'OnMicrosoft.com'))" << true << adele
                                      << true;
    QTest::newRow("adv count eq 0, missing") << "assignedLicenses/$count eq 0" << true << bare << true;
    QTest::newRow("adv count eq 0, one") << "assignedLicenses/$count eq 0" << true << adele << false;
    QTest::newRow("adv count ne 0") << "assignedLicenses/$count ne 0" << true << adele << true;
    QTest::newRow("adv count gt -1") << "assignedLicenses/$count gt -1" << true << bare << true;
    QTest::newRow("adv count le 1") << "assignedLicenses/$count le 1" << true << adele << true;
    QTest::newRow("adv count lt 1") << "assignedLicenses/$count lt 1" << true << adele << false;
    QTest::newRow("adv ge string") << "displayName ge 'adele'" << true << adele << true;
    QTest::newRow("adv gt string") << "displayName gt 'b'" << true << adele << false;
    QTest::newRow("adv lt string, missing") << "companyName lt 'z'" << true << bare << false;
    QTest::newRow("adv ge date") << "createdDateTime ge 2021-11-01" << true << adele << true;
    QTest::newRow("adv ge date, later") << "createdDateTime ge 2021-11-06" << true << adele << false;
    QTest::newRow("adv lt datetime") << "createdDateTime lt 2021-11-05T10:00:01Z" << true << adele << true;
    QTest::newRow("adv lt datetime, equal") << "createdDateTime lt 2021-11-05T10:00:00Z" << true << adele << false;
    QTest::newRow("adv eq datetime offset") << "createdDateTime eq 2021-11-05T12:00:00+02:00" << true << adele << true;
}

void TestODataFilter::matches()
{
    QFETCH(QString, filter);
    QFETCH(bool, advanced);
    QFETCH(QByteArray, object);
    QFETCH(bool, expected);

    const ODataFilter parsed = parseUser(filter, advanced);
    QVERIFY2(parsed.isValid(), qPrintable(parsed.errorCode() + u' ' + parsed.errorMessage()));
    QCOMPARE(parsed.errorCode(), QString());
    QCOMPARE(parsed.errorMessage(), QString());
    QCOMPARE(parsed.matches(json(object)), expected);
}

void TestODataFilter::errors_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<bool>("advanced");
    QTest::addColumn<QString>("code");
    // The whole message when exact, else its beginning.
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("exact");

    // Operators that need advanced query parameters on directory objects.
    QTest::newRow("endswith") << "endswith(mail,'@contoso.com')" << false << UnsupportedQuery
                              << operatorMessage("endsWith") << true;
    QTest::newRow("endsWith in any") << "proxyAddresses/any(p:endsWith(p, 'OnMicrosoft.com'))" << false
                                     << UnsupportedQuery << operatorMessage("endsWith") << true;
    QTest::newRow("ne") << "accountEnabled ne true" << false << UnsupportedQuery << operatorMessage("ne") << true;
    QTest::newRow("NOT") << "NOT(imAddresses/any(i:i eq 'admin@contoso.com'))" << false << UnsupportedQuery
                         << operatorMessage("not") << true;
    QTest::newRow("ge string") << "displayName ge 'a'" << false << UnsupportedQuery << operatorMessage("ge") << true;
    QTest::newRow("gt string") << "displayName gt 'a'" << false << UnsupportedQuery << operatorMessage("gt") << true;
    QTest::newRow("le string") << "displayName le 'a'" << false << UnsupportedQuery << operatorMessage("le") << true;
    QTest::newRow("lt string") << "displayName LT 'a'" << false << UnsupportedQuery << operatorMessage("lt") << true;
    QTest::newRow("contains") << "contains(displayName,'dele')" << false << UnsupportedQuery
                              << operatorMessage("contains") << true;
    QTest::newRow("count") << "assignedLicenses/$count eq 0" << false << UnsupportedQuery << operatorMessage("$count")
                           << true;
    QTest::newRow("contains, advanced") << "contains(displayName,'dele')" << true << UnsupportedQuery
                                        << propertyMessage("displayName") << true;

    // Properties outside the filterable set; names are case-sensitive.
    QTest::newRow("unknown property") << "jobTitle eq 'x'" << false << UnsupportedQuery << propertyMessage("jobTitle")
                                      << true;
    QTest::newRow("property case") << "DisplayName eq 'x'" << false << UnsupportedQuery
                                   << propertyMessage("DisplayName") << true;
    QTest::newRow("in startswith") << "startswith(jobTitle,'x')" << false << UnsupportedQuery
                                   << propertyMessage("jobTitle") << true;
    QTest::newRow("lambda collection") << "otherMails/any(m:m eq 'x')" << false << UnsupportedQuery
                                       << propertyMessage("otherMails") << true;
    QTest::newRow("second clause") << "displayName eq 'x' or jobTitle eq 'y'" << false << UnsupportedQuery
                                   << propertyMessage("jobTitle") << true;
    QTest::newRow("range variable out of scope")
        << "proxyAddresses/any(p:p eq 'x') or p eq 'y'" << false << UnsupportedQuery << propertyMessage("p") << true;
    QTest::newRow("all") << "proxyAddresses/all(p:startswith(p,'smtp:'))" << false << UnsupportedQuery
                         << propertyMessage("proxyAddresses") << true;
    QTest::newRow("tolower") << "tolower(displayName) eq 'adele'" << false << UnsupportedQuery
                             << QStringLiteral("Unsupported Query.") << true;
    QTest::newRow("has") << "userType has 'Member'" << false << UnsupportedQuery << QStringLiteral("Unsupported Query.")
                         << true;

    // Precedence of errors: syntax, then operator, then property.
    QTest::newRow("syntax beats operator") << "endswith(mail,'x') and displayName eq" << false << BadRequest
                                           << QStringLiteral("Invalid filter clause: Expression expected") << false;
    QTest::newRow("operator beats property")
        << "jobTitle eq 'x' and accountEnabled ne true" << false << UnsupportedQuery << operatorMessage("ne") << true;

    // Syntax and type errors.
    const QString invalid = QStringLiteral("Invalid filter clause: ");
    QTest::newRow("unterminated string")
        << "displayName eq 'abc" << false << BadRequest
        << QStringLiteral("Invalid filter clause: There is an unterminated string literal at position 15 in "
                          "'displayName eq 'abc'.")
        << true;
    QTest::newRow("missing operand")
        << "displayName eq" << false << BadRequest
        << QStringLiteral("Invalid filter clause: Expression expected at position 14 in 'displayName eq'.") << true;
    QTest::newRow("dangling and") << "displayName eq 'a' and" << false << BadRequest << invalid << false;
    QTest::newRow("unclosed paren") << "(displayName eq 'a'" << false << BadRequest
                                    << QStringLiteral("Invalid filter clause: ')' expected") << false;
    QTest::newRow("extra paren") << "displayName eq 'a')" << false << BadRequest
                                 << QStringLiteral("Invalid filter clause: Syntax error at position 18") << false;
    QTest::newRow("missing operator") << "displayName 'a'" << false << BadRequest << invalid << false;
    QTest::newRow("unknown operator") << "displayName eq 'a' xor displayName eq 'b'" << false << BadRequest << invalid
                                      << false;
    QTest::newRow("empty") << "" << false << BadRequest << invalid << false;
    QTest::newRow("blank") << "   " << false << BadRequest << invalid << false;
    QTest::newRow("not boolean") << "displayName" << false << BadRequest << invalid << false;
    QTest::newRow("literal only") << "'x'" << false << BadRequest << invalid << false;
    QTest::newRow("literal on the left") << "'x' eq displayName" << false << BadRequest << invalid << false;
    QTest::newRow("two properties") << "displayName eq givenName" << false << BadRequest << invalid << false;
    QTest::newRow("chained comparison") << "displayName eq 'a' eq 'b'" << false << BadRequest << invalid << false;
    QTest::newRow("and of non-boolean") << "displayName and accountEnabled eq true" << false << BadRequest
                                        << QStringLiteral(
                                               "Invalid filter clause: The operands of 'and' must be Boolean")
                                        << false;
    // `not` binds tighter than eq, as in OData: this is (not displayName) eq 'a'.
    QTest::newRow("not binds tight") << "not displayName eq 'a'" << true << BadRequest
                                     << QStringLiteral("Invalid filter clause: The operand of 'not' must be") << false;
    QTest::newRow("startswith one arg") << "startswith(displayName)" << false << BadRequest
                                        << QStringLiteral("Invalid filter clause: The function 'startsWith' needs")
                                        << false;
    QTest::newRow("startswith integer") << "startswith(displayName, 1)" << false << BadRequest << invalid << false;
    QTest::newRow("startswith literal first")
        << "startswith('a', displayName)" << false << BadRequest << invalid << false;
    QTest::newRow("startswith unclosed") << "startswith(displayName, 'a'" << false << BadRequest << invalid << false;
    QTest::newRow("unknown function") << "frobnicate(displayName,'a')" << false << BadRequest
                                      << QStringLiteral("Invalid filter clause: Unknown function 'frobnicate'")
                                      << false;
    QTest::newRow("in empty") << "userType in ()" << false << BadRequest << invalid << false;
    QTest::newRow("in no parens") << "userType in 'Member'" << false << BadRequest << invalid << false;
    QTest::newRow("in trailing comma") << "userType in ('a',)" << false << BadRequest << invalid << false;
    QTest::newRow("in property") << "userType in ('a', displayName)" << false << BadRequest << invalid << false;
    QTest::newRow("decimal") << "displayName eq 1.5" << false << BadRequest
                             << QStringLiteral("Invalid filter clause: Unrecognized literal '1.5'") << false;
    QTest::newRow("integer overflow") << "displayName eq 99999999999999999999" << false << BadRequest
                                      << QStringLiteral("Invalid filter clause: Unrecognized literal") << false;
    QTest::newRow("guid with tail") << "id eq 184efa21-98c3-4e5d-95ab-d07053a96e67x" << false << BadRequest << invalid
                                    << false;
    QTest::newRow("bad date") << "createdDateTime ge 2021-13-45" << true << BadRequest
                              << QStringLiteral("Invalid filter clause: Unrecognized literal '2021-13-45'") << false;
    QTest::newRow("bad character") << "displayName eq #" << false << BadRequest
                                   << QStringLiteral("Invalid filter clause: The character '#' is not valid") << false;
    QTest::newRow("double quotes") << "displayName eq \"a\"" << false << BadRequest << invalid << false;
    QTest::newRow("lambda without colon") << "proxyAddresses/any(p p eq 'a')" << false << BadRequest
                                          << QStringLiteral("Invalid filter clause: ':' expected") << false;
    QTest::newRow("lambda non-boolean body") << "proxyAddresses/any(p:p)" << false << BadRequest << invalid << false;
    QTest::newRow("lambda unclosed") << "proxyAddresses/any(p:p eq 'a'" << false << BadRequest << invalid << false;
    QTest::newRow("trailing slash") << "displayName/ eq 'a'" << false << BadRequest << invalid << false;
    QTest::newRow("percent in text") << "displayName eq %1 and %2" << false << BadRequest
                                     << QStringLiteral("Invalid filter clause: The character '%' is not valid at "
                                                       "position 15 in 'displayName eq %1 and %2'.")
                                     << true;
}

void TestODataFilter::errors()
{
    QFETCH(QString, filter);
    QFETCH(bool, advanced);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(bool, exact);

    const ODataFilter parsed = parseUser(filter, advanced);
    QVERIFY(!parsed.isValid());
    QCOMPARE(parsed.errorCode(), code);
    if (exact) {
        QCOMPARE(parsed.errorMessage(), message);
    } else {
        QVERIFY2(parsed.errorMessage().startsWith(message), qPrintable(parsed.errorMessage()));
    }
    QVERIFY(!parsed.matches(json(Adele)));
}

void TestODataFilter::nestingLimit()
{
    const QString clause = QStringLiteral("displayName eq 'Adele Vance'");
    // The whole filter is one level, each pair of parentheses another.
    const ODataFilter deepest = parseUser(nested(clause, ODataFilter::MaxDepth - 1));
    QVERIFY2(deepest.isValid(), qPrintable(deepest.errorMessage()));
    QVERIFY(deepest.matches(json(Adele)));

    const ODataFilter tooDeep = parseUser(nested(clause, ODataFilter::MaxDepth));
    QVERIFY(!tooDeep.isValid());
    QCOMPARE(tooDeep.errorCode(), BadRequest);
    QVERIFY2(
        tooDeep.errorMessage().startsWith(QStringLiteral("Invalid filter clause: The expression is nested too deeply")),
        qPrintable(tooDeep.errorMessage()));

    // Unbalanced and far too deep: stopped by the depth limit, not by the stack.
    const ODataFilter unbalanced = parseUser(QString(ODataFilter::MaxLength, u'('));
    QCOMPARE(unbalanced.errorCode(), BadRequest);
    QVERIFY(unbalanced.errorMessage().contains(QLatin1String("nested too deeply")));

    // Lambdas and function arguments count too.
    QString lambdas = QStringLiteral("p0 eq 'x'");
    for (int i = 0; i < ODataFilter::MaxDepth; ++i) {
        lambdas = QStringLiteral("proxyAddresses/any(p%1:%2)").arg(i).arg(lambdas);
    }
    QVERIFY(lambdas.size() < ODataFilter::MaxLength);
    const ODataFilter deepLambdas = parseUser(lambdas);
    QCOMPARE(deepLambdas.errorCode(), BadRequest);
    QVERIFY(deepLambdas.errorMessage().contains(QLatin1String("nested too deeply")));
}

void TestODataFilter::notChainIsBounded()
{
    const QString clause = QStringLiteral("(displayName eq 'Adele Vance')");
    // The filter, the `not`s and the parentheses: one level each.
    const QString deepest = QStringLiteral("not ").repeated(ODataFilter::MaxDepth - 2) + clause;
    const ODataFilter parsed = parseUser(deepest, true);
    QVERIFY2(parsed.isValid(), qPrintable(parsed.errorMessage()));
    QCOMPARE(parsed.matches(json(Adele)), (ODataFilter::MaxDepth - 2) % 2 == 0);

    const ODataFilter oneMore = parseUser(QStringLiteral("not ") + deepest, true);
    QCOMPARE(oneMore.errorCode(), BadRequest);

    const QString thousand = QStringLiteral("not ").repeated(1000) + clause;
    QVERIFY(thousand.size() <= ODataFilter::MaxLength);
    const ODataFilter many = parseUser(thousand, true);
    QCOMPARE(many.errorCode(), BadRequest);
    QVERIFY(many.errorMessage().contains(QLatin1String("nested too deeply")));
}

void TestODataFilter::lengthLimit()
{
    const QString prefix = QStringLiteral("displayName eq '");
    const QString name(ODataFilter::MaxLength - prefix.size() - 1, u'a');
    const QString longest = prefix + name + u'\'';
    QCOMPARE(longest.size(), ODataFilter::MaxLength);

    const ODataFilter parsed = parseUser(longest);
    QVERIFY2(parsed.isValid(), qPrintable(parsed.errorMessage()));
    QJsonObject object;
    object.insert(QStringLiteral("displayName"), name);
    QVERIFY(parsed.matches(object));

    const ODataFilter tooLong = parseUser(prefix + name + QStringLiteral("a'"));
    QVERIFY(!tooLong.isValid());
    QCOMPARE(tooLong.errorCode(), BadRequest);
    QCOMPARE(
        tooLong.errorMessage(),
        QStringLiteral("Invalid filter clause: The filter is longer than %1 characters.").arg(ODataFilter::MaxLength));
}

void TestODataFilter::longFlatChainIsNotTooDeep()
{
    // 150 clauses joined by `or` are more than MaxDepth but only one level deep.
    QStringList clauses;
    for (int i = 0; i < 149; ++i) {
        clauses << QStringLiteral("userType eq 'u%1'").arg(i);
    }
    clauses << QStringLiteral("userType eq 'Member'");
    const QString filter = clauses.join(QLatin1String(" or "));
    QVERIFY(filter.size() <= ODataFilter::MaxLength);

    const ODataFilter parsed = parseUser(filter);
    QVERIFY2(parsed.isValid(), qPrintable(parsed.errorMessage()));
    QVERIFY(parsed.matches(json(Adele)));
    QVERIFY(!parsed.matches(json(R"({"userType": "Guest"})")));
}

namespace {

// Builds random filters from atoms whose value for Adele is known, joined by and/or/not and parentheses, and
// computes the expected result independently: an `or` chain of `and` chains, so that precedence is exercised.
class FilterGenerator
{
public:
    explicit FilterGenerator(quint32 seed)
        : m_random(seed)
    {}

    std::pair<QString, bool> orChain(int depth)
    {
        QStringList parts;
        bool value = false;
        const int count = m_random.bounded(1, 4);
        for (int i = 0; i < count; ++i) {
            const auto [text, childValue] = andChain(depth);
            parts << text;
            value = value || childValue;
        }
        return {parts.join(u' ' + keyword("or") + u' '), value};
    }

private:
    std::pair<QString, bool> andChain(int depth)
    {
        QStringList parts;
        bool value = true;
        const int count = m_random.bounded(1, 4);
        for (int i = 0; i < count; ++i) {
            const auto [text, childValue] = operand(depth);
            parts << text;
            value = value && childValue;
        }
        return {parts.join(u' ' + keyword("and") + u' '), value};
    }

    std::pair<QString, bool> operand(int depth)
    {
        const int choice = depth > 0 ? m_random.bounded(10) : 0;
        if (choice == 1) {
            const auto [text, value] = orChain(depth - 1);
            return {QStringLiteral("(%1)").arg(text), value};
        }
        if (choice == 2) {
            const auto [text, value] = operand(depth - 1);
            const bool group = !text.startsWith(u'(');
            return {keyword("not") + (group ? QStringLiteral(" (%1)").arg(text) : u' ' + text), !value};
        }
        static const std::pair<const char *, bool> atoms[] = {
            {"displayName eq 'Adele Vance'", true},
            {"userType in ('Guest','Member')", true},
            {"startswith(givenName,'ad')", true},
            {"proxyAddresses/any(p:p eq 'smtp:adelev@contoso.com')", true},
            {"assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)", true},
            {"accountEnabled eq true", true},
            {"companyName ne 'Fabrikam'", true},
            {"endswith(mail,'.com')", true},
            {"displayName eq 'Alex Wilber'", false},
            {"userType in ('Guest')", false},
            {"startswith(givenName,'x')", false},
            {"proxyAddresses/any(p:startswith(p,'x500:'))", false},
            {"accountEnabled eq false", false},
            {"companyName eq null", false},
            {"endswith(mail,'.org')", false},
            {"createdDateTime lt 2020-01-01", false}};
        const auto &atom = atoms[m_random.bounded(int(std::size(atoms)))];
        return {QString::fromLatin1(atom.first), atom.second};
    }

    // Keywords in random case: Graph's are case-insensitive.
    QString keyword(const char *word)
    {
        QString text = QString::fromLatin1(word);
        for (QChar &c : text) {
            if (m_random.bounded(2) == 1) {
                c = c.toUpper();
            }
        }
        return text;
    }

    QRandomGenerator m_random;
};

} // namespace

void TestODataFilter::randomFiltersEvaluate()
{
    FilterGenerator generator(20260101);
    const QJsonObject adele = json(Adele);
    int checked = 0;
    int matched = 0;
    for (int round = 0; round < 2000; ++round) {
        const auto [filter, expected] = generator.orChain(3);
        if (filter.size() > ODataFilter::MaxLength) {
            continue;
        }
        const ODataFilter parsed = parseUser(filter, true);
        QVERIFY2(parsed.isValid(), qPrintable(filter + u'\n' + parsed.errorMessage()));
        QVERIFY2(parsed.matches(adele) == expected, qPrintable(filter));
        ++checked;
        matched += expected ? 1 : 0;
    }
    // Both outcomes must be well represented for the check to mean something.
    QVERIFY2(checked > 1900 && matched > checked / 5 && matched < checked * 4 / 5,
             qPrintable(QStringLiteral("%1 checked, %2 matched").arg(checked).arg(matched)));
}

void TestODataFilter::mutatedInputIsHandled()
{
    // Valid filters with random damage, and soups of fragments: each must end in a clear verdict, never a crash.
    const QStringList fragments = {QStringLiteral("("),
                                   QStringLiteral(")"),
                                   QStringLiteral(" not "),
                                   QStringLiteral(" and "),
                                   QStringLiteral(" or "),
                                   QStringLiteral(" eq "),
                                   QStringLiteral(" ne "),
                                   QStringLiteral(" in "),
                                   QStringLiteral("'a'"),
                                   QStringLiteral("'"),
                                   QStringLiteral(","),
                                   QStringLiteral("displayName"),
                                   QStringLiteral("proxyAddresses/any(p:"),
                                   QStringLiteral("p"),
                                   QStringLiteral("startswith("),
                                   QStringLiteral("/"),
                                   QStringLiteral(":"),
                                   QStringLiteral("-1"),
                                   QStringLiteral("null"),
                                   QStringLiteral("184efa21-98c3-4e5d-95ab-d07053a96e67"),
                                   QStringLiteral("2021-01-01"),
                                   QStringLiteral("$count")};
    FilterGenerator generator(7);
    QRandomGenerator random(42);
    const QJsonObject adele = json(Adele);
    int valid = 0;
    int invalid = 0;
    for (int round = 0; round < 3000; ++round) {
        QString filter;
        if (round % 3 == 0) {
            const int length = random.bounded(1, 40);
            for (int i = 0; i < length; ++i) {
                filter += fragments.at(random.bounded(fragments.size()));
            }
        } else {
            filter = generator.orChain(2).first.left(ODataFilter::MaxLength);
            for (int damage = random.bounded(1, 4); damage > 0 && !filter.isEmpty(); --damage) {
                const int at = random.bounded(filter.size());
                if (random.bounded(2) == 0) {
                    filter.remove(at, random.bounded(1, 6));
                } else {
                    filter.insert(at, fragments.at(random.bounded(fragments.size())));
                }
            }
        }
        for (const bool advanced : {false, true}) {
            const ODataFilter parsed = parseUser(filter, advanced);
            if (parsed.isValid()) {
                ++valid;
                QVERIFY(parsed.errorCode().isEmpty());
                QVERIFY(parsed.errorMessage().isEmpty());
                parsed.matches(adele);
            } else {
                ++invalid;
                QVERIFY2(parsed.errorCode() == BadRequest || parsed.errorCode() == UnsupportedQuery,
                         qPrintable(filter));
                QVERIFY2(!parsed.errorMessage().isEmpty(), qPrintable(filter));
                QVERIFY(!parsed.matches(adele));
            }
        }
    }
    // Some damage leaves a valid filter (say, a deleted "not "); most does not.
    QVERIFY2(valid > 0 && invalid > valid, qPrintable(QStringLiteral("%1 valid, %2 invalid").arg(valid).arg(invalid)));
}

QTEST_GUILESS_MAIN(TestODataFilter)
#include "tst_odatafilter.moc"
