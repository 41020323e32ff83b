#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The sslvdir command as a user runs it: exact JSON, exit statuses, messages.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
sv="$top_builddir/tools/sslvdir"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_json WANT ARGS...: stdout must be exactly WANT, exit status 0.
expect_json() { expect_json_status 0 "$@"; }
# expect_json_status STATUS WANT ARGS...: stdout exactly WANT, exit status STATUS.
expect_json_status() {
  want_rc=$1 want=$2; shift 2
  got=$("$sv" "$@" 2>&1); rc=$?
  if [ $rc -eq "$want_rc" ] && [ "$got" = "$want" ]; then ok; else ko "sslvdir $* (want exit $want_rc)"; echo "  want: $want"; echo "  got:  $got (exit $rc)"; fi
}
# expect_fail PATTERN ARGS...: exit status 2, stderr matching PATTERN, nothing on stdout.
expect_fail() {
  pat=$1; shift
  out=$("$sv" "$@" 2>/dev/null); err=$("$sv" "$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 2 ] && [ -z "$out" ] && printf '%s' "$err" | grep -q -- "$pat"; then ok; else ko "sslvdir $* (exit $rc): $err"; fi
}
# expect_one_line TEXT ARGS...: exit 2 and one line on stderr that holds TEXT (not the
# whole usage after it, which buries the error).
expect_one_line() {
  want=$1; shift
  err=$("$sv" "$@" 2>&1 >/dev/null); rc=$?
  case $err in
    *"
"*) ko "sslvdir $* (exit $rc): more than one line: $(printf '%s' "$err" | head -3)" ;;
    *"$want"*) if [ $rc -eq 2 ]; then ok; else ko "sslvdir $* (exit $rc)"; fi ;;
    *) ko "sslvdir $* (exit $rc): $err" ;;
  esac
}
# expect_out PATTERN ARGS...: exit 0 and stdout matching PATTERN.
expect_out() {
  pat=$1; shift
  out=$("$sv" "$@" 2>&1); rc=$?
  if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q -- "$pat"; then ok; else ko "sslvdir $* (exit $rc)"; printf '%s\n' "$out" | head -5; fi
}
# expect_status N PATTERN ARGS...: exit status N and stdout matching PATTERN.
expect_status() {
  want=$1 pat=$2; shift 2
  out=$("$sv" "$@" 2>/dev/null); rc=$?
  if [ $rc -eq "$want" ] && printf '%s' "$out" | grep -q -- "$pat"; then ok; else ko "sslvdir $* (exit $rc, want $want)"; printf '%s\n' "$out" | head -5; fi
}

# The namespace every preset-based call names: the command has no default
# host or Autodiscover domain (the "no default" tests are below).
NS="--host mail.contoso.com --host autodiscover.contoso.com --ad-domain contoso.com"
C16="--preset exchange2016 $NS"
RM='"remove_headers": ["X-Forwarded-Proto", "Front-End-Https"]'
# A preset is what Exchange ships: plain HTTP to OWA gets 403.4, as IIS answers it...
expect_json '{"action": "deny", "status": 403, "substatus": 4, "location": null, "vdir": "Default Web Site/owa", "path": "/owa/", "upstream": "bridge", "set_headers": {}, '"$RM"', "reason_code": "ssl-required", "reason": "SSL is required (403.4)"}' \
  eval --json --preset exchange2016 $NS GET 'http://mail.contoso.com/owa/?a=1'
# ... and Microsoft's http->https recipe is asked for with --redirect (browser vdirs, GET and HEAD).
expect_json '{"action": "redirect", "status": 302, "substatus": null, "location": "https://mail.contoso.com/owa/?a=1", "vdir": "Default Web Site/owa", "path": "/owa/", "upstream": "bridge", "set_headers": {}, '"$RM"', "reason_code": "redirect-https", "reason": "SSL is required; browsers are redirected to https"}' \
  eval $C16 --json --redirect GET 'http://mail.contoso.com/owa/?a=1'
expect_out '"location": "https://mail.contoso.com/"' eval --json --preset exchange2019-offload $NS --redirect GET http://mail.contoso.com/
expect_out '"substatus": 4' eval $C16 --json --redirect POST http://mail.contoso.com/owa/auth.owa
expect_out '"substatus": 4' eval $C16 --json --redirect GET http://mail.contoso.com/Microsoft-Server-ActiveSync
expect_out '^  /owa  *owa .* 302  *bridge' show $C16 --redirect
expect_fail 'goes with --preset' eval --policy "$top_srcdir/tests/data/decide/certs.xml" --redirect GET /
expect_fail '--extended-protection takes on or off' eval $C16 --extended-protection yes GET /
# Exchange SE turns Extended Protection on: Rpc requires SSL, nothing is offloaded,
# and its -offload preset is refused until Extended Protection is declared off.
expect_out '"substatus": 4' eval --json --preset exchangese $NS POST http://mail.contoso.com/rpc/rpcproxy.dll
expect_fail 'exchangese-offload: Extended Protection is on (Setup turns it on) and Microsoft does not support it with SSL offloading; set --extended-protection off, or bridge (the preset without -offload)' eval --preset exchangese-offload $NS GET /
expect_fail 'exchange2019-offload: Extended Protection is on (declared on)' eval --preset exchange2019-offload $NS --extended-protection on GET /
expect_out '"upstream": "offload"' eval --json --preset exchangese-offload $NS --extended-protection off GET https://mail.contoso.com/owa/
expect_json '{"action": "deny", "status": 403, "substatus": 4, "location": null, "vdir": "Default Web Site/EWS", "path": "/EWS/Exchange.asmx", "upstream": "bridge", "set_headers": {}, '"$RM"', "reason_code": "ssl-required", "reason": "SSL is required (403.4)"}' \
  eval $C16 --json POST http://mail.contoso.com/EWS/Exchange.asmx
expect_json '{"action": "allow", "status": null, "substatus": null, "location": null, "vdir": "Default Web Site/owa", "path": "/owa/", "upstream": "offload", "set_headers": {"X-Forwarded-Proto": "https", "Front-End-Https": "On"}, "remove_headers": [], "reason_code": "allowed", "reason": "the virtual directory'"'"'s SSL requirements are met"}' \
  eval --preset exchange2016-offload $NS --offloader 10.0.0.5 --peer 10.0.0.5 --cipher-bits 256 -H 'X-Forwarded-Proto: https' --json GET http://mail.contoso.com/owa/
expect_json '{"action": "deny", "status": 403, "substatus": 5, "location": null, "vdir": "Default Web Site/owa", "path": "/owa/", "upstream": "offload", "set_headers": {}, "remove_headers": [], "reason_code": "ssl128-required", "reason": "a 128-bit cipher is required and the key size is below 128 bits or unknown (403.5)"}' \
  eval --preset exchange2016-offload $NS --offloader 10.0.0.5 --peer 10.0.0.5 -H 'X-Forwarded-Proto: https' --json GET http://mail.contoso.com/owa/
expect_json '{"action": "deny", "status": 404, "substatus": 11, "location": null, "vdir": null, "path": null, "upstream": null, "set_headers": {}, '"$RM"', "reason_code": "double-escape", "reason": "the path is double-escaped (404.11)"}' \
  eval $C16 --json GET 'https://mail.contoso.com/ecp%252f'
# The Host header overrides the URL's host; a foreign one never reaches Location.
expect_out '"location": "https://mail.contoso.com/owa/"' eval $C16 --json --redirect -H 'Host: evil.example' GET http://mail.contoso.com/owa/
expect_out '"location": "https://autodiscover.contoso.com/owa/"' eval $C16 --json --redirect -H 'Host: autodiscover.contoso.com' GET /owa/
# Default cipher bits: 256 over https, so Ssl128 passes; --cipher-bits 40 does not.
expect_out '"action": "allow"' eval $C16 --json GET https://mail.contoso.com/owa/
expect_out '"substatus": 5' eval $C16 --json --cipher-bits 40 GET https://mail.contoso.com/owa/
expect_out '"action": "allow"' eval $C16 --json --tls GET /owa/
expect_out '"substatus": 16' eval --policy "$top_srcdir/tests/data/decide/certs.xml" --client-cert untrusted --json GET https://mail.contoso.com/certauth/
expect_out '"substatus": 7' eval --policy "$top_srcdir/tests/data/decide/certs.xml" --client-cert missing --json GET https://mail.contoso.com/certauth/
expect_out '"substatus": 13' eval --policy "$top_srcdir/tests/data/decide/certs.xml" --client-cert revoked --json GET https://mail.contoso.com/certauth/
# Text output
expect_out '^action:    deny 403.4' eval $C16 GET http://mail.contoso.com/owa/
expect_out '^action:    redirect 302' eval $C16 --redirect GET http://mail.contoso.com/owa/
expect_out 'location:  https://mail.contoso.com/owa/' eval $C16 --redirect GET http://mail.contoso.com/owa/
# ';' is part of a segment's name (IIS has no path parameters): not owa/Calendar, not Rpc
expect_out '"vdir": "Default Web Site/owa",' eval $C16 --json GET 'http://mail.contoso.com/owa/Calendar;x/a.ics'
expect_out '"vdir": "Default Web Site",' eval $C16 --json POST 'http://mail.contoso.com/Rpc%3bx/rpcproxy.dll'
# Other commands
expect_out '^exchange2016-offload' presets
expect_out '/EWS/mrsproxy.svc.*mrsproxy.*bridge' show $C16
expect_out 'trusted offloaders: 10.0.0.0/8' show $C16 --offloader 10.1.2.3/8
# An offloader network that holds clients: show warns (the audit's error is below).
expect_out 'warning: trusted offloader 0.0.0.0/0 covers every IPv4 address' show $C16 --offloader 0.0.0.0/0
expect_out 'site "Europe"' show --policy "$top_srcdir/tests/data/decide/multi.xml"
# The port-80 Autodiscover redirect as the decision gives it (and nginx
# sends it): the target site's https port in the Location.
adr="$top_srcdir/tests/data/decide/adredirect.xml"
expect_out '^  autodiscover.xml over http: 302 to https://mail\.contoso\.com:8443/autodiscover/autodiscover\.xml$' show --policy "$adr"
expect_out 'location:  https://mail\.contoso\.com:8443/autodiscover/autodiscover\.xml$' eval --policy "$adr" GET http://autodiscover.contoso.com/autodiscover/autodiscover.xml
expect_out 'redirect 302' demo
expect_out "Microsoft's opt-in http->https recipe" demo
expect_out '10.0.0.5      allow            offload  Default Web Site/owa; trusted LB names AES-256' demo
expect_out '10.0.0.5      deny 403.5       -        Default Web Site/owa; trusted LB names RC4' demo

