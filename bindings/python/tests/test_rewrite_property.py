# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""The body rewriter's promise, checked on generated bodies: it only ever
turns a link of ours into the same link over https. Bodies are built from
pieces that make URL parsers disagree (ports, dots in every spelling,
userinfo, backslashes, JSON escapes, quotes, whitespace, foreign hosts,
random bytes). For every link, as a browser would read it in the raw text,
after HTML character references are decoded, after JSON escapes are decoded,
and both, and as the text of its element (what XML readers, textContent and
XPath string() give: text joined across tags, comments and CDATA), the host a WHATWG URL parser sees after the rewrite (whatwg_url, a
model written apart from the library) must be the host it saw before; and a
link that changed must have been http on one of our hosts with no port or
port 80, and must now be https on the same host and that host's https port.
The rewriter runs on the whole body and in random chunks, with the same
output. Derandomized, so a failure repeats; bounded, so it fits make check
also under the sanitizers.
"""

import html
import json
import os
import random
import re
import shutil
import subprocess

import pytest

import sslvdir
import whatwg_url

if os.environ.get("SSLVDIR_REQUIRE_READERS") == "1":
    import hypothesis  # noqa: F401 (CI has it: a missing one must fail there)
hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402

# Our hosts and the https port each is written with (None: 443, no port).
HOSTS = {"mail.contoso.com": None, "autodiscover.contoso.com": None,
         "partner.fabrikam.com": 8443, "[2001:db8::1]": None}
OURS = {whatwg_url.parse_host(h): (h, port) for h, port in HOSTS.items()}

SCHEMES = [b"http://", b"HTTP://", b"Http://", b"http:\\/\\/", b"https://", b"http:", b"http:/",
           b"http:\\\\", b"//"]
OUR_HOSTS = [b"mail.contoso.com", b"MAIL.Contoso.COM", b"autodiscover.contoso.com",
             b"partner.fabrikam.com", b"[2001:db8::1]", b"[2001:DB8::1]"]
PIECES = [
    # ports
    b":", b":80", b":080", b":443", b":8443", b":8", b"80", b"0",
    # dots in every spelling: plain, percent-encoded, character references,
    # JSON, and the ideographic full stops IDNA maps to '.'
    b".", b"%2e", b"%2E", b"&#46;", b"&#x2e;", b"&period;", b"\\u002e", b"\\u002E",
    "\u3002".encode(), "\uff0e".encode(), "\uff61".encode(),
    # userinfo and what else ends or continues an authority
    b"@", b"user@", b"user:pw@", b"\\u0040", b"&#64;", b"&amp;", b"&quot;", b"\\", b"\\/", b"\\\\",
    b"\\\"", b"/", b"?", b"#", b"%", b"-", b"_", b"~", b",", b";", b"=", b")", b"(",
    # foreign hosts and host name pieces
    b"evil.com", b"evil", b"com", b"x", b"mail.contoso.com", b"http://", b"https://",
    # quotes, markup, whitespace, controls
    b'"', b"'", b"<", b">", b" ", b"\t", b"\n", b"\r", b"\x00", b"\x7f", b"\xff",
    # markup whose text joins what is on both sides of it
    b"<b/>", b"<b>", b"</span>", b"<!---->", b"<!--x-->", b"<![CDATA[", b"]]>",
]
OPENERS = [b"", b'"', b"'", b"(", b"=", b" ", b"\\\"", b"&quot;", b">", b"/", b":", b"@",
           b"x", b"\n"]

PORTS = [b"", b"", b":", b":80", b":080", b":443", b":8", b":8443"]

# A link: what comes before it, a scheme, one of our hosts, maybe a port,
# then the byte or piece that decides whether the authority ends there, and
# more pieces.
link = st.builds(lambda o, s, h, p, c, t: o + s + h + p + c + b"".join(t),
                 st.sampled_from(OPENERS), st.sampled_from(SCHEMES), st.sampled_from(OUR_HOSTS),
                 st.sampled_from(PORTS), st.one_of(st.sampled_from(PIECES), st.binary(max_size=1)),
                 st.lists(st.one_of(st.sampled_from(PIECES), st.binary(min_size=1, max_size=2)),
                          max_size=4))
noise = st.one_of(st.sampled_from(PIECES), st.binary(max_size=4))
body = st.lists(st.one_of(link, link, noise), min_size=1, max_size=6).map(b"".join)

SENTINEL = "\ue000"  # a quote escaped in JSON: part of the string, not its end
_JSON_ESCAPE = re.compile(r'\\(u[0-9A-Fa-f]{4}(?:\\u[0-9A-Fa-f]{4})?|["\\/bfnrt])')
_SIMPLE = {'"': SENTINEL, "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
           "t": "\t"}


def json_unescape(text):
    def one(m):
        e = m.group(1)
        if e[0] != "u":
            return _SIMPLE[e]
        units = [int(u, 16) for u in e[1:].split("\\u")]
        raw = b"".join(u.to_bytes(2, "big") for u in units)
        s = raw.decode("utf-16-be", "replace")
        return SENTINEL if s == '"' else s
    return _JSON_ESCAPE.sub(one, text)


_MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[(.*?)\]\]>|</?[A-Za-z][^<>]*>", re.S)


def element_text(text):
    """The text an element's reader joins: comments and tags dropped, CDATA
    sections unwrapped (XML readers, DOM textContent, XPath string())."""
    return _MARKUP.sub(lambda m: m.group(1) or "", text)


def _same(t):
    return t


# Each view: how the body is decoded, and how the text that follows a link
# start is read (None: as it is).
VIEWS = {
    "raw": (_same, None),
    "html": (html.unescape, None),
    "json": (json_unescape, None),
    "json+html": (lambda t: html.unescape(json_unescape(t)), None),
    "text": (_same, element_text),
    "text+html": (_same, lambda t: html.unescape(element_text(t))),
}

_LINK_START = re.compile(r"(?i)(?<![A-Za-z0-9+.\-])https?:")
_ELSEWHERE = [r"[ \t\n\f\r>]", '"', "'", '[\ue000"]']
_QUOTED = {'"': ['"'], "'": ["'"], "(": [r"\)"], SENTINEL: ['[\ue000"]'],
           # a text node: a linkifier may stop at a tag or a blank; in RCDATA
           # (<title>, <textarea>) '<' is text, so anything else too
           ">": [r"<[A-Za-z/!?]|[ \t\n\f\r]"] + _ELSEWHERE}


def links(text, tail=None):
    """(start, [url strings]) for each http(s) link start in text: one URL
    string for each extent a context could give it. After a quote (or '(')
    the link ends at the matching one, after '>' it is text up to a tag or
    further (RCDATA); after anything else it may sit in text or an unquoted
    attribute (ends at whitespace or '>'), or further inside a quoted
    attribute, JSON or script string (ends at a quote). tail, if given,
    reads the text from the link start on (an element's joined text)."""
    out = []
    for m in _LINK_START.finditer(text):
        s = m.start()
        opener = text[s - 1] if s else ""
        rest = text[s:] if tail is None else tail(text[s:])
        urls = []
        for stop in _QUOTED.get(opener, _ELSEWHERE):
            e = re.compile(stop).search(rest)
            urls.append(rest[:e.start() if e else len(rest)].replace(SENTINEL, '"'))
        out.append((s, urls))
    return out


def check_links(before, after):
    """Raises AssertionError naming the view and the link when the promise
    does not hold."""
    for name, (view, tail) in VIEWS.items():
        b_text = view(before.decode("utf-8", "replace"))
        a_text = view(after.decode("utf-8", "replace"))
        b_links, a_links = links(b_text, tail), links(a_text, tail)
        assert len(b_links) == len(a_links), (name, "links appeared or vanished", b_text, a_text)
        for (_, b_urls), (_, a_urls) in zip(b_links, a_links):
            for b_url, a_url in zip(b_urls, a_urls):
                if b_url == a_url:
                    continue
                b, a = whatwg_url.parse(b_url), whatwg_url.parse(a_url)
                b_host = b[1] if isinstance(b, tuple) else b
                a_host = a[1] if isinstance(a, tuple) else a
                where = (name, b_url, a_url, b, a)
                if b_host != a_host:
                    # Only a link that holds ours in its authority: its host
                    # may change from one name DNS cannot have to another.
                    assert not reachable(b_host) and not reachable(a_host), \
                        ("the host changed",) + where
                    continue
                if b == a:
                    continue  # a link inside its path or query was rewritten
                assert b is not None, ("not an http link, yet changed",) + where
                if b is whatwg_url.FAILURE:
                    assert a is whatwg_url.FAILURE, ("an invalid link became valid",) + where
                    continue
                assert b[0] == "http" and b[1] in OURS and b[2] is None, \
                    ("not ours, yet changed",) + where
                assert a == ("https", b[1], OURS[b[1]][1]), ("not the same link over https",) + where


_DNS_LABEL = re.compile(r"[a-z0-9_-]+")


def reachable(host):
    """Whether a client could look the host up: an IP address or a name of
    letters, digits, '-' and '_' labels (what DNS names hold)."""
    if not isinstance(host, str):
        return False
    if host.startswith("["):
        return True
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    return all(_DNS_LABEL.fullmatch(label) for label in labels)


@pytest.fixture(scope="module")
def rewriter():
    rw = sslvdir.Rewriter()
    for host, port in HOSTS.items():
        rw.add_host(host, port or 443)
    yield rw
    rw.close()


def stream(rw, data, sizes):
    rw.begin("text/html")
    out, off, k = [], 0, 0
    while off < len(data):
        n = sizes[k % len(sizes)]
        out.append(rw.feed(data[off:off + n]))
        off += n
        k += 1
    out.append(rw.finish())
    return b"".join(out)


@settings(max_examples=int(os.environ.get("SSLVDIR_PROPERTY_EXAMPLES", "400")), derandomize=True,
          database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=body, sizes=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8))
