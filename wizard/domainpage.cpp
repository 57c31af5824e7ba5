// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "domainpage.h"

#include "errorbanner.h"
#include "graph/graphclient.h"
#include "profile/connection.h"
#include "sandboxserver.h"
#include "tenantstate.h"
#include "wizardcontext.h"

#include <QApplication>
#include <QClipboard>
#include <QDnsLookup>
#include <QFile>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace M365::Ui {

void DomainPageController::load()
{
    m_domains = context()->report.domains;
    m_dnsStatus.clear();
    m_dnsFound = false;
    const bool known = std::any_of(m_domains.cbegin(), m_domains.cend(), [this](const auto &d) {
        return d.name == m_selected;
    });
    if (!known) {
        m_selected.clear();
        if (!context()->upnDomain.isEmpty()) {
            m_selected = context()->upnDomain;
        }
        for (const auto &domain : std::as_const(m_domains)) {
            if (m_selected.isEmpty() && domain.isDefault) {
                m_selected = domain.name;
            }
        }
        if (m_selected.isEmpty() && !m_domains.isEmpty()) {
            m_selected = m_domains.constFirst().name;
        }
    }
    Q_EMIT changed();
}

void DomainPageController::select(const QString &name)
{
    if (m_selected != name) {
        m_selected = name;
        m_dnsStatus.clear();
        m_dnsFound = false;
        clearError();
        invalidate();
        Q_EMIT changed();
    }
}

const Graph::TenantReport::Domain *DomainPageController::selected() const
{
    for (const auto &domain : m_domains) {
        if (domain.name == m_selected) {
            return &domain;
        }
    }
    return nullptr;
}

bool DomainPageController::selectedIsInitial() const
{
    const auto *domain = selected();
    return domain && (domain->isInitial || domain->name.endsWith(QLatin1String(".onmicrosoft.com")));
}

void DomainPageController::checkDns()
{
    const auto *domain = selected();
    if (!domain || domain->verified) {
        return;
    }
    clearError();
    m_dnsStatus = tr("Looking up the TXT records of %1…").arg(domain->name);
    if (context()->isSandbox() && context()->sandboxServer()) {
        // The sandbox's "DNS" is the records published through its admin API; it runs in this process.
        const auto &published = context()->sandboxServer()->tenant()->state().publishedTxtRecords;
        onTxtRecords(published.value(domain->name.toLower()));
        return;
    }
    setBusy(true);
    auto *lookup = new QDnsLookup(QDnsLookup::TXT, domain->name, this);
    m_lookup = lookup;
    connect(lookup, &QDnsLookup::finished, this, [this, lookup] {
        lookup->deleteLater();
        setBusy(false);
        QStringList records;
        if (lookup->error() == QDnsLookup::NoError || lookup->error() == QDnsLookup::NotFoundError) {
            for (const QDnsTextRecord &record : lookup->textRecords()) {
                for (const QByteArray &value : record.values()) {
                    records.append(QString::fromUtf8(value));
                }
            }
            onTxtRecords(records);
        } else {
            m_dnsFound = false;
            m_dnsStatus.clear();
            setError(M365::Error{QStringLiteral("dns.lookup"),
                                 tr("The DNS lookup failed: %1").arg(lookup->errorString()),
                                 lookup->errorString(),
                                 {}});
        }
    });
    lookup->lookup();
    Q_EMIT changed();
}

void DomainPageController::onTxtRecords(const QStringList &records)
{
    const auto *domain = selected();
    if (!domain) {
        return;
    }
    m_dnsFound = records.contains(domain->txtRecord);
    if (m_dnsFound) {
        m_dnsStatus = tr("The TXT record is published. Choose Verify with Microsoft.");
        clearError();
    } else {
        m_dnsStatus.clear();
        setError(M365::Error{
            QStringLiteral("dns.txtMissing"),
            context()->isSandbox()
                ? tr("The TXT record %1 is not published for %2 yet. Choose Publish this record in the sandbox DNS.")
                      .arg(domain->txtRecord, domain->name)
                : tr("The TXT record %1 is not published for %2 yet. Add it at your DNS host; it can take "
                     "up to an hour before it is visible.")
                      .arg(domain->txtRecord, domain->name),
            tr("TXT records found: %1").arg(records.isEmpty() ? tr("none") : records.join(QStringLiteral(", "))),
            {}});
    }
    Q_EMIT changed();
}

bool DomainPageController::canPublishInSandbox() const
{
    const auto *domain = selected();
    return context()->isSandbox() && domain && !domain->verified && !domain->txtRecord.isEmpty();
}

