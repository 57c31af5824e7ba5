# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# LdapSource against a real Samba AD DC started by the test (see sambaadfixture.h). Samba needs the fixed ports 389
# and 636 of loopback, so tests that start one hold the samba_ad_ports lock and never run at the same time.
m365_add_test(tst_activedirectory
    SOURCES tst_activedirectory.cpp sambaadfixture.cpp sambaadfixture.h opensslcli.h runtool.h directoryjobrun.h
    LIBS M365::Core Qt6::Network
    LABELS integration
    TIMEOUT 300)
set_tests_properties(tst_activedirectory PROPERTIES RESOURCE_LOCK samba_ad_ports)

# The AD preset's live watch (change notifications, deletions through the uSNChanged poll) against its own Samba.
m365_add_test(tst_activedirectorywatch
    SOURCES tst_activedirectorywatch.cpp sambaadfixture.cpp sambaadfixture.h opensslcli.h runtool.h
    LIBS M365::Core Qt6::Network
    LABELS integration
    TIMEOUT 180)
set_tests_properties(tst_activedirectorywatch PROPERTIES RESOURCE_LOCK samba_ad_ports)
