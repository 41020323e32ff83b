#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# End to end with a client nobody here wrote: python3-exchangelib's own
# Autodiscover (PoxAutodiscovery.discover(): its steps, its checks of every
# redirect, redirectAddr and redirectUrl) against HAProxy running the plugin,
# with its Autodiscover service answering all of /autodiscover/ ("all
# Autodiscover at the proxy", doc/haproxy.md), ending TLS with a certificate
# made here by certtool from the test CA (tests/gen-certs.sh) that the client
# trusts.
#
# The names: a dnsmasq run here, unprivileged, on a free port of 127.0.0.1
# serves them (exchangelib resolves with dnspython, which reads neither
# /etc/hosts nor anything else of the system's here); exchangelib is pointed
# at it with its own settings, Autodiscovery.DNS_RESOLVER_KWARGS and
# DNS_RESOLVER_ATTRS (nameservers, port).
#
#   contoso.com, *.contoso.com    127.0.0.1  Contoso's HAProxy (policy contoso.xml)
#   fabrikam.com, *.fabrikam.com  127.0.0.1  the same (autodiscover.fabrikam.com
#                                            is its port-80 redirect site)
#   adatum.com, *.adatum.com      127.0.0.1  the same
#   litware.com, *.litware.com    127.0.0.1  the same
#   ex.adatum.com                 127.0.0.2  Adatum's own HAProxy (adatum.xml)
#   _autodiscover._tcp.tailspintoys.com SRV 0 0 443 autodiscover.contoso.com
#
# The ports: exchangelib connects to 443 and 80, which an unprivileged HAProxy
# cannot listen on (net.ipv4.ip_unprivileged_port_start is 1024 unless root
# changes it). exchangelib has no port setting, but it lets the HTTP adapter
# be replaced (BaseProtocol.HTTP_ADAPTER_CLS, the hook it documents for a
# private CA): tests/e2e-exchangelib.py's adapter resolves each name with
# the same dnsmasq and connects to HAProxy's high ports instead of 443 and
# 80, keeping the URL, the Host header, SNI and the certificate check those
# of the default ports. What HAProxy and the plugin see is what they would
# see on 443 and 80; which requests exchangelib makes, and what it does with
# the answers, is exchangelib's own code.
#
# What each address must end with:
#   alice@contoso.com       settings: EwsUrl https://mail.contoso.com/EWS/Exchange.asmx,
#                           AuthPackage Ntlm (https://contoso.com fails its
#                           certificate check, https://autodiscover.contoso.com answers)
#   bob@fabrikam.com        no TLS name for fabrikam: the plain-HTTP GET to
#                           autodiscover.fabrikam.com gets the redirect site's 302
#                           to https://mail.contoso.com/autodiscover/autodiscover.xml,
#                           which answers redirectAddr bob@contoso.com, whose settings follow
#   carol@adatum.com        redirectUrl https://ex.adatum.com/autodiscover/autodiscover.xml,
#                           Adatum's own server, which answers its settings
#   dave@tailspintoys.com   found through DNS SRV, then redirectAddr to contoso.com
#   erin@litware.com        no rule: error 500, "The e-mail address cannot be found."
# and with the AuthPackage left at its default (Negotiate), exchangelib 4.9
# on Linux fails: it maps Negotiate to SSPI, which exists only on Windows.
#
# With E2E_PROXY=nginx (tests/e2e-exchangelib-nginx.sh), the same scenarios
# run against nginx with the module instead, its Autodiscover content
# handler (sslvdir_autodiscover) answering all of /autodiscover/ and the
# policy's decision giving the port-80 site's redirect; in a sanitizer build
# the module runs under AddressSanitizer and UBSan there.
#
# Skips (77) without haproxy (or nginx and the nginx module), curl, dnsmasq,
# certtool, python3-exchangelib or the Lua 5.3 module, unless
# SSLVDIR_REQUIRE_READERS=1 (CI): then it fails.
set -eu
e2e_proxy=${E2E_PROXY:-haproxy}
case $e2e_proxy in
  haproxy) me=e2e-exchangelib ;;
  nginx) me=e2e-exchangelib-nginx ;;
  *) echo "e2e-exchangelib: E2E_PROXY is haproxy or nginx, not '$e2e_proxy'" >&2; exit 1 ;;
esac
. "${top_srcdir:-.}/tests/e2e-lib.sh"

DNSMASQ=${DNSMASQ:-$(command -v dnsmasq || echo /usr/sbin/dnsmasq)}
[ -x "$DNSMASQ" ] || need "dnsmasq not installed (dnsmasq-base)"
command -v certtool >/dev/null 2>&1 || need "certtool not installed (gnutls-bin)"
# configure's Python, else Debian's: the one that has python3-exchangelib
expy=
for p in "$PY" /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import exchangelib, dns.resolver' 2>/dev/null; then expy=$p; break; fi
done
[ -n "$expy" ] || need "no Python with python3-exchangelib"

