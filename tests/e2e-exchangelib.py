#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""python3-exchangelib's own Autodiscover client, run against HAProxy + the plugin.

Usage: e2e-exchangelib.py DNS_PORT HTTPS_PORT HTTP_PORT CA_FILE EMAIL [PASSWORD]

Runs exchangelib.autodiscover.discovery.pox.PoxAutodiscovery(EMAIL).discover()
(the whole client: the steps, redirects, redirectAddr, redirectUrl, its
checks of each redirect) and prints what the client ended up with, one
"key=value" line each, for tests/e2e-exchangelib.sh to check:

  request=METHOD URL STATUS   every HTTP request exchangelib made, in order
                              (STATUS "error" when the connection or the TLS
                              handshake failed)
  email=...  ews_url=...  auth_type=...  server_version=...  (on success)
  error=ExceptionName: message                               (on failure)

What is changed in exchangelib, only through the settings it offers:
- the DNS resolver (Autodiscovery.DNS_RESOLVER_KWARGS / DNS_RESOLVER_ATTRS):
  nameserver 127.0.0.1 on DNS_PORT, the test's dnsmasq, so that no system
  file is read or changed;
- the HTTP adapter (BaseProtocol.HTTP_ADAPTER_CLS, the hook exchangelib
  documents for a private CA): it trusts CA_FILE only, resolves each host
  name with that same resolver (requests itself would ask the system), and,
  since an unprivileged HAProxy cannot listen on 443 and 80, connects to
  HTTPS_PORT and HTTP_PORT instead of the default ports. The URL, the Host
  header, SNI and the certificate's name check stay those of the default
  port: HAProxy and the plugin see what they would see on 443 and 80.
- exchangelib's Autodiscover cache file goes under TMPDIR (the test's
  directory), empty at the start.
"""
import logging
import os
import sys
import tempfile
from urllib.parse import urlsplit

try:
    import dns.resolver
    import requests.adapters
    from exchangelib import Credentials
    from exchangelib.autodiscover import cache
    from exchangelib.autodiscover.discovery.pox import PoxAutodiscovery
    from exchangelib.protocol import BaseProtocol
except ImportError as e:
    print(f"e2e-exchangelib: python3-exchangelib is not installed ({e})", file=sys.stderr)
    sys.exit(77)

# requests would send plain-HTTP requests to a proxy named in the environment
for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
    os.environ.pop(var, None)

DNS_PORT, HTTPS_PORT, HTTP_PORT = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
CA_FILE, EMAIL = sys.argv[4], sys.argv[5]
PASSWORD = sys.argv[6] if len(sys.argv) > 6 else None

RESOLVER_KWARGS = {"configure": False}  # not /etc/resolv.conf
RESOLVER_ATTRS = {"nameservers": ["127.0.0.1"], "port": DNS_PORT, "timeout": 2}
PoxAutodiscovery.DNS_RESOLVER_KWARGS = RESOLVER_KWARGS
PoxAutodiscovery.DNS_RESOLVER_ATTRS = RESOLVER_ATTRS
PoxAutodiscovery.DNS_RESOLVER_LIFETIME = 4

# A cache file left by another run would let exchangelib skip the steps.
cache.AUTODISCOVER_PERSISTENT_STORAGE = cache.Path(tempfile.gettempdir(), "exchangelib-e2e.cache")

resolver = dns.resolver.Resolver(**RESOLVER_KWARGS)
for k, v in RESOLVER_ATTRS.items():
    setattr(resolver, k, v)

trail = []


class TestNetAdapter(requests.adapters.HTTPAdapter):
    """Connects where the test's DNS and ports say; everything else as requests does."""

    def get_connection(self, url, proxies=None):
        u = urlsplit(url)
        host = u.hostname
        port = u.port
        if port is None:
            port = HTTPS_PORT if u.scheme == "https" else HTTP_PORT
        address = resolver.resolve(host + ".", "A", lifetime=4)[0].to_text()
        extra = {"server_hostname": host, "assert_hostname": host} if u.scheme == "https" else {}
        return self.poolmanager.connection_from_host(address, port, scheme=u.scheme, pool_kwargs=extra)

    def cert_verify(self, conn, url, verify, cert):
        super().cert_verify(conn, url, CA_FILE, cert)

    def add_headers(self, request, **kwargs):
        # the Host a client on the default port sends (urllib3 would add
        # the address and port it connects to)
        request.headers["Host"] = urlsplit(request.url).netloc

    def send(self, request, *args, **kwargs):
        try:
            r = super().send(request, *args, **kwargs)
        except Exception:
            trail.append(f"{request.method} {request.url} error")
            raise
        trail.append(f"{request.method} {request.url} {r.status_code}")
        return r


BaseProtocol.HTTP_ADAPTER_CLS = TestNetAdapter


def main():
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    cache.autodiscover_cache.clear()
    credentials = Credentials(EMAIL, PASSWORD) if PASSWORD else None
    try:
        ad, protocol = PoxAutodiscovery(email=EMAIL, credentials=credentials).discover()
    except Exception as e:  # what the user of exchangelib would get
        result = {"error": f"{type(e).__name__}: {e}"}
    else:
        result = {
            "email": ad.autodiscover_smtp_address,
            "ews_url": protocol.service_endpoint,
            "auth_type": protocol.config.auth_type,
            "server_version": ad.protocol.server_version,
        }
    for line in trail:
        print("request=" + line)
    for k, v in result.items():
        print(f"{k}={v}")


if __name__ == "__main__":
    main()
