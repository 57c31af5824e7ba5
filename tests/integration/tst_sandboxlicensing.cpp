// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Group-based licensing in the sandbox tenant: POST /groups/{id}/assignLicense, what members inherit (each way of
// assigning one licenseAssignmentStates entry, each SKU once in assignedLicenses and once in consumedUnits), seat
// shortage as a CountViolation on the member, the direct-versus-inherited rules of the user's assignLicense, delta,
// and the tenant's need for Microsoft Entra ID P1.

#include "sandboxfixture.h"

#include <QTest>

#include <memory>

using Reply = SandboxFixture::Reply;

namespace {

// The demo tenant's subscriptions (TenantState::seedDemo()).
const QString e3 = QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900");
const QString exchange = QStringLiteral("4b9405b0-7788-4568-add1-99614e613b69");

QJsonObject licenseChange(const QStringList &add, const QStringList &remove)
{
    QJsonArray added;
    for (const QString &skuId : add) {
        added.append(QJsonObject{{QStringLiteral("disabledPlans"), QJsonArray{}}, {QStringLiteral("skuId"), skuId}});
    }
    return QJsonObject{{QStringLiteral("addLicenses"), added},
                       {QStringLiteral("removeLicenses"), QJsonArray::fromStringList(remove)}};
}

} // namespace

class TestSandboxLicensing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void membersInheritTheGroupsLicence();
    void directAndInheritedTogether();
    void leavingTheGroupAndDelta();
    void licensedGroupCannotBeDeleted();
    void seatShortageIsACountViolation();
    void nestedGroupsPassNothingOn();
    void groupAssignLicenseErrors();
    void groupAssignLicensePermissions();
    void groupLicensingNeedsEntraIdP1();

private:
    QString createUser(SandboxFixture &sandbox, const QString &token, const QString &alias, bool located = true);
    QString createGroup(SandboxFixture &sandbox, const QString &token, const QString &nickname, bool security = true);
    void addMember(const QString &groupId, const QString &memberId);
    /// The user's licenseAssignmentStates and assignedLicenses, read with $select.
    QJsonObject licences(const QString &userId);
    int consumed(const QString &skuId);

    std::unique_ptr<SandboxFixture> m_sandbox;
    QString m_token;
};

void TestSandboxLicensing::initTestCase()
{
    m_sandbox = std::make_unique<SandboxFixture>();
    QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
    m_token = m_sandbox->demoToken();
    QVERIFY(!m_token.isEmpty());
}

QString
TestSandboxLicensing::createUser(SandboxFixture &sandbox, const QString &token, const QString &alias, bool located)
{
    QJsonObject body = SandboxFixture::newUserBody(alias);
    if (located) {
        body.insert(QStringLiteral("usageLocation"), QStringLiteral("US"));
    }
    const Reply reply = sandbox.graph("POST", QStringLiteral("/users"), token, body);
    return reply.status == 201 ? reply.json.value(QLatin1String("id")).toString() : QString();
}

QString
TestSandboxLicensing::createGroup(SandboxFixture &sandbox, const QString &token, const QString &nickname, bool security)
{
    QJsonObject body{{QStringLiteral("displayName"), nickname},
                     {QStringLiteral("mailNickname"), nickname},
                     {QStringLiteral("mailEnabled"), !security},
                     {QStringLiteral("securityEnabled"), security}};
    if (!security) {
        body.insert(QStringLiteral("groupTypes"), QJsonArray{QStringLiteral("Unified")});
    }
    const Reply reply = sandbox.graph("POST", QStringLiteral("/groups"), token, body);
    return reply.status == 201 ? reply.json.value(QLatin1String("id")).toString() : QString();
}

