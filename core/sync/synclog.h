// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace M365::Sync {
Q_DECLARE_LOGGING_CATEGORY(lcSync)
} // namespace M365::Sync
