<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CsvText</name>
    <message>
        <source>The CSV file &quot;%1&quot; cannot be read as UTF-8: %2. Confirm that it is Windows-1252 to convert it, or save it as &quot;CSV UTF-8&quot; in the spreadsheet program.</source>
        <translation>Die CSV-Datei „%1“ kann nicht als UTF-8 gelesen werden: %2. Bestätigen Sie, dass sie Windows-1252 ist, damit sie umgewandelt wird, oder speichern Sie sie im Tabellenprogramm als „CSV UTF-8“.</translation>
    </message>
    <message>
        <source>The CSV file &quot;%1&quot; cannot be read: %2. Save it as &quot;CSV UTF-8&quot; in the spreadsheet program.</source>
        <translation>Die CSV-Datei „%1“ kann nicht gelesen werden: %2. Speichern Sie sie im Tabellenprogramm als „CSV UTF-8“.</translation>
    </message>
    <message>
        <source>The CSV file &quot;%1&quot; has no readable header row: %2</source>
        <translation>Die CSV-Datei „%1“ hat keine lesbare Kopfzeile: %2</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>die Datei ist leer</translation>
    </message>
</context>
<context>
    <name>M365</name>
    <message>
        <source>Microsoft Graph could not be reached. Check the network connection, proxy and firewall.</source>
        <translation>Microsoft Graph ist nicht erreichbar. Prüfen Sie die Netzwerkverbindung, den Proxy und die Firewall.</translation>
    </message>
    <message>
        <source>The app lacks a permission for this operation. Grant the missing application permission with admin consent; &quot;m365sync-cli check&quot; lists what is missing.</source>
        <translation>Der App fehlt eine Berechtigung für diesen Vorgang. Erteilen Sie die fehlende Anwendungsberechtigung mit Administratorzustimmung; „m365sync-cli check“ zeigt, was fehlt.</translation>
    </message>
    <message>
        <source>Microsoft Graph did not accept the access token: %1</source>
        <translation>Microsoft Graph hat das Zugriffstoken nicht akzeptiert: %1</translation>
    </message>
    <message>
        <source>The object does not exist (any more) in the tenant: %1</source>
        <translation>Das Objekt existiert im Mandanten nicht (mehr): %1</translation>
    </message>
    <message>
        <source>Microsoft Graph kept throttling the requests for longer than the allowed wait. Try again later or outside business hours.</source>
        <translation>Microsoft Graph hat die Anfragen länger gedrosselt als die erlaubte Wartezeit. Versuchen Sie es später oder außerhalb der Geschäftszeiten erneut.</translation>
    </message>
    <message>
        <source>Microsoft Graph is temporarily unavailable (HTTP %1). Try again later.</source>
        <translation>Microsoft Graph ist vorübergehend nicht verfügbar (HTTP %1). Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>Microsoft Graph refused the request (HTTP %1).</source>
        <translation>Microsoft Graph hat die Anfrage abgelehnt (HTTP %1).</translation>
    </message>
    <message>
        <source>Microsoft Graph refused the request: %1</source>
        <translation>Microsoft Graph hat die Anfrage abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>M365::Directory::CsvMapping</name>
    <message>
        <source>The CSV column mapping in the profile is not valid: %1. Choose the columns again in the directory settings.</source>
        <translation>Die CSV-Spaltenzuordnung im Profil ist ungültig: %1. Wählen Sie die Spalten in den Verzeichniseinstellungen neu.</translation>
    </message>
    <message>
        <source>&quot;columns&quot; must map each header to an attribute</source>
        <translation>„columns“ muss jeder Spaltenüberschrift ein Attribut zuordnen</translation>
    </message>
    <message>
        <source>the attribute of column &quot;%1&quot; is not text</source>
        <translation>das Attribut der Spalte „%1“ ist kein Text</translation>
    </message>
    <message>
        <source>&quot;%1&quot; (column &quot;%2&quot;) is not an attribute name</source>
        <translation>„%1“ (Spalte „%2“) ist kein Attributname</translation>
    </message>
    <message>
        <source>&quot;key&quot; must name a column</source>
        <translation>„key“ muss eine Spalte nennen</translation>
    </message>
    <message>
        <source>the key column &quot;%1&quot; is not mapped to an attribute</source>
        <translation>der Schlüsselspalte „%1“ ist kein Attribut zugeordnet</translation>
    </message>
    <message>
        <source>&quot;required&quot; must list columns</source>
        <translation>„required“ muss eine Liste von Spalten sein</translation>
    </message>
</context>
<context>
    <name>M365::Directory::CsvSource</name>
    <message>
        <source>unexpected character after a closing quote in field %1 (unbalanced quotes)</source>
        <translation>unerwartetes Zeichen nach einem schließenden Anführungszeichen in Feld %1 (Anführungszeichen nicht paarig)</translation>
    </message>
    <message>
        <source>quote inside an unquoted field %1 (unbalanced quotes)</source>
        <translation>Anführungszeichen in Feld %1, das nicht in Anführungszeichen steht (Anführungszeichen nicht paarig)</translation>
    </message>
    <message>
        <source>quoted field %1 is never closed (unbalanced quotes)</source>
        <translation>das Anführungszeichen am Anfang von Feld %1 wird nie geschlossen (Anführungszeichen nicht paarig)</translation>
    </message>
    <message>
        <source>column %1 repeats the header &quot;%2&quot; of column %3; its values are ignored</source>
        <translation>Spalte %1 wiederholt die Überschrift „%2“ von Spalte %3; ihre Werte werden ignoriert</translation>
    </message>
    <message>
        <source>the required column &quot;%1&quot; is not in the header row; no row is read</source>
        <translation>die Pflichtspalte „%1“ fehlt in der Kopfzeile; es wird keine Zeile gelesen</translation>
    </message>
    <message>
        <source>the key column &quot;%1&quot; is not in the header row; no row is read</source>
        <translation>die Schlüsselspalte „%1“ fehlt in der Kopfzeile; es wird keine Zeile gelesen</translation>
    </message>
    <message>
        <source>expected %1 fields as in the header, found %2</source>
        <translation>%2 Felder gefunden, erwartet wurden %1 wie in der Kopfzeile</translation>
    </message>
    <message>
        <source>column &quot;%1&quot; holds a NUL byte; the row is skipped</source>
        <translation>Spalte „%1“ enthält ein NUL-Byte; die Zeile wird übersprungen</translation>
    </message>
    <message>
        <source>column %1 has no name in the header row; its values are ignored</source>
        <translation>Spalte %1 hat keinen Namen in der Kopfzeile; ihre Werte werden ignoriert</translation>
    </message>
    <message>
        <source>the key column &quot;%1&quot; is empty</source>
        <translation>die Schlüsselspalte „%1“ ist leer</translation>
    </message>
    <message>
        <source>the required column &quot;%1&quot; is empty</source>
        <translation>die Pflichtspalte „%1“ ist leer</translation>
    </message>
    <message>
        <source>the groups column cannot name its members: choose a key column (or a DN column) for the rows</source>
        <translation>die Gruppenspalte kann ihre Mitglieder nicht benennen: Wählen Sie eine Schlüsselspalte (oder eine DN-Spalte) für die Zeilen</translation>
    </message>
    <message>
        <source>The CSV separator &quot;%1&quot; in the profile is not one of , ; | or TAB.</source>
        <translation>Das CSV-Trennzeichen „%1“ im Profil ist keines der Zeichen , ; | oder TAB.</translation>
    </message>
    <message>
        <source>Cannot open the CSV file &quot;%1&quot;: %2. Check the path and the file permissions.</source>
        <translation>Die CSV-Datei „%1“ lässt sich nicht öffnen: %2. Prüfen Sie den Pfad und die Dateiberechtigungen.</translation>
    </message>
    <message>
        <source>Reading the CSV file &quot;%1&quot; failed: %2.</source>
        <translation>Das Lesen der CSV-Datei „%1“ ist fehlgeschlagen: %2.</translation>
    </message>
</context>
<context>
    <name>M365::Directory::DirectorySource</name>
    <message>
        <source>This is not an LDAP directory: it has no containers to choose from.</source>
        <translation>Dies ist kein LDAP-Verzeichnis: Es hat keine Container zur Auswahl.</translation>
    </message>
</context>
<context>
    <name>M365::Directory::EntryProblem</name>
    <message>
        <source>line %1</source>
        <translation>Zeile %1</translation>
    </message>
</context>
<context>
    <name>M365::Directory::FileSource</name>
    <message>
        <source>duplicate DN, first seen on line %1</source>
        <translation>doppelter DN, erstmals in Zeile %1</translation>
    </message>
    <message>
        <source>no anchor attribute (looked for %1)</source>
        <translation>kein Ankerattribut (gesucht: %1)</translation>
    </message>
    <message>
        <source>duplicate anchor %1=%2, first seen on line %3</source>
        <translation>doppelter Anker %1=%2, erstmals in Zeile %3</translation>
    </message>
    <message>
        <source>member &quot;%1&quot; is not an entry of this file</source>
        <translation>das Mitglied „%1“ ist kein Eintrag dieser Datei</translation>
    </message>
    <message>
        <source>memberUid &quot;%1&quot; is no user&apos;s uid in this file</source>
        <translation>memberUid „%1“ ist in dieser Datei keine uid eines Benutzers</translation>
    </message>
</context>
<context>
    <name>M365::Directory::GroupResolver</name>
    <message>
        <source>group membership cycle: %1</source>
        <translation>Zyklus in den Gruppenmitgliedschaften: %1</translation>
    </message>
</context>
<context>
    <name>M365::Directory::LdapConfig</name>
    <message>
        <source>The address %1 starts with ldaps:// (TLS from the first byte), but the encryption chosen is %2. Choose LDAPS, or write the address with ldap://.</source>
        <translation>Die Adresse %1 beginnt mit ldaps:// (TLS ab dem ersten Byte), aber als Verschlüsselung ist %2 gewählt. Wählen Sie LDAPS oder schreiben Sie die Adresse mit ldap://.</translation>
    </message>
    <message>
        <source>StartTLS</source>
        <translation>StartTLS</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>The address %1 names port 389, where LDAP servers speak without TLS, but the encryption chosen is LDAPS (port 636). Write the address as ldaps://%2, or choose StartTLS.</source>
        <translation>Die Adresse %1 nennt Port 389, auf dem LDAP-Server ohne TLS sprechen, aber als Verschlüsselung ist LDAPS (Port 636) gewählt. Schreiben Sie die Adresse als ldaps://%2 oder wählen Sie StartTLS.</translation>
    </message>
</context>
<context>
    <name>M365::Directory::LdapSource</name>
    <message>
        <source>The secure connection to %1 failed%2. Check that the CA file is the one that issued the server&apos;s certificate, that the host name in the URL matches the certificate, and that the port speaks %3.</source>
        <translation>Die sichere Verbindung zu %1 ist fehlgeschlagen%2. Prüfen Sie, ob die CA-Datei von der Zertifizierungsstelle stammt, die das Zertifikat des Servers ausgestellt hat, ob der Hostname in der URL zum Zertifikat passt und ob der Port %3 verwendet.</translation>
    </message>
    <message>
        <source>Cannot reach the LDAP server at %1. Check the host name and port, that the server is running and that no firewall blocks the connection.</source>
        <translation>Der LDAP-Server unter %1 ist nicht erreichbar. Prüfen Sie Hostname und Port, ob der Server läuft und ob eine Firewall die Verbindung blockiert.</translation>
    </message>
    <message>
        <source>The server rejected the bind DN or the password. Check the bind DN &quot;%1&quot; and enter the password again.</source>
        <translation>Der Server hat den Bind-DN oder das Passwort abgelehnt. Prüfen Sie den Bind-DN „%1“ und geben Sie das Passwort erneut ein.</translation>
    </message>
    <message>
        <source>The server refuses this kind of login on an unencrypted connection. Use StartTLS or an ldaps:// address.</source>
        <translation>Der Server lässt diese Art der Anmeldung über eine unverschlüsselte Verbindung nicht zu. Verwenden Sie StartTLS oder eine ldaps://-Adresse.</translation>
    </message>
    <message>
        <source>The base DN &quot;%1&quot; does not exist on the server. Check its spelling against the server&apos;s naming contexts.</source>
        <translation>Der Basis-DN „%1“ existiert auf dem Server nicht. Vergleichen Sie seine Schreibweise mit den Namenskontexten des Servers.</translation>
    </message>
    <message>
        <source>The search filter is not valid LDAP filter syntax (RFC 4515). Check its parentheses and operators: %1</source>
        <translation>Der Suchfilter ist keine gültige LDAP-Filtersyntax (RFC 4515). Prüfen Sie seine Klammern und Operatoren: %1</translation>
    </message>
    <message>
        <source>The LDAP server %1 did not answer within %2 seconds. Check the server load or raise the timeout.</source>
        <translation>Der LDAP-Server %1 hat nicht innerhalb von %2 Sekunden geantwortet. Prüfen Sie die Serverlast oder erhöhen Sie das Zeitlimit.</translation>
    </message>
    <message>
        <source>The bind DN may not read this part of the directory. Check its access rights.</source>
        <translation>Der Bind-DN darf diesen Teil des Verzeichnisses nicht lesen. Prüfen Sie seine Zugriffsrechte.</translation>
    </message>
    <message>
        <source>The server stopped the search at its size limit. Allow paged searches for the bind DN (e.g. slapd&apos;s size.prtotal=unlimited, AD&apos;s MaxPageSize).</source>
        <translation>Der Server hat die Suche an seiner Größenbeschränkung abgebrochen. Erlauben Sie dem Bind-DN seitenweise Suchen (z. B. size.prtotal=unlimited bei slapd, MaxPageSize bei AD).</translation>
    </message>
    <message>
        <source>The server %1 does not offer StartTLS. Enable TLS on the server or use an ldaps:// address.</source>
        <translation>Der Server %1 bietet kein StartTLS an. Aktivieren Sie TLS auf dem Server oder verwenden Sie eine ldaps://-Adresse.</translation>
    </message>
    <message>
        <source>The LDAP server reported an error during %1: %2.</source>
        <translation>Der LDAP-Server hat beim Vorgang %1 einen Fehler gemeldet: %2.</translation>
    </message>
    <message>
        <source>A bind DN is set but the password is empty. Enter the password, or clear the bind DN for an anonymous bind.</source>
        <translation>Ein Bind-DN ist angegeben, aber das Passwort ist leer. Geben Sie das Passwort ein oder leeren Sie den Bind-DN für eine anonyme Anmeldung.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid LDAP address. Use ldap://host[:port] or ldaps://host[:port].</source>
        <translation>„%1“ ist keine gültige LDAP-Adresse. Verwenden Sie ldap://host[:port] oder ldaps://host[:port].</translation>
    </message>
    <message>
        <source>The TLS settings could not be applied. Check that the CA file &quot;%1&quot; exists and holds PEM certificates.</source>
        <translation>Die TLS-Einstellungen konnten nicht angewendet werden. Prüfen Sie, ob die CA-Datei „%1“ existiert und PEM-Zertifikate enthält.</translation>
    </message>
    <message>
        <source>the server sent an entry that cannot be decoded</source>
        <translation>der Server hat einen Eintrag gesendet, der sich nicht dekodieren lässt</translation>
    </message>
    <message>
        <source>could not read all values of &quot;%1&quot; (ranged retrieval failed)</source>
        <translation>nicht alle Werte von „%1“ konnten gelesen werden (bereichsweiser Abruf fehlgeschlagen)</translation>
    </message>
    <message>
        <source>the anchor attribute &quot;%1&quot; is missing or not readable by the bind DN</source>
        <translation>das Ankerattribut „%1“ fehlt oder ist für den Bind-DN nicht lesbar</translation>
    </message>
    <message>
        <source>matches both the user and the group filter; read as a user</source>
        <translation>passt sowohl zum Benutzer- als auch zum Gruppenfilter; als Benutzer gelesen</translation>
    </message>
    <message>
        <source>The server holds: %1.</source>
        <translation>Der Server enthält: %1.</translation>
    </message>
    <message>
        <source>The secure connection to %1 failed. %2</source>
        <translation>Die sichere Verbindung zu %1 ist fehlgeschlagen. %2</translation>
    </message>
    <message>
        <source>%1 answers, but not with TLS: port %2 may be a plain LDAP port. Use ldaps:// with the server&apos;s LDAPS port (usually 636), or StartTLS on port 389.</source>
        <translation>%1 antwortet, aber nicht mit TLS: Port %2 ist vielleicht ein einfacher LDAP-Port. Verwenden Sie ldaps:// mit dem LDAPS-Port des Servers (meist 636) oder StartTLS auf Port 389.</translation>
    </message>
    <message>
        <source>%1 answers, but does not complete StartTLS: port %2 may expect TLS from the first byte (LDAPS, usually 636), or the server has no certificate for StartTLS. Use ldaps:// for an LDAPS port, or enable TLS on the server.</source>
        <translation>%1 antwortet, schließt StartTLS aber nicht ab: Port %2 erwartet vielleicht TLS ab dem ersten Byte (LDAPS, meist 636), oder der Server hat kein Zertifikat für StartTLS. Verwenden Sie ldaps:// für einen LDAPS-Port oder aktivieren Sie TLS auf dem Server.</translation>
    </message>
    <message>
        <source>The server serves %1, but its top entry is missing: the database may be empty or not readable by the bind DN.</source>
        <translation>Der Server bedient %1, aber dessen oberster Eintrag fehlt: Die Datenbank ist vielleicht leer oder für den Bind-DN nicht lesbar.</translation>
    </message>
</context>
<context>
    <name>M365::Directory::LdifSource</name>
    <message>
        <source>continuation line without a preceding line</source>
        <translation>Fortsetzungszeile ohne vorangehende Zeile</translation>
    </message>
    <message>
        <source>the line holds a NUL byte, which LDIF does not allow; the record is skipped</source>
        <translation>die Zeile enthält ein NUL-Byte, das in LDIF nicht erlaubt ist; der Datensatz wird übersprungen</translation>
    </message>
    <message>
        <source>record does not start with &quot;dn:&quot;</source>
        <translation>der Datensatz beginnt nicht mit „dn:“</translation>
    </message>
    <message>
        <source>the DN is not valid UTF-8</source>
        <translation>der DN ist kein gültiges UTF-8</translation>
    </message>
    <message>
        <source>a second &quot;dn:&quot; line in one record (is the empty line between two entries missing?)</source>
        <translation>eine zweite „dn:“-Zeile in einem Datensatz (fehlt die Leerzeile zwischen zwei Einträgen?)</translation>
    </message>
    <message>
        <source>&quot;changetype: %1&quot; is a change record, not an exported entry; export the directory with ldapsearch, slapcat or ldifde instead</source>
        <translation>„changetype: %1“ ist ein Änderungsdatensatz, kein exportierter Eintrag; exportieren Sie das Verzeichnis stattdessen mit ldapsearch, slapcat oder ldifde</translation>
    </message>
    <message>
        <source>expected &quot;attribute: value&quot;, found no colon</source>
        <translation>„Attribut: Wert“ erwartet, aber keinen Doppelpunkt gefunden</translation>
    </message>
    <message>
        <source>line starts with a colon, the attribute name is missing</source>
        <translation>die Zeile beginnt mit einem Doppelpunkt, der Attributname fehlt</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an attribute name</source>
        <translation>„%1“ ist kein Attributname</translation>
    </message>
    <message>
        <source>URL values (&quot;:&lt;&quot;) are not supported in an export</source>
        <translation>URL-Werte („:&lt;“) werden in einem Export nicht unterstützt</translation>
    </message>
    <message>
        <source>invalid or truncated base64 value for attribute &quot;%1&quot;</source>
        <translation>ungültiger oder abgeschnittener Base64-Wert für das Attribut „%1“</translation>
    </message>
    <message>
        <source>attribute &quot;%1&quot; holds a NUL character</source>
        <translation>das Attribut „%1“ enthält ein NUL-Zeichen</translation>
    </message>
    <message>
        <source>attribute &quot;%1&quot; is not valid UTF-8</source>
        <translation>das Attribut „%1“ ist kein gültiges UTF-8</translation>
    </message>
    <message>
        <source>Cannot open the LDIF file &quot;%1&quot;: %2. Check the path and the file permissions.</source>
        <translation>Die LDIF-Datei „%1“ lässt sich nicht öffnen: %2. Prüfen Sie den Pfad und die Dateiberechtigungen.</translation>
    </message>
    <message>
        <source>The LDIF file &quot;%1&quot; cannot be read: %2.</source>
        <translation>Die LDIF-Datei „%1“ kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>Reading the LDIF file &quot;%1&quot; failed: %2.</source>
        <translation>Das Lesen der LDIF-Datei „%1“ ist fehlgeschlagen: %2.</translation>
    </message>
</context>
<context>
    <name>M365::Directory::ServerCertificate</name>
    <message>
        <source>The server&apos;s certificate expired on %1. Renew it on the server.</source>
        <translation>Das Zertifikat des Servers ist am %1 abgelaufen. Erneuern Sie es auf dem Server.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is valid only from %1 on. Check the clock of this computer and of the server.</source>
        <translation>Das Zertifikat des Servers gilt erst ab %1. Prüfen Sie die Uhr dieses Computers und die des Servers.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate was issued by &quot;%1&quot;, which this computer does not trust. Choose a CA file with that CA&apos;s certificate (for Active Directory usually the enterprise root CA), or add the CA to the system&apos;s trust store.</source>
        <translation>Das Zertifikat des Servers wurde von „%1“ ausgestellt, der dieser Computer nicht vertraut. Wählen Sie eine CA-Datei mit dem Zertifikat dieser CA (bei Active Directory meist die Stammzertifizierungsstelle des Unternehmens) oder fügen Sie die CA dem Zertifikatsspeicher des Systems hinzu.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate was issued by &quot;%1&quot;, which is not among the trusted CAs (%2). Choose a CA file with that CA&apos;s certificate (for Active Directory usually the enterprise root CA).</source>
        <translation>Das Zertifikat des Servers wurde von „%1“ ausgestellt, die nicht zu den vertrauenswürdigen CAs (%2) gehört. Wählen Sie eine CA-Datei mit dem Zertifikat dieser CA (bei Active Directory meist die Stammzertifizierungsstelle des Unternehmens).</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is for %1, but the URL names &quot;%2&quot;. Use one of the certificate&apos;s names in the URL.</source>
        <translation>Das Zertifikat des Servers gilt für %1, aber die URL nennt „%2“. Verwenden Sie in der URL einen der Namen aus dem Zertifikat.</translation>
    </message>
    <message>
        <source>no host name</source>
        <translation>keinen Hostnamen</translation>
    </message>
    <message>
        <source>Certificate: %1 · issued by %2 · valid until %3</source>
        <translation>Zertifikat: %1 · ausgestellt von %2 · gültig bis %3</translation>
    </message>
</context>
<context>
    <name>M365::Directory::TextEncoding</name>
    <message>
        <source>the file is UTF-16 but ends in the middle of a character (it is truncated)</source>
        <translation>die Datei ist UTF-16, endet aber mitten in einem Zeichen (sie ist abgeschnitten)</translation>
    </message>
    <message>
        <source>the file is UTF-16 but holds an invalid character sequence</source>
        <translation>die Datei ist UTF-16, enthält aber eine ungültige Zeichenfolge</translation>
    </message>
    <message>
        <source>byte 0x%1 on line %2 is not a character in Windows-1252</source>
        <translation>das Byte 0x%1 in Zeile %2 ist kein Zeichen in Windows-1252</translation>
    </message>
    <message>
        <source>it is not valid UTF-8 (first on line %1)</source>
        <translation>sie ist kein gültiges UTF-8 (erstmals in Zeile %1)</translation>
    </message>
    <message>
        <source>the first character that is not UTF-8 is on line %1, and the file looks like Windows-1252</source>
        <translation>das erste Zeichen, das kein UTF-8 ist, steht in Zeile %1, und die Datei sieht nach Windows-1252 aus</translation>
    </message>
    <message>
        <source>the first character that is not UTF-8 is on line %1</source>
        <translation>das erste Zeichen, das kein UTF-8 ist, steht in Zeile %1</translation>
    </message>