void TestSandboxLicensing::addMember(const QString &groupId, const QString &memberId)
{
    const Reply reply =
        m_sandbox->graph("POST",
                         QStringLiteral("/groups/%1/members/$ref").arg(groupId),
                         m_token,
                         {{QStringLiteral("@odata.id"),
                           QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/") + memberId)}});
    QCOMPARE(reply.status, 204);
}

QJsonObject TestSandboxLicensing::licences(const QString &userId)
{
    return m_sandbox
        ->graph(
            "GET", QStringLiteral("/users/%1?$select=assignedLicenses,licenseAssignmentStates").arg(userId), m_token)
        .json;
}

int TestSandboxLicensing::consumed(const QString &skuId)
{
    for (const auto &sku : m_sandbox->graph("GET", QStringLiteral("/subscribedSkus"), m_token).value()) {
        if (sku.toObject().value(QLatin1String("skuId")).toString() == skuId) {
            return sku.toObject().value(QLatin1String("consumedUnits")).toInt();
        }
    }
    return -1;
}

void TestSandboxLicensing::membersInheritTheGroupsLicence()
{
    const QString before = createUser(*m_sandbox, m_token, QStringLiteral("gbl.before"), false);
    const QString after = createUser(*m_sandbox, m_token, QStringLiteral("gbl.after"), false);
    const QString group = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-e3"));
    QVERIFY(!before.isEmpty() && !after.isEmpty() && !group.isEmpty());
    addMember(group, before);
    const int seatsBefore = consumed(e3);

    Reply reply = m_sandbox->graph(
        "POST", QStringLiteral("/groups/%1/assignLicense").arg(group), m_token, licenseChange({e3}, {}));
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json.value(QLatin1String("id")).toString(), group);
    reply = m_sandbox->graph("GET", QStringLiteral("/groups/%1?$select=assignedLicenses").arg(group), m_token);
    QCOMPARE(reply.status, 200);
    const QJsonArray groupLicences = reply.json.value(QLatin1String("assignedLicenses")).toArray();
    QCOMPARE(groupLicences.size(), 1);
    QCOMPARE(groupLicences.at(0).toObject().value(QLatin1String("skuId")).toString(), e3);

    // A member before and one added after both inherit it (usageLocation is not needed: the directory's applies).
    addMember(group, after);
    for (const QString &user : {before, after}) {
        const QJsonObject held = licences(user);
        const QJsonArray assigned = held.value(QLatin1String("assignedLicenses")).toArray();
        QCOMPARE(assigned.size(), 1);
        QCOMPARE(assigned.at(0).toObject().value(QLatin1String("skuId")).toString(), e3);
        const QJsonArray states = held.value(QLatin1String("licenseAssignmentStates")).toArray();
        QCOMPARE(states.size(), 1);
        const QJsonObject state = states.at(0).toObject();
        QCOMPARE(state.value(QLatin1String("assignedByGroup")).toString(), group);
        QCOMPARE(state.value(QLatin1String("skuId")).toString(), e3);
        QCOMPARE(state.value(QLatin1String("state")).toString(), QStringLiteral("Active"));
        QVERIFY(state.value(QLatin1String("error")).isNull());
        QVERIFY(state.value(QLatin1String("disabledPlans")).isArray());
        QVERIFY(!state.value(QLatin1String("lastUpdatedDateTime")).toString().isEmpty());
    }
    QCOMPARE(consumed(e3), seatsBefore + 2);

    // GET /users lists the states too when $select names them.
    reply = m_sandbox->graph(
        "GET", QStringLiteral("/users?$select=id,licenseAssignmentStates&$filter=id eq '%1'").arg(after), m_token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.value().size(), 1);
    QCOMPARE(reply.value()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("licenseAssignmentStates"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("assignedByGroup"))
                 .toString(),
             group);
}

void TestSandboxLicensing::directAndInheritedTogether()
{
    const QString user = createUser(*m_sandbox, m_token, QStringLiteral("gbl.both"));
    const QString first = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-both-1"));
    const QString second = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-both-2"));
    QVERIFY(!user.isEmpty() && !first.isEmpty() && !second.isEmpty());
    const int seatsBefore = consumed(e3);
    QCOMPARE(
        m_sandbox->graph("POST", QStringLiteral("/users/%1/assignLicense").arg(user), m_token, licenseChange({e3}, {}))
            .status,
        200);
    for (const QString &group : {first, second}) {
        QCOMPARE(
            m_sandbox
                ->graph("POST", QStringLiteral("/groups/%1/assignLicense").arg(group), m_token, licenseChange({e3}, {}))
                .status,
            202);
        addMember(group, user);
    }
    // Three ways, one SKU, one seat.
    QJsonObject held = licences(user);
    QCOMPARE(held.value(QLatin1String("assignedLicenses")).toArray().size(), 1);
    QJsonArray states = held.value(QLatin1String("licenseAssignmentStates")).toArray();
    QCOMPARE(states.size(), 3);
    QStringList ways;
    for (const auto &state : std::as_const(states)) {
        QCOMPARE(state.toObject().value(QLatin1String("state")).toString(), QStringLiteral("Active"));
        ways.append(state.toObject().value(QLatin1String("assignedByGroup")).isNull()
                        ? QStringLiteral("direct")
                        : state.toObject().value(QLatin1String("assignedByGroup")).toString());
    }
    ways.sort();
    QStringList expected{QStringLiteral("direct"), first, second};
    expected.sort();
    QCOMPARE(ways, expected);
    QCOMPARE(consumed(e3), seatsBefore + 1);

    // Removing the direct assignment keeps the inherited licence.
    Reply reply =
        m_sandbox->graph("POST", QStringLiteral("/users/%1/assignLicense").arg(user), m_token, licenseChange({}, {e3}));
    QCOMPARE(reply.status, 200);
    held = licences(user);
    QCOMPARE(held.value(QLatin1String("assignedLicenses")).toArray().size(), 1);
    QCOMPARE(held.value(QLatin1String("licenseAssignmentStates")).toArray().size(), 2);
    QCOMPARE(consumed(e3), seatsBefore + 1);

    // A licence held only through groups cannot be removed from the user.
    reply =
        m_sandbox->graph("POST", QStringLiteral("/users/%1/assignLicense").arg(user), m_token, licenseChange({}, {e3}));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("Request_BadRequest"));
    QCOMPARE(reply.errorMessage(),
             QStringLiteral("User license is inherited from group membership and cannot be removed directly from the "
                            "user."));
    QCOMPARE(licences(user).value(QLatin1String("assignedLicenses")).toArray().size(), 1);
}

void TestSandboxLicensing::leavingTheGroupAndDelta()
{
    const QString user = createUser(*m_sandbox, m_token, QStringLiteral("gbl.leaver"));
    const QString group = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-leave"));
    QVERIFY(!user.isEmpty() && !group.isEmpty());
    addMember(group, user);

    // A delta round that selects the states, then the group's licence: the member is a change of the next round.
    // Links are absolute; the fixture takes paths below /v1.0.
    const auto relative = [this](const QString &link) {
        return link.mid(m_sandbox->baseUrl().size() + 5);
    };
    Reply round = m_sandbox->graph("GET", QStringLiteral("/users/delta?$select=licenseAssignmentStates"), m_token);
    while (round.json.contains(QLatin1String("@odata.nextLink"))) {
        round =
            m_sandbox->graph("GET", relative(round.json.value(QLatin1String("@odata.nextLink")).toString()), m_token);
    }
    QString deltaLink = round.json.value(QLatin1String("@odata.deltaLink")).toString();
    QVERIFY(!deltaLink.isEmpty());
    QCOMPARE(
        m_sandbox
            ->graph(
                "POST", QStringLiteral("/groups/%1/assignLicense").arg(group), m_token, licenseChange({exchange}, {}))
            .status,
        202);
    round = m_sandbox->graph("GET", relative(deltaLink), m_token);
    QCOMPARE(round.status, 200);
    QJsonObject changed;
    for (const auto &item : round.value()) {
        if (item.toObject().value(QLatin1String("id")).toString() == user) {
            changed = item.toObject();
        }
    }
    QCOMPARE(changed.value(QLatin1String("licenseAssignmentStates")).toArray().size(), 1);
    deltaLink = round.json.value(QLatin1String("@odata.deltaLink")).toString();

    // Leaving the group takes the licence and its seat away, and is a change of the next round too.
    const int seats = consumed(exchange);
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/groups/%1/members/%2/$ref").arg(group, user), m_token).status,
             204);
    const QJsonObject held = licences(user);
    QVERIFY(held.value(QLatin1String("assignedLicenses")).toArray().isEmpty());
    QVERIFY(held.value(QLatin1String("licenseAssignmentStates")).toArray().isEmpty());
    QCOMPARE(consumed(exchange), seats - 1);
    round = m_sandbox->graph("GET", relative(deltaLink), m_token);
    bool seen = false;
    for (const auto &item : round.value()) {
        if (item.toObject().value(QLatin1String("id")).toString() == user) {
            seen = true;
            QVERIFY(item.toObject().value(QLatin1String("licenseAssignmentStates")).toArray().isEmpty());
        }
    }
    QVERIFY(seen);
}

