// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "schema.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace M365::Sandbox {

namespace {

using Type = PropertySpec::Type;

PropertySpec str(int maxLength = 0)
{
    return {Type::String, maxLength, false, true, 0};
}
PropertySpec readOnly(Type type = Type::String)
{
    return {type, 0, true, true, 0};
}
PropertySpec boolean()
{
    return {Type::Bool, 0, false, false, 0};
}
PropertySpec strings(int maxLength = 0, int maxItems = 0)
{
    return {Type::StringArray, maxLength, false, true, maxItems};
}
PropertySpec object()
{
    return {Type::Object, 0, false, true, 0};
}
PropertySpec any()
{
    return {Type::Any, 0, false, true, 0};
}

} // namespace

const Schema &Schema::user()
{
    static const Schema schema = [] {
        Schema s;
        s.resourceName = QStringLiteral("User");
        s.properties = {
            {QStringLiteral("id"), readOnly()},
            {QStringLiteral("accountEnabled"), boolean()},
            {QStringLiteral("ageGroup"), str()},
            {QStringLiteral("assignedLicenses"), readOnly(Type::Any)},
            {QStringLiteral("assignedPlans"), readOnly(Type::Any)},
            {QStringLiteral("businessPhones"), strings(64, 1)},
            {QStringLiteral("city"), str(128)},
            {QStringLiteral("companyName"), str(64)},
            {QStringLiteral("country"), str(128)},
            {QStringLiteral("createdDateTime"), readOnly()},
            {QStringLiteral("department"), str(64)},
            {QStringLiteral("displayName"), str(256)},
            {QStringLiteral("employeeId"), str(16)},
            {QStringLiteral("employeeType"), str(64)},
            {QStringLiteral("employeeHireDate"), str()},
            {QStringLiteral("faxNumber"), str(64)},
            {QStringLiteral("givenName"), str(64)},
            {QStringLiteral("jobTitle"), str(128)},
            // One entry per way a licence is assigned (directly or by a group); $select only (graph
            // resources/user.md, resources/licenseassignmentstate.md).
            {QStringLiteral("licenseAssignmentStates"), readOnly(Type::Any)},
            {QStringLiteral("mail"), str(256)},
            {QStringLiteral("mailNickname"), str(64)},
            {QStringLiteral("mobilePhone"), str(64)},
            {QStringLiteral("officeLocation"), str(128)},
            {QStringLiteral("onPremisesImmutableId"), str(256)},
            {QStringLiteral("onPremisesSyncEnabled"), readOnly(Type::Any)},
            {QStringLiteral("otherMails"), strings(256)},
            {QStringLiteral("passwordPolicies"), str()},
            {QStringLiteral("passwordProfile"), object()},
            {QStringLiteral("postalCode"), str(40)},
            {QStringLiteral("preferredLanguage"), str(10)},
            {QStringLiteral("proxyAddresses"), readOnly(Type::Any)},
            {QStringLiteral("state"), str(128)},
            {QStringLiteral("streetAddress"), str(1024)},
            {QStringLiteral("surname"), str(64)},
            {QStringLiteral("usageLocation"), str(2)},
            {QStringLiteral("userPrincipalName"), str(113)},
            {QStringLiteral("userType"), str()},
            {QStringLiteral("deletedDateTime"), readOnly()},
        };
        s.defaultSelect = {QStringLiteral("businessPhones"),
                           QStringLiteral("displayName"),
                           QStringLiteral("givenName"),
                           QStringLiteral("jobTitle"),
                           QStringLiteral("mail"),
                           QStringLiteral("mobilePhone"),
                           QStringLiteral("officeLocation"),
                           QStringLiteral("preferredLanguage"),
                           QStringLiteral("surname"),
                           QStringLiteral("userPrincipalName"),
                           QStringLiteral("id")};
        s.filterable = {QStringLiteral("userPrincipalName"),
                        QStringLiteral("mail"),
                        QStringLiteral("mailNickname"),
                        QStringLiteral("displayName"),
                        QStringLiteral("id"),
                        QStringLiteral("onPremisesImmutableId"),
                        QStringLiteral("employeeId"),
                        QStringLiteral("accountEnabled"),
                        QStringLiteral("givenName"),
                        QStringLiteral("surname"),
                        QStringLiteral("userType"),
                        QStringLiteral("otherMails"),
                        QStringLiteral("proxyAddresses"),
                        QStringLiteral("assignedLicenses"),
                        QStringLiteral("usageLocation"),
                        QStringLiteral("jobTitle"),
                        QStringLiteral("department"),
                        QStringLiteral("companyName"),
                        QStringLiteral("city"),
                        QStringLiteral("country")};
        return s;
    }();
    return schema;
}

