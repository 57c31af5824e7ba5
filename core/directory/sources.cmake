# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Directory sources (issue 4); included by core/CMakeLists.txt inside the m365core target.
target_sources(m365core PRIVATE
    directory/containerscope.cpp directory/containerscope.h
    directory/directoryentry.cpp directory/directoryentry.h
    directory/directoryjob.cpp directory/directoryjob.h
    directory/directorylog.h
    directory/directorysource.cpp directory/directorysource.h
    directory/groupresolver.cpp directory/groupresolver.h
    directory/filesourcesupport.cpp directory/filesourcesupport.h
    directory/ldifsource.cpp directory/ldifsource.h
    directory/textencoding.cpp directory/textencoding.h
    directory/csvparser.cpp directory/csvparser.h
    directory/csvmapping.cpp directory/csvmapping.h
    directory/csvsource.cpp directory/csvsource.h
    directory/ldapconfig.cpp directory/ldapconfig.h
    directory/servercertificate.cpp directory/servercertificate.h
    directory/ldapconnection.cpp directory/ldapconnection.h
    directory/ldapsource.cpp directory/ldapsource.h
)