</context>
<context>
    <name>M365::Graph::AppRegistrationJob</name>
    <message>
        <source>Find Microsoft Graph in the tenant</source>
        <translation>Microsoft Graph im Mandanten finden</translation>
    </message>
    <message>
        <source>Create the application</source>
        <translation>Anwendung erstellen</translation>
    </message>
    <message>
        <source>Create its service principal</source>
        <translation>Dienstprinzipal der Anwendung erstellen</translation>
    </message>
    <message>
        <source>Upload the certificate</source>
        <translation>Zertifikat hochladen</translation>
    </message>
    <message>
        <source>Grant admin consent for the permissions</source>
        <translation>Administratorzustimmung für die Berechtigungen erteilen</translation>
    </message>
    <message>
        <source>The app registration needs a Graph client, a display name and at least one permission.</source>
        <translation>Die App-Registrierung braucht einen Graph-Client, einen Anzeigenamen und mindestens eine Berechtigung.</translation>
    </message>
    <message>
        <source>The tenant has no Microsoft Graph service principal. Contact Microsoft support.</source>
        <translation>Der Mandant hat keinen Dienstprinzipal für Microsoft Graph. Wenden Sie sich an den Microsoft-Support.</translation>
    </message>
    <message>
        <source>Microsoft Graph in this tenant does not offer the permission %1.</source>
        <translation>Microsoft Graph bietet in diesem Mandanten die Berechtigung %1 nicht an.</translation>
    </message>
    <message>
        <source>Your account has no active administrator role.</source>
        <translation>Ihr Konto hat keine aktive Administratorrolle.</translation>
    </message>
    <message>
        <source>Your account&apos;s active roles: %1.</source>
        <translation>Aktive Rollen Ihres Kontos: %1.</translation>
    </message>
    <message>
        <source>Granting the app its Microsoft Graph application permissions needs a Privileged Role Administrator or a Global Administrator; Microsoft does not let Application or Cloud Application Administrators grant them.</source>
        <translation>Die Microsoft-Graph-Anwendungsberechtigungen der App erteilen kann nur ein Administrator für privilegierte Rollen oder ein Globaler Administrator; Anwendungsadministratoren und Cloudanwendungsadministratoren lässt Microsoft sie nicht erteilen.</translation>
    </message>
    <message>
        <source>Creating the app needs an Application Administrator, a Cloud Application Administrator or a Global Administrator.</source>
        <translation>Die App erstellen kann nur ein Anwendungsadministrator, ein Cloudanwendungsadministrator oder ein Globaler Administrator.</translation>
    </message>
    <message>
        <source>Registering the app needs a Global Administrator, or an Application or Cloud Application Administrator who is also a Privileged Role Administrator.</source>
        <translation>Die App registrieren kann nur ein Globaler Administrator oder ein Anwendungs- oder Cloudanwendungsadministrator, der zugleich Administrator für privilegierte Rollen ist.</translation>
    </message>
    <message>
        <source>%1 %2 Nothing was created. Ask a Global Administrator to sign in here, or register the app yourself and send the consent link to a Privileged Role Administrator. If your role is eligible through Privileged Identity Management, activate it and try again.</source>
        <translation>%1 %2 Es wurde nichts erstellt. Bitten Sie einen Globalen Administrator, sich hier anzumelden, oder registrieren Sie die App selbst und senden Sie den Link zur Administratorzustimmung an einen Administrator für privilegierte Rollen. Ist Ihnen die Rolle über Privileged Identity Management als berechtigt zugewiesen, aktivieren Sie sie und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Check your administrator roles</source>
        <translation>Ihre Administratorrollen prüfen</translation>
    </message>
</context>
<context>
    <name>M365::Graph::BatchJob</name>
    <message>
        <source>Two requests of a batch have the same id &quot;%1&quot;.</source>
        <translation>Zwei Anfragen eines Batches haben dieselbe ID „%1“.</translation>
    </message>
    <message>
        <source>Not done because a request it depends on failed.</source>
        <translation>Nicht ausgeführt, weil eine Anfrage, von der sie abhängt, fehlgeschlagen ist.</translation>
    </message>
    <message>
        <source>The requests of a batch depend on each other in a circle.</source>
        <translation>Die Anfragen eines Batches hängen ringförmig voneinander ab.</translation>
    </message>
    <message>
        <source>Microsoft Graph did not answer this request of the batch.</source>
        <translation>Microsoft Graph hat diese Anfrage des Batches nicht beantwortet.</translation>
    </message>
</context>
<context>
    <name>M365::Graph::DeltaReader</name>
    <message>
        <source>The connection was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
</context>
<context>
    <name>M365::Graph::NetworkJob</name>
    <message>
        <source>The connection was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
    <message>
        <source>throttled, Retry-After %1 s</source>
        <translation>gedrosselt, Retry-After %1 s</translation>
    </message>
    <message>
        <source>The TLS certificate of %1 is not trusted.</source>
        <translation>Dem TLS-Zertifikat von %1 wird nicht vertraut.</translation>
    </message>
    <message>
        <source>No answer from Microsoft Graph: %1</source>
        <translation>Keine Antwort von Microsoft Graph: %1</translation>
    </message>
</context>
<context>
    <name>M365::Graph::TenantCheckJob</name>
    <message>
        <source>Microsoft Entra does not accept the new app&apos;s certificate yet (%1); a new app and its certificate take a while to reach every server.</source>
        <translation>Microsoft Entra akzeptiert das Zertifikat der neuen App noch nicht (%1); eine neue App und ihr Zertifikat brauchen eine Weile, bis sie auf allen Servern angekommen sind.</translation>
    </message>
    <message>
        <source>The app&apos;s sign-in does not carry the permissions just granted yet (%1 missing); admin consent takes a while to reach every server.</source>
        <translation>Die Anmeldung der App enthält die soeben erteilten Berechtigungen noch nicht (fehlend: %1); die Administratorzustimmung braucht eine Weile, bis sie auf allen Servern angekommen ist.</translation>
    </message>
</context>
<context>
    <name>M365::Identity::AdminSignIn</name>
    <message>
        <source>The sign-in was not completed in time. Start it again and finish signing in in the browser.</source>
        <translation>Die Anmeldung wurde nicht rechtzeitig abgeschlossen. Starten Sie sie erneut und schließen Sie die Anmeldung im Browser ab.</translation>
    </message>
    <message>
        <source>The sign-in needs a tenant, a client ID and at least one permission.</source>
        <translation>Die Anmeldung braucht einen Mandanten, eine Client-ID und mindestens eine Berechtigung.</translation>
    </message>
    <message>
        <source>m365sync could not listen on a local port for the browser&apos;s answer. Check that nothing blocks connections to 127.0.0.1.</source>
        <translation>m365sync konnte auf keinem lokalen Port auf die Antwort des Browsers warten. Prüfen Sie, dass nichts Verbindungen zu 127.0.0.1 blockiert.</translation>
    </message>
    <message>
        <source>Signed in. You can close this window and return to m365sync.</source>
        <translation>Angemeldet. Sie können dieses Fenster schließen und zu m365sync zurückkehren.</translation>
    </message>
    <message>
        <source>Microsoft answered the sign-in without an access token.</source>
        <translation>Microsoft hat die Anmeldung ohne Zugriffstoken beantwortet.</translation>
    </message>
    <message>
        <source>The sign-in was cancelled or refused: %1</source>
        <translation>Die Anmeldung wurde abgebrochen oder abgelehnt: %1</translation>
    </message>
    <message>
        <source>The permissions needed to register the app were not granted: %1</source>
        <translation>Die zur Registrierung der App nötigen Berechtigungen wurden nicht erteilt: %1</translation>
    </message>
    <message>
        <source>Microsoft refused the sign-in: %1</source>
        <translation>Microsoft hat die Anmeldung abgelehnt: %1</translation>
    </message>
    <message>
        <source>The token endpoint could not be reached: %1</source>
        <translation>Der Token-Endpunkt ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>Microsoft did not accept the sign-in: %1</source>
        <translation>Microsoft hat die Anmeldung nicht akzeptiert: %1</translation>
    </message>
