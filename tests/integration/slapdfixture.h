// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

/**
 * A throwaway OpenLDAP server for tests and benchmarks (recipe in shared/TOOLCHAIN.md).
 *
 * It writes a cn=config (mdb backend, core/cosine/inetorgperson/nis schemas, syncprov, paged
 * limits that let non-root users page past 500 entries) into a temporary directory, loads it with
 * slapadd, optionally creates a test CA and server certificate with the openssl CLI for StartTLS
 * and ldaps, starts /usr/sbin/slapd in the foreground on free loopback ports and waits (bounded)
 * until it answers. The destructor kills it. Missing binaries are errors, never skips: a test
 * that cannot run its server must fail.
 *
 * Blocking waits (QProcess::waitFor*) are fine here: this is test set-up, not engine code.
 */
class SlapdFixture
{
public:
    struct Options
    {
        QString suffix = QStringLiteral("dc=example,dc=org");
        QString rootPassword = QStringLiteral("secret");
        bool tls = false;
        bool syncprov = true;
    };

    SlapdFixture();
    explicit SlapdFixture(const Options &options);
    ~SlapdFixture();
    SlapdFixture(const SlapdFixture &) = delete;
    SlapdFixture &operator=(const SlapdFixture &) = delete;

    /// Generates the configuration (and TLS material). Call first.
    bool setUp();
    /// Bulk-loads LDIF with `slapadd -q` (only before start()).
    bool loadLdif(const QByteArray &ldif);
    bool loadLdifFile(const QString &path);
    bool start();
    /// Applies LDIF change records with ldapmodify as the root DN (after start()).
    bool modify(const QByteArray &ldif);
    void stop();

    /// The suffix entry plus ou=people and ou=groups, for fixtures that build their own data.
    QByteArray baseEntries() const;

    QString url() const;
    QString ldapsUrl() const;
    QString rootDn() const { return QStringLiteral("cn=admin,") + m_options.suffix; }
    QString rootPassword() const { return m_options.rootPassword; }
    QString suffix() const { return m_options.suffix; }
    QString caFile() const;
    /// A CA that did not sign the server certificate (for "wrong CA" tests).
    QString otherCaFile() const;
    QString directory() const { return m_dir.path(); }
    QString errorString() const { return m_error; }

private:
    bool run(const QString &program, const QStringList &arguments, const QByteArray &input = {}, int timeoutMs = 60000);
    bool makeCertificates();
    bool answers();

    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_slapd;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
    QString m_error;
};
