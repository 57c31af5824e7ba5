// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "graph/graphclient.h"
#include "identity/tokenprovider.h"
#include "sandboxfixture.h"
#include "sync/applier.h"
#include "sync/cloudreader.h"
#include "sync/licencegroups.h"
#include "sync/planner.h"
#include "sync/statestore.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace M365;
using namespace M365::Sync;

/*
 * What the engine reads from a tenant and how it plans against it, where Microsoft's rules differ from a tenant that
 * only this app writes: admins who hold a role through a group, users who come back from the deleted items, groups
 * another profile made, licences a group assigns. The engine's own jobs (CloudReadJob, Planner, ApplyJob) against
 * the in-process sandbox tenant, with a directory given as entries.
 */

namespace {

constexpr int kTimeoutMs = 30000;

Directory::DirectoryEntry person(const QString &uid)
{
    Directory::DirectoryEntry e;
    e.kind = Directory::EntryKind::User;
    e.dn = QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(uid);
    e.anchor = QStringLiteral("anchor-") + uid;
    e.anchorAttribute = QStringLiteral("entryUUID");
    e.addValue(QStringLiteral("objectClass"), QStringLiteral("inetOrgPerson"));
    e.addValue(QStringLiteral("uid"), uid);
    e.addValue(QStringLiteral("cn"), QStringLiteral("Person ") + uid);
    e.addValue(QStringLiteral("givenName"), QStringLiteral("Person"));
    e.addValue(QStringLiteral("sn"), uid);
    e.addValue(QStringLiteral("mail"), uid + QStringLiteral("@example.org"));
    return e;
}

Directory::DirectoryEntry group(const QString &cn, const QStringList &uids)
{
    Directory::DirectoryEntry e;
    e.kind = Directory::EntryKind::Group;
    e.dn = QStringLiteral("cn=%1,ou=groups,dc=example,dc=org").arg(cn);
    e.anchor = QStringLiteral("group-") + cn;
    e.anchorAttribute = QStringLiteral("entryUUID");
    e.addValue(QStringLiteral("objectClass"), QStringLiteral("groupOfNames"));
    e.addValue(QStringLiteral("cn"), cn);
    for (const QString &uid : uids) {
        e.addValue(QStringLiteral("member"), QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(uid));
    }
    return e;
}

QStringList describe(const ChangePlan &plan)
{
    QStringList out;
    for (const Change &c : plan.changes) {
        out.append(Change::kindName(c.kind) + QLatin1Char(' ') + Change::objectTypeName(c.objectType) + QLatin1Char(' ')
                   + c.anchor);
    }
    return out;
}

} // namespace

