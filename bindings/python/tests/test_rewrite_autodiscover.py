# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Header and body rewriting, Autodiscover: server and client side."""

import json
import random
import xml.etree.ElementTree as ET

import pytest

import sslvdir
from conftest import data_path

NS = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
REQ = (b'<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/'
       b'autodiscover/outlook/requestschema/2006"><Request><EMailAddress>{}</EMailAddress>'
       b'<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/'
       b'responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>')


def req(email):
    return REQ.replace(b"{}", email.encode())


def test_rewrite_header(policy):
    assert policy.rewrite_header("Location", "http://mail.contoso.com/owa/") == \
        "https://mail.contoso.com/owa/"
    assert policy.rewrite_header("location", b"http://MAIL.contoso.com:80/x") == \
        b"https://MAIL.contoso.com/x"
    same = "http://evil.example/owa/"
    assert policy.rewrite_header("Location", same) is same
    assert policy.rewrite_header("X-Other", "http://mail.contoso.com/") == "http://mail.contoso.com/"
    assert policy.rewrite_header("Set-Cookie", "a=b;").endswith("Secure")
    for bad in ("http://mail.contoso.com/\r\nSet-Cookie: x=y", "a\0b", "x\ny"):
        with pytest.raises(sslvdir.ParseError):
            policy.rewrite_header("Location", bad)
    long_value = "http://mail.contoso.com/" + "a" * 100000
    assert policy.rewrite_header("Location", long_value) == "https" + long_value[4:]
    # Longer than the binding's buffer and left as it is: given back whole
    # (unchanged, nothing was written to be copied).
    for far in ("http://evil.example/" + "a" * (16 << 20), "a=b; Secure; x=" + "c" * (16 << 20)):
        name = "Location" if far.startswith("http") else "Set-Cookie"
        assert policy.rewrite_header(name, far) is far
        assert policy.rewrite_header(name, far.encode()) == far.encode()
    assert sslvdir.rewrite_header_kind("REFRESH") == "refresh"


def test_rewriter_stream_matches_whole(policy):
    body = (b"<a href='http://mail.contoso.com/owa/'>x</a> http://mail.contoso.com.evil.example/ "
            b"{\"u\":\"http:\\/\\/autodiscover.contoso.com\\/x\"} ") * 50
    with sslvdir.Rewriter(policy) as rw:
        assert rw.begin("text/html; charset=utf-8") == "rewrite"
        whole = rw.rewrite(body)
    assert whole.count(b"https://mail.contoso.com/owa/") == 50
    assert whole.count(b"http://mail.contoso.com.evil.example/") == 50
    assert whole.count(b"https:\\/\\/autodiscover.contoso.com") == 50
    for size in (1, 7, 64, 4096):
        with sslvdir.Rewriter(policy) as rw:
            rw.begin("text/html")
            out = b"".join(rw.feed(body[i:i + size]) for i in range(0, len(body), size))
            out += rw.finish()
            assert out == whole, size
            assert rw.counts[2] == 100
    with sslvdir.Rewriter(policy) as rw:
        assert rw.begin("image/png") == "pass-type"
        assert rw.feed(body) + rw.finish() == body
        assert rw.begin("text/html", "gzip") == "pass-encoded"
    rw2 = sslvdir.Rewriter()
    rw2.add_host("legacy.contoso.com", 8443)
    rw2.add_literal("http://old/", "https://new/")
    assert rw2.rewrite(b"http://legacy.contoso.com/x http://old/y") == \
        b"https://legacy.contoso.com:8443/x https://new/y"
    with pytest.raises(TypeError):
        rw2.feed("text, not bytes")
    rw2.close()
    with pytest.raises(ValueError):
        rw2.feed(b"")


