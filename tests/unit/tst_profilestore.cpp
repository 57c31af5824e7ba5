// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "profile/memorysecretstore.h"
#include "profile/profilestore.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace M365::Profile;
using M365::Identity::Cloud;
using M365::Identity::CloudEndpoints;
using M365::Secrets::MemorySecretStore;
using M365::Secrets::SecretJob;
using M365::Secrets::SecretStore;
namespace Purpose = M365::Secrets::Purpose;

namespace {

constexpr int Timeout = 5000;

const QByteArray privateKeyPem =
    QByteArrayLiteral("-----BEGIN PRIVATE KEY-----\n"
                      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDQk7pVbQm3x3ZJtestonly\n"
                      "c2VjcmV0LWJvZHktdGhhdC1tdXN0LW5ldmVyLWFwcGVhci1vbi1kaXNrLTEyMzQ1Njc4OQ==\n"
                      "-----END PRIVATE KEY-----\n");
const QByteArray privateKeyBody =
    QByteArrayLiteral("c2VjcmV0LWJvZHktdGhhdC1tdXN0LW5ldmVyLWFwcGVhci1vbi1kaXNrLTEyMzQ1Njc4OQ");
const QByteArray clientSecretValue = QByteArrayLiteral("Xy8Q~client.secret-value_42");
const QByteArray bindPasswordValue = QByteArrayLiteral("ldap-bind-pa55word!");

const QByteArray certificatePem = QByteArrayLiteral("-----BEGIN CERTIFICATE-----\n"
                                                    "MIIC/zCCAeegAwIBAgIUpublicpart\n"
                                                    "-----END CERTIFICATE-----\n");

Profile sampleProfile(const QString &name)
{
    Profile profile;
    profile.name = name;
    profile.endpoints = CloudEndpoints::sandbox(QUrl(QStringLiteral("https://127.0.0.1:40001")));
    profile.tenant = QStringLiteral("aaaabbbb-0000-cccc-1111-dddd2222eeee");
    profile.clientId = QStringLiteral("00001111-aaaa-2222-bbbb-3333cccc4444");
    profile.credentialKind = CredentialKind::Certificate;
    profile.assertionAlgorithm = AssertionAlgorithm::RS256;
    profile.certificate.thumbprintSha1 = QStringLiteral("0123456789ABCDEF0123456789ABCDEF01234567");
    profile.certificate.thumbprintSha256 =
        QStringLiteral("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF");
    profile.certificate.notAfter = QDateTime(QDate(2028, 2, 29), QTime(12, 0), Qt::UTC);
    profile.certificate.pem = certificatePem;
    profile.secrets.privateKey = profile.secretKey(QString::fromLatin1(Purpose::PrivateKey));
    profile.secrets.clientSecret = profile.secretKey(QString::fromLatin1(Purpose::ClientSecret));
    profile.secrets.ldapBindPassword = profile.secretKey(QString::fromLatin1(Purpose::LdapBindPassword));
    profile.directory = QJsonObject{{QStringLiteral("kind"), QStringLiteral("ldap")},
                                    {QStringLiteral("url"), QStringLiteral("ldap://127.0.0.1:3890")},
                                    {QStringLiteral("bindDn"), QStringLiteral("cn=admin,dc=example,dc=org")}};
    profile.sync = QJsonObject{{QStringLiteral("usageLocation"), QStringLiteral("DE")}};
    profile.caFile = QStringLiteral("/tmp/sandbox-ca.pem");
    return profile;
}

} // namespace

class TestProfileStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    int m_counter = 0;

    // A fresh, not yet existing profile directory per test.
    QString freshDirectory() { return m_root.filePath(QStringLiteral("profiles%1").arg(++m_counter)); }

    static bool runSecretJob(SecretJob *job)
    {
        QSignalSpy finished(job, &SecretJob::finished);
        job->start();
        return finished.wait(Timeout) && !job->hasError();
    }

    static void writeFile(const QString &path, const QByteArray &content)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(file.write(content) == content.size());
    }

    static QByteArray readAllFiles(const QString &directory)
    {
        QByteArray all;
        QDirIterator it(directory, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.open(QIODevice::ReadOnly)) {
                all += file.readAll();
            }
        }
        return all;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_root.isValid()); }

    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("simple") << "contoso" << true;
        QTest::newRow("mixed") << "Lab_2.sandbox-1" << true;
        QTest::newRow("digit first") << "1tenant" << true;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("dot first") << ".hidden" << false;
        QTest::newRow("dot dot") << ".." << false;
        QTest::newRow("slash") << "a/b" << false;
        QTest::newRow("backslash") << "a\\b" << false;
        QTest::newRow("space") << "my tenant" << false;
        QTest::newRow("umlaut") << QString::fromUtf8("m\xc3\xbcller") << false;
        QTest::newRow("64 chars") << QString(64, QLatin1Char('a')) << true;
        QTest::newRow("65 chars") << QString(65, QLatin1Char('a')) << false;
    }

    void names()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(Profile::isValidName(name), valid);
        ProfileStore store(freshDirectory());
        Profile profile = sampleProfile(QStringLiteral("x"));
        profile.name = name;
        profile.secrets = {};
        M365::Error error;
        QCOMPARE(store.save(profile, &error), valid);
        if (!valid) {
            QCOMPARE(error.code, QStringLiteral("profile.invalidName"));
            QVERIFY(!QDir(store.directory()).exists());
        }
    }

    void saveAndLoad()
    {
        ProfileStore store(freshDirectory());
        const Profile profile = sampleProfile(QStringLiteral("contoso"));
        M365::Error error;
        QVERIFY2(store.save(profile, &error), qPrintable(error.userMessage));
        QVERIFY(store.exists(QStringLiteral("contoso")));
        const std::optional<Profile> loaded = store.load(QStringLiteral("contoso"), &error);
        QVERIFY2(loaded.has_value(), qPrintable(error.userMessage));
        QCOMPARE(*loaded, profile);
        QCOMPARE(loaded->endpoints.cloud, Cloud::Custom);
        QCOMPARE(loaded->certificate.notAfter, profile.certificate.notAfter);
        QCOMPARE(loaded->directory.value(QLatin1String("bindDn")).toString(),
                 QStringLiteral("cn=admin,dc=example,dc=org"));
    }

    void saveAndLoadEachCloud_data()
    {
        QTest::addColumn<Cloud>("cloud");
        QTest::addColumn<CredentialKind>("kind");
        QTest::newRow("global certificate") << Cloud::Global << CredentialKind::Certificate;
        QTest::newRow("l4 secret") << Cloud::UsGovernmentL4 << CredentialKind::ClientSecret;
        QTest::newRow("l5 certificate") << Cloud::UsGovernmentL5Dod << CredentialKind::Certificate;
        QTest::newRow("china secret") << Cloud::China << CredentialKind::ClientSecret;
    }

    void saveAndLoadEachCloud()
    {
        QFETCH(Cloud, cloud);
        QFETCH(CredentialKind, kind);
        ProfileStore store(freshDirectory());
        Profile profile;
        profile.name = QStringLiteral("tenant");
        profile.endpoints = CloudEndpoints::forCloud(cloud);
        profile.tenant = QStringLiteral("contoso.onmicrosoft.com");
        profile.credentialKind = kind;
        QVERIFY(store.save(profile));
        const std::optional<Profile> loaded = store.load(QStringLiteral("tenant"));
        QVERIFY(loaded.has_value());
        QCOMPARE(*loaded, profile);
        QCOMPARE(loaded->endpoints.cloud, cloud);
        QCOMPARE(loaded->credentialKind, kind);
        QCOMPARE(loaded->assertionAlgorithm, AssertionAlgorithm::PS256);
        QVERIFY(loaded->certificate.isNull());
        QVERIFY(loaded->secrets.all().isEmpty());
    }

    void sandboxPlaceRoundTrip()
    {
        ProfileStore store(freshDirectory());
        Profile profile = sampleProfile(QStringLiteral("demo"));
        profile.sandboxState = m_root.filePath(QStringLiteral("data/sandbox/tenant.json"));
        QVERIFY(store.save(profile));
        QFile file(store.filePath(QStringLiteral("demo")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(json.value(QLatin1String("sandboxState")).toString(), profile.sandboxState);
        // Still the format every version reads: an older one ignores the place and keeps the last run's endpoints.
        QCOMPARE(json.value(QLatin1String("formatVersion")).toInt(), 1);
        const std::optional<Profile> loaded = store.load(QStringLiteral("demo"));
        QVERIFY(loaded.has_value());
        QCOMPARE(loaded->sandboxState, profile.sandboxState);
        QCOMPARE(*loaded, profile);

        // A profile on a real tenant has no place, and its file says nothing about one.
        Profile real = sampleProfile(QStringLiteral("real"));
        real.endpoints = CloudEndpoints::forCloud(Cloud::Global);
        real.caFile.clear();
        QVERIFY(store.save(real));
        QFile realFile(store.filePath(QStringLiteral("real")));
        QVERIFY(realFile.open(QIODevice::ReadOnly));
        QVERIFY(!QJsonDocument::fromJson(realFile.readAll()).object().contains(QLatin1String("sandboxState")));
        QVERIFY(store.load(QStringLiteral("real"))->sandboxState.isEmpty());

        Profile other = profile;
        other.sandboxState = m_root.filePath(QStringLiteral("other/sandbox/tenant.json"));
        QVERIFY(other != profile);
    }

    void pointAtSandbox()
    {
        Profile profile = sampleProfile(QStringLiteral("demo"));
        const Profile before = profile;
        profile.pointAtSandbox(QUrl(QStringLiteral("https://127.0.0.1:41234")), QStringLiteral("/data/sandbox/ca.pem"));
        QCOMPARE(profile.endpoints, CloudEndpoints::sandbox(QUrl(QStringLiteral("https://127.0.0.1:41234"))));
        QCOMPARE(profile.endpoints.tokenEndpoint(profile.tenant).toString(),
                 QStringLiteral("https://127.0.0.1:41234/aaaabbbb-0000-cccc-1111-dddd2222eeee/oauth2/v2.0/token"));
        QCOMPARE(profile.caFile, QStringLiteral("/data/sandbox/ca.pem"));
        // Tenant, app and credential stay what the wizard made.
        profile.endpoints = before.endpoints;
        profile.caFile = before.caFile;
        QCOMPARE(profile, before);
    }

    void legacySandboxState_data()
    {
        QTest::addColumn<QString>("graph"); ///< the endpoints' root ("global": the global cloud)
        QTest::addColumn<QString>("caFolder"); ///< under the test's folder; empty: no caFile
        QTest::addColumn<bool>("tenantFile"); ///< a tenant.json next to the CA
        QTest::addColumn<bool>("migrated");
        QTest::newRow("demo tenant") << "https://127.0.0.1:40001"
                                     << "data/sandbox" << true << true;
        QTest::newRow("no tenant.json") << "https://127.0.0.1:40001"
                                        << "data2/sandbox" << false << false;
        QTest::newRow("other folder (m365sim)") << "https://127.0.0.1:40001"
                                                << "data3/sim" << true << false;
        QTest::newRow("not loopback") << "https://sandbox.example.org"
                                      << "data4/sandbox" << true << false;
        QTest::newRow("localhost by name") << "https://localhost:40001"
                                           << "data5/sandbox" << true << false;
        QTest::newRow("global cloud") << "global"
                                      << "data6/sandbox" << true << false;
        QTest::newRow("no caFile") << "https://127.0.0.1:40001"
                                   << "" << false << false;
    }

    void legacySandboxState()
    {
        QFETCH(QString, graph);
        QFETCH(QString, caFolder);
        QFETCH(bool, tenantFile);
        QFETCH(bool, migrated);
        Profile profile = sampleProfile(QStringLiteral("legacy"));
        profile.endpoints = graph == QLatin1String("global") ? CloudEndpoints::forCloud(Cloud::Global)
                                                             : CloudEndpoints::sandbox(QUrl(graph));
        profile.caFile.clear();
        QString statePath;
        if (!caFolder.isEmpty()) {
            const QString folder = m_root.filePath(caFolder);
            QVERIFY(QDir().mkpath(folder));
            profile.caFile = folder + QStringLiteral("/m365sim-ca.pem");
            writeFile(profile.caFile, certificatePem);
            statePath = folder + QStringLiteral("/tenant.json");
            if (tenantFile) {
                writeFile(statePath, "{}");
            }
        }
        QCOMPARE(Profile::legacySandboxState(profile), migrated ? statePath : QString());

        // Loading a file saved before the place existed finds it the same way; saving it again records it.
        ProfileStore store(freshDirectory());
        QVERIFY(store.save(profile));
        const std::optional<Profile> loaded = store.load(QStringLiteral("legacy"));
        QVERIFY(loaded.has_value());
        QCOMPARE(loaded->sandboxState, migrated ? statePath : QString());
        QVERIFY(store.save(*loaded));
        QFile file(store.filePath(QStringLiteral("legacy")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("sandboxState")).toString(),
                 migrated ? statePath : QString());
    }

    void legacySandboxStateNeedsBothRootsOnLoopback()
    {
        const QString folder = m_root.filePath(QStringLiteral("split/sandbox"));
        QVERIFY(QDir().mkpath(folder));
        writeFile(folder + QStringLiteral("/tenant.json"), "{}");
        Profile profile = sampleProfile(QStringLiteral("split"));
        profile.caFile = folder + QStringLiteral("/m365sim-ca.pem");
        profile.endpoints = CloudEndpoints::custom(QUrl(QStringLiteral("https://127.0.0.1:40001")),
                                                   QUrl(QStringLiteral("https://graph.example.org")));
        QVERIFY(Profile::legacySandboxState(profile).isEmpty());
        profile.endpoints = CloudEndpoints::sandbox(QUrl(QStringLiteral("https://127.0.0.1:40001")));
        QCOMPARE(Profile::legacySandboxState(profile), folder + QStringLiteral("/tenant.json"));
        // A relative CA path depends on where the program runs: no place is guessed from it.
        profile.caFile = QStringLiteral("sandbox/m365sim-ca.pem");
        QVERIFY(Profile::legacySandboxState(profile).isEmpty());
    }

    void filePermissions()
    {
        // The "user" bits describe the current user's access, not the file's mode: leave them out.
        const auto mode = [](const QString &path) {
            return QFile::permissions(path) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser);
        };
        ProfileStore store(freshDirectory());
        const QString path = store.filePath(QStringLiteral("contoso"));
        QVERIFY(store.save(sampleProfile(QStringLiteral("contoso"))));
        QVERIFY(QFile::exists(path));
#ifdef Q_OS_UNIX
        QCOMPARE(mode(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCOMPARE(mode(store.directory()), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        // Replacing a file that someone loosened makes it private again.
        QVERIFY(
            QFile::setPermissions(path, QFile::permissions(path) | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QVERIFY(store.save(sampleProfile(QStringLiteral("contoso"))));
        QCOMPARE(mode(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
#else
        Q_UNUSED(mode);
#endif
    }

    void atomicReplaceLeavesNoTemporaries()
    {
        ProfileStore store(freshDirectory());
        Profile profile = sampleProfile(QStringLiteral("contoso"));
        QVERIFY(store.save(profile));
        profile.tenant = QStringLiteral("contoso.example");
        QVERIFY(store.save(profile));
        QCOMPARE(QDir(store.directory()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("contoso.json")});
        QCOMPARE(store.load(QStringLiteral("contoso"))->tenant, QStringLiteral("contoso.example"));
    }

    void list()
    {
        ProfileStore store(freshDirectory());
        QVERIFY(store.list().isEmpty()); // no directory yet
        QVERIFY(store.save(sampleProfile(QStringLiteral("zeta"))));
        QVERIFY(store.save(sampleProfile(QStringLiteral("alpha"))));
        QVERIFY(store.save(sampleProfile(QStringLiteral("m.lab"))));
        writeFile(store.directory() + QStringLiteral("/notes.txt"), "not a profile");
        writeFile(store.directory() + QStringLiteral("/bad name.json"), "{}");
        QVERIFY(QDir(store.directory()).mkdir(QStringLiteral("sub.json")));
        QCOMPARE(store.list(), (QStringList{QStringLiteral("alpha"), QStringLiteral("m.lab"), QStringLiteral("zeta")}));
    }

    void loadErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("code");
        QJsonObject good = sampleProfile(QStringLiteral("contoso")).toJson();
        const auto with = [&good](const QString &key, const QJsonValue &value) {
            QJsonObject changed = good;
            changed.insert(key, value);
            return QJsonDocument(changed).toJson();
        };
        QTest::newRow("not json") << QByteArray("{ \"name\": ") << "profile.parse";
        QTest::newRow("array") << QByteArray("[]") << "profile.parse";
        QTest::newRow("newer format") << with(QStringLiteral("formatVersion"), 99) << "profile.version";
        QTest::newRow("other name") << with(QStringLiteral("name"), QStringLiteral("fabrikam"))
                                    << "profile.invalidSecretRef";
        QTest::newRow("unknown cloud") << with(QStringLiteral("endpoints"),
                                               QJsonObject{{QStringLiteral("cloud"), QStringLiteral("mars")}})
                                       << "cloud.unknown";
        QTest::newRow("tenant with slash")
            << with(QStringLiteral("tenant"), QStringLiteral("a/b")) << "profile.invalidTenant";
        QTest::newRow("client id not a guid")
            << with(QStringLiteral("clientId"), QStringLiteral("app")) << "profile.invalidClientId";
        QJsonObject credential = good.value(QLatin1String("credential")).toObject();
        credential.insert(QStringLiteral("kind"), QStringLiteral("password"));
        QTest::newRow("unknown credential kind")
            << with(QStringLiteral("credential"), credential) << "profile.invalidCredential";
    }

    void loadErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, code);
        ProfileStore store(freshDirectory());
        QVERIFY(QDir().mkpath(store.directory()));
        writeFile(store.filePath(QStringLiteral("contoso")), content);
        M365::Error error;
        QVERIFY(!store.load(QStringLiteral("contoso"), &error).has_value());
        QCOMPARE(error.code, code);
        QVERIFY(!error.userMessage.isEmpty());
    }

    void loadMissingAndNameMismatch()
    {
        ProfileStore store(freshDirectory());
        M365::Error error;
        QVERIFY(!store.load(QStringLiteral("nobody"), &error).has_value());
        QCOMPARE(error.code, QStringLiteral("profile.notFound"));
        QVERIFY(!store.load(QStringLiteral("../etc"), &error).has_value());
        QCOMPARE(error.code, QStringLiteral("profile.invalidName"));

        Profile profile = sampleProfile(QStringLiteral("fabrikam"));
        profile.secrets = {};
        QVERIFY(store.save(profile));
        QVERIFY(QFile::rename(store.filePath(QStringLiteral("fabrikam")), store.filePath(QStringLiteral("contoso"))));
        QVERIFY(!store.load(QStringLiteral("contoso"), &error).has_value());
        QCOMPARE(error.code, QStringLiteral("profile.nameMismatch"));
    }

    // A hand-edited file with a secret VALUE is refused, and the message says where without repeating the value.
    void refusesSecretValues_data()
    {
        QTest::addColumn<QString>("section");
        QTest::addColumn<QString>("member");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("code");
        QTest::newRow("top-level clientSecret") << ""
                                                << "clientSecret"
                                                << "Xy8Q~hand.edited"
                                                << "clientSecret"
                                                << "profile.secretInFile";
        QTest::newRow("credential clientSecret") << "credential"
                                                 << "clientSecret"
                                                 << "Xy8Q~hand.edited"
                                                 << "credential.clientSecret"
                                                 << "profile.secretInFile";
        QTest::newRow("credential privateKey pem")
            << "credential"
            << "privateKey" << QString::fromLatin1(privateKeyPem) << "credential.privateKey"
            << "profile.secretInFile";
        QTest::newRow("directory bindPassword") << "directory"
                                                << "bindPassword"
                                                << "hunter2"
                                                << "directory.bindPassword"
                                                << "profile.secretInFile";
        QTest::newRow("directory bind_password") << "directory"
                                                 << "bind_password"
                                                 << "hunter2"
                                                 << "directory.bind_password"
                                                 << "profile.secretInFile";
        QTest::newRow("sync accessToken") << "sync"
                                          << "accessToken"
                                          << "opaque"
                                          << "sync.accessToken"
                                          << "profile.secretInFile";
        QTest::newRow("pem under an innocent name") << "sync"
                                                    << "notes" << QString::fromLatin1(privateKeyPem) << "sync.notes"
                                                    << "profile.secretInFile";
        QTest::newRow("jwt under an innocent name") << "directory"
                                                    << "comment"
                                                    << "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
                                                    << "directory.comment"
                                                    << "profile.secretInFile";
        QTest::newRow("secret reference holding a value") << "secretRefs"
                                                          << "clientSecret"
                                                          << "Xy8Q~hand.edited"
                                                          << "secretRefs.clientSecret"
                                                          << "profile.secretInFile";
        QTest::newRow("reference of another profile") << "secretRefs"
                                                      << "privateKey"
                                                      << "m365sync/fabrikam/privateKey"
                                                      << "secretRefs.privateKey"
                                                      << "profile.invalidSecretRef";
    }

    void refusesSecretValues()
    {
        QFETCH(QString, section);
        QFETCH(QString, member);
        QFETCH(QString, value);
        QFETCH(QString, path);
        QFETCH(QString, code);
        ProfileStore store(freshDirectory());
        QVERIFY(store.save(sampleProfile(QStringLiteral("contoso"))));
        QJsonObject json = QJsonDocument::fromJson([&] {
                               QFile file(store.filePath(QStringLiteral("contoso")));
                               return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
                           }())
                               .object();
        QVERIFY(!json.isEmpty());
        if (section.isEmpty()) {
            json.insert(member, value);
        } else {
            QJsonObject inner = json.value(section).toObject();
            inner.insert(member, value);
            json.insert(section, inner);
        }
        writeFile(store.filePath(QStringLiteral("contoso")), QJsonDocument(json).toJson());

        M365::Error error;
        QVERIFY(!store.load(QStringLiteral("contoso"), &error).has_value());
        QCOMPARE(error.code, code);
        QVERIFY2(error.userMessage.contains(path), qPrintable(error.userMessage));
        QVERIFY2(error.userMessage.contains(QLatin1String("keychain")), qPrintable(error.userMessage));
        QVERIFY(!error.userMessage.contains(value));
        QVERIFY(!error.details.contains(value));
    }

    void flagsAndEmptyValuesUnderSecretNamesAreFine()
    {
        ProfileStore store(freshDirectory());
        Profile profile = sampleProfile(QStringLiteral("contoso"));
        profile.directory.insert(QStringLiteral("usePassword"), true);
        profile.directory.insert(QStringLiteral("bindPassword"), QString());
        M365::Error error;
        QVERIFY2(store.save(profile, &error), qPrintable(error.userMessage));
        QVERIFY(store.load(QStringLiteral("contoso")).has_value());
    }

    void saveRefusesSecretValues()
    {
        ProfileStore store(freshDirectory());
        Profile profile = sampleProfile(QStringLiteral("contoso"));
        profile.directory.insert(QStringLiteral("bindPassword"), QString::fromLatin1(bindPasswordValue));
        M365::Error error;
        QVERIFY(!store.save(profile, &error));
        QCOMPARE(error.code, QStringLiteral("profile.secretInFile"));
        QVERIFY(!QFile::exists(store.filePath(QStringLiteral("contoso"))));

        profile = sampleProfile(QStringLiteral("contoso"));
        profile.secrets.clientSecret = QString::fromLatin1(clientSecretValue); // a value where a key belongs
        QVERIFY(!store.save(profile, &error));
        QCOMPARE(error.code, QStringLiteral("profile.secretInFile"));
        QVERIFY(!error.userMessage.contains(QString::fromLatin1(clientSecretValue)));
        QVERIFY(!QFile::exists(store.filePath(QStringLiteral("contoso"))));
    }

    // The secrets go to the store, the profile only names them: nothing written to disk contains a secret value.
    void noSecretValueOnDisk()
    {
        MemorySecretStore secrets;
        ProfileStore store(freshDirectory());
        const Profile profile = sampleProfile(QStringLiteral("contoso"));
        QVERIFY(runSecretJob(secrets.write(profile.secrets.privateKey, privateKeyPem, this)));
        QVERIFY(runSecretJob(secrets.write(profile.secrets.clientSecret, clientSecretValue, this)));
        QVERIFY(runSecretJob(secrets.write(profile.secrets.ldapBindPassword, bindPasswordValue, this)));
        QVERIFY(store.save(profile));
        QVERIFY(store.save(profile)); // and once more through the replace path

        const QByteArray written = readAllFiles(store.directory());
        QVERIFY(written.contains("m365sync/contoso/privateKey")); // the reference is there
        QVERIFY(written.contains(certificatePem.left(27))); // the public certificate may be
        for (const QByteArray &secret :
             {privateKeyPem, privateKeyBody, QByteArray("PRIVATE KEY"), clientSecretValue, bindPasswordValue}) {
            QVERIFY2(!written.contains(secret), secret.constData());
        }

        // The store hands them back through the references.
        SecretJob *read = secrets.read(store.load(QStringLiteral("contoso"))->secrets.privateKey, this);
        QVERIFY(runSecretJob(read));
        QCOMPARE(read->value(), privateKeyPem);
    }

    void removeDeletesSecretsAndFile()
    {
        MemorySecretStore secrets;
        ProfileStore store(freshDirectory());
        const Profile contoso = sampleProfile(QStringLiteral("contoso"));
        const Profile fabrikam = sampleProfile(QStringLiteral("fabrikam"));
        QVERIFY(store.save(contoso));
        QVERIFY(store.save(fabrikam));
        for (const Profile &profile : {contoso, fabrikam}) {
            for (const QString &key : profile.secrets.all()) {
                secrets.insert(key, "value of " + key.toLatin1());
            }
        }
        QCOMPARE(secrets.keys().size(), 6);

        QPointer<ProfileRemoveJob> job = store.remove(QStringLiteral("contoso"), &secrets);
        QSignalSpy finished(job.data(), &ProfileRemoveJob::finished);
        QSignalSpy destroyed(job.data(), &QObject::destroyed);
        M365::Error error{QStringLiteral("unset"), {}, {}, {}};
        QStringList removed;
        connect(job, &ProfileRemoveJob::finished, this, [&](ProfileRemoveJob *j) {
            error = j->error();
            removed = j->removedSecrets();
        });
        job->start();
        QVERIFY(!job->isFinished());
        QTRY_COMPARE_WITH_TIMEOUT(destroyed.count(), 1, Timeout);
        QCOMPARE(finished.count(), 1);
        QVERIFY2(error.isNull(), qPrintable(error.userMessage));
        QCOMPARE(removed.size(), 3);
        QStringList fabrikamKeys = fabrikam.secrets.all();
        fabrikamKeys.sort();
        QCOMPARE(secrets.keys(), fabrikamKeys); // the other profile's secrets are untouched
        QCOMPARE(store.list(), QStringList{QStringLiteral("fabrikam")});
    }

    void removeKeepsFileWhenSecretsCannotBeRemoved()
    {
        MemorySecretStore secrets;
        ProfileStore store(freshDirectory());
        const Profile profile = sampleProfile(QStringLiteral("contoso"));
        QVERIFY(store.save(profile));
        secrets.insert(profile.secrets.privateKey, "key");
        secrets.failNext(SecretJob::Failure::AccessDenied);

        ProfileRemoveJob *job = store.remove(QStringLiteral("contoso"), &secrets, this);
        QSignalSpy finished(job, &ProfileRemoveJob::finished);
        job->start();
        QVERIFY(finished.wait(Timeout));
        QVERIFY(job->hasError());
        QCOMPARE(job->error().code, QStringLiteral("secrets.accessDenied"));
        QVERIFY(job->errorString().contains(QLatin1String("contoso")));
        QVERIFY(store.exists(QStringLiteral("contoso")));
        QVERIFY(secrets.contains(profile.secrets.privateKey));

        // Once the keychain cooperates, the same removal goes through.
        ProfileRemoveJob *retry = store.remove(QStringLiteral("contoso"), &secrets, this);
        QSignalSpy retried(retry, &ProfileRemoveJob::finished);
        retry->start();
        QVERIFY(retried.wait(Timeout));
        QVERIFY2(!retry->hasError(), qPrintable(retry->errorString()));
        QVERIFY(!store.exists(QStringLiteral("contoso")));
        QVERIFY(secrets.keys().isEmpty());
    }

    void removeProfileWithSecretInFile()
    {
        MemorySecretStore secrets;
        ProfileStore store(freshDirectory());
        Profile profile = sampleProfile(QStringLiteral("contoso"));
        QVERIFY(store.save(profile));
        secrets.insert(profile.secrets.clientSecret, clientSecretValue);
        // A hand edit puts the value into the file: load() refuses it, remove() still cleans up everything.
        QJsonObject json = profile.toJson();
        json.insert(QStringLiteral("clientSecret"), QString::fromLatin1(clientSecretValue));
        writeFile(store.filePath(QStringLiteral("contoso")), QJsonDocument(json).toJson());
        QVERIFY(!store.load(QStringLiteral("contoso")).has_value());

        ProfileRemoveJob *job = store.remove(QStringLiteral("contoso"), &secrets, this);
        QSignalSpy finished(job, &ProfileRemoveJob::finished);
        job->start();
        QVERIFY(finished.wait(Timeout));
        QVERIFY2(!job->hasError(), qPrintable(job->errorString()));
        QVERIFY(!QFile::exists(store.filePath(QStringLiteral("contoso"))));
        QVERIFY(secrets.keys().isEmpty());
    }

    void removeErrors_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("code");
        QTest::newRow("missing") << "nobody"
                                 << "profile.notFound";
        QTest::newRow("invalid") << "../x"
                                 << "profile.invalidName";
    }

    void removeErrors()
    {
        QFETCH(QString, name);
        QFETCH(QString, code);
        MemorySecretStore secrets;
        ProfileStore store(freshDirectory());
        ProfileRemoveJob *job = store.remove(name, &secrets, this);
        QSignalSpy finished(job, &ProfileRemoveJob::finished);
        job->start();
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(job->error().code, code);
        QCOMPARE(secrets.finishedJobCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"