</context>
<context>
    <name>M365::Identity::CertificateCredential</name>
    <message>
        <source>The PFX file is protected with an algorithm that OpenSSL cannot read. Export the certificate again with AES-256 encryption, or as a PEM certificate and key.</source>
        <translation>Die PFX-Datei ist mit einem Algorithmus geschützt, den OpenSSL nicht lesen kann. Exportieren Sie das Zertifikat erneut mit AES-256-Verschlüsselung oder als PEM-Zertifikat und -Schlüssel.</translation>
    </message>
    <message>
        <source>The PFX file is protected with an old algorithm (such as RC2) that needs OpenSSL&apos;s legacy provider, which is not installed. Export the certificate again with AES-256 encryption, or as a PEM certificate and key.</source>
        <translation>Die PFX-Datei ist mit einem alten Algorithmus (etwa RC2) geschützt, der den Legacy-Provider von OpenSSL braucht, und dieser ist nicht installiert. Exportieren Sie das Zertifikat erneut mit AES-256-Verschlüsselung oder als PEM-Zertifikat und -Schlüssel.</translation>
    </message>
    <message>
        <source>The password for the PFX file is wrong. Enter the password that was chosen when the certificate was exported.</source>
        <translation>Das Passwort für die PFX-Datei ist falsch. Geben Sie das Passwort ein, das beim Export des Zertifikats gewählt wurde.</translation>
    </message>
    <message>
        <source>The certificate does not use an RSA key. Microsoft Entra app sign-in needs an RSA certificate; create or request one with an RSA key.</source>
        <translation>Das Zertifikat verwendet keinen RSA-Schlüssel. Die App-Anmeldung bei Microsoft Entra braucht ein RSA-Zertifikat; erstellen oder beantragen Sie eines mit RSA-Schlüssel.</translation>
    </message>
    <message>
        <source>The certificate&apos;s key has %1 bits; Microsoft Entra needs at least %2. Create a new certificate.</source>
        <translation>Der Schlüssel des Zertifikats hat %1 Bit; Microsoft Entra braucht mindestens %2. Erstellen Sie ein neues Zertifikat.</translation>
    </message>
    <message>
        <source>The private key does not belong to the certificate. Choose the key file that was created together with this certificate.</source>
        <translation>Der private Schlüssel gehört nicht zum Zertifikat. Wählen Sie die Schlüsseldatei, die zusammen mit diesem Zertifikat erstellt wurde.</translation>
    </message>
    <message>
        <source>The certificate could not be processed because of an internal error in OpenSSL. Copy the details and report them.</source>
        <translation>Das Zertifikat konnte wegen eines internen Fehlers in OpenSSL nicht verarbeitet werden. Kopieren Sie die Details und melden Sie sie.</translation>
    </message>
    <message>
        <source>Enter a certificate name of 1 to %1 characters.</source>
        <translation>Geben Sie einen Zertifikatsnamen mit 1 bis %1 Zeichen ein.</translation>
    </message>
    <message>
        <source>Choose a validity between 1 and %1 days.</source>
        <translation>Wählen Sie eine Gültigkeit zwischen 1 und %1 Tagen.</translation>
    </message>
    <message>
        <source>Choose a key size of 2048 or 3072 bits.</source>
        <translation>Wählen Sie eine Schlüssellänge von 2048 oder 3072 Bit.</translation>
    </message>
    <message>
        <source>The file is not a PFX (PKCS #12) file. Choose the .pfx or .p12 file that holds both the certificate and its private key.</source>
        <translation>Die Datei ist keine PFX-Datei (PKCS #12). Wählen Sie die .pfx- oder .p12-Datei, die das Zertifikat und seinen privaten Schlüssel enthält.</translation>
    </message>
    <message>
        <source>The PFX file is damaged or uses a format m365sync cannot read. Export the certificate again, or as a PEM certificate and key.</source>
        <translation>Die PFX-Datei ist beschädigt oder hat ein Format, das m365sync nicht lesen kann. Exportieren Sie das Zertifikat erneut oder als PEM-Zertifikat und -Schlüssel.</translation>
    </message>
    <message>
        <source>The PFX file holds no private key. Export the certificate again and include its private key.</source>
        <translation>Die PFX-Datei enthält keinen privaten Schlüssel. Exportieren Sie das Zertifikat erneut mit seinem privaten Schlüssel.</translation>
    </message>
    <message>
        <source>The PFX file holds no certificate for its private key. Export the certificate again together with its private key.</source>
        <translation>Die PFX-Datei enthält kein Zertifikat zu ihrem privaten Schlüssel. Exportieren Sie das Zertifikat erneut zusammen mit seinem privaten Schlüssel.</translation>
    </message>
    <message>
        <source>The private key is protected with a password. Enter the key&apos;s password.</source>
        <translation>Der private Schlüssel ist mit einem Passwort geschützt. Geben Sie das Passwort des Schlüssels ein.</translation>
    </message>
    <message>
        <source>The password for the private key is wrong. Enter the password that protects the key file.</source>
        <translation>Das Passwort für den privaten Schlüssel ist falsch. Geben Sie das Passwort ein, das die Schlüsseldatei schützt.</translation>
    </message>
    <message>
        <source>The key file does not hold a private key in PEM format. Choose the file that begins with &quot;-----BEGIN PRIVATE KEY-----&quot; or &quot;-----BEGIN RSA PRIVATE KEY-----&quot;.</source>
        <translation>Die Schlüsseldatei enthält keinen privaten Schlüssel im PEM-Format. Wählen Sie die Datei, die mit „-----BEGIN PRIVATE KEY-----“ oder „-----BEGIN RSA PRIVATE KEY-----“ beginnt.</translation>
    </message>
    <message>
        <source>The certificate file does not hold an X.509 certificate. Choose the .pem or .cer file of the certificate.</source>
        <translation>Die Zertifikatsdatei enthält kein X.509-Zertifikat. Wählen Sie die .pem- oder .cer-Datei des Zertifikats.</translation>
    </message>
</context>
<context>
    <name>M365::Identity::ClientAssertion</name>
    <message>
        <source>The sign-in request could not be signed with the certificate&apos;s private key. Import the certificate and its key again; if that does not help, copy the details and report them.</source>
        <translation>Die Anmeldeanfrage konnte nicht mit dem privaten Schlüssel des Zertifikats signiert werden. Importieren Sie Zertifikat und Schlüssel erneut; hilft das nicht, kopieren Sie die Details und melden Sie sie.</translation>
    </message>
    <message>
        <source>No certificate is set up for this connection. Generate or import a certificate first.</source>
        <translation>Für diese Verbindung ist kein Zertifikat eingerichtet. Erzeugen oder importieren Sie zuerst ein Zertifikat.</translation>
    </message>
    <message>
        <source>The application (client) ID or the sign-in address is missing. Check the connection settings.</source>
        <translation>Die Anwendungs-ID (Client-ID) oder die Anmeldeadresse fehlt. Prüfen Sie die Verbindungseinstellungen.</translation>
    </message>
    <message numerus="yes">
        <source>The sign-in request&apos;s lifetime must be between 1 second and %n minute(s).</source>
        <translation>
            <numerusform>Die Lebensdauer der Anmeldeanfrage muss zwischen 1 Sekunde und %n Minute liegen.</numerusform>
            <numerusform>Die Lebensdauer der Anmeldeanfrage muss zwischen 1 Sekunde und %n Minuten liegen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Identity::CloudEndpoints</name>
    <message>
        <source>The %1 address &quot;%2&quot; is not an absolute URL.</source>
        <translation>Die %1-Adresse „%2“ ist keine absolute URL.</translation>
    </message>
    <message>
        <source>The %1 address &quot;%2&quot; must start with https://.</source>
        <translation>Die %1-Adresse „%2“ muss mit https:// beginnen.</translation>
    </message>
    <message>
        <source>The %1 address &quot;%2&quot; must use https://; plain http is only allowed on this computer (127.0.0.1).</source>
        <translation>Die %1-Adresse „%2“ muss https:// verwenden; einfaches http ist nur auf diesem Computer (127.0.0.1) erlaubt.</translation>
    </message>
    <message>
        <source>The %1 address &quot;%2&quot; must not contain a query, a fragment or a user name.</source>
        <translation>Die %1-Adresse „%2“ darf keine Abfrage, kein Fragment und keinen Benutzernamen enthalten.</translation>
    </message>
    <message>
        <source>sign-in</source>
        <translation>Anmelde</translation>
    </message>
    <message>
        <source>Microsoft Graph</source>
        <translation>Microsoft-Graph</translation>
    </message>
    <message>
        <source>The Graph scope &quot;%1&quot; must end with &quot;/.default&quot;.</source>
        <translation>Der Graph-Bereich „%1“ muss auf „/.default“ enden.</translation>
    </message>
    <message>
        <source>Unknown cloud &quot;%1&quot;. Use one of: global, usgov-l4, usgov-l5-dod, china, custom.</source>
        <translation>Unbekannte Cloud „%1“. Verwenden Sie eine von: global, usgov-l4, usgov-l5-dod, china, custom.</translation>
    </message>
    <message>
        <source>Global (worldwide, also GCC)</source>
        <translation>Global (weltweit, auch GCC)</translation>
    </message>
    <message>
        <source>US Government L4 (GCC High)</source>
        <translation>US Government L4 (GCC High)</translation>
    </message>
    <message>
        <source>US Government L5 (DoD)</source>
        <translation>US Government L5 (DoD)</translation>
    </message>
    <message>
        <source>China (operated by 21Vianet)</source>
        <translation>China (betrieben von 21Vianet)</translation>
    </message>
    <message>
        <source>Custom endpoints (sandbox)</source>
        <translation>Eigene Endpunkte (Sandbox)</translation>
    </message>
</context>
<context>
    <name>M365::Identity::DeviceCodeSignIn</name>
    <message>
        <source>The sign-in needs a tenant, a client ID and at least one permission.</source>
        <translation>Die Anmeldung braucht einen Mandanten, eine Client-ID und mindestens eine Berechtigung.</translation>
    </message>
    <message>
        <source>Microsoft answered the request for a sign-in code with something m365sync cannot read.</source>
        <translation>Die Antwort von Microsoft auf die Anforderung eines Gerätecodes kann m365sync nicht lesen.</translation>
    </message>
    <message>
        <source>To sign in, open %1 in a web browser and enter the code %2.</source>
        <translation>Öffnen Sie zum Anmelden %1 in einem Webbrowser und geben Sie den Code %2 ein.</translation>
    </message>
    <message>
        <source>Microsoft answered the sign-in without an access token.</source>
        <translation>Microsoft hat die Anmeldung ohne Zugriffstoken beantwortet.</translation>
    </message>
    <message>
        <source>The sign-in code has expired. Start the sign-in again and enter the new code in time.</source>
        <translation>Der Gerätecode ist abgelaufen. Starten Sie die Anmeldung erneut und geben Sie den neuen Code rechtzeitig ein.</translation>
    </message>
    <message>
        <source>The sign-in service could not be reached: %1</source>
        <translation>Der Anmeldedienst ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>The sign-in was declined: %1</source>
        <translation>Die Anmeldung wurde abgelehnt: %1</translation>
    </message>
    <message>
        <source>The sign-in code has expired before the sign-in was finished. Start the sign-in again and enter the new code in time (%1).</source>
        <translation>Der Gerätecode ist abgelaufen, bevor die Anmeldung abgeschlossen war. Starten Sie die Anmeldung erneut und geben Sie den neuen Code rechtzeitig ein (%1).</translation>
    </message>
    <message>
        <source>Microsoft did not accept the sign-in code: %1</source>
        <translation>Microsoft hat den Gerätecode nicht akzeptiert: %1</translation>
    </message>
    <message>
        <source>The app %1 may not sign in with a code. In its app registration, under Authentication, turn on &quot;Allow public client flows&quot;, or sign in with the browser instead.</source>
        <translation>Die App %1 darf sich nicht mit einem Gerätecode anmelden. Aktivieren Sie in ihrer App-Registrierung unter „Authentifizierung“ die Option „Öffentliche Clientflows zulassen“ oder melden Sie sich stattdessen im Browser an.</translation>
    </message>
</context>
<context>
    <name>M365::Identity::TokenProvider</name>
    <message>
        <source>The administrator sign-in has expired. Sign in again.</source>
        <translation>Die Administratoranmeldung ist abgelaufen. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The client assertion could not be signed. Check that the profile&apos;s certificate and its private key (in the keychain) belong together.</source>
        <translation>Die Client-Assertion konnte nicht signiert werden. Prüfen Sie, ob das Zertifikat des Profils und sein privater Schlüssel (im Schlüsselbund) zusammengehören.</translation>
    </message>
    <message>
        <source>The TLS certificate of %1 is not trusted. For the sandbox tenant, the profile must trust the sandbox&apos;s CA file; otherwise check proxies that intercept TLS.</source>
        <translation>Dem TLS-Zertifikat von %1 wird nicht vertraut. Beim Sandbox-Mandanten muss das Profil der CA-Datei der Sandbox vertrauen; sonst prüfen Sie Proxys, die TLS aufbrechen.</translation>
    </message>
    <message>
        <source>Cannot reach the sign-in service at %1: %2. Check the network connection, proxy and firewall.</source>
        <translation>Der Anmeldedienst unter %1 ist nicht erreichbar: %2. Prüfen Sie die Netzwerkverbindung, den Proxy und die Firewall.</translation>
    </message>
    <message>
        <source>Tenant &quot;%1&quot; was not found. Check the tenant ID or domain, and that you chose the right cloud (global, US Government or China).</source>
        <translation>Der Mandant „%1“ wurde nicht gefunden. Prüfen Sie die Mandanten-ID oder Domäne und ob Sie die richtige Cloud gewählt haben (global, US Government oder China).</translation>
    </message>
    <message>
        <source>No app with client ID %1 exists in tenant &quot;%2&quot;. Check the client (application) ID on the app&apos;s Overview page in Entra ID, and that the app is registered in this tenant.</source>
        <translation>Im Mandanten „%2“ gibt es keine App mit der Client-ID %1. Prüfen Sie die Anwendungs-ID (Client-ID) auf der Übersichtsseite der App in Entra ID und ob die App in diesem Mandanten registriert ist.</translation>
    </message>
    <message>
        <source>The certificate registered on the app has expired. Create a new certificate and upload its .cer file to the app registration.</source>
        <translation>Das bei der App registrierte Zertifikat ist abgelaufen. Erstellen Sie ein neues Zertifikat und laden Sie seine .cer-Datei in die App-Registrierung hoch.</translation>
    </message>
    <message>
        <source>The app does not accept this certificate (thumbprint %1). Upload the certificate&apos;s .cer file under Certificates &amp; secrets of the app registration, or select the certificate that is registered there.</source>
        <translation>Die App akzeptiert dieses Zertifikat nicht (Fingerabdruck %1). Laden Sie die .cer-Datei des Zertifikats unter „Zertifikate &amp; Geheimnisse“ der App-Registrierung hoch, oder wählen Sie das dort registrierte Zertifikat.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>The client secret is wrong. Copy the secret&apos;s Value (not its Secret ID) from Certificates &amp; secrets of the app registration.</source>
        <translation>Der geheime Clientschlüssel ist falsch. Kopieren Sie den Wert des Geheimnisses (nicht die Geheimnis-ID) aus „Zertifikate &amp; Geheimnisse“ der App-Registrierung.</translation>
    </message>
    <message>
        <source>The client secret has expired. Create a new one under Certificates &amp; secrets of the app registration and update the connection; a certificate is the safer choice.</source>
        <translation>Der geheime Clientschlüssel ist abgelaufen. Erstellen Sie unter „Zertifikate &amp; Geheimnisse“ der App-Registrierung einen neuen und aktualisieren Sie die Verbindung; ein Zertifikat ist die sicherere Wahl.</translation>
    </message>
    <message>
        <source>No credential was sent. Add a certificate (recommended) or a client secret to the connection.</source>
        <translation>Es wurden keine Anmeldeinformationen gesendet. Fügen Sie der Verbindung ein Zertifikat (empfohlen) oder einen geheimen Clientschlüssel hinzu.</translation>
    </message>
    <message>
        <source>The sign-in was refused because this computer&apos;s clock is wrong. Check the date, time and time zone.</source>
        <translation>Die Anmeldung wurde abgelehnt, weil die Uhr dieses Computers falsch geht. Prüfen Sie Datum, Uhrzeit und Zeitzone.</translation>
    </message>
    <message>
        <source>The app has not been granted access to this tenant. An administrator must grant admin consent for the app&apos;s permissions.</source>
        <translation>Der App wurde kein Zugriff auf diesen Mandanten gewährt. Ein Administrator muss den Berechtigungen der App per Administratorzustimmung zustimmen.</translation>
    </message>
    <message>
        <source>The requested scope was refused. Check that the cloud setting matches the tenant.</source>
        <translation>Der angeforderte Bereich wurde abgelehnt. Prüfen Sie, ob die Cloud-Einstellung zum Mandanten passt.</translation>
    </message>
    <message>
        <source>The identity platform refused the signed client assertion: %1</source>
        <translation>Die Identitätsplattform hat die signierte Client-Assertion abgelehnt: %1</translation>
    </message>
    <message>
        <source>The sign-in failed with HTTP status %1.</source>
        <translation>Die Anmeldung ist mit HTTP-Status %1 fehlgeschlagen.</translation>
    </message>
    <message>
        <source>The sign-in failed: %1</source>
        <translation>Die Anmeldung ist fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>M365::Job</name>
    <message>
        <source>The operation was cancelled.</source>
        <translation>Der Vorgang wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>M365::Models::AttributeDiffModel</name>
    <message>
        <source>Property</source>
        <translation>Eigenschaft</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>Alter Wert</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>Neuer Wert</translation>
    </message>
</context>
<context>
    <name>M365::Models::ChangePlanModel</name>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Verknüpfen</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Konflikt</translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation>Ungültig</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Membership</source>
        <translation>Mitgliedschaft</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>%1 to add, %2 to remove</source>
        <translation>%1 hinzuzufügen, %2 zu entfernen</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Object type</source>
        <translation>Objekttyp</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <source>User principal name</source>
        <translation>User Principal Name</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
</context>
<context>
    <name>M365::Models::ContainerTreeModel</name>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Users in %1 and below it that are synced</source>
        <translation>Benutzer in %1 und darunter, die synchronisiert werden</translation>
    </message>
    <message>
        <source>Groups in %1 and below it that are synced</source>
        <translation>Gruppen in %1 und darunter, die synchronisiert werden</translation>
    </message>
    <message>
        <source>Container</source>
        <translation>Container</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Checked: the users in this container and below it are synced. Unchecking a container leaves them out; a container below can be checked again. Partly checked: some containers below are chosen otherwise. The number counts the users synced, of all in the container and below it.</source>
        <translation>Angehakt: Die Benutzer in diesem Container und darunter werden synchronisiert. Ohne Haken lässt ein Container sie aus; ein Container darunter kann wieder angehakt werden. Teilweise angehakt: Einige Container darunter sind anders gewählt. Die Zahl nennt die synchronisierten Benutzer von allen im Container und darunter.</translation>
    </message>
    <message>
        <source>Checked: the groups in this container and below it are synced. Unchecking a container leaves them out; a container below can be checked again. Partly checked: some containers below are chosen otherwise. The number counts the groups synced, of all in the container and below it.</source>
        <translation>Angehakt: Die Gruppen in diesem Container und darunter werden synchronisiert. Ohne Haken lässt ein Container sie aus; ein Container darunter kann wieder angehakt werden. Teilweise angehakt: Einige Container darunter sind anders gewählt. Die Zahl nennt die synchronisierten Gruppen von allen im Container und darunter.</translation>
    </message>
</context>
<context>
    <name>M365::Profile::ConnectJob</name>
    <message>
        <source>The connection &quot;%1&quot; has no credential. Add a certificate or a client secret to it.</source>
        <translation>Die Verbindung „%1“ hat keine Anmeldeinformationen. Fügen Sie ihr ein Zertifikat oder einen geheimen Clientschlüssel hinzu.</translation>
    </message>
    <message>
        <source>The credential of the connection &quot;%1&quot; is missing from the keychain. Import the certificate or enter the client secret again.</source>
        <translation>Die Anmeldeinformationen der Verbindung „%1“ fehlen im Schlüsselbund. Importieren Sie das Zertifikat oder geben Sie den geheimen Clientschlüssel erneut ein.</translation>
    </message>
    <message>
        <source>The CA file %1 of the connection cannot be read. For the sandbox tenant it is the caFile that m365sim printed.</source>
        <translation>Die CA-Datei %1 der Verbindung kann nicht gelesen werden. Beim Sandbox-Mandanten ist es die caFile, die m365sim ausgegeben hat.</translation>
    </message>
    <message>
        <source>The connection &quot;%1&quot; has no app yet. Register it with the wizard or with &quot;m365sync-cli register --profile %1 --device-code&quot;.</source>
        <translation>Die Verbindung „%1“ hat noch keine App. Registrieren Sie sie im Assistenten oder mit „m365sync-cli register --profile %1 --device-code“.</translation>
    </message>
</context>
<context>
    <name>M365::Profile::Profile</name>
    <message>
        <source>The profile &quot;%1&quot; contains a secret value (&quot;%2&quot;). Secrets are kept in the system keychain, never in a profile file: delete that entry from the file, then enter the secret again in the wizard or with m365sync-cli profile.</source>
        <translation>Das Profil „%1“ enthält einen geheimen Wert („%2“). Geheimnisse liegen im Schlüsselbund des Systems, nie in einer Profildatei: Löschen Sie den Eintrag aus der Datei und geben Sie das Geheimnis im Assistenten oder mit m365sync-cli profile erneut ein.</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; was written in format %2, which this version of m365sync cannot read.</source>
        <translation>Das Profil „%1“ wurde im Format %2 geschrieben, das diese Version von m365sync nicht lesen kann.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid profile name: use letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;.</source>
        <translation>„%1“ ist kein gültiger Profilname: Verwenden Sie Buchstaben, Ziffern, &apos;-&apos;, &apos;_&apos; und &apos;.&apos;.</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; has invalid cloud settings: %2</source>
        <translation>Das Profil „%1“ hat ungültige Cloud-Einstellungen: %2</translation>
    </message>
    <message>
        <source>The tenant &quot;%1&quot; in profile &quot;%2&quot; is neither a tenant ID (GUID) nor a domain name.</source>
        <translation>Der Mandant „%1“ im Profil „%2“ ist weder eine Mandanten-ID (GUID) noch ein Domänenname.</translation>
    </message>
    <message>
        <source>The client ID &quot;%1&quot; in profile &quot;%2&quot; is not an application ID (GUID).</source>
        <translation>Die Client-ID „%1“ im Profil „%2“ ist keine Anwendungs-ID (GUID).</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; names an unknown credential kind or signing algorithm.</source>
        <translation>Das Profil „%1“ nennt eine unbekannte Art von Anmeldeinformationen oder einen unbekannten Signaturalgorithmus.</translation>
    </message>
    <message>
        <source>The certificate thumbprints in profile &quot;%1&quot; are not SHA-1 / SHA-256 hex values.</source>
        <translation>Die Zertifikatsfingerabdrücke im Profil „%1“ sind keine SHA-1-/SHA-256-Hexwerte.</translation>
    </message>
    <message>
        <source>The secret reference &quot;%1&quot; in profile &quot;%2&quot; is not a keychain key of this profile (expected %3&lt;purpose&gt;). If a secret was pasted there, delete it from the file and enter the secret again in the wizard or with m365sync-cli profile.</source>
        <translation>Der Geheimnisverweis „%1“ im Profil „%2“ ist kein Schlüsselbundeintrag dieses Profils (erwartet: %3&lt;purpose&gt;). Wurde dort ein Geheimnis eingefügt, löschen Sie es aus der Datei und geben Sie es im Assistenten oder mit m365sync-cli profile erneut ein.</translation>
    </message>
    <message>
        <source>Profile %1 is a draft: finish it in the wizard (m365sync) first.</source>
        <translation>Das Profil %1 ist ein Entwurf: Schließen Sie es zuerst im Assistenten (m365sync) ab.</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; has an invalid draft state. Delete the profile and run the wizard again.</source>
        <translation>Das Profil „%1“ hat einen ungültigen Entwurfsstand. Löschen Sie das Profil und führen Sie den Assistenten erneut aus.</translation>
    </message>
    <message>
        <source>The webhook reference &quot;%1&quot; in profile &quot;%2&quot; is not a keychain key of this profile (expected %3webhookUrl). Delete it from the file, then set the webhook with m365sync-cli monitoring set --profile %2 --webhook-url-env VARIABLE.</source>
        <translation>Der Webhook-Verweis „%1“ im Profil „%2“ ist kein Schlüsselbundeintrag dieses Profils (erwartet: %3webhookUrl). Löschen Sie ihn aus der Datei und legen Sie den Webhook dann mit m365sync-cli monitoring set --profile %2 --webhook-url-env VARIABLE fest.</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; has a URL in &quot;%2&quot;. A webhook URL is a secret and is kept in the system keychain: delete the entry from the file, then set the webhook with m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.</source>
        <translation>Das Profil „%1“ enthält eine URL in „%2“. Eine Webhook-URL ist ein Geheimnis und liegt im Schlüsselbund des Systems: Löschen Sie den Eintrag aus der Datei und legen Sie den Webhook dann mit m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE fest.</translation>
    </message>
</context>
<context>
    <name>M365::Profile::ProfileStore</name>
    <message>
        <source>The profile folder %1 cannot be read. Check its permissions.</source>
        <translation>Der Profilordner %1 kann nicht gelesen werden. Prüfen Sie seine Berechtigungen.</translation>
    </message>
    <message>
        <source>There is no profile named &quot;%1&quot;. Create it with the wizard or m365sync-cli profile create.</source>
        <translation>Es gibt kein Profil namens „%1“. Erstellen Sie es mit dem Assistenten oder mit m365sync-cli profile create.</translation>
    </message>
    <message>
        <source>The profile file %1 cannot be read. Check its permissions.</source>
        <translation>Die Profildatei %1 kann nicht gelesen werden. Prüfen Sie ihre Berechtigungen.</translation>
    </message>
    <message>
        <source>The profile file %1 is not valid JSON (at byte %2). Fix the file or create the profile again.</source>
        <translation>Die Profildatei %1 ist kein gültiges JSON (bei Byte %2). Korrigieren Sie die Datei oder erstellen Sie das Profil neu.</translation>
    </message>
    <message>
        <source>The profile file %1 names the profile &quot;%2&quot;. A profile&apos;s file must be named after it: rename the file or the profile.</source>
        <translation>Die Profildatei %1 nennt das Profil „%2“. Die Datei eines Profils muss nach ihm benannt sein: Benennen Sie die Datei oder das Profil um.</translation>
    </message>
    <message>
        <source>The profile folder %1 cannot be created. Check the permissions of its parent folder.</source>
        <translation>Der Profilordner %1 kann nicht erstellt werden. Prüfen Sie die Berechtigungen des übergeordneten Ordners.</translation>
    </message>
    <message>
        <source>The profile file %1 cannot be written: %2</source>
        <translation>Die Profildatei %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>There is no profile named &quot;%1&quot;.</source>
        <translation>Es gibt kein Profil namens „%1“.</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; was not deleted: its secrets could not be reached.</source>
        <translation>Das Profil „%1“ wurde nicht gelöscht: Seine Geheimnisse waren nicht erreichbar.</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; was not deleted because its secret %2 could not be removed: %3</source>
        <translation>Das Profil „%1“ wurde nicht gelöscht, weil sein Geheimnis %2 nicht entfernt werden konnte: %3</translation>
    </message>
    <message>
        <source>The secrets of profile &quot;%1&quot; were removed, but its file %2 could not be deleted: %3</source>
        <translation>Die Geheimnisse des Profils „%1“ wurden entfernt, aber seine Datei %2 konnte nicht gelöscht werden: %3</translation>
    </message>
</context>
<context>
    <name>M365::Sandbox::SandboxHost</name>
    <message>
        <source>The sandbox tenant of profile &quot;%1&quot; is gone: %2 was reset or deleted. Make a new sandbox connection in m365sync (Connection, New connection…), or delete the profile (m365sync-cli profile delete %1).</source>
        <translation>Der Sandbox-Mandant des Profils „%1“ existiert nicht mehr: %2 wurde zurückgesetzt oder gelöscht. Stellen Sie in m365sync eine neue Sandbox-Verbindung her (Verbindung, Neue Verbindung …) oder löschen Sie das Profil (m365sync-cli profile delete %1).</translation>
    </message>
    <message>
        <source>The sandbox tenant in %1 is not the one profile &quot;%2&quot; was made for (tenant %3; the file holds tenant %4): it was reset since. Make a new sandbox connection in m365sync (Connection, New connection…), or delete the profile (m365sync-cli profile delete %2).</source>
        <translation>Der Sandbox-Mandant in %1 ist nicht der, für den das Profil „%2“ angelegt wurde (Mandant %3; die Datei enthält Mandant %4): Er wurde seitdem zurückgesetzt. Stellen Sie in m365sync eine neue Sandbox-Verbindung her (Verbindung, Neue Verbindung …) oder löschen Sie das Profil (m365sync-cli profile delete %2).</translation>
    </message>
</context>
<context>
    <name>M365::Sandbox::TenantPlace</name>
    <message>
        <source>The sandbox tenant %1 is in use by this program and cannot be reset now. Close what uses it, then reset it again.</source>
        <translation>Der Sandbox-Mandant %1 wird von diesem Programm verwendet und kann jetzt nicht zurückgesetzt werden. Schließen Sie, was ihn verwendet, und setzen Sie ihn dann erneut zurück.</translation>
    </message>
    <message>
        <source>%1 could not be deleted. Check that it is writable by the user m365sync runs as, then reset the sandbox tenant again.</source>
        <translation>%1 konnte nicht gelöscht werden. Prüfen Sie, ob der Benutzer, unter dem m365sync läuft, dort schreiben darf, und setzen Sie den Sandbox-Mandanten dann erneut zurück.</translation>
    </message>
    <message>
        <source>The folder %1 for the sandbox tenant cannot be created. Check that it is writable by the user m365sync runs as.</source>
        <translation>Der Ordner %1 für den Sandbox-Mandanten kann nicht erstellt werden. Prüfen Sie, ob der Benutzer, unter dem m365sync läuft, dort schreiben darf.</translation>
    </message>
    <message>
        <source>The sandbox tenant %1 cannot be locked: the lock file %2 cannot be written. Check that the folder is writable by the user m365sync runs as.</source>
        <translation>Der Sandbox-Mandant %1 kann nicht gesperrt werden: Die Sperrdatei %2 kann nicht geschrieben werden. Prüfen Sie, ob der Benutzer, unter dem m365sync läuft, in den Ordner schreiben darf.</translation>
    </message>
    <message>
        <source>The sandbox tenant %1 is being served by another program; one program at a time can serve it. Close m365sync, or wait for its scheduled run to end, then try again.</source>
        <translation>Der Sandbox-Mandant %1 wird von einem anderen Programm bereitgestellt; nur ein Programm zugleich kann ihn bereitstellen. Schließen Sie m365sync oder warten Sie, bis dessen geplanter Lauf endet, und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>another program</source>
        <translation>einem anderen Programm</translation>
    </message>
    <message>
        <source>The sandbox tenant %1 is being served by %2 (pid %3 on %4); one program at a time can serve it. Close m365sync (pid %3), or wait for its scheduled run to end, then try again.</source>
        <translation>Der Sandbox-Mandant %1 wird von %2 bereitgestellt (PID %3 auf %4); nur ein Programm zugleich kann ihn bereitstellen. Schließen Sie m365sync (PID %3) oder warten Sie, bis dessen geplanter Lauf endet, und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>The sandbox tenant %1 could not start: %2</source>
        <translation>Der Sandbox-Mandant %1 konnte nicht starten: %2</translation>
    </message>
</context>
<context>
    <name>M365::Secrets::KeychainSecretStore</name>
    <message>
        <source>Make sure the Windows Credential Manager service is running for this user.</source>
        <translation>Stellen Sie sicher, dass die Windows-Anmeldeinformationsverwaltung für diesen Benutzer läuft.</translation>
    </message>
    <message>
        <source>Unlock the login keychain in Keychain Access and try again.</source>
        <translation>Entsperren Sie den Anmeldeschlüsselbund in der Schlüsselbundverwaltung und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>On a desktop, sign in to a session with a keyring (GNOME Keyring or KWallet) and unlock it. On a server, under cron or a systemd timer, run m365sync inside &quot;dbus-run-session&quot; with gnome-keyring-daemon started and unlocked (gnome-keyring-daemon --unlock --components=secrets).</source>
        <translation>Melden Sie sich am Desktop in einer Sitzung mit Schlüsselbund (GNOME Keyring oder KWallet) an und entsperren Sie ihn. Auf einem Server, unter cron oder einem systemd-Timer, starten Sie m365sync in „dbus-run-session“ mit gestartetem und entsperrtem gnome-keyring-daemon (gnome-keyring-daemon --unlock --components=secrets).</translation>
    </message>
</context>
<context>
    <name>M365::Secrets::SecretJob</name>
    <message>
        <source>No secret is stored under &quot;%1&quot;. Enter the secret again (wizard or m365sync-cli profile).</source>
        <translation>Unter „%1“ ist kein Geheimnis gespeichert. Geben Sie das Geheimnis erneut ein (Assistent oder m365sync-cli profile).</translation>
    </message>
    <message>
        <source>The system keychain is not available, so the secret &quot;%1&quot; cannot be used.</source>
        <translation>Der Schlüsselbund des Systems ist nicht verfügbar, daher kann das Geheimnis „%1“ nicht verwendet werden.</translation>
    </message>
    <message>
        <source>Access to the secret &quot;%1&quot; was denied. Unlock the system keychain and allow m365sync to use it.</source>
        <translation>Der Zugriff auf das Geheimnis „%1“ wurde verweigert. Entsperren Sie den Schlüsselbund des Systems und erlauben Sie m365sync, ihn zu verwenden.</translation>
    </message>
    <message>
        <source>The secret stored under &quot;%1&quot; is incomplete or damaged. Enter the secret again.</source>
        <translation>Das unter „%1“ gespeicherte Geheimnis ist unvollständig oder beschädigt. Geben Sie das Geheimnis erneut ein.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid secret name (expected m365sync/&lt;profile&gt;/&lt;purpose&gt;).</source>
        <translation>„%1“ ist kein gültiger Geheimnisname (erwartet: m365sync/&lt;profile&gt;/&lt;purpose&gt;).</translation>
    </message>
    <message>
        <source>The system keychain could not handle the secret &quot;%1&quot;.</source>
        <translation>Der Schlüsselbund des Systems konnte das Geheimnis „%1“ nicht verarbeiten.</translation>
    </message>
    <message>
        <source>The operation was cancelled.</source>
        <translation>Der Vorgang wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::ApplyJob</name>
    <message>
        <source>Microsoft Graph answered HTTP %1.</source>
        <translation>Microsoft Graph hat mit HTTP %1 geantwortet.</translation>
    </message>
    <message>
        <source>The connection was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
    <message>
        <source>Not enough free licences: buy more seats or change the licence rules, then run again.</source>
        <translation>Nicht genug freie Lizenzen: Kaufen Sie weitere Lizenzen oder ändern Sie die Lizenzregeln und führen Sie die Synchronisation dann erneut aus.</translation>
    </message>
    <message>
        <source>Not done because the user was not created.</source>
        <translation>Nicht ausgeführt, weil der Benutzer nicht erstellt wurde.</translation>
    </message>
    <message>
        <source>Not done because the group was not created.</source>
        <translation>Nicht ausgeführt, weil die Gruppe nicht erstellt wurde.</translation>
    </message>
    <message numerus="yes">
        <source>%n member(s) not added because they were not created</source>
        <translation>
            <numerusform>%n Mitglied nicht hinzugefügt, weil es nicht erstellt wurde</numerusform>
            <numerusform>%n Mitglieder nicht hinzugefügt, weil sie nicht erstellt wurden</numerusform>
        </translation>
    </message>
    <message>
        <source>The object no longer exists in the tenant; plan again.</source>
        <translation>Das Objekt existiert im Mandanten nicht mehr; planen Sie erneut.</translation>
    </message>
    <message>
        <source>Changed in the tenant since the plan was made; planned again instead of overwritten.</source>
        <translation>Seit der Planung im Mandanten geändert; neu geplant statt überschrieben.</translation>
    </message>
    <message>
        <source>Already gone from the tenant.</source>
        <translation>Bereits nicht mehr im Mandanten vorhanden.</translation>
    </message>
    <message>
        <source>Already in the tenant from an interrupted run; linked. Its initial password is in that run&apos;s password file.</source>
        <translation>Bereits aus einem unterbrochenen Lauf im Mandanten vorhanden; verknüpft. Das Anfangspasswort steht in der Passwortdatei dieses Laufs.</translation>
    </message>
    <message>
        <source>Stopped after %1 of %2 changes; the rest is planned again on the next run.</source>
        <translation>Nach %1 von %2 Änderungen angehalten; der Rest wird beim nächsten Lauf neu geplant.</translation>
    </message>
    <message>
        <source>The manager was not set because the manager&apos;s account was not created.</source>
        <translation>Die Führungskraft wurde nicht eingetragen, weil ihr Konto nicht angelegt wurde.</translation>
    </message>
    <message>
        <source>The manager could not be set: %1</source>
        <translation>Die Führungskraft konnte nicht eingetragen werden: %1</translation>
    </message>
    <message>
        <source>%1 (id %2)</source>
        <translation>%1 (ID %2)</translation>
    </message>
    <message>
        <source>The group no longer exists in the tenant; plan again.</source>
        <translation>Die Gruppe gibt es im Mandanten nicht mehr; bitte neu planen.</translation>
    </message>
    <message>
        <source>Member %1 was not added: it no longer exists in the tenant.</source>
        <translation>Mitglied %1 wurde nicht hinzugefügt: Es existiert im Mandanten nicht mehr.</translation>
    </message>
    <message>
        <source>The account is disabled, but renaming it failed: %1</source>
        <translation>Das Konto ist deaktiviert, aber das Umbenennen ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The user is restored, but setting its properties failed: %1</source>
        <translation>Der Benutzer ist wiederhergestellt, aber das Setzen seiner Eigenschaften ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The user is no longer in the deleted items (deleted for good, or its 30 days are over); plan again.</source>
        <translation>Der Benutzer ist nicht mehr unter den gelöschten Elementen (endgültig gelöscht oder seine 30 Tage sind vorbei); bitte neu planen.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::ChangePlan</name>
    <message>
        <source>The file does not hold a change plan.</source>
        <translation>Die Datei enthält keinen Änderungsplan.</translation>
    </message>
    <message>
        <source>The change plan holds an unknown change.</source>
        <translation>Der Änderungsplan enthält eine unbekannte Änderung.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::CloudReadJob</name>
    <message>
        <source>The connection was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::Exclusions</name>
    <message>
        <source>Exclusion %1 of the profile is not valid: it needs a &quot;type&quot; (user or group) and a &quot;key&quot; (&quot;a:&quot; and a directory anchor, or &quot;c:&quot; and a cloud object id). Include the object again in Settings or correct the profile file.</source>
        <translation>Ausschluss %1 des Profils ist ungültig: Er braucht einen „type“ (user oder group) und einen „key“ („a:“ und einen Verzeichnisanker oder „c:“ und eine Cloud-Objekt-ID). Nehmen Sie das Objekt in den Einstellungen wieder auf oder korrigieren Sie die Profildatei.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::LicenceGroupSetupJob</name>
    <message>
        <source>Not connected to the tenant.</source>
        <translation>Nicht mit dem Mandanten verbunden.</translation>
    </message>
    <message>
        <source>Checking the tenant&apos;s subscriptions…</source>
        <translation>Abonnements des Mandanten werden geprüft…</translation>
    </message>
    <message>
        <source>The tenant has no subscription with SKU ID %1. Pick one of the tenant&apos;s subscriptions.</source>
        <translation>Der Mandant hat kein Abonnement mit der SKU-ID %1. Wählen Sie eines der Abonnements des Mandanten.</translation>
    </message>
    <message>
        <source>Group-based licensing needs Microsoft Entra ID P1 (or a subscription that includes it, such as Office 365 E3, Microsoft 365 E3 or Business Premium), and this tenant has none; licences stay assigned per user. Add Entra ID P1 to the tenant, then try again.</source>
        <translation>Gruppenbasierte Lizenzierung braucht Microsoft Entra ID P1 (oder ein Abonnement, das es enthält, etwa Office 365 E3, Microsoft 365 E3 oder Business Premium), und dieser Mandant hat keines; Lizenzen bleiben je Benutzer zugewiesen. Fügen Sie dem Mandanten Entra ID P1 hinzu und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>No subscribed SKU with seats includes Entra ID P1 (service plan AAD_PREMIUM or AAD_PREMIUM_P2, or a product such as ENTERPRISEPACK, SPE_E3 or SPB).</source>
        <translation>Keine abonnierte SKU mit Lizenzen enthält Entra ID P1 (Serviceplan AAD_PREMIUM oder AAD_PREMIUM_P2 oder ein Produkt wie ENTERPRISEPACK, SPE_E3 oder SPB).</translation>
    </message>
    <message>
        <source>Looking for the licensing group of %1…</source>
        <translation>Lizenzgruppe von %1 wird gesucht…</translation>
    </message>
    <message>
        <source>Creating the licensing group of %1…</source>
        <translation>Lizenzgruppe von %1 wird erstellt…</translation>
    </message>
    <message>
        <source>Assigning %1 to the licensing group…</source>
        <translation>%1 wird der Lizenzgruppe zugewiesen…</translation>
    </message>
</context>
<context>
    <name>M365::Sync::LicenceOverviewJob</name>
    <message>
        <source>Not connected to the tenant.</source>
        <translation>Nicht mit dem Mandanten verbunden.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::MappingRules</name>
    <message>
        <source>no domain for the user name (set the profile&apos;s domain)</source>
        <translation>keine Domäne für den Benutzernamen (legen Sie die Domäne des Profils fest)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid domain for a user name</source>
        <translation>„%1“ ist keine gültige Domäne für einen Benutzernamen</translation>
    </message>
    <message>
        <source>&quot;%1&quot; leaves no characters Microsoft 365 allows in a user name</source>
        <translation>„%1“ enthält keine Zeichen, die Microsoft 365 in einem Benutzernamen erlaubt</translation>
    </message>
    <message>
        <source>&quot;%1&quot; leaves no characters Microsoft 365 allows in a mail nickname</source>
        <translation>„%1“ enthält keine Zeichen, die Microsoft 365 in einem E-Mail-Alias erlaubt</translation>
    </message>
    <message>
        <source>The attribute rules of this profile are not valid.</source>
        <translation>Die Attributregeln dieses Profils sind ungültig.</translation>
    </message>
    <message>
        <source>the attribute %1 that the user name rule needs is empty</source>
        <translation>das Attribut %1, das die Benutzernamenregel braucht, ist leer</translation>
    </message>
    <message>
        <source>no display name (the directory entry has no value for it)</source>
        <translation>kein Anzeigename (der Verzeichniseintrag hat keinen Wert dafür)</translation>
    </message>
    <message>
        <source>%1 is read-only in Microsoft Graph: Microsoft 365 sets it, no rule can.</source>
        <translation>%1 ist in Microsoft Graph schreibgeschützt: Microsoft 365 setzt den Wert, keine Regel kann es.</translation>
    </message>
    <message>
        <source>proxyAddresses is read-only in Microsoft Graph; map the address to mail instead (Entra ID then adds it to proxyAddresses as an SMTP address) or to otherMails.</source>
        <translation>proxyAddresses ist in Microsoft Graph schreibgeschützt; ordnen Sie die Adresse stattdessen mail zu (Entra ID trägt sie dann als SMTP-Adresse in proxyAddresses ein) oder otherMails.</translation>
    </message>
    <message>
        <source>imAddresses is read-only in Microsoft Graph; map the address to otherMails to keep it in Microsoft 365.</source>
        <translation>imAddresses ist in Microsoft Graph schreibgeschützt; ordnen Sie die Adresse otherMails zu, um sie in Microsoft 365 zu behalten.</translation>
    </message>
    <message>
        <source>Extension attributes 1–15 are read-only in Microsoft Graph for users synchronized from on-premises and this app does not write them; set them in Active Directory or Exchange instead.</source>
        <translation>Die Erweiterungsattribute 1–15 sind in Microsoft Graph für lokal synchronisierte Benutzer schreibgeschützt, und diese App schreibt sie nicht; setzen Sie sie stattdessen in Active Directory oder Exchange.</translation>
    </message>
    <message>
        <source>onPremisesImmutableId is written by m365sync itself from the directory anchor.</source>
        <translation>onPremisesImmutableId schreibt m365sync selbst aus dem Verzeichnisanker.</translation>
    </message>
    <message>
        <source>Not written: %1</source>
        <translation>Nicht geschrieben: %1</translation>
    </message>
    <message>
        <source>Licences are assigned, not written as a property; choose them on the Licences tab instead.</source>
        <translation>Lizenzen werden zugewiesen, nicht als Eigenschaft geschrieben; wählen Sie sie stattdessen auf der Registerkarte „Lizenzen“.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::PasswordSheet</name>
    <message>
        <source>The password file %1 cannot be written (%2). Choose a file in a folder you can write to; nothing was changed in the tenant.</source>
        <translation>Die Passwortdatei %1 kann nicht geschrieben werden (%2). Wählen Sie eine Datei in einem Ordner, in den Sie schreiben dürfen; im Mandanten wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Writing to the password file %1 failed (%2).</source>
        <translation>Das Schreiben in die Passwortdatei %1 ist fehlgeschlagen (%2).</translation>
    </message>
</context>
<context>
    <name>M365::Sync::PlanJob</name>
    <message>
        <source>The connection was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
    <message>
        <source>Soft matching is off for this plan: the app may not read who holds an admin role. Grant it RoleManagement.Read.Directory to match existing users by name.</source>
        <translation>Die weiche Übereinstimmung ist für diesen Plan aus: Die App darf nicht lesen, wer eine Administratorrolle hat. Erteilen Sie ihr RoleManagement.Read.Directory, um vorhandene Benutzer über den Namen zuzuordnen.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::Planner</name>
    <message>
        <source>drift in the cloud: %1</source>
        <translation>Abweichung in der Cloud: %1</translation>
    </message>
    <message>
        <source>no longer in the directory</source>
        <translation>nicht mehr im Verzeichnis</translation>
    </message>
    <message>
        <source>left the scope</source>
        <translation>nicht mehr im Bereich</translation>
    </message>
    <message>
        <source>the new user name %1 already belongs to another account</source>
        <translation>der neue Benutzername %1 gehört bereits einem anderen Konto</translation>
    </message>
    <message>
        <source>back in scope</source>
        <translation>wieder im Bereich</translation>
    </message>
    <message>
        <source>hard match on onPremisesImmutableId</source>
        <translation>harte Übereinstimmung über onPremisesImmutableId</translation>
    </message>
    <message>
        <source>soft match on userPrincipalName</source>
        <translation>weiche Übereinstimmung über userPrincipalName</translation>
    </message>
    <message>
        <source>soft match on mail</source>
        <translation>weiche Übereinstimmung über mail</translation>
    </message>
    <message>
        <source>matches %1 (%2), which holds an admin role and is never adopted</source>
        <translation>entspricht %1 (%2), das eine Administratorrolle hat und nie übernommen wird</translation>
    </message>
    <message>
        <source>matches %1 (%2), which is already linked to another directory object</source>
        <translation>entspricht %1 (%2), das bereits mit einem anderen Verzeichnisobjekt verknüpft ist</translation>
    </message>
    <message>
        <source>matches %1 (%2), which is synchronised from another directory</source>
        <translation>entspricht %1 (%2), das aus einem anderen Verzeichnis synchronisiert wird</translation>
    </message>
    <message>
        <source>the user name %1 already belongs to another account</source>
        <translation>der Benutzername %1 gehört bereits einem anderen Konto</translation>
    </message>
    <message>
        <source>the user name %1 belongs to an account not managed by this profile (soft matching is off)</source>
        <translation>der Benutzername %1 gehört einem Konto, das dieses Profil nicht verwaltet (weiche Übereinstimmung ist aus)</translation>
    </message>
    <message>
        <source>another directory user gets the same user name %1</source>
        <translation>ein anderer Verzeichnisbenutzer erhält denselben Benutzernamen %1</translation>
    </message>
    <message>
        <source>the linked cloud account no longer exists</source>
        <translation>das verknüpfte Cloud-Konto existiert nicht mehr</translation>
    </message>
    <message>
        <source>a licence needs a usage location; set a default usage location or the user&apos;s country</source>
        <translation>eine Lizenz braucht einen Nutzungsstandort; legen Sie einen Standard-Nutzungsstandort oder das Land des Benutzers fest</translation>
    </message>
    <message>
        <source>no longer in the directory or out of scope</source>
        <translation>nicht mehr im Verzeichnis oder außerhalb des Bereichs</translation>
    </message>
    <message>
        <source>the group has no name</source>
        <translation>die Gruppe hat keinen Namen</translation>
    </message>
    <message>
        <source>%1 to add, %2 to remove</source>
        <translation>%1 hinzuzufügen, %2 zu entfernen</translation>
    </message>
    <message>
        <source>deleted in Microsoft 365 (%1): restored instead of created anew</source>
        <translation>in Microsoft 365 gelöscht (%1): wiederhergestellt statt neu erstellt</translation>
    </message>
    <message>
        <source>also holds %1 through a group</source>
        <translation>hat %1 auch über eine Gruppe</translation>
    </message>
    <message>
        <source>the group that licenses %1 no longer exists; set up licensing through a group again on the Licences tab</source>
        <translation>die Gruppe, die %1 lizenziert, existiert nicht mehr; richten Sie die Lizenzierung über eine Gruppe auf der Registerkarte „Lizenzen“ erneut ein</translation>
    </message>
    <message>
        <source>licence %1 through the group: %2 to add, %3 to remove</source>
        <translation>Lizenz %1 über die Gruppe: %2 hinzuzufügen, %3 zu entfernen</translation>
    </message>
    <message>
        <source>the mail nickname %1 belongs to a mail-enabled or Microsoft 365 group, which is not linked</source>
        <translation>der Mail-Spitzname %1 gehört zu einer E-Mail-aktivierten oder Microsoft 365-Gruppe, die nicht verknüpft wird</translation>
    </message>
    <message>
        <source>an existing group with the mail nickname %1</source>
        <translation>eine vorhandene Gruppe mit dem Mail-Spitznamen %1</translation>
    </message>
    <message>
        <source>licence %1 through the group: %2 without a free seat</source>
        <translation>Lizenz %1 über die Gruppe: %2 ohne freie Lizenz</translation>
    </message>
</context>
<context>
    <name>M365::Sync::ProfileHealth</name>
    <message>
        <source>the last run failed</source>
        <translation>der letzte Lauf ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>the deletion guard stopped the last run</source>
        <translation>der Löschschutz hat den letzten Lauf angehalten</translation>
    </message>
    <message numerus="yes">
        <source>the last run had %n failed change(s)</source>
        <translation>
            <numerusform>der letzte Lauf hatte %n fehlgeschlagene Änderung</numerusform>
            <numerusform>der letzte Lauf hatte %n fehlgeschlagene Änderungen</numerusform>
        </translation>
    </message>
    <message>
        <source>another run held the run lock</source>
        <translation>ein anderer Lauf hielt die Laufsperre</translation>
    </message>
    <message>
        <source>overdue: the last successful run was %1 ago (at most %2 expected)</source>
        <translation>überfällig: der letzte erfolgreiche Lauf liegt %1 zurück (erwartet: höchstens %2)</translation>
    </message>
    <message>
        <source>the certificate expired on %1; renew it with m365sync-cli certificate renew --profile %2</source>
        <translation>das Zertifikat ist am %1 abgelaufen; erneuern Sie es mit m365sync-cli certificate renew --profile %2</translation>
    </message>
    <message numerus="yes">
        <source>the certificate expires in %n day(s); renew it with m365sync-cli certificate renew --profile %1</source>
        <translation>
            <numerusform>das Zertifikat läuft in %n Tag ab; erneuern Sie es mit m365sync-cli certificate renew --profile %1</numerusform>
            <numerusform>das Zertifikat läuft in %n Tagen ab; erneuern Sie es mit m365sync-cli certificate renew --profile %1</numerusform>
        </translation>
    </message>
    <message>
        <source>last run %1 ago: %2</source>
        <translation>der letzte Lauf liegt %1 zurück: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) pending</source>
        <translation>
            <numerusform>%n Änderung ausstehend</numerusform>
            <numerusform>%n Änderungen ausstehend</numerusform>
        </translation>
    </message>
    <message>
        <source>no run recorded yet</source>
        <translation>noch kein Lauf aufgezeichnet</translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n Minute</numerusform>
            <numerusform>%n Minuten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n Stunde</numerusform>
            <numerusform>%n Stunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tage</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Sync::RunLock</name>
    <message>
        <source>The lock file %1 of profile %2 cannot be created; check that its folder can be written. Nothing was changed in the tenant.</source>
        <translation>Die Sperrdatei %1 des Profils %2 kann nicht erstellt werden; prüfen Sie, ob ihr Ordner beschreibbar ist. Im Mandanten wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Another run of profile %1 is in progress. Wait for it to finish or stop it.</source>
        <translation>Ein anderer Lauf des Profils %1 ist im Gange. Warten Sie, bis er endet, oder beenden Sie ihn.</translation>
    </message>
    <message>
        <source>Another run of profile %1 is in progress: %2, process %3 on host %4, since %5. Wait for it to finish or stop it.</source>
        <translation>Ein anderer Lauf des Profils %1 ist im Gange: %2, Prozess %3 auf Host %4, seit %5. Warten Sie, bis er endet, oder beenden Sie ihn.</translation>
    </message>
    <message>
        <source>an unknown program</source>
        <translation>ein unbekanntes Programm</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(unbekannt)</translation>
    </message>
    <message>
        <source>A run of profile %1 (%2, process %3 on host %4, since %5) ended without releasing its lock; the lock was taken over. That run may have stopped half way: this run picks up what it left.</source>
        <translation>Ein Lauf des Profils %1 (%2, Prozess %3 auf Host %4, seit %5) endete, ohne seine Sperre freizugeben; die Sperre wurde übernommen. Jener Lauf ist vielleicht mittendrin abgebrochen: Dieser Lauf macht dort weiter.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::RunReport</name>
    <message>
        <source>The metrics file %1 could not be written (%2). Check that the folder exists and that m365sync may write to it, or choose another with m365sync-cli monitoring set --profile %3 --textfile-dir FOLDER.</source>
        <translation>Die Metrikdatei %1 konnte nicht geschrieben werden (%2). Prüfen Sie, ob der Ordner existiert und m365sync in ihn schreiben darf, oder wählen Sie mit m365sync-cli monitoring set --profile %3 --textfile-dir FOLDER einen anderen.</translation>
    </message>
    <message>
        <source>no such folder</source>
        <translation>Ordner existiert nicht</translation>
    </message>
    <message>
        <source>m365sync on %1: the sync of profile %2 failed. Run m365sync-cli status --profile %2 there for details.</source>
        <translation>m365sync auf %1: Die Synchronisierung des Profils %2 ist fehlgeschlagen. Führen Sie dort m365sync-cli status --profile %2 aus, um Einzelheiten zu sehen.</translation>
    </message>
    <message>
        <source>m365sync on %1: the deletion guard stopped the sync of profile %2 before it changed anything. Review the plan with m365sync-cli plan --profile %2; if it is right, allow it with sync --allow-deletes N.</source>
        <translation>m365sync auf %1: Der Löschschutz hat die Synchronisierung des Profils %2 angehalten, bevor sie etwas geändert hat. Prüfen Sie den Plan mit m365sync-cli plan --profile %2; wenn er stimmt, erlauben Sie ihn mit sync --allow-deletes N.</translation>
    </message>
    <message>
        <source>m365sync on %1: the sync of profile %2 finished, but some changes failed. See them in the History tab or with m365sync-cli status --profile %2, fix their cause and sync again.</source>
        <translation>m365sync auf %1: Die Synchronisierung des Profils %2 ist abgeschlossen, aber einige Änderungen sind fehlgeschlagen. Sehen Sie sie auf der Registerkarte „Verlauf“ oder mit m365sync-cli status --profile %2 an, beheben Sie ihre Ursache und synchronisieren Sie erneut.</translation>
    </message>
    <message>
        <source>m365sync on %1: profile %2 has not synchronized for too long. Check its schedule with m365sync-cli schedule show --profile %2 and its last runs with m365sync-cli health --profile %2.</source>
        <translation>m365sync auf %1: Das Profil %2 wurde zu lange nicht synchronisiert. Prüfen Sie seinen Zeitplan mit m365sync-cli schedule show --profile %2 und seine letzten Läufe mit m365sync-cli health --profile %2.</translation>
    </message>
    <message>
        <source>m365sync on %1: profile %2 reports &quot;%3&quot;.</source>
        <translation>m365sync auf %1: Das Profil %2 meldet „%3“.</translation>
    </message>
    <message>
        <source>it is not a URL such as https://hooks.example.com/…</source>
        <translation>sie ist keine URL wie https://hooks.example.com/…</translation>
    </message>
    <message>
        <source>it must start with https:// (plain http only to this machine), since the URL carries a token</source>
        <translation>sie muss mit https:// beginnen (einfaches http nur zu diesem Computer), da die URL ein Token enthält</translation>
    </message>
    <message>
        <source>The webhook of profile %1 was not called: the keychain or the network is not available to this program.</source>
        <translation>Der Webhook des Profils %1 wurde nicht aufgerufen: Der Schlüsselbund oder das Netzwerk steht diesem Programm nicht zur Verfügung.</translation>
    </message>
    <message>
        <source>The webhook URL of profile %1 is not in the keychain. Set it again with m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.</source>
        <translation>Die Webhook-URL des Profils %1 ist nicht im Schlüsselbund. Legen Sie sie mit m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE erneut fest.</translation>
    </message>
    <message>
        <source>The webhook URL of profile %1 could not be read from the keychain: %2</source>
        <translation>Die Webhook-URL des Profils %1 konnte nicht aus dem Schlüsselbund gelesen werden: %2</translation>
    </message>
    <message>
        <source>The webhook URL of profile %1 cannot be used: %2. Set another with m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.</source>
        <translation>Die Webhook-URL des Profils %1 kann nicht verwendet werden: %2. Legen Sie mit m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE eine andere fest.</translation>
    </message>
    <message>
        <source>The webhook of profile %1 at %2 answered HTTP %3. Check that the webhook still exists, or set another with m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE.</source>
        <translation>Der Webhook des Profils %1 unter %2 hat mit HTTP %3 geantwortet. Prüfen Sie, ob der Webhook noch existiert, oder legen Sie mit m365sync-cli monitoring set --profile %1 --webhook-url-env VARIABLE einen anderen fest.</translation>
    </message>
    <message>
        <source>The webhook of profile %1 at %2 could not be reached (%3). Check that this machine can reach %2 (proxy, firewall).</source>
        <translation>Der Webhook des Profils %1 unter %2 war nicht erreichbar (%3). Prüfen Sie, ob dieser Computer %2 erreichen kann (Proxy, Firewall).</translation>
    </message>
</context>
<context>
    <name>M365::Sync::RunSummary</name>
    <message>
        <source>less than a minute</source>
        <translation>weniger als eine Minute</translation>
    </message>
    <message numerus="yes">
        <source>about %n min</source>
        <translation>
            <numerusform>etwa %n min</numerusform>
            <numerusform>etwa %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>about %1 h %2 min</source>
        <translation>etwa %1 h %2 min</translation>
    </message>
    <message numerus="yes">
        <source>Create %n user(s) or group(s)</source>
        <translation>
            <numerusform>%n Benutzer oder Gruppe erstellen</numerusform>
            <numerusform>%n Benutzer oder Gruppen erstellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Update %n user(s) or group(s)</source>
        <translation>
            <numerusform>%n Benutzer oder Gruppe aktualisieren</numerusform>
            <numerusform>%n Benutzer oder Gruppen aktualisieren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Disable %n user(s) or group(s)</source>
        <translation>
            <numerusform>%n Benutzer oder Gruppe deaktivieren</numerusform>
            <numerusform>%n Benutzer oder Gruppen deaktivieren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n user(s) or group(s)</source>
        <translation>
            <numerusform>%n Benutzer oder Gruppe löschen</numerusform>
            <numerusform>%n Benutzer oder Gruppen löschen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enable %n user(s) or group(s)</source>
        <translation>
            <numerusform>%n Benutzer oder Gruppe aktivieren</numerusform>
            <numerusform>%n Benutzer oder Gruppen aktivieren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Link %n existing object(s)</source>
        <translation>
            <numerusform>%n vorhandenes Objekt verknüpfen</numerusform>
            <numerusform>%n vorhandene Objekte verknüpfen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restore %n deleted user(s)</source>
        <translation>
            <numerusform>%n gelöschten Benutzer wiederherstellen</numerusform>
            <numerusform>%n gelöschte Benutzer wiederherstellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Change the licences of %n user(s)</source>
        <translation>
            <numerusform>Die Lizenzen von %n Benutzer ändern</numerusform>
            <numerusform>Die Lizenzen von %n Benutzern ändern</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Change the members of %n group(s)</source>
        <translation>
            <numerusform>Die Mitglieder von %n Gruppe ändern</numerusform>
            <numerusform>Die Mitglieder von %n Gruppen ändern</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 added, %2 removed</source>
        <translation>%1 hinzugefügt, %2 entfernt</translation>
    </message>
    <message numerus="yes">
        <source>Skip %n change(s) that cannot be applied (conflicts, invalid, no free licence)</source>
        <translation>
            <numerusform>%n Änderung überspringen, die nicht angewendet werden kann (Konflikt, ungültig, keine freie Lizenz)</numerusform>
            <numerusform>%n Änderungen überspringen, die nicht angewendet werden können (Konflikte, ungültig, keine freie Lizenz)</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to apply.</source>
        <translation>Nichts anzuwenden.</translation>
    </message>
    <message numerus="yes">
        <source>About %n write request(s) to Microsoft Graph.</source>
        <translation>
            <numerusform>Etwa %n Schreibanfrage an Microsoft Graph.</numerusform>
            <numerusform>Etwa %n Schreibanfragen an Microsoft Graph.</numerusform>
        </translation>
    </message>
    <message>
        <source>Estimated time: %1 (at %2 writes/s, as the last run went).</source>
        <translation>Geschätzte Dauer: %1 (bei %2 Schreibvorgängen/s wie im letzten Lauf).</translation>
    </message>
    <message>
        <source>Estimated time: %1 (at most %2 writes/s, Microsoft Graph&apos;s write budget).</source>
        <translation>Geschätzte Dauer: %1 (höchstens %2 Schreibvorgänge/s, das Schreibbudget von Microsoft Graph).</translation>
    </message>
</context>
<context>
    <name>M365::Sync::ScheduleInstaller</name>
    <message>
        <source>Could not run &quot;%1&quot;. Run it yourself to finish setting up the schedule.</source>
        <translation>„%1“ konnte nicht ausgeführt werden. Führen Sie es selbst aus, um den Zeitplan fertig einzurichten.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; failed. Run it yourself to see why.</source>
        <translation>„%1“ ist fehlgeschlagen. Führen Sie es selbst aus, um den Grund zu sehen.</translation>
    </message>
    <message>
        <source>The folder %1 cannot be created.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>The schedule could not be written to %1.</source>
        <translation>Der Zeitplan konnte nicht nach %1 geschrieben werden.</translation>
    </message>
    <message>
        <source>A temporary file for the task could not be written.</source>
        <translation>Eine temporäre Datei für die Aufgabe konnte nicht geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::ScheduleJob</name>
    <message>
        <source>It did not finish within %1 seconds.</source>
        <translation>Der Befehl wurde nicht innerhalb von %1 Sekunden beendet.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::Scope</name>
    <message>
        <source>The scope filter is not valid: %1.</source>
        <translation>Der Bereichsfilter ist ungültig: %1.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::StateStore</name>
    <message>
        <source>The sync state file %1 could not be used (%2). Check that the folder exists and is writable.</source>
        <translation>Die Synchronisationsstatusdatei %1 konnte nicht verwendet werden (%2). Prüfen Sie, ob der Ordner existiert und beschreibbar ist.</translation>
    </message>
    <message>
        <source>no such folder, or the path is a folder</source>
        <translation>Ordner existiert nicht, oder der Pfad ist ein Ordner</translation>
    </message>
    <message>
        <source>cannot open</source>
        <translation>kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>not open</source>
        <translation>nicht geöffnet</translation>
    </message>
    <message>
        <source>bad statement</source>
        <translation>fehlerhafte Anweisung</translation>
    </message>
    <message>
        <source>write failed</source>
        <translation>Schreiben fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>M365::Sync::SyncRun</name>
    <message>
        <source>The connection &quot;%1&quot; is not open yet; try again once it is connected.</source>
        <translation>Die Verbindung „%1“ ist noch nicht geöffnet; versuchen Sie es erneut, sobald sie hergestellt ist.</translation>
    </message>
    <message>
        <source>The plan would disable, delete or remove %1 objects, licences or memberships, more than the %2 allowed without confirmation; nothing was changed.</source>
        <translation>Der Plan würde %1 Objekte, Lizenzen oder Mitgliedschaften deaktivieren, löschen oder entfernen, mehr als die %2 ohne Bestätigung erlaubten; es wurde nichts geändert.</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) failed, e.g. %1: %2</source>
        <translation>
            <numerusform>%n Änderung ist fehlgeschlagen (%1): %2</numerusform>
            <numerusform>%n Änderungen sind fehlgeschlagen, z. B. %1: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Sync::SyncSettings</name>
    <message>
        <source>The licence of group %1 must be a SKU ID (a GUID).</source>
        <translation>Die Lizenz der Gruppe %1 muss eine SKU-ID (eine GUID) sein.</translation>
    </message>
    <message>
        <source>The prefix for disabled objects must not be empty: it is how m365sync recognises them.</source>
        <translation>Das Präfix für deaktivierte Objekte darf nicht leer sein: Daran erkennt m365sync sie.</translation>
    </message>
    <message>
        <source>The profile names no directory file. Choose the LDIF or CSV file in the profile&apos;s directory settings.</source>
        <translation>Das Profil nennt keine Verzeichnisdatei. Wählen Sie die LDIF- oder CSV-Datei in den Verzeichniseinstellungen des Profils.</translation>
    </message>
    <message>
        <source>The profile has no directory yet. Set one up in the wizard.</source>
        <translation>Das Profil hat noch kein Verzeichnis. Richten Sie eines im Assistenten ein.</translation>
    </message>
    <message>
        <source>The directory type &quot;%1&quot; is unknown. Use ldif, csv, openldap, activedirectory, univention or 389ds.</source>
        <translation>Der Verzeichnistyp „%1“ ist unbekannt. Verwenden Sie ldif, csv, openldap, activedirectory, univention oder 389ds.</translation>
    </message>
    <message>
        <source>The licence for every user, &quot;%1&quot;, is not a SKU ID: a SKU ID is a GUID such as 6fd2c87f-b296-42f0-b197-1e91e994b900. Pick the subscription in the Licences tab.</source>
        <translation>Die Lizenz für alle Benutzer, „%1“, ist keine SKU-ID: Eine SKU-ID ist eine GUID wie 6fd2c87f-b296-42f0-b197-1e91e994b900. Wählen Sie das Abonnement auf der Registerkarte „Lizenzen“.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; in the licensing groups is not a SKU ID: a SKU ID is a GUID.</source>
        <translation>„%1“ in den Lizenzgruppen ist keine SKU-ID: Eine SKU-ID ist eine GUID.</translation>
    </message>
    <message>
        <source>The licensing group of SKU %1 must be a group&apos;s object ID (a GUID).</source>
        <translation>Die Lizenzgruppe der SKU %1 muss die Objekt-ID einer Gruppe sein (eine GUID).</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true oder false</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>eine Zahl</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>eine Zeichenkette</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>eine Liste</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>ein Objekt</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nichts</translation>
    </message>
    <message>
        <source>expected %1, found %2</source>
        <translation>erwartet: %1, gefunden: %2</translation>
    </message>
    <message>
        <source>unknown member; the members here are %1</source>
        <translation>unbekannter Eintrag; erlaubt sind hier %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a GUID such as 6fd2c87f-b296-42f0-b197-1e91e994b900</source>
        <translation>„%1“ ist keine GUID wie 6fd2c87f-b296-42f0-b197-1e91e994b900</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a two-letter country code such as DE or US</source>
        <translation>„%1“ ist kein Ländercode aus zwei Buchstaben wie DE oder US</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a mode; use sync, anonymize, static or never</source>
        <translation>„%1“ ist kein Modus; verwenden Sie sync, anonymize, static oder never</translation>
    </message>
    <message>
        <source>missing: name the Microsoft 365 property to write</source>
        <translation>fehlt: Nennen Sie die Microsoft-365-Eigenschaft, die geschrieben werden soll</translation>
    </message>
    <message>
        <source>missing: a sync rule names the directory attribute to read (&quot;a|b&quot; for the first one present)</source>
        <translation>fehlt: Eine Regel im Modus sync nennt das zu lesende Verzeichnisattribut („a|b“ für das erste vorhandene)</translation>
    </message>
    <message>
        <source>only a rule with &quot;mode&quot;: &quot;static&quot; has a value</source>
        <translation>nur eine Regel mit „mode“: „static“ hat einen Wert</translation>
    </message>
    <message>
        <source>give either &quot;count&quot; or &quot;percent&quot;, not both</source>
        <translation>geben Sie entweder „count“ oder „percent“ an, nicht beides</translation>
    </message>
    <message>
        <source>expected a whole number of 0 or more</source>
        <translation>erwartet: eine ganze Zahl ab 0</translation>
    </message>
    <message>
        <source>expected a percentage from 0 to 100</source>
        <translation>erwartet: ein Prozentwert von 0 bis 100</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not hour, 4hours or day</source>
        <translation>„%1“ ist nicht hour, 4hours oder day</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a time such as 02:30</source>
        <translation>„%1“ ist keine Uhrzeit wie 02:30</translation>
    </message>
    <message>
        <source>expected &quot;user&quot; or &quot;group&quot;</source>
        <translation>erwartet: „user“ oder „group“</translation>
    </message>
    <message>
        <source>expected &quot;a:&quot; and a directory anchor, or &quot;c:&quot; and a cloud object ID</source>
        <translation>erwartet: „a:“ und ein Verzeichnisanker oder „c:“ und eine Cloud-Objekt-ID</translation>
    </message>
    <message>
        <source>the key must be a SKU ID (a GUID)</source>
        <translation>der Schlüssel muss eine SKU-ID sein (eine GUID)</translation>
    </message>
    <message>
        <source>must not be empty: it is how m365sync recognises disabled objects</source>
        <translation>darf nicht leer sein: Daran erkennt m365sync deaktivierte Objekte</translation>
    </message>
