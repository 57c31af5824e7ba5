// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "summarypage.h"

#include "errorbanner.h"
#include "profile/profilestore.h"
#include "profile/secretstore.h"
#include "sync/mappingrules.h"
#include "wizardcontext.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace M365::Ui {

QString SummaryPageController::profileName() const
{
    return context()->profile.name;
}

void SummaryPageController::setProfileName(const QString &name)
{
    if (context()->profile.name != name.trimmed()) {
        context()->profile.name = name.trimmed();
        invalidate();
        Q_EMIT changed();
    }
}

bool SummaryPageController::isTaken(const WizardContext *context, const QString &name)
{
    return name != context->originalName && Profile::ProfileStore(context->profileDirectory()).exists(name);
}

void SummaryPageController::suggestFreeName()
{
    if (!isNameEditable()) {
        return;
    }
    const QString base = profileName().isEmpty() ? QStringLiteral("m365") : profileName();
    QString name = base;
    for (int i = 2; isTaken(context(), name) && i < 100; ++i) {
        name = QStringLiteral("%1-%2").arg(base).arg(i);
    }
    setProfileName(name);
}

bool SummaryPageController::isNameEditable() const
{
    return context()->purpose != WizardContext::Purpose::EditConnection;
}

QString SummaryPageController::nameProblem() const
{
    const QString name = profileName();
    if (!Profile::Profile::isValidName(name)) {
        return tr("Use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'.");
    }
    if (isTaken(context(), name)) {
        return tr("A connection named \"%1\" exists already. Choose another name.").arg(name);
    }
    return {};
}

QList<QPair<QString, QString>> SummaryPageController::rows() const
{
    const Profile::Profile &profile = context()->profile;
    QList<QPair<QString, QString>> rows;
    rows.append({tr("Tenant:"),
                 context()->isSandbox()
                     ? tr("Sandbox tenant %1").arg(profile.tenant)
                     : tr("%1 (%2)").arg(profile.tenant, Identity::CloudEndpoints::name(profile.endpoints.cloud))});
    if (!context()->report.organization.isEmpty()) {
        rows.append({tr("Organization:"), context()->report.organization});
    }
    rows.append({tr("Application (client) ID:"), profile.clientId});
    if (profile.credentialKind == Profile::CredentialKind::Certificate) {
        rows.append({tr("Credential:"),
                     tr("Certificate %1, valid until %2")
                         .arg(context()->certificate.sha1ThumbprintHex(),
                              QLocale().toString(context()->certificate.notAfter().toLocalTime().date(),
                                                 QLocale::ShortFormat))});
    } else {
        rows.append({tr("Credential:"), tr("Client secret")});
    }
    rows.append({tr("Permissions:"),
                 context()->report.grantedRoles.isEmpty() ? tr("Not checked")
                                                          : context()->report.grantedRoles.join(QStringLiteral(", "))});
    rows.append({tr("User name domain:"), context()->upnDomain});
    const QJsonObject directory = profile.directory;
    const QString where = directory.value(QLatin1String("path")).toString().isEmpty()
        ? directory.value(QLatin1String("url")).toString() + QStringLiteral(" (")
            + directory.value(QLatin1String("baseDn")).toString() + QLatin1Char(')')
        : directory.value(QLatin1String("path")).toString();
    rows.append({tr("Directory:"), where});
    const QJsonObject csvMapping = directory.value(QLatin1String("mapping")).toObject();
    if (directory.value(QLatin1String("type")).toString() == QLatin1String("csv") && !csvMapping.isEmpty()) {
        const QJsonObject columns = csvMapping.value(QLatin1String("columns")).toObject();
        int used = 0;
        for (auto it = columns.constBegin(); it != columns.constEnd(); ++it) {
            used += it.value().toString().isEmpty() ? 0 : 1;
        }
        const QString key = csvMapping.value(QLatin1String("key")).toString();
        rows.append(
            {tr("CSV columns:"),
             tr("%1 of %2 used, key: %3 (%4)").arg(used).arg(columns.size()).arg(key, columns.value(key).toString())});
    }
    const Result<Sync::MappingRules> rules =
        Sync::MappingRules::fromJson(profile.sync.value(QLatin1String("rules")).toObject());
    if (profile.sync.contains(QLatin1String("rules")) && rules.ok()) {
        int counts[4] = {0, 0, 0, 0};
        for (const Sync::AttributeRule &rule : rules.value.rules) {
            ++counts[rule.mode];
        }
        rows.append({tr("User names:"),
                     QString(rules.value.upnTemplate)
                         .replace(QLatin1String("{domain}"), rules.value.domain, Qt::CaseInsensitive)});
        rows.append({tr("Attributes:"),
                     tr("%1 synchronised, %2 anonymized, %3 static, %4 never")
                         .arg(counts[Sync::AttributeRule::Sync])
                         .arg(counts[Sync::AttributeRule::Anonymize])
                         .arg(counts[Sync::AttributeRule::Static])
                         .arg(counts[Sync::AttributeRule::Never])});
        const QString location = rules.value.defaultUsageLocation;
        rows.append({tr("Usage location:"),
                     location.isEmpty() ? tr("Only from the directory's country")
                                        : tr("%1 unless the directory has a country").arg(location)});
    }
    if (profile.sync.contains(QLatin1String("scope"))) {
        const QString filter =
            profile.sync.value(QLatin1String("scope")).toObject().value(QLatin1String("filter")).toString();
        rows.append({tr("Scope:"), filter.isEmpty() ? tr("Every user in the directory") : filter});
    }
    rows.append({tr("Secrets:"), tr("Kept in the system keychain")});
    return rows;
}