# rewrite-header: the line as a proxy would send it on.
expect_json 'Location: https://mail.contoso.com/owa' rewrite-header $C16 'Location: http://mail.contoso.com/owa'
expect_json 'Location: http://mail.contoso.com.evil.example/' rewrite-header $C16 'Location: http://mail.contoso.com.evil.example/'
expect_json 'Set-Cookie: a=b; path=/; Secure' rewrite-header $C16 'Set-Cookie: a=b; path=/'
expect_json 'Set-Cookie: a=b; path=/' rewrite-header --policy "$top_srcdir/tests/data/rewrite/policy.xml" --vdir 'Default Web Site/ecp' 'Set-Cookie: a=b; path=/'
expect_json 'Location: https://partner.fabrikam.com:8443/x' rewrite-header --policy "$top_srcdir/tests/data/rewrite/policy.xml" 'Location: http://partner.fabrikam.com/x'
expect_json 'Location: https://owa.fabrikam.com/' rewrite-header --preset exchange2016 --host owa.fabrikam.com --ad-domain fabrikam.com 'Location: http://owa.fabrikam.com/'
expect_json '[{"name": "Refresh", "value": "0; URL=https://mail.contoso.com/owa", "changed": true}, {"name": "X-Other", "value": "http://mail.contoso.com/", "changed": false}]' \
  rewrite-header $C16 --json 'Refresh: 0; URL=http://mail.contoso.com/owa' 'X-Other: http://mail.contoso.com/'
expect_fail "expected 'Name: value'" rewrite-header $C16 'Location http://x/'
# Bytes that are not UTF-8 are written as U+FFFD, one per maximal subpart.
expect_json '[{"name": "X-Bytes", "value": "\ufffd\ufffd\ufffdb'"$(printf '\303\251')"'", "changed": false}]' \
  rewrite-header $C16 --json "$(printf 'X-Bytes: \377\376\360\237\230b\303\251')"
# U+2028 and U+2029 end a JavaScript string literal: escaped.
expect_json '[{"name": "X-Sep", "value": "a\u2028b\u2029", "changed": false}]' \
  rewrite-header $C16 --json "$(printf 'X-Sep: a\342\200\250b\342\200\251')"
expect_fail "no such vdir" rewrite-header $C16 --vdir 'Default Web Site/nope' 'Set-Cookie: a=b'
expect_fail "control character" rewrite-header $C16 "$(printf 'Location: http://mail.contoso.com/\001')"
# A refused line leaves no half-written answer: no lone "[", no earlier lines.
expect_fail "control character" rewrite-header --preset exchange2016 --host mail.contoso.com --ad-domain contoso.com --json "$(printf 'Location: http://mail.contoso.com/\177')"
expect_fail "control character" rewrite-header $C16 --json 'X-A: b' "$(printf 'Location: http://mail.contoso.com/\001')"
expect_fail "control character" rewrite-header $C16 'X-A: b' "$(printf 'Location: http://mail.contoso.com/\001')"
expect_fail "needs a 'Name: value'" rewrite-header
expect_one_line "see 'sslvdir rewrite-header --help'" rewrite-header
# A repeated Host is a 400 (bad-host), as HTTP.sys answers it, not the last value's answer.
expect_out '"status": 400, .*"reason_code": "bad-host"' eval $C16 --json -H 'Host: evil.example' -H 'Host: mail.contoso.com' GET /owa/
expect_out '"status": 400, .*"reason_code": "bad-host"' eval $C16 --json -H 'Host: mail.contoso.com' -H 'host: mail.contoso.com' GET http://mail.contoso.com/owa/
# rewrite-body: a page, whole and one byte at a time; pass-through; errors.
page="$top_srcdir/tests/data/rewrite/page.html"
want_page="$top_srcdir/tests/data/rewrite/page.expected"
for chunk in 65536 1 7; do
  if "$sv" rewrite-body $C16 --chunk $chunk < "$page" | cmp -s - "$want_page"; then ok; else ko "rewrite-body --chunk $chunk page.html"; fi
