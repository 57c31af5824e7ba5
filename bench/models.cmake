# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# bench_preview_model: loads and filters a 100,000-change plan in the preview model shown by a QTableView (issue 7).
if(M365_BUILD_GUI)
    qt_add_executable(bench_preview_model bench_preview_model.cpp)
    set_target_properties(bench_preview_model PROPERTIES MACOSX_BUNDLE OFF WIN32_EXECUTABLE OFF)
    target_link_libraries(bench_preview_model PRIVATE M365::Models M365::Core Qt6::Widgets)
    m365_set_defaults(bench_preview_model)
endif()
