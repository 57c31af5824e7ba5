// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directorysource.h"

namespace M365::Directory {

DirectorySource::~DirectorySource() = default;

DirectoryJob *DirectorySource::readContainers(QObject *parent)
{
    return new DirectoryJob(
        [](JobSink &sink) {
            sink.fail(DirectoryError::make(DirectoryError::InvalidConfiguration,
                                           tr("This is not an LDAP directory: it has no containers to choose from."),
                                           QStringLiteral("readContainers() on a file source")));
        },
        parent);
}

} // namespace M365::Directory
