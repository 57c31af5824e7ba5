// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// users/delta and groups/delta. A round starts with a full read (every object, groups with members@delta, users with
// manager@delta when $select names manager) and ends with an @odata.deltaLink; following it returns what changed since,
// with @removed for deleted objects, removed members and removed managers. Tokens carry the change sequence number, so
// they are exact and small. Raising the tenant's delta epoch (admin API) invalidates all tokens: the next request gets
// 410 Gone, as when Microsoft loses sync state.

#include "sandboxcrypto.h"
#include "sandboxtenant.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace M365::Sandbox {

namespace {

const QStringList deltaUserRoles = {QStringLiteral("User.Read.All"),
                                    QStringLiteral("User.ReadWrite.All"),
                                    QStringLiteral("Directory.Read.All"),
                                    QStringLiteral("Directory.ReadWrite.All")};
const QStringList deltaGroupRoles = {QStringLiteral("Group.Read.All"),
                                     QStringLiteral("Group.ReadWrite.All"),
                                     QStringLiteral("GroupMember.Read.All"),
                                     QStringLiteral("GroupMember.ReadWrite.All"),
                                     QStringLiteral("Directory.Read.All"),
                                     QStringLiteral("Directory.ReadWrite.All")};

/// The user resource as users/delta's $select sees it: its properties and the manager navigation property
/// (concepts/delta-query-overview.md: "$select also supports manager and members navigation properties").
const Schema &userDeltaSchema()
{
    static const Schema schema = [] {
        Schema s = Schema::user();
        s.properties.insert(QStringLiteral("manager"), {PropertySpec::Type::Any, 0, true, true, 0});
        return s;
    }();
    return schema;
}

QString encodeToken(const QJsonObject &token)
{
    return QString::fromLatin1(Crypto::base64UrlEncode(QJsonDocument(token).toJson(QJsonDocument::Compact)));
}

} // namespace