const Schema &Schema::group()
{
    static const Schema schema = [] {
        Schema s;
        s.resourceName = QStringLiteral("Group");
        s.properties = {
            {QStringLiteral("id"), readOnly()},
            // Set through POST /groups/{id}/assignLicense only (graph resources/group.md).
            {QStringLiteral("assignedLicenses"), readOnly(Type::Any)},
            {QStringLiteral("licenseProcessingState"), readOnly(Type::Any)},
            {QStringLiteral("classification"), str()},
            {QStringLiteral("createdDateTime"), readOnly()},
            {QStringLiteral("deletedDateTime"), readOnly()},
            {QStringLiteral("description"), str(1024)},
            {QStringLiteral("displayName"), str(256)},
            {QStringLiteral("groupTypes"), strings()},
            {QStringLiteral("isAssignableToRole"), boolean()},
            {QStringLiteral("mail"), readOnly()},
            {QStringLiteral("mailEnabled"), boolean()},
            {QStringLiteral("mailNickname"), str(64)},
            {QStringLiteral("membershipRule"), str()},
            {QStringLiteral("members"), readOnly(Type::Any)},
            {QStringLiteral("onPremisesSyncEnabled"), readOnly(Type::Any)},
            {QStringLiteral("proxyAddresses"), readOnly(Type::Any)},
            {QStringLiteral("securityEnabled"), boolean()},
            {QStringLiteral("visibility"), str()},
        };
        s.filterable = {QStringLiteral("displayName"),
                        QStringLiteral("mailNickname"),
                        QStringLiteral("id"),
                        QStringLiteral("mail"),
                        QStringLiteral("securityEnabled"),
                        QStringLiteral("mailEnabled"),
                        QStringLiteral("groupTypes"),
                        QStringLiteral("description"),
                        QStringLiteral("proxyAddresses")};
        return s;
    }();
    return schema;
}

const Schema &Schema::application()
{
    static const Schema schema = [] {
        Schema s;
        s.resourceName = QStringLiteral("Application");
        s.properties = {
            {QStringLiteral("id"), readOnly()},
            {QStringLiteral("appId"), readOnly()},
            {QStringLiteral("createdDateTime"), readOnly()},
            {QStringLiteral("deletedDateTime"), readOnly()},
            {QStringLiteral("displayName"), str(256)},
            {QStringLiteral("description"), str(1024)},
            {QStringLiteral("identifierUris"), strings()},
            {QStringLiteral("keyCredentials"), any()},
            {QStringLiteral("passwordCredentials"), readOnly(Type::Any)},
            {QStringLiteral("publicClient"), object()},
            {QStringLiteral("requiredResourceAccess"), any()},
            {QStringLiteral("signInAudience"), str()},
            {QStringLiteral("web"), object()},
            {QStringLiteral("spa"), object()},
            {QStringLiteral("tags"), strings()},
            {QStringLiteral("notes"), str()},
            {QStringLiteral("isFallbackPublicClient"), boolean()},
        };
        s.filterable = {QStringLiteral("appId"), QStringLiteral("displayName"), QStringLiteral("id")};
        return s;
    }();
    return schema;
}

const Schema &Schema::servicePrincipal()
{
    static const Schema schema = [] {
        Schema s;
        s.resourceName = QStringLiteral("ServicePrincipal");
        s.properties = {
            {QStringLiteral("id"), readOnly()},
            {QStringLiteral("appId"), str()},
            {QStringLiteral("accountEnabled"), boolean()},
            {QStringLiteral("appDisplayName"), readOnly()},
            {QStringLiteral("appRoles"), readOnly(Type::Any)},
            {QStringLiteral("displayName"), str(256)},
            {QStringLiteral("servicePrincipalNames"), readOnly(Type::Any)},
            {QStringLiteral("servicePrincipalType"), readOnly()},
            {QStringLiteral("tags"), strings()},
            {QStringLiteral("appRoleAssignmentRequired"), boolean()},
            {QStringLiteral("notes"), str()},
        };
        s.filterable = {QStringLiteral("appId"), QStringLiteral("displayName"), QStringLiteral("id")};
        return s;
    }();
    return schema;
}

