// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "ldapconnection.h"

#include "directoryjob.h"
#include "directorylog.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <ldap.h>
#include <vector>

namespace M365::Directory {

namespace {

/**
 * Reads the rest of a syncInfoValue choice (RFC 4533 section 2.5): `{ cookie OPTIONAL, BOOLEAN DEFAULT … }`; returns
 * the boolean, or @p absent when the server left it out.
 */
bool readFlagAfterCookie(BerElement *ber, bool absent)
{
    ber_len_t len = 0;
    ber_scanf(ber, "{");
    ber_tag_t next = ber_peek_tag(ber, &len);
    if (next == LDAP_TAG_SYNC_COOKIE) {
        struct berval cookie;
        ber_scanf(ber, "m", &cookie);
        next = ber_peek_tag(ber, &len);
    }
    if (next != LBER_BOOLEAN) {
        return absent;
    }
    ber_int_t flag = absent ? 1 : 0;
    ber_scanf(ber, "b", &flag);
    return flag != 0;
}

constexpr int kPollMicroseconds = 100 * 1000;
/// LDAP_SERVER_NOTIFICATION_OID: Active Directory's change notification control.
constexpr char kAdNotificationOid[] = "1.2.840.113556.1.4.528";

/// The translation context of this file's messages: lupdate finds LdapText::tr(), where it would miss a helper
/// function.
struct LdapText
{
    Q_DECLARE_TR_FUNCTIONS(M365::Directory::LdapSource)
};

/// NULL-terminated char* array over UTF-8 copies, for libldap's attribute lists.
class CStringList
{
public:
    explicit CStringList(const QStringList &list)
    {
        for (const QString &s : list) {
            m_storage.push_back(s.toUtf8());
        }
        for (QByteArray &b : m_storage) {
            m_pointers.push_back(b.data());
        }
        m_pointers.push_back(nullptr);
    }
    char **data() { return m_storage.empty() ? nullptr : m_pointers.data(); }

private:
    std::vector<QByteArray> m_storage;
    std::vector<char *> m_pointers;
};

int toLdapScope(LdapConfig::Scope scope)
{
    switch (scope) {
    case LdapConfig::Scope::Base:
        return LDAP_SCOPE_BASE;
    case LdapConfig::Scope::OneLevel:
        return LDAP_SCOPE_ONELEVEL;
    case LdapConfig::Scope::Subtree:
        return LDAP_SCOPE_SUBTREE;
    }
    return LDAP_SCOPE_SUBTREE;
}

bool looksLikeTlsProblem(const QString &diagnostic)
{
    const QString d = diagnostic.toLower();
    return d.contains(QLatin1String("tls")) || d.contains(QLatin1String("ssl"))
        || d.contains(QLatin1String("certificate")) || d.contains(QLatin1String("handshake"));
}

} // namespace

LdapConnection::LdapConnection(const LdapConfig &config, JobSink &sink)
    : m_config(config)
    , m_sink(sink)
{}

LdapConnection::~LdapConnection()
{
    ldap_msgfree(m_watchMessage);
    if (m_ld) {
        ldap_unbind_ext_s(m_ld, nullptr, nullptr);
    }
}

QString LdapConnection::diagnosticMessage() const
{
    if (!m_ld) {
        return {};
    }
    char *message = nullptr;
    ldap_get_option(m_ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &message);
    const QString text = message ? QString::fromUtf8(message) : QString();
    ldap_memfree(message);
    return text;
}

void LdapConnection::setError(int rc, const QString &operation, const QString &diagnostic)
{
    const QString server = m_config.effectiveUrl();
    const QString diag = diagnostic.isEmpty() ? diagnosticMessage() : diagnostic;
    DirectoryError::Code code = DirectoryError::ServerError;
    QString message;
    const QString details = QStringLiteral("%1 on %2: %3 (%4)%5")
                                .arg(operation, server, QString::fromUtf8(ldap_err2string(rc)))
                                .arg(rc)
                                .arg(diag.isEmpty() ? QString() : QStringLiteral(": ") + diag);
    const bool tlsInUse = m_config.effectiveTls() != LdapConfig::Tls::None;
    switch (rc) {
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
        // libldap reports a failed TLS handshake on ldaps:// as "Can't contact LDAP server", like
        // a closed port. Telling them apart matters (one is a firewall, the other a CA file), so
        // probe the plain TCP connection once.
        if (tlsInUse && (rc == LDAP_CONNECT_ERROR || looksLikeTlsProblem(diag) || tcpReachable())) {
            code = DirectoryError::TlsFailed;
            message = tlsFailureMessage(diag);
        } else {
            code = DirectoryError::ServerUnreachable;
            message = LdapText::tr("Cannot reach the LDAP server at %1. Check the host name and port, that the "
                                   "server is running and that no firewall blocks the connection.")
                          .arg(server);
        }
        break;
    case LDAP_INVALID_CREDENTIALS:
        code = DirectoryError::InvalidCredentials;
        message = LdapText::tr("The server rejected the bind DN or the password. Check the bind DN \"%1\" and "
                               "enter the password again.")
                      .arg(m_config.bindDn);
        break;
    case LDAP_INAPPROPRIATE_AUTH:
    case LDAP_STRONG_AUTH_REQUIRED:
    case LDAP_CONFIDENTIALITY_REQUIRED:
        code = DirectoryError::InvalidCredentials;
        message = LdapText::tr("The server refuses this kind of login on an unencrypted connection. Use StartTLS "
                               "or an ldaps:// address.");
        break;
    case LDAP_NO_SUCH_OBJECT:
        code = DirectoryError::NoSuchBase;
        message = LdapText::tr("The base DN \"%1\" does not exist on the server. Check its spelling against the "
                               "server's naming contexts.")
                      .arg(m_config.baseDn);
        break;
    case LDAP_FILTER_ERROR:
        code = DirectoryError::InvalidFilter;
        message = LdapText::tr("The search filter is not valid LDAP filter syntax (RFC 4515). Check its "
                               "parentheses and operators: %1")
                      .arg(operation);
        break;
    case LDAP_TIMEOUT:
    case LDAP_TIMELIMIT_EXCEEDED:
        code = DirectoryError::Timeout;
        message = LdapText::tr("The LDAP server %1 did not answer within %2 seconds. Check the server load or "
                               "raise the timeout.")
                      .arg(server)
                      .arg(m_config.timeoutSeconds);
        break;
    case LDAP_INSUFFICIENT_ACCESS:
        code = DirectoryError::ServerError;
        message = LdapText::tr("The bind DN may not read this part of the directory. Check its access rights.");
        break;
    case LDAP_SIZELIMIT_EXCEEDED:
    case LDAP_ADMINLIMIT_EXCEEDED:
        code = DirectoryError::ServerError;
        message = LdapText::tr("The server stopped the search at its size limit. Allow paged searches for the "
                               "bind DN (e.g. slapd's size.prtotal=unlimited, AD's MaxPageSize).");
        break;
    case LDAP_PROTOCOL_ERROR:
        if (operation.contains(QLatin1String("StartTLS"))) {
            code = DirectoryError::TlsFailed;
            message = LdapText::tr("The server %1 does not offer StartTLS. Enable TLS on the server or use an "
                                   "ldaps:// address.")
                          .arg(server);
            break;
        }
        Q_FALLTHROUGH();
    default:
        code = DirectoryError::ServerError;
        message = LdapText::tr("The LDAP server reported an error during %1: %2.")
                      .arg(operation, QString::fromUtf8(ldap_err2string(rc)));
        break;
    }
    qCWarning(lcDirectory) << details;
    m_error = DirectoryError::make(code, message, details);
}

bool LdapConnection::applyTlsOptions(LDAP *ld, bool verify) const
{
    // libldap gives every new handle empty TLS settings and would build a context from them that trusts no CA at
    // all, so the defaults of ldap.conf (TLS_CACERT: the system's CAs) are copied over explicitly. A CA file the
    // admin chose replaces the default file; a CA directory from ldap.conf stays trusted besides it. ~/.ldaprc or
    // ldap.conf might say TLS_REQCERT never: the requirement is always set here, never inherited.
    const int requirement = verify ? LDAP_OPT_X_TLS_DEMAND : LDAP_OPT_X_TLS_NEVER;
    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &requirement);
    const TrustStore trust = trustStore();
    if (!trust.file.isEmpty()) {
        const QByteArray file = trust.file.toLocal8Bit();
        ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, file.constData());
    }
    if (!trust.directory.isEmpty()) {
        const QByteArray directory = trust.directory.toLocal8Bit();
        ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTDIR, directory.constData());
    }
    const int isServer = 0;
    return ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &isServer) == LDAP_SUCCESS;
}

