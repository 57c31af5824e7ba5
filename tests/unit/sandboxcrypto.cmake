# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later

# The sandbox's cryptography, compiled straight into the test so that the rest of m365sandbox need not build.
# The openssl command line tool is a test dependency: it makes the keys, certificates and signatures to check against.
m365_add_test(tst_sandboxcrypto
    SOURCES tst_sandboxcrypto.cpp ${PROJECT_SOURCE_DIR}/sandbox/sandboxcrypto.cpp
    LIBS Qt6::Core Qt6::Network OpenSSL::Crypto
    LABELS unit)
target_include_directories(tst_sandboxcrypto PRIVATE ${PROJECT_SOURCE_DIR}/sandbox)