# A certificate for the names that have a TLS site here, by the test CA.
printf '%s\n' 'cn = "mail.contoso.com"' 'dns_name = "mail.contoso.com"' \
  'dns_name = "autodiscover.contoso.com"' 'dns_name = "autodiscover.adatum.com"' \
  'dns_name = "ex.adatum.com"' 'dns_name = "autodiscover.litware.com"' 'expiration_days = 30' tls_www_server signing_key \
  encryption_key > "$work/e2e.tmpl"
if ! { certtool --generate-privkey --key-type rsa --bits 2048 --outfile "$work/e2e.key" &&
        certtool --generate-certificate --load-privkey "$work/e2e.key" --load-ca-certificate "$certs/ca.pem" \
          --load-ca-privkey "$certs/ca.key" --template "$work/e2e.tmpl" --outfile "$work/e2e.pem"
      } > "$work/certtool.log" 2>&1; then
  echo "$me: certtool failed:" >&2; cat "$work/certtool.log" >&2; exit 1
fi
cat "$work/e2e.pem" "$work/e2e.key" > "$work/haproxy.pem"

# dnsmasq answers on UDP: a port free for TCP now is very likely free for
# UDP too, and dnsmasq refuses to start otherwise (checked below).
# shellcheck disable=SC2046 # the ports are words
set -- $(free_ports 3)
DNS=$1 H=$2 S=$3
start "$work/dnsmasq.log" "$DNSMASQ" --no-daemon --conf-file=/dev/null --port="$DNS" \
  --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --pid-file="$work/dnsmasq.pid" \
  --address=/contoso.com/127.0.0.1 --address=/fabrikam.com/127.0.0.1 \
  --address=/adatum.com/127.0.0.1 --address=/ex.adatum.com/127.0.0.2 --address=/litware.com/127.0.0.1 \
  --srv-host=_autodiscover._tcp.tailspintoys.com,autodiscover.contoso.com,443,0,0

# Contoso: its own domain, fabrikam.com moved to contoso.com (redirectAddr),
# adatum.com on Adatum's own Exchange (redirectUrl), tailspintoys.com moved
# to contoso.com, and the port-80 site for fabrikam.
cat > "$work/contoso.xml" <<'POLICY'
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016">
    <host name="mail.contoso.com" canonical="true"/>
    <host name="autodiscover.contoso.com"/>
    <host name="autodiscover.adatum.com"/>
    <host name="autodiscover.litware.com"/>
  </site>
  <site name="Autodiscover Redirect" autodiscover-redirect="mail.contoso.com">
    <host name="autodiscover.fabrikam.com"/>
    <vdir path="/Autodiscover" kind="other"/>
  </site>
  <autodiscover auth-package="Ntlm">
    <domain name="contoso.com" site="Default Web Site"/>
    <domain name="fabrikam.com" redirect-addr="contoso.com"/>
    <domain name="tailspintoys.com" redirect-addr="contoso.com"/>
    <domain name="adatum.com" redirect-url="https://ex.adatum.com/autodiscover/autodiscover.xml"/>
  </autodiscover>
</policy>
POLICY
cat > "$work/adatum.xml" <<'POLICY'
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2019">
    <host name="ex.adatum.com" canonical="true"/>
  </site>
  <autodiscover auth-package="Ntlm" server-build="15.2.1544">
    <domain name="adatum.com" site="Default Web Site"/>
  </autodiscover>
</policy>
POLICY

