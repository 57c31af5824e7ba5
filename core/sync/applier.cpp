// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "applier.h"

#include "graph/graphclient.h"
#include "planner.h"
#include "statestore.h"
#include "synclog.h"

#include <QJsonArray>

#include <optional>

namespace M365::Sync {

namespace {

constexpr int maxBatch = 20; ///< requests in one $batch (json-batching.md)

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

bool isObjectChange(const Change &c)
{
    return c.objectType == Change::ObjectType::User || c.objectType == Change::ObjectType::Group;
}

bool alreadyExists(const Graph::Response &response)
{
    return response.status == 400
        && (response.error.userMessage.contains(QLatin1String("already exist"))
            || response.error.details.contains(QLatin1String("already exist"))
            || QString::fromUtf8(response.body).contains(QLatin1String("already exist")));
}

QString failureMessage(const Graph::Response &response)
{
    if (!response.error.userMessage.isEmpty()) {
        return response.error.userMessage;
    }
    return ApplyJob::tr("Microsoft Graph answered HTTP %1.").arg(response.status);
}

/// Whether Graph's error names @p id, as its 404 does for the resource it did not find.
bool errorNames(const Graph::Response &response, const QString &id)
{
    return !id.isEmpty()
        && (response.error.userMessage.contains(id) || response.error.details.contains(id)
            || QString::fromUtf8(response.body).contains(id));
}

} // namespace

QString ChangeOutcome::resultName(Result result)
{
    switch (result) {
    case Result::Pending:
        return str("pending");
    case Result::Done:
        return str("done");
    case Result::Failed:
        return str("failed");
    case Result::Skipped:
        return str("skipped");
    case Result::Stale:
        return str("stale");
    }
    return {};
}

ApplyJob::ApplyJob(
    Graph::GraphClient *client, StateStore *store, const ChangePlan &plan, const ApplyOptions &options, QObject *parent)
    : Job(parent)
    , m_client(client)
    , m_store(store)
    , m_requests([this](const QString &path) {
        return m_client ? m_client->urlFor(path).toString() : path;
    })
    , m_plan(plan)
    , m_options(options)
{
    qRegisterMetaType<M365::Sync::ApplyProgress>();
    qRegisterMetaType<M365::Sync::ChangeOutcome>();
    m_outcomes.resize(m_plan.changes.size());
    m_options.parallelBatches = qMax(1, m_options.parallelBatches);
}

bool ApplyJob::selected(int index) const
{
    const Change &c = m_plan.changes.at(index);
    return (m_options.onlyKinds.isEmpty() || m_options.onlyKinds.contains(c.kind))
        && (m_options.onlyIndices.isEmpty() || m_options.onlyIndices.contains(index));
}

ApplyProgress ApplyJob::progress() const
{
    ApplyProgress p;
    p.done = m_done;
    p.total = m_total;
    p.failed = m_failed;
    p.writes = m_writes;
    const double seconds = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0;
    if (seconds > 0.5) {
        p.writesPerSecond = m_writes / seconds;
        if (m_done > 0) {
            p.etaMs = qint64((m_total - m_done) * (seconds * 1000.0 / m_done));
        }
    }
    p.slowed = m_slowed;
    return p;
}

QJsonObject ApplyJob::counts() const
{
    QJsonObject counts;
    for (const ChangeOutcome &o : m_outcomes) {
        if (o.result == ChangeOutcome::Result::Pending) {
            continue;
        }
        const QString name = ChangeOutcome::resultName(o.result);
        counts.insert(name, counts.value(name).toInt() + 1);
    }
    counts.insert(str("total"), m_total);
    counts.insert(str("writes"), m_writes);
    return counts;
}

QList<int> ApplyJob::staleChanges() const
{
    QList<int> out;
    for (int i = 0; i < m_outcomes.size(); ++i) {
        if (m_outcomes.at(i).result == ChangeOutcome::Result::Stale) {
            out.append(i);
        }
    }
    return out;
}

void ApplyJob::run()
{
    if (!m_client || !m_store) {
        fail(Error::cancelled(tr("The connection was closed.")));
        return;
    }
    if (!m_options.passwordFile.isEmpty()) {
        const Result<bool> opened = m_passwords.open(m_options.passwordFile);
        if (!opened.ok()) {
            fail(opened.error);
            return;
        }
    }
    const Result<qint64> run = m_store->beginRun();
    if (!run.ok()) {
        fail(run.error);
        return;
    }
    m_runId = run.value;
    m_clock.start();
    connect(m_client, &Graph::GraphClient::pacingChanged, this, [this](bool slowed) {
        m_slowed = slowed;
        emitProgress();
    });
    const QHash<QString, Link> links = m_store->links();
    for (const Link &link : links) {
        (link.objectType == Change::ObjectType::Group ? m_groupIds : m_userIds).insert(link.anchor, link.cloudId);
    }
    for (int i = 0; i < m_plan.changes.size(); ++i) {
        if (selected(i)) {
            ++m_total;
        }
    }
    qCInfo(lcSync) << "run" << m_runId << "applies" << m_total << "of" << m_plan.changes.size() << "changes";
    for (int i = 0; i < m_plan.changes.size() && m_fatal.isNull(); ++i) {
        const Change &c = m_plan.changes.at(i);
        if (!selected(i)) {
            continue;
        }
        if (c.kind == Change::Kind::Conflict || c.kind == Change::Kind::Invalid) {
            finishChange(i, ChangeOutcome::Result::Skipped, c.reason);
        } else if (c.exceedsSeats) {
            finishChange(i,
                         ChangeOutcome::Result::Skipped,
                         tr("Not enough free licences: buy more seats or change the licence rules, then run again."));
        }
    }
    if (!m_fatal.isNull()) {
        finishRun();
        return;
    }
    emitProgress();
    readFederatedDomains();
}

void ApplyJob::readFederatedDomains()
{
    const Phase first = m_options.userFingerprintProperties.isEmpty() ? Phase::Objects : Phase::Check;
    bool creates = false;
    for (int i = 0; i < m_plan.changes.size() && !creates; ++i) {
        const Change &c = m_plan.changes.at(i);
        creates = selected(i) && c.kind == Change::Kind::Create && c.objectType == Change::ObjectType::User;
    }
    if (!creates) {
        startPhase(first);
        return;
    }
    // Users of a federated domain sign in at their own identity provider: they get no password from us.
    auto *job = m_client->send(Graph::Request::get(str("/domains?$select=id,authenticationType")));
    job->setParent(this);
    connect(job, &Job::finished, this, [this, job, first] {
        job->deleteLater();
        if (job->response().ok()) {
            for (const QJsonValue &v : job->response().json.value(QLatin1String("value")).toArray()) {
                const QJsonObject domain = v.toObject();
                if (domain.value(QLatin1String("authenticationType")).toString() == QLatin1String("Federated")) {
                    m_options.federatedDomains.append(domain.value(QLatin1String("id")).toString());
                }
            }
        } else {
            qCWarning(lcSync) << "could not read the domains; every new user gets an initial password";
        }
        startPhase(first);
    });
    job->start();
}

void ApplyJob::onCancel()
{
    // Job::cancel() finishes the job at once; a graceful stop goes through requestStop semantics below, so an
    // immediate cancel only aborts what is in flight. Their changes stay pending and are planned again next time.
    for (const QPointer<Graph::BatchJob> &job : std::as_const(m_inFlight)) {
        if (job) {
            job->disconnect(this);
            job->cancel();
        }
    }
    m_inFlight.clear();
    if (m_store && m_runId > 0) {
        m_store->endRun(m_runId, counts(), str("cancelled"));
    }
}

void ApplyJob::startPhase(Phase phase)
{
    m_phase = phase;
    switch (phase) {
    case Phase::Check:
        queueChecks();
        break;
    case Phase::Objects:
        queueObjects();
        break;
    case Phase::Dependents:
        queueDependents();
        queueManagers();
        break;
    case Phase::Done:
        finishRun();
        return;
    }
    pump();
}

void ApplyJob::queueChecks()
{
    const QStringList userProps = m_options.userFingerprintProperties;
    const QStringList &groupProps = Planner::groupFingerprintProperties();
    for (int i = 0; i < m_plan.changes.size(); ++i) {
        const Change &c = m_plan.changes.at(i);
        // A user to restore is in the deleted items, not at /users: the restore itself finds out if it is gone.
        if (!selected(i) || m_outcomes.at(i).result != ChangeOutcome::Result::Pending || c.cloudId.isEmpty()
            || c.cloudFingerprint.isEmpty() || c.objectType == Change::ObjectType::Membership
            || c.kind == Change::Kind::Restore) {
            continue;
        }
        const bool group = c.objectType == Change::ObjectType::Group;
        m_queue.push_back(Step{Step::Kind::Check, i, ApplyRequests::check(c, group ? groupProps : userProps), {}, {}});
    }
}

void ApplyJob::queueObjects()
{
    for (int i = 0; i < m_plan.changes.size(); ++i) {
        const Change &c = m_plan.changes.at(i);
        if (!selected(i) || m_outcomes.at(i).result != ChangeOutcome::Result::Pending || !isObjectChange(c)) {
            continue;
        }
        if (c.kind == Change::Kind::Update && c.payload.size() == 1 && c.payload.contains(QLatin1String("manager"))) {
            finishChange(i, ChangeOutcome::Result::Done, {}); // only the manager, which queueManagers() sets
            continue;
        }
        m_queue.push_back(objectStep(i));
    }
}

ApplyJob::Step ApplyJob::objectStep(int index)
{
    const Change &c = m_plan.changes.at(index);
    Step step{Step::Kind::Object, index, {}, {}, {}};
    switch (c.kind) {
    case Change::Kind::Create: {
        QString password;
        if (c.objectType == Change::ObjectType::User) {
            // Users of a federated domain sign in at their own identity provider, so their password is never used
            // and does not go to the hand-out sheet.
            const QString domain = c.userPrincipalName.section(QLatin1Char('@'), 1).toLower();
            bool federated = false;
            for (const QString &d : std::as_const(m_options.federatedDomains)) {
                federated |= d.compare(domain, Qt::CaseInsensitive) == 0;
            }
            password = generateInitialPassword();
            if (!federated) {
                step.password = password;
            }
        }
        step.request = ApplyRequests::create(c, password);
        break;
    }
    case Change::Kind::Delete:
        step.request = ApplyRequests::remove(c);
        break;
    case Change::Kind::Restore:
        step.kind = Step::Kind::Restore;
        step.request = ApplyRequests::restore(c);
        break;
    default:
        step.request = ApplyRequests::patch(c);
        break;
    }
    return step;
}

QString ApplyJob::cloudIdFor(Change::ObjectType type, const QString &anchor) const
{
    return (type == Change::ObjectType::Group ? m_groupIds : m_userIds).value(anchor);
}

QString ApplyJob::memberLabel(const QString &memberId) const
{
    const QString anchor = m_memberAnchors.value(memberId);
    return anchor.isEmpty() ? memberId : tr("%1 (id %2)").arg(anchor, memberId);
}

QString
ApplyJob::missingMemberProblem(const QString &groupId, const QString &memberId, const Graph::Response &response) const
{
    if (errorNames(response, groupId) && !errorNames(response, memberId)) {
        return tr("The group no longer exists in the tenant; plan again.");
    }
    return tr("Member %1 was not added: it no longer exists in the tenant.").arg(memberLabel(memberId));
}

void ApplyJob::queueDependents()
{
    for (int i = 0; i < m_plan.changes.size(); ++i) {
        const Change &c = m_plan.changes.at(i);
        if (!selected(i) || m_outcomes.at(i).result != ChangeOutcome::Result::Pending) {
            continue;
        }
        if (c.objectType == Change::ObjectType::Licence) {
            const QString userId = c.cloudId.isEmpty() ? cloudIdFor(Change::ObjectType::User, c.anchor) : c.cloudId;
            if (userId.isEmpty()) {
                finishChange(i, ChangeOutcome::Result::Skipped, tr("Not done because the user was not created."));
                continue;
            }
            m_queue.push_back(Step{Step::Kind::Licence, i, ApplyRequests::licence(c, userId), {}, {}});
        } else if (c.objectType == Change::ObjectType::Membership) {
            const QString groupId = c.cloudId.isEmpty() ? cloudIdFor(Change::ObjectType::Group, c.anchor) : c.cloudId;
            if (groupId.isEmpty()) {
                finishChange(i, ChangeOutcome::Result::Skipped, tr("Not done because the group was not created."));
                continue;
            }
            QStringList missing;
            const auto memberId = [&](const MemberRef &m) {
                QString id = m.cloudId;
                if (id.isEmpty()) {
                    id = cloudIdFor(Change::ObjectType::User, m.anchor);
                }
                if (id.isEmpty()) {
                    missing.append(m.anchor);
                } else {
                    m_memberAnchors.insert(id, m.anchor);
                }
                return id;
            };
            QStringList add;
            for (const MemberRef &m : c.membersToAdd) {
                const QString id = memberId(m);
                if (!id.isEmpty()) {
                    add.append(id);
                }
            }
            int steps = 0;
            for (qsizetype from = 0; from < add.size(); from += ApplyRequests::maxBinds) {
                const QStringList ids = add.mid(from, ApplyRequests::maxBinds);
                Step step{Step::Kind::MembersAdd, i, m_requests.bindMembers(groupId, ids), ids, {}};
                // A 404 is worth waiting out only for objects this run created (not replicated yet); for anything
                // older it means a member is gone, and the whole bind fails at once (see onMemberStepDone()).
                step.request.retryNotFound = m_createdIds.contains(groupId);
                for (const QString &id : ids) {
                    step.request.retryNotFound |= m_createdIds.contains(id);
                }
                m_queue.push_back(step);
                ++steps;
            }
            for (const MemberRef &m : c.membersToRemove) {
                const QString id = memberId(m);
                if (id.isEmpty()) {
                    continue;
                }
                m_queue.push_back(
                    Step{Step::Kind::MemberRemove, i, ApplyRequests::removeMemberRef(groupId, id), {id}, {}});
                ++steps;
            }
            if (!missing.isEmpty()) {
                m_stepProblems[i].append(
                    tr("%n member(s) not added because they were not created", "", int(missing.size())));
            }
            if (steps == 0) {
                const QStringList problems = m_stepProblems.take(i);
                finishChange(i,
                             problems.isEmpty() ? ChangeOutcome::Result::Done : ChangeOutcome::Result::Failed,
                             problems.join(QLatin1String("; ")));
            } else {
                m_openSteps.insert(i, steps);
            }
        }
    }
}

void ApplyJob::queueManagers()
{
    // user-post-manager.md: PUT /users/{id}/manager/$ref; user-delete-manager.md: DELETE …/manager/$ref.
    for (int i = 0; i < m_plan.changes.size(); ++i) {
        const Change &c = m_plan.changes.at(i);
        if (!selected(i) || c.objectType != Change::ObjectType::User || !c.payload.contains(QLatin1String("manager"))
            || m_outcomes.at(i).result != ChangeOutcome::Result::Done) {
            continue;
        }
        const QString userId = c.cloudId.isEmpty() ? cloudIdFor(Change::ObjectType::User, c.anchor) : c.cloudId;
        const QJsonValue manager = c.payload.value(QLatin1String("manager"));
        if (manager.isNull()) {
            m_queue.push_back(Step{Step::Kind::Manager, i, m_requests.manager(userId, {}), {}, {}});
            continue;
        }
        QString managerId = manager.toObject().value(QLatin1String("id")).toString();
        if (managerId.isEmpty()) {
            managerId =
                cloudIdFor(Change::ObjectType::User, manager.toObject().value(QLatin1String("anchor")).toString());
        }
        if (managerId.isEmpty()) {
            amendFailed(i, tr("The manager was not set because the manager's account was not created."), {});
            continue;
        }
        m_queue.push_back(Step{Step::Kind::Manager, i, m_requests.manager(userId, managerId), {}, {}});
    }
}

void ApplyJob::amendFailed(int index, const QString &problem, const QString &requestId)
{
    ChangeOutcome &outcome = m_outcomes[index];
    if (outcome.result != ChangeOutcome::Result::Failed) {
        outcome.result = ChangeOutcome::Result::Failed;
        ++m_failed;
    }
    outcome.message = outcome.message.isEmpty() ? problem : outcome.message + str("; ") + problem;
    if (!requestId.isEmpty()) {
        outcome.requestId = requestId;
    }
    Q_EMIT changeFinished(index, outcome);
}

void ApplyJob::pump()
{
    if (isFinished()) {
        return;
    }
    while (!m_cancelRequested && m_fatal.isNull() && int(m_inFlight.size()) < m_options.parallelBatches
           && !m_queue.empty()) {
        QList<Step> steps;
        QList<Graph::Request> requests;
        while (!m_queue.empty() && steps.size() < maxBatch) {
            steps.append(m_queue.front());
            requests.append(m_queue.front().request);
            m_queue.pop_front();
        }
        Graph::BatchJob *job = m_client->batch(requests);
        job->setParent(this);
        m_inFlight.append(job);
        connect(job, &Job::finished, this, [this, job, steps] {
            onBatchFinished(job, steps);
        });
        job->start();
    }
    if (!m_inFlight.isEmpty()) {
        return;
    }
    if (!m_fatal.isNull() || m_cancelRequested) {
        finishRun();
        return;
    }
    if (m_queue.empty()) {
        startPhase(m_phase == Phase::Check         ? Phase::Objects
                       : m_phase == Phase::Objects ? Phase::Dependents
                                                   : Phase::Done);
    }
}

void ApplyJob::onBatchFinished(Graph::BatchJob *job, const QList<Step> &steps)
{
    m_inFlight.removeAll(job);
    job->deleteLater();
    const std::vector<Graph::Response> &responses = job->responses();
    for (int i = 0; i < steps.size() && m_fatal.isNull(); ++i) {
        Graph::Response response = i < int(responses.size()) ? responses[size_t(i)] : Graph::Response{};
        if (response.status == 0 && response.error.isNull()) {
            response.error = job->error();
        }
        if (response.ok() && steps.at(i).request.isWrite()) {
            ++m_writes;
        }
        onStepDone(steps.at(i), response);
    }
    emitProgress();
    pump();
}

void ApplyJob::onStepDone(const Step &step, const Graph::Response &response)
{
    const Change &c = m_plan.changes.at(step.change);
    switch (step.kind) {
    case Step::Kind::Check: {
        if (response.status == 404) {
            finishChange(step.change,
                         ChangeOutcome::Result::Stale,
                         tr("The object no longer exists in the tenant; plan again."),
                         response.requestId);
            return;
        }
        if (!response.ok()) {
            finishChange(step.change, ChangeOutcome::Result::Failed, failureMessage(response), response.requestId);
            return;
        }
        const QStringList props = c.objectType == Change::ObjectType::Group ? Planner::groupFingerprintProperties()
                                                                            : m_options.userFingerprintProperties;
        if (Planner::fingerprint(response.json, props) != c.cloudFingerprint) {
            finishChange(step.change,
                         ChangeOutcome::Result::Stale,
                         tr("Changed in the tenant since the plan was made; planned again instead of overwritten."),
                         response.requestId);
        }
        return;
    }
    case Step::Kind::Object:
        onObjectDone(step, response);
        return;
    case Step::Kind::Rename:
        // The account is disabled already (the first request); only the rename is left to report.
        if (response.ok()) {
            finishChange(step.change, ChangeOutcome::Result::Done, {}, response.requestId, c.cloudId);
        } else {
            finishChange(step.change,
                         ChangeOutcome::Result::Failed,
                         tr("The account is disabled, but renaming it failed: %1").arg(failureMessage(response)),
                         response.requestId);
        }
        return;
    case Step::Kind::Restore:
        onRestored(step, response);
        return;
    case Step::Kind::Reconcile:
        onReconciled(step, response);
        return;
    case Step::Kind::Manager:
        // Removing a manager that is already gone is what was wanted.
        if (!response.ok() && !(step.request.method == "DELETE" && response.status == 404)) {
            amendFailed(
                step.change, tr("The manager could not be set: %1").arg(failureMessage(response)), response.requestId);
        }
        return;
    case Step::Kind::Licence:
        if (response.ok()) {
            finishChange(step.change, ChangeOutcome::Result::Done, {}, response.requestId);
        } else {
            finishChange(step.change, ChangeOutcome::Result::Failed, failureMessage(response), response.requestId);
        }
        return;
    case Step::Kind::MembersAdd:
    case Step::Kind::MemberRemove:
    case Step::Kind::MemberRefAdd:
        onMemberStepDone(step, response);
        return;
    }
}

void ApplyJob::onObjectDone(const Step &step, const Graph::Response &response)
{
    const Change &c = m_plan.changes.at(step.change);
    const bool group = c.objectType == Change::ObjectType::Group;
    if (!response.ok()) {
        if (c.kind == Change::Kind::Create && !group && alreadyExists(response)) {
            // The create may have reached the tenant before (a run killed after sending, a reset answer): look for
            // the user by its anchor instead of failing or creating a second one.
            const QString immutable = c.payload.value(QLatin1String("onPremisesImmutableId")).toString();
            Step reconcile{Step::Kind::Reconcile,
                           step.change,
                           ApplyRequests::findByImmutableId(immutable),
                           {},
                           failureMessage(response)};
            m_queue.push_front(reconcile);
            return;
        }
        if (c.kind == Change::Kind::Delete && response.status == 404) {
            finishChange(
                step.change, ChangeOutcome::Result::Done, tr("Already gone from the tenant."), response.requestId);
            return;
        }
        if (c.kind == Change::Kind::Restore) {
            finishChange(
                step.change,
                ChangeOutcome::Result::Failed,
                tr("The user is restored, but setting its properties failed: %1").arg(failureMessage(response)),
                response.requestId);
            return;
        }
        finishChange(step.change, ChangeOutcome::Result::Failed, failureMessage(response), response.requestId);
        return;
    }
    if (ApplyRequests::disableRenames(c)) {
        // Disabled: now the rename (and whatever else the disable sets), as a request of its own.
        m_queue.push_front(Step{Step::Kind::Rename, step.change, *ApplyRequests::renameAfterDisable(c), {}, {}});
        return;
    }
    QString cloudId = c.cloudId;
    if (c.kind == Change::Kind::Create) {
        cloudId = response.json.value(QLatin1String("id")).toString();
        (group ? m_groupIds : m_userIds).insert(c.anchor, cloudId);
        m_createdIds.insert(cloudId);
        if (!step.password.isEmpty()) {
            Q_EMIT initialPasswordIssued(
                c.userPrincipalName, c.payload.value(QLatin1String("displayName")).toString(), step.password);
        }
        if (!step.password.isEmpty() && m_passwords.isOpen()) {
            const Result<bool> written = m_passwords.add(
                c.userPrincipalName, c.payload.value(QLatin1String("displayName")).toString(), step.password);
            if (!written.ok()) {
                m_fatal = written.error;
            }
        }
    } else if (c.kind == Change::Kind::Link || c.kind == Change::Kind::Restore) {
        (group ? m_groupIds : m_userIds).insert(c.anchor, cloudId);
    }
    finishChange(step.change, ChangeOutcome::Result::Done, {}, response.requestId, cloudId);
}

void ApplyJob::onRestored(const Step &step, const Graph::Response &response)
{
    const Change &c = m_plan.changes.at(step.change);
    if (response.status == 404) {
        finishChange(step.change,
                     ChangeOutcome::Result::Stale,
                     tr("The user is no longer in the deleted items (deleted for good, or its 30 days are over); "
                        "plan again."),
                     response.requestId);
        return;
    }
    if (!response.ok()) {
        finishChange(step.change, ChangeOutcome::Result::Failed, failureMessage(response), response.requestId);
        return;
    }
    // Back with its old id: its licences and memberships (which carry that id) can follow like a linked user's.
    m_userIds.insert(c.anchor, c.cloudId);
    if (const std::optional<Graph::Request> patch = ApplyRequests::patchAfterRestore(c)) {
        m_queue.push_front(Step{Step::Kind::Object, step.change, *patch, {}, {}});
        return;
    }
    finishChange(step.change, ChangeOutcome::Result::Done, {}, response.requestId, c.cloudId);
}

void ApplyJob::onReconciled(const Step &step, const Graph::Response &response)
{
    const QJsonArray found = response.json.value(QLatin1String("value")).toArray();
    if (!response.ok() || found.size() != 1) {
        // step.password carries the create's own failure message here.
        finishChange(step.change, ChangeOutcome::Result::Failed, step.password, response.requestId);
        return;
    }
    const Change &c = m_plan.changes.at(step.change);
    const QString cloudId = found.at(0).toObject().value(QLatin1String("id")).toString();
    m_userIds.insert(c.anchor, cloudId);
    m_createdIds.insert(cloudId);
    finishChange(step.change,
                 ChangeOutcome::Result::Done,
                 tr("Already in the tenant from an interrupted run; linked. Its initial password is in that run's "
                    "password file."),
                 response.requestId,
                 cloudId);
}

void ApplyJob::onMemberStepDone(const Step &step, const Graph::Response &response)
{
    const int index = step.change;
    const QString groupId = step.request.path.section(QLatin1Char('/'), 2, 2);
    if (!response.ok()) {
        const bool groupGone = response.status == 404 && errorNames(response, groupId);
        if (step.kind == Step::Kind::MembersAdd
            && (alreadyExists(response) || (response.status == 404 && !groupGone))) {
            // Graph refuses the whole bind when one reference is already there (someone added it meanwhile) or one
            // member no longer exists (group-post-members.md: "If an error condition exists in the request body, no
            // members are added"): one reference at a time, so the others join and only the culprit is reported.
            for (const QString &id : step.memberIds) {
                Step one{Step::Kind::MemberRefAdd, index, m_requests.addMemberRef(groupId, id), {id}, {}};
                one.request.retryNotFound = m_createdIds.contains(id) || m_createdIds.contains(groupId);
                m_queue.push_front(one);
            }
            m_openSteps[index] += int(step.memberIds.size());
        } else if (step.kind == Step::Kind::MemberRefAdd && alreadyExists(response)) {
            // Already a member: what was wanted.
        } else if (step.kind == Step::Kind::MemberRefAdd && response.status == 404) {
            // group-post-members.md: 404 when the object being added doesn't exist.
            m_stepProblems[index].append(missingMemberProblem(groupId, step.memberIds.value(0), response));
        } else if (step.kind == Step::Kind::MembersAdd && groupGone) {
            m_stepProblems[index].append(tr("The group no longer exists in the tenant; plan again."));
        } else if (step.kind == Step::Kind::MemberRemove && response.status == 404) {
            // Already not a member.
        } else {
            m_stepProblems[index].append(failureMessage(response));
        }
    }
    if (--m_openSteps[index] > 0) {
        return;
    }
    m_openSteps.remove(index);
    const QStringList problems = m_stepProblems.take(index);
    finishChange(index,
                 problems.isEmpty() ? ChangeOutcome::Result::Done : ChangeOutcome::Result::Failed,
                 problems.join(QLatin1String("; ")),
                 response.requestId);
}

void ApplyJob::finishChange(
    int index, ChangeOutcome::Result result, const QString &message, const QString &requestId, const QString &cloudId)
{
    const Change &c = m_plan.changes.at(index);
    std::optional<Link> link;
    bool unlink = false;
    if (result == ChangeOutcome::Result::Done && isObjectChange(c)) {
        if (c.kind == Change::Kind::Delete) {
            unlink = true;
        } else {
            Link l;
            l.anchor = c.anchor;
            l.objectType = c.objectType;
            l.cloudId = cloudId.isEmpty() ? c.cloudId : cloudId;
            if (c.kind != Change::Kind::Create && c.kind != Change::Kind::Link && c.kind != Change::Kind::Restore) {
                l.lastValues = m_store->lastValues(c.anchor);
            }
            for (auto it = c.payload.constBegin(); it != c.payload.constEnd(); ++it) {
                l.lastValues.insert(it.key(), it.value());
            }
            link = l;
        }
    }
    const Result<bool> recorded =
        m_store->recordApplied(m_runId, index, c, ChangeOutcome::resultName(result), message, link, unlink);
    if (!recorded.ok()) {
        m_fatal = recorded.error;
        qCWarning(lcSync) << "could not record change" << index << recorded.error.details;
    }
    ChangeOutcome &outcome = m_outcomes[index];
    outcome.result = result;
    outcome.message = message;
    outcome.requestId = requestId;
    ++m_done;
    if (result == ChangeOutcome::Result::Failed) {
        ++m_failed;
    }
    Q_EMIT changeFinished(index, outcome);
}

void ApplyJob::requestStop()
{
    m_cancelRequested = true;
    if (m_inFlight.isEmpty() && !isFinished() && m_runId > 0) {
        QTimer::singleShot(0, this, [this] {
            pump();
        });
    }
}

void ApplyJob::finishRun()
{
    if (isFinished()) {
        return;
    }
    QString status = str("done");
    if (!m_fatal.isNull()) {
        status = str("failed");
    } else if (m_cancelRequested && m_done < m_total) {
        status = str("cancelled");
    } else if (m_failed > 0) {
        status = str("finished with failures");
    }
    m_store->endRun(m_runId, counts(), status);
    emitProgress();
    qCInfo(lcSync) << "run" << m_runId << status << counts();
    if (!m_fatal.isNull()) {
        fail(m_fatal);
    } else if (status == QLatin1String("cancelled")) {
        fail(Error::cancelled(
            tr("Stopped after %1 of %2 changes; the rest is planned again on the next run.").arg(m_done).arg(m_total)));
    } else {
        succeed();
    }
}

void ApplyJob::emitProgress()
{
    Q_EMIT progressChanged(progress());
}

} // namespace M365::Sync