done
if "$sv" rewrite-body $C16 --content-encoding gzip < "$page" 2>/dev/null | cmp -s - "$page"; then ok; else ko "rewrite-body gzip passes through"; fi
if "$sv" rewrite-body $C16 --content-type image/png < "$page" 2>/dev/null | cmp -s - "$page"; then ok; else ko "rewrite-body image/png passes through"; fi
got=$(printf 'see http://legacy.local/x' | "$sv" rewrite-body $C16 --replace http://legacy.local/ https://mail.contoso.com/legacy/)
if [ "$got" = 'see https://mail.contoso.com/legacy/x' ]; then ok; else ko "rewrite-body --replace: $got"; fi
# An invalid link of ours (port "80.evil.com") must not become evil.com's.
for chunk in 65536 1; do
  got=$(printf 'http://mail.contoso.com:80.evil.com/x' | "$sv" rewrite-body --preset exchange2016 --host mail.contoso.com --ad-domain contoso.com --chunk $chunk)
  if [ "$got" = 'http://mail.contoso.com:80.evil.com/x' ]; then ok; else ko "rewrite-body :80.evil.com --chunk $chunk: $got"; fi
done
got=$(printf 'http://mail.contoso.com/' | "$sv" rewrite-body $C16 --stats 2>&1 >/dev/null)
if [ "$got" = 'sslvdir: 24 bytes in, 25 out, 1 replaced; the length changed: send it chunked or with the new Content-Length' ]; then ok; else ko "rewrite-body --stats: $got"; fi
expect_fail "expected 1 to 16777216" rewrite-body $C16 --chunk 0
expect_fail "not a media type" rewrite-body $C16 --types html
expect_fail "unknown option" rewrite-body $C16 --bogus
if printf 'http://mail.contoso.com/' | "$sv" rewrite-body $C16 >/dev/full 2>/dev/null; then ko "rewrite-body to a full disk succeeded"; else [ $? -eq 1 ] && ok || ko "rewrite-body to a full disk: wrong exit"; fi

# autodiscover: answers, JSON, redirects, the client side.
adp="$top_srcdir/tests/data/autodiscover/policy.xml"
golden="$top_srcdir/tests/data/autodiscover/golden"
for f in outlook-external redirect-url unknown-domain mobilesync; do
  if "$sv" autodiscover respond --policy "$adp" --time-us 1700000000123456 < "$golden/$f.req" 2>/dev/null | cmp -s - "$golden/$f.resp"; then ok; else ko "autodiscover respond $f"; fi
done
if "$sv" autodiscover respond --policy "$adp" --internal --time-us 1700000000123456 < "$golden/outlook-internal.req" | cmp -s - "$golden/outlook-internal.resp"; then ok; else ko "autodiscover respond --internal"; fi
err=$("$sv" autodiscover respond $C16 < "$top_srcdir/tests/data/autodiscover/hostile/doctype.xml" 2>&1 >/dev/null)
if [ "$err" = "sslvdir: answered with error 600: autodiscover request: a DOCTYPE or entity declaration is refused" ]; then ok; else ko "autodiscover respond DOCTYPE: $err"; fi
expect_out '<ErrorCode>600</ErrorCode>' autodiscover respond $C16 < /dev/null
expect_out '"status": 200, "content_type": "text/xml; charset=utf-8", "body": "<?xml' autodiscover respond $C16 --json < "$golden/outlook-external.req"
expect_json '{"Protocol":"AutodiscoverV1","Url":"https://mail.contoso.com/Autodiscover/Autodiscover.xml"}' autodiscover json $C16 'Email=a%40contoso.com&Protocol=AutodiscoverV1'
expect_json '{"status": 404, "content_type": "application/json; charset=utf-8", "body": "{\"ErrorCode\":\"NotFound\",\"ErrorMessage\":\"The e-mail address cannot be found.\"}"}' autodiscover json $C16 --json 'Email=a@example.org&Protocol=AutodiscoverV1'
expect_json '{"Protocol":"AutodiscoverV1","Url":"https://mail.fabrikam.com/Autodiscover/Autodiscover.xml"}' autodiscover json --preset exchange2016 --host mail.fabrikam.com --ad-domain fabrikam.com 'Email=a@fabrikam.com&Protocol=AutodiscoverV1'
expect_json '{"Protocol":"Ews","Url":"https://mail.contoso.com/EWS/Exchange.asmx"}' autodiscover json --preset exchange2016 --host mail.contoso.com --ad-domain contoso.com --ad-domain contoso.org 'Email=a@contoso.org&Protocol=Ews'
# The request target Outlook 2016 and later send first: the address in the path.
expect_json '{"Protocol":"AutodiscoverV1","Url":"https://mail.contoso.com/Autodiscover/Autodiscover.xml"}' autodiscover json $C16 '/autodiscover/autodiscover.json/v1.0/a%40contoso.com?Protocol=AutodiscoverV1'
expect_json '{"status": 400, "content_type": "application/json; charset=utf-8", "body": "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The address in the path and the Email parameter disagree.\"}"}' autodiscover json $C16 --json '/autodiscover/autodiscover.json/v1.0/a@contoso.com?Email=b%40contoso.com&Protocol=AutodiscoverV1'
expect_json '{"ErrorCode":"InvalidProtocol","ErrorMessage":"The given protocol value '"'"'\ufffd\ufffd'"'"' is invalid. Supported values are '"'"'AutodiscoverV1, ActiveSync, Ews'"'"'."}' \
  autodiscover json $C16 'Email=a%40contoso.com&Protocol=%FF%FE'
# Whatever the bytes, the JSON is valid UTF-8 (seeded random inputs).
py=${PYTHON3:-python3}
if command -v "$py" >/dev/null 2>&1; then
  if "$py" "$top_srcdir/tests/json-utf8.py" "$sv"; then ok; else ko "tests/json-utf8.py"; fi
fi
expect_out '<RedirectURL>https://x.example/autodiscover/autodiscover.xml</RedirectURL>' autodiscover redirect --url https://x.example/autodiscover/autodiscover.xml
got=$("$sv" autodiscover redirect --spec-spelling --url https://x.example/autodiscover/autodiscover.xml | grep -c RedirectURL)
if [ "$got" = 0 ]; then ok; else ko "autodiscover redirect --spec-spelling"; fi
expect_out '<Redirect>a@hosted.example</Redirect>' autodiscover redirect --mobilesync --addr a@hosted.example
expect_fail "it must be https://HOST/autodiscover/.../autodiscover.xml" autodiscover redirect --url http://x.example/autodiscover/autodiscover.xml
expect_fail "exactly one of --url URL and --addr ADDRESS" autodiscover redirect
expect_json '[{"method": "POST", "url": "https://contoso.com/autodiscover/autodiscover.xml"}, {"method": "POST", "url": "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"}, {"method": "GET-redirect", "url": "http://autodiscover.contoso.com/autodiscover/autodiscover.xml"}, {"method": "SRV", "name": "_autodiscover._tcp.contoso.com"}]' autodiscover candidates --json user@Contoso.com
expect_out '^1. POST         https://contoso.com/autodiscover/autodiscover.xml' autodiscover candidates user@contoso.com
expect_fail "not an e-mail address" autodiscover candidates contoso.com
# check-redirect: exit 0 when every step is accepted, 4 when one is refused (as cert check).
expect_json '{"email": "a@contoso.com", "steps": [{"kind": "url", "status": 302, "target": "https://mail.contoso.com/autodiscover/autodiscover.xml", "accepted": true, "reason": null}, {"kind": "address", "target": "b@fabrikam.com", "accepted": true, "reason": null}], "redirects": 2, "address": "b@fabrikam.com", "accepted": true}' \
  autodiscover check-redirect --json a@contoso.com --url 302 https://mail.contoso.com/autodiscover/autodiscover.xml --addr b@fabrikam.com
expect_out '^2 redirects followed; now looking up b@fabrikam.com' autodiscover check-redirect a@contoso.com --url 302 https://mail.contoso.com/autodiscover/autodiscover.xml --addr b@fabrikam.com
expect_json_status 4 '{"email": "a@contoso.com", "steps": [{"kind": "url", "status": 302, "target": "https://mail.contoso.com/autodiscover/autodiscover.xml", "accepted": true, "reason": null}, {"kind": "address", "target": "b@fabrikam.com", "accepted": true, "reason": null}, {"kind": "address", "target": "A@contoso.com", "accepted": false, "reason": "redirect to '"'"'A@contoso.com'"'"' refused: a loop (the chain has seen that address)"}], "redirects": 2, "address": "b@fabrikam.com", "accepted": false}' \
  autodiscover check-redirect --json a@contoso.com --url 302 https://mail.contoso.com/autodiscover/autodiscover.xml --addr b@fabrikam.com --addr A@contoso.com
expect_status 4 'refused   https://mail.contoso.com/owa/' autodiscover check-redirect a@contoso.com --url 302 https://mail.contoso.com/owa/
expect_status 4 'HTTP status 308 is not a redirect' autodiscover check-redirect a@contoso.com --url 308 https://mail.contoso.com/autodiscover/autodiscover.xml
expect_fail "needs respond, json, redirect" autodiscover
expect_fail "unknown autodiscover command" autodiscover nonsense
# The example policy asks for the redirect recipe; the Autodiscover example does not.
expect_out '"status": 302' eval --policy "$top_srcdir/doc/examples/exchange2016-offload.xml" --json GET http://mail.contoso.com/owa/
expect_out '"substatus": 4' eval --policy "$top_srcdir/doc/examples/autodiscover.xml" --json GET http://mail.contoso.com/owa/
expect_out 'reason_code": "autodiscover-redirect"' eval --policy "$top_srcdir/doc/examples/autodiscover.xml" --json GET http://autodiscover.contoso.com/autodiscover/autodiscover.xml
expect_out 'autodiscover: @fabrikam.com: redirectAddr to LOCAL@fabrikam.hosted.example' show --policy "$top_srcdir/doc/examples/autodiscover.xml"
# Two tiers: a load balancer forwards X-Forwarded-Proto and nothing about the cipher.
ex16o="$top_srcdir/doc/examples/exchange2016-offload.xml"
expect_out '^action:    allow' eval --policy "$ex16o" --peer 10.0.0.5 -H 'X-Forwarded-Proto: https' GET http://mail.contoso.com/owa/
expect_out 'trusted offloaders: 10.0.0.5/32 (min cipher bits 128)' show --policy "$ex16o"
lb="--preset exchange2016-offload $NS --offloader 10.0.0.5"
expect_out '^action:    deny 403.5' eval $lb --peer 10.0.0.5 -H 'X-Forwarded-Proto: https' GET http://mail.contoso.com/owa/
expect_out "^warning: offloader 10.0.0.5/32 says nothing about the cipher.*min-cipher-bits" show $lb
expect_out '^action:    allow' eval $lb --offloader-cipher-bits 128 --peer 10.0.0.5 -H 'X-Forwarded-Proto: https' GET http://mail.contoso.com/owa/
expect_out '^action:    deny 403.5' eval $lb --offloader-cipher-bits 112 --peer 10.0.0.5 -H 'X-Forwarded-Proto: https' GET http://mail.contoso.com/owa/
expect_out '^action:    allow' eval $lb --offloader 10.0.0.6 --offloader-cipher-header X-SSL-Cipher --peer 10.0.0.6 -H 'X-Forwarded-Proto: https' -H 'x-ssl-cipher: ECDHE-RSA-AES256-GCM-SHA384' GET http://mail.contoso.com/owa/
expect_out '^action:    deny 403.5' eval $lb --offloader-cipher-header X-SSL-Cipher --peer 10.0.0.5 -H 'X-Forwarded-Proto: https' -H 'X-SSL-Cipher: RC4-SHA' GET http://mail.contoso.com/owa/
expect_out '^action:    deny 403.5' eval $lb --offloader-cipher-header X-SSL-Cipher --peer 10.0.0.5 -H 'X-Forwarded-Proto: https' GET http://mail.contoso.com/owa/
expect_out '"remove_headers": \["X-Forwarded-Proto", "Front-End-Https", "X-SSL-Cipher"\]' eval $lb --offloader-cipher-header X-SSL-Cipher --peer 192.0.2.1 -H 'X-SSL-Cipher: AES256-SHA' --json GET https://mail.contoso.com/owa/
expect_out '^remove:    X-Forwarded-Proto, Front-End-Https, X-SSL-Cipher$' eval $lb --offloader-cipher-header X-SSL-Cipher --peer 192.0.2.1 GET https://mail.contoso.com/owa/
expect_out 'trusted offloaders: 10.0.0.5/32 (min cipher bits 128, cipher in X-SSL-Cipher)' show $lb --offloader-cipher-bits 128 --offloader-cipher-header X-SSL-Cipher
expect_fail 'goes with --offloader' show $C16 --offloader-cipher-bits 128
expect_fail "expected a key size from 0 to 256" show $lb --offloader-cipher-bits 257
expect_fail "expected a key size from 0 to 256" show $lb --offloader-cipher-bits -1
expect_fail "is not a header name" show $lb --offloader-cipher-header 'X Cipher'
expect_fail "cannot be carried in X-Forwarded-Proto" show $lb --offloader-cipher-header X-Forwarded-Proto

# config: show, set (on a copy), plan (Configuring SSL offloading in Exchange 2013's scripts), refusals.
cfg8="$top_srcdir/tests/data/config/exchange2016.config"
cfg16="$top_srcdir/tests/data/config/exchange2016-utf16.config"
# Columns as wide as their longest value: SET AT holds whole vdir paths.
expect_out 'Default Web Site/owa                           Ssl, Ssl128            Default Web Site                              MSExchangeOWAAppPool' config show "$cfg16"
expect_out '^  Default Web Site/owa/Integrated                Ssl, Ssl128            Default Web Site/owa/Integrated               MSExchangeOWAAppPool$' config show "$cfg16"
expect_out '"path": "Default Web Site/Rpc", "ssl_flags": "None", "set_at": "Default Web Site/Rpc", "pool": "MSExchangeRpcProxyFrontEndAppPool"' config show --json "$cfg8"
expect_out 'SSLOffloaded = dword:00000001$' config show "$top_srcdir/tests/data/registry/exchange2010-owa.reg"
expect_out 'AllowExternallUntrustedCerts = dword:00000001 (unknown to libsslvdir)' config show "$top_srcdir/tests/data/registry/exchange2010-owa.reg"
tmpd=$(mktemp -d)
cp "$cfg16" "$tmpd/applicationHost.config"
expect_json 'Default Web Site/owa: sslFlags Ssl, Ssl128 -> None' config set "$tmpd/applicationHost.config" 'Default Web Site/owa' sslFlags=None
if cmp -s "$tmpd/applicationHost.config.bak" "$cfg16"; then ok; else ko "config set keeps a .bak"; fi
n=$(cmp -l "$tmpd/applicationHost.config" "$cfg16" 2>/dev/null | wc -l)
if [ "$n" -gt 0 ]; then ok; else ko "config set changed nothing"; fi
expect_out 'Default Web Site/owa                           None ' config show "$tmpd/applicationHost.config"
expect_json '{"file": "'"$tmpd"'/applicationHost.config", "path": "Default Web Site/ecp", "before": "Ssl, Ssl128", "after": "Ssl", "written": false}' config set --dry-run --json "$tmpd/applicationHost.config" 'Default Web Site/ecp' sslFlags=Ssl
# A set that changes nothing writes nothing: same bytes, same file (inode and
# time), and the .bak still holds the version before the last real change.
f="$tmpd/applicationHost.config"
stamp=$(stat -c '%i %y' "$f"); bytes=$(cksum < "$f")
sleep 1 # a rewrite within the same clock tick could keep the time
expect_json '{"file": "'"$f"'", "path": "Default Web Site/owa", "before": "None", "after": "None", "written": false}' config set --json "$f" 'Default Web Site/owa' sslFlags=None
expect_json 'Default Web Site/owa: sslFlags None -> None (unchanged: not written)' config set "$f" 'Default Web Site/owa' sslFlags=none
if [ "$(stat -c '%i %y' "$f")" = "$stamp" ] && [ "$(cksum < "$f")" = "$bytes" ]; then ok; else ko "config set with the same value rewrote the file"; fi
if cmp -s "$f.bak" "$cfg16"; then ok; else ko "config set with the same value replaced the .bak"; fi
# A real change says written true, and only then the .bak moves on.
expect_json '{"file": "'"$f"'", "path": "Default Web Site/ecp", "before": "Ssl, Ssl128", "after": "Ssl", "written": true}' config set --json "$f" 'Default Web Site/ecp' sslFlags=Ssl
if cmp -s "$f.bak" "$cfg16"; then ko "config set did not update the .bak"; elif [ "$(cksum < "$f.bak")" = "$bytes" ]; then ok; else ko "config set: the .bak is not the previous version"; fi
expect_fail "unknown sslFlags keyword\|unknown" config set "$tmpd/applicationHost.config" 'Default Web Site/ecp' sslFlags=Sssl
expect_fail "only sslFlags=VALUE can be set" config set "$tmpd/applicationHost.config" 'Default Web Site/ecp' authentication=Basic
expect_fail "no site 'Nope'" config set "$tmpd/applicationHost.config" 'Nope/owa' sslFlags=None
# .reg files as regedit writes them: lines regedit refuses are skipped with a
# warning naming the line, the rest is read; deletions are listed; the JSON
# keeps key, value name (which may hold a backslash) and type apart.
bad="$top_srcdir/tests/data/registry/exchange2010-badlines.reg"
expect_out '^warning: \.reg line 7: a dword has at most 8 hex digits; the line is skipped and "SSLOffloaded" is treated as absent' config show "$bad"
expect_out '^warning: \.reg line 8: .*AllowProxyingWithoutSsl is a DWORD value; the value is treated as absent' config show "$bad"
expect_out '^  "DisplayName"="Microsoft Exchange Outlook Web App"$' config show "$bad"
expect_out '^  "SSLOffloaded"=-$' config show "$top_srcdir/tests/data/registry/undo-offload.reg"
expect_out '^  \[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\OldProxy\]$' config show "$top_srcdir/tests/data/registry/undo-offload.reg"
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor]\r\n"Logs\\\\Path"="D:\\\\Logs"\r\n"Old"=-\r\n"Count"=dword:0000000a\r\n"Bad"=dword:000000001\r\n\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Old]\r\n' >"$tmpd/names.reg"
expect_json '{"reg_files": [{"file": "'"$tmpd"'/names.reg", "entries": [{"kind": "key", "key": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor"}, {"kind": "value", "key": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor", "name": "Logs\\Path", "type": "REG_SZ", "string": "D:\\Logs"}, {"kind": "value-delete", "key": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor", "name": "Old"}, {"kind": "value", "key": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor", "name": "Count", "type": "REG_DWORD", "dword": 10}, {"kind": "key-delete", "key": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Old"}], "warnings": [".reg line 7: a dword has at most 8 hex digits; the line is skipped and \"Bad\" is treated as absent (Exchange'"'"'s default applies)"]}], "registry": [{"path": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Logs\\Path", "string": "D:\\Logs", "known": false}, {"path": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Count", "dword": 10, "known": false}], "registry_warnings": [".reg line 7: a dword has at most 8 hex digits; the line is skipped and \"Bad\" is treated as absent (Exchange'"'"'s default applies)"]}' \
  config show --json "$tmpd/names.reg"
