# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# The dashboard's item models (issue 7), each under QAbstractItemModelTester.
m365_add_test(tst_changeplanmodel
    SOURCES tst_changeplanmodel.cpp
    LIBS M365::Models M365::Core Qt6::Gui
    LABELS gui)

# The container tree of the wizard's Directory page and the dashboard's Settings → Directory (issue 12).
m365_add_test(tst_containertreemodel
    SOURCES tst_containertreemodel.cpp
    LIBS M365::Models M365::Core Qt6::Gui
    LABELS gui)