void DomainPageController::publishInSandbox()
{
    if (!canPublishInSandbox() || isBusy()) {
        return;
    }
    const auto *domain = selected();
    const QString name = domain->name;
    // What the admin does at the DNS host, done here through the sandbox's admin API; its verification looks there.
    const Profile::Profile &profile = context()->profile;
    QNetworkRequest request(QUrl(profile.endpoints.authority.toString() + QStringLiteral("/_sandbox/dns")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(context()->extraCaCertificates());
    request.setSslConfiguration(ssl);
    request.setTransferTimeout(30000);
    const QJsonObject body{{QStringLiteral("domain"), name}, {QStringLiteral("txt"), domain->txtRecord}};
    clearError();
    m_dnsStatus = tr("Publishing the TXT record of %1 in the sandbox DNS…").arg(name);
    setBusy(true);
    QNetworkReply *reply = context()->nam()->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    m_publish = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, name] {
        reply->deleteLater();
        setBusy(false);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status / 100 != 2) {
            m_dnsStatus.clear();
            setError(M365::Error{
                QStringLiteral("sandbox.dns"),
                tr("The TXT record could not be published in the sandbox DNS: %1").arg(reply->errorString()),
                QString::fromUtf8(reply->readAll()),
                {}});
            return;
        }
        if (m_selected != name) {
            return; // the admin chose another domain meanwhile
        }
        m_dnsFound = true;
        m_dnsStatus = tr("The TXT record is published in the sandbox DNS. Choose Verify with Microsoft.");
        Q_EMIT changed();
    });
}

void DomainPageController::verify()
{
    const auto *domain = selected();
    Profile::Connection *connection = context()->connection();
    if (!domain || domain->verified || !connection) {
        return;
    }
    clearError();
    setBusy(true);
    const QString name = domain->name;
    auto *job = connection->graph()->send(Graph::Request::withBody(
        "POST",
        QStringLiteral("/domains/%1/verify").arg(QString::fromLatin1(QUrl::toPercentEncoding(name))),
        QJsonObject{}));
    connect(job, &M365::Job::finished, this, [this, job, name] {
        setBusy(false);
        if (job->hasError()) {
            M365::Error error = job->error();
            if (static_cast<Graph::RequestJob *>(job)->response().status == 403) {
                error.userMessage = tr("The app may not verify domains. Verify %1 in the Microsoft 365 admin center "
                                       "(Settings, Domains), or grant the app Domain.ReadWrite.All, then try again.")
                                        .arg(name);
            }
            setError(error);
            return;
        }
        for (auto &d : m_domains) {
            if (d.name == name) {
                d.verified = true;
            }
        }
        for (auto &d : context()->report.domains) {
            if (d.name == name) {
                d.verified = true;
            }
        }
        m_dnsStatus = tr("%1 is verified.").arg(name);
        Q_EMIT changed();
    });
    job->start();
}

bool DomainPageController::isValidDomainName(const QString &name)
{
    static const QRegularExpression domain(
        QStringLiteral("^(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$"));
    return domain.match(name).hasMatch();
}

void DomainPageController::addDomain(const QString &typed)
{
    const QString name = typed.trimmed().toLower();
    Profile::Connection *connection = context()->connection();
    if (isBusy() || !connection || name.isEmpty()) {
        return;
    }
    if (!isValidDomainName(name)) {
        setError(M365::Error{QStringLiteral("domain.invalidName"),
                             tr("\"%1\" is not a domain name. Enter a name such as example.com.").arg(typed.trimmed()),
                             {},
                             {}});
        return;
    }
    for (const auto &domain : std::as_const(m_domains)) {
        if (domain.name.compare(name, Qt::CaseInsensitive) == 0) {
            select(domain.name);
            Q_EMIT domainAdded(domain.name);
            return;
        }
    }
    clearError();
    setBusy(true);
    auto *job = connection->graph()->send(
        Graph::Request::withBody("POST", QStringLiteral("/domains"), QJsonObject{{QStringLiteral("id"), name}}));
    connect(job, &M365::Job::finished, this, [this, job, name] {
        const Graph::Response &response = static_cast<Graph::RequestJob *>(job)->response();
        if (job->hasError()) {
            setBusy(false);
            M365::Error error = job->error();
            if (response.status == 403) {
                error.userMessage = tr("The app may not add domains. Add %1 in the Microsoft 365 admin center "
                                       "(Settings, Domains), or grant the app Domain.ReadWrite.All, then try again.")
                                        .arg(name);
            }
            setError(error);
            return;
        }
        Graph::TenantReport::Domain domain;
        domain.name = response.json.value(QLatin1String("id")).toString(name);
        domain.verified = response.json.value(QLatin1String("isVerified")).toBool();
        domain.isDefault = response.json.value(QLatin1String("isDefault")).toBool();
        domain.isInitial = response.json.value(QLatin1String("isInitial")).toBool();
        Profile::Connection *connection = context()->connection();
        if (domain.verified || !connection) {
            onDomainCreated(domain);
            return;
        }
        // The TXT record that proves the domain is the admin's (GET /domains/{id}/verificationDnsRecords).
        auto *records = connection->graph()->send(
            Graph::Request::get(QStringLiteral("/domains/%1/verificationDnsRecords")
                                    .arg(QString::fromLatin1(QUrl::toPercentEncoding(domain.name)))));
        connect(records, &M365::Job::finished, this, [this, records, domain]() mutable {
            const Graph::Response &answer = static_cast<Graph::RequestJob *>(records)->response();
            for (const auto &value : answer.json.value(QLatin1String("value")).toArray()) {
                const QJsonObject record = value.toObject();
                if (record.value(QLatin1String("recordType")).toString() == QLatin1String("Txt")) {
                    domain.txtRecord = record.value(QLatin1String("text")).toString();
                }
            }
            onDomainCreated(domain);
            if (records->hasError()) {
                M365::Error error = records->error();
                error.userMessage =
                    tr("%1 was added, but its TXT record could not be read: %2").arg(domain.name, error.userMessage);
                setError(error);
            }
        });
        records->start();
    });
    job->start();
}

