// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/directorysource.h"
#include "directory/ldapsource.h"
#include "sync/initialpasswords.h"
#include "sync/syncsettings.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace M365;
using namespace M365::Sync;

namespace {

/// A plan with @p disables user disables, one licence change removing @p licences SKUs, and an update.
ChangePlan destructivePlan(int disables, int licences = 0)
{
    ChangePlan plan;
    for (int i = 0; i < disables; ++i) {
        Change c;
        c.kind = Change::Kind::Disable;
        c.anchor = QString::number(i);
        plan.changes.append(c);
    }
    if (licences > 0) {
        Change l;
        l.objectType = Change::ObjectType::Licence;
        QJsonArray remove;
        for (int i = 0; i < licences; ++i) {
            remove.append(QStringLiteral("sku-%1").arg(i));
        }
        l.payload =
            QJsonObject{{QStringLiteral("addLicenses"), QJsonArray()}, {QStringLiteral("removeLicenses"), remove}};
        plan.changes.append(l);
    }
    Change update;
    update.kind = Change::Kind::Update;
    plan.changes.append(update);
    return plan;
}

} // namespace

class TestSyncSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        SyncSettings s;
        s.rules.domain = QStringLiteral("contoso.onmicrosoft.com");
        s.rules.defaultUsageLocation = QStringLiteral("AT");
        s.rules.upnTemplate = QStringLiteral("{mail}");
        s.rules.rules.append(AttributeRule{QStringLiteral("carLicense"),
                                           QStringLiteral("employeeType"),
                                           AttributeRule::Static,
                                           QStringLiteral("staff")});
        const Result<Scope> scope = Scope::fromFilter(QStringLiteral("(&(objectClass=person)(!(employeeType=x)))"));
        QVERIFY(scope.ok());
        s.scope = scope.value;
        s.scope.setGroups({QStringLiteral("cn=staff,ou=groups,dc=example,dc=org")});
        const Result<Scope> groupScope = Scope::fromFilter(QStringLiteral("(cn=team*)"));
        QVERIFY(groupScope.ok());
        s.options.groupScope = groupScope.value;
        s.options.softMatch = true;
        s.options.hardDelete = true;
        s.options.syncGroups = false;
        s.options.defaultSkuId = QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900");
        s.options.skuByGroup.insert(QStringLiteral("cn=finance,ou=groups,dc=example,dc=org"),
                                    QStringLiteral("4b9405b0-7788-4568-add1-99614e613b69"));
        s.options.licenceGroupBySku.insert(QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900"),
                                           QStringLiteral("0a2f6c1e-5b7d-4e8f-9a10-b2c3d4e5f607"));
        s.options.disablePrefix = QStringLiteral("OLD_");
        s.guard.mode = DeletionGuard::Mode::Count;
        s.guard.count = 42;

        const Result<SyncSettings> back = SyncSettings::fromJson(s.toJson());
        QVERIFY2(back.ok(), qPrintable(back.error.userMessage));
        const SyncSettings &r = back.value;
        QVERIFY(r.rules == s.rules);
        QCOMPARE(r.scope.filter(), s.scope.filter());
        QCOMPARE(r.scope.groups(), s.scope.groups());
        QCOMPARE(r.options.groupScope.filter(), s.options.groupScope.filter());
        QCOMPARE(r.options.softMatch, true);
        QCOMPARE(r.options.hardDelete, true);
        QCOMPARE(r.options.syncGroups, false);
        QCOMPARE(r.options.defaultSkuId, s.options.defaultSkuId);
        QCOMPARE(r.options.skuByGroup, s.options.skuByGroup);
        QCOMPARE(r.options.licenceGroupBySku, s.options.licenceGroupBySku);
        QCOMPARE(r.options.disablePrefix, QStringLiteral("OLD_"));
        QCOMPARE(r.guard.mode, DeletionGuard::Mode::Count);
        QCOMPARE(r.guard.count, 42);
        // And the JSON itself is stable through a second trip.
        QCOMPARE(r.toJson(), s.toJson());
    }

    void defaultsFromEmptyJson()
    {
        const Result<SyncSettings> parsed = SyncSettings::fromJson(QJsonObject());
        QVERIFY(parsed.ok());
        const SyncSettings defaults;
        QVERIFY(parsed.value.rules == defaults.rules);
        QCOMPARE(parsed.value.options.softMatch, false);
        QCOMPARE(parsed.value.options.hardDelete, false);
        QCOMPARE(parsed.value.options.syncGroups, true);
        QCOMPARE(parsed.value.options.disablePrefix, QStringLiteral("ZZZ_deleted_"));
        QCOMPARE(parsed.value.guard.mode, DeletionGuard::Mode::Default);
        QVERIFY(defaults.guard.toJson().isEmpty());
    }

    void licenceGroupsReachThePlanOptions()
    {
        // The profile's "sync" object as it is saved: licenceGroups is what the planner gets as licenceGroupBySku.
        const QJsonObject json{{QStringLiteral("defaultSkuId"), QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900")},
                               {QStringLiteral("licenceGroups"),
                                QJsonObject{{QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900"),
                                             QStringLiteral("0a2f6c1e-5b7d-4e8f-9a10-b2c3d4e5f607")},
                                            {QStringLiteral("4B9405B0-7788-4568-ADD1-99614E613B69"),
                                             QStringLiteral("11111111-2222-3333-4444-555555555555")}}}};
        const Result<SyncSettings> parsed = SyncSettings::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error.userMessage));
        const QHash<QString, QString> expected{{QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900"),
                                                QStringLiteral("0a2f6c1e-5b7d-4e8f-9a10-b2c3d4e5f607")},
                                               {QStringLiteral("4B9405B0-7788-4568-ADD1-99614E613B69"),
                                                QStringLiteral("11111111-2222-3333-4444-555555555555")}};
        QCOMPARE(parsed.value.options.licenceGroupBySku, expected);
        QCOMPARE(parsed.value.toJson().value(QLatin1String("licenceGroups")).toObject(),
                 json.value(QLatin1String("licenceGroups")).toObject());
        // None by default.
        QVERIFY(SyncSettings::fromJson(QJsonObject()).value.options.licenceGroupBySku.isEmpty());
    }

    void guardJson_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("count");
        QTest::addColumn<double>("percent");
        QTest::newRow("default") << QJsonObject() << int(DeletionGuard::Mode::Default) << 500 << 10.0;
        QTest::newRow("count") << QJsonObject{{QStringLiteral("count"), 7}} << int(DeletionGuard::Mode::Count) << 7
                               << 10.0;
        QTest::newRow("negative count") << QJsonObject{{QStringLiteral("count"), -3}} << int(DeletionGuard::Mode::Count)
                                        << 0 << 10.0;
        QTest::newRow("percent") << QJsonObject{{QStringLiteral("percent"), 2.5}} << int(DeletionGuard::Mode::Percent)
                                 << 500 << 2.5;
        QTest::newRow("percent above 100")
            << QJsonObject{{QStringLiteral("percent"), 250}} << int(DeletionGuard::Mode::Percent) << 500 << 100.0;
    }

    void guardJson()
    {
        QFETCH(QJsonObject, json);
        QFETCH(int, mode);
        QFETCH(int, count);
        QFETCH(double, percent);
        const DeletionGuard g = DeletionGuard::fromJson(json);
        QCOMPARE(int(g.mode), mode);
        QCOMPARE(g.count, count);
        QCOMPARE(g.percent, percent);
        const DeletionGuard again = DeletionGuard::fromJson(g.toJson());
        QCOMPARE(again.mode, g.mode);
        QCOMPARE(again.threshold(1234), g.threshold(1234));
    }

    void invalidSettings_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("empty prefix") << QJsonObject{{QStringLiteral("disablePrefix"), QString()}}
                                      << QStringLiteral("prefix");
        QTest::newRow("sku not a string")
            << QJsonObject{{QStringLiteral("skuByGroup"), QJsonObject{{QStringLiteral("cn=a"), 5}}}}
            << QStringLiteral("cn=a");
        QTest::newRow("sku by group not a guid")
            << QJsonObject{{QStringLiteral("skuByGroup"),
                            QJsonObject{{QStringLiteral("cn=b"), QStringLiteral("ENTERPRISEPACK")}}}}
            << QStringLiteral("cn=b");
        QTest::newRow("default sku not a guid")
            << QJsonObject{{QStringLiteral("defaultSkuId"), QStringLiteral("ENTERPRISEPACK")}}
            << QStringLiteral("ENTERPRISEPACK");
        QTest::newRow("licence group sku not a guid")
            << QJsonObject{{QStringLiteral("licenceGroups"),
                            QJsonObject{
                                {QStringLiteral("SPE_E3"), QStringLiteral("0a2f6c1e-5b7d-4e8f-9a10-b2c3d4e5f607")}}}}
            << QStringLiteral("SPE_E3");
        QTest::newRow("licence group sku almost a guid")
            << QJsonObject{{QStringLiteral("licenceGroups"),
                            QJsonObject{{QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b90"),
                                         QStringLiteral("0a2f6c1e-5b7d-4e8f-9a10-b2c3d4e5f607")}}}}
            << QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b90");
        QTest::newRow("licence group not a group id")
            << QJsonObject{{QStringLiteral("licenceGroups"),
                            QJsonObject{{QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900"), 7}}}}
            << QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900");
        QTest::newRow("bad scope filter")
            << QJsonObject{{QStringLiteral("scope"), QJsonObject{{QStringLiteral("filter"), QStringLiteral("(uid=x")}}}}
            << QString();
    }

    void invalidSettings()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, messagePart);
        const Result<SyncSettings> parsed = SyncSettings::fromJson(json);
        QVERIFY(!parsed.ok());
        QVERIFY(!parsed.error.userMessage.isEmpty());
        QVERIFY2(parsed.error.userMessage.contains(messagePart), qPrintable(parsed.error.userMessage));
    }

    // profile set-sync: every problem of a hand-written file, each with its JSON path, before anything is saved.
    void validate_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QStringList>("expected"); // the start of each problem, in order
        const auto o = [](std::initializer_list<QPair<QString, QJsonValue>> members) {
            QJsonObject object;
            for (const auto &m : members) {
                object.insert(m.first, m.second);
            }
            return object;
        };
        QTest::newRow("what toJson writes") << SyncSettings().toJson() << QStringList();
        QTest::newRow("empty") << QJsonObject() << QStringList();
        QTest::newRow("unknown member (a typo)")
            << o({{QStringLiteral("softmatch"), true}})
            << QStringList{QStringLiteral("settings.softmatch: unknown member; the members here are rules, scope,")};
        QTest::newRow("a number where a string belongs")
            << o({{QStringLiteral("rules"), o({{QStringLiteral("domain"), 5}})}})
            << QStringList{QStringLiteral("settings.rules.domain: expected a string, found a number")};
        QTest::newRow("a string where a flag belongs")
            << o({{QStringLiteral("softMatch"), QStringLiteral("yes")}})
            << QStringList{QStringLiteral("settings.softMatch: expected true or false, found a string")};
        QTest::newRow("rules list: a mode and a missing property")
            << o({{QStringLiteral("rules"),
                   o({{QStringLiteral("rules"),
                       QJsonArray{o({{QStringLiteral("directoryAttribute"), QStringLiteral("mail")},
                                     {QStringLiteral("graphProperty"), QStringLiteral("mail")}}),
                                  o({{QStringLiteral("graphProperty"), QStringLiteral("jobTitle")},
                                     {QStringLiteral("mode"), QStringLiteral("fixed")}}),
                                  o({{QStringLiteral("directoryAttribute"), QStringLiteral("title")}})}}})}})
            << QStringList{QStringLiteral("settings.rules.rules[1].mode: \"fixed\" is not a mode"),
                           QStringLiteral("settings.rules.rules[2].graphProperty: missing")};
        QTest::newRow("usage location") << o(
            {{QStringLiteral("rules"), o({{QStringLiteral("defaultUsageLocation"), QStringLiteral("AUT")}})}})
                                        << QStringList{QStringLiteral("settings.rules.defaultUsageLocation: \"AUT\"")};
        QTest::newRow("scope filter") << o(
            {{QStringLiteral("scope"), o({{QStringLiteral("filter"), QStringLiteral("(uid=x")}})}})
                                      << QStringList{QStringLiteral("settings.scope.filter: ")};
        QTest::newRow("guard: both, and negative")
            << o({{QStringLiteral("deletionGuard"),
                   o({{QStringLiteral("count"), -3}, {QStringLiteral("percent"), 5}})}})
            << QStringList{QStringLiteral("settings.deletionGuard: give either \"count\" or \"percent\", not both"),
                           QStringLiteral("settings.deletionGuard.count: expected a whole number of 0 or more")};
        QTest::newRow("guard: percent over 100")
            << o({{QStringLiteral("deletionGuard"), o({{QStringLiteral("percent"), 150}})}})
            << QStringList{QStringLiteral("settings.deletionGuard.percent: expected a percentage from 0 to 100")};
        QTest::newRow("schedule") << o({{QStringLiteral("schedule"),
                                         o({{QStringLiteral("every"), QStringLiteral("weekly")},
                                            {QStringLiteral("at"), QStringLiteral("25:00")}})}})
                                  << QStringList{QStringLiteral("settings.schedule.every: \"weekly\" is not hour"),
                                                 QStringLiteral("settings.schedule.at: \"25:00\" is not a time")};
        QTest::newRow("licence of a group")
            << o({{QStringLiteral("skuByGroup"), o({{QStringLiteral("cn=staff"), QStringLiteral("ENTERPRISEPACK")}})}})
            << QStringList{QStringLiteral("settings.skuByGroup.cn=staff: \"ENTERPRISEPACK\" is not a GUID")};
        QTest::newRow("exclusion key") << o({{QStringLiteral("exclusions"),
                                              QJsonArray{o({{QStringLiteral("type"), QStringLiteral("user")},
                                                            {QStringLiteral("key"), QStringLiteral("x")}})}}})
                                       << QStringList{QStringLiteral("settings.exclusions[0].key: expected \"a:\"")};
        QTest::newRow("all problems at once")
            << o({{QStringLiteral("hardDelete"), 1},
                  {QStringLiteral("disablePrefix"), QString()},
                  {QStringLiteral("groupScope"), QJsonArray()}})
            << QStringList{QStringLiteral("settings.groupScope: expected an object, found a list"),
                           QStringLiteral("settings.hardDelete: expected true or false, found a number"),
                           QStringLiteral("settings.disablePrefix: must not be empty")};
    }

    void validate()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QStringList, expected);
        const QStringList problems = SyncSettings::validate(json);
        QVERIFY2(problems.size() == expected.size(), qPrintable(problems.join(QLatin1Char('\n'))));
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QVERIFY2(problems.at(i).startsWith(expected.at(i)), qPrintable(problems.at(i)));
        }
        if (problems.isEmpty()) {
            QVERIFY(SyncSettings::fromJson(json).ok()); // what validate() accepts, fromJson() reads
        }
    }

    void validateRefusesWhatFromJsonRefuses_data() { invalidSettings_data(); }
    void validateRefusesWhatFromJsonRefuses()
    {
        QFETCH(QJsonObject, json);
        QVERIFY(!SyncSettings::validate(json).isEmpty());
    }

    void validateNamesTheRoot()
    {
        const QStringList problems = SyncSettings::validate(
            QJsonObject{{QStringLiteral("syncGroups"), QStringLiteral("no")}}, QStringLiteral("sync"));
        QCOMPARE(problems, QStringList{QStringLiteral("sync.syncGroups: expected true or false, found a string")});
    }

    void threshold_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("count");
        QTest::addColumn<double>("percent");
        QTest::addColumn<int>("managed");
        QTest::addColumn<int>("expected");
        const int def = int(DeletionGuard::Mode::Default);
        const int cnt = int(DeletionGuard::Mode::Count);
        const int pct = int(DeletionGuard::Mode::Percent);
        QTest::newRow("default, none managed") << def << 500 << 10.0 << 0 << 0;
        QTest::newRow("default, 9 managed") << def << 500 << 10.0 << 9 << 0;
        QTest::newRow("default, 10 managed") << def << 500 << 10.0 << 10 << 1;
        QTest::newRow("default, 1,234 managed") << def << 500 << 10.0 << 1234 << 123;
        QTest::newRow("default, 4,999 managed") << def << 500 << 10.0 << 4999 << 499;
        QTest::newRow("default, 5,000 managed") << def << 500 << 10.0 << 5000 << 500;
        QTest::newRow("default, 100,000 managed: capped") << def << 500 << 10.0 << 100000 << 500;
        QTest::newRow("count, few managed") << cnt << 25 << 10.0 << 3 << 25;
        QTest::newRow("count, many managed") << cnt << 25 << 10.0 << 100000 << 25;
        QTest::newRow("count zero") << cnt << 0 << 10.0 << 100 << 0;
        QTest::newRow("percent 25 of 10") << pct << 500 << 25.0 << 10 << 2;
        QTest::newRow("percent 25 of 100") << pct << 500 << 25.0 << 100 << 25;
        QTest::newRow("percent not capped at 500") << pct << 500 << 10.0 << 100000 << 10000;
        QTest::newRow("percent 0.5 of 1,000") << pct << 500 << 0.5 << 1000 << 5;
    }

    void threshold()
    {
        QFETCH(int, mode);
        QFETCH(int, count);
        QFETCH(double, percent);
        QFETCH(int, managed);
        QFETCH(int, expected);
        DeletionGuard g;
        g.mode = DeletionGuard::Mode(mode);
        g.count = count;
        g.percent = percent;
        QCOMPARE(g.threshold(managed), expected);
        // At the threshold a plan passes; one more destructive change trips it unless that many are allowed.
        const ChangePlan atThreshold = destructivePlan(expected);
        QCOMPARE(atThreshold.destructiveCount(), expected);
        QVERIFY(!g.trips(atThreshold, managed));
        const ChangePlan over = destructivePlan(expected, 1);
        QCOMPARE(over.destructiveCount(), expected + 1);
        QVERIFY(g.trips(over, managed));
        QVERIFY(g.trips(over, managed, expected));
        QVERIFY(!g.trips(over, managed, expected + 1));
    }

    void sixtyPercentTripsTheDefault()
    {
        const ChangePlan plan = destructivePlan(6);
        QVERIFY(SyncSettings().guard.trips(plan, 10));
        QVERIFY(!SyncSettings().guard.trips(plan, 10, plan.destructiveCount()));
        QVERIFY(SyncSettings().guard.trips(destructivePlan(4, 2), 10, 5));
    }

    void directorySource_data()
    {
        QTest::addColumn<QJsonObject>("directory");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("messagePart");
        const auto obj = [](const QString &type, const QString &path = {}) {
            QJsonObject o{{QStringLiteral("type"), type}};
            if (!path.isEmpty()) {
                o.insert(QStringLiteral("path"), path);
            }
            return o;
        };
        QTest::newRow("unknown type") << obj(QStringLiteral("novell")) << false << QStringLiteral("\"novell\"");
        QTest::newRow("no type") << QJsonObject() << false << QStringLiteral("no directory");
        QTest::newRow("ldif without path") << obj(QStringLiteral("ldif")) << false << QStringLiteral("file");
        QTest::newRow("csv without path") << obj(QStringLiteral("csv")) << false << QStringLiteral("file");
        QTest::newRow("ldif") << obj(QStringLiteral("ldif"), QStringLiteral("/tmp/x.ldif")) << true << QString();
        QTest::newRow("csv") << obj(QStringLiteral("csv"), QStringLiteral("/tmp/x.csv")) << true << QString();
        QTest::newRow("openldap") << QJsonObject{{QStringLiteral("type"), QStringLiteral("openldap")},
                                                 {QStringLiteral("url"), QStringLiteral("ldap://127.0.0.1:1")},
                                                 {QStringLiteral("baseDn"), QStringLiteral("dc=example,dc=org")}}
                                  << true << QString();
    }

    void directorySource()
    {
        QFETCH(QJsonObject, directory);
        QFETCH(bool, ok);
        QFETCH(QString, messagePart);
        const auto source = createDirectorySource(directory);
        QCOMPARE(source.ok(), ok);
        if (ok) {
            QVERIFY(source.value != nullptr);
            return;
        }
        QVERIFY(source.value == nullptr);
        QCOMPARE(source.error.code, QStringLiteral("profile.directory"));
        QVERIFY2(source.error.userMessage.contains(messagePart), qPrintable(source.error.userMessage));
    }

    void containerScopesFromTheProfile()
    {
        // What the wizard's container tree writes reaches the LDAP source of every run.
        const QJsonObject directory{
            {QStringLiteral("type"), QStringLiteral("activedirectory")},
            {QStringLiteral("url"), QStringLiteral("ldaps://dc1.example.test")},
            {QStringLiteral("baseDn"), QStringLiteral("DC=example,DC=test")},
            {QStringLiteral("userContainers"),
             QJsonObject{{QStringLiteral("exclude"), QJsonArray{QStringLiteral("OU=Bulk,DC=example,DC=test")}}}},
            {QStringLiteral("groupContainers"),
             QJsonObject{{QStringLiteral("include"), QJsonArray{QStringLiteral("OU=Groups,DC=example,DC=test")}}}}};
        const auto source = createDirectorySource(directory);
        QVERIFY(source.ok());
        const auto *ldap = qobject_cast<const Directory::LdapSource *>(source.value.get());
        QVERIFY(ldap);
        QCOMPARE(ldap->config().userContainers,
                 Directory::ContainerScope({}, {QStringLiteral("OU=Bulk,DC=example,DC=test")}));
        QCOMPARE(ldap->config().groupContainers,
                 Directory::ContainerScope({QStringLiteral("OU=Groups,DC=example,DC=test")}, {}));
        QVERIFY(!ldap->config().userContainers.contains(QStringLiteral("CN=x,OU=Bulk,DC=example,DC=test")));

        // Without them, everything below the base.
        QJsonObject plain = directory;
        plain.remove(QStringLiteral("userContainers"));
        plain.remove(QStringLiteral("groupContainers"));
        const auto unscoped = createDirectorySource(plain);
        const auto *all = qobject_cast<const Directory::LdapSource *>(unscoped.value.get());
        QVERIFY(all);
        QVERIFY(all->config().userContainers.isEmpty());
        QVERIFY(all->config().groupContainers.isEmpty());
    }

    void ldapTypes()
    {
        const auto typed = [](const char *type) {
            return QJsonObject{{QStringLiteral("type"), QString::fromLatin1(type)}};
        };
        for (const char *type : {"openldap", "activedirectory", "univention", "389ds"}) {
            QVERIFY(isLdapDirectory(typed(type)));
        }
        QVERIFY(!isLdapDirectory(typed("ldif")));
        QVERIFY(!isLdapDirectory(typed("csv")));
    }

    void initialPasswords()
    {
        const QString symbols = QStringLiteral("!#$%&*+-=?@_");
        QSet<QString> seen;
        for (int i = 0; i < 1000; ++i) {
            const QString p = generateInitialPassword();
            QCOMPARE(p.size(), 20);
            bool upper = false;
            bool lower = false;
            bool digit = false;
            bool symbol = false;
            for (const QChar ch : p) {
                QVERIFY2(ch.unicode() < 128, qPrintable(p));
                upper |= ch.isUpper();
                lower |= ch.isLower();
                digit |= ch.isDigit();
                symbol |= symbols.contains(ch);
            }
            QVERIFY2(upper && lower && digit && symbol, qPrintable(p));
            seen.insert(p);
        }
        QCOMPARE(seen.size(), 1000);
    }
};

QTEST_GUILESS_MAIN(TestSyncSettings)
#include "tst_syncsettings.moc"
