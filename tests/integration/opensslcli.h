// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The openssl command-line tool for tests that must sign or make certificates independently of m365sync's own code.
// Blocking waits are fine here: this is test set-up, not engine code.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace TestSupport {

inline QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

/// Runs the openssl command-line tool with a bound; false (and why) when it is missing or fails.
inline bool runOpenssl(const QStringList &arguments, const QByteArray &input, QByteArray *output, QString *error)
{
    QProcess process;
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot run openssl: %1").arg(process.errorString());
        return false;
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(2000);
        *error = QStringLiteral("openssl %1 did not finish").arg(arguments.join(QLatin1Char(' ')));
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("openssl %1 failed: %2")
                     .arg(arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(process.readAllStandardError()));
        return false;
    }
    *output = process.readAllStandardOutput();
    return true;
}

/**
 * A throwaway PKI for TLS tests in @p directory (created): ca.pem/ca.key (self-signed CA @p caSubject), other-ca.pem
 * (an unrelated CA, for "wrong CA" tests) and server.pem/server.key for @p serverSubject, signed by the CA, with the
 * subjectAltName @p alternativeNames ("DNS:localhost,IP:127.0.0.1"). EC P-256 keys keep it fast; everything is valid
 * for @p days. The server key is readable by its owner only (Samba refuses it otherwise).
 */
inline bool makeTestPki(const QString &directory,
                        const QString &caSubject,
                        const QString &serverSubject,
                        const QString &alternativeNames,
                        int days,
                        QString *error)
{
    const auto path = [&directory](const char *name) -> QString {
        return directory + QLatin1Char('/') + QLatin1String(name);
    };
    QFile extensions(path("server.ext"));
    if (!QDir().mkpath(directory) || !extensions.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1").arg(extensions.fileName());
        return false;
    }
    extensions.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                     "extendedKeyUsage=serverAuth\nsubjectAltName="
                     + alternativeNames.toUtf8() + '\n');
    extensions.close();
    const QString validity = QString::number(days);
    const QStringList newKey{QStringLiteral("-newkey"),
                             QStringLiteral("ec"),
                             QStringLiteral("-pkeyopt"),
                             QStringLiteral("ec_paramgen_curve:P-256"),
                             QStringLiteral("-nodes")};
    QByteArray output;
    const auto selfSigned = [&](const QString &subject, const char *key, const char *certificate) {
        return runOpenssl(QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + newKey
                              + QStringList{QStringLiteral("-days"),
                                            validity,
                                            QStringLiteral("-subj"),
                                            subject,
                                            QStringLiteral("-keyout"),
                                            path(key),
                                            QStringLiteral("-out"),
                                            path(certificate)},
                          {},
                          &output,
                          error);
    };
    return selfSigned(caSubject, "ca.key", "ca.pem")
        && selfSigned(QStringLiteral("/CN=some other CA"), "other-ca.key", "other-ca.pem")
        && runOpenssl(QStringList{QStringLiteral("req")} + newKey
                          + QStringList{QStringLiteral("-subj"),
                                        serverSubject,
                                        QStringLiteral("-keyout"),
                                        path("server.key"),
                                        QStringLiteral("-out"),
                                        path("server.csr")},
                      {},
                      &output,
                      error)
        && runOpenssl({QStringLiteral("x509"),
                       QStringLiteral("-req"),
                       QStringLiteral("-in"),
                       path("server.csr"),
                       QStringLiteral("-CA"),
                       path("ca.pem"),
                       QStringLiteral("-CAkey"),
                       path("ca.key"),
                       QStringLiteral("-CAcreateserial"),
                       QStringLiteral("-days"),
                       validity,
                       QStringLiteral("-extfile"),
                       path("server.ext"),
                       QStringLiteral("-out"),
                       path("server.pem")},
                      {},
                      &output,
                      error)
        && QFile::setPermissions(path("server.key"), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

} // namespace TestSupport
