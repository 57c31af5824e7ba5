# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# App-only sign-in with a certificate made by core/identity against the in-process sandbox tenant (issue 3).
m365_add_test(tst_certificatelogin
    SOURCES tst_certificatelogin.cpp
    LIBS M365::Core m365sandboxfixture
    LABELS integration)
