// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "changeplan.h"
#include "exclusions.h"
#include "mappingrules.h"
#include "planner.h"
#include "result.h"
#include "schedule.h"
#include "scope.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace M365::Directory {
class DirectorySource;
}

namespace M365::Sync {

/**
 * The deletion guard: a plan whose destructive changes (disables, deletes, licence removals, member removals) exceed
 * the threshold is refused unless the run allows at least that many.
 *
 * The default is 10 % of the managed objects or 500, whichever is lower. A profile may set a count or a percentage.
 */
struct DeletionGuard
{
    enum class Mode { Default, Count, Percent };
    Mode mode = Mode::Default;
    int count = 500;
    double percent = 10;

    /// The most destructive changes a run may make without being allowed explicitly.
    int threshold(int managedObjects) const;
    /// True when the plan must not be applied unless @p allowed is at least its destructive count.
    bool trips(const ChangePlan &plan, int managedObjects, int allowed = 0) const;

    QJsonObject toJson() const;
    static DeletionGuard fromJson(const QJsonObject &json);
};

/**
 * Everything about a sync that a profile chooses, read from the profile's "sync" object: the mapping rules, the
 * scope, the planner's options and the deletion guard. The directory settings are in the profile's "directory"
 * object and are turned into a source by createDirectorySource().
 *
 * Licences: "defaultSkuId", "skuByGroup" (group → SKU ID) and "licenceGroups" (SKU ID → the licensing group that
 * assigns it, see LicenceGroupSetupJob) go to the PlanOptions of the same names (licenceGroups to
 * PlanOptions::licenceGroupBySku). Every SKU ID must be a GUID: fromJson() rejects anything else, naming it.
 */
struct SyncSettings
{
    Q_DECLARE_TR_FUNCTIONS(M365::Sync::SyncSettings)

public:
    MappingRules rules = MappingRules::defaults();
    Scope scope;
    PlanOptions options;
    DeletionGuard guard;
    Schedule schedule;
    Exclusions exclusions;

    QJsonObject toJson() const;
    /// Reads a profile's "sync" object; an absent member keeps its default. An Error names the member that is wrong.
    static Result<SyncSettings> fromJson(const QJsonObject &json);
    /**
     * Every problem of a "sync" object written by hand (m365sync-cli profile set-sync), each as "path: problem" with
     * the JSON path from @p root ("settings.rules.domain: expected a string", "settings.softmatch: unknown member"):
     * wrong types, unknown members (a typo would otherwise be ignored silently), values fromJson() refuses. Empty
     * when fromJson() reads the object exactly as written.
     */
    static QStringList validate(const QJsonObject &json, const QString &root = QStringLiteral("settings"));
};

/**
 * The directory source a profile's "directory" object describes ({"type": "ldif", "path"}, {"type": "csv", "path",
 * "encoding", "separator", "mapping"} (see Directory::CsvOptions) or {"type":
 * "openldap"|"activedirectory"|"univention"|"389ds", "url", "tls", "caFile", "bindDn", "baseDn", optionally "anchor"
 * ("mS-DS-ConsistencyGuid" on Active Directory falls back to objectGUID), "userContainers" and "groupContainers":
 * {"include": [DN, …], "exclude": [DN, …]}, see Directory::ContainerScope). The bind password comes from the secret
 * store, never from the profile.
 */
Result<std::unique_ptr<Directory::DirectorySource>> createDirectorySource(const QJsonObject &directory,
                                                                          const QString &bindPassword = {});

/// True for a directory type that reads from an LDAP server (and may need a bind password).
bool isLdapDirectory(const QJsonObject &directory);

} // namespace M365::Sync
