// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Every official response body in ../shared/graph-examples is read by the client's types: collections and their
// paging links, Graph errors, $batch answers, token answers and token errors, Retry-After.

#include "graph/graphtypes.h"
#include "identity/tokenprovider.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace M365;

class TestGraphTypes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void officialResponses_data();
    void officialResponses();
    void retryAfter_data();
    void retryAfter();
    void filterEqualsEncodesTheValue();
};

void TestGraphTypes::officialResponses_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(M365_SHARED_DIR "/graph-examples"));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() > 40);
    int responses = 0;
    for (const QString &file : files) {
        // Requests and the client-assertion parts are what we send, not what we read.
        if (file.contains(QLatin1String("-request")) || file.startsWith(QLatin1String("client-assertion"))) {
            continue;
        }
        QTest::newRow(qPrintable(file)) << dir.filePath(file);
        ++responses;
    }
    QVERIFY(responses >= 40);
}

void TestGraphTypes::officialResponses()
{
    QFETCH(QString, file);
    QFile input(file);
    QVERIFY(input.open(QIODevice::ReadOnly));
    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(input.readAll(), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    const QString name = QFileInfo(file).fileName();

    if (name.startsWith(QLatin1String("token-"))) {
        if (json.contains(QLatin1String("error"))) {
            const M365::Error error =
                Identity::TokenProvider::errorFromTokenResponse(400, json, QStringLiteral("t"), QStringLiteral("c"));
            QCOMPARE(error.code,
                     QStringLiteral("AADSTS%1").arg(json.value(QLatin1String("error_codes")).toArray().at(0).toInt()));
            QVERIFY(!error.userMessage.isEmpty());
            QCOMPARE(error.requestId, json.value(QLatin1String("trace_id")).toString());
        } else {
            QVERIFY(!json.value(QLatin1String("access_token")).toString().isEmpty());
            QVERIFY(json.value(QLatin1String("expires_in")).toVariant().toLongLong() > 0);
        }
        return;
    }
    if (json.contains(QLatin1String("error"))) {
        const int status = name.contains(QLatin1String("429")) ? 429 : name.contains(QLatin1String("422")) ? 422 : 400;
        const M365::Error error = Graph::errorFromResponse(status, json, {});
        QCOMPARE(error.code, json.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString());
        QVERIFY(!error.userMessage.isEmpty());
        QVERIFY(error.details.contains(
            json.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString()));
        return;
    }
    if (json.contains(QLatin1String("responses"))) {
        const auto answers = Graph::parseBatchResponses(json);
        const QJsonArray raw = json.value(QLatin1String("responses")).toArray();
        QCOMPARE(answers.size(), raw.size());
        for (const auto &value : raw) {
            const QJsonObject item = value.toObject();
            const Graph::Response &answer = answers[item.value(QLatin1String("id")).toString()];
            QCOMPARE(answer.status, item.value(QLatin1String("status")).toInt());
            const QJsonObject headers = item.value(QLatin1String("headers")).toObject();
            for (auto it = headers.begin(); it != headers.end(); ++it) {
                QCOMPARE(answer.header(it.key().toLatin1()), it.value().toString().toUtf8());
            }
            if (item.value(QLatin1String("body")).isObject()) {
                QCOMPARE(answer.json, item.value(QLatin1String("body")).toObject());
            }
        }
        return;
    }
    if (json.contains(QLatin1String("value"))) {
        const Graph::CollectionPage page = Graph::CollectionPage::fromJson(json);
        QCOMPARE(page.value, json.value(QLatin1String("value")).toArray());
        QCOMPARE(page.nextLink, json.value(QLatin1String("@odata.nextLink")).toString());
        QCOMPARE(page.deltaLink, json.value(QLatin1String("@odata.deltaLink")).toString());
        QCOMPARE(page.count,
                 json.contains(QLatin1String("@odata.count")) ? json.value(QLatin1String("@odata.count")).toInt() : -1);
        if (name.contains(QLatin1String("delta"))) {
            // Every delta page ends in exactly one of the two links.
            QVERIFY(page.nextLink.isEmpty() != page.deltaLink.isEmpty());
        }
        return;
    }
    // A single entity: read through the collection type it is not (no value, no links) and as an object.
    const Graph::CollectionPage page = Graph::CollectionPage::fromJson(json);
    QVERIFY(page.value.isEmpty());
    QVERIFY(page.nextLink.isEmpty());
    QVERIFY(!json.isEmpty());
}

void TestGraphTypes::retryAfter_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<double>("seconds");
    QTest::newRow("documented fraction") << QByteArray("2.128") << 2.128;
    QTest::newRow("integer") << QByteArray("10") << 10.0;
    QTest::newRow("spaces") << QByteArray(" 1.5 ") << 1.5;
    QTest::newRow("absent") << QByteArray() << -1.0;
    QTest::newRow("negative") << QByteArray("-3") << -1.0;
    QTest::newRow("http date is not seconds") << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT") << -1.0;
}

void TestGraphTypes::retryAfter()
{
    QFETCH(QByteArray, header);
    QFETCH(double, seconds);
    QCOMPARE(Graph::parseRetryAfter(header), seconds);
}

void TestGraphTypes::filterEqualsEncodesTheValue()
{
    // A Base64 immutable id: '+', '/' and '=' must reach Graph as themselves; a '+' left raw would be a space.
    const QString filter =
        M365::Graph::filterEquals(QStringLiteral("onPremisesImmutableId"), QStringLiteral("ab+c/d=="));
    QVERIFY(filter.startsWith(QLatin1String("$filter=")));
    QVERIFY2(!filter.mid(8).contains(QLatin1Char('+')), qPrintable(filter));
    QVERIFY2(filter.contains(QLatin1String("%2B")), qPrintable(filter));
    QCOMPARE(QUrl::fromPercentEncoding(filter.mid(8).toLatin1()),
             QStringLiteral("onPremisesImmutableId eq 'ab+c/d=='"));
    // A quote in the value is doubled, as OData literals want it.
    QCOMPARE(QUrl::fromPercentEncoding(
                 M365::Graph::filterEquals(QStringLiteral("displayName"), QStringLiteral("O'Neil")).mid(8).toLatin1()),
             QStringLiteral("displayName eq 'O''Neil'"));
}

QTEST_GUILESS_MAIN(TestGraphTypes)
#include "tst_graphtypes.moc"
