#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""The sslvdir command's JSON is valid UTF-8 JSON whatever bytes it is given.

Seeded random bytes (so a failure repeats) go through `sslvdir rewrite-header
--json` (the command's JSON writer, tools/json.c), `sslvdir autodiscover json`
(the library's writer, printed as is) and `sslvdir autodiscover json --json`
(both). Each output must decode as strict UTF-8 and parse with Python's json
module, and each echoed value must be what Python's own UTF-8 decoder makes
of the bytes with errors="replace": one U+FFFD per maximal subpart.

Usage: json-utf8.py SSLVDIR [SEED]; prints one line per failure, exits 1 if any.
"""
import json
import os
import random
import subprocess
import sys

SV = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 20261127
rng = random.Random(SEED)
failures = 0

# Where UTF-8 goes wrong: lead and continuation bytes, the bounds of
# table 3-7 (E0 A0, ED 9F, F0 90, F4 8F), C0/C1/F5..FF, and JSON's specials.
INTERESTING = [0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xA9, 0xDF,
               0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x22, 0x5C, 0x3C, 0x26, 0x2F, 0x61]


def random_bytes(n, controls):
    out = bytearray()
    while len(out) < n:
        r = rng.random()
        if r < 0.5:
            b = rng.choice(INTERESTING)
        elif r < 0.7:
            out += chr(rng.choice([0xE9, 0x65E5, 0xFFFD, 0x1F600, 0x10FFFF])).encode()
            continue
        else:
            b = rng.randrange(1, 256)
        if not controls and (b < 0x20 or b == 0x7F):
            continue
        out.append(b)
    return bytes(out[:n]) if controls else bytes(out)


def fail(what, detail):
    global failures
    failures += 1
    if failures <= 10:
        print("FAIL: %s: %s" % (what, detail))


# The namespace the calls name: the command has no default one.
NS = ["--preset", "exchange2016", "--host", "mail.contoso.com", "--ad-domain", "contoso.com"]


def run(args):
    p = subprocess.run([SV] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return p.returncode, p.stdout


def parse(what, out):
    try:
        return json.loads(out.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(what, "%s: %r" % (e, out[:200]))
        return None


def message(protocol):
    return ("The given protocol value '%s' is invalid. Supported values are "
            "'AutodiscoverV1, ActiveSync, Ews'." % protocol.decode("utf-8", errors="replace"))


# rewrite-header --json: 32 header lines a call (the command's limit), with
# no control character (refused) and no leading blank (trimmed).
for call in range(40):
    values = [random_bytes(rng.randrange(1, 40), controls=False).lstrip(b" \t") or b"x"
              for _ in range(32)]
    lines = [os.fsdecode(b"X-Random-%d: " % k + v) for k, v in enumerate(values)]
    rc, out = run(["rewrite-header", "--json"] + NS + lines)
    got = parse("rewrite-header --json (call %d)" % call, out)
    if got is None:
        continue
    if rc != 0 or len(got) != 32:
        fail("rewrite-header --json (call %d)" % call, "exit %d, %r" % (rc, got))
        continue
    for v, item in zip(values, got):
        want = v.decode("utf-8", errors="replace")
        if item.get("value") != want:
            fail("rewrite-header --json %r" % v, "value %r, want %r" % (item.get("value"), want))

# autodiscover json: the Protocol value (at most 63 bytes) is echoed.
for call in range(60):
    proto = random_bytes(rng.randrange(1, 60), controls=True)
    query = "Email=a%40contoso.com&Protocol=" + "".join("%%%02X" % b for b in proto)
    rc, out = run(["autodiscover", "json"] + NS + [query])
    got = parse("autodiscover json %s" % query, out)
    if got is not None and (rc != 0 or got.get("ErrorMessage") != message(proto)):
        fail("autodiscover json %s" % query, "exit %d, %r" % (rc, got))
    rc, out = run(["autodiscover", "json", "--json"] + NS + [query])
    got = parse("autodiscover json --json %s" % query, out)
    if got is None:
        continue
    inner = parse("autodiscover json --json %s (body)" % query,
                  got.get("body", "").encode("utf-8"))
    if rc != 0 or got.get("status") != 400 or inner is None or \
            inner.get("ErrorMessage") != message(proto):
        fail("autodiscover json --json %s" % query, "exit %d, %r" % (rc, got))

print("json-utf8: seed %d, %d failures" % (SEED, failures))
sys.exit(1 if failures else 0)
