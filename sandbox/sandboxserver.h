// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandboxtenant.h"

#include <QAbstractHttpServer>
#include <QJsonObject>
#include <QString>

namespace M365::Sandbox {

/*
 * The sandbox tenant on the wire: HTTP or HTTPS on 127.0.0.1 only, with a private CA that it generates and keeps
 * next to its state. Used in-process by tests and the offline demo, and by the m365sim executable.
 */
class SandboxServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    struct Options
    {
        quint16 port = 0; ///< 0: any free port
        bool tls = false;
        QString statePath; ///< empty: in memory only
        double timeScale = 1;
        bool seedDemo = true;
        QString tlsDirectory; ///< where the CA and server key are kept; default: next to the state file
    };

    explicit SandboxServer(QObject *parent = nullptr);

    /// Opens the tenant and starts listening; false with a message an admin can act on when it cannot.
    bool start(const Options &options, QString *errorMessage);

    SandboxTenant *tenant() { return &m_tenant; }
    quint16 port() const { return m_port; }
    /// "http(s)://127.0.0.1:PORT"; Graph is {baseUrl}/v1.0 and the token endpoint {baseUrl}/{tenant}/oauth2/v2.0/token.
    QString baseUrl() const;
    /// The PEM file of the CA that issued the HTTPS certificate; empty for plain HTTP.
    QString caFile() const { return m_caFile; }
    /// The facts m365sim prints on start: graphUrl, loginUrl, tenantId, clientId, clientSecret, caFile.
    QJsonObject connectionInfo() const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    bool setUpTls(const QString &directory, QString *errorMessage);

    SandboxTenant m_tenant;
    quint16 m_port = 0;
    bool m_tls = false;
    QString m_caFile;
};

} // namespace M365::Sandbox
