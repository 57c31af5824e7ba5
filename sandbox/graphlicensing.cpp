// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Licences: POST /users/{id}/assignLicense (direct assignments) and POST /groups/{id}/assignLicense (group-based
// licensing), and how a user's licences follow from both. Microsoft processes group licences in the background and
// records the outcome on each member (entra-docs identity/users/licensing-groups-resolve-problems.md); the sandbox does
// the same work at once, so a read right after the change already shows the result.

#include "sandboxtenant.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace M365::Sandbox {

namespace {

/// Both parameters are required, as Graph says when one is missing (its message, reported in
/// Microsoft365DSC/Microsoft365DSC#5977).
std::optional<ApiResponse> missingParameters(const QJsonObject &body, const ApiRequest &r)
{
    QStringList missing;
    for (const char *name : {"addLicenses", "removeLicenses"}) {
        if (!body.value(QLatin1String(name)).isArray()) {
            missing.append(QString::fromLatin1(name));
        }
    }
    if (missing.isEmpty()) {
        return std::nullopt;
    }
    return graphError(400,
                      QStringLiteral("Request_BadRequest"),
                      QStringLiteral("One or more parameters of the operation 'assignLicense' are missing from the "
                                     "request payload. The missing parameters are: %1.")
                          .arg(missing.join(QStringLiteral(", "))),
                      r);
}

ApiResponse unknownSku(const QString &skuId, const ApiRequest &r)
{
    return graphError(400,
                      QStringLiteral("Request_BadRequest"),
                      QStringLiteral("License %1 does not correspond to a valid company License.").arg(skuId),
                      r);
}

QStringList skuIdsOf(const QJsonArray &licenses)
{
    QStringList ids;
    for (const QJsonValue &license : licenses) {
        ids.append(license.toObject().value(QLatin1String("skuId")).toString());
    }
    return ids;
}

/// @p licenses with the assignedLicense entries of @p added put in (an SKU already there gets the new disabledPlans)
/// and the SKUs of @p removed taken out.
QJsonArray applyChange(QJsonArray licenses, const QJsonArray &added, const QStringList &removed)
{
    for (int i = licenses.size() - 1; i >= 0; --i) {
        if (removed.contains(licenses.at(i).toObject().value(QLatin1String("skuId")).toString())) {
            licenses.removeAt(i);
        }
    }
    for (const QJsonValue &value : added) {
        const QJsonObject license{
            {QStringLiteral("disabledPlans"), value.toObject().value(QLatin1String("disabledPlans")).toArray()},
            {QStringLiteral("skuId"), value.toObject().value(QLatin1String("skuId"))}};
        const int at = int(skuIdsOf(licenses).indexOf(license.value(QLatin1String("skuId")).toString()));
        if (at >= 0) {
            licenses.replace(at, license);
        } else {
            licenses.append(license);
        }
    }
    return licenses;
}

} // namespace