LdapConnection::TrustStore LdapConnection::trustStore() const
{
    auto globalOption = [](int option) {
        char *value = nullptr;
        ldap_get_option(nullptr, option, &value);
        const QString text = value ? QString::fromLocal8Bit(value) : QString();
        ldap_memfree(value);
        return text;
    };
    TrustStore trust;
    trust.file = m_config.caFile.isEmpty() ? globalOption(LDAP_OPT_X_TLS_CACERTFILE) : m_config.caFile;
    trust.directory = globalOption(LDAP_OPT_X_TLS_CACERTDIR);
    return trust;
}

ServerCertificate LdapConnection::peerCertificate(LDAP *ld)
{
    struct berval certificate = {0, nullptr};
    if (ldap_get_option(ld, LDAP_OPT_X_TLS_PEERCERT, &certificate) != LDAP_OPT_SUCCESS || !certificate.bv_val) {
        return {};
    }
    const ServerCertificate result =
        ServerCertificate::fromDer(QByteArray(certificate.bv_val, static_cast<qsizetype>(certificate.bv_len)));
    ber_memfree(certificate.bv_val);
    return result;
}

ServerCertificate LdapConnection::fetchCertificateUnverified() const
{
    // A second handshake that checks nothing and binds nothing, only to read what the server presents: libldap
    // reports a refused certificate without saying what is wrong with it.
    LDAP *probe = nullptr;
    if (ldap_initialize(&probe, m_config.effectiveUrl().toUtf8().constData()) != LDAP_SUCCESS) {
        return {};
    }
    const int version = LDAP_VERSION3;
    ldap_set_option(probe, LDAP_OPT_PROTOCOL_VERSION, &version);
    struct timeval timeout = {m_config.timeoutSeconds, 0};
    ldap_set_option(probe, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
    ldap_set_option(probe, LDAP_OPT_TIMEOUT, &timeout);
    ServerCertificate certificate;
    if (applyTlsOptions(probe, false)) {
        const bool connected = m_config.effectiveTls() == LdapConfig::Tls::StartTls
            ? ldap_start_tls_s(probe, nullptr, nullptr) == LDAP_SUCCESS
            : ldap_connect(probe) == LDAP_SUCCESS;
        if (connected) {
            certificate = peerCertificate(probe);
        }
    }
    ldap_unbind_ext_s(probe, nullptr, nullptr);
    return certificate;
}

QString LdapConnection::tlsFailureMessage(const QString &diagnostic) const
{
    const QString server = m_config.effectiveUrl();
    const ServerCertificate certificate = fetchCertificateUnverified();
    if (!certificate.isNull()) {
        const TrustStore trust = trustStore();
        const QStringList problems = certificate.problems(m_config.host(), trust.file, trust.directory);
        if (!problems.isEmpty()) {
            return LdapText::tr("The secure connection to %1 failed. %2").arg(server, problems.join(QLatin1Char(' ')));
        }
    } else if (tcpReachable()) {
        // The port answers, but no TLS handshake completes on it.
        if (m_config.effectiveTls() == LdapConfig::Tls::Ldaps) {
            return LdapText::tr("%1 answers, but not with TLS: port %2 may be a plain LDAP port. Use ldaps:// with "
                                "the server's LDAPS port (usually 636), or StartTLS on port 389.")
                .arg(server)
                .arg(m_config.port());
        }
        return LdapText::tr("%1 answers, but does not complete StartTLS: port %2 may expect TLS from the first byte "
                            "(LDAPS, usually 636), or the server has no certificate for StartTLS. Use ldaps:// for "
                            "an LDAPS port, or enable TLS on the server.")
            .arg(server)
            .arg(m_config.port());
    }
    const bool informative = !diagnostic.isEmpty() && !diagnostic.contains(QLatin1String("unknown error"));
    return LdapText::tr("The secure connection to %1 failed%2. Check that the CA file is the one that issued the "
                        "server's certificate, that the host name in the URL matches the certificate, and that the "
                        "port speaks %3.")
        .arg(server,
             informative ? QStringLiteral(" (%1)").arg(diagnostic) : QString(),
             m_config.effectiveTls() == LdapConfig::Tls::Ldaps ? QStringLiteral("ldaps")
                                                               : QStringLiteral("LDAP with StartTLS"));
}

bool LdapConnection::tcpReachable() const
{
    QString url = m_config.effectiveUrl();
    if (url.startsWith(QLatin1String("ldaps://"), Qt::CaseInsensitive)) {
        // Same host and port, no TLS: only the TCP connection is tried (the default port of
        // ldaps must stay 636, so name it when the URL has none).
        const QString rest = url.mid(8);
        const QString hostPort = rest.section(QLatin1Char('/'), 0, 0);
        url = QStringLiteral("ldap://") + hostPort
            + (hostPort.contains(QLatin1Char(':')) ? QString() : QStringLiteral(":636"));
    }
    LDAP *probe = nullptr;
    if (ldap_initialize(&probe, url.toUtf8().constData()) != LDAP_SUCCESS) {
        return false;
    }
    struct timeval timeout = {m_config.timeoutSeconds, 0};
    ldap_set_option(probe, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
    const bool reachable = ldap_connect(probe) == LDAP_SUCCESS;
    ldap_unbind_ext_s(probe, nullptr, nullptr);
    return reachable;
}

bool LdapConnection::open(const QString &bindPassword)
{
    const QString url = m_config.effectiveUrl();
    if (!m_config.bindDn.isEmpty() && bindPassword.isEmpty()) {
        // A simple bind with a DN and no password is an "unauthenticated bind" that some servers
        // accept as anonymous: refuse it instead of silently reading less than expected.
        m_error = DirectoryError::make(DirectoryError::InvalidConfiguration,
                                       LdapText::tr("A bind DN is set but the password is empty. Enter the password, "
                                                    "or clear the bind DN for an anonymous bind."));
        return false;
    }
    const QString contradiction = m_config.contradiction();
    if (!contradiction.isEmpty()) {
        m_error = DirectoryError::make(DirectoryError::InvalidConfiguration, contradiction);
        return false;
    }
    int rc = ldap_initialize(&m_ld, url.toUtf8().constData());
    if (rc != LDAP_SUCCESS || !url.contains(QLatin1String("://"))) {
        m_error = DirectoryError::make(
            DirectoryError::InvalidConfiguration,
            LdapText::tr("\"%1\" is not a valid LDAP address. Use ldap://host[:port] or ldaps://host[:port].").arg(url),
            QString::fromUtf8(ldap_err2string(rc)));
        return false;
    }
    const int version = LDAP_VERSION3;
    ldap_set_option(m_ld, LDAP_OPT_PROTOCOL_VERSION, &version);
    // Referrals would make libldap connect (and rebind anonymously) to other servers on its own.
    ldap_set_option(m_ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    struct timeval timeout = {m_config.timeoutSeconds, 0};
    ldap_set_option(m_ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
    ldap_set_option(m_ld, LDAP_OPT_TIMEOUT, &timeout);

    const LdapConfig::Tls tls = m_config.effectiveTls();
    if (tls != LdapConfig::Tls::None && !applyTlsOptions(m_ld, true)) {
        m_error = DirectoryError::make(DirectoryError::TlsFailed,
                                       LdapText::tr("The TLS settings could not be applied. Check that the CA file "
                                                    "\"%1\" exists and holds PEM certificates.")
                                           .arg(m_config.caFile),
                                       diagnosticMessage());
        return false;
    }
    if (tls == LdapConfig::Tls::StartTls) {
        rc = ldap_start_tls_s(m_ld, nullptr, nullptr);
        if (rc != LDAP_SUCCESS) {
            setError(rc, QStringLiteral("StartTLS"));
            return false;
        }
    }
    const QByteArray dn = m_config.bindDn.toUtf8();
    QByteArray password = bindPassword.toUtf8();
    struct berval credentials;
    credentials.bv_val = password.data();
    credentials.bv_len = static_cast<ber_len_t>(password.size());
    rc = ldap_sasl_bind_s(
        m_ld, dn.isEmpty() ? nullptr : dn.constData(), LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
    password.fill('\0');
    if (rc != LDAP_SUCCESS) {
        setError(rc, QStringLiteral("bind"));
        return false;
    }
    if (tls != LdapConfig::Tls::None) {
        m_certificate = peerCertificate(m_ld);
    }
    qCDebug(lcDirectory) << "bound to" << url << (dn.isEmpty() ? "anonymously" : "as") << m_config.bindDn;
    return true;
}

bool LdapConnection::readRootDse(RootDse *out)
{
    const char *attrs[] = {"namingContexts",
                           "supportedControl",
                           "vendorName",
                           "vendorVersion",
                           "defaultNamingContext",
                           "objectClass",
                           nullptr};
    LDAPMessage *result = nullptr;
    const int rc = searchBaseEntry(QByteArray(""), attrs, &result);
    if (rc != LDAP_SUCCESS) {
        ldap_msgfree(result);
        setError(rc, QStringLiteral("reading the root DSE"));
        return false;
    }
    LDAPMessage *entry = ldap_first_entry(m_ld, result);
    auto values = [this, entry](const char *name) {
        QStringList list;
        if (!entry) {
            return list;
        }
        struct berval **vals = ldap_get_values_len(m_ld, entry, name);
        for (int i = 0; vals && vals[i]; ++i) {
            list.append(QString::fromUtf8(vals[i]->bv_val, static_cast<qsizetype>(vals[i]->bv_len)));
        }
        ldap_value_free_len(vals);
        return list;
    };
    out->namingContexts = values("namingContexts");
    out->supportedControls = values("supportedControl");
    out->vendor = (values("vendorName") + values("vendorVersion")).join(QLatin1Char(' '));
    if (out->vendor.isEmpty() && !values("defaultNamingContext").isEmpty()) {
        out->vendor = QStringLiteral("Microsoft Active Directory");
    }
    ldap_msgfree(result);
    return true;
}

bool LdapConnection::RootDse::supportsPagedResults() const
{
    return supportedControls.contains(QLatin1String(LDAP_CONTROL_PAGEDRESULTS));
}

bool LdapConnection::RootDse::supportsSyncRepl() const
{
    return supportedControls.contains(QLatin1String(LDAP_CONTROL_SYNC));
}

bool LdapConnection::RootDse::supportsChangeNotifications() const
{
    return supportedControls.contains(QLatin1String(kAdNotificationOid));
}

int LdapConnection::searchBaseEntry(const QByteArray &dn, const char **attributes, LDAPMessage **result)
{
    struct timeval timeout = {m_config.timeoutSeconds, 0};
    return ldap_search_ext_s(m_ld,
                             dn.constData(),
                             LDAP_SCOPE_BASE,
                             "(objectClass=*)",
                             const_cast<char **>(attributes),
                             0,
                             nullptr,
                             nullptr,
                             &timeout,
                             1,
                             result);
}

bool LdapConnection::checkBase()
{
    const char *attrs[] = {"1.1", nullptr};
    LDAPMessage *result = nullptr;
    const int rc = searchBaseEntry(m_config.baseDn.toUtf8(), attrs, &result);
    ldap_msgfree(result);
    if (rc != LDAP_SUCCESS) {
        setError(rc, QStringLiteral("reading the base DN"));
        return false;
    }
    return true;
}

QStringList LdapConnection::readAttributes() const
{
    QStringList attrs = m_config.attributes;
    if (attrs.isEmpty()) {
        attrs.append(QStringLiteral("*"));
    } else {
        attrs << QStringLiteral("objectClass") << m_config.memberAttributes << QStringLiteral("userAccountControl")
              << QStringLiteral("nsAccountLock") << QStringLiteral("shadowExpire");
    }
    // Operational attributes (entryUUID, pwdAccountLockedTime) are only sent when named.
    attrs << m_config.anchorAttribute << QStringLiteral("pwdAccountLockedTime");
    if (!m_config.anchorFallback.isEmpty()) {
        attrs << m_config.anchorFallback;
    }
    attrs.removeDuplicates();
    return attrs;
}

bool LdapConnection::pagedSearch(const QString &filter,
                                 const QStringList &attributes,
                                 const EntryHandler &handler,
                                 int sizeLimit)
{
    const QByteArray base = m_config.baseDn.toUtf8();
    const QByteArray filterBytes = filter.toUtf8();
    CStringList attrs(attributes);
    struct berval *cookie = nullptr;
    int delivered = 0;
    bool ok = true;
    do {
        LDAPControl *pageControl = nullptr;
        // Not critical: a server without paging then answers in one piece instead of refusing.
        int rc = ldap_create_page_control(m_ld, m_config.pageSize, cookie, 0, &pageControl);
        ber_bvfree(cookie);
        cookie = nullptr;
        if (rc != LDAP_SUCCESS) {
            setError(rc, QStringLiteral("creating the paged results control"));
            return false;
        }
        LDAPControl *controls[] = {pageControl, nullptr};
        struct timeval timeLimit = {m_config.timeoutSeconds, 0};
        int msgid = 0;
        rc = ldap_search_ext(m_ld,
                             base.constData(),
                             toLdapScope(m_config.scope),
                             filterBytes.constData(),
                             attrs.data(),
                             0,
                             controls,
                             nullptr,
                             &timeLimit,
                             sizeLimit,
                             &msgid);
        ldap_control_free(pageControl);
        if (rc != LDAP_SUCCESS) {
            setError(rc, rc == LDAP_FILTER_ERROR ? filter : QStringLiteral("search"));
            return false;
        }
        QElapsedTimer idle;
        idle.start();
        bool pageDone = false;
        while (!pageDone) {
            if (m_sink.isCancelled()) {
                ldap_abandon_ext(m_ld, msgid, nullptr, nullptr);
                return false;
            }
            // Everything received so far in one call, rather than a poll() and a call per entry: at 100,000 entries
            // the calls cost more than decoding the entries.
            LDAPMessage *chain = nullptr;
            struct timeval poll = {0, kPollMicroseconds};
            rc = ldap_result(m_ld, msgid, LDAP_MSG_RECEIVED, &poll, &chain);
            if (rc == 0) {
                if (idle.elapsed() > m_config.timeoutSeconds * 1000LL) {
                    ldap_abandon_ext(m_ld, msgid, nullptr, nullptr);
                    setError(LDAP_TIMEOUT, QStringLiteral("search"));
                    return false;
                }
                continue;
            }
            if (rc < 0) {
                int code = LDAP_OTHER;
                ldap_get_option(m_ld, LDAP_OPT_RESULT_CODE, &code);
                setError(code, QStringLiteral("search"));
                return false;
            }
            idle.restart();
            bool failed = false;
            for (LDAPMessage *message = ldap_first_message(m_ld, chain); message && !failed;
                 message = ldap_next_message(m_ld, message)) {
                switch (ldap_msgtype(message)) {
                case LDAP_RES_SEARCH_ENTRY:
                    ++delivered;
                    if (ok && !handler(message)) {
                        ok = false;
                    }
                    break;
                case LDAP_RES_SEARCH_RESULT: {
                    int code = LDAP_SUCCESS;
                    char *diagnostic = nullptr;
                    LDAPControl **serverControls = nullptr;
                    rc = ldap_parse_result(m_ld, message, &code, nullptr, &diagnostic, nullptr, &serverControls, 0);
                    const QString diag = diagnostic ? QString::fromUtf8(diagnostic) : QString();
                    ldap_memfree(diagnostic);
                    if (rc == LDAP_SUCCESS && code == LDAP_SUCCESS) {
                        LDAPControl *response = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, serverControls, nullptr);
                        if (response) {
                            ber_int_t estimate = 0;
                            struct berval next = {0, nullptr};
                            if (ldap_parse_pageresponse_control(m_ld, response, &estimate, &next) == LDAP_SUCCESS
                                && next.bv_len > 0) {
                                cookie = ber_bvdup(&next);
                            }
                            ber_memfree(next.bv_val);
                        }
                    } else if (!(code == LDAP_SIZELIMIT_EXCEEDED && sizeLimit > 0 && delivered >= sizeLimit)) {
                        setError(rc != LDAP_SUCCESS ? rc : code,
                                 code == LDAP_FILTER_ERROR || code == LDAP_PROTOCOL_ERROR ? filter
                                                                                          : QStringLiteral("search"),
                                 diag);
                        if (code == LDAP_PROTOCOL_ERROR
                            && diag.contains(QLatin1String("filter"), Qt::CaseInsensitive)) {
                            setError(LDAP_FILTER_ERROR, filter, diag);
                        }
                        failed = true;
                    }
                    ldap_controls_free(serverControls);
                    pageDone = true;
                    break;
                }
                default:
                    break; // references: referrals are off and continuations are not followed
                }
            }
            ldap_msgfree(chain);
            if (failed) {
                return false;
            }
        }
        // Each page is handed over at once so that the first entries show up while the rest load.
        m_sink.flush();
        if (!ok || (sizeLimit > 0 && delivered >= sizeLimit)) {
            ber_bvfree(cookie);
            cookie = nullptr;
            break;
        }
    } while (cookie);
    return true;
}

// ---- searches that stay open, for watching ----

int LdapConnection::startSyncSearch(const QString &filter, const QStringList &attributes)
{
    // The Sync Request control (RFC 4533 section 2.2): refreshAndPersist, without a cookie.
    LDAPControl *syncControl = nullptr;
    int rc = LDAP_NO_MEMORY;
    if (BerElement *ber = ber_alloc_t(LBER_USE_DER)) {
        struct berval value = {0, nullptr};
        if (ber_printf(ber, "{e}", static_cast<ber_int_t>(LDAP_SYNC_REFRESH_AND_PERSIST)) != -1
            && ber_flatten2(ber, &value, 0) == 0) {
            rc = ldap_control_create(LDAP_CONTROL_SYNC, 1, &value, 1, &syncControl);
        }
        ber_free(ber, 1);
    }
    if (rc != LDAP_SUCCESS) {
        setError(rc, QStringLiteral("creating the syncrepl control"));
        return -1;
    }
    LDAPControl *controls[] = {syncControl, nullptr};
    const QByteArray base = m_config.baseDn.toUtf8();
    const QByteArray filterBytes = filter.toUtf8();
    CStringList attrs(attributes);
    int msgid = 0;
    // No time limit: the search is meant to run until it is abandoned.
    rc = ldap_search_ext(m_ld,
                         base.constData(),
                         m_config.scope == LdapConfig::Scope::OneLevel ? LDAP_SCOPE_ONELEVEL : LDAP_SCOPE_SUBTREE,
                         filterBytes.constData(),
                         attrs.data(),
                         0,
                         controls,
                         nullptr,
                         nullptr,
                         0,
                         &msgid);
    ldap_control_free(syncControl);
    if (rc != LDAP_SUCCESS) {
        setError(rc, rc == LDAP_FILTER_ERROR ? filter : QStringLiteral("syncrepl search"));
        return -1;
    }
    return msgid;
}

int LdapConnection::startNotificationSearch()
{
    LDAPControl *control = nullptr;
    if (ldap_control_create(kAdNotificationOid, 1, nullptr, 0, &control) != LDAP_SUCCESS) {
        setError(LDAP_NO_MEMORY, QStringLiteral("creating the change notification control"));
        return -1;
    }
    LDAPControl *controls[] = {control, nullptr};
    const QByteArray base = m_config.baseDn.toUtf8();
    char *attributes[] = {const_cast<char *>("1.1"), nullptr};
    int msgid = 0;
    const int rc = ldap_search_ext(m_ld,
                                   base.constData(),
                                   LDAP_SCOPE_SUBTREE,
                                   "(objectClass=*)",
                                   attributes,
                                   0,
                                   controls,
                                   nullptr,
                                   nullptr,
                                   0,
                                   &msgid);
    ldap_control_free(control);
    if (rc != LDAP_SUCCESS) {
        setError(rc, QStringLiteral("starting the change notification search"));
        return -1;
    }
    return msgid;
}

bool LdapConnection::readWatchMessage(int searchId, const QString &operation, WatchMessage *out)
{
    ldap_msgfree(m_watchMessage);
    m_watchMessage = nullptr;
    *out = WatchMessage();
    struct timeval poll = {0, kPollMicroseconds};
    const int rc = ldap_result(m_ld, searchId < 0 ? LDAP_RES_ANY : searchId, LDAP_MSG_ONE, &poll, &m_watchMessage);
    if (rc == 0) {
        return true;
    }
    if (rc < 0) {
        m_watchMessage = nullptr;
        int code = LDAP_SERVER_DOWN;
        ldap_get_option(m_ld, LDAP_OPT_RESULT_CODE, &code);
        setError(code, operation);
        return false;
    }
    out->searchId = ldap_msgid(m_watchMessage);
    out->message = m_watchMessage;
    switch (ldap_msgtype(m_watchMessage)) {
    case LDAP_RES_SEARCH_ENTRY:
        out->kind = WatchMessage::Entry;
        break;
    case LDAP_RES_INTERMEDIATE:
        out->kind = WatchMessage::Intermediate;
        break;
    case LDAP_RES_SEARCH_RESULT: {
        // A search that stays open only ends when the server must end it: never a success for the watcher.
        int code = LDAP_SUCCESS;
        ldap_parse_result(m_ld, m_watchMessage, &code, nullptr, nullptr, nullptr, nullptr, 0);
        out->kind = WatchMessage::Ended;
        setError(code == LDAP_SUCCESS ? LDAP_UNAVAILABLE : code, operation);
        break;
    }
    default:
        out->kind = WatchMessage::Other;
        break;
    }
    return true;
}

bool LdapConnection::syncState(LDAPMessage *entry, SyncState *state, QByteArray *uuid) const
{
    LDAPControl **controls = nullptr;
    if (ldap_get_entry_controls(m_ld, entry, &controls) != LDAP_SUCCESS) {
        return false;
    }
    bool ok = false;
    LDAPControl *control = ldap_control_find(LDAP_CONTROL_SYNC_STATE, controls, nullptr);
    if (control) {
        BerElement *ber = ber_init(&control->ldctl_value);
        ber_int_t value = 0;
        struct berval id = {0, nullptr};
        if (ber && ber_scanf(ber, "{em", &value, &id) != LBER_ERROR) {
            switch (value) {
            case LDAP_SYNC_PRESENT:
                *state = SyncState::Present;
                ok = true;
                break;
            case LDAP_SYNC_ADD:
                *state = SyncState::Add;
                ok = true;
                break;
            case LDAP_SYNC_MODIFY:
                *state = SyncState::Modify;
                ok = true;
                break;
            case LDAP_SYNC_DELETE:
                *state = SyncState::Delete;
                ok = true;
                break;
            default:
                break; // not a state of RFC 4533: the entry is ignored
            }
            *uuid = QByteArray(id.bv_val, static_cast<qsizetype>(id.bv_len));
        }
        if (ber) {
            ber_free(ber, 1);
        }
    }
    ldap_controls_free(controls);
    return ok;
}

bool LdapConnection::syncInfo(LDAPMessage *message, SyncInfo *info) const
{
    char *oid = nullptr;
    struct berval *data = nullptr;
    if (ldap_parse_intermediate(m_ld, message, &oid, &data, nullptr, 0) != LDAP_SUCCESS) {
        return false;
    }
    BerElement *ber = oid && qstrcmp(oid, LDAP_SYNC_INFO) == 0 && data ? ber_init(data) : nullptr;
    const bool isSyncInfo = ber != nullptr;
    if (isSyncInfo) {
        ber_len_t len = 0;
        const ber_tag_t tag = ber_peek_tag(ber, &len);
        if (tag == LDAP_TAG_SYNC_REFRESH_DELETE || tag == LDAP_TAG_SYNC_REFRESH_PRESENT) {
            info->isRefreshEnd = true;
            info->refreshDone = readFlagAfterCookie(ber, true); // refreshDone DEFAULT TRUE
        } else if (tag == LDAP_TAG_SYNC_ID_SET) {
            info->deletes = readFlagAfterCookie(ber, false);
            BerVarray ids = nullptr;
            if (ber_scanf(ber, "[W]", &ids) != LBER_ERROR && ids) {
                for (int i = 0; ids[i].bv_val; ++i) {
                    info->uuids.append(QByteArray(ids[i].bv_val, static_cast<qsizetype>(ids[i].bv_len)));
                }
                ber_bvarray_free(ids);
            }
        }
        ber_free(ber, 1);
    }
    ldap_memfree(oid);
    ber_bvfree(data);
    return isSyncInfo;
}

void LdapConnection::abandon(int searchId)
{
    ldap_abandon_ext(m_ld, searchId, nullptr, nullptr);
}

QString LdapConnection::dnOf(LDAPMessage *message) const
{
    char *dn = ldap_get_dn(m_ld, message);
    const QString text = dn ? QString::fromUtf8(dn) : QString();
    ldap_memfree(dn);
    return text;
}

bool LdapConnection::readEntry(const QString &dn, EntryKind kind, DirectoryEntry *entry)
{
    return readMatchingEntry(dn, QStringLiteral("(objectClass=*)"), kind, entry);
}

bool LdapConnection::readMatchingEntry(const QString &dn, const QString &filter, EntryKind kind, DirectoryEntry *entry)
{
    const QByteArray dnBytes = dn.toUtf8();
    const QByteArray filterBytes = filter.toUtf8();
    CStringList attrs(readAttributes());
    LDAPMessage *result = nullptr;
    struct timeval timeout = {m_config.timeoutSeconds, 0};
    const int rc = ldap_search_ext_s(m_ld,
                                     dnBytes.constData(),
                                     LDAP_SCOPE_BASE,
                                     filterBytes.constData(),
                                     attrs.data(),
                                     0,
                                     nullptr,
                                     nullptr,
                                     &timeout,
                                     1,
                                     &result);
    bool found = false;
    if (rc == LDAP_SUCCESS) {
        LDAPMessage *message = ldap_first_entry(m_ld, result);
        QString problem;
        found = message && toEntry(message, kind, entry, &problem);
    }
    ldap_msgfree(result);
    return found;
}

bool LdapConnection::fetchRange(const QString &dn, const QString &attribute, int nextStart, QStringList *values)
{
    // AD returns at most MaxValRange values of a large attribute per request, as
    // "member;range=0-1499"; ask for the next range until the server answers with "-*".
    while (nextStart >= 0) {
        const QString request = QStringLiteral("%1;range=%2-*").arg(attribute).arg(nextStart);
        const QByteArray requestBytes = request.toUtf8();
        const QByteArray dnBytes = dn.toUtf8();
        char *attrs[] = {const_cast<char *>(requestBytes.constData()), nullptr};
        LDAPMessage *result = nullptr;
        struct timeval timeout = {m_config.timeoutSeconds, 0};
        const int rc = ldap_search_ext_s(m_ld,
                                         dnBytes.constData(),
                                         LDAP_SCOPE_BASE,
                                         "(objectClass=*)",
                                         attrs,
                                         0,
                                         nullptr,
                                         nullptr,
                                         &timeout,
                                         1,
                                         &result);
        if (rc != LDAP_SUCCESS) {
            ldap_msgfree(result);
            return false;
        }
        nextStart = -1;
        LDAPMessage *entry = ldap_first_entry(m_ld, result);
        BerElement *ber = nullptr;
        for (char *name = entry ? ldap_first_attribute(m_ld, entry, &ber) : nullptr; name;
             name = ldap_next_attribute(m_ld, entry, ber)) {
            const QString returned = QString::fromUtf8(name);
            if (returned.startsWith(attribute + QStringLiteral(";range="), Qt::CaseInsensitive)) {
                struct berval **vals = ldap_get_values_len(m_ld, entry, name);
                for (int i = 0; vals && vals[i]; ++i) {
                    values->append(QString::fromUtf8(vals[i]->bv_val, static_cast<qsizetype>(vals[i]->bv_len)));
                }
                ldap_value_free_len(vals);
                const QString end = returned.section(QLatin1Char('-'), -1);
                if (end != QLatin1String("*")) {
                    nextStart = end.toInt() + 1;
                }
            }
            ldap_memfree(name);
        }
        ber_free(ber, 0);
        ldap_msgfree(result);
    }
    return true;
}

bool LdapConnection::toEntry(LDAPMessage *message, EntryKind kind, DirectoryEntry *entry, QString *problem)
{
    entry->kind = kind;
    // One pass over the entry's BER: ldap_get_values_len() would rescan the entry per attribute.
    BerElement *ber = nullptr;
    struct berval name = {0, nullptr};
    if (ldap_get_dn_ber(m_ld, message, &ber, &name) != LDAP_SUCCESS) {
        *problem = LdapText::tr("the server sent an entry that cannot be decoded");
        return false;
    }
    entry->dn = QString::fromUtf8(name.bv_val, static_cast<qsizetype>(name.bv_len));
    bool ok = true;
    while (true) {
        struct berval *vals = nullptr;
        if (ldap_get_attribute_ber(m_ld, message, ber, &name, &vals) != LDAP_SUCCESS || !name.bv_val) {
            break;
        }
        const QByteArray rawName = QByteArray::fromRawData(name.bv_val, static_cast<qsizetype>(name.bv_len));
        auto cached = m_names.constFind(rawName);
        if (cached == m_names.constEnd()) {
            cached =
                m_names.insert(QByteArray(rawName.constData(), rawName.size()), QString::fromUtf8(rawName).toLower());
        }
        QString attribute = *cached;
        int rangeNext = -1;
        const int range = attribute.indexOf(QLatin1String(";range="));
        if (range > 0) {
            const QString end = attribute.section(QLatin1Char('-'), -1);
            if (end != QLatin1String("*")) {
                rangeNext = end.toInt() + 1;
            }
            attribute.truncate(range);
        }
        const bool binary = isBinaryAttribute(attribute);
        for (int i = 0; vals && vals[i].bv_val; ++i) {
            const QByteArray bytes(vals[i].bv_val, static_cast<qsizetype>(vals[i].bv_len));
            QString text;
            if (!binary && decodeUtf8(bytes, &text)) {
                entry->attributes.append(attribute, text);
            } else {
                entry->binaryAttributes[attribute].append(bytes);
            }
        }
        ber_memfree(vals);
        if (rangeNext >= 0) {
            QStringList more;
            const bool complete = fetchRange(entry->dn, attribute, rangeNext, &more);
            entry->attributes.append(attribute, more);
            if (!complete) {
                *problem = LdapText::tr("could not read all values of \"%1\" (ranged retrieval failed)").arg(attribute);
                ok = false;
                break;
            }
        }
    }
    ber_free(ber, 0);
    if (!ok) {
        return false;
    }

    // The anchor attribute, else the fallback (mS-DS-ConsistencyGuid, else objectGUID, as Entra Connect does).
    for (const QString &attribute : {m_config.anchorAttribute, m_config.anchorFallback}) {
        const QString anchorKey = attribute.toLower();
        if (anchorKey.isEmpty()) {
            continue;
        }
        const QList<QByteArray> binaryAnchor = entry->binaryAttributes.value(anchorKey);
        entry->anchor =
            binaryAnchor.isEmpty() ? entry->value(anchorKey) : QString::fromLatin1(binaryAnchor.first().toBase64());
        entry->anchorAttribute = anchorKey;
        if (!entry->anchor.isEmpty()) {
            break;
        }
    }
    if (entry->anchor.isEmpty()) {
        *problem = LdapText::tr("the anchor attribute \"%1\" is missing or not readable by the bind DN")
                       .arg(m_config.anchorFallback.isEmpty()
                                ? m_config.anchorAttribute
                                : m_config.anchorAttribute + QLatin1String("\" / \"") + m_config.anchorFallback);
        return false;
    }
    detectDisabled(*entry);
    return true;
}

} // namespace M365::Directory
