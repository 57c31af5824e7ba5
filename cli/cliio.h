// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTextStream>

namespace M365::Cli {

/// Exit codes of m365sync-cli (documented in --help and README.md).
enum ExitCode {
    Done = 0, ///< done, or nothing to do
    Failed = 1, ///< an error; the message says what to do
    Usage = 2, ///< wrong arguments
    ChangesPending = 3,
    DeletionGuard = 4,
    FailedItems = 5,
    NeedsAdminAction = 6, ///< check: connected, but permissions or domains need an administrator
};

/// Standard output: what the command produces (plans, reports, JSON).
QTextStream &out();
/// Standard error: progress and messages for the admin.
QTextStream &err();
/// Flushes both streams and ends the application's event loop with @p code.
void finish(int code);

} // namespace M365::Cli
