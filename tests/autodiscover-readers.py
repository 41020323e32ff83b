#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Autodiscover documents read by two kinds of client reader.

- python3-exchangelib (Debian's 4.9), which reads RedirectURL and expects
  errors in a Response of the Autodiscover namespace;
- a reader written to [MS-OXDSCLI] (as Microsoft's EWS Managed API reads),
  which reads RedirectUrl.

Each document comes from the sslvdir command, as a proxy would send it.
Exit 77 (skipped) when exchangelib is not installed.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

try:
    from exchangelib.autodiscover.properties import Autodiscover
    from exchangelib.errors import ErrorNonExistentMailbox
except ImportError:
    print("autodiscover-readers: python3-exchangelib is not installed; skipped")
    sys.exit(77)

top_srcdir = os.environ.get("top_srcdir", ".")
top_builddir = os.environ.get("top_builddir", ".")
SV = os.path.join(top_builddir, "tools", "sslvdir")
POLICY = os.path.join(top_srcdir, "tests", "data", "autodiscover", "policy.xml")
REQ_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
RESP_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
ROOT_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
HOSTER = "https://autodiscover.hoster.example/autodiscover/autodiscover.xml"

failures = []
checks = 0


def check(what, cond):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def respond(email, *args):
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="{REQ_NS}"><Request>'
        f"<EMailAddress>{email}</EMailAddress>"
        f"<AcceptableResponseSchema>{RESP_NS}</AcceptableResponseSchema></Request></Autodiscover>"
    ).encode()
    out = subprocess.run([SV, "autodiscover", "respond", "--policy", POLICY, *args],
                         input=body, capture_output=True, check=True)
    return out.stdout


def spec_reader(doc):
    """What [MS-OXDSCLI] says a client reads: Action, RedirectUrl, RedirectAddr, EwsUrl, ErrorCode."""
    root = ET.fromstring(doc)
    r = {}
    for tag in ("Action", "RedirectUrl", "RedirectAddr", "EwsUrl", "ErrorCode"):
        el = root.find(f".//{{{RESP_NS}}}{tag}")
        if el is None:
            el = root.find(f".//{{{ROOT_NS}}}{tag}")
        r[tag] = el.text if el is not None else None
    return r


# Settings
doc = respond("kwekua@contoso.com")
ad = Autodiscover.from_bytes(doc)
ad.raise_errors()
check("exchangelib: settings address", ad.response.autodiscover_smtp_address == "kwekua@contoso.com")
check("exchangelib: EWS URL", ad.response.protocol.ews_url == "https://mail.contoso.com/EWS/Exchange.asmx")
v = ad.response.version
check("exchangelib: server version 15.1.2507",
      v is not None and (v.build.major_version, v.build.minor_version, v.build.major_build) == (15, 1, 2507))
check("exchangelib: auth package", ad.response.protocol.auth_package == "Ntlm")
s = spec_reader(doc)
check("spec reader: settings", s["Action"] == "settings" and s["EwsUrl"] == "https://mail.contoso.com/EWS/Exchange.asmx")

# Redirect URL: both spellings by default, so both readers follow it.
doc = respond("ann@tailspin.com")
ad = Autodiscover.from_bytes(doc)
ad.raise_errors()
check("exchangelib: redirectUrl (RedirectURL)", ad.response.redirect_url == HOSTER)
check("spec reader: redirectUrl (RedirectUrl)", spec_reader(doc)["RedirectUrl"] == HOSTER)
# With the specification's spelling only, exchangelib finds no URL: why the
# second spelling is on by default.
doc = respond("ann@tailspin.com", "--spec-spelling")
ad = Autodiscover.from_bytes(doc)
check("exchangelib misses RedirectUrl alone", ad.response.redirect_url is None)
check("spec reader: RedirectUrl alone", spec_reader(doc)["RedirectUrl"] == HOSTER)

# Redirect address
doc = respond("user@fabrikam.com")
ad = Autodiscover.from_bytes(doc)
check("exchangelib: redirectAddr", ad.response.redirect_address == "user@fabrikam.hosted.example")
check("spec reader: redirectAddr", spec_reader(doc)["RedirectAddr"] == "user@fabrikam.hosted.example")

# Errors: 500 is recognised by its message.
doc = respond("nobody@example.org")
ad = Autodiscover.from_bytes(doc)
try:
    ad.raise_errors()
    check("exchangelib: 500 raises ErrorNonExistentMailbox", False)
except ErrorNonExistentMailbox:
    pass
check("spec reader: 500", spec_reader(doc)["ErrorCode"] == "500")

# Escaped address round trip
doc = respond("&quot;a&lt;b&amp;c&quot;@contoso.com")
ad = Autodiscover.from_bytes(doc)
check("exchangelib: escaped address", ad.response.autodiscover_smtp_address == '"a<b&c"@contoso.com')

print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
