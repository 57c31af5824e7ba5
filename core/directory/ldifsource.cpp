// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "ldifsource.h"

#include "directorylog.h"
#include "filesourcesupport.h"

#include <QCoreApplication>
#include <QFile>
#include <QSet>

#include <cstring>
#include <ldap.h>

namespace M365::Directory {

namespace {

QString trLdif(const char *text)
{
    return QCoreApplication::translate("M365::Directory::LdifSource", text);
}

struct PhysicalLine
{
    QByteArray text;
    int number = 0;
};

/// A logical (unfolded) line and the number of the physical line it starts on.
struct LogicalLine
{
    QByteArray text;
    int number = 0;
};

bool isBase64Text(const QByteArray &value)
{
    QByteArray compact;
    compact.reserve(value.size());
    for (char c : value) {
        if (c != ' ' && c != '\t') {
            compact.append(c);
        }
    }
    if (compact.isEmpty()) {
        return true;
    }
    if (compact.size() % 4 != 0) {
        return false;
    }
    const int padding = compact.endsWith("==") ? 2 : (compact.endsWith('=') ? 1 : 0);
    for (int i = 0; i < compact.size() - padding; ++i) {
        const char c = compact.at(i);
        const bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/**
 * Parses one LDIF file, record by record, into the collector. libldap does the decoding; this
 * class adds what libldap does not give: exact line numbers and a reason a person can act on.
 */
class LdifParser
{
public:
    LdifParser(FileEntryCollector &collector)
        : m_collector(collector)
    {}

    /// Returns false if the record loop should stop (cancelled).
    bool parseRecord(const QList<PhysicalLine> &lines)
    {
        QList<LogicalLine> logical;
        for (const PhysicalLine &line : lines) {
            if (line.text.startsWith(' ')) {
                if (logical.isEmpty()) {
                    m_collector.problem(line.number, QString(), trLdif("continuation line without a preceding line"));
                    return true;
                }
                logical.last().text.append(line.text.mid(1));
                continue;
            }
            logical.append(LogicalLine{line.text, line.number});
        }
        // Comments may be folded too, so drop them only after unfolding.
        logical.erase(std::remove_if(logical.begin(),
                                     logical.end(),
                                     [](const LogicalLine &l) {
                                         return l.text.startsWith('#');
                                     }),
                      logical.end());
        if (!logical.isEmpty() && m_firstRecord && logical.first().text.startsWith("version:")) {
            logical.removeFirst();
        }
        m_firstRecord = false;
        if (logical.isEmpty()) {
            return true;
        }

        const int startLine = logical.first().number;
        QString dn;
        QSet<QByteArray> base64Attributes;
        for (int i = 0; i < logical.size(); ++i) {
            const LogicalLine &line = logical.at(i);
            if (line.text == "-") {
                continue;
            }
            const int colon = line.text.indexOf(':');
            if (colon <= 0) {
                m_collector.problem(line.number,
                                    dn,
                                    colon < 0 ? trLdif("expected \"attribute: value\", found no colon")
                                              : trLdif("line starts with a colon, the attribute name is missing"));
                return true;
            }
            const QByteArray name = line.text.left(colon).trimmed().toLower();
            const char marker = colon + 1 < line.text.size() ? line.text.at(colon + 1) : '\0';
            if (marker == '<') {
                m_collector.problem(line.number, dn, trLdif("URL values (\":<\") are not supported in an export"));
                return true;
            }
            const QByteArray rawValue = line.text.mid(colon + (marker == ':' ? 2 : 1)).trimmed();
            if (marker == ':') {
                if (!isBase64Text(rawValue)) {
                    m_collector.problem(
                        line.number,
                        dn,
                        trLdif("invalid or truncated base64 value for attribute \"%1\"").arg(QString::fromUtf8(name)));
                    return true;
                }
                base64Attributes.insert(name);
            }
            if (i == 0) {
                if (name != "dn") {
                    m_collector.problem(line.number, QString(), trLdif("record does not start with \"dn:\""));
                    return true;
                }
                const QByteArray dnBytes = marker == ':' ? QByteArray::fromBase64(rawValue) : rawValue;
                if (!decodeUtf8(dnBytes, &dn)) {
                    m_collector.problem(line.number, QString(), trLdif("the DN is not valid UTF-8"));
                    return true;
                }
                continue;
            }
            if (name == "changetype") {
                const QByteArray type = (marker == ':' ? QByteArray::fromBase64(rawValue) : rawValue).toLower();
                if (type != "add") {
                    m_collector.problem(
                        line.number,
                        dn,
                        trLdif("\"changetype: %1\" is a change record, not an exported entry; export the directory "
                               "with ldapsearch, slapcat or ldifde instead")
                            .arg(QString::fromUtf8(type)));
                    return true;
                }
            }
        }

        QByteArray buffer;
        for (const LogicalLine &line : std::as_const(logical)) {
            buffer.append(line.text);
            buffer.append('\n');
        }
        struct berval record;
        record.bv_val = buffer.data();
        record.bv_len = static_cast<ber_len_t>(buffer.size());
        LDIFRecord lr;
        std::memset(&lr, 0, sizeof lr);
        const int rc = ldap_parse_ldif_record(
            &record, static_cast<unsigned long>(startLine), &lr, "m365sync", LDIF_DEFAULT_ADD | LDIF_NO_CONTROLS);
        if (rc != LDAP_SUCCESS) {
            m_collector.problem(
                startLine, dn, trLdif("not a valid LDIF record (%1)").arg(QString::fromUtf8(ldap_err2string(rc))));
            return true;
        }
        struct RecordGuard
        {
            LDIFRecord *lr;
            ~RecordGuard() { ldap_ldif_record_done(lr); }
        } guard{&lr};
        if (lr.lr_op != LDAP_REQ_ADD) {
            m_collector.problem(startLine, dn, trLdif("not an entry (a change record)"));
            return true;
        }

        DirectoryEntry entry;
        entry.dn = dn;
        for (LDAPMod **mod = lr.lrop_mods; mod && *mod; ++mod) {
            const QString name = QString::fromUtf8((*mod)->mod_type).toLower();
            const bool binary = isBinaryAttribute(name);
            for (struct berval **value = (*mod)->mod_bvalues; value && *value; ++value) {
                const QByteArray bytes((*value)->bv_val, static_cast<qsizetype>((*value)->bv_len));
                QString text;
                if (binary) {
                    entry.addBinaryValue(name, bytes);
                } else if (decodeUtf8(bytes, &text)) {
                    entry.addValue(name, text);
                } else if (base64Attributes.contains(name.toUtf8())) {
                    // Base64 in the file and not text: a binary attribute we do not know by name.
                    entry.addBinaryValue(name, bytes);
                } else {
                    m_collector.problem(startLine, dn, trLdif("attribute \"%1\" is not valid UTF-8").arg(name));
                    return true;
                }
            }
        }
        return m_collector.add(std::move(entry), startLine);
    }

private:
    FileEntryCollector &m_collector;
    bool m_firstRecord = true;
};

DirectoryJob *
createLdifJob(const QString &path, const EntryRules &rules, ReadScope scope, FileJobMode mode, QObject *parent)
{
    return new DirectoryJob(
        [path, rules, scope, mode](JobSink &sink) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                sink.fail({DirectoryError::FileNotReadable,
                           trLdif("Cannot open the LDIF file \"%1\": %2. Check the path and the file permissions.")
                               .arg(path, file.errorString()),
                           file.errorString()});
                return;
            }
            FileEntryCollector collector(sink, rules, scope, mode);
            LdifParser parser(collector);
            QList<PhysicalLine> record;
            int number = 0;
            bool keepGoing = true;
            while (keepGoing && !file.atEnd()) {
                QByteArray line = file.readLine();
                ++number;
                if (number == 1 && line.startsWith("\xEF\xBB\xBF")) {
                    line.remove(0, 3);
                }
                while (line.endsWith('\n') || line.endsWith('\r')) {
                    line.chop(1);
                }
                if (line.isEmpty()) {
                    if (!record.isEmpty()) {
                        keepGoing = parser.parseRecord(record);
                        record.clear();
                    }
                    continue;
                }
                record.append(PhysicalLine{line, number});
            }
            if (keepGoing && !record.isEmpty()) {
                parser.parseRecord(record);
            }
            if (file.error() != QFileDevice::NoError) {
                sink.fail({DirectoryError::FileNotReadable,
                           trLdif("Reading the LDIF file \"%1\" failed: %2.").arg(path, file.errorString()),
                           file.errorString()});
            }
            collector.finish();
        },
        parent);
}

} // namespace

LdifSource::LdifSource(const QString &path, QObject *parent)
    : DirectorySource(parent)
    , m_path(path)
{}

DirectoryJob *LdifSource::testConnection(QObject *parent)
{
    return createLdifJob(m_path, m_rules, ReadScope::UsersAndGroups, FileJobMode::Test, parent);
}

DirectoryJob *LdifSource::read(ReadScope scope, QObject *parent)
{
    return createLdifJob(m_path, m_rules, scope, FileJobMode::Read, parent);
}

DirectoryJob *LdifSource::count(QObject *parent)
{
    return createLdifJob(m_path, m_rules, ReadScope::UsersAndGroups, FileJobMode::Count, parent);
}

DirectoryJob *LdifSource::watch(QObject *parent)
{
    return createFileWatchJob(m_path, m_watchIntervalMs, parent);
}

} // namespace M365::Directory
