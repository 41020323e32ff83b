#!/usr/bin/env python3
"""Writes the test fixture exchange2016.config (and its UTF-16LE copy): an
applicationHost.config shaped like an Exchange 2016 server's, with the
application pools, the two sites and their applications, a long
system.webServer, dozens of <location> blocks, comments, CRLF line endings
and one hand-edited line (single quotes, a tab). Run it from this directory;
the files are committed, the script says how they were made."""

NL = "\r\n"
I = "    "

POOLS = [
    "DefaultAppPool", "MSExchangeAutodiscoverAppPool", "MSExchangeECPAppPool",
    "MSExchangeMapiFrontEndAppPool", "MSExchangeOABAppPool", "MSExchangeOWAAppPool",
    "MSExchangeOWACalendarAppPool", "MSExchangePowerShellFrontEndAppPool",
    "MSExchangeRestFrontEndAppPool", "MSExchangeRpcProxyFrontEndAppPool",
    "MSExchangeServicesAppPool", "MSExchangeSyncAppPool", "MSExchangeAutodiscoverBEAppPool",
    "MSExchangeECPBEAppPool", "MSExchangeMapiAddressBookAppPool", "MSExchangeMapiMailboxAppPool",
    "MSExchangeOABBEAppPool", "MSExchangeOWABEAppPool", "MSExchangeOWACalendarBEAppPool",
    "MSExchangePowerShellAppPool", "MSExchangePushNotificationsAppPool", "MSExchangeRestAppPool",
    "MSExchangeRpcProxyAppPool", "MSExchangeServicesBEAppPool", "MSExchangeSyncBEAppPool",
]

FRONT = [  # path, pool, sslFlags
    ("/", "DefaultAppPool", None),
    ("/owa", "MSExchangeOWAAppPool", "Ssl, Ssl128"),
    ("/owa/Calendar", "MSExchangeOWACalendarAppPool", "Ssl, Ssl128"),
    ("/owa/Integrated", "MSExchangeOWAAppPool", "Ssl, Ssl128"),
    ("/owa/oma", "MSExchangeOWAAppPool", "Ssl, Ssl128"),
    ("/ecp", "MSExchangeECPAppPool", "Ssl, Ssl128"),
    ("/ecp/ReportingWebService", "MSExchangeECPAppPool", "Ssl, Ssl128"),
    ("/EWS", "MSExchangeServicesAppPool", "Ssl, Ssl128"),
    ("/Microsoft-Server-ActiveSync", "MSExchangeSyncAppPool", "Ssl, Ssl128"),
    ("/Microsoft-Server-ActiveSync/Proxy", "MSExchangeSyncAppPool", "Ssl, Ssl128"),
    ("/OAB", "MSExchangeOABAppPool", "Ssl, Ssl128"),
    ("/mapi", "MSExchangeMapiFrontEndAppPool", "Ssl, Ssl128"),
    ("/Rpc", "MSExchangeRpcProxyFrontEndAppPool", None),
    ("/Autodiscover", "MSExchangeAutodiscoverAppPool", "Ssl, Ssl128"),
    ("/PowerShell", "MSExchangePowerShellFrontEndAppPool", None),
    ("/API", "MSExchangeRestFrontEndAppPool", "Ssl, Ssl128"),
]
BACK = [
    ("/", "DefaultAppPool", None),
    ("/owa", "MSExchangeOWABEAppPool", "Ssl, Ssl128"),
    ("/owa/Calendar", "MSExchangeOWACalendarBEAppPool", "Ssl, Ssl128"),
    ("/ecp", "MSExchangeECPBEAppPool", "Ssl, Ssl128"),
    ("/EWS", "MSExchangeServicesBEAppPool", "Ssl, Ssl128"),
    ("/Microsoft-Server-ActiveSync", "MSExchangeSyncBEAppPool", "Ssl, Ssl128"),
    ("/OAB", "MSExchangeOABBEAppPool", "Ssl, Ssl128"),
    ("/mapi/emsmdb", "MSExchangeMapiMailboxAppPool", "Ssl, Ssl128"),
    ("/mapi/nspi", "MSExchangeMapiAddressBookAppPool", "Ssl, Ssl128"),
    ("/Rpc", "MSExchangeRpcProxyAppPool", "Ssl, Ssl128"),
    ("/RpcWithCert", "MSExchangeRpcProxyAppPool", "Ssl, SslNegotiateCert, Ssl128"),
    ("/Autodiscover", "MSExchangeAutodiscoverBEAppPool", "Ssl, Ssl128"),
    ("/PowerShell", "MSExchangePowerShellAppPool", "Ssl, SslNegotiateCert, Ssl128"),
    ("/PushNotifications", "MSExchangePushNotificationsAppPool", "Ssl, Ssl128"),
    ("/API", "MSExchangeRestAppPool", "Ssl, Ssl128"),
]

