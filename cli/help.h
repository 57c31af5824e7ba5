// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace M365::Cli {

/// True when the arguments ask for help: "--help" or "-h" anywhere, or the word "help" first.
bool asksForHelp(const QStringList &arguments);

/**
 * The usage of the command that @p arguments name ("plan --help", "profile create NAME -h", "help schedule"): the
 * longest match of the leading words ("profile create" before "profile"). A group word alone ("profile") lists its
 * sub-commands. Empty when no command is known by those words; main() then prints the overall usage.
 *
 * The texts live in one table here so that the command classes need not know about --help; a new command adds its
 * entry to the table in help.cpp.
 */
QString commandHelp(const QStringList &arguments);

} // namespace M365::Cli
