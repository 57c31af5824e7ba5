# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Credentials and client assertions (issue 3). The openssl command line tool is a test dependency: it checks what we
# generate and makes the PEM and PFX files we import.
m365_add_test(tst_certificatecredential SOURCES tst_certificatecredential.cpp LIBS M365::Core LABELS unit)
m365_add_test(tst_clientassertion SOURCES tst_clientassertion.cpp LIBS M365::Core LABELS unit)
