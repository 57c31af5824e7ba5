// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandboxserver.h"
#include "tenantplace.h"

#include <QString>

#include <memory>

namespace M365::Sandbox {

/// The state file of the offline demo tenant under @p dataDirectory (the app's data location):
/// "<dataDirectory>/sandbox/tenant.json". The wizard's sandbox profiles name it as their place.
QString demoTenantPath(const QString &dataDirectory);

/**
 * Opens the offline demo tenant, TenantPlace::open() on demoTenantPath(): served in this process over HTTPS with its
 * own CA, seeded with the demo on first use and kept so that it persists between runs. With @p reset, everything the
 * demo keeps is deleted first, under the place's lock: the tenant, its CA, the sync state of m365sync-cli --sandbox
 * next to it and the sample directory. Null with @p errorMessage set (what to do included) when another program
 * serves the tenant, or it cannot start.
 */
std::shared_ptr<TenantPlace> openDemoTenant(const QString &dataDirectory, QString *errorMessage, bool reset = false);

/// The bundled sample directory (LDIF) as a file under @p dataDirectory, copied there on first use so that the admin
/// can edit it and watch the preview follow; empty with @p errorMessage set when it cannot be written.
QString sampleDirectoryPath(const QString &dataDirectory, QString *errorMessage = nullptr);

/// One line that says which sandbox tenant the app is connected to, for the GUI shell and the CLI.
QString describeTenant(SandboxServer *server);

} // namespace M365::Sandbox
