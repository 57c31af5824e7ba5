// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directoryentry.h"

#include "directorylog.h"

#include <QDate>
#include <QDateTime>
#include <QSet>
#include <QStringDecoder>

#include <iterator>
#include <limits>

namespace M365::Directory {

Q_LOGGING_CATEGORY(lcDirectory, "m365.core.directory")

namespace {

/// Room for one more element, growing by an eighth rather than doubling: most entries hold a dozen values and are
/// kept by the hundred thousand, so spare capacity costs more than the occasional extra copy.
template <typename List> void reserveOneMore(List &list, qsizetype more = 1)
{
    const qsizetype needed = list.size() + more;
    if (needed > list.capacity()) {
        list.reserve(std::max(needed, list.size() + std::max<qsizetype>(4, list.size() / 8)));
    }
}

/// QList::insert() before the end reallocates with room at the front; appending and rotating keeps it tight.
template <typename List, typename T> void insertAt(List &list, qsizetype index, const T &value)
{
    reserveOneMore(list);
    list.append(value);
    std::rotate(list.begin() + index, list.end() - 1, list.end());
}

/// The order names are kept in: by length, then by code unit. Any strict order would do for the lookups, and this one
/// decides most comparisons on the length alone (planning looks up a dozen names per user).
bool nameLess(QStringView a, QStringView b)
{
    if (a.size() != b.size()) {
        return a.size() < b.size();
    }
    return std::char_traits<char16_t>::compare(a.utf16(), b.utf16(), size_t(a.size())) < 0;
}

bool nameEquals(QStringView a, QStringView b)
{
    return a.size() == b.size() && std::char_traits<char16_t>::compare(a.utf16(), b.utf16(), size_t(a.size())) == 0;
}

} // namespace

qsizetype AttributeMap::lowerBound(QStringView name) const
{
    return std::lower_bound(m_names.cbegin(),
                            m_names.cend(),
                            name,
                            [](const QString &a, QStringView b) {
                                return nameLess(a, b);
                            })
        - m_names.cbegin();
}

qsizetype AttributeMap::indexOf(QStringView name) const
{
    const qsizetype index = lowerBound(name);
    if (index == m_names.size() || !nameEquals(m_names.at(index), name)) {
        return -1;
    }
    return index;
}

qsizetype AttributeMap::ensure(const QString &name)
{
    const qsizetype index = lowerBound(name);
    if (index == m_names.size() || !nameEquals(m_names.at(index), name)) {
        insertAt(m_ends, index, int(valuesBegin(index)));
        insertAt(m_names, index, name);
    }
    return index;
}

AttributeMap::Values AttributeMap::valuesAt(qsizetype index) const
{
    const QString *data = m_values.constData();
    return {data + valuesBegin(index), data + m_ends.at(index)};
}

AttributeMap::const_iterator AttributeMap::constFind(QStringView name) const
{
    const qsizetype index = indexOf(name);
    return index < 0 ? constEnd() : const_iterator(this, index);
}

AttributeMap::Values AttributeMap::values(QStringView name) const
{
    const qsizetype index = indexOf(name);
    return index < 0 ? Values() : valuesAt(index);
}

AttributeMap::ValuesRef AttributeMap::operator[](const QString &name)
{
    ensure(name); // as QHash::operator[] does, a lookup through [] adds the name
    return {this, name};
}

void AttributeMap::append(const QString &name, const QString &value)
{
    const qsizetype index = ensure(name);
    insertAt(m_values, m_ends.at(index), value);
    for (qsizetype i = index; i < m_ends.size(); ++i) {
        ++m_ends[i];
    }
}

void AttributeMap::append(const QString &name, const QStringList &values)
{
    const qsizetype index = ensure(name);
    const int n = int(values.size());
    if (n == 0) {
        return;
    }
    const int at = m_ends.at(index);
    reserveOneMore(m_values, n);
    m_values.append(values);
    std::rotate(m_values.begin() + at, m_values.end() - n, m_values.end());
    for (qsizetype i = index; i < m_ends.size(); ++i) {
        m_ends[i] += n;
    }
}

void AttributeMap::replace(const QString &name, const QStringList &values)
{
    remove(name);
    append(name, values);
}

bool AttributeMap::remove(QStringView name)
{
    const qsizetype index = indexOf(name);
    if (index < 0) {
        return false;
    }
    const qsizetype first = valuesBegin(index);
    const int n = int(m_ends.at(index) - first);
    m_values.remove(first, n);
    m_names.remove(index);
    m_ends.remove(index);
    for (qsizetype i = index; i < m_ends.size(); ++i) {
        m_ends[i] -= n;
    }
    return true;
}

void AttributeMap::clear()
{
    m_names.clear();
    m_ends.clear();
    m_values.clear();
}

void AttributeMap::reserve(qsizetype names, qsizetype values)
{
    m_names.reserve(names);
    m_ends.reserve(names);
    m_values.reserve(values);
}

void AttributeMap::squeeze()
{
    m_names.squeeze();
    m_ends.squeeze();
    m_values.squeeze();
}

bool AttributeMap::operator==(const AttributeMap &other) const
{
    return m_names == other.m_names && m_ends == other.m_ends && m_values == other.m_values;
}

QStringList DirectoryEntry::values(const QString &name) const
{
    return attributes.value(name.toLower());
}

QString DirectoryEntry::value(const QString &name) const
{
    const AttributeMap::Values v = attributes.values(name.toLower());
    return v.isEmpty() ? QString() : v.first();
}

QList<QByteArray> DirectoryEntry::binaryValues(const QString &name) const
{
    const QString key = name.toLower();
    QList<QByteArray> out = binaryAttributes.value(key);
    for (const QString &text : attributes.values(key)) {
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
    attributes.append(name.toLower(), value);
}

void DirectoryEntry::addBinaryValue(const QString &name, const QByteArray &value)
{
    binaryAttributes[name.toLower()].append(value);
}

bool DirectoryEntry::hasObjectClass(const QString &objectClass) const
{
    for (const QString &c : attributes.values(u"objectclass")) {
        if (c.compare(objectClass, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

QString EntryProblem::toString() const
{
    QString where = file;
    if (line > 0) {
        const QString at = QCoreApplication::translate("M365::Directory::EntryProblem", "line %1").arg(line);
        where += (where.isEmpty() ? QString() : QStringLiteral(", ")) + at;
        if (!dn.isEmpty()) {
            where += QStringLiteral(" (%1)").arg(dn);
        }
    } else if (!dn.isEmpty()) {
        where += (where.isEmpty() ? QString() : QStringLiteral(", ")) + dn;
    }
    return where.isEmpty() ? reason : where + QStringLiteral(": ") + reason;
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

namespace DirectoryError {

namespace {
/// The code strings, in the order of Code; NoError and Other have none.
constexpr const char *kCodeNames[] = {"",
                                      "invalidConfiguration",
                                      "serverUnreachable",
                                      "tlsFailed",
                                      "invalidCredentials",
                                      "noSuchBase",
                                      "invalidFilter",
                                      "timeout",
                                      "serverError",
                                      "fileNotReadable",
                                      "invalidFile",
                                      "encodingNotConfirmed"};
static_assert(std::size(kCodeNames) == Other, "a code string for every directory error code");
const QLatin1String kPrefix("directory.");
} // namespace

QString codeString(Code code)
{
    if (code <= NoError || code >= Other) {
        return {};
    }
    return kPrefix + QLatin1String(kCodeNames[code]);
}

M365::Error make(Code code, const QString &userMessage, const QString &details)
{
    Q_ASSERT(code != NoError && code != Other);
    return M365::Error{codeString(code), userMessage, details, {}};
}

Code codeOf(const M365::Error &error)
{
    if (error.isNull()) {
        return NoError;
    }
    if (error.code.startsWith(kPrefix)) {
        const QStringView name = QStringView(error.code).mid(kPrefix.size());
        for (int code = NoError + 1; code < Other; ++code) {
            if (name == QLatin1String(kCodeNames[code])) {
                return Code(code);
            }
        }
    }
    return Other;
}

} // namespace DirectoryError

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
    const QString accountExpires = entry.value(QStringLiteral("accountexpires"));
    if (!accountExpires.isEmpty()) {
        // Active Directory: 100-ns intervals since 1601-01-01 UTC; 0 and 2^63-1 mean "never". Past it, AD refuses
        // the sign-in, so the cloud account is disabled too.
        bool ok = false;
        const qint64 ticks = accountExpires.toLongLong(&ok);
        constexpr qint64 kTicksPerMs = 10000;
        constexpr qint64 kUnixEpochTicks = 116444736000000000LL; // 1970-01-01 in ticks since 1601
        if (ok && ticks > 0 && ticks != std::numeric_limits<qint64>::max()
            && (ticks - kUnixEpochTicks) / kTicksPerMs <= QDateTime::currentMSecsSinceEpoch()) {
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
