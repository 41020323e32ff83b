# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""What host a browser sees in an http(s) URL: a small model of the WHATWG
URL Standard (https://url.spec.whatwg.org/), written apart from the library
so that tests can check the library's rewriting against it.

Only what decides scheme, host and port of an absolute http or https URL
with no base of the same scheme is modelled: the basic URL parser's
stripping, the special authority states (slashes and backslashes skipped,
the authority ends at / ? # or \\, userinfo up to the last @, the port after
the last ':' outside brackets), and the host parser (IPv6, percent-decoding,
domain to ASCII, forbidden domain code points, IPv4 in all its spellings).
Domain to ASCII (UTS #46) is approximated with NFKC and case folding, which
maps the ideographic full stops U+3002, U+FF0E and U+FF61 to '.' as UTS #46
does; tests/ cross-check the model with node's URL parser when node exists.

parse(url) returns None for a URL that is not absolute http or https (a
relative reference, another scheme), FAILURE when the parser fails, and
otherwise (scheme, host, port) with the host serialized as the standard does
and port None for the scheme's default.
"""

import ipaddress
import re
import unicodedata



class _Failure:
    def __repr__(self):
        return "FAILURE"


FAILURE = _Failure()

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*:")
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_DEFAULT_PORT = {"http": 80, "https": 443}
# Forbidden host code points, then the domain ones: C0 controls, '%', DEL.
_FORBIDDEN_HOST = set("\0\t\n\r #/:<>?@[\\]^|")
_HEX = b"0123456789abcdefABCDEF"
_FORBIDDEN_DOMAIN = _FORBIDDEN_HOST | {chr(c) for c in range(0x20)} | {"%", "\x7f"}


def _percent_decode(data):
    out = bytearray()
    i = 0
    while i < len(data):
        pair = data[i + 1:i + 3]
        if data[i] == 0x25 and len(pair) == 2 and all(b in _HEX for b in pair):
            out.append(int(pair, 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _disallowed(ch):
    """Code points UTS #46 disallows (an approximation: what is not a
    letter, mark, number, symbol or punctuation of Unicode)."""
    if ch == "\ufffd":
        return True
    return ord(ch) >= 0x80 and unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co", "Cs",
                                                            "Zs", "Zl", "Zp")


def _domain_to_ascii(domain):
    if all(ord(c) < 0x80 for c in domain):
        mapped = domain.lower()  # UTS #46 maps ASCII only by lower-casing it
    else:
        mapped = unicodedata.normalize("NFKC", domain).casefold().replace("\u3002", ".")
        if any(_disallowed(c) for c in mapped):
            return FAILURE
    labels = []
    for label in mapped.split("."):
        if label.startswith("xn--"):
            try:
                decoded = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                return FAILURE
            if not decoded or all(ord(c) < 0x80 for c in decoded) or \
                    any(_disallowed(c) for c in decoded):
                return FAILURE
        if any(ord(c) >= 0x80 for c in label):
            label = "xn--" + label.encode("punycode").decode("ascii")
        labels.append(label)
    if not _bidi_ok([_unicode_label(label) for label in labels]):
        return FAILURE
    result = ".".join(labels)
    return result if result else FAILURE


def _unicode_label(label):
    if label.startswith("xn--"):
        return label[4:].encode("ascii").decode("punycode")
    return label


_RTL = {"R", "AL", "AN"}
_RTL_ALLOWED = {"R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"}
_LTR_ALLOWED = {"L", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"}


def _bidi_ok(labels):
    """The Bidi rule of RFC 5893 (UTS #46 CheckBidi), for a domain that has
    a right-to-left label."""
    classes = [[unicodedata.bidirectional(c) for c in label] for label in labels]
    if not any(_RTL & set(cl) for cl in classes):
        return True
    for cl in classes:
        if not cl:
            continue
        if cl[0] not in ("L", "R", "AL"):
            return False
        core = cl[:]
        while core and core[-1] == "NSM":
            core.pop()
        if cl[0] in ("R", "AL"):
            if any(c not in _RTL_ALLOWED for c in cl) or not core or \
                    core[-1] not in ("R", "AL", "EN", "AN"):
                return False
            if "EN" in cl and "AN" in cl:
                return False
        else:
            if any(c not in _LTR_ALLOWED for c in cl) or not core or core[-1] not in ("L", "EN"):
                return False
    return True


def _ipv4_number(part):
    if part == "":
        return None
    base = 10
    if part[:2] in ("0x", "0X"):
        part, base = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, base = part[1:], 8
    if part == "":
        return 0
    digits = {10: "0123456789", 16: "0123456789abcdefABCDEF", 8: "01234567"}[base]
    if any(c not in digits for c in part):
        return None
    return int(part, base)


def _ends_in_number(host):
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    if last and all(c in "0123456789" for c in last):
        return True
    return _ipv4_number(last) is not None and last[:2] in ("0x", "0X")


def _ipv4(host):
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return FAILURE
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return FAILURE
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return FAILURE
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n * 256 ** (3 - i)
    return ".".join(str((value >> s) & 255) for s in (24, 16, 8, 0))


def parse_host(text):
    """The host parser for a special URL: the serialized host or FAILURE."""
    if text.startswith("["):
        if not text.endswith("]") or "%" in text:
            return FAILURE
        try:
            return "[" + ipaddress.IPv6Address(text[1:-1]).compressed + "]"
        except ValueError:
            return FAILURE
    domain = _percent_decode(text.encode("utf-8", "surrogatepass")).decode("utf-8", "replace")
    ascii_domain = _domain_to_ascii(domain)
    if ascii_domain is FAILURE or any(c in _FORBIDDEN_DOMAIN for c in ascii_domain):
        return FAILURE
    if _ends_in_number(ascii_domain):
        return _ipv4(ascii_domain)
    return ascii_domain


def parse(url):
    """None, FAILURE or (scheme, host, port) for url (a str)."""
    url = url.strip(_C0_OR_SPACE)
    url = url.replace("\t", "").replace("\n", "").replace("\r", "")
    m = _SCHEME.match(url)
    if not m:
        return None
    scheme = m.group()[:-1].lower()
    if scheme not in _DEFAULT_PORT:
        return None
    # Special authority (ignore) slashes: every '/' and '\' is skipped.
    rest = url[m.end():].lstrip("/\\")
    end = re.search(r"[/?#\\]", rest)
    authority = rest[:end.start()] if end else rest
    if "@" in authority:
        authority = authority[authority.rindex("@") + 1:]
        if authority == "":
            return FAILURE  # host-missing
    inside, colon = False, None
    for i, c in enumerate(authority):
        if c == "[":
            inside = True
        elif c == "]":
            inside = False
        elif c == ":" and not inside:
            colon = i
            break
    host_text = authority if colon is None else authority[:colon]
    if host_text == "":
        return FAILURE
    host = parse_host(host_text)
    if host is FAILURE:
        return FAILURE
    port = None
    if colon is not None:
        digits = authority[colon + 1:]
        if any(c not in "0123456789" for c in digits):
            return FAILURE
        if digits:
            port = int(digits)
            if port > 65535:
                return FAILURE
            if port == _DEFAULT_PORT[scheme]:
                port = None
    return (scheme, host, port)
