// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "servercertificate.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <algorithm>

namespace M365::Directory {

/// What an entry is for the sync engine. Containers (OUs, domain objects) are `Other` and are not
/// delivered by a read; the planner only ever deals with people and groups.
enum class EntryKind { User, Group, Other };

/**
 * The text attributes of one directory entry: lower-case name → values, with the lookups of a QHash.
 *
 * Stored flat (sorted names, one list of all values, and where each name's values end) rather than as a
 * QHash<QString, QStringList>, because a hash of a dozen attributes reserves storage for 48 nodes and a list per
 * attribute: about 4 KB per entry, 400 MB for the 100,000 users a planning run holds. This layout needs about a
 * third of that. Names compare exactly (DirectoryEntry folds them to lower case); iteration is in an order of its own,
 * as a QHash's was.
 */
class AttributeMap
{
public:
    /// The values of one attribute; valid until the map is changed.
    class Values
    {
    public:
        Values() = default;
        Values(const QString *begin, const QString *end)
            : m_begin(begin)
            , m_end(end)
        {}

        const QString *begin() const { return m_begin; }
        const QString *end() const { return m_end; }
        qsizetype size() const { return m_end - m_begin; }
        bool isEmpty() const { return m_begin == m_end; }
        const QString &first() const { return *m_begin; }
        const QString &at(qsizetype i) const { return m_begin[i]; }
        bool contains(const QString &value) const { return std::find(m_begin, m_end, value) != m_end; }
        QStringList toList() const { return QStringList(m_begin, m_end); }
        operator QStringList() const { return toList(); }

    private:
        const QString *m_begin = nullptr;
        const QString *m_end = nullptr;
    };

    /// Iterates attributes in name order; `*it` and `it.value()` are the values, `it.key()` the name.
    class const_iterator
    {
    public:
        struct Arrow
        {
            Values values;
            const Values *operator->() const { return &values; }
        };

        const_iterator(const AttributeMap *map, qsizetype index)
            : m_map(map)
            , m_index(index)
        {}

        const QString &key() const { return m_map->m_names.at(m_index); }
        Values value() const { return m_map->valuesAt(m_index); }
        Values operator*() const { return value(); }
        Arrow operator->() const { return {value()}; }
        const_iterator &operator++()
        {
            ++m_index;
            return *this;
        }
        bool operator==(const const_iterator &other) const { return m_index == other.m_index; }
        bool operator!=(const const_iterator &other) const { return m_index != other.m_index; }

    private:
        const AttributeMap *m_map;
        qsizetype m_index;
    };
    using iterator = const_iterator;

    /// What `map[name]` gives: assign a list or append values (the name is added, with no values, if absent).
    class ValuesRef
    {
    public:
        ValuesRef(AttributeMap *map, const QString &name)
            : m_map(map)
            , m_name(name)
        {}

        ValuesRef &operator=(const QStringList &values)
        {
            m_map->replace(m_name, values);
            return *this;
        }
        void append(const QString &value) { m_map->append(m_name, value); }
        void append(const QStringList &values) { m_map->append(m_name, values); }
        QStringList toList() const { return m_map->value(m_name); }
        operator QStringList() const { return toList(); }

    private:
        AttributeMap *m_map;
        QString m_name;
    };

    const_iterator constBegin() const { return {this, 0}; }
    const_iterator constEnd() const { return {this, m_names.size()}; }
    const_iterator begin() const { return constBegin(); }
    const_iterator end() const { return constEnd(); }
    const_iterator cbegin() const { return constBegin(); }
    const_iterator cend() const { return constEnd(); }
    const_iterator constFind(QStringView name) const;
    const_iterator find(QStringView name) const { return constFind(name); }

    qsizetype size() const { return m_names.size(); }
    qsizetype count() const { return size(); }
    bool isEmpty() const { return m_names.isEmpty(); }
    bool contains(QStringView name) const { return indexOf(name) >= 0; }
    QStringList keys() const { return m_names; }
    /// The values of `name` (empty when absent), without copying them.
    Values values(QStringView name) const;
    QStringList value(QStringView name) const { return values(name).toList(); }

    ValuesRef operator[](const QString &name);
    void append(const QString &name, const QString &value);
    void append(const QString &name, const QStringList &values);
    void replace(const QString &name, const QStringList &values);
    bool remove(QStringView name);
    void clear();
    /// Room for @p names attributes and @p values values, for a parser that knows how many an entry will have: each
    /// append then needs no allocation of the map's own (a CSV row has one value per column).
    void reserve(qsizetype names, qsizetype values);
    /// Releases the spare capacity left by appending, once an entry is complete.
    void squeeze();

