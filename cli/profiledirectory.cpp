// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiledirectory.h"

#include "cliio.h"
#include "directory/csvsource.h"
#include "directory/directoryjob.h"
#include "directory/directorysource.h"
#include "directory/ldapconfig.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "profilesecrets.h"
#include "sync/syncsettings.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace M365::Cli {

namespace {

/// The profile's directory type for a --type word: the wizard's names and the short ones admins type.
QString directoryType(const QString &word)
{
    const QString type = word.trimmed().toLower();
    if (type == QLatin1String("ldap") || type == QLatin1String("openldap")) {
        return QStringLiteral("openldap");
    }
    if (type == QLatin1String("ad") || type == QLatin1String("activedirectory")
        || type == QLatin1String("active-directory")) {
        return QStringLiteral("activedirectory");
    }
    if (type == QLatin1String("univention") || type == QLatin1String("ucs")) {
        return QStringLiteral("univention");
    }
    if (type == QLatin1String("389ds") || type == QLatin1String("389-ds")) {
        return QStringLiteral("389ds");
    }
    if (type == QLatin1String("ldif") || type == QLatin1String("csv")) {
        return type;
    }
    return {};
}

/// A search filter as LDAP takes it: in parentheses, balanced.
bool isFilter(const QString &filter)
{
    const QString f = filter.trimmed();
    if (!f.startsWith(QLatin1Char('(')) || !f.endsWith(QLatin1Char(')'))) {
        return false;
    }
    int depth = 0;
    for (qsizetype i = 0; i < f.size(); ++i) {
        if (f.at(i) == QLatin1Char('\\')) {
            ++i; // an escaped character
        } else if (f.at(i) == QLatin1Char('(')) {
            ++depth;
        } else if (f.at(i) == QLatin1Char(')') && --depth < 0) {
            return false;
        }
    }
    return depth == 0;
}

} // namespace