# haproxy_cfg POLICY ADDRESS HTTP-PORT: a front end for one policy. The
# backend is not running: nothing here may reach it (a 503 would show).
haproxy_cfg() {
  cat <<CFG
global
    setenv SSLVDIR_POLICY $1
    setenv SSLVDIR_DEBUG_HEADERS 1
    log stderr format raw local0
    lua-prepend-path $work/lua/?.so cpath
    lua-load-per-thread $top_srcdir/bindings/haproxy/sslvdir.lua
defaults
    mode http
    log global
    log-format "%ft %ST %{+Q}r host=%[var(txn.host)] sslvdir=%[var(txn.sslvdir_status)] reason=%[var(txn.sslvdir_reason)]"
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend http_in
    bind $2:$3
    http-request set-var(txn.host) req.hdr(host)
    http-request use-service lua.sslvdir-autodiscover if { path_beg -i /autodiscover/ }
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    default_backend exchange
frontend https_in
    bind $2:$S ssl crt $work/haproxy.pem
    http-request set-var(txn.host) req.hdr(host)
    http-request use-service lua.sslvdir-autodiscover if { path_beg -i /autodiscover/ }
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    default_backend exchange
backend exchange
    server ex01 127.0.0.1:9
CFG
}
# nginx_cfg POLICY ADDRESS HTTP-PORT DIR: the same front end with nginx.
# The log says what HAProxy's does, in the same words.
nginx_cfg() {
  cat <<CFG
load_module $nginx_module;
daemon off;
master_process off;
pid $4/nginx.pid;
error_log $4/error.log info;
events { worker_connections 64; }
http {
    client_body_temp_path $4/body;
    proxy_temp_path $4/proxy;
    fastcgi_temp_path $4/fastcgi;
    uwsgi_temp_path $4/uwsgi;
    scgi_temp_path $4/scgi;
    log_format e2e '\$server_port \$status "\$request" host=\$host sslvdir=\$sslvdir_status reason=\$sslvdir_reason';
    access_log $4/access.log e2e;
    sslvdir_policy $1;
    sslvdir_debug_headers on;
    server {
        listen $2:$3;
        listen $2:$S ssl;
        ssl_certificate $work/e2e.pem;
        ssl_certificate_key $work/e2e.key;
        sslvdir on;
        location ~* ^/autodiscover/ {
            client_max_body_size 64k;
            sslvdir_autodiscover;
        }
        location / {
            proxy_pass http://127.0.0.1:9;
        }
    }
}
CFG
}
# start_proxy NAME POLICY ADDRESS HTTP-PORT: the front end for one policy,
# its log in $work/NAME.log; its pid in $last.
start_proxy() {
  if [ "$e2e_proxy" = nginx ]; then
    mkdir -p "$work/$1"
    nginx_cfg "$2" "$3" "$4" "$work/$1" > "$work/$1.conf"
    run_nginx -t -q -p "$work/$1" -c "$work/$1.conf" -e "$work/$1/error.log"
    start_nginx "$work/$1.out" -p "$work/$1" -c "$work/$1.conf" -e "$work/$1/error.log"
    # the access log and the error log, as one log for the checks below
    ln -s "$1/access.log" "$work/$1.log"
  else
    haproxy_cfg "$2" "$3" "$4" > "$work/$1.cfg"
    "$HAPROXY" -c -q -f "$work/$1.cfg"
    start "$work/$1.log" "$HAPROXY" -db -f "$work/$1.cfg"
  fi
}
start_proxy contoso "$work/contoso.xml" 127.0.0.1 "$H"
# Adatum's plain-HTTP port is never used; one more free port for it.
start_proxy adatum "$work/adatum.xml" 127.0.0.2 "$(free_ports 1)"
adatum_pid=$last
# (a GET of the XML URL: the service's 405, which reaches no backend)
wait_up "https://127.0.0.1:$S/autodiscover/autodiscover.xml" "$work/contoso.log"
wait_up "https://127.0.0.2:$S/autodiscover/autodiscover.xml" "$work/adatum.log"
if ! "$expy" -c 'import dns.resolver, sys
r = dns.resolver.Resolver(configure=False); r.nameservers = ["127.0.0.1"]; r.port = int(sys.argv[1])
r.resolve("mail.contoso.com.", "A", lifetime=5)' "$DNS"; then
  echo "$me: dnsmasq does not answer on port $DNS" >&2; cat "$work/dnsmasq.log" >&2; exit 1
fi

# discover NAME EMAIL: exchangelib's answer for EMAIL in $work/out.
discover() {
  TMPDIR=$work "$expy" "$top_srcdir/tests/e2e-exchangelib.py" "$DNS" "$S" "$H" "$certs/ca.pem" \
    "$2" "P@ss w0rd" > "$work/out" 2> "$work/err" ||
    { fail "$1" "the driver failed"; sed 's/^/    /' "$work/err"; return 1; }
}
# has NAME LINE...: each LINE is a whole line of $work/out.
has() {
  name=$1
  shift
  for line in "$@"; do
    grep -Fxq -- "$line" "$work/out" && continue
    fail "$name" "exchangelib's result has no line '$line'"
    sed 's/^/    /' "$work/out"; grep -v '^$' "$work/err" | tail -5 | sed 's/^/    /'
    return 1
  done
}
in_order() { # NAME LINE...: the request= lines appear in this order
  name=$1
  shift
  if grep '^request=' "$work/out" | "$expy" -c 'import sys
got = [l.rstrip("\n") for l in sys.stdin]
want = sys.argv[1:]
i = 0
for line in got:
    if i < len(want) and line == want[i]:
        i += 1
sys.exit(0 if i == len(want) else 1)' "$@"; then return 0; fi
  fail "$name" "the requests are not, in this order: $*"; sed 's/^/    /' "$work/out"; return 1
}

