# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Directory sources (issue 4) against a real slapd started by the test (see slapdfixture.h).
m365_add_test(tst_ldapsource
    SOURCES tst_ldapsource.cpp slapdfixture.cpp slapdfixture.h runtool.h directoryjobrun.h
    LIBS M365::Core Qt6::Network
    LABELS integration
    TIMEOUT 120)