class TestTenantRules : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SandboxFixture> m_sandbox;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<Identity::TokenProvider> m_tokens;
    std::unique_ptr<Graph::GraphClient> m_client;
    QTemporaryDir m_dir;

    Sandbox::TenantState &state() { return m_sandbox->tenant().state(); }

    PlanInput input(const QList<Directory::DirectoryEntry> &users, const QList<Directory::DirectoryEntry> &groups = {})
    {
        PlanInput in;
        in.rules = MappingRules::defaults();
        in.rules.domain = QStringLiteral("contoso.onmicrosoft.com");
        in.rules.defaultUsageLocation = QStringLiteral("DE");
        in.options.syncGroups = !groups.isEmpty();
        in.users = users;
        in.groups = groups;
        return in;
    }

    /// Reads the tenant into @p in (with the store's links) and plans; the read's job is kept for its flags.
    bool plan(PlanInput &in, StateStore &store, ChangePlan *out, bool *adminRolesKnown = nullptr)
    {
        const bool readGroups = in.options.syncGroups || !in.options.licenceGroupBySku.isEmpty();
        auto *read = new CloudReadJob(m_client.get(), &store, in.rules.managedProperties(), readGroups, this);
        QSignalSpy finished(read, &Job::finished);
        read->start();
        if (!finished.wait(kTimeoutMs) || read->hasError()) {
            qWarning() << "reading the tenant failed:" << read->errorString();
            return false;
        }
        in.cloud = read->snapshot();
        in.links = store.links();
        if (adminRolesKnown) {
            *adminRolesKnown = read->adminRolesKnown();
        }
        delete read;
        *out = Planner::plan(in);
        return true;
    }

    /// Applies @p plan; the outcome of each change.
    QList<ChangeOutcome> apply(const ChangePlan &plan, StateStore &store)
    {
        auto *job = new ApplyJob(m_client.get(), &store, plan, {}, this);
        QSignalSpy finished(job, &Job::finished);
        job->start();
        if (!finished.wait(kTimeoutMs)) {
            qWarning("the run did not finish");
            return {};
        }
        const QList<ChangeOutcome> outcomes = job->outcomes();
        delete job;
        return outcomes;
    }

    static bool allDone(const QList<ChangeOutcome> &outcomes)
    {
        return !outcomes.isEmpty() && std::all_of(outcomes.cbegin(), outcomes.cend(), [](const ChangeOutcome &o) {
            if (o.result != ChangeOutcome::Result::Done) {
                qWarning() << ChangeOutcome::resultName(o.result) << o.message;
            }
            return o.result == ChangeOutcome::Result::Done;
        });
    }

    /// A fresh state store (one profile).
    std::unique_ptr<StateStore> store(const QString &name)
    {
        auto s = std::make_unique<StateStore>();
        if (!s->open(m_dir.filePath(name + QStringLiteral(".sqlite"))).ok()) {
            return nullptr;
        }
        return s;
    }

    QString userIdOfUpn(const QString &upn) { return state().userIdByUpn(upn); }

    /// A cloud user nobody manages, as an admin would have made it; its id.
    QString cloudOnlyUser(const QString &alias)
    {
        const auto reply = m_sandbox->graph(
            "POST", QStringLiteral("/users"), m_sandbox->demoToken(), SandboxFixture::newUserBody(alias));
        return reply.status == 201 ? reply.json.value(QLatin1String("id")).toString() : QString();
    }

    /// A security group made in the cloud (by an admin, not by a sync) with @p memberIds; its id.
    QString cloudGroup(const QString &nickname, const QStringList &memberIds, bool roleAssignable = false)
    {
        QJsonObject body{{QStringLiteral("displayName"), nickname},
                         {QStringLiteral("mailNickname"), nickname},
                         {QStringLiteral("mailEnabled"), false},
                         {QStringLiteral("securityEnabled"), true}};
        if (roleAssignable) {
            body.insert(QStringLiteral("isAssignableToRole"), true);
        }
        const auto reply = m_sandbox->graph("POST", QStringLiteral("/groups"), m_sandbox->demoToken(), body);
        if (reply.status != 201) {
            return {};
        }
        const QString group = reply.json.value(QLatin1String("id")).toString();
        for (const QString &member : memberIds) {
            const QJsonObject ref{{QStringLiteral("@odata.id"),
                                   QString(m_sandbox->baseUrl() + QStringLiteral("/v1.0/directoryObjects/") + member)}};
            const auto added = m_sandbox->graph(
                "POST", QStringLiteral("/groups/%1/members/$ref").arg(group), m_sandbox->demoToken(), ref);
            if (added.status != 204) {
                return {};
            }
        }
        return group;
    }

    QString firstSku() { return state().skus.constFirst().value(QLatin1String("skuId")).toString(); }

    /// The licenseAssignmentStates of a user in the tenant, as "skuId by groupId" or "skuId direct".
    QStringList licenceStates(const QString &userId)
    {
        const auto reply = m_sandbox->graph(
            "GET", QStringLiteral("/users/%1?$select=licenseAssignmentStates").arg(userId), m_sandbox->demoToken());
        QStringList out;
        for (const QJsonValue &v : reply.json.value(QLatin1String("licenseAssignmentStates")).toArray()) {
            const QJsonObject state = v.toObject();
            const QString group = state.value(QLatin1String("assignedByGroup")).toString();
            out.append(state.value(QLatin1String("skuId")).toString()
                       + (group.isEmpty() ? QStringLiteral(" direct") : QStringLiteral(" by ") + group));
        }
        return out;
    }

