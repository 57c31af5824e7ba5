# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# The sync engine end to end (PlanJob, ApplyJob) against a real slapd and the in-process sandbox tenant.
m365_add_test(tst_syncengine
    SOURCES tst_syncengine.cpp slapdfixture.cpp slapdfixture.h
    LIBS M365::Core m365sandboxfixture
    LABELS integration
    TIMEOUT 120)

# What the engine reads from a tenant and plans against it where Microsoft's rules matter (admins through groups,
# restore from deleted items, groups of another profile, group-based licensing), against the sandbox tenant.
m365_add_test(tst_tenantrules
    SOURCES tst_tenantrules.cpp
    LIBS M365::Core m365sandboxfixture
    LABELS integration
    TIMEOUT 120)

# Licensing through a group (LicenceGroupSetupJob, LicenceOverviewJob) against the in-process sandbox tenant.
m365_add_test(tst_licencegroups_sandbox
    SOURCES tst_licencegroups.cpp
    LIBS M365::Core m365sandboxfixture
    LABELS integration
    TIMEOUT 120)

# Sync::SyncRun, the run the dashboard, the CLI and the schedule share (plan only, confirm, guard, lock, stale
# changes planned again), against the in-process sandbox tenant and an LDIF directory.
m365_add_test(tst_syncrun SOURCES tst_syncrun.cpp LIBS M365::Core m365sandboxfixture LABELS integration TIMEOUT 120)
