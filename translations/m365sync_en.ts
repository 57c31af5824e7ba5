<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CsvText</name>
    <message>
        <source>The CSV file &quot;%1&quot; cannot be read as UTF-8: %2. Confirm that it is Windows-1252 to convert it, or save it as &quot;CSV UTF-8&quot; in the spreadsheet program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CSV file &quot;%1&quot; cannot be read: %2. Save it as &quot;CSV UTF-8&quot; in the spreadsheet program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CSV file &quot;%1&quot; has no readable header row: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365</name>
    <message>
        <source>Microsoft Graph could not be reached. Check the network connection, proxy and firewall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app lacks a permission for this operation. Grant the missing application permission with admin consent; &quot;m365sync-cli check&quot; lists what is missing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph did not accept the access token: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The object does not exist (any more) in the tenant: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph kept throttling the requests for longer than the allowed wait. Try again later or outside business hours.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph is temporarily unavailable (HTTP %1). Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph refused the request (HTTP %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph refused the request: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::CsvMapping</name>
    <message>
        <source>The CSV column mapping in the profile is not valid: %1. Choose the columns again in the directory settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;columns&quot; must map each header to an attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the attribute of column &quot;%1&quot; is not text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; (column &quot;%2&quot;) is not an attribute name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;key&quot; must name a column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the key column &quot;%1&quot; is not mapped to an attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;required&quot; must list columns</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::CsvSource</name>
    <message>
        <source>unexpected character after a closing quote in field %1 (unbalanced quotes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quote inside an unquoted field %1 (unbalanced quotes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quoted field %1 is never closed (unbalanced quotes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>column %1 repeats the header &quot;%2&quot; of column %3; its values are ignored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the required column &quot;%1&quot; is not in the header row; no row is read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the key column &quot;%1&quot; is not in the header row; no row is read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected %1 fields as in the header, found %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>column &quot;%1&quot; holds a NUL byte; the row is skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>column %1 has no name in the header row; its values are ignored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the key column &quot;%1&quot; is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the required column &quot;%1&quot; is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the groups column cannot name its members: choose a key column (or a DN column) for the rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CSV separator &quot;%1&quot; in the profile is not one of , ; | or TAB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the CSV file &quot;%1&quot;: %2. Check the path and the file permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the CSV file &quot;%1&quot; failed: %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::DirectorySource</name>
    <message>
        <source>This is not an LDAP directory: it has no containers to choose from.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::EntryProblem</name>
    <message>
        <source>line %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::FileSource</name>
    <message>
        <source>duplicate DN, first seen on line %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no anchor attribute (looked for %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>duplicate anchor %1=%2, first seen on line %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>member &quot;%1&quot; is not an entry of this file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>memberUid &quot;%1&quot; is no user&apos;s uid in this file</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::GroupResolver</name>
    <message>
        <source>group membership cycle: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::LdapConfig</name>
    <message>
        <source>The address %1 starts with ldaps:// (TLS from the first byte), but the encryption chosen is %2. Choose LDAPS, or write the address with ldap://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>StartTLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address %1 names port 389, where LDAP servers speak without TLS, but the encryption chosen is LDAPS (port 636). Write the address as ldaps://%2, or choose StartTLS.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::LdapSource</name>
    <message>
        <source>The secure connection to %1 failed%2. Check that the CA file is the one that issued the server&apos;s certificate, that the host name in the URL matches the certificate, and that the port speaks %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot reach the LDAP server at %1. Check the host name and port, that the server is running and that no firewall blocks the connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server rejected the bind DN or the password. Check the bind DN &quot;%1&quot; and enter the password again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refuses this kind of login on an unencrypted connection. Use StartTLS or an ldaps:// address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The base DN &quot;%1&quot; does not exist on the server. Check its spelling against the server&apos;s naming contexts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The search filter is not valid LDAP filter syntax (RFC 4515). Check its parentheses and operators: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The LDAP server %1 did not answer within %2 seconds. Check the server load or raise the timeout.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bind DN may not read this part of the directory. Check its access rights.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server stopped the search at its size limit. Allow paged searches for the bind DN (e.g. slapd&apos;s size.prtotal=unlimited, AD&apos;s MaxPageSize).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server %1 does not offer StartTLS. Enable TLS on the server or use an ldaps:// address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The LDAP server reported an error during %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A bind DN is set but the password is empty. Enter the password, or clear the bind DN for an anonymous bind.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid LDAP address. Use ldap://host[:port] or ldaps://host[:port].</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TLS settings could not be applied. Check that the CA file &quot;%1&quot; exists and holds PEM certificates.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server sent an entry that cannot be decoded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not read all values of &quot;%1&quot; (ranged retrieval failed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the anchor attribute &quot;%1&quot; is missing or not readable by the bind DN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>matches both the user and the group filter; read as a user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server holds: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secure connection to %1 failed. %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 answers, but not with TLS: port %2 may be a plain LDAP port. Use ldaps:// with the server&apos;s LDAPS port (usually 636), or StartTLS on port 389.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 answers, but does not complete StartTLS: port %2 may expect TLS from the first byte (LDAPS, usually 636), or the server has no certificate for StartTLS. Use ldaps:// for an LDAPS port, or enable TLS on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server serves %1, but its top entry is missing: the database may be empty or not readable by the bind DN.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::LdifSource</name>
    <message>
        <source>continuation line without a preceding line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the line holds a NUL byte, which LDIF does not allow; the record is skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>record does not start with &quot;dn:&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the DN is not valid UTF-8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a second &quot;dn:&quot; line in one record (is the empty line between two entries missing?)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;changetype: %1&quot; is a change record, not an exported entry; export the directory with ldapsearch, slapcat or ldifde instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &quot;attribute: value&quot;, found no colon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line starts with a colon, the attribute name is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an attribute name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL values (&quot;:&lt;&quot;) are not supported in an export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>invalid or truncated base64 value for attribute &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>attribute &quot;%1&quot; holds a NUL character</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>attribute &quot;%1&quot; is not valid UTF-8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the LDIF file &quot;%1&quot;: %2. Check the path and the file permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The LDIF file &quot;%1&quot; cannot be read: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the LDIF file &quot;%1&quot; failed: %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::ServerCertificate</name>
    <message>
        <source>The server&apos;s certificate expired on %1. Renew it on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s certificate is valid only from %1 on. Check the clock of this computer and of the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s certificate was issued by &quot;%1&quot;, which this computer does not trust. Choose a CA file with that CA&apos;s certificate (for Active Directory usually the enterprise root CA), or add the CA to the system&apos;s trust store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s certificate was issued by &quot;%1&quot;, which is not among the trusted CAs (%2). Choose a CA file with that CA&apos;s certificate (for Active Directory usually the enterprise root CA).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s certificate is for %1, but the URL names &quot;%2&quot;. Use one of the certificate&apos;s names in the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no host name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate: %1 · issued by %2 · valid until %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Directory::TextEncoding</name>
    <message>
        <source>the file is UTF-16 but ends in the middle of a character (it is truncated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file is UTF-16 but holds an invalid character sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>byte 0x%1 on line %2 is not a character in Windows-1252</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is not valid UTF-8 (first on line %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the first character that is not UTF-8 is on line %1, and the file looks like Windows-1252</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the first character that is not UTF-8 is on line %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Graph::AppRegistrationJob</name>
    <message>
        <source>Find Microsoft Graph in the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create its service principal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload the certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grant admin consent for the permissions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app registration needs a Graph client, a display name and at least one permission.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant has no Microsoft Graph service principal. Contact Microsoft support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph in this tenant does not offer the permission %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your account has no active administrator role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your account&apos;s active roles: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Granting the app its Microsoft Graph application permissions needs a Privileged Role Administrator or a Global Administrator; Microsoft does not let Application or Cloud Application Administrators grant them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the app needs an Application Administrator, a Cloud Application Administrator or a Global Administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registering the app needs a Global Administrator, or an Application or Cloud Application Administrator who is also a Privileged Role Administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2 Nothing was created. Ask a Global Administrator to sign in here, or register the app yourself and send the consent link to a Privileged Role Administrator. If your role is eligible through Privileged Identity Management, activate it and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check your administrator roles</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Graph::BatchJob</name>
    <message>
        <source>Two requests of a batch have the same id &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not done because a request it depends on failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The requests of a batch depend on each other in a circle.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph did not answer this request of the batch.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Graph::DeltaReader</name>
    <message>
        <source>The connection was closed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Graph::NetworkJob</name>
    <message>
        <source>The connection was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>throttled, Retry-After %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TLS certificate of %1 is not trusted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer from Microsoft Graph: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Graph::TenantCheckJob</name>
    <message>
        <source>Microsoft Entra does not accept the new app&apos;s certificate yet (%1); a new app and its certificate take a while to reach every server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app&apos;s sign-in does not carry the permissions just granted yet (%1 missing); admin consent takes a while to reach every server.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Identity::AdminSignIn</name>
    <message>
        <source>The sign-in was not completed in time. Start it again and finish signing in in the browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in needs a tenant, a client ID and at least one permission.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync could not listen on a local port for the browser&apos;s answer. Check that nothing blocks connections to 127.0.0.1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in. You can close this window and return to m365sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft answered the sign-in without an access token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in was cancelled or refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The permissions needed to register the app were not granted: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft refused the sign-in: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token endpoint could not be reached: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft did not accept the sign-in: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Identity::CertificateCredential</name>
    <message>
        <source>The PFX file is protected with an algorithm that OpenSSL cannot read. Export the certificate again with AES-256 encryption, or as a PEM certificate and key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PFX file is protected with an old algorithm (such as RC2) that needs OpenSSL&apos;s legacy provider, which is not installed. Export the certificate again with AES-256 encryption, or as a PEM certificate and key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password for the PFX file is wrong. Enter the password that was chosen when the certificate was exported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate does not use an RSA key. Microsoft Entra app sign-in needs an RSA certificate; create or request one with an RSA key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate&apos;s key has %1 bits; Microsoft Entra needs at least %2. Create a new certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key does not belong to the certificate. Choose the key file that was created together with this certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate could not be processed because of an internal error in OpenSSL. Copy the details and report them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a certificate name of 1 to %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a validity between 1 and %1 days.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a key size of 2048 or 3072 bits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file is not a PFX (PKCS #12) file. Choose the .pfx or .p12 file that holds both the certificate and its private key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PFX file is damaged or uses a format m365sync cannot read. Export the certificate again, or as a PEM certificate and key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PFX file holds no private key. Export the certificate again and include its private key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PFX file holds no certificate for its private key. Export the certificate again together with its private key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is protected with a password. Enter the key&apos;s password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password for the private key is wrong. Enter the password that protects the key file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key file does not hold a private key in PEM format. Choose the file that begins with &quot;-----BEGIN PRIVATE KEY-----&quot; or &quot;-----BEGIN RSA PRIVATE KEY-----&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate file does not hold an X.509 certificate. Choose the .pem or .cer file of the certificate.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Identity::ClientAssertion</name>
    <message>
        <source>The sign-in request could not be signed with the certificate&apos;s private key. Import the certificate and its key again; if that does not help, copy the details and report them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No certificate is set up for this connection. Generate or import a certificate first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The application (client) ID or the sign-in address is missing. Check the connection settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The sign-in request&apos;s lifetime must be between 1 second and %n minute(s).</source>
        <translation>
            <numerusform>The sign-in request&apos;s lifetime must be between 1 second and %n minute.</numerusform>
            <numerusform>The sign-in request&apos;s lifetime must be between 1 second and %n minutes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Identity::CloudEndpoints</name>
    <message>
        <source>The %1 address &quot;%2&quot; is not an absolute URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The %1 address &quot;%2&quot; must start with https://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The %1 address &quot;%2&quot; must use https://; plain http is only allowed on this computer (127.0.0.1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The %1 address &quot;%2&quot; must not contain a query, a fragment or a user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Graph scope &quot;%1&quot; must end with &quot;/.default&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown cloud &quot;%1&quot;. Use one of: global, usgov-l4, usgov-l5-dod, china, custom.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Global (worldwide, also GCC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>US Government L4 (GCC High)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>US Government L5 (DoD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>China (operated by 21Vianet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom endpoints (sandbox)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Identity::DeviceCodeSignIn</name>
    <message>
        <source>The sign-in needs a tenant, a client ID and at least one permission.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft answered the request for a sign-in code with something m365sync cannot read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To sign in, open %1 in a web browser and enter the code %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft answered the sign-in without an access token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in code has expired. Start the sign-in again and enter the new code in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in service could not be reached: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in was declined: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in code has expired before the sign-in was finished. Start the sign-in again and enter the new code in time (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft did not accept the sign-in code: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app %1 may not sign in with a code. In its app registration, under Authentication, turn on &quot;Allow public client flows&quot;, or sign in with the browser instead.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Identity::TokenProvider</name>
    <message>
        <source>The administrator sign-in has expired. Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client assertion could not be signed. Check that the profile&apos;s certificate and its private key (in the keychain) belong together.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TLS certificate of %1 is not trusted. For the sandbox tenant, the profile must trust the sandbox&apos;s CA file; otherwise check proxies that intercept TLS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot reach the sign-in service at %1: %2. Check the network connection, proxy and firewall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant &quot;%1&quot; was not found. Check the tenant ID or domain, and that you chose the right cloud (global, US Government or China).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No app with client ID %1 exists in tenant &quot;%2&quot;. Check the client (application) ID on the app&apos;s Overview page in Entra ID, and that the app is registered in this tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate registered on the app has expired. Create a new certificate and upload its .cer file to the app registration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app does not accept this certificate (thumbprint %1). Upload the certificate&apos;s .cer file under Certificates &amp; secrets of the app registration, or select the certificate that is registered there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client secret is wrong. Copy the secret&apos;s Value (not its Secret ID) from Certificates &amp; secrets of the app registration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client secret has expired. Create a new one under Certificates &amp; secrets of the app registration and update the connection; a certificate is the safer choice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No credential was sent. Add a certificate (recommended) or a client secret to the connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in was refused because this computer&apos;s clock is wrong. Check the date, time and time zone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app has not been granted access to this tenant. An administrator must grant admin consent for the app&apos;s permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The requested scope was refused. Check that the cloud setting matches the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The identity platform refused the signed client assertion: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in failed with HTTP status %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Job</name>
    <message>
        <source>The operation was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Models::AttributeDiffModel</name>
    <message>
        <source>Property</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Old value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New value</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Models::ChangePlanModel</name>
    <message>
        <source>Create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Membership</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to add, %2 to remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Object type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User principal name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Models::ContainerTreeModel</name>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users in %1 and below it that are synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Groups in %1 and below it that are synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked: the users in this container and below it are synced. Unchecking a container leaves them out; a container below can be checked again. Partly checked: some containers below are chosen otherwise. The number counts the users synced, of all in the container and below it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked: the groups in this container and below it are synced. Unchecking a container leaves them out; a container below can be checked again. Partly checked: some containers below are chosen otherwise. The number counts the groups synced, of all in the container and below it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Profile::ConnectJob</name>
    <message>
        <source>The connection &quot;%1&quot; has no credential. Add a certificate or a client secret to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The credential of the connection &quot;%1&quot; is missing from the keychain. Import the certificate or enter the client secret again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CA file %1 of the connection cannot be read. For the sandbox tenant it is the caFile that m365sim printed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection &quot;%1&quot; has no app yet. Register it with the wizard or with &quot;m365sync-cli register --profile %1 --device-code&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Profile::Profile</name>
    <message>
        <source>The profile &quot;%1&quot; contains a secret value (&quot;%2&quot;). Secrets are kept in the system keychain, never in a profile file: delete that entry from the file, then enter the secret again in the wizard or with m365sync-cli profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; was written in format %2, which this version of m365sync cannot read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid profile name: use letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; has invalid cloud settings: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant &quot;%1&quot; in profile &quot;%2&quot; is neither a tenant ID (GUID) nor a domain name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client ID &quot;%1&quot; in profile &quot;%2&quot; is not an application ID (GUID).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; names an unknown credential kind or signing algorithm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate thumbprints in profile &quot;%1&quot; are not SHA-1 / SHA-256 hex values.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secret reference &quot;%1&quot; in profile &quot;%2&quot; is not a keychain key of this profile (expected %3&lt;purpose&gt;). If a secret was pasted there, delete it from the file and enter the secret again in the wizard or with m365sync-cli profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile %1 is a draft: finish it in the wizard (m365sync) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; has an invalid draft state. Delete the profile and run the wizard again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook reference &quot;%1&quot; in profile &quot;%2&quot; is not a keychain key of this profile (expected %3webhookUrl). Delete it from the file, then set the webhook with m365sync-cli monitoring set --profile %2 --webhook-url-env VARIABLE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; has a URL in &quot;%2&quot;. A webhook URL is a secret and is kept in the system keychain: delete the entry from the file, then set the webhook with m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Profile::ProfileStore</name>
    <message>
        <source>The profile folder %1 cannot be read. Check its permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no profile named &quot;%1&quot;. Create it with the wizard or m365sync-cli profile create.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile file %1 cannot be read. Check its permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile file %1 is not valid JSON (at byte %2). Fix the file or create the profile again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile file %1 names the profile &quot;%2&quot;. A profile&apos;s file must be named after it: rename the file or the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile folder %1 cannot be created. Check the permissions of its parent folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile file %1 cannot be written: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no profile named &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; was not deleted: its secrets could not be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; was not deleted because its secret %2 could not be removed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secrets of profile &quot;%1&quot; were removed, but its file %2 could not be deleted: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sandbox::SandboxHost</name>
    <message>
        <source>The sandbox tenant of profile &quot;%1&quot; is gone: %2 was reset or deleted. Make a new sandbox connection in m365sync (Connection, New connection…), or delete the profile (m365sync-cli profile delete %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox tenant in %1 is not the one profile &quot;%2&quot; was made for (tenant %3; the file holds tenant %4): it was reset since. Make a new sandbox connection in m365sync (Connection, New connection…), or delete the profile (m365sync-cli profile delete %2).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sandbox::TenantPlace</name>
    <message>
        <source>The sandbox tenant %1 is in use by this program and cannot be reset now. Close what uses it, then reset it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be deleted. Check that it is writable by the user m365sync runs as, then reset the sandbox tenant again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 for the sandbox tenant cannot be created. Check that it is writable by the user m365sync runs as.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox tenant %1 cannot be locked: the lock file %2 cannot be written. Check that the folder is writable by the user m365sync runs as.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox tenant %1 is being served by another program; one program at a time can serve it. Close m365sync, or wait for its scheduled run to end, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>another program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox tenant %1 is being served by %2 (pid %3 on %4); one program at a time can serve it. Close m365sync (pid %3), or wait for its scheduled run to end, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox tenant %1 could not start: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Secrets::KeychainSecretStore</name>
    <message>
        <source>Make sure the Windows Credential Manager service is running for this user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock the login keychain in Keychain Access and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On a desktop, sign in to a session with a keyring (GNOME Keyring or KWallet) and unlock it. On a server, under cron or a systemd timer, run m365sync inside &quot;dbus-run-session&quot; with gnome-keyring-daemon started and unlocked (gnome-keyring-daemon --unlock --components=secrets).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Secrets::SecretJob</name>
    <message>
        <source>No secret is stored under &quot;%1&quot;. Enter the secret again (wizard or m365sync-cli profile).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system keychain is not available, so the secret &quot;%1&quot; cannot be used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access to the secret &quot;%1&quot; was denied. Unlock the system keychain and allow m365sync to use it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secret stored under &quot;%1&quot; is incomplete or damaged. Enter the secret again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid secret name (expected m365sync/&lt;profile&gt;/&lt;purpose&gt;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system keychain could not handle the secret &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The operation was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::ApplyJob</name>
    <message>
        <source>Microsoft Graph answered HTTP %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough free licences: buy more seats or change the licence rules, then run again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not done because the user was not created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not done because the group was not created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n member(s) not added because they were not created</source>
        <translation>
            <numerusform>%n member not added because it was not created</numerusform>
            <numerusform>%n members not added because they were not created</numerusform>
        </translation>
    </message>
    <message>
        <source>The object no longer exists in the tenant; plan again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed in the tenant since the plan was made; planned again instead of overwritten.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already gone from the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already in the tenant from an interrupted run; linked. Its initial password is in that run&apos;s password file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped after %1 of %2 changes; the rest is planned again on the next run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manager was not set because the manager&apos;s account was not created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manager could not be set: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (id %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The group no longer exists in the tenant; plan again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member %1 was not added: it no longer exists in the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The account is disabled, but renaming it failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user is restored, but setting its properties failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user is no longer in the deleted items (deleted for good, or its 30 days are over); plan again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::ChangePlan</name>
    <message>
        <source>The file does not hold a change plan.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The change plan holds an unknown change.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::CloudReadJob</name>
    <message>
        <source>The connection was closed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::Exclusions</name>
    <message>
        <source>Exclusion %1 of the profile is not valid: it needs a &quot;type&quot; (user or group) and a &quot;key&quot; (&quot;a:&quot; and a directory anchor, or &quot;c:&quot; and a cloud object id). Include the object again in Settings or correct the profile file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::LicenceGroupSetupJob</name>
    <message>
        <source>Not connected to the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the tenant&apos;s subscriptions…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant has no subscription with SKU ID %1. Pick one of the tenant&apos;s subscriptions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group-based licensing needs Microsoft Entra ID P1 (or a subscription that includes it, such as Office 365 E3, Microsoft 365 E3 or Business Premium), and this tenant has none; licences stay assigned per user. Add Entra ID P1 to the tenant, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No subscribed SKU with seats includes Entra ID P1 (service plan AAD_PREMIUM or AAD_PREMIUM_P2, or a product such as ENTERPRISEPACK, SPE_E3 or SPB).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for the licensing group of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the licensing group of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assigning %1 to the licensing group…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::LicenceOverviewJob</name>
    <message>
        <source>Not connected to the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::MappingRules</name>
    <message>
        <source>no domain for the user name (set the profile&apos;s domain)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid domain for a user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; leaves no characters Microsoft 365 allows in a user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; leaves no characters Microsoft 365 allows in a mail nickname</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The attribute rules of this profile are not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the attribute %1 that the user name rule needs is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no display name (the directory entry has no value for it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is read-only in Microsoft Graph: Microsoft 365 sets it, no rule can.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>proxyAddresses is read-only in Microsoft Graph; map the address to mail instead (Entra ID then adds it to proxyAddresses as an SMTP address) or to otherMails.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>imAddresses is read-only in Microsoft Graph; map the address to otherMails to keep it in Microsoft 365.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extension attributes 1–15 are read-only in Microsoft Graph for users synchronized from on-premises and this app does not write them; set them in Active Directory or Exchange instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>onPremisesImmutableId is written by m365sync itself from the directory anchor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not written: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licences are assigned, not written as a property; choose them on the Licences tab instead.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::PasswordSheet</name>
    <message>
        <source>The password file %1 cannot be written (%2). Choose a file in a folder you can write to; nothing was changed in the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing to the password file %1 failed (%2).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::PlanJob</name>
    <message>
        <source>The connection was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Soft matching is off for this plan: the app may not read who holds an admin role. Grant it RoleManagement.Read.Directory to match existing users by name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::Planner</name>
    <message>
        <source>drift in the cloud: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no longer in the directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>left the scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the new user name %1 already belongs to another account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>back in scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard match on onPremisesImmutableId</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>soft match on userPrincipalName</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>soft match on mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>matches %1 (%2), which holds an admin role and is never adopted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>matches %1 (%2), which is already linked to another directory object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>matches %1 (%2), which is synchronised from another directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the user name %1 already belongs to another account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the user name %1 belongs to an account not managed by this profile (soft matching is off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>another directory user gets the same user name %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the linked cloud account no longer exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a licence needs a usage location; set a default usage location or the user&apos;s country</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no longer in the directory or out of scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the group has no name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to add, %2 to remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deleted in Microsoft 365 (%1): restored instead of created anew</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>also holds %1 through a group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the group that licenses %1 no longer exists; set up licensing through a group again on the Licences tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>licence %1 through the group: %2 to add, %3 to remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the mail nickname %1 belongs to a mail-enabled or Microsoft 365 group, which is not linked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an existing group with the mail nickname %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>licence %1 through the group: %2 without a free seat</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::ProfileHealth</name>
    <message>
        <source>the last run failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the deletion guard stopped the last run</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>the last run had %n failed change(s)</source>
        <translation>
            <numerusform>the last run had %n failed change</numerusform>
            <numerusform>the last run had %n failed changes</numerusform>
        </translation>
    </message>
    <message>
        <source>another run held the run lock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overdue: the last successful run was %1 ago (at most %2 expected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the certificate expired on %1; renew it with m365sync-cli certificate renew --profile %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>the certificate expires in %n day(s); renew it with m365sync-cli certificate renew --profile %1</source>
        <translation>
            <numerusform>the certificate expires in %n day; renew it with m365sync-cli certificate renew --profile %1</numerusform>
            <numerusform>the certificate expires in %n days; renew it with m365sync-cli certificate renew --profile %1</numerusform>
        </translation>
    </message>
    <message>
        <source>last run %1 ago: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) pending</source>
        <translation>
            <numerusform>%n change pending</numerusform>
            <numerusform>%n changes pending</numerusform>
        </translation>
    </message>
    <message>
        <source>no run recorded yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n hour</numerusform>
            <numerusform>%n hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Sync::RunLock</name>
    <message>
        <source>The lock file %1 of profile %2 cannot be created; check that its folder can be written. Nothing was changed in the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another run of profile %1 is in progress. Wait for it to finish or stop it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another run of profile %1 is in progress: %2, process %3 on host %4, since %5. Wait for it to finish or stop it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an unknown program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run of profile %1 (%2, process %3 on host %4, since %5) ended without releasing its lock; the lock was taken over. That run may have stopped half way: this run picks up what it left.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::RunReport</name>
    <message>
        <source>The metrics file %1 could not be written (%2). Check that the folder exists and that m365sync may write to it, or choose another with m365sync-cli monitoring set --profile %3 --textfile-dir FOLDER.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no such folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync on %1: the sync of profile %2 failed. Run m365sync-cli status --profile %2 there for details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync on %1: the deletion guard stopped the sync of profile %2 before it changed anything. Review the plan with m365sync-cli plan --profile %2; if it is right, allow it with sync --allow-deletes N.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync on %1: the sync of profile %2 finished, but some changes failed. See them in the History tab or with m365sync-cli status --profile %2, fix their cause and sync again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync on %1: profile %2 has not synchronized for too long. Check its schedule with m365sync-cli schedule show --profile %2 and its last runs with m365sync-cli health --profile %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync on %1: profile %2 reports &quot;%3&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is not a URL such as https://hooks.example.com/…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it must start with https:// (plain http only to this machine), since the URL carries a token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook of profile %1 was not called: the keychain or the network is not available to this program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook URL of profile %1 is not in the keychain. Set it again with m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook URL of profile %1 could not be read from the keychain: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook URL of profile %1 cannot be used: %2. Set another with m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook of profile %1 at %2 answered HTTP %3. Check that the webhook still exists, or set another with m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook of profile %1 at %2 could not be reached (%3). Check that this machine can reach %2 (proxy, firewall).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::RunSummary</name>
    <message>
        <source>less than a minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>about %n min</source>
        <translation>
            <numerusform>about %n min</numerusform>
            <numerusform>about %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>about %1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Create %n user(s) or group(s)</source>
        <translation>
            <numerusform>Create %n user or group</numerusform>
            <numerusform>Create %n users or groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Update %n user(s) or group(s)</source>
        <translation>
            <numerusform>Update %n user or group</numerusform>
            <numerusform>Update %n users or groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Disable %n user(s) or group(s)</source>
        <translation>
            <numerusform>Disable %n user or group</numerusform>
            <numerusform>Disable %n users or groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n user(s) or group(s)</source>
        <translation>
            <numerusform>Delete %n user or group</numerusform>
            <numerusform>Delete %n users or groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enable %n user(s) or group(s)</source>
        <translation>
            <numerusform>Enable %n user or group</numerusform>
            <numerusform>Enable %n users or groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Link %n existing object(s)</source>
        <translation>
            <numerusform>Link %n existing object</numerusform>
            <numerusform>Link %n existing objects</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restore %n deleted user(s)</source>
        <translation>
            <numerusform>Restore %n deleted user</numerusform>
            <numerusform>Restore %n deleted users</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Change the licences of %n user(s)</source>
        <translation>
            <numerusform>Change the licences of %n user</numerusform>
            <numerusform>Change the licences of %n users</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Change the members of %n group(s)</source>
        <translation>
            <numerusform>Change the members of %n group</numerusform>
            <numerusform>Change the members of %n groups</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 added, %2 removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Skip %n change(s) that cannot be applied (conflicts, invalid, no free licence)</source>
        <translation>
            <numerusform>Skip %n change that cannot be applied (conflict, invalid, no free licence)</numerusform>
            <numerusform>Skip %n changes that cannot be applied (conflicts, invalid, no free licence)</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to apply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>About %n write request(s) to Microsoft Graph.</source>
        <translation>
            <numerusform>About %n write request to Microsoft Graph.</numerusform>
            <numerusform>About %n write requests to Microsoft Graph.</numerusform>
        </translation>
    </message>
    <message>
        <source>Estimated time: %1 (at %2 writes/s, as the last run went).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated time: %1 (at most %2 writes/s, Microsoft Graph&apos;s write budget).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::ScheduleInstaller</name>
    <message>
        <source>Could not run &quot;%1&quot;. Run it yourself to finish setting up the schedule.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; failed. Run it yourself to see why.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 cannot be created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The schedule could not be written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A temporary file for the task could not be written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::ScheduleJob</name>
    <message>
        <source>It did not finish within %1 seconds.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::Scope</name>
    <message>
        <source>The scope filter is not valid: %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::StateStore</name>
    <message>
        <source>The sync state file %1 could not be used (%2). Check that the folder exists and is writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no such folder, or the path is a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bad statement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>write failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::SyncRun</name>
    <message>
        <source>The connection &quot;%1&quot; is not open yet; try again once it is connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plan would disable, delete or remove %1 objects, licences or memberships, more than the %2 allowed without confirmation; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) failed, e.g. %1: %2</source>
        <translation>
            <numerusform>%n change failed (%1): %2</numerusform>
            <numerusform>%n changes failed, e.g. %1: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Sync::SyncSettings</name>
    <message>
        <source>The licence of group %1 must be a SKU ID (a GUID).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The prefix for disabled objects must not be empty: it is how m365sync recognises them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile names no directory file. Choose the LDIF or CSV file in the profile&apos;s directory settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile has no directory yet. Set one up in the wizard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory type &quot;%1&quot; is unknown. Use ldif, csv, openldap, activedirectory, univention or 389ds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The licence for every user, &quot;%1&quot;, is not a SKU ID: a SKU ID is a GUID such as 6fd2c87f-b296-42f0-b197-1e91e994b900. Pick the subscription in the Licences tab.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; in the licensing groups is not a SKU ID: a SKU ID is a GUID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The licensing group of SKU %1 must be a group&apos;s object ID (a GUID).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>null</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true or false</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a string</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected %1, found %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown member; the members here are %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a GUID such as 6fd2c87f-b296-42f0-b197-1e91e994b900</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a two-letter country code such as DE or US</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a mode; use sync, anonymize, static or never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing: name the Microsoft 365 property to write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing: a sync rule names the directory attribute to read (&quot;a|b&quot; for the first one present)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only a rule with &quot;mode&quot;: &quot;static&quot; has a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>give either &quot;count&quot; or &quot;percent&quot;, not both</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected a whole number of 0 or more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected a percentage from 0 to 100</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not hour, 4hours or day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a time such as 02:30</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &quot;user&quot; or &quot;group&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &quot;a:&quot; and a directory anchor, or &quot;c:&quot; and a cloud object ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the key must be a SKU ID (a GUID)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must not be empty: it is how m365sync recognises disabled objects</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::UndoPlanJob</name>
    <message>
        <source>There is no run %1: this profile has not run yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no run %1 in this profile&apos;s history. The latest runs are: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1 did not finish; undo takes back the changes it recorded as done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection &quot;%1&quot; is not open yet; try again once it is connected.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Sync::UndoPlanner</name>
    <message>
        <source>a deleted object cannot be brought back by undo; a deleted user is restored from the deleted items by the next sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a link to an existing account cannot be undone here; exclude the object in the profile instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a group the run created is kept; delete it in the admin centre if it is not wanted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>undoes run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no longer in the tenant since run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed since run %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>undoes run %1: %2 to add, %3 to remove</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::AttributesController</name>
    <message>
        <source>Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anonymize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Static</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory test found no users to show here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is outside the scope: a sync would not create this user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A sync would not create this user: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The default usage location must be two letters A–Z, a country code such as DE or US.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a user name rule, for example {uid}@{domain}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name rule has a &quot;}&quot; without a &quot;{&quot; before it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name rule has a &quot;{&quot; without a &quot;}&quot; after it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name rule has an empty placeholder &quot;{}&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;{%1}&quot; in the user name rule is not a directory attribute name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name rule uses %1, which a Never rule keeps out of the sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name rule needs a directory attribute such as {uid}; otherwise every user gets the same name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name rule does not make a valid user name: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the static value for %1, or choose another mode.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the directory attribute for %1, or choose another mode.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::AttributesPage</name>
    <message>
        <source>Attributes &amp; scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How directory attributes become Microsoft 365 user properties, and which users are synchronised.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Graph property</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Static value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync: the directory&apos;s value. Anonymize: a random value that stays the same for the user. Static: the same value for everyone. Never: m365sync never writes the property.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. DE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft 365 assigns licences only to users with a usage location. A country the directory has for a user wins over this default.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory attributes in braces, e.g. {givenName}.{sn}@{domain}. Accents are dropped and spaces become dots.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty: every user. For example (departmentNumber=Engineering)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An LDAP filter on the users read from the directory: (&amp;…), (|…), (!…), (attribute=value) and * wildcards.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used when the directory has no country for a user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name rule:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default usage location:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scope filter:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample user:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribute rules:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{domain} is %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
Alternatives separated by &quot;|&quot;: the first one the user has wins.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click to enter the value every user gets.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConfirmRunDialog</name>
    <message>
        <source>Synchronize now?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This run will change the tenant as follows:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConnectionPage</name>
    <message>
        <source>Open admin consent page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection and permissions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync signs in as the app and checks that it has the permissions it needs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph permissions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in and reading the tenant…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app could not sign in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app signed in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app signed in to %1 (tenant ID %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — granted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — not checked</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConnectionPageController</name>
    <message>
        <source>The app signs in, but these permissions it needs are not granted: %1. Add them under API permissions and grant admin consent, then choose Check again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Granted: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 Trying again in %n second(s)…</source>
        <translation>
            <numerusform>%1 Trying again in %n second…</numerusform>
            <numerusform>%1 Trying again in %n seconds…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConnectionsModel</name>
    <message>
        <source>just now</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n minute ago</numerusform>
            <numerusform>%n minutes ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n hour ago</numerusform>
            <numerusform>%n hours ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message>
        <source>not scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deletions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next run</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConnectionsOverview</name>
    <message>
        <source>Open dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Connections&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: nothing to change</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Done: %n change(s) applied</source>
        <translation>
            <numerusform>Done: %n change applied</numerusform>
            <numerusform>Done: %n changes applied</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) failed</source>
        <translation>
            <numerusform>%n change failed</numerusform>
            <numerusform>%n changes failed</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped by the deletion guard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another run was in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connection yet. Choose &quot;New connection…&quot; to connect to a tenant or the sandbox.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>All %n connection(s) are fine.</source>
        <translation>
            <numerusform>The %n connection is fine.</numerusform>
            <numerusform>All %n connections are fine.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 connections need attention: %3 failing, %4 with warnings. Hover over a row to see why; open it to see its history.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::CredentialsPage</name>
    <message>
        <source>Export .cer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add the certificate to the sandbox app (what you would upload in the portal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app proves who it is with a certificate. Its private key is kept in the system keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate a new certificate (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a PFX file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a PEM certificate and key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use a client secret instead (not recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thumbprint (SHA-1):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Valid until:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificates (*.cer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>2 years</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>3 years</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Valid for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PFX files (*.pfx *.p12)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private keys (*.pem *.key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only for an encrypted key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recommended. A client secret is a password that can be copied and expires within two years; Microsoft advises a certificate for apps like this one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client secret value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No certificate yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The automatic registration adds certificates only. Add a client secret to the app %1 yourself, under Certificates &amp; secrets in the Microsoft Entra admin center.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload the certificate to the app %1 — when you choose Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload the certificate to the app %1 — running…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload the certificate to the app %1 — done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload the certificate to the app %1 — failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::CredentialsPageController</name>
    <message>
        <source>The file %1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate could not be written to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is configured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If no keyring is installed, install one: on Debian and Ubuntu, &quot;sudo apt install gnome-keyring libsecret-1-0&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync keeps the private key in the system keychain, and no keychain answers. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate could not be added to the sandbox app: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The administrator&apos;s sign-in has expired, so the certificate could not be added to the app. Export the .cer file and upload it under Certificates &amp; secrets of the app %1 in the Microsoft Entra admin center, or go back and register the app again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate could not be added to the app: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::CsvMappingPage</name>
    <message>
        <source>Read as Windows-1252</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which column of the file becomes which directory attribute, and which column identifies a person.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Older Excel versions and many HR systems on Windows save CSV files in Windows-1252. Converting reads umlauts such as ä, ö and ü correctly; the file itself is not changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose from the list or type any attribute name. Group membership turns the names in the column (separated by |, ; or ,) into groups.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The column that identifies each person for good; exactly one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A row without a value in a required column is skipped and reported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Key:&lt;/b&gt; its value is written to onPremisesImmutableId and links the person to the Microsoft 365 user for good, so it must be unique and must never change. An employee ID is best; e-mail addresses and names change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A column without a name in the header row cannot be used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This column repeats the header of an earlier one; its values are ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this column as the key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: read as %2, columns separated by %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key column is always required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip rows without a value in this column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users: %1, groups: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test reads the whole file with these columns.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>UTF-8 with BOM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rows skipped and not synchronized: %1, the first %2 below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rows skipped and not synchronized: %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::CsvMappingPageController</name>
    <message>
        <source>First name (givenName)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last name (sn)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name (displayName)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail address (mail)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Employee ID (employeeID)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name (uid)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Windows logon name (sAMAccountName)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User principal name (userPrincipalName)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job title (title)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Department (department)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Company (company)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone (telephoneNumber)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mobile phone (mobile)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Street (street)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postal code (postalCode)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>City (l)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State or province (st)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Country (co)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Country code (c)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Office (physicalDeliveryOfficeName)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager (manager)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Employee type (employeeType)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group membership (memberOf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distinguished name (dn)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(ignore)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>comma (,)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>semicolon (;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>vertical bar (|)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the CSV file &quot;%1&quot;: %2. Go back and check the path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; (column &quot;%2&quot;) is not an attribute name: use letters, digits and hyphens, starting with a letter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The columns &quot;%1&quot; and &quot;%2&quot; are both mapped to %3. Each attribute can come from one column only: choose %4 for one of them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the key column: the one that identifies each person for good, such as the employee ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key column &quot;%1&quot; is ignored. Map it to an attribute, for example employeeID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key column &quot;%1&quot; lists groups. Choose a column that identifies the person, such as the employee ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No row of the file became a user. The list below says why; choose the columns again or correct the file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No column is mapped to a name (displayName, or givenName and sn). Microsoft 365 needs a display name for every user: map the column with the full name or the first and last names.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a UTF-8 file: %2. Files from older Excel versions and from HR systems on Windows are usually Windows-1252: choose &quot;Read as Windows-1252&quot;. Otherwise save the file as &quot;CSV UTF-8&quot; in the spreadsheet program.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::DashboardController</name>
    <message numerus="yes">
        <source>The directory is no longer watched for changes (%1); the preview is refreshed every %n second(s) instead.</source>
        <translation>
            <numerusform>The directory is no longer watched for changes (%1); the preview is refreshed every %n second instead.</numerusform>
            <numerusform>The directory is no longer watched for changes (%1); the preview is refreshed every %n seconds instead.</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped: %1 of %2 changes applied; the rest stays in the preview.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 of %2 changes applied, %n failed: see the results in the preview.</source>
        <translation>
            <numerusform>%1 of %2 changes applied, %n failed: see the results in the preview.</numerusform>
            <numerusform>%1 of %2 changes applied, %n failed: see the results in the preview.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %n change(s) applied.</source>
        <translation>
            <numerusform>%n change applied.</numerusform>
            <numerusform>All %n changes applied.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unchecked object(s) are excluded from now on; Settings → Exclusions includes them again.</source>
        <translation>
            <numerusform>%n unchecked object is excluded from now on; Settings → Exclusions includes it again.</numerusform>
            <numerusform>%n unchecked objects are excluded from now on; Settings → Exclusions includes them again.</numerusform>
        </translation>
    </message>
    <message>
        <source>The file %1 cannot be replaced; choose another one. The passwords are still kept until you save or dismiss them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 of %2 changes applied; %n held back (conflicts, invalid, no free licence): see the preview.</source>
        <translation>
            <numerusform>%1 of %2 changes applied; %n held back (conflict, invalid, no free licence): see the preview.</numerusform>
            <numerusform>%1 of %2 changes applied; %n held back (conflicts, invalid, no free licence): see the preview.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Ui::DashboardWidget</name>
    <message>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the directory and the tenant again and update the preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop after the requests under way; what was done stays done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updating the preview…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview up to date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronizing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile &quot;%1&quot;, tenant %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permissions not checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permissions OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing permissions: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate expires on %1: renew it soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate valid until %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 writes/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm destructive changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>This sync would disable, delete or remove licences and memberships of %n object(s).</source>
        <translation>
            <numerusform>This sync would disable, delete or remove licences and memberships of %n object.</numerusform>
            <numerusform>This sync would disable, delete or remove licences and memberships of %n objects.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The deletion guard lets at most %n such change(s) through without asking. If the directory lost these objects by mistake (a wrong filter, an unreachable branch), cancel and check the scope first.</source>
        <translation>
            <numerusform>The deletion guard lets at most %n such change through without asking. If the directory lost these objects by mistake (a wrong filter, an unreachable branch), cancel and check the scope first.</numerusform>
            <numerusform>The deletion guard lets at most %n such changes through without asking. If the directory lost these objects by mistake (a wrong filter, an unreachable branch), cancel and check the scope first.</numerusform>
        </translation>
    </message>
    <message>
        <source>Apply anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed: the destructive changes were not confirmed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Synchronize %n selected</source>
        <translation>
            <numerusform>Synchronize %n selected</numerusform>
            <numerusform>Synchronize %n selected</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sync: never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next run: not scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The preview checks the tenant for changes every %n second(s).</source>
        <translation>
            <numerusform>The preview checks the tenant for changes every %n second.</numerusform>
            <numerusform>The preview checks the tenant for changes every %n seconds.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n s</source>
        <translation>
            <numerusform>about %n s</numerusform>
            <numerusform>about %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n min</source>
        <translation>
            <numerusform>about %n min</numerusform>
            <numerusform>about %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>about %1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pacing: Microsoft Graph is throttling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph asked m365sync to slow down. The sync waits as Graph says and goes on by itself; nothing needs to be done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next run: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the tenant, the app registration or its certificate in the wizard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the live preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The preview shows the undo of run %1: previous values back, disabled accounts enabled, created ones disabled. Nothing changes until you synchronize. The next sync makes the run&apos;s changes again unless the directory changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save initial passwords…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forget the initial passwords without saving them; they cannot be shown again</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n new user(s) got an initial password. Save them now to hand them out: they are gone once saved, dismissed or the dashboard is closed.</source>
        <translation>
            <numerusform>%n new user got an initial password. Save it now to hand it out: it is gone once saved, dismissed or the dashboard is closed.</numerusform>
            <numerusform>%n new users got an initial password. Save them now to hand them out: they are gone once saved, dismissed or the dashboard is closed.</numerusform>
        </translation>
    </message>
    <message>
        <source>Initial passwords are never stored; reset the password in Microsoft 365 to issue a new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save initial passwords</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The initial passwords are saved in %1, readable only by you. Hand them out, then delete the file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed: the preview changed while the summary was open. Check it and synchronize again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::DetailsPane</name>
    <message>
        <source>Why it cannot be applied: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result: %1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a change to see what it does.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2 · %3</source>
        <extracomment>Details title, e.g. &quot;User Jürgen Müller · Create&quot;</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The picture from the directory (%1 × %2 pixels)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::DirectoryBox</name>
    <message>
        <source>Directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty to trust the system&apos;s CAs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM file with the CA that issued the server&apos;s certificate (for Active Directory usually the enterprise root CA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the CA file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no encryption</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LDAPS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>StartTLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected (without TLS).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the containers…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The containers could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Containers to sync (unchecking one leaves out everything below it):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced: users %1, groups %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::DirectoryPage</name>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where do the people and groups come from? m365sync only reads the directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LDIF file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenLDAP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active Directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Univention Corporate Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>389 Directory Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>StartTLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LDAPS (TLS from the start)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None (loopback only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty for an anonymous bind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the directory file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LDIF files (*.ldif)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encryption:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bind DN:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Base DN:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample users:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users: %1, groups: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read as Windows-1252</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The next page shows the file&apos;s columns and lets you choose what each one becomes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Older Excel versions and many HR systems on Windows save CSV files in Windows-1252. Converting reads umlauts such as ä, ö and ü correctly; the file itself is not changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped, with the reason (%1 in all; the rest will sync):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty to trust the system&apos;s CAs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A PEM file with the certificate of the CA that signed the server&apos;s certificate, for Active Directory usually the enterprise root CA.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the CA file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the containers…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The containers could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Containers to sync (unchecking one leaves out everything below it):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test again for samples from the containers chosen.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::DirectoryPageController</name>
    <message>
        <source>%1 &lt;%2&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::DomainPage</name>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check DNS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verify with Microsoft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the domain that user names (user principal names) end in. It must be verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users will get user names ending in %1. You can continue, but people usually sign in with your own domain: verify it first to use it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A domain you own, e.g. example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another domain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish this record in the sandbox DNS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox tenant has its own DNS: this does what you would do at the DNS host of a real domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This domain is in the sandbox tenant, whose DNS m365sync can publish to. Publish this TXT record there, then verify:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync cannot publish this record for you. Sign in at your DNS host (where the domain&apos;s DNS records are managed, often the registrar), add a TXT record with the name @ (or the domain itself) and this value, then check and verify. New records can take up to an hour to be visible.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::DomainPageController</name>
    <message>
        <source>Looking up the TXT records of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DNS lookup failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TXT record is published. Choose Verify with Microsoft.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TXT record %1 is not published for %2 yet. Add it at your DNS host; it can take up to an hour before it is visible.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TXT records found: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app may not verify domains. Verify %1 in the Microsoft 365 admin center (Settings, Domains), or grant the app Domain.ReadWrite.All, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a domain name. Enter a name such as example.com.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app may not add domains. Add %1 in the Microsoft 365 admin center (Settings, Domains), or grant the app Domain.ReadWrite.All, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was added, but its TXT record could not be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publishing the TXT record of %1 in the sandbox DNS…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TXT record could not be published in the sandbox DNS: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TXT record is published in the sandbox DNS. Choose Verify with Microsoft.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TXT record %1 is not published for %2 yet. Choose Publish this record in the sandbox DNS.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::ErrorBanner</name>
    <message>
        <source>Copy details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request ID: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::HistoryTab</name>
    <message>
        <source>Running or interrupted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a run to see its changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Run started %1: %n change(s)</source>
        <translation>
            <numerusform>Run started %1: %n change</numerusform>
            <numerusform>Run started %1: %n changes</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 writes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed meanwhile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not applied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished with failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo this run…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan taking back what this run changed in the tenant; you see the plan before anything is applied.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::LicencesTab</name>
    <message>
        <source>Subscription</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prepaid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consumed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seats after the sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>+%1 / −%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 — %3 short</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant has no subscriptions, or the plan assigns no licences.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough seats for the plan: %1. Licence assignments beyond the free seats will fail; buy more seats or assign fewer licences.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign to every user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use licensing through a group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every user in scope who gets no licence through a directory group gets this one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licensing through a group: one write per new user instead of two, and licences show as inherited from the group (needs Microsoft Entra ID P1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Direct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Through group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users who hold the licence by a direct assignment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users who inherit the licence from a group (group-based licensing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licence:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>licensing group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, licensing group %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 failed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) could not get the licence from a group, e.g. for want of seats.</source>
        <translation>
            <numerusform>%n user could not get the licence from a group, e.g. for want of seats.</numerusform>
            <numerusform>%n users could not get the licence from a group, e.g. for want of seats.</numerusform>
        </translation>
    </message>
    <message>
        <source>Seats per subscription: bought (prepaid), used now (consumed), held directly or through a group, and what the sync adds and releases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Makes (or finds) the security group &quot;%1&quot;, assigns it this licence, and gives the licence to users through it from the next sync on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant has no Microsoft Entra ID P1, which group-based licensing needs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Made the licensing group &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licensing through the group &quot;%1&quot; is set up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose &quot;Assign to every user&quot; to give it to users.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::LogTab</name>
    <message>
        <source>Only errors, retries and throttling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by URL, status or request id…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected requests (or all shown) with their request ids, for support</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::MainWindow</name>
    <message>
        <source>m365sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch to the dashboard of another connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connection yet. Choose &quot;New connection…&quot; to connect to a tenant or the sandbox.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — m365sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Finish a draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connection yet. Finish the draft &quot;%1&quot; (Connection, Finish a draft), or choose &quot;New connection…&quot; to start afresh.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish &quot;%1&quot;…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;All connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every connection with its last run, result, pending changes and certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; cannot be opened: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections — m365sync</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::OnboardingWizard</name>
    <message>
        <source>Connect m365sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish the connection &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit the connection &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox tenant could not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keychain could not be read: %1 Make or import the certificate again on the Credentials page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The draft &quot;%1&quot; was kept before and is being finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app %1 is registered in the tenant (application ID %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant ID and the application (client) ID were entered and checked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A certificate was made and added to the app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A certificate was made or imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A client secret was entered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the wizard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep what was done as a draft?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A draft keeps the IDs, the certificate (its private key in the system keychain) and the settings made so far. The wizard resumes it the next time m365sync starts. Discard deletes them from this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep as a draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The draft could not be kept: %1 The wizard stays open, so nothing is lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard the draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard the draft? The app %1 stays in the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync registered the app &quot;%1&quot; (application ID %2) in the tenant. Discarding the draft does not delete it there, and without the certificate kept here nobody can sign in as it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To remove it, reset the sandbox tenant (m365sync-cli --sandbox-reset).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To remove it, open the Microsoft Entra admin center, go to App registrations, All applications, select &quot;%1&quot; with this application ID and choose Delete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The draft could not be deleted: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::PreviewPane</name>
    <message>
        <source>Apply all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only this kind of change (several can be combined)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to do: Microsoft 365 matches the directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n directory entries could not be read</source>
        <translation>
            <numerusform>%n directory entry could not be read</numerusform>
            <numerusform>%n directory entries could not be read</numerusform>
        </translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed meanwhile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply %1 of %2 changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search names, DNs, properties…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show which entries could not be read, and why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unchecked rows are left out of the sync you start, and their objects are excluded from later syncs too (Settings → Exclusions includes them again)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::ProfileSecretsJob</name>
    <message>
        <source>No keychain is configured.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::RegistrationPage</name>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy to the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register automatically (sign in as an administrator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I&apos;ll register it myself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m365sync signs in to Microsoft 365 as an app that your tenant knows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the Microsoft Entra admin center, open App registrations and choose New registration. Name it:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supported account types: this organizational directory only. No redirect URI is needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Under API permissions, add these Microsoft Graph application permissions, then grant admin consent:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional: add Domain.ReadWrite.All as well if this wizard should verify your domain with Microsoft.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the directory (tenant) ID and the application (client) ID from the Overview page into the fields below. The certificate comes on the next page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory (tenant) ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Application (client) ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GUID or domain, e.g. contoso.onmicrosoft.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GUID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in and register</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filled in after the sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filled in when the app is registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — running…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in as a Global Administrator (or as an Application or Cloud Application Administrator who is also a Privileged Role Administrator). m365sync then registers itself as &quot;%1&quot; with the permissions it needs and grants admin consent; the certificate from the next page is added to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with a code instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For a machine without a browser: sign in on your phone or another computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy sign-in link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open this link in a browser where you can sign in as an administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the app from the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in page:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the app %1 that this attempt created from your tenant? Try again would create it anew.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 If no browser window opened, &lt;a href=&quot;%2&quot;&gt;open the sign-in page&lt;/a&gt;, copy the link to a browser elsewhere, or cancel and sign in with a code.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::RegistrationPageController</name>
    <message>
        <source>Enter the directory (tenant) ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47, or a verified domain such as contoso.onmicrosoft.com.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The application (client) ID is a GUID such as 4a1aa1d5-c567-49d0-ad0b-cd957a47f842; copy it from the app&apos;s Overview page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload the certificate (on the next page)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for you to sign in as an administrator in your browser…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registering the app in your tenant…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app %1 is registered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app %1 is registered (signed in as %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in was cancelled. Choose Try again, or register the app yourself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in was not finished in the browser in time. If the browser showed an error (for example a wrong password) or was closed, choose Try again, or register the app yourself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 Choose Try again, or register the app yourself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The registration was cancelled. Choose Try again, or register the app yourself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in as an administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On any device with a browser, open %1 and enter the code below, then sign in as an administrator. This page goes on by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing the app from your tenant…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app %1 was created in your tenant, but not finished. Try again to finish it, or remove it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app could not be removed: %1 Remove it in the Microsoft Entra admin center under App registrations, or try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::RequestLogModel</name>
    <message>
        <source>%1 (attempt %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::SaveProfileJob</name>
    <message>
        <source>No keychain is configured.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::SettingsTab</name>
    <message>
        <source>Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anonymize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fixed value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create security groups for the directory&apos;s groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adopt existing cloud users with the same user name (soft match)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete, rather than disable, users who leave the scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft 365 property</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. DE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribute rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name template:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default usage location:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LDAP filter, e.g. (departmentNumber=Sales); empty: everyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group DNs or anchors, separated by &quot;;&quot;; empty: no group condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users matching:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members of:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prefix for disabled users:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default (10 % of managed objects, at most 500)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most a number of objects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most a share of managed objects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deletion guard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A sync that would disable, delete or unlicense more objects than this asks for confirmation first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Objects:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize automatically</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every 4 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Daily</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the tenant for changes every:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the settings to the profile and update the preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1 names no Microsoft 365 property.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1 (%2) names no directory attribute to sync from.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a Windows Task Scheduler task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a systemd user timer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs &quot;m365sync-cli sync --yes&quot; for this profile from %1, also when the app is closed. The deletion guard still stops a run that would remove too much.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Include again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize the selected objects again from the next plan on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Objects whose changes were unchecked when a sync started. No sync changes them, also not the scheduled one, until you include them again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exclusions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2, since %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None: every object in scope is synchronized.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. corp.local=contoso.com; empty: user names keep their suffix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name suffixes that Microsoft 365 cannot verify, such as an Active Directory&apos;s corp.local, each with the verified domain that replaces it, separated by &quot;;&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rewrite suffixes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a suffix rewrite: write it as corp.local=contoso.com.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory settings cannot change while a sync runs. Apply them when it is done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LDAP filter, e.g. (cn=M365-*); empty: every group read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Groups matching:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which of the directory&apos;s groups become groups in Microsoft 365; which containers they are read from is chosen under Directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What Microsoft Graph lets this app write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chosen on the Licences tab, which lists the tenant&apos;s subscriptions and their seats.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licences:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why not, and what instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1 (%2): %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::SummaryPage</name>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check what m365sync will use. Finish saves the connection; the secrets go to the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The name of a connection stays: its history and sync state are kept under it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::SummaryPageController</name>
    <message>
        <source>Use 1 to 64 letters, digits, &apos;-&apos;, &apos;_&apos; or &apos;.&apos;, not starting with &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A connection named &quot;%1&quot; exists already. Choose another name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sandbox tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Application (client) ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credential:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate %1, valid until %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permissions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name domain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Secrets:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kept in the system keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User names:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attributes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 synchronised, %2 anonymized, %3 static, %4 never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage location:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only from the directory&apos;s country</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 unless the directory has a country</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scope:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every user in the directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV columns:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 used, key: %3 (%4)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::WelcomePage</name>
    <message>
        <source>Sandbox tenant (offline, for trying it out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft 365 tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome to m365sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This wizard connects m365sync to a Microsoft 365 tenant and to your directory. It checks each step and says exactly what is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You will:
1. Register an app for m365sync in Microsoft Entra ID.
2. Give it a certificate to sign in with.
3. Check that it has the permissions it needs.
4. Choose and verify the domain for user names.
5. Point m365sync at your directory (LDAP, LDIF or CSV).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox is a tenant that runs inside m365sync, seeded with demo users. Nothing leaves your computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cloud:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where should m365sync connect to?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>M365::Ui::WelcomePageController</name>
    <message>
        <source>The sandbox tenant could not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProfileStore</name>
    <message>
        <source>&quot;%1&quot; is not a valid profile name: use 1 to 64 letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;, not starting with &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
