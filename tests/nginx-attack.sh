#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Hostile clients against the nginx module (bindings/nginx), in a real nginx
# (Debian's) in front of a backend that answers with the request it got: raw
# requests on sockets, so that the request line, the Host header and header
# names are exactly the attacker's. Each check says what must never happen:
# a request the policy refuses reaching the backend, or a client's
# offloader headers reaching it in any spelling.
#
# Two checks fail today (marked FAILS today below: an SSI subrequest is
# not decided; a repeated cipher header falls back to the offloader's
# minimum): the test is in XFAIL_TESTS until they are fixed.
#
# Skips (77) without the module, nginx or curl, unless
# SSLVDIR_REQUIRE_READERS=1 (CI), where that fails.
set -eu
me=nginx-attack
e2e_proxy=nginx
. "${top_srcdir:-.}/tests/e2e-lib.sh"

# shellcheck disable=SC2046 # the ports are words
set -- $(free_ports 4)
H=$1 S=$2 U=$3 B=$4
mkdir "$work/tmp" "$work/logs" "$work/www" "$work/www/public"

cat > "$work/policy.xml" <<'POLICY'
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016-offload">
    <host name="mail.contoso.com" canonical="true"/>
    <vdir path="/Microsoft-Server-ActiveSync" edge="Ssl,SslNegotiateCert,SslRequireCert,Ssl128"/>
    <vdir path="/public" kind="other" edge="None"/>
  </site>
  <site name="Autodiscover Web Site" autodiscover-redirect="mail.contoso.com">
    <host name="autodiscover.contoso.com"/>
    <vdir path="/Autodiscover" kind="other"/>
  </site>
  <autodiscover>
    <domain name="contoso.com" site="Default Web Site"/>
  </autodiscover>
  <offloader address="127.0.0.3" min-cipher-bits="128" cipher-header="X-SSL-Cipher"/>
</policy>
POLICY

# A page of the vdir the policy lets through over http that includes one of
# a vdir that needs TLS (an SSI subrequest).
printf 'before <!--# include virtual="/owa/ssi-include" --> after\n' > "$work/www/public/ssi.html"
chmod go+rx "$work" "$work/www" "$work/www/public"
printf 'plain\n' > "$work/www/public/plain.html"
chmod go+r "$work/www/public/ssi.html" "$work/www/public/plain.html"

# The front end of doc/nginx.md in what matters here: proxy_pass without a
# URI part, "proxy_set_header Host $http_host".
cat > "$work/nginx.conf" <<CFG
load_module $nginx_module;
daemon off;
master_process off;
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
    log_format sslvdir '"\$request" \$status host=\$host sslvdir=\$sslvdir_status reason=\$sslvdir_reason vdir="\$sslvdir_vdir"';
    access_log $work/logs/access.log sslvdir;

    sslvdir_policy $work/policy.xml;
    sslvdir_debug_headers on;

    server {
        listen 127.0.0.1:$H;
        listen 127.0.0.1:$S ssl;
        ssl_certificate $certs/server.pem;
        ssl_certificate_key $certs/server.key;
        ssl_client_certificate $certs/ca.pem;
        ssl_verify_client optional_no_ca;
        sslvdir on;
        location / {
            proxy_pass http://127.0.0.1:$B;
            proxy_http_version 1.1;
            proxy_set_header Host \$http_host;
        }
        location /public/ {
            root $work/www;
            ssi on;
        }
    }
    # nginx drops header names with "_" unless told otherwise
    server {
        listen 127.0.0.1:$U;
        underscores_in_headers on;
        sslvdir on;
        location / {
            proxy_pass http://127.0.0.1:$B;
            proxy_set_header Host \$http_host;
        }
    }
}
CFG

# The backend: answers every request with its request line and headers (a
# JSON object), and says it was reached (X-Backend-Saw).
cat > "$work/echo.py" <<'PY'
import json, socketserver, sys
class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            line = self.rfile.readline()
            if not line:
                return
            headers = []
            while True:
                h = self.rfile.readline()
                if h in (b"\r\n", b"\n", b""):
                    break
                headers.append(h.decode("latin-1").rstrip("\r\n"))
            length = 0
            for h in headers:
                k, _, v = h.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v)
            if length:
                self.rfile.read(length)
            body = json.dumps({"line": line.decode("latin-1").rstrip("\r\n"),
                               "headers": headers}).encode()
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"X-Backend-Saw: 1\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            self.wfile.flush()
class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True
Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY

# raw [--tls] [--from ADDR] PORT REQUEST: REQUEST (printf escapes) sent as
# it is; the answer's head to $work/h2 (no CR), its body to $work/b.
cat > "$work/raw.py" <<'PY'
import socket, ssl, sys
args = sys.argv[1:]
tls = source = None
while args[0].startswith("--"):
    if args[0] == "--tls":
        tls = True
        args = args[1:]
    elif args[0] == "--from":
        source = args[1]
        args = args[2:]
