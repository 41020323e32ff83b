# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""applicationHost.config, .reg files, plans, certificates, trust and the audit."""

import base64
import hashlib
import os
import shutil
import threading

import pytest

import sslvdir
from conftest import cert_path, data_path

CONFIG = data_path("config", "exchange2016.config")


def pem_der(path):
    text = open(path).read()
    b64 = text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode(b64)


def test_iisconfig_read_edit_save(tmp_path):
    with sslvdir.IISConfig.load(CONFIG) as cfg:
        assert cfg.encoding == "utf-8"
        assert ("Default Web Site", "mail.contoso.com,autodiscover.contoso.com", 443) in cfg.sites
        flags, where = cfg.ssl_flags("Default Web Site/owa")
        # owa inherits the site root's, as Exchange ships it
        assert flags == sslvdir.SSL | sslvdir.SSL128 and where == "Default Web Site"
        cfg.set_ssl_flags("Default Web Site/owa", "None")
        out = tmp_path / "applicationHost.config"
        cfg.save(str(out))
    with sslvdir.IISConfig.load(out) as again:
        assert again.ssl_flags("Default Web Site/owa")[0] == 0
        assert again.ssl_flags("Default Web Site/ecp")[0] == sslvdir.SSL | sslvdir.SSL128
        # A misspelled site is an error, not the server level's answer.
        with pytest.raises(sslvdir.NotFoundError):
            again.ssl_flags("Default Website/owa")
        with pytest.raises(sslvdir.NotFoundError):
            again.redirect("Default Website/owa")
        with pytest.raises(sslvdir.NotFoundError):
            again.extended_protection("Default Website/owa")
    utf16 = sslvdir.IISConfig.load(data_path("config", "exchange2016-utf16.config"))
    assert utf16.encoding.startswith("utf-16")
    with pytest.raises(sslvdir.Error) as e:
        sslvdir.IISConfig.parse(b"<configuration><system.webServer>")
    assert e.value.code < 0
    with pytest.raises(sslvdir.RefusedError):
        sslvdir.IISConfig.parse(b"<!DOCTYPE c [<!ENTITY x 'y'>]><configuration/>")
    with pytest.raises(TypeError):
        sslvdir.IISConfig.parse("<configuration/>")
    with pytest.raises(TypeError):
        sslvdir.IISConfig()


def test_load_policy_from_server_files():
    p = sslvdir.load_policy(iisconfig=CONFIG, reg=data_path("registry", "exchange2010-owa.reg"))
    assert p.sites[0].name == "Default Web Site"
    assert p.get_dword(sslvdir.KEY_SSL_OFFLOADED) == 1


def test_regfile_round_trip():
    with sslvdir.RegFile.load(data_path("registry", "exchange2010-owa.reg")) as reg:
        kinds = [e[0] for e in reg.entries]
        assert "key" in kinds and "value" in kinds
        values = {e[2]: e[4] for e in reg.entries if e[0] == "value"}
        assert values["SSLOffloaded"] == 1
        s = sslvdir.Settings()
        reg.apply(s)
        assert s[sslvdir.KEY_SSL_OFFLOADED] == 1
        assert any("AllowExternallUntrustedCerts" in w for w in s.warnings) or s.warnings == ()
        data = reg.to_bytes()
        assert data.startswith(b"\xff\xfe")
        assert sslvdir.RegFile.parse(data).entries == reg.entries
        assert reg.to_bytes(regedit4=True).startswith(b"REGEDIT4")
    with pytest.raises(sslvdir.ParseError) as e:
        sslvdir.RegFile.parse(b"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_X\r\n")
    assert e.value.line == 3


def test_settings_is_a_mapping():
    """Settings reads as any Mapping does: dict(), keys(), values(), get(), in."""
    import collections.abc
    with sslvdir.RegFile.load(data_path("registry", "exchange2010-owa.reg")) as reg:
        s = sslvdir.Settings()
        reg.apply(s)
    assert isinstance(s, collections.abc.Mapping)
    d = dict(s)
    assert d == s.to_dict() and d[sslvdir.KEY_SSL_OFFLOADED] == 1 and len(d) == len(s)
    assert list(s.keys()) == [k for k, _ in s.items()] == list(s)
    assert list(s.values()) == [v for _, v in s.items()]
    assert sslvdir.KEY_SSL_OFFLOADED in s and sslvdir.KEY_SSL_OFFLOADED in s.keys()
    assert sslvdir.KEY_SSL_OFFLOADED.lower() in s  # registry paths ignore case, as [] does
    assert "HKLM\\Nope\\Nothing" not in s and 1 not in s and None not in s
    assert s.get(sslvdir.KEY_SSL_OFFLOADED) == 1
    assert s.get("HKLM\\Nope\\Nothing") is None and s.get("HKLM\\Nope\\Nothing", 7) == 7
    assert s.get(42, "x") == "x"
    with pytest.raises(TypeError):
        s.get()
    s.close()
    with pytest.raises(ValueError):
        sslvdir.KEY_SSL_OFFLOADED in s


