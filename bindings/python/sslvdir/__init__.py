# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""libsslvdir for Python: the SSL policy of IIS/Exchange virtual directories.

    import sslvdir
    policy = sslvdir.load_policy(preset="exchange2016", hosts=["mail.contoso.com"],
                                 autodiscover_domains=["contoso.com"])
    d = policy.decide("GET", "/owa/", "mail.contoso.com")
    d.action, d.status, d.substatus  # 'deny', 403, 4: Exchange as it ships
    policy = sslvdir.load_policy(preset="exchange2016", hosts=["mail.contoso.com"],
                                 autodiscover_domains=["contoso.com"],
                                 redirect=True)  # Microsoft's http->https recipe
    d = policy.decide("GET", "/owa/", "mail.contoso.com")
    d.action, d.status, d.location   # 'redirect', 302, 'https://mail.contoso.com/owa/'

Everything the C library offers is here (see doc/python.md and the
type stubs): policies from presets, policy files, applicationHost.config and
.reg files; decisions; header and body rewriting; Autodiscover; certificates,
trust stores and the audit; plans. Errors are sslvdir.Error subclasses with
.code; wrong argument types raise TypeError and wrong values ValueError.
"""

import collections.abc as _abc
import os as _os

from ._sslvdir import (  # noqa: F401  (re-exported)
    Audit,
    AutodiscoverChain,
    Builder,
    BufferTooSmallError,
    CallbackError,
    Candidate,
    Cert,
    CertInfo,
    Decision,
    DuplicateError,
    Error,
    FileError,
    Finding,
    IISConfig,
    InconsistentError,
    InvalidArgumentError,
    KEY_ALLOW_EXTERNAL_UNTRUSTED,
    KEY_ALLOW_INTERNAL_UNTRUSTED,
    KEY_ALLOW_PROXYING_WITHOUT_SSL,
    KEY_OA_SSL_OFFLOADING,
    KEY_SSL_OFFLOADED,
    NoMemoryError,
    NotFoundError,
    ParseError,
    PasswordError,
    Plan,
    PlanStep,
    Policy,
    RangeError,
    RefusedError,
    RegFile,
    Rewriter,
    SSL,
    SSL128,
    SSL_MAP_CERT,
    SSL_NEGOTIATE_CERT,
    SSL_NONE,
    SSL_REQUIRE_CERT,
    Settings,
    Site,
    Trust,
    TypeMismatchError,
    UnknownNameError,
    VDir,
    VERSION,
    VERSION_NUM,
    autodiscover_candidates,
    autodiscover_parse_request,
    autodiscover_redirect_addr,
    autodiscover_redirect_url,
    build_policy,
    cert_status_parse,
    cipher_bits,
    flags_format,
    flags_parse,
    kinds,
    path_canonicalize,
    presets,
    reason,
    reasons,
    rewrite_header_kind,
    srv_select,
    strerror,
    trust_status,
    version,
)

__version__ = VERSION

DEFAULT_SITE = "Default Web Site"

# load_policy()'s keywords, as the library names the options they set; the
# library's messages then say hosts=, not host.
_OPTIONS = (
    ("policy", "policy"), ("preset", "preset"), ("hosts", "host"),
    ("autodiscover_domains", "ad-domain"), ("site", "site"), ("redirect", "redirect"),
    ("extended_protection", "extended-protection"), ("iisconfig", "iisconfig"), ("reg", "reg"),
    ("offloaders", "offloader"), ("offloader_cipher_bits", "offloader-cipher-bits"),
    ("offloader_cipher_header", "offloader-cipher-header"),
)
_SPELLINGS = tuple((name, keyword + "=") for keyword, name in _OPTIONS)


def _one_or_many(value, what):
    if value is None:
        return ()
    if isinstance(value, (str, bytes, _os.PathLike)):
        return (value,)
    try:
        return tuple(value)
    except TypeError:
        raise TypeError(f"{what} must be a str or a sequence of str") from None


def _switch(value, what):
    """"on"/"off" for True/False (1/0); anything else is a TypeError, not truthiness."""
    if value is True or value is False or (type(value) is int and value in (0, 1)):
        return "on" if value else "off"
    raise TypeError(f"{what} must be True or False, not {type(value).__name__}")


def load_policy(*, preset=None, policy=None, hosts=None, offloaders=None,
                iisconfig=None, reg=None, autodiscover_domains=None,
                site=None, redirect=False, extended_protection=None,
                offloader_cipher_bits=None, offloader_cipher_header=None):
    """Build a Policy from options, by the rules the sslvdir command follows
    (sslvdir_policy_options_build() in C): nothing is guessed, a missing
    setting is a ValueError (InconsistentError) that says what to give.

    The policy comes from one of policy (a policy file), preset (a built-in
    preset) and iisconfig alone (an applicationHost.config path: the
    server's sites). With a preset: hosts, the host names of the preset's
    site (or an iisconfig whose bindings name them), and
    autodiscover_domains, the users' e-mail domains its Autodiscover answers
    for, are required; site is the preset's IIS site ("Default Web Site");
    redirect=True is Microsoft's http->https recipe (browser vdirs answer
    plain-HTTP GET and HEAD with 302; without it, as Exchange ships, 403.4);
    extended_protection True or False says what the server has (None: what
    the version's Setup leaves; an -offload preset with it on is refused).
    iisconfig and reg (.reg paths) are applied on top. offloaders: trusted
    offloader CIDRs; offloader_cipher_bits and offloader_cipher_header: what
    every one of them guarantees about the cipher (the minimum key size it
    enforces, a header it fills with the cipher or its key size), without
    which Ssl128 vdirs answer 403.5 through them. For IISConfig and RegFile
    objects, use a Builder.
    """
    values = []
    for keyword, name in _OPTIONS:
        value = locals()[keyword]
        if value is None or (keyword == "redirect" and value is False):
            continue
        if keyword in ("redirect", "extended_protection"):
            values.append((name, _switch(value, keyword)))
        elif keyword == "offloader_cipher_bits":
            if type(value) is not int:
                raise TypeError(f"offloader_cipher_bits must be int, not {type(value).__name__}")
            values.append((name, str(value)))
        else:
            for v in _one_or_many(value, keyword):
                if not isinstance(v, (str, bytes, _os.PathLike)):
                    raise TypeError(f"{keyword} must be a str or a sequence of str, "
                                    f"not {type(v).__name__}")
                values.append((name, v))
    return build_policy(_SPELLINGS, values)


# Settings reads as a Mapping (keys, values, items, get, in, len, iter, []);
# registered, since a C type cannot inherit the ABC's mixins.
_abc.Mapping.register(Settings)

__all__ = [name for name in dir() if not name.startswith("_") and name != "_os"]
