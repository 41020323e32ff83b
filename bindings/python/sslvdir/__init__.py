"""libsslvdir for Python: the SSL policy of IIS/Exchange virtual directories.

    import sslvdir
    policy = sslvdir.load_policy(preset="exchange2016", hosts=["mail.contoso.com"])
    d = policy.decide("GET", "/owa/", "mail.contoso.com")
    d.action, d.status, d.substatus  # 'deny', 403, 4: Exchange as it ships
    policy = sslvdir.load_policy(preset="exchange2016", hosts=["mail.contoso.com"],
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
DEFAULT_HOSTS = ("mail.contoso.com", "autodiscover.contoso.com")


def _one_or_many(value, what):
    if value is None:
        return ()
    if isinstance(value, (str, bytes, _os.PathLike)):
        return (value,)
    try:
        return tuple(value)
    except TypeError:
        raise TypeError(f"{what} must be a str or a sequence of str") from None


def _with_loaded(obj, cls, use):
    """use(obj) for an object of cls, else use() a cls loaded from the path obj."""
    if isinstance(obj, cls):
        use(obj)
    else:
        with cls.load(obj) as loaded:
            use(loaded)


def load_policy(*, preset=None, policy=None, hosts=None, offloaders=None,
                iisconfig=None, reg=None, autodiscover_domains=None,
                site=DEFAULT_SITE, redirect=False, extended_protection=None,
                offloader_cipher_bits=None, offloader_cipher_header=None):
    """Build a Policy the way the sslvdir command does.

    preset: a built-in preset name (default "exchange2016" unless a policy
    file is given, or an applicationHost.config alone names the sites);
    policy: a policy file (path); hosts: host names for the preset's site
    (default mail.contoso.com and autodiscover.contoso.com); offloaders:
    trusted offloader CIDRs; iisconfig: an applicationHost.config path or
    IISConfig; reg: .reg paths or RegFile objects; autodiscover_domains:
    e-mail domains the site answers Autodiscover for (default: the first
    host without its first label); redirect: Microsoft's http->https
    recipe for the preset (browser vdirs answer plain-HTTP GET and HEAD with
    302; without it, as Exchange ships, 403.4); extended_protection: True or
    False as the server has it (None: what the version's Setup leaves; an
    -offload preset with it on is refused); offloader_cipher_bits and
    offloader_cipher_header: what every offloader of offloaders guarantees
    about the cipher (the minimum key size it enforces, a header it fills
    with the cipher or its key size), without which Ssl128 vdirs answer
    403.5 through them.
    """
    if preset is not None and policy is not None:
        raise ValueError("give preset or policy, not both")
    hosts = [_os.fsdecode(h) for h in _one_or_many(hosts, "hosts")]
    ad = list(_one_or_many(autodiscover_domains, "autodiscover_domains"))
    if policy is not None and (hosts or ad):
        raise ValueError("hosts and autodiscover_domains go with a preset; a policy file names its own")
    uses_preset = policy is None and not (iisconfig is not None and preset is None and not hosts and not ad)
    if (redirect or extended_protection is not None) and not uses_preset:
        raise ValueError("redirect and extended_protection go with a preset")
    with Builder() as b:
        if policy is not None:
            b.load_policy(policy)
        elif iisconfig is not None and preset is None and not hosts and not ad:
            pass  # the server's own configuration names the sites
        else:
            b.apply_preset(preset or "exchange2016", site, redirect=redirect,
                           extended_protection=extended_protection)
            for h in hosts or DEFAULT_HOSTS:
                b.add_host(site, h)
            if not ad:
                first = (hosts or DEFAULT_HOSTS)[0]
                _, _, rest = first.partition(".")
                if "." in rest:
                    ad = [rest]
            for domain in ad:
                b.add_autodiscover_domain(domain, "settings", site)
        if iisconfig is not None:
            _with_loaded(iisconfig, IISConfig, b.apply_iisconfig)
        for r in _one_or_many(reg, "reg"):
            _with_loaded(r, RegFile, b.apply_regfile)
        offs = list(_one_or_many(offloaders, "offloaders"))
        knobs = offloader_cipher_bits is not None or offloader_cipher_header is not None
        if knobs and not offs:
            raise ValueError("offloader_cipher_bits and offloader_cipher_header go with offloaders")
        for cidr in offs:
            if knobs:
                b.set_offloader_cipher(cidr, offloader_cipher_bits or 0, offloader_cipher_header)
            else:
                b.add_offloader(cidr)
        return b.build()


# Settings reads as a Mapping (keys, values, items, get, in, len, iter, []);
# registered, since a C type cannot inherit the ABC's mixins.
_abc.Mapping.register(Settings)

__all__ = [name for name in dir() if not name.startswith("_") and name != "_os"]
