# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# m365sync-cli plan/sync/status end to end: the in-process demo tenant (--sandbox), and m365sim as a separate process
# for runs killed at random points and for the deletion guard. Needs the Secret Service, like tst_cli.
m365_add_test(tst_clisync SOURCES tst_clisync.cpp LIBS M365::Core Qt6::Sql LABELS integration TIMEOUT 600)
target_compile_definitions(tst_clisync PRIVATE M365SIM_PATH="$<TARGET_FILE:m365sim>"
                                               M365SYNC_CLI_PATH="$<TARGET_FILE:m365sync-cli>")
add_dependencies(tst_clisync m365sim m365sync-cli)
# m365sync-cli undo and the engine's UndoPlanner against m365sim: a run taken back, every user exactly as before.
m365_add_test(tst_undo SOURCES tst_undo.cpp LIBS M365::Core LABELS integration TIMEOUT 300)
target_compile_definitions(tst_undo PRIVATE M365SIM_PATH="$<TARGET_FILE:m365sim>"
                                            M365SYNC_CLI_PATH="$<TARGET_FILE:m365sync-cli>")
add_dependencies(tst_undo m365sim m365sync-cli)
# Monitoring from the shell (issue 15): health's plugin states, status --all, monitoring set/show and the overdue
# alert to a webhook served by the test. Needs the Secret Service for the webhook URL.
m365_add_test(tst_monitoring SOURCES tst_monitoring.cpp LIBS M365::Core Qt6::Sql LABELS integration TIMEOUT 300)
target_compile_definitions(tst_monitoring PRIVATE M365SYNC_CLI_PATH="$<TARGET_FILE:m365sync-cli>")
add_dependencies(tst_monitoring m365sync-cli)
