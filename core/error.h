// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace M365 {

/*
 * What the engine reports when something fails. The GUI shows userMessage in an inline banner and offers
 * "Copy details" (details + requestId); the CLI prints userMessage to stderr. userMessage is translated and says what
 * to do; details carry the technical facts for support, never a secret.
 */
struct Error
{
    QString code; ///< stable machine-readable code, e.g. "AADSTS700027", "Request_ResourceNotFound", "ldap.bind"
    QString userMessage; ///< translated, plain words, what to check or do
    QString details; ///< technical details for the log and "Copy details"
    QString requestId; ///< Graph's request-id (or the token endpoint's trace id) when there is one

    bool isNull() const { return code.isEmpty() && userMessage.isEmpty(); }

    /// The one code of a job that was stopped (cancel(), a closed connection): not a failure to report.
    static QString cancelledCode() { return QStringLiteral("cancelled"); }
    static Error cancelled(const QString &userMessage) { return Error{cancelledCode(), userMessage, {}, {}}; }
    bool isCancelled() const { return code == cancelledCode(); }
};

} // namespace M365
