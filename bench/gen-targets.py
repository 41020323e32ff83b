#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Writes bench/targets.txt: realistic Exchange request targets (deterministic)."""
import random

rnd = random.Random(2016)
users = [f"user{i}@contoso.com" for i in range(40)]
guids = ["%08x-%04x-%04x-%04x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(16),
                                        rnd.getrandbits(16), rnd.getrandbits(48)) for _ in range(30)]
devices = ["Android", "iPhone", "WindowsMail", "Outlook"]
build = "15.1.2507.39"
out = []
for i in range(1200):
    k = rnd.randrange(20)
    u, g = rnd.choice(users), rnd.choice(guids)
    if k < 4:
        out.append(rnd.choice([
            "/owa/", "/owa/#path=/mail", "/owa/?ae=Folder&t=IPF.Note", f"/owa/service.svc?action=GetItem&EP=1&ID=-{i}&AC=1",
            f"/owa/auth/{build}/themes/resources/segoeui-regular.ttf", f"/owa/prem/{build}/scripts/boot.worldwide.0.mouse.js",
            f"/owa/{u}/?offline=disabled", "/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2fmail.contoso.com%2fowa%2f",
            f"/owa/calendar/{g}/calendar.html", f"/owa/service.svc/s/GetFileAttachment?id={g}&X-OWA-CANARY=abc"]).replace("#path=/mail", ""))
    elif k < 8:
        out.append(f"/Microsoft-Server-ActiveSync?Cmd={rnd.choice(['Sync','Ping','FolderSync','ItemOperations','SendMail'])}"
                   f"&User={u.split('@')[0]}&DeviceId={g[:16].replace('-','')}&DeviceType={rnd.choice(devices)}")
    elif k < 11:
        out.append(rnd.choice(["/EWS/Exchange.asmx", "/ews/exchange.asmx", "/EWS/Services.wsdl", "/EWS/mrsproxy.svc",
                               f"/EWS/Exchange.asmx/s/GetUserPhoto?email={u}&size=HR64x64"]))
    elif k < 13:
        out.append(f"/mapi/emsmdb/?MailboxId={g}@contoso.com" if rnd.random() < 0.7 else f"/mapi/nspi/?MailboxId={g}@contoso.com")
    elif k < 15:
        out.append(rnd.choice(["/Autodiscover/Autodiscover.xml", "/autodiscover/autodiscover.xml",
                               f"/autodiscover/autodiscover.json/v1.0/{u}?Protocol=Autodiscoverv1",
                               f"/autodiscover/autodiscover.json?Email={u}&Protocol=ActiveSync"]))
    elif k < 16:
        out.append(f"/rpc/rpcproxy.dll?ex{i % 5}.corp.contoso.com:6001")
    elif k < 17:
        out.append(rnd.choice(["/ecp/", f"/ecp/{build}/scripts/common.js", "/ecp/PersonalSettings/HomePage.aspx?showhelp=false",
                               "/ecp/DDI/DDIService.svc/GetList?schema=MailboxService"]))
    elif k < 18:
        out.append(f"/OAB/{g}/oab.xml")
    elif k < 19:
        out.append(rnd.choice(["/", "/favicon.ico", "/PowerShell/?serializationLevel=Full;ExchClientVer=15.1",
                               "/owa/%2e%2e/ecp/", "/ecp%252f", "/autodiscover/autodiscover.json?@x/mapi/nspi/?&Email=x"]))
    else:
        out.append(f"/owa/{'/'.join(rnd.choice(['a','bb','ccc','inbox','drafts']) for _ in range(rnd.randrange(1, 8)))}")
with open("bench/targets.txt", "w") as f:
    f.write("\n".join(out) + "\n")
print(len(out), "targets")