def test_autodiscover_respond(policy):
    doc = policy.autodiscover_respond(req("alice@contoso.com"), time_us=1)
    root = ET.fromstring(doc)
    protocols = root.findall(f".//{NS}Protocol")
    types = {p.findtext(f"{NS}Type") for p in protocols}
    assert "EXPR" in types or "WEB" in types
    assert b"https://mail.contoso.com/EWS/Exchange.asmx" in doc
    unknown = ET.fromstring(policy.autodiscover_respond(req("bob@fabrikam.com")))
    assert unknown.find(".//{*}ErrorCode").text == "500"
    malformed = ET.fromstring(policy.autodiscover_respond(b"<not xml"))
    assert malformed.find(".//{*}ErrorCode").text == "600"
    hostile = policy.autodiscover_respond(req("a<b>&amp;@contoso.com"))
    ET.fromstring(hostile)  # always well-formed
    xxe = policy.autodiscover_respond(b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                                      + req("alice&e;@contoso.com"))
    assert b"root:" not in xxe and ET.fromstring(xxe).find(".//{*}ErrorCode").text == "600"
    big = policy.autodiscover_respond(b"<" * 200000)
    assert ET.fromstring(big).find(".//{*}ErrorCode").text == "600"
    with pytest.raises(ValueError):
        policy.autodiscover_respond(req("a@contoso.com"), side="sideways")


def test_autodiscover_json(policy):
    status, body = policy.autodiscover_json("Email=a%40contoso.com&Protocol=AutodiscoverV1")
    assert status == 200
    assert json.loads(body)["Url"] == "https://mail.contoso.com/Autodiscover/Autodiscover.xml"
    status, body = policy.autodiscover_json("Email=a%40contoso.com&Protocol=Nope")
    assert status == 400 and json.loads(body)["ErrorCode"] == "InvalidProtocol"
    status, _ = policy.autodiscover_json("Email=a%40fabrikam.com&Protocol=AutodiscoverV1")
    assert status == 404


def test_autodiscover_json_path_form(policy):
    """Outlook 2016 and later put the address in the path."""
    want = {"Protocol": "AutodiscoverV1",
            "Url": "https://mail.contoso.com/Autodiscover/Autodiscover.xml"}
    path = "/autodiscover/autodiscover.json/v1.0/a%40contoso.com"
    status, body = policy.autodiscover_json("Protocol=AutodiscoverV1", path=path)
    assert (status, json.loads(body)) == (200, want)
    status, body = policy.autodiscover_json(b"Protocol=AutodiscoverV1",
                                            path=b"/AUTODISCOVER/Autodiscover.JSON/V1.0/a@contoso.com")
    assert (status, json.loads(body)) == (200, want)
    status, body = policy.autodiscover_json("Email=b%40contoso.com&Protocol=AutodiscoverV1",
                                            path=path)
    assert status == 400 and json.loads(body)["ErrorCode"] == "InvalidRequest"
    status, body = policy.autodiscover_json("Protocol=AutodiscoverV1", path=path + "/more")
    assert status == 400 and json.loads(body)["ErrorCode"] == "InvalidRequest"
    with pytest.raises(ValueError):
        policy.autodiscover_json("Protocol=AutodiscoverV1", path=path + "?Email=x")
    with pytest.raises(TypeError):
        policy.autodiscover_json("Protocol=AutodiscoverV1", path=1)


def test_autodiscover_json_random_bytes(policy):
    """Whatever bytes the Protocol value holds, the answer is valid UTF-8 JSON
    that echoes them as Python's own decoder does with errors="replace" (one
    U+FFFD per maximal subpart). Seeded, so that a failure repeats."""
    rng = random.Random(20261127)
    picks = [0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xA9, 0xDF, 0xE0, 0xED,
             0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x22, 0x5C, 0x3C, 0x01, 0x7F, 0x61]
    for _ in range(3000):
        raw = bytes(rng.choice(picks) if rng.random() < 0.7 else rng.randrange(1, 256)
                    for _ in range(rng.randrange(1, 60)))
        query = b"Email=a%40contoso.com&Protocol=" + b"".join(b"%%%02X" % b for b in raw)
        status, body = policy.autodiscover_json(query)
        answer = json.loads(body.encode("utf-8"))  # strict: no byte left undecoded
        assert status == 400
        assert answer["ErrorMessage"] == (
            "The given protocol value '%s' is invalid. Supported values are "
            "'AutodiscoverV1, ActiveSync, Ews'." % raw.decode("utf-8", errors="replace"))


