// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvmapping.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace M365::Directory {

namespace {

/// The translation context of this file's messages: lupdate finds MappingText::tr(), where it would miss a helper
/// function.
struct MappingText
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::CsvMapping)
};

/// A header as a lookup key: case-folded, without spaces, punctuation and the umlauts' dots ("E-Mail" → "email",
/// "first_name" → "firstname", "Straße" → "strasse").
QString headerKey(const QString &header)
{
    QString key;
    const QString folded = header.normalized(QString::NormalizationForm_KD).toCaseFolded();
    for (const QChar c : folded) {
        if (c == QChar(0x00DF)) {
            key.append(QLatin1String("ss"));
        } else if (c.isLetterOrNumber() && c.category() != QChar::Mark_NonSpacing) {
            key.append(c);
        }
    }
    return key;
}

struct Synonyms
{
    const char *attribute;
    std::initializer_list<const char *> keys; // as headerKey() writes them
};

// English and German names seen in HR exports (Personio, SAP, DATEV, BambooHR), Excel and Google Sheets templates.
const Synonyms kSynonyms[] = {
    {"givenName", {"givenname", "firstname", "first", "forename", "vorname", "rufname"}},
    {"sn", {"sn", "surname", "lastname", "last", "familyname", "nachname", "familienname"}},
    {"displayName", {"displayname", "fullname", "name", "anzeigename", "vollername", "vollstandigername"}},
    {"mail",
     {"mail",
      "email",
      "emailaddress",
      "mailaddress",
      "emailadresse",
      "mailadresse",
      "workemail",
      "businessemail",
      "dienstlicheemail"}},
    {"employeeID",
     {"employeeid",
      "employeeno",
      "employeenumber",
      "personnelnumber",
      "personnelno",
      "staffid",
      "staffnumber",
      "personalnummer",
      "personalnr",
      "persnr",
      "mitarbeiternummer",
      "mitarbeiterid",
      "mitarbeiternr"}},
    {"uid", {"uid", "username", "user", "login", "loginname", "benutzername", "benutzer", "kennung", "account"}},
    {"sAMAccountName", {"samaccountname"}},
    {"userPrincipalName", {"userprincipalname", "upn"}},
    {"title",
     {"title", "jobtitle", "position", "funktion", "stellenbezeichnung", "berufsbezeichnung", "jobbezeichnung"}},
    {"department", {"department", "dept", "abteilung", "bereich", "organisationseinheit"}},
    {"company", {"company", "companyname", "firma", "unternehmen", "gesellschaft"}},
    {"telephoneNumber",
     {"telephonenumber",
      "telephone",
      "phone",
      "phonenumber",
      "businessphone",
      "workphone",
      "telefon",
      "telefonnummer",
      "durchwahl"}},
    {"mobile", {"mobile", "mobilephone", "cellphone", "cell", "handy", "mobil", "mobiltelefon", "mobilnummer"}},
    {"street", {"street", "streetaddress", "address", "strasse", "anschrift", "adresse"}},
    {"postalCode", {"postalcode", "postcode", "zip", "zipcode", "plz", "postleitzahl"}},
    {"l", {"l", "city", "town", "locality", "ort", "stadt", "wohnort", "standort"}},
    {"st", {"st", "state", "province", "region", "bundesland"}},
    {"co", {"co", "country", "land", "staat"}},
    {"c", {"c", "countrycode", "landercode", "laenderkennzeichen", "landerkennzeichen", "landkurzel"}},
    {"physicalDeliveryOfficeName", {"physicaldeliveryofficename", "office", "officelocation", "buro", "raum"}},
    {"manager", {"manager", "vorgesetzter", "vorgesetzte", "supervisor", "reportsto", "fuhrungskraft"}},
    {"employeeType", {"employeetype", "mitarbeitertyp", "beschaftigungsart"}},
    {"memberOf", {"memberof", "groups", "group", "gruppen", "gruppe", "gruppenmitgliedschaft"}},
    {"dn", {"dn", "distinguishedname"}},
};

/// An attribute description LDAP accepts (RFC 4512 descr): a letter, then letters, digits and hyphens.
bool isAttributeName(const QString &name)
{
    if (name.isEmpty() || !(name.at(0).isLetter() && name.at(0).unicode() < 0x80)) {
        return false;
    }
    for (const QChar c : name) {
        if (c.unicode() >= 0x80 || !(c.isLetterOrNumber() || c == QLatin1Char('-'))) {
            return false;
        }
    }
    return true;
}

} // namespace

