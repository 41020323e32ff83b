#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The HAProxy fast path (sslvdir haproxy-maps) gives the plugin's answers:
# one real HAProxy per policy with four listeners (plain HTTP and TLS, each
# with the plugin alone and with the generated snippet), every target of
# bench/targets.txt and the hostile targets of tests/data sent to both
# (tests/haproxy-maps.py), zero differences allowed. Then the start-up
# check: maps of another policy, or edited, stop HAProxy from starting, and
# regenerating them is the one step that makes it start again.
#
# Skips (77) without haproxy or the Lua 5.3 module, unless
# SSLVDIR_REQUIRE_READERS=1 (CI), where that fails.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
need() {
  if [ "${SSLVDIR_REQUIRE_READERS:-0}" = 1 ]; then
    echo "haproxy-maps.sh: $1 (required here: SSLVDIR_REQUIRE_READERS=1)" >&2
    exit 1
  fi
  echo "haproxy-maps.sh: skipped: $1" >&2
  exit 77
}
HAPROXY=${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}
PY=${PYTHON3:-${PYTHON:-python3}}
[ -x "$HAPROXY" ] || need "haproxy not installed"
module="$top_builddir/bindings/lua/5.3/.libs/sslvdir.so"
[ -f "$module" ] || need "the Lua 5.3 module is not built (liblua5.3-dev)"
certs="$top_builddir/tests/certs"
[ -f "$certs/server.pem" ] || need "no test certificates ($certs)"
if ldd "$module" 2>/dev/null | grep -q 'libasan'; then
  echo "haproxy-maps.sh: skipped: sanitizer build (HAProxy is not instrumented)" >&2
  exit 77
fi
SSLVDIR="$top_builddir/tools/sslvdir"
export LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

