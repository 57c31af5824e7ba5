// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The Connections overview (issue 15): every profile with its last run, result, pending changes and deletions,
// certificate and next run, read from the profile files and their state stores as a scheduled CLI run leaves them.
// Two connections, one failing; screenshots in English and German (<build>/screenshots/connections-*.png).

#include "connectionsoverview.h"
#include "profile/profilestore.h"
#include "sync/statestore.h"
#include "sync/syncsettings.h"
#include "translations.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace M365;
using namespace M365::Ui;

namespace {

Profile::Profile profileFor(const QString &name, const QString &tenant, bool certificate, bool scheduled)
{
    Profile::Profile profile;
    profile.name = name;
    profile.endpoints = Identity::CloudEndpoints::forCloud(Identity::Cloud::Global);
    profile.tenant = tenant;
    profile.clientId = QStringLiteral("00001111-aaaa-2222-bbbb-3333cccc4444");
    profile.credentialKind = certificate ? Profile::CredentialKind::Certificate : Profile::CredentialKind::ClientSecret;
    if (certificate) {
        profile.certificate.thumbprintSha1 = QStringLiteral("0123456789ABCDEF0123456789ABCDEF01234567");
        profile.certificate.notAfter = QDateTime::currentDateTimeUtc().addDays(300);
    }
    Sync::SyncSettings settings;
    settings.schedule.enabled = scheduled;
    profile.sync = settings.toJson();
    return profile;
}

} // namespace