ApiResponse SandboxTenant::delta(const ApiRequest &r, const QString &kind, const Caller &c)
{
    const bool users = kind == QLatin1String("user");
    if (!hasAnyRole(c, users ? deltaUserRoles : deltaGroupRoles)) {
        return forbidden(r);
    }
    const QString entitySet = users ? QStringLiteral("users") : QStringLiteral("groups");
    const Schema &schema = users ? userDeltaSchema() : Schema::group();

    QJsonObject token;
    const QString tokenText = r.hasQueryItem(QStringLiteral("$skiptoken")) ? r.queryItem(QStringLiteral("$skiptoken"))
                                                                           : r.queryItem(QStringLiteral("$deltatoken"));
    const bool continuing =
        r.hasQueryItem(QStringLiteral("$skiptoken")) || r.hasQueryItem(QStringLiteral("$deltatoken"));
    if (continuing) {
        const auto decoded = Crypto::base64UrlDecode(tokenText.toLatin1());
        token = decoded ? QJsonDocument::fromJson(*decoded).object() : QJsonObject();
        if (token.value(QLatin1String("k")).toString() != kind) {
            return graphError(400,
                              QStringLiteral("Request_BadRequest"),
                              QStringLiteral("The delta token is not valid for this resource."),
                              r);
        }
        if (token.value(QLatin1String("e")).toInt() != m_state.deltaEpoch) {
            ApiResponse gone = graphError(410,
                                          QStringLiteral("syncStateNotFound"),
                                          QStringLiteral("The sync state generation is not found. Start a new delta "
                                                         "round with a request that has no state token."),
                                          r);
            gone.setHeader("Location",
                           (m_baseUrl + QStringLiteral("/v1.0/") + entitySet + QStringLiteral("/delta")).toUtf8());
            return gone;
        }
    }

    QStringList select;
    if (continuing) {
        select = token.value(QLatin1String("sel")).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    } else {
        ApiResponse failure;
        if (!parseSelect(r, schema, &select, &failure)) {
            return failure;
        }
    }
    const qint64 since = token.value(QLatin1String("s")).toInteger(0);
    const qint64 upTo =
        r.hasQueryItem(QStringLiteral("$skiptoken")) ? token.value(QLatin1String("u")).toInteger() : m_state.seq;
    const QString after =
        r.hasQueryItem(QStringLiteral("$skiptoken")) ? token.value(QLatin1String("a")).toString() : QString();
    const bool wantMembers = !users && (select.isEmpty() || select.contains(QStringLiteral("members")));
    // A user's manager is tracked only when $select names it (concepts/delta-query-overview.md).
    const bool wantManager = users && select.contains(QStringLiteral("manager"));
    QStringList projection = select;
    projection.removeAll(QStringLiteral("members"));
    projection.removeAll(QStringLiteral("manager"));

    // Gather this round's changes, keyed and ordered by id.
    QMap<QString, QJsonObject> changes;
    const auto &objects = users ? m_state.users : m_state.groups;
    const auto shapeItem = [&](const QString &id, const QJsonObject &object) {
        if (!select.isEmpty() && projection.isEmpty()) {
            return QJsonObject{{QStringLiteral("id"), id}};
        }
        return shape(object, projection, users ? schema.defaultSelect : QStringList());
    };
    for (auto it = objects.cbegin(); it != objects.cend(); ++it) {
        const qint64 seq = it->value(QLatin1String("_seq")).toInteger();
        if (seq > since && seq <= upTo && isVisible(it.key())) {
            changes.insert(it.key(), shapeItem(it.key(), it.value()));
        }
    }
    // The last change of each user's manager in this round: a user whose manager was set, replaced or removed is a
    // changed user of a round that tracks the manager, even when nothing else of it changed.
    QHash<QString, TenantState::ManagerChange> managerChanged;
    if (wantManager && since > 0) {
        for (const auto &change : m_state.managerChanges) {
            if (change.seq > since && change.seq <= upTo) {
                managerChanged.insert(change.userId, change);
            }
        }
        for (auto it = managerChanged.cbegin(); it != managerChanged.cend(); ++it) {
            if (!changes.contains(it.key()) && objects.contains(it.key()) && isVisible(it.key())) {
                changes.insert(it.key(), shapeItem(it.key(), objects.value(it.key())));
            }
        }
    }
    if (since > 0) {
        for (const auto &tombstone : m_state.tombstones) {
            if (tombstone.kind == kind && tombstone.seq > since && tombstone.seq <= upTo
                && !objects.contains(tombstone.id)) {
                changes.insert(tombstone.id,
                               QJsonObject{{QStringLiteral("id"), tombstone.id},
                                           {QStringLiteral("@removed"),
                                            QJsonObject{{QStringLiteral("reason"),
                                                         tombstone.permanent ? QStringLiteral("deleted")
                                                                             : QStringLiteral("changed")}}}});
            }
        }
    }
    if (wantMembers) {
        for (auto it = changes.begin(); it != changes.end(); ++it) {
            if (it->contains(QLatin1String("@removed"))) {
                continue;
            }
            QJsonArray memberDelta;
            const auto typeOf = [this](const QString &id) {
                return m_state.groups.contains(id) ? QStringLiteral("#microsoft.graph.group")
                                                   : QStringLiteral("#microsoft.graph.user");
            };
            if (since == 0) {
                for (const QString &memberId : m_state.members.value(it.key())) {
                    memberDelta.append(QJsonObject{{QStringLiteral("@odata.type"), typeOf(memberId)},
                                                   {QStringLiteral("id"), memberId}});
                }
            } else {
                QMap<QString, bool> latest; // member id -> added?
                for (const auto &change : m_state.memberChanges) {
                    if (change.groupId == it.key() && change.seq > since && change.seq <= upTo) {
                        latest.insert(change.memberId, change.added);
                    }
                }
                for (auto m = latest.cbegin(); m != latest.cend(); ++m) {
                    QJsonObject entry{{QStringLiteral("@odata.type"), typeOf(m.key())},
                                      {QStringLiteral("id"), m.key()}};
                    if (!m.value()) {
                        entry.insert(QStringLiteral("@removed"),
                                     QJsonObject{{QStringLiteral("reason"), QStringLiteral("deleted")}});
                    }
                    memberDelta.append(entry);
                }
            }
            if (!memberDelta.isEmpty()) {
                it->insert(QStringLiteral("members@delta"), memberDelta);
            }
        }
    }

    if (wantManager) {
        const QString userType = QStringLiteral("#microsoft.graph.user");
        for (auto it = changes.begin(); it != changes.end(); ++it) {
            if (it->contains(QLatin1String("@removed"))) {
                continue;
            }
            QJsonArray managerDelta;
            if (since == 0) {
                const QString managerId = m_state.managers.value(it.key());
                if (!managerId.isEmpty()) {
                    managerDelta.append(
                        QJsonObject{{QStringLiteral("@odata.type"), userType}, {QStringLiteral("id"), managerId}});
                }
            } else if (managerChanged.contains(it.key())) {
                const TenantState::ManagerChange change = managerChanged.value(it.key());
                QJsonObject entry{{QStringLiteral("@odata.type"), userType}, {QStringLiteral("id"), change.managerId}};
                if (!change.set) {
                    // The form of a removed manager is assumed to be that of a removed member (FIDELITY.md).
                    entry.insert(QStringLiteral("@removed"),
                                 QJsonObject{{QStringLiteral("reason"), QStringLiteral("deleted")}});
                }
                managerDelta.append(entry);
            }
            if (!managerDelta.isEmpty()) {
                it->insert(QStringLiteral("manager@delta"), managerDelta);
            }
        }
    }

    int pageSize = 100;
    const QByteArray prefer = r.header("prefer");
    const int maxPageAt = prefer.indexOf("odata.maxpagesize=");
    if (maxPageAt >= 0) {
        pageSize = std::clamp(prefer.mid(maxPageAt + 18).split(',').value(0).trimmed().toInt(), 1, 999);
    }

    QJsonArray value;
    QString lastId;
    auto it = after.isEmpty() ? changes.cbegin() : changes.upperBound(after);
    for (; it != changes.cend() && value.size() < pageSize; ++it) {
        value.append(it.value());
        lastId = it.key();
    }
    const bool more = it != changes.cend();
    QJsonObject out{{QStringLiteral("@odata.context"), contextUrl(entitySet)}, {QStringLiteral("value"), value}};
    const QJsonObject base{{QStringLiteral("k"), kind},
                           {QStringLiteral("e"), m_state.deltaEpoch},
                           {QStringLiteral("sel"), select.join(QLatin1Char(','))}};
    if (more) {
        QJsonObject next = base;
        next.insert(QStringLiteral("s"), since);
        next.insert(QStringLiteral("u"), upTo);
        next.insert(QStringLiteral("a"), lastId);
        out.insert(QStringLiteral("@odata.nextLink"),
                   QString(m_baseUrl + QStringLiteral("/v1.0/") + entitySet + QStringLiteral("/delta?$skiptoken=")
                           + encodeToken(next)));
    } else {
        QJsonObject next = base;
        next.insert(QStringLiteral("s"), upTo);
        out.insert(QStringLiteral("@odata.deltaLink"),
                   QString(m_baseUrl + QStringLiteral("/v1.0/") + entitySet + QStringLiteral("/delta?$deltatoken=")
                           + encodeToken(next)));
    }
    return ApiResponse::json(200, out);
}

} // namespace M365::Sandbox
