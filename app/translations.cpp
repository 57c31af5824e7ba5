// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace M365::Ui {

bool installTranslations(const QLocale &requested, const QString &directory)
{
    // The C locale (LANG=C.UTF-8 on many servers) is English: load the English plurals rather than none.
    const QLocale locale = requested.language() == QLocale::C ? QLocale(QLocale::English) : requested;
    auto *qt = new QTranslator(QCoreApplication::instance());
    if (qt->load(locale,
                 QStringLiteral("qtbase"),
                 QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
    } else {
        delete qt;
    }
    auto *app = new QTranslator(QCoreApplication::instance());
    if (!app->load(locale, QStringLiteral("m365sync"), QStringLiteral("_"), directory)) {
        delete app;
        return false;
    }
    QCoreApplication::installTranslator(app);
    return true;
}

} // namespace M365::Ui