bool SummaryPageController::isInputComplete() const
{
    return nameProblem().isEmpty();
}

void SummaryPageController::validate()
{
    WizardContext *ctx = context();
    if (!isInputComplete() || !ctx->secrets()) {
        finishValidation(false);
        return;
    }
    clearError();
    setBusy(true);
    ctx->applyCredentialToProfile();
    // Finish makes a complete profile, also of a draft.
    ctx->profile.draft.reset();
    const QList<QPair<QString, QByteArray>> secrets = ctx->secretsFor(ctx->profile);
    QJsonObject sync = ctx->profile.sync;
    sync.insert(QStringLiteral("upnDomain"), ctx->upnDomain);
    ctx->profile.sync = sync;
    auto *job = new SaveProfileJob(ctx->secrets(), ctx->profileDirectory(), ctx->profile, secrets, this);
    connect(job, &M365::Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->hasError()) {
            setError(job->error());
            finishValidation(false);
            return;
        }
        finishValidation(true);
    });
    job->start();
}

SummaryPage::SummaryPage(SummaryPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_name(new QLineEdit(this))
    , m_nameProblem(new QLabel(this))
    , m_summary(new QLabel(this))
{
    setTitle(tr("Summary"));
    setSubTitle(tr("Check what m365sync will use. Finish saves the connection; the secrets go to the keychain."));
    m_name->setObjectName(QStringLiteral("profileNameEdit"));
    m_nameProblem->setObjectName(QStringLiteral("profileNameProblem"));
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_nameProblem->setStyleSheet(QStringLiteral("color: #a4262c;"));
    m_nameProblem->setWordWrap(true);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto *form = new QFormLayout;
    form->addRow(tr("Connection name:"), m_name);
    form->addRow(QString(), m_nameProblem);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addSpacing(8);
    layout->addWidget(m_summary);
    layout->addStretch();
    layout->addWidget(banner());
    connect(m_name, &QLineEdit::textEdited, controller, &SummaryPageController::setProfileName);
}

void SummaryPage::initializePage()
{
    m_controller->suggestFreeName();
    m_name->setText(m_controller->profileName());
    m_name->setReadOnly(!m_controller->isNameEditable());
    m_name->setToolTip(m_controller->isNameEditable()
                           ? QString()
                           : tr("The name of a connection stays: its history and sync state are kept under it."));
    refresh();
}

void SummaryPage::refresh()
{
    QString html = QStringLiteral("<table cellspacing=\"4\">");
    const auto rows = m_controller->rows();
    for (const auto &row : rows) {
        html += QStringLiteral("<tr><td style=\"padding-right:12px\"><b>%1</b></td><td>%2</td></tr>")
                    .arg(row.first.toHtmlEscaped(), row.second.toHtmlEscaped());
    }
    html += QStringLiteral("</table>");
    m_summary->setText(html);
    const QString problem = m_controller->nameProblem();
    m_nameProblem->setText(problem);
    m_nameProblem->setVisible(!problem.isEmpty());
}

} // namespace M365::Ui
