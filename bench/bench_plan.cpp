// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// bench_plan: plans 100,000 users and 5,000 groups (20 members on average) against an equal-sized cloud snapshot
// with 1% creates, 5% updates and 1% disables, and reports the time of planning alone and the peak memory of the
// whole process (input included). Target (DESIGN.md section 5): under 1 s and 400 MB in a release build.

#include "sync/planner.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTextStream>

#include <ctime>

using namespace M365::Sync;
using M365::Directory::DirectoryEntry;
using M365::Directory::EntryKind;

namespace {

constexpr int UserCount = 100000;
constexpr int GroupCount = 5000;
constexpr int MembersPerGroup = 20;
const QString Sku = QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900");

double peakMegabytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmHWM:")) {
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
        }
    }
    return -1;
}

DirectoryEntry makeUser(int i)
{
    static const char *const cities[] = {"Berlin", "Hamburg", "München", "Köln", "Stockholm", "Wien"};
    static const char *const departments[] = {"Engineering", "Finance", "Sales", "Support", "Legal"};
    DirectoryEntry e;
    e.kind = EntryKind::User;
    const QString uid = QStringLiteral("user%1").arg(i);
    e.dn = QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(uid);
    e.anchor = QStringLiteral("%1-7ee1-5cdf-b979-3f9902b86ff5").arg(i, 8, 16, QLatin1Char('0'));
    e.anchorAttribute = QStringLiteral("entryuuid");
    e.addValue(QStringLiteral("objectclass"), QStringLiteral("inetOrgPerson"));
    e.addValue(QStringLiteral("uid"), uid);
    e.addValue(QStringLiteral("givenname"), QStringLiteral("Given%1").arg(i));
    e.addValue(QStringLiteral("sn"), QStringLiteral("Müller%1").arg(i));
    e.addValue(QStringLiteral("cn"), QStringLiteral("Given%1 Müller%1").arg(i));
    e.addValue(QStringLiteral("mail"), uid + QStringLiteral("@example.org"));
    e.addValue(QStringLiteral("title"), QStringLiteral("Engineer"));
    e.addValue(QStringLiteral("departmentnumber"), QString::fromLatin1(departments[i % 5]));
    e.addValue(QStringLiteral("l"), QString::fromUtf8(cities[i % 6]));
    e.addValue(QStringLiteral("telephonenumber"), QStringLiteral("+49 30 %1").arg(1000000 + i));
    e.addValue(QStringLiteral("employeenumber"), QString::number(i));
    e.addValue(QStringLiteral("c"), QStringLiteral("DE"));
    return e;
}

