#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# End to end with curl: HAProxy running the plugin with the "all Autodiscover
# at the proxy" routing line (doc/haproxy.md), configured through the
# environment as doc/haproxy.md shows (a preset, SSLVDIR_HOSTS, the
# offloader knobs), in front of bindings/haproxy/tests/backend.py (an
# offloaded Exchange that echoes what reached it in X-Backend-Saw).
#
#   - autodiscover.json, the path form Outlook 2016 and later send and the
#     query form, AutodiscoverV1 and ActiveSync, and the documented errors;
#   - a two-tier deployment: a trusted offloader (SSLVDIR_OFFLOADERS=127.0.0.1)
#     ends TLS and forwards plain HTTP with X-Forwarded-Proto: https, once
#     with each knob that says what it guarantees about the cipher
#     (SSLVDIR_OFFLOADER_CIPHER_BITS, SSLVDIR_OFFLOADER_CIPHER_HEADER) and
#     once with neither (Ssl128 vdirs: 403.5, and a warning at start-up);
#   - what an untrusted peer (curl from 127.0.0.7) says about TLS never
#     reaches the backend.
#
# Skips (77) without haproxy, curl or the Lua 5.3 module, unless
# SSLVDIR_REQUIRE_READERS=1 (CI), where that fails.
set -eu
me=curl-e2e
. "${top_srcdir:-.}/tests/e2e-lib.sh"

# shellcheck disable=SC2046 # the ports are words
set -- $(free_ports 4)
H=$1 S=$2 BH=$3 BS=$4
cat "$certs/server.pem" "$certs/server.key" > "$work/haproxy.pem"
start "$work/backend.log" "$PY" "$top_srcdir/bindings/haproxy/tests/backend.py" "$BH" "$BS" \
  "$certs/server.pem" "$certs/server.key"
wait_up "http://127.0.0.1:$BH/" "$work/backend.log"

# haproxy_cfg SETENV-LINES: the front end, with these "setenv" lines.
haproxy_cfg() {
  cat <<CFG
global
    setenv SSLVDIR_PRESET exchange2016-offload
    setenv SSLVDIR_HOSTS mail.contoso.com,autodiscover.contoso.com
    setenv SSLVDIR_AD_DOMAINS contoso.com
    setenv SSLVDIR_DEBUG_HEADERS 1
$1
    log stderr format raw local0
    lua-prepend-path $work/lua/?.so cpath
    lua-load-per-thread $top_srcdir/bindings/haproxy/sslvdir.lua
defaults
    mode http
    log global
    log-format "%ci %ft %ST %{+Q}r sslvdir=%[var(txn.sslvdir_status)] reason=%[var(txn.sslvdir_reason)]"
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend http_in
    bind 127.0.0.1:$H
    http-request use-service lua.sslvdir-autodiscover if { path_beg -i /autodiscover/ }
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    use_backend bridge if { var(txn.sslvdir_upstream) -m str bridge }
    default_backend offload
frontend https_in
    bind 127.0.0.1:$S ssl crt $work/haproxy.pem
    http-request use-service lua.sslvdir-autodiscover if { path_beg -i /autodiscover/ }
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-response lua.sslvdir-response
    use_backend bridge if { var(txn.sslvdir_upstream) -m str bridge }
    default_backend offload
backend offload
    server ex01 127.0.0.1:$BH
backend bridge
    server ex01 127.0.0.1:$BS ssl verify required ca-file $certs/ca.pem sni str(mail.contoso.com)
CFG
}
haproxy_pid=
# run NAME SETENV-LINES: (re)starts HAProxy with that configuration.
run() {
  [ -z "$haproxy_pid" ] || stop "$haproxy_pid"
  haproxy_cfg "$2" > "$work/$1.cfg"
  "$HAPROXY" -c -q -f "$work/$1.cfg" > "$work/$1.check" 2>&1 || { cat "$work/$1.check" >&2; exit 1; }
  start "$work/$1.log" "$HAPROXY" -db -f "$work/$1.cfg"
  haproxy_pid=$last
  log="$work/$1.log"
  wait_up "http://127.0.0.1:$H/autodiscover/autodiscover.xml" "$log"
}
resolve="--resolve mail.contoso.com:$H:127.0.0.1 --resolve mail.contoso.com:$S:127.0.0.1"
resolve="$resolve --resolve autodiscover.contoso.com:$S:127.0.0.1"
# the offloader in front of HAProxy, and a client that is not one
offloader="--interface 127.0.0.1 -H X-Forwarded-Proto:https"
stranger="--interface 127.0.0.7"
owa="http://mail.contoso.com:$H/owa/"
sawhttps='^x-backend-saw: .*"x_forwarded_proto":\["https"\]'
# expect_log NAME REGEX: a line of HAProxy's log matches.
expect_log() {
  grep -Eq "$2" "$log" && return 0
  fail "$1" "no line of HAProxy's log matches '$2'"; sed 's/^/    /' "$log"; return 1
}

