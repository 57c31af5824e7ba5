// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "changeplan.h"
#include "graph/graphtypes.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace M365::Sync {

/**
 * The Graph requests that carry out a change, built from the change and the ids the applier knows; nothing here
 * sends, waits or records, so that ApplyJob only schedules, sends and records, and what goes over the wire can be
 * read (and tested) in one place.
 *
 * References to other objects (`members@odata.bind`, `$ref` bodies) must be absolute URLs of the very Graph the
 * client talks to, hence the @p absoluteUrl function (GraphClient::urlFor()).
 */
class ApplyRequests
{
public:
    /// Graph's limit of references in one `members@odata.bind` (group-update.md, group-post-members.md).
    static constexpr int maxBinds = 20;

    explicit ApplyRequests(std::function<QString(const QString &)> absoluteUrl);

    /// GET of the properties a change's fingerprint covers, to find changes whose object moved on since planning.
    static Graph::Request check(const Change &change, const QStringList &fingerprintProperties);
    /// POST of a new user or group; a user gets @p password (forced to change at first sign-in).
    static Graph::Request create(const Change &change, const QString &password);
    static Graph::Request remove(const Change &change);
    /**
     * The PATCH of an update, enable, link or disable, without the manager (a relationship, see manager()). For a
     * disable that also renames, only `{"accountEnabled": false}`: the rest follows in renameAfterDisable() once the
     * account is disabled, so that a rename Graph refuses cannot leave the account enabled.
     */
    static Graph::Request patch(const Change &change);
    /// The second PATCH of a disable that renames (or sets anything else besides accountEnabled); none otherwise.
    static std::optional<Graph::Request> renameAfterDisable(const Change &change);
    /// directory-deleteditems-restore.md: POST /directory/deletedItems/{id}/restore, without a body.
    static Graph::Request restore(const Change &change);
    /// The properties a restored user is set to once it is back; none when the payload holds nothing to set.
    static std::optional<Graph::Request> patchAfterRestore(const Change &change);
    /// user-assignlicense.md for @p userId.
    static Graph::Request licence(const Change &change, const QString &userId);
    /// group-post-members.md / group-update.md: up to maxBinds members of @p groupId in one PATCH.
    Graph::Request bindMembers(const QString &groupId, const QStringList &memberIds) const;
    /// group-post-members.md: one member, POST /groups/{id}/members/$ref.
    Graph::Request addMemberRef(const QString &groupId, const QString &memberId) const;
    /// group-delete-members.md: DELETE /groups/{id}/members/{member}/$ref.
    static Graph::Request removeMemberRef(const QString &groupId, const QString &memberId);
    /// user-post-manager.md (PUT …/manager/$ref) or, for @p managerId empty, user-delete-manager.md.
    Graph::Request manager(const QString &userId, const QString &managerId) const;
    /// Finds a user by its anchor, after a create that may have reached the tenant in an earlier run.
    static Graph::Request findByImmutableId(const QString &immutableId);

    /// True for a Disable whose payload sets more than accountEnabled: it takes two requests.
    static bool disableRenames(const Change &change);

private:
    std::function<QString(const QString &)> m_absoluteUrl;
};

} // namespace M365::Sync
