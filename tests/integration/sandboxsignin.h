// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandboxfixture.h"
#include "sandboxtenant.h"
#include "signinbrowser.h"
#include "tenantstate.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTimer>

/*
 * What the sign-in tests (device code, admin consent, DeviceCodeSignIn) set up in the sandbox tenant and do in its
 * pages: people who can sign in on the sandbox's pages, app registrations made through Graph, and the device login
 * page played like a browser.
 */
namespace SandboxSignIn {

/// A user made through Graph who can sign in on the sandbox's pages with @p password and holds @p directoryRoles
/// ("Global Administrator", …). The password and roles are set in the tenant's state, as an admin would in Entra.
inline QString
addUser(SandboxFixture &sandbox, const QString &alias, const QString &password, const QStringList &directoryRoles)
{
    const SandboxFixture::Reply created =
        sandbox.graph("POST", QStringLiteral("/users"), sandbox.demoToken(), SandboxFixture::newUserBody(alias));
    const QString id = created.json.value(QLatin1String("id")).toString();
    if (created.status != 201 || id.isEmpty()) {
        qWarning() << "could not create user" << alias << created.status << created.body;
        return {};
    }
    M365::Sandbox::TenantState &state = sandbox.tenant().state();
    QJsonObject user = state.users.value(id);
    user.insert(QStringLiteral("_signInPasswordHash"), M365::Sandbox::hashSecret(password));
    user.insert(QStringLiteral("_directoryRoles"), QJsonArray::fromStringList(directoryRoles));
    state.putUser(user);
    return user.value(QLatin1String("userPrincipalName")).toString();
}

/// An app registration created (POST /applications) and then configured (PATCH with @p settings) through Graph, as
/// the wizard does; the answer of the POST (id, appId, …).
inline QJsonObject addApplication(SandboxFixture &sandbox, const QString &displayName, const QJsonObject &settings = {})
{
    const SandboxFixture::Reply created = sandbox.graph("POST",
                                                        QStringLiteral("/applications"),
                                                        sandbox.demoToken(),
                                                        QJsonObject{{QStringLiteral("displayName"), displayName}});
    if (created.status != 201) {
        qWarning() << "could not create application" << created.status << created.body;
        return {};
    }
    if (!settings.isEmpty()) {
        const SandboxFixture::Reply patched =
            sandbox.graph("PATCH",
                          QStringLiteral("/applications/") + created.json.value(QLatin1String("id")).toString(),
                          sandbox.demoToken(),
                          settings);
        if (patched.status != 204) {
            qWarning() << "could not configure application" << patched.status << patched.body;
            return {};
        }
    }
    return created.json;
}

/// The device login page with @p userCode entered: the sign-in form when the code is good, the code form with an
/// error otherwise.
inline SignInBrowser::Page enterUserCode(SignInBrowser &browser, const QString &baseUrl, const QString &userCode)
{
    const SignInBrowser::Page codePage = browser.get(QUrl(baseUrl + QStringLiteral("/devicelogin")));
    if (codePage.status != 200 || codePage.action.isEmpty()) {
        return codePage;
    }
    return browser.submit(codePage, {{QStringLiteral("otc"), userCode}});
}

/// Enters @p userCode on the device login page and signs in; the page the sign-in ends on.
inline SignInBrowser::Page deviceLogin(SignInBrowser &browser,
                                       const QString &baseUrl,
                                       const QString &userCode,
                                       const QString &login,
                                       const QString &password)
{
    const SignInBrowser::Page signInPage = enterUserCode(browser, baseUrl, userCode);
    if (signInPage.status != 200 || !signInPage.body.contains("name=\"passwd\"")) {
        return signInPage;
    }
    return browser.submit(signInPage, {{QStringLiteral("login"), login}, {QStringLiteral("passwd"), password}});
}

/// Lets @p milliseconds pass, as a polling client must between two polls (a timer's signal, bounded).
inline bool waitOut(qint64 milliseconds)
{
    QTimer timer;
    timer.setSingleShot(true);
    timer.setTimerType(Qt::PreciseTimer);
    QSignalSpy elapsed(&timer, &QTimer::timeout);
    timer.start(int(milliseconds));
    return elapsed.wait(int(milliseconds) + 5000);
}

} // namespace SandboxSignIn
