# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Sync engine (issue 5); included by core/CMakeLists.txt inside the m365core target.
target_sources(m365core PRIVATE
    sync/changeplan.cpp sync/changeplan.h
    sync/mappingrules.cpp sync/mappingrules.h
    sync/planner.cpp sync/planner.h
    sync/scope.cpp sync/scope.h
    sync/statestore.cpp sync/statestore.h
    sync/synclog.h
)
