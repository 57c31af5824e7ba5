// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/graphclient.h"
#include "identity/tokenprovider.h"
#include "job.h"
#include "profile/profile.h"

#include <QPointer>

#include <memory>

class QNetworkAccessManager;

namespace M365::Secrets {
class SecretStore;
}

namespace M365::Profile {

/// A ready connection to one tenant: the token provider and the Graph client built from a profile.
class Connection : public QObject
{
    Q_OBJECT

public:
    Connection(QNetworkAccessManager *nam,
               const Profile &profile,
               const Identity::ClientCredential &credential,
               const QList<QSslCertificate> &extraCas,
               QObject *parent = nullptr);

    const Profile &profile() const { return m_profile; }
    Identity::TokenProvider *tokens() const { return m_tokens; }
    Graph::GraphClient *graph() const { return m_graph; }

private:
    Profile m_profile;
    Identity::TokenProvider *m_tokens;
    Graph::GraphClient *m_graph;
};

/*
 * Opens a Connection for a profile: reads the credential from the secret store (the certificate's private key or
 * the client secret), checks it belongs to the certificate on file, loads the sandbox CA when the profile names one.
 * Nothing secret is kept beyond the credential object in memory.
 */
class ConnectJob : public M365::Job
{
    Q_OBJECT

public:
    ConnectJob(QNetworkAccessManager *nam,
               const Profile &profile,
               Secrets::SecretStore *secrets,
               QObject *parent = nullptr);
    /// The connection, owned by the caller after this call (valid after success).
    std::unique_ptr<Connection> takeConnection() { return std::move(m_connection); }

protected:
    void run() override;

private:
    void onSecret(const QByteArray &value);

    QNetworkAccessManager *m_nam;
    Profile m_profile;
    QPointer<Secrets::SecretStore> m_secrets;
    std::unique_ptr<Connection> m_connection;
};

} // namespace M365::Profile
