// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "demotenant.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace M365::Sandbox {

namespace {

/// Deletes what the demo keeps (see openDemoTenant()), holding the place's lock while it does.
bool resetDemo(const QString &dataDirectory, QString *errorMessage)
{
    const QString path = TenantPlace::normalizedPath(demoTenantPath(dataDirectory));
    if (TenantPlace::isOpen(path)) {
        if (errorMessage) {
            *errorMessage = QCoreApplication::translate(
                                "M365::Sandbox::TenantPlace",
                                "The sandbox tenant %1 is in use by this program and cannot be reset now. Close "
                                "what uses it, then reset it again.")
                                .arg(QDir::toNativeSeparators(path));
        }
        return false;
    }
    const std::unique_ptr<QLockFile> lock = TenantPlace::lockState(path, errorMessage);
    if (!lock) {
        return false;
    }
    const QFileInfoList entries =
        QDir(QFileInfo(path).absolutePath())
            .entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QFileInfo &entry : entries) {
        if (entry.absoluteFilePath() == QFileInfo(lock->fileName()).absoluteFilePath()) {
            continue; // released (and removed) when the reset is done
        }
        const bool removed = entry.isDir() && !entry.isSymLink() ? QDir(entry.absoluteFilePath()).removeRecursively()
                                                                 : QFile::remove(entry.absoluteFilePath());
        if (!removed) {
            if (errorMessage) {
                *errorMessage = QCoreApplication::translate(
                                    "M365::Sandbox::TenantPlace",
                                    "%1 could not be deleted. Check that it is writable by the user m365sync "
                                    "runs as, then reset the sandbox tenant again.")
                                    .arg(QDir::toNativeSeparators(entry.absoluteFilePath()));
            }
            return false;
        }
    }
    QDir(dataDirectory + QStringLiteral("/sample")).removeRecursively();
    return true;
}

} // namespace

QString demoTenantPath(const QString &dataDirectory)
{
    return dataDirectory + QStringLiteral("/sandbox/tenant.json");
}

std::shared_ptr<TenantPlace> openDemoTenant(const QString &dataDirectory, QString *errorMessage, bool reset)
{
    if (reset && !resetDemo(dataDirectory, errorMessage)) {
        return {};
    }
    return TenantPlace::open(demoTenantPath(dataDirectory), errorMessage);
}

QString sampleDirectoryPath(const QString &dataDirectory, QString *errorMessage)
{
    const QString directory = dataDirectory + QStringLiteral("/sample");
    const QString path = directory + QStringLiteral("/directory.ldif");
    if (!QFile::exists(path)) {
        QDir().mkpath(directory);
        if (!QFile::copy(QStringLiteral(":/m365sync/sample/directory.ldif"), path)) {
            if (errorMessage) {
                *errorMessage = QStringLiteral("The sample directory could not be written to %1.")
                                    .arg(QDir::toNativeSeparators(path));
            }
            return {};
        }
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return path;
}

QString describeTenant(SandboxServer *server)
{
    const TenantState &state = server->tenant()->state();
    const auto count = [](qsizetype n, const char *one, const char *many) {
        return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
    };
    return QStringLiteral("Connected to the sandbox tenant \"%1\" (tenant ID %2) at %3/v1.0: %4, %5, %6 (%7 verified).")
        .arg(state.organization.value(QLatin1String("displayName")).toString(),
             state.tenantId,
             server->baseUrl(),
             count(state.users.size(), "user", "users"),
             count(state.groups.size(), "group", "groups"),
             count(state.domains.size(), "domain", "domains"))
        .arg(state.verifiedDomainNames().size());
}

} // namespace M365::Sandbox
