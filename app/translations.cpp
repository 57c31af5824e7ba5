// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace M365::Ui {

bool installTranslations(const QLocale &locale, const QString &directory)
{
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