SetDirectoryCommand::SetDirectoryCommand(Secrets::SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
{}

SetDirectoryCommand::~SetDirectoryCommand() = default;

void SetDirectoryCommand::run(const QStringList &arguments)
{
    const int code = parse(arguments);
    if (code != Done) {
        finish(code);
        return;
    }
    if (!m_newPassword && !m_directory.value(QLatin1String("bindDn")).toString().isEmpty()) {
        readStoredPassword();
    } else {
        save();
    }
}

int SetDirectoryCommand::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption type(QStringLiteral("type"), tr("ldap, ad, univention, 389ds, ldif or csv."), tr("type"));
    const QCommandLineOption url(QStringLiteral("url"), tr("ldap://host[:port] or ldaps://host[:port]."), tr("url"));
    const QCommandLineOption tls(QStringLiteral("tls"), tr("starttls, ldaps or none."), tr("mode"));
    const QCommandLineOption caFile(QStringLiteral("ca-file"), tr("The CA of the server's certificate."), tr("file"));
    const QCommandLineOption bindDn(QStringLiteral("bind-dn"), tr("The account to bind as."), tr("dn"));
    const QCommandLineOption passwordEnv(
        QStringLiteral("bind-password-env"), tr("The bind password from this environment variable."), tr("variable"));
    const QCommandLineOption passwordStdin(QStringLiteral("bind-password-stdin"),
                                           tr("The bind password from standard input."));
    const QCommandLineOption baseDn(QStringLiteral("base-dn"), tr("Where users and groups are searched."), tr("dn"));
    const QCommandLineOption userFilter(QStringLiteral("user-filter"), tr("LDAP filter for users."), tr("filter"));
    const QCommandLineOption groupFilter(QStringLiteral("group-filter"), tr("LDAP filter for groups."), tr("filter"));
    const QCommandLineOption ou(QStringLiteral("ou"), tr("Read only from this container (repeatable)."), tr("dn"));
    const QCommandLineOption excludeOu(
        QStringLiteral("exclude-ou"), tr("Do not read from this container (repeatable)."), tr("dn"));
    const QCommandLineOption anchor(QStringLiteral("anchor"), tr("The anchor attribute."), tr("attribute"));
    const QCommandLineOption path(QStringLiteral("path"), tr("The LDIF or CSV file."), tr("file"));
    const QCommandLineOption separator(
        QStringLiteral("separator"), tr("CSV separator: , ; tab or |."), tr("separator"));
    const QCommandLineOption encoding(
        QStringLiteral("encoding"), tr("CSV encoding: auto, utf-8 or windows-1252."), tr("encoding"));
    const QCommandLineOption csvMapping(QStringLiteral("csv-mapping"), tr("CSV column mapping (JSON)."), tr("file"));
    const QCommandLineOption noTest(QStringLiteral("no-test"), tr("Save without testing."));
    parser.addOptions({type,
                       url,
                       tls,
                       caFile,
                       bindDn,
                       passwordEnv,
                       passwordStdin,
                       baseDn,
                       userFilter,
                       groupFilter,
                       ou,
                       excludeOu,
                       anchor,
                       path,
                       separator,
                       encoding,
                       csvMapping,
                       noTest});
    if (!parser.parse(QStringList{QStringLiteral("set-directory")} + arguments)) {
        err() << parser.errorText() << '\n' << tr("See m365sync-cli profile set-directory --help.") << '\n';
        return Usage;
    }
    if (parser.positionalArguments().size() != 1) {
        err() << tr("profile set-directory needs exactly one profile NAME. See m365sync-cli profile set-directory "
                    "--help.")
              << '\n';
        return Usage;
    }
    m_test = !parser.isSet(noTest);
    const QString typeId = directoryType(parser.value(type));
    if (typeId.isEmpty()) {
        err() << (parser.isSet(type) ? tr("Unknown directory type \"%1\": use ldap, ad, univention, 389ds, ldif or "
                                          "csv.")
                                           .arg(parser.value(type))
                                     : tr("profile set-directory needs --type (ldap, ad, univention, 389ds, ldif or "
                                          "csv)."))
              << '\n';
        return Usage;
    }
    const auto refuse = [&parser](const QList<const QCommandLineOption *> &options, const QString &why) {
        for (const QCommandLineOption *option : options) {
            if (parser.isSet(*option)) {
                err() << tr("--%1 does not apply here: %2").arg(option->names().constFirst(), why) << '\n';
                return true;
            }
        }
        return false;
    };
    const auto absoluteFile = [](const QString &file) {
        const QFileInfo info(file);
        return info.isFile() && info.isReadable() ? info.absoluteFilePath() : QString();
    };

    QJsonObject directory{{QStringLiteral("type"), typeId}};
    const bool ldap = typeId != QLatin1String("ldif") && typeId != QLatin1String("csv");
    if (ldap) {
        if (refuse({&path, &separator, &encoding, &csvMapping},
                   tr("an LDAP directory is reached with --url; files are read with --type ldif or csv."))) {
            return Usage;
        }
        const QString address = parser.value(url).trimmed();
        if (!address.startsWith(QLatin1String("ldap://"), Qt::CaseInsensitive)
            && !address.startsWith(QLatin1String("ldaps://"), Qt::CaseInsensitive)) {
            err() << (address.isEmpty()
                          ? tr("An LDAP directory needs --url ldap://host or ldaps://host.")
                          : tr("\"%1\" is not an LDAP address: write ldap://host[:port] or ldaps://host[:port].")
                                .arg(address))
                  << '\n';
            return Usage;
        }
        Directory::LdapConfig config;
        config.url = address;
        const QString mode = parser.value(tls).trimmed().toLower();
        if (mode.isEmpty()) {
            config.tls = address.startsWith(QLatin1String("ldaps://"), Qt::CaseInsensitive)
                ? Directory::LdapConfig::Tls::Ldaps
                : Directory::LdapConfig::Tls::StartTls;
        } else if (mode == QLatin1String("starttls")) {
            config.tls = Directory::LdapConfig::Tls::StartTls;
        } else if (mode == QLatin1String("ldaps")) {
            config.tls = Directory::LdapConfig::Tls::Ldaps;
        } else if (mode == QLatin1String("none")) {
            config.tls = Directory::LdapConfig::Tls::None;
        } else {
            err() << tr("Unknown --tls \"%1\": use starttls, ldaps or none.").arg(parser.value(tls)) << '\n';
            return Usage;
        }
        const QString contradiction = config.contradiction();
        if (!contradiction.isEmpty()) {
            err() << contradiction << '\n';
            return Usage;
        }
        const QString tlsId = config.tls == Directory::LdapConfig::Tls::None ? QStringLiteral("none")
            : config.tls == Directory::LdapConfig::Tls::Ldaps                ? QStringLiteral("ldaps")
                                                                             : QStringLiteral("starttls");
        directory.insert(QStringLiteral("url"), address);
        directory.insert(QStringLiteral("tls"), tlsId);
        if (parser.isSet(caFile)) {
            const QString ca = absoluteFile(parser.value(caFile));
            if (ca.isEmpty()) {
                err() << tr("The CA file %1 cannot be read: give the PEM file of the CA that signed the server's "
                            "certificate.")
                             .arg(parser.value(caFile))
                      << '\n';
                return Usage;
            }
            directory.insert(QStringLiteral("caFile"), ca);
        }
        const QString bind = parser.value(bindDn).trimmed();
        directory.insert(QStringLiteral("bindDn"), bind);
        if (parser.value(baseDn).trimmed().isEmpty()) {
            err() << tr("An LDAP directory needs --base-dn, the entry below which users and groups are searched "
                        "(e.g. dc=example,dc=org).")
                  << '\n';
            return Usage;
        }
        directory.insert(QStringLiteral("baseDn"), parser.value(baseDn).trimmed());
        for (const QCommandLineOption *filter : {&userFilter, &groupFilter}) {
            if (!parser.isSet(*filter)) {
                continue;
            }
            if (!isFilter(parser.value(*filter))) {
                err() << tr("--%1 \"%2\" is not an LDAP filter: write it in parentheses, e.g. "
                            "(objectClass=inetOrgPerson).")
                             .arg(filter->names().constFirst(), parser.value(*filter))
                      << '\n';
                return Usage;
            }
            directory.insert(filter == &userFilter ? QStringLiteral("userFilter") : QStringLiteral("groupFilter"),
                             parser.value(*filter).trimmed());
        }
        if (parser.isSet(ou) || parser.isSet(excludeOu)) {
            QJsonObject containers;
            if (parser.isSet(ou)) {
                containers.insert(QStringLiteral("include"), QJsonArray::fromStringList(parser.values(ou)));
            }
            if (parser.isSet(excludeOu)) {
                containers.insert(QStringLiteral("exclude"), QJsonArray::fromStringList(parser.values(excludeOu)));
            }
            directory.insert(QStringLiteral("userContainers"), containers);
            directory.insert(QStringLiteral("groupContainers"), containers);
        }
        if (parser.isSet(anchor)) {
            directory.insert(QStringLiteral("anchor"), parser.value(anchor).trimmed());
        }
        if (bind.isEmpty() && (parser.isSet(passwordEnv) || parser.isSet(passwordStdin))) {
            err() << tr("A bind password was given without --bind-dn: name the account it belongs to.") << '\n';
            return Usage;
        }
        if (parser.isSet(passwordEnv) && parser.isSet(passwordStdin)) {
            err() << tr("Give the bind password one way: --bind-password-env VARIABLE or --bind-password-stdin.")
                  << '\n';
            return Usage;
        }
    } else {
        if (refuse({&url,
                    &tls,
                    &caFile,
                    &bindDn,
                    &passwordEnv,
                    &passwordStdin,
                    &baseDn,
                    &userFilter,
                    &groupFilter,
                    &ou,
                    &excludeOu,
                    &anchor},
                   tr("a %1 file is read with --path; the LDAP options are for --type ldap, ad, univention or 389ds.")
                       .arg(typeId.toUpper()))) {
            return Usage;
        }
        if (typeId == QLatin1String("ldif")
            && refuse({&separator, &encoding, &csvMapping}, tr("it is for CSV files."))) {
            return Usage;
        }
        const QString file = absoluteFile(parser.value(path));
        if (file.isEmpty()) {
            err() << (parser.isSet(path) ? tr("The file %1 cannot be read: give the path of the %2 export.")
                                               .arg(parser.value(path), typeId.toUpper())
                                         : tr("A %1 directory needs --path FILE.").arg(typeId.toUpper()))
                  << '\n';
            return Usage;
        }
        directory.insert(QStringLiteral("path"), file);
        if (typeId == QLatin1String("csv")) {
            if (parser.isSet(separator)) {
                const QString s = parser.value(separator);
                directory.insert(QStringLiteral("separator"),
                                 s.compare(QLatin1String("tab"), Qt::CaseInsensitive) == 0 ? QStringLiteral("\t") : s);
            }
            const QString textEncoding = parser.value(encoding).trimmed().toLower();
            if (!textEncoding.isEmpty() && textEncoding != QLatin1String("auto")
                && textEncoding != QLatin1String("utf-8") && textEncoding != QLatin1String("windows-1252")) {
                err() << tr("Unknown --encoding \"%1\": use auto, utf-8 or windows-1252.").arg(parser.value(encoding))
                      << '\n';
                return Usage;
            }
            directory.insert(QStringLiteral("encoding"),
                             textEncoding.isEmpty() ? QStringLiteral("auto") : textEncoding);
            if (parser.isSet(csvMapping)) {
                QFile mappingFile(parser.value(csvMapping));
                QJsonParseError parseError;
                const QJsonDocument mapping = mappingFile.open(QIODevice::ReadOnly)
                    ? QJsonDocument::fromJson(mappingFile.readAll(), &parseError)
                    : QJsonDocument();
                if (!mapping.isObject()) {
                    err() << tr("The CSV mapping %1 is not a JSON object such as {\"columns\": {\"E-Mail\": \"mail\"}, "
                                "\"key\": \"Personalnummer\"}.")
                                 .arg(parser.value(csvMapping))
                          << '\n';
                    return Usage;
                }
                directory.insert(QStringLiteral("mapping"), mapping.object());
            }
        }
    }

    // What the sync will make of it: the same checks a run makes, before anything is saved.
    const auto source = Sync::createDirectorySource(directory);
    if (!source.ok()) {
        err() << source.error.userMessage << '\n';
        return Usage;
    }
    M365::Error error;
    const auto profile = Profile::ProfileStore().load(parser.positionalArguments().constFirst(), &error);
    if (!profile) {
        err() << error.userMessage << '\n';
        return Failed;
    }
    m_profile = *profile;
    m_directory = directory;
    if (!directory.value(QLatin1String("bindDn")).toString().isEmpty()) {
        if (parser.isSet(passwordEnv) || parser.isSet(passwordStdin)) {
            QString problem;
            m_bindPassword =
                readSecret(parser.value(passwordEnv), parser.isSet(passwordStdin), tr("LDAP bind password"), &problem);
            if (m_bindPassword.isEmpty()) {
                err() << problem << '\n';
                return Usage;
            }
            m_newPassword = true;
        } else if (m_profile.secrets.ldapBindPassword.isEmpty()) {
            err() << tr("The bind DN needs its password: give it with --bind-password-env VARIABLE or "
                        "--bind-password-stdin (or leave out --bind-dn for an anonymous bind).")
                  << '\n';
            return Usage;
        }
    }
    return Done;
}

