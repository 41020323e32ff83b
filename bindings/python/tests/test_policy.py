# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Policies and decisions, as a Python proxy or script sees them."""

import os
import threading

import pytest

import sslvdir

from conftest import DATA, NS


def test_owa_over_http_is_403_4_as_exchange_ships(policy):
    # A preset is the version's shipped state: IIS answers plain HTTP with 403.4.
    d = policy.decide("GET", "/owa/?ae=Folder", "mail.contoso.com")
    assert (d.action, d.iis_status, d.location) == ("deny", "403.4", "")
    for preset in ("exchange2013", "exchange2016-offload", "exchange2019", "exchangese"):
        p = sslvdir.load_policy(preset=preset, **NS)
        assert p.decide("GET", "/owa/", "mail.contoso.com").iis_status == "403.4", preset
        assert p.decide("GET", "/", "mail.contoso.com").iis_status == "403.4", preset


def test_owa_over_http_redirects_with_the_recipe(redirect_policy):
    d = redirect_policy.decide("GET", "/owa/?ae=Folder", "mail.contoso.com")
    assert d.action == "redirect"
    assert d.status == 302
    assert d.location == "https://mail.contoso.com/owa/?ae=Folder"
    assert d.vdir.kind == "owa"
    assert d.vdir.config_path == "Default Web Site/owa"
    assert d.reason == "redirect-https"
    assert isinstance(d, tuple) and d[0] == "redirect"  # a struct sequence: immutable, named


def test_ews_over_http_is_403_4(policy):
    d = policy.decide("POST", "/EWS/Exchange.asmx", "mail.contoso.com")
    assert (d.action, d.status, d.substatus, d.iis_status) == ("deny", 403, 4, "403.4")
    assert d.reason == "ssl-required"
    assert d.location == ""


def test_ssl128_and_unknown_key_size(policy):
    ok = policy.decide("GET", "/owa/", "mail.contoso.com", tls=True, cipher_bits=256)
    assert ok.action == "allow" and ok.upstream == "bridge" and ok.tls
    weak = policy.decide("GET", "/owa/", "mail.contoso.com", tls=True, cipher_bits=56)
    assert weak.iis_status == "403.5"
    unknown = policy.decide("GET", "/owa/", "mail.contoso.com", tls=True)
    assert unknown.iis_status == "403.5"  # fail closed: unknown key size


def test_spoofed_forwarded_proto_is_stripped(offload_policy):
    d = offload_policy.decide("GET", "/owa/", "mail.contoso.com", peer="198.51.100.7",
                              x_forwarded_proto="https")
    assert d.action == "deny" and d.iis_status == "403.4"  # not believed: plain HTTP
    assert "X-Forwarded-Proto" in d.remove_headers


def test_offload_sets_headers(offload_policy):
    d = offload_policy.decide("GET", "/owa/", "mail.contoso.com", tls=True, cipher_bits=256)
    assert d.action == "allow" and d.upstream == "offload"
    assert d.set_headers.get("X-Forwarded-Proto") == "https"


def test_trusted_offloader(offload_policy):
    assert offload_policy.is_offloader("10.0.0.5")
    assert not offload_policy.is_offloader("10.0.0.6")
    assert not offload_policy.is_offloader("not an address")
    assert offload_policy.offloaders == ("10.0.0.5/32",) or offload_policy.offloaders[0].startswith("10.0.0.5")


def test_mrsproxy_is_bridged(offload_policy):
    d = offload_policy.decide("POST", "/EWS/mrsproxy.svc", "mail.contoso.com", tls=True,
                              cipher_bits=256)
    assert d.action == "allow" and d.upstream == "bridge"
    assert d.vdir.kind == "mrsproxy"


