// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

/*
 * What the fuzz targets share. A target is a plain function of its input bytes: no event loop, no QCoreApplication
 * (QCoreApplication::translate works without one), and state set up once in function-local statics, never per input.
 */
namespace M365::Fuzz {

/// Qt's debug, info and warning output (a refused profile logs a warning) would flood the fuzzer's log at thousands
/// of inputs a second. Fatal messages still print: Q_ASSERT and qFatal abort after them, which is a crash to report.
inline void quietQtMessages()
{
    static const bool installed = [] {
        qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &message) {
            if (type == QtFatalMsg) {
                std::fprintf(stderr, "%s\n", message.toLocal8Bit().constData());
            }
        });
        return true;
    }();
    Q_UNUSED(installed);
}

/// A promise the code under test documents, checked on every input: a broken one aborts, and libFuzzer keeps the
/// input as a crash like any other.
inline void require(bool holds, const char *promise)
{
    if (!holds) {
        std::fprintf(stderr, "fuzz: broken promise: %s\n", promise);
        std::abort();
    }
}

/// The input split into a selector (its first byte: which reader or mode gets the rest) and the rest.
struct Selected
{
    uint8_t selector = '0';
    QByteArray rest;

    /// The selector as one of @p n choices, counted from the digit '0', so that a seed file starts with a readable
    /// "0", "1", … and every other byte still picks some choice.
    int choice(int n) const { return uint8_t(selector - '0') % n; }
};

inline Selected select(const uint8_t *data, size_t size)
{
    Selected s;
    if (size > 0) {
        s.selector = data[0];
        s.rest = QByteArray(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    }
    return s;
}

} // namespace M365::Fuzz