    bool operator==(const AttributeMap &other) const;
    bool operator!=(const AttributeMap &other) const { return !(*this == other); }

private:
    qsizetype lowerBound(QStringView name) const;
    qsizetype indexOf(QStringView name) const;
    /// Adds `name` with no values if absent; returns its index.
    qsizetype ensure(const QString &name);
    Values valuesAt(qsizetype index) const;
    qsizetype valuesBegin(qsizetype index) const { return index == 0 ? 0 : m_ends.at(index - 1); }

    QStringList m_names; // sorted
    QList<int> m_ends; // m_values index one past the last value of each name
    QStringList m_values;
};

/**
 * One object read from a directory, whatever the source (LDAP, LDIF, CSV).
 *
 * Attribute names are kept in lower case because LDAP names are case-insensitive and the three
 * sources spell them differently (`objectclass` in ldifde output, `objectClass` in ldapsearch
 * output). Values that are text are decoded UTF-8; values that are binary (objectGUID, jpegPhoto,
 * or anything that is not valid UTF-8 and came base64-encoded) are kept byte-exact in
 * `binaryAttributes`, because a re-encoding would silently corrupt an anchor.
 */
struct DirectoryEntry
{
    QString dn;
    /// The stable identity of the object, written to `onPremisesImmutableId`: entryUUID as text,
    /// objectGUID as base64 (the form Entra Connect uses), or a configured attribute.
    QString anchor;
    /// The attribute the anchor came from (lower case), so that the planner can explain a link.
    QString anchorAttribute;
    EntryKind kind = EntryKind::Other;
    /// True when the source marks the account as disabled (AD userAccountControl bit 2,
    /// nsAccountLock, an expired shadowExpire, pwdAccountLockedTime, loginDisabled).
    bool disabled = false;
    AttributeMap attributes;
    QHash<QString, QList<QByteArray>> binaryAttributes;

    /// All text values of `name` (case-insensitive), empty when absent.
    QStringList values(const QString &name) const;
    /// The text values of `name`, which must already be lower case, without copying them.
    AttributeMap::Values valuesOf(QStringView lowerCaseName) const { return attributes.values(lowerCaseName); }
    /// The first text value of `name`, or an empty string.
    QString value(const QString &name) const;
    /// Binary values of `name`; text values are returned as their UTF-8 bytes so that callers
    /// that only need bytes do not have to know where the source put them.
    QList<QByteArray> binaryValues(const QString &name) const;
    bool hasAttribute(const QString &name) const;
    /// Adds one text value (the name is folded to lower case).
    void addValue(const QString &name, const QString &value);
    void addBinaryValue(const QString &name, const QByteArray &value);
    bool hasObjectClass(const QString &objectClass) const;
};

/**
 * A malformed record that was skipped. Reads never abort on bad input: each bad record is
 * reported with where it is (its DN, or its line number in a file) and why, and the read goes on.
 */
struct EntryProblem
{
    QString dn;
    /// 1-based line number in the file where the record starts or the error is; 0 for LDAP.
    int line = 0;
    QString reason;
    /// The file's name (without its folder) for file sources; empty for LDAP.
    QString file;

    /// "people.csv, line 12: reason" or "uid=x,dc=example: reason", for logs, the CLI and the problem list.
    QString toString() const;
};

/**
 * Why a whole directory operation failed (as opposed to a single bad entry), in a typed way.
 *
 * Directory jobs and readers report an M365::Error (STYLE.md section 5): `userMessage` says in plain words what to
 * check, `details` carries the server's diagnostic text for "Copy details", and `code` is "directory.<kind>"
 * ("directory.tlsFailed"), stable for logs and scripts. Callers that branch on the kind of failure (the wizard offers
 * to confirm the encoding, tests expect a TLS failure) read it back with codeOf() rather than comparing strings. A
 * cancelled job is not a directory failure: its error is M365::Error::cancelled() (Job::wasCancelled()).
 */
namespace DirectoryError {

enum Code {
    NoError,
    InvalidConfiguration,
    ServerUnreachable,
    TlsFailed,
    InvalidCredentials,
    NoSuchBase,
    InvalidFilter,
    Timeout,
    ServerError,
    FileNotReadable,
    InvalidFile,
    /// The file is not UTF-8 but readable as Windows-1252 once the admin confirms that encoding.
    EncodingNotConfirmed,
    /// Not a directory failure: a cancelled job (Error::isCancelled()) or another area's error.
    Other,
};

/// The error a directory operation reports for @p code.
M365::Error make(Code code, const QString &userMessage, const QString &details = QString());
/// The stable code string of @p code: "directory.tlsFailed"; empty for NoError and Other.
QString codeString(Code code);
/// The kind of a directory error; NoError for a null error, Other for one make() did not create.
Code codeOf(const M365::Error &error);

} // namespace DirectoryError

/// One change seen while watching. `Reset` means "something changed, read everything again"
/// (used by file sources and by a syncrepl session that the server asked to refresh).
struct ChangeEvent
{
    enum Kind { Added, Modified, Deleted, Reset };
    Kind kind = Modified;
    QString dn;
    QString anchor;
    /// The full entry for Added/Modified; only dn/anchor are known for Deleted.
    DirectoryEntry entry;
};

/**
 * One container of an LDAP directory (an OU, a container such as AD's CN=Users, the domain or organisation itself) with
 * how many users and groups of the configured filters lie in it, for choosing which containers to sync
 * (ContainerScope). "Directly" counts the entries whose nearest container is this one.
 */
struct DirectoryContainer
{
    QString dn;
    /// The value of the first RDN: "Staff" for OU=Staff,DC=example,DC=test.
    QString name;
    /// The index of the nearest container above in DirectorySummary::containers, -1 for the top.
    int parent = -1;
    int directUsers = 0;
    int directGroups = 0;
    int subtreeUsers = 0;
    int subtreeGroups = 0;