SECTIONS = ["access", "applicationDependencies", "authentication", "anonymousAuthentication",
            "basicAuthentication", "clientCertificateMappingAuthentication", "digestAuthentication",
            "iisClientCertificateMappingAuthentication", "windowsAuthentication", "authorization",
            "ipSecurity", "isapiCgiRestriction", "requestFiltering", "asp", "caching", "cgi",
            "defaultDocument", "directoryBrowse", "globalModules", "handlers", "httpCompression",
            "httpErrors", "httpLogging", "httpProtocol", "httpRedirect", "httpTracing",
            "isapiFilters", "modules", "odbcLogging", "serverRuntime", "serverSideInclude",
            "staticContent", "urlCompression", "validation", "webdav", "webSocket"]

MODULES = ["HttpCacheModule", "StaticCompressionModule", "DynamicCompressionModule",
           "DefaultDocumentModule", "DirectoryListingModule", "IsapiFilterModule",
           "ProtocolSupportModule", "StaticFileModule", "AnonymousAuthenticationModule",
           "CertificateMappingAuthenticationModule", "UriCacheModule", "BasicAuthenticationModule",
           "WindowsAuthenticationModule", "DigestAuthenticationModule",
           "IISCertificateMappingAuthenticationModule", "UrlAuthorizationModule",
           "IsapiModule", "HttpLoggingModule", "CustomLoggingModule", "RequestFilteringModule",
           "CustomErrorModule", "HttpRedirectionModule", "ConfigurationValidationModule",
           "ApplicationInitializationModule", "WebSocketModule", "Exppw", "ClientAccessModule",
           "ProxyModule", "BackendRehydrationModule", "RewriteModule"]


def out(lines, depth, text):
    lines.append(I * depth + text)


