# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# The sync engine end to end (PlanJob, ApplyJob) against a real slapd and the in-process sandbox tenant.
m365_add_test(tst_syncengine
    SOURCES tst_syncengine.cpp slapdfixture.cpp slapdfixture.h
    LIBS M365::Core m365sandboxfixture
    LABELS integration
    TIMEOUT 120)
