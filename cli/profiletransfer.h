// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profile/profile.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace M365::Secrets {
class SecretStore;
}

namespace M365::Cli {

/**
 * Secrets in a profile file beyond what Profile::findSecretValue() knows: web addresses that carry their key, such as a
 * Teams or Slack incoming webhook (the path is the key), a Logic Apps trigger (sig=…), a token or key in the query, a
 * password in the address. Returns the JSON paths, e.g. "monitoring.webhookUrl".
 */
QStringList findSecretAddresses(const QJsonObject &json);

/**
 * "m365sync-cli profile export NAME FILE": the profile as JSON for another machine, without any secret and without the
 * keychain references (they name this machine's entries). Tells which secrets the importer must give again. Returns
 * the exit code.
 */
int exportProfile(const QStringList &arguments);

/**
 * "m365sync-cli profile import FILE [--name NEW] CREDENTIAL [--bind-password-env VARIABLE | --bind-password-stdin]":
 * a profile from an export, with its secrets given again (into the keychain). A file that holds a secret is refused,
 * saying where: a secret in a file has been in every copy and backup of it.
 */
class ImportProfileCommand : public QObject
{
    Q_OBJECT

public:
    ImportProfileCommand(Secrets::SecretStore *secrets, QObject *parent = nullptr);
    void run(const QStringList &arguments);

private:
    Secrets::SecretStore *m_secrets;
};

} // namespace M365::Cli
