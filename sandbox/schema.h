// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "apitypes.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace M365::Sandbox {

/// What Graph accepts for one property of a resource in a POST or PATCH body.
struct PropertySpec
{
    enum class Type { String, Bool, StringArray, Object, Int, Any };
    Type type = Type::String;
    int maxLength = 0; ///< 0: no limit; for arrays: the limit of each item
    bool readOnly = false; ///< may be read but never written
    bool nullable = true;
    int maxItems = 0; ///< arrays: 0 = no limit
};

/// The documented properties of the resources the sandbox serves.
struct Schema
{
    QString resourceName; ///< "User", "Group", …
    QHash<QString, PropertySpec> properties;
    QStringList defaultSelect; ///< returned without $select; empty: every property
    QSet<QString> filterable; ///< usable in $filter without advanced query parameters

    static const Schema &user();
    static const Schema &group();
    static const Schema &application();
    static const Schema &servicePrincipal();
    static const Schema &domain();

    /// Checks a request body against the schema; on the first problem returns Graph's 400 answer.
    /// Keys ending in "@odata.bind" are left to the caller.
    std::optional<ApiResponse> validate(const QJsonObject &body, const ApiRequest &request) const;
    /// Every property name the resource has (for $select).
    QSet<QString> propertyNames() const;
};

/// The userPrincipalName rules of Microsoft Entra ID: "alias@domain", alias of letters, digits and ' . - _ ! # ^ ~,
/// no leading, trailing or doubled dot, alias up to 64 characters, the whole up to 113.
bool isValidUserPrincipalName(const QString &upn);
/// mailNickname: 1–64 ASCII characters, none of @ ( ) \ [ ] " ; : < > , and no spaces.
bool isValidMailNickname(const QString &nickname);
/// Entra's default password policy: 8–256 characters with three of upper case, lower case, digits and symbols.
bool isComplexPassword(const QString &password);
/// A DNS domain name as Entra accepts it for a custom domain.
bool isValidDomainName(const QString &name);

} // namespace M365::Sandbox