QString CsvMapping::suggestAttribute(const QString &header)
{
    const QString key = headerKey(header);
    if (key.isEmpty()) {
        return {};
    }
    for (const Synonyms &s : kSynonyms) {
        for (const char *k : s.keys) {
            if (key == QLatin1String(k)) {
                return QString::fromLatin1(s.attribute);
            }
        }
    }
    return {};
}

QStringList CsvMapping::knownAttributes()
{
    QStringList out;
    for (const Synonyms &s : kSynonyms) {
        out.append(QString::fromLatin1(s.attribute));
    }
    return out;
}

CsvMapping CsvMapping::suggest(const QStringList &headers)
{
    CsvMapping mapping;
    for (const QString &raw : headers) {
        const QString header = raw.trimmed();
        if (header.isEmpty() || mapping.columns.contains(header)) {
            continue;
        }
        QString attribute = suggestAttribute(header);
        if (attribute.isEmpty() && isAttributeName(header)) {
            attribute = header;
        }
        mapping.columns.insert(header, attribute);
    }
    for (const char *keyAttribute :
         {"employeeID", "employeeNumber", "uid", "sAMAccountName", "userPrincipalName", "mail"}) {
        for (const QString &raw : headers) {
            const QString header = raw.trimmed();
            if (mapping.columns.value(header).compare(QLatin1String(keyAttribute), Qt::CaseInsensitive) == 0) {
                mapping.keyColumn = header;
                break;
            }
        }
        if (!mapping.keyColumn.isEmpty()) {
            break;
        }
    }
    return mapping;
}

QJsonObject CsvMapping::toJson() const
{
    QJsonObject map;
    for (auto it = columns.constBegin(); it != columns.constEnd(); ++it) {
        map.insert(it.key(), it.value());
    }
    QJsonObject json{{QStringLiteral("columns"), map}};
    if (!keyColumn.isEmpty()) {
        json.insert(QStringLiteral("key"), keyColumn);
    }
    if (!requiredColumns.isEmpty()) {
        json.insert(QStringLiteral("required"), QJsonArray::fromStringList(requiredColumns));
    }
    return json;
}

Result<CsvMapping> CsvMapping::fromJson(const QJsonObject &json)
{
    auto fail = [](const QString &what) {
        return Result<CsvMapping>::failure(Error{
            QStringLiteral("profile.directory.mapping"),
            MappingText::tr("The CSV column mapping in the profile is not valid: %1. Choose the columns again in the "
                            "directory settings.")
                .arg(what),
            {},
            {}});
    };
    CsvMapping mapping;
    const QJsonValue columns = json.value(QLatin1String("columns"));
    if (!columns.isUndefined() && !columns.isObject()) {
        return fail(MappingText::tr("\"columns\" must map each header to an attribute"));
    }
    const QJsonObject map = columns.toObject();
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        if (!it.value().isString()) {
            return fail(MappingText::tr("the attribute of column \"%1\" is not text").arg(it.key()));
        }
        const QString attribute = it.value().toString().trimmed();
        if (!attribute.isEmpty() && !isAttributeName(attribute)) {
            return fail(MappingText::tr("\"%1\" (column \"%2\") is not an attribute name").arg(attribute, it.key()));
        }
        mapping.columns.insert(it.key().trimmed(), attribute);
    }
    const QJsonValue key = json.value(QLatin1String("key"));
    if (!key.isUndefined() && !key.isString()) {
        return fail(MappingText::tr("\"key\" must name a column"));
    }
    mapping.keyColumn = key.toString().trimmed();
    if (!mapping.keyColumn.isEmpty() && mapping.attributeFor(mapping.keyColumn).isEmpty()) {
        return fail(MappingText::tr("the key column \"%1\" is not mapped to an attribute").arg(mapping.keyColumn));
    }
    const QJsonValue required = json.value(QLatin1String("required"));
    if (!required.isUndefined() && !required.isArray()) {
        return fail(MappingText::tr("\"required\" must list columns"));
    }
    for (const QJsonValue &v : required.toArray()) {
        if (!v.isString()) {
            return fail(MappingText::tr("\"required\" must list columns"));
        }
        mapping.requiredColumns.append(v.toString().trimmed());
    }
    return Result<CsvMapping>::success(mapping);
}

} // namespace M365::Directory
