#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# bench/haproxy: requests per second through HAProxy with wrk on loopback,
# and HAProxy's CPU time per request: HAProxy's own rules for the same
# policy, minimal (native, minimal) and written to give the fast path's
# answers and variables (native, same work: bench/haproxy/native), the
# plugin's decision action alone (plugin) and the fast path of "sslvdir
# haproxy-maps" (fast), interleaved in the same run; then the cost of one
# decision through the Lua module beside an empty Lua C function call.
# Before the timing, bench/haproxy/same-work.py compares the answers of the
# same-work rules and the fast path.
#
# Usage (from the build directory, after make):
#   sh bench/haproxy/run.sh [seconds per run] [rounds]     (default 3 s, 9 rounds)
# Needs haproxy, wrk, lua5.3, python3 and tests/certs (make check makes them).
# Prints figures; never fails on them.
set -eu
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(pwd)
secs=${1:-3}
rounds=${2:-9}
HAPROXY=${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}
WRK=${WRK:-$(command -v wrk || true)}
LUA=${LUA:-$(command -v lua5.3 || true)}
module="$builddir/bindings/lua/5.3/.libs/sslvdir.so"
certs="$builddir/tests/certs"
for need in "$HAPROXY" "$WRK" "$LUA" "$module" "$certs/server.pem"; do
  [ -n "$need" ] && [ -e "$need" ] || { echo "bench/haproxy: missing $need (haproxy, wrk, lua5.3, make, make check)"; exit 1; }
done
work=$(mktemp -d)
hp=""
trap '[ -n "$hp" ] && kill $hp 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
mkdir "$work/lua"
cp "$module" "$work/lua/sslvdir.so"
cat "$certs/server.pem" "$certs/server.key" > "$work/haproxy.pem"
export LD_LIBRARY_PATH="$builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The fast path's maps for the same policy, and its snippet.
mkdir "$work/maps"
"$builddir/tools/sslvdir" haproxy-maps --preset exchange2016-offload \
  --host mail.contoso.com,autodiscover.contoso.com --ad-domain contoso.com --redirect "$work/maps"
fast_http=$(grep -v '^#' "$work/maps/sslvdir-fastpath-http.cfg")
fast_https=$(grep -v '^#' "$work/maps/sslvdir-fastpath-https.cfg")
. "$srcdir/bench/wrk-rounds.sh"
host=mail.contoso.com
bench_targets_lua "$work/targets.lua"

# Listeners for plain HTTP and TLS, each with the plugin, the fast path and
# the two kinds of native rules. Answers come from HAProxy itself
# (http-request return), so no backend's speed is in the figures: only the
# rules differ.
P0=18080 P1=18081 P2=18443 P3=18444 P4=18082 P5=18083 P6=18084 P7=18445 P8=18085 P9=18446
# Not timed: the fast path and the same-work rules again, answering an
# allowed request with what they would send the backend, for same-work.py.
C0=18086 C1=18087 C2=18447 C3=18448
ECHO='up=%[var(txn.sslvdir_upstream)] vdir=%[var(txn.sslvdir_vdir)] reason=%[var(txn.sslvdir_reason)] status=%[var(txn.sslvdir_status)] path=%[var(txn.sslvdir_path)] tls=%[var(txn.sslvdir_tls)] xfp=%[req.fhdr_cnt(x-forwarded-proto)]:%[req.fhdr(x-forwarded-proto)] feh=%[req.fhdr_cnt(front-end-https)]:%[req.fhdr(front-end-https)]'
CHECK='http-after-response set-header X-Check-Fp "%[var(txn.sslvdir_fp)]"
    http-after-response set-header X-Check-Reason "%[var(txn.sslvdir_reason)]"'
same_http=$(cat "$srcdir/bench/haproxy/native/http.cfg")
same_https=$(cat "$srcdir/bench/haproxy/native/https.cfg")
cat > "$work/empty.lua" <<'LUA'
core.register_action("empty", { "http-req" }, function(txn) end)
LUA
cat > "$work/haproxy.cfg" <<CFG
global
    setenv SSLVDIR_MAPS $work/maps
    setenv BENCH_NATIVE $srcdir/bench/haproxy/native
    setenv SSLVDIR_REDIRECT 1
    setenv SSLVDIR_PRESET exchange2016-offload
    setenv SSLVDIR_HOSTS mail.contoso.com,autodiscover.contoso.com
    setenv SSLVDIR_AD_DOMAINS contoso.com
    lua-prepend-path $work/lua/?.so cpath
    lua-load-per-thread $srcdir/bindings/haproxy/sslvdir.lua
    lua-load-per-thread $work/empty.lua
    nbthread 1
    tune.ssl.default-dh-param 2048
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

# Native rules, minimal: browsers redirected, other vdirs 403, 128-bit
# ciphers required, offload headers stripped and set; no Host or target
# check, no variables, one upstream rule.
frontend native_http
    bind 127.0.0.1:$P0
    http-request redirect scheme https code 302 if !{ ssl_fc } { path_beg -i /owa /ecp }
    http-request return status 403 content-type text/html string "403.4" if !{ ssl_fc }
    http-request return status 200 content-type text/plain string "ok"
