# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Random and hostile input through every entry point: an answer or an
sslvdir.Error, never a crash or another exception. Seeded, so a failure
repeats; under the sanitizer build this runs with AddressSanitizer."""

import random

import pytest

import sslvdir

SEED = 20261122
ALPHABET = (b"/%.:@?#&=+-_~;,*!'()[]\\ \t\r\n\x00\x7f\x80\xff"
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
PIECES = [b"/owa/", b"/ecp/", b"/EWS/Exchange.asmx", b"%2e%2e", b"%252f", b"%u002e", b"..",
          b"http://", b"https://", b"mail.contoso.com", b":443", b"<Autodiscover", b"</Request>",
          b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"&e;", b"\xef\xbd\x85", b"::$DATA", b"~1",
          b"[HKEY_LOCAL_MACHINE\\SOFTWARE]", b'"SSLOffloaded"=dword:00000001', b"\r\n",
          b"-----BEGIN CERTIFICATE-----\n", b"MII", b"<configuration>", b"<location path=\"",
          b"sslFlags=\"Ssl\"", b"<policy xmlns=\"urn:libsslvdir:policy:1\" version=\"1\">"]


def blob(rng, limit=300):
    out = bytearray()
    while len(out) < rng.randrange(limit):
        if rng.random() < 0.3:
            out += rng.choice(PIECES)
        else:
            out.append(rng.choice(ALPHABET))
    return bytes(out)


@pytest.fixture(scope="module")
def rng():
    return random.Random(SEED)


def test_decisions(policy, offload_policy, rng):
    for _ in range(3000):
        p = rng.choice((policy, offload_policy))
        d = p.decide(blob(rng, 12), blob(rng), blob(rng, 40) if rng.random() < 0.9 else None,
                     tls=rng.random() < 0.5, peer=rng.choice(("10.0.0.5", "198.51.100.7", "2001:db8::1")), cipher_bits=rng.randrange(300),
                     client_cert=rng.choice(("none", "ok", "untrusted", "expired", "revoked")),
                     x_forwarded_proto=blob(rng, 10) if rng.random() < 0.3 else None,
                     front_end_https=blob(rng, 10) if rng.random() < 0.3 else None)
        assert d.action in ("allow", "redirect", "deny")
        if d.action == "redirect":
            assert d.location.startswith("https://") and "\r" not in d.location and "\n" not in d.location


def test_rewriting(policy, rng):
    rw = sslvdir.Rewriter(policy)
    for _ in range(1500):
        name = rng.choice((b"Location", b"Refresh", b"Set-Cookie", b"Content-Location", blob(rng, 10)))
        try:
            out = policy.rewrite_header(name, blob(rng))
            assert b"\r" not in out and b"\n" not in out
        except sslvdir.ParseError:
            pass
        rw.begin(rng.choice((b"text/html", b"application/json", blob(rng, 20))),
                 rng.choice((None, b"gzip", blob(rng, 8))))
        body = blob(rng, 2000)
        streamed = b"".join(rw.feed(body[i:i + 7]) for i in range(0, len(body), 7)) + rw.finish()
        assert streamed == rw.rewrite(body)


def test_parsers(policy, rng):
    parsers = [sslvdir.IISConfig.parse, sslvdir.RegFile.parse, sslvdir.Cert.parse,
               lambda b: sslvdir.Builder().parse_policy(b)]
    for _ in range(1500):
        data = blob(rng, 600)
        for parse in parsers:
            try:
                obj = parse(data)
            except sslvdir.Error:
                continue
            if hasattr(obj, "close"):
                obj.close()
        doc = policy.autodiscover_respond(data)
        assert doc.startswith(b"<?xml")
        status, _ = policy.autodiscover_json(data)
        assert status in (200, 400, 404)
        sslvdir.autodiscover_parse_request(data)
        try:
            sslvdir.path_canonicalize(data)
            sslvdir.cipher_bits(data)
            sslvdir.flags_parse(data)
        except sslvdir.Error:
            pass


def test_verify_der_chain_emptied_by_now():
    # now= used to be read through __index__, which ran Python code after the
    # chain's bytes were located: emptying the list freed them before the
    # library read them. A time is an int (not a bool, not an __index__).
    trust = sslvdir.Trust()
    chain = [bytes(range(256)) * 64]

    class Now:
        def __index__(self):
            chain.clear()
            return 0

    with pytest.raises(TypeError, match="a time must be int"):
        trust.verify_der(chain, now=Now())
    for bad in (True, 1.5, "0"):
        with pytest.raises(TypeError):
            trust.verify_der([b"0"], now=bad)
    trust.close()
