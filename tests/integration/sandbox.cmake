# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Sandbox tenant tests: the sandbox runs in-process on 127.0.0.1 (port 0); tst_m365sim starts the executable.
add_library(m365sandboxfixture STATIC sandboxfixture.cpp sandboxfixture.h)
target_link_libraries(m365sandboxfixture PUBLIC M365::Sandbox Qt6::Test Qt6::Network)
target_include_directories(m365sandboxfixture PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}")
m365_set_defaults(m365sandboxfixture)

foreach(name IN ITEMS tst_sandboxgraph tst_sandboxbatch tst_sandboxdelta tst_sandboxthrottling tst_sandboxidentity
                      tst_sandboxroles tst_sandboxlicensing tst_sandboxroleassignments tst_graphexamples tst_m365sim)
    if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp")
        m365_add_test(${name} SOURCES ${name}.cpp LIBS m365sandboxfixture LABELS integration)
    endif()
endforeach()
if(TARGET tst_m365sim)
    target_compile_definitions(tst_m365sim PRIVATE M365SIM_PATH="$<TARGET_FILE:m365sim>")
    add_dependencies(tst_m365sim m365sim)
endif()

# The identity platform beyond the token endpoint (issue 13): OpenID Connect discovery and the signing keys (checked
# with OpenSSL directly, never with the sandbox's own code), the device authorization grant and admin consent. The
# tests play the browser (signinbrowser.h).
m365_add_test(tst_sandboxdiscovery
    SOURCES tst_sandboxdiscovery.cpp signinbrowser.h
    LIBS m365sandboxfixture OpenSSL::Crypto
    LABELS integration)
m365_add_test(tst_sandboxdevicecode
    SOURCES tst_sandboxdevicecode.cpp sandboxsignin.h signinbrowser.h
    LIBS m365sandboxfixture
    LABELS integration)
m365_add_test(tst_sandboxadminconsent
    SOURCES tst_sandboxadminconsent.cpp sandboxsignin.h signinbrowser.h
    LIBS m365sandboxfixture
    LABELS integration)
