// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profile/profile.h"

#include <QNetworkAccessManager>
#include <QObject>

namespace M365::Secrets {
class SecretStore;
}

namespace M365::Cli {

/*
 * "m365sync-cli register --profile NAME --device-code": what the wizard's automatic registration does, from a shell
 * without a browser. The administrator signs in with a device code on any other device; the app is registered in the
 * tenant with the profile's certificate and admin consent (Graph::AppRegistrationJob, which first checks the admin's
 * roles), the tenant and client IDs go into the profile, and a first sign-in as the app proves it, waiting while the
 * new app replicates.
 */
class RegisterCommand : public QObject
{
    Q_OBJECT

public:
    explicit RegisterCommand(Secrets::SecretStore *secrets, QObject *parent = nullptr);
    void run(const QStringList &arguments);

private:
    void signIn(const QByteArray &privateKey);
    void registerApp(const QString &accessToken, const QDateTime &expiresAt, const QString &tenantId);
    void saveAndCheck();

    Secrets::SecretStore *m_secrets;
    QNetworkAccessManager m_nam;
    Profile::Profile m_profile;
    QList<QSslCertificate> m_extraCas;
    QByteArray m_privateKey;
};

} // namespace M365::Cli
