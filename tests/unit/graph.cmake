# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
m365_add_test(tst_graphtypes SOURCES tst_graphtypes.cpp LIBS M365::Core LABELS unit)
m365_add_test(tst_pacer SOURCES tst_pacer.cpp LIBS M365::Core LABELS unit)
m365_add_test(tst_retrypolicy SOURCES tst_retrypolicy.cpp LIBS M365::Core LABELS unit)
m365_add_test(tst_tenantcheck SOURCES tst_tenantcheck.cpp LIBS M365::Core LABELS unit)
