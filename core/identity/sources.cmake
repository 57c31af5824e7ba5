# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Included by core/CMakeLists.txt in the m365core target's context.
target_sources(m365core PRIVATE
    result.h
    identity/certificatecredential.cpp identity/certificatecredential.h
    identity/clientassertion.cpp identity/clientassertion.h
    identity/cloudendpoints.cpp identity/cloudendpoints.h
    identity/opensslsupport.h
    identity/tokenprovider.cpp identity/tokenprovider.h
)
