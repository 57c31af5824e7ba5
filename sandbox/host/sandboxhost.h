// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "tenantplace.h"

#include <memory>

class QObject;

namespace M365::Profile {
struct Profile;
}

namespace M365::Sandbox {

/**
 * Serves the sandbox tenant a profile is on, in this process, and points the profile at it; the front ends (the GUI,
 * every CLI command that connects) call it after loading a profile and before connecting with it, so that a profile
 * the wizard made on the sandbox works with no other program running.
 *
 * For a profile with Profile::sandboxState (set by the wizard, or by the migration of an older profile): opens that
 * place (TenantPlace::open), checks that it still holds the tenant the profile was made for, and calls
 * Profile::pointAtSandbox() with the server's URL and CA. Returns the place, which the caller keeps for as long as it
 * uses the profile. For any other profile: null, and @p error stays null. When the place cannot be served: null with
 * @p error set, what to do included (another program serves it, its file is gone, it was reset since).
 */
std::shared_ptr<TenantPlace> openProfilePlace(Profile::Profile *profile, M365::Error *error);

/// openProfilePlace() for a caller that is a QObject: the place stays open as long as @p owner lives. True for a
/// profile that is not on the sandbox tenant; false with @p error set when its place cannot be served.
bool serveProfile(Profile::Profile *profile, QObject *owner, M365::Error *error);

} // namespace M365::Sandbox