void DomainPageController::onDomainCreated(const Graph::TenantReport::Domain &domain)
{
    m_domains.append(domain);
    context()->report.domains.append(domain);
    setBusy(false);
    Q_EMIT domainAdded(domain.name);
    select(domain.name);
    Q_EMIT changed();
}

bool DomainPageController::isInputComplete() const
{
    const auto *domain = selected();
    return domain && domain->verified;
}

void DomainPageController::validate()
{
    if (!isInputComplete()) {
        finishValidation(false);
        return;
    }
    context()->upnDomain = m_selected;
    finishValidation(true);
}

DomainPage::DomainPage(DomainPageController *controller, QWidget *parent)
    : ControllerPage(controller, parent)
    , m_controller(controller)
    , m_domains(new QTreeWidget(this))
    , m_txtBox(new QWidget(this))
    , m_txtHint(new QLabel(this))
    , m_txtRecord(new QLabel(this))
    , m_copyTxt(new QPushButton(tr("Copy"), this))
    , m_publishTxt(new QPushButton(tr("Publish this record in the sandbox DNS"), this))
    , m_checkDns(new QPushButton(tr("Check DNS"), this))
    , m_verify(new QPushButton(tr("Verify with Microsoft"), this))
    , m_dnsStatus(new QLabel(this))
    , m_warning(new QLabel(this))
    , m_newDomain(new QLineEdit(this))
    , m_addDomain(new QPushButton(tr("Add domain"), this))
{
    setTitle(tr("Domain"));
    setSubTitle(tr("Choose the domain that user names (user principal names) end in. It must be verified."));
    m_domains->setObjectName(QStringLiteral("domainsList"));
    m_txtRecord->setObjectName(QStringLiteral("txtRecordLabel"));
    m_copyTxt->setObjectName(QStringLiteral("copyTxtButton"));
    m_txtHint->setObjectName(QStringLiteral("txtHintLabel"));
    m_publishTxt->setObjectName(QStringLiteral("publishTxtButton"));
    m_publishTxt->setToolTip(tr("The sandbox tenant has its own DNS: this does what you would do at the DNS host of "
                                "a real domain"));
    m_checkDns->setObjectName(QStringLiteral("checkDnsButton"));
    m_verify->setObjectName(QStringLiteral("verifyButton"));
    m_dnsStatus->setObjectName(QStringLiteral("dnsStatusLabel"));
    m_warning->setObjectName(QStringLiteral("onMicrosoftWarning"));
    m_newDomain->setObjectName(QStringLiteral("newDomainEdit"));
    m_addDomain->setObjectName(QStringLiteral("addDomainButton"));
    m_newDomain->setPlaceholderText(tr("A domain you own, e.g. example.com"));

    m_domains->setColumnCount(2);
    m_domains->setHeaderLabels({tr("Domain"), tr("State")});
    m_domains->setRootIsDecorated(false);
    m_domains->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_domains->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_domains->header()->setStretchLastSection(false);
    m_domains->setMaximumHeight(170);
    m_txtRecord->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_txtRecord->setStyleSheet(QStringLiteral("font-family: monospace;"));
    m_dnsStatus->setWordWrap(true);
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("color: #8a5a00;"));

    auto *txtLayout = new QVBoxLayout(m_txtBox);
    txtLayout->setContentsMargins(0, 0, 0, 0);
    m_txtHint->setWordWrap(true);
    auto *recordRow = new QHBoxLayout;
    recordRow->addWidget(m_txtRecord);
    recordRow->addWidget(m_copyTxt);
    recordRow->addWidget(m_publishTxt);
    recordRow->addStretch();
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_checkDns);
    actions->addWidget(m_verify);
    actions->addStretch();
    txtLayout->addWidget(m_txtHint);
    txtLayout->addLayout(recordRow);
    txtLayout->addLayout(actions);

    auto *addRow = new QHBoxLayout;
    addRow->addWidget(new QLabel(tr("Another domain:"), this));
    addRow->addWidget(m_newDomain, 1);
    addRow->addWidget(m_addDomain);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_domains);
    layout->addLayout(addRow);
    layout->addSpacing(6);
    layout->addWidget(m_txtBox);
    layout->addWidget(m_dnsStatus);
    layout->addWidget(m_warning);
    layout->addStretch();
    layout->addWidget(banner());

    connect(m_domains, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item && !m_filling) {
            m_controller->select(item->text(0));
        }
    });
    connect(m_copyTxt, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_txtRecord->text());
    });
    connect(m_checkDns, &QPushButton::clicked, controller, &DomainPageController::checkDns);
    connect(m_publishTxt, &QPushButton::clicked, controller, &DomainPageController::publishInSandbox);
    const auto add = [this] {
        m_controller->addDomain(m_newDomain->text());
    };
    connect(m_addDomain, &QPushButton::clicked, this, add);
    connect(m_newDomain, &QLineEdit::returnPressed, this, add);
    connect(m_newDomain, &QLineEdit::textChanged, this, [this] {
        m_addDomain->setEnabled(!m_controller->isBusy() && m_controller->context()->connection()
                                && !m_newDomain->text().trimmed().isEmpty());
    });
    connect(controller, &DomainPageController::domainAdded, m_newDomain, &QLineEdit::clear);
    connect(m_verify, &QPushButton::clicked, controller, &DomainPageController::verify);
}

