// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directorybox.h"

#include "containerselection.h"
#include "containertree.h"
#include "containertreemodel.h"
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

#include <utility>

namespace M365::Ui {

namespace {

const QLatin1String UserContainersKey("userContainers");
const QLatin1String GroupContainersKey("groupContainers");

/// What decides the container tree: the directory without the scopes (chosen from the tree) and the CA file (only
/// how the server is trusted).
QJsonObject treeDirectory(QJsonObject directory)
{
    directory.remove(UserContainersKey);
    directory.remove(GroupContainersKey);
    directory.remove(QLatin1String("caFile"));
    return directory;
}

Directory::ContainerScope scopeOf(const QJsonObject &directory, QLatin1String key)
{
    return Directory::ContainerScope::fromJson(directory.value(key).toObject());
}

} // namespace

DirectoryBox::DirectoryBox(DashboardController *controller, QWidget *parent)
    : QGroupBox(tr("Directory"), parent)
    , m_controller(controller)
    , m_server(new QLabel(this))
    , m_caFile(new QLineEdit(this))
    , m_test(new QPushButton(tr("Test"), this))
    , m_result(new QLabel(this))
    , m_selection(new Models::ContainerSelection(this))
    , m_containersLabel(new QLabel(this))
    , m_tree(new ContainerTree(m_selection, this))
    , m_containersSummary(new QLabel(this))
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
    m_containersLabel->setObjectName(QStringLiteral("settingsContainersLabel"));
    m_containersLabel->setWordWrap(true);
    m_containersLabel->setVisible(false);
    m_tree->setObjectName(QStringLiteral("settingsContainerTree"));
    // Room for the fifteen or so containers right below an Active Directory domain; deeper ones are folded.
    m_tree->setMinimumHeight(m_tree->fontMetrics().height() * 17);
    m_tree->setVisible(false);
    m_containersSummary->setObjectName(QStringLiteral("settingsContainersSummaryLabel"));
    m_containersSummary->setVisible(false);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Server:"), m_server);
    form->addRow(tr("CA file:"), caRow);
    form->addRow(testRow);
    form->addRow(m_containersLabel);
    form->addRow(m_tree);
    form->addRow(m_containersSummary);

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
    connect(m_selection, &Models::ContainerSelection::edited, this, [this] {
        m_scopeEdited = true;
        Q_EMIT edited();
    });
    connect(m_selection, &Models::ContainerSelection::changed, this, &DirectoryBox::refreshContainers);
    // The bind password is known once the controller has connected.
    connect(m_controller, &DashboardController::stateChanged, this, &DirectoryBox::maybeReadContainers);
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
    if (treeDirectory(directory) != m_treeDirectory) {
        // Another server or base DN: the tree shown belongs to the old one.
        delete m_containersJob.data();
        m_selection->setContainers({});
        m_containersError.clear();
        m_treeDirectory = treeDirectory(directory);
        m_containersAsked = false;
    }
    m_scopeEdited = false;
    m_selection->setScopes(scopeOf(directory, UserContainersKey), scopeOf(directory, GroupContainersKey));
    refreshContainers();
    maybeReadContainers();
}

void DirectoryBox::showEvent(QShowEvent *event)
{
    QGroupBox::showEvent(event);
    maybeReadContainers();
}

void DirectoryBox::maybeReadContainers()
{
    // Reading the tree counts every user and group: only for an admin who looks at it, and once per directory.
    if (!isVisible() || m_containersAsked || !Sync::isLdapDirectory(m_controller->profile().directory)) {
        return;
    }
    readContainers(m_controller->profile().directory);
}

