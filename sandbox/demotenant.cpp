// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "demotenant.h"

#include <QDir>
#include <QFile>

namespace M365::Sandbox {

bool startDemoTenant(SandboxServer *server, const QString &dataDirectory, QString *errorMessage)
{
    const QString directory = dataDirectory + QStringLiteral("/sandbox");
    QDir().mkpath(directory);
    SandboxServer::Options options;
    options.statePath = directory + QStringLiteral("/tenant.json");
    options.tls = true;
    options.seedDemo = true;
    return server->start(options, errorMessage);
}

QString sampleDirectoryPath(const QString &dataDirectory, QString *errorMessage)
{
    const QString directory = dataDirectory + QStringLiteral("/sample");
    const QString path = directory + QStringLiteral("/directory.ldif");
    if (!QFile::exists(path)) {
        QDir().mkpath(directory);
        if (!QFile::copy(QStringLiteral(":/m365sync/sample/directory.ldif"), path)) {
            if (errorMessage) {
                *errorMessage = QStringLiteral("The sample directory could not be written to %1.")
                                    .arg(QDir::toNativeSeparators(path));
            }
            return {};
        }
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return path;
}

QString describeTenant(SandboxServer *server)
{
    const TenantState &state = server->tenant()->state();
    const auto count = [](qsizetype n, const char *one, const char *many) {
        return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
    };
    return QStringLiteral("Connected to the sandbox tenant \"%1\" (tenant ID %2) at %3/v1.0: %4, %5, %6 (%7 verified).")
        .arg(state.organization.value(QLatin1String("displayName")).toString(),
             state.tenantId,
             server->baseUrl(),
             count(state.users.size(), "user", "users"),
             count(state.groups.size(), "group", "groups"),
             count(state.domains.size(), "domain", "domains"))
        .arg(state.verifiedDomainNames().size());
}

} // namespace M365::Sandbox
