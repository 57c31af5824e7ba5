// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "retrypolicy.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace M365::Graph {

namespace {

/// No HTTP answer: the connection was reset, refused or timed out (also on the way to a token). A TLS failure or a
/// refused token is an answer, and sending again would not change it.
bool isNetworkFailure(const Response &answer)
{
    return answer.status == 0 && (answer.error.isNull() || answer.error.code == QLatin1String("network"));
}

/**
 * Whether @p answer is what Graph says about an object created moments ago that has not replicated yet: a 404, or the
 * 400 it gives a new application's service principal ("The appId '…' of the service principal does not reference a
 * valid application object.", microsoftgraph/msgraph-sdk-dotnet#3108).
 */
bool notReplicatedYet(const Response &answer)
{
    if (answer.status == 404) {
        return true;
    }
    return answer.status == 400
        && answer.json.value(QLatin1String("error"))
               .toObject()
               .value(QLatin1String("message"))
               .toString()
               .contains(QLatin1String("does not reference a valid application object"));
}

} // namespace

bool isTransient(int status)
{
    return status == 429 || status == 503 || status == 504;
}

std::optional<qint64>
RetryPolicy::retryWaitMs(const Request &request, const Response &answer, const RetryState &state) const
{
    const bool lagging = request.retryNotFound && notReplicatedYet(answer) && state.elapsedMs < notFoundWaitMs;
    if (!(isTransient(answer.status) || isNetworkFailure(answer) || lagging) || state.attempts >= maxAttempts) {
        return std::nullopt;
    }
    const double retryAfter = parseRetryAfter(answer.header("retry-after"));
    const qint64 wait = retryAfter >= 0 ? qint64(std::ceil(retryAfter * 1000)) : backoffMs(state.attempts);
    if (state.waitedMs + wait > maxTotalWaitMs) {
        return std::nullopt;
    }
    return wait;
}

qint64 RetryPolicy::backoffMs(int attempt) const
{
    const double exponential = double(initialBackoffMs) * std::pow(2.0, std::max(0, attempt - 1));
    const double capped = std::min<double>(exponential, double(maxBackoffMs));
    if (!jitter) {
        return qint64(capped);
    }
    return qint64(capped * (0.5 + 0.5 * QRandomGenerator::global()->generateDouble()));
}

} // namespace M365::Graph
