# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Sync engine (issue 5): rules, scope, plan, planner and state store; pure logic and SQLite in a temp dir.
m365_add_test(tst_mappingrules SOURCES tst_mappingrules.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_scope SOURCES tst_scope.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_changeplan SOURCES tst_changeplan.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_planner SOURCES tst_planner.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_statestore SOURCES tst_statestore.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_syncsettings SOURCES tst_syncsettings.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_licencegroups SOURCES tst_licencegroups.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_schedule SOURCES tst_schedule.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_exclusions SOURCES tst_exclusions.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_directorysnapshot SOURCES tst_directorysnapshot.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_incrementalplanner SOURCES tst_incrementalplanner.cpp LIBS M365::Core LABELS unit TIMEOUT 120)
m365_add_test(tst_deltamerge SOURCES tst_deltamerge.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_undoplanner SOURCES tst_undoplanner.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_runlock SOURCES tst_runlock.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_runsummary SOURCES tst_runsummary.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
# Monitoring (issue 15): the state store's attempts and plans, health and its plugin verdict, textfile and webhook.
m365_add_test(tst_runhealth SOURCES tst_runhealth.cpp LIBS M365::Core Qt6::Sql LABELS unit TIMEOUT 60)
m365_add_test(tst_runreport SOURCES tst_runreport.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
