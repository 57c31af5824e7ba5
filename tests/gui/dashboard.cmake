# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# The dashboard (issue 7): the main window over the sandbox tenant and the sample directory, driven by objectName.
m365_add_test(tst_dashboard
    SOURCES tst_dashboard.cpp dashboardfixture.h "${PROJECT_SOURCE_DIR}/app/mainwindow.cpp" "${PROJECT_SOURCE_DIR}/app/mainwindow.h"
        "${PROJECT_SOURCE_DIR}/tests/integration/slapdfixture.cpp" "${PROJECT_SOURCE_DIR}/tests/integration/slapdfixture.h"
    LIBS M365::Dashboard M365::Models m365wizard M365::Core M365::Sandbox M365::SandboxHost Qt6::Widgets Qt6::Network
    LABELS gui
    TIMEOUT 600)
target_include_directories(tst_dashboard PRIVATE "${PROJECT_SOURCE_DIR}/app" "${PROJECT_SOURCE_DIR}/tests/integration")

# The dashboard in German (the same fixture, dashboardfixture.h): screenshots de-dashboard-*.png for review.
m365_add_test(tst_dashboard_de
    SOURCES tst_dashboard_de.cpp dashboardfixture.h "${PROJECT_SOURCE_DIR}/app/mainwindow.cpp"
        "${PROJECT_SOURCE_DIR}/app/mainwindow.h" "${PROJECT_SOURCE_DIR}/app/translations.cpp"
        "${PROJECT_SOURCE_DIR}/app/translations.h"
    LIBS M365::Dashboard M365::Models m365wizard M365::Core M365::Sandbox M365::SandboxHost Qt6::Widgets Qt6::Network
    LABELS gui
    TIMEOUT 300)
target_include_directories(tst_dashboard_de PRIVATE "${PROJECT_SOURCE_DIR}/app")
target_compile_definitions(tst_dashboard_de PRIVATE M365_QM_DIR="${PROJECT_BINARY_DIR}/app")
add_dependencies(tst_dashboard_de m365sync_lrelease)

# "Edit connection…" and drafts in the main window (issue 13), over the same fixture.
m365_add_test(tst_editconnection
    SOURCES tst_editconnection.cpp dashboardfixture.h "${PROJECT_SOURCE_DIR}/app/mainwindow.cpp"
        "${PROJECT_SOURCE_DIR}/app/mainwindow.h"
    LIBS M365::Dashboard M365::Models m365wizard M365::Core M365::Sandbox M365::SandboxHost Qt6::Widgets Qt6::Network
    LABELS gui
    TIMEOUT 600)
target_include_directories(tst_editconnection PRIVATE "${PROJECT_SOURCE_DIR}/app")

# The Licences tab on its own over an in-process sandbox tenant: every subscription, direct vs through a group, and
# licensing through a group set up from the tab.
m365_add_test(tst_licencestab
    SOURCES tst_licencestab.cpp
    LIBS M365::Dashboard M365::Core m365sandboxfixture Qt6::Widgets Qt6::Network
    LABELS gui
    TIMEOUT 120)

# The Settings tab's rules against what Graph lets the app write: the capability list and a rule's warning.
m365_add_test(tst_settingstab
    SOURCES tst_settingstab.cpp dashboardfixture.h "${PROJECT_SOURCE_DIR}/app/mainwindow.cpp"
        "${PROJECT_SOURCE_DIR}/app/mainwindow.h"
    LIBS M365::Dashboard M365::Models m365wizard M365::Core M365::Sandbox M365::SandboxHost Qt6::Widgets Qt6::Network
    LABELS gui
    TIMEOUT 600)
target_include_directories(tst_settingstab PRIVATE "${PROJECT_SOURCE_DIR}/app")

# The Connections overview (issue 15): two profiles, one failing, from their state stores; English and German.
m365_add_test(tst_connectionsoverview
    SOURCES tst_connectionsoverview.cpp "${PROJECT_SOURCE_DIR}/app/translations.cpp"
        "${PROJECT_SOURCE_DIR}/app/translations.h"
    LIBS M365::Dashboard M365::Models M365::Core Qt6::Widgets
    LABELS gui)
target_include_directories(tst_connectionsoverview PRIVATE "${PROJECT_SOURCE_DIR}/app")
target_compile_definitions(tst_connectionsoverview PRIVATE M365_QM_DIR="${PROJECT_BINARY_DIR}/app")
add_dependencies(tst_connectionsoverview m365sync_lrelease)
