# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Sync engine (issue 5); included by core/CMakeLists.txt inside the m365core target.
target_sources(m365core PRIVATE
    sync/applier.cpp sync/applier.h
    sync/applyrequests.cpp sync/applyrequests.h
    sync/changeplan.cpp sync/changeplan.h
    sync/directorysnapshot.cpp sync/directorysnapshot.h
    sync/exclusions.cpp sync/exclusions.h
    sync/cloudindex.cpp sync/cloudindex.h
    sync/cloudreader.cpp sync/cloudreader.h
    sync/clouduser.cpp sync/clouduser.h
    sync/incrementalplanner.cpp sync/incrementalplanner.h
    sync/initialpasswords.cpp sync/initialpasswords.h
    sync/licencegroups.cpp sync/licencegroups.h
    sync/mappingrules.cpp sync/mappingrules.h
    sync/planbuilder.cpp sync/planbuilder.h
    sync/plangroups.cpp
    sync/planlicences.cpp
    sync/planner.cpp sync/planner.h
    sync/planusers.cpp
    sync/plansession.cpp sync/plansession.h
    sync/runhealth.cpp sync/runhealth.h
    sync/runlock.cpp sync/runlock.h
    sync/runreport.cpp sync/runreport.h
    sync/runsummary.cpp sync/runsummary.h
    sync/schedule.cpp sync/schedule.h
    sync/scope.cpp sync/scope.h
    sync/statestore.cpp sync/statestore.h
    sync/syncrun.cpp sync/syncrun.h
    sync/syncsettings.cpp sync/syncsettings.h
    sync/undoplanner.cpp sync/undoplanner.h
    sync/synclog.h
)
