# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Included by core/CMakeLists.txt in the m365core target's context: the admin sign-in (in the browser, or with a code
# on a computer without one) and the automatic app registration behind the wizard's "Register automatically"
# (issues 6 and 13).
target_sources(m365core PRIVATE
    identity/adminsignin.cpp identity/adminsignin.h
    identity/delegatedtoken.cpp identity/delegatedtoken.h
    identity/devicecodesignin.cpp identity/devicecodesignin.h
    graph/appregistration.cpp graph/appregistration.h
)
target_link_libraries(m365core PRIVATE Qt6::NetworkAuth)
