# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Sandbox tenant tests: the sandbox runs in-process on 127.0.0.1 (port 0); tst_m365sim starts the executable.
add_library(m365sandboxfixture STATIC sandboxfixture.cpp sandboxfixture.h)
target_link_libraries(m365sandboxfixture PUBLIC M365::Sandbox Qt6::Test Qt6::Network)
target_include_directories(m365sandboxfixture PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}")
m365_set_defaults(m365sandboxfixture)

foreach(name IN ITEMS tst_sandboxgraph tst_sandboxbatch tst_sandboxdelta tst_sandboxthrottling tst_sandboxidentity
                      tst_graphexamples tst_m365sim)
    if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp")
        m365_add_test(${name} SOURCES ${name}.cpp LIBS m365sandboxfixture LABELS integration)
    endif()
endforeach()
if(TARGET tst_m365sim)
    target_compile_definitions(tst_m365sim PRIVATE M365SIM_PATH="$<TARGET_FILE:m365sim>")
    add_dependencies(tst_m365sim m365sim)
endif()