# ---------------------------------------------------------------- 1
run bits "    setenv SSLVDIR_OFFLOADERS 127.0.0.1
    setenv SSLVDIR_OFFLOADER_CIPHER_BITS 128"

xml='"Url":"https://mail\.contoso\.com/Autodiscover/Autodiscover\.xml"'
t="autodiscover.json, the path form (address in the path), as Outlook 2016 and later ask"
req "$t" "https://autodiscover.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1" &&
  expect_status "$t" 200 && expect_header "$t" "^content-type: application/json" &&
  expect_body "$t" "^\{\"Protocol\":\"AutodiscoverV1\",$xml\}\$" && ok "$t"
t="... the address percent-encoded, and the names in another case"
req "$t" "https://autodiscover.contoso.com:$S/Autodiscover/Autodiscover.json/V1.0/alice%40contoso.com?Protocol=AutodiscoverV1" &&
  expect_status "$t" 200 && expect_body "$t" "$xml" && ok "$t"
t="autodiscover.json, the query form"
req "$t" "https://autodiscover.contoso.com:$S/autodiscover/autodiscover.json?Email=alice%40contoso.com&Protocol=AutodiscoverV1" &&
  expect_status "$t" 200 && expect_body "$t" "^\{\"Protocol\":\"AutodiscoverV1\",$xml\}\$" && ok "$t"
t="autodiscover.json, Protocol=ActiveSync: the ActiveSync URL"
req "$t" "https://autodiscover.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=ActiveSync" &&
  expect_status "$t" 200 &&
  expect_body "$t" '^\{"Protocol":"ActiveSync","Url":"https://mail\.contoso\.com/Microsoft-Server-ActiveSync"\}$' && ok "$t"
t="autodiscover.json, not an address in the path: 400 InvalidRequest"
req "$t" "https://autodiscover.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice.contoso.com?Protocol=AutodiscoverV1" &&
  expect_status "$t" 400 && expect_body "$t" '"ErrorCode":"InvalidRequest"' && ok "$t"
t="autodiscover.json, not an address in Email: 400 InvalidRequest"
req "$t" "https://autodiscover.contoso.com:$S/autodiscover/autodiscover.json?Email=alice&Protocol=AutodiscoverV1" &&
  expect_status "$t" 400 && expect_body "$t" '"ErrorCode":"InvalidRequest"' && ok "$t"
t="autodiscover.json, a domain without a rule: 404 NotFound"
req "$t" "https://autodiscover.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice@fabrikam.com?Protocol=AutodiscoverV1" &&
  expect_status "$t" 404 && expect_body "$t" '"ErrorCode":"NotFound"' && ok "$t"
t="autodiscover.json, an unknown protocol: 400 InvalidProtocol, naming the supported ones"
req "$t" "https://autodiscover.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=Imap" &&
  expect_status "$t" 400 && expect_body "$t" '"ErrorCode":"InvalidProtocol"' &&
  expect_body "$t" "Supported values are 'AutodiscoverV1, ActiveSync, Ews'" && ok "$t"

t="SSLVDIR_OFFLOADER_CIPHER_BITS=128: OWA (Ssl128) through the offloader reaches Exchange"
# shellcheck disable=SC2086
req "$t" $offloader "$owa" && expect_status "$t" 302 && expect_header "$t" "$sawhttps" && ok "$t"
t="... and no start-up warning about the offloader's cipher"
if grep -q "says nothing about the cipher" "$log"; then fail "$t" "warned"; else ok "$t"; fi
t="X-Forwarded-Proto from a client that is not the offloader: not believed (403.4)"
# shellcheck disable=SC2086
req "$t" $stranger -H "X-Forwarded-Proto: https" "$owa" && expect_status "$t" 403 &&
  expect_header "$t" '^x-sslvdir-status: 403\.4$' && expect_body "$t" "HTTP Error 403\.4" &&
  no_header "$t" "^x-backend-saw" && ok "$t"
