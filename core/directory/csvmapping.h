// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "result.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace M365::Directory {

/**
 * Which CSV column becomes which directory attribute.
 *
 * HR systems and spreadsheets name their columns for people ("first_name", "Vorname", "E-Mail"), not for LDAP; the
 * mapping turns a row into the directory entry the sync rules expect. It is kept in the profile's "directory" object
 * and used by every run. A profile without one reads the file with suggest()'s mapping, so a file whose header
 * already names LDAP attributes (givenName, sn, mail) keeps working unchanged.
 */
struct CsvMapping
{
    /// The attribute that turns a column into group membership: its cell lists the user's groups.
    static QString groupsAttribute() { return QStringLiteral("memberOf"); }
    /// Characters that separate the groups in one cell; spreadsheets use any of them.
    static QString groupSeparators() { return QStringLiteral("|;,"); }

    /// Header (trimmed, as in the file) → attribute; an empty attribute ignores the column. Columns the mapping does
    /// not name are ignored too.
    QHash<QString, QString> columns;
    /// The column whose value anchors the user (written to onPremisesImmutableId); it must be set on every row and
    /// unique. Empty: the first anchor attribute of the directory's rules that a row has.
    QString keyColumn;
    /// Columns a row must have a value in; a row without is reported and skipped.
    QStringList requiredColumns;

    bool isEmpty() const { return columns.isEmpty(); }
    /// The attribute a header maps to; empty when ignored.
    QString attributeFor(const QString &header) const { return columns.value(header.trimmed()); }

    QJsonObject toJson() const;
    /// Reads {"columns": {header: attribute}, "key": header, "required": [header…]}; an Error names what is wrong.
    static Result<CsvMapping> fromJson(const QJsonObject &json);

    /**
     * A mapping for a file with these headers, from the names HR systems and spreadsheets use in English and German
     * ("first name", "Vorname", "E-Mail", "Personalnummer", "Gruppen", …). A header that is already an attribute name
     * keeps it; an unknown header with a name LDAP allows is used as it is; others are ignored. The key is the first
     * column mapped to employeeID, employeeNumber, uid, sAMAccountName, userPrincipalName or mail.
     */
    static CsvMapping suggest(const QStringList &headers);
    /// The attribute a header usually means, or an empty string when it is not a common name.
    static QString suggestAttribute(const QString &header);
    /// The attributes a mapping step offers, in a sensible order (groupsAttribute() among them).
    static QStringList knownAttributes();

    friend bool operator==(const CsvMapping &a, const CsvMapping &b)
    {
        return a.columns == b.columns && a.keyColumn == b.keyColumn && a.requiredColumns == b.requiredColumns;
    }
    friend bool operator!=(const CsvMapping &a, const CsvMapping &b) { return !(a == b); }
};

} // namespace M365::Directory
