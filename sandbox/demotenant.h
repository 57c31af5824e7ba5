// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandboxserver.h"

#include <QString>

namespace M365::Sandbox {

/// Starts the offline demo tenant in-process: seeded with the demo on first use and kept under @p dataDirectory
/// (the app's data location) so that it persists between runs. HTTPS with its own CA, as a real tenant would be.
bool startDemoTenant(SandboxServer *server, const QString &dataDirectory, QString *errorMessage);

/// The bundled sample directory (LDIF) as a file under @p dataDirectory, copied there on first use so that the admin
/// can edit it and watch the preview follow; empty with @p errorMessage set when it cannot be written.
QString sampleDirectoryPath(const QString &dataDirectory, QString *errorMessage = nullptr);

/// One line that says which sandbox tenant the app is connected to, for the GUI shell and the CLI.
QString describeTenant(SandboxServer *server);

} // namespace M365::Sandbox
