// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one place of the CLI that knows POSIX from Windows (neither <unistd.h> nor isatty exists on Windows).

namespace M365::Cli {

/// Whether standard input is a terminal (a person who can answer a question), not a pipe, a file or a scheduler.
bool standardInputIsTerminal();

} // namespace M365::Cli