def build():
    L = []
    L.append('<?xml version="1.0" encoding="UTF-8"?>')
    L.append("<!--")
    L.append("")
    L.append(I + "IIS configuration sections.")
    L.append("")
    L.append(I + "For schema documentation, see")
    L.append(I + "%windir%\\system32\\inetsrv\\config\\schema\\IIS_schema.xml.")
    L.append("")
    L.append(I + "Please make a backup of this file before making any changes to it.")
    L.append("")
    L.append("-->")
    L.append("")
    L.append("<configuration>")
    L.append("")
    out(L, 1, "<!--")
    out(L, 2, "The <configSections> section controls the registration of sections.")
    out(L, 2, "Section is the basic unit of deployment, locking, searching and")
    out(L, 2, "containment for configuration settings.")
    out(L, 1, "-->")
    out(L, 1, "<configSections>")
    out(L, 2, '<sectionGroup name="system.applicationHost">')
    for s in ["applicationPools", "configHistory", "customMetadata", "listenerAdapters", "log",
              "serviceAutoStartProviders", "sites", "webLimits"]:
        out(L, 3, f'<section name="{s}" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />')
    out(L, 2, "</sectionGroup>")
    out(L, 2, '<sectionGroup name="system.webServer">')
    for s in SECTIONS:
        mode = "Deny" if s in ("access", "authentication", "handlers", "modules") else "Allow"
        out(L, 3, f'<section name="{s}" overrideModeDefault="{mode}" />')
    out(L, 2, "</sectionGroup>")
    out(L, 1, "</configSections>")
    L.append("")
    out(L, 1, "<system.applicationHost>")
    out(L, 2, "<applicationPools>")
    for p in POOLS:
        out(L, 3, f'<add name="{p}" autoStart="true" managedRuntimeVersion="v4.0" managedPipelineMode="Integrated">')
        out(L, 4, '<processModel identityType="LocalSystem" idleTimeout="00:00:00" />')
        out(L, 4, '<recycling>')
        out(L, 5, '<periodicRestart time="00:00:00" />')
        out(L, 4, '</recycling>')
        out(L, 3, "</add>")
    out(L, 3, '<applicationPoolDefaults managedRuntimeVersion="v4.0">')
    out(L, 4, '<processModel identityType="ApplicationPoolIdentity" loadUserProfile="true" setProfileEnvironment="false" />')
    out(L, 3, "</applicationPoolDefaults>")
    out(L, 2, "</applicationPools>")
    out(L, 2, "<!-- Sites: the front end on 80/443, the back end on 81/444. -->")
    out(L, 2, "<sites>")
    for sid, name, apps, binds in [
        (1, "Default Web Site", FRONT,
         [("http", "*:80:"), ("https", "*:443:"), ("https", "*:443:mail.contoso.com"),
          ("http", "*:80:autodiscover.contoso.com"), ("net.tcp", "808:*")]),
        (2, "Exchange Back End", BACK, [("http", "*:81:"), ("https", "*:444:")]),
    ]:
        out(L, 3, f'<site name="{name}" id="{sid}" serverAutoStart="true">')
        for path, pool, _ in apps:
            phys = "%SystemDrive%\\inetpub\\wwwroot" if path == "/" else \
                "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy" + path.replace("/", "\\")
            out(L, 4, f'<application path="{path}" applicationPool="{pool}">')
            out(L, 5, f'<virtualDirectory path="/" physicalPath="{phys}" />')
            if path == "/":
                out(L, 5, '<virtualDirectory path="/aspnet_client" physicalPath="C:\\inetpub\\wwwroot\\aspnet_client" />')
            out(L, 4, "</application>")
        out(L, 4, "<bindings>")
        for proto, info in binds:
            out(L, 5, f'<binding protocol="{proto}" bindingInformation="{info}" />')
        out(L, 4, "</bindings>")
        out(L, 4, '<logFile directory="%SystemDrive%\\inetpub\\logs\\LogFiles" />')
        out(L, 3, "</site>")
    out(L, 3, '<siteDefaults>')
    out(L, 4, '<logFile logFormat="W3C" directory="%SystemDrive%\\inetpub\\logs\\LogFiles" />')
    out(L, 4, '<traceFailedRequestsLogging directory="%SystemDrive%\\inetpub\\logs\\FailedReqLogFiles" />')
    out(L, 3, '</siteDefaults>')
    out(L, 3, '<applicationDefaults applicationPool="DefaultAppPool" />')
    out(L, 3, '<virtualDirectoryDefaults allowSubDirConfig="true" />')
    out(L, 2, "</sites>")
    out(L, 1, "</system.applicationHost>")
    L.append("")
    out(L, 1, "<system.webServer>")
    out(L, 2, '<asp />')
    out(L, 2, '<caching enabled="true" enableKernelCache="true" />')
    out(L, 2, "<globalModules>")
    for m in MODULES:
        out(L, 3, f'<add name="{m}" image="%windir%\\System32\\inetsrv\\{m.lower()}.dll" />')
    out(L, 2, "</globalModules>")
    out(L, 2, "<handlers accessPolicy=\"Read, Script\">")
    for i in range(60):
        out(L, 3, f'<add name="Handler{i:02d}-Integrated-4.0" path="*.x{i:02d}" verb="GET,HEAD,POST,DEBUG" type="System.Web.UI.PageHandlerFactory" preCondition="integratedMode,runtimeVersionv4.0" />')
    out(L, 2, "</handlers>")
    out(L, 2, "<modules>")
    for m in MODULES:
        out(L, 3, f'<add name="{m}" lockItem="true" />')
    out(L, 2, "</modules>")
    out(L, 2, "<security>")
    out(L, 3, '<access sslFlags="None" />')
    out(L, 3, "<authentication>")
    out(L, 4, '<anonymousAuthentication enabled="true" userName="IUSR" />')
    out(L, 4, '<basicAuthentication />')
    out(L, 4, '<windowsAuthentication>')
    out(L, 5, "<providers>")
    out(L, 6, '<add value="Negotiate" />')
    out(L, 6, '<add value="NTLM" />')
    out(L, 5, "</providers>")
    out(L, 4, "</windowsAuthentication>")
    out(L, 3, "</authentication>")
    out(L, 2, "</security>")
    out(L, 1, "</system.webServer>")
    # Locations
    for site, apps in (("Default Web Site", FRONT), ("Exchange Back End", BACK)):
        for path, _, flags in apps:
            loc = site if path == "/" else site + path
            out(L, 1, f'<location path="{loc}">')
            out(L, 2, "<system.webServer>")
            out(L, 3, "<security>")
            if flags:
                out(L, 4, f'<access sslFlags="{flags}" />')
            out(L, 4, "<authentication>")
            out(L, 5, '<anonymousAuthentication enabled="false" />')
            out(L, 5, '<basicAuthentication enabled="true" />')
            out(L, 5, '<windowsAuthentication enabled="true" useKernelMode="false">')
            out(L, 6, "<extendedProtection tokenChecking=\"None\" />")
            out(L, 5, "</windowsAuthentication>")
            out(L, 4, "</authentication>")
            out(L, 3, "</security>")
            if site == "Default Web Site" and path == "/":
                out(L, 3, '<httpRedirect enabled="false" />')
            out(L, 2, "</system.webServer>")
            out(L, 1, "</location>")
    # Locations that are not applications: folders Exchange configures.
    for extra in ["Default Web Site/owa/auth", "Default Web Site/ecp/auth",
                  "Exchange Back End/owa/auth", "Default Web Site/EWS/bin",
                  "Exchange Back End/EWS/bin", "Default Web Site/aspnet_client"]:
        out(L, 1, f'<location path="{extra}">')
        out(L, 2, "<system.webServer>")
        out(L, 3, '<directoryBrowse enabled="false" />')
        out(L, 2, "</system.webServer>")
        out(L, 1, "</location>")
    # A hand-edited block: single quotes and a tab, as admins leave them.
    L.append("\t<location path='Default Web Site/owa/oma'>")
    out(L, 2, "<system.webServer>")
    out(L, 3, "<security>")
    out(L, 4, "<access sslFlags='Ssl, Ssl128' />")
    out(L, 3, "</security>")
    out(L, 2, "</system.webServer>")
    out(L, 1, "</location>")
    L.append("</configuration>")
    L.append("")
    return NL.join(L)


if __name__ == "__main__":
    text = build()
    # The hand-edited block stands for /owa/oma: the generated one would set
    # the same section twice, which IIS refuses, so it goes.
    gen = ('    <location path="Default Web Site/owa/oma">' + NL + '        <system.webServer>' + NL +
           '            <security>' + NL + '                <access sslFlags="Ssl, Ssl128" />' + NL)
    start = text.index(gen)
    end = text.index("</location>" + NL, start) + len("</location>" + NL)
    text = text[:start] + text[end:]
    with open("exchange2016.config", "wb") as f:
        f.write(text.encode("utf-8"))
    with open("exchange2016-utf16.config", "wb") as f:
        f.write(b"\xff\xfe" + text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le"))
    print(len(text), "characters")