def test_client_certificate_statuses():
    b = sslvdir.Builder()
    b.apply_preset("exchange2016")
    b.add_host("Default Web Site", "mail.contoso.com")
    b.set_vdir_edge_flags("Default Web Site", "/Microsoft-Server-ActiveSync",
                          "Ssl,SslNegotiateCert,SslRequireCert,Ssl128")
    p = b.build()
    want = {"none": "403.7", "untrusted": "403.16", "expired": "403.17", "revoked": "403.13"}
    for status, iis in want.items():
        d = p.decide("POST", "/Microsoft-Server-ActiveSync", "mail.contoso.com", tls=True,
                     cipher_bits=256, client_cert=status)
        assert d.iis_status == iis, status
    assert p.decide("POST", "/Microsoft-Server-ActiveSync", "mail.contoso.com", tls=True,
                    cipher_bits=256, client_cert="ok").action == "allow"
    with pytest.raises(ValueError):
        p.decide("GET", "/", "mail.contoso.com", client_cert="maybe")


def test_client_cert_takes_the_names_only():
    # True is an int to Python, and status 1 is "ok": client_cert=True let a
    # request without a certificate through a vdir that requires one.
    b = sslvdir.Builder()
    b.apply_preset("exchange2016")
    b.set_vdir_edge_flags("Default Web Site", "/owa", "Ssl,SslNegotiateCert,SslRequireCert")
    p = b.build()
    for bad in (True, False, 1, 0, 1.0, ["ok"]):
        with pytest.raises(TypeError, match="client_cert must be str"):
            p.decide("GET", "/owa/", "h", tls=True, cipher_bits=256, client_cert=bad)
    for bad in ("OK", "yes", "1", ""):
        with pytest.raises(ValueError, match="client_cert"):
            p.decide("GET", "/owa/", "h", tls=True, cipher_bits=256, client_cert=bad)
    assert p.decide("GET", "/owa/", "h", tls=True, cipher_bits=256).iis_status == "403.7"
    assert p.decide("GET", "/owa/", "h", tls=True, cipher_bits=256,
                    client_cert=None).iis_status == "403.7"
    assert p.decide("GET", "/owa/", "h", tls=True, cipher_bits=256,
                    client_cert=b"ok").action == "allow"


def test_flags_and_numbers_are_not_truthiness(policy, tmp_path):
    # Yes/no arguments take a bool (or 0/1), never any truthy object; a bool
    # is never taken for a number or a name.
    b = sslvdir.Builder()
    b.apply_preset("exchange2016")
    owa = ("Default Web Site", "/owa")
    reg = sslvdir.RegFile.parse(b"Windows Registry Editor Version 5.00\r\n")
    trust = sslvdir.Trust()
    plan = sslvdir.Plan()
    settings = sslvdir.Settings()
    ad_body = b"<Autodiscover/>"
    bad_flag = [
        lambda v: b.set_vdir_extended_protection(*owa, v),
        lambda v: b.set_vdir_secure_cookies(*owa, v),
        lambda v: policy.autodiscover_respond(ad_body, spec_spelling=v),
        lambda v: sslvdir.autodiscover_redirect_url("https://mail.contoso.com/", spec_spelling=v),
        lambda v: reg.to_bytes(utf8=v),
        lambda v: reg.to_bytes(regedit4=v),
        lambda v: plan.build(iisreset=v),
        lambda v: trust.verify_der([b"0"], explain=v),
    ]
    for i, call in enumerate(bad_flag):
        for v in ("false", "no", "0", b"", None, 0.0, []):
            with pytest.raises(TypeError, match="must be bool"):
                call(v)
        with pytest.raises(ValueError, match="True or False"):
            call(2)
    # A string "false" used to turn Extended Protection on; 0 and 1 still work.
    b.set_vdir_extended_protection(*owa, 0)
    b.set_vdir_secure_cookies(*owa, False)
    p = b.build()
    v = p.find_vdir("Default Web Site/owa")
    assert not v.extended_protection and not v.secure_cookies
    b.set_vdir_extended_protection(*owa, 1)
    assert b.build().find_vdir("Default Web Site/owa").extended_protection
    bad_bool = [
        lambda: policy.decide("GET", "/owa/", "h", tls=True, cipher_bits=True),
        lambda: policy.autodiscover_respond(ad_body, time_us=True),
        lambda: policy.autodiscover_respond(ad_body, side=True),
        lambda: policy.autodiscover_error("outlook", True),
        lambda: policy.autodiscover_error(1, 600),
        lambda: policy.backend_accepts(True, 0),
        lambda: policy.backend_accepts("internal", True),
        lambda: b.set_canonical_host("Default Web Site", "h", True),
        lambda: b.set_exchange_version(True),
        lambda: b.set_vdir_edge_flags(*owa, True),
        lambda: b.set_vdir_redirect(*owa, True),
        lambda: b.set_vdir_upstream(*owa, True),
        lambda: b.set_vdir_url(*owa, False, "https://h/owa"),
        lambda: plan.steps(form=True),
        lambda: settings.set("HKLM\\SOFTWARE\\x\\y", True),
        lambda: trust.verify_der([b"0"], now=True),
        lambda: sslvdir.flags_format(True),
        lambda: sslvdir.trust_status(True),
        lambda: sslvdir.srv_select([(True, 0, 443, "h")]),
    ]
    for i, call in enumerate(bad_bool):
        with pytest.raises(TypeError):
            call()
    trust.close()
    plan.close()