@example(data=b"http://mail.contoso.com:80.evil.com/x", sizes=[1])
@example(data=b"{\"u\":\"http:\\/\\/mail.contoso.com:80\\u002eevil.com\\/x\"}", sizes=[7])
@example(data=b"<a href=\"http://mail.contoso.com:80&#46;evil.com/\">", sizes=[40])
@example(data=b"http://mail.contoso.com:80\xe3\x80\x82evil.com/", sizes=[2])
@example(data=b"'http://MAIL.contoso.com:80'", sizes=[3])
@example(data=b"<EwsUrl>http://mail.contoso.com:80<![CDATA[.evil.example/]]></EwsUrl>", sizes=[5])
@example(data=b"<p><span>http://mail.contoso.com:80</span>.evil.example/</p>", sizes=[9])
@example(data=b"<title>http://mail.contoso.com<b@evil.example/</title>", sizes=[4])
def test_rewriting_keeps_every_host(rewriter, data, sizes):
    rewriter.begin("text/html")
    whole = rewriter.rewrite(data)
    assert stream(rewriter, data, sizes) == whole
    check_links(data, whole)


def test_the_property_sees_the_bug_class(rewriter):
    """The check itself must fail on the rewrites this test is about."""
    for before, after in (
            (b"http://mail.contoso.com:80.evil.com/x", b"https://mail.contoso.com.evil.com/x"),
            (b"http:\\/\\/mail.contoso.com\\u002eevil.com", b"https:\\/\\/mail.contoso.com\\u002eevil.com"),
            (b"'http://mail.contoso.com:80&#46;evil.com'", b"'https://mail.contoso.com&#46;evil.com'"),
            (b"http://http://mail.contoso.com/", b"http://https://mail.contoso.com/"),
            (b"\"http://mail.contoso.com:80\n.evil.com\"", b"\"https://mail.contoso.com\n.evil.com\""),
            # an element's text joined across CDATA, a comment, a tag
            (b"<u>http://mail.contoso.com:80<![CDATA[.evil.example/]]></u>",
             b"<u>https://mail.contoso.com<![CDATA[.evil.example/]]></u>"),
            (b"<u>http://mail.contoso.com:<![CDATA[.evil.example/]]></u>",
             b"<u>https://mail.contoso.com<![CDATA[.evil.example/]]></u>"),
            (b"<u>http://mail.contoso.com:80<!---->.evil.example/</u>",
             b"<u>https://mail.contoso.com<!---->.evil.example/</u>"),
            (b"<Url>http://mail.contoso.com:80<b/>.evil.example/</Url>",
             b"<Url>https://mail.contoso.com<b/>.evil.example/</Url>"),
            (b"<p><span>http://mail.contoso.com:80</span>.evil.example/</p>",
             b"<p><span>https://mail.contoso.com</span>.evil.example/</p>"),
            # RCDATA: "<b" is text, the host is evil.example's
            (b"<title>http://mail.contoso.com<b@evil.example/</title>",
             b"<title>https://mail.contoso.com<b@evil.example/</title>")):
        with pytest.raises(AssertionError):
            check_links(before, after)
    check_links(b"x 'http://mail.contoso.com:80/'", b"x 'https://mail.contoso.com/'")
    check_links(b"http://partner.fabrikam.com/", b"https://partner.fabrikam.com:8443/")