void DomainPage::initializePage()
{
    m_controller->load();
}

void DomainPage::refresh()
{
    m_filling = true;
    m_domains->clear();
    for (const auto &domain : m_controller->domains()) {
        QString state = domain.verified ? tr("Verified") : tr("Not verified");
        if (domain.isDefault) {
            state = tr("%1, default").arg(state);
        }
        auto *item = new QTreeWidgetItem(m_domains, {domain.name, state});
        if (domain.name == m_controller->selectedName()) {
            m_domains->setCurrentItem(item);
        }
    }
    m_filling = false;
    const auto *selected = m_controller->selected();
    const bool unverified = selected && !selected->verified;
    m_txtBox->setVisible(unverified);
    m_txtRecord->setText(unverified ? selected->txtRecord : QString());
    // The sandbox's DNS is the tenant's own: m365sync publishes there. A real domain's DNS host is the admin's.
    const bool sandbox = m_controller->context()->isSandbox();
    m_txtHint->setText(sandbox ? tr("This domain is in the sandbox tenant, whose DNS m365sync can publish to. Publish "
                                    "this TXT record there, then verify:")
                               : tr("m365sync cannot publish this record for you. Sign in at your DNS host (where "
                                    "the domain's DNS records are managed, often the registrar), add a TXT record "
                                    "with the name @ (or the domain itself) and this value, then check and verify. "
                                    "New records can take up to an hour to be visible."));
    m_publishTxt->setVisible(sandbox);
    // Once published, Verify is the next step.
    m_publishTxt->setEnabled(m_controller->canPublishInSandbox() && !m_controller->isBusy()
                             && !m_controller->isDnsFound());
    m_dnsStatus->setText(m_controller->dnsStatus());
    m_dnsStatus->setVisible(!m_controller->dnsStatus().isEmpty());
    m_checkDns->setEnabled(!m_controller->isBusy());
    m_verify->setEnabled(!m_controller->isBusy() && m_controller->context()->connection());
    m_addDomain->setEnabled(!m_controller->isBusy() && m_controller->context()->connection()
                            && !m_newDomain->text().trimmed().isEmpty());
    const bool warn = selected && selected->verified && m_controller->selectedIsInitial();
    m_warning->setText(warn ? tr("Users will get user names ending in %1. You can continue, but people usually sign "
                                 "in with your own domain: verify it first to use it.")
                                  .arg(selected->name)
                            : QString());
    m_warning->setVisible(warn);
}

} // namespace M365::Ui
