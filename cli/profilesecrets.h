// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "job.h"
#include "profile/profile.h"

#include <QByteArray>
#include <QCommandLineOption>
#include <QCoreApplication>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QStringList>

class QCommandLineParser;

namespace M365::Secrets {
class SecretStore;
class SecretJob;
} // namespace M365::Secrets

namespace M365::Cli {

/**
 * A secret given to the CLI: the value of an environment variable, or a line of standard input (typed without echo
 * on a terminal). Never an argument, which every user of the machine can read in the process list. Empty when the
 * variable is unset or empty, or the input ended; @p error then says what to do.
 */
QString readSecret(const QString &environmentVariable, bool fromStdin, const QString &what, QString *error);

/**
 * The CREDENTIAL options that profile create and profile import share: a new certificate, a PKCS#12 file, PEM
 * certificate and key, or a client secret from the environment or standard input.
 */
class CredentialOptions
{
    Q_DECLARE_TR_FUNCTIONS(M365::Cli::CredentialOptions)

public:
    CredentialOptions();
    void addTo(QCommandLineParser &parser) const;
    /// How many credentials the arguments name (exactly one is required).
    int chosen(const QCommandLineParser &parser) const;
    bool isClientSecret(const QCommandLineParser &parser) const;
    /**
     * Reads the chosen credential into @p profile (kind, certificate, the reference) and the value to store into
     * @p secret (key, value). With @p expectedSha1 set, an imported certificate must have that thumbprint: the
     * profile's app knows only that one. False with @p error (what to do) otherwise.
     */
    bool apply(const QCommandLineParser &parser,
               Profile::Profile &profile,
               QPair<QString, QByteArray> *secret,
               QString *error,
               const QString &expectedSha1 = {}) const;

    /// "--generate-certificate, --pfx FILE, …": for messages.
    static QString choices();

    QCommandLineOption generate;
    QCommandLineOption subject;
    QCommandLineOption validity;
    QCommandLineOption keyBits;
    QCommandLineOption pfx;
    QCommandLineOption certificatePem;
    QCommandLineOption keyPem;
    QCommandLineOption secretEnv;
    QCommandLineOption secretStdin;
    QCommandLineOption exportCer;
    QCommandLineOption rs256;
};

/**
 * Saves a profile with its secrets as one step: the values go to the keychain first, one after another, then the
 * profile file that refers to them is written, then keychain entries the profile no longer refers to are removed (a
 * bind password after switching to an LDIF file). When writing a value or the file fails, the values this job wrote
 * are removed again if the profile is new (@p isNew), so that nothing is left behind that no profile refers to.
 */
class SaveProfileJob : public M365::Job
{
    Q_OBJECT

public:
    using Secret = QPair<QString, QByteArray>;

    SaveProfileJob(Secrets::SecretStore *store,
                   const Profile::Profile &profile,
                   const QList<Secret> &values,
                   const QStringList &obsoleteKeys,
                   bool isNew,
                   QObject *parent = nullptr);
    ~SaveProfileJob() override;

    /// Obsolete entries that could not be removed (not an error: the profile is saved), for a warning.
    QStringList leftOver() const { return m_leftOver; }

protected:
    void run() override;

private:
    void writeNext();
    void saveFile();
    void removeNext();
    void undoWrites(const M365::Error &error);

    QPointer<Secrets::SecretStore> m_store;
    Profile::Profile m_profile;
    QList<Secret> m_values;
    QStringList m_obsolete;
    bool m_isNew;
    QStringList m_written;
    QStringList m_leftOver;
};

} // namespace M365::Cli
