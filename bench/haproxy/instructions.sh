#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# bench/haproxy/instructions.sh: HAProxy's instructions per request under
# callgrind for the native rules (minimal, and doing the fast path's work:
# bench/haproxy/native), the plugin alone, the fast path as
# "sslvdir haproxy-maps" writes it and any variant snippets given, on the
# three requests of run.sh (plain-HTTP redirect of /owa/, TLS allow of
# /owa/, the mixed targets over TLS). A loaded machine distorts time, not
# instruction counts: this is how to tell what one rule costs.
#
# Usage (from the build directory, after make and make check):
#   sh bench/haproxy/instructions.sh [requests] [NAME=SNIPPET-FILE]...
# A snippet file holds frontend lines like sslvdir-fastpath-http.cfg's (with
# ${SSLVDIR_MAPS} standing for the maps directory); the fail-closed deny and
# a "return 200" follow it. NAME=HTTP-FILE,HTTPS-FILE gives one per scheme.
# Needs haproxy, valgrind, python3, tests/certs.
set -eu
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(pwd)
n=${1:-300}
[ $# -gt 0 ] && shift
HAPROXY=${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}
module="$builddir/bindings/lua/5.3/.libs/sslvdir.so"
certs="$builddir/tests/certs"
for need in "$HAPROXY" "$module" "$certs/server.pem" "$(command -v valgrind || echo valgrind)" \
            "$(command -v callgrind_control || echo callgrind_control)"; do
  [ -e "$need" ] || { echo "instructions.sh: missing $need (haproxy, valgrind, make, make check)"; exit 1; }
done
work=$(mktemp -d)
hp=""
trap '[ -n "$hp" ] && kill $hp 2>/dev/null; sleep 1; rm -rf "$work"' EXIT INT TERM
mkdir "$work/lua" "$work/maps"
cp "$module" "$work/lua/sslvdir.so"
cat "$certs/server.pem" "$certs/server.key" > "$work/haproxy.pem"
export LD_LIBRARY_PATH="$builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
"$builddir/tools/sslvdir" haproxy-maps --preset exchange2016-offload \
  --host mail.contoso.com,autodiscover.contoso.com --ad-domain contoso.com --redirect "$work/maps"
grep -v '^ *#' "$work/maps/sslvdir-fastpath-http.cfg" > "$work/fast-http.snippet"
grep -v '^ *#' "$work/maps/sslvdir-fastpath-https.cfg" > "$work/fast-https.snippet"
printf '    http-request lua.sslvdir\n' > "$work/plugin.snippet"
set -- plugin="$work/plugin.snippet" fast="$work/fast-http.snippet,$work/fast-https.snippet" "$@"

port=19600
{
  cat <<CFG
global
    setenv BENCH_NATIVE $srcdir/bench/haproxy/native
    setenv SSLVDIR_REDIRECT 1
    setenv SSLVDIR_PRESET exchange2016-offload
    setenv SSLVDIR_HOSTS mail.contoso.com,autodiscover.contoso.com
    setenv SSLVDIR_AD_DOMAINS contoso.com
    lua-prepend-path $work/lua/?.so cpath
    lua-load-per-thread $srcdir/bindings/haproxy/sslvdir.lua
    nbthread 1
    tune.ssl.default-dh-param 2048
defaults
    mode http
    timeout connect 50s
    timeout client 300s
    timeout server 300s
frontend native_http
    bind 127.0.0.1:$port
    http-request redirect scheme https code 302 if !{ ssl_fc } { path_beg -i /owa /ecp }
    http-request return status 403 content-type text/html string "403.4" if !{ ssl_fc }
    http-request return status 200 content-type text/plain string "ok"
frontend native_https
    bind 127.0.0.1:$((port + 1)) ssl crt $work/haproxy.pem
    http-request return status 403 content-type text/html string "403.5" if { ssl_fc_use_keysize lt 128 }
    http-request del-header X-Forwarded-Proto
    http-request del-header Front-End-Https
    http-request set-header X-Forwarded-Proto https
    http-request set-var(txn.upstream) str(bridge) if { path_beg -i /EWS/mrsproxy.svc }
    http-request return status 200 content-type text/plain string "ok"
frontend same_http
    bind 127.0.0.1:$((port + 2))
$(cat "$srcdir/bench/haproxy/native/http.cfg")
    http-request return status 200 content-type text/plain string "ok"
frontend same_https
    bind 127.0.0.1:$((port + 3)) ssl crt $work/haproxy.pem
$(cat "$srcdir/bench/haproxy/native/https.cfg")
    http-request return status 200 content-type text/plain string "ok"
CFG
  echo "minimal $port" > "$work/ports"
  port=$((port + 2))
  echo "same-work $port" >> "$work/ports"
  for spec in "$@"; do
    port=$((port + 2))
    name=${spec%%=*}
    for side in http https; do
      bind="127.0.0.1:$port"
      [ $side = https ] && bind="127.0.0.1:$((port + 1)) ssl crt $work/haproxy.pem"
      printf 'frontend %s_%s\n    bind %s\n' "$name" "$side" "$bind"
      # NAME=HTTP-FILE,HTTPS-FILE: a snippet per scheme.
      file=${spec#*=}
      case $file in *,*) if [ $side = http ]; then file=${file%%,*}; else file=${file#*,}; fi ;; esac
      sed "s|\${SSLVDIR_MAPS}|$work/maps|g" "$file" | grep -v '^ *#'
      printf '    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }\n'
      printf '    http-request return status 200 content-type text/plain string "ok"\n'
    done
    echo "$name $port" >> "$work/ports"
  done
} > "$work/haproxy.cfg"

cd "$work"
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" --dump-instr=no \
  "$HAPROXY" -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
hp=$!
up=""
for _ in $(seq 120); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', 19600), 1)" 2>/dev/null && { up=1; break; }
  sleep 1
done
[ -n "$up" ] || { cat "$work/haproxy.log"; echo "instructions.sh: HAProxy did not start"; exit 1; }

# 20 requests, a callgrind dump, N requests, on one keep-alive connection
# (the TLS handshake is before the dump); prints the last status.
cat > "$work/client.py" <<'PY'
import socket, ssl, subprocess, sys
port, tls, n, path, targets, pid = (int(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3]), sys.argv[4],
                                    sys.argv[5], sys.argv[6])
paths = [path] if path != "@mixed" else [l.strip() for l in open(targets) if l.strip()]
s = socket.create_connection(("127.0.0.1", port))
if tls:
    c = ssl.create_default_context()
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    s = c.wrap_socket(s)
f = s.makefile("rb")
status = ""
for i in range(20 + n):
    if i == 20:
        subprocess.run(["callgrind_control", "-d", pid], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s.sendall(("GET %s HTTP/1.1\r\nHost: mail.contoso.com\r\n\r\n" % paths[i % len(paths)]).encode())
    status = f.readline().split()[1].decode()
    length = 0
    while True:
        h = f.readline()
        if h in (b"\r\n", b""):
            break
        if h.lower().startswith(b"content-length:"):
            length = int(h.split(b":")[1])
    f.read(length)
print(status)
PY
# Each dump holds the instructions since the one before.
dump() {
  callgrind_control -d "$hp" > /dev/null 2>&1
  f=$(ls "$work"/cg.out.* | awk -F. '{ print $NF, $0 }' | sort -n | tail -1 | cut -d' ' -f2-)
  awk '/^(summary|totals):/ { print $2; exit }' "$f"
}
echo "bench/haproxy/instructions.sh: HAProxy $("$HAPROXY" -v | awk 'NR==1{print $3}'), callgrind, $n requests on one connection after 20 (and its handshake)"
printf '  %-10s %22s %22s %22s\n' "" "HTTP GET /owa/" "TLS GET /owa/" "TLS mixed targets"
while read -r name p; do
  line=$(printf '  %-10s' "$name")
  for run in "0 /owa/" "1 /owa/" "1 @mixed"; do
    set -- $run
    pp=$p
    [ "$1" = 1 ] && pp=$((p + 1))
    st=$(python3 client.py "$pp" "$1" "$n" "$2" "$srcdir/bench/targets.txt" "$hp" < /dev/null)
    line="$line$(printf ' %14s ins (%s)' "$(( $(dump) / n ))" "$st")"
  done
  echo "$line"
done < "$work/ports"