</context>
<context>
    <name>M365::Sync::UndoPlanJob</name>
    <message>
        <source>There is no run %1: this profile has not run yet.</source>
        <translation>Es gibt keinen Lauf %1: Für dieses Profil gab es noch keinen Lauf.</translation>
    </message>
    <message>
        <source>There is no run %1 in this profile&apos;s history. The latest runs are: %2.</source>
        <translation>Im Verlauf dieses Profils gibt es keinen Lauf %1. Die letzten Läufe sind: %2.</translation>
    </message>
    <message>
        <source>Run %1 did not finish; undo takes back the changes it recorded as done.</source>
        <translation>Lauf %1 wurde nicht beendet; das Rückgängigmachen nimmt die Änderungen zurück, die er als erledigt aufgezeichnet hat.</translation>
    </message>
    <message>
        <source>The connection &quot;%1&quot; is not open yet; try again once it is connected.</source>
        <translation>Die Verbindung „%1“ ist noch nicht geöffnet; versuchen Sie es erneut, sobald sie hergestellt ist.</translation>
    </message>
</context>
<context>
    <name>M365::Sync::UndoPlanner</name>
    <message>
        <source>a deleted object cannot be brought back by undo; a deleted user is restored from the deleted items by the next sync</source>
        <translation>ein gelöschtes Objekt kann nicht rückgängig gemacht werden; ein gelöschter Benutzer wird von der nächsten Synchronisierung aus den gelöschten Elementen wiederhergestellt</translation>
    </message>
    <message>
        <source>a link to an existing account cannot be undone here; exclude the object in the profile instead</source>
        <translation>eine Verknüpfung mit einem vorhandenen Konto kann hier nicht rückgängig gemacht werden; schließen Sie das Objekt stattdessen im Profil aus</translation>
    </message>
    <message>
        <source>a group the run created is kept; delete it in the admin centre if it is not wanted</source>
        <translation>eine Gruppe, die der Lauf erstellt hat, bleibt bestehen; löschen Sie sie im Admin Center, wenn sie nicht gewünscht ist</translation>
    </message>
    <message>
        <source>undoes run %1</source>
        <translation>macht Lauf %1 rückgängig</translation>
    </message>
    <message>
        <source>no longer in the tenant since run %1</source>
        <translation>seit Lauf %1 nicht mehr im Mandanten</translation>
    </message>
    <message>
        <source>changed since run %1: %2</source>
        <translation>seit Lauf %1 geändert: %2</translation>
    </message>
    <message>
        <source>undoes run %1: %2 to add, %3 to remove</source>
        <translation>macht Lauf %1 rückgängig: %2 hinzuzufügen, %3 zu entfernen</translation>
    </message>