void SetDirectoryCommand::readStoredPassword()
{
    Secrets::SecretJob *read = m_secrets->read(m_profile.secrets.ldapBindPassword, this);
    connect(read, &Secrets::SecretJob::finished, this, [this, read] {
        read->deleteLater();
        if (read->hasError()) {
            err() << read->error().userMessage << '\n'
                  << tr("The bind password stored for profile \"%1\" cannot be used: give it again with "
                        "--bind-password-env VARIABLE or --bind-password-stdin. Nothing was changed.")
                         .arg(m_profile.name)
                  << '\n';
            finish(Failed);
            return;
        }
        m_bindPassword = QString::fromUtf8(read->value());
        save();
    });
    read->start();
}

void SetDirectoryCommand::save()
{
    const QString oldReference = m_profile.secrets.ldapBindPassword;
    QList<SaveProfileJob::Secret> values;
    m_profile.directory = m_directory;
    if (m_newPassword) {
        m_profile.secrets.ldapBindPassword =
            m_profile.secretKey(QString::fromLatin1(Secrets::Purpose::LdapBindPassword));
        values.append({m_profile.secrets.ldapBindPassword, m_bindPassword.toUtf8()});
    } else if (m_directory.value(QLatin1String("bindDn")).toString().isEmpty()) {
        m_profile.secrets.ldapBindPassword.clear(); // anonymous, or a file: no password to keep
    }
    const QStringList obsolete = oldReference.isEmpty() ? QStringList() : QStringList{oldReference};
    auto *job = new SaveProfileJob(m_secrets, m_profile, values, obsolete, false, this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            err() << job->error().userMessage << '\n';
            finish(Failed);
            return;
        }
        out() << tr("The directory of profile \"%1\" is saved.").arg(m_profile.name) << '\n';
        for (const QString &key : job->leftOver()) {
            err() << tr("The bind password that is no longer used could not be removed from the keychain (%1); "
                        "remove it with your keychain's tool.")
                         .arg(key)
                  << '\n';
        }
        if (m_test) {
            test();
        } else {
            finish(Done);
        }
    });
    job->start();
}