ews=https://mail.contoso.com/EWS/Exchange.asmx
t="alice@contoso.com: exchangelib gets the settings the policy says (EwsUrl, Ntlm)"
discover "$t" alice@contoso.com && has "$t" "email=alice@contoso.com" "ews_url=$ews" "auth_type=NTLM" &&
  in_order "$t" "request=POST https://contoso.com/Autodiscover/Autodiscover.xml error" \
    "request=POST https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml 200" && ok "$t"
t="... and the server version from the settings (ServerVersion of Exchange 2016 RTM)"
sv=$(sed -n 's/^server_version=//p' "$work/out")
case $sv in 15.1.225*) ok "$t" ;; *) fail "$t" "server_version '$sv'" ;; esac

t="bob@fabrikam.com: the port-80 redirect site, then redirectAddr to bob@contoso.com"
discover "$t" bob@fabrikam.com && has "$t" "email=bob@contoso.com" "ews_url=$ews" "auth_type=NTLM" &&
  in_order "$t" "request=POST https://autodiscover.fabrikam.com/Autodiscover/Autodiscover.xml error" \
    "request=GET http://autodiscover.fabrikam.com/Autodiscover/Autodiscover.xml 302" \
    "request=POST https://mail.contoso.com/autodiscover/autodiscover.xml 200" \
    "request=POST https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml 200" && ok "$t"
t="... the redirect and the answers are the policy's ($e2e_proxy's log)"
if grep -q '"GET /Autodiscover/Autodiscover.xml HTTP/1.1" host=autodiscover.fabrikam.com sslvdir=302 reason=autodiscover-redirect' "$work/contoso.log"; then
  ok "$t"; else fail "$t" "no such line in the log"; sed 's/^/    /' "$work/contoso.log"; fi

t="carol@adatum.com: redirectUrl to Adatum's own server, whose settings exchangelib takes"
discover "$t" carol@adatum.com &&
  has "$t" "email=carol@adatum.com" "ews_url=https://ex.adatum.com/EWS/Exchange.asmx" "auth_type=NTLM" \
    "server_version=15.2.1544.0" &&
  in_order "$t" "request=POST https://autodiscover.adatum.com/Autodiscover/Autodiscover.xml 200" \
    "request=POST https://ex.adatum.com/autodiscover/autodiscover.xml 200" && ok "$t"

t="dave@tailspintoys.com: DNS SRV to autodiscover.contoso.com, then redirectAddr"
discover "$t" dave@tailspintoys.com && has "$t" "email=dave@contoso.com" "ews_url=$ews" &&
  in_order "$t" "request=HEAD https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml 405" \
    "request=POST https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml 200" && ok "$t"

t="erin@litware.com, a domain without a rule: error 500, which exchangelib reports as no mailbox"
discover "$t" erin@litware.com && has "$t" "request=POST https://autodiscover.litware.com/Autodiscover/Autodiscover.xml 200" \
  "error=ErrorNonExistentMailbox: The SMTP address has no mailbox associated with it" && ok "$t"

# what would show an answer not given by the plugin or the module
if [ "$e2e_proxy" = nginx ]; then
  t="nothing reached the backend, and no alert or sanitizer report"
  bad=' 50[0-9] "\|\[alert\]\|\[crit\]\|AddressSanitizer\|runtime error'
  set -- "$work/contoso.log" "$work/adatum.log" "$work/contoso/error.log" "$work/adatum/error.log" \
    "$work/contoso.out" "$work/adatum.out"
else
  t="nothing reached the backend, and no Lua error"
  bad=' 503 \|runtime error\|internal error'
  set -- "$work/contoso.log" "$work/adatum.log"
fi
if grep -q "$bad" "$@"; then
  fail "$t" "see the log"; grep "$bad" "$@" | sed 's/^/    /'
else ok "$t"; fi

# The AuthPackage left at its default, Negotiate: exchangelib maps it to
# SSPI, which it has only on Windows (requests_negotiate_sspi).
stop "$adatum_pid"
sed 's/ auth-package="Ntlm"//' "$work/adatum.xml" > "$work/adatum-negotiate.xml"
start_proxy adatum-negotiate "$work/adatum-negotiate.xml" 127.0.0.2 "$(free_ports 1)"
wait_up "https://127.0.0.2:$S/autodiscover/autodiscover.xml" "$work/adatum-negotiate.log"
t="AuthPackage Negotiate: exchangelib on Linux refuses it (SSPI), as the documents say"
if discover "$t" carol@adatum.com; then
  if grep -q "^error=InvalidEnumValue: .*'sspi'" "$work/out"; then ok "$t"; else
    fail "$t" "unexpected result"; sed 's/^/    /' "$work/out"; fi
fi

finish