def test_autodiscover_documents(policy):
    site = policy.sites[0]
    doc = policy.autodiscover_settings(site, "mobilesync", "a@contoso.com")
    assert b"Microsoft-Server-ActiveSync" in doc
    ET.fromstring(doc)
    assert b"RedirectAddr" in sslvdir.autodiscover_redirect_addr("outlook", "a@fabrikam.com")
    doc = sslvdir.autodiscover_redirect_url("https://ad.fabrikam.com/autodiscover/autodiscover.xml")
    assert b"RedirectURL" in doc and b"RedirectUrl" in doc
    spec = sslvdir.autodiscover_redirect_url("https://ad.fabrikam.com/autodiscover/autodiscover.xml",
                                             spec_spelling=True)
    assert b"RedirectURL" not in spec
    err = policy.autodiscover_error("outlook", 600)
    assert ET.fromstring(err).find(".//{*}ErrorCode").text == "600"
    rule = policy.autodiscover_domain_rule("CONTOSO.com.")
    assert rule[1] == "settings" and rule[3] == site
    assert policy.autodiscover_domain_rule("fabrikam.com") is None
    parsed = sslvdir.autodiscover_parse_request(req("alice@contoso.com"))
    assert parsed["email"] == "alice@contoso.com" and parsed["schema"] == "outlook"
    assert sslvdir.autodiscover_parse_request(b"junk")["error"] == 600


def test_autodiscover_settings_refuses_what_it_cannot_echo(policy):
    # The address and LegacyDN are echoed: a control character would make
    # the answer no XML, U+0085 or U+2028 a line end for some readers.
    site = policy.sites[0]
    for bad in ("a\x01@contoso.com", "a\x1b@contoso.com", "a\x7f@contoso.com",
                "a\u0085@contoso.com", "a\u2028@contoso.com"):
        for schema in ("outlook", "mobilesync"):
            with pytest.raises(sslvdir.ParseError):
                policy.autodiscover_settings(site, schema, bad)
        with pytest.raises(sslvdir.ParseError):
            policy.autodiscover_settings(site, "outlook", "a@contoso.com", bad)
    doc = policy.autodiscover_settings(site, "outlook", "j\u00f6rg@contoso.com")
    ET.fromstring(doc)


def test_autodiscover_client_rules():
    c = sslvdir.autodiscover_candidates("user@contoso.com")
    assert [x.method for x in c] == ["post", "post", "get-redirect", "srv"]
    assert c[1].url == "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"
    with pytest.raises(sslvdir.ParseError):
        sslvdir.autodiscover_candidates("no-at-sign")
    assert sslvdir.srv_select([(10, 5, 80, "a.contoso.com"), (20, 0, 443, "b.contoso.com.")]) == \
        (1, "https://b.contoso.com/autodiscover/autodiscover.xml")
    assert sslvdir.srv_select([(0, 0, 80, "x")]) is None
    with pytest.raises(TypeError):
        sslvdir.srv_select([("0", 0, 443, "x")])
    with pytest.raises(ValueError):
        sslvdir.srv_select([(-1, 0, 443, "x")])
    with sslvdir.AutodiscoverChain("user@contoso.com") as chain:
        chain.follow_url("https://mail.contoso.com/autodiscover/autodiscover.xml", 302)
        assert chain.count == 1
        for bad, status in [("http://mail.contoso.com/autodiscover/autodiscover.xml", 302),
                            ("https://evil.example/steal", 302),
                            ("https://mail.contoso.com/autodiscover/autodiscover.xml", 308),
                            ("https://mail.contoso.com/autodiscover/../autodiscover.xml", 302)]:
            with pytest.raises(sslvdir.RefusedError):
                chain.follow_url(bad, status)
        assert chain.count == 1
        chain.follow_address("user@fabrikam.com")
        with pytest.raises(sslvdir.RefusedError):
            chain.follow_address("user@contoso.com")  # a loop
        # The whole string reaches the library: a NUL in it is refused there
        # (not cut), and the chain is unchanged.
        with pytest.raises(sslvdir.ParseError, match="NUL"):
            chain.follow_address("user@example.net\0@evil.example")
        assert chain.count == 2 and chain.address == "user@fabrikam.com"
    with sslvdir.AutodiscoverChain("a@contoso.com") as chain:
        for i in range(10):
            chain.follow_url(f"https://h{i}.contoso.com/autodiscover/autodiscover.xml", 302)
        with pytest.raises(sslvdir.RefusedError):
            chain.follow_url("https://h10.contoso.com/autodiscover/autodiscover.xml", 302)


def test_golden_request_answers_parse(policy):
    with open(data_path("autodiscover", "golden", "mobilesync.req"), "rb") as f:
        doc = policy.autodiscover_respond(f.read(), time_us=1)
    ET.fromstring(doc)