void SetDirectoryCommand::test()
{
    auto source = Sync::createDirectorySource(m_profile.directory, m_bindPassword);
    if (!source.ok()) {
        err() << source.error.userMessage << '\n';
        finish(Failed);
        return;
    }
    m_source = std::move(source.value);
    err() << tr("Testing the directory…") << '\n';
    err().flush();
    Directory::DirectoryJob *job = m_source->testConnection(this);
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            err() << tr("Test failed: %1").arg(job->error().userMessage) << '\n'
                  << tr("The settings are saved all the same. Correct them with m365sync-cli profile set-directory, "
                        "or test again with m365sync-cli directory test --profile %1.")
                         .arg(m_profile.name)
                  << '\n';
            finish(Done);
            return;
        }
        const Directory::DirectorySummary summary = job->summary();
        out() << tr("Test passed: %1 users and %2 groups found.")
                     .arg(qMax(0, summary.userCount))
                     .arg(qMax(0, summary.groupCount))
              << '\n';
        if (!job->problems().isEmpty()) {
            out() << tr("%1 records would be skipped; m365sync-cli directory test --profile %2 lists them.")
                         .arg(job->problems().size())
                         .arg(m_profile.name)
                  << '\n';
        }
        finish(Done);
    });
    job->start();
}

} // namespace M365::Cli
