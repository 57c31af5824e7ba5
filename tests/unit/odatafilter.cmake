# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later

# The sandbox's $filter parser, compiled straight into the test so that the rest of m365sandbox need not build.
m365_add_test(tst_odatafilter SOURCES tst_odatafilter.cpp ${PROJECT_SOURCE_DIR}/sandbox/odatafilter.cpp LIBS Qt6::Core LABELS unit)
target_include_directories(tst_odatafilter PRIVATE ${PROJECT_SOURCE_DIR}/sandbox)