</context>
<context>
    <name>M365::Ui::AttributesController</name>
    <message>
        <source>Sync</source>
        <translation>Synchronisieren</translation>
    </message>
    <message>
        <source>Anonymize</source>
        <translation>Anonymisieren</translation>
    </message>
    <message>
        <source>Static</source>
        <translation>Statisch</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>The directory test found no users to show here.</source>
        <translation>Der Verzeichnistest hat keine Benutzer gefunden, die hier angezeigt werden können.</translation>
    </message>
    <message>
        <source>%1 is outside the scope: a sync would not create this user.</source>
        <translation>%1 liegt außerhalb des Bereichs: Eine Synchronisation würde diesen Benutzer nicht erstellen.</translation>
    </message>
    <message>
        <source>A sync would not create this user: %1.</source>
        <translation>Eine Synchronisation würde diesen Benutzer nicht erstellen: %1.</translation>
    </message>
    <message>
        <source>The default usage location must be two letters A–Z, a country code such as DE or US.</source>
        <translation>Der Standard-Nutzungsstandort muss aus zwei Buchstaben A–Z bestehen, einem Ländercode wie DE oder US.</translation>
    </message>
    <message>
        <source>Enter a user name rule, for example {uid}@{domain}.</source>
        <translation>Geben Sie eine Benutzernamenregel ein, zum Beispiel {uid}@{domain}.</translation>
    </message>
    <message>
        <source>The user name rule has a &quot;}&quot; without a &quot;{&quot; before it.</source>
        <translation>Die Benutzernamenregel enthält ein „}“ ohne vorangehendes „{“.</translation>
    </message>
    <message>
        <source>The user name rule has a &quot;{&quot; without a &quot;}&quot; after it.</source>
        <translation>Die Benutzernamenregel enthält ein „{“ ohne nachfolgendes „}“.</translation>
    </message>
    <message>
        <source>The user name rule has an empty placeholder &quot;{}&quot;.</source>
        <translation>Die Benutzernamenregel enthält einen leeren Platzhalter „{}“.</translation>
    </message>
    <message>
        <source>&quot;{%1}&quot; in the user name rule is not a directory attribute name.</source>
        <translation>„{%1}“ in der Benutzernamenregel ist kein Name eines Verzeichnisattributs.</translation>
    </message>
    <message>
        <source>The user name rule uses %1, which a Never rule keeps out of the sync.</source>
        <translation>Die Benutzernamenregel verwendet %1, das eine „Nie“-Regel von der Synchronisation ausschließt.</translation>
    </message>
    <message>
        <source>The user name rule needs a directory attribute such as {uid}; otherwise every user gets the same name.</source>
        <translation>Die Benutzernamenregel braucht ein Verzeichnisattribut wie {uid}; sonst erhält jeder Benutzer denselben Namen.</translation>
    </message>
    <message>
        <source>The user name rule does not make a valid user name: %1.</source>
        <translation>Die Benutzernamenregel ergibt keinen gültigen Benutzernamen: %1.</translation>
    </message>
    <message>
        <source>Enter the static value for %1, or choose another mode.</source>
        <translation>Geben Sie den statischen Wert für %1 ein oder wählen Sie einen anderen Modus.</translation>
    </message>
    <message>
        <source>Name the directory attribute for %1, or choose another mode.</source>
        <translation>Nennen Sie das Verzeichnisattribut für %1 oder wählen Sie einen anderen Modus.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::AttributesPage</name>
    <message>
        <source>Attributes &amp; scope</source>
        <translation>Attribute und Bereich</translation>
    </message>
    <message>
        <source>How directory attributes become Microsoft 365 user properties, and which users are synchronised.</source>
        <translation>Wie Verzeichnisattribute zu Benutzereigenschaften in Microsoft 365 werden und welche Benutzer synchronisiert werden.</translation>
    </message>
    <message>
        <source>Directory attribute</source>
        <translation>Verzeichnisattribut</translation>
    </message>
    <message>
        <source>Graph property</source>
        <translation>Graph-Eigenschaft</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Static value</source>
        <translation>Statischer Wert</translation>
    </message>
    <message>
        <source>Sync: the directory&apos;s value. Anonymize: a random value that stays the same for the user. Static: the same value for everyone. Never: m365sync never writes the property.</source>
        <translation>Synchronisieren: der Wert aus dem Verzeichnis. Anonymisieren: ein Zufallswert, der für den Benutzer gleich bleibt. Statisch: derselbe Wert für alle. Nie: m365sync schreibt die Eigenschaft nie.</translation>
    </message>
    <message>
        <source>e.g. DE</source>
        <translation>z. B. DE</translation>
    </message>
    <message>
        <source>Microsoft 365 assigns licences only to users with a usage location. A country the directory has for a user wins over this default.</source>
        <translation>Microsoft 365 weist Lizenzen nur Benutzern mit Nutzungsstandort zu. Ein Land, das im Verzeichnis für einen Benutzer steht, hat Vorrang vor diesem Standard.</translation>
    </message>
    <message>
        <source>Directory attributes in braces, e.g. {givenName}.{sn}@{domain}. Accents are dropped and spaces become dots.</source>
        <translation>Verzeichnisattribute in geschweiften Klammern, z. B. {givenName}.{sn}@{domain}. Akzente werden entfernt, Leerzeichen werden zu Punkten.</translation>
    </message>
    <message>
        <source>Empty: every user. For example (departmentNumber=Engineering)</source>
        <translation>Leer: alle Benutzer. Zum Beispiel (departmentNumber=Engineering)</translation>
    </message>
    <message>
        <source>An LDAP filter on the users read from the directory: (&amp;…), (|…), (!…), (attribute=value) and * wildcards.</source>
        <translation>Ein LDAP-Filter auf die aus dem Verzeichnis gelesenen Benutzer: (&amp;…), (|…), (!…), (Attribut=Wert) und *-Platzhalter.</translation>
    </message>
    <message>
        <source>Used when the directory has no country for a user.</source>
        <translation>Wird verwendet, wenn das Verzeichnis für einen Benutzer kein Land enthält.</translation>
    </message>
    <message>
        <source>User name rule:</source>
        <translation>Benutzernamenregel:</translation>
    </message>
    <message>
        <source>Default usage location:</source>
        <translation>Standard-Nutzungsstandort:</translation>
    </message>
    <message>
        <source>Scope filter:</source>
        <translation>Bereichsfilter:</translation>
    </message>
    <message>
        <source>Sample user:</source>
        <translation>Beispielbenutzer:</translation>
    </message>
    <message>
        <source>Attribute rules:</source>
        <translation>Attributregeln:</translation>
    </message>
    <message>
        <source>{domain} is %1</source>
        <translation>{domain} ist %1</translation>
    </message>
    <message>
        <source>%1
Alternatives separated by &quot;|&quot;: the first one the user has wins.</source>
        <translation>%1
Alternativen durch „|“ getrennt: Die erste, die der Benutzer hat, gilt.</translation>
    </message>
    <message>
        <source>Double-click to enter the value every user gets.</source>
        <translation>Doppelklicken, um den Wert einzugeben, den jeder Benutzer erhält.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConfirmRunDialog</name>
    <message>
        <source>Synchronize now?</source>
        <translation>Jetzt synchronisieren?</translation>
    </message>
    <message>
        <source>This run will change the tenant as follows:</source>
        <translation>Dieser Lauf ändert den Mandanten wie folgt:</translation>
    </message>
    <message>
        <source>Synchronize</source>
        <translation>Synchronisieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConnectionPage</name>
    <message>
        <source>Open admin consent page</source>
        <translation>Seite für Administratorzustimmung öffnen</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>Erneut prüfen</translation>
    </message>
    <message>
        <source>Connection and permissions</source>
        <translation>Verbindung und Berechtigungen</translation>
    </message>
    <message>
        <source>m365sync signs in as the app and checks that it has the permissions it needs.</source>
        <translation>m365sync meldet sich als App an und prüft, ob sie die nötigen Berechtigungen hat.</translation>
    </message>
    <message>
        <source>Microsoft Graph permissions:</source>
        <translation>Microsoft-Graph-Berechtigungen:</translation>
    </message>
    <message>
        <source>Signing in and reading the tenant…</source>
        <translation>Anmelden und Mandanten lesen …</translation>
    </message>
    <message>
        <source>The app could not sign in.</source>
        <translation>Die App konnte sich nicht anmelden.</translation>
    </message>
    <message>
        <source>The app signed in.</source>
        <translation>Die App hat sich angemeldet.</translation>
    </message>
    <message>
        <source>The app signed in to %1 (tenant ID %2).</source>
        <translation>Die App hat sich bei %1 angemeldet (Mandanten-ID %2).</translation>
    </message>
    <message>
        <source>%1 — granted</source>
        <translation>%1 – erteilt</translation>
    </message>
    <message>
        <source>%1 — missing</source>
        <translation>%1 – fehlt</translation>
    </message>
    <message>
        <source>%1 — not checked</source>
        <translation>%1 – nicht geprüft</translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConnectionPageController</name>
    <message>
        <source>The app signs in, but these permissions it needs are not granted: %1. Add them under API permissions and grant admin consent, then choose Check again.</source>
        <translation>Die App kann sich anmelden, aber diese nötigen Berechtigungen sind nicht erteilt: %1. Fügen Sie sie unter „API-Berechtigungen“ hinzu, erteilen Sie die Administratorzustimmung und wählen Sie dann „Erneut prüfen“.</translation>
    </message>
    <message>
        <source>Granted: %1</source>
        <translation>Erteilt: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 Trying again in %n second(s)…</source>
        <translation>
            <numerusform>%1 Neuer Versuch in %n Sekunde …</numerusform>
            <numerusform>%1 Neuer Versuch in %n Sekunden …</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConnectionsModel</name>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>vor %n Minute</numerusform>
            <numerusform>vor %n Minuten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>vor %n Stunde</numerusform>
            <numerusform>vor %n Stunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>vor %n Tag</numerusform>
            <numerusform>vor %n Tagen</numerusform>
        </translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>client secret</source>
        <translation>geheimer Clientschlüssel</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tage</numerusform>
        </translation>
    </message>
    <message>
        <source>not scheduled</source>
        <translation>nicht geplant</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Letzter Lauf</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Deletions</source>
        <translation>Löschungen</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>Zertifikat</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>Nächster Lauf</translation>
    </message>
</context>
<context>
    <name>M365::Ui::ConnectionsOverview</name>
    <message>
        <source>Open dashboard</source>
        <translation>Dashboard öffnen</translation>
    </message>
    <message>
        <source>Edit connection…</source>
        <translation>Verbindung bearbeiten …</translation>
    </message>
    <message>
        <source>&lt;b&gt;Connections&lt;/b&gt;</source>
        <translation>&lt;b&gt;Verbindungen&lt;/b&gt;</translation>
    </message>
    <message>
        <source>New connection…</source>
        <translation>Neue Verbindung …</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Cannot be read: %1</source>
        <translation>Nicht lesbar: %1</translation>
    </message>
    <message>
        <source>Never run</source>
        <translation>Noch nie gelaufen</translation>
    </message>
    <message>
        <source>Done: nothing to change</source>
        <translation>Fertig: nichts zu ändern</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n change(s) applied</source>
        <translation>
            <numerusform>Fertig: %n Änderung angewendet</numerusform>
            <numerusform>Fertig: %n Änderungen angewendet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) failed</source>
        <translation>
            <numerusform>%n Änderung fehlgeschlagen</numerusform>
            <numerusform>%n Änderungen fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped by the deletion guard</source>
        <translation>Vom Löschschutz angehalten</translation>
    </message>
    <message>
        <source>Another run was in progress</source>
        <translation>Ein anderer Lauf war im Gange</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No connection yet. Choose &quot;New connection…&quot; to connect to a tenant or the sandbox.</source>
        <translation>Noch keine Verbindung. Wählen Sie „Neue Verbindung …“, um eine Verbindung mit einem Mandanten oder der Sandbox herzustellen.</translation>
    </message>
    <message numerus="yes">
        <source>All %n connection(s) are fine.</source>
        <translation>
            <numerusform>Die %n Verbindung ist in Ordnung.</numerusform>
            <numerusform>Alle %n Verbindungen sind in Ordnung.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 connections need attention: %3 failing, %4 with warnings. Hover over a row to see why; open it to see its history.</source>
        <translation>%1 von %2 Verbindungen erfordern Aufmerksamkeit: %3 fehlerhaft, %4 mit Warnungen. Zeigen Sie mit der Maus auf eine Zeile, um den Grund zu sehen; öffnen Sie sie, um ihren Verlauf zu sehen.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::CredentialsPage</name>
    <message>
        <source>Export .cer…</source>
        <translation>.cer exportieren …</translation>
    </message>
    <message>
        <source>Add the certificate to the sandbox app (what you would upload in the portal)</source>
        <translation>Zertifikat zur Sandbox-App hinzufügen (was Sie im Portal hochladen würden)</translation>
    </message>
    <message>
        <source>Credentials</source>
        <translation>Anmeldeinformationen</translation>
    </message>
    <message>
        <source>The app proves who it is with a certificate. Its private key is kept in the system keychain.</source>
        <translation>Die App weist sich mit einem Zertifikat aus. Dessen privater Schlüssel wird im Schlüsselbund des Systems aufbewahrt.</translation>
    </message>
    <message>
        <source>Generate a new certificate (recommended)</source>
        <translation>Neues Zertifikat erzeugen (empfohlen)</translation>
    </message>
    <message>
        <source>Import a PFX file</source>
        <translation>PFX-Datei importieren</translation>
    </message>
    <message>
        <source>Import a PEM certificate and key</source>
        <translation>PEM-Zertifikat und -Schlüssel importieren</translation>
    </message>
    <message>
        <source>Use a client secret instead (not recommended)</source>
        <translation>Stattdessen geheimen Clientschlüssel verwenden (nicht empfohlen)</translation>
    </message>
    <message>
        <source>Thumbprint (SHA-1):</source>
        <translation>Fingerabdruck (SHA-1):</translation>
    </message>
    <message>
        <source>Valid until:</source>
        <translation>Gültig bis:</translation>
    </message>
    <message>
        <source>Export certificate</source>
        <translation>Zertifikat exportieren</translation>
    </message>
    <message>
        <source>Certificates (*.cer)</source>
        <translation>Zertifikate (*.cer)</translation>
    </message>
    <message>
        <source>1 year</source>
        <translation>1 Jahr</translation>
    </message>
    <message>
        <source>2 years</source>
        <translation>2 Jahre</translation>
    </message>
    <message>
        <source>3 years</source>
        <translation>3 Jahre</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Valid for:</source>
        <translation>Gültig für:</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Datei auswählen</translation>
    </message>
    <message>
        <source>Private key:</source>
        <translation>Privater Schlüssel:</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>PFX files (*.pfx *.p12)</source>
        <translation>PFX-Dateien (*.pfx *.p12)</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importieren</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer)</source>
        <translation>Zertifikate (*.pem *.crt *.cer)</translation>
    </message>
    <message>
        <source>Private keys (*.pem *.key)</source>
        <translation>Private Schlüssel (*.pem *.key)</translation>
    </message>
    <message>
        <source>Only for an encrypted key</source>
        <translation>Nur bei verschlüsseltem Schlüssel</translation>
    </message>
    <message>
        <source>Key password:</source>
        <translation>Schlüsselpasswort:</translation>
    </message>
    <message>
        <source>Not recommended. A client secret is a password that can be copied and expires within two years; Microsoft advises a certificate for apps like this one.</source>
        <translation>Nicht empfohlen. Ein geheimer Clientschlüssel ist ein Passwort, das kopiert werden kann und innerhalb von zwei Jahren abläuft; Microsoft empfiehlt für Apps wie diese ein Zertifikat.</translation>
    </message>
    <message>
        <source>Client secret value</source>
        <translation>Wert des geheimen Clientschlüssels</translation>
    </message>
    <message>
        <source>No certificate yet</source>
        <translation>Noch kein Zertifikat</translation>
    </message>
    <message>
        <source>The automatic registration adds certificates only. Add a client secret to the app %1 yourself, under Certificates &amp; secrets in the Microsoft Entra admin center.</source>
        <translation>Die automatische Registrierung fügt nur Zertifikate hinzu. Fügen Sie der App %1 selbst einen geheimen Clientschlüssel hinzu, unter „Zertifikate &amp; Geheimnisse“ im Microsoft Entra Admin Center.</translation>
    </message>
    <message>
        <source>Upload the certificate to the app %1 — when you choose Next</source>
        <translation>Zertifikat in die App %1 hochladen – wenn Sie „Weiter“ wählen</translation>
    </message>
    <message>
        <source>Upload the certificate to the app %1 — running…</source>
        <translation>Zertifikat in die App %1 hochladen – läuft …</translation>
    </message>
    <message>
        <source>Upload the certificate to the app %1 — done</source>
        <translation>Zertifikat in die App %1 hochladen – erledigt</translation>
    </message>
    <message>
        <source>Upload the certificate to the app %1 — failed</source>
        <translation>Zertifikat in die App %1 hochladen – fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>M365::Ui::CredentialsPageController</name>
    <message>
        <source>The file %1 cannot be read: %2</source>
        <translation>Die Datei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The certificate could not be written to %1: %2</source>
        <translation>Das Zertifikat konnte nicht nach %1 geschrieben werden: %2</translation>
    </message>
    <message>
        <source>No keychain is configured.</source>
        <translation>Es ist kein Schlüsselbund eingerichtet.</translation>
    </message>
    <message>
        <source>If no keyring is installed, install one: on Debian and Ubuntu, &quot;sudo apt install gnome-keyring libsecret-1-0&quot;.</source>
        <translation>Ist kein Schlüsselbund installiert, installieren Sie einen: unter Debian und Ubuntu mit „sudo apt install gnome-keyring libsecret-1-0“.</translation>
    </message>
    <message>
        <source>m365sync keeps the private key in the system keychain, and no keychain answers. %1</source>
        <translation>m365sync bewahrt den privaten Schlüssel im Schlüsselbund des Systems auf, aber kein Schlüsselbund antwortet. %1</translation>
    </message>
    <message>
        <source>The certificate could not be added to the sandbox app: %1</source>
        <translation>Das Zertifikat konnte nicht zur Sandbox-App hinzugefügt werden: %1</translation>
    </message>
    <message>
        <source>The administrator&apos;s sign-in has expired, so the certificate could not be added to the app. Export the .cer file and upload it under Certificates &amp; secrets of the app %1 in the Microsoft Entra admin center, or go back and register the app again.</source>
        <translation>Die Administratoranmeldung ist abgelaufen, daher konnte das Zertifikat nicht zur App hinzugefügt werden. Exportieren Sie die .cer-Datei und laden Sie sie unter „Zertifikate &amp; Geheimnisse“ der App %1 im Microsoft Entra Admin Center hoch, oder gehen Sie zurück und registrieren Sie die App erneut.</translation>
    </message>
    <message>
        <source>The certificate could not be added to the app: %1</source>
        <translation>Das Zertifikat konnte nicht zur App hinzugefügt werden: %1</translation>
    </message>
