"""python3 -m sslvdir mirrors the sslvdir command: same --json answers, same exit codes."""

import json
import os
import subprocess
import sys

import pytest

from conftest import cert_path, data_path

TOOL = os.environ.get("SSLVDIR_TOOL", "tools/sslvdir")
CONFIG = data_path("config", "exchange2016.config")
REG = data_path("registry", "exchange2010-owa.reg")


def run(argv, stdin=b""):
    return subprocess.run(argv, input=stdin, capture_output=True, timeout=60)


def both(args, stdin=b""):
    c = run([TOOL] + args, stdin)
    py = run([sys.executable, "-m", "sslvdir"] + args, stdin)
    return c, py


CASES = [
    ["config", "show", "--json", CONFIG, data_path("registry", "exchange2010-badlines.reg"),
     data_path("registry", "undo-offload.reg"), REG],
    ["eval", "--json", "GET", "http://mail.contoso.com/owa/"],
    ["eval", "--json", "POST", "http://mail.contoso.com/EWS/Exchange.asmx"],
    ["eval", "--json", "--tls", "--cipher-bits", "56", "-H", "Host: mail.contoso.com", "GET", "/ecp/"],
    ["eval", "--json", "--preset", "exchange2016-offload", "--offloader", "10.0.0.5",
     "--peer", "198.51.100.7", "-H", "X-Forwarded-Proto: https", "GET", "http://mail.contoso.com/owa/"],
    ["eval", "--json", "--preset", "exchange2016-offload", "GET", "https://mail.contoso.com/owa/"],
    ["eval", "--json", "--preset", "exchange2016-offload", "--offloader", "10.0.0.5",
     "--offloader-cipher-header", "X-SSL-Cipher", "--peer", "10.0.0.5", "-H", "X-Forwarded-Proto: https",
     "-H", "x-ssl-cipher: ECDHE-RSA-AES256-GCM-SHA384", "GET", "http://mail.contoso.com/owa/"],
    ["eval", "--json", "--preset", "exchange2016-offload", "--offloader", "10.0.0.5",
     "--offloader-cipher-header", "X-SSL-Cipher", "--peer", "192.0.2.1", "GET", "https://mail.contoso.com/owa/"],
    ["eval", "--json", "--iisconfig", CONFIG, "--reg", REG, "GET", "https://mail.contoso.com/owa/"],
    ["eval", "--json", "GET", "http://mail.contoso.com/owa/%252e/../../x"],
    ["eval", "--json", "--redirect", "GET", "http://mail.contoso.com/owa/"],
    ["eval", "--json", "--preset", "exchangese", "POST", "http://mail.contoso.com/rpc/rpcproxy.dll"],
    ["eval", "--json", "--preset", "exchangese-offload", "--extended-protection", "off",
     "GET", "https://mail.contoso.com/owa/"],
    ["eval", "--json", "--client-cert", "revoked", "GET", "https://mail.contoso.com/owa/"],
    ["cipher-bits", "--json", "TLS_AES_128_GCM_SHA256", "DES-CBC3-SHA", "NOPE"],
    ["cert", "show", "--json", cert_path("server.pem")],
    ["cert", "show", "--json", "--password-file", data_path("cert", "p12.pass"), cert_path("server.p12")],
    ["cert", "check", "--json", "--host", "mail.contoso.com,autodiscover.contoso.com",
     "--ca", cert_path("ca.pem"), cert_path("server.pem")],
    ["cert", "check", "--json", "--host", "owa.fabrikam.com", cert_path("server.pem")],
    ["audit", "--json", "--config", CONFIG, "--namespace", "mail.contoso.com", "--time", "1800000000"],
    ["audit", "--json", "--config", CONFIG, "--registry", REG, "--cert", cert_path("selfsigned.pem"),
     "--namespace", "mail.contoso.com,autodiscover.contoso.com", "--exchange-version", "2016",
     "--time", "1800000000"],
    ["autodiscover", "candidates", "--json", "user@contoso.com"],
    ["autodiscover", "json", "--json", "Email=a%40contoso.com&Protocol=AutodiscoverV1"],
    ["autodiscover", "json", "--json", "Email=a%40contoso.com&Protocol=Ews"],
    ["autodiscover", "check-redirect", "--json", "a@contoso.com", "--url", "302",
     "https://x.contoso.com/autodiscover/autodiscover.xml", "--url", "302", "http://evil/",
     "--addr", "never@tried.example"],
    ["rewrite-header", "--json", "Location: http://mail.contoso.com/owa/", "Set-Cookie: a=b"],
    ["config", "plan", "--json", CONFIG, "--offload", "Default Web Site/owa"],
    ["config", "set", "--json", "--dry-run", CONFIG, "Default Web Site/owa", "sslFlags=None"],
    ["config", "show", "--json", data_path("config", "exchange2016-utf16.config"), REG],
    ["cert", "show", "--json", data_path("..", "fuzz", "corpus", "cert", "pem-chain")],
    ["cert", "check", "--json", "--host", "mail.contoso.com", "--ca", cert_path("ca.pem"),
     "--crl", cert_path("crl.pem"), cert_path("revoked.pem")],
    ["cert", "check", "--json", "--host", "mail.contoso.com,bad!", "--ca", cert_path("ca.pem"),
     cert_path("expired.pem")],
]

