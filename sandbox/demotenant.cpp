// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "demotenant.h"

#include <QDir>

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

QString describeTenant(SandboxServer *server)
{
    const TenantState &state = server->tenant()->state();
    return QStringLiteral("Connected to the sandbox tenant \"%1\" (tenant ID %2) at %3/v1.0: %4 users, %5 groups, "
                          "%6 domains (%7 verified).")
        .arg(state.organization.value(QLatin1String("displayName")).toString(), state.tenantId, server->baseUrl())
        .arg(state.users.size())
        .arg(state.groups.size())
        .arg(state.domains.size())
        .arg(state.verifiedDomainNames().size());
}

} // namespace M365::Sandbox
