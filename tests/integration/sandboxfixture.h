// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandboxserver.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QString>

#include <memory>

/*
 * A sandbox tenant started in-process on 127.0.0.1, port 0, and a real QNetworkAccessManager to talk to it, for the
 * sandbox's integration tests. Requests wait for their reply with a bound (QSignalSpy), never a sleep.
 */
class SandboxFixture
{
public:
    struct Reply
    {
        int status = 0; ///< 0: no HTTP answer (connection reset, timeout)
        QByteArray body;
        QJsonObject json;
        QHash<QByteArray, QByteArray> headers; ///< names in lower case
        QString networkError;

        QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
        QString errorCode() const
        {
            return json.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString();
        }
        QString errorMessage() const
        {
            return json.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
        }
        QJsonArray value() const { return json.value(QLatin1String("value")).toArray(); }
    };

    explicit SandboxFixture(M365::Sandbox::SandboxServer::Options options = {});

    bool isStarted() const { return m_started; }
    QString startError() const { return m_error; }
    M365::Sandbox::SandboxServer &server() { return *m_server; }
    M365::Sandbox::SandboxTenant &tenant() { return *m_server->tenant(); }
    QString baseUrl() const { return m_server->baseUrl(); }
    QString tenantId() const { return m_server->tenant()->state().tenantId; }

    /// Any request; @p path is below the base URL, e.g. "/v1.0/users?$top=2".
    Reply send(const QByteArray &method,
               const QString &path,
               const QByteArray &body = {},
               const QHash<QByteArray, QByteArray> &headers = {},
               int timeoutMs = 15000);
    /// A Graph request with a bearer token; a JSON object body is sent as application/json.
    Reply graph(const QByteArray &method,
                const QString &path,
                const QString &token,
                const QJsonObject &body = {},
                const QHash<QByteArray, QByteArray> &headers = {});
    /// PUT /users/{user}/manager/$ref with the @odata.id user-post-manager.md shows; the answer's status.
    int setManager(const QString &user, const QString &manager, const QString &token);
    /// POSTs a form to the token endpoint of @p tenant (default: the tenant id).
    Reply token(const QList<QPair<QString, QString>> &form, const QString &tenant = {});
    /// An access token for the demo app (client secret), with every role the demo grants.
    QString demoToken();
    /// An access token for a new app registration that holds exactly @p roles (client secret).
    QString tokenWithRoles(const QStringList &roles);
    /// A delegated access token of the user @p upn with the delegated Microsoft Graph permissions @p scopes, the one
    /// a sign-in to the setup client would give, made by the admin API without the sign-in page.
    QString delegatedToken(const QString &upn, const QStringList &scopes);
    /**
     * Signs @p upn in on the sandbox's sign-in page as a browser submits its form (authorization code with PKCE, the
     * setup client, redirect to http://localhost) and redeems the code. The access token, or empty with what the
     * page or the token endpoint answered in @p error.
     */
    QString signIn(const QString &upn, const QString &password, const QString &scope, QString *error = nullptr);
    /// Admin API call, e.g. admin("POST", "applications", {...}).
    Reply admin(const QByteArray &method, const QString &what, const QJsonObject &body = {});

    /// A user body that passes Graph's validation, with the given UPN local part on the initial domain.
    static QJsonObject newUserBody(const QString &alias, const QString &displayName = {});

private:
    std::unique_ptr<M365::Sandbox::SandboxServer> m_server;
    QNetworkAccessManager m_nam;
    bool m_started = false;
    QString m_error;
    QString m_demoToken;
};
