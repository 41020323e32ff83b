#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# End to end: a real nginx (Debian's) loading bindings/nginx's module, ending
# TLS with certificates certtool made for this run (tests/gen-certs.sh), in
# front of bindings/haproxy/tests/backend.py (an offloaded Exchange front
# end), with curl as the client: the scenarios of tests/haproxy.sh, the
# hostile path corpus over plain HTTP, reloads with a good and a broken
# policy, and the front end doc/nginx.md shows, extracted and run.
#
# Skips (77) without the module (nginx-dev absent), nginx or curl, unless
# SSLVDIR_REQUIRE_READERS=1 (CI), where that fails. In a sanitizer build the
# module runs under AddressSanitizer and UBSan in nginx's master and workers
# (the runtimes preloaded: nginx itself is not instrumented).
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
need() {
  if [ "${SSLVDIR_REQUIRE_READERS:-0}" = 1 ]; then
    echo "nginx.sh: $1 (required here: SSLVDIR_REQUIRE_READERS=1)" >&2
    exit 1
  fi
  echo "nginx.sh: skipped: $1" >&2
  exit 77
}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
CURL=${CURL:-$(command -v curl || true)}
PY=${PYTHON3:-${PYTHON:-python3}}
module="$top_builddir/bindings/nginx/ngx_http_sslvdir_module.so"
[ -f "$module" ] || need "the nginx module is not built (nginx-dev not installed, or configure --without-nginx-src)"
[ -x "$NGINX" ] || need "nginx not installed"
[ -n "$CURL" ] || need "curl not installed"
certs="$top_builddir/tests/certs"
[ -f "$certs/server.pem" ] || need "no test certificates ($certs)"

. "$top_srcdir/tests/sanitizer-preload.sh"
sanitizer_preload "$module"
if [ -n "$preload" ]; then
  # nginx is not instrumented: the runtimes go first, and nginx's own
  # memory (never freed at exit) is not the module's leak.
  # Only nginx gets them (curl and the Python backend are not ours). A
  # single process (master_process off) would do, but nginx cannot reload
  # in one (it answers HTTP/0.9 garbage afterwards, module or not): the
  # master and its workers run under the sanitizers alike.
  master=on
  asan_options="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  run_nginx() { env LD_PRELOAD="$preload" ASAN_OPTIONS="$asan_options" "$NGINX" "$@"; }
else
  master=on
  run_nginx() { "$NGINX" "$@"; }
fi

work=$(mktemp -d)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT INT TERM

