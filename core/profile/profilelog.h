// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// Secret values are never passed to these categories: keys (m365sync/<profile>/<purpose>), sizes and error codes only.
namespace M365::Secrets {
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
} // namespace M365::Secrets

namespace M365::Profile {
Q_DECLARE_LOGGING_CATEGORY(lcProfile)
} // namespace M365::Profile
