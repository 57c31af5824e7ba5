// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace M365 {

/// Sets the application and organisation names so that QStandardPaths and QSettings resolve to m365sync's own
/// locations on every platform. Call once, right after the Q(Core)Application is created.
void setApplicationIdentity();

/// The product version, e.g. "0.1.0".
QString applicationVersion();

} // namespace M365
