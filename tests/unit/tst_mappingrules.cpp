// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directory/directoryjob.h"
#include "directory/ldifsource.h"
#include "sync/mappingrules.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace M365::Sync;
using M365::Directory::DirectoryEntry;
using M365::Directory::EntryKind;

namespace {

DirectoryEntry person(const QString &uid, const QHash<QString, QStringList> &attributes = {})
{
    DirectoryEntry e;
    e.kind = EntryKind::User;
    e.dn = QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(uid);
    e.anchor = QStringLiteral("anchor-") + uid;
    e.anchorAttribute = QStringLiteral("entryuuid");
    e.addValue(QStringLiteral("uid"), uid);
    e.addValue(QStringLiteral("cn"), QStringLiteral("Person ") + uid);
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it) {
        e.attributes.remove(it.key().toLower());
        for (const QString &v : it.value()) {
            e.addValue(it.key(), v);
        }
    }
    return e;
}

MappingRules rules()
{
    MappingRules r = MappingRules::defaults();
    r.domain = QStringLiteral("example.org");
    r.anonymizeSalt = "salt";
    return r;
}

} // namespace

class TestMappingRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizeUpn_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << "jdoe"
                               << "jdoe@example.org" << true;
        QTest::newRow("umlauts") << "Jürgen.Müller"
                                 << "Juergen.Mueller@example.org" << true;
        QTest::newRow("eszett") << "strauß"
                                << "strauss@example.org" << true;
        QTest::newRow("accents") << "José.Núñez"
                                 << "Jose.Nunez@example.org" << true;
        QTest::newRow("nordic") << "Åsa.Øberg"
                                << "Asa.Oberg@example.org" << true;
        QTest::newRow("turkish dotless i") << "Ömer.Yıldız"
                                           << "Oemer.Yildiz@example.org" << true;
        QTest::newRow("spaces become dots") << "Anna  Maria Berg"
                                            << "Anna.Maria.Berg@example.org" << true;
        QTest::newRow("dots collapse and trim") << ".a..b."
                                                << "a.b@example.org" << true;
        QTest::newRow("forbidden dropped") << "o(b)r*i%e&n"
                                           << "obrien@example.org" << true;
        QTest::newRow("apostrophe kept") << "o'brien"
                                         << "o'brien@example.org" << true;
        QTest::newRow("own domain kept, lower-cased") << "Max@Other.Example.COM"
                                                      << "Max@other.example.com" << true;
        QTest::newRow("64 characters at most")
            << QString(70, QLatin1Char('a')) << QString(64, QLatin1Char('a')) + QStringLiteral("@example.org") << true;
        QTest::newRow("nothing usable") << "山田" << QString() << false;
        QTest::newRow("empty") << "" << QString() << false;
        QTest::newRow("bad domain") << "x@exa mple" << QString() << false;
    }

    void normalizeUpn()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QFETCH(bool, valid);
        const UpnResult r = MappingRules::normalizeUpn(input, QStringLiteral("example.org"));
        QCOMPARE(r.ok(), valid);
        QCOMPARE(r.value, expected);
        if (!valid) {
            QVERIFY(!r.invalidReason.isEmpty());
        }
    }

    void noDomain()
    {
        const UpnResult r = MappingRules::normalizeUpn(QStringLiteral("jdoe"), QString());
        QVERIFY(!r.ok());
        QVERIFY(r.invalidReason.contains(QLatin1String("domain")));
    }

    void mapDefaults()
    {
        DirectoryEntry e =
            person(QStringLiteral("jmuller"),
                   {{QStringLiteral("givenName"), {QStringLiteral("Jürgen")}},
                    {QStringLiteral("sn"), {QStringLiteral("Müller")}},
                    {QStringLiteral("displayName"), {QStringLiteral("Jürgen Müller")}},
                    {QStringLiteral("title"), {QStringLiteral("Engineer")}},
                    {QStringLiteral("departmentNumber"), {QStringLiteral("Engineering")}},
                    {QStringLiteral("telephoneNumber"), {QStringLiteral("+49 1"), QStringLiteral("+49 2")}},
                    {QStringLiteral("mail"), {QStringLiteral("jm@example.org"), QStringLiteral("j@x.org")}},
                    {QStringLiteral("l"), {QStringLiteral("Berlin")}},
                    {QStringLiteral("c"), {QStringLiteral("de")}}});
        MappingRules r = rules();
        r.defaultUsageLocation = QStringLiteral("US");
        const MappedUser m = r.map(e);
        QVERIFY2(m.isValid(), qPrintable(m.invalidReason));
        const QJsonObject o = m.toObject();
        QCOMPARE(o.value(QLatin1String("givenName")).toString(), QStringLiteral("Jürgen"));
        QCOMPARE(o.value(QLatin1String("surname")).toString(), QStringLiteral("Müller"));
        QCOMPARE(o.value(QLatin1String("displayName")).toString(), QStringLiteral("Jürgen Müller"));
        QCOMPARE(o.value(QLatin1String("jobTitle")).toString(), QStringLiteral("Engineer"));
        QCOMPARE(o.value(QLatin1String("department")).toString(), QStringLiteral("Engineering"));
        QCOMPARE(o.value(QLatin1String("city")).toString(), QStringLiteral("Berlin"));
        // Graph keeps one business phone; otherMails takes them all.
        QCOMPARE(o.value(QLatin1String("businessPhones")).toArray(), QJsonArray{QStringLiteral("+49 1")});
        QCOMPARE(o.value(QLatin1String("otherMails")).toArray().size(), 2);
        QVERIFY(!o.contains(QLatin1String("mail")));
        // Absent managed attributes are null so that the cloud value gets cleared.
        QVERIFY(o.value(QLatin1String("mobilePhone")).isNull());
        QCOMPARE(o.value(QLatin1String("userPrincipalName")).toString(), QStringLiteral("jmuller@example.org"));
        QCOMPARE(o.value(QLatin1String("mailNickname")).toString(), QStringLiteral("jmuller"));
        QCOMPARE(o.value(QLatin1String("accountEnabled")).toBool(), true);
        // The user's country wins over the default usage location.
        QCOMPARE(o.value(QLatin1String("usageLocation")).toString(), QStringLiteral("DE"));
    }

    void displayNameFallsBackToCn()
    {
        const MappedUser m = rules().map(person(QStringLiteral("a")));
        QCOMPARE(m.value(QStringLiteral("displayName")).toString(), QStringLiteral("Person a"));
    }

    void usageLocation_data()
    {
        QTest::addColumn<QString>("country");
        QTest::addColumn<QString>("countryCode");
        QTest::addColumn<QString>("defaultLocation");
        QTest::addColumn<QString>("expected"); // empty: not managed
        QTest::newRow("default only") << ""
                                      << ""
                                      << "US"
                                      << "US";
        QTest::newRow("c wins") << "se"
                                << ""
                                << "US"
                                << "SE";
        QTest::newRow("countryCode when two letters") << ""
                                                      << "NO"
                                                      << "US"
                                                      << "NO";
        QTest::newRow("numeric countryCode ignored") << ""
                                                     << "276"
                                                     << "US"
                                                     << "US";
        QTest::newRow("nothing") << ""
                                 << ""
                                 << ""
                                 << "";
    }

    void usageLocation()
    {
        QFETCH(QString, country);
        QFETCH(QString, countryCode);
        QFETCH(QString, defaultLocation);
        QFETCH(QString, expected);
        DirectoryEntry e = person(QStringLiteral("u"));
        if (!country.isEmpty()) {
            e.addValue(QStringLiteral("c"), country);
        }
        if (!countryCode.isEmpty()) {
            e.addValue(QStringLiteral("countryCode"), countryCode);
        }
        MappingRules r = rules();
        r.defaultUsageLocation = defaultLocation;
        const QJsonValue v = r.map(e).value(QStringLiteral("usageLocation"));
        if (expected.isEmpty()) {
            QVERIFY(v.isUndefined());
        } else {
            QCOMPARE(v.toString(), expected);
        }
    }

    void modes_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("staticValue");
        QTest::addColumn<QString>("expected"); // "<anon>": anonymized, "<absent>": not managed
        QTest::newRow("sync") << int(AttributeRule::Sync) << QString() << "Engineer";
        QTest::newRow("static") << int(AttributeRule::Static) << "Staff"
                                << "Staff";
        QTest::newRow("anonymize") << int(AttributeRule::Anonymize) << QString() << "<anon>";
        QTest::newRow("never") << int(AttributeRule::Never) << QString() << "<absent>";
    }

    void modes()
    {
        QFETCH(int, mode);
        QFETCH(QString, staticValue);
        QFETCH(QString, expected);
        MappingRules r = rules();
        for (AttributeRule &rule : r.rules) {
            if (rule.graphProperty == QLatin1String("jobTitle")) {
                rule.mode = AttributeRule::Mode(mode);
                rule.staticValue = staticValue;
            }
        }
        const DirectoryEntry e = person(QStringLiteral("u"), {{QStringLiteral("title"), {QStringLiteral("Engineer")}}});
        const QJsonValue v = r.map(e).value(QStringLiteral("jobTitle"));
        if (expected == QLatin1String("<absent>")) {
            QVERIFY(v.isUndefined());
            QVERIFY(!r.managedProperties().contains(QStringLiteral("jobTitle")));
        } else if (expected == QLatin1String("<anon>")) {
            QVERIFY(v.toString().startsWith(QLatin1String("anon-")));
            QVERIFY(v.toString() != QLatin1String("Engineer"));
            // Stable for the user, different for another user or another salt.
            QCOMPARE(r.map(e).value(QStringLiteral("jobTitle")), v);
            QVERIFY(r.map(person(QStringLiteral("other"))).value(QStringLiteral("jobTitle")) != v);
            MappingRules salted = r;
            salted.anonymizeSalt = "pepper";
            QVERIFY(salted.map(e).value(QStringLiteral("jobTitle")) != v);
        } else {
            QCOMPARE(v.toString(), expected);
        }
    }

    void neverWins_data()
    {
        QTest::addColumn<QString>("neverAttribute");
        QTest::addColumn<QString>("neverProperty");
        QTest::newRow("never on the Graph property") << QString() << "jobTitle";
        QTest::newRow("never on the directory attribute") << "title" << QString();
    }

    void neverWins()
    {
        QFETCH(QString, neverAttribute);
        QFETCH(QString, neverProperty);
        MappingRules r = rules();
        // A static and a sync rule for the same property, and a never rule after them: never still wins.
        r.rules.prepend(AttributeRule{QStringLiteral("title"), QStringLiteral("jobTitle"), AttributeRule::Sync, {}});
        r.rules.append(AttributeRule{{}, QStringLiteral("jobTitle"), AttributeRule::Static, QStringLiteral("X")});
        r.rules.append(AttributeRule{neverAttribute, neverProperty, AttributeRule::Never, {}});
        const DirectoryEntry e = person(QStringLiteral("u"), {{QStringLiteral("title"), {QStringLiteral("Engineer")}}});
        const QJsonValue v = r.map(e).value(QStringLiteral("jobTitle"));
        if (neverProperty.isEmpty()) {
            // The attribute is never read, so the property has no directory value (the static rule comes later).
            QVERIFY(v.isNull());
        } else {
            QVERIFY(v.isUndefined());
        }
    }

    void neverOnMailKeepsItOutOfTheUpn()
    {
        MappingRules r = rules();
        r.upnTemplate = QStringLiteral("{mail}");
        r.rules.append(AttributeRule{QStringLiteral("mail"), {}, AttributeRule::Never, {}});
        const MappedUser m =
            r.map(person(QStringLiteral("u"), {{QStringLiteral("mail"), {QStringLiteral("u@example.org")}}}));
        QVERIFY(!m.isValid());
        QVERIFY(m.value(QStringLiteral("otherMails")).toArray().isEmpty());
    }

    void upnTemplates_data()
    {
        QTest::addColumn<QString>("upnTemplate");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("valid");
        QTest::newRow("uid at domain") << "{uid}@{domain}"
                                       << "jdoe@example.org" << true;
        QTest::newRow("no @: domain appended") << "{uid}"
                                               << "jdoe@example.org" << true;
        QTest::newRow("given.surname") << "{givenName}.{sn}@{domain}"
                                       << "Hans-Juergen.Gross@example.org" << true;
        QTest::newRow("directory mail") << "{mail}"
                                        << "John.Doe@mail.example.org" << true;
        QTest::newRow("missing attribute") << "{employeeNumber}@{domain}" << QString() << false;
    }

    void upnTemplates()
    {
        QFETCH(QString, upnTemplate);
        QFETCH(QString, expected);
        QFETCH(bool, valid);
        MappingRules r = rules();
        r.upnTemplate = upnTemplate;
        const MappedUser m = r.map(person(QStringLiteral("jdoe"),
                                          {{QStringLiteral("givenName"), {QStringLiteral("Hans-Jürgen")}},
                                           {QStringLiteral("sn"), {QStringLiteral("Groß")}},
                                           {QStringLiteral("mail"), {QStringLiteral("John.Doe@Mail.Example.org")}}}));
        QCOMPARE(m.isValid(), valid);
        QCOMPARE(m.userPrincipalName, expected);
        if (valid) {
            QCOMPARE(m.mailNickname, expected.section(QLatin1Char('@'), 0, 0));
        } else {
            QVERIFY(m.invalidReason.contains(QLatin1String("employeenumber")));
        }
    }

    void upnSuffixRewriting_data()
    {
        QTest::addColumn<QString>("upnTemplate");
        QTest::addColumn<QString>("upn");
        QTest::addColumn<QString>("expected");
        // Active Directory's own suffix is not a domain Microsoft 365 can verify: it becomes the verified one.
        QTest::newRow("AD suffix rewritten") << "{userPrincipalName}"
                                             << "jdoe@corp.local"
                                             << "jdoe@contoso.com";
        QTest::newRow("capitals in the suffix") << "{userPrincipalName}"
                                                << "JDoe@CORP.Local"
                                                << "JDoe@contoso.com";
        QTest::newRow("another suffix stays") << "{userPrincipalName}"
                                              << "jdoe@partner.example"
                                              << "jdoe@partner.example";
        QTest::newRow("only the whole suffix") << "{userPrincipalName}"
                                               << "jdoe@sub.corp.local"
                                               << "jdoe@sub.corp.local";
        QTest::newRow("template domain untouched") << "{uid}@{domain}"
                                                   << "jdoe@corp.local"
                                                   << "jdoe@example.org";
    }

    void upnSuffixRewriting()
    {
        QFETCH(QString, upnTemplate);
        QFETCH(QString, upn);
        QFETCH(QString, expected);
        MappingRules r = rules();
        r.upnTemplate = upnTemplate;
        r.upnSuffixes.insert(QStringLiteral("corp.local"), QStringLiteral("contoso.com"));
        const MappedUser m = r.map(person(QStringLiteral("jdoe"), {{QStringLiteral("userPrincipalName"), {upn}}}));
        QVERIFY2(m.isValid(), qPrintable(m.invalidReason));
        QCOMPARE(m.userPrincipalName, expected);
    }

    void disabledEntry()
    {
        DirectoryEntry e = person(QStringLiteral("u"));
        e.disabled = true;
        QCOMPARE(rules().map(e).value(QStringLiteral("accountEnabled")).toBool(true), false);
    }

    void sampleDirectory()
    {
        // The bundled sample: every person maps, except that the entry without sn simply has no surname.
        M365::Directory::LdifSource source(QStringLiteral(M365_SOURCE_DIR "/resources/sample/directory.ldif"));
        M365::Directory::DirectoryJob *job = source.read();
        job->setParent(this);
        QList<DirectoryEntry> users;
        connect(job, &M365::Directory::DirectoryJob::entry, this, [&users](const DirectoryEntry &e) {
            if (e.kind == EntryKind::User) {
                users.append(e);
            }
        });
        QSignalSpy finished(job, &M365::Directory::DirectoryJob::finished);
        job->start();
        QVERIFY(finished.wait(10000));
        delete job;
        QCOMPARE(users.size(), 50);
        MappingRules r = rules();
        r.defaultUsageLocation = QStringLiteral("DE");
        QSet<QString> upns;
        for (const DirectoryEntry &e : std::as_const(users)) {
            const MappedUser m = r.map(e);
            QVERIFY2(m.isValid(), qPrintable(e.dn + QStringLiteral(": ") + m.invalidReason));
            upns.insert(m.userPrincipalName);
            for (const QChar c : m.userPrincipalName) {
                QVERIFY2(c.unicode() < 128, qPrintable(m.userPrincipalName));
            }
        }
        QCOMPARE(upns.size(), 50);
    }

    void jsonRoundTrip()
    {
        MappingRules r = MappingRules::defaults(MappingRules::Preset::ActiveDirectory);
        r.domain = QStringLiteral("contoso.com");
        r.defaultUsageLocation = QStringLiteral("DE");
        r.anonymizeSalt = QByteArray("\x01\x02salt", 6);
        r.upnSuffixes.insert(QStringLiteral("corp.local"), QStringLiteral("contoso.com"));
        r.rules.append(AttributeRule{{}, QStringLiteral("companyName"), AttributeRule::Static, QStringLiteral("ACME")});
        r.rules.append(
            AttributeRule{QStringLiteral("mobile"), QStringLiteral("mobilePhone"), AttributeRule::Never, {}});
        const auto back = MappingRules::fromJson(r.toJson());
        QVERIFY(back.ok());
        QVERIFY(back.value == r);
    }

    void fromJsonErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("unknown mode") << QByteArray(R"({"rules":[{"graphProperty":"city","mode":"sometimes"}]})");
        QTest::newRow("bad usage location") << QByteArray(R"({"rules":[],"defaultUsageLocation":"GER"})");
        QTest::newRow("sync without attribute") << QByteArray(R"({"rules":[{"graphProperty":"city","mode":"sync"}]})");
        QTest::newRow("UPN suffix to nowhere") << QByteArray(R"({"rules":[],"upnSuffixes":{"corp.local":""}})");
        QTest::newRow("UPN suffix not a domain") << QByteArray(R"({"rules":[],"upnSuffixes":{"corp local":"a.com"}})");
    }

    void capabilities_data()
    {
        // microsoft-graph-docs-contrib api-reference/v1.0/resources/user.md and api/user-update.md.
        QTest::addColumn<QString>("property");
        QTest::addColumn<bool>("writable");
        QTest::addColumn<QString>("reasonMentions"); // what the reason must name (what to do instead)
        QTest::newRow("imAddresses refused") << QStringLiteral("imAddresses") << false << QStringLiteral("otherMails");
        QTest::newRow("mail accepted") << QStringLiteral("mail") << true << QString();
        QTest::newRow("otherMails accepted") << QStringLiteral("otherMails") << true << QString();
        QTest::newRow("proxyAddresses refused") << QStringLiteral("proxyAddresses") << false << QStringLiteral("mail");
        QTest::newRow("extension attribute")
            << QStringLiteral("extensionAttribute7") << false << QStringLiteral("Active Directory");
        QTest::newRow("extension attributes object")
            << QStringLiteral("onPremisesExtensionAttributes") << false << QStringLiteral("on-premises");
        QTest::newRow("no extensionAttribute16") << QStringLiteral("extensionAttribute16") << true << QString();
        QTest::newRow("read-only, any case")
            << QStringLiteral("onpremisessamaccountname") << false << QStringLiteral("read-only");
        QTest::newRow("licences") << QStringLiteral("assignedLicenses") << false << QStringLiteral("Licences tab");
        QTest::newRow("unknown is Graph's to refuse")
            << QStringLiteral("extension_0123_costCenter") << true << QString();
    }

    void capabilities()
    {
        QFETCH(QString, property);
        QFETCH(bool, writable);
        QFETCH(QString, reasonMentions);
        const PropertyCapability capability = MappingRules::capability(property);
        QCOMPARE(capability.writable, writable);
        QCOMPARE(capability.reason.isEmpty(), writable);
        QVERIFY2(capability.reason.contains(reasonMentions), qPrintable(capability.reason));
        QCOMPARE(MappingRules::notWritableReason(property), capability.reason);
    }

    void capabilityListCoversWhatRulesName()
    {
        // The list the admin sees: every property of the default rules is in it and writable, and so is every
        // property the table above refuses, with its reason.
        QHash<QString, PropertyCapability> byName;
        for (const PropertyCapability &c : MappingRules::capabilities()) {
            QVERIFY2(!byName.contains(c.property), qPrintable(c.property));
            QCOMPARE(c.reason.isEmpty(), c.writable);
            byName.insert(c.property, c);
        }
        for (const auto preset : {MappingRules::Preset::InetOrgPerson, MappingRules::Preset::ActiveDirectory}) {
            for (const AttributeRule &r : MappingRules::defaults(preset).rules) {
                QVERIFY2(byName.value(r.graphProperty).writable, qPrintable(r.graphProperty));
            }
        }
        for (const char *p : {"imAddresses", "proxyAddresses", "onPremisesExtensionAttributes"}) {
            QVERIFY2(byName.contains(QLatin1String(p)) && !byName.value(QLatin1String(p)).writable, p);
        }
        QVERIFY(byName.value(QStringLiteral("mail")).writable);
    }

    void ruleWarnings_data()
    {
        QTest::addColumn<QString>("property");
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("warned");
        QTest::newRow("imAddresses") << QStringLiteral("imAddresses") << QStringLiteral("sync") << true;
        QTest::newRow("mail") << QStringLiteral("mail") << QStringLiteral("sync") << false;
        QTest::newRow("proxyAddresses") << QStringLiteral("proxyAddresses") << QStringLiteral("sync") << true;
        QTest::newRow("extension attribute") << QStringLiteral("extensionAttribute1") << QStringLiteral("sync") << true;
        QTest::newRow("fixed extension attribute")
            << QStringLiteral("extensionAttribute15") << QStringLiteral("static") << true;
        // A "never" rule for a read-only property says nothing is written: nothing to warn of.
        QTest::newRow("never proxyAddresses") << QStringLiteral("proxyAddresses") << QStringLiteral("never") << false;
    }

    void ruleWarnings()
    {
        QFETCH(QString, property);
        QFETCH(QString, mode);
        QFETCH(bool, warned);
        // Read from the profile like any rule, after a writable one: kept, not refused and not dropped.
        const QJsonObject json{
            {QStringLiteral("rules"),
             QJsonArray{QJsonObject{{QStringLiteral("directoryAttribute"), QStringLiteral("l")},
                                    {QStringLiteral("graphProperty"), QStringLiteral("city")}},
                        QJsonObject{{QStringLiteral("directoryAttribute"), QStringLiteral("ipPhone")},
                                    {QStringLiteral("graphProperty"), property},
                                    {QStringLiteral("mode"), mode},
                                    {QStringLiteral("staticValue"), QStringLiteral("x")}}}}};
        const auto read = MappingRules::fromJson(json);
        QVERIFY2(read.ok(), qPrintable(read.error.details));
        MappingRules r = read.value;
        r.domain = QStringLiteral("example.org");
        QCOMPARE(r.rules.size(), 2);
        const QList<RuleWarning> warnings = r.warnings();
        QCOMPARE(warnings.size(), warned ? 1 : 0);
        const MappedUser user = r.map(person(QStringLiteral("jdoe"),
                                             {{QStringLiteral("l"), {QStringLiteral("Berlin")}},
                                              {QStringLiteral("ipPhone"), {QStringLiteral("sip:jdoe@example.org")}}}));
        QCOMPARE(user.value(QStringLiteral("city")), QJsonValue(QStringLiteral("Berlin")));
        if (warned) {
            QCOMPARE(warnings[0].rule, 1);
            QCOMPARE(warnings[0].property, property);
            QVERIFY(warnings[0].message.contains(MappingRules::notWritableReason(property)));
            // The planner only sends what the mapping produces and the managed properties: neither has it.
            QVERIFY(!r.managedProperties().contains(property));
            QVERIFY(user.value(property).isUndefined());
            QVERIFY(!user.toObject().contains(property));
        } else if (mode != QLatin1String("never")) {
            QVERIFY(r.managedProperties().contains(property));
            QVERIFY(!user.value(property).isUndefined());
        }
    }

    void fromJsonErrors()
    {
        QFETCH(QByteArray, json);
        const auto r = MappingRules::fromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!r.ok());
        QCOMPARE(r.error.code, QStringLiteral("sync.rules"));
        QVERIFY(!r.error.userMessage.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMappingRules)
#include "tst_mappingrules.moc"