# A skipped SSLOffloaded line is absent, never the 1 an earlier file gave it:
# OWA on Exchange 2010 goes back to being bridged.
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA]\r\n"SSLOffloaded"=dword:00000001\r\n' >"$tmpd/on.reg"
off2010="--preset exchange2010-offload $NS --offloader 10.0.0.5 --peer 10.0.0.5 --cipher-bits 256 -H X-Forwarded-Proto:https"
# shellcheck disable=SC2086
expect_out '"action": "allow", .*"upstream": "offload"' eval --json $off2010 --reg "$tmpd/on.reg" GET http://mail.contoso.com/owa/
# shellcheck disable=SC2086
expect_out '"action": "allow", .*"upstream": "bridge"' eval --json $off2010 --reg "$tmpd/on.reg" --reg "$bad" GET http://mail.contoso.com/owa/
# Not a .reg file at all, or a section that does not read: refused whole.
printf 'REGEDIT5\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor]\r\n"a"=dword:1\r\n' >"$tmpd/nohdr.reg"
expect_fail 'line 1: the first line must be' config show "$tmpd/nohdr.reg"
printf 'REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\r\n"a"=dword:1\r\n' >"$tmpd/nosect.reg"
expect_fail 'line 2: a section is \[KEY\] or \[-KEY\]' config show "$tmpd/nosect.reg"
rm -rf "$tmpd"
tmpp=$(mktemp -d) || exit 99
seedargs="--server MyServer --external-host MyServer.mail.contoso.com --auth Basic --iisreset --offload Default\ Web\ Site/Rpc"
if "$sv" config plan --server MyServer --external-host MyServer.mail.contoso.com --auth Basic --iisreset --offload 'Default Web Site/Rpc' --offload 'Default Web Site/OWA' --offload 'Default Web Site/ecp' --offload 'Default Web Site/EWS' --offload 'Default Web Site/Autodiscover' --offload 'Default Web Site/Microsoft-Server-ActiveSync' --offload 'Default Web Site/OAB' --offload 'Default Web Site/MAPI' > "$tmpp/ps.txt"; then ok; else ko "config plan: Configuring SSL offloading in Exchange 2013 PowerShell script"; fi
if "$sv" config plan --appcmd --server=MyServer --external-host MyServer.mail.contoso.com --auth Basic --iisreset --offload 'Default Web Site/Rpc' --offload 'Default Web Site/owa' --offload 'Default Web Site/ecp' --offload 'Default Web Site/EWS' --offload 'Default Web Site/Autodiscover' --offload 'Default Web Site/Microsoft-Server-ActiveSync' --offload 'Default Web Site/OAB' --offload 'Default Web Site/MAPI' > "$tmpp/ac.txt"; then ok; else ko "config plan: Configuring SSL offloading in Exchange 2013 appcmd script"; fi
# The scripts of Configuring SSL offloading in Exchange 2013, with the
# location that keeps MRSProxy bridged before the reset and, last, the
# reminder that every cumulative update undoes the steps.
for f in ps:powershell ac:appcmd; do
  out="$tmpp/${f%%:*}.txt"; script="$top_srcdir/tests/data/config/offloading2013-${f#*:}.ps1"
  if grep -v 'mrsproxy\.svc' "$out" | sed '$d' | cmp -s - "$script"; then ok; else ko "config plan: Configuring SSL offloading in Exchange 2013 ${f#*:} script"; cat "$out"; fi
  [ "$(sed -n '$p' "$out")" = "# Every Exchange cumulative update undoes these settings: perform these steps again after each one (Configuring SSL offloading in Exchange 2013)." ] && ok || ko "config plan: the cumulative update reminder"
  grep -q 'Default Web Site/EWS/mrsproxy.svc".*Ssl,Ssl128\|Ssl,Ssl128.*Default Web Site/EWS/mrsproxy.svc"' "$out" && ok || ko "config plan: MRSProxy kept bridged"