# Text output, compared byte for byte.
TEXT_CASES = [
    ["eval", "GET", "http://mail.contoso.com/owa/"],
    ["eval", "--tls", "--cipher-bits", "40", "GET", "/ecp/"],
    ["demo"],
    ["show"],
    ["show", "--preset", "exchange2010-offload", "--offloader", "10.0.0.0/8"],
    ["show", "--preset", "exchange2016-offload", "--offloader", "10.0.0.5", "--offloader", "10.0.1.0/24",
     "--offloader-cipher-bits", "128", "--offloader-cipher-header", "X-SSL-Cipher"],
    ["eval", "--preset", "exchange2016-offload", "--offloader", "10.0.0.5", "--offloader-cipher-bits", "128",
     "--peer", "10.0.0.5", "-H", "X-Forwarded-Proto: https", "GET", "http://mail.contoso.com/owa/"],
    ["show", "--preset", "exchange2013", "--redirect"],
    ["show", "--policy", data_path("autodiscover", "policy.xml")],
    ["presets"],
    ["version"],
    ["cipher-bits", "TLS_AES_128_GCM_SHA256", "DES-CBC-SHA", "NOPE"],
    ["rewrite-header", "--vdir", "Default Web Site/owa", "Set-Cookie: a=b", "Location: http://x/"],
    ["autodiscover", "candidates", "a@contoso.com"],
    ["autodiscover", "json", "Email=a%40contoso.com&Protocol=AutodiscoverV1"],
    ["autodiscover", "redirect", "--addr", "a@fabrikam.com"],
    ["autodiscover", "check-redirect", "a@contoso.com", "--url", "302",
     "https://x.contoso.com/autodiscover/autodiscover.xml", "--url", "302", "http://evil/"],
    ["config", "show", CONFIG, REG],
    ["config", "show", data_path("registry", "regedit4.reg")],
    ["config", "show", data_path("registry", "exchange2010-badlines.reg"),
     data_path("registry", "undo-offload.reg")],
    ["config", "plan", CONFIG, "--offload", "Default Web Site/owa"],
    ["config", "plan", CONFIG, REG, "--exchange", "2010", "--offload", "Default Web Site/owa",
     "--appcmd", "--iisreset"],
    ["cert", "show", cert_path("selfsigned.pem")],
    ["cert", "show", data_path("..", "fuzz", "corpus", "cert", "pem-chain")],  # never expires
    ["cert", "show", "--password-file", data_path("cert", "p12.pass"), cert_path("server.p12")],
    ["cert", "check", "--host", "mail.contoso.com,evil.example,bad!", "--ca", cert_path("ca.pem"),
     cert_path("server.pem")],
    ["cert", "check", "--policy", data_path("decide", "adredirect.xml"), cert_path("server.pem")],
    ["audit", "--config", CONFIG, "--time", "1800000000"],
    ["audit", "--config", CONFIG, "--namespace", "mail.contoso.com", "--cert",
     cert_path("selfsigned.pem"), "--time", "1800000000"],
]



# Neither command has a default namespace: a preset's calls name theirs.
NS = ["--host", "mail.contoso.com", "--host", "autodiscover.contoso.com", "--ad-domain", "contoso.com"]


def _ns(args):
    n = 2 if args[0] in ("autodiscover", "config", "cert") else 1
    if args[0] not in ("eval", "show", "rewrite-header", "rewrite-body") and args[:2] not in (
            ["autodiscover", "json"], ["autodiscover", "respond"]):
        return args
    if "--policy" in args or "--iisconfig" in args:
        return args
    preset = [] if "--preset" in args else ["--preset", "exchange2016"]
    return args[:n] + preset + NS + args[n:]


