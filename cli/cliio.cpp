// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cliio.h"

#include <QCoreApplication>
#include <QTimer>

namespace M365::Cli {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

void finish(int code)
{
    out().flush();
    err().flush();
    QTimer::singleShot(0, qApp, [code] {
        QCoreApplication::exit(code);
    });
}

} // namespace M365::Cli
