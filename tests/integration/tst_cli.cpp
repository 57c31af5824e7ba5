// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// m365sync-cli against m365sim over HTTPS, as an admin would use them: create profiles (generated certificate,
// client secret), upload the certificate, check the connection, read the messages for the usual mistakes, and make
// sure no secret lands in any file the program wrote. Needs the Secret Service (CI runs tests under dbus-run-session
// with an unlocked gnome-keyring).

#include "profile/keychainsecretstore.h"
#include "profile/profilestore.h"
#include "signinbrowser.h"
#include "tenantstate.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void usageErrors();
    void certificateProfileEndToEnd();
    void directoryTestUsesCsvMapping();
    void wrongCertificateIsExplained();
    void missingPermissionsGiveConsentUrl();
    void unknownTenantIsExplained();
    void noSecretInWrittenFiles();
    void deleteRemovesSecrets();
    void draftIsRefused();
    void registerWithDeviceCode();

private:
    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };
    Run cli(const QStringList &arguments, const QHash<QString, QString> &environment = {});
    QJsonObject admin(const QByteArray &method, const QString &path, const QJsonObject &body);
    QByteArray readSecret(const QString &key);

    QTemporaryDir m_home;
    QProcess m_sim;
    QJsonObject m_info;
    QNetworkAccessManager m_nam;
    QString m_allRolesApp;
    QString m_secret; ///< p3's client secret
};

TestCli::Run TestCli::cli(const QStringList &arguments, const QHash<QString, QString> &environment)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
    for (auto it = environment.cbegin(); it != environment.cend(); ++it) {
        env.insert(it.key(), it.value());
    }
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(m_home.path());
    process.start(QStringLiteral(M365SYNC_CLI_PATH), arguments);
    process.closeWriteChannel(); // standard input is empty, as under cron
    Run run;
    if (!process.waitForFinished(60000)) {
        process.kill();
        return run;
    }
    run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QJsonObject TestCli::admin(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    QNetworkRequest request(
        QUrl(m_info.value(QLatin1String("graphUrl")).toString() + QStringLiteral("/_sandbox/") + path));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(m_info.value(QLatin1String("caFile")).toString());
    request.setSslConfiguration(ssl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, QJsonDocument(body).toJson()));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    finished.wait(10000);
    return QJsonDocument::fromJson(reply->readAll()).object();
}

void TestCli::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_sim.start(QStringLiteral(M365SIM_PATH),
                {QStringLiteral("--port"),
                 QStringLiteral("0"),
                 QStringLiteral("--tls"),
                 QStringLiteral("--state"),
                 m_home.filePath(QStringLiteral("sim/state.json"))});
    QVERIFY(m_sim.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(m_sim.canReadLine(), 15000);
    m_info = QJsonDocument::fromJson(m_sim.readLine()).object();
    QVERIFY(!m_info.value(QLatin1String("caFile")).toString().isEmpty());
    const QJsonObject app = admin("POST",
                                  QStringLiteral("applications"),
                                  {{QStringLiteral("displayName"), QStringLiteral("m365sync")},
                                   {QStringLiteral("roles"),
                                    QJsonArray{QStringLiteral("User.ReadWrite.All"),
                                               QStringLiteral("Group.ReadWrite.All"),
                                               QStringLiteral("Domain.Read.All"),
                                               QStringLiteral("Organization.Read.All"),
                                               QStringLiteral("LicenseAssignment.ReadWrite.All")}}});
    m_allRolesApp = app.value(QLatin1String("appId")).toString();
    QVERIFY(!m_allRolesApp.isEmpty());
}

void TestCli::cleanupTestCase()
{
    m_sim.terminate();
    m_sim.waitForFinished(10000);
}

