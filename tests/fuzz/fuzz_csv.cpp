// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The CSV reader (core/directory/csvsource.h): a CSV file is whatever an HR system or a spreadsheet wrote. The first
// byte chooses the options (encoding, separator, a mapping from the header or none), the rest is the file; it is read
// into entries and previewed as the wizard's mapping step does.

#include "directory/csvsource.h"
#include "entrychecks.h"
#include "fuzzsupport.h"

using namespace M365::Directory;
using M365::Fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    M365::Fuzz::quietQtMessages();
    const M365::Fuzz::Selected input = M365::Fuzz::select(data, size);
    const int choice = input.choice(8);
    CsvOptions options;
    options.encoding = (choice & 1) ? TextEncoding::Windows1252 : TextEncoding::Auto;
    options.separator = (choice & 2) ? ';' : '\0';
    const CsvPreview preview = CsvReader::preview(input.rest, options, QStringLiteral("fuzz.csv"));
    require(!preview.error.isNull() || preview.samples.size() == preview.headers.size(),
            "the preview has samples for every header");
    if (choice & 4) {
        options.mapping = CsvMapping::suggest(preview.headers);
        if (!preview.headers.isEmpty()) {
            options.mapping.requiredColumns = {preview.headers.last()};
        }
    }
    M365::Fuzz::CheckingReceiver receiver;
    const M365::Error error = CsvReader(options, receiver).read(input.rest, QStringLiteral("fuzz.csv"));
    require(error.isNull() || (!error.userMessage.isEmpty() && DirectoryError::codeOf(error) != DirectoryError::Other),
            "a refused file says why, with a directory error code");
    return 0;
}