// POST /users/{id}/assignLicense (graph api/user-assignlicense.md). Direct assignments are checked at once: an unknown
// SKU, a user without usageLocation, no free seat. A licence the user holds only through a group cannot be removed
// here (entra-docs identity/users/licensing-group-advanced.md, "Direct licenses coexist with group licenses").
ApiResponse SandboxTenant::assignLicense(const ApiRequest &r, const QString &id)
{
    QJsonObject body;
    ApiResponse failure;
    if (!parseJsonBody(r, &body, &failure)) {
        return failure;
    }
    if (auto missing = missingParameters(body, r)) {
        return *missing;
    }
    const QJsonObject user = m_state.users.value(id);
    const QJsonArray direct = TenantState::directLicensesOf(user);
    const QStringList directSkus = skuIdsOf(direct);
    const QStringList heldSkus = skuIdsOf(user.value(QLatin1String("assignedLicenses")).toArray());
    QStringList inheritedSkus;
    for (const QJsonValue &state : user.value(QLatin1String("licenseAssignmentStates")).toArray()) {
        if (state.toObject().value(QLatin1String("assignedByGroup")).isString()) {
            inheritedSkus.append(state.toObject().value(QLatin1String("skuId")).toString());
        }
    }
    QStringList removed;
    for (const QJsonValue &value : body.value(QLatin1String("removeLicenses")).toArray()) {
        const QString skuId = value.toString();
        if (!directSkus.contains(skuId) && inheritedSkus.contains(skuId)) {
            // The message Graph gives (reported in KelvinTegelaar/CIPP#4090); the code is assumed.
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("User license is inherited from group membership and cannot be removed "
                                             "directly from the user."),
                              r);
        }
        if (!directSkus.contains(skuId)) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("User does not have a corresponding license %1.").arg(skuId),
                              r);
        }
        removed.append(skuId);
    }
    const QJsonArray added = body.value(QLatin1String("addLicenses")).toArray();
    if (!added.isEmpty() && user.value(QLatin1String("usageLocation")).toString().isEmpty()) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("License assignment cannot be done for user with invalid usage location."),
                          r);
    }
    for (const QJsonValue &value : added) {
        const QString skuId = value.toObject().value(QLatin1String("skuId")).toString();
        if (!m_state.hasSku(skuId)) {
            return unknownSku(skuId, r);
        }
        // A user who holds the SKU already (directly or through a group) takes no other seat.
        if (!heldSkus.contains(skuId) && m_state.consumedUnits(skuId) >= m_state.enabledUnits(skuId)) {
            return graphError(
                400,
                QStringLiteral("Request_BadRequest"),
                QStringLiteral("Subscription with SKU %1 does not have any available licenses.").arg(skuId),
                r);
        }
    }
    QJsonObject changed = user;
    changed.insert(QStringLiteral("_directLicenses"), applyChange(direct, added, removed));
    m_state.putUser(changed);
    refreshLicenses(id);
    // assignLicense answers with the whole user object.
    QJsonObject out = publicView(m_state.users.value(id));
    out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("users/$entity")));
    return ApiResponse::json(200, out);
}

// POST /groups/{id}/assignLicense (graph api/group-assignlicense.md): 202 and the group. Permissions: the page's
// table is an include the stored documentation lacks; LicenseAssignment.ReadWrite.All, Group.ReadWrite.All and
// Directory.ReadWrite.All are assumed. Delegated: Groups, License or User Administrator (the page also names
// Directory Writers, which the sandbox does not model).
ApiResponse SandboxTenant::assignGroupLicense(const ApiRequest &r, const QString &groupId, const Caller &c)
{
    if (!hasAnyRole(c,
                    {QStringLiteral("LicenseAssignment.ReadWrite.All"),
                     QStringLiteral("Group.ReadWrite.All"),
                     QStringLiteral("Directory.ReadWrite.All")})
        || !userMay(c, DirectoryRoles::Operation::AssignGroupLicenses)) {
        return forbidden(r);
    }
    QJsonObject body;
    ApiResponse failure;
    if (!parseJsonBody(r, &body, &failure)) {
        return failure;
    }
    if (auto missing = missingParameters(body, r)) {
        return *missing;
    }
    // Group-based licensing needs Microsoft Entra ID P1 or a product that includes it
    // (fundamentals/concept-group-based-licensing.md). The answer without it is not documented; assumed.
    if (!m_state.groupLicensingAvailable()) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("Group-based licensing requires a Microsoft Entra ID P1 license or a "
                                         "product that includes it."),
                          r);
    }
    QJsonObject group = m_state.groups.value(groupId);
    // Only security groups and Microsoft 365 groups with securityEnabled true (licensing-group-advanced.md,
    // "Limitations and known issues"); the answer is assumed.
    if (!group.value(QLatin1String("securityEnabled")).toBool()) {
        return graphError(400,
                          QStringLiteral("Request_BadRequest"),
                          QStringLiteral("License assignment is only supported for security-enabled groups."),
                          r);
    }
    const QJsonArray current = group.value(QLatin1String("assignedLicenses")).toArray();
    QStringList removed;
    for (const QJsonValue &value : body.value(QLatin1String("removeLicenses")).toArray()) {
        if (!skuIdsOf(current).contains(value.toString())) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("Group does not have a corresponding license %1.").arg(value.toString()),
                              r);
        }
        removed.append(value.toString());
    }
    const QJsonArray added = body.value(QLatin1String("addLicenses")).toArray();
    for (const QJsonValue &value : added) {
        const QString skuId = value.toObject().value(QLatin1String("skuId")).toString();
        if (!m_state.hasSku(skuId)) {
            return unknownSku(skuId, r);
        }
    }
    group.insert(QStringLiteral("assignedLicenses"), applyChange(current, added, removed));
    group.insert(QStringLiteral("licenseProcessingState"),
                 QJsonObject{{QStringLiteral("state"), QStringLiteral("ProcessingComplete")}});
    touch(group);
    m_state.putGroup(group);
    // Only the direct user members inherit: nested groups pass nothing on (licensing-group-advanced.md).
    for (const QString &memberId : m_state.members.value(groupId)) {
        if (m_state.users.contains(memberId)) {
            refreshLicenses(memberId);
        }
    }
    QJsonObject out = publicView(group);
    out.insert(QStringLiteral("@odata.context"), contextUrl(QStringLiteral("groups/$entity")));
    return ApiResponse::json(202, out);
}

