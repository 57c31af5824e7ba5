# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# The main window serves a sandbox profile's tenant itself while its dashboard is open (issue 15): the place the wizard
# recorded, "Try again" while another program serves it, and letting go when the dashboard closes.
m365_add_test(tst_mainwindowplace
    SOURCES tst_mainwindowplace.cpp dashboardfixture.h "${PROJECT_SOURCE_DIR}/app/mainwindow.cpp"
        "${PROJECT_SOURCE_DIR}/app/mainwindow.h"
    LIBS M365::Dashboard M365::Models m365wizard M365::Core M365::Sandbox M365::SandboxHost Qt6::Widgets Qt6::Network
    LABELS gui
    TIMEOUT 300)
target_include_directories(tst_mainwindowplace PRIVATE "${PROJECT_SOURCE_DIR}/app")
