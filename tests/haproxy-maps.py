#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""The HAProxy fast path against the plugin alone: the same requests to both
listeners of one HAProxy (the plugin's lua.sslvdir only, and the snippet of
sslvdir haproxy-maps), the answers compared field by field.

Usage: haproxy-maps.py PLUGIN_HTTP FAST_HTTP PLUGIN_HTTPS FAST_HTTPS CA CLIENT_PEM CLIENT_KEY
       TARGET_FILE... (one target a line; '\\xNN' and '\\s' stand for raw bytes)
Each listener answers an allowed request itself with what it would send the
backend (the headers, txn.sslvdir_* variables), so a difference in upstream,
vdir or headers set and removed shows in the body. Exit 1 on any difference.
"""

import http.client
import re
import socket
import ssl
import sys

ports = [int(p) for p in sys.argv[1:5]]
ca, client_pem, client_key = sys.argv[5:8]
files = sys.argv[8:]

# What is compared: the status and its reason phrase (what a client shows,
# "302 Found"), the body (the echo of what would reach the backend, or the
# refusal page) and these headers.
COMPARED = ("location", "cache-control", "content-type", "x-sslvdir-status", "x-sslvdir-reason")


def unescape(s):
    s = s.replace("\\s", " ")
    return re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), s.encode("latin-1"))


def targets():
    out = []
    for name in files:
        with open(name, encoding="latin-1") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                if name.endswith(".cases"):
                    # "preset METHOD URL => ...": the URL's target
                    parts = line.split()
                    if len(parts) < 3:
                        continue
                    url = parts[2]
                    m = re.match(r"^https?://[^/]*(/.*)$", url)
                    if m:
                        out.append(unescape(m.group(1)))
                elif name.endswith("cases.txt"):
                    out.append(unescape(line.split()[0]) if line.split() else b"/")
                else:
                    out.append(line.encode("latin-1"))
    return out


class Conn:
    def __init__(self, port, tls, src="127.0.0.1", cert=False):
        self.port, self.tls, self.src, self.cert, self.sock = port, tls, src, cert, None
        if tls:
            self.ctx = ssl.create_default_context(cafile=ca)
            self.ctx.check_hostname = False
            if cert:
                self.ctx.load_cert_chain(client_pem, client_key)

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10,
                                     source_address=(self.src, 0))
        if self.tls:
            s = self.ctx.wrap_socket(s, server_hostname="mail.contoso.com")
        self.sock = s

    def ask(self, raw, method):
        for _ in range(3):
            if self.sock is None:
                self.connect()
            try:
                self.sock.sendall(raw)
                r = http.client.HTTPResponse(self.sock, method=method.decode("latin-1"))
                r.begin()
                body = r.read()
                if r.will_close:
                    self.sock.close()
                    self.sock = None
                return (r.status, r.reason, tuple((h, r.getheader(h)) for h in COMPARED), body)
            except (OSError, http.client.HTTPException):
                try:
                    self.sock.close()
                except OSError:
                    pass
                self.sock = None
        return ("no answer",)


def request(method, target, hosts, extra=()):
    lines = [method + b" " + target + b" HTTP/1.1"]
    lines += [b"Host: " + h for h in hosts]
    lines += list(extra)
    if method in (b"POST", b"PUT"):
        lines.append(b"Content-Length: 0")
    return b"\r\n".join(lines) + b"\r\n\r\n"


conns = {}


def conn(port, tls, src="127.0.0.1", cert=False):
    key = (port, tls, src, cert)
    if key not in conns:
        conns[key] = Conn(port, tls, src, cert)
    return conns[key]


all_targets = targets()
cases = []
H = [b"mail.contoso.com"]
for i, t in enumerate(all_targets):
    for method in (b"GET", b"POST"):
        for tls in (False, True):
            cases.append((method, t, H, (), tls, "127.0.0.1", False))
    if i % 5:
        continue
    # Host variants, methods, spoofed offload headers, a trusted offloader,
    # a client certificate: on every fifth target.
    for hosts in ([b"MAIL.Contoso.COM"], [b"autodiscover.contoso.com"], [b"mail.contoso.com:443"],
                  [b"mail.contoso.com."], [b"other.example.org"], [b"mail.contoso.com", b"mail.contoso.com"], []):
        cases.append((b"GET", t, hosts, (), i % 10 == 0, "127.0.0.1", False))
    for method in (b"HEAD", b"PUT", b"OPTIONS", b"get", b"PROPFIND"):
        cases.append((method, t, H, (), i % 10 == 0, "127.0.0.1", False))
    spoof = (b"X-Forwarded-Proto: https", b"Front-End-Https: On", b"X-SSL-Cipher: AES256-SHA")
    cases.append((b"GET", t, H, spoof, False, "127.0.0.1", False))
    cases.append((b"GET", t, H, spoof, True, "127.0.0.1", False))
    cases.append((b"GET", t, H, spoof, False, "127.0.0.2", False))
    cases.append((b"POST", t, H, (b"X-Forwarded-Proto: http",), False, "127.0.0.2", False))
    cases.append((b"GET", t, H, (), True, "127.0.0.1", True))

diffs = 0
fast_native = 0
for method, t, hosts, extra, tls, src, cert in cases:
    raw = request(method, t, hosts, extra)
    a = conn(ports[2 if tls else 0], tls, src, cert).ask(raw, method)
    b = conn(ports[3 if tls else 1], tls, src, cert).ask(raw, method)
    if a != b:
        diffs += 1
        if diffs <= 10:
            print("DIFF %s %r hosts=%r extra=%r tls=%s src=%s cert=%s\n  plugin: %s\n  fast:   %s"
                  % (method, t[:200], hosts, extra, tls, src, cert, repr(a)[:600], repr(b)[:600]))
print("haproxy-maps.py: %d requests, %d targets, %d differences" % (len(cases), len(all_targets), diffs))
sys.exit(1 if diffs else 0)
