// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/directoryjob.h"
#include "directory/directorysource.h"
#include "profile/connection.h"
#include "sandboxfixture.h"
#include "slapdfixture.h"
#include "sync/applier.h"
#include "sync/directorysnapshot.h"
#include "sync/planner.h"
#include "sync/plansession.h"
#include "sync/statestore.h"
#include "sync/syncsettings.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <memory>

using namespace M365;
using namespace M365::Sync;

/*
 * The sync engine end to end, the way the CLI drives it: a real slapd, the in-process sandbox tenant over HTTP,
 * PlanJob and ApplyJob over a Profile::Connection. The test functions are one story and run in the order written:
 * each starts from the tenant and state store the previous one left, and most end with the tenant in sync again.
 */

namespace {

constexpr int kPlanTimeoutMs = 20000;
constexpr int kApplyTimeoutMs = 40000;
constexpr int kBulkUsers = 220;
const QString kDomain = QStringLiteral("contoso.onmicrosoft.com");

struct Person
{
    QByteArray uid;
    QByteArray givenName;
    QByteArray sn;
    QByteArray title;
    bool inGroup;
};

/// The managed people: the ones in the group "team" and two outside any group (leaving scope touches nothing else).
const QList<Person> kPeople = {
    {"amueller", "Anna", "Mueller", "Engineer", true},
    {"bkhan", "Bilal", "Khan", "Analyst", true},
    {"cnguyen", "Chi", "Nguyen", "Consultant", true},
    {"dsilva", "Diego", "Silva", "Manager", true},
    {"eolsen", "Eva", "Olsen", "Specialist", false},
    {"fmorel", "Fleur", "Morel", "Designer", false},
};

QByteArray personLdif(const Person &p)
{
    return "dn: uid=" + p.uid + ",ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: " + p.uid + "\ncn: "
        + p.givenName + ' ' + p.sn + "\ngivenName: " + p.givenName + "\nsn: " + p.sn + "\ndisplayName: " + p.givenName
        + ' ' + p.sn + "\ntitle: " + p.title + "\nmail: " + p.uid + "@example.org\nl: Berlin\nemployeeType: active\n\n";
}

QByteArray seedLdif(const QByteArray &baseEntries)
{
    QByteArray ldif = baseEntries;
    QByteArray group = "dn: cn=team,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: team\n"
                       "description: the team\n";
    for (const Person &p : kPeople) {
        ldif += personLdif(p);
        if (p.inGroup) {
            group += "member: uid=" + p.uid + ",ou=people,dc=example,dc=org\n";
        }
    }
    ldif += group + '\n';
    ldif += "dn: ou=bulk,dc=example,dc=org\nobjectClass: organizationalUnit\nou: bulk\n\n";
    for (int i = 0; i < kBulkUsers; ++i) {
        const QByteArray n = QByteArray::number(i).rightJustified(4, '0');
        ldif += "dn: uid=bulk" + n + ",ou=bulk,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: bulk" + n
            + "\ncn: Bulk " + n + "\nsn: Bulk\ngivenName: Number" + n + "\n\n";
    }
    return ldif;
}

QByteArray replaceLdif(const QByteArray &uid, const QByteArray &attribute, const QByteArray &value)
{
    return "dn: uid=" + uid + ",ou=people,dc=example,dc=org\nchangetype: modify\nreplace: " + attribute + '\n'
        + attribute + ": " + value + '\n';
}

QString upnOf(const QByteArray &uid)
{
    return QString::fromLatin1(uid) + QLatin1Char('@') + kDomain;
}

QString displayNameOf(const Person &p)
{
    return QString::fromLatin1(p.givenName + ' ' + p.sn);
}

QStringList skuIds(const QJsonObject &user)
{
    QStringList out;
    for (const QJsonValue &v : user.value(QLatin1String("assignedLicenses")).toArray()) {
        out.append(v.toObject().value(QLatin1String("skuId")).toString());
    }
    return out;
}

bool actionable(const Change &c)
{
    return c.kind != Change::Kind::Conflict && c.kind != Change::Kind::Invalid;
}

QString describe(const ChangePlan &plan)
{
    QStringList lines;
    for (const Change &c : plan.changes) {
        QStringList diffs;
        for (const AttributeDiff &d : c.diffs) {
            diffs.append(d.property);
        }
        lines.append(QStringLiteral("%1 %2 %3 [%4] %5")
                         .arg(Change::kindName(c.kind),
                              Change::objectTypeName(c.objectType),
                              c.userPrincipalName.isEmpty() ? c.displayName : c.userPrincipalName,
                              diffs.join(QLatin1Char(',')),
                              c.reason));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestSyncEngine : public QObject
{
    Q_OBJECT

private:
    struct Planned
    {
        bool finished = false;
        Error error;
        ChangePlan plan;
        int managedObjects = 0;
    };

    struct Applied
    {
        bool finished = false;
        Error error;
        QList<ChangeOutcome> outcomes;
        qint64 runId = 0;
        int writes = 0;
    };

    /// One profile: its directory source, settings and state store.
    struct SyncProfile
    {
        std::unique_ptr<Directory::DirectorySource> source;
        SyncSettings settings;
        StateStore store;
    };

    QTemporaryDir m_dir;
    std::unique_ptr<SlapdFixture> m_slapd;
    std::unique_ptr<SandboxFixture> m_sandbox;
    QNetworkAccessManager *m_nam = nullptr;
    std::unique_ptr<M365::Profile::Connection> m_connection;
    SyncProfile m_main;
    SyncProfile m_bulk;
    QString m_e3;
    QString m_passwordFile;
    /// UPN → display name of the users the first run created.
    QHash<QString, QString> m_created;

    Sandbox::TenantState &tenantState() { return m_sandbox->tenant().state(); }

    QJsonObject cloudUser(const QString &id) { return tenantState().users.value(id); }

    QString cloudIdOfUpn(const QString &upn)
    {
        for (auto it = tenantState().users.cbegin(); it != tenantState().users.cend(); ++it) {
            if (it->value(QLatin1String("userPrincipalName")).toString().compare(upn, Qt::CaseInsensitive) == 0) {
                return it.key();
            }
        }
        return {};
    }

    QString anchorOf(const QString &upn)
    {
        const auto links = m_main.store.links();
        const QString id = cloudIdOfUpn(upn);
        for (const Link &l : links) {
            if (l.cloudId == id) {
                return l.anchor;
            }
        }
        return {};
    }

    /// A PATCH as an admin would make it in the portal, straight to the sandbox with the demo app's token.
    bool patchCloudUser(const QString &id, const QJsonObject &body)
    {
        const SandboxFixture::Reply reply =
            m_sandbox->graph("PATCH", QStringLiteral("/users/") + id, m_sandbox->demoToken(), body);
        if (reply.status != 204) {
            qWarning("PATCH answered %d: %s", reply.status, reply.body.constData());
        }
        return reply.status == 204;
    }

    Planned plan(SyncProfile &profile, DirectorySnapshot *snapshot = nullptr, bool *readDirectory = nullptr)
    {
        Planned out;
        auto *job = new PlanJob(m_connection->graph(), &profile.store, profile.source.get(), profile.settings, this);
        job->setDirectorySnapshot(snapshot);
        QSignalSpy finished(job, &Job::finished);
        job->start();
        out.finished = finished.wait(kPlanTimeoutMs);
        out.error = job->error();
        out.plan = job->plan();
        out.managedObjects = job->managedObjects();
        if (readDirectory) {
            *readDirectory = job->readDirectory();
        }
        delete job;
        return out;
    }

    Applied apply(SyncProfile &profile,
                  const ChangePlan &changePlan,
                  const ApplyOptions &options,
                  const std::function<void(ApplyJob *, int)> &onChange = {})
    {
        Applied out;
        auto *job = new ApplyJob(m_connection->graph(), &profile.store, changePlan, options, this);
        if (onChange) {
            connect(job, &ApplyJob::changeFinished, this, [job, onChange](int index) {
                onChange(job, index);
            });
        }
        QSignalSpy finished(job, &Job::finished);
        job->start();
        out.finished = finished.wait(kApplyTimeoutMs);
        out.error = job->error();
        out.outcomes = job->outcomes();
        out.runId = job->runId();
        out.writes = job->progress().writes;
        delete job;
        return out;
    }

    ApplyOptions checkedOptions(const SyncProfile &profile) const
    {
        ApplyOptions options;
        options.userFingerprintProperties = Planner::userFingerprintProperties(profile.settings.rules);
        return options;
    }

    /// Plans the main profile and checks the plan can be trusted (finished, no error).
    ChangePlan planMain()
    {
        const Planned p = plan(m_main);
        if (!p.finished || !p.error.isNull()) {
            qWarning("plan failed: %s / %s", qPrintable(p.error.userMessage), qPrintable(p.error.details));
            // A plan no assertion accepts as "in sync".
            ChangePlan failed;
            Change invalid;
            invalid.kind = Change::Kind::Invalid;
            invalid.reason = QStringLiteral("planning failed");
            failed.changes.append(invalid);
            return failed;
        }
        return p.plan;
    }

    static bool allDone(const Applied &applied)
    {
        for (const ChangeOutcome &o : applied.outcomes) {
            if (o.result != ChangeOutcome::Result::Done) {
                return false;
            }
        }
        return applied.finished && applied.error.isNull();
    }

    QList<Directory::DirectoryEntry> readUsers(Directory::DirectorySource *source)
    {
        QList<Directory::DirectoryEntry> users;
        Directory::DirectoryJob *job = source->read(Directory::ReadScope::Users, this);
        connect(job, &Directory::DirectoryJob::entry, this, [&users](const Directory::DirectoryEntry &e) {
            users.append(e);
        });
        QSignalSpy finished(job, &Directory::DirectoryJob::finished);
        job->start();
        const bool done = finished.wait(kPlanTimeoutMs);
        const bool failed = job->hasError();
        delete job;
        return done && !failed ? users : QList<Directory::DirectoryEntry>{};
    }

    void openProfile(SyncProfile *profile, const QString &name, const QJsonObject &directory)
    {
        auto source = createDirectorySource(directory, m_slapd->rootPassword());
        QVERIFY2(source.ok(), qPrintable(source.error.userMessage));
        profile->source = std::move(source.value);
        const Result<bool> opened = profile->store.open(m_dir.filePath(name + QStringLiteral(".sqlite")));
        QVERIFY2(opened.ok(), qPrintable(opened.error.details));
    }

    QJsonObject directorySettings(const QString &baseDn, const QString &userFilter) const
    {
        return QJsonObject{{QStringLiteral("type"), QStringLiteral("openldap")},
                           {QStringLiteral("url"), m_slapd->url()},
                           {QStringLiteral("tls"), QStringLiteral("none")},
                           {QStringLiteral("bindDn"), m_slapd->rootDn()},
                           {QStringLiteral("baseDn"), baseDn},
                           {QStringLiteral("userFilter"), userFilter}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_slapd = std::make_unique<SlapdFixture>();
        QVERIFY2(m_slapd->setUp(), qPrintable(m_slapd->errorString()));
        QVERIFY2(m_slapd->loadLdif(seedLdif(m_slapd->baseEntries())), qPrintable(m_slapd->errorString()));
        QVERIFY2(m_slapd->start(), qPrintable(m_slapd->errorString()));

        m_sandbox = std::make_unique<SandboxFixture>();
        QVERIFY2(m_sandbox->isStarted(), qPrintable(m_sandbox->startError()));
        const Sandbox::TenantState &state = tenantState();
        for (const QJsonObject &sku : state.skus) {
            if (sku.value(QLatin1String("skuPartNumber")).toString() == QLatin1String("ENTERPRISEPACK")) {
                m_e3 = sku.value(QLatin1String("skuId")).toString();
            }
        }
        QVERIFY(!m_e3.isEmpty());

        // The connection exactly as the CLI builds it for the sandbox (plain HTTP here, so no extra CA).
        m_nam = new QNetworkAccessManager(this);
        M365::Profile::Profile profile;
        profile.name = QStringLiteral("e2e");
        profile.endpoints = Identity::CloudEndpoints::sandbox(QUrl(m_sandbox->baseUrl()));
        profile.tenant = state.tenantId;
        profile.clientId = state.demoClientId;
        profile.credentialKind = M365::Profile::CredentialKind::ClientSecret;
        m_connection = std::make_unique<M365::Profile::Connection>(
            m_nam, profile, Identity::ClientCredential::fromSecret(state.demoClientSecret), QList<QSslCertificate>{});

        // Main profile: the people and their group; licensed with E3; in scope unless marked inactive.
        openProfile(&m_main,
                    QStringLiteral("main"),
                    directorySettings(QStringLiteral("dc=example,dc=org"),
                                      QStringLiteral("(&(objectClass=inetOrgPerson)(employeeType=*))")));
        m_main.settings.rules.domain = kDomain;
        m_main.settings.rules.defaultUsageLocation = QStringLiteral("DE");
        const Result<Scope> scope = Scope::fromFilter(QStringLiteral("(!(employeeType=inactive))"));
        QVERIFY(scope.ok());
        m_main.settings.scope = scope.value;
        m_main.settings.options.defaultSkuId = m_e3;

        // Bulk profile: 220 unlicensed users, no groups, its own state store.
        openProfile(&m_bulk,
                    QStringLiteral("bulk"),
                    directorySettings(QStringLiteral("ou=bulk,dc=example,dc=org"),
                                      QStringLiteral("(objectClass=inetOrgPerson)")));
        m_bulk.settings.rules.domain = kDomain;
        m_bulk.settings.options.syncGroups = false;
        QVERIFY(!QTest::currentTestFailed());

        m_passwordFile = m_dir.filePath(QStringLiteral("passwords.csv"));
    }

    void cleanupTestCase()
    {
        m_main.store.close();
        m_bulk.store.close();
        m_connection.reset();
        m_sandbox.reset();
        m_slapd.reset();
    }

    /// 1. plan → apply → plan again is empty; each directory user exactly once in the tenant, linked, licensed.
    void firstRunThenNothingToDo()
    {
        const int consumedBefore = tenantState().consumedUnits(m_e3);
        const ChangePlan first = planMain();
        // Six users, one group, its membership and six licences; nothing the seed could make invalid.
        QHash<Change::ObjectType, int> perType;
        for (const Change &c : first.changes) {
            QVERIFY2(actionable(c), qPrintable(describe(first)));
            ++perType[c.objectType];
            if (c.objectType == Change::ObjectType::User || c.objectType == Change::ObjectType::Group) {
                QCOMPARE(c.kind, Change::Kind::Create);
            } else if (c.objectType == Change::ObjectType::Licence) {
                QCOMPARE(c.payload.value(QLatin1String("addLicenses")).toArray().size(), 1);
                QCOMPARE(c.payload.value(QLatin1String("addLicenses"))
                             .toArray()
                             .first()
                             .toObject()
                             .value(QLatin1String("skuId")),
                         QJsonValue(m_e3));
            } else {
                QCOMPARE(c.membersToAdd.size(), 4);
            }
        }
        QCOMPARE(perType.value(Change::ObjectType::User), int(kPeople.size()));
        QCOMPARE(perType.value(Change::ObjectType::Group), 1);
        QCOMPARE(perType.value(Change::ObjectType::Licence), int(kPeople.size()));
        QCOMPARE(perType.value(Change::ObjectType::Membership), 1);

        ApplyOptions options = checkedOptions(m_main);
        options.passwordFile = m_passwordFile;
        const Applied applied = apply(m_main, first, options);
        QVERIFY(applied.finished);
        QVERIFY2(applied.error.isNull(), qPrintable(applied.error.userMessage));
        QVERIFY(allDone(applied));

        const ChangePlan second = planMain();
        QVERIFY2(second.isEmpty(), qPrintable(describe(second)));
        QCOMPARE(second.unchangedUsers, int(kPeople.size()));
        QCOMPARE(second.unchangedGroups, 1);

        // The tenant: every directory user exactly once, found by its anchor, linked to that very object.
        const QList<Directory::DirectoryEntry> users = readUsers(m_main.source.get());
        QCOMPARE(users.size(), kPeople.size());
        const QHash<QString, Link> links = m_main.store.links();
        int userLinks = 0;
        for (const Link &l : links) {
            userLinks += l.objectType == Change::ObjectType::User ? 1 : 0;
        }
        QCOMPARE(userLinks, int(kPeople.size()));
        QCOMPARE(links.size() - userLinks, 1);
        for (const Directory::DirectoryEntry &entry : users) {
            const QString immutableId = Planner::immutableId(entry);
            QVERIFY(!immutableId.isEmpty());
            QStringList holders;
            for (auto it = tenantState().users.cbegin(); it != tenantState().users.cend(); ++it) {
                if (it->value(QLatin1String("onPremisesImmutableId")).toString() == immutableId) {
                    holders.append(it.key());
                }
            }
            QCOMPARE(holders.size(), 1);
            QVERIFY2(links.contains(entry.anchor), qPrintable(entry.dn));
            QCOMPARE(links.value(entry.anchor).cloudId, holders.first());
            const QJsonObject cloud = cloudUser(holders.first());
            const QString uid = entry.value(QStringLiteral("uid"));
            QCOMPARE(cloud.value(QLatin1String("userPrincipalName")).toString(), upnOf(uid.toLatin1()));
            QCOMPARE(cloud.value(QLatin1String("accountEnabled")).toBool(), true);
            QCOMPARE(skuIds(cloud), QStringList{m_e3});
            QCOMPARE(cloud.value(QLatin1String("usageLocation")).toString(), QStringLiteral("DE"));
            m_created.insert(cloud.value(QLatin1String("userPrincipalName")).toString(),
                             cloud.value(QLatin1String("displayName")).toString());
        }
        QCOMPARE(tenantState().consumedUnits(m_e3), consumedBefore + int(kPeople.size()));

        // The group with its four members.
        const auto group = std::find_if(links.cbegin(), links.cend(), [](const Link &l) {
            return l.objectType == Change::ObjectType::Group;
        });
        QVERIFY(tenantState().groups.contains(group->cloudId));
        QCOMPARE(tenantState().members.value(group->cloudId).size(), 4);

        // The run history: this run, every change done.
        const QList<RunRecord> runs = m_main.store.runHistory();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().id, applied.runId);
        QCOMPARE(runs.first().status, QStringLiteral("done"));
        QVERIFY(runs.first().ended.isValid());
        const QList<RunChangeRecord> records = m_main.store.runChanges(applied.runId);
        QCOMPARE(records.size(), first.changes.size());
        QSet<int> seqs;
        for (const RunChangeRecord &r : records) {
            QCOMPARE(r.result, QStringLiteral("done"));
            seqs.insert(r.seq);
        }
        QCOMPARE(seqs.size(), first.changes.size());
    }

    /// 2. One attribute changed in slapd → exactly one Update with exactly that diff; applied, the tenant has it.
    void directoryChangeIsOneUpdate()
    {
        const Person &p = kPeople.at(0);
        QVERIFY2(m_slapd->modify(replaceLdif(p.uid, "title", "Principal Engineer")),
                 qPrintable(m_slapd->errorString()));

        const ChangePlan changed = planMain();
        QVERIFY2(changed.changes.size() == 1, qPrintable(describe(changed)));
        const Change &c = changed.changes.first();
        QCOMPARE(c.kind, Change::Kind::Update);
        QCOMPARE(c.objectType, Change::ObjectType::User);
        QCOMPARE(c.userPrincipalName, upnOf(p.uid));
        const QList<AttributeDiff> expected{
            {QStringLiteral("jobTitle"), QStringLiteral("Engineer"), QStringLiteral("Principal Engineer")}};
        QCOMPARE(c.diffs, expected);
        QVERIFY2(!c.reason.contains(QStringLiteral("drift")), qPrintable(c.reason));

        const Applied applied = apply(m_main, changed, checkedOptions(m_main));
        QVERIFY(allDone(applied));
        QCOMPARE(cloudUser(cloudIdOfUpn(upnOf(p.uid))).value(QLatin1String("jobTitle")).toString(),
                 QStringLiteral("Principal Engineer"));
        const ChangePlan again = planMain();
        QVERIFY2(again.isEmpty(), qPrintable(describe(again)));
    }

    /// 2b. The live preview: a watched change is planned from the kept snapshot, without reading the directory again.
    void watchedChangePlannedFromTheSnapshot()
    {
        DirectorySnapshot snapshot;
        bool read = false;
        const Planned first = plan(m_main, &snapshot, &read);
        QVERIFY(first.finished);
        QVERIFY(read);
        QVERIFY(snapshot.isValid());
        QVERIFY2(first.plan.isEmpty(), qPrintable(describe(first.plan)));

        std::unique_ptr<Directory::DirectoryJob> watch(m_main.source->watch());
        QSignalSpy ready(watch.get(), &Directory::DirectoryJob::ready);
        QSignalSpy changed(watch.get(), &Directory::DirectoryJob::changed);
        connect(watch.get(), &Directory::DirectoryJob::changed, this, [&snapshot](const Directory::ChangeEvent &e) {
            snapshot.apply(e);
        });
        watch->start();
        QVERIFY(ready.wait(kPlanTimeoutMs));
        const Person &p = kPeople.at(0);
        QVERIFY(m_slapd->modify(replaceLdif(p.uid, "title", "Chief Engineer")));
        QVERIFY(changed.wait(kPlanTimeoutMs));

        const Planned second = plan(m_main, &snapshot, &read);
        QVERIFY(second.finished);
        QVERIFY(!read);
        QVERIFY2(second.plan.changes.size() == 1, qPrintable(describe(second.plan)));
        QCOMPARE(second.plan.changes.first().diffs.first().newValue.toString(), QStringLiteral("Chief Engineer"));

        // Back as it was, for the rest of the story.
        QVERIFY(m_slapd->modify(replaceLdif(p.uid, "title", "Principal Engineer")));
        QVERIFY(changed.wait(kPlanTimeoutMs));
        QVERIFY(plan(m_main, &snapshot, &read).plan.isEmpty());
        QVERIFY(!read);
    }

    /// 3. Leaving the scope disables, renames and unlicenses the user and frees the seat.
    void leavingScopeDisables()
    {
        const Person &p = kPeople.at(4);
        QVERIFY(!p.inGroup);
        const QString id = cloudIdOfUpn(upnOf(p.uid));
        QVERIFY(!id.isEmpty());
        const int consumedBefore = tenantState().consumedUnits(m_e3);
        QVERIFY2(m_slapd->modify(replaceLdif(p.uid, "employeeType", "inactive")), qPrintable(m_slapd->errorString()));

        const Planned planned = plan(m_main);
        QVERIFY(planned.finished);
        const ChangePlan &leaving = planned.plan;
        QVERIFY2(leaving.changes.size() == 2, qPrintable(describe(leaving)));
        const auto disable = std::find_if(leaving.changes.cbegin(), leaving.changes.cend(), [](const Change &c) {
            return c.kind == Change::Kind::Disable;
        });
        const auto licence = std::find_if(leaving.changes.cbegin(), leaving.changes.cend(), [](const Change &c) {
            return c.objectType == Change::ObjectType::Licence;
        });
        QVERIFY(disable != leaving.changes.cend());
        QVERIFY(licence != leaving.changes.cend());
        QCOMPARE(disable->objectType, Change::ObjectType::User);
        QCOMPARE(disable->cloudId, id);
        QCOMPARE(licence->cloudId, id);
        QCOMPARE(licence->payload.value(QLatin1String("removeLicenses")).toArray(), QJsonArray{m_e3});
        QVERIFY(licence->payload.value(QLatin1String("addLicenses")).toArray().isEmpty());
        // Two destructive changes among seven managed objects: the default guard (10 %) stops it unless allowed.
        QCOMPARE(leaving.destructiveCount(), 2);
        QVERIFY(m_main.settings.guard.trips(leaving, planned.managedObjects));
        QVERIFY(!m_main.settings.guard.trips(leaving, planned.managedObjects, leaving.destructiveCount()));

        const Applied applied = apply(m_main, leaving, checkedOptions(m_main));
        QVERIFY(allDone(applied));
        const QJsonObject cloud = cloudUser(id);
        QCOMPARE(cloud.value(QLatin1String("accountEnabled")).toBool(true), false);
        QCOMPARE(cloud.value(QLatin1String("displayName")).toString(),
                 QStringLiteral("ZZZ_deleted_") + displayNameOf(p));
        QVERIFY(skuIds(cloud).isEmpty());
        QCOMPARE(tenantState().consumedUnits(m_e3), consumedBefore - 1);
        const ChangePlan again = planMain();
        QVERIFY2(again.isEmpty(), qPrintable(describe(again)));
    }

    /// 4. Back in scope: enabled, original name, licensed again.
    void backInScopeEnables()
    {
        const Person &p = kPeople.at(4);
        const QString id = cloudIdOfUpn(upnOf(p.uid));
        const int consumedBefore = tenantState().consumedUnits(m_e3);
        QVERIFY2(m_slapd->modify(replaceLdif(p.uid, "employeeType", "active")), qPrintable(m_slapd->errorString()));

        const ChangePlan back = planMain();
        const auto enable = std::find_if(back.changes.cbegin(), back.changes.cend(), [](const Change &c) {
            return c.kind == Change::Kind::Enable;
        });
        QVERIFY2(enable != back.changes.cend(), qPrintable(describe(back)));
        QCOMPARE(enable->cloudId, id);
        QCOMPARE(back.destructiveCount(), 0);

        const Applied applied = apply(m_main, back, checkedOptions(m_main));
        QVERIFY(allDone(applied));
        const QJsonObject cloud = cloudUser(id);
        QCOMPARE(cloud.value(QLatin1String("accountEnabled")).toBool(false), true);
        QCOMPARE(cloud.value(QLatin1String("displayName")).toString(), displayNameOf(p));
        QCOMPARE(skuIds(cloud), QStringList{m_e3});
        QCOMPARE(tenantState().consumedUnits(m_e3), consumedBefore + 1);
        const ChangePlan again = planMain();
        QVERIFY2(again.isEmpty(), qPrintable(describe(again)));
    }

    /// 5. A managed property changed in the tenant is planned back to the directory's value, as drift.
    void cloudDriftIsOverwritten()
    {
        const Person &p = kPeople.at(1);
        const QString id = cloudIdOfUpn(upnOf(p.uid));
        const QJsonObject edit{{QStringLiteral("jobTitle"), QStringLiteral("Edited in the portal")}};
        QVERIFY(patchCloudUser(id, edit));

        const ChangePlan drift = planMain();
        QVERIFY2(drift.changes.size() == 1, qPrintable(describe(drift)));
        const Change &c = drift.changes.first();
        QCOMPARE(c.kind, Change::Kind::Update);
        QCOMPARE(c.cloudId, id);
        const QList<AttributeDiff> expected{
            {QStringLiteral("jobTitle"), QStringLiteral("Edited in the portal"), QString::fromLatin1(p.title)}};
        QCOMPARE(c.diffs, expected);
        QVERIFY2(c.reason.contains(QStringLiteral("drift")), qPrintable(c.reason));

        QVERIFY(allDone(apply(m_main, drift, checkedOptions(m_main))));
        QCOMPARE(cloudUser(id).value(QLatin1String("jobTitle")).toString(), QString::fromLatin1(p.title));
    }

    /// 6. The object moved on between plan and apply: Stale, and the tenant's edit is kept.
    void staleChangeIsNotApplied()
    {
        const Person &p = kPeople.at(2);
        const QString id = cloudIdOfUpn(upnOf(p.uid));
        QVERIFY2(m_slapd->modify(replaceLdif(p.uid, "title", "Lead Consultant")), qPrintable(m_slapd->errorString()));
        const ChangePlan planned = planMain();
        QVERIFY2(planned.changes.size() == 1, qPrintable(describe(planned)));
        QCOMPARE(planned.changes.first().cloudId, id);

        const QJsonObject edit{{QStringLiteral("jobTitle"), QStringLiteral("Edited meanwhile")}};
        QVERIFY(patchCloudUser(id, edit));
        const Applied applied = apply(m_main, planned, checkedOptions(m_main));
        QVERIFY(applied.finished);
        QVERIFY2(applied.error.isNull(), qPrintable(applied.error.userMessage));
        QCOMPARE(applied.outcomes.size(), 1);
        QCOMPARE(applied.outcomes.first().result, ChangeOutcome::Result::Stale);
        QCOMPARE(cloudUser(id).value(QLatin1String("jobTitle")).toString(), QStringLiteral("Edited meanwhile"));
        const QList<RunChangeRecord> records = m_main.store.runChanges(applied.runId);
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first().result, QStringLiteral("stale"));

        // Planned again (as the CLI does): the edit is drift now, and the directory's value wins.
        const ChangePlan again = planMain();
        QVERIFY2(again.changes.size() == 1, qPrintable(describe(again)));
        const QList<AttributeDiff> expected{
            {QStringLiteral("jobTitle"), QStringLiteral("Edited meanwhile"), QStringLiteral("Lead Consultant")}};
        QCOMPARE(again.changes.first().diffs, expected);
        QVERIFY(allDone(apply(m_main, again, checkedOptions(m_main))));
        QCOMPARE(cloudUser(id).value(QLatin1String("jobTitle")).toString(), QStringLiteral("Lead Consultant"));
        const ChangePlan done = planMain();
        QVERIFY2(done.isEmpty(), qPrintable(describe(done)));
    }

    /// 7. The first run's password sheet: 0600, one line per created user, strong passwords, none in the state store.
    void initialPasswordsOnlyInTheSheet()
    {
        QVERIFY(QFile::exists(m_passwordFile));
        const QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        const QFileDevice::Permissions userBits = QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser;
        QCOMPARE(QFile::permissions(m_passwordFile) & ~userBits, ownerOnly);

        QFile sheet(m_passwordFile);
        QVERIFY(sheet.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(sheet.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.value(0), QStringLiteral("userPrincipalName,displayName,password"));
        QCOMPARE(lines.size() - 1, m_created.size());

        QByteArray stored;
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
            QFile f(m_main.store.path() + suffix);
            if (f.open(QIODevice::ReadOnly)) {
                stored += f.readAll();
            }
        }
        QVERIFY(stored.size() > 0);

        QSet<QString> upns;
        QSet<QString> passwords;
        for (const QString &line : lines.mid(1)) {
            const QStringList fields = line.split(QLatin1Char(','));
            QCOMPARE(fields.size(), 3);
            upns.insert(fields.at(0));
            QVERIFY2(m_created.contains(fields.at(0)), qPrintable(fields.at(0)));
            QCOMPARE(fields.at(1), m_created.value(fields.at(0)));
            const QString &password = fields.at(2);
            QVERIFY(password.size() >= 16);
            QVERIFY(password.contains(QRegularExpression(QStringLiteral("[A-Z]"))));
            QVERIFY(password.contains(QRegularExpression(QStringLiteral("[a-z]"))));
            QVERIFY(password.contains(QRegularExpression(QStringLiteral("[0-9]"))));
            passwords.insert(password);
            QVERIFY2(!stored.contains(password.toUtf8()), "a password is in the state store");
            QVERIFY(!stored.contains(
                QByteArray(reinterpret_cast<const char *>(password.utf16()), int(password.size() * 2))));
        }
        QCOMPARE(upns.size(), m_created.size());
        QCOMPARE(passwords.size(), m_created.size());
    }

    /// 8. The deletion guard on a plan that disables 60 % of the managed users.
    void deletionGuardTrips()
    {
        ChangePlan p;
        for (int i = 0; i < 6; ++i) {
            Change c;
            c.kind = Change::Kind::Disable;
            c.anchor = QString::number(i);
            p.changes.append(c);
        }
        Change update;
        update.kind = Change::Kind::Update;
        p.changes.append(update);
        const int managed = 10;
        QCOMPARE(p.destructiveCount(), 6);
        QVERIFY(SyncSettings().guard.trips(p, managed));
        QVERIFY(SyncSettings().guard.trips(p, managed, p.destructiveCount() - 1));
        QVERIFY(!SyncSettings().guard.trips(p, managed, p.destructiveCount()));
        QVERIFY(!SyncSettings().guard.trips(p, managed, p.destructiveCount() + 10));
    }

    /// 9. A graceful stop after the first finished change: what is recorded exists, nothing else; the rest follows.
    void gracefulStopResumes()
    {
        const Planned planned = plan(m_bulk);
        QVERIFY(planned.finished);
        QVERIFY2(planned.error.isNull(), qPrintable(planned.error.userMessage));
        QCOMPARE(planned.plan.changes.size(), kBulkUsers);
        for (const Change &c : planned.plan.changes) {
            QCOMPARE(c.kind, Change::Kind::Create);
        }

        int stopsRequested = 0;
        const Applied stopped =
            apply(m_bulk, planned.plan, checkedOptions(m_bulk), [&stopsRequested](ApplyJob *job, int) {
                if (stopsRequested++ == 0) {
                    job->requestStop();
                }
            });
        QVERIFY(stopped.finished);
        QCOMPARE(stopped.error.code, QStringLiteral("cancelled"));
        QSet<QString> doneImmutableIds;
        int pending = 0;
        for (int i = 0; i < stopped.outcomes.size(); ++i) {
            const ChangeOutcome &o = stopped.outcomes.at(i);
            if (o.result == ChangeOutcome::Result::Done) {
                doneImmutableIds.insert(
                    planned.plan.changes.at(i).payload.value(QLatin1String("onPremisesImmutableId")).toString());
            } else {
                QCOMPARE(o.result, ChangeOutcome::Result::Pending);
                ++pending;
            }
        }
        QVERIFY(!doneImmutableIds.isEmpty());
        QVERIFY2(pending > 0, "the stop came too late to leave anything pending");

        // The run history and the links against the tenant, both ways.
        const QList<RunChangeRecord> records = m_bulk.store.runChanges(stopped.runId);
        QSet<QString> recordedDone;
        for (const RunChangeRecord &r : records) {
            if (r.result == QLatin1String("done")) {
                recordedDone.insert(r.change.payload.value(QLatin1String("onPremisesImmutableId")).toString());
            }
        }
        QCOMPARE(recordedDone, doneImmutableIds);
        QCOMPARE(m_bulk.store.runHistory(1).first().status, QStringLiteral("cancelled"));
        const QHash<QString, Link> links = m_bulk.store.links();
        QCOMPARE(links.size(), doneImmutableIds.size());
        QSet<QString> linkedIds;
        for (const Link &l : links) {
            linkedIds.insert(l.cloudId);
        }
        const auto bulkInTenant = [this] {
            QHash<QString, QString> byId; // id → immutable id
            for (auto it = tenantState().users.cbegin(); it != tenantState().users.cend(); ++it) {
                if (it->value(QLatin1String("userPrincipalName")).toString().startsWith(QLatin1String("bulk"))) {
                    byId.insert(it.key(), it->value(QLatin1String("onPremisesImmutableId")).toString());
                }
            }
            return byId;
        };
        const QHash<QString, QString> inTenant = bulkInTenant();
        QCOMPARE(QSet<QString>(inTenant.keyBegin(), inTenant.keyEnd()), linkedIds);
        const QList<QString> tenantImmutableIds = inTenant.values();
        QCOMPARE(QSet<QString>(tenantImmutableIds.cbegin(), tenantImmutableIds.cend()), doneImmutableIds);

        // The next run does the rest, and only the rest.
        const Planned rest = plan(m_bulk);
        QVERIFY(rest.finished);
        QCOMPARE(rest.plan.changes.size(), pending);
        const Applied finished = apply(m_bulk, rest.plan, checkedOptions(m_bulk));
        QVERIFY(allDone(finished));
        const QHash<QString, QString> all = bulkInTenant();
        QCOMPARE(all.size(), kBulkUsers);
        QSet<QString> upns;
        for (auto it = all.cbegin(); it != all.cend(); ++it) {
            upns.insert(cloudUser(it.key()).value(QLatin1String("userPrincipalName")).toString().toLower());
        }
        QCOMPARE(upns.size(), kBulkUsers);
        QCOMPARE(m_bulk.store.links().size(), kBulkUsers);
        const Planned empty = plan(m_bulk);
        QVERIFY(empty.finished);
        QVERIFY2(empty.plan.isEmpty(), qPrintable(describe(empty.plan)));
    }

    /// 10. Managers: the directory's manager DN becomes the manager's cloud account, also for a manager this run
    /// creates; the next plan sees them set (manager@delta); a manager removed in the directory is removed.
    void managersFollowTheDirectory()
    {
        QVERIFY(allDone(apply(m_main, planMain(), checkedOptions(m_main)))); // whatever earlier steps left
        QVERIFY(m_main.settings.rules.managedProperties().contains(QStringLiteral("manager"))); // by default
        const Person boss{"gboss", "Greta", "Boss", "Director", false};
        QByteArray add = personLdif(boss);
        add.insert(add.indexOf('\n') + 1, "changetype: add\n");
        QVERIFY2(m_slapd->modify(add), qPrintable(m_slapd->errorString()));
        QVERIFY(m_slapd->modify(replaceLdif("bkhan", "manager", "uid=amueller,ou=people,dc=example,dc=org")));
        QVERIFY(m_slapd->modify(replaceLdif("cnguyen", "manager", "uid=gboss,ou=people,dc=example,dc=org")));

        const ChangePlan planned = planMain();
        const Applied applied = apply(m_main, planned, checkedOptions(m_main));
        QVERIFY2(allDone(applied), qPrintable(describe(planned)));
        // Create and licence the new manager, then one reference per report: no empty PATCH for a manager alone.
        QCOMPARE(applied.writes, 4);
        const QString bkhan = cloudIdOfUpn(upnOf("bkhan"));
        QCOMPARE(tenantState().managers.value(bkhan), cloudIdOfUpn(upnOf("amueller")));
        QCOMPARE(tenantState().managers.value(cloudIdOfUpn(upnOf("cnguyen"))), cloudIdOfUpn(upnOf("gboss")));
        const ChangePlan settled = planMain();
        QVERIFY2(settled.isEmpty(), qPrintable(describe(settled)));

        QVERIFY(m_slapd->modify("dn: uid=bkhan,ou=people,dc=example,dc=org\nchangetype: modify\ndelete: manager\n"));
        const ChangePlan removal = planMain();
        QVERIFY2(removal.changes.size() == 1, qPrintable(describe(removal)));
        QCOMPARE(removal.changes.first().payload.value(QLatin1String("manager")), QJsonValue(QJsonValue::Null));
        QVERIFY(allDone(apply(m_main, removal, checkedOptions(m_main))));
        QVERIFY(!tenantState().managers.contains(bkhan));
        const ChangePlan again = planMain();
        QVERIFY2(again.isEmpty(), qPrintable(describe(again)));
    }

    /// 11. A disable whose new name Graph refuses (over its 256 characters) still disables the account: the applier
    /// sends accountEnabled on its own first and does not rely on the planner keeping names short.
    void disableSurvivesARefusedRename()
    {
        const Person &p = kPeople.at(5);
        const QString upn = upnOf(p.uid);
        const QString id = cloudIdOfUpn(upn);
        QVERIFY(!id.isEmpty());
        QCOMPARE(cloudUser(id).value(QLatin1String("accountEnabled")).toBool(false), true);
        const QString tooLong = QStringLiteral("ZZZ_deleted_") + QString(250, QLatin1Char('x'));
        Change c;
        c.kind = Change::Kind::Disable;
        c.objectType = Change::ObjectType::User;
        c.anchor = anchorOf(upn);
        c.cloudId = id;
        c.displayName = displayNameOf(p);
        c.userPrincipalName = upn;
        c.diffs = {{QStringLiteral("accountEnabled"), true, false},
                   {QStringLiteral("displayName"), displayNameOf(p), tooLong}};
        c.payload = QJsonObject{{QStringLiteral("accountEnabled"), false}, {QStringLiteral("displayName"), tooLong}};
        ChangePlan disabling;
        disabling.changes.append(c);

        const Applied applied = apply(m_main, disabling, ApplyOptions());
        QVERIFY(applied.finished);
        QVERIFY2(applied.error.isNull(), qPrintable(applied.error.userMessage));
        QCOMPARE(applied.outcomes.size(), 1);
        QCOMPARE(cloudUser(id).value(QLatin1String("accountEnabled")).toBool(true), false);
        QCOMPARE(cloudUser(id).value(QLatin1String("displayName")).toString(), displayNameOf(p));
        // Failed, so the admin sees it and the next plan renames again; but the account is disabled, and says so.
        QCOMPARE(applied.outcomes.first().result, ChangeOutcome::Result::Failed);
        QVERIFY2(applied.outcomes.first().message.contains(QLatin1String("disabled")),
                 qPrintable(applied.outcomes.first().message));

        // Still in scope in the directory: the next sync enables it again.
        const ChangePlan back = planMain();
        QVERIFY2(back.changes.size() == 1 && back.changes.first().cloudId == id, qPrintable(describe(back)));
        QVERIFY(allDone(apply(m_main, back, checkedOptions(m_main))));
        QCOMPARE(cloudUser(id).value(QLatin1String("accountEnabled")).toBool(false), true);
        const ChangePlan again = planMain();
        QVERIFY2(again.isEmpty(), qPrintable(describe(again)));
    }

    /// 12. Twenty members bound in one request, one of whom was deleted in the tenant after planning: Graph refuses
    /// the whole request (group-post-members.md); the other 19 join one by one and only the missing one is reported.
    void aDeletedMemberDoesNotKeepTheOthersOut()
    {
        QList<MemberRef> members;
        const QHash<QString, Link> bulk = m_bulk.store.links();
        for (const Link &l : bulk) {
            if (members.size() < 20) {
                members.append({l.anchor, l.cloudId});
            }
        }
        QCOMPARE(members.size(), 20);
        const QString token = m_sandbox->demoToken();
        const SandboxFixture::Reply created =
            m_sandbox->graph("POST",
                             QStringLiteral("/groups"),
                             token,
                             QJsonObject{{QStringLiteral("displayName"), QStringLiteral("Fallback")},
                                         {QStringLiteral("mailEnabled"), false},
                                         {QStringLiteral("mailNickname"), QStringLiteral("fallback")},
                                         {QStringLiteral("securityEnabled"), true}});
        QCOMPARE(created.status, 201);
        const QString groupId = QJsonDocument::fromJson(created.body).object().value(QLatin1String("id")).toString();
        QVERIFY(!groupId.isEmpty());
        Change c;
        c.kind = Change::Kind::Update;
        c.objectType = Change::ObjectType::Membership;
        c.anchor = QStringLiteral("fallback");
        c.cloudId = groupId;
        c.displayName = QStringLiteral("Fallback");
        c.membersToAdd = members;
        ChangePlan planned;
        planned.changes.append(c);

        const MemberRef gone = members.at(7);
        QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/users/") + gone.cloudId, token).status, 204);
        const Applied applied = apply(m_bulk, planned, ApplyOptions());
        QVERIFY(applied.finished);
        QVERIFY2(applied.error.isNull(), qPrintable(applied.error.userMessage));
        QCOMPARE(applied.outcomes.size(), 1);
        QStringList expected;
        for (const MemberRef &m : std::as_const(members)) {
            if (m.cloudId != gone.cloudId) {
                expected.append(m.cloudId);
            }
        }
        QStringList inGroup = tenantState().members.value(groupId);
        expected.sort();
        inGroup.sort();
        QCOMPARE(inGroup, expected);
        const ChangeOutcome &outcome = applied.outcomes.first();
        QCOMPARE(outcome.result, ChangeOutcome::Result::Failed);
        QVERIFY2(outcome.message.contains(gone.anchor), qPrintable(outcome.message));
        for (const MemberRef &m : std::as_const(members)) {
            QVERIFY2(m.anchor == gone.anchor || !outcome.message.contains(m.anchor), qPrintable(outcome.message));
        }
    }

    /// 13. A user this profile deleted comes back within the deleted-items window: restored with its id (and so its
    /// licence), set to the directory's values, linked again; the next sync finds nothing to do.
    void restoredFromTheDeletedItems()
    {
        const Person &p = kPeople.at(5);
        const QString upn = upnOf(p.uid);
        const QString id = cloudIdOfUpn(upn);
        const QString anchor = anchorOf(upn);
        QVERIFY(!id.isEmpty());
        QVERIFY(!anchor.isEmpty());
        const QString edited = QStringLiteral("Edited before the deletion");
        QVERIFY(patchCloudUser(id, QJsonObject{{QStringLiteral("jobTitle"), edited}}));
        QCOMPARE(m_sandbox->graph("DELETE", QStringLiteral("/users/") + id, m_sandbox->demoToken()).status, 204);
        QVERIFY(m_main.store.unlink(anchor).ok()); // as the run that deleted it did
        QVERIFY(!tenantState().users.contains(id));
        QVERIFY(!m_main.store.links().contains(anchor));

        Change c;
        c.kind = Change::Kind::Restore;
        c.objectType = Change::ObjectType::User;
        c.anchor = anchor;
        c.cloudId = id;
        c.displayName = displayNameOf(p);
        c.userPrincipalName = upn;
        c.diffs = {{QStringLiteral("jobTitle"), edited, QString::fromLatin1(p.title)}};
        c.payload = QJsonObject{{QStringLiteral("jobTitle"), QString::fromLatin1(p.title)}};
        ChangePlan restoring;
        restoring.changes.append(c);
        const Applied applied = apply(m_main, restoring, checkedOptions(m_main));
        QVERIFY2(allDone(applied), qPrintable(applied.outcomes.value(0).message));
        QCOMPARE(applied.writes, 2); // the restore, then the PATCH of what changed
        QVERIFY(tenantState().users.contains(id));
        QCOMPARE(cloudUser(id).value(QLatin1String("jobTitle")).toString(), QString::fromLatin1(p.title));
        QCOMPARE(skuIds(cloudUser(id)), QStringList{m_e3});
        QCOMPARE(m_main.store.links().value(anchor).cloudId, id);
        const QList<RunChangeRecord> records = m_main.store.runChanges(applied.runId);
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first().change.kind, Change::Kind::Restore);
        QCOMPARE(records.first().result, QStringLiteral("done"));

        const ChangePlan again = planMain();
        QVERIFY2(again.isEmpty(), qPrintable(describe(again)));
    }
};

QTEST_GUILESS_MAIN(TestSyncEngine)
#include "tst_syncengine.moc"