    friend bool operator==(const DirectoryContainer &a, const DirectoryContainer &b)
    {
        return a.dn == b.dn && a.name == b.name && a.parent == b.parent && a.directUsers == b.directUsers
            && a.directGroups == b.directGroups && a.subtreeUsers == b.subtreeUsers
            && a.subtreeGroups == b.subtreeGroups;
    }
    friend bool operator!=(const DirectoryContainer &a, const DirectoryContainer &b) { return !(a == b); }
};

/// What a connection test or a count found, shown on the wizard's Directory page.
struct DirectorySummary
{
    int userCount = -1;
    int groupCount = -1;
    QString vendor;
    QStringList namingContexts;
    bool supportsPagedResults = false;
    bool supportsSyncRepl = false;
    /// LDAP over TLS: the certificate the server presented (subject, issuer, expiry), for the admin to check.
    ServerCertificate serverCertificate;
    /// The first few users, so that the admin can see the mapping on real data.
    QList<DirectoryEntry> samples;
    /// DirectorySource::readContainers(): the container tree below the base DN, parents before their children.
    QList<DirectoryContainer> containers;
};

/**
 * How file sources (LDIF, CSV) decide what an entry is and which attribute anchors it. LDAP
 * sources know the kind from the filter that found the entry; files only have objectClass.
 */
struct EntryRules
{
    /// Tried in order; the first attribute present becomes the anchor. binary values → base64.
    QStringList anchorAttributes{QStringLiteral("entryUUID"),
                                 QStringLiteral("objectGUID"),
                                 QStringLiteral("uid"),
                                 QStringLiteral("sAMAccountName"),
                                 QStringLiteral("userPrincipalName"),
                                 QStringLiteral("mail"),
                                 QStringLiteral("cn")};
    QStringList userObjectClasses{QStringLiteral("inetOrgPerson"),
                                  QStringLiteral("organizationalPerson"),
                                  QStringLiteral("person"),
                                  QStringLiteral("user"),
                                  QStringLiteral("posixAccount")};
    QStringList groupObjectClasses{QStringLiteral("groupOfNames"),
                                   QStringLiteral("groupOfUniqueNames"),
                                   QStringLiteral("posixGroup"),
                                   QStringLiteral("group")};
    /// Used when an entry has no objectClass at all (typical for CSV): everything is a user.
    EntryKind kindWithoutObjectClass = EntryKind::User;

    EntryKind classify(const DirectoryEntry &entry) const;
    /// Sets anchor/anchorAttribute from the first candidate present; false when none is.
    bool assignAnchor(DirectoryEntry &entry) const;
};

/// Attributes whose values are binary by definition, whatever bytes they hold.
bool isBinaryAttribute(const QString &lowerCaseName);
/// The text form of a 16-byte UUID (RFC 4122), as slapd prints entryUUID.
QString uuidToString(const QByteArray &bytes);
/// Sets `entry.disabled` from the well-known lock attributes of AD, 389-DS, OpenLDAP and UCS.
void detectDisabled(DirectoryEntry &entry);
/// Decodes UTF-8; false (and `out` untouched) when the bytes are not valid UTF-8.
bool decodeUtf8(const QByteArray &bytes, QString *out);

} // namespace M365::Directory

Q_DECLARE_METATYPE(M365::Directory::DirectoryEntry)
Q_DECLARE_METATYPE(M365::Directory::EntryProblem)
Q_DECLARE_METATYPE(M365::Directory::ChangeEvent)
