// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directoryentry.h"

#include "directorylog.h"

#include <QDate>
#include <QSet>
#include <QStringDecoder>

namespace M365::Directory {

Q_LOGGING_CATEGORY(lcDirectory, "m365.core.directory")

QStringList DirectoryEntry::values(const QString &name) const
{
    return attributes.value(name.toLower());
}

QString DirectoryEntry::value(const QString &name) const
{
    const auto it = attributes.constFind(name.toLower());
    if (it == attributes.constEnd() || it->isEmpty()) {
        return {};
    }
    return it->first();
}

QList<QByteArray> DirectoryEntry::binaryValues(const QString &name) const
{
    const QString key = name.toLower();
    QList<QByteArray> out = binaryAttributes.value(key);
    for (const QString &text : attributes.value(key)) {
        out.append(text.toUtf8());
    }
    return out;
}

bool DirectoryEntry::hasAttribute(const QString &name) const
{
    const QString key = name.toLower();
    return attributes.contains(key) || binaryAttributes.contains(key);
}

void DirectoryEntry::addValue(const QString &name, const QString &value)
{
    attributes[name.toLower()].append(value);
}

void DirectoryEntry::addBinaryValue(const QString &name, const QByteArray &value)
{
    binaryAttributes[name.toLower()].append(value);
}

bool DirectoryEntry::hasObjectClass(const QString &objectClass) const
{
    const QStringList classes = attributes.value(QStringLiteral("objectclass"));
    for (const QString &c : classes) {
        if (c.compare(objectClass, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

QString EntryProblem::toString() const
{
    if (line > 0 && !dn.isEmpty()) {
        return QStringLiteral("line %1 (%2): %3").arg(line).arg(dn, reason);
    }
    if (line > 0) {
        return QStringLiteral("line %1: %2").arg(line).arg(reason);
    }
    return QStringLiteral("%1: %2").arg(dn, reason);
}

EntryKind EntryRules::classify(const DirectoryEntry &entry) const
{
    if (!entry.attributes.contains(QStringLiteral("objectclass"))) {
        return kindWithoutObjectClass;
    }
    // Groups first: an AD group and an AD user both have objectClass "top", and some schemas
    // let a group carry person-like auxiliaries; the group class is the more specific fact.
    for (const QString &c : groupObjectClasses) {
        if (entry.hasObjectClass(c)) {
            return EntryKind::Group;
        }
    }
    if (entry.hasObjectClass(QStringLiteral("computer"))) {
        return EntryKind::Other; // AD computers are objectClass=user too
    }
    for (const QString &c : userObjectClasses) {
        if (entry.hasObjectClass(c)) {
            return EntryKind::User;
        }
    }
    return EntryKind::Other;
}

bool EntryRules::assignAnchor(DirectoryEntry &entry) const
{
    for (const QString &candidate : anchorAttributes) {
        const QString key = candidate.toLower();
        const QList<QByteArray> binary = entry.binaryAttributes.value(key);
        if (!binary.isEmpty()) {
            entry.anchor = QString::fromLatin1(binary.first().toBase64());
            entry.anchorAttribute = key;
            return true;
        }
        const QString text = entry.value(key);
        if (!text.isEmpty()) {
            entry.anchor = text;
            entry.anchorAttribute = key;
            return true;
        }
    }
    return false;
}

bool isBinaryAttribute(const QString &lowerCaseName)
{
    static const QSet<QString> names{
        QStringLiteral("objectguid"),
        QStringLiteral("objectsid"),
        QStringLiteral("ms-ds-consistencyguid"),
        QStringLiteral("msexchmailboxguid"),
        QStringLiteral("msexchmasteraccountsid"),
        QStringLiteral("sidhistory"),
        QStringLiteral("tokengroups"),
        QStringLiteral("jpegphoto"),
        QStringLiteral("thumbnailphoto"),
        QStringLiteral("photo"),
        QStringLiteral("audio"),
        QStringLiteral("usercertificate"),
        QStringLiteral("cacertificate"),
        QStringLiteral("usersmimecertificate"),
        QStringLiteral("userpkcs12"),
        QStringLiteral("userpassword"),
        QStringLiteral("unicodepwd"),
    };
    return names.contains(lowerCaseName) || lowerCaseName.endsWith(QLatin1String(";binary"));
}

QString uuidToString(const QByteArray &bytes)
{
    if (bytes.size() != 16) {
        return QString::fromLatin1(bytes.toHex());
    }
    const QByteArray hex = bytes.toHex();
    return QString::fromLatin1(hex.left(8) + '-' + hex.mid(8, 4) + '-' + hex.mid(12, 4) + '-' + hex.mid(16, 4) + '-'
                               + hex.mid(20));
}

void detectDisabled(DirectoryEntry &entry)
{
    // Names are given in lower case: value() then needs no case folding (this runs per entry).
    bool disabled = false;
    const QString uac = entry.value(QStringLiteral("useraccountcontrol"));
    if (!uac.isEmpty()) {
        // ADS_UF_ACCOUNTDISABLE
        disabled = (uac.toLongLong() & 0x2) != 0;
    }
    const QString nsLock = entry.value(QStringLiteral("nsaccountlock"));
    if (nsLock.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0) {
        disabled = true;
    }
    if (entry.value(QStringLiteral("logindisabled")).compare(QLatin1String("true"), Qt::CaseInsensitive) == 0) {
        disabled = true;
    }
    if (entry.hasAttribute(QStringLiteral("pwdaccountlockedtime"))) {
        disabled = true;
    }
    const QString shadowExpire = entry.value(QStringLiteral("shadowexpire"));
    if (!shadowExpire.isEmpty()) {
        bool ok = false;
        const qint64 days = shadowExpire.toLongLong(&ok);
        // shadowExpire counts days since 1970-01-01; -1 means "never".
        const qint64 today = QDate(1970, 1, 1).daysTo(QDate::currentDate());
        if (ok && days >= 0 && days <= today) {
            disabled = true;
        }
    }
    entry.disabled = disabled;
}

bool decodeUtf8(const QByteArray &bytes, QString *out)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError()) {
        return false;
    }
    *out = std::move(text);
    return true;
}

} // namespace M365::Directory