port, head_file, body_file = int(args[0]), args[2], args[3]
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", port), timeout=10,
                             source_address=(source, 0) if source else None)
if tls:
    ctx = ssl.create_default_context(cafile=args[1])
    ctx.check_hostname = False
    s = ctx.wrap_socket(s, server_hostname="mail.contoso.com")
s.sendall(data)
out = b""
while True:
    try:
        c = s.recv(65536)
    except (socket.timeout, ConnectionResetError):
        break
    if not c:
        break
    out += c
head, _, body = out.partition(b"\r\n\r\n")
open(head_file, "wb").write(head.replace(b"\r\n", b"\n") + b"\n")
open(body_file, "wb").write(body)
PY
raw() { # NAME [--tls] [--from ADDR] PORT REQUEST
  name=$1
  shift
  a=""
  while :; do
    case $1 in
      --tls) a="$a --tls"; shift ;;
      --from) a="$a --from $2"; shift 2 ;;
      *) break ;;
    esac
  done
  # shellcheck disable=SC2086 # $a is words
  printf '%b' "$2" | "$PY" "$work/raw.py" $a "$1" "$certs/ca.pem" "$work/h2" "$work/b" ||
    { fail "$name" "no answer"; return 1; }
}
not_backend() { # NAME: the backend was not reached
  no_header "$1" "^x-backend-saw:"
}

start "$work/echo.log" "$PY" "$work/echo.py" "$B"
run_nginx -t -q -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" > "$work/t.log" 2>&1 ||
  { echo "$me: nginx -t refuses the test configuration:"; cat "$work/t.log"; exit 1; }
start_nginx "$work/nginx.out" -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log"
wait_up "http://127.0.0.1:$B/" "$work/echo.log"
wait_up "http://127.0.0.1:$H/" "$work/logs/error.log" "$work/nginx.out"

# What the checks below lean on: the same requests without the trick are
# refused.
t="OWA over http is refused (403.4) and does not reach the backend"
raw "$t" "$H" 'GET /owa/ HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.4$' && not_backend "$t" && ok "$t"
t="ActiveSync over TLS without a client certificate is refused (403.7)"
raw "$t" --tls "$S" 'POST /Microsoft-Server-ActiveSync?Cmd=Sync HTTP/1.1\r\nHost: mail.contoso.com\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx' &&
  expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.7$' && not_backend "$t" && ok "$t"
t="a vdir the policy lets through over http is served (200)"
raw "$t" "$H" 'GET /public/plain.html HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 200 && ok "$t"

# The decision reads the host from an absolute-form target (RFC 9112,
# 3.2.2: the Host header is then ignored), but nginx forwards the Host
# header ("proxy_set_header Host $http_host", as doc/nginx.md's front end
# does) with the path alone: decided for the Autodiscover site, where
# nothing needs TLS, Exchange got OWA's request for mail.contoso.com over
# plain HTTP. A target and a Host that name different hosts are 400, and
# so is a target without a Host (HTTP/1.0: nginx forwards none, and
# Exchange serves the site bound to its address).
t="an absolute-form target naming another site than Host does not take OWA past the policy over http"
raw "$t" "$H" 'GET http://autodiscover.contoso.com/owa/ HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 400 && expect_header "$t" '^x-sslvdir-reason: bad-host$' && not_backend "$t" && ok "$t"
t="an absolute-form target naming another site than Host does not skip ActiveSync's client certificate"
raw "$t" --tls "$S" 'POST https://autodiscover.contoso.com/Microsoft-Server-ActiveSync?Cmd=Sync HTTP/1.1\r\nHost: mail.contoso.com\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx' &&
  expect_status "$t" 400 && not_backend "$t" && ok "$t"
t="an absolute-form target without Host (HTTP/1.0) does not take OWA past the policy over http"
raw "$t" "$H" 'GET http://autodiscover.contoso.com/owa/ HTTP/1.0\r\n\r\n' &&
  expect_status "$t" 400 && not_backend "$t" && ok "$t"
t="an absolute-form target and a Host that name the same host are decided as usual"
raw "$t" "$H" 'GET http://MAIL.contoso.com/owa/ HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.4$' && not_backend "$t" && ok "$t"
t="... with a port on one side only"
raw "$t" "$H" 'GET http://mail.contoso.com:80/owa/ HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.4$' && not_backend "$t" && ok "$t"
t="... on the Autodiscover redirect site: its redirect"
raw "$t" "$H" 'GET http://autodiscover.contoso.com/autodiscover/autodiscover.xml HTTP/1.1\r\nHost: Autodiscover.Contoso.com:80\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 302 && not_backend "$t" && ok "$t"
t="... on a vdir let through over http"
raw "$t" "$H" 'GET http://mail.contoso.com/public/plain.html HTTP/1.1\r\nHost: Mail.Contoso.com:80\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 200 && ok "$t"
t="userinfo in the authority names no other host"
raw "$t" "$H" 'GET http://mail.contoso.com@autodiscover.contoso.com/owa/ HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n' &&
  not_backend "$t" && ok "$t"

