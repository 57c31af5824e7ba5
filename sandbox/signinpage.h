// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "apitypes.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

/*
 * What the sandbox's browser-facing pages share: the authorize page, the device login page and the admin consent page
 * all show the same minimal sign-in form, end in the same kind of error page, and decide by the same rule whether a
 * redirect URI is one the application registered. The tests drive these pages like a browser (signinbrowser.h), so
 * the form's markup is part of the contract: `<form method="post" action="…">` and
 * `<input type="hidden" name="…" value="…">`.
 */
namespace M365::Sandbox::SignInPage {

using Fields = QList<QPair<QString, QString>>;

/// A complete HTML page; also the answer to page-level failures, which never go to an untrusted redirect URI.
ApiResponse html(int status, const QString &title, const QString &bodyHtml);
/// Microsoft's "Sorry, but we're having trouble signing you in." page with "AADSTS<code>: <text>" and the trace id.
ApiResponse error(const ApiRequest &request, int code, const QString &text);
/// A form that posts @p hidden and any further inputs of @p innerHtml back to @p action, as a browser submits it.
QString form(const QString &action, const Fields &hidden, const QString &innerHtml);
/**
 * The email and password form: @p intro says what is being signed in to, @p problem (when set) is shown as the
 * element with id "error", and Cancel submits "cancel=1" so that the flow can answer "the user declined".
 */
QString credentialsForm(const QString &action,
                        const Fields &hidden,
                        const QString &intro,
                        const QString &loginHint,
                        const QString &problem);

/// The parameters of a page request: the query of a GET, the url-encoded body of a POST.
QUrlQuery parameters(const ApiRequest &request);
QString value(const QUrlQuery &parameters, const char *name);
QByteArray percentEncoded(const QString &value);

/**
 * Whether @p requested matches the registered redirect URI @p registered as the Microsoft identity platform compares
 * them (entra-docs identity-platform/reply-url.md): for localhost and 127.0.0.1 the port is ignored, nothing else is:
 * the host must be the registered one (127.0.0.1 does not match localhost), and so must the scheme and the path,
 * where no path and "/" are the same (a URI without a path is answered with a trailing slash).
 */
bool matchesRegisteredRedirect(QUrl registered, QUrl requested);
/// Whether @p redirectUri matches any of @p registered (see matchesRegisteredRedirect()).
bool isRegisteredRedirect(const QStringList &registered, const QString &redirectUri);
/// Where answers to @p redirectUri go: the URI with the trailing slash Microsoft adds when it has no path, followed
/// by the separator before the answer's parameters ('?' or '&').
QByteArray answerPrefix(const QString &redirectUri);
/// A 302 to @p location that no cache keeps.
ApiResponse redirect(const QByteArray &location);

} // namespace M365::Sandbox::SignInPage
