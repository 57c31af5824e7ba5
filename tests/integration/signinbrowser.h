// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

/*
 * Plays the admin's browser for the sign-in tests: loads Microsoft's (the sandbox's) sign-in page with a real QNAM,
 * fills in the form and submits it, and follows the 302 to the loopback redirect by hand, so each hop can be checked.
 * Waits are bounded (QSignalSpy), never sleeps.
 */
class SignInBrowser
{
public:
    struct Page
    {
        int status = 0;
        QByteArray body;
        QUrl location; ///< the Location of a redirect, resolved
        QUrl action; ///< the sign-in form's action
        QList<QPair<QString, QString>> hiddenFields;
    };

    /// Trust the sandbox's private CA, as a browser would after the admin installed it.
    void setCaCertificates(const QList<QSslCertificate> &cas) { m_cas = cas; }

    Page get(const QUrl &url) { return send("GET", url, {}); }

    /// Submits the page's form with its hidden fields plus @p extra (login, passwd, cancel).
    Page submit(const Page &page, const QList<QPair<QString, QString>> &extra)
    {
        QUrlQuery form;
        for (const auto &field : page.hiddenFields + extra) {
            form.addQueryItem(field.first, QString::fromLatin1(QUrl::toPercentEncoding(field.second)));
        }
        return send("POST", page.action, form.toString(QUrl::FullyEncoded).toLatin1());
    }

    /// Signs in on the page at @p authorizeUrl and returns the redirect the sign-in ends with.
    Page signIn(const QUrl &authorizeUrl, const QString &login, const QString &password)
    {
        const Page page = get(authorizeUrl);
        if (page.status != 200) {
            return page;
        }
        return submit(page, {{QStringLiteral("login"), login}, {QStringLiteral("passwd"), password}});
    }

private:
    static QString unescape(QString text)
    {
        text.replace(QLatin1String("&quot;"), QLatin1String("\""));
        text.replace(QLatin1String("&lt;"), QLatin1String("<"));
        text.replace(QLatin1String("&gt;"), QLatin1String(">"));
        text.replace(QLatin1String("&#39;"), QLatin1String("'"));
        text.replace(QLatin1String("&amp;"), QLatin1String("&"));
        return text;
    }

    Page send(const QByteArray &method, const QUrl &url, const QByteArray &body)
    {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setTransferTimeout(15000);
        if (!m_cas.isEmpty()) {
            QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
            ssl.addCaCertificates(m_cas);
            request.setSslConfiguration(ssl);
        }
        if (method == "POST") {
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
        }
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished()) {
            finished.wait(16000);
        }
        Page page;
        page.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        page.body = reply->readAll();
        const QByteArray location = reply->rawHeader("Location");
        if (!location.isEmpty()) {
            page.location = url.resolved(QUrl::fromEncoded(location));
        }
        const QString html = QString::fromUtf8(page.body);
        static const QRegularExpression action(QStringLiteral("<form method=\"post\" action=\"([^\"]*)\""));
        const auto match = action.match(html);
        if (match.hasMatch()) {
            page.action = QUrl(unescape(match.captured(1)));
        }
        static const QRegularExpression hidden(
            QStringLiteral("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">"));
        for (auto it = hidden.globalMatch(html); it.hasNext();) {
            const auto field = it.next();
            page.hiddenFields.append({field.captured(1), unescape(field.captured(2))});
        }
        return page;
    }

    QNetworkAccessManager m_nam;
    QList<QSslCertificate> m_cas;
};
