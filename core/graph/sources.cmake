# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
target_sources(m365core PRIVATE
    job.h
    graph/graphclient.cpp graph/graphclient.h
    graph/deltareader.cpp graph/deltareader.h
    graph/graphtypes.cpp graph/graphtypes.h
    graph/networkjob.cpp graph/networkjob.h
    graph/pacer.cpp graph/pacer.h
    graph/requestlog.cpp graph/requestlog.h
    graph/retrypolicy.cpp graph/retrypolicy.h
    graph/tenantcheck.cpp graph/tenantcheck.h
)