class TestConnectionsOverview : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    ConnectionsOverview::Options m_options;

    void shot(QWidget *widget, const QString &name)
    {
        QDir().mkpath(QStringLiteral(M365_BINARY_DIR "/screenshots"));
        QVERIFY(widget->grab().save(QStringLiteral(M365_BINARY_DIR "/screenshots/") + name + QStringLiteral(".png")));
    }

    /// A state store as runs leave it: @p outcome of the last attempt @p hoursAgo, and the last plan.
    void recordRun(const QString &profile, const QString &outcome, const QString &message, int pending, int deletions)
    {
        Sync::StateStore store;
        QDir().mkpath(m_options.stateDirectory);
        QVERIFY(store.open(Sync::StateStore::pathForProfile(profile, m_options.stateDirectory)).ok());
        const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-2 * 3600);
        QVERIFY(store.recordAttempt(Sync::AttemptRecord{at, outcome, message, 0}).ok());
        QVERIFY(store.recordPlan(Sync::PlanRecord{at, pending, deletions}).ok());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_options.profileDirectory = m_dir.filePath(QStringLiteral("profiles"));
        m_options.stateDirectory = m_dir.filePath(QStringLiteral("state"));
        const Profile::ProfileStore profiles(m_options.profileDirectory);
        QVERIFY(profiles.save(
            profileFor(QStringLiteral("contoso"), QStringLiteral("contoso.onmicrosoft.com"), true, true)));
        QVERIFY(profiles.save(
            profileFor(QStringLiteral("fabrikam"), QStringLiteral("fabrikam.onmicrosoft.com"), false, true)));
        Profile::Profile draft =
            profileFor(QStringLiteral("unfinished"), QStringLiteral("x.onmicrosoft.com"), false, false);
        draft.draft = Profile::DraftState{};
        QVERIFY(profiles.save(draft));
        recordRun(QStringLiteral("contoso"), QStringLiteral("done"), {}, 0, 0);
        recordRun(QStringLiteral("fabrikam"),
                  QStringLiteral("guard-stopped"),
                  QStringLiteral("The plan would disable, delete or remove 80 objects, more than the 12 allowed."),
                  120,
                  80);
    }

    /// Both connections, each with its own health; the draft is no connection and is not listed.
    void listsEveryConnectionWithItsHealth()
    {
        ConnectionsOverview overview(m_options);
        overview.resize(1100, 360);
        overview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&overview));
        ConnectionsModel *model = overview.model();
        QCOMPARE(model->rowCount(), 2);

        const ConnectionRow &ok = model->rows().at(model->rowOf(QStringLiteral("contoso")));
        QCOMPARE(ok.health, ConnectionRow::Health::Ok);
        QCOMPARE(ok.tenant, QStringLiteral("contoso.onmicrosoft.com"));
        QVERIFY(ok.hasCertificate);
        QVERIFY2(ok.certificateDays >= 299 && ok.certificateDays <= 300,
                 qPrintable(QString::number(ok.certificateDays)));
        QCOMPARE(ok.pending, 0);
        QVERIFY(ok.nextRun.isValid());
        // "2 hours ago" (plural forms come from the translation; the untranslated source says "hour(s)").
        const QString age =
            model->data(model->index(model->rowOf(QStringLiteral("contoso")), ConnectionsModel::LastRun)).toString();
        QVERIFY2(age.startsWith(QStringLiteral("2 hour")) && age.endsWith(QStringLiteral(" ago")), qPrintable(age));

        const int failingRow = model->rowOf(QStringLiteral("fabrikam"));
        const ConnectionRow &failing = model->rows().at(failingRow);
        QCOMPARE(failing.health, ConnectionRow::Health::Critical);
        QCOMPARE(failing.result, QStringLiteral("Stopped by the deletion guard"));
        QCOMPARE(failing.pending, 120);
        QCOMPARE(failing.deletions, 80);
        QVERIFY(!failing.hasCertificate);
        QVERIFY2(failing.healthText.startsWith(QStringLiteral("M365SYNC CRITICAL - fabrikam")),
                 qPrintable(failing.healthText));
        QCOMPARE(model->data(model->index(failingRow, ConnectionsModel::Certificate)).toString(),
                 QStringLiteral("client secret"));
        QCOMPARE(model->data(model->index(failingRow, ConnectionsModel::Name), ConnectionsModel::HealthRole).toInt(),
                 int(ConnectionRow::Health::Critical));

        auto *summary = overview.findChild<QLabel *>(QStringLiteral("connectionsSummary"));
        QVERIFY(summary);
        QCOMPARE(summary->text(),
                 QStringLiteral("1 of 2 connections need attention: 1 failing, 0 with warnings. Hover over a row to "
                                "see why; open it to see its history."));
        shot(&overview, QStringLiteral("connections-overview"));

        // Opening a row asks for its dashboard; Edit connection… for the wizard's pages.
        QSignalSpy open(&overview, &ConnectionsOverview::openRequested);
        QSignalSpy edit(&overview, &ConnectionsOverview::editRequested);
        auto *view = overview.findChild<QTreeView *>(QStringLiteral("connectionsView"));
        view->setCurrentIndex(model->index(failingRow, 0));
        QTest::mouseClick(overview.findChild<QPushButton *>(QStringLiteral("overviewOpenButton")), Qt::LeftButton);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.first().first().toString(), QStringLiteral("fabrikam"));
        QTest::mouseClick(overview.findChild<QPushButton *>(QStringLiteral("overviewEditButton")), Qt::LeftButton);
        QCOMPARE(edit.count(), 1);
        QCOMPARE(edit.first().first().toString(), QStringLiteral("fabrikam"));
    }

    /// A scheduled run fixed it: Refresh shows it, and the selection stays on the connection.
    void refreshFollowsTheStateStores()
    {
        ConnectionsOverview overview(m_options);
        auto *view = overview.findChild<QTreeView *>(QStringLiteral("connectionsView"));
        view->setCurrentIndex(overview.model()->index(overview.model()->rowOf(QStringLiteral("fabrikam")), 0));
        recordRun(QStringLiteral("fabrikam"), QStringLiteral("done"), {}, 0, 0);
        QTest::mouseClick(overview.findChild<QPushButton *>(QStringLiteral("overviewRefreshButton")), Qt::LeftButton);
        const ConnectionsModel *model = overview.model();
        QCOMPARE(model->rows().at(model->rowOf(QStringLiteral("fabrikam"))).health, ConnectionRow::Health::Ok);
        QCOMPARE(view->currentIndex().data(ConnectionsModel::NameRole).toString(), QStringLiteral("fabrikam"));
        const QString summary = overview.findChild<QLabel *>(QStringLiteral("connectionsSummary"))->text();
        QVERIFY2(summary.startsWith(QStringLiteral("All 2 connection")), qPrintable(summary));
        // Failing again, for the German screenshot.
        recordRun(QStringLiteral("fabrikam"),
                  QStringLiteral("guard-stopped"),
                  QStringLiteral("The plan would disable, delete or remove 80 objects, more than the 12 allowed."),
                  120,
                  80);
    }

    /// The same in German.
    void inGerman()
    {
        QVERIFY(Ui::installTranslations(QLocale(QLocale::German, QLocale::Germany), QStringLiteral(M365_QM_DIR)));
        ConnectionsOverview overview(m_options);
        overview.resize(1100, 360);
        overview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&overview));
        const ConnectionsModel *model = overview.model();
        QCOMPARE(model->headerData(ConnectionsModel::LastRun, Qt::Horizontal).toString(),
                 QStringLiteral("Letzter Lauf"));
        QCOMPARE(model->rows().at(model->rowOf(QStringLiteral("fabrikam"))).result,
                 QStringLiteral("Vom Löschschutz angehalten"));
        shot(&overview, QStringLiteral("de-connections-overview"));
    }
};

QTEST_MAIN(TestConnectionsOverview)
#include "tst_connectionsoverview.moc"
