# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Cloud endpoints, secret store and profiles (issue 3): no network, no keychain.
m365_add_test(tst_cloudendpoints SOURCES tst_cloudendpoints.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_secretchunks SOURCES tst_secretchunks.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_memorysecretstore SOURCES tst_memorysecretstore.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
m365_add_test(tst_profilestore SOURCES tst_profilestore.cpp LIBS M365::Core LABELS unit TIMEOUT 60)