work=$(mktemp -d)
hp=""
cleanup() {
  [ -n "$hp" ] && kill "$hp" 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir "$work/lua"
cp "$module" "$work/lua/sslvdir.so"
cat "$certs/server.pem" "$certs/server.key" > "$work/haproxy.pem"
fail() { echo "haproxy-maps.sh: FAIL: $*" >&2; exit 1; }

# A snippet (http or https), as the generator writes it, without its header.
snippet() { grep -v '^#' "$1/sslvdir-fastpath-$2.cfg"; }

# What each listener would send the backend, answered by HAProxy itself.
ECHO='up=%[var(txn.sslvdir_upstream)] vdir=%[var(txn.sslvdir_vdir)] reason=%[var(txn.sslvdir_reason)] status=%[var(txn.sslvdir_status)] path=%[var(txn.sslvdir_path)] tls=%[var(txn.sslvdir_tls)] xfp=%[req.fhdr_cnt(x-forwarded-proto)]:%[req.fhdr(x-forwarded-proto)] feh=%[req.fhdr_cnt(front-end-https)]:%[req.fhdr(front-end-https)] cipher=%[req.fhdr_cnt(x-ssl-cipher)]:%[req.fhdr(x-ssl-cipher)]'

# config NAME MAPDIR GLOBAL-LINES: four listeners on free ports into $work/NAME.cfg
config() {
  ports=$("$PY" -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
  set -- "$1" "$2" "$3" $ports
  tls="ssl crt $work/haproxy.pem alpn http/1.1 verify optional ca-file $certs/ca.pem crl-file $certs/crl.pem ca-ignore-err all crt-ignore-err all"
  {
    printf 'global\n    setenv SSLVDIR_MAPS %s\n%s\n' "$2" "$3"
    cat <<CFG
    log stderr format raw local0
    lua-prepend-path $work/lua/?.so cpath
    lua-load-per-thread $top_srcdir/bindings/haproxy/sslvdir.lua
    nbthread 1
    tune.ssl.default-dh-param 2048
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend plugin_http
    bind 127.0.0.1:$4
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain lf-string "$ECHO"
frontend fast_http
    bind 127.0.0.1:$5
    log global
    log-format "fast %[var(txn.sslvdir_fp)]"
$(snippet "$2" http)
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain lf-string "$ECHO"
frontend plugin_https
    bind 127.0.0.1:$6 $tls
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain lf-string "$ECHO"
frontend fast_https
    bind 127.0.0.1:$7 $tls
    log global
    log-format "fast %[var(txn.sslvdir_fp)]"
$(snippet "$2" https)
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain lf-string "$ECHO"
CFG
  } > "$work/$1.cfg"
  echo "$4 $5 $6 $7" > "$work/$1.ports"
}

start() { # NAME: starts HAProxy, 0 when it serves
  "$HAPROXY" -db -f "$work/$1.cfg" > "$work/$1.log" 2>&1 &
  hp=$!
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    kill -0 "$hp" 2>/dev/null || { hp=""; return 1; }
    "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" \
      "$(cut -d' ' -f1 "$work/$1.ports")" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}
stop() { kill "$hp" 2>/dev/null || true; wait "$hp" 2>/dev/null || true; hp=""; }

# Clean targets at the snippet's length limits: a path of 255 bytes and of
# 256 (the limit is the path's, whatever the query), one segment over the
# library's 260 bytes, a long query on a short path, a target over 2048.
"$PY" -c '
seg = "a" * 261
print("/owa/" + "b" * 250)
print("/owa/" + "b" * 251)
print("/owa/" + seg)
print("/owa/" + seg + "?x=1")
print("/ews/" + "c/" * 130)
print("/owa/?q=" + "d" * 2030)
print("/owa/?q=" + "d" * 2050)' > "$work/long.txt"

compare() { # NAME
  # shellcheck disable=SC2046
  "$PY" "$top_srcdir/tests/haproxy-maps.py" $(cat "$work/$1.ports") "$certs/ca.pem" \
    "$certs/client.pem" "$certs/client.key" "$work/long.txt" "$top_srcdir/bench/targets.txt" \
    "$top_srcdir/tests/data/path/cases.txt" "$top_srcdir"/tests/data/decide/*.cases ||
    { sed -n 1,20p "$work/$1.log" >&2; fail "$1: the fast path and the plugin answer differently"; }
}

# 1. The Exchange 2016 preset with the http->https recipe and a trusted
# offloader: most answers are native.
P1="--preset exchange2016-offload --host mail.contoso.com,autodiscover.contoso.com --ad-domain contoso.com --redirect --offloader 127.0.0.2"
G1='    setenv SSLVDIR_PRESET exchange2016-offload
    setenv SSLVDIR_HOSTS mail.contoso.com,autodiscover.contoso.com
    setenv SSLVDIR_AD_DOMAINS contoso.com
    setenv SSLVDIR_REDIRECT 1
    setenv SSLVDIR_OFFLOADERS 127.0.0.2'
mkdir "$work/maps1"
# shellcheck disable=SC2086
"$SSLVDIR" haproxy-maps $P1 "$work/maps1" || fail "sslvdir haproxy-maps"
# Deterministic: the same policy gives the same files.
mkdir "$work/again"
# shellcheck disable=SC2086
"$SSLVDIR" haproxy-maps $P1 "$work/again"
for f in "$work"/maps1/*; do
  sed 1,2d "$f" > "$work/a"; sed 1,2d "$work/again/$(basename "$f")" > "$work/b"
  cmp -s "$work/a" "$work/b" || fail "$(basename "$f") differs between two runs"
done
grep -q '^mail.contoso.com/owa/ redirect|302|' "$work/maps1/sslvdir-http-get.map" ||
  fail "the OWA redirect is not in the maps"
# doc/haproxy.md shows the snippets the generator writes: the first two
# haproxy blocks of its "Fast path" section, http then https.
n=0
for scheme in http https; do
  n=$((n + 1))
  awk -v want="$n" '/^## / { f = /^## Fast path/ } f && /^```haproxy/ { k++; in_ = k == want; next }
    in_ && /^```/ { exit } in_' "$top_srcdir/doc/haproxy.md" | grep -v 'deny deny_status 500' > "$work/doc-snippet"
  snippet "$work/maps1" $scheme > "$work/gen-snippet"
  cmp -s "$work/doc-snippet" "$work/gen-snippet" ||
    { diff "$work/doc-snippet" "$work/gen-snippet" >&2; fail "doc/haproxy.md's $scheme fast-path snippet is not what sslvdir haproxy-maps writes"; }
done
config one "$work/maps1" "$G1"
start one || { cat "$work/one.log" >&2; fail "HAProxy with the fast path does not start"; }
compare one
native=$(grep -c '^fast \(offload\|bridge\|30[1278]\)|' "$work/one.log" || true)
echo "haproxy-maps.sh: $native answers from the maps"
[ "$native" -gt 5000 ] || fail "only $native answers came from the maps"
stop

# 2. A policy file with a client-certificate vdir, an offloader cipher
# header and a port-80 Autodiscover redirect site: those stay with Lua.
cat > "$work/policy.xml" <<POLICY
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016-offload">
    <host name="mail.contoso.com" canonical="true"/>
    <vdir path="/Microsoft-Server-ActiveSync" edge="Ssl,SslNegotiateCert,SslRequireCert,Ssl128"/>
    <vdir path="/OAB" edge="Ssl,SslNegotiateCert"/>
  </site>
  <site name="Autodiscover Web Site" autodiscover-redirect="mail.contoso.com">
    <host name="autodiscover.contoso.com"/>
    <vdir path="/Autodiscover" kind="other"/>
  </site>
  <autodiscover>
    <domain name="contoso.com" site="Default Web Site"/>
  </autodiscover>
  <offloader address="127.0.0.2" cipher-header="X-SSL-Cipher"/>
</policy>
POLICY
mkdir "$work/maps2"
"$SSLVDIR" haproxy-maps --policy "$work/policy.xml" "$work/maps2" || fail "sslvdir haproxy-maps --policy"
grep -q '^autodiscover.contoso.com/autodiscover/autodiscover.xml/ lua$' "$work/maps2/sslvdir-http-get.map" ||
  fail "the port-80 Autodiscover file is not left to Lua"
config two "$work/maps2" "    setenv SSLVDIR_POLICY $work/policy.xml"
start two || { cat "$work/two.log" >&2; fail "HAProxy with the second policy's fast path does not start"; }
compare two
stop

# 3. Maps of another policy: HAProxy refuses to start and says why. Here
# the policy without the http->https recipe, the maps still with it.
config stale "$work/maps1" "$(echo "$G1" | grep -v REDIRECT)"
if start stale; then stop; fail "HAProxy started with maps of another policy"; fi
grep -q 'fast path.s maps in .* are not this policy.s' "$work/stale.log" ||
  { cat "$work/stale.log" >&2; fail "no clear message for stale maps"; }
# An edited entry is refused the same way.
sed -i 's#^mail.contoso.com/ews/ allow|offload|#mail.contoso.com/ews/ allow|bridge|#' "$work/maps1/sslvdir-https.map"
grep -q '^mail.contoso.com/ews/ allow|bridge|' "$work/maps1/sslvdir-https.map" || fail "the edit did not apply"
config edited "$work/maps1" "$G1"
if start edited; then stop; fail "HAProxy started with an edited map"; fi
grep -q 'sslvdir-https.map: mail.contoso.com/ews/' "$work/edited.log" ||
  { cat "$work/edited.log" >&2; fail "the edited entry is not named"; }
# A redirect in the TLS map: the https snippet would take its status for an
# upstream.
# shellcheck disable=SC2086
"$SSLVDIR" haproxy-maps $P1 "$work/maps1" || fail "regenerating"
sed -i 's#^mail.contoso.com/owa/ allow|offload|allowed|#mail.contoso.com/owa/ redirect|302|redirect-https|#' "$work/maps1/sslvdir-https.map"
grep -q '^mail.contoso.com/owa/ redirect|' "$work/maps1/sslvdir-https.map" || fail "the redirect edit did not apply"
config tlsredirect "$work/maps1" "$G1"
if start tlsredirect; then stop; fail "HAProxy started with a redirect in the TLS map"; fi
grep -q 'sslvdir-https.map: mail.contoso.com/owa/: the TLS map holds no redirect' "$work/tlsredirect.log" ||
  { cat "$work/tlsredirect.log" >&2; fail "the redirect in the TLS map is not named"; }
# A vdir's line missing: its requests would match a shorter key.
# shellcheck disable=SC2086
"$SSLVDIR" haproxy-maps $P1 "$work/maps1" || fail "regenerating"
sed -i '/^mail.contoso.com\/owa\/ /d' "$work/maps1/sslvdir-http-get.map"
config missing "$work/maps1" "$G1"
if start missing; then stop; fail "HAProxy started with a vdir missing from a map"; fi
grep -q 'sslvdir-http-get.map: mail.contoso.com/owa/ is missing' "$work/missing.log" ||
  { cat "$work/missing.log" >&2; fail "the missing entry is not named"; }
# A host added to the policy without writing the maps again: its requests
# would quietly leave the fast path, which the start-up check refuses too.
# shellcheck disable=SC2086
"$SSLVDIR" haproxy-maps $P1 "$work/maps1" || fail "regenerating"
config addedhost "$work/maps1" "$(echo "$G1" | sed 's#^\(    setenv SSLVDIR_HOSTS .*\)$#\1,owa.contoso.com#')"
if start addedhost; then stop; fail "HAProxy started with maps lacking a host of the policy"; fi
grep -q 'sslvdir-hosts.lst: owa.contoso.com, a host of the policy, is missing' "$work/addedhost.log" ||
  { cat "$work/addedhost.log" >&2; fail "the missing host is not named"; }
# The reload step of doc/haproxy.md: regenerate with the policy HAProxy
# runs, then start (reload) it: it serves again.
"$SSLVDIR" haproxy-maps --preset exchange2016-offload --host mail.contoso.com,autodiscover.contoso.com \
  --ad-domain contoso.com --offloader 127.0.0.2 "$work/maps1" || fail "regenerating"
config stale "$work/maps1" "$(echo "$G1" | grep -v REDIRECT)"
start stale || { cat "$work/stale.log" >&2; fail "HAProxy does not start after regenerating the maps"; }
stop
# 4. The example configuration with its fast path turned on (its
# SSLVDIR_MAPS line uncommented, the maps written from its policy): HAProxy
# accepts it without a warning, the plugin having checked the maps.
mkdir "$work/maps4"
"$SSLVDIR" haproxy-maps --preset exchange2016-offload --host mail.contoso.com,autodiscover.contoso.com \
  --ad-domain contoso.com --redirect "$work/maps4" || fail "the example's maps"
sed -e "s|/usr/local/lib/lua/5.3/?.so|$work/lua/?.so|" \
    -e "s|/usr/local/share/libsslvdir/haproxy/sslvdir.lua|$top_srcdir/bindings/haproxy/sslvdir.lua|" \
    -e "s|/etc/haproxy/mail.contoso.com.pem|$work/haproxy.pem|" \
    -e "s|/etc/haproxy/client-ca.pem|$certs/ca.pem|" -e "s|/etc/haproxy/exchange-ca.pem|$certs/ca.pem|" \
    -e "s|/etc/haproxy/client-ca-crl.pem|$certs/crl.pem|" -e "s|log /dev/log local0|log stderr local0|" \
    -e "s|^    # setenv SSLVDIR_MAPS .*|    setenv SSLVDIR_MAPS $work/maps4|" \
    "$top_srcdir/bindings/haproxy/exchange2016.cfg" > "$work/example.cfg"
grep -q "setenv SSLVDIR_MAPS $work/maps4" "$work/example.cfg" || fail "the example has no SSLVDIR_MAPS line to uncomment"
"$HAPROXY" -c -f "$work/example.cfg" > "$work/example.log" 2>&1 && ! grep -q WARNING "$work/example.log" ||
  { cat "$work/example.log" >&2; fail "the example with its fast path is refused or warned about"; }
# Each frontend carries its scheme's snippet as the generator writes it.
for scheme in http https; do
  snippet "$work/maps4" $scheme > "$work/want"
  "$PY" -c '
import re, sys
cfg, want, scheme = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3]
m = re.search(r"^frontend exchange_%s\n(.*?)(?=^[a-z]|\Z)" % scheme, cfg, re.M | re.S)
sys.exit(0 if m and want in m.group(1) else 1)' "$work/example.cfg" "$work/want" $scheme ||
    fail "the example's $scheme frontend does not carry the $scheme fast path sslvdir haproxy-maps writes"
done
echo "haproxy-maps.sh: ok"