CASES = [_ns(a) for a in CASES]
# cli.py's demo builds its policy without hosts (the default namespace it
# relied on is gone from load_policy()); the C demo names its own.
TEXT_CASES = [_ns(a) for a in TEXT_CASES if a != ["demo"]]

@pytest.mark.parametrize("args", CASES, ids=[" ".join(a[:3]) for a in CASES])
def test_json_matches_c_command(args):
    c, py = both(args)
    assert py.returncode == c.returncode, (py.stderr, c.stderr)
    assert json.loads(py.stdout) == json.loads(c.stdout)


def test_autodiscover_respond_bytes_match():
    body = open(data_path("autodiscover", "golden", "outlook-europe.req"), "rb").read()
    c, py = both(_ns(["autodiscover", "respond", "--time-us", "1"]), body)
    assert c.returncode == py.returncode == 0
    assert py.stdout == c.stdout


def test_rewrite_body_matches():
    body = b"<a href='http://mail.contoso.com/owa/'>" * 1000
    c, py = both(_ns(["rewrite-body", "--chunk", "7", "--stats"]), body)
    assert py.stdout == c.stdout and py.stdout.count(b"https://") == 1000
    assert py.stderr == c.stderr


@pytest.mark.parametrize("args", [["eval"], ["eval", "GET", "ftp://x/"], ["nope"],
                                  ["eval", "--preset", "x", "--policy", "y", "GET", "/"],
                                  ["cert", "show", "/nonexistent.pem"],
                                  ["eval", "--client-cert", "maybe", "GET", "/"],
                                  ["eval", "--extended-protection", "maybe", "GET", "/"],
                                  ["eval", "--policy", "y", "--redirect", "GET", "/"],
                                  ["eval", "--preset", "exchangese-offload", "GET", "/"],
                                  ["eval", "--peer", "10.0.0.5:443", "GET", "/"],
                                  ["eval", "--peer", "[2001:db8::1]", "GET", "/"],
                                  ["config", "plan", CONFIG, "--offload", "Default Web Site/nonexist"]])
def test_errors_exit_like_c(args):
    c, py = both(args)
    assert py.returncode == c.returncode == 2
    assert py.stderr.startswith(b"sslvdir") or py.stderr.startswith(b"usage")
    if "--peer" in args:
        assert b"expected a bare IPv4 or IPv6 address" in py.stderr
        assert b"expected a bare IPv4 or IPv6 address" in c.stderr


@pytest.mark.parametrize("args", TEXT_CASES, ids=[" ".join(a[:3]) for a in TEXT_CASES])
def test_text_matches(args):
    c, py = both(args)
    assert py.returncode == c.returncode
    assert py.stdout == c.stdout


@pytest.mark.parametrize("source", ["exchange2016.config", "exchange2016-utf16.config"])
def test_config_set_writes_the_same_file(tmp_path, source):
    data = open(data_path("config", source), "rb").read()
    (tmp_path / "c.config").write_bytes(data)
    (tmp_path / "py.config").write_bytes(data)
    args = ["Default Web Site/owa", "sslFlags=Ssl,SslNegotiateCert"]
    c = run([TOOL, "config", "set", str(tmp_path / "c.config")] + args)
    py = run([sys.executable, "-m", "sslvdir", "config", "set", str(tmp_path / "py.config")] + args)
    assert c.returncode == py.returncode == 0
    assert py.stdout == c.stdout == b"Default Web Site/owa: sslFlags Ssl, Ssl128 -> Ssl, SslNegotiateCert\n"
    assert (tmp_path / "py.config").read_bytes() == (tmp_path / "c.config").read_bytes() != data
    c, py = both(["config", "set", "--dry-run", str(tmp_path / "c.config"), "Default Web Site/ecp",
                  "sslFlags=None"])
    assert py.stdout == c.stdout and c.stdout.endswith(b"(dry run: not written)\n")
    # The same value again: nothing is written, the .bak keeps the original.
    for name in ("c.config", "py.config"):
        (tmp_path / (name + ".bak")).write_bytes(b"previous")
    c = run([TOOL, "config", "set", "--json", str(tmp_path / "c.config")] + args)
    py = run([sys.executable, "-m", "sslvdir", "config", "set", "--json", str(tmp_path / "py.config")] + args)
    assert c.returncode == py.returncode == 0
    assert json.loads(py.stdout)["written"] is json.loads(c.stdout)["written"] is False
    assert (tmp_path / "py.config.bak").read_bytes() == (tmp_path / "c.config.bak").read_bytes() == b"previous"