void TestSandboxLicensing::licensedGroupCannotBeDeleted()
{
    const QString user = createUser(*m_sandbox, m_token, QStringLiteral("gbl.deleted"));
    const QString group = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-delete"));
    QVERIFY(!user.isEmpty() && !group.isEmpty());
    addMember(group, user);
    QCOMPARE(
        m_sandbox
            ->graph(
                "POST", QStringLiteral("/groups/%1/assignLicense").arg(group), m_token, licenseChange({exchange}, {}))
            .status,
        202);
    Reply reply = m_sandbox->graph("DELETE", QStringLiteral("/groups/%1").arg(group), m_token);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("Request_BadRequest"));
    QCOMPARE(licences(user).value(QLatin1String("assignedLicenses")).toArray().size(), 1);

    // Removing the group's licence removes it from the members; then the group can go.
    reply = m_sandbox->graph(
        "POST", QStringLiteral("/groups/%1/assignLicense").arg(group), m_token, licenseChange({}, {exchange}));
    QCOMPARE(reply.status, 202);
    QVERIFY(reply.json.value(QLatin1String("assignedLicenses")).toArray().isEmpty());
    QVERIFY(licences(user).value(QLatin1String("licenseAssignmentStates")).toArray().isEmpty());
    QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/groups/%1").arg(group), m_token).status, 204);
}

