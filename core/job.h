// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QObject>
#include <QTimer>

namespace M365 {

/*
 * Asynchronous work with KJob's contract (STYLE.md section 3): start() only schedules; finished() is emitted exactly
 * once; afterwards error() and the subclass's typed result are valid. A job without a parent deletes itself after
 * finished(), so fire-and-forget callers need not track it.
 */
class Job : public QObject
{
    Q_OBJECT

public:
    explicit Job(QObject *parent = nullptr)
        : QObject(parent)
    {}

    /// Schedules the work on the event loop; never blocks and never emits synchronously.
    void start()
    {
        QTimer::singleShot(0, this, [this] {
            if (!m_finished) {
                run();
            }
        });
    }
    /// Stops the work; finished() follows with the cancelled error (Error::isCancelled()).
    void cancel()
    {
        if (!m_finished) {
            onCancel();
            fail(Error::cancelled(tr("The operation was cancelled.")));
        }
    }

    bool isFinished() const { return m_finished; }
    bool hasError() const { return !m_error.isNull(); }
    /// Ended by cancel() or a closed connection rather than by a failure.
    bool wasCancelled() const { return m_error.isCancelled(); }
    const Error &error() const { return m_error; }
    QString errorString() const { return m_error.userMessage; }

Q_SIGNALS:
    /// Exactly once; only this base emits it (QPrivateSignal), so a subclass cannot finish twice or skip the
    /// bookkeeping.
    void finished(M365::Job *job, QPrivateSignal);

protected:
    virtual void run() = 0;
    virtual void onCancel() {}

    void succeed() { finish(Error{}); }
    void fail(const Error &error) { finish(error); }

private:
    void finish(const Error &error)
    {
        if (m_finished) {
            return;
        }
        m_finished = true;
        m_error = error;
        Q_EMIT finished(this, QPrivateSignal());
        if (!parent()) {
            deleteLater();
        }
    }

    bool m_finished = false;
    Error m_error;
};

} // namespace M365
