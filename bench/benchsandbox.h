// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphclient.h"
#include "identity/tokenprovider.h"
#include "sandboxserver.h"

#include <QNetworkAccessManager>
#include <QThread>

#include <functional>
#include <memory>

namespace M365::Bench {

/**
 * The sandbox tenant on its own thread, as the real service runs elsewhere: the client's event loop is not slowed
 * by the server's work, so what a benchmark measures is the client. run() executes on the server's thread and waits.
 */
class SandboxOnThread
{
public:
    explicit SandboxOnThread(const Sandbox::SandboxServer::Options &options)
    {
        m_thread.start();
        m_context.moveToThread(&m_thread);
        run([this, options] {
            m_server = std::make_unique<Sandbox::SandboxServer>();
            m_started = m_server->start(options, &m_error);
        });
    }
    ~SandboxOnThread()
    {
        run([this] {
            m_server.reset();
        });
        m_thread.quit();
        m_thread.wait();
    }

    bool isStarted() const { return m_started; }
    QString error() const { return m_error; }
    /// Only from inside run(), or for values that do not change (baseUrl, the demo app's id and secret).
    Sandbox::SandboxServer *server() const { return m_server.get(); }
    void run(const std::function<void()> &work)
    {
        QMetaObject::invokeMethod(&m_context, work, Qt::BlockingQueuedConnection);
    }

private:
    QThread m_thread;
    QObject m_context;
    std::unique_ptr<Sandbox::SandboxServer> m_server;
    QString m_error;
    bool m_started = false;
};

/**
 * The demo app's Graph client for a sandbox tenant: client-secret sign-in, and the pacer's windows shrunk by the
 * same time scale as the tenant's (3,000 writes per 150 s becomes 3,000 per 150 s / scale).
 */
struct DemoClient
{
    DemoClient(Sandbox::SandboxServer *server, double timeScale)
        : tokens(&nam,
                 Identity::CloudEndpoints::custom(QUrl(server->baseUrl()),
                                                  QUrl(server->baseUrl()),
                                                  QStringLiteral("https://graph.microsoft.com/.default")),
                 server->tenant()->state().tenantId,
                 server->tenant()->state().demoClientId,
                 Identity::ClientCredential::fromSecret(server->tenant()->state().demoClientSecret))
        , client(&nam, tokens.endpoints(), &tokens)
    {
        Graph::Pacer::Budget pacing;
        pacing.writeWindowSeconds /= timeScale;
        pacing.resourceUnitWindowSeconds /= timeScale;
        client.pacer().setBudget(pacing);
    }

    QNetworkAccessManager nam;
    Identity::TokenProvider tokens;
    Graph::GraphClient client;
};

} // namespace M365::Bench
