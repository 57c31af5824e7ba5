# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# bench_ldap_read: 100,000 inetOrgPerson entries read from a throwaway slapd through LdapSource.
qt_add_executable(bench_ldap_read
    bench_ldap_read.cpp
    ${PROJECT_SOURCE_DIR}/tests/integration/slapdfixture.cpp
    ${PROJECT_SOURCE_DIR}/tests/integration/slapdfixture.h)
target_include_directories(bench_ldap_read PRIVATE ${PROJECT_SOURCE_DIR}/tests/integration)
target_link_libraries(bench_ldap_read PRIVATE M365::Core Qt6::Network)
m365_set_defaults(bench_ldap_read)

# bench_csv_read: a 100,000-row HR export read through CsvSource with a column mapping.
qt_add_executable(bench_csv_read bench_csv_read.cpp benchsupport.h)
target_link_libraries(bench_csv_read PRIVATE M365::Core)
m365_set_defaults(bench_csv_read)