@pytest.mark.skipif(not shutil.which("node"), reason="node not on PATH: no cross-check")
def test_model_agrees_with_node():
    """The model against node's WHATWG URL parser on 600 URL strings made of
    the same pieces (optional: the property test does not need node)."""
    rng = random.Random(20261127)
    urls = []
    while len(urls) < 600:
        data = (rng.choice(SCHEMES) + rng.choice(OUR_HOSTS) + rng.choice(PORTS) +
                b"".join(rng.choice(PIECES) if rng.random() < 0.8 else bytes([rng.randrange(256)])
                         for _ in range(rng.randrange(5))))
        for _, found in links(data.decode("utf-8", "replace")):
            urls.extend(found)
    script = ("const lines = require('fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean);"
              "console.log(JSON.stringify(lines.map(l => { const s = JSON.parse(l);"
              " try { const u = new URL(s); return [u.protocol, u.hostname, u.port]; }"
              " catch (e) { return null; } })));")
    res = subprocess.run(["node", "-e", script], input="\n".join(json.dumps(u) for u in urls),
                         capture_output=True, text=True, check=True)
    differ = []
    for url, got in zip(urls, json.loads(res.stdout)):
        want = whatwg_url.parse(url)
        if want is None:
            continue  # not an absolute http(s) URL: the model does not read it
        want_node = None if want is whatwg_url.FAILURE else \
            [want[0] + ":", want[1], "" if want[2] is None else str(want[2])]
        if got != want_node:
            differ.append((url, want, got))
    assert not differ, "\n".join(map(repr, differ[:40]))