QJsonObject cloudUser(const UserMapper &mapper, const DirectoryEntry &e, const QString &id)
{
    QJsonObject o;
    for (const MappedProperty &p : mapper.map(e).properties) {
        if (!p.value.isEmpty()) {
            o.insert(p.name, p.value.toJson());
        }
    }
    o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("onPremisesImmutableId"), Planner::immutableId(e));
    o.insert(QStringLiteral("assignedLicenses"), QJsonArray{QJsonObject{{QStringLiteral("skuId"), Sku}}});
    return o;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);

    PlanInput in;
    in.rules = MappingRules::defaults();
    in.rules.domain = QStringLiteral("example.org");
    in.rules.defaultUsageLocation = QStringLiteral("DE");
    in.options.defaultSkuId = Sku;
    in.options.syncGroups = true;
    const UserMapper mapper(in.rules);

    // Users 0..98,999 exist in the cloud and are linked; 99,000..99,999 are new (1% creates). 1,000 more linked cloud
    // users have left the directory (1% disables), so the snapshot holds 100,000 users too. Every 20th user has a new
    // title in the directory (5% updates).
    const int creates = UserCount / 100;
    const int disables = UserCount / 100;
    in.users.reserve(UserCount);
    in.cloud.reserveUsers(UserCount);
    in.links.reserve(UserCount + GroupCount);
    for (int i = 0; i < UserCount + disables; ++i) {
        DirectoryEntry e = makeUser(i);
        const bool inDirectory = i < UserCount;
        const bool inCloud = i < UserCount - creates || !inDirectory;
        if (inCloud) {
            const QString id = QStringLiteral("%1-0000-4000-8000-000000000000").arg(i, 8, 16, QLatin1Char('0'));
            in.cloud.addUser(cloudUser(mapper, e, id));
            in.links.insert(e.anchor, Link{e.anchor, Change::ObjectType::User, id, {}, {}});
        }
        if (inDirectory) {
            if (i % 20 == 7) {
                e.attributes[QStringLiteral("title")] = QStringList{QStringLiteral("Senior Engineer")};
            }
            in.users.append(std::move(e));
        }
    }

    // Groups with 20 members on average (10..30), already in the cloud with the same members.
    QRandomGenerator random(42);
    in.groups.reserve(GroupCount);
    qint64 memberships = 0;
    for (int g = 0; g < GroupCount; ++g) {
        DirectoryEntry e;
        e.kind = EntryKind::Group;
        const QString cn = QStringLiteral("group%1").arg(g);
        e.dn = QStringLiteral("cn=%1,ou=groups,dc=example,dc=org").arg(cn);
        e.anchor = QStringLiteral("g%1-7ee1-5cdf-b979-3f9902b86ff5").arg(g, 7, 16, QLatin1Char('0'));
        e.addValue(QStringLiteral("objectclass"), QStringLiteral("groupOfNames"));
        e.addValue(QStringLiteral("cn"), cn);
        const QString id = QStringLiteral("g%1-0000-4000-8000-000000000000").arg(g, 7, 16, QLatin1Char('0'));
        QStringList cloudMembers;
        const int count = 10 + int(random.bounded(21));
        for (int m = 0; m < count; ++m) {
            const int user = int(random.bounded(UserCount));
            e.addValue(QStringLiteral("member"), QStringLiteral("uid=user%1,ou=people,dc=example,dc=org").arg(user));
            if (user < UserCount - creates) {
                cloudMembers.append(
                    QStringLiteral("%1-0000-4000-8000-000000000000").arg(user, 8, 16, QLatin1Char('0')));
            }
        }
        memberships += count;
        in.cloud.groups.insert(id,
                               QJsonObject{{QStringLiteral("id"), id},
                                           {QStringLiteral("displayName"), cn},
                                           {QStringLiteral("mailNickname"), cn},
                                           {QStringLiteral("securityEnabled"), true},
                                           {QStringLiteral("mailEnabled"), false}});
        in.cloud.groupMembers.insert(id, cloudMembers);
        in.links.insert(e.anchor, Link{e.anchor, Change::ObjectType::Group, id, {}, {}});
        in.groups.append(std::move(e));
    }
    in.cloud.subscribedSkus = {
        QJsonObject{{QStringLiteral("skuId"), Sku},
                    {QStringLiteral("skuPartNumber"), QStringLiteral("ENTERPRISEPACK")},
                    {QStringLiteral("prepaidUnits"), QJsonObject{{QStringLiteral("enabled"), 150000}}},
                    {QStringLiteral("consumedUnits"), UserCount}}};

    out << "input: " << in.users.size() << " directory users, " << in.groups.size() << " groups (" << memberships
        << " memberships), " << in.cloud.users().size() << " cloud users, " << in.links.size() << " links; "
        << QString::number(peakMegabytes(), 'f', 0) << " MB so far" << Qt::endl;

    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpuStart = std::clock();
    const ChangePlan plan = Planner::plan(in);
    const double seconds = timer.nsecsElapsed() / 1e9;
    // DESIGN.md states the target in CPU time; on a busy machine wall time can be far longer.
    const double cpuSeconds = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    const double peak = peakMegabytes();

    const auto summary = plan.summary();
    for (auto it = summary.cbegin(); it != summary.cend(); ++it) {
        out << Change::kindName(it.key()) << ": " << it.value() << Qt::endl;
    }
    out << "unchanged users: " << plan.unchangedUsers << ", unchanged groups: " << plan.unchangedGroups << Qt::endl;
    for (const SeatCount &s : plan.seats) {
        out << "seats " << s.skuPartNumber << ": free " << s.free() << ", needed " << s.needed << ", released "
            << s.released << Qt::endl;
    }
    out << "planning: " << QString::number(seconds, 'f', 3) << " s wall, " << QString::number(cpuSeconds, 'f', 3)
        << " s CPU" << Qt::endl;
    out << "RESULT users=" << in.users.size() << " groups=" << in.groups.size()
        << " seconds=" << QString::number(seconds, 'f', 3) << " peak_mb=" << QString::number(peak, 'f', 0) << Qt::endl;
    return 0;
}
