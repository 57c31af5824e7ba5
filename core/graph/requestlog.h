// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <deque>

namespace M365::Graph {

/// Replaces access tokens (JWTs), client secrets and client assertions in @p text with "[redacted]". Every line the
/// engine logs about HTTP traffic goes through this first.
QString redactSecrets(const QString &text);

/*
 * The HTTP requests the engine made, newest last, for the GUI's Log tab and for support: method, URL (redacted),
 * status, Graph's request-id, duration, attempt number. Never headers, never bodies.
 */
class RequestLog : public QObject
{
    Q_OBJECT

public:
    struct Entry
    {
        QDateTime time;
        QString method;
        QString url;
        int status = 0; ///< 0: no HTTP answer
        QString requestId;
        qint64 durationMs = 0;
        int attempt = 1;
        QString note; ///< e.g. "throttled, retry in 1.2 s"
    };

    explicit RequestLog(QObject *parent = nullptr);

    void add(Entry entry);
    QList<Entry> entries() const { return QList<Entry>(m_entries.begin(), m_entries.end()); }
    int capacity() const { return m_capacity; }
    void setCapacity(int capacity) { m_capacity = capacity; }

Q_SIGNALS:
    void entryAdded(const M365::Graph::RequestLog::Entry &entry);

private:
    std::deque<Entry> m_entries;
    int m_capacity = 5000;
};

} // namespace M365::Graph
