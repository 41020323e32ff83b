#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Writes the applicationHost.config test fixtures from the table of what
each Exchange version ships (lib/exchange_defaults.def, which the library
reads too):

  exchangeVERSION.config  an unmodified server of 2007, 2010, 2013, 2016,
                          2019 (before CU14: Extended Protection off) and
                          SE (Extended Protection on, as Setup leaves it)
  exchange2016-utf16.config   exchange2016.config in UTF-16LE with a BOM
  variants (see VARIANTS): Extended Protection on (2019 CU14+), Microsoft's
  http->https redirect recipe, "Configuring SSL offloading in Exchange 2013"
  applied in full and in part, and the mistakes admins make.

Each file has the application pools, the sites and their applications, a
long system.webServer, a <location> per application, comments, CRLF line
endings and (2013 and later) one hand-edited block for owa/oma (single
quotes, a tab). The files are
committed; tests/exchange-fixtures.sh runs this script into a scratch
directory and fails if any file differs, so the table and the fixtures
cannot drift apart. Run it from this directory, or give the output
directory as its argument."""

import os
import re
import sys

NL = "\r\n"
I = "    "
HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "..", "..", "..", "lib", "exchange_defaults.def")
VERSIONS = [2007, 2010, 2013, 2016, 2019, 2025]  # 2025: Exchange SE
NAME = {2025: "SE"}
WORDS = {"NONE": [], "SSL": ["Ssl"], "NEGCERT": ["SslNegotiateCert"], "SSL128": ["Ssl128"]}
ORDER = ["Ssl", "SslNegotiateCert", "Ssl128"]  # IIS's own order


def read_table():
    rows = []
    pat = re.compile(r'^XD\((FRONT|BACK), "([^"]*)", (\w+), (\d+), (\d+), ([A-Z0-9 |]+), (\w+)\)$')
    with open(TABLE) as f:
        for line in f:
            m = pat.match(line.strip())
            if not m:
                if line.startswith("XD("):
                    sys.exit("gen-exchange.py: cannot read table line: " + line)
                continue
            site, path, kind, first, last, flags, form = m.groups()
            if flags.strip() == "INHERIT":
                text = None
            else:
                words = [w for t in flags.split("|") for w in WORDS[t.strip()]]
                text = ", ".join(sorted(words, key=ORDER.index)) or "None"
            rows.append(dict(site=site, path=path, kind=kind, first=int(first), last=int(last),
                             flags=text, form=form))
    return rows


POOL = {  # the application pool Exchange gives each application
    ("FRONT", "/"): "DefaultAppPool", ("BACK", "/"): "DefaultAppPool",
    ("FRONT", "/owa"): "MSExchangeOWAAppPool", ("FRONT", "/owa/Calendar"): "MSExchangeOWACalendarAppPool",
    ("FRONT", "/owa/Integrated"): "MSExchangeOWAAppPool", ("FRONT", "/owa/oma"): "MSExchangeOWAAppPool",
    ("FRONT", "/ecp"): "MSExchangeECPAppPool", ("FRONT", "/EWS"): "MSExchangeServicesAppPool",
    ("FRONT", "/Microsoft-Server-ActiveSync"): "MSExchangeSyncAppPool",
    ("FRONT", "/OAB"): "MSExchangeOABAppPool", ("FRONT", "/mapi"): "MSExchangeMapiFrontEndAppPool",
    ("FRONT", "/Rpc"): "MSExchangeRpcProxyFrontEndAppPool", ("FRONT", "/RpcWithCert"): "MSExchangeRpcProxyFrontEndAppPool",
    ("FRONT", "/Autodiscover"): "MSExchangeAutodiscoverAppPool",
    ("FRONT", "/PowerShell"): "MSExchangePowerShellFrontEndAppPool", ("FRONT", "/API"): "MSExchangeRestFrontEndAppPool",
    ("BACK", "/owa"): "MSExchangeOWABEAppPool", ("BACK", "/owa/Calendar"): "MSExchangeOWACalendarBEAppPool",
    ("BACK", "/ecp"): "MSExchangeECPBEAppPool", ("BACK", "/EWS"): "MSExchangeServicesBEAppPool",
    ("BACK", "/Microsoft-Server-ActiveSync"): "MSExchangeSyncBEAppPool", ("BACK", "/OAB"): "MSExchangeOABBEAppPool",
    ("BACK", "/mapi/emsmdb"): "MSExchangeMapiMailboxAppPool", ("BACK", "/mapi/nspi"): "MSExchangeMapiAddressBookAppPool",
    ("BACK", "/Rpc"): "MSExchangeRpcProxyAppPool", ("BACK", "/RpcWithCert"): "MSExchangeRpcProxyAppPool",
    ("BACK", "/Autodiscover"): "MSExchangeAutodiscoverBEAppPool", ("BACK", "/PowerShell"): "MSExchangePowerShellAppPool",
    ("BACK", "/PushNotifications"): "MSExchangePushNotificationsAppPool", ("BACK", "/API"): "MSExchangeRestAppPool",
}

# Extended Protection as Exchange 2019 CU14 and SE Setup turn it on
# (tokenChecking per location; the rest stay None).
EP = {
    ("FRONT", "/API"): "Require", ("FRONT", "/ecp"): "Require", ("FRONT", "/EWS"): "Allow",
    ("FRONT", "/Microsoft-Server-ActiveSync"): "Allow", ("FRONT", "/OAB"): "Require",
    ("FRONT", "/PowerShell"): "Require", ("FRONT", "/owa"): "Require", ("FRONT", "/Rpc"): "Require",
    ("FRONT", "/mapi"): "Require",
    ("BACK", "/API"): "Require", ("BACK", "/ecp"): "Require", ("BACK", "/EWS"): "Require",
    ("BACK", "/Microsoft-Server-ActiveSync"): "Require", ("BACK", "/OAB"): "Require",
    ("BACK", "/PowerShell"): "Require", ("BACK", "/owa"): "Require", ("BACK", "/Rpc"): "Require",
    ("BACK", "/PushNotifications"): "Require", ("BACK", "/RpcWithCert"): "Require",
    ("BACK", "/mapi/emsmdb"): "Require", ("BACK", "/mapi/nspi"): "Require",
}

SEED004 = ["/owa", "/ecp", "/EWS", "/Autodiscover", "/Microsoft-Server-ActiveSync", "/OAB", "/mapi"]
INHERITING = ["/owa", "/ecp", "/EWS", "/Autodiscover"]
MRS_BRIDGED = {("FRONT", "/EWS/mrsproxy.svc"): "Ssl, Ssl128"}

# name: (version, Extended Protection, {(site, path): sslFlags}, root redirect)
# A path that is not an application gets a <location> of its own.
VARIANTS = {
    # Exchange 2019 CU14 and later: Extended Protection on; it is supported
    # only with Outlook Anywhere's SSLOffloading $false, which requires SSL
    # on /Rpc (Set-OutlookAnywhere -SSLOffloading $false).
    "exchange2019-ep": (2019, True, {("FRONT", "/Rpc"): "Ssl, Ssl128"}, False),
    # Microsoft's recipe: the site root stops requiring SSL and redirects to
    # /owa; every vdir that inherited it gets Ssl, Ssl128 back.
    "exchange2016-redirect": (2016, False, dict([(("FRONT", "/"), "None")] +
                                                [(("FRONT", p), "Ssl, Ssl128") for p in INHERITING]), True),
    # "Configuring SSL offloading in Exchange 2013", every step; MRSProxy
    # stays bridged.
    "exchange2013-offload": (2013, False, dict([(("FRONT", p), "None") for p in SEED004]) | MRS_BRIDGED, False),
    # ... and only OWA and ECP offloaded, the rest bridged.
    "exchange2013-offload-partial": (2013, False, {("FRONT", "/owa"): "None", ("FRONT", "/ecp"): "None"}, False),
    # Mistakes.
    "exchange2016-backend-nossl": (2016, False, {("BACK", "/EWS"): "None"}, False),
    "exchange2016-no-ssl128": (2016, False, {("FRONT", "/OAB"): "Ssl"}, False),
    "exchange2016-mrsproxy-offloaded": (2016, False, {("FRONT", "/EWS"): "None"}, False),
    "exchange2016-root-cleared": (2016, False, {("FRONT", "/"): "None"}, True),
    "exchange2016-rpc-ssl": (2016, False, {("FRONT", "/Rpc"): "Ssl, Ssl128"}, False),
    "exchange2019-ep-offloaded": (2019, True, {("FRONT", "/Rpc"): "Ssl, Ssl128", ("FRONT", "/owa"): "None"}, False),
    "exchange2010-offload-owa": (2010, False, {("FRONT", "/owa"): "None"}, False),
}

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


def build(rows, version, ep=False, changes=None, redirect=False):
    """The applicationHost.config of version as shipped, with changes
    ({(site, path): sslFlags}) applied."""
    changes = changes or {}
    mine = [r for r in rows if r["first"] <= version <= r["last"]]
    sites = [("FRONT", "Default Web Site", 1,
              [("http", "*:80:"), ("https", "*:443:"), ("https", "*:443:mail.contoso.com"),
               ("http", "*:80:autodiscover.contoso.com"), ("net.tcp", "808:*")])]
    if any(r["site"] == "BACK" for r in mine):
        sites.append(("BACK", "Exchange Back End", 2, [("http", "*:81:"), ("https", "*:444:")]))
    v15 = version >= 2013
    base = "C:\\Program Files\\Microsoft\\Exchange Server\\" + ("V15" if v15 else "V14")
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
    pools = []
    for site, _, _, _ in sites:
        for r in mine:
            pool = POOL.get((site, r["path"]))
            if r["site"] == site and r["form"] == "APP" and pool and pool not in pools:
                pools.append(pool)
    for p in pools:
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
    out(L, 2, "<!-- Sites: the front end on 80/443" + (", the back end on 81/444. -->" if len(sites) > 1 else ". -->"))
    out(L, 2, "<sites>")
    for site, name, sid, binds in sites:
        out(L, 3, f'<site name="{name}" id="{sid}" serverAutoStart="true">')
        apps = [r for r in mine if r["site"] == site and r["form"] == "APP"]
        redirects = [r for r in mine if r["site"] == site and r["form"] == "REDIRECT"]
        for r in apps:
            path = r["path"]
            sub = ("FrontEnd\\HttpProxy" if site == "FRONT" and v15 else "ClientAccess")
            phys = "%SystemDrive%\\inetpub\\wwwroot" if path == "/" else \
                base + "\\" + sub + path.replace("/", "\\")
            out(L, 4, f'<application path="{path}" applicationPool="{POOL.get((site, path), "DefaultAppPool")}">')
            out(L, 5, f'<virtualDirectory path="/" physicalPath="{phys}" />')
            if path == "/":
                out(L, 5, '<virtualDirectory path="/aspnet_client" physicalPath="C:\\inetpub\\wwwroot\\aspnet_client" />')
                for rd in redirects:
                    out(L, 5, f'<virtualDirectory path="{rd["path"]}" physicalPath="{base}\\ClientAccess\\owa" />')
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
    # A <location> per application, and per redirecting vdir; the access
    # section only where Exchange writes one (inheriting vdirs have none).
    hand = None
    for site, name, _, _ in sites:
        locs = [r for r in mine if r["site"] == site and r["form"] != "FILE"]
        locs += [dict(site=site, path=p, flags=None, form="EXTRA") for (s_, p) in changes
                 if s_ == site and not any(r["path"] == p for r in locs)]
        for r in locs:
            path = r["path"]
            flags = changes.get((site, path), r["flags"])
            loc = name if path == "/" else name + path
            if (site, path) == ("FRONT", "/owa/oma"):
                hand = flags  # written by hand at the end, as an admin left it
                continue
            out(L, 1, f'<location path="{loc}">')
            out(L, 2, "<system.webServer>")
            if r["form"] == "REDIRECT":
                out(L, 3, '<httpRedirect enabled="true" destination="/owa" childOnly="true" httpResponseStatus="Found" />')
                out(L, 2, "</system.webServer>")
                out(L, 1, "</location>")
                continue
            out(L, 3, "<security>")
            if flags:
                out(L, 4, f'<access sslFlags="{flags}" />')
            if r["form"] != "EXTRA":
                tc = EP.get((site, path), "None") if ep else "None"
                out(L, 4, "<authentication>")
                out(L, 5, '<anonymousAuthentication enabled="false" />')
                out(L, 5, '<basicAuthentication enabled="true" />')
                out(L, 5, '<windowsAuthentication enabled="true" useKernelMode="false">')
                out(L, 6, f'<extendedProtection tokenChecking="{tc}" />')
                out(L, 5, "</windowsAuthentication>")
                out(L, 4, "</authentication>")
            out(L, 3, "</security>")
            if site == "FRONT" and path == "/":
                if redirect:
                    out(L, 3, '<httpRedirect enabled="true" destination="/owa" childOnly="true" httpResponseStatus="Found" />')
                else:
                    out(L, 3, '<httpRedirect enabled="false" />')
            elif site == "FRONT" and redirect and path.count("/") == 1:
                out(L, 3, '<httpRedirect enabled="false" />')
            out(L, 2, "</system.webServer>")
            out(L, 1, "</location>")
    # Locations that are not applications: folders Exchange configures.
    for extra in ["Default Web Site/owa/auth", "Default Web Site/ecp/auth",
                  "Default Web Site/EWS/bin", "Default Web Site/aspnet_client"] + \
                 (["Exchange Back End/owa/auth", "Exchange Back End/EWS/bin"] if len(sites) > 1 else []):
        out(L, 1, f'<location path="{extra}">')
        out(L, 2, "<system.webServer>")
        out(L, 3, '<directoryBrowse enabled="false" />')
        out(L, 2, "</system.webServer>")
        out(L, 1, "</location>")
    if hand:
        # A hand-edited block: single quotes and a tab, as admins leave them.
        L.append("\t<location path='Default Web Site/owa/oma'>")
        out(L, 2, "<system.webServer>")
        out(L, 3, "<security>")
        out(L, 4, f"<access sslFlags='{hand}' />")
        out(L, 3, "</security>")
        out(L, 2, "</system.webServer>")
        out(L, 1, "</location>")
    L.append("</configuration>")
    L.append("")
    return NL.join(L)


def write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))


if __name__ == "__main__":
    dest = sys.argv[1] if len(sys.argv) > 1 else "."
    rows = read_table()
    for v in VERSIONS:
        # Exchange SE turns Extended Protection on at Setup (the table's SE
        # rows say what that does to /Rpc); 2019 before CU14 did not.
        write(os.path.join(dest, f"exchange{NAME.get(v, v)}.config"), build(rows, v, v == 2025))
    for name, (v, ep, changes, redirect) in VARIANTS.items():
        write(os.path.join(dest, name + ".config"), build(rows, v, ep, changes, redirect))
    text = build(rows, 2016)
    with open(os.path.join(dest, "exchange2016-utf16.config"), "wb") as f:
        f.write(b"\xff\xfe" + text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le"))