void TestCli::usageErrors()
{
    QCOMPARE(cli({}).code, 2);
    QCOMPARE(cli({QStringLiteral("frobnicate")}).code, 2);
    QCOMPARE(cli({QStringLiteral("check")}).code, 2);
    const Run noCredential = cli({QStringLiteral("profile"),
                                  QStringLiteral("create"),
                                  QStringLiteral("x"),
                                  QStringLiteral("--tenant"),
                                  QStringLiteral("contoso.onmicrosoft.com"),
                                  QStringLiteral("--client-id"),
                                  m_allRolesApp});
    QCOMPARE(noCredential.code, 2);
    QVERIFY(noCredential.err.contains(QLatin1String("Choose one credential")));
    const Run help = cli({QStringLiteral("--help")});
    QCOMPARE(help.code, 0);
    QVERIFY(help.out.contains(QLatin1String("Exit codes")));
    QCOMPARE(cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("nosuchprofile")}).code, 1);
}

void TestCli::certificateProfileEndToEnd()
{
    const QString cer = m_home.filePath(QStringLiteral("p1.cer"));
    const Run created = cli({QStringLiteral("profile"),
                             QStringLiteral("create"),
                             QStringLiteral("p1"),
                             QStringLiteral("--tenant"),
                             m_info.value(QLatin1String("tenantId")).toString(),
                             QStringLiteral("--client-id"),
                             m_allRolesApp,
                             QStringLiteral("--sandbox-url"),
                             m_info.value(QLatin1String("graphUrl")).toString(),
                             QStringLiteral("--ca-file"),
                             m_info.value(QLatin1String("caFile")).toString(),
                             QStringLiteral("--generate-certificate"),
                             QStringLiteral("--export-cer"),
                             cer});
    QVERIFY2(created.code == 0, qPrintable(created.err));
    QVERIFY(created.out.contains(QLatin1String("thumbprint")));
    QFile file(cer);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QSslCertificate certificate(file.readAll(), QSsl::Der);
    QVERIFY(!certificate.isNull());

    // Before the certificate is uploaded the identity platform refuses it.
    const Run refused = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("p1")});
    QCOMPARE(refused.code, 1);
    QVERIFY2(refused.err.contains(QLatin1String("does not accept this certificate")), qPrintable(refused.err));

    const QJsonObject uploaded = admin("POST",
                                       QStringLiteral("applications/%1/certificates").arg(m_allRolesApp),
                                       {{QStringLiteral("certificatePem"), QString::fromLatin1(certificate.toPem())}});
    QVERIFY(!uploaded.value(QLatin1String("thumbprint")).toString().isEmpty());
    QVERIFY(created.out.contains(uploaded.value(QLatin1String("thumbprint")).toString()));

    const Run check = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("p1")});
    QVERIFY2(check.code == 0, qPrintable(check.out + check.err));
    QVERIFY(check.out.contains(QLatin1String("All permissions the sync needs are granted.")));
    QVERIFY(check.out.contains(QLatin1String("contoso.onmicrosoft.com")));
    QVERIFY(check.out.contains(QLatin1String("example.org  not verified: publish TXT record \"MS=ms")));
    QVERIFY(check.out.contains(QLatin1String("ENTERPRISEPACK")));

    const Run json =
        cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("p1"), QStringLiteral("--json")});
    QCOMPARE(json.code, 0);
    const QJsonObject report = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(report.value(QLatin1String("tenantId")).toString(), m_info.value(QLatin1String("tenantId")).toString());
    QVERIFY(report.value(QLatin1String("missingRoles")).toArray().isEmpty());
    QCOMPARE(report.value(QLatin1String("domains")).toArray().size(), 2);
    bool freeSeatsReported = false;
    for (const auto &sku : report.value(QLatin1String("skus")).toArray()) {
        freeSeatsReported |=
            sku.toObject().value(QLatin1String("partNumber")).toString() == QLatin1String("ENTERPRISEPACK")
            && sku.toObject().value(QLatin1String("free")).toInt() == 23;
    }
    QVERIFY(freeSeatsReported);

    const Run shown =
        cli({QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("p1"), QStringLiteral("--json")});
    QCOMPARE(shown.code, 0);
    QVERIFY(!shown.out.contains(QLatin1String("PRIVATE KEY")));
    const Run listed = cli({QStringLiteral("profile"), QStringLiteral("list")});
    QVERIFY(listed.out.split(QLatin1Char('\n')).contains(QStringLiteral("p1")));
}

