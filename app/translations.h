// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QString>

namespace M365::Ui {

/// Installs the app's translation for @p locale (m365sync_<lang>.qm from @p directory, by default the resources
/// under :/i18n) and Qt's own (qtbase_<lang>.qm from Qt's translations folder, for the wizard's Back/Next/Cancel).
/// The translators belong to the application object. Returns whether the app's translation was found.
bool installTranslations(const QLocale &locale = QLocale::system(),
                         const QString &directory = QStringLiteral(":/i18n"));

} // namespace M365::Ui
