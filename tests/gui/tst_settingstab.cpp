// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The Settings tab's rules against what Microsoft Graph lets this app write: the capability list, and the warning a
// rule for a property that cannot be written shows next to it (kept with the rules, never sent). Over the dashboard
// fixture (dashboardfixture.h): the wizard's profile, the sandbox tenant and the sample directory.

#include "dashboardfixture.h"
#include "errorbanner.h"
#include "settingstab.h"
#include "sync/changeplan.h"
#include "sync/mappingrules.h"

#include <QAbstractItemView>
#include <QLabel>
#include <QLineEdit>
#include <QTableWidget>
#include <QToolButton>

using namespace M365;

class TestSettingsTab : public QObject, public Test::DashboardFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void capabilityListSaysWhatCanBeWritten();
    void ruleForImAddressesIsWarnedAndNotSent();

private:
    /// The row of @p table whose first column is @p text; -1 when none is.
    static int rowOf(const QTableWidget *table, const QString &text, int column = 0);
    /// Types @p text into cell (@p row, @p column) the way an admin does: edit, type, Return.
    static void typeInto(QTableWidget *table, int row, int column, const QString &text);
};

void TestSettingsTab::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    createProfile();
    QVERIFY(!QTest::currentTestFailed());
    openWindow();
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(waitForPlan({}, 60000));
    selectTab("settingsTab");
}

void TestSettingsTab::cleanupTestCase()
{
    tearDownDashboard();
}

int TestSettingsTab::rowOf(const QTableWidget *table, const QString &text, int column)
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, column) && table->item(row, column)->text() == text) {
            return row;
        }
    }
    return -1;
}

void TestSettingsTab::typeInto(QTableWidget *table, int row, int column, const QString &text)
{
    table->setCurrentCell(row, column);
    table->editItem(table->item(row, column));
    // The editor the table opened over the cell (the window need not have the focus offscreen).
    auto *editor = qobject_cast<QLineEdit *>(table->indexWidget(table->model()->index(row, column)));
    QVERIFY2(editor, "the cell opens an editor");
    editor->selectAll();
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
    // The delegate commits the editor's text from the event loop.
    QTRY_COMPARE(table->item(row, column)->text(), text);
}

void TestSettingsTab::capabilityListSaysWhatCanBeWritten()
{
    auto *list = find<QTableWidget>("capabilityList");
    QVERIFY(list);
    QVERIFY(!list->isVisible()); // folded away until asked for
    QCOMPARE(list->editTriggers(), QAbstractItemView::NoEditTriggers);
    auto *button = find<QToolButton>("capabilityListButton");
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(list->isVisible());

    // microsoft-graph-docs-contrib api-reference/v1.0/resources/user.md: imAddresses read-only, mail writable.
    const int im = rowOf(list, QStringLiteral("imAddresses"));
    QVERIFY(im >= 0);
    QCOMPARE(list->item(im, 1)->text(), QStringLiteral("No"));
    QCOMPARE(list->item(im, 2)->text(), Sync::MappingRules::notWritableReason(QStringLiteral("imAddresses")));
    QVERIFY(list->item(im, 2)->text().contains(QLatin1String("otherMails")));
    const int mail = rowOf(list, QStringLiteral("mail"));
    QVERIFY(mail >= 0);
    QCOMPARE(list->item(mail, 1)->text(), QStringLiteral("Yes"));
    QVERIFY(list->item(mail, 2)->text().isEmpty());
    for (const char *property : {"proxyAddresses", "onPremisesExtensionAttributes"}) {
        const int row = rowOf(list, QLatin1String(property));
        QVERIFY2(row >= 0, property);
        QCOMPARE(list->item(row, 1)->text(), QStringLiteral("No"));
        QVERIFY2(!list->item(row, 2)->text().isEmpty(), property);
    }
    QCOMPARE(list->rowCount(), int(Sync::MappingRules::capabilities().size()));
    // Each reason is readable in its row: wrapped to the table's width, not cut off nor spread over a screen.
    QTRY_VERIFY(list->rowHeight(im) < 4 * list->fontMetrics().height() + 12);
    shot(QStringLiteral("settings-capability-list"));

    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(!list->isVisible());
}