void TestCli::directoryTestUsesCsvMapping()
{
    // An HR export as Excel writes it in German, mapped in the profile as the wizard stores it.
    const QString csv = m_home.filePath(QStringLiteral("hr.csv"));
    QFile data(csv);
    QVERIFY(data.open(QIODevice::WriteOnly));
    data.write("\xEF\xBB\xBFPersonalnummer;Vorname;Nachname;E-Mail;Gruppen;;\r\n"
               "7;J\xC3\xBCrgen;M\xC3\xBCller;jm@example.org;Staff|Einkauf;;\r\n"
               "8;Anna;Schmidt;as@example.org;Staff;;\r\n"
               ";Ohne;Nummer;on@example.org;;;\r\n");
    data.close();
    QString profilePath;
    QDirIterator it(m_home.path(), {QStringLiteral("p1.json")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        profilePath = it.next();
    }
    QVERIFY2(!profilePath.isEmpty(), "profile p1 not found");
    QFile file(profilePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject profile = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QJsonObject mapping{{QStringLiteral("columns"),
                         QJsonObject{{QStringLiteral("Personalnummer"), QStringLiteral("employeeID")},
                                     {QStringLiteral("Vorname"), QStringLiteral("givenName")},
                                     {QStringLiteral("Nachname"), QStringLiteral("sn")},
                                     {QStringLiteral("E-Mail"), QStringLiteral("mail")},
                                     {QStringLiteral("Gruppen"), QStringLiteral("memberOf")}}},
                        {QStringLiteral("key"), QStringLiteral("Personalnummer")}};
    profile.insert(QStringLiteral("directory"),
                   QJsonObject{{QStringLiteral("type"), QStringLiteral("csv")},
                               {QStringLiteral("path"), csv},
                               {QStringLiteral("mapping"), mapping}});
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(profile).toJson());
    file.close();

    const Run run =
        cli({QStringLiteral("directory"), QStringLiteral("test"), QStringLiteral("--profile"), QStringLiteral("p1")});
    QVERIFY2(run.code == 0, qPrintable(run.out + run.err));
    QVERIFY2(run.out.contains(QStringLiteral("Users: 2, groups: 2.")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("anchor employeeid=7")), qPrintable(run.out));
    QVERIFY2(run.err.contains(QStringLiteral("hr.csv, line 4: the key column \"Personalnummer\" is empty")),
             qPrintable(run.err));

    // The same for scripts and monitoring: one JSON document, the skipped record with its file and line.
    const Run json = cli({QStringLiteral("directory"),
                          QStringLiteral("test"),
                          QStringLiteral("--profile"),
                          QStringLiteral("p1"),
                          QStringLiteral("--json")});
    QVERIFY2(json.code == 0, qPrintable(json.out + json.err));
    QJsonParseError parseError;
    const QJsonObject report = QJsonDocument::fromJson(json.out.toUtf8(), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(json.out));
    QCOMPARE(report.value(QLatin1String("ok")).toBool(), true);
    QCOMPARE(report.value(QLatin1String("users")).toInt(), 2);
    QCOMPARE(report.value(QLatin1String("groups")).toInt(), 2);
    QCOMPARE(report.value(QLatin1String("samples")).toArray().first().toObject().value(QLatin1String("anchor")),
             QJsonValue(QStringLiteral("7")));
    const QJsonArray problems = report.value(QLatin1String("problems")).toArray();
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems.first().toObject().value(QLatin1String("file")).toString(), QStringLiteral("hr.csv"));
    QCOMPARE(problems.first().toObject().value(QLatin1String("line")).toInt(), 4);

    const Run usage = cli({QStringLiteral("directory"), QStringLiteral("list")});
    QCOMPARE(usage.code, 2);
}

