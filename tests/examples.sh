#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The programs of examples/ run, with what each prints checked: decide-lines
# on a policy file and on a preset, reload with reader threads while the
# policy file is reloaded, rewrite-stream in chunks of many sizes.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
ex=$top_builddir/examples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAILED: $1"; }
# same NAME EXPECTED-FILE GOT-FILE
same() {
  if cmp -s "$2" "$3"; then ok "$1"; else bad "$1"; diff "$2" "$3" | sed 's/^/  /'; fi
}
policy=$top_srcdir/doc/examples/exchange2016-offload.xml

# ---------------------------------------------------------------- decide-lines
cat > "$tmp/requests" <<'REQ'
GET http://mail.contoso.com/owa/ 192.0.2.7
POST http://mail.contoso.com/EWS/Exchange.asmx 10.0.0.5 X-Forwarded-Proto: https
POST http://mail.contoso.com/EWS/Exchange.asmx 192.0.2.7 X-Forwarded-Proto: https
GET https://mail.contoso.com/EWS/mrsproxy.svc 192.0.2.7
GET /owa/ - Host: autodiscover.contoso.com
GET http://mail.contoso.com/%2e%2e/x 192.0.2.7
GET
GET /owa/ - Host:
REQ
cat > "$tmp/want" <<'OUT'
redirect 302 https://mail.contoso.com/owa/
allow offload
deny 403.4
allow bridge
redirect 302 https://autodiscover.contoso.com/owa/
deny 400
error expected METHOD URL PEER [NAME: VALUE]...
error expected a header, NAME: VALUE, at 'Host:'
OUT
"$ex/decide-lines" --policy "$policy" --cipher-bits 256 < "$tmp/requests" > "$tmp/got" 2>&1
rc=$?
same "decide-lines --policy: a decision per line" "$tmp/want" "$tmp/got"
[ $rc -eq 1 ] && ok "decide-lines: exit status 1 after bad lines" || bad "decide-lines: exit status $rc, not 1"

# As Exchange ships (no redirect recipe), through an offloader that says
# nothing of the cipher: Ssl128 answers 403.5 (fail closed).
printf '%s\n' 'GET http://mail.contoso.com/owa/ 192.0.2.7' \
  'GET http://mail.contoso.com/owa/ 10.0.0.5 X-Forwarded-Proto: https' \
  'GET https://mail.contoso.com/owa/ 192.0.2.7' \
  'GET http://www.example.net/owa/ 192.0.2.7' > "$tmp/requests"
printf '%s\n' 'deny 403.4' 'deny 403.5' 'allow offload' 'deny 403.4' > "$tmp/want"
"$ex/decide-lines" --preset exchange2016-offload --host mail.contoso.com --ad-domain contoso.com \
  --offloader 10.0.0.5 --cipher-bits 128 < "$tmp/requests" > "$tmp/got" 2>&1
rc=$?
same "decide-lines --preset: a decision per line" "$tmp/want" "$tmp/got"
[ $rc -eq 0 ] && ok "decide-lines: exit status 0" || bad "decide-lines: exit status $rc, not 0"

# The policy options' rules, in the example's words (as README says of every
# front end): a preset needs --host and --ad-domain, a policy file no --host.
"$ex/decide-lines" --preset exchange2016-offload --ad-domain contoso.com < /dev/null > "$tmp/got" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q '^decide-lines: --preset needs --host: ' "$tmp/got" && ok "decide-lines: a preset without --host is refused" \
  || bad "decide-lines: a preset without --host: exit $rc, $(cat "$tmp/got")"
"$ex/decide-lines" --preset exchange2016-offload --host mail.contoso.com < /dev/null > "$tmp/got" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q '^decide-lines: --preset needs --ad-domain: ' "$tmp/got" && ok "decide-lines: a preset without --ad-domain is refused" \
  || bad "decide-lines: a preset without --ad-domain: exit $rc, $(cat "$tmp/got")"
"$ex/decide-lines" --policy "$policy" --host mail.contoso.com < /dev/null > "$tmp/got" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q '^decide-lines: --host goes with --preset' "$tmp/got" && ok "decide-lines: --host with a policy file is refused" \
  || bad "decide-lines: --host with --policy: exit $rc, $(cat "$tmp/got")"
"$ex/decide-lines" --preset exchange2016 --hots mail.contoso.com < /dev/null > "$tmp/got" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "unknown policy option 'hots'" "$tmp/got" && ok "decide-lines: an unknown option is refused" \
  || bad "decide-lines: --hots: exit $rc, $(cat "$tmp/got")"

# ---------------------------------------------------------------- reload
"$ex/reload" "$policy" http://mail.contoso.com/owa/ 192.0.2.7 20 3 > "$tmp/got" 2> "$tmp/err"
rc=$?
echo "20 reloads, 0 failed; 3 readers decided 3 x 1000 or more requests: redirect 302 https://mail.contoso.com/owa/" > "$tmp/want"
same "reload: readers decide while the file is reloaded 20 times" "$tmp/want" "$tmp/got"
[ $rc -eq 0 ] && ok "reload: exit status 0" || { bad "reload: exit status $rc"; cat "$tmp/err"; }

printf '<policy' > "$tmp/broken.xml"
"$ex/reload" "$tmp/broken.xml" http://mail.contoso.com/owa/ > "$tmp/got" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q '^reload: ' "$tmp/got" && ok "reload: a broken policy file is refused with its reason" \
  || bad "reload: broken policy file: exit $rc, $(cat "$tmp/got")"

# ---------------------------------------------------------------- rewrite-stream
cat > "$tmp/body" <<'BODY'
<a href="http://mail.contoso.com/owa/">owa</a> <a href="http://mail.contoso.com.evil.example/">not ours</a>
<script>var u = {"ecp":"http:\/\/Mail.Contoso.com:80\/ecp"};</script> http://other.example/
<img src='http://autodiscover.contoso.com/logo.png'> http://mail.contoso.com:8080/x
BODY
cat > "$tmp/want" <<'BODY'
<a href="https://mail.contoso.com/owa/">owa</a> <a href="http://mail.contoso.com.evil.example/">not ours</a>
<script>var u = {"ecp":"https:\/\/Mail.Contoso.com\/ecp"};</script> http://other.example/
<img src='https://autodiscover.contoso.com:8443/logo.png'> http://mail.contoso.com:8080/x
BODY
for chunk in 1 2 3 5 7 13 64 65536; do
  "$ex/rewrite-stream" --chunk $chunk mail.contoso.com autodiscover.contoso.com:8443 \
    < "$tmp/body" > "$tmp/got" 2> "$tmp/err"
  rc=$?
  same "rewrite-stream: chunks of $chunk bytes" "$tmp/want" "$tmp/got"
  [ $rc -eq 0 ] || { bad "rewrite-stream --chunk $chunk: exit status $rc"; cat "$tmp/err"; }
done
"$ex/rewrite-stream" --encoding gzip mail.contoso.com < "$tmp/body" > "$tmp/got" 2> "$tmp/err"
same "rewrite-stream: a compressed body passes unchanged" "$tmp/body" "$tmp/got"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
