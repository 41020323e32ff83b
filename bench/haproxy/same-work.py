#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""bench/haproxy: does the "native, same work" peer give the fast path's
answers? The same requests to both (plain HTTP and TLS), compared on the
status, Location and Cache-Control, and for an allowed request on what it
would send the backend (the listeners answer it with the txn.sslvdir_*
variables and the offload headers, see run.sh).

Usage: same-work.py FAST_HTTP NATIVE_HTTP FAST_HTTPS NATIVE_HTTPS TARGETS [HOSTILE_TARGETS...]
TARGETS is bench/targets.txt (every target over TLS, every fifth over plain
HTTP); HOSTILE_TARGETS are files like tests/data/path/cases.txt (the target
is the first field, with '\\xNN' and '\\s' for raw bytes), sent over both.
Prints the number of differences, grouped by kind; a difference where the
fast path left the request to the plugin (its answer then comes from Lua)
and the native rules refused it with a 400 is the expected kind: the
administrator has no Lua to ask. Exit 1 on a difference of another kind or
a request without an answer.
"""

import collections
import http.client
import re
import socket
import ssl
import sys

fast_http, native_http, fast_https, native_https = (int(p) for p in sys.argv[1:5])
targets_file = sys.argv[5]
hostile_files = sys.argv[6:]
COMPARED = ("location", "cache-control")


def unescape(s):
    s = s.replace("\\s", " ")
    return re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), s.encode("latin-1"))


class Conn:
    """One keep-alive connection to a listener, reopened when closed."""

    def __init__(self, port, tls):
        self.port, self.tls, self.sock = port, tls, None

    def ask(self, raw, method):
        for _ in range(3):
            try:
                if self.sock is None:
                    s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
                    if self.tls:
                        c = ssl.create_default_context()
                        c.check_hostname = False
                        c.verify_mode = ssl.CERT_NONE
                        s = c.wrap_socket(s)
                    self.sock = s
                self.sock.sendall(raw)
                r = http.client.HTTPResponse(self.sock, method=method.decode("latin-1"))
                r.begin()
                body = r.read()
                if r.will_close:
                    self.sock.close()
                    self.sock = None
                return {"status": r.status, "hdrs": tuple(r.getheader(h) for h in COMPARED),
                        "body": body if r.status == 200 else b"",
                        "fp": r.getheader("x-check-fp") or "", "reason": r.getheader("x-check-reason") or ""}
            except (OSError, http.client.HTTPException):
                if self.sock is not None:
                    self.sock.close()
                self.sock = None
        return None


def request(method, target, hosts, extra=()):
    lines = [method + b" " + target + b" HTTP/1.1"] + [b"Host: " + h for h in hosts] + list(extra)
    if method in (b"POST", b"PUT"):
        lines.append(b"Content-Length: 0")
    return b"\r\n".join(lines) + b"\r\n\r\n"


with open(targets_file, encoding="latin-1") as f:
    bench = [line.rstrip("\n").encode("latin-1") for line in f if line.strip()]
hostile = []
for name in hostile_files:
    with open(name, encoding="latin-1") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#") and line.split():
                hostile.append(unescape(line.split()[0]))
# Clean targets at and over the length limits.
hostile += [b"/owa/" + b"b" * 250, b"/owa/" + b"b" * 251, b"/owa/" + b"a" * 261,
            b"/owa/?q=" + b"d" * 2030, b"/owa/?q=" + b"d" * 2050]

H = [b"mail.contoso.com"]
HOSTS = ([b"MAIL.Contoso.COM"], [b"autodiscover.contoso.com"], [b"mail.contoso.com:443"],
         [b"mail.contoso.com."], [b"other.example.org"], [b"mail.contoso.com", b"mail.contoso.com"], [])
SPOOF = (b"X-Forwarded-Proto: https", b"Front-End-Https: On")
cases = []  # (what, method, target, hosts, extra, tls)
for i, t in enumerate(bench):
    cases.append(("bench", b"GET", t, H, (), True))
    if i % 5 == 0:
        cases.append(("bench", b"GET", t, H, (), False))
        cases.append(("bench", b"POST", t, H, SPOOF, i % 10 == 0))
    if i % 10 == 0:
        for hosts in HOSTS:
            cases.append(("Host " + (b", ".join(hosts).decode() or "none"), b"GET", t, hosts, (), i % 20 == 0))
        for method in (b"HEAD", b"PUT", b"OPTIONS", b"PROPFIND", b"RPC_IN_DATA", b"get"):
            cases.append(("method", method, t, H, (), i % 20 == 0))
for t in hostile:
    for tls in (False, True):
        cases.append(("hostile", b"GET", t, H, (), tls))

conns = {p: Conn(p, p in (fast_https, native_https)) for p in (fast_http, native_http, fast_https, native_https)}
kinds = collections.Counter()
examples = {}
total = collections.Counter()
lost = 0
for what, method, t, hosts, extra, tls in cases:
    raw = request(method, t, hosts, extra)
    total[what] += 1
    a = conns[fast_https if tls else fast_http].ask(raw, method)
    b = conns[native_https if tls else native_http].ask(raw, method)
    if a is None or b is None:
        lost += 1
        continue
    if (a["status"], a["hdrs"], a["body"]) == (b["status"], b["hdrs"], b["body"]):
        continue
    via = "fast path from its maps" if a["fp"] else "fast path via the plugin"
    if a["status"] == b["status"] and a["hdrs"] == b["hdrs"]:
        kind = "same status, different backend request (%s)" % via
    else:
        kind = "%s %s, native %s %s" % (via, a["status"], b["status"], b["reason"])
    kinds[(what, kind)] += 1
    examples.setdefault((what, kind), (method, t[:120], hosts, tls, a, b))

expected = sum(n for (what, kind), n in kinds.items() if kind.startswith("fast path via the plugin")
               and kind.split(", native ")[1].startswith("400 bad-"))
groups = collections.Counter()
for w, n in total.items():
    groups[w.split()[0].lower()] += n
print("  same-work check: %d requests (%s), %d differences in status, Location or what reaches the backend"
      " (%d of them the native 400 for what the fast path leaves to the plugin, %d others)%s"
      % (sum(total.values()), ", ".join("%d %s" % (n, w) for w, n in sorted(groups.items())),
         sum(kinds.values()), expected, sum(kinds.values()) - expected,
         ", %d without an answer" % lost if lost else ""))
for (what, kind), n in sorted(kinds.items()):
    method, t, hosts, tls, a, b = examples[(what, kind)]
    print("    %5d %s: %s; e.g. %s %r %s" % (n, what, kind, method.decode("latin-1"), t, "TLS" if tls else "HTTP"))
    if a["status"] == b["status"]:
        print("          fast:   %r %r\n          native: %r %r" % (a["hdrs"], a["body"][:300], b["hdrs"], b["body"][:300]))
sys.exit(1 if lost or sum(kinds.values()) > expected else 0)