void TestSandboxLicensing::seatShortageIsACountViolation()
{
    // A subscription with one free seat.
    const QString skuId = QStringLiteral("3b555118-da6a-4418-894f-7df1e2096870");
    Reply reply = m_sandbox->admin("POST",
                                   QStringLiteral("skus"),
                                   {{QStringLiteral("skuId"), skuId},
                                    {QStringLiteral("skuPartNumber"), QStringLiteral("O365_BUSINESS_ESSENTIALS")},
                                    {QStringLiteral("seats"), 1}});
    QCOMPARE(reply.status, 201);
    const QString first = createUser(*m_sandbox, m_token, QStringLiteral("gbl.seat1"));
    const QString second = createUser(*m_sandbox, m_token, QStringLiteral("gbl.seat2"));
    const QString group = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-seats"));
    QVERIFY(!first.isEmpty() && !second.isEmpty() && !group.isEmpty());
    addMember(group, first);
    addMember(group, second);
    QCOMPARE(m_sandbox
                 ->graph("POST",
                         QStringLiteral("/groups/%1/assignLicense").arg(group),
                         m_token,
                         licenseChange({skuId, exchange}, {}))
                 .status,
             202);
    QCOMPARE(consumed(skuId), 1);
    int active = 0;
    int failed = 0;
    for (const QString &user : {first, second}) {
        const QJsonObject held = licences(user);
        const QJsonArray states = held.value(QLatin1String("licenseAssignmentStates")).toArray();
        QCOMPARE(states.size(), 2);
        if (states.at(0).toObject().value(QLatin1String("state")).toString() == QLatin1String("Active")) {
            ++active;
            QCOMPARE(held.value(QLatin1String("assignedLicenses")).toArray().size(), 2);
            continue;
        }
        ++failed;
        // No seat consumed, nothing assigned: the seatless SKU is a CountViolation and the group's other licence
        // fails with it.
        QVERIFY(held.value(QLatin1String("assignedLicenses")).toArray().isEmpty());
        for (const auto &value : states) {
            const QJsonObject state = value.toObject();
            QCOMPARE(state.value(QLatin1String("state")).toString(), QStringLiteral("Error"));
            QCOMPARE(state.value(QLatin1String("assignedByGroup")).toString(), group);
            QCOMPARE(state.value(QLatin1String("error")).toString(),
                     state.value(QLatin1String("skuId")).toString() == skuId ? QStringLiteral("CountViolation")
                                                                             : QStringLiteral("Other"));
        }
    }
    QCOMPARE(active, 1);
    QCOMPARE(failed, 1);
}

void TestSandboxLicensing::nestedGroupsPassNothingOn()
{
    const QString user = createUser(*m_sandbox, m_token, QStringLiteral("gbl.nested"));
    const QString outer = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-outer"));
    const QString inner = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-inner"));
    QVERIFY(!user.isEmpty() && !outer.isEmpty() && !inner.isEmpty());
    addMember(inner, user);
    addMember(outer, inner);
    QCOMPARE(
        m_sandbox
            ->graph(
                "POST", QStringLiteral("/groups/%1/assignLicense").arg(outer), m_token, licenseChange({exchange}, {}))
            .status,
        202);
    QVERIFY(licences(user).value(QLatin1String("licenseAssignmentStates")).toArray().isEmpty());
}

