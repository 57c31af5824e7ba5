# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# bench_preview_model: loads and filters a 100,000-change plan in the preview model shown by a QTableView (issue 7).
if(M365_BUILD_GUI)
    qt_add_executable(bench_preview_model bench_preview_model.cpp)
    set_target_properties(bench_preview_model PROPERTIES MACOSX_BUNDLE OFF WIN32_EXECUTABLE OFF)
    target_link_libraries(bench_preview_model PRIVATE M365::Models M365::Core Qt6::Widgets)
    m365_set_defaults(bench_preview_model)
endif()

# bench_live_preview: 100,000 users in slapd, a change seen through syncrepl, planned from the snapshot, shown in the
# preview model (issue 12).
if(M365_BUILD_GUI)
    qt_add_executable(bench_live_preview
        bench_live_preview.cpp benchsandbox.h benchsupport.h
        ${PROJECT_SOURCE_DIR}/tests/integration/slapdfixture.cpp
        ${PROJECT_SOURCE_DIR}/tests/integration/slapdfixture.h)
    set_target_properties(bench_live_preview PROPERTIES MACOSX_BUNDLE OFF WIN32_EXECUTABLE OFF)
    target_include_directories(bench_live_preview PRIVATE ${PROJECT_SOURCE_DIR}/tests/integration)
    target_link_libraries(bench_live_preview PRIVATE M365::Models M365::Core M365::Sandbox Qt6::Network)
    m365_set_defaults(bench_live_preview)
endif()
