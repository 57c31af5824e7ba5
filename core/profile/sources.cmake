# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Secret store, profiles and connections; included by core/CMakeLists.txt inside the m365core target.
target_sources(m365core PRIVATE
    profile/secretstore.cpp profile/secretstore.h
    profile/secretchunks.cpp profile/secretchunks.h
    profile/keychainsecretstore.cpp profile/keychainsecretstore.h
    profile/memorysecretstore.cpp profile/memorysecretstore.h
    profile/profile.cpp profile/profile.h
    profile/profilestore.cpp profile/profilestore.h
    profile/profilelog.h
    profile/connection.cpp profile/connection.h
)