done
rm -rf "$tmpp"
expect_out '"kind": "sslflags", "target": "Default Web Site/owa", "appcmd": "&$env:systemroot' config plan --json "$cfg8" --offload 'Default Web Site/owa'
expect_fail "MRSProxy, which does not support SSL offloading" config plan "$cfg8" --offload 'Default Web Site/EWS/mrsproxy.svc'
expect_fail "Exchange Back End site" config plan "$cfg8" --offload 'Exchange Back End/owa'
# A vdir or site the configuration does not have is an input error, not a plan
# for a location no URL reaches.
expect_fail "plan: the configuration has no vdir 'Default Web Site/nonexist'" config plan "$cfg8" --offload 'Default Web Site/nonexist'
expect_fail "plan: the configuration has no site 'Default Website'" config plan "$cfg8" --offload 'Default Website/owa'
expect_out 'sslflags -Value "Ssl,Ssl128" -PSPath IIS: -Location "Default Web Site/EWS/mrsproxy.svc"' config plan "$cfg8" --offload 'Default Web Site/EWS' --bridge 'Default Web Site/EWS/mrsproxy.svc'
expect_fail "has Extended Protection, which SSL offloading does not support" config plan "$top_srcdir/tests/data/config/exchangeSE.config" --offload 'Default Web Site/owa'
expect_fail "ActiveSync on Exchange 2007" config plan --exchange 2007 --offload 'Default Web Site/Microsoft-Server-ActiveSync'
# Without a configuration, what Exchange ships stands in for it: a typo is an error too.
expect_fail "plan: Exchange 2016 creates no vdir 'Default Web Site/owaa'" config plan --exchange 2016 --offload 'Default Web Site/owaa'
expect_fail "plan: 'Default Website' is not the site Exchange creates" config plan --offload 'Default Website/owa'
expect_fail "cannot be written safely into a command: it holds '$'" config plan --offload 'Default Web Site/o$(calc)wa'
regout=$(mktemp)
if "$sv" config plan --exchange 2010 --offload 'Default Web Site/owa' --reg-out "$regout" >/dev/null && [ "$(head -c 2 "$regout" | od -An -tx1 | tr -d ' ')" = fffe ]; then ok; else ko "config plan --reg-out writes UTF-16LE with BOM"; fi
rm -f "$regout"
expect_out '"reason_code": "ssl-required"' eval --iisconfig "$cfg8" --json GET http://mail.contoso.com/owa/
expect_out '"upstream": "offload"' eval --iisconfig "$cfg8" --json GET https://mail.contoso.com/Rpc/
# IIS Express: two sites on localhost, told apart by port. Read, with a
# warning naming both; the shared name is neither's: 400.
iisx="$top_srcdir/tests/data/iisexpress/applicationhost.config"
expect_out "host 'localhost' is bound by site 'WebSite1' (port 8080) and by site 'WebSite2' (port 8081)" config show "$iisx"
expect_out 'action: *deny 400' eval --iisconfig "$iisx" GET http://localhost:8080/
expect_out 'action: *deny 400' eval --iisconfig "$iisx" GET https://localhost:44301/
expect_fail "config needs show, set or plan" config
expect_out 'deny 404.11' demo
expect_out "^sslvdir [0-9]" version
# Usage and input errors: exit 2 and a message
expect_fail 'eval needs METHOD and URL' eval GET
expect_one_line "eval needs METHOD and URL (see 'sslvdir eval --help')" eval GET
expect_fail 'unknown option' eval $C16 --bogus GET /
expect_fail 'cipher-bits' eval $C16 --cipher-bits lots GET /
expect_fail 'client-cert' eval $C16 --client-cert maybe GET /
# --peer is a bare address: with a port (or brackets, a zone) it is refused, not
# silently treated as an untrusted peer whose X-Forwarded-Proto is stripped.
expect_fail "--peer '10.0.0.5:443': expected a bare IPv4 or IPv6 address" eval --preset exchange2016-offload $NS --offloader 10.0.0.5 --peer 10.0.0.5:443 -H 'X-Forwarded-Proto: https' GET http://mail.contoso.com/owa/
expect_fail 'expected a bare IPv4 or IPv6 address' eval $C16 --peer '[2001:db8::1]' GET /
expect_fail 'expected a bare IPv4 or IPv6 address' eval $C16 --peer 'fe80::1%eth0' GET /
expect_fail 'expected a bare IPv4 or IPv6 address' eval $C16 --peer '' GET /
expect_out '^action:    allow' eval --preset exchange2016-offload $NS --offloader 2001:db8::/64 --offloader-cipher-bits 128 --peer 2001:db8::5 -H 'X-Forwarded-Proto: https' GET http://mail.contoso.com/owa/
# Nothing is guessed: no preset, no host and no Autodiscover domain by default.
# A preset without hosts used to answer for a demo namespace, and redirect
# http://mail.fabrikam.com/owa/ to https://mail.contoso.com/owa/.
expect_fail 'no policy: give --policy (a policy file), --preset (a built-in preset, with --host and --ad-domain) or --iisconfig' eval GET http://mail.fabrikam.com/owa/
expect_fail 'no policy: give --policy' show
expect_fail 'no policy: give --policy' rewrite-header 'Location: http://mail.contoso.com/'
expect_fail '^sslvdir: --preset needs --host: the host names clients use' eval --preset exchange2016 --redirect GET http://mail.fabrikam.com/owa/
expect_fail '^sslvdir: --preset needs --host' show --preset exchange2016 --ad-domain fabrikam.com
expect_fail '^sslvdir: --preset needs --ad-domain: the users.* e-mail domains' eval --preset exchange2016 --host mail.fabrikam.com GET http://mail.fabrikam.com/owa/
expect_fail '^sslvdir: --preset needs --ad-domain' autodiscover json --preset exchange2016 --host mail.fabrikam.com 'Email=a@fabrikam.com&Protocol=AutodiscoverV1'
# ... but an applicationHost.config whose bindings name the preset's site's hosts will do.
expect_out '"reason_code": "ssl-required"' eval --json --preset exchange2016 --ad-domain contoso.com --iisconfig "$top_srcdir/tests/data/config/exchange2016.config" GET http://mail.contoso.com/owa/
expect_out '"location": "https://mail.fabrikam.com/owa/"' eval --json --preset exchange2016 --host mail.fabrikam.com --ad-domain fabrikam.com --redirect GET http://mail.fabrikam.com/owa/
expect_fail '^sslvdir: --host goes with --preset' eval --iisconfig "$top_srcdir/tests/data/config/exchange2016.config" --host mail.fabrikam.com GET /
expect_fail "^sslvdir: --host: " eval --preset exchange2016 --ad-domain fabrikam.com --host 'bad host' GET /
expect_fail 'unknown preset' eval --preset exchange2021 $NS GET /
expect_fail 'not both' eval --preset exchange2016 --policy x.xml GET /
expect_fail 'No such file' eval --policy /nonexistent.xml GET /
expect_fail 'line 5' eval --policy "$top_srcdir/tests/data/policy/bad/bad-flags.xml" GET /
expect_fail 'malformed prefix length' eval $C16 --offloader 10.0.0.0/8,x GET /
expect_fail 'not an IPv4 or IPv6' eval $C16 --offloader mail.contoso.com GET /
expect_fail "expected 'Name: value'" eval $C16 -H 'NoColon' GET /
expect_fail 'must be http' eval $C16 GET ftp://x/
expect_fail 'unknown command' frobnicate
expect_one_line "unknown command 'frobnicate' (see 'sslvdir --help')" frobnicate
expect_fail 'usage' 
expect_fail 'not a host name' show --preset exchange2016 --ad-domain example.com --host 'bad host'
# ---------------------------------------------------------------- certificates and the audit
C="$top_builddir/tests/certs"
CFG="$top_srcdir/tests/data/config/exchange2016.config"
thumb=$("$sv" cert show --json "$C/server.der" | sed -n 's/.*"thumbprint": "\([0-9A-F]*\)".*/\1/p' | head -n 1)
expect_out "thumbprint:  $thumb" cert show --password 'P@ss w0rd' "$C/server.p12"
expect_out 'format: pkcs12, 2 certificates' cert show --password-file "$top_srcdir/tests/data/cert/p12.pass" "$C/server.p12"
expect_out 'names:       DNS:mail.contoso.com, DNS:autodiscover.contoso.com, DNS:server01.contoso.local, DNS:server01, IP:192.0.2.10' cert show "$C/server.pem"
expect_out '"self_signed": true' cert show --json "$C/selfsigned.der"
expect_out 'Windows Mobile 5.0' cert show "$C/wildcard.pem"
expect_fail 'password is missing' cert show "$C/server.p12"
expect_fail 'password is wrong' cert show --password nope "$C/server.p12"
expect_fail 'No certificate was found' cert show "$C/server.key"
expect_fail 'name a certificate' cert show
expect_out 'mail.contoso.com: covered by mail.contoso.com' cert check "$C/server.pem" --host mail.contoso.com --ca "$C/ca.pem"
expect_status 4 'contoso.com: NOT covered' cert check "$C/wildcard.pem" --host mail.contoso.com,contoso.com
expect_status 4 "mail.contoso.com: NOT covered (only in the subject's CN" cert check "$C/cnonly.pem" --host mail.contoso.com
# A policy's names: its sites' hosts and autodiscover.DOMAIN of its Autodiscover domains.
expect_status 4 'autodiscover.fabrikam.com: NOT covered' cert check "$C/server.pem" --policy "$top_srcdir/tests/data/cert/two-domains.xml"
expect_status 4 '"iis_status": "403.13"' cert check --json "$C/revoked.pem" --ca "$C/ca.pem" --crl "$C/crl.pem"
expect_status 4 'self-signed and not trusted' cert check "$C/selfsigned.pem" --ca "$C/ca.pem"
expect_status 4 'expired' cert check "$C/server.pem" --ca "$C/ca.pem" --time 4102444800
expect_fail 'needs --ca' cert check "$C/server.pem" --host a.example --crl "$C/crl.pem"
expect_fail 'not signed by a CA of the store' cert check "$C/server.pem" --ca "$C/other-ca.pem" --crl "$C/crl.pem"
expect_out 'ECDHE-RSA-AES128-GCM-SHA256: 128 bits' cipher-bits ECDHE-RSA-AES128-GCM-SHA256
expect_out 'DES-CBC3-SHA: 112 bits: 403.5' cipher-bits DES-CBC3-SHA
expect_out 'TLS_RSA_WITH_3DES_EDE_CBC_SHA: 112 bits: 403.5' cipher-bits TLS_RSA_WITH_3DES_EDE_CBC_SHA
# RC4 counts 0 whatever its key (RFC 7465), by any of its names.
expect_out 'RC4-SHA: 0 bits: 403.5' cipher-bits RC4-SHA
expect_json '[{"cipher": "RC4-MD5", "bits": 0}, {"cipher": "TLS_RSA_ARCFOUR_128_SHA1", "bits": 0}, {"cipher": "EXP-RC4-MD5", "bits": 0}]' cipher-bits --json RC4-MD5 TLS_RSA_ARCFOUR_128_SHA1 EXP-RC4-MD5
expect_status 4 '"bits": null' cipher-bits --json AES-GCM
expect_out 'No finding' audit --config "$CFG" --cert "$C/server.pem" --ca "$C/ca.pem" --namespace mail.contoso.com,autodiscover.contoso.com --exchange-version 2016
expect_status 4 'error \[cert-weak-key\]' audit --cert "$C/weak.pem" --namespace mail.contoso.com,autodiscover.contoso.com
expect_status 4 '"worst": "error"' audit --json --cert "$C/expired.pem" --namespace mail.contoso.com
expect_status 4 'error \[offloader-too-broad\] ::/0' audit --config "$CFG" --offloader ::/0
# audit takes no --host or --ad-domain, so a preset alone names no namespace:
# refused rather than audited against a guessed one.
expect_fail '^sslvdir: --preset needs --host' audit --preset exchange2016-offload --offloader 10.0.0.5
expect_status 3 'warning \[allow-external-untrusted\]' audit --registry "$top_srcdir/tests/data/audit/allow-external.reg"
expect_status 0 'note' audit --cert "$C/wildcard.pem" --namespace mail.contoso.com,autodiscover.contoso.com
tmpcfg=$(mktemp)
cp "$CFG" "$tmpcfg"
"$sv" config set "$tmpcfg" "Default Web Site/owa" sslFlags=None >/dev/null
expect_status 4 'owa-ssloffloaded-missing' audit --config "$tmpcfg" --exchange-version 2010 --offloader 10.0.0.5
expect_status 4 'New-ItemProperty .*SSLOffloaded' audit --config "$tmpcfg" --exchange-version 2010 --offloader 10.0.0.5
rm -f "$tmpcfg" "$tmpcfg.bak"
expect_fail 'give at least one' audit
expect_fail "Exchange version '2012' unknown (expected 2007, 2010, 2013, 2016, 2019, 2025 or SE)" audit --exchange-version 2012 --namespace a.example
expect_fail "--exchange-version: Exchange version '2019x' unknown" audit --exchange-version 2019x --namespace a.example
# Exchange SE by name (2025 is its number): /Rpc needs SSL there, so a
# configuration that leaves it open is told, with SE's default.
expect_status 3 'default of Exchange SE' audit --config "$top_srcdir/tests/data/config/exchange2019.config" --exchange-version SE
expect_out 'No finding' audit --config "$top_srcdir/tests/data/config/exchangeSE.config" --exchange-version se
expect_fail "Exchange version '2020' unknown" config plan --offload 'Default Web Site/owa' --exchange 2020
# SE ships /Rpc requiring SSL: offloading it clears that (2019 ships None).
expect_out 'sslflags -Value "None" .*Default Web Site/Rpc' config plan --server EX01 --offload 'Default Web Site/Rpc' --exchange SE
expect_fail 'not a host name' audit --namespace 'bad/host'

