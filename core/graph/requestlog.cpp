// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "requestlog.h"

#include <QRegularExpression>

namespace M365::Graph {

QString redactSecrets(const QString &text)
{
    // A JWT: three base64url parts, the first two starting with a JSON object ("eyJ").
    static const QRegularExpression jwt(QStringLiteral("eyJ[A-Za-z0-9_-]*\\.eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*"));
    static const QRegularExpression formSecret(
        QStringLiteral("(client_secret|client_assertion|access_token|refresh_token|password)=[^&\\s]*"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression bearer(QStringLiteral("(Bearer\\s+)[^\\s\"]+"),
                                           QRegularExpression::CaseInsensitiveOption);
    QString out = text;
    out.replace(jwt, QStringLiteral("[redacted]"));
    out.replace(formSecret, QStringLiteral("\\1=[redacted]"));
    out.replace(bearer, QStringLiteral("\\1[redacted]"));
    return out;
}

RequestLog::RequestLog(QObject *parent)
    : QObject(parent)
{}

void RequestLog::add(Entry entry)
{
    entry.url = redactSecrets(entry.url);
    entry.note = redactSecrets(entry.note);
    m_entries.push_back(entry);
    while (int(m_entries.size()) > m_capacity) {
        m_entries.pop_front();
    }
    Q_EMIT entryAdded(entry);
}

} // namespace M365::Graph