frontend plugin_http
    bind 127.0.0.1:$P1
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain string "ok"
# HAProxy's own cost of calling a Lua action that does nothing, beside the
# same answer without it.
frontend native_empty_http
    bind 127.0.0.1:$P5
    http-request return status 200 content-type text/plain string "ok"
frontend empty_lua_http
    bind 127.0.0.1:$P4
    http-request lua.empty
    http-request return status 200 content-type text/plain string "ok"
frontend fast_http
    bind 127.0.0.1:$P6
$fast_http
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain string "ok"
frontend fast_https
    bind 127.0.0.1:$P7 ssl crt $work/haproxy.pem
$fast_https
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain string "ok"
frontend native_https
    bind 127.0.0.1:$P2 ssl crt $work/haproxy.pem
    http-request return status 403 content-type text/html string "403.5" if { ssl_fc_use_keysize lt 128 }
    http-request del-header X-Forwarded-Proto
    http-request del-header Front-End-Https
    http-request set-header X-Forwarded-Proto https
    http-request set-var(txn.upstream) str(bridge) if { path_beg -i /EWS/mrsproxy.svc }
    http-request return status 200 content-type text/plain string "ok"
frontend plugin_https
    bind 127.0.0.1:$P3 ssl crt $work/haproxy.pem
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain string "ok"
# Native rules, same work: the fast path's answers, variables and headers,
# an unclean or over-long target refused with a 400 (bench/haproxy/native).
frontend same_http
    bind 127.0.0.1:$P8
$same_http
    http-request return status 200 content-type text/plain string "ok"
frontend same_https
    bind 127.0.0.1:$P9 ssl crt $work/haproxy.pem
$same_https
    http-request return status 200 content-type text/plain string "ok"
frontend check_fast_http
    bind 127.0.0.1:$C0
$fast_http
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain lf-string "$ECHO"
    $CHECK
frontend check_same_http
    bind 127.0.0.1:$C1
$same_http
    http-request return status 200 content-type text/plain lf-string "$ECHO"
    $CHECK
frontend check_fast_https
    bind 127.0.0.1:$C2 ssl crt $work/haproxy.pem
$fast_https
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain lf-string "$ECHO"
    $CHECK
frontend check_same_https
    bind 127.0.0.1:$C3 ssl crt $work/haproxy.pem
$same_https
    http-request return status 200 content-type text/plain lf-string "$ECHO"
    $CHECK
CFG
$pin_srv "$HAPROXY" -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
hp=$! srv=$!
# Up when its last listener accepts (Lua and the maps take a while to load).
for _ in $(seq 50); do
  kill -0 "$hp" 2>/dev/null || break
  curl -s -o /dev/null "http://127.0.0.1:$C1/" && break
  sleep 0.2
done
# Another HAProxy on these ports would answer in its place: stop instead.
kill -0 "$hp" 2>/dev/null || { cat "$work/haproxy.log"; echo "bench/haproxy: HAProxy did not start"; hp=""; exit 1; }

echo "bench/haproxy: HAProxy $("$HAPROXY" -v | awk 'NR==1{print $3}'), wrk -t1 -c32, ${secs}s runs, $rounds rounds interleaved${pin_srv:+, HAProxy on CPU 0 and wrk on CPU 1}"
echo "  status and body bytes of one request; req/s and HAProxy CPU ns per request as min/median/max;"
echo "  ratios of the medians to the first listener's (and to the second's, when there are more than two); load average before/after"
# The same-work rules against the fast path, before any timing.
"${PYTHON3:-python3}" "$srcdir/bench/haproxy/same-work.py" "$C0" "$C1" "$C2" "$C3" \
  "$srcdir/bench/targets.txt" "$srcdir/tests/data/path/cases.txt" || true
wrkargs=""
rounds "empty Lua action, GET /owa/ (200)" native="http://127.0.0.1:$P5/owa/" empty="http://127.0.0.1:$P4/owa/"
rounds "plain HTTP, GET /owa/ (302 to https)" "native, minimal=http://127.0.0.1:$P0/owa/" \
  "native, same work=http://127.0.0.1:$P8/owa/" plugin="http://127.0.0.1:$P1/owa/" fast="http://127.0.0.1:$P6/owa/"
rounds "TLS, GET /owa/ (allowed, headers set)" "native, minimal=https://127.0.0.1:$P2/owa/" \
  "native, same work=https://127.0.0.1:$P9/owa/" plugin="https://127.0.0.1:$P3/owa/" fast="https://127.0.0.1:$P7/owa/"
export SSLVDIR_BENCH_TARGETS="$srcdir/bench/targets.txt"
wrkargs="-s $work/targets.lua"
rounds "TLS, the $(wc -l < "$srcdir/bench/targets.txt") mixed targets of bench/targets.txt" \
  "native, minimal=https://127.0.0.1:$P2/" "native, same work=https://127.0.0.1:$P9/" \
  plugin="https://127.0.0.1:$P3/" fast="https://127.0.0.1:$P7/"
kill "$hp" 2>/dev/null || true
hp=""
echo
SSLVDIR_LUA_CPATH="$work/lua/?.so" "$LUA" -e "package.cpath = os.getenv('SSLVDIR_LUA_CPATH') .. ';' .. package.cpath" \
  "$srcdir/bench/haproxy/lua-cost.lua" "${LUA_ITERATIONS:-300000}"
