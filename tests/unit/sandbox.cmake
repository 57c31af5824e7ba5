# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
m365_add_test(tst_throttler SOURCES tst_throttler.cpp LIBS M365::Sandbox LABELS unit)