def test_hostile_targets_are_decisions_not_exceptions(policy, redirect_policy):
    for target, status in [("/owa/%2e%2e/%2e%2e/x", 400), ("/owa/\r\nX: y", 400),
                           ("/owa/%252e", 404), ("/owa/" + "a" * 70000, 404),
                           (b"/owa/\xff", 400)]:
        d = policy.decide("GET", target, "mail.contoso.com", tls=True, cipher_bits=256)
        assert d.action == "deny" and d.status == status, target[:20]
    d = policy.decide("GET", "/owa/", "evil.example\r\nX: y")
    assert d.status == 400
    d = redirect_policy.decide("GET", "/owa/", "evil.example")  # foreign Host: redirect to our own
    assert d.location.startswith("https://mail.contoso.com/")


def test_wrong_types_and_values(policy):
    with pytest.raises(TypeError):
        policy.decide(1, "/")
    with pytest.raises(TypeError):
        policy.decide("GET", None)
    with pytest.raises(TypeError):
        policy.decide("GET", "/", "h", tls=True, cipher_bits="256")
    with pytest.raises(ValueError):
        policy.decide("GET", "/", "h", cipher_bits=-1)
    with pytest.raises(ValueError):
        policy.decide("GET", "/", "h", cipher_bits=-2 ** 64 + 5)  # no silent wrap-around
    with pytest.raises(ValueError):
        policy.decide("GET", "/", "h", cipher_bits=2 ** 40)
    with pytest.raises(TypeError):
        policy.decide("GET", "/", "h", "positional tls")
    # Not truthiness: tls="false" would mean TLS and let plain HTTP through.
    for bad in ("false", "0", b"", None, 0.0, [True]):
        with pytest.raises(TypeError, match="tls must be bool"):
            policy.decide("GET", "/owa/", "mail.contoso.com", tls=bad)
    with pytest.raises(ValueError):
        policy.decide("GET", "/owa/", "mail.contoso.com", tls=2)
    assert policy.decide("GET", "/owa/", "mail.contoso.com", tls=0).iis_status == "403.4"
    assert policy.decide("GET", "/owa/", "mail.contoso.com", tls=1).tls
    with pytest.raises(UnicodeEncodeError):
        policy.decide("GET", "/\udcff", "h")
    with pytest.raises(TypeError):
        sslvdir.Policy()
    with pytest.raises(TypeError):
        policy.find_vdir(None)
    with pytest.raises(ValueError):
        policy.find_vdir("Default Web Site/owa\0x")


def test_sites_and_vdirs(policy):
    (site,) = policy.sites
    assert site.name == "Default Web Site"
    assert "mail.contoso.com" in site.hosts
    assert site.canonical_host == "mail.contoso.com"
    assert site.https_port == 443
    owa = site.match("/owa/auth/logon.aspx")
    assert owa == policy.find_vdir("Default Web Site/owa")
    assert owa.edge_flags & sslvdir.SSL and owa.edge_flags & sslvdir.SSL128
    assert owa.edge_flags_text == "Ssl, Ssl128"
    assert owa.site == site
    assert policy.find_site("MAIL.contoso.com:443") == site
    assert {v.kind for v in site.vdirs} >= {"owa", "ecp", "ews", "eas", "mrsproxy"}
    assert policy.exchange_version == 2016


