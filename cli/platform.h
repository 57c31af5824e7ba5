// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

// The one place of the CLI that knows POSIX from Windows (neither <unistd.h> nor isatty exists on Windows).

namespace M365::Cli {

/// Whether standard input is a terminal (a person who can answer a question), not a pipe, a file or a scheduler.
bool standardInputIsTerminal();

/// Whether the process runs as root (POSIX), the only user that may write system-wide systemd units. Always false on
/// Windows, where the CLI writes no system-wide schedule.
bool runsAsRoot();

/**
 * Reads one line of standard input (without its line break) for a secret: a password or a client secret. On a
 * terminal @p prompt goes to standard error first and what is typed is not echoed; from a pipe the line is read as
 * it comes. Reads byte by byte, so that several secrets can follow each other on standard input. Empty at the end of
 * input.
 */
QString readSecretLine(const QString &prompt);

} // namespace M365::Cli
