#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# bench/nginx: requests per second through one nginx with wrk on loopback,
# and nginx's CPU time per request, the module (ngx_http_sslvdir_module)
# against nginx's own rules for the same answers, listener beside listener
# in the same nginx, interleaved in the same run: the plain-HTTP redirect,
# an allowed request over TLS (answered by nginx, then proxied), the 1,200
# mixed targets of bench/targets.txt over TLS, and the rewriting of http://
# links in pages nginx serves (the module's body filter against sub_filter).
#
# Usage (from the build directory, after make):
#   sh bench/nginx/run.sh [seconds per run] [rounds]     (default 3 s, 9 rounds)
# Needs nginx, wrk, curl, python3, the module (nginx-dev) and tests/certs
# (make check makes them). Prints figures; never fails on them.
set -eu
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(pwd)
secs=${1:-3}
rounds=${2:-9}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
WRK=${WRK:-$(command -v wrk || true)}
PY=${PYTHON3:-python3}
module="$builddir/bindings/nginx/ngx_http_sslvdir_module.so"
certs="$builddir/tests/certs"
for need in "$NGINX" "$WRK" "$(command -v curl || true)" "$module" "$certs/server.pem"; do
  [ -n "$need" ] && [ -e "$need" ] || { echo "bench/nginx: missing $need (nginx, wrk, curl, the module: nginx-dev and make; make check)"; exit 1; }
done
work=$(mktemp -d)
srv="" be=""
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; [ -n "$be" ] && kill $be 2>/dev/null; rm -rf "$work"' EXIT INT TERM
export LD_LIBRARY_PATH="$builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
. "$srcdir/bench/wrk-rounds.sh"
host=mail.example.net
bench_targets_lua "$work/targets.lua"
# Clients that claim TLS themselves, so that both sides strip something.
cat > "$work/spoof.lua" <<'LUA'
wrk.headers["X-Forwarded-Proto"] = "http"
wrk.headers["Front-End-Https"] = "off"
LUA
spoof="-H X-Forwarded-Proto:http -H Front-End-Https:off"

# Pages as Outlook on the web sends them (a message list: rows of links to
# items, scripts and styles full of ':'), with the absolute http:// links an
# offloaded Exchange writes: one to mail.example.net every ~450 bytes, as
# many to other hosts, https links and near misses (?ref=mail.example.net).
mkdir "$work/www"
page() {
  awk -v rows="$1" 'BEGIN {
    print "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
    print "<title>Outlook</title><link rel=\"stylesheet\" href=\"http://mail.example.net/owa/15.1.2507/themes/resources/owafont_en.css\">"
    print "<style>.ms-font-s{font-size:12px;color:#333}a:hover{text-decoration:underline}td.c{padding:2px 4px}</style>"
    print "<script>var g_fOwa=1,u={a:1,b:\"x:y\"};function f(e){return e&&e.x?e.x:0}</script></head><body><table class=\"ms-font-s\">"
    for (i = 0; i < rows; i++) {
      printf "<tr id=\"r%d\" class=\"c\"><td class=\"c\"><a href=\"http://mail.example.net/owa/?ae=Item&amp;t=IPM.Note&amp;id=RgAAAAD%08dAAA\">Re: quarterly figures %d</a></td>", i, i * 7919, i
      printf "<td class=\"c\"><a href=\"http://www.example.org/news/%d\">www.example.org</a> <a href=\"https://mail.example.net/owa/attach/%d\">att</a></td>", i, i
      printf "<td class=\"c\" style=\"width:120px;color:#666\">Mon 10:%02d</td><td><img src=\"http://mail.example.net/owa/prem/15.1/img/%d.png\" alt=\"\"> ?ref=mail.example.net</td></tr>\n", i % 60, i % 9
    }
    print "</table></body></html>"
  }'
}
page 110 > "$work/www/page50k.html"
page 2200 > "$work/www/page1m.html"

