// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Distinguished names from an LDAP server or a profile file (core/directory/containerscope.h): the container scope's
// DN normalisation and matching, the container tree built from a server's DNs, and the server certificate an LDAP
// server presents (core/directory/servercertificate.h). The input's lines are DNs: the first is the included
// container, the second the excluded one, the rest entries; the whole input is also tried as a DER certificate.

#include "directory/containerscope.h"
#include "directory/servercertificate.h"
#include "fuzzsupport.h"

using M365::Directory::ContainerScope;
using M365::Fuzz::require;
namespace Directory = M365::Directory;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    M365::Fuzz::quietQtMessages();
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));

    const Directory::ServerCertificate certificate = Directory::ServerCertificate::fromDer(bytes);
    require(certificate.isNull() || !certificate.summaryText().isEmpty(), "a certificate has a summary");

    const QStringList lines = QString::fromUtf8(bytes).split(QLatin1Char('\n'));
    for (const QString &dn : lines) {
        const QString normalized = Directory::normalizedDn(dn);
        require(Directory::normalizedDn(normalized) == normalized, "normalising a normalised DN changes nothing");
        const QString parent = Directory::parentOfNormalizedDn(normalized);
        require(parent.isEmpty() || normalized.endsWith(QLatin1Char(',') + parent), "a parent is the DN's tail");
        Directory::firstRdnValue(dn);
    }
    const QString included = lines.value(0);
    const QString excluded = lines.value(1);
    const ContainerScope scope({included}, excluded.isEmpty() ? QStringList() : QStringList{excluded});
    const bool distinct = Directory::normalizedDn(included) != Directory::normalizedDn(excluded);
    if (!Directory::normalizedDn(included).isEmpty() && distinct) {
        require(!excluded.isEmpty() || scope.contains(included), "an included container is in its own scope");
    }
    if (!Directory::normalizedDn(excluded).isEmpty()) {
        require(!scope.contains(excluded), "an excluded container is out of scope");
    }
    // Read back from the profile (blank DNs dropped, spaces trimmed), it decides every entry the same way.
    const ContainerScope readBack = ContainerScope::fromJson(scope.toJson());
    // (A DN with leading or trailing white space, or none at all, is stored trimmed or not at all: compared only
    // when it reads back as it is.)
    const bool blank = included.trimmed().isEmpty() || included != included.trimmed()
        || (!excluded.isEmpty() && (excluded.trimmed().isEmpty() || excluded != excluded.trimmed()))
        || Directory::normalizedDn(included).isEmpty();
    const QStringList entries = lines.mid(2);
    for (const QString &dn : entries) {
        require(blank || readBack.contains(dn) == scope.contains(dn), "a scope reads back as written");
    }

    const QList<Directory::DirectoryContainer> tree = Directory::buildContainerTree(
        included, entries, entries.mid(0, entries.size() / 2), entries.mid(entries.size() / 2));
    for (int i = 0; i < tree.size(); ++i) {
        const Directory::DirectoryContainer &c = tree.at(i);
        require(c.parent < i, "parents come before their children");
        require(c.subtreeUsers >= c.directUsers && c.subtreeGroups >= c.directGroups, "a subtree holds its container");
    }
    return 0;
}
