# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
m365_add_test(tst_graphclient SOURCES tst_graphclient.cpp LIBS M365::Core m365sandboxfixture LABELS integration TIMEOUT 400)
