// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Command-line tools (slapadd, ldapadd, samba-tool, …) run by test fixtures: bounded waits, the reason on failure.
// Blocking waits are fine here: this is test set-up, not engine code.

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace TestSupport {

/**
 * Runs @p program with @p input on its standard input and waits at most @p timeoutMs. Standard output and error are
 * merged into @p output. False, with what went wrong (and the end of the tool's output, where tools say why) in
 * @p error, when it cannot start, does not finish in time or exits with an error.
 */
inline bool runTool(const QString &program,
                    const QStringList &arguments,
                    const QByteArray &input,
                    int timeoutMs,
                    QString *error,
                    QByteArray *output = nullptr,
                    const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    if (!process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(program, process.errorString());
        return false;
    }
    if (!input.isEmpty()) {
        process.write(input);
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
        *error = QStringLiteral("%1 did not finish within %2 s").arg(program).arg(timeoutMs / 1000);
        return false;
    }
    const QByteArray out = process.readAll();
    if (output) {
        *output = out;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        // The tail holds the reason (ldapadd reports the failing entry last).
        *error = QStringLiteral("%1 %2 failed (exit code %3): %4")
                     .arg(program, arguments.join(QLatin1Char(' ')))
                     .arg(process.exitCode())
                     .arg(QString::fromLocal8Bit(out.right(3000)));
        return false;
    }
    return true;
}

} // namespace TestSupport
