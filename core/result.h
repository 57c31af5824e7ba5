// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <utility>

namespace M365 {

/*
 * The outcome of a synchronous engine call that can fail: either a value or an Error the GUI and the CLI can show as
 * it is. It exists so that functions such as CertificateCredential::importPfx() need neither exceptions nor
 * out-parameters. Asynchronous work reports through a Job instead (STYLE.md section 3).
 */
template <class T> struct Result
{
    T value{}; ///< meaningful only when ok()
    Error error; ///< null when ok()

    bool ok() const { return error.isNull(); }

    static Result success(T value) { return Result{std::move(value), Error{}}; }
    static Result failure(Error error) { return Result{T{}, std::move(error)}; }
};

} // namespace M365
