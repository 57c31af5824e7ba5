// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "signinpage.h"

namespace M365::Sandbox::SignInPage {

ApiResponse html(int status, const QString &title, const QString &bodyHtml)
{
    ApiResponse response;
    response.status = status;
    response.body = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title></head>"
                                   "<body><h1>%1</h1>%2</body></html>\n")
                        .arg(title.toHtmlEscaped(), bodyHtml)
                        .toUtf8();
    response.setHeader("Content-Type", "text/html; charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    return response;
}

ApiResponse error(const ApiRequest &request, int code, const QString &text)
{
    return html(400,
                QStringLiteral("Sorry, but we're having trouble signing you in."),
                QStringLiteral("<p id=\"error\">AADSTS%1: %2</p><p>Trace ID: %3</p>")
                    .arg(code)
                    .arg(text.toHtmlEscaped(), request.requestId));
}

QString form(const QString &action, const Fields &hidden, const QString &innerHtml)
{
    QString inputs;
    for (const auto &field : hidden) {
        inputs += QStringLiteral("<input type=\"hidden\" name=\"%1\" value=\"%2\">\n")
                      .arg(field.first.toHtmlEscaped(), field.second.toHtmlEscaped());
    }
    return QStringLiteral("<form method=\"post\" action=\"%1\">\n%2%3</form>\n")
        .arg(action.toHtmlEscaped(), inputs, innerHtml);
}

QString credentialsForm(
    const QString &action, const Fields &hidden, const QString &intro, const QString &loginHint, const QString &problem)
{
    QString body = QStringLiteral("<p>%1</p>\n").arg(intro.toHtmlEscaped());
    if (!problem.isEmpty()) {
        body += QStringLiteral("<p id=\"error\">%1</p>\n").arg(problem.toHtmlEscaped());
    }
    body += form(action,
                 hidden,
                 QStringLiteral("<label>Email <input type=\"email\" name=\"login\" value=\"%1\"></label>\n"
                                "<label>Password <input type=\"password\" name=\"passwd\"></label>\n"
                                "<button type=\"submit\" name=\"signin\" value=\"1\">Sign in</button>\n"
                                "<button type=\"submit\" name=\"cancel\" value=\"1\">Cancel</button>\n")
                     .arg(loginHint.toHtmlEscaped()));
    return body;
}

QUrlQuery parameters(const ApiRequest &request)
{
    return request.method == "GET" ? request.query
                                   : QUrlQuery(QString::fromUtf8(QByteArray(request.body).replace('+', ' ')));
}

QString value(const QUrlQuery &parameters, const char *name)
{
    return parameters.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded);
}

QByteArray percentEncoded(const QString &value)
{
    return QUrl::toPercentEncoding(value);
}

bool matchesRegisteredRedirect(QUrl registered, QUrl requested)
{
    const auto normalized = [](QUrl &url) {
        if (url.path().isEmpty()) {
            url.setPath(QStringLiteral("/"));
        }
        if (url.host() == QLatin1String("localhost") || url.host() == QLatin1String("127.0.0.1")) {
            url.setPort(-1);
        }
    };
    if (!registered.isValid() || !requested.isValid() || requested.isRelative() || requested.hasFragment()) {
        return false;
    }
    normalized(registered);
    normalized(requested);
    return registered == requested;
}

bool isRegisteredRedirect(const QStringList &registered, const QString &redirectUri)
{
    const QUrl requested(redirectUri, QUrl::StrictMode);
    for (const QString &uri : registered) {
        if (matchesRegisteredRedirect(QUrl(uri, QUrl::StrictMode), requested)) {
            return true;
        }
    }
    return false;
}

QByteArray answerPrefix(const QString &redirectUri)
{
    QUrl url(redirectUri, QUrl::StrictMode);
    if (url.path().isEmpty()) {
        url.setPath(QStringLiteral("/"));
    }
    const QByteArray uri = url.toEncoded();
    return uri + (uri.contains('?') ? '&' : '?');
}

ApiResponse redirect(const QByteArray &location)
{
    ApiResponse response;
    response.status = 302;
    response.setHeader("Location", location);
    response.setHeader("Cache-Control", "no-store");
    return response;
}

} // namespace M365::Sandbox::SignInPage
