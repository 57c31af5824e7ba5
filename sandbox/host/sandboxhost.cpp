// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandboxhost.h"

#include "profile/profile.h"
#include "sandboxserver.h"
#include "sandboxtenant.h"
#include "tenantstate.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QObject>
#include <QUrl>

namespace M365::Sandbox {

Q_LOGGING_CATEGORY(lcSandboxHost, "m365.sandbox.host")

namespace {

/// Keeps a place open for as long as its parent lives (serveProfile()).
class PlaceKeeper : public QObject
{
public:
    PlaceKeeper(std::shared_ptr<TenantPlace> place, QObject *parent)
        : QObject(parent)
        , m_place(std::move(place))
    {
        setObjectName(QStringLiteral("sandboxPlace"));
    }

private:
    std::shared_ptr<TenantPlace> m_place;
};

/// True when @p tenant (a tenant ID or one of its domains, as profiles name tenants) is the one in @p state.
bool isTenant(const TenantState &state, const QString &tenant)
{
    return tenant.compare(state.tenantId, Qt::CaseInsensitive) == 0 || state.domains.contains(tenant.toLower());
}

} // namespace

std::shared_ptr<TenantPlace> openProfilePlace(Profile::Profile *profile, M365::Error *error)
{
    if (profile->sandboxState.isEmpty()) {
        return {};
    }
    const auto failed = [error](const QString &code, const QString &userMessage, const QString &details) {
        if (error) {
            *error = M365::Error{code, userMessage, details, {}};
        }
        return std::shared_ptr<TenantPlace>();
    };
    const QString path = TenantPlace::normalizedPath(profile->sandboxState);
    // A place that is gone is not made afresh: a new tenant would not know the profile's app.
    if (!TenantPlace::isOpen(path) && !QFileInfo(path).isFile()) {
        return failed(QStringLiteral("sandbox.gone"),
                      QCoreApplication::translate(
                          "M365::Sandbox::SandboxHost",
                          "The sandbox tenant of profile \"%1\" is gone: %2 was reset or deleted. Make a new sandbox "
                          "connection in m365sync (Connection, New connection…), or delete the profile "
                          "(m365sync-cli profile delete %1).")
                          .arg(profile->name, QDir::toNativeSeparators(path)),
                      QStringLiteral("sandbox state file %1 does not exist").arg(path));
    }
    QString message;
    std::shared_ptr<TenantPlace> place = TenantPlace::open(path, &message);
    if (!place) {
        return failed(QStringLiteral("sandbox.place"), message, message);
    }
    const TenantState &state = place->server()->tenant()->state();
    if (!profile->tenant.isEmpty() && !isTenant(state, profile->tenant)) {
        return failed(QStringLiteral("sandbox.otherTenant"),
                      QCoreApplication::translate(
                          "M365::Sandbox::SandboxHost",
                          "The sandbox tenant in %1 is not the one profile \"%2\" was made for (tenant %3; the file "
                          "holds tenant %4): it was reset since. Make a new sandbox connection in m365sync "
                          "(Connection, New connection…), or delete the profile (m365sync-cli profile delete %2).")
                          .arg(QDir::toNativeSeparators(path), profile->name, profile->tenant, state.tenantId),
                      QStringLiteral("profile tenant %1, sandbox tenant %2").arg(profile->tenant, state.tenantId));
    }
    profile->pointAtSandbox(QUrl(place->server()->baseUrl()), place->server()->caFile());
    profile->sandboxState = path;
    qCInfo(lcSandboxHost) << "profile" << profile->name << "uses the sandbox tenant" << path << "at"
                          << place->server()->baseUrl();
    return place;
}

bool serveProfile(Profile::Profile *profile, QObject *owner, M365::Error *error)
{
    M365::Error failure;
    std::shared_ptr<TenantPlace> place = openProfilePlace(profile, &failure);
    if (!failure.isNull()) {
        if (error) {
            *error = failure;
        }
        return false;
    }
    if (place) {
        new PlaceKeeper(std::move(place), owner);
    }
    return true;
}

} // namespace M365::Sandbox