def test_exchange_se_is_a_version():
    # Exchange SE by name or by its number, 2025; nothing else.
    b = sslvdir.Builder()
    b.set_exchange_version("SE")
    b.add_site("Default Web Site")
    b.add_host("Default Web Site", "mail.contoso.com")
    assert b.build().exchange_version == 2025
    b.set_exchange_version("2019")  # a year as text, as the command and policy files take it
    with pytest.raises(ValueError, match="Exchange version '2012' unknown"):
        b.set_exchange_version("2012")
    with pytest.raises(ValueError, match="unknown"):
        b.set_exchange_version("Exchange 2019")
    # An embedded NUL is refused, not read as the text before it.
    for bad in ("2016\0", "SE\0x", "2019\x00 "):
        with pytest.raises(ValueError, match="NUL"):
            b.set_exchange_version(bad)
        with pytest.raises(ValueError, match="NUL"):
            sslvdir.Plan(exchange_version=bad)
        with sslvdir.Audit() as audit, pytest.raises(ValueError, match="NUL"):
            audit.set_exchange_version(bad)
    b.set_exchange_version("SE")
    with sslvdir.Plan(exchange_version="se") as plan:
        assert plan is not None
    with sslvdir.Audit() as audit:
        audit.set_exchange_version("SE")
        audit.set_exchange_version(2025)


def test_policy_outlives_builder_and_is_shared_across_threads(policy):
    b = sslvdir.Builder()
    b.apply_preset("exchange2013", redirect=True)
    b.add_host("Default Web Site", "mail.fabrikam.com")
    p = b.build()
    b.close()
    del b
    results = []

    def work():
        for _ in range(2000):
            results.append(p.decide("GET", "/owa/", "mail.fabrikam.com").status)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302] * 8000


def test_builder_errors_have_codes():
    b = sslvdir.Builder()
    with pytest.raises(sslvdir.UnknownNameError) as e:
        b.apply_preset("exchange1999")
    assert e.value.code == -4 and "exchange1999" in str(e.value)
    with pytest.raises(sslvdir.NotFoundError) as e:
        b.add_host("No Such Site", "mail.contoso.com")
    assert isinstance(e.value, LookupError) and isinstance(e.value, sslvdir.Error)
    with pytest.raises(sslvdir.RangeError):
        b.add_offloader("10.0.0.0/99")
    with pytest.raises(sslvdir.ParseError):
        b.add_offloader("ten.zero/8")
    with pytest.raises(ValueError):
        b.set_vdir_upstream("Default Web Site", "/owa", "sideways")
    with pytest.raises(sslvdir.Error):
        b.set_vdir_edge_flags("Default Web Site", "/owa", "Ssl,Sometimes")
    b.close()
    with pytest.raises(ValueError):
        b.add_site("x")
    with sslvdir.Builder() as b2:
        b2.apply_preset("exchange2019")
    with pytest.raises(ValueError):
        b2.build()