void TestSettingsTab::ruleForImAddressesIsWarnedAndNotSent()
{
    auto *rules = find<QTableWidget>("settingsRulesTable");
    const int before = rules->rowCount();
    auto *summary = find<QLabel>("settingsRuleWarnings");
    // The default rules write nothing Graph refuses: no warning anywhere.
    for (auto *label : rules->findChildren<QLabel *>(QStringLiteral("settingsRuleWarning"))) {
        QVERIFY2(label->toolTip().isEmpty(), qPrintable(label->toolTip()));
    }
    QVERIFY(!summary->isVisible());

    click("settingsAddRuleButton");
    QCOMPARE(rules->rowCount(), before + 1);
    const int row = before;
    typeInto(rules, row, 0, QStringLiteral("mail"));
    QVERIFY(!QTest::currentTestFailed());
    typeInto(rules, row, 1, QStringLiteral("imAddresses"));
    QVERIFY(!QTest::currentTestFailed());

    // A warning sign stands next to the rule, in the rule's own row, saying why; the sentence is above the table.
    const QString reason = Sync::MappingRules::notWritableReason(QStringLiteral("imAddresses"));
    QVERIFY(!reason.isEmpty());
    auto *warning = qobject_cast<QLabel *>(rules->cellWidget(row, 4));
    QVERIFY(warning);
    QCOMPARE(warning->objectName(), QStringLiteral("settingsRuleWarning"));
    QVERIFY2(warning->toolTip().contains(reason), qPrintable(warning->toolTip()));
    QVERIFY(!warning->pixmap().isNull());
    for (int other = 0; other < before; ++other) {
        auto *otherWarning = qobject_cast<QLabel *>(rules->cellWidget(other, 4));
        QVERIFY(otherWarning->toolTip().isEmpty() && otherWarning->pixmap().isNull());
    }
    QVERIFY(summary->isVisible());
    QVERIFY2(summary->text().contains(QStringLiteral("Rule %1 (imAddresses)").arg(row + 1)),
             qPrintable(summary->text()));
    QVERIFY(summary->text().contains(reason));
    rules->scrollToItem(rules->item(row, 0));
    shot(QStringLiteral("settings-rule-warning"));

    // Mapping the same attribute to otherMails instead, as the warning says, clears it.
    typeInto(rules, row, 1, QStringLiteral("otherMails"));
    QVERIFY(warning->toolTip().isEmpty() && warning->pixmap().isNull());
    QVERIFY(!summary->isVisible());
    typeInto(rules, row, 1, QStringLiteral("imAddresses"));
    QVERIFY(warning->toolTip().contains(reason));

    // Applied, the rule is kept (not refused, not dropped) and still shows its warning when the tab shows it again.
    const QDateTime planned = controller()->plan().created;
    click("settingsApplyButton");
    QVERIFY2(find<Ui::ErrorBanner>("settingsBanner")->text().isEmpty(),
             qPrintable(find<Ui::ErrorBanner>("settingsBanner")->text()));
    const Sync::MappingRules saved = controller()->settings().rules;
    QCOMPARE(saved.rules.size(), before + 1);
    QCOMPARE(saved.rules.last().graphProperty, QStringLiteral("imAddresses"));
    QCOMPARE(saved.warnings().size(), 1);
    find<Ui::SettingsTab>("settingsTab")->load();
    QVERIFY(qobject_cast<QLabel *>(rules->cellWidget(row, 4))->toolTip().contains(reason));
    QVERIFY(summary->text().contains(reason));

    // The plan made with it sends no imAddresses: every new user is created without one.
    QVERIFY(waitForPlan(planned, 60000));
    // The directory's mail is there to send (the default rule puts it in otherMails); imAddresses is left out.
    int creates = 0;
    int withMail = 0;
    for (const Sync::Change &change : controller()->plan().changes) {
        if (change.kind == Sync::Change::Kind::Create && change.objectType == Sync::Change::ObjectType::User) {
            ++creates;
            withMail += change.payload.contains(QLatin1String("otherMails")) ? 1 : 0;
            QVERIFY(!change.payload.contains(QLatin1String("imAddresses")));
        }
    }
    QVERIFY(creates > 0);
    QVERIFY(withMail > 0);

    // Removed again, for the tests that come after.
    rules->setCurrentCell(row, 0);
    click("settingsRemoveRuleButton");
    click("settingsApplyButton");
    QCOMPARE(controller()->settings().rules.warnings().size(), 0);
}

QTEST_MAIN(TestSettingsTab)
#include "tst_settingstab.moc"
