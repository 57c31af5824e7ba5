// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The LDIF reader (core/directory/ldifsource.h): an export from slapcat, ldapsearch or ldifde, or a crafted file
// handed to the wizard or a scheduled run. Issue 11's heap overflow came from a NUL byte in such a file.

#include "directory/ldifsource.h"
#include "entrychecks.h"
#include "fuzzsupport.h"

#include <QBuffer>

using namespace M365::Directory;
using M365::Fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    M365::Fuzz::quietQtMessages();
    QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    M365::Fuzz::CheckingReceiver receiver;
    LdifReader(receiver).read(buffer, QStringLiteral("fuzz.ldif"));
    return 0;
}