private Q_SLOTS:
    void init()
    {
        m_sandbox = std::make_unique<SandboxFixture>();
        QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
        m_nam = std::make_unique<QNetworkAccessManager>();
        const QString base = m_sandbox->baseUrl();
        m_tokens = std::make_unique<Identity::TokenProvider>(
            m_nam.get(),
            Identity::CloudEndpoints::custom(
                QUrl(base), QUrl(base), QStringLiteral("https://graph.microsoft.com/.default")),
            state().tenantId,
            state().demoClientId,
            Identity::ClientCredential::fromSecret(state().demoClientSecret));
        m_client = std::make_unique<Graph::GraphClient>(m_nam.get(), m_tokens->endpoints(), m_tokens.get());
    }

    void cleanup()
    {
        m_client.reset();
        m_tokens.reset();
        m_nam.reset();
        m_sandbox.reset();
    }

    /// An admin who holds a role through a role-assignable group is never adopted by a soft match (Graph's
    /// /directoryRoles lists the group as the role's member, not the admin), while a plain account with a matching
    /// name is.
    void adminThroughAGroupIsNeverAdopted()
    {
        const QString boss = cloudOnlyUser(QStringLiteral("boss"));
        const QString casey = cloudOnlyUser(QStringLiteral("casey"));
        QVERIFY(!boss.isEmpty() && !casey.isEmpty());
        const QString admins = cloudGroup(QStringLiteral("user-admins"), {boss}, true);
        QVERIFY(!admins.isEmpty());
        QCOMPARE(m_sandbox
                     ->admin("POST",
                             QStringLiteral("groups/%1/directoryRoles").arg(admins),
                             {{QStringLiteral("role"), QStringLiteral("User Administrator")}})
                     .status,
                 200);

        auto profile = store(QStringLiteral("admins"));
        QVERIFY(profile);
        PlanInput in = input({person(QStringLiteral("boss")), person(QStringLiteral("casey"))});
        in.options.softMatch = true;
        ChangePlan planned;
        bool rolesKnown = false;
        QVERIFY(plan(in, *profile, &planned, &rolesKnown));
        QVERIFY(rolesKnown);
        QCOMPARE(describe(planned),
                 (QStringList{QStringLiteral("conflict user anchor-boss"), QStringLiteral("link user anchor-casey")}));
        QVERIFY2(planned.changes.at(0).reason.contains(QLatin1String("admin role")),
                 qPrintable(planned.changes.at(0).reason));
    }

    /// Licensing through a group: the licence group set up once, new users join it (no assignLicense per user),
    /// hold the licence as inherited, and a user who leaves the scope leaves the group and frees the seat. A
    /// licence an admin gives through a group of their own is never taken away.
    void licensingThroughAGroup()
    {
        const QString sku = firstSku();
        auto *setup = new LicenceGroupSetupJob(m_client.get(), sku, this);
        QSignalSpy setUp(setup, &Job::finished);
        setup->start();
        QVERIFY(setUp.wait(kTimeoutMs));
        QVERIFY2(!setup->hasError(), qPrintable(setup->errorString()));
        const QString licenceGroup = setup->groupId();
        delete setup;

        auto profile = store(QStringLiteral("licensing"));
        QVERIFY(profile);
        PlanInput in =
            input({person(QStringLiteral("lea")), person(QStringLiteral("max")), person(QStringLiteral("nia"))});
        in.options.defaultSkuId = sku;
        in.options.licenceGroupBySku.insert(sku, licenceGroup);
        ChangePlan first;
        QVERIFY(plan(in, *profile, &first));
        QCOMPARE(describe(first),
                 (QStringList{QStringLiteral("create user anchor-lea"),
                              QStringLiteral("create user anchor-max"),
                              QStringLiteral("create user anchor-nia"),
                              QStringLiteral("update membership licence-group:") + sku}));
        QVERIFY(allDone(apply(first, *profile)));
        const QString lea = userIdOfUpn(QStringLiteral("lea@contoso.onmicrosoft.com"));
        QCOMPARE(licenceStates(lea), QStringList{sku + QStringLiteral(" by ") + licenceGroup});

        // Held through the group: nothing more to do.
        ChangePlan second;
        QVERIFY(plan(in, *profile, &second));
        QVERIFY2(second.isEmpty(), qPrintable(describe(second).join(QLatin1Char('\n'))));

        // nia leaves the scope: disabled, out of the licence group, the seat free again.
        in.scope = Scope::fromFilter(QStringLiteral("(!(uid=nia))")).value;
        ChangePlan leaving;
        QVERIFY(plan(in, *profile, &leaving));
        QCOMPARE(describe(leaving),
                 (QStringList{QStringLiteral("disable user anchor-nia"),
                              QStringLiteral("update membership licence-group:") + sku}));
        QVERIFY(allDone(apply(leaving, *profile)));
        QVERIFY(licenceStates(userIdOfUpn(QStringLiteral("nia@contoso.onmicrosoft.com"))).isEmpty());

        // An admin licenses max through a group of their own as well. When max leaves the scope, the profile takes
        // back only what it gave (the membership of its licence group); the admin's licence stays.
        const QString max = userIdOfUpn(QStringLiteral("max@contoso.onmicrosoft.com"));
        const QString adminsGroup = cloudGroup(QStringLiteral("licensed-by-hand"), {max});
        QVERIFY(!adminsGroup.isEmpty());
        const auto assigned =
            m_sandbox->graph("POST",
                             QStringLiteral("/groups/%1/assignLicense").arg(adminsGroup),
                             m_sandbox->demoToken(),
                             {{QStringLiteral("addLicenses"), QJsonArray{QJsonObject{{QStringLiteral("skuId"), sku}}}},
                              {QStringLiteral("removeLicenses"), QJsonArray()}});
        QCOMPARE(assigned.status, 202);
        in.scope = Scope::fromFilter(QStringLiteral("(uid=lea)")).value;
        ChangePlan maxLeaves;
        QVERIFY(plan(in, *profile, &maxLeaves));
        QCOMPARE(describe(maxLeaves),
                 (QStringList{QStringLiteral("disable user anchor-max"),
                              QStringLiteral("update membership licence-group:") + sku}));
        QVERIFY(allDone(apply(maxLeaves, *profile)));
        QCOMPARE(licenceStates(max), QStringList{sku + QStringLiteral(" by ") + adminsGroup});
        QCOMPARE(licenceStates(lea), QStringList{sku + QStringLiteral(" by ") + licenceGroup});
    }

    /// A user deleted in Microsoft 365 who is still in the directory is restored with the same object id, not
    /// created anew next to the deleted one that still holds the immutable id.
    void deletedUserIsRestored()
    {
        auto profile = store(QStringLiteral("restore"));
        QVERIFY(profile);
        PlanInput in = input({person(QStringLiteral("rosa")), person(QStringLiteral("sam"))});
        ChangePlan first;
        QVERIFY(plan(in, *profile, &first));
        QVERIFY(allDone(apply(first, *profile)));
        const QString upn = QStringLiteral("rosa@contoso.onmicrosoft.com");
        const QString id = userIdOfUpn(upn);
        QVERIFY(!id.isEmpty());

        const auto deleted = m_sandbox->graph("DELETE", QStringLiteral("/users/") + id, m_sandbox->demoToken());
        QCOMPARE(deleted.status, 204);
        QVERIFY(userIdOfUpn(upn).isEmpty());

        ChangePlan comeback;
        QVERIFY(plan(in, *profile, &comeback));
        QCOMPARE(describe(comeback), QStringList{QStringLiteral("restore user anchor-rosa")});
        QCOMPARE(comeback.changes.at(0).cloudId, id);
        QVERIFY(allDone(apply(comeback, *profile)));
        QCOMPARE(userIdOfUpn(upn), id);
        QVERIFY(!state().deletedItems.contains(id));

        ChangePlan after;
        QVERIFY(plan(in, *profile, &after));
        QVERIFY2(after.isEmpty(), qPrintable(describe(after).join(QLatin1Char('\n'))));
    }

    /// A second profile on the same tenant with the same directory groups links the groups the first one made
    /// instead of creating them twice.
    void groupsOfAnotherProfileAreLinked()
    {
        const QList<Directory::DirectoryEntry> users{person(QStringLiteral("ada")), person(QStringLiteral("ben"))};
        const QList<Directory::DirectoryEntry> groups{
            group(QStringLiteral("engineering"), {QStringLiteral("ada"), QStringLiteral("ben")})};
        auto first = store(QStringLiteral("first"));
        QVERIFY(first);
        PlanInput in = input(users, groups);
        ChangePlan initial;
        QVERIFY(plan(in, *first, &initial));
        QVERIFY(allDone(apply(initial, *first)));

        const auto countGroups = [this] {
            int n = 0;
            for (const QJsonObject &g : std::as_const(state().groups)) {
                n += g.value(QLatin1String("mailNickname")).toString() == QLatin1String("engineering") ? 1 : 0;
            }
            return n;
        };
        QCOMPARE(countGroups(), 1);

        // The second profile knows the users through their immutable ids (hard match), the group through nothing.
        auto second = store(QStringLiteral("second"));
        QVERIFY(second);
        PlanInput other = input(users, groups);
        ChangePlan secondPlan;
        QVERIFY(plan(other, *second, &secondPlan));
        QVERIFY2(describe(secondPlan).contains(QStringLiteral("link group group-engineering")),
                 qPrintable(describe(secondPlan).join(QLatin1Char('\n'))));
        QVERIFY(!describe(secondPlan).contains(QStringLiteral("create group group-engineering")));
        QVERIFY(allDone(apply(secondPlan, *second)));
        QCOMPARE(countGroups(), 1);

        ChangePlan again;
        QVERIFY(plan(other, *second, &again));
        QVERIFY2(again.isEmpty(), qPrintable(describe(again).join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestTenantRules)
#include "tst_tenantrules.moc"