</context>
<context>
    <name>M365::Ui::CsvMappingPage</name>
    <message>
        <source>Read as Windows-1252</source>
        <translation>Als Windows-1252 lesen</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>CSV columns</source>
        <translation>CSV-Spalten</translation>
    </message>
    <message>
        <source>Which column of the file becomes which directory attribute, and which column identifies a person.</source>
        <translation>Welche Spalte der Datei zu welchem Verzeichnisattribut wird und welche Spalte eine Person kennzeichnet.</translation>
    </message>
    <message>
        <source>Older Excel versions and many HR systems on Windows save CSV files in Windows-1252. Converting reads umlauts such as ä, ö and ü correctly; the file itself is not changed.</source>
        <translation>Ältere Excel-Versionen und viele Personalsysteme unter Windows speichern CSV-Dateien in Windows-1252. Beim Umwandeln werden Umlaute wie ä, ö und ü richtig gelesen; die Datei selbst bleibt unverändert.</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Spalte</translation>
    </message>
    <message>
        <source>Sample values</source>
        <translation>Beispielwerte</translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation>Attribut</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Pflicht</translation>
    </message>
    <message>
        <source>Choose from the list or type any attribute name. Group membership turns the names in the column (separated by |, ; or ,) into groups.</source>
        <translation>Wählen Sie aus der Liste oder geben Sie einen beliebigen Attributnamen ein. Gruppenmitgliedschaft macht aus den Namen in der Spalte (getrennt durch |, ; oder ,) Gruppen.</translation>
    </message>
    <message>
        <source>The column that identifies each person for good; exactly one.</source>
        <translation>Die Spalte, die jede Person dauerhaft kennzeichnet; genau eine.</translation>
    </message>
    <message>
        <source>A row without a value in a required column is skipped and reported.</source>
        <translation>Eine Zeile ohne Wert in einer Pflichtspalte wird übersprungen und gemeldet.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Key:&lt;/b&gt; its value is written to onPremisesImmutableId and links the person to the Microsoft 365 user for good, so it must be unique and must never change. An employee ID is best; e-mail addresses and names change.</source>
        <translation>&lt;b&gt;Schlüssel:&lt;/b&gt; Sein Wert wird in onPremisesImmutableId geschrieben und verbindet die Person dauerhaft mit dem Microsoft-365-Benutzer; er muss daher eindeutig sein und darf sich nie ändern. Am besten eignet sich die Personalnummer; E-Mail-Adressen und Namen ändern sich.</translation>
    </message>
    <message>
        <source>A column without a name in the header row cannot be used.</source>
        <translation>Eine Spalte ohne Namen in der Kopfzeile kann nicht verwendet werden.</translation>
    </message>
    <message>
        <source>This column repeats the header of an earlier one; its values are ignored.</source>
        <translation>Diese Spalte wiederholt die Überschrift einer früheren Spalte; ihre Werte werden ignoriert.</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(ohne Namen)</translation>
    </message>
    <message>
        <source>Use this column as the key</source>
        <translation>Diese Spalte als Schlüssel verwenden</translation>
    </message>
    <message>
        <source>%1: read as %2, columns separated by %3.</source>
        <translation>%1: gelesen als %2, Spalten getrennt durch %3.</translation>
    </message>
    <message>
        <source>The key column is always required.</source>
        <translation>Die Schlüsselspalte ist immer Pflicht.</translation>
    </message>
    <message>
        <source>Skip rows without a value in this column</source>
        <translation>Zeilen ohne Wert in dieser Spalte überspringen</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>Datei wird gelesen …</translation>
    </message>
    <message>
        <source>Users: %1, groups: %2.</source>
        <translation>Benutzer: %1, Gruppen: %2.</translation>
    </message>
    <message>
        <source>Test reads the whole file with these columns.</source>
        <translation>„Testen“ liest die ganze Datei mit diesen Spalten.</translation>
    </message>
    <message>
        <source>UTF-8 with BOM</source>
        <translation>UTF-8 mit BOM</translation>
    </message>
    <message>
        <source>Rows skipped and not synchronized: %1, the first %2 below.</source>
        <translation>Übersprungene, nicht synchronisierte Zeilen: %1, die ersten %2 unten.</translation>
    </message>
    <message>
        <source>Rows skipped and not synchronized: %1.</source>
        <translation>Übersprungene, nicht synchronisierte Zeilen: %1.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::CsvMappingPageController</name>
    <message>
        <source>First name (givenName)</source>
        <translation>Vorname (givenName)</translation>
    </message>
    <message>
        <source>Last name (sn)</source>
        <translation>Nachname (sn)</translation>
    </message>
    <message>
        <source>Display name (displayName)</source>
        <translation>Anzeigename (displayName)</translation>
    </message>
    <message>
        <source>E-mail address (mail)</source>
        <translation>E-Mail-Adresse (mail)</translation>
    </message>
    <message>
        <source>Employee ID (employeeID)</source>
        <translation>Personalnummer (employeeID)</translation>
    </message>
    <message>
        <source>User name (uid)</source>
        <translation>Benutzername (uid)</translation>
    </message>
    <message>
        <source>Windows logon name (sAMAccountName)</source>
        <translation>Windows-Anmeldename (sAMAccountName)</translation>
    </message>
    <message>
        <source>User principal name (userPrincipalName)</source>
        <translation>Benutzerprinzipalname (userPrincipalName)</translation>
    </message>
    <message>
        <source>Job title (title)</source>
        <translation>Stellenbezeichnung (title)</translation>
    </message>
    <message>
        <source>Department (department)</source>
        <translation>Abteilung (department)</translation>
    </message>
    <message>
        <source>Company (company)</source>
        <translation>Firma (company)</translation>
    </message>
    <message>
        <source>Phone (telephoneNumber)</source>
        <translation>Telefon (telephoneNumber)</translation>
    </message>
    <message>
        <source>Mobile phone (mobile)</source>
        <translation>Mobiltelefon (mobile)</translation>
    </message>
    <message>
        <source>Street (street)</source>
        <translation>Straße (street)</translation>
    </message>
    <message>
        <source>Postal code (postalCode)</source>
        <translation>Postleitzahl (postalCode)</translation>
    </message>
    <message>
        <source>City (l)</source>
        <translation>Ort (l)</translation>
    </message>
    <message>
        <source>State or province (st)</source>
        <translation>Bundesland oder Region (st)</translation>
    </message>
    <message>
        <source>Country (co)</source>
        <translation>Land (co)</translation>
    </message>
    <message>
        <source>Country code (c)</source>
        <translation>Ländercode (c)</translation>
    </message>
    <message>
        <source>Office (physicalDeliveryOfficeName)</source>
        <translation>Büro (physicalDeliveryOfficeName)</translation>
    </message>
    <message>
        <source>Manager (manager)</source>
        <translation>Führungskraft (manager)</translation>
    </message>
    <message>
        <source>Employee type (employeeType)</source>
        <translation>Beschäftigungsart (employeeType)</translation>
    </message>
    <message>
        <source>Group membership (memberOf)</source>
        <translation>Gruppenmitgliedschaft (memberOf)</translation>
    </message>
    <message>
        <source>Distinguished name (dn)</source>
        <translation>Distinguished Name (dn)</translation>
    </message>
    <message>
        <source>(ignore)</source>
        <translation>(ignorieren)</translation>
    </message>
    <message>
        <source>comma (,)</source>
        <translation>Komma (,)</translation>
    </message>
    <message>
        <source>semicolon (;)</source>
        <translation>Semikolon (;)</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>Tabulator</translation>
    </message>
    <message>
        <source>vertical bar (|)</source>
        <translation>senkrechten Strich (|)</translation>
    </message>
    <message>
        <source>Cannot open the CSV file &quot;%1&quot;: %2. Go back and check the path.</source>
        <translation>Die CSV-Datei „%1“ lässt sich nicht öffnen: %2. Gehen Sie zurück und prüfen Sie den Pfad.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; (column &quot;%2&quot;) is not an attribute name: use letters, digits and hyphens, starting with a letter.</source>
        <translation>„%1“ (Spalte „%2“) ist kein Attributname: Verwenden Sie Buchstaben, Ziffern und Bindestriche, beginnend mit einem Buchstaben.</translation>
    </message>
    <message>
        <source>The columns &quot;%1&quot; and &quot;%2&quot; are both mapped to %3. Each attribute can come from one column only: choose %4 for one of them.</source>
        <translation>Die Spalten „%1“ und „%2“ sind beide %3 zugeordnet. Jedes Attribut kann nur aus einer Spalte kommen: Wählen Sie für eine davon %4.</translation>
    </message>
    <message>
        <source>Choose the key column: the one that identifies each person for good, such as the employee ID.</source>
        <translation>Wählen Sie die Schlüsselspalte: die Spalte, die jede Person dauerhaft kennzeichnet, etwa die Personalnummer.</translation>
    </message>
    <message>
        <source>The key column &quot;%1&quot; is ignored. Map it to an attribute, for example employeeID.</source>
        <translation>Die Schlüsselspalte „%1“ wird ignoriert. Ordnen Sie ihr ein Attribut zu, zum Beispiel employeeID.</translation>
    </message>
    <message>
        <source>The key column &quot;%1&quot; lists groups. Choose a column that identifies the person, such as the employee ID.</source>
        <translation>Die Schlüsselspalte „%1“ enthält Gruppen. Wählen Sie eine Spalte, die die Person kennzeichnet, etwa die Personalnummer.</translation>
    </message>
    <message>
        <source>No row of the file became a user. The list below says why; choose the columns again or correct the file.</source>
        <translation>Keine Zeile der Datei wurde zu einem Benutzer. Die Liste unten nennt die Gründe; wählen Sie die Spalten neu oder korrigieren Sie die Datei.</translation>
    </message>
    <message>
        <source>No column is mapped to a name (displayName, or givenName and sn). Microsoft 365 needs a display name for every user: map the column with the full name or the first and last names.</source>
        <translation>Keiner Spalte ist ein Name zugeordnet (displayName oder givenName und sn). Microsoft 365 braucht für jeden Benutzer einen Anzeigenamen: Ordnen Sie die Spalte mit dem vollständigen Namen oder die Spalten mit Vor- und Nachname zu.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a UTF-8 file: %2. Files from older Excel versions and from HR systems on Windows are usually Windows-1252: choose &quot;Read as Windows-1252&quot;. Otherwise save the file as &quot;CSV UTF-8&quot; in the spreadsheet program.</source>
        <translation>„%1“ ist keine UTF-8-Datei: %2. Dateien aus älteren Excel-Versionen und aus Personalsystemen unter Windows sind meist Windows-1252: Wählen Sie „Als Windows-1252 lesen“. Andernfalls speichern Sie die Datei im Tabellenprogramm als „CSV UTF-8“.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::DashboardController</name>
    <message numerus="yes">
        <source>The directory is no longer watched for changes (%1); the preview is refreshed every %n second(s) instead.</source>
        <translation>
            <numerusform>Das Verzeichnis wird nicht mehr auf Änderungen überwacht (%1); stattdessen wird die Vorschau im Abstand von %n Sekunde aktualisiert.</numerusform>
            <numerusform>Das Verzeichnis wird nicht mehr auf Änderungen überwacht (%1); stattdessen wird die Vorschau alle %n Sekunden aktualisiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped: %1 of %2 changes applied; the rest stays in the preview.</source>
        <translation>Angehalten: %1 von %2 Änderungen angewendet; der Rest bleibt in der Vorschau.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %2 changes applied, %n failed: see the results in the preview.</source>
        <translation>
            <numerusform>%1 von %2 Änderungen angewendet, %n fehlgeschlagen: Die Ergebnisse sehen Sie in der Vorschau.</numerusform>
            <numerusform>%1 von %2 Änderungen angewendet, %n fehlgeschlagen: Die Ergebnisse sehen Sie in der Vorschau.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %n change(s) applied.</source>
        <translation>
            <numerusform>%n Änderung angewendet.</numerusform>
            <numerusform>Alle %n Änderungen angewendet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unchecked object(s) are excluded from now on; Settings → Exclusions includes them again.</source>
        <translation>
            <numerusform>%n abgewähltes Objekt ist ab jetzt ausgeschlossen; unter Einstellungen → Ausschlüsse nehmen Sie es wieder auf.</numerusform>
            <numerusform>%n abgewählte Objekte sind ab jetzt ausgeschlossen; unter Einstellungen → Ausschlüsse nehmen Sie sie wieder auf.</numerusform>
        </translation>
    </message>
    <message>
        <source>The file %1 cannot be replaced; choose another one. The passwords are still kept until you save or dismiss them.</source>
        <translation>Die Datei %1 kann nicht ersetzt werden; wählen Sie eine andere. Die Kennwörter bleiben erhalten, bis Sie sie speichern oder verwerfen.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %2 changes applied; %n held back (conflicts, invalid, no free licence): see the preview.</source>
        <translation>
            <numerusform>%1 von %2 Änderungen angewendet; %n zurückgehalten (Konflikt, ungültig, keine freie Lizenz): siehe Vorschau.</numerusform>
            <numerusform>%1 von %2 Änderungen angewendet; %n zurückgehalten (Konflikte, ungültig, keine freie Lizenz): siehe Vorschau.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>M365::Ui::DashboardWidget</name>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Licences</source>
        <translation>Lizenzen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Read the directory and the tenant again and update the preview</source>
        <translation>Verzeichnis und Mandanten erneut lesen und die Vorschau aktualisieren</translation>
    </message>
    <message>
        <source>Synchronize Now</source>
        <translation>Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop after the requests under way; what was done stays done</source>
        <translation>Nach den laufenden Anfragen anhalten; was erledigt ist, bleibt erledigt</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird angehalten …</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Nicht gestartet</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt …</translation>
    </message>
    <message>
        <source>Updating the preview…</source>
        <translation>Vorschau wird aktualisiert …</translation>
    </message>
    <message>
        <source>Preview of %1</source>
        <translation>Vorschau von %1</translation>
    </message>
    <message>
        <source>Preview up to date</source>
        <translation>Vorschau ist aktuell</translation>
    </message>
    <message>
        <source>Synchronizing…</source>
        <translation>Wird synchronisiert …</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Profile &quot;%1&quot;, tenant %2</source>
        <translation>Profil „%1“, Mandant %2</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Angemeldet</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Nicht angemeldet</translation>
    </message>
    <message>
        <source>Permissions not checked</source>
        <translation>Berechtigungen nicht geprüft</translation>
    </message>
    <message>
        <source>Permissions OK</source>
        <translation>Berechtigungen OK</translation>
    </message>
    <message>
        <source>Missing permissions: %1</source>
        <translation>Fehlende Berechtigungen: %1</translation>
    </message>
    <message>
        <source>Certificate expires on %1: renew it soon</source>
        <translation>Zertifikat läuft am %1 ab: Erneuern Sie es bald</translation>
    </message>
    <message>
        <source>Certificate valid until %1</source>
        <translation>Zertifikat gültig bis %1</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 writes/s</source>
        <translation>%1 Schreibvorgänge/s</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>Confirm destructive changes</source>
        <translation>Destruktive Änderungen bestätigen</translation>
    </message>
    <message numerus="yes">
        <source>This sync would disable, delete or remove licences and memberships of %n object(s).</source>
        <translation>
            <numerusform>Diese Synchronisation würde %n Objekt deaktivieren, löschen oder ihm Lizenzen und Mitgliedschaften entziehen.</numerusform>
            <numerusform>Diese Synchronisation würde %n Objekte deaktivieren, löschen oder ihnen Lizenzen und Mitgliedschaften entziehen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The deletion guard lets at most %n such change(s) through without asking. If the directory lost these objects by mistake (a wrong filter, an unreachable branch), cancel and check the scope first.</source>
        <translation>
            <numerusform>Der Löschschutz lässt höchstens %n solche Änderung ohne Rückfrage zu. Falls das Verzeichnis diese Objekte versehentlich verloren hat (ein falscher Filter, ein nicht erreichbarer Zweig), brechen Sie ab und prüfen Sie zuerst den Bereich.</numerusform>
            <numerusform>Der Löschschutz lässt höchstens %n solche Änderungen ohne Rückfrage zu. Falls das Verzeichnis diese Objekte versehentlich verloren hat (ein falscher Filter, ein nicht erreichbarer Zweig), brechen Sie ab und prüfen Sie zuerst den Bereich.</numerusform>
        </translation>
    </message>
    <message>
        <source>Apply anyway</source>
        <translation>Trotzdem anwenden</translation>
    </message>
    <message>
        <source>Nothing was changed: the destructive changes were not confirmed.</source>
        <translation>Es wurde nichts geändert: Die destruktiven Änderungen wurden nicht bestätigt.</translation>
    </message>
    <message numerus="yes">
        <source>Synchronize %n selected</source>
        <translation>
            <numerusform>%n ausgewählte Änderung synchronisieren</numerusform>
            <numerusform>%n ausgewählte Änderungen synchronisieren</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to apply</source>
        <translation>Nichts anzuwenden</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>Letzte Synchronisation: %1</translation>
    </message>
    <message>
        <source>Last sync: never</source>
        <translation>Letzte Synchronisation: nie</translation>
    </message>
    <message>
        <source>Next run: not scheduled</source>
        <translation>Nächster Lauf: nicht geplant</translation>
    </message>
    <message numerus="yes">
        <source>The preview checks the tenant for changes every %n second(s).</source>
        <translation>
            <numerusform>Die Vorschau prüft den Mandanten im Abstand von %n Sekunde auf Änderungen.</numerusform>
            <numerusform>Die Vorschau prüft den Mandanten alle %n Sekunden auf Änderungen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n s</source>
        <translation>
            <numerusform>etwa %n s</numerusform>
            <numerusform>etwa %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n min</source>
        <translation>
            <numerusform>etwa %n min</numerusform>
            <numerusform>etwa %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>about %1 h %2 min</source>
        <translation>etwa %1 h %2 min</translation>
    </message>
    <message>
        <source>Pacing: Microsoft Graph is throttling</source>
        <translation>Drosselung: Microsoft Graph bremst</translation>
    </message>
    <message>
        <source>Microsoft Graph asked m365sync to slow down. The sync waits as Graph says and goes on by itself; nothing needs to be done.</source>
        <translation>Microsoft Graph hat m365sync gebeten, langsamer zu werden. Die Synchronisation wartet so lange, wie Graph angibt, und läuft dann von selbst weiter; Sie müssen nichts tun.</translation>
    </message>
    <message>
        <source>Next run: %1</source>
        <translation>Nächster Lauf: %1</translation>
    </message>
    <message>
        <source>Edit connection…</source>
        <translation>Verbindung bearbeiten …</translation>
    </message>
    <message>
        <source>Change the tenant, the app registration or its certificate in the wizard</source>
        <translation>Mandant, App-Registrierung oder deren Zertifikat im Assistenten ändern</translation>
    </message>
    <message>
        <source>Back to the live preview</source>
        <translation>Zurück zur Live-Vorschau</translation>
    </message>
    <message>
        <source>The preview shows the undo of run %1: previous values back, disabled accounts enabled, created ones disabled. Nothing changes until you synchronize. The next sync makes the run&apos;s changes again unless the directory changes.</source>
        <translation>Die Vorschau zeigt, wie Lauf %1 rückgängig gemacht wird: frühere Werte zurück, deaktivierte Konten aktiviert, erstellte deaktiviert. Nichts ändert sich, bevor Sie synchronisieren. Die nächste Synchronisierung nimmt die Änderungen des Laufs erneut vor, sofern sich das Verzeichnis nicht ändert.</translation>
    </message>
    <message>
        <source>Save initial passwords…</source>
        <translation>Anfangskennwörter speichern…</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Forget the initial passwords without saving them; they cannot be shown again</source>
        <translation>Anfangskennwörter verwerfen, ohne sie zu speichern; sie können nicht erneut angezeigt werden</translation>
    </message>
    <message numerus="yes">
        <source>%n new user(s) got an initial password. Save them now to hand them out: they are gone once saved, dismissed or the dashboard is closed.</source>
        <translation>
            <numerusform>%n neuer Benutzer hat ein Anfangskennwort erhalten. Speichern Sie es jetzt, um es auszugeben: Es ist weg, sobald es gespeichert, verworfen oder die Übersicht geschlossen wird.</numerusform>
            <numerusform>%n neue Benutzer haben ein Anfangskennwort erhalten. Speichern Sie die Kennwörter jetzt, um sie auszugeben: Sie sind weg, sobald sie gespeichert, verworfen oder die Übersicht geschlossen wird.</numerusform>
        </translation>
    </message>
    <message>
        <source>Initial passwords are never stored; reset the password in Microsoft 365 to issue a new one.</source>
        <translation>Anfangskennwörter werden nie gespeichert; setzen Sie das Kennwort in Microsoft 365 zurück, um ein neues auszugeben.</translation>
    </message>
    <message>
        <source>Save initial passwords</source>
        <translation>Anfangskennwörter speichern</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-Dateien (*.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The initial passwords are saved in %1, readable only by you. Hand them out, then delete the file.</source>
        <translation>Die Anfangskennwörter sind in %1 gespeichert, nur für Sie lesbar. Geben Sie sie aus und löschen Sie dann die Datei.</translation>
    </message>
    <message>
        <source>Nothing was changed: the preview changed while the summary was open. Check it and synchronize again.</source>
        <translation>Nichts wurde geändert: Die Vorschau hat sich geändert, während die Zusammenfassung offen war. Prüfen Sie sie und synchronisieren Sie erneut.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::DetailsPane</name>
    <message>
        <source>Why it cannot be applied: %1</source>
        <translation>Warum sie nicht angewendet werden kann: %1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation>Quelle: %1</translation>
    </message>
    <message>
        <source>Result: %1</source>
        <translation>Ergebnis: %1</translation>
    </message>
    <message>
        <source>Result: %1 — %2</source>
        <translation>Ergebnis: %1 – %2</translation>
    </message>
    <message>
        <source>Select a change to see what it does.</source>
        <translation>Wählen Sie eine Änderung, um zu sehen, was sie bewirkt.</translation>
    </message>
    <message>
        <source>%1 %2 · %3</source>
        <extracomment>Details title, e.g. &quot;User Jürgen Müller · Create&quot;</extracomment>
        <translation>%1 %2 · %3</translation>
    </message>
    <message>
        <source>The picture from the directory (%1 × %2 pixels)</source>
        <translation>Das Bild aus dem Verzeichnis (%1 × %2 Pixel)</translation>
    </message>
</context>
<context>
    <name>M365::Ui::DirectoryBox</name>
    <message>
        <source>Directory</source>
        <translation>Verzeichnis</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>Empty to trust the system&apos;s CAs</source>
        <translation>Leer, um den CAs des Systems zu vertrauen</translation>
    </message>
    <message>
        <source>PEM file with the CA that issued the server&apos;s certificate (for Active Directory usually the enterprise root CA)</source>
        <translation>PEM-Datei mit der CA, die das Zertifikat des Servers ausgestellt hat (bei Active Directory meist die Stammzertifizierungsstelle des Unternehmens)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>Server:</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>CA-Datei:</translation>
    </message>
    <message>
        <source>Choose the CA file</source>
        <translation>CA-Datei auswählen</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer)</source>
        <translation>Zertifikate (*.pem *.crt *.cer)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>no encryption</source>
        <translation>keine Verschlüsselung</translation>
    </message>
    <message>
        <source>LDAPS</source>
        <translation>LDAPS</translation>
    </message>
    <message>
        <source>StartTLS</source>
        <translation>StartTLS</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Wird getestet …</translation>
    </message>
    <message>
        <source>Connected (without TLS).</source>
        <translation>Verbunden (ohne TLS).</translation>
    </message>
    <message>
        <source>Reading the containers…</source>
        <translation>Die Container werden gelesen …</translation>
    </message>
    <message>
        <source>The containers could not be read: %1</source>
        <translation>Die Container konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Containers to sync (unchecking one leaves out everything below it):</source>
        <translation>Zu synchronisierende Container (ohne Haken bleibt alles darunter außen vor):</translation>
    </message>
    <message>
        <source>Synced: users %1, groups %2.</source>
        <translation>Synchronisiert: Benutzer %1, Gruppen %2.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::DirectoryPage</name>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Verzeichnis</translation>
    </message>
    <message>
        <source>Where do the people and groups come from? m365sync only reads the directory.</source>
        <translation>Woher kommen die Personen und Gruppen? m365sync liest das Verzeichnis nur.</translation>
    </message>
    <message>
        <source>LDIF file</source>
        <translation>LDIF-Datei</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>CSV-Datei</translation>
    </message>
    <message>
        <source>OpenLDAP</source>
        <translation>OpenLDAP</translation>
    </message>
    <message>
        <source>Active Directory</source>
        <translation>Active Directory</translation>
    </message>
    <message>
        <source>Univention Corporate Server</source>
        <translation>Univention Corporate Server</translation>
    </message>
    <message>
        <source>389 Directory Server</source>
        <translation>389 Directory Server</translation>
    </message>
    <message>
        <source>StartTLS</source>
        <translation>StartTLS</translation>
    </message>
    <message>
        <source>LDAPS (TLS from the start)</source>
        <translation>LDAPS (TLS von Anfang an)</translation>
    </message>
    <message>
        <source>None (loopback only)</source>
        <translation>Keine (nur Loopback)</translation>
    </message>
    <message>
        <source>Empty for an anonymous bind</source>
        <translation>Leer für anonyme Anmeldung</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>Choose the directory file</source>
        <translation>Verzeichnisdatei auswählen</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>LDIF files (*.ldif)</source>
        <translation>LDIF-Dateien (*.ldif)</translation>
    </message>
    <message>
        <source>Server URL:</source>
        <translation>Server-URL:</translation>
    </message>
    <message>
        <source>Encryption:</source>
        <translation>Verschlüsselung:</translation>
    </message>
    <message>
        <source>Bind DN:</source>
        <translation>Bind-DN:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>Base DN:</source>
        <translation>Basis-DN:</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>Quelle:</translation>
    </message>
    <message>
        <source>Sample users:</source>
        <translation>Beispielbenutzer:</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Wird getestet …</translation>
    </message>
    <message>
        <source>Users: %1, groups: %2.</source>
        <translation>Benutzer: %1, Gruppen: %2.</translation>
    </message>
    <message>
        <source>Read as Windows-1252</source>
        <translation>Als Windows-1252 lesen</translation>
    </message>
    <message>
        <source>The next page shows the file&apos;s columns and lets you choose what each one becomes.</source>
        <translation>Die nächste Seite zeigt die Spalten der Datei; dort legen Sie fest, was aus jeder Spalte wird.</translation>
    </message>
    <message>
        <source>Older Excel versions and many HR systems on Windows save CSV files in Windows-1252. Converting reads umlauts such as ä, ö and ü correctly; the file itself is not changed.</source>
        <translation>Ältere Excel-Versionen und viele Personalsysteme unter Windows speichern CSV-Dateien in Windows-1252. Beim Umwandeln werden Umlaute wie ä, ö und ü richtig gelesen; die Datei selbst bleibt unverändert.</translation>
    </message>
    <message>
        <source>Skipped, with the reason (%1 in all; the rest will sync):</source>
        <translation>Übersprungen, mit Grund (insgesamt %1; der Rest wird synchronisiert):</translation>
    </message>
    <message>
        <source>Empty to trust the system&apos;s CAs</source>
        <translation>Leer, um den CAs des Systems zu vertrauen</translation>
    </message>
    <message>
        <source>A PEM file with the certificate of the CA that signed the server&apos;s certificate, for Active Directory usually the enterprise root CA.</source>
        <translation>Eine PEM-Datei mit dem Zertifikat der CA, die das Zertifikat des Servers signiert hat, bei Active Directory meist die Stammzertifizierungsstelle des Unternehmens.</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>CA-Datei:</translation>
    </message>
    <message>
        <source>Choose the CA file</source>
        <translation>CA-Datei auswählen</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer)</source>
        <translation>Zertifikate (*.pem *.crt *.cer)</translation>
    </message>
    <message>
        <source>Reading the containers…</source>
        <translation>Die Container werden gelesen …</translation>
    </message>
    <message>
        <source>The containers could not be read: %1</source>
        <translation>Die Container konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Containers to sync (unchecking one leaves out everything below it):</source>
        <translation>Zu synchronisierende Container (ohne Haken bleibt alles darunter außen vor):</translation>
    </message>
    <message>
        <source>Test again for samples from the containers chosen.</source>
        <translation>Erneut testen, um Beispiele aus den gewählten Containern zu sehen.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::DirectoryPageController</name>
    <message>
        <source>%1 &lt;%2&gt;</source>
        <translation>%1 &lt;%2&gt;</translation>
    </message>
