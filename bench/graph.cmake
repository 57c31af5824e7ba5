# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
qt_add_executable(bench_graph_pacing bench_graph_pacing.cpp)
target_link_libraries(bench_graph_pacing PRIVATE M365::Core M365::Sandbox)
m365_set_defaults(bench_graph_pacing)
