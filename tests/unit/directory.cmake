# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Directory sources (issue 4): parsers and pure logic, no server needed.
m365_add_test(tst_ldifsource SOURCES tst_ldifsource.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_directoryjob SOURCES tst_directoryjob.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_csvsource SOURCES tst_csvsource.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_directoryentry SOURCES tst_directoryentry.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_groupresolver SOURCES tst_groupresolver.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_textencoding SOURCES tst_textencoding.cpp messyexports.h LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_csvmapping SOURCES tst_csvmapping.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_servercertificate SOURCES tst_servercertificate.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_containerscope SOURCES tst_containerscope.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
