// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/filesourcesupport.h"
#include "fuzzsupport.h"

namespace M365::Fuzz {

/// What the directory file readers promise for every entry and problem they report, whatever the input.
class CheckingReceiver : public Directory::EntryReceiver
{
public:
    int lastLine = 0;

    bool add(Directory::DirectoryEntry &&entry, int line) override
    {
        require(line > 0, "every entry has the line it starts on");
        require(!entry.dn.contains(QChar(0)), "no DN holds a NUL");
        for (auto it = entry.attributes.constBegin(); it != entry.attributes.constEnd(); ++it) {
            for (const QString &value : it.value()) {
                require(!value.contains(QChar(0)), "no text value holds a NUL");
            }
        }
        lastLine = line;
        return true;
    }
    void problem(int line, const QString &, const QString &reason) override
    {
        require(line > 0, "every problem has a line");
        require(!reason.isEmpty(), "every problem says why");
    }
};

} // namespace M365::Fuzz