def test_regfile_bad_lines():
    """A line regedit refuses is skipped with a warning naming it; the value is absent."""
    with sslvdir.RegFile.load(data_path("registry", "exchange2010-badlines.reg")) as reg:
        assert [w.split(":")[0] for w in reg.warnings] == [
            ".reg line 7", ".reg line 9", ".reg line 14", ".reg line 18"]
        assert "SSLOffloaded" not in [e[2] for e in reg.entries]
        s = sslvdir.Settings()
        s.set(sslvdir.KEY_SSL_OFFLOADED, 1)
        reg.apply(s)
        with pytest.raises(KeyError):
            s[sslvdir.KEY_SSL_OFFLOADED]
        assert any(w.startswith(".reg line 8: ") for w in s.warnings)
    with sslvdir.RegFile.parse(b"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=hex(20):01\r\n") as reg:
        assert reg.entries[1][3] == "hex(20)"


def test_plan():
    cfg = sslvdir.IISConfig.load(CONFIG)
    with sslvdir.Plan(cfg, exchange_version=2016) as plan:
        with pytest.raises(ValueError):
            cfg.close()  # read by the plan
        plan.want("Default Web Site/owa", "offload")
        plan.build()
        steps = plan.steps("appcmd")
        assert any(s.kind == "sslflags" and s.target == "Default Web Site/owa" for s in steps)
        assert any("appcmd" in s.command for s in steps)
        ps = plan.steps()
        assert any("Set-WebConfigurationProperty" in s.command for s in ps)
        with pytest.raises(sslvdir.NotFoundError):
            plan.registry()  # Exchange 2016 needs no SSLOffloaded
    with sslvdir.Plan(None, sslvdir.Settings(), exchange_version=2010) as plan:
        plan.want("Default Web Site/owa", "offload")
        plan.build()
        with plan.registry() as reg:
            assert any(e[2] == "SSLOffloaded" and e[4] == 1 for e in reg.entries)
    cfg.close()  # free now: the plan let go
    with pytest.raises(ValueError):
        sslvdir.Plan(cfg)
    with pytest.raises(sslvdir.RangeError):
        sslvdir.Plan(exchange_version=1999)


def test_certificates():
    with sslvdir.Cert.load(cert_path("server.pem")) as cert:
        assert cert.format == "pem" and len(cert) == 1
        info = cert[0]
        assert info.common_name == "mail.contoso.com"
        assert info.thumbprint == hashlib.sha1(pem_der(cert_path("server.pem"))).hexdigest().upper()
        assert ("dns", "autodiscover.contoso.com") in info.sans and ("ip", "192.0.2.10") in info.sans
        assert info.key_algorithm == "RSA" and info.key_bits == 2048
        assert cert.covers("MAIL.contoso.com") == "mail.contoso.com"
        assert cert.covers("evil.example") is None
        with pytest.raises(sslvdir.ParseError):
            cert.covers("bad host name!")
        # A NUL is a byte of the name, not its end: what follows it is not
        # dropped, so the name is no host name rather than the SAN's address.
        for host in ("192.0.2.10\x00.evil.example", b"192.0.2.10\x00", "mail.contoso.com.."):
            with pytest.raises(sslvdir.ParseError):
                cert.covers(host)
        with pytest.raises(IndexError):
            cert[1]
    with open(cert_path("server.p12"), "rb") as f:
        p12 = f.read()
    with pytest.raises(sslvdir.PasswordError) as e:
        sslvdir.Cert.parse(p12, "wrong")
    assert e.value.code == -14
    with pytest.raises(sslvdir.PasswordError):
        sslvdir.Cert.parse(p12)
    password = open(data_path("cert", "p12.pass")).read().rstrip("\n")
    with sslvdir.Cert.parse(p12, password) as c:
        assert c.format == "pkcs12" and c[0].common_name == "mail.contoso.com"
    wild = sslvdir.Cert.load(cert_path("wildcard.pem")) if os.path.exists(cert_path("wildcard.pem")) else None
    if wild:
        assert wild.has_wildcard
    for junk in (b"", b"\x30\x82\xff\xff", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                 os.urandom(4096)):
        with pytest.raises(sslvdir.Error):
            sslvdir.Cert.parse(junk)
    with pytest.raises(sslvdir.FileError):
        sslvdir.Cert.load("/nonexistent/cert.pem")


