// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace M365::Directory {

/// What an entry is for the sync engine. Containers (OUs, domain objects) are `Other` and are not
/// delivered by a read; the planner only ever deals with people and groups.
enum class EntryKind { User, Group, Other };

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
    QHash<QString, QStringList> attributes;
    QHash<QString, QList<QByteArray>> binaryAttributes;

    /// All text values of `name` (case-insensitive), empty when absent.
    QStringList values(const QString &name) const;
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

    /// "line 12: reason" or "uid=x,dc=example: reason", for logs and the CLI.
    QString toString() const;
};

/**
 * Why a whole operation failed (as opposed to a single bad entry). `userMessage` says in plain
 * words what to check; `details` carries the server's diagnostic text for "Copy details".
 */
struct DirectoryError
{
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
        Cancelled,
    };
    Code code = NoError;
    QString userMessage;
    QString details;

    bool isError() const { return code != NoError; }
};

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

/// What a connection test or a count found, shown on the wizard's Directory page.
struct DirectorySummary
{
    int userCount = -1;
    int groupCount = -1;
    QString vendor;
    QStringList namingContexts;
    bool supportsPagedResults = false;
    bool supportsSyncRepl = false;
    /// The first few users, so that the admin can see the mapping on real data.
    QList<DirectoryEntry> samples;
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