void TestCli::wrongCertificateIsExplained()
{
    QCOMPARE(cli({QStringLiteral("profile"),
                  QStringLiteral("create"),
                  QStringLiteral("p2"),
                  QStringLiteral("--tenant"),
                  m_info.value(QLatin1String("tenantId")).toString(),
                  QStringLiteral("--client-id"),
                  m_allRolesApp,
                  QStringLiteral("--sandbox-url"),
                  m_info.value(QLatin1String("graphUrl")).toString(),
                  QStringLiteral("--ca-file"),
                  m_info.value(QLatin1String("caFile")).toString(),
                  QStringLiteral("--generate-certificate"),
                  QStringLiteral("--rs256")})
                 .code,
             0);
    const Run check = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("p2")});
    QCOMPARE(check.code, 1);
    QVERIFY2(check.err.contains(QLatin1String("does not accept this certificate (thumbprint")), qPrintable(check.err));
}

void TestCli::missingPermissionsGiveConsentUrl()
{
    const QJsonObject app =
        admin("POST",
              QStringLiteral("applications"),
              {{QStringLiteral("displayName"), QStringLiteral("reader")},
               {QStringLiteral("roles"),
                QJsonArray{QStringLiteral("User.Read.All"), QStringLiteral("Organization.Read.All")}},
               {QStringLiteral("withSecret"), true}});
    m_secret = app.value(QLatin1String("clientSecret")).toString();
    QVERIFY(!m_secret.isEmpty());
    const Run created = cli({QStringLiteral("profile"),
                             QStringLiteral("create"),
                             QStringLiteral("p3"),
                             QStringLiteral("--tenant"),
                             QStringLiteral("contoso.onmicrosoft.com"),
                             QStringLiteral("--client-id"),
                             app.value(QLatin1String("appId")).toString(),
                             QStringLiteral("--sandbox-url"),
                             m_info.value(QLatin1String("graphUrl")).toString(),
                             QStringLiteral("--ca-file"),
                             m_info.value(QLatin1String("caFile")).toString(),
                             QStringLiteral("--client-secret-env"),
                             QStringLiteral("P3_SECRET")},
                            {{QStringLiteral("P3_SECRET"), m_secret}});
    QVERIFY2(created.code == 0, qPrintable(created.err));
    const Run check = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("p3")});
    QCOMPARE(check.code, 6);
    QVERIFY(check.out.contains(
        QLatin1String("Missing permissions: User.ReadWrite.All, Domain.Read.All, Group.ReadWrite.All")));
    QVERIFY(check.out.contains(QLatin1String("/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=")));
    QVERIFY(check.out.contains(QLatin1String("Domains: not readable")));
}

void TestCli::unknownTenantIsExplained()
{
    QCOMPARE(cli({QStringLiteral("profile"),
                  QStringLiteral("create"),
                  QStringLiteral("p4"),
                  QStringLiteral("--tenant"),
                  QStringLiteral("fabrikam.onmicrosoft.com"),
                  QStringLiteral("--client-id"),
                  m_allRolesApp,
                  QStringLiteral("--sandbox-url"),
                  m_info.value(QLatin1String("graphUrl")).toString(),
                  QStringLiteral("--ca-file"),
                  m_info.value(QLatin1String("caFile")).toString(),
                  QStringLiteral("--client-secret-stdin")},
                 {})
                 .code,
             2); // nothing on standard input: no secret
    QCOMPARE(cli({QStringLiteral("profile"),
                  QStringLiteral("create"),
                  QStringLiteral("p4"),
                  QStringLiteral("--tenant"),
                  QStringLiteral("fabrikam.onmicrosoft.com"),
                  QStringLiteral("--client-id"),
                  m_allRolesApp,
                  QStringLiteral("--sandbox-url"),
                  m_info.value(QLatin1String("graphUrl")).toString(),
                  QStringLiteral("--ca-file"),
                  m_info.value(QLatin1String("caFile")).toString(),
                  QStringLiteral("--client-secret-env"),
                  QStringLiteral("P4_SECRET")},
                 {{QStringLiteral("P4_SECRET"), QStringLiteral("not-the-secret")}})
                 .code,
             0);
    const Run check = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("p4")});
    QCOMPARE(check.code, 1);
    QVERIFY2(check.err.contains(QLatin1String("Tenant \"fabrikam.onmicrosoft.com\" was not found")),
             qPrintable(check.err));
}