# ---------------------------------------------------------------- the command line itself
py=${PYTHON3:-python3}
# eqv "SUB" OPT VALUE ARGS...: "--opt VALUE" and "--opt=VALUE" give the same
# output and exit status, and that is not a usage error.
eqv() {
  sub=$1 opt=$2 val=$3; shift 3
  # shellcheck disable=SC2086
  a=$("$sv" $sub "$opt" "$val" "$@" 2>&1 </dev/null; echo "exit $?")
  # shellcheck disable=SC2086
  b=$("$sv" $sub "$opt=$val" "$@" 2>&1 </dev/null; echo "exit $?")
  case $a in *"exit 2") ko "sslvdir $sub $opt $val $*: a usage error: $a"; return ;; esac
  if [ "$a" = "$b" ]; then ok; else ko "sslvdir $sub $opt=$val differs from $opt $val"; printf '%s\n---\n%s\n' "$a" "$b" | head -8; fi
}
dp="$top_srcdir/tests/data/decide/certs.xml"
regf="$top_srcdir/tests/data/registry/exchange2010-owa.reg"
# pol_but OPT: the rest of a complete policy (a preset, its hosts and its
# Autodiscover domain) for an option that does not give it all itself.
pol_but() {
  case $1 in
  --preset) echo --host mail.fabrikam.com --ad-domain fabrikam.com ;;
  --host|--namespace) echo --preset exchange2016 --ad-domain fabrikam.com ;;
  --ad-domain) echo --preset exchange2016 --host mail.fabrikam.com ;;
  --iisconfig|--config|--policy) ;;
  *) echo --preset exchange2016 --host mail.fabrikam.com --ad-domain fabrikam.com ;;
  esac
}
for o in --preset:exchange2016-offload --host:mail.fabrikam.com --offloader:10.0.0.5 --ad-domain:fabrikam.com \
         --iisconfig:"$cfg8" --config:"$cfg8" --registry:"$regf" --reg:"$regf" --cipher-bits:40 --client-cert:missing \
         --peer:10.0.0.5 --header:'X-Forwarded-Proto: https' --namespace:mail.fabrikam.com; do
  # shellcheck disable=SC2046
  eqv eval "${o%%:*}" "${o#*:}" $(pol_but "${o%%:*}") --json GET https://mail.fabrikam.com/owa/
done
eqv eval --policy "$dp" --json GET https://mail.contoso.com/certauth/
eqv eval --extended-protection off --preset exchangese-offload --host mail.contoso.com --ad-domain contoso.com --json GET https://mail.contoso.com/owa/
eqv eval --offloader-cipher-bits 128 --offloader 10.0.0.5 --preset exchange2016 --host mail.contoso.com --ad-domain contoso.com --json GET https://mail.contoso.com/owa/
eqv eval --offloader-cipher-header X-SSL-Cipher --offloader 10.0.0.5 --preset exchange2016 --host mail.contoso.com --ad-domain contoso.com --json GET https://mail.contoso.com/owa/
eqv show --host mail.fabrikam.com,owa.fabrikam.com --preset exchange2016 --ad-domain fabrikam.com
eqv show --policy "$ex16o" --json
eqv rewrite-header --vdir 'Default Web Site/ecp' --policy "$top_srcdir/tests/data/rewrite/policy.xml" 'Set-Cookie: a=b; path=/'
for o in --types:text/html --content-type:text/plain --content-encoding:identity --chunk:7; do
  eqv rewrite-body "${o%%:*}" "${o#*:}" --preset exchange2016 --host mail.contoso.com --ad-domain contoso.com
done
eqv rewrite-body --replace http://legacy.local/ https://mail.contoso.com/legacy/ --preset exchange2016 --host mail.contoso.com --ad-domain contoso.com
eqv "autodiscover respond" --time-us 1700000000123456 --policy "$adp"
eqv "autodiscover redirect" --url https://x.example/autodiscover/autodiscover.xml
eqv "autodiscover redirect" --addr a@hosted.example
eqv "autodiscover check-redirect" --url 302 https://mail.contoso.com/autodiscover/autodiscover.xml a@contoso.com
for o in --offload:'Default Web Site/owa' --bridge:'Default Web Site/owa' --exchange-version:2010 --exchange:2010 \
         --server:EX01 --external-host:mail.contoso.com; do
  eqv "config plan" "${o%%:*}" "${o#*:}" --server EX01 --offload 'Default Web Site/ecp' "$cfg8"
done
eqv "config plan" --auth Ntlm --server EX01 --external-host mail.contoso.com --offload 'Default Web Site/ecp' "$cfg8"
tmpr=$(mktemp -d) || exit 99
"$sv" config plan --exchange-version 2010 --offload 'Default Web Site/owa' --reg-out "$tmpr/a.reg" >/dev/null 2>&1
"$sv" config plan --exchange-version 2010 --offload 'Default Web Site/owa' --reg-out="$tmpr/b.reg" >/dev/null 2>&1
if [ -s "$tmpr/a.reg" ] && cmp -s "$tmpr/a.reg" "$tmpr/b.reg"; then ok; else ko "config plan --reg-out=FILE"; fi
rm -rf "$tmpr"
for o in --password:'P@ss w0rd' --password-file:"$top_srcdir/tests/data/cert/p12.pass"; do
  eqv "cert show" "${o%%:*}" "${o#*:}" "$C/server.p12"
done
for o in --ca:"$C/ca.pem" --time:4102444800 --host:mail.contoso.com --namespace:mail.contoso.com --policy:"$top_srcdir/tests/data/cert/two-domains.xml"; do
  eqv "cert check" "${o%%:*}" "${o#*:}" --ca "$C/ca.pem" "$C/server.pem"
done
eqv "cert check" --crl "$C/crl.pem" --ca "$C/ca.pem" --json "$C/revoked.pem"
for o in --iisconfig:"$CFG" --config:"$CFG" --registry:"$regf" --reg:"$regf" --cert:"$C/server.pem" \
         --host:mail.contoso.com,autodiscover.contoso.com --namespace:mail.contoso.com --exchange-version:2016 \
         --exchange:SE --preset:exchange2016-offload --offloader:10.0.0.5 --ca:"$C/ca.pem" --time:1700000000; do
  case ${o%%:*} in
  --preset) extra="--host mail.contoso.com --ad-domain contoso.com" ;;
  --offloader) extra="--preset exchange2016-offload --host mail.contoso.com --ad-domain contoso.com" ;;
  *) extra= ;;
  esac
  # shellcheck disable=SC2086
  eqv audit "${o%%:*}" "${o#*:}" $extra --cert "$C/server.pem" --json