def test_trust():
    server = sslvdir.Cert.load(cert_path("server.pem"))
    with sslvdir.Trust() as trust:
        assert trust.add_ca_file(cert_path("ca.pem")) == 1
        assert trust.verify(server, "mail.contoso.com") == frozenset()
        assert trust.verify(server, "evil.example") == {"name"}
        assert trust.verify(server, now=4102444800) >= {"expired"}  # 2100
        assert trust.verify(sslvdir.Cert.load(cert_path("selfsigned.pem"))) == {"untrusted"}
        assert trust.verify_der([pem_der(cert_path("server.pem"))], "mail.contoso.com") == frozenset()
        assert trust.add_crl_file(cert_path("crl.pem")) == 1
        assert "revoked" in trust.verify(sslvdir.Cert.load(cert_path("revoked.pem")))
        with pytest.raises(ValueError):
            trust.verify_der([])
        with pytest.raises(TypeError):
            trust.verify_der(["not bytes"])
        with pytest.raises(ValueError):
            trust.verify_der([b"x"] * 17)
        assert trust.verify_der([b"garbage"]) == {"invalid"}
    with sslvdir.Trust() as other:
        other.add_ca_file(cert_path("other-ca.pem"))
        with pytest.raises(sslvdir.Error):
            other.add_crl_file(cert_path("crl.pem"))  # not signed by a CA of this store
    assert sslvdir.trust_status({"untrusted"}) == "untrusted"
    assert sslvdir.trust_status({"expired", "untrusted"}) in ("expired", "untrusted", "revoked")
    assert sslvdir.trust_status(0) == "ok"
    p = sslvdir.load_policy(preset="exchange2016", hosts="mail.contoso.com", autodiscover_domains="contoso.com")
    assert p.backend_accepts("internal", {"untrusted"})
    assert not p.backend_accepts("external", {"untrusted"})
    assert not p.backend_accepts("internal", {"expired"})


def test_audit():
    cfg = sslvdir.IISConfig.load(CONFIG)
    cert = sslvdir.Cert.load(cert_path("selfsigned.pem"))
    with sslvdir.Audit() as audit:
        audit.set_config(cfg)
        audit.set_cert(cert)
        audit.add_namespace("mail.contoso.com")
        audit.set_exchange_version(2016)
        findings = audit.run()
        assert findings and findings == audit.findings
        assert list(audit) == list(findings)
        codes = [f.code for f in findings]
        assert "autodiscover-host-missing" in codes
        assert any(f.code.startswith("cert-") for f in findings)
        assert audit.worst == "error"
        order = {"error": 0, "warning": 1, "info": 2}
        assert [order[f.severity] for f in findings] == sorted(order[f.severity] for f in findings)
        for f in findings:
            assert f.object and f.explanation and f.fix
        with pytest.raises(ValueError):
            cert.close()  # pinned by the audit
        with pytest.raises(TypeError):
            audit.set_cert("server.pem")
    cert.close()
    cfg.close()
    with sslvdir.Audit() as clean:
        assert clean.run() == () and clean.worst is None


def test_loads_release_the_gil():
    data = open(CONFIG, "rb").read()
    errors = []

    def work():
        try:
            for _ in range(20):
                with sslvdir.IISConfig.parse(data) as c:
                    assert c.ssl_flags("Default Web Site/owa")[0]
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_closed_objects_refuse_use():
    for obj, use in [(sslvdir.Trust(), lambda o: o.add_ca(b"")),
                     (sslvdir.Settings(), lambda o: o.items()),
                     (sslvdir.Audit(), lambda o: o.run()),
                     (sslvdir.Builder(), lambda o: o.build()),
                     (sslvdir.AutodiscoverChain("a@contoso.com"), lambda o: o.count)]:
        obj.close()
        obj.close() if not isinstance(obj, sslvdir.Builder) else None
        with pytest.raises(ValueError):
            use(obj)