# The policy's and nginx's fixed parts. One nginx, master_process off: the
# process that serves is the one started, whose CPU time is read from /proc
# (with the master on, the figure would be the worker's, found as the
# master's child; the master only waits). worker_processes 1 either way.
# keepalive_requests is high so that wrk's connections, TLS ones included,
# stay up for the whole run on both sides.
# shellcheck disable=SC2046
set -- $("$PY" -c '
import socket
socks = [socket.socket() for _ in range(12)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
RN=$1 RM=$2 TN=$3 TM=$4 PN=$5 PM=$6 MN=$7 MM=$8 BN=$9 BM=${10} BE=${11}
common="daemon off; master_process off; worker_processes 1;
error_log $work/error.log warn;
events { worker_connections 1024; }"
temps="access_log off; keepalive_requests 1000000;
    client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
    uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;"
mkdir "$work/tmp"

# The backend of the proxied listeners: another nginx (on nginx's CPU, outside
# the figure of CPU per request), answering with the headers it was sent.
cat > "$work/backend.conf" <<CFG
$common
pid $work/backend.pid;
http {
    $temps
    server {
        listen 127.0.0.1:$BE;
        location / { return 200 "xfp=\$http_x_forwarded_proto feh=\$http_front_end_https\n"; }
    }
}
CFG

# For each answer, a listener with the module and one with nginx's own
# rules for it; everything else is the same. The module decides in the
# preaccess phase, after the rewrite phase where "return" answers, so its
# listeners answer with a content handler (empty_gif, static files); the
# native ones answer as an admin would write them.
cat > "$work/nginx.conf" <<CFG
load_module $module;
$common
pid $work/nginx.pid;
http {
    $temps
    sslvdir_preset exchange2016-offload;
    sslvdir_host mail.example.net autodiscover.example.net;
    sslvdir_ad_domain example.net;
    sslvdir_redirect on;
    ssl_certificate $certs/server.pem;
    ssl_certificate_key $certs/server.key;
    root $work/www;

    # plain HTTP: browsers to the site root, owa and ecp redirected; the rest 403
    server {
        listen 127.0.0.1:$RN;
        location ~* ^/(owa|ecp)(/|\$) { return 302 https://\$host\$request_uri; }
        location = / { return 302 https://\$host/; }
        location / { return 403; }
    }
    server { listen 127.0.0.1:$RM; sslvdir on; location / { empty_gif; } }

    # TLS, allowed, answered by nginx. nginx's own rules cannot edit request
    # headers without an upstream (proxy_set_header acts when the upstream
    # request is made): the native side does no header work here, the
    # module strips the client's two headers and sets its own.
    server { listen 127.0.0.1:$TN ssl; location / { empty_gif; } }
    server { listen 127.0.0.1:$TM ssl; sslvdir on; location / { empty_gif; } }

    # TLS, allowed, proxied: the same header work on both sides (kept-alive
    # connections to the backend, so that connecting is not in the figure).
    upstream backend { server 127.0.0.1:$BE; keepalive 32; }
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    server {
        listen 127.0.0.1:$PN ssl;
        location / {
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header Front-End-Https On;
            proxy_pass http://backend;
        }
    }
    server { listen 127.0.0.1:$PM ssl; sslvdir on; location / { proxy_pass http://backend; } }

    # TLS, the mixed targets: what nginx's rules can say of them (see
    # bench/README.md for how close that is).
    server {
        listen 127.0.0.1:$MN ssl;
        # a '%' left after nginx's decoding was a double escape: IIS's 404.11
        location ~ % { return 404; }
        location / { empty_gif; }
    }
    server { listen 127.0.0.1:$MM ssl; sslvdir on; location / { empty_gif; } }

    # pages served by nginx, their http:// links to mail.example.net made https
    server {
        listen 127.0.0.1:$BN ssl;
        location / {
            sub_filter 'http://mail.example.net' 'https://mail.example.net';
            sub_filter_once off;
        }
    }
    server { listen 127.0.0.1:$BM ssl; sslvdir on; location / { } }
}
CFG
"$NGINX" -t -q -p "$work" -c "$work/nginx.conf" -e "$work/error.log" || { cat "$work/error.log"; exit 1; }
$pin_srv "$NGINX" -p "$work" -c "$work/backend.conf" -e "$work/error.log" &
be=$!
$pin_srv "$NGINX" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
srv=$!
sleep 1

# Both sides must answer alike: the redirect's Location, the headers the
# backend saw, the rewritten pages byte for byte; the mixed targets' statuses
# are counted.
echo "bench/nginx: nginx $("$NGINX" -v 2>&1 | sed 's,.*/,,'), worker_processes 1, master_process off, wrk -t1 -c32, ${secs}s runs, $rounds rounds interleaved${pin_srv:+, nginx on CPU 0 and wrk on CPU 1}"
echo "  $(uname -m), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), Linux $(uname -r)"
echo "  status and body bytes of one request; req/s and nginx's CPU ns per request as min/median/max; ratios of the medians to native; load average before/after"
loc() { curl -s -o /dev/null -w '%{redirect_url}' -H "Host: $host" "$1"; }
echo "checks:"
echo "  redirect Location: native $(loc "http://127.0.0.1:$RN/owa/"), module $(loc "http://127.0.0.1:$RM/owa/")"
# shellcheck disable=SC2086
echo "  proxied, client sent X-Forwarded-Proto: http and Front-End-Https: off; the backend saw: native $(curl -sk $spoof -H "Host: $host" "https://127.0.0.1:$PN/owa/"), module $(curl -sk $spoof -H "Host: $host" "https://127.0.0.1:$PM/owa/")"
for p in page50k page1m; do
  curl -sk -H "Host: $host" -o "$work/$p.native" "https://127.0.0.1:$BN/$p.html"
  curl -sk -H "Host: $host" -o "$work/$p.module" "https://127.0.0.1:$BM/$p.html"
  printf '  %s: %s bytes served, %s links to rewrite; after: native %s bytes, module %s bytes, %s\n' "$p" \
    "$(wc -c < "$work/www/$p.html")" "$(grep -o 'http://mail\.example\.net' "$work/www/$p.html" | wc -l)" \
    "$(wc -c < "$work/$p.native")" "$(wc -c < "$work/$p.module")" \
    "$(cmp -s "$work/$p.native" "$work/$p.module" && echo identical || echo DIFFERENT)"
done
# One curl per listener for the 1,200 targets (a config file of urls), the
# targets sent as they are (--path-as-is), as wrk sends them.
mixed() {
  awk -v base="$1" '{ printf "url = \"%s%s\"\noutput = \"/dev/null\"\n", base, $0 }' \
    "$srcdir/bench/targets.txt" > "$work/curl.cfg"
  curl -sk --path-as-is -H "Host: $host" -w '%{http_code}\n' -K "$work/curl.cfg"
}
mixed "https://127.0.0.1:$MN" > "$work/mixed.native"
mixed "https://127.0.0.1:$MM" > "$work/mixed.module"
paste -d' ' "$work/mixed.native" "$work/mixed.module" "$srcdir/bench/targets.txt" > "$work/mixed"
echo "  mixed targets (native status, module status: count): $(cut -d' ' -f1,2 "$work/mixed" | sort | uniq -c | awk '{ printf "%s%s/%s: %s", (NR > 1 ? ", " : ""), $2, $3, $1 }');" \
  "same status: $(awk '$1 == $2' "$work/mixed" | wc -l) of $(wc -l < "$work/mixed")"
# BENCH_CHECK=1: the checks only, with the mixed targets that differ.
if [ -n "${BENCH_CHECK:-}" ]; then awk '$1 != $2' "$work/mixed"; exit 0; fi

wrkargs=""
rounds "plain HTTP, GET /owa/ (302 to https)" native="http://127.0.0.1:$RN/owa/" module="http://127.0.0.1:$RM/owa/"
wrkargs="-s $work/spoof.lua"
rounds "TLS, GET /owa/ (allowed, client's X-Forwarded-Proto and Front-End-Https stripped; answered by nginx)" \
  native="https://127.0.0.1:$TN/owa/" module="https://127.0.0.1:$TM/owa/"
rounds "TLS, GET /owa/ (allowed, headers stripped and set, proxied to a backend outside the CPU figure)" \
  native="https://127.0.0.1:$PN/owa/" module="https://127.0.0.1:$PM/owa/"
export SSLVDIR_BENCH_TARGETS="$srcdir/bench/targets.txt"
wrkargs="-s $work/targets.lua"
rounds "TLS, the $(wc -l < "$srcdir/bench/targets.txt") mixed targets of bench/targets.txt" \
  native="https://127.0.0.1:$MN/" module="https://127.0.0.1:$MM/"
wrkargs="" mbs=1
for p in page50k page1m; do
  rounds "TLS, $p.html served by nginx, http://mail.example.net links made https (sub_filter against the module's body filter)" \
    native="https://127.0.0.1:$BN/$p.html" module="https://127.0.0.1:$BM/$p.html"
done
