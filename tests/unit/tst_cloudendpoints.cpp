// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "identity/cloudendpoints.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

using namespace M365::Identity;

Q_DECLARE_METATYPE(M365::Identity::Cloud)
Q_DECLARE_METATYPE(M365::Identity::CloudEndpoints)

class TestCloudEndpoints : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void forCloud_data()
    {
        QTest::addColumn<Cloud>("cloud");
        QTest::addColumn<QString>("authority");
        QTest::addColumn<QString>("graph");
        QTest::addColumn<QString>("scope");
        // learn.microsoft.com/graph/deployments
        QTest::newRow("global") << Cloud::Global << "https://login.microsoftonline.com"
                                << "https://graph.microsoft.com"
                                << "https://graph.microsoft.com/.default";
        QTest::newRow("us gov L4") << Cloud::UsGovernmentL4 << "https://login.microsoftonline.us"
                                   << "https://graph.microsoft.us"
                                   << "https://graph.microsoft.us/.default";
        QTest::newRow("us gov L5 dod") << Cloud::UsGovernmentL5Dod << "https://login.microsoftonline.us"
                                       << "https://dod-graph.microsoft.us"
                                       << "https://dod-graph.microsoft.us/.default";
        QTest::newRow("china") << Cloud::China << "https://login.chinacloudapi.cn"
                               << "https://microsoftgraph.chinacloudapi.cn"
                               << "https://microsoftgraph.chinacloudapi.cn/.default";
    }

    void forCloud()
    {
        QFETCH(Cloud, cloud);
        QFETCH(QString, authority);
        QFETCH(QString, graph);
        QFETCH(QString, scope);
        const CloudEndpoints endpoints = CloudEndpoints::forCloud(cloud);
        QCOMPARE(endpoints.cloud, cloud);
        QCOMPARE(endpoints.authority.toString(), authority);
        QCOMPARE(endpoints.graph.toString(), graph);
        QCOMPARE(endpoints.graphScope, scope);
        QVERIFY(endpoints.isValid());
    }

    void tokenEndpoint_data()
    {
        QTest::addColumn<CloudEndpoints>("endpoints");
        QTest::addColumn<QString>("tenant");
        QTest::addColumn<QString>("expected");
        QTest::newRow("global guid") << CloudEndpoints::forCloud(Cloud::Global)
                                     << "aaaabbbb-0000-cccc-1111-dddd2222eeee"
                                     << "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/"
                                        "oauth2/v2.0/token";
        QTest::newRow("l4 domain") << CloudEndpoints::forCloud(Cloud::UsGovernmentL4) << "contoso.onmicrosoft.us"
                                   << "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token";
        QTest::newRow("china") << CloudEndpoints::forCloud(Cloud::China) << "contoso.partner.onmschina.cn"
                               << "https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/oauth2/v2.0/token";
        QTest::newRow("sandbox") << CloudEndpoints::sandbox(QUrl(QStringLiteral("http://127.0.0.1:5443")))
                                 << "contoso.onmicrosoft.com"
                                 << "http://127.0.0.1:5443/contoso.onmicrosoft.com/oauth2/v2.0/token";
        QTest::newRow("custom root with path and trailing slash")
            << CloudEndpoints::custom(QUrl(QStringLiteral("https://proxy.example/login/")),
                                      QUrl(QStringLiteral("https://proxy.example/graph/")))
            << "t1.example"
            << "https://proxy.example/login/t1.example/oauth2/v2.0/token";
        // A tenant can never add path segments or a query to the token URL.
        QTest::newRow("tenant with delimiters is encoded")
            << CloudEndpoints::forCloud(Cloud::Global) << "evil/../x?y"
            << "https://login.microsoftonline.com/evil%2F..%2Fx%3Fy/oauth2/v2.0/token";
    }

    void tokenEndpoint()
    {
        QFETCH(CloudEndpoints, endpoints);
        QFETCH(QString, tenant);
        QFETCH(QString, expected);
        const QUrl url = endpoints.tokenEndpoint(tenant);
        QCOMPARE(url.toString(QUrl::FullyEncoded), expected);
        QVERIFY(!url.hasQuery());
    }

    void graphUrl_data()
    {
        QTest::addColumn<CloudEndpoints>("endpoints");
        QTest::addColumn<QString>("pathAndQuery");
        QTest::addColumn<QString>("expected");
        const CloudEndpoints global = CloudEndpoints::forCloud(Cloud::Global);
        QTest::newRow("plain") << global << "users"
                               << "https://graph.microsoft.com/v1.0/users";
        QTest::newRow("leading slash") << global << "/organization"
                                       << "https://graph.microsoft.com/v1.0/organization";
        QTest::newRow("query kept") << global << "users?$top=999&$select=id,displayName"
                                    << "https://graph.microsoft.com/v1.0/users?$top=999&$select=id,displayName";
        QTest::newRow("filter with quotes")
            << global << "users?$filter=startswith(displayName,'a')"
            << "https://graph.microsoft.com/v1.0/users?$filter=startswith(displayName,'a')";
        QTest::newRow("batch") << global << "$batch"
                               << "https://graph.microsoft.com/v1.0/$batch";
        QTest::newRow("dod") << CloudEndpoints::forCloud(Cloud::UsGovernmentL5Dod) << "domains"
                             << "https://dod-graph.microsoft.us/v1.0/domains";
        QTest::newRow("china") << CloudEndpoints::forCloud(Cloud::China) << "subscribedSkus"
                               << "https://microsoftgraph.chinacloudapi.cn/v1.0/subscribedSkus";
        QTest::newRow("sandbox") << CloudEndpoints::sandbox(QUrl(QStringLiteral("https://127.0.0.1:40001/")))
                                 << "users/a@contoso.com"
                                 << "https://127.0.0.1:40001/v1.0/users/a@contoso.com";
    }

    void graphUrl()
    {
        QFETCH(CloudEndpoints, endpoints);
        QFETCH(QString, pathAndQuery);
        QFETCH(QString, expected);
        const QUrl url = endpoints.graphUrl(pathAndQuery);
        QVERIFY(url.isValid());
        QCOMPARE(url.toString(QUrl::FullyEncoded), expected);
    }

    void adminConsentUrl_data()
    {
        QTest::addColumn<CloudEndpoints>("endpoints");
        QTest::addColumn<QUrl>("redirect");
        QTest::addColumn<QString>("expected");
        QTest::newRow("global with redirect")
            << CloudEndpoints::forCloud(Cloud::Global) << QUrl(QStringLiteral("http://localhost:5000/consent?a=1&b=2"))
            << "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent"
               "?client_id=00001111-aaaa-2222-bbbb-3333cccc4444"
               "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
               "&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2Fconsent%3Fa%3D1%26b%3D2";
        QTest::newRow("l4 without redirect")
            << CloudEndpoints::forCloud(Cloud::UsGovernmentL4) << QUrl()
            << "https://login.microsoftonline.us/contoso.onmicrosoft.com/v2.0/adminconsent"
               "?client_id=00001111-aaaa-2222-bbbb-3333cccc4444"
               "&scope=https%3A%2F%2Fgraph.microsoft.us%2F.default";
    }

    void adminConsentUrl()
    {
        QFETCH(CloudEndpoints, endpoints);
        QFETCH(QUrl, redirect);
        QFETCH(QString, expected);
        const QUrl url = endpoints.adminConsentUrl(QStringLiteral("contoso.onmicrosoft.com"),
                                                   QStringLiteral("00001111-aaaa-2222-bbbb-3333cccc4444"),
                                                   redirect);
        QCOMPARE(url.toString(QUrl::FullyEncoded), expected);
        // What a browser would hand back to the server decodes to the original values.
        const QUrlQuery query(url);
        QCOMPARE(query.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded), endpoints.graphScope);
        QCOMPARE(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded),
                 redirect.toString(QUrl::FullyEncoded));
    }

    void customScope()
    {
        const CloudEndpoints derived = CloudEndpoints::custom(QUrl(QStringLiteral("https://login.example")),
                                                              QUrl(QStringLiteral("https://graph.example/")));
        QCOMPARE(derived.cloud, Cloud::Custom);
        QCOMPARE(derived.graphScope, QStringLiteral("https://graph.example/.default"));
        QCOMPARE(derived.graph.toString(), QStringLiteral("https://graph.example"));
        const CloudEndpoints sandbox = CloudEndpoints::sandbox(QUrl(QStringLiteral("https://127.0.0.1:40001")));
        QCOMPARE(sandbox.graphScope, QStringLiteral("https://graph.microsoft.com/.default"));
        QCOMPARE(sandbox.authority, sandbox.graph);
    }

    void isValid_data()
    {
        QTest::addColumn<QString>("login");
        QTest::addColumn<QString>("graph");
        QTest::addColumn<QString>("scope");
        QTest::addColumn<QString>("code");
        QTest::newRow("https anywhere") << "https://login.example"
                                        << "https://graph.example"
                                        << ""
                                        << "";
        QTest::newRow("http on 127.0.0.1") << "http://127.0.0.1:8080"
                                           << "http://127.0.0.1:8080"
                                           << ""
                                           << "";
        QTest::newRow("http on localhost") << "http://localhost:8080"
                                           << "http://localhost:8080"
                                           << ""
                                           << "";
        QTest::newRow("http on ::1") << "http://[::1]:8080"
                                     << "http://[::1]:8080"
                                     << ""
                                     << "";
        QTest::newRow("http elsewhere") << "http://login.example"
                                        << "https://graph.example"
                                        << ""
                                        << "cloud.invalidEndpoint";
        QTest::newRow("ftp") << "https://login.example"
                             << "ftp://graph.example"
                             << ""
                             << "cloud.invalidEndpoint";
        QTest::newRow("relative") << "login.example"
                                  << "https://graph.example"
                                  << ""
                                  << "cloud.invalidEndpoint";
        QTest::newRow("query") << "https://login.example?x=1"
                               << "https://graph.example"
                               << ""
                               << "cloud.invalidEndpoint";
        QTest::newRow("user info") << "https://user:pw@login.example"
                                   << "https://graph.example"
                                   << ""
                                   << "cloud.invalidEndpoint";
        QTest::newRow("bad scope") << "https://login.example"
                                   << "https://graph.example"
                                   << "User.Read"
                                   << "cloud.invalidScope";
    }

    void isValid()
    {
        QFETCH(QString, login);
        QFETCH(QString, graph);
        QFETCH(QString, scope);
        QFETCH(QString, code);
        const CloudEndpoints endpoints = CloudEndpoints::custom(QUrl(login), QUrl(graph), scope);
        M365::Error error;
        QCOMPARE(endpoints.isValid(&error), code.isEmpty());
        QCOMPARE(error.code, code);
        if (!code.isEmpty()) {
            QVERIFY(!error.userMessage.isEmpty());
            QVERIFY2(!error.userMessage.contains(QLatin1String("pw@")), qPrintable(error.userMessage));
        }
    }

    void json_data()
    {
        QTest::addColumn<CloudEndpoints>("endpoints");
        for (Cloud cloud : {Cloud::Global, Cloud::UsGovernmentL4, Cloud::UsGovernmentL5Dod, Cloud::China}) {
            QTest::newRow(qPrintable(CloudEndpoints::id(cloud))) << CloudEndpoints::forCloud(cloud);
        }
        QTest::newRow("sandbox") << CloudEndpoints::sandbox(QUrl(QStringLiteral("https://127.0.0.1:40001")));
        QTest::newRow("custom") << CloudEndpoints::custom(QUrl(QStringLiteral("https://login.example/base")),
                                                          QUrl(QStringLiteral("https://graph.example")),
                                                          QStringLiteral("https://graph.example/.default"));
    }

    void json()
    {
        QFETCH(CloudEndpoints, endpoints);
        const QJsonObject json = endpoints.toJson();
        QCOMPARE(json.value(QLatin1String("cloud")).toString(), CloudEndpoints::id(endpoints.cloud));
        // Known clouds are stored by name only, so a file can never redirect them.
        QCOMPARE(json.contains(QLatin1String("graph")), endpoints.cloud == Cloud::Custom);
        M365::Error error;
        const std::optional<CloudEndpoints> back = CloudEndpoints::fromJson(json, &error);
        QVERIFY2(back.has_value(), qPrintable(error.userMessage));
        QCOMPARE(*back, endpoints);
    }

    void jsonKnownCloudIgnoresUrls()
    {
        const QJsonObject json{{QStringLiteral("cloud"), QStringLiteral("global")},
                               {QStringLiteral("graph"), QStringLiteral("https://attacker.example")}};
        const std::optional<CloudEndpoints> endpoints = CloudEndpoints::fromJson(json);
        QVERIFY(endpoints.has_value());
        QCOMPARE(endpoints->graph.host(), QStringLiteral("graph.microsoft.com"));
    }

    void jsonRejects_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("code");
        QTest::newRow("unknown cloud") << QJsonObject{{QStringLiteral("cloud"), QStringLiteral("germany")}}
                                       << "cloud.unknown";
        QTest::newRow("missing cloud") << QJsonObject{} << "cloud.unknown";
        QTest::newRow("custom without urls")
            << QJsonObject{{QStringLiteral("cloud"), QStringLiteral("custom")}} << "cloud.invalidEndpoint";
        QTest::newRow("custom plain http remote")
            << QJsonObject{{QStringLiteral("cloud"), QStringLiteral("custom")},
                           {QStringLiteral("authority"), QStringLiteral("http://login.example")},
                           {QStringLiteral("graph"), QStringLiteral("http://graph.example")}}
            << "cloud.invalidEndpoint";
    }

    void jsonRejects()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, code);
        M365::Error error;
        QVERIFY(!CloudEndpoints::fromJson(json, &error).has_value());
        QCOMPARE(error.code, code);
        QVERIFY(!error.userMessage.isEmpty());
    }

    void namesAndIds()
    {
        QStringList names;
        for (Cloud cloud :
             {Cloud::Global, Cloud::UsGovernmentL4, Cloud::UsGovernmentL5Dod, Cloud::China, Cloud::Custom}) {
            const QString name = CloudEndpoints::name(cloud);
            QVERIFY(!name.isEmpty());
            QVERIFY2(!names.contains(name), qPrintable(name));
            names.append(name);
            QCOMPARE(CloudEndpoints::cloudFromId(CloudEndpoints::id(cloud)), std::optional<Cloud>(cloud));
        }
        QCOMPARE(CloudEndpoints::cloudFromId(QStringLiteral("Global")), std::optional<Cloud>());
    }

    // The engine builds every Microsoft URL through CloudEndpoints: no other file in core/ or cli/ may carry a
    // Microsoft cloud host in a string literal.
    void noHardCodedHosts()
    {
        static const QRegularExpression literal(QStringLiteral("\"[^\"\\n]*\""));
        static const QRegularExpression host(
            QStringLiteral("login\\.microsoftonline|graph\\.microsoft\\.|microsoftgraph\\.chinacloudapi|"
                           "login\\.chinacloudapi|login\\.partner\\.microsoftonline"));
        QStringList offenders;
        for (const char *folder : {"core", "cli"}) {
            QDirIterator it(QStringLiteral(M365_SOURCE_DIR "/") + QLatin1String(folder),
                            {QStringLiteral("*.cpp"), QStringLiteral("*.h")},
                            QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                if (path.endsWith(QLatin1String("/identity/cloudendpoints.cpp"))) {
                    continue;
                }
                QFile file(path);
                QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
                int lineNumber = 0;
                for (const QByteArray &rawLine : file.readAll().split('\n')) {
                    ++lineNumber;
                    const QString line = QString::fromUtf8(rawLine).trimmed();
                    if (line.startsWith(QLatin1String("//")) || line.startsWith(QLatin1Char('*'))
                        || line.startsWith(QLatin1String("/*"))) {
                        continue;
                    }
                    auto matches = literal.globalMatch(line);
                    while (matches.hasNext()) {
                        if (host.match(matches.next().captured()).hasMatch()) {
                            offenders.append(path + QLatin1Char(':') + QString::number(lineNumber));
                        }
                    }
                }
            }
        }
        QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestCloudEndpoints)
#include "tst_cloudendpoints.moc"