void DirectoryBox::readContainers(const QJsonObject &directory)
{
    if (m_containersJob && !m_containersJob->isFinished()) {
        m_containersJob->cancel(); // a test with another CA file succeeded: its tree is the one to show
    }
    Directory::DirectoryJob *job = m_controller->readContainers(directory);
    if (!job) {
        return; // not connected yet: asked again when the controller's state changes
    }
    m_containersAsked = true;
    m_containersJob = job;
    m_containersError.clear();
    connect(job, &Directory::DirectoryJob::finished, this, [this, job] {
        onContainersRead(job);
    });
    job->start();
    refreshContainers();
}

void DirectoryBox::onContainersRead(Directory::DirectoryJob *job)
{
    job->deleteLater();
    if (job != m_containersJob || job->wasCancelled()) {
        return;
    }
    m_containersJob = nullptr;
    if (job->hasError()) {
        m_containersError = job->errorString();
        refreshContainers();
        return;
    }
    // The check boxes keep what the admin chose; the tree shows what is there now.
    m_selection->setContainers(job->summary().containers);
}

void DirectoryBox::refreshContainers()
{
    using Kind = Models::ContainerSelection::Kind;
    const bool reading = m_containersJob && !m_containersJob->isFinished();
    const bool hasTree = !m_selection->containers().isEmpty();
    if (reading) {
        m_containersLabel->setText(tr("Reading the containers…"));
    } else if (!m_containersError.isEmpty()) {
        m_containersLabel->setText(tr("The containers could not be read: %1").arg(m_containersError));
    } else {
        m_containersLabel->setText(tr("Containers to sync (unchecking one leaves out everything below it):"));
    }
    m_containersLabel->setVisible(reading || hasTree || !m_containersError.isEmpty());
    m_tree->setVisible(hasTree);
    m_containersSummary->setVisible(hasTree);
    m_containersSummary->setText(tr("Synced: users %1, groups %2.")
                                     .arg(Models::ContainerTreeModel::countText(m_selection->inScopeTotal(Kind::Users),
                                                                                m_selection->total(Kind::Users)),
                                          Models::ContainerTreeModel::countText(m_selection->inScopeTotal(Kind::Groups),
                                                                                m_selection->total(Kind::Groups))));
}

bool DirectoryBox::isModified() const
{
    const QJsonObject directory = m_controller->profile().directory;
    using Kind = Models::ContainerSelection::Kind;
    const bool scopes = m_scopeEdited
        && (m_selection->scope(Kind::Users) != scopeOf(directory, UserContainersKey)
            || m_selection->scope(Kind::Groups) != scopeOf(directory, GroupContainersKey));
    return scopes || m_caFile->text().trimmed() != directory.value(QLatin1String("caFile")).toString();
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
    // Only the admin's choice is written: the tree's own reading of the profile's scopes may spell them otherwise.
    if (m_scopeEdited) {
        using Kind = Models::ContainerSelection::Kind;
        for (const auto &[kind, key] :
             {std::pair{Kind::Users, UserContainersKey}, std::pair{Kind::Groups, GroupContainersKey}}) {
            const Directory::ContainerScope &scope = m_selection->scope(kind);
            if (scope.isEmpty()) {
                directory.remove(key);
            } else {
                directory.insert(key, scope.toJson());
            }
        }
    }
    return directory;
}

bool DirectoryBox::apply()
{
    if (!isModified()) {
        return true;
    }
    if (!m_controller->setDirectory(editedDirectory())) {
        return false;
    }
    m_scopeEdited = false; // saved: the profile holds what the tree shows
    return true;
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
    connect(job, &Directory::DirectoryJob::finished, this, [this, done = job] {
        done->deleteLater();
        m_test->setEnabled(true);
        if (done->hasError()) {
            m_result->setText(done->error().userMessage);
            return;
        }
        const QString certificate = done->summary().serverCertificate.summaryText();
        m_result->setText(certificate.isEmpty() ? tr("Connected (without TLS).") : certificate);
        // The server can be read now (perhaps only with the edited CA file): its tree as it is now.
        readContainers(editedDirectory());
    });
    job->start();
}

} // namespace M365::Ui
