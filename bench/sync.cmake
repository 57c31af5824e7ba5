# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# bench_plan: plans 100,000 users and 5,000 groups against an equal-sized cloud snapshot (issue 5).
qt_add_executable(bench_plan bench_plan.cpp)
target_link_libraries(bench_plan PRIVATE M365::Core)
m365_set_defaults(bench_plan)

# bench_apply: a first sync of 5,000 users with a licence and two groups each against the time-scaled sandbox.
qt_add_executable(bench_apply bench_apply.cpp)
target_link_libraries(bench_apply PRIVATE M365::Core M365::Sandbox)
m365_set_defaults(bench_apply)
