// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "directorysource.h"

namespace M365::Directory {

DirectorySource::~DirectorySource() = default;

} // namespace M365::Directory
