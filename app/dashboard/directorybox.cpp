// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directorybox.h"

#include "dashboardcontroller.h"
#include "directory/directoryjob.h"
#include "sync/syncsettings.h"

#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>

namespace M365::Ui {

DirectoryBox::DirectoryBox(DashboardController *controller, QWidget *parent)
    : QGroupBox(tr("Directory"), parent)
    , m_controller(controller)
    , m_server(new QLabel(this))
    , m_caFile(new QLineEdit(this))
    , m_test(new QPushButton(tr("Test"), this))
    , m_result(new QLabel(this))
{
    setObjectName(QStringLiteral("settingsDirectoryBox"));
    m_server->setObjectName(QStringLiteral("settingsDirectoryServerLabel"));
    m_server->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_caFile->setObjectName(QStringLiteral("settingsCaFileEdit"));
    m_caFile->setPlaceholderText(tr("Empty to trust the system's CAs"));
    m_caFile->setToolTip(tr("PEM file with the CA that issued the server's certificate (for Active Directory usually "
                            "the enterprise root CA)"));
    m_test->setObjectName(QStringLiteral("settingsTestDirectoryButton"));
    m_result->setObjectName(QStringLiteral("settingsDirectoryResultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *browse = new QToolButton(this);
    browse->setObjectName(QStringLiteral("settingsBrowseCaFileButton"));
    browse->setText(tr("Browse…"));

    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(browse);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_result, 1);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Server:"), m_server);
    form->addRow(tr("CA file:"), caRow);
    form->addRow(testRow);

    connect(browse, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Choose the CA file"), m_caFile->text(), tr("Certificates (*.pem *.crt *.cer)"));
        if (!path.isEmpty()) {
            m_caFile->setText(path);
            Q_EMIT edited();
        }
    });
    connect(m_caFile, &QLineEdit::textEdited, this, &DirectoryBox::edited);
    connect(m_test, &QPushButton::clicked, this, &DirectoryBox::test);
}

void DirectoryBox::load()
{
    const QJsonObject directory = m_controller->profile().directory;
    setVisible(Sync::isLdapDirectory(directory) && !directory.isEmpty());
    const QString tls = directory.value(QLatin1String("tls")).toString();
    m_server->setText(tr("%1 (%2)").arg(directory.value(QLatin1String("url")).toString(),
                                        tls == QLatin1String("none")        ? tr("no encryption")
                                            : tls == QLatin1String("ldaps") ? tr("LDAPS")
                                                                            : tr("StartTLS")));
    m_caFile->setText(directory.value(QLatin1String("caFile")).toString());
    m_result->clear();
}

bool DirectoryBox::isModified() const
{
    return m_caFile->text().trimmed() != m_controller->profile().directory.value(QLatin1String("caFile")).toString();
}

QJsonObject DirectoryBox::editedDirectory() const
{
    QJsonObject directory = m_controller->profile().directory;
    const QString caFile = m_caFile->text().trimmed();
    if (caFile.isEmpty()) {
        directory.remove(QStringLiteral("caFile"));
    } else {
        directory.insert(QStringLiteral("caFile"), caFile);
    }
    return directory;
}

bool DirectoryBox::apply()
{
    return !isModified() || m_controller->setDirectory(editedDirectory());
}

void DirectoryBox::test()
{
    if (m_job && !m_job->isFinished()) {
        return;
    }
    Directory::DirectoryJob *job = m_controller->testDirectory(editedDirectory());
    if (!job) {
        return;
    }
    m_job = job;
    m_test->setEnabled(false);
    m_result->setText(tr("Testing…"));
    connect(job, &Directory::DirectoryJob::finished, this, [this](Directory::DirectoryJob *done) {
        done->deleteLater();
        m_test->setEnabled(true);
        if (done->error().isError()) {
            m_result->setText(done->error().userMessage);
            return;
        }
        const QString certificate = done->summary().serverCertificate.summaryText();
        m_result->setText(certificate.isEmpty() ? tr("Connected (without TLS).") : certificate);
    });
    job->start();
}

} // namespace M365::Ui