</context>
<context>
    <name>M365::Ui::DomainPage</name>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Check DNS</source>
        <translation>DNS prüfen</translation>
    </message>
    <message>
        <source>Verify with Microsoft</source>
        <translation>Bei Microsoft bestätigen</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <source>Choose the domain that user names (user principal names) end in. It must be verified.</source>
        <translation>Wählen Sie die Domäne, auf die Benutzernamen (User Principal Names) enden. Sie muss bestätigt sein.</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Not verified</source>
        <translation>Nicht bestätigt</translation>
    </message>
    <message>
        <source>%1, default</source>
        <translation>%1, Standard</translation>
    </message>
    <message>
        <source>Users will get user names ending in %1. You can continue, but people usually sign in with your own domain: verify it first to use it.</source>
        <translation>Die Benutzernamen enden dann auf %1. Sie können fortfahren, aber meist meldet man sich mit der eigenen Domäne an: Bestätigen Sie sie zuerst, um sie zu verwenden.</translation>
    </message>
    <message>
        <source>Add domain</source>
        <translation>Domäne hinzufügen</translation>
    </message>
    <message>
        <source>A domain you own, e.g. example.com</source>
        <translation>Eine Domäne, die Ihnen gehört, z. B. example.com</translation>
    </message>
    <message>
        <source>Another domain:</source>
        <translation>Andere Domäne:</translation>
    </message>
    <message>
        <source>Publish this record in the sandbox DNS</source>
        <translation>Diesen Eintrag im DNS der Sandbox veröffentlichen</translation>
    </message>
    <message>
        <source>The sandbox tenant has its own DNS: this does what you would do at the DNS host of a real domain</source>
        <translation>Der Sandbox-Mandant hat ein eigenes DNS: Dies erledigt, was Sie bei einer echten Domäne beim DNS-Anbieter tun würden</translation>
    </message>
    <message>
        <source>This domain is in the sandbox tenant, whose DNS m365sync can publish to. Publish this TXT record there, then verify:</source>
        <translation>Diese Domäne gehört zum Sandbox-Mandanten, in dessen DNS m365sync veröffentlichen kann. Veröffentlichen Sie dort diesen TXT-Eintrag und bestätigen Sie dann:</translation>
    </message>
    <message>
        <source>m365sync cannot publish this record for you. Sign in at your DNS host (where the domain&apos;s DNS records are managed, often the registrar), add a TXT record with the name @ (or the domain itself) and this value, then check and verify. New records can take up to an hour to be visible.</source>
        <translation>m365sync kann diesen Eintrag nicht für Sie veröffentlichen. Melden Sie sich bei Ihrem DNS-Anbieter an (dort, wo die DNS-Einträge der Domäne verwaltet werden, oft beim Registrar), legen Sie einen TXT-Eintrag mit dem Namen @ (oder der Domäne selbst) und diesem Wert an, dann prüfen und bestätigen Sie. Neue Einträge können bis zu einer Stunde brauchen, bis sie sichtbar sind.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::DomainPageController</name>
    <message>
        <source>Looking up the TXT records of %1…</source>
        <translation>TXT-Einträge von %1 werden abgefragt …</translation>
    </message>
    <message>
        <source>The DNS lookup failed: %1</source>
        <translation>Die DNS-Abfrage ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The TXT record is published. Choose Verify with Microsoft.</source>
        <translation>Der TXT-Eintrag ist veröffentlicht. Wählen Sie „Bei Microsoft bestätigen“.</translation>
    </message>
    <message>
        <source>The TXT record %1 is not published for %2 yet. Add it at your DNS host; it can take up to an hour before it is visible.</source>
        <translation>Der TXT-Eintrag %1 ist für %2 noch nicht veröffentlicht. Legen Sie ihn bei Ihrem DNS-Anbieter an; es kann bis zu einer Stunde dauern, bis er sichtbar ist.</translation>
    </message>
    <message>
        <source>TXT records found: %1</source>
        <translation>Gefundene TXT-Einträge: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>The app may not verify domains. Verify %1 in the Microsoft 365 admin center (Settings, Domains), or grant the app Domain.ReadWrite.All, then try again.</source>
        <translation>Die App darf keine Domänen bestätigen. Bestätigen Sie %1 im Microsoft 365 Admin Center (Einstellungen, Domänen) oder erteilen Sie der App Domain.ReadWrite.All und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>%1 is verified.</source>
        <translation>%1 ist bestätigt.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a domain name. Enter a name such as example.com.</source>
        <translation>„%1“ ist kein Domänenname. Geben Sie einen Namen wie example.com ein.</translation>
    </message>
    <message>
        <source>The app may not add domains. Add %1 in the Microsoft 365 admin center (Settings, Domains), or grant the app Domain.ReadWrite.All, then try again.</source>
        <translation>Die App darf keine Domänen hinzufügen. Fügen Sie %1 im Microsoft 365 Admin Center hinzu (Einstellungen, Domänen) oder erteilen Sie der App Domain.ReadWrite.All und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>%1 was added, but its TXT record could not be read: %2</source>
        <translation>%1 wurde hinzugefügt, aber sein TXT-Eintrag konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Publishing the TXT record of %1 in the sandbox DNS…</source>
        <translation>Der TXT-Eintrag von %1 wird im DNS der Sandbox veröffentlicht …</translation>
    </message>
    <message>
        <source>The TXT record could not be published in the sandbox DNS: %1</source>
        <translation>Der TXT-Eintrag konnte nicht im DNS der Sandbox veröffentlicht werden: %1</translation>
    </message>
    <message>
        <source>The TXT record is published in the sandbox DNS. Choose Verify with Microsoft.</source>
        <translation>Der TXT-Eintrag ist im DNS der Sandbox veröffentlicht. Wählen Sie „Bei Microsoft bestätigen“.</translation>
    </message>
    <message>
        <source>The TXT record %1 is not published for %2 yet. Choose Publish this record in the sandbox DNS.</source>
        <translation>Der TXT-Eintrag %1 ist für %2 noch nicht veröffentlicht. Wählen Sie „Diesen Eintrag im DNS der Sandbox veröffentlichen“.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::ErrorBanner</name>
    <message>
        <source>Copy details</source>
        <translation>Details kopieren</translation>
    </message>
    <message>
        <source>Code: %1</source>
        <translation>Code: %1</translation>
    </message>
    <message>
        <source>Request ID: %1</source>
        <translation>Anfrage-ID: %1</translation>
    </message>
</context>
<context>
    <name>M365::Ui::HistoryTab</name>
    <message>
        <source>Running or interrupted</source>
        <translation>Läuft oder unterbrochen</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Counts</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Select a run to see its changes.</source>
        <translation>Wählen Sie einen Lauf, um seine Änderungen zu sehen.</translation>
    </message>
    <message numerus="yes">
        <source>Run started %1: %n change(s)</source>
        <translation>
            <numerusform>Lauf vom %1: %n Änderung</numerusform>
            <numerusform>Lauf vom %1: %n Änderungen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 done</source>
        <translation>%1 von %2 erledigt</translation>
    </message>
    <message>
        <source>%1 done</source>
        <translation>%1 erledigt</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 skipped</source>
        <translation>%1 übersprungen</translation>
    </message>
    <message>
        <source>%1 writes</source>
        <translation>%1 Schreibvorgänge</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Changed meanwhile</source>
        <translation>Zwischenzeitlich geändert</translation>
    </message>
    <message>
        <source>Not applied</source>
        <translation>Nicht angewendet</translation>
    </message>
    <message>
        <source>Finished with failures</source>
        <translation>Mit Fehlern beendet</translation>
    </message>
    <message>
        <source>Undo this run…</source>
        <translation>Diesen Lauf rückgängig machen…</translation>
    </message>
    <message>
        <source>Plan taking back what this run changed in the tenant; you see the plan before anything is applied.</source>
        <translation>Plant, was dieser Lauf im Mandanten geändert hat, zurückzunehmen; Sie sehen den Plan, bevor etwas angewendet wird.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::LicencesTab</name>
    <message>
        <source>Subscription</source>
        <translation>Abonnement</translation>
    </message>
    <message>
        <source>Prepaid</source>
        <translation>Erworben</translation>
    </message>
    <message>
        <source>Consumed</source>
        <translation>Verwendet</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Seats after the sync</source>
        <translation>Lizenzen nach der Synchronisation</translation>
    </message>
    <message>
        <source>+%1 / −%2</source>
        <translation>+%1 / −%2</translation>
    </message>
    <message>
        <source>%1 of %2 — %3 short</source>
        <translation>%1 von %2 – %3 fehlen</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>The tenant has no subscriptions, or the plan assigns no licences.</source>
        <translation>Der Mandant hat keine Abonnements, oder der Plan weist keine Lizenzen zu.</translation>
    </message>
    <message>
        <source>Not enough seats for the plan: %1. Licence assignments beyond the free seats will fail; buy more seats or assign fewer licences.</source>
        <translation>Nicht genug Lizenzen für den Plan: %1. Lizenzzuweisungen über die freien Lizenzen hinaus schlagen fehl; kaufen Sie weitere Lizenzen oder weisen Sie weniger Lizenzen zu.</translation>
    </message>
    <message>
        <source>Assign to every user</source>
        <translation>Allen Benutzern zuweisen</translation>
    </message>
    <message>
        <source>Use licensing through a group</source>
        <translation>Lizenzierung über eine Gruppe verwenden</translation>
    </message>
    <message>
        <source>Every user in scope who gets no licence through a directory group gets this one.</source>
        <translation>Jeder Benutzer im Bereich, der keine Lizenz über eine Verzeichnisgruppe erhält, bekommt diese.</translation>
    </message>
    <message>
        <source>Licensing through a group: one write per new user instead of two, and licences show as inherited from the group (needs Microsoft Entra ID P1).</source>
        <translation>Lizenzierung über eine Gruppe: ein Schreibvorgang je neuem Benutzer statt zwei, und Lizenzen erscheinen als von der Gruppe geerbt (erfordert Microsoft Entra ID P1).</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Frei</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Direkt</translation>
    </message>
    <message>
        <source>Through group</source>
        <translation>Über Gruppe</translation>
    </message>
    <message>
        <source>Users who hold the licence by a direct assignment</source>
        <translation>Benutzer, die die Lizenz durch direkte Zuweisung haben</translation>
    </message>
    <message>
        <source>Users who inherit the licence from a group (group-based licensing)</source>
        <translation>Benutzer, die die Lizenz von einer Gruppe erben (gruppenbasierte Lizenzierung)</translation>
    </message>
    <message>
        <source>Licence:</source>
        <translation>Lizenz:</translation>
    </message>
    <message>
        <source>every user</source>
        <translation>alle Benutzer</translation>
    </message>
    <message>
        <source>licensing group</source>
        <translation>Lizenzgruppe</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1, licensing group %2</source>
        <translation>%1, Lizenzgruppe %2</translation>
    </message>
    <message>
        <source>%1 (%2 failed)</source>
        <translation>%1 (%2 fehlgeschlagen)</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) could not get the licence from a group, e.g. for want of seats.</source>
        <translation>
            <numerusform>%n Benutzer konnte die Lizenz nicht von einer Gruppe erhalten, etwa mangels freier Lizenzen.</numerusform>
            <numerusform>%n Benutzer konnten die Lizenz nicht von einer Gruppe erhalten, etwa mangels freier Lizenzen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Seats per subscription: bought (prepaid), used now (consumed), held directly or through a group, and what the sync adds and releases.</source>
        <translation>Lizenzen je Abonnement: gekauft, derzeit verwendet, direkt oder über eine Gruppe gehalten, und was die Synchronisierung hinzufügt und freigibt.</translation>
    </message>
    <message>
        <source>Makes (or finds) the security group &quot;%1&quot;, assigns it this licence, and gives the licence to users through it from the next sync on.</source>
        <translation>Erstellt (oder findet) die Sicherheitsgruppe „%1“, weist ihr diese Lizenz zu und vergibt die Lizenz ab der nächsten Synchronisierung über sie an Benutzer.</translation>
    </message>
    <message>
        <source>The tenant has no Microsoft Entra ID P1, which group-based licensing needs.</source>
        <translation>Der Mandant hat kein Microsoft Entra ID P1, das gruppenbasierte Lizenzierung braucht.</translation>
    </message>
    <message>
        <source>Made the licensing group &quot;%1&quot;.</source>
        <translation>Lizenzgruppe „%1“ erstellt.</translation>
    </message>
    <message>
        <source>Licensing through the group &quot;%1&quot; is set up.</source>
        <translation>Lizenzierung über die Gruppe „%1“ ist eingerichtet.</translation>
    </message>
    <message>
        <source>Choose &quot;Assign to every user&quot; to give it to users.</source>
        <translation>Wählen Sie „Allen Benutzern zuweisen“, um sie an Benutzer zu vergeben.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::LogTab</name>
    <message>
        <source>Only errors, retries and throttling</source>
        <translation>Nur Fehler, Wiederholungen und Drosselung</translation>
    </message>
    <message>
        <source>Filter by URL, status or request id…</source>
        <translation>Nach URL, Status oder Anfrage-ID filtern …</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the selected requests (or all shown) with their request ids, for support</source>
        <translation>Die ausgewählten Anfragen (oder alle angezeigten) mit ihren Anfrage-IDs für den Support kopieren</translation>
    </message>
</context>
<context>
    <name>M365::Ui::MainWindow</name>
    <message>
        <source>m365sync</source>
        <translation>m365sync</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation>&amp;Neue Verbindung …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Connection</source>
        <translation>&amp;Verbindung</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profile</translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation>Profil:</translation>
    </message>
    <message>
        <source>Switch to the dashboard of another connection</source>
        <translation>Zum Dashboard einer anderen Verbindung wechseln</translation>
    </message>
    <message>
        <source>No connection yet. Choose &quot;New connection…&quot; to connect to a tenant or the sandbox.</source>
        <translation>Noch keine Verbindung. Wählen Sie „Neue Verbindung …“, um eine Verbindung mit einem Mandanten oder der Sandbox herzustellen.</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; cannot be read: %2</source>
        <translation>Das Profil „%1“ kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 — m365sync</source>
        <translation>%1 – m365sync</translation>
    </message>
    <message>
        <source>&amp;Edit connection…</source>
        <translation>Verbindung &amp;bearbeiten …</translation>
    </message>
    <message>
        <source>&amp;Finish a draft</source>
        <translation>Entwurf &amp;abschließen</translation>
    </message>
    <message>
        <source>No connection yet. Finish the draft &quot;%1&quot; (Connection, Finish a draft), or choose &quot;New connection…&quot; to start afresh.</source>
        <translation>Noch keine Verbindung. Schließen Sie den Entwurf „%1“ ab (Verbindung, Entwurf abschließen) oder wählen Sie „Neue Verbindung …“, um neu zu beginnen.</translation>
    </message>
    <message>
        <source>Finish &quot;%1&quot;…</source>
        <translation>„%1“ abschließen …</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>&amp;All connections</source>
        <translation>Alle &amp;Verbindungen</translation>
    </message>
    <message>
        <source>Every connection with its last run, result, pending changes and certificate</source>
        <translation>Alle Verbindungen mit letztem Lauf, Ergebnis, ausstehenden Änderungen und Zertifikat</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; cannot be opened: %2</source>
        <translation>Das Profil „%1“ kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Connections — m365sync</source>
        <translation>Verbindungen – m365sync</translation>
    </message>
</context>
<context>
    <name>M365::Ui::OnboardingWizard</name>
    <message>
        <source>Connect m365sync</source>
        <translation>m365sync verbinden</translation>
    </message>
    <message>
        <source>Finish the connection &quot;%1&quot;</source>
        <translation>Verbindung „%1“ abschließen</translation>
    </message>
    <message>
        <source>Edit the connection &quot;%1&quot;</source>
        <translation>Verbindung „%1“ bearbeiten</translation>
    </message>
    <message>
        <source>The sandbox tenant could not start: %1</source>
        <translation>Der Sandbox-Mandant konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>The keychain could not be read: %1 Make or import the certificate again on the Credentials page.</source>
        <translation>Der Schlüsselbund konnte nicht gelesen werden: %1 Erzeugen oder importieren Sie das Zertifikat auf der Seite „Anmeldeinformationen“ erneut.</translation>
    </message>
    <message>
        <source>The draft &quot;%1&quot; was kept before and is being finished.</source>
        <translation>Der Entwurf „%1“ wurde früher aufbewahrt und wird jetzt abgeschlossen.</translation>
    </message>
    <message>
        <source>The app %1 is registered in the tenant (application ID %2).</source>
        <translation>Die App %1 ist im Mandanten registriert (Anwendungs-ID %2).</translation>
    </message>
    <message>
        <source>The tenant ID and the application (client) ID were entered and checked.</source>
        <translation>Die Mandanten-ID und die Anwendungs-ID (Client) wurden eingegeben und geprüft.</translation>
    </message>
    <message>
        <source>A certificate was made and added to the app.</source>
        <translation>Ein Zertifikat wurde erzeugt und der App hinzugefügt.</translation>
    </message>
    <message>
        <source>A certificate was made or imported.</source>
        <translation>Ein Zertifikat wurde erzeugt oder importiert.</translation>
    </message>
    <message>
        <source>A client secret was entered.</source>
        <translation>Ein geheimer Clientschlüssel wurde eingegeben.</translation>
    </message>
    <message>
        <source>Close the wizard</source>
        <translation>Assistenten schließen</translation>
    </message>
    <message>
        <source>Keep what was done as a draft?</source>
        <translation>Das bisher Erledigte als Entwurf aufbewahren?</translation>
    </message>
    <message>
        <source>A draft keeps the IDs, the certificate (its private key in the system keychain) and the settings made so far. The wizard resumes it the next time m365sync starts. Discard deletes them from this computer.</source>
        <translation>Ein Entwurf bewahrt die IDs, das Zertifikat (seinen privaten Schlüssel im Schlüsselbund des Systems) und die bisherigen Einstellungen auf. Der Assistent setzt ihn beim nächsten Start von m365sync fort. „Verwerfen“ löscht sie von diesem Computer.</translation>
    </message>
    <message>
        <source>Keep as a draft</source>
        <translation>Als Entwurf aufbewahren</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>Zurück zum Assistenten</translation>
    </message>
    <message>
        <source>The draft could not be kept: %1 The wizard stays open, so nothing is lost.</source>
        <translation>Der Entwurf konnte nicht aufbewahrt werden: %1 Der Assistent bleibt geöffnet, es geht also nichts verloren.</translation>
    </message>
    <message>
        <source>Discard the draft</source>
        <translation>Entwurf verwerfen</translation>
    </message>
    <message>
        <source>Discard the draft? The app %1 stays in the tenant.</source>
        <translation>Entwurf verwerfen? Die App %1 bleibt im Mandanten.</translation>
    </message>
    <message>
        <source>m365sync registered the app &quot;%1&quot; (application ID %2) in the tenant. Discarding the draft does not delete it there, and without the certificate kept here nobody can sign in as it.</source>
        <translation>m365sync hat die App „%1“ (Anwendungs-ID %2) im Mandanten registriert. Das Verwerfen des Entwurfs löscht sie dort nicht, und ohne das hier aufbewahrte Zertifikat kann sich niemand als diese App anmelden.</translation>
    </message>
    <message>
        <source>To remove it, reset the sandbox tenant (m365sync-cli --sandbox-reset).</source>
        <translation>Um sie zu entfernen, setzen Sie den Sandbox-Mandanten zurück (m365sync-cli --sandbox-reset).</translation>
    </message>
    <message>
        <source>To remove it, open the Microsoft Entra admin center, go to App registrations, All applications, select &quot;%1&quot; with this application ID and choose Delete.</source>
        <translation>Um sie zu entfernen, öffnen Sie das Microsoft Entra Admin Center, gehen Sie zu „App-Registrierungen“, „Alle Anwendungen“, wählen Sie „%1“ mit dieser Anwendungs-ID und dann „Löschen“.</translation>
    </message>
    <message>
        <source>The draft could not be deleted: %1</source>
        <translation>Der Entwurf konnte nicht gelöscht werden: %1</translation>
    </message>
</context>
<context>
    <name>M365::Ui::PreviewPane</name>
    <message>
        <source>Apply all</source>
        <translation>Alle anwenden</translation>
    </message>
    <message>
        <source>Show only this kind of change (several can be combined)</source>
        <translation>Nur diese Art von Änderung anzeigen (mehrere lassen sich kombinieren)</translation>
    </message>
    <message>
        <source>Nothing to do: Microsoft 365 matches the directory.</source>
        <translation>Nichts zu tun: Microsoft 365 entspricht dem Verzeichnis.</translation>
    </message>
    <message numerus="yes">
        <source>%n directory entries could not be read</source>
        <translation>
            <numerusform>%n Verzeichniseintrag konnte nicht gelesen werden</numerusform>
            <numerusform>%n Verzeichniseinträge konnten nicht gelesen werden</numerusform>
        </translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Changed meanwhile</source>
        <translation>Zwischenzeitlich geändert</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>All (%1)</source>
        <translation>Alle (%1)</translation>
    </message>
    <message>
        <source>Apply %1 of %2 changes</source>
        <translation>%1 von %2 Änderungen anwenden</translation>
    </message>
    <message>
        <source>Search names, DNs, properties…</source>
        <translation>Namen, DNs, Eigenschaften suchen …</translation>
    </message>
    <message>
        <source>Show which entries could not be read, and why</source>
        <translation>Zeigen, welche Einträge nicht gelesen werden konnten und warum</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Unchecked rows are left out of the sync you start, and their objects are excluded from later syncs too (Settings → Exclusions includes them again)</source>
        <translation>Abgewählte Zeilen lässt die Synchronisation, die Sie starten, aus, und ihre Objekte sind auch von späteren Synchronisationen ausgeschlossen (unter Einstellungen → Ausschlüsse nehmen Sie sie wieder auf)</translation>
    </message>
