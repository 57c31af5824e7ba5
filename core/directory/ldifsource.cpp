// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "ldifsource.h"

#include "directorylog.h"
#include "filesourcesupport.h"
#include "textencoding.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace M365::Directory {

namespace {

/// The translation context of this file's messages: lupdate finds LdifText::tr(), where it would miss a helper
/// function.
struct LdifText
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::LdifSource)
};

struct PhysicalLine
{
    QByteArray text;
    int number = 0;
};

/// A logical (unfolded) line, the number of the physical line it starts on, and of the first of its physical lines
/// that holds a NUL byte (0 when none does).
struct LogicalLine
{
    QByteArray text;
    int number = 0;
    int nulLine = 0;
};

/// The base64 text of a value without the spaces folding may leave in it, or false when it is not base64 (a
/// truncated export often cuts a value in the middle of a quantum).
bool compactBase64(const QByteArray &value, QByteArray *compact)
{
    compact->reserve(value.size());
    for (char c : value) {
        if (c != ' ' && c != '\t') {
            compact->append(c);
        }
    }
    if (compact->size() % 4 != 0) {
        return false;
    }
    const qsizetype padding = compact->endsWith("==") ? 2 : (compact->endsWith('=') ? 1 : 0);
    for (qsizetype i = 0; i < compact->size() - padding; ++i) {
        const char c = compact->at(i);
        const bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/// An attribute description as RFC 2849 allows it: a name or OID, then options (";binary", ";lang-de").
bool isAttributeDescription(const QByteArray &name)
{
    if (name.isEmpty()) {
        return false;
    }
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || c == ';' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/// One "name: value" line, decoded.
struct AttributeLine
{
    QByteArray name; // lower case
    QByteArray value;
    bool base64 = false;
};

/// Parses the records of one file into the receiver, with exact line numbers and a reason a person can act on.
class LdifParser
{
public:
    explicit LdifParser(EntryReceiver &receiver)
        : m_receiver(receiver)
    {}

    /// Returns false if the record loop should stop (cancelled).
    bool parseRecord(const QList<PhysicalLine> &lines)
    {
        QList<LogicalLine> logical;
        for (const PhysicalLine &line : lines) {
            const int nul = line.text.contains('\0') ? line.number : 0;
            if (line.text.startsWith(' ')) {
                if (logical.isEmpty()) {
                    m_receiver.problem(
                        line.number, QString(), LdifText::tr("continuation line without a preceding line"));
                    return true;
                }
                logical.last().text.append(line.text.mid(1));
                if (logical.last().nulLine == 0) {
                    logical.last().nulLine = nul;
                }
                continue;
            }
            logical.append(LogicalLine{line.text, line.number, nul});
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
        DirectoryEntry entry;
        entry.attributes.reserve(logical.size(), logical.size());
        bool changeTypeSeen = false;
        for (int i = 0; i < logical.size(); ++i) {
            const LogicalLine &line = logical.at(i);
            if (line.nulLine > 0) {
                m_receiver.problem(line.nulLine,
                                   entry.dn,
                                   LdifText::tr("the line holds a NUL byte, which LDIF does not allow; the record is "
                                                "skipped"));
                return true;
            }
            if (line.text == "-") {
                continue;
            }
            AttributeLine attribute;
            if (!parseLine(line, entry.dn, &attribute)) {
                return true;
            }
            if (i == 0) {
                if (attribute.name != "dn") {
                    m_receiver.problem(line.number, QString(), LdifText::tr("record does not start with \"dn:\""));
                    return true;
                }
                if (!decodeUtf8(attribute.value, &entry.dn) || entry.dn.contains(QChar(0))) {
                    m_receiver.problem(line.number, QString(), LdifText::tr("the DN is not valid UTF-8"));
                    return true;
                }
                continue;
            }
            if (attribute.name == "dn") {
                m_receiver.problem(
                    line.number,
                    entry.dn,
                    LdifText::tr("a second \"dn:\" line in one record (is the empty line between two entries "
                                 "missing?)"));
                return true;
            }
            if (attribute.name == "control" && !changeTypeSeen && entry.attributes.isEmpty()) {
                continue; // controls of a change record; an export has none, and they change nothing here
            }
            if (attribute.name == "changetype" && !changeTypeSeen && entry.attributes.isEmpty()) {
                changeTypeSeen = true;
                const QByteArray type = attribute.value.trimmed().toLower();
                if (type != "add") {
                    m_receiver.problem(
                        line.number,
                        entry.dn,
                        LdifText::tr(
                            "\"changetype: %1\" is a change record, not an exported entry; export the directory "
                            "with ldapsearch, slapcat or ldifde instead")
                            .arg(QString::fromUtf8(type)));
                    return true;
                }
                continue;
            }
            if (!addValue(entry, attribute, line.number)) {
                return true;
            }
        }
        entry.attributes.squeeze();
        return m_receiver.add(std::move(entry), startLine);
    }

private:
    /// Splits "name: value", "name:: base64" and refuses "name:< URL"; false (reported) when the line is not one.
    bool parseLine(const LogicalLine &line, const QString &dn, AttributeLine *out)
    {
        const int colon = int(line.text.indexOf(':'));
        if (colon <= 0) {
            m_receiver.problem(line.number,
                               dn,
                               colon < 0 ? LdifText::tr("expected \"attribute: value\", found no colon")
                                         : LdifText::tr("line starts with a colon, the attribute name is missing"));
            return false;
        }
        out->name = line.text.left(colon).trimmed().toLower();
        if (!isAttributeDescription(out->name)) {
            m_receiver.problem(
                line.number,
                dn,
                LdifText::tr("\"%1\" is not an attribute name").arg(QString::fromUtf8(out->name.left(80))));
            return false;
        }
        const char marker = colon + 1 < line.text.size() ? line.text.at(colon + 1) : '\0';
        if (marker == '<') {
            m_receiver.problem(line.number, dn, LdifText::tr("URL values (\":<\") are not supported in an export"));
            return false;
        }
        out->base64 = marker == ':';
        const QByteArray raw = line.text.mid(colon + (out->base64 ? 2 : 1));
        if (!out->base64) {
            out->value = raw.trimmed();
            return true;
        }
        QByteArray compact;
        if (!compactBase64(raw, &compact)) {
            m_receiver.problem(line.number,
                               dn,
                               LdifText::tr("invalid or truncated base64 value for attribute \"%1\"")
                                   .arg(QString::fromUtf8(out->name)));
            return false;
        }
        out->value = QByteArray::fromBase64(compact);
        return true;
    }

    bool addValue(DirectoryEntry &entry, const AttributeLine &attribute, int lineNumber)
    {
        const QString name = QString::fromLatin1(attribute.name);
        if (isBinaryAttribute(name)) {
            entry.addBinaryValue(name, attribute.value);
            return true;
        }
        QString text;
        if (decodeUtf8(attribute.value, &text)) {
            if (text.contains(QChar(0))) {
                m_receiver.problem(
                    lineNumber, entry.dn, LdifText::tr("attribute \"%1\" holds a NUL character").arg(name));
                return false;
            }
            entry.addValue(name, text);
            return true;
        }
        if (attribute.base64) {
            // Base64 in the file and not text: a binary attribute we do not know by name.
            entry.addBinaryValue(name, attribute.value);
            return true;
        }
        m_receiver.problem(lineNumber, entry.dn, LdifText::tr("attribute \"%1\" is not valid UTF-8").arg(name));
        return false;
    }

    EntryReceiver &m_receiver;
    bool m_firstRecord = true;
};

DirectoryJob *
createLdifJob(const QString &path, const EntryRules &rules, ReadScope scope, FileJobMode mode, QObject *parent)
{
    return new DirectoryJob(
        [path, rules, scope, mode](JobSink &sink) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                sink.fail(DirectoryError::make(
                    DirectoryError::FileNotReadable,
                    LdifText::tr("Cannot open the LDIF file \"%1\": %2. Check the path and the file permissions.")
                        .arg(path, file.errorString()),
                    file.errorString()));
                return;
            }
            FileEntryCollector collector(sink, rules, scope, mode, QFileInfo(path).fileName());
            const M365::Error error = LdifReader(collector).read(file, path);
            if (!error.isNull()) {
                sink.fail(error);
                return;
            }
            collector.finish();
        },
        parent);
}

} // namespace

LdifReader::LdifReader(EntryReceiver &receiver)
    : m_receiver(receiver)
{}

M365::Error LdifReader::read(QIODevice &device, const QString &fileName)
{
    QIODevice *input = &device;
    QBuffer converted;
    const QByteArray start = device.peek(2);
    if (start == "\xFF\xFE" || start == "\xFE\xFF") {
        // `ldifde -u` writes UTF-16; read it as the UTF-8 it stands for.
        DecodedText text = decodeText(device.readAll(), TextEncoding::Auto);
        if (!text.ok()) {
            return DirectoryError::make(
                DirectoryError::InvalidFile,
                LdifText::tr("The LDIF file \"%1\" cannot be read: %2.").arg(fileName, text.error),
                text.error);
        }
        converted.setData(text.utf8);
        converted.open(QIODevice::ReadOnly);
        input = &converted;
    }
    LdifParser parser(m_receiver);
    QList<PhysicalLine> record;
    int number = 0;
    bool keepGoing = true;
    while (keepGoing && !input->atEnd()) {
        QByteArray line = input->readLine();
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
    if (auto *file = qobject_cast<QFileDevice *>(&device); file && file->error() != QFileDevice::NoError) {
        return DirectoryError::make(
            DirectoryError::FileNotReadable,
            LdifText::tr("Reading the LDIF file \"%1\" failed: %2.").arg(fileName, file->errorString()),
            file->errorString());
    }
    return {};
}

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
