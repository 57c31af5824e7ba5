# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# The wizard's "Register automatically" engine (issue 6): admin sign-in with the authorization-code flow and PKCE,
# then the app registration, against the in-process sandbox tenant. The tests play the browser.
m365_add_test(tst_adminsignin
    SOURCES tst_adminsignin.cpp signinbrowser.h
    LIBS M365::Core m365sandboxfixture
    LABELS integration)
m365_add_test(tst_appregistration
    SOURCES tst_appregistration.cpp signinbrowser.h
    LIBS M365::Core m365sandboxfixture
    LABELS integration)
# The admin sign-in with a code (device authorization grant, issue 13), the test playing the admin at /devicelogin.
m365_add_test(tst_devicecodesignin
    SOURCES tst_devicecodesignin.cpp sandboxsignin.h signinbrowser.h
    LIBS M365::Core m365sandboxfixture
    LABELS integration)