</context>
<context>
    <name>M365::Ui::ProfileSecretsJob</name>
    <message>
        <source>No keychain is configured.</source>
        <translation>Es ist kein Schlüsselbund eingerichtet.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::RegistrationPage</name>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy to the clipboard</source>
        <translation>In die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Register automatically (sign in as an administrator)</source>
        <translation>Automatisch registrieren (als Administrator anmelden)</translation>
    </message>
    <message>
        <source>I&apos;ll register it myself</source>
        <translation>Ich registriere sie selbst</translation>
    </message>
    <message>
        <source>App registration</source>
        <translation>App-Registrierung</translation>
    </message>
    <message>
        <source>m365sync signs in to Microsoft 365 as an app that your tenant knows.</source>
        <translation>m365sync meldet sich bei Microsoft 365 als App an, die Ihr Mandant kennt.</translation>
    </message>
    <message>
        <source>In the Microsoft Entra admin center, open App registrations and choose New registration. Name it:</source>
        <translation>Öffnen Sie im Microsoft Entra Admin Center „App-Registrierungen“ und wählen Sie „Neue Registrierung“. Name:</translation>
    </message>
    <message>
        <source>Supported account types: this organizational directory only. No redirect URI is needed.</source>
        <translation>Unterstützte Kontotypen: nur dieses Organisationsverzeichnis. Ein Umleitungs-URI ist nicht nötig.</translation>
    </message>
    <message>
        <source>Under API permissions, add these Microsoft Graph application permissions, then grant admin consent:</source>
        <translation>Fügen Sie unter „API-Berechtigungen“ diese Microsoft-Graph-Anwendungsberechtigungen hinzu und erteilen Sie die Administratorzustimmung:</translation>
    </message>
    <message>
        <source>Optional: add Domain.ReadWrite.All as well if this wizard should verify your domain with Microsoft.</source>
        <translation>Optional: Fügen Sie auch Domain.ReadWrite.All hinzu, wenn dieser Assistent Ihre Domäne bei Microsoft bestätigen soll.</translation>
    </message>
    <message>
        <source>Copy the directory (tenant) ID and the application (client) ID from the Overview page into the fields below. The certificate comes on the next page.</source>
        <translation>Kopieren Sie die Verzeichnis-ID (Mandanten-ID) und die Anwendungs-ID (Client-ID) von der Übersichtsseite in die Felder unten. Das Zertifikat folgt auf der nächsten Seite.</translation>
    </message>
    <message>
        <source>Directory (tenant) ID:</source>
        <translation>Verzeichnis-ID (Mandant):</translation>
    </message>
    <message>
        <source>Application (client) ID:</source>
        <translation>Anwendungs-ID (Client):</translation>
    </message>
    <message>
        <source>GUID or domain, e.g. contoso.onmicrosoft.com</source>
        <translation>GUID oder Domäne, z. B. contoso.onmicrosoft.com</translation>
    </message>
    <message>
        <source>GUID</source>
        <translation>GUID</translation>
    </message>
    <message>
        <source>Sign in and register</source>
        <translation>Anmelden und registrieren</translation>
    </message>
    <message>
        <source>Cancel sign-in</source>
        <translation>Anmeldung abbrechen</translation>
    </message>
    <message>
        <source>Filled in after the sign-in</source>
        <translation>Wird nach der Anmeldung ausgefüllt</translation>
    </message>
    <message>
        <source>Filled in when the app is registered</source>
        <translation>Wird bei der Registrierung der App ausgefüllt</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>%1 — running…</source>
        <translation>%1 – läuft …</translation>
    </message>
    <message>
        <source>%1 — done</source>
        <translation>%1 – erledigt</translation>
    </message>
    <message>
        <source>%1 — failed</source>
        <translation>%1 – fehlgeschlagen</translation>
    </message>
    <message>
        <source>Sign in as a Global Administrator (or as an Application or Cloud Application Administrator who is also a Privileged Role Administrator). m365sync then registers itself as &quot;%1&quot; with the permissions it needs and grants admin consent; the certificate from the next page is added to it.</source>
        <translation>Melden Sie sich als Globaler Administrator an (oder als Anwendungs- oder Cloudanwendungsadministrator, der zugleich Administrator für privilegierte Rollen ist). m365sync registriert sich dann als „%1“ mit den nötigen Berechtigungen und erteilt die Administratorzustimmung; das Zertifikat von der nächsten Seite wird hinzugefügt.</translation>
    </message>
    <message>
        <source>Sign in with a code instead</source>
        <translation>Mit Gerätecode anmelden</translation>
    </message>
    <message>
        <source>For a machine without a browser: sign in on your phone or another computer.</source>
        <translation>Für einen Computer ohne Browser: Melden Sie sich auf Ihrem Smartphone oder einem anderen Computer an.</translation>
    </message>
    <message>
        <source>Copy sign-in link</source>
        <translation>Anmeldelink kopieren</translation>
    </message>
    <message>
        <source>Open this link in a browser where you can sign in as an administrator.</source>
        <translation>Öffnen Sie diesen Link in einem Browser, in dem Sie sich als Administrator anmelden können.</translation>
    </message>
    <message>
        <source>Remove the app from the tenant</source>
        <translation>App aus dem Mandanten entfernen</translation>
    </message>
    <message>
        <source>Code:</source>
        <translation>Code:</translation>
    </message>
    <message>
        <source>Sign-in page:</source>
        <translation>Anmeldeseite:</translation>
    </message>
    <message>
        <source>Remove the app</source>
        <translation>App entfernen</translation>
    </message>
    <message>
        <source>Remove the app %1 that this attempt created from your tenant? Try again would create it anew.</source>
        <translation>Die App %1, die dieser Versuch erstellt hat, aus Ihrem Mandanten entfernen? „Erneut versuchen“ würde sie neu erstellen.</translation>
    </message>
    <message>
        <source>%1 If no browser window opened, &lt;a href=&quot;%2&quot;&gt;open the sign-in page&lt;/a&gt;, copy the link to a browser elsewhere, or cancel and sign in with a code.</source>
        <translation>%1 Falls sich kein Browserfenster geöffnet hat, &lt;a href=&quot;%2&quot;&gt;öffnen Sie die Anmeldeseite&lt;/a&gt;, kopieren Sie den Link in einen Browser auf einem anderen Gerät oder brechen Sie ab und melden Sie sich mit einem Gerätecode an.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::RegistrationPageController</name>
    <message>
        <source>Enter the directory (tenant) ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47, or a verified domain such as contoso.onmicrosoft.com.</source>
        <translation>Geben Sie die Verzeichnis-ID (Mandanten-ID) ein, eine GUID wie 72f988bf-86f1-41af-91ab-2d7cd011db47, oder eine bestätigte Domäne wie contoso.onmicrosoft.com.</translation>
    </message>
    <message>
        <source>The application (client) ID is a GUID such as 4a1aa1d5-c567-49d0-ad0b-cd957a47f842; copy it from the app&apos;s Overview page.</source>
        <translation>Die Anwendungs-ID (Client-ID) ist eine GUID wie 4a1aa1d5-c567-49d0-ad0b-cd957a47f842; kopieren Sie sie von der Übersichtsseite der App.</translation>
    </message>
    <message>
        <source>Upload the certificate (on the next page)</source>
        <translation>Zertifikat hochladen (auf der nächsten Seite)</translation>
    </message>
    <message>
        <source>Waiting for you to sign in as an administrator in your browser…</source>
        <translation>Warten auf Ihre Anmeldung als Administrator im Browser …</translation>
    </message>
    <message>
        <source>Registering the app in your tenant…</source>
        <translation>App wird in Ihrem Mandanten registriert …</translation>
    </message>
    <message>
        <source>The app %1 is registered.</source>
        <translation>Die App %1 ist registriert.</translation>
    </message>
    <message>
        <source>The app %1 is registered (signed in as %2).</source>
        <translation>Die App %1 ist registriert (angemeldet als %2).</translation>
    </message>
    <message>
        <source>The sign-in was cancelled. Choose Try again, or register the app yourself.</source>
        <translation>Die Anmeldung wurde abgebrochen. Wählen Sie „Erneut versuchen“ oder registrieren Sie die App selbst.</translation>
    </message>
    <message>
        <source>The sign-in was not finished in the browser in time. If the browser showed an error (for example a wrong password) or was closed, choose Try again, or register the app yourself.</source>
        <translation>Die Anmeldung wurde im Browser nicht rechtzeitig abgeschlossen. Wenn der Browser einen Fehler angezeigt hat (zum Beispiel ein falsches Passwort) oder geschlossen wurde, wählen Sie „Erneut versuchen“ oder registrieren Sie die App selbst.</translation>
    </message>
    <message>
        <source>%1 Choose Try again, or register the app yourself.</source>
        <translation>%1 Wählen Sie „Erneut versuchen“ oder registrieren Sie die App selbst.</translation>
    </message>
    <message>
        <source>The registration was cancelled. Choose Try again, or register the app yourself.</source>
        <translation>Die Registrierung wurde abgebrochen. Wählen Sie „Erneut versuchen“ oder registrieren Sie die App selbst.</translation>
    </message>
    <message>
        <source>Sign in as an administrator</source>
        <translation>Als Administrator anmelden</translation>
    </message>
    <message>
        <source>On any device with a browser, open %1 and enter the code below, then sign in as an administrator. This page goes on by itself.</source>
        <translation>Öffnen Sie auf einem beliebigen Gerät mit Browser %1, geben Sie den Code unten ein und melden Sie sich dann als Administrator an. Danach geht es hier von selbst weiter.</translation>
    </message>
    <message>
        <source>Removing the app from your tenant…</source>
        <translation>App wird aus Ihrem Mandanten entfernt …</translation>
    </message>
    <message>
        <source>The app %1 was created in your tenant, but not finished. Try again to finish it, or remove it.</source>
        <translation>Die App %1 wurde in Ihrem Mandanten erstellt, aber nicht fertig eingerichtet. Wählen Sie „Erneut versuchen“, um sie fertigzustellen, oder entfernen Sie sie.</translation>
    </message>
    <message>
        <source>The app could not be removed: %1 Remove it in the Microsoft Entra admin center under App registrations, or try again.</source>
        <translation>Die App konnte nicht entfernt werden: %1 Entfernen Sie sie im Microsoft Entra Admin Center unter „App-Registrierungen“ oder versuchen Sie es erneut.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::RequestLogModel</name>
    <message>
        <source>%1 (attempt %2)</source>
        <translation>%1 (Versuch %2)</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>keine Antwort</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Request id</source>
        <translation>Anfrage-ID</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
</context>
<context>
    <name>M365::Ui::SaveProfileJob</name>
    <message>
        <source>No keychain is configured.</source>
        <translation>Es ist kein Schlüsselbund eingerichtet.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::SettingsTab</name>
    <message>
        <source>Sync</source>
        <translation>Synchronisieren</translation>
    </message>
    <message>
        <source>Anonymize</source>
        <translation>Anonymisieren</translation>
    </message>
    <message>
        <source>Fixed value</source>
        <translation>Fester Wert</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>Create security groups for the directory&apos;s groups</source>
        <translation>Sicherheitsgruppen für die Gruppen des Verzeichnisses erstellen</translation>
    </message>
    <message>
        <source>Adopt existing cloud users with the same user name (soft match)</source>
        <translation>Vorhandene Cloud-Benutzer mit gleichem Benutzernamen übernehmen (weiche Übereinstimmung)</translation>
    </message>
    <message>
        <source>Delete, rather than disable, users who leave the scope</source>
        <translation>Benutzer, die den Bereich verlassen, löschen statt deaktivieren</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Directory attribute</source>
        <translation>Verzeichnisattribut</translation>
    </message>
    <message>
        <source>Microsoft 365 property</source>
        <translation>Microsoft-365-Eigenschaft</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Add rule</source>
        <translation>Regel hinzufügen</translation>
    </message>
    <message>
        <source>Remove rule</source>
        <translation>Regel entfernen</translation>
    </message>
    <message>
        <source>e.g. DE</source>
        <translation>z. B. DE</translation>
    </message>
    <message>
        <source>Attribute rules</source>
        <translation>Attributregeln</translation>
    </message>
    <message>
        <source>User name template:</source>
        <translation>Benutzernamenvorlage:</translation>
    </message>
    <message>
        <source>Default usage location:</source>
        <translation>Standard-Nutzungsstandort:</translation>
    </message>
    <message>
        <source>LDAP filter, e.g. (departmentNumber=Sales); empty: everyone</source>
        <translation>LDAP-Filter, z. B. (departmentNumber=Sales); leer: alle</translation>
    </message>
    <message>
        <source>Group DNs or anchors, separated by &quot;;&quot;; empty: no group condition</source>
        <translation>Gruppen-DNs oder -Anker, durch „;“ getrennt; leer: keine Gruppenbedingung</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <source>Users matching:</source>
        <translation>Benutzer passend zu:</translation>
    </message>
    <message>
        <source>Members of:</source>
        <translation>Mitglieder von:</translation>
    </message>
    <message>
        <source>Prefix for disabled users:</source>
        <translation>Präfix für deaktivierte Benutzer:</translation>
    </message>
    <message>
        <source>Default (10 % of managed objects, at most 500)</source>
        <translation>Standard (10 % der verwalteten Objekte, höchstens 500)</translation>
    </message>
    <message>
        <source>At most a number of objects</source>
        <translation>Höchstens eine Anzahl von Objekten</translation>
    </message>
    <message>
        <source>At most a share of managed objects</source>
        <translation>Höchstens ein Anteil der verwalteten Objekte</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Deletion guard</source>
        <translation>Löschschutz</translation>
    </message>
    <message>
        <source>A sync that would disable, delete or unlicense more objects than this asks for confirmation first.</source>
        <translation>Eine Synchronisation, die mehr Objekte als hier angegeben deaktivieren, löschen oder ihnen Lizenzen entziehen würde, fragt zuerst nach einer Bestätigung.</translation>
    </message>
    <message>
        <source>Limit:</source>
        <translation>Grenzwert:</translation>
    </message>
    <message>
        <source>Objects:</source>
        <translation>Objekte:</translation>
    </message>
    <message>
        <source>Share:</source>
        <translation>Anteil:</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Synchronize automatically</source>
        <translation>Automatisch synchronisieren</translation>
    </message>
    <message>
        <source>Every hour</source>
        <translation>Stündlich</translation>
    </message>
    <message>
        <source>Every 4 hours</source>
        <translation>Alle 4 Stunden</translation>
    </message>
    <message>
        <source>Daily</source>
        <translation>Täglich</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Zeitplan</translation>
    </message>
    <message>
        <source>Run:</source>
        <translation>Ausführung:</translation>
    </message>
    <message>
        <source>At:</source>
        <translation>Um:</translation>
    </message>
    <message>
        <source>Check the tenant for changes every:</source>
        <translation>Prüfintervall für Änderungen im Mandanten:</translation>
    </message>
    <message>
        <source>Save the settings to the profile and update the preview</source>
        <translation>Einstellungen im Profil speichern und die Vorschau aktualisieren</translation>
    </message>
    <message>
        <source>Rule %1 names no Microsoft 365 property.</source>
        <translation>Regel %1 nennt keine Microsoft-365-Eigenschaft.</translation>
    </message>
    <message>
        <source>Rule %1 (%2) names no directory attribute to sync from.</source>
        <translation>Regel %1 (%2) nennt kein Verzeichnisattribut, aus dem synchronisiert wird.</translation>
    </message>
    <message>
        <source>a Windows Task Scheduler task</source>
        <translation>eine Aufgabe der Windows-Aufgabenplanung</translation>
    </message>
    <message>
        <source>a systemd user timer</source>
        <translation>einen systemd-Benutzer-Timer</translation>
    </message>
    <message>
        <source>Runs &quot;m365sync-cli sync --yes&quot; for this profile from %1, also when the app is closed. The deletion guard still stops a run that would remove too much.</source>
        <translation>Führt „m365sync-cli sync --yes“ für dieses Profil über %1 aus, auch wenn die App geschlossen ist. Der Löschschutz hält weiterhin jeden Lauf an, der zu viel entfernen würde.</translation>
    </message>
    <message>
        <source>Include again</source>
        <translation>Wieder aufnehmen</translation>
    </message>
    <message>
        <source>Synchronize the selected objects again from the next plan on</source>
        <translation>Die ausgewählten Objekte ab dem nächsten Plan wieder synchronisieren</translation>
    </message>
    <message>
        <source>Objects whose changes were unchecked when a sync started. No sync changes them, also not the scheduled one, until you include them again.</source>
        <translation>Objekte, deren Änderungen beim Start einer Synchronisation abgewählt waren. Keine Synchronisation ändert sie, auch nicht die geplante, bis Sie sie wieder aufnehmen.</translation>
    </message>
    <message>
        <source>Exclusions</source>
        <translation>Ausschlüsse</translation>
    </message>
    <message>
        <source>group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>user</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>%1 (%2, since %3)</source>
        <translation>%1 (%2, seit %3)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>None: every object in scope is synchronized.</source>
        <translation>Keine: Jedes Objekt im Bereich wird synchronisiert.</translation>
    </message>
    <message>
        <source>e.g. corp.local=contoso.com; empty: user names keep their suffix</source>
        <translation>z. B. corp.local=contoso.com; leer: Benutzernamen behalten ihr Suffix</translation>
    </message>
    <message>
        <source>User name suffixes that Microsoft 365 cannot verify, such as an Active Directory&apos;s corp.local, each with the verified domain that replaces it, separated by &quot;;&quot;</source>
        <translation>Benutzernamen-Suffixe, die Microsoft 365 nicht verifizieren kann, etwa corp.local eines Active Directory, jeweils mit der verifizierten Domäne, die es ersetzt, durch „;“ getrennt</translation>
    </message>
    <message>
        <source>Rewrite suffixes:</source>
        <translation>Suffixe umschreiben:</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a suffix rewrite: write it as corp.local=contoso.com.</source>
        <translation>„%1“ ist keine Suffix-Umschreibung: Schreiben Sie es als corp.local=contoso.com.</translation>
    </message>
    <message>
        <source>The directory settings cannot change while a sync runs. Apply them when it is done.</source>
        <translation>Die Verzeichniseinstellungen können nicht geändert werden, während eine Synchronisation läuft. Übernehmen Sie sie, wenn sie fertig ist.</translation>
    </message>
    <message>
        <source>LDAP filter, e.g. (cn=M365-*); empty: every group read</source>
        <translation>LDAP-Filter, z. B. (cn=M365-*); leer: jede gelesene Gruppe</translation>
    </message>
    <message>
        <source>Groups matching:</source>
        <translation>Gruppen passend zu:</translation>
    </message>
    <message>
        <source>Which of the directory&apos;s groups become groups in Microsoft 365; which containers they are read from is chosen under Directory</source>
        <translation>Welche Gruppen des Verzeichnisses in Microsoft 365 zu Gruppen werden; aus welchen Containern sie gelesen werden, wählen Sie unter „Verzeichnis“</translation>
    </message>
    <message>
        <source>What Microsoft Graph lets this app write</source>
        <translation>Was Microsoft Graph diese App schreiben lässt</translation>
    </message>
    <message>
        <source>Chosen on the Licences tab, which lists the tenant&apos;s subscriptions and their seats.</source>
        <translation>Auf der Registerkarte „Lizenzen“ gewählt, die die Abonnements des Mandanten und ihre Lizenzen auflistet.</translation>
    </message>
    <message>
        <source>Licences:</source>
        <translation>Lizenzen:</translation>
    </message>
    <message>
        <source>Written</source>
        <translation>Geschrieben</translation>
    </message>
    <message>
        <source>Why not, and what instead</source>
        <translation>Warum nicht, und was stattdessen</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <source>Rule %1 (%2): %3</source>
        <translation>Regel %1 (%2): %3</translation>
    </message>
</context>
<context>
    <name>M365::Ui::SummaryPage</name>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Check what m365sync will use. Finish saves the connection; the secrets go to the keychain.</source>
        <translation>Prüfen Sie, was m365sync verwenden wird. „Abschließen“ speichert die Verbindung; die Geheimnisse kommen in den Schlüsselbund.</translation>
    </message>
    <message>
        <source>Connection name:</source>
        <translation>Name der Verbindung:</translation>
    </message>
    <message>
        <source>The name of a connection stays: its history and sync state are kept under it.</source>
        <translation>Der Name einer Verbindung bleibt: Ihr Verlauf und ihr Synchronisationsstand sind unter ihm gespeichert.</translation>
    </message>
</context>
<context>
    <name>M365::Ui::SummaryPageController</name>
    <message>
        <source>Use 1 to 64 letters, digits, &apos;-&apos;, &apos;_&apos; or &apos;.&apos;, not starting with &apos;.&apos;.</source>
        <translation>Verwenden Sie 1 bis 64 Buchstaben, Ziffern, &apos;-&apos;, &apos;_&apos; oder &apos;.&apos;, nicht mit &apos;.&apos; am Anfang.</translation>
    </message>
    <message>
        <source>A connection named &quot;%1&quot; exists already. Choose another name.</source>
        <translation>Eine Verbindung namens „%1“ gibt es schon. Wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>Tenant:</source>
        <translation>Mandant:</translation>
    </message>
    <message>
        <source>Sandbox tenant %1</source>
        <translation>Sandbox-Mandant %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <source>Application (client) ID:</source>
        <translation>Anwendungs-ID (Client):</translation>
    </message>
    <message>
        <source>Credential:</source>
        <translation>Anmeldeinformationen:</translation>
    </message>
    <message>
        <source>Certificate %1, valid until %2</source>
        <translation>Zertifikat %1, gültig bis %2</translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation>Geheimer Clientschlüssel</translation>
    </message>
    <message>
        <source>Permissions:</source>
        <translation>Berechtigungen:</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation>Nicht geprüft</translation>
    </message>
    <message>
        <source>User name domain:</source>
        <translation>Domäne der Benutzernamen:</translation>
    </message>
    <message>
        <source>Directory:</source>
        <translation>Verzeichnis:</translation>
    </message>
    <message>
        <source>Secrets:</source>
        <translation>Geheimnisse:</translation>
    </message>
    <message>
        <source>Kept in the system keychain</source>
        <translation>Im Schlüsselbund des Systems aufbewahrt</translation>
    </message>
    <message>
        <source>User names:</source>
        <translation>Benutzernamen:</translation>
    </message>
    <message>
        <source>Attributes:</source>
        <translation>Attribute:</translation>
    </message>
    <message>
        <source>%1 synchronised, %2 anonymized, %3 static, %4 never</source>
        <translation>%1 synchronisiert, %2 anonymisiert, %3 statisch, %4 nie</translation>
    </message>
    <message>
        <source>Usage location:</source>
        <translation>Nutzungsstandort:</translation>
    </message>
    <message>
        <source>Only from the directory&apos;s country</source>
        <translation>Nur aus dem Land im Verzeichnis</translation>
    </message>
    <message>
        <source>%1 unless the directory has a country</source>
        <translation>%1, sofern das Verzeichnis kein Land enthält</translation>
    </message>
    <message>
        <source>Scope:</source>
        <translation>Bereich:</translation>
    </message>
    <message>
        <source>Every user in the directory</source>
        <translation>Alle Benutzer im Verzeichnis</translation>
    </message>
    <message>
        <source>CSV columns:</source>
        <translation>CSV-Spalten:</translation>
    </message>
    <message>
        <source>%1 of %2 used, key: %3 (%4)</source>
        <translation>%1 von %2 verwendet, Schlüssel: %3 (%4)</translation>
    </message>
</context>
<context>
    <name>M365::Ui::WelcomePage</name>
    <message>
        <source>Sandbox tenant (offline, for trying it out)</source>
        <translation>Sandbox-Mandant (offline, zum Ausprobieren)</translation>
    </message>
    <message>
        <source>Microsoft 365 tenant</source>
        <translation>Microsoft-365-Mandant</translation>
    </message>
    <message>
        <source>Welcome to m365sync</source>
        <translation>Willkommen bei m365sync</translation>
    </message>
    <message>
        <source>This wizard connects m365sync to a Microsoft 365 tenant and to your directory. It checks each step and says exactly what is wrong.</source>
        <translation>Dieser Assistent verbindet m365sync mit einem Microsoft-365-Mandanten und mit Ihrem Verzeichnis. Er prüft jeden Schritt und sagt genau, was nicht stimmt.</translation>
    </message>
    <message>
        <source>You will:
1. Register an app for m365sync in Microsoft Entra ID.
2. Give it a certificate to sign in with.
3. Check that it has the permissions it needs.
4. Choose and verify the domain for user names.
5. Point m365sync at your directory (LDAP, LDIF or CSV).</source>
        <translation>Sie werden:
1. eine App für m365sync in Microsoft Entra ID registrieren,
2. ihr ein Zertifikat für die Anmeldung geben,
3. prüfen, ob sie die nötigen Berechtigungen hat,
4. die Domäne für Benutzernamen wählen und bestätigen,
5. m365sync mit Ihrem Verzeichnis verbinden (LDAP, LDIF oder CSV).</translation>
    </message>
    <message>
        <source>The sandbox is a tenant that runs inside m365sync, seeded with demo users. Nothing leaves your computer.</source>
        <translation>Die Sandbox ist ein Mandant, der in m365sync läuft und mit Demo-Benutzern gefüllt ist. Nichts verlässt Ihren Computer.</translation>
    </message>
    <message>
        <source>Cloud:</source>
        <translation>Cloud:</translation>
    </message>
    <message>
        <source>Where should m365sync connect to?</source>
        <translation>Womit soll sich m365sync verbinden?</translation>
    </message>
</context>
<context>
    <name>M365::Ui::WelcomePageController</name>
    <message>
        <source>The sandbox tenant could not start: %1</source>
        <translation>Der Sandbox-Mandant konnte nicht starten: %1</translation>
    </message>
</context>
<context>
    <name>ProfileStore</name>
    <message>
        <source>&quot;%1&quot; is not a valid profile name: use 1 to 64 letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;, not starting with &apos;.&apos;.</source>
        <translation>„%1“ ist kein gültiger Profilname: Verwenden Sie 1 bis 64 Buchstaben, Ziffern, &apos;-&apos;, &apos;_&apos; und &apos;.&apos;, nicht mit &apos;.&apos; am Anfang.</translation>
    </message>
</context>
</TS>
