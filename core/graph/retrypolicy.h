// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphtypes.h"

#include <QtGlobal>

#include <optional>

namespace M365::Graph {

/// How far one request has got in its retries: what RetryPolicy::retryWaitMs() decides on.
struct RetryState
{
    int attempts = 0; ///< times the request was sent, the one just answered included
    qint64 waitedMs = 0; ///< spent waiting to send again (Retry-After, backoff); time in flight does not count
    qint64 elapsedMs = 0; ///< since the request was first sent; bounds how long replication lag is waited out
};

/*
 * How long and how often failed requests are tried again. retryWaitMs() is the only place that decides: NetworkJob
 * asks it about every answer to a request, and BatchJob about every answer to a sub-request, so that a rule about
 * retrying changes in one place.
 */
struct RetryPolicy
{
    int maxAttempts = 12; ///< per request, including the first
    qint64 maxTotalWaitMs = 10 * 60 * 1000; ///< waiting for Retry-After or backoff, per request
    qint64 notFoundWaitMs = 30 * 1000; ///< how long a 404 on a just-created object is retried
    qint64 initialBackoffMs = 500;
    qint64 maxBackoffMs = 30 * 1000;
    /// Spread each backoff at random over the upper half of its range, so that many clients do not retry in step.
    /// Tests switch it off to get exact waits.
    bool jitter = true;

    /**
     * After @p answer to @p request, which stands at @p state: how many milliseconds to wait before sending the request
     * again, or std::nullopt when @p answer is the final one.
     *
     * Worth another try are throttling and unavailability (isTransient(), waiting for Retry-After when Graph sent one,
     * backoff otherwise), no answer at all (a reset connection, a timeout), and, for a request marked
     * Request::retryNotFound, the answers of an object that has not replicated yet, during notFoundWaitMs. Retries
     * end with the last answer when maxAttempts is reached or the wait would take the request beyond maxTotalWaitMs.
     */
    std::optional<qint64> retryWaitMs(const Request &request, const Response &answer, const RetryState &state) const;

    /// The wait when Graph gave no Retry-After: initialBackoffMs after the first attempt, doubling after each further
    /// one up to maxBackoffMs (less with jitter).
    qint64 backoffMs(int attempt) const;
};

/// True for statuses worth sending again unchanged: throttling (429), unavailable (503), gateway timeout (504).
bool isTransient(int status);

} // namespace M365::Graph