done
eqv audit --policy "$ex16o" --json
eqv audit --extended-protection off --preset exchangese-offload --host mail.contoso.com --ad-domain contoso.com --json
eqv audit --password 'P@ss w0rd' --cert "$C/server.p12" --json

# Every alias gives what its canonical name gives (the names above are compared
# with their own "=" form; here an alias with its canonical option).
alias_same() {
  sub=$1 canon=$2 alias=$3 val=$4; shift 4
  # shellcheck disable=SC2086
  a=$("$sv" $sub "$canon" "$val" "$@" 2>&1; echo "exit $?")
  # shellcheck disable=SC2086
  b=$("$sv" $sub "$alias" "$val" "$@" 2>&1; echo "exit $?")
  case $a in *"exit 2") ko "sslvdir $sub $canon: a usage error: $a"; return ;; esac
  if [ "$a" = "$b" ]; then ok; else ko "sslvdir $sub: $alias is not $canon"; printf '%s\n---\n%s\n' "$a" "$b" | head -6; fi
}
for sub in eval show; do
  [ $sub = eval ] && set -- --json GET https://mail.contoso.com/owa/ || set -- --json
  alias_same $sub --iisconfig --config "$cfg8" "$@"
  alias_same $sub --registry --reg "$regf" --preset exchange2010-offload $NS "$@"
  alias_same $sub --host --namespace mail.fabrikam.com --preset exchange2016 --ad-domain fabrikam.com "$@"
done
alias_same audit --iisconfig --config "$CFG" --json
alias_same audit --registry --reg "$top_srcdir/tests/data/audit/allow-external.reg" --json
alias_same audit --host --namespace mail.contoso.com,autodiscover.contoso.com --cert "$C/server.pem" --json
alias_same audit --exchange-version --exchange SE --iisconfig "$top_srcdir/tests/data/config/exchange2019.config" --json
alias_same "config plan" --exchange-version --exchange 2010 --offload 'Default Web Site/owa' --json
alias_same "cert check" --host --namespace mail.contoso.com,contoso.com --json "$C/wildcard.pem"
alias_same "autodiscover json" --host --namespace mail.fabrikam.com --preset exchange2016 --ad-domain fabrikam.com 'Email=a@fabrikam.com&Protocol=AutodiscoverV1'

# Every subcommand's -h and --help: its usage on stdout, exit 0, naming each option.
helps() {
  sub=$1; shift
  for h in -h --help; do
    # shellcheck disable=SC2086
    out=$("$sv" $sub $h 2>/dev/null); rc=$?
    missing=
    for o in "$@"; do printf '%s' "$out" | grep -q -- "$o" || missing="$missing $o"; done
    if [ $rc -eq 0 ] && [ -z "$missing" ] && printf '%s' "$out" | grep -q "^usage: sslvdir ${sub%% *}"; then ok; else ko "sslvdir $sub $h (exit $rc): missing$missing"; fi
  done
}
# haproxy-maps: the fast path's files, from the library's own decisions.
md=$(mktemp -d)
"$sv" haproxy-maps --preset exchange2016-offload $NS --redirect "$md" 2>/dev/null && ok || ko "haproxy-maps: exit $?"
grep -q '^mail.contoso.com/owa/ redirect|302|redirect-https|Default Web Site/owa$' "$md/sslvdir-http-get.map" && ok || ko "haproxy-maps: no OWA redirect"
grep -q '^mail.contoso.com/owa/ lua$' "$md/sslvdir-http.map" && ok || ko "haproxy-maps: a POST to OWA over http (403.4) is not left to Lua"
grep -q '^mail.contoso.com/ews/ allow|offload|allowed|Default Web Site/EWS$' "$md/sslvdir-https.map" && ok || ko "haproxy-maps: no EWS allow"
grep -q '^mail.contoso.com/ews/mrsproxy.svc/ allow|bridge|' "$md/sslvdir-https.map" && ok || ko "haproxy-maps: MRSProxy is not bridged"
# PowerShell asks for a client certificate (SslNegotiateCert): over TLS, Lua.
grep -q '^mail.contoso.com/powershell/ lua$' "$md/sslvdir-https.map" && ok || ko "haproxy-maps: a client-certificate vdir is answered natively"
# Longest key first: map_beg takes the first that matches.
awk '!/^#/ { if (last && length($1) > last) bad = 1; last = length($1) } END { exit bad }' "$md/sslvdir-https.map" && ok || ko "haproxy-maps: keys not longest first"
[ "$(grep -v '^#' "$md/sslvdir-hosts.lst" | sort | tr '\n' ' ')" = "autodiscover.contoso.com mail.contoso.com " ] && ok || ko "haproxy-maps: host list"
[ -z "$(ls -A "$md" | grep '^\.')" ] && ok || ko "haproxy-maps: temporary files left"
grep -q '^# sslvdir haproxy-maps --preset exchange2016-offload --host mail.contoso.com --host autodiscover.contoso.com' "$md/sslvdir-https.map" && ok || ko "haproxy-maps: no stamp naming the policy"
# A vdir path the maps cannot name (a "!") sends its whole site to Lua;
# a wildcard host is not listed; another https port keeps redirects in Lua.
cat > "$md/p.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="A" preset="exchange2016-offload">
    <host name="mail.contoso.com" canonical="true" https-port="8443"/>
    <vdir path="/owa" redirect="302"/>
  </site>
  <site name="B">
    <host name="b.contoso.com"/>
    <vdir path="/my!app" kind="other" edge="Ssl"/>
    <vdir path="/ok" kind="other"/>
  </site>
</policy>
XML
"$sv" haproxy-maps --policy "$md/p.xml" "$md" 2>/dev/null && ok || ko "haproxy-maps --policy: exit $?"
grep -q '^mail.contoso.com/owa/ lua$' "$md/sslvdir-http-get.map" && ok || ko "haproxy-maps: a redirect to port 8443 is answered natively"
grep -q '^b.contoso.com/ok/ lua$' "$md/sslvdir-https.map" && grep -q '^b.contoso.com/ lua$' "$md/sslvdir-https.map" && ok || ko "haproxy-maps: a site with an unnameable vdir is answered natively"
expect_fail 'not a directory' haproxy-maps --preset exchange2016-offload $NS "$md/p.xml"
expect_fail 'no such directory (make it first)' haproxy-maps --preset exchange2016-offload $NS "$md/nowhere"
expect_fail 'needs one DIRECTORY' haproxy-maps --preset exchange2016-offload $NS
expect_fail 'needs --host' haproxy-maps --preset exchange2016-offload "$md"
rm -rf "$md"
POL='--preset --policy --host --offloader --offloader-cipher-bits --offloader-cipher-header --ad-domain --iisconfig --registry --redirect --extended-protection'
# shellcheck disable=SC2086
helps eval --json --tls --cipher-bits --client-cert --peer -H --header $POL
# shellcheck disable=SC2086
helps show --json $POL
# shellcheck disable=SC2086
helps haproxy-maps $POL
# shellcheck disable=SC2086
helps rewrite-header --json --vdir $POL
# shellcheck disable=SC2086
helps rewrite-body --replace --types --content-type --content-encoding --chunk --stats $POL
for a in respond json redirect candidates check-redirect; do
  # shellcheck disable=SC2086
  helps "autodiscover $a" --json --internal --spec-spelling --mobilesync --time-us --url --addr $POL
done
helps "config show" --json
helps "config set" --json --dry-run
helps "config plan" --json --appcmd --powershell --iisreset --offload --bridge --exchange-version --server --external-host --auth --reg-out
helps "cert show" --json --password --password-file --ca --crl --system-ca --time
helps "cert check" --json --password --password-file --host --policy --ca --crl --system-ca --time
helps cipher-bits --json
helps audit --json --iisconfig --registry --cert --password --password-file --ca --crl --system-ca --time --host --exchange-version --policy --preset --redirect --extended-protection --offloader
helps presets --json
helps demo --json
helps version --json
for a in --config --reg --exchange --namespace; do
  if "$sv" --help | grep -q -- "$a = "; then ok; else ko "sslvdir --help does not name the alias $a"; fi
done
expect_out '^sslvdir [0-9]' --version
expect_out '^sslvdir [0-9]' -V
expect_fail "unknown option '--bogus' (see 'sslvdir show --help')" show --bogus
expect_fail "unknown option '--bogus' (see 'sslvdir config plan --help')" config plan --bogus
expect_fail "option '--preset' needs a value" show --preset
# A single-valued option twice is refused, not the last one silently taken.
expect_fail "--preset is given twice ('exchange2016', then 'exchange2010')" eval --preset exchange2016 --preset exchange2010 $NS GET /
expect_fail "--iisconfig is given twice" audit --iisconfig "$cfg8" --config "$cfg8"
expect_fail "--offloader-cipher-bits is given twice" show --preset exchange2016 $NS --offloader 10.0.0.5 --offloader-cipher-bits 128 --offloader-cipher-bits=256
expect_fail "option '--json' takes no value" show --json=yes
expect_fail "ambiguous option '--ex'" config plan --ex 2016 --offload 'Default Web Site/owa'
expect_fail "expected NAME or NAME,NAME" show --host ''
expect_fail "expected NAME or NAME,NAME" show --host a.example,
# Options and operands in any order; "--" ends the options.
expect_out '"substatus": 4' eval GET http://mail.contoso.com/owa/ --json --preset exchange2016 $NS
expect_fail "URL '--json' must be http" eval -- GET --json

