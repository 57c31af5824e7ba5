# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# The real OS keychain (issue 3). CI runs ctest under dbus-run-session with an unlocked gnome-keyring
# (scripts/dev.sh run_ctest); the test reads entries back through QtKeychain itself to check the chunk layout.
m365_add_test(tst_keychainsecretstore
    SOURCES tst_keychainsecretstore.cpp
    LIBS M365::Core Qt6Keychain::Qt6Keychain
    LABELS integration
    TIMEOUT 120)
