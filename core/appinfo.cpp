// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "appinfo.h"

#include <QCoreApplication>

namespace M365 {

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("m365sync"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("m365sync.org"));
    QCoreApplication::setApplicationName(QStringLiteral("m365sync"));
    QCoreApplication::setApplicationVersion(applicationVersion());
}

QString applicationVersion()
{
    return QStringLiteral(M365_VERSION);
}

} // namespace M365
