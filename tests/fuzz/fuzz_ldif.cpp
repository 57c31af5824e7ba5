// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The LDIF reader (core/directory/ldifsource.h): an export from slapcat, ldapsearch or ldifde, or a crafted file
// handed to the wizard or a scheduled run. Issue 11's heap overflow came from a NUL byte in such a file.

#include "directory/filesourcesupport.h"
#include "directory/ldifsource.h"
#include "fuzzsupport.h"

#include <QBuffer>

using namespace M365::Directory;
using M365::Fuzz::require;

namespace {

class CheckingReceiver : public EntryReceiver
{
public:
    int lastLine = 0;

    bool add(DirectoryEntry &&entry, int line) override
    {
        require(line > lastLine, "records arrive in file order, each with the line it starts on");
        lastLine = line;
        require(!entry.dn.contains(QChar(0)), "no DN holds a NUL");
        for (auto it = entry.attributes.constBegin(); it != entry.attributes.constEnd(); ++it) {
            for (const QString &value : it.value()) {
                require(!value.contains(QChar(0)), "no text value holds a NUL");
            }
        }
        return true;
    }
    void problem(int line, const QString &, const QString &reason) override
    {
        require(line > 0, "every problem has a line");
        require(!reason.isEmpty(), "every problem says why");
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    M365::Fuzz::quietQtMessages();
    QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    CheckingReceiver receiver;
    LdifReader(receiver).read(buffer, QStringLiteral("fuzz.ldif"));
    return 0;
}
