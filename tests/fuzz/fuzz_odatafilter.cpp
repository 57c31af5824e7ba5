// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The sandbox's OData $filter parser and evaluator (sandbox/odatafilter.h): a $filter comes straight from the query
// string of any Graph request. The input is the filter text as UTF-8; it is parsed for users and for groups, in
// both query modes, and every filter that parses is evaluated against an object shaped like Graph's own examples.

#include "fuzzsupport.h"
#include "odatafilter.h"
#include "schema.h"

#include <QJsonDocument>
#include <QJsonObject>

using M365::Fuzz::require;
using M365::Sandbox::ODataFilter;
using M365::Sandbox::Schema;

namespace {

QJsonObject parseObject(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

// Adele Vance from Graph's documentation, with the collections and nested objects that lambdas and paths walk.
const QJsonObject &user()
{
    static const QJsonObject object = parseObject(R"({
        "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        "displayName": "Adele Vance",
        "givenName": "Adele",
        "surname": "Vance",
        "mail": "AdeleV@contoso.com",
        "mailNickname": "AdeleV",
        "userPrincipalName": "AdeleV@contoso.com",
        "accountEnabled": true,
        "userType": "Member",
        "companyName": null,
        "jobTitle": "Retail Manager",
        "usageLocation": "US",
        "createdDateTime": "2021-11-05T10:00:00Z",
        "employeeId": "1001",
        "otherMails": [],
        "businessPhones": ["+1 425 555 0109"],
        "proxyAddresses": ["SMTP:AdeleV@contoso.com", "smtp:adele@contoso.onmicrosoft.com"],
        "assignedLicenses": [{"disabledPlans": [], "skuId": "184efa21-98c3-4e5d-95ab-d07053a96e67"}],
        "onPremisesExtensionAttributes": {"extensionAttribute1": "Sales", "extensionAttribute2": null}
    })");
    return object;
}

const QJsonObject &group()
{
    static const QJsonObject object = parseObject(R"({
        "id": "02bd9fd6-8f93-4758-87c3-1fb73740a315",
        "displayName": "HR Taskforce",
        "description": "Marketing campaigns",
        "mail": "HRTaskforce@contoso.com",
        "mailEnabled": true,
        "mailNickname": "HRTaskforce",
        "securityEnabled": false,
        "groupTypes": ["Unified"],
        "proxyAddresses": ["SMTP:HRTaskforce@contoso.com"]
    })");
    return object;
}

void check(const QString &text, const Schema &schema, const QJsonObject &object)
{
    const ODataFilter basic = ODataFilter::parse(text, schema.filterable, schema.resourceName);
    const ODataFilter advanced =
        ODataFilter::parse(text, schema.filterable, schema.resourceName, ODataFilter::QueryMode::Advanced);
    for (const ODataFilter *filter : {&basic, &advanced}) {
        if (filter->isValid()) {
            require(filter->errorCode().isEmpty() && filter->errorMessage().isEmpty(), "a valid filter has no error");
        } else {
            require(filter->errorCode() == QLatin1String("BadRequest")
                        || filter->errorCode() == QLatin1String("Request_UnsupportedQuery"),
                    "an invalid filter has one of Graph's two error codes");
            require(!filter->errorMessage().isEmpty(), "an invalid filter says why");
            require(!filter->matches(object), "an invalid filter matches nothing");
        }
    }
    const bool matchesBasic = basic.matches(object);
    const bool matchesAdvanced = advanced.matches(object);
    // Advanced query parameters only unlock operators; a filter Graph accepts without them means the same with them.
    if (basic.isValid()) {
        require(advanced.isValid(), "a filter valid without advanced query parameters is valid with them");
        require(matchesBasic == matchesAdvanced, "advanced query parameters do not change what a filter matches");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    M365::Fuzz::quietQtMessages();
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    check(text, Schema::user(), user());
    check(text, Schema::group(), group());
    return 0;
}
