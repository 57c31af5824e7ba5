// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cloudindex.h"

#include "directory/groupresolver.h"

#include <QVarLengthArray>

namespace M365::Sync::Detail {

/// A directory DN as a lookup key: the cheap case fold for the usual DN, the full normalisation otherwise.
QString dnKey(const QString &dn)
{
    if (dn.contains(QLatin1Char(' ')) || dn.contains(QLatin1Char('#'))) {
        return Directory::GroupResolver::normalizeDn(dn);
    }
    return dn.toCaseFolded();
}

/// Whether dnKey(dn) is only the ASCII lower case of @p dn (the usual DN), which can be hashed and compared in place.
bool isSimpleDn(QStringView dn)
{
    for (const QChar c : dn) {
        if (c.unicode() >= 0x80 || c == QLatin1Char(' ') || c == QLatin1Char('#')) {
            return false;
        }
    }
    return true;
}

/// qHash(dnKey(dn)), without building the key for the usual DN.
size_t dnKeyHash(QStringView dn)
{
    if (!isSimpleDn(dn)) {
        return qHash(dnKey(dn.toString()));
    }
    QVarLengthArray<char16_t, 128> folded(dn.size());
    for (qsizetype i = 0; i < dn.size(); ++i) {
        const char16_t c = dn.at(i).unicode();
        folded[i] = (c >= u'A' && c <= u'Z') ? char16_t(c + 32) : c;
    }
    return qHash(QStringView(folded.constData(), folded.size()));
}

/// dnKey(a) == dnKey(b), without building the keys for the usual DNs.
bool sameDnKey(QStringView a, QStringView b)
{
    if (isSimpleDn(a) && isSimpleDn(b)) {
        return a.compare(b, Qt::CaseInsensitive) == 0;
    }
    return dnKey(a.toString()) == dnKey(b.toString());
}

} // namespace M365::Sync::Detail
