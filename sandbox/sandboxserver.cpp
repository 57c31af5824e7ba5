// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandboxserver.h"

#include "sandboxcrypto.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace M365::Sandbox {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "UNKNOWN";
    }
}

bool writeFile(const QString &path, const QByteArray &data, bool secret)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return false;
    }
    if (secret) {
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return file.write(data) == data.size();
}

void writeResponse(QHttpServerResponder &responder, const ApiResponse &response)
{
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    for (const auto &header : response.headers) {
        responder.writeHeader(header.first, header.second);
    }
    responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    responder.writeBody(response.body);
}

} // namespace

SandboxServer::SandboxServer(QObject *parent)
    : QAbstractHttpServer(parent)
{}

QString SandboxServer::baseUrl() const
{
    return QStringLiteral("%1://127.0.0.1:%2")
        .arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"))
        .arg(m_port);
}

bool SandboxServer::setUpTls(const QString &directory, QString *errorMessage)
{
    QDir().mkpath(directory);
    const QString caPath = directory + QStringLiteral("/m365sim-ca.pem");
    const QString certPath = directory + QStringLiteral("/m365sim-server.pem");
    const QString keyPath = directory + QStringLiteral("/m365sim-server.key");
    const auto read = [](const QString &path) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    QByteArray certPem = read(certPath);
    QByteArray keyPem = read(keyPath);
    QSslCertificate certificate(certPem, QSsl::Pem);
    // Reuse the CA across restarts so a profile that trusts it keeps working; renew when it is unusable or expiring.
    if (certificate.isNull() || keyPem.isEmpty() || !QFileInfo::exists(caPath)
        || certificate.expiryDate() < QDateTime::currentDateTimeUtc().addDays(30)) {
        const Crypto::TlsMaterial material = Crypto::makeLoopbackTls(QStringLiteral("m365sim sandbox CA"));
        if (material.caCertificatePem.isEmpty() || !writeFile(caPath, material.caCertificatePem, false)
            || !writeFile(certPath, material.serverCertificatePem, false)
            || !writeFile(keyPath, material.serverKeyPem, true)) {
            if (errorMessage) {
                *errorMessage = QStringLiteral("Could not create the sandbox's TLS certificate in %1.").arg(directory);
            }
            return false;
        }
        certPem = material.serverCertificatePem;
        keyPem = material.serverKeyPem;
        certificate = QSslCertificate(certPem, QSsl::Pem);
    }
    const QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull()) {
        if (errorMessage) {
            *errorMessage = QStringLiteral("The sandbox's TLS key in %1 is unreadable; delete it to create a new one.")
                                .arg(keyPath);
        }
        return false;
    }
    sslSetup(certificate, key);
    m_caFile = QFileInfo(caPath).absoluteFilePath();
    return true;
}

bool SandboxServer::start(const Options &options, QString *errorMessage)
{
    m_tenant.setTimeScale(options.timeScale);
    if (!m_tenant.open(options.statePath, options.seedDemo, errorMessage)) {
        return false;
    }
    m_tls = options.tls;
    if (m_tls) {
        QString directory = options.tlsDirectory;
        if (directory.isEmpty()) {
            directory = options.statePath.isEmpty()
                ? QDir::tempPath() + QStringLiteral("/m365sim-tls-") + m_tenant.state().tenantId
                : QFileInfo(options.statePath).absolutePath();
        }
        if (!setUpTls(directory, errorMessage)) {
            return false;
        }
    }
    m_port = listen(QHostAddress::LocalHost, options.port);
    if (m_port == 0) {
        if (errorMessage) {
            *errorMessage = QStringLiteral("Could not listen on 127.0.0.1:%1; is the port in use?").arg(options.port);
        }
        return false;
    }
    m_tenant.setBaseUrl(baseUrl());
    return true;
}

QJsonObject SandboxServer::connectionInfo() const
{
    return QJsonObject{
        {QStringLiteral("graphUrl"), baseUrl()},
        {QStringLiteral("loginUrl"), baseUrl()},
        {QStringLiteral("tenantId"), m_tenant.state().tenantId},
        {QStringLiteral("clientId"), m_tenant.state().demoClientId},
        {QStringLiteral("clientSecret"), m_tenant.state().demoClientSecret},
        {QStringLiteral("caFile"), m_caFile.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(m_caFile)}};
}

bool SandboxServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHash<QByteArray, QByteArray> headers;
    for (const auto &header : request.headers()) {
        headers.insert(header.first.toLower(), header.second);
    }
    const ApiResponse response = m_tenant.handle(
        methodName(request.method()), request.url().path(QUrl::FullyDecoded), request.query(), headers, request.body());
    if (response.resetConnection) {
        socket->abort();
        return true;
    }
    auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
    if (response.delayMs > 0) {
        QPointer<QTcpSocket> guard(socket);
        QTimer::singleShot(response.delayMs, this, [responder, response, guard] {
            if (guard) {
                writeResponse(*responder, response);
            }
        });
        return true;
    }
    writeResponse(*responder, response);
    return true;
}

void SandboxServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ApiResponse response = ApiResponse::json(404, QJsonObject{{QStringLiteral("error"), QStringLiteral("not found")}});
    QHttpServerResponder responder = makeResponder(request, socket);
    writeResponse(responder, response);
}

} // namespace M365::Sandbox
