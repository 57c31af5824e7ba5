// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "graph/tenantcheck.h"
#include "pagecontroller.h"

#include <QPointer>

class QDnsLookup;
class QLabel;
class QNetworkReply;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace M365::Ui {

/*
 * Domain: the tenant's domains with their verification state; the admin picks the one user names end in. For an
 * unverified domain the page shows the TXT record to publish, looks it up (the system resolver, or the sandbox's
 * published records in sandbox mode) and asks Microsoft to verify it. Only a verified domain can be chosen; the
 * initial onmicrosoft.com domain always is, with a warning that user names will end in it. A domain the tenant does
 * not know yet can be added (POST /domains, Domain.ReadWrite.All); it joins the list unverified, with its TXT record.
 *
 * In sandbox mode the admin has no DNS host to go to: the page publishes the record in the sandbox tenant's DNS
 * (its admin API, POST /_sandbox/dns), which is where the sandbox's verification looks (issue 13).
 */
class DomainPageController : public PageController
{
    Q_OBJECT

public:
    using PageController::PageController;

    /// Reads the domains from the tenant check and picks the default one.
    void load();
    const QList<Graph::TenantReport::Domain> &domains() const { return m_domains; }
    QString selectedName() const { return m_selected; }
    void select(const QString &name);
    /// The selected domain, or nullptr.
    const Graph::TenantReport::Domain *selected() const;
    /// True when the selected domain is the initial *.onmicrosoft.com one (allowed, with a warning).
    bool selectedIsInitial() const;

    /// Looks up the TXT record of the selected domain; the answer is in dnsStatus().
    void checkDns();
    /// Asks Microsoft to verify the selected domain (POST /domains/{id}/verify).
    void verify();
    QString dnsStatus() const { return m_dnsStatus; }
    bool isDnsFound() const { return m_dnsFound; }

    /// True in sandbox mode for an unverified domain with a TXT record: publishInSandbox() can publish it.
    bool canPublishInSandbox() const;
    /// Publishes the selected domain's TXT record in the sandbox tenant's DNS, as the admin of a real domain does at
    /// the DNS host; dnsStatus() then says that Verify can be chosen. Does nothing outside sandbox mode.
    void publishInSandbox();

    /// A name such as example.com (at least two labels, letters, digits and hyphens).
    static bool isValidDomainName(const QString &name);
    /// Adds @p name to the tenant and reads its TXT record; the new domain is then listed and selected.
    void addDomain(const QString &name);

Q_SIGNALS:
    /// The tenant accepted a new domain (the page clears its field).
    void domainAdded(const QString &name);

public:
    bool isInputComplete() const override;
    void validate() override;

private:
    void onTxtRecords(const QStringList &records);
    void onDomainCreated(const Graph::TenantReport::Domain &domain);

    QList<Graph::TenantReport::Domain> m_domains;
    QString m_selected;
    QString m_dnsStatus;
    bool m_dnsFound = false;
    QPointer<QDnsLookup> m_lookup;
    QPointer<QNetworkReply> m_publish;
};

class DomainPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit DomainPage(DomainPageController *controller, QWidget *parent = nullptr);
    void initializePage() override;

protected:
    void refresh() override;

private:
    DomainPageController *m_controller;
    QTreeWidget *m_domains;
    QWidget *m_txtBox;
    QLabel *m_txtHint;
    QLabel *m_txtRecord;
    QPushButton *m_copyTxt;
    QPushButton *m_publishTxt;
    QPushButton *m_checkDns;
    QPushButton *m_verify;
    QLabel *m_dnsStatus;
    QLabel *m_warning;
    QLineEdit *m_newDomain;
    QPushButton *m_addDomain;
    bool m_filling = false;
};

} // namespace M365::Ui
