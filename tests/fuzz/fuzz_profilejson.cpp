// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Profile files and the sync settings inside them: an admin edits them by hand, copies them between machines, and
// `m365sync-cli profile import` reads whatever file it is given. Each reader must refuse what it cannot use with an
// Error, never crash, and read back what it writes.
//
// The first byte picks the reader (see Reader; '0' is the first); the rest is its JSON object, except for
// ScopeFilter, whose rest is the text of a scope filter (RFC 4515 syntax), fuzzed directly because mutations of the
// text inside a JSON string rarely stay valid JSON.

#include "fuzzsupport.h"
#include "profile/profile.h"
#include "sync/mappingrules.h"
#include "sync/schedule.h"
#include "sync/scope.h"
#include "sync/syncsettings.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

using M365::Fuzz::require;
namespace Directory = M365::Directory;
namespace Sync = M365::Sync;
using M365::Profile::Profile;

namespace {

enum Reader {
    ProfileFile, ///< Profile::fromJson, the whole profile file
    SyncObject, ///< SyncSettings::fromJson, a profile's "sync" object
    Rules, ///< MappingRules::fromJson, "sync"."rules"
    ScopeObject, ///< Scope::fromJson, "sync"."scope" or "groupScope"
    ScheduleObject, ///< Schedule::fromJson, "sync"."schedule"
    Guard, ///< DeletionGuard::fromJson, "sync"."deletionGuard"
    ScopeFilter, ///< Scope::fromFilter on the raw text
    ReaderCount
};

const QDateTime &now()
{
    static const QDateTime time = QDateTime::fromSecsSinceEpoch(1798761600, QTimeZone::utc()); // fixed: 2027-01-01
    return time;
}

/// A directory shaped like the sample LDIF: two people (one disabled, one with an umlaut) and a nested group.
struct SampleDirectory
{
    QList<Directory::DirectoryEntry> users;
    QList<Directory::DirectoryEntry> groups;
};

const SampleDirectory &sample()
{
    static const SampleDirectory directory = [] {
        const auto person = [](const char *uid, const char *name, const char *mail, bool disabled) {
            Directory::DirectoryEntry e;
            e.dn = QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(QLatin1String(uid));
            e.anchor = QStringLiteral("anchor-%1").arg(QLatin1String(uid));
            e.anchorAttribute = QStringLiteral("entryuuid");
            e.kind = Directory::EntryKind::User;
            e.disabled = disabled;
            e.addValue(QStringLiteral("objectClass"), QStringLiteral("inetOrgPerson"));
            e.addValue(QStringLiteral("uid"), QString::fromLatin1(uid));
            e.addValue(QStringLiteral("cn"), QString::fromUtf8(name));
            e.addValue(QStringLiteral("displayName"), QString::fromUtf8(name));
            e.addValue(QStringLiteral("mail"), QString::fromLatin1(mail));
            e.addValue(QStringLiteral("c"), QStringLiteral("DE"));
            e.addValue(QStringLiteral("telephoneNumber"), QStringLiteral("+49 30 1234567"));
            e.addValue(QStringLiteral("telephoneNumber"), QStringLiteral("+49 30 7654321"));
            return e;
        };
        const auto group = [](const char *cn, const QStringList &members) {
            Directory::DirectoryEntry e;
            e.dn = QStringLiteral("cn=%1,ou=groups,dc=example,dc=org").arg(QLatin1String(cn));
            e.anchor = QStringLiteral("anchor-%1").arg(QLatin1String(cn));
            e.anchorAttribute = QStringLiteral("entryuuid");
            e.kind = Directory::EntryKind::Group;
            e.addValue(QStringLiteral("objectClass"), QStringLiteral("groupOfNames"));
            e.addValue(QStringLiteral("cn"), QString::fromLatin1(cn));
            for (const QString &member : members) {
                e.addValue(QStringLiteral("member"), member);
            }
            return e;
        };
        SampleDirectory d;
        d.users = {person("jdoe", "John Doe", "john.doe@example.org", false),
                   person("mmueller", "Märta Müller", "maerta.mueller@example.org", true)};
        d.groups = {group("staff", {QStringLiteral("uid=jdoe,ou=people,dc=example,dc=org")}),
                    group("all",
                          {QStringLiteral("cn=staff,ou=groups,dc=example,dc=org"),
                           QStringLiteral("uid=mmueller,ou=people,dc=example,dc=org")})};
        return d;
    }();
    return directory;
}

void useRules(const Sync::MappingRules &rules)
{
    const Sync::UserMapper mapper(rules);
    const QStringList managed = rules.managedProperties();
    for (const Directory::DirectoryEntry &user : sample().users) {
        const Sync::MappedUser mapped = mapper.map(user);
        if (mapped.isValid()) {
            require(mapped.userPrincipalName.contains(QLatin1Char('@')), "a valid user has a UPN with a domain");
        }
        for (const Sync::MappedProperty &property : mapped.properties) {
            require(managed.contains(property.name), "the mapper writes only managed properties");
            property.value.toJson();
        }
        mapped.toObject();
    }
}

void useScope(const Sync::Scope &scope)
{
    for (const Directory::DirectoryEntry &user : sample().users) {
        scope.matchesFilter(user);
    }
    for (const QString &anchor : scope.usersInScope(sample().users, sample().groups)) {
        require(anchor.startsWith(QLatin1String("anchor-")), "only known users are in scope");
    }
    // A filter reads back as itself, so a profile that is saved again scopes the same.
    const M365::Result<Sync::Scope> again = Sync::Scope::fromJson(scope.toJson());
    require(again.ok() && again.value.filter() == scope.filter() && again.value.groups() == scope.groups(),
            "a scope reads back as written");
}

void readProfile(const QJsonObject &json)
{
    Profile::findSecretValue(json);
    M365::Error error;
    const std::optional<Profile> profile = Profile::fromJson(json, &error);
    if (!profile) {
        require(!error.code.isEmpty() && !error.userMessage.isEmpty(), "a refused profile says why");
        return;
    }
    const QJsonObject written = profile->toJson();
    require(Profile::findSecretValue(written).isEmpty(), "an accepted profile holds no secret value");
    M365::Error again;
    const std::optional<Profile> reread = Profile::fromJson(written, &again);
    require(reread.has_value(), "a profile reads what it writes");
    require(*reread == *profile, "a profile reads back as written");
}

void readSync(const QJsonObject &json)
{
    const M365::Result<Sync::SyncSettings> settings = Sync::SyncSettings::fromJson(json);
    if (!settings.ok()) {
        require(!settings.error.userMessage.isEmpty(), "refused sync settings say why");
        return;
    }
    const Sync::SyncSettings &s = settings.value;
    useRules(s.rules);
    useScope(s.scope);
    useScope(s.options.groupScope);
    const M365::Result<Sync::SyncSettings> reread = Sync::SyncSettings::fromJson(s.toJson());
    require(reread.ok(), "sync settings read what they write");
    require(reread.value.toJson() == s.toJson(), "sync settings read back as written");
}

void readRules(const QJsonObject &json)
{
    const M365::Result<Sync::MappingRules> rules = Sync::MappingRules::fromJson(json);
    if (!rules.ok()) {
        return;
    }
    useRules(rules.value);
    const M365::Result<Sync::MappingRules> reread = Sync::MappingRules::fromJson(rules.value.toJson());
    require(reread.ok() && reread.value == rules.value, "mapping rules read back as written");
}

void readSchedule(const QJsonObject &json)
{
    const Sync::Schedule schedule = Sync::Schedule::fromJson(json);
    require(Sync::Schedule::fromJson(schedule.toJson()) == schedule, "a schedule reads back as written");
    const QDateTime next = schedule.nextRun(now());
    require(schedule.enabled ? next > now() : !next.isValid(), "the next run is after now, when enabled");
    Sync::ScheduleInstaller::systemdTimer(QStringLiteral("fuzz"), schedule);
}

void readGuard(const QJsonObject &json)
{
    const Sync::DeletionGuard guard = Sync::DeletionGuard::fromJson(json);
    for (int managed : {0, 1, 7, 1000, 100000}) {
        const int threshold = guard.threshold(managed);
        require(threshold >= 0, "the deletion threshold is not negative");
    }
    const Sync::DeletionGuard reread = Sync::DeletionGuard::fromJson(guard.toJson());
    require(reread.mode == guard.mode && reread.threshold(1000) == guard.threshold(1000),
            "a deletion guard reads back as written");
}

void readFilter(const QString &filter)
{
    const M365::Result<Sync::Scope> scope = Sync::Scope::fromFilter(filter);
    if (scope.ok()) {
        useScope(scope.value);
    } else {
        require(!scope.error.userMessage.isEmpty(), "a refused filter says why");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    M365::Fuzz::quietQtMessages();
    const M365::Fuzz::Selected input = M365::Fuzz::select(data, size);
    const Reader reader = Reader(input.choice(ReaderCount));
    if (reader == ScopeFilter) {
        readFilter(QString::fromUtf8(input.rest));
        return 0;
    }
    // As ProfileStore reads a file: anything but a JSON object is not a profile.
    const QJsonObject json = QJsonDocument::fromJson(input.rest).object();
    switch (reader) {
    case ProfileFile:
        readProfile(json);
        break;
    case SyncObject:
        readSync(json);
        break;
    case Rules:
        readRules(json);
        break;
    case ScopeObject: {
        const M365::Result<Sync::Scope> scope = Sync::Scope::fromJson(json);
        if (scope.ok()) {
            useScope(scope.value);
        }
        break;
    }
    case ScheduleObject:
        readSchedule(json);
        break;
    case Guard:
        readGuard(json);
        break;
    case ScopeFilter:
    case ReaderCount:
        break;
    }
    return 0;
}