def test_policy_files(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<policy xmlns='urn:libsslvdir:policy:1'><site name='x'><oops/></site></policy>")
    with pytest.raises(sslvdir.Error) as e:
        sslvdir.load_policy(policy=str(bad))
    assert e.value.line == 1
    with pytest.raises(sslvdir.FileError) as e:
        sslvdir.load_policy(policy=str(tmp_path / "missing.xml"))
    assert isinstance(e.value, OSError)
    b = sslvdir.Builder()
    with pytest.raises(TypeError):
        b.parse_policy("<policy/>")  # str: the file's bytes are wanted
    with pytest.raises(sslvdir.Error):
        b.parse_policy(b"<!DOCTYPE x [<!ENTITY a 'b'>]><policy/>")


def test_reasons_and_flags():
    r = sslvdir.reasons()
    assert r["ssl-required"][2:] == (403, 4)
    assert r["ssl128-required"][2:] == (403, 5)
    assert sslvdir.flags_parse("Ssl, Ssl128") == sslvdir.SSL | sslvdir.SSL128
    assert sslvdir.flags_format(sslvdir.SSL | sslvdir.SSL128) == "Ssl, Ssl128"
    with pytest.raises(sslvdir.Error):
        sslvdir.flags_parse("Ssl,Nope")
    with pytest.raises(sslvdir.Error):
        sslvdir.flags_format(4)
    assert sslvdir.path_canonicalize("/owa/../ecp/") == ("/ecp/", "none") or \
        sslvdir.path_canonicalize("/owa/../ecp/")[0] == "/ecp/"
    assert sslvdir.path_canonicalize("/../x")[0] is None
    assert "exchange2016-offload" in sslvdir.presets()
    assert sslvdir.version()[0] == sslvdir.VERSION
    assert sslvdir.strerror(-3)
    assert sslvdir.cipher_bits("ECDHE-RSA-AES128-GCM-SHA256") == 128
    assert sslvdir.cipher_bits("DES-CBC3-SHA") == 112
    assert sslvdir.cipher_bits("NO-SUCH-CIPHER") is None


def test_settings_mapping():
    s = sslvdir.Settings()
    s.set(sslvdir.KEY_SSL_OFFLOADED, 1)
    assert s[sslvdir.KEY_SSL_OFFLOADED] == 1
    assert len(s) == 1 and list(s) == [sslvdir.KEY_SSL_OFFLOADED]
    with pytest.raises(sslvdir.Error):
        s.set(sslvdir.KEY_SSL_OFFLOADED, 2)  # a boolean
    with pytest.raises(ValueError):
        s.set("x", 2 ** 32)
    with pytest.raises(TypeError):
        s.set("x", 1.5)
    with pytest.raises(TypeError):
        s.set("x", None)  # unset() removes, explicitly
    with pytest.raises(KeyError):
        s["HKEY_LOCAL_MACHINE\\SOFTWARE\\Nothing\\Here"]
    with pytest.raises(KeyError):
        s.unset("HKEY_LOCAL_MACHINE\\SOFTWARE\\Nothing\\Here")
    s.unset(sslvdir.KEY_SSL_OFFLOADED)
    assert len(s) == 0
    assert sslvdir.Settings.default(sslvdir.KEY_ALLOW_INTERNAL_UNTRUSTED) == 1
    with s:
        pass
    with pytest.raises(ValueError):
        len(s)


def test_preset_options():
    # The recipe redirects browser vdirs only, GET and HEAD only.
    p = sslvdir.load_policy(preset="exchange2019-offload", redirect=True, **NS)
    assert p.decide("GET", "/ecp/", "mail.contoso.com").status == 302
    assert p.decide("POST", "/owa/auth.owa", "mail.contoso.com").iis_status == "403.4"
    assert p.decide("GET", "/EWS/Exchange.asmx", "mail.contoso.com").iis_status == "403.4"
    # Exchange SE turns Extended Protection on: nothing offloaded, Rpc requires SSL.
    se = sslvdir.load_policy(preset="exchangese", **NS)
    assert se.find_vdir("Default Web Site/owa").extended_protection
    assert se.decide("POST", "/rpc/rpcproxy.dll", "mail.contoso.com").iis_status == "403.4"
    # the message says how to fix it, in Python's words, and is not cut
    with pytest.raises(sslvdir.InconsistentError,
                       match=r"Extended Protection .*; set extended_protection=False, or bridge "
                             r"\(the preset without -offload\)$"):
        sslvdir.load_policy(preset="exchangese-offload", **NS)
    with pytest.raises(sslvdir.InconsistentError):
        sslvdir.load_policy(preset="exchange2016-offload", extended_protection=True, **NS)
    off = sslvdir.load_policy(preset="exchangese-offload", extended_protection=False, **NS)
    assert off.decide("GET", "/owa/", "mail.contoso.com", tls=True, cipher_bits=256).upstream == "offload"
    b = sslvdir.Builder()
    with pytest.raises(TypeError):
        b.apply_preset("exchange2016", extended_protection="yes")
    with pytest.raises(TypeError):
        b.apply_preset("exchange2016", "Default Web Site", True)  # keyword-only
    b.close()
    with pytest.raises(ValueError, match="redirect= goes with preset="):
        sslvdir.load_policy(policy="x.xml", redirect=True)


def test_offloader_cipher_two_tiers():
    """Behind a load balancer that says nothing about the cipher, Ssl128 vdirs
    answer 403.5; its guarantee (minimum bits or a cipher header) lets TLS through."""
    plain = sslvdir.load_policy(preset="exchange2016-offload", offloaders=["10.0.0.5"], **NS)
    # A peer with a port or brackets is refused as the command refuses it, not
    # quietly an untrusted one.
    for bad in ("10.0.0.5:80", "[10.0.0.5]", "fe80::1%eth0", "", "10.0.0.5\x00", "x" * 100):
        with pytest.raises(ValueError, match="expected a bare IPv4 or IPv6 address"):
            plain.decide("GET", "/owa/", "mail.contoso.com", peer=bad, x_forwarded_proto="https")
    assert plain.decide("GET", "/owa/", "mail.contoso.com", peer=b"2001:db8::5").action == "deny"
    d = plain.decide("GET", "/owa/", "mail.contoso.com", peer="10.0.0.5", x_forwarded_proto="https")
    assert (d.action, d.iis_status) == ("deny", "403.5")
    assert any("min-cipher-bits" in w for w in plain.warnings)
    assert plain.cipher_header is None
    bits = sslvdir.load_policy(preset="exchange2016-offload", offloaders=["10.0.0.5"],
                               offloader_cipher_bits=128, **NS)
    d = bits.decide("GET", "/owa/", "mail.contoso.com", peer="10.0.0.5", x_forwarded_proto="https")
    assert d.action == "allow"
    assert bits.offloader_ciphers == ((128, None),)
    assert not any("min-cipher-bits" in w for w in bits.warnings)
    hdr = sslvdir.load_policy(preset="exchange2016-offload", offloaders=["10.0.0.5"],
                              offloader_cipher_header="X-SSL-Cipher", **NS)
    assert hdr.cipher_header == "X-SSL-Cipher"
    ok = hdr.decide("GET", "/owa/", "mail.contoso.com", peer="10.0.0.5", x_forwarded_proto="https",
                    offload_cipher="ECDHE-RSA-AES256-GCM-SHA384")
    assert ok.action == "allow"
    rc4 = hdr.decide("GET", "/owa/", "mail.contoso.com", peer="10.0.0.5", x_forwarded_proto="https",
                     offload_cipher="RC4-SHA")
    assert rc4.iis_status == "403.5"
    # From a client, the header is ignored and to be stripped.
    cl = hdr.decide("GET", "/owa/", "mail.contoso.com", peer="192.0.2.1", tls=True, cipher_bits=0,
                    offload_cipher="ECDHE-RSA-AES256-GCM-SHA384")
    assert cl.iis_status == "403.5"
    assert cl.remove_headers == ("X-Forwarded-Proto", "Front-End-Https", "X-SSL-Cipher")
    with pytest.raises(ValueError):
        sslvdir.load_policy(preset="exchange2016-offload", offloader_cipher_bits=128, **NS)
    with sslvdir.Builder() as b:
        with pytest.raises(sslvdir.Error):
            b.set_offloader_cipher("10.0.0.5", 257)
        with pytest.raises(sslvdir.Error):
            b.set_offloader_cipher("10.0.0.5", 0, "Bad Name")
        b.set_offloader_cipher("10.0.0.5", min_bits=112, header="X-Cipher")


def test_load_policy_guesses_nothing(tmp_path):
    """No default preset, host or Autodiscover domain: a missing setting is an
    error that names it as Python does (a preset without hosts used to serve a
    demo namespace and redirect real users to it)."""
    with pytest.raises(sslvdir.InconsistentError, match=r"no policy: give policy= .*preset= .*iisconfig="):
        sslvdir.load_policy()
    with pytest.raises(sslvdir.InconsistentError, match=r"^preset= needs hosts=: the host names"):
        sslvdir.load_policy(preset="exchange2016", redirect=True)
    with pytest.raises(sslvdir.InconsistentError, match=r"^preset= needs autodiscover_domains=: the users' e-mail domains"):
        sslvdir.load_policy(preset="exchange2016", hosts=["mail.fabrikam.com"])
    with pytest.raises(ValueError, match=r"^hosts= goes with preset="):
        sslvdir.load_policy(hosts=["mail.fabrikam.com"], iisconfig=os.path.join(DATA, "config", "exchange2016.config"))
    p = sslvdir.load_policy(preset="exchange2016", hosts="mail.fabrikam.com",
                            autodiscover_domains="fabrikam.com", redirect=True)
    assert p.decide("GET", "/owa/", "mail.fabrikam.com").location == "https://mail.fabrikam.com/owa/"
    assert p.find_site("mail.contoso.com") is None
    # an applicationHost.config whose bindings name the preset's site's hosts will do
    p = sslvdir.load_policy(preset="exchange2016", autodiscover_domains="contoso.com",
                            iisconfig=os.path.join(DATA, "config", "exchange2016.config"))
    assert p.find_site("mail.contoso.com") is not None
    with pytest.raises(sslvdir.InconsistentError, match="site 'Exchange Back End'"):
        sslvdir.load_policy(preset="exchange2016", site="Exchange Back End", autodiscover_domains="contoso.com",
                            iisconfig=os.path.join(DATA, "config", "exchange2016.config"))


def test_load_policy_hostile_values():
    for bits in (-1, 257, 10 ** 30):
        with pytest.raises(ValueError, match="offloader_cipher_bits= .*expected a key size from 0 to 256"):
            sslvdir.load_policy(preset="exchange2016-offload", offloaders="10.0.0.5",
                                offloader_cipher_bits=bits, **NS)
    for bits in ("128", 128.0, True):
        with pytest.raises(TypeError):
            sslvdir.load_policy(preset="exchange2016-offload", offloaders="10.0.0.5",
                                offloader_cipher_bits=bits, **NS)
    with pytest.raises(TypeError):
        sslvdir.load_policy(preset="exchange2016", redirect="yes", **NS)
    with pytest.raises(sslvdir.ParseError, match="^hosts=: empty value"):
        sslvdir.load_policy(preset="exchange2016", hosts=[""], autodiscover_domains="contoso.com")
    with pytest.raises(sslvdir.ParseError, match="^hosts=: "):
        sslvdir.load_policy(preset="exchange2016", hosts=["bad host"], autodiscover_domains="contoso.com")
    with pytest.raises(sslvdir.RangeError, match="longer than"):
        sslvdir.load_policy(preset="exchange2016", hosts=["a" * 100000], autodiscover_domains="contoso.com")
    with pytest.raises(ValueError, match="null"):
        sslvdir.load_policy(preset="exchange2016\0x", **NS)
    with pytest.raises(TypeError):
        sslvdir.load_policy(preset="exchange2016", hosts=[b"x", 3], autodiscover_domains="contoso.com")
    with pytest.raises(TypeError):
        sslvdir.load_policy(preset="exchange2016", reg=sslvdir.RegFile.parse(b"Windows Registry Editor Version 5.00\r\n"), **NS)


def test_every_library_error_code_has_its_own_subclass():
    # The library names its codes (strerror) down to the last one; the
    # extension must have one Error subclass per code, or a new code would
    # surface as the bare sslvdir.Error.
    unknown = sslvdir.strerror(-10000)
    codes = []
    while sslvdir.strerror(-(len(codes) + 1)) != unknown:
        codes.append(-(len(codes) + 1))
    assert len(codes) >= 14
    ext = sslvdir._sslvdir
    subclasses = {v for v in vars(ext).values()
                  if isinstance(v, type) and issubclass(v, ext.Error) and v is not ext.Error}
    assert len(subclasses) == len(codes)
