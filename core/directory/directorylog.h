// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace M365::Directory {
// Everything under core/directory logs here; bind passwords are never passed to it.
Q_DECLARE_LOGGING_CATEGORY(lcDirectory)
} // namespace M365::Directory