# --json: each subcommand's answer parses, and so do its errors (one JSON
# object per line on stderr, {"error": {"code", "message"}}), exit status as without.
json_ok() {
  want=$1; shift
  out=$("$sv" "$@" 2>/dev/null </dev/null); rc=$?
  if [ $rc -eq "$want" ] && printf '%s' "$out" | "$py" -c 'import json,sys; json.loads(sys.stdin.read())' 2>/dev/null; then ok; else ko "sslvdir $* --json output (exit $rc, want $want) does not parse"; printf '%s\n' "$out" | head -3; fi
}
json_err() {
  want=$1 code=$2; shift 2
  out=$("$sv" "$@" 2>/dev/null </dev/null); err=$("$sv" "$@" 2>&1 >/dev/null </dev/null); rc=$?
  if [ $rc -eq "$want" ] && [ -z "$out" ] && printf '%s' "$err" | "$py" -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert lines
for l in lines:
    e = json.loads(l)["error"]
    assert set(e) == {"code", "message"} and e["message"] and not e["message"].startswith("sslvdir:"), e
assert json.loads(lines[0])["error"]["code"] == sys.argv[1], lines[0]
' "$code" 2>/dev/null; then ok; else ko "sslvdir $* error (exit $rc, want $want, code $code): $err"; fi
}
if command -v "$py" >/dev/null 2>&1; then
  json_ok 0 eval --json --preset exchange2016 $NS GET http://mail.contoso.com/owa/
  json_ok 0 show --json --preset exchange2016 $NS
  json_ok 0 show --json --policy "$top_srcdir/doc/examples/autodiscover.xml"
  json_ok 0 show --json $lb --offloader-cipher-bits 128 --offloader-cipher-header X-SSL-Cipher
  json_ok 0 rewrite-header --json --preset exchange2016 $NS 'Location: http://mail.contoso.com/owa'
  json_ok 0 autodiscover candidates --json user@contoso.com
  json_ok 0 autodiscover json --json --preset exchange2016 $NS 'Email=a%40contoso.com&Protocol=AutodiscoverV1'
  json_ok 0 autodiscover redirect --json --addr a@hosted.example
  json_ok 0 config show --json "$cfg8" "$regf"
  json_ok 0 config plan --json --offload 'Default Web Site/owa' "$cfg8"
  json_ok 0 cert show --json "$C/server.pem"
  json_ok 4 cert check --json --host mail.contoso.com,contoso.com "$C/wildcard.pem"
  json_ok 0 cipher-bits --json AES128-SHA
  json_ok 4 audit --json --cert "$C/expired.pem" --host mail.contoso.com
  json_ok 0 presets --json
  json_ok 0 demo --json
  json_ok 0 version --json
  json_ok 0 --version --json
  json_err 2 usage eval --json --bogus GET /
  json_err 2 usage show --json --preset
  json_err 2 inconsistent eval --json --preset exchange2016 --policy "$dp" GET /
  json_err 2 unknown-name show --json --preset exchange2021 $NS
  json_err 2 io show --json --policy /nonexistent.xml
  json_err 2 unknown-name eval --json --policy "$top_srcdir/tests/data/policy/bad/bad-flags.xml" GET /
  json_err 2 usage rewrite-header --json --preset exchange2016 $NS --vdir 'Default Web Site/nope' 'Set-Cookie: a=b'
  json_err 2 usage autodiscover candidates --json contoso.com
  json_err 2 usage config plan --json --offload 'Default Web Site/Rpc' "$cfg8"
  json_err 2 io config show --json /nonexistent.config
  json_err 2 password cert show --json "$C/server.p12"
  json_err 2 usage cert check --json "$C/server.pem"
  json_err 2 usage cipher-bits --json
  json_err 2 usage audit --json
  json_err 2 usage presets --json extra
  json_err 2 usage version --json --bogus
  json_err 2 usage --json frobnicate
  # --json before the command asked for JSON and got text: refused.
  json_err 2 usage --json eval --preset exchange2016 $NS GET http://mail.contoso.com/owa/
  # One error is one object: a newline in a value given on the command line
  # stays inside the message instead of starting a second, forged error.
  for args in "show --json --preset exchange2016 --ad-domain contoso.com --host a_NL_b" \
              "eval --json --bo_NL_gus GET /" "show --json --preset_NL_x"; do
    set -f
    set -- $args
    set +f
    nl='
'
    for a; do shift; set -- "$@" "$(printf '%s' "$a" | sed "s/_NL_/\\$nl/")"; done
    err=$("$sv" "$@" 2>&1 >/dev/null </dev/null)
    if printf '%s' "$err" | "$py" -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 1, lines
m = json.loads(lines[0])["error"]["message"]
# the value as given, or with the library'"'"'s escape (its messages carry no raw control byte)
assert "\n" in m or "\\n" in m, lines
' 2>/dev/null; then ok; else ko "sslvdir $args: one error, not one object: $err"; fi
  done
fi

# Text errors carry no raw control byte: a CR or LF in a value (from the
# command line, or echoed by the library's message) would write a line of
# its own on stderr, a forged log line. They are written \r, \n, \xNN.
cr=$(printf '\r') esc=$(printf '\033') nl='
'
# text_err WANT ARGS...: exit status 2, stderr is one line holding WANT
# (fixed string) and no CR or ESC.
text_err() {
  want=$1; shift
  err=$("$sv" "$@" 2>&1 >/dev/null </dev/null); rc=$?
  lines=$(printf '%s\n' "$err" | wc -l)
  case $err in
    *"$cr"*|*"$esc"*) ko "sslvdir $*: a raw control byte on stderr: $(printf '%s' "$err" | od -c | head -3)" ;;
    *) if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && printf '%s' "$err" | grep -qF -- "$want"; then ok
       else ko "sslvdir $* (exit $rc, $lines lines): $err"; fi ;;
  esac
}
# the command's own messages
text_err "--host ',a\nsslvdir: forged': expected NAME" show --preset exchange2016 --ad-domain contoso.com --host ",a${nl}sslvdir: forged"
text_err "-H 'X\r\nY: 1': the header name is not a token" eval -H "X${cr}${nl}Y: 1" GET /
text_err "unknown autodiscover command 'x\x1b[2Jy'" autodiscover "x${esc}[2Jy"
text_err "unknown option '--bo\ngus'" eval "--bo${nl}gus" GET /
# the library's messages, which echo the value
text_err "'a\r\nb' is not a host name" show --preset exchange2016 --ad-domain contoso.com --host "a${cr}${nl}b"
text_err "'X\r\nFake: 1' is not a header name" show --preset exchange2016 $NS \
  --offloader 10.0.0.5 --offloader-cipher-header "X${cr}${nl}Fake: 1"

# config plan: Outlook Anywhere is set per server; no server is guessed.
expect_fail "give --server NAME" config plan --offload 'Default Web Site/Rpc' "$cfg8"
expect_fail "give --server NAME" config plan --external-host mail.contoso.com --offload 'Default Web Site/owa' "$cfg8"
out=$("$sv" config plan --offload 'Default Web Site/owa' "$cfg8" 2>&1)
case $out in *MyServer*) ko "config plan names a server nobody gave: $out" ;; *) ok ;; esac
expect_out 'Set-OutlookAnywhere -Identity EX01\\Rpc\* -SSLOffloading \$true' config plan --server EX01 --offload 'Default Web Site/Rpc' "$cfg8"

# A 300-character vdir path is printed whole, in every table that shows one.
tmpl=$(mktemp -d) || exit 99
# (segments of 49: HTTP.sys refuses a segment longer than 260 characters)
seg=$(printf '%049d' 0 | tr 0 x)
long="owa/$seg/$seg/$seg/$seg/$seg/$seg"
sed "s|owa/Calendar|$long|g" "$cfg8" >"$tmpl/applicationHost.config"
[ $((${#long} + 17)) -ge 300 ] && ok || ko "the long path is not long"
expect_out "^  Default Web Site/$long  *None  *Default Web Site/$long  *MSExchangeOWACalendarAppPool\$" config show "$tmpl/applicationHost.config"
expect_out "^  /$long  *owa  *None  " show --iisconfig "$tmpl/applicationHost.config"
expect_out "\"path\": \"/$long\", \"kind\": \"owa\"" show --json --iisconfig "$tmpl/applicationHost.config"
expect_out "\"path\": \"Default Web Site/$long\", \"ssl_flags\": \"None\", \"set_at\": \"Default Web Site/$long\"" config show --json "$tmpl/applicationHost.config"
rm -rf "$tmpl"
# README's command examples still parse: each is run beside the source
# tree's doc/ and tests/ (redirections dropped); a file a reader brings may
# not read (an empty mail.pfx), a command-line error may not happen.
sv_abs=$(cd "$(dirname "$sv")" && pwd)/sslvdir
# The reader's own files are there, empty, so that reading them comes after
# the options are read and a wrong option is what the command says.
rd=$(mktemp -d) || exit 99
abs_srcdir=$(cd "$top_srcdir" && pwd)
ln -s "$abs_srcdir/doc" "$abs_srcdir/tests" "$rd/"
(cd "$rd" && touch page.html pfx.pass mail.pfx applicationHost.config exchange.reg)
n=0
readme_cmds=$(awk '/^## Use it from the command line/ { f = 1 } f && /^```sh/ { b = 1; next } b && /^```/ { exit } b' "$top_srcdir/README.md" |
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | sed -e 's/ *#.*$//' -e 's/ *[<>] *[^ ]*//g')
while IFS= read -r line; do
  [ -n "$line" ] || continue
  n=$((n + 1))
  err=$(cd "$rd" && eval "\"\$sv_abs\"${line#tools/sslvdir}" 2>&1 >/dev/null </dev/null)
  case $err in
    *"unknown option"*|*"needs a value"*|*unexpected*|*ambiguous*|*"takes no value"*|*"unknown command"*) ko "README: $line: $err" ;;
    *) ok ;;
  esac
done <<EOF
$readme_cmds
EOF
[ $n -ge 10 ] && ok || ko "README: only $n command examples found"
rm -rf "$rd"
echo "tool: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