# FAILS today. Subrequests are not decided (the handler returns at
# r != r->main): an SSI include in a page of a vdir allowed over http
# fetches OWA from Exchange for a plain-HTTP client.
t="an SSI include of OWA in a page allowed over http does not reach the backend"
raw "$t" "$H" 'GET /public/ssi.html HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 200 && expect_body "$t" '^before ' &&
  if grep -q 'ssi-include' "$work/b"; then
    fail "$t" "the include reached the backend: $(head -c 300 "$work/b")"
  else ok "$t"; fi

# With underscores_in_headers on, nginx passes X_Forwarded_Proto and
# Front_End_Https on, and IIS's server variables (HTTP_X_FORWARDED_PROTO,
# HTTP_FRONT_END_HTTPS) read both spellings alike: stripped as the
# hyphenated names are.
t="a client's X_Forwarded_Proto and Front_End_Https (underscores_in_headers on) do not reach the backend"
raw "$t" "$U" 'GET /public/x HTTP/1.1\r\nHost: mail.contoso.com\r\nX_Forwarded_Proto: https\r\nFront_End_Https: On\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 200 && expect_header "$t" '^x-backend-saw:' &&
  if grep -Eiq 'x_forwarded_proto|front_end_https' "$work/b"; then
    fail "$t" "the backend got them: $(cat "$work/b")"
  else ok "$t"; fi
t="a client's X-Forwarded-Proto in another case is stripped (the hyphenated name)"
raw "$t" "$U" 'GET /public/x HTTP/1.1\r\nHost: mail.contoso.com\r\nx-FORWARDED-proto: https\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 200 && expect_header "$t" '^x-backend-saw:' &&
  if grep -Eiq '"x-forwarded-proto: https' "$work/b"; then
    fail "$t" "the backend got it: $(cat "$work/b")"
  else ok "$t"; fi

# FAILS today. The module joins several copies of the offloader's cipher
# header so that "the library sees a contradiction"; but a joined value
# does not parse as a cipher, and the library then falls back to the
# offloader's minimum: two copies, one naming RC4 (which alone is 403.5),
# pass a vdir that requires 128-bit keys.
t="a trusted offloader's RC4 cipher header alone is 403.5"
raw "$t" --from 127.0.0.3 "$H" 'GET /owa/ HTTP/1.1\r\nHost: mail.contoso.com\r\nX-Forwarded-Proto: https\r\nX-SSL-Cipher: RC4-SHA\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.5$' && ok "$t"
t="two copies of the cipher header, one naming RC4, are not a 128-bit cipher"
raw "$t" --from 127.0.0.3 "$H" 'GET /owa/ HTTP/1.1\r\nHost: mail.contoso.com\r\nX-Forwarded-Proto: https\r\nX-SSL-Cipher: RC4-SHA\r\nX-SSL-Cipher: AES256-SHA\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.5$' && not_backend "$t" && ok "$t"

# Held when written: Host games and dot-segments.
t="a Host with a trailing dot is 400"
raw "$t" "$H" 'GET /owa/ HTTP/1.1\r\nHost: mail.contoso.com.\r\nConnection: close\r\n\r\n' &&
  expect_status "$t" 400 && not_backend "$t" && ok "$t"
t="HTTP/1.0 without Host: OWA is still 403.4"
raw "$t" "$H" 'GET /owa/ HTTP/1.0\r\n\r\n' && expect_status "$t" 403 && not_backend "$t" && ok "$t"
for tgt in '/public/../owa/' '/public/%2e%2e/owa/' '/public/..%2fowa/' '/public\\..\\owa/' '/public;/../owa/' \
           '/public/%c0%ae%c0%ae/owa/' '/owa;/' '/owa./' '/owa::$DATA/' '//owa/' '/public/..?/owa/'; do
  t="GET $tgt over http does not reach the backend"
  raw "$t" "$H" "GET $tgt HTTP/1.1\\r\\nHost: mail.contoso.com\\r\\nConnection: close\\r\\n\\r\\n" &&
    not_backend "$t" && ok "$t"
done

if grep -q "AddressSanitizer\|runtime error" "$work/nginx.out" "$work/logs/"*.log 2>/dev/null; then
  fail "the sanitizers" "errors reported"; grep -h -A20 "AddressSanitizer\|runtime error" "$work/nginx.out" "$work/logs/"*.log | head -40
fi
if grep -q "\[alert\]\|\[crit\]\|signal 11\|core dumped" "$work/logs/"*.log; then
  fail "nginx's log" "alerts"; grep -h "\[alert\]\|\[crit\]\|signal" "$work/logs/"*.log | head
fi
finish