void TestCli::noSecretInWrittenFiles()
{
    // The private key of p1 is in the keychain only: read it from there, then search for its body.
    const QByteArray key = readSecret(QStringLiteral("m365sync/p1/privateKey"));
    QVERIFY(key.startsWith("-----BEGIN PRIVATE KEY-----"));
    const QList<QByteArray> keyLines = key.split('\n');
    QVERIFY(keyLines.size() > 10);
    const QByteArray keyBody = keyLines.at(5);
    // Search every file the CLI wrote (profiles, exported certificate) for the client secret and for the PEM armour
    // and base64 body of any private key.
    int files = 0;
    QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.contains(QLatin1String("/sim/"))) {
            continue; // the sandbox tenant's own state, the emulated Microsoft side
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY2(!content.contains(m_secret.toUtf8()), qPrintable(path));
        QVERIFY2(!content.contains("PRIVATE KEY"), qPrintable(path));
        QVERIFY2(!content.contains("not-the-secret"), qPrintable(path));
        QVERIFY2(!content.contains(keyBody), qPrintable(path));
        ++files;
    }
    QVERIFY(files >= 4); // four profiles and the .cer
}

void TestCli::deleteRemovesSecrets()
{
    const Run deleted = cli({QStringLiteral("profile"), QStringLiteral("delete"), QStringLiteral("p1")});
    QVERIFY2(deleted.code == 0, qPrintable(deleted.err));
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("p1")}).code, 1);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("delete"), QStringLiteral("p1")}).code, 1);
    QVERIFY(readSecret(QStringLiteral("m365sync/p1/privateKey")).isEmpty());
}

void TestCli::draftIsRefused()
{
    // A draft the wizard kept when it was closed (issue 13): not a connection to plan or sync with.
    const Run created = cli({QStringLiteral("profile"),
                             QStringLiteral("create"),
                             QStringLiteral("d1"),
                             QStringLiteral("--tenant"),
                             m_info.value(QLatin1String("tenantId")).toString(),
                             QStringLiteral("--client-id"),
                             m_allRolesApp,
                             QStringLiteral("--sandbox-url"),
                             m_info.value(QLatin1String("graphUrl")).toString(),
                             QStringLiteral("--ca-file"),
                             m_info.value(QLatin1String("caFile")).toString(),
                             QStringLiteral("--generate-certificate")});
    QVERIFY2(created.code == 0, qPrintable(created.err));
    const QString refusal = QStringLiteral("Profile d1 is a draft: finish it in the wizard (m365sync) first");
    const QStringList plan{QStringLiteral("plan"), QStringLiteral("--profile"), QStringLiteral("d1")};
    const QStringList sync{
        QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("d1"), QStringLiteral("--yes")};
    // As a complete profile it gets as far as its own problems.
    QVERIFY(!cli(plan).err.contains(refusal));

    const M365::Profile::ProfileStore store(m_home.filePath(QStringLiteral("config/m365sync/m365sync/profiles")));
    std::optional<M365::Profile::Profile> profile = store.load(QStringLiteral("d1"));
    QVERIFY(profile);
    profile->draft = M365::Profile::DraftState{QStringLiteral("connection"), false, QString()};
    QVERIFY(store.save(*profile));
    for (const QStringList &arguments : {plan, sync}) {
        const Run refused = cli(arguments);
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(refusal), qPrintable(refused.err));
        QVERIFY(refused.out.isEmpty());
    }
}

QByteArray TestCli::readSecret(const QString &key)
{
    M365::Secrets::KeychainSecretStore store;
    M365::Secrets::SecretJob *job = store.read(key, this);
    QSignalSpy finished(job, &M365::Secrets::SecretJob::finished);
    job->start();
    finished.wait(10000);
    return job->hasError() ? QByteArray() : job->value();
}

