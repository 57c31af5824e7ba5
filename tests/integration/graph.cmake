# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
m365_add_test(tst_graphclient SOURCES tst_graphclient.cpp LIBS M365::Core m365sandboxfixture LABELS integration TIMEOUT 400)
m365_add_test(tst_networkjob SOURCES tst_networkjob.cpp LIBS M365::Core m365sandboxfixture LABELS integration TIMEOUT 120)
m365_add_test(tst_cli SOURCES tst_cli.cpp LIBS M365::Core M365::Sandbox LABELS integration TIMEOUT 300)
target_compile_definitions(tst_cli PRIVATE M365SIM_PATH="$<TARGET_FILE:m365sim>" M365SYNC_CLI_PATH="$<TARGET_FILE:m365sync-cli>")
add_dependencies(tst_cli m365sim m365sync-cli)
