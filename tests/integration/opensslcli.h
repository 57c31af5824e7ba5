// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The openssl command-line tool for tests that must sign or make certificates independently of m365sync's own code.

#include <QByteArray>
#include <QProcess>
#include <QSignalSpy>
#include <QString>
#include <QStringList>

namespace TestSupport {

inline QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

/// Runs the openssl command-line tool with a bound; false (and why) when it is missing or fails.
inline bool runOpenssl(const QStringList &arguments, const QByteArray &input, QByteArray *output, QString *error)
{
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot run openssl: %1").arg(process.errorString());
        return false;
    }
    process.write(input);
    process.closeWriteChannel();
    if (process.state() != QProcess::NotRunning && !finished.wait(30000)) {
        process.kill();
        *error = QStringLiteral("openssl %1 did not finish").arg(arguments.join(QLatin1Char(' ')));
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("openssl %1 failed: %2")
                     .arg(arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(process.readAllStandardError()));
        return false;
    }
    *output = process.readAllStandardOutput();
    return true;
}

} // namespace TestSupport
