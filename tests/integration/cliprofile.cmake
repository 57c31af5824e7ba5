# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# A whole profile from the shell (issue 15): m365sync-cli profile create/set-directory/set-sync/export/import, schedule
# and --help, against m365sim in its own process and a real slapd over LDAPS. Needs the Secret Service, like tst_cli.
m365_add_test(tst_cliprofile
    SOURCES tst_cliprofile.cpp slapdfixture.cpp slapdfixture.h opensslcli.h
    LIBS M365::Core
    LABELS integration
    TIMEOUT 600)
target_compile_definitions(tst_cliprofile PRIVATE M365SIM_PATH="$<TARGET_FILE:m365sim>"
                                                  M365SYNC_CLI_PATH="$<TARGET_FILE:m365sync-cli>")
add_dependencies(tst_cliprofile m365sim m365sync-cli)