ports=$("$PY" -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
set -- $ports
H=$1 S=$2 BH=$3 BS=$4 BB=$5
mkdir "$work/tmp" "$work/logs"

cat > "$work/policy.xml" <<POLICY
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016-offload">
    <host name="mail.contoso.com" canonical="true" https-port="$S"/>
    <vdir path="/Microsoft-Server-ActiveSync" edge="Ssl,SslNegotiateCert,SslRequireCert,Ssl128"/>
    <vdir path="/OAB" edge="Ssl"/>
    <vdir path="/public" kind="other" edge="None"/>
  </site>
  <site name="Autodiscover Web Site" autodiscover-redirect="mail.contoso.com">
    <host name="autodiscover.contoso.com"/>
    <vdir path="/Autodiscover" kind="other"/>
  </site>
  <autodiscover>
    <domain name="contoso.com" site="Default Web Site"/>
  </autodiscover>
  <offloader address="127.0.0.2"/>
  <offloader address="127.0.0.5" cipher-header="X-SSL-Cipher"/>
</policy>
POLICY

# main.conf: the nginx around the http block; policy.conf: the policy
# directives (swapped by the reload tests).
cat > "$work/main.conf" <<CFG
load_module $module;
daemon off;
master_process $master;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log info;
events { worker_connections 256; }
http {
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    log_format sslvdir '\$remote_addr "\$request" \$status sslvdir=\$sslvdir_status reason=\$sslvdir_reason vdir="\$sslvdir_vdir" upstream=\$sslvdir_upstream';
    access_log $work/logs/access.log sslvdir;
    # static files as file buffers, which the body filter needs read
    sendfile on;

    include $work/policy.conf;
    sslvdir_debug_headers on;

    map \$sslvdir_upstream \$exchange {
        volatile;
        bridge  https://127.0.0.1:$BS;
        default http://127.0.0.1:$BH;
    }

    server {
        listen 127.0.0.1:$H;
        listen 127.0.0.1:$S ssl http2;
        ssl_certificate $certs/server.pem;
        ssl_certificate_key $certs/server.key;
        ssl_client_certificate $certs/ca.pem;
        ssl_crl $certs/crl.pem;
        ssl_verify_client optional_no_ca;
        # nginx answers a certificate it cannot verify (expired, revoked)
        # itself with 495 before any module runs: handing it to a location
        # where the policy decides gives IIS's 403.13 / 403.17 (and lets the
        # request through where the vdir asks for no certificate).
        error_page 495 = @exchange;
        sslvdir on;

        # A redirect the policy answers, handed to a location where it
        # applies again, is answered again, never let through.
        location /autodiscover/ {
            error_page 301 302 = @exchange;
            proxy_pass \$exchange;
        }
        location / {
            proxy_pass \$exchange;
            proxy_set_header Host \$http_host;
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate $certs/ca.pem;
            proxy_ssl_name mail.contoso.com;
            proxy_ssl_server_name on;
        }
        location @exchange {
            proxy_pass \$exchange;
            proxy_set_header Host \$http_host;
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate $certs/ca.pem;
            proxy_ssl_name mail.contoso.com;
            proxy_ssl_server_name on;
        }

        # Bodies (tests/nginx-body.py): buffered, streamed, spooled to a
        # temporary file (small buffers, a slow client), static files, and
        # the filter turned off.
        location /owa/body/ {
            proxy_pass http://127.0.0.1:$BB;
        }
        location /owa/small/ {
            proxy_pass http://127.0.0.1:$BB;
            proxy_buffer_size 1k;
            proxy_buffers 64 1k;
            proxy_busy_buffers_size 2k;
        }
        location /owa/stream/ {
            proxy_pass http://127.0.0.1:$BB;
            proxy_buffering off;
        }
        location /owa/spool/ {
            proxy_pass http://127.0.0.1:$BB;
            proxy_buffers 4 4k;
            proxy_busy_buffers_size 8k;
        }
        location /owa/files/ {
            root $work/www;
        }
        location /owa/asis/ {
            sslvdir_rewrite_body off;
            proxy_pass http://127.0.0.1:$BB;
        }
        location /public/ {
            proxy_pass http://127.0.0.1:$BB;
        }
    }
}
CFG
cat > "$work/policy.conf" <<CFG
sslvdir_policy $work/policy.xml;
sslvdir_offloader 127.0.0.3;
sslvdir_offloader_cipher_bits 128;
sslvdir_offloader_cipher_header X-SSL-Cipher;
CFG

export LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ngx() { run_nginx -p "$work" -c "$work/main.conf" -e "$work/logs/error.log" "$@"; }

"$PY" "$top_srcdir/bindings/haproxy/tests/backend.py" "$BH" "$BS" "$certs/server.pem" \
  "$certs/server.key" > "$work/backend.log" 2>&1 &
pids="$pids $!"
mkdir -p "$work/www/owa/files"
"$PY" "$top_srcdir/tests/nginx-body.py" "$BB" "$work/www/owa/files" > "$work/body-backend.log" 2>&1 &
pids="$pids $!"
ngx -t -q 2> "$work/t.log" || { echo "nginx.sh: nginx -t refuses the test configuration:"; cat "$work/t.log" "$work/logs/error.log"; exit 1; }
if [ -n "$preload" ]; then
  env LD_PRELOAD="$preload" ASAN_OPTIONS="$asan_options" "$NGINX" -p "$work" -c "$work/main.conf" -e "$work/logs/error.log" > "$work/nginx.out" 2>&1 &
else
  "$NGINX" -p "$work" -c "$work/main.conf" -e "$work/logs/error.log" > "$work/nginx.out" 2>&1 &
fi
nginx_pid=$!
pids="$pids $nginx_pid"

# wait_up URL LOG...: until URL answers, at most 10 s.
wait_up() {
  url=$1
  shift
  i=0
  until "$CURL" -s --max-time 2 -o /dev/null "$url" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
      echo "nginx.sh: nothing answers $url" >&2
      cat "$@" >&2
      exit 1
    fi
    sleep 0.1
  done
}
wait_up "http://127.0.0.1:$BH/" "$work/backend.log"
wait_up "http://127.0.0.1:$H/" "$work/logs/error.log" "$work/nginx.out"

fails=0
pass=0
resolve="--resolve mail.contoso.com:$H:127.0.0.1 --resolve mail.contoso.com:$S:127.0.0.1 --resolve autodiscover.contoso.com:$H:127.0.0.1 --resolve autodiscover.contoso.com:$S:127.0.0.1"
# req NAME CURL-ARGS...: headers to $work/h, body to $work/b
req() {
  name=$1
  shift
  # shellcheck disable=SC2086
  "$CURL" -s -S --max-time 20 $resolve --cacert "$certs/ca.pem" -D "$work/h" -o "$work/b" "$@" ||
    { echo "FAIL $name: curl failed"; fails=$((fails + 1)); return 1; }
  tr -d '\r' < "$work/h" > "$work/h2"
}
expect_status() {
  got=$(head -n1 "$work/h2" | awk '{print $2}')
  if [ "$got" = "$2" ]; then return 0; fi
  echo "FAIL $1: status $got, want $2"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
expect_header() { # NAME HEADER-LINE-REGEX
  if grep -Eiq "$2" "$work/h2"; then return 0; fi
  echo "FAIL $1: no header matching '$2'"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
no_header() {
  if ! grep -Eiq "$2" "$work/h2"; then return 0; fi
  echo "FAIL $1: unexpected header matching '$2'"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
expect_body() {
  if grep -Eq "$2" "$work/b"; then return 0; fi
  echo "FAIL $1: body does not match '$2'"; head -c 600 "$work/b" | sed 's/^/    /'; fails=$((fails + 1)); return 1
}
ok() { echo "ok   $1"; pass=$((pass + 1)); }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

t="OWA over http is 403.4, as Exchange ships it (no redirect unless asked for)"
req "$t" "http://mail.contoso.com:$H/owa/?ae=Folder" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.4$" && expect_header "$t" "^x-sslvdir-reason: ssl-required$" &&
  no_header "$t" "^location:" && expect_body "$t" "HTTP Error 403\.4 - Forbidden" && ok "$t"

t="EWS POST over http is 403.4"
req "$t" -X POST -d '<x/>' "http://mail.contoso.com:$H/EWS/Exchange.asmx" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.4$" && no_header "$t" "^x-backend-saw" && ok "$t"

t="spoofed X-Forwarded-Proto and Front-End-Https from a client are ignored (still 403.4)"
req "$t" -H "X-Forwarded-Proto: https" -H "Front-End-Https: On" "http://mail.contoso.com:$H/owa/" &&
  expect_status "$t" 403 && no_header "$t" "^x-backend-saw" && ok "$t"

t="a trusted offloader's X-Forwarded-Proto is believed (OAB offloaded)"
req "$t" --interface 127.0.0.2 -H "X-Forwarded-Proto: https" "http://mail.contoso.com:$H/OAB/oab.xml" &&
  expect_status "$t" 200 && expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' && ok "$t"
t="behind a trusted offloader the key size is unknown: Ssl128 fails closed (403.5)"
req "$t" --interface 127.0.0.2 -H "X-Forwarded-Proto: https" "http://mail.contoso.com:$H/owa/" &&
  expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.5$" && ok "$t"
t="the offloader that says nothing about the cipher is named at nginx -t"
if grep -q "offloader 127.0.0.2/32 says nothing about the cipher" "$work/t.log" &&
   ! grep -q "offloader 127.0.0.3/32 says nothing" "$work/t.log"; then ok "$t"; else
  fail "$t"; sed 's/^/    /' "$work/t.log" | head -5; fi
t="an offloader enforcing 128-bit ciphers (sslvdir_offloader_cipher_bits): Ssl128 passes"
req "$t" --interface 127.0.0.3 -H "X-Forwarded-Proto: https" "http://mail.contoso.com:$H/owa/" &&
  expect_status "$t" 302 && expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' && ok "$t"
t="its cipher header (sslvdir_offloader_cipher_header) goes before the minimum: RC4 is 403.5"
req "$t" --interface 127.0.0.3 -H "X-Forwarded-Proto: https" -H "X-SSL-Cipher: RC4-SHA" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.5$" && ok "$t"
t="an offloader naming the cipher in a header (policy file): AES-256 passes, and reaches the backend"
req "$t" --interface 127.0.0.5 -H "X-Forwarded-Proto: https" -H "X-SSL-Cipher: ECDHE-RSA-AES256-GCM-SHA384" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 302 &&
  expect_header "$t" '^x-backend-saw: .*"ssl_cipher":\["ECDHE-RSA-AES256-GCM-SHA384"\]' && ok "$t"
t="the cipher header from an offloader that names none is ignored (still 403.5)"
req "$t" --interface 127.0.0.2 -H "X-Forwarded-Proto: https" -H "X-SSL-Cipher: AES256-SHA" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.5$" && ok "$t"
t="the cipher header from a client is stripped toward the backend"
req "$t" -H "X-SSL-Cipher: RC4-SHA" "https://mail.contoso.com:$S/ecp/" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"ssl_cipher":null' && ok "$t"
t="two X-Forwarded-Proto values from a trusted offloader are not believed"
req "$t" --interface 127.0.0.2 -H "X-Forwarded-Proto: https" -H "X-Forwarded-Proto: http" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.4$" && ok "$t"
t="offload: the backend gets X-Forwarded-Proto https and Front-End-Https On, not the client's values"
req "$t" -H "X-Forwarded-Proto: http" -H "Front-End-Https: Off" "https://mail.contoso.com:$S/ecp/" &&
  expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"tls":false.*"x_forwarded_proto":\["https"\]' &&
  expect_header "$t" '^x-backend-saw: .*"front_end_https":\["On"\]' && ok "$t"
t="offload: a client's two X-Forwarded-Proto become the one the backend gets"
req "$t" -H "X-Forwarded-Proto: http" -H "X-SSL-Cipher: RC4-SHA" -H "X-Forwarded-Proto: http" \
  "https://mail.contoso.com:$S/ecp/" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' &&
  expect_header "$t" '^x-backend-saw: .*"front_end_https":\["On"\]' &&
  expect_header "$t" '^x-backend-saw: .*"ssl_cipher":null' && ok "$t"
t="offload: a client's Front-End-Https alone is replaced, X-Forwarded-Proto added"
req "$t" -H "Front-End-Https: Off" "https://mail.contoso.com:$S/ecp/" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' &&
  expect_header "$t" '^x-backend-saw: .*"front_end_https":\["On"\]' && ok "$t"
t="rewritten Location and Secure cookies from the offloaded backend"
req "$t" "https://mail.contoso.com:$S/owa/" && expect_status "$t" 302 &&
  expect_header "$t" "^location: https://mail\.contoso\.com:$S/owa/auth/logon\.aspx\?url=" &&
  expect_header "$t" "^set-cookie: ClientId=ABCDEF; path=/; Secure$" &&
  expect_header "$t" "^set-cookie: X-OWA-CANARY=1; path=/; HttpOnly; Secure$" && ok "$t"
t="bridging chosen for MRSProxy (\$sslvdir_upstream picks TLS to the backend)"
req "$t" -X POST -d x "https://mail.contoso.com:$S/EWS/mrsproxy.svc" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: \{"tls":true' && expect_body "$t" '"bridged": true' && ok "$t"
t="port-80 Autodiscover redirect (the library's Location), also through error_page"
req "$t" "http://autodiscover.contoso.com:$H/autodiscover/autodiscover.xml" && expect_status "$t" 302 &&
  no_header "$t" "^x-backend-saw" &&
  expect_header "$t" "^location: https://mail\.contoso\.com:$S/autodiscover/autodiscover\.xml$" && ok "$t"
t="a POST to the port-80 redirect site is refused (403.4)"
req "$t" -X POST -d x "http://autodiscover.contoso.com:$H/autodiscover/autodiscover.xml" &&
  expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.4$" && ok "$t"

# Client certificates, from nginx's verification, with IIS's substatus.
eas="https://mail.contoso.com:$S/Microsoft-Server-ActiveSync?Cmd=Sync&User=alice&DeviceId=X&DeviceType=iPhone"
t="ActiveSync without a client certificate is 403.7"
req "$t" --http1.1 -X POST -d x "$eas" && expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.7$" &&
  no_header "$t" "^x-backend-saw" && ok "$t"
t="ActiveSync with a trusted client certificate reaches the backend"
req "$t" --http1.1 -X POST -d x --cert "$certs/client.pem" --key "$certs/client.key" "$eas" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' && ok "$t"
for case in "stranger:403.16:a client certificate of an unknown CA" \
            "expired:403.17:an expired client certificate" \
            "revoked:403.13:a revoked client certificate"; do
  c=${case%%:*}; rest=${case#*:}; code=${rest%%:*}; t="${rest#*:} is $code"
  req "$t" --http1.1 -X POST -d x --cert "$certs/$c.pem" --key "$certs/$c.key" "$eas" &&
    expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: $(echo "$code" | sed 's/\./\\./')$" &&
    no_header "$t" "^x-backend-saw" && ok "$t"
done
t="an expired client certificate on a vdir that asks for none is let through, as IIS does"
req "$t" --cert "$certs/expired.pem" --key "$certs/expired.key" "https://mail.contoso.com:$S/ecp/" &&
  expect_status "$t" 200 && expect_header "$t" '^x-backend-saw' && ok "$t"

t="hostile path is refused before the backend (400)"
req "$t" --path-as-is "https://mail.contoso.com:$S/owa/%2e%2e/%2e%2e/windows/win.ini" && expect_status "$t" 400 &&
  no_header "$t" "^x-backend-saw" && ok "$t"
t="HTTP/2 over TLS is decided the same way"
req "$t" --http2 "https://mail.contoso.com:$S/owa/" && expect_status "$t" 302 &&
  expect_header "$t" "^location: https://mail\.contoso\.com:$S/owa/auth/logon\.aspx" && ok "$t"
t="an absolute-form target without a path is the site's root, as IIS reads it"
req "$t" --request-target "http://mail.contoso.com:$H" "http://mail.contoso.com:$H/" &&
  expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.4$" &&
  expect_header "$t" "^x-sslvdir-reason: ssl-required$" && ok "$t"
t="an absolute-form target and a Host that name different hosts are 400 (nginx forwards the Host)"
req "$t" --request-target "http://mail.contoso.com:$H/owa/" -H "Host: autodiscover.contoso.com" "http://mail.contoso.com:$H/" &&
  expect_status "$t" 400 && expect_header "$t" "^x-sslvdir-reason: bad-host$" && no_header "$t" "^x-backend-saw" && ok "$t"

# Every refused target of the path canonicaliser's cases, raw on a socket to
# the plain-HTTP listener and to a vdir the policy lets through over TLS
# only after the path: none reaches the backend, whatever nginx or the
# library answers.
t="the hostile path corpus never reaches the backend over plain HTTP"
if "$PY" - "$top_srcdir/tests/data/path/cases.txt" "$H" > "$work/corpus.log" 2>&1 <<'PY'
import re, socket, sys
path, port = sys.argv[1], int(sys.argv[2])
targets = []
for line in open(path, encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    raw, _, want = line.rpartition(" ")
    raw = raw.strip()
    if not want.startswith("!") or not raw:
        continue
    b = re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]),
               raw.encode("utf-8")).replace(b"\\s", b" ")
    targets.append(b)
assert len(targets) >= 20, len(targets)
bad = 0
for tgt in targets:
    for host in (b"mail.contoso.com", b"autodiscover.contoso.com"):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET " + tgt + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        head = data.split(b"\r\n\r\n", 1)[0].lower()
        status = head.split(b"\r\n", 1)[0]
        if not status.startswith(b"http/"):
            # A target holding CR LF ends the request line there: nginx
            # reads an HTTP/0.9 request and answers with a bare body.
            refused = b"http error 4" in data.lower() or b"400 bad request" in data.lower()
        else:
            refused = re.match(rb"http/1\.[01] [45]\d\d", status) is not None
        if b"x-backend-saw" in head or b"x_forwarded_proto" in data or not refused:
            print("reached the backend or was not refused:", tgt, status)
            bad += 1
print(len(targets), "targets")
sys.exit(1 if bad else 0)
PY
then ok "$t ($(tail -n1 "$work/corpus.log"))"; else fail "$t"; sed 's/^/    /' "$work/corpus.log" | head -20; fi

t="the decision is in the log: IIS's status, the reason code and the vdir"
sleep 0.2
if grep -q '"POST /EWS/Exchange.asmx HTTP/1.1" 403 sslvdir=403.4 reason=ssl-required vdir="Default Web Site/EWS" upstream=' "$work/logs/access.log" &&
   grep -q '"POST /EWS/mrsproxy.svc HTTP/2.0" 200 sslvdir= reason=allowed vdir="Default Web Site/EWS/mrsproxy.svc" upstream=bridge$' "$work/logs/access.log"; then
  ok "$t"; else fail "$t"; grep 'sslvdir=' "$work/logs/access.log" | head -5 | sed 's/^/    /'; fi

# Bodies: the library's streaming rewriter on nginx's buffer chains. Each
# page is compared byte for byte with what the library's own command
# (sslvdir rewrite-body) makes of it, whatever the cuts between buffers.
www="$work/www/owa/files"
# nginx's workers (nobody, when the test runs as root) read the static
# files and write the temporary ones under $work
chmod go+rx "$work" "$work/www" "$work/www/owa" "$www"
"$PY" - "$www" <<'PY'
import gzip, random, sys
d = sys.argv[1]
links = [
    b'<a href="http://mail.contoso.com/owa/?ae=Folder">inbox</a>',
    b"<a href='HTTP://Mail.Contoso.Com:80/ecp/'>ecp</a>",
    b'<script>var j = {"u":"http:\\/\\/mail.contoso.com\\/owa\\/"};</script>',
    b'<a href="http://mail.contoso.com.evil.example/">not ours</a>',
    b'<a href="http://mail.contoso.com:8080/x">another port</a>',
    b'<img src="http://autodiscover.contoso.com/logo.png">',
    b'<style>b { background: url(http://mail.contoso.com/owa/b.png) }</style>',
    b'<p>http://mail.contoso.com</p>',
]
page = b"<!DOCTYPE html>\n<html><body>\n" + b"\n".join(links) + b"\nlast: http://mail.contoso.com"
open(d + "/page.html", "wb").write(page)
open(d + "/data.json", "wb").write(
    b'{"Url":"http:\\/\\/mail.contoso.com\\/owa\\/","Ews":"http://MAIL.contoso.com/EWS/","x":"http://mail.contoso.com:80"}')
open(d + "/page.html.gz", "wb").write(gzip.compress(page, mtime=0))
open(d + "/image.png", "wb").write(b"\x89PNG\r\n\x1a\n" + page)
rnd = random.Random(19)
parts, size = [], 0
while size < 5 * 1024 * 1024:
    p = b"lorem ipsum " * rnd.randrange(0, 40) + rnd.choice(links) + b"\n"
    parts.append(p)
    size += len(p)
open(d + "/big.html", "wb").write(b"".join(parts) + b"http://mail.contoso.com")
# Lines of 1023 bytes, a link in each: buffers of 1024 bytes cut them one
# byte further into the link from line to line, every cut K = 0..1022.
comb = []
for i in range(1100):
    line = b"x" * (i % 7) + links[i % 4]
    comb.append(line + b"." * (1022 - len(line)) + b"\n")
open(d + "/comb.html", "wb").write(b"".join(comb))
PY
chmod go+r "$www"/*
SSLVDIR_TOOL=${SSLVDIR_TOOL:-$top_builddir/tools/sslvdir}
for f in page.html data.json big.html comb.html; do
  "$SSLVDIR_TOOL" rewrite-body --policy "$work/policy.xml" < "$www/$f" > "$work/$f.want"
done
t="the expected pages differ from the backend's (links made https with the site's port)"
if ! cmp -s "$www/page.html" "$work/page.html.want" &&
   grep -q "href=\"https://mail.contoso.com:$S/owa/?ae=Folder\"" "$work/page.html.want" &&
   grep -q 'https:\\/\\/mail.contoso.com:'"$S"'\\/owa' "$work/data.json.want" &&
   [ "$(tail -n 1 "$work/page.html.want")" = "last: https://mail.contoso.com:$S" ]; then ok "$t"; else
  fail "$t"; head -c 600 "$work/page.html.want"; fi

# get_same NAME URL WANT [CURL-ARGS...]: the body is WANT's bytes
get_same() {
  name=$1 url=$2 want=$3
  shift 3
  req "$name" "$@" "$url" || return 1
  expect_status "$name" 200 || return 1
  if cmp -s "$work/b" "$want"; then return 0; fi
  echo "FAIL $name: the body differs from $want"; cmp "$work/b" "$want" | sed 's/^/    /'
  fails=$((fails + 1)); return 1
}

# Every cut from inside "http" to past the host, on every link at once:
# buffered and streamed, chunked and with Content-Length.
for loc in body stream; do
  for te in chunked length; do
    # (buffered with Content-Length: nginx joins these pieces in one
    # buffer; the cuts are then the buffers' ends, tested below)
    t="page cut K bytes into each link (/owa/$loc/, $te), K = 1..34: the library's bytes"
    bad=0
    for k in $(seq 1 34); do
      get_same "$t, K=$k" "https://mail.contoso.com:$S/owa/$loc/page.html?split=$k&te=$te" \
        "$work/page.html.want" || { bad=1; break; }
    done
    [ "$bad" = 0 ] && no_header "$t" "^content-length:" && ok "$t"
  done
done
# nginx's buffered pipe fills a buffer before passing it on: the cuts are
# the buffers' ends (1 KB in /owa/small/), at every offset into a link.
t="buffers of 1 KB ending at every offset into a link (buffered, Content-Length)"
get_same "$t" "https://mail.contoso.com:$S/owa/small/comb.html" "$work/comb.html.want" && ok "$t"
t="JSON cut K bytes into each link (application/json), K = 1..34"
bad=0
for k in $(seq 1 34); do
  get_same "$t, K=$k" "https://mail.contoso.com:$S/owa/stream/data.json?split=$k&type=application/json" \
    "$work/data.json.want" || { bad=1; break; }
done
[ "$bad" = 0 ] && ok "$t"

t="a rewritten page: no Content-Length or Accept-Ranges, a weak ETag, sent chunked"
req "$t" --http1.1 "https://mail.contoso.com:$S/owa/body/page.html" && expect_status "$t" 200 &&
  no_header "$t" "^content-length:" && no_header "$t" "^accept-ranges:" &&
  expect_header "$t" '^etag: W/"sslvdir-test"$' && expect_header "$t" "^transfer-encoding: chunked$" && ok "$t"
t="HEAD of a rewritten page: the headers a GET has, no Content-Length"
req "$t" --http1.1 -I "https://mail.contoso.com:$S/owa/body/page.html" && expect_status "$t" 200 &&
  no_header "$t" "^content-length:" && expect_header "$t" '^etag: W/"sslvdir-test"$' && ok "$t"
t="an HTTP/1.0 client's page is not rewritten: the backend's bytes and Content-Length, which show a cut"
get_same "$t" "https://mail.contoso.com:$S/owa/body/page.html?te=length" "$www/page.html" --http1.0 &&
  expect_header "$t" "^content-length: $(wc -c < "$www/page.html" | tr -d ' ')$" && ok "$t"
t="HTTP/2: the same bytes"
get_same "$t" "https://mail.contoso.com:$S/owa/body/page.html?split=9" "$work/page.html.want" --http2 && ok "$t"
for loc in body stream; do
  for te in chunked length; do
    t="a page of 5 MB (/owa/$loc/, $te): the library's bytes"
    get_same "$t" "https://mail.contoso.com:$S/owa/$loc/big.html?te=$te&every=7919" "$work/big.html.want" &&
      no_header "$t" "^content-length:" && ok "$t"
  done
done
t="a static file (sendfile, file buffers read into memory): the library's bytes"
get_same "$t" "https://mail.contoso.com:$S/owa/files/big.html" "$work/big.html.want" && ok "$t"
t="a page spooled to a temporary file (slow client): the library's bytes"
get_same "$t" "https://mail.contoso.com:$S/owa/spool/big.html" "$work/big.html.want" --limit-rate 4M &&
  if grep -q "buffered to a temporary file" "$work/logs/error.log"; then ok "$t"; else
    fail "$t: nginx did not spool it (no 'buffered to a temporary file' in the log)"; fi

t="a gzip-encoded page is left alone, with its Content-Length"
get_same "$t" "https://mail.contoso.com:$S/owa/body/page.html.gz?enc=gzip&split=5" "$www/page.html.gz" &&
  expect_header "$t" "^content-length: $(wc -c < "$www/page.html.gz" | tr -d ' ')$" &&
  expect_header "$t" "^content-encoding: gzip$" && ok "$t"
t="image/png is left alone, with its Content-Length and ETag"
get_same "$t" "https://mail.contoso.com:$S/owa/body/image.png?type=image/png" "$www/image.png" &&
  expect_header "$t" "^content-length: $(wc -c < "$www/image.png" | tr -d ' ')$" &&
  expect_header "$t" '^etag: "sslvdir-test"$' && ok "$t"
t="a plain-HTTP client's page is left alone (it is not on https)"
get_same "$t" "http://mail.contoso.com:$H/public/page.html?split=3" "$www/page.html" &&
  expect_header "$t" "^content-length: $(wc -c < "$www/page.html" | tr -d ' ')$" && ok "$t"
t="the same page over TLS is rewritten"
get_same "$t" "https://mail.contoso.com:$S/public/page.html?split=3" "$work/page.html.want" && ok "$t"
t="sslvdir_rewrite_body off: left alone"
get_same "$t" "https://mail.contoso.com:$S/owa/asis/page.html?split=3" "$www/page.html" &&
  expect_header "$t" "^content-length: " && ok "$t"

# Nothing is guessed: policies nginx -t refuses, the directive named.
refuses() { # refuses NAME POLICY-CONF PATTERN...
  t=$1; printf '%s\n' "$2" > "$work/bad-policy.conf"; shift 2
  sed "s|include $work/policy.conf;|include $work/bad-policy.conf;|" "$work/main.conf" > "$work/bad.conf"
  rc=0
  run_nginx -t -p "$work" -c "$work/bad.conf" -e "$work/logs/bad.log" > "$work/bad.log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then fail "$t: nginx -t accepted it"; return; fi
  for pat in "$@"; do
    if ! grep -q -- "$pat" "$work/bad.log"; then
      fail "$t: no '$pat' (exit $rc)"; sed 's/^/    /' "$work/bad.log"; return
    fi
  done
  ok "$t"
}
refuses "a preset without sslvdir_host fails nginx -t" \
  "sslvdir_preset exchange2016; sslvdir_ad_domain contoso.com;" "sslvdir_preset needs sslvdir_host"
refuses "a preset without sslvdir_ad_domain fails nginx -t" \
  "sslvdir_preset exchange2016; sslvdir_host mail.contoso.com;" "sslvdir_preset needs sslvdir_ad_domain"
refuses "a policy file that cannot be read fails nginx -t" \
  "sslvdir_policy $work/missing.xml;" "cannot load the policy" "missing.xml"
refuses "an unknown preset fails nginx -t" \
  "sslvdir_preset exchange1999; sslvdir_host mail.contoso.com; sslvdir_ad_domain contoso.com;" "exchange1999"
refuses "a preset given twice fails nginx -t at its line" \
  "sslvdir_preset exchange2016; sslvdir_preset exchange2019;" "sslvdir_preset" "bad-policy.conf:1"
refuses "a key size over 256 fails nginx -t" \
  "sslvdir_policy $work/policy.xml; sslvdir_offloader 127.0.0.9; sslvdir_offloader_cipher_bits 512;" "sslvdir_offloader_cipher_bits"
refuses "sslvdir on without a policy fails nginx -t" "" "\"sslvdir on\" needs a policy"
refuses "Exchange SE's Extended Protection refuses an offload preset, saying the directive nginx takes" \
  "sslvdir_preset exchangese-offload; sslvdir_host mail.contoso.com; sslvdir_ad_domain contoso.com;" "Extended Protection" \
  "set sslvdir_extended_protection off;, or bridge" "in $work/bad-policy.conf:1$"
cat > "$work/bogus.xml" <<'XML'
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016">
    <host name="mail.contoso.com"/>
    <host name="owa.contoso.com" bogus="1"/>
  </site>
</policy>
XML
refuses "a bad policy file's error names the file, its line and the directive's" \
  "
sslvdir_policy $work/bogus.xml;" "cannot load the policy: sslvdir_policy: $work/bogus.xml: line 4: <host>: unknown attribute 'bogus' in $work/bad-policy.conf:2$"

# Reloads: a new policy per configuration cycle; a broken one is refused
# and the running workers keep the policy they have.
reload() {
  rc=0
  if [ "$master" = on ]; then ngx -s reload > "$work/reload.log" 2>&1 || rc=$?
  else kill -HUP "$nginx_pid" || rc=$?; fi
  sleep 1
  return $rc
}
cat > "$work/policy.conf" <<CFG
sslvdir_preset exchange2016;
sslvdir_host mail.contoso.com;
sslvdir_ad_domain contoso.com;
sslvdir_redirect on;
CFG
t="reload with a good policy: Microsoft's http->https redirect for OWA is in force"
if reload; then
  req "$t" "http://mail.contoso.com:$H/owa/?ae=Folder" && expect_status "$t" 302 &&
    expect_header "$t" "^location: https://mail\.contoso\.com/owa/\?ae=Folder$" && ok "$t"
else fail "$t: the reload failed"; cat "$work/reload.log"; fi
cat > "$work/policy.conf" <<CFG
sslvdir_preset exchange2016;
sslvdir_ad_domain contoso.com;
sslvdir_redirect on;
CFG
t="a broken policy fails nginx -t"
if ngx -t > "$work/t2.log" 2>&1; then fail "$t: accepted"; elif grep -q "sslvdir_preset needs sslvdir_host" "$work/t2.log"; then ok "$t"; else
  fail "$t: no message"; cat "$work/t2.log"; fi
t="reload with a broken policy: refused, logged, and the old policy keeps serving"
reload || true
if grep -q "sslvdir_preset needs sslvdir_host" "$work/logs/error.log"; then
  req "$t" "http://mail.contoso.com:$H/owa/?ae=Folder" && expect_status "$t" 302 &&
    expect_header "$t" "^location: https://mail\.contoso\.com/owa/\?ae=Folder$" && ok "$t"
else fail "$t: the refusal is not in the error log"; tail -5 "$work/logs/error.log"; fi

# The front end doc/nginx.md shows: its configuration (the fenced block
# marked "nginx" that holds "http {"), paths pointed at this run.
doc="$top_srcdir/doc/nginx.md"
awk '/^```nginx[ \t]*$/ { n++; inside = 1; next } /^```/ { inside = 0; next } inside { print > (out "-" n) }' \
  out="$work/doc" "$doc"
full=$(grep -l '^http {' "$work"/doc-* 2>/dev/null | head -n1 || true)
t="doc/nginx.md shows a complete front end"
if [ -n "$full" ]; then ok "$t"; else fail "$t: no nginx block with an http section"; fi
if [ -n "$full" ]; then
  kill "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  i=0
  while "$CURL" -s -o /dev/null "http://127.0.0.1:$H/" 2>/dev/null && [ "$i" -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
  sed -e "s|^load_module .*|load_module $module;|" \
      -e "s|^pid .*|pid $work/nginx.pid;|" -e "s|^error_log .*|error_log $work/logs/doc-error.log info;|" \
      -e "s|^user .*||" \
      -e "s|^http {|daemon off;\nmaster_process $master;\nhttp {\n    client_body_temp_path $work/tmp/body;\n    proxy_temp_path $work/tmp/proxy;\n    fastcgi_temp_path $work/tmp/fastcgi;\n    uwsgi_temp_path $work/tmp/uwsgi;\n    scgi_temp_path $work/tmp/scgi;|" \
      -e "s|access_log /var/log/nginx/exchange.log|access_log $work/logs/doc-access.log|" \
      -e "s|listen 80;|listen 127.0.0.1:$H;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$S ssl http2;|" \
      -e "s|/etc/nginx/mail.contoso.com.pem|$certs/server.pem|" -e "s|/etc/nginx/mail.contoso.com.key|$certs/server.key|" \
      -e "s|/etc/nginx/client-ca.pem|$certs/ca.pem|" -e "s|/etc/nginx/client-ca-crl.pem|$certs/crl.pem|" \
      -e "s|/etc/nginx/exchange-ca.pem|$certs/ca.pem|" \
      -e "s|10.0.0.10:80|127.0.0.1:$BH|" -e "s|10.0.0.10:443|127.0.0.1:$BS|" \
      "$full" > "$work/doc.conf"
  t="the documented front end passes nginx -t"
  if run_nginx -t -p "$work" -c "$work/doc.conf" -e "$work/logs/doc-error.log" > "$work/doc-t.log" 2>&1; then ok "$t"; else
    fail "$t"; sed 's/^/    /' "$work/doc-t.log"; fi
  if [ -n "$preload" ]; then
    env LD_PRELOAD="$preload" ASAN_OPTIONS="$asan_options" "$NGINX" -p "$work" -c "$work/doc.conf" -e "$work/logs/doc-error.log" > "$work/doc.out" 2>&1 &
  else
    "$NGINX" -p "$work" -c "$work/doc.conf" -e "$work/logs/doc-error.log" > "$work/doc.out" 2>&1 &
  fi
  nginx_pid=$!
  pids="$pids $nginx_pid"
  wait_up "http://127.0.0.1:$H/" "$work/logs/doc-error.log" "$work/doc.out"
  t="the documented front end: OWA over http gets Microsoft's redirect"
  req "$t" "http://mail.contoso.com:$H/owa/" && expect_status "$t" 302 &&
    expect_header "$t" "^location: https://mail\.contoso\.com/owa/$" && ok "$t"
  t="the documented front end: EWS over http is 403.4"
  req "$t" -X POST -d x "http://mail.contoso.com:$H/EWS/Exchange.asmx" && expect_status "$t" 403 &&
    expect_body "$t" "HTTP Error 403\.4" && no_header "$t" "^x-backend-saw" && ok "$t"
  t="the documented front end: a client's X-Forwarded-Proto is replaced"
  req "$t" -H "X-Forwarded-Proto: http" "https://mail.contoso.com:$S/ecp/" && expect_status "$t" 200 &&
    expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' && ok "$t"
  t="the documented front end: the links in Exchange's pages are made https"
  req "$t" "https://mail.contoso.com:$S/ecp/" && expect_status "$t" 200 &&
    expect_body "$t" "^<a href='https://mail\.contoso\.com/owa/'>owa</a>\$" && no_header "$t" "^content-length:" && ok "$t"
  t="the documented front end: MRSProxy is bridged over TLS to Exchange"
  req "$t" -X POST -d x "https://mail.contoso.com:$S/EWS/mrsproxy.svc" && expect_status "$t" 200 &&
    expect_body "$t" '"bridged": true' && ok "$t"
  t="the documented front end: autodiscover.json is answered by nginx"
  req "$t" "https://mail.contoso.com:$S/Autodiscover/Autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1" &&
    expect_status "$t" 200 && no_header "$t" "^x-backend-saw" &&
    expect_body "$t" '^\{"Protocol":"AutodiscoverV1","Url":"https://mail\.contoso\.com/Autodiscover/Autodiscover\.xml"\}$' && ok "$t"
  t="the documented front end: Outlook's POX settings go to Exchange, a malformed request gets 600 from nginx"
  printf '<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@contoso.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>' > "$work/pox.xml"
  req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "https://mail.contoso.com:$S/Autodiscover/Autodiscover.xml" &&
    expect_status "$t" 200 && expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' &&
    req "$t" -X POST -H "Content-Type: text/xml" --data-binary "<Autodiscover" "https://mail.contoso.com:$S/Autodiscover/Autodiscover.xml" &&
    expect_status "$t" 200 && no_header "$t" "^x-backend-saw" && expect_body "$t" "<ErrorCode>600</ErrorCode>" && ok "$t"
  t="the documented front end: the decision is in its log"
  sleep 0.2
  if grep -q 'sslvdir=403.4 reason=ssl-required vdir="Default Web Site/EWS"' "$work/logs/doc-access.log"; then ok "$t"; else
    fail "$t"; head -5 "$work/logs/doc-access.log" | sed 's/^/    /'; fi
fi

if grep -q "AddressSanitizer\|runtime error" "$work/nginx.out" "$work/logs/"*.log "$work"/doc.out 2>/dev/null; then
  fail "the sanitizers report errors"; grep -h -A20 "AddressSanitizer\|runtime error" "$work/nginx.out" "$work/logs/"*.log "$work"/doc.out | head -40
fi
if grep -q "\[alert\]\|\[crit\]\|signal 11\|core dumped" "$work/logs/"*.log; then
  fail "nginx logged alerts"; grep -h "\[alert\]\|\[crit\]\|signal" "$work/logs/"*.log | head
fi

echo "$pass passed, $fails failed"
[ "$fails" = 0 ]
