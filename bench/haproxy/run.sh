#!/bin/sh
# bench/haproxy: requests per second through HAProxy with wrk on loopback,
# the plugin's decision action (lua.sslvdir) beside HAProxy's own rules for
# the same policy, in the same run; then the cost of one decision through the
# Lua module beside an empty Lua C function call.
#
# Usage (from the build directory, after make):
#   sh bench/haproxy/run.sh [seconds per run] [rounds]
# Needs haproxy, wrk, lua5.3, and tests/certs (make check makes them).
# Prints figures; never fails on them.
set -eu
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(pwd)
secs=${1:-5}
rounds=${2:-3}
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
trap '[ -n "$hp" ] && kill $hp 2>/dev/null; rm -rf "$work"' EXIT INT TERM
mkdir "$work/lua"
cp "$module" "$work/lua/sslvdir.so"
cat "$certs/server.pem" "$certs/server.key" > "$work/haproxy.pem"
export LD_LIBRARY_PATH="$builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# Four listeners: plain HTTP and TLS, each with the plugin and with native
# rules. Answers come from HAProxy itself (http-request return), so no
# backend's speed is in the figures: only the rules differ.
P0=18080 P1=18081 P2=18443 P3=18444 P4=18082 P5=18083
cat > "$work/empty.lua" <<'LUA'
core.register_action("empty", { "http-req" }, function(txn) end)
LUA
cat > "$work/haproxy.cfg" <<CFG
global
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

# Native rules for the same policy: browsers redirected, other vdirs 403,
# 128-bit ciphers required, offload headers stripped and set.
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
CFG
# One CPU for HAProxy, the other for wrk, when taskset and two CPUs are there:
# the two then do not take turns on one core, and the figures move less.
pin_hp="" pin_wrk=""
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  pin_hp="taskset -c 0" pin_wrk="taskset -c 1"
fi
$pin_hp "$HAPROXY" -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
hp=$!
sleep 1

rps() { # URL -> requests/s
  $pin_wrk "$WRK" -t1 -c32 -d"${secs}s" -H "Host: mail.contoso.com" "$1" 2>/dev/null |
    awk '/^Requests\/sec/ { print $2 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "bench/haproxy: HAProxy $("$HAPROXY" -v | awk 'NR==1{print $3}'), wrk -t1 -c32, ${secs}s runs, $rounds rounds, median${pin_hp:+, HAProxy on CPU 0 and wrk on CPU 1}"
# pair NAME LABEL URL-A URL-B: rounds alternating A and B, medians, ratio B/A.
pair() {
  # Check both answer the same status before timing them.
  sa=$(curl -sk -o /dev/null -w '%{http_code}' -H "Host: mail.contoso.com" "$3")
  sb=$(curl -sk -o /dev/null -w '%{http_code}' -H "Host: mail.contoso.com" "$4")
  : > "$work/a"; : > "$work/b"
  i=0
  while [ "$i" -lt "$rounds" ]; do
    rps "$3" >> "$work/a"
    rps "$4" >> "$work/b"
    i=$((i + 1))
  done
  ra=$(median < "$work/a"); rb=$(median < "$work/b")
  printf '  %-20s native %9.0f req/s (%s)   %-6s %9.0f req/s (%s)   %s/native %.2fx\n' \
    "$1" "$ra" "$sa" "$2" "$rb" "$sb" "$2" "$(echo "$rb $ra" | awk '{ printf "%.4f", $1 / $2 }')"
}
pair "empty Lua action" empty "http://127.0.0.1:$P5/owa/" "http://127.0.0.1:$P4/owa/"
pair "http redirect /owa/" plugin "http://127.0.0.1:$P0/owa/" "http://127.0.0.1:$P1/owa/"
pair "https allow /owa/" plugin "https://127.0.0.1:$P2/owa/" "https://127.0.0.1:$P3/owa/"
kill "$hp" 2>/dev/null || true
hp=""
echo
SSLVDIR_LUA_CPATH="$work/lua/?.so" "$LUA" -e "package.cpath = os.getenv('SSLVDIR_LUA_CPATH') .. ';' .. package.cpath" \
  "$srcdir/bench/haproxy/lua-cost.lua" "${LUA_ITERATIONS:-300000}"
