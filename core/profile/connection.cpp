// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connection.h"

#include "identity/certificatecredential.h"
#include "profile/secretstore.h"

#include <QFile>

namespace M365::Profile {

Connection::Connection(QNetworkAccessManager *nam,
                       const Profile &profile,
                       const Identity::ClientCredential &credential,
                       const QList<QSslCertificate> &extraCas,
                       QObject *parent)
    : QObject(parent)
    , m_profile(profile)
    , m_tokens(new Identity::TokenProvider(nam, profile.endpoints, profile.tenant, profile.clientId, credential, this))
    , m_graph(new Graph::GraphClient(nam, profile.endpoints, m_tokens, this))
{
    m_tokens->setExtraCaCertificates(extraCas);
}

ConnectJob::ConnectJob(QNetworkAccessManager *nam,
                       const Profile &profile,
                       Secrets::SecretStore *secrets,
                       QObject *parent)
    : Job(parent)
    , m_nam(nam)
    , m_profile(profile)
    , m_secrets(secrets)
{}

void ConnectJob::run()
{
    if (m_profile.clientId.isEmpty()) {
        fail(M365::Error{QStringLiteral("profile.noClientId"),
                         tr("The connection \"%1\" has no app yet. Register it with the wizard or with "
                            "\"m365sync-cli register --profile %1 --device-code\".")
                             .arg(m_profile.name),
                         {},
                         {}});
        return;
    }
    const bool certificate = m_profile.credentialKind == CredentialKind::Certificate;
    const QString key = certificate ? m_profile.secrets.privateKey : m_profile.secrets.clientSecret;
    if (key.isEmpty() || !m_secrets) {
        fail(M365::Error{QStringLiteral("profile.noCredential"),
                         tr("The connection \"%1\" has no credential. Add a certificate or a client secret to it.")
                             .arg(m_profile.name),
                         {},
                         {}});
        return;
    }
    Secrets::SecretJob *job = m_secrets->read(key, this);
    connect(job, &Secrets::SecretJob::finished, this, [this, done = job] {
        done->deleteLater();
        if (done->hasError()) {
            M365::Error error = done->error();
            if (done->failure() == Secrets::SecretJob::Failure::NotFound) {
                error.userMessage =
                    tr("The credential of the connection \"%1\" is missing from the keychain. Import the "
                       "certificate or enter the client secret again.")
                        .arg(m_profile.name);
            }
            fail(error);
            return;
        }
        onSecret(done->value());
    });
    job->start();
}

void ConnectJob::onSecret(const QByteArray &value)
{
    QList<QSslCertificate> extraCas;
    if (!m_profile.caFile.isEmpty()) {
        QFile file(m_profile.caFile);
        if (!file.open(QIODevice::ReadOnly)
            || (extraCas = QSslCertificate::fromData(file.readAll(), QSsl::Pem)).isEmpty()) {
            fail(M365::Error{QStringLiteral("profile.caFile"),
                             tr("The CA file %1 of the connection cannot be read. For the sandbox tenant it is the "
                                "caFile that m365sim printed.")
                                 .arg(m_profile.caFile),
                             file.errorString(),
                             {}});
            return;
        }
    }
    Identity::ClientCredential credential;
    if (m_profile.credentialKind == CredentialKind::Certificate) {
        const auto imported = Identity::CertificateCredential::importPem(m_profile.certificate.pem, value);
        if (!imported.ok()) {
            fail(imported.error);
            return;
        }
        credential = Identity::ClientCredential::fromCertificate(
            imported.value,
            m_profile.clientId,
            m_profile.assertionAlgorithm == AssertionAlgorithm::RS256 ? Identity::ClientAssertion::Algorithm::RS256
                                                                      : Identity::ClientAssertion::Algorithm::PS256);
    } else {
        credential = Identity::ClientCredential::fromSecret(QString::fromUtf8(value));
    }
    m_connection = std::make_unique<Connection>(m_nam, m_profile, credential, extraCas);
    succeed();
}

} // namespace M365::Profile
