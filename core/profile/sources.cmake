# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Cloud endpoints, secret store and profiles (issue 3); included by core/CMakeLists.txt inside the m365core target.
# identity/cloudendpoints lives in core/identity/ (its namespace) but is listed here: identity/sources.cmake belongs
# to the credentials and token work.
target_sources(m365core PRIVATE
    identity/cloudendpoints.cpp identity/cloudendpoints.h
    profile/secretstore.cpp profile/secretstore.h
    profile/secretchunks.cpp profile/secretchunks.h
    profile/keychainsecretstore.cpp profile/keychainsecretstore.h
    profile/memorysecretstore.cpp profile/memorysecretstore.h
    profile/profile.cpp profile/profile.h
    profile/profilestore.cpp profile/profilestore.h
    profile/profilelog.h
)