const Schema &Schema::domain()
{
    static const Schema schema = [] {
        Schema s;
        s.resourceName = QStringLiteral("Domain");
        s.properties = {
            {QStringLiteral("id"), str(253)},
            {QStringLiteral("authenticationType"), str()},
            {QStringLiteral("isDefault"), boolean()},
            {QStringLiteral("passwordNotificationWindowInDays"), {Type::Int, 0, false, true, 0}},
            {QStringLiteral("passwordValidityPeriodInDays"), {Type::Int, 0, false, true, 0}},
            {QStringLiteral("supportedServices"), strings()},
        };
        s.filterable = {QStringLiteral("id"), QStringLiteral("isVerified")};
        return s;
    }();
    return schema;
}

QSet<QString> Schema::propertyNames() const
{
    QSet<QString> names;
    for (auto it = properties.cbegin(); it != properties.cend(); ++it) {
        names.insert(it.key());
    }
    return names;
}

std::optional<ApiResponse> Schema::validate(const QJsonObject &body, const ApiRequest &request) const
{
    const auto invalid = [&](const QString &property) {
        return graphError(
            400,
            QStringLiteral("Request_BadRequest"),
            QStringLiteral("Invalid value specified for property '%1' of resource '%2'.").arg(property, resourceName),
            request);
    };
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString &key = it.key();
        if (key.endsWith(QLatin1String("@odata.bind")) || key == QLatin1String("@odata.type")) {
            continue;
        }
        const auto spec = properties.constFind(key);
        if (spec == properties.cend()) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Property '%1' does not exist as a declared property or extension "
                                             "property.")
                                  .arg(key),
                              request);
        }
        if (spec->readOnly) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Property '%1' is read-only and cannot be set.").arg(key),
                              request);
        }
        const QJsonValue value = it.value();
        if (value.isNull()) {
            if (!spec->nullable) {
                return invalid(key);
            }
            continue;
        }
        switch (spec->type) {
        case Type::String:
            if (!value.isString() || (spec->maxLength > 0 && value.toString().size() > spec->maxLength)) {
                return invalid(key);
            }
            break;
        case Type::Bool:
            if (!value.isBool()) {
                return invalid(key);
            }
            break;
        case Type::Int:
            if (!value.isDouble()) {
                return invalid(key);
            }
            break;
        case Type::Object:
            if (!value.isObject()) {
                return invalid(key);
            }
            break;
        case Type::StringArray: {
            if (!value.isArray()) {
                return invalid(key);
            }
            const QJsonArray items = value.toArray();
            if (spec->maxItems > 0 && items.size() > spec->maxItems) {
                return invalid(key);
            }
            for (const auto &item : items) {
                if (!item.isString() || (spec->maxLength > 0 && item.toString().size() > spec->maxLength)) {
                    return invalid(key);
                }
            }
            break;
        }
        case Type::Any:
            break;
        }
    }
    return std::nullopt;
}

bool isValidUserPrincipalName(const QString &upn)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9'._!#^~-]{1,64}@[A-Za-z0-9.-]+$"));
    if (upn.size() > 113 || !pattern.match(upn).hasMatch()) {
        return false;
    }
    const QString alias = upn.section(QLatin1Char('@'), 0, 0);
    return !alias.startsWith(QLatin1Char('.')) && !alias.endsWith(QLatin1Char('.'))
        && !alias.contains(QLatin1String(".."));
}

bool isValidMailNickname(const QString &nickname)
{
    if (nickname.isEmpty() || nickname.size() > 64) {
        return false;
    }
    for (const QChar c : nickname) {
        if (c.unicode() < 33 || c.unicode() > 126 || QStringLiteral("@()\\[]\";:<>,").contains(c)) {
            return false;
        }
    }
    return true;
}

bool isComplexPassword(const QString &password)
{
    if (password.size() < 8 || password.size() > 256) {
        return false;
    }
    bool upper = false;
    bool lower = false;
    bool digit = false;
    bool symbol = false;
    for (const QChar c : password) {
        upper |= c.isUpper();
        lower |= c.isLower();
        digit |= c.isDigit();
        symbol |= !c.isLetterOrNumber();
    }
    return int(upper) + int(lower) + int(digit) + int(symbol) >= 3;
}

bool isValidDomainName(const QString &name)
{
    static const QRegularExpression pattern(
        QStringLiteral("^(?=.{4,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$"));
    return pattern.match(name).hasMatch();
}

} // namespace M365::Sandbox
