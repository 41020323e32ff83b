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
: > "$work/n"; : > "$work/e"
i=0
while [ "$i" -lt "$rounds" ]; do
  rps "http://127.0.0.1:$P4/owa/" >> "$work/e"
  rps "http://127.0.0.1:$P5/owa/" >> "$work/n"
  i=$((i + 1))
done
n=$(median < "$work/n"); e=$(median < "$work/e")
printf '  %-20s native %9.0f req/s (200)   empty  %9.0f req/s (200)   empty/native  %.2fx\n' \
  "empty Lua action" "$n" "$e" "$(echo "$e $n" | awk '{ printf "%.4f", $1 / $2 }')"
for scenario in "http redirect /owa/|http://127.0.0.1:$P0/owa/|http://127.0.0.1:$P1/owa/" \
                "https allow /owa/|https://127.0.0.1:$P2/owa/|https://127.0.0.1:$P3/owa/"; do
  name=${scenario%%|*}; rest=${scenario#*|}; native_url=${rest%%|*}; plugin_url=${rest#*|}
  # Check both answer the same status before timing them.
  a=$(curl -sk -o /dev/null -w '%{http_code}' -H "Host: mail.contoso.com" "$native_url")
  b=$(curl -sk -o /dev/null -w '%{http_code}' -H "Host: mail.contoso.com" "$plugin_url")
  : > "$work/n"; : > "$work/p"
  i=0
  while [ "$i" -lt "$rounds" ]; do
    rps "$native_url" >> "$work/n"
    rps "$plugin_url" >> "$work/p"
    i=$((i + 1))
  done
  n=$(median < "$work/n"); p=$(median < "$work/p")
  printf '  %-20s native %9.0f req/s (%s)   plugin %9.0f req/s (%s)   plugin/native %.2fx\n' \
    "$name" "$n" "$a" "$p" "$b" "$(echo "$p $n" | awk '{ printf "%.4f", $1 / $2 }')"
done
kill "$hp" 2>/dev/null || true
hp=""
echo
SSLVDIR_LUA_CPATH="$work/lua/?.so" "$LUA" -e "package.cpath = os.getenv('SSLVDIR_LUA_CPATH') .. ';' .. package.cpath" \
  "$srcdir/bench/haproxy/lua-cost.lua" "${LUA_ITERATIONS:-300000}"
