# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# The sandbox tenant as a place, not a process (issue 15). tst_tenantplace: one server per state file within a process,
# one process per state file (the test runs itself as the other process; m365sim keeps the rule too), a stale lock
# taken over, the state one opener wrote read by the next. tst_clisandboxplace: a profile as the wizard saves it on the
# sandbox tenant plans and syncs with m365sync-cli alone (no GUI, no m365sim); needs the Secret Service, like tst_cli.
m365_add_test(tst_tenantplace SOURCES tst_tenantplace.cpp LIBS M365::Sandbox Qt6::Network LABELS integration TIMEOUT 180)
target_compile_definitions(tst_tenantplace PRIVATE M365SIM_PATH="$<TARGET_FILE:m365sim>")
add_dependencies(tst_tenantplace m365sim)
m365_add_test(tst_clisandboxplace SOURCES tst_clisandboxplace.cpp LIBS M365::Core M365::Sandbox LABELS integration
              TIMEOUT 600)
target_compile_definitions(tst_clisandboxplace PRIVATE M365SYNC_CLI_PATH="$<TARGET_FILE:m365sync-cli>")
add_dependencies(tst_clisandboxplace m365sync-cli)
