// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "initialpasswords.h"

#include "directory/csvparser.h"

#include <QDir>
#include <QRandomGenerator>

#include <algorithm>

namespace M365::Sync {

QString generateInitialPassword()
{
    // No look-alikes (0/O, 1/l/I) since people type these from a sheet.
    static const QLatin1String upper("ABCDEFGHJKLMNPQRSTUVWXYZ");
    static const QLatin1String lower("abcdefghijkmnopqrstuvwxyz");
    static const QLatin1String digits("23456789");
    static const QLatin1String symbols("!#$%&*+-=?@_");
    const QLatin1String kinds[] = {upper, lower, digits, symbols};
    QRandomGenerator *random = QRandomGenerator::system();
    const auto pick = [random](QLatin1String set) {
        return QChar(set.at(int(random->bounded(quint32(set.size())))));
    };
    QString password;
    for (const QLatin1String &kind : kinds) {
        password.append(pick(kind));
    }
    const QString all = upper + lower + digits + symbols;
    while (password.size() < 20) {
        password.append(all.at(int(random->bounded(quint32(all.size())))));
    }
    // Fisher–Yates, so the guaranteed characters are not always first.
    for (qsizetype i = password.size() - 1; i > 0; --i) {
        std::swap(password[i], password[qsizetype(random->bounded(quint32(i + 1)))]);
    }
    return password;
}

Result<bool> PasswordSheet::open(const QString &path)
{
    m_file.setFileName(path);
    const bool fresh = !m_file.exists() || m_file.size() == 0;
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)
        || !m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        const QString details = m_file.errorString();
        m_file.close();
        return Result<bool>::failure(Error{QStringLiteral("sync.passwords"),
                                           tr("The password file %1 cannot be written (%2). Choose a file in a "
                                              "folder you can write to; nothing was changed in the tenant.")
                                               .arg(QDir::toNativeSeparators(path), details),
                                           {},
                                           {}});
    }
    if (fresh) {
        m_file.write("userPrincipalName,displayName,password\n");
        m_file.flush();
    }
    return Result<bool>::success(true);
}

Result<bool> PasswordSheet::add(const QString &userPrincipalName, const QString &displayName, const QString &password)
{
    const QString line = Directory::csvField(userPrincipalName) + QLatin1Char(',') + Directory::csvField(displayName)
        + QLatin1Char(',') + Directory::csvField(password) + QLatin1Char('\n');
    if (m_file.write(line.toUtf8()) < 0 || !m_file.flush()) {
        return Result<bool>::failure(Error{QStringLiteral("sync.passwords"),
                                           tr("Writing to the password file %1 failed (%2).")
                                               .arg(QDir::toNativeSeparators(m_file.fileName()), m_file.errorString()),
                                           {},
                                           {}});
    }
    return Result<bool>::success(true);
}

} // namespace M365::Sync
