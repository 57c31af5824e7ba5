// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "runsummary.h"

#include "graph/pacer.h"
#include "statestore.h"

#include <QLocale>
#include <QStringList>

#include <cmath>

namespace M365::Sync {

namespace {

/// Members the applier binds in one PATCH (`members@odata.bind` takes at most 20).
constexpr int membersPerRequest = 20;

bool selected(const ChangePlan &plan, const ApplyOptions &options, int index)
{
    const Change &c = plan.changes.at(index);
    return (options.onlyKinds.isEmpty() || options.onlyKinds.contains(c.kind))
        && (options.onlyIndices.isEmpty() || options.onlyIndices.contains(index));
}

} // namespace

double RunSummary::budgetWritesPerSecond()
{
    const Graph::Pacer::Budget budget;
    return budget.writes / budget.writeWindowSeconds;
}

double RunSummary::measuredWritesPerSecond(const RunRecord &run)
{
    const int writes = run.counts.value(QLatin1String("writes")).toInt();
    if (writes <= 0 || !run.started.isValid() || !run.ended.isValid()) {
        return 0;
    }
    const qint64 ms = run.started.msecsTo(run.ended);
    return ms > 0 ? writes * 1000.0 / double(ms) : 0;
}

RunSummary RunSummary::build(const ChangePlan &plan, const ApplyOptions &options, double measuredWritesPerSecond)
{
    RunSummary s;
    for (int i = 0; i < plan.changes.size(); ++i) {
        if (!selected(plan, options, i)) {
            continue;
        }
        const Change &c = plan.changes.at(i);
        if (c.kind == Change::Kind::Conflict || c.kind == Change::Kind::Invalid || c.exceedsSeats) {
            ++s.skipped;
            continue;
        }
        if (c.objectType == Change::ObjectType::Membership) {
            ++s.membershipChanges;
            const int added = int(c.membersToAdd.size());
            const int removed = int(c.membersToRemove.size());
            s.membersAdded += added;
            s.membersRemoved += removed;
            s.writeRequests += (added + membersPerRequest - 1) / membersPerRequest + removed;
            continue;
        }
        if (c.objectType == Change::ObjectType::Licence) {
            ++s.licenceChanges;
            ++s.writeRequests;
            continue;
        }
        switch (c.kind) {
        case Change::Kind::Create:
            ++s.creates;
            ++s.writeRequests;
            break;
        case Change::Kind::Update:
            ++s.updates;
            // An update of the manager alone is only the manager's request, counted below.
            s.writeRequests += c.payload.size() == 1 && c.payload.contains(QLatin1String("manager")) ? 0 : 1;
            break;
        case Change::Kind::Disable:
            ++s.disables;
            s.writeRequests += 2;
            break;
        case Change::Kind::Delete:
            ++s.deletes;
            ++s.writeRequests;
            break;
        case Change::Kind::Enable:
            ++s.enables;
            ++s.writeRequests;
            break;
        case Change::Kind::Link:
            ++s.links;
            ++s.writeRequests;
            break;
        case Change::Kind::Restore:
            ++s.restores;
            // Back from the deleted items, then what the directory says now, if anything.
            s.writeRequests +=
                c.payload.isEmpty() || (c.payload.size() == 1 && c.payload.contains(QLatin1String("manager"))) ? 1 : 2;
            break;
        case Change::Kind::Conflict:
        case Change::Kind::Invalid:
            break;
        }
        if (c.objectType == Change::ObjectType::User && c.payload.contains(QLatin1String("manager"))
            && c.kind != Change::Kind::Delete) {
            ++s.writeRequests; // the manager reference, set once every user exists
        }
    }
    s.measuredRate = measuredWritesPerSecond > 0;
    s.writesPerSecond = s.measuredRate ? measuredWritesPerSecond : budgetWritesPerSecond();
    s.estimatedMs = qint64(std::ceil(s.writeRequests * 1000.0 / s.writesPerSecond));
    return s;
}

int RunSummary::changes() const
{
    return creates + updates + disables + deletes + enables + links + restores + licenceChanges + membershipChanges;
}

QString RunSummary::durationText(qint64 ms)
{
    const qint64 seconds = (ms + 999) / 1000;
    if (seconds < 60) {
        return tr("less than a minute");
    }
    if (seconds < 3600) {
        return tr("about %n min", nullptr, int((seconds + 30) / 60));
    }
    return tr("about %1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QString RunSummary::text() const
{
    QStringList lines;
    const auto add = [&lines](int count, const QString &line) {
        if (count > 0) {
            lines.append(line);
        }
    };
    add(creates, tr("Create %n user(s) or group(s)", nullptr, creates));
    add(updates, tr("Update %n user(s) or group(s)", nullptr, updates));
    add(disables, tr("Disable %n user(s) or group(s)", nullptr, disables));
    add(deletes, tr("Delete %n user(s) or group(s)", nullptr, deletes));
    add(enables, tr("Enable %n user(s) or group(s)", nullptr, enables));
    add(links, tr("Link %n existing object(s)", nullptr, links));
    add(restores, tr("Restore %n deleted user(s)", nullptr, restores));
    add(licenceChanges, tr("Change the licences of %n user(s)", nullptr, licenceChanges));
    add(membershipChanges,
        tr("Change the members of %n group(s)", nullptr, membershipChanges) + QStringLiteral(" (")
            + tr("%1 added, %2 removed").arg(membersAdded).arg(membersRemoved) + QLatin1Char(')'));
    add(skipped,
        tr("Skip %n change(s) that cannot be applied (conflicts, invalid, no free licence)", nullptr, skipped));
    if (lines.isEmpty()) {
        lines.append(tr("Nothing to apply."));
    }
    lines.append(QString());
    lines.append(tr("About %n write request(s) to Microsoft Graph.", nullptr, writeRequests));
    lines.append(measuredRate ? tr("Estimated time: %1 (at %2 writes/s, as the last run went).")
                                    .arg(durationText(estimatedMs), QLocale().toString(writesPerSecond, 'f', 1))
                              : tr("Estimated time: %1 (at most %2 writes/s, Microsoft Graph's write budget).")
                                    .arg(durationText(estimatedMs), QLocale().toString(writesPerSecond, 'f', 1)));
    return lines.join(QLatin1Char('\n'));
}

} // namespace M365::Sync
