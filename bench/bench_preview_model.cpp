// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// bench_preview_model: loads a 100,000-change plan into the dashboard's preview model, shown through the filter
// proxy in a QTableView, and times the load (setPlan plus the view's first layout and paint), a text filter that
// matches about 1% of the rows and a kind filter (updates only). Targets (issue 7), release build: load under
// 300 ms, each filter under 100 ms. Runs offscreen unless QT_QPA_PLATFORM says otherwise.

#include "benchsupport.h"
#include "changeplanfiltermodel.h"
#include "changeplanmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QTableView>
#include <QTextStream>

#include <ctime>

using M365::Models::ChangePlanFilterModel;
using M365::Models::ChangePlanModel;
using M365::Sync::AttributeDiff;
using M365::Sync::Change;
using M365::Sync::ChangePlan;

namespace {

constexpr int ChangeCount = 100000;

// 100 surnames, one of them "Smith", so that searching "smith" matches 1% of the people.
QString surname(int i)
{
    static const char *const stems[] = {
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann"};
    static const char *const endings[] = {"", "berg", "mann", "feld", "bach", "horst", "dorf", "hausen", "stein"};
    const int n = i % 100;
    if (n == 42) {
        return QStringLiteral("Smith");
    }
    return QString::fromUtf8(stems[n % 10]) + QString::fromLatin1(endings[(n / 10) % 9]);
}

Change makeChange(int i)
{
    static const char *const properties[] = {
        "jobTitle", "department", "officeLocation", "mobilePhone", "city", "employeeId", "givenName", "surname"};
    const QString name = surname(i / 7);
    const QString uid = QStringLiteral("user%1").arg(i);
    Change c;
    c.anchor = QStringLiteral("%1-7ee1-5cdf-b979-3f9902b86ff5").arg(i, 8, 16, QLatin1Char('0'));
    c.sourceDn = QStringLiteral("uid=%1,ou=people,dc=example,dc=org").arg(uid);
    c.displayName = QStringLiteral("Given%1 %2").arg(i).arg(name);
    c.userPrincipalName = QStringLiteral("given%1.%2@example.org").arg(i).arg(name.toLower());
    c.cloudId = QStringLiteral("c%1-1b6e-4f0a-9d7c-5e3a2f1b0c9d").arg(i, 7, 16, QLatin1Char('0'));
    c.cloudFingerprint = QStringLiteral("fp%1").arg(i);
    const int bucket = i % 100;
    if (bucket < 10) {
        c.kind = Change::Kind::Create;
        c.cloudId.clear();
        c.cloudFingerprint.clear();
        c.diffs = {{QStringLiteral("displayName"), QJsonValue(QJsonValue::Undefined), c.displayName},
                   {QStringLiteral("userPrincipalName"), QJsonValue(QJsonValue::Undefined), c.userPrincipalName},
                   {QStringLiteral("department"), QJsonValue(QJsonValue::Undefined), QStringLiteral("Sales")}};
    } else if (bucket < 55) {
        c.kind = Change::Kind::Update;
        const int count = 2 + i % 2;
        for (int d = 0; d < count; ++d) {
            const QString property = QString::fromLatin1(properties[(i + d * 3) % 8]);
            c.diffs.append({property, QStringLiteral("old %1").arg(i), QStringLiteral("new %1").arg(i)});
        }
        c.reason = QStringLiteral("drift");
    } else if (bucket < 60) {
        c.kind = Change::Kind::Disable;
        c.diffs = {
            {QStringLiteral("accountEnabled"), true, false},
            {QStringLiteral("displayName"), c.displayName, QString(QStringLiteral("(disabled) ") + c.displayName)}};
        c.reason = QStringLiteral("left the scope");
    } else if (bucket < 62) {
        c.kind = Change::Kind::Enable;
        c.diffs = {{QStringLiteral("accountEnabled"), false, true}};
        c.reason = QStringLiteral("back in scope");
    } else if (bucket < 63) {
        c.kind = Change::Kind::Delete;
        c.reason = QStringLiteral("no longer in the directory or out of scope");
    } else if (bucket < 68) {
        c.kind = Change::Kind::Link;
        c.diffs = {{QStringLiteral("onPremisesImmutableId"), QJsonValue(QJsonValue::Null), c.anchor}};
    } else if (bucket < 70) {
        c.kind = Change::Kind::Conflict;
        c.reason = QStringLiteral("another directory user gets the same user name %1").arg(c.userPrincipalName);
    } else if (bucket < 72) {
        c.kind = Change::Kind::Invalid;
        c.cloudId.clear();
        c.reason = QStringLiteral("the user has no mail address");
    } else if (bucket < 87) {
        c.kind = Change::Kind::Update;
        c.objectType = Change::ObjectType::Membership;
        c.displayName = QStringLiteral("Team %1 %2").arg(i).arg(name);
        c.userPrincipalName.clear();
        c.sourceDn = QStringLiteral("cn=team%1,ou=groups,dc=example,dc=org").arg(i);
        c.reason = QStringLiteral("%1 to add, %2 to remove").arg(i % 5).arg(i % 3);
    } else {
        c.kind = Change::Kind::Update;
        c.objectType = Change::ObjectType::Licence;
        c.diffs = {{QStringLiteral("assignedLicenses"),
                    QJsonArray(),
                    QJsonArray{QStringLiteral("6fd2c87f-b296-42f0-b197-1e91e994b900")}}};
    }
    return c;
}

double elapsedMs(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

/// Processor time of the process: on a busy machine the wall-clock figures wander, this one much less.
double cpuMs()
{
    return double(std::clock()) * 1000.0 / CLOCKS_PER_SEC;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QTextStream out(stdout);

    ChangePlan plan;
    plan.changes.reserve(ChangeCount);
    for (int i = 0; i < ChangeCount; ++i) {
        plan.changes.append(makeChange(i));
    }
    plan.created = QDateTime::currentDateTimeUtc();

    ChangePlanModel model;
    ChangePlanFilterModel proxy;
    proxy.setSourceModel(&model);
    QTableView view;
    view.setObjectName(QStringLiteral("previewTable"));
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.verticalHeader()->setDefaultSectionSize(view.fontMetrics().height() + 6);
    view.horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view.horizontalHeader()->setStretchLastSection(true);
    view.setSelectionBehavior(QAbstractItemView::SelectRows);
    view.setModel(&proxy);
    view.resize(1280, 800);
    view.show();
    QCoreApplication::processEvents();

    QElapsedTimer timer;
    timer.start();
    double cpu = cpuMs();
    model.setPlan(plan);
    const double setPlanMs = elapsedMs(timer);
    QCoreApplication::processEvents();
    const double loadMs = elapsedMs(timer);
    out << "loaded " << proxy.rowCount() << " rows in " << loadMs << " ms (setPlan " << setPlanMs << " ms; "
        << cpuMs() - cpu << " ms processor time)\n";

    timer.restart();
    cpu = cpuMs();
    proxy.setSearchText(QStringLiteral("smith"));
    QCoreApplication::processEvents();
    const double textMs = elapsedMs(timer);
    const int textRows = proxy.rowCount();
    out << "text filter \"smith\": " << textRows << " rows in " << textMs << " ms (" << cpuMs() - cpu
        << " ms processor time)\n";

    proxy.setSearchText(QString());
    QCoreApplication::processEvents();
    timer.restart();
    cpu = cpuMs();
    proxy.setKindFilter({Change::Kind::Update});
    QCoreApplication::processEvents();
    const double kindMs = elapsedMs(timer);
    const int kindRows = proxy.rowCount();
    out << "kind filter (update): " << kindRows << " rows in " << kindMs << " ms (" << cpuMs() - cpu
        << " ms processor time)\n";

    // The live preview: a re-plan in which 1% of the changes differ, 0.1% are gone and 0.1% are new.
    proxy.setKindFilter({});
    QCoreApplication::processEvents();
    ChangePlan next = plan;
    for (int i = 0; i < ChangeCount; i += 100) {
        next.changes[i].diffs.append({QStringLiteral("companyName"), QString(), QStringLiteral("Example")});
    }
    for (int i = ChangeCount - 1000; i >= 0; i -= 1000) {
        next.changes.removeAt(i);
    }
    for (int i = 0; i < 100; ++i) {
        next.changes.insert(i * 900, makeChange(ChangeCount + i));
    }
    timer.restart();
    cpu = cpuMs();
    model.updatePlan(next);
    QCoreApplication::processEvents();
    out << "live update (1% changed, 100 removed, 100 added): " << proxy.rowCount() << " rows in " << elapsedMs(timer)
        << " ms (" << cpuMs() - cpu << " ms processor time)\n";
    out << "peak memory " << M365::Bench::peakMegabytes() << " MB\n";

    out << "RESULT rows=" << ChangeCount << " load_ms=" << QString::number(loadMs, 'f', 1)
        << " filter_text_ms=" << QString::number(textMs, 'f', 1)
        << " filter_kind_ms=" << QString::number(kindMs, 'f', 1) << "\n";
    out.flush();
    return textRows > 0 && kindRows > 0 ? 0 : 1;
}