void TestCli::registerWithDeviceCode()
{
    // A server admin without a browser: the profile first (no client id yet), then register with a device code.
    const Run created = cli({QStringLiteral("profile"),
                             QStringLiteral("create"),
                             QStringLiteral("headless"),
                             QStringLiteral("--tenant"),
                             m_info.value(QLatin1String("tenantId")).toString(),
                             QStringLiteral("--sandbox-url"),
                             m_info.value(QLatin1String("graphUrl")).toString(),
                             QStringLiteral("--ca-file"),
                             m_info.value(QLatin1String("caFile")).toString(),
                             QStringLiteral("--generate-certificate")});
    QVERIFY2(created.code == 0, qPrintable(created.err));
    QVERIFY2(created.out.contains(QLatin1String("m365sync-cli register --profile headless --device-code")),
             qPrintable(created.out));
    QVERIFY(created.out.contains(QLatin1String("SHA-256")));
    const Run early = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("headless")});
    QCOMPARE(early.code, 1);
    QVERIFY2(early.err.contains(QLatin1String("has no app yet")), qPrintable(early.err));
    QCOMPARE(cli({QStringLiteral("register"), QStringLiteral("--profile"), QStringLiteral("headless")}).code, 2);
    const Run help = cli({QStringLiteral("register"), QStringLiteral("--help")});
    QCOMPARE(help.code, 0);
    QVERIFY(help.out.contains(QLatin1String("--device-code")));

    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(M365SYNC_CLI_PATH),
                  {QStringLiteral("register"),
                   QStringLiteral("--profile"),
                   QStringLiteral("headless"),
                   QStringLiteral("--device-code")});
    process.closeWriteChannel();
    // The CLI prints where to go and the code, then waits for the admin.
    static const QRegularExpression prompt(QStringLiteral("open (\\S+) on any device and enter the code (\\S+),"));
    QString stderrText;
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT((stderrText += QString::fromUtf8(process.readAllStandardError()),
                              match = prompt.match(stderrText),
                              match.hasMatch() || process.state() == QProcess::NotRunning),
                             20000);
    QVERIFY2(match.hasMatch(), qPrintable(stderrText));
    SignInBrowser browser;
    browser.setCaCertificates(QSslCertificate::fromPath(m_info.value(QLatin1String("caFile")).toString()));
    const SignInBrowser::Page codePage = browser.get(QUrl(match.captured(1)));
    QCOMPARE(codePage.status, 200);
    const SignInBrowser::Page signIn = browser.submit(codePage, {{QStringLiteral("otc"), match.captured(2)}});
    QCOMPARE(signIn.status, 200);
    const SignInBrowser::Page done =
        browser.submit(signIn,
                       {{QStringLiteral("login"), M365::Sandbox::TenantState::demoAdminUpn},
                        {QStringLiteral("passwd"), M365::Sandbox::TenantState::demoAdminPassword}});
    QCOMPARE(done.status, 200);
    QVERIFY(process.waitForFinished(60000));
    stderrText += QString::fromUtf8(process.readAllStandardError());
    const QString output = QString::fromUtf8(process.readAllStandardOutput());
    QVERIFY2(process.exitCode() == 0, qPrintable(output + stderrText));
    QVERIFY2(output.contains(QLatin1String("has every permission the sync needs")), qPrintable(output));

    // The profile now names the new app, and the sync's own check passes with it.
    const Run shown =
        cli({QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("headless"), QStringLiteral("--json")});
    const QString clientId =
        QJsonDocument::fromJson(shown.out.toUtf8()).object().value(QLatin1String("clientId")).toString();
    QVERIFY2(!clientId.isEmpty() && clientId != m_allRolesApp, qPrintable(shown.out));
    QVERIFY(output.contains(clientId));
    const Run check = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("headless")});
    QVERIFY2(check.code == 0, qPrintable(check.out + check.err));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