void SandboxTenant::refreshLicenses(const QString &userId)
{
    if (!m_state.users.contains(userId)) {
        return;
    }
    QJsonObject user = m_state.users.value(userId);
    const QJsonArray previous = user.value(QLatin1String("licenseAssignmentStates")).toArray();
    // SKUs the user holds now take no new seat.
    const QStringList held = skuIdsOf(user.value(QLatin1String("assignedLicenses")).toArray());
    QStringList granted; // SKUs given a new seat in this refresh
    const auto entry = [](const QJsonValue &group, const QJsonObject &license) {
        return QJsonObject{
            {QStringLiteral("assignedByGroup"), group},
            {QStringLiteral("disabledPlans"), license.value(QLatin1String("disabledPlans")).toArray()},
            {QStringLiteral("error"), QJsonValue::Null},
            {QStringLiteral("lastUpdatedDateTime"), QJsonValue::Null},
            {QStringLiteral("skuId"), license.value(QLatin1String("skuId"))},
            {QStringLiteral("state"), QStringLiteral("Active")},
        };
    };
    // Direct assignments were checked when they were made.
    QList<QJsonObject> states;
    for (const QJsonValue &license : TenantState::directLicensesOf(user)) {
        states.append(entry(QJsonValue::Null, license.toObject()));
        const QString skuId = license.toObject().value(QLatin1String("skuId")).toString();
        if (!held.contains(skuId) && !granted.contains(skuId)) {
            granted.append(skuId);
        }
    }
    // Each licensed group the user is a direct member of, in the order of the group ids. A group's licences are
    // given all or none: when one has no free seat the others are not assigned either (licensing-groups-resolve-
    // problems.md, "More than one product license assigned to a group").
    for (auto it = m_state.groups.cbegin(); it != m_state.groups.cend(); ++it) {
        const QJsonArray licenses = it->value(QLatin1String("assignedLicenses")).toArray();
        if (licenses.isEmpty() || !m_state.members.value(it.key()).contains(userId)) {
            continue;
        }
        QStringList noSeat;
        for (const QJsonValue &license : licenses) {
            const QString skuId = license.toObject().value(QLatin1String("skuId")).toString();
            // consumedUnits does not count this user for an SKU they do not hold yet.
            const bool hasSeat = held.contains(skuId) || granted.contains(skuId)
                || m_state.consumedUnits(skuId) < m_state.enabledUnits(skuId);
            if (!hasSeat) {
                noSeat.append(skuId);
            }
        }
        for (const QJsonValue &license : licenses) {
            QJsonObject state = entry(it.key(), license.toObject());
            const QString skuId = state.value(QLatin1String("skuId")).toString();
            if (noSeat.isEmpty()) {
                if (!held.contains(skuId) && !granted.contains(skuId)) {
                    granted.append(skuId);
                }
            } else {
                // The licence without a seat is a CountViolation; the group's others fail with it ("Other" is
                // assumed for them).
                state.insert(QStringLiteral("state"), QStringLiteral("Error"));
                state.insert(QStringLiteral("error"),
                             noSeat.contains(skuId) ? QStringLiteral("CountViolation") : QStringLiteral("Other"));
            }
            states.append(state);
        }
    }
    // An entry keeps its time while it stays as it was.
    QJsonArray stateArray;
    for (QJsonObject state : std::as_const(states)) {
        QString since = isoNow();
        for (const QJsonValue &old : previous) {
            QJsonObject before = old.toObject();
            const QJsonValue time = before.take(QLatin1String("lastUpdatedDateTime"));
            QJsonObject now = state;
            now.remove(QStringLiteral("lastUpdatedDateTime"));
            if (before == now && time.isString()) {
                since = time.toString();
                break;
            }
        }
        state.insert(QStringLiteral("lastUpdatedDateTime"), since);
        stateArray.append(state);
    }
    // assignedLicenses: each active SKU once; a service plan is disabled only when every way disables it
    // (licensing-group-advanced.md, "Multiple groups and multiple licenses").
    QJsonArray assigned;
    for (const QJsonObject &state : std::as_const(states)) {
        if (state.value(QLatin1String("state")).toString() != QLatin1String("Active")) {
            continue;
        }
        const QString skuId = state.value(QLatin1String("skuId")).toString();
        const QJsonArray disabled = state.value(QLatin1String("disabledPlans")).toArray();
        const int at = int(skuIdsOf(assigned).indexOf(skuId));
        if (at < 0) {
            assigned.append(QJsonObject{{QStringLiteral("disabledPlans"), disabled}, {QStringLiteral("skuId"), skuId}});
            continue;
        }
        QJsonArray common;
        for (const QJsonValue &plan : assigned.at(at).toObject().value(QLatin1String("disabledPlans")).toArray()) {
            if (disabled.contains(plan)) {
                common.append(plan);
            }
        }
        assigned.replace(at, QJsonObject{{QStringLiteral("disabledPlans"), common}, {QStringLiteral("skuId"), skuId}});
    }
    if (assigned == user.value(QLatin1String("assignedLicenses")).toArray() && stateArray == previous) {
        return;
    }
    // assignedPlans follow the licences: one entry per service plan of every assigned SKU.
    QJsonArray plans;
    for (const QJsonValue &license : std::as_const(assigned)) {
        for (const QJsonObject &sku : std::as_const(m_state.skus)) {
            if (sku.value(QLatin1String("skuId")) != license.toObject().value(QLatin1String("skuId"))) {
                continue;
            }
            for (const QJsonValue &plan : sku.value(QLatin1String("servicePlans")).toArray()) {
                plans.append(QJsonObject{
                    {QStringLiteral("assignedDateTime"), isoNow()},
                    {QStringLiteral("capabilityStatus"), QStringLiteral("Enabled")},
                    {QStringLiteral("service"), plan.toObject().value(QLatin1String("servicePlanName"))},
                    {QStringLiteral("servicePlanId"), plan.toObject().value(QLatin1String("servicePlanId"))}});
            }
        }
    }
    user.insert(QStringLiteral("assignedLicenses"), assigned);
    user.insert(QStringLiteral("assignedPlans"), plans);
    user.insert(QStringLiteral("licenseAssignmentStates"), stateArray);
    // A change of the user's licences makes them a change of the next delta round.
    touch(user);
    m_state.putUser(user);
}

} // namespace M365::Sandbox