t="... and where plain HTTP is allowed (PowerShell), Exchange gets http, not the client's https"
# shellcheck disable=SC2086
req "$t" $stranger -H "X-Forwarded-Proto: https" -H "Front-End-Https: On" \
  "http://mail.contoso.com:$H/PowerShell/" && expect_status "$t" 403 &&
  expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["http"\],"front_end_https":null' && ok "$t"
t="... and over TLS, Exchange gets https once, not the client's value as well"
req "$t" -H "X-Forwarded-Proto: http" -H "X-Forwarded-Proto: https" "https://mail.contoso.com:$S/ecp/" &&
  expect_status "$t" 200 && expect_header "$t" "$sawhttps" && ok "$t"

# ---------------------------------------------------------------- 2
run header "    setenv SSLVDIR_OFFLOADERS 127.0.0.1
    setenv SSLVDIR_OFFLOADER_CIPHER_HEADER X-Cipher"

t="SSLVDIR_OFFLOADER_CIPHER_HEADER=X-Cipher, ECDHE-RSA-AES256-GCM-SHA384: OWA reaches Exchange"
# shellcheck disable=SC2086
req "$t" $offloader -H "X-Cipher: ECDHE-RSA-AES256-GCM-SHA384" "$owa" && expect_status "$t" 302 &&
  expect_header "$t" "$sawhttps" && ok "$t"
t="... X-Cipher: RC4-SHA (the cipher table counts RC4 0 bits): 403.5"
# shellcheck disable=SC2086
req "$t" $offloader -H "X-Cipher: RC4-SHA" "$owa" && expect_status "$t" 403 &&
  expect_header "$t" '^x-sslvdir-status: 403\.5$' && expect_body "$t" "HTTP Error 403\.5" &&
  no_header "$t" "^x-backend-saw" && ok "$t"
t="... X-Cipher: DES-CBC3-SHA (triple DES, 112 bits): 403.5"
# shellcheck disable=SC2086
req "$t" $offloader -H "X-Cipher: DES-CBC3-SHA" "$owa" && expect_status "$t" 403 &&
  expect_header "$t" '^x-sslvdir-status: 403\.5$' && ok "$t"
t="... without X-Cipher: the key size is unknown, 403.5"
# shellcheck disable=SC2086
req "$t" $offloader "$owa" && expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.5$' && ok "$t"
t="... X-Cipher from a client that is not the offloader counts for nothing (403.4)"
# shellcheck disable=SC2086
req "$t" $stranger -H "X-Forwarded-Proto: https" -H "X-Cipher: ECDHE-RSA-AES256-GCM-SHA384" "$owa" &&
  expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.4$' && ok "$t"

# ---------------------------------------------------------------- 3
run neither "    setenv SSLVDIR_OFFLOADERS 127.0.0.1"

t="neither knob: OWA (Ssl128) through the offloader is 403.5, the strict answer"
# shellcheck disable=SC2086
req "$t" $offloader "$owa" && expect_status "$t" 403 && expect_header "$t" '^x-sslvdir-status: 403\.5$' &&
  expect_header "$t" '^x-sslvdir-reason: ssl128-required$' && no_header "$t" "^x-backend-saw" && ok "$t"
t="... and a vdir without Ssl128 (OWA's Calendar) still reaches Exchange"
# shellcheck disable=SC2086
req "$t" $offloader "http://mail.contoso.com:$H/owa/Calendar/alice@contoso.com/Calendar/calendar.html" &&
  expect_header "$t" "$sawhttps" && ok "$t"
t="... the start-up log says why (the offloader says nothing about the cipher: 403.5) and what to give it"
expect_log "$t" "sslvdir: offloader 127\.0\.0\.1/32 says nothing about the cipher, so requests through it get 403\.5 .*.*HAProxy: SSLVDIR_OFFLOADER_CIPHER_BITS.*SSLVDIR_OFFLOADER_CIPHER_HEADER" &&
  ok "$t"

t="the decisions are in the log"
expect_log "$t" '"GET /owa/ HTTP/1.1" sslvdir=403.5 reason=ssl128-required$' && ok "$t"

if grep -q "sslvdir: denied after an internal error\|Lua.*runtime error\|Autodiscover failed" "$work"/*.log; then
  fail "Lua errors" "in HAProxy's log"; grep -i "lua\|sslvdir:" "$work"/*.log | head | sed 's/^/    /'
fi
finish