void TestSandboxLicensing::groupAssignLicenseErrors()
{
    const QString security = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-errors"));
    const QString unified = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-unified"), false);
    QVERIFY(!security.isEmpty() && !unified.isEmpty());
    const QString path = QStringLiteral("/groups/%1/assignLicense");

    Reply reply = m_sandbox->graph("POST", path.arg(unified), m_token, licenseChange({e3}, {}));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorMessage(), QStringLiteral("License assignment is only supported for security-enabled groups."));

    reply = m_sandbox->graph("POST",
                             path.arg(security),
                             m_token,
                             licenseChange({QStringLiteral("00000000-0000-0000-0000-00000000abcd")}, {}));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorMessage(),
             QStringLiteral("License 00000000-0000-0000-0000-00000000abcd does not correspond to a valid company "
                            "License."));

    reply = m_sandbox->graph("POST", path.arg(security), m_token, {{QStringLiteral("addLicenses"), QJsonArray{}}});
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorMessage(),
             QStringLiteral("One or more parameters of the operation 'assignLicense' are missing from the request "
                            "payload. The missing parameters are: removeLicenses."));

    reply = m_sandbox->graph("POST", path.arg(security), m_token, licenseChange({}, {exchange}));
    QCOMPARE(reply.status, 400);

    reply = m_sandbox->graph("POST", path.arg(QStringLiteral("no-such-group")), m_token, licenseChange({e3}, {}));
    QCOMPARE(reply.status, 404);

    // assignedLicenses is not written through PATCH.
    reply = m_sandbox->graph("PATCH",
                             QStringLiteral("/groups/%1").arg(security),
                             m_token,
                             {{QStringLiteral("assignedLicenses"), QJsonArray{}}});
    QCOMPARE(reply.status, 400);
}

void TestSandboxLicensing::groupAssignLicensePermissions()
{
    const QString group = createGroup(*m_sandbox, m_token, QStringLiteral("gbl-perms"));
    QVERIFY(!group.isEmpty());
    const QString path = QStringLiteral("/groups/%1/assignLicense").arg(group);
    const QString reader = m_sandbox->tokenWithRoles({QStringLiteral("Group.Read.All")});
    QCOMPARE(m_sandbox->graph("POST", path, reader, licenseChange({exchange}, {})).status, 403);
    const QString licensing = m_sandbox->tokenWithRoles({QStringLiteral("LicenseAssignment.ReadWrite.All")});
    QCOMPARE(m_sandbox->graph("POST", path, licensing, licenseChange({exchange}, {})).status, 202);
}

void TestSandboxLicensing::groupLicensingNeedsEntraIdP1()
{
    // A tenant of its own whose only subscription is Exchange Online (Plan 1): no Entra ID P1.
    SandboxFixture sandbox;
    QVERIFY2(sandbox.isStarted(), qPrintable(sandbox.startError()));
    QCOMPARE(sandbox.admin("DELETE", QStringLiteral("skus/") + e3).status, 204);
    const QString token = sandbox.demoToken();
    const QString group = createGroup(sandbox, token, QStringLiteral("gbl-nop1"));
    QVERIFY(!group.isEmpty());
    const QString path = QStringLiteral("/groups/%1/assignLicense").arg(group);
    Reply reply = sandbox.graph("POST", path, token, licenseChange({exchange}, {}));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("Request_BadRequest"));
    QCOMPARE(reply.errorMessage(),
             QStringLiteral("Group-based licensing requires a Microsoft Entra ID P1 license or a product that includes "
                            "it."));
    // Direct assignment still works.
    const QString user = createUser(sandbox, token, QStringLiteral("nop1.user"));
    QCOMPARE(
        sandbox.graph("POST", QStringLiteral("/users/%1/assignLicense").arg(user), token, licenseChange({exchange}, {}))
            .status,
        200);

    // Buying Entra ID P1 (its service plan AAD_PREMIUM) enables it.
    reply =
        sandbox.admin("POST",
                      QStringLiteral("skus"),
                      {{QStringLiteral("skuId"), QStringLiteral("078d2b04-f1bd-4111-bbd4-b4b1b354cef4")},
                       {QStringLiteral("skuPartNumber"), QStringLiteral("AAD_PREMIUM")},
                       {QStringLiteral("seats"), 5},
                       {QStringLiteral("servicePlans"),
                        QJsonArray{QJsonObject{
                            {QStringLiteral("servicePlanId"), QStringLiteral("41781fb2-bc02-4b7c-bd55-b576c07bb09d")},
                            {QStringLiteral("servicePlanName"), QStringLiteral("AAD_PREMIUM")}}}}});
    QCOMPARE(reply.status, 201);
    QCOMPARE(sandbox.graph("POST", path, token, licenseChange({exchange}, {})).status, 202);
}

QTEST_GUILESS_MAIN(TestSandboxLicensing)
#include "tst_sandboxlicensing.moc"
